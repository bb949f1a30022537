"""cdk-sagemaker-inference: typed AWS CDK v2 constructs for SageMaker inference hosting.

Every construct checks SageMaker's documented constraints when it is created, and raises one
:class:`ValidationError` listing every problem, instead of a deploy that fails 15 minutes in.
"""

from ._version import __version__
from .constraints import CONSTRAINTS, Area, Constraint, Severity
from .constructs import (
    METADATA_KEY,
    AsyncEndpoint,
    AsyncS3Location,
    ContainerDefinition,
    ContainerImage,
    ContainerMode,
    Endpoint,
    EndpointKind,
    IEndpoint,
    IncludeInferenceResponseIn,
    InferenceExecutionMode,
    InferenceModel,
    ModelData,
    ProvisionedConcurrencyScaling,
    RepositoryAccessMode,
    ServerlessEndpoint,
)
from .errors import Problem, ValidationError
from .instance_types import Accelerator, InstanceType
from .migration import Finding, UnsafeChange, find_unsafe_changes
from .synth_guard import BASELINE_CONTEXT, acknowledge_unsafe_change

__all__ = [
    "BASELINE_CONTEXT",
    "CONSTRAINTS",
    "METADATA_KEY",
    "Accelerator",
    "Area",
    "AsyncEndpoint",
    "AsyncS3Location",
    "Constraint",
    "ContainerDefinition",
    "ContainerImage",
    "ContainerMode",
    "Endpoint",
    "EndpointKind",
    "Finding",
    "IEndpoint",
    "IncludeInferenceResponseIn",
    "InferenceExecutionMode",
    "InferenceModel",
    "InstanceType",
    "ModelData",
    "Problem",
    "ProvisionedConcurrencyScaling",
    "RepositoryAccessMode",
    "ServerlessEndpoint",
    "Severity",
    "UnsafeChange",
    "ValidationError",
    "__version__",
    "acknowledge_unsafe_change",
    "find_unsafe_changes",
]
