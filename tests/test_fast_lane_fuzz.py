"""The fast lane (etl/columnar.py) against the per-cell path on randomised inputs: the same workbooks and CSV
files must give the same database either way (every table, rejected row, warning and load_log count).

`test_random_inputs_give_the_same_database_either_way` generates, from a fixed seed, template workbooks
(etl.templates.write_template) and CSV files holding adversarial values for every column kind: amounts
with many decimals or near the fast lane's limits, numbers typed as text, whitespace oddities, markers
('N/A', 'null'), dates in and out of range, text dates, codes in other cases, total rows, blank and
whitespace-only rows, hidden rows, rows above the header, extra columns, duplicates within and across
files and indicators whose attributes change between periods. Workbook columns are kept single-typed
most of the time, so that fastexcel's strict typing keeps the sheet in the fast lane (CSV columns are
all text, so any text oddity stays in it); each case checks that the fast lane read some of its rows.

The random cases leave out the inputs of the mismatches found by this fuzzing (a 'nan' or '<NA>' text
beside numbers, times of day, dates past 9999, whole numbers past 2^31); each mismatch has its own test
below; the one accepted difference has a test that pins it down.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from etl import spec
from etl.load import run_load
from etl.reference import load_reference
from etl.templates import write_template

from .helpers.lanes import assert_same, contents, load_both
from .helpers.paths import SAMPLE_AS_OF

pytestmark = pytest.mark.slow  # a fuzz sweep: 56 cases, each loading both lanes (about 90 s)

NUMERIC_KINDS = {spec.NUMBER, spec.MONEY, spec.PERCENT, spec.YEAR, spec.PROGRAMME_YEAR, spec.WHOLE_NUMBER}
DATE_KINDS = {spec.DATE, spec.MONTH_START, spec.MONTH_END}
FAST = re.compile(r"validating ([\d,]+) rows \(column by column\)")
SLOW = re.compile(r"validating ([\d,]+) rows$")

# Values of a column of numbers in a workbook (floats and ints only, so the column stays single-typed).
AMOUNTS = [1000, 1234.5, 2.675, 0.125, 1234.5649999999998, 0.1 + 0.2, 1e-7, 9.99e15, 1e13 - 0.5, 1e13 + 0.5, 1e13,
           9999999999999.99, 9999999999999.995, -0.0, -5, 0, 1e16, 1e17, 123.456, 0.005, 0.015, 1.005, 2 ** 53,
           2 ** 53 + 1, 1e300, 5e-324, 45000.55, 99.99, 10.01, 0.29, 1e12 + 0.01, 7.5, 55.5, 100, 100.0000001, 101,
           -1, 0.5, 12345678.9, 3.14159265358979]
# Markers typed into a column of numbers: fastexcel reads them as empty, so the sheet goes cell by cell.
# ('nan', 'NaN', '<NA>' and a rich-text 'N/A' are left out: see the regression tests below.)
NUMBER_MARKERS = ["N/A", "n/a", "null", "None", "#N/A", "NA", "NULL", "TBD", "-"]
# Numbers as text: a whole workbook column of them, or any CSV cell.
NUMBER_TEXTS = ["12,500", "$1,200", "1e5", " 12 ", "(300)", "12.5", "0012", "-0", "1,000.005", "12.345", "", "  ",
                "\u00a0", "50%", "40 %", "USD 1,000", "1 000 EUR", "€5", "1'000", "١٢٣", "12.", ".5", "+5", "\u22125",
                "1.5e3", "inf", "nan", "NaN", "<NA>", "Infinity", "1" * 400, "9999999999999.99", "99999999999999.5",
                "0.125", "100", "45000.55", "0.29", "1000000", "9" * 20, "0.1", "1.10", "00.50", "2.675",
                "12\u00a0500", "1 000", "#DIV/0!", "- 5", "5-", "0x10", "1_000", "12,5", "100.00", "99.999",
                "2014/15", "2014-15", "2014/2015", "2014 / 15", "2014/16", " 2015 ", "2014.0", "2013", "1.", "2.0",
                "N/A", "n/a", "null", "None", "#N/A", "TBD", "-", "Pending"]
ODD_TEXTS = ["  spaced   out ", "tab\there", "nbsp\u00a0x", "\u2003em space", " lead", "trail ", "", " ", "\u00a0",
             "double  space", "unicode é ü 中文", "line\nbreak", "cr\rcr", "'quoted'", '"dq"', "12,500", "1e5", "Total",
             "Grand total (USD)", "Sub-total", "ok", "\u200bzw", "A\u3000B", "N/A", "n/a", "null", "None", "#N/A",
             "NA", "nan", "NaN", "NULL", "<NA>", "TBD", "Pending", "-"]
NAN_TEXTS = {"nan", "NaN", "-nan", "-NaN", "<NA>"}
CSV_ONLY_TEXTS = ["\x1c", "a\x1cb", "a\x00b", "\x0bx\x0c", "a\u2028b", "a\x85b"]  # not writable into a workbook
TEXT_NUMBERS = [1.1, 2.0, 1e20, 0.1 + 0.2, -0.0, 1e-7, 123456789.123456, 3, 1.10, 2 ** 53 + 1, 12345678901234567890]
TEXT_DATES = ["2014-06-30", "30/06/2014", "Q2 2014", "Jun 2014", "2014-06", "June 2014", "2031-01-01", "1990-01-01",
              "2014-06-30T00:00:00", "2014-06-30 12:00:00", "06/30/2014", "31.12.2015", "2014-02-30", "q3-2015",
              "2015 Q1", "Dec. 2016", "1 Feb 2014", " 2014-06-30 ", "2014/06/30", "2014-6", "Feb 2014", "N/A", "",
              "tomorrow", "2014-13", "03/04/2014", "Sept 2014", "2016-02-29", "2015-02-29"]
# Excel serial numbers under a date format: none below 1 (a time of day) nor past 9999 (regression tests).
DATE_SERIALS = [41640, 41640.5, 42000, 42433.520833333336, 1.5, 60, 61, 1, 2958465]
ODD_DATES = [dt.date(1990, 5, 5), dt.date(2031, 1, 1), dt.date(2010, 12, 31), dt.date(2019, 2, 1), dt.date(2011, 1, 1),
             dt.date(2019, 1, 31), dt.datetime(2019, 1, 31, 23, 59), dt.datetime(2010, 12, 31, 23, 59, 59),
             dt.date(1900, 1, 15), dt.date(1900, 3, 1), dt.datetime(2016, 3, 4, 12, 30), dt.date(9999, 12, 31)]
COUNTRIES = ["Jamaica", "JAM", "jamaica", "Serbia", "SRB", "Kyrgyzstan", "Tunisia", "Ecuador", "Morocco", "Moldova",
             "Republic of Moldova", "Bangladesh", "BGD", "Kyrgyz Republic"]
BAD_COUNTRIES = ["France", " Jamaica ", "\u00a0JAM", "jam", "GLOBAL", "global", "Total", "N/A", "Jamaica ", "",
                 "United States", "Moldova (Republic of)"]
COUNTRY_OUTPUTS = ["Output 1", "Output 2", "Output 3", "Output 4", "1", "O2", "output 3", "Output 1: Key migration"]
GLOBAL_OUTPUTS = ["Output 5", "Output 6", "Output 7", "5", "output 6"]
BAD_OUTPUTS = ["Output 8", "1.1", "Output", "Output 0", " Output 2 ", "N/A", "Out 3", "O 4", "Output 01"]
PERIODS = ["2014/15 H1", "2014/15 H2", "2015/16 H1", "2015/16 H2", "2016/17 H1", "2016/17 H2", "2017/18 H1",
           "2017/18 H2"]
BAD_PERIODS = ["2014/15 h2", "H1 2015/16", "2015-16 H1", "2018/19 H1", "2014/16 H1", "2013/14 H2", "2014/15",
               "2014/2015 H1", " 2016/17 H2 ", "N/A"]
CURRENCIES = ["USD", "EUR", "CHF", "RSD", "JMD", "KGS", "MDL", "TND", "MAD", "BDT"]
BAD_CURRENCIES = ["usd", " EUR ", "XXX", "GBP", "us$", "", "N/A", "Usd", "eur"]
INDICATOR_ATTRIBUTES = ("output_code", "indicator_title", "unit", "direction", "baseline", "baseline_year",
                        "baseline_adjusted", "end_target")


def _day(rng: random.Random) -> dt.date:
    return dt.date.fromordinal(rng.randint(dt.date(2011, 1, 1).toordinal(), dt.date(2019, 1, 31).toordinal()))


def _date(rng: random.Random, bad: bool) -> dt.date:
    day = _day(rng)
    if not bad or rng.random() < 0.5:
        return day if rng.random() < 0.7 else dt.datetime.combine(day, dt.time(0, 0))
    if rng.random() < 0.5:  # a time of day, to the millisecond (what both readers keep)
        return dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                                                rng.choice([0, 500_000, 123_000, 999_000])))
    return rng.choice(ODD_DATES)


class Column:
    """Values for one column of one sheet. In a workbook a column keeps one type family ('number',
    'text', 'date' or 'boolean'), so that fastexcel's strict typing keeps the sheet in the fast lane;
    now and then a column mixes them, which sends the sheet cell by cell (and must change nothing)."""

    def __init__(self, rng: random.Random, column: spec.Column, csv_file: bool, bad_share: float):
        self.rng, self.column, self.csv, self.bad_share = rng, column, csv_file, bad_share
        self.family = "text" if csv_file else self._family()

    def _family(self) -> str:
        rng, kind, key = self.rng, self.column.kind, self.column.key
        if rng.random() < 0.01:
            return "mixed"
        r = rng.random()
        if kind in NUMERIC_KINDS:
            return "number" if r < 0.8 else "text" if r < 0.95 else rng.choice(["date", "boolean"])
        if kind in DATE_KINDS:
            return "date" if r < 0.75 else "text" if r < 0.9 else "number"
        if kind == spec.TEXT and key in ("indicator_code", "activity_code", "line"):
            return "number" if r < 0.3 else "text"
        if kind == spec.TEXT:
            return "text" if r < 0.9 else rng.choice(["number", "date", "boolean"])
        if kind == spec.OUTPUT:
            return "number" if r < 0.15 else "text"
        return "text" if r < 0.97 else "number"

    def value(self, hint=None):
        rng, column = self.rng, self.column
        bad = rng.random() < self.bad_share
        if (not column.required and rng.random() < 0.2) or (column.required and bad and rng.random() < 0.1):
            return None
        family = self.family if self.family != "mixed" else rng.choice(["number", "text", "date", "boolean"])
        if self.family == "mixed" and not self.csv and family == "text":
            value = self._text(bad)  # beside numbers, fastexcel reads 'nan' as NaN: see the regression tests
            return "n/a" if isinstance(value, str) and value in NAN_TEXTS else value
        if family == "boolean":
            value = rng.choice([True, False])
        elif family == "date":
            value = _date(rng, bad or column.kind not in DATE_KINDS)
        elif family == "number":
            value = self._number(bad)
        else:
            value = hint if hint is not None else self._text(bad)
        return self._as_csv(value) if self.csv else value

    def _as_csv(self, value):
        if value is None:
            return None
        if isinstance(value, float) and self.rng.random() < 0.3:
            return repr(value)
        return str(value)

    def _number(self, bad: bool):
        rng, kind = self.rng, self.column.kind
        if bad and rng.random() < 0.06:
            return rng.choice(NUMBER_MARKERS)  # a marker in a column of numbers: the per-cell path reads the sheet
        if kind == spec.MONEY:
            if not bad:
                return rng.choice([rng.randint(0, 10 ** 6), round(rng.uniform(0, 1e6), 2), rng.randint(0, 10 ** 12)])
            return rng.choice(AMOUNTS + [round(rng.uniform(0, 1e4), rng.randint(3, 9))])
        if kind in (spec.NUMBER, spec.PERCENT):
            if not bad:
                return rng.choice([rng.randint(0, 100), round(rng.uniform(0, 100), 1)])
            return rng.choice(AMOUNTS + [rng.uniform(-1e6, 1e6)])
        if kind == spec.YEAR:
            return rng.choice([2013, 2014]) if not bad else rng.choice([2013.0, 2013.5, 1999, 2019, 2020, 2000, -0.0,
                                                                        2013.0000001, 1e10])
        if kind == spec.PROGRAMME_YEAR:
            return rng.choice([2014, 2015, 2016, 2017]) if not bad else rng.choice([2013, 2018, 2014.5, 2031, 0, 20140,
                                                                                   1e20])
        if kind == spec.WHOLE_NUMBER:  # no number past 2^31: it stops the load either way (INTEGER column)
            return rng.randint(1, 50) if not bad else rng.choice([1.5, -1, 0, 2 ** 31 - 1, 1e-9, 3.0000000000000004])
        if kind in DATE_KINDS:
            return rng.choice(DATE_SERIALS)
        if kind == spec.OUTPUT:
            return rng.choice([1, 2, 3, 4]) if not bad else rng.choice([5, 8, 0, 1.5, -1, 2.0000001])
        if kind == spec.TEXT:
            return rng.choice(TEXT_NUMBERS) if bad else rng.choice([1.1, 2.1, 3.2, 1.0, 4.5, 2.3, 1.11])
        return rng.choice([1, 2.5, 0])

    def _text(self, bad: bool):
        rng, column, kind = self.rng, self.column, self.column.kind
        if kind in NUMERIC_KINDS:
            if not bad:
                number = self._number(False)
                return rng.choice([str(number), f"{number:,}" if isinstance(number, int) else str(number)])
            if kind == spec.WHOLE_NUMBER:  # not '9' * 20: past 2^31 stops the load either way (INTEGER column)
                return rng.choice([t for t in NUMBER_TEXTS if t != "9" * 20])
            return rng.choice(NUMBER_TEXTS + (CSV_ONLY_TEXTS if self.csv else []))
        if kind in DATE_KINDS:
            if not bad:
                return rng.choice(["2014-06-30", "Q2 2014", "Jun 2014", "2014-06", "30/06/2014", "Q4 2015",
                                   "2015-03-01", "Feb 2016", str(_day(rng))])
            return rng.choice(TEXT_DATES)
        pools = {spec.COUNTRY: (COUNTRIES, BAD_COUNTRIES), spec.OUTPUT: (COUNTRY_OUTPUTS, BAD_OUTPUTS),
                 spec.PERIOD: (PERIODS, BAD_PERIODS), spec.CURRENCY: (CURRENCIES, BAD_CURRENCIES)}
        if kind in pools:
            return rng.choice(pools[kind][bad])
        if kind in (spec.CHOICE, spec.AGENCY, spec.PHASE):
            programme = load_reference().programme
            choices = column.choices or {spec.AGENCY: tuple(a.code for a in programme.agencies),
                                         spec.PHASE: programme.recommendation_phases}[kind]
            if not bad:
                return rng.choice(choices)
            choice = rng.choice(choices)
            return rng.choice([choice.upper(), choice.lower(), f" {choice} ", choice.replace(" ", "  "),
                               choice + "\u00a0", "Unknown", "", " ", "N/A", "Total", choice.title()])
        if bad and not self.csv and rng.random() < 0.1:
            return CellRichText([rng.choice([" rich ", "rich", "Total"]),
                                 TextBlock(InlineFont(b=True), rng.choice(["bold", " b ", "x"]))])
        if bad:
            return rng.choice(ODD_TEXTS + (CSV_ONLY_TEXTS if self.csv else []) + [str(rng.choice(TEXT_NUMBERS))])
        return rng.choice([f"{column.header} {rng.randint(1, 9)}", f"{rng.randint(1, 7)}.{rng.randint(1, 5)}",
                           "Government endorsement", "Official gazette", f"x{rng.randint(1, 99)}"])


def _sheet_rows(rng: random.Random, kind: str, csv_file: bool, count: int) -> list[dict]:
    sheet = spec.SHEETS_BY_KIND[kind]
    bad_share = rng.choice([0.02, 0.08, 0.2, 0.4])
    columns = {c.key: Column(rng, c, csv_file, bad_share) for c in sheet.columns}
    indicator_codes = None
    if kind == "results":  # a few indicators, each over several periods
        numeric = columns["indicator_code"].family == "number"
        indicator_codes = [rng.choice([1.1, 2.1, 5.1, 3.2]) if numeric else f"{rng.randint(1, 7)}.{rng.randint(1, 3)}"
                           for _ in range(4)]
        if csv_file:
            indicator_codes = [str(code) for code in indicator_codes]
    rows: list[dict] = []
    for _ in range(count):
        if rows and rng.random() < 0.08:
            rows.append(dict(rng.choice(rows)))  # a row repeating an earlier one
            continue
        hints = {}
        if kind == "results" and rng.random() < 0.8:  # mostly a country output with a country, a global one with GLOBAL
            output, country = ((rng.choice(COUNTRY_OUTPUTS), rng.choice(COUNTRIES)) if rng.random() < 0.7
                               else (rng.choice(GLOBAL_OUTPUTS), rng.choice(["GLOBAL", "Global"])))
            hints = {key: value for key, value in (("output_code", output), ("country", country))
                     if columns[key].family == "text"}
        row = {key: column.value(hints.get(key)) for key, column in columns.items()}
        if indicator_codes and rng.random() < 0.85:
            row["indicator_code"] = rng.choice(indicator_codes)
        rows.append(row)
    _make_consistent(rng, kind, rows, columns)
    for _ in range(rng.choice([0, 0, 1, 2])):
        rows.insert(rng.randint(0, len(rows)), _special_row(rng, sheet, columns))
    return rows


def _make_consistent(rng: random.Random, kind: str, rows: list[dict], columns: dict[str, Column]) -> None:
    """Most rows pass the cross-field rules, so that the fast lane stores them (and is compared on them)."""
    if kind == "workplan":
        for row in rows:
            start, end = row.get("planned_start"), row.get("planned_end")
            if type(start) is type(end) and isinstance(start, dt.date) and rng.random() < 0.8:
                row["planned_start"], row["planned_end"] = sorted([start, end])
            if row.get("status") == "completed" and columns["actual_end"].family == "date" and rng.random() < 0.7:
                row["actual_end"] = row.get("actual_end") or _day(rng)
            if rng.random() < 0.5 and columns["actual_end"].family == "date":
                row["actual_start"] = row["actual_end"] = None
    if kind == "results":
        first: dict = {}
        for row in rows:
            if row.get("indicator_code") is None:
                continue
            code = str(row["indicator_code"])  # (a rich text is not hashable)
            if code in first and rng.random() < 0.8:  # else the row may break its indicator's attributes
                row.update({a: first[code][a] for a in INDICATOR_ATTRIBUTES + ("country", "baseline_adjustment_note")})
            else:
                first.setdefault(code, row)
        for row in rows:
            if row.get("baseline_adjusted") is not None and columns["baseline_adjustment_note"].family == "text" \
                    and rng.random() < 0.7:
                row["baseline_adjustment_note"] = row.get("baseline_adjustment_note") or "revised"


def _special_row(rng: random.Random, sheet: spec.Sheet, columns: dict[str, Column]) -> dict:
    """A total row, a blank row or a row of whitespace only."""
    texts = [c.key for c in sheet.columns if columns[c.key].family == "text"]
    numbers = [c.key for c in sheet.columns if columns[c.key].family == "number"]
    special = rng.choice(["total", "total", "blank", "spaces"])
    if special == "total" and texts:
        row = {texts[0]: rng.choice(["Total", "Grand total (USD)", "Sub-total", "TOTAL", " total ", "Totals:",
                                     "Total 2014"])}
        row.update({key: rng.choice([5, 1000.5]) for key in numbers})
        if len(texts) > 1 and rng.random() < 0.5:
            row[texts[1]] = "  "
        return row
    if special == "spaces" and texts:
        return {key: rng.choice([" ", "\t", "\u00a0", "  "]) for key in texts[:3]}
    return {}


def _workbook(rng: random.Random, path: Path, rows_by_kind: dict[str, list[dict]]) -> Path:
    kinds = list(rows_by_kind)
    write_template(kinds[0] if len(kinds) == 1 else "all", path, rows_by_kind)
    layout = rng.random()
    if layout < 0.4:
        workbook = load_workbook(path)
        for kind, rows in rows_by_kind.items():
            worksheet = workbook[spec.SHEETS_BY_KIND[kind].title]
            if layout < 0.1:  # rows above the header, a blank column before it
                top = rng.choice([1, 2])
                worksheet.insert_rows(1, top)
                if rng.random() < 0.5:
                    worksheet.cell(row=1, column=1, value=rng.choice(["Report 2015", "Jamaica report"]))
                if rng.random() < 0.3:
                    worksheet.insert_cols(1)
            elif layout < 0.2:  # a column after the template's: a repeated header, or none
                column = worksheet.max_column + 1
                header = rng.choice([None, "Comment", "Budget", "Notes", "Country"])
                if header:
                    worksheet.cell(row=1, column=column, value=header)
                texts = rng.random() < 0.5
                for number in range(2, len(rows) + 2):
                    if rng.random() < 0.5:
                        worksheet.cell(row=number, column=column,
                                       value=rng.choice(["note", "Total", " x "]) if texts else rng.choice([1, 2.5]))
            else:  # hidden rows
                for _ in range(rng.randint(1, 2)):
                    if rows:
                        worksheet.row_dimensions[rng.randint(2, len(rows) + 1)].hidden = True
        workbook.save(path)
    return path


def _csv_file(rng: random.Random, path: Path, kind: str, rows: list[dict]) -> Path:
    sheet = spec.SHEETS_BY_KIND[kind]
    delimiter = rng.choice([",", ",", ",", ";", "\t"])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=rng.choice(["\r\n", "\n", "\n", "\r"]),
                        quoting=rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    if delimiter == ",":  # title lines (the delimiter is found on the first line)
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            writer.writerow([rng.choice(["Expenditure report 2015", "Country: Jamaica", ""])])
        if rng.random() < 0.1:
            buffer.write(rng.choice(["\n", "\r\n", "Title\n\n"]))
    columns = list(sheet.columns)
    if rng.random() < 0.2:
        rng.shuffle(columns)
    if rng.random() < 0.1:
        columns.remove(rng.choice([c for c in columns if not c.required]))
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(c.key) is None else row[c.key] for c in columns])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig" if rng.random() < 0.15 else "utf-8"))
    return path


def random_inputs(seed: int, folder: Path) -> list[Path]:
    """One to two files (workbooks, CSV files or both), rows of one to three kinds each, some rows repeated
    from an earlier file."""
    rng = random.Random(seed)
    formats = rng.choice(["xlsx", "xlsx", "xlsx", "csv", "csv", "both"])
    earlier: dict[str, list[dict]] = {}
    files = []
    for index in range(rng.choice([1, 1, 2])):
        csv_file = formats == "csv" or (formats == "both" and rng.random() < 0.5)
        # the sheets of the bundled programme's template (a Disaggregation sheet needs [[dimensions]])
        template_kinds = [kind for kind, sheet in spec.SHEETS_BY_KIND.items() if not sheet.only_with]
        kinds = [rng.choice(template_kinds)] if csv_file else rng.sample(template_kinds, rng.choice([1, 1, 2, 3]))
        rows_by_kind = {}
        for kind in kinds:
            rows = _sheet_rows(rng, kind, csv_file, rng.randint(3, 25))
            if earlier.get(kind) and rng.random() < 0.5:  # rows repeated across files
                rows += [dict(r) for r in rng.sample(earlier[kind], min(3, len(earlier[kind])))
                         if csv_file == all(isinstance(v, (str, type(None))) for v in r.values())]
            earlier.setdefault(kind, []).extend(rows)
            rows_by_kind[kind] = rows
        if csv_file:
            files.append(_csv_file(rng, folder / f"file{index}.csv", kinds[0], rows_by_kind[kinds[0]]))
        else:
            files.append(_workbook(rng, folder / f"file{index}.xlsx", rows_by_kind))
    return files


def _rows_validated(messages: list[str]) -> tuple[int, int]:
    """(rows validated column by column, rows validated cell by cell), from the load's progress messages."""
    fast = sum(int(m.group(1).replace(",", "")) for m in map(FAST.search, messages) if m)
    slow = sum(int(m.group(1).replace(",", "")) for m in map(SLOW.search, messages) if m)
    return fast, slow


# Seeds 0-39, less the two whose every sheet goes cell by cell (a column mixing types, or a marker text):
# they would compare the per-cell path with itself.
SEEDS = [seed for seed in range(40) if seed not in (4, 32)]


@pytest.mark.parametrize("seed", SEEDS)
def test_random_inputs_give_the_same_database_either_way(tmp_path, monkeypatch, seed):
    files = random_inputs(seed, tmp_path / "in")
    per_cell, fast, messages = load_both(files, tmp_path, monkeypatch)
    fast_rows, _ = _rows_validated(messages)
    assert fast_rows > 0, f"the fast lane read no row: {messages}"
    assert_same(per_cell, fast)


def test_random_inputs_exercise_the_fast_lane(tmp_path, monkeypatch):
    """The generator keeps most sheets in the fast lane: over the first seeds, it validates more than twice
    as many rows as the per-cell path (a change that sent every sheet cell by cell would compare nothing)."""
    fast_total = slow_total = 0
    for seed in SEEDS[:6]:
        files = random_inputs(seed, tmp_path / str(seed) / "in")
        monkeypatch.setenv("MM_FAST_LANE", "1")
        messages: list[str] = []
        run_load(files, tmp_path / str(seed) / "fast.duckdb", as_of=SAMPLE_AS_OF, progress=messages.append)
        fast, slow = _rows_validated(messages)
        fast_total, slow_total = fast_total + fast, slow_total + slow
    assert fast_total > 2 * slow_total, (fast_total, slow_total)


# --- Mismatches found by the randomised comparison --------------------------------------------------------
# Each input below was read by the fast lane of etl/columnar.py as first fuzzed, and gave a different
# database from the per-cell path; the docstrings say how. Fixed in the working tree since (the sheet or
# row is now read as calamine reads it), except the accepted difference pinned down by the last but one test.

def _expenditure(**changes) -> dict:
    row = dict(country="Jamaica", output_code="Output 1", agency="UNDP", programme_year=2014, budget=100,
               received=10, expenditure=5, currency="USD")
    return row | changes


def _milestone(**changes) -> dict:
    return dict(country="Jamaica", milestone="Government endorsement", category="inception",
                due_date=dt.date(2014, 4, 30)) | changes


def _narrative(**changes) -> dict:
    return dict(country="Jamaica", output_code="Output 1", period="2014/15 H2", kind="achievement", text="T") | changes


def _compare(tmp_path, monkeypatch, kind: str, rows: list[dict], iso_dates: bool = False) -> dict[str, list[tuple]]:
    path = write_template(kind, tmp_path / "in" / "x.xlsx", {kind: rows})
    if iso_dates:  # dates stored as ISO text cells (t="d"), as some writers save them
        workbook = load_workbook(path)
        workbook.iso_dates = True
        workbook.save(path)
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    return assert_same(per_cell, fast)


def _verdicts(found: dict[str, list[tuple]]) -> list[tuple]:
    """(row, column, found, expected) of every rejected value."""
    return [(row[2], row[4], row[5], row[6]) for row in found["rejected_rows"]]


@pytest.mark.parametrize("marker", ["<NA>", "rich N/A", "_x004E_/A"])
def test_marker_text_the_byte_scan_misses(tmp_path, monkeypatch, marker):
    """fastexcel reads these texts as empty cells in a column of numbers, and etl/ooxml.py has_marker_texts,
    which looked for b'>N/A</t>' etc. in the raw XML, did not see them: '<NA>' is stored as '&lt;NA&gt;', a
    rich-text 'N/A' as runs '<t>N/</t>...<t>A</t>', '_x004E_/A' is an Excel escape of 'N/A'. The fast lane
    loaded the row with Funds received empty; the per-cell path rejects it (found '<NA>' / 'N/A', expected
    a number)."""
    value = CellRichText(["N/", TextBlock(InlineFont(b=True), "A")]) if marker == "rich N/A" else marker
    found = _compare(tmp_path, monkeypatch, "expenditure", [_expenditure(received=value), _expenditure(agency="IOM")])
    shown = "'<NA>'" if marker == "<NA>" else "'N/A'"
    assert _verdicts(found) == [(2, "Funds received", shown, "a number")]
    assert len(found["expenditure"]) == 1


@pytest.mark.parametrize("kind, row", [
    ("expenditure", _expenditure(received="NaN")),
    ("expenditure", _expenditure(budget="-nan")),
    ("narrative", _narrative(kind="NaN"))], ids=["money", "money-negative", "choice"])
def test_nan_text_in_a_column_of_numbers(tmp_path, monkeypatch, kind, row):
    """fastexcel reads the text 'nan', 'NaN', '-nan' or '-NaN' beside numbers as the float NaN (not as an
    empty cell, so has_marker_texts was not consulted). The per-cell path has the text: found 'NaN',
    expected a number; the fast lane handed the float on: found 'nan', expected a finite number, and 'nan'
    in row_values. In a choice column of numbers only the found text differed."""
    other = _expenditure(agency="IOM") if kind == "expenditure" else _narrative(kind=1, text="U")
    found = _compare(tmp_path, monkeypatch, kind, [row, other])
    choices = "one of achievement, next period plan, challenge, decision needed"  # statuses.csv order
    assert _verdicts(found) == {
        "expenditure": [(2, "Funds received", "'NaN'", "a number")] if "received" in row and row["received"] == "NaN"
        else [(2, "Budget", "'-nan'", "a number")],
        "narrative": [(2, "Kind", "'NaN'", choices), (3, "Kind", "'1'", choices)]}[kind]


@pytest.mark.parametrize("kind, row", [
    ("narrative", _narrative(text=dt.time(12, 0))),
    ("milestones", _milestone(comment=dt.time(8, 30))),
    ("milestones", _milestone(due_date=dt.time(12, 0))),
    ("milestones", _milestone(due_date=0)),
    ("milestones", _milestone(due_date=-1))], ids=["text", "comment", "date", "date-zero", "date-negative"])
def test_time_of_day_cell(tmp_path, monkeypatch, kind, row):
    """A date-formatted cell below 1 (a time of day such as 12:00, or 0, or a negative serial):
    python-calamine gives a datetime.time ('12:00:00'), fastexcel a timestamp on 1899-12-31 (1899-12-30 for
    -1), which the fast lane took as a date. A text column stored '1899-12-31 12:00:00' instead of
    '12:00:00'; a date column reported found '1899-12-31 12:00:00', expected a date from 01 Jan 2011 to
    31 Jan 2019, instead of found '12:00:00', expected a date (2014-06-30, 30/06/2014 or an Excel date)."""
    found = _compare(tmp_path, monkeypatch, kind, [row])
    if kind == "milestones" and not isinstance(row["due_date"], dt.date):  # a date column: rejected
        shown = "'12:00:00'" if isinstance(row["due_date"], dt.time) else "'00:00:00'"
        assert _verdicts(found) == [(2, "Due date", shown, "a date (2014-06-30, 30/06/2014 or an Excel date)")]
    else:  # a text column: loaded, with the time as calamine reads it
        time = row.get("text") or row["comment"]
        assert _verdicts(found) == [] and time.isoformat() in found[kind][0]


def test_iso_date_cell_at_midnight(tmp_path, monkeypatch):
    """An ISO date cell (t="d") '2031-01-01T00:00:00': python-calamine gives a datetime at 00:00, so the
    per-cell path reports found '2031-01-01 00:00:00'; etl/columnar.py _python_value turned the midnight
    timestamp into a date: found '2031-01-01'."""
    found = _compare(tmp_path, monkeypatch, "milestones",
                     [_milestone(due_date=dt.datetime(2031, 1, 1)),
                      _milestone(milestone="B", due_date=dt.datetime(2014, 4, 30, 12))], iso_dates=True)
    assert _verdicts(found) == [(2, "Due date", "'2031-01-01 00:00:00'", "a date from 01 Jan 2011 to 31 Jan 2019")]
    assert len(found["milestones"]) == 1


def test_date_serial_past_year_9999(tmp_path, monkeypatch):
    """A date-formatted number past 31 Dec 9999 (serial 2958466 and up): fastexcel gives a timestamp that
    pyarrow cannot turn into a Python datetime, and etl/columnar.py _rescue raised OverflowError: date value
    out of range, which stopped the load. The per-cell path rejects the row (found '3000000', expected a date
    (2014-06-30, 30/06/2014 or an Excel date))."""
    found = _compare(tmp_path, monkeypatch, "milestones", [_milestone(due_date=3e6), _milestone(milestone="B")])
    assert _verdicts(found) == [(2, "Due date", "'3000000'", "a date (2014-06-30, 30/06/2014 or an Excel date)")]
    assert len(found["milestones"]) == 1


@pytest.mark.parametrize("number", [1e20, "99999999999999999999"], ids=["number", "text"])
def test_whole_number_past_int64(tmp_path, monkeypatch, number):
    """A Recommendations No. of 2^63 or more: etl/columnar.py _by_distinct built pa.array(results, int64)
    and raised OverflowError: Python int too large to convert to C long, which stopped the load, though the
    row is rejected anyway for its Addressed to (the per-cell path loads the file)."""
    rows = [dict(number=number, title="T", addressee="nobody", phase="II", status="completed"),
            dict(number=2, title="U", addressee="HQs", phase="II", status="completed")]
    if isinstance(number, str):
        rows[1]["number"] = "2"
    found = _compare(tmp_path, monkeypatch, "recommendations", rows)
    shown = "'100000000000000000000'" if isinstance(number, float) else f"'{number}'"
    assert _verdicts(found) == [(2, "Addressed to", "'nobody'", "one of HQs, country offices, HQs and country offices"),
                                (2, "No.", shown, "a whole number below 2,147,483,648")]
    assert len(found["recommendations"]) == 1


def test_date_cell_a_fraction_of_a_millisecond_past_midnight_differs_only_in_its_found_text(tmp_path, monkeypatch):
    """The one accepted difference (docs/schema.md, "Fast lane"): a date cell a fraction of a millisecond past
    midnight (serial 47849.00000000347, written by a program) is a datetime at 00:00 for python-calamine, so the
    per-cell path reports found '2031-01-01 00:00:00'; fastexcel keeps milliseconds, so the fast lane reports
    found '2031-01-01'. The rows stored, the verdict and the row values are the same."""
    path = write_template("milestones", tmp_path / "in" / "x.xlsx", {"milestones": [
        _milestone(due_date=dt.datetime(2031, 1, 1, 0, 0, 0, 300)), _milestone(milestone="B")]})
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    expected, found = contents(per_cell), contents(fast)
    assert expected["rejected_rows"] != found["rejected_rows"]
    expected["rejected_rows"] = [tuple(str(v).replace("'2031-01-01 00:00:00'", "'2031-01-01'") if isinstance(v, str)
                                       else v for v in row) for row in expected["rejected_rows"]]
    assert found == expected


def test_whole_numbers_past_the_integer_column_are_rejected_by_both_lanes(tmp_path, monkeypatch):
    """Found by the fuzzing, in both lanes: a Recommendations No. of 2^31 or more stopped the load when DuckDB
    converted it to INTEGER. It is now a rejected value with its location."""
    rows = [dict(number=3e9, title="T", addressee="HQs", phase="II", status="completed"),
            dict(number=2, title="U", addressee="HQs", phase="II", status="completed")]
    path = write_template("recommendations", tmp_path / "in" / "x.xlsx", {"recommendations": rows})
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert [row[6] for row in found["rejected_rows"]] == ["a whole number below 2,147,483,648"]
