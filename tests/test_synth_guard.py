"""The migration guard at synth time (baseline by context) and acknowledgments in the template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App
from aws_cdk import aws_s3 as s3

from cdk_sagemaker_inference import (
    BASELINE_CONTEXT,
    ContainerImage,
    InferenceModel,
    InstanceType,
    ModelData,
    RealtimeEndpoint,
    ServerlessEndpoint,
    UnsafeChange,
    ValidationError,
    acknowledge_unsafe_change,
)
from cdk_sagemaker_inference.migration import METADATA_KEY
from helpers import CDK_CONTEXT, new_app, new_stack


def build(app: App, **endpoint: Any) -> ServerlessEndpoint:
    stack = new_stack(app, "Svc")
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    model = InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
                           model_data=ModelData.from_bucket(bucket, "m/model.tar.gz"))
    props: dict[str, Any] = {"memory_size_mb": 2048, "max_concurrency": 5, "endpoint_name": "orders"}
    props.update(endpoint)
    return ServerlessEndpoint(stack, "Orders", model=model, **props)


def baseline_assembly(tmp_path: Path, **endpoint: Any) -> Path:
    out = tmp_path / "baseline.out"
    app = App(outdir=str(out), context=CDK_CONTEXT)
    build(app, **endpoint)
    app.synth()
    return out


def test_synth_passes_when_nothing_unsafe_changed(tmp_path: Path) -> None:
    baseline = baseline_assembly(tmp_path)
    app = new_app(**{BASELINE_CONTEXT: str(baseline)})
    build(app)
    assert app.synth().get_stack_by_name("Svc").template["Resources"]


def test_synth_fails_when_instance_based_becomes_serverless(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    baseline_app = App(outdir=str(tmp_path / "baseline.out"), context=CDK_CONTEXT)
    stack = new_stack(baseline_app, "Svc")
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    model = InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
                           model_data=ModelData.from_bucket(bucket, "m/model.tar.gz"))
    RealtimeEndpoint(stack, "Orders", model=model, endpoint_name="orders", instance_type=InstanceType.M5_LARGE,
                     instance_count=2)
    baseline_app.synth()
    baseline = tmp_path / "baseline.out"
    app = new_app(**{BASELINE_CONTEXT: str(baseline)})
    build(app)
    text = failed_synth(app, capfd)
    assert "FATAL endpoint Svc/orders (Orders" in text and "realtime -> serverless" in text
    assert "SageMaker rejects updating an instance-based endpoint" in text
    assert "new construct id and a new endpoint_name" in text


def test_synth_fails_when_endpoint_name_changes(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    baseline = baseline_assembly(tmp_path)
    app = new_app(**{BASELINE_CONTEXT: str(baseline)})
    build(app, endpoint_name="orders-v2")
    assert "'orders' -> 'orders-v2'" in failed_synth(app, capfd)


def test_acknowledged_name_change_synthesizes_and_is_recorded(tmp_path: Path) -> None:
    baseline = baseline_assembly(tmp_path)
    app = new_app(**{BASELINE_CONTEXT: str(baseline)})
    endpoint = build(app, endpoint_name="orders-v2")
    acknowledge_unsafe_change(endpoint, UnsafeChange.ENDPOINT_NAME_CHANGED, previous_name="orders",
                              reason="planned cut-over")
    template = app.synth().get_stack_by_name("Svc").template
    (entry,) = template["Metadata"][METADATA_KEY]["acknowledged"]
    assert entry == {"endpoint": template_logical_id(template), "change": "endpoint-name-changed",
                     "reason": "planned cut-over", "previous_name": "orders", "endpoint_name": "orders-v2"}


def template_logical_id(template: dict[str, Any]) -> str:
    (logical_id,) = [k for k, v in template["Resources"].items() if v["Type"] == "AWS::SageMaker::Endpoint"]
    return logical_id


def test_refuses_to_acknowledge_what_sagemaker_refuses() -> None:
    endpoint = build(new_app())
    with pytest.raises(ValidationError) as caught:
        acknowledge_unsafe_change(endpoint, UnsafeChange.INSTANCE_TO_SERVERLESS, reason="please")
    assert "change = <UnsafeChange.INSTANCE_TO_SERVERLESS" in str(caught.value)
    assert "SageMaker itself refuses it" in str(caught.value)


def test_acknowledging_needs_a_reason() -> None:
    endpoint = build(new_app())
    with pytest.raises(ValidationError, match="reason = '': is required"):
        acknowledge_unsafe_change(endpoint, UnsafeChange.ENDPOINT_REMOVED, reason="")


def test_missing_baseline_is_refused_at_once(tmp_path: Path) -> None:
    app = new_app(**{BASELINE_CONTEXT: str(tmp_path / "missing.out")})
    with pytest.raises(ValidationError) as caught:
        build(app)
    assert "names no cloud assembly directory or template file" in str(caught.value)
    assert BASELINE_CONTEXT in str(caught.value)


def failed_synth(app: App, capfd: pytest.CaptureFixture[str]) -> str:
    """Synthesize, expect the validation failure; the report (message and console output) as text."""
    with pytest.raises(RuntimeError, match="ValidationFailed") as caught:
        app.synth()
    captured = capfd.readouterr()
    return str(caught.value) + captured.out + captured.err


def test_an_app_with_only_an_endpoint_on_an_existing_config_runs_the_guard(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """Every endpoint the app creates registers the synth-time guard, also one on a config made elsewhere."""
    from cdk_sagemaker_inference import Endpoint

    out = tmp_path / "baseline.out"
    baseline_app = App(outdir=str(out), context=CDK_CONTEXT)
    Endpoint.on_endpoint_config(new_stack(baseline_app, "Svc"), "Orders", "orders-config", endpoint_name="orders")
    baseline_app.synth()
    app = new_app(**{BASELINE_CONTEXT: str(out)})
    Endpoint.on_endpoint_config(new_stack(app, "Svc"), "Orders", "orders-config", endpoint_name="orders-v2")
    text = failed_synth(app, capfd)
    assert "'orders' -> 'orders-v2'" in text and "unknown" in text


@pytest.mark.parametrize("inside", ["", "Svc.template.json"])
def test_a_baseline_in_the_synth_output_directory_is_refused_before_anything_is_written(
        tmp_path: Path, inside: str) -> None:
    """The app writes its templates into its output directory before the guard reads the baseline: a
    baseline there (`cdk synth -c ...baseline=cdk.out`, the obvious value) was the new assembly itself,
    and the guard answered "safe" for a real-time -> serverless change (found by review)."""
    out = baseline_assembly(tmp_path)  # a real previous assembly: the refusal does not depend on its content
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    app = App(outdir=str(out), context={**CDK_CONTEXT, BASELINE_CONTEXT: str(out / inside) if inside else str(out)})
    with pytest.raises(ValidationError) as caught:
        build(app, endpoint_name="orders-v2")
    text = str(caught.value)
    assert "is this synth's own output directory" in text and "nothing would be compared" in text
    assert "cp -r cdk.out cdk.out.baseline" in text
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before  # nothing was written
    # Elsewhere it compares, and finds the change.
    other = App(outdir=str(tmp_path / "other.out"), context={**CDK_CONTEXT, BASELINE_CONTEXT: str(out)})
    build(other, endpoint_name="orders-v2")
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        other.synth()
