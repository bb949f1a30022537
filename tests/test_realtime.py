"""RealtimeEndpoint: every real-time constraint passes and fails with a message that says why."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from aws_cdk import CfnParameter, Duration, Stack, TimeZone
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match

from cdk_sagemaker_inference import (
    METADATA_KEY,
    BlueGreenUpdate,
    CapacitySize,
    CaptureMode,
    ContainerDefinition,
    ContainerImage,
    ContainerMode,
    DataCapture,
    DeploymentGuardrails,
    Endpoint,
    InferenceExecutionMode,
    InferenceModel,
    InstanceScaling,
    InstanceType,
    ModelData,
    ModelPackage,
    ProductionVariant,
    RealtimeEndpoint,
    RollingUpdate,
    RoutingStrategy,
    ScheduledCapacity,
    ServerlessEndpoint,
    StepScaling,
    TrafficRouting,
    TrafficRoutingType,
    ValidationError,
)
from cdk_sagemaker_inference.validation.guardrails import GuardrailsSpec, validate_guardrails
from helpers import (
    acknowledge_nag,
    cfn_lint_errors,
    infos_of,
    nag_findings,
    new_app,
    new_stack,
    resources_of,
    snapshot_of,
    template_of,
    warnings_of,
)
from stacks.common import synthesizer
from stacks.realtime_stack import RealtimeStack

CPU_IMAGE = ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311")


def model_in(stack: Any, construct_id: str = "Model", **kwargs: Any) -> InferenceModel:
    bucket = stack.node.try_find_child("Models") or s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    props: dict[str, Any] = {"image": CPU_IMAGE, "model_data": ModelData.from_bucket(bucket, "m/model.tar.gz")}
    props.update(kwargs)
    return InferenceModel(stack, construct_id, **props)


def realtime(stack: Any = None, model: InferenceModel | None = None, **kwargs: Any) -> RealtimeEndpoint:
    stack = stack or new_stack()
    props: dict[str, Any] = {"instance_type": InstanceType.M5_LARGE, "instance_count": 2}
    if "variants" in kwargs:
        props = {}
    else:
        props["model"] = model or model_in(stack)
    props.update(kwargs)
    return RealtimeEndpoint(stack, "Endpoint", **props)


def variant(stack: Any, name: str, **kwargs: Any) -> ProductionVariant:
    props: dict[str, Any] = {"instance_type": InstanceType.M5_LARGE, "instance_count": 2}
    props.update(kwargs)
    if "model" not in props:
        props["model"] = model_in(stack, f"{name}Model")
    return ProductionVariant(variant_name=name, **props)


def refused(stack: Any = None, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        realtime(stack, **kwargs)
    return caught.value


def config_of(endpoint: RealtimeEndpoint) -> dict[str, Any]:
    (config,) = resources_of(template_of(endpoint.node.scope).to_json(), "AWS::SageMaker::EndpointConfig").values()
    return config["Properties"]  # type: ignore[no-any-return]


def endpoint_props(endpoint: RealtimeEndpoint) -> dict[str, Any]:
    (found,) = resources_of(template_of(endpoint.node.scope).to_json(), "AWS::SageMaker::Endpoint").values()
    return found["Properties"]  # type: ignore[no-any-return]


def capture_bucket(stack: Any) -> s3.Bucket:
    """A bucket as the library asks for: no public access, TLS only, encrypted, access-logged."""
    logs = s3.Bucket(stack, "AccessLogs", block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
                     encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True)
    acknowledge_nag(logs, "AwsSolutions-S1", "the access-log bucket itself")
    return s3.Bucket(stack, "Capture", block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
                     encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True,
                     server_access_logs_bucket=logs, server_access_logs_prefix="capture/")


def canary(**kwargs: Any) -> DeploymentGuardrails:
    props: dict[str, Any] = {"percent": 10, "wait": Duration.minutes(5)}
    props.update(kwargs)
    return DeploymentGuardrails.canary(**props)


# --------------------------------------------------------------------------- the resources
def test_single_variant_renders_instance_based_variant() -> None:
    endpoint = realtime()
    (only,) = config_of(endpoint)["ProductionVariants"]
    assert {k: v for k, v in only.items() if k != "ModelName"} == {
        "VariantName": "AllTraffic", "InstanceType": "ml.m5.large", "InitialInstanceCount": 2,
        "InitialVariantWeight": 1}
    assert "ServerlessConfig" not in only


def test_stamps_kind_and_leaves_names_to_cloudformation() -> None:
    endpoint = realtime()
    template = template_of(endpoint.node.scope).to_json()
    (resource,) = resources_of(template, "AWS::SageMaker::Endpoint").values()
    assert resource["Metadata"][METADATA_KEY] == {"kind": "realtime"}
    assert "EndpointName" not in resource["Properties"]
    assert "EndpointConfigName" not in config_of(endpoint)
    (model,) = resources_of(template, "AWS::SageMaker::Model").values()
    assert "ModelName" not in model["Properties"]


def test_serverless_to_realtime_keeps_the_endpoint_logical_id() -> None:
    before = new_stack(construct_id="App")
    ServerlessEndpoint(before, "Orders", model=model_in(before), memory_size_mb=2048, max_concurrency=10,
                       endpoint_name="orders")
    after = new_stack(construct_id="App")
    RealtimeEndpoint(after, "Orders", model=model_in(after), instance_type=InstanceType.M5_LARGE,
                     instance_count=2, endpoint_name="orders")
    (old_id,) = resources_of(template_of(before).to_json(), "AWS::SageMaker::Endpoint")
    (new_id,) = resources_of(template_of(after).to_json(), "AWS::SageMaker::Endpoint")
    assert old_id == new_id
    new_endpoint = resources_of(template_of(after).to_json(), "AWS::SageMaker::Endpoint")[new_id]
    assert new_endpoint["Properties"]["EndpointName"] == "orders"
    assert new_endpoint["Metadata"][METADATA_KEY] == {"kind": "realtime"}
    # Same variant name, so deployment guardrails can follow the migration.
    (variant_before,) = resources_of(template_of(before).to_json(),
                                     "AWS::SageMaker::EndpointConfig").popitem()[1]["Properties"]["ProductionVariants"]
    (variant_after,) = resources_of(template_of(after).to_json(),
                                    "AWS::SageMaker::EndpointConfig").popitem()[1]["Properties"]["ProductionVariants"]
    assert variant_before["VariantName"] == variant_after["VariantName"] == "AllTraffic"


# --------------------------------------------------------------------------- instance count
@pytest.mark.parametrize("count", [1, 2, 40])
def test_accepts_instance_counts(count: int) -> None:
    endpoint = realtime(instance_count=count)
    assert config_of(endpoint)["ProductionVariants"][0]["InitialInstanceCount"] == count


@pytest.mark.parametrize("count", [0, -1])
def test_fails_when_instance_count_is_below_one(count: int) -> None:
    error = refused(instance_count=count)
    assert error.fields == ("instance_count",)
    text = str(error)
    assert f"instance_count = {count}: {count} is out of range: must be at least 1" in text
    assert "allowed: ≥ 1" in text
    assert "rule realtime.instance-count" in text and "Test/Endpoint" in text


@pytest.mark.parametrize("count", [1.5, "2", True])
def test_fails_when_instance_count_is_not_a_whole_number(count: Any) -> None:
    error = refused(instance_count=count)
    assert error.fields == ("instance_count",)
    assert f"instance_count = {count!r}: must be a whole number" in str(error)


def test_warns_when_a_variant_has_one_instance() -> None:
    endpoint = realtime(instance_count=1)
    (warning,) = [w for w in warnings_of(endpoint.node.scope) if "realtime.single-instance" in w]
    assert "no Availability Zone redundancy" in warning
    assert "[ack: cdk-sagemaker-inference:realtime.single-instance]" in warning


def test_does_not_warn_with_two_instances() -> None:
    endpoint = realtime(instance_count=2)
    assert not [w for w in warnings_of(endpoint.node.scope) if "single-instance" in w]


def test_warns_when_autoscaling_may_scale_in_to_one_instance() -> None:
    endpoint = realtime(instance_count=2, autoscaling=InstanceScaling(
        min_capacity=1, max_capacity=4, target_invocations_per_instance=100))
    (warning,) = [w for w in warnings_of(endpoint.node.scope) if "realtime.single-instance" in w]
    assert warning.startswith("autoscaling.min_capacity = 1")


# --------------------------------------------------------------------------- instance type
@pytest.mark.parametrize("instance_type", [InstanceType.M5_LARGE, InstanceType.G5_XLARGE,
                                           InstanceType.INF2_XLARGE, InstanceType.of("ml.c7i.2xlarge")])
def test_accepts_known_instance_types(instance_type: InstanceType) -> None:
    endpoint = realtime(instance_type=instance_type)
    assert config_of(endpoint)["ProductionVariants"][0]["InstanceType"] == instance_type.name


def test_fails_when_instance_type_is_unknown() -> None:
    error = refused(instance_type=InstanceType.of("ml.m5.larg"))
    assert error.fields == ("instance_type",)
    text = str(error)
    assert "instance_type = 'ml.m5.larg': is not an instance type of SageMaker's model" in text
    assert "did you mean ml.m5.large" in text
    assert "rule realtime.instance-type" in text


def test_accepts_an_unknown_instance_type_when_allowed() -> None:
    endpoint = realtime(instance_type=InstanceType.of("ml.m99.large"), allow_unknown_instance_type=True)
    assert config_of(endpoint)["ProductionVariants"][0]["InstanceType"] == "ml.m99.large"


def test_fails_when_instance_type_is_a_string() -> None:
    error = refused(instance_type="ml.m5.large")
    assert error.fields == ("instance_type",)
    assert "instance_type = 'ml.m5.large': must be InstanceType, got str" in str(error)


# --------------------------------------------------------------------------- variants
def test_weighted_variants_render_with_their_own_models_and_fleets() -> None:
    stack = new_stack()
    endpoint = realtime(stack, variants=[
        variant(stack, "Current", initial_weight=0.9),
        variant(stack, "Challenger", instance_type=InstanceType.C5_XLARGE, instance_count=3, initial_weight=0.1),
    ])
    current, challenger = config_of(endpoint)["ProductionVariants"]
    assert (current["VariantName"], current["InitialVariantWeight"], current["InstanceType"]) == \
        ("Current", 0.9, "ml.m5.large")
    assert (challenger["VariantName"], challenger["InitialVariantWeight"], challenger["InstanceType"],
            challenger["InitialInstanceCount"]) == ("Challenger", 0.1, "ml.c5.xlarge", 3)
    assert current["ModelName"] != challenger["ModelName"]
    assert endpoint.variant_name == "Current"


def test_accepts_ten_variants() -> None:
    stack = new_stack()
    model = model_in(stack)
    endpoint = realtime(stack, variants=[variant(stack, f"V{i}", model=model) for i in range(10)])
    assert len(config_of(endpoint)["ProductionVariants"]) == 10


def test_fails_with_eleven_variants() -> None:
    stack = new_stack()
    model = model_in(stack)
    error = refused(stack, variants=[variant(stack, f"V{i}", model=model) for i in range(11)])
    assert error.fields == ("variants",)
    text = str(error)
    assert "variants = 11: has 11 entries: must have between 1 and 10" in text
    assert "allowed: 1–10 production variants" in text and "rule realtime.variant-count" in text


def test_fails_with_no_variants() -> None:
    error = refused(variants=[])
    assert "variants = 0: has 0 entries: must have between 1 and 10" in str(error)


def test_fails_when_variant_names_repeat() -> None:
    stack = new_stack()
    model = model_in(stack)
    error = refused(stack, variants=[variant(stack, "A", model=model), variant(stack, "A", model=model)])
    assert error.fields == ("variants[].variant_name",)
    assert "the variant name 'A' is used 2 times" in str(error)
    assert "rule realtime.variant-names-unique" in str(error)


def test_fails_when_variant_name_is_invalid() -> None:
    stack = new_stack()
    error = refused(stack, variants=[variant(stack, "blue_green")])
    assert error.fields == ("variants[0].variant_name",)
    assert "rule name.endpoint" in str(error)


@pytest.mark.parametrize("weight", [0, 0.5, 3])
def test_accepts_non_negative_weights(weight: float) -> None:
    stack = new_stack()
    endpoint = realtime(stack, variants=[variant(stack, "A"), variant(stack, "B", initial_weight=weight)])
    assert config_of(endpoint)["ProductionVariants"][1]["InitialVariantWeight"] == weight


def test_fails_when_weight_is_negative() -> None:
    stack = new_stack()
    error = refused(stack, variants=[variant(stack, "A"), variant(stack, "B", initial_weight=-0.5)])
    assert error.fields == ("variants[1].initial_weight",)
    assert "variants[1].initial_weight = -0.5: -0.5 is out of range: must be at least 0" in str(error)
    assert "rule realtime.variant-weight" in str(error)


def test_fails_when_single_variant_props_and_variants_are_combined() -> None:
    stack = new_stack()
    error = refused(stack, variants=[variant(stack, "A")], instance_type=InstanceType.M5_LARGE)
    assert "pass the single-variant props (instance_type) or variants=[...], not both" in str(error)


def test_fails_when_there_is_no_model() -> None:
    stack = new_stack()
    with pytest.raises(ValidationError) as caught:
        RealtimeEndpoint(stack, "Endpoint", instance_type=InstanceType.M5_LARGE)
    assert caught.value.fields == ("model",)
    assert "model = None: is required" in str(caught.value)


@pytest.mark.parametrize("size", [1, 512])
def test_accepts_volume_sizes(size: int) -> None:
    endpoint = realtime(volume_size_gb=size)
    assert config_of(endpoint)["ProductionVariants"][0]["VolumeSizeInGB"] == size


@pytest.mark.parametrize("size", [0, 513])
def test_fails_when_volume_size_is_out_of_range(size: int) -> None:
    error = refused(volume_size_gb=size)
    assert f"volume_size_gb = {size}: {size} GB is out of range: must be between 1 and 512 GB" in str(error)
    assert "rule realtime.volume-size" in str(error)


def test_accepts_timeouts_at_the_edges() -> None:
    endpoint = realtime(model_data_download_timeout=Duration.seconds(60),
                        container_startup_health_check_timeout=Duration.hours(1))
    (only,) = config_of(endpoint)["ProductionVariants"]
    assert only["ModelDataDownloadTimeoutInSeconds"] == 60
    assert only["ContainerStartupHealthCheckTimeoutInSeconds"] == 3600


@pytest.mark.parametrize("field,value,rule", [
    ("model_data_download_timeout", Duration.seconds(59), "realtime.model-download-timeout"),
    ("container_startup_health_check_timeout", Duration.seconds(3601), "realtime.startup-health-timeout"),
])
def test_fails_when_timeouts_are_out_of_range(field: str, value: Duration, rule: str) -> None:
    error = refused(**{field: value})
    seconds = value.to_seconds()
    assert error.fields == (field,)
    assert f"{field} = {seconds}: {seconds} s is out of range: must be between 60 and 3600 s" in str(error)
    assert f"rule {rule}" in str(error)


def test_fails_when_a_timeout_is_a_number_not_a_duration() -> None:
    error = refused(model_data_download_timeout=600)
    assert "model_data_download_timeout = 600: must be Duration, got int" in str(error)


def test_fails_when_a_timeout_is_fractional() -> None:
    error = refused(model_data_download_timeout=Duration.millis(90500))
    assert "model_data_download_timeout = '90.5 seconds': is not a whole number of seconds: the template carries this field as an integer number of seconds" in str(error)
    assert "rule props.whole-seconds" in str(error)


def test_fails_when_elastic_inference_is_asked_for() -> None:
    stack = new_stack()
    error = refused(stack, variants=[variant(stack, "A", accelerator_type="ml.eia2.medium")])
    assert error.fields == ("variants[0].accelerator_type",)
    assert "Elastic Inference accelerators are no longer available" in str(error)
    assert "rule realtime.no-elastic-inference" in str(error)


def test_fails_when_managed_instance_scaling_is_asked_for() -> None:
    stack = new_stack()
    scaling = {"Status": "ENABLED", "MinInstanceCount": 1, "MaxInstanceCount": 4}
    error = refused(stack, variants=[variant(stack, "A", managed_instance_scaling=scaling)])
    assert error.fields == ("variants[0].managed_instance_scaling",)
    assert "only for inference-component endpoints" in str(error)
    assert "autoscaling=InstanceScaling" in str(error)


def test_routing_strategy_renders() -> None:
    endpoint = realtime(routing_strategy=RoutingStrategy.LEAST_OUTSTANDING_REQUESTS)
    assert config_of(endpoint)["ProductionVariants"][0]["RoutingConfig"] == {
        "RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}


# --------------------------------------------------------------------------- shadow variant
def test_shadow_variant_renders() -> None:
    stack = new_stack()
    endpoint = realtime(stack, variant_name="Prod", shadow_variant=variant(stack, "Shadow", initial_weight=0.5))
    config = config_of(endpoint)
    assert [v["VariantName"] for v in config["ProductionVariants"]] == ["Prod"]
    (shadow,) = config["ShadowProductionVariants"]
    assert (shadow["VariantName"], shadow["InitialVariantWeight"]) == ("Shadow", 0.5)


def test_fails_when_shadow_has_two_production_variants() -> None:
    stack = new_stack()
    error = refused(stack, variants=[variant(stack, "A"), variant(stack, "B")],
                    shadow_variant=variant(stack, "Shadow"))
    assert error.fields == ("shadow_variant",)
    assert "a shadow variant needs exactly one production variant" in str(error)
    assert "rule shadow.one-production" in str(error)


def test_fails_when_shadow_name_repeats_a_production_name() -> None:
    stack = new_stack()
    error = refused(stack, shadow_variant=variant(stack, "AllTraffic"))
    assert "the variant name 'AllTraffic' is used 2 times" in str(error)


def _pipeline(stack: Any) -> InferenceModel:
    return InferenceModel(stack, "Pipeline", containers=[ContainerDefinition(image=CPU_IMAGE),
                                                         ContainerDefinition(image=CPU_IMAGE)])


@pytest.mark.parametrize("case,reason", [
    ("pipeline", "multi-container"),
    ("multi-model", "multi-model container"),
    ("marketplace", "Marketplace"),
    ("inf1", "(Inf1)"),
])
def test_fails_when_shadow_testing_is_excluded(case: str, reason: str) -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "B", "models")
    shadow_kwargs: dict[str, Any] = {}
    if case == "pipeline":
        shadow_kwargs["model"] = _pipeline(stack)
    elif case == "multi-model":
        shadow_kwargs["model"] = InferenceModel(stack, "Many", containers=[ContainerDefinition(
            image=CPU_IMAGE, model_data=ModelData.from_bucket(bucket, "many/"), mode=ContainerMode.MULTI_MODEL)])
    elif case == "marketplace":
        shadow_kwargs["model"] = InferenceModel(stack, "Package", containers=[ContainerDefinition(
            model_package=ModelPackage.from_marketplace("arn:aws:sagemaker:us-east-1:865070037744:model-package/some-package"))], network_isolation=True)
    else:
        shadow_kwargs["instance_type"] = InstanceType.of("ml.inf1.xlarge")
    error = refused(stack, shadow_variant=variant(stack, "Shadow", **shadow_kwargs))
    assert error.fields == ("shadow_variant",)
    assert "shadow tests are not available here" in str(error) and reason in str(error)
    assert "rule shadow.exclusions" in str(error)


# --------------------------------------------------------------------------- autoscaling
def test_autoscaling_tracks_invocations_per_instance() -> None:
    endpoint = realtime(endpoint_name="orders", autoscaling=InstanceScaling(
        min_capacity=2, max_capacity=8, target_invocations_per_instance=150,
        scale_in_cooldown=Duration.minutes(10), scale_out_cooldown=Duration.minutes(1)))
    template = template_of(endpoint.node.scope)
    template.has_resource_properties("AWS::ApplicationAutoScaling::ScalableTarget", {
        "ServiceNamespace": "sagemaker",
        "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
        "MinCapacity": 2, "MaxCapacity": 8,
        "ResourceId": {"Fn::Join": ["", ["endpoint/", {"Fn::GetAtt": [Match.any_value(), "EndpointName"]},
                                         "/variant/AllTraffic"]]},
        "RoleARN": Match.object_like({"Fn::Join": Match.array_with([Match.array_with([
            Match.string_like_regexp("AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint")])])}),
    })
    template.has_resource_properties("AWS::ApplicationAutoScaling::ScalingPolicy", {
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": 150, "ScaleInCooldown": 600, "ScaleOutCooldown": 60,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"},
        },
    })
    assert set(endpoint.scalable_targets) == {"AllTraffic"}


def test_scheduled_scaling_renders() -> None:
    endpoint = realtime(autoscaling=InstanceScaling(
        min_capacity=2, max_capacity=8, target_invocations_per_instance=100, schedules=[
            ScheduledCapacity(schedule=appscaling.Schedule.cron(hour="7", minute="0"), min_capacity=4,
                              time_zone=TimeZone.EUROPE_BERLIN),
            ScheduledCapacity(schedule=appscaling.Schedule.cron(hour="20", minute="0"), min_capacity=2,
                              max_capacity=4),
        ]))
    template_of(endpoint.node.scope).has_resource_properties("AWS::ApplicationAutoScaling::ScalableTarget", {
        "ScheduledActions": [
            Match.object_like({"Schedule": "cron(0 7 * * ? *)", "ScalableTargetAction": {"MinCapacity": 4},
                               "Timezone": "Europe/Berlin"}),
            Match.object_like({"Schedule": "cron(0 20 * * ? *)",
                               "ScalableTargetAction": {"MinCapacity": 2, "MaxCapacity": 4}}),
        ],
    })


def test_each_variant_scales_on_its_own() -> None:
    stack = new_stack()
    scaling = InstanceScaling(min_capacity=2, max_capacity=4, target_invocations_per_instance=100)
    endpoint = realtime(stack, variants=[variant(stack, "A", autoscaling=scaling), variant(stack, "B"),
                                         variant(stack, "C", autoscaling=scaling)])
    assert set(endpoint.scalable_targets) == {"A", "C"}
    template_of(stack).resource_count_is("AWS::ApplicationAutoScaling::ScalableTarget", 2)


def test_fails_when_autoscaling_a_burstable_type() -> None:
    error = refused(instance_type=InstanceType.T2_MEDIUM, autoscaling=InstanceScaling(
        min_capacity=2, max_capacity=4, target_invocations_per_instance=100))
    assert error.fields == ("instance_type",)
    text = str(error)
    assert "instance_type = 'ml.t2.medium': autoscaling is not supported on burstable ml.t* instance types" in text
    assert "rule autoscaling.no-burstable" in text


def test_accepts_a_burstable_type_without_autoscaling() -> None:
    realtime(instance_type=InstanceType.T2_MEDIUM)


@pytest.mark.parametrize("low,high,field,message", [
    (0, 4, "autoscaling.min_capacity", "0 is out of range: must be at least 1"),
    (5, 4, "autoscaling.min_capacity", "is greater than max_capacity (4)"),
    (1, 0, "autoscaling.max_capacity", "0 is out of range: must be at least 1"),
])
def test_fails_when_autoscaling_capacity_is_wrong(low: int, high: int, field: str, message: str) -> None:
    error = refused(autoscaling=InstanceScaling(min_capacity=low, max_capacity=high,
                                                target_invocations_per_instance=100))
    assert field in error.fields
    assert message in str(error) and "rule autoscaling.min-capacity" in str(error)


@pytest.mark.parametrize("target", [0, -5])
def test_fails_when_the_invocations_target_is_not_positive(target: float) -> None:
    error = refused(autoscaling=InstanceScaling(min_capacity=2, max_capacity=4,
                                                target_invocations_per_instance=target))
    assert error.fields == ("autoscaling.target_invocations_per_instance",)
    assert f"{target} is not > 0" in str(error) and "rule autoscaling.target-value" in str(error)


def test_fails_when_a_schedule_changes_nothing_or_inverts_the_range() -> None:
    error = refused(autoscaling=InstanceScaling(
        min_capacity=2, max_capacity=4, target_invocations_per_instance=100, schedules=[
            ScheduledCapacity(schedule=appscaling.Schedule.rate(Duration.hours(1))),
            ScheduledCapacity(schedule=appscaling.Schedule.rate(Duration.hours(1)), min_capacity=6, max_capacity=3),
        ]))
    assert error.fields == ("autoscaling.schedules[0]", "autoscaling.schedules[1].min_capacity")
    assert "sets neither min_capacity nor max_capacity" in str(error)
    assert "is greater than max_capacity (3)" in str(error)


def test_notes_that_an_autoscaled_variant_cannot_change_its_instance_type() -> None:
    """Advice, not a warning: nothing is wrong, and `cdk synth --strict` (fails on warnings) must pass."""
    endpoint = realtime(autoscaling=InstanceScaling(min_capacity=2, max_capacity=4,
                                                    target_invocations_per_instance=100))
    (info,) = [i for i in infos_of(endpoint.node.scope) if "autoscaled-instance-type" in i]
    assert "an update that changes its instance type fails" in info
    assert "[cdk-sagemaker-inference:migration.autoscaled-instance-type]" in info
    assert not [w for w in warnings_of(endpoint.node.scope) if "autoscaled-instance-type" in w]


def test_fails_when_autoscaling_is_not_an_instance_scaling() -> None:
    error = refused(autoscaling={"min_capacity": 1})
    assert "autoscaling = {'min_capacity': 1}: must be InstanceScaling, got dict" in str(error)


# --------------------------------------------------------------------------- data capture
def test_data_capture_renders_and_grants_put_on_the_prefix_only() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "CaptureBucket", "capture-bucket")
    endpoint = realtime(stack, data_capture=DataCapture(
        bucket=bucket, prefix="/orders/capture/", sampling_percentage=50,
        capture_modes=[CaptureMode.INPUT_AND_OUTPUT], csv_content_types=["text/csv"],
        json_content_types=["application/json", "application/jsonlines"]))
    assert config_of(endpoint)["DataCaptureConfig"] == {
        "DestinationS3Uri": "s3://capture-bucket/orders/capture",
        "InitialSamplingPercentage": 50,
        "CaptureOptions": [{"CaptureMode": "InputAndOutput"}],
        "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"],
                                     "JsonContentTypes": ["application/json", "application/jsonlines"]},
        "EnableCapture": True,
    }
    policies = json.dumps(resources_of(template_of(stack).to_json(), "AWS::IAM::Policy"))
    assert ":s3:::capture-bucket/orders/capture/*" in policies
    assert "s3:PutObject" in policies and ":s3:::capture-bucket/*" not in policies


def test_data_capture_grants_every_model_role() -> None:
    stack = new_stack()
    endpoint = realtime(stack, variants=[variant(stack, "A"), variant(stack, "B")],
                        data_capture=DataCapture(bucket=s3.Bucket.from_bucket_name(stack, "C", "capture")))
    policies = resources_of(template_of(endpoint.node.scope).to_json(), "AWS::IAM::Policy")
    # The documents only: cdk-nag 2's suppressions (resource metadata) name the same ARN.
    assert sum("capture/data-capture/*" in json.dumps(p["Properties"]["PolicyDocument"])
               for p in policies.values()) == 2


def test_the_config_waits_for_the_capture_grants_on_its_own_models_roles() -> None:
    """A default role holds its model's pull and read inline, so the model waits for no policy; the data
    capture grants create the role's default policy afterwards, and SageMaker writes captures as soon as the
    endpoint runs: the endpoint config waits for that policy."""
    stack = new_stack()
    endpoint = realtime(stack, data_capture=DataCapture(bucket=s3.Bucket.from_bucket_name(stack, "C", "capture")))
    resources = template_of(endpoint.node.scope).to_json()["Resources"]
    (policy_id,) = [k for k in resources if k.startswith("ModelRoleDefaultPolicy")]
    config = next(b for b in resources.values() if b["Type"] == "AWS::SageMaker::EndpointConfig")
    assert policy_id in config["DependsOn"]
    assert "DependsOn" not in next(b for b in resources.values() if b["Type"] == "AWS::SageMaker::Model")


@pytest.mark.parametrize("percentage", [0, 100])
def test_accepts_sampling_at_the_edges(percentage: int) -> None:
    stack = new_stack()
    endpoint = realtime(stack, data_capture=DataCapture(bucket=s3.Bucket.from_bucket_name(stack, "C", "capture"),
                                                        sampling_percentage=percentage))
    assert config_of(endpoint)["DataCaptureConfig"]["InitialSamplingPercentage"] == percentage


@pytest.mark.parametrize("percentage", [-1, 101])
def test_fails_when_sampling_is_out_of_range(percentage: int) -> None:
    stack = new_stack()
    error = refused(stack, data_capture=DataCapture(bucket=s3.Bucket.from_bucket_name(stack, "C", "capture"),
                                                    sampling_percentage=percentage))
    assert error.fields == ("data_capture.sampling_percentage",)
    assert f"{percentage} % is out of range: must be between 0 and 100 %" in str(error)
    assert "rule datacapture.sampling" in str(error)


def test_fails_when_no_capture_mode_is_given() -> None:
    stack = new_stack()
    error = refused(stack, data_capture=DataCapture(bucket=s3.Bucket.from_bucket_name(stack, "C", "capture"),
                                                    capture_modes=[]))
    assert error.fields == ("data_capture.capture_modes",)
    assert "has 0 entries: must have between 1 and 32" in str(error)
    assert "rule datacapture.options" in str(error)


def test_fails_when_capture_mode_is_a_string() -> None:
    stack = new_stack()
    error = refused(stack, data_capture=DataCapture(bucket=s3.Bucket.from_bucket_name(stack, "C", "capture"),
                                                    capture_modes=["Input"]))
    assert "data_capture.capture_modes[0] = 'Input': must be CaptureMode, got str" in str(error)


@pytest.mark.parametrize("types,message", [
    ([f"text/x-{i}" for i in range(11)], "has 11 entries: must have between 1 and 10"),
    ([], "has 0 entries: must have between 1 and 10"),
    (["csv"], "is not a content type SageMaker accepts"),
    # '+' is outside botocore's CsvContentType/JsonContentType pattern (found by review: it was allowed)
    (["application/vnd.api+json"], "'application/vnd.api+json': is not a content type SageMaker accepts"),
    (["text/csv; charset=utf-8"], "is not a content type SageMaker accepts"),
    (["text/" + "c" * 260], "at most 256 are allowed"),
])
def test_fails_when_content_types_are_wrong(types: list[str], message: str) -> None:
    stack = new_stack()
    error = refused(stack, data_capture=DataCapture(bucket=s3.Bucket.from_bucket_name(stack, "C", "capture"),
                                                    csv_content_types=types))
    assert all(f.startswith("data_capture.csv_content_types") for f in error.fields)
    assert message in str(error) and "rule datacapture.content-types" in str(error)


@pytest.mark.parametrize("content_type", ["text/csv", "application/jsonlines", "application/vnd.amazon.eventstream",
                                          "application/x-ndjson"])
def test_accepts_content_types_of_the_service_pattern(content_type: str) -> None:
    stack = new_stack()
    RealtimeEndpoint(stack, "E", model=model_in(stack), instance_type=InstanceType.M5_LARGE, instance_count=2,
                     data_capture=DataCapture(bucket=s3.Bucket.from_bucket_name(stack, "C", "capture"),
                                              json_content_types=[content_type]))
    template_of(stack).has_resource_properties("AWS::SageMaker::EndpointConfig", {"DataCaptureConfig": {
        "CaptureContentTypeHeader": {"JsonContentTypes": [content_type]}}})


def test_fails_when_the_destination_is_too_long() -> None:
    stack = new_stack()
    error = refused(stack, data_capture=DataCapture(bucket=s3.Bucket.from_bucket_name(stack, "C", "capture"),
                                                    prefix="p" * 520))
    assert error.fields == ("data_capture.prefix",)
    assert "at most 512 are allowed" in str(error) and "rule datacapture.destination" in str(error)


def test_fails_when_data_capture_bucket_is_a_name() -> None:
    error = refused(data_capture=DataCapture(bucket="my-bucket"))  # type: ignore[arg-type]
    assert "data_capture.bucket = 'my-bucket': must be IBucket, got str" in str(error)


def test_data_capture_key_is_used_for_the_captured_data() -> None:
    stack = new_stack()
    key = kms.Key(stack, "CaptureKey", enable_key_rotation=True)
    endpoint = realtime(stack, data_capture=DataCapture(bucket=s3.Bucket.from_bucket_name(stack, "C", "capture"),
                                                        kms_key=key))
    key_id = config_of(endpoint)["DataCaptureConfig"]["KmsKeyId"]
    assert key_id["Fn::GetAtt"][0].startswith("CaptureKey") and key_id["Fn::GetAtt"][1] == "Arn"
    assert "kms:GenerateDataKey*" in json.dumps(resources_of(template_of(stack).to_json(), "AWS::IAM::Policy"))


# --------------------------------------------------------------------------- KMS
def test_kms_key_encrypts_the_endpoint_config() -> None:
    stack = new_stack()
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    endpoint = realtime(stack, kms_key=key)
    assert list(config_of(endpoint)["KmsKeyId"]) == ["Fn::GetAtt"]
    assert not [w for w in warnings_of(stack) if "kms-nvme" in w]


@pytest.mark.parametrize("instance_type", ["ml.m5d.large", "ml.g5.xlarge", "ml.p4d.24xlarge"])
def test_warns_when_kms_meets_local_nvme_storage(instance_type: str) -> None:
    stack = new_stack()
    endpoint = realtime(stack, instance_type=InstanceType.of(instance_type),
                        kms_key=kms.Key(stack, "Key", enable_key_rotation=True))
    (warning,) = [w for w in warnings_of(stack) if "realtime.kms-nvme" in w]
    assert f"instance_type = '{instance_type}': has local NVMe instance storage" in warning
    assert "KmsKeyId" in config_of(endpoint)  # a warning, not a failure


def test_fails_when_kms_key_is_an_arn_string() -> None:
    error = refused(kms_key="arn:aws:kms:us-east-1:123456789012:key/abc")
    assert error.fields == ("kms_key",)
    assert "must be IKey, got str" in str(error)


# --------------------------------------------------------------------------- deployment guardrails
def test_canary_renders_the_blue_green_policy() -> None:
    endpoint = realtime(deployment=DeploymentGuardrails.canary(
        percent=25, wait=Duration.minutes(10), termination_wait=Duration.minutes(5),
        maximum_execution_timeout=Duration.hours(2)))
    assert endpoint_props(endpoint)["DeploymentConfig"] == {"BlueGreenUpdatePolicy": {
        "TrafficRoutingConfiguration": {"Type": "CANARY", "WaitIntervalInSeconds": 600,
                                        "CanarySize": {"Type": "CAPACITY_PERCENT", "Value": 25}},
        "TerminationWaitInSeconds": 300, "MaximumExecutionTimeoutInSeconds": 7200}}


def test_linear_and_all_at_once_render() -> None:
    linear = realtime(deployment=DeploymentGuardrails.linear(step_instances=1, wait=Duration.minutes(3)))
    assert endpoint_props(linear)["DeploymentConfig"]["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"] == {
        "Type": "LINEAR", "WaitIntervalInSeconds": 180, "LinearStepSize": {"Type": "INSTANCE_COUNT", "Value": 1}}
    at_once = realtime(deployment=DeploymentGuardrails.all_at_once(wait=Duration.seconds(0)))
    assert endpoint_props(at_once)["DeploymentConfig"]["BlueGreenUpdatePolicy"] == {
        "TrafficRoutingConfiguration": {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 0}}


def test_rolling_renders() -> None:
    endpoint = realtime(instance_count=4, deployment=DeploymentGuardrails.rolling(
        batch_percent=25, wait=Duration.minutes(5), maximum_execution_timeout=Duration.minutes(30)))
    assert endpoint_props(endpoint)["DeploymentConfig"] == {"RollingUpdatePolicy": {
        "MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 25}, "WaitIntervalInSeconds": 300,
        "MaximumExecutionTimeoutInSeconds": 1800}}


@pytest.mark.parametrize("percent", [1, 50])
def test_accepts_canary_sizes_at_the_edges(percent: int) -> None:
    realtime(deployment=canary(percent=percent))


@pytest.mark.parametrize("percent", [0, 51, 60])
def test_fails_when_canary_percent_is_out_of_range(percent: int) -> None:
    error = refused(deployment=canary(percent=percent))
    assert error.fields == ("deployment.canary_size",)
    text = str(error)
    assert f"deployment.canary_size = {percent}: {percent} % is out of range: must be between 1 and 50 %" in text
    assert "allowed: 1–50% of the variant's instances" in text and "rule guardrails.canary-size" in text


@pytest.mark.parametrize("step", [10, 50])
def test_accepts_linear_steps_at_the_edges(step: int) -> None:
    realtime(deployment=DeploymentGuardrails.linear(step_percent=step, wait=Duration.minutes(1)))


@pytest.mark.parametrize("step", [5, 60])
def test_fails_when_linear_step_is_out_of_range(step: int) -> None:
    error = refused(deployment=DeploymentGuardrails.linear(step_percent=step, wait=Duration.minutes(1)))
    assert error.fields == ("deployment.linear_step_size",)
    text = str(error)
    assert f"deployment.linear_step_size = {step}: {step} % is out of range: must be between 10 and 50 %" in text
    assert "rule guardrails.linear-step" in text


def test_a_rolling_batch_of_instances_below_five_percent_asks_for_more() -> None:
    """The fix said "run more instances" for a batch that is too small a share (found by review)."""
    error = refused(instance_count=40, deployment=DeploymentGuardrails.rolling(batch_instances=1,
                                                                              wait=Duration.minutes(1)))
    assert "is 2.5% of the variant's 40 instances (its instance count)" in str(error)
    assert "or as at least 2 instances (5% of 40)" in str(error)


@pytest.mark.parametrize("batch,ok", [(5, True), (50, True), (4, False), (60, False)])
def test_rolling_batch_is_five_to_fifty_percent(batch: int, ok: bool) -> None:
    deployment = DeploymentGuardrails.rolling(batch_percent=batch, wait=Duration.minutes(1))
    if ok:
        realtime(deployment=deployment)
        return
    error = refused(deployment=deployment)
    assert error.fields == ("deployment.maximum_batch_size",)
    assert "must be between 5 and 50 %" in str(error) and "rule guardrails.rolling-batch" in str(error)


def test_canary_in_instances_is_checked_against_the_fleet() -> None:
    realtime(instance_count=4, deployment=canary(percent=None, instances=2))
    error = refused(instance_count=4, deployment=canary(percent=None, instances=3))
    assert error.fields == ("deployment.canary_size",)
    assert ("deployment.canary_size = '3 instances': is 75% of the variant's 4 instances (its instance count): "
            "must be at most 50%" in str(error))
    assert "run more instances (at least 6 for 3 instances)" in str(error)


def test_an_instance_size_that_fits_some_autoscaled_counts_is_a_warning() -> None:
    """SageMaker checks a size in instances against the count when the update starts: 2 instances are 100% of
    the minimum of 2 but 25% of the maximum of 8, so an update started at 4 to 8 instances passes."""
    stack = new_stack()
    realtime(stack, instance_count=4, autoscaling=InstanceScaling(
        min_capacity=2, max_capacity=8, target_invocations_per_instance=100),
        deployment=DeploymentGuardrails.linear(step_instances=2, wait=Duration.minutes(1)))
    (warning,) = [w for w in warnings_of(stack) if "guardrails.size-some-counts" in w]
    assert ("deployment.linear_step_size = '2 instances': is 100% of the variant's 2 instances (its autoscaling "
            "minimum) and 25% of 8 instances (the maximum): a linear step must be 10–50% of the instances when the "
            "update starts, which holds only from 4 to 8 instances") in warning
    assert "give the linear step in percent" in warning
    # A size that fits every reachable count, or a fixed fleet, has no warning.
    stack = new_stack()
    realtime(stack, instance_count=4, autoscaling=InstanceScaling(
        min_capacity=4, max_capacity=8, target_invocations_per_instance=100),
        deployment=DeploymentGuardrails.linear(step_instances=2, wait=Duration.minutes(1)))
    assert not [w for w in warnings_of(stack) if "guardrails.size-some-counts" in w]


def test_an_instance_size_no_autoscaled_count_fits_is_refused() -> None:
    error = refused(instance_count=2, autoscaling=InstanceScaling(
        min_capacity=2, max_capacity=3, target_invocations_per_instance=100),
        deployment=DeploymentGuardrails.linear(step_instances=2, wait=Duration.minutes(1)))
    assert error.fields == ("deployment.linear_step_size",)
    assert ("is 100% of the variant's 2 instances (its autoscaling minimum) and 66.7% of its 3 instances "
            "(maximum): no count it can run at fits: must be between 10% and 50%") in str(error)
    assert "give the linear step in percent, or raise the autoscaling maximum to at least 4" in str(error)


def test_a_maximum_known_at_deploy_time_bounds_nothing() -> None:
    """Found by review: a token autoscaling maximum counted as the minimum, so a size that fits at more
    instances was refused (and its message called the minimum the instance count)."""
    from aws_cdk import CfnParameter

    stack = new_stack()
    maximum = CfnParameter(stack, "Max", type="Number").value_as_number
    realtime(stack, instance_count=2, autoscaling=InstanceScaling(
        min_capacity=2, max_capacity=maximum, target_invocations_per_instance=100),
        deployment=DeploymentGuardrails.linear(step_instances=2, wait=Duration.minutes(1)))
    (warning,) = [w for w in warnings_of(stack) if "guardrails.size-some-counts" in w]
    assert "(its autoscaling minimum) and less at more (the maximum is known only at deploy time)" in warning
    assert "which holds only from 4 to 20 instances" in warning


def test_a_canary_in_instances_has_no_lower_share() -> None:
    """Found by review: the API reference asks only that a canary be at most 50% of the instances (1% is the least
    of a percentage), so 1 instance of 150 is a canary SageMaker takes."""
    realtime(instance_count=150, deployment=canary(percent=None, instances=1))


def test_instance_sizes_are_checked_for_every_variant() -> None:
    stack = new_stack()
    error = refused(stack, variants=[variant(stack, "A", instance_count=8), variant(stack, "B", instance_count=2)],
                    deployment=canary(percent=None, instances=2))
    assert "is 100% of variant 'B''s 2 instances (its instance count)" in str(error)


def test_fails_when_canary_gets_percent_and_instances() -> None:
    error = refused(deployment=canary(percent=10, instances=1))
    assert error.fields == ("deployment",)
    assert "canary: pass percent= or instances=, not both" in str(error)


def test_fails_when_canary_gets_no_size() -> None:
    error = refused(deployment=canary(percent=None))
    assert "a CANARY deployment needs a canary size" in str(error)


def test_fails_when_rolling_meets_several_variants() -> None:
    stack = new_stack()
    error = refused(stack, variants=[variant(stack, "A"), variant(stack, "B")],
                    deployment=DeploymentGuardrails.rolling(batch_percent=25, wait=Duration.minutes(1)))
    assert error.fields == ("deployment",)
    assert "rolling deployments are not available for endpoints with several production variants" in str(error)
    assert "rule guardrails.rolling-single-variant" in str(error)


def test_fails_when_both_policies_are_given() -> None:
    both = DeploymentGuardrails(
        blue_green_update=BlueGreenUpdate(traffic_routing=TrafficRouting(
            type=TrafficRoutingType.ALL_AT_ONCE, wait=Duration.minutes(1))),
        rolling_update=RollingUpdate(maximum_batch_size=CapacitySize.percent(10), wait=Duration.minutes(1)))
    error = refused(deployment=both)
    assert error.fields == ("deployment",)
    assert "blue/green or rolling, not both" in str(error) and "rule guardrails.one-policy" in str(error)


def test_fails_when_no_policy_is_given() -> None:
    error = refused(deployment=DeploymentGuardrails())
    assert "deployment = None: names no policy" in str(error)


@pytest.mark.parametrize("kwargs,field,message,rule", [
    ({"wait": Duration.seconds(3601)}, "deployment.wait", "must be between 0 and 3600 s",
     "guardrails.wait-interval"),
    ({"termination_wait": Duration.seconds(3601)}, "deployment.termination_wait",
     "must be between 0 and 3600 s", "guardrails.termination-wait"),
    ({"maximum_execution_timeout": Duration.seconds(599)}, "deployment.maximum_execution_timeout",
     "must be between 600 and 28800 s", "guardrails.max-execution-timeout"),
    ({"maximum_execution_timeout": Duration.seconds(28801)}, "deployment.maximum_execution_timeout",
     "must be between 600 and 28800 s", "guardrails.max-execution-timeout"),
    ({"wait": Duration.minutes(30), "termination_wait": Duration.minutes(30),
      "maximum_execution_timeout": Duration.minutes(60)}, "deployment.maximum_execution_timeout",
     "3600 s is not longer than the deployment's waiting time (3600 s", "guardrails.timeout-exceeds-waits"),
])
def test_fails_when_guardrail_times_are_out_of_range(kwargs: dict[str, Any], field: str, message: str,
                                                     rule: str) -> None:
    error = refused(deployment=canary(**kwargs))
    assert error.fields == (field,)
    assert message in str(error) and f"rule {rule}" in str(error)


def test_fails_when_wait_is_a_number() -> None:
    with pytest.raises(ValidationError) as caught:
        canary(wait=300)
    assert "DeploymentGuardrails.canary has 1 invalid setting" in str(caught.value)
    assert "wait = 300: must be Duration, got int" in str(caught.value)


def test_traffic_type_is_one_of_the_three() -> None:
    ok = GuardrailsSpec(blue_green=True, traffic_type="ALL_AT_ONCE", wait_seconds=0)
    assert validate_guardrails(ok, production_variants=1) == []
    (problem,) = validate_guardrails(GuardrailsSpec(blue_green=True, traffic_type="SLOW", wait_seconds=0),
                                     production_variants=1)
    assert (problem.field, problem.value, problem.constraint_id) == (
        "deployment.traffic_routing.type", "SLOW", "guardrails.traffic-type")
    assert "must be one of ALL_AT_ONCE, CANARY, LINEAR" in problem.message


def _alarm(stack: Any, index: int) -> cloudwatch.Alarm:
    metric = cloudwatch.Metric(namespace="Team", metric_name=f"Errors{index}")
    return cloudwatch.Alarm(stack, f"Alarm{index}", metric=metric, threshold=1, evaluation_periods=1)


def test_rollback_alarms_render_by_name() -> None:
    stack = new_stack()
    alarms = [_alarm(stack, i) for i in range(10)]
    endpoint = realtime(stack, deployment=canary(rollback_alarms=alarms))
    rendered = endpoint_props(endpoint)["DeploymentConfig"]["AutoRollbackConfiguration"]["Alarms"]
    assert [alarm["AlarmName"]["Ref"][:6] for alarm in rendered] == ["Alarm0", "Alarm1", "Alarm2", "Alarm3",
                                                                     "Alarm4", "Alarm5", "Alarm6", "Alarm7",
                                                                     "Alarm8", "Alarm9"]


def test_fails_with_eleven_rollback_alarms() -> None:
    stack = new_stack()
    error = refused(stack, deployment=canary(rollback_alarms=[_alarm(stack, i) for i in range(11)]))
    assert error.fields == ("deployment.rollback_alarms",)
    assert "deployment.rollback_alarms = 11: has 11 alarms: auto-rollback takes at most 10" in str(error)
    assert "rule guardrails.rollback-alarms" in str(error)


def test_fails_when_add_rollback_alarm_passes_ten() -> None:
    stack = new_stack()
    endpoint = realtime(stack, deployment=canary(rollback_alarms=[_alarm(stack, i) for i in range(10)]))
    with pytest.raises(ValidationError) as caught:
        endpoint.add_rollback_alarm(_alarm(stack, 10))
    assert "has 11 alarms" in str(caught.value)


def test_an_alarm_given_twice_rolls_back_once() -> None:
    """Found by a sweep: the same alarm given twice (or again to add_rollback_alarm) was listed twice and counted
    twice towards the 10 alarms."""
    stack = new_stack()
    first, second = _alarm(stack, 0), _alarm(stack, 1)
    endpoint = realtime(stack, deployment=canary(rollback_alarms=[first, first] + [_alarm(stack, i) for i in
                                                                                    range(2, 10)]))
    endpoint.add_rollback_alarm(second, second, first)
    rendered = endpoint_props(endpoint)["DeploymentConfig"]["AutoRollbackConfiguration"]["Alarms"]
    assert len(rendered) == 10 and len(endpoint.rollback_alarms) == 10
    assert len({json.dumps(alarm) for alarm in rendered}) == 10


def test_an_alarm_of_another_app_is_refused() -> None:
    stack = new_stack()
    endpoint = realtime(stack, deployment=canary())
    with pytest.raises(ValidationError) as caught:
        endpoint.add_rollback_alarm(_alarm(new_stack(), 0))
    assert caught.value.fields == ("deployment.rollback_alarms[0]",)
    assert "belongs to another App: a template cannot reference it" in str(caught.value)
    assert "rule props.same-app" in str(caught.value)
    assert "Alarm.from_alarm_arn" in str(caught.value)


def test_fails_when_rollback_alarm_has_no_deployment() -> None:
    stack = new_stack()
    endpoint = realtime(stack)
    with pytest.raises(ValidationError) as caught:
        endpoint.add_rollback_alarm(_alarm(stack, 0))
    assert "rollback alarms need deployment=DeploymentGuardrails" in str(caught.value)


def test_own_alarms_roll_back_a_named_endpoint() -> None:
    endpoint = realtime(endpoint_name="orders", deployment=canary())
    endpoint.add_rollback_alarm(endpoint.alarm_5xx_rate(), endpoint.alarm_p99_latency(threshold=Duration.millis(200)))
    stack = endpoint.node.scope
    rendered = endpoint_props(endpoint)["DeploymentConfig"]["AutoRollbackConfiguration"]["Alarms"]
    assert len(rendered) == 2
    assert cfn_lint_errors(template_of(stack).to_json()) == []  # no dependency cycle


def test_fails_when_own_alarms_watch_a_generated_name() -> None:
    endpoint = realtime(deployment=canary())
    with pytest.raises(ValidationError) as caught:
        endpoint.add_rollback_alarm(endpoint.alarm_5xx_rate())
    assert "depend on each other (a cycle)" in str(caught.value)
    assert "set endpoint_name" in str(caught.value)


def test_fails_when_rollback_alarm_is_not_an_alarm() -> None:
    with pytest.raises(ValidationError) as caught:
        canary(rollback_alarms=["my-alarm"])
    assert "rollback_alarms[0] = 'my-alarm': must be IAlarm, got str" in str(caught.value)
    stack = new_stack()
    guardrails = dataclasses.replace(canary(), rollback_alarms=["my-alarm"])
    error = refused(stack, deployment=guardrails)
    assert "deployment.rollback_alarms[0] = 'my-alarm': must be IAlarm, got str" in str(error)


def test_warns_that_inf1_ignores_guardrails() -> None:
    endpoint = realtime(instance_type=InstanceType.of("ml.inf1.xlarge"), deployment=canary())
    (warning,) = [w for w in warnings_of(endpoint.node.scope) if "guardrails.exclusions" in w]
    assert "SageMaker ignores the deployment guardrails" in warning


# --------------------------------------------------------------------------- multi-container, VPC
def test_serial_pipeline_is_served() -> None:
    stack = new_stack()
    model = InferenceModel(stack, "Pipeline", inference_execution_mode=InferenceExecutionMode.SERIAL, containers=[
        ContainerDefinition(image=ContainerImage.from_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/pre:1")),
        ContainerDefinition(image=CPU_IMAGE),
        ContainerDefinition(image=ContainerImage.from_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/post:1")),
    ])
    realtime(stack, model=model)
    template = template_of(stack)
    template.has_resource_properties("AWS::SageMaker::Model", {
        "Containers": Match.array_with([Match.object_like({"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/pre:1"})]),
        "InferenceExecutionConfig": {"Mode": "Serial"},
    })
    (model_resource,) = resources_of(template.to_json(), "AWS::SageMaker::Model").values()
    assert len(model_resource["Properties"]["Containers"]) == 3


def test_direct_invocation_is_served() -> None:
    stack = new_stack()
    model = InferenceModel(stack, "Direct", inference_execution_mode=InferenceExecutionMode.DIRECT, containers=[
        ContainerDefinition(image=CPU_IMAGE, container_hostname="ranker"),
        ContainerDefinition(image=CPU_IMAGE, container_hostname="embedder"),
    ])
    realtime(stack, model=model)
    template_of(stack).has_resource_properties("AWS::SageMaker::Model", {
        "Containers": [Match.object_like({"ContainerHostname": "ranker"}),
                       Match.object_like({"ContainerHostname": "embedder"})],
        "InferenceExecutionConfig": {"Mode": "Direct"},
    })


def test_fails_when_direct_invocation_lacks_hostnames() -> None:
    stack = new_stack()
    with pytest.raises(ValidationError) as caught:
        InferenceModel(stack, "Direct", inference_execution_mode=InferenceExecutionMode.DIRECT,
                       containers=[ContainerDefinition(image=CPU_IMAGE), ContainerDefinition(image=CPU_IMAGE)])
    assert "Direct invocation needs a hostname on every container" in str(caught.value)


def test_vpc_and_network_isolation_come_from_the_model() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0, subnet_configuration=[
        ec2.SubnetConfiguration(name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)])
    realtime(stack, model=model_in(stack, vpc=vpc, network_isolation=True))
    template_of(stack).has_resource_properties("AWS::SageMaker::Model", {
        "EnableNetworkIsolation": True,
        "VpcConfig": {"Subnets": Match.any_value(), "SecurityGroupIds": Match.any_value()},
    })


# --------------------------------------------------------------------------- grants, metrics, alarms
def test_grant_invoke_allows_exactly_invoke_on_the_endpoint() -> None:
    stack = new_stack()
    endpoint = realtime(stack)
    role = iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    endpoint.grant_invoke(role)
    template_of(stack).has_resource_properties("AWS::IAM::Policy", {
        "Roles": [{"Ref": Match.string_like_regexp("Caller")}],
        "PolicyDocument": {"Statement": [{
            "Action": ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"],
            "Effect": "Allow", "Resource": {"Ref": Match.string_like_regexp("Endpoint")},
        }], "Version": "2012-10-17"},
    })


def test_imported_endpoint_can_be_granted_and_monitored() -> None:
    stack = new_stack(construct_id="Consumer", env={"account": "123456789012", "region": "eu-west-1"})
    imported = Endpoint.from_endpoint_arn(stack, "Shared", "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/rt")
    role = iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    imported.grant_invoke(role)
    assert imported.endpoint_name == "rt"
    assert imported.metric("ModelLatency", variant_name="AllTraffic").dimensions == {
        "EndpointName": "rt", "VariantName": "AllTraffic"}


def test_metrics_use_official_names_statistics_and_dimensions() -> None:
    stack = new_stack()
    endpoint = realtime(stack, variants=[variant(stack, "A"), variant(stack, "B")], endpoint_name="orders")
    cases = {
        endpoint.metric_invocations(): ("Invocations", "Sum", "AWS/SageMaker"),
        endpoint.metric_invocations_per_instance(): ("InvocationsPerInstance", "Sum", "AWS/SageMaker"),
        endpoint.metric_invocation_4xx_errors(): ("Invocation4XXErrors", "Sum", "AWS/SageMaker"),
        endpoint.metric_invocation_5xx_errors(): ("Invocation5XXErrors", "Sum", "AWS/SageMaker"),
        endpoint.metric_model_latency(): ("ModelLatency", "Average", "AWS/SageMaker"),
        endpoint.metric_overhead_latency(): ("OverheadLatency", "Average", "AWS/SageMaker"),
        endpoint.metric_cpu_utilization(): ("CPUUtilization", "Average", "/aws/sagemaker/Endpoints"),
        endpoint.metric_memory_utilization(): ("MemoryUtilization", "Average", "/aws/sagemaker/Endpoints"),
        endpoint.metric_gpu_utilization(): ("GPUUtilization", "Average", "/aws/sagemaker/Endpoints"),
        endpoint.metric_gpu_memory_utilization(): ("GPUMemoryUtilization", "Average", "/aws/sagemaker/Endpoints"),
        endpoint.metric_disk_utilization(): ("DiskUtilization", "Average", "/aws/sagemaker/Endpoints"),
    }
    for metric, (name, statistic, namespace) in cases.items():
        assert (metric.metric_name, metric.statistic, metric.namespace) == (name, statistic, namespace)
        assert metric.dimensions == {"EndpointName": "orders", "VariantName": "A"}
    assert endpoint.metric_model_latency("p99", variant_name="B").statistic == "p99"
    assert endpoint.metric_invocations(variant_name="B").dimensions["VariantName"] == "B"


def test_metrics_of_an_unnamed_endpoint_reference_its_generated_name() -> None:
    endpoint = realtime()
    stack = endpoint.node.scope
    resolved = stack.resolve(endpoint.metric_invocations().dimensions["EndpointName"])
    assert resolved["Fn::GetAtt"][0].startswith("Endpoint") and resolved["Fn::GetAtt"][1] == "EndpointName"


def test_fails_when_metric_names_an_unknown_variant() -> None:
    endpoint = realtime()
    with pytest.raises(ValidationError) as caught:
        endpoint.metric_invocations(variant_name="Blue")
    assert "variant_name = 'Blue': is not a variant of this endpoint (AllTraffic)" in str(caught.value)


def test_alarms_watch_the_5xx_rate_and_the_p99_latency() -> None:
    endpoint = realtime(endpoint_name="orders")
    endpoint.alarm_5xx_rate(threshold_percent=2.5, evaluation_periods=5)
    endpoint.alarm_p99_latency(threshold=Duration.millis(250))
    template = template_of(endpoint.node.scope)
    template.has_resource_properties("AWS::CloudWatch::Alarm", {
        "Threshold": 2.5, "EvaluationPeriods": 5, "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "Metrics": Match.array_with([
            Match.object_like({"Expression": "IF(invocations > 0, 100 * errors / invocations, 0)"}),
            Match.object_like({"Id": "errors", "MetricStat": Match.object_like({"Metric": {
                "Namespace": "AWS/SageMaker", "MetricName": "Invocation5XXErrors",
                "Dimensions": [{"Name": "EndpointName", "Value": "orders"},
                               {"Name": "VariantName", "Value": "AllTraffic"}]}})}),
        ]),
    })
    template.has_resource_properties("AWS::CloudWatch::Alarm", {
        "MetricName": "ModelLatency", "ExtendedStatistic": "p99", "Threshold": 250000,
        "Namespace": "AWS/SageMaker", "Period": 60,
    })


@pytest.mark.parametrize("kwargs,message", [
    ({"threshold_percent": float("nan")}, "threshold_percent = nan: nan is not a finite number"),
    ({"evaluation_periods": 0}, "evaluation_periods = 0: 0 is out of range: must be at least 1"),
    ({"evaluation_periods": 1441}, "evaluation_periods = 1441: 1441 periods of 60 seconds span 86,460 seconds"),
    ({"evaluation_periods": 169, "period": Duration.hours(1)},
     "169 periods of 3600 seconds span 608,400 seconds: CloudWatch evaluates at most 604,800 seconds (seven days)"),
    ({"evaluation_periods": 1, "period": Duration.days(8)},
     "period = '691200 seconds': one period of 691,200 seconds is longer than CloudWatch evaluates (604,800 seconds, "
     "seven days)"),
])
def test_fails_when_5xx_alarm_settings_are_wrong(kwargs: dict[str, Any], message: str) -> None:
    endpoint = realtime(endpoint_name="orders")
    with pytest.raises(ValidationError) as caught:
        endpoint.alarm_5xx_rate(**kwargs)
    assert message in str(caught.value) and "rule props." in str(caught.value)


@pytest.mark.parametrize("kwargs,message", [
    ({"threshold_percent": -1}, "threshold_percent = -1: -1: the metric is never negative, so the alarm (> -1) "
                                "fires whenever there is data"),
    ({"threshold_percent": 100}, "threshold_percent = 100: 100: the metric is at most 100, so the alarm (> 100) "
                                 "never fires"),
])
def test_warns_when_the_5xx_threshold_cannot_mean_what_it_says(kwargs: dict[str, Any], message: str) -> None:
    # CloudWatch takes any threshold, so these are warnings (props.alarm-threshold), not refusals.
    endpoint = realtime(endpoint_name="orders")
    endpoint.alarm_5xx_rate(**kwargs)
    warnings = warnings_of(Stack.of(endpoint))
    assert any(message in w and "props.alarm-threshold" in w for w in warnings), warnings


def test_a_zero_threshold_on_a_greater_than_alarm_is_zero_tolerance_not_a_warning() -> None:
    """Found by review: 0 % on alarm_5xx_rate (> 0: any 5XX error) was warned about as firing on any value."""
    endpoint = realtime(endpoint_name="orders")
    endpoint.alarm_5xx_rate(threshold_percent=0)
    endpoint.alarm_p99_latency(threshold=Duration.millis(0))
    assert not [w for w in warnings_of(Stack.of(endpoint)) if "props.alarm-threshold" in w]


def test_a_threshold_beyond_any_double_is_a_validation_error() -> None:
    """Found by review: threshold_percent=10**400 escaped as a raw OverflowError from math.isfinite."""
    endpoint = realtime(endpoint_name="orders")
    with pytest.raises(ValidationError) as caught:
        endpoint.alarm_5xx_rate(threshold_percent=10**400)
    assert "threshold_percent = 'a 1329-bit integer': a 1329-bit integer is not a finite number" in str(caught.value)


def test_an_alarm_may_span_the_whole_day_cloudwatch_evaluates() -> None:
    endpoint = realtime(endpoint_name="orders")
    endpoint.alarm_5xx_rate(evaluation_periods=1440)
    endpoint.alarm_p99_latency(threshold=Duration.millis(250), period=Duration.hours(1), evaluation_periods=168)
    assert not [w for w in warnings_of(Stack.of(endpoint)) if "props.alarm" in w]


def test_a_rollback_configuration_lists_at_least_one_alarm() -> None:
    """Found by review: add_rollback_alarm() with no alarm rendered AutoRollbackConfiguration.Alarms = [],
    which the service refuses (botocore AlarmList min 1)."""
    endpoint = realtime(endpoint_name="orders", deployment=DeploymentGuardrails.all_at_once(
        wait=Duration.minutes(5)))
    with pytest.raises(ValidationError) as caught:
        endpoint.add_rollback_alarm()
    assert "no alarm given: an AutoRollbackConfiguration lists 1 to 10 alarms" in str(caught.value)
    assert "rule guardrails.rollback-alarms" in str(caught.value)
    endpoint.add_rollback_alarm(endpoint.alarm_5xx_rate())
    endpoint.add_rollback_alarm()  # nothing to add, the list stays valid
    assert len(endpoint.rollback_alarms) == 1


def test_fails_when_latency_alarm_threshold_is_not_a_duration() -> None:
    endpoint = realtime(endpoint_name="orders")
    with pytest.raises(ValidationError) as caught:
        endpoint.alarm_p99_latency(threshold=500)  # type: ignore[arg-type]
    assert "threshold = 500: must be Duration, got int" in str(caught.value)


# --------------------------------------------------------------------------- types and tokens
@pytest.mark.parametrize("kwargs,field", [
    ({"model": "my-model"}, "model"),
    ({"deployment": "canary"}, "deployment"),
    ({"data_capture": True}, "data_capture"),
    ({"allow_unknown_instance_type": "yes"}, "allow_unknown_instance_type"),
])
def test_fails_with_a_validation_error_on_wrong_types(kwargs: dict[str, Any], field: str) -> None:
    error = refused(**kwargs)
    assert error.fields == (field,)
    assert "Test/Endpoint" in str(error) and "must be" in str(error)


def test_fails_when_variants_is_not_a_list() -> None:
    stack = new_stack()
    error = refused(stack, variants=variant(stack, "A"))
    assert error.fields == ("variants",) and "must be a list, got ProductionVariant" in str(error)


def test_skips_unresolved_tokens() -> None:
    stack = new_stack()
    count = CfnParameter(stack, "Count", type="Number").value_as_number
    name = CfnParameter(stack, "Name").value_as_string
    realtime(stack, instance_count=count, endpoint_name=name, volume_size_gb=count)
    template_of(stack).has_resource_properties("AWS::SageMaker::EndpointConfig", {
        "ProductionVariants": [Match.object_like({"InitialInstanceCount": {"Ref": "Count"}})]})


def test_collects_every_problem_in_one_error() -> None:
    error = refused(instance_count=0, volume_size_gb=600, endpoint_name="bad_name",
                    deployment=canary(percent=60))
    assert set(error.fields) == {"instance_count", "volume_size_gb", "endpoint_name", "deployment.canary_size"}
    assert "has 4 invalid settings" in str(error)


# --------------------------------------------------------------------------- snapshots, lint, nag
def _full(stack: Any) -> RealtimeEndpoint:
    scaling = InstanceScaling(min_capacity=2, max_capacity=6, target_invocations_per_instance=200, schedules=[
        ScheduledCapacity(schedule=appscaling.Schedule.cron(hour="7", minute="0"), min_capacity=3)])
    endpoint = RealtimeEndpoint(
        stack, "Endpoint", endpoint_name="orders",
        variants=[variant(stack, "Current", initial_weight=0.8, autoscaling=scaling,
                          volume_size_gb=30, model_data_download_timeout=Duration.minutes(10),
                          container_startup_health_check_timeout=Duration.minutes(10),
                          routing_strategy=RoutingStrategy.LEAST_OUTSTANDING_REQUESTS),
                  variant(stack, "Challenger", initial_weight=0.2, autoscaling=scaling)],
        data_capture=DataCapture(bucket=capture_bucket(stack), prefix="capture", sampling_percentage=10,
                                 csv_content_types=["text/csv"], json_content_types=["application/json"],
                                 kms_key=kms.Key(stack, "CaptureKey", enable_key_rotation=True)),
        kms_key=kms.Key(stack, "VolumeKey", enable_key_rotation=True),
        deployment=DeploymentGuardrails.canary(percent=20, wait=Duration.minutes(10),
                                               termination_wait=Duration.minutes(5),
                                               maximum_execution_timeout=Duration.hours(1)),
    )
    for name in ("Current", "Challenger"):
        endpoint.add_rollback_alarm(endpoint.alarm_5xx_rate(variant_name=name),
                                    endpoint.alarm_p99_latency(variant_name=name, threshold=Duration.millis(500)))
    return endpoint


def test_snapshot_default(snapshot_json: Any) -> None:
    endpoint = realtime(endpoint_name="orders")
    stack = endpoint.node.scope
    template = template_of(stack)
    template.resource_count_is("AWS::SageMaker::Endpoint", 1)
    template.resource_count_is("AWS::ApplicationAutoScaling::ScalableTarget", 0)
    template.has_resource_properties("AWS::SageMaker::EndpointConfig", {"ProductionVariants": [{
        "ModelName": Match.any_value(), "VariantName": "AllTraffic", "InstanceType": "ml.m5.large",
        "InitialInstanceCount": 2, "InitialVariantWeight": 1}]})
    assert snapshot_of(stack) == snapshot_json


def test_snapshot_fully_featured(snapshot_json: Any) -> None:
    stack = new_stack()
    _full(stack)
    template = template_of(stack)
    template.resource_count_is("AWS::ApplicationAutoScaling::ScalableTarget", 2)
    template.resource_count_is("AWS::ApplicationAutoScaling::ScalingPolicy", 2)
    template.resource_count_is("AWS::CloudWatch::Alarm", 4)
    template.has_resource_properties("AWS::SageMaker::Endpoint", {"DeploymentConfig": {
        "BlueGreenUpdatePolicy": Match.object_like({"TrafficRoutingConfiguration": Match.object_like({
            "Type": "CANARY", "CanarySize": {"Type": "CAPACITY_PERCENT", "Value": 20}})}),
        "AutoRollbackConfiguration": {"Alarms": Match.array_with([Match.object_like({"AlarmName": Match.any_value()})])},
    }})
    template.has_resource_properties("AWS::SageMaker::EndpointConfig", {
        "KmsKeyId": Match.any_value(),
        "DataCaptureConfig": Match.object_like({"InitialSamplingPercentage": 10}),
    })
    assert snapshot_of(stack) == snapshot_json


def test_templates_pass_cfn_lint() -> None:
    default = realtime()
    assert cfn_lint_errors(template_of(default.node.scope).to_json()) == []
    stack = new_stack()
    _full(stack)
    assert cfn_lint_errors(template_of(stack).to_json()) == []


def test_defaults_pass_cdk_nag_aws_solutions() -> None:
    endpoint = realtime()
    assert nag_findings(endpoint.node.root) == []


def test_full_configuration_passes_cdk_nag_aws_solutions() -> None:
    stack = new_stack()
    _full(stack)
    assert nag_findings(stack.node.root) == []


def test_example_stack_is_clean_and_rolls_back_on_alarms() -> None:
    app = new_app()
    stack = RealtimeStack(app, "RealtimeInference", synthesizer=synthesizer(app))
    template = template_of(stack)
    template.resource_count_is("AWS::CloudWatch::Alarm", 4)
    template.resource_count_is("AWS::ApplicationAutoScaling::ScalableTarget", 2)
    (resource,) = resources_of(template.to_json(), "AWS::SageMaker::Endpoint").values()
    deployment = resource["Properties"]["DeploymentConfig"]
    assert deployment["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"]["Type"] == "CANARY"
    assert len(deployment["AutoRollbackConfiguration"]["Alarms"]) == 4
    template.has_resource_properties("AWS::S3::Bucket", {
        "PublicAccessBlockConfiguration": Match.object_like({"BlockPublicAcls": True}),
        "LoggingConfiguration": Match.object_like({"LogFilePrefix": "capture-bucket/"}),
    })
    assert cfn_lint_errors(template.to_json()) == []
    assert nag_findings(app) == []


def test_step_scaling_alarms_evaluate_one_period_by_default_within_cloudwatchs_window() -> None:
    """Found by review: the window was checked only when evaluation_periods was given; aws-cdk-lib's default is 1,
    so a step-scaling metric with an 8-day period synthesized alarms CloudWatch refuses."""
    stack = new_stack()
    metric = cloudwatch.Metric(namespace="Custom", metric_name="Queue", period=Duration.days(8))
    steps = [appscaling.ScalingInterval(upper=10, change=-1), appscaling.ScalingInterval(lower=50, change=1)]
    with pytest.raises(ValidationError) as caught:
        RealtimeEndpoint(stack, "Endpoint", model=model_in(stack), instance_type=InstanceType.M5_LARGE,
                         autoscaling=InstanceScaling(min_capacity=1, max_capacity=3,
                                                     step_scaling=StepScaling(metric=metric, steps=steps)))
    assert "autoscaling.step_scaling.metric = '691200 seconds': one period of 691,200 seconds" in str(caught.value)
    assert "use a period of at most 604,800 seconds (seven days)" in str(caught.value)


def test_a_scheduled_capacity_cron_is_checked_field_by_field() -> None:
    """Found by review (for batch schedules; the same cron syntax here): hour 25 or day-of-week 8 synthesized
    scheduled actions that Application Auto Scaling refuses at deploy."""
    def endpoint(stack: Any, schedule: appscaling.Schedule) -> RealtimeEndpoint:
        return RealtimeEndpoint(stack, "Endpoint", model=model_in(stack), instance_type=InstanceType.M5_LARGE,
                                autoscaling=InstanceScaling(min_capacity=1, max_capacity=3,
                                                            target_invocations_per_instance=100,
                                                            schedules=[ScheduledCapacity(schedule=schedule,
                                                                                         min_capacity=2)]))

    endpoint(new_stack(), appscaling.Schedule.cron(hour="8", minute="0", week_day="MON-FRI"))
    endpoint(new_stack(), appscaling.Schedule.rate(Duration.hours(1)))
    for schedule, text in ((appscaling.Schedule.cron(hour="25", minute="0"), "the hours field has '25'"),
                           (appscaling.Schedule.expression("cron(0 8 ? * 8 *)"), "the day-of-week field has '8'")):
        with pytest.raises(ValidationError) as caught:
            endpoint(new_stack(), schedule)
        assert "rule autoscaling.schedule" in str(caught.value) and text in str(caught.value), str(caught.value)
        assert caught.value.fields == ("autoscaling.schedules[0].schedule",)


@pytest.mark.parametrize("expression", ["rate(5 minutes)", "rate(1 hours)", "rate(1 hour)", "at(2030-01-31T02:00:00)",
                                        "cron(0 8 ? * MON-FRI *)"])
def test_a_scheduled_capacity_rate_or_one_time_schedule_is_accepted(expression: str) -> None:
    """Application Auto Scaling documents the units of a rate as minute | minutes | hour | hours | day | days, without
    EventBridge's singular-for-1 rule: ``rate(1 hours)`` is not refused here."""
    stack = new_stack()
    RealtimeEndpoint(stack, "Endpoint", model=model_in(stack), instance_type=InstanceType.M5_LARGE,
                     autoscaling=InstanceScaling(min_capacity=1, max_capacity=3, target_invocations_per_instance=100,
                                                 schedules=[ScheduledCapacity(
                                                     schedule=appscaling.Schedule.expression(expression),
                                                     min_capacity=2)]))
    [target] = resources_of(template_of(stack).to_json(), "AWS::ApplicationAutoScaling::ScalableTarget").values()
    assert [a["Schedule"] for a in target["Properties"]["ScheduledActions"]] == [expression]


@pytest.mark.parametrize("expression,text", [
    ("rate(0 hours)", "the rate must be at least 1"),
    ("rate(\uff15 minutes)", "is not a valid rate expression"),
    ("rate(5 minutes)\n", "is not a valid rate expression"),
    ("every day", "is not one of rate(...), cron(...) or at(...)"),
    ("at(2030-13-45T99:99:99)", "is not at(yyyy-mm-ddThh:mm:ss) with a real date and time"),
    ("cron(0\t12 * * ? *)", "a cron expression has 6 fields"),
])
def test_a_scheduled_capacity_rate_or_one_time_schedule_is_checked(expression: str, text: str) -> None:
    """Found by review: only cron() schedules were checked; a rate of 0, plain text or month 13 in at() synthesized
    scheduled actions that Application Auto Scaling refuses (PutScheduledAction.Schedule)."""
    stack = new_stack()
    with pytest.raises(ValidationError) as caught:
        RealtimeEndpoint(stack, "Endpoint", model=model_in(stack), instance_type=InstanceType.M5_LARGE,
                         autoscaling=InstanceScaling(min_capacity=1, max_capacity=3, target_invocations_per_instance=100,
                                                     schedules=[ScheduledCapacity(
                                                         schedule=appscaling.Schedule.expression(expression),
                                                         min_capacity=2)]))
    assert caught.value.fields == ("autoscaling.schedules[0].schedule",)
    assert f"autoscaling.schedules[0].schedule = {expression!r}: {text}" in str(caught.value)
    assert "rule autoscaling.schedule" in str(caught.value)
