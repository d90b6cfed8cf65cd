"""IATI activity XML into the iati_* tables: the real fixtures (counts checked by hand), the quirks of the
standard (bare <iati-activity> root, namespaced attributes, missing budget type or status, periods with a
target but no actual), currency conversion, and the protections against hostile XML."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl.errors import UnreadableFile
from etl.load import run_load

from .helpers.paths import FIXTURES
from .helpers.rows import good_rows

IATI = FIXTURES / "iati"  # copied from their sources: tests/fixtures/README.md
DPORTAL = IATI / "dportal_foodsecurity_iati-activities_2.03.xml"
EXAMPLE = IATI / "iati-activity-standard-example-annotated-2.03.xml"


def load(paths: list[Path], database: Path):
    summary = run_load(paths, database)
    return summary, duckdb.connect(str(database), read_only=True)


@pytest.fixture(scope="module")
def dportal(tmp_path_factory):
    database = tmp_path_factory.mktemp("dportal") / "warehouse.duckdb"
    summary = run_load([DPORTAL], database)
    with duckdb.connect(str(database), read_only=True) as connection:
        yield summary, connection


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    database = tmp_path_factory.mktemp("example") / "warehouse.duckdb"
    summary = run_load([EXAMPLE], database)
    with duckdb.connect(str(database), read_only=True) as connection:
        yield summary, connection


def count(connection, sql: str) -> int:
    return connection.execute(sql).fetchone()[0]


def test_dportal_counts_checked_by_hand(dportal):
    summary, connection = dportal
    assert summary.rows_by_table == {"results": 0, "activities": 0, "expenditure": 0, "milestones": 0,
                                     "narrative": 0, "recommendations": 0, "iati_activities": 7, "iati_results": 11, "iati_indicators": 17,
                                     "iati_periods": 26, "iati_values": 51, "iati_budgets": 16,
                                     "iati_transactions": 63}
    kinds = dict(connection.execute("SELECT value_kind, count(*) FROM iati_values GROUP BY 1").fetchall())
    assert kinds == {"baseline": 17, "target": 25, "actual": 9}
    assert summary.rejected == []


def test_dportal_currencies_versions_and_publishers(dportal):
    _, connection = dportal
    assert [r[0] for r in connection.execute(
        "SELECT DISTINCT currency FROM iati_finance ORDER BY 1").fetchall()] == ["EUR", "GBP", "USD"]
    # the version is a namespaced attribute on each activity (iati-activities:version): one CAFOD activity is 2.02
    assert connection.execute("SELECT iati_identifier FROM iati_activities WHERE iati_version = '2.02'").fetchall() == [
        ("GB-CHC-285776-NGR476",)]
    assert count(connection, "SELECT count(DISTINCT reporting_org_ref) FROM iati_activities") == 6


def test_dportal_budgets_without_type_or_status_get_the_iati_defaults_and_say_so(dportal):
    _, connection = dportal
    assert connection.execute("""
        SELECT count(*) FILTER (WHERE NOT budget_type_given), count(*) FILTER (WHERE NOT budget_status_given)
        FROM iati_budgets""").fetchone() == (12, 10)
    assert connection.execute("""
        SELECT DISTINCT budget_type, budget_type_name, budget_status, budget_status_name FROM iati_budgets
        WHERE NOT budget_type_given AND NOT budget_status_given""").fetchall() == [("1", "Original", "1", "Indicative")]


def test_dportal_periods_with_a_target_and_no_actual_and_the_reverse(dportal):
    _, connection = dportal
    assert connection.execute("""
        SELECT count(*) FILTER (WHERE target IS NOT NULL AND actual IS NULL),
               count(*) FILTER (WHERE target IS NULL AND actual IS NOT NULL),
               count(*) FILTER (WHERE target IS NOT NULL AND actual IS NOT NULL)
        FROM iati_indicator_progress""").fetchone() == (17, 1, 8)
    # JASS's "6.2.1" indicator: 5 communication products by mid-2023, no target for that period
    assert connection.execute("""
        SELECT indicator_reference, period_start, period_end, target, actual, status FROM iati_indicator_progress
        WHERE actual = 5""").fetchall() == [("SCS041", dt.date(2021, 1, 1),
                                             dt.date(2023, 6, 30), None, 5.0, "no data")]


def test_dportal_reused_indicator_codes_stay_apart(dportal):
    _, connection = dportal
    reused = connection.execute("""
        SELECT reference_code, count(*) FROM iati_indicators GROUP BY 1 HAVING count(*) > 1 ORDER BY 1""").fetchall()
    assert reused  # the same SCS code used by two publishers: the rows stay apart by iati_identifier
    assert count(connection, "SELECT count(DISTINCT (iati_identifier, result_number, indicator_number)) "
                             "FROM iati_indicators") == 17


def test_dportal_money_in_its_own_currency_with_the_rate_shown(dportal):
    _, connection = dportal
    row = connection.execute("""
        SELECT value, currency, value_date, fx_rate, fx_year, value_usd, conversion_note FROM iati_transactions
        WHERE iati_identifier = 'GB-CHC-285776-NGR476'""").fetchone()
    assert row == (Decimal("50000.00"), "GBP", dt.date(2022, 7, 6), Decimal("0.811500"), 2022,
                   Decimal("61614.29"), None)  # 50000 / 0.8115
    assert count(connection, "SELECT count(*) FROM iati_finance WHERE value_usd IS NULL") == 0


def test_annotated_example_values_in_eur_despite_default_usd(example):
    _, connection = example
    assert connection.execute("SELECT iati_identifier, default_currency FROM iati_activities").fetchall() == [
        ("AA-AAA-123456789-ABC123", "USD")]
    assert connection.execute("""
        SELECT flow, value, currency, value_date, fx_rate, value_usd FROM iati_finance ORDER BY flow""").fetchall() == [
        ("budget", Decimal("3000.00"), "EUR", dt.date(2014, 1, 1), Decimal("0.753800"),
         Decimal("3979.84")),
        ("transaction", Decimal("1000.00"), "EUR", dt.date(2012, 1, 1), Decimal("0.778300"),
         Decimal("1284.85"))]


def test_annotated_example_baseline_target_actual_with_sex_and_age(example):
    summary, connection = example
    assert connection.execute("""
        SELECT value_kind, value, baseline_year, dimensions, comment FROM iati_values ORDER BY value_id""").fetchall() == [
        ("baseline", 10.0, 2012, "sex=female; age=adult", "Baseline comment text"),
        ("target", 10.0, None, "sex=female; age=adult", "Target comment text"),
        ("actual", 11.0, None, "sex=female; age=adult", "Actual comment text")]
    assert connection.execute("SELECT name, value FROM iati_dimensions WHERE value_id = 1").fetchall() == [
        ("sex", "female"), ("age", "adult")]
    # disaggregated values are not totals: the progress view shows none, and counts them
    assert connection.execute("""
        SELECT baseline, target, actual, disaggregated_values, status FROM iati_indicator_progress""").fetchall() == [
        (None, None, None, 2, "no data")]
    assert [w.detail for w in summary.warnings] == [
        "2 planned-disbursement element(s) not imported (budgets and transactions are)"]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BARE_ACTIVITY = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activity xmlns:x="http://example.org/x" x:version="2.01" default-currency="CHF">
  <iati-identifier>XX-1-BARE</iati-identifier>
  <reporting-org ref="XX-1" type="10"><narrative>Example</narrative></reporting-org>
  <title><narrative xml:lang="fr">Titre</narrative><narrative>Title</narrative></title>
  <budget><period-start iso-date="2030-01-01"/><period-end iso-date="2030-12-31"/>
    <value value-date="2030-01-01">1,000</value></budget>
  <budget><period-start iso-date="2015-01-01"/><period-end iso-date="2015-12-31"/>
    <value value-date="2015-01-01">9627</value></budget>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2015-06-01"/>
    <value currency="XOF" value-date="2015-06-01">500000</value></transaction>
  <transaction><transaction-type code="4"/><transaction-date iso-date="2015-13-01"/>
    <value value-date="2015-06-01">5</value></transaction>
  <result type="1"><title><narrative>R</narrative></title>
    <indicator measure="1" ascending="0"><title><narrative>I</narrative></title>
      <baseline year="2014" value="20"/>
      <period><period-start iso-date="2015-01-01"/><period-end iso-date="2015-12-31"/>
        <target value="10"/><actual value="about 12"/></period>
    </indicator></result>
</iati-activity>
"""


def test_a_bare_activity_root_namespaced_version_and_every_problem_explained(tmp_path, database):
    summary, connection = load([write(tmp_path, "bare.xml", BARE_ACTIVITY)], database)
    assert connection.execute("SELECT iati_identifier, title, iati_version FROM iati_activities").fetchall() == [
        ("XX-1-BARE", "Title", "2.01")]
    assert sorted(p.message for r in summary.rejected for p in r.problems) == [
        "bare.xml › XX-1-BARE › row 1 › column budget[1]/value: found '1,000', expected an amount such as 1500.50 "
        "(a point for decimals, no separators)",
        "bare.xml › XX-1-BARE › row 1 › column result[1]/indicator[1]/period[1]/actual[1]/@value: found 'about 12', "
        "expected a number (IATI values use a point for decimals and no separators)",
        "bare.xml › XX-1-BARE › row 1 › column transaction[2]/transaction-date/@iso-date: found '2015-13-01', "
        "expected a date YYYY-MM-DD"]
    assert connection.execute('SELECT "table", row_values FROM rejected_rows ORDER BY "column"').fetchall()[0] == (
        "iati_budgets", '{"element": "budget[1]/value"}')
    # CHF 2015 has a rate; XOF has none: kept in XOF, USD left empty, and why
    assert connection.execute("""
        SELECT flow, value, currency, value_usd, conversion_note FROM iati_finance ORDER BY flow""").fetchall() == [
        ("budget", Decimal("9627.00"), "CHF", Decimal("10000.00"), None),
        ("transaction", Decimal("500000.00"), "XOF", None,
         "no XOF rate for 2015 in data/reference/fx_rates.csv: kept in XOF only")]
    assert connection.execute("""
        SELECT direction, baseline, target, actual, status FROM iati_indicator_progress""").fetchall() == [
        ("lower is better", 20.0, 10.0, None, "no data")]
    connection.close()


def test_version_1_activities_are_rejected_with_the_reason(tmp_path, database):
    path = write(tmp_path, "old.xml", '<iati-activities version="1.05"><iati-activity>'
                                      "<iati-identifier>XX-OLD</iati-identifier></iati-activity></iati-activities>")
    summary, connection = load([path], database)
    assert [p.message for r in summary.rejected for p in r.problems] == [
        "old.xml › XX-OLD › row 1 › column @version: found '1.05', expected IATI version 2.01, 2.02 or 2.03 (1.x "
        "files have another structure: convert them with IATI's tools)"]
    connection.close()


def test_duplicate_activity_identifiers_keep_the_first(tmp_path, database):
    activity = "<iati-activity><iati-identifier>XX-DUP</iati-identifier></iati-activity>"
    path = write(tmp_path, "dup.xml", f'<iati-activities version="2.03">{activity}{activity}</iati-activities>')
    summary, connection = load([path], database)
    assert count(connection, "SELECT count(*) FROM iati_activities") == 1
    assert summary.rejected[0].problems[0].expected == (
        "one activity per iati-identifier (first given at dup.xml › activity 1); the second is not loaded")
    connection.close()


HOSTILE = {
    "billion-laughs.xml": """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&lol3;</iati-identifier></iati-activity>
</iati-activities>""",
    "external-entity.xml": """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&secret;</iati-identifier></iati-activity>
</iati-activities>""",
    "doctype-only.xml": """<?xml version="1.0"?><!DOCTYPE iati-activities SYSTEM "http://example.org/x.dtd">
<iati-activities version="2.03"/>""",
}


@pytest.mark.slow  # a sweep of cases; each loads a database
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_is_refused_and_the_old_database_kept(tmp_path, write_workbook, database, name):
    run_load([write_workbook(good_rows())], database)
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    with pytest.raises(UnreadableFile, match=f"{name}: refused: the XML carries a DTD, an entity declaration or an "
                                             "external reference"):
        run_load([write(tmp_path, name, HOSTILE[name])], database)
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("text, reason", [
    ("<iati-activities version='2.03'><iati-activity>", "not well-formed XML"),
    ("<html><body/></html>", "not IATI activity XML: the root element is <html>, expected <iati-activities> or "
                             "<iati-activity>"),
    ("<iati-activities version='2.03'/>", "IATI XML without any <iati-activity>"),
])
def test_xml_that_is_not_iati_activity_data_is_unreadable(tmp_path, database, text, reason):
    with pytest.raises(UnreadableFile, match=reason):
        run_load([write(tmp_path, "x.xml", text)], database)


def test_a_folder_of_iati_downloads_loads_and_skips_the_codelists(tmp_path, database):
    summary = run_load([IATI], database)
    assert summary.rows_by_table["iati_activities"] == 8
    skipped = [w for w in summary.warnings if w.kind == "file skipped"]
    assert len(skipped) == 6 and skipped[0].detail == "an IATI codelist, not activity data: skipped"


def test_iati_data_never_touches_the_programme_tables(tmp_path, write_workbook, database):
    summary = run_load([write_workbook(good_rows()), DPORTAL], database)
    assert summary.rejected == []
    with duckdb.connect(str(database), read_only=True) as connection:
        assert count(connection, "SELECT count(*) FROM indicator_progress") == 6
        assert count(connection, "SELECT count(*) FROM iati_indicator_progress") == 26


def test_many_activities_stream_through(tmp_path, database):
    activity = ("<iati-activity><iati-identifier>XX-{n}</iati-identifier><transaction><transaction-type code='4'/>"
                "<transaction-date iso-date='2015-01-01'/><value currency='USD' value-date='2015-01-01'>1</value>"
                "</transaction></iati-activity>")
    path = tmp_path / "many.xml"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("<iati-activities version='2.03'>")
        for n in range(5000):
            handle.write(activity.format(n=n))
        handle.write("</iati-activities>")
    summary = run_load([path], database)
    assert summary.rows_by_table["iati_transactions"] == 5000
