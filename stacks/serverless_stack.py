"""A serverless endpoint as a platform team would declare it."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_sagemaker_inference import (
    ContainerImage,
    InferenceModel,
    ModelData,
    ProvisionedConcurrencyScaling,
    ServerlessEndpoint,
)

from .common import MODEL_ARTIFACT


class ServerlessStack(Stack):
    """A PyTorch CPU model on a 2 GB serverless endpoint with autoscaled provisioned concurrency."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        model = InferenceModel(
            self, "Model",
            image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311-ubuntu20.04-sagemaker"),
            model_data=ModelData.from_asset(MODEL_ARTIFACT),
            environment={"SAGEMAKER_PROGRAM": "inference.py", "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code"},
        )
        self.endpoint = ServerlessEndpoint(
            self, "Endpoint",
            model=model,
            endpoint_name="demo-serverless",
            memory_size_mb=2048,
            max_concurrency=20,
            provisioned_concurrency=2,
            provisioned_concurrency_scaling=ProvisionedConcurrencyScaling(min_capacity=1, max_capacity=10),
        )
        # The application that calls the endpoint gets exactly InvokeEndpoint on it.
        caller = iam.Role(self, "CallerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                          description="Example caller of the serverless endpoint")
        self.endpoint.grant_invoke(caller)
        CfnOutput(self, "EndpointName", value=self.endpoint.endpoint_name)
