"""What every endpoint shares: the endpoint resource, its kind stamp, grants, metrics, imports."""

from __future__ import annotations

import enum
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

from aws_cdk import Arn, ArnFormat, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from .._keys import BASELINE_CONTEXT, METADATA_KEY
from ..cost.capacity import VariantCapacity
from ..errors import ValidationError
from ..stack_limits import watch_stack_limits
from ..tokens import is_unresolved, lower_literals
from ..typecheck import DETACH_HOOKS, TypeChecks, checked
from ..validation.checks import Checker
from ._base import RemovalPolicyMixin
from ._batch import Batch, Ref, struct
from ._cost import register as register_cost_note
from ._lazy import lazy_module
from ._memo import (
    adopt,
    adopt_path,
    annotations_of,
    memo,
    minutes,
    node_of,
    remembered,
    stack_of,
    stage_of,
    with_literal_start,
)

# Submodules only some props and methods use, imported on first use (see _lazy).
if TYPE_CHECKING:
    from aws_cdk import aws_cloudwatch as cloudwatch
else:
    cloudwatch = lazy_module("aws_cdk.aws_cloudwatch")

__all__ = ["METADATA_KEY", "Endpoint", "EndpointBase", "EndpointKind", "IEndpoint", "RoutingStrategy"]


# Shared by the real-time endpoint's variants and the inference-component endpoint's variant: here, so that an
# inference-component app does not load the real-time endpoint's module for it.
class RoutingStrategy(enum.Enum):
    """How a variant spreads requests over its instances (``RoutingConfig.RoutingStrategy``)."""

    LEAST_OUTSTANDING_REQUESTS = "LEAST_OUTSTANDING_REQUESTS"
    """To the instance with the fewest requests in flight (good for uneven request costs)."""
    RANDOM = "RANDOM"
    """To a random instance (SageMaker's default)."""


DEFAULT_VARIANT_NAME = "AllTraffic"


class EndpointKind(enum.Enum):
    """The hosting option of an endpoint (stamped in the endpoint's template Metadata)."""

    SERVERLESS = "serverless"
    REALTIME = "realtime"
    ASYNC = "async"


@runtime_checkable
class IEndpoint(Protocol):
    """An endpoint, defined here or imported (``Endpoint.from_endpoint_name``)."""

    @property
    def endpoint_name(self) -> str:
        """The endpoint's name."""
        ...

    @property
    def endpoint_arn(self) -> str:
        """The endpoint's ARN."""
        ...

    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to invoke the endpoint."""
        ...

    def metric(self, metric_name: str, *, variant_name: str | None = None, statistic: str = "Sum",
               period: Duration | None = None, namespace: str = "AWS/SageMaker") -> cloudwatch.Metric:
        """Any CloudWatch metric of the endpoint."""
        ...


class _EndpointMetrics:
    """Mixin: the metric factory (names, statistics, dimensions); alarms build on top of it."""

    endpoint_name: str

    def _metric_endpoint_name(self) -> str:
        """The ``EndpointName`` dimension value (subclasses may prefer a literal name)."""
        return self.endpoint_name

    @checked("Endpoint.metric")
    def metric(self, metric_name: str, *, variant_name: str | None = None, statistic: str = "Sum",
               period: Duration | None = None, namespace: str = "AWS/SageMaker") -> cloudwatch.Metric:
        """A CloudWatch metric of this endpoint.

        :param metric_name: the official metric name, e.g. ``"Invocations"``.
        :param variant_name: the ``VariantName`` dimension. Default: no variant dimension.
        :param statistic: Default: ``Sum``.
        :param period: Default: 5 minutes.
        :param namespace: Default: ``AWS/SageMaker`` (instance metrics live in
            ``/aws/sagemaker/Endpoints``).
        """
        dimensions: dict[str, str] = {"EndpointName": self._metric_endpoint_name()}
        if variant_name is not None:
            check = TypeChecks()
            check.text("name.endpoint", "variant_name", with_literal_start(cast(Construct, self), variant_name),
                       fix="pass a variant's name: 1–63 letters, digits and hyphens")
            check.raise_if_any(cast(Construct, self), "Endpoint")
            dimensions["VariantName"] = variant_name
        return cloudwatch.Metric(namespace=namespace, metric_name=metric_name, dimensions_map=dimensions,
                                 statistic=statistic, period=period or minutes(5))


def _grant(grantee: iam.IGrantable, arn: str, actions: list[str]) -> iam.Grant:
    return iam.Grant.add_to_principal(grantee=grantee, actions=actions, resource_arns=[arn])


class _ImportedEndpoint(Construct, _EndpointMetrics):
    def __init__(self, scope: Construct, construct_id: str, *, name: str, arn: str) -> None:
        super().__init__(scope, construct_id)
        self.endpoint_name = name
        self.endpoint_arn = arn

    @checked("Endpoint.grant_invoke")
    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to invoke the endpoint (real-time and serverless invocations)."""
        return _grant(grantee, self.endpoint_arn,
                      ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"])

    @checked("Endpoint.grant_invoke_async")
    def grant_invoke_async(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to call InvokeEndpointAsync (S3 access is separate)."""
        return _grant(grantee, self.endpoint_arn, ["sagemaker:InvokeEndpointAsync"])


class Endpoint:
    """Import an endpoint that another stack or team owns, or host one on an existing endpoint config."""

    @staticmethod
    @checked("Endpoint.from_endpoint_name")
    def from_endpoint_name(scope: Construct, construct_id: str, endpoint_name: str) -> IEndpoint:
        """An endpoint of this stack's account and Region, by name (1–63 letters, digits and hyphens)."""
        check = Checker()
        check.text("name.endpoint", "endpoint_name", with_literal_start(scope, endpoint_name), fix=_NAME_FIX)
        _raise_if_any(check, scope, construct_id)
        arn = Stack.of(scope).format_arn(service="sagemaker", resource="endpoint",
                                         resource_name=lower_literals(endpoint_name))
        return _ImportedEndpoint(scope, construct_id, name=endpoint_name, arn=arn)

    @staticmethod
    @checked("Endpoint.on_endpoint_config")
    def on_endpoint_config(scope: Construct, construct_id: str, endpoint_config_name: str, *,
                           endpoint_name: str | None = None) -> IEndpoint:
        """An endpoint (``AWS::SageMaker::Endpoint``, created by this stack) on an endpoint config that
        exists already: one made by another team's stack, a pipeline or Inference Recommender.

        Only the names are checked: the config's variants, kind and model are not visible at synth
        (so the migration guard reports changes of this endpoint with kind ``unknown``). Changing
        ``endpoint_config_name`` updates the endpoint in place (blue/green); the returned endpoint has
        ``grant_invoke``, ``grant_invoke_async``, ``metric`` and ``apply_removal_policy``.

        :param endpoint_config_name: the existing config's name (1–63 letters, digits, hyphens). No default.
        :param endpoint_name: the endpoint's physical name. Default: chosen by CloudFormation.
        """
        return _ConfiguredEndpoint(scope, construct_id, endpoint_config_name=endpoint_config_name,
                                   endpoint_name=endpoint_name)

    @staticmethod
    @checked("Endpoint.from_endpoint_arn", stackless=True)
    def from_endpoint_arn(scope: Construct, construct_id: str, endpoint_arn: str) -> IEndpoint:
        """An endpoint by ARN (``arn:aws:sagemaker:<region>:<account>:endpoint/<name>``)."""
        check = Checker()
        if check.text("endpoint.imported-arn", "endpoint_arn", with_literal_start(scope, endpoint_arn),
                      fix="pass the endpoint's ARN, arn:aws:sagemaker:<region>:<account>:endpoint/<name> "
                      "(DescribeEndpoint's EndpointArn), or its name to Endpoint.from_endpoint_name") and not (
                is_unresolved(endpoint_arn)):
            check.text("name.endpoint", "endpoint_arn", endpoint_arn.split(":endpoint/", 1)[1],
                       fix="the ARN's name (after endpoint/) must be 1–63 letters, digits and hyphens")
        _raise_if_any(check, scope, construct_id)
        name = Arn.split(endpoint_arn, ArnFormat.SLASH_RESOURCE_NAME).resource_name or ""
        return _ImportedEndpoint(scope, construct_id, name=name, arn=endpoint_arn)


_NAME_FIX = "use 1–63 letters, digits and hyphens, starting and ending with a letter or digit"


def _raise_if_any(check: Checker, scope: Construct, construct_id: str) -> None:
    """A factory's problems, named by the path the imported endpoint would have."""
    if check.problems:
        raise ValidationError(f"{scope.node.path}/{construct_id}".lstrip("/"), "Endpoint", check.problems)


def _watch(endpoint: Construct, scope: Construct) -> None:
    """What every endpoint this app creates gets: its stack recorded, the stack-limit check, and the
    synth-time guard when a baseline is given. The baseline context as the endpoint sees it is its
    scope's (a construct with children can no longer change its context), so it is read once per scope."""
    adopt(endpoint, scope)
    watch_stack_limits(stack_of(scope))
    if memo(scope, BASELINE_CONTEXT, lambda: scope.node.try_get_context(BASELINE_CONTEXT)):
        from ..guard.plugin import register_guard  # the guard loads only for an app with a baseline

        register_guard(endpoint)


class _ConfiguredEndpoint(_ImportedEndpoint, RemovalPolicyMixin):
    """An ``AWS::SageMaker::Endpoint`` on an endpoint config this app does not define."""

    def __init__(self, scope: Construct, construct_id: str, *, endpoint_config_name: str,
                 endpoint_name: str | None) -> None:
        Construct.__init__(self, scope, construct_id)
        check = Checker()
        for field, value in (("endpoint_config_name", endpoint_config_name), ("endpoint_name", endpoint_name)):
            check.text("name.endpoint", field, with_literal_start(self, value),
                       fix="use 1–63 letters, digits and hyphens, starting and ending with a letter or digit")
        _watch(self, scope)
        if isinstance(endpoint_name, str) and not is_unresolved(endpoint_name) and not check.problems:
            check_unique_endpoint_name(self, check, endpoint_name)
        if check.problems:
            raise ValidationError(self.node.path, "Endpoint", check.problems)
        self.resource = sagemaker.CfnEndpoint(self, "Resource", endpoint_config_name=endpoint_config_name,
                                              endpoint_name=endpoint_name)
        # The guard reads the kind from the config; of a config outside the app it knows nothing.
        self.resource.add_metadata(METADATA_KEY, {"kind": "unknown"})
        self.endpoint_name = self.resource.attr_endpoint_name
        self.endpoint_arn = self.resource.ref


class EndpointBase(Construct, _EndpointMetrics, RemovalPolicyMixin):
    """Base of the endpoint constructs: one endpoint config (``Config``) and one endpoint
    (``Resource``, the logical ID that stays the same when an endpoint changes kind)."""

    kind: EndpointKind
    _pending_name: Ref | None = None
    _endpoint_config: sagemaker.CfnEndpointConfig
    _resource: sagemaker.CfnEndpoint
    _endpoint_name: str

    def _settle(self) -> None:
        """Make what :meth:`_create_endpoint` queued, if it is still queued (its results are read)."""
        if self._pending_name is not None:
            self._pending_name.value  # noqa: B018  (reading it runs the batch, whose callback sets the results)

    @property
    def endpoint_config(self) -> sagemaker.CfnEndpointConfig:
        """The endpoint config (``Config``)."""
        self._settle()
        return self._endpoint_config

    @endpoint_config.setter
    def endpoint_config(self, value: sagemaker.CfnEndpointConfig) -> None:
        self._endpoint_config = value

    @property
    def resource(self) -> sagemaker.CfnEndpoint:
        """The endpoint (``Resource``)."""
        self._settle()
        return self._resource

    @resource.setter
    def resource(self, value: sagemaker.CfnEndpoint) -> None:
        self._resource = value

    @property
    def endpoint_name(self) -> str:
        """The endpoint's name (its ``Fn::GetAtt EndpointName``)."""
        self._settle()
        return self._endpoint_name

    @endpoint_name.setter
    def endpoint_name(self, value: str) -> None:
        self._endpoint_name = value

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        adopt_path(self, scope, construct_id)  # the cost note names each endpoint by path
        _watch(self, scope)
        self.endpoint_name: str = ""
        self.variant_name: str = DEFAULT_VARIANT_NAME

    def _check_endpoint_name(self, check: Checker, endpoint_name: object) -> None:
        if not check.text("name.endpoint", "endpoint_name", with_literal_start(self, endpoint_name),
                          fix="use 1–63 letters, digits and hyphens, starting and ending with a letter or digit "
                          "(or omit endpoint_name to let CloudFormation choose one)"):
            return
        if isinstance(endpoint_name, str) and not is_unresolved(endpoint_name):
            check_unique_endpoint_name(self, check, endpoint_name)


    def _create_endpoint(self, config: sagemaker.CfnEndpointConfig | Ref, *, endpoint_name: str | None,
                         deployment_config: Any = None, metadata: Mapping[str, Any] | None = None,
                         retain_counts: bool = False, batch: Batch | None = None, run: bool = True) -> None:
        """The endpoint on ``config``, queued in ``batch`` (where ``config`` may be queued too), which runs: the
        config, the endpoint and what is queued with them take one jsii round trip (see _batch). ``run=False``: the
        caller runs it, after queuing what follows (a scalable target names the endpoint by
        :meth:`_endpoint_name_for`); ``resource`` and ``endpoint_name`` are set once it has run."""
        batch = batch or Batch()
        endpoint = batch.new(
            sagemaker.CfnEndpoint, self, "Resource", props=sagemaker.CfnEndpointProps,
            endpoint_config_name=(config.attr("attrEndpointConfigName") if isinstance(config, Ref)
                                  else config.attr_endpoint_config_name),
            endpoint_name=endpoint_name,
            deployment_config=deployment_config,
            # An update keeps each variant's running instance count (what autoscaling set); weights and
            # data capture are excluded from retention, so their changes apply (UpdateEndpoint).
            retain_all_variant_properties=True if retain_counts else None,
            exclude_retained_variant_properties=[
                struct(sagemaker.CfnEndpoint.VariantPropertyProperty, variant_property_type=kind)
                for kind in _NOT_RETAINED] if retain_counts else None,
        )
        batch.call(endpoint, "addMetadata", METADATA_KEY, {"kind": self.kind.value, **(metadata or {})})
        name = batch.get(endpoint.attr("attrEndpointName"))
        self._pending_name: Ref | None = name

        def made() -> None:  # (a value not made raises: the endpoint then says so when read)
            made_config = config.value if isinstance(config, Ref) else config
            self._resource, self._endpoint_name = endpoint.value, typing.cast(str, name.value)
            self._endpoint_config, self._pending_name = made_config, None
        batch.after(made)
        if run:
            batch.run()
        stack = stack_of(self)  # at synth: the idle floor note, quota needs and the app's budget (one validation)
        register_cost_note(self, memo(stack, "root", lambda: stack.node.root), stage_of(stack))

    def _endpoint_name_for(self, batch: Batch) -> str | Ref:
        """The endpoint's name as an argument of ``batch``: a result still queued, or the name."""
        return self._pending_name if self._pending_name is not None else self.endpoint_name

    def _capacity_variants(self) -> tuple[VariantCapacity, ...]:
        """The variants' capacities (floor and ceiling), for the synth-time cost note."""
        return ()

    def _cost_kind(self) -> str:
        return self.kind.value

    def _rolling_batch(self) -> tuple[str, int] | None:
        """A rolling update's maximum batch (unit, value); None: updates are blue/green (a whole new fleet)."""
        return None

    @property
    def endpoint_arn(self) -> str:
        """The endpoint's ARN (its ``Ref``), read from aws-cdk-lib when first asked for."""
        return memo(self.resource, "ref", lambda: self.resource.ref)

    @checked("EndpointBase.grant_invoke")
    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to invoke this endpoint (InvokeEndpoint and the response stream)."""
        return _grant(grantee, self.endpoint_arn,
                      ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"])


_NOT_RETAINED = ("DesiredWeight", "DataCaptureConfig")
"""Variant properties an update applies even while the endpoint retains the instance counts."""


def check_unique_endpoint_name(endpoint: Construct, check: Checker, endpoint_name: str) -> None:
    """Endpoint names are unique per account and Region, case-insensitively (CreateEndpoint fails)."""
    check_unique_name(endpoint, check, endpoint_name, kind="endpoint", field="endpoint_name",
                      constraint_id="name.endpoint-unique", ignore_case=True)


def check_unique_name(construct: Construct, check: Any, name: str, *, kind: str, field: str,
                      constraint_id: str, ignore_case: bool = False) -> None:
    """A physical name of ``kind`` (endpoint, inference component) that must be unique per account and
    Region (``ignore_case``: compared case-insensitively, as CreateEndpoint does).

    The same name twice in one stack, or in two stacks of the same literal account and Region, is
    refused; where a stack is environment-agnostic the two may deploy to different Regions, so
    that is a warning.
    """
    stack = stack_of(construct)
    root = memo(stack, "root", lambda: stack.node.root)
    taken: dict[str, list[tuple[str, Stack, Construct]]] = memo(root, f"{kind}-names", dict)
    mine = _environment(stack)
    key = name.lower() if ignore_case else name
    for other_path, other_stack, _ in taken.get(key, []):
        theirs = _environment(other_stack)
        # A nested stack deploys with its top-level stack: the same account and Region, whatever the env says.
        if _deployed_with(other_stack) is _deployed_with(stack) or (mine is not None and mine == theirs):
            check.fail(constraint_id, field, name,
                       f"the {kind} {other_path} of this app already has this name in the same account and "
                       f"Region{' (names are compared case-insensitively)' if ignore_case else ''}",
                       f"give each {kind} its own {field}, or omit it to let "
                       f"{'CloudFormation' if kind == 'endpoint' else 'the library'} choose one")
        else:
            annotations_of(construct).add_warning_v2(
                f"cdk-sagemaker-inference:{constraint_id}",
                f"{field} {name!r} is also used by {other_path}; if both stacks deploy to the "
                f"same account and Region, the second create fails. Pin the stacks' env, or use "
                "distinct names.")
    taken.setdefault(key, []).append((node_of(construct).path, stack, construct))
    held: list[tuple[dict[str, list[tuple[str, Stack, Construct]]], str]] = memo(construct, _NAMES, list)
    held.append((taken, key))


_NAMES = "names-taken"


def _free_names(construct: object) -> None:
    """A construct refused after it took a name here (``typecheck._detach``) frees it."""
    for taken, key in remembered(construct, _NAMES) or ():
        taken[key] = [entry for entry in taken[key] if entry[2] is not construct]


DETACH_HOOKS.append(_free_names)


def _deployed_with(stack: Stack) -> Stack:
    """The top-level stack ``stack`` deploys with (itself, or the root of its nested-stack parents)."""
    def read() -> Stack:
        top = stack
        while top.nested_stack_parent is not None:
            top = top.nested_stack_parent
        return top

    return memo(stack, "deployed-with", read)


def _environment(stack: Stack) -> tuple[str, str] | None:
    """The stack's literal (account, Region), or None when either is decided at deploy time."""
    def read() -> tuple[str, str] | None:
        account, region = stack.account, stack.region
        return None if is_unresolved(account) or is_unresolved(region) else (account, region)

    return memo(stack, "literal-environment", read)


def metrics_frequency(checks: TypeChecks, duration: object) -> object:
    """``metrics_publish_frequency`` in whole seconds, checked against ``realtime.metrics-frequency`` (a real-time or
    inference-component endpoint's ``MetricsConfig``)."""
    from .guardrails import seconds_of  # guardrails imports this module

    frequency = seconds_of(checks, "metrics_publish_frequency", duration)
    if isinstance(frequency, float) and frequency.is_integer() and not is_unresolved(frequency):
        frequency = int(frequency)  # a token's encoding is a float too: converted, it would no longer be one
    checks.one_of("realtime.metrics-frequency", "metrics_publish_frequency", frequency,
                  fix="use Duration.seconds(n) with n one of 10, 30, 60, 120, 180, 240, 300")
    return frequency


def add_metrics_config(config: sagemaker.CfnEndpointConfig | Ref, frequency: object, enhanced_metrics: bool | None,
                       batch: Batch | None = None) -> None:
    """``MetricsConfig`` of ``config`` (none when neither is given); queued in ``batch`` if given."""
    metrics = {k: v for k, v in (("MetricPublishFrequencyInSeconds", frequency),
                                 ("EnableEnhancedMetrics", enhanced_metrics)) if v is not None}
    if not metrics:  # aws-cdk-lib's CfnEndpointConfig has no MetricsConfig prop yet (CloudFormation has)
        return
    if batch is not None:
        batch.call(config, "addPropertyOverride", "MetricsConfig", metrics)
    else:
        typing.cast(sagemaker.CfnEndpointConfig, config).add_property_override("MetricsConfig", metrics)
