"""SageMaker ML instance types: an open set with constants, classified from botocore's model.

``InstanceType.of("ml.x.y")`` accepts any string; whether SageMaker knows the type is decided
by validation against the ``ProductionVariantInstanceType`` / ``TransformInstanceType`` enums
shipped as package data (``data/instance_types.json``, generated from botocore's service model by
``scripts/gen_instance_types.py``, which records the botocore version and date). Synth results do
not depend on the installed botocore (nor need it); a type newer than the data is accepted with
``allow_unknown_instance_type=True``.
"""

from __future__ import annotations

import enum
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any


class Accelerator(enum.Enum):
    """The accelerator family of an instance type."""

    NONE = "none"
    GPU = "gpu"
    NEURON = "neuron"
    GAUDI = "gaudi"


# Classification of the botocore enum (the constraint table, area "accelerated families").
_GPU_FAMILIES = frozenset(
    {"g4dn", "g5", "g6", "g6e", "g7", "g7e", "p2", "p3", "p4d", "p4de", "p5", "p5e", "p5en"}
)
_NEURON_FAMILIES = frozenset({"inf1", "inf2", "trn1", "trn1n", "trn2"})
_GAUDI_FAMILIES = frozenset({"dl1"})
# Families with local NVMe instance storage (hardware-encrypted; a KMS key does not cover it).
_LOCAL_NVME_FAMILIES = frozenset(
    {
        "c5d", "c6gd", "m5d", "m6gd", "r5d", "r6gd", "r7gd",
        "g4dn", "g5", "g6", "g6e", "g7e", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en",
        "dl1", "trn1", "trn1n", "trn2",
    }
)
_TYPE_PATTERN = re.compile(r"^ml\.([a-z0-9\-]+)\.([a-z0-9\-]+)$")


@functools.cache
def instance_type_data() -> dict[str, Any]:
    """The shipped enumerations: ``{"source": ..., "generated": ..., "shapes": {shape: [types]}}``."""
    text = resources.files(__package__).joinpath("data", "instance_types.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def _enum(shape: str) -> frozenset[str]:
    return frozenset(instance_type_data()["shapes"][shape])


def known_realtime_types() -> frozenset[str]:
    """Instance types of ``ProductionVariantInstanceType`` (package data from botocore's model)."""
    return _enum("ProductionVariantInstanceType")


def known_transform_types() -> frozenset[str]:
    """Instance types of ``TransformInstanceType`` (package data from botocore's model)."""
    return _enum("TransformInstanceType")


def known_inference_ami_versions() -> frozenset[str]:
    """AMI versions of ``ProductionVariantInferenceAmiVersion`` (package data from botocore's model)."""
    return _enum("ProductionVariantInferenceAmiVersion")


def inference_ami_accelerator(version: str) -> Accelerator | None:
    """The accelerator an inference AMI version is for (GPU or Neuron), None when not documented."""
    text = (instance_type_data().get("inference_ami_versions", {}).get(version) or {}).get("accelerator") or ""
    if text == "GPU":
        return Accelerator.GPU
    if "Inferentia" in text or "Trainium" in text:
        return Accelerator.NEURON
    return None


def inference_ami_cuda(version: str) -> tuple[int, int] | None:
    """The CUDA version an inference AMI version provides, e.g. ``(12, 4)``; None when not documented."""
    text = (instance_type_data().get("inference_ami_versions", {}).get(version) or {}).get("cuda")
    if not text:
        return None
    major, _, minor = str(text).partition(".")
    return int(major), int(minor or 0)


@dataclass(frozen=True)
class InstanceResources:
    """What one instance of a type has (the data's ``resources`` column; see :func:`resources_of`)."""

    vcpu: int
    memory_mib: int
    accelerators: int
    """GPUs, or Neuron devices (Inferentia/Trainium chips); 0 for CPU-only types."""
    accelerator_kind: Accelerator
    accelerator_memory_mib: int | None
    """Total accelerator memory as EC2 reports it; None where the source does not give it (Neuron)."""
    neuron_cores: int | None
    """NeuronCores of a Neuron type (two per Inferentia2/Trainium device); None otherwise."""


@functools.cache
def resources_of(name: str) -> InstanceResources | None:
    """The resources of an instance type, or None when the package data does not list the type (the
    fit checks then report "not checked" instead of guessing)."""
    row = (instance_type_data().get("resources", {}).get("types") or {}).get(name)
    if not row:
        return None
    kind = {"gpu": Accelerator.GPU, "neuron": Accelerator.NEURON}.get(row.get("accelerator_kind") or "",
                                                                      Accelerator.NONE)
    return InstanceResources(vcpu=int(row["vcpu"]), memory_mib=int(row["memory_mib"]),
                             accelerators=int(row["accelerators"]), accelerator_kind=kind,
                             accelerator_memory_mib=row.get("accelerator_memory_mib"),
                             neuron_cores=row.get("neuron_cores"))


def resources_source() -> str:
    """Where the ``resources`` column comes from, with its date."""
    block = instance_type_data().get("resources", {})
    return f"{block.get('source', 'no source')}, generated {block.get('generated', '?')}"


def family_of(name: str) -> str | None:
    """``"g5"`` for ``"ml.g5.xlarge"``; None for something that is not an ``ml.*`` type."""
    match = _TYPE_PATTERN.match(name)
    return match.group(1) if match else None


def accelerator_of(name: str) -> Accelerator:
    """Which accelerator an instance type carries."""
    family = family_of(name) or ""
    if family in _GPU_FAMILIES or family.startswith(("p6", "p6e")):
        return Accelerator.GPU
    if family in _NEURON_FAMILIES:
        return Accelerator.NEURON
    if family in _GAUDI_FAMILIES:
        return Accelerator.GAUDI
    return Accelerator.NONE


# Families SageMaker attaches no EBS storage volume to, so it refuses VolumeSizeInGB: the SageMaker
# Python SDK's ``volume_size_supported`` rule (aws/sagemaker-python-sdk PR #4828: "this instance family
# does not support attaching an ebs volume, hence volume size argument throws a service exception"):
# a "d" in the family (c5d, m5d, p4d, g4dn, p3dn, …) plus g5, g6, g6e, trn1, trn1n and the p5 family.
# Where no source says a type refuses it, the library does not refuse it.
_NO_EBS_VOLUME = re.compile(r"^(?:[a-z]+\d+[a-z]*d[a-z]*|g5|g6|g6e|p5|p5e|p5en|trn1|trn1n)$")


def takes_no_volume_size(name: str) -> bool:
    """True for instance types whose variants SageMaker refuses a VolumeSizeInGB for (no EBS volume)."""
    family = family_of(name)
    return family is not None and _NO_EBS_VOLUME.match(family) is not None


def has_local_nvme(name: str) -> bool:
    """True for instance types with local NVMe instance storage."""
    family = family_of(name) or ""
    return family in _LOCAL_NVME_FAMILIES or family.startswith("p6")


def is_burstable(name: str) -> bool:
    """True for burstable ``ml.t*`` types, on which autoscaling is not supported."""
    family = family_of(name) or ""
    return family.startswith("t") and not family.startswith("trn")


class InstanceType:
    """An ML instance type, e.g. ``InstanceType.M5_LARGE`` or ``InstanceType.of("ml.g6.xlarge")``.

    Any ``ml.*`` string is accepted here; the constructs check it against the package's instance-type data
    model and refuse an unknown one unless ``allow_unknown_instance_type=True``.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    @classmethod
    def of(cls, name: str) -> InstanceType:
        """An instance type from its name, e.g. ``"ml.c7i.2xlarge"``.

        ``name`` must be a string (a string token is allowed: the constructs then skip the checks
        that need the name). Anything else is a ValidationError here, not a TypeError later.
        """
        if not isinstance(name, str):
            from .typecheck import (
                TypeChecks,  # this module is pure data; the checker is imported on error only
            )

            problems = TypeChecks()
            problems.fail("props.type", "name", name, f"must be str, got {type(name).__name__}",
                          'pass the API name, e.g. InstanceType.of("ml.c7i.2xlarge")')
            problems.raise_if_any("", "InstanceType.of")
        return cls(name)

    @property
    def name(self) -> str:
        """The API name, e.g. ``"ml.m5.large"``."""
        return self._name

    @property
    def family(self) -> str | None:
        """The family, e.g. ``"m5"``."""
        return family_of(self._name)

    @property
    def accelerator(self) -> Accelerator:
        """GPU, Neuron, Gaudi or none."""
        return accelerator_of(self._name)

    @property
    def has_local_nvme(self) -> bool:
        """Whether the type has hardware-encrypted local NVMe storage."""
        return has_local_nvme(self._name)

    @property
    def is_burstable(self) -> bool:
        """Whether the type is a burstable ``ml.t*`` type."""
        return is_burstable(self._name)

    def __str__(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return f"InstanceType({self._name!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InstanceType) and other._name == self._name

    def __hash__(self) -> int:
        return hash(self._name)

    # Common types (any other: InstanceType.of("ml.x.y")).
    T2_MEDIUM: InstanceType
    M5_LARGE: InstanceType
    M5_XLARGE: InstanceType
    M5_2XLARGE: InstanceType
    M6I_LARGE: InstanceType
    M6I_XLARGE: InstanceType
    M7I_LARGE: InstanceType
    C5_LARGE: InstanceType
    C5_XLARGE: InstanceType
    C6I_LARGE: InstanceType
    C6I_XLARGE: InstanceType
    C7I_LARGE: InstanceType
    R6I_LARGE: InstanceType
    G4DN_XLARGE: InstanceType
    G5_XLARGE: InstanceType
    G5_2XLARGE: InstanceType
    G6_XLARGE: InstanceType
    INF2_XLARGE: InstanceType
    P4D_24XLARGE: InstanceType


for _attr in [a for a in InstanceType.__annotations__ if a.isupper()]:
    _family, _size = _attr.lower().split("_", 1)
    setattr(InstanceType, _attr, InstanceType(f"ml.{_family}.{_size}"))
del _attr, _family, _size
