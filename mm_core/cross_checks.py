"""Consistency checks between indicators, activities, milestones and the review's recommendations: facts two
sheets state that cannot both be true (an indicator counting four Board meetings held while the work plan's
fourth meeting is planned; a milestone saying the review was completed while the review's activity is at 0%).

The rules are listed, with their wording and parameters, in data/reference/cross_checks.csv; each has one SQL
query here (parameterised: the period, the words to ignore, the review's name and date). Every finding names
both items, each with the file, sheet and row it was loaded from. No Streamlit here: the board pack and the
Data quality page both call `findings`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.languages import CROSS_CHECK_GROUPS, fold, read_languages
from etl.reference import REFERENCE_DIR, reference_dir

from .queries import Cursor, Scope, programme

RULES_PATH = REFERENCE_DIR / "cross_checks.csv"
COLUMNS = ["rule", "check", "country", "item", "item_source", "conflicts_with", "conflict_source"]


@dataclass(frozen=True)
class Rule:
    rule: str
    title: str
    compares: str
    rule_text: str
    ignore: str  # a word group of the language files' [cross_checks] (CROSS_CHECK_GROUPS), or '' for none


def rules(path: Path = RULES_PATH) -> list[Rule]:
    with open(path, newline="", encoding="utf-8") as handle:
        found = [Rule(row["rule"], row["title"], row["compares"], row["rule_text"], row["ignore"].strip())
                 for row in csv.DictReader(handle)]
    for rule in found:
        if rule.ignore and rule.ignore not in CROSS_CHECK_GROUPS:
            raise ValueError(f"{path}: rule '{rule.rule}', ignore: '{rule.ignore}' is not a word group of the "
                             f"language files' [cross_checks] ({', '.join(CROSS_CHECK_GROUPS)})")
    return found


def words_of(group: str) -> list[str]:
    """The words of a [cross_checks] group in every language file (folded: no accents, lower case): titles in
    any of the programme's languages are compared the same way."""
    if not group:
        return []
    languages = read_languages(REFERENCE_DIR, reference_dir()).values()
    return sorted({word for language in languages for word in language.cross_checks.get(group, ())})


def percent_units() -> list[str]:
    """Every language's words for a percentage unit ([units] percent), folded."""
    languages = read_languages(REFERENCE_DIR, reference_dir()).values()
    return sorted({word for language in languages for word, kind in language.units.items() if kind == "percent"})


# "file, sheet, row n" of a row's source columns
SOURCE = "{t}.source_file || ', ' || {t}.source_sheet || ', row ' || CAST({t}.source_row AS VARCHAR)"
# a title's significant words: without accents, lower case, split on anything but letters (any script: [:alnum:] is
# ASCII only, and a Russian title would have none), digits and hyphens,
# four letters or more, not in $ignore (folded the same way)
WORDS = ("list_distinct(list_filter(regexp_split_to_array(strip_accents(lower({column})), '[^\\pL\\pN-]+'), "
         "lambda w: length(w) >= 4 AND NOT list_contains($ignore, w)))")

INDICATOR_AHEAD_OF_ACTIVITIES = f"""
    WITH under AS (
        SELECT i.country, i.indicator_code, any_value(i.indicator_title) AS indicator_title,
               any_value(i.actual) AS actual, any_value(i.unit) AS unit, any_value({SOURCE.format(t='i')}) AS source,
               count(a.activity_code) AS activities,
               count(a.activity_code) FILTER (WHERE a.status = 'completed') AS completed
        FROM indicator_progress i JOIN activity_status a
             ON a.country = i.country AND starts_with(a.activity_code, i.indicator_code || '.')
            AND len(list_intersect({WORDS.format(column='i.indicator_title')},
                                   {WORDS.format(column='a.activity_title')})) >= $shared_words
        WHERE i.period = $period AND i.actual IS NOT NULL AND ($country IS NULL OR i.country = $country)
          AND NOT list_contains($percent_units, strip_accents(lower(trim(coalesce(i.unit, '')))))
        GROUP BY i.country, i.indicator_code
    )
    SELECT u.country,
           printf('Indicator %s %s: %s %s in %s', u.indicator_code, u.indicator_title,
                  regexp_replace(CAST(u.actual AS VARCHAR), '\\.0$', ''), coalesce(u.unit, ''), $period) AS item,
           u.source AS item_source,
           printf('Activity %s %s: %s%s (%d of the %d activities coded under %s completed)', a.activity_code,
                  a.activity_title, a.status,
                  CASE WHEN a.percent_complete IS NULL THEN ''
                       ELSE printf(', %s%% complete', regexp_replace(CAST(a.percent_complete AS VARCHAR), '\\.0$', ''))
                  END, u.completed, u.activities, u.indicator_code) AS conflicts_with,
           {SOURCE.format(t='a')} AS conflict_source
    FROM under u JOIN activity_status a
         ON a.country = u.country AND starts_with(a.activity_code, u.indicator_code || '.')
        AND len(list_intersect({WORDS.format(column='u.indicator_title')},
                               {WORDS.format(column='a.activity_title')})) >= $shared_words
    WHERE u.actual > u.completed AND u.actual <= u.activities AND a.status NOT IN ('completed', 'cancelled')
    ORDER BY u.country, u.indicator_code, a.activity_code, a.source_file, a.source_row"""

MILESTONE_AND_ACTIVITY = f"""
    WITH m AS (
        SELECT *, {WORDS.format(column='milestone')} AS words FROM milestone_status
        WHERE ($country IS NULL OR country = $country)
    ), a AS (
        SELECT *, {WORDS.format(column='activity_title')} AS words FROM activity_status
        WHERE ($country IS NULL OR country = $country)
    )
    SELECT m.country,
           printf('Milestone %s: %s%s', m.milestone, m.status,
                  CASE WHEN m.achieved_date IS NULL THEN printf(', due %s', strftime(m.due_date, '%d %b %Y'))
                       ELSE printf(' on %s', strftime(m.achieved_date, '%d %b %Y')) END) AS item,
           {SOURCE.format(t='m')} AS item_source,
           printf('Activity %s %s: %s%s', a.activity_code, a.activity_title, a.status,
                  CASE WHEN a.percent_complete IS NULL THEN ''
                       ELSE printf(', %s%% complete', regexp_replace(CAST(a.percent_complete AS VARCHAR), '\\.0$', ''))
                  END) AS conflicts_with,
           {SOURCE.format(t='a')} AS conflict_source
    FROM m JOIN a ON a.country = m.country
    WHERE len(m.words) > 0 AND list_has_all(a.words, m.words)
      AND list_contains($milestone_statuses, m.status) AND list_contains($activity_statuses, a.status)
    ORDER BY m.country, m.due_date, a.activity_code, m.source_file, m.source_row, a.source_file, a.source_row"""

REVIEW_AND_ACTIVITY = f"""
    SELECT a.country,
           printf('%s of %s: %d recommendations loaded', $review, strftime($review_date::DATE, '%d %b %Y'),
                  (SELECT count(*) FROM recommendation_status)) AS item,
           (SELECT string_agg(DISTINCT source_file || ', ' || source_sheet, '; ') FROM recommendation_status)
               AS item_source,
           printf('Activity %s %s: %s%s', a.activity_code, a.activity_title, a.status,
                  CASE WHEN a.percent_complete IS NULL THEN ''
                       ELSE printf(', %s%% complete', regexp_replace(CAST(a.percent_complete AS VARCHAR), '\\.0$', ''))
                  END) AS conflicts_with,
           {SOURCE.format(t='a')} AS conflict_source
    FROM activity_status a
    WHERE $review IS NOT NULL AND $review_date IS NOT NULL
      AND $review_date::DATE <= (SELECT as_of_date FROM reporting_date)
      AND EXISTS (SELECT 1 FROM recommendation_status)
      AND ($country IS NULL OR a.country = $country)
      AND len($review_words) > 0
      AND list_has_all({WORDS.format(column='a.activity_title')}, $review_words)
      AND a.status NOT IN ('completed', 'cancelled')
    ORDER BY a.country, a.activity_code, a.source_file, a.source_row"""

REACHED = ["achieved", "achieved late"]
NOT_REACHED = ["overdue", "pending"]
NOT_DONE = ["planned", "ongoing", "delayed"]
SHARED_WORDS = 2  # an activity serves an indicator when their titles share this many significant words


def _review_words(review: str | None) -> list[str]:
    import re
    return [w for w in re.split(r"[^\w-]+", fold(review or "")) if len(w) >= 4]


def everywhere(scope: Scope) -> Scope:
    """The part of a scope `findings` reads, for every country: its period. (The other filters do not apply to the
    cross-checks; the programme year rides along, as a Scope has one.)"""
    return Scope(period=scope.period, programme_year=scope.programme_year)


def of_country(every: pd.DataFrame, country: str | None) -> pd.DataFrame:
    """One country's findings out of every country's (`findings` for `everywhere(scope)`): the rows, in their
    order, that `findings` gives for that country, since each rule keeps its items' own country and sorts by
    country first, then by its items to the last (tests/test_period_scope.py). The Data quality page asks once per
    period and slices it for each country chosen: a rule's query costs milliseconds however small the data (a
    title's words are split with a Unicode pattern, compiled afresh by every query). None: every country's."""
    if country is None:
        return every
    return every[every["country"] == country].reset_index(drop=True)


def findings(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    """Every finding of every rule (data/reference/cross_checks.csv) for the scope's period and country: one
    row each, with the rule, its title, the country and both items with where they were loaded from
    (COLUMNS). Empty when everything agrees."""
    frames = []
    the_programme = programme(cursor)
    for rule in rules():
        base = {"country": scope.country, "ignore": words_of(rule.ignore)}
        if rule.rule == "indicator_ahead_of_activities":
            frame = cursor.execute(INDICATOR_AHEAD_OF_ACTIVITIES, {**base, "period": scope.period,
                                                                   "shared_words": SHARED_WORDS,
                                                                   "percent_units": percent_units()}).df()
        elif rule.rule == "milestone_achieved_activity_not_done":
            frame = cursor.execute(MILESTONE_AND_ACTIVITY, {**base, "milestone_statuses": REACHED,
                                                            "activity_statuses": NOT_DONE}).df()
        elif rule.rule == "activity_done_milestone_not_reached":
            frame = cursor.execute(MILESTONE_AND_ACTIVITY, {**base, "milestone_statuses": NOT_REACHED,
                                                            "activity_statuses": ["completed"]}).df()
        elif rule.rule == "review_took_place_activity_not_done":
            frame = cursor.execute(REVIEW_AND_ACTIVITY, {
                **base, "review": the_programme.review, "review_words": _review_words(the_programme.review),
                "review_date": the_programme.review_date}).df()
        else:
            raise ValueError(f"{RULES_PATH}: unknown rule '{rule.rule}' (no query for it in mm_core/cross_checks.py)")
        frames.append(frame.assign(rule=rule.rule, check=rule.title))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)[COLUMNS]
