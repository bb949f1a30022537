"""The constructs, one module each (re-exported by the package root)."""

from .async_endpoint import AsyncEndpoint, AsyncS3Location, IncludeInferenceResponseIn
from .endpoint import METADATA_KEY, Endpoint, EndpointBase, EndpointKind, IEndpoint
from .model import (
    ContainerDefinition,
    ContainerImage,
    ContainerMode,
    InferenceExecutionMode,
    InferenceModel,
    ModelData,
    RepositoryAccessMode,
)
from .serverless import ProvisionedConcurrencyScaling, ServerlessEndpoint

__all__ = [
    "METADATA_KEY",
    "AsyncEndpoint",
    "AsyncS3Location",
    "ContainerDefinition",
    "ContainerImage",
    "ContainerMode",
    "Endpoint",
    "EndpointBase",
    "EndpointKind",
    "IEndpoint",
    "IncludeInferenceResponseIn",
    "InferenceExecutionMode",
    "InferenceModel",
    "ModelData",
    "ProvisionedConcurrencyScaling",
    "RepositoryAccessMode",
    "ServerlessEndpoint",
]
