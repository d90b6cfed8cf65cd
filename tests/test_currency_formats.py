"""Currencies beside numbers. A number format that names a currency ('#,##0 "KGS"', '[$€-x-euro2] #,##0'): an
amount whose row names no currency is read in it and said; one whose Currency names another is refused, saying
the format shows it (etl/ooxml.py `_currency_named`, etl/formatted.py CurrencyShown, etl/transform.py). An
indicator value typed with a currency ('KGS 450 000') is compared with its unit (etl/plausibility.py). In both
lanes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest
from openpyxl import Workbook

from etl.formatted import CurrencyShown
from etl.load import run_load
from etl.ooxml import _currency_named, _format_kind, _literal_text, shows_currency
from etl.parse import FormatCurrencies
from etl.reference import load_reference

from .helpers.lanes import assert_same, load_both
from .helpers.rows import good_rows

AS_OF = dt.date(2017, 7, 31)
HEADER = ["Expected Outputs", "Planned Activities", "Q1", "Q2", "Q3", "Q4", "Responsible Party", "Amount", "Currency"]


def work_plan(path: Path, formats: dict[str, str], currencies: tuple = (None, "USD", None)) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "AWP"
    for row in (["Annual Work Plan 2015 – Kyrgyzstan"], [], HEADER,
                ["Output 1", "Consultations", "X", None, None, None, "UNDP", 450000, currencies[0]],
                ["Output 1", "Mapping", None, "X", None, None, "UNDP", 20000, currencies[1]],
                ["Output 2", "Profile", None, "X", None, None, "IOM", 30000, currencies[2]]):
        sheet.append(row)
    for cell, number_format in formats.items():
        sheet[cell].number_format = number_format
    book.save(path)
    return path


def rows_of(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


ACTIVITIES = "SELECT source_row, budget, currency FROM activities ORDER BY source_row"


@pytest.mark.parametrize("code, named", [
    ('#,##0 "KGS"', "KGS"), ("[$€-x-euro2] #,##0.00", "[$€-x-euro2]"), ("[$KGS] #,##0", "[$KGS]"), ("€#,##0", "€"),
    ('#,##0 "сом"', "сом"), ("[$R$-416] #,##0.00", "[$R$-416]"), ('#,##0.00\\ "р."', "р."),  # a word: maybe one
    ('0 "days"', "days"),  # a short word: FormatCurrencies tells it is none
    ('#,##0 "€"', "€"), ('#,##0 "KGS";[Red]-#,##0 "KGS"', "KGS"), ('"US$"#,##0', "US$"),
    ("[$-409]#,##0", None),  # a locale without a sign
    ('"$"#,##0_);("$"#,##0)', None), ("[$$-409]#,##0", "[$$-409]"),  # a bare dollar; one of a locale
    ("#,##0_€", None),  # '_' pads with the width of '€': nothing is shown
    ('0 "officials"', "officials"), ('#,##0 "USD" "EUR"', "USD EUR"),  # a word (which says none); two currencies
    ('#,##0" тыс. сом"', "тыс. сом"), ('#,##0" K KGS"', "K KGS"),  # a scale and a currency
])
def test_the_currency_a_number_format_names(code, named):
    assert _currency_named(code) == named
    assert shows_currency(_format_kind(code)) is (named is not None)


@pytest.mark.parametrize("code, text", [('#,##0" K"', "k"), ('"K"#,##0', ""), ("#,##0_k", ""), ('#,##0\\k', "k"),
                                        ('#,##0" kUSD"', "k"), ("#,##0*k", "")])
def test_the_literal_text_after_the_digits_is_read_as_before(code, text):
    assert _literal_text(code) == text


def test_an_amount_with_no_currency_is_read_in_the_one_its_format_shows_and_said(tmp_path, monkeypatch):
    path = work_plan(tmp_path / "KGZ-awp.xlsx", {"H4": '#,##0 "KGS"'})
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    assert_same(per_cell, fast)
    assert rows_of(per_cell, ACTIVITIES) == [(4, Decimal("450000.00"), "KGS"), (5, Decimal("20000.00"), "USD"),
                                             (6, Decimal("30000.00"), "USD")]
    assert rows_of(per_cell, """SELECT "row", "column", message FROM load_warnings
                                WHERE kind = 'currency from the format'""") == [(4, "Amount", (
        "KGZ-awp.xlsx › AWP › row 4 › column Amount: no currency: read in the one the amount's number format shows "
        "('KGS'); if that is right, write it in the Currency column"))]


def test_an_amount_whose_format_shows_another_currency_than_its_row_is_refused(tmp_path, database):
    summary = run_load([work_plan(tmp_path / "KGZ-awp.xlsx", {"H5": "[$€-x-euro2] #,##0"})], database, as_of=AS_OF)
    assert [(r.row, p.expected) for r in summary.rejected for p in r.problems] == [
        (5, "an amount in USD (the Currency column), not in EUR (its number format shows '€'): fix the amount or "
            "the currency")]


def test_a_dollar_format_changes_nothing(tmp_path, database):
    run_load([work_plan(tmp_path / "KGZ-awp.xlsx", {"H4": '"$"#,##0', "H5": "[$$-409]#,##0"},
                        currencies=("KGS", "KGS", None))], database, as_of=AS_OF)
    assert rows_of(database, ACTIVITIES) == [(4, Decimal("450000.00"), "KGS"), (5, Decimal("20000.00"), "KGS"),
                                             (6, Decimal("30000.00"), "USD")]


@pytest.mark.parametrize("code, currency, rejected", [
    ('#,##0.00 "KGS"', "KGS", []), ('#,##0 "€ HT"', "EUR", []), ('#,##0" тыс. сом"', "KGS", []),
    ('"CA$"#,##0', None, [2]), ('0 "days"', "USD", []),
])
def test_the_template_s_work_plan_reads_a_format_s_currency_in_both_lanes(write_workbook, tmp_path, monkeypatch,
                                                                          code, currency, rejected):
    rows = good_rows()
    book = openpyxl.load_workbook(write_workbook(rows))
    sheet = book["Work plan"]
    header = [cell.value for cell in sheet[1]]
    budget, currency_column = header.index("Budget") + 1, header.index("Currency") + 1
    sheet.cell(2, budget).number_format = code
    sheet.cell(2, currency_column).value = None
    book.save(tmp_path / "formatted.xlsx")
    per_cell, fast, _ = load_both([tmp_path / "formatted.xlsx"], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert sorted({row[2] for row in found["rejected_rows"]}) == rejected
    assert rows_of(per_cell, "SELECT currency FROM activities WHERE source_row = 2") == (
        [(currency,)] if currency else [])


def test_the_format_s_currency_is_not_said_of_a_row_a_rule_across_its_cells_refuses(write_workbook, tmp_path,
                                                                                    monkeypatch):
    """Before, a row whose planned end is before its start (refused by a rule across its cells, after its cells
    were read) was still named in the 'currency from the format' warning, as read in KGS."""
    rows = good_rows()
    rows["workplan"][1].update(planned_start="Q3 2015", planned_end="Q1 2015")
    book = openpyxl.load_workbook(write_workbook(rows))
    sheet = book["Work plan"]
    header = [cell.value for cell in sheet[1]]
    for row in (2, 3):
        sheet.cell(row, header.index("Budget") + 1).number_format = '#,##0 "KGS"'
        sheet.cell(row, header.index("Currency") + 1).value = None
    book.save(tmp_path / "formatted.xlsx")
    per_cell, fast, _ = load_both([tmp_path / "formatted.xlsx"], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert {row[2] for row in found["rejected_rows"]} == {3}
    assert rows_of(per_cell, """SELECT "row", message FROM load_warnings
                                WHERE kind = 'currency from the format'""") == [(2, (
        "formatted.xlsx › Work plan › row 2 › column Budget: no currency: read in the one the amount's number format "
        "shows ('KGS'); if that is right, write it in the Currency column"))]


# --- an indicator value typed with a currency ('KGS 450 000') --------------------------------------------------

@pytest.mark.parametrize("unit, rejected, warned", [
    ("USD", ["a value in USD (the unit 'USD'), not in KGS: fix the value or the unit"], []),
    ("officials", [], ["the value names KGS, but the unit 'officials' names no currency: read as 450000, its "
                       "currency not kept; if it is money, name the currency in the unit"]),
    ("KGS", [], []),
])
def test_a_value_typed_with_a_currency_is_compared_with_its_unit_in_both_lanes(write_workbook, tmp_path, monkeypatch,
                                                                                unit, rejected, warned):
    rows = good_rows()
    first = rows["results"][1]  # 2014/15 H2 of indicator 1.1
    first.update(unit=unit, actual="KGS 450 000", target=500000)
    for row in rows["results"]:
        if row["indicator_code"] == first["indicator_code"]:
            row["unit"] = unit
    path = write_workbook(rows)
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert [row[6] for row in found["rejected_rows"]] == rejected
    assert [message.split(": ", 1)[1] for (message,) in rows_of(
        per_cell, "SELECT message FROM load_warnings WHERE kind = 'currency not in the unit'")] == warned


@pytest.mark.parametrize("code", ['#,##0 "PCS"', '0 "NGO"', '0 "days"', '"$"#,##0', '#,##0" $/day"'])
def test_a_format_naming_no_currency_changes_nothing(tmp_path, database, code):
    """Three capitals ('PCS') and a short word ('days') are no currency, and a bare dollar may be any."""
    summary = run_load([work_plan(tmp_path / "KGZ-awp.xlsx", {"H4": code}, currencies=(None, "KGS", None))], database,
                       as_of=AS_OF)
    assert summary.rejected == []
    assert rows_of(database, ACTIVITIES)[0] == (4, Decimal("450000.00"), "USD")
    assert not [w for w in summary.warnings if w.kind == "currency from the format"]


def load_a_value(write_workbook, database: Path, unit: str, value: str):
    """The template's workbook with indicator 1.1 in `unit` and its 2014/15 H2 actual typed as `value`, loaded."""
    rows = good_rows()
    for row in rows["results"]:
        if row["indicator_code"] == "1.1":
            row.update(unit=unit)
            if row["period"] == "2014/15 H2":
                row["actual"] = value
    return run_load([write_workbook(rows)], database, as_of=AS_OF)


@pytest.mark.parametrize("unit, value", [("JMD", "$450,000"), ("J$ million", "$12")])
def test_a_bare_dollar_in_a_value_is_no_currency_against_the_unit(write_workbook, tmp_path, database, unit, value):
    summary = load_a_value(write_workbook, database, unit, value)
    assert summary.rejected == []
    assert not [w for w in summary.warnings if w.kind == "currency not in the unit"]


def test_an_iso_currency_without_a_rate_in_a_value_is_said(write_workbook, tmp_path, database):
    summary = load_a_value(write_workbook, database, "officials", "TOP 10")
    assert summary.rejected == []
    assert [w.detail for w in summary.warnings if w.kind == "currency not in the unit"] == [
        "the value names TOP, but the unit 'officials' names no currency: read as 10, its currency not kept; if it "
        "is money, name the currency in the unit"]


@pytest.mark.parametrize("value", ["12 CSO", "INS 2015", "HCP 2014", "ODD 5", "PAN 2"])
def test_three_capitals_beside_a_number_that_are_no_currency_make_it_no_number(write_workbook, tmp_path, database,
                                                                               value):
    """Before, any three capitals before or after a number were taken off as a currency: 'INS 2015' (a source
    and its year, in a French matrix) loaded as 2015, 'ODD 5' as 5, unsaid. Only an ISO 4217 code is one; the
    value is refused as '12 officials' is, and nothing is said of a currency."""
    summary = load_a_value(write_workbook, database, "CSOs", value)
    assert [(r.row, p.column, p.expected) for r in summary.rejected for p in r.problems] == [
        (4, "Period actual", "a number")]
    assert not [w for w in summary.warnings if w.kind == "currency not in the unit"]


def test_a_currency_without_an_exchange_rate_but_with_a_sign_still_counts(tmp_path, database):
    """'£' is GBP, a currency whatever the programme's rates: an amount formatted in pounds under a row in USD is
    refused, as before."""
    summary = run_load([work_plan(tmp_path / "KGZ-awp.xlsx", {"H5": '"£"#,##0'})], database, as_of=AS_OF)
    assert [(r.row, p.expected) for r in summary.rejected for p in r.problems] == [
        (5, "an amount in USD (the Currency column), not in GBP (its number format shows '£'): fix the amount or "
            "the currency")]


# --- a currency a format shows by its name or its locale, or cannot tell --------------------------------------

@pytest.mark.parametrize("code, currency", [
    ('#,##0 "сом"', "KGS"), ('#,##0 "lei"', "MDL"),  # a currency's name in a language file
    ("[$сом-440] #,##0", "KGS"), ("[$৳-845] #,##0", "BDT"), ("[$лв.-402] #,##0", None),  # a bracket's locale
    ("[$lei-418] #,##0", "RON"), ("[$R$-0416] #,##0", "BRL"),  # the locale says whose 'lei' is; a leading zero
    ('#,##0 "€ HT"', "EUR"), ('"ca. "#,##0 "KGS"', "KGS"), ('#,##0 "KGS per day"', "KGS"),  # words beside one
    ('#,##0 "DH"', "MAD"), ('#,##0.00 "DT"', "TND"), ('#,##0.00\\ "дин."', "RSD"), ('#,##0 "৳"', "BDT"),  # signs
    ('#,##0 "euros"', "EUR"), ('#,##0 "сомов"', "KGS"),  # longer names
    ('#,##0 "dinars"', None), ('#,##0 "dollars"', None), ('#,##0 "dólares"', None),  # names several share
    ('#,##0 "Jamaican dollars"', "JMD"), ('#,##0 "dinars serbes"', "RSD"), ('#,##0 "US dollars"', "USD"),
    ('#,##0 "долл. США"', "USD"),  # a name of one, of two words (before, 'US dollars' was a weak dollar)
    ('#,##0 "dólares estadounidenses"', "USD"),  # a word of 15 letters
    ('[$USD] #,##0 "dollars"', "USD"), ('#,##0 "KGS" "dollars"', None),  # a shared name beside a code it may be
    ("[$$-en-US]#,##0.00", "USD"), ("[$R$-pt-BR] #,##0", "BRL"),  # a locale by its tag, as Excel writes it now
])
def test_a_format_s_currency_is_told_by_its_name_or_its_locale(code, currency):
    reference = load_reference()
    shown = CurrencyShown(450000, _currency_named(code))
    reading = FormatCurrencies(reference).read(shown)
    assert (reading.code, reading.untold) == (currency, currency is None)


def test_an_amount_in_a_currency_the_format_names_in_words_is_read_in_it(tmp_path, database):
    """Before, '450 000 сом' (a Kyrgyz office's format) with an empty Currency cell loaded as 450,000 USD."""
    summary = run_load([work_plan(tmp_path / "KGZ-awp.xlsx", {"H4": '#,##0 "сом"', "H6": "[$৳-845] #,##0"},
                                  currencies=(None, "USD", None))], database, as_of=AS_OF)
    assert summary.rejected == []
    assert rows_of(database, ACTIVITIES) == [(4, Decimal("450000.00"), "KGS"), (5, Decimal("20000.00"), "USD"),
                                             (6, Decimal("30000.00"), "BDT")]
    assert [(w.row, w.detail) for w in summary.warnings if w.kind == "currency from the format"] == [
        (4, "rows 4, 6 name no currency: read each in the one its amount's number format shows ('сом' is KGS, '৳' is "
            "BDT); if that is right, write it in the Currency column")]


@pytest.mark.parametrize("code, expected", [
    ('#,##0 "dinars"', "the amount's currency in the Currency column: its number format shows 'dinars', which "
                       "this reader cannot tell as one currency"),  # before, read as TND: a Serbian office's RSD
    ('"CA$"#,##0', "the amount's currency in the Currency column: its number format shows 'CA$', which this "
                   "reader cannot tell as one currency"),
    ("[$Bs-400A] #,##0", "the amount's currency in the Currency column: its number format shows 'Bs', which this "
                         "reader cannot tell as one currency"),
    ("¥#,##0", "the amount's currency in the Currency column: its number format shows '¥', which this reader "
               "cannot tell as one currency"),
    ('#,##0 "USD" "EUR"', "the amount's currency in the Currency column: its number format shows 'USD EUR', which "
                          "this reader cannot tell as one currency"),
    ("[$R$-416] #,##0.00", "an amount in a currency with a shipped exchange rate (BDT, CHF, EUR, JMD, KGS, MAD, MDL, "
                           "RSD, TND, USD): its number format shows 'R$', which is BRL"),
])
def test_an_amount_in_a_currency_the_reader_cannot_take_is_refused_not_read_in_dollars(tmp_path, database, code,
                                                                                       expected):
    """Before, these loaded as 450,000 USD, unsaid."""
    summary = run_load([work_plan(tmp_path / "KGZ-awp.xlsx", {"H4": code})], database, as_of=AS_OF)
    assert [(r.row, p.column, p.expected) for r in summary.rejected for p in r.problems] == [(4, "Amount", expected)]
    assert rows_of(database, "SELECT source_row FROM activities ORDER BY 1") == [(5,), (6,)]


def test_a_currency_cell_says_what_a_format_cannot(tmp_path, database):
    """The Currency cell is read where the format's currency cannot be told; a currency's name there is its code."""
    summary = run_load([work_plan(tmp_path / "KGZ-awp.xlsx", {"H4": "[$Bs-400A] #,##0", "H5": "[$€-x-euro2] #,##0"},
                                  currencies=("KGS", "euro", None))], database, as_of=AS_OF)
    assert summary.rejected == []
    assert rows_of(database, ACTIVITIES)[:2] == [(4, Decimal("450000.00"), "KGS"), (5, Decimal("20000.00"), "EUR")]


# --- a scale a format shows in words ('150 тыс.') --------------------------------------------------------------

@pytest.mark.parametrize("code, currency, power", [
    ('#,##0" тыс."', None, 3), ('#,##0" тыс. сом"', "KGS", 3), ('#,##0" млн"', None, 6), ('# ##0" mii lei"', "MDL", 3),
    ('#,##0" K KGS"', "KGS", 3), ('#,##0" KGS"', "KGS", 0),
    ('#,##0" thousand USD"', "USD", 3), ('#,##0" тысяч сом"', "KGS", 3),  # a title's word beside a currency only
])
def test_a_format_s_words_say_its_scale_and_its_currency(code, currency, power):
    reading = FormatCurrencies(load_reference()).read(CurrencyShown(150, _currency_named(code)))
    assert (reading.code, reading.power, reading.untold) == (currency, power, False)


def test_an_amount_shown_with_a_scale_word_is_read_in_that_scale(tmp_path, database):
    """Before, '450 тыс. сом' (a format writing 'thousand' in Russian) loaded as 450 USD, and '20 млн' as 20."""
    summary = run_load([work_plan(tmp_path / "KGZ-awp.xlsx", {"H4": '#,##0" тыс. сом"', "H5": '#,##0" млн"'},
                                  currencies=(None, "KGS", None))], database, as_of=AS_OF)
    assert summary.rejected == []
    assert rows_of(database, ACTIVITIES)[:2] == [(4, Decimal("450000000.00"), "KGS"),
                                                 (5, Decimal("20000000000.00"), "KGS")]
    assert [(w.row, w.detail) for w in summary.warnings if w.kind == "scaled format"] == [
        (4, "its number format shows 450000 followed by a sign for thousands: read as 450000000"),
        (5, "its number format shows 20000 followed by a sign for millions: read as 20000000000")]


# --- an empty Currency cell under a title naming the currency -------------------------------------------------

def test_an_empty_currency_cell_is_read_in_the_title_s_currency_not_the_default(tmp_path, database):
    """Before, 'Currency: KGS' above a work plan whose Currency cells were left empty loaded them in USD, unsaid."""
    book = Workbook()
    sheet = book.active
    sheet.title = "AWP"
    for row in (["Annual Work Plan 2015 – Kyrgyzstan"], ["Currency: KGS"], [], HEADER,
                ["Output 1", "Consultations", "X", None, None, None, "UNDP", 450000, None],
                ["Output 1", "Mapping", None, "X", None, None, "UNDP", 20000, "KGS"],
                ["Output 2", "Profile", None, "X", None, None, "IOM", 30000, None]):
        sheet.append(row)
    sheet["H7"].number_format = '#,##0 "€"'
    book.save(tmp_path / "KGZ-awp.xlsx")
    summary = run_load([tmp_path / "KGZ-awp.xlsx"], database, as_of=AS_OF)
    assert rows_of(database, ACTIVITIES) == [(5, Decimal("450000.00"), "KGS"), (6, Decimal("20000.00"), "KGS")]
    assert [(r.row, p.expected) for r in summary.rejected for p in r.problems] == [
        (7, "an amount in KGS (the title row 2 'Currency: KGS'), not in EUR (its number format shows '€'): fix the "
            "amount or the currency")]
    assert [(w.row, w.detail) for w in summary.warnings if w.column == "Currency"] == [
        (5, "no Currency: read as 'KGS', from the title row 2 'Currency: KGS'")]


def test_a_template_sheet_under_a_currency_title_reads_its_empty_cells_in_it_in_both_lanes(write_workbook, tmp_path,
                                                                                           monkeypatch):
    book = openpyxl.load_workbook(write_workbook(good_rows()))
    sheet = book["Expenditure"]
    header = [cell.value for cell in sheet[1]]
    sheet.insert_rows(1, 2)
    sheet["A1"] = "Currency: EUR"
    for row in range(4, sheet.max_row + 1):
        sheet.cell(row, header.index("Currency") + 1).value = None
    book.save(tmp_path / "titled.xlsx")
    per_cell, fast, _ = load_both([tmp_path / "titled.xlsx"], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert found["rejected_rows"] == []
    assert rows_of(per_cell, "SELECT DISTINCT currency FROM expenditure") == [("EUR",)]


# --- a dollar, and a locale's currency: weak ------------------------------------------------------------------

def test_a_dollar_format_fills_an_empty_currency_and_never_refuses_a_stated_one(tmp_path, database):
    """'[$$-2009]' (Jamaica's locale) on an amount with no currency is read in JMD, said; '[$$-409]' and
    '"dollars"' on amounts whose Currency says JMD are read in JMD: a template's format left over refuses
    nothing, as a bare '$' does not. Before, the first loaded in USD, unsaid."""
    summary = run_load([work_plan(tmp_path / "JAM-awp.xlsx", {"H4": "[$$-2009] #,##0", "H5": "[$$-409] #,##0",
                                                              "H6": '#,##0 "dollars"'},
                                  currencies=(None, "JMD", "JMD"))], database, as_of=AS_OF)
    assert summary.rejected == []
    assert rows_of(database, "SELECT source_row, currency FROM activities ORDER BY 1") == [
        (4, "JMD"), (5, "JMD"), (6, "JMD")]
    assert [(w.row, w.detail) for w in summary.warnings if w.kind == "currency from the format"] == [
        (4, "no currency: read in the one the amount's number format shows ('$' is JMD); if that is right, write it "
            "in the Currency column")]
    assert [(w.row, w.detail) for w in summary.warnings if w.kind == "currency of the format set aside"] == [
        (5, "rows 5-6 are read in their rows' currency (JMD from the Currency column), not in the one their amounts' "
            "number formats may show ('$' may be USD, 'dollars'); if the format is right, fix the "
            "currency")]


def test_a_currency_cell_naming_a_dollar_only_is_refused_on_both_lanes(tmp_path, monkeypatch):
    """A Currency cell 'dollars' may be JMD or USD: the row is refused, naming both (before, read as USD, unsaid);
    'Jamaican dollars' and 'US dollars' are read, on both lanes alike."""
    path = work_plan(tmp_path / "JAM-awp.xlsx", {}, currencies=("dollars", "Jamaican dollars", "US dollars"))
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert [(row[2], row[6]) for row in found["rejected_rows"]] == [
        (4, "the currency's code: 'dollars' is the name of more than one (JMD, USD)")]
    assert rows_of(per_cell, "SELECT source_row, currency FROM activities ORDER BY 1") == [(5, "JMD"), (6, "USD")]


def test_excel_s_us_dollar_format_by_its_locale_tag_is_no_other_currency(tmp_path, database):
    """'[$$-en-US]' is what Excel now writes for its US dollar format. Before, its '$' was a currency not told:
    every row in USD under it was warned of, and a row with no currency was refused."""
    summary = run_load([work_plan(tmp_path / "KGZ-awp.xlsx", {"H4": "[$$-en-US]#,##0,", "H5": "[$$-en-US]#,##0.00",
                                                              "H6": "_-[$$-en-US]* #,##0.00_ ;_-[$$-en-US]* -#,##0.00 ;"
                                                                    '_-[$$-en-US]* "-"??_ ;_-@_ '},
                                  currencies=(None, "USD", "USD"))], database, as_of=AS_OF)
    assert summary.rejected == []
    assert rows_of(database, ACTIVITIES) == [(4, Decimal("450000.00"), "USD"), (5, Decimal("20000.00"), "USD"),
                                             (6, Decimal("30000.00"), "USD")]
    assert not [w for w in summary.warnings if w.kind == "currency of the format set aside"]


def test_a_format_s_currency_the_row_s_currency_was_read_over_is_said(tmp_path, database):
    """Before, '[$R$-416]' (BRL by its locale) on an amount whose row says USD loaded in USD, unsaid; and '"CA$"'
    on one whose empty Currency cell the title's KGS filled loaded in KGS, said only as the title's filling. The
    row's currency is read, and the reader says it is not sure, once per sheet."""
    summary = run_load([work_plan(tmp_path / "BRA-awp.xlsx", {"H5": "[$R$-416] #,##0"})], database, as_of=AS_OF)
    assert summary.rejected == [] and rows_of(database, ACTIVITIES)[1] == (5, Decimal("20000.00"), "USD")
    assert [(w.row, w.detail) for w in summary.warnings if w.kind == "currency of the format set aside"] == [
        (5, "read in USD from the Currency column, not in the one its number format may show ('R$' may be BRL); if the "
            "format is right, fix the currency")]
    book = openpyxl.load_workbook(work_plan(tmp_path / "KGZ-awp.xlsx", {"H4": '"CA$"#,##0'}, (None, None, None)))
    book.active["A2"] = "Currency: KGS"
    book.save(tmp_path / "KGZ-awp.xlsx")
    summary = run_load([tmp_path / "KGZ-awp.xlsx"], database, as_of=AS_OF)
    assert summary.rejected == [] and rows_of(database, ACTIVITIES)[0] == (4, Decimal("450000.00"), "KGS")
    assert [(w.row, w.detail) for w in summary.warnings if w.kind == "currency of the format set aside"] == [
        (4, "read in KGS from the title row 2 'Currency: KGS', not in the one its number format may show ('CA$'); if "
            "the format is right, fix the currency")]


@pytest.mark.parametrize("code, currency, power", [
    ("€#,##0\" K\"", "EUR", 3), ("#,##0\" K€\"", "EUR", 3), ("#,##0\" kEUR\"", "EUR", 3), ('"£"#,##0.0" M"', "GBP", 6),
    ('#,##0" тыс.сом"', "KGS", 3), ('#,##0"(KGS)"', "KGS", 0), ('#,##0" US$/day"', "USD", 0),
    ('#,##0" €/mois"', "EUR", 0), ('[$lei-418] #,##0 "MDL"', "MDL", 0),  # a code says more than a locale
    ('#,##0.0" M$"', None, 6), ('#,##0" BN$"', None, 9),  # a scale before any dollar
    ('#,##0" kMAD"', "MAD", 3), ('#,##0" kMDL"', "MDL", 3),  # a code that starts with a scale's letter
])
def test_a_currency_beside_a_scale_or_joined_to_a_word_is_read(code, currency, power):
    """Before, a format that also scales ('€#,##0" K"') lost its currency, and 'тыс.сом' its scale and currency."""
    reading = FormatCurrencies(load_reference()).read(CurrencyShown(150, _currency_named(code)))
    assert (reading.code, reading.power, reading.untold) == (currency, power, False)


@pytest.mark.parametrize("text, unit", [("12 един.", "тыс. един."), ("3", "Coordin. meetings"), ("12", "DHS visits")])
def test_a_sign_with_letters_is_a_sign_only_as_a_word_of_its_own(write_workbook, database, text, unit):
    """'дин.' (Serbian dinars) is no sign inside 'един.' (units) or 'Coordin.'."""
    summary = load_a_value(write_workbook, database, unit, text)
    assert not [w for w in summary.warnings if "currency" in w.kind]
    assert not [p for r in summary.rejected for p in r.problems if "RSD" in p.expected]


def test_a_title_s_currency_without_a_rate_is_refused_saying_the_cell_is_empty(tmp_path, database):
    book = Workbook()
    sheet = book.active
    sheet.title = "AWP"
    for row in (["Annual Work Plan 2015 – Kyrgyzstan"], ["Currency: RUB"], [], HEADER,
                ["Output 1", "Consultations", "X", None, None, None, "UNDP", 450000, None]):
        sheet.append(row)
    book.save(tmp_path / "KGZ-awp.xlsx")
    summary = run_load([tmp_path / "KGZ-awp.xlsx"], database, as_of=AS_OF)
    assert [(p.column, p.expected.split(": ")[0], p.expected.split(" (")[-1]) for r in summary.rejected
            for p in r.problems] == [("Currency", "a currency with a shipped exchange rate",
                                      "the cell is empty: its value is from the title row 2 'Currency: RUB')")]


def test_a_currency_excel_s_list_writes_refuses_a_currency_cell_naming_another(tmp_path, database):
    """'[$сом-440]' (what Excel writes when a Kyrgyz office picks 'сом') says KGS by its sign and its locale alike:
    an amount under it in a row in USD is refused, as under '#,##0 "сом"'."""
    summary = run_load([work_plan(tmp_path / "KGZ-awp.xlsx", {"H5": "[$сом-440] #,##0"})], database, as_of=AS_OF)
    assert [(r.row, p.expected) for r in summary.rejected for p in r.problems] == [
        (5, "an amount in USD (the Currency column), not in KGS (its number format shows 'сом'): fix the amount or "
            "the currency")]


def test_an_amount_under_a_scale_before_a_dollar_is_read_in_that_scale(tmp_path, database):
    summary = run_load([work_plan(tmp_path / "JAM-awp.xlsx", {"H5": '#,##0.0" M$"'}, currencies=(None, "JMD", None))],
                       database, as_of=AS_OF)
    assert summary.rejected == []
    assert rows_of(database, ACTIVITIES)[1] == (5, Decimal("20000000000.00"), "JMD")


# --- a format that scales by commas and names a currency ('[$€-x-euro2] #,##0,') ------------------------------

@pytest.mark.parametrize("code, kind", [
    ("[$€-x-euro2] #,##0,", "shown in thousands currency [$€-x-euro2]"),
    ('#,##0," тыс. сом"', "shown in thousands currency тыс. сом"),
    ('0.0,,"M"', "shown in millions"), ("#,##0,", "shown in thousands"),  # a scale's sign only: no currency
])
def test_a_comma_scaled_format_keeps_the_currency_it_names(code, kind):
    assert _format_kind(code) == kind


def test_an_amount_under_a_comma_scaled_currency_format_is_read_whole_in_that_currency_in_both_lanes(tmp_path,
                                                                                                   monkeypatch):
    """Before, '€450' ('[$€-x-euro2] #,##0,', 450000 stored) with an empty Currency cell loaded as 450,000 USD,
    said only as a scaled format; '20 тыс. сом' ('#,##0," тыс. сом"') as 20,000 USD. The whole amount is read, in
    the currency shown; a row naming another is refused."""
    path = work_plan(tmp_path / "KGZ-awp.xlsx", {"H4": "[$€-x-euro2] #,##0,", "H5": '#,##0," тыс. сом"',
                                                "H6": "[$€-x-euro2] #,##0,"}, currencies=(None, None, "USD"))
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert rows_of(per_cell, ACTIVITIES) == [(4, Decimal("450000.00"), "EUR"), (5, Decimal("20000.00"), "KGS")]
    assert {row[2] for row in found["rejected_rows"]} == {6}
    assert rows_of(per_cell, """SELECT "row", "column", message FROM rejected_rows""") == [(6, "Amount", (
        "KGZ-awp.xlsx › AWP › row 6 › column Amount: found '30' (30000 shown in thousands by its number format), "
        "expected an amount in USD (the Currency column), not in EUR (its number format shows '€'): fix the amount "
        "or the currency"))]
    assert rows_of(per_cell, """SELECT message FROM load_warnings WHERE kind = 'scaled format' ORDER BY "row" """) == [
        (f"KGZ-awp.xlsx › AWP › row {row} › column Amount: its number format shows {whole} as {shown}, in thousands: "
         f"read as stored, {whole}",) for row, whole, shown in ((4, 450000, 450), (5, 20000, 20))]
    assert rows_of(per_cell, "SELECT message FROM load_warnings WHERE kind = 'currency from the format'") == [(
        "KGZ-awp.xlsx › AWP › row 4 › column Amount: rows 4-5 name no currency: read each in the one its amount's "
        "number format shows ('сом' is KGS, '€' is EUR); if that is right, write it in the Currency column",)]


# --- a currency an amount's header names ('Budget (USD)') --------------------------------------------------------

@pytest.mark.parametrize("currencies, loaded, refused", [
    (("USD", "USD"), [(2, "USD"), (3, "USD")], []),
    (("MAD", None), [(3, "USD")], [(2, "Currency", "'USD', as the header 'Budget (USD)' says: the cell and the "
                                                      "header disagree, so correct the one that is wrong")]),
])
def test_an_amount_s_header_naming_a_currency_is_its_currency_in_both_lanes(write_workbook, tmp_path, monkeypatch,
                                                                            currencies, loaded, refused):
    """Before, a work plan's 'Budget (USD)' over a row whose Currency said MAD loaded the amount as MAD, unsaid.
    The header says the amounts' currency as a title row's 'Currency: USD' does: a Currency cell naming another
    is refused, an empty one read in it."""
    book = openpyxl.load_workbook(write_workbook(good_rows()))
    sheet = book["Work plan"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(1, header.index("Budget") + 1).value = "Budget (USD)"
    for row, currency in zip((2, 3), currencies):
        sheet.cell(row, header.index("Currency") + 1).value = currency
    book.save(tmp_path / "headed.xlsx")
    per_cell, fast, _ = load_both([tmp_path / "headed.xlsx"], tmp_path, monkeypatch)
    assert_same(per_cell, fast)
    assert rows_of(per_cell, "SELECT source_row, currency FROM activities ORDER BY 1") == loaded
    assert rows_of(per_cell, """SELECT "row", "column", expected FROM rejected_rows""") == refused
    assert rows_of(per_cell, "SELECT message FROM load_warnings WHERE kind = 'value from the title'") == ([(
        "headed.xlsx › Work plan › row 3 › column Currency: no Currency: read as 'USD', from the header "
        "'Budget (USD)'",)] if currencies[1] is None else [])


def test_an_amount_s_header_naming_another_currency_than_the_title_is_refused(tmp_path, database):
    """Before, 'Бюджет (USD)' under a title 'Валюта: KGS' loaded 150,000 as KGS (about $2,100), unsaid."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Расходы"
    for row in (["Отчёт о расходах 2015"], ["Валюта: KGS"],
                ["Страна", "Продукт", "Агентство", "Год", "Бюджет (USD)", "Получено", "Расходы", "Валюта"],
                ["Кыргызстан", "Output 1", "UNDP", 2015, 150000, 100000, 90000, None]):
        sheet.append(row)
    book.save(tmp_path / "KGZ.xlsx")
    summary = run_load([tmp_path / "KGZ.xlsx"], database, as_of=AS_OF)
    assert [(r.row, p.column, p.expected) for r in summary.rejected for p in r.problems] == [
        (4, "Бюджет (USD)", "an amount in KGS (the title row 2 'Валюта: KGS'), not in USD (its header 'Бюджет (USD)' "
                            "says): fix the amount or the currency")]


@pytest.mark.parametrize("header, currency, loaded, refused", [
    ("Budget (KGS)", None, [(2, "KGS")], []),  # before: not read, the column named as not used
    ("Presupuesto (€)", None, [(2, "EUR")], []),
    ("Budget (RUB)", "USD", [], [(2, "Currency", "'RUB', as the header 'Budget (RUB)' says: the cell and the header "
                                                 "disagree, so correct the one that is wrong")]),
])
def test_an_amount_header_with_its_currency_in_brackets_is_read_with_it_in_both_lanes(
        write_workbook, tmp_path, monkeypatch, header, currency, loaded, refused):
    rows = good_rows()
    rows["workplan"] = rows["workplan"][:1]
    book = openpyxl.load_workbook(write_workbook(rows))
    sheet = book["Work plan"]
    names = [cell.value for cell in sheet[1]]
    sheet.cell(1, names.index("Budget") + 1).value = header
    sheet.cell(2, names.index("Currency") + 1).value = currency
    book.save(tmp_path / "headed.xlsx")
    per_cell, fast, _ = load_both([tmp_path / "headed.xlsx"], tmp_path, monkeypatch)
    assert_same(per_cell, fast)
    assert rows_of(per_cell, "SELECT source_row, currency FROM activities ORDER BY 1") == loaded
    assert rows_of(per_cell, """SELECT "row", "column", expected FROM rejected_rows""") == refused


def test_a_title_s_currency_without_a_rate_still_disagrees_with_a_cell_naming_another(tmp_path, database):
    """Before, 'Currency: RUB' above a row whose Currency said USD loaded it in USD, the title unsaid: a title's
    value the column does not take was not compared."""
    book = openpyxl.load_workbook(work_plan(tmp_path / "KGZ-awp.xlsx", {}))
    book.active["A2"] = "Currency: RUB"
    book.save(tmp_path / "KGZ-awp.xlsx")
    summary = run_load([tmp_path / "KGZ-awp.xlsx"], database, as_of=AS_OF)
    assert (5, "Currency", "'RUB', as the title row 2 'Currency: RUB' says: the cell and the title disagree, so "
                           "correct the one that is wrong") in [
        (r.row, p.column, p.expected) for r in summary.rejected for p in r.problems]



@pytest.mark.parametrize("title", ["Currency: Kyrgyz som", "Currency: local currency", "Currency: USD, KGS",
                                   "Currency: som"])
def test_a_title_naming_no_one_currency_code_refuses_no_cell(tmp_path, database, title):
    """A title's currency that is not one code is compared with no cell: each row is read in its own."""
    book = openpyxl.load_workbook(work_plan(tmp_path / "KGZ-awp.xlsx", {}, ("KGS", "KGS", "KGS")))
    book.active["A2"] = title
    book.save(tmp_path / "KGZ-awp.xlsx")
    summary = run_load([tmp_path / "KGZ-awp.xlsx"], database, as_of=AS_OF)
    assert summary.rejected == []
    assert rows_of(database, "SELECT DISTINCT currency FROM activities") == [("KGS",)]


@pytest.mark.parametrize("header", ["Amount (all)", "Budget (USD) (EUR)", "Budget ($) (€)"])
def test_a_header_whose_brackets_name_no_one_currency_is_not_read_as_an_amount_s(tmp_path, database, header):
    """'(all)' is a word, two currencies are none: the column is named as not used, as before, not read under a
    currency it does not say ('($)' alone is read: JMD or USD, each row's Currency cell saying which, tests/
    test_scales.py)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "AWP"
    for row in (["Annual Work Plan 2015 – Kyrgyzstan"], [],
                ["Expected Outputs", "Planned Activities", "Q1", "Responsible Party", header, "Currency"],
                ["Output 1", "Consultations", "X", "UNDP", 450000, "KGS"]):
        sheet.append(row)
    book.save(tmp_path / "KGZ-awp.xlsx")
    summary = run_load([tmp_path / "KGZ-awp.xlsx"], database, as_of=AS_OF)
    assert rows_of(database, "SELECT budget FROM activities") == [(None,)]
    assert any(header in w.detail for w in summary.warnings if w.kind == "column not used")


def test_a_currency_cell_s_sign_agrees_with_the_amount_s_format_showing_it(tmp_path, monkeypatch):
    """A Currency cell '€' over an amount formatted in euros, 'US$' over one in US dollars, 'J$' over a Jamaican
    dollar format: each row in that currency, on both lanes, with no problem and no warning of a currency set aside
    (a first reading refused them: 'an amount in €, not in EUR')."""
    path = work_plan(tmp_path / "JAM-awp.xlsx", {"H4": "#,##0 [$€-x-euro2]", "H5": "[$$-409] #,##0",
                                                 "H6": "[$$-2009] #,##0"}, currencies=("€", "US$", "J$"))
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert found["rejected_rows"] == []
    assert rows_of(per_cell, "SELECT source_row, currency FROM activities ORDER BY 1") == [
        (4, "EUR"), (5, "USD"), (6, "JMD")]
    assert [row for row in found["load_warnings"] if "currency" in str(row).lower() and "format" in str(row)] == []


def test_a_work_plan_under_a_dollar_title_with_no_currency_written_is_refused_naming_the_dollars(tmp_path, database):
    """'Budget ($000)' over a work plan with no currency written: before the title's '$' was read, its budgets
    were read in the default currency (USD) unsaid; '$' may be JMD. A Currency cell or the amount's format says
    which."""
    path = work_plan(tmp_path / "JAM-awp.xlsx", {"H5": '"J$"#,##0'}, currencies=(None, None, "USD"))
    book = openpyxl.load_workbook(path)
    book.active["A1"] = "Annual Work Plan 2015 – Kyrgyzstan, Budget ($000)"
    book.save(path)
    summary = run_load([path], database, as_of=AS_OF)
    assert [(r.row, p.column, p.expected) for r in summary.rejected for p in r.problems] == [
        (4, "Currency", "the currency's code: '$' is the name of more than one (JMD, USD) (the cell is empty: its "
                        "value is from the title row 1 'Annual Work Plan 2015 – Kyrgyzstan, Budget ($000)': the "
                        "currency named with its scale words)")]
    assert rows_of(database, ACTIVITIES) == [(5, Decimal("20000000.00"), "JMD"), (6, Decimal("30000000.00"), "USD")]
