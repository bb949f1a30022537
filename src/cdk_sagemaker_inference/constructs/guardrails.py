"""Deployment guardrails of an endpoint (``AWS::SageMaker::Endpoint`` ``DeploymentConfig``).

Blue/green deployments shift traffic to the new fleet all at once, in a canary step or in
linear steps; rolling deployments replace the fleet in batches. Either can roll back
automatically when a CloudWatch alarm fires during the baking period. Real-time and async
endpoints support guardrails; serverless endpoints do not.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from aws_cdk import Duration
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..assembly.resources import known_int
from ..constraints import constraint
from ..errors import Problem
from ..typecheck import TypeChecks, checked, duration_in, props_class
from ._lazy import lazy_module
from ._memo import stack_of

# Submodules only some props and methods use, imported on first use (see _lazy).
if TYPE_CHECKING:
    from aws_cdk import aws_cloudwatch as cloudwatch

    from ..validation.guardrails import CapacitySpec, GuardrailsSpec
else:
    cloudwatch = lazy_module("aws_cdk.aws_cloudwatch")

__all__ = [
    "BlueGreenUpdate",
    "CapacitySize",
    "CapacityUnit",
    "DeploymentGuardrails",
    "RollbackAlarms",
    "RollingUpdate",
    "TrafficRouting",
    "TrafficRoutingType",
]


class TrafficRoutingType(enum.Enum):
    """How a blue/green deployment shifts traffic (``TrafficRoutingConfig.Type``)."""

    ALL_AT_ONCE = "ALL_AT_ONCE"
    """All traffic moves to the new fleet in one step, then the baking period starts."""
    CANARY = "CANARY"
    """A small share first (the canary), then the rest after the baking period."""
    LINEAR = "LINEAR"
    """Equal steps, each followed by the baking period."""


class CapacityUnit(enum.Enum):
    """The unit of a :class:`CapacitySize` (``CapacitySize.Type``)."""

    CAPACITY_PERCENT = "CAPACITY_PERCENT"
    INSTANCE_COUNT = "INSTANCE_COUNT"


@props_class
@dataclass(frozen=True)
class CapacitySize:
    """A share of a variant's fleet: ``CapacitySize.percent(10)`` or ``CapacitySize.instances(2)``."""

    unit: CapacityUnit
    """Percent of the variant's instances, or a number of instances. No default."""
    value: int
    """The percentage or the instance count. No default."""

    @staticmethod
    @checked("CapacitySize.percent")
    def percent(value: int) -> CapacitySize:
        """``value`` percent of the variant's instances."""
        return CapacitySize(CapacityUnit.CAPACITY_PERCENT, value)

    @staticmethod
    @checked("CapacitySize.instances")
    def instances(value: int) -> CapacitySize:
        """``value`` instances (checked against every instance count the variant can run at: refused when none
        fits, a warning when only some do)."""
        return CapacitySize(CapacityUnit.INSTANCE_COUNT, value)


@props_class
@dataclass(frozen=True, kw_only=True)
class TrafficRouting:
    """Traffic shifting of a blue/green deployment (``TrafficRoutingConfig``)."""

    type: TrafficRoutingType
    """ALL_AT_ONCE, CANARY or LINEAR. No default."""
    wait: Duration
    """The baking period after each step, during which rollback alarms are watched (0–3600 s).
    No default."""
    size: CapacitySize | None = None
    """The canary size (≤ 50 %) or the linear step (10–50 %). Default: none, which only
    ALL_AT_ONCE allows."""


@props_class
@dataclass(frozen=True, kw_only=True)
class BlueGreenUpdate:
    """A blue/green deployment (``BlueGreenUpdatePolicy``)."""

    traffic_routing: TrafficRouting
    """How traffic moves to the new fleet. No default."""
    termination_wait: Duration | None = None
    """Extra time before the old fleet is terminated (0–3600 s). Default: SageMaker's, 0 s."""
    maximum_execution_timeout: Duration | None = None
    """Upper bound of the whole deployment (600–28800 s, longer than ``wait`` + ``termination_wait``).
    Default: SageMaker's."""


@props_class
@dataclass(frozen=True, kw_only=True)
class RollingUpdate:
    """A rolling deployment (``RollingUpdatePolicy``): not for endpoints with several variants."""

    maximum_batch_size: CapacitySize
    """Instances replaced per step (5–50 % of the variant's instances). No default."""
    wait: Duration
    """Baking period after each batch (0–3600 s). No default."""
    maximum_execution_timeout: Duration | None = None
    """Upper bound of the whole deployment (600–28800 s). Default: SageMaker's."""


@props_class
@dataclass(frozen=True, kw_only=True)
class DeploymentGuardrails:
    """How endpoint updates roll out, and which alarms roll them back.

    Use the factories: ``DeploymentGuardrails.canary(percent=10, wait=Duration.minutes(10))``,
    ``.linear(...)``, ``.all_at_once(...)`` or ``.rolling(...)``. Exactly one of
    ``blue_green_update`` and ``rolling_update`` must be set.
    """

    blue_green_update: BlueGreenUpdate | None = None
    """A blue/green policy. Default: none."""
    rolling_update: RollingUpdate | None = None
    """A rolling policy. Default: none."""
    rollback_alarms: Sequence[cloudwatch.IAlarm] = ()
    """CloudWatch alarms (at most 10) that roll the deployment back when they fire; more can be
    added with the endpoint's ``add_rollback_alarm()``. Default: none (no automatic rollback)."""
    conflicts: tuple[str, ...] = field(default=(), repr=False)
    """Factory arguments that could not be combined (reported by the endpoint). Default: none."""

    @staticmethod
    @checked("DeploymentGuardrails.all_at_once")
    def all_at_once(*, wait: Duration, termination_wait: Duration | None = None,
                    maximum_execution_timeout: Duration | None = None,
                    rollback_alarms: Sequence[cloudwatch.IAlarm] = ()) -> DeploymentGuardrails:
        """Blue/green, all traffic at once, then ``wait`` (the baking period, 0–3600 s).

        ``termination_wait`` default: 0 s. ``maximum_execution_timeout`` default: SageMaker's.
        ``rollback_alarms`` default: none.
        """
        return DeploymentGuardrails._blue_green(TrafficRoutingType.ALL_AT_ONCE, None, wait, termination_wait,
                                                maximum_execution_timeout, rollback_alarms)

    @staticmethod
    @checked("DeploymentGuardrails.canary")
    def canary(*, percent: int | None = None, instances: int | None = None, wait: Duration,
               termination_wait: Duration | None = None, maximum_execution_timeout: Duration | None = None,
               rollback_alarms: Sequence[cloudwatch.IAlarm] = ()) -> DeploymentGuardrails:
        """Blue/green with a canary: ``percent`` (1–50) or ``instances`` (≤ 50 % of the variant's
        instances) first, then the rest after ``wait`` (0–3600 s).

        Give exactly one of ``percent`` and ``instances`` (no default). ``termination_wait``
        default: 0 s. ``maximum_execution_timeout`` default: SageMaker's. ``rollback_alarms``
        default: none.
        """
        size, conflicts = _size("canary", percent, instances, "percent", "instances")
        return DeploymentGuardrails._blue_green(TrafficRoutingType.CANARY, size, wait, termination_wait,
                                                maximum_execution_timeout, rollback_alarms, conflicts)

    @staticmethod
    @checked("DeploymentGuardrails.linear")
    def linear(*, step_percent: int | None = None, step_instances: int | None = None, wait: Duration,
               termination_wait: Duration | None = None, maximum_execution_timeout: Duration | None = None,
               rollback_alarms: Sequence[cloudwatch.IAlarm] = ()) -> DeploymentGuardrails:
        """Blue/green in linear steps of ``step_percent`` (10–50) or ``step_instances`` (10–50 % of
        the variant's instances), ``wait`` (0–3600 s) after each.

        Give exactly one of ``step_percent`` and ``step_instances`` (no default).
        ``termination_wait`` default: 0 s. ``maximum_execution_timeout`` default: SageMaker's.
        ``rollback_alarms`` default: none.
        """
        size, conflicts = _size("linear", step_percent, step_instances, "step_percent", "step_instances")
        return DeploymentGuardrails._blue_green(TrafficRoutingType.LINEAR, size, wait, termination_wait,
                                                maximum_execution_timeout, rollback_alarms, conflicts)

    @staticmethod
    @checked("DeploymentGuardrails.rolling")
    def rolling(*, batch_percent: int | None = None, batch_instances: int | None = None, wait: Duration,
                maximum_execution_timeout: Duration | None = None,
                rollback_alarms: Sequence[cloudwatch.IAlarm] = ()) -> DeploymentGuardrails:
        """Rolling batches of ``batch_percent`` (5–50) or ``batch_instances`` (5–50 % of the
        instances), ``wait`` (0–3600 s) after each. Single-variant endpoints only.

        Give exactly one of ``batch_percent`` and ``batch_instances`` (no default).
        ``maximum_execution_timeout`` default: SageMaker's. ``rollback_alarms`` default: none.
        On rollback SageMaker brings the whole old fleet back at once.
        """
        size, conflicts = _size("rolling", batch_percent, batch_instances, "batch_percent", "batch_instances")
        return DeploymentGuardrails(
            rolling_update=RollingUpdate(maximum_batch_size=size, wait=wait,  # type: ignore[arg-type]
                                  maximum_execution_timeout=maximum_execution_timeout),
            rollback_alarms=tuple(rollback_alarms) if _is_sequence(rollback_alarms) else rollback_alarms,
            conflicts=conflicts,
        )

    @staticmethod
    def _blue_green(kind: TrafficRoutingType, size: CapacitySize | None, wait: Duration,
                    termination_wait: Duration | None, timeout: Duration | None,
                    alarms: Sequence[cloudwatch.IAlarm], conflicts: tuple[str, ...] = ()) -> DeploymentGuardrails:
        return DeploymentGuardrails(
            blue_green_update=BlueGreenUpdate(
                traffic_routing=TrafficRouting(type=kind, wait=wait, size=size),
                termination_wait=termination_wait,
                maximum_execution_timeout=timeout,
            ),
            rollback_alarms=tuple(alarms) if _is_sequence(alarms) else alarms,
            conflicts=conflicts,
        )


def _is_sequence(value: object) -> bool:
    return isinstance(value, (list, tuple))


def _size(kind: str, percent: int | None, instances: int | None, percent_name: str,
          instances_name: str) -> tuple[CapacitySize | None, tuple[str, ...]]:
    if percent is not None and instances is not None:
        return None, (f"{kind}: pass {percent_name}= or {instances_name}=, not both",)
    if percent is not None:
        return CapacitySize.percent(percent), ()
    if instances is not None:
        return CapacitySize.instances(instances), ()
    return None, ()


def seconds_of(types: TypeChecks, field_name: str, duration: object) -> object:
    """A Duration as seconds (a number, or a number token); None when absent or mistyped."""
    if duration is None or not types.optional(field_name, duration, Duration):
        return None
    return duration_in(types, field_name, duration, "seconds")


def _capacity(types: TypeChecks, field_name: str, size: object) -> CapacitySpec | None:
    if size is None or not types.optional(field_name, size, CapacitySize):
        return None
    assert isinstance(size, CapacitySize)
    unit = size.unit.value if isinstance(size.unit, CapacityUnit) else size.unit
    # The rules load with the first guardrails (see _guardrails_spec).
    from ..validation.guardrails import CapacitySpec

    return CapacitySpec(unit=unit, value=size.value)


def guardrails_problems(guardrails: DeploymentGuardrails, *, production_variants: int,
                        instance_floors: Sequence[object], instance_ceilings: Sequence[object] = (),
                        variant_names: Sequence[object] = (), field_name: str = "deployment",
                        owner: Construct | None = None) -> list[Problem]:
    """Type problems of ``guardrails`` plus the problems of :func:`validate_guardrails` (``instance_ceilings``:
    None for a variant without autoscaling, else its autoscaling maximum) and, with the endpoint as ``owner``,
    rollback alarms of another App (checked here, before the endpoint creates anything)."""
    types, spec = _guardrails_spec(guardrails, field_name)
    if spec is None:
        return types
    from ..validation.guardrails import validate_guardrails

    return validate_guardrails(spec, production_variants=production_variants, instance_floors=instance_floors,
                               instance_ceilings=instance_ceilings, variant_names=variant_names, field=field_name) + (
        other_app_alarms(owner, guardrails.rollback_alarms, f"{field_name}.rollback_alarms")
        if owner is not None else [])


def guardrails_warnings(guardrails: DeploymentGuardrails, *, instance_floors: Sequence[object],
                        instance_ceilings: Sequence[object], variant_names: Sequence[object] = (),
                        field_name: str = "deployment") -> list[Problem]:
    """:func:`guardrail_size_warnings` of ``guardrails`` (once :func:`guardrails_problems` found none)."""
    _, spec = _guardrails_spec(guardrails, field_name)
    if spec is None:
        return []
    from ..validation.guardrails import guardrail_size_warnings

    return guardrail_size_warnings(spec, instance_floors=instance_floors, instance_ceilings=instance_ceilings,
                                   variant_names=variant_names, field=field_name)


def _guardrails_spec(guardrails: DeploymentGuardrails, field_name: str) -> tuple[list[Problem], GuardrailsSpec | None]:
    """The type problems of ``guardrails`` and, without any, its plain spec. The guardrail rules
    (``validation.guardrails``) are imported here, by the first endpoint that has guardrails: an endpoint
    without any never loads them."""
    from ..validation.guardrails import GuardrailsSpec

    types = TypeChecks()
    for conflict in guardrails.conflicts:
        types.conflict(field_name, conflict)
    blue_green_ok = types.optional(f"{field_name}.blue_green_update", guardrails.blue_green_update, BlueGreenUpdate)
    rolling_ok = types.optional(f"{field_name}.rolling_update", guardrails.rolling_update, RollingUpdate)
    types.optional_sequence(f"{field_name}.rollback_alarms", guardrails.rollback_alarms, cloudwatch.IAlarm)
    spec_args: dict[str, Any] = {}
    if blue_green_ok and guardrails.blue_green_update is not None:
        policy = guardrails.blue_green_update
        spec_args["blue_green"] = True
        if types.required(f"{field_name}.traffic_routing", policy.traffic_routing, TrafficRouting):
            routing = policy.traffic_routing
            kind = routing.type
            spec_args["traffic_type"] = kind.value if isinstance(kind, TrafficRoutingType) else kind
            spec_args["wait_seconds"] = seconds_of(types, f"{field_name}.wait", routing.wait)
            spec_args["size"] = _capacity(types, f"{field_name}.{_SIZE_FIELD.get(str(spec_args['traffic_type']), 'size')}",
                                          routing.size)
        spec_args["termination_wait_seconds"] = seconds_of(types, f"{field_name}.termination_wait",
                                                         policy.termination_wait)
        spec_args["maximum_execution_timeout_seconds"] = seconds_of(
            types, f"{field_name}.maximum_execution_timeout", policy.maximum_execution_timeout)
    if rolling_ok and guardrails.rolling_update is not None:
        rolling = guardrails.rolling_update
        spec_args["rolling"] = True
        if guardrails.blue_green_update is None:
            spec_args["wait_seconds"] = seconds_of(types, f"{field_name}.wait", rolling.wait)
            spec_args["size"] = _capacity(types, f"{field_name}.maximum_batch_size", rolling.maximum_batch_size)
            spec_args["maximum_execution_timeout_seconds"] = seconds_of(
                types, f"{field_name}.maximum_execution_timeout", rolling.maximum_execution_timeout)
    alarms = guardrails.rollback_alarms
    # An alarm listed twice is listed once (add_rollback_alarm keeps one of each).
    spec_args["rollback_alarm_count"] = len({id(alarm) for alarm in alarms}) if _is_sequence(alarms) else 0
    if types.problems:
        return list(types.problems), None
    return [], GuardrailsSpec(**spec_args)


_SIZE_FIELD = {"CANARY": "canary_size", "LINEAR": "linear_step_size"}


def render_deployment_config(guardrails: DeploymentGuardrails) -> sagemaker.CfnEndpoint.DeploymentConfigProperty:
    """The ``DeploymentConfig`` of a validated ``guardrails`` (rollback alarms are added by the endpoint)."""
    blue_green = None
    rolling = None
    if guardrails.blue_green_update is not None:
        policy = guardrails.blue_green_update
        routing = policy.traffic_routing
        size = _render_size(routing.size)
        blue_green = sagemaker.CfnEndpoint.BlueGreenUpdatePolicyProperty(
            traffic_routing_configuration=sagemaker.CfnEndpoint.TrafficRoutingConfigProperty(
                type=routing.type.value,
                wait_interval_in_seconds=routing.wait.to_seconds(),
                canary_size=size if routing.type is TrafficRoutingType.CANARY else None,
                linear_step_size=size if routing.type is TrafficRoutingType.LINEAR else None,
            ),
            termination_wait_in_seconds=_whole_seconds(policy.termination_wait),
            maximum_execution_timeout_in_seconds=_whole_seconds(policy.maximum_execution_timeout),
        )
    if guardrails.rolling_update is not None:
        policy_r = guardrails.rolling_update
        rolling = sagemaker.CfnEndpoint.RollingUpdatePolicyProperty(
            maximum_batch_size=_render_size(policy_r.maximum_batch_size),  # type: ignore[arg-type]
            wait_interval_in_seconds=policy_r.wait.to_seconds(),
            maximum_execution_timeout_in_seconds=_whole_seconds(policy_r.maximum_execution_timeout),
        )
    return sagemaker.CfnEndpoint.DeploymentConfigProperty(blue_green_update_policy=blue_green,
                                                          rolling_update_policy=rolling)


def _render_size(size: CapacitySize | None) -> sagemaker.CfnEndpoint.CapacitySizeProperty | None:
    if size is None:
        return None
    return sagemaker.CfnEndpoint.CapacitySizeProperty(type=size.unit.value, value=size.value)


def _whole_seconds(duration: Duration | None) -> float | None:
    return duration.to_seconds() if duration is not None else None


def other_app_alarms(owner: Construct, alarms: Sequence[Any], field: str, *, start: int = 0) -> list[Problem]:
    """``props.same-app``: each alarm is a construct of ``owner``'s App (a template cannot reference another
    App's; aws-cdk-lib fails the synth). Checked before the endpoint creates anything, and again for alarms
    added later."""
    check = TypeChecks()
    root = owner.node.root
    for index, alarm in enumerate(alarms):
        if alarm.node.root is not root:
            check.fail("props.same-app", f"{field}[{start + index}]", alarm.node.path,
                       "belongs to another App: a template cannot reference it",
                       "create the alarm in this App, or import it by ARN (cloudwatch.Alarm.from_alarm_arn(scope, "
                       "id, arn))")
    return list(check.problems)


class RollbackAlarms:
    """The rollback alarms of an endpoint with ``deployment`` guardrails (real-time and async), and the
    rolling batch the quota needs count. The endpoint sets ``deployment``, ``resource`` and
    ``_endpoint_name_literal``; its own ``add_rollback_alarm`` (named for its messages) calls
    :meth:`_add_rollback_alarms`."""

    deployment: DeploymentGuardrails | None
    resource: sagemaker.CfnEndpoint
    endpoint_name: str
    _endpoint_name_literal: str | None
    _rollback_alarms: list[cloudwatch.IAlarm]

    def _metric_endpoint_name(self) -> str:
        """The name as given, when it was: metrics then need no reference to the endpoint, so this
        endpoint's own alarms can roll it back without a dependency cycle."""
        return self._endpoint_name_literal or self.endpoint_name

    def _add_rollback_alarms(self, alarms: Sequence[cloudwatch.IAlarm], construct_type: str) -> None:
        check = TypeChecks()
        field = "deployment.rollback_alarms"
        given = self._alarms()
        for index, alarm in enumerate(alarms):
            check.required(f"{field}[{len(given) + index}]", alarm, cloudwatch.IAlarm)
        if not check.problems:  # an alarm listed again is the same alarm: the configuration lists it once
            alarms = [a for i, a in enumerate(alarms) if not any(a is b for b in (*given, *alarms[:i]))]
            check.problems.extend(other_app_alarms(cast(Construct, self), alarms, field, start=len(given)))
        if self.deployment is None:
            check.conflict("deployment", "rollback alarms need deployment=DeploymentGuardrails...(...)")
        total = len(given) + len(alarms)
        most = int(constraint("guardrails.rollback-alarms").maximum or 10)
        if total == 0:
            check.fail("guardrails.rollback-alarms", field, 0,
                       "no alarm given: an AutoRollbackConfiguration lists 1 to 10 alarms",
                       "pass the alarms, e.g. add_rollback_alarm(endpoint.alarm_5xx_rate())")
        if total > most:
            check.fail("guardrails.rollback-alarms", field, total,
                       f"has {total} alarms: auto-rollback takes at most {most}",
                       "keep the alarms that matter most, or combine several into a cloudwatch.CompositeAlarm")
        if not check.problems:
            for alarm in alarms:
                if self._endpoint_name_literal is None and self._alarm_uses_generated_name(alarm):
                    check.fail("guardrails.rollback-alarms", field, alarm.node.path,
                               "watches this endpoint's CloudFormation-generated name, so alarm and endpoint would "
                               "depend on each other (a cycle)",
                               "set endpoint_name on the endpoint, so its alarms can name it without a reference")
        check.raise_if_any(self, construct_type)  # type: ignore[arg-type]  # the endpoint is the construct
        given.extend(alarms)
        self.resource.add_property_override("DeploymentConfig.AutoRollbackConfiguration", {
            "Alarms": [{"AlarmName": alarm.alarm_name} for alarm in given],
        })

    def _alarms(self) -> list[cloudwatch.IAlarm]:
        if not hasattr(self, "_rollback_alarms"):
            self._rollback_alarms = []
        return self._rollback_alarms

    @property
    def rollback_alarms(self) -> tuple[cloudwatch.IAlarm, ...]:
        """The alarms that roll deployments back."""
        return tuple(self._alarms())

    def _alarm_uses_generated_name(self, alarm: cloudwatch.IAlarm) -> bool:
        child = alarm.node.default_child
        if not isinstance(child, cloudwatch.CfnAlarm):
            return False
        stack = stack_of(self.resource)
        logical_id = stack.resolve(stack.get_logical_id(self.resource))
        rendered = json.dumps(stack.resolve({"d": child.dimensions, "m": child.metrics}), default=str)
        return f'"{logical_id}"' in rendered

    def _rolling_batch(self) -> tuple[str, int] | None:
        """A rolling update's maximum batch (unit, value); None: updates are blue/green (a whole new fleet)."""
        rolling = self.deployment.rolling_update if self.deployment is not None else None
        size = rolling.maximum_batch_size if rolling is not None else None
        value = known_int(size.value) if size is not None else None
        unit = size.unit.value if size is not None and isinstance(size.unit, CapacityUnit) else None
        return None if unit is None or value is None else (unit, value)
