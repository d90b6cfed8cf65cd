"""etl.xlsx_rows reads chosen rows of a sheet as python-calamine reads the whole sheet (the definition of
correct: '' as None, error cells as their text, as etl.cells gives them), and reads no more of a large
sheet than it needs."""

from __future__ import annotations

import collections
import datetime as dt
import re
import zipfile
from xml.sax.saxutils import quoteattr
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from python_calamine import CalamineWorkbook

from etl import xlsx_rows
from etl.formatted import (CurrencyShown, DecimalsShown, DefaultStylePercent, MonthShown, NotShown, PercentFormatted,
                           ScaledShown, SuffixShown)
from etl.ooxml import EXCEL_ROWS, scan_sheets
from etl.xlsx_rows import read_rows

from .helpers.paths import REPOSITORY
from .helpers.rows import good_rows

FIXTURE_FOLDERS = [REPOSITORY / "tests", REPOSITORY / "data" / "sample"]  # tests/ holds tests/fixtures/
BENCH_WORKBOOK = REPOSITORY / "bench" / ".data" / "quick" / "xlsx" / "programme.xlsx"  # git-ignored
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"


def _row(values: list[Any]) -> list[tuple[str, Any]]:
    """A row compared by type as well (True == 1.0, and a date is not a datetime), without its trailing blanks. A
    number formatted as a percentage, shown in thousands, not shown or with fixed decimals is calamine's float,
    marked (see `test_numbers_formatted_as_percentages_...`)."""
    values = [None if value == "" else value for value in values]
    while values and values[-1] is None:
        values.pop()
    marked = (PercentFormatted, ScaledShown, SuffixShown, NotShown, DecimalsShown, CurrencyShown)
    return [("float" if isinstance(value, marked) else type(value).__name__, value) for value in values]


def calamine_rows(path: Path, sheet: str) -> dict[int, list[tuple[str, Any]]]:
    rows = [list(row) for row in CalamineWorkbook.from_path(path).get_sheet_by_name(sheet)
            .to_python(skip_empty_area=False)]
    for (row, column), error in scan_sheets(path)[sheet].errors.items():  # calamine reads an error cell as ''
        rows[row][column] = error
    return {number: row for number, row in ((i + 1, _row(values)) for i, values in enumerate(rows)) if row}


def our_rows(path: Path, sheet: str, **which) -> dict[int, list[tuple[str, Any]]]:
    return {number: row for number, row in ((n, _row(values)) for n, values in read_rows(path, sheet, **which).items())
            if row}


def _months_shown(ours: dict[int, list[tuple[str, Any]]], theirs: dict[int, list[tuple[str, Any]]]
                  ) -> dict[int, list[tuple[str, Any]]]:
    """calamine's rows, but where we read a date shown as its month (MonthShown, etl/formatted.py) and calamine the
    date or datetime of that month: ours (it is calamine's date, marked, and without its time of day)."""
    def agreed(mine: tuple[str, Any] | None, other: tuple[str, Any]) -> tuple[str, Any]:
        if mine is not None and mine[0] == "MonthShown" and other[0] in ("date", "datetime") and (
                mine[1].year, mine[1].month, mine[1].day) == (other[1].year, other[1].month, other[1].day):
            return mine
        return other
    return {n: [agreed(ours.get(n, [])[i] if i < len(ours.get(n, [])) else None, cell) for i, cell in enumerate(row)]
            for n, row in theirs.items()}


def assert_reads_like_calamine(path: Path, sheet: str) -> None:
    expected = calamine_rows(path, sheet)
    everything = our_rows(path, sheet, wanted=range(1, max(expected, default=0) + 2))
    expected = _months_shown(everything, expected)
    assert everything == expected
    assert our_rows(path, sheet, first=30) == {n: row for n, row in expected.items() if n <= 30}
    scattered = list(expected)[1::3] + [max(expected, default=0) + 5]
    assert our_rows(path, sheet, wanted=scattered) == {n: expected[n] for n in scattered if n in expected}


@pytest.fixture
def reads(monkeypatch) -> dict[str, list[int]]:
    """The size of every read from each part of any xlsx archive opened, by part name."""
    sizes: dict[str, list[int]] = collections.defaultdict(list)
    original = zipfile.ZipExtFile.read

    def read(self, n=-1):
        data = original(self, n)
        sizes[self.name].append(len(data))
        return data
    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    return sizes


def all_kinds_workbook(path: Path) -> Path:
    """Every kind of cell openpyxl writes: texts, numbers, booleans, errors, formulas (saved without
    values), rich text, dates and times under built-in and custom formats, and percent and currency
    formats that stay numbers; blank rows, a row starting at column C, sparse rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "All kinds"
    sheet["C1"] = "Starts at column C"
    sheet.append(["plain", "  spaced  ", "line\nbreak", "carriage\r\nreturn", "tab\tin", "ünïcödé ✓", "<&>\"'",
                  "_x000D_ as typed", "1.5", " ", "N/A"])
    sheet.append([0, 1, -1, 3.14159, 1e15, 1e-7, 12345678901234567, 2 ** 53 + 1, -0.0, 45000])
    sheet.append([True, False, None, True])
    sheet.append(["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"])
    sheet.append(["=1+1", "=A3*2", '="a"&"b"'])
    sheet.append([CellRichText(["plain ", TextBlock(InlineFont(b=True), "bold"), " tail "]),
                  CellRichText([TextBlock(InlineFont(i=True), "only italic")])])
    half_a_millisecond_over = [45000.96764410301, 0.7233196122685185, 1.2436600520833334]  # rounded up, not to even
    values = [dt.date(2014, 5, 2), dt.datetime(2014, 5, 2, 13, 45, 30, 250000), dt.time(6, 30),
              dt.timedelta(hours=30, minutes=15), 0, 0.5, 1, 1.75, 59, 60, 61, 45000, 45000.999999, 2958465, 2958466,
              -1, -0.25, *half_a_millisecond_over]
    formats = [None, "dd/mm/yyyy", "mmm yyyy", "d-mmm-yy", "yyyy-mm-dd hh:mm:ss", "h:mm AM/PM", "hh:mm:ss",
               "[h]:mm:ss", "mm:ss.0", "[$-409]mmmm d, yyyy;@", 'yyyy"年"m"月"', "0.00%", '"$"#,##0.00',
               "#,##0.00 [$€-1]", "[Red]0.00", "General", "@", "0", "#,##0_);(#,##0)", '0.0 "days"']
    for number, number_format in enumerate(formats, start=10):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(number, column, value)
            if number_format:
                cell.number_format = number_format
    sheet["Z40"] = "sparse"
    sheet["B42"] = 42
    sheet.cell(43, 1).number_format = "dd/mm/yyyy"  # a styled cell without a value
    workbook.save(path)
    return path


INLINE_STRING = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is>(.*?)</is></c>', re.DOTALL)


def with_shared_strings(source: Path, target: Path) -> Path:
    """The workbook with its inline strings moved to a shared strings table, as Excel writes them
    (openpyxl 3.1 writes every string inline)."""
    strings: dict[bytes, int] = {}

    def share(match: re.Match) -> bytes:
        index = strings.setdefault(match.group(3), len(strings))
        return b'<c %st="s"%s><v>%d</v></c>' % (match.group(1), match.group(2), index)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            data = old.read(name)
            new.writestr(name, INLINE_STRING.sub(share, data) if name.startswith("xl/worksheets/") else data)
        new.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">'.encode() + b"".join(
            b"<si>%s</si>" % text for text in strings) + b"</sst>")
    assert strings
    return target


def crafted_workbook(path: Path, sheet_data: str, *, strings: list[str] = (),
                     number_formats: dict[int, str] | None = None, styles: list[int | None] = (),
                     date1904: bool = False, prefix: str = "") -> Path:
    """A workbook written as XML, for what openpyxl cannot write: cached formula values, shared and
    phonetic strings, rows and cells without positions, the 1904 date system, prefixed tags."""
    def tags(xml: str) -> str:  # 'x:' before every tag name, declared on the root
        return re.sub(r"<(/?)(?=[A-Za-z])", rf"<\1{prefix}", xml) if prefix else xml
    namespace = f'xmlns{":" + prefix[:-1] if prefix else ""}="{MAIN}" xmlns:x14ac="{X14AC}"'
    formats = "".join(f'<numFmt numFmtId="{i}" formatCode={quoteattr(code)}/>'
                      for i, code in (number_formats or {}).items())
    date_system = ' date1904="1"' if date1904 else ""
    xfs = "".join("<xf/>" if i is None else f'<xf numFmtId="{i}"/>' for i in styles)
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
                       "</Relationships>",
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><workbookPr{date_system}/>'
                           '<sheets><sheet name="Crafted" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                      f'relationships"><Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" '
                                      'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/styles.xml": f'<styleSheet xmlns="{MAIN}"><numFmts>{formats}</numFmts>'
                         f'<cellXfs>{xfs}</cellXfs></styleSheet>',
        "xl/sharedStrings.xml": tags(f"<sst {namespace}>" + "".join(strings) + "</sst>"),
        "xl/worksheets/sheet1.xml": tags(f"<worksheet {namespace}><sheetData>{sheet_data}</sheetData>"
                                         "<rowBreaks/></worksheet>"),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return path


CRAFTED_STRINGS = ["<si><t>zero</t></si>", "<si/>", '<si><r><t xml:space="preserve">rich </t></r><r><rPr><b/></rPr>'
                   "<t>bold</t></r><rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh></si>",
                   "<si><t>  trimmed\n</t></si>", '<si><t xml:space="preserve">  kept  </t></si>',
                   "<si><t>cr_x000D_lf&#13;&#10;escaped _x005F_x0041_ &lt;&amp;&gt;</t></si>",
                   "<si><t>lone</t><r><t> run</t></r></si>",
                   "<si><t>ひらがな</t><rPh><t>ヒラガナ</t></rPh></si>"]
CRAFTED_STYLES = [None, 14, 164, 165, 166, 46, 20, 10, 3, 167, 30, 57]  # s="0" ... s="11"; s="12" is out of range
CRAFTED_FORMATS = {164: "dd/mm/yyyy", 165: "mmm yyyy", 166: "[h]:mm", 3: "yyyy", 167: "0.0%"}  # 3 is builtin, redefined
CRAFTED_SHEET = (
    '<row r="1" spans="1:9" x14ac:dyDescent="0.25"><c r="A1"><f>1+1</f><v>2</v></c>'
    '<c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
    '<c r="C1" t="b"><f>TRUE()</f><v>1</v></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    '<c r="E1" s="2"><f>TODAY()</f><v>45000</v></c><c r="F1"><f>A1</f><v></v></c>'
    '<c r="G1"><f t="shared" ref="G1:G2" si="0">A1*2</f><v>4</v></c><c r="H1" t="str"><f>X</f><v/></c>'
    '<c r="I1" t="str"><v>cr_x000D_ &#13;x\r\ny</v></c></row>'
    '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>2</v></c>'
    '<c r="D2" t="s"><v>3</v></c><c r="E2" t="s"><v>4</v></c><c r="F2" t="s"><v>5</v></c><c r="G2" t="s"><v>6</v></c>'
    '<c r="H2" t="s"><v>7</v></c><c r="I2" t="inlineStr"><is><t> in line </t></is></c>'
    '<c r="J2" t="inlineStr"><is><r><t>in </t></r><r><t xml:space="preserve">rich </t></r></is></c></row>'
    '<row r="3"/><row r="4" ht="30" customHeight="1"></row>'
    '<row r="5"><c r="C5" s="1"><v>45000.5</v></c><c r="D5" s="3"><v>45000</v></c><c r="E5" s="4"><v>1.25</v></c>'
    '<c r="F5" s="5"><v>0.75</v></c><c r="G5" s="6"><v>0.3</v></c><c r="H5" s="7"><v>0.25</v></c>'
    '<c r="I5" s="8"><v>45000</v></c><c r="J5" s="9"><v>0.5</v></c><c r="K5" s="12"><v>45000</v></c>'
    '<c r="L5" s="0"><v>45000</v></c><c r="M5" s="x"><v>45000</v></c><c r="N5" s="1"><v>59</v></c>'
    '<c r="O5" s="1"><v>0.5</v></c><c r="P5" s="1"><v>1</v></c><c r="Q5" s="1"><v>2958466</v></c>'
    '<c r="R5" s="10"><v>45000</v></c><c r="S5" s="11"><v>45000.25</v></c></row>'
    '<row r="6"><c><v>1e3</v></c><c t="n"><v>.5</v></c><c r="d6"><v>-0</v></c><c><v>00012</v></c>'
    '<c><v>INF</v></c><c><v>not a number</v></c><c t="b"><v>0</v></c><c t="b"><v>true</v></c></row>'
    '<row><c r="B7"><v>7</v></c></row><row><c><v>8</v></c></row>'
    '<row r="12" hidden="1"><c r="A12" t="inlineStr"><is><t>after a gap</t></is></c></row>'
)


@pytest.mark.parametrize("strings", ["inline", "shared"])
def test_openpyxl_workbook_reads_like_calamine(tmp_path, strings):
    path = all_kinds_workbook(tmp_path / "inline.xlsx")
    if strings == "shared":
        path = with_shared_strings(path, tmp_path / "shared.xlsx")
    assert_reads_like_calamine(path, "All kinds")


@pytest.mark.parametrize("prefix", ["", "x:"])
@pytest.mark.parametrize("date1904", [False, True])
def test_crafted_workbook_reads_like_calamine(tmp_path, prefix, date1904):
    path = crafted_workbook(tmp_path / "crafted.xlsx", CRAFTED_SHEET, strings=CRAFTED_STRINGS,
                            number_formats=CRAFTED_FORMATS, styles=CRAFTED_STYLES, date1904=date1904, prefix=prefix)
    assert_reads_like_calamine(path, "Crafted")


def test_crafted_values(tmp_path):
    """Spot checks of what calamine does, beyond agreeing with it."""
    path = crafted_workbook(tmp_path / "crafted.xlsx", CRAFTED_SHEET, strings=CRAFTED_STRINGS,
                            number_formats=CRAFTED_FORMATS, styles=CRAFTED_STYLES)
    rows = read_rows(path, "Crafted", wanted=[1, 2, 3, 4, 5])
    assert rows[1][:8] == [2.0, "ab", True, "#DIV/0!", dt.date(2023, 3, 15), None, 4.0, None]
    assert rows[2][:8] == ["zero", None, "rich bold", "trimmed", "  kept  ", "cr\rlf\r\nescaped _x0041_ <&>",
                           "lonerun", "ひらがな"]
    assert 3 not in rows and 4 not in rows  # rows without cells
    assert rows[5][2:11] == [dt.datetime(2023, 3, 15, 12), dt.date(2023, 3, 15), dt.timedelta(days=1, hours=6),
                             dt.timedelta(hours=18), dt.time(7, 12), 0.25, dt.date(2023, 3, 15), 0.5, 45000.0]


PERCENT_CODES = {164: "0.0%", 165: "0&quot;%&quot;", 166: "0\\%", 167: "#,##0.00", 168: "0%;[Red]-0%", 169: "[$%-409]0",
                 170: "0_%", 171: "dd/mm/yyyy%"}
# 0"%" written into the styles part as an attribute
PERCENT_STYLES = [None, 9, 10, 164, 165, 166, 167, 168, 169, 170, 171]  # s="0" ... s="10"
PERCENT_MARKED = [False, True, True, True, False, False, False, True, False, False, False]


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_numbers_formatted_as_percentages_are_marked(tmp_path, prefix):
    """Built-in 0% and 0.00%, and any format with a percent sign neither quoted, escaped nor in brackets, shows
    the number times 100: such a cell holding a number is a PercentFormatted (calamine's float, marked); a
    text, an empty cell or a date under it is not. The scan finds the rows holding one."""
    numbers = "".join(f'<c r="{chr(65 + style)}2" s="{style}"><v>0.25</v></c>' for style in range(len(PERCENT_STYLES)))
    sheet_data = (f'<row r="1"><c r="A1" s="1" t="inlineStr"><is><t>75%</t></is></c><c r="B1" s="1"/></row>'
                  f'<row r="2">{numbers}</row><row r="3"><c r="A3"><v>0.25</v></c></row>'
                  '<row r="5"><c r="C5" s="2"><v>0.5</v></c></row><row r="6"><c r="C6" s="2"><v>0.5</v></c></row>')
    path = crafted_workbook(tmp_path / "percent.xlsx", sheet_data, number_formats=PERCENT_CODES,
                            styles=PERCENT_STYLES, prefix=prefix)
    rows = read_rows(path, "Crafted", first=6)
    assert [isinstance(value, PercentFormatted) for value in rows[2]] == PERCENT_MARKED
    assert rows[2][:3] == [0.25, 0.25, 0.25] and type(rows[3][0]) is float
    assert rows[1] == ["75%", None] and type(rows[1][0]) is str
    assert isinstance(rows[5][2], PercentFormatted) and rows[2][1].shown == "25%" and rows[2][1].as_shown == 25
    assert scan_sheets(path)["Crafted"].percent_rows == [(2, 2), (5, 6)]


def test_a_date_shown_as_its_month_is_marked_and_its_rows_found(tmp_path):
    """Built-in mmm-yy (what Excel gives 'Jun 2015' typed into a cell) and any date format showing a month and a
    year but no day or time ('mmmm yyyy', '[$-409]mmm-yy;@') mark the date MonthShown; a format showing the day or
    the time ('dd/mm/yyyy', 'mmm d, yyyy', 'h:mm') does not. The scan finds the rows holding one."""
    codes = {164: "mmmm yyyy", 165: "[$-409]mmm-yy;@", 166: "dd/mm/yyyy", 167: "mmm d, yyyy", 168: "h:mm",
             169: "mmmm", 170: "B2mmm-yy"}
    styles = [None, 17, 164, 165, 166, 167, 168, 169, 170]
    cells = "".join(f'<c r="{chr(64 + index)}2" s="{index}"><v>42156</v></c>' for index in range(1, len(styles)))
    path = crafted_workbook(tmp_path / "months.xlsx", f'<row r="2">{cells}</row><row r="4"><c r="A4"><v>42156</v></c>'
                            '</row><row r="6"><c r="A6" s="5"><v>42156</v></c></row>'
                            '<row r="8"><c r="A8" s="1"><v>42170</v></c></row>', number_formats=codes, styles=styles)
    rows = read_rows(path, "Crafted", first=8)
    assert [type(value).__name__ for value in rows[2]] == ["MonthShown"] * 3 + ["date"] * 5  # no year: a date
    assert rows[2][0] == MonthShown(2015, 6, 1) and rows[2][3] == dt.date(2015, 6, 1)
    assert type(rows[8][0]) is dt.date  # the 15th, typed as a day into a cell formatted beforehand: the date
    assert scan_sheets(path)["Crafted"].percent_rows == [(2, 2), (8, 8)]
    assert_reads_like_calamine(path, "Crafted")  # calamine's dates, marked


def test_a_number_shown_in_thousands_or_not_at_all_is_marked_and_its_rows_found(tmp_path):
    """Commas after a format's last digit show the number divided by 1,000 each ('#,##0,', '0.0,,"M"'), those
    between digits are separators ('#,##0'), a condition leaves it alone; a format with no digit shows no number
    (';;;', '"n/a"'), as 'General' and '@' do. Marked ScaledShown and NotShown, equal to the stored number, and
    their rows found by the scan."""
    codes = {164: "#,##0,", 165: '0.0,,"M"', 166: "#,##0", 167: '[>=1000]0,"K";0', 168: ";;;", 169: '"n/a"',
             170: "[Red]General", 171: "@", 172: '[=0]"-";0'}
    styles = [None, *codes]
    cells = "".join(f'<c r="{chr(64 + index)}2" s="{index}"><v>150000</v></c>' for index in range(1, len(styles)))
    path = crafted_workbook(tmp_path / "scaled.xlsx", f'<row r="2">{cells}</row><row r="4"><c r="A4"><v>5</v></c>'
                            '</row><row r="6"><c r="A6" s="5"><v>7</v></c></row>', number_formats=codes,
                            styles=styles)
    rows = read_rows(path, "Crafted", first=6)
    assert [type(value).__name__ for value in rows[2]] == ["ScaledShown"] * 2 + ["float"] * 2 + ["NotShown"] * 2 + [
        "float"] * 3  # a condition shows numbers one way or another: left alone
    assert rows[2][0] == 150000 and rows[2][0].shown_number == "150" and rows[2][1].shown_number == "0.15"
    assert (rows[2][0].scale, rows[2][1].scale) == ("thousands", "millions")
    assert scan_sheets(path)["Crafted"].percent_rows == [(2, 2), (6, 6)]
    assert_reads_like_calamine(path, "Crafted")  # calamine's numbers, marked


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_a_number_without_a_style_is_a_percentage_where_the_default_style_is_one(tmp_path, prefix):
    """A cell without an s attribute has the workbook's first style (Excel's Normal), which calamine does not
    apply: where that style is a percentage, Excel shows its number times 100, so it is marked, as is a cell
    naming the style (s="0"), both said to be so by the Normal style; a cell of another style is not. No byte
    search finds a cell by an attribute it lacks: the scan gives every row."""
    sheet_data = ('<row r="2"><c r="A2"><v>0.25</v></c><c r="B2" s="1"><v>0.25</v></c><c r="C2" s="0"><v>0.5</v></c>'
                  '<c r="D2" t="inlineStr"><is><t>25%</t></is></c></row><row r="9"><c r="A9"><v>3</v></c></row>')
    path = crafted_workbook(tmp_path / "normal.xlsx", sheet_data, styles=[9, None], prefix=prefix)
    rows = read_rows(path, "Crafted", first=9)
    assert [type(value) for value in rows[2]] == [DefaultStylePercent, float, DefaultStylePercent, str]
    assert rows[2][0].shown == "25%" and rows[9][0].shown == "300%"
    assert_reads_like_calamine(path, "Crafted")  # the same numbers: calamine's, marked
    assert scan_sheets(path)["Crafted"].percent_rows == [(1, EXCEL_ROWS)]
    assert not scan_sheets(path)["Crafted"].plain  # not for the fast lane, which would read every row again
    plain = crafted_workbook(tmp_path / "plain.xlsx", sheet_data, styles=[None, 9], prefix=prefix)
    assert [type(value) for value in read_rows(plain, "Crafted", first=2)[2]] == [float, PercentFormatted, float, str]
    assert scan_sheets(plain)["Crafted"].percent_rows == [(2, 2)]


@pytest.mark.parametrize("percent_styles", [1, 40])
def test_the_scan_finds_a_percent_style_however_its_attribute_is_written(tmp_path, percent_styles):
    """s="01" and s = "1" are style 1 to the cell reader: the scan finds those rows too, for one percent style
    (searched by its attribute's bytes) and for forty (searched by one pattern, whose cost does not grow with
    the number of styles); a cell of another style is not found."""
    styles = [None] + [9] * percent_styles + [167]  # the last one: '#,##0.00'
    other = len(styles) - 1
    sheet_data = ('<row r="2"><c r="A2" s="01"><v>0.25</v></c></row>'
                  '<row r="4"><c r="A4" s = "1"><v>0.25</v></c></row>'
                  f'<row r="8"><c r="A8" s="{other}"><v>0.25</v></c></row>')
    path = crafted_workbook(tmp_path / "odd.xlsx", sheet_data, number_formats=PERCENT_CODES, styles=styles)
    rows = read_rows(path, "Crafted", first=8)
    assert [isinstance(rows[n][0], PercentFormatted) for n in (2, 4, 8)] == [True, True, False]
    assert scan_sheets(path)["Crafted"].percent_rows == [(2, 2), (4, 4)]


@pytest.mark.parametrize("block_size", [1, 7, 100, 4096])
def test_rows_cut_across_blocks(tmp_path, monkeypatch, block_size):
    monkeypatch.setattr(xlsx_rows, "BLOCK_SIZE", block_size)
    path = all_kinds_workbook(tmp_path / "all.xlsx")
    assert_reads_like_calamine(with_shared_strings(path, tmp_path / "shared.xlsx"), "All kinds")
    crafted = crafted_workbook(tmp_path / "crafted.xlsx", CRAFTED_SHEET, strings=CRAFTED_STRINGS,
                               number_formats=CRAFTED_FORMATS, styles=CRAFTED_STYLES, prefix="x:")
    assert_reads_like_calamine(crafted, "Crafted")


def test_template_workbook_reads_like_calamine(write_workbook):
    path = write_workbook(good_rows())
    for sheet in CalamineWorkbook.from_path(path).sheet_names:
        assert_reads_like_calamine(path, sheet)


def _fixture_workbooks() -> list[Path]:
    return sorted(path for folder in FIXTURE_FOLDERS if folder.is_dir() for path in folder.rglob("*.xlsx"))


@pytest.mark.parametrize("path", _fixture_workbooks(), ids=lambda path: path.name)
def test_fixture_workbooks_read_like_calamine(path):
    try:
        sheets = CalamineWorkbook.from_path(path).sheet_names
    except Exception:
        pytest.skip("calamine cannot read it")
    for sheet in sheets:
        assert_reads_like_calamine(path, sheet)


def test_bench_workbook_reads_like_calamine():
    if not BENCH_WORKBOOK.exists():
        pytest.skip("bench inputs not generated")
    for sheet in CalamineWorkbook.from_path(BENCH_WORKBOOK).sheet_names:
        assert_reads_like_calamine(BENCH_WORKBOOK, sheet)


def large_sheet(path: Path, rows: int = 60_000) -> Path:
    sheet_data = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>row {n}</t></is></c><c r="B{n}"><v>{n}.5</v>'
                         f'</c><c r="C{n}" t="s"><v>{n % 3}</v></c></row>' for n in range(1, rows + 1))
    return crafted_workbook(path, sheet_data, strings=["<si><t>a</t></si>", "<si><t>b</t></si>", "<si><t>c</t></si>"])


def test_first_rows_stop_reading_early(tmp_path, reads):
    path = large_sheet(tmp_path / "large.xlsx")
    with zipfile.ZipFile(path) as archive:
        part_size = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    rows = read_rows(path, "Crafted", first=30)
    assert list(rows) == list(range(1, 31))
    assert rows[30] == ["row 30", 30.5, "a"]
    assert sum(reads["xl/worksheets/sheet1.xml"]) <= xlsx_rows.BLOCK_SIZE < part_size / 4


def test_scattered_rows_are_read_in_blocks(tmp_path, reads):
    path = large_sheet(tmp_path / "large.xlsx")
    wanted = [2, 777, 20_001, 41_234, 59_999, 60_000, 70_000]
    assert read_rows(path, "Crafted", wanted=wanted) == {n: [f"row {n}", n + 0.5, "abc"[n % 3]] for n in wanted[:-1]}
    assert max(reads["xl/worksheets/sheet1.xml"]) <= xlsx_rows.BLOCK_SIZE
    assert our_rows(path, "Crafted", wanted=wanted) == {n: row for n, row in calamine_rows(path, "Crafted").items()
                                                        if n in wanted}


def test_shared_strings_are_read_only_as_far_as_needed(tmp_path, reads):
    strings = [f"<si><t>shared string number {i}</t></si>" for i in range(50_000)]
    sheet_data = ('<row r="1"><c r="A1" t="s"><v>2</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>'
                  '<row r="3"><c r="A3" t="s"><v>49999</v></c></row>')
    path = crafted_workbook(tmp_path / "strings.xlsx", sheet_data, strings=strings)
    with zipfile.ZipFile(path) as archive:
        part_size = archive.getinfo("xl/sharedStrings.xml").file_size
    assert read_rows(path, "Crafted", wanted=[2]) == {2: [1.0]}
    assert "xl/sharedStrings.xml" not in reads
    assert read_rows(path, "Crafted", first=1) == {1: ["shared string number 2"]}
    assert 0 < sum(reads["xl/sharedStrings.xml"]) < part_size / 4
    assert read_rows(path, "Crafted", wanted=[3]) == {3: ["shared string number 49999"]}


def test_unknown_sheet(tmp_path):
    path = all_kinds_workbook(tmp_path / "all.xlsx")
    with pytest.raises(KeyError, match="no sheet named 'Nope' in all.xlsx"):
        read_rows(path, "Nope", first=30)


def test_no_rows_asked(tmp_path):
    assert read_rows(all_kinds_workbook(tmp_path / "all.xlsx"), "All kinds") == {}


def test_the_scan_finds_hidden_columns_however_their_tags_are_written():
    """<col hidden="1"> and hidden="true", with or without a prefix, give their (min, max); a column shown, or
    another element with a hidden attribute, does not."""
    from etl.ooxml import _hidden_columns
    runs = []
    _hidden_columns(b'<x:cols><x:col min="2" max="4" hidden="1" width="3"/><x:col min="6" max="6" hidden="0"/>'
                    b'<col hidden="true" min="9" max="9"/><colBreaks hidden="1"/></x:cols>', runs)
    assert runs == [(2, 4), (9, 9)]
