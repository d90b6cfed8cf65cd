"""One rule, one place for the words of each language (issue 14, "languages as data"): every word of a
language but English is in its file, data/reference/languages/<code>.toml, and nowhere else; a word added to
that file (a title label, a unit, a total or grand-total word, the date order, a delivery report's word) is
read with no other file touched; a file that cannot be used is refused naming the file and the key; and
dates written with the month names of the sheet's language ('30 juin 2015', 'marzo 2015') are read."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import tomllib
from pathlib import Path

import duckdb
import pytest

from etl import spec
from etl.conventions import distinct_texts, infer_dates
from etl.delivery_words import VocabularyError
from etl.errors import ValueProblem
from etl.languages import ENGLISH, LanguageError, fold
from etl.layout import total_row
from etl.load import run_load
from etl.parse import parser_for
from etl.plausibility import unit_kind
from etl.reference import REFERENCE_DIR, load_reference
from etl.title_block import sheet_context

from .helpers.inputs_delivery import cdr_rows, write_cdr_xlsx, write_mapping
from .helpers.inputs_vocab import french_milestones, spanish_milestones

# Files of data/reference/ that are not words of a language: every ISO country's names (countries.csv, whose
# English names a language may share: 'Ecuador'), exchange rates.
NOT_WORDS = {"countries.csv", "countries-local.csv", "fx_rates.csv"}
# English's words outside en.toml (en.toml says so): the template's headers, header_aliases.csv,
# no_value_markers.csv.
ENGLISH_FILES = ("header_aliases.csv", "no_value_markers.csv")


def language_words(data: dict, top: bool = True) -> set[str]:
    """The words of a language file, folded: every text of a list, and every word of a `word = "meaning"`
    table (not the meanings: 'UNDP', 'completed'); not code, name, decimal_mark or date_order."""
    found: set[str] = set()
    for key, value in data.items():
        if top and key in ("code", "name", "decimal_mark", "date_order"):
            continue
        if isinstance(value, str):
            found.add(fold(key))
        elif isinstance(value, dict):
            found |= language_words(value, False)
        elif isinstance(value, list):
            found |= {fold(word) for item in value for word in (item if isinstance(item, list) else [item])}
    return found


def cells(path: Path) -> set[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {fold(cell) for row in csv.reader(handle) for cell in row if cell.strip()}


def test_no_other_file_of_the_reference_folder_holds_a_languages_words():
    words = {path.stem: language_words(tomllib.loads(path.read_text(encoding="utf-8")))
             for path in (REFERENCE_DIR / "languages").glob("*.toml")}
    english = words.pop(ENGLISH) | {fold(name) for sheet in spec.ALL_SHEETS for column in sheet.columns
                                    for name in (column.header, column.key.replace("_", " "))}
    english |= set().union(*(cells(REFERENCE_DIR / name) for name in ENGLISH_FILES))
    others = set().union(*words.values()) - english  # words only another language has
    files = sorted(path for path in REFERENCE_DIR.rglob("*.csv") if path.name not in NOT_WORDS)
    assert any(path.name == "delivery_report.csv" for path in files)
    found = {path.relative_to(REFERENCE_DIR).as_posix(): sorted(cells(path) & others) for path in files}
    assert {name: words for name, words in found.items() if words} == {}
    # the files these words were in before
    assert not any((REFERENCE_DIR / name).exists() for name in ("title_labels.csv", "date_orders.csv", "units.csv"))


@pytest.fixture
def french(tmp_path) -> Path:
    """A reference folder like the shipped one, but for fr.toml: a word added to each part, its dates month
    first, and a delivery report's word."""
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    path = directory / "languages" / "fr.toml"
    text = path.read_text(encoding="utf-8")
    for old, new in [('date_order = "day first"', 'date_order = "month first"'),
                     ('"Sous total"]', '"Sous total", "Cumul"]'),
                     ('["Total général"]', '["Total général", "Ensemble du rapport"]'),
                     ('year = ["Année"]\ncurrency = ["Devise", "Monnaie"]',
                      'year = ["Année"]\ncurrency = ["Devise", "Monnaie", "Monnaie locale"]'),
                     ('count = ["nombre"]', 'count = ["nombre", "effectif"]'),
                     ('title_currency = ["Devise", "Monnaie"]',
                      'title_currency = ["Devise", "Monnaie", "Monnaie du rapport"]')]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return directory


def test_a_word_added_to_a_language_file_is_read_with_no_other_file_touched(french):
    shipped, changed = load_reference(), load_reference(french)
    # a title label
    assert "currency" not in sheet_context([["Monnaie locale : EUR"]], [], shipped).values
    assert sheet_context([["Monnaie locale : EUR"]], [], changed).values["currency"].value == "EUR"
    # a unit
    assert (unit_kind("effectif des bénéficiaires", shipped.units),
            unit_kind("effectif des bénéficiaires", changed.units)) == (None, "count")
    # a total word, and a grand-total word (a total row too)
    for label in ("Cumul", "Ensemble du rapport"):
        assert (total_row([label], shipped.total_words), total_row([label], changed.total_words)) == (False, True)
    # the date order
    texts = distinct_texts([("03/04/2015", 2)])
    assert infer_dates(texts, "fr", shipped.day_first("fr")).day_first
    assert infer_dates(texts, "fr", changed.day_first("fr")).why == (
        "no date of this column shows its order; the sheet's language (fr) writes month first")


def test_a_delivery_reports_words_come_from_the_language_files(french, tmp_path, monkeypatch):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    rows = cdr_rows()
    rows[4] = ["Monnaie du rapport : USD"]  # instead of 'Currency: USD'
    rows[-1][0] = "Ensemble du rapport"  # instead of 'Grand Total'
    write_cdr_xlsx(inputs / "cdr.xlsx", rows)
    write_mapping(inputs)
    shipped = run_load([inputs], tmp_path / "shipped.duckdb")
    assert shipped.rejected  # 'Ensemble du rapport' is an account line of an activity no mapping names
    monkeypatch.setenv("MM_REFERENCE_DIR", str(french))
    summary = run_load([inputs], tmp_path / "french.duckdb")
    assert summary.rejected == []
    told = [w.detail for w in summary.warnings if w.kind == "value from the title"]
    assert len(told) == 1 and "currency 'USD' (title row 5)" in told[0], told
    assert any(w.kind == "total row" for w in summary.warnings)


@pytest.mark.parametrize("text, message", [
    ('total = ["Total"]\n', r"xx.toml › total: not a key of a language file \(expected one of code, name, "),
    ('date_order = "day-first"\n', r"xx.toml › date_order: found 'day-first', expected 'day first' or 'month first'"),
    ('[title_labels]\ncountrie = ["Pays"]\n', r"xx.toml › title_labels.countrie: expected one of country, level, "
                                              r"period, year, currency"),
    ('[units]\npercent = "pourcentage"\nratio = ["ratio"]\n', r"xx.toml › units.ratio: expected one of percent, "
                                                              r"count, measure"),
    ('[delivery]\ngrand_total = ["Total"]\n', r"xx.toml › delivery.grand_total: expected one of activity, account, "),
])
def test_a_language_file_with_a_key_it_cannot_use_is_refused_naming_the_key(tmp_path, text, message):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    (directory / "languages" / "xx.toml").write_text(f'code = "xx"\nname = "Test"\n{text}', encoding="utf-8")
    with pytest.raises(LanguageError, match=message):
        load_reference(directory)


@pytest.mark.parametrize("name, key", [("title_labels.csv", "[title_labels]"), ("date_orders.csv", "date_order"),
                                       ("units.csv", "[units]")])
def test_a_reference_folder_with_a_file_of_words_no_longer_read_is_refused(tmp_path, name, key):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    (directory / name).write_text("language,order\nfr,day first\n", encoding="utf-8")
    with pytest.raises(LanguageError, match=re.escape(f"{name}: no longer read; a language's words are in its "
                                                      f"language file, languages/<code>.toml ({key};")):
        load_reference(directory)


def test_a_total_label_in_delivery_report_csv_is_refused_saying_where_it_goes(tmp_path):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    with open(directory / "delivery_report.csv", "a", encoding="utf-8") as handle:
        handle.write("grand_total,Total général\n")
    line = len((directory / "delivery_report.csv").read_text(encoding="utf-8").splitlines())
    with pytest.raises(VocabularyError, match=rf"delivery_report.csv › line {line}: role 'grand_total' is no longer "
                                              r"read here: total labels are the language files' grand_total_words"):
        load_reference(directory)


def test_dates_written_with_the_month_names_of_the_sheets_language(tmp_path, database):
    folder = tmp_path / "inputs"
    folder.mkdir()
    summary = run_load([french_milestones(folder / "mar.xlsx"), spanish_milestones(folder / "ecu.xlsx")], database)
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute("SELECT country, category, due_date, achieved_date, source_row FROM milestones "
                                  "ORDER BY country, source_row").fetchall()
    assert rows == [
        ("ECU", "inception", dt.date(2015, 6, 30), dt.date(2015, 3, 31), 2),  # 'marzo 2015': a month's last day
        ("ECU", "implementation", dt.date(2015, 9, 30), None, 3),  # 'sept. 2015'
        ("MAR", "inception", dt.date(2015, 6, 30), dt.date(2015, 3, 1), 2),  # '30 juin 2015', '1er mars 2015'
        ("MAR", "implementation", dt.date(2015, 12, 31), None, 3),  # 'décembre 2015'
    ]
    assert [p.message for r in summary.rejected for p in r.problems] == [
        "mar.xlsx › Jalons › row 4 › column Échéance: found '31 juin 2015', expected a date (2014-06-30, "
        "30/06/2014 or an Excel date)"]


@pytest.mark.parametrize("language, text, day", [
    ("fr", "30 juin 2014", dt.date(2014, 6, 30)), ("fr", "juin 2014", dt.date(2014, 6, 30)),
    ("es", "30 de junio de 2014", dt.date(2014, 6, 30)), ("es", "marzo 2015", dt.date(2015, 3, 31)),
    ("ru", "июнь 2015", dt.date(2015, 6, 30)), ("ro", "1 martie 2015", dt.date(2015, 3, 1)),
    (None, "juin 2014", None), ("en", "marzo 2015", None),  # another language's month names are not read
])
def test_a_date_cell_is_read_with_its_sheets_month_names(language, text, day):
    parse = parser_for(spec.MILESTONES.column("due_date"), load_reference(), language)
    if day is None:
        with pytest.raises(ValueProblem):
            parse(text)
    else:
        assert parse(text) == day
