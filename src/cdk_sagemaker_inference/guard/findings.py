"""The guard's verdicts: a previous template and a new one in, unsafe endpoint changes out.

Pure Python over plain template dictionaries (no construct, no aws-cdk-lib), so it runs the same way
at synth (with a baseline), in CI against the deployed stacks, and in users' snapshot tests.

The verdict table (each row a :class:`UnsafeChange`; "refused" rows are SageMaker's or
CloudFormation's own refusals and cannot be acknowledged):

=============================  ==========  ============================================================
change                         verdict     why
=============================  ==========  ============================================================
``instance-to-serverless``     refused     SageMaker rejects UpdateEndpoint to a serverless config
``async-removed``              refused     SageMaker rejects removing AsyncInferenceConfig
``autoscaled-instance-type``   refused     an autoscaled variant's instance type cannot change in an update
``autoscaled-variant-``        refused     an update that removes (or renames) a variant registered with
``removed``                                Application Auto Scaling: the scalable target must be
                                           deregistered first, and CloudFormation deletes it only after
                                           the endpoint update
``endpoint-name-reused``       refused     the new endpoint is created before the old one is deleted, and
                                           CreateEndpoint refuses a name that exists
``endpoint-name-changed``      unsafe      EndpointName is create-only: a replacement, callers break
``endpoint-removed``           unsafe      CloudFormation deletes the endpoint
``scaled-fleet-reset``         unsafe      an update (new endpoint config) resets an autoscaled variant to its
                                           initial instance count: the endpoint does not retain variant
                                           properties
``retained-count-change``      unsafe      the endpoint retains variant properties, so a changed initial
                                           instance count of an existing variant is not applied
``serverless-scaled-to-``      unverified  a serverless variant whose provisioned concurrency is autoscaled
``instance``                               becomes instance-based: no documentation says whether
                                           SageMaker accepts the update while the target is registered
``endpoint-shape-changed``     unverified  the endpoint moves between the model-based and the inference-
                                           component shape in place (whatever its kinds before and after)
=============================  ==========  ============================================================

Variants are production and shadow variants alike (``ProductionVariants`` and ``ShadowProductionVariants``).
An endpoint config is updated (an ``UpdateEndpoint``) when what makes CloudFormation replace it changes: its
create-only properties, with those of the models it names (see :data:`UPDATED_IN_PLACE`); a tag is not.
A template normalised for snapshots (asset hashes and the bootstrap qualifier replaced by placeholders, see
:func:`masked`) cannot tell whether an asset changed: a finding that depends on it is reported unverified
(``Finding.unverified`` says why), never called safe and never failing.

Serverless → instance-based without autoscaling (the documented one-way migration) is safe and never
reported. "unsafe" changes can be acknowledged in the new template (``acknowledge_unsafe_change``),
bound to the names they were given for (the endpoints of a nested stack that leaves the app: in the
template of a stack still in the app that held it, see ``compare_pairs``); "unverified" changes are reported, never called safe, and do
not fail the check.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .._keys import METADATA_KEY as METADATA_KEY

# The template helpers the cost and the test assertions share live with the other resource helpers (re-exported).
from ..assembly.resources import ENDPOINT_CONFIG as _CONFIG
from ..assembly.resources import as_object, construct_path, objects_in, referenced_id, scaling_ranges
from ..assembly.resources import config_kind as config_kind
from ..assembly.resources import config_shape as config_shape
from ..assembly.resources import linked_config_id as linked_config_id
from ..constraints import constraint

_ENDPOINT = "AWS::SageMaker::Endpoint"
_COMPONENT = "AWS::SageMaker::InferenceComponent"
_MODEL = "AWS::SageMaker::Model"

UPDATED_IN_PLACE: Mapping[str, frozenset[str]] = {
    # The properties CloudFormation updates without replacing the resource: those of the resource schema that
    # are neither createOnlyProperties nor readOnlyProperties (CFN schemas as cfn-lint 1.58 ships them,
    # providers/us_east_1/aws-sagemaker-model.json and aws-sagemaker-endpointconfig.json; the tests compare
    # this table with them). Every other property is create-only: a new value replaces the resource under a
    # new name, and the endpoint that names the config is updated. A property missing from the table counts
    # as create-only, so one added to the schema later is never taken as updated in place.
    _MODEL: frozenset({"Tags"}),
    _CONFIG: frozenset({"Tags"}),
}

ASSET_HASH_PLACEHOLDER = "<asset-hash>"
"""What :func:`~cdk_sagemaker_inference.testing.templates.normalise_template` writes for an asset hash."""
QUALIFIER_PLACEHOLDER = "<qualifier>"
"""What it writes for the bootstrap qualifier in asset bucket and container-asset repository names."""
ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")
QUALIFIED_ASSETS = re.compile(r"cdk-[a-z0-9]+-(assets|container-assets)-")


def masked(text: str) -> str:
    """``text`` with every asset hash and bootstrap qualifier replaced by its placeholder (the normalisation
    of snapshot templates, :func:`~cdk_sagemaker_inference.testing.templates.normalise_template`)."""
    return QUALIFIED_ASSETS.sub(rf"cdk-{QUALIFIER_PLACEHOLDER}-\1-", ASSET_HASH.sub(ASSET_HASH_PLACEHOLDER, text))


def is_normalised(text: str) -> bool:
    """Whether ``text`` (a template, or a part of one, as JSON) holds a placeholder of the normalisation."""
    return ASSET_HASH_PLACEHOLDER in text or f"cdk-{QUALIFIER_PLACEHOLDER}-" in text


def _same(before: str, after: str) -> bool | None:
    """Whether two canonical JSON texts are the same: None when only a placeholder of a normalised template
    can tell (a placeholder compared with anything, itself included, may stand for another asset)."""
    if not (is_normalised(before) or is_normalised(after)):
        return before == after
    return False if masked(before) != masked(after) else None


_UNKNOWN_ASSETS = ("the template is normalised for snapshots (asset hashes or the bootstrap qualifier replaced "
                   "by placeholders), so whether an asset (model data, a container image) changed cannot be "
                   "told: compare the templates `cdk synth` writes (a Stack, or a cdk.out template or "
                   "directory) for a verdict")


def replacing_properties(resource_type: str, properties: Any) -> dict[str, Any]:
    """The properties of a resource whose change replaces it (all but :data:`UPDATED_IN_PLACE`)."""
    skipped = UPDATED_IN_PLACE.get(resource_type, frozenset())
    return {str(k): v for k, v in as_object(properties).items() if k not in skipped}


class Verdict(enum.Enum):
    """How sure the guard is, and whether the change can be acknowledged."""

    REFUSED = "refused"
    """SageMaker or CloudFormation refuses it at deploy: never acknowledgeable."""
    UNSAFE = "unsafe"
    """It deploys, and replaces or deletes an endpoint: acknowledgeable when intended."""
    UNVERIFIED = "unverified"
    """No source says whether SageMaker accepts it: reported, never called safe, not failing."""


class UnsafeChange(enum.Enum):
    """The kinds of change the guard reports."""

    INSTANCE_TO_SERVERLESS = "instance-to-serverless"
    ASYNC_REMOVED = "async-removed"
    AUTOSCALED_INSTANCE_TYPE = "autoscaled-instance-type"
    AUTOSCALED_VARIANT_REMOVED = "autoscaled-variant-removed"
    ENDPOINT_NAME_REUSED = "endpoint-name-reused"
    ENDPOINT_NAME_CHANGED = "endpoint-name-changed"
    ENDPOINT_REMOVED = "endpoint-removed"
    SERVERLESS_SCALED_TO_INSTANCE = "serverless-scaled-to-instance"
    SCALED_FLEET_RESET = "scaled-fleet-reset"
    RETAINED_COUNT_CHANGE = "retained-count-change"
    ENDPOINT_SHAPE_CHANGED = "endpoint-shape-changed"
    COMPONENT_REMOVED = "component-removed"
    COMPONENT_MOVED = "component-moved"
    ENDPOINT_NAME_MAYBE_REUSED = "endpoint-name-maybe-reused"

    @property
    def verdict(self) -> Verdict:
        """Refused, unsafe or unverified (see the module's table)."""
        return _VERDICTS[self]

    @property
    def acknowledgeable(self) -> bool:
        """Whether a user may acknowledge it (a replacement or deletion they intend)."""
        return self.verdict is Verdict.UNSAFE


_VERDICTS = {
    UnsafeChange.INSTANCE_TO_SERVERLESS: Verdict.REFUSED,
    UnsafeChange.ASYNC_REMOVED: Verdict.REFUSED,
    UnsafeChange.AUTOSCALED_INSTANCE_TYPE: Verdict.REFUSED,
    UnsafeChange.AUTOSCALED_VARIANT_REMOVED: Verdict.REFUSED,
    UnsafeChange.ENDPOINT_NAME_REUSED: Verdict.REFUSED,
    UnsafeChange.ENDPOINT_NAME_CHANGED: Verdict.UNSAFE,
    UnsafeChange.ENDPOINT_REMOVED: Verdict.UNSAFE,
    UnsafeChange.SERVERLESS_SCALED_TO_INSTANCE: Verdict.UNVERIFIED,
    UnsafeChange.SCALED_FLEET_RESET: Verdict.UNSAFE,
    UnsafeChange.RETAINED_COUNT_CHANGE: Verdict.UNSAFE,
    UnsafeChange.ENDPOINT_SHAPE_CHANGED: Verdict.UNVERIFIED,
    UnsafeChange.COMPONENT_REMOVED: Verdict.UNSAFE,
    UnsafeChange.COMPONENT_MOVED: Verdict.UNVERIFIED,
    UnsafeChange.ENDPOINT_NAME_MAYBE_REUSED: Verdict.UNVERIFIED,
}

_RULES = {
    UnsafeChange.INSTANCE_TO_SERVERLESS: "migration.instance-to-serverless",
    UnsafeChange.ASYNC_REMOVED: "migration.async-removed",
    UnsafeChange.AUTOSCALED_INSTANCE_TYPE: "migration.autoscaled-instance-type",
    UnsafeChange.AUTOSCALED_VARIANT_REMOVED: "migration.autoscaled-variant-removed",
    UnsafeChange.ENDPOINT_NAME_REUSED: "migration.endpoint-name-reused",
    UnsafeChange.ENDPOINT_NAME_CHANGED: "migration.endpoint-name",
    UnsafeChange.ENDPOINT_REMOVED: "migration.endpoint-removed",
    UnsafeChange.SERVERLESS_SCALED_TO_INSTANCE: "migration.unverified",
    UnsafeChange.SCALED_FLEET_RESET: "migration.scaled-fleet-reset",
    UnsafeChange.RETAINED_COUNT_CHANGE: "migration.retained-count",
    UnsafeChange.ENDPOINT_SHAPE_CHANGED: "migration.component-shape",
    UnsafeChange.COMPONENT_REMOVED: "migration.component-removed",
    UnsafeChange.COMPONENT_MOVED: "migration.component-moved",
    UnsafeChange.ENDPOINT_NAME_MAYBE_REUSED: "migration.unverified",
}


@dataclass(frozen=True)
class VariantState:
    """One production variant as the template declares it."""

    name: str
    instance_type: Any = None
    serverless: bool = False
    initial_count: Any = None
    shadow: bool = False
    """A shadow variant (``ShadowProductionVariants``): it runs and scales as a production variant does."""

    @property
    def label(self) -> str:
        """``variant <name>`` or ``shadow variant <name>`` (for messages)."""
        return f"{'shadow variant' if self.shadow else 'variant'} {self.name}"


@dataclass(frozen=True)
class EndpointState:
    """An ``AWS::SageMaker::Endpoint`` of a template, with what its config says."""

    logical_id: str
    kind: str
    endpoint_name: Any
    variants: Mapping[str, VariantState] = field(default_factory=dict)
    autoscaled_variants: frozenset[str] = frozenset()
    """Variants whose instance count is registered with Application Auto Scaling."""
    scaled_concurrency_variants: frozenset[str] = frozenset()
    """Serverless variants whose provisioned concurrency is registered with Application Auto Scaling."""
    is_async: bool = False
    retains_counts: bool = False
    """RetainAllVariantProperties without DesiredInstanceCount in ExcludeRetainedVariantProperties."""
    config: str = ""
    """What makes CloudFormation replace the endpoint config, as canonical JSON: its properties but those
    updated in place (tags), each model it names read as the model's own (see :func:`_expanded`). A different
    one is a new config, so an UpdateEndpoint."""
    shape: str = "model"
    """``model`` (each variant names a model) or ``inference-components`` (no model, an execution role on
    the config: the components bring the models)."""
    path: str | None = None
    """The construct path (the resource's ``aws:cdk:path`` metadata without ``/Resource``), where written."""

    @property
    def display_name(self) -> str:
        """The endpoint's name where the template fixes it, else its logical id."""
        if isinstance(self.endpoint_name, str):
            return f"{self.endpoint_name} ({self.logical_id})"
        return self.logical_id

    @property
    def literal_name(self) -> str | None:
        """The fixed name, lower case (names are compared case-insensitively), or None."""
        return self.endpoint_name.lower() if isinstance(self.endpoint_name, str) else None


@dataclass(frozen=True)
class Finding:
    """One reported change: which endpoint, what changes, why, the way out."""

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
    path: str | None = None
    """The endpoint's construct path (the new template's, else the previous one's), where the template
    records it (``cdk synth`` does)."""
    acknowledge_in: str | None = None
    """Where an acknowledgment of it is read when that is not ``stack``: a nested stack that leaves the app
    takes its template with it, so the stack still in the app that held it (its nearest ancestor there, or
    its top-level stack) records the acknowledgment."""
    unverified: str | None = None
    """Why the guard cannot tell whether the change happens (a template normalised for snapshots): the finding
    is then unverified, whatever its change's verdict, reported and not failing."""

    @property
    def verdict(self) -> Verdict:
        """Refused, unsafe or unverified (always unverified when :attr:`unverified` says why)."""
        return Verdict.UNVERIFIED if self.unverified else self.change.verdict

    @property
    def endpoint_name_given(self) -> str | None:
        """``endpoint-removed``: the removed endpoint's fixed name (an acknowledgment names it), else None."""
        suffix = f" ({self.logical_id})"
        if self.change is UnsafeChange.ENDPOINT_REMOVED and self.endpoint.endswith(suffix):
            return self.endpoint[: -len(suffix)]
        return None

    @property
    def fails(self) -> bool:
        """Whether it fails the check: refused, or unsafe and not acknowledged."""
        return self.verdict is Verdict.REFUSED or (self.verdict is Verdict.UNSAFE and not self.acknowledged)

    def render(self) -> str:
        """A readable paragraph for terminals and synth errors."""
        where = f"{self.stack}/" if self.stack else ""
        after = self.kind_after or "removed"
        text = (f"[{self.change.value}, {self.verdict.value}] endpoint {where}{self.endpoint}: "
                f"{self.kind_before} -> {after}\n"
                + (f"    construct: {self.path}\n" if self.path else "") +
                f"    why: {self.why}\n"
                + (f"    unverified: {self.unverified}\n" if self.unverified else "") +
                f"    way out: {self.way_out}\n"
                f"    rule {self.rule} (source: {self.source})")
        if self.change.acknowledgeable and not self.acknowledged and self.acknowledge_in:
            text += (f"\n    acknowledgeable: yes, when intended, in stack {self.acknowledge_in} (the template of "
                     f"{self.stack} leaves the app with it): acknowledge_unsafe_change('{self.logical_id}', "
                     f"UnsafeChange.{self.change.name}, scope=<a construct of {self.acknowledge_in}>, "
                     + (f"endpoint_name='{self.endpoint_name_given}', " if self.endpoint_name_given else "")
                     + "reason=...)")
        elif self.change.acknowledgeable and not self.acknowledged:
            text += "\n    acknowledgeable: yes, with acknowledge_unsafe_change(...) when intended"
        elif self.verdict is Verdict.REFUSED:
            text += "\n    acknowledgeable: no (refused at deploy)"
        if self.acknowledged:
            text += f"\n    acknowledged: {self.acknowledged}"
        return text

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (for ``--json``): stack, endpoint, finding, rule, acknowledgeable, way out."""
        data = asdict(self)
        data["change"] = self.change.value
        data["finding"] = self.change.value
        data["verdict"] = self.verdict.value
        data["acknowledgeable"] = self.change.acknowledgeable
        data["fails"] = self.fails
        return data


def components_of(template: Mapping[str, Any]) -> dict[str, EndpointState]:
    """Every inference component of a template by logical id, as a state the verdict table compares
    (kind ``inference-component``; ``endpoint_name`` holds what places it: endpoint, variant and name)."""
    resources: Mapping[str, Any] = template.get("Resources", {}) or {}
    found: dict[str, EndpointState] = {}
    for logical_id, resource in resources.items():
        if not isinstance(resource, Mapping) or resource.get("Type") != _COMPONENT:
            continue
        props = resource.get("Properties") or {}
        name = props.get("InferenceComponentName")
        found[logical_id] = EndpointState(
            logical_id=logical_id, kind="inference-component", endpoint_name=name, path=construct_path(resource),
            config=json.dumps({"EndpointName": props.get("EndpointName"), "VariantName": props.get("VariantName"),
                               "InferenceComponentName": name}, sort_keys=True, default=str))
    return found


def _component_changes(before: EndpointState, after: EndpointState | None, stack: str) -> list[Finding]:
    """A component removed (deleted, callers naming it fail) or placed elsewhere (unverified)."""
    if after is None:
        return [_finding(
            UnsafeChange.COMPONENT_REMOVED, stack, before, None,
            "the inference component is no longer in the template: CloudFormation deletes it, and callers that "
            "pass its InferenceComponentName fail",
            "keep the construct (same id), or acknowledge the deletion with acknowledge_unsafe_change(...)")]
    same = _same(before.config, after.config)
    if not same:
        finding = _finding(
            UnsafeChange.COMPONENT_MOVED, stack, before, after,
            "its endpoint, variant or name changes: the CloudFormation schema marks no property create-only, and "
            "UpdateInferenceComponent takes none of these fields, so whether the component is moved, renamed, "
            "replaced or refused is not documented",
            "to be sure: define a new component (new construct id and name), move callers, then remove the old one")
        return [finding if same is False else replace(finding, unverified=_UNKNOWN_ASSETS)]
    return []


def _registered(resources: Mapping[str, Any], logical_id: str, endpoint_name: Any, dimension: str) -> frozenset[str]:
    """Variants of the endpoint that a ScalableTarget on ``dimension`` registers."""
    return frozenset(scaling_ranges(resources, logical_id, endpoint_name, dimension))


def _expanded(value: Any, resources: Mapping[str, Any]) -> Any:
    """``value`` with each Ref/GetAtt of an ``AWS::SageMaker::Model`` of the template replaced by the
    model's create-only properties (all but :data:`UPDATED_IN_PLACE`, its tags): a new image, data or
    environment replaces the model and with it the config that names it by ``Fn::GetAtt``, though the
    config's own properties read the same; a new tag is updated in place. (Other references stay: a role
    updated in place keeps its ARN.)"""
    referenced = referenced_id(value)
    target = resources.get(referenced) if referenced is not None else None
    if isinstance(target, Mapping) and target.get("Type") == _MODEL:
        return {"Model": replacing_properties(_MODEL, target.get("Properties"))}
    if isinstance(value, Mapping):
        return {k: _expanded(v, resources) for k, v in value.items()}
    if isinstance(value, list):
        return [_expanded(v, resources) for v in value]
    return value


def models_passed(parent: Mapping[str, Any], logical_id: str, passed: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The parameters that the nested stack resource ``logical_id`` of the ``parent`` template gives a model of
    the parent (``Ref``/``Fn::GetAtt``), or a parameter ``passed`` to the parent from a model in turn: parameter
    -> the model as :func:`_expanded` reads it (``{"Model": its properties}``)."""
    resources: Mapping[str, Any] = as_object(parent.get("Resources"))
    resource = as_object(resources.get(logical_id))
    found: dict[str, Any] = {}
    for name, value in as_object(as_object(resource.get("Properties")).get("Parameters")).items():
        referenced = referenced_id(value)
        if referenced is None:
            continue
        if passed and referenced in passed and isinstance(value, Mapping) and "Ref" in value:
            found[str(name)] = passed[referenced]
            continue
        target = as_object(resources.get(referenced))
        if target.get("Type") == _MODEL:
            found[str(name)] = {"Model": replacing_properties(_MODEL, target.get("Properties"))}
    return found


def with_passed_models(template: Mapping[str, Any], passed: Mapping[str, Any]) -> Mapping[str, Any]:
    """``template`` with each ``Ref`` of a parameter in ``passed`` (see :func:`models_passed`) in its endpoint
    configs read as the model the parent passes: the config then changes with the model, as it does with a
    model of its own template."""
    def replaced(value: Any) -> Any:
        if isinstance(value, Mapping):
            if set(value) == {"Ref"} and isinstance(value["Ref"], str) and value["Ref"] in passed:
                return passed[value["Ref"]]
            return {k: replaced(v) for k, v in value.items()}
        if isinstance(value, list):
            return [replaced(v) for v in value]
        return value

    resources = as_object(template.get("Resources"))
    if not passed or not any(as_object(r).get("Type") == _CONFIG for r in resources.values()):
        return template
    return {**template, "Resources": {
        logical_id: replaced(resource) if as_object(resource).get("Type") == _CONFIG else resource
        for logical_id, resource in resources.items()}}


def endpoints_of(template: Mapping[str, Any]) -> dict[str, EndpointState]:
    """Every endpoint of a template by logical id, with its kind and variants."""
    resources: Mapping[str, Any] = template.get("Resources", {}) or {}
    found: dict[str, EndpointState] = {}
    for logical_id, resource in resources.items():
        if not isinstance(resource, Mapping) or resource.get("Type") != _ENDPOINT:
            continue
        props = resource.get("Properties", {}) or {}
        config_id = linked_config_id(props.get("EndpointConfigName"), resources)
        config = resources[config_id] if config_id else None
        config_props = (config.get("Properties") or {}) if config else None
        metadata = as_object(as_object(resource.get("Metadata")).get(METADATA_KEY))
        kind = config_kind(config_props) or metadata.get("kind") or "unknown"
        is_async = "AsyncInferenceConfig" in (config_props or {})
        variants: dict[str, VariantState] = {}
        for key, shadow in (("ProductionVariants", False), ("ShadowProductionVariants", True)):
            for variant in objects_in((config_props or {}).get(key)):
                variant_name = str(variant.get("VariantName", ""))
                variants[variant_name] = VariantState(
                    name=variant_name, instance_type=variant.get("InstanceType"),
                    serverless="ServerlessConfig" in variant, initial_count=variant.get("InitialInstanceCount"),
                    shadow=shadow)
        endpoint_name = props.get("EndpointName")
        excluded = {e.get("VariantPropertyType") for e in objects_in(props.get("ExcludeRetainedVariantProperties"))
                    if isinstance(e.get("VariantPropertyType"), str)}
        found[logical_id] = EndpointState(
            logical_id=logical_id, kind=kind, endpoint_name=endpoint_name, variants=variants,
            path=construct_path(resource),
            autoscaled_variants=_registered(resources, logical_id, endpoint_name,
                                            "sagemaker:variant:DesiredInstanceCount"),
            scaled_concurrency_variants=_registered(resources, logical_id, endpoint_name,
                                                    "sagemaker:variant:DesiredProvisionedConcurrency"),
            is_async=is_async,
            retains_counts=props.get("RetainAllVariantProperties") is True and "DesiredInstanceCount" not in excluded,
            config=json.dumps(None if config_props is None else _expanded(
                replacing_properties(_CONFIG, config_props), resources), sort_keys=True, default=str),
            shape=config_shape(config_props) if config_props is not None else str(metadata.get("shape", "model")),
        )
    return found


@dataclass(frozen=True)
class Acknowledgment:
    """An intended change recorded in the new template, bound to the names it was given for."""

    endpoint: str
    change: str
    reason: str
    previous_name: str | None = None
    """``endpoint-name-changed``: the name being replaced (the acknowledgment holds for that name only)."""
    endpoint_name: str | None = None
    """The endpoint's name when acknowledged (its new name, or the name of the endpoint removed)."""

    def covers(self, finding: Finding, before: EndpointState, after: EndpointState | None) -> bool:
        """Whether this acknowledgment is for exactly this change of exactly these names."""
        if (self.endpoint, self.change) != (finding.logical_id, finding.change.value):
            return False
        if finding.change is UnsafeChange.ENDPOINT_NAME_CHANGED:
            return (_lower(self.previous_name) == before.literal_name and after is not None
                    and _lower(self.endpoint_name) == after.literal_name)
        if finding.change is UnsafeChange.ENDPOINT_REMOVED and self.endpoint_name is not None:
            return _lower(self.endpoint_name) == before.literal_name
        return True


def _lower(text: str | None) -> str | None:
    return text.lower() if isinstance(text, str) else None


def acknowledgments_of(template: Mapping[str, Any]) -> list[Acknowledgment]:
    """The acknowledgments recorded in the template's ``Metadata``."""
    entries = objects_in(as_object(as_object(template.get("Metadata")).get(METADATA_KEY)).get("acknowledged"))
    found: list[Acknowledgment] = []
    for entry in entries:
        if entry:
            found.append(Acknowledgment(
                endpoint=str(entry.get("endpoint")), change=str(entry.get("change")),
                reason=str(entry.get("reason", "")),
                previous_name=entry.get("previous_name") if isinstance(entry.get("previous_name"), str) else None,
                endpoint_name=entry.get("endpoint_name") if isinstance(entry.get("endpoint_name"), str) else None))
    return found


def _finding(change: UnsafeChange, stack: str, before: EndpointState, after: EndpointState | None,
             why: str, way_out: str) -> Finding:
    row = constraint(_RULES[change])
    return Finding(change=change, stack=stack, logical_id=before.logical_id, endpoint=before.display_name,
                   kind_before=before.kind, kind_after=after.kind if after else None, why=why,
                   way_out=way_out, rule=row.id, source=row.source,
                   path=(after.path if after is not None and after.path else before.path))


_NEW_ID = ("define it as a new endpoint instead: a new construct id and a new endpoint_name (a replacement "
           "endpoint), move callers to it, then remove the old one")


def _changes(before: EndpointState, after: EndpointState | None, stack: str) -> list[Finding]:
    """The rows of the verdict table that one endpoint's change matches."""
    if after is None:
        return [_finding(
            UnsafeChange.ENDPOINT_REMOVED, stack, before, None,
            "the endpoint is no longer in the template: CloudFormation deletes it and its callers break",
            "keep the construct (same id), or acknowledge the deletion with acknowledge_unsafe_change(...)")]
    if json.dumps(before.endpoint_name, sort_keys=True) != json.dumps(after.endpoint_name, sort_keys=True):
        # EndpointName is the endpoint's only create-only property: CloudFormation creates a new endpoint with the
        # new config and deletes the old one, and no UpdateEndpoint runs, so none of the update rules applies
        # (found by review: an autoscaled variant's new instance type was refused, with no way to acknowledge it).
        return [_finding(
            UnsafeChange.ENDPOINT_NAME_CHANGED, stack, before, after,
            f"EndpointName is create-only ({before.endpoint_name!r} -> {after.endpoint_name!r}): "
            "CloudFormation replaces the endpoint and callers using the old name break",
            "keep endpoint_name as it was, or acknowledge the replacement with "
            "acknowledge_unsafe_change(endpoint, ENDPOINT_NAME_CHANGED, previous_name=..., reason=...)")]
    found: list[Finding] = []
    if before.kind != "serverless" and after.kind == "serverless":
        found.append(_finding(
            UnsafeChange.INSTANCE_TO_SERVERLESS, stack, before, after,
            "SageMaker rejects updating an instance-based endpoint to a serverless config "
            "(ValidationError); only serverless -> instance-based is allowed in place", _NEW_ID))
    if before.kind == "serverless" and after.kind != "serverless" and before.scaled_concurrency_variants:
        found.append(_finding(
            UnsafeChange.SERVERLESS_SCALED_TO_INSTANCE, stack, before, after,
            f"variant(s) {', '.join(sorted(before.scaled_concurrency_variants))} have autoscaled provisioned "
            "concurrency: the developer guide documents serverless -> instance-based in place, but not while a "
            "scalable target is registered on the variant (CloudFormation deregisters it only after the update)",
            "to be sure: deploy once without provisioned_concurrency_scaling (deregisters the target), then migrate"))
    if before.is_async and not after.is_async:
        found.append(_finding(
            UnsafeChange.ASYNC_REMOVED, stack, before, after,
            "SageMaker rejects removing AsyncInferenceConfig from an endpoint "
            "(\"The AsyncInferenceConfig parameter cannot be removed from this endpoint\")", _NEW_ID))
    for variant in sorted(before.autoscaled_variants | before.scaled_concurrency_variants):
        old, new_variant = before.variants.get(variant), after.variants.get(variant)
        if old is None:
            continue
        if new_variant is None:
            found.append(_finding(
                UnsafeChange.AUTOSCALED_VARIANT_REMOVED, stack, before, after,
                f"{old.label} is registered with Application Auto Scaling and the new endpoint config has no "
                f"variant of that name (removed or renamed): the scalable target must be deregistered before "
                "an update that removes the variant, and CloudFormation deletes the old ScalableTarget only in "
                "its cleanup, after the endpoint update",
                "deploy once without autoscaling on that variant (deregisters the target), then remove or "
                "rename the variant in a later deploy (or define the new variants as a new endpoint)"))
            continue
        if variant not in before.autoscaled_variants or old.instance_type == new_variant.instance_type:
            continue
        if new_variant.serverless:
            continue  # reported as instance-to-serverless
        found.append(_finding(
            UnsafeChange.AUTOSCALED_INSTANCE_TYPE, stack, before, after,
            f"{old.label} is registered with Application Auto Scaling: an update that changes its "
            f"instance type ({old.instance_type} -> {new_variant.instance_type}) fails",
            "deploy without autoscaling on that variant first, then change the instance type, then "
            "re-enable autoscaling (or use a new variant name)"))
    if before.shape != after.shape:  # whatever the kinds: serverless and async endpoints are model-based
        found.append(_finding(
            UnsafeChange.ENDPOINT_SHAPE_CHANGED, stack, before, after,
            f"the endpoint changes from the {before.shape}-based to the {after.shape}-based shape in place: the "
            "documentation does not say whether UpdateEndpoint moves an endpoint between the two",
            "to be sure: create the new shape as a new endpoint (new construct id and endpoint_name), move callers, "
            "then remove the old one"))
    found += _capacity_changes(before, after, stack)
    return found


def _capacity_changes(before: EndpointState, after: EndpointState, stack: str) -> list[Finding]:
    """An update that resets an autoscaled fleet, or a count change that retention keeps from applying."""
    same = _same(before.config, after.config)
    if same or before.kind == "serverless" or after.kind == "serverless":
        return []  # no UpdateEndpoint (same config), or no instance counts to keep
    kept = [v for v in sorted(before.autoscaled_variants & after.autoscaled_variants) if v in after.variants]
    if kept and not after.retains_counts:
        reset = _finding(
            UnsafeChange.SCALED_FLEET_RESET, stack, before, after,
            ("the endpoint config changes" if same is False else "if the endpoint config changes (a new asset)")
            + " and the endpoint does not retain variant properties: autoscaled variant(s) "
            f"{', '.join(_shown(after.variants[v]) for v in kept)} restart at their initial instance count, "
            "whatever they scaled to",
            "keep retain_scaled_capacity at its default (True for autoscaled endpoints), or acknowledge the "
            "reset with acknowledge_unsafe_change(...)")
        return [reset if same is False else replace(reset, unverified=_UNKNOWN_ASSETS)]
    if not after.retains_counts:  # the update's own RetainAllVariantProperties decides
        return []
    changed = [f"{_shown(old)} ({old.initial_count} -> {after.variants[name].initial_count})"
               for name, old in sorted(before.variants.items())
               if name in after.variants and old.initial_count != after.variants[name].initial_count]
    if not changed:
        return []
    return [_finding(
        UnsafeChange.RETAINED_COUNT_CHANGE, stack, before, after,
        f"the endpoint retains variant properties, so the new instance_count of {', '.join(changed)} is not "
        "applied: each variant keeps the count it runs with",
        "change the autoscaling min/max instead (Application Auto Scaling moves the count), or deploy once with "
        "retain_scaled_capacity=False to apply the new count, or acknowledge with acknowledge_unsafe_change(...)")]


def _shown(variant: VariantState) -> str:
    """A variant's name in a list of variants, ``(shadow)`` after a shadow variant's."""
    return f"{variant.name} (shadow)" if variant.shadow else variant.name


def find_unsafe_changes(previous: Mapping[str, Any], new: Mapping[str, Any], *, stack: str = "",
                        include_acknowledged: bool = False) -> list[Finding]:
    """Every reported change from ``previous`` to ``new`` (two templates of one stack).

    Acknowledged changes (see ``acknowledge_unsafe_change``) are left out unless
    ``include_acknowledged``; refusals by SageMaker itself cannot be acknowledged.
    """
    return compare_pairs([(stack, previous, new)], include_acknowledged=include_acknowledged)


Environment = tuple[str | None, str | None]
"""(account, Region) of a stack; None where the stack is environment-agnostic."""


def cross_environment_names(
        groups: Mapping[Environment, Sequence[tuple[str, Mapping[str, Any] | None, Mapping[str, Any] | None]]],
        kept: Mapping[Environment, Sequence[tuple[str, Mapping[str, Any]]]]) -> list[Finding]:
    """``endpoint-name-maybe-reused`` (unverified): a fixed endpoint name new to the stacks of one environment
    that an endpoint of another environment holds before the deploy, where one of the two is environment-
    agnostic (its account or Region is the deploying credentials'), so they may be one account and Region.
    ``groups``/``kept``: what :func:`compare_pairs` gets, per environment."""
    def held(environment: Environment, index: int) -> dict[str, tuple[str, EndpointState]]:
        templates = [(stack, pair[index]) for stack, *pair in groups.get(environment, ())]
        return {state.literal_name: (stack, state) for stack, template in [*templates, *kept.get(environment, ())]
                for state in endpoints_of(template or {}).values()
                if state.literal_name and state.kind != "inference-component"}

    def may_coincide(one: Environment, other: Environment) -> bool:
        return one != other and None in (*one, *other) and all(
            a is None or b is None or a == b for a, b in zip(one, other, strict=True))

    def shown(environment: Environment) -> str:
        account, region = environment
        return (f"account {account or 'of the deploying credentials'}, "
                f"Region {region or 'of the deploying credentials'}")

    environments = {*groups, *kept}
    before = {e: held(e, 0) for e in environments}
    after = {e: held(e, 1) for e in environments}
    findings: list[Finding] = []
    for environment in sorted(environments, key=str):
        for name, (stack, state) in sorted(after[environment].items()):
            if name in before[environment]:
                continue
            for other in sorted(environments, key=str):
                if not may_coincide(environment, other) or name not in before[other]:
                    continue
                old_stack, old = before[other][name]
                findings.append(_finding(
                    UnsafeChange.ENDPOINT_NAME_MAYBE_REUSED, stack, state, state,
                    f"endpoint_name {state.endpoint_name!r} is held by endpoint {old.logical_id} of stack {old_stack} "
                    f"({shown(other)}) and is new in stack {stack} ({shown(environment)}): a stack without an "
                    "account or Region deploys to the deploying credentials', so the guard cannot tell whether they "
                    "are one account and Region; if they are, CreateEndpoint refuses the name while the other "
                    "endpoint holds it",
                    "pin the account and Region of both stacks (env=Environment(...)) so the guard can compare them, "
                    "or give the new endpoint a name no endpoint holds"))
                break
    return findings


def compare_pairs(pairs: Sequence[tuple[str, Mapping[str, Any] | None, Mapping[str, Any] | None]], *,
                  include_acknowledged: bool = False,
                  kept: Sequence[tuple[str, Mapping[str, Any]]] = (),
                  acknowledged_in: Mapping[str, Sequence[tuple[str, Mapping[str, Any]]]] | None = None,
                  ) -> list[Finding]:
    """Compare the (name, previous, new) templates of the stacks of one account and Region.

    ``previous`` None: the stack is not deployed yet; ``new`` None: the stack leaves the app. A fixed
    endpoint name that leaves one logical id and appears at another, in any of these stacks, is
    ``endpoint-name-reused`` (SageMaker refuses the new endpoint while the old one exists). ``kept``:
    the (name, template) of deployed stacks of the same account and Region that the deploy leaves as
    they are (renamed or removed from the app, or not selected): nothing of theirs is compared, but
    the endpoint names they hold stay taken. ``acknowledged_in``: name of a stack that leaves the app (``new``
    None) -> the (name, new template) of the stacks still in the app that record acknowledgments for it (a
    nested stack's nearest ancestor still in the app and its top-level stack): its own template is gone.
    """
    findings: list[Finding] = []
    # Endpoint names held before the deploy (CreateEndpoint compares them case-insensitively), and the endpoints
    # the deploy creates: new logical ids, and endpoints replaced because their EndpointName changes.
    held: dict[str, tuple[str, EndpointState]] = {}
    kept_names: set[str] = set()
    for stack, template in kept:
        for before in endpoints_of(template).values():
            if before.literal_name and before.kind != "inference-component":
                held[before.literal_name.lower()] = (stack, before)
                kept_names.add(before.literal_name.lower())
    created: list[tuple[str, EndpointState, EndpointState | None]] = []
    for stack, previous, new in pairs:
        before_all = endpoints_of(previous or {})
        after_all = endpoints_of(new or {})
        for before in before_all.values():
            if before.literal_name and before.kind != "inference-component":
                held[before.literal_name.lower()] = (stack, before)
                kept_names.discard(before.literal_name.lower())
        for logical_id, now in after_all.items():
            prior = before_all.get(logical_id)
            # Any change of a fixed EndpointName, case included, replaces the endpoint (it is create-only).
            if now.literal_name and (prior is None or prior.endpoint_name != now.endpoint_name):
                created.append((stack, now, prior))
        acknowledgments = acknowledgments_of(new or {})
        holders = (acknowledged_in or {}).get(stack, ()) if new is None else ()
        for _, holder in holders:
            acknowledgments += acknowledgments_of(holder)
        components_after = components_of(new or {})
        pending = [(before, after_all.get(logical_id), _changes) for logical_id, before in before_all.items()]
        pending += [(before, components_after.get(logical_id), _component_changes)
                    for logical_id, before in components_of(previous or {}).items()]
        for before, after, changes in pending:
            for item in changes(before, after, stack):
                if holders and item.change.acknowledgeable:
                    item = replace(item, acknowledge_in=holders[0][0], way_out=(
                        f"{item.way_out}, in stack {holders[0][0]}: the template of {stack} leaves the app"))
                reason = next((a.reason for a in acknowledgments if a.covers(item, before, after)), None)
                if reason is not None and item.change.acknowledgeable:
                    if include_acknowledged:
                        findings.append(Finding(**{**asdict(item), "change": item.change, "acknowledged": reason}))
                    continue
                findings.append(item)
    for stack, after, prior in created:
        reused = held.get((after.literal_name or "").lower())
        if reused is None:
            continue
        old_stack, before = reused
        if (after.literal_name or "").lower() in kept_names:
            findings.append(_finding(
                UnsafeChange.ENDPOINT_NAME_REUSED, stack, after, after,
                f"endpoint_name {after.endpoint_name!r} is held by endpoint {before.logical_id} of stack {old_stack} "
                f"({before.endpoint_name!r}; names are compared case-insensitively), which this deploy leaves as it "
                "is: the stack is no longer in the app under that name (a new construct id or stack_name makes a "
                "new stack), or it is not selected, and cdk deploy never deletes a stack, so the endpoint keeps its "
                "name and CreateEndpoint refuses it",
                "keep the endpoint where it is (the same stack construct id, stack_name and endpoint construct id), "
                "or free the name first (remove the endpoint from that stack and deploy it, or `cdk destroy` the "
                "stack if it left the app) and create the endpoint under the name in a later deploy, or give the new "
                "endpoint a name no endpoint holds now"))
            continue
        where = f"{old_stack + '/' if old_stack else ''}{before.logical_id}"
        how = ("moves from " + where + f" to {after.logical_id}" if before.endpoint_name == after.endpoint_name
               and prior is None else f"is held by {where} ({before.endpoint_name!r}; names are compared "
               "case-insensitively) when " + ("the new endpoint" if prior is None else
                                             f"{after.logical_id}'s replacement") + " is created")
        findings.append(_finding(
            UnsafeChange.ENDPOINT_NAME_REUSED, stack, after, after,
            f"endpoint_name {after.endpoint_name!r} {how}: CloudFormation creates (or replaces) an endpoint before "
            "it deletes or replaces the old ones, and CreateEndpoint refuses a name that exists",
            "keep each endpoint's name (and construct id and stack), or give the endpoint a name no endpoint holds "
            "now and reuse the old name in a later deploy"))
    return findings


def render_report(findings: Iterable[Finding]) -> str:
    """All findings as text, or a one-line all-clear."""
    items = list(findings)
    if not items:
        return "cdk-sagemaker-inference migration guard: no unsafe endpoint changes."
    failing = sum(1 for f in items if f.fails)
    lines = [f"cdk-sagemaker-inference migration guard: {len(items)} endpoint change"
             f"{'s' if len(items) != 1 else ''} reported, {failing} failing:"]
    lines += [item.render() for item in items]
    return "\n".join(lines)
