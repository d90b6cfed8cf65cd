"""Chart builders: a DataFrame in, an Altair chart out. No Streamlit and no SQL here, so each chart can
be tested on its spec and data.

Colours are the Okabe–Ito palette, which stays distinguishable with the common colour-vision
deficiencies; status is also carried by position, labels or shape, never by colour alone.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import textwrap
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from altair.utils.data import to_values
from altair.utils.schemapi import disable_debug_mode

from etl import statuses
from etl.reference import REFERENCE_DIR

from . import formats, rounds, wording


def tip(field: str, kind: str, title: str | None = None) -> alt.Tooltip:
    """A tooltip field written the way formats.py writes its kind on the pages ('int', 'usd', 'percent', ...)."""
    return alt.Tooltip(field, format=formats.VEGA_FORMATS[kind], **({"title": title} if title else {}))


def date_texts(data: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """`<column>_text` for each date column: the date as formats.date writes it ('31 July 2017'; a dash when
    missing), for tooltips."""
    for column in columns:
        data[f"{column}_text"] = data[column].map(formats.date)
    return data

# Status order, colours and symbols: data/reference/statuses.csv (etl/statuses.py), never written here.
STATUS_ORDER = list(statuses.names("indicator"))
STATUS_COLORS = {**statuses.colours("indicator"), **statuses.colours("country")}
ACTIVITY_STATUS_ORDER = list(statuses.names("activity"))
ACTIVITY_STATUS_COLORS = [statuses.colours("activity")[s] for s in ACTIVITY_STATUS_ORDER]
MILESTONE_STATUS_ORDER = list(statuses.names("milestone"))
MILESTONE_STATUS_COLORS = [statuses.colours("milestone")[s] for s in MILESTONE_STATUS_ORDER]
SUBMISSION_STATE_ORDER = list(statuses.names("submission"))
SUBMISSION_STATE_COLORS = [statuses.colours("submission")[s] for s in SUBMISSION_STATE_ORDER]
MONEY_ORDER = ["Budget", "Funds received", "Expenditure"]
MONEY_AXIS_LABEL = formats.MONEY_AXIS_EXPRESSION
MONEY_COLORS = ["#BBBBBB", "#56B4E9", "#0072B2"]
# every country named, in full ('Republic of Moldova'), whatever the type size: a band axis would otherwise drop
# every other label when the rows are close, and cut a long name
NAMES_AXIS = alt.Axis(labelOverlap=False, labelLimit=320)
WIDE = 900  # charts are drawn at the container's width; this is their design width
WORLD = "world-atlas-countries-110m"


def status_scale(domain: list[str] | None = None) -> alt.Scale:
    domain = domain or STATUS_ORDER
    return alt.Scale(domain=domain, range=[STATUS_COLORS[s] for s in domain])


@lru_cache(maxsize=1)
def world_topology() -> dict:
    """Natural Earth 1:110m countries (npm world-atlas 2.0.2), shipped in the repository: a map of the whole
    world, not programme data, so it is read from the shipped reference folder even under MM_REFERENCE_DIR."""
    with open(REFERENCE_DIR / "world-atlas" / "countries-110m.json", encoding="utf-8") as handle:
        return json.load(handle)


def world_map(country_status: pd.DataFrame, places: pd.DataFrame) -> alt.LayerChart:
    """Programme countries on a world map, filled and marked by their overall status. `places` gives each
    country's ISO numeric id (as world-atlas uses it) and an approximate centre for its marker
    (queries.country_places: the warehouse's countries table)."""
    data = country_status.merge(places[["country", "id", "latitude", "longitude"]], on="country", how="left")
    data = data[["country", "name", "id", "latitude", "longitude", "status", "on_track", "at_risk", "off_track",
                 "no_data"]]
    domain = list(statuses.names("country"))
    # A named placeholder: the 100 kB map is put in by to_spec() after Altair has built the spec
    # (Altair takes ~0.7 s to walk it on every render otherwise).
    topology = alt.Data(name=WORLD, format=alt.DataFormat(type="topojson", feature="countries"))
    projection = {"type": "equalEarth", "center": [25, 25], "scale": 230}
    land = alt.Chart(topology).mark_geoshape(fill="#EEEEEE", stroke="#FFFFFF", strokeWidth=0.5).project(**projection)
    tooltip = [alt.Tooltip("name:N", title="Country"), alt.Tooltip("status:N", title="Status"),
               alt.Tooltip("on_track:Q", title="On track"), alt.Tooltip("at_risk:Q", title="At risk"),
               alt.Tooltip("off_track:Q", title="Off track"), alt.Tooltip("no_data:Q", title="No data")]
    filled = alt.Chart(topology).mark_geoshape(stroke="#333333", strokeWidth=0.6).transform_lookup(
        lookup="id", from_=alt.LookupData(data, "id", ["name", "status", "on_track", "at_risk", "off_track",
                                                        "no_data"])
    ).transform_filter("isValid(datum.status)").encode(
        color=alt.Color("status:N", scale=status_scale(domain), title="Country status"), tooltip=tooltip
    ).project(**projection)
    # one legend, colour and shape together (the same field and title merge), so it reads without colour too
    legend = alt.Legend(title="Country status", orient="bottom", direction="horizontal", symbolStrokeWidth=0.8,
                        symbolStrokeColor="#000000", symbolSize=220)
    markers = alt.Chart(data).mark_point(filled=True, size=140, stroke="#000000", strokeWidth=1, opacity=1).encode(
        longitude=alt.Longitude("longitude:Q"), latitude=alt.Latitude("latitude:Q"),
        color=alt.Color("status:N", scale=status_scale(domain), title="Country status", legend=legend),
        shape=alt.Shape("status:N", scale=alt.Scale(domain=domain, range=["circle", "triangle-up", "cross",
                                                                          "square"]), title="Country status",
                        legend=legend),
        tooltip=tooltip).project(**projection)
    # one dataset and one encoding for the names, each side a filter of it with its own alignment (building
    # three charts of their own took most of the map's build on every new filter)
    names = alt.Chart(map_label_sides(data)).encode(
        longitude=alt.Longitude("longitude:Q"), latitude=alt.Latitude("latitude:Q"), text=alt.Text("name:N")
    ).project(**projection)
    labels = [names.transform_filter(alt.datum.side == side).mark_text(
        align=align, dx=dx, dy=dy, fontSize=13, fontWeight="bold", color="#000000")
        for side, (align, dx, dy) in MAP_LABEL_PLACES.items()]
    return alt.layer(land, filled, markers, *labels, width=WIDE, height=430)


MAP_LABEL_PLACES = {"right": ("left", 10, -8), "left": ("right", -10, -8), "below": ("center", 0, 18)}
# degrees apart or less (east-west, north-south): two countries' names would run into each other on the map
MAP_NEIGHBOURS_LONGITUDE, MAP_NEIGHBOURS_LATITUDE = 20.0, 8.0


def map_label_sides(data: pd.DataFrame) -> pd.DataFrame:
    """Where each country's name goes beside its marker: to the right, unless a near neighbour lies to the east
    (then to the left, so the two names point away from each other: Serbia | Moldova, Morocco | Tunisia); a
    country with near neighbours on both sides goes below its marker."""
    placed = data[["country", "name", "latitude", "longitude"]].dropna(subset=["latitude", "longitude"]).copy()
    sides = []
    for row in placed.itertuples():
        near = placed[(placed["country"] != row.country)
                      & ((placed["latitude"] - row.latitude).abs() <= MAP_NEIGHBOURS_LATITUDE)
                      & ((placed["longitude"] - row.longitude).abs() <= MAP_NEIGHBOURS_LONGITUDE)]
        east, west = (near["longitude"] > row.longitude).any(), (near["longitude"] < row.longitude).any()
        sides.append("below" if east and west else "left" if east else "right")
    placed["side"] = sides
    return placed


def country_status_bars(country_status: pd.DataFrame) -> alt.Chart:
    """Indicators per country, stacked by status."""
    long = country_status.melt(id_vars=["country", "name"], value_vars=["on_track", "at_risk", "off_track", "no_data"],
                               var_name="status", value_name="indicators")
    long["status"] = long["status"].str.replace("_", " ")
    long["order"] = long["status"].map({s: i for i, s in enumerate(STATUS_ORDER)})
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("name:N", title=None, sort="ascending", axis=NAMES_AXIS),
        x=alt.X("indicators:Q", title="Indicators", stack="zero"),
        color=alt.Color("status:N", scale=status_scale(), title="Status", sort=STATUS_ORDER),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("name:N"), alt.Tooltip("status:N"), tip("indicators:Q", "int", "Indicators")],
    ).properties(width=WIDE, height=alt.Step(26))


PROGRESS_FLOOR, PROGRESS_CEILING = 50, 150  # % of the expected progress drawn on the bars' axis


def indicator_progress_bars(indicators: pd.DataFrame) -> alt.LayerChart:
    """One bar per indicator: progress made as a share of the progress expected by the period's end
    (100% = on target), coloured by status; values and units in the tooltip. An indicator that went backwards
    (below its baseline) gets a bar to the left of 0, so the worst never look empty; bars are drawn from
    -PROGRESS_FLOOR % to PROGRESS_CEILING % and the tooltip gives the true share."""
    data = indicators.copy()
    data["label"] = data["indicator_code"] + " · " + data["country"] + " · " + data["indicator_title"].str.slice(0, 60)
    data["progress_true"] = (data["progress_ratio"] * 100).round(1)
    data["progress_percent"] = data["progress_true"].clip(lower=-PROGRESS_FLOOR, upper=PROGRESS_CEILING)
    data = data[["label", "indicator_code", "country", "status", "progress_percent", "progress_true", "baseline",
                 "target", "actual", "unit"]]
    tooltip = [alt.Tooltip("label:N"), alt.Tooltip("status:N"),
               tip("progress_true:Q", "points", "% of expected progress"),
               tip("baseline:Q", "number"), tip("target:Q", "number"), tip("actual:Q", "number"), alt.Tooltip("unit:N")]
    backwards = bool((data["progress_percent"] < 0).any())
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=420)),
        x=alt.X("progress_percent:Q", title="Progress towards the period target (%; below 0: went backwards)"
                if backwards else "Progress towards the period target (%)",
                scale=alt.Scale(domain=[-PROGRESS_FLOOR if backwards else 0, PROGRESS_CEILING])),
        color=alt.Color("status:N", scale=status_scale(), title="Status"),
        tooltip=tooltip)
    target = alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(strokeDash=[4, 3], color="#000000").encode(x=alt.X("x:Q"))
    return alt.layer(bars, target, width=WIDE, height=alt.Step(22))


def indicator_trajectory(trajectory: pd.DataFrame) -> alt.LayerChart:
    """Baseline, target per period and actual per period over time; an adjusted baseline is drawn
    beside the original one so the adjustment stays visible."""
    data = trajectory.copy()
    data["period_end"] = pd.to_datetime(data["period_end"])
    series = data.melt(id_vars=["period", "period_end", "unit"], value_vars=["target", "actual"],
                       var_name="series", value_name="value").dropna(subset=["value"])
    series["series"] = series["series"].map({"target": "Target", "actual": "Actual"})
    colour = alt.Scale(domain=["Actual", "Target"], range=["#0072B2", "#555555"])
    lines = alt.Chart(series).mark_line(point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=alt.X("period_end:T", title="End of reporting period", axis=alt.Axis(format=formats.VEGA_FORMATS["month"], labelOverlap=True)),
        y=alt.Y("value:Q", title=str(data["unit"].iloc[0]) if len(data) else "value"),
        color=alt.Color("series:N", scale=colour, title=None),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=["Actual", "Target"],
                                                             range=[[1, 0], [6, 4]]), title=None),
        tooltip=[alt.Tooltip("period:N"), alt.Tooltip("series:N"), tip("value:Q", "number"), alt.Tooltip("unit:N")])
    rules = [{"label": "Baseline", "value": data["baseline_original"].iloc[0]}] if len(data) else []
    if len(data) and bool(data["baseline_is_adjusted"].iloc[0]):
        rules[0]["label"] = "Original baseline"
        rules.append({"label": "Adjusted baseline", "value": data["baseline"].iloc[0]})
    if len(data) and pd.notna(data["end_target"].iloc[0]):
        rules.append({"label": "End-of-programme target", "value": data["end_target"].iloc[0]})
    rule_data = pd.DataFrame([r for r in rules if pd.notna(r["value"])], columns=["label", "value"])
    rule_chart = alt.Chart(rule_data).mark_rule(strokeDash=[2, 2], color="#999999").encode(
        y=alt.Y("value:Q"), tooltip=[alt.Tooltip("label:N"), tip("value:Q", "number")])
    rule_text = alt.Chart(rule_data).mark_text(align="left", dx=4, dy=-6, color="#333333").encode(
        y=alt.Y("value:Q"), text=alt.Text("label:N"), x=alt.XValue(4))
    return alt.layer(rule_chart, rule_text, lines, width=WIDE, height=360)


def milestone_matrix(milestones: pd.DataFrame) -> alt.LayerChart:
    """Countries × milestones, each cell coloured and labelled by status."""
    data = milestones[["name", "milestone", "category", "status", "due_date", "achieved_date"]].copy()
    order = (milestones.sort_values(["category", "due_date"]).drop_duplicates("milestone")["milestone"].tolist())
    data["symbol"] = data["status"].map(statuses.symbols("milestone"))
    for column in ("due_date", "achieved_date"):
        data[column] = data[column].map(formats.date)
    base = alt.Chart(data).encode(
        x=alt.X("milestone:N", sort=order, title=None,
              axis=alt.Axis(labelAngle=-30, labelLimit=420, labelOverlap=False, orient="top")),
        y=alt.Y("name:N", title=None, axis=NAMES_AXIS))
    cells = base.mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
        color=alt.Color("status:N", scale=alt.Scale(domain=MILESTONE_STATUS_ORDER, range=MILESTONE_STATUS_COLORS),
                        title="Milestone"),
        tooltip=[alt.Tooltip("name:N"), alt.Tooltip("milestone:N"), alt.Tooltip("status:N"),
                 alt.Tooltip("due_date:N", title="Due"),
                 alt.Tooltip("achieved_date:N", title="Reached")])
    text = base.mark_text(fontSize=14, fontWeight="bold").encode(text=alt.Text("symbol:N"))
    return alt.layer(cells, text, width=WIDE, height=alt.Step(30))


def round_tracker(tracker: pd.DataFrame) -> alt.LayerChart:
    """A reporting round: countries × expected sheets (mm_core.rounds.tracker), each cell coloured by the state
    of the newest submission covering it and marked with its symbol (so it reads without colour), with the
    days late written beside the symbol where there are any."""
    data = tracker[["country_name", "kind", "state", "submitted_at", "submitted_by", "days_late"]].copy()
    data["sheet"] = [rounds.kind_title(kind) for kind in data["kind"]]
    symbols = statuses.symbols("submission")
    data["mark"] = [symbols.get(state, "") + (f" {int(days)} d" if pd.notna(days) and days else "")
                    for state, days in zip(data["state"], data["days_late"])]
    data["submitted_at"] = [formats.date_time(value) if pd.notna(value) else "" for value in data["submitted_at"]]
    data["submitted_by"] = data["submitted_by"].fillna("").astype(str)
    data["days_late"] = data["days_late"].astype("float64")
    data = data.drop(columns=["kind"])
    base = alt.Chart(data).encode(
        x=alt.X("sheet:N", sort=list(dict.fromkeys(data["sheet"])), title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelLimit=200)),
        y=alt.Y("country_name:N", sort=list(dict.fromkeys(data["country_name"])), title=None, axis=NAMES_AXIS))
    cells = base.mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
        color=alt.Color("state:N", scale=alt.Scale(domain=SUBMISSION_STATE_ORDER, range=SUBMISSION_STATE_COLORS),
                        title="Submission", legend=alt.Legend(orient="bottom", direction="horizontal")),
        tooltip=[alt.Tooltip("country_name:N", title="Country"), alt.Tooltip("sheet:N", title="Sheet"),
                 alt.Tooltip("state:N", title="State"), alt.Tooltip("submitted_at:N", title="Submitted"),
                 alt.Tooltip("submitted_by:N", title="By"), alt.Tooltip("days_late:Q", title="Days late")])
    text = base.mark_text(fontSize=13, fontWeight="bold", color="#000000").encode(text=alt.Text("mark:N"))
    return alt.layer(cells, text, width=WIDE, height=alt.Step(30))


def milestone_timeline(milestones: pd.DataFrame, as_of: dt.date) -> alt.LayerChart:
    """One country's milestones: when each was due (a diamond) and when it was reached (a dot), both coloured by
    status, so an overdue milestone shows as overdue (as in the matrix) and not like a pending one; the date
    axis names months with their years."""
    data = milestones[["milestone", "status", "due_date", "achieved_date"]].copy()
    data["due_date"] = pd.to_datetime(data["due_date"])
    data["achieved_date"] = pd.to_datetime(data["achieved_date"])
    data = date_texts(data, ("due_date", "achieved_date"))
    order = data.sort_values("due_date")["milestone"].tolist()
    y = alt.Y("milestone:N", sort=order, title=None, axis=alt.Axis(labelLimit=420, labelOverlap=False))
    colour = alt.Color("status:N", scale=alt.Scale(domain=MILESTONE_STATUS_ORDER, range=MILESTONE_STATUS_COLORS),
                       title="Status")
    link = alt.Chart(data).mark_rule(color="#999999").encode(y=y, x=alt.X("due_date:T"), x2=alt.X2("achieved_date:T"))
    due = alt.Chart(data).mark_point(shape="diamond", size=110, filled=True, stroke="#333333", strokeWidth=1
                                     ).encode(y=y, x=alt.X("due_date:T", title="Due (diamond) and reached (dot)",
                                                             axis=alt.Axis(format=formats.VEGA_FORMATS["month"], labelOverlap=True)),
                                              color=colour,
                                              tooltip=[alt.Tooltip("milestone:N"),
                                                       alt.Tooltip("due_date_text:N", title="Due"),
                                                                    alt.Tooltip("status:N")])
    reached = alt.Chart(data.dropna(subset=["achieved_date"])).mark_point(filled=True, size=100).encode(
        y=y, x=alt.X("achieved_date:T"), color=colour,
        tooltip=[alt.Tooltip("milestone:N"), alt.Tooltip("achieved_date_text:N", title="Reached"),
                 alt.Tooltip("status:N")])
    today = alt.Chart(pd.DataFrame({"as_of": [pd.Timestamp(as_of)]})).mark_rule(color="#D55E00").encode(
        x=alt.X("as_of:T"))
    return alt.layer(link, due, reached, today, width=WIDE, height=alt.Step(30))


GANTT_ROW = 22  # px per activity: room for a label of the presentation mode's type (16 px)


def gantt(activities: pd.DataFrame, as_of: dt.date) -> alt.LayerChart:
    """Activities as bars: planned (light) and actual (solid) periods, coloured by status; overdue ones
    carry a marker at their planned end. The red rule is the as-of date."""
    data = activities.copy()
    data["label"] = data["country"] + " " + data["activity_code"] + " · " + data["activity_title"].str.slice(0, 50)
    for column in ("planned_start", "planned_end", "actual_start", "actual_end"):
        data[column] = pd.to_datetime(data[column])
    running = data["actual_start"].notna() & data["actual_end"].isna()
    data["actual_until"] = data["actual_end"].where(~running, pd.Timestamp(as_of))
    data["overdue_flag"] = data["is_overdue"].map({True: "overdue", False: ""}).fillna("")
    columns = ["label", "country", "activity_code", "status", "planned_start", "planned_end", "actual_start",
               "actual_until", "actual_end", "percent_complete", "is_overdue", "overdue_flag", "lead_agency"]
    data = date_texts(data[columns].copy(), ("planned_start", "planned_end", "actual_start", "actual_end"))
    order = data["label"].tolist()
    # every bar labelled: a band axis may otherwise drop every other label where rows are close
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=360, labelOverlap=False))
    colour = alt.Color("status:N", scale=alt.Scale(domain=ACTIVITY_STATUS_ORDER, range=ACTIVITY_STATUS_COLORS),
                       title="Status")
    tooltip = [alt.Tooltip("label:N"), alt.Tooltip("status:N"), alt.Tooltip("lead_agency:N"),
               alt.Tooltip("planned_start_text:N", title="Planned start"),
               alt.Tooltip("planned_end_text:N", title="Planned end"),
               alt.Tooltip("actual_start_text:N", title="Actual start"),
               alt.Tooltip("actual_end_text:N", title="Actual end"), tip("percent_complete:Q", "points", "% complete")]
    planned = alt.Chart(data).mark_bar(opacity=0.35, height=14).encode(
        y=y, x=alt.X("planned_start:T", title=None, axis=alt.Axis(format=formats.VEGA_FORMATS["month"])),
        x2=alt.X2("planned_end:T"),
        color=colour, tooltip=tooltip)
    actual = alt.Chart(data.dropna(subset=["actual_start"])).mark_bar(height=6).encode(
        y=y, x=alt.X("actual_start:T"), x2=alt.X2("actual_until:T"), color=colour, tooltip=tooltip)
    overdue = alt.Chart(data[data["is_overdue"].fillna(False).astype(bool)]).mark_point(
        shape="triangle-left", filled=True, size=90, color="#D55E00").encode(y=y, x=alt.X("planned_end:T"),
                                                                             tooltip=tooltip)
    today = alt.Chart(pd.DataFrame({"as_of": [pd.Timestamp(as_of)]})).mark_rule(color="#D55E00", strokeWidth=2
                                                                                ).encode(x=alt.X("as_of:T"))
    return alt.layer(planned, actual, overdue, today, width=WIDE, height=alt.Step(GANTT_ROW))


def gantt_selection(activities: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most `limit` activities for the Gantt: the overdue ones first (longest overdue first), then the
    rest in their order; the selection keeps the frame's order so related activities stay together."""
    if len(activities) <= limit:
        return activities
    priority = activities["is_overdue"].fillna(False).astype(bool).map({True: 0, False: 1})
    overdue_days = activities["days_overdue"].fillna(0)
    chosen = (pd.DataFrame({"priority": priority, "days": -overdue_days, "position": range(len(activities))},
                           index=activities.index)
              .sort_values(["priority", "days", "position"]).head(limit).index)
    return activities.loc[activities.index.isin(chosen)]


def money_bars(finance: pd.DataFrame, group_title: str) -> alt.Chart:
    """Budget, funds received and expenditure (USD) side by side for each group."""
    long = finance.rename(columns={"budget_usd": "Budget", "received_usd": "Funds received",
                                   "expenditure_usd": "Expenditure"}).melt(
        id_vars=["group"], value_vars=MONEY_ORDER, var_name="measure", value_name="usd")
    long["usd"] = long["usd"].astype(float)
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("group:N", title=group_title, axis=alt.Axis(labelAngle=0, labelLimit=160)),
        xOffset=alt.XOffset("measure:N", sort=MONEY_ORDER),
        y=alt.Y("usd:Q", title="US$", axis=alt.Axis(labelExpr=MONEY_AXIS_LABEL)),
        color=alt.Color("measure:N", scale=alt.Scale(domain=MONEY_ORDER, range=MONEY_COLORS), title=None),
        tooltip=[alt.Tooltip("group:N"), alt.Tooltip("measure:N"), tip("usd:Q", "usd", "US$")],
    ).properties(width=WIDE, height=340)


def burn_rate(burn: pd.DataFrame, share_of: str, year_title: str) -> alt.Chart:
    """Share of the phase budget spent (cumulative) against the share of the phase's time elapsed, per year
    (its label in the column year_label). `share_of` names the phases (wording.phases_name), `year_title`
    the year (wording.year_title)."""
    long = burn.rename(columns={"spent_share": "Budget spent", "time_share": "Time elapsed",
                                "year_label": "year"}).melt(
        id_vars=["year"], value_vars=["Budget spent", "Time elapsed"], var_name="measure", value_name="share")
    return alt.Chart(long).mark_line(point=alt.OverlayMarkDef(size=80, filled=True)).encode(
        x=alt.X("year:N", title=year_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share:Q", title=f"Share of {share_of}", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("measure:N", scale=alt.Scale(domain=["Budget spent", "Time elapsed"],
                                                     range=["#0072B2", "#555555"]), title=None),
        strokeDash=alt.StrokeDash("measure:N", scale=alt.Scale(domain=["Budget spent", "Time elapsed"],
                                                               range=[[1, 0], [6, 4]]), title=None),
        tooltip=[alt.Tooltip("year:N"), alt.Tooltip("measure:N"), tip("share:Q", "percent")],
    ).properties(width=WIDE, height=300)


def results_vs_resources(outputs: pd.DataFrame) -> alt.LayerChart:
    """Each output: share of its budget spent (x) against the share of its indicators on track (y)."""
    data = outputs[["output_code", "title", "lead_agency", "budget_usd", "expenditure_usd", "spent_share",
                    "on_track_share"]].copy()
    data["label"] = "Output " + data["output_code"]
    for column in ("budget_usd", "expenditure_usd", "spent_share", "on_track_share"):
        data[column] = data[column].astype(float)
    scale = alt.Scale(domain=[0, 1])
    points = alt.Chart(data).mark_circle(opacity=0.85, color="#0072B2").encode(
        x=alt.X("spent_share:Q", title="Budget spent", axis=alt.Axis(format="%"), scale=scale),
        y=alt.Y("on_track_share:Q", title="Indicators on track", axis=alt.Axis(format="%"), scale=scale),
        size=alt.Size("budget_usd:Q", title="Budget (US$)", legend=alt.Legend(format=formats.VEGA_FORMATS["usd"])),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("title:N"), alt.Tooltip("lead_agency:N"),
                 tip("budget_usd:Q", "usd", "Budget (US$)"),
                 tip("expenditure_usd:Q", "usd", "Spent (US$)"), tip("spent_share:Q", "percent", "Budget spent"),
                 tip("on_track_share:Q", "percent", "Indicators on track")])
    labels = alt.Chart(data).mark_text(align="left", dx=12, fontWeight="bold").encode(
        x=alt.X("spent_share:Q"), y=alt.Y("on_track_share:Q"), text=alt.Text("label:N"))
    diagonal = alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]})).mark_line(
        strokeDash=[4, 4], color="#999999").encode(x=alt.X("x:Q"), y=alt.Y("y:Q"))
    return alt.layer(diagonal, points, labels, width=WIDE, height=380)


RESOURCES_ORDER = ["Budget spent", "Indicators on track"]
RESOURCES_COLORS = ["#0072B2", "#009E73"]
RESOURCES_SHAPES = ["square", "circle"]


def results_against_resources(outputs: pd.DataFrame) -> alt.LayerChart:
    """Each output on a row of its own: the share of its budget spent (a square) and the share of its indicators
    on track (a circle), joined by a line. Where the circle lies right of the square, the output delivers more
    results than its share of budget spent. One row per output, so its label never sits on another's (as the
    points of a scatter did, outputs being close together)."""
    data = outputs[["output_code", "title", "lead_agency", "budget_usd", "expenditure_usd", "spent_share",
                    "on_track_share"]].copy()
    data["label"] = "Output " + data["output_code"]
    for column in ("budget_usd", "expenditure_usd", "spent_share", "on_track_share"):
        data[column] = data[column].astype(float)
    order = data["label"].tolist()
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=200))
    x_scale = alt.Scale(domain=[0, 1])
    tooltip = [alt.Tooltip("label:N", title="Output"), alt.Tooltip("title:N", title="Title"),
               alt.Tooltip("lead_agency:N", title="Lead agency"),
               tip("budget_usd:Q", "usd", "Budget (US$)"),
               tip("expenditure_usd:Q", "usd", "Spent (US$)"),
               tip("spent_share:Q", "percent", "Budget spent"),
               tip("on_track_share:Q", "percent", "Indicators on track")]
    link = alt.Chart(data).mark_rule(color="#777777", strokeWidth=2).encode(
        y=y, x=alt.X("spent_share:Q", scale=x_scale), x2=alt.X2("on_track_share:Q"), tooltip=tooltip)
    long = data.rename(columns={"spent_share": RESOURCES_ORDER[0], "on_track_share": RESOURCES_ORDER[1]}).melt(
        id_vars=["label", "output_code", "title", "lead_agency", "budget_usd", "expenditure_usd"],
        value_vars=RESOURCES_ORDER, var_name="measure", value_name="share")
    legend = alt.Legend(title=None, orient="bottom")
    points = alt.Chart(long).mark_point(filled=True, size=180, stroke="#000000", strokeWidth=0.8, opacity=1).encode(
        y=y, x=alt.X("share:Q", title="Share (budget spent; indicators on track)", axis=alt.Axis(format="%"),
                     scale=x_scale),
        color=alt.Color("measure:N", scale=alt.Scale(domain=RESOURCES_ORDER, range=RESOURCES_COLORS), legend=legend),
        shape=alt.Shape("measure:N", scale=alt.Scale(domain=RESOURCES_ORDER, range=RESOURCES_SHAPES), legend=legend),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("measure:N"), tip("share:Q", "percent"),
                 tip("budget_usd:Q", "usd", "Budget (US$)")])
    return alt.layer(link, points, width=WIDE, height=alt.Step(34))


def peer_comparison(peers: pd.DataFrame) -> alt.Chart:
    """Countries side by side on three shares: indicators on track, activities completed, budget delivered."""
    names = {"on_track_share": "Indicators on track", "completed_share": "Activities completed",
             "delivery_rate": "Budget delivered"}
    long = peers.rename(columns=names).melt(id_vars=["name"], value_vars=list(names.values()), var_name="measure",
                                            value_name="share")
    long["share"] = long["share"].astype(float)
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("name:N", title=None, axis=NAMES_AXIS),
        x=alt.X("share:Q", title=None, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("measure:N", scale=alt.Scale(domain=list(names.values()),
                                                     range=["#009E73", "#56B4E9", "#0072B2"]), legend=None),
        column=alt.Column("measure:N", title=None, sort=list(names.values())),
        tooltip=[alt.Tooltip("name:N"), alt.Tooltip("measure:N"), tip("share:Q", "percent")],
    ).properties(width=260, height=alt.Step(24))


# The theory of change: results and indicators by the statuses of both families, each with its colour, shape
# and symbol (data/reference/statuses.csv).
CHAIN_LEVELS = ("impact", "outcome", "output", "indicator")
CHAIN_HEADINGS = {"impact": "Impact", "outcome": "Outcomes", "output": "Outputs", "indicator": "Indicators"}
CHAIN_STATUS_ORDER = list(dict.fromkeys([*statuses.names("result"), *statuses.names("indicator")]))
CHAIN_STATUS_COLORS = {**statuses.colours("indicator"), **statuses.colours("result")}
CHAIN_STATUS_SYMBOLS = {**statuses.symbols("indicator"), **statuses.symbols("result")}
CHAIN_SHAPES = dict(zip(CHAIN_STATUS_ORDER, ["circle", "triangle-up", "cross", "square", "diamond"]))
CHAIN_COLUMN_WIDTH = 290  # pixels per level: the title wraps to fit, in 14-pixel type for a projector
CHAIN_ROW_HEIGHT = 62  # pixels per node of the deepest level: three lines of text
CHAIN_TITLE_CHARACTERS = 30


def chain_layout(nodes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Where each node of a theory of change goes: (nodes with column and row, edges parent -> child).

    A node's column is its level among the levels present (an outputs-only chain starts with its outputs);
    the nodes without a parent among them are the roots; each childless node takes the next row, depth
    first in the frame's order (indicators by their codes as numbers), and a parent sits midway between its
    first and last child."""
    nodes = nodes.reset_index(drop=True).copy()
    levels = [level for level in CHAIN_LEVELS if level in set(nodes["level"])]
    nodes["column"] = nodes["level"].map({level: n for n, level in enumerate(levels)})
    keys = list(zip(nodes["level"], nodes["code"]))
    children: dict[int, list[int]] = {n: [] for n in range(len(nodes))}
    roots = []
    result_index = {code: n for n, (level, code) in enumerate(keys) if level != "indicator"}
    for n, parent in enumerate(nodes["parent"]):
        parent_index = result_index.get(parent) if isinstance(parent, str) else None
        (children[parent_index] if parent_index is not None else roots).append(n)
    for n, below in children.items():
        below.sort(key=lambda c: (wording.natural_order(nodes.at[c, "code"]) if nodes.at[c, "level"] == "indicator"
                                  else (), c))
    rows = [0.0] * len(nodes)
    next_row = 0

    def place(n: int) -> float:
        nonlocal next_row
        if not children[n]:
            rows[n], next_row = float(next_row), next_row + 1
        else:
            placed = [place(c) for c in children[n]]
            rows[n] = (placed[0] + placed[-1]) / 2
        return rows[n]

    for root in roots:
        place(root)
    nodes["row"] = rows
    edges = pd.DataFrame([{"x": nodes.at[p, "column"] + 0.88, "y": nodes.at[p, "row"],
                           "x2": nodes.at[c, "column"] - 0.03, "y2": nodes.at[c, "row"]}
                          for p, below in children.items() for c in below], columns=["x", "y", "x2", "y2"])
    return nodes, edges


def _node_label(node) -> str:
    symbol = CHAIN_STATUS_SYMBOLS.get(node.status, "")
    name = f"{node.level.capitalize()} {node.code}" if node.level != "indicator" else str(node.code)
    title = textwrap.wrap(str(node.title or ""), CHAIN_TITLE_CHARACTERS, max_lines=2, placeholder=" …")
    return "\n".join([f"{symbol} {node.status} · {name}", *title])


def theory_of_change(nodes: pd.DataFrame) -> alt.LayerChart:
    """Impact → outcomes → outputs → indicators (queries.theory_of_change): one column per level, each node a
    marker coloured and shaped by its status with the status written beside it (symbol, word, code, title),
    joined to the result it serves."""
    placed, edges = chain_layout(nodes)
    levels = [level for level in CHAIN_LEVELS if level in set(placed["level"])]
    placed["label"] = [_node_label(node) for node in placed.itertuples()]
    data = placed[["level", "code", "title", "status", "label", "column", "row", "on_track", "at_risk", "off_track",
                   "no_data", "assumptions", "sdg_targets"]]
    rows = max(1.0, float(placed["row"].max()) + 1 if len(placed) else 1.0)
    x = alt.X("column:Q", scale=alt.Scale(domain=[0, len(levels) or 1]), axis=None)
    y = alt.Y("row:Q", scale=alt.Scale(domain=[-1.2, rows - 0.4], reverse=True), axis=None)
    statuses_shown = [s for s in CHAIN_STATUS_ORDER if s in set(placed["status"])] or CHAIN_STATUS_ORDER
    colour = alt.Color("status:N", title="Status", scale=alt.Scale(
        domain=statuses_shown, range=[CHAIN_STATUS_COLORS[s] for s in statuses_shown]))
    shape = alt.Shape("status:N", scale=alt.Scale(domain=statuses_shown,
                                                  range=[CHAIN_SHAPES[s] for s in statuses_shown]), legend=None)
    tooltip = [alt.Tooltip("level:N", title="Level"), alt.Tooltip("code:N", title="Code"),
               alt.Tooltip("title:N", title="Title"), alt.Tooltip("status:N", title="Status"),
               alt.Tooltip("on_track:Q", title="On track"), alt.Tooltip("at_risk:Q", title="At risk"),
               alt.Tooltip("off_track:Q", title="Off track"), alt.Tooltip("no_data:Q", title="No data / not reported"),
               alt.Tooltip("assumptions:N", title="Assumptions"), alt.Tooltip("sdg_targets:N", title="SDG targets")]
    links = alt.Chart(edges).mark_rule(color="#555555", strokeWidth=1.2).encode(
        x=alt.X("x:Q", scale=alt.Scale(domain=[0, len(levels) or 1]), axis=None), x2=alt.X2("x2:Q"),
        y=alt.Y("y:Q", scale=alt.Scale(domain=[-1.2, rows - 0.4], reverse=True), axis=None), y2=alt.Y2("y2:Q"))
    markers = alt.Chart(data).mark_point(filled=True, size=260, stroke="#000000", strokeWidth=1, opacity=1).encode(
        x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
    labels = alt.Chart(data).mark_text(align="left", baseline="middle", dx=14, fontSize=14, lineBreak="\n",
                                       color="#000000").encode(x=x, y=y, text=alt.Text("label:N"), tooltip=tooltip)
    headings = alt.Chart(pd.DataFrame({"column": range(len(levels)), "row": -0.9,
                                       "heading": [CHAIN_HEADINGS[level] for level in levels]})).mark_text(
        align="left", baseline="middle", fontSize=17, fontWeight="bold", color="#000000").encode(
        x=x, y=y, text=alt.Text("heading:N"))
    return alt.layer(links, markers, labels, headings, width=CHAIN_COLUMN_WIDTH * max(1, len(levels)),
                     height=int(CHAIN_ROW_HEIGHT * (rows + 1)))


def sdg_target_bars(progress: pd.DataFrame) -> alt.Chart:
    """Per SDG target (queries.sdg_target_progress): its indicators stacked by status, the target's own status
    written in its label ('SDG 10.7 · ▲ at risk') so it reads without colour."""
    data = progress.copy()
    data["label"] = [f"SDG {target} · {CHAIN_STATUS_SYMBOLS.get(status, '')} {status}"
                     for target, status in zip(data["sdg_target"], data["status"])]
    long = data.drop(columns=["indicators", "status"]).melt(
        id_vars=["label", "sdg_target", "outputs"], value_vars=["on_track", "at_risk", "off_track", "no_data"],
        var_name="status", value_name="indicators")
    long["status"] = long["status"].str.replace("_", " ")
    long["order"] = long["status"].map({s: i for i, s in enumerate(STATUS_ORDER)})
    return alt.Chart(long).mark_bar(stroke="#000000", strokeWidth=0.5).encode(
        y=alt.Y("label:N", title=None, sort=list(data["label"]), axis=alt.Axis(labelLimit=320, labelFontSize=13)),
        x=alt.X("indicators:Q", title="Indicator values", stack="zero"),
        color=alt.Color("status:N", scale=status_scale(), title="Indicator status", sort=STATUS_ORDER),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("sdg_target:N", title="SDG target"), alt.Tooltip("outputs:N", title="Outputs"),
                 alt.Tooltip("status:N", title="Status"), alt.Tooltip("indicators:Q", title="Indicators")],
    ).properties(width=WIDE, height=alt.Step(30))


def indicator_parts_bars(parts: pd.DataFrame) -> alt.Chart:
    """One indicator's split by a dimension (queries.indicator_parts, its total row left out): per category its
    target and actual side by side, each bar labelled with its value."""
    parts = parts[~parts["is_total"]] if "is_total" in parts else parts  # the total is written beside, not drawn
    long = parts.melt(id_vars=["dimension", "category"], value_vars=["target", "actual"], var_name="measure",
                      value_name="value").dropna(subset=["value"])
    long["measure"] = long["measure"].str.capitalize()
    y = alt.Y("measure:N", title=None, sort=["Target", "Actual"])
    bars = alt.Chart().mark_bar(stroke="#000000", strokeWidth=0.5).encode(
        y=y, x=alt.X("value:Q", title=None),
        color=alt.Color("measure:N", scale=alt.Scale(domain=["Target", "Actual"], range=["#BBBBBB", "#0072B2"]),
                        title=None),
        tooltip=[alt.Tooltip("dimension:N"), alt.Tooltip("category:N"), alt.Tooltip("measure:N"),
                 tip("value:Q", "number")])
    text = alt.Chart().mark_text(align="left", dx=3, color="#000000").encode(
        y=y, x=alt.X("value:Q"), text=alt.Text("value:Q", format=formats.VEGA_FORMATS["number"]))
    return alt.layer(bars, text, data=long, width=360, height=alt.Step(18)).facet(
        row=alt.Row("category:N", title=None, sort=list(dict.fromkeys(parts["category"])),
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontSize=13)))


# Within one to_spec: each frame's rows as they go into the spec, by the frame's identity (and the frame itself, so
# that identity is not reused by another frame before to_spec returns). A context variable: each session's script
# runs in a thread of its own, and no thread sees another's.
_CONVERTED: contextvars.ContextVar[dict[int, tuple[Any, dict]] | None] = contextvars.ContextVar(
    "charts_converted", default=None)


# The pandas kinds of column Altair's sanitising turns into Python objects with missing values as None
# (altair.utils.core.sanitize_pandas_dataframe), by their names there.
ALTAIR_NULL_AS_NONE = frozenset({"category", "string", "str", "boolean", "Int8", "Int16", "Int32", "Int64", "UInt8",
                                 "UInt16", "UInt32", "UInt64", "Float32", "Float64"})


def _listed(value: Any) -> Any:
    """An array as a list, anything else as it is (Altair's to_list_if_array)."""
    return value.tolist() if isinstance(value, np.ndarray) else value


def _plain(value: Any) -> Any:
    """A value of an object column as pandas' records give it (pandas.core.dtypes.cast.maybe_box_native, which
    to_dict calls on each): a float, an integer or a truth value of any kind (NumPy's, a subclass) as Python's own,
    a NumPy date or duration as pandas', anything else as it is."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, np.timedelta64):  # before the integers: NumPy's duration is one of them
        return pd.Timedelta(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return value


def _column_values(column: pd.Series) -> list | None:
    """A column's values exactly as Altair's sanitising then pandas' records write them, or None for a kind of
    column left to Altair (durations, which it refuses, and any other kind not below)."""
    dtype = column.dtype
    kind = dtype.kind if isinstance(dtype, np.dtype) else None  # NumPy's kinds; pandas' own go by name below
    if kind is not None and kind in "iub":  # integers and booleans: as Python's
        return column.tolist()
    if kind == "f" and dtype.itemsize <= 8:  # missing or infinite: null
        array = column.to_numpy()
        values = array.tolist()
        for at in np.flatnonzero(~np.isfinite(array)).tolist():
            values[at] = None
        return values
    if kind == "M" or isinstance(dtype, pd.DatetimeTZDtype):
        # Altair's: each time as its full ISO text (a date alone would be read as UTC in the browser), none as ''.
        # Each distinct time written once: a work plan's 20,000 activities start on a few hundred days.
        codes, times = pd.factorize(column)
        texts = [time.isoformat() for time in times] + [""]  # a missing time's code is -1: the last
        return [texts[code] for code in codes.tolist()]
    if kind == "O":
        # Altair's own steps: its `apply` infers the column's kind again (numbers and None become floats and NaN,
        # text and None text and NaN, under pandas 3), and its `where` then sets None only where that kind can hold it
        values = column.apply(_listed)
        if not isinstance(values, pd.Series):  # values that are frames' rows: Altair raises its own error
            return None
        return [_plain(value) for value in values.where(values.notna(), None).tolist()]
    if str(dtype) in ALTAIR_NULL_AS_NONE:
        values = column.astype(object)
        missing = values.isna().tolist()  # what Altair's `where(col.notnull(), None)` makes null
        return [None if gone else _plain(value) for value, gone in zip(values.tolist(), missing)]
    return None


def _records(data: Any) -> dict | None:
    """A frame's rows as Altair's to_values gives them, built column by column in plain Python: Altair's own
    sanitising runs pandas operations on a copy of the frame for every column, which was most of a small chart's
    conversion (the theory of change's 33 nodes: 3.7 ms against 0.4). None where the frame is not plainly one of
    named columns of the kinds _column_values reads: Altair converts those (and raises its errors for them)."""
    if type(data) is not pd.DataFrame or isinstance(data.columns, pd.MultiIndex) or isinstance(
            data.columns, pd.RangeIndex) or isinstance(data.index, pd.MultiIndex) or not data.columns.is_unique:
        return None
    names = list(data.columns)
    if not all(type(name) is str for name in names):
        return None
    columns = []
    for name in names:
        values = _column_values(data[name])
        if values is None:
            return None
        columns.append(values)
    return {"values": [dict(zip(names, row)) for row in zip(*columns)] if names else [{} for _ in range(len(data))]}


def _converted(data: Any) -> dict:
    records = _records(data)
    return to_values(data) if records is None else records


def _rows_of(data: Any) -> dict:
    """Altair's data transformer wherever this module is imported (enabled below, once, for the process): a frame's
    rows exactly as Altair's default transformer writes them (altair.utils.data.to_values: dates as ISO text,
    missing values as null), with two differences.
    - No row limit: Altair refuses more than 5,000 inline rows by default, and a portfolio's work plan has 20,000
      activities (bench/, BENCHMARKS.md); the page must draw them rather than fail. (Lifting the limit around each
      to_spec instead changed a setting every session shares: one session's chart ending could put the limit back
      while another's was being written.)
    - Within one to_spec, a frame drawn by several layers is converted once (the world map draws its countries
      twice and their names three times: issue 17).
    The rows are built by _records where it can (all 107 frames the pages drew in a check on the sample): the same
    rows, 4-5 times sooner (issue 17: a work plan's 20,000 activities in 0.11 s instead of 0.56 s)."""
    converted = _CONVERTED.get()
    if converted is None:
        return _converted(data)
    if id(data) not in converted:
        converted[id(data)] = (data, _converted(data))
    return converted[id(data)][1]


alt.data_transformers.register("mm_core.charts", _rows_of)
alt.data_transformers.enable("mm_core.charts")
# Altair's debug mode validates every object as it is made, for its tracebacks: up to a quarter of a chart's build
# on every new filter (the map's). Off wherever charts are built (the dashboard, the board pack), once for the
# process: a switch per build would flip a module global under several sessions' threads. tests/test_charts.py
# validates every builder's whole spec, on screen and on a projector, as to_spec does not.
disable_debug_mode()


def to_spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec of a chart, with the shipped world map put in where a layer names it.

    Schema validation is skipped here (it doubles the render time of a page); tests/test_charts.py
    validates every builder's spec instead."""
    token = _CONVERTED.set({})
    try:
        spec = chart.to_dict(validate=False)
    finally:
        _CONVERTED.reset(token)
    if any(layer.get("data", {}).get("name") == WORLD for layer in spec.get("layer", [spec])):
        spec.setdefault("datasets", {})[WORLD] = world_topology()  # once, however many layers draw it
    return spec


PRESENTATION_FONT_SIZE, SCREEN_FONT_SIZE = 18, 12  # axis and legend type, px: a projector's and a screen's


PRESENTATION_HEIGHT = 1.3  # a chart of a fixed height is this much taller on a projector: its legend moves below it


PRESENTATION_TEXT = 1.35  # the text marks drawn in a chart (country names, values beside bars) on a projector
DEFAULT_TEXT_SIZE = 11  # Vega-Lite's, for a text mark that sets none


def _text_enlarged(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with every text mark's type PRESENTATION_TEXT times larger (in place: pass a copy)."""
    for part in getattr(chart, "layer", None) or []:
        _text_enlarged(part)
    inner = getattr(chart, "spec", None)  # a facet's inner chart
    if isinstance(inner, alt.TopLevelMixin) or hasattr(inner, "layer") or hasattr(inner, "mark"):
        _text_enlarged(inner)
    mark = getattr(chart, "mark", None)
    if isinstance(mark, alt.MarkDef) and mark.type == "text":
        size = mark.fontSize if isinstance(mark.fontSize, (int, float)) else DEFAULT_TEXT_SIZE
        mark.fontSize = round(size * PRESENTATION_TEXT)
    elif mark == "text":
        chart.mark = alt.MarkDef(type="text", fontSize=round(DEFAULT_TEXT_SIZE * PRESENTATION_TEXT))
    return chart


def presentation(chart: alt.TopLevelMixin, large: bool) -> alt.TopLevelMixin:
    """Larger, darker type for a projector (axes, legends, titles and the text marks of labels), and a chart of
    a fixed height taller, so the larger type and the legend below do not squeeze its plot."""
    size = PRESENTATION_FONT_SIZE if large else SCREEN_FONT_SIZE
    # One copy, its config set as configure_axis, _legend, _view and _header would set it: each of those copies
    # the whole chart, every layer twice over, which was a fifth of a chart's build.
    configured = chart.copy(deep=True) if large else chart.copy(deep=["config"])
    height = getattr(configured, "height", alt.Undefined)
    if large and isinstance(height, int):
        configured.height = int(height * PRESENTATION_HEIGHT)
    if large:
        _text_enlarged(configured)
    config = alt.Config() if configured.config is alt.Undefined else configured.config
    config["axis"] = alt.AxisConfig(labelFontSize=size, titleFontSize=size + 1, labelColor="#000000",
                                    titleColor="#000000")
    config["legend"] = alt.LegendConfig(labelFontSize=size, titleFontSize=size + 1, labelColor="#000000",
                                        titleColor="#000000", symbolSize=200 if large else 100,
                                        orient="bottom" if large else "right")
    config["view"] = alt.ViewConfig(strokeWidth=0)
    if large:
        config["header"] = alt.HeaderConfig(labelFontSize=size, titleFontSize=size + 1)
    configured.config = config
    return configured


def count_panels(counts: pd.DataFrame, order: list[str], colors: list[str], label_title: str | None = None
                 ) -> alt.FacetChart:
    """For print: one panel per status (in `order`), one bar per label with its count written beside it.
    The status is each panel's heading, so the chart reads in black and white. `counts` has the columns
    label, status and count; labels keep their order in the frame."""
    data = counts[["label", "status", "count"]].copy()
    data["count"] = data["count"].astype(int)
    labels = list(dict.fromkeys(data["label"]))
    y = alt.Y("label:N", sort=labels, title=label_title, axis=alt.Axis(labelLimit=220))
    top = max(1, int(data["count"].max()) if len(data) else 1)
    x = alt.X("count:Q", title=None, scale=alt.Scale(domain=[0, top * 1.25]), axis=alt.Axis(tickMinStep=1,
                                                                                            format="d"))
    bars = alt.Chart().mark_bar(stroke="#000000", strokeWidth=0.5).encode(
        y=y, x=x, color=alt.Color("status:N", scale=alt.Scale(domain=order, range=colors), legend=None),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("status:N"), tip("count:Q", "int", "Count")])
    text = alt.Chart().mark_text(align="left", dx=3, color="#000000").encode(y=y, x=alt.X("count:Q"),
                                                                             text=alt.Text("count:Q"))
    return alt.layer(bars, text, data=data, width=150, height=alt.Step(20)).facet(
        column=alt.Column("status:N", sort=order, title=None,
                          header=alt.Header(labelFontSize=13, labelFontWeight="bold", labelColor="#000000")))
