"""A page's own choice's options for a scope (value -> label), which the sidebar also asks for new filters
(filters.page_choice): importable functions, held by every session's registry, not page code."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mm_core import queries, rounds, wording

from . import db
from .data import load


def indicator_labels(scope: queries.Scope) -> dict[str, str]:
    """Each indicator and country of the filters (code|country) and its label: the Indicators page's choice."""
    return _indicator_labels(db.snapshot().key, scope)


@st.cache_data(show_spinner=False, max_entries=64)
def _indicator_labels(key: db.SnapshotKey, scope: queries.Scope) -> dict[str, str]:
    """Cached on the snapshot (`key`: a new load, a new day) and the scope; `load` reads this run's snapshot."""
    choices = load(queries.indicator_choices, scope)
    # whole columns at once: a portfolio has thousands of choices
    keys = (choices["indicator_code"] + "|" + choices["country"]).tolist()
    return dict(zip(keys, (choices["indicator_code"] + " · " + choices["country"] + " · "
                           + choices["indicator_title"].fillna("")).tolist()))


def output_labels(scope: queries.Scope) -> dict[str, str]:
    """Each output the filters keep (its code) and its label, 'Output 2: <title>': the Outputs page's choice."""
    return _output_labels(db.snapshot().key, scope)


@st.cache_data(show_spinner=False, max_entries=64)
def _output_labels(key: db.SnapshotKey, scope: queries.Scope) -> dict[str, str]:
    """Cached on the snapshot (`key`) and the scope; `load` reads this run's snapshot."""
    kept = load(queries.outputs_in_scope, scope)
    return {row.output_code: f"Output {row.output_code}: {wording.marked_title(row.title, bool(row.illustrative))}"
            for row in kept.itertuples()}


def country_labels(scope: queries.Scope) -> dict[str, str]:
    """The Countries page's choice: the country the sidebar chose, else every programme country and the global
    level (its page too), each with its name."""
    names = _country_labels(db.snapshot().key)
    return {scope.country: names[scope.country]} if scope.country in names else names


@st.cache_data(show_spinner=False, max_entries=4)
def _country_labels(key: db.SnapshotKey) -> dict[str, str]:
    choices = load(queries.filter_options)
    countries = choices[choices["kind"] == "country"]
    return dict(zip(countries["code"], countries["label"]))


def round_labels(scope: queries.Scope) -> dict[str, str]:
    """The Round tracker's choice: every round (reporting period), the round being collected on the data's as-of
    date first (the choice where the link names none), the others oldest first. The sidebar's filters do not
    change them."""
    return _round_labels(db.snapshot().key)


@st.cache_data(show_spinner=False, max_entries=4)
def _round_labels(key: db.SnapshotKey) -> dict[str, str]:
    table = load(queries.periods)
    current = rounds.current_round(table, pd.Timestamp(load(queries.data_info).iloc[0]["as_of_date"]).date())
    labels = rounds.round_labels(table)
    return {label: label for label in ([current] if current else []) + labels}
