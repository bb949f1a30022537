"""Each construct in its default and its fully-featured configuration, for the cdk-nag tests and the
README's compliance section (``scripts/gen_nag_doc.py``).

A configuration builds into a stack and returns the constructs the library created (the scopes
cdk-nag checks): the model and the endpoint or job, not the buckets, keys or VPCs a user brings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import IConstruct

from cdk_sagemaker_inference import (
    AssembleWith,
    AsyncEndpoint,
    BatchDataCapture,
    BatchStrategy,
    BatchTransformInput,
    BatchTransformJob,
    BatchTransformOutput,
    CaptureMode,
    ContainerImage,
    DataCapture,
    DataProcessing,
    DeploymentGuardrails,
    IncludeInferenceResponseIn,
    InferenceModel,
    InstanceScaling,
    InstanceType,
    JoinSource,
    ModelData,
    NewInputTrigger,
    ProductionVariant,
    ProvisionedConcurrencyScaling,
    RealtimeEndpoint,
    ServerlessEndpoint,
    SplitType,
)

CPU_IMAGE = ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311")
GPU_IMAGE = ContainerImage.from_dlc("pytorch-inference", "2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker")


def _model(stack: Stack, construct_id: str = "Model", **kwargs: Any) -> InferenceModel:
    bucket = s3.Bucket.from_bucket_name(stack, f"{construct_id}Artifacts", "my-models")
    props: dict[str, Any] = {"image": CPU_IMAGE, "model_data": ModelData.from_bucket(bucket, "m/model.tar.gz")}
    props.update(kwargs)
    return InferenceModel(stack, construct_id, **props)


def _key(stack: Stack, construct_id: str = "Key") -> kms.Key:
    return kms.Key(stack, construct_id, enable_key_rotation=True, removal_policy=RemovalPolicy.DESTROY)


def _vpc(stack: Stack) -> ec2.IVpc:
    return ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id="vpc-0123456789abcdef0",
                                       availability_zones=["us-east-1a", "us-east-1b"],
                                       private_subnet_ids=["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"])


def _secure_bucket(stack: Stack, construct_id: str, key: kms.IKey | None = None) -> s3.Bucket:
    return s3.Bucket(stack, construct_id, block_public_access=s3.BlockPublicAccess.BLOCK_ALL, enforce_ssl=True,
                     encryption=s3.BucketEncryption.KMS if key else s3.BucketEncryption.S3_MANAGED,
                     encryption_key=key, versioned=True)


# --------------------------------------------------------------------------- serverless

def serverless_default(stack: Stack) -> list[IConstruct]:
    model = _model(stack)
    return [model, ServerlessEndpoint(stack, "Endpoint", model=model, memory_size_mb=2048, max_concurrency=5)]


def serverless_full(stack: Stack) -> list[IConstruct]:
    model = _model(stack, environment={"SAGEMAKER_PROGRAM": "inference.py"})
    endpoint = ServerlessEndpoint(
        stack, "Endpoint", model=model, memory_size_mb=6144, max_concurrency=50, provisioned_concurrency=5,
        provisioned_concurrency_scaling=ProvisionedConcurrencyScaling(min_capacity=1, max_capacity=20),
        endpoint_name="full-serverless", variant_name="Main")
    endpoint.grant_invoke(iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")))
    return [model, endpoint]


# --------------------------------------------------------------------------- real-time

def realtime_default(stack: Stack) -> list[IConstruct]:
    model = _model(stack)
    return [model, RealtimeEndpoint(stack, "Endpoint", model=model, instance_type=InstanceType.M5_LARGE)]


def realtime_full(stack: Stack) -> list[IConstruct]:
    key = _key(stack)
    vpc = _vpc(stack)
    current = _model(stack, "CurrentModel", vpc=vpc, network_isolation=True)
    challenger = _model(stack, "ChallengerModel", vpc=vpc)
    capture = _secure_bucket(stack, "CaptureBucket", key)
    alarm = cloudwatch.Alarm.from_alarm_arn(stack, "Errors", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:5xx")
    endpoint = RealtimeEndpoint(
        stack, "Endpoint", endpoint_name="full-realtime", kms_key=key,
        variants=[
            ProductionVariant(variant_name="Current", model=current, instance_type=InstanceType.M5_LARGE,
                              instance_count=2, initial_weight=0.9, volume_size_gb=30,
                              model_data_download_timeout=Duration.minutes(10),
                              autoscaling=InstanceScaling(min_capacity=2, max_capacity=6,
                                                          target_invocations_per_instance=200)),
            ProductionVariant(variant_name="Challenger", model=challenger, instance_type=InstanceType.M5_LARGE,
                              instance_count=2, initial_weight=0.1,
                              autoscaling=InstanceScaling(min_capacity=2, max_capacity=4,
                                                          target_invocations_per_instance=200)),
        ],
        data_capture=DataCapture(bucket=capture, prefix="capture", sampling_percentage=20, kms_key=key,
                                 capture_modes=[CaptureMode.INPUT, CaptureMode.OUTPUT],
                                 json_content_types=["application/json"]),
        deployment=DeploymentGuardrails.canary(percent=10, wait=Duration.minutes(10),
                                               maximum_execution_timeout=Duration.hours(1), rollback_alarms=[alarm]),
    )
    endpoint.grant_invoke(iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")))
    return [current, challenger, endpoint]


def realtime_shadow(stack: Stack) -> list[IConstruct]:
    production = _model(stack, "ProductionModel")
    shadow = _model(stack, "ShadowModel")
    endpoint = RealtimeEndpoint(
        stack, "Endpoint", model=production, instance_type=InstanceType.M5_LARGE, instance_count=2,
        shadow_variant=ProductionVariant(variant_name="Shadow", model=shadow, instance_type=InstanceType.M5_LARGE,
                                         instance_count=1, initial_weight=0.5),
        deployment=DeploymentGuardrails.rolling(batch_percent=50, wait=Duration.minutes(5)))
    return [production, shadow, endpoint]


# --------------------------------------------------------------------------- async

def async_default(stack: Stack) -> list[IConstruct]:
    model = _model(stack, image=GPU_IMAGE)
    return [model, AsyncEndpoint(stack, "Endpoint", model=model, instance_type=InstanceType.G5_XLARGE)]


def async_full(stack: Stack) -> list[IConstruct]:
    key = _key(stack)
    logs = s3.Bucket(stack, "AccessLogs", block_public_access=s3.BlockPublicAccess.BLOCK_ALL, enforce_ssl=True,
                     encryption=s3.BucketEncryption.S3_MANAGED)
    model = _model(stack, image=GPU_IMAGE)
    endpoint = AsyncEndpoint(
        stack, "Endpoint", model=model, instance_type=InstanceType.G5_XLARGE, endpoint_name="full-async",
        kms_key=key, volume_kms_key=key, server_access_logs_bucket=logs, server_access_logs_prefix="async/",
        input_expiration=Duration.days(7), output_expiration=Duration.days(30),
        include_inference_response_in=[IncludeInferenceResponseIn.SUCCESS_NOTIFICATION_TOPIC],
        max_concurrent_invocations_per_instance=4, min_instances=0, max_instances=4,
        model_data_download_timeout=Duration.minutes(10))
    endpoint.add_oldest_request_age_alarm(max_age=Duration.minutes(30))
    endpoint.add_invocation_failures_alarm(threshold=1)
    endpoint.grant_invoke(iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")))
    return [model, endpoint]


# --------------------------------------------------------------------------- batch transform

def batch_default(stack: Stack) -> list[IConstruct]:
    model = _model(stack)
    records = s3.Bucket.from_bucket_name(stack, "Records", "my-records")
    job = BatchTransformJob(stack, "Job", model=model, instance_type=InstanceType.M5_XLARGE,
                            input=BatchTransformInput.from_prefix(records, "incoming/"))
    return [model, job]


def batch_full(stack: Stack) -> list[IConstruct]:
    key = _key(stack)
    logs = s3.Bucket(stack, "AccessLogs", block_public_access=s3.BlockPublicAccess.BLOCK_ALL, enforce_ssl=True,
                     encryption=s3.BucketEncryption.S3_MANAGED)
    records = s3.Bucket(stack, "Records", block_public_access=s3.BlockPublicAccess.BLOCK_ALL, enforce_ssl=True,
                        encryption=s3.BucketEncryption.S3_MANAGED, event_bridge_enabled=True,
                        server_access_logs_bucket=logs)
    capture = _secure_bucket(stack, "CaptureBucket", key)
    model = _model(stack)
    job = BatchTransformJob(
        stack, "Job", model=model, instance_type=InstanceType.M5_XLARGE, instance_count=2, volume_kms_key=key,
        input=BatchTransformInput.from_prefix(records, "incoming/", content_type="text/csv",
                                              split_type=SplitType.LINE),
        output=BatchTransformOutput(prefix="scored/", accept="text/csv", assemble_with=AssembleWith.LINE,
                                    kms_key=key, server_access_logs_bucket=logs, server_access_logs_prefix="out/"),
        batch_strategy=BatchStrategy.MULTI_RECORD, max_payload_mb=6, max_concurrent_transforms=4,
        environment={"MODEL_SERVER_WORKERS": "2"}, invocation_timeout=Duration.minutes(5), invocation_max_retries=1,
        data_processing=DataProcessing(input_filter="$[1:]", output_filter="$[0,-1]", join_source=JoinSource.INPUT),
        data_capture=BatchDataCapture(bucket=capture, prefix="capture/", kms_key=key, generate_inference_id=True),
        job_name_prefix="nightly-scoring", schedule=events.Schedule.cron(minute="0", hour="2"),
        on_new_input=NewInputTrigger(key_suffix=".csv"), topic_kms_key=key, alarm_on_failure=True, log_kms_key=key)
    job.grant_start_execution(iam.Role(stack, "Operator", assumed_by=iam.AccountRootPrincipal()))
    return [model, job]


# --------------------------------------------------------------------------- inference components, jobs

def _component(stack: Stack, endpoint: Any, **kwargs: Any) -> Any:
    from cdk_sagemaker_inference import ComputeRequirements, InferenceComponent

    bucket = s3.Bucket.from_bucket_name(stack, "Llms", "my-llms")
    return InferenceComponent(stack, "Llm", endpoint=endpoint, image=GPU_IMAGE,
                              model_data=ModelData.from_bucket(bucket, "llm/model.tar.gz"),
                              compute=ComputeRequirements(min_memory_mb=16384, accelerator_devices=1), **kwargs)


def components_default(stack: Stack) -> list[IConstruct]:
    from cdk_sagemaker_inference import InferenceComponentEndpoint

    endpoint = InferenceComponentEndpoint(stack, "Fleet", instance_type=InstanceType.of("ml.g5.12xlarge"))
    return [endpoint, _component(stack, endpoint)]


def components_full(stack: Stack) -> list[IConstruct]:
    from cdk_sagemaker_inference import (
        ComponentRollingUpdate,
        CopyScaling,
        InferenceComponentEndpoint,
        ManagedInstanceScaling,
    )

    endpoint = InferenceComponentEndpoint(
        stack, "Fleet", instance_type=InstanceType.of("ml.g5.12xlarge"), endpoint_name="full-fleet",
        kms_key=_key(stack), vpc=_vpc(stack), network_isolation=True,
        managed_scaling=ManagedInstanceScaling(min_instances=0, max_instances=2))
    component = _component(stack, endpoint, copy_count=2,
                           copy_scaling=CopyScaling(min_copies=0, max_copies=4, target_concurrent_requests_per_copy=4),
                           deployment=ComponentRollingUpdate(batch_percent=50, wait=Duration.minutes(2)))
    return [endpoint, component]


def _payloads(stack: Stack) -> dict[str, Any]:
    from cdk_sagemaker_inference import ModelPackage

    return {"model_package": ModelPackage.from_registry_version("churn", 3),
            "payload_bucket": s3.Bucket.from_bucket_name(stack, "Payloads", "my-payloads"),
            "payload_key": "churn/payload.tar.gz", "content_types": ["text/csv"]}


def recommender_default(stack: Stack) -> list[IConstruct]:
    from cdk_sagemaker_inference import InferenceRecommenderJob

    return [InferenceRecommenderJob(stack, "Job", **_payloads(stack))]


def recommender_full(stack: Stack) -> list[IConstruct]:
    from cdk_sagemaker_inference import InferenceRecommenderJob, LoadPhase, RecommendationJobType

    key = _key(stack)
    return [InferenceRecommenderJob(
        stack, "Job", **_payloads(stack), job_type=RecommendationJobType.ADVANCED,
        instance_types=[InstanceType.M5_LARGE, InstanceType.of("ml.c5.xlarge")],
        phases=[LoadPhase(initial_users=1, spawn_rate=1, duration=Duration.minutes(10))], max_invocations=300,
        p95_latency_threshold=Duration.millis(500), topic_kms_key=key, log_kms_key=key, job_name_prefix="churn-ir")]


def _benchmark(stack: Stack, **kwargs: Any) -> list[IConstruct]:
    """The job writes results with the role you pass: its grant (objects under the output prefix) lands in
    that role's default policy, where cdk-nag reports it; the role is yours, so you acknowledge it there,
    as below (the README says so)."""
    from cdk_sagemaker_inference import AIBenchmarkJob, Endpoint, acknowledge_nag_finding

    role = iam.Role(stack, "BenchmarkRole", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    job = AIBenchmarkJob(stack, "Job", endpoint=Endpoint.from_endpoint_name(stack, "Fleet", "llm-fleet"),
                         workload_config="chat-short-prompts", role=role,
                         output_bucket=s3.Bucket.from_bucket_name(stack, "Results", "my-benchmarks"),
                         output_prefix="llm/", **kwargs)
    acknowledge_nag_finding(role, "AwsSolutions-IAM5", finding="Resource::arn:<AWS::Partition>:s3:::my-benchmarks/llm/*",
                            reason="SageMaker writes the benchmark's result objects, with names it picks, under llm/")
    return [job, role]


def benchmark_default(stack: Stack) -> list[IConstruct]:
    return _benchmark(stack)


def benchmark_full(stack: Stack) -> list[IConstruct]:
    key = _key(stack)
    return _benchmark(stack, topic_kms_key=key, log_kms_key=key, job_name_prefix="llm-bench")


CONFIGURATIONS: dict[str, dict[str, Callable[[Stack], list[IConstruct]]]] = {
    "ServerlessEndpoint": {"default": serverless_default, "full": serverless_full},
    "RealtimeEndpoint": {"default": realtime_default, "full": realtime_full, "shadow": realtime_shadow},
    "AsyncEndpoint": {"default": async_default, "full": async_full},
    "BatchTransformJob": {"default": batch_default, "full": batch_full},
    "InferenceComponentEndpoint": {"default": components_default, "full": components_full},
    "InferenceRecommenderJob": {"default": recommender_default, "full": recommender_full},
    "AIBenchmarkJob": {"default": benchmark_default, "full": benchmark_full},
}


# --------------------------------------------------------------------------- NIST 800-53 R5, classified

CLOSABLE: dict[str, dict[str, str]] = {
    "NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured": {
        "RealtimeEndpoint": "`kms_key=` (encrypts the instances' ML storage volumes)",
        "AsyncEndpoint": "`volume_kms_key=` (encrypts the instances' ML storage volumes; `kms_key` encrypts the "
                         "outputs)",
        "InferenceComponentEndpoint": "`kms_key=` (encrypts the instances' ML storage volumes)",
    },
    "NIST.800.53.R5-S3BucketLoggingEnabled": {
        "AsyncEndpoint": "`server_access_logs_bucket=` (and `server_access_logs_prefix=`), or your own `bucket=`",
        "BatchTransformJob": "`output=BatchTransformOutput(server_access_logs_bucket=...)`, or your own output "
                             "`bucket=`",
    },
    "NIST.800.53.R5-S3DefaultEncryptionKMS": {
        "AsyncEndpoint": "`kms_key=` (the created bucket is then SSE-KMS with bucket keys)",
        "BatchTransformJob": "`output=BatchTransformOutput(kms_key=...)` (the created bucket's default key)",
    },
    "NIST.800.53.R5-SNSEncryptedKMS": {
        "AsyncEndpoint": "`topic_kms_key=` or `kms_key=`, or your own `success_topic=`/`error_topic=`",
        "BatchTransformJob": "`topic_kms_key=`, or your own `topic=`",
        "InferenceRecommenderJob": "`topic_kms_key=`, or your own `topic=`",
        "AIBenchmarkJob": "`topic_kms_key=`, or your own `topic=`",
    },
    "NIST.800.53.R5-S3BucketReplicationEnabled": {
        "AsyncEndpoint": "your own `bucket=` (or `input_location=`/`output_location=`/`failure_location=`) "
                         "with replication",
        "BatchTransformJob": "your own output `bucket=` with replication",
    },
    "NIST.800.53.R5-S3BucketVersioningEnabled": {
        "AsyncEndpoint": "your own `bucket=` (or locations) with versioning",
        "BatchTransformJob": "your own output `bucket=` with versioning",
    },
    "NIST.800.53.R5-CloudWatchLogGroupEncrypted": {
        "BatchTransformJob": "`log_kms_key=` (the state machine's log group; a key of the app gets the "
                             "CloudWatch Logs key policy statement)",
        "InferenceRecommenderJob": "`log_kms_key=` (as for `BatchTransformJob`)",
        "AIBenchmarkJob": "`log_kms_key=` (as for `BatchTransformJob`)",
    },
    "NIST.800.53.R5-CloudWatchAlarmAction": {
        "AsyncEndpoint": "give the alarm an action: `endpoint.add_oldest_request_age_alarm(...).add_alarm_action(...)`",
        "RealtimeEndpoint": "give the alarm an action (`alarm.add_alarm_action(...)`)",
        "BatchTransformJob": "give the alarm an action: `job.failure_alarm.add_alarm_action(...)`",
    },
}
"""NIST findings a user closes with an option: rule → construct → the option."""

CLOSABLE_IN_OTHER_PACKS: dict[str, dict[str, str]] = {
    "NIST.800.53.R4-S3BucketDefaultLockEnabled": {
        "AsyncEndpoint": "your own `bucket=` with S3 Object Lock (the created bucket holds transient payloads)",
        "BatchTransformJob": "your own input and output `bucket=` with S3 Object Lock",
    },
}
"""Findings of the other compliance packs (NIST 800-53 R4, HIPAA Security, PCI DSS 3.2.1) that NIST 800-53 R5 does
not have, closable with an option (the packs' shared rules are the NIST R5 ones above, acknowledged alike)."""

OPEN: dict[str, dict[str, str]] = {
    "NIST.800.53.R5-IAMNoInlinePolicy": {
        "AIBenchmarkJob": "on the role you pass: the job grants it write on the results (objects under "
                          "`output_prefix`) in its default policy, an inline policy; attach your own managed policy "
                          "and pass the role imported immutable if your rules forbid inline policies",
    },
}
"""NIST findings no option closes yet (reported, not acknowledged)."""

FULL_CLOSES: dict[str, tuple[str, ...]] = {
    "RealtimeEndpoint": ("NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured",),
    "AsyncEndpoint": ("NIST.800.53.R5-S3BucketLoggingEnabled", "NIST.800.53.R5-S3DefaultEncryptionKMS",
                      "NIST.800.53.R5-SNSEncryptedKMS",
                      "NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured"),
    "BatchTransformJob": ("NIST.800.53.R5-S3BucketLoggingEnabled", "NIST.800.53.R5-S3DefaultEncryptionKMS",
                          "NIST.800.53.R5-SNSEncryptedKMS", "NIST.800.53.R5-CloudWatchLogGroupEncrypted"),
    "InferenceComponentEndpoint": ("NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured",),
    "InferenceRecommenderJob": ("NIST.800.53.R5-SNSEncryptedKMS", "NIST.800.53.R5-CloudWatchLogGroupEncrypted"),
    "AIBenchmarkJob": ("NIST.800.53.R5-SNSEncryptedKMS", "NIST.800.53.R5-CloudWatchLogGroupEncrypted"),
}
"""The fully-featured configuration sets these options: their findings must be gone there."""
