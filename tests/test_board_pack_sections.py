"""The board pack's opening and closing sections, its slides and its print rules: the executive summary shows the
overview's figures (the same query functions), every decision asked of the board for the period, the review's
recommendations, the overspent lines and the cross-checks' findings with both items and their sources; the .pptx
holds a title slide, the key figures and messages, one slide per output and per country and the decisions."""

from __future__ import annotations

import duckdb
import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from reportlab.lib.styles import ParagraphStyle

from mm_core import cross_checks, metrics, queries
from reports import build_board_pack
from reports.content import Column
from reports.pdf import _register_fonts, _styles, column_widths
from reports.print_charts import _box, _overlap, place_labels

from .helpers.pack import rows_of, table_below


PERIOD = "2017/18 H1"
SCOPE = queries.Scope(period=PERIOD, programme_year=2017)


@pytest.fixture(scope="module")
def pack(sample_database, tmp_path_factory):
    return build_board_pack(sample_database, PERIOD, tmp_path_factory.mktemp("sections"))


@pytest.fixture(scope="module")
def workbook(pack):
    return openpyxl.load_workbook(pack[0])


@pytest.fixture(scope="module")
def warehouse(sample_database):
    connection = duckdb.connect(str(sample_database), read_only=True)
    yield connection
    connection.close()


pytestmark = pytest.mark.slow  # builds a whole board pack


def test_key_figures_are_the_overviews(workbook, warehouse):
    sheet = workbook["Executive summary"]
    _, _, statuses = table_below(sheet, "Status")
    counts = queries.indicator_status_counts(warehouse, SCOPE).set_index("status")["indicators"]
    assert dict(statuses[:4]) == {s: int(counts.get(s, 0)) for s in ("on track", "at risk", "off track", "no data")}
    _, _, measures = table_below(sheet, "Measure")
    activity = queries.activity_counts(warehouse, SCOPE).iloc[0]
    assert dict(measures)["Completed"] == int(activity["completed"])
    assert dict(measures)["Delayed or overdue"] == int(activity["delayed_or_overdue"])
    money = queries.finance_totals(warehouse, SCOPE).iloc[0]
    rows = {row[0]: row[1:3] for row in rows_of(sheet) if row[0] in ("Expenditure", "Spent ÷ budget")}
    assert rows["Expenditure"][0] == pytest.approx(float(money["expenditure_usd"]), abs=0.005)
    assert rows["Expenditure"][1] == pytest.approx(float(money["phase_expenditure_usd"]), abs=0.005)
    assert rows["Spent ÷ budget"][1] == pytest.approx(metrics.phase_delivery(money))


def test_decisions_needed_lead_the_pack(workbook, warehouse):
    _, headers, rows = table_below(workbook["Executive summary"], "Country")
    assert headers == ["Country", "Output", "Decision asked for"]
    assert rows[-1][0].startswith("No decision asked by: ")  # the table's note
    rows = rows[:-1]
    expected = warehouse.execute("SELECT text FROM narrative WHERE period = $period AND kind = 'decision needed'",
                                 {"period": PERIOD}).fetchall()
    assert sorted(row[2] for row in rows) == sorted(text for (text,) in expected)
    assert len(rows) > 0


def test_key_messages_state_their_rules(workbook):
    _, headers, rows = table_below(workbook["Executive summary"], "Message")
    assert headers == ["Message", "Rule that chose it", "See"]
    assert all(row[1] for row in rows)
    texts = " ".join(row[0] for row in rows)
    assert "3 cross-check findings" in texts
    assert "activities are past their planned end" in texts


def test_recommendations_section(workbook, warehouse):
    _, headers, rows = table_below(workbook["Recommendations"], "No.")
    assert headers[:5] == ["No.", "Recommendation", "Addressed to", "Phase", "Status"]
    expected = queries.recommendations(warehouse)
    assert [row[0] for row in rows] == list(expected["number"])
    assert [row[4] for row in rows] == list(expected["status"])
    overdue = {row[0] for row in rows if row[6] == "yes"}
    assert overdue == set(expected.loc[expected["is_overdue"], "number"])


def test_overspent_lines_in_the_finance_section(workbook, warehouse):
    sheet = rows_of(workbook["Finance"])
    start = next(n for n, row in enumerate(sheet) if row[0] == "Overspent lines, programme years up to 2017/18")
    headers = [v for v in sheet[start + 1] if v is not None]
    rows = []
    for row in sheet[start + 2:]:
        if row[0] is None or row[0].startswith("Expenditure above"):
            break
        rows.append(row)
    assert headers[:7] == ["Programme year", "Country", "Output", "Agency", "Budget", "Expenditure", "Over budget by"]
    expected = warehouse.execute("SELECT count(*), sum(expenditure_usd - budget_usd) FROM finance_summary "
                                 "WHERE is_overspent AND programme_year <= 2017").fetchone()
    assert len(rows) == expected[0] > 0
    assert sum(row[6] for row in rows) == pytest.approx(float(expected[1]), abs=0.01)


FINDINGS = [
    ("Indicator counts more than the work plan completed", "Global level",
     "Indicator 5.1 Number of Global Project Board meetings held (cumulative, Phase II): 4 meetings in 2017/18 H1",
     "GLOBAL.xlsx, Results matrix, row 8",
     "Activity 5.1.4 Global Project Board meeting 2017: planned (3 of the 4 activities coded under 5.1 completed)",
     "GLOBAL.xlsx, Work plan, row 5"),
    ("Milestone achieved but its activity not completed", "Global level",
     "Milestone Mid-Term Review completed: achieved on 30 Jun 2017", "GLOBAL.xlsx, Milestones, row 8",
     "Activity 7.1.3 Mid-term review of global-level interventions: planned, 0% complete",
     "GLOBAL.xlsx, Work plan, row 14"),
    ("The review took place but its activity is not completed", "Global level",
     "Mid-Term Review of 30 Jun 2017: 16 recommendations loaded", "MTR-recommendations.xlsx, Recommendations",
     "Activity 7.1.3 Mid-term review of global-level interventions: planned, 0% complete",
     "GLOBAL.xlsx, Work plan, row 14"),
]


def test_cross_checks_find_the_samples_contradictions(workbook, warehouse):
    _, headers, rows = table_below(workbook["Cross-checks"], "Check")
    assert headers == ["Check", "Country", "One sheet says", "From", "Another says", "From"]
    assert rows[:3] == FINDINGS
    found = cross_checks.findings(warehouse, SCOPE)
    assert list(found.columns) == cross_checks.COLUMNS
    assert len(found) == 3
    assert list(found["rule"]) == ["indicator_ahead_of_activities", "milestone_achieved_activity_not_done",
                                   "review_took_place_activity_not_done"]


def test_cross_checks_for_one_country_and_an_earlier_period(warehouse):
    assert cross_checks.findings(warehouse, queries.Scope(period=PERIOD, programme_year=2017, country="JAM")).empty
    earlier = cross_checks.findings(warehouse, queries.Scope(period="2016/17 H2", programme_year=2016))
    assert "indicator_ahead_of_activities" not in set(earlier["rule"])  # 3 meetings held, 3 completed


@pytest.mark.parametrize(("title", "significant"), [
    ("Plan national de migration adopté", ["plan", "national", "migration"]),  # French: 'adopté' ignored
    ("Национальная стратегия миграции утверждена", ["национальная", "стратегия", "миграции"]),  # Russian: past
    ("National migration policy adopted", ["national", "migration", "policy"]),
    ("Política nacional de migración aprobada", ["politica", "nacional", "migracion"]),  # accents folded
])
def test_a_milestones_achievement_word_is_ignored_in_every_language(title, significant):
    """The words that say a milestone was reached are the language files' [cross_checks] achievement words,
    of every language, so a French or Russian milestone is matched to its activity by what it names."""
    words = duckdb.execute(f"SELECT {cross_checks.WORDS.format(column='$title')}",
                           {"title": title, "ignore": cross_checks.words_of("achievement")}).fetchone()[0]
    assert sorted(words) == sorted(significant)


def test_percent_units_and_word_groups_come_from_every_language_file():
    assert {"%", "percent", "pourcentage", "porcentaje", "процент", "procent"} <= set(cross_checks.percent_units())
    assert {"number", "nombre", "numero", "количество"} <= set(cross_checks.words_of("counting"))
    assert cross_checks.words_of("") == []


def test_a_rule_naming_an_unknown_word_group_is_refused(tmp_path):
    path = tmp_path / "cross_checks.csv"
    path.write_text("rule,title,compares,rule_text,ignore\nx,X,a × b,text,adjectives\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'adjectives' is not a word group"):
        cross_checks.rules(path)


def test_every_rule_has_a_query():
    assert [rule.rule for rule in cross_checks.rules()] == [
        "indicator_ahead_of_activities", "milestone_achieved_activity_not_done", "activity_done_milestone_not_reached",
        "review_took_place_activity_not_done"]


def test_the_slides(pack, warehouse):
    presentation = Presentation(pack[2])
    titles = [slide.shapes[0].text_frame.text for slide in presentation.slides]
    outputs = list(queries.outputs(warehouse)["output_code"])
    countries = [name for (name,) in warehouse.execute("SELECT name FROM countries ORDER BY name").fetchall()]
    assert len(titles) == 4 + len(outputs) + len(countries) + 1
    assert titles[:4] == ["Global Project Board — board pack", f"Key figures, {PERIOD}", "Key messages",
                          "Changes since the last pack"]
    assert [t.split(" ")[1] for t in titles[4:4 + len(outputs)]] == outputs
    assert titles[4 + len(outputs):-1] == countries
    assert titles[-1] == f"Decisions needed from the Global Project Board, {PERIOD}"
    for slide in list(presentation.slides)[4:-1]:  # each output and country: its chart and its status table
        kinds = {shape.shape_type for shape in slide.shapes}
        assert {13, 19} <= kinds  # picture, table


# --- print rules --------------------------------------------------------------------------------------

def test_a_header_never_splits_inside_a_word():
    _register_fonts()
    style = _styles()["header"]
    columns = [Column("country", "Country", "label", 7), Column("title", "Indicator", "text", 200),
               Column("ratio", "Progress vs expected", "percent", 5)]
    widths = column_widths(columns, 770, style)
    from reportlab.pdfbase.pdfmetrics import stringWidth
    assert widths[0] >= stringWidth("Country", style.fontName, style.fontSize) + 6
    assert widths[2] >= stringWidth("Progress", style.fontName, style.fontSize) + 6
    assert sum(widths) == pytest.approx(770)


def test_close_labels_are_placed_apart():
    points = pd.DataFrame({"x": [100.0, 104.0, 60.0], "y": [100.0, 108.0, 100.0],
                           "text": ["Serbia", "Republic of Moldova", "Tunisia"]})
    sides = place_labels(points)
    boxes = [_box(x, y, t, s) for x, y, t, s in zip(points["x"], points["y"], points["text"], sides)]
    assert all(_overlap(a, b) == 0 for i, a in enumerate(boxes) for b in boxes[i + 1:])
