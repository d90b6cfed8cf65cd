"""Checks made before a file is parsed: files from many offices arrive by e-mail, and a hostile or
broken one must be refused with a clear message before it can use up memory or time.

- a size limit for every input file ($MM_MAX_INPUT_MB, default 1024 MB);
- for workbooks (zip containers): a real zip, and no zip bomb — the members' total uncompressed size is
  capped ($MM_MAX_UNZIPPED_MB, default 2048 MB), no large member may expand more than 200 times, nor the
  members together (150 members of 9.9 MB each pass the check of one member, not the check of all);
- at most $MM_MAX_SHEETS sheets in a workbook (default 250): a few hundred bytes of XML each, a thousand
  sheets cost more time to open than any workbook of ours needs;
- the used range of every sheet (the rectangle from A1 to its farthest cell) at most $MM_MAX_CELLS cells
  (default 30 million). python-calamine and fastexcel allocate the whole rectangle, 32 bytes a cell, from
  the cells alone (not from the sheet's declared <dimension>): a 1.5 KB sheet holding A1 and XFD1048576
  asks them for 512 GiB and the process aborts. `UsedRange` works the rectangle out from the sheet's XML
  as etl/extract.py streams it, before either reader opens the sheet.

XML is not checked here: etl/iati.py streams it and refuses DTDs, entities and external references.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import IO, Callable

from defusedxml import ElementTree as SafeElementTree

from .errors import UnreadableFile
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
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
WORKBOOK_PART = "xl/workbook.xml"  # where calamine looks for the list of sheets
RELATIONSHIPS_PART = "xl/_rels/workbook.xml.rels"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


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
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_expansion(members, file)
            check_part_names(archive, file)
            _check_sheet_count(archive, file)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableFile(file, f"not a readable Excel workbook (not a valid .xlsx container: {error})") from None


def _check_expansion(members: list[zipfile.ZipInfo], file: str) -> None:
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


def _check_sheet_count(archive: zipfile.ZipFile, file: str) -> None:
    """Count the <sheet> entries of the workbook part as calamine reads them (any prefix), and stop
    reading once past the limit."""
    part = member_name(archive, WORKBOOK_PART)
    if part is None:
        return  # not a workbook: the reader says so
    limit, count = max_sheets(), 0
    with archive.open(part) as stream:
        try:
            for _, element in SafeElementTree.iterparse(stream, events=("start",)):
                if element.tag.rsplit("}", 1)[-1] == "sheet":
                    count += 1
                    if count > limit:
                        raise UnreadableFile(file, f"refused: more than {limit:,} sheets (MM_MAX_SHEETS); split the "
                                                   "workbook, or raise MM_MAX_SHEETS")
        except SafeElementTree.ParseError:
            return  # a damaged workbook part: the reader says so


def check_part_names(archive: zipfile.ZipFile, file: str) -> None:
    """Two parts of one name (in any case) are refused: python-calamine and Python's zipfile read the last
    of them, fastexcel the first, and what is checked must be what is read."""
    names = [name.lower() for name in archive.namelist()]
    if len(set(names)) != len(names):
        twice = next(name for index, name in enumerate(names) if name in names[:index])
        raise UnreadableFile(file, f"refused: two parts of the workbook are named '{twice}', which no spreadsheet "
                                   "program writes")


def member_name(archive: zipfile.ZipFile, name: str) -> str | None:
    """The archive's name for a part, matched regardless of case, as calamine finds parts (the first)."""
    return _folded_names(archive).get(name.lower())


def _folded_names(archive: zipfile.ZipFile) -> dict[str, str]:
    names: dict[str, str] = {}
    for name in archive.namelist():
        names.setdefault(name.lower(), name)
    return names


def sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str | None]]:
    """(sheet name, its XML part in the archive, or None when missing) for every <sheet> of the workbook, in
    order, resolved as calamine resolves them: the r:id attribute through xl/_rels/workbook.xml.rels, a
    target taken as it is when it starts with 'xl/', without its '/' when with '/xl/', else under 'xl/'."""
    folded = _folded_names(archive)  # once: a workbook may have hundreds of sheets
    workbook, relations = folded.get(WORKBOOK_PART), folded.get(RELATIONSHIPS_PART)
    if workbook is None or relations is None:
        return []
    targets = {}
    for element in SafeElementTree.fromstring(archive.read(relations)).iter():
        if element.tag.rsplit("}", 1)[-1] == "Relationship":
            targets[element.get("Id", "")] = element.get("Target", "")
    sheets = []
    for element in SafeElementTree.fromstring(archive.read(workbook)).iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        target = None
        for key, value in element.attrib.items():  # calamine knows the attribute by its usual prefixes only
            if key in (f"{{{RELATIONSHIPS}}}id", "r:id", "relationships:id"):
                target = targets.get(value)
        if target is None:
            sheets.append((element.get("name", ""), None))
            continue
        path = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else "xl/" + target
        sheets.append((element.get("name", ""), folded.get(path.lower())))
    return sheets


# --- The used range of a sheet, from its XML --------------------------------------------------------------

BLOCK_CARRY_LIMIT = 16 * MEGABYTE  # one tag or comment longer than this is not worth reading


class UsedRange:
    """The rectangle from A1 to the farthest cell of one sheet, as python-calamine and fastexcel size it: a
    cell is placed by its own r attribute (the last, if it has two; not its row's), a cell without one
    follows the cell before it, and an element without a value (<c r="..." s="1"/>) is no cell.

    `feed` takes the sheet's XML in blocks that end before a '<' and keeps upper bounds cheaply: each block
    is searched, with one regular expression, for a cell tag that is not of the plain shape spreadsheet
    programs write — `<c r="` and a reference within the bounds so far, then only s= and t= attributes and a
    <v> or <is> value — so a block of such cells is passed over at the speed of a text search. A tag found is
    read in Python: it widens the bounds, and tells whether the sheet has formulas, error cells or dates
    stored as text (which etl/extract.py needs to know, and would otherwise search for separately). Where the
    bounds end up over the budget, or a cell has no r attribute, or cell tags carry a namespace prefix,
    `settle` works the range out exactly from the whole part (`ExactRange`)."""

    def __init__(self, budget: int):
        self.budget = budget
        self.rows = 0  # the farthest row (from 1) of a cell read, or a bound of it
        self.columns = 0
        self.rows_bound = 0  # every cell passed over lies in a row up to this
        self.needs_exact = False
        self.refusal: str | None = None  # why the sheet cannot be read safely at all
        self.formulas = self.errors = self.dates = False  # seen in the blocks fed while not needing the exact pass
        self._bounds: tuple[int, int] | None = None
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
        while found := pattern.search(text, position):
            position = self._read_cell_tag(text, found.start())
            if position is None:
                return None if self.needs_exact else found.start()
            read += 1
            if read % 256 == 0:  # a header 16,384 columns wide would otherwise compile a pattern a cell
                pattern = self._current_pattern()
        return None

    def _read_cell_tag(self, text: bytes, start: int) -> int | None:
        """Read the cell tag at `start`; returns where to search on, or None when it is not complete in `text`
        or calls for the exact pass (`needs_exact`)."""
        end = TAG_REST.match(text, start + 2)
        empty = end is not None and text[end.end() - 2:end.end()] == b"/>"
        child = None if end is None or empty else NEXT_TAG.search(text, end.end())
        if end is None or not (empty or child):
            if len(text) - start > BLOCK_CARRY_LIMIT:
                self.needs_exact = True
            return None
        attributes = _attributes(text[start + 2:end.end() - 1])
        kind = next((value for key, value in reversed(attributes) if key == b"t"), None)
        self.errors |= kind == b"e"
        self.dates |= kind == b"d"
        if empty:
            return end.end()  # no value: calamine does not place it
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
        cheaper pattern, where that keeps the rectangle within the budget, else by the row reached so far."""
        if self._bounds != (self.rows, self.columns):
            self._bounds = (self.rows, self.columns)
            nines = 10 ** len(str(max(self.rows, 1))) - 1
            rows = nines if nines * self.columns <= self.budget else self.rows
            if self.columns < 1 or rows < 1:
                self._pattern = _compiled(rb"<c[\s/>]")
            else:
                self._pattern = _compiled(rb'<c(?! r="' + _letters_at_most(self.columns) + _decimal_at_most(rows)
                                          + PLAIN_CELL_REST)
                self.rows_bound = max(self.rows_bound, rows)
        return self._pattern

    def settle(self, reopen: Callable[[], IO[bytes]]) -> None:
        """The exact range, read again from the part, where the bounds cannot vouch for the sheet."""
        if not (self.needs_exact or self.cells > self.budget):
            return
        exact = ExactRange()
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
        self.rows, self.columns, self.rows_bound, self.refusal = exact.rows, exact.columns, 0, exact.refusal
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


# What may follow the reference of a plain cell tag, as Excel, LibreOffice, openpyxl and xlsxwriter write it:
# a style, a type other than an error (e) or a date stored as text (d), then the end of an empty cell or a
# value (<v> or <is>; a formula, <f>, comes first where there is one). Each step costs time on every cell,
# and possessive quantifiers (no backtracking to remember) save a quarter of it.
PLAIN_CELL_REST = rb'"(?: s="\d++")?+(?: t="[nsib][^"]*+")?+(?:/|><[vi]))[\s/>]'

NEXT_TAG = re.compile(rb"<(/?[^\s/>]+)")


class ExactRange:
    """The used range as calamine finds it, following its reading tag by tag: only inside <sheetData>; a
    <row r> sets the row of the cells without r that follow, and its end moves to the next row and back to
    column A; a cell with r is placed there (the last r it has), one without where the one before it ended;
    comments, CDATA and processing instructions are passed over. Where calamine and this reading could part
    ways — a row or cell tag inside a cell, an element nested in one of its own name inside a cell, a DOCTYPE
    — the sheet is refused (`refusal`) rather than guessed. Slower than `UsedRange.feed` (a Python step per
    tag): only for sheets that need it."""

    def __init__(self):
        self.rows = self.columns = 0
        self.row_index = self.column_index = 0  # from 0, as calamine counts
        self.in_data = self.done = False
        self.cell: list[bytes] | None = None  # the open elements inside the cell being read
        self.refusal: str | None = None

    def feed(self, text: bytes) -> int | None:
        """Read the complete tags of `text`; returns where the incomplete rest begins (to carry), or None."""
        position = 0
        for markup in MARKUP.finditer(text):
            if text.find(b"<", position, markup.start()) >= 0:
                return text.find(b"<", position, markup.start())  # a tag that ends in the next block
            position = markup.end()
            if markup.lastgroup in ("bare", "placed"):
                self._run(markup.group(), markup.lastgroup == "placed")
                if self.done or self.refusal:
                    return None
                continue
            if markup.group("other") is not None:
                self.refusal = "a DOCTYPE or other declaration"
                return None
            name = markup.group("name")
            if name is None:
                continue  # a comment, CDATA section or processing instruction
            self._tag(name, markup.group("close") == b"/", markup.group("attributes"))
            if self.done or self.refusal:
                return None
        rest = text.find(b"<", position)
        return rest if rest >= 0 else None

    def _run(self, run: bytes, placed: bool) -> None:
        """A run of plain cells, all with an r attribute first (`placed`) or none with one: taken at once,
        which keeps the exact pass to a Python step per row for the files that need it."""
        if not self.in_data:
            return
        if self.cell is not None:
            self.refusal = "a row or cell inside a cell"
            return
        count = len(RUN_CELL_END.findall(run))
        if not placed:
            self.rows, self.columns = max(self.rows, self.row_index + 1), max(self.columns, self.column_index + count)
            self.column_index += count
            return
        references = RUN_REFERENCE.findall(run)
        if len(references) != count or any(not int(row) for _, row in references):
            for markup in MARKUP_TAG.finditer(run):  # a reference calamine refuses: take the cells one by one
                self._tag(markup.group("name"), markup.group("close") == b"/", markup.group("attributes"))
            return
        rows = max(int(row) for _, row in references)
        letters = max((letters.upper() for letters, _ in references), key=lambda found: (len(found), found))
        self.rows = max(self.rows, rows)
        self.columns = max(self.columns, cell_position(letters + b"1")[1])
        self.column_index = cell_position(references[-1][0] + b"1")[1]  # after the last cell, from 0

    def _tag(self, name: bytes, closing: bool, attributes: bytes) -> None:
        local = name.rsplit(b":", 1)[-1]
        empty = not closing and attributes.rstrip().endswith(b"/")
        if not self.in_data:
            if local == b"sheetData" and not closing:
                self.in_data, self.done = True, empty
            return
        if self.cell is not None:
            self._inside_cell(name, local, closing, empty)
        elif closing:
            if local == b"row":
                self.row_index, self.column_index = self.row_index + 1, 0
            elif local == b"sheetData":
                self.done = True
        elif local == b"row":
            reference = next((value for key, value in _attributes(attributes) if key == b"r"), None)
            if reference is not None:
                if row_number(reference) is None:
                    self.done = True  # calamine stops with an error
                    return
                self.row_index = row_number(reference) - 1
            if empty:
                self.row_index, self.column_index = self.row_index + 1, 0
        elif local == b"c":
            references = [value for key, value in _attributes(attributes) if key == b"r"]
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
            self.rows, self.columns = max(self.rows, row + 1), max(self.columns, self.column_index + 1)
            self.cell = []

    def _inside_cell(self, name: bytes, local: bytes, closing: bool, empty: bool) -> None:
        open_elements = self.cell
        if local in (b"row", b"sheetData") or (local == b"c" and (not closing or open_elements)):
            self.refusal = "a row or cell inside a cell"
        elif closing and local == b"c":
            self.cell, self.column_index = None, self.column_index + 1
        elif closing:
            if name in open_elements:
                del open_elements[open_elements.index(name):]
        elif name in open_elements or local in (e.rsplit(b":", 1)[-1] for e in open_elements):
            self.refusal = "an element inside one of its own name, in a cell"
        elif not empty:
            open_elements.append(name)


def _attributes(attributes: bytes) -> list[tuple[bytes, bytes]]:
    return [(name, double if double or not single else single)
            for name, double, single in ATTRIBUTE.findall(attributes)]


_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_VALUE = rb"""(?:"[^"<>]*"|'[^'<>]*')"""
_NOT_R = rb"(?:\s+(?!r\s*=)[\w:.-]+\s*=\s*" + _VALUE + rb")*\s*>"
_CONTENT = (rb"(?:<" + _PREFIX + rb"v>[^<]+</" + _PREFIX + rb"v>"
            rb"|<" + _PREFIX + rb"is><" + _PREFIX + rb"t(?:\s+[\w:.-]+\s*=\s*" + _VALUE + rb")*>[^<]*</" + _PREFIX
            + rb"t></" + _PREFIX + rb"is>)</" + _PREFIX + rb"c>")
_TAG = rb"""(?P<close>/?)(?P<name>[^\s/>!?"'<]+)(?P<attributes>(?:[^>"']|"[^"]*"|'[^']*')*)>"""
MARKUP = re.compile(rb"(?P<bare>(?:<" + _PREFIX + rb"c" + _NOT_R + _CONTENT + rb")+)"
                    rb"|(?P<placed>(?:<" + _PREFIX + rb"c\s+r\s*=\s*" + _VALUE + _NOT_R + _CONTENT + rb")+)"
                    rb"|<(?:!--.*?--|!\[CDATA\[.*?\]\]|\?.*?\?|(?P<other>!(?!--|\[CDATA\[)[^>]*)>|" + _TAG + rb")",
                    re.S)
MARKUP_TAG = re.compile(rb"<" + _TAG)
RUN_CELL_END = re.compile(rb"</" + _PREFIX + rb"c>")
RUN_REFERENCE = re.compile(rb"<" + _PREFIX + rb"""c\s+r\s*=\s*["']([A-Za-z]+)(\d+)["']""")
PREFIXED_CELL = re.compile(rb":c[\s/>]")
SIMPLE_REFERENCE = re.compile(rb'([A-Z]{1,3})([1-9]\d{0,9})"')
TAG_REST = re.compile(rb"""(?:[^>"']|"[^"]*"|'[^']*')*>""")
ATTRIBUTE = re.compile(rb"""([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_PATTERNS: dict[bytes, re.Pattern] = {}


def _compiled(source: bytes) -> re.Pattern:
    if source not in _PATTERNS:
        if len(_PATTERNS) > 256:
            _PATTERNS.clear()
        _PATTERNS[source] = re.compile(source)
    return _PATTERNS[source]


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
