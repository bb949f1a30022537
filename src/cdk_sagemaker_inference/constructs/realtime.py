"""RealtimeEndpoint: models on dedicated instances (variants, autoscaling, data capture, guardrails)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_cdk import Duration, TimeZone
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..assembly.resources import ScalingRange, known_int
from ..cost.capacity import VariantCapacity, instance_variant
from ..errors import Problem, ValidationError, problems_of
from ..instance_types import InstanceType, known_realtime_types
from ..tokens import is_unresolved, shown_number
from ..typecheck import TypeChecks, checked, props_class
from ..validation.realtime import (
    ScalingSpec,
    VariantSpec,
    guardrail_warnings,
    instance_ceiling,
    instance_floor,
    realtime_warnings,
    validate_variants,
)
from ._base import annotate, policies_of, role_for_grants, unique_child_id, with_notes
from ._batch import Batch, Ref, struct
from ._environment import environment_problems
from ._lazy import lazy_module
from ._memo import with_literal_start
from ._scaling import INSTANCE_COUNT, step_intervals_refusal, variant_scalable_target
from .data_capture import DataCapture
from .endpoint import (
    DEFAULT_VARIANT_NAME,
    EndpointBase,
    EndpointKind,
    RoutingStrategy,
    add_metrics_config,
    metrics_frequency,
)
from .guardrails import (
    DeploymentGuardrails,
    RollbackAlarms,
    guardrails_problems,
    guardrails_warnings,
    render_deployment_config,
    seconds_of,
)
from .model import InferenceModel

# Submodules only some props and methods use, imported on first use (see _lazy).
if TYPE_CHECKING:
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_kms as kms
else:
    cloudwatch = lazy_module("aws_cdk.aws_cloudwatch")
    kms = lazy_module("aws_cdk.aws_kms")

__all__ = ["InstanceScaling", "MetricTarget", "ProductionVariant", "RealtimeEndpoint", "RoutingStrategy",
           "ScheduledCapacity", "StepScaling"]

_INSTANCE_METRICS = "/aws/sagemaker/Endpoints"


@props_class
@dataclass(frozen=True, kw_only=True)
class ScheduledCapacity:
    """A scheduled change of a variant's capacity range (an Application Auto Scaling scheduled action)."""

    schedule: appscaling.Schedule
    """When, e.g. ``appscaling.Schedule.cron(hour="8", minute="0")``. No default."""
    min_capacity: int | None = None
    """New minimum instance count (≥ 1). Default: unchanged. Give this or ``max_capacity``."""
    max_capacity: int | None = None
    """New maximum instance count (≥ ``min_capacity``). Default: unchanged."""
    time_zone: TimeZone | None = None
    """Time zone of a cron or at schedule. Default: UTC."""
    start_time: datetime.datetime | None = None
    """When the schedule starts. Default: now."""
    end_time: datetime.datetime | None = None
    """When the schedule ends. Default: never."""


@props_class
@dataclass(frozen=True, kw_only=True)
class MetricTarget:
    """Target tracking on any CloudWatch metric: keep ``metric`` near ``target_value``."""

    metric: cloudwatch.IMetric
    """The metric (its average should fall as instances are added). No default."""
    target_value: float
    """The value to keep it near (> 0). No default."""


@props_class
@dataclass(frozen=True, kw_only=True)
class StepScaling:
    """Step scaling on a metric: an alarm per interval boundary adds or removes capacity in steps
    (aws-cdk-lib's ``ScalableTarget.scale_on_metric``)."""

    metric: cloudwatch.IMetric
    """The metric the alarms watch. No default."""
    steps: Sequence[appscaling.ScalingInterval]
    """At least 2 intervals (``lower``/``upper`` bounds of the metric, ``change`` of capacity). No default."""
    adjustment_type: appscaling.AdjustmentType = appscaling.AdjustmentType.CHANGE_IN_CAPACITY
    """How ``change`` is applied. Default: a number of instances (``CHANGE_IN_CAPACITY``)."""
    cooldown: Duration | None = None
    """Time between two scaling activities. Default: Application Auto Scaling's default."""
    evaluation_periods: int | None = None
    """Periods the alarms evaluate (≥ 1). Default: aws-cdk-lib's (1)."""


@props_class
@dataclass(frozen=True, kw_only=True)
class InstanceScaling:
    """Autoscaling of a variant's instance count: target tracking on one or more metrics (invocations
    per instance, high-resolution concurrent requests, CPU or GPU utilization, any metric), step
    scaling, and scheduled capacity; several policies on one variant scale out when any asks to and
    in when all allow it.

    Not available on burstable ``ml.t*`` types. While a variant is autoscaled, an update that
    changes its instance type fails: remove autoscaling first (one deploy), then change the type.
    """

    min_capacity: int
    """Fewest instances (≥ 1; 2 or more for Availability Zone redundancy). No default."""
    max_capacity: int
    """Most instances (≥ ``min_capacity``). No default."""
    target_invocations_per_instance: float | None = None
    """Average invocations per instance per minute to aim for (> 0,
    ``SageMakerVariantInvocationsPerInstance``): load-test one instance and take about half of what
    it sustains. Default: none."""
    target_concurrent_requests_per_model: float | None = None
    """Concurrent requests per model copy to aim for (> 0), on the high-resolution
    ``SageMakerVariantConcurrentRequestsPerModelHighResolution`` metric (every 10 s, requests
    queued in the container included): faster scale-out for long or streamed requests. Default: none."""
    target_cpu_utilization: float | None = None
    """Average ``CPUUtilization`` (``/aws/sagemaker/Endpoints``, 100 per vCPU) to aim for (> 0). Default: none."""
    target_gpu_utilization: float | None = None
    """Average ``GPUUtilization`` (``/aws/sagemaker/Endpoints``, 100 per GPU) to aim for (> 0). Default: none."""
    custom_targets: Sequence[MetricTarget] = ()
    """Target tracking on metrics of your own. Default: none."""
    step_scaling: StepScaling | None = None
    """Step scaling on a metric. Default: none."""
    scale_in_cooldown: Duration | None = None
    """Default: Application Auto Scaling's default (300 s)."""
    scale_out_cooldown: Duration | None = None
    """Default: Application Auto Scaling's default (300 s)."""
    disable_scale_in: bool = False
    """Never remove instances automatically. Default: False."""
    schedules: Sequence[ScheduledCapacity] = ()
    """Scheduled changes of the capacity range. Default: none."""


@props_class
@dataclass(frozen=True, kw_only=True)
class ProductionVariant:
    """One variant of a real-time endpoint: a model on its own fleet, with a traffic weight.

    Also the shape of the shadow variant (``RealtimeEndpoint(shadow_variant=...)``), whose weight
    is the share of production requests copied to it.
    """

    variant_name: str
    """Unique within the endpoint (1–63 letters, digits, hyphens). No default. Keep it stable:
    deployment guardrails need the same variant name in the old and new configuration."""
    model: InferenceModel
    """The model this variant serves. No default."""
    instance_type: InstanceType
    """e.g. ``InstanceType.M5_LARGE`` or ``InstanceType.of("ml.g6.xlarge")``. No default."""
    instance_count: int = 1
    """Initial instances (≥ 1). Default: 1, which warns: one instance has no Availability Zone
    redundancy."""
    initial_weight: float = 1.0
    """Traffic weight (≥ 0): the variant gets weight / sum of weights. Default: 1.0."""
    volume_size_gb: int | None = None
    """ML storage volume per instance, 1–512 GB. Default: SageMaker's default for the type."""
    model_data_download_timeout: Duration | None = None
    """Time to download the model, 60–3600 s. Default: SageMaker's default."""
    container_startup_health_check_timeout: Duration | None = None
    """Time for the container to pass ``/ping``, 60–3600 s. Default: SageMaker's default."""
    routing_strategy: RoutingStrategy | None = None
    """How requests are spread over instances. Default: SageMaker's (``RANDOM``)."""
    autoscaling: InstanceScaling | None = None
    """Target-tracking autoscaling of the instance count. Default: none (fixed fleet)."""
    inference_ami_version: str | None = None
    """The preconfigured AMI the instances run (GPU driver and CUDA, or Neuron driver), e.g.
    ``"al2-ami-sagemaker-inference-gpu-3-1"``: a GPU AMI only on GPU types, the Neuron AMI only on
    ml.inf2/ml.trn*. Default: none (SageMaker's default AMI for the type)."""
    enable_ssm_access: bool | None = None
    """Native AWS Systems Manager (SSM) access to the variant's instances (``EnableSSMAccess``).
    Default: none (SageMaker's default: off)."""
    capacity_reservation_arn: str | None = None
    """Launch the instances only into this ML capacity reservation
    (``CapacityReservationConfig``, preference ``capacity-reservations-only``: without capacity
    there, instances fail to launch). Default: none (on-demand capacity)."""
    accelerator_type: str | None = None
    """Elastic Inference: no longer available, so any value is refused. Default: none."""
    managed_instance_scaling: Any = None
    """``ManagedInstanceScaling`` works only for inference-component endpoints, so any value is
    refused (use ``autoscaling``). Default: none."""


class RealtimeEndpoint(RollbackAlarms, EndpointBase):
    """A real-time SageMaker endpoint on dedicated instances.

    One variant: pass ``model`` and ``instance_type`` (plus ``instance_count``, ``autoscaling``,
    …). Several weighted variants (A/B tests): pass ``variants=[ProductionVariant(...), ...]``
    instead. A ``ServerlessEndpoint`` with the same construct id becomes this endpoint in place
    (same logical id and name, SageMaker's UpdateEndpoint); the reverse is refused by SageMaker.
    """

    kind = EndpointKind.REALTIME

    @checked("RealtimeEndpoint", environment=environment_problems)
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        model: InferenceModel | None = None,
        instance_type: InstanceType | None = None,
        instance_count: int | None = None,
        variant_name: str | None = None,
        autoscaling: InstanceScaling | None = None,
        volume_size_gb: int | None = None,
        model_data_download_timeout: Duration | None = None,
        container_startup_health_check_timeout: Duration | None = None,
        routing_strategy: RoutingStrategy | None = None,
        inference_ami_version: str | None = None,
        variants: Sequence[ProductionVariant] | None = None,
        shadow_variant: ProductionVariant | None = None,
        data_capture: DataCapture | None = None,
        kms_key: kms.IKey | None = None,
        deployment: DeploymentGuardrails | None = None,
        endpoint_name: str | None = None,
        retain_scaled_capacity: bool | None = None,
        metrics_publish_frequency: Duration | None = None,
        enhanced_metrics: bool | None = None,
        allow_unknown_instance_type: bool = False,
    ) -> None:
        """Define a real-time endpoint.

        :param model: the model of the single variant. Default: none; then pass ``variants``.
        :param instance_type: the single variant's instance type. Default: none; required with ``model``.
        :param instance_count: the single variant's initial instances (≥ 1). Default: 1 (warns:
            no Availability Zone redundancy).
        :param variant_name: the single variant's name. Default: ``AllTraffic`` (as a
            ``ServerlessEndpoint``'s, so a migration keeps it).
        :param autoscaling: autoscaling of the single variant. Default: none.
        :param volume_size_gb: the single variant's volume, 1–512 GB. Default: SageMaker's.
        :param model_data_download_timeout: the single variant's model download timeout,
            60–3600 s. Default: SageMaker's.
        :param container_startup_health_check_timeout: the single variant's ``/ping`` timeout,
            60–3600 s. Default: SageMaker's.
        :param routing_strategy: the single variant's routing. Default: SageMaker's (``RANDOM``).
        :param inference_ami_version: the single variant's AMI version (see
            ``ProductionVariant.inference_ami_version``). Default: SageMaker's default AMI.
        :param variants: 1–10 production variants with unique names, instead of the single-variant
            props above. Default: none.
        :param shadow_variant: a shadow variant that receives a copy of production requests (its
            responses are discarded); needs exactly one production variant. Default: none.
        :param data_capture: capture requests/responses to S3. Default: none. The models' roles
            may put objects under its prefix.
        :param kms_key: encrypts the instances' ML storage volumes. Default: AWS managed
            encryption. The key does not cover the hardware-encrypted local NVMe storage of
            types such as m5d, g5 or p4d (a warning says so). The deploying role (the
            CloudFormation execution role) must be allowed to use the key.
        :param deployment: how updates roll out (blue/green or rolling) and which alarms roll them
            back. Default: none (SageMaker's blue/green, all at once, no rollback alarms).
        :param endpoint_name: the endpoint's physical name (1–63 letters, digits, hyphens).
            Default: chosen by CloudFormation. Changing it later replaces the endpoint. Needed when
            this endpoint's own alarms are rollback alarms (otherwise alarm and endpoint depend on
            each other).
        :param retain_scaled_capacity: whether an update keeps each variant's running instance count
            (the endpoint's ``RetainAllVariantProperties``, weights and data capture excluded so that
            their changes apply). Without it, every deploy that changes the endpoint config sets each
            variant back to its initial count, whatever autoscaling scaled it to. Default: True when
            a variant is autoscaled, else False. With it, a changed initial count is not applied either (the migration
            guard reports it): move the autoscaling bounds, or deploy once with False.
        :param metrics_publish_frequency: how often the endpoint publishes its utilization metrics to
            CloudWatch (``MetricsConfig.MetricPublishFrequencyInSeconds``): 10, 30, 60, 120, 180, 240 or
            300 seconds. Default: SageMaker's (60 s).
        :param enhanced_metrics: instance-level utilization and invocation metrics
            (``MetricsConfig.EnableEnhancedMetrics``; with it the frequency applies to invocation
            metrics too). Default: SageMaker's (off).
        :param allow_unknown_instance_type: accept instance types that the package's instance-type data does
            not list (a type newer than your boto3). Default: False.
        """
        super().__init__(scope, construct_id)
        shortcut = {
            "model": model, "instance_type": instance_type, "instance_count": instance_count,
            "variant_name": variant_name, "autoscaling": autoscaling, "volume_size_gb": volume_size_gb,
            "model_data_download_timeout": model_data_download_timeout,
            "container_startup_health_check_timeout": container_startup_health_check_timeout,
            "routing_strategy": routing_strategy, "inference_ami_version": inference_ami_version,
        }
        # Types, numbers and tokens of every prop (down into the variants) were checked by @checked.
        types = TypeChecks()
        if variants is not None:
            given = [name for name, value in shortcut.items() if value is not None]
            if given:
                types.conflict(given[0], f"pass the single-variant props ({', '.join(given)}) or variants=[...], "
                               "not both (put them into a ProductionVariant)")
            chosen: list[tuple[str, Any]] = [(f"variants[{i}].", v) for i, v in enumerate(variants)] \
                if isinstance(variants, (list, tuple)) else []
        else:  # the single-variant props: optional in the signature (variants= replaces them), needed here
            types.required("model", model, InferenceModel)
            types.required("instance_type", instance_type, InstanceType)
            chosen = [("", ProductionVariant(
                variant_name=variant_name if variant_name is not None else DEFAULT_VARIANT_NAME,
                model=model,  # type: ignore[arg-type]
                instance_type=instance_type,  # type: ignore[arg-type]
                instance_count=instance_count if instance_count is not None else 1,
                autoscaling=autoscaling,
                volume_size_gb=volume_size_gb,
                model_data_download_timeout=model_data_download_timeout,
                container_startup_health_check_timeout=container_startup_health_check_timeout,
                routing_strategy=routing_strategy,
                inference_ami_version=inference_ami_version,
            ))]
        types.raise_if_any(self, "RealtimeEndpoint")

        checks = TypeChecks()
        self._check_endpoint_name(checks, endpoint_name)
        frequency = metrics_frequency(checks, metrics_publish_frequency)
        specs = [_variant_spec(self, prefix, v, checks) for prefix, v in chosen]
        shadow_spec = _variant_spec(self, "shadow_variant.", shadow_variant, checks) if shadow_variant else None
        for prefix, variant in (*chosen, *((("shadow_variant.", shadow_variant),) if shadow_variant else ())):
            _check_step_intervals(checks, prefix, variant)
        problems = problems_of(
            checks.problems,
            validate_variants(specs, known_types=known_realtime_types(),
                              allow_unknown_instance_type=allow_unknown_instance_type, shadow=shadow_spec),
            data_capture.problems() if data_capture is not None else [],
            guardrails_problems(deployment, production_variants=len(specs),
                                instance_floors=[instance_floor(s) for s in specs],
                                instance_ceilings=[instance_ceiling(s) for s in specs],
                                variant_names=[s.variant_name for s in specs], owner=self)
            if deployment is not None else [],
        )
        if problems:
            raise ValidationError(self.node.path, "RealtimeEndpoint", problems)

        self.variants: tuple[ProductionVariant, ...] = tuple(v for _, v in chosen)
        """The production variants."""
        self.shadow_variant = shadow_variant
        """The shadow variant, if any."""
        self.variant_name = self.variants[0].variant_name
        self.model = self.variants[0].model
        """The first production variant's model."""
        self.data_capture = data_capture
        self.deployment = deployment
        self._endpoint_name_literal = endpoint_name if isinstance(endpoint_name, str) and not is_unresolved(
            endpoint_name) else None
        # The notes, the config, what it depends on, the endpoint and its scaling: one jsii round trip (see _batch).
        batch = Batch()
        for problem in realtime_warnings(specs, kms_key=kms_key is not None, shadow=shadow_spec) + (
                data_capture.warnings() if data_capture is not None else []) + (
                guardrail_warnings(specs) + guardrails_warnings(
                    deployment, instance_floors=[instance_floor(s) for s in specs],
                    instance_ceilings=[instance_ceiling(s) for s in specs],
                    variant_names=[s.variant_name for s in specs]) if deployment is not None else []):
            annotate(self, problem, batch)

        every = (*self.variants, *((shadow_variant,) if shadow_variant else ()))
        # Grants on a model role of another stack go into a policy of this stack (role_for_grants).
        if data_capture is not None:
            batch.run()  # the notes before what the capture's binding writes
        writers = _distinct_roles(role_for_grants(self, v.model.role) for v in every) if data_capture else []
        capture = data_capture.bind(self, writers) if data_capture is not None else None
        config = batch.new(
            sagemaker.CfnEndpointConfig, self, "Config", props=sagemaker.CfnEndpointConfigProps,
            production_variants=[_render_variant(v) for v in self.variants],
            shadow_production_variants=[_render_variant(shadow_variant)] if shadow_variant else None,
            data_capture_config=capture,
            kms_key_id=kms_key.key_arn if kms_key is not None else None,
        )
        add_metrics_config(config, frequency, enhanced_metrics, batch)
        # SageMaker writes captures as soon as the endpoint runs: the policies the capture grants went into
        # exist first (a model's role may have had no default policy before them).
        for role in writers:
            for policy in policies_of(role):
                batch.call(batch.of(config, "node"), "addDependency", policy)
        retain = retain_scaled_capacity if retain_scaled_capacity is not None else any(
            v.autoscaling is not None for v in (*self.variants, *([shadow_variant] if shadow_variant else [])))
        self._create_endpoint(config, endpoint_name=endpoint_name,
                              deployment_config=render_deployment_config(deployment) if deployment else None,
                              retain_counts=retain, batch=batch, run=False)
        if deployment is not None and deployment.rollback_alarms:
            batch.run()
            self.add_rollback_alarm(*deployment.rollback_alarms)

        self.scalable_targets: dict[str, appscaling.ScalableTarget] = {}
        """Application Auto Scaling targets by variant name (autoscaled variants only)."""
        # Every target and its policies, with the endpoint: one jsii round trip.
        targets = {variant.variant_name: self._autoscale(variant.variant_name, variant.autoscaling, batch)
                   for variant in every if variant.autoscaling is not None}
        batch.run()
        for variant_name, target in targets.items():
            self.scalable_targets[variant_name] = target.value

    # -- autoscaling ---------------------------------------------------------------------------
    def _capacity_variants(self) -> tuple[VariantCapacity, ...]:
        every = [(v, False) for v in self.variants]
        every += [(self.shadow_variant, True)] if self.shadow_variant is not None else []
        return tuple(instance_variant(v.variant_name, v.instance_type.name, known_int(v.instance_count),
                                      scaling=_range_of(v.autoscaling), shadow=shadow) for v, shadow in every)

    def _autoscale(self, variant_name: str, scaling: InstanceScaling, batch: Batch) -> Ref:
        """The scalable target of ``variant_name`` and its policies, queued in ``batch``."""
        target = variant_scalable_target(
            self, f"{self._id_part(variant_name)}Scaling", endpoint=self, variant_name=variant_name,
            dimension=INSTANCE_COUNT, min_capacity=scaling.min_capacity, max_capacity=scaling.max_capacity,
            batch=batch,
        )
        tracking = appscaling.BasicTargetTrackingScalingPolicyProps
        cooldowns: dict[str, Any] = {"scale_in_cooldown": scaling.scale_in_cooldown,
                                     "scale_out_cooldown": scaling.scale_out_cooldown,
                                     "disable_scale_in": scaling.disable_scale_in or None}
        predefined = appscaling.PredefinedMetric
        for policy_id, value, metric in (
                ("InvocationsPerInstance", scaling.target_invocations_per_instance,
                 predefined.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE),
                ("ConcurrentRequestsPerModel", scaling.target_concurrent_requests_per_model,
                 predefined.SAGEMAKER_VARIANT_CONCURRENT_REQUESTS_PER_MODEL_HIGH_RESOLUTION)):
            if value is not None:
                batch.call(target, "scaleToTrackMetric", policy_id, props=tracking, target_value=value,
                           predefined_metric=metric, **cooldowns)
        for policy_id, value, custom in (
                ("CpuUtilization", scaling.target_cpu_utilization, self.metric_cpu_utilization),
                ("GpuUtilization", scaling.target_gpu_utilization, self.metric_gpu_utilization)):
            if value is not None:
                batch.call(target, "scaleToTrackMetric", policy_id, props=tracking, target_value=value,
                           custom_metric=custom(variant_name=variant_name), **cooldowns)
        for index, custom_target in enumerate(scaling.custom_targets):
            batch.call(target, "scaleToTrackMetric", f"CustomMetric{index}", props=tracking,
                       target_value=custom_target.target_value, custom_metric=custom_target.metric, **cooldowns)
        step = scaling.step_scaling
        if step is not None:
            # aws-cdk-lib's interval rules were asked while the props were checked (_check_step_intervals)
            batch.call(target, "scaleOnMetric", "StepScaling", props=appscaling.BasicStepScalingPolicyProps,
                       metric=step.metric, scaling_steps=list(step.steps), adjustment_type=step.adjustment_type,
                       cooldown=step.cooldown, evaluation_periods=step.evaluation_periods)
        for index, scheduled in enumerate(scaling.schedules):
            batch.call(
                target, "scaleOnSchedule", f"Schedule{index}", props=appscaling.ScalingSchedule,
                schedule=scheduled.schedule, min_capacity=scheduled.min_capacity,
                max_capacity=scheduled.max_capacity, time_zone=scheduled.time_zone,
                start_time=scheduled.start_time, end_time=scheduled.end_time,
            )
        return target

    # -- rollback alarms -----------------------------------------------------------------------
    @checked("RealtimeEndpoint.add_rollback_alarm")
    def add_rollback_alarm(self, *alarms: cloudwatch.IAlarm) -> None:
        """Roll deployments back when any of ``alarms`` fires (at most 10 in total).

        Needs ``deployment``. An alarm on this endpoint's own metrics (``alarm_5xx_rate()``, …)
        needs a fixed ``endpoint_name``: otherwise the alarm needs the endpoint's generated name
        and the endpoint needs the alarm, a dependency cycle.
        """
        self._add_rollback_alarms(alarms, "RealtimeEndpoint")

    # -- metrics (AWS/SageMaker and /aws/sagemaker/Endpoints, EndpointName + VariantName) ------
    def _variant(self, variant_name: str | None) -> str:
        names = [v.variant_name for v in self.variants] + (
            [self.shadow_variant.variant_name] if self.shadow_variant else [])
        if variant_name is None:
            return self.variant_name
        if variant_name not in names:
            check = TypeChecks()
            check.fail("props.required", "variant_name", variant_name, f"is not a variant of this endpoint "
                       f"({', '.join(names)})", f"use one of {', '.join(names)}")
            check.raise_if_any(self, "RealtimeEndpoint")
        return variant_name

    def _variant_metric(self, name: str, statistic: str, variant_name: str | None,
                        namespace: str = "AWS/SageMaker") -> cloudwatch.Metric:
        return self.metric(name, variant_name=self._variant(variant_name), statistic=statistic, namespace=namespace)

    @checked("RealtimeEndpoint.metric_invocations")
    def metric_invocations(self, *, variant_name: str | None = None) -> cloudwatch.Metric:
        """Invocations (Sum). ``variant_name`` default: the first production variant."""
        return self._variant_metric("Invocations", "Sum", variant_name)

    @checked("RealtimeEndpoint.metric_invocations_per_instance")
    def metric_invocations_per_instance(self, *, variant_name: str | None = None) -> cloudwatch.Metric:
        """InvocationsPerInstance (Sum), what autoscaling tracks. ``variant_name`` default: the first variant."""
        return self._variant_metric("InvocationsPerInstance", "Sum", variant_name)

    @checked("RealtimeEndpoint.metric_invocation_4xx_errors")
    def metric_invocation_4xx_errors(self, *, variant_name: str | None = None) -> cloudwatch.Metric:
        """Invocation4XXErrors (Sum). ``variant_name`` default: the first production variant."""
        return self._variant_metric("Invocation4XXErrors", "Sum", variant_name)

    @checked("RealtimeEndpoint.metric_invocation_5xx_errors")
    def metric_invocation_5xx_errors(self, *, variant_name: str | None = None) -> cloudwatch.Metric:
        """Invocation5XXErrors (Sum). ``variant_name`` default: the first production variant."""
        return self._variant_metric("Invocation5XXErrors", "Sum", variant_name)

    @checked("RealtimeEndpoint.metric_model_latency")
    def metric_model_latency(self, statistic: str = "Average", *, variant_name: str | None = None) -> cloudwatch.Metric:
        """ModelLatency in microseconds. ``statistic`` default: Average (``"p99"`` for the tail)."""
        return self._variant_metric("ModelLatency", statistic, variant_name)

    @checked("RealtimeEndpoint.metric_overhead_latency")
    def metric_overhead_latency(self, statistic: str = "Average", *,
                                variant_name: str | None = None) -> cloudwatch.Metric:
        """OverheadLatency in microseconds. ``statistic`` default: Average."""
        return self._variant_metric("OverheadLatency", statistic, variant_name)

    @checked("RealtimeEndpoint.metric_cpu_utilization")
    def metric_cpu_utilization(self, *, variant_name: str | None = None) -> cloudwatch.Metric:
        """CPUUtilization in percent (Average; 100 % per vCPU), namespace ``/aws/sagemaker/Endpoints``."""
        return self._variant_metric("CPUUtilization", "Average", variant_name, _INSTANCE_METRICS)

    @checked("RealtimeEndpoint.metric_memory_utilization")
    def metric_memory_utilization(self, *, variant_name: str | None = None) -> cloudwatch.Metric:
        """MemoryUtilization in percent (Average), namespace ``/aws/sagemaker/Endpoints``."""
        return self._variant_metric("MemoryUtilization", "Average", variant_name, _INSTANCE_METRICS)

    @checked("RealtimeEndpoint.metric_gpu_utilization")
    def metric_gpu_utilization(self, *, variant_name: str | None = None) -> cloudwatch.Metric:
        """GPUUtilization in percent (Average; 100 % per GPU), namespace ``/aws/sagemaker/Endpoints``."""
        return self._variant_metric("GPUUtilization", "Average", variant_name, _INSTANCE_METRICS)

    @checked("RealtimeEndpoint.metric_gpu_memory_utilization")
    def metric_gpu_memory_utilization(self, *, variant_name: str | None = None) -> cloudwatch.Metric:
        """GPUMemoryUtilization in percent (Average), namespace ``/aws/sagemaker/Endpoints``."""
        return self._variant_metric("GPUMemoryUtilization", "Average", variant_name, _INSTANCE_METRICS)

    @checked("RealtimeEndpoint.metric_disk_utilization")
    def metric_disk_utilization(self, *, variant_name: str | None = None) -> cloudwatch.Metric:
        """DiskUtilization in percent (Average), namespace ``/aws/sagemaker/Endpoints``."""
        return self._variant_metric("DiskUtilization", "Average", variant_name, _INSTANCE_METRICS)

    # -- opt-in alarms ---------------------------------------------------------------------
    @checked("RealtimeEndpoint.alarm_5xx_rate")
    def alarm_5xx_rate(self, *, threshold_percent: float = 1.0, variant_name: str | None = None,
                       period: Duration | None = None, evaluation_periods: int = 3) -> cloudwatch.Alarm:
        """An alarm when Invocation5XXErrors exceed ``threshold_percent`` of Invocations.

        :param threshold_percent: 0 (any 5XX error) up to, but not including, 100. Default: 1.
        :param variant_name: Default: the first production variant.
        :param period: Default: 1 minute.
        :param evaluation_periods: consecutive breaching periods (≥ 1; with the period, at most one day, or seven
            days for a period of an hour or more). Default: 3.

        Missing data (no traffic) does not breach. Usable as a rollback alarm
        (``add_rollback_alarm``), which needs a fixed ``endpoint_name``.
        """
        name = self._variant(variant_name)
        window = period or Duration.minutes(1)
        advice = self._check_alarm(threshold_percent, evaluation_periods, window, maximum=100,
                                   threshold_field="threshold_percent")
        rate = cloudwatch.MathExpression(
            expression="IF(invocations > 0, 100 * errors / invocations, 0)",
            using_metrics={
                "errors": self.metric_invocation_5xx_errors(variant_name=name).with_(period=window),
                "invocations": self.metric_invocations(variant_name=name).with_(period=window),
            },
            label=f"{name} 5XX error rate (%)", period=window,
        )
        return with_notes(advice, cloudwatch.Alarm(
            self, self._alarm_id(f"{self._id_part(name)}5xxRateAlarm"), metric=rate, threshold=threshold_percent,
            evaluation_periods=evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=f"{self.node.path} variant {name}: more than {shown_number(threshold_percent)}% of "
                              "invocations fail with 5XX errors",
        ))

    @checked("RealtimeEndpoint.alarm_p99_latency")
    def alarm_p99_latency(self, *, threshold: Duration, variant_name: str | None = None,
                          period: Duration | None = None, evaluation_periods: int = 3) -> cloudwatch.Alarm:
        """An alarm when the p99 ModelLatency exceeds ``threshold``.

        :param threshold: e.g. ``Duration.millis(500)`` (ModelLatency is in microseconds). No default.
        :param variant_name: Default: the first production variant.
        :param period: Default: 1 minute.
        :param evaluation_periods: consecutive breaching periods (≥ 1; with the period, at most one day, or seven
            days for a period of an hour or more). Default: 3.

        Missing data does not breach. Usable as a rollback alarm (``add_rollback_alarm``).
        """
        name = self._variant(variant_name)
        types = TypeChecks()
        micros: float | None = None
        if types.required("threshold", threshold, Duration):
            micros = threshold.to_milliseconds(integral=False) * 1000
        if types.problems:
            types.raise_if_any(self, "RealtimeEndpoint")
        assert micros is not None
        window = period or Duration.minutes(1)
        advice = self._check_alarm(micros, evaluation_periods, window, maximum=None, threshold_field="threshold")
        return with_notes(advice, cloudwatch.Alarm(
            self, self._alarm_id(f"{self._id_part(name)}P99LatencyAlarm"),
            metric=self.metric_model_latency("p99", variant_name=name).with_(period=window),
            threshold=micros, evaluation_periods=evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=f"{self.node.path} variant {name}: p99 model latency above "
                              f"{threshold.to_human_string()}",
        ))

    def _check_alarm(self, threshold: object, evaluation_periods: object, period: Duration, *,
                     maximum: float | None, threshold_field: str) -> list[Problem]:
        from ..validation.alarms import check_alarm  # the alarm rules load with the first alarm

        check = TypeChecks()
        advice = check_alarm(check, threshold=threshold, evaluation_periods=evaluation_periods, comparison=">",
                             period_seconds=period.to_seconds(), threshold_field=threshold_field, maximum=maximum)
        check.raise_if_any(self, "RealtimeEndpoint")
        return advice

    def _id_part(self, variant_name: str) -> str:
        """The variant's name in a construct id; a token name (known at deploy time only) cannot be
        part of an id, so such a variant is named by its position (``Variant0``, shadow: ``Shadow``)."""
        if not is_unresolved(variant_name):
            return variant_name
        names = [v.variant_name for v in self.variants]
        return f"Variant{names.index(variant_name)}" if variant_name in names else "Shadow"

    def _alarm_id(self, base: str) -> str:
        return unique_child_id(self, base)


def _variant_spec(scope: Construct, prefix: str, variant: ProductionVariant, checks: TypeChecks) -> VariantSpec:
    scaling = variant.autoscaling
    return VariantSpec(
        field=prefix,
        variant_name=with_literal_start(scope, variant.variant_name),
        model=variant.model.spec,
        instance_type=variant.instance_type.name,
        instance_count=variant.instance_count,
        initial_weight=variant.initial_weight,
        volume_size_gb=variant.volume_size_gb,
        model_data_download_timeout_seconds=seconds_of(
            checks, f"{prefix}model_data_download_timeout", variant.model_data_download_timeout),
        container_startup_health_check_timeout_seconds=seconds_of(
            checks, f"{prefix}container_startup_health_check_timeout", variant.container_startup_health_check_timeout),
        accelerator_type=variant.accelerator_type,
        managed_instance_scaling=variant.managed_instance_scaling,
        inference_ami_version=with_literal_start(scope, variant.inference_ami_version),
        capacity_reservation_arn=with_literal_start(scope, variant.capacity_reservation_arn),
        scaling=None if scaling is None else ScalingSpec(
            min_capacity=scaling.min_capacity,
            max_capacity=scaling.max_capacity,
            target_invocations_per_instance=scaling.target_invocations_per_instance,
            schedules=tuple((s.min_capacity, s.max_capacity) for s in scaling.schedules),
            schedule_expressions=tuple(s.schedule.expression_string for s in scaling.schedules),
            targets=(("target_concurrent_requests_per_model", scaling.target_concurrent_requests_per_model),
                     ("target_cpu_utilization", scaling.target_cpu_utilization),
                     ("target_gpu_utilization", scaling.target_gpu_utilization),
                     *((f"custom_targets[{i}].target_value", t.target_value)
                       for i, t in enumerate(scaling.custom_targets))),
            step_intervals=(len(scaling.step_scaling.steps) if scaling.step_scaling is not None else None),
            custom_metric_kinds=tuple(type(t.metric).__name__ for t in scaling.custom_targets),
            custom_metric_statistics=tuple(t.metric.statistic if isinstance(t.metric, cloudwatch.Metric) else None
                                           for t in scaling.custom_targets),
            step_evaluation_periods=(scaling.step_scaling.evaluation_periods
                                     if scaling.step_scaling is not None else None),
            step_period_seconds=(_period_seconds(scaling.step_scaling.metric)
                                 if scaling.step_scaling is not None else None),
        ),
    )


def _check_step_intervals(checks: TypeChecks, prefix: str, variant: ProductionVariant) -> None:
    """aws-cdk-lib's rules for step-scaling intervals (bounds it can determine, no overlap), asked before anything
    is created (:func:`step_intervals_refusal`). Fewer than 2 intervals is the row's own check."""
    step = variant.autoscaling.step_scaling if variant.autoscaling is not None else None
    if step is None or len(step.steps) < 2:
        return
    reason = step_intervals_refusal(list(step.steps), step.metric, step.adjustment_type)
    if reason is not None:
        checks.fail("autoscaling.step-intervals", f"{prefix}autoscaling.step_scaling.steps", len(step.steps),
                    f"variant {variant.variant_name!r}: aws-cdk-lib refuses the intervals: {reason}",
                    "give intervals that each have a lower and/or upper bound and do not overlap, "
                    "e.g. ScalingInterval(upper=10, change=-1), ScalingInterval(lower=100, change=2)")


def _period_seconds(metric: cloudwatch.IMetric) -> float | None:
    """A Metric's or MathExpression's period in seconds (what aws-cdk-lib's step-scaling alarms use); None for
    another IMetric or a token period."""
    period = getattr(metric, "period", None)
    if not isinstance(period, Duration):
        return None
    try:
        return float(period.to_seconds())
    except RuntimeError:  # a token in another unit than seconds
        return None


def _render_variant(variant: ProductionVariant) -> dict[str, Any]:
    return struct(
        sagemaker.CfnEndpointConfig.ProductionVariantProperty,
        variant_name=variant.variant_name,
        model_name=variant.model.model_name,
        instance_type=variant.instance_type.name,
        initial_instance_count=variant.instance_count,
        initial_variant_weight=variant.initial_weight,
        volume_size_in_gb=variant.volume_size_gb,
        model_data_download_timeout_in_seconds=_whole_seconds(variant.model_data_download_timeout),
        container_startup_health_check_timeout_in_seconds=_whole_seconds(
            variant.container_startup_health_check_timeout),
        routing_config=struct(sagemaker.CfnEndpointConfig.RoutingConfigProperty,
                              routing_strategy=variant.routing_strategy.value) if variant.routing_strategy is not None else None,
        inference_ami_version=variant.inference_ami_version,
        enable_ssm_access=variant.enable_ssm_access,
        capacity_reservation_config=struct(
            sagemaker.CfnEndpointConfig.CapacityReservationConfigProperty,
            capacity_reservation_preference="capacity-reservations-only",
            ml_reservation_arn=variant.capacity_reservation_arn) if variant.capacity_reservation_arn else None,
    )


def _whole_seconds(duration: Duration | None) -> float | None:
    return duration.to_seconds() if duration is not None else None


def _distinct_roles(roles: Any) -> list[iam.IRole]:
    seen: dict[str, iam.IRole] = {}
    for role in roles:
        seen.setdefault(role.node.path, role)
    return list(seen.values())


def _range_of(scaling: InstanceScaling | None) -> ScalingRange | None:
    """The instance range of a variant's autoscaling, scheduled capacities included (None: not scaled)."""
    if scaling is None:
        return None
    lows = [known_int(s.min_capacity) for s in scaling.schedules if s.min_capacity is not None]
    highs = [known_int(s.max_capacity) for s in scaling.schedules if s.max_capacity is not None]
    return ScalingRange(known_int(scaling.min_capacity), known_int(scaling.max_capacity),
                        None if not lows or None in lows else min(v for v in lows if v is not None),
                        None if not highs or None in highs else max(v for v in highs if v is not None))
