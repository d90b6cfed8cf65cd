"""The board pack's "Changes since the last pack": what changed between the build the previous pack was made
from and this pack's (mm_core/changes.py, etl/diff.py), as a section the workbook, the PDF and the slides draw."""

from __future__ import annotations

import pandas as pd

from mm_core.changes import SincePack

from .content import Column, Section, Table

SHEET = "Changes"
TITLE = "Changes since the last pack"
# The diff's columns (in words already) and how each is drawn: kind, width. Columns not listed are text.
KINDS = {"Before": ("number", 10), "Now": ("number", 10), "Row": ("int", 6), "Programme year": ("label", 10),
         "Planned start before": ("date", 11), "Planned end before": ("date", 11),
         "Planned start now": ("date", 11), "Planned end now": ("date", 11),
         "Period before": ("label", 10), "Period now": ("label", 10), "Period": ("label", 10),
         "Status before": ("status", 11), "Status now": ("status", 11), "Field": ("label", 9),
         "Change": ("label", 12), "Indicator": ("label", 9), "Activity": ("label", 9), "Country": ("label", 8),
         "Output": ("label", 7), "Agency": ("label", 8), "Line": ("text", 10), "Sheet": ("text", 14),
         "Column": ("text", 14), "Title": ("text", 30), "Problem": ("text", 40), "Source file": ("text", 18),
         "File": ("text", 18), "Submitted by": ("text", 18), "Status": ("label", 11)}
USD = ("(USD)",)


def section(since: SincePack) -> Section:
    """The section: its sentence as the intro, a count per kind of change, then a table per kind that has any."""
    if since.changes is None:
        return Section(SHEET, TITLE, since.sentence, [Table("Changes by kind", pd.DataFrame({"change": [], "count": []}),
                                                            [Column("change", "Change", "label", 50),
                                                             Column("count", "Count", "int", 10)])])
    parts = since.changes.sections()
    counts = pd.DataFrame({"change": [part.title for part in parts], "count": [len(part.frame) for part in parts]})
    tables = [Table("Changes by kind", counts, [Column("change", "Change", "label", 50),
                                                Column("count", "Count", "int", 10)])]
    for part in parts:  # a kind with no change is said by its count of 0 alone
        if len(part.frame):
            tables.append(Table(part.title, part.frame, [_column(name) for name in part.frame.columns]))
    return Section(SHEET, TITLE, since.sentence, tables)


def _column(name: str) -> Column:
    if name.endswith(USD):
        return Column(name, name, "usd", 12)
    kind, width = KINDS.get(name, ("text", 14))
    return Column(name, name, kind, width)
