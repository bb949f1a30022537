"""The account side of preflight: read-only calls that say whether the target account can take the app.

Each check reads one thing (a quota, an object, an image, a model package, a key, a topic, a subnet or
security group, a name) and returns findings: ``error`` (the deploy would fail: exit 1), ``warning``
(it may work, but look), or ``not-checked`` (the API is not offered here, e.g. by an emulator, or access
was denied: it changes the exit code only with ``--strict``). Only ``List*``, ``Describe*``, ``Get*`` and
``HeadObject`` are called.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..assembly import StackTemplate
from .needs import ENDPOINT_TOTAL, SERVERLESS_CONCURRENCY, SERVERLESS_ENDPOINTS, Need

__all__ = ["ERROR", "NOT_CHECKED", "WARNING", "Finding", "check_names", "check_quotas", "check_references",
           "check_region_mappings", "references_of"]

ERROR, WARNING, NOT_CHECKED = "error", "warning", "not-checked"


@dataclass(frozen=True)
class Finding:
    """One thing preflight found, where, and the way out."""

    severity: str
    check: str
    stack: str
    path: str
    what: str
    fix: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"severity": self.severity, "check": self.check, "stack": self.stack, "path": self.path,
                "what": self.what, "fix": self.fix, "details": dict(self.details)}

    def render(self) -> str:
        text = f"[{self.severity}] {self.check} {self.path or self.stack}: {self.what}"
        return text + (f"\n    fix: {self.fix}" if self.fix else "")


def _code(error: BaseException) -> str:
    response = getattr(error, "response", None)
    return str(((response or {}).get("Error") or {}).get("Code", "")) if isinstance(response, Mapping) else ""


def _message(error: BaseException) -> str:
    response = getattr(error, "response", None)
    text = str(error) or type(error).__name__
    if isinstance(response, Mapping):
        text = str((response.get("Error") or {}).get("Message", "")) or text
        if "<html" in text.lower():  # an endpoint that answered with an HTML error page (an emulator, a proxy)
            status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode", "?")
            text = f"HTTP {status} with an HTML page instead of an API response"
    return " ".join(text.split())


_MISSING = re.compile(r"NotFound|NoSuch|^404$|ResourceNotFound|does not exist|Could not find|not found", re.I)
_DENIED = re.compile(r"AccessDenied|^403$|Unauthorized|Forbidden", re.I)


def _missing(error: BaseException) -> bool:
    return bool(_MISSING.search(_code(error)) or _MISSING.search(_message(error)))


def _not_checked(check: str, stack: str, path: str, subject: str, error: BaseException) -> Finding:
    why = ("access denied to these credentials" if _DENIED.search(_code(error)) else
           f"the API did not answer ({type(error).__name__}: {_message(error)[:200]})")
    return Finding(NOT_CHECKED, check, stack, path, f"{subject}: not checked: {why}")


# ---------------------------------------------------------------------------------------------- quotas
def _quotas(client: Any, operation: str) -> dict[str, tuple[float, str]]:
    found: dict[str, tuple[float, str]] = {}
    for page in client.get_paginator(operation).paginate(ServiceCode="sagemaker"):
        for quota in page.get("Quotas", []):
            found[str(quota.get("QuotaName"))] = (float(quota.get("Value", 0)), str(quota.get("QuotaCode", "")))
    return found


def _in_use(sagemaker: Any, owned: set[str]) -> tuple[dict[str, int], int, int, int]:
    """Instances per type, all instances, serverless concurrency and serverless endpoints of the Region's
    endpoints that are not the app's (``owned``: lower-case names)."""
    per_type: dict[str, int] = {}
    total = concurrency = serverless = 0
    for page in sagemaker.get_paginator("list_endpoints").paginate():
        for summary in page.get("Endpoints", []):
            name = str(summary.get("EndpointName", ""))
            if name.lower() in owned:
                continue
            endpoint = sagemaker.describe_endpoint(EndpointName=name)
            config = sagemaker.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
            types = {v.get("VariantName"): v.get("InstanceType") for v in
                     [*config.get("ProductionVariants", []), *config.get("ShadowProductionVariants", [])]}
            is_serverless = False
            for variant in [*endpoint.get("ProductionVariants", []), *endpoint.get("ShadowProductionVariants", [])]:
                current = variant.get("CurrentServerlessConfig")
                if current:
                    concurrency += int(current.get("MaxConcurrency", 0))
                    is_serverless = True
                    continue
                count = int(variant.get("CurrentInstanceCount") or 0)
                instance_type = types.get(variant.get("VariantName"))
                if instance_type:
                    per_type[str(instance_type)] = per_type.get(str(instance_type), 0) + count
                total += count
            serverless += is_serverless  # the quota counts endpoints, not variants
    return per_type, total, concurrency, serverless


def check_quotas(needs: Sequence[Need], session: Any, owned: set[str], stack: str) -> list[Finding]:
    """The app's needs in one environment against Service Quotas, minus what the Region's other endpoints use."""
    if not needs:
        return []
    try:
        quotas_client = session.client("service-quotas")
        applied = _quotas(quotas_client, "list_service_quotas")
    except Exception as error:  # an emulator without Service Quotas, a partition without it, access denied
        return [_not_checked("quota", stack, "", "Service Quotas (sagemaker)", error)]
    defaults: dict[str, tuple[float, str]] | None = None
    defaults_error: BaseException | None = None
    try:
        used_by_type, used_total, used_concurrency, used_serverless = _in_use(session.client("sagemaker"), owned)
    except Exception as error:
        return [_not_checked("quota", stack, "", "the Region's other endpoints (ListEndpoints)", error)]
    used = {"__total": used_total, "__concurrency": used_concurrency, "__serverless": used_serverless}
    findings: list[Finding] = []
    for need in needs:
        if need.unknown:  # the known part is still checked below: it is a lower bound
            findings.append(Finding(NOT_CHECKED, "quota", stack, ", ".join(need.unknown),
                                    f"'{need.quota_name}': not checked for {', '.join(need.unknown)}: an instance "
                                    "count or type known only at deploy time"))
        quota = applied.get(need.quota_name)
        if quota is None:
            if defaults is None:
                try:  # ListServiceQuotas leaves out quotas whose applied value is not available
                    defaults = _quotas(quotas_client, "list_aws_default_service_quotas")
                except Exception as error:
                    defaults, defaults_error = {}, error
            quota = defaults.get(need.quota_name)
        paths = ", ".join(need.paths)
        if quota is None and defaults_error is not None:  # unknown, not "not offered"
            findings.append(_not_checked("quota", stack, paths, f"'{need.quota_name}' (ListAWSDefaultServiceQuotas)",
                                         defaults_error))
            continue
        if quota is None:
            if need.quota_name.endswith((" for endpoint usage", " for transform job usage")):
                instance_type = need.quota_name.split(" for ", 1)[0]
                findings.append(Finding(
                    ERROR, "quota", stack, paths,
                    f"{instance_type} has no '{need.quota_name}' quota in {need.region}: the type is not offered "
                    "there for this use", "pick an instance type the Region offers (Service Quotas lists them)",
                    {"quota_name": need.quota_name}))
            else:
                findings.append(Finding(NOT_CHECKED, "quota", stack, paths,
                                        f"'{need.quota_name}' is not listed by Service Quotas here"))
            continue
        value, code = quota
        others = _others(need, used_by_type, used)
        available = value - others
        request = (f"aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code {code} "
                   f"--desired-value {need.during_update + others} --region {need.region}")
        details = {"quota_name": need.quota_name, "quota_code": code, "quota": value, "used_by_others": others,
                   "needed": need.steady, "needed_during_update": need.during_update}
        if need.steady > available:
            findings.append(Finding(
                ERROR, "quota", stack, paths,
                f"needs {need.steady} of '{need.quota_name}' ({code}); the quota is {value:g} and other endpoints "
                f"use {others}, so {available:g} are left", f"request an increase: {request}", details))
        elif need.during_update > available:
            findings.append(Finding(
                ERROR, "quota", stack, paths,
                f"an update needs {need.during_update} of '{need.quota_name}' ({code}) while the new fleet (blue/green) "
                f"or batch (rolling) runs beside the old one; the quota is {value:g} and other endpoints use {others}",
                f"request an increase ({request}), or use a rolling update (DeploymentGuardrails.rolling)", details))
    return findings


def _others(need: Need, by_type: Mapping[str, int], used: Mapping[str, int]) -> int:
    if need.quota_name.endswith(" for endpoint usage"):
        return by_type.get(need.quota_name.split(" for ", 1)[0], 0)
    return {ENDPOINT_TOTAL: used["__total"], SERVERLESS_CONCURRENCY: used["__concurrency"],
            SERVERLESS_ENDPOINTS: used["__serverless"]}.get(need.quota_name, 0)


# ---------------------------------------------------------------------------------------------- references
@dataclass(frozen=True)
class Reference:
    """A literal value of the template that must exist in the account."""

    kind: str
    value: str
    path: str


_ECR = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/([^:@]+)(?::([^@]+))?(?:@(.+))?$")
_S3 = re.compile(r"^s3://([^/]+)/(.*)$")


def _path(stack: StackTemplate, logical_id: str, resource: Mapping[str, Any]) -> str:
    path = (resource.get("Metadata") or {}).get("aws:cdk:path")
    return str(path).removesuffix("/Resource") if isinstance(path, str) else f"{stack.display_name}/{logical_id}"


def _strings(value: Any, *keys: str) -> Iterator[tuple[str, str]]:
    """(key, literal string) of every ``keys`` member anywhere in ``value``."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in keys and isinstance(item, str):
                yield key, item
            elif key in keys and isinstance(item, list):
                yield from ((key, v) for v in item if isinstance(v, str))
            else:
                yield from _strings(item, *keys)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, *keys)


_KINDS = {"ModelDataUrl": "artifact", "ArtifactUrl": "artifact", "S3Uri": "artifact-prefix", "Image": "image",
          "ModelPackageName": "model-package", "KmsKeyId": "kms-key", "SuccessTopic": "topic", "ErrorTopic": "topic",
          "Subnets": "subnet", "SecurityGroupIds": "security-group"}


# CDK file and image assets land in the bootstrap bucket and repository (DefaultStackSynthesizer's
# cdk-<qualifier>-assets-<account>-<region> and cdk-<qualifier>-container-assets-<account>-<region>) under their
# content hash; `cdk deploy` uploads them before the stack, so preflight does not look for them.
_CDK_ASSET = re.compile(r"(^s3://cdk-[a-z0-9]+-assets-\d{12}-[a-z0-9-]+/[0-9a-f]{64}(\.[a-z.]+)?$)|"
                        r"(\.amazonaws\.com(\.cn)?/cdk-[a-z0-9]+-container-assets-\d{12}-[a-z0-9-]+:[0-9a-f]{64}$)")


def references_of(stack: StackTemplate) -> list[Reference]:
    """The literal references of a stack's SageMaker resources. CDK assets are skipped (``cdk deploy``
    uploads them), and so is every value that is a token in the template (it resolves at deploy)."""
    found: list[Reference] = []
    for logical_id, resource in (stack.template.get("Resources") or {}).items():
        if not str(resource.get("Type", "")).startswith("AWS::SageMaker::"):
            continue
        path = _path(stack, logical_id, resource)
        properties = resource.get("Properties") or {}
        for key, value in _strings(properties, *_KINDS):
            if not _CDK_ASSET.search(value):
                found.append(Reference(_KINDS[key], value, path))
        containers = [properties.get("PrimaryContainer"), *(properties.get("Containers") or [])]
        for container in containers:
            if not isinstance(container, Mapping):
                continue
            package, name = container.get("ModelPackageName"), container.get("InferenceSpecificationName")
            if isinstance(package, str) and isinstance(name, str):
                found.append(Reference("inference-specification", f"{package} {name}", path))
    return found


def check_references(references: Sequence[Reference], session: Any, account: str | None, region: str,
                     stack: str) -> list[Finding]:
    """Each reference read once: does it exist (and is it usable)?"""
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for ref in references:
        if (ref.kind, ref.value) in seen:
            continue
        seen.add((ref.kind, ref.value))
        checker = _CHECKERS.get(ref.kind)
        if checker is None:
            continue
        try:
            finding = checker(session, ref, (account, region), stack)
        except Exception as error:
            finding = (Finding(ERROR, ref.kind, stack, ref.path, f"{ref.value} does not exist (or is not visible to "
                               f"this account): {_message(error)[:200]}", _FIXES.get(ref.kind, ""))
                       if _missing(error) else _not_checked(ref.kind, stack, ref.path, ref.value, error))
        if finding is not None:
            findings.append(finding)
    return findings


_FIXES = {
    "artifact": "upload the model artifact there, or fix the S3 URL (ModelData.from_bucket)",
    "artifact-prefix": "upload the model files under that prefix, or fix it",
    "image": "push the image (tag or digest) to the repository, or fix the image URI",
    "model-package": "register the version, or fix the group name and version",
    "inference-specification": "name one of the version's inference specifications, or leave it out",
    "kms-key": "use an existing key, or create it first",
    "topic": "create the topic first, or fix its ARN",
    "subnet": "use subnets of the account's VPC in this Region",
    "security-group": "use security groups of the account's VPC in this Region",
}


def _artifact(session: Any, ref: Reference, env: tuple[str | None, str], stack: str) -> Finding | None:
    match = _S3.match(ref.value)
    if not match:
        return None
    bucket, key = match.groups()
    client = session.client("s3")
    if ref.kind == "artifact-prefix":
        listed = client.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1)
        if not listed.get("KeyCount"):
            return Finding(ERROR, ref.kind, stack, ref.path, f"no object under {ref.value}", _FIXES[ref.kind])
        return None
    client.head_object(Bucket=bucket, Key=key)
    return None


def _image(session: Any, ref: Reference, env: tuple[str | None, str], stack: str) -> Finding | None:
    match = _ECR.match(ref.value)
    account, region = env
    if not match or (account is not None and match.group(1) != account) or match.group(2) != region:
        return None  # another account's or Region's image (a DLC, a shared registry): not visible from here
    registry, _, repository, tag, digest = match.groups()
    image_id = {"imageDigest": digest} if digest else {"imageTag": tag or "latest"}
    session.client("ecr").describe_images(registryId=registry, repositoryName=repository, imageIds=[image_id])
    return None


def _readable_package(arn: str, env: tuple[str | None, str]) -> bool:
    """Whether preflight describes the package: a registry version, or an unversioned package of the target
    account (one of another account without a version is a Marketplace package: the subscription decides)."""
    if not arn.startswith("arn:"):
        return False
    versioned = "/" in arn.split(":model-package/", 1)[-1]
    parts = arn.split(":")
    return versioned or (len(parts) > 4 and env[0] is not None and parts[4] == env[0])


def _model_package(session: Any, ref: Reference, env: tuple[str | None, str], stack: str) -> Finding | None:
    if not _readable_package(ref.value, env):
        return None
    described = session.client("sagemaker").describe_model_package(ModelPackageName=ref.value)
    if "/" not in ref.value.split(":model-package/", 1)[-1]:
        return None  # an unversioned package: it exists (no approval status to read)
    status = described.get("ModelApprovalStatus")
    if status != "Approved":
        return Finding(
            WARNING, ref.kind, stack, ref.path,
            f"{ref.value} is {status or 'without an approval status'}: the API reference says a versioned model "
            "\"must be set to Approved to deploy the model\" (CreateModelPackage ModelApprovalStatus)",
            "approve the version (UpdateModelPackage ModelApprovalStatus=Approved) before deploying",
            {"approval_status": status})
    return None


def _inference_specification(session: Any, ref: Reference, env: tuple[str | None, str],
                             stack: str) -> Finding | None:
    """The version has an additional inference specification of that name (``value``: package ARN, a space,
    the name; both literals, as ``references_of`` writes them)."""
    package, name = ref.value.rsplit(" ", 1)
    if not _readable_package(package, env):
        return None  # a Marketplace package: not described, as for the package itself
    described = session.client("sagemaker").describe_model_package(ModelPackageName=package)
    names = [spec.get("Name") for spec in described.get("AdditionalInferenceSpecifications") or []]
    if name in names:
        return None
    return Finding(ERROR, ref.kind, stack, ref.path,
                   f"{package} has no inference specification named {name!r} (its additional inference "
                   f"specifications: {', '.join(repr(n) for n in names) or 'none'})",
                   "name one of them (ModelPackage inference_specification=...), or leave it out for the version's "
                   "main inference specification", {"names": names})


def _kms_key(session: Any, ref: Reference, env: tuple[str | None, str], stack: str) -> Finding | None:
    state = session.client("kms").describe_key(KeyId=ref.value)["KeyMetadata"].get("KeyState")
    if state != "Enabled":
        return Finding(ERROR, ref.kind, stack, ref.path, f"the key {ref.value} is {state}",
                       "enable the key (or cancel its deletion), or use another", {"key_state": state})
    return None


def _topic(session: Any, ref: Reference, env: tuple[str | None, str], stack: str) -> Finding | None:
    session.client("sns").get_topic_attributes(TopicArn=ref.value)
    return None


def _subnet(session: Any, ref: Reference, env: tuple[str | None, str], stack: str) -> Finding | None:
    if ref.kind == "subnet":
        session.client("ec2").describe_subnets(SubnetIds=[ref.value])
    else:
        session.client("ec2").describe_security_groups(GroupIds=[ref.value])
    return None


_CHECKERS: dict[str, Callable[[Any, Reference, tuple[str | None, str], str], Finding | None]] = {
    "artifact": _artifact, "artifact-prefix": _artifact, "image": _image, "model-package": _model_package,
    "inference-specification": _inference_specification,
    "kms-key": _kms_key, "topic": _topic, "subnet": _subnet, "security-group": _subnet,
}


# ---------------------------------------------------------------------------------------------- names
_NAMED = {
    "AWS::SageMaker::Endpoint": ("EndpointName", "describe_endpoint", "EndpointName"),
    "AWS::SageMaker::EndpointConfig": ("EndpointConfigName", "describe_endpoint_config", "EndpointConfigName"),
    "AWS::SageMaker::Model": ("ModelName", "describe_model", "ModelName"),
    "AWS::SageMaker::InferenceComponent": ("InferenceComponentName", "describe_inference_component",
                                           "InferenceComponentName"),
}


def check_names(stack: StackTemplate, session: Any, owned: set[str]) -> list[Finding]:
    """Fixed names that exist already and are not this app's (``owned``: lower-case physical names)."""
    findings: list[Finding] = []
    client = None
    for logical_id, resource in (stack.template.get("Resources") or {}).items():
        spec = _NAMED.get(str(resource.get("Type")))
        name = (resource.get("Properties") or {}).get(spec[0]) if spec else None
        if spec is None or not isinstance(name, str) or name.lower() in owned:
            continue
        path = _path(stack, logical_id, resource)
        client = client or session.client("sagemaker")
        try:
            getattr(client, spec[1])(**{spec[2]: name})
        except Exception as error:
            if not _missing(error):
                findings.append(_not_checked("name", stack.display_name, path, name, error))
            continue
        findings.append(Finding(ERROR, "name", stack.display_name, path,
                                f"{spec[0]} {name!r} exists already in this account and Region and is not this "
                                "stack's: CloudFormation cannot create it",
                                f"pick another name (or omit {spec[0]} to let CloudFormation choose one), or delete "
                                "the existing resource", {"name": name}))
    return findings


def _region_lookups(value: Any) -> Iterator[str]:
    """The mapping names of every ``Fn::FindInMap [name, {"Ref": "AWS::Region"}, ...]`` in ``value``."""
    if isinstance(value, Mapping):
        found = value.get("Fn::FindInMap")
        if isinstance(found, list) and len(found) == 3 and isinstance(found[0], str) and found[1] == {
                "Ref": "AWS::Region"}:
            yield found[0]
        for item in value.values():
            yield from _region_lookups(item)
    elif isinstance(value, list):
        for item in value:
            yield from _region_lookups(item)


def check_region_mappings(stack: StackTemplate, region: str) -> list[Finding]:
    """A mapping looked up by the stack's Region that has no entry for ``region``: the deploy fails at
    ``Fn::FindInMap`` (for example the Deep Learning Containers account of ``ContainerImage.from_dlc`` in an
    environment-agnostic stack: aws-cdk-lib's mapping lists only the Regions its region-info knows). The
    template alone says so: no call to the account."""
    mappings = stack.template.get("Mappings") or {}
    users: dict[str, list[str]] = {}  # mapping name -> paths of the resources that look it up
    resources = (stack.template.get("Resources") or {}).items()  # SageMaker's own resources named first
    for logical_id, resource in sorted(resources, key=lambda item: not str(item[1].get("Type", "")).startswith(
            "AWS::SageMaker::")):
        for name in _region_lookups(resource.get("Properties") or {}):
            paths = users.setdefault(name, [])
            path = _path(stack, logical_id, resource)
            if path not in paths:
                paths.append(path)
    findings: list[Finding] = []
    for name, paths in users.items():
        entries = mappings.get(name)
        if not isinstance(entries, Mapping) or region in entries:
            continue
        fix = ("pass account_id= to ContainerImage.from_dlc (the registry account of the Region in the AWS Deep "
               "Learning Containers list of available images)" if name.startswith("DlcRepositoryAccount")
               else f"add {region} to the mapping {name}, or deploy to a Region it lists")
        findings.append(Finding(ERROR, "region-mapping", stack.display_name, paths[0],
                                f"the mapping {name} has no entry for {region} ({len(entries)} Regions): "
                                "Fn::FindInMap fails when the stack deploys there", fix, {"used_by": paths}))
    return findings
