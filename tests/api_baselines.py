"""Valid, fully featured calls of every public construct, factory and method (the edge walks start here).

Each baseline takes a stack and returns ``(callable, kwargs)``; a class is called as
``cls(stack, id, **kwargs)``, anything else as ``callable(**kwargs)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns

import cdk_sagemaker_inference as lib

IMAGE_URI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1"
IDS = itertools.count()

def model(stack: Stack, construct_id: str = "Model") -> lib.InferenceModel:
    bucket = s3.Bucket.from_bucket_name(stack, f"{construct_id}Bucket", "my-models")
    return lib.InferenceModel(stack, construct_id, image=lib.ContainerImage.from_uri(IMAGE_URI),
                              model_data=lib.ModelData.from_bucket(bucket, "m/model.tar.gz"),
                              environment={"A": "1"})


def _realtime(stack: Stack) -> tuple[Callable[..., Any], dict[str, Any]]:
    capture_bucket = s3.Bucket.from_bucket_name(stack, "CaptureBucket", "my-capture")
    alarm = cloudwatch.Alarm(stack, "Alarm", metric=cloudwatch.Metric(namespace="N", metric_name="M"),
                             threshold=1, evaluation_periods=1)
    return lib.RealtimeEndpoint, {
        "variants": [lib.ProductionVariant(
            variant_name="A", model=model(stack), instance_type=lib.InstanceType.M5_LARGE, instance_count=2,
            initial_weight=1.0, volume_size_gb=20, model_data_download_timeout=Duration.seconds(600),
            container_startup_health_check_timeout=Duration.seconds(600),
            routing_strategy=lib.RoutingStrategy.RANDOM,
            autoscaling=lib.InstanceScaling(
                min_capacity=2, max_capacity=4, target_invocations_per_instance=100.0,
                scale_in_cooldown=Duration.seconds(300), scale_out_cooldown=Duration.seconds(60),
                schedules=[lib.ScheduledCapacity(schedule=appscaling.Schedule.cron(hour="8", minute="0"),
                                                 min_capacity=3, max_capacity=4)]),
        )],
        "data_capture": lib.DataCapture(bucket=capture_bucket, prefix="capture", sampling_percentage=10,
                                        csv_content_types=["text/csv"]),
        "kms_key": kms.Key.from_key_arn(stack, "Key", "arn:aws:kms:us-east-1:123456789012:key/"
                                        "1234abcd-12ab-34cd-56ef-1234567890ab"),
        "deployment": lib.DeploymentGuardrails.canary(percent=50, wait=Duration.minutes(5), rollback_alarms=[alarm]),
        "endpoint_name": "edge-realtime",
    }


def _realtime_single(stack: Stack) -> tuple[Callable[..., Any], dict[str, Any]]:
    return lib.RealtimeEndpoint, {
        "model": model(stack), "instance_type": lib.InstanceType.M5_LARGE, "instance_count": 2,
        "variant_name": "A", "volume_size_gb": 20, "model_data_download_timeout": Duration.seconds(600),
        "container_startup_health_check_timeout": Duration.seconds(600),
        "routing_strategy": lib.RoutingStrategy.RANDOM, "allow_unknown_instance_type": False,
    }


def _serverless(stack: Stack) -> tuple[Callable[..., Any], dict[str, Any]]:
    return lib.ServerlessEndpoint, {
        "model": model(stack), "memory_size_mb": 2048, "max_concurrency": 10, "provisioned_concurrency": 2,
        "provisioned_concurrency_scaling": lib.ProvisionedConcurrencyScaling(
            min_capacity=1, max_capacity=5, target_utilization=0.7, scale_in_cooldown=Duration.seconds(300)),
        "endpoint_name": "edge-serverless", "variant_name": "AllTraffic",
    }


def _async(stack: Stack) -> tuple[Callable[..., Any], dict[str, Any]]:
    key = kms.Key(stack, "AsyncKey", enable_key_rotation=True)
    return lib.AsyncEndpoint, {
        "model": model(stack), "instance_type": lib.InstanceType.M5_LARGE, "initial_instance_count": 1,
        "endpoint_name": "edge-async", "variant_name": "AllTraffic",
        "model_data_download_timeout": Duration.seconds(600), "input_prefix": "in", "output_prefix": "out",
        "failure_prefix": "failed", "kms_key": key, "input_expiration": Duration.days(7),
        "output_expiration": Duration.days(30), "create_topics": True,
        "include_inference_response_in": [lib.IncludeInferenceResponseIn.SUCCESS_NOTIFICATION_TOPIC],
        "max_concurrent_invocations_per_instance": 4, "min_instances": 0, "max_instances": 3,
        "target_backlog_per_instance": 5.0, "scale_in_cooldown": Duration.seconds(600),
        "scale_out_cooldown": Duration.seconds(300), "scale_from_zero_cooldown": Duration.seconds(300),
    }


def _batch(stack: Stack) -> tuple[Callable[..., Any], dict[str, Any]]:
    records = s3.Bucket.from_bucket_name(stack, "Records", "my-records")
    results = s3.Bucket.from_bucket_name(stack, "Results", "my-results")
    return lib.BatchTransformJob, {
        "model": model(stack), "instance_type": lib.InstanceType.of("ml.m5.xlarge"),
        "input": lib.BatchTransformInput(bucket=records, key="incoming/", content_type="text/csv",
                                         split_type=lib.SplitType.LINE),
        "output": lib.BatchTransformOutput(bucket=results, prefix="scored/", accept="text/csv",
                                           assemble_with=lib.AssembleWith.LINE),
        "instance_count": 1, "batch_strategy": lib.BatchStrategy.MULTI_RECORD, "max_payload_mb": 6,
        "max_concurrent_transforms": 2, "environment": {"A": "1"}, "invocation_timeout": Duration.seconds(600),
        "invocation_max_retries": 2,
        "data_processing": lib.DataProcessing(input_filter="$[1:]", output_filter="$[0,-1]",
                                              join_source=lib.JoinSource.INPUT),
        "job_name_prefix": "edge", "schedule": events.Schedule.cron(hour="2", minute="0"),
        "alarm_on_failure": True,
    }


def _async_locations(stack: Stack) -> tuple[Callable[..., Any], dict[str, Any]]:
    bucket = s3.Bucket.from_bucket_name(stack, "Io", "my-io")
    key = kms.Key(stack, "TopicKey", enable_key_rotation=True)
    return lib.AsyncEndpoint, {
        "model": model(stack), "instance_type": lib.InstanceType.M5_LARGE,
        "input_location": lib.AsyncS3Location(bucket, "in"), "output_location": lib.AsyncS3Location(bucket, "out"),
        "failure_location": lib.AsyncS3Location(bucket, "failed"),
        "success_topic": sns.Topic(stack, "Success", enforce_ssl=True, master_key=key),
        "error_topic": sns.Topic(stack, "Error", enforce_ssl=True, master_key=key),
    }


def _batch_triggered(stack: Stack) -> tuple[Callable[..., Any], dict[str, Any]]:
    function, kwargs = _batch(stack)
    capture = s3.Bucket.from_bucket_name(stack, "Capture", "my-capture")
    kwargs.pop("schedule")
    return function, {**kwargs, "on_new_input": lib.NewInputTrigger(key_suffix=".csv"),
                      "data_capture": lib.BatchDataCapture(bucket=capture, prefix="capture/",
                                                           generate_inference_id=True),
                      "topic_kms_key": kms.Key(stack, "BatchTopicKey", enable_key_rotation=True)}


def _async_endpoint(stack: Stack) -> lib.AsyncEndpoint:
    return lib.AsyncEndpoint(stack, "Existing", model=model(stack, "ExistingModel"),
                             instance_type=lib.InstanceType.M5_LARGE, min_instances=0)


def _realtime_endpoint(stack: Stack) -> lib.RealtimeEndpoint:
    return lib.RealtimeEndpoint(stack, "Existing", model=model(stack, "ExistingModel"),
                                instance_type=lib.InstanceType.M5_LARGE, instance_count=2)


def _grantee(stack: Stack) -> iam.Role:
    return iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))


def _component_endpoint_props(stack: Stack) -> dict[str, Any]:
    vpc = ec2.Vpc(stack, "ComponentVpc", max_azs=2)
    return {
        "instance_type": lib.InstanceType.of("ml.p3.8xlarge"), "instance_count": 1,
        "managed_scaling": lib.ManagedInstanceScaling(min_instances=0, max_instances=2,
                                                      scale_in_strategy=lib.ScaleInStrategy.IDLE_RELEASE,
                                                      scale_in_cooldown=Duration.minutes(20)),
        "routing_strategy": lib.RoutingStrategy.LEAST_OUTSTANDING_REQUESTS, "variant_name": "Shared",
        "network_isolation": True, "vpc": vpc, "kms_key": kms.Key(stack, "VolumeKey", enable_key_rotation=True),
        "volume_size_gb": 100, "inference_ami_version": "al2-ami-sagemaker-inference-gpu-2",
        "container_startup_health_check_timeout": Duration.minutes(10),
        "metrics_publish_frequency": Duration.seconds(30), "enhanced_metrics": True,
    }


def _component_endpoint(stack: Stack) -> lib.InferenceComponentEndpoint:
    existing = stack.node.try_find_child("Fleet")
    if isinstance(existing, lib.InferenceComponentEndpoint):
        return existing
    return lib.InferenceComponentEndpoint(stack, "Fleet", instance_type=lib.InstanceType.of("ml.g5.12xlarge"))


def _component(stack: Stack) -> tuple[Callable[..., Any], dict[str, Any]]:
    bucket = s3.Bucket.from_bucket_name(stack, "Llms", "my-llms")
    alarm = cloudwatch.Alarm(stack, "RollbackAlarm", metric=cloudwatch.Metric(namespace="N", metric_name="M"),
                             threshold=1, evaluation_periods=1)
    return lib.InferenceComponent, {
        "endpoint": _component_endpoint(stack),
        "compute": lib.ComputeRequirements(min_memory_mb=16384, max_memory_mb=32768, cpu_cores=2,
                                           accelerator_devices=1),
        "image": lib.ContainerImage.from_uri(IMAGE_URI),
        "model_data": lib.ModelData.from_bucket(bucket, "llm/model.tar.gz"), "environment": {"OPTION_A": "1"},
        "copy_count": 1,
        "copy_scaling": lib.CopyScaling(min_copies=0, max_copies=4, target_concurrent_requests_per_copy=4,
                                        scale_in_cooldown=Duration.minutes(5)),
        "model_data_download_timeout": Duration.minutes(10),
        "container_startup_health_check_timeout": Duration.minutes(10), "data_cache": True,
        "scheduling": lib.ComponentScheduling(placement=lib.PlacementStrategy.BINPACK, max_az_imbalance=1),
        "deployment": lib.ComponentRollingUpdate(batch_percent=50, wait=Duration.minutes(2), rollback_alarms=[alarm]),
    }


def _component_instance(stack: Stack) -> lib.InferenceComponent:
    callable_, kwargs = _component(stack)
    return callable_(stack, "ExistingComponent", **kwargs)  # type: ignore[no-any-return]


RECOMMENDATION = {"source": "inference-recommender", "job": "my-job", "recommendation_id": "r-1",
                  "endpoint": {"instance_type": "ml.m5.xlarge", "instance_count": 2, "serverless": None,
                               "environment": {"OMP_NUM_THREADS": "2"}},
                  "metrics": {"cost_per_hour": 0.5, "cost_per_inference": 0.0001, "max_invocations_per_minute": 900},
                  "scaling": {"min_capacity": 2, "max_capacity": 4, "target_invocations_per_instance": 450,
                              "scale_in_cooldown_seconds": 300, "scale_out_cooldown_seconds": 60}}


def with_recommendation(stack: Stack, entry: dict[str, Any] | None = None, job: str = "my-job") -> Any:
    """A scope whose context holds a recommendation entry (as recommend import writes it)."""
    from constructs import Construct

    scope = Construct(stack, f"Recommended{next(IDS)}")
    scope.node.set_context(f"cdk-sagemaker-inference:recommendation:{job}", entry or RECOMMENDATION)
    return scope


def _recommendation(stack: Stack) -> lib.Recommendation:
    return lib.Recommendation.from_context(with_recommendation(stack), "my-job")


def _recommender_job(stack: Stack) -> tuple[Callable[..., Any], dict[str, Any]]:
    return lib.InferenceRecommenderJob, {
        "model_package": lib.ModelPackage.from_registry_version("churn", 3),
        "payload_bucket": s3.Bucket.from_bucket_name(stack, f"Payloads{next(IDS)}", "my-payloads"),
        "payload_key": "churn/payload.tar.gz", "content_types": ["text/csv"],
        "job_type": lib.RecommendationJobType.ADVANCED,
        "instance_types": [lib.InstanceType.M5_LARGE, lib.InstanceType.of("ml.c5.xlarge")],
        "phases": [lib.LoadPhase(initial_users=1, spawn_rate=1, duration=Duration.minutes(10))],
        "max_invocations": 300, "p95_latency_threshold": Duration.millis(500), "job_duration": Duration.hours(1),
        "poll_interval": Duration.minutes(2), "timeout": Duration.hours(4), "job_name_prefix": "churn-ir",
    }


def _benchmark_job(stack: Stack) -> tuple[Callable[..., Any], dict[str, Any]]:
    return lib.AIBenchmarkJob, {
        "endpoint": lib.Endpoint.from_endpoint_name(stack, f"Benchmarked{next(IDS)}", "llm-fleet"),
        "workload_config": "chat-short-prompts", "role": _grantee(stack) if stack.node.try_find_child("Caller") is None
        else iam.Role(stack, f"BenchmarkRole{next(IDS)}", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com")),
        "output_bucket": s3.Bucket.from_bucket_name(stack, f"Results{next(IDS)}", "my-benchmarks"),
        "output_prefix": "llm/", "inference_components": [lib.InferenceComponent.from_component_name(
            stack, f"Component{next(IDS)}", "llama-8b",
            endpoint=lib.Endpoint.from_endpoint_name(stack, f"Fleet{next(IDS)}", "llm-fleet"))],
        "poll_interval": Duration.minutes(2), "timeout": Duration.hours(4), "job_name_prefix": "llm-bench",
    }


Baseline = Callable[[Stack], tuple[Callable[..., Any], dict[str, Any]]]

BASELINES: dict[str, Baseline] = {
    "RealtimeEndpoint": _realtime,
    "RealtimeEndpoint(single variant)": _realtime_single,
    "ServerlessEndpoint": _serverless,
    "AsyncEndpoint": _async,
    "BatchTransformJob": _batch,
    "BatchTransformJob(triggered)": _batch_triggered,
    "AsyncEndpoint(locations)": _async_locations,
    "InferenceModel": lambda stack: (lib.InferenceModel, {
        "containers": [lib.ContainerDefinition(
            image=lib.ContainerImage.from_uri(IMAGE_URI), container_hostname="first", environment={"A": "1"},
            mode=lib.ContainerMode.SINGLE_MODEL, repository_access_mode=lib.RepositoryAccessMode.PLATFORM),
            lib.ContainerDefinition(image=lib.ContainerImage.from_uri(IMAGE_URI), container_hostname="second")],
        "inference_execution_mode": lib.InferenceExecutionMode.DIRECT, "network_isolation": True,
        "vpc": ec2.Vpc(stack, "Vpc", max_azs=2)}),
    "ContainerImage.from_uri": lambda stack: (lib.ContainerImage.from_uri, {"uri": IMAGE_URI}),
    "ContainerImage.from_dlc": lambda stack: (lib.ContainerImage.from_dlc, {
        "repository_name": "pytorch-inference", "tag": "2.3.0-cpu-py311", "account_id": "763104351884"}),
    "ContainerImage.from_ecr_repository": lambda stack: (lib.ContainerImage.from_ecr_repository, {
        "repository": ecr.Repository.from_repository_name(
            stack, "Repo", "models"), "tag": "v1"}),
    "ContainerImage.from_asset": lambda stack: (lib.ContainerImage.from_asset, {"directory": "."}),
    "ModelData.from_bucket": lambda stack: (lib.ModelData.from_bucket, {
        "bucket": s3.Bucket.from_bucket_name(stack, "B", "my-models"), "key": "m/model.tar.gz"}),
    "ModelData.from_uncompressed_prefix": lambda stack: (lib.ModelData.from_uncompressed_prefix, {
        "bucket": s3.Bucket.from_bucket_name(stack, "B", "my-models"), "prefix": "m/"}),
    "ModelData.from_asset": lambda stack: (lib.ModelData.from_asset, {"path": "README.md"}),
    "BatchTransformInput.from_prefix": lambda stack: (lib.BatchTransformInput.from_prefix, {
        "bucket": s3.Bucket.from_bucket_name(stack, "B", "my-records"), "prefix": "in/",
        "content_type": "text/csv", "split_type": lib.SplitType.LINE}),
    "BatchTransformInput.from_manifest": lambda stack: (lib.BatchTransformInput.from_manifest, {
        "bucket": s3.Bucket.from_bucket_name(stack, "B", "my-records"), "manifest_key": "m/day.manifest",
        "data_prefix": "data/"}),
    "DeploymentGuardrails.canary": lambda stack: (lib.DeploymentGuardrails.canary, {
        "percent": 10, "wait": Duration.minutes(5), "termination_wait": Duration.minutes(1),
        "maximum_execution_timeout": Duration.minutes(30)}),
    "DeploymentGuardrails.linear": lambda stack: (lib.DeploymentGuardrails.linear, {
        "step_percent": 20, "wait": Duration.minutes(5)}),
    "DeploymentGuardrails.all_at_once": lambda stack: (lib.DeploymentGuardrails.all_at_once, {
        "wait": Duration.minutes(5)}),
    "DeploymentGuardrails.rolling": lambda stack: (lib.DeploymentGuardrails.rolling, {
        "batch_percent": 20, "wait": Duration.minutes(5)}),
    "CapacitySize.percent": lambda stack: (lib.CapacitySize.percent, {"value": 10}),
    "CapacitySize.instances": lambda stack: (lib.CapacitySize.instances, {"value": 1}),
    "Endpoint.from_endpoint_name": lambda stack: (
        lambda **kw: lib.Endpoint.from_endpoint_name(stack, f"Imported{next(IDS)}", **kw),
        {"endpoint_name": "existing"}),
    "InferenceComponentEndpoint": lambda stack: (lib.InferenceComponentEndpoint, _component_endpoint_props(stack)),
    "InferenceComponent": _component,
    "InferenceComponent.from_component_name": lambda stack: (
        lambda **kw: lib.InferenceComponent.from_component_name(stack, f"Imported{next(IDS)}", **kw),
        {"component_name": "llama-8b", "endpoint": lib.Endpoint.from_endpoint_name(stack, "Shared", "llm-fleet")}),
    "InferenceComponent.alarm_no_capacity": lambda stack: (
        _component_instance(stack).alarm_no_capacity, {"threshold": 2, "evaluation_periods": 3}),
    "InferenceComponent.metric": lambda stack: (
        _component_instance(stack).metric, {"metric_name": "Invocations", "statistic": "Sum",
                                            "period": Duration.minutes(1), "namespace": "AWS/SageMaker"}),
    "Recommendation.from_context": lambda stack: (
        lambda **kw: lib.Recommendation.from_context(with_recommendation(stack), **kw), {"job_name": "my-job"}),
    "Recommendation.realtime_endpoint": lambda stack: (
        lambda **kw: _recommendation(stack).realtime_endpoint(stack, f"FromRecommendation{next(IDS)}", **kw),
        {"model": model(stack, f"RecommendedModel{next(IDS)}")}),
    "Recommendation.serverless_endpoint": lambda stack: (
        lambda **kw: lib.Recommendation.from_context(with_recommendation(stack, {
            **RECOMMENDATION, "endpoint": {"instance_type": None, "serverless": {
                "memory_size_mb": 2048, "max_concurrency": 10}}, "scaling": None}), "my-job").serverless_endpoint(
            stack, f"FromRecommendation{next(IDS)}", **kw),
        {"model": model(stack, f"RecommendedModel{next(IDS)}")}),
    "InferenceRecommenderJob": _recommender_job,
    "InferenceRecommenderJob.grant_start_execution": lambda stack: (
        _recommender_job(stack)[0](stack, f"Recommender{next(IDS)}", **_recommender_job(stack)[1]).grant_start_execution,
        {"grantee": _grantee(stack)}),
    "AIBenchmarkJob": _benchmark_job,
    "AIBenchmarkJob.grant_start_execution": lambda stack: (
        _benchmark_job(stack)[0](stack, f"Benchmark{next(IDS)}", **_benchmark_job(stack)[1]).grant_start_execution,
        {"grantee": iam.Role(stack, f"Starter{next(IDS)}", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))}),
    "Endpoint.on_endpoint_config": lambda stack: (
        lambda **kw: lib.Endpoint.on_endpoint_config(stack, f"OnConfig{next(IDS)}", **kw),
        {"endpoint_config_name": "existing-config"}),
    "InferenceModel.from_model_name": lambda stack: (
        lambda **kw: lib.InferenceModel.from_model_name(stack, f"ImportedModel{next(IDS)}", **kw),
        {"model_name": "existing-model", "role": _grantee(stack)}),
    "InferenceModel.from_model_arn": lambda stack: (
        lambda **kw: lib.InferenceModel.from_model_arn(stack, f"ImportedModel{next(IDS)}", **kw),
        {"model_arn": "arn:aws:sagemaker:us-east-1:123456789012:model/existing-model", "role": _grantee(stack)}),
    "ModelPackage.from_registry_version": lambda stack: (lib.ModelPackage.from_registry_version, {
        "group_name": "churn", "version": 3, "account": "123456789012", "region": "eu-west-1",
        "artifact_bucket": s3.Bucket.from_bucket_name(stack, "Registry", "registry-artifacts"),
        "artifact_prefix": "churn/"}),
    "ModelPackage.from_registry_version_arn": lambda stack: (lib.ModelPackage.from_registry_version_arn, {
        "arn": "arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn/3"}),
    "ModelPackage.from_marketplace": lambda stack: (lib.ModelPackage.from_marketplace, {
        "arn": "arn:aws:sagemaker:us-east-1:865070037744:model-package/seller-model-1",
        "inference_specification": "inf2"}),
    "ModelPackage.from_unversioned": lambda stack: (lib.ModelPackage.from_unversioned, {
        "name_or_arn": "churn-scorer", "artifact_bucket": s3.Bucket.from_bucket_name(stack, "Own", "own-artifacts"),
        "artifact_prefix": "scorer/", "inference_specification": "cpu"}),
    "BatchTransformJob.grant_read_output": lambda stack: (
        _batch_job(stack).grant_read_output, {"grantee": _grantee(stack)}),
    "Endpoint.from_endpoint_arn": lambda stack: (
        lambda **kw: lib.Endpoint.from_endpoint_arn(stack, f"Imported{next(IDS)}", **kw),
        {"endpoint_arn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/existing"}),
    "AsyncEndpoint.add_oldest_request_age_alarm": lambda stack: (
        _async_endpoint(stack).add_oldest_request_age_alarm,
        {"max_age": Duration.minutes(30), "evaluation_periods": 3, "construct_id": "AgeAlarm"}),
    "AsyncEndpoint.add_invocation_failures_alarm": lambda stack: (
        _async_endpoint(stack).add_invocation_failures_alarm,
        {"threshold": 1, "evaluation_periods": 1, "construct_id": "FailuresAlarm"}),
    "AsyncEndpoint.grant_invoke": lambda stack: (_async_endpoint(stack).grant_invoke, {"grantee": _grantee(stack)}),
    "AsyncEndpoint.metric_model_latency": lambda stack: (
        _async_endpoint(stack).metric_model_latency, {"statistic": "p99", "period": Duration.minutes(1)}),
    "RealtimeEndpoint.alarm_5xx_rate": lambda stack: (
        _realtime_endpoint(stack).alarm_5xx_rate,
        {"threshold_percent": 1.0, "period": Duration.minutes(1), "evaluation_periods": 3}),
    "RealtimeEndpoint.alarm_p99_latency": lambda stack: (
        _realtime_endpoint(stack).alarm_p99_latency, {"threshold": Duration.millis(500), "evaluation_periods": 3}),
    "RealtimeEndpoint.metric_invocations": lambda stack: (
        _realtime_endpoint(stack).metric_invocations, {"variant_name": "AllTraffic"}),
    "RealtimeEndpoint.apply_removal_policy": lambda stack: (
        _realtime_endpoint(stack).apply_removal_policy, {"policy": RemovalPolicy.RETAIN}),
    "InferenceModel.apply_removal_policy": lambda stack: (
        model(stack, "Retained").apply_removal_policy, {"policy": RemovalPolicy.RETAIN}),
    "BatchTransformJob.apply_removal_policy": lambda stack: (
        _batch_job(stack).apply_removal_policy, {"policy": RemovalPolicy.RETAIN}),
    "RealtimeEndpoint.grant_invoke": lambda stack: (
        _realtime_endpoint(stack).grant_invoke, {"grantee": _grantee(stack)}),
    "Endpoint.metric": lambda stack: (
        _realtime_endpoint(stack).metric,
        {"metric_name": "Invocations", "variant_name": "AllTraffic", "statistic": "Sum",
         "period": Duration.minutes(5), "namespace": "AWS/SageMaker"}),
    "BatchTransformJob.grant_start_execution": lambda stack: (
        _batch_job(stack).grant_start_execution, {"grantee": _grantee(stack)}),
    "BatchTransformJob.metric": lambda stack: (
        _batch_job(stack).metric, {"metric_name": "ExecutionsFailed", "statistic": "Sum",
                                   "period": Duration.minutes(5)}),
}


def _batch_job(stack: Stack) -> lib.BatchTransformJob:
    callable_, kwargs = _batch(stack)
    return callable_(stack, "ExistingJob", **kwargs)  # type: ignore[no-any-return]




