"""Rules every model obeys, whatever hosts it (the constraint table, area "Model")."""

from __future__ import annotations

import re

from ..constraints import constraint
from ..errors import Problem
from ..specs import ContainerSpec, ModelSpec
from ..tokens import is_unresolved
from .checks import Checker, key_in_unknown_bucket, revalidated, unknown_bucket_length

_MAX_TOTAL_ENV_BYTES = 32 * 1024


@revalidated
def validate_model(model: ModelSpec) -> list[Problem]:
    """Problems of a model definition on its own."""
    check = Checker()
    check.count("multicontainer.count", "containers", model.containers,
                fix="give between 1 and 15 containers")
    multi_model = 0
    total_env = 0
    for index, container in enumerate(model.containers):
        where = f"containers[{index}]" if len(model.containers) > 1 else "image"
        if container.image is not None:
            check.text("model.image", where, container.image,
                       fix="pass an image URI of at most 255 characters without spaces")
        prefix = f"containers[{index}]." if len(model.containers) > 1 else ""
        if container.model_data_url is not None:
            field = f"{prefix}model_data"
            if check.text("model.model-data-url", field, container.model_data_url):
                url = container.model_data_url
                if (container.mode == "SingleModel" and not container.model_data_uncompressed
                        and not is_unresolved(url) and not url.endswith(".tar.gz")):
                    check.fail("model.model-data-url", field, url,
                               "a single model's data must be a .tar.gz archive",
                               "package the model as model.tar.gz, or use ModelData.from_uncompressed_prefix() "
                               "for an uncompressed S3 prefix (real-time and async only)")
        if container.mode == "MultiModel" and container.model_data_uncompressed:
            check.fail("model.multi-model-uncompressed", f"{prefix}model_data", container.model_data_url,
                       "a multi-model container cannot use uncompressed model data (ModelDataSource)",
                       "use ModelData.from_bucket(bucket, 'models/') for the prefix that holds the models' "
                       ".tar.gz archives")
        check.text("model.container-hostname", f"{prefix}container_hostname", container.hostname,
                   fix="use 1–63 letters, digits and hyphens, starting and ending with a letter or digit")
        _check_model_package(check, f"{prefix}model_package", container, model.network_isolation)
        env = dict(container.environment)
        check.count("model.environment", f"{prefix}environment", env, fix="pass at most 100 variables")
        key_pattern = constraint("model.environment").pattern or ""
        for key, value in env.items():
            if is_unresolved(key):
                continue
            if not isinstance(key, str) or len(key) > 1024 or not re.fullmatch(key_pattern, key):
                check.fail("model.environment", f"{prefix}environment[{key!r}]", key,
                           "is not a valid variable name",
                           "use a name of letters, digits and '_' that does not start with a digit (≤ 1024 chars)")
            if not isinstance(value, str):
                check.fail("model.environment", f"{prefix}environment[{key!r}]", value,
                           f"values must be strings, got {type(value).__name__}",
                           "convert the value to a string, e.g. str(value)")
                continue
            if not is_unresolved(value) and len(value) > 1024:
                check.fail("model.environment", f"{prefix}environment[{key!r}]", f"<{len(value)} characters>",
                           "is longer than 1024 characters", "shorten the value or load it from S3 at start-up")
            total_env += len(str(key).encode()) + len(value.encode())
        check.one_of("model.mode", f"{prefix}mode", container.mode)
        multi_model += container.mode == "MultiModel"
        check.one_of("model.image-config", f"{prefix}repository_access_mode", container.repository_access_mode)
        if container.repository_access_mode == "Vpc" and not model.vpc:
            check.fail("model.private-registry-vpc", f"{prefix}repository_access_mode", "Vpc",
                       "an image in a private Docker registry is pulled through the model's VPC, and this model "
                       "has none", "pass vpc= (and vpc_subnets=) where the registry is reachable, or push the "
                       "image to Amazon ECR (repository_access_mode=PLATFORM)")
        credentials = container.repository_credentials
        if credentials is not None:
            if container.repository_access_mode != "Vpc":
                check.fail("model.image-config", f"{prefix}repository_credentials_provider_arn", credentials,
                           "registry credentials apply to an image in a private Docker registry "
                           "(repository_access_mode=VPC) only",
                           "set repository_access_mode=RepositoryAccessMode.VPC, or drop the credentials provider")
            elif not is_unresolved(credentials) and not 1 <= len(credentials) <= 2048:
                check.fail("model.image-config", f"{prefix}repository_credentials_provider_arn",
                           f"<{len(credentials)} characters>", "must have 1–2048 characters",
                           "pass the Lambda function's ARN")

        if len(model.containers) > 1 and model.inference_execution_mode == "Direct":
            check.text("multicontainer.direct-hostname", f"{prefix}container_hostname", container.hostname)
            if container.hostname is None:
                check.fail("multicontainer.direct-hostname", f"{prefix}container_hostname", None,
                           "Direct invocation needs a hostname on every container",
                           "give each container a unique container_hostname")
    if total_env > _MAX_TOTAL_ENV_BYTES:
        check.fail("model.environment", "environment", f"{total_env} bytes",
                   "all containers' environment variables together exceed 32 KB",
                   "move large values to S3 or Parameter Store")
    if multi_model > 1:
        check.fail("model.mode", "containers[].mode", multi_model,
                   f"{multi_model} containers are MultiModel: a model may have at most one",
                   "keep one MultiModel container")
    hostnames = [c.hostname for c in model.containers if c.hostname is not None]
    if len(model.containers) > 1 and model.inference_execution_mode != "Direct" and 0 < len(hostnames) < len(
            model.containers):  # Direct: every container needs one, said per container above
        missing = [i for i, c in enumerate(model.containers) if c.hostname is None]
        check.fail("multicontainer.pipeline-hostname", f"containers[{missing[0]}].container_hostname", None,
                   f"{len(hostnames)} of the {len(model.containers)} containers have a container_hostname: "
                   "SageMaker needs one on every container of a pipeline once any has one",
                   "give every container a unique container_hostname, or drop them all (SageMaker then names "
                   "the containers by position)")
    if len(hostnames) != len(set(hostnames)):
        direct = model.inference_execution_mode == "Direct"
        check.fail("multicontainer.direct-hostname" if direct else "multicontainer.pipeline-hostname",
                   "containers[].container_hostname", hostnames,
                   "container hostnames are not unique: a hostname identifies its container"
                   + (" (Direct invocation targets it)" if direct else " in the pipeline"),
                   "give each container a different hostname")
    if model.inference_execution_mode is not None:
        check.one_of("multicontainer.mode", "inference_execution_mode", model.inference_execution_mode)
    if model.vpc:
        check.count("vpc.subnets", "vpc_subnets", None if model.subnet_count is None else range(model.subnet_count),
                    fix="select between 1 and 16 subnets (e.g. vpc_subnets=SubnetSelection(...))")
        check.count("vpc.security-groups", "security_groups",
                    None if model.security_group_count is None else range(model.security_group_count),
                    fix="pass between 1 and 5 security groups (one is created when you pass none)")
    return check.problems


def check_registry_version(check: Checker, field: str, arn: object) -> None:
    """A Model Registry version's ARN: ``…:model-package/<group>/<version>``, the version ≥ 1."""
    version = arn.rsplit("/", 1)[-1] if isinstance(arn, str) and not is_unresolved(arn) else ""
    if version.isdigit() and int(version) < 1:
        check.fail("model.registry-version", field, arn, "names version 0: registry versions start at 1",
                   "use the version number the registry gave (1, 2, …)")
        return
    check.text("model.registry-version", field, arn,
               fix="pass a version's ARN, arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version> "
               "(a group's ARN, model-package-group/<group>, names no version), or group name and version to "
               "ModelPackage.from_registry_version")


def _check_model_package(check: Checker, field: str, container: ContainerSpec, network_isolation: bool) -> None:
    """A Model Registry version or a Marketplace package: the ARN shapes, Marketplace's network isolation."""
    arn = container.model_package_name
    if arn is None:
        return
    check.text("model.model-package-name", field, arn,
               fix="pass the package's ARN, arn:aws:sagemaker:<region>:<account>:model-package/<name>[/<version>], "
               "of at most 176 characters")
    check.text("model.inference-specification", f"{field}.inference_specification", container.inference_specification,
               fix="pass the Name of one of the version's AdditionalInferenceSpecifications (DescribeModelPackage), "
               "or leave it out for the version's main inference specification")
    if container.model_package_source == "registry":
        check_registry_version(check, field, arn)
    elif container.model_package_source == "unversioned":
        check.text("model.unversioned-package", field, arn,
                   fix="pass the package's ARN, arn:aws:sagemaker:<region>:<account>:model-package/<name> (a "
                   "versioned package's ARN ends in /<version>: use ModelPackage.from_registry_version_arn)")
    else:
        check.text("model.model-package-arn", field, arn,
                   fix="pass the ARN of the package you subscribed to, "
                   "arn:aws:sagemaker:<region>:<seller account>:model-package/<name>")
        if not network_isolation:
            check.fail("model.marketplace-network-isolation", "network_isolation", False,
                       "a model from an AWS Marketplace package must run with network isolation",
                       "pass network_isolation=True to the InferenceModel")


def model_warnings(model: ModelSpec) -> list[Problem]:
    """Advice on a model: settings that have no effect where they are."""
    check = Checker()
    multi = len(model.containers) > 1
    for index, container in enumerate(model.containers):
        prefix = f"containers[{index}]." if multi else ""
        unknown_bucket_length(check, f"{prefix}model_data", key_in_unknown_bucket(container.model_data_url),
                              constraint("model.model-data-url").max_length or 1024, what="model data URL")
        if container.model_cache is not None and container.mode != "MultiModel":
            check.fail("model.multi-model-cache", f"{prefix}model_cache", container.model_cache,
                       "sets the model cache of a multi-model container (MultiModelConfig), and this container is "
                       f"{container.mode}: it has no models to cache", "drop model_cache, or use "
                       "mode=ContainerMode.MULTI_MODEL")
    return check.problems
