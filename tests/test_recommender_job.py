"""InferenceRecommenderJob: the state machine (create, bounded poll, outcome to SNS), its IAM, every rule
of the "Inference Recommender jobs" area with a passing and a failing case, cfn-lint, cdk-nag, and the
CreateInferenceRecommendationsJob request checked by botocore's parameter validation."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from aws_cdk import Duration, Environment, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from api_baselines import _recommender_job
from cdk_sagemaker_inference import (
    InferenceRecommenderJob,
    InstanceType,
    LoadPhase,
    LoadStairs,
    ModelPackage,
    RecommendationJobType,
    ValidationError,
)
from helpers import cfn_lint_errors, nag_findings, new_app, resources_of, template_of


def stack() -> Stack:
    return Stack(new_app(), "Recommender", env=Environment(account="123456789012", region="us-east-1"))


def job(s: Stack, **changes: Any) -> InferenceRecommenderJob:
    _, props = _recommender_job(s)
    return InferenceRecommenderJob(s, "Job", **{**props, **changes})


def refused(s: Stack, **changes: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        job(s, **changes)
    return caught.value


def definition(s: Stack) -> dict[str, Any]:
    [machine] = resources_of(template_of(s).to_json(), "AWS::StepFunctions::StateMachine").values()
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    return json.loads("".join(p if isinstance(p, str) else "TOKEN" for p in parts))  # type: ignore[no-any-return]


def test_the_state_machine_creates_the_job_polls_and_reports() -> None:
    s = stack()
    job(s)
    states = definition(s)["States"]
    assert states["CreateJob"]["Resource"].endswith(":states:::aws-sdk:sagemaker:createInferenceRecommendationsJob")
    params = states["CreateJob"]["Parameters"]
    assert params["JobType"] == "Advanced" and params["InputConfig"]["JobDurationInSeconds"] == 3600
    assert params["InputConfig"]["ContainerConfig"]["PayloadConfig"]["SamplePayloadUrl"] == \
        "s3://my-payloads/churn/payload.tar.gz"
    assert params["StoppingConditions"] == {"MaxInvocations": 300,
                                            "ModelLatencyThresholds": [{"Percentile": "P95",
                                                                        "ValueInMilliseconds": 500}]}
    assert "States.Format('{}-{}', 'churn-ir', States.UUID())" in states["NameJob"]["Parameters"]["name.$"]
    # the bounded poll: wait → describe → choice → back to wait, until COMPLETED, FAILED or STOPPED
    assert (states["CreateJob"]["Next"], states["WaitForJob"]["Seconds"], states["DescribeJob"]["Next"]) == (
        "WaitForJob", 120, "JobStatus")
    assert states["JobStatus"]["Default"] == "WaitForJob"
    [machine] = resources_of(template_of(s).to_json(), "AWS::StepFunctions::StateMachine").values()
    assert "TimeoutSeconds" in json.dumps(machine["Properties"]["DefinitionString"])


def test_the_request_is_valid_for_botocore() -> None:
    import botocore.session
    from botocore.validate import ParamValidator

    s = stack()
    job(s)
    params = definition(s)["States"]["CreateJob"]["Parameters"]
    request = {("JobName" if k == "JobName.$" else k): v for k, v in params.items()}
    request["JobName"] = "churn-ir-0b8f0c42-5b1e-4d7a-9d5e-2f1f6f0c9a11"
    request["RoleArn"] = "arn:aws:iam::123456789012:role/job"
    request["InputConfig"]["ModelPackageVersionArn"] = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3"
    model = botocore.session.get_session().get_service_model("sagemaker")
    report = ParamValidator().validate(request, model.operation_model("CreateInferenceRecommendationsJob").input_shape)
    assert not report.has_errors(), report.generate_report()
    assert re.fullmatch(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}", request["JobName"])


def test_the_state_machine_role_is_scoped_to_its_jobs_and_passes_only_the_job_role() -> None:
    s = stack()
    recommender = job(s)
    policies = json.dumps(resources_of(template_of(s).to_json(), "AWS::IAM::Policy"))
    assert "sagemaker:CreateInferenceRecommendationsJob" in policies
    assert ":inference-recommendations-job/churn-ir-*" in policies
    assert "iam:PassRole" in policies and s.get_logical_id(
        recommender.job_role.node.default_child) in policies  # type: ignore[arg-type]


def test_defaults_lint_clean_and_are_nag_clean() -> None:
    s = stack()
    job(s)
    assert cfn_lint_errors(template_of(s).to_json()) == []
    assert nag_findings(s) == []


def test_a_default_job_needs_no_load_test_settings() -> None:
    s = stack()
    job(s, job_type=RecommendationJobType.DEFAULT, instance_types=[], phases=[], max_invocations=None,
        p95_latency_threshold=None, job_duration=None)
    params = definition(s)["States"]["CreateJob"]["Parameters"]
    assert params["JobType"] == "Default" and "StoppingConditions" not in params


@pytest.mark.parametrize(("changes", "rule", "text"), [
    ({"model_package": ModelPackage.from_marketplace(
        "arn:aws:sagemaker:us-east-1:865070037744:model-package/seller-model-1")},
     "recommender.model-package", "is an AWS Marketplace package"),
    ({"payload_key": "churn/payload.json"}, "recommender.payload", "is not a .tar.gz archive"),
    ({"instance_types": [InstanceType.M5_LARGE] * 11}, "recommender.endpoint-configurations", "11"),
    ({"instance_types": [InstanceType.of("ml.t2.medium")]}, "recommender.endpoint-configurations", "burstable ml.t2"),
    ({"job_duration": Duration.seconds(18001), "phases": []}, "recommender.job-duration", "18000"),
    ({"phases": [LoadPhase(initial_users=4, spawn_rate=1, duration=Duration.minutes(10))]}, "recommender.phase", "3"),
    ({"phases": [LoadPhase(initial_users=1, spawn_rate=1, duration=Duration.seconds(60))]},
     "recommender.phase-duration", "120"),
    ({"phases": [LoadPhase(initial_users=1, spawn_rate=1, duration=Duration.minutes(50))] * 2},
     "recommender.phase-duration", "longer than job_duration"),
    ({"phases": []}, "recommender.advanced", "an Advanced job needs phases"),
    ({"instance_types": []}, "recommender.advanced", "an Advanced job needs instance_types"),
    ({"max_invocations": None, "p95_latency_threshold": None}, "recommender.advanced", "stopping conditions"),
    ({"job_name_prefix": "churn_ir"}, "recommender.job-name-prefix", "job_name_prefix"),
    ({"phases": [], "stairs": LoadStairs(duration=Duration.minutes(10), number_of_steps=5, users_per_step=4)},
     "recommender.stairs", "users_per_step"),
    ({"phases": [], "stairs": LoadStairs(duration=Duration.minutes(10), number_of_steps=0, users_per_step=1)},
     "recommender.stairs", "number_of_steps"),
    ({"job_name_prefix": "x" * 28}, "recommender.job-name-prefix", "27"),
    # s3://my-payloads/ is 17 characters: a key of 1008 makes the URI 1025 long.
    ({"payload_key": "k" * 1001 + ".tar.gz"}, "recommender.payload-url",
     "the sample payload s3://my-payloads/… would be 1025 characters long: at most 1024 are allowed"),
    ({"content_types": ["text/csv", "t" * 257]}, "recommender.content-types",
     "is 257 characters long: at most 256 are allowed"),
    ({"content_types": ["text/csv\n"]}, "recommender.content-types", "content_types[0] = 'text/csv\\n': does not match ^.*$"),
    # The package is checked as InferenceModel checks it (they used to pass and fail when the job ran).
    ({"model_package": ModelPackage.from_registry_version_arn(
        "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/0")}, "model.registry-version",
     "names version 0: registry versions start at 1"),
    ({"model_package": ModelPackage.from_registry_version_arn(
        "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn")}, "model.registry-version",
     "does not match"),
    ({"instance_types": [InstanceType.of("ml.m5.bogus")]}, "realtime.instance-type",
     "instance_types[0] = 'ml.m5.bogus': is not an instance type of SageMaker's model"),
    # ModelLatencyThreshold.ValueInMilliseconds is an integer: whole milliseconds, 32-bit.
    ({"p95_latency_threshold": Duration.millis(1.5)}, "props.whole-seconds",
     "p95_latency_threshold = '1.5 milliseconds': is not a whole number of milliseconds"),
    ({"p95_latency_threshold": Duration.days(30)}, "props.int32",
     "is 2.592e+09 milliseconds, more than the API's integer type holds (2147483647)"),
    ({"phases": [], "stairs": LoadStairs(duration=Duration.days(30_000), number_of_steps=1, users_per_step=1)},
     "props.int32", "stairs.duration"),
])
def test_each_rule_refuses_with_its_message(changes: dict[str, Any], rule: str, text: str) -> None:
    error = refused(stack(), **changes)
    assert rule in [p.constraint_id for p in error.problems], str(error)
    assert text in str(error) and "Recommender/Job" in str(error)


@pytest.mark.parametrize("changes", [
    {"instance_types": [InstanceType.M5_LARGE] * 10},
    {"job_duration": Duration.seconds(18000)},
    {"phases": [LoadPhase(initial_users=3, spawn_rate=0, duration=Duration.seconds(120))]},
    {"phases": [LoadPhase(initial_users=1, spawn_rate=1, duration=Duration.hours(1))]},
    {"job_name_prefix": "a" * 27},
    {"phases": [], "stairs": LoadStairs(duration=Duration.minutes(30), number_of_steps=20, users_per_step=3)},
    {"payload_key": "k" * 1000 + ".tar.gz"},  # the URI is 1024 characters
    {"content_types": ["t" * 256]},
    {"instance_types": [InstanceType.of("ml.m9.large")], "allow_unknown_instance_type": True},
    {"p95_latency_threshold": Duration.millis(2_147_483_647)},
    {"model_package": ModelPackage.from_registry_version_arn(
        "arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn/12")},
])
def test_the_edges_of_each_rule_are_accepted(changes: dict[str, Any]) -> None:
    job(stack(), **changes)


def test_a_created_payload_bucket_counts_as_the_shortest_name() -> None:
    """The bucket's name is a token: the URI is checked with a 3-character name, so only a key too long for
    any bucket is refused (s3://abc/ is 9 characters: 1015 fit)."""
    s = stack()
    job(s, payload_bucket=s3.Bucket(s, "Payloads"), payload_key="k" * 1008 + ".tar.gz")
    error = refused(stack(), payload_bucket=s3.Bucket(s, "More"), payload_key="k" * 1009 + ".tar.gz")
    assert "s3://<bucket>/… would be 1025 characters long even with the shortest bucket name" in str(error)
    assert "shorten payload_key to 1015 characters or fewer" in str(error)


def test_every_rule_of_the_area_has_a_failing_case_here() -> None:
    from pathlib import Path

    from cdk_sagemaker_inference.constraints import Area, by_area

    source = Path(__file__).read_text(encoding="utf-8")
    assert [row.id for row in by_area(Area.RECOMMENDER) if f'"{row.id}"' not in source] == []


def test_grant_start_execution() -> None:
    s = stack()
    recommender = job(s)
    role = iam.Role(s, "Pipeline", assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"))
    recommender.grant_start_execution(role)
    assert "states:StartExecution" in json.dumps(resources_of(template_of(s).to_json(), "AWS::IAM::Policy"))


def test_the_job_role_reads_the_payload_and_the_registry_artifacts() -> None:
    s = stack()
    job(s, model_package=ModelPackage.from_registry_version(
        "churn", 3, artifact_bucket=s3.Bucket.from_bucket_name(s, "Registry", "registry-artifacts")))
    policies = json.dumps(resources_of(template_of(s).to_json(), "AWS::IAM::Policy"))
    assert "my-payloads/churn/payload.tar.gz" in policies and "registry-artifacts" in policies


# -- AI benchmark jobs -----------------------------------------------------------------------------------------------
def benchmark(s: Stack, **changes: Any) -> Any:
    from api_baselines import _benchmark_job

    function, props = _benchmark_job(s)
    return function(s, "Benchmark", **{**props, **changes})


def test_the_benchmark_state_machine_targets_the_endpoint_and_its_components() -> None:
    s = stack()
    bench = benchmark(s)
    [machine] = resources_of(template_of(s).to_json(), "AWS::StepFunctions::StateMachine").values()
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    states = json.loads("".join(p if isinstance(p, str) else "TOKEN" for p in parts))["States"]
    create = states["CreateJob"]
    assert create["Resource"].endswith(":states:::aws-sdk:sagemaker:createAIBenchmarkJob")
    assert create["Parameters"]["BenchmarkTarget"] == {"Endpoint": {
        "Identifier": "llm-fleet", "InferenceComponents": [{"Identifier": "llama-8b"}]}}
    assert create["Parameters"]["OutputConfig"] == {"S3OutputLocation": "s3://my-benchmarks/llm"}
    assert create["Parameters"]["AIWorkloadConfigIdentifier"] == "chat-short-prompts"
    assert states["JobStatus"]["Choices"][0]["StringEquals"] == "Completed"
    policies = json.dumps(resources_of(template_of(s).to_json(), "AWS::IAM::Policy"))
    assert ":ai-benchmark-job/llm-bench-*" in policies and "iam:PassRole" in policies
    assert "sagemaker:InvokeEndpoint" in policies and "my-benchmarks/llm/*" in policies
    assert bench.job_name_prefix == "llm-bench"


def test_the_benchmark_request_is_valid_for_botocore() -> None:
    import botocore.session
    from botocore.validate import ParamValidator

    s = stack()
    benchmark(s)
    [machine] = resources_of(template_of(s).to_json(), "AWS::StepFunctions::StateMachine").values()
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    params = json.loads("".join(p if isinstance(p, str) else "TOKEN" for p in parts))["States"]["CreateJob"][
        "Parameters"]
    request = {("AIBenchmarkJobName" if k == "AIBenchmarkJobName.$" else k): v for k, v in params.items()}
    request |= {"AIBenchmarkJobName": "llm-bench-0b8f0c42-5b1e-4d7a-9d5e-2f1f6f0c9a11",
                "RoleArn": "arn:aws:iam::123456789012:role/bench"}
    model = botocore.session.get_session().get_service_model("sagemaker")
    report = ParamValidator().validate(request, model.operation_model("CreateAIBenchmarkJob").input_shape)
    assert not report.has_errors(), report.generate_report()


def test_the_benchmark_lints_and_is_nag_clean() -> None:
    """The construct's own resources are clean; the grants to the caller's role (the write under the output
    prefix) are the caller's to acknowledge, so they are not part of this check."""
    s = stack()
    bench = benchmark(s)
    assert cfn_lint_errors(template_of(s).to_json()) == []
    assert nag_findings(bench) == []


@pytest.mark.parametrize(("changes", "rule", "text"), [
    ({"workload_config": "-bad"}, "benchmark.workload-config", "workload_config"),
    ({"workload_config": "x" * 257}, "benchmark.workload-config", "256"),
    ({"job_name_prefix": "x" * 27}, "benchmark.job-name-prefix", "26"),
    ({"job_name_prefix": "llm_bench"}, "benchmark.job-name-prefix", "job_name_prefix"),
    # s3://my-benchmarks/ is 19 characters: a prefix of 1006 makes the URI 1025 long.
    ({"output_prefix": "p" * 1006}, "benchmark.output-location",
     "the results location s3://my-benchmarks/… would be 1025 characters long: at most 1024 are allowed"),
])
def test_each_benchmark_rule_refuses_with_its_message(changes: dict[str, Any], rule: str, text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        benchmark(stack(), **changes)
    assert rule in [p.constraint_id for p in caught.value.problems] and text in str(caught.value)


@pytest.mark.parametrize("changes", [
    {"workload_config": "arn:aws:sagemaker:us-east-1:123456789012:ai-workload-config/chat"},
    {"job_name_prefix": "a" * 26}, {"inference_components": [], "output_prefix": ""},
    {"output_prefix": "p" * 1005 + "/"}])
def test_the_benchmark_rules_accept_their_edges(changes: dict[str, Any]) -> None:
    benchmark(stack(), **changes)


def test_stairs_render_as_a_stairs_traffic_pattern() -> None:
    s = stack()
    job(s, phases=[], stairs=LoadStairs(duration=Duration.minutes(20), number_of_steps=4, users_per_step=2))
    pattern = definition(s)["States"]["CreateJob"]["Parameters"]["InputConfig"]["TrafficPattern"]
    assert pattern == {"TrafficType": "STAIRS", "Stairs": {"DurationInSeconds": 1200, "NumberOfSteps": 4,
                                                           "UsersPerStep": 2}}
    with pytest.raises(ValidationError, match="give phases or stairs, not both"):
        job(stack(), stairs=LoadStairs(duration=Duration.minutes(20), number_of_steps=4, users_per_step=2))
