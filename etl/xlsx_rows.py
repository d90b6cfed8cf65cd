"""Read chosen rows of one sheet of an .xlsx workbook, cell for cell as python-calamine reads them.

fastexcel, which loads large sheets, cannot cheaply give the first rows of a sheet (to find its header
before loading it: calamine parses the whole sheet even for 30 rows) nor the original cells of the few
rows its typed load made ambiguous (a text 'n/a' in a number column comes back as null). This module
streams the sheet's XML part in blocks, parses only the wanted rows and stops after the last of them.
Values are python-calamine 0.9.1's `to_python()` values, except that empty cells and strings are None
and error cells keep their text ('#DIV/0!'), as the per-cell lane (etl/cells.py) gives them to the validator,
and that a number in a cell formatted as a percentage is a PercentFormatted (etl/formatted.py: equal to
calamine's float, and knowing that Excel shows it times 100), which calamine cannot tell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeElementTree

from . import guard
from .formatted import (CurrencyScaled, CurrencyShown, DecimalsShown, DefaultStylePercent, MonthShown, NotShown,
                        PercentFormatted, ScaledShown, ShownBySize, SuffixShown)
from .ooxml import (DECIMAL_PLACES, DEFAULT_STYLE, MONTH, NOT_SHOWN, PERCENT, SUFFIX_POWER, cell_position, local_name,
                    number_format_kinds, scaled_and_shown, sheet_parts_by_name, shown_by_size)

BLOCK_SIZE = 1 << 20  # bytes of the decompressed sheet part read at a time
SHEET_DATA = re.compile(rb"<([\w.-]+:)?sheetData[\s/>]")
NAMESPACE = re.compile(rb"""\s(xmlns(?::[\w.-]+)?)\s*=\s*(?:"[^"]*"|'[^']*')""")
ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["'](\d+)""")
NUMBER = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)", re.IGNORECASE)
ESCAPED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how Excel writes characters XML cannot hold
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MILLISECONDS_A_DAY = 86_400_000


def read_rows(path: Path, sheet: str, *, first: int | None = None, wanted: Iterable[int] | None = None,
              archive: zipfile.ZipFile | None = None, part: str | None = None) -> dict[int, list[Any]]:
    """Rows 1 to `first` and the `wanted` rows (numbered from 1) of a sheet: {row number: cell values
    by column, A first}, each row as long as its last cell. Rows without cells are left out. The caller
    reading many sheets may give the workbook already opened and the sheet's part (a workbook of hundreds
    of sheets would otherwise be opened, and its list of sheets parsed, once a sheet).
    Raises KeyError when the workbook has no sheet of that name."""
    if archive is None:
        with zipfile.ZipFile(path) as opened:
            return read_rows(path, sheet, first=first, wanted=wanted, archive=opened, part=part)
    numbers = set(range(1, (first or 0) + 1)).union(wanted or ())
    part = part or sheet_parts_by_name(archive).get(sheet)
    if part is None:
        raise KeyError(f"no sheet named {sheet!r} in {Path(path).name}")
    cells = _CellReader(archive)
    with archive.open(_part_name(archive, part)) as stream:
        rows = {number: cells.row(element) for number, element in _row_elements(stream, numbers)}
    return cells.with_shared_strings({number: row for number, row in rows.items() if row})


def _part_name(archive: zipfile.ZipFile, name: str) -> str:
    """The archive's name for a part, matched regardless of ASCII case as calamine does."""
    return guard.member_name(archive, name) or name


def _row_elements(stream: IO[bytes], numbers: set[int]) -> Iterator[tuple[int, Element]]:
    """The wanted <row> elements of a sheet part, in one pass that stops after the last of them.

    Other rows are passed over by their start tag alone, and a block whose last row comes before the next
    wanted one is passed over whole, so a few scattered rows cost little more than decompressing the part.
    Rows are numbered by their r attribute, else as following the previous row (as calamine does). A wanted
    row longer than a block is read on to its end block by block, each block searched once (the guard keeps
    a row to 16,384 cells)."""
    if not numbers:
        return
    wanted = sorted(numbers)
    buffer, position, number = b"", 0, 0
    row_tag = row_start = row_end = opening = None
    for block in iter(lambda: stream.read(BLOCK_SIZE), b""):
        buffer, position = buffer[position:] + block, 0
        if row_tag is None:  # still before the cells: settle the prefix of the tags, if they have one
            sheet_data = SHEET_DATA.search(buffer)
            if sheet_data is None:
                continue
            prefix = sheet_data.group(1) or b""
            row_tag, row_end = b"<" + prefix + b"row", b"</" + prefix + b"row>"
            row_start = re.compile(re.escape(row_tag) + rb"\b([^>]*)>")
            declarations = {m.group(1): m.group(0) for m in NAMESPACE.finditer(buffer, 0, sheet_data.start())}
            opening = b"<rows" + b"".join(declarations.values()) + b">"  # a row parsed alone needs its prefixes
            position = sheet_data.end()
        last_start = buffer.rfind(row_tag, position)
        last = row_start.match(buffer, last_start) if last_start >= 0 else None
        last_number = last and ROW_NUMBER.search(last.group(1))
        if last_number and int(last_number.group(1)) < wanted[bisect_right(wanted, number)]:
            position = last_start  # every row before it comes before the next wanted row
        while found := row_start.search(buffer, position):
            found_number = ROW_NUMBER.search(found.group(1))
            row_number = int(found_number.group(1)) if found_number else number + 1
            if row_number > wanted[-1]:
                return
            if row_number in numbers and not found.group(1).endswith(b"/"):
                end = buffer.find(row_end, found.end())
                if end < 0:  # the row goes on in the next blocks
                    buffer, end = _read_to(stream, buffer[found.start():], row_end)
                    found = row_start.match(buffer)
                    if end < 0:
                        return  # the part ends inside the row
                position = end + len(row_end)
                yield row_number, SafeElementTree.fromstring(opening + buffer[found.start():position] + b"</rows>")[0]
                if row_number == wanted[-1]:
                    return
            else:
                position = found.end()
            number = row_number
        else:
            position = max(position, buffer.rfind(b"<"))  # keep a tag cut by the end of the block


def _read_to(stream: IO[bytes], head: bytes, mark: bytes) -> tuple[bytes, int]:
    """`head` and the blocks that follow it up to the one holding `mark`, joined once: (the bytes, where the
    mark is in them, or -1 when the part ends first)."""
    pieces, size, overlap = [head], len(head), head[-(len(mark) - 1):]
    for block in iter(lambda: stream.read(BLOCK_SIZE), b""):
        found = (overlap + block).find(mark)
        pieces.append(block)
        if found >= 0:
            return b"".join(pieces), size - len(overlap) + found
        size += len(block)
        overlap = (overlap + block)[-(len(mark) - 1):]
    return b"".join(pieces), -1


class _SharedString(int):
    """A cell's index into the shared strings, looked up once all the wanted rows are read."""


class _CellReader:
    """Turns <c> elements into values. The workbook's styles are read at the first number, its date system only
    for a date, the shared strings only when a cell refers to one."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive

    def row(self, element: Element) -> list[Any]:
        values: list[Any] = []
        for cell in element:
            if local_name(cell.tag) == "c":
                reference = cell.get("r")
                column = cell_position(reference.upper())[1] if reference else len(values)
                values.extend([None] * (column + 1 - len(values)))
                values[column] = self.value(cell)
        return values

    def value(self, cell: Element) -> Any:
        kind = cell.get("t")
        parts = {local_name(child.tag): child for child in cell}
        if "is" in parts:
            return _text(parts["is"]) or None
        text = parts["v"].text if "v" in parts and kind != "inlineStr" else None
        if not text:  # an empty cell, or a formula saved without its value
            return None
        if kind == "s":
            return _SharedString(text)
        if kind == "b":
            return text in ("1", "true")
        if kind == "str":
            return _unescape(text)
        if kind not in (None, "n") or not NUMBER.fullmatch(text):
            return text  # an error ('#DIV/0!'), or what calamine would refuse to read
        number, style = float(text), cell.get("s")
        if not math.isfinite(number):
            return number
        # calamine reads a style it cannot parse as the first; a cell without one as no format at all, where
        # Excel gives it the first (the Normal style): a percentage there is one to the person, a date is not read
        index = int(style) if style is not None and style.isdigit() else DEFAULT_STYLE
        kind = self.number_formats[index] if index < len(self.number_formats) else None
        if kind == PERCENT:  # shown times 100: etl/parse.py reads it as shown
            return DefaultStylePercent(number) if index == DEFAULT_STYLE else PercentFormatted(number)
        power, shown = scaled_and_shown(kind)
        if power:  # shown divided by 1,000 or more: read as stored, knowing it (etl/transform.py); in its currency
            return ScaledShown(number, power) if shown is None or index == DEFAULT_STYLE else CurrencyScaled(
                number, power, shown)
        if kind in SUFFIX_POWER:  # '150 K': an amount is read as the sign says (etl/transform.py)
            return SuffixShown(number, SUFFIX_POWER[kind])
        if shown_by_size(kind) is not None:  # '1,500 K' and '150' by size: read as stored, and said
            return ShownBySize(number, shown_by_size(kind))
        if kind == NOT_SHOWN:  # shown as nothing, or as text only: read as stored, and said
            return NotShown(number)
        if kind in DECIMAL_PLACES:  # '0.00': a code column reads it as shown ('1.10'), a number column the number
            return DecimalsShown(number, DECIMAL_PLACES[kind])
        if kind is None or style is None:
            return number
        if shown is not None:  # '450,000 KGS': the amount's currency, where its row names none (etl/transform.py)
            return CurrencyShown(number, shown) if index != DEFAULT_STYLE else number
        day = _date_value(number, kind, self.is_1904)
        # shown as its month, and the 1st at midnight (what 'Jun 2015' typed is): read as the month (etl/parse.py);
        # any other day was typed as a day (into a cell formatted beforehand), and is read as it is
        if kind == MONTH and type(day) is dt.date and day.day == 1:
            return MonthShown.of(day)
        return day

    def with_shared_strings(self, rows: dict[int, list[Any]]) -> dict[int, list[Any]]:
        indexes = [value for row in rows.values() for value in row if isinstance(value, _SharedString)]
        if not indexes:
            return rows
        strings = _shared_strings(self.archive, set(indexes))
        return {number: [strings.get(v) or None if isinstance(v, _SharedString) else v for v in row]
                for number, row in rows.items()}

    @cached_property
    def number_formats(self) -> list[str | None]:
        """'date', 'duration', 'percent' or None for each cell style (etl/ooxml.py, `number_format_kinds`)."""
        return number_format_kinds(self.archive)

    @cached_property
    def is_1904(self) -> bool:
        return guard.workbook_info(self.archive).date1904


def _shared_strings(archive: zipfile.ZipFile, wanted: set[int]) -> dict[int, str]:
    """The shared strings of the `wanted` indexes; the part is read up to the last of them only. Blocks
    before a wanted string are passed over by counting their <si> tags, without parsing them: a part of
    millions of strings costs a text search, not an element each."""
    part = _part_name(archive, "xl/sharedStrings.xml")
    try:
        with archive.open(part) as stream:
            return _shared_strings_counted(stream, wanted)
    except _ParseInstead:
        with archive.open(part) as stream:
            return _shared_strings_parsed(stream, wanted)


class _ParseInstead(Exception):
    """The part holds what counting tags could misread (a comment, CDATA, a nested declaration)."""


SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?si[ \t\r\n/>]")
SHARED_STRING_ELEMENT = re.compile(rb"""<((?:[A-Za-z_][\w.\-]*:)?si)(?:[ \t\r\n](?:[^>"']|"[^"]*"|'[^']*')*?)?"""
                                   rb"(?:/>|>(.*?)</\1[ \t\r\n]*>)", re.S)
SHARED_STRING_END = re.compile(rb"</(?:[A-Za-z_][\w.\-]*:)?si[ \t\r\n]*>")
SHARED_BLOCK_SIZE = 1 << 16  # small blocks: the first strings of a large part cost a little of it


def _shared_strings_counted(stream: IO[bytes], wanted: set[int]) -> dict[int, str]:
    pending = sorted(wanted)
    found: dict[int, str] = {}
    index, carry, opening = 0, b"", None
    for block in _without_comments(iter(lambda: stream.read(SHARED_BLOCK_SIZE), b"")):
        text = carry + block
        if b"<!" in text or opening is not None and b"<?" in text:
            raise _ParseInstead  # a CDATA section or a processing instruction may hold tags
        if opening is None:  # the namespaces of the root, which a string parsed alone needs
            first = SHARED_STRING.search(text)
            if first is None:
                carry = text
                continue
            declarations = {m.group(1): m.group(0) for m in NAMESPACE.finditer(text, 0, first.start())}
            opening = b"".join(declarations.values())
            text, carry = text[first.start():], b""
        cut = _after_last_string(text)
        complete, carry = text[:cut], text[cut:]
        count = len(SHARED_STRING.findall(complete))
        if pending and index + count > pending[0]:
            elements = list(SHARED_STRING_ELEMENT.finditer(complete))
            if len(elements) != count:
                raise _ParseInstead
            for offset, element in enumerate(elements):
                if index + offset in wanted:
                    try:
                        parsed = SafeElementTree.fromstring(b"<si" + opening + b">" + (element.group(2) or b"")
                                                            + b"</si>")
                    except SafeElementTree.ParseError:
                        raise _ParseInstead from None
                    found[index + offset] = _text(parsed)
            pending = [number for number in pending if number >= index + count]
        index += count
        if not pending:
            break
    return found


def _without_comments(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """The blocks with their XML comments left out: a comment may hide tags, and holds no text. (Crafted
    parts put comments of random bytes between their strings to keep within the zip-bomb ratio.)"""
    in_comment, held = False, b""
    for block in blocks:
        text, held, position, kept = held + block, b"", 0, []
        while True:
            if in_comment:
                end = text.find(b"-->", position)
                if end < 0:
                    held = text[max(position, len(text) - 2):]  # a '--' the next block may close
                    break
                position, in_comment = end + 3, False
            start = text.find(b"<!--", position)
            if start < 0:
                partial = text.rfind(b"<", max(position, len(text) - 3))
                stop = partial if partial >= 0 and b"<!--".startswith(text[partial:]) else len(text)
                kept.append(text[position:stop])
                held = text[stop:]  # what may begin a comment in the next block
                break
            kept.append(text[position:start])
            position, in_comment = start + 4, True
        yield b"".join(kept)
    if held and not in_comment:
        yield held


def _after_last_string(text: bytes) -> int:
    """Where the last complete <si> element of `text` ends (0 when none does)."""
    position = len(text)
    while (position := text.rfind(b"si", 0, position)) >= 0:
        start = text.rfind(b"<", 0, position)
        end = SHARED_STRING_END.match(text, start) if start >= 0 else None
        if end and end.start() < position < end.end():
            return end.end()
        if text.startswith(b"/>", position + 2) and SHARED_STRING.match(text, start):
            return position + 4  # <si/>
    return 0


def _shared_strings_parsed(stream: IO[bytes], wanted: set[int]) -> dict[int, str]:
    """The same, every element parsed: for parts that counting could misread."""
    found: dict[int, str] = {}
    last, index, root = max(wanted), 0, None
    for event, element in SafeElementTree.iterparse(stream, events=("start", "end")):
        if root is None:
            root = element
        if event == "end" and local_name(element.tag) == "si":
            if index in wanted:
                found[index] = _text(element)
            index += 1
            root.clear()  # the texts read leave memory (clearing the <si> alone left it in the root)
            if index > last:
                break
    return found


def _text(element: Element) -> str:
    """The text of an <is> or <si> element as calamine reads it: its <t> runs, plain or rich (<r>),
    joined; phonetic runs (<rPh>) left out; each run trimmed of XML white space unless it has
    xml:space="preserve"; then Excel's _xHHHH_ escapes decoded (_x000D_ is a carriage return)."""
    runs = [t for child in element for t in (child if local_name(child.tag) == "r" else [child]) if local_name(t.tag) == "t"]
    return _unescape("".join((t.text or "") if t.get(XML_SPACE) == "preserve" else (t.text or "").strip(" \t\r\n")
                             for t in runs))


def _unescape(text: str) -> str:
    def character(match: re.Match) -> str:
        code = int(match.group(1), 16)
        return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)  # half a surrogate pair stays as written
    return ESCAPED_CHARACTER.sub(character, text) if "_x" in text else text


def _date_value(number: float, kind: str, is_1904: bool) -> Any:
    """A date-formatted number as calamine gives it: to the nearest millisecond, a time of day below 1,
    a date when whole, else a datetime; the number itself when out of Python's range. Serial numbers
    below 60 are shifted a day, as Excel counts a 29 February 1900 that never was."""
    if kind == "duration":
        return dt.timedelta(milliseconds=_round(number * MILLISECONDS_A_DAY))
    days = number + 1462 if is_1904 else number
    milliseconds = _round((days if days >= 60 else days + 1) * MILLISECONDS_A_DAY)
    if number < 1:
        return (dt.datetime.min + dt.timedelta(milliseconds=milliseconds % MILLISECONDS_A_DAY)).time()
    try:
        moment = EXCEL_EPOCH + dt.timedelta(milliseconds=milliseconds)
    except OverflowError:
        return number
    return moment.date() if number.is_integer() else moment


def _round(number: float) -> int:
    """Rounded half away from zero, as Rust rounds (Python's round() goes to even)."""
    whole = math.trunc(number)
    return whole + (1 if number - whole >= 0.5 else -1 if number - whole <= -0.5 else 0)
