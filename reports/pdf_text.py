"""Texts too long for their place in the PDF (a narrative, a title or a name can be as long as a cell holds,
32,767 characters, ten pages).

A table cell keeps its first lines and says which note holds the rest; the notes follow the table, at the
page's full width, and flow over as many pages as they need. We do not let reportlab split such a row over
pages (Table's splitInRow): a 32,767-character indicator title in its 230-point column would be ten pages
of a narrow strip beside empty cells, and the rows after it pages away. With the notes, the table still
reads down one row per line, and the whole text reads as prose right after it, in a third of the pages.

Every cell stays well under a page high, so reportlab never meets a row it cannot place (LayoutError).
A heading keeps its start, and the whole text follows it; the running header is cut to its width.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from mm_core.safety import shorten

# Points of a cell's text (20 lines of a table) before the rest goes to a note. Wrapping can waste up to half
# of each line (a word just too long for what is left of it moves down), so a cell stays under 360 points:
# with the table's header row, well inside the 487-point frame.
MAX_CELL_HEIGHT = 180
MAX_HEADING_LINES = 2
BOOKMARK_CHARACTERS = 100
CELL_PADDING = 6  # the tables' left + right padding, in points
WORD_BOUNDARY_SEARCH = 40  # characters: a cut moves back to a space this close, rather than split a word


def text_width(text: str, style: ParagraphStyle) -> float:
    return stringWidth(text, style.fontName, style.fontSize)


def prefix_within(text: str, style: ParagraphStyle, width: float) -> str:
    """The longest start of `text` no wider than `width` points on one line, ended at a space if one is near."""
    low, high = 0, len(text)
    while low < high:  # binary search on the length: the width grows with it
        middle = (low + high + 1) // 2
        if text_width(text[:middle], style) <= width:
            low = middle
        else:
            high = middle - 1
    prefix = text[:low]
    space = prefix.rfind(" ", max(0, low - WORD_BOUNDARY_SEARCH))
    return prefix[:space] if space > 0 and low < len(text) else prefix


class Notes:
    """The long texts of one table, numbered in the order their cells appear."""

    def __init__(self, style: ParagraphStyle):
        self.style = style
        self.texts: list[tuple[str, str]] = []  # (where: column header and row, whole text)

    def cell(self, text: str, style: ParagraphStyle, width: float, header: str,
             row: Callable[[], str] = lambda: "") -> str:
        """Markup for a cell `width` points wide: the whole text, or its start and the number of its note.
        `row()` names the row in the note (e.g. 'Accomplishments · Output 1'), asked only for a long text."""
        line = width - CELL_PADDING
        lines = int(MAX_CELL_HEIGHT // style.leading)
        if text_width(text, style) <= line * lines:
            return escape(text)
        name = row()
        self.texts.append((f"{header} ({name})" if name else header, text))
        start = prefix_within(text, style, line * (lines - 2))  # two lines for the pointer
        return f"{escape(start)} … <i>(continued in note {len(self.texts)} after this table)</i>"

    def flowables(self) -> list[Paragraph]:
        return [Paragraph(f"<b>Note {number} · {escape(where)}:</b> {escape(text)}", self.style)
                for number, (where, text) in enumerate(self.texts, start=1)]


def heading(text: str, style: ParagraphStyle, note_style: ParagraphStyle, width: float, key: str | None,
            level: int) -> list[Paragraph]:
    """A heading (with a bookmark when `key` is given); a long one keeps its start and the whole text follows."""
    whole = None
    shown = escape(text)
    if text_width(text, style) > width * MAX_HEADING_LINES:
        start = prefix_within(text, style, width * (MAX_HEADING_LINES - 0.5))
        shown, whole = f"{escape(start)} … <i>(in full below)</i>", Paragraph(escape(text), note_style)
    paragraph = Paragraph(shown, style)
    if key:
        paragraph.bookmark = (key, shorten(text, BOOKMARK_CHARACTERS), level)
    return [paragraph] + ([whole] if whole else [])


def one_line(text: str, font: str, size: float, width: float) -> str:
    """`text` cut with '…' to fit `width` points on one line (the running header)."""
    if stringWidth(text, font, size) <= width:
        return text
    style = ParagraphStyle("measure", fontName=font, fontSize=size)
    return prefix_within(text, style, width - stringWidth(" …", font, size)) + " …"
