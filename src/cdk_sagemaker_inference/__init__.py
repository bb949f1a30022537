"""cdk-sagemaker-inference: typed AWS CDK v2 constructs for SageMaker inference hosting.

Every construct checks SageMaker's documented constraints when it is created, and raises one
:class:`ValidationError` listing every problem, instead of a deploy that fails 15 minutes in.

The constructs (and everything else that needs aws-cdk-lib) are imported on first use: importing
aws-cdk-lib starts the jsii runtime (a node process), which the command-line tools and the pytest
plugin do not need.

Constructs
----------
The resources you declare; each checks its props when it is created.

``ServerlessEndpoint``, ``RealtimeEndpoint``, ``AsyncEndpoint``, ``BatchTransformJob``,
``InferenceComponentEndpoint``, ``InferenceComponent``, ``InferenceModel``, ``Endpoint``, ``IEndpoint``,
``IInferenceComponent``, ``Recommendation``, ``InferenceRecommenderJob``, ``AIBenchmarkJob``

Props
-----
The settings the constructs take (frozen dataclasses and value classes).

``ProductionVariant``, ``ContainerDefinition``, ``ContainerImage``, ``ModelData``, ``ModelPackage``, ``InstanceType``,
``DataCapture``, ``InstanceScaling``, ``MetricTarget``, ``StepScaling``, ``ProvisionedConcurrencyScaling``,
``ScheduledCapacity``,
``DeploymentGuardrails``, ``BlueGreenUpdate``, ``RollingUpdate``, ``TrafficRouting``,
``CapacitySize``, ``AsyncS3Location``, ``BatchTransformInput``, ``BatchTransformOutput``,
``BatchDataCapture``, ``DataProcessing``, ``NewInputTrigger``, ``ManagedInstanceScaling``,
``ComputeRequirements``, ``CopyScaling``, ``ComponentRollingUpdate``, ``ComponentScheduling``, ``LoadPhase``, ``LoadStairs``

Enums
-----
The closed sets of values the props take.

``Accelerator``, ``AssembleWith``, ``BatchStrategy``, ``CapacityUnit``, ``CaptureMode``,
``CompressionType``, ``ContainerMode``, ``EndpointKind``, ``IncludeInferenceResponseIn``,
``InferenceExecutionMode``, ``JoinSource``, ``ModelPackageSource``, ``PlacementStrategy``, ``RepositoryAccessMode``,
``RecommendationJobType``, ``RoutingStrategy``, ``ScaleInStrategy``, ``SplitType``, ``TrafficRoutingType``, ``TransformDataType``

Acknowledgments and the migration guard
---------------------------------------
Accept a finding on purpose, or compare a change with what is deployed.

``acknowledge_nag_finding``, ``acknowledge_unsafe_change``, ``find_unsafe_changes``, ``Finding``,
``UnsafeChange``, ``BASELINE_CONTEXT``, ``METADATA_KEY``

Validation
----------
What a refusal is made of, and the table of every rule with its source.

``ValidationError``, ``Problem``, ``CONSTRAINTS``, ``Constraint``, ``Area``, ``Severity``,
``__version__``

Modules
-------
Beside the names above, which the package root exports:

- ``cdk_sagemaker_inference.testing``: the testing toolkit (pytest fixtures ``sagemaker_app`` and
  ``sagemaker_template``, template assertions, the local emulator).
- ``cdk_sagemaker_inference.cli``: the command line, ``cdk-sagemaker-inference`` (``advise``, ``guard``, ``preflight``, ``cost``, ``recommend``).
- ``cdk_sagemaker_inference.client``: a boto3 client for asynchronous endpoints (invoke, wait).
- ``cdk_sagemaker_inference.guard``: the migration guard's findings, synth plugin and command.
- ``cdk_sagemaker_inference.assembly``: reads a cloud assembly (stacks, environments, nested stacks).
- ``cdk_sagemaker_inference.cost``: what endpoints and batch jobs cost (floor, ceiling, list prices).
- ``cdk_sagemaker_inference.preflight``: the app's quota needs, and the account checks before deploy.
- ``cdk_sagemaker_inference.recommend``: recommendation jobs into the app's context.
- ``cdk_sagemaker_inference.constraints``: the constraint table.
- ``cdk_sagemaker_inference.advisor``: which hosting option fits a workload.
"""

import importlib
import sys
from typing import TYPE_CHECKING, Any

if "aws_cdk" in sys.modules:
    # A CDK app, whose jsii kernel runs already: importing the batch module first has node load the aws-cdk-lib
    # modules the constructs need while Python imports the rest of the package (see constructs._batch.warm).
    from .constructs import _batch  # noqa: F401

from ._version import __version__
from .constraints import CONSTRAINTS, Area, Constraint, Severity
from .errors import Problem, ValidationError
from .instance_types import Accelerator, InstanceType

if TYPE_CHECKING:
    from .constructs import (
        METADATA_KEY,
        AIBenchmarkJob,
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
        ComponentRollingUpdate,
        ComponentScheduling,
        CompressionType,
        ComputeRequirements,
        ContainerDefinition,
        ContainerImage,
        ContainerMode,
        CopyScaling,
        DataCapture,
        DataProcessing,
        DeploymentGuardrails,
        Endpoint,
        EndpointKind,
        IEndpoint,
        IInferenceComponent,
        IncludeInferenceResponseIn,
        InferenceComponent,
        InferenceComponentEndpoint,
        InferenceExecutionMode,
        InferenceModel,
        InferenceRecommenderJob,
        InstanceScaling,
        JoinSource,
        LoadPhase,
        LoadStairs,
        ManagedInstanceScaling,
        MetricTarget,
        ModelData,
        ModelPackage,
        ModelPackageSource,
        NewInputTrigger,
        PlacementStrategy,
        ProductionVariant,
        ProvisionedConcurrencyScaling,
        RealtimeEndpoint,
        Recommendation,
        RecommendationJobType,
        RepositoryAccessMode,
        RollingUpdate,
        RoutingStrategy,
        ScaleInStrategy,
        ScheduledCapacity,
        ServerlessEndpoint,
        SplitType,
        StepScaling,
        TrafficRouting,
        TrafficRoutingType,
        TransformDataType,
        acknowledge_nag_finding,
    )
    from .guard.findings import Finding, UnsafeChange, find_unsafe_changes
    from .guard.plugin import BASELINE_CONTEXT, acknowledge_unsafe_change

_LAZY_MODULES = (".constructs", ".guard.plugin")
_MODULE_OF = {  # names read from one module, without the constructs (and aws-cdk-lib) or the guard loading first
    "Finding": ".guard.findings",
    "UnsafeChange": ".guard.findings",
    "find_unsafe_changes": ".guard.findings",
    "BASELINE_CONTEXT": "._keys",
    "METADATA_KEY": "._keys",
}

__all__ = [  # noqa: RUF022 - grouped as in the docstring: the order of the API reference
    # Constructs
    "ServerlessEndpoint",
    "RealtimeEndpoint",
    "AsyncEndpoint",
    "BatchTransformJob",
    "InferenceComponentEndpoint",
    "InferenceComponent",
    "InferenceModel",
    "Endpoint",
    "IEndpoint",
    "IInferenceComponent",
    "Recommendation",
    "InferenceRecommenderJob",
    "AIBenchmarkJob",
    # Props
    "ProductionVariant",
    "ContainerDefinition",
    "ContainerImage",
    "ModelData",
    "ModelPackage",
    "InstanceType",
    "DataCapture",
    "InstanceScaling",
    "MetricTarget",
    "StepScaling",
    "ProvisionedConcurrencyScaling",
    "ScheduledCapacity",
    "DeploymentGuardrails",
    "BlueGreenUpdate",
    "RollingUpdate",
    "TrafficRouting",
    "CapacitySize",
    "AsyncS3Location",
    "BatchTransformInput",
    "BatchTransformOutput",
    "BatchDataCapture",
    "DataProcessing",
    "NewInputTrigger",
    "ManagedInstanceScaling",
    "ComputeRequirements",
    "CopyScaling",
    "ComponentRollingUpdate",
    "ComponentScheduling",
    "LoadPhase",
    "LoadStairs",
    # Enums
    "Accelerator",
    "AssembleWith",
    "BatchStrategy",
    "CapacityUnit",
    "CaptureMode",
    "CompressionType",
    "ContainerMode",
    "EndpointKind",
    "IncludeInferenceResponseIn",
    "InferenceExecutionMode",
    "JoinSource",
    "ModelPackageSource",
    "PlacementStrategy",
    "RepositoryAccessMode",
    "RecommendationJobType",
    "RoutingStrategy",
    "ScaleInStrategy",
    "SplitType",
    "TrafficRoutingType",
    "TransformDataType",
    # Acknowledgments and the migration guard
    "acknowledge_nag_finding",
    "acknowledge_unsafe_change",
    "find_unsafe_changes",
    "Finding",
    "UnsafeChange",
    "BASELINE_CONTEXT",
    "METADATA_KEY",
    # Validation
    "ValidationError",
    "Problem",
    "CONSTRAINTS",
    "Constraint",
    "Area",
    "Severity",
    "__version__",
]


def __getattr__(name: str) -> Any:
    """Import the aws-cdk-lib parts of the public API, and the migration guard's, on first use."""
    if name in __all__:
        for module_name in (_MODULE_OF[name],) if name in _MODULE_OF else _LAZY_MODULES:
            module = importlib.import_module(module_name, __name__)
            if hasattr(module, name):
                value = getattr(module, name)
                globals()[name] = value
                return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
