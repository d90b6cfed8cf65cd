"""A page's own status choices are in the link (filters.link_choices): `?status=` once per status shown, `?status=`
empty for none; a link naming a status that is no option is ignored whole and said."""

from __future__ import annotations

import pytest

from .helpers.pages import as_shown

PAGES = [("app_pages/indicators.py", "multiselect", "indicator_statuses",
          ["on track", "at risk", "off track", "no data"], "not an indicator status"),
         ("app_pages/workplan.py", "multiselect", "workplan_statuses",
          ["planned", "ongoing", "completed", "delayed", "cancelled"], "not an activity status"),
         ("app_pages/recommendations.py", "pills", "recommendation_statuses",
          ["not started", "in progress", "completed", "no longer applicable"], "not a recommendation status")]


def widget(app, kind: str, key: str):
    return getattr(app, kind)(key=key)


@pytest.mark.parametrize("page, kind, key, every, why", PAGES)
def test_a_pages_statuses_are_in_the_link(sample_database, app_for, page, kind, key, every, why):
    app = app_for(sample_database, page=page)
    assert not app.exception
    assert widget(app, kind, key).value == every  # every status by default, and the address names none
    assert "status" not in app.query_params
    linked = app_for(sample_database, {"status": [every[2], every[0]]}, page=page)
    assert widget(linked, kind, key).value == [every[0], every[2]]  # in the options' order
    widget(linked, kind, key).set_value([every[2]]).run()
    assert linked.query_params["status"] == every[2]
    widget(linked, kind, key).set_value([]).run()
    assert linked.query_params["status"] == ""
    linked.run()
    assert widget(linked, kind, key).value == []  # none stays none: not the default
    stale = app_for(sample_database, {"status": [every[1], "<b>late</b>"]}, page=page)
    assert not stale.exception
    assert widget(stale, kind, key).value == every
    assert f"Ignored from the link ({why}): status=<b>late</b>" in [as_shown(c.value) for c in stale.caption]


def test_the_indicators_shown_follow_the_linked_statuses(sample_database, app_for):
    app = app_for(sample_database, {"status": "off track"}, page="app_pages/indicators.py")
    assert set(app.dataframe[0].value["status"]) == {"off track"}
