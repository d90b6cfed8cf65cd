"""Amounts a sheet says are in thousands or millions ('Amounts in thousands of KGS', "USD '000", 'en milliers',
'тыс. сом'): read as written times 1,000 or 1,000,000 and said, in both lanes; two scales named refuse the rows'
amounts; a sheet without amounts is not scaled, and says so. The words are each language file's [scales]. A number
whose format shows it in thousands ('#,##0,') or not at all (';;;') is read as stored, and said."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook, load_workbook

from etl.errors import UnreadableFile
from etl.languages import LanguageError, ScaleWords, read_language
from etl.load import run_load
from etl.ooxml import _format_kind
from etl.reference import load_reference
from etl.title_block import _named_in_words, _scales, sheet_context

from .helpers.inputs_delivery import write_cdr_xlsx, write_mapping, cdr_rows
from .helpers.lanes import assert_same, load_both
from .helpers.styles import with_normal_style

HEADER = ["Country", "Output", "Agency", "Programme year", "Budget", "Funds received", "Expenditure", "Currency"]
ROWS = [["Kyrgyzstan", "Output 1", "UNDP", 2015, 150, 120, 90.5, "KGS"],
        ["Kyrgyzstan", "Output 2", "IOM", 2015, 2.25, None, 1, "KGS"]]
MONEY = "SELECT output_code, budget, received, expenditure, currency FROM expenditure ORDER BY output_code"


def expenditure(path: Path, title_rows: list[list], header: list = HEADER, rows: list[list] = ROWS,
                sheet: str = "Expenses", amounts_format: str | None = None) -> Path:
    """The sheet, its amounts (columns E to G of the data rows) under `amounts_format` where given."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in [*title_rows, header, *rows]:
        worksheet.append(row)
    if amounts_format is not None:
        for row in worksheet.iter_rows(min_row=len(title_rows) + 2, min_col=5, max_col=7):
            for cell in row:
                cell.number_format = amounts_format
    workbook.save(path)
    return path


def rows_of(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def said(summary, kind: str) -> list[str]:
    return [w.detail for w in summary.warnings if w.kind == kind]


def scaled(factor: int) -> list[tuple]:
    return [("1", Decimal(150 * factor), Decimal(120 * factor), Decimal("90.5") * factor, "KGS"),
            ("2", Decimal("2.25") * factor, None, Decimal(factor), "KGS")]


def test_a_title_saying_thousands_scales_every_amount_and_says_so(tmp_path, database):
    path = expenditure(tmp_path / "KGZ.xlsx", [["Amounts in thousands of KGS ('000)"], []])
    summary = run_load([path], database)
    assert summary.rejected == []
    assert rows_of(database, MONEY) == scaled(1000)
    assert said(summary, "amounts scaled") == [
        "the title row 1 'Amounts in thousands of KGS ('000)' says the amounts are in thousands ('in thousands'): "
        "Budget, Funds received and Expenditure are read as written times 1,000 (150 is read as 150,000); if the "
        "amounts are whole, take the words out"]


def test_a_scaled_sheet_reads_the_same_in_both_lanes(tmp_path, monkeypatch):
    path = expenditure(tmp_path / "KGZ.xlsx", [["Expenditure report, KGS'000"]])
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    assert_same(per_cell, fast)
    assert rows_of(fast, MONEY) == scaled(1000)


@pytest.mark.parametrize("title, factor, words, currency", [
    ("Montants en milliers de KGS", 1000, "en milliers", "KGS"),
    ("Importes en miles de KGS", 1000, "en miles", "KGS"),
    ("Расходы, тыс. сом", 1000, "тыс.", "KGS"),
    ("Расходы, млн сом", 1_000_000, "млн", "KGS"),
    ("Cheltuieli (mii lei)", 1000, "mii", "MDL"),
    ("Expenditure (USD millions)", 1_000_000, "millions", "USD"),
    ("Expenditure (000s)", 1000, "000s", None),
    ("Expenditure, USD thousands", 1000, "thousands", "USD"),
    ("Расходы 2015, тыс. сом", 1000, "тыс.", "KGS"),  # a year before the words is no amount
    ("Expenditure report 2015 (thousands USD)", 1000, "thousands", "USD"),
    ("Expenditure, USD 000", 1000, "000", "USD"),
    ("Dépenses (milliers USD)", 1000, "milliers", "USD"),
    ("Gastos, en miles de USD", 1000, "en miles", "USD"),
    ("Expenditure (kUSD)", 1000, "kusd", "USD"),
    ("Expenditure, USD millions", 1_000_000, "millions", "USD"),
    ("Expenditure 2015 (EUR) – €000", 1000, "000", "EUR"),
    ("Amounts in thousand USD", 1000, "thousand", "USD"),  # the singular, beside a currency
    ("Expenditure, US$ million", 1_000_000, "million", "USD"),
    ("Presupuesto (miles USD)", 1000, "miles", "USD"),
    # before, each of these was read as whole amounts, unsaid
    ("Unité : millier de dirhams", 1000, "millier de", "MAD"), ("Montants en KDH", 1000, "en kdh", "MAD"),
    ("Montants en KMAD", 1000, "en kmad", "MAD"), ("Montants en Mdh", 1_000_000, "en mdh", "MAD"),
    ("Montants (x 1000 DH)", 1000, "x 1000", "MAD"), ("Montants en 1000 DH", 1000, "en 1000", "MAD"),
    ("Unité: 1 000 MAD", 1000, "unite: 1 000", "MAD"), ("Amounts (x 1,000)", 1000, "x 1,000", None),
    ("Amounts in 1000s", 1000, "in 1000s", None), ("Amounts (x 1 000 000 USD)", 1_000_000, "x 1 000 000", "USD"),
    ("Amounts in 1000 USD", 1000, "in 1000", "USD"), ("Unit: 1,000 USD", 1000, "unit: 1,000", "USD"),
    ("Amounts (1000s USD)", 1000, "(1000s", "USD"), ("Unidad: 1 000 USD", 1000, "unidad: 1 000", "USD"),
    ("Единица: 1000 сом", 1000, "единица: 1000", "KGS"), ("Расходы в 1000 сом", 1000, "в 1000", "KGS"),
    ("Unités : 1000 DH", 1000, "unites : 1000", "MAD"),
    # a plural beside a currency of two words, or before one after 'of' / 'de'
    ("Amounts in thousands of US dollars", 1000, "in thousands", "USD"),
    ("Budget, thousands of US dollars", 1000, "thousands of", "USD"),
    ("Расходы, тысяч долл. США", 1000, "тысяч", "USD"), ("Montants (milliers d'euros)", 1000, "milliers d'", "EUR"),
    ("Expenditure (millions)", 1_000_000, "(millions)", None),
    # a currency before the figure, and a million in figures (before, read as whole amounts, unsaid)
    ("Unit: USD 1,000", 1000, "unit: 1,000", "USD"), ("Amounts in US$ 1000", 1000, "in 1000", "USD"),
    ("Budget (USD 1,000)", 1000, "(1,000", "USD"), ("Unité : DH 1 000", 1000, "unite : 1 000", "MAD"),
    ("Unit: 1,000,000 USD", 1_000_000, "unit: 1,000,000", "USD"),
    ("Budget (USD 1,000,000)", 1_000_000, "(1,000,000", "USD"),
    ("Montants en 1 000 000 MAD", 1_000_000, "en 1 000 000", "MAD"),
    ("Unidad: USD 1.000.000", 1_000_000, "unidad: 1.000.000", "USD"),
    # a comma against the word; a year before the figure; brackets in Romanian and Russian; a dollar by one word
    ("Budget (thousands, USD)", 1000, "thousands", "USD"), ("Расходы: тысяч, сом", 1000, "тысяч", "KGS"),
    ("Expenditure 2015 (USD 1,000)", 1000, "(1,000", "USD"), ("Cheltuieli (mii)", 1000, "(mii)", None),
    ("Расходы (миллионов)", 1_000_000, "(миллионов)", None),
    ("Cheltuieli în mii, din care granturi", 1000, "in mii", None),
    ("Montants en milliers (FR)", 1000, "en milliers", None),
    ("Expenditure 2015/16 in thousands", 1000, "in thousands", None),  # a period's figures are no amount
    ("Progress report 2015/16 H1 (USD 1,000)", 1000, "(1,000", "USD"),
    ("Budget (1000 US dollars)", 1000, "(1000", "USD"),  # a currency of two words ends the bracket
    # a name several currencies share names none of them (before, 'dinars' was TND: a Serbian office's RSD
    # refused): test_a_title_s_scale_beside_a_name_several_share_is_read_with_a_cell_saying_which
    ("Expenditure, thousands of Serbian dinars", 1000, "thousands of", "RSD"),
    ("Expenditure, thousands of Jamaican dollars", 1000, "thousands of", "JMD"),
    # a word between the scale and its currency (before, read as whole amounts, unsaid)
    ("Expenditure (thousands in USD)", 1000, "thousands", "USD"), ("Montants (milliers en euros)", 1000, "milliers",
                                                                   "EUR"),
    # a thousand or a million in figures alone in brackets (before, read as whole amounts, unsaid)
    ("Amounts in KGS (1,000)", 1000, "(1,000)", "KGS"), ("Expenditure (in 1 000)", 1000, "(in 1 000)", None),
    ("Montants en DH (1 000)", 1000, "(1 000)", "MAD"), ("Budget 2015, KGS (1,000,000)", 1_000_000, "(1,000,000)",
                                                        "KGS"),
])
def test_each_language_s_scale_words_are_read(tmp_path, database, title, factor, words, currency):
    """Each row's Currency cell is left empty where the scale words name a currency ('Montants en KDH', 'USD
    '000'): the words give it, and say so."""
    rows = ROWS if currency is None else [[*row[:-1], None] for row in ROWS]
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [[title]], rows=rows)], database)
    assert rows_of(database, MONEY) == [(*row[:-1], currency or "KGS") for row in scaled(factor)]
    assert len(said(summary, "amounts scaled")) == 1 and f"({words!r})" in said(summary, "amounts scaled")[0]
    if currency is not None:
        assert "the currency named with its scale words" in " ".join(said(summary, "value from the title"))


@pytest.mark.parametrize("title", ["Budget 2015: 1'000'000 KGS", "Expenditure report", "Ceiling: USD 1.2 millions",
                                   "Budget: 150 thousands KGS", "Budget: KGS 150 000", "One Million Women initiative",
                                   "Project ID 2015-000", "Ref 2015/000", "Report no. 000", "Miles",
                                   "Road miles travelled", "Budget: 150, 000", "Rapport 2015 – 1000 participants",
                                   "Montant : 150 000 MAD", "Programme de 1000 jours", "MDT project",
                                   "Total: 1 000 USD", "Small grants of up to 1000 USD each",
                                   "Programme « Un millier de jeunes » 2015", "Reaching 1000s of youth",
                                   "Partenaire: MDH", "Presupuesto: 1 000 USD", "Бюджет: 1 000 USD",
                                   "Охват 1000 молодых людей", "Exchange rate: 1 USD = 69.5 KGS",
                                   # a plural in prose counts people, not the amounts (before, each scaled them)
                                   "Des milliers de jeunes formés", "Reaching thousands of youth",
                                   "Millions of people reached", "Apoyo a miles de familias", "Охват тысяч семей",
                                   "Sprijin pentru mii de tineri", "Millones de personas alcanzadas",
                                   "Total: USD 1,000", "Small grants (USD 1000 each)", "Budget (USD 1,000.50)",
                                   "Total: 1 000 000 USD", "Grants in 2015: USD 1000",
                                   "Total budget (USD 1,000,000.00)", "Budget (USD 1,000,500)",
                                   "Grants (USD 1,000, 5,000 or 10,000)",
                                   "Mii din familiile vulnerabile au primit sprijin", "Small grants (1000 USD each)",
                                   "Grants (1,000 USD, 5,000 USD or 10,000 USD)", "Total: KGS 5,000 (1,000)"])
def test_a_number_or_other_words_are_no_scale(tmp_path, database, title):
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [[title]])], database)
    assert rows_of(database, MONEY) == scaled(1)
    assert said(summary, "amounts scaled") == []


def test_a_scale_in_the_sheet_name_is_read(tmp_path, database):
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [], sheet="Expenditure ('000)")], database)
    assert rows_of(database, MONEY) == scaled(1000)
    assert said(summary, "amounts scaled")[0].startswith("the sheet name 'Expenditure ('000)' says the amounts are "
                                                         "in thousands")


def grouped(path: Path, group: str, currency: str | None) -> Path:
    """An expenditure sheet whose `group` cell is merged over Budget and Funds received (the other headers merged
    down both rows), and one row in `currency`."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Expenditure"
    sheet.append(["Country", "Output", "Agency", "Programme year", group, None, "Expenditure", "Currency"])
    sheet.append([None, None, None, None, "Budget", "Funds received", None, None])
    sheet.merge_cells("E1:F1")
    for column in "ABCDGH":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.append(["Kyrgyzstan", "Output 1", "UNDP", 2015, 150, 100, 80, currency])
    workbook.save(path)
    return path


def test_a_group_header_over_the_amounts_scales_those_it_stands_over(tmp_path, database):
    """"USD '000" merged over Budget and Funds received, a stacked header (the other headers merged down both
    rows): those two are scaled, Expenditure, under no group, is not."""
    summary = run_load([grouped(tmp_path / "KGZ.xlsx", "USD '000", "USD")], database)
    assert rows_of(database, "SELECT budget, received, expenditure FROM expenditure") == [
        (Decimal(150_000), Decimal(100_000), Decimal(80))]
    assert said(summary, "amounts scaled") == [
        "the group header 'USD '000' says the amounts are in thousands (\"'000\"): USD '000 · Budget and USD '000 · "
        "Funds received are read as written times 1,000 (150 is read as 150,000); if the amounts are whole, take the "
        "words out"]


def test_a_currency_label_with_a_scale_gives_the_currency_and_the_scale(tmp_path, database):
    path = expenditure(tmp_path / "KGZ.xlsx", [["Currency: KGS '000"]], header=HEADER[:-1],
                       rows=[row[:-1] for row in ROWS])
    summary = run_load([path], database)
    assert summary.rejected == []
    assert rows_of(database, MONEY) == scaled(1000)
    assert "no Currency column: every row is read as currency 'KGS' (from the title row 1 'Currency: KGS '000')" \
        in said(summary, "value from the title")


@pytest.mark.parametrize("label", ["Currency: thousands of KGS", "Currency: KGS (în mii)", "Currency: KGS thousand"])
def test_a_currency_label_s_scale_words_are_taken_out_as_they_are_found(tmp_path, database, label):
    path = expenditure(tmp_path / "KGZ.xlsx", [[label]], header=HEADER[:-1], rows=[row[:-1] for row in ROWS])
    summary = run_load([path], database)
    assert summary.rejected == []
    assert rows_of(database, MONEY) == scaled(1000)


@pytest.mark.parametrize("label, currency", [("Currency: k€", "EUR"), ("Currency: kUSD", "USD"),
                                             ("Currency: US$000", "USD"), ("Currency: USD (in '000)", "USD"),
                                             ("Currency: €000", "EUR")])
def test_a_currency_label_whose_scale_words_name_its_currency_gives_both(tmp_path, database, label, currency):
    """'Currency: k€' is EUR, in thousands: before, the label without its scale words was '' and every row was
    refused (\"every row is read as currency ''\"); 'US$000' was read as 'us', "USD (in '000)" as 'usd (in )'."""
    path = expenditure(tmp_path / "SRB.xlsx", [[label]], header=HEADER[:-1], rows=[row[:-1] for row in ROWS])
    summary = run_load([path], database)
    assert summary.rejected == []
    assert rows_of(database, MONEY) == [(*row[:4], currency) for row in scaled(1000)]


@pytest.mark.parametrize("label", ["Currency: $000", "Currency: k$", "Currency: $'000"])
def test_a_currency_label_of_a_bare_dollar_in_thousands_is_refused_as_no_one_currency(tmp_path, database, label):
    """Each row is refused naming the dollars '$' may be, as under 'Currency: $' (before, '$000' was refused as
    "a currency with a shipped exchange rate"), and the title's warning says so: before, it said every row was
    read as currency '$000'."""
    path = expenditure(tmp_path / "JAM.xlsx", [[label]], header=HEADER[:-1], rows=[row[:-1] for row in ROWS])
    summary = run_load([path], database)
    assert {(problem.column, problem.expected) for row in summary.rejected for problem in row.problems} == {
        ("Currency", "the currency's code: '$' is the name of more than one (JMD, USD)")}
    assert len(summary.rejected) == len(ROWS)
    assert [w.detail for w in summary.warnings if w.kind == "value from the title"] == [
        f"no Currency column, and the title row 1 '{label}' gives '$', which may be JMD or USD: each row is read in "
        "the one its amounts' number format or text shows, and refused where none does"]


def test_a_title_s_currency_no_row_can_take_is_said_so_not_as_read(tmp_path, database):
    """Before, 'Currency: RUB' (no shipped rate) over no Currency column said every row was read as currency 'RUB',
    while each was refused."""
    path = expenditure(tmp_path / "KGZ.xlsx", [["Currency: RUB"]], header=HEADER[:-1], rows=[row[:-1] for row in ROWS])
    summary = run_load([path], database)
    assert len(summary.rejected) == len(ROWS)
    [warning] = [w.detail for w in summary.warnings if w.kind == "value from the title"]
    assert warning.startswith("no Currency column, and the title row 1 'Currency: RUB' gives 'RUB', which is not "
                              "read (expected a currency with a shipped exchange rate: BDT, CHF, EUR")
    assert warning.endswith("): every row is refused for it")


@pytest.mark.parametrize("title, words, currency", [
    ("Expenditure ($000)", "$000", "USD"), ("Amounts ($000s)", "000s", "JMD"),
    ("Expenditure in thousands of dollars", "in thousands", "USD"),
    ("Бюджет (тысяч долларов)", "тысяч", "USD"),
    ("Dépenses (milliers de dinars)", "milliers de", "RSD"), ("Gastos (millones de dólares)", "millones de", "USD")])
def test_a_title_s_scale_beside_a_name_several_share_is_read_with_a_cell_saying_which(tmp_path, database, title,
                                                                                       words, currency):
    """'in thousands of dollars' is in thousands, and JMD or USD: the Currency cell says which; a cell of another
    currency is refused (test_a_title_naming_a_dollar_only_refuses_a_row_in_another_currency_on_both_lanes)."""
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [[title]], rows=[[*row[:-1], currency] for row in ROWS])],
                       database)
    assert summary.rejected == []
    factor = 1_000_000 if "millones" in title else 1000
    assert rows_of(database, MONEY) == [(*row[:-1], currency) for row in scaled(factor)]
    assert len(said(summary, "amounts scaled")) == 1 and f"({words!r})" in said(summary, "amounts scaled")[0]


@pytest.mark.parametrize("title", ["Amounts in thousands of dollars", "Amounts in $000", "Currency: dollars"])
def test_a_title_naming_a_dollar_only_refuses_a_row_in_another_currency_on_both_lanes(tmp_path, monkeypatch, title):
    """A title 'in thousands of dollars' (JMD or USD) over a row in KGS: the cell and the title disagree (before,
    read as KGS unsaid: no code was named, so nothing was compared); a row in USD or JMD says which dollar."""
    rows = [[*ROWS[0][:-1], "KGS"], [*ROWS[1][:-1], "USD"], [*ROWS[0][:1], "Output 3", *ROWS[0][2:-1], "JMD"]]
    per_cell, fast, _ = load_both([expenditure(tmp_path / "KGZ.xlsx", [[title]], rows=rows)], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    shared = "'$'" if "$" in title else "'dollars'"
    assert [(row[2], row[6]) for row in found["rejected_rows"]] == [
        (3, f"{shared} (JMD or USD), as the title row 1 '{title}'"
            + ("" if title.startswith("Currency") else ": the currency named with its scale words")
            + " says: the cell and the title disagree, so correct the one that is wrong")]
    assert [row[-1] for row in rows_of(per_cell, MONEY)] == ["USD", "JMD"]


@pytest.mark.parametrize("title, name", [("Amounts in thousands of dollars", "dollars"),
                                         ("Расходы (тысяч долларов)", "долларов")])
def test_a_title_in_thousands_of_dollars_over_no_currency_column_refuses_each_row_naming_them(tmp_path, database,
                                                                                              title, name):
    """Before, the sheet was refused whole: no header row, as the title was read as naming no currency. A Russian
    title over the English template names them too (not 'a currency with a shipped exchange rate')."""
    path = expenditure(tmp_path / "JAM.xlsx", [[title]], header=HEADER[:-1], rows=[row[:-1] for row in ROWS])
    summary = run_load([path], database)
    assert {(problem.column, problem.expected) for row in summary.rejected for problem in row.problems} == {
        ("Currency", f"the currency's code: '{name}' is the name of more than one (JMD, USD)")}
    assert len(summary.rejected) == len(ROWS)


def test_two_scales_refuse_the_amounts_naming_both(tmp_path, database):
    path = expenditure(tmp_path / "KGZ.xlsx", [["Amounts in thousands"]], sheet="Expenditure (millions)")
    summary = run_load([path], database)
    assert rows_of(database, "SELECT count(*) FROM expenditure") == [(0,)]
    assert [r.row for r in summary.rejected] == [3, 4]
    expected = ("an amount of one scale, but the title row 1 'Amounts in thousands' says the amounts are in thousands "
                "('in thousands'); the sheet name 'Expenditure (millions)' says the amounts are in millions "
                "('(millions)'): keep the words that are true, or take them all out if the amounts are whole")
    first = summary.rejected[0]
    assert [(p.column, p.expected) for p in first.problems] == [
        ("Budget", expected), ("Funds received", expected), ("Expenditure", expected)]
    assert first.values["Budget"] == "150"  # the row is kept as typed
    assert said(summary, "amounts scaled") == []


def work_plan(path: Path, title: str) -> Path:
    """A work plan under one title row, without a Currency column: one activity whose Amount is 12.5."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "AWP"
    sheet.append([title])
    sheet.append(["Expected Outputs", "Planned Activities", "Q1", "Q2", "Q3", "Q4", "Responsible Party", "Amount"])
    sheet.append(["Output 1", "1.1 Consultations with the Government", "X", None, None, None, "UNDP", 12.5])
    workbook.save(path)
    return path


def test_a_work_plan_s_budget_is_scaled(tmp_path, database):
    summary = run_load([work_plan(tmp_path / "ECU.xlsx", "Ecuador Annual Work Plan 2015 (USD '000)")], database)
    assert rows_of(database, "SELECT budget, currency FROM activities") == [(Decimal("12500.00"), "USD")]
    assert said(summary, "amounts scaled") == [
        "the title row 1 'Ecuador Annual Work Plan 2015 (USD '000)' says the amounts are in thousands (\"'000\"): "
        "Amount is read as written times 1,000 (150 is read as 150,000); if the amounts are whole, take the words "
        "out"]


def test_a_sheet_without_amounts_is_not_scaled_and_says_so(tmp_path, database):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Results matrix"
    sheet.append(["Migrants assisted, in thousands"])
    sheet.append(["Output", "Indicator code", "Indicator", "Unit", "Direction", "Country", "Period", "Period target",
                  "Period actual"])
    sheet.append(["Output 1", "1.1", "Migrants assisted", "number", "higher is better", "Moldova", "2015/16 H1", 12,
                  10])
    workbook.save(tmp_path / "MDA.xlsx")
    summary = run_load([tmp_path / "MDA.xlsx"], database)
    assert rows_of(database, "SELECT target, actual FROM results") == [(12.0, 10.0)]
    assert said(summary, "title not used") == [
        "the title row 1 'Migrants assisted, in thousands' says the amounts are in thousands ('in thousands'), but "
        "this sheet has no amounts: nothing was scaled, and its values are read as written"]


CDR_SUMS = "SELECT sum(budget), sum(expenditure) FROM expenditure"


def cdr_folder(folder: Path, title: str | None = None, number_format: str | None = None) -> Path:
    """A folder holding the delivery report of tests/helpers/inputs_delivery.py and its mapping file: with a
    title row `title` below its first, and its amounts formatted `number_format`, where given."""
    folder.mkdir()
    rows = cdr_rows()
    if title:
        rows.insert(1, [title])
    path = write_cdr_xlsx(folder / "jamaica-cdr-2016.xlsx", rows)
    if number_format:
        workbook = load_workbook(path)
        for row in workbook.active.iter_rows():
            for cell in row:
                if isinstance(cell.value, (int, float)) and cell.column > 5:
                    cell.number_format = number_format
        workbook.save(path)
    write_mapping(folder)
    return folder


def plain_cdr_sums(tmp_path: Path) -> tuple[Decimal, Decimal]:
    """The budget and expenditure the report loads to without a title or a format."""
    run_load([cdr_folder(tmp_path / "plain")], tmp_path / "plain.duckdb")
    return rows_of(tmp_path / "plain.duckdb", CDR_SUMS)[0]


def test_a_delivery_report_titled_in_thousands_is_scaled(tmp_path, database):
    summary = run_load([cdr_folder(tmp_path / "inputs", "Amounts in thousands of USD")], database)
    assert summary.rejected == []
    budget, spent = plain_cdr_sums(tmp_path)
    assert rows_of(database, CDR_SUMS) == [(budget * 1000, spent * 1000)]
    assert len(said(summary, "amounts scaled")) == 1


def test_a_delivery_report_in_another_currency_than_its_title_s_scale_is_refused(tmp_path, database):
    """'Amounts in thousands of KGS' over a report whose currency is USD: each amount refused, quoting it as written
    and the report's currency row (the report is loaded whole: none of it); one in KGS is read in thousands."""
    folder = cdr_folder(tmp_path / "usd", "Amounts in thousands of KGS")
    summary = run_load([folder], database)
    assert rows_of(database, "SELECT count(*) FROM expenditure") == [(0,)]
    problems = {(p.found, p.expected) for r in summary.rejected for p in r.problems}
    assert problems and {expected for _, expected in problems} == {
        "an amount in KGS, as the title row 2 'Amounts in thousands of KGS' says the amounts are in thousands ('in "
        "thousands'), not in USD (the report's currency, title row 6): correct the one that is wrong"}
    assert "'20000'" in {found for found, _ in problems}  # as written, not as scaled ('20000000.00')
    folder = cdr_folder(tmp_path / "kgs", "Amounts in thousands of KGS")
    book = load_workbook(folder / "jamaica-cdr-2016.xlsx")
    book.active["A6"] = "Currency: KGS"
    book.save(folder / "jamaica-cdr-2016.xlsx")
    summary = run_load([folder], tmp_path / "kgs.duckdb")
    assert summary.rejected == [] and rows_of(tmp_path / "kgs.duckdb", "SELECT DISTINCT currency FROM expenditure") == [
        ("KGS",)]


@pytest.mark.parametrize("label, expected", [
    ("$000", "the currency's code: '$' is the name of more than one (JMD, USD)"),
    ("k$", "the currency's code: '$' is the name of more than one (JMD, USD)"), ("k€", None)])
def test_a_delivery_report_s_currency_label_with_a_scale_is_read_as_a_title_s(tmp_path, database, label, expected):
    """'Currency: $000' over a delivery report: refused naming the dollars '$' may be, as under any sheet's title
    (before, 'a currency with a shipped exchange rate', the label read whole); 'k€' is in thousands of euros
    (before, refused as '$000' was)."""
    folder = cdr_folder(tmp_path / "inputs")
    path = folder / "jamaica-cdr-2016.xlsx"
    book = load_workbook(path)
    book.active["A5"] = f"Currency: {label}"
    book.save(path)
    summary = run_load([folder], database)
    assert {p.expected for r in summary.rejected for p in r.problems} == ({expected} if expected else set())
    if expected is None:
        budget, spent = plain_cdr_sums(tmp_path)
        assert rows_of(database, CDR_SUMS) == [(budget * 1000, spent * 1000)]
        assert rows_of(database, "SELECT DISTINCT currency FROM expenditure") == [("EUR",)]
        assert [w for w in said(summary, "commitments not loaded") if "EUR on 3 account lines" in w]


def test_a_delivery_report_s_currency_named_in_small_letters_is_said_by_its_code(tmp_path, database):
    """'Currency: som' is the som (KGS), said KGS, not 'SOM' (the Somali shilling's code: a first reading of
    the label upper-cased every word of three letters); 'usd' is USD."""
    said_as = {}
    for label in ("som", "usd"):
        folder = cdr_folder(tmp_path / label)
        path = folder / "jamaica-cdr-2016.xlsx"
        book = load_workbook(path)
        book.active["A5"] = f"Currency: {label}"
        book.save(path)
        summary = run_load([folder], tmp_path / f"{label}.duckdb")
        assert summary.rejected == []
        said_as[label] = said(summary, "commitments not loaded")[0].split(" on ")[0].split()[-1]
    assert said_as == {"som": "KGS", "usd": "USD"}


@pytest.mark.parametrize("number_format, factor", [("#,##0,", 1), ('#,##0" K"', 1000),
                                                   ('#,##0.000" тыс."', 1000)])  # a scale word of a language
def test_a_delivery_report_s_formatted_amounts_are_read_once(tmp_path, database, number_format, factor):
    """A delivery report titled in thousands whose amounts are stored whole under '#,##0,' is read as stored (not
    times a thousand twice); untitled, amounts under '#,##0" K"' are that many thousands. Said either way."""
    title = "Amounts in thousands of USD" if factor == 1 else None
    summary = run_load([cdr_folder(tmp_path / "inputs", title, number_format)], database)
    assert summary.rejected == []
    budget, spent = plain_cdr_sums(tmp_path)
    assert rows_of(database, CDR_SUMS) == [(budget * factor, spent * factor)]
    assert len(said(summary, "scaled format")) == 1


def test_the_words_joining_a_scale_and_its_currency_are_a_language_file_s(tmp_path):
    """[scales.joining]: the words between scale words and a currency, and those after which a currency is the
    amounts' (before, lists in etl/title_block.py): a language file adding 'em' reads 'Montantes em USD' and
    'milhares em USD' as the English 'in' is read."""
    path = tmp_path / "pt.toml"
    path.write_text('code = "pt"\nname = "Portuguese"\n[scales.beside_currency]\nthousands = ["milhares"]\n'
                    '[scales.joining]\nbetween = ["em"]\namounts_in = ["em"]\n', encoding="utf-8")
    language = read_language(path)
    assert language.scale_joining == {"between": ("em",), "amounts_in": ("em",)}
    shipped = load_reference().scale_words
    assert "in" in shipped.between and shipped.amounts_in == ("in", "en", "в")  # 'în' folds to 'in'
    words = ScaleWords(shipped, {**shipped.beside, "milhares": 3}, shipped.currencies,
                       {"between": shipped.between + ("em",), "amounts_in": shipped.amounts_in + ("em",)})
    assert _named_in_words("Montantes em USD", shipped) == set()
    assert _named_in_words("Montantes em USD", words) == {"USD"}
    scales = _scales("Orçamento (milhares em USD)", "", words)
    assert [(scale.power, scale.currency) for scale in scales] == [(3, "USD")]
    path.write_text('code = "pt"\nname = "Portuguese"\n[scales.joining]\nafter = ["em"]\n', encoding="utf-8")
    with pytest.raises(LanguageError, match=r"pt.toml › scales.joining.after: expected one of between, amounts_in"):
        read_language(path)


def test_a_language_file_s_scales_take_thousands_and_millions_only(tmp_path):
    path = tmp_path / "xx.toml"
    path.write_text('code = "xx"\nname = "X"\n[scales]\nhundreds = ["centaines"]\n', encoding="utf-8")
    with pytest.raises(LanguageError, match=r"xx.toml › scales.hundreds: expected one of thousands, millions"):
        read_language(path)


# --- a number format showing thousands ('#,##0,': 150000 shown as 150) -------------------------------------

def formatted(path: Path, title_rows: list[list], number_format: str, normal: bool = False) -> Path:
    """The expenditure sheet with its amounts stored whole (150000) and formatted to show thousands; `normal`:
    left without a style of their own, the workbook's Normal style being that format."""
    rows = [[*row[:4], *(None if v is None else v * 1000 for v in row[4:7]), row[7]] for row in ROWS]
    expenditure(path, title_rows, rows=rows)
    workbook = load_workbook(path)
    sheet = workbook.active
    first = len(title_rows) + 2
    if normal:
        return with_normal_style(path, number_format)
    for row in sheet.iter_rows(min_row=first, min_col=5, max_col=7):
        for cell in row:
            cell.number_format = number_format
    workbook.save(path)
    return path


@pytest.mark.parametrize("title", [[["Expenditure 2015"]], [["Amounts in thousands of KGS"]]])
def test_amounts_shown_in_thousands_by_their_format_are_read_as_stored(tmp_path, monkeypatch, title):
    path = formatted(tmp_path / "KGZ.xlsx", title, "#,##0,")
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    assert_same(per_cell, fast)
    assert rows_of(fast, MONEY) == scaled(1000)  # stored 150000, shown 150: never 150,000,000
    summary = run_load([path], tmp_path / "again.duckdb")
    first = [w for w in summary.warnings if w.kind == "scaled format" and w.row == 3]
    whole = ", the whole amount the title's thousands stand for" if "thousands" in title[0][0] else ""
    assert [(w.column, w.detail) for w in first] == [
        ("Budget", f"its number format shows 150000 as 150, in thousands: read as stored, 150000{whole}"),
        ("Funds received", f"its number format shows 120000 as 120, in thousands: read as stored, 120000{whole}"),
        ("Expenditure", f"its number format shows 90500 as 90.5, in thousands: read as stored, 90500{whole}")]


def test_a_format_in_millions_under_a_title_in_thousands_refuses_the_amount(tmp_path, database):
    path = formatted(tmp_path / "KGZ.xlsx", [["Amounts in thousands of KGS"]], '0.0,,"M"')
    summary = run_load([path], database)
    assert rows_of(database, "SELECT count(*) FROM expenditure") == [(0,)]
    problem = summary.rejected[0].problems[0]
    assert (problem.column, problem.found, problem.expected) == (
        "Budget", "'0.15' (150000 shown in millions by its number format)",
        "an amount of one scale, but its number format shows it in millions and the title row 1 'Amounts in "
        "thousands of KGS' says the amounts are in thousands ('in thousands'): format the cell as the title says, "
        "or correct the title")


def test_a_normal_style_in_thousands_is_read_as_stored_in_both_lanes(tmp_path, monkeypatch):
    path = formatted(tmp_path / "KGZ.xlsx", [["Amounts in thousands of KGS"]], "#,##0,", normal=True)
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    assert_same(per_cell, fast)
    assert rows_of(fast, MONEY) == scaled(1000)


def test_a_scaled_amount_beyond_what_the_warehouse_holds_is_refused(tmp_path, database):
    rows = [[*ROWS[0][:4], 2e13, None, None, "KGS"]]
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [["Amounts in millions"]], rows=rows)], database)
    assert [p.expected for r in summary.rejected for p in r.problems] == [
        "an amount below 10^16 once read times 1,000,000"]


@pytest.mark.parametrize("title, factor", [([["Expenditure 2015"]], 1000), ([["Amounts in thousands of KGS"]], 1000)])
def test_amounts_followed_by_a_thousands_sign_in_their_format_are_thousands(tmp_path, monkeypatch, title, factor):
    """'#,##0" K"' shows 150 as '150 K': the person typed 150 thousand. Read as 150,000, and said; under a title in
    thousands too, not scaled twice. In both lanes."""
    path = expenditure(tmp_path / "KGZ.xlsx", title, amounts_format='#,##0" K"')
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    assert_same(per_cell, fast)
    assert rows_of(fast, MONEY) == scaled(factor)
    summary = run_load([path], tmp_path / "again.duckdb")
    assert [(w.row, w.column, w.detail) for w in summary.warnings if w.kind == "scaled format"][0] == (
        3, "Budget", "its number format shows 150 followed by a sign for thousands: read as 150000")


@pytest.mark.parametrize("code, kind", [
    ('[=0]"-";#,##0" K"', "suffix thousands"),  # a dash for nothing, thousands otherwise
    ('[<0]-#,##0" K";#,##0" K"', "suffix thousands"), ('[=0]"-";[$€-x-euro2] #,##0', "currency [$€-x-euro2]"),
    ('[=0]"-";#,##0,', "shown in thousands"),
    ('[>=1000]0,"K";0', None), ('[=0]"-";0', None),  # sections that differ; one that shows a plain number
    ('[=0]"-";dd/mm/yyyy', None),  # a date: calamine reads the first section only
    ('[>0]#,##0" K";[<0]-#,##0" K";0', "suffix thousands"), ('[=0]0;#,##0" K"', "suffix thousands"),  # 0 only
    ('[>=1000][$€-x-euro2]#,##0,"K";[$€-x-euro2]#,##0', "currency [$€-x-euro2]"),  # commas differ: the currency
    ('[>=1000000]€#,##0.0,,"M";[>=1000]€#,##0.0,"K";€#,##0', "currency €"),
    ('[>=1000]#,##0" K";0', 'shown by size [>=1000]#,##0" K";0'),  # a scale's sign in some sections only
    ('[>=1000]€#,##0;#,##0', "shown by size [>=1000]€#,##0;#,##0"),  # a currency in some only
    ('["x"=0]0', None), ('[_ =0]0', None), ('[""=0]0', None),  # no condition, though '[' and '=' seem one
])
def test_a_format_with_a_condition_is_read_as_the_sections_that_show_a_number_agree(code, kind):
    assert _format_kind(code) == kind


def test_an_amount_under_a_format_with_a_condition_and_a_thousands_sign_is_thousands_in_both_lanes(tmp_path,
                                                                                                  monkeypatch):
    """'[=0]"-";#,##0" K"' (a dash for nothing, '150 K' otherwise: an accountant's format) shows 150 as '150 K'.
    Before, its condition left the format unread: the amount loaded as 150, a thousand times too small, unsaid."""
    path = expenditure(tmp_path / "KGZ.xlsx", [["Expenditure 2015"]], amounts_format='[=0]"-";#,##0" K"')
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    assert_same(per_cell, fast)
    assert rows_of(fast, MONEY) == scaled(1000)


def test_an_amount_under_a_format_showing_a_scale_s_sign_by_size_is_read_as_stored_and_said_in_both_lanes(
        tmp_path, monkeypatch):
    """'[>=1000]#,##0" K";0' shows 150000 as '150,000 K' and 0 as '0': whether the person typed thousands cannot
    be told. Read as stored, and said of each cell; a zero under '[=0]"-";#,##0" K"' is 0, said of nothing."""
    path = expenditure(tmp_path / "KGZ.xlsx", [["Expenditure 2015"]], amounts_format='[>=1000]#,##0" K";0')
    workbook = load_workbook(path)
    workbook.active["F3"].number_format = '[=0]"-";#,##0" K"'
    workbook.active["F3"].value = 0
    workbook.save(path)
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    assert_same(per_cell, fast)
    with duckdb.connect(str(per_cell), read_only=True) as connection:
        warned = connection.execute("""SELECT "row", "column", kind, message FROM load_warnings
                                       WHERE kind IN ('number shown by size', 'scaled format')
                                       ORDER BY "row", "column" """).fetchall()
    assert warned[0] == (3, "Budget", "number shown by size", (
        "KGZ.xlsx › Expenses › row 3 › column Budget: its number format ('[>=1000]#,##0\" K\";0') shows numbers one "
        "way or another by their size, not with the same sign for a scale or a currency in each: read as stored, "
        "150, in the row's currency; check it in Excel (give the cell a plain number format)"))
    assert {(row, column) for row, column, *_ in warned} >= {(3, "Budget"), (3, "Expenditure")}
    assert (3, "Funds received") not in {(row, column) for row, column, *_ in warned}  # 0 under ' K': nothing said


def test_a_thousands_sign_under_a_title_in_millions_refuses_the_amount(tmp_path, database):
    path = expenditure(tmp_path / "KGZ.xlsx", [["Amounts in millions"]])
    workbook = load_workbook(path)
    workbook.active["E3"].number_format = '0.0" K"'
    workbook.save(path)
    summary = run_load([path], database)
    problem = summary.rejected[0].problems[0]
    assert (summary.rejected[0].row, problem.column, problem.found) == (
        3, "Budget", "'150' (shown followed by a sign for thousands by its number format)")
    assert problem.expected.startswith("an amount of one scale, but its number format shows it in thousands and the "
                                       "title row 1 'Amounts in millions' says the amounts are in millions")


# --- a number format showing no number (';;;', '"n/a"') -------------------------------------------------------

@pytest.mark.parametrize("number_format", [";;;", '"n/a"', ';"-"'])
def test_a_number_its_format_does_not_show_is_read_as_stored_and_said_in_both_lanes(tmp_path, monkeypatch,
                                                                                    number_format):
    path = expenditure(tmp_path / "KGZ.xlsx", [])
    workbook = load_workbook(path)
    workbook.active["F2"].number_format = number_format  # Funds received, 120: the person sees no number
    workbook.save(path)
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    assert_same(per_cell, fast)
    assert rows_of(fast, MONEY) == scaled(1)
    summary = run_load([path], tmp_path / "again.duckdb")
    assert [(w.row, w.column, w.detail) for w in summary.warnings if w.kind == "number not shown"] == [
        (2, "Funds received", "its number format shows no number (nothing, or text only), but the cell holds 120: "
                              "read as stored, 120; check it in Excel (format the cell as a number, or clear it)")]


# --- the currency a title's scale words name ('Montants en KDH', "USD '000") ----------------------------------------

def test_a_currency_cell_naming_another_than_the_scale_words_is_refused(tmp_path, database):
    """Before, "USD'000" over rows in KGS loaded the KGS amounts times 1,000, the title's USD unsaid."""
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [["Expenditure report, USD'000"]])], database)
    assert rows_of(database, "SELECT count(*) FROM expenditure") == [(0,)]
    assert [(r.row, [(p.column, p.expected) for p in r.problems]) for r in summary.rejected] == [
        (row, [("Currency", "'USD', as the title row 1 'Expenditure report, USD'000': the currency named with its "
                            "scale words says: the cell and the title disagree, so correct the one that is wrong")])
        for row in (3, 4)]


def test_a_work_plan_under_scale_words_naming_a_currency_is_read_in_it(tmp_path, database):
    """Before, a work plan titled 'miles de euros' without a Currency column loaded its budget as thousands of USD
    (the default), where the title says thousands of euros."""
    summary = run_load([work_plan(tmp_path / "ECU.xlsx", "Ecuador – Plan de trabajo 2015 (miles de euros)")], database)
    assert rows_of(database, "SELECT budget, currency FROM activities") == [(Decimal("12500.00"), "EUR")]
    assert said(summary, "value from the title")[1:] == [
        "no Currency column: every row is read as currency 'EUR' (from the title row 1 'Ecuador – Plan de trabajo 2015 "
        "(miles de euros)': the currency named with its scale words)"]


@pytest.mark.parametrize("title", ["Amounts in thousands, USD and EUR", "Amounts in thousands ($)", "Expenditure (k$)",
                                   "Budget in USD or KGS thousands"])
def test_scale_words_beside_no_one_currency_name_none(tmp_path, database, title):
    """Two currencies, or a bare dollar (any dollar), give the rows no currency: an empty Currency cell is
    refused, as without the words."""
    rows = [[*row[:-1], None] for row in ROWS]
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [[title]], rows=rows)], database)
    assert rows_of(database, "SELECT count(*) FROM expenditure") == [(0,)]
    assert {p.column for r in summary.rejected for p in r.problems} == {"Currency"}


@pytest.mark.parametrize("title, currency", [("Budget in USD thousands, rate 1 USD = 69 KGS", "USD"),
                                             ("Amounts in KGS '000; 1 USD = 69.5 KGS", "KGS"),
                                             ("KGS '000; USD=69.5", "KGS"),
                                             ("Montants en milliers de MAD ; 1 USD vaut 10 MAD", "MAD"),
                                             # a sign's word before no rate (a first reading took the scale's
                                             # currency for a rate's, and checked nothing)
                                             ("Amounts in thousands of KGS, equal to 3 months", "KGS"),
                                             ("Amounts in thousands of KGS = 2015 budget", "KGS"),
                                             ("Budget in thousand KGS equal to 2.5 percent of GDP", "KGS"),
                                             # the scale word's own currency, in a rate too (before, the title
                                             # named none, and its amounts were checked against none)
                                             ("Montants en KDH (1 EUR = 10,9 MAD)", "MAD"),
                                             ("Amounts in kUSD, 1 USD equals 87.5 KGS", "USD"),
                                             # a whole figure, a sign in letters or a word's case past '=', a
                                             # currency joined to its word, a dollar's name in a rate
                                             ("Amounts in KGS '000 (1 USD = 87)", "KGS"), ("KGS '000; USD=87", "KGS"),
                                             ("Montants en milliers de dirhams ; 1 EUR = 11 DH", "MAD"),
                                             ("Суммы в тыс. сом (1 USD = 84 сома)", "KGS"),
                                             ("Montants en milliers d'euros ; 1 EUR vaut 10,90 MAD", "EUR"),
                                             ("Amounts in USD'000; 1 USD = 87.5 KGS", "USD"),
                                             ("Расходы, тыс. сом; курс доллара 69", "KGS"),
                                             # a total, a percentage, a rate a cut took for none (each before the
                                             # last mends: no currency said, no check)
                                             ("Budget in thousands of KGS = 2,500", "KGS"),
                                             ("Expenditure in '000 KGS = 12.5 % of budget", "KGS"),
                                             ("Расходы в тыс. сом; курс доллара США 69,5", "KGS"),
                                             ("Amounts in thousands of KGS = 2.5 percent of budget", "KGS"),
                                             ("Montants en milliers de dirhams ; 1 EUR vaut 11 DH", "MAD")])
def test_a_rate_beside_scale_words_naming_a_currency_leaves_it_the_rows(tmp_path, database, title, currency):
    """A rate's currencies are a rate's, not the amounts': the one currency beside the scale words is the rows' (before,
    the rate's other currency made the title name two, and each empty Currency cell was refused)."""
    rows = [[*row[:-1], None] for row in ROWS]
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [[title]], rows=rows)], database)
    assert rows_of(database, MONEY) == [(*row[:-1], currency) for row in scaled(1000)]
    assert "the currency named with its scale words" in " ".join(said(summary, "value from the title"))


# --- an amount's header naming its scale ("Budget (USD '000)") ------------------------------------------------------

@pytest.mark.parametrize("budget, factor, words", [
    ("Budget ('000)", 1000, "\"('000)\""), ("Budget (thousands)", 1000, "'(thousands)'"),
    ("Presupuesto (miles de KGS)", 1000, "'miles de'"), ("Budget (millions)", 1_000_000, "'(millions)'"),
    ("Budget (1,000)", 1000, "'(1,000)'")])
def test_an_amount_header_naming_a_scale_is_read_as_its_column_and_scales_it_alone(tmp_path, database, budget,
                                                                                    factor, words):
    """Before, such a header was no known column: the file was refused as having no Budget."""
    header = [budget if name == "Budget" else name for name in HEADER]
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [], header=header)], database)
    assert rows_of(database, "SELECT budget, received, expenditure FROM expenditure ORDER BY output_code") == [
        (Decimal(150 * factor), Decimal(120), Decimal("90.5")), (Decimal("2.25") * factor, None, Decimal(1))]
    assert said(summary, "amounts scaled") == [
        f"the header '{budget}' says the amounts are in {'millions' if factor > 1000 else 'thousands'} ({words}): "
        f"{budget} is read as written times {factor:,} (150 is read as {150 * factor:,}); if the amounts are whole, "
        "take the words out"]


def test_an_amount_header_s_scale_words_name_the_rows_currency(tmp_path, database):
    header = ["Budget (USD '000)" if name == "Budget" else name for name in HEADER]
    empty = run_load([expenditure(tmp_path / "KGZ.xlsx", [], header=header,
                                  rows=[[*row[:-1], None] for row in ROWS])], database)
    assert rows_of(database, "SELECT budget, currency FROM expenditure ORDER BY output_code") == [
        (Decimal(150_000), "USD"), (Decimal(2250), "USD")]
    assert said(empty, "value from the title") == ["rows 2-3 have no Currency: read as 'USD', from the header "
                                                   "'Budget (USD '000)'"]
    other = run_load([expenditure(tmp_path / "KGZ.xlsx", [], header=header)], tmp_path / "other.duckdb")
    assert [(r.row, [(p.column, p.expected) for p in r.problems]) for r in other.rejected] == [
        (row, [("Currency", "'USD', as the header 'Budget (USD '000)' says: the cell and the header disagree, so "
                            "correct the one that is wrong")]) for row in (2, 3)]


@pytest.mark.parametrize("budget, currency", [("Budget (KGS '000)", "KGS"), ("Presupuesto (miles de euros)", "EUR"),
                                              ("Budget (thousands of Serbian dinars)", "RSD"),
                                              ("Budget (in KGS '000)", "KGS"), ("Бюджет (в тыс. сомов)", "KGS"),
                                              ("Budget (in thousands of Kyrgyz soms)", "KGS"),
                                              ("Budget (J$000)", "JMD"), ("Budget (US$000)", "USD"),
                                              ("Budget (KGS in '000)", "KGS"), ("Бюджет (сом в тыс.)", "KGS")])
def test_an_amount_header_s_scale_currency_stands_for_a_missing_currency_column(tmp_path, monkeypatch, budget,
                                                                                currency):
    """As 'Budget (KGS)' does: before, a sheet without a Currency column under "Budget (KGS '000)" was refused as
    lacking Currency."""
    header = [budget if name == "Budget" else name for name in HEADER[:-1]]
    path = expenditure(tmp_path / "KGZ.xlsx", [], header=header, rows=[row[:-1] for row in ROWS])
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert found["rejected_rows"] == []
    assert rows_of(per_cell, "SELECT budget, received, currency FROM expenditure ORDER BY output_code") == [
        (Decimal(150_000), Decimal(120), currency), (Decimal(2250), None, currency)]


def test_two_amount_headers_naming_two_currencies_without_a_currency_column_say_so(tmp_path, database):
    """Before, each amount was refused as 'an amount in one currency (the Currency column)', a column the sheet
    does not have."""
    header = [{"Budget": "Budget (USD '000)", "Funds received": "Funds received (EUR)"}.get(name, name)
              for name in HEADER[:-1]]
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [], header=header, rows=[ROWS[0][:-1]])], database)
    assert [(p.column, p.expected) for r in summary.rejected for p in r.problems][:2] == [
        (f"{name} ({said})", f"the amounts of a row in one currency, but they name EUR and USD: this one {code} (its "
                             f"header '{name} ({said})' says); write the row's currency in a Currency column or a "
                             "title row ('Currency: ...'), and fix the amounts in another")
        for name, said, code in (("Budget", "USD '000", "USD"), ("Funds received", "EUR", "EUR"))]


@pytest.mark.parametrize("budget, besides", [("Budget (2016, '000)", "'2016'"), ("Budget ('000, 2016)", "'2016'"),
                                             ("Budget (in thousands of beneficiaries)", "'beneficiaries'"),
                                             ("Budget ($/year, '000)", "'$/year'"),
                                             ("Budget (USD EUR '000)", "'EUR', 'USD'"),  # two currencies: which?
                                             ("Budget (KGS '000 dollars)", "'KGS', 'dollars'")])
def test_an_amount_header_with_words_beside_its_scale_is_not_read_and_says_why(tmp_path, budget, besides):
    """Before, "Budget (2016, '000)" beside a Programme year column was read as Budget times 1,000, its year unsaid
    (a 2015 row's 2016 budget), as was a budget in thousands of beneficiaries."""
    header = [budget if name == "Budget" else name for name in HEADER]
    with pytest.raises(UnreadableFile) as refused:
        run_load([expenditure(tmp_path / "KGZ.xlsx", [], header=header)], tmp_path / "x.duckdb")
    assert (f"which lacks 'Budget' (the header '{budget}' has {besides} beside the scale in its brackets, which this "
            "reader cannot place: its column is not read; keep only the scale and the currency in the brackets)"
            ) in str(refused.value)


@pytest.mark.parametrize("budget, name", [("Budget ($)", "$"), ("Budget (dollars)", "dollars"),
                                          ("Budget ($000)", "$"), ("Budget (thousands of dollars)", "dollars")])
def test_a_header_naming_a_dollar_only_is_read_and_each_row_checked_against_it_on_both_lanes(tmp_path, monkeypatch,
                                                                                              budget, name):
    """'Budget ($)' or 'Budget (thousands of dollars)' (JMD or USD): a row in KGS disagrees, one in USD says which, an
    empty Currency cell takes the dollar its amounts' format shows, or is refused naming both. Before, '($)' and
    '(dollars)' were no Budget column (the file was refused as lacking it), and a row in KGS under '(thousands of
    dollars)' was read in KGS, unsaid."""
    header = [budget if column == "Budget" else column for column in HEADER]
    rows = [ROWS[0], [*ROWS[1][:-1], "USD"], [ROWS[0][0], "Output 3", *ROWS[0][2:-1], None],
            [ROWS[0][0], "Output 4", *ROWS[0][2:-1], None]]
    path = expenditure(tmp_path / "KGZ.xlsx", [], header=header, rows=rows)
    book = load_workbook(path)
    for cell in book.active[4][4:7]:  # row 4's amounts: in Jamaican dollars
        cell.number_format = '"J$"#,##0'
    book.save(path)
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert [(row[2], row[6]) for row in sorted(found["rejected_rows"])] == [
        (2, f"'{name}' (JMD or USD), as the header '{budget}' says: the cell and the header disagree, so correct the "
            "one that is wrong"),
        (5, f"the currency's code: '{name}' is the name of more than one (JMD, USD) (the cell is empty: its value is "
            f"from the header '{budget}')")]
    factor = 1000 if "000" in budget or "thousands" in budget else 1
    assert rows_of(per_cell, "SELECT output_code, budget, currency FROM expenditure ORDER BY 1") == [
        ("2", Decimal("2.25") * factor, "USD"), ("3", Decimal(150 * factor), "JMD")]


@pytest.mark.parametrize("title, currency", [("Currency: KGS", None), ("Currency: USD", "USD"),
                                             ("Amounts in thousands of dollars", "USD")])
def test_a_header_s_dollar_is_checked_against_a_title_s_currency(tmp_path, database, title, currency):
    """Under 'Currency: KGS', an amount headed 'Budget ($)' is in no KGS: each row is refused saying so; under
    'Currency: USD', or a title's dollars with the cell saying USD, the rows are read in USD."""
    header = ["Budget ($)" if column == "Budget" else column for column in HEADER]
    rows = [[*row[:-1], "USD" if "dollars" in title else None] for row in ROWS]
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [[title]], header=header, rows=rows)], database)
    if currency is None:
        assert {(r.row, p.column, p.expected) for r in summary.rejected for p in r.problems} == {
            (row, "Budget ($)", "an amount in KGS (the title row 1 'Currency: KGS'), not in '$' (JMD or USD) (its "
                                "header 'Budget ($)' says): fix the amount or the currency") for row in (3, 4)}
    else:
        assert summary.rejected == []
        assert {row[-1] for row in rows_of(database, MONEY)} == {currency}


def test_a_header_s_code_beside_another_s_dollar_is_the_amounts_currency(tmp_path, database):
    """'Budget (USD)' beside 'Expenditure ($)': the amounts are in USD, an empty Currency cell read so; a row in KGS
    disagrees (two headers naming two currencies are each checked against their own amounts)."""
    header = [{"Budget": "Budget (USD)", "Expenditure": "Expenditure ($)"}.get(column, column) for column in HEADER]
    rows = [ROWS[0], [*ROWS[1][:-1], None]]
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [], header=header, rows=rows)], database)
    assert [(r.row, [p.expected for p in r.problems]) for r in summary.rejected] == [
        (2, ["'USD', as the header 'Budget (USD)' says: the cell and the header disagree, so correct the one that is "
             "wrong"])]
    assert rows_of(database, "SELECT output_code, expenditure, currency FROM expenditure") == [
        ("2", Decimal("1.00"), "USD")]  # before, 'Expenditure ($)' was a column not used


@pytest.mark.parametrize("headers, expected", [
    (("Budget (Dollars)", "Expenditure (dollars)"), "'Dollars' (JMD or USD), as the header 'Budget (Dollars)' says: "
                                                    "the amounts' currency (EUR) and the header disagree"),
    (("Budget ($)", "Expenditure (EUR)"), "an amount in EUR (its amounts' number format), not in '$' (JMD or USD) "
                                          "(its header 'Budget ($)' says): fix the amount or the currency")])
def test_headers_naming_a_dollar_are_checked_against_the_amounts_format(tmp_path, monkeypatch, headers, expected):
    """Two headers naming the same dollars in other words are one currency for the sheet, and an empty Currency
    cell over amounts formatted in euros disagrees with it; beside a header of EUR, 'Budget ($)' is checked against
    the format's EUR (a first reading took them as two currencies and checked neither: read in EUR, unsaid)."""
    header = [dict(zip(("Budget", "Expenditure"), headers)).get(column, column) for column in HEADER]
    path = expenditure(tmp_path / "KGZ.xlsx", [], header=header, rows=[[*ROWS[0][:-1], None]],
                       amounts_format='"€"#,##0')
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert [row[6].split(" (the cell is empty")[0] for row in found["rejected_rows"]] == [
        expected + (", so correct the one that is wrong" if "disagree" in expected else "")]
    assert [row[5] for row in found["rejected_rows"]] == (  # the Currency cell is empty: said so, not 'EUR'
        ["an empty cell"] if "disagree" in expected else ["'150'"])


def test_a_dollar_header_with_no_currency_column_says_the_header_disagrees(tmp_path, database):
    header = ["Budget ($)" if column == "Budget" else column for column in HEADER[:-1]]
    path = expenditure(tmp_path / "KGZ.xlsx", [], header=header, rows=[ROWS[0][:-1]], amounts_format='"€"#,##0')
    summary = run_load([path], database)
    assert [(p.found, p.expected) for r in summary.rejected for p in r.problems] == [
        ("'EUR'", "'$' (JMD or USD), as the header 'Budget ($)' says: the amounts' currency (EUR) and the header "
                  "disagree, so correct the one that is wrong")]  # before, '… and the title disagree'; no cell: its
    # amounts' currency is what was found


def test_a_title_s_words_say_which_dollar_under_a_dollar_header(tmp_path, monkeypatch):
    """'All amounts in USD' over 'Budget ($)': a row in JMD agrees with the header, and is said against the title
    (before, the header's '$' hid the title's words); each currency said with its own rows."""
    header = ["Budget ($)" if column == "Budget" else column for column in HEADER]
    rows = [[*ROWS[0][:-1], "JMD"], [*ROWS[1][:-1], "USD"], [ROWS[0][0], "Output 3", *ROWS[0][2:-1], "JMD"]]
    path = expenditure(tmp_path / "JAM.xlsx", [["All amounts in USD"]], header=header, rows=rows)
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert found["rejected_rows"] == []
    assert [row[-1].split(": ", 1)[1] for row in found["load_warnings"] if row[4] == "title not used"] == [
        "the title row 1 'All amounts in USD' names USD, but rows 3, 5 are read in JMD, as the Currency column says "
        "(a title's words are not read as the rows' currency): if the title is right, fix the cells; or write "
        "'Currency: USD' above the header to have each row checked against it"]


def test_a_work_plan_s_activity_without_a_budget_loads_under_a_dollar_header(tmp_path, database):
    """'Budget ($)' over an activity with no budget and no currency: in no currency, loaded (before, refused as
    '$' naming JMD and USD); one with a budget and none is refused so."""
    book = Workbook()
    sheet = book.active
    sheet.title = "AWP"
    for row in (["Annual Work Plan 2015 – Kyrgyzstan"], ["Expected Outputs", "Planned Activities", "Q1",
                                                          "Responsible Party", "Budget ($)", "Currency"],
                ["Output 1", "Consultations", "X", "UNDP", None, None], ["Output 1", "Mapping", "X", "UNDP", 500, None],
                ["Output 2", "Profile", "X", "IOM", 800, "USD"]):
        sheet.append(row)
    book.save(tmp_path / "KGZ-awp.xlsx")
    summary = run_load([tmp_path / "KGZ-awp.xlsx"], database)
    assert [(r.row, p.expected) for r in summary.rejected for p in r.problems] == [
        (4, "the currency's code: '$' is the name of more than one (JMD, USD) (the cell is empty: its value is from "
            "the header 'Budget ($)')")]
    assert rows_of(database, "SELECT activity_title, budget FROM activities ORDER BY 1") == [
        ("Consultations", None), ("Profile", Decimal(800))]


@pytest.mark.parametrize("budget, currency", [("Budget (US dollars)", "USD"), ("Budget (Jamaican dollars)", "JMD"),
                                              ("Presupuesto (euros)", "EUR"), ("Бюджет (сом)", "KGS")])
def test_a_header_naming_one_currency_by_its_name_is_read_in_it(tmp_path, database, budget, currency):
    """Before, 'Budget (US dollars)' was no Budget column (the sheet was refused as lacking it), where the vaguer
    'Budget (dollars)' was read."""
    header = [budget if column == "Budget" else column for column in HEADER]
    rows = [[*ROWS[0][:-1], None], [*ROWS[1][:-1], "KGS"]]
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [], header=header, rows=rows)], database)
    assert rows_of(database, "SELECT output_code, budget, currency FROM expenditure ORDER BY 1") == (
        [("1", Decimal(150), currency)] + ([("2", Decimal("2.25"), "KGS")] if currency == "KGS" else []))
    if currency != "KGS":
        assert [p.expected for r in summary.rejected for p in r.problems] == [
            f"'{currency}', as the header '{budget}' says: the cell and the header disagree, so correct the one "
            "that is wrong"]


def test_a_header_s_dollars_in_thousands_with_the_code_beside_are_read_in_that_code(tmp_path, database):
    """"Budget (thousands of dollars USD)": the code says which dollar (before, refused as a code beside no scale)."""
    header = ["Budget (thousands of dollars USD)" if name == "Budget" else name for name in HEADER[:-1]]
    summary = run_load([expenditure(tmp_path / "JAM.xlsx", [], header=header, rows=[ROWS[0][:-1]])], database)
    assert summary.rejected == []
    assert rows_of(database, "SELECT budget, currency FROM expenditure") == [(Decimal(150_000), "USD")]


def test_a_bare_dollar_sign_beside_a_header_s_code_and_scale_names_no_other_currency(tmp_path, database):
    """"Budget (EUR '000 $)" is Budget in thousands of euros, as before en.toml named '$' a sign several currencies
    share (a first reading refused the header, as naming two)."""
    header = ["Budget (EUR '000 $)" if name == "Budget" else name for name in HEADER[:-1]]
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [], header=header, rows=[ROWS[0][:-1]])], database)
    assert summary.rejected == []
    assert rows_of(database, "SELECT budget, currency FROM expenditure") == [(Decimal(150_000), "EUR")]


@pytest.mark.parametrize("budget, why", [
    ("Budget (2016, '000)", "has '2016' beside the scale in its brackets, which this reader cannot place: its column "
                            "is not read; keep only the scale and the currency in the brackets"),
    ("Budget (UAH '000)", "has 'uah' beside the scale in its brackets, a currency without a shipped exchange rate "
                          "(data/reference/fx_rates.csv): its column is not read; write the amounts in a currency "
                          "with one")])
def test_a_sheet_named_as_ours_whose_amount_header_is_not_read_says_why(tmp_path, budget, why):
    """A sheet named Expenditure is refused for lacking its Budget header: before, without saying that the header
    it has was seen and why it was not read ('expected the columns 'Budget'' beside a header 'Budget (...)')."""
    header = [budget if name == "Budget" else name for name in HEADER]
    with pytest.raises(UnreadableFile) as refused:
        run_load([expenditure(tmp_path / "KGZ.xlsx", [], header=header, sheet="Expenditure")], tmp_path / "x.duckdb")
    assert str(refused.value) == (f"KGZ.xlsx › Expenditure: no header row found in the first 30 rows: expected the "
                                  f"columns 'Budget' (the header '{budget}' {why})")


def test_a_group_label_s_scale_words_name_the_currency_of_the_rows(tmp_path, database):
    """"EUR '000" merged over Budget and Funds received: those two are scaled, and an empty Currency cell is EUR
    (before, the row was refused for its empty Currency)."""
    summary = run_load([grouped(tmp_path / "KGZ.xlsx", "EUR '000", None)], database)
    assert rows_of(database, "SELECT budget, received, expenditure, currency FROM expenditure") == [
        (Decimal(150_000), Decimal(100_000), Decimal(80), "EUR")]
    assert said(summary, "value from the title") == ["no Currency: read as 'EUR', from the header 'EUR '000 · Budget'"]


@pytest.mark.parametrize("title, words, name", [("Expenditure, thousands", "thousands", "thousands"),
                                                ("Dépenses 2015 – milliers", "milliers", "thousands"),
                                                ("Dépenses – millions", "millions", "millions"),
                                                ("Expenditure, thousands.", "thousands", "thousands")])
def test_a_scale_word_with_no_currency_beside_it_is_said_not_read(tmp_path, database, title, words, name):
    """Before this pass's change, 'thousands' alone scaled every amount (prose too); now it scales none, and a
    sheet of amounts says so where the word ends its text or a clause, and nothing else scales the amounts."""
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [[title]])], database)
    assert rows_of(database, MONEY) == scaled(1)
    assert said(summary, "title not used") == [
        f"the title row 1 '{title}' has '{words}' with no currency beside it, so it scales no amount: Budget, Funds "
        f"received and Expenditure are read as written; if the amounts are in {name}, write 'in {name}' or their "
        "currency beside the word"]


@pytest.mark.parametrize("title", ["One Million Women initiative", "Reaching thousands of youth",
                                   "Road miles travelled"])
def test_a_scale_word_inside_a_name_or_prose_is_not_said(tmp_path, database, title):
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [[title]])], database)
    assert rows_of(database, MONEY) == scaled(1)
    assert said(summary, "title not used") == []


def test_a_scale_word_with_no_currency_is_not_said_where_the_amounts_are_scaled(tmp_path, database):
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [["Reaching thousands of youth"]],
                                    sheet="Expenditure ('000)")], database)
    assert rows_of(database, MONEY) == scaled(1000)
    assert said(summary, "title not used") == []


def test_a_second_table_s_amounts_are_read_by_its_own_header_not_the_first_one_s(tmp_path, database):
    """Budget ('000) heads the first table, Budget the second (its columns in another order): the second's
    amounts are read as written (before this pass, the first header was no header, and both tables were read
    under its words as a title's: times 1,000)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Expenditure"
    sheet.append(["Country", "Output", "Agency", "Programme year", "Budget ('000)", "Funds received", "Expenditure",
                  "Currency"])
    sheet.append(["Kyrgyzstan", "Output 1", "UNDP", 2015, 150, 120, 90, "KGS"])
    sheet.append([])
    sheet.append(["Country", "Output", "Agency", "Programme year", "Expenditure", "Funds received", "Budget",
                  "Currency"])
    sheet.append(["Kyrgyzstan", "Output 2", "IOM", 2015, 7, 8, 9, "KGS"])
    workbook.save(tmp_path / "KGZ.xlsx")
    summary = run_load([tmp_path / "KGZ.xlsx"], database)
    assert rows_of(database, MONEY) == [("1", Decimal(150_000), Decimal(120), Decimal(90), "KGS"),
                                        ("2", Decimal(9), Decimal(8), Decimal(7), "KGS")]
    assert len(said(summary, "amounts scaled")) == 1


def test_a_sheet_name_s_scale_currency_fills_an_empty_currency_cell_and_checks_none(tmp_path, database):
    rows = [ROWS[0], [*ROWS[1][:-1], None]]
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [], rows=rows, sheet="Expenditure (USD '000)")], database)
    assert rows_of(database, "SELECT output_code, currency FROM expenditure ORDER BY 1") == [("1", "KGS"),
                                                                                          ("2", "USD")]
    assert said(summary, "value from the title") == [
        "no Currency: read as 'USD', from the sheet name 'Expenditure (USD '000)': the currency named with its "
        "scale words"]


def test_an_amount_header_in_full_width_brackets_names_its_scale(tmp_path, database):
    header = ["Budget（thousands）" if name == "Budget" else name for name in HEADER]
    run_load([expenditure(tmp_path / "KGZ.xlsx", [], header=header)], database)
    assert rows_of(database, "SELECT budget FROM expenditure ORDER BY output_code") == [(Decimal(150_000),),
                                                                                       (Decimal(2250),)]


def two_tables(path: Path, first: list, second: list, rows: tuple[list, list], sheet: str = "Expenditure") -> Path:
    """An expenditure sheet of two tables, headed `first` and `second` (its columns in another order)."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in (first, rows[0], [], second, rows[1]):
        worksheet.append(row)
    workbook.save(path)
    return path


def test_a_second_table_s_own_header_scale_is_read_and_said(tmp_path, database):
    first = ["Country", "Output", "Agency", "Programme year", "Budget ('000)", "Funds received", "Expenditure",
             "Currency"]
    second = ["Country", "Output", "Agency", "Programme year", "Expenditure", "Funds received", "Budget (millions)",
              "Currency"]
    rows = (["Kyrgyzstan", "Output 1", "UNDP", 2015, 150, 120, 90, "KGS"],
            ["Kyrgyzstan", "Output 2", "IOM", 2015, 7, 8, 9, "KGS"])
    summary = run_load([two_tables(tmp_path / "KGZ.xlsx", first, second, rows)], database)
    assert rows_of(database, "SELECT output_code, budget FROM expenditure ORDER BY 1") == [
        ("1", Decimal(150_000)), ("2", Decimal(9_000_000))]
    assert [text.split(":")[0] for text in said(summary, "amounts scaled")] == [
        "the header 'Budget ('000)' says the amounts are in thousands (\"('000)\")",
        "the header 'Budget (millions)' says the amounts are in millions ('(millions)')"]


def test_a_second_table_without_a_header_currency_takes_the_sheet_name_s(tmp_path, database):
    """The first table's 'Budget (EUR)' goes before the sheet name's USD; the second, headed 'Budget', is in USD
    (before the mend, it had no currency, and its rows were refused)."""
    first = ["Country", "Output", "Agency", "Programme year", "Budget (EUR)", "Funds received", "Expenditure",
             "Currency"]
    second = ["Country", "Output", "Agency", "Programme year", "Expenditure", "Funds received", "Budget", "Currency"]
    rows = (["Kyrgyzstan", "Output 1", "UNDP", 2015, 150, 120, 90, None],
            ["Kyrgyzstan", "Output 2", "IOM", 2015, 7, 8, 9, None])
    summary = run_load([two_tables(tmp_path / "KGZ.xlsx", first, second, rows, sheet="Expenditure (USD '000)")],
                       database)
    assert summary.rejected == []
    assert rows_of(database, "SELECT output_code, budget, currency FROM expenditure ORDER BY 1") == [
        ("1", Decimal(150_000), "EUR"), ("2", Decimal(9000), "USD")]


def test_a_word_inside_a_longer_one_found_is_no_other_wherever_the_spans_lie():
    """The spans a title's scale words were found at, asked whether one holds another ('x 1 000' inside
    'x 1 000 000'), answer as looking at every span would, for spans added in any order."""
    import random

    from etl.title_block import _Spans

    chance = random.Random(17)
    for _ in range(200):
        length = chance.randint(1, 40)
        spans, added = _Spans(length), []
        for _ in range(30):
            start = chance.randint(0, length)
            end = chance.randint(start, length)
            assert spans.holds(start, end) == any(a <= start and end <= b for a, b in added), (added, start, end)
            if chance.random() < 0.5:
                spans.add(start, end)
                added.append((start, end))


def test_scale_words_found_at_overlapping_places_are_kept_once_whatever_their_order():
    """The places a currency label's scale words are taken out of ('KGS '000'): each kept where it overlaps none
    kept before it, as looking at every kept place would."""
    import random

    from etl.title_block import _apart

    chance = random.Random(23)
    for _ in range(300):
        length = chance.randint(1, 40)
        spans = []
        for _ in range(chance.randint(0, 25)):
            start = chance.randint(0, length - 1)
            spans.append((start, chance.randint(start + 1, length)))
        expected: list[tuple[int, int]] = []
        for start, end in spans:
            if all(end <= taken[0] or start >= taken[1] for taken in expected):
                expected.append((start, end))
        assert _apart(spans) == expected, spans


@pytest.mark.parametrize("title, named", [
    ("All amounts in USD", "USD"), ("ALL AMOUNTS IN USD", "USD"), ("Montants en euros", "EUR"),
    ("Budget in US dollars", "USD"), ("Presupuesto (€)", "EUR"), ("Расходы (сом)", "KGS"),
    ("Budget in lei", "MDL"),
    ("Exchange rate: 1 USD = 69.5 KGS", None), ("Amounts in dollars", None), ("Expenditure report 2015", None),
    ("Currency: USD", None),
    # a review's: a rate against a dollar names two; a code, a letter sign or a word elsewhere names none
    ("Exchange rate: 1 $ = 69.5 KGS", None), ("UN operational rate: 69.5 som per dollar", None),
    ("курс: 69,5 сом за 1 доллар", None), ("Taux de change : 1 dollar = 9,8 DH", None),
    ("Joint programme with the Department of Health (DH)", None), ("Seed distribution (kgs)", None),
    ("MAD – Mobilising Action for Development", None), ("Euro Youth Partnership", None),
    ("grant of EUR 2.5 million", None), ("Funded by SDC (CHF 3.2 million)", None),
    # a third read's: 'in' inside a bracket; two currencies after 'in'
    ("Budget 2016 (in USD)", "USD"), ("Montants (en euros)", "EUR"), ("Amounts in KGS and USD", None),
    ("Amounts in USD / KGS", None)])
def test_the_currency_a_title_s_words_name_is_found_where_no_label_or_scale_gives_one(title, named):
    context = sheet_context([[title]], [], load_reference())
    assert (context.prose_currency.value if context.prose_currency else None) == named


def test_rows_in_another_currency_than_a_title_s_words_name_are_said_on_both_lanes(tmp_path, monkeypatch):
    """'All amounts in USD' over rows in KGS: before, read in KGS unsaid. The words are not a 'Currency:' label (a
    title may name a donor's grant or a rate), so each row is still read in its own currency, and said."""
    rows = [ROWS[0], [*ROWS[1][:-1], "USD"], [*ROWS[0][:1], "Output 3", *ROWS[0][2:]]]
    per_cell, fast, _ = load_both([expenditure(tmp_path / "KGZ.xlsx", [["All amounts in USD"]], rows=rows,
                                               sheet="Expenditure")], tmp_path, monkeypatch)  # the fast lane's
    found = assert_same(per_cell, fast)
    assert found["rejected_rows"] == []
    assert [row[-1] for row in rows_of(per_cell, MONEY)] == ["KGS", "USD", "KGS"]
    assert [(row[2], row[3], row[-1]) for row in found["load_warnings"] if row[4] == "title not used"] == [
        (3, "Currency", "KGZ.xlsx › Expenditure › row 3 › column Currency: the title row 1 'All amounts in USD' "
                        "names USD, but rows 3, 5 are read in KGS, as the Currency column says (a title's words are "
                        "not read as the rows' currency): if the title is right, fix the cells; or write 'Currency: "
                        "USD' above the header to have each row checked against it")]
    (tmp_path / "rate").mkdir()
    per_cell, fast, _ = load_both([expenditure(tmp_path / "rate" / "KGZ.xlsx", [["Exchange rate: 1 USD = 69.5 KGS"]],
                                               rows=rows, sheet="Expenditure")], tmp_path / "rate", monkeypatch)
    assert not [row for row in assert_same(per_cell, fast)["load_warnings"] if row[4] == "title not used"]


@pytest.mark.parametrize("with_currency", [True, False])
def test_under_a_dollar_title_the_amounts_number_format_says_which_dollar(tmp_path, database, with_currency):
    """'Expenditure ($000)' over amounts formatted '"J$"#,##0.00' and no currency written: read in JMD, times
    1,000, as before the title's '$' was checked (the first version of that check refused every such row); a format
    of another currency disagrees with the title."""
    header = HEADER if with_currency else HEADER[:-1]
    rows = [[*row[:-1], None] if with_currency else row[:-1] for row in ROWS]
    path = expenditure(tmp_path / "JAM.xlsx", [["Expenditure ($000)"]], header=header, rows=rows,
                       amounts_format='"J$"#,##0.00')
    summary = run_load([path], database)
    assert summary.rejected == []
    assert [row[-1] for row in rows_of(database, MONEY)] == ["JMD", "JMD"]
    assert rows_of(database, "SELECT budget FROM expenditure ORDER BY output_code") == [(Decimal(150_000),),
                                                                                         (Decimal(2_250),)]
    assert not [w for w in summary.warnings if "read as '$'" in w.detail]
    path = expenditure(tmp_path / "JAM-euro.xlsx", [["Expenditure ($000)"]], header=header, rows=rows,
                       amounts_format="[$€-x-euro2] #,##0.00")
    summary = run_load([path], tmp_path / "euro.duckdb")
    assert len(summary.rejected) == len(ROWS)
    assert {(p.found, p.expected) for r in summary.rejected for p in r.problems if p.column == "Currency"} == {(
        "an empty cell" if with_currency else "'EUR'", "'$' (JMD or USD), as the title row 1 'Expenditure ($000)': "
        "the currency named with its scale words says: the amounts' currency (EUR) and the title disagree, so correct "
        "the one that is wrong")}
    # an empty cell is said so (before, found 'EUR'; and before that, 'the cell and the title disagree'); with no
    # Currency column, what was found is the amounts' currency


def test_under_a_dollar_title_an_amount_typed_with_its_dollar_says_which(tmp_path, database):
    path = expenditure(tmp_path / "JAM.xlsx", [["Expenditure ($000)"]], header=HEADER[:-1],
                       rows=[["Jamaica", "Output 1", "UNDP", 2015, "J$150", None, "J$90"]])
    summary = run_load([path], database)
    assert summary.rejected == []
    assert rows_of(database, "SELECT budget, expenditure, currency FROM expenditure") == [
        (Decimal(150_000), Decimal(90_000), "JMD")]


@pytest.mark.parametrize("title, currency", [("Amounts in thousands of dollars (USD)", "USD"),
                                             ("Amounts in USD $000", "USD"),
                                             # a dash, a slash or 'in' between (a third read's finding)
                                             ("Amounts in thousands of dollars – USD", "USD"),
                                             ("Amounts in thousands of dollars / USD", "USD"),
                                             ("Amounts in thousands of dollars (in JMD)", "JMD"),
                                             ("Суммы в тыс. долларов – USD", "USD")])
def test_a_code_beside_a_dollar_title_says_which(tmp_path, database, title, currency):
    """Before the code was looked at, the title's 'dollars' refused every row of these (a review's finding)."""
    path = expenditure(tmp_path / "JAM.xlsx", [[title]], header=HEADER[:-1], rows=[row[:-1] for row in ROWS])
    summary = run_load([path], database)
    assert summary.rejected == []
    assert [row[-1] for row in rows_of(database, MONEY)] == [currency, currency]


def test_two_spellings_of_the_same_dollar_in_a_title_are_one(tmp_path, database):
    """'thousands of dollars ($000)' over a row in KGS: refused as under 'thousands of dollars' alone (the first
    version of the check compared the spellings, and read the row unsaid)."""
    path = expenditure(tmp_path / "KGZ.xlsx", [["Amounts in thousands of dollars ($000)"]])
    summary = run_load([path], database)
    assert {p.expected for r in summary.rejected for p in r.problems} == {
        "'dollars' (JMD or USD), as the title row 1 'Amounts in thousands of dollars ($000)': the currency named with "
        "its scale words says: the cell and the title disagree, so correct the one that is wrong"}


def test_a_second_table_keeps_the_title_s_dollar_after_a_first_header_named_one():
    """with_headers drops a header's currency for the next table; the title's 'dollars' comes back (before, lost:
    the next table's rows in KGS were read unsaid)."""
    from etl import spec
    from etl.title_block import with_headers
    reference = load_reference()
    context = sheet_context([["Amounts in thousands of dollars"]], [], reference)
    first = with_headers(context, spec.EXPENDITURE, {"budget": "Budget (USD)"}, {"budget": "Budget (USD)"},
                         reference.scale_words)
    assert first.values["currency"].value == "USD"
    second = with_headers(first, spec.EXPENDITURE, {"budget": "Budget"}, {"budget": "Budget"}, reference.scale_words)
    assert second.values["currency"].value == "dollars"


@pytest.mark.parametrize("budget, currency", [("Budget (RSD – '000)", "RSD"), ("Budget (USD - '000)", "USD"),
                                              ("Budget (EUR — thousands)", "EUR")])
def test_a_dash_between_a_header_s_currency_and_its_scale_is_no_word(tmp_path, database, budget, currency):
    """Before, "Budget (RSD – '000)" was refused: '–' was a word beside the scale this reader could not place."""
    header = [budget if name == "Budget" else name for name in HEADER[:-1]]
    summary = run_load([expenditure(tmp_path / "SRB.xlsx", [], header=header, rows=[ROWS[0][:-1]])], database)
    assert summary.rejected == []
    assert rows_of(database, "SELECT budget, currency FROM expenditure") == [(Decimal(150_000), currency)]


def test_a_dash_between_a_title_s_currency_and_its_scale_words_joins_them(tmp_path, database):
    """'Expenditure, KGS – thousands': before, 'thousands' stood beside no currency and scaled nothing."""
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [["Expenditure, KGS – thousands"]])], database)
    assert summary.rejected == []
    assert rows_of(database, MONEY) == scaled(1000)


def test_a_code_away_from_a_dollar_title_says_neither_which_nor_another(tmp_path, database):
    """'…in thousands of dollars, converted from JMD': a first mend took JMD as the amounts' currency and refused
    rows in USD (a re-check's finding); a code away from the dollar is no answer, so a row in either dollar is
    read, one in another refused, and a row naming none refused naming both."""
    title = "Expenditure in thousands of dollars, converted from JMD"
    rows = [[*ROWS[0][:-1], "USD"], [*ROWS[1][:-1], "JMD"], [*ROWS[0][:1], "Output 3", *ROWS[0][2:-1], "KGS"]]
    summary = run_load([expenditure(tmp_path / "JAM.xlsx", [[title]], rows=rows)], database)
    assert [row[-1] for row in rows_of(database, MONEY)] == ["USD", "JMD"]
    assert [(r.row, p.expected) for r in summary.rejected for p in r.problems] == [
        (5, f"'dollars' (JMD or USD), as the title row 1 '{title}': the currency named with its scale words says: the "
            "cell and the title disagree, so correct the one that is wrong")]


@pytest.mark.parametrize("title, words, scale_of, read, refused", [
    ("Expenditure (USD or EUR '000); exchange rate used: 69 KGS", "\"'000\"", "EUR or USD", "USD", "KGS"),
    ("Amounts in thousands (USD or EUR); 1 USD equals 69.5 KGS", "'in thousands'", "EUR or USD", "USD", "KGS"),
    ("Expenditure in thousands, USD or EUR @ 69.5 KGS", "'in thousands'", "EUR or USD", "USD", "KGS"),
    ("Amounts in USD '000, converted at 69.5 KGS", "\"'000\"", "USD", "USD", "KGS"),
    ("Amounts in USD '000; exchange rate (KGS): 87.5", "\"'000\"", "USD", "USD", "KGS")])
def test_a_row_in_another_currency_than_a_title_s_scale_stands_beside_is_refused(tmp_path, monkeypatch, title, words,
                                                                                 scale_of, read, refused):
    """Scale words beside two currencies, and a rate naming KGS: no currency is said, but the amounts are thousands
    of either, so a row in KGS is no amount of thousands of them: refused, each amount saying why (before, read as
    written times 1,000 in KGS, unsaid); a row in the scale's currency is read in thousands, on both lanes."""
    rows = [[*ROWS[0][:-1], read], [*ROWS[1][:-1], refused]]
    per_cell, fast, _ = load_both([expenditure(tmp_path / "KGZ.xlsx", [[title]], rows=rows)], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert rows_of(per_cell, "SELECT output_code, budget FROM expenditure") == [("1", Decimal(150_000))]
    said_of = [(row[2], row[4], row[6]) for row in found["rejected_rows"]]
    expected = (f"an amount in {scale_of}, as the title row 1 '{title}' says the amounts are in thousands ({words}), "
                f"not in {refused} (the Currency column): correct the row's currency or the title")
    assert said_of == [(4, "Budget", expected), (4, "Expenditure", expected)]  # its Funds received is empty


@pytest.mark.parametrize("title, read, refused", [
    ("Amounts in KGS '000; exchange rate: 1 USD = 69.5 KGS", "KGS", "USD"),
    ("Amounts in KGS '000 (1 USD ~ 70 KGS)", "KGS", "USD"),
    ("Amounts in KGS '000; 1 USD equals 69.5 KGS", "KGS", "USD"),
    ("Dépenses (USD '000) ; taux de change : 10 MAD", "USD", "MAD"), ("Gastos (USD '000); tipo de cambio 69 KGS",
                                                                      "USD", "KGS"),
    ("Расходы, тыс. сом; курс: 1 USD равно 69 сом", "KGS", "USD"),
    ("Annex 2 USD '000 (1 USD = 69.5 KGS)", "USD", "KGS"),  # '2 USD' is no rate
    ("Expenditure ($000); exchange rate used: 69.5 KGS", "USD", "KGS"),  # the title's '$': JMD or USD
    ("Expenditure ($000); exchange rate used: 69 KGS", "USD", "KGS"),
    ("Amounts in thousands of dollars (USD = 69.5 KGS)", "USD", "KGS"),
    # a rate after the scale's currency, and a rate's word after it: the '1' is the rate's, not beside KGS (a first
    # reading took any number in a title with a rate's word for a rate's, and left the rows unchecked)
    ("Amounts in thousands of KGS; 1 USD = 69.5 KGS (UN operational rate)", "KGS", "USD"),
    ("Montos en miles de KGS; 1 USD = 69,5 KGS (tipo de cambio)", "KGS", "USD"),
    ("Annex 2 USD '000 (1 USD = 69.5 KGS), UN operational rate", "USD", "KGS"),
    ("Montants en milliers de MAD (taux de change de l'USD : 10,5 MAD)", "MAD", "USD"),
    ("Суммы в тыс. сом (USD 1 = 87)", "KGS", "USD")])
def test_a_rate_s_currency_is_no_amount_s_in_any_language(tmp_path, monkeypatch, title, read, refused):
    """A rate's currency, by its sign ('=', 'equals', 'vaut', 'равно') or by a rate's word before it ('exchange rate',
    'taux de change', 'tipo de cambio', 'курс': each language file's [scales.joining]), is no amount's, nor does
    it hide the one the scale words name: that is the sheet's currency, so a row in the rate's is refused once, by
    its Currency cell, on both lanes. Before, a rate in words was taken for a currency the amounts may be in (a row
    in it was read as written times 1,000, unchecked); by its sign, it made the title name two currencies (a row in
    it was refused by each amount)."""
    rows = [[*ROWS[0][:-1], read], [*ROWS[1][:-1], refused]]
    per_cell, fast, _ = load_both([expenditure(tmp_path / "KGZ.xlsx", [[title]], rows=rows)], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert rows_of(per_cell, "SELECT output_code, budget, currency FROM expenditure") == [
        ("1", Decimal(150_000), read)]
    assert {(row[2], row[4]) for row in found["rejected_rows"]} == {(4, "Currency")}


@pytest.mark.parametrize("title", ["Amounts in USD or EUR '000, as the Currency column says",
                                   "All amounts in thousands (USD for UNDP, EUR for EU)", "Amounts in '000 (EUR / USD)",
                                   "Amounts ('000 USD, EUR)", "Amounts in '000 (USD or EUR), 2015",
                                   "Table 3: USD or EUR '000", "Amounts in '000 (USD or EUR) = budget - spent",
                                   "Total = USD or EUR '000", "Budget 2015 USD or EUR '000, delivery rate",
                                   # a section's number or a date is no rate's figure, with a rate's word or not
                                   "Table 3: USD or EUR '000, delivery rate", "Delivery rate, Output 1 USD or EUR '000",
                                   "Taux d'exécution 3 EUR ou USD en milliers",
                                   "Exchange rate 87.5; Table 2 USD or EUR '000",
                                   "UN operational rate of June 30 USD or EUR '000",
                                   "Expenditure at the UN operational rate as at 31.12.2015 USD or EUR '000"])
def test_currencies_a_title_lists_beside_its_scale_are_each_the_amounts(tmp_path, database, title):
    """A title listing the currencies the amounts are in beside its scale ('USD or EUR '000'): a row in either is
    read in thousands, one in another refused (a first reading took the currency beside the scale words as the only
    one, and refused rows in the other); only a rate's currency ('69.5 KGS') is no amount's."""
    rows = [[*ROWS[0][:-1], "USD"], [*ROWS[1][:-1], "EUR"], [*ROWS[0][:1], "Output 3", *ROWS[0][2:-1], "KGS"]]
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [[title]], rows=rows)], database)
    assert rows_of(database, "SELECT output_code, budget, currency FROM expenditure ORDER BY 1") == [
        ("1", Decimal(150_000), "USD"), ("2", Decimal(2_250), "EUR")]
    assert {(r.row, p.column, p.expected.split(", as ")[0]) for r in summary.rejected for p in r.problems} == {
        (5, column, "an amount in EUR or USD") for column in ("Budget", "Funds received", "Expenditure")}


@pytest.mark.parametrize("title", ["Amounts in '000, USD 1.00 = KGS 69.50", "Amounts in thousands - USD 1 = KGS 69.5",
                                   "Amounts in thousands; 1 USD = 69.5 KGS", "Montants en milliers, EUR 1 = 10,9 KGS",
                                   "Amounts in '000 (USD 1=KGS 69.5)", "Amounts in '000; USD = 69.5 KGS",
                                   "Annex 2: KGS '000 (USD for imported goods)",
                                   "Amounts in KGS '000 (USD = local costs)"])
def test_a_rate_s_currencies_beside_a_title_s_scale_are_no_amount_s(tmp_path, database, title):
    """A rate written just after the scale words ('USD 1.00 = KGS 69.50'): neither currency is the amounts', so a
    row in KGS is read in thousands, unchecked, as before (a first reading took the rate's USD as theirs, and
    refused it advising to write USD: a misread); a rate is an equals sign with a figure past it, or a figure with
    decimals, not a number before a currency ('Annex 2: KGS': a second reading took it for one, and refused rows
    in KGS), nor a sign naming no figure ('KGS = local costs': a third took any sign near for one)."""
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", [[title]])], database)
    assert summary.rejected == []
    assert rows_of(database, MONEY) == scaled(1000)


def test_a_work_plan_row_without_a_currency_under_another_s_scale_is_told_to_write_it_in_its_cell(tmp_path, database):
    """The work plan has a Currency column, the row's cell is empty: its budget is read in the default, USD, which
    "Budget in KGS or EUR '000" says it is not: write it in the cell (a first wording asked for a Currency column)."""
    book = Workbook()
    book.active.title = "AWP"
    for row in [["Annual Work Plan 2015 – Kyrgyzstan. Budget in KGS or EUR '000"],
                ["Expected Outputs", "Planned Activities", "Q1", "Q2", "Responsible Party", "Budget", "Currency"],
                ["Output 1", "Consultations", "X", None, "UNDP", 500, None]]:
        book.active.append(row)
    book.save(tmp_path / "KGZ-awp.xlsx")
    summary = run_load([tmp_path / "KGZ-awp.xlsx"], database)
    assert [p.expected.split(": ")[-1] for r in summary.rejected for p in r.problems] == [
        "write the row's currency in its Currency cell, or correct the title"]


def test_an_amount_header_s_own_scale_goes_before_a_title_s(tmp_path, database):
    """"Budget (KGS '000)" under "Expenditure (USD or JMD '000)": a row in KGS is read in thousands of KGS (a first
    reading refused it by the title's currencies); one in USD is refused once, by its Currency cell against the
    header, not again by each amount; an amount refused as no number is said once; zero is zero in any currency.
    (Under "Expenditure ($000); exchange rate used: 69.5 KGS", the title says '$', which a row in KGS is not: it is
    refused, as under "Expenditure ($000)".)"""
    header = [{"Budget": "Budget (KGS '000)", "Expenditure": "Expenditure (KGS '000)"}.get(c, c) for c in HEADER]
    title = [["Expenditure (USD or JMD '000)"]]
    rows = [[*ROWS[0][:-1], "USD"], ROWS[1]]  # the second without Funds received, which only the title scales
    summary = run_load([expenditure(tmp_path / "KGZ.xlsx", title, header=header, rows=rows)], database)
    assert rows_of(database, "SELECT output_code, budget, currency FROM expenditure") == [
        ("2", Decimal(2_250), "KGS")]
    assert [(r.row, p.column) for r in summary.rejected for p in r.problems] == [(3, "Currency")]
    rows = [[*ROWS[0][:4], "abc", 0, None, "KGS"]]
    summary = run_load([expenditure(tmp_path / "KGZ-2.xlsx", title, rows=rows)], tmp_path / "2.duckdb")
    assert [(p.column, p.expected) for r in summary.rejected for p in r.problems] == [("Budget", "a number")]


def awp_without_currency(path: Path, title: str) -> Path:
    book = Workbook()
    book.active.title = "AWP"
    for row in [[title], ["Expected Outputs", "Planned Activities", "Q1", "Q2", "Responsible Party", "Budget"],
                ["Output 1", "Consultations", "X", None, "UNDP", 500], ["Output 1", "Mapping", "X", None, "UNDP"]]:
        book.active.append(row)
    book.save(path)
    return path


def test_a_work_plan_s_budget_read_in_its_default_currency_under_another_s_scale_is_refused(tmp_path, database):
    """A work plan without a Currency column under "Budget in KGS or EUR '000": its budgets are not thousands of
    dollars, the default (before, 500 was read as USD 500,000, unsaid); an activity without one loads."""
    title = "Annual Work Plan 2015 – Kyrgyzstan. Budget in KGS or EUR '000"
    summary = run_load([awp_without_currency(tmp_path / "KGZ-awp.xlsx", title)], database)
    assert rows_of(database, "SELECT activity_title, budget FROM activities") == [("Mapping", None)]
    assert [(r.row, p.column, p.expected) for r in summary.rejected for p in r.problems] == [
        (3, "Budget", f"an amount in EUR or KGS, as the title row 1 '{title}' says the amounts are in thousands "
                      "(\"'000\"), not in USD (the work plan's default currency: the row names none): name the row's "
                      "currency in a Currency column, or correct the title")]


def test_a_work_plan_under_scale_words_naming_a_currency_beside_a_rate_is_read_in_it(tmp_path, database):
    """"Budget in KGS '000 (1 USD = 69.5 KGS)" over a work plan without a Currency column: its budgets are thousands
    of KGS, said (before, the rate's USD made the title name two currencies, and each budget was refused)."""
    title = "Annual Work Plan 2015 – Kyrgyzstan. Budget in KGS '000 (1 USD = 69.5 KGS)"
    summary = run_load([awp_without_currency(tmp_path / "KGZ-awp.xlsx", title)], database)
    assert summary.rejected == []
    assert rows_of(database, "SELECT activity_title, budget, currency FROM activities ORDER BY 1") == [
        ("Consultations", Decimal(500_000), "KGS"), ("Mapping", None, "KGS")]


def test_an_amount_typed_with_a_bare_dollar_under_a_dollar_title_says_no_which(tmp_path, database):
    """'$150' under 'Expenditure ($000)' and no currency written: refused naming both (a first mend read USD)."""
    path = expenditure(tmp_path / "JAM.xlsx", [["Expenditure ($000)"]], header=HEADER[:-1],
                       rows=[["Jamaica", "Output 1", "UNDP", 2015, "$150", None, "$90"]])
    summary = run_load([path], database)
    assert [(p.column, p.expected) for r in summary.rejected for p in r.problems] == [
        ("Currency", "the currency's code: '$' is the name of more than one (JMD, USD)")]


def test_a_row_whose_currency_a_format_gives_is_not_said_as_the_currency_column_s(tmp_path, monkeypatch):
    """Under 'All amounts in USD', an empty Currency cell over amounts formatted '[$KGS]': read in KGS, said by
    the format's warning and the title's, as its amounts' (a first reading named it 'as the Currency column says';
    the next said only the format's: the title's USD went unsaid), on both lanes."""
    rows = [ROWS[0], [*ROWS[1][:-1], None], [*ROWS[0][:1], "Output 3", *ROWS[0][2:-1], "USD"]]
    path = expenditure(tmp_path / "KGZ.xlsx", [["All amounts in USD"]], rows=rows, sheet="Expenditure")
    book = load_workbook(path)
    for cell in book.active[4][4:7]:  # row 4's amounts: in KGS, its Currency cell empty
        cell.number_format = "[$KGS] #,##0"
    book.save(path)
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert found["rejected_rows"] == [] and [row[-1] for row in rows_of(per_cell, MONEY)] == ["KGS", "KGS", "USD"]
    assert [row[-1].split(": ", 1)[1] for row in found["load_warnings"] if row[4] == "title not used"] == [
        "the title row 1 'All amounts in USD' names USD, but row 3 is read in KGS, as the Currency column says; row 4 "
        "is read in KGS, as its amounts' number format or text shows (a title's words are not read as the rows' "
        "currency): if the title is right, fix the cell, write the currency in the empty cell and correct the amounts' "
        "number format or text; or write 'Currency: USD' above the header to have each row checked against it"]
    assert [row[2] for row in found["load_warnings"] if row[4] == "currency from the format"] == [4]


@pytest.mark.parametrize("with_column", [True, False])
def test_a_work_plan_read_in_the_default_currency_under_a_title_naming_another_is_said(tmp_path, monkeypatch,
                                                                                        with_column):
    """'Montants en euros' over a work plan whose rows name no currency: read in USD, the default, and said (before,
    unsaid: only a Currency cell naming another was compared with the title's words), on both lanes; a row without
    an amount is in no currency, and is not named."""
    book = Workbook()
    sheet = book.active
    sheet.title = "AWP"
    header = ["Expected Outputs", "Planned Activities", "Q1", "Responsible Party", "Budget", "Currency"]
    rows = [["Output 1", "Consultations", "X", "UNDP", 450000, None], ["Output 1", "Mapping", "X", "UNDP", None, None],
            ["Output 2", "Profile", "X", "IOM", 30000, "EUR"], ["Output 2", "Study", "X", "IOM", 1000, None]]
    for row in (["Plan de travail annuel 2015 – Kirghizistan"], ["Montants en euros"]):
        sheet.append(row)
    for row in (header, *rows):
        sheet.append(row if with_column else row[:-1])
    book.save(tmp_path / "KGZ-awp.xlsx")
    per_cell, fast, _ = load_both([tmp_path / "KGZ-awp.xlsx"], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    fix = "write the currency in the empty cells" if with_column else "add a Currency column"
    assert [(row[2], row[-1].split(": ", 1)[1]) for row in found["load_warnings"] if row[4] == "title not used"] == [
        (4, f"the title row 2 'Montants en euros' names EUR, but rows {'4, 7' if with_column else '4, 6-7'} are "
            "read in USD, the default for a row "
            f"naming no currency (a title's words are not read as the rows' currency): if the title is right, {fix}; "
            "or write 'Currency: EUR' above the header to have each row checked against it")]


@pytest.mark.parametrize("title, amounts, expected", [
    ("Amounts in $000", ("$150", "US$80"), [(Decimal(150_000), Decimal(80_000), "USD")]),
    ("Montants en milliers de dinars", ("$150", None), []),
])
def test_a_bare_dollar_amount_gives_way_to_another_amount_naming_its_dollar(tmp_path, database, title, amounts,
                                                                           expected):
    """'$150' beside 'US$80' is USD; under 'dinars' a '$150' is refused as the amounts' currency and the title
    disagreeing (a third read found both refused as naming more than one)."""
    path = expenditure(tmp_path / "X.xlsx", [[title]], header=HEADER[:-1],
                       rows=[["Jamaica", "Output 1", "UNDP", 2015, *amounts, None]])
    summary = run_load([path], database)
    assert rows_of(database, "SELECT budget, received, currency FROM expenditure") == expected
    assert [p.expected.split(":")[0] for r in summary.rejected for p in r.problems] == (
        [] if expected else ["'dinars' (RSD or TND), as the title row 1 'Montants en milliers de dinars'"])


@pytest.mark.parametrize("label, currency", [("USD", "USD"), ("(USD)", "USD"), ("US dollars", "USD"), ("€", "EUR"),
                                             ("$", None), ("dollars", None), ("DH", ""), ("kgs", "")])
def test_a_currency_alone_merged_over_the_amounts_is_their_currency_on_both_lanes(tmp_path, monkeypatch, label,
                                                                                   currency):
    """'USD' merged over Budget to Expenditure: the amounts are in USD, as under 'Currency: USD' (a row in KGS
    disagrees, an empty cell is read in it); '$' is JMD or USD, each row's cell saying which. Before, read as a
    title row naming nothing: a row in KGS loaded in KGS, unsaid. A sign in letters ('DH': a department?) and a
    code in small letters ('kgs': kilograms?) name none, as before."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Expenses"
    for row in ([None, None, None, None, label], HEADER, ROWS[0], [*ROWS[1][:-1], None],
                [ROWS[1][0], "Output 3", *ROWS[1][2:-1], "USD"]):
        sheet.append(row)
    sheet.merge_cells("E1:G1")
    book.save(tmp_path / "KGZ.xlsx")
    per_cell, fast, _ = load_both([tmp_path / "KGZ.xlsx"], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    refused = {row[2]: row[6] for row in found["rejected_rows"]}
    if currency:
        assert refused == {row: f"'{currency}', as the title row 1 '{label}': a currency alone in the row says: the "
                                "cell and the title disagree, so correct the one that is wrong"
                           for row in ([3] if currency == "USD" else [3, 5])}
        assert [row[-1] for row in rows_of(per_cell, MONEY)] == [currency] + (["USD"] if currency == "USD" else [])
    elif currency is None:
        assert sorted(refused) == [3, 4] and f"'{label}' (JMD or USD)" in refused[3]
    else:
        assert sorted(refused) == [4]
        assert [row[-1] for row in rows_of(per_cell, MONEY)] == ["KGS", "USD"]


def test_a_dollar_alone_gives_way_to_a_title_s_words_naming_another_currency(tmp_path, monkeypatch):
    """'All amounts in KGS' and a row '$' above the header: neither is read as the rows' currency, and rows in KGS
    load (a first reading took the '$' and refused them); under 'All amounts in USD' the '$' is read, and a row
    in JMD is said against the title's USD."""
    for words, expected in (("All amounts in KGS", ([], ["KGS", "KGS"])), ("All amounts in USD", ([2 + 2], ["JMD"]))):
        folder = tmp_path / words[-3:]
        folder.mkdir()
        rows = [ROWS[0], [*ROWS[1][:-1], "KGS" if "KGS" in words else "JMD"]]
        path = expenditure(folder / "KGZ.xlsx", [[words], [None, None, "$"]], rows=rows)
        per_cell, fast, _ = load_both([path], folder, monkeypatch)
        found = assert_same(per_cell, fast)
        assert ([row[2] for row in found["rejected_rows"]], [row[-1] for row in rows_of(per_cell, MONEY)]) == expected
        if "USD" in words:
            assert any("names USD, but row 5 is read in JMD" in row[-1] for row in found["load_warnings"])
