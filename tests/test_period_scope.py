"""Every figure says what it covers, and the money figures follow the year the sidebar's period names: the
Money page's chart and lines show the chosen programme year (or every year when asked), and the overview says
that activity counts are the as-of date's whatever the period."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from mm_core import queries

from .helpers.pages import as_shown


def _sums_by_output(database, year):
    with duckdb.connect(str(database), read_only=True) as connection:
        frame = queries.finance_by(connection.cursor(), queries.Scope("2014/15 H1", 2014), "output", year)
    return dict(zip(frame["group"], frame["budget_usd"]))


def test_the_money_page_shows_the_chosen_year_and_says_so(sample_database, app_for):
    app = app_for(sample_database, query={"period": "Year 2014/15"}, page="app_pages/money.py")
    assert not app.exception
    grouped = app.dataframe[0].value
    in_year = _sums_by_output(sample_database, 2014)
    assert dict(zip(grouped["Output"], grouped["budget_usd"])) == in_year
    assert in_year != _sums_by_output(sample_database, None)  # the year is a part of the whole
    captions = " ".join(as_shown(c.value) for c in app.caption)
    assert "Budget, funds received and expenditure, programme year 2014/15." in captions
    lines = app.dataframe[-1].value
    assert set(lines["programme_year"]) == {"2014/15"}  # shown by its label, as the charts name it

    app.segmented_control(key="money_years").set_value("all").run()
    assert not app.exception
    grouped = app.dataframe[0].value
    assert dict(zip(grouped["Output"], grouped["budget_usd"])) == _sums_by_output(sample_database, None)
    assert "all programme years of Phase II to date" in " ".join(as_shown(c.value) for c in app.caption)
    assert set(app.dataframe[-1].value["programme_year"]) == {"2014/15", "2015/16", "2016/17", "2017/18"}


def test_the_overview_says_what_its_delivery_figures_cover(sample_database, app_for):
    app = app_for(sample_database, query={"period": "2014/15 H1"})
    assert not app.exception
    assert any(s.value.startswith("Delivery, as of 31 July 2017") for s in app.subheader)
    captions = " ".join(as_shown(c.value) for c in app.caption)
    assert "the work plan's status on the as-of date, every activity in the filters, whatever period is chosen" \
        in captions
    assert "programme year 2014/15 only" in captions


def test_the_delay_figures_of_every_page_read_as_the_same_facts(sample_database, app_for):
    """Overview 'delayed or overdue 33', Work plan 'Delayed 20 / Overdue 32', needs attention '32 overdue': each
    page says how they relate (19 are both), from one rule (metrics.delays)."""
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        counts = queries.activity_counts(connection.cursor(), queries.Scope("2016/17 H2", 2016)).iloc[0]
    delayed, overdue, either = (int(counts[k]) for k in ("delayed", "overdue", "delayed_or_overdue"))
    assert either < delayed + overdue  # some activities are both: the figures differ without being wrong
    sentence = (f"{delayed} with the status delayed, {overdue} past their planned end and neither completed nor "
                f"cancelled ({delayed + overdue - either} both)")
    overview = app_for(sample_database, query={"period": "2016/17 H2"})
    metric = next(m for m in overview.metric if m.label == "Activities delayed or overdue")
    assert int(metric.value) == either and sentence in metric.help
    assert f"{int(sum(int(m.value) for m in overview.metric[:4])):,} in these filters" in " ".join(
        c.value for c in overview.caption)
    workplan = app_for(sample_database, query={"period": "2016/17 H2"}, page="app_pages/workplan.py")
    shown = {m.label: m.value for m in workplan.metric}
    assert (int(shown["Delayed"]), int(shown["Overdue"])) == (delayed, overdue)
    assert any(f"{sentence}: {either} delayed or overdue, as the overview counts them" in as_shown(c.value)
               for c in workplan.caption)


def test_the_data_quality_page_lists_the_cross_checks_of_the_period(sample_database, app_for):
    from mm_core import cross_checks

    with duckdb.connect(str(sample_database), read_only=True) as connection:
        found = cross_checks.findings(connection.cursor(), queries.Scope("2017/18 H1", 2017))
    assert len(found)  # the sample's Board meetings and Mid-Term Review disagree with the work plan
    app = app_for(sample_database, query={"period": "2017/18 H1"}, page="app_pages/data_quality.py")
    assert not app.exception
    shown = next(t.value for t in app.dataframe if "conflicts_with" in t.value.columns)
    columns = ["check", "item", "conflicts_with"]
    assert shown[columns].values.tolist() == found[columns].values.tolist()


DONE_BEFORE_MILESTONE = ("ECU", "JAM", "KGZ")  # an overdue milestone named as a completed activity
MILESTONE_BEFORE_DONE = ("MAR", "SRB")  # an achieved milestone named as an activity not done
COUNTRIES_WITH_FINDINGS = DONE_BEFORE_MILESTONE + MILESTONE_BEFORE_DONE


@pytest.fixture(scope="module")
def findings_in_countries(sample_database, tmp_path_factory):
    """The sample with contradictions in each of COUNTRIES_WITH_FINDINGS, of two rules (the sample's own are all at
    the global level)."""
    path = tmp_path_factory.mktemp("findings") / "warehouse.duckdb"
    shutil.copy(sample_database, path)
    with duckdb.connect(str(path)) as connection:
        for country in COUNTRIES_WITH_FINDINGS:
            done = country in DONE_BEFORE_MILESTONE
            title = connection.execute(
                "SELECT activity_title FROM activity_status WHERE country = ? AND (status = 'completed') = ? "
                "AND status <> 'cancelled' ORDER BY activity_code LIMIT 1", [country, done]).fetchone()[0]
            connection.execute(
                "UPDATE milestones SET milestone = ?, milestone_folded = title_folded(?), "
                "achieved_date = CASE WHEN ? THEN NULL ELSE due_date END "
                "WHERE country = ? AND milestone = (SELECT min(milestone) FROM milestone_status WHERE country = ? "
                "AND status = 'overdue')", [title, title, done, country, country])
    return path


@pytest.mark.parametrize("period", ["2016/17 H2", "2017/18 H1"])
def test_one_countrys_cross_checks_are_every_countrys_sliced(findings_in_countries, period):
    from mm_core import cross_checks

    with duckdb.connect(str(findings_in_countries), read_only=True) as connection:
        every = cross_checks.findings(connection.cursor(),
                                      cross_checks.everywhere(queries.Scope(period, 2017, country="JAM")))
        assert set(COUNTRIES_WITH_FINDINGS) | {"GLOBAL"} <= set(every["country"])
        assert set(every.loc[every["country"].isin(MILESTONE_BEFORE_DONE), "rule"]) == {
            "milestone_achieved_activity_not_done"}
        countries = [row[0] for row in connection.execute("SELECT DISTINCT country FROM activity_status").fetchall()]
        for country in countries:
            own = cross_checks.findings(connection.cursor(), queries.Scope(period, 2017, country=country))
            sliced = cross_checks.of_country(every, country)
            assert list(sliced.columns) == list(own.columns) == cross_checks.COLUMNS
            assert sliced.to_dict("records") == own.to_dict("records"), country
    assert cross_checks.of_country(every, None) is every


def test_the_data_quality_page_lists_the_chosen_countrys_cross_checks(findings_in_countries, app_for):
    from mm_core import cross_checks

    with duckdb.connect(str(findings_in_countries), read_only=True) as connection:
        own = cross_checks.findings(connection.cursor(), queries.Scope("2017/18 H1", 2017, country="KGZ"))
    assert len(own)
    app = app_for(findings_in_countries, query={"period": "2017/18 H1", "country": "KGZ"},
                  page="app_pages/data_quality.py")
    assert not app.exception
    shown = next(t.value for t in app.dataframe if "conflicts_with" in t.value.columns)
    assert set(shown["country"]) == {"KGZ"}
    columns = ["check", "item", "conflicts_with"]
    assert shown[columns].values.tolist() == own[columns].values.tolist()


def test_the_completeness_matrix_lists_the_periods_in_their_order(sample_database, app_for):
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        completeness = queries.reporting_completeness(connection.cursor())
    in_order = list(completeness.sort_values("period_start")["period"].drop_duplicates())
    assert len(in_order) > 2 and in_order != sorted(in_order, reverse=True)
    app = app_for(sample_database, page="app_pages/data_quality.py")
    assert not app.exception
    matrix = next(t.value for t in app.dataframe
                  if list(t.value.columns)[:1] == ["Country"] and len(t.value.columns) > 2)
    assert list(matrix.columns)[1:] == in_order


def test_results_against_resources_says_its_money_is_the_phase_to_date(sample_database, app_for):
    """The squares are each output's share of its phase budget spent to date, every year, whatever period is
    chosen (here 2015/16 H2, whose year alone spent another share): the caption says so, and names the period of
    the circles."""
    app = app_for(sample_database, query={"period": "2015/16 H2"}, page="app_pages/money.py")
    assert not app.exception
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        shown = queries.results_vs_resources(connection.cursor(), queries.Scope("2015/16 H2", 2015))
        to_date, year_alone = (dict(connection.execute(
            "SELECT output_code, sum(expenditure_usd) / sum(budget_usd) FROM finance_summary "
            "WHERE $year IS NULL OR programme_year = $year GROUP BY 1", {"year": year}).fetchall())
            for year in (None, 2015))
    assert dict(zip(shown["output_code"], shown["spent_share"])) == pytest.approx(to_date)
    assert to_date != pytest.approx(year_alone)
    captions = " ".join(as_shown(c.value) for c in app.caption)
    assert ("Square: share of the output's Phase II budget spent to date, every programme year to the as-of date, "
            "whatever the period chosen; circle: share of its indicators on track in 2015/16 H2.") in captions


def test_the_countries_spending_table_says_it_holds_every_year(sample_database, app_for):
    app = app_for(sample_database, query={"period": "2015/16 H2", "country": "JAM"}, page="app_pages/countries.py")
    assert not app.exception
    assert "Spending, all years" in [s.value for s in app.subheader]
    spending = next(d.value for d in app.dataframe if "received_usd" in d.value.columns)
    assert spending["programme_year"].nunique() > 1


def test_the_moneys_years_and_grouping_are_in_the_link(sample_database, app_for):
    app = app_for(sample_database, {"period": "2014/15 H1", "years": "all", "group": "country"},
                  page="app_pages/money.py")
    assert not app.exception
    assert (app.segmented_control(key="money_years").value, app.segmented_control(key="money_dimension").value) == (
        "all", "country")
    assert "Country" in app.dataframe[0].value.columns
    assert set(app.dataframe[-1].value["programme_year"]) == {"2014/15", "2015/16", "2016/17", "2017/18"}
    app.segmented_control(key="money_dimension").set_value("agency").run()
    assert (app.query_params["years"], app.query_params["group"]) == ("all", "agency")
    assert "Agency" in app.dataframe[0].value.columns
    stale = app_for(sample_database, {"group": "donor"}, page="app_pages/money.py")
    assert not stale.exception
    assert stale.segmented_control(key="money_dimension").value == "output"
    assert "Ignored from the link (not a choice of this page): group=donor" in [
        as_shown(caption.value) for caption in stale.caption]
