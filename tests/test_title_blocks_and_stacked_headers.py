"""Title blocks and stacked headers (issue 14, items 3 and 5): workbooks built by tests/helpers/inputs_layout.py,
loaded as a user first loads them (no alias added), with the exact rows, problems and warnings they give."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import openpyxl
import pytest

from etl.errors import UnreadableFile
from etl.load import run_load
from etl.reference import load_reference
from etl.title_block import read_period, sheet_context

from .helpers import inputs_layout as build
from .helpers.lanes import assert_same, load_both

RESULTS = """SELECT country, output_code, indicator_code, unit, baseline, baseline_year, period, target, actual,
                    source_row FROM results ORDER BY period, indicator_code"""
BANGLADESH = [  # the rows of the matrix, one per indicator and period, whichever way it is laid out
    ("BGD", "1", "1.1", "meetings", 0.0, 2014, "2015/16 H2", 2.0, 2.0),
    ("BGD", "1", "1.2", "officials", 5.0, 2014, "2015/16 H2", 20.0, 18.0),
    ("BGD", "1", "1.1", "meetings", 0.0, 2014, "2016/17 H2", 4.0, None),
    ("BGD", "1", "1.2", "officials", 5.0, 2014, "2016/17 H2", 40.0, 35.0),
]
WIDE = ("laid out wide, one column per period: each row is read as one row per period ({0}, {1}: period 2015/16 H2 "
        "(the last period of programme year 2015/16, Aug 2015–Jan 2016); {2}, {3}: period 2016/17 H2 (the last "
        "period of programme year 2016/17, Aug 2016–Jan 2017))")
NO_COUNTRY = ("awp.xlsx › AWP › row {row} › column Country: found an empty cell, expected a value: Country is "
              "required (ISO-3 code or name of a programme country, or GLOBAL for global-level rows); this sheet has "
              "no Country column and no country was found in the title rows above the header (rows 1-2), the "
              "sheet name 'AWP' and the file name 'awp'{why}: add a Country column, or a title row above the "
              "header such as 'Country: ...'")
AWP_DEFAULTS = [
    ("default value", "no Status column: every activity is read as 'planned'"),
    ("default value", "no Currency column: a budget that names no currency ('€', 'EUR') is read in USD; if it is "
                      "another, add a Currency column or a title row ('Currency: ...')"),
    ("default value", "no Activity code column: each activity's code is the code at the start of its title, else "
                      "its output and its order under that output ('1.2 (AWP)')"),
]


def rows_of(database, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def warnings_of(summary) -> list[tuple]:
    return sorted((w.kind, w.detail) for w in summary.warnings)


def problems_of(summary) -> list[str]:
    return [p.message for r in summary.rejected for p in r.problems]


# --- stacked headers and results matrices laid out wide ---------------------------------------------------

def test_a_two_row_header_matrix_reads_as_one_row_per_indicator_and_period(tmp_path, database):
    summary = run_load([build.bangladesh_stacked_matrix(tmp_path / "bgd-matrix.xlsx")], database)
    assert problems_of(summary) == []
    assert rows_of(database, RESULTS) == [row + (number,) for row, number in zip(BANGLADESH, (6, 7, 6, 7))]
    assert warnings_of(summary) == [
        ("periods from the headers", WIDE.format("'2015 · Target'", "'2015 · Actual'", "'2016 · Target'",
                                                 "'2016 · Actual'")),
        ("value from the title", "no Country column: every row is read as country 'Bangladesh' (year 2015 from "
                                 "the title row 1; country 'Bangladesh' from the title row 2)"),
    ]


def test_periods_in_one_header_row_read_the_same(tmp_path, database):
    summary = run_load([build.bangladesh_one_row_matrix(tmp_path / "bgd-matrix.xlsx")], database)
    assert problems_of(summary) == []
    assert rows_of(database, RESULTS) == [row + (number,) for row, number in zip(BANGLADESH, (3, 4, 3, 4))]
    assert warnings_of(summary) == [
        ("periods from the headers", WIDE.format("'2015 Target'", "'2015 Actual'", "'Target 2016'",
                                                 "'Actual 2016'")),
        ("value from the title", "no Country column: every row is read as country 'Bangladesh' (country "
                                 "'Bangladesh' from the title row 1)"),
    ]


def test_the_wide_matrix_gives_the_rows_of_the_long_layout(tmp_path):
    wide = run_load([build.bangladesh_stacked_matrix(tmp_path / "wide.xlsx")], tmp_path / "wide.duckdb").database
    long = run_load([build.bangladesh_long_matrix(tmp_path / "long.xlsx")], tmp_path / "long.duckdb").database
    columns = "* EXCLUDE (source_file, source_sheet, source_row)"
    assert sorted(rows_of(wide, f"SELECT {columns} FROM results"), key=repr) == sorted(
        rows_of(long, f"SELECT {columns} FROM results"), key=repr)


def test_a_header_naming_a_year_the_programme_does_not_have_is_said(tmp_path, database):
    summary = run_load([build.matrix_with_a_year_outside_the_programme(tmp_path / "kpi.xlsx")], database)
    assert rows_of(database, "SELECT indicator_code, period, target, actual FROM results") == [
        ("1.1", "2015/16 H2", 2.0, 2.0)]
    assert ("header not read", "the header '2030 Target' names 2030, not a period of the programme: its column is "
                               "not read") in warnings_of(summary)


# --- title blocks ------------------------------------------------------------------------------------------

def test_a_work_plan_titled_with_the_programme_is_not_global_and_without_a_country_is_refused(tmp_path, database):
    summary = run_load([build.programme_work_plan(tmp_path / "awp.xlsx")], database)
    assert rows_of(database, "SELECT count(*) FROM activities") == [(0,)]
    assert problems_of(summary) == [NO_COUNTRY.format(row=4, why=""), NO_COUNTRY.format(row=5, why="")]
    assert warnings_of(summary) == sorted(AWP_DEFAULTS + [
        ("timeframe", "planned start and end read from the marks under Q1, Q2, Q3, Q4 (year 2015: year 2015 from "
                      "the title row 1)")])


@pytest.mark.parametrize("layout", [dict(country_column=True), dict(country_row="Country: Ecuador")])
def test_a_work_plan_titled_with_the_programme_loads_as_its_country(tmp_path, database, layout):
    summary = run_load([build.programme_work_plan(tmp_path / "awp.xlsx", **layout)], database)
    assert problems_of(summary) == []
    first = 5 if "country_row" in layout else 4
    assert rows_of(database, """SELECT activity_code, output_code, country, lead_agency, planned_start, planned_end,
                                       budget, currency, source_row FROM activities ORDER BY source_row""") == [
        ("1.1", "1", "ECU", "UNDP", dt.date(2015, 1, 1), dt.date(2015, 3, 31),
         10000, "USD", first),
        ("2.1", "2", "ECU", "IOM", dt.date(2015, 4, 1), dt.date(2015, 9, 30),
         25000, "USD", first + 1),
    ]
    if "country_row" in layout:
        where = "year 2015 from the title row 1; country 'Ecuador' from the title row 2"
        assert warnings_of(summary) == sorted([
            ("value from the title", f"no Country column: every row is read as country 'Ecuador' ({where})"),
            *AWP_DEFAULTS,
            ("timeframe", f"planned start and end read from the marks under Q1, Q2, Q3, Q4 (year 2015: {where})"),
            ("ambiguous number", "'$10,000' read as 10000, not 10 (no cell of this column shows its decimal mark; "
                                 "the sheet's language (en) writes decimal points)")])


def test_a_title_naming_two_countries_gives_none_and_says_so(tmp_path, database):
    title = "Joint work plan Jamaica and Serbia 2015"
    summary = run_load([build.programme_work_plan(tmp_path / "awp.xlsx", title=title)], database)
    note = f"the title row 1 '{title}' names 2 countries, Jamaica and Serbia, so no country was taken from it"
    assert problems_of(summary) == [NO_COUNTRY.format(row=row, why=f" ({note})") for row in (4, 5)]
    assert ("title not used", note) in warnings_of(summary)


def test_an_expenditure_title_block_gives_country_year_and_currency(tmp_path, database):
    summary = run_load([build.expenditure_with_title_block(tmp_path / "expenses.xlsx")], database)
    assert problems_of(summary) == []
    assert rows_of(database, """SELECT country, output_code, agency, programme_year, budget, expenditure, currency,
                                       source_row FROM expenditure ORDER BY source_row""") == [
        ("JAM", "1", "UNDP", 2016, 50000, Decimal("41000.50"), "USD", 6),
        ("JAM", "2", "IOM", 2016, 30000, 12000, "USD", 7),
    ]
    assert warnings_of(summary) == sorted([
        ("value from the title", "no Country column: every row is read as country 'Jamaica' (year 2016 from the "
                                 "title row 2; country 'Jamaica' from the title row 1)"),
        ("value from the title", "no Programme year column: every row is read as programme year '2016' (from the "
                                 "title row 2 'Period: Jan–Dec 2016': Jan 2016–Dec 2016 falls mostly in programme "
                                 "year 2016/17, Feb 2016–Jan 2017)"),
        ("value from the title", "no Currency column: every row is read as currency 'USD' (from the title row 3 "
                                 "'Currency: USD')"),
    ])


def test_a_row_disagreeing_with_its_title_is_rejected(tmp_path, database):
    summary = run_load([build.expenditure_disagreeing_with_its_title(tmp_path / "expenses.xlsx")], database)
    assert rows_of(database, "SELECT country, output_code, agency, source_row FROM expenditure") == [
        ("JAM", "1", "UNDP", 3)]
    assert problems_of(summary) == [
        "expenses.xlsx › Expenses › row 4 › column Country: found 'Serbia', expected 'Jamaica', as the title row 1 "
        "'Country: Jamaica' says: the cell and the title disagree, so correct the one that is wrong",
        "expenses.xlsx › Expenses › row 5 › column Currency: found 'EUR', expected 'USD', as the title row 1 "
        "'Currency: USD' says: the cell and the title disagree, so correct the one that is wrong",
    ]


def test_both_lanes_check_rows_against_the_title(tmp_path, monkeypatch):
    path = build.template_expenditure_under_a_title(tmp_path / "serbia.xlsx")
    per_cell, fast, messages = load_both([path], tmp_path, monkeypatch)
    assert any("(column by column)" in message for message in messages)  # the fast lane took it
    found = assert_same(per_cell, fast)
    assert [row[0] for row in found["rejected_rows"]] == ["serbia.xlsx"]


@pytest.mark.parametrize("rows, expected", [
    ([["Country: Global"]], "GLOBAL"),
    ([["Level:", "Global"]], "GLOBAL"),
    ([["IOM–UNDP Joint Global Programme"], ["Global Project Board report 2015"]], None),
    ([["Mainstreaming Migration into National Development Strategies — Moldova"]], "Republic of Moldova"),
    ([["Pays : Maroc"]], "Morocco"),  # a country's name in a language file (fr.toml's [countries])
    ([["Pays : Narnia"]], None),
    ([["Pays :", "Morocco"]], "Morocco"),
])
def test_which_titles_give_a_country(rows, expected):
    assert sheet_context(rows, [], load_reference()).country == expected


@pytest.mark.parametrize("label, code", [("Currency: usd", "USD"), ("Devise : EUR", "EUR"), ("Moneda: USD", "USD"),
                                         ("Валюта: KGS", "KGS"), ("Currency: US$", "USD"), ("Currency: J$", "JMD")])
def test_currency_labels_come_from_the_data_file(label, code):
    context = sheet_context([[label]], [], load_reference())
    assert (context.values["currency"].value, context.values["currency"].place) == (code, "title row 1")


@pytest.mark.parametrize("label, code", [("Currency: сом", "KGS"), ("Currency: som", "KGS"), ("Валюта: сом", "KGS"),
                                         ("Currency: KGS (som)", "KGS"), ("Currency: US dollars (USD)", "USD"),
                                         ("Currency: $ (USD)", "USD"), ("Currency: dollars (J$)", "JMD"),
                                         ("Currency: USD (KGS)", "USD (KGS)"), ("Currency: dollars", "dollars")])
def test_a_currency_label_naming_a_currency_by_its_name_in_any_language_or_twice_is_its_code(label, code):
    """'Currency: сом' above an English header: KGS, as a title row 'сом' alone is (before, refused: the Currency
    parser reads the sheet's language's names only); the same currency said twice, once in brackets, is it; two
    currencies, or a name several share, stay as written: the currency parser refuses them, naming them."""
    assert sheet_context([[label]], [], load_reference()).values["currency"].value == code


def test_a_title_s_bare_dollar_sign_is_refused_naming_the_dollars_it_may_be(tmp_path, monkeypatch):
    """'Currency: $' over a Jamaica office's sheet may be JMD or USD: each row is refused saying so, on both lanes
    (before, read as USD, unsaid: Jamaican dollars converted at about 150 times their worth), as a Currency cell
    '$' or 'dollars' is; 'Currency: J$' is read as JMD."""
    path = build.expenditure_with_title_block(tmp_path / "JAM.xlsx")
    book = openpyxl.load_workbook(path)
    book.active["A3"] = "Currency: $"
    book.save(path)
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert [(row[2], row[6]) for row in found["rejected_rows"]] == [
        (6, "the currency's code: '$' is the name of more than one (JMD, USD)"),
        (7, "the currency's code: '$' is the name of more than one (JMD, USD)")]
    said = [w.detail for w in run_load([path], tmp_path / "dollar.duckdb").warnings
            if w.kind == "value from the title" and "Currency" in w.detail]
    assert said == ["no Currency column, and the title row 3 'Currency: $' gives '$', which may be JMD or USD: each "
                    "row is read in the one its amounts' number format or text shows, and refused where none does"]
    book.active["A3"] = "Currency: J$"
    book.save(path)
    summary = run_load([path], tmp_path / "jmd.duckdb")
    assert problems_of(summary) == []
    assert [w.detail for w in summary.warnings if w.kind == "value from the title" and "Currency" in w.detail] == [
        "no Currency column: every row is read as currency 'JMD' (from the title row 3 'Currency: J$')"]
    assert rows_of(tmp_path / "jmd.duckdb", "SELECT DISTINCT currency FROM expenditure") == [("JMD",)]


@pytest.mark.parametrize("text, label, year", [
    ("2015/16 H1", "2015/16 H1", 2015),
    ("H2 2014/15", "2014/15 H2", 2014),
    ("2016 H1", "2016/17 H1", 2016),
    ("Feb–Jul 2015", "2015/16 H1", 2015),
    ("Feb 2015 – Jan 2016", None, 2015),
    ("Jan–Dec 2016", None, 2016),
    ("2015/16", None, 2015),
    ("2015", None, 2015),
])
def test_periods_a_title_or_header_may_name(text, label, year):
    reading = read_period(text, load_reference())
    assert (reading.label, reading.programme_year) == (label, year)


@pytest.mark.parametrize("text", ["2030", "Jun–Jul 2031", "2015/17", "sometime"])
def test_periods_outside_the_programme_are_none(text):
    assert read_period(text, load_reference()) is None


# --- expenditure laid out wide: a Budget and an Expenditure column per programme year -------------------------

@pytest.mark.parametrize("stacked, headers, first", [
    (True, ("'2015 · Budget', '2015 · Expenditure'", "'2016 · Budget', '2016 · Expenditure'"), 7),
    (False, ("'Budget 2015', 'Expenditure 2015'", "'Budget 2016', 'Expenditure 2016'"), 6)])
def test_expenditure_by_year_reads_each_year_s_columns_as_that_year(tmp_path, database, stacked, headers, first):
    summary = run_load([build.expenditure_by_year(tmp_path / "jam-expenditure.xlsx", stacked)], database)
    assert rows_of(database, """SELECT output_code, agency, programme_year, budget, expenditure, source_row
                                FROM expenditure ORDER BY programme_year, output_code""") == [
        ("1", "UNDP", 2015, Decimal("50000.00"), Decimal("41000.50"), first),
        ("2", "IOM", 2015, Decimal("30000.00"), Decimal("12000.00"), first + 1),
        ("1", "UNDP", 2016, Decimal("60000.00"), Decimal("30000.00"), first)]
    # a row with no figures in any year is rejected once, saying what it lacks; one empty in 2016 only is not
    assert [(r.row, [p.column for p in r.problems]) for r in summary.rejected] == [
        (first + 2, [headers[0].split("'")[1]])]
    assert ("periods from the headers", "laid out wide, one column per period: each row is read as one row per "
            f"period ({headers[0]}: programme year 2015; {headers[1]}: programme year 2016)") in warnings_of(summary)


def test_expenditure_by_year_reads_the_same_in_both_lanes(tmp_path, monkeypatch):
    path = build.expenditure_by_year(tmp_path / "jam-expenditure.xlsx", stacked=False)
    assert_same(*load_both([path], tmp_path, monkeypatch)[:2])


def test_an_expenditure_header_naming_a_year_the_programme_does_not_have_is_said(tmp_path, database):
    path = build.expenditure_by_year(tmp_path / "jam-expenditure.xlsx", stacked=False)
    book = openpyxl.load_workbook(path)
    book.active["E5"], book.active["F5"] = "Budget 2030", "Expenditure 2030"
    book.save(path)
    summary = run_load([path], database)
    assert rows_of(database, "SELECT DISTINCT programme_year FROM expenditure") == [(2015,)]
    assert ("header not read", "the header 'Budget 2030' names 2030, not a period of the programme: its column is "
                               "not read") in warnings_of(summary)


def test_an_amount_with_no_year_beside_amounts_by_year_is_not_copied_into_each_year(tmp_path, database):
    """'Budget' beside 'Expenditure 2015' and 'Expenditure 2016': whose year is the budget? It is not copied into
    both years (which would count it twice): the sheet is read by its other columns, and the year columns are
    said not to be read."""
    path = tmp_path / "jam-expenditure.xlsx"
    book = openpyxl.Workbook()
    for row in (["Country: Jamaica"], ["Period: Jan–Dec 2016"], ["Currency: USD"], [],
                ["Output", "Agency", "Budget", "Expenditure 2015", "Expenditure 2016"],
                ["Output 1", "UNDP", 50000, 41000, 9000], ["Output 2", "IOM", 80000, None, 5000]):
        book.active.append(row)
    book.save(path)
    summary = run_load([path], database)
    assert rows_of(database, "SELECT output_code, programme_year, budget, expenditure FROM expenditure "
                             "ORDER BY output_code") == [("1", 2016, Decimal("50000.00"), None),
                                                         ("2", 2016, Decimal("80000.00"), None)]
    assert ("header not read", "the headers 'Expenditure 2015', 'Expenditure 2016' name a programme year beside "
                               "'Budget', which names none: an amount is not copied into each year, so the sheet is "
                               "read by its other columns and these are not read") in warnings_of(summary)


def test_a_sheet_not_read_for_an_amount_with_no_year_says_why(tmp_path):
    """'Budget 2015', 'Budget 2016' beside a yearless 'Funds received': the years are not read, so the header lacks
    Budget and no sheet is recognised. The refusal says why the year columns were not read, and lacks only what
    the title rows do not give (the country and the currency are given)."""
    path = tmp_path / "jam-expenditure.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Expenses"
    for row in (["Operating Unit: Jamaica"], ["Currency: USD"], [],
                ["Output", "Agency", "Budget 2015", "Budget 2016", "Funds received"], ["Output 1", "UNDP", 1, 2, 3]):
        book.active.append(row)
    book.save(path)
    with pytest.raises(UnreadableFile) as refused:
        run_load([path], tmp_path / "x.duckdb")
    assert ("nearest is 'Expenditure' (sheet 'Expenses', row 4), which lacks 'Programme year', 'Budget' (the headers "
            "'Budget 2015', 'Budget 2016' name a programme year beside 'Funds received', which names none: an amount "
            "is not copied into each year, so the sheet is read by its other columns and these are not read); the "
            "headers seen:") in str(refused.value)


@pytest.mark.parametrize("header, expected", [
    # a total beside every year's column: not loaded, the years read
    (["Output", "Agency", "Budget 2015", "Budget 2016", "Approved budget"],
     [(2015, Decimal("1000.00")), (2016, Decimal("2000.00"))]),
    # one year, and an amount with no year: nothing is counted twice, so read for that year
    (["Output", "Agency", "Budget 2016", "Expenditure", "Comment"], [(2016, Decimal("1000.00"))]),
])
def test_expenditure_by_year_beside_an_amount_with_no_year(tmp_path, database, header, expected):
    path = tmp_path / "jam-expenditure.xlsx"
    book = openpyxl.Workbook()
    for row in (["Country: Jamaica"], ["Currency: USD"], [], header, ["Output 1", "UNDP", 1000, 2000, 3000]):
        book.active.append(row)
    book.save(path)
    summary = run_load([path], database)
    assert summary.rejected == []
    assert rows_of(database, "SELECT programme_year, budget FROM expenditure ORDER BY 1") == expected


# --- one column's header twice ('Meta' under 'Acumulado' and again under 'Del período') ---------------------------

def _two_groups(path, title, groups, header, row):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    first = len(header) - 4
    for values in ([f"{title} 2016 - Ecuador"], [None] * first + [groups[0], None, groups[1], None], header, row):
        sheet.append(values)
    sheet.merge_cells(start_row=2, start_column=first + 1, end_row=2, end_column=first + 2)
    sheet.merge_cells(start_row=2, start_column=first + 3, end_row=2, end_column=first + 4)
    book.save(path)
    return path


def test_a_column_headed_twice_under_group_labels_it_cannot_read_is_read_in_neither(tmp_path, database):
    """Before, the first 'Meta' and 'Logrado' (under 'Acumulado', cumulative: 30 and 25) loaded as the period's
    target and actual, and the period's own (10 and 8) were dropped, said only as columns with no known header.
    Which to read cannot be told: neither is, and the sheet says why."""
    path = _two_groups(tmp_path / "ECU.xlsx", "Matriz de resultados", ("Acumulado", "Del período"),
                       ["Producto", "Código del indicador", "Indicador", "Unidad", "Sentido", "Línea de base",
                        "Período", "Meta", "Logrado", "Meta", "Logrado"],
                       ["Producto 1", "1.1", "Número de municipios", "número", "Ascendente", 2, "2016/17 H1", 30, 25,
                        10, 8])
    summary = run_load([path], database, as_of=dt.date(2017, 7, 31))
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM results WHERE target = 30 OR actual = 25").fetchone() == (0,)
    assert [w.detail for w in summary.warnings if w.kind == "header not read"] == [
        f"2 columns are headed as the Period {what} ('{name}' in column {first}, '{name}' in column {second}): which "
        "one to read cannot be told, so none is read; rename them, or delete the ones not meant"
        for what, name, first, second in (("target", "Meta", "H", "J"), ("actual", "Logrado", "I", "K"))]
    assert not [w for w in summary.warnings if w.kind == "column not used"]  # the note says why, once


def test_an_amount_headed_twice_under_two_agencies_is_read_in_neither(tmp_path, database):
    """Before, a work plan with 'Presupuesto' under 'PNUD' and again under 'OIM' loaded UNDP's 10,000 as the
    activity's budget; IOM's 5,000 was lost, said only as a column with no known header."""
    path = _two_groups(tmp_path / "ECU-awp.xlsx", "Plan de trabajo", ("PNUD", "OIM"),
                       ["Producto", "Código", "Actividad", "Responsable", "Estado", "Inicio previsto", "Fin previsto",
                        "Comentario", "Presupuesto", "Moneda", "Presupuesto", "Moneda"],
                       ["Producto 1", "1.1", "Taller", "PNUD", "En curso", dt.date(2016, 3, 1), dt.date(2016, 6, 30),
                        None, 10000, "USD", 5000, "USD"])
    summary = run_load([path], database, as_of=dt.date(2017, 7, 31))
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT budget FROM activities").fetchall() in ([], [(None,)])
    assert [w.detail for w in summary.warnings if w.kind == "header not read"][:1] == [
        "2 columns are headed as the Budget ('Presupuesto' in column I, 'Presupuesto' in column K): which one to "
        "read cannot be told, so none is read; rename them, or delete the ones not meant"]


def test_a_value_header_naming_a_period_beside_a_period_column_is_said(tmp_path, database):
    """Before, 'Cible 2016' and 'Réalisé 2016' beside a 'Période' column were said only as headers no known column
    has, which is not so: they name the target and actual of a period, which the Période column gives."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Matrice de résultats"
    for row in (["Matrice des résultats - Tunisie"],
                ["Produit", "Code indicateur", "Indicateur", "Unité", "Sens", "Valeur de référence", "Période",
                 "Cible 2016", "Réalisé 2016"],
                ["Produit 1", "1.1", "Nombre A", "nombre", "Hausse", 2, "2016/17 H1", 4, 3]):
        sheet.append(row)
    book.save(tmp_path / "TUN.xlsx")
    summary = run_load([tmp_path / "TUN.xlsx"], database, as_of=dt.date(2017, 7, 31))
    assert [w.detail for w in summary.warnings if w.kind == "header not read"] == [
        f"the header '{header}' names the Period {what} of a period beside the 'Période' column, which gives each "
        "row's period: its column is not read; head it without the period"
        for header, what in (("Cible 2016", "target"), ("Réalisé 2016", "actual"))]
    assert not [w for w in summary.warnings if w.kind == "column not used"]


def test_a_results_matrix_without_a_period_read_as_an_indicator_table_says_so(tmp_path, database):
    """Before, a results matrix whose title names a year ('Matrice des résultats 2016') but no reporting period
    went to the indicator table, which no page of results shows, without a word of it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Matrice de résultats"
    for row in (["Matrice des résultats 2016 - Maroc"],
                ["Produit", "Code indicateur", "Indicateur", "Unité", "Sens", "Valeur de référence", "Cible", "Réalisé"],
                ["Produit 1", "1.1", "Nombre de ministères", "nombre", "Hausse", 2, 4, 3]):
        sheet.append(row)
    book.save(tmp_path / "MAR.xlsx")
    summary = run_load([tmp_path / "MAR.xlsx"], database, as_of=dt.date(2017, 7, 31))
    assert summary.rows_by_table["results"] == 0 and summary.rows_by_table["indicator_table"] == 1
    assert [(w.row, w.detail) for w in summary.warnings if w.kind == "read as an indicator table"] == [(2, (
        "a results matrix but for its Period column: read as an indicator table (its values kept as reported, not "
        "among the programme's results the pages show); to load it as a results matrix, give each row its reporting "
        "period in a Period column ('2016/17 H1'), or the sheet's in a title row ('Period: 2016/17 H1')"))]


@pytest.mark.parametrize("merged", [True, False])
def test_a_header_repeated_beside_a_title_is_the_first_one_s(tmp_path, database, merged):
    """A copy of a column after the table ('Indicator code' again at the right, under no group label) is the
    first one's, as before: the label of a title above some columns does not make the two unlike."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Results matrix"
    header = ["Output", "Indicator code", "Indicator", "Unit", "Direction", "Country", "Baseline", "Period",
              "Period target", "Period actual"]
    for row in (["Results matrix - Jamaica"], header + [None, "Indicator code"],
                ["Output 1", "1.1", "Policies adopted", "policies", "higher is better", "Jamaica", 0, "2015/16 H1", 4,
                 3, None, "1.1"]):
        sheet.append(row)
    if merged:
        sheet.merge_cells("A1:E1")
    book.save(tmp_path / "JAM.xlsx")
    summary = run_load([tmp_path / "JAM.xlsx"], database, as_of=dt.date(2017, 7, 31))
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT indicator_code, target, actual FROM results").fetchall() == [("1.1", 4, 3)]
    assert not [w for w in summary.warnings if w.kind == "header not read"]


def test_a_bracket_opening_inside_a_bracketed_figure_is_read_not_a_damaged_file():
    """'Budget (1,000 usd (kdh)': a bracket opens before the figure's clause ends. Before, the reader stopped
    ('NoneType' object has no attribute 'group') and the workbook was refused as damaged. The figure followed by
    more than its currency is no scale; 'kdh', thousands of dirhams, is."""
    context = sheet_context([["Budget (1,000 usd (kdh)"]], [], load_reference())
    assert [(scale.power, scale.words) for scale in context.scales] == [(3, "(kdh)")]


@pytest.mark.parametrize("title, currency", [("Amounts in KGS '000; exchange rate 1 $ = 69.5 KGS", "KGS"),
                                             ("KGS '000 ($)", "KGS"), ("Budget in thousands of MAD (1 $ = 9.8 MAD)",
                                                                       "MAD"),
                                             ("KGS '000 dollars", None)])
def test_a_bare_dollar_sign_elsewhere_in_a_title_takes_no_currency_from_its_scale_words(title, currency):
    """A '$' beside a code ('1 $ = 69.5 KGS', a rate) leaves the scale's KGS: a first reading of en.toml's "$" as a
    name several currencies share took it as another currency, and the sheet lost its currency; 'dollars' does."""
    context = sheet_context([[title]], [], load_reference())
    assert [scale.currency for scale in context.scales] == [currency]


def test_a_long_group_label_naming_the_currency_is_read_whole(tmp_path, database):
    """A group label of 175 characters with '(EUR)' at character 86, over the amounts, no Currency column: the rows
    are in EUR (a first cut of long headers where they were read lost the EUR, and every row was refused)."""
    label = ("Amounts reported by the implementing partners of the programme for the period under review (EUR)"
             + " x" * 40)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Expenditure"
    sheet.append(["Country", "Output", "Agency", "Programme year", label, None, None])
    sheet.append([None, None, None, None, "Budget", "Funds received", "Expenditure"])
    sheet.merge_cells("E1:G1")
    for column in "ABCD":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.append(["Kyrgyzstan", "Output 1", "UNDP", 2015, 150, 100, 80])
    path = tmp_path / "KGZ.xlsx"
    book.save(path)
    assert len(label) > 170 and label.index("(EUR)") > 80
    summary = run_load([path], database)
    assert problems_of(summary) == []
    assert rows_of(database, "SELECT currency, budget FROM expenditure") == [("EUR", 150)]


def test_many_title_notes_are_said_in_a_row_s_message_three_at_most(tmp_path, database):
    """1,000 title cells each naming no country, a Country column missing: each row's message says three of the
    title's notes and how many more, where it said all 1,000 (100 KB a row; 3.4 GB for 2,000 rows)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Expenditure"
    sheet.append([f"Country: nowhere {n}" for n in range(1_000)])
    sheet.append(["Country", "Output", "Agency", "Programme year", "Budget (USD)", "Expenditure (EUR)"])
    sheet.append(["Serbia", "Output 1", "UNDP", 2015, 150, 100])
    path = tmp_path / "budget.xlsx"
    book.save(path)
    summary = run_load([path], database)
    messages = problems_of(summary)
    assert any("names no country the reader knows" in message and "; and 997 more)" in message
               for message in messages), messages
    assert messages and all(len(message) < 2_000 for message in messages)


def test_months_under_a_long_group_label_naming_the_year_roll_over_into_the_next(tmp_path, database):
    """A group label of 160 characters naming 2015/16 over August ... July: December and January are 2015 and 2016,
    July 2016 (a first cut of long headers where they were read made each month a group of its own, every one
    in 2015, unsaid)."""
    label = "Timeframe 2015/16 (programme year, August to July, as agreed with the partners" + " x" * 40 + ")"
    months = ["August", "September", "October", "November", "December", "January", "February", "March", "April",
              "May", "June", "July"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Work plan"
    sheet.append(["Output", "Activity", "Country", "Lead agency", label] + [None] * 11)
    sheet.append([None] * 4 + months)
    sheet.merge_cells("E1:P1")
    for column in "ABCD":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.append(["Output 1", "Launch", "Serbia", "UNDP", None, None, None, None, "X", "X"])
    sheet.append(["Output 1", "Review", "Serbia", "UNDP"] + [None] * 11 + ["X"])
    path = tmp_path / "SRB-awp.xlsx"
    book.save(path)
    assert len(label) > 150
    summary = run_load([path], database)
    assert problems_of(summary) == []
    assert rows_of(database, "SELECT planned_start, planned_end FROM activities ORDER BY source_row") == [
        (dt.date(2015, 12, 1), dt.date(2016, 1, 31)), (dt.date(2016, 7, 1), dt.date(2016, 7, 31))]


@pytest.mark.parametrize("header_read", [True, False])
def test_the_title_rows_above_a_row_are_read_once_for_every_sheet_kind_tried(monkeypatch, header_read):
    """A sheet recognised by its header tries each sheet kind on its first rows; the title above a row was read
    again for each kind (a CSV under a 30,000-character title whose header is not read: 8.3 s, now 2.3 s)."""
    from etl import layout
    reads = []

    def counted(title_rows, names, reference, memo=None):
        reads.append(len(title_rows))
        return sheet_context(title_rows, names, reference, memo)

    monkeypatch.setattr(layout, "sheet_context", counted)
    header = ["Country", "Output", "Agency", "Programme year", "Budget" if header_read else "Budget (x)",
              "Funds received", "Expenditure", "Currency"]
    rows = [["Expenditure 2015, thousands"], ["Prepared by the PMU"], header,
            ["Serbia", "Output 1", "UNDP", "2015", 1000, 800, 600, "USD"]]
    recognised = layout.recognise_csv(rows, load_reference(), "expenditure.csv")
    assert (recognised is not None) == header_read
    assert reads and sorted(reads) == sorted(set(reads))  # each row's title rows once, whatever the kinds tried
    if not header_read:
        reads.clear()
        assert layout.nearest_kind(rows, load_reference()).sheet_spec.title == "Expenditure"
        assert reads and sorted(reads) == sorted(set(reads))


def test_a_title_row_is_read_once_for_the_contexts_of_every_row_below_it(monkeypatch):
    """The context above row k holds title rows 1..k-1: each was read again for each k (a CSV under a
    30,000-character title and 29 rows that might be a header: 9.2 s to recognise; 30 contexts now 1.0 s, were
    7.9 s). The contexts read so are those read alone."""
    from etl import layout, title_block
    reference = load_reference()
    rows = [["Amounts in thousands of dollars (USD)"], ["Country: Serbia"]] + [["Country", "Output", "x"]] * 6
    alone = [sheet_context(rows[:index], [("KGZ", "file name")], reference) for index in range(len(rows) + 1)]
    reads = []
    scales = title_block._scales
    monkeypatch.setattr(title_block, "_scales", lambda text, *rest: reads.append(text) or scales(text, *rest))
    contexts = layout.TitleContexts(rows, [("KGZ", "file name")], reference)
    assert [contexts.above(index)() for index in range(len(rows) + 1)] == alone
    assert reads.count("Amounts in thousands of dollars (USD)") == 1 and reads.count("KGZ") == 1


def test_a_sheet_named_as_ours_without_its_header_names_only_what_the_title_does_not_give(tmp_path, database):
    """'Country: Serbia' above an Expenditure header lacking Country and Currency: the refusal asks for Currency
    only (before, for 'Country' too, though the title gives it): the nearest row is found as for a sheet named
    otherwise (layout._nearest), not by a second rule of its own."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Expenditure"
    sheet.append(["Country: Serbia"])
    sheet.append(["Output", "Agency", "Programme year", "Budget", "Funds received", "Expenditure"])
    book.save(tmp_path / "SRB.xlsx")
    with pytest.raises(UnreadableFile, match=r"^SRB.xlsx › Expenditure: no header row found in the first 30 rows: "
                                             r"expected the columns 'Currency'$"):
        run_load([tmp_path / "SRB.xlsx"], database)
