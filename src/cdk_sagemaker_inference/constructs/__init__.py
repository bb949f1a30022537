"""The constructs, one module each (re-exported by the package root).

Each name is imported from its module on first use, so an app that uses one construct loads only the
modules (and the aws-cdk-lib submodules) that construct needs: a real-time endpoint does not load the
batch transform's or the recommendation jobs' Step Functions modules.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._base import acknowledge_nag_finding
    from .async_endpoint import AsyncEndpoint, AsyncS3Location, IncludeInferenceResponseIn
    from .batch_transform import (
        AssembleWith,
        BatchDataCapture,
        BatchStrategy,
        BatchTransformInput,
        BatchTransformJob,
        BatchTransformOutput,
        CompressionType,
        DataProcessing,
        JoinSource,
        NewInputTrigger,
        SplitType,
        TransformDataType,
    )
    from .components import (
        ComponentRollingUpdate,
        ComponentScheduling,
        ComputeRequirements,
        CopyScaling,
        IInferenceComponent,
        InferenceComponent,
        InferenceComponentEndpoint,
        ManagedInstanceScaling,
        PlacementStrategy,
        ScaleInStrategy,
    )
    from .data_capture import CaptureMode, DataCapture
    from .endpoint import METADATA_KEY, Endpoint, EndpointBase, EndpointKind, IEndpoint, RoutingStrategy
    from .guardrails import (
        BlueGreenUpdate,
        CapacitySize,
        CapacityUnit,
        DeploymentGuardrails,
        RollingUpdate,
        TrafficRouting,
        TrafficRoutingType,
    )
    from .model import (
        ContainerDefinition,
        ContainerImage,
        ContainerMode,
        InferenceExecutionMode,
        InferenceModel,
        ModelData,
        ModelPackage,
        ModelPackageSource,
        RepositoryAccessMode,
    )
    from .realtime import (
        InstanceScaling,
        MetricTarget,
        ProductionVariant,
        RealtimeEndpoint,
        ScheduledCapacity,
        StepScaling,
    )
    from .recommendation import Recommendation
    from .recommender_job import (
        AIBenchmarkJob,
        InferenceRecommenderJob,
        LoadPhase,
        LoadStairs,
        RecommendationJobType,
    )
    from .serverless import ProvisionedConcurrencyScaling, ServerlessEndpoint

_MODULE_OF = {
    "AIBenchmarkJob": ".recommender_job",
    "AssembleWith": ".batch_transform",
    "AsyncEndpoint": ".async_endpoint",
    "AsyncS3Location": ".async_endpoint",
    "BatchDataCapture": ".batch_transform",
    "BatchStrategy": ".batch_transform",
    "BatchTransformInput": ".batch_transform",
    "BatchTransformJob": ".batch_transform",
    "BatchTransformOutput": ".batch_transform",
    "BlueGreenUpdate": ".guardrails",
    "CapacitySize": ".guardrails",
    "CapacityUnit": ".guardrails",
    "CaptureMode": ".data_capture",
    "ComponentRollingUpdate": ".components",
    "ComponentScheduling": ".components",
    "CompressionType": ".batch_transform",
    "ComputeRequirements": ".components",
    "ContainerDefinition": ".model",
    "ContainerImage": ".model",
    "ContainerMode": ".model",
    "CopyScaling": ".components",
    "DataCapture": ".data_capture",
    "DataProcessing": ".batch_transform",
    "DeploymentGuardrails": ".guardrails",
    "Endpoint": ".endpoint",
    "EndpointBase": ".endpoint",
    "EndpointKind": ".endpoint",
    "IEndpoint": ".endpoint",
    "IInferenceComponent": ".components",
    "IncludeInferenceResponseIn": ".async_endpoint",
    "InferenceComponent": ".components",
    "InferenceComponentEndpoint": ".components",
    "InferenceExecutionMode": ".model",
    "InferenceModel": ".model",
    "InferenceRecommenderJob": ".recommender_job",
    "InstanceScaling": ".realtime",
    "JoinSource": ".batch_transform",
    "LoadPhase": ".recommender_job",
    "LoadStairs": ".recommender_job",
    "METADATA_KEY": ".endpoint",
    "ManagedInstanceScaling": ".components",
    "MetricTarget": ".realtime",
    "ModelData": ".model",
    "ModelPackage": ".model",
    "ModelPackageSource": ".model",
    "NewInputTrigger": ".batch_transform",
    "PlacementStrategy": ".components",
    "ProductionVariant": ".realtime",
    "ProvisionedConcurrencyScaling": ".serverless",
    "RealtimeEndpoint": ".realtime",
    "Recommendation": ".recommendation",
    "RecommendationJobType": ".recommender_job",
    "RepositoryAccessMode": ".model",
    "RollingUpdate": ".guardrails",
    "RoutingStrategy": ".endpoint",
    "ScaleInStrategy": ".components",
    "ScheduledCapacity": ".realtime",
    "ServerlessEndpoint": ".serverless",
    "SplitType": ".batch_transform",
    "StepScaling": ".realtime",
    "TrafficRouting": ".guardrails",
    "TrafficRoutingType": ".guardrails",
    "TransformDataType": ".batch_transform",
    "acknowledge_nag_finding": "._base",
}
"""Exported name → the module that defines it."""


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "METADATA_KEY",
    "AIBenchmarkJob",
    "AssembleWith",
    "AsyncEndpoint",
    "AsyncS3Location",
    "BatchDataCapture",
    "BatchStrategy",
    "BatchTransformInput",
    "BatchTransformJob",
    "BatchTransformOutput",
    "BlueGreenUpdate",
    "CapacitySize",
    "CapacityUnit",
    "CaptureMode",
    "ComponentRollingUpdate",
    "ComponentScheduling",
    "CompressionType",
    "ComputeRequirements",
    "ContainerDefinition",
    "ContainerImage",
    "ContainerMode",
    "CopyScaling",
    "DataCapture",
    "DataProcessing",
    "DeploymentGuardrails",
    "Endpoint",
    "EndpointBase",
    "EndpointKind",
    "IEndpoint",
    "IInferenceComponent",
    "IncludeInferenceResponseIn",
    "InferenceComponent",
    "InferenceComponentEndpoint",
    "InferenceExecutionMode",
    "InferenceModel",
    "InferenceRecommenderJob",
    "InstanceScaling",
    "JoinSource",
    "LoadPhase",
    "LoadStairs",
    "ManagedInstanceScaling",
    "MetricTarget",
    "ModelData",
    "ModelPackage",
    "ModelPackageSource",
    "NewInputTrigger",
    "PlacementStrategy",
    "ProductionVariant",
    "ProvisionedConcurrencyScaling",
    "RealtimeEndpoint",
    "Recommendation",
    "RecommendationJobType",
    "RepositoryAccessMode",
    "RollingUpdate",
    "RoutingStrategy",
    "ScaleInStrategy",
    "ScheduledCapacity",
    "ServerlessEndpoint",
    "SplitType",
    "StepScaling",
    "TrafficRouting",
    "TrafficRoutingType",
    "TransformDataType",
    "acknowledge_nag_finding",
]
