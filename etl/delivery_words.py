"""The words of a delivery report (a UNDP Combined Delivery Report, or an ERP export of its lines), read from
data/reference/delivery_report.csv (`role,word`, one line per word: add a line to teach the ETL a header, a
title label or a total label, no code needed): which header row makes a sheet a delivery report, which
labels of its title block give its country, award, period, currency and agency, and which labels mark its
subtotal and grand-total rows. The reading itself is in etl/delivery_report.py; this module knows only the
words, so that etl/layout.py can recognise a delivery report's header without importing the reader.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .reference import REFERENCE_DIR, reference_dir

VOCABULARY_FILE = "delivery_report.csv"
# A mapping file (activity -> output) for award A is named A + this suffix (00081234.outputs.csv), beside the
# report or in data/reference/delivery/ (etl/delivery_mapping.py); such files are never read as inputs.
MAPPING_SUFFIX = ".outputs.csv"
# Header roles: a header row naming an activity, an account and an expenditure column is a delivery report.
REQUIRED_ROLES = ("activity", "account", "expenditure")
COLUMN_ROLES = ("activity", "account", "account_description", "fund", "donor", "department", "implementing_agent",
                "budget", "expenditure", "commitments", "total", "balance", "award", "country", "year", "currency")
TITLE_ROLES = ("title_country", "title_award", "title_period", "title_currency", "title_agency")
HEADER_SEARCH_ROWS = 30  # as etl/layout.py: the header is one of the first 30 rows


def normalise(text: Any) -> str:
    """A header or label as compared: spaces collapsed, case folded, a trailing ':' or '*' dropped."""
    text = " ".join(str(text).replace("_", " ").split()).casefold()
    return text.rstrip(" *:").strip()


@dataclass(frozen=True)
class Vocabulary:
    words: dict[str, tuple[str, ...]]  # role -> words as written in the file
    source: Path

    def of(self, role: str) -> set[str]:
        return {normalise(word) for word in self.words.get(role, ())}

    @property
    def default_agency(self) -> str | None:
        agencies = self.words.get("default_agency", ())
        return agencies[0] if agencies else None


def vocabulary_path() -> Path:
    """The vocabulary in the reference folder in use ($MM_REFERENCE_DIR), else the one shipped."""
    configured = reference_dir() / VOCABULARY_FILE
    return configured if configured.exists() else REFERENCE_DIR / VOCABULARY_FILE


def load_vocabulary() -> Vocabulary:
    path = vocabulary_path()
    return _read_vocabulary(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _read_vocabulary(path: Path, _stamp: int) -> Vocabulary:
    words: dict[str, list[str]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            role, word = (row.get("role") or "").strip(), (row.get("word") or "").strip()
            if role and word:
                words.setdefault(role, []).append(word)
    return Vocabulary({role: tuple(found) for role, found in words.items()}, path)


def match_header(row: list[Any], vocabulary: Vocabulary) -> dict[str, int] | None:
    """Role -> position of a delivery report's header row, or None when `row` is not one."""
    cells = {position: normalise(cell) for position, cell in enumerate(row) if cell is not None and str(cell).strip()}
    found: dict[str, int] = {}
    for role in COLUMN_ROLES:
        words = vocabulary.of(role)
        position = next((p for p, text in cells.items() if text in words and p not in found.values()), None)
        if position is not None:
            found[role] = position
    return found if all(role in found for role in REQUIRED_ROLES) else None


def find_header(rows: list[list[Any]], vocabulary: Vocabulary | None = None) -> tuple[int, dict[str, int]] | None:
    """(row index, role -> position) of the first of the first 30 rows that is a delivery report's header."""
    vocabulary = vocabulary or load_vocabulary()
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = match_header(row, vocabulary)
        if found is not None:
            return index, found
    return None


def title_values(title_rows: list[list[Any]], vocabulary: Vocabulary) -> dict[str, tuple[str, int]]:
    """Title role -> (the value written after its label, row number): 'Operating Unit: Jamaica' in one cell,
    or the label in one cell and the value in the next."""
    found: dict[str, tuple[str, int]] = {}
    labels = sorted(((normalise(word), role) for role in TITLE_ROLES for word in vocabulary.words.get(role, ())),
                    key=lambda pair: len(pair[0]), reverse=True)
    for number, row in enumerate(title_rows, start=1):
        text = " ".join(" ".join(str(cell).split()) for cell in row if cell is not None and str(cell).strip())
        folded = text.casefold()
        for label, role in labels:
            if role in found or not folded.startswith(label):
                continue
            rest = text[len(label):]
            if rest and not re.match(r"\s*[:\-\u2013\u2014]|\s", rest):
                continue  # 'Awarded ...' is not the label 'Award'
            value = re.sub(r"^\s*[:\-\u2013\u2014]?\s*", "", rest).strip()
            if value:
                found[role] = (value, number)
            break
    return found
