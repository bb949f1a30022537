"""BatchTransformJob: every batch transform constraint passes and fails with a message that says why;
the state machine's definition, role and triggers; and runs of the definition on moto's interpreter."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from aws_cdk import CfnParameter, Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match
from hypothesis import given
from hypothesis import strategies as st

from cdk_sagemaker_inference import (
    AssembleWith,
    BatchDataCapture,
    BatchStrategy,
    BatchTransformInput,
    BatchTransformJob,
    BatchTransformOutput,
    CompressionType,
    ContainerImage,
    DataProcessing,
    InferenceModel,
    InstanceType,
    JoinSource,
    ModelData,
    NewInputTrigger,
    SplitType,
    TransformDataType,
    ValidationError,
)
from cdk_sagemaker_inference.constraints import NAME_PATTERN
from cdk_sagemaker_inference.validation.batch import (
    MAX_JOB_NAME_PREFIX_LENGTH,
    default_job_name_prefix,
    job_name_for,
    validate_job_name_prefix,
    validate_schedule_expression,
)
from cdk_sagemaker_inference.validation.checks import Checker
from helpers import (
    cfn_lint_errors,
    nag_findings,
    new_stack,
    resources_of,
    snapshot_of,
    template_of,
    warnings_of,
)
from oracles import api_problems

CPU_IMAGE = ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311")
ACCOUNT, REGION = "123456789012", "us-east-1"


def model_in(stack: Stack, **kwargs: Any) -> InferenceModel:
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    props: dict[str, Any] = {"image": CPU_IMAGE, "model_data": ModelData.from_bucket(bucket, "m/model.tar.gz")}
    props.update(kwargs)
    return InferenceModel(stack, "Model", **props)


def csv_input(stack: Stack, prefix: str = "incoming/", **kwargs: Any) -> BatchTransformInput:
    bucket = s3.Bucket.from_bucket_name(stack, "InputBucket", "my-input")
    props: dict[str, Any] = {"content_type": "text/csv", "split_type": SplitType.LINE}
    props.update(kwargs)
    return BatchTransformInput.from_prefix(bucket, prefix, **props)


def batch(stack: Stack | None = None, model: InferenceModel | None = None, **kwargs: Any) -> BatchTransformJob:
    stack = stack or new_stack()
    props: dict[str, Any] = {"instance_type": InstanceType.M5_XLARGE}
    props.update(kwargs)
    if "input" not in props:
        props["input"] = csv_input(stack)
    return BatchTransformJob(stack, "Batch", model=model or model_in(stack), **props)


def refused(**kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        batch(**kwargs)
    return caught.value


def stack_of(job: BatchTransformJob) -> Stack:
    return Stack.of(job)


def _flatten(value: Any, refs: Mapping[str, str] | None = None) -> str:
    """A DefinitionString's Fn::Join as text; references become ``${LogicalId}`` (or ``refs``' values)."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(_flatten(p, refs) for p in parts)
    key = value["Ref"] if "Ref" in value else ".".join(value["Fn::GetAtt"])
    return refs.get(key, f"${{{key}}}") if refs is not None else f"${{{key}}}"


def definition_of(job: BatchTransformJob, refs: Mapping[str, str] | None = None) -> dict[str, Any]:
    template = template_of(stack_of(job)).to_json()
    (machine,) = resources_of(template, "AWS::StepFunctions::StateMachine").values()
    return json.loads(_flatten(machine["Properties"]["DefinitionString"], refs))  # type: ignore[no-any-return]


def ref(job: BatchTransformJob, construct: Any, attribute: str | None = None) -> str:
    """How ``definition_of`` shows a reference to ``construct``'s CloudFormation resource."""
    element = construct.node.default_child if not hasattr(construct, "logical_id") else construct
    logical_id = stack_of(job).get_logical_id(element)
    return f"${{{logical_id}.{attribute}}}" if attribute else f"${{{logical_id}}}"


def transform_state(job: BatchTransformJob) -> dict[str, Any]:
    return definition_of(job)["States"]["TransformJob"]  # type: ignore[no-any-return]


def policy_statements(job: BatchTransformJob, role: iam.IRole) -> list[dict[str, Any]]:
    template = template_of(stack_of(job)).to_json()
    logical_id = stack_of(job).get_logical_id(role.node.default_child)  # type: ignore[arg-type]
    found = []
    for policy in resources_of(template, "AWS::IAM::Policy").values():
        if {"Ref": logical_id} in policy["Properties"]["Roles"]:
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


# --------------------------------------------------------------------------- the acceptance cases
def test_fails_when_payload_times_concurrency_exceeds_100_mb() -> None:
    error = refused(max_payload_mb=60, max_concurrent_transforms=2)
    text = str(error)
    assert error.fields == ("max_payload_mb × max_concurrent_transforms",)
    assert "60 MB × 2 concurrent transforms = 120 MB, above 100 MB" in text
    assert "batch.payload-times-concurrency" in text and "≤ 100 MB" in text
    assert "Test/Batch" in text


@pytest.mark.parametrize("strategy", [BatchStrategy.MULTI_RECORD, BatchStrategy.SINGLE_RECORD])
def test_a_batch_strategy_without_a_split_type_is_a_warning(strategy: BatchStrategy) -> None:
    """Found by a sweep: it was refused, but SageMaker runs such a job (each file is one record: AWS's own image
    classification example runs SingleRecord without a split type); the API reference only says the strategy
    needs a split type to take effect."""
    stack = new_stack()
    batch(stack, input=csv_input(stack, split_type=SplitType.NONE), batch_strategy=strategy)
    (warning,) = [w for w in warnings_of(stack) if "batch.batch-strategy-split" in w]
    assert (f"batch_strategy = '{strategy.value}': {strategy.value} batches records, but input.split_type is None: "
            "each file is one record, so the strategy has no effect") in warning
    assert "SplitType.LINE" in warning
    other = new_stack()
    batch(other, input=csv_input(other, split_type=SplitType.LINE), batch_strategy=strategy)
    assert not [w for w in warnings_of(other) if "batch-strategy-split" in w]


def test_fails_when_invocation_timeout_is_above_an_hour() -> None:
    error = refused(invocation_timeout=Duration.seconds(4000))
    text = str(error)
    assert error.fields == ("invocation_timeout",)
    assert "invocation_timeout = 4000: 4000 s is out of range: must be between 1 and 3600 s" in text
    assert "batch.invocation-timeout" in text


def test_fails_when_invocation_retries_are_above_3() -> None:
    error = refused(invocation_max_retries=4)
    text = str(error)
    assert error.fields == ("invocation_max_retries",)
    assert "invocation_max_retries = 4: 4 is out of range: must be between 0 and 3" in text
    assert "batch.invocation-retries" in text


# --------------------------------------------------------------------------- resources
@pytest.mark.parametrize("name", ["ml.m5.xlarge", "ml.c5.2xlarge", "ml.g4dn.xlarge"])
def test_accepts_transform_instance_types(name: str) -> None:
    job = batch(instance_type=InstanceType.of(name))
    assert transform_state(job)["Parameters"]["TransformResources"]["InstanceType"] == name


def test_accepts_an_instance_type_string() -> None:
    job = batch(instance_type="ml.c5.xlarge")
    assert transform_state(job)["Parameters"]["TransformResources"]["InstanceType"] == "ml.c5.xlarge"


def test_fails_when_instance_type_is_not_a_transform_type() -> None:
    error = refused(instance_type=InstanceType.of("ml.c5.large"))  # a real-time type, not TransformInstanceType
    text = str(error)
    assert error.fields == ("instance_type",)
    assert "instance_type = 'ml.c5.large': is not an instance type of SageMaker's model" in text
    assert "batch.instance-type" in text and "TransformInstanceType" in text


def test_unknown_instance_type_can_be_allowed() -> None:
    job = batch(instance_type=InstanceType.of("ml.m99.xlarge"), allow_unknown_instance_type=True)
    assert transform_state(job)["Parameters"]["TransformResources"]["InstanceType"] == "ml.m99.xlarge"


@pytest.mark.parametrize("count", [1, 100])
def test_accepts_instance_count_at_the_edges(count: int) -> None:
    job = batch(instance_count=count)
    assert transform_state(job)["Parameters"]["TransformResources"]["InstanceCount"] == count


@pytest.mark.parametrize("count,message", [(0, "must be between 1 and 100"), (101, "must be between 1 and 100"),
                                           (2.5, "must be a whole number, got float")])
def test_fails_when_instance_count_is_invalid(count: Any, message: str) -> None:
    error = refused(instance_count=count)
    assert error.fields == ("instance_count",)
    assert f"instance_count = {count}: " in str(error) and message in str(error)
    assert ("batch.instance-count" if isinstance(count, int) else "props.type") in str(error)


def test_volume_kms_key_is_rendered_and_granted() -> None:
    stack = new_stack()
    key = kms.Key(stack, "VolumeKey", enable_key_rotation=True)
    job = batch(stack, volume_kms_key=key)
    resources = transform_state(job)["Parameters"]["TransformResources"]
    assert resources["VolumeKmsKeyId"] == ref(job, key, "Arn")
    statements = policy_statements(job, job.state_machine.role)
    (grant,) = [s for s in statements if s.get("Sid") == "VolumeKeyGrants"]
    assert sorted(grant["Action"]) == ["kms:CreateGrant", "kms:DescribeKey"]
    assert grant["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}


@pytest.mark.parametrize("name", ["ml.g4dn.xlarge", "ml.g5.2xlarge", "ml.g6.xlarge"])
def test_fails_when_volume_kms_key_is_on_local_storage(name: str) -> None:
    stack = new_stack()
    error = refused(stack=stack, instance_type=InstanceType.of(name),
                    volume_kms_key=kms.Key(stack, "VolumeKey", enable_key_rotation=True))
    text = str(error)
    assert error.fields == ("volume_kms_key",)
    assert f"{name} has local NVMe instance storage" in text
    assert "batch.volume-kms-local-storage" in text and "not on instance types with local (NVMe) instance storage" in text


# --------------------------------------------------------------------------- input and output
@pytest.mark.parametrize("split", list(SplitType))
@pytest.mark.parametrize("compression", list(CompressionType))
def test_renders_every_split_type_and_compression(split: SplitType, compression: CompressionType) -> None:
    stack = new_stack()
    job = batch(stack, input=csv_input(stack, split_type=split, compression=compression))
    transform_input = transform_state(job)["Parameters"]["TransformInput"]
    assert (transform_input["SplitType"], transform_input["CompressionType"]) == (split.value, compression.value)


def test_fails_when_split_type_is_a_string() -> None:
    stack = new_stack()
    with pytest.raises(ValidationError) as caught:
        csv_input(stack, split_type="Line")
    assert caught.value.fields == ("split_type",)
    assert "BatchTransformInput.from_prefix has 1 invalid setting" in str(caught.value)
    assert "split_type = 'Line': must be SplitType, got str" in str(caught.value)
    bucket = s3.Bucket.from_bucket_name(stack, "Raw", "my-input")
    error = refused(stack=stack, input=BatchTransformInput(bucket=bucket, split_type="Line"))  # type: ignore[arg-type]
    assert "input.split_type = 'Line': must be SplitType, got str" in str(error)


def test_fails_when_compression_is_a_string() -> None:
    stack = new_stack()
    with pytest.raises(ValidationError) as caught:
        csv_input(stack, compression="Gzip")
    assert "compression = 'Gzip': must be CompressionType, got str" in str(caught.value)


def test_manifest_input_is_rendered_and_readable() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "InputBucket", "my-input")
    job = batch(stack, input=BatchTransformInput.from_manifest(bucket, "manifests/day.manifest",
                                                                content_type="text/csv", split_type=SplitType.LINE))
    assert job.input.data_type is TransformDataType.MANIFEST_FILE
    source = transform_state(job)["Parameters"]["TransformInput"]["DataSource"]["S3DataSource"]
    assert source == {"S3DataType": "ManifestFile", "S3Uri.$": "$.job.inputUri"}
    assert definition_of(job)["States"]["UseConfiguredInput"]["Result"] == "s3://my-input/manifests/day.manifest"
    read = [s for s in policy_statements(job, job.model.role) if "s3:GetObject*" in s["Action"]]
    resources = [json.dumps(s["Resource"]) for s in read]
    assert any("my-input/manifests/day.manifest" in r for r in resources)
    assert any("my-input/manifests/*" in r for r in resources)


def test_fails_when_manifest_key_is_a_prefix() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "InputBucket", "my-input")
    error = refused(stack=stack, input=BatchTransformInput.from_manifest(bucket, "manifests/"))
    assert error.fields == ("input.key",)
    assert "a manifest input names an object" in str(error) and "batch.s3-data-type" in str(error)


def test_fails_when_data_type_is_a_string() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "InputBucket", "my-input")
    error = refused(stack=stack, input=BatchTransformInput(bucket=bucket, key="x", data_type="AugmentedManifestFile"))
    assert "input.data_type = 'AugmentedManifestFile': must be TransformDataType, got str" in str(error)


@pytest.mark.parametrize("field", ["content_type", "accept"])
def test_fails_when_a_content_type_holds_a_line_break(field: str) -> None:
    """Found by review: only the length was checked; botocore's ContentType / Accept pattern is '.*', which no
    line terminator matches (the reading the library applies to every other botocore '.*' pattern)."""
    stack = new_stack()
    kwargs: dict[str, Any] = ({"input": csv_input(stack, content_type="text/csv\n")} if field == "content_type"
                              else {"output": BatchTransformOutput(accept="text/csv\r\n")})
    error = refused(stack=stack, **kwargs)
    assert error.fields == (("input." if field == "content_type" else "output.") + field,)
    assert "does not match ^.*$" in str(error) and "no line break" in str(error) and "batch.content-types" in str(error)


@pytest.mark.parametrize("field", ["content_type", "accept"])
def test_fails_when_content_types_are_too_long(field: str) -> None:
    stack = new_stack()
    long_type = "application/" + "x" * 250
    kwargs: dict[str, Any] = ({"input": csv_input(stack, content_type=long_type)} if field == "content_type"
                              else {"output": BatchTransformOutput(accept=long_type)})
    error = refused(stack=stack, **kwargs)
    assert error.fields == (("input." if field == "content_type" else "output.") + field,)
    assert "is 262 characters long: at most 256 are allowed" in str(error)
    assert "batch.content-types" in str(error)


@pytest.mark.parametrize("assemble", list(AssembleWith))
def test_renders_assemble_with_and_accept(assemble: AssembleWith) -> None:
    job = batch(output=BatchTransformOutput(accept="text/csv", assemble_with=assemble))
    output = transform_state(job)["Parameters"]["TransformOutput"]
    assert output == {"S3OutputPath.$": "$.job.outputLocation", "Accept": "text/csv", "AssembleWith": assemble.value}


def test_fails_when_assemble_with_is_a_string() -> None:
    error = refused(output=BatchTransformOutput(assemble_with="Line"))
    assert "output.assemble_with = 'Line': must be AssembleWith, got str" in str(error)


def test_fails_when_output_location_is_too_long() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Results", "my-results")
    error = refused(stack=stack, output=BatchTransformOutput(bucket=bucket, prefix="p" * 1000))
    text = str(error)
    assert error.fields == ("output.prefix",)
    total = len("s3://my-results/") + 1001 + len(job_prefix_of_default()) + 1 + 32 + 1
    assert f"would be {total} characters long: at most 1024 are allowed" in text
    assert "batch.output-path" in text


def test_a_created_bucket_counts_as_the_shortest_name_not_the_longest() -> None:
    """Found by review: with a bucket whose name is a token, the location was measured with a 63-character
    name, so a key that fits any shorter bucket (which S3 and SageMaker accept) was refused. One check for
    every construct now counts such a bucket as 3 characters (s3://abc/ is 9: 1015 characters of key fit)."""
    stack = new_stack()
    bucket = s3.Bucket(stack, "Inputs")
    batch(stack, input=BatchTransformInput.from_prefix(bucket, "k" * 1014 + "/"))
    other = new_stack()
    error = refused(stack=other, input=BatchTransformInput.from_prefix(s3.Bucket(other, "B"), "k" * 1015 + "/"))
    assert "would be 1025 characters long even with the shortest bucket name (3 characters)" in str(error)


def job_prefix_of_default() -> str:
    """The default job-name prefix of the construct ``Batch`` in the stack ``Test``."""
    stack = new_stack()
    return batch(stack).job_name_prefix


def test_accepts_an_output_location_of_1024_characters() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Results", "my-results")
    room = 1024 - len("s3://my-results/") - (len(job_prefix_of_default()) + 1 + 32 + 1) - 1
    job = batch(stack, output=BatchTransformOutput(bucket=bucket, prefix="p" * room))
    assert job.output_prefix == "p" * room + "/"


@pytest.mark.parametrize("field,value,words", [
    ("input", "in/{date}/", "which the S3 guide advises against"), ("input", "/incoming/", "starts with '/'"),
    ("output", "out'put/", "which the S3 guide advises against"), ("output", "a|b", "'|'"),
    ("output", "2024~q1/", "'~'"), ("input", "my%20data/", "'%'")])
def test_characters_s3_advises_against_are_a_warning_not_a_refusal(field: str, value: str, words: str) -> None:
    """batch.s3-key-characters: S3 and SageMaker take any UTF-8 key (botocore's S3Uri pattern
    (https|s3)://([^/]+)/?(.*)); the S3 guide's "characters to avoid" is advice. Found by review: these were
    refused, for the state machine's sake, which now escapes them (see the run on moto below)."""
    stack = new_stack()
    kwargs: dict[str, Any] = ({"input": csv_input(stack, prefix=value)} if field == "input"
                              else {"output": BatchTransformOutput(prefix=value)})
    batch(stack=stack, **kwargs)
    (warning,) = [w for w in warnings_of(stack) if "batch.s3-key-characters" in w]
    assert f"{'input.key' if field == 'input' else 'output.prefix'} = {value!r}" in warning and words in warning


def test_output_prefix_gets_a_slash_and_each_run_its_own_folder() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Results", "my-results")
    job = batch(stack, output=BatchTransformOutput(bucket=bucket, prefix="scores"), job_name_prefix="nightly")
    name_job = definition_of(job)["States"]["NameJob"]
    assert name_job["Parameters"]["outputLocation.$"] == (
        "States.Format('s3://my-results/scores/nightly-{}/', "
        "States.Hash(States.Format('{}/{}', $$.Execution.Id, $$.Execution.StartTime), 'MD5'))")
    assert job.output_prefix == "scores/"


def test_output_can_be_one_fixed_location() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Results", "my-results")
    job = batch(stack, output=BatchTransformOutput(bucket=bucket, prefix="latest/", per_run_prefix=False))
    assert definition_of(job)["States"]["NameJob"]["Parameters"]["outputLocation"] == "s3://my-results/latest/"


# --------------------------------------------------------------------------- payload and concurrency
@pytest.mark.parametrize("payload,concurrency", [(0, 50), (100, 1), (50, 2), (6, 16), (100, 0)])
def test_accepts_payload_and_concurrency_within_100_mb(payload: int, concurrency: int) -> None:
    parameters = transform_state(batch(max_payload_mb=payload, max_concurrent_transforms=concurrency))["Parameters"]
    assert (parameters["MaxPayloadInMB"], parameters["MaxConcurrentTransforms"]) == (payload, concurrency)


@pytest.mark.parametrize("payload", [101, -1])
def test_fails_when_max_payload_is_out_of_range(payload: int) -> None:
    error = refused(max_payload_mb=payload)
    assert error.fields == ("max_payload_mb",)
    assert f"max_payload_mb = {payload}: {payload} MB is out of range: must be between 0 and 100 MB" in str(error)
    assert "batch.max-payload" in str(error)


def test_fails_when_max_concurrent_transforms_is_negative() -> None:
    error = refused(max_concurrent_transforms=-1)
    assert error.fields == ("max_concurrent_transforms",)
    assert "max_concurrent_transforms = -1: -1 is out of range: must be at least 0" in str(error)


def test_fails_when_max_payload_is_a_string() -> None:
    error = refused(max_payload_mb="6")
    assert "max_payload_mb = '6': must be a whole number, got str" in str(error)


def test_unset_payload_and_concurrency_are_left_to_sagemaker() -> None:
    parameters = transform_state(batch())["Parameters"]
    for key in ("MaxPayloadInMB", "MaxConcurrentTransforms", "BatchStrategy", "ModelClientConfig", "Environment",
                "DataProcessing", "DataCaptureConfig"):
        assert key not in parameters


@pytest.mark.parametrize("strategy", list(BatchStrategy))
@pytest.mark.parametrize("split", [SplitType.LINE, SplitType.RECORD_IO, SplitType.TF_RECORD])
def test_accepts_batch_strategy_with_a_split_type(strategy: BatchStrategy, split: SplitType) -> None:
    stack = new_stack()
    job = batch(stack, input=csv_input(stack, split_type=split), batch_strategy=strategy)
    assert transform_state(job)["Parameters"]["BatchStrategy"] == strategy.value


def test_fails_when_batch_strategy_is_a_string() -> None:
    error = refused(batch_strategy="MultiRecord")
    assert "batch_strategy = 'MultiRecord': must be BatchStrategy, got str" in str(error)


# --------------------------------------------------------------------------- environment and client config
def test_accepts_16_environment_variables_of_10240_characters() -> None:
    environment = {f"VAR_{i}": "v" * 10240 for i in range(16)}
    assert transform_state(batch(environment=environment))["Parameters"]["Environment"] == environment


def test_fails_when_environment_has_17_entries() -> None:
    error = refused(environment={f"VAR_{i}": "v" for i in range(17)})
    assert error.fields == ("environment",)
    assert "environment = 17: has 17 entries: must have at most 16" in str(error)
    assert "batch.environment" in str(error)


def test_fails_when_an_environment_value_is_too_long() -> None:
    error = refused(environment={"BIG": "v" * 10241})
    assert error.fields == ("environment['BIG']",)
    assert "is longer than 10240 characters" in str(error)


@pytest.mark.parametrize("key,value,message", [("1ST", "x", "is not a valid variable name"),
                                               ("with-dash", "x", "is not a valid variable name"),
                                               ("NUMBER", 5, "environment['NUMBER'] = 5: must be str, got int")])
def test_fails_when_environment_entries_are_invalid(key: str, value: Any, message: str) -> None:
    error = refused(environment={key: value})
    assert error.fields == (f"environment[{key!r}]",)
    assert message in str(error)


def test_fails_when_environment_is_not_a_dict() -> None:
    error = refused(environment=["A=1"])
    assert "environment = ['A=1']: must be a dict, got list" in str(error)


@pytest.mark.parametrize("timeout,seconds", [(Duration.seconds(1), 1), (Duration.hours(1), 3600),
                                             (Duration.minutes(10), 600)])
def test_renders_invocation_timeout_in_seconds(timeout: Duration, seconds: int) -> None:
    job = batch(invocation_timeout=timeout, invocation_max_retries=0)
    assert transform_state(job)["Parameters"]["ModelClientConfig"] == {
        "InvocationsTimeoutInSeconds": seconds, "InvocationsMaxRetries": 0}


@pytest.mark.parametrize("timeout,message", [
    (Duration.seconds(0), "0 s is out of range: must be between 1 and 3600 s"),
    (Duration.millis(1500), "'1.5 seconds': is not a whole number of seconds"),
])
def test_fails_when_invocation_timeout_is_invalid(timeout: Duration, message: str) -> None:
    error = refused(invocation_timeout=timeout)
    assert error.fields == ("invocation_timeout",)
    assert message in str(error)


def test_fails_when_invocation_timeout_is_a_number() -> None:
    error = refused(invocation_timeout=600)
    assert "invocation_timeout = 600: must be Duration, got int" in str(error)


@pytest.mark.parametrize("retries", [0, 3])
def test_accepts_invocation_retries_at_the_edges(retries: int) -> None:
    client = transform_state(batch(invocation_max_retries=retries))["Parameters"]["ModelClientConfig"]
    assert client == {"InvocationsMaxRetries": retries}


def test_fails_when_invocation_retries_are_negative() -> None:
    error = refused(invocation_max_retries=-1)
    assert "must be between 0 and 3" in str(error) and error.fields == ("invocation_max_retries",)


# --------------------------------------------------------------------------- data processing
def test_renders_data_processing_with_a_csv_join() -> None:
    job = batch(output=BatchTransformOutput(assemble_with=AssembleWith.LINE, accept="text/csv"),
                data_processing=DataProcessing(input_filter="$[1:]", output_filter="$[0,-1]",
                                               join_source=JoinSource.INPUT))
    assert transform_state(job)["Parameters"]["DataProcessing"] == {
        "JoinSource": "Input", "InputFilter": "$[1:]", "OutputFilter": "$[0,-1]"}


@pytest.mark.parametrize("field", ["input_filter", "output_filter"])
def test_fails_when_a_filter_is_longer_than_63(field: str) -> None:
    path = "$." + "a" * 62
    error = refused(data_processing=DataProcessing(**{field: path}))
    assert error.fields == (f"data_processing.{field}",)
    assert "is 64 characters long: at most 63 are allowed" in str(error) and "batch.filters" in str(error)


def test_fails_when_a_filter_is_not_jsonpath() -> None:
    error = refused(data_processing=DataProcessing(input_filter="features"))
    assert "data_processing.input_filter = 'features': is not a JSONPath expression" in str(error)


def test_fails_when_join_source_is_a_string() -> None:
    error = refused(data_processing=DataProcessing(join_source="Input"))
    assert "data_processing.join_source = 'Input': must be JoinSource, got str" in str(error)


def test_fails_when_joining_csv_without_line_assembly() -> None:
    error = refused(data_processing=DataProcessing(join_source=JoinSource.INPUT))
    text = str(error)
    assert error.fields == ("output.assemble_with",)
    assert "output.assemble_with = 'None': joining CSV input to its output needs assemble_with Line" in text
    assert "batch.join-csv" in text and "for CSV it needs split_type Line and assemble_with Line" in text


def test_fails_when_joining_csv_without_line_splitting() -> None:
    stack = new_stack()
    error = refused(stack=stack, input=csv_input(stack, split_type=SplitType.NONE),
                    output=BatchTransformOutput(assemble_with=AssembleWith.LINE),
                    data_processing=DataProcessing(join_source=JoinSource.INPUT))
    assert error.fields == ("input.split_type",)
    assert "joining CSV input to its output needs split_type Line" in str(error)


def test_accepts_joining_json_without_line_settings() -> None:
    stack = new_stack()
    job = batch(stack, input=csv_input(stack, content_type="application/json", split_type=SplitType.NONE),
                data_processing=DataProcessing(join_source=JoinSource.INPUT))
    assert transform_state(job)["Parameters"]["DataProcessing"] == {"JoinSource": "Input"}


def test_fails_when_joining_other_content_types() -> None:
    stack = new_stack()
    error = refused(stack=stack, input=csv_input(stack, content_type="application/x-recordio-protobuf"),
                    data_processing=DataProcessing(join_source=JoinSource.INPUT))
    assert error.fields == ("data_processing.join_source",)
    assert "only JSON and CSV input can" in str(error)


# --------------------------------------------------------------------------- data capture, model
def test_renders_batch_data_capture_and_grants_its_location() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Capture", "my-capture")
    key = kms.Key(stack, "CaptureKey", enable_key_rotation=True)
    job = batch(stack, data_capture=BatchDataCapture(bucket=bucket, prefix="capture", kms_key=key,
                                                      generate_inference_id=True))
    assert transform_state(job)["Parameters"]["DataCaptureConfig"] == {
        "DestinationS3Uri": "s3://my-capture/capture/", "GenerateInferenceId": True, "KmsKeyId": ref(job, key, "Arn")}
    puts = [json.dumps(s["Resource"]) for s in policy_statements(job, job.model.role) if "s3:PutObject" in s["Action"]]
    assert any("my-capture/capture/*" in r for r in puts)


def test_a_data_capture_prefix_s3_advises_against_is_a_warning() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Capture", "my-capture")
    batch(stack=stack, data_capture=BatchDataCapture(bucket=bucket, prefix="cap#ture"))
    assert any("data_capture.prefix = 'cap#ture'" in w and "batch.s3-key-characters" in w for w in warnings_of(stack))


def test_fails_when_model_data_is_uncompressed() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "B", "models")
    error = refused(stack=stack, model=model_in(stack, model_data=ModelData.from_uncompressed_prefix(bucket, "llm/")))
    text = str(error)
    assert error.fields == ("model.model_data",)
    assert "uncompressed model data (ModelDataSource) cannot be used with batch transform" in text
    assert "batch.no-uncompressed-model" in text


def test_model_name_is_the_model_resource() -> None:
    job = batch()
    assert transform_state(job)["Parameters"]["ModelName"] == ref(job, job.model.resource, "ModelName")


# --------------------------------------------------------------------------- job names
def test_job_name_is_prefix_and_md5_of_execution() -> None:
    job = batch(job_name_prefix="Nightly-Scores")
    name_job = definition_of(job)["States"]["NameJob"]
    assert name_job["Type"] == "Pass" and name_job["ResultPath"] == "$.job"
    assert name_job["Parameters"]["name.$"] == (
        "States.Format('Nightly-Scores-{}', "
        "States.Hash(States.Format('{}/{}', $$.Execution.Id, $$.Execution.StartTime), 'MD5'))")
    assert transform_state(job)["Parameters"]["TransformJobName.$"] == "$.job.name"


@pytest.mark.parametrize("prefix", ["a", "nightly-2", "A" * MAX_JOB_NAME_PREFIX_LENGTH])
def test_accepts_job_name_prefixes(prefix: str) -> None:
    assert batch(job_name_prefix=prefix).job_name_prefix == prefix


@pytest.mark.parametrize("prefix,message", [
    ("bad_prefix", "does not match"), ("-start", "does not match"), ("end-", "does not match"),
    ("a" * 31, "is 31 characters long: each run's job name is the prefix, '-' and a 32-character hash"),
    ("a" * 64, "is 64 characters long: at most 63 are allowed"),
])
def test_fails_when_job_name_prefix_is_invalid(prefix: str, message: str) -> None:
    error = refused(job_name_prefix=prefix)
    assert error.fields == ("job_name_prefix",)
    assert message in str(error) and "batch.job-name" in str(error)


def test_fails_when_job_name_prefix_is_a_token() -> None:
    stack = new_stack()
    error = refused(stack=stack, job_name_prefix=CfnParameter(stack, "Prefix").value_as_string)
    assert "job_name_prefix must be a literal string" in str(error)


@pytest.mark.parametrize("construct_id", ["Batch", "Nightly Scoring!!", "___", "a" * 80, "Ünïcode-Jöb"])
def test_default_prefixes_make_valid_unique_names(construct_id: str) -> None:
    prefix = default_job_name_prefix(construct_id, "c8e26fd0aa11bb22cc33dd44ee55ff6677889900")
    assert len(prefix) <= MAX_JOB_NAME_PREFIX_LENGTH
    longest = f"{prefix}-{'f' * 32}"
    assert len(longest) <= 63 and re.fullmatch(NAME_PATTERN, longest)
    assert prefix.endswith("-c8e26fd0")


@given(construct_id=st.text(min_size=1, max_size=120), unique=st.text("0123456789abcdef", min_size=40, max_size=40),
       digest=st.text("0123456789abcdef", min_size=32, max_size=32))
def test_any_construct_id_gives_valid_job_names(construct_id: str, unique: str, digest: str) -> None:
    prefix = default_job_name_prefix(construct_id, unique)
    name = job_name_for(prefix, digest)
    assert re.fullmatch(NAME_PATTERN, name) and len(name) <= 63, name
    checker = Checker()
    validate_job_name_prefix(checker, prefix)
    assert checker.problems == []


def test_two_jobs_get_different_default_prefixes() -> None:
    stack = new_stack()
    model = model_in(stack)
    first = BatchTransformJob(stack, "Batch", model=model, instance_type=InstanceType.M5_XLARGE, input=csv_input(stack))
    scope = Stack(stack.node.scope, "Other")  # type: ignore[arg-type]
    other_model = model_in(scope)
    second = BatchTransformJob(scope, "Batch", model=other_model, instance_type=InstanceType.M5_XLARGE,
                               input=csv_input(scope))
    assert first.job_name_prefix != second.job_name_prefix


# --------------------------------------------------------------------------- the state machine
def test_definition_parameters_are_rendered_exactly() -> None:
    stack = new_stack()
    input_bucket = s3.Bucket.from_bucket_name(stack, "InputBucket", "my-input")
    results = s3.Bucket.from_bucket_name(stack, "Results", "my-results")
    capture = s3.Bucket.from_bucket_name(stack, "Capture", "my-capture")
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    job = batch(
        stack, instance_type=InstanceType.M5_2XLARGE, instance_count=2, volume_kms_key=key,
        input=BatchTransformInput.from_prefix(input_bucket, "in/", content_type="text/csv",
                                              compression=CompressionType.GZIP, split_type=SplitType.LINE),
        output=BatchTransformOutput(bucket=results, prefix="out/", accept="text/csv", assemble_with=AssembleWith.LINE,
                                    kms_key=key),
        batch_strategy=BatchStrategy.MULTI_RECORD, max_payload_mb=10, max_concurrent_transforms=4,
        environment={"MODEL_THRESHOLD": "0.7"}, invocation_timeout=Duration.minutes(5), invocation_max_retries=2,
        data_processing=DataProcessing(input_filter="$[1:]", output_filter="$[0,-1]", join_source=JoinSource.INPUT),
        data_capture=BatchDataCapture(bucket=capture, prefix="capture/", kms_key=key),
        job_name_prefix="scores",
    )
    key_arn = ref(job, key, "Arn")
    state = transform_state(job)
    assert state["Type"] == "Task"
    assert state["Resource"] == "arn:${AWS::Partition}:states:::sagemaker:createTransformJob.sync"
    assert state["Parameters"] == {
        "TransformJobName.$": "$.job.name",
        "ModelName": ref(job, job.model.resource, "ModelName"),
        "TransformInput": {
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri.$": "$.job.inputUri"}},
            "ContentType": "text/csv", "CompressionType": "Gzip", "SplitType": "Line"},
        "TransformOutput": {"S3OutputPath.$": "$.job.outputLocation", "Accept": "text/csv", "AssembleWith": "Line",
                            "KmsKeyId": key_arn},
        "TransformResources": {"InstanceType": "ml.m5.2xlarge", "InstanceCount": 2, "VolumeKmsKeyId": key_arn},
        "BatchStrategy": "MultiRecord",
        "MaxPayloadInMB": 10,
        "MaxConcurrentTransforms": 4,
        "Environment": {"MODEL_THRESHOLD": "0.7"},
        "ModelClientConfig": {"InvocationsTimeoutInSeconds": 300, "InvocationsMaxRetries": 2},
        "DataProcessing": {"InputFilter": "$[1:]", "OutputFilter": "$[0,-1]", "JoinSource": "Input"},
        "DataCaptureConfig": {"DestinationS3Uri": "s3://my-capture/capture/", "GenerateInferenceId": False,
                              "KmsKeyId": key_arn},
        "Tags": [{"Key": "cdk-sagemaker-inference:execution", "Value.$": "$$.Execution.Id"}],
    }
    assert state["ResultSelector"] == {"TransformJobArn.$": "$.TransformJobArn",
                                       "TransformJobStatus.$": "$.TransformJobStatus"}
    assert state["ResultPath"] == "$.result"


def test_rendered_parameters_are_a_valid_create_transform_job_request() -> None:
    """The parameters, with the run-time values an execution computes, pass botocore's validation
    and the service model's maxima, enums and patterns (tests/oracles.py)."""
    stack = new_stack()
    results = s3.Bucket.from_bucket_name(stack, "Results", "my-results")
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    job = batch(stack, volume_kms_key=key, output=BatchTransformOutput(bucket=results, kms_key=key,
                                                                        assemble_with=AssembleWith.LINE),
                batch_strategy=BatchStrategy.SINGLE_RECORD, max_payload_mb=1, max_concurrent_transforms=100,
                environment={"A": "1"}, invocation_timeout=Duration.hours(1), invocation_max_retries=3,
                data_processing=DataProcessing(input_filter="$[1:]", join_source=JoinSource.INPUT),
                data_capture=BatchDataCapture(bucket=results, prefix="capture/", generate_inference_id=True))
    name = f"{job.job_name_prefix}-{'0123456789abcdef' * 2}"
    state = {"job": {"name": name, "inputUri": "s3://my-input/incoming/", "outputLocation": f"s3://my-results/{name}/"}}
    context = {"Execution": {"Id": f"arn:aws:states:{REGION}:{ACCOUNT}:execution:machine:" + "e" * 80}}
    refs = {k: v for k, v in [("AWS::Partition", "aws"),
                              (f"{stack.get_logical_id(job.model.resource)}.ModelName", "Model-abc123"),
                              (f"{stack.get_logical_id(key.node.default_child)}.Arn",  # type: ignore[arg-type]
                               f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab")]}
    parameters = definition_of(job, refs)["States"]["TransformJob"]["Parameters"]
    request = _evaluate(parameters, state, context)
    assert request["TransformJobName"] == name
    assert api_problems("CreateTransformJob", request) == []


def _evaluate(node: Any, state: Mapping[str, Any], context: Mapping[str, Any]) -> Any:
    """Resolve ``"Key.$": "$.a.b"`` / ``"$$.a.b"`` paths the way Step Functions does for Parameters."""
    if isinstance(node, list):
        return [_evaluate(item, state, context) for item in node]
    if not isinstance(node, Mapping):
        return node
    result = {}
    for key, value in node.items():
        if key.endswith(".$"):
            root, path = (context, value[3:]) if value.startswith("$$.") else (state, value[2:])
            found: Any = root
            for part in path.split("."):
                found = found[part]
            result[key[:-2]] = found
        else:
            result[key] = _evaluate(value, state, context)
    return result


def test_definition_retries_throttling_and_catches_everything() -> None:
    state = transform_state(batch())
    assert state["Retry"] == [
        {"ErrorEquals": ["SageMaker.AmazonSageMakerException", "SageMaker.ThrottlingException"],
         "IntervalSeconds": 5, "MaxAttempts": 5,
         "BackoffRate": 2, "JitterStrategy": "FULL"},
        {"ErrorEquals": ["SageMaker.ResourceLimitExceededException"], "IntervalSeconds": 60, "MaxAttempts": 5,
         "BackoffRate": 2, "JitterStrategy": "FULL"},
    ]
    assert state["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure"}]
    assert state["Next"] == "NotifySuccess"


def test_definition_notifies_on_success_and_on_failure() -> None:
    job = batch()
    states = definition_of(job)["States"]
    topic = ref(job, job.topic)
    common = {"jobName.$": "$.job.name", "inputLocation.$": "$.job.inputUri",
              "outputLocation.$": "$.job.outputLocation", "execution.$": "$$.Execution.Id"}
    success, failure = states["NotifySuccess"], states["NotifyFailure"]
    assert success["Resource"] == failure["Resource"] == "arn:${AWS::Partition}:states:::sns:publish"
    assert success["Parameters"] == {
        "TopicArn": topic,
        "Subject.$": "States.Format('Transform job succeeded: {}', $.job.name)",
        "Message": {"status": "Succeeded", **common, "transformJobArn.$": "$.result.TransformJobArn"},
        "MessageAttributes": {"status": {"DataType": "String", "StringValue": "Succeeded"}},
    }
    assert failure["Parameters"] == {
        "TopicArn": topic,
        "Subject.$": "States.Format('Transform job failed: {}', $.job.name)",
        "Message": {"status": "Failed", **common, "error.$": "$.error.Error", "cause.$": "$.error.Cause"},
        "MessageAttributes": {"status": {"DataType": "String", "StringValue": "Failed"}},
    }
    assert success.get("End") is True and failure["Next"] == "Failed"
    assert states["Failed"] == {"Type": "Fail", "CausePath": "$.error.Cause",
                                "ErrorPath": "States.Format('BatchTransform.{}', $.error.Error)"}
    for publish in (success, failure):
        assert publish["Retry"] == [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "MaxAttempts": 3,
                                     "BackoffRate": 2}]
        assert publish["ResultPath"] is None


def test_definition_selects_the_input_of_a_run() -> None:
    states = definition_of(batch())["States"]
    assert states["SelectInput"]["Choices"] == [
        {"And": [{"Variable": "$.inputUri", "IsPresent": True},
                 {"Variable": "$.inputUri", "StringMatches": "s3://my-input/incoming/*"}], "Next": "UseGivenInput"},
        {"Variable": "$.inputUri", "IsPresent": True, "Next": "RejectInput"},
    ]
    assert states["SelectInput"]["Default"] == "UseConfiguredInput"
    assert states["UseConfiguredInput"]["Result"] == "s3://my-input/incoming/"
    assert states["UseGivenInput"]["InputPath"] == "$.inputUri"
    assert states["RejectInput"]["Next"] == "NotifyFailure"


def test_state_machine_logs_everything_and_traces() -> None:
    job = batch()
    template = template_of(stack_of(job))
    template.has_resource_properties("AWS::StepFunctions::StateMachine", {
        "TracingConfiguration": {"Enabled": True},
        "LoggingConfiguration": {"Level": "ALL", "IncludeExecutionData": True,
                                 "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": Match.any_value()}}]},
    })
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 365})


# --------------------------------------------------------------------------- least privilege
def test_state_machine_role_is_least_privilege() -> None:
    job = batch(job_name_prefix="Nightly")
    listed = policy_statements(job, job.state_machine.role)
    statements = {s["Sid"]: s for s in listed if "Sid" in s}
    jobs = statements["TransformJobs"]
    assert sorted(jobs["Action"]) == ["sagemaker:AddTags", "sagemaker:CreateTransformJob",
                                      "sagemaker:DescribeTransformJob", "sagemaker:ListTags",
                                      "sagemaker:StopTransformJob"]
    assert jobs["Resource"] == {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":sagemaker:",
                                                  {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"},
                                                  ":transform-job/nightly-*"]]}
    passing = statements["PassModelRole"]
    assert passing["Action"] == "iam:PassRole"
    assert passing["Resource"] == {"Fn::GetAtt": [stack_of(job).get_logical_id(job.model.role.node.default_child),
                                                  "Arn"]}
    assert passing["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
    events_rule = statements["SyncEventsRule"]
    assert sorted(events_rule["Action"]) == ["events:DescribeRule", "events:PutRule", "events:PutTargets"]
    assert "rule/StepFunctionsGetEventsForSageMakerTransformJobsRule" in json.dumps(events_rule["Resource"])
    publish = [s for s in listed if s["Action"] == "sns:Publish"]
    assert [p["Resource"] for p in publish] == [{"Ref": stack_of(job).get_logical_id(job.topic.node.default_child)}]
    (anywhere,) = [s for s in listed if s["Resource"] == "*"]  # aws-cdk-lib's log delivery and X-Ray
    assert {a.split(":")[0] for a in anywhere["Action"]} == {"logs", "xray"}
    assert len(listed) == 5
    text = json.dumps(listed)
    assert "sagemaker:*" not in text and '"Action": "*"' not in text
    template = template_of(stack_of(job)).to_json()
    assert all("ManagedPolicyArns" not in r["Properties"] for r in resources_of(template, "AWS::IAM::Role").values())


def test_model_role_reads_input_and_writes_its_runs_outputs() -> None:
    job = batch(job_name_prefix="nightly")
    statements = policy_statements(job, job.model.role)
    reads = [json.dumps(s["Resource"]) for s in statements if "s3:GetObject*" in s["Action"]]
    puts = [json.dumps(s["Resource"]) for s in statements if "s3:PutObject" in s["Action"]]
    assert any("my-input/incoming/*" in r for r in reads)
    output_bucket = stack_of(job).get_logical_id(job.output_bucket.node.default_child)
    assert len(puts) == 1 and output_bucket in puts[0] and "/nightly-*" in puts[0]


def test_grant_start_execution_allows_exactly_start_execution() -> None:
    stack = new_stack()
    job = batch(stack)
    caller = iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    job.grant_start_execution(caller)
    template_of(stack).has_resource_properties("AWS::IAM::Policy", {
        "Roles": [{"Ref": Match.string_like_regexp("Caller")}],
        "PolicyDocument": {"Statement": [{"Action": "states:StartExecution", "Effect": "Allow",
                                          "Resource": {"Ref": stack.get_logical_id(job.state_machine.node.default_child)}}],
                           "Version": "2012-10-17"},
    })


def test_grant_read_output_reads_the_output_prefix() -> None:
    stack = new_stack()
    results = s3.Bucket.from_bucket_name(stack, "Results", "my-results")
    job = batch(stack, output=BatchTransformOutput(bucket=results, prefix="scores/"))
    reader = iam.Role(stack, "Reader", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    job.grant_read_output(reader)
    policy = [p for p in resources_of(template_of(stack).to_json(), "AWS::IAM::Policy").values()
              if p["Properties"]["Roles"] == [{"Ref": stack.get_logical_id(reader.node.default_child)}]]
    assert "my-results/scores/*" in json.dumps(policy)


# --------------------------------------------------------------------------- outcome: topic, alarm, metrics
def test_created_topic_enforces_tls() -> None:
    job = batch()
    template = template_of(stack_of(job))
    template.resource_count_is("AWS::SNS::Topic", 1)
    template.has_resource_properties("AWS::SNS::TopicPolicy", {"PolicyDocument": {"Statement": Match.array_with([
        Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])}})


def test_topic_kms_key_encrypts_the_topic_and_the_role_may_use_it() -> None:
    stack = new_stack()
    key = kms.Key(stack, "TopicKey", enable_key_rotation=True)
    job = batch(stack, topic_kms_key=key)
    template_of(stack).has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": Match.any_value()})
    (statement,) = [s for s in policy_statements(job, job.state_machine.role) if s.get("Sid") == "TopicKey"]
    assert sorted(statement["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]


def test_passed_topic_is_used() -> None:
    stack = new_stack()
    topic = sns.Topic(stack, "Ops", enforce_ssl=True)
    job = batch(stack, topic=topic)
    assert job.topic is topic
    template_of(stack).resource_count_is("AWS::SNS::Topic", 1)
    assert definition_of(job)["States"]["NotifySuccess"]["Parameters"]["TopicArn"] == ref(job, topic)


def test_fails_when_topic_kms_key_comes_with_a_topic() -> None:
    stack = new_stack()
    error = refused(stack=stack, topic=sns.Topic(stack, "Ops"),
                    topic_kms_key=kms.Key(stack, "K", enable_key_rotation=True))
    assert error.fields == ("topic_kms_key",) and "drop it when passing topic" in str(error)


def test_failure_alarm_is_opt_in() -> None:
    assert batch().failure_alarm is None
    job = batch(alarm_on_failure=True)
    assert job.failure_alarm is not None
    template_of(stack_of(job)).has_resource_properties("AWS::CloudWatch::Alarm", {
        "MetricName": "ExecutionsFailed", "Namespace": "AWS/States", "Statistic": "Sum", "Period": 300,
        "Threshold": 1, "EvaluationPeriods": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
        "Dimensions": [{"Name": "StateMachineArn",
                        "Value": {"Ref": stack_of(job).get_logical_id(job.state_machine.node.default_child)}}],
    })


def test_metrics_use_official_names_and_statistics() -> None:
    job = batch()
    cases = {
        job.metric_executions_succeeded(): ("ExecutionsSucceeded", "Sum"),
        job.metric_executions_failed(): ("ExecutionsFailed", "Sum"),
        job.metric_execution_time(): ("ExecutionTime", "Average"),
        job.metric("ExecutionsTimedOut"): ("ExecutionsTimedOut", "Sum"),
    }
    for metric, (name, statistic) in cases.items():
        assert (metric.metric_name, metric.statistic, metric.namespace) == (name, statistic, "AWS/States")
        assert set(metric.dimensions) == {"StateMachineArn"}
        assert metric.period.to_seconds() == 300
    assert job.metric_execution_time("p90").statistic == "p90"


# --------------------------------------------------------------------------- triggers
def test_schedule_rule_starts_the_state_machine() -> None:
    job = batch(schedule=events.Schedule.cron(minute="0", hour="2"))
    assert job.schedule_rule is not None and job.schedule is None
    template = template_of(stack_of(job))
    template.has_resource_properties("AWS::Events::Rule", {
        "ScheduleExpression": "cron(0 2 * * ? *)", "State": "ENABLED",
        "Targets": [Match.object_like({"Arn": {"Ref": stack_of(job).get_logical_id(
            job.state_machine.node.default_child)}})],
    })


def test_scheduler_schedule_starts_the_state_machine() -> None:
    from aws_cdk import TimeZone

    job = batch(schedule=scheduler.ScheduleExpression.cron(minute="0", hour="2", time_zone=TimeZone.EUROPE_BERLIN))
    assert job.schedule is not None and job.schedule_rule is None
    template_of(stack_of(job)).has_resource_properties("AWS::Scheduler::Schedule", {
        "ScheduleExpression": "cron(0 2 * * ? *)", "ScheduleExpressionTimezone": "Europe/Berlin",
        "Target": Match.object_like({"Arn": {"Ref": stack_of(job).get_logical_id(
            job.state_machine.node.default_child)}}),
    })


# Every form of the EventBridge User Guide's cron examples and wildcards (, - * / ? L W #).
_CRON_ACCEPTED = ["cron(0 10 * * ? *)", "cron(15 12 * * ? *)", "cron(0 18 ? * MON-FRI *)", "cron(0 8 1 * ? *)",
                  "cron(0/15 * * * ? *)", "cron(0/10 * ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)",
                  "cron(0 9 ? * 2#1 *)", "cron(0 0 L * ? *)", "cron(0 0 ? * 6L *)", "cron(0 0 3W * ? *)",
                  "cron(0 12 1 JAN,JUL ? 2025-2030)", "cron(0 0 LW * ? *)", "cron(0 0 L-2 * ? *)",
                  "cron(30 2 ? * SUN#2 *)", "cron(0 0 ? * L *)", "cron(*/5 * * * ? *)", "cron(0 0 1-15/2 * ? *)",
                  "cron(0 0 ? * mon *)", "cron(59 23 31 12 ? 2199)", "cron(0 0 1 1 ? 1970)"]
# (expression, the message): values out of range, unknown names, a zero step, a wildcard in the wrong field.
_CRON_REFUSED = [
    ("cron(60 25 32 13 ? 1969)", "the minutes field has '60', outside 0–59"),
    ("cron(0 24 * * ? *)", "the hours field has '24', outside 0–23"),
    ("cron(0 2 32 * ? *)", "the day-of-month field has '32', outside 1–31"),
    ("cron(0 2 ? FOO * *)", "the month field has 'FOO', outside 1–12 and the names JAN–DEC"),
    ("cron(0 2 ? * 8 *)", "the day-of-week field has '8', outside 1–7 and the names SUN–SAT"),
    ("cron(0 2 * * ? 2200)", "the year field has '2200', outside 1970–2199"),
    ("cron(0/0 * * * ? *)", "the minutes field has the step /0: a step is at least 1"),
    ("cron(0 0 ? * 2#6 *)", "the day-of-week field names week 6 of the month ('#' takes 1–5)"),
    ("cron(0 0 ? * 1W *)", "the day-of-week field has '1W'"),
    ("cron(0 ? * * ? *)", "the hours field cannot be '?'"),
]


@pytest.mark.parametrize("expression", ["rate(1 hour)", "rate(5 minutes)", *_CRON_ACCEPTED])
def test_accepts_schedule_expressions(expression: str) -> None:
    job = batch(schedule=events.Schedule.expression(expression))
    template_of(stack_of(job)).has_resource_properties("AWS::Events::Rule", {"ScheduleExpression": expression})


@pytest.mark.parametrize("expression,message", [
    ("rate(1 hours)", "a rate of 1 takes a singular unit"),
    ("rate(5 minute)", "a rate of 1 takes a singular unit, larger rates a plural one"),
    ("rate(0 minutes)", "the rate must be at least 1"),
    ("rate(1 week)", "is not a valid rate expression"),
    ("cron(0 2 * * * *)", "exactly one of day-of-month (3rd field) and day-of-week (5th field) must be '?'"),
    ("cron(0 2 * *)", "a cron expression has 6 fields"),
    ("at(2030-01-01T02:00:00)", "is not one of rate(...) or cron(...)"),
    # Found by review: '$' let a trailing line break through, '\\d' took other scripts' digits, and the cron
    # fields were split on any whitespace (cfn-lint E3027 refuses all three).
    ("rate(5 minutes)\n", "is not a valid rate expression"),
    ("rate(\uff15 minutes)", "is not a valid rate expression"),
    ("cron(0\t12 * * ? *)", "a cron expression has 6 fields"),
    *_CRON_REFUSED,
])
def test_fails_when_schedule_is_invalid(expression: str, message: str) -> None:
    error = refused(schedule=events.Schedule.expression(expression))
    assert error.fields == ("schedule",)
    assert f"schedule = {expression!r}: {message}" in str(error) and "batch.schedule" in str(error)


def test_scheduler_accepts_one_time_schedules() -> None:
    assert validate_schedule_expression("at(2030-01-01T02:00:00)", scheduler=True) == []
    assert validate_schedule_expression("at(2030-01-01T02:00:00)", scheduler=False)


@pytest.mark.parametrize("expression", ["at(2030-13-45T99:99:99)", "at(2030-02-30T02:00:00)", "at(2030-01-01T02:00:00)\n",
                                        "at(2030-1-1T2:00:00)"])
def test_a_one_time_schedule_is_a_real_date_and_time(expression: str) -> None:
    """Found by review: at() was checked for the shape of its digits only (month 13, hour 99, a trailing line break)."""
    error = refused(schedule=scheduler.ScheduleExpression.expression(expression))
    assert error.fields == ("schedule",)
    assert f"schedule = {expression!r}: is not at(yyyy-mm-ddThh:mm:ss) with a real date and time" in str(error)
    assert "batch.schedule" in str(error)


def test_fails_when_schedule_is_a_string() -> None:
    error = refused(schedule="cron(0 2 * * ? *)")
    assert "schedule = 'cron(0 2 * * ? *)': must be Schedule or ScheduleExpression, got str" in str(error)


def test_new_input_rule_runs_each_new_object() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "InputBucket", "my-input")
    job = batch(stack, input=BatchTransformInput.from_prefix(bucket, "incoming/", content_type="text/csv"),
                on_new_input=NewInputTrigger())
    assert job.new_input_rule is not None
    template_of(stack).has_resource_properties("AWS::Events::Rule", {
        "EventPattern": {"source": ["aws.s3"], "detail-type": ["Object Created"],
                         "detail": {"bucket": {"name": ["my-input"]}, "object": {"key": [{"prefix": "incoming/"}]}}},
        "Targets": [Match.object_like({
            "InputTransformer": {
                "InputPathsMap": {"detail-bucket-name": "$.detail.bucket.name",
                                  "detail-object-key": "$.detail.object.key"},
                "InputTemplate": '{"inputUri":"s3://<detail-bucket-name>/<detail-object-key>"}'},
        })],
    })


def test_new_input_rule_filters_on_a_key_suffix() -> None:
    job = batch(on_new_input=NewInputTrigger(key_suffix=".csv"))
    template_of(stack_of(job)).has_resource_properties("AWS::Events::Rule", {"EventPattern": Match.object_like({
        "detail": {"bucket": {"name": ["my-input"]}, "object": {"key": [{"wildcard": "incoming/*.csv"}]}}})})


def test_new_manifest_runs_the_manifest() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "InputBucket", "my-input")
    job = batch(stack, input=BatchTransformInput.from_manifest(bucket, "manifests/today.manifest"),
                on_new_input=NewInputTrigger())
    rule = [r for r in resources_of(template_of(stack).to_json(), "AWS::Events::Rule").values()]
    assert rule[0]["Properties"]["EventPattern"]["detail"]["object"] == {"key": ["manifests/today.manifest"]}
    assert "InputTransformer" not in rule[0]["Properties"]["Targets"][0]
    assert job.new_input_rule is not None


def test_fails_when_key_suffix_is_given_for_a_manifest() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "InputBucket", "my-input")
    error = refused(stack=stack, input=BatchTransformInput.from_manifest(bucket, "m/today.manifest"),
                    on_new_input=NewInputTrigger(key_suffix=".manifest"))
    assert error.fields == ("on_new_input.key_suffix",) and "applies to prefix input only" in str(error)


def test_fails_when_outputs_land_in_the_watched_input() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "InputBucket", "my-input")
    error = refused(stack=stack, input=BatchTransformInput.from_prefix(bucket, "data/"),
                    output=BatchTransformOutput(bucket=bucket, prefix="data/scored/"), on_new_input=NewInputTrigger())
    text = str(error)
    assert error.fields == ("output.prefix",)
    assert "writes into the input location (prefix 'data/') that on_new_input watches" in text
    assert "batch.on-new-input" in text


def test_accepts_outputs_next_to_the_watched_input() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "InputBucket", "my-input")
    job = batch(stack, input=BatchTransformInput.from_prefix(bucket, "in/"),
                output=BatchTransformOutput(bucket=bucket, prefix="out/"), on_new_input=NewInputTrigger())
    assert job.output_bucket is bucket


def test_warns_when_an_owned_input_bucket_does_not_send_events() -> None:
    stack = new_stack()
    quiet = s3.Bucket(stack, "Quiet", enforce_ssl=True)
    batch(stack, input=BatchTransformInput.from_prefix(quiet, "in/"), on_new_input=NewInputTrigger())
    assert any("does not send events to EventBridge" in w for w in warnings_of(stack))


def test_does_not_warn_when_the_input_bucket_sends_events() -> None:
    stack = new_stack()
    loud = s3.Bucket(stack, "Loud", enforce_ssl=True, event_bridge_enabled=True)
    batch(stack, input=BatchTransformInput.from_prefix(loud, "in/"), on_new_input=NewInputTrigger())
    assert not [w for w in warnings_of(stack) if "EventBridge" in w]


# --------------------------------------------------------------------------- props
def test_fails_when_input_is_a_uri() -> None:
    error = refused(input="s3://my-input/incoming/")
    assert "input = 's3://my-input/incoming/': must be BatchTransformInput, got str" in str(error)
    assert "Test/Batch" in str(error)


def test_fails_when_required_props_are_missing() -> None:
    stack = new_stack()
    with pytest.raises(ValidationError) as caught:
        BatchTransformJob(stack, "Batch", model=None, instance_type=None, input=None)  # type: ignore[arg-type]
    assert set(caught.value.fields) == {"model", "instance_type", "input"}
    assert "model = None: is required" in str(caught.value)


def test_fails_when_input_bucket_is_a_name() -> None:
    error = refused(input=BatchTransformInput(bucket="my-input", key="x/"))  # type: ignore[arg-type]
    assert "input.bucket = 'my-input': must be IBucket, got str" in str(error)


@pytest.mark.parametrize("field", ["volume_kms_key", "topic_kms_key"])
def test_fails_when_a_key_is_an_arn(field: str) -> None:
    arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error = refused(**{field: arn})
    assert error.fields == (field,) and f"{field} = {arn!r}: must be IKey, got str" in str(error)


def test_fails_when_output_kms_key_is_an_arn() -> None:
    error = refused(output=BatchTransformOutput(kms_key="alias/results"))
    assert "output.kms_key = 'alias/results': must be IKey, got str" in str(error)


def test_fails_when_topic_is_an_arn() -> None:
    error = refused(topic="arn:aws:sns:us-east-1:123456789012:ops")
    assert "topic = 'arn:aws:sns:us-east-1:123456789012:ops': must be ITopic, got str" in str(error)


@pytest.mark.parametrize("field,value,message", [
    ("on_new_input", True, "on_new_input = True: must be NewInputTrigger, got bool"),
    ("alarm_on_failure", "yes", "alarm_on_failure = 'yes': must be bool, got str"),
    ("log_retention", 365, "log_retention = 365: must be RetentionDays, got int"),
    ("job_name_prefix", 7, "job_name_prefix = 7: must be str, got int"),
    ("data_processing", {"join_source": "Input"}, "must be DataProcessing, got dict"),
])
def test_fails_when_props_have_the_wrong_type(field: str, value: Any, message: str) -> None:
    error = refused(**{field: value})
    assert error.fields == (field,) and message in str(error)


def test_fails_when_key_suffix_is_not_a_string() -> None:
    error = refused(on_new_input=NewInputTrigger(key_suffix=5))  # type: ignore[arg-type]
    assert "on_new_input.key_suffix = 5: must be str, got int" in str(error)


def test_collects_every_problem_in_one_error() -> None:
    error = refused(instance_count=0, max_payload_mb=200, invocation_max_retries=9, job_name_prefix="bad_name")
    assert set(error.fields) == {"instance_count", "max_payload_mb", "invocation_max_retries", "job_name_prefix"}
    assert "has 4 invalid settings" in str(error)


def test_skips_unresolved_tokens() -> None:
    stack = new_stack()
    count = CfnParameter(stack, "Count", type="Number").value_as_number
    payload = CfnParameter(stack, "Payload", type="Number").value_as_number
    job = batch(stack, instance_count=count, max_payload_mb=payload, max_concurrent_transforms=50)
    template = template_of(stack).to_json()
    (machine,) = resources_of(template, "AWS::StepFunctions::StateMachine").values()
    assert {"Ref": "Count"} in machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    assert job.state_machine is not None


# --------------------------------------------------------------------------- snapshots, lint, nag
def full(stack: Stack) -> BatchTransformJob:
    """Every option: KMS everywhere, data capture, processing, both triggers, a failure alarm."""
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    logs_bucket = s3.Bucket(stack, "AccessLogs", enforce_ssl=True, block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
                            encryption=s3.BucketEncryption.S3_MANAGED,
                            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED)
    from cdk_sagemaker_inference.constructs._base import acknowledge

    acknowledge(logs_bucket, "AwsSolutions-S1", None, "the access-log bucket of the test itself")
    inputs = s3.Bucket(stack, "Inputs", enforce_ssl=True, event_bridge_enabled=True,
                       block_public_access=s3.BlockPublicAccess.BLOCK_ALL, encryption=s3.BucketEncryption.S3_MANAGED,
                       server_access_logs_bucket=logs_bucket, server_access_logs_prefix="inputs/")
    (handler,) = [c for c in stack.node.children if c.node.id.startswith("BucketNotificationsHandler")]
    acknowledge(handler, "AwsSolutions-IAM4",
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                "aws-cdk-lib's S3 notifications handler that turns on EventBridge for the test's input bucket")
    return batch(
        stack, instance_type=InstanceType.M5_2XLARGE, instance_count=2, volume_kms_key=key,
        input=BatchTransformInput.from_prefix(inputs, "incoming/", content_type="text/csv", split_type=SplitType.LINE),
        output=BatchTransformOutput(prefix="scores/", accept="text/csv", assemble_with=AssembleWith.LINE, kms_key=key,
                                    server_access_logs_bucket=logs_bucket, server_access_logs_prefix="scores/"),
        batch_strategy=BatchStrategy.MULTI_RECORD, max_payload_mb=10, max_concurrent_transforms=4,
        environment={"THRESHOLD": "0.7"}, invocation_timeout=Duration.minutes(5), invocation_max_retries=1,
        data_processing=DataProcessing(input_filter="$[1:]", join_source=JoinSource.INPUT),
        data_capture=BatchDataCapture(bucket=logs_bucket, prefix="capture/", kms_key=key),
        job_name_prefix="scores",
        schedule=events.Schedule.cron(minute="0", hour="2"),
        on_new_input=NewInputTrigger(key_suffix=".csv"),
        topic_kms_key=key,
        alarm_on_failure=True,
    )


def test_snapshot_default(snapshot_json: Any) -> None:
    job = batch()
    stack = stack_of(job)
    template = template_of(stack)
    template.resource_count_is("AWS::StepFunctions::StateMachine", 1)
    template.resource_count_is("AWS::S3::Bucket", 1)
    template.resource_count_is("AWS::SNS::Topic", 1)
    template.resource_count_is("AWS::Events::Rule", 0)
    template.resource_count_is("AWS::CloudWatch::Alarm", 0)
    template.has_resource_properties("AWS::S3::Bucket", {
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                           "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
    })
    assert snapshot_of(stack) == snapshot_json


def test_snapshot_full(snapshot_json: Any) -> None:
    stack = new_stack()
    full(stack)
    template = template_of(stack)
    template.resource_count_is("AWS::Events::Rule", 2)
    template.resource_count_is("AWS::CloudWatch::Alarm", 1)
    template.has_resource_properties("AWS::S3::Bucket", {"BucketEncryption": {"ServerSideEncryptionConfiguration": [
        Match.object_like({"ServerSideEncryptionByDefault": Match.object_like({"SSEAlgorithm": "aws:kms"})})]},
        "LoggingConfiguration": Match.object_like({"LogFilePrefix": "scores/"})})
    assert snapshot_of(stack) == snapshot_json


def test_templates_pass_cfn_lint() -> None:
    assert cfn_lint_errors(template_of(stack_of(batch())).to_json()) == []
    stack = new_stack()
    full(stack)
    assert cfn_lint_errors(template_of(stack).to_json()) == []


def test_defaults_pass_cdk_nag_aws_solutions() -> None:
    job = batch()
    assert nag_findings(job.node.root) == []


def test_full_options_pass_cdk_nag_aws_solutions() -> None:
    stack = new_stack()
    full(stack)
    assert nag_findings(stack.node.root) == []


def test_nag_would_flag_the_wildcards_without_the_acknowledgments() -> None:
    """The acknowledgments are what keeps nag quiet: a role with the same statements is flagged."""
    stack = new_stack()
    role = iam.Role(stack, "Bare", assumed_by=iam.ServicePrincipal("states.amazonaws.com"))
    role.add_to_policy(iam.PolicyStatement(actions=["sagemaker:CreateTransformJob"], resources=[
        stack.format_arn(service="sagemaker", resource="transform-job", resource_name="nightly-*")]))
    assert any(f.startswith("AwsSolutions-IAM5") for f in nag_findings(stack.node.root))


# --------------------------------------------------------------------------- runs on moto's interpreter
# moto runs state machines with its port of LocalStack's ASL interpreter (execute_state_machine),
# in process: no network. Two gaps, both in moto: it hands $$.Execution.StartTime to intrinsic
# functions as a datetime, where Step Functions passes an ISO-8601 string (the fixture converts
# it, as AWS formats it), and it cannot run optimised SageMaker integrations with .sync
# (moto/stepfunctions/parser/.../state_task_service_factory.py lists sagemaker as unsupported:
# its .sync raises "Unsupported sync callback procedure"). The transform task is therefore run in
# its request-response form below, which moto forwards to its SageMaker backend.
@pytest.fixture
def moto_sfn(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    import boto3
    import moto.stepfunctions.parser.backend.execution_worker as worker
    from moto import mock_aws

    original = worker.ExecutionData

    def execution_data(**fields: Any) -> Any:
        started = fields.get("StartTime")
        if hasattr(started, "strftime"):
            fields["StartTime"] = started.strftime("%Y-%m-%dT%H:%M:%S.") + f"{started.microsecond // 1000:03d}Z"
        return original(**fields)

    monkeypatch.setattr(worker, "ExecutionData", execution_data)
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        clients = {name: boto3.client(name, region_name=REGION)
                   for name in ("stepfunctions", "sns", "sqs", "iam", "sagemaker")}
        topic = clients["sns"].create_topic(Name="outcome")["TopicArn"]
        queue = clients["sqs"].create_queue(QueueName="outcome")["QueueUrl"]
        queue_arn = clients["sqs"].get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        clients["sns"].subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"],
                                 Attributes={"RawMessageDelivery": "true"})
        role = clients["iam"].create_role(RoleName="machine", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        yield {**clients, "topic": topic, "queue": queue, "role": role}


def _machine(moto_sfn: dict[str, Any], job: BatchTransformJob, *, request_response: bool = False) -> str:
    stack = stack_of(job)
    refs = {
        "AWS::Partition": "aws",
        f"{stack.get_logical_id(job.model.resource)}.ModelName": "scoring-model",
        stack.get_logical_id(job.output_bucket.node.default_child): "my-results",  # type: ignore[arg-type]
        stack.get_logical_id(job.topic.node.default_child): moto_sfn["topic"],  # type: ignore[arg-type]
    }
    definition = definition_of(job, refs)
    if request_response:
        task = definition["States"]["TransformJob"]
        task["Resource"] = task["Resource"].removesuffix(".sync")
        task["ResultSelector"] = {"TransformJobArn.$": "$.TransformJobArn"}
    return moto_sfn["stepfunctions"].create_state_machine(  # type: ignore[no-any-return]
        name="batch", definition=json.dumps(definition), roleArn=moto_sfn["role"])["stateMachineArn"]


def _run(moto_sfn: dict[str, Any], machine: str, name: str, execution_input: Mapping[str, Any]) -> dict[str, Any]:
    client = moto_sfn["stepfunctions"]
    execution = client.start_execution(stateMachineArn=machine, name=name,
                                       input=json.dumps(execution_input))["executionArn"]
    for _ in range(200):
        described = client.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            break
        time.sleep(0.05)
    history = client.get_execution_history(executionArn=execution)["events"]
    named = [json.loads(e["stateExitedEventDetails"]["output"])["job"] for e in history
             if e["type"] == "PassStateExited" and e["stateExitedEventDetails"]["name"] == "NameJob"]
    return {**described, "job": named[0] if named else None, "history": history}


def _messages(moto_sfn: dict[str, Any]) -> list[dict[str, Any]]:
    received = moto_sfn["sqs"].receive_message(QueueUrl=moto_sfn["queue"], MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in received.get("Messages", [])]


def test_every_execution_gets_a_valid_unique_job_name(moto_sfn: dict[str, Any]) -> None:
    job = batch(job_name_prefix="nightly-scores")
    machine = _machine(moto_sfn, job)
    names = []
    # Caller-chosen execution names: 80 characters, characters a job name cannot hold, digits first.
    for execution_name in ["2024-06-01T02:00", "run_with_underscores.and.dots", "x" * 80, "0", "Ünïcode"]:
        run = _run(moto_sfn, machine, execution_name, {})
        name = run["job"]["name"]
        assert re.fullmatch(NAME_PATTERN, name) and len(name) <= 63, name
        assert re.fullmatch(r"nightly-scores-[0-9a-f]{32}", name)
        assert run["job"]["outputLocation"] == f"s3://my-results/{name}/"
        names.append(name)
    assert len(set(names)) == len(names)


def test_keys_with_every_character_s3_advises_against_go_through_the_state_machine(
        moto_sfn: dict[str, Any]) -> None:
    """Before, these keys were refused: a '{' of the output prefix was a States.Format placeholder, and the ASL
    reserves ' { } \\ in intrinsic literals (aws-cdk-lib escapes ' and \\ only). The prefix is now an argument,
    in base64 where it has braces: moto's ASL interpreter runs the machine and the location comes out whole.

    The input prefix goes into a StringMatches pattern, where only '*' is special (escaped '\\*', per the Step
    Functions guide). moto matches with Python's fnmatch, for which '[', ']', '?' and '*' are special and
    '\\' escapes nothing, so the run below leaves those out of the input prefix and the pattern is asserted
    on the template instead."""
    odd_input = "in {x} 'q' ~%#|^`<>\"/"
    odd_output = "out {y}/it's\\ *~%#|^`[]<>\"/"
    stack = new_stack()
    job = batch(stack, input=csv_input(stack, prefix=odd_input), output=BatchTransformOutput(prefix=odd_output))
    machine = _machine(moto_sfn, job)
    inside = f"s3://my-input/{odd_input}2024-06-01.csv"
    run = _run(moto_sfn, machine, "odd", {"inputUri": inside})
    name = run["job"]["name"]
    assert run["job"]["outputLocation"] == f"s3://my-results/{odd_output}{name}/"
    visited = [e["stateEnteredEventDetails"]["name"] for e in run["history"] if "stateEnteredEventDetails" in e]
    assert "UseGivenInput" in visited and "RejectInput" not in visited  # StringMatches let it through
    outside = _run(moto_sfn, machine, "outside", {"inputUri": "s3://my-input/in {x} 'q' other.csv"})
    assert outside["error"] == "BatchTransform.InvalidInputUri"
    # A quote or backslash alone goes in base64 too; without any reserved character the prefix stays readable.
    for prefix, encoded in (("it's\\ ~%#|^`[]<>\"/", True), ("plain ~%#|^`[]<>\"/", False)):
        other = new_stack()
        other_job = batch(other, output=BatchTransformOutput(prefix=prefix))
        assert ("Base64Decode" in json.dumps(definition_of(other_job))) is encoded
        moto_sfn["stepfunctions"].delete_state_machine(stateMachineArn=machine)
        machine = _machine(moto_sfn, other_job)
        other_run = _run(moto_sfn, machine, f"other-{encoded}", {})
        assert other_run["job"]["outputLocation"] == f"s3://my-results/{prefix}{other_run['job']['name']}/"
    # '*' of an input prefix is escaped in the pattern, so it is not a wildcard.
    starred = new_stack()
    starred_job = batch(starred, input=csv_input(starred, prefix="in/*/"))
    (rule,) = [c for c in definition_of(starred_job)["States"]["SelectInput"]["Choices"][0]["And"]
               if "StringMatches" in c]
    assert rule["StringMatches"] == "s3://my-input/in/\\*/*"


def test_moto_cannot_run_sync_transform_jobs(moto_sfn: dict[str, Any]) -> None:
    run = _run(moto_sfn, _machine(moto_sfn, batch()), "sync", {})
    assert run["status"] == "FAILED" and run["error"] == "States.Runtime"
    assert "Unsupported sync callback procedure" in run["cause"]


def test_a_run_creates_the_job_and_announces_success(moto_sfn: dict[str, Any]) -> None:
    job = batch(job_name_prefix="nightly", max_payload_mb=6, max_concurrent_transforms=4,
                invocation_timeout=Duration.minutes(2), environment={"THRESHOLD": "0.7"},
                output=BatchTransformOutput(accept="text/csv", assemble_with=AssembleWith.LINE),
                data_processing=DataProcessing(input_filter="$[1:]", join_source=JoinSource.INPUT))
    run = _run(moto_sfn, _machine(moto_sfn, job, request_response=True), "given-input",
               {"inputUri": "s3://my-input/incoming/2024-06-01.csv"})
    assert run["status"] == "SUCCEEDED", run.get("cause")
    name = run["job"]["name"]
    created = moto_sfn["sagemaker"].describe_transform_job(TransformJobName=name)
    assert created["ModelName"] == "scoring-model"
    assert created["TransformInput"]["DataSource"]["S3DataSource"] == {
        "S3DataType": "S3Prefix", "S3Uri": "s3://my-input/incoming/2024-06-01.csv"}
    assert created["TransformOutput"] == {"S3OutputPath": f"s3://my-results/{name}/", "Accept": "text/csv",
                                          "AssembleWith": "Line"}
    assert (created["MaxPayloadInMB"], created["MaxConcurrentTransforms"]) == (6, 4)
    assert created["DataProcessing"] == {"InputFilter": "$[1:]", "JoinSource": "Input"}
    (message,) = _messages(moto_sfn)
    assert message["status"] == "Succeeded" and message["jobName"] == name
    assert message["outputLocation"] == f"s3://my-results/{name}/"
    assert message["inputLocation"] == "s3://my-input/incoming/2024-06-01.csv"
    assert message["transformJobArn"] == created["TransformJobArn"]


def test_a_run_outside_the_input_location_fails_and_is_announced(moto_sfn: dict[str, Any]) -> None:
    job = batch()
    run = _run(moto_sfn, _machine(moto_sfn, job), "elsewhere", {"inputUri": "s3://someone-elses/data/"})
    assert run["status"] == "FAILED" and run["error"] == "BatchTransform.InvalidInputUri"
    assert "must be a string that starts with s3://my-input/incoming/" in run["cause"]
    (message,) = _messages(moto_sfn)
    assert message["status"] == "Failed" and message["error"] == "InvalidInputUri"
    assert message["jobName"] == run["job"]["name"] and message["inputLocation"] == "s3://someone-elses/data/"
    assert message["outputLocation"] == run["job"]["outputLocation"]
    assert moto_sfn["sagemaker"].list_transform_jobs()["TransformJobSummaries"] == []


def test_a_failed_task_is_caught_and_announced(moto_sfn: dict[str, Any]) -> None:
    """A failing SageMaker call goes Catch → NotifyFailure → Failed. moto accepts any CreateTransformJob,
    so the task here asks for a job that does not exist (DescribeTransformJob) to make it fail."""
    job = batch(job_name_prefix="nightly")
    definition = json.loads(moto_sfn["stepfunctions"].describe_state_machine(
        stateMachineArn=_machine(moto_sfn, job))["definition"])
    task = definition["States"]["TransformJob"]
    task["Resource"] = "arn:aws:states:::sagemaker:describeTransformJob"
    task["Parameters"] = {"TransformJobName.$": "$.job.name"}
    for retry in task["Retry"]:
        retry["MaxAttempts"], retry["IntervalSeconds"] = 1, 1
    machine = moto_sfn["stepfunctions"].create_state_machine(
        name="failing", definition=json.dumps(definition), roleArn=moto_sfn["role"])["stateMachineArn"]
    run = _run(moto_sfn, machine, "fails", {})
    visited = [e["stateEnteredEventDetails"]["name"] for e in run["history"] if "stateEnteredEventDetails" in e]
    assert visited[-3:] == ["TransformJob", "NotifyFailure", "Failed"]
    (message,) = _messages(moto_sfn)
    assert run["status"] == "FAILED" and run["error"] == f"BatchTransform.{message['error']}"
    assert message["status"] == "Failed" and message["jobName"] == run["job"]["name"]
    assert "Could not find transform job" in message["cause"] and run["cause"] == message["cause"]
    assert message["outputLocation"] == f"s3://my-results/{run['job']['name']}/"


def test_grants_write_iam_special_characters_of_keys_as_literals() -> None:
    """Found by review: a prefix such as 'runs/${stage}/' went into the grants as written, where IAM reads
    '${stage}' as a policy variable (and '*' '?' as wildcards), so the role could not write the keys SageMaker
    writes. Each is now IAM's special-character variable (${$}, ${*}, ${?}); cdk-nag's acknowledgments follow."""
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Results", "my-results")
    job = batch(stack, input=csv_input(stack, prefix="in/$x?/"),
                output=BatchTransformOutput(bucket=bucket, prefix="runs/${stage}/*/"))
    resources = json.dumps([s["Resource"] for s in policy_statements(job, job.model.role)])
    assert "runs/${$}{stage}/${*}/" in resources and "in/${$}x${?}/*" in resources
    assert "runs/${stage}" not in resources
    assert not nag_findings(stack)


def test_a_literal_dollar_brace_in_a_key_synthesizes_with_template_validation() -> None:
    """Found by the value-edge walker: a '${x}' in a key is literal text outside Fn::Sub, but aws-cdk-lib's
    template validation (E1029) failed the synth. The construct acknowledges E1029 only when a text holds '${'."""
    from cdk_sagemaker_inference._compat import VALIDATIONS

    stack = new_stack()
    job = batch(stack, input=csv_input(stack, prefix="in/${x}/"))
    stack.node.root.synth()  # type: ignore[attr-defined]  # the app: validation on, as `cdk synth` runs it
    acknowledged = json.dumps([e.data for e in job.state_machine.node.metadata])
    assert ("CloudFormation-Validate::E1029" in acknowledged) is (VALIDATIONS is not None)
    plain = new_stack()
    other = batch(plain)
    plain.node.root.synth()  # type: ignore[attr-defined]
    assert "E1029" not in json.dumps([e.data for e in other.state_machine.node.metadata])


@pytest.mark.parametrize("trigger", ["rule", "scheduler", "new-input"])
def test_an_undelivered_start_goes_to_the_dead_letter_queue(trigger: str) -> None:
    """Found by review: cdk-nag's Serverless-EventBusDLQ reported the job's EventBridge rules and no option closed
    it (an undelivered start of the state machine was dropped). ``dead_letter_queue=`` is every target's
    DeadLetterConfig, and the queue lets the service send to it."""
    from aws_cdk import aws_sqs as sqs

    from helpers import nag_findings

    stack = new_stack()
    queue = sqs.Queue(stack, "Undelivered", enforce_ssl=True)
    given: dict[str, Any] = {
        "rule": {"schedule": events.Schedule.rate(Duration.days(1))},
        "scheduler": {"schedule": scheduler.ScheduleExpression.rate(Duration.days(1))},
        "new-input": {"on_new_input": NewInputTrigger(key_suffix=".csv")},
    }[trigger]
    job = batch(stack, dead_letter_queue=queue, **given)
    template = template_of(stack).to_json()
    queue_arn = {"Fn::GetAtt": [stack.get_logical_id(queue.node.default_child), "Arn"]}
    if trigger == "scheduler":
        [schedule] = [r for r in template["Resources"].values() if r["Type"] == "AWS::Scheduler::Schedule"]
        assert schedule["Properties"]["Target"]["DeadLetterConfig"] == {"Arn": queue_arn}
    else:
        [rule] = [r for r in template["Resources"].values() if r["Type"] == "AWS::Events::Rule"]
        assert rule["Properties"]["Targets"][0]["DeadLetterConfig"] == {"Arn": queue_arn}
        assert not [f for f in nag_findings(job, packs=("Serverless",)) if "EventBusDLQ" in f]
    if trigger == "scheduler":  # the schedule's role sends to the queue
        statements = [st for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Policy"
                      for st in r["Properties"]["PolicyDocument"]["Statement"]]
        assert any(st["Action"] == "sqs:SendMessage" and st["Resource"] == queue_arn for st in statements), statements
    else:  # EventBridge sends with the queue's resource policy
        [policy] = [r for r in template["Resources"].values() if r["Type"] == "AWS::SQS::QueuePolicy"]
        assert any(st.get("Principal") == {"Service": "events.amazonaws.com"}
                   for st in policy["Properties"]["PolicyDocument"]["Statement"])


def test_without_a_dead_letter_queue_cdk_nag_reports_the_rules() -> None:
    from helpers import nag_findings

    job = batch(schedule=events.Schedule.rate(Duration.days(1)), on_new_input=NewInputTrigger(key_suffix=".csv"))
    assert sorted(f for f in nag_findings(job, packs=("Serverless",)) if "EventBusDLQ" in f) == [
        "Serverless-EventBusDLQ at Test/Batch/NewInputRule/Resource",
        "Serverless-EventBusDLQ at Test/Batch/ScheduleRule/Resource"]
