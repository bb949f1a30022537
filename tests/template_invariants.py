"""Invariants of any synthesized template, checked on the template alone (independent of the library):

* no IAM policy has two statements with the same ``Sid`` (IAM refuses the policy at deploy:
  "the Sid value must be unique within a JSON policy", IAM User Guide, reference_policies_elements_sid);
* every S3 location SageMaker reads or writes for a model (model data, uncompressed model data,
  data capture, async output and failure) is covered by a grant on the model's execution role with
  the right action, and no grant names a key with ``//`` (a grant that differs from its location).

Only literal bucket names are compared (the generated apps import buckets by name); a location whose
bucket is a token is skipped and counted, so a test can assert that something was compared.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    locations_compared: int = 0


def check_template(template: dict[str, Any]) -> Findings:
    findings = Findings()
    resources: dict[str, Any] = template.get("Resources", {})
    for logical_id, statements, _ in policy_documents(resources):
        sids = [s.get("Sid") for s in statements if s.get("Sid")]
        duplicates = sorted({s for s in sids if sids.count(s) > 1})
        if duplicates:
            findings.problems.append(f"{logical_id}: duplicate Sid {duplicates}")
        for statement in statements:
            for arn in _resources(statement):
                # A key that begins with '/' is a key S3 takes (the user was warned: batch.s3-key-characters);
                # an empty segment after the first is a prefix joined twice.
                key = arn.split(":s3:::", 1)[1].split("/", 1)[1] if ":s3:::" in arn and "/" in arn else ""
                if "//" in key.lstrip("/"):
                    findings.problems.append(f"{logical_id}: S3 grant with an empty key segment: {arn}")
                # A key's '$' '*' '?' are written as IAM's ${$} ${*} ${?}: any other '${' is a policy variable.
                if re.search(r"\$\{(?![$*?]\})", key):
                    findings.problems.append(f"{logical_id}: S3 grant with an IAM policy variable: {arn}")
    for role_id, locations in _role_locations(resources):
        granted = list(_granted(resources, role_id))
        for action_prefix, url in locations:
            bucket_key = url.removeprefix("s3://")
            if bucket_key.endswith("/"):
                bucket_key += "x"  # an object under the prefix
            findings.locations_compared += 1
            if not any(action.startswith(action_prefix) or action == "s3:*"
                       for actions, pattern in granted if fnmatch.fnmatchcase(bucket_key, _as_fnmatch(pattern))
                       for action in actions):
                findings.problems.append(f"{role_id}: no {action_prefix}* grant covers {url} "
                                         f"(grants: {[p for _, p in granted]})")
    return findings


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    statements = document.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def policy_documents(resources: dict[str, Any]) -> Iterator[tuple[str, list[dict[str, Any]], list[Any]]]:
    """(where, statements, roles it applies to as ``{"Ref": id}``) of every policy document: policy
    resources and the inline policies of roles, users and groups (an execution role the library makes
    holds its own statements inline)."""
    for logical_id, resource in resources.items():
        kind, props = resource.get("Type"), resource.get("Properties", {})
        if kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            yield logical_id, _statements(props.get("PolicyDocument", {})), props.get("Roles", [])
        elif kind in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
            for inline in props.get("Policies", []):
                yield (f"{logical_id}.{inline.get('PolicyName')}", _statements(inline.get("PolicyDocument", {})),
                       [{"Ref": logical_id}] if kind == "AWS::IAM::Role" else [])


def _flat(value: Any) -> str | None:
    """A literal string from a template value (``Ref AWS::Partition`` → aws), else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value.get("Ref") == "AWS::Partition":
        return "aws"
    if isinstance(value, dict) and "Fn::Join" in value:
        delimiter, parts = value["Fn::Join"]
        flat = [_flat(p) for p in parts]
        return None if any(p is None for p in flat) else str(delimiter).join(p for p in flat if p is not None)
    return None


def _resources(statement: dict[str, Any]) -> Iterator[str]:
    items = statement.get("Resource", [])
    for item in items if isinstance(items, list) else [items]:
        flat = _flat(item)
        if flat is not None:
            yield flat


def _granted(resources: dict[str, Any], role_id: str) -> Iterator[tuple[list[str], str]]:
    """(actions, bucket/key pattern) of every S3 object grant in a policy attached to ``role_id``."""
    for _, statements, roles in policy_documents(resources):
        if {"Ref": role_id} not in roles:
            continue
        for statement in statements:
            actions = statement.get("Action", [])
            actions = actions if isinstance(actions, list) else [actions]
            for arn in _resources(statement):
                if ":s3:::" in arn:
                    yield actions, arn.split(":s3:::", 1)[1]


def _role_locations(resources: dict[str, Any]) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(role logical id, [(action prefix, literal s3 URL)]) for each model's role."""
    models: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::SageMaker::Model":
            continue
        props = resource.get("Properties", {})
        role = props.get("ExecutionRoleArn", {})
        if not (isinstance(role, dict) and "Fn::GetAtt" in role):
            continue
        containers = props.get("Containers") or [props.get("PrimaryContainer", {})]
        urls: list[tuple[str, str]] = []
        for container in containers:
            for url in (container.get("ModelDataUrl"),
                        container.get("ModelDataSource", {}).get("S3DataSource", {}).get("S3Uri")):
                if isinstance(url, str) and url.startswith("s3://") and "cdk-" not in url:
                    urls.append(("s3:GetObject", url))
        models[logical_id] = (role["Fn::GetAtt"][0], urls)
    for resource in resources.values():
        if resource.get("Type") != "AWS::SageMaker::EndpointConfig":
            continue
        props = resource.get("Properties", {})
        written: list[str] = []
        capture = props.get("DataCaptureConfig", {}).get("DestinationS3Uri")
        output = props.get("AsyncInferenceConfig", {}).get("OutputConfig", {})
        for url in (capture, output.get("S3OutputPath"), output.get("S3FailurePath")):
            if isinstance(url, str) and url.startswith("s3://"):
                written.append(url.rstrip("/") + "/")
        for variant in props.get("ProductionVariants", []) + props.get("ShadowProductionVariants", []):
            name = variant.get("ModelName", {})
            if isinstance(name, dict) and "Fn::GetAtt" in name and name["Fn::GetAtt"][0] in models:
                models[name["Fn::GetAtt"][0]][1].extend(("s3:PutObject", url) for url in written)
    yield from models.values()


_IAM_LITERALS = {"${$}": "$", "${*}": "[*]", "${?}": "[?]"}


def _as_fnmatch(pattern: str) -> str:
    """An IAM resource pattern as an fnmatch pattern: '*' and '?' stay wildcards, IAM's ${$} ${*} ${?} are
    the literal characters, and fnmatch's own '[' ']' are literal."""
    out = []
    for part in re.split(r"(\$\{[$*?]\})", pattern):
        out.append(_IAM_LITERALS[part] if part in _IAM_LITERALS
                   else "".join({"[": "[[]", "]": "[]]"}.get(c, c) for c in part))
    return "".join(out)
