"""Metrics once: every ratio a page or the board pack shows comes from mm_core.metrics (or a view); no page and no
reports module divides two data values itself."""

from __future__ import annotations

import ast
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

from etl.warehouse import open_read_only
from mm_core import metrics, queries

from .helpers.paths import REPOSITORY

PRESENTATION = ("app_pages", "reports", "dashboard.py")
DIVISION_METHODS = {"div", "truediv", "floordiv", "rdiv", "rtruediv", "rfloordiv", "divide"}
# (file, expression): why it is not a figure shown to the reader. Layout arithmetic only.
ALLOWED = {
    ("reports/board_pack.py", "out_dir / f'{stem}.xlsx'"): "a path joined (pathlib), not a division",
    ("reports/board_pack.py", "out_dir / f'{stem}.pdf'"): "a path joined (pathlib), not a division",
    ("reports/pdf.py", "FRAME_WIDTH / width"): "a chart image scaled to fit the page's width",
    ("reports/pdf.py", "room / height"): "a chart image scaled to fit the room left on the page",
    ("reports/pdf_text.py", "MAX_CELL_HEIGHT // style.leading"): "how many lines of text fit in a PDF cell",
    ("reports/xlsx.py", "len(text) / characters_per_line"): "how many lines a wrapped text takes (row height)",
    ("reports/board_pack.py", "out_dir / f'{stem}.pptx'"): "a path joined (pathlib), not a division",
    ("reports/pdf.py", "(FRAME_WIDTH - gap * (len(beside) - 1)) / len(beside)"): "charts side by side share the "
                                                                                  "page's width",
    ("reports/pdf.py", "width * c.width / total"): "PDF column widths in points, shared out in proportion",
    ("reports/pdf.py", "short / sum(spare)"): "the width a header lacks, taken from the other columns in proportion",
    ("reports/print_charts.py", "lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))"):
        "the Equal Earth map projection (where a country's name is drawn)",
    ("reports/print_charts.py", "(PAGE_PIXELS - LABEL_AREA) / panels"): "a panel's width on the page",
    ("reports/print_charts.py", "ROOM_PIXELS / rows"): "a row's height on the page",
    ("reports/slides.py", "(WIDTH - 2 * MARGIN - Inches(0.3) * (len(figures) - 1)) / max(1, len(figures))"):
        "charts side by side share the slide's width",
    ("reports/slides.py", "room_w / width"): "a chart image scaled to fit the slide",
    ("reports/slides.py", "room_h / height"): "a chart image scaled to fit the slide",
    ("reports/slides.py", "width * column.width / total"): "slide table column widths, shared out in proportion",
}


def is_constant(node: ast.AST) -> bool:
    """A literal, a module constant (UPPER_CASE), or arithmetic of those alone."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id.isupper()
    if isinstance(node, ast.BinOp):
        return is_constant(node.left) and is_constant(node.right)
    if isinstance(node, ast.UnaryOp):
        return is_constant(node.operand)
    return False


def is_division(node: ast.AST) -> bool:
    """A division by a value that is not a constant (dividing by a constant is a change of unit or a layout
    step, not a ratio of two figures), in an expression, an augmented assignment or a pandas/numpy call."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.FloorDiv)):
        return not is_constant(node.right)
    if isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Div, ast.FloorDiv)):
        return not is_constant(node.value)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DIVISION_METHODS


def divisions(repository: Path = REPOSITORY) -> list[tuple[str, str, int]]:
    """(file, expression, line) of every division in the presentation code, in the order of the lines."""
    found = []
    for entry in PRESENTATION:
        paths = [repository / entry] if entry.endswith(".py") else sorted((repository / entry).rglob("*.py"))
        for path in [p for p in paths if p.exists()]:
            relative = str(path.relative_to(repository))
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found.extend(sorted(((relative, ast.unparse(node), node.lineno) for node in ast.walk(tree)
                                 if is_division(node)), key=lambda item: item[2]))
    return found


def test_no_page_or_report_divides_two_values():
    found = divisions()
    unexpected = [f"{file}:{line}: {expression}" for file, expression, line in found if (file, expression) not in ALLOWED]
    assert not unexpected, "a ratio belongs in mm_core/metrics.py (or a view):\n" + "\n".join(unexpected)
    assert not set(ALLOWED) - {(file, expression) for file, expression, _ in found}, "allowances no longer needed"


def test_the_scan_finds_a_ratio_but_not_a_unit_or_a_layout_constant(tmp_path, monkeypatch):
    (tmp_path / "app_pages").mkdir()
    (tmp_path / "app_pages" / "planted.py").write_text(
        "rate = money['spent'] / money['budget']\n"
        "share = done // total\n"
        "millions = amount / 1_000_000\n"
        "third = (FRAME_WIDTH - 24) / 3\n"
        "per_row = PAGE_HEIGHT / rows\n"
        "rates = frame['spent'].div(frame['budget'])\n"
        "x /= y\n")
    monkeypatch.setattr(sys.modules[__name__], "PRESENTATION", ("app_pages",))
    assert [(expression, line) for _, expression, line in divisions(tmp_path)] == [
        ("money['spent'] / money['budget']", 1), ("done // total", 2), ("PAGE_HEIGHT / rows", 5),
        ("frame['spent'].div(frame['budget'])", 6), ("x /= y", 7)]


TOTALS = pd.Series({"budget_usd": 400.0, "received_usd": 300.0, "expenditure_usd": 150.0,
                    "phase_budget_usd": 1000.0, "phase_expenditure_usd": 250.0})


@pytest.mark.parametrize(("metric", "expected"), [
    (metrics.year_delivery, 0.375), (metrics.year_spent_of_received, 0.5), (metrics.phase_delivery, 0.25)])
def test_money_ratios_of_the_totals(metric, expected):
    assert metric(TOTALS) == expected


def test_a_ratio_of_nothing_is_not_shown():
    empty = pd.Series({key: 0.0 for key in TOTALS.index})
    assert [metrics.year_delivery(empty), metrics.year_spent_of_received(empty), metrics.phase_delivery(empty)] == [
        None, None, None]
    assert metrics.share(3, 0) is None


def test_inception_share():
    assert metrics.inception_share(pd.Series({"complete": 3, "countries": 8})) == 0.375
    assert metrics.inception_share(pd.Series({"complete": 0, "countries": 0})) is None


def test_delivery_rates_of_a_money_table_leave_a_zero_budget_blank():
    money = pd.DataFrame({"budget_usd": [200.0, 0.0], "expenditure_usd": [50.0, 10.0],
                          "phase_budget_usd": [400.0, 100.0], "phase_expenditure_usd": [100.0, 10.0]})
    rates = metrics.delivery_rates(money)
    assert rates.iloc[0] == 0.25 and math.isnan(rates.iloc[1])
    assert metrics.delivery_rates(money, "phase_").tolist() == [0.25, 0.1]


def test_the_delivery_rate_is_the_finance_summary_views_rule(sample_database):
    """Per line, the metric rounded as the view rounds it is the view's delivery_rate."""
    with open_read_only(sample_database) as connection:
        lines = queries.finance_lines(connection, queries.Scope(period="2016/17 H2", programme_year=2016))
    assert len(lines) > 0
    ours = metrics.delivery_rates(lines).round(4)
    theirs = lines["delivery_rate"].astype(float)
    assert (ours.isna() == theirs.isna()).all()
    assert ours[ours.notna()].tolist() == pytest.approx(theirs[theirs.notna()].tolist(), abs=1e-12)
