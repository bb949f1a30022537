"""Inference-component rules (the constraint table, area "Inference components").

Plain values in, problems out: the constructs translate their props into these specs. The fit
checks compare a component's reservation with the resources of one instance of the endpoint's type
(``instance_types.resources_of``) and the copies at their maximum with the fleet at its maximum.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ..constraints import constraint
from ..errors import Problem
from ..instance_types import InstanceResources, resources_of, resources_source
from ..tokens import is_unresolved
from .checks import Checker, key_in_unknown_bucket, revalidated, unknown_bucket_length
from .guardrails import FleetRange, fleet_range, size_refusal, size_warning
from .instances import check_inference_ami, check_instance_type, check_volume_size

_MARGIN = 0.9
"""Share of an instance's nominal vCPUs or memory above which a reservation may not be schedulable
(SageMaker keeps some for its own agents and documents no figure): a warning, never a refusal."""


def _known(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not is_unresolved(value):
        return float(value)
    return None


@dataclass(frozen=True)
class ManagedScalingSpec:
    """``ManagedInstanceScaling`` of the endpoint's variant, as plain values."""

    min_instances: object
    max_instances: object
    scale_in_strategy: object = None
    scale_in_cooldown_minutes: object = None
    scale_in_max_step: object = None


@dataclass(frozen=True)
class ComponentEndpointSpec:
    """The endpoint side: one variant without a model."""

    variant_name: object
    instance_type: object
    instance_count: object
    managed_scaling: ManagedScalingSpec | None = None
    volume_size_gb: object = None
    inference_ami_version: object = None

    @property
    def max_instances(self) -> float | None:
        """The most instances the fleet can have (managed maximum, else the initial count)."""
        if self.managed_scaling is not None:
            return _known(self.managed_scaling.max_instances)
        return _known(self.instance_count)


@dataclass(frozen=True)
class ComputeSpec:
    """A component's reservation per copy."""

    min_memory_mb: object
    max_memory_mb: object = None
    cpu_cores: object = None
    accelerator_devices: object = None


@dataclass(frozen=True)
class CopyScalingSpec:
    """Application Auto Scaling of the copy count."""

    min_copies: object
    max_copies: object
    targets: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class RollingSpec:
    """A component's rolling update."""

    batch: tuple[str, object] | None
    rollback_batch: tuple[str, object] | None
    wait_seconds: object
    timeout_seconds: object
    alarms: int


@dataclass(frozen=True)
class ComponentSpec:
    """One inference component, as plain values."""

    component_name: object
    has_model: bool
    has_image: bool
    is_adapter: bool
    artifact_url: object = None
    artifact_uncompressed: bool = False
    environment: tuple[tuple[object, object], ...] = ()
    compute: ComputeSpec | None = None
    copy_count: object = 1
    copy_scaling: CopyScalingSpec | None = None
    download_timeout_seconds: object = None
    health_check_timeout_seconds: object = None
    rolling: RollingSpec | None = None
    placement: object = None
    max_az_imbalance: object = None

    @property
    def max_copies(self) -> float | None:
        """The most copies the component can have (autoscaling maximum, else the copy count)."""
        if self.is_adapter:
            return 0.0
        if self.copy_scaling is not None:
            return _known(self.copy_scaling.max_copies)
        return _known(self.copy_count)


@revalidated
def validate_component_endpoint(spec: ComponentEndpointSpec, *, known_types: Collection[str],
                                allow_unknown_instance_type: bool = False) -> list[Problem]:
    """Problems of the endpoint side (instance type and count, managed instance scaling)."""
    check = Checker()
    check.text("name.endpoint", "variant_name", spec.variant_name,
               fix="use 1–63 letters, digits and hyphens, starting and ending with a letter or digit")
    type_ok = check_instance_type(check, "realtime.instance-type", "instance_type", spec.instance_type, known_types,
                                  allow_unknown=allow_unknown_instance_type)
    check.number("realtime.instance-count", "instance_count", spec.instance_count,
                 fix="start with at least 1 instance (managed_scaling=ManagedInstanceScaling(min_instances=0, ...) "
                 "lets the endpoint scale to zero later)")
    check_volume_size(check, "volume_size_gb", spec.volume_size_gb, spec.instance_type)
    check_inference_ami(check, "inference_ami_version", spec.inference_ami_version,
                        spec.instance_type if type_ok else None)
    managed = spec.managed_scaling
    if managed is not None:
        check.number("component.managed-scaling", "managed_scaling.min_instances", managed.min_instances,
                     fix="use min_instances ≥ 0 (0 lets the endpoint release every instance when no copy runs)")
        check.number("component.managed-scaling", "managed_scaling.max_instances", managed.max_instances, minimum=1,
                     fix="use max_instances ≥ 1")
        check.one_of("component.scale-in-policy", "managed_scaling.scale_in_strategy", managed.scale_in_strategy,
                     allowed=("IDLE_RELEASE", "CONSOLIDATION"))
        check.number("component.scale-in-policy", "managed_scaling.scale_in_cooldown",
                     managed.scale_in_cooldown_minutes, minimum=5, maximum=1440,
                     fix="use Duration.minutes(5) to Duration.minutes(1440)")
        check.number("component.scale-in-policy", "managed_scaling.scale_in_max_step", managed.scale_in_max_step,
                     minimum=1, maximum=100, fix="release 1 to 100 instances per step")
    return check.problems


def component_endpoint_warnings(spec: ComponentEndpointSpec) -> list[Problem]:
    """Advice on the endpoint side: the managed range, and scaling to zero instances."""
    check = Checker()
    managed = spec.managed_scaling
    if managed is None:
        return check.problems
    low, high, count = _known(managed.min_instances), _known(managed.max_instances), _known(spec.instance_count)
    if low is not None and high is not None and low > high:
        check.fail("component.managed-scaling-order", "managed_scaling.min_instances", managed.min_instances,
                   f"is greater than max_instances ({high:g})", "make min_instances ≤ max_instances")
    elif count is not None and ((low is not None and count < low) or (high is not None and count > high)):
        check.fail("component.managed-scaling-order", "instance_count", spec.instance_count,
                   f"is outside the managed range {managed.min_instances}–{managed.max_instances}",
                   "start within the range the endpoint scales in")
    if low == 0:
        check.fail("component.zero-instances-region", "managed_scaling.min_instances", 0,
                   "scaling to zero instances is not offered in every Region (the developer guide's "
                   "endpoint-auto-scaling-zero-instances page); the endpoint's first deploy still starts "
                   "instance_count instances, and a request that arrives at zero fails while the first instance "
                   "starts (minutes)",
                   "check the Region in that page; acknowledge this warning when it is offered there")
    return check.problems


@revalidated
def validate_component(spec: ComponentSpec, endpoint: ComponentEndpointSpec) -> list[Problem]:
    """Problems of one component: the specification, its reservation (and whether it can ever fit one
    instance of the endpoint's type), copies, copy autoscaling, startup, rolling update, scheduling."""
    check = Checker()
    check.text("name.component", "component_name", spec.component_name,
               fix="use 1–63 letters, digits and hyphens, starting and ending with a letter or digit (or omit "
               "component_name to let CloudFormation choose one)")
    _check_specification(check, spec)
    if spec.is_adapter:
        for field, given in (("compute", spec.compute), ("copy_scaling", spec.copy_scaling)):
            if given is not None:
                check.fail("component.adapter", field, "given",
                           "an adapter runs on its base component's compute and copies", f"drop {field}")
    elif spec.compute is None:
        check.fail("component.compute-required", "compute", None, "is required for a component that is not an "
                   "adapter", "pass compute=ComputeRequirements(min_memory_mb=..., accelerator_devices=..., ...)")
    if spec.compute is not None:
        _check_compute(check, spec.compute)
        _check_fit(check, spec.compute, endpoint)
    if not spec.is_adapter:
        check.number("component.copy-count", "copy_count", spec.copy_count,
                     fix="give a whole number of copies, at least 1 to start with")
    if spec.copy_scaling is not None and not spec.is_adapter:
        _check_copy_scaling(check, spec.copy_scaling)
    for field, seconds in (("model_data_download_timeout", spec.download_timeout_seconds),
                           ("container_startup_health_check_timeout", spec.health_check_timeout_seconds)):
        check.number("component.startup-timeout", field, seconds, fix="use Duration.seconds(60) to Duration.hours(1)")
    if spec.rolling is not None:
        _check_rolling(check, spec.rolling)
        _check_rolling_batch(check, spec)
    check.one_of("component.scheduling", "scheduling.placement", spec.placement, allowed=("SPREAD", "BINPACK"))
    check.number("component.scheduling", "scheduling.max_az_imbalance", spec.max_az_imbalance,
                 fix="allow 0 to 100 copies of difference between Availability Zones")
    return check.problems


def _check_specification(check: Checker, spec: ComponentSpec) -> None:
    sources = [name for name, given in (("model", spec.has_model), ("image", spec.has_image),
                                        ("base_component", spec.is_adapter)) if given]
    if len(sources) != 1:
        check.fail("component.specification", "model", ", ".join(sources) or None,
                   "pass exactly one of model, image or base_component" if sources
                   else "a component needs a model, an image or a base component",
                   "model=InferenceModel(...) to host a model; image=ContainerImage...(...) with model_data; or "
                   "base_component=<component> with model_data (the adapter's artifacts)")
    if spec.is_adapter and spec.artifact_url is None:
        check.fail("component.specification", "model_data", None, "an adapter needs its artifacts",
                   "pass model_data=ModelData.from_bucket(...) with the adapter's .tar.gz")
    if spec.artifact_url is not None:
        if spec.artifact_uncompressed:
            check.fail("component.artifact", "model_data", "uncompressed prefix",
                       "a component's artifacts are one .tar.gz object, not an uncompressed prefix",
                       "use ModelData.from_bucket(bucket, 'key.tar.gz') or ModelData.from_asset('model.tar.gz'), "
                       "or host the uncompressed model through model=InferenceModel(...)")
        elif (check.text("component.artifact", "model_data", spec.artifact_url)
              and not is_unresolved(spec.artifact_url) and not str(spec.artifact_url).endswith(".tar.gz")):
            check.fail("component.artifact", "model_data", spec.artifact_url,
                       "a component's artifacts are one .tar.gz archive",
                       "package the artifacts as model.tar.gz and pass ModelData.from_bucket(bucket, 'key.tar.gz') "
                       "or ModelData.from_asset('model.tar.gz')")
    check.count("component.environment", "environment", spec.environment, minimum=0,
                fix="pass at most 16 variables (CloudFormation's limit for a component)")
    for key, value in spec.environment:
        check.text("component.environment", f"environment[{key!r}]", key,
                   fix="use a name of letters, digits and _, not starting with a digit")
        check.text("component.environment", f"environment[{key!r}]", value, pattern=False)


def _check_compute(check: Checker, compute: ComputeSpec) -> None:
    if compute.min_memory_mb is None:
        check.fail("component.memory", "compute.min_memory_mb", None, "is required",
                   "reserve the memory one copy needs, e.g. min_memory_mb=1024")
    check.number("component.memory", "compute.min_memory_mb", compute.min_memory_mb)
    check.number("component.memory", "compute.max_memory_mb", compute.max_memory_mb)
    check.number("component.cpu-cores", "compute.cpu_cores", compute.cpu_cores, integer=False)
    check.number("component.accelerators", "compute.accelerator_devices", compute.accelerator_devices,
                 integer=False)


def _check_fit(check: Checker, compute: ComputeSpec, endpoint: ComponentEndpointSpec) -> None:
    name = endpoint.instance_type
    if not isinstance(name, str) or is_unresolved(name):
        return
    have = resources_of(name)
    if have is None:
        return  # reported by component_warnings as not checked
    accelerators = _known(compute.accelerator_devices)
    if accelerators is not None and accelerators > _accelerator_ceiling(have):
        counted = (f"{have.accelerators} Neuron devices ({have.neuron_cores} NeuronCores)"
                   if have.neuron_cores else f"{have.accelerators} accelerators")
        check.fail("component.fit", "compute.accelerator_devices", compute.accelerator_devices,
                   f"one copy asks for {accelerators:g} accelerator devices, but {name} has {counted}: "
                   "a copy runs on one instance, so it can never be placed",
                   "ask for no more accelerators than one instance has, or pick a larger instance type "
                   f"(resources: {resources_source()})")
    cores = _known(compute.cpu_cores)
    if cores is not None and cores > have.vcpu:
        check.fail("component.fit", "compute.cpu_cores", compute.cpu_cores,
                   f"one copy asks for {cores:g} CPU cores, but {name} has {have.vcpu} vCPUs",
                   "reserve fewer cores, or pick a larger instance type")
    memory = _known(compute.min_memory_mb)
    if memory is not None and memory > have.memory_mib:
        check.fail("component.fit", "compute.min_memory_mb", compute.min_memory_mb,
                   f"one copy reserves {memory:g} MB, but {name} has {have.memory_mib} MiB of memory",
                   "reserve less memory, or pick an instance type with more")


def _accelerator_ceiling(have: InstanceResources) -> int:
    """The most accelerator devices a copy could get: for Neuron types the documentation does not say
    whether devices or NeuronCores are counted, so the larger figure bounds the refusal."""
    return max(have.accelerators, have.neuron_cores or 0)


def _check_copy_scaling(check: Checker, scaling: CopyScalingSpec) -> None:
    check.number("component.copy-scaling", "copy_scaling.min_copies", scaling.min_copies,
                 fix="use min_copies ≥ 0 (0 scales the component to zero)")
    check.number("component.copy-scaling", "copy_scaling.max_copies", scaling.max_copies, minimum=1,
                 fix="use max_copies ≥ 1")
    low, high = _known(scaling.min_copies), _known(scaling.max_copies)
    if low is not None and high is not None and low > high:
        check.fail("component.copy-scaling", "copy_scaling.min_copies", scaling.min_copies,
                   f"is greater than max_copies ({high:g})", "make min_copies ≤ max_copies")
    for field, target in scaling.targets:
        check.positive("autoscaling.target-value", f"copy_scaling.{field}", target, out_of_range="{value:g} is not > 0",
                       fix="load-test one copy and aim for about half of what it sustains")


def _copy_range(spec: ComponentSpec) -> FleetRange | None:
    """The copies a rolling update can start at: the copy count, or with copy autoscaling its minimum (from 1
    when that is 0: no update runs at zero copies) to its maximum (none known: a token)."""
    if spec.copy_scaling is not None:
        return fleet_range("the component's", spec.copy_scaling.min_copies, spec.copy_scaling.max_copies,
                           autoscaled=True, unit="copy")
    return fleet_range("the component's", spec.copy_count, None, autoscaled=False, unit="copy")


def _batch_copies(spec: ComponentSpec) -> int | None:
    """A rolling update's maximum batch in copies (None when it is in percent, unknown or below 1)."""
    if spec.rolling is None or spec.rolling.batch is None or spec.rolling.batch[0] == "CAPACITY_PERCENT":
        return None
    value = spec.rolling.batch[1]
    if not isinstance(value, int) or isinstance(value, bool) or is_unresolved(value) or value < 1:
        return None  # a count below 1 (or not whole) is component.rolling-update's
    return value


_BATCH_PERCENT_FIX = "replace a share of the copies per batch (batch_percent=...)"


def _check_rolling_batch(check: Checker, spec: ComponentSpec) -> None:
    """MaximumBatchSize is 5–50% of the copy count (botocore's documentation of the field): a percentage
    directly; a number of copies against the copies the update starts at, refused only when no count it can
    start at fits (``_rolling_batch_warning`` says when only some do)."""
    rolling = spec.rolling
    if rolling is None or rolling.batch is None:
        return
    unit, value = rolling.batch
    row = constraint("component.rolling-batch")
    low, high = row.minimum or 5, row.maximum or 50
    if unit == "CAPACITY_PERCENT":
        check.number(row.id, "deployment.maximum_batch", value, fix=f"use batch_percent={low:g} to {high:g}")
        return
    count, copies = _batch_copies(spec), _copy_range(spec)
    if count is not None and copies is not None:
        size_refusal(check, row.id, "deployment.maximum_batch", count, copies, low, high,
                     percent_fix=_BATCH_PERCENT_FIX)


def _rolling_batch_warning(check: Checker, spec: ComponentSpec) -> None:
    """A batch in copies that is 5–50% of some of the copy counts autoscaling reaches and not of others:
    SageMaker checks it against the count when the update starts, so it fails only at some counts."""
    count, copies = _batch_copies(spec), _copy_range(spec)
    if count is None or copies is None:
        return
    row = constraint("component.rolling-batch")
    size_warning(check, "component.rolling-batch-some-counts", "deployment.maximum_batch", "batch", count, copies,
                 row.minimum or 5, row.maximum or 50, percent_fix=_BATCH_PERCENT_FIX)


def _check_rolling(check: Checker, rolling: RollingSpec) -> None:
    for field, size in (("deployment.maximum_batch", rolling.batch), ("deployment.rollback_maximum_batch",
                                                                     rolling.rollback_batch)):
        if size is None or (size is rolling.batch and size[0] == "CAPACITY_PERCENT"):
            continue  # a maximum batch in percent is component.rolling-batch's (5–50)
        unit, value = size
        check.number("component.rolling-update", field, value, minimum=1,
                     maximum=100 if unit == "CAPACITY_PERCENT" else None,
                     fix="use 1–100 percent of the copies" if unit == "CAPACITY_PERCENT" else "use ≥ 1 copy")
    if rolling.batch is None:
        check.fail("component.rolling-update", "deployment", None, "a rolling update needs a maximum batch",
                   "pass batch_copies=1 (or batch_percent=...)")
    check.number("component.rolling-update", "deployment.wait", rolling.wait_seconds, minimum=0, maximum=3600,
                 fix="wait Duration.seconds(0) to Duration.hours(1) between batches")
    check.number("component.rolling-update", "deployment.maximum_execution_timeout", rolling.timeout_seconds,
                 minimum=600, maximum=28800, fix="use Duration.minutes(10) to Duration.hours(8)")
    if rolling.alarms > 10:
        check.fail("component.rolling-update", "deployment.rollback_alarms", rolling.alarms,
                   f"has {rolling.alarms} alarms: at most 10", "keep the 10 that matter most, or combine them "
                   "in a cloudwatch.CompositeAlarm")


def component_warnings(spec: ComponentSpec, endpoint: ComponentEndpointSpec) -> list[Problem]:
    """Advice on one component: a reservation near the instance's limits, accelerators idle or missing,
    an instance type without resource data (not checked)."""
    check = Checker()
    if not spec.is_adapter and _known(spec.copy_count) == 0:
        check.fail("component.copy-count-zero", "copy_count", 0,
                   "0 copies at creation: the service model allows it, but CreateInferenceComponent has been "
                   "reported to refuse it ('copy count an integer larger than 0')",
                   "start with copy_count=1; copy_scaling=CopyScaling(min_copies=0, ...) scales to zero afterwards")
    _rolling_batch_warning(check, spec)
    unknown_bucket_length(check, "model_data", key_in_unknown_bucket(spec.artifact_url),
                          constraint("component.artifact").max_length or 1024, what="artifact URL")
    compute = spec.compute
    if compute is not None:
        low, high = _known(compute.min_memory_mb), _known(compute.max_memory_mb)
        if low is not None and high is not None and high < low:
            check.fail("component.memory-order", "compute.max_memory_mb", compute.max_memory_mb,
                       f"is below min_memory_mb ({low:g})", "make max_memory_mb ≥ min_memory_mb, or drop it")
    name = endpoint.instance_type
    if compute is None or not isinstance(name, str) or is_unresolved(name):
        return check.problems
    have = resources_of(name)
    if have is None:
        check.fail("component.fit-unknown", "instance_type", name,
                   "the package's resource data does not list this type, so whether a copy fits one instance is "
                   "not checked", "nothing to do; a newer release of this library may know the type")
        return check.problems
    accelerators = _known(compute.accelerator_devices) or 0.0
    if accelerators == 0 and have.accelerators > 0:
        check.fail("component.fit-accelerator-kind", "compute.accelerator_devices", None,
                   f"{name} has {have.accelerators} accelerators but this component reserves none: it runs on the "
                   "CPUs and leaves them idle (unless another component reserves them)",
                   "reserve accelerator_devices for a model that needs them, or host CPU models on a CPU type")
    if have.neuron_cores and have.accelerators < accelerators <= have.neuron_cores:
        check.fail("component.fit-margin", "compute.accelerator_devices", compute.accelerator_devices,
                   f"{name} has {have.accelerators} Neuron devices and {have.neuron_cores} NeuronCores; the "
                   "documentation does not say which one NumberOfAcceleratorDevicesRequired counts (unverified)",
                   f"ask for at most {have.accelerators} devices to be sure it fits")
    for field, value, nominal, unit in (("compute.cpu_cores", _known(compute.cpu_cores), have.vcpu, "vCPUs"),
                                        ("compute.min_memory_mb", _known(compute.min_memory_mb), have.memory_mib,
                                         "MiB")):
        if value is not None and _MARGIN * nominal < value <= nominal:
            check.fail("component.fit-margin", field, value,
                       f"is within 10 % of {name}'s {nominal} {unit}: SageMaker keeps part of each instance for "
                       "itself, so the copy may not be placed (the documentation gives no figure)",
                       "reserve less, or pick a larger instance type")
    return check.problems


def fleet_warnings(components: Sequence[ComponentSpec], endpoint: ComponentEndpointSpec) -> list[Problem]:
    """The copies of all components at their maximum against the fleet at its maximum: per resource
    (accelerators, vCPUs, memory) in total, and per component the copies one instance holds."""
    check = Checker()
    name, instances = endpoint.instance_type, endpoint.max_instances
    have = resources_of(name) if isinstance(name, str) and not is_unresolved(name) else None
    if have is None or instances is None:
        return check.problems
    demand = {"accelerator devices": 0.0, "vCPUs": 0.0, "MiB of memory": 0.0}
    capacity = {"accelerator devices": float(_accelerator_ceiling(have)) * instances,
                "vCPUs": float(have.vcpu) * instances, "MiB of memory": float(have.memory_mib) * instances}
    for component in components:
        copies, compute = component.max_copies, component.compute
        if copies is None or compute is None:
            return check.problems  # a token count: the fleet cannot be compared
        per_copy = {"accelerator devices": _known(compute.accelerator_devices) or 0.0,
                    "vCPUs": _known(compute.cpu_cores) or 0.0, "MiB of memory": _known(compute.min_memory_mb) or 0.0}
        for key, amount in per_copy.items():
            demand[key] += copies * amount
        fits = min((capacity[key] / instances // amount for key, amount in per_copy.items() if amount > 0),
                   default=math.inf)
        if fits * instances < copies:
            label = component.component_name
            label = label if isinstance(label, str) and not is_unresolved(label) else "(generated or deploy-time name)"
            check.fail("component.fit-fleet", "copy_scaling.max_copies", copies,
                       f"component {label}: one {name} holds {fits:g} "
                       f"copies, so {instances:g} instances hold {fits * instances:g}, fewer than {copies:g}",
                       "raise the endpoint's maximum instances (managed_scaling.max_instances or instance_count), "
                       "or lower max_copies")
    for key, needed in demand.items():
        if needed > capacity[key]:
            check.fail("component.fit-fleet", "copy_scaling.max_copies", f"{needed:g} {key}",
                       f"the components' copies at their maximum need {needed:g} {key}, the fleet at its maximum "
                       f"({instances:g} × {name}) has {capacity[key]:g}: the last copies will not be placed",
                       "raise the endpoint's maximum instances, or lower the components' max_copies")
    return check.problems


__all__ = [
    "ComponentEndpointSpec",
    "ComponentSpec",
    "ComputeSpec",
    "CopyScalingSpec",
    "ManagedScalingSpec",
    "RollingSpec",
    "component_endpoint_warnings",
    "component_warnings",
    "fleet_warnings",
    "validate_component",
    "validate_component_endpoint",
]
