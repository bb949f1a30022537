"""cdk-sagemaker-inference: typed AWS CDK v2 constructs for SageMaker inference hosting.

Every construct checks SageMaker's documented constraints when it is created, and raises one
:class:`ValidationError` listing every problem, instead of a deploy that fails 15 minutes in.

The constructs (and everything else that needs aws-cdk-lib) are imported on first use: importing
aws-cdk-lib starts the jsii runtime (a node process), which the command-line tools and the pytest
plugin do not need.
"""

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .constraints import CONSTRAINTS, Area, Constraint, Severity
from .errors import Problem, ValidationError
from .guard.findings import Finding, UnsafeChange, find_unsafe_changes
from .instance_types import Accelerator, InstanceType

if TYPE_CHECKING:
    from .constructs import (
        METADATA_KEY,
        AssembleWith,
        AsyncEndpoint,
        AsyncS3Location,
        BatchDataCapture,
        BatchStrategy,
        BatchTransformInput,
        BatchTransformJob,
        BatchTransformOutput,
        BlueGreenUpdate,
        CapacitySize,
        CapacityUnit,
        CaptureMode,
        CompressionType,
        ContainerDefinition,
        ContainerImage,
        ContainerMode,
        DataCapture,
        DataProcessing,
        DeploymentGuardrails,
        Endpoint,
        EndpointKind,
        IEndpoint,
        IncludeInferenceResponseIn,
        InferenceExecutionMode,
        InferenceModel,
        InstanceScaling,
        JoinSource,
        ModelData,
        NewInputTrigger,
        ProductionVariant,
        ProvisionedConcurrencyScaling,
        RealtimeEndpoint,
        RepositoryAccessMode,
        RollingUpdate,
        RoutingStrategy,
        ScheduledCapacity,
        ServerlessEndpoint,
        SplitType,
        TrafficRouting,
        TrafficRoutingType,
        TransformDataType,
        acknowledge_nag_finding,
    )
    from .guard.plugin import BASELINE_CONTEXT, acknowledge_unsafe_change

_LAZY_MODULES = (".constructs", ".guard.plugin")

__all__ = [
    "BASELINE_CONTEXT",
    "CONSTRAINTS",
    "METADATA_KEY",
    "Accelerator",
    "Area",
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
    "Constraint",
    "ContainerDefinition",
    "ContainerImage",
    "ContainerMode",
    "DataCapture",
    "DataProcessing",
    "DeploymentGuardrails",
    "Endpoint",
    "EndpointKind",
    "Finding",
    "IEndpoint",
    "IncludeInferenceResponseIn",
    "InferenceExecutionMode",
    "InferenceModel",
    "InstanceScaling",
    "InstanceType",
    "JoinSource",
    "ModelData",
    "NewInputTrigger",
    "Problem",
    "ProductionVariant",
    "ProvisionedConcurrencyScaling",
    "RealtimeEndpoint",
    "RepositoryAccessMode",
    "RollingUpdate",
    "RoutingStrategy",
    "ScheduledCapacity",
    "ServerlessEndpoint",
    "Severity",
    "SplitType",
    "TrafficRouting",
    "TrafficRoutingType",
    "TransformDataType",
    "UnsafeChange",
    "ValidationError",
    "__version__",
    "acknowledge_nag_finding",
    "acknowledge_unsafe_change",
    "find_unsafe_changes",
]


def __getattr__(name: str) -> Any:
    """Import the aws-cdk-lib parts of the public API on first use."""
    if name in __all__:
        for module_name in _LAZY_MODULES:
            module = importlib.import_module(module_name, __name__)
            if hasattr(module, name):
                value = getattr(module, name)
                globals()[name] = value
                return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
