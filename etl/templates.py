"""Excel templates for country offices, written with openpyxl from the sheet specs.

Each data sheet has a bold header row with a note on every column, dropdowns for the columns with
fixed values, date and money formats, and frozen panes. A 'Guide' sheet lists every column; a
'Lists' sheet holds the dropdown values.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import spec
from .reference import GLOBAL, Reference, load_reference

HEADER_FILL = PatternFill("solid", fgColor="1F3864")
REQUIRED_FILL = PatternFill("solid", fgColor="C00000")
HEADER_FONT = Font(bold=True, color="FFFFFF")
NUMBER_FORMATS = {spec.DATE: "yyyy-mm-dd", spec.MONTH_START: "yyyy-mm-dd", spec.MONTH_END: "yyyy-mm-dd",
                  spec.MONEY: "#,##0.00", spec.PERCENT: "0"}
MIN_VALIDATED_ROWS = 1000
# The programme's short lists the Guide sheet spells out (countries, outputs and periods are in the dropdowns)
GUIDE_LISTS = (spec.AGENCY, spec.PHASE, spec.DIMENSION, spec.CATEGORY)
KIND_ALIASES = {"results-matrix": "results", "results_matrix": "results", "work-plan": "workplan",
                "work_plan": "workplan", "finance": "expenditure", "milestone": "milestones"}


def kinds_for(name: str) -> list[str]:
    """Sheet kinds for a template name given on the command line ('all' for every sheet)."""
    name = KIND_ALIASES.get(name.lower(), name.lower())
    if name == "all":
        return [s.kind for s in spec.SHEETS]
    if name not in spec.SHEETS_BY_KIND:
        raise ValueError(f"unknown template kind '{name}': choose from all, "
                         + ", ".join(spec.SHEETS_BY_KIND))
    return [name]


def _list_values(reference: Reference) -> dict[str, list[str]]:
    return {
        spec.COUNTRY: [reference.countries[c] for c in sorted(reference.countries)] + [GLOBAL],
        spec.OUTPUT: [f"Output {code}" for code in reference.outputs],
        spec.AGENCY: [agency.code for agency in reference.programme.agencies],
        spec.PHASE: list(reference.programme.recommendation_phases),
        spec.DIMENSION: [dimension.code for dimension in reference.programme.dimensions],
        spec.CATEGORY: list(dict.fromkeys(c for d in reference.programme.dimensions for c in d.categories)),
        spec.PERIOD: list(reference.periods),
        spec.CURRENCY: sorted(reference.currencies),
        "milestone": [milestone.title for milestone in reference.programme.milestones],
    }


def _write_lists(workbook: Workbook, lists: dict[str, list[str]], sheets: list[spec.Sheet]) -> dict[str, str]:
    """A hidden sheet with one column per dropdown; returns list name -> range formula."""
    for sheet in sheets:
        for column in sheet.columns:
            if column.choices:
                lists.setdefault(f"{sheet.kind}.{column.key}", list(column.choices))
    worksheet = workbook.create_sheet("Lists")
    ranges = {}
    for index, (name, values) in enumerate(((n, v) for n, v in lists.items() if v), start=1):
        letter = get_column_letter(index)
        worksheet.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            worksheet.cell(row=row, column=index, value=value)
        ranges[name] = f"Lists!${letter}$2:${letter}${len(values) + 1}"
    worksheet.sheet_state = "hidden"
    return ranges


def _dropdown_for(sheet: spec.Sheet, column: spec.Column, ranges: dict[str, str],
                  words: dict[str, str]) -> DataValidation | None:
    if column.choices:
        source, strict = ranges[f"{sheet.kind}.{column.key}"], True
    elif column.kind in ranges:  # a list of the reference or the programme (_list_values)
        source, strict = ranges[column.kind], True
    elif sheet.kind == "milestones" and column.key == "milestone" and "milestone" in ranges:
        source, strict = ranges["milestone"], False  # the usual milestones, but others are allowed
    else:
        return None
    validation = DataValidation(type="list", formula1=f"={source}", allow_blank=not column.required,
                                showErrorMessage=strict)
    validation.error = f"{column.header}: {spec.note_of(column, words)}"
    validation.errorTitle = f"Not a valid {column.header}"
    validation.prompt = spec.note_of(column, words)
    validation.promptTitle = column.header
    return validation


def _write_data_sheet(workbook: Workbook, sheet: spec.Sheet, ranges: dict[str, str],
                      rows: list[dict[str, Any]], words: dict[str, str]) -> None:
    worksheet = workbook.create_sheet(sheet.title)
    last_row = max(MIN_VALIDATED_ROWS, len(rows) + 200)
    for index, column in enumerate(sheet.columns, start=1):
        cell = worksheet.cell(row=1, column=index, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        required = "Required. " if column.required else "Optional. "
        cell.comment = Comment(required + spec.note_of(column, words), "Programme Management Unit", width=260,
                               height=110)
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = column.width
        validation = _dropdown_for(sheet, column, ranges, words)
        if validation is not None:
            worksheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last_row}")
        number_format = NUMBER_FORMATS.get(column.kind)
        for row_index, row in enumerate(rows, start=2):
            value = row.get(column.key)
            if value is None:
                continue
            target = worksheet.cell(row=row_index, column=index, value=value)
            if number_format and isinstance(value, (int, float, dt.date)):
                target.number_format = number_format
            if column.key == "text":
                target.alignment = Alignment(wrap_text=True, vertical="top")
    worksheet.row_dimensions[1].height = 32
    worksheet.freeze_panes = "C2" if len(sheet.columns) > 6 else "A2"
    worksheet.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}1"


def _write_guide(workbook: Workbook, sheets: list[spec.Sheet], reference: Reference,
                 lists: dict[str, list[str]]) -> None:
    programme = reference.programme
    worksheet = workbook.active
    worksheet.title = "Guide"
    worksheet.append([f"{programme.short_title}: {programme.title} — reporting template"])
    worksheet["A1"].font = Font(bold=True, size=14)
    worksheet.append(["Fill one row per line in each sheet. Red headers are required. Hover over a header for its "
                      "note; columns with fixed values have dropdowns. Do not rename sheets or headers."])
    worksheet.append([])
    worksheet.append(["Sheet", "Column", "Required", "What to enter", "Allowed values"])
    for cell in worksheet[4]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for sheet in sheets:
        for column in sheet.columns:
            allowed = column.choices or (lists[column.kind] if column.kind in GUIDE_LISTS else ())
            worksheet.append([sheet.title, column.header, "yes" if column.required else "no",
                              spec.note_of(column, programme.words), ", ".join(allowed)])
    for letter, width in zip("ABCDE", (18, 26, 10, 70, 50)):
        worksheet.column_dimensions[letter].width = width
    worksheet.freeze_panes = "A5"


def build_workbook(kinds: Iterable[str], rows_by_kind: dict[str, list[dict[str, Any]]] | None = None,
                   reference: Reference | None = None) -> Workbook:
    """A template workbook with the sheets of `kinds`, optionally filled with rows keyed by column key."""
    reference = reference or load_reference()
    sheets = [spec.SHEETS_BY_KIND[k] for k in kinds]
    sheets = [s for s in sheets if s in reference.sheets]
    rows_by_kind = rows_by_kind or {}
    workbook = Workbook()
    lists = _list_values(reference)
    _write_guide(workbook, sheets, reference, lists)
    ranges = _write_lists(workbook, lists, sheets)
    for sheet in sheets:
        _write_data_sheet(workbook, sheet, ranges, rows_by_kind.get(sheet.kind, []), reference.programme.words)
    lists = workbook["Lists"]
    workbook.move_sheet(lists, offset=len(workbook.sheetnames) - 1 - workbook.sheetnames.index("Lists"))
    workbook.active = 1
    return workbook


def write_template(name: str, path: Path, rows_by_kind: dict[str, list[dict[str, Any]]] | None = None,
                   reference: Reference | None = None) -> Path:
    workbook = build_workbook(kinds_for(name), rows_by_kind, reference)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
