"""Workbooks laid out as country offices and the global team make them (issue 14, items 3 and 5): title
blocks above the header and stacked headers, written with openpyxl here, never copied from anywhere."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

PROGRAMME_TITLE = ("IOM-UNDP Joint Global Programme on Mainstreaming Migration into National Development "
                   "Strategies – Annual Work Plan 2015")
INDICATOR_1 = "Number of National Project Board meetings held"
INDICATOR_2 = "Number of government officials trained on migration mainstreaming"
IDENTITY = ["Output", "Indicator code", "Indicator", "Unit", "Direction"]
BANGLADESH_ROWS = [  # identity, baseline value and year, then 2015 target and actual, 2016 target and actual
    ["Output 1", "1.1", INDICATOR_1, "meetings", "higher is better", 0, 2014, 2, 2, 4, None],
    ["Output 1", "1.2", INDICATOR_2, "officials", "higher is better", 5, 2014, 20, 18, 40, 35],
]


def _save(workbook: Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def bangladesh_stacked_matrix(path: Path) -> Path:
    """A results matrix with a two-row header: identity headers merged down both rows, 'Baseline' merged
    over 'Value' and 'Year', '2015' and '2016' each merged over 'Target' and 'Actual'; its country in a
    title row, and no Country or Period column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Matriz BGD"
    sheet.append(["Results matrix 2015-2016"])
    sheet.append(["Country: Bangladesh"])
    sheet.append([])
    sheet.append(IDENTITY + ["Baseline", None, "2015", None, "2016", None])
    sheet.append([None] * 5 + ["Value", "Year", "Target", "Actual", "Target", "Actual"])
    for column in "ABCDE":
        sheet.merge_cells(f"{column}4:{column}5")
    for span in ("F4:G4", "H4:I4", "J4:K4"):
        sheet.merge_cells(span)
    for row in BANGLADESH_ROWS:
        sheet.append(row)
    return _save(workbook, path)


def bangladesh_one_row_matrix(path: Path) -> Path:
    """The same matrix with one header row: 'Baseline value', 'Baseline year', '2015 Target', '2015 Actual',
    'Target 2016', 'Actual 2016'."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Matriz BGD"
    sheet.append(["Country: Bangladesh"])
    sheet.append(IDENTITY + ["Baseline value", "Baseline year", "2015 Target", "2015 Actual", "Target 2016",
                             "Actual 2016"])
    for row in BANGLADESH_ROWS:
        sheet.append(row)
    return _save(workbook, path)


def programme_work_plan(path: Path, country_column: bool = False, country_row: str | None = None,
                        title: str = PROGRAMME_TITLE) -> Path:
    """A work plan whose title row names the programme (its 'Global' must not make it GLOBAL); with a
    Country column, or a title row such as 'Country: Ecuador', or neither."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "AWP"
    sheet.append([title])
    if country_row:
        sheet.append([country_row])
    sheet.append([])
    sheet.append((["Country"] if country_column else []) + ["Expected Outputs", "Planned Activities", "Q1", "Q2",
                                                             "Q3", "Q4", "Responsible Party", "Amount"])
    country = ["Ecuador"] if country_column else []
    sheet.append(country + ["Output 1", "1.1 Consultations with the Government", "X", None, None, None, "UNDP",
                            "$10,000"])
    sheet.append(country + ["Output 2", "2.1 Migration profile", None, "X", "X", None, "IOM", 25000])
    return _save(workbook, path)


def expenditure_with_title_block(path: Path) -> Path:
    """Expenditure with 'Country: Jamaica', 'Period: Jan–Dec 2016' and 'Currency: USD' title rows, and no
    Country, Programme year or Currency column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Expenses"
    sheet.append(["Operating Unit: Jamaica"])
    sheet.append(["Period: Jan–Dec 2016"])
    sheet.append(["Currency: USD"])
    sheet.append([])
    sheet.append(["Output", "Agency", "Budget", "Expenditure"])
    sheet.append(["Output 1", "UNDP", 50000, 41000.5])
    sheet.append(["Output 2", "IOM", 30000, 12000])
    return _save(workbook, path)


def expenditure_disagreeing_with_its_title(path: Path) -> Path:
    """Expenditure whose title says 'Currency: USD' and 'Country: Jamaica', with Currency and Country columns
    of which one row says otherwise in each."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Expenses"
    sheet.append(["Country: Jamaica", None, "Currency: USD"])
    sheet.append(["Country", "Output", "Agency", "Programme year", "Budget", "Currency"])
    sheet.append(["Jamaica", "Output 1", "UNDP", 2016, 50000, "USD"])
    sheet.append(["Serbia", "Output 1", "IOM", 2016, 20000, "USD"])
    sheet.append(["Jamaica", "Output 2", "IOM", 2016, 30000, "EUR"])
    return _save(workbook, path)


def bangladesh_long_matrix(path: Path) -> Path:
    """The same values in the template's long layout: one row per indicator and period."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Results matrix"
    sheet.append(IDENTITY + ["Country", "Baseline", "Baseline year", "Period", "Period target", "Period actual"])
    for period, first in (("2015/16 H2", 7), ("2016/17 H2", 9)):
        for row in BANGLADESH_ROWS:
            sheet.append(row[:5] + ["Bangladesh", row[5], row[6], period, row[first], row[first + 1]])
    return _save(workbook, path)


def template_expenditure_under_a_title(path: Path) -> Path:
    """The template's own Expenditure sheet, every column there, under a 'Currency: USD' title row: one row
    in EUR disagrees with it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Expenditure"
    sheet.append(["Currency: USD"])
    sheet.append(["Country", "Output", "Agency", "Programme year", "Budget", "Funds received", "Expenditure",
                  "Currency"])
    sheet.append(["Serbia", "Output 1", "UNDP", 2015, 1000, 800, 700, "USD"])
    sheet.append(["Serbia", "Output 2", "IOM", 2015, 2000, 1500, 900, "EUR"])
    return _save(workbook, path)


def matrix_with_a_year_outside_the_programme(path: Path) -> Path:
    """A wide matrix whose headers name 2015 and 2030 (a year the programme does not have)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "KPI"
    sheet.append(IDENTITY + ["Country", "2015 Target", "2015 Actual", "2030 Target"])
    sheet.append(BANGLADESH_ROWS[0][:5] + ["Bangladesh", 2, 2, 10])
    return _save(workbook, path)


def expenditure_by_year(path: Path, stacked: bool = True) -> Path:
    """Expenditure with one Budget and Expenditure column per programme year: '2015' and '2016' merged over
    'Budget' and 'Expenditure' (or 'Budget 2015', 'Expenditure 2015', ... in one row), its title naming 2016;
    output 2 has no 2016 figures, output 3 none at all."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Expenses"
    for row in (["Operating Unit: Jamaica"], ["Period: Jan–Dec 2016"], ["Currency: USD"], []):
        sheet.append(row)
    if stacked:
        sheet.append(["Output", "Agency", "2015", None, "2016", None])
        sheet.append([None, None, "Budget", "Expenditure", "Budget", "Expenditure"])
        for span in ("C5:D5", "E5:F5", "A5:A6", "B5:B6"):
            sheet.merge_cells(span)
    else:
        sheet.append(["Output", "Agency", "Budget 2015", "Expenditure 2015", "Budget 2016", "Expenditure 2016"])
    for row in (["Output 1", "UNDP", 50000, 41000.5, 60000, 30000], ["Output 2", "IOM", 30000, 12000, None, None],
                ["Output 3", "IOM", None, None, None, None]):
        sheet.append(row)
    return _save(workbook, path)
