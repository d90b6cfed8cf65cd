"""Submissions of a reporting round: every file a country office or the PMU sends, checked, kept and reviewed
(issue 16). No Streamlit: app_pages/submissions.py and app_pages/audit.py draw it.

A file is checked in a child process, as the Upload page checks one (mm_core/upload_process.py), so a hostile
file cannot stop the server; a country office's file must hold rows for its own countries only (read from
the rows, never the file's name). It is kept under records.submissions_dir()/<id>/ and recorded in the
records (etl/records.py) with its check; its state then moves

    submitted → under review → approved, or → returned (with comments on the file and on rows);
    a returned (or still pending) submission that a newer one answers becomes 'replaced'.

Nothing is deleted. Every change writes a reviews row and an audit row in the same transaction.

What feeds the board's warehouse (`board_inputs`): the files of its last build that are not submissions (the
base), plus the approved submissions, newest first; a newer approved submission supersedes (leaves out) an
earlier input, submission or base file, whose rows are all for countries it covers and whose sheet kinds it
covers too. Approving rebuilds the board's warehouse from these in a child process, atomically as every load
does; the states change only once the rebuild has succeeded. The preview (`build_preview`) adds the pending
submissions, for the PMU.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import duckdb
import pandas as pd

from etl import database_path, history, origins, records
from etl.inputs import input_files
from etl.reload import last_load
from etl.warehouse import open_read_only

from . import rounds, upload, upload_process

SUBMITTED, UNDER_REVIEW, APPROVED, RETURNED, REPLACED = "submitted", "under review", "approved", "returned", "replaced"
PENDING = (SUBMITTED, UNDER_REVIEW)
# The states a submission may move to from each state (replaced: answered by a newer submission).
TRANSITIONS = {
    SUBMITTED: (UNDER_REVIEW, RETURNED, APPROVED, REPLACED),
    UNDER_REVIEW: (RETURNED, APPROVED, REPLACED),
    RETURNED: (REPLACED,),
    APPROVED: (),
    REPLACED: (),
}
# The sheet kinds whose rows name a country; a country office may submit only these.
COUNTRY_KINDS = frozenset(sheet.kind for sheet in origins.COUNTRY_SHEETS)
BOARD, PREVIEW = "board", "preview"  # the kinds of build (records.sql, builds.kind)
Progress = Callable[[str], None]


class SubmissionError(Exception):
    """A submission, review or approval refused: str() is the message for the user. Nothing was changed."""


class ApprovedButIncomplete(SubmissionError):
    """The approval took effect (the board's warehouse holds the submissions, and they are approved), but the
    rebuild's process failed after the swap: said to the user, unlike a refusal."""


@dataclass(frozen=True)
class Submission:
    id: int
    round: str
    countries: tuple[str, ...]
    kinds: tuple[str, ...]
    file_name: str
    stored_path: Path
    sha256: str
    submitted_by: str
    submitted_at: str
    rows_loaded: int
    rows_rejected: int
    warnings: int
    problems: tuple[tuple, ...]  # (file, sheet, row, column, found, expected)
    state: str
    replaces: int | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Submission":
        return cls(row["id"], row["round"], tuple(json.loads(row["countries"])), tuple(json.loads(row["kinds"])),
                   row["file_name"], Path(row["stored_path"]), row["sha256"], row["submitted_by"],
                   row["submitted_at"], row["rows_loaded"], row["rows_rejected"], row["warnings"],
                   tuple(tuple(problem) for problem in json.loads(row["problems"])), row["state"], row["replaces"])

    def covers(self, countries: Iterable[str], kinds: Iterable[str]) -> bool:
        """Whether this submission supersedes rows for these countries of these sheet kinds: all its
        countries and kinds among this one's (a file without rows supersedes nothing, and is superseded by
        nothing)."""
        kinds = set(kinds)
        return bool(kinds) and set(countries) <= set(self.countries) and kinds <= set(self.kinds)


# --- submitting ------------------------------------------------------------------------------------------

def submit(uploads: list[upload.Upload], round: str, actor: str, countries_allowed: tuple[str, ...] | None,
           database: Path | None = None, replaces: int | None = None) -> list[Submission]:
    """Check the uploads (in a child process) and keep each as a submission for `round`, state 'submitted'.
    A country office (`countries_allowed` given) may send only rows for those countries, of sheets that
    name a country. `replaces`: the returned (or pending) submission these answer, which becomes 'replaced'.
    Raises SubmissionError (or upload_process.UploadFailed when the check did not finish); then nothing is
    stored."""
    database = Path(database or database_path())
    if not uploads:
        raise SubmissionError("No file to submit.")
    _known_round(round, database)
    if replaces is not None:
        _may_replace(replaces, countries_allowed, database)
    with upload_process.Workspace() as workspace:
        check = workspace.check([workspace.add(chosen.stored_name, chosen.content) for chosen in uploads], database)
    if check.unreadable:
        raise SubmissionError(f"Nothing was submitted: the files cannot be read. {check.unreadable}")
    refusals = [reason for chosen in uploads for reason in refused(check, chosen.stored_name, countries_allowed)]
    if refusals:
        raise SubmissionError("Nothing was submitted. " + " ".join(refusals))
    with records.exclusive(database):  # the submission it answers is still pending or returned when it is stored
        if replaces is not None:
            _may_replace(replaces, countries_allowed, database)
        return _store(uploads, check, round, actor, database, replaces)


def refused(check: upload.Check, file: str, countries_allowed: tuple[str, ...] | None) -> list[str]:
    """Why `file` of this check may not be submitted (empty: it may): it has no rows; or, for a country
    office, a row for another country or a sheet whose rows name no country. Each reason names the file, the
    sheet, the row and the country found against those allowed."""
    kinds = check.kinds[check.kinds["file"] == file]
    if kinds.empty:
        return [f"{file}: no rows were found in it for any sheet of the template."]
    if countries_allowed is None:
        return []
    allowed = ", ".join(countries_allowed) or "no country (ask the PMU to set yours)"
    reasons = []
    for found in check.countries[check.countries["file"] == file].itertuples():
        if found.country not in countries_allowed:
            reasons.append(f"{file}: sheet '{found.sheet}', row {found.row} is for {found.country}; "
                           f"you may submit for {allowed} only.")
    for found in kinds.itertuples():
        if found.kind not in COUNTRY_KINDS:
            where = f"sheet '{found.sheet}', row {found.row}" if found.sheet else "its rows"
            reasons.append(f"{file}: {where} ({found.kind}) is for no country; you may submit rows for "
                           f"{allowed} only.")
    return reasons


def _store(uploads: list[upload.Upload], check: upload.Check, round: str, actor: str, database: Path,
           replaces: int | None) -> list[Submission]:
    """The files written and the rows inserted in one records transaction: a file is written before the
    commit and removed again if the transaction fails."""
    written: list[Path] = []
    try:
        with records.connect(database) as connection:
            ids = []
            for chosen in uploads:
                identifier = _insert(connection, chosen, check, round, actor, replaces)
                folder = records.submissions_dir(database) / str(identifier)
                target = folder / upload.safe_name(chosen.name)
                folder.mkdir(parents=True, exist_ok=True)
                written.append(folder)
                _write(target, chosen.content)
                connection.execute("UPDATE submissions SET stored_path = ? WHERE id = ?", [str(target), identifier])
                records.audit(connection, actor, SUBMITTED, f"submission {identifier}",
                              f"{chosen.name} for {round}")
                ids.append(identifier)
            if replaces is not None:
                _move(connection, replaces, REPLACED, actor, "answered by submission " + ", ".join(map(str, ids)))
            return [_get(connection, identifier) for identifier in ids]
    except BaseException:
        for folder in written:
            shutil.rmtree(folder, ignore_errors=True)
        raise


def _insert(connection: sqlite3.Connection, chosen: upload.Upload, check: upload.Check, round: str, actor: str,
            replaces: int | None) -> int:
    file = chosen.stored_name
    kinds = check.kinds[check.kinds["file"] == file]
    countries = sorted(set(check.countries.loc[check.countries["file"] == file, "country"]))
    problems = check.problems[check.problems["file"] == file].astype(object)
    cursor = connection.execute(
        "INSERT INTO submissions (round, countries, kinds, file_name, stored_path, sha256, submitted_by, "
        "submitted_at, rows_loaded, rows_rejected, warnings, problems, state, replaces) "
        "VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [round, json.dumps(countries), json.dumps(sorted(set(kinds["kind"]))), chosen.name,
         hashlib.sha256(chosen.content).hexdigest(), actor, records.now(), int(kinds["loaded"].sum()),
         int(kinds["rejected"].sum()), int((check.warnings["file"] == file).sum()) if not check.warnings.empty else 0,
         json.dumps(problems.where(problems.notna(), None).values.tolist(), default=str), SUBMITTED, replaces])
    return cursor.lastrowid


def _write(target: Path, content: bytes) -> None:
    partial = target.with_name(f".{target.name}.partial")
    with open(partial, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, target)


def _known_round(round: str, database: Path) -> None:
    labels = round_labels(database)
    if labels and round not in labels:
        raise SubmissionError(f"'{round}' is not a reporting round of this programme; the rounds are "
                              f"{', '.join(labels)}.")


def round_labels(database: Path | None = None) -> list[str]:
    """The rounds (the periods of the board's warehouse), oldest first; none when it has not been built."""
    return rounds.round_labels(calendar(database)[0])


def calendar(database: Path | None = None) -> tuple[pd.DataFrame, dt.date]:
    """The periods of the board's warehouse (period, period_start, period_end; none when it has not been built)
    and the day its statuses are judged as of (its load's --as-of, else today). Read from tables every version
    of the warehouse has, so that submissions are sent and approved (which loads the warehouse again) while the
    dashboard's pages wait for a warehouse built by another version to be loaded again (etl/schema.py)."""
    database = Path(database or database_path())
    if not database.exists():
        return pd.DataFrame(columns=["period", "period_start", "period_end"]), dt.date.today()
    with open_read_only(database) as connection:
        periods = connection.execute("SELECT period, period_start, period_end FROM periods").df()
        as_of = connection.execute("SELECT TRY_CAST(value AS DATE) FROM settings WHERE name = 'as_of_date'").fetchall()
    return periods, (as_of[0][0] if as_of and as_of[0][0] is not None else dt.date.today())


def _may_replace(replaced: int, countries_allowed: tuple[str, ...] | None, database: Path) -> None:
    with records.connect(database) as connection:
        earlier = _get(connection, replaced)
    if REPLACED not in TRANSITIONS[earlier.state]:
        raise SubmissionError(f"Submission {replaced} is {earlier.state}: only a returned or pending submission "
                              "can be replaced.")
    if countries_allowed is not None and not (earlier.countries and set(earlier.countries) <= set(countries_allowed)):
        raise SubmissionError(f"Submission {replaced} is for {', '.join(earlier.countries) or 'no country'}; "
                              f"you may replace submissions for {', '.join(countries_allowed)} only.")


# --- reviewing ---------------------------------------------------------------------------------------------

def start_review(identifier: int, actor: str, database: Path | None = None) -> Submission:
    """A reviewer takes up a submitted file: 'submitted' → 'under review'."""
    with records.exclusive(database), records.connect(database) as connection:
        _move(connection, identifier, UNDER_REVIEW, actor)
        return _get(connection, identifier)


def return_submission(identifier: int, actor: str, comment: str,
                      row_comments: Iterable[tuple[str, int, str, str]] = (), database: Path | None = None
                      ) -> Submission:
    """Send a pending submission back with the reviewer's comment on the file and on rows (sheet, row,
    column — may be empty — and comment). At least one comment says why."""
    comment = (comment or "").strip()
    on_rows = _row_comments(row_comments)
    if not comment and not on_rows:
        raise SubmissionError("Say why the file is returned: a comment on the file or on a row.")
    with records.exclusive(database), records.connect(database) as connection:
        _move(connection, identifier, RETURNED, actor, comment)
        connection.executemany(
            "INSERT INTO row_comments (submission, sheet, row, column_name, comment, actor, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(identifier, sheet, row, column, text, actor, records.now()) for sheet, row, column, text in on_rows])
        return _get(connection, identifier)


def _row_comments(given: Iterable[tuple]) -> list[tuple[str, int, str, str]]:
    """The row comments given, less wholly blank lines (a table's empty row); each must name a sheet, a row
    number from 1 and say something."""
    kept = []
    for number, (sheet, row, column, comment) in enumerate(given, start=1):
        values = [value for value in (sheet, row, column, comment) if not _blank(value)]
        if not values:
            continue
        sheet, column, comment = (str(value).strip() if not _blank(value) else "" for value in (sheet, column, comment))
        try:
            row = int(row)
        except (TypeError, ValueError):
            row = 0
        if not sheet or row < 1 or not comment:
            raise SubmissionError(f"Row comment {number}: give the sheet, the row number (from 1) and the comment.")
        kept.append((sheet, row, column, comment))
    return kept


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or str(value).strip() == ""


def approve(identifiers: Iterable[int], actor: str, progress: Progress = lambda message: None,
            database: Path | None = None) -> list[Submission]:
    """Approve pending submissions: the board's warehouse is rebuilt (in a child process, atomically) from
    board_inputs with them, keeping the last load's as-of date; only then do they become 'approved'. Raises
    SubmissionError with the ETL's message when the rebuild fails; then nothing has changed."""
    database = Path(database or database_path())
    identifiers = list(dict.fromkeys(identifiers))
    if not identifiers:
        raise SubmissionError("No submission to approve.")
    with records.exclusive(database):  # no other approval, return or replacement until the states are written
        with records.connect(database) as connection:
            for identifier in identifiers:
                _allowed(_get(connection, identifier), APPROVED)
        before = history.current_load_id(database)
        failure = None
        try:
            _build(board_inputs(database, including=identifiers), database, actor, BOARD, progress, database)
        except SubmissionError as error:
            if history.current_load_id(database) == before:  # nothing landed: nothing changes
                raise
            failure = error  # the new warehouse is in place (its process failed after the swap): it holds them
        with records.connect(database) as connection:
            for identifier in identifiers:
                _move(connection, identifier, APPROVED, actor)
            approved = [_get(connection, identifier) for identifier in identifiers]
    if failure is not None:
        raise ApprovedButIncomplete(
            f"Submission(s) {', '.join(map(str, identifiers))} are approved: the board's warehouse was rebuilt with "
            f"them, but the rebuild's process did not finish cleanly ({failure}). Check the build's line in "
            "`python -m etl history`.")
    return approved


def build_preview(actor: str, progress: Progress = lambda message: None, database: Path | None = None) -> Path:
    """Build the preview warehouse (records.preview_path) from the board's inputs plus the pending
    submissions, superseding as board_inputs does. Returns its path. Raises SubmissionError."""
    database = Path(database or database_path())
    target = records.preview_path(database)
    with records.exclusive(database):
        with records.connect(database) as connection:
            pending = [row["id"] for row in connection.execute(
                "SELECT id FROM submissions WHERE state IN (?, ?)", PENDING)]
        _build(board_inputs(database, including=pending), target, actor, PREVIEW, progress, database)
    return target


def _build(inputs: list[Path], target: Path, actor: str, kind: str, progress: Progress, database: Path) -> None:
    if not inputs:
        raise SubmissionError("Nothing to build the warehouse from: no earlier load and no approved submission.")
    as_of = last_load(database).as_of
    try:
        with upload_process.Workspace() as workspace:
            workspace.build(inputs, target, as_of, actor, kind, progress)
    except upload_process.UploadFailed as failure:
        raise SubmissionError(f"The {'board' if kind == BOARD else 'preview'} warehouse could not be rebuilt, "
                              f"so nothing changed: {failure}") from None


def _move(connection: sqlite3.Connection, identifier: int, state: str, actor: str, comment: str = "") -> None:
    """One change of state, allowed from the current one, with its reviews row and audit row."""
    current = _get(connection, identifier)
    _allowed(current, state)
    changed = connection.execute("UPDATE submissions SET state = ? WHERE id = ? AND state = ?",
                                 [state, identifier, current.state]).rowcount
    if changed != 1:  # another process moved it between the read and the write
        raise SubmissionError(f"Submission {identifier} changed state meanwhile; look again before acting on it.")
    connection.execute("INSERT INTO reviews (submission, at, actor, state, comment) VALUES (?, ?, ?, ?, ?)",
                       [identifier, records.now(), actor, state, comment])
    records.audit(connection, actor, state, f"submission {identifier}", comment)


def _allowed(submission: Submission, state: str) -> None:
    if state not in TRANSITIONS[submission.state]:
        verb = {UNDER_REVIEW: "taken up for review", RETURNED: "returned", APPROVED: "approved",
                REPLACED: "replaced"}[state]
        raise SubmissionError(f"Submission {submission.id} ({submission.file_name}) is {submission.state}; "
                              f"it cannot be {verb}.")


def _get(connection: sqlite3.Connection, identifier: int) -> Submission:
    row = connection.execute("SELECT * FROM submissions WHERE id = ?", [identifier]).fetchone()
    if row is None:
        raise SubmissionError(f"There is no submission {identifier}.")
    return Submission.from_row(row)


def get(identifier: int, database: Path | None = None) -> Submission:
    with records.connect(database) as connection:
        return _get(connection, identifier)


# --- what feeds the warehouse ------------------------------------------------------------------------------

def board_inputs(database: Path | None = None, including: Iterable[int] = ()) -> list[Path]:
    """The files the board's warehouse is built from, newest first: the approved submissions (and those of
    `including`, about to be approved or previewed) that no newer one supersedes, then the base files (the
    last build's files that are not submissions) that none of those supersedes."""
    database = Path(database or database_path())
    including = set(including)
    with records.connect(database) as connection:
        chosen = [Submission.from_row(row) for row in connection.execute(
            "SELECT * FROM submissions WHERE state = ?", [APPROVED])] + [_get(connection, identifier)
                                                                         for identifier in including]
    chosen = sorted({s.id: s for s in chosen}.values(), key=lambda s: s.id, reverse=True)
    kept: list[Submission] = []
    for index, submission in enumerate(chosen):
        if not any(newer.covers(submission.countries, submission.kinds) for newer in chosen[:index]):
            kept.append(submission)
    in_warehouse = _warehouse_origins(database)
    base = [path for path in base_inputs(database)
            if not any(newer.covers(*_rows_of(path, in_warehouse)) for newer in kept)]
    return [submission.stored_path for submission in kept] + base


def base_inputs(database: Path | None = None) -> list[Path]:
    """The files of the last build of `database` that are not submissions (folders read as their files)."""
    database = Path(database or database_path())
    inputs = last_load(database).inputs
    kept = records.submissions_dir(database).resolve()
    return [path for path in input_files([p for p in inputs if p.exists()]) if not path.resolve().is_relative_to(kept)]


def _rows_of(path: Path, origins_by_file: dict[str, tuple[list[str], list[str]]]) -> tuple[list[str], list[str]]:
    """(countries, sheet kinds) of a file's rows in the current warehouse (its source_file is the file's name,
    or its path when two inputs share a name)."""
    for name in (str(path), str(path.resolve()), path.name):
        if name in origins_by_file:
            return origins_by_file[name]
    return [], []


def _warehouse_origins(database: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Per source file of the warehouse: the countries and sheet kinds of its rows."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    try:
        with open_read_only(database) as connection:
            sheets, countries = origins.loaded_sheets(connection), origins.loaded_countries(connection)
    except (duckdb.Error, OSError):
        return found
    for rows in sheets:
        found.setdefault(rows.file, ([], []))[1].append(rows.kind)
    for row in countries:
        found.setdefault(row.file, ([], []))[0].append(row.country)
    return found


# --- for the pages -----------------------------------------------------------------------------------------

SUBMISSION_COLUMNS = ["id", "round", "file_name", "countries", "kinds", "state", "submitted_by", "submitted_at",
                      "rows_loaded", "rows_rejected", "warnings", "replaces", "comment", "reviewed_by", "reviewed_at"]
LISTED = """
SELECT s.id, s.round, s.file_name, s.countries, s.kinds, s.state, s.submitted_by, s.submitted_at, s.rows_loaded,
       s.rows_rejected, s.warnings, s.replaces, coalesce(r.comment, '') AS comment, r.actor AS reviewed_by,
       r.at AS reviewed_at
FROM submissions s
LEFT JOIN reviews r ON r.id = (SELECT max(id) FROM reviews WHERE submission = s.id AND state != 'replaced')
WHERE (? IS NULL OR s.round = ?)
ORDER BY s.id DESC
"""


def listed(round: str | None = None, countries: tuple[str, ...] | None = None,
           database: Path | None = None) -> pd.DataFrame:
    """Submissions, newest first, with the latest review's comment: of a round (None: every round); with
    `countries`, only those whose rows are all for these countries (a country office's own)."""
    with records.connect(database) as connection:
        rows = [dict(row) for row in connection.execute(LISTED, [round, round])]
    frame = pd.DataFrame(rows, columns=SUBMISSION_COLUMNS)
    codes = frame["countries"].map(json.loads)
    if countries is not None:
        # a bool Series: an empty object one would be read as a list of column names (and select none)
        frame = frame[codes.map(lambda found: bool(found) and set(found) <= set(countries)).astype(bool)]
        codes = codes[frame.index]
    frame["countries"] = codes.map(", ".join)
    frame["kinds"] = frame["kinds"].map(lambda kinds: ", ".join(json.loads(kinds)))
    return _times(frame, "submitted_at", "reviewed_at").reset_index(drop=True)


def queue(round: str | None = None, database: Path | None = None) -> pd.DataFrame:
    """What reviewers have to do: the pending submissions, newest first."""
    frame = listed(round, database=database)
    return frame[frame["state"].isin(PENDING)].reset_index(drop=True)


def row_comments(identifier: int, database: Path | None = None) -> pd.DataFrame:
    """A submission's row comments, in the order of the sheet and row."""
    with records.connect(database) as connection:
        rows = [dict(row) for row in connection.execute(
            "SELECT sheet, row, column_name AS column, comment, actor, at FROM row_comments WHERE submission = ? "
            "ORDER BY sheet, row, id", [identifier])]
    return _times(pd.DataFrame(rows, columns=["sheet", "row", "column", "comment", "actor", "at"]), "at")


def problems(identifier: int, database: Path | None = None) -> pd.DataFrame:
    """The problems the check listed when the file was received."""
    return pd.DataFrame(list(get(identifier, database).problems), columns=upload.PROBLEM_COLUMNS)


def reviews(identifier: int, database: Path | None = None) -> pd.DataFrame:
    """Every change of a submission's state, oldest first."""
    with records.connect(database) as connection:
        rows = [dict(row) for row in connection.execute(
            "SELECT at, actor, state, comment FROM reviews WHERE submission = ? ORDER BY id", [identifier])]
    return pd.DataFrame(rows, columns=["at", "actor", "state", "comment"])


AUDIT_COLUMNS = ["at", "actor", "action", "object", "detail"]
AUDIT = """
SELECT at, actor, action, object, detail FROM audit
WHERE (? IS NULL OR actor = ?) AND (? IS NULL OR action = ?) AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?)
ORDER BY id DESC
"""


def _times(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The records' ISO 8601 UTC texts as times (UTC, without a zone), so that a page writes them the way it
    writes every time (formats.DATE_TIME_COLUMN_FORMAT)."""
    for column in columns:
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_localize(None)
    return frame


def audit_trail(actor: str | None = None, action: str | None = None, start: dt.date | None = None,
                end: dt.date | None = None, database: Path | None = None) -> pd.DataFrame:
    """The audit trail, newest first: by one actor, of one action, between two dates (both included)."""
    since = start.isoformat() if start else None
    before = (end + dt.timedelta(days=1)).isoformat() if end else None
    with records.connect(database) as connection:
        rows = [dict(row) for row in connection.execute(
            AUDIT, [actor, actor, action, action, since, since, before, before])]
    return _times(pd.DataFrame(rows, columns=AUDIT_COLUMNS), "at")


def audit_choices(database: Path | None = None) -> tuple[list[str], list[str]]:
    """The actors and the actions found in the audit trail, for the page's filters."""
    with records.connect(database) as connection:
        actors = [row[0] for row in connection.execute("SELECT DISTINCT actor FROM audit ORDER BY actor")]
        actions = [row[0] for row in connection.execute("SELECT DISTINCT action FROM audit ORDER BY action")]
    return actors, actions
