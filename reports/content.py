"""What goes into a board pack: tables and figures collected from the warehouse through the dashboard's
query functions and chart builders. The .xlsx and .pdf writers both render this one description, so
the two files hold the same figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from etl import statuses
from etl.programme import Programme
from mm_core import charts, formats, metrics, queries, wording
from mm_core.safety import shorten

from . import print_charts
from .figures import Figure, figure

GLOBAL = "GLOBAL"
GLOBAL_NAME = "Global level"
ACTIVITY_STATUSES = charts.ACTIVITY_STATUS_ORDER
FLASH_PARTS = tuple(statuses.labels("narrative").items())  # data/reference/statuses.csv
NONE_REPORTED = "None reported."
# Names drawn in a chart are cut to this: its axes show about 35 characters anyway, and the chart renderer
# measures the whole text to cut it, which takes seconds per chart for a name as long as a page.
CHART_LABEL_CHARACTERS = 60


@dataclass(frozen=True)
class Column:
    """A table column: the frame's column `key`, shown under `header`.

    kind: text (user text, neutralised in every export), label (text from code), status (an indicator
    status: coloured, and the word always written), int, number, usd, percent, date or flag (yes / no).
    width: in Excel character widths; the PDF shares the page width in the same proportions."""

    key: str
    header: str
    kind: str = "text"
    width: float = 12


@dataclass(eq=False)  # holds DataFrames: compared by identity
class Table:
    title: str
    frame: pd.DataFrame
    columns: list[Column]
    note: str = ""
    group_column: str | None = None  # the PDF prints one table per value of this column, under it as heading
    in_pdf: bool = True
    in_xlsx: bool = True
    sheet: str | None = None  # the xlsx sheet when not the section's own
    total_row: bool = False  # the last row is a total: bold
    pdf_hidden: tuple[str, ...] = ()  # columns left out of the PDF (e.g. what its headings already say)
    pdf_blank_repeats: tuple[str, ...] = ()  # in the PDF, left blank while the first one repeats the row above


@dataclass(eq=False)  # holds DataFrames: compared by identity
class Section:
    sheet: str
    title: str
    intro: str
    tables: list[Table]
    figures: list[Figure] = field(default_factory=list)
    beside: int = 0  # the PDF prints this many leading (small) tables side by side, at the top


@dataclass(eq=False)  # holds DataFrames: compared by identity
class Brief:
    """One output or one country on a slide: its chart and its status table, with a line of key facts."""

    kind: str  # 'output' or 'country'
    title: str
    facts: str
    figure: Figure
    table: Table


@dataclass(eq=False)  # holds DataFrames: compared by identity
class BoardPack:
    programme: Programme  # the warehouse's: its titles and board head every page
    scope: queries.Scope
    period_option: str
    period_dates: str
    money_year: str
    country_name: str | None
    as_of: dt.date
    generated_at: dt.datetime
    cover_lines: list[tuple[str, str]]
    sections: list[Section]
    briefs: list["Brief"] = field(default_factory=list)  # one per output and per country: the slides'
    load_id: str | None = None  # the build of the warehouse it was made from (etl/history.py)
    changes: Section | None = None  # "Changes since the last pack" (also in `sections`), for the slides

    @property
    def title(self) -> str:
        where = f" · {self.country_name}" if self.country_name else ""
        return f"Board pack · {self.scope.period}{where}"

    @property
    def programme_name(self) -> str:
        """'Short title: title', as the running header and the cover show it."""
        return f"{self.programme.short_title}: {self.programme.title}"

    @property
    def heading(self) -> str:
        """The cover's heading: the board's pack."""
        return f"{self.programme.board} — board pack"

    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures]


def _indicator_sort_key(code: str) -> str:
    return ".".join(part.zfill(4) for part in str(code).split("."))


def _chart_labels(values: pd.Series) -> pd.Series:
    """Names shortened for a chart, kept apart by a number when two differ only after the cut."""
    labels: dict = {}
    for value in dict.fromkeys(values.dropna()):
        label = shorten(str(value), CHART_LABEL_CHARACTERS)
        candidate, number = label, 1
        while candidate in labels.values():
            number += 1
            candidate = f"{label} ({number})"
        labels[value] = candidate
    return values.map(lambda value: labels.get(value, value))


def _for_chart(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    return frame.assign(**{column: _chart_labels(frame[column]) for column in columns})


def country_names(cursor: queries.Cursor) -> dict[str, str]:
    options = queries.filter_options(cursor)
    names = dict(zip(options.loc[options.kind == "country", "code"], options.loc[options.kind == "country", "label"]))
    names[GLOBAL] = GLOBAL_NAME
    return names


# --- cover --------------------------------------------------------------------------------------------

def _cover(scope, info, period_option, period_dates, money_year, names, programme) -> list[tuple[str, str]]:
    loaded_at = pd.Timestamp(info["loaded_at"]) if pd.notna(info["loaded_at"]) else None
    phases = wording.phases_name(programme)
    months = wording.year_months(programme, short=False)
    year = wording.year_named(programme, money_year) + (f" ({months})" if months else "")
    return [("Programme", f"{programme.short_title}: {programme.title}, {wording.phase_spans(programme)}"),
            ("Reporting period", f"{scope.period} ({period_dates})"
             + (f", chosen as {period_option}" if period_option != scope.period else "")),
            ("Money shown for", f"{year} and {phases} to date"),
            ("Scope", names.get(scope.country, scope.country) if scope.country else "all countries and the "
             "global level"),
            ("Status as of", formats.date(pd.Timestamp(info['as_of_date']))),
            ("Data loaded", (f"{formats.date_time(loaded_at)}, " if loaded_at is not None else "")
             + f"{int(info['files'])} files, {int(info['rows_loaded'] or 0):,} rows loaded, "
               f"{int(info['rows_rejected'] or 0):,} rejected (the files are listed at the end)")]


# --- results matrix -----------------------------------------------------------------------------------

RESULTS_COLUMNS = [Column("indicator_code", "Code", "label", 7), Column("indicator_title", "Indicator", "text", 46),
                   Column("country", "Country", "label", 7), Column("unit", "Unit", "text", 13),
                   Column("baseline", "Baseline", "number", 10), Column("baseline_original", "Original baseline",
                                                                        "number", 10),
                   Column("target", "Target", "number", 10), Column("actual", "Actual", "number", 10),
                   Column("end_target", "End target", "number", 10),
                   Column("progress_ratio", "Progress vs expected", "percent", 11),
                   Column("status", "Status", "status", 11)]


def _theory_of_change(cursor, scope, names) -> Section:
    """Impact, outcomes and outputs by their status for the period (the page's chain, without the indicators,
    which the results matrix lists), with the assumptions, and progress by SDG target where the programme names
    targets."""
    nodes = queries.without_indicators(queries.theory_of_change(cursor, scope))
    where = names.get(scope.country, scope.country) if scope.country else "all countries together"
    columns = [Column("level", "Level", "label", 8), Column("code", "Code", "label", 6),
               Column("parent", "Serves", "label", 8), Column("title", "Result", "text", 40),
               Column("status", "Status", "status", 12), Column("on_track", "On track", "int", 8),
               Column("at_risk", "At risk", "int", 8), Column("off_track", "Off track", "int", 8),
               Column("no_data", "No data", "int", 8), Column("sdg_targets", "SDG targets", "label", 10),
               Column("assumptions", "Assumptions", "text", 30)]
    # columns the programme file leaves empty (no SDG target, no assumption) are left out
    columns = [c for c in columns if c.key not in ("sdg_targets", "assumptions") or nodes[c.key].fillna("").ne("").any()]
    nodes = nodes.assign(level=nodes["level"].str.capitalize(),
                         title=[wording.marked_title(t, bool(i)) for t, i in zip(nodes["title"], nodes["illustrative"])])
    tables = [Table("Results chain", nodes, columns,
                    note=wording.ILLUSTRATIVE_NOTE if nodes["illustrative"].fillna(False).any() else "")]
    progress = queries.sdg_target_progress(cursor, scope)
    if not progress.empty:
        tables.append(Table("Progress by SDG target", progress, [
            Column("sdg_target", "SDG target", "label", 10), Column("outputs", "Outputs", "label", 10),
            Column("indicators", "Indicators", "int", 10), Column("on_track", "On track", "int", 8),
            Column("at_risk", "At risk", "int", 8), Column("off_track", "Off track", "int", 8),
            Column("no_data", "No data", "int", 8), Column("status", "Status", "status", 12)]))
    figures = [figure("Theory of change", f"Status for {scope.period}, {where}: {statuses.result_rule()}.",
                      charts.theory_of_change, nodes.assign(level=nodes["level"].str.lower()))]
    return Section("Theory of change", f"Theory of change, {scope.period}",
                   "How the outputs are expected to lead to the outcomes and the impact: each result's status for "
                   f"the period ({where}) and the counts of the statuses under it, with the assumptions from the "
                   f"programme file. The rule: {statuses.result_rule()}.", tables, figures)


def _results_matrix(cursor, scope) -> Section:
    table = queries.indicator_table(cursor, scope)
    outputs = queries.outputs(cursor).set_index("output_code")
    table["sort"] = table["indicator_code"].map(_indicator_sort_key)
    table = table.sort_values(["output_code", "sort", "country"], kind="stable").reset_index(drop=True)
    table["output"] = table["output_code"].map(
        lambda code: f"Output {code} ({outputs.loc[code, 'lead_agency']}, {outputs.loc[code, 'level']}): "
                     f"{wording.marked_title(outputs.loc[code, 'title'], bool(outputs.loc[code, 'illustrative']))}"
                     if code in outputs.index else f"Output {code}")
    # The original baseline is shown only where it was revised, so the adjustment stays visible.
    table["baseline_original"] = table["baseline_original"].where(table["baseline_is_adjusted"].fillna(False)
                                                                  .astype(bool))
    columns = [Column("output_code", "Output", "label", 7), *RESULTS_COLUMNS]
    counts = (table.groupby(["output_code", "status"]).size().rename("count").reset_index()
              .assign(label=lambda f: "Output " + f["output_code"]))
    figures = [figure("Indicators by output and status", "Each panel is one status; the count is written beside "
                      "each bar.", print_charts.count_panels, _complete_counts(counts, charts.STATUS_ORDER),
                      charts.STATUS_ORDER, [charts.STATUS_COLORS[s] for s in charts.STATUS_ORDER])]
    return Section("Results matrix", f"Results matrix, {scope.period}",
                   "Every indicator by output: baseline in force, target for the period, actual, end-of-programme "
                   "target and status. 'Original baseline' is filled where the baseline was revised. 'Progress vs "
                   "expected' is the progress made from the baseline ÷ the progress expected by the as-of date."
                   + (" " + wording.ILLUSTRATIVE_NOTE if outputs["illustrative"].any() else ""),
                   [Table("Indicators", table, columns, group_column="output", pdf_hidden=("output_code",),
                          pdf_blank_repeats=("indicator_code", "indicator_title", "unit"))], figures)


def _complete_counts(counts: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Every label × status, zero where missing, labels in their first-seen order."""
    labels = list(dict.fromkeys(counts["label"]))
    full = pd.MultiIndex.from_product([labels, order], names=["label", "status"]).to_frame(index=False)
    merged = full.merge(counts[["label", "status", "count"]], how="left", on=["label", "status"])
    merged["count"] = merged["count"].fillna(0).astype(int)
    return merged


# --- countries ----------------------------------------------------------------------------------------

def _country_progress(cursor, scope, names, programme, coming: str | None) -> Section:
    status = queries.country_status(cursor, scope)
    peers = queries.peer_comparison(cursor, scope)
    table = status.merge(peers.drop(columns=["name"]), on="country", how="left")
    table["inception_complete"] = table["inception_complete"].astype("boolean")
    columns = [Column("name", "Country", "label", 20), Column("on_track", "On track", "int", 9),
               Column("at_risk", "At risk", "int", 9), Column("off_track", "Off track", "int", 9),
               Column("no_data", "No data", "int", 9), Column("status", "Overall status", "status", 14),
               Column("on_track_share", "Indicators on track", "percent", 11),
               Column("completed_share", "Activities completed", "percent", 11),
               Column("overdue", "Overdue activities", "int", 10),
               Column("delivery_rate", f"Budget delivered to {programme.year_label(scope.programme_year)}", "percent",
                      12),
               Column("inception_complete", "Inception done in year 1", "flag", 11)]
    note = "" if coming is None else (  # country_status gives no overall status: nothing is due yet
        f"{scope.period} {coming}, so no country has an overall status.")
    status_chart = _for_chart(status, "name")
    counts = status_chart.melt(id_vars=["name"], value_vars=["on_track", "at_risk", "off_track", "no_data"],
                               var_name="status", value_name="count").rename(columns={"name": "label"})
    counts["status"] = counts["status"].str.replace("_", " ")
    order = charts.STATUS_ORDER
    figures = [
        figure("Indicators by country and status", "Each panel is one status; the count is written beside each bar.",
               print_charts.count_panels, _complete_counts(counts, order), order, [charts.STATUS_COLORS[s] for s in order]),
        *([figure("Country status", f"Overall status per country: {statuses.country_rule()}. Marker shapes: "
                  "circle on track, triangle at risk, cross off track, square not reported.",
                  print_charts.world_map, status_chart, queries.country_places(cursor))] if not note else []),
        figure("Peer comparison", "Shares per country: indicators on track (of those with data), activities "
               "completed, budget delivered up to the " + wording.year_noun(programme) + ".", charts.peer_comparison,
               _for_chart(peers, "name")),
    ]
    milestones = queries.milestone_matrix(cursor, scope.country)
    milestones = milestones[(milestones["country"] != GLOBAL) & (milestones["category"] == "inception")]
    if not milestones.empty:
        figures.append(figure("Inception milestones", "✓ achieved (on time or late) · ! overdue · … pending, "
                              "as of the as-of date · ○ not reported (expected by the programme file; not reached).",
                              charts.milestone_matrix,
                              _for_chart(milestones, "name", "milestone")))
    return Section("Country progress", f"Country progress, {scope.period}",
                   "Indicator status counts per country for the period, the overall status, and peer metrics. "
                   f"Overall status: {statuses.country_rule()}.", [Table("Countries", table, columns, note=note)],
                   figures)


# --- work plan ----------------------------------------------------------------------------------------

def _work_plan(cursor, scope, names, as_of) -> Section:
    activities = queries.activities(cursor, scope)
    activities["country_name"] = activities["country"].map(lambda c: names.get(c, c))
    summary = (activities.pivot_table(index="country_name", columns="status", values="activity_code",
                                      aggfunc="count", fill_value=0)
               .reindex(columns=ACTIVITY_STATUSES, fill_value=0))
    summary["activities"] = summary.sum(axis=1)
    grouped = activities.groupby("country_name")
    summary["overdue"] = grouped["is_overdue"].sum()
    summary["budget_usd"] = grouped["budget_usd"].sum()
    summary = summary.reset_index()
    if len(summary):
        total = {c: summary[c].sum() for c in summary.columns if c != "country_name"}
        summary.loc[len(summary)] = {"country_name": "Total", **total}
    summary_columns = [Column("country_name", "Country", "label", 20), Column("activities", "Activities", "int", 11),
                       *[Column(s, s.capitalize(), "int", 11) for s in ACTIVITY_STATUSES],
                       Column("overdue", "Overdue", "int", 10), Column("budget_usd", "Budget (USD)", "usd", 16)]
    late = activities[(activities["status"] == "delayed") | activities["is_overdue"].fillna(False).astype(bool)]
    late = late.sort_values(["days_overdue", "country", "activity_code"], ascending=[False, True, True],
                            na_position="last")
    late_columns = [Column("country_name", "Country", "label", 16), Column("activity_code", "Code", "label", 8),
                    Column("activity_title", "Activity", "text", 44), Column("output_code", "Output", "label", 7),
                    Column("lead_agency", "Lead", "text", 7), Column("planned_end", "Planned end", "date", 12),
                    Column("status", "Status", "text", 10), Column("percent_complete", "% complete", "number", 10),
                    Column("days_overdue", "Days overdue", "int", 10)]
    all_columns = [Column("country_name", "Country", "label", 16), Column("activity_code", "Code", "label", 8),
                   Column("activity_title", "Activity", "text", 44), Column("output_code", "Output", "label", 7),
                   Column("lead_agency", "Lead", "text", 7), Column("support_agency", "Support", "text", 8),
                   Column("planned_start", "Planned start", "date", 12),
                   Column("planned_end", "Planned end", "date", 12),
                   Column("actual_start", "Actual start", "date", 12), Column("actual_end", "Actual end", "date", 12),
                   Column("status", "Status", "text", 10), Column("percent_complete", "% complete", "number", 10),
                   Column("is_overdue", "Overdue", "flag", 9), Column("days_overdue", "Days overdue", "int", 10),
                   Column("budget_usd", "Budget (USD)", "usd", 14)]
    counts = activities.groupby(["country_name", "status"]).size().rename("count").reset_index().rename(
        columns={"country_name": "label"})
    counts = _for_chart(counts, "label")
    figures = [figure("Activities by country and status", "Each panel is one status; the count is written beside "
                      "each bar.", print_charts.count_panels, _complete_counts(counts, ACTIVITY_STATUSES),
                      ACTIVITY_STATUSES, charts.ACTIVITY_STATUS_COLORS)] if len(activities) else []
    return Section("Work plan", "Work plan status",
                   f"Activities of the work plans by status, as of {formats.date(as_of)}. Overdue: the planned end has "
                   "passed and the activity is neither completed nor cancelled. The sheet 'Activities' lists every "
                   "activity.",
                   [Table("Activities by country and status", summary, summary_columns, total_row=True),
                    Table("Delayed or overdue activities", late, late_columns),
                    Table("All activities", activities, all_columns, in_pdf=False, sheet="Activities")], figures)


# --- finance ------------------------------------------------------------------------------------------

def _finance(cursor, scope, names, money_year, programme) -> Section:
    phases = wording.phases_name(programme)
    year = scope.programme_year
    outputs = queries.outputs(cursor).set_index("output_code")
    outputs = pd.Series([wording.marked_title(t, bool(i)) for t, i in zip(outputs["title"], outputs["illustrative"])],
                        index=outputs.index)
    tables = []
    by_agency = queries.finance_by_year(cursor, scope, "agency")
    by_agency["delivery_rate"] = metrics.delivery_rates(by_agency)
    by_agency["year"] = by_agency["programme_year"].map(programme.year_label)
    tables.append(Table(f"By agency and {wording.year_noun(programme)} (every year of {phases})", by_agency, [
        Column("group", "Agency", "label", 10), Column("year", wording.year_noun(programme, capital=True), "label", 12),
        *_money_columns("")]))
    for dimension, header, label in (("output", "Output", lambda g: f"Output {g}: {outputs.get(g, '')}"),
                                     ("country", "Country", lambda g: names.get(g, g))):
        frame = _year_and_phase(queries.finance_by_year(cursor, scope, dimension), year)
        frame["label"] = frame["group"].map(label)
        frame.loc[frame["group"] == "Total", "label"] = "Total"
        title = f"By {dimension}: {wording.year_named(programme, money_year)} and {phases} (all years)"
        tables.append(Table(title, frame, [
            Column("label", header, "label", 40 if dimension == "output" else 20),
            *_money_columns(f" {money_year}"),
            Column("phase_budget_usd", f"Budget {phases}", "usd", 16),
            Column("phase_expenditure_usd", f"Expenditure {phases}", "usd", 16),
            Column("phase_delivery_rate", f"Spent ÷ budget {phases}", "percent", 12)], total_row=True))
    by_year = queries.finance_by(cursor, scope, "year")
    by_year = _with_total(by_year, "group")
    by_year["delivery_rate"] = metrics.delivery_rates(by_year)
    by_year["label"] = by_year["group"].map(lambda g: g if g == "Total" else programme.year_label(int(g)))
    tables.append(Table(f"By {wording.year_noun(programme)} (every year of {phases})", by_year, [
        Column("label", wording.year_noun(programme, capital=True), "label", 14), *_money_columns("")],
        total_row=True))
    tables.append(_overspent_lines(cursor, scope, names, programme, money_year))
    resources = queries.results_vs_resources(cursor, scope)
    tables.append(Table(f"Results against resources: {phases} budget spent and indicators on track, {scope.period}",
                        resources, [Column("output_code", "Output", "label", 7), Column("title", "Title", "text", 40),
                                    Column("lead_agency", "Lead", "label", 7),
                                    Column("budget_usd", f"Budget {phases}", "usd", 16),
                                    Column("expenditure_usd", f"Expenditure {phases}", "usd", 16),
                                    Column("spent_share", "Budget spent", "percent", 10),
                                    Column("on_track_share", "Indicators on track", "percent", 10),
                                    Column("indicators_with_data", "Indicators with data", "int", 10)],
                        note="The numbers of the chart 'Results against resources' below: indicators on track of "
                             f"those with data in {scope.period}; budget spent of the {phases} budget."))
    in_year = queries.finance_by_year(cursor, scope, "country")
    in_year = in_year[in_year["programme_year"] == year].copy()
    in_year["group"] = _chart_labels(in_year["group"].map(lambda g: names.get(g, g)))
    figures = [figure("Budget spent against time elapsed", f"Cumulative expenditure as a share of the {phases} "
                      f"budget (solid) against the share of {phases} elapsed (dashed).", charts.burn_rate,
                      queries.burn_rate(cursor, scope), phases, wording.year_title(programme)),
               figure(f"Money by country, {wording.year_named(programme, money_year)}",
                      "Budget, funds received and expenditure in "
                      "US dollars; bars left to right in that order.", charts.money_bars, in_year, "Country"),
               figure("Results against resources", f"Each output: share of its {phases} budget spent (across) against "
                      "the share of its indicators on track (up); the dashed diagonal is where both are equal.",
                      print_charts.results_vs_resources, _for_chart(resources, "title"))]
    return Section("Finance", "Finance summary (USD)",
                   "Budget, funds received and expenditure in US dollars, converted at the shipped rates. "
                   "Delivery = expenditure ÷ budget. Each table's title says what it covers: every year of "
                   f"{phases}, {wording.year_named(programme, money_year)} beside {phases} to date, or the "
                   f"{wording.year_noun(programme)}s up to {money_year}.", tables, figures)


def _overspent_lines(cursor, scope, names, programme, money_year) -> Table:
    """The expenditure lines that spent more than their budget (finance_summary.is_overspent), in the years up to
    the pack's: the same lines as the overview's 'Needs attention'."""
    lines = queries.finance_lines(cursor, scope)
    lines = lines[lines["is_overspent"].fillna(False).astype(bool)
                  & (lines["programme_year"] <= scope.programme_year)].copy()
    lines["year"] = lines["programme_year"].map(programme.year_label)
    lines["country_name"] = lines["country"].map(lambda c: names.get(c, c))
    lines["over_usd"] = lines["expenditure_usd"] - lines["budget_usd"]
    lines = lines.sort_values("over_usd", ascending=False, kind="stable")
    return Table(f"Overspent lines, {wording.year_noun(programme)}s up to {money_year}", lines, [
        Column("year", wording.year_noun(programme, capital=True), "label", 10),
        Column("country_name", "Country", "label", 16), Column("output_code", "Output", "label", 7),
        Column("agency", "Agency", "label", 8), Column("budget_usd", "Budget", "usd", 14),
        Column("expenditure_usd", "Expenditure", "usd", 14), Column("over_usd", "Over budget by", "usd", 14),
        Column("delivery_rate", "Spent ÷ budget", "percent", 10), Column("comment", "Comment", "text", 36)],
        note="Expenditure above the line's budget (finance_summary.is_overspent), largest excess first.")


def _money_columns(suffix: str) -> list[Column]:
    return [Column("budget_usd", f"Budget{suffix}", "usd", 16), Column("received_usd", f"Received{suffix}", "usd", 16),
            Column("expenditure_usd", f"Expenditure{suffix}", "usd", 16),
            Column("delivery_rate", f"Spent ÷ budget{suffix}", "percent", 12)]


def _with_total(frame: pd.DataFrame, group: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    frame = frame.copy()
    total = {c: frame[c].sum() for c in frame.columns if c != group and pd.api.types.is_numeric_dtype(frame[c])}
    frame.loc[len(frame)] = {group: "Total", **total}
    return frame


def _year_and_phase(by_year: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per group: money of the programme year beside its totals over all years (the phases), with a total row."""
    money = ["budget_usd", "received_usd", "expenditure_usd"]
    phase = by_year.groupby("group")[money].sum().rename(columns=lambda c: f"phase_{c}")
    current = by_year[by_year["programme_year"] == year].set_index("group")[money]
    frame = phase.join(current, how="left").fillna({c: 0.0 for c in money}).reset_index()
    frame = _with_total(frame, "group")
    frame["delivery_rate"] = metrics.delivery_rates(frame)
    frame["phase_delivery_rate"] = metrics.delivery_rates(frame, "phase_")
    return frame


# --- flash reports ------------------------------------------------------------------------------------

def _flash_reports(cursor, scope, names) -> Section:
    """The coordination toolkit's four-part flash report for every country and the global level."""
    codes = [c for c in names if c != GLOBAL] + [GLOBAL]
    codes = [c for c in codes if scope.country is None or c == scope.country]
    rows = []
    for code in sorted(codes, key=lambda c: (c == GLOBAL, names.get(c, c))):
        report = queries.flash_report(cursor, code, scope.period)
        for kind, part in FLASH_PARTS:
            texts = report[report["kind"] == kind]
            if texts.empty:
                rows.append({"country": names.get(code, code), "part": part, "output": "", "text": NONE_REPORTED})
            for _, line in texts.iterrows():
                output = line["output_code"]
                rows.append({"country": names.get(code, code), "part": part,
                             "output": f"Output {output}" if pd.notna(output) and output else "",
                             "text": line["text"]})
    frame = pd.DataFrame(rows, columns=["country", "part", "output", "text"])
    columns = [Column("country", "Country", "label", 18), Column("part", "Part", "label", 22),
               Column("output", "Output", "label", 10), Column("text", "Report", "text", 90)]
    return Section("Flash reports", f"Flash reports, {scope.period}",
                   "Per country, from the Narrative sheets: accomplishments over the past period, the action plan "
                   "for the next period, difficulties and risks, and decisions needed from the board.",
                   [Table("Flash reports", frame, columns, group_column="country", pdf_blank_repeats=("part",))])
