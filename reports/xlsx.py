"""The board pack as an .xlsx workbook (openpyxl), formatted for print: widths, number formats, frozen
header rows, the header row repeated on every printed page, landscape A4 fitted to the page width.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from mm_core import formats
from mm_core.charts import STATUS_COLORS
from mm_core.safety import shorten

from .content import BoardPack, Table
from .values import cell_value, text_value

NAVY = "1F3864"
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color=NAVY)
TABLE_TITLE_FONT = Font(bold=True, size=11, color=NAVY)
NOTE_FONT = Font(italic=True, size=9, color="333333")
TOTAL_BORDER = Border(top=Side(style="thin", color="000000"))
NUMBER_FORMATS = formats.EXCEL_FORMATS  # one format per kind of value, as on the pages (mm_core/formats.py)
NUMERIC_KINDS = ("int", "usd", "percent", "number")
ROW_HEIGHT_PIXELS = 20  # Excel's default row height (15 pt)
MAX_ROW_HEIGHT = 409  # points: Excel's limit
# A page header holds at most 255 characters, its codes included; the programme line on the left takes ~100.
HEADER_TITLE_CHARACTERS = 120


def _row_height(text: str, characters_per_line: int) -> float:
    """Points for a wrapped text of that many characters per line, within Excel's limit."""
    return min(MAX_ROW_HEIGHT, 15 * max(1, math.ceil(len(text) / characters_per_line)))


def _header_text(text: str, limit: int = HEADER_TITLE_CHARACTERS) -> str:
    """`text` for a page header: '&' doubled (it starts a code there), shortened to `limit` characters."""
    length = limit
    while len(shortened := shorten(text, length).replace("&", "&&")) > limit:
        length -= 1
    return shortened


def write_workbook(pack: BoardPack, path: Path) -> Path:
    workbook = Workbook()
    workbook.properties.title = shorten(f"{pack.title} — {pack.programme.title}", 200)
    workbook.properties.creator = "Programme Management Unit"
    _cover(workbook.active, pack)
    for section in pack.sections:
        sheets: dict[str, list[Table]] = {}
        for table in section.tables:
            if table.in_xlsx:
                sheets.setdefault(table.sheet or section.sheet, []).append(table)
        for name, tables in sheets.items():
            title = section.title if name == section.sheet else f"{tables[0].title}, {pack.scope.period}"
            intro = section.intro if name == section.sheet else ""
            _table_sheet(workbook.create_sheet(name), pack, title, intro, tables)
    _charts(workbook.create_sheet("Charts"), pack)
    workbook.save(path)
    return path


# --- sheets -------------------------------------------------------------------------------------------

def _heading(sheet: Worksheet, pack: BoardPack, title: str, intro: str, width: int) -> int:
    """Title, programme line and intro; returns the next free row."""
    sheet["A1"] = title
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = text_value(f"{pack.programme_name} · status as of {pack.as_of:%d %B %Y}")
    sheet["A2"].font = Font(italic=True, color="333333")
    row = 3
    if intro:
        sheet.cell(row=row, column=1, value=intro).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 1))
        sheet.row_dimensions[row].height = _row_height(intro, 160)
        row += 1
    return row + 1


def _write_table(sheet: Worksheet, table: Table, row: int) -> tuple[int, int]:
    """Writes the table's title, header and rows from `row`; returns (header row, next free row)."""
    sheet.cell(row=row, column=1, value=table.title).font = TABLE_TITLE_FONT
    header_row = row + 1
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=header_row, column=index, value=column.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center",
                                   horizontal="right" if column.kind in NUMERIC_KINDS else "left")
    sheet.row_dimensions[header_row].height = 30
    last = header_row
    for offset, record in enumerate(table.frame.to_dict("records"), start=1):
        last = header_row + offset
        is_total = table.total_row and offset == len(table.frame)
        for index, column in enumerate(table.columns, start=1):
            cell = sheet.cell(row=last, column=index, value=cell_value(record.get(column.key), column.kind))
            if column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            if column.kind == "text":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
            if is_total:
                cell.font, cell.border = Font(bold=True), TOTAL_BORDER
    if not len(table.frame):
        sheet.cell(row=header_row + 1, column=1, value="No rows.").font = NOTE_FONT
        last = header_row + 1
    for index, column in enumerate(table.columns, start=1):
        if column.kind == "status" and len(table.frame):
            _status_colours(sheet, f"{get_column_letter(index)}{header_row + 1}:{get_column_letter(index)}{last}")
    if table.note:
        last += 1
        sheet.cell(row=last, column=1, value=table.note).font = NOTE_FONT
    return header_row, last + 2


def _status_colours(sheet: Worksheet, cells: str) -> None:
    """Okabe–Ito fill by status; the status word stays in the cell, so it reads in black and white."""
    for status, colour in STATUS_COLORS.items():
        fill = PatternFill(fill_type="solid", start_color=colour.lstrip("#"), end_color=colour.lstrip("#"))
        sheet.conditional_formatting.add(cells, CellIsRule(operator="equal", formula=[f'"{status}"'], fill=fill,
                                                           font=Font(bold=status == "off track", color="000000")))


def _table_sheet(sheet: Worksheet, pack: BoardPack, title: str, intro: str, tables: list[Table]) -> None:
    width = max(len(t.columns) for t in tables)
    row = _heading(sheet, pack, title, intro, width)
    header_rows = []
    for table in tables:
        header_row, row = _write_table(sheet, table, row)
        header_rows.append(header_row)
    _set_widths(sheet, tables)
    if len(tables) == 1:
        header = header_rows[0]
        sheet.freeze_panes = f"{'C' if len(tables[0].columns) > 8 else 'A'}{header + 1}"
        sheet.print_title_rows = f"{header}:{header}"
        sheet.auto_filter.ref = f"A{header}:{get_column_letter(len(tables[0].columns))}{max(row - 2, header)}"
    else:
        sheet.freeze_panes = "A3"
        sheet.print_title_rows = "1:2"
    _print_setup(sheet, pack)


def _set_widths(sheet: Worksheet, tables: list[Table]) -> None:
    widths: dict[int, float] = {}
    for table in tables:
        for index, column in enumerate(table.columns, start=1):
            # a header wraps between words (wrap_text), never inside one: room for its longest word, in bold
            longest = max((len(word) for word in column.header.split()), default=0) * 1.15 + 1
            widths[index] = max(widths.get(index, 0), column.width, longest)
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width


def _print_setup(sheet: Worksheet, pack: BoardPack, fit_height: int = 0) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = fit_height  # 0: as many pages down as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddHeader.left.text = _header_text(pack.programme_name)
    sheet.oddHeader.left.size = 8
    sheet.oddHeader.right.text = _header_text(pack.title)  # holds a country's name in a country pack
    sheet.oddHeader.right.size = 8
    sheet.oddFooter.left.text = f"Status as of {formats.date(pack.as_of)}"
    sheet.oddFooter.left.size = 8
    sheet.oddFooter.right.text = "&A · page &P of &N"
    sheet.oddFooter.right.size = 8


def _cover(sheet: Worksheet, pack: BoardPack) -> None:
    sheet.title = "Cover"
    sheet["A1"] = text_value(pack.heading)
    sheet["A1"].font = Font(bold=True, size=18, color=NAVY)
    sheet["A2"] = text_value(pack.programme_name)
    sheet["A2"].font = Font(bold=True, size=12)
    row = 4
    for label, text in pack.cover_lines:
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        cell = sheet.cell(row=row, column=2, value=text_value(text))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)  # stays inside the print area
        sheet.row_dimensions[row].height = _row_height(text, 80)
        row += 1
    sheet.column_dimensions["A"].width = 46
    for letter, width in zip("BCDE", (22, 22, 14, 14)):
        sheet.column_dimensions[letter].width = width
    _print_setup(sheet, pack, fit_height=1)


def _charts(sheet: Worksheet, pack: BoardPack) -> None:
    _heading(sheet, pack, f"Charts, {pack.scope.period}", "", 1)
    row = 4
    for section in pack.sections:
        for figure in section.figures:
            if row > 4:  # one chart per printed page
                sheet.row_breaks.append(Break(id=row - 1))
            sheet.cell(row=row, column=1, value=f"{section.sheet}: {figure.title}").font = TABLE_TITLE_FONT
            sheet.cell(row=row + 1, column=1, value=figure.caption).font = NOTE_FONT
            row += 2
            if figure.png is None:
                sheet.cell(row=row, column=1, value=figure.note).font = Font(italic=True, color="C00000")
                row += 2
                continue
            image = Image(io.BytesIO(figure.png))
            image.width, image.height = figure.display_size
            sheet.add_image(image, f"A{row}")
            row += math.ceil(image.height / ROW_HEIGHT_PIXELS) + 2
    sheet.column_dimensions["A"].width = 14
    _print_setup(sheet, pack)
    sheet.print_title_rows = "1:2"
