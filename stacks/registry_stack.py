"""A serverless endpoint serving an approved version from the SageMaker Model Registry."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_sagemaker_inference import InferenceModel, InferenceRecommenderJob, ModelPackage, ServerlessEndpoint

REGISTRY_GROUP = "demo-churn"
"""The model package group a training pipeline registers versions in."""
REGISTRY_VERSION_CONTEXT = "demo-registry-version"
"""Context key of the version to serve (``cdk deploy -c demo-registry-version=4``); default 1."""
REGISTRY_ARTIFACTS = "demo-model-registry-artifacts"
"""The bucket the pipeline writes the versions' artifacts to (read access for the model's role)."""


class RegistryStack(Stack):
    """Version N of the ``demo-churn`` group on a 2 GB serverless endpoint: the pipeline registers
    and approves a version, this stack deploys it (``-c demo-registry-version=N`` picks another)."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        version = int(self.node.try_get_context(REGISTRY_VERSION_CONTEXT) or 1)
        artifacts = s3.Bucket.from_bucket_name(self, "RegistryArtifacts", REGISTRY_ARTIFACTS)
        model = InferenceModel(self, "Model", model_package=ModelPackage.from_registry_version(
            REGISTRY_GROUP, version, artifact_bucket=artifacts, artifact_prefix=f"{REGISTRY_GROUP}/"))
        self.endpoint = ServerlessEndpoint(self, "Endpoint", model=model, memory_size_mb=2048, max_concurrency=5)
        CfnOutput(self, "EndpointName", value=self.endpoint.endpoint_name)
        # The pipeline's load test of the same version (Inference Recommender, Default job): start an execution,
        # then `cdk-sagemaker-inference recommend import <job>` brings the result into cdk.context.json.
        self.load_test = InferenceRecommenderJob(
            self, "LoadTest", model_package=ModelPackage.from_registry_version(
                REGISTRY_GROUP, version, artifact_bucket=artifacts, artifact_prefix=f"{REGISTRY_GROUP}/"),
            payload_bucket=artifacts, payload_key=f"{REGISTRY_GROUP}/payload.tar.gz", content_types=["text/csv"],
            job_name_prefix="demo-churn-ir")
        CfnOutput(self, "LoadTestStateMachine", value=self.load_test.state_machine.state_machine_arn)
