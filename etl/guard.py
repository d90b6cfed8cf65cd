"""Checks made before a file is parsed: files from many offices arrive by e-mail, and a hostile or
broken one must be refused with a clear message before it can use up memory or time.

- a size limit for every input file ($MM_MAX_INPUT_MB, default 1024 MB);
- for workbooks (zip containers): a real zip, and no zip bomb — the members' total uncompressed size is
  capped ($MM_MAX_UNZIPPED_MB, default 2048 MB) and no large member may expand more than 200 times.

XML is not checked here: etl/iati.py streams it and refuses DTDs, entities and external references.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from .errors import UnreadableFile

MEGABYTE = 1024 * 1024
DEFAULT_MAX_INPUT_MB = 1024
DEFAULT_MAX_UNZIPPED_MB = 2048
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_ABOVE = 10 * MEGABYTE  # small members compress far better than that legitimately
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}


def _limit(variable: str, default: int) -> int:
    try:
        return int(os.environ.get(variable, default))
    except ValueError:
        return default


def max_input_bytes() -> int:
    return _limit("MM_MAX_INPUT_MB", DEFAULT_MAX_INPUT_MB) * MEGABYTE


def check_input(path: Path, file: str) -> None:
    """Raise UnreadableFile when `path` is too large or a workbook that is not safe to open."""
    size = path.stat().st_size
    limit = max_input_bytes()
    if size > limit:
        raise UnreadableFile(file, f"the file is {size / MEGABYTE:,.0f} MB, over the {limit / MEGABYTE:,.0f} MB limit "
                                   "for one input (set MM_MAX_INPUT_MB to change it)")
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        check_workbook_container(path, file)


def check_workbook_container(path: Path, file: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableFile(file, f"not a readable Excel workbook (not a valid .xlsx container: {error})") from None
    unzipped = sum(member.file_size for member in members)
    limit = _limit("MM_MAX_UNZIPPED_MB", DEFAULT_MAX_UNZIPPED_MB) * MEGABYTE
    if unzipped > limit:
        raise UnreadableFile(file, f"refused: the workbook would expand to {unzipped / MEGABYTE:,.0f} MB, over the "
                                   f"{limit / MEGABYTE:,.0f} MB limit (a zip bomb, or far too large a workbook)")
    for member in members:
        if member.file_size > RATIO_CHECKED_ABOVE and member.file_size > MAX_COMPRESSION_RATIO * max(
                member.compress_size, 1):
            raise UnreadableFile(file, f"refused: '{member.filename}' expands {member.file_size // max(member.compress_size, 1):,} "
                                       f"times (to {member.file_size / MEGABYTE:,.0f} MB), as a zip bomb does")
