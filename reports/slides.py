"""The board pack as slides (.pptx, python-pptx) for donor briefings: a title slide, the key figures, the key
messages, one slide per output and per country with its chart and status table, and the decisions needed.
Built from the same content (reports/content.py) as the workbook and the PDF, so the figures agree.

Text from data is plain text in a slide (no markup is read); a text longer than its place is cut with '…'
and the slide says where the whole text is (the PDF and the workbook hold it in full).
"""

from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from mm_core import formats
from mm_core.safety import shorten

from .content import BoardPack, Brief, Section, Table
from .values import UNPRINTABLE, display_text

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
NAVY = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x33, 0x33, 0x33)
TITLE_CHARACTERS = 110
CELL_CHARACTERS = 160
MAX_TABLE_ROWS = 12  # rows of a table on one slide; the rest are counted in a line under it
FULL_TEXT = "(cut: the PDF and the workbook hold the whole text)"


def _text(value) -> str:
    return UNPRINTABLE.sub("\ufffd", str(value))


def _cut(text: str, limit: int) -> str:
    text = _text(text)
    return text if len(text) <= limit else shorten(text, limit)


def slide_titles(pack: BoardPack) -> list[str]:
    """The titles of the slides `write_slides` makes, in order (the tests and the dashboard list them)."""
    summary = pack.sections[0]
    titles = [pack.heading, f"Key figures, {pack.scope.period}", "Key messages"]
    titles += [pack.changes.title] if pack.changes else []
    titles += [_cut(brief.title, TITLE_CHARACTERS) for brief in pack.briefs]
    titles.append(summary.tables[summary.beside].title)  # the decisions, right after the key figures
    return titles


def write_slides(pack: BoardPack, path: Path) -> Path:
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = WIDTH, HEIGHT
    layout = presentation.slide_layouts[6]  # blank
    summary = pack.sections[0]
    tables = {t.title: t for t in summary.tables}
    titles = iter(slide_titles(pack))

    slide = presentation.slides.add_slide(layout)
    _title(slide, next(titles), Pt(36), top=Inches(2.0))
    _paragraphs(slide, [pack.programme_name, f"Reporting period {pack.scope.period} ({pack.period_dates})",
                        f"Status as of {formats.date(pack.as_of)}"] + ([pack.country_name] if pack.country_name else []),
                Inches(3.4), Pt(20))

    slide = presentation.slides.add_slide(layout)
    _title(slide, next(titles))
    figures = summary.tables[:summary.beside]
    width = (WIDTH - 2 * MARGIN - Inches(0.3) * (len(figures) - 1)) / max(1, len(figures))
    for number, table in enumerate(figures):
        left = MARGIN + number * (width + Inches(0.3))
        _caption(slide, table.title, left, Inches(1.2), width, Pt(16), bold=True)
        _table(slide, table, left, Inches(1.7), width, Pt(13))

    slide = presentation.slides.add_slide(layout)
    _title(slide, next(titles))
    messages = tables["Key messages"].frame
    _paragraphs(slide, [_cut(m, 300) for m in messages["message"]], Inches(1.2), Pt(16), bullets=True)

    if pack.changes:
        _changes(presentation.slides.add_slide(layout), next(titles), pack.changes)

    for brief in pack.briefs:
        _brief(presentation.slides.add_slide(layout), next(titles), brief)

    slide = presentation.slides.add_slide(layout)
    _title(slide, next(titles))
    decisions = summary.tables[summary.beside]
    if decisions.frame.empty:
        _paragraphs(slide, ["No decision was asked of the board for the period."], Inches(1.4), Pt(18))
    else:
        _table(slide, decisions, MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Pt(12))
    if decisions.note:
        _caption(slide, decisions.note, MARGIN, HEIGHT - Inches(0.8), WIDTH - 2 * MARGIN, Pt(12))
    presentation.save(path)
    return path


def _changes(slide, title: str, changes: Section) -> None:
    """The sentence that says since which pack, and the count of each kind of change (the PDF and the workbook
    list them)."""
    _title(slide, title)
    _caption(slide, _cut(changes.intro, 400), MARGIN, Inches(1.2), WIDTH - 2 * MARGIN, Pt(16))
    counts = changes.tables[0]
    if not counts.frame.empty:
        _table(slide, counts, MARGIN, Inches(2.3), Inches(8), Pt(14))
        _caption(slide, "Each change is listed in the PDF and the workbook.", MARGIN, HEIGHT - Inches(0.8),
                 WIDTH - 2 * MARGIN, Pt(12))


def _brief(slide, title: str, brief: Brief) -> None:
    _title(slide, title, Pt(24))
    _caption(slide, brief.facts, MARGIN, Inches(1.15), WIDTH - 2 * MARGIN, Pt(14))
    chart_width = Inches(7.3)
    if brief.figure.png is not None:
        width, height = brief.figure.display_size
        room_w, room_h = chart_width, HEIGHT - Inches(2.0)
        scale = min(room_w / width, room_h / height)
        slide.shapes.add_picture(io.BytesIO(brief.figure.png), MARGIN, Inches(1.7), Emu(int(width * scale)),
                                 Emu(int(height * scale)))
    else:
        _caption(slide, brief.figure.note or "Chart not drawn.", MARGIN, Inches(1.8), chart_width, Pt(12))
    left = MARGIN + chart_width + Inches(0.3)
    _table(slide, brief.table, left, Inches(1.7), WIDTH - left - MARGIN, Pt(11))


def _title(slide, text: str, size=Pt(28), top=Inches(0.35)) -> None:
    _caption(slide, text, MARGIN, top, WIDTH - 2 * MARGIN, size, bold=True, colour=NAVY)


def _caption(slide, text: str, left, top, width, size, bold: bool = False, colour=GREY) -> None:
    box = slide.shapes.add_textbox(left, top, width, Inches(0.6))
    frame = box.text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = _text(text)
    run.font.size, run.font.bold, run.font.color.rgb = size, bold, colour


def _paragraphs(slide, texts: list[str], top, size, bullets: bool = False) -> None:
    box = slide.shapes.add_textbox(MARGIN, top, WIDTH - 2 * MARGIN, HEIGHT - top - MARGIN)
    frame = box.text_frame
    frame.word_wrap = True
    for number, text in enumerate(texts):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(8)
        run = paragraph.add_run()
        run.text = ("• " if bullets else "") + _text(text)
        run.font.size = size


def _table(slide, table: Table, left, top, width, size) -> None:
    """The table's first rows (MAX_TABLE_ROWS), each cell as the PDF prints it, long texts cut visibly."""
    columns = table.columns
    records = table.frame.to_dict("records")
    shown = records[:MAX_TABLE_ROWS]
    rows = len(shown) + 1
    shape = slide.shapes.add_table(rows, len(columns), left, top, width, Emu(int(Pt(size.pt * 2.2)) * rows))
    grid = shape.table
    total = sum(c.width for c in columns)
    for index, column in enumerate(columns):
        grid.columns[index].width = Emu(int(width * column.width / total))
        _cell(grid.cell(0, index), column.header, size, bold=True)
    cut = False
    for row, record in enumerate(shown, start=1):
        for index, column in enumerate(columns):
            text = display_text(record.get(column.key), column.kind)
            if len(text) > CELL_CHARACTERS:
                text, cut = shorten(text, CELL_CHARACTERS), True
            _cell(grid.cell(row, index), text, size, bold=table.total_row and row == len(records))
    notes = []
    if len(records) > MAX_TABLE_ROWS:
        notes.append(f"{len(records) - MAX_TABLE_ROWS} more rows in the PDF and the workbook.")
    if cut:
        notes.append(f"Texts ending in '…' are {FULL_TEXT[1:-1]}.")
    if notes:
        _caption(slide, " ".join(notes), left, HEIGHT - Inches(0.7), width, Pt(11))


def _cell(cell, text: str, size, bold: bool = False) -> None:
    frame = cell.text_frame
    frame.word_wrap = True
    frame.paragraphs[0].text = ""
    run = frame.paragraphs[0].add_run()
    run.text = _text(text)
    run.font.size, run.font.bold = size, bold
