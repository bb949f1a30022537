"""The constructs, one module each (re-exported by the package root)."""

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
    "ContainerDefinition",
    "ContainerImage",
    "ContainerMode",
    "Endpoint",
    "EndpointBase",
    "EndpointKind",
    "IEndpoint",
    "InferenceExecutionMode",
    "InferenceModel",
    "ModelData",
    "ProvisionedConcurrencyScaling",
    "RepositoryAccessMode",
    "ServerlessEndpoint",
]
