"""Inference components: many models sharing one real-time endpoint's instances.

``InferenceComponentEndpoint`` is the endpoint side (a variant with instances and no model, the
execution role, VPC and network isolation on the endpoint config, managed instance scaling);
``InferenceComponent`` is one model on it (its CPU/accelerator/memory reservation per copy, copies,
copy autoscaling, scale to zero and back, adapters on a base component).
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from aws_cdk import Duration, Names, Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..assembly.resources import ScalingRange, known_int
from ..cost.capacity import CopyDemand, VariantCapacity, instance_variant, kept_instances
from ..errors import ValidationError, problems_of
from ..instance_types import InstanceType, known_realtime_types
from ..tokens import is_unresolved, lower_literals
from ..typecheck import TypeChecks, checked, props_class
from ..validation.checks import Checker
from ..validation.components import (
    ComponentEndpointSpec,
    ComponentSpec,
    ComputeSpec,
    CopyScalingSpec,
    ManagedScalingSpec,
    RollingSpec,
    component_endpoint_warnings,
    component_warnings,
    fleet_warnings,
    validate_component,
    validate_component_endpoint,
)
from ..validation.instances import volume_key_nvme_warning
from ._base import (
    RemovalPolicyMixin,
    annotate,
    policies_of,
    renew_standing_acknowledgments,
    unique_child_id,
    with_notes,
)
from ._batch import Batch
from ._environment import environment_problems
from ._lazy import lazy_module
from ._memo import adopt, minutes, with_literal_start
from .endpoint import (
    DEFAULT_VARIANT_NAME,
    EndpointBase,
    EndpointKind,
    IEndpoint,
    RoutingStrategy,
    add_metrics_config,
    check_unique_name,
    metrics_frequency,
)
from .guardrails import _whole_seconds, seconds_of
from .model import (
    ContainerImage,
    InferenceModel,
    ModelData,
    _default_role,
    _finish_default_role,
    bind_image,
    report_missing_asset,
    select_vpc_subnets,
)

# Submodules only some props and methods use, imported on first use (see _lazy).
if TYPE_CHECKING:
    from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_kms as kms
else:
    cloudwatch_actions = lazy_module("aws_cdk.aws_cloudwatch_actions")
    ec2 = lazy_module("aws_cdk.aws_ec2")
    kms = lazy_module("aws_cdk.aws_kms")

__all__ = ["ComponentRollingUpdate", "ComponentScheduling", "ComputeRequirements", "CopyScaling", "IInferenceComponent",
           "InferenceComponent",
           "InferenceComponentEndpoint", "ManagedInstanceScaling", "PlacementStrategy", "ScaleInStrategy"]

SHAPE = "inference-components"
"""The ``shape`` the endpoint stamps in its Metadata beside ``kind: realtime`` (the migration guard reads it)."""
_COMPONENT_METRICS = "/aws/sagemaker/InferenceComponents"


class ScaleInStrategy(enum.Enum):
    """How managed instance scaling releases instances (``ScaleInPolicy.Strategy``)."""

    IDLE_RELEASE = "IDLE_RELEASE"
    """Release instances that host no component copy."""
    CONSOLIDATION = "CONSOLIDATION"
    """Move copies onto fewer instances to release more of them."""


class PlacementStrategy(enum.Enum):
    """How a component's copies are placed on the instances (``SchedulingConfig.PlacementStrategy``)."""

    SPREAD = "SPREAD"
    """Evenly over the instances (resilience)."""
    BINPACK = "BINPACK"
    """On as few instances as possible (utilization; lets managed scaling release more instances)."""


@props_class
@dataclass(frozen=True, kw_only=True)
class ManagedInstanceScaling:
    """SageMaker's own scaling of the endpoint's instance count to the copies its components need
    (``ManagedInstanceScaling``): instances are added when a copy cannot be placed and released when
    none runs on them. ``min_instances=0`` lets the endpoint release every instance."""

    max_instances: int
    """Most instances (≥ 1). No default."""
    min_instances: int = 1
    """Fewest instances (≥ 0; 0 only releases instances when every component can have 0 copies).
    Default: 1."""
    scale_in_strategy: ScaleInStrategy | None = None
    """Default: SageMaker's (``IDLE_RELEASE``)."""
    scale_in_cooldown: Duration | None = None
    """Time after the last endpoint operation before consolidation is evaluated, 5–1440 minutes.
    Default: SageMaker's (20 minutes)."""
    scale_in_max_step: int | None = None
    """Most instances released at a time by consolidation, 1–100. Default: SageMaker's (1)."""


@props_class
@dataclass(frozen=True, kw_only=True)
class ComputeRequirements:
    """What one copy of a component reserves on an instance (``ComputeResourceRequirements``)."""

    min_memory_mb: int
    """Memory reserved per copy (≥ 128 MB). No default."""
    max_memory_mb: int | None = None
    """Memory a copy may use at most (≥ 128 MB). Default: none (no ceiling beyond the instance)."""
    cpu_cores: float | None = None
    """CPU cores reserved per copy (≥ 0.25, fractions allowed). Default: none."""
    accelerator_devices: float | None = None
    """GPUs (or Inferentia/Trainium devices) reserved per copy (≥ 1). Default: none (a CPU model)."""


@props_class
@dataclass(frozen=True, kw_only=True)
class CopyScaling:
    """Application Auto Scaling of a component's copy count (``inference-component/<name>``,
    ``sagemaker:inference-component:DesiredCopyCount``).

    ``min_copies=0`` scales the component to zero; the library then adds what target tracking cannot
    do, leaving zero: a step-scaling policy that adds a copy, fired by an alarm on the component's
    ``NoCapacityInvocationFailures`` (the developer guide's endpoint-auto-scaling-zero-instances).
    """

    max_copies: int
    """Most copies (≥ 1). No default."""
    min_copies: int = 1
    """Fewest copies (≥ 0). Default: 1."""
    target_invocations_per_copy: float | None = None
    """Invocations per copy per minute to aim for (> 0,
    ``SageMakerInferenceComponentInvocationsPerCopy``). Default: none."""
    target_concurrent_requests_per_copy: float | None = None
    """Concurrent requests per copy to aim for (> 0, the high-resolution
    ``SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution``). Default: none."""
    scale_in_cooldown: Duration | None = None
    """Default: Application Auto Scaling's (300 s)."""
    scale_out_cooldown: Duration | None = None
    """Default: Application Auto Scaling's (300 s)."""


@props_class
@dataclass(frozen=True, kw_only=True)
class ComponentRollingUpdate:
    """How an update of a component replaces its copies (``DeploymentConfig.RollingUpdatePolicy``)."""

    batch_copies: int | None = None
    """Copies replaced per batch: 5–50% of the component's copies when the update starts (refused when no copy
    count from the copy count or copy autoscaling minimum to the maximum fits, a synth warning when only some
    do), so a component of one copy takes ``batch_percent`` instead. Default: none; give this or
    ``batch_percent``."""
    batch_percent: int | None = None
    """Percent of the copies replaced per batch (5–50). Default: none."""
    wait: Duration | None = None
    """Time between batches, 0–3600 s. Default: 0 seconds."""
    maximum_execution_timeout: Duration | None = None
    """Time the whole update may take, 600–28800 s. Default: SageMaker's."""
    rollback_batch_copies: int | None = None
    """Copies rolled back per batch on failure (≥ 1). Default: SageMaker's (all at once)."""
    rollback_alarms: Sequence[cloudwatch.IAlarm] = ()
    """1–10 alarms that roll the update back. Default: none."""


@props_class
@dataclass(frozen=True, kw_only=True)
class ComponentScheduling:
    """Where the copies go (``SchedulingConfig``)."""

    placement: PlacementStrategy
    """SPREAD or BINPACK. No default."""
    max_az_imbalance: int | None = None
    """Most copies of difference between Availability Zones (0–100; enforcement ``PERMISSIVE``, the only
    mode). Default: none."""


def _copy_demand(component: InferenceComponent) -> CopyDemand | None:
    """The fewest copies ``component`` keeps (its copy autoscaling minimum, else its copy count; None: unknown) and
    what one copy reserves; None for an adapter (it runs on its base's copies)."""
    spec = component.spec
    if spec.is_adapter:
        return None
    compute = spec.compute

    def known(value: object) -> float:
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and \
            not is_unresolved(value) else 0.0

    return CopyDemand(known_int(spec.copy_scaling.min_copies if spec.copy_scaling is not None else spec.copy_count),
                      *((known(compute.accelerator_devices), known(compute.cpu_cores), known(compute.min_memory_mb))
                        if compute is not None else ()))


class InferenceComponentEndpoint(EndpointBase):
    """A real-time endpoint whose instances host :class:`InferenceComponent` s (many models, each with
    its own reservation and copies) instead of one model per variant.

    The variant has an instance type and count and no model; the execution role, VPC and network
    isolation are set here, on the endpoint config, and apply to every component. It is the only
    real-time shape that scales to zero instances (``managed_scaling=ManagedInstanceScaling(
    min_instances=0, ...)`` plus components with ``CopyScaling(min_copies=0, ...)``).
    """

    kind = EndpointKind.REALTIME

    @checked("InferenceComponentEndpoint", environment=environment_problems)
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        instance_type: InstanceType,
        instance_count: int = 1,
        managed_scaling: ManagedInstanceScaling | None = None,
        routing_strategy: RoutingStrategy | None = None,
        variant_name: str = DEFAULT_VARIANT_NAME,
        role: iam.IRole | None = None,
        vpc: ec2.IVpc | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        network_isolation: bool = False,
        kms_key: kms.IKey | None = None,
        volume_size_gb: int | None = None,
        inference_ami_version: str | None = None,
        endpoint_name: str | None = None,
        container_startup_health_check_timeout: Duration | None = None,
        metrics_publish_frequency: Duration | None = None,
        enhanced_metrics: bool | None = None,
        allow_unknown_instance_type: bool = False,
    ) -> None:
        """Define an endpoint for inference components.

        :param instance_type: e.g. ``InstanceType.of("ml.g5.12xlarge")``. No default.
        :param instance_count: instances at the first deploy (≥ 1). Default: 1.
        :param managed_scaling: SageMaker's scaling of the instance count to the copies. Default: none
            (a fixed fleet of ``instance_count``).
        :param routing_strategy: how requests are spread over the copies. Default: SageMaker's (``RANDOM``).
        :param variant_name: Default: ``AllTraffic``.
        :param role: the execution role SageMaker uses for the components' images and artifacts.
            Default: a role that may write logs and metrics and, per component, pull its image and read
            its artifacts, nothing more.
        :param vpc: run the components' containers in this VPC. Default: no VPC.
        :param vpc_subnets: subnets in ``vpc``. Default: the VPC's private subnets.
        :param security_groups: Default: one is created when ``vpc`` is set.
        :param network_isolation: no network access from the containers. Default: False.
        :param kms_key: encrypts the instances' ML storage volumes. Default: AWS managed encryption.
        :param volume_size_gb: ML storage volume per instance, 1–512 GB. Default: SageMaker's.
        :param inference_ami_version: the instances' AMI (see ``ProductionVariant.inference_ami_version``).
            Default: SageMaker's default AMI for the type.
        :param endpoint_name: the endpoint's physical name. Default: chosen by CloudFormation.
        :param container_startup_health_check_timeout: the variant's ``/ping`` timeout, 60–3600 s
            (``ProductionVariant.ContainerStartupHealthCheckTimeoutInSeconds``; each component also has its own,
            ``InferenceComponent(container_startup_health_check_timeout=...)``). Default: SageMaker's.
        :param metrics_publish_frequency: how often the endpoint publishes its utilization metrics to CloudWatch
            (``MetricsConfig.MetricPublishFrequencyInSeconds``): 10, 30, 60, 120, 180, 240 or 300 seconds.
            Default: SageMaker's (60 s).
        :param enhanced_metrics: utilization and invocation metrics per instance and per component container
            (``MetricsConfig.EnableEnhancedMetrics``). Default: SageMaker's (off).
        :param allow_unknown_instance_type: accept a type the package's data does not list. Default: False.
        """
        super().__init__(scope, construct_id)
        checks = TypeChecks()
        if vpc is None:
            for field, given in (("security_groups", security_groups), ("vpc_subnets", vpc_subnets)):
                if given is not None:
                    checks.fail("vpc.needs-vpc", field, given, f"{field} needs vpc", f"pass vpc=... as well, or drop "
                                f"{field}")
        self._check_endpoint_name(checks, endpoint_name)
        frequency = metrics_frequency(checks, metrics_publish_frequency)
        checks.number("realtime.startup-health-timeout", "container_startup_health_check_timeout",
                      seconds_of(checks, "container_startup_health_check_timeout", container_startup_health_check_timeout),
                      fix="use Duration.seconds(60) to Duration.hours(1)")
        managed = managed_scaling
        # In minutes, the field's unit: the type check refused a fraction of a minute and a token in another
        # unit, so a Duration.minutes(token) renders as its token.
        cooldown = (managed.scale_in_cooldown.to_minutes(integral=False)
                    if managed is not None and managed.scale_in_cooldown is not None else None)
        self.spec = ComponentEndpointSpec(
            variant_name=with_literal_start(self, variant_name), instance_type=instance_type.name,
            instance_count=instance_count,
            managed_scaling=None if managed is None else ManagedScalingSpec(
                min_instances=managed.min_instances, max_instances=managed.max_instances,
                scale_in_strategy=managed.scale_in_strategy.value if managed.scale_in_strategy else None,
                scale_in_cooldown_minutes=cooldown, scale_in_max_step=managed.scale_in_max_step),
            volume_size_gb=volume_size_gb,
            inference_ami_version=with_literal_start(self, inference_ami_version),
        )
        """What validation sees of the endpoint side (plain data)."""
        problems = problems_of(checks.problems, validate_component_endpoint(
            self.spec, known_types=known_realtime_types(), allow_unknown_instance_type=allow_unknown_instance_type))
        if problems:
            raise ValidationError(self.node.path, "InferenceComponentEndpoint", problems)
        nvme = Checker()
        if kms_key is not None:  # as on the other endpoints with a volume key
            volume_key_nvme_warning(nvme, "instance_type", instance_type.name, "kms_key")
        for problem in component_endpoint_warnings(self.spec) + nvme.problems:
            annotate(self, problem)

        self.instance_type = instance_type
        self.variant_name = variant_name
        self.components: list[InferenceComponent] = []
        """The components on this endpoint, in the order they were defined."""
        # Components pull their images with this role later (ecr:GetAuthorizationToken added then, once).
        if role is None:  # the role and its acknowledgments in one jsii round trip (see _batch)
            batch = Batch()
            default_role = _default_role(self, batch=batch, vpc=vpc is not None, pulls_from_ecr=False)
            _finish_default_role(default_role, self, batch=batch, bound=False)  # components grant later
            batch.run()
            role = typing.cast(iam.IRole, default_role.value)
        self.role: iam.IRole = role
        """The execution role (``ExecutionRoleArn`` of the endpoint config)."""
        self.grant_principal: iam.IPrincipal = self.role
        self.security_groups: tuple[ec2.ISecurityGroup, ...] = ()
        vpc_config: sagemaker.CfnEndpointConfig.VpcConfigProperty | None = None
        if vpc is not None:
            selected = select_vpc_subnets(self, "InferenceComponentEndpoint", vpc, vpc_subnets)
            self.security_groups = tuple(security_groups) if security_groups else (
                ec2.SecurityGroup(self, "SecurityGroup", vpc=vpc, allow_all_outbound=True,
                                  description=f"{self.node.path}: SageMaker inference components"),)
            vpc_config = sagemaker.CfnEndpointConfig.VpcConfigProperty(
                subnets=selected.subnet_ids, security_group_ids=[sg.security_group_id for sg in self.security_groups])
        config = sagemaker.CfnEndpointConfig(
            self, "Config",
            production_variants=[sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                variant_name=variant_name,
                instance_type=instance_type.name,
                initial_instance_count=instance_count,
                volume_size_in_gb=volume_size_gb,
                inference_ami_version=inference_ami_version,
                container_startup_health_check_timeout_in_seconds=_whole_seconds(
                    container_startup_health_check_timeout),
                routing_config=sagemaker.CfnEndpointConfig.RoutingConfigProperty(
                    routing_strategy=routing_strategy.value) if routing_strategy is not None else None,
                managed_instance_scaling=sagemaker.CfnEndpointConfig.ManagedInstanceScalingProperty(
                    status="ENABLED", min_instance_count=managed.min_instances,
                    max_instance_count=managed.max_instances) if managed is not None else None,
            )],
            execution_role_arn=self.role.role_arn,
            vpc_config=vpc_config,
            enable_network_isolation=network_isolation or None,
            kms_key_id=kms_key.key_arn if kms_key is not None else None,
        )
        add_metrics_config(config, frequency, enhanced_metrics)
        scale_in = {key: value for key, value in (
            ("Strategy", managed.scale_in_strategy.value if managed and managed.scale_in_strategy else None),
            ("CooldownInMinutes", cooldown), ("MaximumStepSize", managed.scale_in_max_step if managed else None))
            if value is not None}
        if scale_in:  # the floor's CfnEndpointConfig has no ScaleInPolicy yet (CloudFormation has)
            scale_in.setdefault("Strategy", ScaleInStrategy.IDLE_RELEASE.value)
            config.add_property_override("ProductionVariants.0.ManagedInstanceScaling.ScaleInPolicy", scale_in)
        # SageMaker checks the role when it creates the config and pulls images with it once a component
        # starts: its policies exist first.
        policies = policies_of(self.role)
        if policies:
            config.node.add_dependency(*policies)
        self._create_endpoint(config, endpoint_name=endpoint_name, metadata={"shape": SHAPE})

    def _capacity_variants(self) -> tuple[VariantCapacity, ...]:
        managed = self.spec.managed_scaling
        scaling = None if managed is None else ScalingRange(known_int(managed.min_instances),
                                                             known_int(managed.max_instances))
        return (instance_variant(self.variant_name, self.instance_type.name, known_int(self.spec.instance_count),
                                 scaling=scaling, managed=True, kept_instances=kept_instances(
                                     self.instance_type.name, [d for c in self.components
                                                               if (d := _copy_demand(c)) is not None])),)

    def _cost_kind(self) -> str:
        return SHAPE

    def _add(self, component: InferenceComponent) -> None:
        """Record ``component`` and compare the copies of all components with the fleet."""
        self.components.append(component)
        for problem in fleet_warnings([c.spec for c in self.components], self.spec):
            annotate(component, problem)

    # -- endpoint-level instance metrics ----------------------------------------------------------
    @checked("InferenceComponentEndpoint.metric_cpu_utilization")
    def metric_cpu_utilization(self) -> cloudwatch.Metric:
        """CPUUtilization of the instances (Average; 100 % per vCPU), ``/aws/sagemaker/Endpoints``."""
        return self.metric("CPUUtilization", variant_name=self.variant_name, statistic="Average",
                           namespace="/aws/sagemaker/Endpoints")

    @checked("InferenceComponentEndpoint.metric_gpu_utilization")
    def metric_gpu_utilization(self) -> cloudwatch.Metric:
        """GPUUtilization of the instances (Average; 100 % per GPU), ``/aws/sagemaker/Endpoints``."""
        return self.metric("GPUUtilization", variant_name=self.variant_name, statistic="Average",
                           namespace="/aws/sagemaker/Endpoints")


@runtime_checkable
class IInferenceComponent(Protocol):
    """An inference component, defined here or imported (``InferenceComponent.from_component_name``)."""

    @property
    def component_name(self) -> str:
        """The component's name (``InferenceComponentName`` for callers)."""
        ...

    @property
    def component_arn(self) -> str:
        """The component's ARN."""
        ...

    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to invoke the component."""
        ...

    def metric(self, metric_name: str, *, statistic: str = "Sum", period: Duration | None = None,
               namespace: str = "AWS/SageMaker") -> cloudwatch.Metric:
        """Any CloudWatch metric of the component."""
        ...


class _ComponentBase(Construct):
    """What a defined and an imported component share: invoke grants, metrics and alarms
    (``InferenceComponentName`` dimension)."""

    component_name: str
    component_arn: str
    _endpoint_ref: IEndpoint

    @checked("InferenceComponent.grant_invoke")
    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to invoke this component: ``sagemaker:InvokeEndpoint`` (and the response
        stream) on its endpoint, called with ``InferenceComponentName`` (IAM authorizes the endpoint)."""
        return self._endpoint_ref.grant_invoke(grantee)

    # -- metrics (InferenceComponentName dimension) ------------------------------------------------------
    @checked("InferenceComponent.metric")
    def metric(self, metric_name: str, *, statistic: str = "Sum", period: Duration | None = None,
               namespace: str = "AWS/SageMaker") -> cloudwatch.Metric:
        """A CloudWatch metric of this component.

        :param metric_name: e.g. ``"Invocations"``.
        :param statistic: Default: ``Sum``.
        :param period: Default: 1 minute.
        :param namespace: Default: ``AWS/SageMaker`` (utilization: ``/aws/sagemaker/InferenceComponents``).
        """
        return cloudwatch.Metric(namespace=namespace, metric_name=metric_name,
                                 dimensions_map={"InferenceComponentName": self.component_name},
                                 statistic=statistic, period=period or minutes(1))

    @checked("InferenceComponent.metric_invocations")
    def metric_invocations(self) -> cloudwatch.Metric:
        """Invocations (Sum)."""
        return self.metric("Invocations")

    @checked("InferenceComponent.metric_invocations_per_copy")
    def metric_invocations_per_copy(self) -> cloudwatch.Metric:
        """InvocationsPerCopy (Sum), what copy autoscaling tracks."""
        return self.metric("InvocationsPerCopy")

    @checked("InferenceComponent.metric_model_latency")
    def metric_model_latency(self, statistic: str = "Average") -> cloudwatch.Metric:
        """ModelLatency in microseconds. ``statistic`` default: Average."""
        return self.metric("ModelLatency", statistic=statistic)

    @checked("InferenceComponent.metric_no_capacity_invocation_failures")
    def metric_no_capacity_invocation_failures(self) -> cloudwatch.Metric:
        """NoCapacityInvocationFailures (Sum): requests that found no copy (what wakes a component at zero)."""
        return self.metric("NoCapacityInvocationFailures")

    @checked("InferenceComponent.metric_gpu_utilization")
    def metric_gpu_utilization(self) -> cloudwatch.Metric:
        """GPUUtilizationNormalized (Average, % of the reserved accelerators), ``/aws/sagemaker/InferenceComponents``."""
        return self.metric("GPUUtilizationNormalized", statistic="Average", namespace=_COMPONENT_METRICS)

    @checked("InferenceComponent.alarm_no_capacity")
    def alarm_no_capacity(self, *, threshold: float = 1, evaluation_periods: int = 1) -> cloudwatch.Alarm:
        """An alarm when requests find no copy (``NoCapacityInvocationFailures`` ≥ ``threshold`` per minute).

        :param threshold: failed requests per minute (≤ 0 fires whenever there is data: a warning). Default: 1.
        :param evaluation_periods: consecutive breaching minutes (1–1440: CloudWatch evaluates one day). Default: 1.
        """
        from ..validation.alarms import check_alarm  # the alarm rules load with the first alarm

        check = TypeChecks()
        advice = check_alarm(check, threshold=threshold, evaluation_periods=evaluation_periods, period_seconds=60,
                             comparison=">=")
        check.raise_if_any(self, "InferenceComponent")
        return with_notes(advice, cloudwatch.Alarm(
            self, unique_child_id(self, "NoCapacityAlarm"), metric=self.metric_no_capacity_invocation_failures(),
            threshold=threshold,
            evaluation_periods=evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=f"{self.node.path}: requests found no copy of the component"))


class InferenceComponent(_ComponentBase, RemovalPolicyMixin):
    """One model on an :class:`InferenceComponentEndpoint` (``AWS::SageMaker::InferenceComponent``).

    The model is an :class:`InferenceModel` (``model=``), an image with artifacts (``image=`` and
    ``model_data=``; pulled and read with the endpoint's role), or, for an adapter such as a LoRA
    adapter, a base component plus the adapter's artifacts (``base_component=`` and ``model_data=``:
    the adapter runs on its base's compute and copies, and is created after it). Callers invoke it
    with ``InvokeEndpoint``'s ``InferenceComponentName``; ``grant_invoke`` grants that.
    """

    endpoint: InferenceComponentEndpoint
    """The endpoint that hosts the component."""
    resource: sagemaker.CfnInferenceComponent
    """The ``AWS::SageMaker::InferenceComponent``."""

    @checked("InferenceComponent", environment=environment_problems)
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint: InferenceComponentEndpoint,
        compute: ComputeRequirements | None = None,
        model: InferenceModel | None = None,
        image: ContainerImage | None = None,
        model_data: ModelData | None = None,
        environment: Mapping[str, str] | None = None,
        base_component: InferenceComponent | None = None,
        copy_count: int | None = None,
        copy_scaling: CopyScaling | None = None,
        model_data_download_timeout: Duration | None = None,
        container_startup_health_check_timeout: Duration | None = None,
        data_cache: bool | None = None,
        scheduling: ComponentScheduling | None = None,
        deployment: ComponentRollingUpdate | None = None,
        component_name: str | None = None,
    ) -> None:
        """Define a component.

        :param endpoint: the endpoint whose instances host it. No default.
        :param compute: what one copy reserves. Default: none, which only an adapter may omit.
        :param model: the model to host. Default: none (then ``image`` or ``base_component``).
        :param image: the inference image (instead of ``model``). Default: none.
        :param model_data: the artifacts, one ``.tar.gz`` (with ``image``, or an adapter's). Default: none.
        :param environment: the container's environment (≤ 16 variables, with ``image``). Default: none.
        :param base_component: makes this an adapter of that component (same endpoint). Default: none.
        :param copy_count: copies at the first deploy (≥ 0; 0 is warned about: users report the service
            refusing it). Default: 1; an adapter has no copies of its own and refuses it.
        :param copy_scaling: autoscaling of the copies (and scale to zero). Default: none.
        :param model_data_download_timeout: 60–3600 s. Default: SageMaker's.
        :param container_startup_health_check_timeout: 60–3600 s. Default: SageMaker's.
        :param data_cache: cache the image and artifacts on each instance (``DataCacheConfig``), for
            faster scale-out. Default: SageMaker's (off).
        :param scheduling: placement of the copies. Default: SageMaker's.
        :param deployment: how updates replace copies (rolling, with rollback alarms). Default:
            SageMaker's.
        :param component_name: the physical name (≤ 63 letters, digits, hyphens; unique per account and
            Region). Default: derived from the construct path (stable across deploys).
        """
        super().__init__(scope, construct_id)
        checks = TypeChecks()
        if base_component is not None and base_component.endpoint is not endpoint:
            checks.fail("component.adapter", "base_component", base_component.node.path,
                        "is a component of another endpoint", "pass a component of the same endpoint")
        for field, given in (("environment", environment), ("model_data", model_data)):
            if given is not None and model is not None:
                checks.fail("component.specification", field, "given", f"{field} goes with image (the model has its "
                            "own)", f"drop {field}, or pass image instead of model")
        if environment is not None and base_component is not None:
            checks.fail("component.specification", "environment", "given", "an adapter has no environment of its own",
                        "drop environment")
        if copy_count is not None and base_component is not None:  # it was dropped without a word (a sweep)
            checks.fail("component.adapter", "copy_count", copy_count,
                        "an adapter runs on its base component's copies: it has no copy count of its own",
                        "drop copy_count (set the copies on the base component)")
        copies = 1 if copy_count is None else copy_count
        rolling = None
        if deployment is not None:
            batch = (("COPY_COUNT", deployment.batch_copies) if deployment.batch_copies is not None else
                     ("CAPACITY_PERCENT", deployment.batch_percent) if deployment.batch_percent is not None else None)
            if deployment.batch_copies is not None and deployment.batch_percent is not None:
                checks.conflict("deployment.batch_percent", "give batch_copies or batch_percent, not both")
            rolling = RollingSpec(
                batch=batch,
                rollback_batch=(("COPY_COUNT", deployment.rollback_batch_copies)
                                if deployment.rollback_batch_copies is not None else None),
                wait_seconds=seconds_of(checks, "deployment.wait", deployment.wait) if deployment.wait is not None else 0,
                timeout_seconds=seconds_of(checks, "deployment.maximum_execution_timeout",
                                           deployment.maximum_execution_timeout),
                alarms=len(deployment.rollback_alarms))
        for field, asset in (("image", image), ("model_data", model_data)):
            report_missing_asset(checks, field, asset)
        self.spec = ComponentSpec(
            component_name=component_name, has_model=model is not None, has_image=image is not None,
            is_adapter=base_component is not None,
            artifact_url=model_data.validation_url if model_data is not None else None,
            artifact_uncompressed=bool(model_data and model_data.uncompressed),
            environment=tuple((environment or {}).items()),
            compute=None if compute is None else ComputeSpec(
                min_memory_mb=compute.min_memory_mb, max_memory_mb=compute.max_memory_mb,
                cpu_cores=compute.cpu_cores, accelerator_devices=compute.accelerator_devices),
            copy_count=copies,
            copy_scaling=None if copy_scaling is None else CopyScalingSpec(
                min_copies=copy_scaling.min_copies, max_copies=copy_scaling.max_copies,
                targets=(("target_invocations_per_copy", copy_scaling.target_invocations_per_copy),
                         ("target_concurrent_requests_per_copy", copy_scaling.target_concurrent_requests_per_copy))),
            download_timeout_seconds=seconds_of(checks, "model_data_download_timeout", model_data_download_timeout),
            health_check_timeout_seconds=seconds_of(checks, "container_startup_health_check_timeout",
                                                    container_startup_health_check_timeout),
            rolling=rolling,
            placement=scheduling.placement.value if scheduling is not None else None,
            max_az_imbalance=scheduling.max_az_imbalance if scheduling is not None else None,
        )
        """What validation sees of this component (plain data)."""
        if isinstance(component_name, str) and not is_unresolved(component_name) and not checks.problems:
            check_unique_name(self, checks, component_name, kind="inference component", field="component_name",
                              constraint_id="name.component-unique")
        problems = problems_of(checks.problems, validate_component(self.spec, endpoint.spec))
        if problems:
            raise ValidationError(self.node.path, "InferenceComponent", problems)
        adopt(self, scope)
        for problem in component_warnings(self.spec, endpoint.spec):
            annotate(self, problem)
        if base_component is not None and base_component.spec.is_adapter:
            nested = Checker()
            nested.fail("component.adapter-base", "base_component", base_component.node.path,
                        "is itself an adapter: an adapter tailors the foundation model its base hosts and uses the "
                        "compute assigned to its base, and an adapter hosts no model and has no compute of its own",
                        "pass the component that hosts the foundation model as base_component")
            with_notes(nested.problems, self)

        self.endpoint = endpoint
        self._endpoint_ref = endpoint
        self.base_component = base_component
        role = endpoint.role
        container: sagemaker.CfnInferenceComponent.InferenceComponentContainerSpecificationProperty | None = None
        if image is not None or model_data is not None:
            image_uri = bind_image(image, self, role, owner=self, construct_type="InferenceComponent",
                                   field="image") if image is not None else None
            container = sagemaker.CfnInferenceComponent.InferenceComponentContainerSpecificationProperty(
                image=image_uri,
                artifact_url=model_data.bind(self, role) if model_data is not None else None,
                environment=dict(environment) if environment else None,
            )
            renew_standing_acknowledgments(role)  # the grants may have created the role's default policy
        startup = None
        if model_data_download_timeout is not None or container_startup_health_check_timeout is not None:
            startup = sagemaker.CfnInferenceComponent.InferenceComponentStartupParametersProperty(
                model_data_download_timeout_in_seconds=_whole_seconds(model_data_download_timeout),
                container_startup_health_check_timeout_in_seconds=_whole_seconds(container_startup_health_check_timeout))
        # The name is the one handle callers, Application Auto Scaling and CloudWatch share, and
        # CloudFormation returns none (Ref is the ARN, no GetAtt for the name): it is always set, from the
        # construct path when not given (stable across deploys, unique within the app's stacks).
        name = component_name if component_name is not None else Names.unique_resource_name(
            self, max_length=63, separator="-")
        self.resource = sagemaker.CfnInferenceComponent(
            self, "Resource",
            endpoint_name=endpoint.endpoint_name,
            variant_name=endpoint.variant_name,
            inference_component_name=name,
            specification=sagemaker.CfnInferenceComponent.InferenceComponentSpecificationProperty(
                model_name=model.model_name if model is not None else None,
                container=container,
                base_inference_component_name=base_component.component_name if base_component else None,
                startup_parameters=startup,
                compute_resource_requirements=None if compute is None else
                sagemaker.CfnInferenceComponent.InferenceComponentComputeResourceRequirementsProperty(
                    min_memory_required_in_mb=compute.min_memory_mb, max_memory_required_in_mb=compute.max_memory_mb,
                    number_of_cpu_cores_required=compute.cpu_cores,
                    number_of_accelerator_devices_required=compute.accelerator_devices),
            ),
            runtime_config=None if base_component is not None else
            sagemaker.CfnInferenceComponent.InferenceComponentRuntimeConfigProperty(copy_count=copies),
        )
        if base_component is not None:  # named by a literal: the base must exist first (BaseInferenceComponentName)
            self.resource.node.add_dependency(base_component.resource)
        # The floor's CfnInferenceComponent has neither DataCacheConfig nor SchedulingConfig (CloudFormation has).
        if data_cache is not None:
            self.resource.add_property_override("Specification.DataCacheConfig", {"EnableCaching": data_cache})
        if scheduling is not None:
            balance: dict[str, Any] = {"EnforcementMode": "PERMISSIVE"}
            if scheduling.max_az_imbalance is not None:
                balance["MaxImbalance"] = scheduling.max_az_imbalance
            self.resource.add_property_override("Specification.SchedulingConfig", {
                "PlacementStrategy": scheduling.placement.value, "AvailabilityZoneBalance": balance})
        if deployment is not None:
            self.resource.add_property_override("DeploymentConfig", _render_deployment(deployment))
        if container is not None:  # the endpoint role pulls this image and reads these artifacts
            policies = policies_of(role)
            if policies:
                self.resource.node.add_dependency(*policies)
        self.component_name: str = name
        """The component's name (``InferenceComponentName`` for callers)."""
        self.component_arn: str = self.resource.ref
        """The component's ARN."""
        self.scalable_target: appscaling.ScalableTarget | None = None
        """The copy count's scalable target (with ``copy_scaling``)."""
        self.wake_alarm: cloudwatch.Alarm | None = None
        """The alarm that adds a copy when a request finds none (with ``copy_scaling.min_copies = 0``)."""
        if copy_scaling is not None:
            self._autoscale(copy_scaling)
        endpoint._add(self)

    def _autoscale(self, scaling: CopyScaling) -> None:
        from ._scaling import COPY_COUNT, sagemaker_scalable_target  # loaded by the first copy scaling

        target = sagemaker_scalable_target(
            self, "CopyScaling", resource_id=f"inference-component/{self.component_name}", dimension=COPY_COUNT,
            min_capacity=scaling.min_copies, max_capacity=scaling.max_copies)
        # The resource ID names the component by a literal, not a reference: register it after the component
        # exists (and deregister it before the component is deleted).
        target.node.add_dependency(self.resource)
        self.scalable_target = target
        cooldowns: dict[str, Any] = {"scale_in_cooldown": scaling.scale_in_cooldown,
                                     "scale_out_cooldown": scaling.scale_out_cooldown}
        predefined = appscaling.PredefinedMetric
        for policy_id, value, metric in (
                ("InvocationsPerCopy", scaling.target_invocations_per_copy,
                 predefined.SAGEMAKER_INFERENCE_COMPONENT_INVOCATIONS_PER_COPY),
                ("ConcurrentRequestsPerCopy", scaling.target_concurrent_requests_per_copy,
                 predefined.SAGEMAKER_INFERENCE_COMPONENT_CONCURRENT_REQUESTS_PER_COPY_HIGH_RESOLUTION)):
            if value is not None:
                target.scale_to_track_metric(policy_id, target_value=value, predefined_metric=metric, **cooldowns)
        if scaling.min_copies == 0:
            # Target tracking never adds the first copy (with no copy there is no per-copy metric): the
            # developer guide's scale-from-zero recipe is a step policy (+1 copy, Maximum aggregation,
            # 60 s cooldown) fired by an alarm on NoCapacityInvocationFailures (Sum ≥ 1 over 1 minute).
            wake = appscaling.StepScalingAction(
                self, "WakeFromZero", scaling_target=target,
                adjustment_type=appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
                metric_aggregation_type=appscaling.MetricAggregationType.MAXIMUM, cooldown=Duration.seconds(60))
            wake.add_adjustment(adjustment=1, lower_bound=0)
            alarm = cloudwatch.Alarm(
                self, "WakeFromZeroAlarm", metric=self.metric_no_capacity_invocation_failures(),
                threshold=1, evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.MISSING,
                alarm_description=f"{self.node.path}: a request found no copy; add one (scale from zero)")
            alarm.add_alarm_action(cloudwatch_actions.ApplicationScalingAction(wake))
            self.wake_alarm = alarm

    # -- imports --------------------------------------------------------------------------------------
    @staticmethod
    @checked("InferenceComponent.from_component_name")
    def from_component_name(scope: Construct, construct_id: str, component_name: str, *,
                            endpoint: IEndpoint) -> IInferenceComponent:
        """A component of this stack's account and Region, by name, on ``endpoint`` (for example
        ``Endpoint.from_endpoint_name(...)``): ``grant_invoke`` grants ``InvokeEndpoint`` on that endpoint,
        and the metrics and ``alarm_no_capacity`` use the name.

        :param component_name: ≤ 63 letters, digits and hyphens. No default.
        :param endpoint: the endpoint that hosts it. No default.
        """
        return _ImportedComponent(scope, construct_id, component_name=component_name, endpoint=endpoint)


class _ImportedComponent(_ComponentBase):
    def __init__(self, scope: Construct, construct_id: str, *, component_name: str, endpoint: IEndpoint) -> None:
        super().__init__(scope, construct_id)
        check = TypeChecks()
        check.text("name.component", "component_name", with_literal_start(self, component_name),
                   fix="use 1–63 letters, digits and hyphens, starting and ending with a letter or digit")
        check.raise_if_any(self, "InferenceComponent")
        self._endpoint_ref = endpoint
        self.component_name = component_name
        self.component_arn = Stack.of(scope).format_arn(service="sagemaker", resource="inference-component",
                                                        resource_name=lower_literals(component_name))


def _render_deployment(deployment: ComponentRollingUpdate) -> dict[str, Any]:
    batch = ({"Type": "COPY_COUNT", "Value": deployment.batch_copies} if deployment.batch_copies is not None
             else {"Type": "CAPACITY_PERCENT", "Value": deployment.batch_percent})
    policy: dict[str, Any] = {"MaximumBatchSize": batch, "WaitIntervalInSeconds": deployment.wait.to_seconds() if deployment.wait is not None else 0}
    if deployment.maximum_execution_timeout is not None:
        policy["MaximumExecutionTimeoutInSeconds"] = deployment.maximum_execution_timeout.to_seconds()
    if deployment.rollback_batch_copies is not None:
        policy["RollbackMaximumBatchSize"] = {"Type": "COPY_COUNT", "Value": deployment.rollback_batch_copies}
    rendered: dict[str, Any] = {"RollingUpdatePolicy": policy}
    if deployment.rollback_alarms:
        rendered["AutoRollbackConfiguration"] = {
            "Alarms": [{"AlarmName": alarm.alarm_name} for alarm in deployment.rollback_alarms]}
    return rendered
