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
from .checks import Checker

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


def validate_guardrails(spec: GuardrailsSpec, *, production_variants: int,
                        instance_floors: Sequence[object] = (), field: str = "deployment") -> list[Problem]:
    """Problems of a deployment configuration.

    :param production_variants: how many production variants the endpoint has (rolling needs one).
    :param instance_floors: per production variant, the fewest instances it can run on (its
        initial count, or its autoscaling minimum): instance-count sizes are percentages of it.
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
        _check_size(check, kind, spec.size, f"{field}.{_size_field(kind)}", instance_floors)
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


def _check_size(check: Checker, kind: str, size: CapacitySpec | None, field: str,
                instance_floors: Sequence[object]) -> None:
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
    row = constraint(constraint_id)
    low, high = row.minimum or 0, row.maximum or 100
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
    # A floor below 1 is reported where it is set (instance count, autoscaling minimum).
    floors = [f for f in (_known_int(v) for v in instance_floors) if f is not None and f >= 1]
    if not floors:
        return
    floor = min(floors)
    percent = 100 * count / floor
    if not low <= percent <= high:
        shown = f"{percent:.0f}" if percent.is_integer() else f"{percent:.1f}"
        check.fail(constraint_id, field, f"{count} instance{'s' if count != 1 else ''}",
                   f"is {shown}% of the smallest variant's {floor} instance{'s' if floor != 1 else ''} "
                   f"(its initial count or autoscaling minimum): must be between {low:g}% and {high:g}%",
                   f"give the {what} in percent, or run more instances" if percent > high else
                   f"give the {what} in percent, or as at least {math.ceil(low * floor / 100)} instances "
                   f"({low:g}% of {floor})")
