"""Delivery reports (issue 14, item 4): a UNDP Combined Delivery Report from Jamaica and an ERP export of its
lines, loaded as a user first loads them (a folder holding the report and its mapping file), with the rows,
sums, warnings and errors they give."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

import etl.delivery_mapping
from etl.__main__ import main
from etl.load import dry_run, run_load
from etl.parse import PERCENT_REFUSED
from etl.reference import load_reference

from .helpers.inputs_delivery import (AWARD, LINES, MAPPING, cdr_rows, erp_rows, write_cdr_csv, write_cdr_xlsx,
                                      write_csv, write_mapping)

# One row per activity: (country, output, agency, programme year, budget, expenditure, currency, line, row)
LOADED = [
    ("JAM", "1", "UNDP", 2016, Decimal("26000.00"), Decimal("19510.75"), "USD", f"{AWARD} ACTIVITY1", 11),
    ("JAM", "1", "UNDP", 2016, Decimal("42000.00"), Decimal("39250.75"), "USD", f"{AWARD} ACTIVITY2", 14),
    ("JAM", "5", "UNDP", 2016, Decimal("8000.00"), Decimal("6500.00"), "USD", f"{AWARD} ACTIVITY3", 16),
]
# The warehouse's sums per output: ACTIVITY1 and ACTIVITY2 are both output 1.
BY_OUTPUT = [("1", Decimal("68000.00"), Decimal("58761.50"), 2), ("5", Decimal("8000.00"), Decimal("6500.00"), 1)]
COMMITMENTS = ("commitments are not expenditure and were not loaded: 4,500.00 USD on 3 account lines "
               "(rows 8, 12, 15)")


def rows_of(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def loaded(database: Path) -> list[tuple]:
    return rows_of(database, "SELECT country, output_code, agency, programme_year, budget, expenditure, currency, "
                             "line, source_row FROM expenditure ORDER BY source_row")


def by_output(database: Path) -> list[tuple]:
    return rows_of(database, "SELECT output_code, budget, expenditure, lines FROM expenditure_by_year "
                             "ORDER BY output_code")


def rows_of_kind(database: Path, kind: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute('SELECT file, sheet, "row", "column", message FROM load_warnings WHERE kind = ? '
                                  'ORDER BY "row"', [kind]).fetchall()


def problems(summary) -> list[tuple]:
    return [(p.file, p.sheet, p.row, p.column, p.found, p.expected) for r in summary.rejected for p in r.problems]


@pytest.fixture
def inputs(tmp_path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    return folder


def test_a_cdr_loads_one_row_per_activity_summed_to_its_output(inputs, database):
    write_cdr_xlsx(inputs / "jamaica-cdr-2016.xlsx")
    write_mapping(inputs)
    summary = run_load([inputs], database)
    assert problems(summary) == []
    assert [f.file for f in summary.files] == ["jamaica-cdr-2016.xlsx"]  # the mapping file is not an input
    assert loaded(database) == LOADED
    assert by_output(database) == BY_OUTPUT
    assert rows_of(database, "SELECT DISTINCT source_file, source_sheet, received FROM expenditure") == [
        ("jamaica-cdr-2016.xlsx", "CDR", None)]
    assert rows_of(database, "SELECT comment FROM expenditure ORDER BY source_row") == [
        ("delivery report, 3 account lines (rows 8-10)",), ("delivery report, 2 account lines (rows 12-13)",),
        ("delivery report, 1 account line (row 15)",)]
    # the loaded sums are the report's grand total: no subtotal or total counted
    total = rows_of(database, "SELECT sum(budget), sum(expenditure) FROM expenditure")
    assert total == [(Decimal("76000.00"), Decimal("65261.50"))]
    assert rows_of_kind(database, "commitments not loaded") == [
        ("jamaica-cdr-2016.xlsx", "CDR", 7, "Commitments", f"jamaica-cdr-2016.xlsx › CDR › row 7 › column "
                                                             f"Commitments: {COMMITMENTS}")]
    assert rows_of_kind(database, "value from the title") == [
        ("jamaica-cdr-2016.xlsx", "CDR", None, None,
         "jamaica-cdr-2016.xlsx › CDR: delivery report: award 00081234 (title row 3); country 'Jamaica' (title "
         "row 2); currency 'USD' (title row 5); period 'Jan–Dec 2016' (title row 4) read as programme year "
         "2016/17 (Feb 2016 – Jan 2017)")]
    assert rows_of_kind(database, "total row") == [
        ("jamaica-cdr-2016.xlsx", "CDR", None, None, "jamaica-cdr-2016.xlsx › CDR: subtotal and grand-total rows "
                                                     "checked against the account lines and not loaded: rows 11, "
                                                     "14, 16-17")]
    assert rows_of_kind(database, "columns not used")[0][4].endswith(
        "these columns are not loaded: Total (Expenditures + Commitments), Balance, Account, Account Description, "
        "Fund, Donor")


def test_a_cdr_as_csv_loads_the_same_rows(inputs, database):
    write_cdr_csv(inputs / "jamaica-cdr-2016.csv")
    write_mapping(inputs)
    summary = run_load([inputs], database)
    assert problems(summary) == []
    assert loaded(database) == LOADED
    assert by_output(database) == BY_OUTPUT
    assert rows_of(database, "SELECT DISTINCT source_sheet FROM expenditure") == [("Delivery report",)]
    assert [w[4] for w in rows_of_kind(database, "commitments not loaded")] == [
        f"jamaica-cdr-2016.csv › Delivery report › row 7 › column Commitments: {COMMITMENTS}"]


@pytest.mark.parametrize("subtotal_label", ["Total {}", "Total"], ids=["Total ACTIVITY1", "blank activity"])
@pytest.mark.parametrize("grand_label", ["Grand Total", "Total general", "Итого"])
def test_other_ways_of_writing_the_totals(inputs, database, subtotal_label, grand_label):
    rows = cdr_rows(subtotal_label=subtotal_label)
    rows[-1][0] = grand_label
    write_cdr_xlsx(inputs / "cdr.xlsx", rows)
    write_mapping(inputs)
    summary = run_load([inputs], database)
    assert problems(summary) == []
    assert loaded(database) == LOADED


def test_an_activity_written_once_covers_the_lines_below_it(inputs, database):
    rows = cdr_rows()
    for number in (9, 10, 13):  # ACTIVITY1's second and third lines, ACTIVITY2's second: blank, as a pivot
        rows[number - 1][0] = None
    write_cdr_xlsx(inputs / "cdr.xlsx", rows)
    write_mapping(inputs)
    summary = run_load([inputs], database)
    assert problems(summary) == []
    assert loaded(database) == LOADED


def test_the_command_line_loads_a_folder(inputs, database, capsys):
    write_cdr_xlsx(inputs / "jamaica-cdr-2016.xlsx")
    write_mapping(inputs)
    assert main(["load", str(inputs), "--db", str(database), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "  expenditure               3 rows" in out
    assert f"  warning: jamaica-cdr-2016.xlsx › CDR › row 7 › column Commitments: {COMMITMENTS}" in out
    assert loaded(database) == LOADED


def test_a_grand_total_that_differs_from_the_lines_is_an_error_and_nothing_is_loaded(inputs, database):
    write_cdr_xlsx(inputs / "cdr.xlsx", cdr_rows(grand_total=(76000, 65000)))
    write_mapping(inputs)
    summary = run_load([inputs], database)
    assert problems(summary) == [(
        "cdr.xlsx", "CDR", 17, "Expenditures", "'65000'",
        "the sum of the report's account lines (rows 8-10, 12-13, 15), 65,261.50: the grand total 'Grand Total' "
        "says 65,000.00, a difference of -261.50; correct the report or export it again")]
    assert loaded(database) == []
    assert [w[4] for w in rows_of_kind(database, "delivery report not loaded")] == [
        "cdr.xlsx › CDR: none of its rows was loaded: 1 row(s) rejected (the rejected rows say why); a delivery "
        "report is loaded whole, so that the loaded sums equal its grand total"]
    assert rows_of(database, 'SELECT "row", "table", "column" FROM rejected_rows') == [(17, "expenditure",
                                                                                      "Expenditures")]


def test_a_wrong_subtotal_is_an_error_naming_its_row(inputs, database):
    write_cdr_xlsx(inputs / "cdr.xlsx", cdr_rows(subtotal_change={"ACTIVITY2": 100}))
    write_mapping(inputs)
    summary = run_load([inputs], database)
    assert problems(summary) == [(
        "cdr.xlsx", "CDR", 14, "Expenditures", "'39350.75'",
        "the sum of the account lines since the subtotal before it (rows 12-13), 39,250.75: the subtotal "
        "'ACTIVITY2 Total' says 39,350.75, a difference of 100.00; correct the report or export it again")]
    assert loaded(database) == []


def test_an_activity_without_an_output_is_an_error_naming_the_mapping_file(inputs, database):
    write_cdr_xlsx(inputs / "cdr.xlsx")
    mapping = write_mapping(inputs, lines=MAPPING[:3])  # no line for ACTIVITY3
    summary = run_load([inputs], database)
    assert problems(summary) == [(
        "cdr.xlsx", "CDR", 15, "Activity", "'ACTIVITY3'",
        f"an activity of the mapping file {mapping}: add the line 'ACTIVITY3,<output>' to it (the activity's "
        "account lines: row 15)")]
    assert loaded(database) == []


def test_a_mapping_file_not_in_utf8_is_said_with_the_activity_it_does_not_map(inputs, database):
    """A mapping file saved as Windows-1251 (Cyrillic) reads as Windows-1252 into other letters: its activity
    then maps none of the report's, and the rejection says how the file was read and how a line of it reads."""
    write_cdr_xlsx(inputs / "cdr.xlsx")
    mapping = inputs / f"{AWARD}.outputs.csv"
    lines = ["activity,output,agency", "ACTIVITY1,1,", "ACTIVITY2,Output 1,", "Деятельность 3,5,UNDP"]
    mapping.write_bytes("\r\n".join(lines).encode("cp1251"))
    summary = run_load([inputs], database)
    assert problems(summary) == [(
        "cdr.xlsx", "CDR", 15, "Activity", "'ACTIVITY3'",
        f"an activity of the mapping file {mapping}: add the line 'ACTIVITY3,<output>' to it (the activity's "
        "account lines: row 15); the mapping file is not UTF-8: read as Windows-1252 (Western European), where "
        "line 4 reads 'Äåÿòåëüíîñòü 3'; if other letters were typed (Cyrillic, Greek, ...), save it as 'CSV UTF-8' "
        "and run the load again")]
    mapping.write_bytes("\r\n".join(lines[:3] + ["Actividad Ñ,5,UNDP"]).encode("utf-8"))
    assert "not UTF-8" not in problems(run_load([inputs], database))[0][5]


def test_a_report_without_a_mapping_file_says_where_to_write_one(inputs, database):
    write_cdr_xlsx(inputs / "cdr.xlsx")
    summary = run_load([inputs], database)
    assert [(p[2], p[4]) for p in problems(summary)] == [(8, "'ACTIVITY1'"), (12, "'ACTIVITY2'"), (15, "'ACTIVITY3'")]
    assert problems(summary)[0][5] == (
        f"an activity with an output: no mapping file was found for award {AWARD}; create "
        f"{inputs / (AWARD + '.outputs.csv')} with the lines 'activity,output,agency' and 'ACTIVITY1,<output>,' "
        "(the activity's account lines: rows 8-10)")


def test_the_mapping_file_may_be_kept_in_the_reference_folder(inputs, database, tmp_path, monkeypatch):
    reference = tmp_path / "reference"
    (reference / "delivery").mkdir(parents=True)
    write_mapping(reference / "delivery")
    monkeypatch.setattr(etl.delivery_mapping, "reference_dir", lambda: reference)
    write_cdr_xlsx(inputs / "cdr.xlsx")
    summary = run_load([inputs], database)
    assert problems(summary) == []
    assert loaded(database) == LOADED


def test_a_mapping_file_beside_the_report_may_name_another_agency(inputs, database):
    write_cdr_xlsx(inputs / "cdr.xlsx")
    write_mapping(inputs, lines=MAPPING[:3] + [("ACTIVITY3", "5", "IOM")])
    run_load([inputs], database)
    assert rows_of(database, "SELECT line, agency FROM expenditure ORDER BY source_row") == [
        (f"{AWARD} ACTIVITY1", "UNDP"), (f"{AWARD} ACTIVITY2", "UNDP"), (f"{AWARD} ACTIVITY3", "IOM")]


def test_an_erp_export_of_lines_loads_through_the_same_path(inputs, database):
    write_csv(inputs / "atlas-lines-2016.csv", erp_rows())
    write_mapping(inputs)
    summary = run_load([inputs], database)
    assert problems(summary) == []
    # no subtotal rows: each activity's row is at its first account line
    assert loaded(database) == [row[:-1] + (number,) for row, number in zip(LOADED, (2, 5, 7))]
    assert by_output(database) == BY_OUTPUT
    assert [w[4] for w in rows_of_kind(database, "no grand total")] == [
        "atlas-lines-2016.csv › Delivery report: no subtotal or grand-total row: the loaded sums could not be "
        "checked against the report's own totals"]
    assert rows_of_kind(database, "commitments not loaded") == []


def test_an_unreadable_amount_rejects_its_line_and_keeps_the_report_out(inputs, database):
    rows = cdr_rows()
    rows[8][6] = "4,200.25 approx"  # row 9: ACTIVITY1's travel
    write_cdr_xlsx(inputs / "cdr.xlsx", rows)
    write_mapping(inputs)
    summary = run_load([inputs], database)
    assert problems(summary) == [("cdr.xlsx", "CDR", 9, "Expenditures", "'4,200.25 approx'", "a number")]
    assert loaded(database) == []


def test_an_amount_with_a_percent_sign_rejects_its_line(inputs, database):
    """An amount is not a percentage: '75%' in a report's Expenditures is refused as in any other amount column
    (it read as 75 before)."""
    rows = cdr_rows()
    rows[8][6] = "75%"  # row 9: ACTIVITY1's travel
    write_cdr_xlsx(inputs / "cdr.xlsx", rows)
    write_mapping(inputs)
    summary = run_load([inputs], database)
    assert problems(summary) == [("cdr.xlsx", "CDR", 9, "Expenditures", "'75%'", PERCENT_REFUSED)]
    assert loaded(database) == []


def test_the_account_lines_are_all_the_report_holds(inputs):
    """The builder's own arithmetic: the sums asserted above are those of its lines."""
    assert sum(line[3] for lines in LINES.values() for line in lines) == pytest.approx(65261.50)
    assert sum(line[2] for lines in LINES.values() for line in lines) == 76000


def test_a_mapping_file_named_as_an_input_is_read_with_its_report_not_alone(inputs):
    """As the Upload page checks an upload of both files: each named, the mapping file among them."""
    report = write_cdr_xlsx(inputs / "cdr.xlsx")
    extracted, rows = dry_run([report, write_mapping(inputs)], load_reference())
    assert [s.file for s in extracted.summaries] == ["cdr.xlsx"]
    assert rows == {"expenditure": {"cdr.xlsx": 3}}


def test_a_mapping_file_with_an_unknown_output_fails_the_load_naming_its_line(inputs, database, capsys):
    write_cdr_xlsx(inputs / "cdr.xlsx")
    mapping = write_mapping(inputs, lines=MAPPING[:3] + [("ACTIVITY3", "9", "")])
    assert main(["load", str(inputs), "--db", str(database), "--quiet"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {mapping}: line 4 (ACTIVITY3): found '9', expected an output number: Output 1, Output 2, Output 3, "
        "Output 4, Output 5, Output 6, Output 7", "The previous database was left unchanged."]
