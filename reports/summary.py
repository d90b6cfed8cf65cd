"""The sections that open and close the board pack, and the slides' per-output and per-country briefs.

The executive summary leads with the overview's key figures (the same query functions and ratios as the
overview page: queries.indicator_status_counts, activity_counts, finance_totals, inception_summary and
mm_core.metrics), the key messages the data gives (each with the rule that chose it) and every decision the
countries and the global level ask of the board for the period (their flash reports' 'decision needed' part).
"""

from __future__ import annotations

import pandas as pd

from etl import statuses
from mm_core import charts, formats, metrics, queries, wording
from mm_core import cross_checks as checks
from mm_core.safety import shorten

from . import print_charts
from .content import GLOBAL, NONE_REPORTED, Brief, Column, Section, Table, _complete_counts, _for_chart
from .figures import figure

DECISION = "decision needed"  # the narrative kind (data/reference/statuses.csv, family narrative)
MESSAGE_NAMES = 4  # names listed in a key message before '… and N more'


# --- executive summary --------------------------------------------------------------------------------

def key_figures(cursor, scope, programme, money_year) -> list[Table]:
    """The overview's figures for the scope: indicators by status, activities and inception, and money."""
    counts = queries.indicator_status_counts(cursor, scope).set_index("status")["indicators"]
    activity = queries.activity_counts(cursor, scope).iloc[0]
    money = queries.finance_totals(cursor, scope).iloc[0]
    inception = queries.inception_summary(cursor, scope).iloc[0]
    complete, countries = int(inception["complete"]), int(inception["countries"])
    phases = wording.phases_name(programme)
    year = wording.year_named(programme, money_year, capital=True)
    status_frame = pd.DataFrame({"status": charts.STATUS_ORDER,
                                 "indicators": [int(counts.get(s, 0)) for s in charts.STATUS_ORDER]})
    status_frame.loc[len(status_frame)] = ["total", int(status_frame["indicators"].sum())]
    indicators = Table(f"Indicators by status, {scope.period}", status_frame,
                       [Column("status", "Status", "status", 16), Column("indicators", "Indicators", "int", 12)],
                       note="Each indicator counted once per country reporting it (and once for the global level), "
                            "judged against the progress expected by the as-of date.", total_row=True)
    delivery = Table("Activities and inception", pd.DataFrame({
        "measure": ["Activities in the work plans", "Completed", "Delayed (status)",
                    "Overdue (past the planned end, not completed)", "Delayed or overdue",
                    "Countries with inception completed in year 1", "Countries judged on inception"],
        "value": [int(activity["activities"]), int(activity["completed"]), int(activity["delayed"]),
                  int(activity["overdue"]), int(activity["delayed_or_overdue"]), complete, countries]}),
        [Column("measure", "Measure", "label", 30), Column("value", "Number", "int", 10)],
        note=f"Work plans as of the as-of date, whatever the period. {metrics.delays(activity)}. Inception: "
             + wording.inception_basis(inception, [(name, formats.date(day)) for name, day
                                                  in queries.inception_deadlines(cursor).itertuples(index=False)])
             + ".")
    budget, received, spent = (float(money[k]) for k in ("budget_usd", "received_usd", "expenditure_usd"))
    money_table = Table("Budget delivery (USD)", pd.DataFrame({
        "measure": ["Budget", "Funds received", "Expenditure"],
        "year": [budget, received, spent],
        "phase": [float(money["phase_budget_usd"]), None, float(money["phase_expenditure_usd"])]}),
        [Column("measure", "Measure", "label", 16), Column("year", year, "usd", 16),
         Column("phase", f"{phases} to date", "usd", 16)])
    rates = Table("Delivery rates", pd.DataFrame({
        "measure": ["Spent ÷ budget", "Spent ÷ received"],
        "year": [metrics.year_delivery(money), metrics.year_spent_of_received(money)],
        "phase": [metrics.phase_delivery(money), None]}),
        [Column("measure", "Measure", "label", 16), Column("year", year, "percent", 16),
         Column("phase", f"{phases} to date", "percent", 16)])
    return [indicators, delivery, money_table, rates]


def _names(values, more_word: str = "more") -> str:
    values = list(values)
    shown = ", ".join(values[:MESSAGE_NAMES])
    return shown + (f" and {len(values) - MESSAGE_NAMES} {more_word}" if len(values) > MESSAGE_NAMES else "")


def key_messages(cursor, scope, names, programme, money_year, decisions: pd.DataFrame,
                 findings: pd.DataFrame, coming: str | None) -> pd.DataFrame:
    """What the board should hear first, each message with the rule that chose it (from the data only)."""
    messages = []

    def say(text: str, rule: str, see: str) -> None:
        messages.append({"message": text, "rule": rule, "see": see})

    nodes = queries.theory_of_change(cursor, scope)
    outputs = nodes[nodes["level"] == "output"] if coming is None else nodes.iloc[:0]
    if coming is not None:
        say(f"{scope.period} {coming}, so no output has a status for it.",
            "A period that starts after the as-of date: none of its indicator values is due yet.",
            "Theory of change")
    for status in ("off track", "at risk"):
        chosen = outputs[outputs["status"] == status]
        if len(chosen):
            listed = [f"Output {r.code} ({int(r.off_track)} of {int(r.on_track + r.at_risk + r.off_track)} "
                      "indicators with data off track)" for r in chosen.itertuples()]
            say(f"{len(chosen)} output{'s' if len(chosen) > 1 else ''} {status}: {_names(listed)}.",
                f"Outputs whose status for {scope.period} is {status} (the rule in 'Theory of change').",
                "Theory of change")
    if outputs["status"].isin(["off track", "at risk"]).sum() == 0 and len(outputs):
        say("No output is off track or at risk.", f"Every output's status for {scope.period}.", "Theory of change")
    countries = queries.country_status(cursor, scope)
    for status in ("off track", "not reported"):
        chosen = countries[countries["status"] == status]
        if len(chosen):
            say(f"{len(chosen)} countr{'ies' if len(chosen) > 1 else 'y'} {status}: "
                f"{_names(chosen['name'])}.", f"Countries whose overall status for {scope.period} is {status} "
                "(the rule in 'Country progress').", "Country progress")
    attention = queries.needs_attention(cursor, scope)
    if ((attention["issue"] == "Not reported") & (attention["country"] == GLOBAL)).any():
        say(f"The global level has not reported indicator values for {scope.period}.",
            "The programme file expects results of the global team every period ([reporting] global_expected); "
            "none of its indicators has an actual for the period.", "Country progress")
    activities = queries.activities(cursor, scope)
    overdue = activities[activities["is_overdue"].fillna(False).astype(bool)]
    if len(overdue):
        per_country = overdue["country"].map(lambda c: names.get(c, c)).value_counts()
        longest = overdue.sort_values("days_overdue", ascending=False).iloc[0]
        say(f"{len(overdue)} of {len(activities)} activities are past their planned end and not completed; most in "
            f"{_names([f'{n} ({k})' for n, k in per_country.items()])}. The longest: "
            f"{names.get(longest['country'], longest['country'])} {longest['activity_code']} "
            f"'{shorten(str(longest['activity_title']), 60)}', {int(longest['days_overdue']):,} days.",
            "Activities whose planned end has passed on the as-of date and that are neither completed nor "
            "cancelled.", "Work plan")
    lines = queries.finance_lines(cursor, scope)
    lines = lines[lines["is_overspent"].fillna(False).astype(bool) & (lines["programme_year"] <= scope.programme_year)]
    if len(lines):
        excess = float((lines["expenditure_usd"] - lines["budget_usd"]).sum())
        say(f"{len(lines)} expenditure line{'s' if len(lines) > 1 else ''} spent more than budgeted, "
            f"US$ {excess:,.0f} over in all: {_names(sorted({names.get(c, c) for c in lines['country']}))}.",
            f"Lines whose expenditure exceeds their budget, {wording.year_noun(programme)}s up to {money_year}.",
            "Finance")
    burn = queries.burn_rate(cursor, scope)
    if len(burn):
        last = burn.iloc[-1]
        spent, elapsed = float(last["spent_share"] or 0), float(last["time_share"] or 0)
        phases = wording.phases_name(programme)
        say(f"{spent:.1%} of the {phases} budget spent with {elapsed:.1%} of its time elapsed "
            f"(to {last['year_label']}).", f"Always shown: cumulative expenditure ÷ the {phases} budget, beside the "
            "share of its time elapsed at the as-of date.", "Finance")
    recommendations = queries.recommendations(cursor)
    if len(recommendations):
        late = recommendations[recommendations["is_overdue"].fillna(False).astype(bool)]
        review = programme.review or "review"
        say(f"{review}: {int((recommendations['status'] == 'completed').sum())} of {len(recommendations)} "
            f"recommendations completed, {len(late)} overdue"
            + (f" ({_names([f'no. {n}' for n in late['number']])})." if len(late) else "."),
            "Always shown when recommendations are loaded; overdue: due before the as-of date and neither "
            "completed nor no longer applicable.", "Recommendations")
    if len(findings):
        say(f"{len(findings)} cross-check finding{'s' if len(findings) > 1 else ''}: the indicators, work plans "
            "and milestones disagree (listed in 'Cross-checks').", "The rules of data/reference/cross_checks.csv.",
            "Cross-checks")
    asked = decisions[decisions["text"] != NONE_REPORTED]
    say(f"{len(asked)} decision{'s' if len(asked) != 1 else ''} asked of the {programme.board} for {scope.period}"
        + (f", by {_names(dict.fromkeys(asked['country']))}." if len(asked) else "."),
        "The 'decision needed' part of every flash report for the period.", "Decisions needed (above)")
    return pd.DataFrame(messages, columns=["message", "rule", "see"])


def executive_summary(cursor, scope, names, programme, money_year, flash: pd.DataFrame,
                      coming: str | None) -> Section:
    decision_label = statuses.labels("narrative")[DECISION]
    decisions = flash[flash["part"] == decision_label][["country", "output", "text"]].reset_index(drop=True)
    findings = checks.findings(cursor, scope)
    messages = key_messages(cursor, scope, names, programme, money_year, decisions, findings, coming)
    asked = decisions[decisions["text"] != NONE_REPORTED]
    silent = decisions.loc[decisions["text"] == NONE_REPORTED, "country"]
    # The decisions come right under the key figures: on paper they share the summary's first page, and the
    # key messages (with their rules) follow.
    tables = [*key_figures(cursor, scope, programme, money_year),
              Table(f"Decisions needed from the {programme.board}, {scope.period}", asked,
                    [Column("country", "Country", "label", 16), Column("output", "Output", "label", 9),
                     Column("text", "Decision asked for", "text", 90)],
                    note=("No decision asked by: " + ", ".join(silent) + ".") if len(silent) else ""),
              Table("Key messages", messages, [Column("message", "Message", "label", 80),
                                               Column("rule", "Rule that chose it", "label", 40),
                                               Column("see", "See", "label", 14)])]
    return Section("Executive summary", f"Executive summary, {scope.period}",
                   "The overview's key figures for the period, the decisions the countries and the global level ask of "
                   "the board in their flash reports, and what the data says needs the board's attention (each "
                   "message with the rule that chose it).", tables, beside=4)


# --- recommendations, cross-checks, files -------------------------------------------------------------

def recommendations(cursor, programme) -> Section:
    table = queries.recommendations(cursor)
    review = programme.review or "Review"
    when = f" of {programme.review_date:%B %Y}" if programme.review_date else ""
    counts = table["status"].value_counts() if len(table) else pd.Series(dtype=int)
    summary = ", ".join(f"{int(counts.get(s, 0))} {s}" for s in statuses.names("recommendation"))
    overdue = int(table["is_overdue"].fillna(False).astype(bool).sum()) if len(table) else 0
    return Section("Recommendations", f"{review} recommendations",
                   f"The {len(table)} recommendations of the {review}{when}, with the management response and where "
                   f"each stands: {summary}; {overdue} overdue (due before the as-of date and neither completed nor "
                   "no longer applicable).",
                   [Table(f"{review} recommendations", table, [
                       Column("number", "No.", "int", 5), Column("title", "Recommendation", "text", 34),
                       Column("addressee", "Addressed to", "label", 12), Column("phase", "Phase", "label", 9),
                       Column("status", "Status", "label", 11), Column("due_date", "Due", "date", 11),
                       Column("is_overdue", "Overdue", "flag", 8), Column("days_overdue", "Days overdue", "int", 9),
                       Column("responsible_unit", "Responsible unit", "text", 14),
                       Column("management_response", "Management response", "text", 34),
                       Column("progress_notes", "Progress notes", "text", 26)])])


def cross_checks(cursor, scope, names) -> Section:
    findings = checks.findings(cursor, scope).copy()
    findings["country_name"] = findings["country"].map(lambda c: names.get(c, c))
    rules = pd.DataFrame([{"check": r.title, "rule": r.rule_text} for r in checks.rules()])
    return Section("Cross-checks", f"Cross-checks, {scope.period}",
                   "Facts two sheets state that cannot both be true: an indicator, an activity, a milestone or the "
                   "review saying one thing and another saying the opposite. Each finding names both items and where "
                   "they were loaded from (file, sheet, row): correct the one that is wrong and load again.",
                   [Table("Findings", findings, [
                       Column("check", "Check", "label", 18), Column("country_name", "Country", "label", 12),
                       Column("item", "One sheet says", "text", 36), Column("item_source", "From", "text", 16),
                       Column("conflicts_with", "Another says", "text", 36),
                       Column("conflict_source", "From", "text", 16)]),
                    Table("The rules", rules, [Column("check", "Check", "label", 24),
                                               Column("rule", "Rule", "text", 100)])])


def data_loaded(cursor, info) -> Section:
    files = queries.load_log(cursor)
    return Section("Data loaded", "Appendix: data loaded",
                   f"The {int(info['files'])} files the warehouse was built from, with the rows loaded and rejected "
                   "(the Data quality page lists every rejected value with its cell).",
                   [Table("Files loaded", files, [
                       Column("file", "File", "text", 30), Column("loaded_at", "Loaded", "datetime", 18),
                       Column("rows_loaded", "Rows loaded", "int", 12), Column("rows_rejected", "Rows rejected", "int", 13),
                       Column("status", "Status", "label", 10)])])


# --- the slides' briefs -------------------------------------------------------------------------------

BRIEF_COLUMNS = ["on_track", "at_risk", "off_track", "no_data"]


def _status_counts(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    table = (frame.pivot_table(index=by, columns="status", values="indicator_code", aggfunc="count", fill_value=0)
             .reindex(columns=charts.STATUS_ORDER, fill_value=0))
    table.columns = [c.replace(" ", "_") for c in table.columns]
    return table.reset_index()


def _count_columns() -> list[Column]:
    return [Column(c, c.replace("_", " ").capitalize(), "int", 9) for c in BRIEF_COLUMNS]


def _counts_for_chart(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    counts = frame.groupby([label, "status"]).size().rename("count").reset_index().rename(columns={label: "label"})
    return _complete_counts(_for_chart(counts, "label"), charts.STATUS_ORDER)


def briefs(indicators: pd.DataFrame, countries: pd.DataFrame, scope, names) -> list[Brief]:
    """One per output (its indicators' statuses by country) and one per country (by output), from the results
    matrix and the country table of the pack."""
    found = []
    colours = [charts.STATUS_COLORS[s] for s in charts.STATUS_ORDER]
    for code, rows in indicators.groupby("output_code", sort=False):
        title = str(rows["output"].iloc[0])
        table = rows.groupby(["indicator_code", "indicator_title"], sort=False)["status"].value_counts().unstack(
            fill_value=0).reindex(columns=charts.STATUS_ORDER, fill_value=0)
        table.columns = [c.replace(" ", "_") for c in table.columns]
        table = table.reset_index()
        with_data = int((rows["status"] != "no data").sum())
        on_track = int((rows["status"] == "on track").sum())
        facts = f"{on_track} of {with_data} indicator values with data on track in {scope.period}"
        chart_rows = rows.assign(country_name=rows["country"].map(lambda c: names.get(c, c)))
        found.append(Brief("output", shorten(title, 120), facts,
                           figure(f"Output {code}: indicators by country and status", "", print_charts.count_panels,
                                  _counts_for_chart(chart_rows, "country_name"), charts.STATUS_ORDER, colours),
                           Table(f"Output {code}", table, [Column("indicator_code", "Code", "label", 6),
                                                           Column("indicator_title", "Indicator", "text", 50),
                                                           *_count_columns()])))
    for record in countries.to_dict("records"):
        code = record["country"]
        rows = indicators[indicators["country"] == code]
        if rows.empty:
            continue
        table = _status_counts(rows.assign(output=rows["output_code"].map(lambda c: f"Output {c}")), "output")
        facts = (f"Overall {record['status']} · activities completed {_percent(record.get('completed_share'))}, "
                 f"{int(record.get('overdue') or 0)} overdue · budget delivered {_percent(record.get('delivery_rate'))}")
        found.append(Brief("country", str(record["name"]), facts,
                           figure(f"{record['name']}: indicators by output and status", "", print_charts.count_panels,
                                  _counts_for_chart(rows.assign(output="Output " + rows["output_code"]), "output"),
                                  charts.STATUS_ORDER, colours),
                           Table(str(record["name"]), table, [Column("output", "Output", "label", 10),
                                                             *_count_columns()])))
    return found


def _percent(value) -> str:
    return formats.percent(value)
