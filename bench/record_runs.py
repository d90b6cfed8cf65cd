"""Run `streamlit` recording every script run's elements, for the replay yardstick of the click benchmark.

    python bench/record_runs.py DIR run dashboard.py [streamlit options]

Each run of the app's script starts with its navigation message (st.navigation); from there every message
that draws an element (a delta: the sidebar's and the page's) is written to DIR/NNNNN.bin, in order, as a
4-byte length and the message's bytes, the navigation message first. bench/bare/replay.py sends them again
from a script that does nothing else, so what it takes is what Streamlit takes to draw exactly that content.
The recording costs a serialisation per message (well under a millisecond for the sample's pages).
"""

from __future__ import annotations

import struct
import sys
import threading
from pathlib import Path


def install(folder: Path) -> None:
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    folder.mkdir(parents=True, exist_ok=True)
    state = {"count": 0, "file": None}
    lock = threading.Lock()
    send = ScriptRunContext.enqueue

    def enqueue(self, msg) -> None:
        send(self, msg)
        kind = msg.WhichOneof("type")
        if kind not in ("navigation", "delta"):
            return
        with lock:
            if kind == "navigation":  # a new run of the script
                if state["file"]:
                    state["file"].close()
                state["file"] = open(folder / f"{state['count']:05d}.bin", "wb")
                state["count"] += 1
            if state["file"]:
                data = msg.SerializeToString()
                state["file"].write(struct.pack(">I", len(data)) + data)
                state["file"].flush()

    ScriptRunContext.enqueue = enqueue


def read(path: Path) -> list[bytes]:
    """The messages of one recorded run, in order (the navigation message first)."""
    data, messages, at = path.read_bytes(), [], 0
    while at < len(data):
        (size,) = struct.unpack(">I", data[at:at + 4])
        messages.append(data[at + 4:at + 4 + size])
        at += 4 + size
    return messages


if __name__ == "__main__":
    install(Path(sys.argv[1]))
    from streamlit.web.cli import main

    sys.argv = ["streamlit", *sys.argv[2:]]
    sys.exit(main())
