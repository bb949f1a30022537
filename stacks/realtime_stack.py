"""A real-time endpoint as a platform team would run an A/B test in production."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_sagemaker_inference import (
    CaptureMode,
    ContainerImage,
    DataCapture,
    DeploymentGuardrails,
    InferenceModel,
    InstanceScaling,
    InstanceType,
    ModelData,
    ProductionVariant,
    RealtimeEndpoint,
)

from .common import MODEL_ARTIFACT, access_logs_bucket, secure_bucket

IMAGE = ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311-ubuntu20.04-sagemaker")
ENVIRONMENT = {"SAGEMAKER_PROGRAM": "inference.py", "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code"}


class RealtimeStack(Stack):
    """Two weighted variants (90/10) on autoscaled ml.m5.large fleets, data capture into a secure
    bucket, and canary deployments that roll back on 5XX-rate or p99-latency alarms."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        access_logs = access_logs_bucket(self)
        capture_bucket = secure_bucket(self, "CaptureBucket", access_logs=access_logs, log_prefix="capture-bucket/")

        current = InferenceModel(self, "CurrentModel", image=IMAGE,
                                 model_data=ModelData.from_asset(MODEL_ARTIFACT), environment=ENVIRONMENT)
        challenger = InferenceModel(self, "ChallengerModel", image=IMAGE,
                                    model_data=ModelData.from_asset(MODEL_ARTIFACT),
                                    environment={**ENVIRONMENT, "MODEL_VARIANT": "challenger"})
        self.endpoint = RealtimeEndpoint(
            self, "Endpoint",
            endpoint_name="demo-realtime",
            variants=[
                ProductionVariant(
                    variant_name="Current", model=current, instance_type=InstanceType.M5_LARGE,
                    instance_count=2, initial_weight=0.9,
                    autoscaling=InstanceScaling(min_capacity=2, max_capacity=6, target_invocations_per_instance=200),
                ),
                ProductionVariant(
                    variant_name="Challenger", model=challenger, instance_type=InstanceType.M5_LARGE,
                    instance_count=2, initial_weight=0.1,
                    autoscaling=InstanceScaling(min_capacity=2, max_capacity=4, target_invocations_per_instance=200),
                ),
            ],
            data_capture=DataCapture(
                bucket=capture_bucket, prefix="capture", sampling_percentage=20,
                capture_modes=[CaptureMode.INPUT, CaptureMode.OUTPUT],
                csv_content_types=["text/csv"], json_content_types=["application/json"],
            ),
            deployment=DeploymentGuardrails.canary(
                percent=25, wait=Duration.minutes(10), termination_wait=Duration.minutes(5),
                maximum_execution_timeout=Duration.hours(1),
            ),
        )
        # Roll a deployment back when either variant fails or slows down during the baking period.
        for variant in ("Current", "Challenger"):
            self.endpoint.add_rollback_alarm(
                self.endpoint.alarm_5xx_rate(variant_name=variant, threshold_percent=1),
                self.endpoint.alarm_p99_latency(variant_name=variant, threshold=Duration.millis(500)),
            )

        caller = iam.Role(self, "CallerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                          description="Example caller of the real-time endpoint")
        self.endpoint.grant_invoke(caller)
        CfnOutput(self, "EndpointName", value=self.endpoint.endpoint_name)
        CfnOutput(self, "CaptureBucketName", value=capture_bucket.bucket_name)
