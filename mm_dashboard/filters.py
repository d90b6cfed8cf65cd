"""Sidebar filters shared by every page: phase (with several), period, country, output, agency, SDG target (when
outputs carry some) and presentation mode.

They are drawn once in dashboard.py, so their values persist while moving between pages, and they
are mirrored in the URL query string (?period=2016/17 H2&country=JAM&…), so a link opens the same view.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from mm_core import periods, queries, wording
from mm_core.safety import markdown_literal, shorten

from . import db
from .data import check_programme, load, programme

ALL = "all"
# Ours in the address. None may be a widget's `bind="query-params"` key: _write_address rewrites the query string
# whole (st.query_params.from_dict), which Streamlit refuses for a bound key.
PARAMETERS = ("phase", "period", "country", "output", "agency", "sdg_target", "present")
CHOSEN = ("phase", "period", "country", "output", "agency", "sdg_target")  # remembered choices, in link order
IGNORED_SHOWN = 40  # characters of an unusable link value echoed back (a link may carry anything, of any length)


@dataclass(frozen=True)
class Options:
    periods: dict[str, str]  # option -> label
    countries: dict[str, str]
    outputs: dict[str, str]
    agencies: dict[str, str]
    default_period: str
    period_table: pd.DataFrame
    period_help: str
    phases: dict[str, str]  # ALL and each phase: shown only with more than one phase
    phase_periods: dict[str, list[str]]  # a phase's period options
    phase_defaults: dict[str, str]  # its latest started period (else its first)
    sdg_targets: dict[str, str]  # ALL and each SDG target the outputs carry: shown only with some
    year_labels: dict[int, str]  # each programme year's label, looked up on every run (periods.year_labels)
    resolved: dict[str, tuple[str, int]]  # each period option's (period, programme year): periods.resolve
    coming: dict[str, str]  # each period not started by the as-of date, and why nothing of it is due (scope_caption)


def _default_period(table: pd.DataFrame) -> str:
    started = table[table["has_started"]]
    return str(started["period"].iloc[-1] if len(started) else table["period"].iloc[0])


def _options() -> Options:
    return _options_of(db.snapshot().key)


@st.cache_data(show_spinner=False, max_entries=4)
def _options_of(key: db.SnapshotKey) -> Options:
    """The choices in this version of the database, as of its statuses' day (the default period is the latest
    started): they change only with a new load or a new day, so they are worked out once rather than on every
    run of every page."""
    table = load(queries.periods)
    default = _default_period(table)
    the_programme = programme()
    period_options = {}
    for option in periods.options(table):
        year = periods.resolve(option, table)[1]  # each option worded by the calendar of its year's phase
        if option.startswith(periods.YEAR_PREFIX):  # short enough for the sidebar: the year's months
            kind = wording.year_months(the_programme, year=year) or wording.year_noun(the_programme, year=year)
        else:
            kind = wording.period_kind(the_programme, year)
        period_options[option] = f"{option} ({kind})"
    agency_codes = [agency.code for agency in the_programme.agencies]
    agencies = {ALL: "Both agencies" if len(agency_codes) == 2 else "All agencies",
                **{code: code for code in agency_codes}}
    period_help = markdown_literal(wording.period_choices(the_programme))  # a tooltip is Markdown; names are typed
    choices = load(queries.filter_options)
    countries = {ALL: "All countries", **dict(zip(choices.loc[choices.kind == "country", "code"],
                                                  choices.loc[choices.kind == "country", "label"]))}
    illustrative = set(load(queries.outputs).query("illustrative")["output_code"])
    outputs = {ALL: "All outputs", **{code: wording.marked_title(label, code in illustrative) for code, label in
                                      zip(choices.loc[choices.kind == "output", "code"],
                                          choices.loc[choices.kind == "output", "label"])}}
    phase_tables = {phase.code: table[table["phase"] == phase.code] for phase in the_programme.phases}
    phase_tables = {code: rows for code, rows in phase_tables.items() if len(rows)}
    phases = {ALL: "All phases", **{phase.code: phase.name for phase in the_programme.phases
                                    if phase.code in phase_tables}}
    targets = load(queries.sdg_targets)
    sdg_targets = {ALL: "All SDG targets", **{target: f"SDG target {target}" for target in targets}}
    return Options(period_options, countries, outputs, agencies, default, table, period_help, phases,
                   {code: periods.options(rows) for code, rows in phase_tables.items()},
                   {code: _default_period(rows) for code, rows in phase_tables.items()}, sdg_targets,
                   periods.year_labels(table), {option: periods.resolve(option, table) for option in period_options},
                   periods.coming(table))


SHOWN = "addresses_shown"  # session key: each page's addresses this session has drawn (see back_to_a_shown_address)
SHOWN_KEPT = 200  # the latest addresses kept: Back further than that is taken as a step no run drew
# session key: page -> (parameter, widget key, its options for a scope) of the page's own choice (page_choice)
PAGE_CHOICES = "address_page_choices"


def back_or_forward() -> bool:
    """Whether this run is the browser's Back or Forward: its address is an earlier one.

    Streamlit's own flag for it (it restores widgets bound to the address from it on such a run). The
    browser test goes Back and checks the page follows: it fails if a Streamlit release drops the flag.
    """
    context = get_script_run_ctx()
    return bool(getattr(context, "is_history_navigation", False))


def _page() -> str:
    return getattr(get_script_run_ctx(), "page_script_hash", "")


def _address(names: tuple[str, ...]) -> bytes:
    """A digest of the address's `names` parameters on this page (a link's value may be of any length)."""
    address = (_page(), names,
               tuple((name, tuple(st.query_params.get_all(name))) for name in names if name in st.query_params))
    return hashlib.blake2b(repr(address).encode(), digest_size=16).digest()


def back_to_a_shown_address(names: tuple[str, ...]) -> bool:
    """Back or Forward to an address (its `names` parameters, on this page) that a run of this session drew.

    Such an address says the choices to bring back. Streamlit may also leave steps no run drew: a page switch
    can put the page's address without the filters in the history (it keeps only widget-bound parameters)
    before the run writes them back as a second step. Back onto such a step keeps the choices.
    """
    shown = st.session_state.get(SHOWN)
    return back_or_forward() and isinstance(shown, dict) and _address(names) in shown


def record_shown(names: tuple[str, ...]) -> None:
    """Note the address (its `names` parameters, on this page) as drawn by this run; the latest SHOWN_KEPT."""
    shown = st.session_state.get(SHOWN)
    if not isinstance(shown, dict):  # none yet (or a session begun under an earlier form of this store)
        shown = st.session_state[SHOWN] = {}
    address = _address(names)
    shown.pop(address, None)
    shown[address] = True  # the latest last
    while len(shown) > SHOWN_KEPT:
        del shown[next(iter(shown))]


def _initial_state(options: Options) -> None:
    """Seed the chosen filters from the query string.

    The choices live in session state under `chosen_<name>`, apart from the widgets' own keys: widget
    state is dropped when a widget is not drawn in a run, a chosen value is not. The address is read on a
    session's first run, for a choice no longer offered, and on Back or Forward to an address a run drew,
    where it wins: the page then shows what the address says. (A page switch sends no address; the choices
    stay.)
    """
    if back_to_a_shown_address(PARAMETERS):
        for name in (*CHOSEN, "present"):
            st.session_state.pop(f"chosen_{name}", None)
    for name, values in _allowed(options).items():
        key = f"chosen_{name}"
        if key in st.session_state and st.session_state[key] in values:
            continue
        wanted = st.query_params.get(name)
        st.session_state[key] = wanted if wanted in values else _default(options, name)
    if "chosen_present" not in st.session_state:
        st.session_state["chosen_present"] = _presenting(st.query_params.get("present"))


def _allowed(options: Options) -> dict[str, dict[str, str]]:
    return {"phase": options.phases, "period": options.periods, "country": options.countries,
            "output": options.outputs, "agency": options.agencies, "sdg_target": options.sdg_targets}


# ?present= (any case; a bare ?present is on)
PRESENTING = {"": True, "1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def _present_word(value: str | None) -> bool | None:
    """What ?present= says: on, off (also when it is not there), or None for a value not in PRESENTING (named)."""
    return False if value is None else PRESENTING.get(value.strip().lower())


def _presenting(value: str | None) -> bool:
    return _present_word(value) is True


def _read_address(options: Options) -> tuple[dict[str, str], list[str]]:
    """What the address says: the filters it stands for (its usable values other than the defaults, with the
    sidebar's rule that a phase shows one of its own periods), and its values that cannot be used, named
    for the page as long as the address holds them."""
    says, ignored = {}, []
    for name in (*_allowed(options), "present"):  # a filter named twice: the last is read, the others said
        ignored += [f"{name}={shorten(value, IGNORED_SHOWN)} (named again after)"
                    for value in st.query_params.get_all(name)[:-1]]
    for name, values in _allowed(options).items():
        value = st.query_params.get(name)
        if value is not None and value not in values:
            ignored.append(f"{name}={shorten(value, IGNORED_SHOWN)}")
        elif value is not None and value != _default(options, name):
            says[name] = value
    phase = says.get("phase", ALL)
    if len(options.phases) > 2 and phase != ALL:  # as sidebar(): a period of the phase, else its default
        period = says.pop("period", options.default_period)
        if _phase_period(options, phase, period) != period:
            read = st.query_params.get("period")  # the value read (the last): said once, whatever came before
            if read is not None and f"period={shorten(read, IGNORED_SHOWN)}" not in ignored:
                ignored.append(f"period={shorten(period, IGNORED_SHOWN)} (not of phase {phase})")
            period = _phase_period(options, phase, period)
        if period != options.default_period:
            says["period"] = period
    present = st.query_params.get("present")
    if _present_word(present) is None:
        ignored.append(f"present={shorten(present, IGNORED_SHOWN)}")
    elif _presenting(present):
        says["present"] = "1"
    return says, ignored


def _phase_period(options: Options, phase: str, period: str) -> str:
    """The period shown with a phase chosen: the given one if it is of the phase, else the phase's default."""
    return period if period in options.phase_periods[phase] else options.phase_defaults[phase]


def _default(options: Options, name: str) -> str:
    return options.default_period if name == "period" else ALL


def _remember(name: str) -> None:
    st.session_state[f"chosen_{name}"] = st.session_state[f"filter_{name}"]


def _widget_arguments(name: str) -> dict:
    """Key and callback of a filter widget, its value set from the remembered choice."""
    st.session_state[f"filter_{name}"] = st.session_state[f"chosen_{name}"]
    return {"key": f"filter_{name}", "on_change": _remember, "args": (name,)}


def _wanted(options: Options) -> dict[str, str]:
    """The chosen filters as the address says them: the values other than the defaults."""
    values = {name: st.session_state[f"chosen_{name}"] for name in CHOSEN}
    wanted = {name: value for name, value in values.items() if value != _default(options, name)}
    if st.session_state["chosen_present"]:
        wanted["present"] = "1"
    return wanted


def _write_address(wanted: dict[str, str], says: dict[str, str], scope: queries.Scope) -> None:
    """Put the chosen filters in the address when they differ from what it says, in one message.

    Each message is a step in the browser's history: one per parameter would leave steps that Back returns
    to and that put themselves back. An address that already says the choices is left as it is: a step made
    only to drop a value the link carried that was ignored (said on the page) or a default would be one such.
    Sent as the sidebar is drawn, not at the end of the run: a page switch's own step (Streamlit's, without
    the filters) then takes them, rather than being followed by a second. The page's own choice goes in the
    same message, as it will be for `scope` (_page_choice).

    A written address names the period even when it is the default: the default is the latest period started,
    which moves with the data, and a link copied from the address bar must show the same period next year.
    (An address that names no period, as the bare dashboard's, means the latest; it is not rewritten only to
    name it, as that step would put itself back on Back.)
    """
    if wanted != says:
        # the page's own choice in the same message: else the page would write it as a second step
        parameter, value = _page_choice(scope) or (None, None)
        others = {name: st.query_params.get_all(name) for name in st.query_params
                  if name not in PARAMETERS and name != parameter}
        own = {parameter: value} if value is not None else {}
        written = {"period": st.session_state["chosen_period"], **wanted}
        st.query_params.from_dict({**{name: written[name] for name in PARAMETERS if name in written}, **others,
                                   **own})
    record_shown(PARAMETERS)


def _page_choice(scope: queries.Scope) -> tuple[str, str | None] | None:
    """This page's own address parameter and its value as the page will show it for `scope`: the choice its
    widget holds, or the first option where the filters drop it (page_choice), or None where no option is left
    (the parameter is then dropped). None where the page registered none (page_choice), where its widget holds
    none (a page switch usually drops the widget's value), or where its options cannot be read (the page reads
    them again and says why): the address keeps what it says."""
    registered = st.session_state.get(PAGE_CHOICES, {}).get(_page())
    if registered is None:
        return None
    parameter, key, options_of = registered
    value = st.session_state.get(key)
    if not isinstance(value, str):
        return None
    try:
        options = options_of(scope)
    except Exception:  # the page's own call raises it again, where the page explains it
        return None
    if not options:
        return parameter, None
    return parameter, value if value in options else _first_option(options)


def _first_option(options: Iterable[str]) -> str:
    """A page's own choice where neither the address nor the filters leave one (page_choice)."""
    return next(iter(options))


def sidebar() -> queries.Scope | None:
    """Draw the filters; the Scope they select, or None when there is no usable database."""
    try:
        options = _options()
        check_programme()
    except (db.DatabaseMissing, db.DatabaseUnusable) as error:
        st.session_state["database_problem"] = error
        return None
    st.session_state.pop("database_problem", None)
    _initial_state(options)
    says, ignored = _read_address(options)
    with st.sidebar:
        st.markdown("### Filters")
        period_choices = list(options.periods)
        if len(options.phases) > 2:  # all phases and at least two
            st.selectbox("Phase", list(options.phases), format_func=options.phases.get,
                         help="The periods to choose from: those of one phase, or of all", **_widget_arguments("phase"))
            phase = st.session_state["chosen_phase"]
            if phase != ALL:
                period_choices = options.phase_periods[phase]
                st.session_state["chosen_period"] = _phase_period(options, phase, st.session_state["chosen_period"])
        st.selectbox("Period", period_choices, format_func=options.periods.get,
                     help=options.period_help, **_widget_arguments("period"))
        st.selectbox("Country", list(options.countries), format_func=options.countries.get,
                     **_widget_arguments("country"))
        st.selectbox("Output", list(options.outputs), format_func=options.outputs.get, **_widget_arguments("output"))
        if st.session_state["chosen_output"] != ALL:  # the box cuts a long title: written out in full below it
            st.caption(markdown_literal(options.outputs[st.session_state["chosen_output"]]))
        st.selectbox("Agency", list(options.agencies), format_func=options.agencies.get,
                     help="Indicators follow their output's lead agency; activities their lead or support agency",
                     **_widget_arguments("agency"))
        if len(options.sdg_targets) > 1:
            st.selectbox("SDG target", list(options.sdg_targets), format_func=options.sdg_targets.get,
                         help="Keeps the outputs that carry the target, with their indicators, activities and money "
                              "(Outputs, Indicators, Work plan, Money, Overview and Theory of change)",
                         **_widget_arguments("sdg_target"))
        st.toggle("Presentation mode", help="Larger type, high contrast and no app chrome, for screen-sharing",
                  **_widget_arguments("present"))
        wanted = _wanted(options)  # settled: the widgets' callbacks ran before this run, the phase's rule above
        said = ignored and wanted == says  # else this run writes the address, without them
        note = "Ignored from the link: " + ", ".join(markdown_literal(value) for value in ignored)
        if said and not presentation_mode():
            st.caption(note)
    if said and presentation_mode():  # the sidebar is hidden: said above the page
        st.caption(note)
    period, programme_year = options.resolved[st.session_state["chosen_period"]]

    def chosen(name: str) -> str | None:
        value = st.session_state[f"chosen_{name}"]
        return None if value == ALL else value

    scope = queries.Scope(period=period, programme_year=programme_year, country=chosen("country"),
                          output=chosen("output"), agency=chosen("agency"), sdg_target=chosen("sdg_target"))
    _write_address(wanted, says, scope)
    return scope


def _page_address(parameter: str, options: Iterable[str],
                  default: str | None = None) -> tuple[str | None, bool, str]:
    """The page's own parameter in the address (`?indicator=` counts as none), whether it is usable (none, or an
    option), and the option it says (its value when an option, else `default`, else the first option)."""
    wanted = st.query_params.get(parameter) or None
    if wanted in options:
        return wanted, True, wanted
    return wanted, wanted is None, _first_option(options) if default is None else default


def page_choice(parameter: str, key: str, options_of: Callable[[queries.Scope], dict[str, str]],
                scope: queries.Scope) -> tuple[dict[str, str], str | None]:
    """Seed a page's own choice (widget `key`, address `?parameter=`) from the address, as the filters are.
    `options_of` gives the options (value -> label) for a scope: the page's, for `scope`, are returned first.
    The sidebar asks it on a later run, for the new filters, to write the choice they leave with them: a
    function of an importable module (mm_dashboard/choices.py), as every session's registry holds it.

    The address says its value when it is an option, else the first option. It is read on the first run and
    on Back or Forward to an address a run drew. Returns the options, and the address's value, cut short,
    when it is not an option, to be said on the page for as long as the address holds it; not when the
    filters have just dropped the page's own choice, which is replaced by the first option (written with
    them, _write_address). With no options, nothing is seeded: the page says there is nothing to choose.
    """
    st.session_state.setdefault(PAGE_CHOICES, {})[_page()] = (parameter, key, options_of)
    options = options_of(scope)
    if not options:
        return options, None
    wanted, usable, says = _page_address(parameter, options)
    if back_to_a_shown_address((*PARAMETERS, parameter)) or key not in st.session_state:
        st.session_state[key] = says
    elif st.session_state[key] not in options:  # the filters dropped it
        st.session_state[key] = says
        return options, None
    return options, None if usable else shorten(wanted, IGNORED_SHOWN)


def keep_page_choice(parameter: str, choice: str, options: dict[str, str], said: str | None) -> bool:
    """Put a page's own choice in the address when the address says another, or holds a value that is not an
    option and not `said` on the page (page_choice). Whether the address keeps its value as it is. (A filter
    change writes the choice with the filters, the first option where they drop it (_write_address): one
    step in the history.)"""
    _, usable, says = _page_address(parameter, options)
    kept = choice == says and (usable or said is not None)
    if not kept:
        st.query_params[parameter] = choice
    record_shown((*PARAMETERS, parameter))
    return kept


def link_choice(parameter: str, key: str, options: Iterable[str], default: str) -> str | None:
    """Seed a page's own choice whose options the sidebar's filters leave as they are (Money's years and grouping,
    What changed's builds) from the address, as page_choice does: `?parameter=` when it is an option, else
    `default`. It is read on the first run, on Back or Forward to an address a run drew, and when the widget holds
    no option (a page switch drops it). Returns the address's value, cut short, when it is not an option, to be
    said on the page for as long as the address holds it. A filter change keeps the parameter as it is."""
    options = list(options)
    wanted, usable, says = _page_address(parameter, options, default)
    if back_to_a_shown_address((*PARAMETERS, parameter)) or st.session_state.get(key) not in options:
        st.session_state[key] = says
    return None if usable else shorten(wanted, IGNORED_SHOWN)


def keep_link_choice(parameter: str, choice: str, default: str, said: str | None) -> None:
    """Put a link_choice in the address when the address says another. Not for the default where the address
    names none or a value `said` on the page to be ignored: a step only to name it would put itself back on Back."""
    wanted = st.query_params.get(parameter) or None
    if wanted != choice and not (choice == default and (wanted is None or said is not None)):
        st.query_params[parameter] = choice
    record_shown((*PARAMETERS, parameter))


def link_choices(parameter: str, key: str, options: Iterable[str], default: Iterable[str]) -> str | None:
    """link_choice for a choice of several (a multiselect's, pills'): `?parameter=` once per value chosen, in any
    order; `?parameter=` empty for none. A link naming a value that is no option is ignored whole (`default`), and
    the values returned, cut short, to be said on the page."""
    options = list(options)
    given = st.query_params.get_all(parameter)
    unusable = [value for value in given if value and value not in options]
    says = [option for option in options if option in given] if given and not unusable else list(default)
    state = st.session_state.get(key)
    if (back_to_a_shown_address((*PARAMETERS, parameter)) or not isinstance(state, list)
            or any(value not in options for value in state)):
        st.session_state[key] = says
    return shorten(", ".join(unusable), IGNORED_SHOWN) if unusable else None


def keep_link_choices(parameter: str, chosen: Iterable[str], default: Iterable[str], said: str | None) -> None:
    """keep_link_choice for link_choices: the address names the values chosen (none: `?parameter=` empty)."""
    chosen, given = list(chosen), st.query_params.get_all(parameter)
    named = {value for value in given if value} if given else None  # None: the address names no choice
    if named != set(chosen) and not (set(chosen) == set(default) and (named is None or said is not None)):
        st.query_params[parameter] = chosen or [""]
    record_shown((*PARAMETERS, parameter))


FLAG = {"yes": True, "no": False}  # a toggle's value in the address (link_flag)


def _flag_word(on: bool) -> str:
    return next(word for word, value in FLAG.items() if value is on)


def link_flag(parameter: str, key: str, default: bool = False) -> str | None:
    """link_choice for a toggle (widget `key`, `default` until chosen): `?parameter=yes` or `?parameter=no`."""
    wanted, usable, says = _page_address(parameter, FLAG, _flag_word(default))
    if back_to_a_shown_address((*PARAMETERS, parameter)) or not isinstance(st.session_state.get(key), bool):
        st.session_state[key] = FLAG[says]
    return None if usable else shorten(wanted, IGNORED_SHOWN)


def keep_link_flag(parameter: str, on: bool, said: str | None, default: bool = False) -> None:
    """keep_link_choice for link_flag."""
    keep_link_choice(parameter, _flag_word(on), _flag_word(default), said)


def presentation_mode() -> bool:
    return bool(st.session_state.get("chosen_present", False))


def leave_presentation_mode() -> None:
    """The page's button in presentation mode (the sidebar, with its toggle, is hidden then)."""
    st.session_state["chosen_present"] = False


def year_label(programme_year: int) -> str:
    """A programme year's label ('2016/17'; '2020' for a calendar year), from the warehouse's periods."""
    labels = _options().year_labels
    return labels[programme_year] if programme_year in labels else periods.year_label(_options().period_table,
                                                                                       programme_year)


def year_labels() -> dict[int, str]:
    """Every programme year of the warehouse by its label."""
    return dict(_options().year_labels)


def not_started(period: str) -> str | None:
    """For a period that starts after the as-of date, what it is after its name (wording.not_started); else None.
    Worked out once per load and day, not on every run."""
    return _options().coming.get(period)


def scope_caption(scope: queries.Scope) -> str:
    coming = not_started(scope.period)
    parts = [f"period **{markdown_literal(scope.period)}**"
             + (f" (it {coming}, and 'not reported' or 'no data' means not yet due)" if coming else ""),
             f"money: {wording.year_noun(programme())} **{markdown_literal(year_label(scope.programme_year))}**"]
    for name, value in (("country", scope.country), ("output", scope.output), ("agency", scope.agency)):
        if value:
            parts.append(f"{name} **{markdown_literal(value)}**")
    if scope.sdg_target:
        parts.append(f"SDG target **{markdown_literal(scope.sdg_target)}** (only the outputs carrying it, with "
                     "their indicators, activities and money)")
    return " · ".join(parts)
