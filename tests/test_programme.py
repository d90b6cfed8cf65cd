"""The programme file (etl/programme.py): read and checked whole, its calendar's periods, written into the
warehouse, chosen with --programme, and a country the programme does not have named as such (issue 13)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from etl.__main__ import main
from etl.export_iati import export_iati
from etl.load import run_load
from etl.programme import ProgrammeError, folded_titles, from_warehouse, read_programme
from etl.reference import REFERENCE_DIR, load_reference
from tests.helpers.pages import as_shown
from tests.helpers.rows import good_rows

BUNDLED = REFERENCE_DIR / "programme.toml"

CALENDAR_QUARTERS = """
[programme]
title = "Another joint programme"
short_title = "Joint Programme X"
board = "Steering Committee"

[calendar]
year_start_month = 1
reporting = "quarter"

[[phases]]
code = "III"
name = "Phase III"
start = 2019-01-01
end = 2022-12-31

[[agencies]]
code = "ILO"
name = "International Labour Organization"

[[countries]]
iso3 = "PHL"
government_lead = "Department of Migrant Workers"

[[results]]
code = "I"
level = "impact"
title = "Migration governance improves lives"

[[results]]
code = "A"
level = "outcome"
parent = "I"
title = "Policies integrate migration"

[[results]]
code = "1"
level = "output"
parent = "A"
scope = "country"
lead_agency = "ILO"
title = "Labour migration policies drafted"
sdg_targets = ["10.7", "8.8"]
"""


def programme_file(tmp_path: Path, text: str, name: str = "programme.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def bundled_with(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    """The bundled programme file with some text replaced."""
    text = BUNDLED.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return programme_file(tmp_path, text)


def test_the_bundled_programme_gives_the_half_years_of_its_phase():
    programme = read_programme(BUNDLED)
    periods = programme.periods()
    assert [p.label for p in periods] == [f"{y}/{(y + 1) % 100:02d} H{h}" for y in range(2014, 2018) for h in (1, 2)]
    assert (periods[1].start, periods[1].end) == (dt.date(2014, 8, 1), dt.date(2015, 1, 31))
    assert programme.latest_date == dt.date(2019, 1, 31)
    assert programme.words["agencies"] == "UNDP or IOM"
    assert programme.words["period_examples"] == "2014/15 H1 = Feb-Jul 2014, 2014/15 H2 = Aug 2014-Jan 2015"


def test_a_calendar_year_programme_reports_in_quarters(tmp_path):
    programme = read_programme(programme_file(tmp_path, CALENDAR_QUARTERS))
    periods = programme.periods()
    assert len(periods) == 16
    assert [p.label for p in periods[:3]] == ["2019 Q1", "2019 Q2", "2019 Q3"]
    assert (periods[2].start, periods[2].end) == (dt.date(2019, 7, 1), dt.date(2019, 9, 30))
    assert periods[-1].label == "2022 Q4" and periods[-1].end == dt.date(2022, 12, 31)
    assert programme.year_label(2020) == "2020"
    assert programme.results[-1].sdg_targets == ("10.7", "8.8")


def test_yearly_reporting_from_july(tmp_path):
    text = CALENDAR_QUARTERS.replace("year_start_month = 1", "year_start_month = 7").replace(
        'reporting = "quarter"', 'reporting = "year"')
    periods = read_programme(programme_file(tmp_path, text)).periods()
    assert [p.label for p in periods] == ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23"]
    assert (periods[0].start, periods[0].end) == (dt.date(2018, 7, 1), dt.date(2019, 6, 30))


@pytest.mark.parametrize("old, new, message", [
    ("year_start_month = 1", "year_start_mnth = 1", "[calendar]: 'year_start_month' is missing"),
    ('reporting = "quarter"', 'reporting = "quarter"\nweeks = 2', "[calendar]: key 'weeks' not used by this version"),
    ("year_start_month = 1", "year_start_month = 13", "'year_start_month' is 13, expected one of 1, 2"),
    ('board = "Steering Committee"', "", "[programme]: 'board' is missing"),
    ('parent = "A"', 'parent = "B"', "[[results]] (1): parent 'B' is not declared under [[results]]"),
    ('parent = "A"\nscope = "country"', 'parent = "A"', "'scope' is missing"),
    ('lead_agency = "ILO"', 'lead_agency = "UNDP"', "'lead_agency' is 'UNDP', expected one of ILO"),
    ("end = 2022-12-31", "end = 2018-12-31", "'end' 2018-12-31 is before 'start' 2019-01-01"),
    ("start = 2019-01-01", 'start = "2019"', "'start' is '2019', expected a date like"),
    ('iso3 = "PHL"', 'iso3 = "PHL"\nphases = ["IV"]', "phase 'IV' is not declared under [[phases]]"),
    ("[[agencies]]", "[[agency]]", "table(s) 'agency' not used by this version"),
    ("[programme]", "[programme", "not a valid TOML file"),
    ('sdg_targets = ["10.7", "8.8"]', 'sdg_targets = ["10.7", "SDG 8"]',
     "'sdg_targets' has 'SDG 8', expected SDG target"),
])
def test_a_programme_file_with_a_mistake_is_refused_naming_where(tmp_path, old, new, message):
    assert old in CALENDAR_QUARTERS
    path = programme_file(tmp_path, CALENDAR_QUARTERS.replace(old, new, 1), "phase3.toml")
    with pytest.raises(ProgrammeError) as raised:
        read_programme(path)
    assert str(raised.value).startswith("phase3.toml")
    assert message in str(raised.value)


def test_a_country_code_not_in_iso_3166_is_refused(tmp_path):
    path = programme_file(tmp_path, CALENDAR_QUARTERS.replace('iso3 = "PHL"', 'iso3 = "XYZ"'))
    with pytest.raises(ProgrammeError, match="'XYZ' is not an ISO 3166 alpha-3 code"):
        load_reference(programme=path)


def test_the_warehouse_describes_the_programme_it_was_built_with(tmp_path, write_workbook):
    path = bundled_with(tmp_path, ('board = "Global Project Board"', 'board = "Programme Board"'),
                        ('name = "Phase II"', 'name = "Second phase"'))
    database = tmp_path / "w.duckdb"
    run_load([write_workbook(good_rows())], database, as_of=dt.date(2015, 6, 30), programme=path)
    with duckdb.connect(str(database), read_only=True) as connection:
        programme = from_warehouse(connection)
        assert (programme.board, programme.phases[0].name) == ("Programme Board", "Second phase")
        assert programme.sha256 == read_programme(path).sha256
        assert connection.execute("SELECT count(*) FROM countries").fetchone()[0] == 8
        first_period = "SELECT period, year_label FROM periods ORDER BY period_start LIMIT 1"
        assert connection.execute(first_period).fetchone() == ("2014/15 H1", "2014/15")
        assert connection.execute("SELECT count(*) FROM results_chain WHERE level = 'output'").fetchone()[0] == 7


def test_a_country_of_no_programme_gets_a_message_saying_where_to_add_it(tmp_path, write_workbook):
    rows = good_rows()
    rows["results"][0]["country"] = "Philippines"
    database = tmp_path / "w.duckdb"
    summary = run_load([write_workbook({"results": rows["results"]})], database, as_of=dt.date(2015, 6, 30))
    messages = [p.message for r in summary.rejected for p in r.problems]
    assert any("'Philippines' is not a country of this programme; add it under [[countries]] in programme.toml"
               in m and "column Country" in m for m in messages), messages


def test_a_title_row_naming_a_country_of_no_programme_is_not_read_as_a_missing_column(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Work plan"
    sheet.append(["Annual work plan 2015 — Philippines"])
    sheet.append(["Activity", "Output", "Lead agency", "Planned start", "Planned end", "Status"])
    sheet.append(["Launch event", "Output 1", "UNDP", "2015-03-01", "2015-04-30", "completed"])
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    summary = run_load([path], tmp_path / "w.duckdb", as_of=dt.date(2015, 6, 30))
    messages = [p.message for r in summary.rejected for p in r.problems]
    assert messages and all("has no Country column" not in m for m in messages), messages
    assert any("'Philippines' is not a country of this programme" in m for m in messages), messages


def test_adding_a_country_under_countries_lets_its_rows_load(tmp_path, write_workbook):
    path = bundled_with(tmp_path, ('iso3 = "BGD"', 'iso3 = "PHL"\nphases = ["II"]\n\n[[countries]]\niso3 = "BGD"'))
    rows = good_rows()
    rows["results"][0]["country"] = "Philippines"
    summary = run_load([write_workbook({"results": rows["results"]})], tmp_path / "w.duckdb",
                       as_of=dt.date(2015, 6, 30), programme=path)
    assert not summary.rejected
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as connection:
        assert connection.execute("SELECT name, iso2, latitude IS NOT NULL FROM countries WHERE iso3 = 'PHL'"
                                  ).fetchone() == ("Philippines", "PH", True)


def test_programme_on_the_command_line_and_a_warehouse_read_with_another_file(tmp_path, write_workbook, capsys):
    other = bundled_with(tmp_path, ('board = "Global Project Board"', 'board = "Programme Board"'))
    database = tmp_path / "w.duckdb"
    assert main(["load", str(write_workbook(good_rows())), "--db", str(database), "--as-of", "2015-06-30",
                 "--programme", str(other), "--quiet"]) == 0
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT board FROM programme").fetchone()[0] == "Programme Board"
    export_iati(database, tmp_path / "ok.xml", programme=other)  # the file it was built with
    with pytest.raises(ProgrammeError, match="was built with another programme file"):
        export_iati(database, tmp_path / "no.xml", programme=BUNDLED)
    capsys.readouterr()
    assert main(["export-iati", "--db", str(database), "--out", str(tmp_path / "x.xml"),
                 "--programme", str(BUNDLED)]) == 1
    assert "was built with another programme file" in capsys.readouterr().err


def test_a_bad_programme_file_leaves_the_previous_database(tmp_path, write_workbook, capsys):
    database = tmp_path / "w.duckdb"
    assert main(["load", str(write_workbook(good_rows())), "--db", str(database), "--as-of", "2015-06-30",
                 "--quiet"]) == 0
    before = database.read_bytes()
    broken = bundled_with(tmp_path, ("year_start_month = 2", "year_start_month = 0"))
    capsys.readouterr()
    assert main(["load", str(write_workbook(good_rows())), "--db", str(database), "--programme", str(broken),
                 "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "programme.toml › [calendar]: 'year_start_month' is 0" in err
    assert "The previous database was left unchanged." in err
    assert database.read_bytes() == before


def test_a_copied_reference_folder_uses_its_own_programme_file(tmp_path, monkeypatch):
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    (folder / "programme.toml").write_text(CALENDAR_QUARTERS, encoding="utf-8")
    monkeypatch.setenv("MM_REFERENCE_DIR", str(folder))
    monkeypatch.delenv("MM_PROGRAMME", raising=False)
    assert load_reference().programme.board == "Steering Committee"
    monkeypatch.setenv("MM_PROGRAMME", str(BUNDLED))
    assert load_reference().programme.board == "Global Project Board"


def test_a_result_status_rolls_up_from_indicators_to_outputs_to_an_outcome_to_the_impact(tmp_path, write_workbook):
    """Output 1: two indicators on track -> on track; Output 2: one off track, one at risk -> off track (30%
    or more off track); outcome O (outputs 1 and 2): one of two off track -> off track; impact A (O and
    outputs 3-7, not reported): off track. The thresholds are the family 'result' of statuses.csv."""
    path = bundled_with(tmp_path, ('code = "1"\nlevel = "output"\nparent = "A"', 'code = "O"\nlevel = "outcome"\n'
                                   'parent = "A"\ntitle = "Outcome"\n\n[[results]]\ncode = "1"\nlevel = "output"\n'
                                   'parent = "O"'),
                        ('code = "2"\nlevel = "output"\nparent = "A"', 'code = "2"\nlevel = "output"\nparent = "O"'))
    def row(output, code, actual):
        return dict(output_code=f"Output {output}", indicator_code=code, indicator_title=f"Indicator {code}",
                    unit="things", direction="higher is better", country="Jamaica", baseline=0, period="2014/15 H1",
                    target=10, actual=actual)
    rows = [row(1, "1.1", 10), row(1, "1.2", 9.5), row(2, "2.1", 2), row(2, "2.2", 7)]
    database = tmp_path / "w.duckdb"
    summary = run_load([write_workbook({"results": rows})], database, as_of=dt.date(2015, 6, 30), programme=path)
    assert not summary.rejected
    with duckdb.connect(str(database), read_only=True) as connection:
        found = dict(connection.execute(
            "SELECT code, status FROM result_status WHERE period = '2014/15 H1' AND country IS NULL").fetchall())
        by_country = dict(connection.execute(
            "SELECT code, status FROM result_status WHERE period = '2014/15 H1' AND country = 'JAM'").fetchall())
        other = dict(connection.execute(
            "SELECT code, status FROM result_status WHERE period = '2014/15 H1' AND country = 'SRB'").fetchall())
    assert {code: found[code] for code in ("1", "2", "3", "O", "A")} == {
        "1": "on track", "2": "off track", "3": "not reported", "O": "off track", "A": "off track"}
    assert by_country == found
    assert set(other.values()) == {"not reported"}


TWO_PHASES = ('''[[phases]]
code = "II"
name = "Phase II"
start = 2014-02-01
end = 2018-01-31
''', '''[[phases]]
code = "II"
name = "Phase II"
start = 2014-02-01
end = 2018-01-31

[[phases]]
code = "III"
name = "Phase III"
start = 2019-01-01
end = 2022-12-31
year_start_month = 1
reporting = "quarter"
''')


def test_two_phases_with_their_own_calendars_load_together(tmp_path, write_workbook):
    """Phase II reports in February-to-January half-years, Phase III in calendar quarters: one warehouse holds
    both phases' periods, each row is read by its phase's calendar, and a year between them has no periods."""
    path = bundled_with(tmp_path, TWO_PHASES)
    programme = read_programme(path)
    labels = [p.label for p in programme.periods()]
    assert labels[:2] == ["2014/15 H1", "2014/15 H2"] and labels[7:10] == ["2017/18 H2", "2019 Q1", "2019 Q2"]
    assert len(labels) == 8 + 16 and programme.latest_date == dt.date(2023, 12, 31)
    assert (programme.programme_year_of(dt.date(2018, 1, 15)), programme.programme_year_of(dt.date(2019, 1, 15))) == (
        2017, 2019)
    rows = good_rows()
    rows["results"] += [dict(rows["results"][0], period="2019 Q3", indicator_code="1.9", target=5, actual=5),
                        dict(rows["results"][0], period="Q4 2019", indicator_code="1.9", target=6, actual=None)]
    rows["expenditure"] += [dict(rows["expenditure"][0], programme_year=2019),
                            dict(rows["expenditure"][0], programme_year=2018, output_code="Output 2"),
                            dict(rows["expenditure"][0], programme_year="2019/20", output_code="Output 3")]
    rows["workplan"] += [dict(rows["workplan"][1], activity_code="2.1.9", planned_start=dt.date(2019, 1, 15),
                              planned_end=dt.date(2019, 6, 30), currency="EUR", budget=1000)]
    database = tmp_path / "w.duckdb"
    summary = run_load([write_workbook(rows)], database, as_of=dt.date(2020, 6, 30), programme=path)
    messages = [p.message for r in summary.rejected for p in r.problems]
    assert len(messages) == 2, messages  # 2018 is no programme year; '2019/20' is not how Phase III writes 2019
    assert all("expected a programme year from 2014 to 2022 (Phase II: 2014 or 2014/15 = Feb 2014 - Jan 2015)" in m
               for m in messages), messages
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT phase, count(*) FROM periods GROUP BY phase ORDER BY phase").fetchall() == [
            ("II", 8), ("III", 16)]
        assert connection.execute("SELECT period, year_label FROM periods WHERE period IN ('2017/18 H2', '2019 Q3') "
                                  "ORDER BY period").fetchall() == [("2017/18 H2", "2017/18"), ("2019 Q3", "2019")]
        rows_of_1_9 = "SELECT count(*) FROM indicator_progress WHERE indicator_code = '1.9'"
        assert connection.execute(rows_of_1_9).fetchone()[0] == 2
        # the 2019 work plan budget converts at the 2019 rate (calendar year of Phase III)
        rate = connection.execute("SELECT fx_rate FROM activities WHERE activity_code = '2.1.9'").fetchone()[0]
        assert rate == connection.execute("SELECT units_per_usd FROM fx_rates WHERE currency = 'EUR' AND year = 2019"
                                          ).fetchone()[0]


def test_phases_may_not_overlap(tmp_path):
    path = bundled_with(tmp_path, (TWO_PHASES[0], TWO_PHASES[1].replace("start = 2019-01-01", "start = 2017-06-01")))
    with pytest.raises(ProgrammeError, match=r"\[\[phases\]\] \(III\): starts 2017-06-01, before II ends"):
        read_programme(path)


def test_an_indicator_is_one_per_phase_and_may_continue_one_of_the_phase_before(tmp_path, write_workbook):
    """Phase III may give indicator 1.1 new attributes (a new end target): in Phase II's rows they must repeat,
    across phases they need not. A Phase III indicator continuing Phase II's 1.1 under a new code keeps one
    trajectory (indicator_progress.trajectory_code)."""
    path = bundled_with(tmp_path, TWO_PHASES)
    first = good_rows()["results"][0]  # Jamaica's 1.1, Phase II
    rows = [dict(first, period="2014/15 H1", target=1, actual=1),
            dict(first, period="2014/15 H2", target=2, actual=2, end_target=9),  # breaks Phase II's attributes
            dict(first, period="2019 Q1", target=7, actual=6, end_target=12),  # Phase III's own 1.1
            dict(first, period="2019 Q2", target=8, actual=8, end_target=12),
            dict(first, indicator_code="1.5", period="2019 Q1", target=3, actual=3, continues="1.1")]
    database = tmp_path / "w.duckdb"
    summary = run_load([write_workbook({"results": rows})], database, as_of=dt.date(2020, 6, 30), programme=path)
    messages = [p.message for r in summary.rejected for p in r.problems]
    assert messages == ["report.xlsx › Results matrix › row 3 › column End-of-programme target: found '9', expected "
                        "'6' as on report.xlsx › Results matrix › row 2 (every period row of indicator 1.1 must give "
                        "the same End-of-programme target)"]
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute(
            "SELECT indicator_code, period, phase, trajectory_code FROM indicator_progress ORDER BY period_start, "
            "indicator_code").fetchall() == [("1.1", "2014/15 H1", "II", "1.1"), ("1.1", "2019 Q1", "III", "1.1"),
                                             ("1.5", "2019 Q1", "III", "1.1"), ("1.1", "2019 Q2", "III", "1.1")]


def test_the_indicators_page_follows_a_trajectory_across_phases(tmp_path, write_workbook, app_for):
    """Phase III's indicator 1.5 continues Phase II's 1.1: its trajectory shows both phases' periods, and
    the page says which indicator carried it in each."""
    from mm_core import queries

    path = bundled_with(tmp_path, TWO_PHASES)
    first = good_rows()["results"][0]  # Jamaica's 1.1, Phase II
    rows = [dict(first, period="2014/15 H1", target=1, actual=1), dict(first, period="2014/15 H2", target=2, actual=2),
            dict(first, indicator_code="1.5", period="2019 Q1", target=3, actual=3, continues="1.1"),
            dict(first, indicator_code="1.5", period="2019 Q2", target=4, actual=3, continues="1.1")]
    database = tmp_path / "w.duckdb"
    assert not run_load([write_workbook({"results": rows})], database, as_of=dt.date(2020, 6, 30),
                        programme=path).rejected
    with duckdb.connect(str(database), read_only=True) as connection:
        trajectory = queries.indicator_trajectory(connection.cursor(), "JAM", "1.5")
        alone = queries.indicator_trajectory(connection.cursor(), "JAM", "1.1")
    assert trajectory[["period", "phase", "indicator_code"]].values.tolist() == [
        ["2014/15 H1", "II", "1.1"], ["2014/15 H2", "II", "1.1"], ["2019 Q1", "III", "1.5"], ["2019 Q2", "III", "1.5"]]
    assert alone["period"].tolist() == trajectory["period"].tolist()  # the same line, from either end
    app = app_for(database, query={"indicator": "1.5|JAM", "period": "2019 Q2"}, page="app_pages/indicators.py")
    assert not app.exception
    captions = [as_shown(caption.value) for caption in app.caption]
    assert any("Across the phases II, III: indicator 1.1 then 1.5" in caption for caption in captions)


THREE_PHASES = (TWO_PHASES[0], TWO_PHASES[1].replace("end = 2022-12-31", """end = 2020-12-31
year_start_month = 1
reporting = "quarter"

[[phases]]
code = "IV"
name = "Phase IV"
start = 2021-01-01
end = 2022-12-31"""))


def test_a_line_is_followed_back_through_every_phase_and_a_continues_not_found_is_said(tmp_path, write_workbook):
    """Phase IV's 1.8 continues Phase III's 1.5, which continues Phase II's 1.1: one line named 1.1. A Continues
    naming no indicator of the phase before (for that country), or given in the first phase, loads with a
    warning at the indicator's first row, and its line keeps the code as written."""
    path = bundled_with(tmp_path, THREE_PHASES)
    first = good_rows()["results"][0]  # Jamaica's 1.1, Phase II
    rows = [dict(first, period="2014/15 H1", target=1, actual=1),
            dict(first, indicator_code="1.2", period="2014/15 H1", target=1, actual=1, continues="1.0"),
            dict(first, indicator_code="1.5", period="2019 Q1", target=3, actual=3, continues="1.1"),
            dict(first, indicator_code="1.8", period="2021 Q1", target=5, actual=5, continues="1.5"),
            dict(first, indicator_code="1.9", period="2021 Q2", target=5, actual=5, continues="1.7")]
    database = tmp_path / "w.duckdb"
    summary = run_load([write_workbook({"results": rows})], database, as_of=dt.date(2022, 6, 30), programme=path)
    assert not summary.rejected
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT indicator_code, phase, trajectory_code FROM indicator_progress "
                                  "ORDER BY period_start, indicator_code").fetchall() == [
            ("1.1", "II", "1.1"), ("1.2", "II", "1.0"), ("1.5", "III", "1.1"), ("1.8", "IV", "1.1"),
            ("1.9", "IV", "1.7")]
    said = [w.message for w in summary.warnings if w.kind == "continues"]
    assert said == [
        ("report.xlsx › Results matrix › row 3 › column Continues: indicator 1.2 (Jamaica) continues '1.0', but Phase II is the first phase of this programme: "
         "there is nothing before it to continue"),
        ("report.xlsx › Results matrix › row 6 › column Continues: indicator 1.9 (Jamaica) continues '1.7', but Phase III has no indicator '1.7' for Jamaica "
                         "in this warehouse: the line is named '1.7' and starts in Phase IV here (load Phase III's "
                         "Results matrix with it, or correct the code)")]


@pytest.mark.parametrize("value, kept", [("10.7", "10.7"), ("10.7; 17.18", "10.7; 17.18"), ("10.7, 10.c 10.7", "10.7; 10.c")])
def test_an_indicator_names_its_own_sdg_targets(value, kept):
    from etl.parse import parse_sdg_targets
    assert parse_sdg_targets(value) == kept


@pytest.mark.parametrize("value", ["SDG 10", "10.77", "18.1", "10.7; goal 8", 10.7])
def test_an_sdg_target_that_is_not_one_is_refused(value):
    from etl.errors import ValueProblem
    from etl.parse import parse_sdg_targets
    with pytest.raises(ValueProblem, match="expected SDG target codes like 10.7 or 10.c, separated by ';'"):
        parse_sdg_targets(value)


def test_a_milestone_reported_under_one_of_its_other_titles_is_that_milestone(tmp_path, write_workbook):
    """`other_titles` of a [[milestones]] (another language's wording): a row so titled, whatever its capitals, is
    the milestone; the warehouse keeps them, so the dashboard reads the programme file it was built with."""
    path = bundled_with(tmp_path, ('title = "Government endorsement"\n',
                                   'title = "Government endorsement"\n'
                                   'other_titles = ["Aprobación del Gobierno", "Approbation du gouvernement"]\n'))
    rows = good_rows()
    rows["milestones"][0]["milestone"] = "aprobación del gobierno"
    database = tmp_path / "w.duckdb"
    run_load([write_workbook(rows)], database, as_of=dt.date(2015, 6, 30), programme=path)
    with duckdb.connect(str(database), read_only=True) as connection:
        assert from_warehouse(connection).milestones[0].other_titles == (
            "Aprobación del Gobierno", "Approbation du gouvernement")
        assert connection.execute("SELECT milestone, is_expected, is_reported FROM inception_milestones "
                                  "WHERE country = 'JAM' AND is_reported").fetchall() == [
            ("Government endorsement", True, True)]
    # under its title and under an other title: one milestone sent twice, the second rejected naming the first
    rows["milestones"].insert(0, dict(rows["milestones"][0], milestone="Government endorsement"))
    summary = run_load([write_workbook(rows, name="twice.xlsx")], tmp_path / "twice.duckdb", as_of=dt.date(2015, 6, 30),
                       programme=path)
    assert [(r.row, p.column) for r in summary.rejected for p in r.problems] == [(3, "Country + Milestone")]
    assert "a second row for Country JAM, Milestone aprobación del gobierno" in summary.rejected[0].problems[0].message


def test_a_title_may_name_one_milestone_only(tmp_path):
    path = bundled_with(tmp_path, ('title = "Government endorsement"\n',
                                   'title = "Government endorsement"\nother_titles = ["national LAUNCH event"]\n'))
    with pytest.raises(ProgrammeError) as raised:
        read_programme(path)
    assert str(raised.value) == (
        "programme.toml › [[milestones]] (NLE): the title 'National launch event' names milestone GE "
        "('Government endorsement') too; a title may name one only")


@pytest.mark.parametrize("other_title", ["İSTANBUL DECLARATION SIGNED", " national launch event "])
def test_a_title_names_one_milestone_as_the_warehouse_compares_titles(tmp_path, other_title):
    """The check folds titles as the milestone key and inception_milestones do (DuckDB's lower, outer spaces
    trimmed): Python's casefold keeps 'İ' apart from 'i', which the warehouse then matched to both milestones."""
    path = bundled_with(tmp_path, ('title = "National launch event"\n',
                                   'title = "National launch event"\nother_titles = ["Istanbul declaration signed"]\n'),
                        ('title = "Government endorsement"\n',
                         f'title = "Government endorsement"\nother_titles = ["{other_title}"]\n'))
    with pytest.raises(ProgrammeError, match="names milestone .* too; a title may name one only"):
        read_programme(path)
    assert folded_titles(["İSTANBUL", " Straße ", "ΣΑΣ"]) == ["istanbul", "straße", "σασ"]
