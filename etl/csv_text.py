"""The plumbing of a CSV file, the same for both lanes: its text, its delimiter, its records, and the longest
cell it may hold."""

from __future__ import annotations

import csv
import io
import re

from .errors import UnreadableFile, describe

CSV_CELL_LIMIT = csv.field_size_limit()  # characters in one CSV field: the csv module's limit (131,072)


UTF8, WINDOWS_1252 = "utf-8-sig", "cp1252"  # the encodings a CSV file is read in, in this order


def decoded(raw: bytes, file: str) -> tuple[str, str]:
    """The text and the encoding it was read in: UTF-8 (with or without a byte-order mark), else Windows-1252
    (what Excel writes as "CSV" on a Western European Windows). Another encoding (Cyrillic's Windows-1251, say)
    may read as Windows-1252 too, into other letters: the reader of a sheet says so (etl/cells.py,
    not_utf8_warning)."""
    for encoding in (UTF8, WINDOWS_1252):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(file, "the text is neither UTF-8 nor Windows-1252")


def decode_text(raw: bytes, file: str) -> str:
    return decoded(raw, file)[0]


def not_utf8(subject: str, where: str, cell: str) -> str:
    """Said of a CSV file read as Windows-1252 (`subject`: 'the file', 'the mapping file'): how its first letter
    beyond ASCII reads (`cell`, at `where`: 'this cell', 'line 4'), so that whoever reads it sees whether the
    letters are the ones typed (Cyrillic's Windows-1251 reads as Windows-1252 too, into other letters)."""
    return (f"{subject} is not UTF-8: read as Windows-1252 (Western European), where {where} reads {describe(cell)}; "
            "if other letters were typed (Cyrillic, Greek, ...), save it as 'CSV UTF-8' and run the load again")


def csv_delimiter(text: str) -> str:
    """The delimiter of the first line: a comma, or a semicolon or tab where those are more frequent."""
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def csv_records(text: str, file: str) -> list[list[str]]:
    """The records of a CSV text; a record the csv module cannot read is refused with its row number."""
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text)):
            records.append(record)
    except csv.Error as error:
        if "field limit" in str(error):
            raise UnreadableFile(file, long_csv_cell(len(records) + 1)) from None
        raise UnreadableFile(file, f"row {len(records) + 1} cannot be read as CSV ({error})") from None
    return records


def long_csv_cell(row: int) -> str:
    """Why a CSV file with a cell longer than the csv module reads is refused (both lanes say the same)."""
    return (f"row {row} holds a cell of more than {CSV_CELL_LIMIT:,} characters, the most a CSV cell may have: "
            "shorten it (an unclosed quote also makes the rest of the file one cell)")
