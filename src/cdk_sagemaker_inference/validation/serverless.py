"""Serverless rules (the constraint table, area "Serverless")."""

from __future__ import annotations

from collections.abc import Sequence

from ..constraints import SERVERLESS_MEMORY_TIERS
from ..errors import Problem
from ..instance_types import Accelerator
from ..specs import ModelSpec
from ..tokens import is_unresolved
from .checks import Checker, revalidated

_USE_REALTIME = "use RealtimeEndpoint (instance-based) for this model"


@revalidated
def validate_serverless(
    *,
    memory_size_mb: object,
    max_concurrency: object,
    provisioned_concurrency: object = None,
    scaling_min: object = None,
    scaling_max: object = None,
    data_capture: bool = False,
    shadow_variant: bool = False,
    extra_variants: int = 0,
    async_inference: bool = False,
    instance_type: object = None,
) -> list[Problem]:
    """Problems of a serverless endpoint's own settings."""
    check = Checker()
    tiers = ", ".join(str(t) for t in SERVERLESS_MEMORY_TIERS)
    if memory_size_mb is None:
        check.fail("serverless.memory", "memory_size_mb", None, "is required",
                   f"pass memory_size_mb, one of {tiers}")
    else:
        check.one_of("serverless.memory", "memory_size_mb", memory_size_mb,
                     fix=f"pick the tier at or above what the model needs: one of {tiers} "
                     "(larger tiers also get more vCPU)")
    if max_concurrency is None:
        check.fail("serverless.max-concurrency", "max_concurrency", None, "is required",
                   "pass max_concurrency between 1 and 200")
    max_ok = check.number("serverless.max-concurrency", "max_concurrency", max_concurrency)
    prov_ok = check.number("serverless.provisioned-concurrency", "provisioned_concurrency",
                           provisioned_concurrency)
    if (max_ok and prov_ok and isinstance(max_concurrency, int) and isinstance(provisioned_concurrency, int)
            and not is_unresolved(max_concurrency) and not is_unresolved(provisioned_concurrency)
            and provisioned_concurrency > max_concurrency):
        check.fail("serverless.provisioned-le-max", "provisioned_concurrency", provisioned_concurrency,
                   f"is greater than max_concurrency ({max_concurrency})",
                   f"lower provisioned_concurrency to {max_concurrency} or less, or raise max_concurrency")
    if scaling_min is not None or scaling_max is not None:
        _check_scaling(check, scaling_min, scaling_max, max_concurrency, provisioned_concurrency)
    if data_capture:
        check.fail("serverless.no-data-capture", "data_capture", True,
                   "serverless endpoints do not support data capture (nor Model Monitor)",
                   f"remove data_capture, or {_USE_REALTIME}")
    if shadow_variant:
        check.fail("serverless.no-shadow", "shadow_variant", True,
                   "serverless endpoints do not support shadow variants", f"remove it, or {_USE_REALTIME}")
    if extra_variants:
        check.fail("serverless.one-variant", "variants", 1 + extra_variants,
                   "a serverless endpoint has exactly one production variant",
                   f"use one variant, or {_USE_REALTIME} for weighted variants")
    if async_inference:
        check.fail("serverless.no-async", "async_inference", True,
                   "serverless endpoints do not support asynchronous inference",
                   "use AsyncEndpoint for asynchronous inference")
    if instance_type is not None:
        check.fail("serverless.one-kind-per-variant", "instance_type", instance_type,
                   "a serverless variant has no instance type", f"drop instance_type, or {_USE_REALTIME}")
    return check.problems


def _check_scaling(check: Checker, low: object, high: object, max_concurrency: object,
                   provisioned: object) -> None:
    field = "provisioned_concurrency_scaling"
    if provisioned is None:
        check.fail("serverless.autoscaling-capacity", field, {"min": low, "max": high},
                   "autoscaling scales provisioned concurrency, which is not set",
                   "set provisioned_concurrency (the starting capacity) as well")
    ok_low = check.number("serverless.autoscaling-capacity", f"{field}.min_capacity", low)
    ok_high = check.number("serverless.autoscaling-capacity", f"{field}.max_capacity", high)
    if not (ok_low and ok_high) or not all(isinstance(v, int) and not is_unresolved(v) for v in (low, high)):
        return
    assert isinstance(low, int) and isinstance(high, int)
    if low > high:
        check.fail("serverless.autoscaling-capacity", f"{field}.min_capacity", low,
                   f"is greater than max_capacity ({high})", "make min_capacity ≤ max_capacity")
    if isinstance(max_concurrency, int) and not is_unresolved(max_concurrency) and high > max_concurrency:
        check.fail("serverless.autoscaling-capacity", f"{field}.max_capacity", high,
                   f"is greater than max_concurrency ({max_concurrency}): provisioned concurrency "
                   "cannot exceed it", f"lower max_capacity to {max_concurrency} or raise max_concurrency")


def serverless_model_warnings(model: ModelSpec) -> list[Problem]:
    """Advice on a model a serverless endpoint runs: an image whose tag reads as an accelerated build.

    Only a declared ``accelerator=`` is refused (``serverless.no-gpu``): SageMaker never reads an image's
    name, and many images with 'gpu' or 'inf' in their tag run on CPU, so a guess is a warning."""
    check = Checker()
    multi = len(model.containers) > 1
    for index, container in enumerate(model.containers):
        if container.accelerator is Accelerator.NONE or not container.accelerator_guessed:
            continue
        kind = container.accelerator.value.upper()
        check.fail("serverless.accelerated-tag", f"model.containers[{index}].image" if multi else "model.image",
                   container.image_description or container.image,
                   f"its tag reads as a {kind} build, and serverless endpoints run on CPU only (no GPU, Neuron "
                   "or Gaudi devices): it starts only if it also runs on CPU",
                   f"if it runs on CPU, say so with accelerator=Accelerator.NONE in the ContainerImage factory "
                   f"(this warning goes); otherwise use a CPU build, or {_USE_REALTIME} with an accelerated "
                   "instance type")
    return check.problems


@revalidated
def validate_serverless_model(model: ModelSpec) -> list[Problem]:
    """Problems of a model that a serverless endpoint cannot run (the feature exclusions)."""
    check = Checker()
    if model.vpc:
        check.fail("serverless.no-vpc", "model.vpc", True,
                   "serverless endpoints cannot run in a VPC",
                   f"remove vpc from the model, or {_USE_REALTIME} (it supports VPC)")
    if model.network_isolation:
        check.fail("serverless.no-network-isolation", "model.network_isolation", True,
                   "serverless endpoints do not support network isolation",
                   f"set network_isolation=False on the model, or {_USE_REALTIME}")
    if len(model.containers) > 1:
        check.fail("serverless.no-pipeline", "model.containers", len(model.containers),
                   "serverless endpoints run one container: inference pipelines are not supported",
                   f"use a single container, or {_USE_REALTIME}")
    multi = len(model.containers) > 1
    for index, container in enumerate(model.containers):
        where = f"model.containers[{index}]" if multi else "model"
        if container.accelerator is not Accelerator.NONE and not container.accelerator_guessed:
            check.fail("serverless.no-gpu", f"{where}.image", container.image_description or container.image,
                       f"is declared a {container.accelerator.value.upper()} image (accelerator="
                       f"Accelerator.{container.accelerator.name}): serverless endpoints run on CPU only",
                       f"use a CPU image (e.g. a '-cpu-' DLC tag), or {_USE_REALTIME} with an accelerated "
                       "instance type")
        if container.marketplace:
            check.fail("serverless.no-marketplace", f"{where}.model_package", True,
                       "serverless endpoints cannot run AWS Marketplace model packages",
                       f"{_USE_REALTIME}")
        if container.repository_access_mode == "Vpc":
            check.fail("serverless.no-private-registry", f"{where}.repository_access_mode", "Vpc",
                       "serverless endpoints cannot pull from a private Docker registry",
                       "push the image to Amazon ECR (repository_access_mode Platform), or " + _USE_REALTIME)
        if container.mode == "MultiModel":
            check.fail("serverless.no-multi-model", f"{where}.mode", "MultiModel",
                       "serverless endpoints do not support multi-model endpoints",
                       f"use a SingleModel container, or {_USE_REALTIME}")
        if container.model_data_uncompressed:
            check.fail("serverless.no-uncompressed-model", f"{where}.model_data", container.model_data_url,
                       "uncompressed model data (ModelDataSource) cannot be used with serverless endpoints",
                       "package the model as model.tar.gz (ModelData.from_bucket/from_asset)")
    return check.problems


def sum_concurrency(values: Sequence[object]) -> int:
    """Total of the resolved max-concurrency values (tokens count as 0)."""
    return sum(v for v in values if isinstance(v, int) and not isinstance(v, bool) and not is_unresolved(v))
