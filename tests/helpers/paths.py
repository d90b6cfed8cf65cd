"""Where things are: the repository, the dashboard's entry point, the bundled sample, the test fixtures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
APP = str(REPOSITORY / "dashboard.py")
SAMPLE_DIR = REPOSITORY / "data" / "sample"
# The sample is a snapshot at this date; the Makefile builds it with the same one.
SAMPLE_AS_OF = dt.date.fromisoformat((SAMPLE_DIR / "AS_OF").read_text().strip())
# The second bundled programme (calendar years, quarters, three agencies): its file, workbooks and snapshot date.
EXAMPLE_DIR = REPOSITORY / "examples" / "phase3"
EXAMPLE_PROGRAMME = EXAMPLE_DIR / "programme.toml"
EXAMPLE_AS_OF = dt.date.fromisoformat((EXAMPLE_DIR / "AS_OF").read_text().strip())
FIXTURES = REPOSITORY / "tests" / "fixtures"  # real third-party files, with their sources: tests/fixtures/README.md
