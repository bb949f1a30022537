"""Inference components: an LLM-style base model with a LoRA adapter and a second model sharing one GPU
fleet, scaled to zero.

The local emulator (moto) models no inference components and refuses a variant without a model, so
``make demo`` synthesizes and checks this stack but does not deploy it (it says so); the tests assert
its template instead.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from constructs import Construct

from cdk_sagemaker_inference import (
    ComponentRollingUpdate,
    ComponentScheduling,
    ComputeRequirements,
    ContainerImage,
    CopyScaling,
    InferenceComponent,
    InferenceComponentEndpoint,
    InstanceType,
    ManagedInstanceScaling,
    ModelData,
    PlacementStrategy,
)

from .common import MODEL_ARTIFACT

LLM_IMAGE = ContainerImage.from_dlc("djl-inference", "0.33.0-lmi15.0.0-cu128")


class ComponentsStack(Stack):
    """One ml.g5.12xlarge fleet (4 GPUs) of 0–2 instances: a base model on 2 GPUs per copy with a LoRA
    adapter riding on it, and a second model on 1 GPU per copy; both scale their copies to zero."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.endpoint = InferenceComponentEndpoint(
            self, "Endpoint",
            instance_type=InstanceType.of("ml.g5.12xlarge"),
            instance_count=1,  # the first deploy starts one instance and one copy of each component
            managed_scaling=ManagedInstanceScaling(min_instances=0, max_instances=2),
        )
        self.base = InferenceComponent(
            self, "BaseModel", endpoint=self.endpoint, image=LLM_IMAGE,
            model_data=ModelData.from_asset(MODEL_ARTIFACT),
            environment={"OPTION_ENABLE_LORA": "true"},
            compute=ComputeRequirements(min_memory_mb=32768, accelerator_devices=2, cpu_cores=8),
            copy_scaling=CopyScaling(min_copies=0, max_copies=2, target_concurrent_requests_per_copy=4),
            model_data_download_timeout=Duration.minutes(20),
            container_startup_health_check_timeout=Duration.minutes(20),
            data_cache=True,
            scheduling=ComponentScheduling(placement=PlacementStrategy.BINPACK),
            deployment=ComponentRollingUpdate(batch_percent=50, maximum_execution_timeout=Duration.hours(1)),
        )
        self.adapter = InferenceComponent(
            self, "SqlAdapter", endpoint=self.endpoint, base_component=self.base,
            model_data=ModelData.from_asset(MODEL_ARTIFACT),
        )
        self.classifier = InferenceComponent(
            self, "Classifier", endpoint=self.endpoint, image=LLM_IMAGE,
            model_data=ModelData.from_asset(MODEL_ARTIFACT),
            compute=ComputeRequirements(min_memory_mb=8192, accelerator_devices=1, cpu_cores=2),
            copy_scaling=CopyScaling(min_copies=0, max_copies=2, target_invocations_per_copy=100),
        )
        CfnOutput(self, "EndpointName", value=self.endpoint.endpoint_name)
        CfnOutput(self, "BaseComponentName", value=self.base.component_name)
        CfnOutput(self, "AdapterComponentName", value=self.adapter.component_name)
