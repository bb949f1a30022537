"""Today's variant and model options: the inference AMI version of a variant, and accepting a gated
model's EULA for uncompressed model data. Each constraint with a passing and a failing case."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_s3 as s3

from cdk_sagemaker_inference import (
    AsyncEndpoint,
    ContainerImage,
    InferenceModel,
    InstanceType,
    ModelData,
    ProductionVariant,
    RealtimeEndpoint,
    ServerlessEndpoint,
    ValidationError,
)
from cdk_sagemaker_inference.instance_types import known_inference_ami_versions
from helpers import cfn_lint_errors, new_stack, resources_of, template_of, warnings_of

GPU_AMI = "al2-ami-sagemaker-inference-gpu-3-1"  # CUDA 12.4 (botocore's documentation of the AMI)
NEURON_AMI = "al2-ami-sagemaker-inference-neuron-2"
GPU_IMAGE_CU121 = ContainerImage.from_dlc("pytorch-inference", "2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker")
GPU_IMAGE_CU128 = ContainerImage.from_dlc("pytorch-inference", "2.7.1-gpu-py312-cu128-ubuntu22.04-sagemaker")
NEURON_IMAGE = ContainerImage.from_dlc("pytorch-inference-neuronx", "2.1.2-neuronx-py310-sdk2.20.0-ubuntu20.04")
CPU_IMAGE = ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311")


def model(stack: Stack, image: ContainerImage, construct_id: str = "Model", **data: Any) -> InferenceModel:
    bucket = s3.Bucket.from_bucket_name(stack, f"{construct_id}Bucket", "my-models")
    return InferenceModel(stack, construct_id, image=image,
                          model_data=data.pop("model_data", ModelData.from_bucket(bucket, "m/model.tar.gz")))


def realtime(instance_type: str, ami: str | None, image: ContainerImage = GPU_IMAGE_CU121) -> Stack:
    stack = new_stack()
    RealtimeEndpoint(stack, "Endpoint", variants=[ProductionVariant(
        variant_name="AllTraffic", model=model(stack, image), instance_type=InstanceType.of(instance_type),
        instance_count=2, inference_ami_version=ami)])
    return stack


def variant_of(stack: Stack) -> dict[str, Any]:
    [config] = resources_of(template_of(stack).to_json(), "AWS::SageMaker::EndpointConfig").values()
    return dict(config["Properties"]["ProductionVariants"][0])


def refused(build: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        build()
    return caught.value


# ------------------------------------------------------------------ inference AMI version
def test_the_amis_come_from_the_service_model() -> None:
    assert {GPU_AMI, NEURON_AMI} <= known_inference_ami_versions()


def test_a_gpu_ami_on_a_gpu_type_is_rendered() -> None:
    stack = realtime("ml.g5.xlarge", GPU_AMI)
    assert variant_of(stack)["InferenceAmiVersion"] == GPU_AMI
    assert cfn_lint_errors(template_of(stack).to_json()) == []
    assert not [w for w in warnings_of(stack) if "inference-ami" in w]


def test_an_unknown_ami_version_is_refused_with_the_list() -> None:
    error = refused(lambda: realtime("ml.g5.xlarge", "al2-ami-sagemaker-inference-gpu-9"))
    text = str(error)
    assert error.fields == ("variants[0].inference_ami_version",)
    assert "is not an inference AMI version of SageMaker's model" in text and GPU_AMI in text
    assert "rule realtime.inference-ami-version" in text


def test_a_gpu_ami_on_a_cpu_type_is_refused() -> None:
    error = refused(lambda: realtime("ml.m5.xlarge", GPU_AMI, CPU_IMAGE))
    text = str(error)
    assert "is a GPU AMI, and ml.m5.xlarge has no NVIDIA GPU" in text
    assert "rule realtime.inference-ami-accelerator" in text and "Accelerator" in text


@pytest.mark.parametrize("instance_type", ["ml.inf2.xlarge", "ml.trn1.2xlarge"])
def test_the_neuron_ami_on_inferentia2_or_trainium_is_accepted(instance_type: str) -> None:
    assert variant_of(realtime(instance_type, NEURON_AMI, NEURON_IMAGE))["InferenceAmiVersion"] == NEURON_AMI


@pytest.mark.parametrize("instance_type", ["ml.inf1.xlarge", "ml.g5.xlarge"])
def test_the_neuron_ami_elsewhere_is_refused(instance_type: str) -> None:
    error = refused(lambda: realtime(instance_type, NEURON_AMI, NEURON_IMAGE))
    assert f"is a Neuron AMI for Inferentia2 and Trainium, and {instance_type} is neither" in str(error)


def test_an_image_built_for_a_newer_cuda_than_the_ami_warns() -> None:
    stack = realtime("ml.g5.xlarge", GPU_AMI, GPU_IMAGE_CU128)
    [warning] = [w for w in warnings_of(stack) if "realtime.inference-ami-cuda" in w]
    assert "provides CUDA 12.4, and the image" in warning and "is built for CUDA 12.8" in warning
    newer = realtime("ml.g5.xlarge", "al2023-ami-sagemaker-inference-gpu-4-1", GPU_IMAGE_CU128)
    assert not [w for w in warnings_of(newer) if "inference-ami-cuda" in w]


@pytest.mark.parametrize(("uri", "warns"), [
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/trt-cu129-server", False),  # the repository's name
    ("registry.example.com:5000/llm-cu129-server", False),                     # a registry port
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:cu129@sha256:" + "a" * 64, True),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:2.0-cu129", True),
])
def test_the_cuda_warning_reads_the_tag_only(uri: str, warns: bool) -> None:
    """Found by review: the warning read whatever followed the last ':', a repository name or a port included,
    and missed a tag before a digest; the serverless accelerator check had the same class."""
    stack = realtime("ml.g5.xlarge", GPU_AMI, ContainerImage.from_uri(uri))
    assert bool([w for w in warnings_of(stack) if "realtime.inference-ami-cuda" in w]) is warns


def test_async_endpoints_take_and_check_the_ami() -> None:
    stack = new_stack()
    AsyncEndpoint(stack, "Endpoint", model=model(stack, GPU_IMAGE_CU121), instance_type=InstanceType.of("ml.g5.xlarge"),
                  inference_ami_version=GPU_AMI)
    assert variant_of(stack)["InferenceAmiVersion"] == GPU_AMI
    other = new_stack()
    error = refused(lambda: AsyncEndpoint(other, "Endpoint", model=model(other, CPU_IMAGE),
                                          instance_type=InstanceType.M5_LARGE, inference_ami_version=GPU_AMI))
    assert error.fields == ("inference_ami_version",)


# ------------------------------------------------------------------ gated models: ModelAccessConfig.AcceptEula
def test_accepting_the_eula_of_uncompressed_model_data_is_rendered() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Weights", "jumpstart-weights")
    gated = InferenceModel(stack, "Model", image=GPU_IMAGE_CU121,
                           model_data=ModelData.from_uncompressed_prefix(bucket, "llama/", accept_eula=True))
    RealtimeEndpoint(stack, "Endpoint", model=gated, instance_type=InstanceType.of("ml.g5.2xlarge"), instance_count=2)
    [model_resource] = resources_of(template_of(stack).to_json(), "AWS::SageMaker::Model").values()
    source = model_resource["Properties"]["PrimaryContainer"]["ModelDataSource"]["S3DataSource"]
    assert source["ModelAccessConfig"] == {"AcceptEula": True} and source["CompressionType"] == "None"
    assert cfn_lint_errors(template_of(stack).to_json()) == []


def test_without_accept_eula_no_model_access_config_is_written() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Weights", "weights")
    InferenceModel(stack, "Model", image=GPU_IMAGE_CU121, model_data=ModelData.from_uncompressed_prefix(bucket, "m/"))
    [model_resource] = resources_of(template_of(stack).to_json(), "AWS::SageMaker::Model").values()
    assert "ModelAccessConfig" not in model_resource["Properties"]["PrimaryContainer"]["ModelDataSource"]["S3DataSource"]


def test_a_gated_model_is_refused_where_uncompressed_data_is() -> None:
    """AcceptEula exists only on ModelDataSource, which serverless endpoints refuse."""
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Weights", "weights")
    gated = InferenceModel(stack, "Model", image=CPU_IMAGE,
                           model_data=ModelData.from_uncompressed_prefix(bucket, "m/", accept_eula=True))
    error = refused(lambda: ServerlessEndpoint(stack, "Endpoint", model=gated, memory_size_mb=2048, max_concurrency=5))
    assert "ModelDataSource" in str(error)


# ------------------------------------------------------------------ autoscaling beyond invocations per instance
def scaled(scaling: Any, instance_type: str = "ml.g5.xlarge") -> Stack:
    from cdk_sagemaker_inference import InstanceScaling

    stack = new_stack()
    RealtimeEndpoint(stack, "Endpoint", model=model(stack, GPU_IMAGE_CU121), instance_type=InstanceType.of(instance_type),
                     instance_count=2, endpoint_name="llm", autoscaling=InstanceScaling(
                         min_capacity=2, max_capacity=6, **scaling))
    return stack


def policies_of(stack: Stack) -> dict[str, dict[str, Any]]:
    found = resources_of(template_of(stack).to_json(), "AWS::ApplicationAutoScaling::ScalingPolicy")
    return {body["Properties"]["PolicyName"]: body["Properties"] for body in found.values()}


def test_high_resolution_concurrency_tracks_the_predefined_metric() -> None:
    [policy] = policies_of(scaled({"target_concurrent_requests_per_model": 4})).values()
    config = policy["TargetTrackingScalingPolicyConfiguration"]
    assert config["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "SageMakerVariantConcurrentRequestsPerModelHighResolution"}
    assert config["TargetValue"] == 4


def test_cpu_and_gpu_utilization_track_the_instance_metrics_beside_invocations() -> None:
    stack = scaled({"target_invocations_per_instance": 100, "target_cpu_utilization": 70, "target_gpu_utilization": 80})
    configs = [p["TargetTrackingScalingPolicyConfiguration"] for p in policies_of(stack).values()]
    custom = {c["CustomizedMetricSpecification"]["MetricName"]: c for c in configs if "CustomizedMetricSpecification" in c}
    assert set(custom) == {"CPUUtilization", "GPUUtilization"} and len(configs) == 3
    spec = custom["GPUUtilization"]["CustomizedMetricSpecification"]
    assert spec["Namespace"] == "/aws/sagemaker/Endpoints" and spec["Statistic"] == "Average"
    assert {d["Name"] for d in spec["Dimensions"]} == {"EndpointName", "VariantName"}
    assert custom["CPUUtilization"]["TargetValue"] == 70
    assert cfn_lint_errors(template_of(stack).to_json()) == []


def test_any_metric_and_step_scaling() -> None:
    from aws_cdk import aws_applicationautoscaling as appscaling
    from aws_cdk import aws_cloudwatch as cloudwatch

    from cdk_sagemaker_inference import MetricTarget, StepScaling

    queue = cloudwatch.Metric(namespace="Orders", metric_name="QueueDepth", statistic="Average")
    stack = scaled({"custom_targets": [MetricTarget(metric=queue, target_value=50)],
                    "step_scaling": StepScaling(metric=queue, steps=[
                        appscaling.ScalingInterval(upper=10, change=-1), appscaling.ScalingInterval(lower=200, change=2)])})
    kinds = sorted(p["PolicyType"] for p in policies_of(stack).values())
    assert kinds == ["StepScaling", "StepScaling", "TargetTrackingScaling"]
    assert len(resources_of(template_of(stack).to_json(), "AWS::CloudWatch::Alarm")) == 2


@pytest.mark.parametrize("field", ["target_concurrent_requests_per_model", "target_cpu_utilization",
                                   "target_gpu_utilization"])
def test_a_target_of_zero_is_refused(field: str) -> None:
    error = refused(lambda: scaled({field: 0}))
    assert f"autoscaling.{field} = 0: 0 is not > 0" in str(error) and "rule autoscaling.target-value" in str(error)


def test_step_scaling_needs_two_intervals() -> None:
    from aws_cdk import aws_applicationautoscaling as appscaling
    from aws_cdk import aws_cloudwatch as cloudwatch

    from cdk_sagemaker_inference import StepScaling

    metric = cloudwatch.Metric(namespace="Orders", metric_name="QueueDepth")
    error = refused(lambda: scaled({"step_scaling": StepScaling(metric=metric, steps=[
        appscaling.ScalingInterval(lower=200, change=2)])}))
    text = str(error)
    assert "autoscaling.step_scaling.steps = 1: has 1 interval(s)" in text and "at least 2" in text
    assert "rule autoscaling.step-intervals" in text


def test_autoscaling_without_any_policy_warns() -> None:
    stack = scaled({})
    [warning] = [w for w in warnings_of(stack) if "autoscaling.no-policy" in w]
    assert "never scales" in warning and "target_invocations_per_instance=100" in warning
    assert not [w for w in warnings_of(scaled({"target_cpu_utilization": 70})) if "autoscaling.no-policy" in w]


# ------------------------------------------------------------------ SSM access, capacity reservations, metrics
RESERVATION = "arn:aws:sagemaker:us-east-1:111122223333:training-plan/llm-serving"


def one_variant(stack: Stack, **variant: Any) -> ProductionVariant:
    return ProductionVariant(variant_name="AllTraffic", model=model(stack, CPU_IMAGE),
                             instance_type=InstanceType.M5_LARGE, instance_count=2, **variant)


def test_ssm_access_and_a_capacity_reservation_are_rendered() -> None:
    stack = new_stack()
    RealtimeEndpoint(stack, "Endpoint", variants=[one_variant(stack, enable_ssm_access=True,
                                                              capacity_reservation_arn=RESERVATION)])
    rendered = variant_of(stack)
    assert rendered["EnableSSMAccess"] is True
    assert rendered["CapacityReservationConfig"] == {"CapacityReservationPreference": "capacity-reservations-only",
                                                     "MlReservationArn": RESERVATION}
    assert cfn_lint_errors(template_of(stack).to_json()) == []


def test_a_capacity_reservation_that_is_not_an_arn_is_refused() -> None:
    stack = new_stack()
    error = refused(lambda: RealtimeEndpoint(stack, "Endpoint", variants=[
        one_variant(stack, capacity_reservation_arn="llm-serving")]))
    assert error.fields == ("variants[0].capacity_reservation_arn",)
    assert "rule realtime.capacity-reservation" in str(error)


def test_the_metrics_frequency_and_enhanced_metrics_are_rendered() -> None:
    from aws_cdk import Duration

    stack = new_stack()
    RealtimeEndpoint(stack, "Endpoint", variants=[one_variant(stack)],
                     metrics_publish_frequency=Duration.seconds(10), enhanced_metrics=True)
    [config] = resources_of(template_of(stack).to_json(), "AWS::SageMaker::EndpointConfig").values()
    assert config["Properties"]["MetricsConfig"] == {"MetricPublishFrequencyInSeconds": 10,
                                                     "EnableEnhancedMetrics": True}
    assert cfn_lint_errors(template_of(stack).to_json()) == []


def test_a_metrics_frequency_outside_the_documented_values_is_refused() -> None:
    from aws_cdk import Duration

    stack = new_stack()
    error = refused(lambda: RealtimeEndpoint(stack, "Endpoint", variants=[one_variant(stack)],
                                             metrics_publish_frequency=Duration.seconds(45)))
    text = str(error)
    assert error.fields == ("metrics_publish_frequency",)
    assert "rule realtime.metrics-frequency" in text and "10, 30, 60, 120, 180, 240, 300" in text


def test_a_metrics_frequency_known_at_deploy_time_is_rendered_as_its_reference() -> None:
    """Found by review: a token frequency (its encoding is a whole float) was converted to an int, which is no
    longer a token, and refused with the encoding's digits as the value. The other durations take tokens."""
    from aws_cdk import Duration, Fn, Token

    stack = new_stack()
    RealtimeEndpoint(stack, "Endpoint", variants=[one_variant(stack)],
                     metrics_publish_frequency=Duration.seconds(Token.as_number(Fn.import_value("frequency"))))
    [config] = resources_of(template_of(stack).to_json(), "AWS::SageMaker::EndpointConfig").values()
    assert config["Properties"]["MetricsConfig"] == {"MetricPublishFrequencyInSeconds": {"Fn::ImportValue": "frequency"}}


def test_no_metrics_config_by_default() -> None:
    stack = new_stack()
    RealtimeEndpoint(stack, "Endpoint", variants=[one_variant(stack)])
    [config] = resources_of(template_of(stack).to_json(), "AWS::SageMaker::EndpointConfig").values()
    assert "MetricsConfig" not in config["Properties"]


# ------------------------------------------------------------------ tokens whose literal start already breaks the rule
def test_a_token_whose_literal_start_cannot_be_an_arn_is_refused() -> None:
    from aws_cdk import Aws, Fn

    stack = new_stack()
    error = refused(lambda: RealtimeEndpoint(stack, "Endpoint", variants=[
        one_variant(stack, capacity_reservation_arn=Fn.join("-", ["x", Aws.REGION]))]))
    assert "starts with 'x-' before its first token" in str(error) and "rule realtime.capacity-reservation" in str(error)
    ok = new_stack()
    RealtimeEndpoint(ok, "Endpoint", variants=[one_variant(ok, capacity_reservation_arn=Fn.join(
        "", ["arn:aws:sagemaker:", Aws.REGION, ":111122223333:training-plan/llm"]))])


def test_a_token_ami_that_cannot_be_a_listed_version_is_refused() -> None:
    from aws_cdk import Aws

    error = refused(lambda: realtime("ml.g5.xlarge", f"gpu-{Aws.REGION}"))
    assert "starts with 'gpu-' before its first token" in str(error)
    realtime("ml.g5.xlarge", f"al2-ami-sagemaker-inference-gpu-{Aws.ACCOUNT_ID}")  # may resolve to a listed one


def test_literal_starts_and_pattern_starts() -> None:
    from cdk_sagemaker_inference.tokens import can_start_alike, literal_prefix, pattern_prefix

    assert pattern_prefix(r"^arn:aws[a-z\-]*:sagemaker:") == "arn:aws"
    assert pattern_prefix(r"^(arn:aws)?x") == "" and pattern_prefix(r"^[a-z]+$") == ""
    assert pattern_prefix(r"^abc*d") == "ab" and pattern_prefix("no-anchor") == ""
    assert literal_prefix("x-${Token[AWS.Region.9]}") == "x-" and literal_prefix("plain") == "plain"
    assert can_start_alike("arn:aws:${Token[X.1]}", "arn:aws") and can_start_alike("ar${Token[X.1]}", "arn:aws")
    assert not can_start_alike("x-${Token[X.1]}", "arn:aws")


# ------------------------------------------------------------------ found by review: no raw jsii error from the policies
def test_step_intervals_aws_cdk_lib_refuses_are_a_validation_error() -> None:
    from aws_cdk import aws_applicationautoscaling as appscaling
    from aws_cdk import aws_cloudwatch as cloudwatch

    from cdk_sagemaker_inference import StepScaling

    metric = cloudwatch.Metric(namespace="Orders", metric_name="QueueDepth")
    error = refused(lambda: scaled({"step_scaling": StepScaling(metric=metric, steps=[
        appscaling.ScalingInterval(change=1), appscaling.ScalingInterval(change=-1)])}))
    text = str(error)
    assert "autoscaling.step_scaling.steps = 2" in text and "aws-cdk-lib refuses the intervals" in text
    assert "rule autoscaling.step-intervals" in text


def test_a_math_expression_as_a_custom_target_is_a_validation_error() -> None:
    from aws_cdk import aws_cloudwatch as cloudwatch

    from cdk_sagemaker_inference import MetricTarget

    a = cloudwatch.Metric(namespace="Orders", metric_name="A")
    expression = cloudwatch.MathExpression(expression="a * 2", using_metrics={"a": a})
    error = refused(lambda: scaled({"custom_targets": [MetricTarget(metric=expression, target_value=5)]}))
    assert "autoscaling.custom_targets[0].metric = 'MathExpression'" in str(error)
    assert "rule autoscaling.custom-metric" in str(error)


def test_a_custom_target_with_a_percentile_statistic_is_a_validation_error() -> None:
    """Found by review: statistic="p99" on a custom target's metric escaped as aws-cdk-lib's raw CannotStatistic
    error (Application Auto Scaling's MetricStatistic has no extended statistics); Sum, and "avg" (which
    aws-cdk-lib reads as Average), synthesize."""
    from aws_cdk import aws_cloudwatch as cloudwatch

    from cdk_sagemaker_inference import MetricTarget

    def target(statistic: str) -> list[MetricTarget]:
        return [MetricTarget(metric=cloudwatch.Metric(namespace="Orders", metric_name="Depth", statistic=statistic),
                             target_value=5)]

    error = refused(lambda: scaled({"custom_targets": target("p99")}))
    text = str(error)
    assert "autoscaling.custom_targets[0].metric.statistic = 'p99'" in text
    assert "must be one of Average, Minimum, Maximum, SampleCount, Sum" in text
    assert "rule autoscaling.custom-metric-statistic" in text and "scale on steps" in text
    for accepted, rendered in (("Sum", "Sum"), ("avg", "Average")):
        (policy,) = [p for name, p in policies_of(scaled({"custom_targets": target(accepted)})).items()
                     if "CustomMetric0" in name]
        spec = policy["TargetTrackingScalingPolicyConfiguration"]["CustomizedMetricSpecification"]
        assert spec["Statistic"] == rendered
