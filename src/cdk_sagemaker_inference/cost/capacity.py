"""Capacity figures that need no price, read from synthesized templates.

Per endpoint and per variant (shadow variants too): the instances at the **floor** (the autoscaling
minimum, a scheduled minimum below it, ``ManagedInstanceScaling``'s minimum, 0 where the endpoint scales
to zero, the initial count where nothing scales) and at the **ceiling** (the autoscaling or managed
maximum), and the instance-hours per month of each at 730 hours per month (the AWS Pricing Calculator's
month). Serverless: no instances; provisioned concurrency in GB-seconds per month. A batch transform job:
its instances per run; the hours per run are not in the template (the state machine has no timeout), so
instance-hours per run are unknown unless a usage file gives the run time.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._keys import METADATA_KEY
from ..assembly.resources import (
    SCALABLE_TARGET,
    ScalingRange,
    as_object,
    config_kind,
    config_shape,
    known_count,
    linked_config_id,
    objects_in,
    referenced_id,
    scaling_ranges,
)

if TYPE_CHECKING:
    from ..assembly import StackTemplate

__all__ = ["HOURS_PER_MONTH", "Capacity", "CopyDemand", "VariantCapacity", "capacities_of", "instance_variant",
           "kept_instances", "runs_per_month", "serverless_variant", "update_extra"]

HOURS_PER_MONTH = 730
"""Hours in a month, as the AWS Pricing Calculator counts them (8,760 hours a year / 12)."""
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600

MEASURED_KEY = "cdk-sagemaker-inference:measured"
"""Endpoint Metadata: what a recommendation job measured (written by ``Recommendation``'s endpoints)."""
_INSTANCE_COUNT = "sagemaker:variant:DesiredInstanceCount"
_PROVISIONED = "sagemaker:variant:DesiredProvisionedConcurrency"


@dataclass(frozen=True)
class VariantCapacity:
    """One production (or shadow) variant, or a batch job's transform resources."""

    name: str
    instance_type: str | None
    """None: serverless (no instances), or a token."""
    floor_instances: int | None
    ceiling_instances: int | None
    shadow: bool = False
    memory_mb: int | None = None
    """Serverless memory size."""
    floor_provisioned: int | None = None
    ceiling_provisioned: int | None = None
    drivers: tuple[str, ...] = ()
    max_concurrency: int | None = None
    """Serverless ``MaxConcurrency``."""

    @property
    def floor_instance_hours(self) -> float | None:
        return None if self.floor_instances is None else self.floor_instances * HOURS_PER_MONTH

    @property
    def ceiling_instance_hours(self) -> float | None:
        return None if self.ceiling_instances is None else self.ceiling_instances * HOURS_PER_MONTH

    def provisioned_gb_seconds(self, count: int | None) -> float | None:
        if count is None or self.memory_mb is None:
            return None
        return count * self.memory_mb / 1024 * SECONDS_PER_MONTH


@dataclass(frozen=True)
class Capacity:
    """What one endpoint or batch job holds at rest and at most, per month."""

    stack: str
    path: str
    kind: str
    region: str | None
    variants: tuple[VariantCapacity, ...]
    runs_per_month: float | None = None
    """Batch: scheduled runs per month (None: on demand or an unreadable schedule)."""
    notes: tuple[str, ...] = field(default=())
    rolling_batch: tuple[str, int] | None = None
    """A rolling update's maximum batch (``INSTANCE_COUNT`` or ``CAPACITY_PERCENT``, value); None: every update
    of the endpoint is blue/green (a whole new fleet beside the old one)."""
    measured: Mapping[str, Any] | None = None
    """What a recommendation job measured for this endpoint (``Recommendation.realtime_endpoint`` records it)."""


def capacities_of(stack: StackTemplate) -> list[Capacity]:
    """Every endpoint and batch transform job of ``stack`` and its nested stacks."""
    found: list[Capacity] = []
    for template_stack in stack.walk():
        resources: Mapping[str, Any] = template_stack.template.get("Resources") or {}
        for logical_id, resource in resources.items():
            if not isinstance(resource, Mapping):
                continue
            kind = resource.get("Type")
            if kind == "AWS::SageMaker::Endpoint":
                found.append(_endpoint(template_stack, resources, logical_id, resource))
            elif kind == "AWS::StepFunctions::StateMachine":
                batch = _batch(template_stack, resources, logical_id, resource)
                if batch is not None:
                    found.append(batch)
    return found


def _path(stack: StackTemplate, logical_id: str, resource: Mapping[str, Any]) -> str:
    path = as_object(resource.get("Metadata")).get("aws:cdk:path")
    if isinstance(path, str):
        return path.removesuffix("/Resource")
    return f"{stack.display_name}/{logical_id}"


def _endpoint(stack: StackTemplate, resources: Mapping[str, Any], logical_id: str,
              resource: Mapping[str, Any]) -> Capacity:
    props = as_object(resource.get("Properties"))
    config_id = linked_config_id(props.get("EndpointConfigName"), resources)
    config = as_object(resources[config_id].get("Properties")) if config_id else None
    metadata = as_object(as_object(resource.get("Metadata")).get(METADATA_KEY))
    path = _path(stack, logical_id, resource)
    if config is None:
        return Capacity(stack.display_name, path, str(metadata.get("kind", "unknown")), stack.key.region, (),
                        notes=("the endpoint config is not in the app: its capacity is unknown",))
    kind = config_kind(config) or "unknown"
    if config_shape(config) == "inference-components":
        kind = "inference-components"
    name = props.get("EndpointName")
    instance_ranges = scaling_ranges(resources, logical_id, name, _INSTANCE_COUNT)
    provisioned_ranges = scaling_ranges(resources, logical_id, name, _PROVISIONED)
    rolling = as_object(as_object(props.get("DeploymentConfig")).get("RollingUpdatePolicy")).get("MaximumBatchSize")
    rolling_batch = None
    if isinstance(rolling, Mapping) and known_count(rolling.get("Value")) is not None:
        rolling_batch = (str(rolling.get("Type")), int(rolling["Value"]))
    demands = _component_demands(resources, logical_id, name) if kind == "inference-components" else []
    variants = [_variant(v, instance_ranges, provisioned_ranges, shadow=False, demands=demands)
                for v in objects_in(config.get("ProductionVariants"))]
    variants += [_variant(v, instance_ranges, provisioned_ranges, shadow=True)
                 for v in objects_in(config.get("ShadowProductionVariants"))]
    measured = as_object(resource.get("Metadata")).get(MEASURED_KEY)
    return Capacity(stack.display_name, path, kind, stack.key.region, tuple(variants), rolling_batch=rolling_batch,
                    measured=measured if isinstance(measured, Mapping) else None)


def update_extra(ceiling: int, rolling_batch: tuple[str, int] | None) -> int:
    """The instances an update of an endpoint adds beside its fleet: blue/green (every update without a rolling
    policy) brings up a whole new fleet; a rolling update, one batch (``INSTANCE_COUNT``, or ``CAPACITY_PERCENT``
    of the fleet rounded up)."""
    if rolling_batch is None:
        return ceiling
    kind, value = rolling_batch
    return min(value, ceiling) if kind == "INSTANCE_COUNT" else math.ceil(ceiling * value / 100)


_COPY_COUNT = "sagemaker:inference-component:DesiredCopyCount"


def _component_demands(resources: Mapping[str, Any], endpoint_id: str, endpoint_name: Any) -> list[CopyDemand]:
    """The fewest copies of each component (not an adapter) on the endpoint — its copy autoscaling minimum, else its
    copy count — with what one copy reserves (``ComputeResourceRequirements``)."""
    demands: list[CopyDemand] = []
    for component_id, resource in resources.items():
        if not isinstance(resource, Mapping) or resource.get("Type") != "AWS::SageMaker::InferenceComponent":
            continue
        props = as_object(resource.get("Properties"))
        on = props.get("EndpointName")
        if not (referenced_id(on) == endpoint_id if isinstance(on, Mapping) else on == endpoint_name and on):
            continue
        specification = as_object(props.get("Specification"))
        if "BaseInferenceComponentName" in specification:
            continue  # an adapter runs on its base's copies
        compute = as_object(specification.get("ComputeResourceRequirements"))
        demands.append(CopyDemand(_component_min_copies(resources, component_id, props),
                                  *(float(known_count(compute.get(key)) or 0) for key in (
                                      "NumberOfAcceleratorDevicesRequired", "NumberOfCpuCoresRequired",
                                      "MinMemoryRequiredInMb"))))
    return demands


def _component_min_copies(resources: Mapping[str, Any], component_id: str, props: Mapping[str, Any]) -> int | None:
    name = props.get("InferenceComponentName")
    for resource in resources.values():
        if not isinstance(resource, Mapping) or resource.get("Type") != SCALABLE_TARGET:
            continue
        target = as_object(resource.get("Properties"))
        if target.get("ScalableDimension") != _COPY_COUNT:
            continue
        resource_id = target.get("ResourceId")
        pieces = as_object(resource_id).get("Fn::Join", [None, []])[1] if isinstance(resource_id, Mapping) else []
        if (isinstance(name, str) and resource_id == f"inference-component/{name}") or any(
                referenced_id(p) == component_id for p in pieces if isinstance(p, Mapping)):
            return known_count(target.get("MinCapacity"))
    return known_count(as_object(props.get("RuntimeConfig")).get("CopyCount"))


def _variant(variant: Mapping[str, Any], instance_ranges: Mapping[str, ScalingRange],
             provisioned_ranges: Mapping[str, ScalingRange], *, shadow: bool,
             demands: list[CopyDemand] | None = None) -> VariantCapacity:
    name = str(variant.get("VariantName", ""))
    serverless = variant.get("ServerlessConfig")
    if isinstance(serverless, Mapping):
        return serverless_variant(name, known_count(serverless.get("MemorySizeInMB")),
                                  known_count(serverless.get("ProvisionedConcurrency")), provisioned_ranges.get(name),
                                  shadow=shadow, max_concurrency=known_count(serverless.get("MaxConcurrency")))
    instance_type = variant.get("InstanceType")
    managed = variant.get("ManagedInstanceScaling")
    managed_range = None
    if isinstance(managed, Mapping) and managed.get("Status") == "ENABLED":
        managed_range = ScalingRange(known_count(managed.get("MinInstanceCount")), known_count(managed.get("MaxInstanceCount")))
    return instance_variant(name, instance_type if isinstance(instance_type, str) else None,
                            known_count(variant.get("InitialInstanceCount")),
                            scaling=managed_range or instance_ranges.get(name), managed=managed_range is not None,
                            shadow=shadow, kept_instances=kept_instances(
                                instance_type if isinstance(instance_type, str) else None, demands or [])
                            if managed_range is not None else 0)


def instance_variant(name: str, instance_type: str | None, count: int | None, *, scaling: ScalingRange | None,
                     managed: bool = False, shadow: bool = False, kept_instances: int = 0) -> VariantCapacity:
    """An instance-based variant: the initial count when nothing scales, else the scaling range (an
    autoscaling target's, or ``ManagedInstanceScaling``'s with ``managed``). ``kept_instances``: the fewest instances
    the inference components' fewest copies need (:func:`kept_instances`), which managed scaling keeps however low
    its minimum. The constructs (synth-time note) and the template reader (``cost``) both build their figures here."""
    label = f"{'shadow ' if shadow else ''}variant {name}"
    if scaling is not None:
        low, high = scaling.floor, scaling.ceiling
        driver = f"{label}: {'managed instance scaling' if managed else 'autoscaling'} {low}–{high} × {instance_type}"
        if low is not None and kept_instances > low:
            low = kept_instances if high is None else min(kept_instances, high)
            driver += (" (one instance stays: a component on it never scales to zero copies)" if low == 1 else
                       f" ({low} instances stay: the components' fewest copies need them)")
    else:
        low = high = count
        driver = f"{label}: {count} × {instance_type}, always on"
    if low == 0:
        driver += " (scales to zero)"
    return VariantCapacity(name, instance_type, low, high, shadow, drivers=(driver,))


@dataclass(frozen=True)
class CopyDemand:
    """An inference component's fewest copies (None: unknown) and what one copy reserves."""

    copies: int | None
    accelerators: float = 0.0
    cpus: float = 0.0
    memory_mb: float = 0.0


def kept_instances(instance_type: str | None, demands: list[CopyDemand]) -> int:
    """The fewest instances that hold the components' fewest copies: 0 when none keeps a copy, else at least 1 and,
    per resource (accelerators, vCPUs, memory), the copies' total over one instance's — a lower bound (the copies
    must also pack). Unknown copies or an instance type without resource data: 1."""
    if not any(d.copies is None or d.copies >= 1 for d in demands):
        return 0
    from ..instance_types import resources_of

    have = resources_of(instance_type) if isinstance(instance_type, str) else None
    if have is None or any(d.copies is None for d in demands):
        return 1
    one = (float(max(have.accelerators, have.neuron_cores or 0)), float(have.vcpu), float(have.memory_mib))
    total = (sum((d.copies or 0) * d.accelerators for d in demands), sum((d.copies or 0) * d.cpus for d in demands),
             sum((d.copies or 0) * d.memory_mb for d in demands))
    return max(1, max((math.ceil(t / o) for t, o in zip(total, one, strict=True) if o > 0 and t > 0), default=1))


def serverless_variant(name: str, memory_mb: int | None, provisioned: int | None, scaling: ScalingRange | None, *,
                       shadow: bool = False, max_concurrency: int | None = None) -> VariantCapacity:
    """A serverless variant: no instances; provisioned concurrency (scaled or fixed) bills while set."""
    label = f"{'shadow ' if shadow else ''}variant {name}"
    low, high = (scaling.floor, scaling.ceiling) if scaling is not None else (provisioned, provisioned)
    drivers = [f"{label}: serverless {memory_mb} MB, billed per request"]
    if provisioned:
        drivers.append(f"provisioned concurrency {low}–{high}" if scaling is not None else
                       f"provisioned concurrency {provisioned}, billed while configured")
    return VariantCapacity(name, None, 0, 0, shadow, memory_mb, low if provisioned else None,
                           high if provisioned else None, tuple(drivers), max_concurrency)


# ---------------------------------------------------------------------------------------------- batch
_TRANSFORM = re.compile(r":states:::sagemaker:createTransformJob")


def _definition(value: Any) -> Mapping[str, Any] | None:
    """A state machine's definition, with every deploy-time value inside a string replaced by ``?``."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, Mapping) and isinstance(value.get("Fn::Join"), list) and len(value["Fn::Join"]) == 2 \
            and isinstance(value["Fn::Join"][1], list):
        separator, parts = value["Fn::Join"]
        text = ""
        for index, part in enumerate(parts):
            text += (str(separator) if index else "") + (part if isinstance(part, str) else
                                                          "?" if _inside_string(text) else "null")
    else:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, Mapping) else None


def _inside_string(text: str) -> bool:
    """Whether the end of ``text`` (JSON so far) is inside a string: a token there is text, elsewhere a value."""
    return len(re.findall(r'(?<!\\)"', text)) % 2 == 1


def _transform_resources(states: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for state in states.values():
        if not isinstance(state, Mapping):
            continue
        if _TRANSFORM.search(str(state.get("Resource", ""))):
            parameters = as_object(state.get("Parameters") or state.get("Arguments"))
            found.append(as_object(parameters.get("TransformResources")))
        for branch in objects_in(state.get("Branches")):
            found += _transform_resources(as_object(branch.get("States")))
        iterator = state.get("Iterator") or state.get("ItemProcessor")
        if isinstance(iterator, Mapping):
            found += _transform_resources(as_object(iterator.get("States")))
    return found


def _batch(stack: StackTemplate, resources: Mapping[str, Any], logical_id: str,
           resource: Mapping[str, Any]) -> Capacity | None:
    definition = _definition(as_object(resource.get("Properties")).get("DefinitionString"))
    if definition is None:
        return None
    transforms = _transform_resources(as_object(definition.get("States")))
    if not transforms:
        return None
    variants = []
    for number, transform in enumerate(transforms):
        instance_type = transform.get("InstanceType")
        instance_type = instance_type if isinstance(instance_type, str) and instance_type != "?" else None
        count = known_count(transform.get("InstanceCount"))
        variants.append(VariantCapacity(
            f"transform-{number}" if len(transforms) > 1 else "transform", instance_type, 0, count,
            drivers=(f"{count if count is not None else 'a deploy-time number of'} × "
                     f"{instance_type or 'a deploy-time instance type'} per run, nothing at rest",)))
    schedules = [_schedule(rule) for rule in resources.values() if _targets(rule, logical_id)]
    runs = sum(s for s in schedules if s is not None) if schedules and None not in schedules else None
    notes = [RUN_HOURS_NOTE]
    if not schedules:
        notes.append(RUNS_NOTE)
    elif runs is None:
        notes.append(RUNS_UNCOUNTED_NOTE)
    path = _path(stack, logical_id, resource).removesuffix("/Resource")  # the job's state machine is its Resource
    return Capacity(stack.display_name, path, "batch", stack.key.region, tuple(variants), runs_per_month=runs,
                    notes=tuple(notes))


RUN_HOURS_NOTE = "hours per run: not in the template (no timeout on the run); give run_hours in a usage file"
"""A batch job's note until a usage file gives ``run_hours`` (the row drops it then)."""
RUNS_NOTE = "runs on demand (or on new input): runs per month come from a usage file"
"""An unscheduled batch job's note until a usage file gives ``runs_per_month`` (the row drops it then)."""
RUNS_UNCOUNTED_NOTE = ("runs per month: the schedule's expression cannot be counted (e.g. the last day of the "
                       "month, a day past the 28th, or a one-time schedule); give runs_per_month in a usage file")
"""A scheduled batch job's note when its runs a month cannot be read from the expression."""


def _targets(rule: Any, state_machine_id: str) -> bool:
    """An EventBridge rule or an EventBridge Scheduler schedule that starts the state machine on a schedule."""
    if not isinstance(rule, Mapping):
        return False
    props = as_object(rule.get("Properties"))
    if "ScheduleExpression" not in props:
        return False
    if rule.get("Type") == "AWS::Events::Rule":
        return any(referenced_id(t.get("Arn")) == state_machine_id for t in objects_in(props.get("Targets")))
    if rule.get("Type") == "AWS::Scheduler::Schedule":
        return referenced_id(as_object(props.get("Target")).get("Arn")) == state_machine_id
    return False


def _schedule(rule: Mapping[str, Any]) -> float | None:
    expression = as_object(rule.get("Properties")).get("ScheduleExpression")
    return runs_per_month(expression) if isinstance(expression, str) else None


_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 24.0}


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")  # EventBridge numbers them 1–7


def _cron_values(field: str, low: int, high: int, names: tuple[str, ...] = ()) -> set[int] | None:
    """The values of one EventBridge cron field made of ``*``, numbers or names, ranges (``a-b``), lists and steps
    (``*/n``, ``a/n``, ``a-b/n``); None for what is not counted here (``L``, ``W``, ``#``, ``?``)."""
    def number(text: str) -> int | None:
        if text.isdigit():
            return int(text)
        return names.index(text) + low if text in names else None

    values: set[int] = set()
    for part in field.upper().split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                return None
            step = int(step_text)
        if part == "*":
            first, last = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            first, last = number(a), number(b)  # type: ignore[assignment]
        else:
            first = number(part)  # type: ignore[assignment]
            last = high if step != 1 else first  # 'a/n': from a, every n
        if first is None or last is None or not low <= first <= last <= high:
            return None
        values.update(range(first, last + 1, step))
    return values


def runs_per_month(expression: str) -> float | None:
    """Runs per 730-hour month of an EventBridge schedule: ``rate(...)`` exactly; ``cron(...)`` with numbers, names,
    ranges, lists and steps (``cron(0 8,20 ? * MON-FRI *)`` is 2 runs on 5 days of each week); days of the month
    past the 28th (not in every month), ``L``, ``W``, ``#`` and a year other than ``*``: None (never a guess)."""
    rate = _RATE.match(expression.strip())
    if rate:
        hours = int(rate.group(1)) * _UNIT_HOURS[rate.group(2).rstrip("s")]
        return HOURS_PER_MONTH / hours if hours else None
    cron = re.match(r"^cron\((.+)\)$", expression.strip())
    if not cron:
        return None
    fields = cron.group(1).split()
    if len(fields) != 6 or fields[5] != "*":
        return None
    minute, hour, day, month, weekday, _ = fields
    minutes, hours_of_day = _cron_values(minute, 0, 59), _cron_values(hour, 0, 23)
    months = _cron_values(month, 1, 12, _MONTHS)
    if minutes is None or hours_of_day is None or months is None:
        return None
    per_day = len(minutes) * len(hours_of_day)
    days: float | None = None
    if day in ("*", "?") and weekday in ("*", "?"):
        days = HOURS_PER_MONTH / 24
    elif day in ("*", "?"):
        weekdays = _cron_values(weekday, 1, 7, _WEEKDAYS)
        days = None if weekdays is None else HOURS_PER_MONTH / (24 * 7) * len(weekdays)
    elif weekday in ("*", "?"):
        month_days = _cron_values(day, 1, 31)
        days = None if month_days is None or max(month_days) > 28 else float(len(month_days))
    return None if days is None else per_day * days * len(months) / 12
    fields = cron.group(1).split()
    if len(fields) != 6:
        return None
    minute, hour, day, month, weekday, year = fields
    if not all(re.fullmatch(r"\d+", f) for f in (minute,)) or month != "*" or year != "*":
        return None
    per_day = 24.0 if hour == "*" else 1.0 if re.fullmatch(r"\d+", hour) else None
    if per_day is None:
        return None
    if day in ("*", "?") and weekday in ("*", "?"):
        return HOURS_PER_MONTH / 24 * per_day
    if day in ("*", "?") and re.fullmatch(r"[A-Z]{3}|\d", weekday):
        return HOURS_PER_MONTH / (24 * 7) * per_day
    if re.fullmatch(r"\d+", day) and weekday in ("*", "?"):
        return per_day
    return None
