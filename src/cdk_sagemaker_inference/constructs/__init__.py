"""The constructs, one module each (re-exported by the package root)."""

from .async_endpoint import AsyncEndpoint, AsyncS3Location, IncludeInferenceResponseIn
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
    "AsyncEndpoint",
    "AsyncS3Location",
    "BlueGreenUpdate",
    "CapacitySize",
    "CapacityUnit",
    "CaptureMode",
    "ContainerDefinition",
    "ContainerImage",
    "ContainerMode",
    "DataCapture",
    "DeploymentGuardrails",
    "Endpoint",
    "EndpointBase",
    "EndpointKind",
    "IEndpoint",
    "IncludeInferenceResponseIn",
    "InferenceExecutionMode",
    "InferenceModel",
    "InstanceScaling",
    "ModelData",
    "ProductionVariant",
    "ProvisionedConcurrencyScaling",
    "RealtimeEndpoint",
    "RepositoryAccessMode",
    "RollingUpdate",
    "RoutingStrategy",
    "ScheduledCapacity",
    "ServerlessEndpoint",
    "TrafficRouting",
    "TrafficRoutingType",
]
