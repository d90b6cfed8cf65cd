"""The command line's workbook scans, run ahead in a forked child (etl/prescan.py): the same scans as in the
process, run in the child; a workbook the child could not scan scanned again in the process, its error raised
as it would be; no fork from a process with threads; the child ended and reaped on close. Each case runs in a
fresh interpreter (a test process may have threads, and then nothing is forked)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from bench import hostile_files as hostile

from .helpers.paths import REPOSITORY
from .helpers.rows import good_rows

# Runs Prescan.start on the files given; records the process id of every scan of a workbook, once it is done,
# whether the child's or the load's (etl.prescan and etl.load take scan_workbook from etl.ooxml when imported).
SCRIPT = textwrap.dedent("""
    import json, os, sys, threading, time
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    import etl.ooxml
    scan_workbook = etl.ooxml.scan_workbook
    mode, *paths = sys.argv[1:]
    paths = [Path(p) for p in paths]

    def recorded(path, name):
        if mode in ("slow-child", "parent-killed") and os.getpid() != parent:
            time.sleep(60)
        result = scan_workbook(path, name)
        with open(os.environ["CALLS"], "a") as log:
            log.write(f"{os.getpid()}\\n")
        return result
    etl.ooxml.scan_workbook = recorded
    import etl.prescan
    parent = os.getpid()

    if mode == "command-line":
        from etl.__main__ import main
        status = main(["load", str(paths[0]), "--db", str(paths[1]), "--quiet"])
        print(json.dumps({"parent": parent, "status": status}))
        sys.exit(0)
    if mode == "with-a-thread":
        stop = threading.Event()
        threading.Thread(target=stop.wait).start()
    if mode == "with-duckdb":
        import duckdb
        connection = duckdb.connect()
        connection.execute("SELECT count(*) FROM range(1000000)").fetchall()
        assert threading.active_count() == 1
    prescan = etl.prescan.Prescan.start(paths)
    if mode == "replaced":  # the first file replaced by the second once the child has scanned it
        while not os.path.exists(os.environ["CALLS"]):
            time.sleep(0.01)
        os.replace(paths[1], paths[0])
        paths = paths[:1]
    if mode == "parent-killed":  # the parent ends without a word to the child, which is still scanning
        print(json.dumps({"child": prescan.child}), flush=True)
        time.sleep(0.5)
        os.kill(os.getpid(), 9)
    if mode == "slow-child":
        prescan.close()
        try:
            os.kill(prescan.child, 0)
            alive = True
        except ProcessLookupError:
            alive = False
    here = ThreadPoolExecutor(max_workers=1)
    outcomes = []
    names = etl.prescan.display_names(paths)  # as the load names them
    with prescan:
        for path in paths:
            name = names[path]
            future = prescan.scans(path, name, lambda path=path, name=name: here.submit(recorded, path, name))
            if future is None:
                outcomes.append(None)
                continue
            error = future.exception(timeout=60)
            if error is None:
                outcomes.append({"same": future.result() == scan_workbook(path, name)})
            else:
                try:
                    scan_workbook(path, name)
                    expected = None
                except Exception as direct:
                    expected = str(direct)
                outcomes.append({"error": str(error), "type": type(error).__name__, "expected": expected})
    if mode == "with-a-thread":
        stop.set()
    found = {"parent": parent, "child": prescan.child, "outcomes": outcomes}
    if mode == "slow-child":
        found["alive"] = alive
    print(json.dumps(found))
""")


def run(tmp_path: Path, mode: str, *paths: Path) -> tuple[dict, list[int]]:
    calls = tmp_path / "calls.txt"
    result = subprocess.run([sys.executable, "-c", SCRIPT, mode, *map(str, paths)], cwd=REPOSITORY,
                            capture_output=True, text=True, timeout=120, env={"CALLS": str(calls), "PATH": ""})
    assert result.returncode == 0, result.stderr
    scans = [int(line) for line in calls.read_text().split()] if calls.exists() else []
    return json.loads(result.stdout.splitlines()[-1]), scans  # the last line: the load prints its summary first


def test_the_child_scans_each_workbook_as_the_process_would(write_workbook, tmp_path):
    first = write_workbook(good_rows(), name="first.xlsx")
    second = write_workbook(good_rows(), name="second.xlsx")
    found, scans = run(tmp_path, "plain", first, second)
    assert found["outcomes"] == [{"same": True}, {"same": True}]
    assert found["child"] not in (None, found["parent"])
    assert scans == [found["child"], found["child"]]  # both in the child, none again in the process


def test_a_workbook_named_twice_is_scanned_once_and_nothing_waits_forever(write_workbook, tmp_path):
    first = write_workbook(good_rows(), name="first.xlsx")
    found, scans = run(tmp_path, "plain", first, first)
    assert found["outcomes"] == [{"same": True}, {"same": True}]
    assert scans == [found["child"]]


def test_the_command_lines_load_takes_its_scan_from_the_child(write_workbook, tmp_path):
    found, scans = run(tmp_path, "command-line", write_workbook(good_rows(), name="one.xlsx"), tmp_path / "w.duckdb")
    assert found["status"] == 0
    assert len(scans) == 1 and scans[0] != found["parent"]  # scanned once, in the child, not again by the load


def test_a_workbook_the_child_cannot_scan_is_scanned_by_the_load_and_its_error_raised_as_it_would_be(
        write_workbook, tmp_path):
    hostile_file = hostile.corner_xfd1048576(tmp_path)
    after = write_workbook(good_rows(), name="after.xlsx")
    found, scans = run(tmp_path, "plain", hostile_file, after)
    refused, later = found["outcomes"]
    assert refused["type"] == "UnreadableFile"
    assert refused["error"] == refused["expected"]
    assert "Sheet1: used range A1:XFD1048576 is 17 billion cells" in refused["error"]
    assert later == {"same": True}  # the child stopped at the error: the next one was scanned by the load
    assert scans == [found["parent"]]  # a refused scan raises before it is recorded; the next is the load's


def test_a_file_replaced_after_the_childs_scan_is_scanned_again(write_workbook, tmp_path):
    scanned = write_workbook(good_rows(), name="data.xlsx")
    replacement = hostile.corner_xfd1048576(tmp_path)
    found, scans = run(tmp_path, "replaced", scanned, replacement)
    assert found["outcomes"][0]["type"] == "UnreadableFile"  # the new file's scan, not the old one's
    assert "used range A1:XFD1048576" in found["outcomes"][0]["error"]
    assert scans == [found["child"]]  # the child's scan of the old file; the new one is refused by the load


def test_nothing_is_forked_from_a_process_with_threads(write_workbook, tmp_path):
    found, scans = run(tmp_path, "with-a-thread", write_workbook(good_rows(), name="one.xlsx"))
    assert found["child"] is None and found["outcomes"] == [None]  # the load scans it itself
    assert scans == []


def test_nothing_is_forked_once_a_library_has_started_threads_of_its_own(write_workbook, tmp_path):
    found, scans = run(tmp_path, "with-duckdb", write_workbook(good_rows(), name="one.xlsx"))
    assert found["child"] is None and found["outcomes"] == [None]  # DuckDB's threads are not Python's
    assert scans == []


def test_closing_ends_and_reaps_the_child_and_leaves_its_workbooks_to_the_load(write_workbook, tmp_path):
    files = [write_workbook(good_rows(), name=f"file-{index}.xlsx") for index in range(3)]
    found, scans = run(tmp_path, "slow-child", *files)
    assert found["alive"] is False
    assert found["outcomes"] == [{"same": True}] * 3
    assert scans == [found["parent"]] * 3  # the child was still in its first scan


def test_the_child_ends_with_its_parent_even_when_the_parent_is_killed(write_workbook, tmp_path):
    import os
    import time
    files = [write_workbook(good_rows(), name=f"file-{index}.xlsx") for index in range(2)]
    result = subprocess.run([sys.executable, "-c", SCRIPT, "parent-killed", *map(str, files)], cwd=REPOSITORY,
                            capture_output=True, text=True, timeout=120,
                            env={"CALLS": str(tmp_path / "calls.txt"), "PATH": ""})
    assert result.returncode == -9, result.stderr
    child = json.loads(result.stdout.splitlines()[-1])["child"]
    assert child

    def running() -> bool:  # a child whose parent is gone is reaped by init, or left a zombie where none reaps
        try:
            return Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (FileNotFoundError, ProcessLookupError):
            return False
    deadline = time.monotonic() + 10
    while running() and time.monotonic() < deadline:  # it would sleep 60 s in its first scan
        time.sleep(0.05)
    assert not running()
    assert not os.path.exists(tmp_path / "calls.txt")  # no scan finished
