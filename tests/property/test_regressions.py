"""Regression tests for bugs the property tests found: each raised something other than a
ValidationError (or synthesized what SageMaker refuses) before its fix."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3

from cdk_sagemaker_inference import (
    ContainerDefinition,
    ContainerImage,
    InferenceModel,
    ModelData,
    ValidationError,
)
from helpers import new_stack

IMAGE_URI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/infer:2.0-cpu-py311"


def refused(**props: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        InferenceModel(new_stack(), "Model", **props)
    return caught.value


def test_environment_key_of_the_wrong_type_is_a_validation_error() -> None:
    # Was: AttributeError 'int' object has no attribute 'encode' (the size total read key.encode()).
    error = refused(image=ContainerImage.from_uri(IMAGE_URI), environment={7: "v"})
    assert error.fields == ("environment[7]",)
    assert "environment[7] = 7: must be str, got int" in str(error)


def _image() -> ContainerImage:
    return ContainerImage.from_uri(IMAGE_URI)


@pytest.mark.parametrize(("field", "wrong", "name"), [
    ("mode", "MultiModel", "containers[0].mode"),
    ("repository_access_mode", "Vpc", "containers[0].repository_access_mode"),
    ("container_hostname", 5, "containers[0].container_hostname"),
    ("model_package", 5, "containers[0].model_package"),
    ("environment", "A=b", "containers[0].environment"),
])
def test_wrong_types_inside_a_container_definition_are_validation_errors(field: str, wrong: Any, name: str) -> None:
    # Was: AttributeError ('str' object has no attribute 'value'), a jsii TypeError, or a ValueError.
    error = refused(containers=[ContainerDefinition(image=_image(), **{field: wrong})])
    assert name in error.fields


def test_image_of_the_wrong_type_inside_a_container_definition_is_a_validation_error() -> None:
    # Was: AttributeError 'str' object has no attribute 'description'.
    error = refused(containers=[ContainerDefinition(image=IMAGE_URI)])  # type: ignore[arg-type]
    assert "containers[0].image" in error.fields
    assert "must be ContainerImage, got str" in str(error)


def test_container_without_image_or_model_package_is_refused() -> None:
    # Was: accepted, and CreateModel fails at deploy time (a container needs Image or ModelPackageName).
    error = refused(containers=[ContainerDefinition(environment={"A": "b"})])
    assert "containers[0].image" in error.fields


def test_vpc_without_the_selected_subnets_is_a_validation_error() -> None:
    # Was: RuntimeError from jsii ("There are no 'Public' subnet groups in this VPC").
    stack = new_stack()
    vpc = ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id="vpc-1", availability_zones=["us-east-1a"])
    with pytest.raises(ValidationError) as caught:
        InferenceModel(stack, "Model", image=_image(), vpc=vpc)
    assert caught.value.fields == ("vpc_subnets",)
    assert "aws-cdk-lib cannot select these subnets" in str(caught.value)


@pytest.mark.parametrize(("factory", "argument"), [
    (lambda: ContainerImage.from_uri(5), "uri"),  # type: ignore[arg-type]
    (lambda: ContainerImage.from_dlc("pytorch-inference", 2), "tag"),  # type: ignore[arg-type]
    (lambda: ModelData.from_uncompressed_prefix(s3.Bucket.from_bucket_name(new_stack(), "B", "bkt"), 5),  # type: ignore[arg-type]
     "prefix"),
    (lambda: ModelData.from_bucket(s3.Bucket.from_bucket_name(new_stack(), "B", "bkt"), 5), "key"),  # type: ignore[arg-type]
])
def test_factories_name_the_argument_of_the_wrong_type(factory: Any, argument: str) -> None:
    # Was: AttributeError deep inside ('int' object has no attribute 'rsplit' / 'endswith'), or a jsii
    # TypeError at synth.
    # Then: a TypeError naming the argument. Now: the package's ValidationError, like every prop.
    with pytest.raises(ValidationError) as caught:
        factory()
    assert caught.value.fields == (argument,)
    assert f"{argument} = " in str(caught.value) and "must be str, got int" in str(caught.value)


def test_serverless_variant_name_none_is_a_validation_error() -> None:
    # Was: a jsii TypeError from CfnEndpointConfig ("type of argument variant_name must be str").
    from cdk_sagemaker_inference import ServerlessEndpoint

    stack = new_stack()
    model = InferenceModel(stack, "Model", image=_image())
    with pytest.raises(ValidationError) as caught:
        ServerlessEndpoint(stack, "Endpoint", model=model, memory_size_mb=2048, max_concurrency=5,
                           variant_name=None)  # type: ignore[arg-type]
    assert caught.value.fields == ("variant_name",)


@pytest.mark.parametrize("name", ["m5.large", "ml.m5.large ", "ML.M5.LARGE"])
def test_allow_unknown_instance_type_still_needs_an_ml_type_name(name: str) -> None:
    # Was: accepted with allow_unknown_instance_type=True, and CreateEndpointConfig fails at deploy time
    # (ProductionVariantInstanceType is an enum of ml.<family>.<size> names).
    from cdk_sagemaker_inference import InstanceType, RealtimeEndpoint

    stack = new_stack()
    model = InferenceModel(stack, "Model", image=_image())
    with pytest.raises(ValidationError) as caught:
        RealtimeEndpoint(stack, "Endpoint", model=model, instance_type=InstanceType.of(name), instance_count=2,
                         allow_unknown_instance_type=True)
    assert caught.value.fields == ("instance_type",)
    assert "ml.<family>.<size>" in str(caught.value)


def test_allow_unknown_instance_type_accepts_a_new_ml_type() -> None:
    from cdk_sagemaker_inference import InstanceType, RealtimeEndpoint

    stack = new_stack()
    model = InferenceModel(stack, "Model", image=_image())
    RealtimeEndpoint(stack, "Endpoint", model=model, instance_type=InstanceType.of("ml.x9.huge"), instance_count=2,
                     allow_unknown_instance_type=True)


@pytest.mark.parametrize("floor_props", [
    {"instance_count": 0},
    {"instance_count": 2, "autoscaling": "min0"},
])
def test_canary_in_instances_with_a_zero_instance_floor_is_a_validation_error(floor_props: dict[str, Any]) -> None:
    # Was: ZeroDivisionError in the guardrail size check (instances as a share of 0 instances).
    from aws_cdk import Duration

    from cdk_sagemaker_inference import DeploymentGuardrails, InstanceScaling, InstanceType, RealtimeEndpoint

    stack = new_stack()
    model = InferenceModel(stack, "Model", image=_image())
    props = dict(floor_props)
    if props.get("autoscaling") == "min0":
        props["autoscaling"] = InstanceScaling(min_capacity=0, max_capacity=2, target_invocations_per_instance=100)
    with pytest.raises(ValidationError) as caught:
        RealtimeEndpoint(stack, "Endpoint", model=model, instance_type=InstanceType.M5_LARGE,
                         deployment=DeploymentGuardrails.canary(instances=1, wait=Duration.minutes(5)), **props)
    assert {"instance_count", "autoscaling.min_capacity"} & set(caught.value.fields)


@pytest.mark.parametrize("leaves", [False, True])
def test_the_harness_finds_a_refusal_that_leaves_something_behind(tmp_path: Any, leaves: bool) -> None:
    """The property harness synthesizes a refused example's app again and compares it with the example built
    without the construct under test: a resource (or a grant, a note) made before a late refusal is reported."""
    from aws_cdk import CfnWaitConditionHandle
    from prop_harness import Run, building, verdict

    from cdk_sagemaker_inference import ServerlessEndpoint
    from helpers import new_app
    from oracles import Problem

    def build(*, without_construct: bool = False) -> Any:
        app = new_app()
        stack = new_stack(app)
        model = InferenceModel(stack, "Model", image=_image())
        building(app, stack)
        if without_construct:
            return app, stack
        if leaves:  # what a construct refused after it created something outside itself would leave
            CfnWaitConditionHandle(stack, "LeftBehind")
        ServerlessEndpoint(stack, "Endpoint", model=model, memory_size_mb=1500, max_concurrency=5)
        return app, stack

    run = Run("Probe", tmp_path)
    oracle = verdict([Problem("ProductionVariants[0].ServerlessConfig.MemorySizeInMB", "a tier")],
                     lambda _: {"memory_size_mb"})
    assert run.check("memory 1500", oracle, build, lambda _: []) == "rejected"
    assert len(run.left_behind) == (1 if leaves else 0)
    if leaves:
        assert "LeftBehind" in run.left_behind[0]
