"""Statuses as data: data/reference/statuses.csv is the one place for each status's order, threshold, colour,
symbol and label; the warehouse carries it as the table `statuses`, and the SQL rules read their thresholds
and orders from that table."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl import spec, statuses
from mm_core import charts, queries

HEADER = "family,status,rank,attention,label,colour,symbol,at_least,meaning\n"


def test_the_warehouse_carries_the_file(sample_database):
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        table = connection.execute("SELECT family, status, rank, attention, label, colour, symbol, at_least, meaning, "
                                   "heading FROM statuses ORDER BY family, rank").fetchall()
    assert sorted(table, key=str) == sorted(statuses.rows(), key=str)
    assert ("indicator", "on track", 1, 4, "on track", "#009E73", "●", 0.9,
            "progress ratio at least 0.9: at least 90% of the way from the baseline to the value expected by now",
            None) in table


@pytest.fixture
def editable_copy(sample_database, tmp_path) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(sample_database, copy)
    return copy


def _indicator_statuses(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return dict(connection.execute("SELECT status, count(*) FROM indicator_progress GROUP BY 1").fetchall())


def test_indicator_thresholds_are_read_from_the_table(editable_copy):
    before = _indicator_statuses(editable_copy)
    with duckdb.connect(str(editable_copy)) as connection:
        connection.execute("UPDATE statuses SET at_least = -1e9 WHERE family = 'indicator' AND status = 'at risk'")
    after = _indicator_statuses(editable_copy)
    assert before["off track"] > 0
    assert "off track" not in after  # nothing is below the new threshold (a ratio is negative when moving the wrong way)
    assert after["at risk"] == before["at risk"] + before["off track"]
    assert after["on track"] == before["on track"] and after["no data"] == before["no data"]


def test_country_thresholds_are_read_from_the_table(editable_copy):
    scope = queries.Scope(period="2016/17 H1", programme_year=2016)
    with duckdb.connect(str(editable_copy), read_only=True) as connection:
        before = queries.country_status(connection.cursor(), scope)
    with duckdb.connect(str(editable_copy)) as connection:
        connection.execute("UPDATE statuses SET at_least = 0.0 WHERE family = 'country' AND status = 'on track'")
    with duckdb.connect(str(editable_copy), read_only=True) as connection:
        after = queries.country_status(connection.cursor(), scope)
    reported = before["status"] != "not reported"
    assert set(before.loc[reported, "status"]) != {"on track"}  # the sample has countries at risk or off track
    assert set(after.loc[reported, "status"]) == {"on track"}  # at least 0 % on track: every reporting country
    assert (after.loc[~reported, "status"] == "not reported").all()


def test_the_worst_indicators_come_first_by_the_attention_order(sample_database):
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        table = queries.indicator_table(connection.cursor(), queries.Scope(period="2016/17 H1", programme_year=2016))
    attention = {s.status: s.attention for s in statuses.of("indicator")}
    ranks = table["status"].map(attention).tolist()
    assert ranks == sorted(ranks) and table["status"].iloc[0] == "off track"


def test_narrative_follows_the_family_order(sample_database):
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        report = queries.flash_report(connection.cursor(), "BGD", "2016/17 H1")
    order = list(statuses.names("narrative"))
    kinds = report["kind"].tolist()
    assert kinds == sorted(kinds, key=order.index) and len(set(kinds)) > 1


def test_everyone_reads_the_same_vocabulary():
    assert spec.ACTIVITY_STATUSES == ("planned", "ongoing", "completed", "delayed", "cancelled")
    assert charts.ACTIVITY_STATUS_ORDER == list(spec.ACTIVITY_STATUSES)
    assert charts.STATUS_COLORS == {"on track": "#009E73", "at risk": "#E69F00", "off track": "#D55E00",
                                    "no data": "#BBBBBB", "not reported": "#BBBBBB"}
    column = next(c for c in spec.SHEETS_BY_KIND["workplan"].columns if c.key == "status")
    assert column.note == "planned, ongoing, completed, delayed or cancelled"
    assert statuses.country_rule() == ("on track when at least 70% of its indicators with data are on track, "
                                       "off track when 30% or more are off track, otherwise at risk")


@pytest.mark.parametrize("line, message", [
    ("colour,on track,1,,x,,,,", "statuses.csv › row 2 › column family: found 'colour', expected one of "
                                  "indicator, country, result, activity, milestone, recommendation, narrative, "
                                  "submission"),
    ("indicator,on track,first,,x,,,,", "statuses.csv › row 2 › column rank: found 'first', expected a number"),
    ("indicator,on track,1,,x,,,ninety,", "statuses.csv › row 2 › column at_least: found 'ninety', expected a number"),
    ("indicator,,1,,x,,,,", "statuses.csv › row 2 › column status: found '', expected a status named once per family"),
])
def test_a_damaged_file_is_said_with_its_row_and_column(tmp_path, line, message):
    path = tmp_path / "statuses.csv"
    path.write_text(HEADER + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        statuses.read_statuses(path)
    assert str(raised.value) == message


def test_a_status_named_twice_is_refused(tmp_path):
    path = tmp_path / "statuses.csv"
    path.write_text(HEADER + "indicator,on track,1,,x,,,,\nindicator,on track,2,,y,,,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 3 › column status: found 'on track'"):
        statuses.read_statuses(path)


def test_the_theory_of_change_rule_is_said_from_the_result_thresholds():
    assert statuses.result_rule() == (
        "an output is on track when at least 70% of its indicators with data are on track, off track when 30% or "
        "more are off track, otherwise at risk; an outcome or the impact is judged the same way from the results "
        "directly under it that have a status; not reported when none has data")


def test_a_section_heading_is_the_files_heading_else_the_label():
    headings = statuses.headings("narrative")
    assert headings["achievement"] == "Accomplishments over the past period"
    assert headings["next period plan"] == "Action plan for the next period"
    assert headings["challenge"] == statuses.labels("narrative")["challenge"] == "Difficulties and risks"


def test_the_countries_flash_report_is_headed_as_the_file_says(sample_database, app_for):
    app = app_for(sample_database, page="app_pages/countries.py")
    assert not app.exception
    shown = [block.value for block in app.markdown]
    for heading in statuses.headings("narrative").values():
        assert f"**{heading}**" in shown
