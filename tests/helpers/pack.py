"""Reading the board pack's workbook in tests: a sheet's rows, and the table under a given header."""

from __future__ import annotations


def rows_of(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def table_below(sheet, header_first_cell: str) -> tuple[int, list[str], list[tuple]]:
    """(header row number, headers, data rows) of the first table whose header starts with the given text."""
    rows = rows_of(sheet)
    for index, row in enumerate(rows):
        if row[0] == header_first_cell and all(isinstance(v, str) or v is None for v in row):
            headers = [v for v in row if v is not None]
            data = []
            for following in rows[index + 1:]:
                if following[0] is None:
                    break
                data.append(following[:len(headers)])
            return index + 1, headers, data
    raise AssertionError(f"no table headed {header_first_cell!r} in {sheet.title}")
