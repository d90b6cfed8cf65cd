"""`python -m etl export-iati`: the programme's results and finance as IATI 2.03 XML, in the order the schema
requires, re-importing to the same numbers."""

from __future__ import annotations

import duckdb
import pytest
from defusedxml import ElementTree

from etl.__main__ import main
from etl.load import run_load

# The 2.03 schema's sequences (IATI-Schemas iati-activities-schema.xsd), for the elements the export writes.
SEQUENCES = {
    "iati-activity": ["iati-identifier", "reporting-org", "title", "description", "participating-org",
                      "other-identifier", "activity-status", "activity-date", "contact-info", "activity-scope",
                      "recipient-country", "recipient-region", "location", "sector", "country-budget-items",
                      "humanitarian-scope", "policy-marker", "collaboration-type", "default-flow-type",
                      "default-finance-type", "default-aid-type", "default-tied-status", "budget",
                      "planned-disbursement", "capital-spend", "transaction", "document-link", "related-activity",
                      "legacy-data", "conditions", "result", "crs-add", "fss"],
    "result": ["title", "description", "document-link", "reference", "indicator"],
    "indicator": ["title", "description", "document-link", "reference", "baseline", "period"],
    "period": ["period-start", "period-end", "target", "actual"],
    "budget": ["period-start", "period-end", "value"],
    "transaction": ["transaction-type", "transaction-date", "value", "description", "provider-org", "receiver-org"],
}
REQUIRED_CHILDREN = {"iati-activity": {"iati-identifier", "reporting-org", "title", "description",
                                       "participating-org", "activity-status", "activity-date"},
                     "result": {"title", "indicator"}, "indicator": {"title"}, "period": {"period-start", "period-end"},
                     "budget": {"period-start", "period-end", "value"},
                     "transaction": {"transaction-type", "transaction-date", "value"}}
REQUIRED_ATTRIBUTES = {"iati-activities": {"version"}, "reporting-org": {"ref", "type"}, "participating-org": {"role"},
                       "activity-status": {"code"}, "activity-date": {"iso-date", "type"}, "baseline": {"year"},
                       "value": {"value-date"}, "period-start": {"iso-date"}, "period-end": {"iso-date"},
                       "transaction-type": {"code"}, "transaction-date": {"iso-date"}, "result": {"type"},
                       "indicator": {"measure"}, "reference": {"vocabulary", "code"}}


@pytest.fixture(scope="module")
def round_trip(sample_database, tmp_path_factory):
    folder = tmp_path_factory.mktemp("iati-export")
    out = folder / "programme.xml"
    assert main(["export-iati", "--db", str(sample_database), "--out", str(out)]) == 0
    imported = folder / "imported.duckdb"
    summary = run_load([out], imported)
    with duckdb.connect(str(imported), read_only=True) as back, \
            duckdb.connect(str(sample_database), read_only=True) as programme:
        yield out, summary, back, programme


def test_the_export_follows_the_2_03_structure(round_trip):
    out, *_ = round_trip
    root = ElementTree.parse(str(out)).getroot()
    assert root.tag == "iati-activities" and root.get("version") == "2.03"
    for element in root.iter():
        names = [child.tag for child in element]
        if element.tag in SEQUENCES:
            positions = [SEQUENCES[element.tag].index(name) for name in names]
            assert positions == sorted(positions), (element.tag, names)
            assert REQUIRED_CHILDREN[element.tag] <= set(names), (element.tag, names)
        assert REQUIRED_ATTRIBUTES.get(element.tag, set()) <= set(element.attrib), element.tag
    identifiers = [a.findtext("iati-identifier") for a in root]
    assert len(identifiers) == len(set(identifiers)) == 45  # 9 country / global activities + 36 with money
    assert all(i.startswith("XM-DAC-41114-MMNDS-") for i in identifiers)


def test_the_export_reimports_without_a_rejection(round_trip):
    _, summary, back, _ = round_trip
    assert summary.rejected == []
    assert [w.kind for w in summary.warnings] == []


def test_results_round_trip_to_the_same_numbers(round_trip):
    _, _, back, programme = round_trip
    exported = programme.execute("""
        SELECT country, indicator_code, period_start, period_end, baseline, target, actual FROM indicator_progress
        WHERE target IS NOT NULL OR actual IS NOT NULL ORDER BY ALL""").fetchall()
    iso2 = dict(programme.execute("SELECT 'XM-DAC-41114-MMNDS-' || iso3, iso3 FROM countries").fetchall())
    iso2["XM-DAC-41114-MMNDS-GLOBAL"] = "GLOBAL"
    imported = sorted((iso2[row[0]], *row[1:]) for row in back.execute("""
        SELECT iati_identifier, indicator_reference, period_start, period_end, baseline, target, actual
        FROM iati_indicator_progress""").fetchall())
    assert len(exported) == 1728
    assert imported == exported


def test_finance_round_trips_to_the_same_numbers_in_both_currencies(round_trip):
    _, _, back, programme = round_trip
    exported = programme.execute("""
        SELECT country, output_code, agency, programme_year, currency, budget, received, expenditure,
               budget_usd, received_usd, expenditure_usd FROM finance_summary ORDER BY ALL""").fetchall()
    imported = back.execute("""
        WITH money AS (
            SELECT regexp_extract(iati_identifier, 'MMNDS-(\\w+)-O(\\d)-(\\w+)$', ['country', 'output', 'agency']) AS k,
                   year(value_date) AS programme_year, currency, flow, flow_detail, value, value_usd
            FROM iati_finance)
        SELECT k.country, k.output, k.agency, programme_year, currency,
               sum(value) FILTER (WHERE flow = 'budget'),
               sum(value) FILTER (WHERE flow_detail = 'Incoming Funds'),
               sum(value) FILTER (WHERE flow_detail = 'Expenditure'),
               sum(value_usd) FILTER (WHERE flow = 'budget'),
               sum(value_usd) FILTER (WHERE flow_detail = 'Incoming Funds'),
               sum(value_usd) FILTER (WHERE flow_detail = 'Expenditure')
        FROM money GROUP BY ALL ORDER BY ALL""").fetchall()
    assert len(exported) == 144
    assert imported == exported


def test_export_without_a_database_fails_with_exit_1(tmp_path, capsys):
    assert main(["export-iati", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "x.xml")]) == 1
    assert "no such database" in capsys.readouterr().err
    assert not (tmp_path / "x.xml").exists()


def test_export_from_a_file_that_is_not_a_warehouse_is_explained(tmp_path, capsys):
    from etl.__main__ import main
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t (x INTEGER)").close()
    assert main(["export-iati", "--db", str(other), "--out", str(tmp_path / "x.xml")]) == 1
    assert "is not a warehouse built by `python -m etl load`" in capsys.readouterr().err
