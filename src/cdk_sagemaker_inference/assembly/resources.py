"""Reading SageMaker hosting out of one template: what references what, and which capacities
Application Auto Scaling registers. Shared by the guard (what changes) and ``cost`` (what it costs)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..tokens import is_unresolved

__all__ = ["ScalingRange", "as_object", "config_kind", "config_shape", "construct_path", "known_count", "known_int",
           "linked_config_id", "objects_in", "referenced_id", "scaling_ranges"]

SCALABLE_TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"
ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"


def referenced_id(value: Any) -> str | None:
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


@dataclass(frozen=True)
class ScalingRange:
    """A scalable target's capacities: ``MinCapacity``/``MaxCapacity`` and, over its scheduled actions,
    the lowest minimum and the highest maximum (None where the template holds a token)."""

    minimum: int | None
    maximum: int | None
    scheduled_minimum: int | None = None
    scheduled_maximum: int | None = None

    @property
    def floor(self) -> int | None:
        """The lowest capacity the target can be at: its minimum, or a scheduled one below it."""
        values = [v for v in (self.minimum, self.scheduled_minimum) if v is not None]
        return min(values) if len(values) == 1 + (self.scheduled_minimum is not None) else None

    @property
    def ceiling(self) -> int | None:
        """The highest capacity the target can reach: its maximum, or a scheduled one above it."""
        values = [v for v in (self.maximum, self.scheduled_maximum) if v is not None]
        return max(values) if len(values) == 1 + (self.scheduled_maximum is not None) else None


def known_int(value: Any) -> int | None:
    """``value`` when it is a whole number (not a bool, not a deploy-time token), else None."""
    if isinstance(value, float) and value.is_integer() and not is_unresolved(value):
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def known_count(value: Any) -> int | None:
    """A count or size read from a template (instances, capacity, memory, concurrency): a whole number from 0 to
    2,147,483,647, the API's integer. A token, or a negative or absurd number (which the service refuses), is
    unknown: never a figure."""
    number = known_int(value)
    return number if number is not None and 0 <= number <= 2**31 - 1 else None


def as_object(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one: a property of an odd shape is read as absent
    (CloudFormation's schema would refuse the template; the commands say what they can, never crash)."""
    return value if isinstance(value, Mapping) else {}


def objects_in(value: Any) -> list[Mapping[str, Any]]:
    """The objects of a JSON list (a property such as ``ProductionVariants``); none when it is not a list."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _range(props: Mapping[str, Any]) -> ScalingRange:
    actions = [as_object(a.get("ScalableTargetAction")) for a in objects_in(props.get("ScheduledActions"))]
    lows = [known_count(a.get("MinCapacity")) for a in actions if "MinCapacity" in a]
    highs = [known_count(a.get("MaxCapacity")) for a in actions if "MaxCapacity" in a]
    return ScalingRange(
        minimum=known_count(props.get("MinCapacity")), maximum=known_count(props.get("MaxCapacity")),
        scheduled_minimum=None if not lows or None in lows else min(v for v in lows if v is not None),
        scheduled_maximum=None if not highs or None in highs else max(v for v in highs if v is not None))


def scaling_ranges(resources: Mapping[str, Any], logical_id: str, endpoint_name: Any,
                   dimension: str) -> dict[str, ScalingRange]:
    """Variant name → the range of each ScalableTarget on ``dimension`` that registers a variant of the
    endpoint ``logical_id`` (by ``Fn::GetAtt``/``Ref`` in its ``ResourceId``, or by its fixed name)."""
    found: dict[str, ScalingRange] = {}
    for resource in resources.values():
        if not isinstance(resource, Mapping) or resource.get("Type") != SCALABLE_TARGET:
            continue
        props = resource.get("Properties") or {}
        if props.get("ScalableDimension") != dimension:
            continue
        resource_id = props.get("ResourceId")
        if isinstance(resource_id, str):
            parts = resource_id.split("/")
            if len(parts) == 4 and parts[0] == "endpoint" and parts[1] == endpoint_name:
                found[parts[3]] = _range(props)
            continue
        join = resource_id.get("Fn::Join") if isinstance(resource_id, Mapping) else None
        if not (isinstance(join, list) and len(join) == 2 and isinstance(join[1], list)):
            continue
        pieces = join[1]
        refers = any(referenced_id(p) == logical_id for p in pieces if isinstance(p, Mapping))
        refers = refers or (isinstance(endpoint_name, str) and endpoint_name in pieces)
        tail = pieces[-1] if pieces and isinstance(pieces[-1], str) else ""
        if refers and "/variant/" in tail:
            found[tail.split("/variant/", 1)[1]] = _range(props)
    return found


def construct_path(resource: Any) -> str | None:
    """A resource's construct path: its ``aws:cdk:path`` metadata (which ``cdk synth`` writes) without the
    L1's ``/Resource``; None where the template has none."""
    metadata = resource.get("Metadata") if isinstance(resource, Mapping) else None
    path = metadata.get("aws:cdk:path") if isinstance(metadata, Mapping) else None
    return path.removesuffix("/Resource") if isinstance(path, str) and path else None



def linked_config_id(value: Any, resources: Mapping[str, Any]) -> str | None:
    """The logical id of the endpoint config an endpoint's ``EndpointConfigName`` names.

    ``value`` is a ``Ref``/``Fn::GetAtt`` to the config, or the fixed name of a config in
    ``resources``; None when no config of the template matches.
    """
    referenced = referenced_id(value)
    if referenced is not None:
        return referenced if referenced in resources else None
    for logical_id, resource in resources.items():
        resource = as_object(resource)
        if resource.get("Type") == ENDPOINT_CONFIG and as_object(resource.get("Properties")).get("EndpointConfigName") == value:
            return str(logical_id)
    return None


def config_kind(config_properties: Mapping[str, Any] | None) -> str | None:
    """``serverless``, ``async`` or ``realtime`` from an endpoint config's properties (None: no config)."""
    if config_properties is None:
        return None
    if any("ServerlessConfig" in v for v in objects_in(config_properties.get("ProductionVariants"))):
        return "serverless"
    return "async" if "AsyncInferenceConfig" in config_properties else "realtime"


def config_shape(config_properties: Mapping[str, Any] | None) -> str:
    """``inference-components`` for a config whose variants name no model and which has an execution role
    (``CreateEndpointConfig`` for inference components), else ``model``."""
    props = config_properties or {}
    variants = objects_in(props.get("ProductionVariants"))
    if variants and "ExecutionRoleArn" in props and not any("ModelName" in v for v in variants):
        return "inference-components"
    return "model"
