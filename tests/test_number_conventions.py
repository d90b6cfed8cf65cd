"""Numbers and dates by convention (issue 14, item 1): each column's decimal mark and order of day and month
inferred from all its text cells (etl/conventions.py), values read two ways read by it and reported, values
impossible under it rejected; the same in both lanes. Inputs built by tests/helpers/inputs_numbers.py and
loaded as a user would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.__main__ import main
from etl.conventions import (
    COMMA,
    POINT,
    distinct_texts,
    infer_dates,
    infer_numbers,
    readings,
)
from etl.load import run_load
from etl.parse import parse_date, parse_number
from etl.reference import load_reference

from etl.templates import write_template

from .helpers.inputs_numbers import country_report_xlsx, global_team_csv, indicator_table_xlsx
from .helpers.lanes import assert_same, load_both
from .helpers.paths import SAMPLE_AS_OF
from .helpers.rows import good_rows


def rows_of(database, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


COMMAS_IN_BUDGET = ("this column writes decimal commas ('1 234 567,89' in row 2 and 2 other cells) and decimal "
                    "points ('1,234.5' in row 5); more cells write decimal commas")
COMMAS_IN_TARGET = ("this column writes decimal commas ('0,600' in row 2 and 1 other cell) and decimal points "
                    "('2.5' in row 5); more cells write decimal commas")


@pytest.fixture
def loaded(tmp_path):
    files = [global_team_csv(tmp_path / "in" / "global-team.csv"),
             country_report_xlsx(tmp_path / "in" / "country-report.xlsx")]
    database = tmp_path / "warehouse.duckdb"
    return database, run_load(files, database, as_of=SAMPLE_AS_OF)


def test_the_global_teams_semicolon_csv_with_decimal_commas_loads_exactly(loaded):
    database, summary = loaded
    assert rows_of(database, "SELECT source_row, budget, received, expenditure, currency FROM expenditure "
                             "ORDER BY source_row") == [
        (2, Decimal("1234567.89"), Decimal("1000000.00"), Decimal("987654.32"), "USD"),
        (3, Decimal("50000.00"), Decimal("12500.50"), Decimal("0.45"), "USD"),
        (4, Decimal("2500.00"), Decimal("2500.00"), Decimal("1250.00"), "USD"),
        (6, Decimal("7000000.00"), Decimal("3000000.00"), Decimal("2999999.99"), "CHF")]
    messages = [p.message for r in summary.rejected for p in r.problems if r.file == "global-team.csv"]
    assert messages == [f"global-team.csv › Expenditure › row 5 › column Budget: found '1,234.5', expected a number "
                        f"written with a decimal comma ({COMMAS_IN_BUDGET})"]
    assert [w.message for w in summary.warnings if w.file == "global-team.csv"] == [
        f"global-team.csv › Expenditure › row 3 › column Budget: '50.000' read as 50000, not 50 ({COMMAS_IN_BUDGET})"]


def test_decimal_commas_typed_as_text_in_a_workbook_are_never_read_as_thousands(loaded):
    database, summary = loaded
    assert rows_of(database, "SELECT source_row, indicator_code, baseline, target, actual, end_target FROM results "
                             "ORDER BY source_row") == [
        (2, "1.1", 0.45, 0.6, 0.525, 0.7), (3, "1.1", 0.45, 0.65, 0.61, 0.7), (4, "1.2", 0.0, 1250.0, 1100.0, 2000.0)]
    assert rows_of(database, "SELECT source_row, percent_complete, budget FROM activities ORDER BY source_row") == [
        (2, 12.5, Decimal("12500.00")), (3, 40.0, Decimal("3200.50")), (4, None, Decimal("1000.00"))]
    assert rows_of(database, "SELECT source_row, due_date, achieved_date FROM milestones ORDER BY source_row") == [
        (2, dt.date(2015, 4, 13), dt.date(2015, 4, 3)), (3, dt.date(2015, 5, 3), None)]
    assert [p.message for r in summary.rejected for p in r.problems if r.file == "country-report.xlsx"] == [
        f"country-report.xlsx › Results matrix › row 5 › column Period target: found '2.5', expected a number written "
        f"with a decimal comma ({COMMAS_IN_TARGET})"]
    where = "country-report.xlsx › "
    assert sorted(w.message for w in summary.warnings if w.file == "country-report.xlsx") == sorted([
        f"{where}Results matrix › row 4 › column Period target: '1.250' read as 1250, not 1.25 ({COMMAS_IN_TARGET})",
        f"{where}Results matrix › row 4 › column Period actual: '1.100' read as 1100, not 1.1 (this column writes "
        "decimal commas: '0,525' in row 2 and 1 other cell)",
        f"{where}Results matrix › row 4 › column End-of-programme target: '2.000' read as 2000, not 2 (this column "
        "writes decimal commas: '0,700' in row 2 and 1 other cell)",
        f"{where}Work plan › row 2 › column Budget: '12.500' read as 12500, not 12.5 (this column writes decimal "
        "commas: '3.200,50' in row 3)",
        f"{where}Work plan › row 4 › column Budget: '1.000' read as 1000, not 1 (this column writes decimal commas: "
        "'3.200,50' in row 3)",
        f"{where}Milestones › row 2 › column Achieved date: '03/04/2015' read as 3 April 2015, not 4 March 2015 (no "
        "date of this column shows its order and the sheet's language does not say: read day first)",
        f"{where}Milestones › row 3 › column Due date: '03/05/2015' read as 3 May 2015, not 5 March 2015 (this column "
        "writes the day first: '13/04/2015' in row 2)"])
    assert {w.kind for w in summary.warnings if w.file == "country-report.xlsx"} == {"ambiguous number",
                                                                                       "ambiguous date"}


def test_the_command_line_loads_the_csv_the_same_way(tmp_path, capsys):
    folder = tmp_path / "in"
    global_team_csv(folder / "global-team.csv")
    database = tmp_path / "cli.duckdb"
    assert main(["load", str(folder), "--db", str(database), "--quiet"]) == 0
    assert rows_of(database, "SELECT source_row, expenditure FROM expenditure ORDER BY source_row") == [
        (2, Decimal("987654.32")), (3, Decimal("0.45")), (4, Decimal("1250.00")), (6, Decimal("2999999.99"))]


@pytest.mark.slow
def test_decimal_commas_give_the_same_database_in_either_lane(tmp_path, monkeypatch):
    files = [global_team_csv(tmp_path / "in" / "global-team.csv"),
             country_report_xlsx(tmp_path / "in" / "country-report.xlsx")]
    per_cell, fast, messages = load_both(files, tmp_path, monkeypatch)
    assert sum("column by column" in m for m in messages) >= 2, messages  # the CSV and the results matrix
    found = assert_same(per_cell, fast)
    assert sum(row[4] == "ambiguous number" for row in found["load_warnings"]) == 6


def test_the_sheets_language_decides_where_the_cells_do_not():
    texts = distinct_texts([("12.500", 2), ("7", 3)])
    spanish = infer_numbers(texts, hint=COMMA, language="es")
    assert spanish.decimal == COMMA and parse_number("12.500", spanish) == 12500
    assert spanish.reported("12.500") == ("'12.500' read as 12500, not 12.5 (no cell of this column shows its "
                                          "decimal mark; the sheet's language (es) writes decimal commas)")
    english = infer_numbers(texts)
    assert english.decimal == POINT and parse_number("12.500", english) == 12.5
    # the cells win over the language
    assert infer_numbers(distinct_texts([("12.5", 2)]), hint=COMMA, language="es").decimal == POINT
    french = load_reference().day_first("fr")  # fr.toml's date_order
    assert infer_dates(distinct_texts([("03/04/2015", 2)]), language="fr", day_first=french).why == (
        "no date of this column shows its order; the sheet's language (fr) writes day first")
    month_first = infer_dates(distinct_texts([("06/30/2015", 2), ("03/04/2015", 3)]))
    assert not month_first.day_first and parse_date("03/04/2015", month_first) == dt.date(2015, 3, 4)


# --- property tests: format under each convention, read back through the column's inference --------------

SEPARATORS = {POINT: [",", " ", "\u00a0", "\u202f", "'", ""], COMMA: [".", " ", "\u00a0", "\u202f", "'", ""]}


def written(cents: int, decimal: str, thousands: str, decimals: int) -> str:
    """`cents` / 100 written with `decimal` and `thousands` (decimals: 0 or 2 digits after the mark)."""
    whole, part = divmod(abs(cents), 100)
    groups = f"{whole:,}".replace(",", thousands)
    text = groups + (f"{decimal}{part:02d}" if decimals else "")
    return ("-" if cents < 0 else "") + text


@st.composite
def columns(draw):
    decimal = draw(st.sampled_from([POINT, COMMA]))
    thousands = draw(st.sampled_from(SEPARATORS[decimal]))
    amounts = draw(st.lists(st.integers(min_value=-10**11, max_value=10**11), min_size=1, max_size=12))
    shapes = draw(st.lists(st.sampled_from([0, 2]), min_size=len(amounts), max_size=len(amounts)))
    # amounts written without decimals are whole: their cents are dropped
    values = [cents if shape else (abs(cents) // 100 * 100) * (1 if cents >= 0 else -1)
              for cents, shape in zip(amounts, shapes)]
    texts = [written(cents, decimal, thousands, shape) for cents, shape in zip(values, shapes)]
    # one cell that proves the mark, as most real columns have one
    proof = draw(st.booleans())
    if proof:
        values.append(123456)
        texts.append("1.234,56" if decimal == COMMA else "1,234.56")
    return decimal, texts, values, proof


@settings(max_examples=300, deadline=None)
@given(column=columns(), hint=st.sampled_from([None, POINT, COMMA]))
def test_numbers_written_under_each_convention_read_back(column, hint):
    decimal, texts, values, proof = column
    convention = infer_numbers(distinct_texts([(text, row) for row, text in enumerate(texts, start=2)]), hint)
    decided = proof or any(readings(text).proves for text in texts)
    if decided or hint == decimal or (hint is None and decimal == POINT):
        assert convention.decimal == decimal
        for text, cents in zip(texts, values):
            assert parse_number(text, convention) == pytest.approx(cents / 100, abs=1e-9)
            two_way = convention.reported(text) is not None
            found = readings(text)
            assert two_way == (found.point is not None and found.comma is not None and found.point != found.comma)
    else:  # nothing in the column shows its mark: read by the language or the default, never silently
        for text in texts:
            found = readings(text)
            if found.two_way:
                assert convention.reported(text) is not None


@settings(max_examples=200, deadline=None)
@given(days=st.lists(st.dates(min_value=dt.date(2014, 1, 1), max_value=dt.date(2018, 12, 31)), min_size=1,
                     max_size=10),
       day_first=st.booleans(), separator=st.sampled_from(["/", "."]))
def test_dates_written_in_either_order_read_back(days, day_first, separator):
    pattern = f"%d{separator}%m{separator}%Y" if day_first else f"%m{separator}%d{separator}%Y"
    texts = [day.strftime(pattern) for day in days]
    order = infer_dates(distinct_texts([(text, row) for row, text in enumerate(texts, start=2)]))
    proven = any(day.day > 12 and day.day != day.month for day in days)
    if proven or day_first:
        assert order.day_first == day_first
        for text, day in zip(texts, days):
            assert parse_date(text, order) == day
            assert (order.reported(text) is not None) == (day.day <= 12 and day.day != day.month)
    else:  # month first but nothing shows it: read day first, and every date that reads two ways said so
        assert order.day_first
        assert all((order.reported(text) is not None) == (day.day != day.month) for text, day in zip(texts, days))


# --- plausibility in indicator tables (issue 14, item 7) ---------------------------------------------------

def test_implausible_values_of_an_indicator_table_are_rejected_or_warned(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    summary = run_load([indicator_table_xlsx(tmp_path / "in" / "mar-kpi.xlsx")], database, as_of=SAMPLE_AS_OF)
    assert rows_of(database, "SELECT source_row, unit, baseline, target, actual, actual_note FROM indicator_table "
                             "ORDER BY source_row") == [
        (4, "%", 10.0, 60.0, 120.0, None), (5, "%", 0.0, 40.0, 35.0, None), (6, "plans", 0.0, 5.0, None, "ongoing"),
        (7, "index", 0.0, 2.5, -1.5, None), (8, None, 0.0, 4.0, -2.0, None)]
    where = "mar-kpi.xlsx › KPI table"
    assert [p.message for r in summary.rejected for p in r.problems] == [
        f"{where} › row 3 › column Actual: found '\u22124', expected a number of zero or more (the unit 'communes' "
        "and whole values: a count, never negative)"]
    assert sorted((w.kind, w.message) for w in summary.warnings) == sorted([
        ("percentage above 100", f"{where} › row 4 › column Actual: 120 is above 100 % (the unit is a percentage): "
                                 "check the value"),
        # no unit: a count, or a change ('Percentage change in travel time', -50, in a real MCC table): said
        ("negative value", f"{where} › row 8 › column Actual: -2 is below zero while every value of the row is whole "
                           "and it has no unit: if it counts something, check the value"),
        ("value from the sign", f"{where} › row 5 › column Unit: no unit: read as '%', the sign its values are "
                                "written with"),
        ("text kept", f"{where} › row 6 › column Actual: 'ongoing' is not a number: kept as text in actual_note, "
                      "actual left empty"),
        ("value from the title", f"{where}: no Country column: every row is read as country 'Morocco' (year 2015 "
                                 "from the title row 1; country 'Morocco' from the title row 1)"),
        ("value from the title", f"{where}: no Period column: every row is read as period '2015' (from the title "
                                 "row 1 'Morocco: indicator tracking table 2015')")])


@pytest.mark.slow
def test_a_negative_count_in_the_results_matrix_is_rejected_in_either_lane(tmp_path, monkeypatch):
    rows = good_rows()
    rows["results"][1]["actual"] = -3  # 'meetings', whole values: a count
    rows["results"].append(dict(rows["results"][0], indicator_code="1.9", unit="%", period="2014/15 H1",
                                target=150, actual=20, end_target=90))
    rows["results"].append(dict(rows["results"][0], indicator_code="1.8", unit="%", period="2014/15 H1",
                                baseline=10, target=40, actual=0.45, end_target=80))  # 45 % as a fraction of one?
    path = write_template("results", tmp_path / "in" / "x.xlsx", rows)
    per_cell, fast, messages = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert [row[6] for row in found["rejected_rows"]] == [
        "a number of zero or more (the unit 'meetings' and whole values: a count, never negative)"]
    assert any("column by column" in m for m in messages), messages
    assert [row[5] for row in found["load_warnings"] if row[4] == "percentage above 100"] == [
        "x.xlsx › Results matrix › row 8 › column Period target: 150 is above 100 % (the unit is a percentage): "
        "check the value"]
    assert [row[5] for row in found["load_warnings"] if row[4] == "percentage as a fraction"] == [
        "x.xlsx › Results matrix › row 9 › column Period actual: 0.45 in a percentage whose other values reach "
        "80: read as 0.45 %; if it is a fraction of one (45 %), type 45"]


def test_a_small_percentage_written_with_its_sign_is_no_fraction(tmp_path):
    """'0.5%' beside a target of 40 is 0.5 %, as written: the fraction warning is for a number without its sign."""
    rows = good_rows()
    rows["results"] = [dict(rows["results"][0], indicator_code="1.7", unit="%", baseline=10, target=40, actual="0.5%",
                            end_target=80)]
    summary = run_load([write_template("results", tmp_path / "in" / "x.xlsx", rows)], tmp_path / "w.duckdb")
    assert summary.rejected == []
    assert rows_of(tmp_path / "w.duckdb", "SELECT actual FROM results") == [(0.5,)]
    assert [w for w in summary.warnings if w.kind == "percentage as a fraction"] == []


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r"[+-]?[0-9]{1,9}(\.[0-9]{1,6})?|[+-]?\.[0-9]{1,4}|[0-9]{1,3}(,[0-9]{3}){1,3}(\.[0-9]{0,3})?",
                     fullmatch=True))
def test_the_fast_lanes_plain_forms_prove_what_readings_says(text):
    """etl/columnar.py tells whole numbers and point decimals apart in Arrow (PLAIN_WHOLE, PLAIN_POINTED) instead
    of calling conventions.readings on each distinct text of a column: both must say the same."""
    import re

    from etl.columnar import PLAIN_POINTED, PLAIN_WHOLE
    from etl.conventions import POINT, readings

    if re.search(PLAIN_WHOLE, text):
        assert readings(text).proves is None and not readings(text).two_way
    elif re.search(PLAIN_POINTED, text):
        assert readings(text).proves == POINT
