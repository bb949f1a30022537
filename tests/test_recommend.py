"""Recommendation jobs into the app: ``recommend import`` against botocore ``Stubber`` responses (validated
against the service model), the context round trip (import → synth → the variant and scaling in the
template), the refusals a recommendation still meets, and the measured figures in ``cost``."""

from __future__ import annotations

import contextlib
import datetime
import io
import json
from argparse import Namespace
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from aws_cdk import App, Environment, Stack
from botocore.stub import Stubber

from api_baselines import RECOMMENDATION, with_recommendation
from api_baselines import model as cpu_model
from cdk_sagemaker_inference import Recommendation, ValidationError
from cdk_sagemaker_inference.recommend.cli import run
from helpers import CDK_CONTEXT, resources_of, template_of

JOB = "churn-ir"
ARN = f"arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/{JOB}"
ROLE = "arn:aws:iam::123456789012:role/recommender"
NOW = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)


def sagemaker() -> tuple[Any, Stubber]:
    client = botocore.session.get_session().create_client(
        "sagemaker", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    stubber = Stubber(client)
    stubber.activate()
    return client, stubber


def recommendation(rid: str, instance_type: str, count: int, cost_per_inference: float,
                   serverless: dict[str, int] | None = None) -> dict[str, Any]:
    configuration: dict[str, Any] = {"EndpointName": f"ep-{rid}", "VariantName": "AllTraffic"}
    if serverless:
        configuration["ServerlessConfig"] = serverless
    else:
        configuration |= {"InstanceType": instance_type, "InitialInstanceCount": count}
    return {"RecommendationId": rid, "EndpointConfiguration": configuration,
            "Metrics": {"CostPerHour": 0.23 * count, "CostPerInference": cost_per_inference, "MaxInvocations": 1200,
                        "ModelLatency": 35},
            "ModelConfiguration": {"EnvironmentParameters": [{"Key": "OMP_NUM_THREADS", "ValueType": "string",
                                                              "Value": "2"}]}}


def job(status: str = "COMPLETED", recommendations: list[dict[str, Any]] | None = None,
        failure: str | None = None) -> dict[str, Any]:
    described: dict[str, Any] = {
        "JobName": JOB, "JobType": "Default", "JobArn": ARN, "RoleArn": ROLE, "Status": status, "CreationTime": NOW,
        "LastModifiedTime": NOW, "InputConfig": {"ModelPackageVersionArn":
                                                 "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3"}}
    if status == "COMPLETED":
        described["CompletionTime"] = NOW
    if recommendations is not None:
        described["InferenceRecommendations"] = recommendations
    if failure:
        described["FailureReason"] = failure
    return described


def scaling_answer(rid: str) -> dict[str, Any]:
    return {"InferenceRecommendationsJobName": JOB, "RecommendationId": rid,
            "ScalingPolicyObjective": {"MinInvocationsPerMinute": 100, "MaxInvocationsPerMinute": 3000},
            "Metric": {"InvocationsPerInstance": 600, "ModelLatency": 35},
            "DynamicScalingConfiguration": {
                "MinCapacity": 1, "MaxCapacity": 5, "ScaleInCooldown": 300, "ScaleOutCooldown": 60,
                "ScalingPolicies": [{"TargetTracking": {
                    "MetricSpecification": {"Predefined": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}},
                    "TargetValue": 600.0}}]}}


def import_job(client: Any, context: Path, *extra: str, kind: str = "inference-recommender") -> tuple[int, str]:
    objective = kind == "inference-recommender"
    args: dict[str, Any] = {"job": JOB, "kind": kind, "recommendation": None,
                            "min_invocations_per_minute": 100 if objective else None,
                            "max_invocations_per_minute": 3000 if objective else None, "context_file": str(context), "region": None,
                            "profile": None, "json": "--json" in extra}
    if "--recommendation" in extra:
        args["recommendation"] = extra[extra.index("--recommendation") + 1]
    out, err = io.StringIO(), io.StringIO()
    code = run(Namespace(**args), out=out, err=err, client_factory=lambda: client)
    return code, out.getvalue() + err.getvalue()


def test_import_picks_the_lowest_cost_per_inference_with_its_scaling_and_merges_the_context(tmp_path: Path) -> None:
    client, stubber = sagemaker()
    stubber.add_response("describe_inference_recommendations_job", job(recommendations=[
        recommendation("r-big", "ml.c5.2xlarge", 1, 0.00004), recommendation("r-cheap", "ml.m5.xlarge", 2, 0.00002)]),
        {"JobName": JOB})
    stubber.add_response("get_scaling_configuration_recommendation", scaling_answer("r-cheap"), {
        "InferenceRecommendationsJobName": JOB, "RecommendationId": "r-cheap",
        "ScalingPolicyObjective": {"MinInvocationsPerMinute": 100, "MaxInvocationsPerMinute": 3000}})
    context = tmp_path / "cdk.context.json"
    context.write_text(json.dumps({"availability-zones:account=1:region=us-east-1": ["us-east-1a"]}))
    code, out = import_job(client, context)
    stubber.assert_no_pending_responses()
    assert code == 0 and "2 × ml.m5.xlarge" in out
    stored = json.loads(context.read_text())
    assert "availability-zones:account=1:region=us-east-1" in stored  # the CDK's own lookups are kept
    entry = stored[f"cdk-sagemaker-inference:recommendation:{JOB}"]
    assert entry["recommendation_id"] == "r-cheap" and entry["endpoint"]["instance_type"] == "ml.m5.xlarge"
    assert entry["scaling"]["target_invocations_per_instance"] == 600.0
    assert entry["metrics"]["cost_per_inference"] == 0.00002


@pytest.mark.parametrize(("described", "text"), [
    (job("IN_PROGRESS"), "is IN_PROGRESS: wait until it completes"),
    (job("FAILED", failure="ResourceLimitExceeded: ml.g5.xlarge for endpoint usage"),
     "is FAILED: ResourceLimitExceeded: ml.g5.xlarge for endpoint usage: run a new job"),
    (job(recommendations=None), "completed without recommendations"),  # the list has min 1: absent
])
def test_a_job_that_cannot_be_imported_is_exit_2_with_the_reason(described: dict[str, Any], text: str,
                                                                 tmp_path: Path) -> None:
    client, stubber = sagemaker()
    stubber.add_response("describe_inference_recommendations_job", described)
    code, out = import_job(client, tmp_path / "cdk.context.json")
    assert code == 2 and text in out
    assert not (tmp_path / "cdk.context.json").exists()


def test_an_unknown_recommendation_id_or_job_is_exit_2(tmp_path: Path) -> None:
    client, stubber = sagemaker()
    stubber.add_response("describe_inference_recommendations_job", job(recommendations=[
        recommendation("r-1", "ml.m5.xlarge", 1, 0.1)]))
    code, out = import_job(client, tmp_path / "c.json", "--recommendation", "r-9")
    assert code == 2 and "has no recommendation r-9 (it has: r-1)" in out
    client, stubber = sagemaker()
    stubber.add_client_error("describe_inference_recommendations_job", "ResourceNotFound", "Job not found")
    code, out = import_job(client, tmp_path / "c.json")
    assert code == 2 and "could not read job" in out and "ResourceNotFound" in out


def test_an_ai_recommendation_job_imports_its_deployment_configuration(tmp_path: Path) -> None:
    client, stubber = sagemaker()
    stubber.add_response("describe_ai_recommendation_job", {
        "AIRecommendationJobName": JOB, "AIRecommendationJobArn": ARN.replace("inference-recommendations", "ai-recommendation"),
        "AIRecommendationJobStatus": "Completed", "ModelSource": {"S3": {"S3Uri": "s3://models/llm/"}},
        "OutputConfig": {"S3OutputLocation": "s3://models/out/"}, "AIWorkloadConfigIdentifier": "chat",
        "RoleArn": ROLE, "CreationTime": NOW, "EndTime": NOW,
        "Recommendations": [{"DeploymentConfiguration": {"InstanceType": "ml.g5.12xlarge", "InstanceCount": 1,
                                                         "CopyCountPerInstance": 2,
                                                         "EnvironmentVariables": {"OPTION_TENSOR_PARALLEL_DEGREE": "2"}},
                             "ExpectedPerformance": [{"Metric": "ttft-ms", "Stat": "p50", "Value": "180", "Unit": "ms"}]}]},
        {"AIRecommendationJobName": JOB})
    code, out = import_job(client, tmp_path / "cdk.context.json", "--json", kind="ai-recommendation")
    entry = json.loads(out)
    assert code == 0
    assert entry["endpoint"]["instance_type"] == "ml.g5.12xlarge" and entry["endpoint"]["copies_per_instance"] == 2
    assert entry["metrics"]["expected"][0]["Metric"] == "ttft-ms"


# -- synth from the context ----------------------------------------------------------------------------------------
def test_the_round_trip_puts_the_recommended_type_count_and_scaling_in_the_template(tmp_path: Path) -> None:
    client, stubber = sagemaker()
    stubber.add_response("describe_inference_recommendations_job", job(recommendations=[
        recommendation("r-cheap", "ml.m5.xlarge", 2, 0.00002)]))
    stubber.add_response("get_scaling_configuration_recommendation", scaling_answer("r-cheap"))
    context = tmp_path / "cdk.context.json"
    assert import_job(client, context)[0] == 0
    app = App(context={**CDK_CONTEXT, **json.loads(context.read_text())})
    stack = Stack(app, "Recommended", env=Environment(account="123456789012", region="us-east-1"))
    rec = Recommendation.from_context(stack, JOB)
    assert rec.environment == {"OMP_NUM_THREADS": "2"}
    rec.realtime_endpoint(stack, "Endpoint", model=cpu_model(stack))
    template = template_of(stack).to_json()
    [config] = resources_of(template, "AWS::SageMaker::EndpointConfig").values()
    variant = config["Properties"]["ProductionVariants"][0]
    assert (variant["InstanceType"], variant["InitialInstanceCount"]) == ("ml.m5.xlarge", 2)
    [target] = resources_of(template, "AWS::ApplicationAutoScaling::ScalableTarget").values()
    assert (target["Properties"]["MinCapacity"], target["Properties"]["MaxCapacity"]) == (1, 5)
    [policy] = resources_of(template, "AWS::ApplicationAutoScaling::ScalingPolicy").values()
    tracking = policy["Properties"]["TargetTrackingScalingPolicyConfiguration"]
    assert (tracking["TargetValue"], tracking["ScaleInCooldown"], tracking["ScaleOutCooldown"]) == (600, 300, 60)
    [endpoint] = resources_of(template, "AWS::SageMaker::Endpoint").values()
    assert endpoint["Metadata"]["cdk-sagemaker-inference:measured"]["job"] == JOB


def test_props_given_win_over_the_recommendation() -> None:
    from helpers import new_stack

    stack = new_stack()
    rec = Recommendation.from_context(with_recommendation(stack), "my-job")
    rec.realtime_endpoint(stack, "Endpoint", model=cpu_model(stack), instance_count=3, autoscaling=None)
    [config] = resources_of(template_of(stack).to_json(), "AWS::SageMaker::EndpointConfig").values()
    assert config["Properties"]["ProductionVariants"][0]["InitialInstanceCount"] == 3


def test_a_missing_entry_names_the_command_to_run() -> None:
    from helpers import new_stack

    with pytest.raises(ValidationError) as caught:
        Recommendation.from_context(new_stack(), "not-imported")
    assert "cdk-sagemaker-inference recommend import not-imported" in str(caught.value)
    assert "props.recommendation" in str(caught.value)


@pytest.mark.parametrize(("endpoint", "text"), [
    ({"instance_type": None, "serverless": None}, "neither an instance type nor a serverless configuration"),
    ({"instance_type": "ml.m5.xlarge", "instance_count": "2"}, "is not a whole number"),
    ({"instance_type": 5}, "instance_type = 5: is not a string"),
])
def test_a_malformed_entry_is_refused_with_the_reimport_command(endpoint: dict[str, Any], text: str) -> None:
    from helpers import new_stack

    stack = new_stack()
    with pytest.raises(ValidationError, match=text) as caught:
        Recommendation.from_context(with_recommendation(stack, {**RECOMMENDATION, "endpoint": endpoint}), "my-job")
    assert "recommend import my-job" in str(caught.value)


def test_a_recommendation_sagemaker_would_refuse_is_still_refused() -> None:
    from helpers import new_stack

    stack = new_stack()
    bogus = {**RECOMMENDATION, "endpoint": {**RECOMMENDATION["endpoint"], "instance_type": "ml.bogus.xlarge"}}
    rec = Recommendation.from_context(with_recommendation(stack, bogus), "my-job")
    with pytest.raises(ValidationError, match=r"ml\.bogus\.xlarge"):
        rec.realtime_endpoint(stack, "Endpoint", model=cpu_model(stack))
    serverless = {**RECOMMENDATION, "endpoint": {"serverless": {"memory_size_mb": 1500, "max_concurrency": 10}}}
    rec = Recommendation.from_context(with_recommendation(stack, serverless), "my-job")
    with pytest.raises(ValidationError, match="1500"):
        rec.serverless_endpoint(stack, "Serverless", model=cpu_model(stack, "M2"))
    with pytest.raises(ValidationError, match="use serverless_endpoint"):
        rec.realtime_endpoint(stack, "Wrong", model=cpu_model(stack, "M3"))


def test_cost_says_the_figures_are_measured(tmp_path: Path) -> None:
    from cdk_sagemaker_inference.assembly import read_assembly
    from cdk_sagemaker_inference.cost import Usage, estimate
    from cdk_sagemaker_inference.cost.prices import PriceTable

    app = App(outdir=str(tmp_path), context={**CDK_CONTEXT, "aws:cdk:enable-path-metadata": True})
    stack = Stack(app, "Measured", env=Environment(account="123456789012", region="us-east-1"))
    Recommendation.from_context(with_recommendation(stack), "my-job").realtime_endpoint(
        stack, "Endpoint", model=cpu_model(stack))
    [row] = estimate(read_assembly(app.synth().directory), PriceTable(),
                     usage={"Measured/Endpoint": Usage(requests_per_month=100_000_000)})
    assert row.measured is not None and row.measured["max_invocations_per_minute"] == 900
    assert any("measured by inference-recommender job my-job" in n for n in row.notes)
    assert row.usage is not None
    # 1e8 requests a month = 38.05 a second; the job measured 900 a minute (15 a second) per instance: 3 instances
    assert (row.usage["fleet_needed"], row.usage["throughput_source"]) == (3, "measured by job my-job")


def test_advise_uses_the_measured_figures_of_an_imported_job(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from cdk_sagemaker_inference.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "cdk.context.json").write_text(json.dumps({"cdk-sagemaker-inference:recommendation:my-job":
                                                           RECOMMENDATION}))
    argv = ["advise", "--payload-mb", "1", "--processing-seconds", "0.2", "--latency", "interactive", "--traffic",
            "sustained", "--requests-per-month", "100000000", "--recommendation", "my-job"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    # 1e8 requests a month = 38.05 a second; measured 900 a minute = 15 a second per instance → 3 instances,
    # 3 × 730 h × $0.50 measured per hour
    assert "the traffic needs 3 instance(s) at 15 requests a second each (measured by job my-job)" in out
    assert "that fleet costs $1,095.00 a month at the measured cost per hour" in out
    assert "measured by inference-recommender job my-job" in out
    assert main([*argv[:-1], "not-imported"]) == 2
    assert "recommend import not-imported" in capsys.readouterr().err


def test_an_older_boto3_without_the_operation_says_to_upgrade(tmp_path: Path) -> None:
    class OldClient:  # boto3 before AI recommendation jobs: the method does not exist
        pass

    code, out = import_job(OldClient(), tmp_path / "c.json", kind="ai-recommendation")
    assert code == 2 and "pip install --upgrade boto3" in out


def _leaf_paths(entry: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every key path of a context entry, objects and leaves alike."""
    if not isinstance(entry, dict):
        return [path]
    return [path] * bool(path) + [p for key, value in entry.items() for p in _leaf_paths(value, (*path, key))]


def _replaced(entry: Any, path: tuple[str, ...], value: Any) -> Any:
    if not path:
        return value
    return {**entry, path[0]: _replaced(entry[path[0]], path[1:], value)}


_SERVERLESS_ENTRY = {**RECOMMENDATION, "endpoint": {"instance_type": None, "environment": {"A": "1"}, "serverless": {
    "memory_size_mb": 2048, "max_concurrency": 5, "provisioned_concurrency": 1}}, "scaling": None}
# No NaN: the context reaches node as JSON (cdk.context.json is JSON, which has none).
_WRONG = (("str", "x"), ("list", [1]), ("object", {"k": [1]}), ("negative", -5), ("fraction", 1.5),
          ("bool", True), ("null", None), ("huge", 10**30))


@pytest.mark.parametrize("base", [RECOMMENDATION, _SERVERLESS_ENTRY], ids=["instance", "serverless"])
def test_a_hand_edited_entry_is_a_validation_error_whatever_its_shape(base: dict[str, Any]) -> None:
    """Found by review: an entry with a field of the wrong shape (scaling a list, a negative cooldown,
    environment a string, …) escaped as a raw AttributeError, TypeError, ValueError or jsii RuntimeError.
    Every field of an entry, replaced by every wrong kind of value: the entry builds its endpoint or is
    refused with a ValidationError, and nothing else."""
    from helpers import new_stack

    stack = new_stack()
    walked, raw = 0, []
    for path in _leaf_paths(base):
        for label, value in _WRONG:
            walked += 1
            entry = _replaced(base, path, value)
            try:
                rec = Recommendation.from_context(with_recommendation(stack, entry), "my-job")
                build = rec.serverless_endpoint if rec.memory_size_mb is not None else rec.realtime_endpoint
                build(stack, f"E{walked}", model=cpu_model(stack, f"M{walked}"))
            except ValidationError:
                continue
            except Exception as error:  # the point: nothing but a ValidationError escapes
                raw.append(f"{'.'.join(path)} ({label}): {type(error).__name__}: {str(error)[:120]}")
    assert walked > 80
    assert raw == [], "\n".join(raw)


@pytest.mark.parametrize(("field", "value", "text"), [
    ("scaling", [1, 2], "my-job.scaling = [1, 2]: is not an object"),
    ("scaling.scale_in_cooldown_seconds", -5, "is not a whole number of seconds ≥ 0"),
    ("endpoint.environment", "OMP=2", "is not an object of names to strings or numbers"),
    ("metrics", [1], "my-job.metrics = [1]: is not an object"),
    ("endpoint.serverless.memory_size_mb", "2048", "is not a whole number"),
])
def test_a_malformed_field_is_named_with_the_reimport_command(field: str, value: Any, text: str) -> None:
    from helpers import new_stack

    entry = _replaced(RECOMMENDATION if not field.startswith("endpoint.serverless") else _SERVERLESS_ENTRY,
                      tuple(field.split(".")), value)
    with pytest.raises(ValidationError) as caught:
        Recommendation.from_context(with_recommendation(new_stack(), entry), "my-job")
    assert text in str(caught.value) and "recommend import my-job" in str(caught.value)
    assert caught.value.problems[0].field == f"my-job.{field}"


def test_what_needs_no_aws_call_is_checked_first_and_errors_are_json_when_asked(tmp_path: Path) -> None:
    """Found by review: with --json a failure printed no JSON; a context file that is a directory was blamed
    on the job, after the job was read; --recommendation abc for an AI job was a raw int() message."""
    client, stubber = sagemaker()  # no response stubbed: none of these may call the service
    (tmp_path / "dir.json").mkdir()
    cases = [
        ((tmp_path / "dir.json", "--json"), "cannot read the context file"),
        ((tmp_path / "c.json", "--json", "--recommendation", "abc"), "chosen by its index in the job's list"),
    ]
    for (context, *extra), text in cases:
        kind = "ai-recommendation" if "--recommendation" in extra else "inference-recommender"
        code, out = import_job(client, context, *extra, kind=kind)
        assert code == 2 and text in out, out
        report = json.loads(out[:out.index("\n}") + 2])
        assert report["exit_code"] == 2 and text in report["error"]
    stubber.assert_no_pending_responses()


def test_advise_refuses_an_edited_recommendation_naming_the_field(tmp_path: Path) -> None:
    """Found by review: `advise --recommendation` on an entry whose metrics is a list (or whose figures
    overflow) raised a raw TypeError or OverflowError."""
    from cdk_sagemaker_inference.cli import main

    context = tmp_path / "cdk.context.json"
    argv = ["advise", "--payload-mb", "2", "--processing-seconds", "5", "--latency", "interactive", "--traffic",
            "sustained", "--region", "us-east-1", "--requests-per-month", "1000000", "--recommendation", "j",
            "--context-file", str(context), "--json"]
    for metrics, text in (([1, 2], "metrics = [1, 2] is not an object"),
                          ({"cost_per_hour": -1}, "metrics.cost_per_hour = -1 is not a finite number ≥ 0")):
        context.write_text(json.dumps({"cdk-sagemaker-inference:recommendation:j": {**RECOMMENDATION,
                                                                                      "metrics": metrics}}))
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
        assert code == 2 and text in err.getvalue() and "recommend import j" in err.getvalue(), err.getvalue()
    context.write_text("[1]")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(argv) == 2
    assert "cdk.context.json is not a JSON object" in err.getvalue()
