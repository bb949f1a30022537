"""Instance-type rules shared by real-time, async and batch transform."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from ..instance_types import (
    Accelerator,
    accelerator_of,
    family_of,
    has_local_nvme,
    inference_ami_accelerator,
    inference_ami_cuda,
    is_burstable,
    known_inference_ami_versions,
    takes_no_volume_size,
)
from ..tokens import is_unresolved
from .checks import Checker

if TYPE_CHECKING:
    from ..specs import ContainerSpec  # an annotation only


def check_instance_type(check: Checker, constraint_id: str, field: str, name: object,
                        known: Collection[str], *, allow_unknown: bool = False) -> bool:
    """``name`` is one of ``known`` (botocore's enum) unless ``allow_unknown``. True when it passed."""
    if name is None or is_unresolved(name):
        return True
    if not isinstance(name, str):
        check.fail(constraint_id, field, name, f"must be an InstanceType or a string, got {type(name).__name__}",
                   'pass InstanceType.of("ml.m5.large") or a constant such as InstanceType.M5_LARGE')
        return False
    if name in known:
        return True
    if allow_unknown:
        # A type newer than the package's instance-type data still has the form ml.<family>.<size>.
        if family_of(name) is not None:
            return True
        check.fail(constraint_id, field, name,
                   "is not an ML instance type name (ml.<family>.<size>), which allow_unknown_instance_type "
                   "still requires", "use the ml.<family>.<size> form, e.g. ml.m5.large")
        return False
    import difflib  # only a refusal suggests a close match: an app that passes never loads it

    close = difflib.get_close_matches(name, sorted(known), n=3)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    check.fail(constraint_id, field, name,
               "is not an instance type of SageMaker's model (the package's instance-type data)",
               f"{hint}use a listed ml.* type; for a type newer than this release of the library "
               "pass allow_unknown_instance_type=True")
    return False


def check_autoscaling_instance_type(check: Checker, field: str, name: object) -> bool:
    """Autoscaling is refused on burstable ``ml.t*`` types. True when it passed."""
    if isinstance(name, str) and not is_unresolved(name) and is_burstable(name):
        check.fail("autoscaling.no-burstable", field, name,
                   "autoscaling is not supported on burstable ml.t* instance types",
                   "use a non-burstable type such as ml.m5.large or ml.c6i.large, or drop autoscaling")
        return False
    return True


# "Accelerator: Inferentia2 and Trainium" (the AMI's documentation): not Inf1, the first Inferentia.
_NEURON_AMI_FAMILIES = re.compile(r"^(inf2|trn\d+n?)$")


def check_inference_ami(check: Checker, field: str, ami: object, instance_type: object) -> None:
    """An inference AMI version of the service model, for the accelerator of ``instance_type``."""
    if ami is None:
        return
    if is_unresolved(ami):  # a token: its literal start must still lead to a listed version
        check.one_of("realtime.inference-ami-version", field, ami, allowed=sorted(known_inference_ami_versions()))
        return
    if not isinstance(ami, str) or ami not in known_inference_ami_versions():
        check.fail("realtime.inference-ami-version", field, ami, "is not an inference AMI version of SageMaker's model",
                   f"use one of {', '.join(sorted(known_inference_ami_versions()))}, or drop it (SageMaker's default "
                   "AMI for the instance type)")
        return
    if not isinstance(instance_type, str) or is_unresolved(instance_type):
        return
    wants = inference_ami_accelerator(ami)
    family = family_of(instance_type) or ""
    if wants is Accelerator.GPU and accelerator_of(instance_type) is not Accelerator.GPU:
        check.fail("realtime.inference-ami-accelerator", field, ami,
                   f"is a GPU AMI, and {instance_type} has no NVIDIA GPU",
                   "use a GPU instance type (ml.g5, ml.g6, ml.p4d, ...) with it, or drop inference_ami_version")
    elif wants is Accelerator.NEURON and not _NEURON_AMI_FAMILIES.match(family):
        check.fail("realtime.inference-ami-accelerator", field, ami,
                   f"is a Neuron AMI for Inferentia2 and Trainium, and {instance_type} is neither",
                   "use an ml.inf2 or ml.trn1 instance type with it, or drop inference_ami_version")


_CUDA_TAG = re.compile(r"(?:^|[-_:])cu(\d{2})(\d)(?=$|[-_.])")


def image_tag(uri: str) -> str:
    """The tag of an image URI (``registry[:port]/name:tag``, ``name:tag@sha256:…``): '' for a digest or no
    tag. What an image is built for is read from its tag only: a repository name or a registry port says
    nothing of the build."""
    name = uri.rsplit("/", 1)[-1]
    if "@" in name:
        name = name.split("@", 1)[0]
    return name.split(":", 1)[1] if ":" in name else ""


def inference_ami_cuda_warning(check: Checker, field: str, ami: object, containers: Iterable[ContainerSpec]) -> None:
    """A warning when a container image's tag asks for a newer CUDA (``cu124``) than the AMI provides."""
    if not isinstance(ami, str) or is_unresolved(ami):
        return
    provided = inference_ami_cuda(ami)
    if provided is None:
        return
    for container in containers:
        image = container.image
        if not isinstance(image, str) or is_unresolved(image):
            continue
        match = _CUDA_TAG.search(image_tag(image))
        wanted = (int(match.group(1)), int(match.group(2))) if match else None
        if wanted is not None and wanted > provided:
            check.fail("realtime.inference-ami-cuda", field, ami,
                       f"provides CUDA {provided[0]}.{provided[1]}, and the image {container.image_description or image} is "
                       f"built for CUDA "
                       f"{wanted[0]}.{wanted[1]}",
                       "pick an AMI version with a CUDA at least as new as the image's (its documentation lists "
                       "each AMI's CUDA), or an image built for an older CUDA")


def volume_key_nvme_warning(check: Checker, field: str, instance_type: object, key_prop: str) -> None:
    """A warning that a volume key does not encrypt a type's local NVMe storage (the hardware does)."""
    if isinstance(instance_type, str) and not is_unresolved(instance_type) and has_local_nvme(instance_type):
        check.fail("realtime.kms-nvme", field, instance_type,
                   f"has local NVMe instance storage, which the hardware encrypts: {key_prop} does not "
                   "encrypt that volume (older API docs said CreateEndpointConfig fails)",
                   "nothing to do if hardware encryption is enough; otherwise pick a type without local "
                   "storage (e.g. ml.m5 instead of ml.m5d)")


def check_volume_size(check: Checker, field: str, volume_size_gb: object, instance_type: object) -> None:
    """A variant's ``VolumeSizeInGB`` (realtime.volume-size), which types with local NVMe storage refuse
    (realtime.volume-local-storage): one check for every construct that renders a production variant."""
    if (check.number("realtime.volume-size", field, volume_size_gb) and volume_size_gb is not None
            and isinstance(instance_type, str) and not is_unresolved(instance_type)
            and takes_no_volume_size(instance_type)):
        check.fail("realtime.volume-local-storage", field, volume_size_gb,
                   f"{instance_type} has local NVMe storage and gets no EBS volume, so it takes no volume size",
                   "drop volume_size_gb (the local disk's size comes with the type), or pick a type without "
                   "local storage (e.g. ml.m5.xlarge)")
