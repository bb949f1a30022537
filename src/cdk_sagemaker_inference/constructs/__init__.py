"""The constructs, one module each (re-exported by the package root)."""

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
from .data_capture import CaptureMode, DataCapture
from .endpoint import METADATA_KEY, Endpoint, EndpointBase, EndpointKind, IEndpoint
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
    RepositoryAccessMode,
)
from .realtime import (
    InstanceScaling,
    ProductionVariant,
    RealtimeEndpoint,
    RoutingStrategy,
    ScheduledCapacity,
)
from .serverless import ProvisionedConcurrencyScaling, ServerlessEndpoint

__all__ = [
    "METADATA_KEY",
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
    "CompressionType",
    "ContainerDefinition",
    "ContainerImage",
    "ContainerMode",
    "DataCapture",
    "DataProcessing",
    "DeploymentGuardrails",
    "Endpoint",
    "EndpointBase",
    "EndpointKind",
    "IEndpoint",
    "IncludeInferenceResponseIn",
    "InferenceExecutionMode",
    "InferenceModel",
    "InstanceScaling",
    "JoinSource",
    "ModelData",
    "NewInputTrigger",
    "ProductionVariant",
    "ProvisionedConcurrencyScaling",
    "RealtimeEndpoint",
    "RepositoryAccessMode",
    "RollingUpdate",
    "RoutingStrategy",
    "ScheduledCapacity",
    "ServerlessEndpoint",
    "SplitType",
    "TrafficRouting",
    "TrafficRoutingType",
    "TransformDataType",
    "acknowledge_nag_finding",
]
