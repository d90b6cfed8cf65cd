"""The dashboard served by `streamlit run`, for browser tests."""

from __future__ import annotations

import contextlib
from pathlib import Path

from bench.serve import serve_dashboard


@contextlib.contextmanager
def start_server(database: Path):
    """The dashboard served on 127.0.0.1 reading `database`; yields its URL."""
    with serve_dashboard(database, start_timeout=60) as (url, _):
        yield url
