"""The board pack as a PDF (reportlab): landscape A4, a header with the programme and period on every
page, "page N of M" in the footer, bookmarks per section. It reads in black and white: every status is
written as a word in its cell (the colour is only a tint behind it) and the charts carry their meaning
by position, labels, shapes and dash patterns.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (CondPageBreak, Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer,
                                Table, TableStyle)

from mm_core import formats
from mm_core.charts import STATUS_COLORS
from mm_core.safety import shorten

from . import content
from .content import BoardPack
from .pdf_text import CELL_PADDING, Notes, heading, one_line
from .values import MISSING, display_text

PAGE = landscape(A4)
MARGIN = 36
TOP = 54
BOTTOM = 42
FRAME_WIDTH = PAGE[0] - 2 * MARGIN
FRAME_HEIGHT = PAGE[1] - TOP - BOTTOM
NAVY = colors.HexColor("#1F3864")
GRID = colors.HexColor("#999999")
ZEBRA = colors.HexColor("#F2F2F2")
NUMERIC_KINDS = ("int", "usd", "percent", "number")
PIXEL = 0.75  # points per CSS pixel
MAX_ROWS_BESIDE = 12  # cover tables longer than this get the full width below
ROW_NAME_CHARACTERS = 40
MAX_FIGURE_SCALE = 1.6  # a chart is enlarged to the page's width up to this (its type then ~14 pt at most)  # of each label naming a row in a note

# A TrueType font with wide coverage (country and partner names are not all Latin-1): Debian's DejaVu
# when present, else the Bitstream Vera that ships inside reportlab.
FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/", ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
                                           "DejaVuSans-BoldOblique.ttf")),
    (str(Path(__import__("reportlab").__file__).parent / "fonts") + "/", ("Vera.ttf", "VeraBd.ttf", "VeraIt.ttf",
                                                                          "VeraBI.ttf")),
)
FONT = "BoardPack"


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for folder, files in FONT_CANDIDATES:
        if all(Path(folder, f).is_file() for f in files):
            names = [FONT, f"{FONT}-Bold", f"{FONT}-Italic", f"{FONT}-BoldItalic"]
            for name, file in zip(names, files):
                pdfmetrics.registerFont(TTFont(name, str(Path(folder, file))))
            pdfmetrics.registerFontFamily(FONT, normal=names[0], bold=names[1], italic=names[2], boldItalic=names[3])
            return
    raise RuntimeError("no TrueType font found for the PDF")  # reportlab always ships Vera


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5)
    return {
        "body": base,
        "cover_title": ParagraphStyle("cover_title", base, fontName=f"{FONT}-Bold", fontSize=24, leading=30,
                                      textColor=NAVY, spaceAfter=6),
        "cover_line": ParagraphStyle("cover_line", base, fontSize=11, leading=15),
        "cover_subtitle": ParagraphStyle("cover_subtitle", base, fontSize=14, leading=18, spaceAfter=14),
        "h1": ParagraphStyle("h1", base, fontName=f"{FONT}-Bold", fontSize=16, leading=20, textColor=NAVY,
                             spaceAfter=6),
        "h2": ParagraphStyle("h2", base, fontName=f"{FONT}-Bold", fontSize=11.5, leading=15, textColor=NAVY,
                             spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", base, fontName=f"{FONT}-Bold", fontSize=10, leading=13, spaceBefore=8,
                             spaceAfter=3),
        "note": ParagraphStyle("note", base, fontName=f"{FONT}-Italic", fontSize=8, leading=10,
                               textColor=colors.HexColor("#333333"), spaceBefore=2),
        "long_text": ParagraphStyle("long_text", base, fontSize=9, leading=12, spaceBefore=4),
        "cell": ParagraphStyle("cell", base, fontSize=7.5, leading=9),
        "cell_right": ParagraphStyle("cell_right", base, fontSize=7.5, leading=9, alignment=TA_RIGHT),
        "cell_bold": ParagraphStyle("cell_bold", base, fontName=f"{FONT}-Bold", fontSize=7.5, leading=9),
        "header": ParagraphStyle("header", base, fontName=f"{FONT}-Bold", fontSize=7.5, leading=9,
                                 textColor=colors.white),
        "header_right": ParagraphStyle("header_right", base, fontName=f"{FONT}-Bold", fontSize=7.5, leading=9,
                                       textColor=colors.white, alignment=TA_RIGHT),
        "missing": ParagraphStyle("missing", base, fontName=f"{FONT}-Italic", fontSize=9, textColor=colors.HexColor(
            "#C00000")),
    }


def _tint(hex_colour: str, share: float = 0.45) -> colors.Color:
    """The colour mixed with white: a background light enough for black text, and pale grey in B/W."""
    colour = colors.HexColor(hex_colour)
    return colors.Color(*(c + (1 - c) * (1 - share) for c in (colour.red, colour.green, colour.blue)))


class _NumberedCanvas(pdf_canvas.Canvas):
    """Holds the pages back until the end so each footer can say 'page N of M'."""

    def __init__(self, *args, pack: BoardPack, **kwargs):
        super().__init__(*args, **kwargs)
        self._pack = pack
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        pack, width, height = self._pack, PAGE[0], PAGE[1]
        self.saveState()
        self.setFont(FONT, 8)
        self.setFillColor(colors.black)
        # the programme's name from the warehouse: at most two thirds of the line, the pack's title beside it
        programme = one_line(pack.programme_name, FONT, 8, FRAME_WIDTH * 2 / 3)
        self.drawString(MARGIN, height - 30, programme)
        self.setFont(f"{FONT}-Bold", 8)
        room = FRAME_WIDTH - pdfmetrics.stringWidth(programme, FONT, 8) - 24  # a country's name can be long
        self.drawRightString(width - MARGIN, height - 30, one_line(pack.title, f"{FONT}-Bold", 8, room))
        self.setStrokeColor(GRID)
        self.setLineWidth(0.5)
        self.line(MARGIN, height - 36, width - MARGIN, height - 36)
        self.line(MARGIN, 30, width - MARGIN, 30)
        self.setFont(FONT, 8)
        self.drawString(MARGIN, 18, f"Status as of {formats.date(pack.as_of)} · generated "
                                    f"{formats.date_time(pack.generated_at)}")
        self.drawRightString(width - MARGIN, 18, f"Page {self._pageNumber} of {total}")
        self.restoreState()


class _Document(SimpleDocTemplate):
    """Adds a PDF bookmark for each heading flowable that carries one."""

    def afterFlowable(self, flowable):  # noqa: N802 - reportlab's name
        bookmark = getattr(flowable, "bookmark", None)
        if bookmark:
            key, text, level = bookmark
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)


def write_pdf(pack: BoardPack, path: Path) -> Path:
    _register_fonts()
    styles = _styles()
    story = _cover(pack, styles)
    for number, section in enumerate(pack.sections, start=1):
        story.append(PageBreak())
        story.append(_heading(section.title, styles["h1"], f"section{number}", 0))
        story.append(Paragraph(escape(section.intro), styles["body"]))
        story.append(Spacer(1, 6))
        tables = [t for t in section.tables if t.in_pdf]
        story.extend(_tables_beside(tables[:section.beside], styles))
        for index, table in enumerate(tables[section.beside:], start=section.beside):
            story.extend(_table_block(table, styles, f"section{number}.{index}"))
        for figure_number, figure in enumerate(section.figures):
            story.append(_figure_block(figure, styles, f"section{number}.figure{figure_number}"))
    document = _Document(str(path), pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP,
                         bottomMargin=BOTTOM,
                         title=f"{shorten(pack.title, 200)} — {shorten(pack.programme.title, 200)}",
                         author="Programme Management Unit", subject=shorten(pack.programme_name, 400))
    document.build(story, canvasmaker=lambda *a, **k: _NumberedCanvas(*a, pack=pack, **k))
    return path


def _heading(text: str, style: ParagraphStyle, key: str, level: int) -> Paragraph:
    paragraph = Paragraph(escape(text), style)
    paragraph.bookmark = (key, text, level)
    return paragraph


# --- cover --------------------------------------------------------------------------------------------

def _cover(pack: BoardPack, styles) -> list:
    story = [Spacer(1, 60), _heading(pack.heading, styles["cover_title"], "cover", 0),
             Paragraph(escape(pack.programme_name), styles["cover_subtitle"]), Spacer(1, 20)]
    notes = Notes(styles["long_text"])
    lines = [[Paragraph(f"<b>{escape(label)}</b>", styles["cover_line"]),
              Paragraph(notes.cell(display_text(text, "text"), styles["cover_line"], FRAME_WIDTH - 150, label),
                        styles["cover_line"])] for label, text in pack.cover_lines]
    facts = Table(lines, colWidths=[150, FRAME_WIDTH - 150], hAlign="LEFT")
    facts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                               ("TOPPADDING", (0, 0), (-1, -1), 2), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return story + [facts, *notes.flowables()]


def _tables_beside(tables: list[content.Table], styles) -> list:
    """Small tables side by side (the executive summary's key figures). A table inside a grid cell cannot break
    across pages, so only short tables are set beside each other; the long texts of their cells are printed as
    notes after the row."""
    beside = [t for t in tables if len(t.frame) <= MAX_ROWS_BESIDE]
    below = [t for t in tables if t not in beside]
    story = []
    if beside:
        gap = 12
        column_width = (FRAME_WIDTH - gap * (len(beside) - 1)) / len(beside)
        beside_notes = [Notes(styles["long_text"]) for _ in beside]
        row = [_table_flowables(t, styles, column_width, n) for t, n in zip(beside, beside_notes)]
        grid = Table([row], colWidths=[column_width + gap] * (len(beside) - 1) + [column_width], hAlign="LEFT")
        grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), gap)]))
        story += [grid, *_numbered_notes(beside, beside_notes, styles), Spacer(1, 4)]
    for table in below:
        story.extend(_table_block(table, styles, None))
    return story


def _table_flowables(table: content.Table, styles, width: float, notes: Notes) -> list:
    """A small table for a grid cell; its long texts go to `notes`, to be printed after the grid."""
    flowables = [Paragraph(escape(table.title), styles["h2"]),
                 _grid(table, table.frame, table.columns, styles, width, notes)]
    if table.note:
        flowables.append(Paragraph(escape(table.note), styles["note"]))
    return flowables


def _numbered_notes(tables: list[content.Table], notes: list[Notes], styles) -> list:
    """The notes of tables printed side by side, each under the title of its table."""
    flowables = []
    for table, table_notes in zip(tables, notes):
        if table_notes.texts:
            flowables += [Paragraph(f"Notes to “{escape(table.title)}”", styles["h3"]),
                          *table_notes.flowables()]
    return flowables


# --- tables -------------------------------------------------------------------------------------------

def _table_block(table: content.Table, styles, key: str | None) -> list:
    """A titled table; a grouped table (group_column) is one table per group under the group as heading.
    Each starts on a new page only when fewer than a few rows would fit, then flows over pages."""
    if table.group_column and not table.frame.empty:
        columns = [c for c in table.columns if c.key != table.group_column and c.key not in table.pdf_hidden]
        block = []
        for number, (group, rows) in enumerate(table.frame.groupby(table.group_column, sort=False)):
            notes = Notes(styles["long_text"])
            block += [CondPageBreak(90), *heading(display_text(group, "text"), styles["h2"], styles["long_text"],
                                                  FRAME_WIDTH, key and f"{key}.{number}", 1),
                      _grid(table, rows, columns, styles, FRAME_WIDTH, notes), *notes.flowables()]
    else:
        title = Paragraph(escape(table.title), styles["h2"])
        if key:
            title.bookmark = (key, table.title, 1)
        columns = [c for c in table.columns if c.key not in table.pdf_hidden]
        notes = Notes(styles["long_text"])
        body = (_grid(table, table.frame, columns, styles, FRAME_WIDTH, notes) if not table.frame.empty
                else Paragraph("No rows.", styles["note"]))
        block = [CondPageBreak(90), title, body, *notes.flowables()]
    if table.note:
        block.append(Paragraph(escape(table.note), styles["note"]))
    return block


def _grid(table: content.Table, frame, columns, styles, width: float, notes: Notes) -> Table:
    """A table with a repeated header row; status cells tinted and always written out. A text too long for
    its cell ends with a pointer to its note in `notes` (to be printed after the table)."""
    widths = column_widths(columns, width, styles["header"])
    header = [Paragraph(escape(c.header), styles["header_right" if c.kind in NUMERIC_KINDS else "header"])
              for c in columns]
    rows = [header]
    commands = [("BACKGROUND", (0, 0), (-1, 0), NAVY), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.25, GRID), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    records = frame.to_dict("records")
    repeats = table.pdf_blank_repeats
    stripe = True
    for number, record in enumerate(records, start=1):
        repeated = bool(repeats) and number > 1 and record[repeats[0]] == records[number - 2][repeats[0]]
        blank = set(repeats) if repeated else set()
        stripe = stripe if repeated else not stripe  # rows that belong together share a stripe
        is_total = table.total_row and number == len(records)
        if stripe:  # before the status tints, which must win
            commands.append(("BACKGROUND", (0, number), (-1, number), ZEBRA))
        cells = []
        for index, column in enumerate(columns):
            style = styles["cell_right"] if column.kind in NUMERIC_KINDS else styles["cell"]
            text = "" if column.key in blank else notes.cell(
                display_text(record.get(column.key), column.kind), style, widths[index], column.header,
                lambda record=record, column=column: _row_name(record, columns, column))
            if column.kind == "status" and record.get(column.key) in STATUS_COLORS:
                tint = _tint(STATUS_COLORS[record[column.key]])
                commands.append(("BACKGROUND", (index, number), (index, number), tint))
                if record[column.key] == "off track":
                    text = f"<b>{text}</b>"
            if is_total:
                text = f"<b>{text}</b>"
            cells.append(Paragraph(text, style))
        rows.append(cells)
        if is_total:
            commands.append(("LINEABOVE", (0, number), (-1, number), 1, colors.black))
    grid = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    grid.setStyle(TableStyle(commands))
    return grid


def column_widths(columns, width: float, header_style: ParagraphStyle) -> list[float]:
    """Points per column: the page's width shared in the proportions of the columns' widths, but never less than
    the longest word of a column's header (with the cell's padding), so a header wraps between words and never
    inside one ('Countr / y'). The room a narrow column needs is taken from the columns wider than their
    header's longest word, in proportion to their width."""
    total = sum(c.width for c in columns)
    widths = [width * c.width / total for c in columns]
    least = [max(pdfmetrics.stringWidth(word, header_style.fontName, header_style.fontSize)
                 for word in (c.header.split() or [""])) + CELL_PADDING + 1 for c in columns]
    for _ in range(len(columns)):  # a column raised to its least width may push another below its own
        short = sum(max(0.0, low - w) for w, low in zip(widths, least))
        if short <= 0.01:
            break
        spare = [max(0.0, w - low) for w, low in zip(widths, least)]
        if sum(spare) <= 0:
            break
        take = min(1.0, short / sum(spare))
        widths = [max(w, low) if w <= low else w - spare_w * take for w, low, spare_w in zip(widths, least, spare)]
    return widths


def _row_name(record: dict, columns, column) -> str:
    """The row's labels (codes, countries, parts) other than `column`: where a note's text belongs."""
    labels = [display_text(record.get(c.key), c.kind) for c in columns if c.kind == "label" and c is not column]
    return " · ".join(shorten(label, ROW_NAME_CHARACTERS) for label in labels if label and label != MISSING)


# --- figures ------------------------------------------------------------------------------------------

def _figure_block(figure, styles, key: str) -> KeepTogether:
    title = Paragraph(escape(figure.title), styles["h2"])
    title.bookmark = (key, figure.title, 1)
    caption = Paragraph(escape(figure.caption), styles["note"])
    if figure.png is None:
        return KeepTogether([title, Paragraph(escape(figure.note or "Chart not drawn."), styles["missing"]), caption])
    width, height = (size * PIXEL for size in figure.display_size)
    room = FRAME_HEIGHT - 70  # the title and caption
    scale = min(MAX_FIGURE_SCALE, FRAME_WIDTH / width, room / height)
    image = Image(io.BytesIO(figure.png), width=width * scale, height=height * scale, hAlign="LEFT")
    return KeepTogether([title, image, caption])
