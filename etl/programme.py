"""The programme file (programme.toml): every fact about the programme a warehouse reports on.

Its title, board and donor, its calendar (the month a programme year starts, how often it reports), its
phases, agencies, countries, results chain (impact → outcomes → outputs), expected milestones and what each
reporting round expects ([reporting]: the sheet kinds every country and the global team send, and the
deadline). The ETL
reads it with the reference data (etl/reference.py) and writes it into every warehouse it builds
(etl/load.py), so that the dashboard, the board pack and the IATI export read the programme from the
warehouse. The bundled file, data/reference/programme.toml, describes the bundled sample's programme;
`--programme PATH` or
MM_PROGRAMME chooses another. docs/schema.md lists the keys.

A file is checked whole before anything is read with it: a key the reader does not know, a missing or
mistyped value, a parent or agency that is not declared — each is a ProgrammeError naming the file, the
table and the key, so a typo never passes silently as a default.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from . import spec
from .errors import EtlError

PROGRAMME_ENVIRONMENT_VARIABLE = "MM_PROGRAMME"
FILE_NAME = "programme.toml"  # in the reference folder, the programme used when none is chosen
REPORTING = {"half-year": 2, "quarter": 4, "year": 1}  # reporting rhythm -> periods per programme year
PERIOD_LETTER = {"half-year": "H", "quarter": "Q"}
LEVELS = ("impact", "outcome", "output")  # from the top of a results chain down
SCOPES = ("country", "global")
MILESTONE_KINDS = ("inception", "implementation")
SDG_TARGET = re.compile(r"(?:[1-9]|1[0-7])\.(?:[1-9]|1[0-9]|[a-j])")  # 1.1 ... 17.19, 10.c
MONTHS_OF_GRACE = 12  # dates up to a year after the last phase ends are reports on it, later ones typing errors
# [reporting], when the file leaves it out: what each country and the global team send every round, and how
# many days after a period's end its round is due (docs/schema.md, "The programme").
DEFAULT_EXPECTED = ("results", "workplan", "expenditure", "narrative")
DEFAULT_DEADLINE_DAYS = 30


class ProgrammeError(EtlError):
    """A programme file that cannot be used, with the file, table and key at fault."""


@dataclass(frozen=True)
class Phase:
    """A phase and its calendar (the file's [calendar] unless the phase gives its own): the month its
    programme years start and how often it reports."""

    code: str
    name: str
    start: dt.date
    end: dt.date
    year_start_month: int
    reporting: str

    @property
    def first_year(self) -> int:
        return self.programme_year_of(self.start)

    @property
    def last_year(self) -> int:
        return self.programme_year_of(self.end)

    def programme_year_of(self, day: dt.date) -> int:
        return day.year if day.month >= self.year_start_month else day.year - 1

    def year_label(self, year: int) -> str:
        """2019/20 for a programme year from February 2019; 2020 for a calendar year."""
        return str(year) if self.year_start_month == 1 else f"{year}/{(year + 1) % 100:02d}"

    def year_start(self, year: int) -> dt.date:
        return dt.date(year, self.year_start_month, 1)

    def year_end(self, year: int) -> dt.date:
        return _add_months(self.year_start(year), 12) - dt.timedelta(days=1)

    def periods(self) -> list["Period"]:
        """The reporting periods of every programme year the phase covers, in order."""
        count = REPORTING[self.reporting]
        months = 12 // count
        found = []
        for year in range(self.first_year, self.last_year + 1):
            for number in range(1, count + 1):
                start = _add_months(self.year_start(year), (number - 1) * months)
                end = _add_months(start, months) - dt.timedelta(days=1)
                label = self.year_label(year) + (f" {PERIOD_LETTER[self.reporting]}{number}" if count > 1 else "")
                found.append(Period(label, year, number, start, end, self.code))
        return found


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    iati_org: str


@dataclass(frozen=True)
class Country:
    iso3: str
    phases: tuple[str, ...]
    region: str
    government_lead: str


@dataclass(frozen=True)
class Result:
    code: str
    level: str  # impact, outcome or output
    parent: str | None
    title: str
    scope: str | None  # outputs: country or global
    lead_agency: str | None
    illustrative: bool
    sdg_targets: tuple[str, ...]
    assumptions: str


@dataclass(frozen=True)
class Dimension:
    """A dimension indicator values may be split by (sex, age group, ...) and its categories."""

    code: str
    name: str
    categories: tuple[str, ...]


# How a milestone's title is compared, whatever its capitals and outer spaces, as SQL over `title`: the one rule of
# the programme file's check (folded_titles), the load's milestone key (etl/rules.py FOLDS) and the view
# inception_milestones, through the warehouse's macro title_folded (etl/schema.py). DuckDB's lower, not Python's:
# the two differ on a few letters ('İ', a final 'Σ'), and a check by one would let two titles through that the other
# then matches to one row.
TITLE_FOLD = "lower(trim(title))"


def folded_titles(titles: Iterable[str]) -> list[str]:
    """`titles` folded by TITLE_FOLD, in order."""
    with duckdb.connect() as connection:
        return connection.execute(f"SELECT list_transform(?::VARCHAR[], lambda title: {TITLE_FOLD})",
                                  [list(titles)]).fetchone()[0]


@dataclass(frozen=True)
class Milestone:
    code: str
    title: str
    phase: str
    kind: str
    due: dt.date
    # Titles a country may report it under besides `title` (another language's, an older wording): a row so
    # titled is this milestone, whatever its capitals (TITLE_FOLD).
    other_titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Period:
    label: str  # 2014/15 H1, 2019 Q3, 2020
    programme_year: int  # the calendar year the programme year starts in
    half: int  # its number within the programme year: 1-2 (half-years), 1-4 (quarters), 1 (years)
    start: dt.date
    end: dt.date
    phase: str = ""  # the code of the phase whose calendar it is of


@dataclass(frozen=True)
class Programme:
    source: str  # the file's name as given
    sha256: str
    title: str
    short_title: str
    code: str
    board: str
    donor: str
    reporting_agency: str
    year_start_month: int  # [calendar]: the default of every phase
    reporting: str
    earliest_date: dt.date
    phases: tuple[Phase, ...]
    agencies: tuple[Agency, ...]
    countries: tuple[Country, ...]
    results: tuple[Result, ...]
    milestones: tuple[Milestone, ...]
    recommendation_phases: tuple[str, ...]
    review: str = ""  # the review whose recommendations are tracked ([recommendations] review)
    review_date: dt.date | None = None
    dimensions: tuple[Dimension, ...] = ()
    expected: tuple[str, ...] = DEFAULT_EXPECTED  # [reporting]: sheet kinds each country sends every round
    global_expected: tuple[str, ...] = DEFAULT_EXPECTED  # what the global team (GLOBAL) sends
    deadline_days: int = DEFAULT_DEADLINE_DAYS  # a round is due this many days after its period ends

    @property
    def start(self) -> dt.date:
        return min(phase.start for phase in self.phases)

    @property
    def end(self) -> dt.date:
        return max(phase.end for phase in self.phases)

    @property
    def latest_date(self) -> dt.date:
        """The last date a workbook may give: MONTHS_OF_GRACE after the last phase ends."""
        return _add_months(self.end, MONTHS_OF_GRACE)

    @property
    def first_year(self) -> int:
        return self.phases[0].first_year

    @property
    def last_year(self) -> int:
        return self.phases[-1].last_year

    def phase_at(self, day: dt.date) -> Phase:
        """The phase a day belongs to: the last one started by then (between phases, the one before; before
        the first, the first)."""
        started = [phase for phase in self.phases if phase.start <= day]
        return started[-1] if started else self.phases[0]

    def phase_of_year(self, year: int) -> Phase:
        """The phase whose calendar a programme year follows: the last one whose years had begun by then."""
        begun = [phase for phase in self.phases if phase.first_year <= year]
        return begun[-1] if begun else self.phases[0]

    @property
    def calendars(self) -> list[tuple[int, str]]:
        """The distinct (year_start_month, reporting) of the phases, in order."""
        return list(dict.fromkeys((phase.year_start_month, phase.reporting) for phase in self.phases))

    @property
    def outputs(self) -> tuple[Result, ...]:
        return tuple(result for result in self.results if result.level == "output")

    def year_start(self, year: int) -> dt.date:
        """The first day of programme year `year`."""
        return self.phase_of_year(year).year_start(year)

    def year_end(self, year: int) -> dt.date:
        """The last day of programme year `year`."""
        return self.phase_of_year(year).year_end(year)

    def phase_of(self, code: str) -> Phase:
        return next(phase for phase in self.phases if phase.code == code)

    def programme_year_of(self, day: dt.date) -> int:
        return self.phase_at(day).programme_year_of(day)

    def year_label(self, year: int) -> str:
        """2019/20 for a programme year from February 2019; 2020 for a calendar year."""
        return self.phase_of_year(year).year_label(year)

    @property
    def programme_years(self) -> list[int]:
        """The programme years that have reporting periods (a year between two phases has none)."""
        return sorted({period.programme_year for period in self.periods()})

    @functools.cached_property
    def words(self) -> dict[str, str]:
        """The programme facts a column's note or a message names (etl/spec.py, note_of)."""
        periods = self.periods()
        codes = [agency.code for agency in self.agencies]
        phases = list(self.recommendation_phases)
        # one example per calendar: the first phase that follows it
        examples = [next(phase for phase in self.phases if (phase.year_start_month, phase.reporting) == calendar)
                    for calendar in self.calendars]
        rhythms = list(dict.fromkeys(phase.reporting for phase in self.phases))

        def year_note(phase: Phase) -> str:
            year = phase.first_year
            if phase.year_start_month == 1:
                return f"calendar year, e.g. {year}"
            return f"{year} (or {phase.year_label(year)}) = {phase.year_start(year):%b %Y} - {phase.year_end(year):%b %Y}"

        def named(phase: Phase, text: str) -> str:
            return f"{phase.name}: {text}" if len(examples) > 1 else text

        note = "; ".join(named(phase, year_note(phase)) for phase in examples)
        return {
            "agencies": " or ".join([", ".join(codes[:-1]), codes[-1]] if len(codes) > 1 else codes),
            "rhythm": rhythms[0] if len(rhythms) == 1 else "period",
            "period_examples": "; ".join(named(phase, ", ".join(f"{p.label} = {_span(p.start, p.end)}"
                                                                for p in phase.periods()[:2])) for phase in examples),
            "second_period": periods[min(1, len(periods) - 1)].label,
            "programme_end": f"{self.end:%B %Y}",
            "programme_year_note": (f"Calendar year, e.g. {self.first_year}" if self.calendars == [(1, self.reporting)]
                                    and len(examples) == 1 and examples[0].year_start_month == 1
                                    else "Year the programme year starts: " + note),
            "recommendation_phases": ", or ".join([", ".join(phases[:-1]), phases[-1]] if len(phases) > 1 else phases),
            "output_note": _output_note(self.outputs),
            "dimension_note": ("One of " + ", ".join(f"{d.code} ({d.name})" for d in self.dimensions)
                               if self.dimensions else "No dimension: the programme file names none"),
            "category_note": ("; ".join(f"{d.name}: {', '.join(d.categories)}" for d in self.dimensions)
                              if self.dimensions else "No category: the programme file names no dimension"),
            "milestone_example": (f"e.g. {self.milestones[0].title} (see the list)" if self.milestones
                                  else "The milestone's name"),
        }

    def periods(self) -> list[Period]:
        """The reporting periods of every phase in order, each of its phase's calendar (a period two phases
        of the same calendar share is the first one's)."""
        found: dict[str, Period] = {}
        for phase in self.phases:
            for period in phase.periods():
                found.setdefault(period.label, period)
        return list(found.values())


def code_ranges(codes: Iterable[str], dash: str = "-") -> str:
    """Codes in their order, runs of three or more consecutive whole numbers written as a range: '1-4',
    '5, 6', '1, 3, A' (the pages write the dash as an en dash)."""
    parts: list[list[str]] = []
    for code in codes:
        code = str(code)
        last = parts[-1][-1] if parts else None
        if last is not None and code.isdigit() and last.isdigit() and int(code) == int(last) + 1:
            parts[-1].append(code)
        else:
            parts.append([code])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}{dash}{run[-1]}" if len(run) > 2
                     else f"{run[0]}, {run[1]}" for run in parts)


def _output_note(outputs: tuple[Result, ...]) -> str:
    """The Output column's note: 'Output number 1-6 (1, 2 country level, 3-6 global level), e.g. ...'."""
    scopes = [f"{code_ranges([o.code for o in outputs if o.scope == scope])} {scope} level"
              for scope in SCOPES if any(o.scope == scope for o in outputs)]
    first = outputs[0].code
    return f"Output number {code_ranges([o.code for o in outputs])} ({', '.join(scopes)}), e.g. 'Output {first}' or {first}"


def _span(start: dt.date, end: dt.date) -> str:
    """Feb-Jul 2019; Aug 2019-Jan 2020."""
    return f"{start:%b}-{end:%b %Y}" if start.year == end.year else f"{start:%b %Y}-{end:%b %Y}"


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or the month's last day where it has fewer)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def programme_path(chosen: Path | str | None, reference_dir: Path) -> Path:
    """The programme file: `chosen`, else $MM_PROGRAMME, else programme.toml in the reference folder."""
    if chosen:
        return Path(chosen)
    configured = os.environ.get(PROGRAMME_ENVIRONMENT_VARIABLE)
    return Path(configured) if configured else reference_dir / FILE_NAME


class _Table:
    """One TOML table being read: takes its keys one by one, then says which were left unread."""

    def __init__(self, file: str, where: str, values: Any):
        self.file, self.where = file, where
        if not isinstance(values, dict):
            raise self.error(f"expected a table of keys, found {type(values).__name__}")
        self.values, self.read = values, set()

    def error(self, text: str) -> ProgrammeError:
        return ProgrammeError(f"{self.file} › {self.where}: {text}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., choices: tuple = ()) -> Any:
        self.read.add(key)
        if key not in self.values:
            if default is ...:
                raise self.error(f"'{key}' is missing")
            return default
        value = self.values[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if kind is dt.date and isinstance(value, dt.datetime) or not isinstance(value, kinds) or (
                isinstance(value, bool) and bool not in kinds):
            names = " or ".join(k.__name__.replace("str", "text").replace("int", "a whole number")
                                .replace("date", "a date like 2020-01-31") for k in kinds)
            raise self.error(f"'{key}' is {value!r}, expected {names}")
        if isinstance(value, str):
            value = value.strip()
            if not value and default is ...:
                raise self.error(f"'{key}' is empty")
        if choices and value not in choices:
            raise self.error(f"'{key}' is {value!r}, expected one of {', '.join(map(str, choices))}")
        return value

    def texts(self, key: str, default: tuple = ()) -> tuple[str, ...]:
        values = self.get(key, list, list(default))
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise self.error(f"'{key}' is {values!r}, expected a list of texts like [\"a\", \"b\"]")
        return tuple(v.strip() for v in values)

    def done(self) -> None:
        unknown = sorted(set(self.values) - self.read)
        if unknown:
            raise self.error(f"{'key' if len(unknown) == 1 else 'keys'} {', '.join(repr(k) for k in unknown)} "
                             f"not used by this version (docs/schema.md lists the keys); check the spelling")


def _items(file: str, document: dict, name: str, required: bool = True) -> list[_Table]:
    values = document.get(name, [])
    if not isinstance(values, list):
        raise ProgrammeError(f"{file}: '{name}' must be written as [[{name}]] tables")
    if required and not values:
        raise ProgrammeError(f"{file}: at least one [[{name}]] is needed")
    tables = []
    for index, values_of in enumerate(values, start=1):
        label = values_of.get("code") or values_of.get("iso3") if isinstance(values_of, dict) else None
        tables.append(_Table(file, f"[[{name}]] #{index}" + (f" ({label})" if label else ""), values_of))
    return tables


def _unique(file: str, name: str, codes: list[str]) -> None:
    seen = set()
    for code in codes:
        if code in seen:
            raise ProgrammeError(f"{file} › [[{name}]]: '{code}' is declared twice")
        seen.add(code)


def _one_milestone_per_title(file: str, milestones: list[Milestone]) -> None:
    """A title, whatever its capitals (TITLE_FOLD), names one milestone: its own title, or another's other title,
    never both (two phases may each declare the same title: that is one milestone to a country taking part in
    both)."""
    titled = [(title, milestone) for milestone in milestones for title in (milestone.title, *milestone.other_titles)]
    folded = folded_titles([milestone.title for milestone in milestones] + [title for title, _ in titled])
    own = dict(zip(milestones, folded[:len(milestones)]))
    named: dict[str, Milestone] = {}
    for (title, milestone), folded in zip(titled, folded[len(milestones):]):
        first = named.setdefault(folded, milestone)
        if own[first] != own[milestone]:
            raise ProgrammeError(f"{file} › [[milestones]] ({milestone.code}): the title '{title}' names "
                                 f"milestone {first.code} ('{first.title}') too; a title may name one only")


def read_programme(path: Path) -> Programme:
    """The programme in `path`, checked whole (ProgrammeError otherwise)."""
    file = path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ProgrammeError(f"programme file {path} cannot be read: {error.strerror or error}") from None
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProgrammeError(f"{file}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ProgrammeError(f"{file}: not a valid TOML file ({error})") from None
    unknown = sorted(set(document) - {"programme", "calendar", "phases", "recommendations", "agencies",
                                      "countries", "results", "milestones", "dimensions", "reporting"})
    if unknown:
        raise ProgrammeError(f"{file}: table(s) {', '.join(repr(k) for k in unknown)} not used by this version "
                             f"(docs/schema.md lists the keys); check the spelling")
    head = _Table(file, "[programme]", document.get("programme", {}))
    calendar = _Table(file, "[calendar]", document.get("calendar", {}))
    recommendations = _Table(file, "[recommendations]", document.get("recommendations", {}))
    reporting_round = _Table(file, "[reporting]", document.get("reporting", {}))
    months = tuple(range(1, 13))
    year_start_month = calendar.get("year_start_month", int, choices=months)
    reporting = calendar.get("reporting", str, choices=tuple(REPORTING))

    phases = []
    for table in _items(file, document, "phases"):
        phase = Phase(table.get("code", str), table.get("name", str), table.get("start", dt.date),
                      table.get("end", dt.date), table.get("year_start_month", int, year_start_month, choices=months),
                      table.get("reporting", str, reporting, choices=tuple(REPORTING)))
        if phase.end < phase.start:
            raise table.error(f"'end' {phase.end} is before 'start' {phase.start}")
        table.done()
        phases.append(phase)
    _unique(file, "phases", [p.code for p in phases])
    phases.sort(key=lambda phase: phase.start)
    for before, after in zip(phases, phases[1:]):
        if after.start <= before.end:
            raise ProgrammeError(f"{file} › [[phases]] ({after.code}): starts {after.start}, before {before.code} "
                                 f"ends ({before.end}); phases follow one another")
    phase_codes = tuple(p.code for p in phases)

    agencies = []
    for table in _items(file, document, "agencies"):
        agencies.append(Agency(table.get("code", str), table.get("name", str), table.get("iati_org", str, "")))
        table.done()
    _unique(file, "agencies", [a.code for a in agencies])
    agency_codes = tuple(a.code for a in agencies)

    countries = []
    for table in _items(file, document, "countries"):
        iso3 = table.get("iso3", str).upper()
        country_phases = table.texts("phases", phase_codes)
        for code in country_phases:
            if code not in phase_codes:
                raise table.error(f"phase '{code}' is not declared under [[phases]] ({', '.join(phase_codes)})")
        countries.append(Country(iso3, country_phases, table.get("region", str, ""),
                                 table.get("government_lead", str, "")))
        table.done()
    _unique(file, "countries", [c.iso3 for c in countries])

    results = []
    for table in _items(file, document, "results"):
        level = table.get("level", str, choices=LEVELS)
        result = Result(table.get("code", (str, int)), level, table.get("parent", (str, int), None),
                        table.get("title", str),
                        table.get("scope", str, None, choices=SCOPES) if level == "output" else None,
                        table.get("lead_agency", str, None, choices=agency_codes),
                        table.get("illustrative", bool, False), table.texts("sdg_targets"),
                        table.get("assumptions", str, ""))
        result = Result(**{**result.__dict__, "code": str(result.code).strip(),
                           "parent": None if result.parent is None else str(result.parent).strip()})
        for target in result.sdg_targets:
            if not SDG_TARGET.fullmatch(target):
                raise table.error(f"'sdg_targets' has {target!r}, expected SDG target codes like \"10.7\" or \"10.c\"")
        if level == "output" and result.scope is None:
            raise table.error("'scope' is missing: an output is \"country\" (each country reports it) or \"global\"")
        table.done()
        results.append(result)
    _unique(file, "results", [r.code for r in results])
    _check_chain(file, results)

    milestones = []
    for table in _items(file, document, "milestones", required=False):
        milestone = Milestone(table.get("code", str), table.get("title", str),
                              table.get("phase", str, choices=phase_codes), table.get("kind", str, choices=MILESTONE_KINDS),
                              table.get("due", dt.date), table.texts("other_titles"))
        table.done()
        milestones.append(milestone)
    _unique(file, "milestones", [m.code for m in milestones])
    _one_milestone_per_title(file, milestones)

    dimensions = []
    for table in _items(file, document, "dimensions", required=False):
        dimension = Dimension(table.get("code", str), table.get("name", str), table.texts("categories"))
        if not dimension.categories:
            raise table.error("'categories' is missing: the values an indicator may be split into, e.g. "
                              "[\"female\", \"male\"]")
        if len({c.casefold() for c in dimension.categories}) != len(dimension.categories):
            raise table.error(f"'categories' names a category twice: {list(dimension.categories)}")
        table.done()
        dimensions.append(dimension)
    _unique(file, "dimensions", [d.code for d in dimensions])

    programme = Programme(
        source=file, sha256=hashlib.sha256(data).hexdigest(),
        title=head.get("title", str), short_title=head.get("short_title", str), code=head.get("code", str, ""),
        board=head.get("board", str), donor=head.get("donor", str, ""),
        reporting_agency=head.get("reporting_agency", str, agency_codes[0], choices=agency_codes),
        year_start_month=year_start_month, reporting=reporting,
        earliest_date=calendar.get("earliest_date", dt.date, min(p.start for p in phases)),
        phases=tuple(phases), agencies=tuple(agencies), countries=tuple(countries), results=tuple(results),
        milestones=tuple(milestones), recommendation_phases=recommendations.texts("phases", phase_codes),
        review=recommendations.get("review", str, ""), review_date=recommendations.get("review_date", dt.date, None),
        dimensions=tuple(dimensions), expected=_sheet_kinds(reporting_round, "expected"),
        global_expected=_sheet_kinds(reporting_round, "global_expected"),
        deadline_days=reporting_round.get("deadline_days", int, DEFAULT_DEADLINE_DAYS))
    for table in (head, calendar, recommendations, reporting_round):
        table.done()
    if programme.deadline_days < 0:
        raise reporting_round.error(f"'deadline_days' is {programme.deadline_days}, expected 0 or more days after "
                                    "the period's end")
    if programme.earliest_date > programme.start:
        raise calendar.error(f"'earliest_date' {programme.earliest_date} is after the first phase starts "
                             f"({programme.start})")
    return programme


def _sheet_kinds(table: _Table, key: str) -> tuple[str, ...]:
    """A list of sheet kinds (spec.Sheet.kind) of [reporting], each named once (default: DEFAULT_EXPECTED)."""
    kinds = table.texts(key, DEFAULT_EXPECTED)
    # only sheets whose rows name a country: a round tracks each country's (or the global level's) sheets
    known = tuple(sheet.kind for sheet in spec.SHEETS if sheet in spec.COUNTRY_SHEETS)
    for kind in kinds:
        if kind not in known:
            raise table.error(f"'{key}' names {kind!r}, expected sheet kinds among {', '.join(known)} (the sheets "
                              "whose rows name a country)")
    if len(set(kinds)) != len(kinds):
        raise table.error(f"'{key}' names a sheet kind twice: {list(kinds)}")
    return kinds


def from_warehouse(connection: Any) -> Programme:
    """The programme a warehouse was built with, from its tables (etl/load.py, write_reference)."""
    def rows(sql: str) -> list[tuple]:
        return connection.execute(sql).fetchall()

    (code, title, short_title, board, donor, reporting_agency, year_start_month, reporting, _start, _end,
     earliest, _latest, source, sha256, review, review_date, deadline_days) = rows("SELECT * FROM programme")[0]
    expected = rows("SELECT kind, scope FROM reporting_expected ORDER BY ordinal")
    return Programme(
        source=source, sha256=sha256, title=title, short_title=short_title, code=code or "", board=board,
        donor=donor or "", reporting_agency=reporting_agency, year_start_month=year_start_month, reporting=reporting,
        earliest_date=earliest,
        phases=tuple(Phase(*row) for row in rows(
            "SELECT code, name, start_date, end_date, year_start_month, reporting FROM phases ORDER BY ordinal")),
        agencies=tuple(Agency(c, n, o or "") for c, n, o in rows("SELECT code, name, iati_org FROM agencies ORDER BY ordinal")),
        countries=tuple(Country(iso3, tuple(phases), region or "", lead or "") for iso3, phases, region, lead in rows(
            "SELECT iso3, phases, region, government_lead FROM countries ORDER BY iso3")),
        results=tuple(Result(c, level, parent, t, scope, lead, illustrative, tuple(sdg), assumptions or "")
                      for c, level, parent, t, scope, lead, illustrative, sdg, assumptions in rows(
                          "SELECT code, level, parent, title, scope, lead_agency, illustrative, sdg_targets, assumptions "
                          "FROM results_chain ORDER BY ordinal")),
        milestones=tuple(Milestone(*row[:5], tuple(row[5])) for row in rows(
            "SELECT code, title, phase, kind, due_date, other_titles FROM programme_milestones ORDER BY ordinal")),
        recommendation_phases=tuple(r[0] for r in rows("SELECT phase FROM recommendation_phases ORDER BY ordinal")),
        review=review or "", review_date=review_date,
        dimensions=tuple(Dimension(c, n, tuple(categories)) for c, n, categories in rows(
            "SELECT code, name, categories FROM dimensions ORDER BY ordinal")),
        expected=tuple(kind for kind, scope in expected if scope == "country"),
        global_expected=tuple(kind for kind, scope in expected if scope == "global"), deadline_days=deadline_days)


def check_built_with(built_with: Programme, chosen: Programme, database: Path | str) -> None:
    """A command reading a warehouse for a chosen programme file: the warehouse must have been built with
    that file (the same bytes), else its figures would be shown under another programme's facts."""
    if built_with.sha256 != chosen.sha256:
        raise ProgrammeError(f"{database} was built with another programme file ({built_with.source}: "
                             f"{built_with.short_title}, {built_with.title}) than {chosen.source}; rebuild it with "
                             f"`python -m etl load ... --programme {chosen.source}` or leave out --programme")


def _check_chain(file: str, results: list[Result]) -> None:
    """Each result's parent is declared and one level up (an output may hang from the impact directly);
    only the top has none."""
    by_code = {r.code: r for r in results}
    for result in results:
        where = f"{file} › [[results]] ({result.code})"
        if result.parent is None:
            if result.level == "output" and len(results) > 1 and any(r.level != "output" for r in results):
                raise ProgrammeError(f"{where}: 'parent' is missing: an output names the outcome or impact it serves")
            continue
        parent = by_code.get(result.parent)
        if parent is None:
            raise ProgrammeError(f"{where}: parent '{result.parent}' is not declared under [[results]]")
        if LEVELS.index(parent.level) >= LEVELS.index(result.level):
            raise ProgrammeError(f"{where}: parent '{parent.code}' is an {parent.level}, expected a level above "
                                 f"{result.level} ({' → '.join(LEVELS)})")
    if not any(r.level == "output" for r in results):
        raise ProgrammeError(f"{file} › [[results]]: at least one result of level \"output\" is needed")
