"""The board pack put together: the sections in the order the board reads them (content.py and summary.py
gather them; xlsx.py, pdf.py and slides.py write them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from etl import database_path
from mm_core import changes, formats, periods, queries

from . import changes_section, content, summary


def collect(cursor: queries.Cursor, scope: queries.Scope, period_option: str,
            database: Path | None = None) -> content.BoardPack:
    """The pack from the warehouse `cursor` reads, which is (a snapshot of) the file `database` (default: the
    configured one), whose records say which build the previous pack was made from."""
    programme = queries.programme(cursor)
    table = queries.periods(cursor)
    coming = periods.coming(table).get(scope.period)  # a period not started: nothing of it is due yet
    dates = table.set_index("period")
    info = queries.data_info(cursor).iloc[0]
    names = content.country_names(cursor)
    as_of = pd.Timestamp(info["as_of_date"]).date()
    start, end = (pd.Timestamp(dates.loc[scope.period, c]) for c in ("period_start", "period_end"))
    period_dates = f"{formats.date(start)} – {formats.date(end)}"
    money_year = programme.year_label(scope.programme_year)
    cover_lines = content._cover(scope, info, period_option, period_dates, money_year, names, programme)
    flash = content._flash_reports(cursor, scope, names)
    results = content._results_matrix(cursor, scope)
    countries = content._country_progress(cursor, scope, names, programme, coming)
    load_id = changes.load_id_of(cursor)
    since = changes_section.section(changes.since_last_pack(Path(database or database_path()), load_id))
    sections = [summary.executive_summary(cursor, scope, names, programme, money_year, flash.tables[0].frame, coming),
                since,
                content._theory_of_change(cursor, scope, names), results, countries,
                content._work_plan(cursor, scope, names, as_of),
                content._finance(cursor, scope, names, money_year, programme),
                summary.recommendations(cursor, programme), summary.cross_checks(cursor, scope, names), flash,
                summary.data_loaded(cursor, info)]
    briefs = summary.briefs(results.tables[0].frame, countries.tables[0].frame, scope, names)
    return content.BoardPack(programme=programme, scope=scope, period_option=period_option,
                             period_dates=period_dates, money_year=money_year,
                             country_name=names.get(scope.country) if scope.country else None, as_of=as_of,
                             generated_at=dt.datetime.now().replace(microsecond=0), cover_lines=cover_lines,
                             sections=sections, briefs=briefs, load_id=load_id, changes=since)
