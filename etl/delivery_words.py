"""The words of a delivery report (a UNDP Combined Delivery Report, or an ERP export of its lines): which header
row makes a sheet a delivery report, which labels of its title block give its country, award, period,
currency and agency, and which labels mark its subtotal and grand-total rows. Each word has one home:

- the CDR's own (English) header and title words, and the `default_agency`, are
  data/reference/delivery_report.csv (`role,word`, one line per word: add a line to teach the ETL a header or
  a title label, no code needed);
- another language's words for the same roles are its language file's [delivery] table
  (data/reference/languages/<code>.toml: `budget = ["Presupuesto"]`);
- total labels are every language's `total_words` (a subtotal) and `grand_total_words` (the grand total), the
  same words that make a total row of any other sheet (etl/layout.py).

Words are matched ignoring accents, case and spacing, and a trailing ':' or '*'. The reading itself is in
etl/delivery_report.py; this module knows only the words, so that etl/layout.py can recognise a delivery
report's header without importing the reader.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import EtlError
from .languages import DELIVERY_ROLES, fold

VOCABULARY_FILE = "delivery_report.csv"
# A mapping file (activity -> output) for award A is named A + this suffix (00081234.outputs.csv), beside the
# report or in data/reference/delivery/ (etl/delivery_mapping.py); such files are never read as inputs.
MAPPING_SUFFIX = ".outputs.csv"
# Header roles: a header row naming an activity, an account and an expenditure column is a delivery report.
REQUIRED_ROLES = ("activity", "account", "expenditure")
COLUMN_ROLES = tuple(role for role in DELIVERY_ROLES if not role.startswith("title_"))
TITLE_ROLES = tuple(role for role in DELIVERY_ROLES if role.startswith("title_"))
FILE_ROLES = DELIVERY_ROLES + ("default_agency",)  # the roles of delivery_report.csv
SUBTOTAL, GRAND_TOTAL = "subtotal", "grand_total"  # Vocabulary roles, from the languages' total words
HEADER_SEARCH_ROWS = 30  # as etl/layout.py: the header is one of the first 30 rows


class VocabularyError(EtlError):
    """A delivery_report.csv line that cannot be used, with the file and line at fault."""


def normalise(text: Any) -> str:
    """A header or label as compared: spaces collapsed, case folded, a trailing ':' or '*' dropped."""
    text = " ".join(str(text).replace("_", " ").split()).casefold()
    return text.rstrip(" *:").strip()


def folded(text: Any) -> str:
    """A word as the words of a delivery report are matched: `normalise`d, accents removed."""
    return fold(normalise(text))


@dataclass(frozen=True)
class Vocabulary:
    words: dict[str, tuple[str, ...]]  # role -> words as written (delivery_report.csv, then the languages')
    source: Path

    def of(self, role: str) -> set[str]:
        return {folded(word) for word in self.words.get(role, ())}

    @property
    def default_agency(self) -> str | None:
        agencies = self.words.get("default_agency", ())
        return agencies[0] if agencies else None


def load_vocabulary(reference: Any) -> Vocabulary:
    """(`reference`: an etl.reference.Reference, which imports this module.) The words of a delivery report: delivery_report.csv's, each language's [delivery] words, and every
    language's total words (subtotals) and grand-total words."""
    words = {role: list(found) for role, found in reference.delivery_words.items()}
    for language in reference.languages.values():
        for role, found in language.delivery.items():
            words.setdefault(role, []).extend(found)
    words[SUBTOTAL] = list(reference.subtotal_words)
    words[GRAND_TOTAL] = list(reference.grand_total_words)
    return Vocabulary({role: tuple(found) for role, found in words.items()}, reference.delivery_source)


def read_vocabulary_file(path: Path) -> dict[str, tuple[str, ...]]:
    """Role -> words of a delivery_report.csv; a line it cannot use is a VocabularyError naming the line."""
    return _read_vocabulary(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _read_vocabulary(path: Path, _stamp: int) -> dict[str, tuple[str, ...]]:
    words: dict[str, list[str]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            role, word = (row.get("role") or "").strip(), (row.get("word") or "").strip()
            if role in (SUBTOTAL, GRAND_TOTAL):
                raise VocabularyError(
                    f"{path} › line {number}: role '{role}' is no longer read here: total labels are the language "
                    f"files' {'grand_total_words' if role == GRAND_TOTAL else 'total_words'} "
                    "(data/reference/languages/<code>.toml; data/reference/README.md, 'Languages')")
            if role and role not in FILE_ROLES:
                raise VocabularyError(f"{path} › line {number}: found role '{role}', expected one of "
                                      + ", ".join(FILE_ROLES))
            if role and word:
                words.setdefault(role, []).append(word)
    return {role: tuple(found) for role, found in words.items()}


def match_header(row: list[Any], vocabulary: Vocabulary) -> dict[str, int] | None:
    """Role -> position of a delivery report's header row, or None when `row` is not one."""
    cells = {position: folded(cell) for position, cell in enumerate(row) if cell is not None and str(cell).strip()}
    found: dict[str, int] = {}
    for role in COLUMN_ROLES:
        words = vocabulary.of(role)
        position = next((p for p, text in cells.items() if text in words and p not in found.values()), None)
        if position is not None:
            found[role] = position
    return found if all(role in found for role in REQUIRED_ROLES) else None


def find_header(rows: list[list[Any]], vocabulary: Vocabulary) -> tuple[int, dict[str, int]] | None:
    """(row index, role -> position) of the first of the first 30 rows that is a delivery report's header."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = match_header(row, vocabulary)
        if found is not None:
            return index, found
    return None


def title_values(title_rows: list[list[Any]], vocabulary: Vocabulary) -> dict[str, tuple[str, int]]:
    """Title role -> (the value written after its label, row number): 'Operating Unit: Jamaica' in one cell,
    or the label in one cell and the value in the next."""
    found: dict[str, tuple[str, int]] = {}
    labels = sorted(((folded(word), role) for role in TITLE_ROLES for word in vocabulary.words.get(role, ())),
                    key=lambda pair: len(pair[0]), reverse=True)
    for number, row in enumerate(title_rows, start=1):
        text = " ".join(" ".join(str(cell).split()) for cell in row if cell is not None and str(cell).strip())
        text_folded = fold(text)
        for label, role in labels:
            if role in found or not text_folded.startswith(label):
                continue
            rest = text[_length_of(text, label):]
            if rest and not re.match(r"\s*[:\-\u2013\u2014]|\s", rest):
                continue  # 'Awarded ...' is not the label 'Award'
            value = re.sub(r"^\s*[:\-\u2013\u2014]?\s*", "", rest).strip()
            if value:
                found[role] = (value, number)
            break
    return found


def _length_of(text: str, label: str) -> int:
    """How many characters of `text` (as written) its folded beginning `label` takes ('Période' for 'periode')."""
    return next((end for end in range(len(label), len(text) + 1) if fold(text[:end]) == label), len(label))
