"""The workbooks' scans started before the load's imports: `python -m etl load` forks a child process that runs
etl/ooxml.py's `scan_workbook` (the container checked, each sheet's used range checked against the cell
budget, hidden rows, formulas and error cells found) for each workbook in turn, while the parent imports the
readers, pyarrow and DuckDB. A scan holds the interpreter lock (regular expressions) and so did those imports:
in one process one waited for the other; here they run on two cores.

Nothing changes in what is checked, or in when a reader may open a sheet: the load (etl/load.py, `ReadAhead`)
takes each workbook's scan from here as it took it from its scanning thread, and fastexcel opens a workbook's
sheets only once its scan is back. A scan is taken only if the file is still the one scanned (device, inode,
size, modification and change times, before and after the scan, and again when the load asks, after it has
taken the load lock): a file replaced meanwhile is scanned again by the load. A workbook the child did not
scan (it raised, or the child is gone) is scanned by the load itself, in its turn, so that its error is raised
exactly as without the child; the child stops at the first such workbook.

The child is forked only from a process with no other thread, Python's or a library's (a fork copies no
thread, and a lock one held would never be released): as the command line is before it imports DuckDB or
pyarrow, whose thread pools start with them. Where the threads cannot be counted (no /proc: not Linux), or the
fork fails, nothing is forked. The child imports only ctypes (to end with its parent): what it runs is imported
before the fork."""

from __future__ import annotations

import os
import pickle
import signal
import threading
from concurrent.futures import Future, InvalidStateError
from pathlib import Path
from typing import Callable

from .errors import EtlError
from .inputs import WORKBOOK_SUFFIXES, display_names, input_files
from .ooxml import scan_workbook

_REDO = None  # the child's word for "not scanned here: the load scans it itself"


class Prescan:
    """The scans of the workbooks of `paths` (files or folders, as the load takes them), run ahead in a child
    process where one can be forked (`start`). `scans` gives the Future of one workbook's scan (a dict of
    sheet -> etl.ooxml.SheetScan, or the error it raised). Closing ends the child."""

    def __init__(self) -> None:
        self._results: dict[Path, tuple[str, Future]] = {}
        self.child: int | None = None  # the child's process id, once forked
        self._running = False

    @classmethod
    def start(cls, paths: list[Path]) -> "Prescan":
        prescan = cls()
        if not _single_threaded():
            return prescan  # nothing run ahead: the load scans every workbook itself
        try:
            files = input_files(paths)  # as the load lists them: no delivery report's mapping file
        except EtlError:
            return prescan  # the load reports it, in its turn
        names = display_names(files)
        # each once, though named twice (a file, and the folder it is in)
        workbooks = list(dict.fromkeys((path, names[path]) for path in files
                                       if path.suffix.lower() in WORKBOOK_SUFFIXES))
        if not workbooks:
            return prescan
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return prescan
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:  # a process limit, or memory: the load scans every workbook itself
            os.close(read_end)
            os.close(write_end)
            return prescan
        if pid == 0:  # the child: scans, writes each result, and ends without ever returning to the caller
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle; it ends the child
                _end_with(parent)
                os.close(read_end)
                _scan_in_child(write_end, workbooks)
            finally:
                os._exit(0)
        os.close(write_end)
        prescan.child, prescan._running = pid, True
        prescan._results = {path: (name, Future()) for path, name in workbooks}
        try:
            threading.Thread(target=prescan._receive, args=(read_end, workbooks), name="prescan-receiver",
                             daemon=True).start()
        except RuntimeError:
            os.close(read_end)
            prescan.close()
        return prescan

    def scans(self, path: Path, name: str, scan_here: Callable[[], Future]) -> Future | None:
        """The Future of `path`'s scan, when the child scans it under this name; None when it does not. Once the
        child's word is in, the scan is the child's if the file is still the one it scanned, else that of
        `scan_here()` (the load's own scanning, in its turn: a file replaced meanwhile, or one the child could
        not scan, whose error is then raised as it would be)."""
        found = self._results.get(path)
        if found is None or found[0] != name:
            return None
        checked: Future = Future()

        def take(received_future: Future) -> None:
            received = received_future.result()
            if received is not _REDO and _identity(path) == received[0]:
                checked.set_result(received[1])
                return
            try:
                scanned_here = scan_here()
            except RuntimeError:  # the load has ended: nobody waits for it
                checked.cancel()
                return
            scanned_here.add_done_callback(lambda done: _copy(done, checked))

        found[1].add_done_callback(take)  # at once if the word is in: after the load lock was taken
        return checked

    def _receive(self, descriptor: int, workbooks: list[tuple[Path, str]]) -> None:
        """Each workbook's result from the child, in file order; once the child stops or is gone, the rest are
        left to the load (_REDO), whatever happens here, so that no one waits for a word that never comes."""
        try:
            with os.fdopen(descriptor, "rb") as stream:
                for path, _ in workbooks:
                    try:
                        received = pickle.load(stream)
                    except Exception:  # the child gone (EOF), or a word cut short: the rest are the load's
                        break
                    _settle(self._results[path][1], received)
                    if received is _REDO:
                        break
        finally:
            for _, future in self._results.values():
                _settle(future, _REDO)

    def __enter__(self) -> "Prescan":
        return self

    def __exit__(self, *exception) -> None:
        self.close()

    def close(self) -> None:
        """End the child (it may still be scanning workbooks the load no longer needs) and wait for it; what
        it did not send is left to the load."""
        if self._running:
            self._running = False
            try:
                os.kill(self.child, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                os.waitpid(self.child, 0)
            except ChildProcessError:  # reaped already (SIGCHLD ignored): nothing to wait for
                pass
        for _, future in self._results.values():
            _settle(future, _REDO)


def _settle(future: Future, value) -> None:
    """Give the Future its value, unless it has one already (the receiver and `close` may both try)."""
    try:
        future.set_result(value)
    except InvalidStateError:
        pass


def _copy(source: Future, target: Future) -> None:
    if source.cancelled():
        target.cancel()
    elif source.exception() is not None:
        target.set_exception(source.exception())
    else:
        target.set_result(source.result())


def _identity(path: Path) -> tuple | None:
    """What tells a file from one put in its place: device, inode, size, modification and change times."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns


def _single_threaded() -> bool:
    """Whether this process has one thread, counting those a library started outside Python (Linux: each
    thread is a folder of /proc/self/task)."""
    try:
        return hasattr(os, "fork") and threading.active_count() == 1 and len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def _end_with(parent: int) -> None:
    """In the child: be killed when the parent ends, even by SIGKILL, rather than at the next write to the pipe
    (Linux's PR_SET_PDEATHSIG; elsewhere, or if it cannot be set, the next write ends the child)."""
    try:
        import ctypes
        if ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL) != 0:  # 1: PR_SET_PDEATHSIG
            return
    except (OSError, AttributeError, ImportError):
        return
    if os.getppid() != parent:  # the parent ended before the call: nobody waits for the scans
        os._exit(0)


def _scan_in_child(descriptor: int, workbooks: list[tuple[Path, str]]) -> None:
    """The child's work: each workbook's scan written to the pipe with the file's identity, in order, up to the
    first that raises or changes while it is scanned (written as _REDO)."""
    with os.fdopen(descriptor, "wb") as stream:
        for path, name in workbooks:
            before = _identity(path)
            try:
                result = (before, scan_workbook(path, name))
            except BaseException:  # scanned again by the load, which raises it as it would
                result = _REDO
            if result is not _REDO and (before is None or _identity(path) != before):
                result = _REDO
            pickle.dump(result, stream, protocol=pickle.HIGHEST_PROTOCOL)
            stream.flush()
            if result is _REDO:
                break
