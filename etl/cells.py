"""The per-cell lane: a sheet read cell by cell (python-calamine for a workbook, the csv module for a CSV file)
into a RawSheet of the kind it holds, each row keeping its number in the file. It reads whatever the fast
lane (etl/columnar.py) does not take: sheets laid out by others, merged cells, formulas, error cells.

In a sheet's hierarchy columns (country, output, result) merged cells fill every row they span (a work plan's
timeframe mark every column it spans; a value merged over rows in any other column is read for its first row,
and said), and in sheets laid out by others a blank hierarchy cell repeats the one above; cells holding an Excel error
(#DIV/0!) reach the validator as that error text, a number in a cell formatted as a percentage as a
PercentFormatted (etl/formatted.py), and formulas saved without a calculated value are reported.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import spec
from .csv_text import WINDOWS_1252, csv_records, decoded, not_utf8
from .delivery_report import CSV_SHEET, read_report
from .errors import LoadWarning, quoted
from .formatted import SHOWN_OTHERWISE
from .header_cells import merged_spans
from .layout import (
    HeaderAgain,
    HeaderMatch,
    PeriodColumns,
    RawSheet,
    blank_to_none,
    header_texts,
    language_warning,
    missing_as,
    recognise_csv,
    recognise_sheet,
    row_ranges,
    row_skipped,
    same_columns,
    skipped_rows_warnings,
    timeframe_years,
    unused_columns_warning,
)
from .ooxml import column_letters
from .parse import clean_text, is_blank
from .reference import Reference
from .title_block import (SheetContext, TitleValue, group_scales, period_of_values, sheet_context, title_field,
                          with_headers, within)
from .workbook import SheetToRead
from .xlsx_rows import read_rows


def read_sheet(sheet: SheetToRead) -> RawSheet | None:
    """A recognised workbook sheet as calamine reads it, with the error cells the scan found put in place;
    None when the whole sheet turns out to have no header row after all."""
    title, file, scan = sheet.title, sheet.file, sheet.scan
    cells = sheet.workbook.get_sheet_by_name(title)
    rows = blank_to_none(cells.to_python(skip_empty_area=False))
    for (row, column), error in scan.errors.items():
        while len(rows) <= row:
            rows.append([])
        while len(rows[row]) <= column:
            rows[row].append(None)
        rows[row][column] = error
    _with_percent_formats(sheet, rows)
    merged = cells.merged_cell_ranges or []
    recognised = recognise_sheet(file, title, rows, sheet.reference, merged)
    if recognised is None:
        return None
    if recognised[1].delivery_report:
        return read_report(sheet.path, file, title, rows, recognised[1], sheet.reference, scan.hidden_rows)
    raw = raw_sheet(file, sheet.reference, title, *recognised, rows, merged,
                    scan.hidden_rows, scan.struck)
    for row, column in scan.uncalculated:
        if row + 1 > raw.header_row and row + 1 not in scan.hidden_rows:
            raw.warnings.append(LoadWarning(file, title, row + 1, column_letters(column), "formula not calculated",
                                            "a formula saved without its calculated value (the file was not "
                                            "saved by Excel): read as an empty cell; open and save it in "
                                            "Excel or LibreOffice"))
    return raw


def _with_percent_formats(sheet: SheetToRead, rows: list[list[Any]]) -> None:
    """The numbers of `rows` in cells formatted as percentages, shown in thousands or not shown, and the dates shown
    as their month, as etl/xlsx_rows.py gives them (formatted.SHOWN_OTHERWISE: calamine does not tell), read from
    the XML of the rows the scan found them in, and of those only."""
    numbers = sheet.scan.rows_with_percent(1, len(rows))
    if not numbers:
        return
    for number, cells in read_rows(sheet.path, sheet.title, wanted=numbers).items():
        for column, value in enumerate(cells):
            if isinstance(value, SHOWN_OTHERWISE) and column < len(rows[number - 1]):
                rows[number - 1][column] = value


def read_csv(path: Path, file: str, reference: Reference) -> RawSheet | None:
    """A CSV file (one sheet, any line ending: CR, LF, CRLF) read whole by the csv module; None when no row
    of it is a header row of any sheet kind."""
    text, encoding = decoded(path.read_bytes(), file)
    rows = blank_to_none(csv_records(text, file))
    recognised = recognise_csv(rows, reference, file)
    if recognised is None:
        return None
    sheet_spec, match = recognised
    if match.delivery_report:
        sheet = read_report(path, file, CSV_SHEET, rows, match, reference)
    else:
        sheet = raw_sheet(file, reference, sheet_spec.title, sheet_spec, match, rows)
    if encoding == WINDOWS_1252:
        sheet.warnings.insert(0, not_utf8_warning(file, sheet.sheet, rows, match.index, match.texts))
    return sheet


def not_utf8_warning(file: str, sheet: str, rows: list[list[Any]], header_index: int,
                     texts: dict[int, str] | None = None) -> LoadWarning:
    """Said of a CSV file read as Windows-1252: where its first letter beyond ASCII is and how it reads there, so
    that whoever reads the warning sees whether the letters are the ones typed (Cyrillic's Windows-1251 reads as
    Windows-1252 too, into other letters). Below the header (`rows[header_index]`) the column is named by its
    header as a row's problems name it (`texts`: a stacked header's, layout.HeaderMatch.texts); elsewhere, or
    under a blank header, by its letter."""
    for row, record in enumerate(rows, start=1):
        for column, cell in enumerate(record):
            if isinstance(cell, str) and not cell.isascii():
                header = rows[header_index] if row > header_index + 1 else []
                named = ((texts or {}).get(column) or header[column]) if column < len(header) else None
                return LoadWarning(file, sheet, row, column_letters(column) if is_blank(named) else clean_text(named),
                                   "not UTF-8", not_utf8("the file", "this cell", cell))
    return LoadWarning(file, sheet, None, None, "not UTF-8", "the file is not UTF-8: read as Windows-1252 "
                       "(Western European); no cell holds a letter beyond ASCII")


def raw_sheet(file: str, reference: Reference, title: str, sheet_spec: spec.Sheet, match: HeaderMatch,
              rows: list[list[Any]], merged: list[tuple[tuple[int, int], tuple[int, int]]] = (),
              hidden_rows: set[int] = frozenset(), struck: dict[int, set[int]] | None = None) -> RawSheet:
    """The data rows below the header, but for the rows not loaded (etl/layout.py, `row_skipped`), with
    merged and repeated hierarchy cells filled; a sheet laid out wide (a Target and an Actual column per
    period) as one RawSheet per period (`RawSheet.parts`)."""
    header_index = match.index
    ours = spec.sheet_for_title(title) is sheet_spec
    by_others = (match.through_aliases or not ours or bool(match.timeframe) or match.group_index is not None
                 or bool(match.periods))
    context = sheet_context(rows[:match.title_end], [(title, "sheet name"), (Path(file).stem, "file name")],
                            reference, match.readings)
    if match.group_index is not None:  # a group header over amounts may say their scale ("USD '000")
        context = replace(context, scales=context.scales + group_scales(
            rows[match.group_index], rows[header_index], merged_spans(merged, match.group_index), match.columns,
            reference.scale_words))
    timeframe = timeframe_years(match.timeframe, context.year)
    headers = header_texts(rows[header_index], match.columns, match.texts)
    context = with_headers(context, sheet_spec, headers, header_texts(rows[header_index], match.columns),
                           reference.scale_words)
    raw = RawSheet(file, title, sheet_spec, header_index + 1, match.columns, headers, [], timeframe,
                   context, by_others, language=match.language, decimal_hint=reference.decimal_mark(match.language))
    said = language_warning(file, title, header_index + 1, match.language, headers, reference)
    if said:
        raw.warnings.append(said)
    period = spec.RESULTS.column(spec.RESULTS.period_column).header
    if sheet_spec is spec.INDICATOR_TABLE and missing_as(spec.RESULTS, rows[header_index], reference,
                                                    lambda: context) == [f"'{period}'"]:
        raw.warnings.append(LoadWarning(file, title, header_index + 1, None, "read as an indicator table", (
            f"a results matrix but for its {period} column: read as an indicator table (its values kept as reported, "
            f"not among the programme's results the pages show); to load it as a results matrix, give each row its "
            f"reporting period in a {period} column ('2016/17 H1'), or the sheet's in a title row "
            f"('{period}: 2016/17 H1')")))
    hierarchy = [match.columns[c.key] for c in sheet_spec.columns if c.hierarchy and c.key in match.columns]
    positions = {at: key for key, at in match.columns.items()}
    # the rows merges span as typed, before filling: a second header is found in them ('2016' merged over Q1 to Q4)
    as_typed = {row: list(rows[row]) for (first, _), (last, _) in merged
                for row in range(max(first, header_index + 1), min(last, len(rows) - 1) + 1)}
    for (first_row, _), (last_row, _), position in _fill_merged(rows, merged, hierarchy,
                                                                [t.position for t in timeframe], header_index):
        if position in positions:  # a column the sheet reads
            raw.warnings.append(LoadWarning(
                file, title, first_row + 1, headers[positions[position]], "merged cells",
                f"a cell merged over rows {first_row + 1} to {last_row + 1}: its value is read for row "
                f"{first_row + 1} only, and the rows below it as empty in this column; unmerge it and type the "
                "value in each row it is for"))
    hidden, totals, repeated, struck_rows = [], [], [], []
    sub_headers: set[int] = set()
    labels: list[int] = []  # the rows of one text cell ('IOM', 'Currency: EUR') since the last row of data
    struck_cells: dict[tuple[int, str], list[int]] = {}  # (position, header) -> rows with only that value struck
    again = HeaderAgain(sheet_spec, reference, context)
    tables = [(raw, match)]
    table, hierarchy, last = raw, hierarchy, {}
    for index in range(header_index + 1, len(rows)):
        values = list(rows[index])
        skipped = row_skipped(values, index + 1, hidden_rows, reference.total_words)
        if skipped == "hidden":
            hidden.append(index + 1)
        elif skipped == "total":
            totals.append(index + 1)
        if skipped:
            continue
        if index in sub_headers:
            continue  # the lower row of a second stacked header
        typed = as_typed.get(index, values)
        below = as_typed.get(index + 1, rows[index + 1]) if index + 1 < len(rows) else None
        header = again.match(typed, below, merged_spans(merged, index))
        if header is not None:
            header = replace(header, index=index + header.index,
                             group_index=None if header.group_index is None else index)
            if header.group_index is not None:
                sub_headers.add(header.index)
        if header is not None:  # a second table: the rows below are read under its own header and title rows
            cells = as_typed.get(header.index, rows[header.index])
            first = min(header.used_positions)  # a label there, not a wrapped line of text to its right
            leading = [i for i in labels if next((p for p, v in enumerate(rows[i]) if not is_blank(v)), -1) <= first]
            if same_columns(header, tables[-1][1]) and not _reads_otherwise(
                    table, header, cells, reference, _labels_read(table, leading, rows, header, reference)[0]):
                repeated.append(index + 1)  # the same header (a page's, printed again): not a table of its own
                continue
            context, titled = _own_title(table, labels, rows, header, reference)
            table, said = _table_below(*tables[-1], header, cells, reference, context, titled)
            raw.warnings.append(said)
            labels = []
            tables.append((table, header))
            hierarchy, last = [header.columns[c.key] for c in sheet_spec.columns
                               if c.hierarchy and c.key in header.columns], {}
            continue
        if struck and index + 1 in struck and _struck_through(  # as typed: not with a label merged into it
                typed, index + 1, struck[index + 1], tables[-1][1], hierarchy, struck_cells):
            if table.laid_out_by_others:  # a struck row's group label still stands over the rows below it
                _carry(values, hierarchy, last)
            struck_rows.append(index + 1)
            continue
        filled = [value for value in values if not is_blank(value)]  # as written, before the labels above fill it
        labels = labels + [index] if len(filled) == 1 and isinstance(filled[0], str) else []
        if table.laid_out_by_others:
            _carry(values, hierarchy, last)
        table.rows.append((index + 1, values))
    header_rows = {number + 1 for number in sub_headers} | set(repeated) | {
        row + 1 for _, header in tables[1:] for row in (header.index, header.group_index) if row is not None}
    raw.warnings[:] = [w for w in raw.warnings if not (w.kind == "merged cells" and w.row in header_rows)]
    raw.warnings.extend(skipped_rows_warnings(file, title, hidden, totals))
    if struck_rows:
        many = len(struck_rows) > 1
        raw.warnings.append(LoadWarning(file, title, struck_rows[0], None, "struck-through rows", (
            (f"rows {row_ranges(struck_rows)}: " if many else "")
            + f"{'their' if many else 'its'} values struck through (a line marked deleted but kept in sight), so not "
            "loaded; remove the "
            f"strikethrough in Excel to load {'them' if many else 'it'}")))
    for (_, column), numbers in struck_cells.items():
        many = len(numbers) > 1
        raw.warnings.append(LoadWarning(file, title, numbers[0], column, "struck-through cell", (
            (f"rows {row_ranges(numbers)}: values struck through, but not the rest of their rows" if many
             else "its value struck through, but not the rest of its row")
            + ": read as any other value; if it no longer holds, delete it")))
    if repeated:
        raw.warnings.append(LoadWarning(file, title, repeated[0], None, "header repeated", (
            f"rows {row_ranges(repeated)} repeat the header" if len(repeated) > 1 else "the header repeated")
            + ": not read as data"))
    for table, header in tables:
        used = header.used_positions | set(header.explained)  # a note says why those are not read
        with_data = {p for _, values in table.rows for p, value in enumerate(values)
                     if p not in used and not is_blank(value)}
        unused = unused_columns_warning(file, title, table.header_row, rows[table.header_row - 1], used, with_data)
        if unused:
            raw.warnings.append(unused)
    raw.warnings.extend(LoadWarning(file, title, header_index + 1, None, "header not read", note)
                        for note in match.notes)
    parts = []
    for table, header in tables:
        if header.periods:
            table = periods_apart(table, header, reference)
        parts.extend([table, *table.parts])
        table.parts = []
    first = parts[0]
    first.parts = parts[1:]
    return first


def _carry(values: list[Any], hierarchy: list[int], last: dict[int, Any]) -> None:
    """A blank hierarchy cell repeats the one above (IOM annexes, AWPs, KPI tables); a filled one is remembered."""
    for position in hierarchy:
        while len(values) <= position:
            values.append(None)
        if is_blank(values[position]) and position in last:
            values[position] = last[position]
        elif not is_blank(values[position]):
            last[position] = values[position]


def _struck_through(values: list[Any], number: int, struck: set[int], header: HeaderMatch, hierarchy: list[int],
                    cells: dict[tuple[int, str], list[int]]) -> bool:
    """Whether every value a data row holds in the columns the sheet reads is struck through, but for a comment
    left plain saying why ('cancelled') and a group label left plain (an output's name, which stands over the rows
    below too); where only some are, their rows are kept by column in `cells`, to be said (`struck-through
    cell`: read as any other value)."""
    held = {p for p in header.used_positions if p < len(values) and not is_blank(values[p])}
    values_held = held - {header.columns.get("comment")}
    if values_held - set(hierarchy):
        values_held -= set(hierarchy)
    if values_held and values_held <= struck:
        return True
    for position in sorted(held & struck):
        cells.setdefault((position, header.texts.get(position) or column_letters(position)), []).append(number)
    return False


def _own_title(table: RawSheet, labels: list[int], rows: list[list[Any]], header: HeaderMatch,
               reference: Reference) -> tuple[SheetContext, str]:
    """What the rows of one text cell just above a second header say of its table ('Currency: EUR', 'Annual
    Work Plan 2016 – Ecuador'), within what the sheet's title block says (`_labels_read`): those that say
    something are taken out of the table above, whose data rows they are not; the others ('IOM') stay its rows,
    rejected as such. With them, said ("row 5 'Currency: EUR'")."""
    context, used = _labels_read(table, labels, rows, header, reference)
    said = "; ".join(f"row {number} {quoted(' '.join(clean_text(v) for v in rows[number - 1] if not is_blank(v)))}"
                     for number in sorted(used))  # as written, not as the labels above filled it
    table.rows[:] = [(number, cells) for number, cells in table.rows if number not in used]
    return context, said


def _labels_read(table: RawSheet, labels: list[int], rows: list[list[Any]], header: HeaderMatch,
                 reference: Reference) -> tuple[SheetContext, set[int]]:
    """What the rows of one text cell just above a header say (`labels`: their indexes), within the sheet's
    title block, and the numbers of those that say something; the sheet's context and none where none does."""
    if not labels:
        return table.context, set()
    wanted = set(labels)
    own = sheet_context([rows[i] if i in wanted else [] for i in range(header.title_end)], [], reference)
    places = " ".join([own.where] + [value.place for value in own.values.values()] + [s.place for s in own.scales])
    used = {int(number) for number in re.findall(r"title row (\d+)", places)}
    return (within(table.context, own), used) if used else (table.context, set())


def _reads_otherwise(table: RawSheet, header: HeaderMatch, cells: list[Any], reference: Reference,
                     context: SheetContext) -> bool:
    """Whether a header row with the columns of the table above, under `context` (what the label rows just
    above it say, within the sheet's title block: `_labels_read`), names another scale, currency, year, period
    or country for its rows ('Budget' below 'Budget ('000)'; 'Currency: EUR', 'Period: 2016' or 'Annual Work
    Plan 2016' above it): a table of its own, not the header repeated. The sheet's title said again (a
    printout's page) is no other table."""
    headers = header_texts(cells, header.columns, header.texts)
    own = with_headers(context, table.spec, headers, header_texts(cells, header.columns), reference.scale_words)

    def meant(read: SheetContext) -> tuple:
        return (read.year, read.country, sorted((key, value.value) for key, value in read.values.items()),
                sorted((s.power, s.columns, s.currency, s.shared) for s in read.scales))
    return meant(own) != meant(table.context)


def _table_below(above: RawSheet, before: HeaderMatch, header: HeaderMatch, cells: list[Any],
                 reference: Reference, context: SheetContext, titled: str = "") -> tuple[RawSheet, LoadWarning]:
    """The rows below a second header row of the sheet's kind, read under it (`context`: what the sheet's title
    block and the table's own title rows say), and the warning that says which columns it puts elsewhere than
    the header `before` (of the table `above`). What is said of the sheet as a whole is said again for it only
    where it lacks other columns than that header does, or has title rows of its own."""
    headers = header_texts(cells, header.columns, header.texts)
    moved = [f"'{headers[key]}' in column {column_letters(at)}"
             for key, at in sorted(header.columns.items(), key=lambda item: item[1]) if before.columns.get(key) != at]
    periods = [p.period for p in header.periods] or sorted({str(t.year) for t in header.timeframe if t.year})
    if not moved and periods:
        moved = [f"the same columns of {', '.join(periods)}"]
    by_period = {key for group in header.periods for key in group.columns}
    without = [f"'{above.headers[key]}'" for key in before.columns if key not in header.columns and key not in by_period]
    row = header.index + 1
    if not moved:  # the same columns, headed otherwise ('Budget' below 'Budget ('000)'), or under title rows
        moved = [f"{quoted(headers[key])} where row {above.header_row} has {quoted(above.headers[key])}"
                 for key in header.columns if above.headers.get(key, headers[key]) != headers[key]]
    said = LoadWarning(above.file, above.sheet, row, None, "second header", (
        f"a header again, with {', '.join(moved) or 'title rows of its own'}"
        + (f" (its title: {titled})" if titled else "")
        + (f" and without {', '.join(without)}" if without else "")
        + f": the rows below it are read under it, not under row {above.header_row}'s header"))
    first_part = set(header.columns) != set(before.columns) or context is not above.context
    context = with_headers(context, above.spec, headers, header_texts(cells, header.columns), reference.scale_words)
    # its own headers' scale or currency ('Budget (millions)' under 'Budget ('000)') is said of it again
    first_part = first_part or context.scales != above.context.scales or context.values != above.context.values
    return RawSheet(above.file, above.sheet, above.spec, row, header.columns, headers, [],
                    timeframe_years(header.timeframe, context.year), context, True,
                    language=header.language, decimal_hint=reference.decimal_mark(header.language),
                    first_part=first_part,
                    activity_numbers=above.activity_numbers), said


def periods_apart(raw: RawSheet, match: HeaderMatch, reference: Reference) -> RawSheet:
    """A sheet laid out wide as one RawSheet per period named in its headers, each with the columns of every
    period (the indicator, its baseline, ...) and its own period's (Target, Actual; Budget, Expenditure), its
    period given as a title would give it; the first holds the others (`parts`) and says, once, how the headers
    were read. Where a period's columns hold a required one (an expenditure sheet's Budget), a row empty in
    all of them has nothing of that period and is not read for it (one empty in every period is read for the
    first, which says what it lacks)."""
    column = raw.spec.column(raw.spec.period_column)
    field = title_field(column)
    sheets = []
    said = []
    empty = {number: [_empty_in(cells, group) for group in match.periods] for number, cells in raw.rows}
    for index, group in enumerate(match.periods):
        columns = {**raw.columns, **group.columns}
        headers = {**raw.headers, **header_texts([], group.columns, match.texts)}
        named = ", ".join(f"'{headers[key]}'" for key in group.columns)
        if column.kind == spec.PERIOD:
            label, how = period_of_values(group.period, reference)
        else:
            label, how = group.period, ""
        value = TitleValue(label, f"headers {named}", group.period, how, from_title_row=False)
        context = replace(raw.context, values={**raw.context.values, field: value})
        rows = raw.rows
        if any(raw.spec.column(key).required for key in group.columns):
            rows = [(number, cells) for number, cells in rows
                    if not empty[number][index] or (index == 0 and all(empty[number]))]
        sheets.append(replace(raw, columns=columns, headers=headers, context=context, warnings=[], rows=rows,
                              first_part=not sheets))
        said.append(f"{named}: {column.header[0].lower() + column.header[1:]} {label}" + (f" ({how})" if how else ""))
    first = sheets[0]
    first.warnings = raw.warnings + [LoadWarning(
        raw.file, raw.sheet, raw.header_row, None, "periods from the headers",
        f"laid out wide, one column per period: each row is read as one row per period ({'; '.join(said)})")]
    first.parts = sheets[1:]
    return first


def _empty_in(cells: list[Any], group: PeriodColumns) -> bool:
    return all(position >= len(cells) or is_blank(cells[position]) for position in group.columns.values())


def _fill_merged(rows: list[list[Any]], merged, hierarchy: list[int], timeframe: list[int],
                 header_index: int) -> list[tuple[tuple[int, int], tuple[int, int], int]]:
    """Fills merged cells where the merge means the value repeats: a hierarchy column's (country, output, result)
    over every row it spans, and a work plan's timeframe mark (an X merged across Q1 to Q3, a bar) over every
    timeframe column and row it spans. Returns the other merges of data rows over more than one row, holding a
    value ((first, last) cells and the first column), whose rows below the first read as empty."""
    unfilled = []
    for (first_row, first_column), (last_row, last_column) in merged:
        if first_row <= header_index or first_row >= len(rows):
            continue  # above the data, or below the last row with values: nothing to fill
        value = rows[first_row][first_column] if first_column < len(rows[first_row]) else None
        # a mark merged from a timeframe column (not a total or a heading merged across the sheet)
        filled = [*(hierarchy if last_row > first_row else []), *(timeframe if first_column in timeframe else [])]
        for position in filled:
            if first_column <= position <= last_column:
                for index in range(first_row, min(last_row, len(rows) - 1) + 1):
                    while len(rows[index]) <= position:
                        rows[index].append(None)
                    rows[index][position] = value
        last = min(last_row, len(rows) - 1)
        if last > first_row and first_column not in filled and not is_blank(value):
            unfilled.append(((first_row, first_column), (last, last_column), first_column))
    return unfilled
