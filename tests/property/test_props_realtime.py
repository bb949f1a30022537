"""RealtimeEndpoint under generated props: a clean ValidationError or a template SageMaker accepts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from hypothesis import given, settings
from hypothesis import strategies as st
from prop_cfn import ACCOUNT, KEY_ID, REGION
from prop_common import (
    Seconds,
    Type,
    allow_unknown_type,
    api_duration,
    build_duration,
    durations,
    endpoint_names,
    instance_types,
    names,
    scalable_target_problems,
    whole,
)
from prop_harness import Run, Verdict, building, models_by_name, only, verdict
from prop_model import (
    Model,
    Tok,
    Wrong,
    clean_examples,
    field_of,
    fill_tokens,
    model_props,
    models,
    plain,
    value,
)
from prop_settings import examples

from cdk_sagemaker_inference import (
    CaptureMode,
    DataCapture,
    DeploymentGuardrails,
    InstanceScaling,
    MetricTarget,
    ProductionVariant,
    RealtimeEndpoint,
    RoutingStrategy,
    StepScaling,
)
from helpers import new_app, new_stack
from oracles import Problem, api_problems, deployment_rules, input_shape, model_rules, realtime_rules

KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"


STEP_SETS: dict[str, tuple[tuple[tuple[float | None, float | None, int], ...], str | None]] = {
    # name: ((lower, upper, change), ...), and what is wrong with them (None: aws-cdk-lib builds the alarms).
    "in-and-out": (((None, 10, -1), (50, None, 2)), None),
    "three-steps": (((None, 5, -1), (50, None, 1), (80, None, 3)), None),
    "overlapping": (((None, 30, -1), (20, None, 1)), "intervals that overlap: no bounds can be determined"),
    "unbounded": (((None, None, 1), (None, None, -1)), "intervals without a lower or upper bound"),
    "single": (((50, None, 1),), "fewer than 2 intervals"),
}
"""Step-scaling interval sets with what aws-cdk-lib's StepScalingPolicy (the row's source) makes of them."""

STATISTICS = ("Average", "Sum", "SampleCount", "Maximum", "avg", "p99", "tm90", "IQM")
"""Statistics of a custom target's metric: the API's, an alias aws-cdk-lib expands, extended ones."""
CDK_STATISTIC_NAMES = {"avg": "Average", "average": "Average", "sum": "Sum", "min": "Minimum", "minimum": "Minimum",
                       "max": "Maximum", "maximum": "Maximum", "n": "SampleCount", "samplecount": "SampleCount"}
"""What aws-cdk-lib's ``Metric`` writes for the statistic names its ``Stats`` documents in any case."""


@dataclass(frozen=True)
class Scaling:
    min_capacity: Any
    max_capacity: Any
    target: Any = 100.0
    steps: str | None = None  # a STEP_SETS name
    statistic: str | None = None  # a custom target's metric statistic (None: no custom target)

    def custom_targets(self) -> list[MetricTarget]:
        if self.statistic is None:
            return []
        return [MetricTarget(metric=cloudwatch.Metric(namespace="Orders", metric_name="Depth", statistic=self.statistic),
                             target_value=5)]

    def step_scaling(self) -> StepScaling | None:
        if self.steps is None:
            return None
        return StepScaling(metric=cloudwatch.Metric(namespace="Orders", metric_name="QueueDepth"),
                           steps=[appscaling.ScalingInterval(lower=lower, upper=upper, change=change)
                                  for lower, upper, change in STEP_SETS[self.steps][0]])


@dataclass(frozen=True)
class Variant:
    name: Any
    model: Any
    instance_type: Any
    count: Any = 1
    weight: Any = 1.0
    volume: Any = None
    download_timeout: Any = None
    routing: Any = None  # "RANDOM" | "LEAST_OUTSTANDING_REQUESTS" | Wrong
    scaling: Scaling | None = None
    accelerator_type: Any = None
    managed_scaling: Any = None

    def build(self, stack: Any, construct_id: str) -> ProductionVariant:
        return ProductionVariant(**self.kwargs(stack, construct_id))

    def kwargs(self, stack: Any, construct_id: str) -> dict[str, Any]:
        model = self.model.build(stack, construct_id) if isinstance(self.model, Model) else plain(self.model)
        kwargs: dict[str, Any] = {
            "variant_name": plain(self.name), "model": model,
            "instance_type": self.instance_type.build() if isinstance(self.instance_type, Type) else None,
            "instance_count": value(stack, plain(self.count)), "initial_weight": plain(self.weight),
            "volume_size_gb": value(stack, plain(self.volume)),
            "model_data_download_timeout": build_duration(stack, self.download_timeout),
        }
        if self.routing is not None:
            kwargs["routing_strategy"] = (RoutingStrategy(self.routing) if isinstance(self.routing, str)
                                          else plain(self.routing))
        if self.scaling is not None:
            kwargs["autoscaling"] = InstanceScaling(min_capacity=plain(self.scaling.min_capacity),
                                                    max_capacity=plain(self.scaling.max_capacity),
                                                    target_invocations_per_instance=plain(self.scaling.target),
                                                    step_scaling=self.scaling.step_scaling(),
                                                    custom_targets=self.scaling.custom_targets())
        if self.accelerator_type is not None:
            kwargs["accelerator_type"] = self.accelerator_type
        if self.managed_scaling is not None:
            kwargs["managed_instance_scaling"] = self.managed_scaling
        return kwargs

    def request(self, model_name: str) -> dict[str, Any]:
        out: dict[str, Any] = {"ModelName": model_name}
        for key, item in (("VariantName", self.name), ("InitialInstanceCount", self.count),
                           ("InitialVariantWeight", self.weight), ("VolumeSizeInGB", self.volume)):
            if item is not None:
                out[key] = item
        if isinstance(self.instance_type, Type):
            out["InstanceType"] = self.instance_type.api()
        if self.download_timeout is not None:
            out["ModelDataDownloadTimeoutInSeconds"] = api_duration(self.download_timeout)
        if self.routing is not None:
            out["RoutingConfig"] = {"RoutingStrategy": self.routing}
        if self.accelerator_type is not None:
            out["AcceleratorType"] = self.accelerator_type
        if self.managed_scaling is not None:
            out["ManagedInstanceScaling"] = self.managed_scaling
        return out

    def floor(self) -> int | None:
        given = self.scaling.min_capacity if self.scaling is not None else self.count
        return given if whole(given) else None

    def ceiling(self) -> float | None:
        """The autoscaling maximum (math.inf when not a whole number: no known maximum); None without autoscaling."""
        if self.scaling is None:
            return None
        given = self.scaling.max_capacity
        return given if whole(given) else math.inf


_scalings = field_of(
    # A custom target's statistic in the clean branch too: an extended one (p99) must be refused when it is the
    # only thing wrong (elsewhere another field's refusal comes first), which clean examples give.
    st.none() | st.builds(Scaling, st.just(1), st.just(3), st.just(100.0), st.none(), st.sampled_from(STATISTICS)),
    st.integers(1, 3).flatmap(lambda low: st.builds(Scaling, st.just(low), st.integers(low, 6),
                                                    st.sampled_from((100.0, 1, 0.5)),
                                                    st.none() | st.sampled_from(("in-and-out", "three-steps")))),
    st.builds(Scaling, st.just(1), st.just(3), st.just(100.0), st.sampled_from(tuple(STEP_SETS))),
    st.builds(Scaling, st.sampled_from((0, 1, 5, Wrong("1"))), st.sampled_from((1, 4, Wrong(4.0))),
              st.sampled_from((100.0, 0, -5.0, Wrong("100")))),
    weight=4,
)


@st.composite
def variants(draw: st.DrawFn, name: Any = None) -> Variant:
    return Variant(
        name=name if name is not None else draw(field_of(names, st.sampled_from(("bad_name", "a" * 64)),
                                                         st.just(Wrong(3)), weight=8)),
        model=draw(field_of(models(), st.just(Wrong("my-model")), weight=12)),
        instance_type=draw(instance_types),
        count=draw(field_of(st.integers(1, 4), st.sampled_from((0, -1)), st.just(2**40), st.just(Tok("Number")),
                            st.sampled_from((Wrong(2.0), None)), weight=8)),
        weight=draw(field_of(st.sampled_from((1.0, 0.5, 1, 0.0)), st.just(-0.5), st.sampled_from((math.nan, math.inf)),
                             st.just(Wrong("1")), weight=8)),
        volume=draw(field_of(st.none() | st.integers(1, 512), st.sampled_from((1, 512)), st.sampled_from((0, 513)),
                             st.just(Tok("Number")), weight=6)),
        download_timeout=draw(durations(60, 3600)),
        routing=draw(field_of(st.none(), st.sampled_from(("RANDOM", "LEAST_OUTSTANDING_REQUESTS")),
                              st.just(Wrong("RANDOM")), weight=4)),
        scaling=draw(_scalings),
        accelerator_type=draw(field_of(st.none(), st.just("ml.eia2.medium"), weight=15)),
        managed_scaling=draw(field_of(st.none(), st.just({"Status": "ENABLED", "MinInstanceCount": 1,
                                                          "MaxInstanceCount": 2}), weight=15)),
    )


@dataclass(frozen=True)
class Capture:
    prefix: Any = "data-capture"
    sampling: Any = 20
    modes: Any = ("Input", "Output")
    csv: Any = None
    json: Any = None
    kms: bool = False
    enabled: Any = True

    def build(self, stack: Any) -> DataCapture:
        bucket = s3.Bucket.from_bucket_name(stack, "CaptureBucket", "my-capture")
        modes = [CaptureMode(m) for m in self.modes] if isinstance(self.modes, tuple) else plain(self.modes)
        return DataCapture(bucket=bucket, prefix=value(stack, plain(self.prefix)), sampling_percentage=plain(self.sampling),
                           capture_modes=modes, csv_content_types=plain(self.csv), json_content_types=plain(self.json),
                           kms_key=kms.Key.from_key_arn(stack, "CaptureKey", KEY_ARN) if self.kms else None,
                           enabled=plain(self.enabled))

    def request(self) -> dict[str, Any]:
        prefix = self.prefix
        destination = Tok() if isinstance(prefix, Tok) else (
            prefix if isinstance(prefix, Wrong) else f"s3://my-capture/{str(prefix).strip('/')}")
        out: dict[str, Any] = {"EnableCapture": self.enabled, "InitialSamplingPercentage": self.sampling,
                               "DestinationS3Uri": destination,
                               "CaptureOptions": ([{"CaptureMode": m} for m in self.modes]
                                                  if isinstance(self.modes, tuple) else self.modes)}
        header = {k: list(v) if isinstance(v, tuple) else v
                  for k, v in (("CsvContentTypes", self.csv), ("JsonContentTypes", self.json)) if v is not None}
        if header:
            out["CaptureContentTypeHeader"] = header
        if self.kms:
            out["KmsKeyId"] = KEY_ARN
        return out


_content_types = field_of(st.none(), st.sampled_from((("text/csv",), ("application/json", "application/jsonlines"))),
                          st.sampled_from(((), ("text/csv",) * 11, ("csv",), ("application/vnd+json",),
                                           ("text/" + "c" * 260,))), weight=5)
_captures = field_of(
    st.none(),
    st.builds(Capture,
              prefix=field_of(st.just("data-capture"), st.sampled_from(("", "p" * 490, "p" * 500, "/x/")),
                              st.just(Tok()), weight=6),
              sampling=field_of(st.integers(0, 100), st.sampled_from((0, 100)), st.sampled_from((-1, 101)),
                                st.just(Wrong(20.5)), weight=6),
              modes=field_of(st.sampled_from((("Input", "Output"), ("InputAndOutput",), ("Input",))),
                             st.sampled_from(((), ("Input",) * 33)), st.just(Wrong(["Input"])), weight=6),
              csv=_content_types, json=_content_types, kms=st.booleans(),
              enabled=field_of(st.booleans(), st.just(Wrong("yes")), weight=8)),
    weight=3,
)


@dataclass(frozen=True)
class Deployment:
    factory: str  # all_at_once | canary | linear | rolling
    size: tuple[str, Any] | None = None  # ("percent"|"instances", value)
    wait: Any = None
    termination_wait: Any = None
    timeout: Any = None
    both_sizes: bool = False
    alarms: int = 0

    def build(self, stack: Any) -> DeploymentGuardrails:
        kwargs: dict[str, Any] = {"wait": build_duration(stack, self.wait)}
        if self.timeout is not None:
            kwargs["maximum_execution_timeout"] = build_duration(stack, self.timeout)
        if self.termination_wait is not None and self.factory != "rolling":
            kwargs["termination_wait"] = build_duration(stack, self.termination_wait)
        names_ = {"canary": ("percent", "instances"), "linear": ("step_percent", "step_instances"),
                  "rolling": ("batch_percent", "batch_instances")}.get(self.factory)
        if names_ and self.size is not None:
            kwargs[names_[0] if self.size[0] == "percent" else names_[1]] = plain(self.size[1])
            if self.both_sizes:
                kwargs[names_[1] if self.size[0] == "percent" else names_[0]] = 1
        kwargs["rollback_alarms"] = [cloudwatch.Alarm.from_alarm_arn(
            stack, f"Alarm{i}", f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:alarm-{i}") for i in range(self.alarms)]
        return getattr(DeploymentGuardrails, self.factory)(**kwargs)

    def request(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        size = None
        if self.size is not None:
            size = {"Type": "CAPACITY_PERCENT" if self.size[0] == "percent" else "INSTANCE_COUNT",
                    "Value": self.size[1]}
        if self.factory == "rolling":
            policy: dict[str, Any] = {"WaitIntervalInSeconds": api_duration(self.wait)}
            if size is not None:
                policy["MaximumBatchSize"] = size
            if self.timeout is not None:
                policy["MaximumExecutionTimeoutInSeconds"] = api_duration(self.timeout)
            out["RollingUpdatePolicy"] = policy
        else:
            routing: dict[str, Any] = {"Type": self.factory.upper(), "WaitIntervalInSeconds": api_duration(self.wait)}
            if size is not None:
                routing["CanarySize" if self.factory == "canary" else "LinearStepSize"] = size
            blue_green: dict[str, Any] = {"TrafficRoutingConfiguration": routing}
            if self.termination_wait is not None:
                blue_green["TerminationWaitInSeconds"] = api_duration(self.termination_wait)
            if self.timeout is not None:
                blue_green["MaximumExecutionTimeoutInSeconds"] = api_duration(self.timeout)
            out["BlueGreenUpdatePolicy"] = blue_green
        if self.alarms:
            out["AutoRollbackConfiguration"] = {"Alarms": [{"AlarmName": f"alarm-{i}"} for i in range(self.alarms)]}
        return out


@st.composite
def deployments(draw: st.DrawFn) -> Deployment:
    factory = draw(st.sampled_from(("all_at_once", "canary", "linear", "rolling")))
    size = None
    if factory != "all_at_once":
        unit = draw(st.sampled_from(("percent", "instances")))
        amount = draw(field_of(st.integers(5, 50) if unit == "percent" else st.integers(1, 2),
                               st.sampled_from((0, 1, 4, 9, 10, 51, 100)), st.just(None), weight=4))
        size = None if amount is None else (unit, amount)
    return Deployment(
        factory=factory, size=size,
        wait=draw(field_of(st.sampled_from((Seconds(0), Seconds(600), Seconds(3600))),
                           st.sampled_from((Seconds(3601), Seconds(1500, millis=True))), weight=6)),
        termination_wait=draw(field_of(st.none(), st.sampled_from((Seconds(0), Seconds(300))),
                                       st.just(Seconds(3601)), weight=4)),
        timeout=draw(field_of(st.none(), st.sampled_from((Seconds(600), Seconds(28800), Seconds(7200))),
                              st.sampled_from((Seconds(599), Seconds(28801))), weight=4)),
        both_sizes=draw(field_of(st.just(False), st.just(True), weight=12)),
        alarms=draw(field_of(st.sampled_from((0, 1, 2)), st.sampled_from((10, 11)), weight=6)),
    )


@dataclass(frozen=True)
class Example:
    variants: tuple[Variant, ...]
    as_list: bool = False
    shadow: Variant | None = None
    capture: Capture | None = None
    kms: bool = False
    deployment: Deployment | None = None
    endpoint_name: Any = None
    allow_unknown: bool = False
    extra_single_prop: bool = False

    def has_tokens(self) -> bool:
        return "Tok(" in repr(self)

    def has_wrong_types(self) -> bool:
        return "Wrong(" in repr(self)


@st.composite
def realtime_examples(draw: st.DrawFn) -> Example:
    with clean_examples(draw):
        as_list = draw(field_of(st.just(False), st.just(True), weight=2))
        if as_list:
            count = draw(field_of(st.integers(1, 3), st.sampled_from((0, 10, 11)), weight=8))
            first = [draw(variants())]
            members = tuple(first + [Variant(**{**first[0].__dict__, "name": f"v{i}"}) for i in range(1, count)])[:count]
            if count >= 2 and draw(st.booleans()):
                members = tuple(draw(variants()) for _ in range(count))
        else:
            members = (draw(variants(name=draw(field_of(st.just("AllTraffic"), names, st.just("bad_name"),
                                                        weight=8)))),)
        shadow = draw(field_of(st.none(), variants(name="shadow"), weight=6))
        return Example(
            variants=members, as_list=as_list, shadow=shadow, capture=draw(_captures),
            kms=draw(field_of(st.just(False), st.just(True), weight=3)),
            deployment=draw(field_of(st.none(), deployments(), weight=1)),
            endpoint_name=draw(endpoint_names),
            allow_unknown=draw(field_of(st.just(False), st.just(True), weight=6)),
            extra_single_prop=as_list and draw(field_of(st.just(False), st.just(True), weight=15)),
        )


# --------------------------------------------------------------------------- building


def build(example: Example, *, without_construct: bool = False) -> tuple[Any, Any]:
    app = new_app()
    stack = new_stack(app)
    kwargs: dict[str, Any] = {"endpoint_name": value(stack, plain(example.endpoint_name)),
                              "allow_unknown_instance_type": example.allow_unknown}
    if example.as_list:
        kwargs["variants"] = [v.build(stack, f"Model{i}") for i, v in enumerate(example.variants)]
        if example.extra_single_prop:
            kwargs["instance_count"] = 2
    else:
        single = example.variants[0].kwargs(stack, "Model0")
        for key in ("accelerator_type", "managed_instance_scaling"):
            single.pop(key, None)
        single["autoscaling"] = single.get("autoscaling")
        kwargs.update({"model": single["model"], "instance_type": single["instance_type"],
                       "instance_count": single["instance_count"], "variant_name": single["variant_name"],
                       "autoscaling": single["autoscaling"], "volume_size_gb": single["volume_size_gb"],
                       "model_data_download_timeout": single["model_data_download_timeout"],
                       "routing_strategy": single.get("routing_strategy")})
    if example.shadow is not None:
        kwargs["shadow_variant"] = example.shadow.build(stack, "ShadowModel")
    if example.capture is not None:
        kwargs["data_capture"] = example.capture.build(stack)
    if example.kms:
        kwargs["kms_key"] = kms.Key.from_key_arn(stack, "Key", KEY_ARN)
    if example.deployment is not None:
        kwargs["deployment"] = example.deployment.build(stack)
    building(app, stack)
    if without_construct:
        return app, stack
    RealtimeEndpoint(stack, "Endpoint", **kwargs)
    return app, stack


# --------------------------------------------------------------------------- the oracle


def _single(variant: Variant) -> Variant:
    """The single-variant props have no accelerator_type / managed_instance_scaling, and the initial
    weight is the default 1.0."""
    count = 1 if variant.count is None else variant.count
    return Variant(**{**variant.__dict__, "accelerator_type": None, "managed_scaling": None, "weight": 1.0,
                      "count": count})


def effective_variants(example: Example) -> tuple[Variant, ...]:
    return example.variants if example.as_list else (_single(example.variants[0]),)


def expected_requests(example: Example) -> dict[str, dict[str, Any]]:
    members = effective_variants(example)
    config: dict[str, Any] = {"EndpointConfigName": "c-config",
                              "ProductionVariants": [v.request(f"m-model{i}") for i, v in enumerate(members)]}
    if example.shadow is not None:
        config["ShadowProductionVariants"] = [example.shadow.request("m-shadow")]
    if example.capture is not None:
        config["DataCaptureConfig"] = example.capture.request()
    if example.kms:
        config["KmsKeyId"] = KEY_ARN
    endpoint: dict[str, Any] = {"EndpointName": "e-endpoint" if example.endpoint_name is None
                                else example.endpoint_name, "EndpointConfigName": "c-config"}
    if example.deployment is not None:
        endpoint["DeploymentConfig"] = example.deployment.request()
    requests: dict[str, Any] = {"CreateEndpointConfig": config, "CreateEndpoint": endpoint}
    for name, variant in [(f"m-model{i}", v) for i, v in enumerate(members)] + (
            [("m-shadow", example.shadow)] if example.shadow is not None else []):
        if isinstance(variant.model, Model):
            requests[f"CreateModel {name}"] = variant.model.request(name)
    return {operation: fill_tokens(params, input_shape(operation.split()[0]))
            for operation, params in requests.items()}


_PROPS = (
    ("Autoscaling", {"autoscaling", "min_capacity", "max_capacity", "target_invocations_per_instance",
                     "instance_type", "step_scaling", "steps"}),
    ("ScalableTarget", {"autoscaling", "min_capacity", "max_capacity"}),
    ("DataCaptureConfig", {"data_capture"}), ("KmsKeyId", {"kms_key"}),
    # The DeploymentGuardrails factories check their own arguments and name them (wait=, percent=, ...).
    ("DeploymentConfig", {"deployment", "wait", "termination_wait", "maximum_execution_timeout", "percent",
                          "instances", "step_percent", "step_instances", "batch_percent", "batch_instances",
                          "rollback_alarms"}),
    ("ShadowProductionVariants", {"shadow_variant"}),
    ("AcceleratorType", {"accelerator_type"}), ("ManagedInstanceScaling", {"managed_instance_scaling"}),
    ("InstanceType", {"instance_type"}), ("InitialInstanceCount", {"instance_count"}),
    ("InitialVariantWeight", {"initial_weight"}), ("VolumeSizeInGB", {"volume_size_gb"}),
    ("ModelDataDownloadTimeoutInSeconds", {"model_data_download_timeout"}),
    ("RoutingConfig", {"routing_strategy"}), ("VariantName", {"variant_name"}),
    ("EndpointName", {"endpoint_name"}), ("Single", {"variants", "instance_count", "model"}),
    ("ProductionVariants", {"variants", "variant_name", "shadow_variant"}),
)


def props_of(problem: Problem) -> set[str]:
    last = problem.path.rsplit(".", 1)[-1]
    if last.islower():  # a contract rule names the prop itself
        return {last}
    for key, props in _PROPS:
        if key in problem.path:
            return set(props) | ({"shadow_variant"} if "Shadow" in problem.path else set())
    if problem.source.startswith("BC CreateModel") or problem.path.startswith(
            ("PrimaryContainer", "Containers", "Vpc", "EnableNetwork", "Environment", "model")):
        return model_props(problem.path) | {"model"}
    return {"model"}


def contract_rules(example: Example) -> list[Problem]:
    """RealtimeEndpoint's documented contract (docstrings), beyond the API and the constraint table."""
    problems: list[Problem] = []
    contract = "RealtimeEndpoint docstring"
    every = list(effective_variants(example)) + ([example.shadow] if example.shadow is not None else [])
    if example.extra_single_prop:
        problems.append(Problem("Single", "single-variant props or variants=[...], not both", contract))
    if example.as_list and not 1 <= len(example.variants) <= 10:
        problems.append(Problem("ProductionVariants", "1–10 production variants"))
    for index, variant in enumerate(every):
        where = f"ProductionVariants[{index}]"
        if not isinstance(variant.model, Model):
            problems.append(Problem(f"{where}.model", "an InferenceModel", contract))
        if variant.instance_type is None:
            problems.append(Problem(f"{where}.InstanceType", "required", contract))
        if isinstance(variant.routing, Wrong):
            problems.append(Problem(f"{where}.RoutingConfig", "a RoutingStrategy", contract))
        if isinstance(variant.instance_type, Type) and not variant.instance_type.bare and variant.scaling is not None \
                and str(variant.instance_type.name).startswith("ml.t"):
            problems.append(Problem(f"{where}.Autoscaling", "no autoscaling on burstable ml.t* types"))
        problems += scaling_rules(variant.scaling, f"{where}.Autoscaling")
    if example.capture is not None:
        capture = example.capture
        if isinstance(capture.modes, Wrong):
            problems.append(Problem("DataCaptureConfig.CaptureOptions", "a list of CaptureMode", contract))
        if isinstance(capture.enabled, Wrong):
            problems.append(Problem("DataCaptureConfig.EnableCapture", "a bool", contract))
    if example.deployment is not None:
        problems += deployment_contract(example.deployment)
    return problems


def deployment_contract(deployment: Deployment) -> list[Problem]:
    problems: list[Problem] = []
    contract = "DeploymentGuardrails docstring"
    if deployment.both_sizes and deployment.size is not None:
        problems.append(Problem("DeploymentConfig", "percent= or instances=, not both", contract))
    if deployment.factory != "all_at_once" and deployment.size is None:
        problems.append(Problem("DeploymentConfig", "the factory needs its size", contract))
    wait, termination = api_duration(deployment.wait), api_duration(deployment.termination_wait) or 0
    timeout = api_duration(deployment.timeout)
    if (deployment.factory != "rolling" and whole(timeout) and whole(wait) and whole(termination)
            and timeout <= wait + termination):
        problems.append(Problem("DeploymentConfig.MaximumExecutionTimeoutInSeconds",
                                "longer than wait + termination_wait", contract))
    if deployment.factory == "rolling" and whole(timeout) and whole(wait) and timeout <= wait:
        problems.append(Problem("DeploymentConfig.MaximumExecutionTimeoutInSeconds", "longer than wait", contract))
    if deployment.size is not None and deployment.size[0] == "instances":
        amount = deployment.size[1]
        if whole(amount) and amount < 1:
            problems.append(Problem("DeploymentConfig.Size", "at least 1 instance", contract))
    return problems


def scaling_rules(scaling: Scaling | None, path: str) -> list[Problem]:
    if scaling is None:
        return []
    problems = []
    low, high, target = scaling.min_capacity, scaling.max_capacity, scaling.target
    if not whole(low) or low < 1:
        problems.append(Problem(f"{path}.min_capacity", "a whole number ≥ 1 (only async may scale to zero)"))
    if not whole(high) or high < 1:
        problems.append(Problem(f"{path}.max_capacity", "a whole number ≥ 1"))
    if whole(low) and whole(high) and low > high:
        problems.append(Problem(f"{path}.min_capacity", "min ≤ max"))
    if isinstance(target, bool) or not isinstance(target, (int, float)) or target <= 0:
        problems.append(Problem(f"{path}.target_invocations_per_instance", "a number > 0"))
    if whole(low) and whole(high):
        problems += scalable_target_problems(low, high)
    if scaling.steps is not None and STEP_SETS[scaling.steps][1] is not None:
        problems.append(Problem(f"{path}.step_scaling", str(STEP_SETS[scaling.steps][1])))
    if scaling.statistic is not None:  # the target-tracking policy Application Auto Scaling is asked for
        statistic = CDK_STATISTIC_NAMES.get(scaling.statistic.lower(), scaling.statistic)
        request = {"PolicyName": "p", "ServiceNamespace": "sagemaker", "ResourceId": "endpoint/e/variant/v",
                   "ScalableDimension": "sagemaker:variant:DesiredInstanceCount", "PolicyType": "TargetTrackingScaling",
                   "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 5.0, "CustomizedMetricSpecification": {
                       "MetricName": "Depth", "Namespace": "Orders", "Statistic": statistic}}}
        problems += [Problem(f"{path}.statistic", found.rule, found.source)
                     for found in api_problems("PutScalingPolicy", request, service="application-autoscaling")]
    return problems


def oracle(example: Example) -> Verdict:
    requests = expected_requests(example)
    problems: list[Problem] = []
    members = effective_variants(example)
    every = list(members) + ([example.shadow] if example.shadow is not None else [])
    for operation, params in requests.items():
        found = api_problems(operation.split()[0], params)
        if operation == "CreateEndpointConfig":
            for variant in every:
                if isinstance(variant.instance_type, Type):
                    found = allow_unknown_type(found, example.allow_unknown, variant.instance_type.name)
        problems += found
    models = {name.split()[1]: params for name, params in requests.items() if name.startswith("CreateModel")}
    for model in models.values():
        problems += model_rules(model)
    problems += realtime_rules(requests["CreateEndpointConfig"], models)
    problems += deployment_rules(requests["CreateEndpoint"], requests["CreateEndpointConfig"],
                                 [(v.floor(), v.ceiling()) for v in members])
    problems += contract_rules(example)
    return verdict(problems, props_of)


def template_rules(requests: list[Any]) -> list[Problem]:
    models = models_by_name(requests)
    problems: list[Problem] = []
    for request in only(requests, "CreateModel"):
        problems += model_rules(request.params)
    configs = only(requests, "CreateEndpointConfig")
    for request in configs:
        problems += realtime_rules(request.params, models)
    for request in only(requests, "CreateEndpoint"):
        for config in configs:
            problems += deployment_rules(request.params, config.params)
    return problems


# --------------------------------------------------------------------------- the property


def test_realtime_endpoint_refuses_cleanly_or_synthesizes_what_sagemaker_accepts(property_report: Path) -> None:
    run = Run("RealtimeEndpoint", property_report)

    @settings(max_examples=examples("RealtimeEndpoint"))
    @given(realtime_examples())
    def check(example: Example) -> None:
        run.check(repr(example), oracle(example), partial(build, example), template_rules,
                  has_tokens=example.has_tokens(), has_wrong_types=example.has_wrong_types(),
                  allow_unknown_instance_type=example.allow_unknown)

    check()
    run.finish()

