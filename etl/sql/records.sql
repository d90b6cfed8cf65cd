-- The records of the reporting rounds (SQLite, etl/records.py opens it): every file received, its review, every
-- warehouse built, and the audit trail. Nothing is deleted: a returned or replaced submission stays.
-- Times are ISO 8601 in UTC ("2026-12-03T06:50:00Z"). Documented in docs/schema.md, "The records".

CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    round TEXT NOT NULL,               -- the reporting period it answers, by its label in the periods table
    countries TEXT NOT NULL,           -- JSON list of the ISO3 codes (or 'GLOBAL') its rows are for
    kinds TEXT NOT NULL,               -- JSON list of the sheet kinds its rows go to (spec.Sheet.kind)
    file_name TEXT NOT NULL,           -- as the browser or the command line gave it
    stored_path TEXT NOT NULL,         -- the kept copy: <records>/submissions/<id>/<safe name>
    sha256 TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    rows_loaded INTEGER NOT NULL,      -- the check's result when it was received
    rows_rejected INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    problems TEXT NOT NULL,            -- JSON list of the check's problems [file, sheet, row, column, found, expected]
    state TEXT NOT NULL CHECK (state IN ('submitted', 'under review', 'approved', 'returned', 'replaced')),
    replaces INTEGER REFERENCES submissions (id)  -- the returned or earlier submission this one answers
);

-- Every change of a submission's state, with the reviewer's comment on the whole file.
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    submission INTEGER NOT NULL REFERENCES submissions (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    state TEXT NOT NULL,               -- the state it moved to
    comment TEXT NOT NULL DEFAULT ''
);

-- A reviewer's comment on one row (and column, if any) of a submitted file.
CREATE TABLE IF NOT EXISTS row_comments (
    id INTEGER PRIMARY KEY,
    submission INTEGER NOT NULL REFERENCES submissions (id),
    sheet TEXT NOT NULL,
    row INTEGER NOT NULL,
    column_name TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);

-- Every warehouse built: the board's (from approved submissions) and previews (with pending ones).
CREATE TABLE IF NOT EXISTS builds (
    load_id TEXT PRIMARY KEY,          -- also in the warehouse's settings table ('load_id')
    built_at TEXT NOT NULL,
    built_by TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('board', 'preview')),
    database TEXT NOT NULL,            -- the warehouse path it was swapped in at
    kept_path TEXT,                    -- its copy in <records>/builds/, NULL once retention removed it
    inputs TEXT NOT NULL,              -- JSON list of input file paths
    rows_loaded INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL
);

-- Who did what, when: written by the functions that act (submit, review, approve, load, export).
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,              -- submitted, under review, returned, approved, loaded, previewed, exported, ...
    object TEXT NOT NULL,              -- what it acted on: 'submission 12', 'build 20261203-065000-ab12cd', a file
    detail TEXT NOT NULL DEFAULT ''
);
