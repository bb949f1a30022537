"""Deployment guardrail rules (the constraint table, area "Migration and updates": blue/green, rolling, rollback).

The constructs translate their typed ``DeploymentGuardrails`` into a :class:`GuardrailsSpec`
(seconds as numbers, capacity sizes as unit + value) and these functions check it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..constraints import constraint
from ..errors import Problem
from ..tokens import is_unresolved
from .checks import Checker, revalidated

INSTANCE_COUNT = "INSTANCE_COUNT"
CAPACITY_PERCENT = "CAPACITY_PERCENT"

# Which row limits each kind of capacity size (percent of the variant's instances).
_SIZE_ROWS = {
    "CANARY": ("guardrails.canary-size", "canary size"),
    "LINEAR": ("guardrails.linear-step", "linear step"),
    "ROLLING": ("guardrails.rolling-batch", "rolling batch"),
}


@dataclass(frozen=True)
class CapacitySpec:
    """A capacity size: ``unit`` is ``CAPACITY_PERCENT`` or ``INSTANCE_COUNT``."""

    unit: object
    value: object


@dataclass(frozen=True)
class GuardrailsSpec:
    """The deployment configuration of an endpoint, as plain values (seconds, percentages)."""

    blue_green: bool = False
    rolling: bool = False
    traffic_type: object = None
    """ALL_AT_ONCE, CANARY or LINEAR (blue/green only)."""
    size: CapacitySpec | None = None
    """Canary size, linear step (blue/green) or maximum batch (rolling)."""
    wait_seconds: object = None
    termination_wait_seconds: object = None
    maximum_execution_timeout_seconds: object = None
    rollback_alarm_count: int = 0


def _known_int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and not is_unresolved(value):
        return value
    return None


@revalidated
def validate_guardrails(spec: GuardrailsSpec, *, production_variants: int,
                        instance_floors: Sequence[object] = (), instance_ceilings: Sequence[object] = (),
                        variant_names: Sequence[object] = (), field: str = "deployment") -> list[Problem]:
    """Problems of a deployment configuration.

    :param production_variants: how many production variants the endpoint has (rolling needs one).
    :param instance_floors: per production variant, the fewest instances it can run on (its
        initial count, or its autoscaling minimum): instance-count sizes are percentages of the
        count at update time, somewhere between this and the ceiling.
    :param instance_ceilings: per production variant, the most instances it can run on: None for a
        variant without autoscaling (the floor is its count), else its autoscaling maximum (a token:
        no known maximum). A size is refused only when no count of the range fits it
        (:func:`guardrail_size_warnings` says when only some do); an autoscaling minimum of 0 starts
        the range at 1.
    :param variant_names: per production variant, its name (for messages).
    """
    check = Checker()
    if spec.blue_green and spec.rolling:
        check.fail("guardrails.one-policy", field, "blue_green_update and rolling_update",
                   "a deployment has one policy: blue/green or rolling, not both",
                   "keep one of DeploymentGuardrails(blue_green_update=...) or DeploymentGuardrails(rolling_update=...)")
    elif not (spec.blue_green or spec.rolling):
        check.fail("guardrails.one-policy", field, None, "names no policy",
                   "use DeploymentGuardrails.all_at_once(), .canary(), .linear() or .rolling()")
    if spec.rolling and production_variants > 1:
        check.fail("guardrails.rolling-single-variant", field, f"rolling with {production_variants} variants",
                   "rolling deployments are not available for endpoints with several production variants",
                   "use blue/green traffic shifting (DeploymentGuardrails.canary/linear/all_at_once), "
                   "or a single production variant")
    kind: str | None = None
    if spec.blue_green:
        if check.one_of("guardrails.traffic-type", f"{field}.traffic_routing.type", spec.traffic_type,
                        fix="use TrafficRoutingType.ALL_AT_ONCE, CANARY or LINEAR"):
            kind = spec.traffic_type if isinstance(spec.traffic_type, str) else None
    elif spec.rolling:
        kind = "ROLLING"
    wait_field = f"{field}.wait"
    if spec.blue_green or spec.rolling:
        if spec.wait_seconds is None:
            check.fail("guardrails.wait-interval", wait_field, None, "is required",
                       "pass wait=Duration.minutes(...) (the baking period, 0–3600 seconds)")
        _seconds(check, "guardrails.wait-interval", wait_field, spec.wait_seconds)
    _seconds(check, "guardrails.termination-wait", f"{field}.termination_wait", spec.termination_wait_seconds)
    timeout_ok = _seconds(check, "guardrails.max-execution-timeout", f"{field}.maximum_execution_timeout",
                          spec.maximum_execution_timeout_seconds)
    timeout = _known_int(spec.maximum_execution_timeout_seconds)
    wait = _known_int(spec.wait_seconds)
    termination = 0 if spec.termination_wait_seconds is None else _known_int(spec.termination_wait_seconds)
    if timeout_ok and timeout is not None and wait is not None and termination is not None:
        total = wait + termination
        if timeout <= total:
            check.fail("guardrails.timeout-exceeds-waits", f"{field}.maximum_execution_timeout", timeout,
                       f"{timeout} s is not longer than the deployment's waiting time ({total} s = wait + "
                       "termination_wait)", f"raise maximum_execution_timeout above {total} seconds or shorten the waits")
    if kind is not None:
        _check_size(check, kind, spec.size, f"{field}.{_size_field(kind)}", instance_floors, instance_ceilings,
                    variant_names)
    row = constraint("guardrails.rollback-alarms")
    if row.maximum is not None and spec.rollback_alarm_count > row.maximum:
        check.fail(row.id, f"{field}.rollback_alarms", spec.rollback_alarm_count,
                   f"has {spec.rollback_alarm_count} alarms: auto-rollback takes at most {row.maximum:g}",
                   "keep the alarms that matter most (e.g. one 5XX-rate and one p99-latency alarm per variant), "
                   "or combine several into a cloudwatch.CompositeAlarm")
    return check.problems


def _size_field(kind: str) -> str:
    return {"CANARY": "canary_size", "LINEAR": "linear_step_size", "ROLLING": "maximum_batch_size",
            "ALL_AT_ONCE": "size"}[kind]


def _seconds(check: Checker, constraint_id: str, field: str, value: object) -> bool:
    return check.number(constraint_id, field, value,
                        fix=None if isinstance(value, int) else "use a whole number of seconds")


def _kind_of(spec: GuardrailsSpec) -> str | None:
    if spec.blue_green and not spec.rolling:
        return spec.traffic_type if isinstance(spec.traffic_type, str) and spec.traffic_type in _SIZE_ROWS else None
    return "ROLLING" if spec.rolling and not spec.blue_green else None


def reachable_fit(count: float, floor: float, ceiling: float, low: float, high: float) -> tuple[int, float] | None:
    """The counts ``n`` of the range ``floor``–``ceiling`` (``math.inf``: no known maximum) at which ``count`` is
    ``low``–``high`` % of ``n`` (as ``(first, last)``, ``last`` possibly ``math.inf``), or None when there is none."""
    first = max(math.ceil(floor), math.ceil(100 * count / high - 1e-9))
    last: float = ceiling if low <= 0 else min(ceiling, math.floor(100 * count / low + 1e-9))
    return (first, last) if first <= last else None


@dataclass(frozen=True)
class FleetRange:
    """The counts (instances, or a component's copies) an update can start at: ``floor`` to ``ceiling``."""

    who: str
    """Whose, for messages: "the variant's", "variant 'B''s", "the component's"."""
    floor: int
    ceiling: float
    """``math.inf`` when the autoscaling maximum is known only at deploy time."""
    autoscaled: bool
    scale_to_zero: bool = False
    """The autoscaling minimum is 0: an update starts at 1 or more (none runs at 0)."""
    unit: str = "instance"

    @property
    def plural(self) -> str:
        return {"instance": "instances", "copy": "copies"}[self.unit]

    def count(self, n: float) -> str:
        """``n`` instances (or copies), for messages."""
        if n == math.inf:
            return "a maximum known only at deploy time"
        return f"{n:g} {self.unit if n == 1 else self.plural}"

    def floor_label(self) -> str:
        if not self.autoscaled:
            return f"its {self.unit} count"
        return ("1, the fewest an update starts at (the autoscaling minimum is 0)" if self.scale_to_zero
                else "its autoscaling minimum")


def fleet_range(who: str, floor: object, ceiling: object, *, autoscaled: bool, unit: str = "instance") -> FleetRange | None:
    """The range an update can start at, from a fixed count (``autoscaled`` False: ``floor``) or an autoscaling
    minimum and maximum (a maximum known only at deploy time: no upper bound). None when the floor is unknown, or
    below 1 without autoscaling (reported where it is set)."""
    low = _known_int(floor)
    if low is None or low < 0 or (low < 1 and not autoscaled):
        return None
    if not autoscaled:
        return FleetRange(who, low, low, autoscaled=False, unit=unit)
    high = _known_int(ceiling)
    start = max(low, 1)
    return FleetRange(who, start, math.inf if high is None else max(high, start), autoscaled=True,
                      scale_to_zero=low == 0, unit=unit)


def _share(count: int, of: float) -> str:
    share = 100 * count / of
    return f"{share:.0f}" if share.is_integer() else f"{share:.1f}"


def size_refusal(check: Checker, constraint_id: str, field: str, count: int, fleet: FleetRange,
                 low: float, high: float, *, percent_fix: str) -> bool:
    """Refuse (``constraint_id``) a size of ``count`` no count of ``fleet`` fits; True when refused."""
    if reachable_fit(count, fleet.floor, fleet.ceiling, low, high) is not None:
        return False
    too_big = 100 * count / fleet.ceiling > high  # else too small even at the fewest
    share = f"is {_share(count, fleet.floor)}% of {fleet.who} {fleet.count(fleet.floor)} ({fleet.floor_label()})"
    if fleet.autoscaled and fleet.ceiling != fleet.floor:
        share += (f" and {_share(count, fleet.ceiling)}% of its {fleet.count(fleet.ceiling)} (maximum): no count it "
                  "can run at fits" if fleet.ceiling != math.inf else ", and less at more: no count it can run at fits")
    needed = math.ceil(100 * count / high - 1e-9)
    if too_big:
        fix = (f"{percent_fix}, or raise the autoscaling maximum to at least {needed}" if fleet.autoscaled else
               f"{percent_fix}, or run more {fleet.plural} (at least {needed} for {fleet.count(count)})")
    else:
        fix = (f"{percent_fix}, or as at least {math.ceil(low * fleet.floor / 100 - 1e-9)} "
               f"{fleet.plural} ({low:g}% of {fleet.floor})")
    bounds = f"between {low:g}% and {high:g}%" if low > 0 else f"at most {high:g}%"
    check.fail(constraint_id, field, fleet.count(count), f"{share}: must be {bounds}", fix)
    return True


def size_warning(check: Checker, constraint_id: str, field: str, what: str, count: int, fleet: FleetRange,
                 low: float, high: float, *, percent_fix: str) -> None:
    """Warn (``constraint_id``) when a size of ``count`` fits only some of the counts of ``fleet``: SageMaker checks
    it against the count when the update starts."""
    fit = reachable_fit(count, fleet.floor, fleet.ceiling, low, high)
    if fit is None or fit == (fleet.floor, fleet.ceiling):
        return  # refused elsewhere, or fits every count
    first, last = fit
    at_most = (f"and {_share(count, fleet.ceiling)}% of {fleet.count(fleet.ceiling)} (the maximum)"
               if fleet.ceiling != math.inf else "and less at more (the maximum is known only at deploy time)")
    holds = f"from {first} to {fleet.count(last)}" if last != math.inf else f"from {fleet.count(first)} up"
    check.fail(constraint_id, field, fleet.count(count),
               f"is {_share(count, fleet.floor)}% of {fleet.who} {fleet.count(fleet.floor)} ({fleet.floor_label()}) "
               f"{at_most}: a {what} must be {f'{low:g}–{high:g}%' if low > 0 else f'at most {high:g}%'} of the "
               f"{fleet.plural} when the update "
               f"starts, which holds only {holds}",
               f"{percent_fix} (it follows the fleet), or accept that an update started at another count fails and "
               "rolls back")


def _fleets(floors: Sequence[object], ceilings: Sequence[object], names: Sequence[object]) -> list[FleetRange]:
    """Each variant's range: ``ceilings[i]`` None for a variant without autoscaling, its maximum otherwise."""
    out = []
    for index, floor in enumerate(floors):
        ceiling = ceilings[index] if index < len(ceilings) else None
        name = names[index] if index < len(names) else None
        who = ("the variant's" if len(floors) == 1 else
               f"variant {name!r}'s" if isinstance(name, str) and not is_unresolved(name) else f"variant {index + 1}'s")
        fleet = fleet_range(who, floor, ceiling, autoscaled=ceiling is not None)
        if fleet is not None:
            out.append(fleet)
    return out


def _size_bounds(kind: str, size: CapacitySpec) -> tuple[str, str, float, float]:
    """(row, what, low, high) of a size: a canary in instances has no lower bound of its own (the API reference
    asks only that it be at most 50% of the variant's instances; 1 is the least of a percentage)."""
    constraint_id, what = _SIZE_ROWS[kind]
    row = constraint(constraint_id)
    low, high = row.minimum or 0, row.maximum or 100
    if kind == "CANARY" and size.unit == INSTANCE_COUNT:
        low = 0
    return constraint_id, what, low, high


def guardrail_size_warnings(spec: GuardrailsSpec, *, instance_floors: Sequence[object],
                            instance_ceilings: Sequence[object], variant_names: Sequence[object] = (),
                            field: str = "deployment") -> list[Problem]:
    """A warning when an instance-count size fits only some of the counts autoscaling can reach.

    SageMaker checks a canary size, linear step or rolling batch given in instances against the variant's
    instance count when the update starts, so one that fits at the autoscaling minimum and not at the maximum
    (or the other way round) fails only at some counts: a warning here, never a refusal."""
    kind = _kind_of(spec)
    size = spec.size
    if kind is None or size is None or size.unit != INSTANCE_COUNT:
        return []
    count = _known_int(size.value)
    if count is None or count < 1:
        return []
    _, what, low, high = _size_bounds(kind, size)
    check = Checker()
    for fleet in _fleets(instance_floors, instance_ceilings, variant_names):
        size_warning(check, "guardrails.size-some-counts", f"{field}.{_size_field(kind)}", what, count, fleet, low,
                     high, percent_fix=f"give the {what} in percent")
        if check.problems:
            break
    return check.problems


def _check_size(check: Checker, kind: str, size: CapacitySpec | None, field: str,
                instance_floors: Sequence[object], instance_ceilings: Sequence[object] = (),
                variant_names: Sequence[object] = ()) -> None:
    if kind == "ALL_AT_ONCE":
        if size is not None:
            check.fail("guardrails.traffic-type", field, size.value,
                       "ALL_AT_ONCE shifts all traffic at once and takes no size",
                       "drop the size, or use CANARY or LINEAR traffic shifting")
        return
    constraint_id, what = _SIZE_ROWS[kind]
    if size is None:
        check.fail(constraint_id, field, None, f"a {kind} deployment needs a {what}",
                   f"give the {what} in percent (percent=...) or in instances (instances=...)")
        return
    _, _, low, high = _size_bounds(kind, size)  # a canary in instances has no lower share (see _size_bounds)
    if size.unit == CAPACITY_PERCENT:
        check.number(constraint_id, field, size.value,
                     fix=f"use a {what} of {low:g} to {high:g} percent of the variant's instances")
        return
    if size.unit != INSTANCE_COUNT:
        check.fail(constraint_id, f"{field}.unit", size.unit, "must be CAPACITY_PERCENT or INSTANCE_COUNT",
                   "use CapacitySize.percent(...) or CapacitySize.instances(...)")
        return
    if is_unresolved(size.value):
        return
    count = _known_int(size.value)
    if count is None or count < 1:
        check.fail(constraint_id, field, size.value, "an instance count must be a whole number ≥ 1",
                   f"give the {what} as a whole number of instances ≥ 1, or in percent")
        return
    for fleet in _fleets(instance_floors, instance_ceilings, variant_names):
        if size_refusal(check, constraint_id, field, count, fleet, low, high,
                        percent_fix=f"give the {what} in percent"):
            return
