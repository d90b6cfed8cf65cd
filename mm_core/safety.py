"""Text from data made safe: in exports, and on the page.

Neutralising user text in exports: a cell that starts with =, +, -, @ (or a tab / carriage return)
is run as a formula by spreadsheet programs, so exported text gets a leading apostrophe.

Numbers are never touched: only text that came from a workbook or a form can carry a formula.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    cleaned = frame.copy()
    for column in cleaned.columns:
        if cleaned[column].dtype == object or pd.api.types.is_string_dtype(cleaned[column]):
            cleaned[column] = cleaned[column].map(neutralise)
    return cleaned


# --- Text from data shown on a page -------------------------------------------------------------------
# Streamlit renders titles, captions, labels and st.markdown as Markdown (with links, images, colours,
# emoji and maths). Text that comes from a workbook, an upload, the URL or the warehouse is passed through
# `markdown_literal` before it goes into such an element, or shown with st.text (no Markdown at all).
# Every ASCII punctuation character that Markdown or Streamlit's extensions (:colour[...], :emoji:, $maths$)
# give a meaning, backslash-escaped; / , ; ? @ have none on their own and stay readable.
MARKDOWN_PUNCTUATION = re.compile(r"""([!"#$%&'()*+\-.:<=>\[\\\]^_`{|}~])""")
# GitHub's autolinks need no punctuation (http://host, www.host, name@host): a word joiner (U+2060, never
# shown) before the ':', '.' or '@' that would make one keeps the text as typed, without the link.
AUTOLINK_TRIGGER = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?<=[-.\w+])(?=@)")
WORD_JOINER = "\u2060"
# Characters that turn the direction of the text after them (right-to-left override U+202E, embeddings and
# isolates): in a value echoed in a sentence they would show the rest of the sentence reversed. Written out
# as their code instead ('\u202e'), as the Upload page writes a file name's control characters.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
SHORT_TEXT = 80  # characters of a value echoed back in a message (a URL parameter, a file name)


def shorten(text: str, limit: int = SHORT_TEXT) -> str:
    """The text cut to `limit` characters, with an ellipsis when it was longer."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def markdown_literal(value: Any, limit: int | None = None) -> str:
    """`value` as text that Streamlit's Markdown shows exactly as typed, on one line: no link, image, colour,
    emphasis, HTML, heading, list or table can come from it, nor a change of direction of the text after it.
    Cut to `limit` characters when given. (The ETL keeps texts on one line already: line breaks in a cell are
    read as spaces.)"""
    text = " ".join(str("" if value is None else value).split())
    if limit is not None:
        text = shorten(text, limit)
    text = DIRECTION_CONTROLS.sub(lambda found: f"\\u{ord(found.group()):04x}", text)
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", AUTOLINK_TRIGGER.sub(WORD_JOINER, text))


# Folders of an absolute path in a message shown on the page ("/tmp/mm-upload-x/uploads/JAM.xlsx" becomes
# "JAM.xlsx"): a path starts a message or follows a space, quote or bracket, so a URL's "//host/" is left.
FOLDERS = re.compile(r"(?:^|(?<=[\s'\"(\[<=]))/(?:[^/\s'\"]+/)+")


def without_folders(text: str, known: tuple[Path, ...] = ()) -> str:
    """A message with every absolute path reduced to its last part, the file's name: the server's folders
    are not shown in the browser (they go to the server log). Paths under the `known` folders are found
    even when they hold spaces."""
    for folder in sorted(known, key=lambda f: -len(str(f))):
        # the folder (spaces and all), then its subfolders (named without spaces, as FOLDERS reads them)
        text = re.sub(re.escape(str(folder).rstrip("/") + "/") + r"(?:[^/\s'\"]+/)*", "", text)
    return FOLDERS.sub("", text)
