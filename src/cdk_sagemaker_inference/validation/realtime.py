"""Real-time (instance-based) rules (the constraint table, area "Real-time", "Application Auto Scaling").

The construct translates its typed props into :class:`VariantSpec` / :class:`DataCaptureSpec`
and these functions check them. ``realtime_warnings`` returns advice (soft rules) as problems of
warning-severity rows; the construct turns them into synth warnings.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ..errors import Problem
from ..specs import ModelSpec
from ..tokens import is_unresolved
from .checks import Checker, revalidated
from .instances import (
    check_autoscaling_instance_type,
    check_inference_ami,
    check_instance_type,
    check_volume_size,
    inference_ami_cuda_warning,
    volume_key_nvme_warning,
)

_MIME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9])*/[a-zA-Z0-9](-*[a-zA-Z0-9.])*$")
"""botocore's ``CsvContentType``/``JsonContentType`` pattern (CloudFormation's ``CaptureContentTypeHeader``
items have the same): letters, digits, '-' and, in the subtype, '.'; no '+' (``application/vnd.api+json``)."""


@dataclass(frozen=True)
class ScalingSpec:
    """Target tracking of a variant's instance count (plain values)."""

    min_capacity: object
    max_capacity: object
    target_invocations_per_instance: object
    schedules: tuple[tuple[object, object], ...] = ()
    schedule_expressions: tuple[object, ...] = ()
    """Each scheduled action's expression (``cron(...)``, ``rate(...)``, ``at(...)``), as rendered."""
    """(min_capacity, max_capacity) of each scheduled action."""
    targets: tuple[tuple[str, object], ...] = ()
    """(field, target value) of the other target-tracking policies (None: not set)."""
    step_intervals: int | None = None
    """Number of step-scaling intervals (None: no step scaling)."""
    custom_metric_kinds: tuple[str, ...] = ()
    """The class name of each custom target's metric (``Metric``, ``MathExpression``)."""
    custom_metric_statistics: tuple[object, ...] = ()
    """The statistic of each custom target's metric (as aws-cdk-lib normalises it; None: not a Metric)."""
    step_evaluation_periods: object = None
    step_period_seconds: float | None = None
    """The step-scaling metric's period (its alarms' period); None when unknown at synth."""


@dataclass(frozen=True)
class VariantSpec:
    """One production (or shadow) variant, as plain values."""

    field: str
    """How the user named it in messages: ``""`` (top-level props), ``variants[1].`` or ``shadow_variant.``."""
    variant_name: object
    model: ModelSpec
    instance_type: object
    instance_count: object = 1
    initial_weight: object = 1.0
    volume_size_gb: object = None
    model_data_download_timeout_seconds: object = None
    container_startup_health_check_timeout_seconds: object = None
    accelerator_type: object = None
    managed_instance_scaling: object = None
    scaling: ScalingSpec | None = None
    inference_ami_version: object = None
    capacity_reservation_arn: object = None


@dataclass(frozen=True)
class DataCaptureSpec:
    """Data capture settings as plain values."""

    destination: object
    sampling_percentage: object
    capture_modes: tuple[object, ...]
    csv_content_types: tuple[object, ...] | None = None
    json_content_types: tuple[object, ...] | None = None


def _known_int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and not is_unresolved(value):
        return value
    return None


@revalidated
def validate_variants(variants: Sequence[VariantSpec], *, known_types: Collection[str],
                      allow_unknown_instance_type: bool = False, shadow: VariantSpec | None = None,
                      field: str = "variants") -> list[Problem]:
    """Problems of the production variants (1–10, unique names) and the optional shadow variant."""
    check = Checker()
    check.count("realtime.variant-count", field, variants,
                fix="give between 1 and 10 production variants (split the rest over several endpoints)")
    for variant in (*variants, *((shadow,) if shadow is not None else ())):
        _check_variant(check, variant, known_types, allow_unknown_instance_type)
    names = [v.variant_name for v in (*variants, *((shadow,) if shadow is not None else ()))
             if isinstance(v.variant_name, str) and not is_unresolved(v.variant_name)]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    for name in duplicates:
        check.fail("realtime.variant-names-unique", f"{field}[].variant_name", name,
                   f"the variant name {name!r} is used {names.count(name)} times",
                   "give every variant (production and shadow) its own variant_name")
    if shadow is not None:
        _check_shadow(check, variants, shadow)
    return check.problems


def _check_variant(check: Checker, variant: VariantSpec, known_types: Collection[str], allow_unknown: bool) -> None:
    prefix = variant.field
    check.text("name.endpoint", f"{prefix}variant_name", variant.variant_name,
               fix="use 1–63 letters, digits and hyphens, starting and ending with a letter or digit")
    type_ok = check_instance_type(check, "realtime.instance-type", f"{prefix}instance_type", variant.instance_type,
                                  known_types, allow_unknown=allow_unknown)
    if variant.instance_count is None:
        check.fail("realtime.instance-count", f"{prefix}instance_count", None, "is required",
                   "pass instance_count ≥ 1 (2 or more for Availability Zone redundancy)")
    check.number("realtime.instance-count", f"{prefix}instance_count", variant.instance_count,
                 fix="run at least 1 instance (2 or more for Availability Zone redundancy); async "
                 "endpoints and InferenceComponentEndpoint scale to zero")
    check.number("realtime.variant-weight", f"{prefix}initial_weight", variant.initial_weight, integer=False,
                 fix="use a weight ≥ 0: traffic is split by weight / sum of weights (0 sends no traffic)")
    check_volume_size(check, f"{prefix}volume_size_gb", variant.volume_size_gb, variant.instance_type)
    check.number("realtime.model-download-timeout", f"{prefix}model_data_download_timeout",
                 variant.model_data_download_timeout_seconds, fix="use Duration.seconds(60) to Duration.hours(1)")
    check.number("realtime.startup-health-timeout", f"{prefix}container_startup_health_check_timeout",
                 variant.container_startup_health_check_timeout_seconds,
                 fix="use Duration.seconds(60) to Duration.hours(1)")
    check.text("realtime.capacity-reservation", f"{prefix}capacity_reservation_arn", variant.capacity_reservation_arn,
               fix="pass the ML capacity reservation's ARN, arn:aws:sagemaker:<region>:<account>:<type>/<id> "
               "(20–258 characters)")
    check_inference_ami(check, f"{prefix}inference_ami_version", variant.inference_ami_version,
                        variant.instance_type if type_ok else None)
    if variant.accelerator_type is not None:
        check.fail("realtime.no-elastic-inference", f"{prefix}accelerator_type", variant.accelerator_type,
                   "Elastic Inference accelerators are no longer available",
                   "drop accelerator_type and pick an accelerated instance type instead (e.g. ml.g5.xlarge, "
                   "ml.inf2.xlarge)")
    if variant.managed_instance_scaling is not None:
        check.fail("realtime.no-managed-instance-scaling", f"{prefix}managed_instance_scaling",
                   variant.managed_instance_scaling,
                   "managed instance scaling is accepted only for inference-component endpoints: "
                   "CreateEndpointConfig fails for model-based variants",
                   "drop managed_instance_scaling and use autoscaling=InstanceScaling(...) (Application Auto Scaling), "
                   "or host the model as an InferenceComponent on an InferenceComponentEndpoint")
    if variant.scaling is not None:
        if type_ok:
            check_autoscaling_instance_type(check, f"{prefix}instance_type", variant.instance_type)
        _check_scaling(check, variant.scaling, f"{prefix}autoscaling")


def _check_scaling(check: Checker, scaling: ScalingSpec, field: str) -> None:
    low_ok = check.number("autoscaling.min-capacity", f"{field}.min_capacity", scaling.min_capacity,
                          fix="use min_capacity ≥ 1 (async endpoints and InferenceComponentEndpoint scale to zero)")
    high_ok = check.number("autoscaling.min-capacity", f"{field}.max_capacity", scaling.max_capacity,
                           fix="use max_capacity ≥ 1 and ≥ min_capacity")
    low, high = _known_int(scaling.min_capacity), _known_int(scaling.max_capacity)
    if low_ok and high_ok and low is not None and high is not None and low > high:
        check.fail("autoscaling.min-capacity", f"{field}.min_capacity", low,
                   f"is greater than max_capacity ({high})", "make min_capacity ≤ max_capacity")
    targets = (("target_invocations_per_instance", scaling.target_invocations_per_instance), *scaling.targets)
    for name, target in targets:
        check.positive("autoscaling.target-value", f"{field}.{name}", target,
                       fix="load-test one instance and aim for about half of what it sustains "
                       "(for utilization: a percentage such as 70)",
                       type_fix="pass the value of the metric to aim for, e.g. 100 invocations per instance per minute")
    if scaling.step_intervals is not None and scaling.step_intervals < 2:
        check.fail("autoscaling.step-intervals", f"{field}.step_scaling.steps", scaling.step_intervals,
                   f"has {scaling.step_intervals} interval(s)",
                   "give at least 2 ScalingInterval(...): one that scales in below a bound, one that scales "
                   "out above it")
    for index, kind in enumerate(scaling.custom_metric_kinds):
        if kind != "Metric":
            check.fail("autoscaling.custom-metric", f"{field}.custom_targets[{index}].metric", kind,
                       "target tracking on a custom metric takes one CloudWatch Metric, not a math expression",
                       "pass a cloudwatch.Metric (namespace, metric_name, dimensions_map, statistic)")
    for index, statistic in enumerate(scaling.custom_metric_statistics):
        check.one_of("autoscaling.custom-metric-statistic", f"{field}.custom_targets[{index}].metric.statistic",
                     statistic, fix="target tracking takes Average, Minimum, Maximum, SampleCount or Sum; for a percentile, "
                     "scale on steps (step_scaling) or publish the percentile as a metric of its own")
    if scaling.step_evaluation_periods is not None:
        check.number("autoscaling.step-intervals", f"{field}.step_scaling.evaluation_periods",
                     scaling.step_evaluation_periods, minimum=1, fix="evaluate at least 1 period")
    if scaling.step_intervals is not None:  # aws-cdk-lib's alarms evaluate 1 period unless told otherwise
        from .alarms import check_alarm_window  # the alarm and schedule rules load when a scaling has some

        check_alarm_window(check, f"{field}.step_scaling.evaluation_periods",
                           1 if scaling.step_evaluation_periods is None else scaling.step_evaluation_periods,
                           scaling.step_period_seconds, period_field=f"{field}.step_scaling.metric")
    for index, expression in enumerate(scaling.schedule_expressions):
        if isinstance(expression, str) and not is_unresolved(expression):
            from .schedules import check_schedule

            check_schedule(check, "autoscaling.schedule", f"{field}.schedules[{index}].schedule", expression,
                           at=True, rate_unit_agrees=False)
    for index, (s_low, s_high) in enumerate(scaling.schedules):
        where = f"{field}.schedules[{index}]"
        if s_low is None and s_high is None:
            check.fail("autoscaling.min-capacity", where, None, "sets neither min_capacity nor max_capacity",
                       "give min_capacity and/or max_capacity for the scheduled action")
            continue
        ok_low = check.number("autoscaling.min-capacity", f"{where}.min_capacity", s_low,
                              fix="use min_capacity ≥ 1 (async endpoints and InferenceComponentEndpoint scale to zero)")
        ok_high = check.number("autoscaling.min-capacity", f"{where}.max_capacity", s_high,
                               fix="use max_capacity ≥ 1 and ≥ min_capacity")
        a, b = _known_int(s_low), _known_int(s_high)
        if ok_low and ok_high and a is not None and b is not None and a > b:
            check.fail("autoscaling.min-capacity", f"{where}.min_capacity", a,
                       f"is greater than max_capacity ({b})", "make min_capacity ≤ max_capacity")


def _check_shadow(check: Checker, variants: Sequence[VariantSpec], shadow: VariantSpec) -> None:
    if len(variants) != 1:
        check.fail("shadow.one-production", "shadow_variant", f"{len(variants)} production variants",
                   "a shadow variant needs exactly one production variant",
                   "keep one production variant while shadow testing (A/B weights and shadows do not mix)")
    for variant in (*variants[:1], shadow):
        where = "shadow_variant" if variant is shadow else (variant.field.rstrip(".") or "model")
        reasons: list[str] = []
        if len(variant.model.containers) > 1:
            reasons.append(f"its model has {len(variant.model.containers)} containers (multi-container)")
        if any(c.mode == "MultiModel" for c in variant.model.containers):
            reasons.append("its model is a multi-model container")
        if any(c.marketplace for c in variant.model.containers):
            reasons.append("its model is an AWS Marketplace package")
        if isinstance(variant.instance_type, str) and variant.instance_type.startswith("ml.inf1."):
            reasons.append(f"it runs on {variant.instance_type} (Inf1)")
        for reason in reasons:
            check.fail("shadow.exclusions", where, variant.variant_name,
                       f"shadow tests are not available here: {reason}",
                       "use a single-container, single-model, non-Marketplace model on a non-Inf1 type, "
                       "or drop shadow_variant (compare with weighted production variants instead)")


@revalidated
def validate_data_capture(spec: DataCaptureSpec, *, field: str = "data_capture") -> list[Problem]:
    """Problems of a data capture configuration."""
    check = Checker()
    check.text("datacapture.destination", f"{field}.prefix", spec.destination,
               fix="use a shorter prefix (the whole s3:// destination is at most 512 characters)")
    check.number("datacapture.sampling", f"{field}.sampling_percentage", spec.sampling_percentage,
                 fix="use a whole percentage from 0 to 100")
    check.count("datacapture.options", f"{field}.capture_modes", spec.capture_modes,
                fix="capture Input, Output or both, e.g. [CaptureMode.INPUT, CaptureMode.OUTPUT]")
    for index, mode in enumerate(spec.capture_modes):
        check.one_of("datacapture.options", f"{field}.capture_modes[{index}]", mode)
    for name, types in (("csv_content_types", spec.csv_content_types), ("json_content_types", spec.json_content_types)):
        if types is None:
            continue
        check.count("datacapture.content-types", f"{field}.{name}", types,
                    fix=f"give between 1 and 10 content types, or leave {name} unset")
        for index, value in enumerate(types):
            where = f"{field}.{name}[{index}]"
            if check.text("datacapture.content-types", where, value) and not is_unresolved(value):
                assert isinstance(value, str)
                if not _MIME.fullmatch(value):
                    check.fail("datacapture.content-types", where, value,
                               "is not a content type SageMaker accepts (type/subtype of letters, digits, '-' and '.')",
                               "use type/subtype without '+' or parameters, e.g. text/csv or application/jsonlines")
    return check.problems


def realtime_warnings(variants: Sequence[VariantSpec], *, kms_key: bool,
                      shadow: VariantSpec | None = None) -> list[Problem]:
    """Advice (warning-severity rows): single-instance variants, KMS on NVMe types, autoscaled types."""
    check = Checker()
    for variant in (*variants, *((shadow,) if shadow is not None else ())):
        scaling = variant.scaling
        if (scaling is not None and scaling.target_invocations_per_instance is None and scaling.step_intervals is None
                and not any(value is not None for _, value in scaling.targets) and not scaling.schedules):
            check.fail("autoscaling.no-policy", f"{variant.field}autoscaling", "InstanceScaling(...)",
                       "has no target, step scaling or schedule: the variant is registered but never scales",
                       "set a target (e.g. target_invocations_per_instance=100), step_scaling or schedules")
    for variant in variants:
        scaling = variant.scaling
        floor = _known_int(scaling.min_capacity) if scaling is not None else _known_int(variant.instance_count)
        field = (f"{variant.field}autoscaling.min_capacity" if scaling is not None
                 else f"{variant.field}instance_count")
        if floor == 1:
            check.fail("realtime.single-instance", field, 1,
                       f"variant {variant.variant_name!r} can run on one instance: no Availability Zone redundancy",
                       "run 2 or more instances (SageMaker spreads them over Availability Zones)")
    for variant in (*variants, *((shadow,) if shadow is not None else ())):
        name = variant.instance_type
        if kms_key:
            volume_key_nvme_warning(check, f"{variant.field}instance_type", name, "kms_key")
        inference_ami_cuda_warning(check, f"{variant.field}inference_ami_version", variant.inference_ami_version,
                                   variant.model.containers)
        if variant.scaling is not None:
            check.fail("migration.autoscaled-instance-type", f"{variant.field}instance_type", name,
                       f"variant {variant.variant_name!r} is autoscaled: an update that changes its instance type "
                       "fails while it is registered with Application Auto Scaling",
                       "to change the type later: deploy once without autoscaling (deregisters it), then change "
                       "the type, then add autoscaling back; or add a new variant with the new type")
    return check.problems


def guardrail_warnings(variants: Sequence[VariantSpec]) -> list[Problem]:
    """Deployment guardrails are ignored for Marketplace containers and Inf1 instances."""
    check = Checker()
    for variant in variants:
        guardrail_exclusions(check, variant.variant_name, variant.instance_type,
                             marketplace=any(c.marketplace for c in variant.model.containers))
    return check.problems


def guardrail_exclusions(check: Checker, variant_name: object, instance_type: object, *, marketplace: bool) -> None:
    """A warning per guardrails exclusion a variant meets (DG:deployment-guardrails-exclusions)."""
    reasons = ["an AWS Marketplace model"] if marketplace else []
    if isinstance(instance_type, str) and instance_type.startswith("ml.inf1."):
        reasons.append(f"{instance_type} (Inf1)")
    for reason in reasons:
        check.fail("guardrails.exclusions", "deployment", variant_name,
                   f"variant {variant_name!r} uses {reason}: SageMaker ignores the deployment "
                   "guardrails and updates all at once without a baking period",
                   "accept it, or use a non-Marketplace model on a non-Inf1 instance type (e.g. ml.inf2)")


def instance_floor(variant: VariantSpec) -> object:
    """The fewest instances the variant can run on: its autoscaling minimum, else its initial count."""
    if variant.scaling is not None:
        return variant.scaling.min_capacity
    return variant.instance_count


def instance_ceiling(variant: VariantSpec) -> object:
    """The variant's autoscaling maximum (the most instances it can run on); None without autoscaling (it runs
    on its initial count)."""
    return variant.scaling.max_capacity if variant.scaling is not None else None


__all__ = [
    "DataCaptureSpec",
    "ScalingSpec",
    "VariantSpec",
    "guardrail_warnings",
    "instance_ceiling",
    "instance_floor",
    "realtime_warnings",
    "validate_data_capture",
    "validate_variants",
]
