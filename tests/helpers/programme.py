"""Programme files for tests: the bundled one (data/reference/programme.toml) read with tomllib, changed,
and written back as TOML."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

from etl.reference import REFERENCE_DIR

BUNDLED = REFERENCE_DIR / "programme.toml"


def bundled() -> dict[str, Any]:
    """The bundled programme file as data: change it, then write it with write_programme."""
    return tomllib.loads(BUNDLED.read_text(encoding="utf-8"))


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def toml_text(document: dict[str, Any]) -> str:
    """`document` (tables of keys, and arrays of tables) as TOML text."""
    lines: list[str] = []
    for name, content in document.items():
        tables = content if isinstance(content, list) else [content]
        for table in tables:
            lines.append(f"[[{name}]]" if isinstance(content, list) else f"[{name}]")
            lines.extend(f"{key} = {_value(value)}" for key, value in table.items())
            lines.append("")
    return "\n".join(lines)


def write_programme(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(toml_text(document), encoding="utf-8")
    return path


def changed(**programme: str) -> dict[str, Any]:
    """The bundled programme with other [programme] keys (title, short_title, board, …)."""
    document = bundled()
    document["programme"].update(programme)
    return document


def country(document: dict[str, Any], iso3: str) -> dict[str, Any]:
    return next(entry for entry in document["countries"] if entry["iso3"] == iso3)


def result(document: dict[str, Any], code: str) -> dict[str, Any]:
    return next(entry for entry in document["results"] if entry["code"] == code)
