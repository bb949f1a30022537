"""ServerlessEndpoint: a model behind a serverless endpoint (no instances to manage)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jsii
from aws_cdk import Annotations, Duration, Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct, IConstruct, IValidation

from ..assembly.resources import ScalingRange, known_int
from ..constraints import constraint
from ..cost.capacity import VariantCapacity, serverless_variant
from ..errors import ValidationError, problems_of
from ..tokens import is_unresolved
from ..typecheck import TypeChecks, checked, props_class
from ..validation.serverless import (
    serverless_model_warnings,
    sum_concurrency,
    validate_serverless,
    validate_serverless_model,
)
from ._base import acknowledge, with_notes
from ._batch import Batch, Ref, struct
from ._environment import environment_problems
from ._lazy import lazy_module
from ._memo import memo, stack_environment, stack_of, stage_of, with_literal_start
from ._scaling import PROVISIONED_CONCURRENCY, variant_scalable_target
from .endpoint import EndpointBase, EndpointKind
from .model import InferenceModel

# Submodules only some props and methods use, imported on first use (see _lazy).
if TYPE_CHECKING:
    from aws_cdk import aws_cloudwatch as cloudwatch
else:
    cloudwatch = lazy_module("aws_cdk.aws_cloudwatch")

__all__ = ["ProvisionedConcurrencyScaling", "ServerlessEndpoint"]

QUOTA_CONCURRENCY_CONTEXT = "cdk-sagemaker-inference:serverless-concurrency-quota"
QUOTA_ENDPOINTS_CONTEXT = "cdk-sagemaker-inference:serverless-endpoint-quota"


@props_class
@dataclass(frozen=True, kw_only=True)
class ProvisionedConcurrencyScaling:
    """Target tracking of provisioned concurrency (``sagemaker:variant:DesiredProvisionedConcurrency``)."""

    min_capacity: int
    """Lowest provisioned concurrency (≥ 1). No default."""
    max_capacity: int
    """Highest provisioned concurrency (≤ the endpoint's ``max_concurrency``). No default."""
    target_utilization: float = 0.7
    """Target of SageMakerVariantProvisionedConcurrencyUtilization (0–1). Default: 0.7."""
    scale_in_cooldown: Duration | None = None
    """Default: Application Auto Scaling's default (300 s)."""
    scale_out_cooldown: Duration | None = None
    """Default: Application Auto Scaling's default (300 s)."""


class ServerlessEndpoint(EndpointBase):
    """A SageMaker serverless endpoint: memory tier, concurrency, optional provisioned concurrency.

    Refuses at synth what serverless cannot run (VPC, network isolation, accelerated images,
    pipelines, multi-model, private registries, uncompressed model data, data capture). The
    endpoint may later become a :class:`RealtimeEndpoint` with the same construct id (an in-place
    update); the reverse is refused by SageMaker and by this library's migration guard.
    """

    kind = EndpointKind.SERVERLESS

    @checked("ServerlessEndpoint", environment=environment_problems)
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        model: InferenceModel,
        memory_size_mb: int,
        max_concurrency: int,
        provisioned_concurrency: int | None = None,
        provisioned_concurrency_scaling: ProvisionedConcurrencyScaling | None = None,
        endpoint_name: str | None = None,
        variant_name: str = "AllTraffic",
    ) -> None:
        """Define a serverless endpoint.

        :param model: the model to host (see :class:`InferenceModel`); it must be a single
            CPU container without VPC or network isolation. No default.
        :param memory_size_mb: one of 1024, 2048, 3072, 4096, 5120, 6144. No default.
        :param max_concurrency: concurrent invocations, 1–200. No default. Counts against the
            account's Region-wide serverless concurrency quota (a synth warning past it).
        :param provisioned_concurrency: pre-warmed concurrency, 1–200 and ≤ ``max_concurrency``.
            Default: none (on-demand only, with cold starts).
        :param provisioned_concurrency_scaling: autoscale provisioned concurrency. Default: none.
            Needs ``provisioned_concurrency``.
        :param endpoint_name: the endpoint's physical name (1–63 letters, digits, hyphens).
            Default: chosen by CloudFormation. Changing it later replaces the endpoint.
        :param variant_name: the production variant's name. Default: ``AllTraffic``.
        """
        super().__init__(scope, construct_id)
        types = TypeChecks()
        types.required("model", model, InferenceModel)
        types.required("variant_name", variant_name, str)
        types.optional("provisioned_concurrency_scaling", provisioned_concurrency_scaling,
                       ProvisionedConcurrencyScaling)
        types.raise_if_any(self, "ServerlessEndpoint")

        scaling = provisioned_concurrency_scaling
        check = TypeChecks()
        self._check_endpoint_name(check, endpoint_name)
        check.text("name.endpoint", "variant_name", with_literal_start(self, variant_name))
        problems = problems_of(
            validate_serverless(
                memory_size_mb=memory_size_mb,
                max_concurrency=max_concurrency,
                provisioned_concurrency=provisioned_concurrency,
                scaling_min=scaling.min_capacity if scaling else None,
                scaling_max=scaling.max_capacity if scaling else None,
            ),
            validate_serverless_model(model.spec),
            check.problems,
        )
        if scaling is not None:
            target = TypeChecks()
            target.number("serverless.target-utilization", "provisioned_concurrency_scaling.target_utilization",
                          scaling.target_utilization, integer=False,
                          fix="use a fraction between 0.01 and 1, e.g. 0.7")
            problems += target.problems
        if problems:
            raise ValidationError(self.node.path, "ServerlessEndpoint", problems)
        with_notes(serverless_model_warnings(model.spec), self)

        self.model = model
        self.memory_size_mb = memory_size_mb
        self.max_concurrency = max_concurrency
        self.variant_name = variant_name
        # The config, its acknowledgment and the endpoint: one jsii round trip (see _batch).
        batch = Batch()
        config = batch.new(
            sagemaker.CfnEndpointConfig, self, "Config", props=sagemaker.CfnEndpointConfigProps,
            production_variants=[struct(
                sagemaker.CfnEndpointConfig.ProductionVariantProperty,
                variant_name=variant_name,
                model_name=model.model_name,
                serverless_config=struct(
                    sagemaker.CfnEndpointConfig.ServerlessConfigProperty,
                    memory_size_in_mb=memory_size_mb,
                    max_concurrency=max_concurrency,
                    provisioned_concurrency=provisioned_concurrency,
                ),
            )],
        )
        acknowledge(config, "NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured", None,
                    "KmsKeyId encrypts the storage volume of the ML compute instances behind an endpoint; a "
                    "serverless endpoint has no instances of yours (SageMaker manages its compute), so "
                    "ServerlessEndpoint has no kms_key", batch=batch)
        self._capacity = (provisioned_concurrency, None if scaling is None else
                          ScalingRange(known_int(scaling.min_capacity), known_int(scaling.max_capacity)))
        self._create_endpoint(config, endpoint_name=endpoint_name, batch=batch, run=False)
        scalable = self._autoscale(scaling, batch) if scaling is not None else None
        batch.run()
        self.scalable_target: appscaling.ScalableTarget | None = scalable.value if scalable is not None else None
        _QuotaTracker.of(self).register(self)

    def _capacity_variants(self) -> tuple[VariantCapacity, ...]:
        provisioned, scaling = self._capacity
        return (serverless_variant(self.variant_name, known_int(self.memory_size_mb), known_int(provisioned), scaling,
                                   max_concurrency=known_int(self.max_concurrency)),)

    def _autoscale(self, scaling: ProvisionedConcurrencyScaling, batch: Batch) -> Ref:
        """The scalable target of the provisioned concurrency and its policy, queued in ``batch``."""
        target = variant_scalable_target(
            self, "ProvisionedConcurrencyTarget", endpoint=self, variant_name=self.variant_name,
            dimension=PROVISIONED_CONCURRENCY, min_capacity=scaling.min_capacity,
            max_capacity=scaling.max_capacity, batch=batch,
        )
        batch.call(
            target, "scaleToTrackMetric", "ProvisionedConcurrencyUtilization",
            props=appscaling.BasicTargetTrackingScalingPolicyProps,
            target_value=scaling.target_utilization,
            predefined_metric=appscaling.PredefinedMetric.SAGEMAKER_VARIANT_PROVISIONED_CONCURRENCY_UTILIZATION,
            scale_in_cooldown=scaling.scale_in_cooldown,
            scale_out_cooldown=scaling.scale_out_cooldown,
        )
        return target

    # -- metrics (AWS/SageMaker, EndpointName + VariantName) ---------------------------------
    def _variant_metric(self, name: str, statistic: str, namespace: str = "AWS/SageMaker") -> cloudwatch.Metric:
        return self.metric(name, variant_name=self.variant_name, statistic=statistic, namespace=namespace)

    def metric_invocations(self) -> cloudwatch.Metric:
        """Invocations (Sum)."""
        return self._variant_metric("Invocations", "Sum")

    def metric_invocation_4xx_errors(self) -> cloudwatch.Metric:
        """Invocation4XXErrors (Sum)."""
        return self._variant_metric("Invocation4XXErrors", "Sum")

    def metric_invocation_5xx_errors(self) -> cloudwatch.Metric:
        """Invocation5XXErrors (Sum)."""
        return self._variant_metric("Invocation5XXErrors", "Sum")

    @checked("ServerlessEndpoint.metric_model_latency")
    def metric_model_latency(self, statistic: str = "Average") -> cloudwatch.Metric:
        """ModelLatency in microseconds (default statistic Average; ``"p99"`` for the tail)."""
        return self._variant_metric("ModelLatency", statistic)

    @checked("ServerlessEndpoint.metric_overhead_latency")
    def metric_overhead_latency(self, statistic: str = "Average") -> cloudwatch.Metric:
        """OverheadLatency in microseconds (default statistic Average)."""
        return self._variant_metric("OverheadLatency", statistic)

    @checked("ServerlessEndpoint.metric_model_setup_time")
    def metric_model_setup_time(self, statistic: str = "Average") -> cloudwatch.Metric:
        """ModelSetupTime (cold-start time) in microseconds (default statistic Average)."""
        return self._variant_metric("ModelSetupTime", statistic)

    def metric_memory_utilization(self) -> cloudwatch.Metric:
        """MemoryUtilization in percent (Average), namespace ``/aws/sagemaker/Endpoints``."""
        return self._variant_metric("MemoryUtilization", "Average", namespace="/aws/sagemaker/Endpoints")

    def metric_provisioned_concurrency_utilization(self) -> cloudwatch.Metric:
        """ServerlessProvisionedConcurrencyUtilization (Average, 0–1)."""
        return self._variant_metric("ServerlessProvisionedConcurrencyUtilization", "Average")

    def metric_provisioned_concurrency_spillover_invocations(self) -> cloudwatch.Metric:
        """ServerlessProvisionedConcurrencySpilloverInvocations (Sum): requests beyond provisioned."""
        return self._variant_metric("ServerlessProvisionedConcurrencySpilloverInvocations", "Sum")


class _QuotaTracker:
    """One per app (remembered on its root): sums serverless concurrency per account/Region and warns past
    the quota. The sums are the app's; the warnings are added by one validation per ``Stage`` holding
    serverless endpoints, on an endpoint of that stage: aws-cdk-lib writes a Stage's assembly when it
    validates that stage, so a warning added by a validation on the app's root never reached an endpoint
    inside a Stage (found by review)."""

    @classmethod
    def of(cls, scope: IConstruct) -> _QuotaTracker:
        # Looked up once per stack: a stack's app never changes.
        stack = stack_of(scope)
        return memo(stack, "serverless-quota", lambda: memo(stack.node.root, "serverless-quota", cls))

    def __init__(self) -> None:
        self._endpoints: list[ServerlessEndpoint] = []

    def register(self, endpoint: ServerlessEndpoint) -> None:
        self._endpoints.append(endpoint)
        stage = stage_of(stack_of(endpoint))
        memo(stage, "serverless-quota-validation", lambda: stage.node.add_validation(_QuotaValidation(self, stage)))

    def check(self, stage: IConstruct) -> list[str]:
        """Add the warnings whose endpoint (the last of its account and Region) is in ``stage``."""
        groups: dict[tuple[str, str], list[ServerlessEndpoint]] = defaultdict(list)
        for endpoint in self._endpoints:
            groups[_environment_of(stack_of(endpoint))].append(endpoint)
        batch = Batch()  # both context values: one round trip
        node = batch.of(stage, "node")
        concurrency, count = (batch.call(node, "tryGetContext", key)
                              for key in (QUOTA_CONCURRENCY_CONTEXT, QUOTA_ENDPOINTS_CONTEXT))
        concurrency_quota = _int_context(concurrency.value,
                                         int(constraint("serverless.quota-concurrency").maximum or 200))
        endpoint_quota = _int_context(count.value, int(constraint("serverless.quota-endpoints").maximum or 50))
        for (account, region), endpoints in groups.items():
            if stage_of(stack_of(endpoints[-1])) is not stage:
                continue
            total = sum_concurrency([e.max_concurrency for e in endpoints])
            where = f"account {account}, Region {region}"
            if total > concurrency_quota:
                Annotations.of(endpoints[-1]).add_warning_v2(
                    "cdk-sagemaker-inference:serverless-concurrency-quota",
                    f"The serverless endpoints of this app in {where} ask for a total max_concurrency of "
                    f"{total}, above the quota of {concurrency_quota} (an account quota: AWS raises it on "
                    f"request in Service Quotas). If your quota is higher, set the context value "
                    f"{QUOTA_CONCURRENCY_CONTEXT}. Source: {constraint('serverless.quota-concurrency').source}",
                )
            if len(endpoints) > endpoint_quota:
                Annotations.of(endpoints[-1]).add_warning_v2(
                    "cdk-sagemaker-inference:serverless-endpoint-quota",
                    f"This app defines {len(endpoints)} serverless endpoints in {where}, above the quota of "
                    f"{endpoint_quota} (an account quota). If yours is higher, set the context value "
                    f"{QUOTA_ENDPOINTS_CONTEXT}. Source: {constraint('serverless.quota-endpoints').source}",
                )
        return []


def _environment_of(stack: Stack) -> tuple[str, str]:
    """The stack's account and Region as the quota message names them (asked once per stack)."""
    def describe() -> tuple[str, str]:
        account, region = stack_environment(stack)
        return ("(account of the deploying credentials)" if is_unresolved(account) else account,
                "(Region of the deploying credentials)" if is_unresolved(region) else region)

    return memo(stack, "quota-environment", describe)


def _int_context(value: Any, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except (TypeError, ValueError):
        return default


@jsii.implements(IValidation)
class _QuotaValidation:
    """An ``IValidation`` that never fails: it only adds warnings."""

    def __init__(self, tracker: _QuotaTracker, stage: IConstruct) -> None:
        self._tracker, self._stage = tracker, stage

    def validate(self) -> list[str]:
        return self._tracker.check(self._stage)
