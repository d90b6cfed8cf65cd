"""Every figure says what it covers, and the money figures follow the year the sidebar's period names: the
Money page's chart and lines show the chosen programme year (or every year when asked), and the overview says
that activity counts are the as-of date's whatever the period."""

from __future__ import annotations

import duckdb

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
    assert set(lines["programme_year"]) == {2014}

    app.segmented_control(key="money_years").set_value("all").run()
    assert not app.exception
    grouped = app.dataframe[0].value
    assert dict(zip(grouped["Output"], grouped["budget_usd"])) == _sums_by_output(sample_database, None)
    assert "all programme years of Phase II to date" in " ".join(as_shown(c.value) for c in app.caption)
    assert set(app.dataframe[-1].value["programme_year"]) == {2014, 2015, 2016, 2017}


def test_the_overview_says_what_its_delivery_figures_cover(sample_database, app_for):
    app = app_for(sample_database, query={"period": "2014/15 H1"})
    assert not app.exception
    assert any(s.value.startswith("Delivery, as of 31 July 2017") for s in app.subheader)
    captions = " ".join(as_shown(c.value) for c in app.caption)
    assert "the work plan's status on the as-of date, every activity in the filters, whatever period is chosen" \
        in captions
    assert "programme year 2014/15 only" in captions
