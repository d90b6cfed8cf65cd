"""The bundled sample's warehouse for `make run` and `make database`: built from data/sample when it is absent,
or when the sample built it and the sample, its as-of date, the reference data or the programme file changed
since. A warehouse loaded from other files (your own workbooks, the Upload page's, approved submissions) is never
replaced by the sample: if an earlier version of the ETL built it, it is loaded again from its own files
(`python -m etl reload`), else left as it is.

    python scripts/sample_database.py [--db data/warehouse.duckdb]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import duckdb  # noqa: E402

from etl.reload import is_outdated, last_load  # noqa: E402  (after the repository is on the path)

SAMPLE_DIR = REPOSITORY / "data" / "sample"
REFERENCE_DIR = REPOSITORY / "data" / "reference"
PROGRAMME = REFERENCE_DIR / "programme.toml"
BUILD, RELOAD, KEEP, CURRENT = "build", "reload", "keep", "current"


def sample_files(sample: Path = SAMPLE_DIR, reference: Path = REFERENCE_DIR) -> list[Path]:
    """What a warehouse built from the sample depends on: its workbooks and as-of date, the reference data and
    the programme file."""
    return [*sample.glob("*.xlsx"), sample / "AS_OF", *reference.glob("*.csv"), reference / "programme.toml"]


def is_sample(inputs: list[Path], sample: Path = SAMPLE_DIR) -> bool:
    """Whether a load read the sample folder only: this one, or the sample of a checkout since moved (a folder of
    the same two last names that is no longer there)."""
    if len(inputs) != 1:
        return False
    read, here = inputs[0], sample.resolve()
    return read == here or (read.parts[-2:] == here.parts[-2:] and not read.exists())


def what_to_do(database: Path, sample: Path = SAMPLE_DIR, depends_on: list[Path] | None = None) -> str:
    """BUILD (from the sample), RELOAD (its own files, by this version of the ETL), KEEP (loaded from other
    files, left as it is) or CURRENT (the sample's, newer than what it depends on)."""
    if not database.exists():
        return BUILD
    try:
        last = last_load(database)
    except duckdb.Error:  # no DuckDB database: never overwritten
        return KEEP
    if not is_sample(last.inputs, sample):
        return RELOAD if is_outdated(database) else KEEP
    built = database.stat().st_mtime
    if last.outdated or any(path.stat().st_mtime > built for path in (depends_on or sample_files(sample))):
        return BUILD
    return CURRENT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=REPOSITORY / "data" / "warehouse.duckdb")
    args = parser.parse_args(argv)
    from etl.__main__ import main as etl

    action = what_to_do(args.db)
    if action == BUILD:
        as_of = dt.date.fromisoformat((SAMPLE_DIR / "AS_OF").read_text().strip())
        return etl(["load", str(SAMPLE_DIR), "--db", str(args.db), "--as-of", as_of.isoformat(),
                    "--programme", str(PROGRAMME)])
    if action == RELOAD:
        return etl(["reload", "--if-outdated", "--db", str(args.db)])
    if action == KEEP:
        print(f"{args.db} holds a load of other files than the sample: left as it is (delete it, or load the sample "
              "into another file, to see the sample).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
