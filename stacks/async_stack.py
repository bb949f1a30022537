"""An asynchronous endpoint that costs nothing while idle: scale to zero, SNS notifications."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_sagemaker_inference import (
    AsyncEndpoint,
    ContainerImage,
    IncludeInferenceResponseIn,
    InferenceModel,
    InstanceType,
    ModelData,
)

from .common import MODEL_ARTIFACT


class AsyncStack(Stack):
    """A GPU model behind an async endpoint that scales from zero to four ml.g4dn.xlarge instances.

    Callers upload payloads to the endpoint's input location and call InvokeEndpointAsync;
    results land in the output (or failure) location, and the success/error topics announce
    them (the success notification carries responses up to 128 KB). With no backlog the endpoint
    scales in to zero instances; the first queued request wakes it (the documented recipe).
    """

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        model = InferenceModel(
            self, "Model",
            image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker"),
            model_data=ModelData.from_asset(MODEL_ARTIFACT),
            environment={"SAGEMAKER_PROGRAM": "inference.py", "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code"},
        )
        self.endpoint = AsyncEndpoint(
            self, "Endpoint",
            model=model,
            endpoint_name="demo-async",
            instance_type=InstanceType.G4DN_XLARGE,
            max_concurrent_invocations_per_instance=4,
            include_inference_response_in=[IncludeInferenceResponseIn.SUCCESS_NOTIFICATION_TOPIC],
            input_expiration=Duration.days(7),
            output_expiration=Duration.days(30),
            min_instances=0,
            max_instances=4,
            target_backlog_per_instance=5,
        )
        self.endpoint.add_oldest_request_age_alarm(max_age=Duration.minutes(30))
        self.endpoint.add_invocation_failures_alarm(threshold=1)
        # The application that submits requests: InvokeEndpointAsync, put on the input location,
        # get on the output and failure locations, nothing more.
        caller = iam.Role(self, "CallerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                          description="Example caller of the async endpoint")
        self.endpoint.grant_invoke(caller)
        CfnOutput(self, "EndpointName", value=self.endpoint.endpoint_name)
        CfnOutput(self, "InputLocation", value=self.endpoint.input_location.s3_uri)
        CfnOutput(self, "OutputLocation", value=self.endpoint.output_location.s3_uri)
        CfnOutput(self, "FailureLocation", value=self.endpoint.failure_location.s3_uri)
        if self.endpoint.success_topic is not None:
            CfnOutput(self, "SuccessTopicArn", value=self.endpoint.success_topic.topic_arn)
        if self.endpoint.error_topic is not None:
            CfnOutput(self, "ErrorTopicArn", value=self.endpoint.error_topic.topic_arn)
