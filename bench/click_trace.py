"""Where one click's time goes, in the browser and on the server: the trace behind the click benchmark's figures.

    .venv/bin/python bench/click_trace.py --db data/warehouse.duckdb --from outputs --to Overview [--runs 3]
    .venv/bin/python bench/click_trace.py --db data/warehouse.duckdb --page "" --choose Country

For a page switch from the sidebar (or a choice in a sidebar selectbox), timed as bench/click_bench.py times it,
it prints:
- the server: when the click's message left the browser, when the first and the last of the answer's messages
  arrived (the last one says the script has finished), how many and how large (Chrome's network events);
- the browser: its main thread's JavaScript by the bundle it runs in (Streamlit's React, Vega, the data grid,
  Markdown, styles), the garbage collector and the browser's own work (style, layout, paint: "(program)"),
  from Chrome's sampling profiler, averaged over the runs.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.click_bench import choose_entry, nav_link, now, open_settled, settled_after  # noqa: E402
from bench.serve import CHROMIUM, CHROMIUM_ARGS, serve_dashboard  # noqa: E402

SAMPLING_US = 200


def bundle(call_frame: dict) -> str:
    """The script a sample ran in ('react-dom', 'embed' for Vega), or V8's own category ('(program)', '(idle)')."""
    name = call_frame["url"].rsplit("/", 1)[-1].split(".", 1)[0]
    return name or call_frame["functionName"] or "(anonymous)"


def trace_click(browser, url: str, start: str, act) -> dict:
    page = open_settled(browser, f"{url}/{start}")
    session = page.context.new_cdp_session(page)
    frames: list[tuple[str, float, int]] = []
    session.send("Network.enable")
    session.on("Network.webSocketFrameSent", lambda e: frames.append(("sent", e["timestamp"],
                                                                     len(e["response"]["payloadData"]))))
    session.on("Network.webSocketFrameReceived", lambda e: frames.append(("received", e["timestamp"],
                                                                         len(e["response"]["payloadData"]))))
    session.send("Profiler.enable")
    session.send("Profiler.setSamplingInterval", {"interval": SAMPLING_US})
    time.sleep(0.3)
    frames.clear()
    since = act(page, session)
    seconds = settled_after(page, since)
    profile = session.send("Profiler.stop")["profile"]
    page.close()
    nodes = {node["id"]: node for node in profile["nodes"]}
    by_bundle: collections.Counter = collections.Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"]):
        by_bundle[bundle(nodes[sample]["callFrame"])] += delta / 1e6
    sent = [at for kind, at, _ in frames if kind == "sent"]
    received = [(at, size) for kind, at, size in frames if kind == "received"]
    origin = sent[0] if sent else received[0][0]
    return {"settled": seconds, "first message": received[0][0] - origin, "last message": received[-1][0] - origin,
            "messages": len(received), "kB": sum(size for _, size in received) * 3 / 4 / 1024,
            "busy": {name: seconds for name, seconds in by_bundle.items() if name != "(idle)"}}


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="the warehouse the dashboard reads")
    parser.add_argument("--from", dest="start", default="outputs", help="the page's address to start on")
    parser.add_argument("--to", default=None, help="the title of the page to switch to in the sidebar")
    parser.add_argument("--choose", default=None, help="the label of a sidebar selectbox to change instead")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    def act(page, session) -> float:
        if args.choose:
            entry = choose_entry(page, args.choose, 1 + run % 2)
            session.send("Profiler.start")
            since = now(page)
            entry.click()
        else:
            link = nav_link(page, args.to)
            session.send("Profiler.start")
            since = now(page)
            link.click()
        return since

    traces = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with serve_dashboard(args.db.resolve()) as (url, _):
            open_settled(browser, f"{url}/{args.start}").close()  # the server's first run is not a click
            for run in range(args.runs):
                traces.append(trace_click(browser, url, args.start, act))
        browser.close()
    what = f"choose in {args.choose}" if args.choose else f"switch to {args.to}"
    print(f"{what} (from /{args.start}), median of {args.runs}:")
    for figure in ("settled", "first message", "last message"):
        print(f"  {figure:<16} {statistics.median(t[figure] for t in traces):6.3f} s")
    print(f"  {'messages':<16} {statistics.median(t['messages'] for t in traces):6.0f} "
          f"({statistics.median(t['kB'] for t in traces):.0f} kB)")
    total: collections.Counter = collections.Counter()
    for trace in traces:
        total.update({name: seconds / len(traces) for name, seconds in trace["busy"].items()})
    print(f"  browser main thread busy {sum(total.values()):.3f} s, by script (mean):")
    for name, seconds in total.most_common(12):
        print(f"    {name:<28} {seconds * 1000:6.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
