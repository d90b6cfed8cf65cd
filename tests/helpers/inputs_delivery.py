"""Delivery reports as a UNDP country office exports them, written here (never copied): a Combined Delivery
Report (CDR) from Jamaica with a title block, account lines, Excel's 'ACTIVITY1 Total' subtotals, a grand
total and commitments, as xlsx (openpyxl) or CSV; its mapping file; an ERP export of lines; and variants
that must fail (a grand total or a subtotal that does not match, an activity without an output)."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

AWARD = "00081234"
TITLE = [
    ["Combined Delivery Report by Activity"],
    ["Operating Unit: Jamaica"],
    [f"Award: {AWARD} – Mainstreaming Migration into National Development Strategies"],
    ["Period: Jan–Dec 2016"],
    ["Currency: USD"],
    [],
]
HEADER = ["Activity", "Fund", "Donor", "Account", "Account Description", "Budget", "Expenditures", "Commitments",
          "Total (Expenditures + Commitments)", "Balance"]
# (activity, account, description, budget, expenditures, commitments)
LINES = {
    "ACTIVITY1": [("71200", "International Consultants", 20000, 15000.50, 2000),
                  ("71600", "Travel", 5000, 4200.25, 0),
                  ("74500", "Miscellaneous Expenses", 1000, 310, 0)],
    "ACTIVITY2": [("72100", "Contractual Services-Companies", 30000, 28000, 1500),
                  ("75700", "Training, Workshops and Conferences", 12000, 11250.75, 0)],
    "ACTIVITY3": [("71300", "Local Consultants", 8000, 6500, 1000)],
}
FIRST_LINE_ROW = len(TITLE) + 2  # row 8: the header is row 7
MAPPING = [("activity", "output", "agency"), ("ACTIVITY1", "1", ""), ("ACTIVITY2", "Output 1", ""),
           ("ACTIVITY3", "5", "UNDP")]


def cdr_rows(lines: dict = LINES, subtotal_label: str = "{} Total", grand_total: tuple | None = None,
             subtotal_change: dict[str, float] | None = None) -> list[list]:
    """The report's rows: title block, header, each activity's account lines and subtotal, the grand total.
    `grand_total`: (budget, expenditures) to write instead of the true sums; `subtotal_change`: activity ->
    an amount added to its subtotal's expenditures."""
    rows = [list(row) for row in TITLE] + [list(HEADER)]
    sums = [0.0, 0.0, 0.0]
    for activity, its_lines in lines.items():
        activity_sums = [0.0, 0.0, 0.0]
        for account, description, budget, spent, committed in its_lines:
            rows.append([activity, "30000", "00012", account, description, budget, spent, committed,
                         spent + committed, budget - spent - committed])
            activity_sums = [a + b for a, b in zip(activity_sums, (budget, spent, committed))]
        budget, spent, committed = activity_sums
        spent += (subtotal_change or {}).get(activity, 0)
        label = subtotal_label.format(activity)
        rows.append([label, None, None, None, None, budget, spent, committed, spent + committed,
                     budget - spent - committed] if label.strip() != "Total" else
                    [None, None, None, None, label, budget, spent, committed, spent + committed,
                     budget - spent - committed])
        sums = [a + b for a, b in zip(sums, activity_sums)]
    budget, spent, committed = sums
    if grand_total is not None:
        budget, spent = grand_total
    rows.append(["Grand Total", None, None, None, None, budget, spent, committed, spent + committed,
                 budget - spent - committed])
    return rows


def write_cdr_xlsx(path: Path, rows: list[list] | None = None, sheet_title: str = "CDR") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows if rows is not None else cdr_rows():
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["" if cell is None else cell for cell in row] for row in rows])
    return path


def write_cdr_csv(path: Path, rows: list[list] | None = None) -> Path:
    return write_csv(path, rows if rows is not None else cdr_rows())


def write_mapping(folder: Path, award: str = AWARD, lines: list[tuple] = MAPPING) -> Path:
    return write_csv(folder / f"{award}.outputs.csv", [list(line) for line in lines])


def erp_rows() -> list[list]:
    """An ERP export of the same lines: no title block, no subtotals; award, country, year and currency on
    every line; expenditures as 'Amount'."""
    rows = [["Operating Unit", "Award", "Activity", "Account", "Fiscal Year", "Currency", "Budget", "Amount"]]
    for activity, its_lines in LINES.items():
        for account, _, budget, spent, _ in its_lines:
            rows.append(["Jamaica", AWARD, activity, account, 2016, "USD", budget, spent])
    return rows
