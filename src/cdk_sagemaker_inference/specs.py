"""Plain-data descriptions of what a construct is asked to build.

The constructs translate their typed props into these frozen dataclasses, and the pure
validators (:mod:`cdk_sagemaker_inference.validation`) check them: no aws-cdk-lib in sight,
so every rule is unit-testable without synthesizing anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .instance_types import Accelerator


@dataclass(frozen=True)
class ContainerSpec:
    """One container of a model (a ``ContainerDefinition``)."""

    image: str | None
    accelerator: Accelerator = Accelerator.NONE
    accelerator_guessed: bool = False
    """True when ``accelerator`` is read from the image's tag rather than declared (a guess: advice only)."""
    image_description: str | None = None
    """The image as its user named it, for messages (``image`` is the URI validation measures)."""
    model_data_url: str | None = None
    model_data_uncompressed: bool = False
    environment: Mapping[str, Any] = field(default_factory=dict)
    mode: str = "SingleModel"
    hostname: str | None = None
    repository_access_mode: str = "Platform"
    repository_credentials: str | None = None
    """``ImageConfig.RepositoryAuthConfig.RepositoryCredentialsProviderArn``, if any."""
    model_cache: bool | None = None
    """``MultiModelConfig.ModelCacheSetting`` (True: Enabled), if set."""
    marketplace: bool = False
    model_package_name: str | None = None
    model_package_source: str | None = None  # "registry" | "marketplace" | "unversioned"
    inference_specification: str | None = None
    """``InferenceSpecificationName``: which of the package's inference specifications, if not its main one."""


@dataclass(frozen=True)
class ModelSpec:
    """A SageMaker model: its containers and where it runs."""

    containers: tuple[ContainerSpec, ...]
    inference_execution_mode: str | None = None
    vpc: bool = False
    subnet_count: int | None = None
    security_group_count: int | None = None
    network_isolation: bool = False

    @property
    def accelerators(self) -> tuple[Accelerator, ...]:
        """The accelerators the model's images are built for (NONE for CPU images)."""
        return tuple(c.accelerator for c in self.containers)
