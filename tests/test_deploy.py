"""The example app, deployed by the real CDK CLI to moto server on loopback, read back with boto3.

The app is deployed once per module (one moto server); each hosting option adds its own
read-back test below. moto skips ``AWS::ApplicationAutoScaling::*`` resources, so scaling is
asserted on the templates in the construct tests instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from cdk_sagemaker_inference.testing.emulator import (
    EMULATOR_CONTEXT_KEY,
    MotoServer,
    bootstrap_and_deploy,
    describe_deployment,
    register_model_package,
)
from helpers import ROOT

pytestmark = pytest.mark.deploy


@pytest.fixture(scope="module")
def emulator() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture(scope="module")
def deployed(emulator: MotoServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # The Model Registry version the RegistryInference stack deploys (a pipeline registers it first).
    from stacks.registry_stack import REGISTRY_ARTIFACTS, REGISTRY_GROUP

    register_model_package(emulator, REGISTRY_GROUP, image=f"{'1' * 12}.dkr.ecr.us-east-1.amazonaws.com/churn:1",
                           model_data_url=f"s3://{REGISTRY_ARTIFACTS}/{REGISTRY_GROUP}/1/model.tar.gz")
    assembly = tmp_path_factory.mktemp("cdk.out")
    bootstrap_and_deploy(emulator, ROOT, context={EMULATOR_CONTEXT_KEY: "true"}, output_dir=assembly)
    return {**describe_deployment(emulator), "assembly": str(assembly)}


def endpoint(deployed: dict[str, Any], stack: str, output: str = "EndpointName") -> dict[str, Any]:
    """The endpoint a stack names in its output (moto ignores EndpointName and generates names)."""
    (found_stack,) = [s for s in deployed["stacks"] if s["name"] == stack]
    name = found_stack["outputs"][output]
    found = [e for e in deployed["endpoints"] if e["name"] == name]
    assert found, f"endpoint {name} not deployed; endpoints: {[e['name'] for e in deployed['endpoints']]}"
    return found[0]


def test_every_stack_is_complete(deployed: dict[str, Any]) -> None:
    assert deployed["stacks"], "no stack deployed"
    for stack in deployed["stacks"]:
        assert stack["status"].endswith("_COMPLETE") and "ROLLBACK" not in stack["status"], stack


def test_serverless_endpoint_reads_back(deployed: dict[str, Any], emulator: MotoServer) -> None:
    found = endpoint(deployed, "ServerlessInference")
    assert found["status"] == "InService"
    (variant,) = found["variants"]
    assert variant["ServerlessConfig"]["MemorySizeInMB"] == 2048
    assert variant["ServerlessConfig"]["MaxConcurrency"] == 20
    assert variant["ServerlessConfig"]["ProvisionedConcurrency"] == 2
    # The model's data is the local model.tar.gz, uploaded as a file asset to the staging bucket.
    sagemaker = emulator.client("sagemaker")
    config = sagemaker.describe_endpoint_config(EndpointConfigName=found["config_name"])
    model = sagemaker.describe_model(ModelName=config["ProductionVariants"][0]["ModelName"])
    url = model["PrimaryContainer"]["ModelDataUrl"]
    bucket, key = url.removeprefix("s3://").split("/", 1)
    assert emulator.client("s3").head_object(Bucket=bucket, Key=key)["ContentLength"] > 0


def test_a_model_registry_version_is_served_serverless(deployed: dict[str, Any], emulator: MotoServer) -> None:
    """The emulator stores the package and creates the model from its ARN; it pulls no image, so what
    the version contains is not exercised (say so: the template tests cover the grants)."""
    found = endpoint(deployed, "RegistryInference")
    assert found["status"] == "InService"
    (variant,) = found["variants"]
    assert variant["ServerlessConfig"] == {"MemorySizeInMB": 2048, "MaxConcurrency": 5}
    sagemaker = emulator.client("sagemaker")
    config = sagemaker.describe_endpoint_config(EndpointConfigName=found["config_name"])
    model = sagemaker.describe_model(ModelName=config["ProductionVariants"][0]["ModelName"])
    arn = model["PrimaryContainer"]["ModelPackageName"]
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:model-package/demo-churn/1"
    assert sagemaker.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Approved"


def test_realtime_endpoint_reads_back(deployed: dict[str, Any], emulator: MotoServer) -> None:
    found = endpoint(deployed, "RealtimeInference")
    assert found["status"] == "InService"
    variants = {v["VariantName"]: v for v in found["variants"]}
    assert set(variants) == {"Current", "Challenger"}
    assert variants["Current"]["InitialVariantWeight"] == pytest.approx(0.9)
    assert variants["Challenger"]["InitialVariantWeight"] == pytest.approx(0.1)
    for variant in variants.values():
        assert (variant["InstanceType"], variant["InitialInstanceCount"]) == ("ml.m5.large", 2)
    assert variants["Current"]["ModelName"] != variants["Challenger"]["ModelName"]
    (stack,) = [s for s in deployed["stacks"] if s["name"] == "RealtimeInference"]
    capture = found["data_capture_config"]
    assert capture is not None
    assert capture["DestinationS3Uri"] == f"s3://{stack['outputs']['CaptureBucketName']}/capture"
    assert capture["InitialSamplingPercentage"] == 20
    assert [o["CaptureMode"] for o in capture["CaptureOptions"]] == ["Input", "Output"]
    assert capture["CaptureContentTypeHeader"] == {"CsvContentTypes": ["text/csv"],
                                                   "JsonContentTypes": ["application/json"]}
    # Each variant serves its own model. moto keeps no DeploymentConfig and skips
    # AWS::CloudWatch::Alarm, so the canary and its rollback alarms are asserted on the template
    # (tests/test_realtime.py).
    sagemaker = emulator.client("sagemaker")
    challenger = sagemaker.describe_model(ModelName=variants["Challenger"]["ModelName"])
    assert challenger["PrimaryContainer"]["Environment"]["MODEL_VARIANT"] == "challenger"


def test_async_endpoint_reads_back(deployed: dict[str, Any], emulator: MotoServer) -> None:
    from cdk_sagemaker_inference.client import AsyncInferenceClient

    found = endpoint(deployed, "AsyncInference")
    assert found["status"] == "InService"
    (variant,) = found["variants"]
    assert (variant["InstanceType"], variant["InitialInstanceCount"]) == ("ml.g4dn.xlarge", 1)
    (stack,) = [s for s in deployed["stacks"] if s["name"] == "AsyncInference"]
    outputs = stack["outputs"]
    config = found["async_inference_config"]
    assert config is not None
    output = config["OutputConfig"]
    assert output["S3OutputPath"] == outputs["OutputLocation"]
    assert output["S3FailurePath"] == outputs["FailureLocation"]
    assert outputs["OutputLocation"].endswith("/output") and outputs["FailureLocation"].endswith("/failure")
    assert output["NotificationConfig"] == {
        "SuccessTopic": outputs["SuccessTopicArn"],
        "ErrorTopic": outputs["ErrorTopicArn"],
        "IncludeInferenceResponseIn": ["SUCCESS_NOTIFICATION_TOPIC"],
    }
    assert config["ClientConfig"] == {"MaxConcurrentInvocationsPerInstance": 4}
    assert {outputs["SuccessTopicArn"], outputs["ErrorTopicArn"]} <= set(deployed["topics"])
    bucket = outputs["InputLocation"].removeprefix("s3://").split("/", 1)[0]
    assert bucket in deployed["buckets"]
    # moto skips AWS::ApplicationAutoScaling::* (scale to zero is asserted on the template in
    # tests/test_async.py); the client helper runs against the deployed input bucket.
    client = AsyncInferenceClient(found["name"], outputs["InputLocation"],
                                  sagemaker_runtime=emulator.client("sagemaker-runtime"), s3=emulator.client("s3"))
    result = client.invoke_and_wait(b'{"inputs": "hello"}', timeout=30, poll_interval=0.2)
    assert result.succeeded and result.body
    payload_bucket, key = result.invocation.input_location.removeprefix("s3://").split("/", 1)
    assert (payload_bucket, key.split("/")[0]) == (bucket, "input")


def test_batch_transform_state_machine_reads_back(deployed: dict[str, Any], emulator: MotoServer) -> None:
    (stack,) = [s for s in deployed["stacks"] if s["name"] == "BatchInference"]
    outputs = stack["outputs"]
    assert outputs["StateMachineArn"] in [m["arn"] for m in deployed["state_machines"]]
    assert outputs["TopicArn"] in deployed["topics"] and outputs["OutputBucket"] in deployed["buckets"]
    described = emulator.client("stepfunctions").describe_state_machine(stateMachineArn=outputs["StateMachineArn"])
    states = json.loads(described["definition"])["States"]
    task = states["TransformJob"]
    assert task["Resource"] == "arn:aws:states:::sagemaker:createTransformJob.sync"
    parameters = task["Parameters"]
    assert parameters["TransformInput"] == {
        "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri.$": "$.job.inputUri"}},
        "ContentType": "text/csv", "CompressionType": "None", "SplitType": "Line"}
    assert parameters["TransformOutput"] == {"S3OutputPath.$": "$.job.outputLocation", "Accept": "text/csv",
                                             "AssembleWith": "Line"}
    assert parameters["DataProcessing"] == {"InputFilter": "$[1:]", "OutputFilter": "$[0,-1]", "JoinSource": "Input"}
    assert parameters["TransformResources"] == {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}
    # The deployed references resolved: the model exists, runs write under the deployed bucket,
    # and the configured input is the deployed records bucket.
    emulator.client("sagemaker").describe_model(ModelName=parameters["ModelName"])
    assert f"s3://{outputs['OutputBucket']}/scored/nightly-scoring-{{}}/" in states["NameJob"]["Parameters"][
        "outputLocation.$"]
    assert states["UseConfiguredInput"]["Result"] == outputs["InputLocation"]
    assert states["NotifySuccess"]["Parameters"]["TopicArn"] == outputs["TopicArn"]
    assert states["NotifyFailure"]["Parameters"]["TopicArn"] == outputs["TopicArn"]
    # The nightly rule starts it. moto's Step Functions cannot run .sync SageMaker tasks (its
    # interpreter lists sagemaker as an unsupported integration): runs of the definition are
    # tested in tests/test_batch_transform.py instead.
    rules = emulator.client("events").list_rules()["Rules"]
    nightly = [r for r in rules if r.get("ScheduleExpression") == "cron(0 2 * * ? *)"]
    assert nightly, rules
    targets = emulator.client("events").list_targets_by_rule(Rule=nightly[0]["Name"])["Targets"]
    assert [t["Arn"] for t in targets] == [outputs["StateMachineArn"]]


def test_preflight_after_the_deploy_finds_nothing_and_says_what_the_emulator_cannot_check(
        deployed: dict[str, Any], emulator: MotoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Against the emulator: the app's own names are not "taken", its artifacts are CDK assets, the registry
    version is approved; moto implements no SageMaker quota, so quotas are "not checked" (exit 0; --strict: 2).
    The quota logic itself is tested against Stubber responses (tests/test_preflight.py)."""
    import io
    from argparse import Namespace

    from cdk_sagemaker_inference.preflight.cli import run

    for name, value in emulator.env({}).items():
        monkeypatch.setenv(name, value)
    out = io.StringIO()
    code = run(Namespace(assembly=deployed["assembly"], region=None, profile=None, strict=False, json=True),
               out=out, err=io.StringIO())
    report = json.loads(out.getvalue())
    assert code == 0, report
    assert [f["check"] for f in report["findings"] if f["severity"] != "not-checked"] == []
    assert any(f["check"] == "quota" and "not checked" in f["what"] for f in report["findings"])
    assert any(n["quota_name"] == "ml.m5.large for endpoint usage" for n in report["needs"])
    strict = run(Namespace(assembly=deployed["assembly"], region=None, profile=None, strict=True, json=True),
                 out=io.StringIO(), err=io.StringIO())
    assert strict == 2


def test_the_load_test_state_machine_is_deployed(deployed: dict[str, Any], emulator: MotoServer) -> None:
    """The Inference Recommender job's state machine deploys and reads back; the emulator does not run
    Inference Recommender jobs, so what an execution does is asserted on the template
    (tests/test_recommender_job.py)."""
    (stack,) = [s for s in deployed["stacks"] if s["name"] == "RegistryInference"]
    arn = stack["outputs"]["LoadTestStateMachine"]
    client = emulator.client("stepfunctions")
    definition = json.loads(client.describe_state_machine(stateMachineArn=arn)["definition"])
    assert definition["States"]["CreateJob"]["Resource"].endswith(
        ":states:::aws-sdk:sagemaker:createInferenceRecommendationsJob")
    assert "demo-churn-ir" in definition["States"]["NameJob"]["Parameters"]["name.$"]
