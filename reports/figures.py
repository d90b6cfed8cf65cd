"""Charts as PNG images for the board pack, drawn by vl-convert (it bundles its own JavaScript engine,
so it works offline). A chart that cannot be built or drawn becomes a note in the pack instead of
stopping it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Callable

from mm_core import charts

LOG = logging.getLogger("reports")
SCALE = 2  # pixels per CSS pixel: sharp enough for print; writers show the image at half its pixel size


@dataclass(frozen=True)
class Figure:
    title: str
    caption: str
    png: bytes | None
    note: str | None = None  # why there is no image

    @property
    def pixel_size(self) -> tuple[int, int]:
        """Width and height of the PNG in pixels (read from its IHDR header)."""
        if not self.png:
            return (0, 0)
        return (int.from_bytes(self.png[16:20], "big"), int.from_bytes(self.png[20:24], "big"))

    @property
    def display_size(self) -> tuple[float, float]:
        """Width and height at the chart's design size (CSS pixels)."""
        width, height = self.pixel_size
        return (width / SCALE, height / SCALE)


def render_png(chart: Any) -> bytes:
    import vl_convert  # imported here: a pack without charts is still produced when it is missing

    spec = _topojson_values_as_text(charts.to_spec(charts.presentation(chart, large=False)))
    return vl_convert.vegalite_to_png(json.dumps(spec), scale=SCALE)


def _topojson_values_as_text(spec: dict) -> dict:
    """vl-convert's Vega parses inline values with their format only when they are a string: the world
    map's TopoJSON given as an object (charts.to_spec puts it in the spec's datasets) would draw no shapes.
    Pass it as JSON text."""
    datasets = {name: json.dumps(values) if isinstance(values, dict) and values.get("type") == "Topology" else values
                for name, values in spec.get("datasets", {}).items()}
    return {**spec, "datasets": datasets} if datasets else spec


def figure(title: str, caption: str, builder: Callable[..., Any], *arguments: Any) -> Figure:
    """Build a chart with one of mm_core.charts' builders and draw it; a note instead on failure."""
    try:
        png = render_png(builder(*arguments))
        if not png.startswith(b"\x89PNG"):
            raise ValueError("the renderer returned no PNG image")
    except Exception as error:  # noqa: BLE001 - any failure here must leave the rest of the pack intact
        LOG.warning("chart %r not drawn: %s", title, error)
        reason = f"{type(error).__name__}: {error}".strip()
        return Figure(title, caption, None, f"Chart not drawn ({reason[:300]}). The figures are in the tables.")
    return Figure(title, caption, png)
