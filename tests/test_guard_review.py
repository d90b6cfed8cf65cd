"""What a review of the hostile-file guard found past it (issue 11): the guard must read a workbook exactly as
python-calamine and fastexcel will (the same sheet parts, the same bytes, the same tags), refuse on one line
what it cannot be sure of, stay bounded in time and memory, and keep loading what spreadsheet programs write.
The crafted files are written by bench/hostile_files.py, which times them as whole processes. A file that
made the old guard let a reader abort is loaded in a child process with an address-space limit."""

from __future__ import annotations

import random
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from bench import hostile_files as hostile
from etl import guard
from etl.__main__ import main
from etl.errors import UnreadableFile
from etl.files import read_workbook
from etl.load import run_load
from etl.xlsx_rows import read_rows

from .helpers.loading import CELLS_HINT, assert_refused, calamine_range, load_process, sha256, used_range

pytestmark = pytest.mark.slow  # hostile-file hardening: each case builds a database and refuses a crafted workbook

FAR = f"used range A1:XFD1048576 is 17 billion cells, {CELLS_HINT}"
SAVE_AGAIN = "which no spreadsheet program writes: open the file in Excel or LibreOffice and save it again"


def loaded_rows(path: Path, database: Path) -> int:
    return run_load([path], database).rows_by_table["milestones"]


# --- 1. The guard scanned one sheet part while the reader opened another ------------------------------------

@pytest.mark.parametrize("writer, message", [
    (hostile.id_prefix_bound_elsewhere, "{name} › Milestones: " + FAR),
    (hostile.relationship_id_entity, "{name} › Milestones: " + FAR),
    (hostile.relationship_target_entity, "{name} › Milestones: " + FAR),
    (hostile.sheet_in_defined_name, "{name} › Milestones: " + FAR),
    (hostile.two_relationship_ids, "{name}: refused: its list of sheets holds a sheet with two relationship ids, "
                                   + SAVE_AGAIN),
    (hostile.unreferenced_sheet_part, "{name} › xl/worksheets/spare.xml: " + FAR),
])
def test_the_sheet_part_checked_is_the_one_calamine_reads(existing, tmp_path, writer, message):
    """calamine matches the literal attribute names r:id and relationships:id (any namespace), compares raw
    ids and opens raw targets (no entity decoding), and reads a <definedName> as text: the old guard, an
    ElementTree reading, checked good.xml while the reader opened evil.xml (A1 and XFD1048576) and aborted."""
    database, before = existing
    path = writer(tmp_path)
    assert_refused(load_process(path, database), message.format(name=path.name))
    assert sha256(database) == before


def test_a_strict_open_xml_workbook_loads_again(tmp_path):
    """Excel's "Strict Open XML Spreadsheet" has other namespaces: the old guard found no part for its sheet
    ('the workbook is damaged') though calamine reads it."""
    assert loaded_rows(hostile.strict_workbook(tmp_path), tmp_path / "w.duckdb") == 1


@pytest.mark.parametrize("workbook, what", [
    ('<!DOCTYPE w><workbook><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
     "a DOCTYPE or other declaration"),
    ('<workbook><sheets><a/b:sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
     "a tag calamine may read otherwise"),
    ('<workbook><sheets><sheet name="S"sheetId="1" r:id="rId1"/></sheets></workbook>',
     "a tag calamine may read otherwise"),
    ('<workbook><sheets><sheet name="S&foo;" sheetId="1" r:id="rId1"/></sheets></workbook>',
     "an entity calamine may read otherwise"),
])
def test_a_list_of_sheets_calamine_could_read_otherwise_is_refused(tmp_path, workbook, what):
    path = hostile.write_parts(tmp_path / "odd.xlsx", {
        "xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": hostile.relationships_xml(
            ("rId1", "worksheets/sheet1.xml")), "xl/worksheets/sheet1.xml": hostile.milestones_cells()})
    with pytest.raises(UnreadableFile) as refused:
        read_workbook(path)
    assert str(refused.value) == f"odd.xlsx: refused: its list of sheets holds {what}, {SAVE_AGAIN}"


def test_sheet_names_are_unescaped_as_calamine_does(tmp_path):
    path = hostile.write_parts(tmp_path / "names.xlsx", {
        "xl/workbook.xml": hostile.workbook_xml('<sheet name="R&amp;D &#8211; &#x41;" sheetId="1" r:id="rId1"/>'),
        "xl/_rels/workbook.xml.rels": hostile.relationships_xml(("rId1", "worksheets/sheet1.xml")),
        "xl/worksheets/sheet1.xml": hostile.milestones_cells()})
    with zipfile.ZipFile(path) as archive:
        assert guard.sheet_parts(archive) == [("R&D \u2013 A", "xl/worksheets/sheet1.xml")]


# --- 2. A part that unzips to more than its entry declares ---------------------------------------------------

def test_a_part_longer_than_its_entry_declares_is_refused(existing, tmp_path):
    """zipfile stopped at the declared size (a harmless beginning, whose CRC the entry gives) while the Rust
    readers unzip the whole stream, up to XFD1048576."""
    database, before = existing
    path = hostile.lying_part_size(tmp_path)
    assert_refused(load_process(path, database), f"{path.name}: refused: its part 'xl/worksheets/sheet1.xml' unzips "
                                                 "to more than the 696 bytes its zip entry declares, which no "
                                                 "spreadsheet program writes")
    assert sha256(database) == before


def test_the_real_size_is_counted_from_the_deflate_stream(tmp_path):
    path = hostile.lying_part_size(tmp_path)
    with zipfile.ZipFile(path) as archive:
        assert len(archive.read("xl/worksheets/sheet1.xml")) == 696  # what zipfile gives
        with pytest.raises(UnreadableFile, match="unzips to more than the 696 bytes"):
            with guard.PartStream(archive, "xl/worksheets/sheet1.xml", path.name) as stream:
                while stream.read(100):
                    pass


# --- 3, 4. The exact reading: a tag it cannot read, and no quadratic search ----------------------------------

def test_a_tag_the_exact_reading_cannot_read_is_refused_not_skipped(existing, tmp_path):
    """'< x/>' after a cell without r: the old reading stopped there (A1:E40) while quick-xml went on to
    XFD1048576."""
    database, before = existing
    path = hostile.unmatched_tag(tmp_path)
    assert_refused(load_process(path, database), f"{path.name} › Milestones: its XML holds a tag calamine may read "
                                                 f"otherwise (such as '< x/>' or '<?>'), {SAVE_AGAIN}")
    assert sha256(database) == before


def test_a_comment_ends_where_quick_xml_ends_it(existing, tmp_path):
    """At '-->', not at the first '--': the old reading took '-- </sheetData> -->' for the end of the cells
    and never saw the far cell after it."""
    database, before = existing
    path = hostile.plain_milestones(tmp_path / "dashes.xlsx", '<row r="3"><c t="inlineStr"><is><t>x</t></is></c>'
                                    '<!-- -- </sheetData> --></row>', hostile.FAR_ROW)
    assert_refused(load_process(path, database), f"{path.name} › Milestones: {FAR}")
    assert sha256(database) == before


@pytest.mark.parametrize("opening", [b"<![CDATA[", b"<!--", b"<?x "])
def test_unclosed_markup_costs_linear_time_and_is_refused(opening):
    """20,000 unclosed CDATA openings took 13 s (each searched to the end of the part); 3.6 KB ran for
    minutes. Each '<' is now read where it stands."""
    head = b'<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>x</t></is></c></row><row r="2">'
    extent = guard.UsedRange(30_000_000)
    extent.needs_exact = True
    started = time.perf_counter()
    extent.settle(lambda: __import__("io").BytesIO(head + opening * 20_000 + b"</row></sheetData></worksheet>"))
    assert time.perf_counter() - started < 2
    assert extent.refusal == "an unfinished tag, comment or CDATA section at its end"


def test_an_unclosed_cdata_file_is_refused_at_once(tmp_path):
    path = hostile.unclosed_cdata(20_000)(tmp_path)
    started = time.perf_counter()
    with pytest.raises(UnreadableFile, match="an unfinished tag, comment or CDATA section at its end"):
        read_workbook(path)
    assert time.perf_counter() - started < 5


# --- 5. Memory and time bounded by the limits, not by what a part expands to ---------------------------------

def test_shared_strings_past_the_cell_budget_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("MM_MAX_CELLS", "50000")
    path = hostile.many_shared_strings(1)(tmp_path)  # 80,659 empty strings
    with pytest.raises(UnreadableFile) as refused:
        read_workbook(path)
    assert str(refused.value) == (f"{path.name}: refused: its shared strings hold more than 50,000 texts, more than "
                                  "the cells a sheet may have (MM_MAX_CELLS): open the file in Excel or LibreOffice "
                                  "and save it again, or raise MM_MAX_CELLS")


def test_a_far_shared_string_is_found_without_keeping_the_others(tmp_path):
    """The strings read were kept in the parsed tree (1.26 GB for a 100 MB part, 54 s): now the part is passed
    over by counting <si> tags, and only the wanted string parsed."""
    path = hostile.many_shared_strings(4)(tmp_path)  # 322,636 strings; row 3 refers to the last
    started = time.perf_counter()  # timed without tracemalloc, which makes each allocation ~10 times dearer
    rows = read_rows(path, "Milestones", wanted=[3])
    seconds = time.perf_counter() - started
    tracemalloc.start()
    read_rows(path, "Milestones", wanted=[3])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert rows == {3: [None]}  # the last string is empty
    assert peak < 8 << 20 and seconds < 3


def test_shared_strings_are_read_as_calamine_reads_them_with_comments_between(tmp_path):
    strings = ['<si><t>first</t></si><!-- <si><t>hidden</t></si> -->', '<si><r><t>ri</t></r><r><t>ch</t></r></si>',
               '<si><t xml:space="preserve"> third </t></si>']
    sst = (f'<sst xmlns="{hostile.MAIN}">' + "".join(strings) + "</sst>")
    path = hostile.write_parts(tmp_path / "sst.xlsx", {
        "xl/workbook.xml": hostile.workbook_xml('<sheet name="Milestones" sheetId="1" r:id="rId1"/>'),
        "xl/_rels/workbook.xml.rels": hostile.relationships_xml(("rId1", "worksheets/sheet1.xml")),
        "xl/worksheets/sheet1.xml": '<sheetData><row r="1">' + "".join(
            f'<c r="{letter}1" t="s"><v>{index}</v></c>' for index, letter in enumerate("ABC")) + "</row></sheetData>",
        "xl/sharedStrings.xml": sst})
    assert read_rows(path, "Milestones", first=1) == {1: ["first", "rich", " third "]}


def test_a_list_of_sheets_over_16_mb_is_refused(tmp_path):
    """50 MB of <x/> (a 386 KB file) took 71 s and 2.5 GB, parsed whole several times."""
    path = hostile.large_workbook_part(17)(tmp_path)
    with pytest.raises(UnreadableFile) as refused:
        read_workbook(path)
    assert str(refused.value) == (f"{path.name}: refused: its workbook part 'xl/workbook.xml' is 17 MB, more than "
                                  "the 16 MB any spreadsheet program writes")


def test_more_than_100000_merged_ranges_are_refused(tmp_path):
    """100 MB of <mergeCell> (930 KB) reached 1.18 GB as python-calamine's tuples."""
    path = hostile.many_merged_ranges(3)(tmp_path)
    with pytest.raises(UnreadableFile) as refused:
        read_workbook(path)
    assert str(refused.value).startswith(f"{path.name} › Milestones: it has 131,")
    assert str(refused.value).endswith(" merged ranges, more than the 100,000 this loader reads: unmerge the cells "
                                       "(Home › Merge & Center) and save")


@pytest.mark.parametrize("row", [3, 40])
def test_a_row_of_one_cell_written_over_and_over_is_refused(existing, tmp_path, row):
    """Within any used range, but a 50 MB row among the first 30 took 17 s and 1.46 GB to parse, and after
    them cost fastexcel 538 MB."""
    database, before = existing
    path = hostile.one_cell_many_times(3, row)(tmp_path)
    assert_refused(load_process(path, database), f"{path.name} › Milestones: its XML holds a row of more than 16,384 "
                                                 f"cells, {SAVE_AGAIN}")
    assert sha256(database) == before


def test_more_cells_written_than_the_budget_are_refused(tmp_path, monkeypatch):
    """One cell written over and over, each in a row of its own: the used range is A1:E3, the cells 2,000."""
    monkeypatch.setenv("MM_MAX_CELLS", "1000")
    path = hostile.plain_milestones(tmp_path / "rewritten.xlsx", '<row r="3"><c r="C3"><v>1</v></c></row>' * 2_000)
    with pytest.raises(UnreadableFile) as refused:
        read_workbook(path)
    assert str(refused.value) == (f"rewritten.xlsx › Milestones: its XML holds more than 1,000 cells (MM_MAX_CELLS), "
                                  f"cells written over one another, {SAVE_AGAIN}")


def test_running_out_of_memory_is_a_message(tmp_path, monkeypatch):
    """A MemoryError has no text: the message was 'the workbook is damaged ()'."""
    import etl.cells

    def exhausted(*_, **__):
        raise MemoryError
    monkeypatch.setattr(etl.cells, "blank_to_none", exhausted)
    monkeypatch.setenv("MM_FAST_LANE", "0")
    path = hostile.plain_milestones(tmp_path / "memory.xlsx")
    with pytest.raises(UnreadableFile) as refused:
        read_workbook(path)
    assert str(refused.value) == ("memory.xlsx: ran out of memory reading it: it holds far more than its size "
                                  "suggests; open the file in Excel or LibreOffice and save it again")


# --- 6. No traceback from the container -----------------------------------------------------------------------

@pytest.mark.parametrize("writer, message", [
    (hostile.damaged_stream, "not a readable Excel workbook (not a valid .xlsx container: Error -3 while "
                             "decompressing data: invalid block type)"),
    (hostile.unknown_compression, "refused: its part 'xl/workbook.xml' is compressed with method 93, which no "
                                  "spreadsheet program uses (they deflate or store): open the file in Excel or "
                                  "LibreOffice and save it again"),
    (hostile.encrypted_part, "refused: its part 'xl/workbook.xml' is encrypted: remove the password in Excel "
                             "(File › Info › Protect Workbook) and save it again"),
])
def test_a_damaged_container_is_one_line_not_a_traceback(existing, tmp_path, capsys, writer, message):
    database, before = existing
    path = writer(tmp_path)
    assert main(["load", str(path), "--db", str(database), "--quiet"]) == 1
    assert capsys.readouterr().err.splitlines() == [f"error: {path.name}: {message}",
                                                    "The previous database was left unchanged."]
    assert sha256(database) == before


# --- What spreadsheet programs write keeps loading ------------------------------------------------------------

@pytest.mark.parametrize("far", ['<c r="XFD1048576" s="1"></c>', '<c r="XFD1048576" s="1"><v></v></c>',
                                 '<c r="XFD1048576" s="1" t="s"><v/></c>'])
@pytest.mark.parametrize("exact", [False, True])
def test_cells_without_a_value_are_not_placed(tmp_path, far, exact):
    """calamine places no cell for <c ...></c> or an empty <v> of a number: the old guard counted them and
    refused 17 billion cells. `exact`: a cell without r in row 3 sends the sheet to the exact reading."""
    extra = '<row r="3"><c t="inlineStr"><is><t>x</t></is></c></row>' if exact else ""
    path = hostile.plain_milestones(tmp_path / "empty.xlsx", extra, f'<row r="1048576">{far}</row>')
    assert loaded_rows(path, tmp_path / "w.duckdb") == 1


def test_formatting_to_the_last_row_and_column_still_loads(tmp_path):
    """Dimension, columns, row spans and styles, styled self-closing cells, merges, conditional formatting,
    data validations and hyperlinks over the whole sheet, and a whole-sheet print area."""
    body = ('<dimension ref="A1:XFD1048576"/><cols><col min="1" max="16384" width="9" style="1" customWidth="1"/>'
            '</cols>' + hostile.milestones_cells('<row r="3" spans="1:16384" s="1" customFormat="1"/>'
                                                 '<row r="1048576" spans="1:16384" s="1" customFormat="1">'
                                                 '<c r="XFD1048576" s="1"/></row>')
            + '<mergeCells count="1"><mergeCell ref="F1:XFD1"/></mergeCells>'
            + '<conditionalFormatting sqref="A1:XFD1048576"><cfRule type="expression" priority="1"><formula>TRUE'
              '</formula></cfRule></conditionalFormatting><dataValidations count="1"><dataValidation type="list" '
              'sqref="A1:XFD1048576"><formula1>"a,b"</formula1></dataValidation></dataValidations>'
              '<hyperlinks><hyperlink ref="A1:XFD1048576" display="x"/></hyperlinks>')
    path = hostile.write_parts(tmp_path / "formatted.xlsx", {
        "xl/workbook.xml": hostile.workbook_xml('<sheet name="Milestones" sheetId="1" r:id="rId1"/>', extra=(
            '<definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">Milestones!$A:$XFD</definedName>'
            '</definedNames>')),
        "xl/_rels/workbook.xml.rels": hostile.relationships_xml(("rId1", "worksheets/sheet1.xml")),
        "xl/worksheets/sheet1.xml": body})
    assert loaded_rows(path, tmp_path / "w.duckdb") == 1


def test_a_merge_below_the_last_row_loads(tmp_path):
    """A merged range in a hierarchy column starting below the last row with values: 'list index out of
    range'."""
    assert loaded_rows(hostile.merge_below_the_rows(tmp_path), tmp_path / "w.duckdb") == 1


# --- Smaller points -----------------------------------------------------------------------------------------

def test_formula_cells_are_passed_over_once_the_sheet_is_known_to_have_them(tmp_path, monkeypatch):
    """Each formula cell took a Python step: 2 M formula cells scanned in 6.97 s, values in 0.29 s."""
    import etl.ooxml

    visited = []
    real = guard.UsedRange._read_cell_tag
    monkeypatch.setattr(guard.UsedRange, "_read_cell_tag", lambda self, text, start: visited.append(start) or
                        real(self, text, start))
    rows = "".join(f'<row r="{n}"><c r="A{n}"><f>B{n}+1</f><v>{n}</v></c><c r="B{n}"><v>{n}</v></c></row>'
                   for n in range(1, 10_001))
    path = hostile.write_workbook(tmp_path / "formulas.xlsx", [("Sheet1", f"<sheetData>{rows}</sheetData>")])
    with zipfile.ZipFile(path) as archive:
        part = guard.sheet_parts(archive)[0][1]
    scan = etl.ooxml.scan_sheet(path, part, path.name, "Sheet1")
    assert len(visited) <= 300 and scan.uncalculated == [] and not scan.plain  # of 20,000 cells


def test_the_pattern_cache_is_read_once_when_another_thread_clears_it(monkeypatch):
    """`source in cache` then `cache[source]`: another thread could clear the cache in between (KeyError)."""
    class Cleared(dict):
        def __contains__(self, key):
            return True

    monkeypatch.setattr(guard, "_PATTERNS", Cleared())
    assert guard._compiled(rb"<c[\s/>]").pattern == rb"<c[\s/>]"


def odd_sheet(seed: int) -> str:
    """Cells and markup quick-xml and the exact reading must agree on: cells without a value in every form,
    a formula after the value, comments holding '--' and tags, processing instructions and CDATA holding
    cells, rows without r or empty, prefixes."""
    chance = random.Random(seed)
    odd = chance.choice([0.1, 0.3, 0.6])

    def plain_or(*oddities: str | None) -> str | None:
        return chance.choice(oddities[1:]) if chance.random() < odd else oddities[0]

    rows = []
    for _ in range(chance.randint(1, 10)):
        number, cells = chance.randint(1, 60), []
        for _ in range(chance.randint(0, 8)):
            place = f"{hostile.column_letters(chance.randint(1, 40))}{chance.randint(1, 60)}"
            attributes = plain_or(f' r="{place}"', "", f' r="{place}" s="1"', f' t="str" r="{place}"',
                                  f' r="{place}" t="s"', f" r='{place}'", f' r="A1" r="{place}"')
            content = plain_or("<v>1</v>", "", "<v></v>", "<v/>", "<is></is>", "<is><t/></is>", "<v>1</v><f>x</f>",
                               "<f>x</f><v>2</v>", "<v> </v>", None, "<v><!-- c --></v>",
                               '<is><t><![CDATA[<c r="AN60">]]></t></is>')
            name = plain_or("c", "x:c")
            cells.append(f"<{name}{attributes}/>" if content is None else f"<{name}{attributes}>{content}</{name}>")
            cells.append(plain_or("", '<!-- -- </row> <c r="AN60"><v>1</v></c> -->', '<?pi <c r="AN59"><v>1</v></c> ?>',
                                  "<!-- </sheetData> -->", "<![CDATA[ </row> ]]>"))
        body = "".join(cells)
        rows.append(plain_or(f'<row r="{number}">{body}</row>', f"<row>{body}</row>", f'<row r="{number}"/>{body}'))
    return '<sheetData xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + "".join(rows) + \
        "</sheetData>"


def test_the_used_range_is_never_smaller_than_calamines_with_odd_cells_and_markup(tmp_path):
    """Randomised comparison with python-calamine: neither the quick bounds nor the exact reading is ever below
    the range calamine builds (over it only for forms no program writes, <is></is> or a comment in a <v>)."""

    checked = 0
    for seed in range(400):
        path = hostile.write_workbook(tmp_path / f"odd-{seed}.xlsx", [("Sheet1", odd_sheet(seed))])
        expected = calamine_range(path)
        if expected is None:
            continue
        for exact in (False, True):
            rows, columns, _ = used_range(path, budget=10 ** 9, exact=exact)
            assert rows >= expected[0] and columns >= expected[1], (seed, exact, rows, columns, expected)
        checked += 1
    assert checked > 150
