"""The migration and update-safety guard: previous template + new template in, unsafe changes out.

Pure Python over plain template dictionaries (it imports no construct and no aws-cdk-lib), so it
runs the same way at synth (with a baseline), in a CI step against the deployed stacks, and in
users' snapshot tests.

What it reports (CONSTRAINTS.md "Migration and updates"):

- ``instance-to-serverless``: an instance-based (real-time or async) endpoint becomes serverless.
  SageMaker rejects the UpdateEndpoint; there is no way back once migrated.
- ``async-removed``: an async endpoint loses its AsyncInferenceConfig (rejected by SageMaker).
- ``autoscaled-instance-type``: the instance type of a variant registered with Application Auto
  Scaling changes (the update fails).
- ``endpoint-name-changed``: EndpointName is create-only: the endpoint is replaced, callers break.
- ``endpoint-removed``: an endpoint of the previous template is gone: it will be deleted.

Serverless → instance-based (the documented one-way migration) is safe and never reported.
A change can be acknowledged in the new template (``acknowledge_unsafe_change``) where a
replacement or deletion is intended; the service-side refusals cannot be acknowledged.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .constraints import constraint

METADATA_KEY = "cdk-sagemaker-inference"
"""Template and resource Metadata key of this library (kind stamps, acknowledgments)."""

_ENDPOINT = "AWS::SageMaker::Endpoint"
_CONFIG = "AWS::SageMaker::EndpointConfig"
_TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"


class UnsafeChange(enum.Enum):
    """The kinds of unsafe change the guard reports."""

    INSTANCE_TO_SERVERLESS = "instance-to-serverless"
    ASYNC_REMOVED = "async-removed"
    AUTOSCALED_INSTANCE_TYPE = "autoscaled-instance-type"
    ENDPOINT_NAME_CHANGED = "endpoint-name-changed"
    ENDPOINT_REMOVED = "endpoint-removed"

    @property
    def acknowledgeable(self) -> bool:
        """Whether a user may acknowledge it (a replacement or deletion they intend)."""
        return self in (UnsafeChange.ENDPOINT_NAME_CHANGED, UnsafeChange.ENDPOINT_REMOVED,
                        UnsafeChange.AUTOSCALED_INSTANCE_TYPE)


_RULES = {
    UnsafeChange.INSTANCE_TO_SERVERLESS: "migration.instance-to-serverless",
    UnsafeChange.ASYNC_REMOVED: "migration.async-removed",
    UnsafeChange.AUTOSCALED_INSTANCE_TYPE: "migration.autoscaled-instance-type",
    UnsafeChange.ENDPOINT_NAME_CHANGED: "migration.endpoint-name",
    UnsafeChange.ENDPOINT_REMOVED: "migration.endpoint-removed",
}


@dataclass(frozen=True)
class VariantState:
    """One production variant as the template declares it."""

    name: str
    instance_type: Any = None
    serverless: bool = False


@dataclass(frozen=True)
class EndpointState:
    """An ``AWS::SageMaker::Endpoint`` of a template, with what its config says."""

    logical_id: str
    kind: str
    endpoint_name: Any
    variants: Mapping[str, VariantState] = field(default_factory=dict)
    autoscaled_variants: frozenset[str] = frozenset()
    is_async: bool = False

    @property
    def display_name(self) -> str:
        """The endpoint's name where the template fixes it, else its logical id."""
        if isinstance(self.endpoint_name, str):
            return f"{self.endpoint_name} ({self.logical_id})"
        return self.logical_id


@dataclass(frozen=True)
class Finding:
    """One unsafe change: which endpoint, what changes, why SageMaker refuses it, the way out."""

    change: UnsafeChange
    stack: str
    logical_id: str
    endpoint: str
    kind_before: str
    kind_after: str | None
    why: str
    way_out: str
    rule: str
    source: str
    acknowledged: str | None = None
    """The reason given when the change was acknowledged in the new template."""

    def render(self) -> str:
        """A readable paragraph for terminals and synth errors."""
        where = f"{self.stack}/" if self.stack else ""
        after = self.kind_after or "removed"
        text = (f"[{self.change.value}] endpoint {where}{self.endpoint}: {self.kind_before} -> {after}\n"
                f"    why: {self.why}\n"
                f"    way out: {self.way_out}\n"
                f"    rule {self.rule} (source: {self.source})")
        if self.acknowledged:
            text += f"\n    acknowledged: {self.acknowledged}"
        return text

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (for ``--json``)."""
        data = asdict(self)
        data["change"] = self.change.value
        return data


def _referenced_id(value: Any) -> str | None:
    """The logical id a ``Ref`` or ``Fn::GetAtt`` points at (None for anything else)."""
    if isinstance(value, Mapping):
        if "Ref" in value:
            return str(value["Ref"])
        getatt = value.get("Fn::GetAtt")
        if isinstance(getatt, list) and getatt:
            return str(getatt[0])
        if isinstance(getatt, str):
            return getatt.split(".", 1)[0]
    return None


def linked_config_id(value: Any, resources: Mapping[str, Any]) -> str | None:
    """The logical id of the endpoint config an endpoint's ``EndpointConfigName`` names.

    ``value`` is a ``Ref``/``Fn::GetAtt`` to the config, or the fixed name of a config in
    ``resources``; None when no config of the template matches.
    """
    referenced = _referenced_id(value)
    if referenced is not None:
        return referenced if referenced in resources else None
    for logical_id, resource in resources.items():
        if resource.get("Type") == _CONFIG and (resource.get("Properties") or {}).get("EndpointConfigName") == value:
            return str(logical_id)
    return None


def config_kind(config_properties: Mapping[str, Any] | None) -> str | None:
    """``serverless``, ``async`` or ``realtime`` from an endpoint config's properties (None: no config)."""
    if config_properties is None:
        return None
    variants = config_properties.get("ProductionVariants") or []
    if any(isinstance(v, Mapping) and "ServerlessConfig" in v for v in variants):
        return "serverless"
    return "async" if "AsyncInferenceConfig" in config_properties else "realtime"


def _autoscaled(resources: Mapping[str, Any], logical_id: str, endpoint_name: Any) -> frozenset[str]:
    """Variants of the endpoint that a ScalableTarget on DesiredInstanceCount registers."""
    found: set[str] = set()
    for resource in resources.values():
        if resource.get("Type") != _TARGET:
            continue
        props = resource.get("Properties", {})
        if props.get("ScalableDimension") != "sagemaker:variant:DesiredInstanceCount":
            continue
        resource_id = props.get("ResourceId")
        if isinstance(resource_id, str):
            parts = resource_id.split("/")
            if len(parts) == 4 and parts[0] == "endpoint" and parts[1] == endpoint_name:
                found.add(parts[3])
            continue
        join = resource_id.get("Fn::Join") if isinstance(resource_id, Mapping) else None
        if not (isinstance(join, list) and len(join) == 2 and isinstance(join[1], list)):
            continue
        pieces = join[1]
        refers = any(_referenced_id(p) == logical_id for p in pieces if isinstance(p, Mapping))
        refers = refers or (isinstance(endpoint_name, str) and endpoint_name in pieces)
        tail = pieces[-1] if pieces and isinstance(pieces[-1], str) else ""
        if refers and "/variant/" in tail:
            found.add(tail.split("/variant/", 1)[1])
    return frozenset(found)


def endpoints_of(template: Mapping[str, Any]) -> dict[str, EndpointState]:
    """Every endpoint of a template by logical id, with its kind and variants."""
    resources: Mapping[str, Any] = template.get("Resources", {}) or {}
    found: dict[str, EndpointState] = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") != _ENDPOINT:
            continue
        props = resource.get("Properties", {}) or {}
        config_id = linked_config_id(props.get("EndpointConfigName"), resources)
        config = resources[config_id] if config_id else None
        config_props = (config.get("Properties") or {}) if config else None
        metadata = (resource.get("Metadata") or {}).get(METADATA_KEY) or {}
        kind = config_kind(config_props) or metadata.get("kind") or "unknown"
        is_async = "AsyncInferenceConfig" in (config_props or {})
        variants: dict[str, VariantState] = {}
        for variant in (config or {}).get("Properties", {}).get("ProductionVariants", []) or []:
            if not isinstance(variant, Mapping):
                continue
            variant_name = str(variant.get("VariantName", ""))
            variants[variant_name] = VariantState(name=variant_name, instance_type=variant.get("InstanceType"),
                                          serverless="ServerlessConfig" in variant)
        endpoint_name = props.get("EndpointName")
        found[logical_id] = EndpointState(
            logical_id=logical_id, kind=kind, endpoint_name=endpoint_name, variants=variants,
            autoscaled_variants=_autoscaled(resources, logical_id, endpoint_name), is_async=is_async,
        )
    return found


def acknowledgments_of(template: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """(logical id, change) → reason, from the template's ``Metadata`` acknowledgments."""
    entries = ((template.get("Metadata") or {}).get(METADATA_KEY) or {}).get("acknowledged") or []
    return {(str(e.get("endpoint")), str(e.get("change"))): str(e.get("reason", ""))
            for e in entries if isinstance(e, Mapping)}


def _finding(change: UnsafeChange, stack: str, before: EndpointState, after: EndpointState | None,
             why: str, way_out: str) -> Finding:
    row = constraint(_RULES[change])
    return Finding(change=change, stack=stack, logical_id=before.logical_id, endpoint=before.display_name,
                   kind_before=before.kind, kind_after=after.kind if after else None, why=why,
                   way_out=way_out, rule=row.id, source=row.source)


_NEW_ID = ("define it as a new endpoint instead: a new construct id and a new endpoint_name (a replacement "
           "endpoint), move callers to it, then remove the old one")


def find_unsafe_changes(previous: Mapping[str, Any], new: Mapping[str, Any], *, stack: str = "",
                        include_acknowledged: bool = False) -> list[Finding]:
    """Every unsafe endpoint change from ``previous`` to ``new`` (two templates of one stack).

    Acknowledged changes (see :func:`acknowledge_unsafe_change`) are left out unless
    ``include_acknowledged``; refusals by SageMaker itself cannot be acknowledged.
    """
    before_all = endpoints_of(previous)
    after_all = endpoints_of(new)
    acknowledged = acknowledgments_of(new)
    findings: list[Finding] = []
    for logical_id, before in before_all.items():
        after = after_all.get(logical_id)
        if after is None:
            findings.append(_finding(
                UnsafeChange.ENDPOINT_REMOVED, stack, before, None,
                "the endpoint is no longer in the template: CloudFormation deletes it and its callers break",
                "keep the construct (same id), or acknowledge the deletion with acknowledge_unsafe_change(...)"))
            continue
        if before.kind != "serverless" and after.kind == "serverless":
            findings.append(_finding(
                UnsafeChange.INSTANCE_TO_SERVERLESS, stack, before, after,
                "SageMaker rejects updating an instance-based endpoint to a serverless config "
                "(ValidationError); only serverless -> instance-based is allowed in place",
                _NEW_ID))
        if before.is_async and not after.is_async:
            findings.append(_finding(
                UnsafeChange.ASYNC_REMOVED, stack, before, after,
                "SageMaker rejects removing AsyncInferenceConfig from an endpoint "
                "(\"The AsyncInferenceConfig parameter cannot be removed from this endpoint\")",
                _NEW_ID))
        for variant in sorted(before.autoscaled_variants):
            old, new_variant = before.variants.get(variant), after.variants.get(variant)
            if old is None or new_variant is None or old.instance_type == new_variant.instance_type:
                continue
            if new_variant.serverless:
                continue  # reported as instance-to-serverless
            findings.append(_finding(
                UnsafeChange.AUTOSCALED_INSTANCE_TYPE, stack, before, after,
                f"variant {variant} is registered with Application Auto Scaling: an update that changes its "
                f"instance type ({old.instance_type} -> {new_variant.instance_type}) fails",
                "deploy without autoscaling on that variant first, then change the instance type, then "
                "re-enable autoscaling (or use a new variant name)"))
        if json.dumps(before.endpoint_name, sort_keys=True) != json.dumps(after.endpoint_name, sort_keys=True):
            findings.append(_finding(
                UnsafeChange.ENDPOINT_NAME_CHANGED, stack, before, after,
                f"EndpointName is create-only ({before.endpoint_name!r} -> {after.endpoint_name!r}): "
                "CloudFormation replaces the endpoint and callers using the old name break",
                "keep endpoint_name as it was, or acknowledge the replacement with acknowledge_unsafe_change(...)"))
    result: list[Finding] = []
    for item in findings:
        reason = acknowledged.get((item.logical_id, item.change.value))
        if reason is not None and item.change.acknowledgeable:
            if include_acknowledged:
                result.append(Finding(**{**asdict(item), "change": item.change, "acknowledged": reason}))
            continue
        result.append(item)
    return result


# --------------------------------------------------------------------------- cloud assemblies
def load_templates(path: str | Path) -> dict[str, dict[str, Any]]:
    """Stack name → template, from a cloud assembly directory (``cdk.out``) or one template file.

    A template file is keyed by its file name without ``.template.json``.
    """
    location = Path(path)
    if location.is_file():
        name = location.name.removesuffix(".json").removesuffix(".template")
        return {name: json.loads(location.read_text())}
    manifest_path = location / "manifest.json"
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{location} is neither a template file nor a cloud assembly (no manifest.json)")
    manifest = json.loads(manifest_path.read_text())
    templates: dict[str, dict[str, Any]] = {}
    for artifact_id, artifact in (manifest.get("artifacts") or {}).items():
        if artifact.get("type") == "aws:cloudformation:stack":
            props = artifact.get("properties", {})
            name = str(props.get("stackName") or artifact.get("displayName") or artifact_id)
            templates[name] = json.loads((location / props["templateFile"]).read_text())
        elif artifact.get("type") == "cdk:cloud-assembly":  # nested stages
            nested = location / artifact.get("properties", {}).get("directoryName", "")
            templates.update(load_templates(nested))
    return templates


def compare_templates(previous: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]], *,
                      include_acknowledged: bool = False) -> list[Finding]:
    """Compare stacks by name; a stack missing from ``previous`` (first deploy) is fine."""
    findings: list[Finding] = []
    for stack_name, template in new.items():
        old = previous.get(stack_name)
        if old is not None:
            findings += find_unsafe_changes(old, template, stack=stack_name,
                                            include_acknowledged=include_acknowledged)
    return findings


def render_report(findings: Iterable[Finding]) -> str:
    """All findings as text, or a one-line all-clear."""
    items = list(findings)
    if not items:
        return "cdk-sagemaker-inference migration guard: no unsafe endpoint changes."
    lines = [f"cdk-sagemaker-inference migration guard: {len(items)} unsafe endpoint change"
             f"{'s' if len(items) != 1 else ''}:"]
    lines += [item.render() for item in items]
    return "\n".join(lines)
