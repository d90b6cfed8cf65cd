"""What changed between two builds, for the What changed page and the board pack's "Changes since the last pack":
the builds one can compare, the default pair, and the changes (etl/diff.py). No Streamlit here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl import database_path, history
from etl.diff import Changes, compare_builds

from . import formats

LOAD_ID = "SELECT value FROM settings WHERE name = 'load_id'"
ONLY_ONE_BUILD = "Only one build so far: changes appear after the next load."
NO_BUILD = "No build recorded yet: changes appear once the warehouse has been loaded twice."


def load_id_of(cursor) -> str | None:
    """The load id of the warehouse a cursor reads (None: built before load ids were recorded)."""
    row = cursor.execute(LOAD_ID).fetchone()
    return row[0] if row else None


def builds(database: Path | None = None) -> pd.DataFrame:
    """The builds that can be compared (kept, or the current warehouse), newest first: load_id, label (time, by,
    kind), built_at, built_by, kind, current."""
    database = Path(database or database_path())
    current = history.current_load_id(database)
    rows = []
    for build in history.builds(database):
        is_current = build.load_id == current
        if not is_current and not (build.kept_path and Path(build.kept_path).is_file()):
            continue
        rows.append({"load_id": build.load_id, "label": label(build, is_current), "built_at": build.built_at,
                     "built_by": build.built_by, "kind": build.kind, "current": is_current})
    return pd.DataFrame(rows, columns=["load_id", "label", "built_at", "built_by", "kind", "current"])


def label(build: history.Build, current: bool = False) -> str:
    """'3 Dec 2026 06:50 UTC · Amina · board (current)'."""
    when = pd.Timestamp(build.built_at.rstrip("Z"))
    return (f"{formats.date(when)} {when:%H:%M} UTC · {build.built_by} · {build.kind}"
            + (" (current)" if current else ""))


@dataclass(frozen=True)
class Pair:
    from_id: str | None  # None: nothing to compare with yet
    to_id: str | None
    reason: str  # why `from_id` is the default, in words


def default_pair(database: Path | None = None) -> Pair:
    """`from`: the build the last board pack was made from (when it can still be compared), else the board build
    before the current one; `to`: the current warehouse."""
    database = Path(database or database_path())
    choices = builds(database)
    current = choices.loc[choices["current"], "load_id"]
    to_id = current.iloc[0] if not current.empty else None
    comparable = set(choices["load_id"])
    export = history.last_export(database, other_than=to_id)  # as the pack's section: a pack of another build
    if export is not None and export.load_id in comparable:
        return Pair(export.load_id, to_id, f"the build the last board pack was made from ({export.at})")
    earlier = choices[(choices["kind"] == "board") & ~choices["current"]]
    if not earlier.empty:
        return Pair(earlier["load_id"].iloc[0], to_id, "the board build before the current one")
    return Pair(None, to_id, ONLY_ONE_BUILD if to_id else NO_BUILD)


def between(from_id: str, to_id: str, database: Path | None = None) -> Changes:
    return compare_builds(from_id, to_id, database)


@dataclass(frozen=True)
class SincePack:
    """The board pack's "Changes since the last pack": the sentence that opens it, and the changes (None when
    there is no earlier pack to compare with)."""

    sentence: str
    changes: Changes | None


def since_last_pack(database: Path, current_load_id: str | None) -> SincePack:
    """The changes from the build the last pack was made from (a pack of another build than this one) to the
    build `current_load_id` of the warehouse at `database`."""
    if current_load_id is None:
        return SincePack("This warehouse was built before builds were recorded: there is no earlier pack to "
                         "compare with.", None)
    export = history.last_export(database, other_than=current_load_id)
    if export is None:
        return SincePack("No earlier board pack was made from another build: this is the first, so there are no "
                         "changes to list.", None)
    at = pd.Timestamp(export.at.rstrip("Z"))
    try:
        changes = compare_builds(export.load_id, current_load_id, database)
    except history.HistoryError as error:
        return SincePack(f"The last pack ({formats.date(at)}) was made from build {export.load_id}, which can no "
                         f"longer be compared: {error}", None)
    return SincePack(f"Since the last pack, made on {formats.date(at)} from build {export.load_id} (this pack: build "
                     f"{current_load_id}): {changes.count:,} change(s).", changes)
