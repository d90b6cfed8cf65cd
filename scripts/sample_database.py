"""The bundled sample's warehouse for `make run` and `make database`: built from data/sample when it is absent,
or when the sample built it and the sample, its as-of date, the reference data or the programme file changed
since. A warehouse loaded from other files (your own workbooks, the Upload page's, approved submissions) is never
replaced by the sample: if an earlier version of the ETL built it, it is loaded again from its own files
(`python -m etl reload`), else left as it is.

    python scripts/sample_database.py [--db data/warehouse.duckdb]

`make clean` removes a warehouse only where a sample built it (`--clean`, with `--sample` the folder it was
built from): a warehouse of anyone's own files is kept, and said so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import duckdb  # noqa: E402

from etl.reload import last_load  # noqa: E402  (after the repository is on the path)

SAMPLE_DIR = REPOSITORY / "data" / "sample"
REFERENCE_DIR = REPOSITORY / "data" / "reference"
PROGRAMME = REFERENCE_DIR / "programme.toml"
BUILD, RELOAD, KEEP, CURRENT, UNREADABLE = "build", "reload", "keep", "current", "unreadable"


def sample_files(sample: Path = SAMPLE_DIR, reference: Path = REFERENCE_DIR) -> list[Path]:
    """What a warehouse built from the sample depends on: its workbooks and as-of date, the reference data and
    the programme file, and their folders (a file deleted changes its folder's time)."""
    return [sample, *sample.glob("*.xlsx"), sample / "AS_OF", reference, *reference.glob("*.csv"),
            reference / "programme.toml"]


def is_sample(inputs: list[Path], sample: Path = SAMPLE_DIR) -> bool:
    """Whether a load read this checkout's sample folder, and nothing else. A folder of that name elsewhere (a
    checkout since moved, a copy) is not taken for it: such a warehouse may hold anyone's data."""
    return inputs == [sample.resolve()]


def what_to_do(database: Path, sample: Path = SAMPLE_DIR, depends_on: list[Path] | None = None) -> str:
    """BUILD (from the sample), RELOAD (its own files, by this version of the ETL), KEEP (loaded from other
    files, left as it is), UNREADABLE (no warehouse that can be read: left as it is) or CURRENT (the sample's,
    newer than what it depends on)."""
    if not database.exists():
        return BUILD
    try:
        last = last_load(database)
    except duckdb.Error:  # never overwritten: it may be a newer DuckDB's, or a file being copied
        return UNREADABLE
    if not is_sample(last.inputs, sample):
        return RELOAD if last.outdated and last.inputs else KEEP
    built = database.stat().st_mtime
    if last.outdated or any(path.stat().st_mtime > built for path in (depends_on or sample_files(sample))):
        return BUILD
    return CURRENT


def clean(database: Path, sample: Path = SAMPLE_DIR) -> str:
    """Removes `database` when it was built from `sample` and nothing else (it is built again when next needed);
    keeps any other warehouse, and a file that cannot be read. Decided again, and removed, under the records' lock
    and the load lock, so that no approval, upload or load swaps in a warehouse between the two. Returns what was
    done, to print."""
    from etl import records
    from etl.load import exclusive_load

    kept = _kept(database, sample)
    if kept is not None:
        return kept
    with records.exclusive_for_load(database, _say), exclusive_load(database, _say):
        kept = _kept(database, sample)
        if kept is not None:
            return kept
        database.unlink()
        database.with_name(database.name + ".wal").unlink(missing_ok=True)
    return f"{database} was built from {sample}: removed (it is built again when next needed)."


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _kept(database: Path, sample: Path) -> str | None:
    """Why `database` is kept, or None when a sample built it."""
    if not database.exists():
        return f"{database}: no warehouse to remove."
    try:
        inputs = last_load(database).inputs
    except duckdb.Error:
        return f"{database} cannot be read as a warehouse: kept (remove it yourself if it is not needed)."
    if not is_sample(inputs, sample):
        return (f"{database} holds a load of other files than {sample}: kept (move it aside yourself if it is no "
                "longer needed).")
    return None


def main(argv: list[str] | None = None) -> int:
    """Decides, and builds, under the records' lock an approval holds (etl/records.py), so that no approval or
    upload lands between the two; a reload takes that lock itself. Not zero when the warehouse could not be
    built or loaded again (`make run` serves it all the same: its pages say what to do)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=REPOSITORY / "data" / "warehouse.duckdb")
    parser.add_argument("--clean", action="store_true",
                        help="remove the warehouse instead, only if it was built from --sample and nothing else")
    parser.add_argument("--sample", type=Path, default=SAMPLE_DIR, help="the sample folder (for --clean)")
    args = parser.parse_args(argv)
    if args.clean:
        from etl.errors import EtlError
        try:
            print(clean(args.db, args.sample.resolve()))
        except EtlError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        return 0
    from etl import records
    from etl.__main__ import main as etl
    from etl.__main__ import print_summary
    from etl.errors import EtlError
    from etl.load import run_load

    database = args.db
    action = what_to_do(database)  # decided again under the lock before a build: the lock only for that
    if action == BUILD:
        try:
            with records.exclusive_for_load(database, _say):
                action = what_to_do(database)
                if action == BUILD:
                    as_of = dt.date.fromisoformat((SAMPLE_DIR / "AS_OF").read_text().strip())
                    print_summary(run_load([SAMPLE_DIR], database, as_of=as_of, programme=PROGRAMME, progress=_say))
        except (EtlError, OSError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    if action == RELOAD and etl(["reload", "--if-outdated", "--db", str(database)]) != 0:
        print(f"{database} was not loaded again: served as it is, its pages say what to do.", file=sys.stderr)
        return 1
    elif action == KEEP:
        print(f"{database} holds a load of other files than the sample: served as it is (move it aside, or set "
              "MM_DB_PATH to another file, to get the sample).")
    elif action == UNREADABLE:
        print(f"{database} cannot be read as a warehouse: left as it is, and its pages say so (move it aside, or "
              "set MM_DB_PATH to another file, to get the sample).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
