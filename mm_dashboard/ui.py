"""Display blocks shared by pages: formatted numbers, status badges, tables with downloads, charts,
presentation mode and explanations instead of stack traces.

Text from data (a workbook, an upload, the URL, the warehouse) goes into Markdown elements only through
`literal` (safety.markdown_literal), or is shown with `st.text` or in a table: it is shown as typed, never
as a link, an image, colour or HTML. Messages name files, never the server's folders (those go to the log)."""

from __future__ import annotations

import hashlib
import logging
import math
import re
from pathlib import Path
from typing import Any, Callable

import altair as alt
import pandas as pd
import streamlit as st

from etl import DATABASE_ENVIRONMENT_VARIABLE, statuses
from etl.programme import PROGRAMME_ENVIRONMENT_VARIABLE
from mm_core import charts, queries, wording
from mm_core.safety import markdown_literal as literal
from mm_core.safety import neutralise_frame, shorten, without_folders

from . import data, db, filters

LOG = logging.getLogger("mm_dashboard")
MIME = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".pdf": "application/pdf"}

PRESENTATION_CSS = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 20px; color: #000000; background: #FFFFFF; }
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none; }
  [data-testid="stMetricValue"] { font-size: 2.5rem; font-weight: 700; color: #000000; }
  [data-testid="stMetricValue"] div, [data-testid="stMetricLabel"] div { white-space: normal; overflow: visible; }
  [data-testid="stMetricLabel"] p { font-size: 1.1rem; color: #000000; white-space: normal; }
  h1 { font-size: 2.6rem !important; } h2, h3 { font-size: 1.9rem !important; color: #000000; }
  .block-container { padding-top: 1rem; max-width: 100%; }
  [data-testid="stCaptionContainer"] { color: #222222; font-size: 1rem; }
</style>"""
MONEY_COLUMNS = {
    "budget_usd": st.column_config.NumberColumn("Budget (USD)", format="dollar"),
    "received_usd": st.column_config.NumberColumn("Received (USD)", format="dollar"),
    "expenditure_usd": st.column_config.NumberColumn("Expenditure (USD)", format="dollar"),
    "delivery_rate": st.column_config.NumberColumn("Delivery (spent ÷ budget)", format="percent"),
    "fx_rate": st.column_config.NumberColumn("Rate (units per USD)"),
    "programme_year": st.column_config.NumberColumn("Programme year", format="%d"),
}  # the year column's title follows the programme's calendar: money_columns()
INDICATOR_COLUMNS = {
    "output_code": "Output", "indicator_code": "Code",
    "indicator_title": st.column_config.TextColumn("Indicator", width="large"), "country": "Country",
    "baseline": "Baseline", "target": "Target", "actual": "Actual", "end_target": "End target", "unit": "Unit",
    "status": "Status", "period": "Period", "direction": "Direction",
    "progress_ratio": st.column_config.NumberColumn("Progress vs expected", format="percent",
                                                    help="Progress from the baseline ÷ progress expected by now"),
    "baseline_is_adjusted": st.column_config.CheckboxColumn("Baseline adjusted"),
}
ACTIVITY_COLUMNS = {
    "country": "Country", "activity_code": "Code", "activity_title": st.column_config.TextColumn("Activity",
                                                                                                width="large"),
    "output_code": "Output", "lead_agency": "Lead", "support_agency": "Support", "planned_start": "Planned start",
    "planned_end": "Planned end", "actual_start": "Actual start", "actual_end": "Actual end", "status": "Status",
    "percent_complete": st.column_config.ProgressColumn("% complete", min_value=0, max_value=100, format="%.0f%%"),
    "is_overdue": st.column_config.CheckboxColumn("Overdue"), "days_overdue": "Days overdue",
    "budget_usd": st.column_config.NumberColumn("Budget (USD)", format="dollar"),
}
# Headers for columns a table's own configuration does not name; any other column is titled from its name
# ('source_file' -> 'Source file'), so no table shows a database column name.
COLUMN_LABELS = {"country": "Country", "name": "Name", "output_code": "Output", "agency": "Agency",
                 "comment": "Comment", "is_overspent": "Overspent", "currency": "Currency", "budget": "Budget",
                 "received": "Received", "expenditure": "Expenditure", "sha256": "SHA-256", "row": "Row",
                 "values_json": "Row as typed", "source_file": "File", "source_sheet": "Sheet", "source_row": "Row"}
MISSING = "—"  # what a table shows for a missing value (Streamlit would write 'None')
ARROW_DATE = "date32[pyarrow]"  # a date column as Streamlit sends it (pyarrow comes with Streamlit)
BADGE_SYMBOL = {**statuses.symbols("indicator"), **statuses.symbols("country")}  # data/reference/statuses.csv


def money_columns() -> dict:
    """MONEY_COLUMNS with the year column titled as the programme counts its years ('Calendar year', say)."""
    year_title = wording.year_noun(data.programme(), capital=True)
    return {**MONEY_COLUMNS, "programme_year": st.column_config.NumberColumn(year_title, format="%d")}


def usd(amount: float | None) -> str:
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "—"
    return f"US$ {float(amount):,.0f}"


def usd_short(amount: float | None) -> str:
    """Whole dollars below a million, millions, then billions (a portfolio), with two decimals: fits a metric
    on a projector (the exact amount goes in the metric's help)."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "—"
    if abs(float(amount)) >= 1_000_000_000:
        return f"US$ {float(amount) / 1_000_000_000:,.2f} bn"
    if abs(float(amount)) >= 1_000_000:
        return f"US$ {float(amount) / 1_000_000:,.2f} M"
    return usd(amount)


def percent(share: float | None, decimals: int = 1) -> str:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{float(share) * 100:.{decimals}f}%"


def number(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()


def badge(status: str) -> str:
    """A status as coloured text with a shape, readable without colour."""
    colour = charts.STATUS_COLORS.get(status, "#555555")
    return (f"<span style='background:{colour};color:#000;padding:2px 8px;border-radius:8px;"
            f"font-weight:600'>{BADGE_SYMBOL.get(status, '')} {status}</span>")


def safe_csv(frame: pd.DataFrame) -> bytes:
    """CSV with text cells that a spreadsheet would run as a formula neutralised by a leading quote."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8-sig")


def with_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with timestamp columns that hold only midnights as dates, shown and written without a time.
    Arrow dates rather than Python date objects: the same in the browser and the CSV, converted without a
    Python object per cell (a portfolio's work plan has 20,000 rows)."""
    shown = frame.copy(deep=False)  # pandas copies on write: the caller's frame stays as it is
    for column, values in frame.items():
        if pd.api.types.is_datetime64_any_dtype(values) and (values.dropna().dt.normalize() == values.dropna()).all():
            shown[column] = values.astype(ARROW_DATE)
    return shown


def table(frame: pd.DataFrame, name: str, column_config: dict | None = None, height: int | None = None) -> None:
    """A table and a button to download exactly it as CSV."""
    frame = with_dates(frame)
    st.dataframe(frame, hide_index=True, width="stretch", column_config=labelled(frame, column_config),
                 height=height if height else "auto", placeholder=MISSING)
    # The CSV is made when the button is pressed, not on every run of the page.
    st.download_button(f"Download {literal(name)} (CSV)", lambda: safe_csv(frame), file_name=f"{_slug(name)}.csv",
                       mime="text/csv", key=f"download_{_slug(name)}", icon=":material/download:",
                       on_click="ignore")


def labelled(frame: pd.DataFrame, column_config: dict | None) -> dict:
    """`column_config` with a header for every other column of `frame`: COLUMN_LABELS', else its name as words."""
    config = dict(column_config or {})
    for column in frame.columns:
        if column not in config:
            name = str(column)
            config[column] = COLUMN_LABELS.get(name) or (name.replace("_", " ").capitalize() if name.islower()
                                                         or "_" in name else name)
    return config


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def chart(build: Callable[..., alt.TopLevelMixin], *inputs: Any, caption: str) -> None:
    """Draw `build(*inputs)` (a builder in mm_core.charts) with its caption.

    The chart is drawn once per distinct input and mode, then replayed: a rerun with the same data sends
    the element Streamlit recorded instead of building the Altair chart and serialising its rows again
    (most of a warm page run otherwise). The key is the inputs' content, every row of them, so a new
    database or other filters that change the data draw a new chart, and ones that do not reuse it."""
    _drawn_chart(build.__name__, inputs, filters.presentation_mode())
    st.caption(caption)


def _frame_digest(frame: pd.DataFrame) -> bytes:
    """A frame's columns, types and every row, by value. (Streamlit's own hash reads a sample of frames of
    50,000 rows or more; a pickle would differ between a query's first result and its cached copy.)"""
    digest = hashlib.blake2b(repr((list(frame.columns), [str(t) for t in frame.dtypes])).encode())
    digest.update(pd.util.hash_pandas_object(frame).to_numpy().tobytes())
    return digest.digest()


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs={pd.DataFrame: _frame_digest})
def _drawn_chart(builder: str, inputs: tuple, large: bool) -> None:
    spec = charts.to_spec(charts.presentation(getattr(charts, builder)(*inputs), large))
    st.vega_lite_chart(spec, width="stretch")


def empty(what: str, how: str) -> None:
    st.info(f"**{what}** {how}")


def apply_presentation_mode() -> None:
    if filters.presentation_mode():
        st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)


def explain_missing_database(error: Exception) -> None:
    """What to do when there is nothing to show, then stop the page. The database's folder is not shown
    (only its file name): the full path goes to the server log."""
    LOG.warning("no usable warehouse: %s", error)
    name = literal(Path(db.database_path()).name)
    if isinstance(error, db.DatabaseMissing):
        st.warning(
            f"**No programme data loaded yet.** The dashboard looks for the database file {name} "
            "(in the folder set by `" + DATABASE_ENVIRONMENT_VARIABLE + "`, or data/ by default).\n\n"
            "Build it from the bundled sample with `make database`, or load your own workbooks with "
            "`python -m etl load path/to/workbooks/`. This page picks the new database up without a restart.")
    elif isinstance(error, db.ProgrammeMismatch):
        st.error(f"**The database {name} does not match the programme file chosen with "
                 f"`{PROGRAMME_ENVIRONMENT_VARIABLE}`.** {message_for_page(error)}\n\nRebuild it with "
                 f"`python -m etl load … --programme …` (or the Upload page, which loads with "
                 f"`{PROGRAMME_ENVIRONMENT_VARIABLE}`), or unset `{PROGRAMME_ENVIRONMENT_VARIABLE}` to show the "
                 "programme the database was built with.")
    else:
        st.error(f"**The database {name} cannot be read.** {message_for_page(error)}\n\nRebuild it with "
                 "`make database` or `python -m etl load …`; the dashboard will pick up the new file without a "
                 "restart.")
    st.stop()


def message_for_page(error: BaseException | str, limit: int = 300) -> str:
    """An error message as shown in the browser: folders of the server reduced to file names, cut to
    `limit` characters, and shown literally (it may quote a value from a file)."""
    return literal(shorten(without_folders(str(error)), limit))


def require_scope() -> queries.Scope:
    """The filters' scope, or an explanation of why there is no data (and the page stops)."""
    scope = st.session_state.get("scope")
    if scope is None:
        explain_missing_database(st.session_state.get("database_problem")
                                 or db.DatabaseMissing(str(db.database_path())))
    return scope


def show_unexpected(error: Exception) -> None:
    """An error on a page, explained without a stack trace (the trace goes to the server log)."""
    LOG.exception("page failed")
    if isinstance(error, (db.DatabaseMissing, db.DatabaseUnusable)):
        explain_missing_database(error)
    st.error(f"**This view could not be shown.** {type(error).__name__}: {message_for_page(error)}\n\n"
             "The data is unaffected. Try another filter; if it persists, the server log has the details.")


def board_pack_files(period_option: str, country: str | None) -> list[tuple[str, bytes, str]]:
    """The board pack for the chosen period, built from this run's snapshot: (file name, bytes, mime) each, for the
    workbook, the PDF and the slides."""
    import tempfile

    from reports import write_board_pack  # the report libraries load only when a pack is asked for

    mime = {**MIME, ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
    with tempfile.TemporaryDirectory() as folder:
        paths = write_board_pack(db.cursor(), period_option, Path(folder), country=country)
        return [(path.name, path.read_bytes(), mime[path.suffix]) for path in paths]


def header(title: str, scope: queries.Scope, subtitle: str | None = None) -> None:
    st.title(title)
    st.caption((subtitle + " · " if subtitle else "") + filters.scope_caption(scope))
