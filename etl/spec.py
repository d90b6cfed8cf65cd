"""What each workbook sheet holds: its columns, their types and rules.

This module is the single description of the input format. The template writer, the validator
and the documentation all read it, so a column is added here once.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import statuses

# Value kinds understood by etl.parse. `choice` columns list their allowed values.
TEXT = "text"
NUMBER = "number"
MONEY = "money"  # a number that may not be negative
YEAR = "year"  # a calendar year
PROGRAMME_YEAR = "programme_year"  # the year a programme year starts in, or its label (programme.toml [calendar])
DATE = "date"
MONTH_START = "month_start"  # a date, a month or a quarter; read as its first day
MONTH_END = "month_end"  # a date, a month or a quarter; read as its last day
PERCENT = "percent"
CHOICE = "choice"
COUNTRY = "country"  # ISO-3 code, country name, or GLOBAL
OUTPUT = "output"
AGENCY = "agency"  # an agency of the programme (programme.toml [[agencies]])
PERIOD = "period"  # a reporting period of the programme (programme.toml [calendar])
PHASE = "phase"  # a phase a recommendation is addressed to (programme.toml [recommendations])
DIMENSION = "dimension"  # a dimension values are split by (programme.toml [[dimensions]]), by code or name
CATEGORY = "category"  # a category of one of those dimensions (which one: a rule of etl/rules.py)
SDG_TARGETS = "sdg_targets"  # SDG target codes (10.7, 10.c) separated by ';'; kept as '10.7; 17.18'
CURRENCY = "currency"
WHOLE_NUMBER = "whole_number"  # 1, 2, 3 (also typed as "1." or 1.0)
# A number as reported in an indicator table: a 'no value' marker (N/A, TBD, Pending, ...) or other text
# becomes NULL with the text kept in the `<key>_note` column beside it.
REPORTED_NUMBER = "reported_number"

DIRECTIONS = ("higher is better", "lower is better")
ACTIVITY_STATUSES = statuses.names("activity")  # accepted values and their order: data/reference/statuses.csv
MILESTONE_CATEGORIES = ("inception", "implementation")
NARRATIVE_KINDS = statuses.names("narrative")
ADDRESSEES = ("HQs", "country offices", "HQs and country offices")
RECOMMENDATION_STATUSES = statuses.names("recommendation")


@dataclass(frozen=True)
class Column:
    key: str  # column name in the database
    header: str  # header text in the workbook
    kind: str
    required: bool
    note: str  # may name programme facts: {agencies}, {rhythm}, ... (etl/programme.py, Programme.words)
    choices: tuple[str, ...] = ()
    width: int = 16
    # A hierarchy column (country, output, result) names the group the rows below belong to: merged
    # cells are filled down into every row they span, and in sheets laid out by others (headers
    # matched through aliases) a blank cell repeats the value above it.
    hierarchy: bool = False


def note_of(column: Column, words: dict[str, str]) -> str:
    """A column's note with the programme's words in it (Programme.words)."""
    return column.note.format_map(words)


@dataclass(frozen=True)
class Sheet:
    kind: str  # the name used on the command line: `python -m etl template results`
    title: str  # the sheet name in the workbook
    table: str  # the database table it loads into
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # no two rows may share these values
    description: str = ""
    # Key columns of free text compared whatever their case: 'Budget endorsed' and 'budget endorsed' are one
    # milestone typed twice (the views match titles so too), not two.
    key_any_case: tuple[str, ...] = ()
    # Required columns a sheet may leave out; etl.transform derives them (see DERIVATIONS there).
    derivable: tuple[str, ...] = ()
    # A header row must name at least one of these columns (beyond the required ones).
    needs_one_of: tuple[str, ...] = ()
    # Written into a template only when the programme declares one of these (etl/programme.py): a sheet of
    # splits by sex, say, only for a programme with [[dimensions]].
    only_with: str = ""
    # Columns whose values are of a period: a sheet laid out wide gives them once per period ('2015 · Target',
    # 'Actual 2016'; etl/layout.py), each period's then read as rows of their own.
    per_period: tuple[str, ...] = ()
    period_column: str = "period"  # the column such a header's period fills (a Period, a Programme year)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _country(required: bool = True) -> Column:
    return Column("country", "Country", COUNTRY, required,
                  "ISO-3 code or name of a programme country, or GLOBAL for global-level rows", width=20,
                  hierarchy=True)


def _output(required: bool = True) -> Column:
    return Column("output_code", "Output", OUTPUT, required,
                  "{output_note}", width=10,
                  hierarchy=True)


COMMENT = Column("comment", "Comment", TEXT, False, "Free text", width=40)

RESULTS = Sheet(
    kind="results",
    title="Results matrix",
    table="results",
    description="One row per indicator, country and reporting period.",
    key=("country", "indicator_code", "period"),
    per_period=("target", "actual"),
    columns=(
        _output(),
        Column("indicator_code", "Indicator code", TEXT, True, "Code of the indicator, e.g. 1.2", width=12),
        Column("indicator_title", "Indicator", TEXT, True, "Indicator wording as in the results matrix", width=48),
        Column("unit", "Unit", TEXT, True, "What the numbers count, e.g. number, %, documents", width=14),
        Column("direction", "Direction", CHOICE, True, "Whether a higher or a lower value is better",
               DIRECTIONS, width=16),
        _country(),
        Column("baseline", "Baseline", NUMBER, False, "Value at the start of the phase", width=11),
        Column("baseline_year", "Baseline year", YEAR, False, "Year the baseline was measured", width=11),
        Column("baseline_adjusted", "Adjusted baseline", NUMBER, False,
               "Only where the baseline was revised; the original stays visible", width=11),
        Column("baseline_adjustment_note", "Adjustment reason", TEXT, False,
               "Why the baseline was revised (required with an adjusted baseline)", width=30),
        Column("period", "Period", PERIOD, True,
               "Reporting {rhythm}: {period_examples}", width=12),
        Column("target", "Period target", NUMBER, False, "Target to reach by the end of the period", width=11),
        Column("actual", "Period actual", NUMBER, False, "Value achieved in the period; empty if not measured",
               width=11),
        Column("end_target", "End-of-programme target", NUMBER, False, "Target for {programme_end}", width=12),
        Column("means_of_verification", "Means of verification", TEXT, False, "Where the value comes from",
               width=30),
        COMMENT,
        # added after the first templates: last, so that every earlier column keeps its place
        Column("continues", "Continues", TEXT, False,
               "In a later phase: the code of the indicator of the phase before that this one continues (one "
               "trajectory across the phases)", width=12),
        Column("sdg_targets", "SDG targets", SDG_TARGETS, False,
               "SDG targets this indicator measures besides its output's, e.g. 10.7; 17.18", width=12),
    ),
)

WORKPLAN = Sheet(
    kind="workplan",
    title="Work plan",
    table="activities",
    description="One row per activity and country.",
    key=("country", "activity_code"),
    derivable=("activity_code", "country", "planned_start", "planned_end", "status"),
    columns=(
        Column("activity_code", "Activity code", TEXT, True, "Code of the activity, e.g. 1.1.3", width=12),
        Column("activity_title", "Activity", TEXT, True, "What will be done", width=48),
        _output(),
        _country(),
        Column("lead_agency", "Lead agency", AGENCY, True, "{agencies}", width=10),
        Column("support_agency", "Support agency", AGENCY, False, "{agencies}, if another agency supports",
               width=10),
        Column("planned_start", "Planned start", MONTH_START, True,
               "A date, a month (2014-06, Jun 2014) or a quarter (Q2 2014)", width=12),
        Column("planned_end", "Planned end", MONTH_END, True,
               "A date, a month (2014-06, Jun 2014) or a quarter (Q2 2014)", width=12),
        Column("actual_start", "Actual start", MONTH_START, False, "When it really started", width=12),
        Column("actual_end", "Actual end", MONTH_END, False, "When it really ended (required once completed)",
               width=12),
        Column("status", "Status", CHOICE, True, statuses.spoken("activity"),
               ACTIVITY_STATUSES, width=12),
        Column("percent_complete", "% complete", PERCENT, False, "0-100 (or 0%-100%)", width=10),
        Column("budget", "Budget", MONEY, False, "Budget of the activity, in the currency column", width=12),
        Column("currency", "Currency", CURRENCY, False, "ISO 4217 code; USD when empty", width=9),
        COMMENT,
    ),
)

EXPENDITURE = Sheet(
    kind="expenditure",
    title="Expenditure",
    table="expenditure",
    description="One row per country, output, agency and programme year; or several, told apart by Line, "
                "where the money is reported line by line (an ERP export).",
    key=("country", "output_code", "agency", "programme_year", "line"),
    per_period=("budget", "received", "expenditure"),  # 'Budget 2015', or '2015' over Budget and Expenditure
    period_column="programme_year",
    columns=(
        _country(),
        _output(),
        Column("agency", "Agency", AGENCY, True, "{agencies}", width=10),
        Column("programme_year", "Programme year", PROGRAMME_YEAR, True,
               "{programme_year_note}", width=12),
        Column("budget", "Budget", MONEY, True, "Approved / confirmed budget", width=14),
        Column("received", "Funds received", MONEY, False, "Funds received to date", width=14),
        Column("expenditure", "Expenditure", MONEY, False, "Expenditure to date", width=14),
        Column("currency", "Currency", CURRENCY, True, "ISO 4217 code of the three amounts", width=9),
        COMMENT,
        # Optional, and last so that templates filled in before it keep their columns. Left empty, a
        # programme year's money for one output and agency is one row, as before.
        Column("line", "Line", TEXT, False,
               "Budget line or ERP reference (account code, voucher or line number) where a programme year's "
               "money is reported in several lines; leave empty for one line", width=14),
    ),
)

MILESTONES = Sheet(
    kind="milestones",
    title="Milestones",
    table="milestones",
    description="One row per country and milestone.",
    key=("country", "milestone"),
    key_any_case=("milestone",),
    columns=(
        _country(),
        Column("milestone", "Milestone", TEXT, True, "{milestone_example}", width=40),
        Column("category", "Category", CHOICE, True, "inception or implementation", MILESTONE_CATEGORIES,
               width=14),
        Column("due_date", "Due date", DATE, True, "When it should be reached", width=12),
        Column("achieved_date", "Achieved date", DATE, False, "When it was reached; empty if not yet", width=12),
        COMMENT,
    ),
)

NARRATIVE = Sheet(
    kind="narrative",
    title="Narrative",
    table="narrative",
    description="Achievements, challenges, next-period plans and decisions needed, per country and period.",
    key=("country", "output_code", "period", "kind", "text"),
    columns=(
        _country(),
        _output(required=False),
        Column("period", "Period", PERIOD, True, "Reporting {rhythm}, e.g. {second_period}", width=12),
        Column("kind", "Kind", CHOICE, True, statuses.spoken("narrative"),
               NARRATIVE_KINDS, width=18),
        Column("text", "Text", TEXT, True, "The narrative, in full sentences", width=90),
    ),
)

RECOMMENDATIONS = Sheet(
    kind="recommendations",
    title="Recommendations",
    table="recommendations",
    description="The Mid-Term Review's recommendations and the management response, one row each.",
    key=("number",),
    columns=(
        Column("number", "No.", WHOLE_NUMBER, True, "Number of the recommendation in the review", width=6),
        Column("title", "Recommendation", TEXT, True, "The recommendation, in short", width=40),
        Column("detail", "Detail", TEXT, False, "The review's full wording", width=60),
        Column("addressee", "Addressed to", CHOICE, True, "HQs, country offices, or both", ADDRESSEES, width=20),
        Column("phase", "Phase", PHASE, True, "The phase it is for: {recommendation_phases}", width=10),
        Column("management_response", "Management response", TEXT, False, "What the agencies agreed to do",
               width=50),
        Column("responsible_unit", "Responsible unit", TEXT, False, "Who does it", width=24),
        Column("due_date", "Due date", DATE, False, "When it should be done", width=12),
        Column("status", "Status", CHOICE, True, statuses.spoken("recommendation"),
               RECOMMENDATION_STATUSES, width=16),
        Column("progress_notes", "Progress notes", TEXT, False, "What has been done so far", width=50),
    ),
)

INDICATOR_TABLE = Sheet(
    kind="indicators",
    title="Indicator table",
    table="indicator_table",
    description="An indicator tracking table as another organisation keeps it (IOM's results-matrix annex, "
                "a donor's KPI table): one row per indicator, values as reported.",
    key=("country", "result", "output", "indicator", "period"),
    needs_one_of=("baseline", "target", "actual"),
    per_period=("target", "actual", "percent"),
    columns=(
        Column("country", "Country", TEXT, False, "Country as written (any country, not only the programme's)",
               hierarchy=True),
        Column("result", "Result", TEXT, False, "Result, outcome or project the indicator belongs to",
               hierarchy=True),
        Column("output", "Output", TEXT, False, "Output, component or activity the indicator belongs to",
               hierarchy=True),
        Column("indicator", "Indicator", TEXT, True, "Indicator wording"),
        Column("unit", "Unit", TEXT, False, "What the values count"),
        Column("period", "Period", TEXT, False, "Period the values refer to, as written"),
        Column("baseline", "Baseline", REPORTED_NUMBER, False, "Baseline value"),
        Column("target", "Target", REPORTED_NUMBER, False, "Target value"),
        Column("actual", "Actual", REPORTED_NUMBER, False, "Value achieved"),
        Column("percent", "Percent", REPORTED_NUMBER, False, "Share of the target achieved, in percent"),
        Column("means_of_verification", "Means of verification", TEXT, False, "Where the value comes from"),
        COMMENT,
    ),
)

# The template's sheets; an indicator table is never written as a template, only read.
DISAGGREGATION = Sheet(
    kind="disaggregation",
    title="Disaggregation",
    table="indicator_parts",
    description="Parts of an indicator's target and actual, by a dimension the programme names (e.g. sex): "
                "one row per indicator, country, period, dimension and category. The parts are checked "
                "against the Results matrix's total.",
    key=("country", "indicator_code", "period", "dimension", "category"),
    only_with="dimensions",
    columns=(
        _country(),
        Column("indicator_code", "Indicator code", TEXT, True, "Code of the indicator, as in the Results matrix",
               width=12),
        Column("period", "Period", PERIOD, True, "Reporting {rhythm}, e.g. {second_period}", width=12),
        Column("dimension", "Dimension", DIMENSION, True, "{dimension_note}", width=14),
        Column("category", "Category", CATEGORY, True, "{category_note}", width=16),
        Column("target", "Period target", NUMBER, False, "This category's part of the period target", width=11),
        Column("actual", "Period actual", NUMBER, False, "This category's part of the period actual", width=11),
        COMMENT,
    ),
)

SHEETS: tuple[Sheet, ...] = (RESULTS, WORKPLAN, EXPENDITURE, MILESTONES, NARRATIVE, RECOMMENDATIONS, DISAGGREGATION)
ALL_SHEETS: tuple[Sheet, ...] = SHEETS + (INDICATOR_TABLE,)
SHEETS_BY_KIND = {s.kind: s for s in SHEETS}
ALL_SHEETS_BY_KIND = {s.kind: s for s in ALL_SHEETS}


def sheet_for_title(title: str) -> Sheet | None:
    """The sheet spec whose workbook sheet name matches `title` (case and spaces ignored)."""
    wanted = " ".join(title.split()).casefold()
    return next((s for s in ALL_SHEETS if s.title.casefold() == wanted), None)
# The sheets whose rows name a programme country (or GLOBAL); the others (recommendations, another
# organisation's indicator table, whose country is free text) are for no country: a country office may submit
# only these, and a reporting round expects only these ([reporting] in the programme file).
COUNTRY_SHEETS = tuple(sheet for sheet in ALL_SHEETS
                       if any(column.key == "country" and column.kind == COUNTRY for column in sheet.columns))
