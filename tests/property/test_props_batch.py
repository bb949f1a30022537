"""BatchTransformJob under generated props: a clean ValidationError, or a state machine whose
CreateTransformJob task SageMaker accepts (botocore over the task's parameters, with run-time
JSONPath values as placeholders) and a template cfn-lint accepts."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from hypothesis import given, settings
from hypothesis import strategies as st
from prop_cfn import ACCOUNT, KEY_ID, REGION
from prop_common import api_duration, build_duration, durations, whole
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
    AssembleWith,
    BatchDataCapture,
    BatchStrategy,
    BatchTransformInput,
    BatchTransformJob,
    BatchTransformOutput,
    CompressionType,
    DataProcessing,
    JoinSource,
    SplitType,
)
from helpers import new_app, new_stack
from oracles import Problem, api_problems, input_shape, model_rules, transform_rules

KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
TRANSFORM_TYPES = ("ml.m5.xlarge", "ml.c5.xlarge", "ml.m5.large", "ml.g4dn.xlarge", "ml.p3.2xlarge", "ml.g5.xlarge")


@dataclass(frozen=True)
class Input:
    manifest: bool = False
    bucket: Any = "my-input"
    key: Any = "data/"
    content_type: Any = None
    compression: str = "None"
    split_type: str = "None"
    data_prefix: Any = None


@dataclass(frozen=True)
class Output:
    bucket: Any = None  # None: created; else a bucket name
    prefix: Any = ""
    per_run_prefix: bool = True
    accept: Any = None
    assemble_with: str = "None"
    kms: bool = False


@dataclass(frozen=True)
class Processing:
    input_filter: Any = None
    output_filter: Any = None
    join_source: str = "None"


@dataclass(frozen=True)
class Capture:
    prefix: Any = "capture/"
    kms: bool = False
    generate_inference_id: bool = False


@dataclass(frozen=True)
class Example:
    model: Any
    instance_type: Any = "ml.m5.xlarge"
    input: Input = Input()
    output: Output | None = None
    instance_count: Any = 1
    volume_kms: bool = False
    batch_strategy: Any = None
    max_payload_mb: Any = None
    max_concurrent_transforms: Any = None
    environment: Any = None
    invocation_timeout: Any = None
    invocation_max_retries: Any = None
    processing: Processing | None = None
    capture: Capture | None = None
    job_name_prefix: Any = None
    schedule: Any = None
    topic: bool = False
    topic_kms: bool = False
    alarm_on_failure: Any = False
    allow_unknown: bool = False

    def has_tokens(self) -> bool:
        return "Tok(" in repr(self)

    def has_wrong_types(self) -> bool:
        return "Wrong(" in repr(self)


_keys = field_of(st.sampled_from(("data/", "data/2024/", "")), st.sampled_from(("/lead", "bad{key", "k" * 990)),
                 st.just(Tok()), st.just(Wrong(5)), weight=8)
_content = field_of(st.sampled_from((None, "text/csv", "application/json", "application/jsonlines")),
                    st.just("x" * 257), weight=8)


@st.composite
def inputs(draw: st.DrawFn) -> Input:
    manifest = draw(field_of(st.just(False), st.just(True), weight=4))
    key = draw(_keys)
    if manifest:
        key = draw(field_of(st.just("manifests/run.manifest"), st.sampled_from(("", "manifests/")), weight=5))
    return Input(
        manifest=manifest, bucket=draw(field_of(st.just("my-input"), st.just(Tok()), weight=8)), key=key,
        content_type=draw(_content),
        compression=draw(st.sampled_from(("None", "Gzip"))),
        split_type=draw(st.sampled_from(("None", "Line", "RecordIO", "TFRecord"))),
        data_prefix=draw(field_of(st.none(), st.just("data/"), weight=6)),
    )


@st.composite
def outputs(draw: st.DrawFn) -> Output | None:
    if draw(field_of(st.just(True), st.just(False), weight=1)):
        return None
    bucket = draw(st.sampled_from((None, "my-output")))
    prefix = draw(field_of(st.sampled_from(("", "results/", "results")),
                           st.sampled_from(("/lead", "bad^prefix", "p" * 900, "p" * 960)), weight=8))
    if bucket is None and isinstance(prefix, str) and len(prefix) > 100:
        prefix = "results/"
    return Output(bucket=bucket, prefix=prefix, per_run_prefix=draw(st.booleans()),
                  accept=draw(_content), assemble_with=draw(st.sampled_from(("None", "Line"))),
                  kms=draw(st.booleans()))


_environments = field_of(
    st.none() | st.dictionaries(st.from_regex(r"[A-Z_][A-Z0-9_]{0,8}", fullmatch=True), st.text("abc", max_size=5),
                                max_size=3),
    st.sampled_from(({f"K{i}": "v" for i in range(16)}, {"K": "v" * 10240})),
    st.sampled_from(({f"K{i}": "v" for i in range(17)}, {"K": "v" * 10241}, {"1BAD": "v"})),
    st.just(Wrong("A=b")), weight=6)
_filters = field_of(st.sampled_from((None, "$", "$[1:]", "$.features")), st.sampled_from(("$" + "a" * 63, "features")),
                    weight=6)
_schedules = field_of(st.none(), st.sampled_from(("rate(1 hour)", "rate(2 hours)", "cron(0 12 * * ? *)")),
                      st.sampled_from(("rate(1 hours)", "rate(0 hours)", "cron(0 12 * *)")), weight=6)


@st.composite
def batch_examples(draw: st.DrawFn) -> Example:
    with clean_examples(draw):
        return Example(
            model=draw(field_of(models(), st.just(Wrong("my-model")), weight=12)),
            instance_type=draw(field_of(st.sampled_from(TRANSFORM_TYPES),
                                        st.sampled_from(("ml.t2.medium", "ml.x9.huge", "m5.xlarge")),
                                        st.sampled_from((Wrong(5), None)), weight=8)),
            input=draw(inputs()), output=draw(outputs()),
            instance_count=draw(field_of(st.integers(1, 5), st.sampled_from((1, 100)),
                                         st.sampled_from((0, 101, math.nan)),
                                         st.just(Tok("Number")), st.just(Wrong(1.0)), weight=8)),
            volume_kms=draw(field_of(st.just(False), st.just(True), weight=4)),
            batch_strategy=draw(st.sampled_from((None, None, "MultiRecord", "SingleRecord"))),
            max_payload_mb=draw(field_of(st.none() | st.integers(0, 20), st.sampled_from((0, 100)),
                                         st.just(101), st.just(2**40),
                                         st.just(Tok("Number")), weight=6)),
            max_concurrent_transforms=draw(field_of(st.none() | st.integers(0, 8), st.sampled_from((1, 50)),
                                                    st.just(-1), weight=6)),
            environment=draw(_environments),
            invocation_timeout=draw(durations(1, 3600)),
            invocation_max_retries=draw(field_of(st.none() | st.integers(0, 3), st.sampled_from((-1, 4)),
                                                 st.just(Wrong(1.5)), weight=6)),
            processing=draw(field_of(st.none(), st.builds(Processing, _filters, _filters,
                                                          st.sampled_from(("None", "Input"))), weight=2)),
            capture=draw(field_of(st.none(), st.builds(Capture, st.sampled_from(("capture/", "", "c" * 1000)),
                                                       st.booleans(), st.booleans()), weight=3)),
            job_name_prefix=draw(field_of(st.none() | st.from_regex(r"[a-z][a-z0-9-]{0,20}[a-z0-9]", fullmatch=True),
                                          st.just("j" * 30), st.sampled_from(("j" * 31, "bad_prefix", "-x")),
                                          st.just(Tok()), weight=6)),
            schedule=draw(_schedules),
            topic=draw(st.booleans()),
            topic_kms=draw(field_of(st.just(False), st.just(True), weight=4)),
            alarm_on_failure=draw(field_of(st.booleans(), st.just(Wrong("yes")), weight=8)),
            allow_unknown=draw(field_of(st.just(False), st.just(True), weight=6)),
        )


# --------------------------------------------------------------------------- building


def build(example: Example, *, without_construct: bool = False) -> tuple[Any, Any]:
    app = new_app()
    stack = new_stack(app)
    model = example.model.build(stack) if isinstance(example.model, Model) else plain(example.model)
    given_input = example.input
    bucket = s3.Bucket.from_bucket_name(stack, "Input", value(stack, given_input.bucket))
    key = value(stack, plain(given_input.key))
    common = {"content_type": given_input.content_type, "compression": CompressionType(given_input.compression),
              "split_type": SplitType(given_input.split_type)}
    if given_input.manifest:
        transform_input = BatchTransformInput.from_manifest(bucket, key, data_prefix=given_input.data_prefix, **common)
    else:
        transform_input = BatchTransformInput(bucket=bucket, key=key, data_prefix=given_input.data_prefix, **common)
    output = None
    if example.output is not None:
        out = example.output
        output = BatchTransformOutput(
            bucket=s3.Bucket.from_bucket_name(stack, "Output", out.bucket) if out.bucket else None,
            prefix=out.prefix, per_run_prefix=out.per_run_prefix, accept=out.accept,
            assemble_with=AssembleWith(out.assemble_with),
            kms_key=kms.Key.from_key_arn(stack, "OutputKey", KEY_ARN) if out.kms else None)
    kwargs: dict[str, Any] = {
        "model": model,
        "instance_type": plain(example.instance_type),
        "input": transform_input,
        "output": output,
        "instance_count": value(stack, plain(example.instance_count)),
        "volume_kms_key": kms.Key.from_key_arn(stack, "VolumeKey", KEY_ARN) if example.volume_kms else None,
        "batch_strategy": BatchStrategy(example.batch_strategy) if example.batch_strategy else None,
        "max_payload_mb": value(stack, example.max_payload_mb),
        "max_concurrent_transforms": example.max_concurrent_transforms,
        "environment": plain(example.environment),
        "invocation_timeout": build_duration(stack, example.invocation_timeout),
        "invocation_max_retries": plain(example.invocation_max_retries),
        "job_name_prefix": value(stack, example.job_name_prefix),
        "alarm_on_failure": plain(example.alarm_on_failure),
        "allow_unknown_instance_type": example.allow_unknown,
    }
    if example.processing is not None:
        kwargs["data_processing"] = DataProcessing(input_filter=example.processing.input_filter,
                                                   output_filter=example.processing.output_filter,
                                                   join_source=JoinSource(example.processing.join_source))
    if example.capture is not None:
        kwargs["data_capture"] = BatchDataCapture(
            bucket=s3.Bucket.from_bucket_name(stack, "Capture", "my-capture"), prefix=example.capture.prefix,
            kms_key=kms.Key.from_key_arn(stack, "CaptureKey", KEY_ARN) if example.capture.kms else None,
            generate_inference_id=example.capture.generate_inference_id)
    if example.schedule is not None:
        kwargs["schedule"] = events.Schedule.expression(example.schedule)
    if example.topic:
        kwargs["topic"] = sns.Topic.from_topic_arn(stack, "Topic", f"arn:aws:sns:{REGION}:{ACCOUNT}:outcomes")
    if example.topic_kms:
        kwargs["topic_kms_key"] = kms.Key.from_key_arn(stack, "TopicKey", KEY_ARN)
    building(app, stack)
    if without_construct:
        return app, stack
    BatchTransformJob(stack, "Job", **kwargs)
    return app, stack


# --------------------------------------------------------------------------- the oracle

JOB_HASH = "0" * 32
DEFAULT_PREFIX = "job-" + "0" * 8


def _s3(bucket: Any, key: Any) -> Any:
    if isinstance(bucket, Tok) or isinstance(key, Tok):
        return Tok()
    if isinstance(key, Wrong):
        return key
    return f"s3://{bucket}/{key}"


def _with_slash(prefix: Any) -> Any:
    return prefix + "/" if isinstance(prefix, str) and prefix and not prefix.endswith("/") else prefix


def expected_requests(example: Example) -> dict[str, dict[str, Any]]:
    given_input = example.input
    prefix = example.job_name_prefix if example.job_name_prefix is not None else DEFAULT_PREFIX
    job_name = Tok() if isinstance(prefix, Tok) else f"{prefix}-{JOB_HASH}"
    out = example.output or Output()
    out_bucket = out.bucket or "placeholder-output"
    out_prefix = _with_slash(out.prefix)
    if out.per_run_prefix and isinstance(out_prefix, str) and not isinstance(job_name, Tok):
        output_path = _s3(out_bucket, f"{out_prefix}{job_name}/")
    else:
        output_path = _s3(out_bucket, out_prefix)
    transform_input: dict[str, Any] = {
        "DataSource": {"S3DataSource": {"S3DataType": "ManifestFile" if given_input.manifest else "S3Prefix",
                                        "S3Uri": _s3(given_input.bucket, given_input.key)}},
        "CompressionType": given_input.compression, "SplitType": given_input.split_type}
    if given_input.content_type is not None:
        transform_input["ContentType"] = given_input.content_type
    transform_output: dict[str, Any] = {"S3OutputPath": output_path, "AssembleWith": out.assemble_with}
    if out.accept is not None:
        transform_output["Accept"] = out.accept
    if out.kms:
        transform_output["KmsKeyId"] = KEY_ARN
    resources: dict[str, Any] = {"InstanceCount": example.instance_count}
    if example.instance_type is not None:
        resources["InstanceType"] = example.instance_type
    if example.volume_kms:
        resources["VolumeKmsKeyId"] = KEY_ARN
    job: dict[str, Any] = {"TransformJobName": job_name, "ModelName": "m-model", "TransformInput": transform_input,
                           "TransformOutput": transform_output, "TransformResources": resources,
                           "Tags": [{"Key": "cdk-sagemaker-inference:execution",
                                     "Value": f"arn:aws:states:{REGION}:{ACCOUNT}:execution:sm:run"}]}
    for key, item in (("BatchStrategy", example.batch_strategy), ("MaxPayloadInMB", example.max_payload_mb),
                       ("MaxConcurrentTransforms", example.max_concurrent_transforms)):
        if item is not None:
            job[key] = item
    if example.environment:
        job["Environment"] = example.environment
    client: dict[str, Any] = {}
    if example.invocation_timeout is not None:
        client["InvocationsTimeoutInSeconds"] = api_duration(example.invocation_timeout)
    if example.invocation_max_retries is not None:
        client["InvocationsMaxRetries"] = example.invocation_max_retries
    if client:
        job["ModelClientConfig"] = client
    if example.processing is not None:
        processing: dict[str, Any] = {"JoinSource": example.processing.join_source}
        for key, item in (("InputFilter", example.processing.input_filter),
                           ("OutputFilter", example.processing.output_filter)):
            if item is not None:
                processing[key] = item
        job["DataProcessing"] = processing
    if example.capture is not None:
        capture: dict[str, Any] = {"DestinationS3Uri": _s3("my-capture", _with_slash(example.capture.prefix)),
                                   "GenerateInferenceId": example.capture.generate_inference_id}
        if example.capture.kms:
            capture["KmsKeyId"] = KEY_ARN
        job["DataCaptureConfig"] = capture
    requests: dict[str, Any] = {"CreateTransformJob": job}
    if isinstance(example.model, Model):
        requests["CreateModel"] = example.model.request()
    return {operation: fill_tokens(params, input_shape(operation)) for operation, params in requests.items()}


_PROPS = (
    ("TransformJobName", {"job_name_prefix"}), ("S3OutputPath", {"output", "prefix"}),
    ("TransformOutput", {"output", "accept", "assemble_with"}),
    ("S3DataSource", {"input", "key", "data_prefix"}), ("TransformInput", {"input", "content_type", "split_type"}),
    ("InstanceType", {"instance_type"}), ("InstanceCount", {"instance_count"}),
    ("VolumeKmsKeyId", {"volume_kms_key"}), ("BatchStrategy", {"batch_strategy", "split_type"}),
    ("MaxPayloadInMB", {"max_payload_mb"}),
    ("MaxConcurrentTransforms", {"max_concurrent_transforms", "max_payload_mb"}),
    ("Environment", {"environment"}), ("InvocationsTimeoutInSeconds", {"invocation_timeout"}),
    ("InvocationsMaxRetries", {"invocation_max_retries"}),
    ("JoinSource", {"data_processing", "join_source", "split_type", "assemble_with"}),
    ("DataProcessing", {"data_processing", "input_filter", "output_filter"}),
    ("DataCaptureConfig", {"data_capture"}), ("Schedule", {"schedule"}), ("Topic", {"topic_kms_key", "topic"}),
    ("AlarmOnFailure", {"alarm_on_failure"}), ("ModelName", {"model"}),
)


def props_of(problem: Problem) -> set[str]:
    last = problem.path.rsplit(".", 1)[-1]
    if last.islower():
        return {last}
    for key, props in _PROPS:
        if key in problem.path:
            return set(props)
    if problem.source.startswith("BC CreateModel") or problem.path.startswith(
            ("PrimaryContainer", "Containers", "Vpc", "EnableNetwork", "Environment", "model")):
        return model_props(problem.path) | {"model"}
    return {"model"}


_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_CRON = re.compile(r"cron\((\S+ ){5}\S+\)")


def schedule_ok(expression: str) -> bool:
    """EventBridge schedule expressions: rate(value unit), value ≥ 1, singular unit iff 1; cron() with 6 fields."""
    rate = _RATE.fullmatch(expression)
    if rate:
        amount, unit = int(rate.group(1)), rate.group(2)
        return amount >= 1 and (amount == 1) == (not unit.endswith("s"))
    return _CRON.fullmatch(expression) is not None


def contract_rules(example: Example) -> list[Problem]:
    """BatchTransformJob's documented contract (its docstrings), beyond the API and the constraint table."""
    problems: list[Problem] = []
    contract = "BatchTransformJob docstring"
    if not isinstance(example.model, Model):
        problems.append(Problem("ModelName.model", "an InferenceModel", contract))
    prefix = example.job_name_prefix
    if isinstance(prefix, Tok):
        problems.append(Problem("TransformJobName.job_name_prefix", "a literal prefix", contract))
    elif isinstance(prefix, str) and len(prefix) > 30:
        problems.append(Problem("TransformJobName.job_name_prefix", "1–30 characters", contract))
    if not isinstance(example.alarm_on_failure, bool):
        problems.append(Problem("AlarmOnFailure.alarm_on_failure", "a bool", contract))
    if example.instance_type is not None and not isinstance(example.instance_type, str):
        problems.append(Problem("TransformResources.InstanceType", "an InstanceType or a string", contract))
    keys = [("TransformInput.S3DataSource.key", example.input.key)]
    if example.output is not None:
        keys.append(("TransformOutput.S3OutputPath.prefix", example.output.prefix))
    if example.capture is not None:
        keys.append(("DataCaptureConfig.prefix", example.capture.prefix))
    if example.input.data_prefix is not None:
        keys.append(("TransformInput.S3DataSource.data_prefix", example.input.data_prefix))
    for path, key in keys:
        if isinstance(key, Wrong):
            problems.append(Problem(path, "a string", contract))
        # A leading '/' and the characters S3 advises against are warnings (batch.s3-key-characters): accepted.
    if example.input.manifest and isinstance(example.input.key, str) and (
            not example.input.key or example.input.key.endswith("/")):
        problems.append(Problem("TransformInput.S3DataSource.key", "a manifest input names an object", contract))
    if not example.input.manifest and example.input.data_prefix is not None:
        problems.append(Problem("TransformInput.S3DataSource.data_prefix", "manifest input only", contract))
    if example.topic and example.topic_kms:
        problems.append(Problem("Topic.topic_kms_key", "not with topic", contract))
    if example.schedule is not None and not schedule_ok(example.schedule):
        problems.append(Problem("Schedule.schedule", "a valid EventBridge schedule expression"))
    if example.processing is not None:
        for path, item in (("DataProcessing.input_filter", example.processing.input_filter),
                            ("DataProcessing.output_filter", example.processing.output_filter)):
            if isinstance(item, str) and not item.startswith("$"):
                problems.append(Problem(path, "a JSONPath expression ($...)", "DG:batch-transform-data-processing"))
    seconds = api_duration(example.invocation_timeout)
    if seconds is not None and not isinstance(seconds, Tok) and not whole(seconds):
        problems.append(Problem("ModelClientConfig.InvocationsTimeoutInSeconds", "whole seconds"))
    return problems


def oracle(example: Example) -> Verdict:
    requests = expected_requests(example)
    problems: list[Problem] = []
    for operation, params in requests.items():
        found = api_problems(operation, params)
        if operation == "CreateTransformJob" and example.allow_unknown and isinstance(example.instance_type, str) \
                and re.fullmatch(r"ml\.[a-z0-9\-]+\.[a-z0-9\-]+", example.instance_type):
            found = [p for p in found if not (p.path.endswith("InstanceType") and "enum" in p.rule)]
        problems += found
    model = requests.get("CreateModel")
    if model is not None:
        problems += model_rules(model)
    problems += transform_rules(requests["CreateTransformJob"], model)
    problems += contract_rules(example)
    return verdict(problems, props_of)


def template_rules(requests: list[Any]) -> list[Problem]:
    models = models_by_name(requests)
    problems: list[Problem] = []
    for request in only(requests, "CreateModel"):
        problems += model_rules(request.params)
    jobs = only(requests, "CreateTransformJob")
    if len(jobs) != 1:
        problems.append(Problem("StateMachine", f"one createTransformJob task, found {len(jobs)}"))
    for request in jobs:
        problems += transform_rules(request.params, models.get(request.params.get("ModelName", "")))
    return problems


# --------------------------------------------------------------------------- the property


def test_batch_transform_job_refuses_cleanly_or_synthesizes_what_sagemaker_accepts(property_report: Path) -> None:
    run = Run("BatchTransformJob", property_report)

    @settings(max_examples=examples("BatchTransformJob"))
    @given(batch_examples())
    def check(example: Example) -> None:
        run.check(repr(example), oracle(example), partial(build, example), template_rules,
                  has_tokens=example.has_tokens(), has_wrong_types=example.has_wrong_types(),
                  allow_unknown_instance_type=example.allow_unknown)

    check()
    run.finish()

