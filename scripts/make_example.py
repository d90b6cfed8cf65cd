"""Write the sample workbooks of a bundled example programme (examples/<name>/sample/*.xlsx) from its own
templates: the programme file gives the countries, outputs, agencies, calendar and milestones, and the
rows are invented (illustrative, seeded so the files are the same on every run).

Run: `.venv/bin/python scripts/make_example.py [examples/phase3]` (or `make example`).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.programme import Programme  # noqa: E402
from etl.reference import GLOBAL, Reference, load_reference  # noqa: E402
from etl.templates import build_workbook  # noqa: E402

INDICATORS = {  # per output position in the programme file: (title, unit) of its indicators
    0: [("Development plans that integrate migration", "plans"), ("SDG targets with a migration indicator", "targets")],
    1: [("Municipalities with a migration-aware service plan", "municipalities"),
        ("Migrants reached by local services", "people")],
    2: [("Labour migration policies adopted", "policies"), ("Recruitment agencies trained on fair recruitment",
                                                             "agencies")],
    3: [("SDG migration indicators reported", "indicators"), ("Migration data reports published", "reports")],
    4: [("Regional consultations informed by country experience", "consultations"),
        ("Global policy briefs citing programme countries", "briefs")],
    5: [("Knowledge products published", "products"), ("Downloads of knowledge products", "downloads")],
}
KINDS = ("achievement", "challenge", "next period plan", "decision needed")


def _output_label(code: str) -> str:
    return f"Output {code}"


def _rows(programme: Programme, reference: Reference, unit: str, as_of: dt.date, rng: random.Random) -> dict:
    country = reference.countries.get(unit, GLOBAL)
    scope = "global" if unit == GLOBAL else "country"
    outputs = [(index, output) for index, output in enumerate(programme.outputs) if output.scope == scope]
    periods = programme.periods()
    reported = [p for p in periods if p.end <= as_of]
    agencies = [agency.code for agency in programme.agencies]
    results, plan, money, milestones, narrative, parts = [], [], [], [], [], []
    sex = next((d for d in programme.dimensions if d.code == "sex"), None)
    for index, output in outputs:
        for number, (title, what) in enumerate(INDICATORS[index % len(INDICATORS)], start=1):
            baseline = rng.randint(0, 5)
            end_target = baseline + rng.randint(4, 20) * (50 if what in ("people", "downloads") else 1)
            pace = rng.uniform(0.5, 1.4)
            for step, period in enumerate(periods, start=1):
                target = round(baseline + (end_target - baseline) * step / len(periods))
                actual = round(baseline + (target - baseline) * pace) if period in reported else None
                results.append(dict(output_code=_output_label(output.code), indicator_code=f"{output.code}.{number}",
                                    indicator_title=title, unit=what, direction="higher is better", country=country,
                                    baseline=baseline, baseline_year=programme.start.year - 1, period=period.label,
                                    target=target, actual=actual, end_target=end_target,
                                    means_of_verification="Programme monitoring records",
                                    sdg_targets="1.3" if what == "people" else None))  # its own, besides its output's
                if sex and what == "people" and actual is not None:  # people reached, split by sex
                    women_target, women_actual = round(target * 0.5), round(actual * rng.uniform(0.35, 0.6))
                    for category, part_target, part_actual in zip(
                            sex.categories, (women_target, target - women_target), (women_actual, actual - women_actual)):
                        parts.append(dict(country=country, indicator_code=f"{output.code}.{number}",
                                          period=period.label, dimension=sex.code, category=category,
                                          target=part_target, actual=part_actual))
        lead = output.lead_agency or agencies[0]
        support = next(agency for agency in agencies if agency != lead)
        for number in (1, 2):
            start = periods[rng.randrange(0, 8)]
            end = periods[min(len(periods) - 1, periods.index(start) + rng.randint(2, 6))]
            started, ended = start.start <= as_of, end.end <= as_of
            status = ("completed" if ended and rng.random() < 0.8 else "delayed" if ended else
                      "ongoing" if started else "planned")
            plan.append(dict(activity_code=f"{output.code}.{number}.1",
                             activity_title=f"{output.title}: activity {number}", output_code=_output_label(output.code),
                             country=country, lead_agency=lead, support_agency=support, planned_start=start.start,
                             planned_end=end.end, actual_start=start.start if started else None,
                             actual_end=end.end if status == "completed" else None, status=status,
                             percent_complete=100 if status == "completed" else (rng.randint(10, 90) if started else 0),
                             budget=rng.randint(20, 120) * 1_000, currency="USD"))
        for year in range(programme.first_year, programme.last_year + 1):
            budget = rng.randint(40, 160) * 1_000
            spent_share = 0 if programme.year_start(year) > as_of else (
                rng.uniform(0.6, 1.0) if programme.year_end(year) <= as_of else rng.uniform(0.2, 0.6))
            money.append(dict(country=country, output_code=_output_label(output.code), agency=lead, programme_year=year,
                              budget=budget, received=round(budget * min(1.0, spent_share + 0.2), 2),
                              expenditure=round(budget * spent_share, 2), currency="USD"))
    for milestone in programme.milestones:
        achieved = milestone.due + dt.timedelta(days=rng.randint(-90, 60)) if rng.random() < 0.85 else None
        milestones.append(dict(country=country, milestone=milestone.title, category=milestone.kind,
                               due_date=milestone.due, achieved_date=achieved if achieved and achieved <= as_of else None))
    for period in reported[-2:]:
        for kind in KINDS:
            narrative.append(dict(country=country, output_code=_output_label(outputs[0][1].code), period=period.label,
                                  kind=kind, text=f"{country}, {period.label}: {kind} (illustrative text)."))
    return {"results": results, "workplan": plan, "expenditure": money, "milestones": milestones,
            "narrative": narrative, **({"disaggregation": parts} if programme.dimensions else {})}


def make_example(folder: Path, out: Path | None = None) -> list[Path]:
    """The example's workbooks, written to `out` (default: its sample folder)."""
    programme_file = folder / "programme.toml"
    reference = load_reference(programme=programme_file)
    programme = reference.programme
    as_of = dt.date.fromisoformat((folder / "AS_OF").read_text().strip())
    out = out or folder / "sample"
    out.mkdir(exist_ok=True)
    written = []
    for unit in [country.iso3 for country in programme.countries] + [GLOBAL]:
        rng = random.Random(f"{programme.code}-{unit}")
        rows = _rows(programme, reference, unit, as_of, rng)
        path = out / f"{unit}.xlsx"
        build_workbook(list(rows), rows, reference).save(path)
        written.append(path)
        print(f"wrote {path}: " + ", ".join(f"{kind} {len(r)}" for kind, r in rows.items()))
    return written


if __name__ == "__main__":
    make_example(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "examples" / "phase3")
