"""The opt-in alarms' rules (constraint rows ``props.alarm`` and ``props.alarm-window``): one checker for
every alarm method of the constructs, so a rule added here holds for all of them."""

from __future__ import annotations

import math

from ..errors import Problem
from ..tokens import is_unresolved
from .checks import Checker

__all__ = ["check_alarm", "check_alarm_window"]

_ONE_DAY, _SEVEN_DAYS = 86_400, 604_800


def check_alarm(check: Checker, *, threshold: object, evaluation_periods: object, period_seconds: float,
                comparison: str, threshold_field: str = "threshold", periods_field: str = "evaluation_periods",
                maximum: float | None = None, period_field: str = "period") -> list[Problem]:
    """An alarm's threshold (a finite number), its evaluation periods (a whole number ≥ 1) and the window they
    span with the alarm's period: CloudWatch evaluates at most one day with a period under an hour, seven
    days otherwise.

    Returns the advice (warnings, not refusals: CloudWatch takes any threshold) for a threshold the alarm's
    metric (never negative, at most ``maximum``) always or never crosses with ``comparison`` (``">"`` or
    ``">="``): e.g. ``> -1`` fires whenever there is data, ``> 100`` on a percentage never fires.
    """
    advice = Checker()
    wanted = f"a number the metric can cross ({comparison} threshold)"
    if threshold is None or is_unresolved(threshold):
        pass
    elif isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not _finite(threshold):
        shown = "an integer beyond any double" if isinstance(threshold, int) and not _finite(threshold) else threshold
        check.fail("props.alarm", threshold_field, shown, "must be a finite number", f"pass {wanted}")
    elif threshold < 0 or (comparison == ">=" and threshold <= 0):
        advice.fail("props.alarm-threshold", threshold_field, threshold,
                    f"{threshold:g}: the metric is never negative, so the alarm ({comparison} {threshold:g}) fires "
                    "whenever there is data", f"pass {wanted}")
    elif maximum is not None and (threshold >= maximum if comparison == ">" else threshold > maximum):
        advice.fail("props.alarm-threshold", threshold_field, threshold,
                    f"{threshold:g}: the metric is at most {maximum:g}, so the alarm ({comparison} {threshold:g}) "
                    "never fires", f"pass {wanted}")
    if check.number("props.alarm", periods_field, evaluation_periods, minimum=1, fix="use a whole number of periods ≥ 1"):
        check_alarm_window(check, periods_field, evaluation_periods, period_seconds, period_field)
    return advice.problems


def _finite(value: object) -> bool:
    try:
        return math.isfinite(value)  # type: ignore[arg-type]
    except (OverflowError, TypeError):  # an int beyond any double
        return False


def check_alarm_window(check: Checker, periods_field: str, evaluation_periods: object,
                       period_seconds: float | None, period_field: str = "period") -> None:
    """``evaluation_periods`` × ``period_seconds`` within what CloudWatch evaluates (``props.alarm-window``);
    nothing to check when either is unknown at synth. A period longer than seven days on its own is
    ``period_field``'s problem, whatever the number of periods."""
    if (period_seconds is None or not isinstance(evaluation_periods, int) or isinstance(evaluation_periods, bool)
            or is_unresolved(evaluation_periods) or is_unresolved(period_seconds) or period_seconds <= 0):
        return
    limit = _ONE_DAY if period_seconds < 3600 else _SEVEN_DAYS
    window = evaluation_periods * period_seconds
    if period_seconds > limit:
        check.fail("props.alarm-window", period_field, f"{period_seconds:g} seconds",
                   f"one period of {period_seconds:,g} seconds is longer than CloudWatch evaluates "
                   f"({limit:,} seconds, seven days)", f"use a period of at most {limit:,} seconds (seven days)")
        return
    if window > limit:
        check.fail("props.alarm-window", periods_field, evaluation_periods,
                   f"{evaluation_periods} periods of {period_seconds:g} seconds span {window:,g} seconds: CloudWatch "
                   f"evaluates at most {limit:,} seconds ({'one day' if limit == _ONE_DAY else 'seven days'}) "
                   "with this period",
                   f"use at most {int(limit // period_seconds)} evaluation periods"
                   + (", or a period of an hour or more" if limit == _ONE_DAY else ""))
