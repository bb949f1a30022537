"""Independent oracles for the property tests: what SageMaker accepts, written without the library.

Three layers, each a small pure function over API request parameters (plain dicts, the shape
of ``boto3.client("sagemaker").create_model(**params)``):

1. ``botocore_problems``: botocore's own ``ParamValidator`` (types, required members, unknown
   members, minimum lengths and values).
2. ``service_model_problems``: the rest of what the installed botocore service model states
   and ``ParamValidator`` leaves to the service (maximum lengths and values, enums, patterns,
   anchored as the constraint table says).
3. The documented cross-field rules of the constraint table (``serverless_rules``, ``async_rules``,
   ``realtime_rules``, ``deployment_rules``, ``transform_rules``, ``model_rules``), copied from
   the document row by row, not from the library's validators.

Values that stand for an unresolved token (a CloudFormation parameter, a reference) are
:class:`Unknown` placeholders: well-formed for their field, and skipped by the cross-field
rules (nobody can know them at synth time).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import botocore.session
from botocore.model import Shape
from botocore.validate import ParamValidator

# --------------------------------------------------------------------------- placeholders


class Unknown:
    """Mixin: a value that stands for something resolved only at deploy time."""


class UnknownStr(str, Unknown):
    """A placeholder string (well-formed for its field)."""


class UnknownInt(int, Unknown):
    """A placeholder integer (inside its field's range)."""


class UnknownFloat(float, Unknown):
    """A placeholder number (inside its field's range)."""


def known(value: Any) -> bool:
    """True when ``value`` is a concrete value (not a placeholder)."""
    return not isinstance(value, Unknown)


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One broken rule: the request parameter path (``ProductionVariants[0].VariantName``) and why."""

    path: str
    rule: str
    source: str = "documented cross-field rule"

    def __str__(self) -> str:
        return f"{self.path}: {self.rule} ({self.source})"


@functools.cache
def service_model(service: str = "sagemaker") -> Any:
    return botocore.session.get_session().get_service_model(service)


def input_shape(operation: str, service: str = "sagemaker") -> Shape:
    return service_model(service).operation_model(operation).input_shape


# --------------------------------------------------------------------------- 1. botocore


def botocore_problems(operation: str, params: Mapping[str, Any], service: str = "sagemaker") -> list[Problem]:
    """``botocore.validate.ParamValidator().validate(params, input_shape)``, one problem per error."""
    report = ParamValidator().validate(dict(params), input_shape(operation, service))
    if not report.has_errors():
        return []
    problems = []
    for error in getattr(report, "_errors", []):
        reason, name, details = error[0], error[1], error[2] if len(error) > 2 else {}
        path = _path_of_botocore_name(name)
        member = details.get("required_name") or details.get("unknown_param")
        if member:
            path = f"{path}.{member}" if path else str(member)
        shown = {k: v for k, v in details.items() if k != "user_params"}
        problems.append(Problem(path, f"botocore: {reason} {shown}", f"BC {operation}"))
    if not problems:  # pragma: no cover - botocore changed its report format
        problems.append(Problem("", report.generate_report(), f"BC {operation}"))
    return problems


def _path_of_botocore_name(name: str) -> str:
    # botocore names nested members "input.ProductionVariants[0].ServerlessConfig.MemorySizeInMB"
    return name.removeprefix("input").lstrip(".")


# --------------------------------------------------------------------------- 2. the service model


def service_model_problems(operation: str, params: Mapping[str, Any], service: str = "sagemaker") -> list[Problem]:
    """Maximum lengths/values, enums and (anchored) patterns of the service model."""
    problems: list[Problem] = []
    _walk(input_shape(operation, service), dict(params), "", problems, f"BC {operation}")
    return problems


@functools.cache
def _pattern(text: str) -> re.Pattern[str] | None:
    try:
        return re.compile(text)
    except re.error:  # a Java-only construct: leave it to the service
        return None


def _walk(shape: Shape, value: Any, path: str, problems: list[Problem], source: str) -> None:
    if value is None:
        return
    meta = shape.metadata
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        for name, member in shape.members.items():
            if name in value:
                _walk(member, value[name], f"{path}.{name}" if path else name, problems, source)
        return
    if kind == "list" and isinstance(value, (list, tuple)):
        if "max" in meta and len(value) > meta["max"]:
            problems.append(Problem(path, f"has {len(value)} entries, at most {meta['max']}", source))
        for index, item in enumerate(value):
            _walk(shape.member, item, f"{path}[{index}]", problems, source)
        return
    if kind == "map" and isinstance(value, Mapping):
        if "max" in meta and len(value) > meta["max"]:
            problems.append(Problem(path, f"has {len(value)} entries, at most {meta['max']}", source))
        for key, item in value.items():
            _walk(shape.key, key, f"{path}.{key}", problems, source)
            _walk(shape.value, item, f"{path}.{key}", problems, source)
        return
    if kind == "string" and isinstance(value, str):
        if isinstance(value, Unknown):
            return
        if "max" in meta and len(value) > meta["max"]:
            problems.append(Problem(path, f"is {len(value)} characters long, at most {meta['max']}", source))
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            problems.append(Problem(path, f"{value!r} is not one of the enum", source))
        pattern = meta.get("pattern")
        compiled = _pattern(pattern) if pattern else None
        if compiled is not None and not compiled.fullmatch(value):
            problems.append(Problem(path, f"{value!r} does not match ^{pattern}$", source))
        return
    if kind in ("integer", "long", "float", "double") and isinstance(value, bool):
        # ParamValidator lets a bool through (bool is an int in Python); the JSON request says true.
        problems.append(Problem(path, f"{value!r} is a boolean, not a number", source))
        return
    if kind in ("float", "double") and isinstance(value, float) and not isinstance(value, Unknown) \
            and not math.isfinite(value):
        # JSON (RFC 8259 §6) has no NaN or Infinity: no request (nor template) can carry them.
        problems.append(Problem(path, f"{value!r} is not a finite number", "RFC 8259 §6"))
        return
    if kind == "integer" and isinstance(value, int) and not -(2**31) <= value <= 2**31 - 1:
        problems.append(Problem(path, f"{value} does not fit a 32-bit integer", "Smithy integer (32-bit signed)"))
        return
    if kind in ("integer", "long", "float", "double") and isinstance(value, (int, float)) \
            and "max" in meta and value > meta["max"]:
        problems.append(Problem(path, f"{value} is above the maximum {meta['max']}", source))


def api_problems(operation: str, params: Mapping[str, Any], service: str = "sagemaker") -> list[Problem]:
    """botocore's validation plus the service model's maxima, enums and patterns."""
    return botocore_problems(operation, params, service) + service_model_problems(operation, params, service)


# --------------------------------------------------------------------------- 3. the constraint table


SERVERLESS_MEMORY_TIERS = (1024, 2048, 3072, 4096, 5120, 6144)
"""the constraint table, Serverless, memory: the six documented tiers."""

ACCELERATED_FAMILIES = frozenset({
    "g4dn", "g5", "g6", "g6e", "g7", "g7e", "p2", "p3", "p4d", "p4de", "p5", "p5e", "p5en",
    "inf1", "inf2", "trn1", "trn1n", "trn2", "dl1",
})
"""the constraint table, Real-time, accelerated families (plus every p6-* family)."""


@dataclass(frozen=True)
class ModelFacts:
    """What a request does not say about a model: is an image built for an accelerator?"""

    accelerated_images: tuple[bool, ...] = ()
    """Per container, in order: the image is declared a GPU/Neuron/Gaudi build (``accelerator=``; a tag that
    reads as one is a warning, not a refusal)."""


@dataclass
class _Rules:
    problems: list[Problem] = field(default_factory=list)

    def fail(self, path: str, rule: str, source: str = "documented cross-field rule") -> None:
        self.problems.append(Problem(path, rule, source))


def containers_of(model: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(path, container) of a CreateModel request."""
    if isinstance(model.get("Containers"), list):
        return [(f"Containers[{i}]", c) for i, c in enumerate(model["Containers"]) if isinstance(c, Mapping)]
    if isinstance(model.get("PrimaryContainer"), Mapping):
        return [("PrimaryContainer", model["PrimaryContainer"])]
    return []


def marketplace(container: Mapping[str, Any]) -> bool:
    """A Marketplace package: a ModelPackageName without a version (a Model Registry version ARN ends
    in /<version>, DG model-registry-deploy)."""
    name = container.get("ModelPackageName")
    return name is not None and not (isinstance(name, str) and re.search(r"/[0-9]+$", name))


def model_rules(model: Mapping[str, Any]) -> list[Problem]:
    """the constraint table, area "Model" and multi-container rows that span fields."""
    rules = _Rules()
    containers = containers_of(model)
    mode = (model.get("InferenceExecutionConfig") or {}).get("Mode")
    if not containers and "PrimaryContainer" not in model:
        rules.fail("Containers", "a model has 1–15 containers", "DG:multi-container-endpoints")
    total = 0
    multi = 0
    hostnames: list[str] = []
    for path, container in containers:
        env = container.get("Environment") or {}
        if isinstance(env, Mapping):
            total += sum(len(str(k).encode()) + len(str(v).encode()) for k, v in env.items())
        if container.get("Mode") == "MultiModel":
            multi += 1
            if container.get("ModelDataSource") is not None:
                rules.fail(f"{path}.ModelDataSource", "ModelDataSource cannot be used with multi-model endpoints",
                           "BC ContainerDefinition.ModelDataSource")
        url = container.get("ModelDataUrl")
        if (isinstance(url, str) and known(url) and container.get("Mode", "SingleModel") == "SingleModel"
                and not url.endswith(".tar.gz")):
            rules.fail(f"{path}.ModelDataUrl", "a single model's data is a .tar.gz archive",
                       "DG:create-multi-model-endpoint")
        image_config = container.get("ImageConfig") or {}
        if image_config.get("RepositoryAuthConfig") and image_config.get("RepositoryAccessMode") != "Vpc":
            rules.fail(f"{path}.ImageConfig", "RepositoryAuthConfig only with RepositoryAccessMode Vpc")
        if image_config.get("RepositoryAccessMode") == "Vpc" and not model.get("VpcConfig"):
            rules.fail(f"{path}.ImageConfig.RepositoryAccessMode", "a private registry needs the model in a VPC",
                       "DG:your-algorithms-containers-inference-private")
        if "Image" not in container and "ModelPackageName" not in container:
            rules.fail(f"{path}.Image", "a container needs an image (or a model package)")
        hostname = container.get("ContainerHostname")
        if len(containers) > 1 and mode == "Direct" and hostname is None:
            rules.fail(f"{path}.ContainerHostname", "Direct invocation needs a ContainerHostname on each container",
                       "DG:multi-container-endpoints")
        if isinstance(hostname, str) and known(hostname):
            hostnames.append(hostname)
    if total > 32 * 1024:
        rules.fail("Environment", "all containers' environment variables together are at most 32 KB")
    if multi > 1:
        rules.fail("Containers", "at most one MultiModel container in a pipeline", "DG:multi-model-endpoints")
    if any(marketplace(c) for _, c in containers) and model.get("EnableNetworkIsolation") is not True:
        rules.fail("EnableNetworkIsolation", "models from AWS Marketplace run with network isolation",
                   "DG mkt-algo-model-internet-free")
    if len(hostnames) != len(set(hostnames)):
        rules.fail("Containers", "container hostnames are unique", "DG:multi-container-endpoints")
    named = [(path, container.get("ContainerHostname") is not None) for path, container in containers]
    if len(named) > 1 and mode != "Direct" and any(has for _, has in named) and not all(has for _, has in named):
        first = next(path for path, has in named if not has)
        rules.fail(f"{first}.ContainerHostname", "a pipeline's containers all have a ContainerHostname once one has",
                   "BC ContainerDefinition.ContainerHostname")
    return rules.problems


def _accelerated_instance(instance_type: str) -> bool:
    parts = instance_type.split(".")
    family = parts[1] if len(parts) == 3 else ""
    return family in ACCELERATED_FAMILIES or family.startswith("p6")


def serverless_rules(config: Mapping[str, Any], models: Mapping[str, Mapping[str, Any]],
                     facts: Mapping[str, ModelFacts] | None = None) -> list[Problem]:
    """the constraint table, area "Serverless": tiers, provisioned ≤ max, the feature exclusions.

    ``models`` maps a model name (as the variants name it) to its CreateModel request;
    ``facts`` the same names to what the request does not say.
    """
    rules = _Rules()
    variants = [v for v in config.get("ProductionVariants") or [] if isinstance(v, Mapping)]
    serverless = [(i, v) for i, v in enumerate(variants) if "ServerlessConfig" in v]
    if not serverless:
        return []
    if len(variants) > 1:
        rules.fail("ProductionVariants", "a serverless endpoint has exactly one production variant")
    for key in ("DataCaptureConfig", "AsyncInferenceConfig", "ShadowProductionVariants"):
        if config.get(key):
            rules.fail(key, f"{key} is not supported on serverless endpoints")
    for index, variant in serverless:
        path = f"ProductionVariants[{index}]"
        sc = variant["ServerlessConfig"] or {}
        memory = sc.get("MemorySizeInMB")
        if isinstance(memory, int) and known(memory) and memory not in SERVERLESS_MEMORY_TIERS:
            rules.fail(f"{path}.ServerlessConfig.MemorySizeInMB", "one of 1024, 2048, 3072, 4096, 5120, 6144 MB",
                       "DG:serverless-endpoints")
        high, provisioned = sc.get("MaxConcurrency"), sc.get("ProvisionedConcurrency")
        if (isinstance(high, int) and isinstance(provisioned, int) and known(high) and known(provisioned)
                and provisioned > high):
            rules.fail(f"{path}.ServerlessConfig.ProvisionedConcurrency", "≤ MaxConcurrency")
        if "InstanceType" in variant:
            rules.fail(f"{path}.InstanceType", "a variant has either ServerlessConfig or InstanceType")
        name = variant.get("ModelName")
        model = models.get(name) if isinstance(name, str) else None
        if model is None:
            continue
        model_facts = (facts or {}).get(name, ModelFacts())
        if model.get("VpcConfig"):
            rules.fail("VpcConfig", "no VPC configuration on serverless endpoints")
        if model.get("EnableNetworkIsolation"):
            rules.fail("EnableNetworkIsolation", "no network isolation on serverless endpoints")
        containers = containers_of(model)
        if len(containers) > 1:
            rules.fail("Containers", "no inference pipelines (one container) on serverless endpoints")
        for position, (cpath, container) in enumerate(containers):
            if container.get("Mode") == "MultiModel":
                rules.fail(f"{cpath}.Mode", "no multi-model endpoints on serverless")
            if (container.get("ImageConfig") or {}).get("RepositoryAccessMode") == "Vpc":
                rules.fail(f"{cpath}.ImageConfig.RepositoryAccessMode", "no private Docker registries on serverless")
            if "ModelDataSource" in container:
                rules.fail(f"{cpath}.ModelDataSource", "ModelDataSource cannot be used with serverless endpoints",
                           "BC ContainerDefinition.ModelDataSource")
            if marketplace(container):
                rules.fail(f"{cpath}.ModelPackageName", "no Marketplace model packages on serverless")
            accelerated = model_facts.accelerated_images
            if position < len(accelerated) and accelerated[position]:
                rules.fail(f"{cpath}.Image", "no GPUs (accelerated images) on serverless")
    return rules.problems


def async_rules(config: Mapping[str, Any], models: Mapping[str, Mapping[str, Any]]) -> list[Problem]:
    """the constraint table, area "Async": OutputConfig required, notifications need their topics, no Marketplace."""
    rules = _Rules()
    async_config = config.get("AsyncInferenceConfig")
    if not isinstance(async_config, Mapping):
        return []
    output = async_config.get("OutputConfig")
    if not isinstance(output, Mapping):
        rules.fail("AsyncInferenceConfig.OutputConfig", "OutputConfig is required")
        return rules.problems
    notification = output.get("NotificationConfig") or {}
    for value, topic in (("SUCCESS_NOTIFICATION_TOPIC", "SuccessTopic"), ("ERROR_NOTIFICATION_TOPIC", "ErrorTopic")):
        if value in (notification.get("IncludeInferenceResponseIn") or []) and not notification.get(topic):
            rules.fail("AsyncInferenceConfig.OutputConfig.NotificationConfig.IncludeInferenceResponseIn",
                       f"{value} needs a {topic}")
    included = notification.get("IncludeInferenceResponseIn") or []
    if len(included) != len(set(included)):
        rules.fail("AsyncInferenceConfig.OutputConfig.NotificationConfig.IncludeInferenceResponseIn",
                   "a subset: each topic type once")
    variants = [v for v in config.get("ProductionVariants") or [] if isinstance(v, Mapping)]
    for index, variant in enumerate(variants):
        if "ServerlessConfig" in variant:
            rules.fail(f"ProductionVariants[{index}].ServerlessConfig", "no async inference on serverless variants")
        name = variant.get("ModelName")
        model = models.get(name) if isinstance(name, str) else None
        for cpath, container in containers_of(model or {}):
            if marketplace(container):
                rules.fail(f"{cpath}.ModelPackageName", "Marketplace images are not supported with async inference",
                           "aws/sagemaker-python-sdk issue #3969")
    return rules.problems


def realtime_rules(config: Mapping[str, Any], models: Mapping[str, Mapping[str, Any]]) -> list[Problem]:
    """the constraint table, area "Real-time": unique variant names, no Elastic Inference, no managed instance
    scaling, the shadow-variant exclusions, multi-container counts."""
    rules = _Rules()
    variants = [v for v in config.get("ProductionVariants") or [] if isinstance(v, Mapping)]
    shadows = [v for v in config.get("ShadowProductionVariants") or [] if isinstance(v, Mapping)]
    names = [v.get("VariantName") for v in (*variants, *shadows) if isinstance(v.get("VariantName"), str)]
    known_names = [n for n in names if known(n)]
    if len(known_names) != len(set(known_names)):
        rules.fail("ProductionVariants", "unique variant names")
    for group, members in (("ProductionVariants", variants), ("ShadowProductionVariants", shadows)):
        for index, variant in enumerate(members):
            path = f"{group}[{index}]"
            if variant.get("AcceleratorType") is not None:
                rules.fail(f"{path}.AcceleratorType", "Elastic Inference is no longer supported")
            instance_type = variant.get("InstanceType")
            if (variant.get("VolumeSizeInGB") is not None and isinstance(instance_type, str) and known(instance_type)
                    and _no_ebs_volume(instance_type)):
                rules.fail(f"{path}.VolumeSizeInGB", "no storage volume on instance types with local storage",
                           "DG:host-instance-storage; sagemaker-python-sdk volume_size_supported")
            if variant.get("ManagedInstanceScaling") is not None:
                rules.fail(f"{path}.ManagedInstanceScaling", "only for inference-component endpoints",
                           "terraform-provider-aws PR #45926")
            if "ServerlessConfig" in variant and "InstanceType" in variant:
                rules.fail(f"{path}", "either ServerlessConfig or InstanceType")
            elif "ServerlessConfig" not in variant:
                for key in ("InstanceType", "InitialInstanceCount"):
                    if key not in variant:
                        rules.fail(f"{path}.{key}", "an instance-based variant has an instance type and count",
                                   "BC ProductionVariant")
    if shadows:
        if len(variants) != 1 or len(shadows) != 1:
            rules.fail("ShadowProductionVariants", "exactly one production variant plus one shadow")
        if config.get("AsyncInferenceConfig"):
            rules.fail("ShadowProductionVariants", "no shadow variants with async inference")
        for group, variant in (("ProductionVariants[0]", variants[0] if variants else {}),
                               ("ShadowProductionVariants[0]", shadows[0])):
            if "ServerlessConfig" in variant:
                rules.fail(group, "no shadow variants with serverless")
            instance_type = variant.get("InstanceType")
            if isinstance(instance_type, str) and instance_type.startswith("ml.inf1."):
                rules.fail(f"{group}.InstanceType", "no shadow variants on Inf1", "DG:shadow-tests-exclusions")
            name = variant.get("ModelName")
            model = models.get(name) if isinstance(name, str) else None
            containers = containers_of(model or {})
            if len(containers) > 1:
                rules.fail(group, "no shadow variants with multi-container models")
            for cpath, container in containers:
                if container.get("Mode") == "MultiModel":
                    rules.fail(f"{group}.{cpath}.Mode", "no shadow variants with multi-model endpoints")
                if marketplace(container):
                    rules.fail(f"{group}.{cpath}.ModelPackageName", "no shadow variants with Marketplace models")
    return rules.problems


def _size_refused(size: Mapping[str, Any], ranges: Sequence[tuple[int, float]] | None, low: float,
                  high: float) -> bool:
    """Whether a capacity size is outside ``low``–``high`` % of the instances: a percentage directly; an
    instance count at every count a variant can start an update at (``ranges``: per variant, its fewest and
    most instances, math.inf for a maximum known at deploy time; None when one is unknown), tried one count at
    a time (for no known maximum, up to the count where the share drops to ``high``)."""
    value = size.get("Value")
    if not isinstance(value, int) or not known(value):
        return False
    if size.get("Type") == "CAPACITY_PERCENT":
        return not low <= value <= high
    if size.get("Type") == "INSTANCE_COUNT" and ranges:
        def tried(floor: int, ceiling: float) -> range:
            last = int(ceiling) if ceiling != math.inf else max(floor, math.ceil(100 * value / high)) + 1
            return range(floor, last + 1)

        return any(not any(low <= 100.0 * value / n <= high for n in tried(floor, ceiling))
                   for floor, ceiling in ranges)
    return False


def deployment_rules(endpoint: Mapping[str, Any], config: Mapping[str, Any],
                     instance_ranges: Sequence[tuple[int | None, float | None]] = ()) -> list[Problem]:
    """the constraint table, area "Migration and updates": deployment guardrails.

    ``instance_ranges``: per production variant, the fewest instances it runs on (initial count, or the
    autoscaling minimum; None when unknown) and the autoscaling maximum (None without autoscaling, math.inf
    when known only at deploy time). SageMaker checks a size in instances against the count when the update
    starts: refused when no count of a variant's range fits; an update never starts at 0 instances.
    """
    rules = _Rules()
    deployment = endpoint.get("DeploymentConfig")
    if not isinstance(deployment, Mapping):
        return []
    variants = [v for v in config.get("ProductionVariants") or [] if isinstance(v, Mapping)]
    if any("ServerlessConfig" in v for v in variants):
        rules.fail("DeploymentConfig", "deployment guardrails only for real-time and async endpoints")
    blue_green, rolling = deployment.get("BlueGreenUpdatePolicy"), deployment.get("RollingUpdatePolicy")
    if blue_green and rolling:
        rules.fail("DeploymentConfig", "blue/green or rolling, not both")
    ranges: list[tuple[int, float]] | None = []
    for floor, ceiling in instance_ranges:
        if floor is None or ranges is None:
            ranges = None
        elif ceiling is None:  # a fixed count
            if floor >= 1:
                ranges.append((floor, floor))
        elif floor >= 0:  # autoscaled: from the minimum (1 after scale to zero) to the maximum
            ranges.append((max(floor, 1), max(ceiling, floor, 1)))
    ranges = ranges or None
    if isinstance(blue_green, Mapping):
        routing = blue_green.get("TrafficRoutingConfiguration") or {}
        kind = routing.get("Type")
        base = "DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration"
        if kind == "CANARY":
            size = routing.get("CanarySize")
            if not isinstance(size, Mapping):
                rules.fail(f"{base}.CanarySize", "a canary needs its size")
            else:
                if _size_refused(size, ranges, 0, 50):
                    rules.fail(f"{base}.CanarySize", "canary size ≤ 50% of the variant's instances")
        elif kind == "LINEAR":
            size = routing.get("LinearStepSize")
            if not isinstance(size, Mapping):
                rules.fail(f"{base}.LinearStepSize", "linear traffic shifting needs its step size")
            else:
                if _size_refused(size, ranges, 10, 50):
                    rules.fail(f"{base}.LinearStepSize", "linear step 10–50% of the variant's instances")
        elif kind == "ALL_AT_ONCE":
            for key in ("CanarySize", "LinearStepSize"):
                if routing.get(key):
                    rules.fail(f"{base}.{key}", "ALL_AT_ONCE takes no step size")
    if isinstance(rolling, Mapping):
        if len(variants) > 1:
            rules.fail("DeploymentConfig.RollingUpdatePolicy", "rolling updates exclude multi-variant endpoints",
                       "DG:deployment-guardrails-exclusions")
        size = rolling.get("MaximumBatchSize")
        if isinstance(size, Mapping) and _size_refused(size, ranges, 5, 50):
            rules.fail("DeploymentConfig.RollingUpdatePolicy.MaximumBatchSize", "5–50% of the instances")
    return rules.problems


def transform_rules(job: Mapping[str, Any], model: Mapping[str, Any] | None = None) -> list[Problem]:
    """the constraint table, area "Batch transform"."""
    rules = _Rules()
    payload, concurrent = job.get("MaxPayloadInMB"), job.get("MaxConcurrentTransforms")
    if isinstance(payload, int) and known(payload) and payload > 100:
        rules.fail("MaxPayloadInMB", "0–100 MB")
    if (isinstance(payload, int) and isinstance(concurrent, int) and known(payload) and known(concurrent)
            and payload * concurrent > 100):
        rules.fail("MaxConcurrentTransforms", "MaxConcurrentTransforms × MaxPayloadInMB ≤ 100")
    transform_input = job.get("TransformInput") or {}
    split = transform_input.get("SplitType", "None")
    # A BatchStrategy without a SplitType runs (each file is one record): not a refusal.
    source = ((transform_input.get("DataSource") or {}).get("S3DataSource") or {})
    if source.get("S3DataType") == "AugmentedManifestFile":
        rules.fail("TransformInput.DataSource.S3DataSource.S3DataType", "S3Prefix or ManifestFile")
    resources = job.get("TransformResources") or {}
    count = resources.get("InstanceCount")
    if isinstance(count, int) and known(count) and count > 100:
        rules.fail("TransformResources.InstanceCount", "1–100")
    instance_type = resources.get("InstanceType")
    if resources.get("VolumeKmsKeyId") and isinstance(instance_type, str) and known(instance_type) \
            and _local_storage(instance_type):
        rules.fail("TransformResources.VolumeKmsKeyId", "no VolumeKmsKeyId on instance types with local storage")
    processing = job.get("DataProcessing") or {}
    for key in ("InputFilter", "OutputFilter"):
        value = processing.get(key)
        if isinstance(value, str) and known(value) and len(value) > 63:
            rules.fail(f"DataProcessing.{key}", "JSONPath ≤ 63 characters")
    if processing.get("JoinSource") == "Input":
        content = str(transform_input.get("ContentType", ""))
        if "csv" in content.lower():
            assemble = (job.get("TransformOutput") or {}).get("AssembleWith", "None")
            if split != "Line" or assemble != "Line":
                rules.fail("DataProcessing.JoinSource", "joining CSV needs SplitType Line and AssembleWith Line",
                           "DG:batch-transform-data-processing")
    client = job.get("ModelClientConfig") or {}
    timeout = client.get("InvocationsTimeoutInSeconds")
    if isinstance(timeout, int) and known(timeout) and not 1 <= timeout <= 3600:
        rules.fail("ModelClientConfig.InvocationsTimeoutInSeconds", "1–3600")
    for _cpath, container in containers_of(model or {}):
        if "ModelDataSource" in container:
            rules.fail("ModelName", "ModelDataSource cannot be used with batch transform",
                       "BC ContainerDefinition.ModelDataSource")
    return rules.problems


_LOCAL_STORAGE = re.compile(r"^ml\.(c5d|m5d|r5d|c6gd|m6gd|r6gd|r7gd|g4dn|g5|g6|g6e|p3dn|p4d|p4de|p5|p5e|p5en|p6[a-z0-9-]*|"
                            r"dl1|trn1|trn1n|trn2|inf2)\.")


_NO_EBS_VOLUME = re.compile(r"^ml\.([a-z]+\d+[a-z]*d[a-z]*|g5|g6|g6e|p5|p5e|p5en|trn1|trn1n)\.")


def _no_ebs_volume(instance_type: str) -> bool:
    """Types SageMaker attaches no EBS volume to, so VolumeSizeInGB is refused: the SageMaker Python SDK's
    ``volume_size_supported`` rule (a ``d`` in the family, plus g5, g6, trn1 and the p5 family), written
    here independently of the library's own list."""
    return bool(_NO_EBS_VOLUME.match(instance_type))


def _local_storage(instance_type: str) -> bool:
    """Instance families with local NVMe instance storage (EC2 instance store volumes)."""
    return bool(_LOCAL_STORAGE.match(instance_type))


def autoscaling_rules(path: str, low: Any, high: Any, *, floor: int = 1,
                      ceiling: Any = None) -> list[Problem]:
    """the constraint table, area "autoscaling min capacity": floor ≤ min ≤ max (≤ ceiling, e.g. max concurrency)."""
    rules = _Rules()
    ints = [v for v in (low, high, ceiling) if v is not None]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in ints):
        rules.fail(path, "capacities are whole numbers")
        return rules.problems
    if low is not None and known(low) and low < floor:
        rules.fail(f"{path}.MinCapacity", f"min capacity ≥ {floor}")
    if low is not None and high is not None and known(low) and known(high) and low > high:
        rules.fail(f"{path}.MinCapacity", "min capacity ≤ max capacity")
    if high is not None and ceiling is not None and known(high) and known(ceiling) and high > ceiling:
        rules.fail(f"{path}.MaxCapacity", f"max capacity ≤ {ceiling}")
    return rules.problems


def accelerated_instance(instance_type: str) -> bool:
    """the constraint table accelerated families (GPU, Neuron, Gaudi)."""
    return _accelerated_instance(instance_type)


def first(items: Iterable[Problem]) -> Problem | None:
    return next(iter(items), None)
