"""AsyncEndpoint under generated props: a clean ValidationError or a template SageMaker accepts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
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
    scalable_target_problems,
    variant_names,
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

from cdk_sagemaker_inference import AsyncEndpoint, AsyncS3Location, IncludeInferenceResponseIn
from helpers import new_app, new_stack
from oracles import Problem, api_problems, async_rules, input_shape, known, model_rules

TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
SUCCESS, ERROR = "SUCCESS_NOTIFICATION_TOPIC", "ERROR_NOTIFICATION_TOPIC"


@dataclass(frozen=True)
class Storage:
    """Where inputs and results go: the construct's own bucket, a bucket of yours, or locations."""

    kind: str  # "created" | "bucket" | "locations"
    bucket_name: Any = "my-async"
    input_prefix: Any = None
    output_prefix: Any = None
    failure_prefix: Any = None
    output_location: tuple[str, Any] | None = None  # (bucket name, prefix) of a location of yours
    expiration_days: Any = None

    def prefixes(self) -> tuple[Any, Any, Any]:
        defaults = ("input", "output", "failure")
        given = (self.input_prefix, self.output_prefix, self.failure_prefix)
        return tuple(d if g is None else g for g, d in zip(given, defaults, strict=True))  # type: ignore[return-value]


def _prefix(*valid: str) -> st.SearchStrategy[Any]:
    """One location's prefix: its own valid names, or an empty, overlapping, long, token or wrong one."""
    return field_of(st.none() | st.sampled_from(valid),
                    st.sampled_from(("", "/", "/leading/", "output/sub", "in", "p" * 400)), st.just(Tok()),
                    st.just(Wrong(3)), weight=8)


_PREFIXES = (_prefix("in", "requests/in"), _prefix("out", "results/out"), _prefix("fail", "results/failed"))


@st.composite
def storages(draw: st.DrawFn) -> Storage:
    kind = draw(field_of(st.just("created"), st.just("bucket"), st.just("locations"), weight=2))
    bucket = draw(field_of(st.just("my-async"), st.just(Tok()), weight=6)) if kind == "bucket" else "my-async"
    long_ok = kind == "bucket" and known(bucket) and not isinstance(bucket, Tok)
    prefixes = [draw(strategy) for strategy in _PREFIXES]
    if not long_ok:
        prefixes = [p if not (isinstance(p, str) and len(p) > 100) else "long" for p in prefixes]
    location = None
    if kind == "locations":
        location = ("their-results", draw(field_of(st.just("results"), st.just(""), st.just("x" * 490), weight=4)))
        prefixes[1] = draw(field_of(st.none(), st.just("out"), weight=8))
    expiration = draw(field_of(st.none(), st.sampled_from((1, 30)), st.sampled_from((0, 1.5)), weight=8))
    return Storage(kind=kind, bucket_name=bucket, input_prefix=prefixes[0], output_prefix=prefixes[1],
                   failure_prefix=prefixes[2], output_location=location, expiration_days=expiration)


@dataclass(frozen=True)
class Topic:
    kind: str  # "imported" | "bad-arn"
    name: str = "results"

    @property
    def arn(self) -> str:
        return f"{TOPIC}{self.name}" if self.kind == "imported" else f"arn:aws:sns:{REGION}:123:{self.name}"


_topics = field_of(st.none(), st.just(Topic("imported")), st.just(Topic("bad-arn")), weight=4)


@dataclass(frozen=True)
class Scaling:
    min_instances: Any
    max_instances: Any = 2
    target: Any = 5.0
    scale_in: Any = None
    scale_from_zero: Any = None


_scalings = field_of(
    st.none(),
    st.integers(0, 3).flatmap(lambda low: st.builds(Scaling, st.just(low), st.integers(max(low, 1), 4),
                                                    st.sampled_from((5.0, 1, 0.5)))),
    st.builds(Scaling, st.sampled_from((0, 1, -1, Wrong("0"))), st.sampled_from((0, 1, 2, Wrong(2.0))),
              st.sampled_from((5.0, 0, -1.0, Wrong("5"))),
              st.sampled_from((None, Seconds(300), Seconds(1500, millis=True), Seconds(0))),
              st.sampled_from((None, Seconds(60)))),
    st.builds(Scaling, st.just(0), st.just(2), st.sampled_from((math.nan, math.inf))),
    weight=3,
)


@dataclass(frozen=True)
class Example:
    model: Any
    instance_type: Any
    initial_instance_count: Any = 1
    allow_unknown: bool = False
    endpoint_name: Any = None
    variant_name: Any = "AllTraffic"
    download_timeout: Any = None
    startup_timeout: Any = None
    storage: Storage = Storage("created")
    kms: Any = None  # None | "imported" | "created"
    success_topic: Any = None
    error_topic: Any = None
    create_topics: Any = True
    include: Any = ()
    max_concurrent: Any = None
    scaling: Scaling | None = None

    def has_tokens(self) -> bool:
        return "Tok(" in repr(self)

    def has_wrong_types(self) -> bool:
        return "Wrong(" in repr(self)


_include = field_of(st.just(()), st.sampled_from(((SUCCESS,), (ERROR,), (SUCCESS, ERROR))),
                    st.sampled_from(((SUCCESS, SUCCESS), Wrong(SUCCESS))), weight=4)
_counts = field_of(st.integers(1, 3), st.sampled_from((0, -1)), st.just(2**40), st.just(Tok("Number")),
                   st.sampled_from((Wrong(1.0), Wrong("1"), None)), weight=8)
_concurrency = field_of(st.none() | st.integers(1, 1000), st.sampled_from((1, 1000)), st.sampled_from((0, 1001)),
                        st.just(Tok("Number")), st.just(Wrong(4.5)), weight=6)


@st.composite
def async_examples(draw: st.DrawFn) -> Example:
    with clean_examples(draw):
        return Example(
            model=draw(field_of(models(), st.sampled_from((Wrong("my-model"), None)), weight=10)),
            instance_type=draw(field_of(instance_types, st.just(None), weight=12)),
            initial_instance_count=draw(_counts),
            allow_unknown=draw(field_of(st.just(False), st.just(True), weight=6)),
            endpoint_name=draw(endpoint_names),
            variant_name=draw(variant_names),
            download_timeout=draw(durations(60, 3600)),
            startup_timeout=draw(durations(60, 3600)),
            storage=draw(storages()),
            kms=draw(field_of(st.none(), st.sampled_from(("imported", "created")), weight=3)),
            success_topic=draw(_topics),
            error_topic=draw(_topics),
            create_topics=draw(field_of(st.just(True), st.just(False), st.just(Wrong("yes")), weight=5)),
            include=draw(_include),
            max_concurrent=draw(_concurrency),
            scaling=draw(_scalings),
        )


# --------------------------------------------------------------------------- building


def build(example: Example, *, without_construct: bool = False) -> tuple[Any, Any]:
    app = new_app()
    stack = new_stack(app)
    model = example.model.build(stack) if isinstance(example.model, Model) else plain(example.model)
    storage = example.storage
    kwargs: dict[str, Any] = {
        "model": model,
        "instance_type": example.instance_type.build() if isinstance(example.instance_type, Type) else None,
        "initial_instance_count": value(stack, plain(example.initial_instance_count)),
        "allow_unknown_instance_type": example.allow_unknown,
        "endpoint_name": value(stack, plain(example.endpoint_name)),
        "variant_name": plain(example.variant_name),
        "model_data_download_timeout": build_duration(stack, example.download_timeout),
        "container_startup_health_check_timeout": build_duration(stack, example.startup_timeout),
        "create_topics": plain(example.create_topics),
        "max_concurrent_invocations_per_instance": value(stack, plain(example.max_concurrent)),
    }
    for field in ("input_prefix", "output_prefix", "failure_prefix"):
        given = getattr(storage, field)
        if given is not None:
            kwargs[field] = value(stack, plain(given))
    if storage.kind == "bucket":
        kwargs["bucket"] = s3.Bucket.from_bucket_name(stack, "Async", value(stack, storage.bucket_name))
    if storage.output_location is not None:
        name, prefix = storage.output_location
        kwargs["output_location"] = AsyncS3Location(s3.Bucket.from_bucket_name(stack, "Results", name), prefix)
    if storage.expiration_days is not None:
        from aws_cdk import Duration

        kwargs["output_expiration"] = Duration.days(storage.expiration_days)
    if example.kms == "imported":
        kwargs["kms_key"] = kms.Key.from_key_arn(stack, "Key", KEY_ARN)
    elif example.kms == "created":
        kwargs["kms_key"] = kms.Key(stack, "Key", enable_key_rotation=True)
    for field, topic in (("success_topic", example.success_topic), ("error_topic", example.error_topic)):
        if topic is not None:
            kwargs[field] = sns.Topic.from_topic_arn(stack, field, topic.arn)
    if example.include:
        kwargs["include_inference_response_in"] = (
            [IncludeInferenceResponseIn(i) for i in example.include] if isinstance(example.include, tuple)
            else [plain(example.include)])
    scaling = example.scaling
    if scaling is not None:
        kwargs.update(min_instances=plain(scaling.min_instances), max_instances=plain(scaling.max_instances),
                      target_backlog_per_instance=plain(scaling.target),
                      scale_in_cooldown=build_duration(stack, scaling.scale_in),
                      scale_from_zero_cooldown=build_duration(stack, scaling.scale_from_zero))
    building(app, stack)
    if without_construct:
        return app, stack
    AsyncEndpoint(stack, "Endpoint", **kwargs)
    return app, stack


# --------------------------------------------------------------------------- the oracle


def _path(bucket: Any, prefix: Any) -> Any:
    if isinstance(bucket, Tok) or isinstance(prefix, Tok):
        return Tok()
    if isinstance(prefix, Wrong):
        return prefix
    return f"s3://{bucket}/{str(prefix).strip('/')}"


def expected_requests(example: Example) -> dict[str, dict[str, Any]]:
    storage = example.storage
    bucket = {"created": "placeholder-bucket", "bucket": storage.bucket_name, "locations": "placeholder-bucket"}[
        storage.kind]
    _in, out, fail = storage.prefixes()
    output_path = _path(*storage.output_location) if storage.output_location else _path(bucket, out)
    output: dict[str, Any] = {"S3OutputPath": output_path, "S3FailurePath": _path(bucket, fail)}
    if example.kms is not None:
        output["KmsKeyId"] = KEY_ARN
    topics = {}
    for key, topic, created_name in (("SuccessTopic", example.success_topic, "created-success"),
                                     ("ErrorTopic", example.error_topic, "created-error")):
        if topic is not None:
            topics[key] = topic.arn
        elif example.create_topics is True:
            topics[key] = f"{TOPIC}{created_name}"
    notification: dict[str, Any] = dict(topics)
    if example.include:
        notification["IncludeInferenceResponseIn"] = (list(example.include) if isinstance(example.include, tuple)
                                                      else [example.include])
    if notification:
        output["NotificationConfig"] = notification
    async_config: dict[str, Any] = {"OutputConfig": output}
    if example.max_concurrent is not None:
        async_config["ClientConfig"] = {"MaxConcurrentInvocationsPerInstance": example.max_concurrent}
    variant: dict[str, Any] = {"ModelName": "m-model", "InitialVariantWeight": 1.0}
    if example.variant_name is not None:
        variant["VariantName"] = example.variant_name
    if isinstance(example.instance_type, Type):
        variant["InstanceType"] = example.instance_type.api()
    if example.initial_instance_count is not None:
        variant["InitialInstanceCount"] = example.initial_instance_count
    for key, item in (("ModelDataDownloadTimeoutInSeconds", example.download_timeout),
                       ("ContainerStartupHealthCheckTimeoutInSeconds", example.startup_timeout)):
        if item is not None:
            variant[key] = api_duration(item)
    requests = {
        "CreateEndpointConfig": {"EndpointConfigName": "c-config", "ProductionVariants": [variant],
                                 "AsyncInferenceConfig": async_config},
        "CreateEndpoint": {"EndpointName": "e-endpoint" if example.endpoint_name is None else example.endpoint_name,
                           "EndpointConfigName": "c-config"},
    }
    if isinstance(example.model, Model):
        requests["CreateModel"] = example.model.request()
    return {operation: fill_tokens(params, input_shape(operation)) for operation, params in requests.items()}


_PROPS = (
    ("ScalableTarget", {"min_instances", "max_instances"}), ("Autoscaling", {"min_instances", "max_instances",
     "target_backlog_per_instance", "scale_in_cooldown", "scale_out_cooldown", "scale_from_zero_cooldown",
     "instance_type"}),
    ("S3OutputPath", {"output_prefix", "output_location", "bucket"}),
    ("S3FailurePath", {"failure_prefix", "failure_location", "bucket"}),
    ("Locations", {"input_prefix", "output_prefix", "failure_prefix", "output_location", "prefix"}),
    ("Expiration", {"output_expiration", "input_expiration"}),
    ("KmsKeyId", {"kms_key"}),
    ("SuccessTopic", {"success_topic"}), ("ErrorTopic", {"error_topic"}),
    ("IncludeInferenceResponseIn", {"include_inference_response_in"}),
    ("NotificationConfig", {"create_topics", "success_topic", "error_topic"}),
    ("MaxConcurrentInvocationsPerInstance", {"max_concurrent_invocations_per_instance"}),
    ("InstanceType", {"instance_type"}), ("InitialInstanceCount", {"initial_instance_count"}),
    ("ModelDataDownloadTimeoutInSeconds", {"model_data_download_timeout"}),
    ("ContainerStartupHealthCheckTimeoutInSeconds", {"container_startup_health_check_timeout"}),
    ("VariantName", {"variant_name"}), ("EndpointName", {"endpoint_name"}), ("CreateTopics", {"create_topics"}),
    ("ModelPackageName", {"model_package", "model_package_name", "model"}),
)


def props_of(problem: Problem) -> set[str]:
    for key, props in _PROPS:
        if key in problem.path:
            return set(props)
    if problem.source.startswith("BC CreateModel") or problem.path.startswith(
            ("PrimaryContainer", "Containers", "Vpc", "EnableNetwork", "Environment", "model")):
        return model_props(problem.path) | {"model"}
    return {"model"}


def contract_rules(example: Example) -> list[Problem]:
    """AsyncEndpoint's documented contract (its docstring), beyond the API."""
    problems: list[Problem] = []
    contract = "AsyncEndpoint docstring"
    if not isinstance(example.model, Model):
        problems.append(Problem("model", "a model (InferenceModel) is required", contract))
    else:
        for index, container in enumerate(example.model.containers):
            if container.mode == "MultiModel":
                problems.append(Problem(f"Containers[{index}].Mode", "no multi-model containers", contract))
        if len(example.model.containers) > 1 and example.model.execution_mode == "Direct":
            problems.append(Problem("InferenceExecutionConfig", "no Direct invocation", contract))
    if example.instance_type is None:
        problems.append(Problem("InstanceType", "instance_type is required", contract))
    if example.initial_instance_count is None:  # the prop is an int (default 1): None given is refused
        problems.append(Problem("InitialInstanceCount", "initial_instance_count is a whole number ≥ 1", contract))
    if not isinstance(example.create_topics, bool):
        problems.append(Problem("CreateTopics", "create_topics is a bool", contract))
    if isinstance(example.include, Wrong):
        problems.append(Problem("IncludeInferenceResponseIn", "a list of IncludeInferenceResponseIn", contract))
    storage = example.storage
    prefixes = storage.prefixes()
    own = "my-async" if storage.kind == "bucket" else "own"
    located = [("input", own, prefixes[0]),
               ("output", "their-results", storage.output_location[1]) if storage.output_location
               else ("output", own, prefixes[1]),
               ("failure", own, prefixes[2])]
    if storage.kind == "bucket" and isinstance(storage.bucket_name, Tok):
        located = [(n, "token", p) for n, _b, p in located]
    if storage.output_location is not None and storage.output_prefix is not None:
        problems.append(Problem("Locations", "output_prefix or output_location, not both", contract))
    for name, _bucket, prefix in located:
        if isinstance(prefix, Wrong):
            problems.append(Problem(f"Locations.{name}_prefix", "a prefix is a str", contract))
    # Empty (bucket root) and overlapping locations: SageMaker accepts them; the library warns (least
    # privilege is advice, not a refusal), so they are no problem here.
    if storage.expiration_days is not None:
        days = storage.expiration_days
        if storage.kind == "bucket":
            problems.append(Problem("Expiration", "expirations only on the construct's own bucket", contract))
        elif not whole(days) or days < 1:
            problems.append(Problem("Expiration", "whole days ≥ 1", contract))
    problems += scaling_rules(example)
    return problems


def scaling_rules(example: Example) -> list[Problem]:
    """Backlog autoscaling: Application Auto Scaling's parameters, the constraint table (scale to zero, no
    burstable types) and the docstring (target > 0, whole-second cooldowns, wake-up only at zero)."""
    scaling = example.scaling
    if scaling is None:
        return []
    path = "Autoscaling"
    problems = []
    low, high, target = scaling.min_instances, scaling.max_instances, scaling.target
    if not whole(low) or low < 0:
        problems.append(Problem(f"{path}.min_instances", "a whole number ≥ 0"))
    if not whole(high) or high < 1:
        problems.append(Problem(f"{path}.max_instances", "a whole number ≥ 1"))
    if whole(low) and whole(high) and low > high:
        problems.append(Problem(f"{path}.min_instances", "min ≤ max"))
    if isinstance(target, bool) or not isinstance(target, (int, float)) or not math.isfinite(target) or target <= 0:
        problems.append(Problem(f"{path}.target_backlog_per_instance", "a number > 0"))
    for item in (scaling.scale_in, scaling.scale_from_zero):
        seconds = api_duration(item)
        if seconds is not None and (not whole(seconds) or seconds < 0):
            problems.append(Problem(f"{path}.cooldown", "whole seconds ≥ 0"))
    if scaling.scale_from_zero is not None and low != 0:
        problems.append(Problem(f"{path}.scale_from_zero_cooldown", "only with min_instances=0",
                                "AsyncEndpoint docstring"))
    if isinstance(example.instance_type, Type) and isinstance(example.instance_type.name, str) \
            and not example.instance_type.bare and example.instance_type.name.startswith("ml.t"):
        problems.append(Problem(f"{path}.instance_type", "no autoscaling on burstable ml.t* types"))
    if whole(low) and whole(high):
        problems += scalable_target_problems(low, high)
    return problems


def oracle(example: Example) -> Verdict:
    requests = expected_requests(example)
    problems: list[Problem] = []
    for operation, params in requests.items():
        found = api_problems(operation, params)
        if operation == "CreateEndpointConfig" and isinstance(example.instance_type, Type):
            found = allow_unknown_type(found, example.allow_unknown, example.instance_type.name)
        problems += found
    models = {}
    if "CreateModel" in requests:
        models = {"m-model": requests["CreateModel"]}
        problems += model_rules(requests["CreateModel"])
    problems += async_rules(requests["CreateEndpointConfig"], models)
    problems += contract_rules(example)
    return verdict(problems, props_of)


def template_rules(requests: list[Any]) -> list[Problem]:
    models = models_by_name(requests)
    problems: list[Problem] = []
    for request in only(requests, "CreateModel"):
        problems += model_rules(request.params)
    for request in only(requests, "CreateEndpointConfig"):
        problems += async_rules(request.params, models)
        if "AsyncInferenceConfig" not in request.params:
            problems.append(Problem("AsyncInferenceConfig", "an async endpoint config has AsyncInferenceConfig"))
    return problems


# --------------------------------------------------------------------------- the property


def test_async_endpoint_refuses_cleanly_or_synthesizes_what_sagemaker_accepts(property_report: Path) -> None:
    run = Run("AsyncEndpoint", property_report)

    @settings(max_examples=examples("AsyncEndpoint"))
    @given(async_examples())
    def check(example: Example) -> None:
        allow = example.allow_unknown and isinstance(example.instance_type, Type)
        run.check(repr(example), oracle(example), partial(build, example), template_rules,
                  has_tokens=example.has_tokens(), has_wrong_types=example.has_wrong_types(),
                  allow_unknown_instance_type=allow)

    check()
    run.finish()
