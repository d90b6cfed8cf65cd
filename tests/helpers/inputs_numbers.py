"""Inputs written with decimal commas and day-first dates, as the country offices and the global team send
them (issue 14): a semicolon CSV from the global team (every cell text) and a workbook whose numbers and dates
are text cells. English headers: the vocabularies of other languages are another part's."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from etl import spec

NBSP, NARROW_NBSP = "\u00a0", "\u202f"


def _header(kind: str) -> list[str]:
    return [c.header for c in spec.ALL_SHEETS_BY_KIND[kind].columns]


def _row(kind: str, values: dict) -> list:
    return [values.get(c.key) for c in spec.ALL_SHEETS_BY_KIND[kind].columns]


GLOBAL_TEAM_EXPENDITURE = [  # rows 2-6 of the CSV
    dict(country="GLOBAL", output_code="Output 5", agency="IOM", programme_year="2015", budget="1 234 567,89",
         received=f"1{NBSP}000{NBSP}000", expenditure=f"987{NARROW_NBSP}654,32", currency="USD"),
    dict(country="GLOBAL", output_code="Output 6", agency="UNDP", programme_year="2015", budget="50.000",
         received="12.500,5", expenditure="0,45", currency="USD"),
    dict(country="GLOBAL", output_code="Output 7", agency="UNDP", programme_year="2015", budget="2 500,00",
         received="2 500", expenditure="1 250", currency="USD"),
    dict(country="GLOBAL", output_code="Output 5", agency="UNDP", programme_year="2016", budget="1,234.5",
         received="0", expenditure="0", currency="USD"),
    dict(country="GLOBAL", output_code="Output 6", agency="IOM", programme_year="2016", budget="7.000.000",
         received="3.000.000", expenditure="2.999.999,99", currency="CHF"),
]


def global_team_csv(path: Path) -> Path:
    """Expenditure by the global team: semicolon-separated, decimal commas, thousands by spaces (plain and
    no-break) or dots; '50.000' reads two ways; '1,234.5' is impossible among decimal commas."""
    lines = [";".join(_header("expenditure"))]
    for values in GLOBAL_TEAM_EXPENDITURE:
        lines.append(";".join("" if cell is None else str(cell) for cell in _row("expenditure", values)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def country_report_xlsx(path: Path) -> Path:
    """A country's report whose numbers and dates are text cells: a results matrix with decimal commas
    (0,450 / 0,600 / 0,525), a work plan whose budgets are written Spanish-style ('12.500' is twelve
    thousand five hundred: '3.200,50' in the same column shows the decimal comma) and milestones with
    day-first dates."""
    workbook = Workbook()
    results = workbook.active
    results.title = "Results matrix"
    results.append(_header("results"))
    share = dict(output_code="Output 1", indicator_code="1.1", indicator_title="Share of municipalities with a "
                 "migration focal point", unit="ratio", direction="higher is better", country="Jamaica",
                 baseline="0,450", baseline_year=2013, end_target="0,700")
    trained = dict(output_code="Output 1", indicator_code="1.2", indicator_title="People trained on migration "
                   "mainstreaming", unit="people", direction="higher is better", country="Jamaica", baseline="0",
                   baseline_year=2013, end_target="2.000")
    results.append(_row("results", share | dict(period="2014/15 H1", target="0,600", actual="0,525")))  # row 2
    results.append(_row("results", share | dict(period="2014/15 H2", target="0,650", actual="0,61")))  # row 3
    results.append(_row("results", trained | dict(period="2014/15 H1", target="1.250", actual="1.100")))  # row 4
    results.append(_row("results", trained | dict(period="2014/15 H2", target="2.5", actual="1.900")))  # row 5
    plan = workbook.create_sheet("Work plan")
    plan.append(_header("workplan"))
    activity = dict(output_code="Output 1", country="Serbia", lead_agency="UNDP", planned_start="Q1 2015",
                    planned_end="Q4 2015", status="ongoing", currency="USD")
    plan.append(_row("workplan", activity | dict(activity_code="1.1.1", activity_title="National launch event",
                                                 percent_complete="12,5", budget="12.500")))  # row 2
    plan.append(_row("workplan", activity | dict(activity_code="1.1.2", activity_title="Stakeholder mapping",
                                                 percent_complete="40", budget="3.200,50")))  # row 3
    plan.append(_row("workplan", activity | dict(activity_code="1.1.3", activity_title="Training of focal points",
                                                 budget="1.000")))  # row 4
    milestones = workbook.create_sheet("Milestones")
    milestones.append(_header("milestones"))
    milestones.append(_row("milestones", dict(country="Jamaica", milestone="Government endorsement",
                                              category="inception", due_date="13/04/2015",
                                              achieved_date="03/04/2015")))  # row 2
    milestones.append(_row("milestones", dict(country="Jamaica", milestone="National launch event",
                                              category="inception", due_date="03/05/2015")))  # row 3
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def indicator_table_xlsx(path: Path) -> Path:
    """An indicator tracking table with implausible values: a negative count of communes (typed with the
    minus sign U+2212), a percentage above 100, a value without a unit written with a percent sign, text
    where a number is expected, and a negative change (a measure, which may be negative)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "KPI table"
    sheet.append(["Morocco: indicator tracking table 2015"])
    sheet.append(["Indicator", "Unit", "Baseline", "Target", "Actual"])
    sheet.append(["Communes with a migration focal point", "communes", 0, 12, "\u22124"])  # row 3
    sheet.append(["Share of communes with a local plan", "%", "10 %", "60 %", "120 %"])  # row 4
    sheet.append(["Migrants reached by the information campaign", None, "0", "40%", "35%"])  # row 5
    sheet.append(["Local plans adopted", "plans", 0, 5, "ongoing"])  # row 6
    sheet.append(["Change in the migration governance index", "index", 0, "2,5", "-1,5"])  # row 7
    sheet.append(["Meetings held", None, 0, 4, -2])  # row 8
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
