"""Rows to fill a template with."""

from __future__ import annotations

import datetime as dt


def good_rows() -> dict[str, list[dict]]:
    """A small, valid set of rows for every sheet: two countries, one global indicator."""
    results = []
    for period, target, actual in (("2014/15 H1", 0, None), ("2014/15 H2", 2, 2), ("2015/16 H1", 4, 3)):
        results.append(dict(output_code="Output 1", indicator_code="1.1",
                            indicator_title="National policies that integrate migration", unit="policies",
                            direction="higher is better", country="Jamaica", baseline=0, baseline_year=2013,
                            period=period, target=target, actual=actual, end_target=6,
                            means_of_verification="Official gazette"))
        results.append(dict(output_code="Output 5", indicator_code="5.1",
                            indicator_title="Global meetings held", unit="meetings", direction="higher is better",
                            country="GLOBAL", baseline=0, baseline_year=2014, period=period, target=target / 2,
                            actual=actual, end_target=4))
    return {
        "results": results,
        "workplan": [dict(activity_code="1.1.1", activity_title="National launch event", output_code="Output 1",
                          country="Serbia", lead_agency="UNDP", support_agency="IOM", planned_start="Q2 2014",
                          planned_end="Jun 2014", actual_start=dt.date(2014, 5, 2), actual_end=dt.date(2014, 6, 20),
                          status="completed", percent_complete=100, budget=1_000_000, currency="RSD"),
                     dict(activity_code="2.1.1", activity_title="Migration profile", output_code="Output 2",
                          country="Serbia", lead_agency="IOM", planned_start=dt.date(2014, 9, 1),
                          planned_end="Q4 2015", status="delayed", percent_complete="40%", budget=25_000)],
        "expenditure": [dict(country="Jamaica", output_code="Output 1", agency="UNDP", programme_year=2014,
                             budget=100_000, received=60_000, expenditure=45_000.55, currency="USD"),
                        dict(country="GLOBAL", output_code="Output 5", agency="IOM", programme_year="2015/16",
                             budget=50_000, received=50_000, expenditure=10_000, currency="CHF")],
        "milestones": [dict(country="Jamaica", milestone="Government endorsement", category="inception",
                            due_date=dt.date(2014, 4, 30), achieved_date=dt.date(2014, 4, 15))],
        "narrative": [dict(country="Jamaica", output_code="Output 1", period="2014/15 H2", kind="achievement",
                           text="PIOJ convened the first National Project Board.")],
    }
