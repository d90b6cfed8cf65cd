"""The workbooks' scans started before the load's imports: `python -m etl load` forks a child process that runs
etl/ooxml.py's `scan_workbook` (the container checked, each sheet's used range checked against the cell
budget, hidden rows, formulas and error cells found) for each workbook in turn, while the parent imports the
readers, pyarrow and DuckDB. A scan holds the interpreter lock (regular expressions) and so did those imports:
in one process one waited for the other; here they run on two cores.

Nothing changes in what is checked, or in when a reader may open a sheet: the load (etl/load.py, `ReadAhead`)
takes each workbook's scan from here as it took it from its scanning thread, and fastexcel opens a workbook's
sheets only once its scan is back. A workbook the child did not scan (it raised, or the child is gone) is
scanned again in the parent, in file order, so that its error is raised exactly as without the child; the
child stops at its first such workbook.

The child is forked only from a process with no other thread, Python's or a library's (a fork copies no
thread, and a lock one held would never be released): as the command line is before it imports DuckDB or
pyarrow, whose thread pools start with them. Where the threads cannot be counted (no /proc: not Linux)
nothing is forked. The child imports nothing: what it runs is imported before the fork."""

from __future__ import annotations

import os
import pickle
import signal
import threading
from concurrent.futures import Future
from pathlib import Path

from .errors import EtlError
from .inputs import WORKBOOK_SUFFIXES, display_names, input_files, is_mapping_file
from .ooxml import scan_workbook

_REDO = None  # the child's word for "scan this one again in the parent"


class Prescan:
    """The scans of the workbooks of `paths` (files or folders, as the load takes them), run ahead in a child
    process where one can be forked (`start`). `scans(path, name)` gives the Future of one workbook's scan
    (a dict of sheet → etl.ooxml.SheetScan, or the error `scan_workbook` raises), or None for a workbook not
    scanned here (the load then scans it itself). Closing ends the child."""

    def __init__(self) -> None:
        self._futures: dict[Path, tuple[str, Future]] = {}
        self.child: int | None = None  # the child's process id, once forked
        self._running = False
        self._closing = threading.Event()
        self._receiver: threading.Thread | None = None

    @classmethod
    def start(cls, paths: list[Path]) -> "Prescan":
        prescan = cls()
        if not _single_threaded():
            return prescan  # nothing run ahead: the load scans every workbook itself
        try:
            files = [path for path in input_files(paths) if not is_mapping_file(path)]
        except EtlError:
            return prescan  # the load reports it, in its turn
        names = display_names(files)
        workbooks = [(path, names[path]) for path in files if path.suffix.lower() in WORKBOOK_SUFFIXES]
        if not workbooks:
            return prescan
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: scans, writes each result, and ends without returning to the caller
            os.close(read_end)
            _scan_in_child(write_end, workbooks)
        os.close(write_end)
        prescan.child, prescan._running = pid, True
        prescan._futures = {path: (name, Future()) for path, name in workbooks}
        prescan._receiver = threading.Thread(target=prescan._receive, args=(read_end, workbooks),
                                             name="prescan-receiver", daemon=True)
        prescan._receiver.start()
        return prescan

    def scans(self, path: Path, name: str) -> Future | None:
        """The Future of `path`'s scan, when it is scanned here under the same name; else None."""
        found = self._futures.get(path)
        return found[1] if found is not None and found[0] == name else None

    def _receive(self, descriptor: int, workbooks: list[tuple[Path, str]]) -> None:
        """Each workbook's result from the child, in file order; the rest, once the child stops or is gone,
        scanned here in the same order (an error raised by that scan is the Future's)."""
        with os.fdopen(descriptor, "rb") as stream:
            for path, name in workbooks:
                future = self._futures[path][1]
                try:
                    result = pickle.load(stream) if not self._closing.is_set() else _REDO
                except (EOFError, OSError, pickle.UnpicklingError):
                    result = _REDO
                if result is _REDO:
                    break
                if future.set_running_or_notify_cancel():  # False: closed meanwhile, nobody waits for it
                    future.set_result(result)
            else:
                return
        for path, name in workbooks:
            future = self._futures[path][1]
            if future.done() or self._closing.is_set() or not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(scan_workbook(path, name))
            except BaseException as error:  # the scan's own error, raised in its turn by the load
                future.set_exception(error)

    def __enter__(self) -> "Prescan":
        return self

    def __exit__(self, *exception) -> None:
        self.close()

    def close(self) -> None:
        """End the child (it may still be scanning workbooks the load no longer needs) and wait for it."""
        self._closing.set()
        if self._running:
            self._running = False
            try:
                os.kill(self.child, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.child, 0)
        for _, future in self._futures.values():
            future.cancel()  # not yet given: nobody waits for it any more


def _single_threaded() -> bool:
    """Whether this process has one thread, counting those a library started outside Python (Linux: each
    thread is a folder of /proc/self/task)."""
    try:
        return hasattr(os, "fork") and threading.active_count() == 1 and len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def _scan_in_child(descriptor: int, workbooks: list[tuple[Path, str]]) -> None:
    """The child's whole life: each workbook's scan written to the pipe, in order, up to the first that raises
    (written as _REDO); then exit, whatever happens, without running the parent's exit handlers."""
    try:
        with os.fdopen(descriptor, "wb") as stream:
            for path, name in workbooks:
                try:
                    result = scan_workbook(path, name)
                except BaseException:  # scanned again by the parent, which raises it as it would
                    result = _REDO
                pickle.dump(result, stream, protocol=pickle.HIGHEST_PROTOCOL)
                stream.flush()
                if result is _REDO:
                    break
    finally:
        os._exit(0)
