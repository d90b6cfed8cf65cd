"""Workbooks in French, Spanish, Russian and Romanian (issue 14, items 2, 6 and 8), loaded as a user would
first load them (no alias added): the language recognised from the headers and said, its words read
(agencies, statuses, outputs, currencies, countries), total rows of every language and Excel's 'X Total'
left out, every column not read named, and a sheet no kind recognises explained."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from decimal import Decimal

import duckdb
import pytest
from openpyxl import Workbook

from etl import spec
from etl.errors import UnreadableFile, ValueProblem
from etl.files import read_file
from etl.languages import LanguageError, fold
from etl.layout import find_header, total_row
from etl.load import run_load
from etl.parse import currency_parser
from etl.reference import REFERENCE_DIR, load_reference

from .helpers import inputs_languages as inputs
from .helpers.lanes import assert_same, load_both

ADVICE = ("; to load a column, name it as the template does or add its header to data/reference/header_aliases.csv "
          "or to a language file (data/reference/languages/)")
TOTAL = "a total row, not loaded (totals are computed from the rows)"


def rows_of(database, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def said(summary) -> list[tuple]:
    return sorted(((w.kind, w.row, w.detail) for w in summary.warnings), key=repr)


def language_said(name: str, file: str, headers: str, mark: str = "a decimal comma") -> str:
    return (f"headers read as {name} ({file}: {headers}); its words are read in {name} too (agencies, statuses, "
            f"outputs, currencies, totals, 'no value'), and its numbers may use {mark}")


def test_french_results_matrix_from_morocco(tmp_path, database):
    path = inputs.french_results_matrix(tmp_path / "maroc.xlsx")
    summary = run_load([path], database)
    assert summary.rejected == []
    assert rows_of(database, """
        SELECT output_code, indicator_code, indicator_title, unit, direction, country, baseline, period, target, actual,
               means_of_verification, source_row FROM results ORDER BY source_row""") == [
        ("1", "1.1", "Nombre de ministères impliqués", "nombre", "higher is better", "MAR", 2.0, "2014/15 H1", 4.0, 3.0,
         "Rapports", 4),
        ("1", "1.2", "Part des communes couvertes", "%", "higher is better", "MAR", 10.5, "2014/15 H1", 25.0, 20.25,
         "Enquête", 5),
    ]
    assert said(summary) == sorted([
        ("language", 3, language_said("French", "fr.toml", "'Produit', 'Code indicateur', 'Indicateur', 'Unité', "
                                      "'Sens', 'Pays', 'Valeur de référence', 'Période', 'Cible', 'Réalisé', "
                                      "'Moyens de vérification'")),
        ("total row", 6, TOTAL),
        ("column not used", 3, "not loaded, as no known column has its header: 'Point focal' (L)" + ADVICE),
    ], key=repr)
    sheets, _ = read_file(path)
    assert (sheets[0].language, sheets[0].decimal_hint) == ("fr", ",")


def test_spanish_work_plan_from_ecuador(tmp_path, database):
    summary = run_load([inputs.spanish_work_plan(tmp_path / "ecuador.xlsx")], database)
    assert summary.rejected == []
    assert rows_of(database, """
        SELECT activity_code, output_code, country, lead_agency, status, planned_start, planned_end, actual_end,
               budget, currency, comment FROM activities ORDER BY source_row""") == [
        ("1.1", "1", "ECU", "UNDP", "completed", dt.date(2015, 1, 1), dt.date(2015, 3, 31), dt.date(2015, 3, 20),
         Decimal("5000.00"), "USD", "listo"),
        ("1.2", "1", "ECU", "IOM", "ongoing", dt.date(2015, 4, 1), dt.date(2015, 9, 30), None, Decimal("8000.00"),
         "USD", None),
        ("2.1", "2", "ECU", "IOM", "delayed", dt.date(2015, 7, 1), dt.date(2015, 12, 31), None, Decimal("12000.00"),
         "USD", None),
    ]
    warnings = said(summary)
    assert ("language", 2, language_said("Spanish", "es.toml", "'Código', 'Actividad', 'Producto', 'Responsable', "
                                         "'Fin real', 'Estado', 'Presupuesto', 'Observaciones'")) in warnings
    assert ("total row", 6, TOTAL) in warnings  # 'Producto 1 Total', as Excel's subtotals write it
    assert ("column not used", 2, "not loaded, as no known column has its header: 'Socio nacional' (M)"
            + ADVICE) in warnings
    assert ("timeframe", None, "planned start and end read from the marks under T1, T2, T3, T4 (year 2015: year "
            "2015 from the title row 1; country 'Ecuador' from the title row 1)") in warnings


def test_russian_expenditure_from_kyrgyzstan_in_som(tmp_path, database):
    summary = run_load([inputs.russian_expenditure(tmp_path / "kgz.xlsx")], database)
    assert summary.rejected == []
    assert rows_of(database, """
        SELECT country, output_code, agency, programme_year, budget, expenditure, currency, comment, source_row
        FROM expenditure ORDER BY source_row""") == [
        ("KGZ", "1", "UNDP", 2014, Decimal("1500000.00"), Decimal("900000.00"), "KGS", "первый транш", 2),
        ("KGZ", "2", "IOM", 2014, Decimal("700000.00"), Decimal("650000.50"), "KGS", None, 3),
    ]
    assert said(summary) == sorted([
        ("language", 1, language_said("Russian", "ru.toml", "'Страна', 'Продукт', 'Агентство', 'Год', 'Бюджет', "
                                      "'Расходы', 'Валюта', 'Примечание'")),
        ("total row", 4, TOTAL),
        ("column not used", 1, "not loaded, as no known column has its header: a column without a header (I), "
                               "'Источник' (J)" + ADVICE),
    ], key=repr)


def test_plan_is_the_russian_target(tmp_path, database):
    """'План' / 'Факт' is how a Russian-speaking office heads target and actual. Before, 'План' was not read: the
    targets loaded empty, said only as a column not used."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Матрица результатов"
    for row in (["Матрица результатов - Кыргызстан"],
                ["Продукт", "Код индикатора", "Индикатор", "Единица", "Направление", "Период", "План", "Факт"],
                ["Продукт 1", "1.1", "Число министерств", "число", "Чем выше, тем лучше", "2016/17 H1", 10, 8]):
        sheet.append(row)
    book.save(tmp_path / "KGZ.xlsx")
    summary = run_load([tmp_path / "KGZ.xlsx"], database, as_of=dt.date(2017, 7, 31))
    assert summary.rejected == []
    assert rows_of(database, "SELECT indicator_code, period, target, actual FROM results") == [
        ("1.1", "2016/17 H1", 10.0, 8.0)]
    assert not [w for w in summary.warnings if w.kind == "column not used"]


def test_romanian_work_plan_from_moldova_in_lei(tmp_path, database):
    summary = run_load([inputs.romanian_work_plan(tmp_path / "moldova.xlsx")], database)
    assert summary.rejected == []
    assert rows_of(database, """
        SELECT activity_code, output_code, country, lead_agency, status, planned_start, planned_end, actual_end,
               budget, currency FROM activities ORDER BY source_row""") == [
        ("1.1", "1", "MDA", "UNDP", "ongoing", dt.date(2015, 2, 1), dt.date(2015, 6, 30), None, Decimal("20000.00"),
         "MDL"),
        ("3.1", "3", "MDA", "IOM", "completed", dt.date(2015, 3, 1), dt.date(2015, 9, 30), dt.date(2015, 9, 15),
         Decimal("35000.00"), "MDL"),
    ]
    assert [w.kind for w in summary.warnings] == ["language", "total row"]


def test_csv_subtotals_as_excel_writes_them_are_left_out_on_both_lanes(tmp_path, monkeypatch):
    path = inputs.activity_total_csv(tmp_path / "cdr.csv")
    per_cell, fast, messages = load_both([path], tmp_path, monkeypatch)
    assert any("column by column" in message for message in messages)  # the fast lane read it
    found = assert_same(per_cell, fast)
    assert rows_of(fast, "SELECT country, output_code, agency, budget, expenditure, source_row FROM expenditure "
                         "ORDER BY source_row") == [
        ("JAM", "1", "UNDP", Decimal("12500.00"), Decimal("8000.00"), 2),
        ("JAM", "2", "IOM", Decimal("3000.50"), Decimal("1000.00"), 4),
    ]
    assert sorted((kind, row, message.split(": ", 1)[1]) for _, _, row, _, kind, message in found["load_warnings"]) == [
        # '12,500' alone reads two ways: read by its column (which writes decimal points) and said
        ("ambiguous number", 2, "'12,500' read as 12500, not 12.5 (this column writes decimal points: '3000.50' in "
                                "row 4)"),
        ("column not used", 1, "not loaded, as no known column has its header: 'Voucher' (H)" + ADVICE),
        ("total row", 3, TOTAL), ("total row", 5, TOTAL), ("total row", 6, TOTAL),
    ]


@pytest.mark.parametrize("row, is_total", [
    (["Total", None, 4], True), (["ACTIVITY1 Total", "", "12,500", "8000"], True), (["Output 1 Total", 3], True),
    (["Grand Total (USD)", "15,500.50"], True), (["Sous-total", "1 234,50"], True), (["Total general", 7], True),
    (["Итого", "1 200"], True), (["Всего", 5], True), (["Subtotal", "(300)"], True),
    (["Totally new activity", "UNDP"], False), (["Jamaica", "Total", 3], False),
    (["Number of migrants trained", 5], False),
])
def test_total_rows_in_every_language(row, is_total):
    assert total_row(row, load_reference().total_words) is is_total


def test_total_rows_with_their_currency_are_left_out_on_both_lanes(tmp_path, monkeypatch):
    """Before, a total row whose Currency cell says USD ('Итого по продукту 1:', 'Total Produit 1 – PNUD + OIM')
    was two texts, no total: it was rejected as a row without an output, counted among the rejected rows."""
    path = tmp_path / "exp.csv"
    path.write_text("Country,Output,Agency,Programme year,Budget,Expenditure,Currency\n"
                    "Jamaica,1,UNDP,2014,12500,8000,USD\n"
                    "Итого по продукту 1:,,,,12500,8000,USD\n"
                    "Jamaica,2,IOM,2014,3000.50,1000,USD\n"
                    "Total Produit 2 – PNUD + OIM,,,,3000.50,1000,USD\n", encoding="utf-8")
    per_cell, fast, messages = load_both([path], tmp_path, monkeypatch)
    assert any("column by column" in message for message in messages)  # the fast lane read it
    found = assert_same(per_cell, fast)
    assert found["rejected_rows"] == []
    assert sorted((kind, row) for _, _, row, _, kind, _ in found["load_warnings"] if kind == "total row") == [
        ("total row", 3), ("total row", 5)]


def test_no_known_sheet_names_the_nearest_kind_and_what_it_lacks(tmp_path):
    path = inputs.spanish_sheet_missing_columns(tmp_path / "plan.xlsx")
    with pytest.raises(UnreadableFile) as refused:
        read_file(path)
    assert str(refused.value) == (
        "plan.xlsx: no known sheet: expected at least one of 'Results matrix', 'Work plan', 'Expenditure', "
        "'Milestones', 'Narrative', 'Recommendations'; found 'Hoja1' (nor a sheet whose header row matches one of "
        "them, or an indicator table); nearest is 'Work plan' (sheet 'Hoja1', row 2), which lacks 'Output', "
        "'Lead agency'; the headers seen: 'Actividad', 'Lugar', 'T1', 'T2'")


def test_no_header_in_a_csv_names_the_nearest_kind(tmp_path):
    path = tmp_path / "gastos.csv"
    path.write_text("País,Producto,Agencia,Presupuesto\nEcuador,1,PNUD,100\n", encoding="utf-8")
    with pytest.raises(UnreadableFile) as refused:
        read_file(path)
    assert str(refused.value).endswith(
        "; nearest is 'Expenditure' (row 1), which lacks 'Programme year', 'Currency'; the headers seen: 'País', "
        "'Producto', 'Agencia', 'Presupuesto'")


@pytest.mark.parametrize("header", ["Réalisé", "realise", "  RÉALISÉ ", "Realisé:"])
def test_headers_match_without_accents_case_or_spaces(header):
    rows = [["Produit", "Code indicateur", "Indicateur", "Unité", "Sens", "Pays", "Période", header]]
    match = find_header(spec.RESULTS, rows, load_reference())
    assert match.columns["actual"] == 7 and match.language == "fr"


def test_a_user_adds_a_language_without_code(tmp_path):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    (directory / "languages" / "pt.toml").write_text(
        'code = "pt"\nname = "Portuguese"\ndecimal_mark = ","\n'
        '[columns.milestones]\ncountry = ["País"]\nmilestone = ["Marco"]\ncategory = ["Categoria"]\n'
        'due_date = ["Prazo"]\n', encoding="utf-8")
    rows = [["País", "Marco", "Categoria", "Prazo"]]
    assert find_header(spec.MILESTONES, rows, load_reference()) is None
    match = find_header(spec.MILESTONES, rows, load_reference(directory))
    assert (match.columns, match.language) == ({"country": 0, "milestone": 1, "category": 2, "due_date": 3}, "pt")


def test_a_language_file_with_an_unknown_status_is_refused_with_its_key(tmp_path):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    (directory / "languages" / "xx.toml").write_text(
        'code = "xx"\nname = "Test"\n[statuses.activity]\n"Fini" = "finished"\n', encoding="utf-8")
    with pytest.raises(LanguageError, match=r"xx.toml › statuses.activity: expected statuses of activity "
                                            r"\(planned, ongoing, completed, delayed, cancelled\), not 'finished'"):
        load_reference(directory)


@pytest.mark.parametrize("written, language, expected", [
    ("dollars", None, "the currency's code: 'dollars' is the name of more than one (JMD, USD)"),
    ("Dinars", "fr", "the currency's code: 'Dinars' is the name of more than one (RSD, TND)"),
    ("dólares", "es", "the currency's code: 'dólares' is the name of more than one (JMD, USD)"),
    ("долларов", "ru", "the currency's code: 'долларов' is the name of more than one (JMD, USD)"),
])
def test_a_currency_name_several_currencies_share_is_refused_naming_them(written, language, expected):
    """A Currency cell 'dollars' from Jamaica may be JMD, 'dinars' from Serbia RSD: before, read as USD and TND,
    unsaid (the amounts then converted at the wrong rate). A name of one is read: 'Jamaican dollars', 'dinars
    serbes', 'US dollars'."""
    parse = currency_parser(load_reference())
    with pytest.raises(ValueProblem) as refused:
        parse(written)
    assert refused.value.expected == expected
    assert [parse(name) for name in ("Jamaican dollars", "US dollars", "JMD")] == ["JMD", "USD", "JMD"]
    assert currency_parser(load_reference())("dinars serbes") == "RSD"


@pytest.mark.parametrize("written, code", [("сом", "KGS"), ("сомов", "KGS"), ("dinars serbes", "RSD"), ("lei", "MDL"),
                                           ("euros", "EUR")])
def test_a_currency_cell_naming_its_currency_in_any_language_is_read_whatever_the_sheet_s(written, code):
    """A Currency cell 'сом' on a sheet headed in English is KGS, as a title's 'Currency: сом' is (before, refused:
    only the sheet's language's names were read); each name has one meaning across the language files."""
    assert currency_parser(load_reference())(written) == code


def test_a_currency_cell_may_hold_a_currency_s_sign_but_not_a_bare_dollar():
    """A Currency cell '€', 'US$', 'J$' or 'DH' is read as its currency, as a title's 'Currency: €' is (before,
    refused as no currency); a bare '$' may be any dollar: refused, naming those it may be."""
    parse = currency_parser(load_reference())
    assert [parse(sign) for sign in ("€", "US$", "J$", "DH", " € ")] == ["EUR", "USD", "JMD", "MAD", "EUR"]
    with pytest.raises(ValueProblem) as refused:
        parse("$")
    assert refused.value.expected == "the currency's code: '$' is the name of more than one (JMD, USD)"
    with pytest.raises(ValueProblem) as refused:
        parse("₽")  # a sign of a currency the programme has no rate for
    assert refused.value.expected.startswith("a currency with a shipped exchange rate: BDT, CHF, EUR")


@pytest.mark.parametrize("written, expected", [
    ('dinar = ["TND", "TND"]', "currencies.dinar: expected a currency's code (\"MAD\") or the codes of the "
                               "currencies a name may be, two or more ([\"USD\", \"JMD\"])"),
    ('dinar = ["TND", "dinar"]', "currencies.dinar: expected a currency's code"),
    ('dinar = 3', "currencies: expected a table of texts"),
])
def test_a_language_file_s_shared_currency_name_must_list_codes(tmp_path, written, expected):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    (directory / "languages" / "xx.toml").write_text(f'code = "xx"\nname = "Test"\n[currencies]\n{written}\n',
                                                     encoding="utf-8")
    with pytest.raises(LanguageError, match="xx.toml › " + re.escape(expected)):
        load_reference(directory)


def test_a_currency_name_two_language_files_give_two_meanings_is_refused(tmp_path):
    """Every language's currency names are read for formats and titles whatever the sheet's language: 'dinar' as
    RSD in one file and as RSD or TND in another would read one format two ways."""
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    (directory / "languages" / "sr.toml").write_text('code = "sr"\nname = "Serbian"\n[currencies]\ndinar = "RSD"\n',
                                                     encoding="utf-8")
    with pytest.raises(LanguageError, match=r"sr.toml › currencies.dinar: 'RSD' here, but \['RSD', 'TND'\] in "
                                            r".*en.toml: give it one meaning in both"):
        load_reference(directory)


def test_agencies_map_only_to_the_programmes():
    from etl.parse import agency_parser
    from etl.errors import ValueProblem
    parse = agency_parser(load_reference(), "fr")
    assert (parse("PNUD"), parse("oim"), parse("UNDP")) == ("UNDP", "IOM", "UNDP")
    with pytest.raises(ValueProblem):
        parse("OIT")  # ILO is in fr.toml, but not an agency of this programme


def test_fold_ignores_accents_case_and_spaces():
    assert fold("  Réalisé\u00a0 Total ") == "realise total"


def test_a_language_file_is_parsed_once_per_version_and_an_edit_is_read(tmp_path, monkeypatch):
    """The dashboard's consistency checks ask for every language's words on each run of their page: a file not
    changed is not parsed again, a file changed (or replaced) is."""
    import etl.languages as languages
    folder = tmp_path / "languages"
    folder.mkdir()
    path = folder / "pt.toml"
    path.write_text('code = "pt"\nname = "Portuguese"\n[cross_checks]\ncounting = ["número"]\n', encoding="utf-8")
    parsed = []
    monkeypatch.setattr(languages, "read_language",
                        lambda p: parsed.append(p) or languages.Language("pt", "x", None, p))
    languages._read_version.cache_clear()
    first = languages.read_languages(tmp_path)["pt"]
    assert languages.read_languages(tmp_path)["pt"] is first and parsed == [path]
    monkeypatch.undo()
    languages._read_version.cache_clear()
    assert languages.read_languages(tmp_path)["pt"].cross_checks == {"counting": ("numero",)}
    path.write_text('code = "pt"\nname = "Portuguese"\n[cross_checks]\ncounting = ["quantidade"]\n', encoding="utf-8")
    assert languages.read_languages(tmp_path)["pt"].cross_checks == {"counting": ("quantidade",)}
    # a copy of the same size that sets the old time of modification back (cp -p, rsync -t) is read too
    before = path.stat()
    path.write_text('code = "pt"\nname = "Portuguese"\n[cross_checks]\ncounting = ["quantidadf"]\n', encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert languages.read_languages(tmp_path)["pt"].cross_checks == {"counting": ("quantidadf",)}
