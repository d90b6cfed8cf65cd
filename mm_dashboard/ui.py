"""Display blocks shared by pages: formatted numbers, status badges, tables with downloads, charts,
presentation mode and explanations instead of stack traces.

Text from data (a workbook, an upload, the URL, the warehouse) goes into Markdown elements only through
`literal` (safety.markdown_literal), or is shown with `st.text` or in a table: it is shown as typed, never
as a link, an image, colour or HTML. Messages name files, never the server's folders (those go to the log)."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any, Callable

import altair as alt
import pandas as pd
import streamlit as st

from etl import DATABASE_ENVIRONMENT_VARIABLE, statuses
from etl.programme import PROGRAMME_ENVIRONMENT_VARIABLE
from mm_core import charts, formats, queries, upload, wording
from mm_core.safety import markdown_literal as literal
from mm_core.safety import SHORT_TEXT, neutralise_frame, shorten, without_folders

from . import auth, data, db, filters

LOG = logging.getLogger("mm_dashboard")
MIME = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".pdf": "application/pdf"}

# Presentation mode, for a screen shared in a meeting at 1366×768 or more: no sidebar (a button on the page leaves
# the mode), larger and darker type, KPI values on one line that shrink with the window rather than overlap.
PRESENTATION_CSS = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 20px; color: #000000; background: #FFFFFF; }
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"]
    { display: none !important; }
  [data-testid="stMetricValue"] { font-size: clamp(1.5rem, 3.1vw, 2.6rem); font-weight: 700; color: #000000; }
  [data-testid="stMetricValue"] div { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  [data-testid="stMetricLabel"] p { font-size: 1.05rem; line-height: 1.25; color: #000000; white-space: normal; }
  [data-testid="stMetricLabel"] div { overflow: visible; }
  [data-testid="stMetricDelta"] { font-size: 1rem; }
  h1 { font-size: 2rem !important; line-height: 1.15 !important; padding: 0 0 0.1rem 0 !important; }
  h2, h3 { font-size: 1.5rem !important; color: #000000; padding: 0.4rem 0 0.1rem 0 !important; }
  .block-container, [data-testid="stMainBlockContainer"] { padding: 0.3rem 2.5rem 2rem 2.5rem; max-width: 100%; }
  /* the first screen of a page must hold its key figures at 1366×768: tighter gaps between elements */
  [data-testid="stVerticalBlock"] { gap: 0.55rem; }
  [data-testid="stCaptionContainer"] { color: #222222; font-size: 0.95rem; }
</style>"""
KPIS_PER_ROW = 4
KPIS_PER_ROW_PRESENTING = 3  # at 1366 px, four values of 'US$ 10.31 M' in projector type do not fit a row
KPI_SHORT_VALUE = 11  # characters: values as short as this ('US$ 10.31 M', '79 / 137') fit four to a row even then
def money_column(title: str, **options) -> st.column_config.NumberColumn:
    """A money column: whole US dollars with thousands separators (formats.money without the 'US$', which the
    header carries)."""
    return st.column_config.NumberColumn(title, format=formats.MONEY_COLUMN_FORMAT, step=formats.MONEY_COLUMN_STEP,
                                         **options)


def percent_column(title: str, **options) -> st.column_config.NumberColumn:
    """A share as a percentage with one decimal, as formats.percent writes it."""
    return st.column_config.NumberColumn(title, format=formats.PERCENT_COLUMN_FORMAT, step=0.001, **options)


def count_column(title: str, **options) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(title, format=formats.COUNT_COLUMN_FORMAT, **options)


def date_column(title: str, **options) -> st.column_config.DateColumn:
    return st.column_config.DateColumn(title, format=formats.DATE_COLUMN_FORMAT, **options)


def date_time_column(title: str, **options) -> st.column_config.DatetimeColumn:
    return st.column_config.DatetimeColumn(title, format=formats.DATE_TIME_COLUMN_FORMAT, **options)


MONEY_COLUMNS = {
    "budget_usd": money_column("Budget (US$)"),
    "received_usd": money_column("Received (US$)"),
    "expenditure_usd": money_column("Expenditure (US$)"),
    "delivery_rate": percent_column("Delivery (spent ÷ budget)"),
    "fx_rate": st.column_config.NumberColumn("Rate (units per US$)"),
    "budget": money_column("Budget (as reported)"), "received": money_column("Received (as reported)"),
    "expenditure": money_column("Expenditure (as reported)"),  # in the line's own currency (next column)
    "programme_year": "Programme year",  # shown by its label ('2014/15'): table() writes it
}  # the year column's title follows the programme's calendar: money_columns()
INDICATOR_COLUMNS = {
    "output_code": "Output", "indicator_code": "Code",
    "indicator_title": st.column_config.TextColumn("Indicator", width="large"), "country": "Country",
    "baseline": "Baseline", "target": "Target", "actual": "Actual", "end_target": "End target", "unit": "Unit",
    "status": "Status", "period": "Period", "direction": "Direction",
    "progress_ratio": percent_column("Progress vs expected",
                                     help="Progress from the baseline ÷ progress expected by now"),
    "baseline_is_adjusted": st.column_config.CheckboxColumn("Baseline adjusted"),
}
ACTIVITY_COLUMNS = {
    "country": "Country", "activity_code": "Code", "activity_title": st.column_config.TextColumn("Activity",
                                                                                                width="large"),
    "output_code": "Output", "lead_agency": "Lead", "support_agency": "Support",
    "planned_start": date_column("Planned start"), "planned_end": date_column("Planned end"),
    "actual_start": date_column("Actual start"), "actual_end": date_column("Actual end"), "status": "Status",
    "percent_complete": st.column_config.ProgressColumn("% complete", min_value=0, max_value=100, format="%.0f%%"),
    "is_overdue": st.column_config.CheckboxColumn("Overdue"), "days_overdue": count_column("Days overdue"),
    "budget_usd": money_column("Budget (US$)"),
}
# Headers for columns a table's own configuration does not name; any other column is titled from its name
# ('source_file' -> 'Source file'), so no table shows a database column name.
COLUMN_LABELS = {"country": "Country", "name": "Name", "output_code": "Output", "agency": "Agency",
                 "comment": "Comment", "is_overspent": "Overspent", "currency": "Currency", "budget": "Budget",
                 "received": "Received", "expenditure": "Expenditure", "sha256": "SHA-256", "row": "Row",
                 "values_json": "Row as typed", "source_file": "File", "source_sheet": "Sheet", "source_row": "Row"}
MISSING = formats.MISSING  # what a table shows for a missing value (Streamlit would write 'None')
YEAR_COLUMNS = ("programme_year",)  # shown by their labels ('2014/15'), as the charts and the sidebar name them
ARROW_DATE = "date32[pyarrow]"  # a date column as Streamlit sends it (pyarrow comes with Streamlit)
BADGE_SYMBOL = {**statuses.symbols("indicator"), **statuses.symbols("country")}  # data/reference/statuses.csv


def money_columns() -> dict:
    """MONEY_COLUMNS with the year column titled as the programme counts its years ('Calendar year', say)."""
    return {**MONEY_COLUMNS, "programme_year": wording.year_noun(data.programme(), capital=True)}


usd = formats.money  # one format per kind of value: mm_core/formats.py
usd_short = formats.money_short
percent = formats.percent
number = formats.number
count = formats.count
date = formats.date
date_time = formats.date_time


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


def with_year_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its programme years written as their labels ('2014/15', not 2014)."""
    years = [column for column in YEAR_COLUMNS if column in frame.columns]
    if not years:
        return frame
    shown = frame.copy(deep=False)
    labels = filters.year_labels()
    for column in years:
        shown[column] = pd.array([None if formats.is_missing(year) else formats.year_label(year, labels)
                                  for year in frame[column]], dtype="string")
    return shown


def table(frame: pd.DataFrame, name: str, column_config: dict | None = None, height: int | None = None) -> None:
    """A table and a button to download exactly it as CSV."""
    frame = with_year_labels(with_dates(frame))
    st.dataframe(frame, hide_index=True, width="stretch", column_config=labelled(frame, column_config),
                 height=height if height else "auto", placeholder=MISSING)
    # The CSV is made when the button is pressed, not on every run of the page.
    # a table of the preview says so in its file name (the page's banner does not travel with the file)
    file_name = f"{'preview-' if reading_preview() else ''}{file_stem(name)}.csv"
    st.download_button(f"Download {literal(name)} (CSV)", lambda: safe_csv(frame), file_name=file_name,
                       mime="text/csv", key=f"download_{name}", icon=":material/download:",
                       on_click="ignore")


def labelled(frame: pd.DataFrame, column_config: dict | None) -> dict:
    """`column_config` with a header for every other column of `frame`: COLUMN_LABELS', else its name as words."""
    config = dict(column_config or {})
    for column in frame.columns:
        if column not in config:
            name = str(column)
            config[column] = COLUMN_LABELS.get(name) or (name.replace("_", " ").capitalize() if name.islower()
                                                         or "_" in name else name)
        if isinstance(config[column], str):  # a header only: dates and times get the one format of their kind
            values = frame[column]
            if str(values.dtype).startswith("date32"):  # 'date32[day][pyarrow]' (with_dates)
                config[column] = date_column(config[column])
            elif pd.api.types.is_datetime64_any_dtype(values):
                config[column] = date_time_column(config[column])
    return config


def file_stem(name: str) -> str:
    """A file name's stem: the name's letters and digits in any script ('split 1.1 KGZ Пол' → 'split-1-1-kgz-пол')."""
    return re.sub(r"[\W_]+", "-", name.lower()).strip("-")


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
    """In presentation mode: the styles above and, the sidebar being hidden, a button that leaves the mode."""
    if filters.presentation_mode():
        st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)
        st.button("Leave presentation mode", icon=":material/close_fullscreen:", type="tertiary",
                  key="leave_presentation", on_click=filters.leave_presentation_mode)


def kpis(*figures: dict) -> None:
    """A row of metrics (each the keyword arguments of st.metric), four to a row; in presentation mode three
    when a value is long (the rest wrap to the next row), so values never run into each other."""
    short = all(len(str(figure.get("value", ""))) <= KPI_SHORT_VALUE for figure in figures)
    per_row = KPIS_PER_ROW_PRESENTING if filters.presentation_mode() and not short else KPIS_PER_ROW
    for first in range(0, len(figures), per_row):
        columns = st.columns(per_row)
        for column, figure in zip(columns, figures[first:first + per_row]):
            column.metric(**figure)


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
    elif isinstance(error, db.WarehouseOutdated) and error.preview:
        st.error(f"**The preview {literal(error.file)} needs building again.** It was built by another version of "
                 "the ETL: its tables and views are not those this version reads. Build it again on the Submissions "
                 "page, or turn 'Preview pending submissions' off in the sidebar to see the Board's figures.")
    elif isinstance(error, db.WarehouseOutdated):
        st.error(f"**The database {literal(error.file)} needs loading again.** {message_for_page(error)}. Editors "
                 "may also approve a submission, which loads it again with the last load's files."
                 "\n\nThe dashboard picks up the new file without a restart.")
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


def ignored_from_link(why: str, values: dict[str, str | None]) -> None:
    """Say the values of a link a page ignored (`values`: parameter -> its value cut short, None where used)."""
    shown = [f"{name}={literal(value)}" for name, value in values.items() if value is not None]
    if shown:
        st.caption(f"Ignored from the link ({why}): {', '.join(shown)}")


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


PREVIEW_BANNER = "Preview: this includes submissions not yet approved — not the Board's figures"


def reading_preview() -> bool:
    """This run reads the preview warehouse (db.py decides, by the editor's choice and role)."""
    try:
        return db.snapshot().preview
    except (db.DatabaseMissing, db.DatabaseUnusable):
        return False


def preview_banner() -> None:
    """The warning every page carries while the preview warehouse is read (dashboard.py, above the page)."""
    if reading_preview():
        st.warning(PREVIEW_BANNER, icon=":material/preview:")


def board_pack_files(period_option: str, country: str | None) -> list[tuple[str, bytes, str]]:
    """The board pack for the chosen period, built from this run's snapshot: (file name, bytes, mime) each, for the
    workbook, the PDF and the slides. Never from the preview: the pack is the Board's (the Overview offers no
    button then)."""
    import tempfile

    if reading_preview():
        raise PermissionError("The board pack is made from the Board's warehouse only, not from the preview.")

    from reports import write_board_pack  # the report libraries load only when a pack is asked for

    mime = {**MIME, ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
    with tempfile.TemporaryDirectory() as folder:
        paths = write_board_pack(db.cursor(), period_option, Path(folder), country=country)
        return [(path.name, path.read_bytes(), mime[path.suffix]) for path in paths]


EXPORT_PROBLEM = "board_pack_export_problem"  # session state: why a download could not be recorded


def record_pack_download(load_id: str | None, file_name: str) -> None:
    """The download button's on_click: the audit line of the pack's file given to the signed-in user (a problem
    is kept for the page to show)."""
    from reports import BoardPackError, record_export

    try:
        record_export(None, load_id, file_name, auth.current_user())
    except BoardPackError as error:
        LOG.error("the download of %s could not be recorded: %s", file_name, error)
        st.session_state[EXPORT_PROBLEM] = message_for_page(error)


def header(title: str, scope: queries.Scope, subtitle: str | None = None) -> None:
    st.title(title)
    st.caption((subtitle + " · " if subtitle else "") + filters.scope_caption(scope))


def stored_names(uploads: list[upload.Upload]) -> None:
    """Says each uploaded file stored under another name than the one chosen (mm_core/upload.py, safe_name):
    the tables and messages below name it so."""
    for chosen in uploads:
        if chosen.stored_name != unicodedata.normalize("NFC", chosen.name):  # as a Mac writes é: not another name
            st.caption(f"{literal(upload.printable(chosen.name), SHORT_TEXT)} is stored as "
                       f"{literal(chosen.stored_name)}.")
