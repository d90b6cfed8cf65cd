"""The Upload page's child process: `python -m mm_core.upload_worker <request.json>`.

It checks or loads the uploads named in the request, so that a workbook that makes a reader abort, or
take all memory, or never finish, takes this process down and not the dashboard server. Before anything
else it limits its own address space (RLIMIT_AS: set here, because code run between fork and exec of a
threaded server is unsafe) and asks the kernel to kill it if the server dies. Only then are the ETL,
pandas and DuckDB imported, so they count against the limit.

It talks JSON lines on its standard output: any number of {"progress": text}, then one of
{"result": …}, {"error": text} (the ETL refused the files: a message for the user) or
{"failure": kind} (something unexpected; the traceback is on standard error, which the server logs).
Anything else the libraries print goes to standard error, never into the conversation.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import sys
import traceback
from pathlib import Path

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> int:
    request = json.loads(Path(argv[0]).read_text())
    send = _conversation()
    resource.setrlimit(resource.RLIMIT_AS, (request["memory_bytes"], request["memory_bytes"]))
    _die_with(request["parent"])
    try:
        send(run(request, lambda message: send({"progress": message})))
    except MemoryError:
        send({"failure": "MemoryError"})
        return 1
    except BaseException as error:  # anything unplanned: the parent shows a short message, the log the traceback
        traceback.print_exc()
        send({"failure": type(error).__name__})
        return 1
    return 0


def run(request: dict, progress) -> dict:
    from etl.errors import EtlError
    from etl.history import RecordsFailed
    from mm_core import upload

    paths = [Path(path) for path in request["paths"]]
    database = Path(request["database"])
    try:
        if request["action"] == "check":
            result = encode_check(upload.check_files(paths, database, request["listed_at_most"]))
        elif request["action"] == "build":
            summary = build(paths, database, request, progress)
            result = {"rows_loaded": summary.rows_loaded, "files": len(summary.files),
                      "rows_rejected": summary.rows_rejected}
        else:
            summary = upload.rebuild_with_uploads(paths, database, progress, actor=request.get("actor"))
            result = {"rows_loaded": summary.rows_loaded, "files": len(summary.files),
                      "rows_rejected": summary.rows_rejected}
    except RecordsFailed as error:  # the new warehouse is in place: only its history could not be written
        return {"error": str(error), "loaded": True}
    except EtlError as error:
        return {"error": str(error)}
    return {"result": result, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "peak_address_space_mb": _peak_address_space_mb()}


def build(paths: list[Path], database: Path, request: dict, progress):
    """A warehouse built from exactly these files (mm_core/submissions.py: the board's from its approved
    submissions, or a preview), as of the request's date, by the request's actor."""
    import datetime as dt

    from etl.load import run_load

    as_of = dt.date.fromisoformat(request["as_of"]) if request.get("as_of") else None
    return run_load(paths, database, as_of=as_of, progress=progress, actor=request["actor"], kind=request["kind"])


def _peak_address_space_mb() -> int | None:
    """VmPeak: what RLIMIT_AS limits (the server logs it, to tell how far a check was from the limit)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmPeak:"):
            return int(line.split()[1]) // 1024
    return None


def encode_check(check) -> dict:
    def frame(data):
        return {"columns": list(data.columns), "rows": data.astype(object).where(data.notna(), None).values.tolist()}
    return {"rows_by_table": check.rows_by_table, "problems": frame(check.problems),
            "warnings": frame(check.warnings), "unreadable": check.unreadable, "rows_rejected": check.rows_rejected,
            "problem_count": check.problem_count, "warning_count": check.warning_count,
            "countries": frame(check.countries), "kinds": frame(check.kinds)}


def _conversation():
    """A writer of JSON lines on a private copy of standard output; file descriptor 1 then points to
    standard error, so a library's print cannot break a line of the conversation."""
    channel = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(message: dict) -> None:
        data = (json.dumps(message, default=str) + "\n").encode()
        while data:
            data = data[os.write(channel, data):]
    return send


def _die_with(parent: int) -> None:
    """Be killed when the server dies, rather than go on writing to its inbox and folders."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the server died before the request above was made
        os._exit(1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
