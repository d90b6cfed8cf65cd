"""Files that belong together are put in place together: each is written under a temporary name beside its
final name, and only when all are complete are they renamed into place. If a rename fails part-way, those
already renamed are undone (an older file of the same name is put back, byte for byte), so the folder holds
the new set or what it held before, never a new workbook beside an old PDF.

One set at a time per folder (a lock on the folder itself): two packs of the same name made at once cannot
interleave their renames, and the temporary files a killed run left are removed before writing.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import logging
import os
import secrets
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

Writer = Callable[[Path], object]
LOG = logging.getLogger("reports")


class PublishError(Exception):
    """A file could not be written or put in place; nothing of the set was left behind."""

    def __init__(self, path: Path, error: OSError):
        super().__init__(f"could not write {path}: {error.strerror or error}")
        self.path = path


def _temporary_name(final: Path, purpose: str) -> Path:
    # A random part: two packs made at once (two people on the dashboard) never share a temporary file. The
    # writers create the file themselves, with the folder's usual permissions.
    return final.with_name(f".{final.name}.{secrets.token_hex(4)}.{purpose}")


@contextlib.contextmanager
def _folder_locked(folder: Path):
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # and the lock with it


def _remove_leftovers(final: Path) -> None:
    """The temporary files of a run that was killed before it could remove them (none can be in use: the
    folder is locked)."""
    for purpose in ("partial", "previous"):
        for leftover in final.parent.glob(f".{glob.escape(final.name)}.*.{purpose}"):
            leftover.unlink(missing_ok=True)


def publish_together(files: Sequence[tuple[Path, Writer]]) -> None:
    """Call each writer with a temporary path beside its final path, then rename them all into place."""
    folders = sorted({final.parent.resolve() for final, _ in files})
    with contextlib.ExitStack() as locks:
        for folder in folders:
            try:
                locks.enter_context(_folder_locked(folder))
            except OSError as error:
                raise PublishError(folder, error) from error
        for final, _ in files:
            _remove_leftovers(final)
        _publish(files)


def _publish(files: Sequence[tuple[Path, Writer]]) -> None:
    written: list[tuple[Path, Path]] = []  # (temporary, final)
    try:
        for final, write in files:
            temporary = _temporary_name(final, "partial")
            written.append((temporary, final))
            try:
                write(temporary)
            except OSError as error:
                raise PublishError(final, error) from error
        _rename_all(written)
    finally:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)


def _rename_all(written: list[tuple[Path, Path]]) -> None:
    previous: dict[Path, Path | None] = {}  # final -> a copy of the file it replaces (None: there was none)
    try:
        for temporary, final in written:
            try:
                previous[final] = _keep_previous(final)
                os.replace(temporary, final)
            except OSError as error:
                raise PublishError(final, error) from error
    except BaseException:
        _put_back(previous)
        raise
    finally:
        for copy in previous.values():
            if copy is not None:
                copy.unlink(missing_ok=True)


def _keep_previous(final: Path) -> Path | None:
    """A second name for the file at `final` (a hard link, or a copy where links are not supported)."""
    if not final.exists():
        return None
    copy = _temporary_name(final, "previous")
    try:
        os.link(final, copy)
    except OSError:
        try:
            shutil.copy2(final, copy)
        except OSError:
            copy.unlink(missing_ok=True)
            raise
    return copy


def _put_back(previous: dict[Path, Path | None]) -> None:
    for final, copy in previous.items():
        try:
            if copy is None:
                final.unlink(missing_ok=True)
            else:
                os.replace(copy, final)
        except OSError as error:  # the error that stopped the renames is the one to report
            LOG.error("could not restore %s: %s", final, error)
