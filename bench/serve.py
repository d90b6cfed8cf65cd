"""The dashboard served for a real browser: shared by the browser tests and the browser benchmark.

`streamlit run dashboard.py` on a free port of 127.0.0.1, reading the database given; Debian's chromium
(never a downloaded browser) with the flags this machine needs.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Iterator

REPOSITORY = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_dashboard(database: Path, start_timeout: float = 120, arguments: tuple[str, ...] = (),
                    launcher: tuple[str, ...] = ("-m", "streamlit")) -> Iterator[tuple[str, subprocess.Popen]]:
    """The dashboard reading `database`: see serve_app."""
    with serve_app(REPOSITORY / "dashboard.py", {"MM_DB_PATH": str(database)}, start_timeout, arguments,
                   launcher) as served:
        yield served


@contextlib.contextmanager
def serve_app(script: Path, environment: dict[str, str] | None = None, start_timeout: float = 120,
              arguments: tuple[str, ...] = (), launcher: tuple[str, ...] = ("-m", "streamlit")
              ) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `streamlit run script` (with these environment variables and extra command-line options), wait
    until it is healthy, yield (its URL, the process), stop it. `launcher`: how Python starts streamlit (the
    click benchmark's recorder wraps it: bench/record_runs.py).

    The server's output goes to a file, not a pipe nobody reads (a full pipe would stall the server);
    it is shown if the server does not start."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, *launcher, "run", str(script), "--server.headless",
             "true", "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats",
             "false", *arguments], cwd=REPOSITORY, env=dict(os.environ, **(environment or {})), stdout=log,
            stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + start_timeout
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        log.seek(0)
                        raise RuntimeError("streamlit did not start: "
                                           + log.read().decode(errors="replace")) from None
                    time.sleep(0.3)
            yield url, process
        finally:
            process.terminate()
            process.wait(timeout=30)


def wait_for_charts(page, count: int, timeout_ms: int = 60_000) -> None:
    """Vega-Lite charts have drawn when there are `count` of them and each has its canvas or SVG."""
    page.wait_for_function(
        """n => { const charts = document.querySelectorAll("[data-testid='stVegaLiteChart']");
                 return charts.length >= n && [...charts].every(c => c.querySelector('canvas, svg')); }""",
        arg=count, timeout=timeout_ms)


def script_finished(page, timeout_ms: int = 60_000) -> None:
    """The page's script has run to its end (every element of this run is drawn): Streamlit's own marker."""
    page.wait_for_function("""() => document.querySelector("[data-testid='stApp']")
                                 ?.getAttribute('data-test-script-state') === 'notRunning'""", timeout=timeout_ms)
