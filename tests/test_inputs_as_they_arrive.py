"""Issue 14 end to end: workbooks in the shape the country offices really send them, with everything that shape
brings at once (another language, numbers typed under that language's convention, a title block naming the
programme, subtotal rows, columns the reader does not know), loaded as a user first would (no alias added)
with their exact values and what the load says of them. The parts each have their own tests
(test_languages, test_number_conventions, test_title_blocks_and_stacked_headers, test_delivery_report)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb

from etl.load import run_load

from .helpers import inputs_arrive as inputs


def rows_of(database, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def said(summary, kind: str) -> list[str]:
    return [w.message for w in summary.warnings if w.kind == kind]


def test_a_french_matrix_with_decimal_commas_and_a_title_naming_the_country(tmp_path, database):
    summary = run_load([inputs.morocco_matrix(tmp_path / "maroc.xlsx")], database)
    assert summary.rejected == []
    # '0,450', '0,600', '0,525' are never 450, 600, 525
    assert rows_of(database, "SELECT country, output_code, indicator_code, unit, direction, baseline, period, target, "
                             "actual FROM results ORDER BY indicator_code") == [
        ("MAR", "1", "1.1", "indice", "higher is better", 0.45, "2014/15 H2", 0.6, 0.525),
        ("MAR", "1", "1.2", "%", "higher is better", 12.5, "2014/15 H2", 25.0, 20.25)]
    assert said(summary, "value from the title") == [
        "maroc.xlsx › Matrice: no Country column: every row is read as country 'Morocco' (country 'Morocco' from the "
        "title row 2)"]
    assert any("headers read as French" in m for m in said(summary, "language"))
    assert any("'Point focal' (J)" in m for m in said(summary, "column not used"))


def test_a_french_matrix_laid_out_wide_reads_its_periods_from_cible_and_realise(tmp_path, database):
    summary = run_load([inputs.morocco_matrix_wide(tmp_path / "maroc.xlsx")], database)
    assert summary.rejected == []
    assert rows_of(database, "SELECT country, indicator_code, baseline, period, target, actual FROM results "
                             "ORDER BY period") == [
        ("MAR", "1.1", 0.45, "2015/16 H2", 0.6, 0.525), ("MAR", "1.1", 0.45, "2016/17 H2", 0.7, None)]
    assert any("'Cible 2015', 'Réalisé 2015': period 2015/16 H2" in m for m in said(summary, "periods from the headers"))


def test_a_spanish_work_plan_titled_with_the_global_programme_loads_as_ecuador(tmp_path, database):
    summary = run_load([inputs.ecuador_work_plan(tmp_path / "ecuador.xlsx")], database)
    assert summary.rejected == []
    # the title names the (global) programme: never GLOBAL; '12.500' is twelve thousand five hundred
    assert rows_of(database, "SELECT country, output_code, activity_code, lead_agency, status, planned_start, "
                             "planned_end, actual_end, budget FROM activities ORDER BY activity_code") == [
        ("ECU", "1", "1.1", "UNDP", "completed", dt.date(2015, 1, 1), dt.date(2015, 3, 31), dt.date(2015, 3, 20),
         Decimal("12500.00")),
        ("ECU", "1", "1.2", "IOM", "ongoing", dt.date(2015, 4, 1), dt.date(2015, 9, 30), None, Decimal("8000.50")),
        ("ECU", "2", "2.1", "IOM", "delayed", dt.date(2015, 7, 1), dt.date(2015, 12, 31), None, Decimal("1250.00"))]
    where = "ecuador.xlsx › Plan de trabajo 2015"
    assert said(summary, "ambiguous number") == [
        f"{where} › row 4 › column Presupuesto: '12.500' read as 12500, not 12.5 (this column writes decimal commas: "
        "'8.000,50' in row 5)",
        f"{where} › row 7 › column Presupuesto: '1.250' read as 1250, not 1.25 (this column writes decimal commas: "
        "'8.000,50' in row 5)"]
    assert [w.row for w in summary.warnings if w.kind == "total row"] == [6, 8]  # 'Producto 1 Total', 'Total general'
    assert said(summary, "value from the title") == [
        f"{where}: no Country column: every row is read as country 'Ecuador' (year 2015 from the title row 1; country "
        "'Ecuador' from the title row 2)"]


def test_russian_headed_expenditure_in_som_from_its_title_block(tmp_path, database):
    summary = run_load([inputs.kyrgyzstan_expenditure(tmp_path / "kgz.xlsx")], database)
    assert summary.rejected == []
    assert rows_of(database, "SELECT country, output_code, agency, programme_year, budget, expenditure, currency "
                             "FROM expenditure ORDER BY output_code") == [
        ("KGZ", "1", "UNDP", 2015, Decimal("1500000.00"), Decimal("900000.50"), "KGS"),
        ("KGZ", "2", "IOM", 2015, Decimal("700000.00"), Decimal("650000.25"), "KGS")]
    assert sorted(said(summary, "value from the title")) == sorted([
        "kgz.xlsx › Расходы: no Country column: every row is read as country 'Kyrgyzstan' (year 2015 from the title "
        "row 2; country 'Kyrgyzstan' from the title row 1)",
        "kgz.xlsx › Расходы: no Programme year column: every row is read as programme year '2015' (from the title "
        "row 2 'Год: 2015': programme year 2015/16)",
        "kgz.xlsx › Расходы: no Currency column: every row is read as currency 'KGS' (from the title row 3 "
        "'Валюта: сом')"])
    assert [w.row for w in summary.warnings if w.kind == "total row"] == [7]  # 'Итого'


def test_a_work_plan_without_a_currency_says_its_budgets_are_read_in_the_default(tmp_path, database):
    summary = run_load([inputs.ecuador_work_plan(tmp_path / "ecuador.xlsx")], database)
    assert said(summary, "default value") == [
        "ecuador.xlsx › Plan de trabajo 2015: no Currency column: a budget that names no currency ('€', 'EUR') is read "
        "in USD; if it is another, add a Currency column or a title row ('Currency: ...')"]


def test_a_delivery_report_exported_in_french(tmp_path, database):
    """French CDR words (data/reference/languages/fr.toml's [delivery]), 'Jamaïque' in the title, '10 000,00'."""
    path = inputs.jamaica_cdr_french(tmp_path / "in")
    summary = run_load([path.parent], database)
    assert summary.rejected == []
    assert rows_of(database, "SELECT country, output_code, agency, programme_year, budget, expenditure, currency "
                             "FROM expenditure ORDER BY output_code") == [
        ("JAM", "1", "UNDP", 2016, Decimal("12500.00"), Decimal("10400.50"), "USD"),
        ("JAM", "5", "IOM", 2016, Decimal("3000.00"), Decimal("1250.25"), "USD")]
    assert said(summary, "commitments not loaded") == [
        "cdr-jamaique-2016.xlsx › CDR › row 6 › column Engagements: commitments are not expenditure and were not "
        "loaded: 500.00 USD on 1 account "
        "line (row 7)"]
