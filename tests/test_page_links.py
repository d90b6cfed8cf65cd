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
          ["not started", "in progress", "completed", "no longer applicable"],
          "not an addressee, phase or status of the recommendations")]


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


@pytest.mark.parametrize("page, kind, key, parameter, options, why", [
    ("app_pages/countries.py", "segmented_control", "milestone_category", "milestones",
     ["inception", "implementation"], "not a milestone category"),
    ("app_pages/data_quality.py", "segmented_control", "completeness_kind", "input",
     ["results", "narrative", "expenditure"], "not an input of the completeness matrix")])
def test_a_pages_single_choice_is_in_the_link(sample_database, app_for, page, kind, key, parameter, options, why):
    app = app_for(sample_database, page=page)
    assert widget(app, kind, key).value == options[0] and parameter not in app.query_params
    linked = app_for(sample_database, {parameter: options[1]}, page=page)
    assert not linked.exception
    assert widget(linked, kind, key).value == options[1]
    widget(linked, kind, key).set_value(options[0]).run()
    assert linked.query_params[parameter] == options[0]
    stale = app_for(sample_database, {parameter: "*late*"}, page=page)
    assert widget(stale, kind, key).value == options[0]
    assert f"Ignored from the link ({why}): {parameter}=*late*" in [as_shown(c.value) for c in stale.caption]


def test_the_recommendations_addressee_and_phase_are_in_the_link(sample_database, app_for):
    page = "app_pages/recommendations.py"
    app = app_for(sample_database, {"to": "HQs", "for_phase": ["III", "II and III"]}, page=page)
    assert not app.exception
    assert app.pills(key="recommendation_addressees").value == ["HQs"]
    assert app.pills(key="recommendation_phases").value == ["III", "II and III"]
    app.pills(key="recommendation_addressees").set_value(["country offices"]).run()
    assert app.query_params["to"] == "country offices"
    stale = app_for(sample_database, {"for_phase": "IV"}, page=page)
    assert stale.pills(key="recommendation_phases").value == ["II", "III", "II and III"]
    assert ("Ignored from the link (not an addressee, phase or status of the recommendations): for_phase=IV"
            in [as_shown(c.value) for c in stale.caption])


def test_the_work_plans_only_overdue_is_in_the_link(sample_database, app_for):
    page = "app_pages/workplan.py"
    app = app_for(sample_database, {"overdue": "yes"}, page=page)
    assert not app.exception
    assert app.toggle(key="workplan_only_overdue").value is True
    overdue = len(app.dataframe[0].value)  # the overdue activities' own table
    assert len(app.dataframe[-1].value) == overdue  # the activities shown: the overdue ones only
    app.toggle(key="workplan_only_overdue").set_value(False).run()
    assert app.query_params["overdue"] == "no"
    assert len(app.dataframe[-1].value) > overdue
    plain = app_for(sample_database, page=page)
    assert plain.toggle(key="workplan_only_overdue").value is False and "overdue" not in plain.query_params
    stale = app_for(sample_database, {"overdue": "maybe"}, page=page)
    assert stale.toggle(key="workplan_only_overdue").value is False
    assert "Ignored from the link (not yes or no): overdue=maybe" in [as_shown(c.value) for c in stale.caption]


def test_the_theory_of_changes_indicators_are_in_the_link(sample_database, app_for):
    """The toggle's default follows the filters (41 indicators wait for it, 6 are drawn at once): the link
    names the toggle where it is not the default, so that whoever opens it sees the chain as it was shown."""
    page = "app_pages/theory_of_change.py"
    plain = app_for(sample_database, page=page)
    assert plain.toggle(key="theory_indicators").value is False and "indicators" not in plain.query_params
    assert len(plain.dataframe[0].value) == 8  # the impact and the outputs
    app = app_for(sample_database, {"indicators": "yes"}, page=page)
    assert not app.exception
    assert app.toggle(key="theory_indicators").value is True
    assert len(app.dataframe[0].value) == 8 + 41
    app.toggle(key="theory_indicators").set_value(False).run()
    assert app.query_params["indicators"] == "no"  # the address named it: it says the new choice
    narrow = app_for(sample_database, {"country": "BGD", "output": "1"}, page=page)
    assert narrow.toggle(key="theory_indicators").value is True and "indicators" not in narrow.query_params
    narrow.toggle(key="theory_indicators").set_value(False).run()
    assert narrow.query_params["indicators"] == "no"
    stale = app_for(sample_database, {"indicators": "maybe"}, page=page)
    assert stale.toggle(key="theory_indicators").value is False
    assert "Ignored from the link (not yes or no): indicators=maybe" in [as_shown(c.value) for c in stale.caption]
