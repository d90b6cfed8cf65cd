"""IATI activities of hostile size or order: one activity of many results is read in bounded memory, one past
$MM_IATI_MAX_ELEMENTS refuses its file quickly, and an activity read in parts whose activity-level elements come
late is never half loaded. (Many activities in one file: test_hostile_inputs.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl import iati
from etl.errors import UnreadableFile
from etl.load import run_load

from .helpers.loading import PEAK_RSS_OF_A_LOAD, refused, sha256
from .helpers.paths import REPOSITORY

pytestmark = pytest.mark.slow  # hostile IATI hardening: large activities read in bounded memory

RESULT = '<result type="1"><title><narrative>Result {n}</narrative></title></result>\n'  # 3 elements
# 8 elements: 3,000 of them make an activity of more than iati.READ_IN_PARTS_ABOVE (20,000) elements
RESULT_WITH_PERIOD = ('<result type="1"><title><narrative>R{n}</narrative></title><indicator measure="1">'
                      '<period><period-start iso-date="2015-01-01"/><period-end iso-date="2015-12-31"/>'
                      '<target value="{n}"/></period></indicator></result>')


def write_one_activity(path: Path, results: int, tail: str = "</iati-activity>\n</iati-activities>\n") -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0"?>\n<iati-activities version="2.03">\n<iati-activity default-currency="USD">'
                     "<iati-identifier>XM-HUGE-1</iati-identifier><title><narrative>One huge activity</narrative>"
                     "</title>\n")
        for start in range(0, results, 10_000):
            handle.write("".join(RESULT.format(n=n) for n in range(start, min(start + 10_000, results))))
        handle.write(tail)
    return path


def load_in_a_process(path: Path, database: Path, **environment: str) -> tuple[int, int, str, str]:
    """Exit status, peak resident memory (MB), stdout and stderr of a load of `path` in its own process."""
    result = subprocess.run([sys.executable, "-c", PEAK_RSS_OF_A_LOAD, str(path), str(database)],
                            cwd=REPOSITORY, capture_output=True, text=True, timeout=600,
                            env=dict(os.environ, PYTHONPATH=str(REPOSITORY), **environment))
    return result.returncode, int(result.stdout.rsplit("peak", 1)[1]), result.stdout, result.stderr


@pytest.fixture(scope="module")
def quarter_activity_peak(tmp_path_factory) -> int:
    """Peak memory of loading one activity of 75,000 results (225,000 elements, within the default limit)."""
    directory = tmp_path_factory.mktemp("quarter")
    status, peak, out, err = load_in_a_process(write_one_activity(directory / "quarter.xml", 75_000),
                                               directory / "quarter.duckdb")
    assert status == 0, err
    assert "Rows loaded: 75,001" in out
    return peak


def test_one_activity_of_many_results_is_read_in_bounded_memory(quarter_activity_peak, tmp_path):
    """Four times the results in one activity must not take four times the memory: each result is read when
    it ends and dropped (before, the whole activity was held: 1.5 M results took 1.2 GB)."""
    large = write_one_activity(tmp_path / "large.xml", 300_000)
    status, peak, out, err = load_in_a_process(large, tmp_path / "large.duckdb", MM_IATI_MAX_ELEMENTS="10000000")
    assert status == 0, err
    assert "Rows loaded: 300,001" in out
    print(f"peak RSS: 75,000 results -> {quarter_activity_peak} MB; 300,000 results -> {peak} MB")
    assert peak < quarter_activity_peak + 60


def test_an_activity_past_the_limit_is_refused_before_its_end_in_bounded_memory(quarter_activity_peak, tmp_path):
    """350,000 results make 1,050,003 elements, past the default 1,000,000. The refusal comes where the limit is
    passed, not at the activity's end: the file's end is broken, and the message is still the limit's."""
    path = write_one_activity(tmp_path / "huge.xml", 350_000, tail="<broken")
    started = time.monotonic()
    status, peak, _, err = load_in_a_process(path, tmp_path / "huge.duckdb")
    print(f"refused in {time.monotonic() - started:.1f} s, peak RSS {peak} MB")
    assert status == 1
    assert err.splitlines()[0] == (
        "error: huge.xml: refused: activity 1 ('XM-HUGE-1') has more than 1,000,000 elements, the limit for one "
        "activity (one in a file IATI's validator accepts, up to 60 MB, has at most about 900,000; set "
        "MM_IATI_MAX_ELEMENTS to change it)")
    assert peak < quarter_activity_peak + 60


@pytest.mark.parametrize("identifier, shown", [("<iati-identifier>XX-BIG</iati-identifier>", "'XX-BIG'"),
                                               ("", "no iati-identifier yet")])
def test_the_refusal_names_the_file_the_activity_and_the_limit(existing, tmp_path, capsys, monkeypatch,
                                                               identifier, shown):
    database, before = existing
    monkeypatch.setenv("MM_IATI_MAX_ELEMENTS", "1000")
    path = tmp_path / "big.xml"
    path.write_text('<iati-activities version="2.03"><iati-activity><iati-identifier>XX-SMALL</iati-identifier>'
                    f"</iati-activity><iati-activity>{identifier}{RESULT.format(n=1) * 400}</iati-activity>"
                    "</iati-activities>", encoding="utf-8")
    err = refused(database, path, capsys)
    assert err.splitlines()[0] == (
        f"error: big.xml: refused: activity 2 ({shown}) has more than 1,000 elements, the limit for one activity "
        "(one in a file IATI's validator accepts, up to 60 MB, has at most about 900,000; set MM_IATI_MAX_ELEMENTS "
        "to change it)")
    assert sha256(database) == before


def activity_file(tmp_path: Path, body: str, results: int = 3_000, root: str = '<iati-activities version="2.03">'
                  ) -> Path:
    """One activity: `body` with {results} replaced by that many results (3,000: read in parts)."""
    path = tmp_path / "one.xml"
    path.write_text(root + '<iati-activity default-currency="EUR">'
                    + body.replace("{results}", "".join(RESULT_WITH_PERIOD.format(n=n) for n in range(results)))
                    + "</iati-activity></iati-activities>", encoding="utf-8")
    return path


def refusal_of_a_late_decision(first: str, at_end: str) -> str:
    return ("one.xml: refused: activity 1 ('XX-LATE') has more than 20,000 elements, so it is read in parts and "
            "whether it is loaded is decided on its first 20,000; elements after those change that (at first: "
            f"{first}; at its end: {at_end}): put iati-identifier and activity-date before any budget, transaction "
            "or result, as the IATI schema does")


def test_an_identifier_after_the_results_of_an_activity_read_in_parts_refuses_the_file(tmp_path, database):
    path = activity_file(tmp_path, "{results}<iati-identifier>XX-LATE</iati-identifier>")
    with pytest.raises(UnreadableFile) as refusal:
        run_load([path], database)
    assert str(refusal.value) == refusal_of_a_late_decision(
        "not loaded, iati-identifier: found an empty cell, expected the activity's iati-identifier", "loaded")
    assert not database.exists()


def test_a_bad_activity_date_after_the_results_of_an_activity_read_in_parts_refuses_the_file(tmp_path, database):
    """The last activity-date of a type is the one read: here it is not a date, which rejects the activity,
    but its results are already written."""
    path = activity_file(tmp_path, '<iati-identifier>XX-LATE</iati-identifier><activity-date type="1" '
                                   'iso-date="2015-01-01"/>{results}<activity-date type="1" iso-date="2015-13-01"/>')
    with pytest.raises(UnreadableFile) as refusal:
        run_load([path], database)
    assert str(refusal.value) == refusal_of_a_late_decision(
        "loaded", "not loaded, activity-date[@type=1]/@iso-date: found '2015-13-01', expected a date YYYY-MM-DD")


@pytest.mark.parametrize("results", [3_000, 10], ids=["read in parts", "held whole"])
def test_a_title_and_countries_after_the_results_are_still_read(tmp_path, database, results):
    path = activity_file(tmp_path, '<iati-identifier>XX-LATE</iati-identifier>{results}<title><narrative>Late'
                                   '</narrative></title><recipient-country code="KE"/>', results)
    summary = run_load([path], database)
    assert summary.rows_by_table["iati_results"] == results and summary.rejected == []
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT title, recipient_countries FROM iati_activities").fetchall() == [
            ("Late", "KE")]


def test_a_small_activity_is_held_whole_and_read_in_any_order(tmp_path, database):
    path = activity_file(tmp_path, '{results}<activity-date type="1" iso-date="2015-01-01"/>'
                                   "<iati-identifier>XX-LATE</iati-identifier>", results=10)
    summary = run_load([path], database)
    assert summary.rows_by_table["iati_results"] == 10 and summary.rejected == []


def test_an_activity_read_in_parts_without_identifier_is_rejected_as_a_small_one_is(tmp_path, database):
    summary = run_load([activity_file(tmp_path, "{results}")], database)
    assert [p.message for r in summary.rejected for p in r.problems] == [
        "one.xml › iati-activity › row 1 › column iati-identifier: found an empty cell, expected the activity's "
        "iati-identifier"]
    assert summary.rows_by_table.get("iati_results", 0) == 0


def test_an_activity_inside_another_refuses_the_file(tmp_path, database):
    path = activity_file(tmp_path, "<iati-identifier>XX-OUT</iati-identifier><iati-activity><iati-identifier>XX-IN"
                                   "</iati-identifier></iati-activity>", results=0)
    with pytest.raises(UnreadableFile, match=r"^one.xml: not IATI activity XML: activity 1 \('XX-OUT'\) holds "
                                             r"another <iati-activity>$"):
        run_load([path], database)


def everything_loaded(database: Path) -> dict[str, list]:
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = [*iati.TABLES, "rejected_rows", "load_warnings"]
        return {table: connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall() for table in tables}


def test_reading_an_activity_in_parts_loads_what_holding_it_whole_loads(tmp_path, monkeypatch):
    """Budgets, transactions and results (with bad values among them), planned disbursements and no version
    anywhere: read in parts, the rows, their order, the rejections and the warnings are those of the whole."""
    budget = ('<budget><period-start iso-date="2015-01-01"/><period-end iso-date="2015-{month}-31"/>'
              '<value value-date="2015-01-01">{n}</value></budget>')
    transaction = ('<transaction><transaction-type code="3"/><transaction-date iso-date="2015-03-01"/>'
                   '<value currency="GBP" value-date="2015-03-01">{value}</value></transaction>')
    body = ("<iati-identifier>XX-PARTS</iati-identifier><title><narrative>Parts</narrative></title>"
            + "".join(budget.format(n=n, month="13" if n % 7 == 3 else "12") for n in range(300))
            + "<planned-disbursement><value>1</value></planned-disbursement>"
            + "".join(transaction.format(value="x" if n % 11 == 5 else n) for n in range(300))
            + "{results}" + RESULT_WITH_PERIOD.format(n="about 3"))
    path = activity_file(tmp_path, body, root="<iati-activities>")
    run_load([path], tmp_path / "parts.duckdb")
    monkeypatch.setattr(iati, "READ_IN_PARTS_ABOVE", 10**9)
    run_load([path], tmp_path / "whole.duckdb")
    parts, whole = everything_loaded(tmp_path / "parts.duckdb"), everything_loaded(tmp_path / "whole.duckdb")
    assert [len(parts[table]) for table in ("iati_budgets", "iati_transactions", "iati_values", "rejected_rows",
                                            "load_warnings")] == [257, 273, 3_000, 71, 2]
    assert parts == whole


def test_an_activity_whose_identifier_is_longer_than_a_message_says_is_rejected(tmp_path, database):
    """Its identifier would be stored with each of its rows (2,000 transactions of a 30,000-character one: 610 MB)
    and cut where said, so two such activities would read the same: it is rejected, named by its start and end."""
    identifier = "XX-" + "A" * 29_990 + "-1"
    transaction = ('<transaction><transaction-type code="3"/><transaction-date iso-date="2015-03-01"/>'
                   '<value value-date="2015-03-01">5</value></transaction>')
    path = activity_file(tmp_path, f"<iati-identifier>{identifier}</iati-identifier>" + transaction * 3, results=0)
    summary = run_load([path], database)
    assert summary.rows_by_table.get("iati_activities", 0) == summary.rows_by_table.get("iati_transactions", 0) == 0
    [problem] = [p for r in summary.rejected for p in r.problems]
    assert problem.column == "iati-identifier" and len(problem.sheet) <= 120 and problem.sheet.startswith("XX-AAA")
    assert problem.expected == ("an iati-identifier of at most 120 characters, as a message says it whole (the "
                                "publisher's organisation identifier and the activity's own reference); this one "
                                "has 29,995")
    assert len(problem.message) < 600


def test_an_identifier_of_120_characters_is_loaded(tmp_path, database):
    identifier = "XX-" + "B" * 117
    summary = run_load([activity_file(tmp_path, f"<iati-identifier>{identifier}</iati-identifier>", results=2)],
                       database)
    assert summary.rejected == [] and summary.rows_by_table["iati_activities"] == 1
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT iati_identifier FROM iati_activities").fetchall() == [(identifier,)]
