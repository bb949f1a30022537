"""Autoscaling that survives a deploy: autoscaled endpoints retain their running instance counts on
update (RetainAllVariantProperties, weights and data capture excluded), and the migration guard reports
an update that would reset a scaled fleet or a count change that retention keeps from applying.

The emulator has no UpdateEndpoint semantics (it neither resets nor retains counts), so what an update
does is asserted on the templates and the guard's verdicts here; the example app's autoscaled endpoints
deploy these properties to the emulator in tests/test_deploy.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_s3 as s3

from cdk_sagemaker_inference import (
    AsyncEndpoint,
    ContainerImage,
    InferenceModel,
    InstanceScaling,
    InstanceType,
    ModelData,
    ProductionVariant,
    RealtimeEndpoint,
    ServerlessEndpoint,
    UnsafeChange,
    find_unsafe_changes,
)
from helpers import new_stack, resources_of, template_of

RETAINED = {"RetainAllVariantProperties": True, "ExcludeRetainedVariantProperties": [
    {"VariantPropertyType": "DesiredWeight"}, {"VariantPropertyType": "DataCaptureConfig"}]}
IMAGE = ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311")


def model(stack: Stack, construct_id: str = "Model") -> InferenceModel:
    bucket = s3.Bucket.from_bucket_name(stack, f"{construct_id}Bucket", "my-models")
    return InferenceModel(stack, construct_id, image=IMAGE, model_data=ModelData.from_bucket(bucket, "m/model.tar.gz"))


def endpoint_props(stack: Stack) -> dict[str, Any]:
    [endpoint] = resources_of(template_of(stack).to_json(), "AWS::SageMaker::Endpoint").values()
    return dict(endpoint["Properties"])


def retention(stack: Stack) -> dict[str, Any]:
    return {k: v for k, v in endpoint_props(stack).items() if k in RETAINED}


def realtime_stack(*, count: int = 2, scaled: bool = True, **props: Any) -> Stack:
    stack = new_stack(App())
    RealtimeEndpoint(stack, "Endpoint", model=model(stack), instance_type=InstanceType.M5_LARGE, instance_count=count,
                     endpoint_name="orders",
                     autoscaling=InstanceScaling(min_capacity=2, max_capacity=8, target_invocations_per_instance=100) if scaled else None, **props)
    return stack


def test_an_autoscaled_realtime_endpoint_retains_its_counts() -> None:
    assert retention(realtime_stack()) == RETAINED


def test_a_fixed_fleet_does_not_retain_so_a_new_count_applies() -> None:
    assert retention(realtime_stack(scaled=False)) == {}


@pytest.mark.parametrize(("scaled", "retain", "expected"), [(True, False, {}), (False, True, RETAINED)])
def test_retain_scaled_capacity_overrides_the_default(scaled: bool, retain: bool, expected: dict[str, Any]) -> None:
    assert retention(realtime_stack(scaled=scaled, retain_scaled_capacity=retain)) == expected


def test_an_autoscaled_variant_among_fixed_ones_retains_the_endpoint() -> None:
    stack = new_stack()
    RealtimeEndpoint(stack, "Endpoint", variants=[
        ProductionVariant(variant_name="A", model=model(stack, "A"), instance_type=InstanceType.M5_LARGE,
                          autoscaling=InstanceScaling(min_capacity=2, max_capacity=4, target_invocations_per_instance=100)),
        ProductionVariant(variant_name="B", model=model(stack, "B"), instance_type=InstanceType.M5_LARGE)])
    assert retention(stack) == RETAINED


def test_an_autoscaled_async_endpoint_retains_its_counts() -> None:
    stack = new_stack()
    AsyncEndpoint(stack, "Endpoint", model=model(stack), instance_type=InstanceType.M5_LARGE, min_instances=0)
    assert retention(stack) == RETAINED
    fixed = new_stack()
    AsyncEndpoint(fixed, "Endpoint", model=model(fixed), instance_type=InstanceType.M5_LARGE)
    assert retention(fixed) == {}


def test_serverless_endpoints_have_no_instance_counts_to_retain() -> None:
    stack = new_stack()
    ServerlessEndpoint(stack, "Endpoint", model=model(stack), memory_size_mb=2048, max_concurrency=5)
    assert retention(stack) == {}


# ------------------------------------------------------------------ the guard on the constructs' templates
def test_the_guard_reports_a_count_change_that_retention_keeps_from_applying() -> None:
    before, after = realtime_stack(count=2), realtime_stack(count=4)
    [finding] = find_unsafe_changes(template_of(before).to_json(), template_of(after).to_json(), stack="Svc")
    assert finding.change is UnsafeChange.RETAINED_COUNT_CHANGE
    assert "AllTraffic (2 -> 4) is not applied" in finding.why


def test_the_escape_hatch_applies_a_new_count_and_the_guard_says_what_it_costs() -> None:
    before = realtime_stack(count=2)
    after = realtime_stack(count=4, retain_scaled_capacity=False)
    [finding] = find_unsafe_changes(template_of(before).to_json(), template_of(after).to_json(), stack="Svc")
    assert finding.change is UnsafeChange.SCALED_FLEET_RESET
    assert "restart at their initial instance count" in finding.why


def test_an_unchanged_endpoint_is_not_reported() -> None:
    assert find_unsafe_changes(template_of(realtime_stack()).to_json(), template_of(realtime_stack()).to_json()) == []


def test_a_new_model_behind_the_same_config_properties_is_an_update_too() -> None:
    """The config names its model by Fn::GetAtt, so a new image leaves the config's own properties as
    they were; CloudFormation still replaces the config and updates the endpoint."""
    def stack_with(tag: str) -> Stack:
        stack = new_stack(App())
        model = InferenceModel(stack, "Model", image=ContainerImage.from_uri(f"111122223333.dkr.ecr.us-east-1.amazonaws.com/churn:{tag}"))
        RealtimeEndpoint(stack, "Endpoint", model=model, instance_type=InstanceType.M5_LARGE, instance_count=2,
                         endpoint_name="orders", retain_scaled_capacity=False,
                         autoscaling=InstanceScaling(min_capacity=2, max_capacity=8, target_invocations_per_instance=100))
        return stack

    [finding] = find_unsafe_changes(template_of(stack_with("1")).to_json(), template_of(stack_with("2")).to_json())
    assert finding.change is UnsafeChange.SCALED_FLEET_RESET
    assert find_unsafe_changes(template_of(stack_with("1")).to_json(), template_of(stack_with("1")).to_json()) == []
