"""Schedule expressions: rate(), at() and cron() of EventBridge rules, EventBridge Scheduler and Application Auto
Scaling scheduled actions (one syntax, so one check for batch schedules and autoscaling schedules)."""

from __future__ import annotations

import datetime
import re

from .checks import Checker

__all__ = ["check_cron", "check_schedule"]

_RATE = re.compile(r"rate\(([0-9]+) (minute|minutes|hour|hours|day|days)\)")
_AT = re.compile(r"at\(([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})\)")


def check_schedule(check: Checker, constraint_id: str, field: str, expression: str, *, at: bool,
                   rate_unit_agrees: bool) -> bool:
    """A literal schedule expression: ``rate(n unit)`` with a positive whole n (ASCII digits) and minute(s), hour(s)
    or day(s); ``at(yyyy-mm-ddThh:mm:ss)`` (a real date and time) where ``at``; ``cron(...)`` (:func:`check_cron`).
    ``rate_unit_agrees``: EventBridge's rule that a rate of 1 takes the singular unit and a larger one the plural
    (Application Auto Scaling documents the units without it). Matched as a whole: a trailing line break or
    a tab is not part of any of them. True when it passed."""
    kinds = "rate(...), cron(...) or at(...)" if at else "rate(...) or cron(...)"
    if expression.startswith("rate("):
        match = _RATE.fullmatch(expression)
        if match is None:
            check.fail(constraint_id, field, expression, "is not a valid rate expression",
                       "use rate(<n> minute|minutes|hour|hours|day|days) with a whole n ≥ 1, "
                       "e.g. Schedule.rate(Duration.hours(1))")
            return False
        count, unit = int(match.group(1)), match.group(2)
        singular = unit.rstrip("s")
        right = singular if count == 1 else singular + "s"
        if count < 1:
            check.fail(constraint_id, field, expression, "the rate must be at least 1", f"use rate(1 {singular}) or more")
            return False
        if rate_unit_agrees and unit != right:
            check.fail(constraint_id, field, expression, "a rate of 1 takes a singular unit, larger rates a plural one",
                       f"write rate({count} {right})")
            return False
        return True
    if expression.startswith("cron(") and expression.endswith(")"):
        return check_cron(check, constraint_id, field, expression)
    if at and expression.startswith("at("):
        match = _AT.fullmatch(expression)
        try:
            if match is None:
                raise ValueError(expression)
            datetime.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            check.fail(constraint_id, field, expression, "is not at(yyyy-mm-ddThh:mm:ss) with a real date and time",
                       "e.g. at(2030-01-31T02:00:00), or build it with Schedule.at(datetime)")
            return False
        return True
    check.fail(constraint_id, field, expression, f"is not one of {kinds}",
               "build it with Schedule.rate(...) or Schedule.cron(...)" + (" or Schedule.at(...)" if at else ""))
    return False

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_CRON_FIELDS: tuple[tuple[str, int, int, tuple[str, ...], tuple[str, ...]], ...] = (
    ("minutes", 0, 59, (), ()),
    ("hours", 0, 23, (), ()),
    ("day-of-month", 1, 31, (), ("?", "L", "W")),
    ("month", 1, 12, _MONTHS, ()),
    ("day-of-week", 1, 7, _DAYS, ("?", "L", "#")),
    ("year", 1970, 2199, (), ()),
)
"""Each field of a cron expression: values, names and the wildcards beyond , - * / (EventBridge User Guide,
scheduled rules: cron expressions; the same fields for Application Auto Scaling and EventBridge Scheduler)."""
_CRON_ITEM = re.compile(r"(?P<base>\*|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:/(?P<step>[0-9]+))?")


def _cron_value(text: str, low: int, high: int, names: tuple[str, ...]) -> int | None:
    if text.isascii() and text.isdigit():
        return int(text) if low <= int(text) <= high else None
    upper = text.upper()
    return names.index(upper) + low if upper in names else None


def _cron_field_problem(text: str, low: int, high: int, names: tuple[str, ...], special: tuple[str, ...]) -> str:
    """Why one cron field is not one EventBridge takes ('' when it is): every value within the field's range or
    names, steps ≥ 1, and the field's own wildcards only (? L W in day-of-month, ? L # in day-of-week)."""
    if text == "?":
        return "" if "?" in special else "cannot be '?' (only day-of-month and day-of-week can)"
    for item in text.split(","):
        if "L" in special and (item == "L" or ("W" in special and re.fullmatch(r"LW|L-[0-9]+", item))):
            continue  # the last day (of the month or week); day-of-month: the last weekday, n days before the last
        if "W" in special and re.fullmatch(r"[0-9]+W", item):
            item = item[:-1]  # the weekday nearest to day n
        elif "L" in special and "#" in special and re.fullmatch(r"[0-9A-Za-z]+L", item):
            item = item[:-1]  # the last <day> of the month
        elif "#" in special and re.fullmatch(r"[0-9A-Za-z]+#[0-9]+", item):
            item, nth = item.split("#")
            if not 1 <= int(nth) <= 5:
                return f"names week {nth} of the month ('#' takes 1–5)"
        match = _CRON_ITEM.fullmatch(item)
        if match is None:
            return f"has {item!r}, which is not a value, a range or a step"
        step = match.group("step")
        if step is not None and int(step) < 1:
            return f"has the step /{step}: a step is at least 1"
        base = match.group("base")
        if base == "*":
            continue
        for value in base.split("-"):
            if _cron_value(value, low, high, names) is None:
                return f"has {value!r}, outside {low}–{high}" + (f" and the names {names[0]}–{names[-1]}" if names else "")
    return ""


def check_cron(check: Checker, constraint_id: str, field: str, expression: str) -> bool:
    """A ``cron(...)`` expression of EventBridge, EventBridge Scheduler or Application Auto Scaling: six fields,
    exactly one of day-of-month and day-of-week '?', every field's values and wildcards. True when it passed."""
    # Fields are separated by spaces (EventBridge User Guide): a tab or a line break is not a separator.
    fields = re.split(" +", expression.removeprefix("cron(").removesuffix(")").strip(" "))
    if len(fields) != 6:
        check.fail(constraint_id, field, expression,
                   f"a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), "
                   f"this one has {len(fields)}", "e.g. cron(0 2 * * ? *) for 02:00 every day")
        return False
    if (fields[2] == "?") == (fields[4] == "?"):
        check.fail(constraint_id, field, expression,
                   "exactly one of day-of-month (3rd field) and day-of-week (5th field) must be '?'",
                   "e.g. cron(0 2 * * ? *) (every day) or cron(0 2 ? * MON *) (Mondays)")
        return False
    for (name, low, high, names, special), text in zip(_CRON_FIELDS, fields, strict=True):
        wrong = _cron_field_problem(text, low, high, names, special)
        if wrong:
            check.fail(constraint_id, field, expression, f"the {name} field {wrong}",
                       f"use {low}–{high}" + (f" or {names[0]}–{names[-1]}" if names else "")
                       + " with , - * / " + " ".join(special) + ", e.g. cron(0 2 ? * MON-FRI *)")
            return False
    return True
