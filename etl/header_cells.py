"""The header cells of a sheet: one header row, or a group row over sub-headers (a stacked header), and the
periods headers name.

In a stacked header a group cell ('Baseline', '2015') stands over its sub-headers ('Value', 'Year';
'Target', 'Actual'): merged across them, or followed by empty cells (a merged cell reads as its first cell
and empty ones). Each column then reads as its combined name ('Baseline · Value') and, failing that, as its
sub-header alone; a header merged down both rows ('Indicator') reads as itself. A header naming a period
('2015 · Target', '2015 Target', 'Target 2015', 'Target (2015/16 H1)') is that column with its values of that
period (`split_period`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .languages import fold
from .parse import clean_text, is_blank

GROUP_SEPARATOR = " · "
PERIOD_TOKEN = re.compile(r"(?i)(?<![\w/])(\d{4}(?:\s*/\s*\d{2,4})?(?:\s*-?\s*[hq]\s*[1-4])?"
                          r"|[hq]\s*[1-4]\s*-?\s*\d{4}(?:\s*/\s*\d{2,4})?)(?![\w/])")


@dataclass(frozen=True)
class HeaderCell:
    position: int
    text: str  # as shown in messages: 'Baseline · Value', 'Indicator'
    names: tuple[str, ...]  # what it is matched as, normalised, the first tried first
    sub: Any  # the cell of the lower header row (the only one of a single header row)


def normalise_header(text: Any) -> str:
    """A header as names are compared: accents, case, spaces and a trailing '*' or ':' ignored."""
    return fold(str(text).replace("_", " ")).rstrip(" *:").strip()


def single_row(row: list[Any]) -> dict[int, HeaderCell]:
    return {position: HeaderCell(position, clean_text(cell), (normalise_header(cell),), cell)
            for position, cell in enumerate(row) if not is_blank(cell)}


def group_labels(top: list[Any], sub: list[Any], spans: dict[int, int] | None = None) -> dict[int, str]:
    """The group label standing over each position: a top cell over its own position and, rightwards, over
    the positions its merged range covers (`spans`: first column -> last column of the top row's merged
    ranges) or, where it is not merged, over the empty top cells with a sub-header under them."""
    spans = spans or {}
    labels: dict[int, str] = {}
    current, start = None, None
    for position in range(max(len(top), len(sub))):
        above = top[position] if position < len(top) else None
        below = sub[position] if position < len(sub) else None
        if not is_blank(above):
            current, start = clean_text(above), position
            labels[position] = current
        elif current is not None and (position <= spans[start] if start in spans
                                      else not is_blank(below)):
            labels[position] = current
        else:
            current = None
    return labels


def is_group_row(top: list[Any], sub: list[Any], spans: dict[int, int] | None = None) -> bool:
    """Whether `top` is a group row over `sub`: a group cell stands over two sub-headers or more."""
    labels = group_labels(top, sub, spans)
    return any(position not in range(len(top)) or is_blank(top[position]) for position in labels
               if position < len(sub) and not is_blank(sub[position]))


def stacked_rows(top: list[Any], sub: list[Any], spans: dict[int, int] | None = None) -> dict[int, HeaderCell]:
    labels = group_labels(top, sub, spans)
    cells = {}
    for position in range(max(len(top), len(sub))):
        below = sub[position] if position < len(sub) else None
        group = labels.get(position)
        if not is_blank(below):
            text = clean_text(below)
            if group is None:
                cells[position] = HeaderCell(position, text, (normalise_header(below),), below)
            else:
                cells[position] = HeaderCell(position, f"{group}{GROUP_SEPARATOR}{text}",
                                             (normalise_header(f"{group} {text}"), normalise_header(below)), below)
        elif group is not None and position < len(top) and not is_blank(top[position]):
            cells[position] = HeaderCell(position, group, (normalise_header(group),), None)  # merged down
    return cells


def split_period(name: str) -> tuple[str, str] | None:
    """(the period a normalised header name names, the name without it): '2015 target' -> ('2015',
    'target'); 'target (2015/16 h1)' -> ('2015/16 h1', 'target'); None without a period or a name."""
    found = list(PERIOD_TOKEN.finditer(name))
    if len(found) != 1:
        return None
    rest = name[:found[0].start()] + " " + name[found[0].end():]
    rest = " ".join(re.sub(r"[()\[\]·:,/–—-]", " ", rest).split())
    return (" ".join(found[0].group(1).split()), rest) if rest else None


def merged_spans(merged, row_index: int) -> dict[int, int]:
    """First column -> last column of the merged ranges starting in row `row_index` (0-based ranges as
    python-calamine gives them)."""
    return {first_column: last_column for (first_row, first_column), (_, last_column) in merged or ()
            if first_row == row_index}
