"""The dashboard server's cached connection to a warehouse, and its day moved through the connection's time zone
(DuckDB's current_date, the status views' clock): UTC-12, then UTC+14, never the same day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

ZONES = {"UTC-12": "SET GLOBAL TimeZone = 'Etc/GMT+12'", "UTC+14": "SET GLOBAL TimeZone = 'Pacific/Kiritimati'"}


def server_connection(database: Path) -> duckdb.DuckDBPyConnection:
    """The dashboard's cached connection to `database` (opened by a run before)."""
    from etl.warehouse import file_version
    from mm_dashboard import db

    return db._attach(str(database), file_version(database), -1)


def today(connection: duckdb.DuckDBPyConnection) -> dt.date:
    """The day the connection's clock says it is."""
    return connection.cursor().execute("SELECT current_date").fetchone()[0]
