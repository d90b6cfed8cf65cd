"""The dashboard's charts as the printed pack needs them: names placed where they do not cover each other, and
panels sized to fill a landscape page. Each function builds the chart with mm_core.charts' builder and adjusts
only what printing needs, so the pack and the pages draw the same data the same way.

Label placement: on screen a tooltip names a crowded marker; on paper each name must be readable. Each name
is put to the right of its marker, else to its left, above or below: the first of these places where its box
(estimated from the text's length) covers no other name and no other marker. Points are placed from west to
east (left to right), so the westernmost of two neighbours takes the left side when they would collide.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from mm_core import charts

CHARACTER_WIDTH = 7.5  # pixels per character of a 12-pixel bold label (a generous average)
LABEL_HEIGHT = 14
MARKER_RADIUS = 8
PAGE_PIXELS = 1000  # the PDF frame's width (770 points) in CSS pixels, less a margin
LABEL_AREA = 170  # pixels of a count chart's row labels
ROOM_PIXELS = 420
RESULTS_HEIGHT = 470  # results against resources: taller than on screen, to keep the outputs' points apart  # height a chart may take below its title on a page


# --- where names go -----------------------------------------------------------------------------------

PLACES = {  # side: (align, dx, dy) for the text mark, and the box's offset from the marker
    "right": ("left", 10, 0),
    "left": ("right", -10, 0),
    "above": ("center", 0, -14),
    "below": ("center", 0, 15),
}


def _box(x: float, y: float, text: str, side: str) -> tuple[float, float, float, float]:
    width = len(text) * CHARACTER_WIDTH
    align, dx, dy = PLACES[side]
    left = x + dx if align == "left" else x + dx - width if align == "right" else x - width / 2
    top = y + dy - LABEL_HEIGHT / 2
    return (left, top, left + width, top + LABEL_HEIGHT)


def _overlap(a, b) -> float:
    """The area two boxes share (0 when apart)."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def place_labels(points: pd.DataFrame) -> pd.Series:
    """A side (right, left, above, below) for each row of `points` (columns x, y in pixels and text)."""
    markers = [(x - MARKER_RADIUS, y - MARKER_RADIUS, x + MARKER_RADIUS, y + MARKER_RADIUS)
               for x, y in zip(points["x"], points["y"])]
    placed: list[tuple] = []
    sides = pd.Series("right", index=points.index)
    for index in points.sort_values(["x", "y"]).index:
        x, y, text = points.at[index, "x"], points.at[index, "y"], str(points.at[index, "text"])
        own = markers[points.index.get_loc(index)]
        others = placed + [m for m in markers if m is not own]
        covered = {side: sum(_overlap(_box(x, y, text, side), other) for other in others) for side in PLACES}
        side = next((s for s in PLACES if covered[s] == 0), None) or min(PLACES, key=covered.get)  # least covered
        box = _box(x, y, text, side)
        sides[index] = side
        placed.append(box)
    return sides


def _label_layers(data: pd.DataFrame, sides: pd.Series, encode: dict, projection: dict | None,
                  base_dy: float = 0) -> list[alt.Chart]:
    layers = []
    for side, (align, dx, dy) in PLACES.items():
        rows = data[sides == side]
        if rows.empty:
            continue
        layer = alt.Chart(rows).mark_text(align=align, dx=dx, dy=dy + base_dy, fontSize=12, fontWeight="bold",
                                           color="#000000").encode(**encode)
        layers.append(layer.project(**projection) if projection else layer)
    return layers


def _without_text(chart: alt.LayerChart) -> list:
    return [layer for layer in chart.layer if _mark(layer) != "text"]


def _mark(layer) -> str:
    mark = getattr(layer, "mark", None)
    return mark if isinstance(mark, str) else getattr(mark, "type", "")


# --- the map ------------------------------------------------------------------------------------------

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796  # the Equal Earth projection's coefficients
M = math.sqrt(3) / 2


def equal_earth(longitude: float, latitude: float, scale: float) -> tuple[float, float]:
    """Pixels (x right, y down) of a point in the Equal Earth projection, up to a shift (d3's formula)."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return scale * x, -scale * y


def world_map(country_status: pd.DataFrame, places: pd.DataFrame) -> alt.LayerChart:
    """charts.world_map with each country's name placed clear of its neighbours' names and markers."""
    chart = charts.world_map(country_status, places)
    projection = next(layer.projection for layer in chart.layer if _mark(layer) == "text").to_dict()
    data = country_status.merge(places[["country", "latitude", "longitude"]], on="country", how="inner")
    data = data.dropna(subset=["latitude", "longitude"])[["country", "name", "latitude", "longitude"]]
    if data.empty:
        return chart
    scale = float(projection.get("scale", 150))
    pixels = [equal_earth(lon, lat, scale) for lon, lat in zip(data["longitude"], data["latitude"])]
    points = pd.DataFrame({"x": [p[0] for p in pixels], "y": [p[1] for p in pixels], "text": data["name"]},
                          index=data.index)
    layers = _label_layers(data, place_labels(points), {"longitude": alt.Longitude("longitude:Q"),
                                                        "latitude": alt.Latitude("latitude:Q"),
                                                        "text": alt.Text("name:N")}, projection)
    return alt.layer(*_without_text(chart), *layers).properties(width=chart.width, height=chart.height)


# --- results against resources ------------------------------------------------------------------------

def results_vs_resources(outputs: pd.DataFrame) -> alt.LayerChart:
    """charts.results_vs_resources with each output's label placed clear of the others."""
    chart = charts.results_vs_resources(outputs).properties(height=RESULTS_HEIGHT)
    data = outputs.assign(label="Output " + outputs["output_code"].astype(str))
    data = data.dropna(subset=["spent_share", "on_track_share"])
    for column in ("spent_share", "on_track_share"):
        data[column] = data[column].astype(float)
    width, height = float(chart.width), float(chart.height)
    points = pd.DataFrame({"x": data["spent_share"] * width, "y": (1 - data["on_track_share"]) * height,
                           "text": data["label"]}, index=data.index)
    layers = _label_layers(data[["label", "spent_share", "on_track_share"]], place_labels(points),
                           {"x": alt.X("spent_share:Q"), "y": alt.Y("on_track_share:Q"),
                            "text": alt.Text("label:N")}, None)
    return alt.layer(*_without_text(chart), *layers).properties(width=chart.width, height=chart.height)


# --- count panels -------------------------------------------------------------------------------------

def count_panels(counts: pd.DataFrame, order: list[str], colors: list[str], label_title: str | None = None
                 ) -> alt.FacetChart:
    """charts.count_panels with its panels sharing the page's width and rows tall enough to fill about half of
    it (between 22 and 40 pixels a row)."""
    chart = charts.count_panels(counts, order, colors, label_title)
    panels = max(1, len(order))
    rows = max(1, counts["label"].nunique())
    chart.spec.width = max(120, int((PAGE_PIXELS - LABEL_AREA) / panels) - 20)
    chart.spec.height = alt.Step(max(22, min(40, int(ROOM_PIXELS / rows))))
    return chart
