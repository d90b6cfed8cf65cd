"""Bundled sample content for the results-monitoring dashboard (illustrative).

`workbook_rows(unit)` returns, for one programme country (ISO-3 code) or "GLOBAL", the rows of the five
workbook sheets defined in `etl/spec.py` (results, workplan, expenditure, milestones, narrative), written
the way a country office would type them into the Excel template.

Facts taken from the source documents (`/work/shared/seeds/`):

* UNDP Annual Progress Report, year 1 of Phase II (Feb 2014 - Jan 2015), seed 004:
  - inception completed in 7 of 8 countries ("87.5% success"); Ecuador's government endorsement still
    pending at the end of year 1;
  - per-country inception facts: Bangladesh launch (April 2014) and first NPB meeting (July 2014), IOM in
    the lead with UNDP support; Jamaica's Letter of Agreement with the Planning Institute of Jamaica
    (PIOJ) drafted and agreed, legal clearance pending because of UNDP restructuring; Kyrgyzstan launch
    (April 2014), NPB ToR, multi-annual work plan with the Secretariat on Sustainable Development;
    Moldova's endorsement, focal points, NPB and work plan/budget endorsed in May 2014, national launch at
    the Global Project Board (GPB) meeting; Morocco's focal point, UNCT thematic group meetings on
    5 June and 24 July 2014, launch and MoU signature in November 2014, inter-ministerial committee;
    Serbia's UNCT migration working group re-established in May 2014 and first NPB meeting on
    17 November 2014 with five ministries; Tunisia's endorsement, focal point (Ministry of Social Affairs)
    and presentation event;
  - first GPB meeting in Moldova, June 2014, 52 participants; GFMD (14-16 May 2014), Geneva briefing
    (Feb 2014), GMG workshop (Oct 2014), KNOMAD working group, UNDAF guidance outline (8 briefs),
    draft communications and knowledge management strategy and newsletter;
  - UNDP restructuring and staff turnover as the main reason for shortfalls; the planned interventions
    for the next 12 months per country and global output;
  - UNDP money for year 1: confirmed funding USD 822,771, received USD 454,464.00, expenditure
    USD 274,594.56 (the UNDP programme-year-2014 expenditure rows add up to exactly these figures; their
    split by country and output is illustrative).
* Mid-Term Review of global-level interventions, June 2017, seed 003: date of the review and the themes
  of its recommendations (knowledge management, communication, South-South cooperation, SDGs, a
  consolidated donor report with a results matrix, focus on results).
* Government lead partners: data/reference/countries.csv.

Everything else - indicator wording and values, baselines and targets, work-plan activities beyond the
ones named in the year-1 report, dates and budgets of activities, IOM budgets and all amounts of later
years, implementation milestones, the narrative of later periods - is ILLUSTRATIVE.

Pure data and deterministic generation: seeded `random.Random` instances only, no I/O, stdlib only.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from etl.spec import INCEPTION_MILESTONES

COUNTRIES = ["BGD", "ECU", "JAM", "KGZ", "MDA", "MAR", "SRB", "TUN"]
GLOBAL = "GLOBAL"
UNITS = COUNTRIES + [GLOBAL]

# Names exactly as in data/reference/countries.csv (column `name`).
COUNTRY_NAMES = {
    "BGD": "Bangladesh", "ECU": "Ecuador", "JAM": "Jamaica", "KGZ": "Kyrgyzstan",
    "MDA": "Republic of Moldova", "MAR": "Morocco", "SRB": "Serbia", "TUN": "Tunisia", GLOBAL: "GLOBAL",
}

PERIODS = ["2014/15 H1", "2014/15 H2", "2015/16 H1", "2015/16 H2",
           "2016/17 H1", "2016/17 H2", "2017/18 H1", "2017/18 H2"]
PROGRAMME_YEARS = [2014, 2015, 2016, 2017]

# "Today" for the work plan: mid-year-4 reporting.
TODAY = dt.date(2017, 1, 31)
PHASE_START = dt.date(2014, 2, 1)
PHASE_END = dt.date(2018, 1, 31)

SEED = 2014

# Units of local currency per USD (a copy of data/reference/fx_rates.csv, so that no I/O is needed).
FX = {
    "USD": {2014: 1, 2015: 1, 2016: 1, 2017: 1},
    "CHF": {2014: 0.9152, 2015: 0.9627, 2016: 0.9851, 2017: 0.9847},
    "EUR": {2014: 0.7538, 2015: 0.9013, 2016: 0.9034, 2017: 0.8852},
    "BDT": {2014: 77.64, 2015: 77.95, 2016: 78.47, 2017: 80.44},
    "JMD": {2014: 111.01, 2015: 116.93, 2016: 125.11, 2017: 127.80},
    "KGS": {2014: 53.65, 2015: 64.46, 2016: 69.91, 2017: 68.87},
    "MDL": {2014: 14.04, 2015: 18.82, 2016: 19.92, 2017: 18.49},
    "MAD": {2014: 8.41, 2015: 9.76, 2016: 9.81, 2017: 9.69},
    "RSD": {2014: 88.54, 2015: 108.81, 2016: 111.28, 2017: 107.76},
    "TND": {2014: 1.6884, 2015: 1.9617, 2016: 2.1478, 2017: 2.4194},
}
LOCAL_CURRENCY = {"BGD": "BDT", "JAM": "JMD", "KGZ": "KGS", "MDA": "MDL", "MAR": "MAD", "SRB": "RSD",
                  "TUN": "TND"}  # Ecuador uses the US dollar

def _rng(*parts: object) -> random.Random:
    """A seeded generator for one piece of content (string seeds are hashed deterministically)."""
    return random.Random(":".join([str(SEED), *map(str, parts)]))


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# ---------------------------------------------------------------------------------------------------
# Results matrix
# ---------------------------------------------------------------------------------------------------

# code, title, unit, direction, baseline range, change range (to end target), kind, cumulative,
# means of verification. kind: count | pct | days | months. For "lower is better" the change is the
# fraction of the baseline to remove by January 2018.
HIGHER, LOWER = "higher is better", "lower is better"

COUNTRY_INDICATORS = [
    # Output 1 - key migration and development stakeholders are engaged (UNDP)
    ("1.1", "Number of National Project Board meetings held (cumulative, Phase II)", "meetings", HIGHER,
     (0, 0), (6, 8), "count", True, "NPB minutes and attendance lists"),
    ("1.2", "Number of government institutions taking part in the national migration and development "
     "coordination mechanism", "institutions", HIGHER, (2, 6), (5, 9), "count", True,
     "NPB and inter-ministerial committee membership lists"),
    ("1.3", "Number of consultations held with civil society, diaspora, private sector and academia on "
     "migration mainstreaming (cumulative)", "events", HIGHER, (0, 2), (8, 14), "count", True,
     "Event reports and participant lists"),
    ("1.4", "Number of UNCT agencies with migration reflected in their programming or UNDAF results",
     "agencies", HIGHER, (1, 3), (3, 6), "count", True, "UNDAF results matrix; UNCT thematic group minutes"),
    ("1.5", "Percentage of NPB member institutions represented at each Board meeting", "%", HIGHER,
     (45, 65), (20, 30), "pct", False, "NPB attendance lists"),
    ("1.6", "Number of diaspora organisations engaged in programme consultations (cumulative)",
     "organisations", HIGHER, (0, 4), (6, 12), "count", True, "Consultation reports; diaspora mapping"),
    # Output 2 - migration integrated into national development policies and plans (IOM)
    ("2.1", "Number of national or sectoral policies, strategies and plans integrating migration",
     "documents", HIGHER, (1, 3), (3, 5), "count", True, "Adopted policy documents; official gazette"),
    ("2.2", "Number of local development plans integrating migration", "plans", HIGHER, (0, 1), (2, 5),
     "count", True, "Local development plans adopted by local councils"),
    ("2.3", "Number of sectoral policy reviews applying a migration lens (employment, education, health, "
     "social protection)", "reviews", HIGHER, (0, 1), (4, 6), "count", True, "Policy review reports"),
    ("2.4", "Number of line ministries with an appointed migration focal point", "ministries", HIGHER,
     (1, 4), (4, 8), "count", True, "Official appointment letters"),
    ("2.5", "Number of migration policy action plans with a costed monitoring framework", "action plans",
     HIGHER, (0, 0), (1, 3), "count", True, "Action plans and M&E frameworks as adopted"),
    ("2.6", "Average number of days for inter-ministerial clearance of migration-related policy drafts",
     "days", LOWER, (70, 120), (0.35, 0.5), "days", False, "Correspondence log of the lead ministry"),
    # Output 3 - institutional capacity strengthened (IOM)
    ("3.1", "Number of government officials trained in migration mainstreaming (cumulative)", "persons",
     HIGHER, (0, 40), (150, 260), "count", True, "Training attendance lists and reports"),
    ("3.2", "Percentage of trained officials applying the skills in their work six months after training",
     "%", HIGHER, (20, 35), (30, 40), "pct", False, "Follow-up survey of training participants"),
    ("3.3", "Number of inter-ministerial coordination meetings on migration held (cumulative)", "meetings",
     HIGHER, (0, 2), (10, 16), "count", True, "Meeting minutes"),
    ("3.4", "Average number of days to process a diaspora investment or return request", "days", LOWER,
     (45, 90), (0.3, 0.45), "days", False, "Case-management records of the lead institution"),
    ("3.5", "Number of training modules on migration and development adopted by national training "
     "institutions", "modules", HIGHER, (0, 1), (2, 4), "count", True, "Curricula of civil-service academies"),
    ("3.6", "Number of local authorities with staff trained on migration and local development",
     "local authorities", HIGHER, (0, 2), (6, 12), "count", True, "Training reports"),
    # Output 4 - evidence produced and used (IOM)
    ("4.1", "Number of administrative data sources on migration shared through the national data system",
     "data sources", HIGHER, (1, 4), (4, 7), "count", True, "Data-sharing agreements; statistics office"),
    ("4.2", "Number of research studies on migration and development published", "studies", HIGHER,
     (0, 2), (3, 6), "count", True, "Published studies"),
    ("4.3", "Number of policy briefs using migration data disseminated", "briefs", HIGHER, (0, 1), (5, 9),
     "count", True, "Policy briefs; dissemination lists"),
    ("4.4", "Time lag between data collection and publication of migration statistics", "months", LOWER,
     (14, 24), (0.4, 0.55), "months", False, "Publication calendar of the national statistics office"),
    ("4.5", "Number of migration-related SDG indicators with national data available", "indicators",
     HIGHER, (1, 4), (5, 9), "count", True, "National SDG indicator framework"),
    ("4.6", "Percentage of data-producing institutions sharing migration data under the agreed protocol",
     "%", HIGHER, (15, 35), (35, 50), "pct", False, "Migration data working group reports"),
    ("4.7", "Number of editions of the (extended) migration profile published", "editions", HIGHER,
     (0, 1), (1, 2), "count", True, "Published migration profile"),
]

GLOBAL_INDICATORS = [
    # Output 5 - international cooperation, knowledge-sharing and learning
    ("5.1", "Number of Global Project Board meetings held (cumulative, Phase II)", "meetings", HIGHER,
     (0, 0), (4, 4), "count", True, "GPB meeting reports"),
    ("5.2", "Number of bilateral peer-learning missions between programme countries (cumulative)",
     "missions", HIGHER, (0, 0), (8, 8), "count", True, "Mission reports"),
    ("5.3", "Number of programme newsletter editions circulated to partners (cumulative)", "editions",
     HIGHER, (0, 0), (12, 12), "count", True, "Newsletter archive"),
    ("5.4", "Number of sessions at global fora (GFMD, GMG, KNOMAD) presenting programme results "
     "(cumulative)", "sessions", HIGHER, (0, 0), (14, 14), "count", True, "Fora agendas and reports"),
    ("5.5", "Number of members of the online community of practice on migration mainstreaming", "members",
     HIGHER, (0, 0), (300, 300), "count", True, "Platform statistics"),
    ("5.6", "Average number of days between a GPB meeting and circulation of its minutes", "days", LOWER,
     (45, 45), (0.6, 0.6), "days", False, "GPB correspondence"),
    # Output 6 - knowledge products, tools and methodologies
    ("6.1", "Number of knowledge products and tools developed and disseminated (cumulative)", "products",
     HIGHER, (0, 0), (10, 10), "count", True, "Published products; programme website"),
    ("6.2", "Number of UNDAF guidance briefs on migration finalised with GMG agencies", "briefs", HIGHER,
     (0, 0), (8, 8), "count", True, "GMG working group documents"),
    ("6.3", "Number of UN Country Teams using the GMG guidance on mainstreaming migration", "UNCTs", HIGHER,
     (2, 2), (14, 14), "count", True, "UNCT reports; GMG working group survey"),
    ("6.4", "Number of UN and government staff trained through the ITC-ILO course on mainstreaming "
     "migration into development planning (cumulative)", "persons", HIGHER, (0, 0), (150, 150), "count",
     True, "ITC-ILO course reports"),
    ("6.5", "Percentage of GMG working group work-plan activities completed", "%", HIGHER, (0, 0),
     (90, 90), "pct", False, "GMG working group progress reports"),
    # Output 7 - lessons learned
    ("7.1", "Number of lessons-learned notes produced and disseminated (cumulative)", "notes", HIGHER,
     (0, 0), (8, 8), "count", True, "Lessons-learned series"),
    ("7.2", "Number of biannual progress reports (matrices) submitted to the GPB (cumulative)", "reports",
     HIGHER, (0, 0), (8, 8), "count", True, "PMU progress reports"),
    ("7.3", "Number of monitoring missions to programme countries (cumulative)", "missions", HIGHER,
     (0, 0), (8, 8), "count", True, "Monitoring mission reports"),
    ("7.4", "Percentage of programme countries submitting their biannual report on time", "%", HIGHER,
     (50, 50), (50, 50), "pct", False, "PMU reporting log"),
    ("7.5", "Average number of days to consolidate the biannual progress report after the period ends",
     "days", LOWER, (60, 60), (0.5, 0.5), "days", False, "PMU reporting log"),
]

# Revised baselines (same on every row of the indicator). unit, code -> (adjusted baseline, note)
ADJUSTED_BASELINES = {
    ("BGD", "2.1"): (3, "Policy mapping completed in 2015 found that the Overseas Employment and Migrants "
                       "Act 2013 already integrates migration; it had been omitted at inception."),
    ("MDA", "4.1"): (5, "2015 data-source assessment by the National Bureau of Statistics identified two "
                       "administrative sources (Border Police, Ministry of Education) already sharing data."),
    ("KGZ", "3.1"): (22, "Review of Phase I training records in 2015 showed that participants of repeat "
                        "sessions had been counted twice."),
    ("JAM", "4.4"): (15, "STATIN confirmed in 2015 that the 2013 migration statistics were published after "
                        "15 months, not the 20 months estimated at inception."),
}

RAMP = [0.0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0]
BANDS = ("on track", "a bit behind", "well behind")
BAND_RANGES = {"on track": (0.92, 1.25), "a bit behind": (0.62, 0.88), "well behind": (0.2, 0.55)}
# Probability of each band, by indicator profile.
PROFILE_WEIGHTS = {"strong": (0.78, 0.13, 0.09), "average": (0.57, 0.22, 0.21), "weak": (0.3, 0.3, 0.4)}


def _indicator_values(unit: str, spec_row: tuple) -> dict:
    """Baseline and end target of one indicator in one unit."""
    code, _title, _unit, direction, base_range, change_range, kind, _cum, _mov = spec_row
    r = _rng("indicator", unit, code)
    if kind == "pct":
        baseline = r.randint(*base_range)
        end = min(100, baseline + r.randint(*change_range))
    elif direction == LOWER:
        baseline = r.randint(*base_range)
        end = round(baseline * (1 - r.uniform(*change_range)))
    else:
        baseline = r.randint(*base_range)
        end = baseline + r.randint(*change_range)
    if code == "1.1":  # two Board meetings a year
        end = 7 if unit == "ECU" else 8
    fixed_baselines = {("JAM", "4.4"): 20, ("BGD", "2.1"): 2, ("MDA", "4.1"): 3, ("KGZ", "3.1"): 35}
    if (unit, code) in fixed_baselines:  # the original baselines of the revised indicators
        shift = fixed_baselines[(unit, code)] - baseline
        baseline, end = baseline + shift, end + shift
    return {"baseline": baseline, "end_target": end}


def _period_target(start: float, end: float, p: int, kind: str, direction: str) -> int | float:
    value = start + (end - start) * RAMP[p]
    if p == 0:
        return start
    if direction == HIGHER and kind == "count":
        return int(start + math.ceil((end - start) * RAMP[p]))
    return int(round(value))


def _pick_actual(r: random.Random, target: float, band: str, kind: str, direction: str) -> int | float:
    lo, hi = BAND_RANGES[band]
    if band == "well behind" and kind != "count":  # rates and durations do not collapse
        lo = 0.42
    if kind == "pct":
        factor = r.uniform(lo, hi)
        return round(min(100.0, target * factor), 1)
    # whole numbers: choose among the integers whose ratio falls into the band
    if direction == HIGHER:
        candidates = [n for n in range(0, int(target * hi) + 2) if lo <= n / target <= hi]
    else:
        candidates = [n for n in range(1, int(target / lo) + 2) if lo <= target / n <= hi]
    if not candidates:  # small numbers: fall back to hitting the target
        return int(target)
    return r.choice(candidates)


def _results(unit: str) -> list[dict]:
    specs = GLOBAL_INDICATORS if unit == GLOBAL else COUNTRY_INDICATORS
    rows = []
    for spec_row in specs:
        code, title, what, direction, _br, _cr, kind, cumulative, mov = spec_row
        values = _indicator_values(unit, spec_row)
        baseline, end = values["baseline"], values["end_target"]
        adjusted, note = ADJUSTED_BASELINES.get((unit, code), (None, None))
        start = adjusted if adjusted is not None else baseline
        r = _rng("actuals", unit, code)
        profile = r.choices(["strong", "average", "weak"], weights=(0.4, 0.45, 0.15))[0]
        if unit == "ECU":
            profile = r.choice(["average", "weak", "weak"])
        first_reported = 3 if unit == "ECU" else (0 if r.random() < 0.2 and start > 0 else 1)
        previous = band = None
        for p, period in enumerate(PERIODS):
            target = _period_target(start, end, p, kind, direction)
            actual = None
            comment = None
            if p >= first_reported and target and not (p > 0 and r.random() < 0.08):
                if band is None or r.random() > 0.55:  # performance persists from one period to the next
                    band = r.choices(BANDS, weights=PROFILE_WEIGHTS[profile])[0]
                actual = _pick_actual(r, target, band, kind, direction)
                if cumulative:  # cumulative counts do not go down, nor below the baseline
                    actual = max(actual, start, previous if previous is not None else start)
            elif unit == "ECU" and p < 3:
                comment = "Not measured: implementation not started, government endorsement pending."
            elif p > 0 and target:
                comment = "Data not yet available from the partner institution."
            if actual is not None:
                previous = actual
            row = {
                "output_code": f"Output {code.split('.')[0]}",
                "indicator_code": code,
                "indicator_title": title,
                "unit": what,
                "direction": direction,
                "country": COUNTRY_NAMES[unit],
                "baseline": baseline,
                "baseline_year": 2014,
                "baseline_adjusted": adjusted,
                "baseline_adjustment_note": note,
                "period": period,
                "target": target,
                "actual": actual,
                "end_target": end,
                "means_of_verification": mov,
                "comment": comment,
            }
            rows.append(row)
    _global_facts(unit, rows)
    return rows


def _global_facts(unit: str, rows: list[dict]) -> None:
    """Global indicators whose actuals follow the documented events."""
    if unit != GLOBAL:
        return
    fixed = {
        # one GPB meeting a year; the first in Moldova, June 2014
        "5.1": [1, 1, 2, 2, 3, 3, 4, 4],
        # two biannual progress reports (matrices) prepared for the GPB in year 1
        "7.2": [1, 2, 3, 4, 5, 6, 7, 8],
    }
    for row in rows:
        code = row["indicator_code"]
        if code in fixed:
            row["actual"] = fixed[code][PERIODS.index(row["period"])]
            row["comment"] = None
        if code == "5.1" and row["period"] == "2014/15 H1":
            row["comment"] = "First GPB meeting, Moldova, June 2014 (52 participants)."


# ---------------------------------------------------------------------------------------------------
# Work plan
# ---------------------------------------------------------------------------------------------------

# (code, title, planned start, planned end, lead agency or None for the output's default)
OUTPUT1_ACTIVITIES = {
    "BGD": [
        ("1.1.1", "National launch of Phase II with government, civil society, private sector and media",
         "2014-03", "2014-04", "IOM", "completed"),
        ("1.1.2", "Establish the National Project Board and convene its first meeting", "2014-04", "2014-07",
         "IOM", "completed"),
        ("1.1.3", "Produce and disseminate visibility and publicity materials (brochures, notebooks, folders)",
         "2014-05", "2015-01", None, "completed"),
        ("1.2.1", "Commission the study 'Internal Migration as a Tool for Resilience'", "2015-03", "2015-12",
         None, None),
        ("1.2.2", "Dissemination workshop on the internal migration study with line ministries and "
         "development partners", "2016-01", "2016-04", None, None),
        ("1.2.3", "National consultation for the Global Forum on Migration and Development (with IOM)",
         "2015-06", "2015-09", None, None),
    ],
    "ECU": [
        ("1.1.1", "Consultations with the Government to secure endorsement of Phase II", "2014-02", "2014-07",
         None, "delayed"),
        ("1.1.2", "Establish the National Project Board", "2014-05", "2014-09", None, "delayed"),
        ("1.1.3", "National launch event of Phase II", "2014-06", "2014-09", None, "cancelled"),
        ("1.2.1", "Briefing of the UNCT on human mobility and development", "2015-09", "2015-11", None, "late"),
    ],
    "JAM": [
        ("1.1.1", "Letter of Agreement with the Planning Institute of Jamaica (PIOJ) for UNDP implementation",
         "2014-06", "2014-12", None, "late"),
        ("1.1.2", "Finalise the multi-annual work plan and budget with PIOJ", "2014-06", "2014-10", None,
         "completed"),
        ("1.2.1", "Presentation of the draft International Migration and Development Policy to Cabinet",
         "2015-03", "2015-09", None, None),
        ("1.2.2", "Public consultation on the National Policy as a Green Paper", "2015-06", "2015-12", None,
         None),
        ("1.2.3", "Exhibition booth and Migration Unit participation at the Diaspora Conference", "2015-06",
         "2015-06", None, None),
        ("1.2.4", "Summary policy document, banners and flyers on the migration and development policy",
         "2015-09", "2016-03", None, None),
    ],
    "KGZ": [
        ("1.1.1", "National launch of Phase II", "2014-03", "2014-04", None, "completed"),
        ("1.1.2", "Draft Terms of Reference of the National Project Board and convene the Board", "2014-04",
         "2014-07", None, "completed"),
        ("1.1.3", "Multi-annual work plan with the Secretariat on Sustainable Development", "2014-05",
         "2014-10", "IOM", "completed"),
        ("1.2.1", "Support the inclusion of migration and development in the UNDAF", "2015-03", "2016-06",
         None, None),
        ("1.2.2", "Analytical report on migration and development", "2015-06", "2016-03", None, None),
    ],
    "MDA": [
        ("1.1.1", "Appoint NPB members and approve its modus operandi", "2014-03", "2014-05", "IOM",
         "completed"),
        ("1.1.2", "National launch of Phase II during the Global Project Board meeting", "2014-06", "2014-06",
         None, "completed"),
        ("1.2.1", "Integrate migration in the UN-Moldova Partnership Framework through the UNCT and Pillar "
         "Working Groups", "2015-02", "2016-12", None, None),
        ("1.2.2", "Joint UNCT-Government workshop to review migration indicators of the UNPF", "2015-04",
         "2015-06", None, None),
        ("1.2.3", "Local consultancy to reflect a gender perspective in all programme outputs", "2015-03",
         "2015-09", None, None),
        ("1.2.4", "Work with the national postal office on the remittance transfer system", "2015-06",
         "2016-06", None, None),
    ],
    "MAR": [
        ("1.1.1", "Official launch and signature of the MoU with the Ministry in charge of Moroccans Residing "
         "Abroad and Migration Affairs", "2014-06", "2014-09", None, "late"),
        ("1.1.2", "Two meetings of the inter-ministerial committee on migration and development", "2014-05",
         "2014-12", None, "completed"),
        ("1.2.1", "Recruit a UN Volunteer for monitoring and reporting", "2015-02", "2015-05", None, None),
        ("1.2.2", "Training on migration and development for Government and UNCT counterparts (with IOM)",
         "2015-04", "2015-10", None, None),
        ("1.2.3", "Expert support to at least one UNDAF outcome group", "2015-06", "2016-12", None, None),
    ],
    "SRB": [
        ("1.1.1", "Re-establish the UNCT migration working group and adopt its ToR", "2014-04", "2014-05",
         None, "completed"),
        ("1.1.2", "First National Project Board meeting: ToR, multi-annual work plan and budget", "2014-06",
         "2014-09", None, "late"),
        ("1.2.1", "Migration and development inputs to the UNDAF and CPD preparation", "2015-02", "2015-10",
         None, None),
        ("1.2.2", "Mapping of migration-related projects and consolidation under the mainstreaming umbrella",
         "2015-04", "2015-12", None, None),
        ("1.2.3", "Stakeholder meetings with CRM, line ministries and the Statistical Office", "2015-02",
         "2016-01", None, None),
    ],
    "TUN": [
        ("1.1.1", "Presentation on 'Mainstreaming Migration into National Development Strategies' and "
         "announcement of the national focal point", "2014-06", "2014-10", None, "completed"),
        ("1.2.1", "Designation of migration focal points in line ministries", "2015-02", "2015-06", None,
         None),
        ("1.2.2", "Presentation and validation of the ToR of the UN 'Migration' Committee", "2015-02",
         "2015-05", None, None),
        ("1.2.3", "Information and training cycle on migration for the 'Migration' Committee", "2015-06",
         "2016-06", None, None),
        ("1.2.4", "Field visit to a migration project in Tunisia", "2015-09", "2015-11", None, None),
    ],
}

IOM_ACTIVITY_POOL = {
    "2": [
        ("2.1.1", "Mapping of national and sectoral policies for migration linkages", "2014-08", "2015-03"),
        ("2.1.2", "Technical support to integrate migration into the national development plan", "2015-01",
         "2016-06"),
        ("2.1.3", "Sectoral policy review workshops (employment, education, health, social protection)",
         "2015-04", "2016-03"),
        ("2.2.1", "Support to drafting the national migration and development action plan", "2015-06",
         "2016-12"),
        ("2.2.2", "Pilot local development plans integrating migration in two municipalities", "2016-02",
         "2017-06"),
        ("2.2.3", "Costing and monitoring framework of the migration policy action plan", "2016-09",
         "2017-09"),
    ],
    "3": [
        ("3.1.1", "Training needs assessment of government institutions", "2014-09", "2015-02"),
        ("3.1.2", "Training of trainers using the IOM module on migration and development", "2015-03",
         "2015-10"),
        ("3.1.3", "National and regional training sessions for civil servants", "2015-09", "2017-06"),
        ("3.2.1", "Establish the inter-ministerial coordination mechanism on migration", "2014-10",
         "2015-12"),
        ("3.2.2", "Support the network of migration focal points in line ministries", "2015-07", "2016-12"),
        ("3.2.3", "Peer-learning exchange with another programme country", "2016-04", "2016-10"),
        ("3.2.4", "Local authorities' training on migration and local development", "2017-02", "2017-11"),
    ],
    "4": [
        ("4.1.1", "Assessment of migration data sources and gaps", "2014-10", "2015-06"),
        ("4.1.2", "Update of the extended migration profile", "2015-06", "2016-09"),
        ("4.1.3", "Migration data working group and data-sharing protocol", "2015-09", "2017-03"),
        ("4.2.1", "Policy research on diaspora engagement and remittances", "2016-01", "2016-12"),
        ("4.2.2", "Migration module in a national household survey", "2016-06", "2017-09"),
        ("4.2.3", "Policy briefs and national conference to disseminate migration evidence", "2017-02",
         "2017-12"),
    ],
}

GLOBAL_ACTIVITIES = [
    ("5.1.1", "First Global Project Board meeting (Moldova)", "5", "UNDP", "2014-04", "2014-06", "completed"),
    ("5.1.2", "Global Project Board meeting 2015", "5", "IOM", "2015-04", "2015-10", "completed"),
    ("5.1.3", "Global Project Board meeting 2016", "5", "UNDP", "2016-04", "2016-10", None),
    ("5.1.4", "Global Project Board meeting 2017", "5", "IOM", "2017-04", "2017-10", None),
    ("5.2.1", "Bilateral peer-learning missions between programme countries", "5", "UNDP", "2015-03",
     "2017-06", None),
    ("5.2.2", "Migration Mainstreaming newsletter and online knowledge platform", "5", "UNDP", "2014-09",
     "2016-06", "late"),
    ("5.2.3", "Overview of the state of play of South-South cooperation on migration and development", "5",
     "UNDP", "2015-06", "2016-03", None),
    ("6.1.1", "Co-chair and coordinate the GMG working group on mainstreaming migration", "6", "UNDP",
     "2014-02", "2017-12", "ongoing"),
    ("6.1.2", "UNDAF guidance package on migration (8 briefs) with GMG members, UN DOCO and UNCTs", "6",
     "UNDP", "2014-06", "2016-06", "delayed"),
    ("6.1.3", "Contribution to the ITC-ILO course on mainstreaming migration into development planning",
     "6", "UNDP", "2015-02", "2015-11", None),
    ("7.1.1", "Programme implementation and monitoring guidelines; annual work plan", "7", "UNDP", "2014-03",
     "2015-06", "completed"),
    ("7.1.2", "Monitoring missions to programme countries", "7", "UNDP", "2015-04", "2017-09", None),
    ("7.1.3", "Mid-term review of global-level interventions", "7", "UNDP", "2017-02", "2017-06", None),
    ("7.1.4", "Lessons-learned notes on migration mainstreaming", "7", "UNDP", "2015-09", "2017-12", "ongoing"),
]


def _month(text: str) -> tuple[int, int]:
    year, month = text.split("-")
    return int(year), int(month)


def _month_first(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def _month_last(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _as_cell(r: random.Random, year: int, month: int, end: bool) -> tuple[object, dt.date]:
    """How an office types a month: a date, 'Jun 2015' or 'Q2 2015'; and the date it stands for."""
    quarter = (month - 1) // 3 + 1
    q_first = _month_first(year, 3 * quarter - 2)
    q_last = _month_last(year, 3 * quarter)
    roll = r.random()
    if roll < 0.4:
        day = _month_last(year, month) if end else _month_first(year, month)
        if not end and r.random() < 0.3:
            day = day.replace(day=r.choice([3, 10, 15]))
        return day, day
    if roll < 0.7 and PHASE_START <= q_first and q_last <= PHASE_END:
        return f"Q{quarter} {year}", (q_last if end else q_first)
    return dt.date(year, month, 1).strftime("%b %Y"), (_month_last(year, month) if end else
                                                       _month_first(year, month))


def _actual_cell(r: random.Random, day: dt.date) -> object:
    return day.strftime("%b %Y") if r.random() < 0.2 else day


def _budget(r: random.Random, unit: str, year: int) -> tuple[float | int, str]:
    usd = r.randint(5, 120) * 1000 + r.choice([0, 0, 500])
    roll = r.random()
    if roll < 0.15 and unit in LOCAL_CURRENCY:
        currency = LOCAL_CURRENCY[unit]
    elif roll < 0.2:
        currency = r.choice(["CHF", "EUR"])
    else:
        return usd, "USD"
    amount = usd * FX[currency][year]
    amount = round(amount, -2) if amount > 100000 else round(amount, 2)
    return (int(amount) if float(amount).is_integer() else amount), currency


def _activity(r: random.Random, unit: str, code: str, title: str, output: str, lead: str,
              start: str, end: str, forced: str | None) -> dict:
    support = ("IOM" if lead == "UNDP" else "UNDP") if r.random() < 0.85 else None
    ps_cell, ps = _as_cell(r, *_month(start), end=False)
    pe_cell, pe = _as_cell(r, *_month(end), end=True)
    status = forced
    comment = None
    late_start = dt.date(2015, 8, 1)
    if status is None:
        if unit == "ECU" and ps < late_start:
            status = "delayed" if pe >= late_start else r.choice(["delayed", "cancelled"])
        elif pe < TODAY:
            status = r.choices(["completed", "late", "delayed", "cancelled"],
                               weights=(0.72, 0.1, 0.13, 0.05) if unit != "ECU" else (0.4, 0.1, 0.4, 0.1))[0]
        elif ps <= TODAY:
            status = r.choices(["ongoing", "delayed"], weights=(0.78, 0.22))[0]
        else:
            status = "planned"
    actual_start = actual_end = None
    percent = 0
    if status in ("completed", "late"):
        a_start = min(ps + dt.timedelta(days=r.randint(0, 40)), pe)
        if status == "late":
            a_end = pe + dt.timedelta(days=r.randint(45, 150))
            comment = "Completed later than planned."
        else:
            a_end = pe - dt.timedelta(days=r.randint(0, 20))
        a_end = max(min(a_end, TODAY), a_start)
        actual_start, actual_end = _actual_cell(r, a_start), _actual_cell(r, a_end)
        status, percent = "completed", 100
    elif status == "ongoing":
        a_start = ps + dt.timedelta(days=r.randint(0, 30))
        if a_start > TODAY:
            a_start = ps
        actual_start = _actual_cell(r, a_start)
        elapsed = (TODAY - ps).days / max(1, (pe - ps).days)
        percent = max(5, min(95, int(round(elapsed * 100 + r.randint(-10, 10), -1)) or 5))
    elif status == "delayed":
        never_started = unit == "ECU" and ps < late_start and code != "1.1.1"
        if not never_started and (pe < TODAY or r.random() < 0.5):
            a_start = ps + dt.timedelta(days=r.randint(30, 120))
            if a_start <= TODAY:
                actual_start = _actual_cell(r, a_start)
                percent = r.choice([20, 30, 40, 50, 60, 70, 80])
        comment = r.choice([
            "Behind schedule: partner institution's approval of the terms of reference pending.",
            "Behind schedule: recruitment of the national consultant took longer than planned.",
            "Behind schedule: counterpart staff changed after the government reshuffle.",
            "Behind schedule: waiting for the transfer of funds.",
        ])
        if unit == "ECU":
            comment = "On hold: government endorsement of the programme pending."
    elif status == "cancelled":
        percent = None
        comment = ("Cancelled: superseded by the government's own consultation process."
                   if unit != "ECU" else "Cancelled: no government endorsement in year 1.")
    elif status == "planned":
        percent = None if r.random() < 0.5 else 0
    budget, currency = _budget(r, unit, min(int(start[:4]), 2017))
    row = {
        "activity_code": code,
        "activity_title": title,
        "output_code": f"Output {output}",
        "country": COUNTRY_NAMES[unit],
        "lead_agency": lead,
        "support_agency": support,
        "planned_start": ps_cell,
        "planned_end": pe_cell,
        "actual_start": actual_start,
        "actual_end": actual_end,
        "status": status,
        "percent_complete": percent,
        "budget": budget,
        "currency": None if currency == "USD" and r.random() < 0.3 else currency,
        "comment": comment,
    }
    return row


def _workplan(unit: str) -> list[dict]:
    rows = []
    if unit == GLOBAL:
        for code, title, output, lead, start, end, forced in GLOBAL_ACTIVITIES:
            r = _rng("activity", unit, code)
            rows.append(_activity(r, unit, code, title, output, lead, start, end, forced))
        for row in rows:
            if row["activity_code"] == "5.1.1":
                row["comment"] = "Held in Moldova in June 2014, hosted by the Government; 52 participants."
                row["support_agency"] = "IOM"
            if row["activity_code"] == "6.1.2":
                row["comment"] = "Outline with a series of 8 briefs agreed with GMG agencies in 2014; package " \
                                 "still in consultation with UN DOCO."
        return rows
    for code, title, start, end, lead, forced in OUTPUT1_ACTIVITIES[unit]:
        r = _rng("activity", unit, code)
        rows.append(_activity(r, unit, code, title, "1", lead or "UNDP", start, end, forced))
    picker = _rng("pool", unit)
    wanted = 15 - len(rows) + picker.randint(-1, 2)
    pool = [(o, a) for o in ("2", "3", "4") for a in IOM_ACTIVITY_POOL[o]]
    # at least two activities per IOM output, the rest at random
    chosen = []
    for o in ("2", "3", "4"):
        chosen += picker.sample([a for a in pool if a[0] == o], 2)
    rest = [a for a in pool if a not in chosen]
    chosen += picker.sample(rest, max(0, wanted - len(chosen)))
    chosen.sort(key=lambda a: [int(x) for x in a[1][0].split(".")])
    for output, (code, title, start, end) in chosen:
        r = _rng("activity", unit, code)
        lead = "UNDP" if r.random() < 0.1 else "IOM"
        rows.append(_activity(r, unit, code, title, output, lead, start, end, None))
    return rows


# ---------------------------------------------------------------------------------------------------
# Expenditure
# ---------------------------------------------------------------------------------------------------

# UNDP programme year 2014 (Feb 2014 - Jan 2015), USD. The totals are the year-1 report's figures:
# budget 822,771; received 454,464.00; expenditure 274,594.56. The split is illustrative.
UNDP_2014 = {
    ("BGD", "1"): (60000, 36000.00, 29815.40),
    ("ECU", "1"): (40000, 0.00, 0.00),
    ("JAM", "1"): (75000, 30000.00, 8412.75),
    ("KGZ", "1"): (60000, 36000.00, 24380.12),
    ("MDA", "1"): (65000, 42000.00, 31906.88),
    ("MAR", "1"): (60000, 33000.00, 18240.65),
    ("SRB", "1"): (60000, 33000.00, 16975.30),
    ("TUN", "1"): (55000, 30000.00, 12088.94),
    (GLOBAL, "5"): (150000, 95000.00, 62310.27),
    (GLOBAL, "6"): (110000, 70000.00, 41876.09),
    (GLOBAL, "7"): (87771, 49464.00, 28588.16),
}
UNDP_2014_COMMENTS = {
    "ECU": "Allocated; no funds transferred pending government endorsement.",
    "JAM": "Funds for PIOJ on hold until the LOA is cleared by the UNDP legal office.",
    (GLOBAL, "5"): "Includes the first GPB meeting (Moldova, June 2014).",
}
OVERSPENT = {  # (unit, output, agency, year): comment
    ("MDA", "3", "IOM", 2015): "Overspent: additional regional training round requested by the NPB; "
                               "budget revision to reallocate from Output 4 pending.",
    ("SRB", "4", "IOM", 2016): "Overspent: migration profile printing and translation costs higher than "
                               "budgeted.",
    (GLOBAL, "5", "UNDP", 2016): "Overspent: GPB meeting costs exceeded the budget line; to be covered "
                                 "from Output 7 savings.",
}
# Share of the budget delivered, by programme year (received, expenditure/received).
DELIVERY = {2014: ((0.55, 0.8), (0.45, 0.75)), 2015: ((0.8, 1.0), (0.7, 0.95)),
            2016: ((0.75, 1.0), (0.6, 0.9)), 2017: ((0.35, 0.6), (0.2, 0.5))}


def _money(value: float) -> float:
    return round(value + 0.0, 2)


def _expenditure_row(unit: str, output: str, agency: str, year: int) -> dict:
    if agency == "UNDP" and year == 2014:
        budget, received, spent = UNDP_2014[(unit, output)]
        comment = UNDP_2014_COMMENTS.get(unit) or UNDP_2014_COMMENTS.get((unit, output))
        return {"country": COUNTRY_NAMES[unit], "output_code": f"Output {output}", "agency": agency,
                "programme_year": year, "budget": budget, "received": received, "expenditure": spent,
                "currency": "USD", "comment": comment}
    r = _rng("expenditure", unit, output, agency, year)
    if unit == GLOBAL:
        usd = r.randint(90, 160) * 1000 if agency == "UNDP" else r.randint(60, 100) * 1000
    elif agency == "UNDP":
        usd = r.randint(45, 85) * 1000
    else:
        usd = r.randint(35, 110) * 1000
    if unit == "ECU" and year <= 2015:
        usd = r.randint(15, 30) * 1000
    currency = "USD"
    if agency == "IOM":
        roll = r.random()
        if roll < 0.25:
            currency = "CHF"
        elif roll < 0.4 and unit in LOCAL_CURRENCY:
            currency = LOCAL_CURRENCY[unit]
    rate = FX[currency][year]
    budget = round(usd * rate, -2)
    (rlo, rhi), (elo, ehi) = DELIVERY[year]
    received = budget * r.uniform(rlo, rhi)
    spent = received * r.uniform(elo, ehi)
    comment = None
    if unit == "ECU":
        if year == 2014:
            received, spent = 0.0, 0.0
            comment = "Allocated; no funds transferred pending government endorsement."
        elif year == 2015:
            received, spent = budget * 0.4, budget * 0.4 * r.uniform(0.2, 0.4)
            comment = "Preparatory technical work only; low delivery."
    if unit == "ECU" and year >= 2016:  # implementation started late and remains weaker
        received, spent = received * 0.8, spent * 0.6
    key = (unit, output, agency, year)
    if key in OVERSPENT:
        received = budget
        spent = budget * r.uniform(1.08, 1.18)
        comment = OVERSPENT[key]
    budget = int(budget) if float(budget).is_integer() else _money(budget)
    return {"country": COUNTRY_NAMES[unit], "output_code": f"Output {output}", "agency": agency,
            "programme_year": year, "budget": budget, "received": _money(received),
            "expenditure": _money(spent), "currency": currency, "comment": comment}


def _expenditure(unit: str) -> list[dict]:
    lines = ([("5", "UNDP"), ("5", "IOM"), ("6", "UNDP"), ("7", "UNDP")] if unit == GLOBAL
             else [("1", "UNDP"), ("2", "IOM"), ("3", "IOM"), ("4", "IOM")])
    return [_expenditure_row(unit, output, agency, year)
            for output, agency in lines for year in PROGRAMME_YEARS]


# ---------------------------------------------------------------------------------------------------
# Milestones
# ---------------------------------------------------------------------------------------------------

INCEPTION_DUE = {
    "Government endorsement": "2014-03-31",
    "Government focal point appointed": "2014-03-31",
    "National launch event": "2014-04-30",
    "National Project Board established": "2014-05-31",
    "Multi-annual work plan endorsed": "2014-06-30",
    "Budget endorsed": "2014-06-30",
    "Legal agreement (LOA or MoU) signed": "2014-07-31",
    "UNCT thematic group on migration established": "2014-07-31",
}

# Achieved dates (ISO) and comments. Dates with a documented month follow the year-1 report; the day
# and the undocumented dates are illustrative.
INCEPTION_ACHIEVED = {
    "BGD": {
        "Government endorsement": ("2014-03-12", None),
        "Government focal point appointed": ("2014-03-25", "Ministry of Expatriates' Welfare and Overseas "
                                             "Employment and Ministry of Foreign Affairs."),
        "National launch event": ("2014-04-22", "Phase II launched in April 2014 with government, civil "
                                  "society, private sector and media."),
        "National Project Board established": ("2014-07-15", "First NPB meeting held in July 2014."),
        "Multi-annual work plan endorsed": ("2014-07-15", None),
        "Budget endorsed": ("2014-07-15", None),
        "Legal agreement (LOA or MoU) signed": ("2014-09-18", None),
        "UNCT thematic group on migration established": ("2014-06-10", None),
    },
    "JAM": {
        "Government endorsement": ("2014-02-27", None),
        "Government focal point appointed": ("2014-03-14", "Planning Institute of Jamaica (PIOJ)."),
        "National launch event": ("2014-05-20", None),
        "National Project Board established": ("2014-06-05", None),
        "Multi-annual work plan endorsed": ("2014-10-08", "Comprehensive work plan finalised with PIOJ."),
        "Budget endorsed": ("2014-10-08", None),
        "Legal agreement (LOA or MoU) signed": ("2014-12-11", "LOA with PIOJ drafted and agreed in 2014; "
                                                "clearance by the UNDP legal office followed in 2015."),
        "UNCT thematic group on migration established": ("2014-07-24", None),
    },
    "KGZ": {
        "Government endorsement": ("2014-03-05", None),
        "Government focal point appointed": ("2014-03-20", "Administration of the President of the Kyrgyz "
                                             "Republic."),
        "National launch event": ("2014-04-17", "Launched in April 2014."),
        "National Project Board established": ("2014-06-12", "ToR of the NPB drafted and endorsed with UNDP "
                                               "support."),
        "Multi-annual work plan endorsed": ("2014-10-29", "Developed with the Secretariat on Sustainable "
                                            "Development; endorsed at an NPB meeting."),
        "Budget endorsed": ("2014-10-29", None),
        "Legal agreement (LOA or MoU) signed": ("2014-08-20", None),
        "UNCT thematic group on migration established": ("2014-07-02", None),
    },
    "MDA": {
        "Government endorsement": ("2014-02-20", "Official endorsement of Phase II by the Government."),
        "Government focal point appointed": ("2014-02-28", "Diaspora Relations Bureau, State Chancellery."),
        "National launch event": ("2014-06-19", "National launch held during the first Global Project Board "
                                  "meeting, June 2014."),
        "National Project Board established": ("2014-05-14", "Members appointed; modus operandi approved in "
                                               "May 2014."),
        "Multi-annual work plan endorsed": ("2014-05-14", "Endorsed by the NPB in May 2014."),
        "Budget endorsed": ("2014-05-14", "Endorsed by the NPB in May 2014."),
        "Legal agreement (LOA or MoU) signed": ("2014-07-09", None),
        "UNCT thematic group on migration established": ("2014-04-16", None),
    },
    "MAR": {
        "Government endorsement": ("2014-02-18", None),
        "Government focal point appointed": ("2014-02-24", "Appointed at the beginning of the year."),
        "National launch event": ("2014-11-13", "Official launch in November 2014."),
        "National Project Board established": ("2014-07-08", "Inter-ministerial committee on migration and "
                                               "development acts as NPB."),
        "Multi-annual work plan endorsed": ("2015-01-22", "Work plan focusing on emigration and immigration "
                                            "shared with stakeholders for input before endorsement."),
        "Budget endorsed": ("2015-01-22", None),
        "Legal agreement (LOA or MoU) signed": ("2014-11-13", "MoU between IOM, UNDP and the Ministry in "
                                                "charge of Moroccans Residing Abroad and Migration Affairs "
                                                "signed at the launch."),
        "UNCT thematic group on migration established": ("2014-06-05", "Meetings held on 5 June and 24 July "
                                                         "2014."),
    },
    "SRB": {
        "Government endorsement": ("2014-03-10", None),
        "Government focal point appointed": ("2014-04-02", "Commissariat for Refugees and Migration (CRM) "
                                             "confirmed as lead national partner."),
        "National launch event": ("2014-06-26", None),
        "National Project Board established": ("2014-11-17", "First NPB meeting on 17 November 2014; "
                                               "representatives of 5 ministries; ToR adopted."),
        "Multi-annual work plan endorsed": ("2014-11-17", "Finalised at the first NPB meeting."),
        "Budget endorsed": ("2014-11-17", "Finalised at the first NPB meeting."),
        "Legal agreement (LOA or MoU) signed": ("2014-12-03", None),
        "UNCT thematic group on migration established": ("2014-05-21", "UNCT migration working group "
                                                         "re-established in May 2014 with new ToR."),
    },
    "TUN": {
        "Government endorsement": ("2014-03-19", None),
        "Government focal point appointed": ("2014-04-08", "Ministry of Social Affairs."),
        "National launch event": ("2014-10-16", "Presentation on 'Mainstreaming Migration into National "
                                  "Development Strategies' announcing the national focal point."),
        "National Project Board established": ("2014-09-24", None),
        "Multi-annual work plan endorsed": ("2014-12-09", None),
        "Budget endorsed": ("2014-12-09", None),
        "Legal agreement (LOA or MoU) signed": ("2014-11-27", None),
        "UNCT thematic group on migration established": ("2015-01-20", "UN 'Migration' Committee set up; "
                                                         "validation of its ToR planned for 2015."),
    },
    "ECU": {
        "Government endorsement": (None, "Pending at the end of year 1; consultations with the Government "
                                   "continue."),
        "Government focal point appointed": (None, "Depends on government endorsement."),
        "National launch event": (None, "Depends on government endorsement."),
        "National Project Board established": (None, "Depends on government endorsement."),
        "Multi-annual work plan endorsed": (None, "Depends on government endorsement."),
        "Budget endorsed": (None, "Depends on government endorsement."),
        "Legal agreement (LOA or MoU) signed": (None, "Depends on government endorsement."),
        "UNCT thematic group on migration established": ("2014-09-30", "UN-internal; established without "
                                                         "waiting for the Government."),
    },
}

# (milestone, due, achieved or None, comment)
IMPLEMENTATION_MILESTONES = {
    "BGD": [
        ("Internal migration study published", "2015-12-31", "2016-03-15",
         "'Internal Migration as a Tool for Resilience'."),
        ("Migration reflected in the 7th Five Year Plan", "2015-12-31", "2015-11-30", None),
        ("Migration data working group operational", "2016-12-31", None, None),
    ],
    "ECU": [
        ("Preparatory technical cooperation agreed with the Government", "2015-09-30", "2015-10-15",
         "Technical work on data and training only; formal endorsement of the programme still pending."),
        ("Migration data working group operational", "2016-12-31", None, None),
    ],
    "JAM": [
        ("International Migration and Development Policy presented to Cabinet", "2015-09-30", "2015-11-23",
         None),
        ("Public consultation on the Green Paper completed", "2015-12-31", "2016-05-31", None),
        ("Migration chapter in the Vision 2030 Jamaica medium-term framework adopted", "2016-12-31", None,
         None),
    ],
    "KGZ": [
        ("Migration and development reflected in the UNDAF", "2016-06-30", "2016-08-31", None),
        ("Analytical report on migration and development published", "2016-03-31", "2016-03-28", None),
        ("Migration data working group operational", "2016-12-31", None, None),
    ],
    "MDA": [
        ("Migration integrated in the UN-Moldova Partnership Framework", "2016-12-31", "2016-10-20", None),
        ("Diaspora strategy adopted by the Government", "2016-12-31", "2016-11-02",
         "National Strategy 'Diaspora 2025'."),
        ("Migration data working group operational", "2015-12-31", "2015-12-10", None),
        ("Gender perspective reflected in all programme outputs", "2015-09-30", None, None),
    ],
    "MAR": [
        ("UN Volunteer for monitoring and reporting recruited", "2015-05-31", "2015-07-01", None),
        ("Migration integrated in at least one UNDAF outcome group", "2016-12-31", "2016-09-15", None),
        ("Migration chapter in a sectoral strategy adopted", "2017-06-30", None, None),
    ],
    "SRB": [
        ("Migration and development reflected in the UNDAF and CPD", "2015-10-31", "2015-10-30", None),
        ("Mapping of migration-related projects completed", "2015-12-31", "2016-02-26", None),
        ("Migration chapter in the national employment strategy adopted", "2017-06-30", None, None),
    ],
    "TUN": [
        ("ToR of the UN 'Migration' Committee validated", "2015-05-31", "2015-06-18", None),
        ("National Migration Strategy validated", "2016-12-31", None,
         "Validation postponed after changes in government."),
        ("Migration data working group operational", "2016-06-30", "2016-11-10", None),
    ],
}

GLOBAL_MILESTONES = [
    ("First Global Project Board meeting", "inception", "2014-06-30", "2014-06-19",
     "Held in Moldova in June 2014, hosted by the Government of Moldova; 52 participants."),
    ("Terms of Reference of the Global Project Board adopted", "inception", "2014-06-30", "2014-06-19", None),
    ("Programme implementation guidelines issued", "inception", "2014-07-31", "2014-10-31", None),
    ("Monitoring guidelines and annual work plan finalised", "implementation", "2015-06-30", "2015-07-15",
     None),
    ("Communications and knowledge management strategy adopted", "implementation", "2015-06-30",
     "2015-09-30", "Drafted in year 1."),
    ("UNDAF guidance package on migration finalised", "implementation", "2016-06-30", None,
     "Outline of 8 briefs agreed in 2014; consultations with UN DOCO continue."),
    ("Mid-Term Review completed", "implementation", "2017-06-30", "2017-06-30",
     "Mid-Term Review of global-level interventions, June 2017: 16 recommendations."),
]


def _milestones(unit: str) -> list[dict]:
    name = COUNTRY_NAMES[unit]
    rows = []
    if unit == GLOBAL:
        for milestone, category, due, achieved, comment in GLOBAL_MILESTONES:
            rows.append({"country": name, "milestone": milestone, "category": category, "due_date": _d(due),
                         "achieved_date": _d(achieved) if achieved else None, "comment": comment})
        return rows
    for milestone in INCEPTION_MILESTONES:
        achieved, comment = INCEPTION_ACHIEVED[unit][milestone]
        rows.append({"country": name, "milestone": milestone, "category": "inception",
                     "due_date": _d(INCEPTION_DUE[milestone]),
                     "achieved_date": _d(achieved) if achieved else None, "comment": comment})
    for milestone, due, achieved, comment in IMPLEMENTATION_MILESTONES[unit]:
        rows.append({"country": name, "milestone": milestone, "category": "implementation",
                     "due_date": _d(due), "achieved_date": _d(achieved) if achieved else None,
                     "comment": comment})
    return rows


# ---------------------------------------------------------------------------------------------------
# Narrative
# ---------------------------------------------------------------------------------------------------

A, C, P, D = "achievement", "challenge", "next period plan", "decision needed"

# Year 1 (2014/15 H1 and H2): from the year-1 report, with the period split and wording illustrative.
# Entries: (period index, kind, output or None, text)
YEAR1 = {
    "BGD": [
        (0, A, "1", "The second phase was launched in April 2014 with representatives of ministries, civil "
         "society, non-governmental organisations, the private sector and the media, ensuring wide buy-in. "
         "IOM focal points led the launch while UNDP provided support."),
        (0, C, "1", "The corporate restructuring of UNDP replaced the Country Office focal point, and the new "
         "staff needed time to take over the programme."),
        (0, P, "1", "Convene the first National Project Board meeting and produce visibility materials on the "
         "project."),
        (1, A, "1", "The first meeting of the National Project Board was convened in July 2014 to familiarise "
         "members with the project. Brochures, notebooks, pens and folders bearing the project title were "
         "disseminated throughout the year."),
        (1, C, None, "The project document had not yet been signed by UNDP because of the restructuring, which "
         "delayed UNDP-supported activities planned for the second half of the year."),
        (1, P, "1", "Commission a research agency to undertake the study 'Internal Migration as a Tool for "
         "Resilience', share its findings with line ministries and, with IOM, organise a national "
         "consultation for the Global Forum on Migration and Development."),
    ],
    "JAM": [
        (0, A, "1", "The Planning Institute of Jamaica (PIOJ) was confirmed as the government agency "
         "implementing the project for UNDP, which has ensured strong support and smooth execution of the "
         "work plan."),
        (0, C, "1", "Formalising implementation modalities with PIOJ required a Letter of Agreement, which "
         "could only be drafted once UNDP's new focal points were in place."),
        (0, P, "1", "Draft the Letter of Agreement with PIOJ and finalise the work plan and budget."),
        (1, A, "2", "The Letter of Agreement with PIOJ was drafted and agreed, and a comprehensive work plan "
         "and budget were finalised. PIOJ is leading the drafting of the addendum on migration to the "
         "national policies."),
        (1, C, "1", "Because of the UNDP restructuring, the LOA is still with the UNDP legal office; approval "
         "is expected in 2015, well before the Project Board meeting."),
        (1, P, "2", "Present the draft International Migration and Development Policy to Cabinet, facilitate "
         "public consultation on it as a Green Paper and support the Migration Unit's participation in the "
         "Diaspora Conference."),
        (1, D, "1", "UNDP senior management to expedite legal clearance of the PIOJ Letter of Agreement so "
         "that funds can be transferred in early 2015."),
    ],
    "KGZ": [
        (0, A, "1", "The project was launched in April 2014 to raise awareness and secure national ownership; "
         "with UNDP support, Terms of Reference of the National Project Board were drafted and endorsed."),
        (0, C, "1", "The replacement of UNDP focal points during the corporate restructuring slowed "
         "UNDP-supported activities while new staff became acquainted with the programme."),
        (0, P, "1", "Develop the multi-annual work plan and convene the National Project Board to endorse it."),
        (1, A, "1", "A multi-annual work plan was developed with the Secretariat on Sustainable Development of "
         "the Ministry of Labour, Migration and Youth, with IOM in the lead and UNDP supporting, and endorsed "
         "at a meeting of the National Project Board."),
        (1, C, None, "Limited UNDP funds received in year 1 allowed support to Board meetings but not yet to "
         "analytical work."),
        (1, P, "1", "Support the inclusion of migration and development in the UNDAF and develop an "
         "analytical report on migration and development."),
    ],
    "MDA": [
        (0, A, "1", "The Government officially endorsed the second phase and appointed focal points; NPB "
         "members were appointed in May 2014 and the Board endorsed the multi-annual work plan and budget. "
         "Moldova hosted the first Global Project Board meeting in June 2014, which served as the national "
         "launch."),
        (0, C, "1", "UNDP restructuring led to a change of focal point just before the Global Project Board "
         "meeting, and IOM took the lead on national preparations."),
        (0, P, "1", "Develop visibility and publicity materials and start integrating migration into the "
         "UN-Moldova Partnership Framework."),
        (1, A, "1", "Visibility and publicity materials were developed to create awareness of the project "
         "among stakeholders; IOM led the process with UNDP support."),
        (1, C, None, "Turnover of UNDP staff and the delayed signature of the project document slowed "
         "UNDP-supported activities in the second half of the year."),
        (1, P, "1", "Continue integrating migration in the UN-Moldova Partnership Framework through the UNCT "
         "and Pillar Working Groups, hold a joint UNCT-Government workshop to review migration indicators and "
         "work with the national postal office on the remittance transfer system."),
    ],
    "MAR": [
        (0, A, "1", "A Government focal point was appointed at the beginning of the year, and UNCT thematic "
         "group meetings on migration held on 5 June and 24 July 2014 identified UNCT capacities and needs."),
        (0, C, "2", "The multi-annual work plan has to reflect both emigration and immigration priorities, "
         "which extended consultations with the Ministry in charge of Moroccans Residing Abroad and Migration "
         "Affairs."),
        (0, P, "1", "Organise the official launch, sign the Memorandum of Understanding and convene the "
         "inter-ministerial committee on migration and development."),
        (1, A, "1", "The project was officially launched in November 2014, when the MoU between IOM, UNDP and "
         "the Ministry in charge of Moroccans Residing Abroad and Migration Affairs was signed. Two meetings "
         "of the inter-ministerial committee on migration and development were held."),
        (1, C, "2", "The draft multi-annual work plan (education, social protection, economy and employment) "
         "was still being reviewed by national stakeholders at the end of the year."),
        (1, P, "1", "Recruit a UN Volunteer for monitoring and reporting, organise training on migration and "
         "development with IOM for Government and UNCT counterparts, and support at least one UNDAF outcome "
         "group."),
    ],
    "SRB": [
        (0, A, "1", "The Government endorsed the project and the Commissariat for Refugees and Migration was "
         "confirmed as lead national partner; the UNCT migration working group was re-established in May 2014 "
         "and adopted new Terms of Reference."),
        (0, C, "1", "Convening the National Project Board took longer than planned, as five ministries had to "
         "nominate members."),
        (0, P, "2", "Convene the first National Project Board meeting and conduct a preliminary mapping of "
         "migration policies."),
        (1, A, "1", "The first National Project Board meeting on 17 November 2014, with representatives of "
         "five ministries, adopted the Board's ToR and finalised the multi-annual work plan and budget. A "
         "preliminary mapping of migration policies identified opportunities for mainstreaming."),
        (1, C, None, "UNDP staff turnover linked to the restructuring slowed the preparation of inputs to the "
         "UNDAF and Country Programme Document."),
        (1, P, "1", "Provide migration and development inputs to the UNDAF and CPD, engage a consultant to map "
         "migration-related projects, and meet CRM, line ministries and the Statistical Office."),
    ],
    "TUN": [
        (0, A, "1", "The Government endorsed the second phase and appointed a focal point to liaise between "
         "the Government and the project team."),
        (0, C, "1", "Institutional changes between the Ministry of Social Affairs and the Secretariat of State "
         "for Immigration and Social Integration required further clarification of roles."),
        (0, P, "1", "Present the project to national stakeholders and announce the national focal point."),
        (1, A, "1", "UNDP facilitated a presentation on 'Mainstreaming Migration into National Development "
         "Strategies' announcing the Ministry of Social Affairs as national focal point and discussing "
         "analysis and data collection on migration in Tunisia."),
        (1, C, None, "The UN 'Migration' Committee was set up late in the year and its Terms of Reference are "
         "not yet validated."),
        (1, P, "1", "Designate migration focal points, validate the ToR of the UN 'Migration' Committee, run "
         "an information and training cycle for the Committee and organise a field visit to a migration "
         "project."),
    ],
}

ECUADOR = [
    (0, A, "1", "All activities focused on securing national ownership; the programme was presented to "
     "government counterparts and to the UN Country Team."),
    (0, C, "1", "The Government's endorsement of the programme was not received during the inception phase."),
    (0, P, "1", "Continue consultations to obtain the Government's endorsement as soon as possible."),
    (1, A, "1", "Consultations with government counterparts continued and the UNCT thematic group on "
     "migration was established."),
    (1, C, "1", "Government endorsement was still pending at the end of the reporting year, so no national "
     "structures could be set up (87.5% of countries completed inception; Ecuador did not)."),
    (1, P, "1", "Work on getting the Government's endorsement as soon as possible."),
    (1, D, None, "Global Project Board to decide how long Ecuador's allocation is held pending endorsement "
     "before funds are reprogrammed."),
    (2, A, "1", "Technical discussions with the Ministry of Foreign Affairs and Human Mobility continued on "
     "the scope of the programme."),
    (2, C, "1", "Endorsement remained pending; IOM and UNDP 2015 funds for Ecuador stayed largely unspent."),
    (2, P, "4", "Agree with the Government on preparatory technical work on migration data that does not "
     "require formal endorsement."),
    (2, D, None, "Global Project Board to approve preparatory technical work in Ecuador under the existing "
     "IOM and UNDP country agreements."),
    (3, A, "4", "Preparatory technical cooperation was agreed in October 2015, and a first assessment of "
     "migration data sources started."),
    (3, C, "1", "Without formal endorsement the National Project Board could not be established, limiting "
     "national ownership."),
    (3, P, "3", "Run a first training on migration and development for technical staff of the Ministry of "
     "Foreign Affairs and Human Mobility."),
    (4, A, "3", "Thirty technical staff took part in the first training on human mobility and development."),
    (4, C, "4", "The April 2016 earthquake redirected government and UN capacities to the emergency response."),
    (4, P, "4", "Complete the assessment of migration data sources and share it with the statistics office."),
    (5, A, "4", "The assessment of migration data sources was completed and discussed with government "
     "technical staff."),
    (5, C, "2", "The policy work under Output 2 cannot start until the Government endorses the programme."),
    (5, P, "2", "Support technical discussions on the regulations of the new Organic Law on Human Mobility."),
    (5, D, None, "PMU to decide whether Ecuador continues in Phase II or its remaining allocation is "
     "reprogrammed to other countries."),
    (6, A, "1", "Ecuador's experience was shared at the Global Project Board, and the Mid-Term Review "
     "interviewed the country focal points."),
    (6, C, "1", "Delivery remains low and no national coordination mechanism is in place."),
    (6, P, "4", "Publish a short note on migration data in Ecuador and close remaining activities."),
    (7, A, "4", "A short note on migration data sources was published with government technical staff."),
    (7, C, "1", "Formal endorsement was never received, so most country-level results were not achieved."),
    (7, P, "1", "Document lessons learned on securing government ownership for the design of Phase III."),
]

GLOBAL_NARRATIVE = [
    (0, A, "5", "UNDP provided substantive inputs on mainstreaming migration to the 7th GFMD (14-16 May 2014) "
     "and organised a briefing for Geneva missions in February 2014 to present Phase II."),
    (0, C, None, "The comprehensive restructuring of UNDP replaced several staff and focal points, and the "
     "new programme managers needed time to take over."),
    (0, P, "7", "Prepare the second biannual progress report for the Global Project Board and draft the "
     "programme implementation guidelines."),
    (0, D, "7", "Global Project Board to adopt its Terms of Reference and meet annually."),
    (1, A, "7", "The first Global Project Board meeting, hosted by the Government of Moldova in June 2014, "
     "brought together 52 participants; inception was completed in 7 of 8 countries (87.5%)."),
    (1, C, None, "The UNDP project document was not yet signed because of the restructuring, and Ecuador's "
     "endorsement remained pending."),
    (1, P, "5", "Organise two bilateral peer-learning missions, circulate the newsletter, develop an online "
     "knowledge management platform and prepare an overview of South-South cooperation on migration and "
     "development."),
    (2, A, "6", "UNDP co-chaired the GMG working group on mainstreaming migration and the KNOMAD working "
     "group on policy and institutional coherence; the outline of UNDAF guidance on migration (8 briefs) "
     "was elaborated with GMG agencies."),
    (2, C, "5", "The online knowledge platform was delayed by the late recruitment of the communications "
     "consultant."),
    (2, P, "7", "Finalise the monitoring guidelines and undertake the first monitoring mission."),
    (3, A, "5", "The second Global Project Board meeting reviewed country progress, and the first two "
     "bilateral peer-learning missions took place."),
    (3, C, "6", "Consultations on the UNDAF guidance package with UN DOCO took longer than planned."),
    (3, P, "6", "Contribute to the ITC-ILO course on mainstreaming migration into development planning."),
    (3, D, "5", "Global Project Board to endorse the communications and knowledge management strategy."),
    (4, A, "6", "The ITC-ILO course on mainstreaming migration into development planning was delivered with "
     "programme contributions."),
    (4, C, None, "Turnover of government representatives at global events reduced continuity of the "
     "peer-learning exchanges."),
    (4, P, "7", "Prepare the terms of reference of the Mid-Term Review of global-level interventions."),
    (5, A, "7", "Lessons-learned notes on national coordination mechanisms and migration data were "
     "published and shared with all programme countries."),
    (5, C, "5", "The Global Project Board meeting cost more than budgeted, creating an overspend on Output 5."),
    (5, P, "7", "Carry out the Mid-Term Review and prepare the 2017 Global Project Board meeting."),
    (5, D, "5", "Global Project Board to approve the reallocation of Output 7 savings to cover the Output 5 "
     "overspend."),
    (6, A, "7", "The Mid-Term Review of global-level interventions was completed in June 2017 and found the "
     "global outputs highly relevant; it made 16 recommendations."),
    (6, C, "7", "The MTR noted significant staff turnover at national and global levels and the delay in "
     "UNDP implementation up to the second half of 2015."),
    (6, P, "7", "Prepare a management response to the 16 MTR recommendations, including a consolidated "
     "annual donor report with a results matrix of indicators, baselines and targets."),
    (6, D, "7", "Global Project Board to decide which MTR recommendations are implemented in Phase II and "
     "which are carried into the design of Phase III."),
    (7, A, "5", "Follow-up South-South exchanges and an online community of practice were launched in "
     "response to the MTR, and the newsletter now links migration mainstreaming to the SDGs."),
    (7, C, "5", "Resources for global activities were limited in the final year."),
    (7, P, "7", "Consolidate and disseminate Phase II lessons learned and present the Phase III concept to "
     "the donor."),
]

# Later periods for the seven countries: templates filled with each country's partners and products.
COUNTRY_FACTS = {
    "BGD": {"lead": "the Ministry of Expatriates' Welfare and Overseas Employment",
            "stats": "the Bangladesh Bureau of Statistics", "plan": "the 7th Five Year Plan",
            "line": "the Ministry of Labour and Employment",
            "study": "the study 'Internal Migration as a Tool for Resilience'", "local": "Sylhet and Chittagong",
            "diaspora": "non-resident Bangladeshi associations", "event": "the GFMD national consultation"},
    "JAM": {"lead": "the Planning Institute of Jamaica (PIOJ)", "stats": "the Statistical Institute of Jamaica",
            "plan": "the Vision 2030 Jamaica medium-term framework",
            "line": "the Ministry of Labour and Social Security",
            "study": "the International Migration and Development Policy", "local": "two parish councils",
            "diaspora": "the Jamaica Diaspora advisory board", "event": "the Diaspora Conference"},
    "KGZ": {"lead": "the Administration of the President",
            "stats": "the National Statistical Committee",
            "plan": "the National Sustainable Development Strategy",
            "line": "the Ministry of Labour, Migration and Youth",
            "study": "the analytical report on migration and development", "local": "Osh and Batken",
            "diaspora": "associations of Kyrgyz migrants in the Russian Federation and Kazakhstan",
            "event": "the national forum on migration and development"},
    "MDA": {"lead": "the Diaspora Relations Bureau of the State Chancellery",
            "stats": "the National Bureau of Statistics",
            "plan": "the National Strategy 'Diaspora 2025'",
            "line": "the Ministry of Labour, Social Protection and Family",
            "study": "the Extended Migration Profile", "local": "Cahul and Ungheni",
            "diaspora": "diaspora associations", "event": "the Diaspora Days"},
    "MAR": {"lead": "the Ministry in charge of Moroccans Residing Abroad and Migration Affairs",
            "stats": "the High Commission for Planning",
            "plan": "the National Strategy on Immigration and Asylum",
            "line": "the Ministry of Employment and Social Affairs",
            "study": "the study on the social protection of migrants", "local": "the Oriental and Souss-Massa regions",
            "diaspora": "associations of Moroccans residing abroad", "event": "the national migration day"},
    "SRB": {"lead": "the Commissariat for Refugees and Migration", "stats": "the Statistical Office",
            "plan": "the national employment strategy",
            "line": "the Ministry of Labour, Employment and Social Policy",
            "study": "the Migration Profile", "local": "two municipalities with local migration councils",
            "diaspora": "the Office for Cooperation with Diaspora", "event": "the diaspora business forum"},
    "TUN": {"lead": "the Ministry of Social Affairs", "stats": "the National Institute of Statistics",
            "plan": "the National Migration Strategy",
            "line": "the Ministry of Vocational Training and Employment",
            "study": "the study on the return of Tunisian migrants", "local": "the governorates of Médenine and Sfax",
            "diaspora": "associations of Tunisians abroad", "event": "the UN 'Migration' Committee"},
}

LATER_TEMPLATES = {
    2: {
        A: [("1", "The National Project Board met in {month} 2015 with {lead} and approved the annual work plan, "
             "and {inst} institutions now take part in the coordination mechanism."),
            ("4", "An assessment of migration data sources and gaps was launched with {stats}.")],
        C: [("1", "UNDP funds for 2015 arrived late after the restructuring, delaying the start of "
             "UNDP-supported activities until the second half of 2015."),
            ("3", "The training needs assessment took longer than planned because several line ministries "
             "changed their focal points.")],
        P: [("3", "Run a training of trainers on migration mainstreaming for officials of {line} and other "
             "line ministries."),
            ("2", "Finalise the mapping of national and sectoral policies for migration linkages.")],
    },
    3: {
        A: [("3", "A total of {trained} government officials have now been trained in migration mainstreaming, "
             "including staff of {line}."),
            ("2", "Migration was reflected in the draft of {plan} after technical inputs from the programme.")],
        C: [("4", "Access to administrative records held by several ministries remains limited in the absence "
             "of a data-sharing protocol."),
            ("2", "Competing priorities in {lead} slowed the review of the draft policy documents.")],
        P: [("4", "Start the update of {study} and set up a migration data working group with {stats}."),
            ("1", "Hold consultations with {diaspora} on their role in the migration and development agenda.")],
    },
    4: {
        A: [("1", "Consultations with {diaspora} were held in {month} 2016, and their recommendations were "
             "shared with {lead}."),
            ("4", "The migration data working group chaired by {stats} met for the first time and agreed its "
             "work plan.")],
        C: [("3", "Changes in government after elections replaced several trained focal points, so part of "
             "the training has to be repeated."),
            ("2", "The adoption of {plan} was postponed, delaying the integration of migration.")],
        P: [("2", "Pilot the integration of migration into local development plans in {local}."),
            ("3", "Organise a peer-learning exchange with another programme country on coordination "
             "mechanisms.")],
    },
    5: {
        A: [("2", "Local development plans integrating migration were drafted in {local} with programme "
             "support."),
            ("4", "{study} was published and presented at {event}.")],
        C: [("4", "The data-sharing protocol has not yet been signed by all data-producing institutions."),
            ("1", "National Project Board meetings were less frequent than planned because of the electoral "
             "calendar.")],
        P: [("4", "Disseminate policy briefs based on the new evidence to members of the coordination "
             "mechanism."),
            ("2", "Support the costing and monitoring framework of the migration policy action plan.")],
    },
    6: {
        A: [("3", "Training modules on migration and development were integrated into the curriculum of the "
             "national civil-service training institution."),
            ("1", "Country focal points contributed to the Mid-Term Review, which highlighted the role of "
             "{lead} in the coordination mechanism.")],
        C: [("1", "Limited UNDP resources for the country constrain follow-up of the consultations with "
             "{diaspora}."),
            ("4", "Migration-related SDG indicators still lack national data for several targets.")],
        P: [("4", "Support {stats} in defining national indicators for migration-related SDG targets, as "
             "recommended by the Mid-Term Review."),
            ("1", "Document the country's lessons learned on migration mainstreaming for Phase III.")],
    },
    7: {
        A: [("2", "{plan} now includes a section on migration, supported by a costed action plan."),
            ("1", "The final National Project Board meeting reviewed Phase II results and endorsed the "
             "country's priorities for Phase III.")],
        C: [("3", "Sustaining the network of focal points after the programme ends depends on continued "
             "government commitment."),
            ("4", "Regular publication of migration statistics still depends on donor-funded surveys.")],
        P: [("1", "Hand over the coordination mechanism to {lead} and contribute country priorities to the "
             "design of Phase III."),
            ("4", "Finalise the lessons-learned note and close out the remaining activities.")],
    },
}

DECISIONS = [
    ("3", "National Project Board to approve the reallocation of unspent Output 4 funds to a second round of "
     "training."),
    ("1", "PMU to confirm the UNDP allocation for the next programme year so that the Letter of Agreement "
     "with the implementing partner can be extended."),
    ("2", "National Project Board to decide which sectoral policy is prioritised for the migration review."),
    ("4", "National Project Board to approve the data-sharing protocol before signature by the institutions."),
    ("1", "Global Project Board to endorse the country's request for a no-cost extension of the local pilots."),
    ("4", "PMU to agree the budget revision covering the overspent Output 3 and 4 lines."),
]
MONTHS = ["March", "April", "May", "June"]
FORCED_DECISIONS = {  # the overspent expenditure lines
    "MDA": [(3, D, "3", "NPB to approve the budget revision covering the Output 3 overspend (additional "
                        "regional training round).")],
    "SRB": [(5, D, "4", "PMU to approve the additional costs of printing and translating the Migration "
                        "Profile.")],
}


def _inst_count(results: list[dict], code: str, period: str) -> int | None:
    for row in results:
        if row["indicator_code"] == code and row["period"] == period:
            return row["actual"] if row["actual"] is not None else row["target"]
    return None


def _narrative(unit: str, results: list[dict]) -> list[dict]:
    name = COUNTRY_NAMES[unit]
    entries: list[tuple[int, str, str | None, str]]
    if unit == GLOBAL:
        entries = list(GLOBAL_NARRATIVE)
    elif unit == "ECU":
        entries = list(ECUADOR)
    else:
        entries = list(YEAR1[unit])
        facts = COUNTRY_FACTS[unit]
        entries += FORCED_DECISIONS.get(unit, [])
        for p in range(2, 8):
            r = _rng("narrative", unit, p)
            values = dict(facts, month=r.choice(MONTHS),
                          inst=_inst_count(results, "1.2", PERIODS[p]),
                          trained=_inst_count(results, "3.1", PERIODS[p]))
            for kind in (A, C, P):
                output, template = r.choice(LATER_TEMPLATES[p][kind])
                text = template.format(**values)
                entries.append((p, kind, output, text[0].upper() + text[1:]))
            if r.random() < 0.3 and not any(e[0] == p and e[1] == D for e in entries):
                output, text = r.choice(DECISIONS)
                entries.append((p, D, output, text))
    entries.sort(key=lambda e: (e[0], (A, C, P, D).index(e[1])))
    return [{"country": name, "output_code": f"Output {output}" if output else None, "period": PERIODS[p],
             "kind": kind, "text": text} for p, kind, output, text in entries]


# ---------------------------------------------------------------------------------------------------

def workbook_rows(unit: str) -> dict[str, list[dict]]:
    """unit is one of the 8 ISO3 codes or "GLOBAL". Returns {"results": [...], "workplan": [...],
    "expenditure": [...], "milestones": [...], "narrative": [...]} - each a list of row dicts keyed by the
    column keys in etl/spec.py (None for empty optional cells)."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")
    results = _results(unit)
    return {
        "results": results,
        "workplan": _workplan(unit),
        "expenditure": _expenditure(unit),
        "milestones": _milestones(unit),
        "narrative": _narrative(unit, results),
    }
