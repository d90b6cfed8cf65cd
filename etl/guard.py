"""Checks made before a file is parsed: files from many offices arrive by e-mail, and a hostile or
broken one must be refused with a clear message before it can use up memory or time.

- a size limit for every input file ($MM_MAX_INPUT_MB, default 1024 MB);
- for workbooks (zip containers): a real zip whose parts python-calamine and fastexcel (Rust) read as
  Python does: no encrypted part, no compression but deflate or none, no part name with a NUL or a second
  (Unicode) name, and every part the readers open unzips to exactly the size its entry declares (zipfile
  stops at the declared size, the Rust readers unzip the whole stream: `PartStream` counts the real bytes);
- no zip bomb: the members' total declared size is capped ($MM_MAX_UNZIPPED_MB, default 2048 MB), no large
  member may expand more than 200 times, nor the members together (150 members of 9.9 MB each pass the
  check of one member, not the check of all);
- the parts the readers read whole when they open a workbook are bounded: the list of sheets and its
  relationships at 16 MB each, the styles at 32 MB (Excel's 64,000 formats fit in half of that), the shared
  strings at $MM_MAX_CELLS texts;
- at most $MM_MAX_SHEETS sheets in a workbook (default 250): a few hundred bytes of XML each, a thousand
  sheets cost more time to open than any workbook of ours needs;
- the used range of every sheet (the rectangle from A1 to its farthest cell) at most $MM_MAX_CELLS cells
  (default 30 million). python-calamine and fastexcel allocate the whole rectangle, 32 bytes a cell, from
  the cells alone (not from the sheet's declared <dimension>): a 1.5 KB sheet holding A1 and XFD1048576
  asks them for 512 GiB and the process aborts. `UsedRange` works the rectangle out from the sheet's XML
  as etl/ooxml.py streams it, before either reader opens the sheet; it also refuses a row of more than
  16,384 cells (Excel's columns), more cells than $MM_MAX_CELLS in all (a cell written over and over) and
  more than 100,000 merged ranges.

The sheets are found as calamine finds them (`workbook_info`): the literal attribute names r:id and
relationships:id, raw ids and targets (no entity decoding), parts matched without regard to ASCII case.
Where the guard cannot be sure it reads a part as the readers will, it refuses the file, naming it.

XML is not checked here: etl/iati.py streams it and refuses DTDs, entities and external references.
"""

from __future__ import annotations

import codecs
import os
import re
import string
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterator

from .errors import EtlError, UnreadableFile
from .inputs import WORKBOOK_SUFFIXES
from .settings import positive_setting

MEGABYTE = 1024 * 1024
DEFAULT_MAX_INPUT_MB = 1024
DEFAULT_MAX_UNZIPPED_MB = 2048
DEFAULT_MAX_SHEETS = 250
# 30 million cells are 0.9 GiB in calamine's dense range. The benchmark's largest sheet is 2 million (200,001
# rows x 10 columns); a sheet of Excel's full height (1,048,576 rows) fits with 28 columns.
DEFAULT_MAX_CELLS = 30_000_000
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_ABOVE = 10 * MEGABYTE  # small members compress far better than that legitimately
MAX_WORKBOOK_PART = 16 * MEGABYTE  # xl/workbook.xml and its relationships: a few KB from Excel
MAX_STYLES_PART = 32 * MEGABYTE  # xl/styles.xml: Excel's limit of 64,000 formats writes about 15 MB
MAX_ROW_CELLS = 16_384  # Excel's columns: no spreadsheet program writes more cells in one row
MAX_MERGED_RANGES = 100_000  # python-calamine gives each as Python tuples, about 280 bytes
SMALLEST_CELL = 15  # bytes of the shortest cell with a value, <c><v>1</v></c>
WORKBOOK_PART = "xl/workbook.xml"  # where calamine looks for the list of sheets
RELATIONSHIPS_PART = "xl/_rels/workbook.xml.rels"
STYLES_PART = "xl/styles.xml"
SHARED_STRINGS_PART = "xl/sharedStrings.xml"
SHEET_FOLDERS = ("xl/worksheets", "xl/chartsheets", "xl/dialogsheets")  # where calamine takes sheets from
READABLE_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
UNICODE_PATH_FIELD = 0x7075  # Info-ZIP's second name for a member: the Rust reader uses it, zipfile not
OUT_OF_MEMORY = ("ran out of memory reading it: it holds far more than its size suggests; open the file in "
                 "Excel or LibreOffice and save it again")


def max_input_bytes() -> int:
    return positive_setting("MM_MAX_INPUT_MB", DEFAULT_MAX_INPUT_MB) * MEGABYTE


def max_sheets() -> int:
    return positive_setting("MM_MAX_SHEETS", DEFAULT_MAX_SHEETS)


def max_cells() -> int:
    return positive_setting("MM_MAX_CELLS", DEFAULT_MAX_CELLS)


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
    """Everything a reader reads when it opens the workbook, checked before it does. Any failure of the
    container (a damaged stream, an unknown compression) is a message naming the file, never a traceback."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_entries(archive, members, file)
            _check_expansion(members, file)
            check_part_names(archive, file)
            _check_opened_parts(archive, file)
    except EtlError:
        raise
    except MemoryError:
        raise UnreadableFile(file, OUT_OF_MEMORY) from None
    except Exception as error:  # zipfile, zlib and the file system raise many unrelated types
        raise UnreadableFile(file, f"not a readable Excel workbook (not a valid .xlsx container: "
                                   f"{describe_error(error)})") from None


def describe_error(error: BaseException) -> str:
    """An exception as one line of a message: its text, or its type where it has none."""
    text = " ".join(str(error).split())
    return text or type(error).__name__


def _check_entries(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], file: str) -> None:
    """What would make Python's zipfile and the Rust readers see different parts or bytes."""
    if b"PK\x05\x06" in (archive.comment or b""):  # a second end record: readers may pick either
        raise UnreadableFile(file, "refused: its zip comment holds a second end-of-archive record, so zip readers "
                                   "could disagree on its parts")
    for member in members:
        name = member.filename
        if "\0" in member.orig_filename:  # zipfile cuts the name there, the Rust reader does not
            raise UnreadableFile(file, f"refused: the name of its part '{name}' holds a NUL character, which no "
                                       "spreadsheet program writes")
        if member.flag_bits & 0x1:
            raise UnreadableFile(file, f"refused: its part '{name}' is encrypted: remove the password in Excel "
                                       "(File › Info › Protect Workbook) and save it again")
        if member.compress_type not in READABLE_METHODS:
            raise UnreadableFile(file, f"refused: its part '{name}' is compressed with method "
                                       f"{member.compress_type}, which no spreadsheet program uses (they deflate "
                                       "or store): open the file in Excel or LibreOffice and save it again")
        if member.compress_type == zipfile.ZIP_STORED and member.compress_size != member.file_size:
            raise UnreadableFile(file, f"refused: its part '{name}' is stored with two different sizes, which no "
                                       "spreadsheet program writes")
        if _has_unicode_path(member.extra):
            raise UnreadableFile(file, f"refused: its part '{name}' carries a second (Unicode) name, which zip "
                                       "readers may read instead of the first: no spreadsheet program writes it")


def _has_unicode_path(extra: bytes) -> bool:
    position = 0
    while position + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, position)
        if kind == UNICODE_PATH_FIELD:
            return True
        position += 4 + length
    return False


def _check_expansion(members: list[zipfile.ZipInfo], file: str) -> None:
    """The declared sizes, which `PartStream` holds every part read to: a part that unzips to more is
    refused as soon as it does."""
    unzipped = sum(member.file_size for member in members)
    limit = positive_setting("MM_MAX_UNZIPPED_MB", DEFAULT_MAX_UNZIPPED_MB) * MEGABYTE
    if unzipped > limit:
        raise UnreadableFile(file, f"refused: the workbook would expand to {unzipped / MEGABYTE:,.0f} MB, over the "
                                   f"{limit / MEGABYTE:,.0f} MB limit (a zip bomb, or far too large a workbook)")
    for member in members:
        if member.file_size > RATIO_CHECKED_ABOVE and member.file_size > MAX_COMPRESSION_RATIO * max(
                member.compress_size, 1):
            raise UnreadableFile(file, f"refused: '{member.filename}' expands {member.file_size // max(member.compress_size, 1):,} "
                                       f"times (to {member.file_size / MEGABYTE:,.0f} MB), as a zip bomb does")
    compressed = max(sum(member.compress_size for member in members), 1)
    if unzipped > RATIO_CHECKED_ABOVE and unzipped > MAX_COMPRESSION_RATIO * compressed:
        raise UnreadableFile(file, f"refused: its {len(members):,} parts expand {unzipped // compressed:,} times "
                                   f"together (to {unzipped / MEGABYTE:,.0f} MB), as a zip bomb does")


def _check_opened_parts(archive: zipfile.ZipFile, file: str) -> None:
    """The parts python-calamine and fastexcel read whole as they open a workbook, before any sheet: the list
    of sheets and its relationships (read and counted by `workbook_info`), the styles and the shared
    strings (whose texts calamine keeps in memory, each string 24 bytes besides its text)."""
    sheets = workbook_info(archive, file).sheets
    limit = max_sheets()
    if len(sheets) > limit:
        raise UnreadableFile(file, f"refused: more than {limit:,} sheets (MM_MAX_SHEETS); split the workbook, or raise "
                                   "MM_MAX_SHEETS")
    styles = member_name(archive, STYLES_PART)
    if styles is not None:
        _check_part_cap(archive, styles, MAX_STYLES_PART, "styles", file)
        with PartStream(archive, styles, file) as stream:
            while stream.read(1 << 20):
                pass
    shared = member_name(archive, SHARED_STRINGS_PART)
    if shared is not None:
        texts, limit = 0, max_cells()
        for text in _blocks(PartStream(archive, shared, file)):
            # every <si> (or <x:si>) is a text; '<si' starts no other element of the part
            texts += text.count(b"<si") + text.count(b":si")
            if texts > limit:
                raise UnreadableFile(file, f"refused: its shared strings hold more than {_count(limit)} texts, more "
                                           "than the cells a sheet may have (MM_MAX_CELLS): open the file in Excel "
                                           "or LibreOffice and save it again, or raise MM_MAX_CELLS")


def _blocks(stream: "PartStream") -> Iterator[bytes]:
    """The part in blocks that each end before a '<', so that no tag is cut between two."""
    carry = b""
    with stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            text = carry + block
            cut = text.rfind(b"<")
            text, carry = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            yield text
    if carry:
        yield carry


def _check_part_cap(archive: zipfile.ZipFile, name: str, cap: int, what: str, file: str) -> None:
    size = archive.getinfo(name).file_size
    if size > cap:
        raise UnreadableFile(file, f"refused: its {what} part '{name}' is {size / MEGABYTE:,.0f} MB, more than the "
                                   f"{cap // MEGABYTE} MB any spreadsheet program writes")


def check_part_names(archive: zipfile.ZipFile, file: str) -> None:
    """Two parts of one name (in any case) are refused: python-calamine and Python's zipfile read the last
    of them, fastexcel the first, and what is checked must be what is read."""
    names = [name.lower() for name in archive.namelist()]
    if len(set(names)) != len(names):
        twice = next(name for index, name in enumerate(names) if name in names[:index])
        raise UnreadableFile(file, f"refused: two parts of the workbook are named '{twice}', which no spreadsheet "
                                   "program writes")


# --- A part's bytes as the Rust readers unzip them ----------------------------------------------------------

RAW_BLOCK = 1 << 16  # compressed bytes inflated at a time: a block of a bomb expands at most 1,032 times


class PartStream:
    """A part of the workbook unzipped as the Rust zip reader under python-calamine and fastexcel unzips it:
    the whole deflate stream, where zipfile stops at the size the entry declares (and checks the CRC of that
    much only). A part that unzips to more than it declares is refused as soon as it does, one that unzips
    to less when it ends: every part read is then its declared size, which the zip-bomb limits hold. No CRC
    is computed: it changes nothing the readers read, and costs a tenth of the time."""

    def __init__(self, archive: zipfile.ZipFile, name: str, file: str):
        self.info = archive.getinfo(name)
        self.name, self.file = name, file
        self._entry = archive.open(self.info)  # checks the local header's name, positions after it
        self._raw = self._entry._fileobj  # zipfile's shared handle on the archive (no public way to the raw bytes)
        self._left = self.info.compress_size
        self._inflater = zlib.decompressobj(-zlib.MAX_WBITS) if self.info.compress_type == zipfile.ZIP_DEFLATED \
            else None
        self._tail = b""
        self._done = False
        self.size = 0

    def __enter__(self) -> "PartStream":
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def close(self) -> None:
        self._entry.close()

    def read(self, size: int = -1) -> bytes:
        pieces, have = [], 0
        wanted = size if size is not None and size >= 0 else None
        while not self._done and (wanted is None or have < wanted):
            piece = self._next(wanted - have if wanted is not None else 1 << 20)
            pieces.append(piece)
            have += len(piece)
        return b"".join(pieces)

    def _next(self, most: int) -> bytes:
        if self._inflater is None:
            piece = self._raw.read(min(self._left, most))
            self._left -= len(piece)
            self._done = not piece or not self._left
        else:
            data = self._tail
            if not data:
                data = self._raw.read(min(self._left, RAW_BLOCK))
                self._left -= len(data)
            piece = self._inflater.decompress(data, most)
            self._tail = self._inflater.unconsumed_tail
            self._done = self._inflater.eof or not (self._tail or self._left and data)
        self.size += len(piece)
        declared = self.info.file_size
        if self.size > declared:
            raise UnreadableFile(self.file, f"refused: its part '{self.name}' unzips to more than the {declared:,} bytes "
                                            "its zip entry declares, which no spreadsheet program writes")
        if self._done and self.size != declared:
            raise UnreadableFile(self.file, f"refused: its part '{self.name}' unzips to {self.size:,} bytes, not the "
                                            f"{declared:,} its zip entry declares, which no spreadsheet program writes")
        return piece


def read_part(archive: zipfile.ZipFile, name: str, file: str, cap: int, what: str) -> bytes:
    """A whole part of at most `cap` bytes, as the readers unzip it."""
    _check_part_cap(archive, name, cap, what, file)
    with PartStream(archive, name, file) as stream:
        return stream.read()


# --- The sheets of a workbook, found as calamine finds them -------------------------------------------------

ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def member_name(archive: zipfile.ZipFile, name: str) -> str | None:
    """The archive's name for a part, matched regardless of ASCII case, as calamine finds parts (the first)."""
    return _folded_names(archive).get(name.translate(ASCII_LOWER))


def _folded_names(archive: zipfile.ZipFile) -> dict[str, str]:
    names: dict[str, str] = {}
    for name in archive.namelist():
        names.setdefault(name.translate(ASCII_LOWER), name)
    return names


@dataclass(frozen=True)
class WorkbookInfo:
    """What calamine reads from xl/workbook.xml: its sheets (name, XML part or None) and date system."""

    sheets: tuple[tuple[str, str | None], ...]
    date1904: bool


class _Unsure(ValueError):
    """Something in a part that calamine might read otherwise than the guard: the file is refused."""


_WORKBOOKS: OrderedDict[tuple, WorkbookInfo | str] = OrderedDict()  # parsed once, though asked for many times
_WORKBOOKS_LOCK = threading.Lock()


def workbook_info(archive: zipfile.ZipFile, file: str | None = None) -> WorkbookInfo:
    """The workbook's sheets and date system as calamine reads them (`_sheet_entries`,
    `_relationship_targets`): a sheet's literal r:id or relationships:id attribute, looked up through
    xl/_rels/workbook.xml.rels (raw bytes, no entity decoding, the last relationship of an id winning); a
    target taken as it is when it starts with 'xl/', without its '/' when with '/xl/', else under 'xl/';
    the part matched regardless of ASCII case. Raises UnreadableFile where calamine could read it otherwise."""
    file = file or Path(archive.filename or "workbook").name
    key = _archive_key(archive)
    key = key and (*key, max_sheets())
    with _WORKBOOKS_LOCK:
        known = _WORKBOOKS.get(key) if key else None
    if known is None:
        try:
            known = _read_workbook_info(archive, file)
        except _Unsure as unsure:
            known = str(unsure)
        if key:
            with _WORKBOOKS_LOCK:
                _WORKBOOKS[key] = known
                while len(_WORKBOOKS) > 32:
                    _WORKBOOKS.popitem(last=False)
    if isinstance(known, str):
        raise UnreadableFile(file, f"refused: its list of sheets holds {known}, which no spreadsheet program "
                                   "writes: open the file in Excel or LibreOffice and save it again")
    return known


def _archive_key(archive: zipfile.ZipFile) -> tuple | None:
    """The workbook file as it is now (a file replaced or rewritten is another key), with where its two
    parts are; None for an archive read from a stream."""
    if not isinstance(archive.filename, str):
        return None
    try:
        status = os.stat(archive.filename)
    except OSError:
        return None
    folded = _folded_names(archive)
    parts = tuple((info.header_offset, info.CRC, info.file_size) for name in (WORKBOOK_PART, RELATIONSHIPS_PART)
                  if name in folded for info in [archive.getinfo(folded[name])])
    return (os.path.abspath(archive.filename), status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns,
            parts)


def _read_workbook_info(archive: zipfile.ZipFile, file: str) -> WorkbookInfo:
    folded = _folded_names(archive)  # once: a workbook may have hundreds of sheets
    workbook, relations = folded.get(WORKBOOK_PART), folded.get(RELATIONSHIPS_PART)
    if workbook is None:
        return WorkbookInfo((), False)  # not a workbook: the reader says so
    entries, date1904 = _sheet_entries(read_part(archive, workbook, file, MAX_WORKBOOK_PART, "workbook"),
                                       max_sheets())
    targets = _relationship_targets(read_part(archive, relations, file, MAX_WORKBOOK_PART, "relationships")) \
        if relations is not None else {}
    sheets = []
    for name, identifier in entries:
        target = targets.get(identifier) if identifier is not None else None
        if target is None:
            sheets.append((name, None))  # calamine refuses the workbook: it reads no sheet
            continue
        path = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else "xl/" + target
        sheets.append((name, folded.get(path.translate(ASCII_LOWER))))
    return WorkbookInfo(tuple(sheets), date1904)


def sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str | None]]:
    """(sheet name, its XML part in the archive, or None when missing) for every sheet calamine reads, in
    order (`workbook_info`)."""
    return list(workbook_info(archive).sheets)


def unreferenced_sheet_parts(archive: zipfile.ZipFile, referenced) -> list[str]:
    """The parts in the folders calamine takes sheets from (xl/worksheets, ...) that no sheet refers to: a
    backstop, their used range is checked as a sheet's, so that a part the reader might reach some other way
    than the guard foresaw is never unchecked."""
    known = {part.translate(ASCII_LOWER) for part in referenced if part}
    found = []
    for name in archive.namelist():
        folded = name.translate(ASCII_LOWER)
        if folded in known or name.endswith("/"):
            continue
        if any(folded == folder or folded.startswith(folder + "/") for folder in SHEET_FOLDERS):
            found.append(name)
    return found


# Tags are read as quick-xml (calamine's parser) reads them: a tag ends at the first '>' outside quotes; its
# name runs to the first space, tab, CR or LF; the local name follows the first ':'; '<x/>' is a start and an
# end. Names and attributes are taken only in the shape every XML writer gives them; anything else in a part
# read this way (a DOCTYPE, '< x>', a name with a quote) is refused.
_NAME = rb"[A-Za-z_][\w.\-]*+"
_QNAME = rb"(?:" + _NAME + rb":)?+" + _NAME
_ATTRIBUTES = rb"""(?:[ \t\r\n]++[^ \t\r\n=/>"'<]++[ \t\r\n]*+=[ \t\r\n]*+(?:"[^"]*+"|'[^']*+'))*+[ \t\r\n]*+"""
START_TAG = re.compile(rb"<(" + _QNAME + rb")(" + _ATTRIBUTES + rb")(/?)>")
END_TAG = re.compile(rb"</(" + _QNAME + rb")[ \t\r\n]*+>")
ATTRIBUTE_PAIR = re.compile(rb"""([^ \t\r\n=/>"'<]+)[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')""")
DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding[ \t\r\n]*=[ \t\r\n]*["']([^"']*)["']""")
CHARACTER_REFERENCE = re.compile(r"&(?:(lt|gt|amp|apos|quot)|#([0-9]+)|#x([0-9A-Fa-f]+));")
PREDEFINED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "apos": "'", "quot": '"'}


def _skipper(starts: bytes, ends: bytes) -> re.Pattern:
    """Text, and the tags other than those named (start tags `starts`, end tags `ends`), in one step of the
    regular expression engine: a part of a million tags costs no Python step for each."""
    return re.compile(
        rb"(?:[^<]++"
        rb"|</(?!(?:" + _NAME + rb":)?+(?:" + ends + rb")[ \t\r\n>])" + _QNAME + rb"[ \t\r\n]*+>"
        rb"|<(?![/!?])(?!(?:" + _NAME + rb":)?+(?:" + starts + rb")[ \t\r\n/>])" + _QNAME + _ATTRIBUTES + rb"/?>"
        rb")*+")


WORKBOOK_TAGS = _skipper(rb"sheet|workbookPr|definedName", rb"workbook|definedName")
RELATIONSHIP_TAGS = _skipper(rb"Relationship", rb"Relationships")


def _tags(data: bytes, skipper: re.Pattern) -> Iterator[tuple[bool, bytes, list[tuple[bytes, bytes]], bool]]:
    """(closing, name, attributes, empty) of each tag `skipper` does not pass over, in order; comments,
    CDATA sections and processing instructions passed over where quick-xml ends them."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _Unsure("a text encoding other than UTF-8")
    position = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    declared = DECLARED_ENCODING.match(data, position)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise _Unsure("a text encoding other than UTF-8")
    end = len(data)
    while True:
        position = skipper.match(data, position).end()
        if position >= end:
            return
        if data.startswith(b"<!--", position):
            close, length = data.find(b"-->", position + 4), 3
        elif data.startswith(b"<![CDATA[", position):
            close, length = data.find(b"]]>", position + 9), 3
        elif data.startswith(b"<?", position) and not data.startswith(b"<?>", position):
            close, length = data.find(b"?>", position + 2), 2
        elif data.startswith(b"<!", position):
            raise _Unsure("a DOCTYPE or other declaration")
        else:
            tag = END_TAG.match(data, position) or START_TAG.match(data, position)
            if tag is None:
                raise _Unsure("a tag calamine may read otherwise")
            position = tag.end()
            if tag.re is END_TAG:
                yield True, tag.group(1), [], False
            else:
                yield False, tag.group(1), _attribute_pairs(tag.group(2)), tag.group(3) == b"/"
            continue
        if close < 0:
            raise _Unsure("an unfinished comment, CDATA section or processing instruction")
        position = close + length


def _attribute_pairs(attributes: bytes) -> list[tuple[bytes, bytes]]:
    return [(found.group(1), found.group(2) if found.group(2) is not None else found.group(3))
            for found in ATTRIBUTE_PAIR.finditer(attributes)]


def _local(name: bytes) -> bytes:
    return name.rpartition(b":")[2]


def _sheet_entries(data: bytes, most: int) -> tuple[list[tuple[str, bytes | None]], bool]:
    """(name, relationship id) of each <sheet>, and whether the workbook counts dates from 1904, read as
    calamine's `read_workbook` reads xl/workbook.xml: until the end tag of the workbook; a <definedName> with
    a name is read to its own end tag, whatever it holds (a <sheet> in it is none). Reading stops one sheet
    past `most` (the file is refused for its sheets then)."""
    entries: list[tuple[str, bytes | None]] = []
    date1904, inside = False, None
    for closing, name, attributes, empty in _tags(data, WORKBOOK_TAGS):
        if inside is not None:
            if closing and name == inside:
                inside = None
            continue
        local = _local(name)
        if closing:
            if local == b"workbook":
                break
            continue
        if local == b"sheet":
            identifiers = [value for key, value in attributes if key in (b"r:id", b"relationships:id")]
            if len(identifiers) > 1:
                raise _Unsure("a sheet with two relationship ids")
            names = [value for key, value in attributes if key == b"name"]
            entries.append((_unescape(names[-1]) if names else "", identifiers[0] if identifiers else None))
            if len(entries) > most:
                break
        elif name == b"workbookPr":  # calamine matches this one by its whole name
            value = next((value for key, value in attributes if key == b"date1904"), None)
            date1904 = value is not None and _unescape(value) in ("1", "true")
        elif local == b"definedName" and not empty and any(key == b"name" for key, _ in attributes):
            inside = name
    return entries, date1904


def _relationship_targets(data: bytes) -> dict[bytes, str]:
    """Relationship id -> target, as calamine's `read_relationships` reads them: ids as raw bytes, targets as
    written (no entity decoding), a later relationship of the same id replacing the earlier."""
    targets: dict[bytes, str] = {}
    for closing, name, attributes, _ in _tags(data, RELATIONSHIP_TAGS):
        if closing:
            if _local(name) == b"Relationships":
                break
            continue
        if _local(name) == b"Relationship":
            identifiers = [value for key, value in attributes if key == b"Id"]
            found = [value for key, value in attributes if key == b"Target"]
            if len(identifiers) > 1 or len(found) > 1:
                raise _Unsure("a relationship with two ids or targets")
            try:
                targets[identifiers[0] if identifiers else b""] = found[0].decode() if found else ""
            except UnicodeDecodeError:
                raise _Unsure("a target that is not UTF-8") from None
    return targets


def _unescape(value: bytes) -> str:
    """An attribute's text as quick-xml unescapes it: the five predefined entities and character references;
    anything else after an '&' is an error to calamine, and a doubt to the guard."""
    try:
        text = value.decode()
    except UnicodeDecodeError:
        raise _Unsure("a name that is not UTF-8") from None
    if "&" not in text:
        return text

    def entity(found: re.Match) -> str:
        if found.group(1):
            return PREDEFINED_ENTITIES[found.group(1)]
        code = int(found.group(2)) if found.group(2) else int(found.group(3), 16)
        if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            raise _Unsure("a character reference calamine may read otherwise")
        return chr(code)

    if "&" in CHARACTER_REFERENCE.sub("", text):
        raise _Unsure("an entity calamine may read otherwise")
    return CHARACTER_REFERENCE.sub(entity, text)


# --- The used range of a sheet, from its XML --------------------------------------------------------------

BLOCK_CARRY_LIMIT = 16 * MEGABYTE  # one tag or comment longer than this is not worth reading
ROW_WINDOW = 32 * 1024  # a row of more than 16,384 cells (4 bytes each at least) spans a window this long
EMPTY_VALUE_KINDS = {None, b"n", b"s", b"b", b"e", b"inlineStr", b"is"}  # types whose <v></v> is no value


class UsedRange:
    """The rectangle from A1 to the farthest cell of one sheet, as python-calamine and fastexcel size it: a
    cell is placed by its own r attribute (the last, if it has two; not its row's), a cell without one
    follows the cell before it, and an element without a value (<c r="..." s="1"/>, <c ...></c>,
    <c ...><v></v></c>) is no cell.

    `feed` takes the sheet's XML in blocks that end before a '<' and keeps upper bounds cheaply: each block
    is searched, with one regular expression, for a cell tag that is not of the plain shape spreadsheet
    programs write — `<c r="` and a reference within the bounds so far, then only s= and t= attributes and a
    <v> or <is> value (or, once the sheet is known to have them, a formula, an error or a date) — so a block
    of such cells is passed over at the speed of a text search. A tag found is read in Python: it widens the
    bounds, and tells whether the sheet has formulas, error cells or dates stored as text (which
    etl/ooxml.py needs to know, and would otherwise search for separately). A row longer than
    `ROW_WINDOW` has its cell tags counted, and a part too large to hold only `budget` cells its cells.
    Where the bounds end up over the budget, or a cell has no r attribute, or cell tags carry a namespace
    prefix, or the counts go over their limits, `settle` works the range out exactly from the whole part
    (`ExactRange`)."""

    def __init__(self, budget: int, part_size: int = 0):
        self.budget = budget
        self.rows = 0  # the farthest row (from 1) of a cell read, or a bound of it
        self.columns = 0
        self.rows_bound = 0  # every cell passed over lies in a row up to this
        self.needs_exact = False
        self.refusal: str | None = None  # why the sheet cannot be read safely at all
        self.formulas = self.errors = self.dates = False  # seen in the blocks fed while not needing the exact pass
        self.merges = 0  # <mergeCell> tags, counted by etl/ooxml.py
        self.cell_count = 0  # cells with a value: counted only where the part could hold more than the budget
        self._count_cells = part_size > budget * SMALLEST_CELL
        self._open_row = 0  # cell tags of the row the last block ended in
        self._bounds: tuple | None = None
        self._pattern: re.Pattern | None = None

    @property
    def cells(self) -> int:
        return max(self.rows, self.rows_bound) * self.columns

    @property
    def reference(self) -> str:
        return f"A1:{column_letters(self.columns)}{max(self.rows, self.rows_bound)}"

    def feed(self, text: bytes) -> int | None:
        """Widen the bounds by this block. Returns where the block should end instead, when a cell tag at its
        end is not complete in it (or its value not begun), else None. After a block that sets `needs_exact`,
        the caller looks for formulas, error cells and dates itself."""
        if self.needs_exact:
            return None
        if b":" in text and PREFIXED_CELL.search(text):  # a byte search first: most blocks have no ':' at all
            self.needs_exact = True  # calamine reads <x:c> as a cell whatever the prefix
            return None
        last = text.rfind(b'<c r="')
        found = SIMPLE_REFERENCE.match(text, last + 6) if last >= 0 else None
        if found:  # rows come in order: the block's last cell bounds its rows, unless a tag says otherwise
            self.rows = max(self.rows, int(found.group(2)))
        pattern = self._current_pattern()
        position = read = 0
        cut = None
        while found := pattern.search(text, position):
            kinds = (self.formulas, self.errors, self.dates)
            position = self._read_cell_tag(text, found.start())
            if position is None:
                cut = None if self.needs_exact else found.start()
                break
            read += 1
            if read % 256 == 0 or kinds != (self.formulas, self.errors, self.dates):
                pattern = self._current_pattern()  # not a pattern a cell: a header 16,384 columns wide
        if not self.needs_exact:
            end = len(text) if cut is None else cut
            self._count_row_cells(text, end)
            if self._count_cells:
                self.cell_count += text.count(b"</c>", 0, end)
                self.needs_exact |= self.cell_count > self.budget
        return None if self.needs_exact else cut

    def _count_row_cells(self, text: bytes, end: int) -> None:
        """Sets `needs_exact` where a row may hold more than 16,384 cell tags. Rows of a few hundred bytes
        each take a search of a few bytes a window; only a row longer than a window has its tags counted."""
        first = text.find(b"<row", 0, end)
        if first < 0:  # the block is all one row (or all after the rows)
            self._open_row += _cell_tags(text, 0, end)
            self.needs_exact |= self._open_row > MAX_ROW_CELLS
            return
        self._open_row += _cell_tags(text, 0, first)
        last = text.rfind(b"<row", 0, end)
        window = first
        while window + ROW_WINDOW < last:
            if text.find(b"<row", window, window + ROW_WINDOW) >= 0:
                window += ROW_WINDOW
                continue
            start, stop = text.rfind(b"<row", 0, window), text.find(b"<row", window + ROW_WINDOW, end)
            self._open_row = max(self._open_row, _cell_tags(text, start, stop))
            window = stop
        self.needs_exact |= self._open_row > MAX_ROW_CELLS
        self._open_row = _cell_tags(text, last, end)
        self.needs_exact |= self._open_row > MAX_ROW_CELLS

    def _read_cell_tag(self, text: bytes, start: int) -> int | None:
        """Read the cell tag at `start`; returns where to search on, or None when it is not complete in `text`
        or calls for the exact pass (`needs_exact`)."""
        end = TAG_REST.match(text, start + 2)
        empty = end is not None and text[end.end() - 2:end.end()] == b"/>"
        child = None if end is None or empty else NEXT_TAG.search(text, end.end())
        if end is None or not (empty or child and text.find(b"</c", end.end()) >= 0):
            if len(text) - start > BLOCK_CARRY_LIMIT:
                self.needs_exact = True
            return None
        attributes = _attributes(text[start + 2:end.end() - 1])
        kind = next((value for key, value in reversed(attributes) if key == b"t"), None)
        self.errors |= kind == b"e"
        self.dates |= kind == b"d"
        if empty:
            return end.end()  # no value: calamine does not place it
        nothing = EMPTY_CELL_REST.match(text, end.end())
        if nothing and (nothing.group(1) is None or kind in EMPTY_VALUE_KINDS):
            return nothing.end()  # <c ...></c> or <c ...><v></v></c>: no value, calamine does not place it
        self.formulas |= child.group(1).rsplit(b":", 1)[-1] == b"f"
        references = [value for key, value in attributes if key == b"r"]
        if not references:
            self.needs_exact = True  # placed after the cell before it: only the exact pass can tell where
            return None
        for reference in references:
            cell = cell_position(reference)
            if cell:
                self.rows, self.columns = max(self.rows, cell[0]), max(self.columns, cell[1])
        return end.end()

    def _current_pattern(self) -> re.Pattern:
        """A cell tag not of the plain shape within the bounds. Rows are bounded by all nines (999,999), the
        cheaper pattern, where that keeps the rectangle within the budget, else by the row reached so far.
        Formulas, errors and dates are plain once the sheet is known to have them: a sheet of two million
        formulas is then passed over as fast as one of values."""
        key = (self.rows, self.columns, self.formulas, self.errors, self.dates)
        if self._bounds != key:
            self._bounds = key
            nines = 10 ** len(str(max(self.rows, 1))) - 1
            rows = nines if nines * self.columns <= self.budget else self.rows
            if self.columns < 1 or rows < 1:
                self._pattern = _compiled(rb"<c[\s/>]")
            else:
                kinds = b"nsib" + b"e" * self.errors + b"d" * self.dates
                children = b"vi" + b"f" * self.formulas
                self._pattern = _compiled(rb'<c(?! r="' + _letters_at_most(self.columns) + _decimal_at_most(rows)
                                          + PLAIN_CELL_REST % (kinds, children))
                self.rows_bound = max(self.rows_bound, rows)
        return self._pattern

    def settle(self, reopen: Callable[[], IO[bytes]]) -> None:
        """The exact range, read again from the part, where the bounds cannot vouch for the sheet."""
        if not (self.needs_exact or self.cells > self.budget):
            return
        exact = ExactRange(self.budget)
        carry = b""
        with reopen() as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                text = carry + block
                cut = exact.feed(text)
                carry = text[cut:] if cut is not None else b""
                if exact.refusal or exact.done:
                    break
                if len(carry) > BLOCK_CARRY_LIMIT:
                    exact.refusal = "an XML tag, comment or text over 16 MB long"
                    break
            else:
                if carry:  # the part ends inside a tag, a comment or a CDATA section
                    exact.refusal = "an unfinished tag, comment or CDATA section at its end"
        self.rows, self.columns, self.rows_bound, self.refusal = exact.rows, exact.columns, 0, exact.refusal
        self.cell_count = exact.cells
        self.needs_exact = False

    def check(self, file: str, sheet: str) -> None:
        if self.refusal:
            raise UnreadableFile(file, f"its XML holds {self.refusal}, which no spreadsheet program writes: open the "
                                       "file in Excel or LibreOffice and save it again", sheet)
        if self.cells > self.budget:
            raise UnreadableFile(file, f"used range {self.reference} is {_count(self.cells)} cells, more than "
                                       f"{_count(self.budget)} (MM_MAX_CELLS): delete the rows and columns beyond "
                                       "the data (Ctrl+End in Excel goes to the last cell) and save, or raise "
                                       "MM_MAX_CELLS", sheet)
        if self.merges > MAX_MERGED_RANGES:
            raise UnreadableFile(file, f"it has {self.merges:,} merged ranges, more than the {MAX_MERGED_RANGES:,} "
                                       "this loader reads: unmerge the cells (Home › Merge & Center) and save", sheet)


# What may follow the reference of a plain cell tag, as Excel, LibreOffice, openpyxl and xlsxwriter write it:
# a style, a type other than an error (e) or a date stored as text (d), then the end of an empty cell or a
# value (<v> or <is>; a formula, <f>, comes first where there is one). Each step costs time on every cell,
# and possessive quantifiers (no backtracking to remember) save a quarter of it. The types and children
# (%s) grow with what the sheet is known to hold.
PLAIN_CELL_REST = rb'"(?: s="\d++")?+(?: t="[%s][^"]*+")?+(?:/|><[%s]))[\s/>]'
EMPTY_CELL_REST = re.compile(rb"[ \t\r\n]*+(<v(?:[ \t\r\n]*+/>|></v>))?[ \t\r\n]*+</c[ \t\r\n]*+>")

NEXT_TAG = re.compile(rb"<(/?[^\s/>]+)")


class ExactRange:
    """The used range as calamine finds it, following its reading tag by tag: only inside <sheetData>; a
    <row r> sets the row of the cells without r that follow, and its end moves to the next row and back to
    column A; a cell with r is placed there (the last r it has), one without where the one before it ended;
    a cell is counted when its last child gives a value (not <f>, not <v></v> of a number or shared string);
    comments, CDATA and processing instructions are passed over where quick-xml ends them. Each '<' is read
    where it stands (a tag, a comment, ...) and never searched past, so no input makes the reading
    quadratic; one that cannot be read there — '< x/>', '<?>', a comment never closed — is refused, as is
    anything where calamine and this reading could part ways: a row or cell tag inside a cell, an element
    nested in one of its own name inside a cell, a DOCTYPE, a row of more than 16,384 cells, more cells
    than the budget. Slower than `UsedRange.feed` (a Python step per tag): only for sheets that need it."""

    def __init__(self, budget: int = DEFAULT_MAX_CELLS):
        self.budget = budget
        self.rows = self.columns = 0
        self.row_index = self.column_index = 0  # from 0, as calamine counts
        self.in_data = self.done = False
        self.cell: list[bytes] | None = None  # the open elements inside the cell being read
        self.cell_at = (0, 0)  # (row, column) from 0 of the cell being read
        self.cell_kind: bytes | None = None
        self.cell_valued = False  # whether the cell's last child so far gives it a value
        self.value_starts: int | None = None  # where the text of the cell's open <v> begins
        self.row_cells = 0  # cell tags in the row being read
        self.cells = 0  # cells with a value
        self.refusal: str | None = None

    def feed(self, text: bytes) -> int | None:
        """Read the complete tags of `text`; returns where the incomplete rest begins (to carry), or None."""
        cut = self._read(text)
        if self.value_starts is not None:  # kept as a position in the next text, which starts at the cut
            self.value_starts -= len(text) if cut is None else cut
        return cut

    def _read(self, text: bytes) -> int | None:
        position = 0
        while not (self.done or self.refusal):
            start = text.find(b"<", position)
            if start < 0:
                return None
            markup = MARKUP.match(text, start)
            if markup is None:
                return self._unmatched(text, start)
            position = markup.end()
            if markup.lastgroup in ("bare", "placed"):
                self._run(markup.group(), markup.lastgroup == "placed")
                continue
            if markup.group("other") is not None:
                self.refusal = "a DOCTYPE or other declaration"
                return None
            name = markup.group("name")
            if name is not None:  # else a comment, CDATA section or processing instruction
                self._tag(name, markup.group("close") == b"/", markup.group("attributes"), start, position)
        return None

    def _unmatched(self, text: bytes, start: int) -> int | None:
        """A '<' that begins no markup this reading knows: the start of one that ends in the next block
        (returned, to carry), or something calamine may read otherwise (refused)."""
        head = text[start:start + 9]
        if head.startswith((b"<!--", b"<![CDATA[")) or head.startswith(b"<?") and not head.startswith(b"<?>"):
            return start  # not closed in this block: carried, and refused if the part ends first
        if len(head) < 9 and any(opening.startswith(head) for opening in (b"<![CDATA[", b"<!--", b"<?")):
            return start  # cut by the end of the block
        if not head.startswith(b"<?>") and TAG_END.match(text, start + 1) is None:
            return start  # a tag that ends in the next block
        self.refusal = "a tag calamine may read otherwise (such as '< x/>' or '<?>')"
        return None

    def _run(self, run: bytes, placed: bool) -> None:
        """A run of plain cells, all with an r attribute first (`placed`) or none with one, each with a value:
        taken at once, which keeps the exact pass to a Python step per row for the files that need it."""
        if not self.in_data:
            return
        if self.cell is not None:
            self.refusal = "a row or cell inside a cell"
            return
        count = len(RUN_CELL_END.findall(run))
        if not self._counted(count, count):
            return
        if not placed:
            self.rows, self.columns = max(self.rows, self.row_index + 1), max(self.columns, self.column_index + count)
            self.column_index += count
            return
        references = RUN_REFERENCE.findall(run)
        if len(references) != count or any(not int(row) for _, row in references):
            self.row_cells, self.cells = self.row_cells - count, self.cells - count  # counted again, one by one
            for markup in MARKUP_TAG.finditer(run):  # a reference calamine refuses: take the cells one by one
                self._tag(markup.group("name"), markup.group("close") == b"/", markup.group("attributes"),
                          markup.start(), markup.end())
            return
        rows = max(int(row) for _, row in references)
        letters = max((letters.upper() for letters, _ in references), key=lambda found: (len(found), found))
        self.rows = max(self.rows, rows)
        self.columns = max(self.columns, cell_position(letters + b"1")[1])
        self.column_index = cell_position(references[-1][0] + b"1")[1]  # after the last cell, from 0

    def _counted(self, tags: int, valued: int) -> bool:
        """Counts cell tags in the row and cells with a value; False (and the refusal) past a limit."""
        self.row_cells += tags
        self.cells += valued
        if self.row_cells > MAX_ROW_CELLS:
            self.refusal = f"a row of more than {MAX_ROW_CELLS:,} cells"
        elif self.cells > self.budget:
            self.refusal = f"more than {_count(self.budget)} cells (MM_MAX_CELLS), cells written over one another"
        return self.refusal is None

    def _tag(self, name: bytes, closing: bool, attributes: bytes, start: int, end: int) -> None:
        local = name.rsplit(b":", 1)[-1]
        empty = not closing and attributes.endswith(b"/")
        if not self.in_data:
            if local == b"sheetData" and not closing:
                self.in_data, self.done = True, empty
            return
        if self.cell is not None:
            self._inside_cell(name, local, closing, empty, start, end)
        elif closing:
            if local == b"row":
                self.row_index, self.column_index, self.row_cells = self.row_index + 1, 0, 0
            elif local == b"sheetData":
                self.done = True
        elif local == b"row":
            self.row_cells = 0
            reference = next((value for key, value in _attributes(attributes) if key == b"r"), None)
            if reference is not None:
                if row_number(reference) is None:
                    self.done = True  # calamine stops with an error
                    return
                self.row_index = row_number(reference) - 1
            if empty:
                self.row_index, self.column_index = self.row_index + 1, 0
        elif local == b"c":
            if not self._counted(1, 0):
                return
            pairs = _attributes(attributes)
            references = [value for key, value in pairs if key == b"r"]
            if references:
                position = cell_position(references[-1])
                if position is None:
                    self.done = True  # calamine stops reading the sheet with an error: nothing is allocated
                    return
                row, self.column_index = position[0] - 1, position[1] - 1
            else:
                row = self.row_index
            if empty:
                self.column_index += 1  # no value: calamine does not place it, but counts it
                return
            self.cell, self.cell_at, self.cell_valued = [], (row, self.column_index), False
            self.cell_kind = next((value for key, value in reversed(pairs) if key == b"t"), None)

    def _inside_cell(self, name: bytes, local: bytes, closing: bool, empty: bool, start: int, end: int) -> None:
        open_elements = self.cell
        if local in (b"row", b"sheetData") or (local == b"c" and (not closing or open_elements)):
            self.refusal = "a row or cell inside a cell"
        elif closing and local == b"c":
            if self.cell_valued and self._counted(0, 1):
                row, column = self.cell_at
                self.rows, self.columns = max(self.rows, row + 1), max(self.columns, column + 1)
            self.cell, self.column_index = None, self.column_index + 1
        elif closing:
            if name in open_elements:
                index = open_elements.index(name)
                if index == 0 and self.value_starts == start and self.cell_kind in EMPTY_VALUE_KINDS:
                    self.cell_valued = False  # <v></v>: no value
                del open_elements[index:]
        elif name in open_elements or local in (e.rsplit(b":", 1)[-1] for e in open_elements):
            self.refusal = "an element inside one of its own name, in a cell"
        else:
            if not open_elements:  # a child of the cell: calamine keeps the value of the last one
                self.value_starts = end if local == b"v" else None
                self.cell_valued = not (local == b"f" or local == b"v" and (
                    self.cell_kind in (b"inlineStr", b"is") or empty and self.cell_kind in EMPTY_VALUE_KINDS))
            if not empty:
                open_elements.append(name)


def _attributes(attributes: bytes) -> list[tuple[bytes, bytes]]:
    return [(name, double if double or not single else single)
            for name, double, single in ATTRIBUTE.findall(attributes)]


_SPACE = rb"[ \t\r\n]"  # quick-xml's white space (not \v or \f, which \s would take)
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_VALUE = rb"""(?:"[^"<>]*"|'[^'<>]*')"""
_NOT_R = rb"(?:" + _SPACE + rb"+(?!r" + _SPACE + rb"*=)[\w:.-]+" + _SPACE + rb"*=" + _SPACE + rb"*" + _VALUE + rb")*" \
    + _SPACE + rb"*>"
_CONTENT = (rb"(?:<" + _PREFIX + rb"v>[^<]+</" + _PREFIX + rb"v>"
            rb"|<" + _PREFIX + rb"is><" + _PREFIX + rb"t(?:" + _SPACE + rb"+[\w:.-]+" + _SPACE + rb"*=" + _SPACE
            + rb"*" + _VALUE + rb")*>[^<]*</" + _PREFIX + rb"t></" + _PREFIX + rb"is>)</" + _PREFIX + rb"c>")
# A tag in the shape XML writers give it: a name (one prefix at most), then nothing, '/', or white space and
# attributes; quotes protect a '>' as quick-xml's do.
_TAG = (rb"""(?P<close>/?)(?P<name>(?:[A-Za-z_][\w.\-]*:)?[A-Za-z_][\w.\-]*)"""
        rb"""(?P<attributes>/|[ \t\r\n](?:[^>"']++|"[^"]*+"|'[^']*+')*+|)>""")
MARKUP = re.compile(rb"(?P<bare>(?:<" + _PREFIX + rb"c" + _NOT_R + _CONTENT + rb")+)"
                    rb"|(?P<placed>(?:<" + _PREFIX + rb"c" + _SPACE + rb"+r" + _SPACE + rb"*=" + _SPACE + rb"*"
                    + _VALUE + _NOT_R + _CONTENT + rb")+)"
                    rb"|<(?:!--.*?-->|!\[CDATA\[.*?\]\]>|\?(?!>).*?\?>|(?P<other>!(?!--|\[CDATA\[)[^>]*)>|" + _TAG
                    + rb")",
                    re.S)
MARKUP_TAG = re.compile(rb"<" + _TAG)
RUN_CELL_END = re.compile(rb"</" + _PREFIX + rb"c>")
RUN_REFERENCE = re.compile(rb"<" + _PREFIX + rb"c" + _SPACE + rb"+r" + _SPACE + rb"*=" + _SPACE
                           + rb"""*["']([A-Za-z]+)(\d+)["']""")
PREFIXED_CELL = re.compile(rb":c[\s/>]")
SIMPLE_REFERENCE = re.compile(rb'([A-Z]{1,3})([1-9]\d{0,9})"')
TAG_REST = re.compile(rb"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")
TAG_END = TAG_REST  # where a tag ends, as quick-xml finds it: the first '>' outside quotes
ATTRIBUTE = re.compile(rb"""([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_PATTERNS: dict[bytes, re.Pattern] = {}


def _compiled(source: bytes) -> re.Pattern:
    pattern = _PATTERNS.get(source)  # one lookup: another thread may clear the cache between two
    if pattern is None:
        if len(_PATTERNS) > 256:
            _PATTERNS.clear()
        pattern = _PATTERNS[source] = re.compile(source)
    return pattern


def _decimal_at_most(limit: int) -> bytes:
    """A regular expression for the numbers 1 to `limit`, written without leading zeros."""
    digits = str(limit)
    if set(digits) == {"9"}:
        return rb"[1-9]\d{0,%d}+" % (len(digits) - 1)
    parts = [rb"[1-9]\d{0,%d}" % (len(digits) - 2)] if len(digits) > 1 else []
    for index, digit in enumerate(digits):
        lowest = 1 if index == 0 else 0
        if int(digit) > lowest:
            rest = len(digits) - index - 1
            parts.append(digits[:index].encode() + b"[%d-%d]" % (lowest, int(digit) - 1)
                         + (rb"\d{%d}" % rest if rest else b""))
    parts.append(digits.encode())
    return b"(?:" + b"|".join(parts) + b")"


def _letters_at_most(limit: int) -> bytes:
    """A regular expression for the column letters of columns 1 to `limit`, upper case as Excel writes them
    (letters of the same length compare as their columns do)."""
    letters = column_letters(limit)
    if len(letters) == 1:
        return b"[A-" + letters.encode() + b"]"
    parts = [rb"[A-Z]{1,%d}" % (len(letters) - 1)]
    for index, letter in enumerate(letters):
        if letter > "A":
            rest = len(letters) - index - 1
            parts.append(letters[:index].encode() + b"[A-" + chr(ord(letter) - 1).encode() + b"]"
                         + (rb"[A-Z]{%d}" % rest if rest else b""))
    parts.append(letters.encode())
    return b"(?:" + b"|".join(parts) + b")"


def column_letters(number: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA, 16384 -> XFD."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_position(reference: bytes) -> tuple[int, int] | None:
    """(row, column), both from 1, of a reference as calamine reads it (letters of either case, then digits),
    or None where calamine refuses it (it then stops reading the sheet)."""
    found = CELL_REFERENCE.fullmatch(reference)
    if not found or int(found.group(2)) == 0:
        return None
    column = 0
    for letter in found.group(1).upper():
        column = column * 26 + letter - 64
    return int(found.group(2)), column


def row_number(reference: bytes) -> int | None:
    """The row of a <row r="..."> as calamine reads it: the digits at its end."""
    found = ROW_REFERENCE.fullmatch(reference)
    return int(found.group(1)) if found and int(found.group(1)) else None


CELL_REFERENCE = re.compile(rb"([A-Za-z]+)(\d+)")
ROW_REFERENCE = re.compile(rb"[A-Za-z]*(\d+)")


def _count(cells: int) -> str:
    """17179869184 -> '17 billion', 5200000 -> '5.2 million', 30000000 -> '30 million'."""
    for size, word in ((10 ** 9, "billion"), (10 ** 6, "million")):
        if cells >= size:
            value = cells / size
            return f"{value:.0f} {word}" if value >= 10 or value == int(value) else f"{value:.1f} {word}"
    return f"{cells:,}"


CELL_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?c[\s/>]")


def _cell_tags(text: bytes, start: int, stop: int) -> int:
    return len(CELL_TAG.findall(text, start, stop))
