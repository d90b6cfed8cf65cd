"""Typed errors of the ETL. The command line turns them into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass

from .formatted import MonthShown, NotShown, PercentFormatted, ScaledShown, ShownBySize, SuffixShown


class EtlError(Exception):
    """Base class: anything the ETL reports on purpose."""


class ValueProblem(EtlError):
    """One cell's value is not what its column expects."""

    def __init__(self, found: object, expected: str):
        super().__init__(f"found {describe(found)}, expected {expected}")
        self.found = found
        self.expected = expected


class UnreadableFile(EtlError):
    """A file cannot be read at all: not a workbook, no known sheet, no header."""

    def __init__(self, file: str, reason: str, sheet: str | None = None):
        where = f"{file} › {sheet}" if sheet else file
        super().__init__(f"{where}: {reason}")
        self.file = file
        self.sheet = sheet
        self.reason = reason


class LoadFailed(EtlError):
    """The load was stopped; the previous database is untouched."""


class StrictRefused(LoadFailed):
    """A --strict load stopped because some row was rejected; the previous database is untouched."""


@dataclass(frozen=True)
class Problem:
    """Where a rejected value is and what was wrong with it."""

    file: str
    sheet: str
    row: int
    column: str
    found: str
    expected: str

    def __post_init__(self) -> None:  # a long header (or IATI identifier) is said, and kept, in every row's problem
        object.__setattr__(self, "sheet", cut(self.sheet))
        object.__setattr__(self, "column", cut(self.column))

    @property
    def message(self) -> str:
        return (f"{self.file} › {self.sheet} › row {self.row} › column {self.column}: "
                f"found {self.found}, expected {self.expected}")


def describe(value: object) -> str:
    """How a found value is shown in a message: quoted text, or 'an empty cell'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "an empty cell"
    if isinstance(value, PercentFormatted):
        return f"'{value.shown}' ({value.stored} formatted as a percentage{value.by})"
    if isinstance(value, ScaledShown):
        return f"'{value.shown_number}' ({value.stored} shown in {value.scale} by its number format)"
    if isinstance(value, SuffixShown):
        return f"'{value.stored}' (shown followed by a sign for {value.scale} by its number format)"
    if isinstance(value, ShownBySize):
        return f"'{value.stored}' (its number format, {quoted(value.code)}, shows it one way or another by its size)"
    if isinstance(value, NotShown):
        return f"'{value.stored}' (a number its number format does not show)"
    if isinstance(value, MonthShown):
        return f"'{value:%b %Y}' ({value.day} {value:%B %Y} shown as its month)"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return quoted(value)


QUOTED_LENGTH = 120  # the characters of a cell's text a message shows, at most: the rest is cut
LISTED = 12  # the names a message lists, at most ('Q1, Q2, ... and 4 more'): a year of months


def cut(text: object) -> str:
    """A cell's text (a value, a header, a title row) as a message or a kept row says it: QUOTED_LENGTH characters
    at most, its start and its end (where a header's brackets are: 'Budget ... (USD '000)'), so a long cell said in
    every row's message cannot fill the memory."""
    text = str(text)
    if len(text) <= QUOTED_LENGTH:
        return text
    head = QUOTED_LENGTH * 2 // 3
    return text[:head] + " ... " + text[-(QUOTED_LENGTH - head - 5):]


def quoted(text: object) -> str:
    """`cut(text)` in quotes."""
    return f"'{cut(text)}'"


def listed(names: list[str]) -> str:
    """Names joined with commas, the first LISTED of them ('Q1, Q2, ... and 4 more'), however many the file has."""
    shown = ", ".join(names[:LISTED])
    return shown + (f" and {len(names) - LISTED:,} more" if len(names) > LISTED else "")


@dataclass(frozen=True)
class LoadWarning:
    """Something the load did not use, or filled in, that the user should know about (not a rejection)."""

    file: str
    sheet: str
    row: int | None
    column: str | None
    kind: str  # e.g. 'hidden sheet', 'hidden rows', 'total row', 'text kept', 'no exchange rate'
    detail: str

    def __post_init__(self) -> None:  # said and kept with each row warned of: a long header or identifier cut
        object.__setattr__(self, "sheet", cut(self.sheet))
        object.__setattr__(self, "column", None if self.column is None else cut(self.column))

    @property
    def message(self) -> str:
        where = " › ".join(str(part) for part in (
            self.file, self.sheet, f"row {self.row}" if self.row else None,
            f"column {self.column}" if self.column else None) if part)
        return f"{where}: {self.detail}"
