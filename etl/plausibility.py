"""Plausibility of the values of indicator tables and the results matrix (issue 14, item 7).

What a unit means comes from the [units] of the language files (data/reference/languages/<code>.toml:
percent, count or measure; Reference.units, every language's, since a template sheet with English headers
may carry French units), matched ignoring accents, case and spacing on the whole unit or its first words
('number of communes' is a count, '% of municipalities' a percent). For each row of a results matrix or an
indicator table:

- the unit is a **percent** where the unit words say so, or (indicator tables) where the Unit cell is empty
  and a value is written with a percent sign: the unit becomes '%' (a `value from the sign` warning). A value
  above 100 is **warned** (`percentage above 100`): it can be right (a share of a target), so it loads; so is
  a value between 0 and 1 written without a percent sign beside another of 1 or more (`percentage as a
  fraction`: 0.45 beside a target of 40 may be 45 % written as a fraction of one; '0.5%' is 0.5 %);
- the unit is a **count** where the unit words say so; or where it is a word they do not list
  ('communes', 'people') and every value of the row is a whole number: a negative value of a count is
  **rejected** (nothing is counted fewer than zero times). Where there is no unit and every value of the row
  is a whole number written without a percent sign, the row may be a count or a change ('Percentage change
  in travel time', -50): a negative value is **warned** (`negative value`), not rejected;
- a **measure** (index, score, ratio, rate, change, ...) may be anything;
- a value typed with a **currency** ('KGS 450 000', '$12,500') is read as its number: where the unit names
  another currency ('USD') it is **rejected**, where the unit names none it is **warned** (`currency not in the
  unit`), since the currency is not kept.

Text where a number is expected: in an indicator table it is kept beside the value with a `text kept`
warning (etl/transform.py); in the results matrix it is rejected. The fast lane sends every results row with
a negative value, a percentage above 100 or one below 1 down the per-cell path, so that one place applies these
rules, and every row with a value naming a currency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .conventions import CURRENCY_SIGNS
from .formatted import plain_number
from .languages import UNIT_KINDS, fold

PERCENT, COUNT, MEASURE = UNIT_KINDS
FRACTION = "percentage as a fraction"  # 0.45 beside 40 in a percentage: 45 % written as a fraction of one?
# The value columns checked, by sheet kind (etl/spec.py); the 'percent' column of an indicator table is a
# share of the target, which may pass 100.
VALUE_COLUMNS = {"results": ("baseline", "baseline_adjusted", "target", "actual", "end_target"),
                 "indicators": ("baseline", "target", "actual")}


def unit_kind(unit: Any, words: dict[str, str]) -> str | None:
    """percent, count or measure for a unit the unit words (`words`, Reference.units: folded word -> kind)
    know (the whole unit or its first words), else None."""
    if not isinstance(unit, str) or not unit.strip():
        return None
    text = fold(unit)
    if text in words:
        return words[text]
    parts = text.split(" ")
    for length in range(len(parts) - 1, 0, -1):
        if " ".join(parts[:length]) in words:
            return words[" ".join(parts[:length])]
    if text.startswith("%"):
        return PERCENT
    return None


@dataclass(frozen=True)
class Finding:
    column: str
    value: float
    expected: str  # for a rejection ('a count of zero or more ...') or a warning's detail
    reject: bool
    kind: str = ""  # a warning's kind


CURRENCY_IN_VALUE = "currency not in the unit"
CODE = re.compile(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])")


def unit_currency(unit: Any, currencies: set[str]) -> str | None:
    """The one currency a unit names, by a code of `currencies` ('USD', 'USD million', 'amount (EUR)') or a sign
    ('US$', '€'); None for none, or for two."""
    if not isinstance(unit, str):
        return None
    named = set()
    for sign in sorted(CURRENCY_SIGNS, key=len, reverse=True):
        # a sign with letters ('DH', 'руб', 'дин.') as a word of its own only: not in 'Coordin.', 'тыс. един.'
        found = (re.search(rf"(?<!\w){re.escape(sign)}(?!\w)", unit) if any(c.isalpha() for c in sign)
                 else sign in unit)
        if found:
            named.add(CURRENCY_SIGNS[sign])
            unit = unit.replace(sign, " ")
    named |= {code for code in CODE.findall(unit) if code in currencies}
    return named.pop() if len(named) == 1 else None


def currency_findings(unit: Any, named: dict[str, tuple[str, str | None]], values: dict[str, float | None],
                      currencies: set[str]) -> list[Finding]:
    """What is said of values typed with a currency, or formatted with one (`named`: column -> (the currency,
    the sign its number format shows, or None for a value typed with it)): refused where the unit names
    another, warned where it names none."""
    stated = unit_currency(unit, currencies)
    unit_text = " ".join(unit.split()) if isinstance(unit, str) else ""
    findings = []
    for column, (code, sign) in named.items():
        value = values.get(column)
        if value is None or code == stated:
            continue
        how = f"its number format shows '{sign}'" if sign else f"the value names {code}"
        if stated:
            findings.append(Finding(column, value, f"a value in {stated} (the unit '{unit_text}'), not in {code}"
                                                   + (f" ({how})" if sign else "") + ": fix the value or the unit",
                                    True))
        else:
            which = f"the unit '{unit_text}' names no currency" if unit_text else "the row has no unit"
            findings.append(Finding(column, value, f"{how}, but {which}: read as {plain_number(value)}, its currency "
                                                   "not kept; if it is money, name the currency in the unit", False,
                                    CURRENCY_IN_VALUE))
    return findings


def check_row(kind: str, unit: Any, values: dict[str, float | None], percent_sign: bool, units: dict[str, str],
              signed: frozenset[str] = frozenset()) -> list[Finding]:
    """What is implausible in one row's values (`values`: column -> number), given its unit, whether a
    value was written with a percent sign (`signed`: the columns whose value was) and the unit words (`units`,
    Reference.units)."""
    columns = VALUE_COLUMNS.get(kind)
    if not columns:
        return []
    known = unit_kind(unit, units)
    numbers = [values.get(c) for c in columns if values.get(c) is not None]
    has_unit = isinstance(unit, str) and bool(unit.strip())
    if known is None and not has_unit and percent_sign:
        known = PERCENT
    whole = all(float(n).is_integer() for n in numbers)
    counts = known == COUNT or (known is None and whole and (has_unit or not percent_sign))
    if known == COUNT:
        said = f"the unit '{' '.join(unit.split())}' counts things"
    elif has_unit:
        said = f"the unit '{' '.join(unit.split())}' and whole values: a count"
    else:
        said = "no unit, and every value of the row is whole: a count"
    findings = []
    for column in columns:
        value = values.get(column)
        if value is None:
            continue
        if counts and value < 0 and (known == COUNT or has_unit):
            findings.append(Finding(column, value, f"a number of zero or more ({said}, never negative)",
                                    True))
        elif counts and value < 0:
            findings.append(Finding(column, value, f"{value:g} is below zero while every value of the row is whole "
                                                   "and it has no unit: if it counts something, check the value",
                                    False, "negative value"))
        elif known == PERCENT and value > 100:
            findings.append(Finding(column, value, f"{value:g} is above 100 % (the unit is a percentage): check "
                                                   "the value", False, "percentage above 100"))
        elif known == PERCENT and 0 < value < 1 and max(numbers) >= 1 and column not in signed:
            shown = f"{value * 100:.10g}"
            findings.append(Finding(column, value, f"{value:g} in a percentage whose other values reach "
                                                   f"{max(numbers):g}: read as {value:g} %; if it is a fraction of "
                                                   f"one ({shown} %), type {shown}", False, FRACTION))
    return findings
