"""Write data/reference/countries.csv: every ISO 3166-1 country, so that any country can join a programme
by adding its code under [[countries]] in programme.toml.

Sources: the codes and names from Debian's `iso-codes` package (/usr/share/iso-codes/json/iso_3166-1.json,
LGPL-2.1; the codes themselves are ISO 3166 facts); a map marker (latitude, longitude) computed as the
centre of the country's largest polygon on the shipped world map (data/reference/world-atlas, Natural
Earth 1:110m); countries too small for that map have none. The rows in data/reference/countries-local.csv
(spellings and markers a programme chose) replace the generated name, aliases and marker of their country.

Run: `.venv/bin/python scripts/make_countries.py` (needs the iso-codes package: `apt-get install iso-codes`).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference"
ISO_CODES = Path("/usr/share/iso-codes/json/iso_3166-1.json")
COLUMNS = ["iso3", "iso_numeric", "iso2", "name", "aliases", "latitude", "longitude"]


def _rings(topology: dict) -> dict[str, list[list[tuple[float, float]]]]:
    """Each country's rings (outer boundaries) in longitude/latitude, by ISO numeric code."""
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    found: dict[str, list[list[tuple[float, float]]]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        if "id" not in geometry or "arcs" not in geometry:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        found[geometry["id"]] = [ring(polygon[0]) for polygon in polygons]
    return found


def _centre(rings: list[list[tuple[float, float]]]) -> tuple[float, float]:
    """(latitude, longitude) of the centroid of the largest ring, to one decimal."""
    def area_and_centroid(points):
        area = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if abs(area) < 1e-12:
            xs, ys = zip(*points)
            return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
        return abs(area) / 2, (cx / (3 * area), cy / (3 * area))

    _, (longitude, latitude) = max((area_and_centroid(r) for r in rings), key=lambda found: found[0])
    return round(latitude, 1), round(longitude, 1)


def rows() -> list[dict[str, str]]:
    countries = json.loads(ISO_CODES.read_text(encoding="utf-8"))["3166-1"]
    topology = json.loads((REFERENCE / "world-atlas" / "countries-110m.json").read_text(encoding="utf-8"))
    shapes = _rings(topology)
    with open(REFERENCE / "countries-local.csv", newline="", encoding="utf-8") as handle:
        local = {row["iso3"]: row for row in csv.DictReader(handle)}
    written = []
    for country in sorted(countries, key=lambda c: c["alpha_3"]):
        name = country.get("common_name") or country["name"]
        aliases = [a for a in (country["name"], country.get("official_name")) if a and a != name]
        latitude = longitude = ""
        if country["numeric"] in shapes:
            latitude, longitude = (str(v) for v in _centre(shapes[country["numeric"]]))
        row = {"iso3": country["alpha_3"], "iso_numeric": country["numeric"], "iso2": country["alpha_2"],
               "name": name, "aliases": ";".join(dict.fromkeys(aliases)), "latitude": latitude,
               "longitude": longitude}
        chosen = local.get(country["alpha_3"])
        if chosen:
            extra = [a for a in chosen["aliases"].split(";") + aliases + [name] if a and a != chosen["name"]]
            row.update(name=chosen["name"], aliases=";".join(dict.fromkeys(extra)),
                       latitude=chosen["latitude"] or latitude, longitude=chosen["longitude"] or longitude)
        written.append(row)
    return written


def main() -> int:
    if not ISO_CODES.exists():
        print(f"{ISO_CODES} not found: install Debian's iso-codes package", file=sys.stderr)
        return 1
    with open(REFERENCE / "countries.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows())
    print(f"wrote {REFERENCE / 'countries.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
