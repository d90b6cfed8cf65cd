"""ETL for the programme's results matrices, work plans, expenditure, milestones and narrative.

`python -m etl template <kind> out.xlsx` writes a template; `python -m etl load <files or folders>`
validates workbooks, CSV files and IATI activity XML and builds the DuckDB warehouse;
`python -m etl export-iati --out file.xml` publishes the programme's results and finance as IATI XML.
"""

from __future__ import annotations

import os
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = REPOSITORY / "data" / "warehouse.duckdb"
DATABASE_ENVIRONMENT_VARIABLE = "MM_DB_PATH"


def database_path() -> Path:
    """The warehouse file: $MM_DB_PATH when set, else data/warehouse.duckdb in the repository."""
    configured = os.environ.get(DATABASE_ENVIRONMENT_VARIABLE)
    return Path(configured) if configured else DEFAULT_DATABASE
