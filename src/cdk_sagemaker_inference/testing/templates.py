"""Synthesized templates for snapshot tests: one normalisation, applied everywhere.

A snapshot must change only when a construct's output changes, not when an asset's content
hash, the bootstrap qualifier or the CDK version does. :func:`normalise_template` rewrites
exactly those parts; :func:`template_dict` turns a stack (or an assertions ``Template``, or a
template file) into a plain ``dict`` first.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from ..guard.findings import ASSET_HASH_PLACEHOLDER, QUALIFIER_PLACEHOLDER, masked

# What the helpers accept as a template: a template ``dict``, a CDK ``Stack``, an
# ``aws_cdk.assertions.Template``, or the path of a template JSON file (for example a ``cdk.out``
# template or a committed syrupy JSON snapshot). aws-cdk-lib is imported only when a Stack is
# given: importing it starts the jsii runtime, which the pytest plugin must not do at load time.
if TYPE_CHECKING:
    from aws_cdk import Stack
    from aws_cdk.assertions import Template

    TemplateSource: TypeAlias = Mapping[str, Any] | Stack | Template | str | os.PathLike[str]
else:
    TemplateSource: TypeAlias = Any  # the precise alias above is for type checkers

__all__ = ["ASSET_HASH_PLACEHOLDER", "NESTED_TEMPLATES_KEY", "QUALIFIER_PLACEHOLDER", "TemplateSource",
           "nested_templates", "normalise_template", "template_dict"]

# ASSET_HASH_PLACEHOLDER (what every 64-hex-digit asset hash becomes) and QUALIFIER_PLACEHOLDER (what the
# bootstrap qualifier in asset bucket and container-asset repository names becomes) are the guard's
# (cdk_sagemaker_inference.guard.findings), which reads a normalised template's placeholders as unknown.

NESTED_TEMPLATES_KEY = "NestedStackTemplates"
"""Where :func:`normalise_template` puts a Stack's nested stacks' templates (by path below the stack): a
nested stack resource holds only the asset URL of its template, so without them a snapshot would not
change when an endpoint in a nested stack does."""

_BOOTSTRAP_PARAMETER = "BootstrapVersion"
_BOOTSTRAP_RULE = "CheckBootstrapVersion"
_CDK_METADATA_RESOURCE = "CDKMetadata"
_CDK_METADATA_CONDITION = "CDKMetadataAvailable"


def template_dict(source: TemplateSource) -> dict[str, Any]:
    """The template of ``source`` as a plain ``dict`` (a copy; ``source`` is never changed).

    :param source: a template mapping, a ``Stack`` (synthesized with
        ``aws_cdk.assertions.Template.from_stack``), an ``aws_cdk.assertions.Template``, or the path
        of a JSON template file. No default.
    :raises TypeError: for anything else.
    """
    if isinstance(source, Mapping):
        return json.loads(json.dumps(source))  # type: ignore[no-any-return]
    if isinstance(source, str | os.PathLike):
        return json.loads(Path(source).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    from aws_cdk import Stack
    from aws_cdk.assertions import Template

    if isinstance(source, Template):
        return dict(source.to_json())
    if isinstance(source, Stack):
        return dict(Template.from_stack(source).to_json())
    raise TypeError(f"expected a template dict, a Stack, an assertions Template or a file path, "
                    f"got {type(source).__name__}")


def nested_templates(source: TemplateSource) -> list[tuple[str, dict[str, Any]]] | None:
    """(path below the stack, template) of each nested stack of ``source``, nested ones included: a
    ``Stack``'s (synthesized), or those a normalised template or snapshot file holds under
    :data:`NESTED_TEMPLATES_KEY`. None when ``source`` holds neither (a plain template dict or file
    keeps only its nested stacks' asset URLs)."""
    if isinstance(source, Mapping | str | os.PathLike):
        held = template_dict(source).get(NESTED_TEMPLATES_KEY)
        if not isinstance(held, Mapping):
            return None
        return [(str(path), dict(template)) for path, template in sorted(held.items()) if isinstance(template, Mapping)]
    from aws_cdk import NestedStack, Stack

    if not isinstance(source, Stack):
        return None
    base = source.node.path
    return [(child.node.path.removeprefix(base + "/"), template_dict(child)) for child in source.node.find_all()
            if isinstance(child, NestedStack) and child is not source]


def nested_stack_resources(template: Mapping[str, Any]) -> list[str]:
    """The logical ids of a template's nested stack resources (``AWS::CloudFormation::Stack``)."""
    resources = template.get("Resources")
    return sorted(k for k, r in (resources.items() if isinstance(resources, Mapping) else ())
                  if isinstance(r, Mapping) and r.get("Type") == "AWS::CloudFormation::Stack")


def normalise_template(source: TemplateSource, *, drop_bootstrap_version: bool = True,
                       drop_cdk_metadata: bool = True) -> dict[str, Any]:
    """The template with what changes without the construct's output changing rewritten.

    For a ``Stack`` with nested stacks, each nested stack's normalised template is added under the key
    :data:`NESTED_TEMPLATES_KEY` (``"NestedStackTemplates"``), by its path below the stack
    (``"Serving/Orders"``), so that a snapshot changes when anything in a nested stack changes. A
    template dict or file with nested stacks and without that key is refused: its snapshot would not
    see what the nested stacks hold.

    - every 64-hex-digit asset hash becomes ``<asset-hash>`` (file and container asset keys,
      image tags, staging object keys);
    - the bootstrap qualifier in ``cdk-<qualifier>-assets-…`` and
      ``cdk-<qualifier>-container-assets-…`` becomes ``<qualifier>``;
    - the bootstrap-version check (the ``BootstrapVersion`` parameter and the
      ``CheckBootstrapVersion`` rule), which only stacks with the default synthesizer's rule carry;
    - the ``CDKMetadata`` resource and its condition (version analytics added by the CLI).

    Keys are sorted, so the result serialises the same way every time.

    :param source: see :func:`template_dict`. No default.
    :param drop_bootstrap_version: remove the bootstrap-version parameter and rule. Default: True.
    :param drop_cdk_metadata: remove the ``CDKMetadata`` resource and condition. Default: True.
    :raises ValueError: for a template dict or file with nested stacks whose templates are not in it.
    """
    template = template_dict(source)
    nested = nested_templates(source)
    if nested:
        # One flat map for every level (find_all reaches nested stacks of nested stacks).
        template[NESTED_TEMPLATES_KEY] = {path: _normalised(nested_template, drop_bootstrap_version,
                                                            drop_cdk_metadata) for path, nested_template in nested}
    elif nested is None and nested_stack_resources(template):
        raise ValueError(f"the template has nested stacks ({', '.join(nested_stack_resources(template))}) whose "
                         "templates are not in it, so a snapshot of it would not change when they do: pass the "
                         "Stack, whose nested stacks are added to the snapshot")
    return _normalised(template, drop_bootstrap_version, drop_cdk_metadata)


def _normalised(template: dict[str, Any], drop_bootstrap_version: bool, drop_cdk_metadata: bool) -> dict[str, Any]:
    if drop_bootstrap_version:
        _drop(template, "Parameters", _BOOTSTRAP_PARAMETER)
        _drop(template, "Rules", _BOOTSTRAP_RULE)
    if drop_cdk_metadata:
        _drop(template, "Resources", _CDK_METADATA_RESOURCE)
        _drop(template, "Conditions", _CDK_METADATA_CONDITION)
    return json.loads(masked(json.dumps(template, sort_keys=True)))  # type: ignore[no-any-return]


def _drop(template: dict[str, Any], section: str, key: str) -> None:
    entries = template.get(section)
    if isinstance(entries, dict):
        entries.pop(key, None)
        if not entries and section != "Resources":
            del template[section]
