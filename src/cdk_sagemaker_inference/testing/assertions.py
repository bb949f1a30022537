"""Assertions of intent over synthesized templates: which endpoints a stack has, and how they run.

They read plain template dictionaries (see :func:`~cdk_sagemaker_inference.testing.templates.template_dict`
for what else they accept): each ``AWS::SageMaker::Endpoint``, the kind this library stamps in its
``Metadata`` (key :data:`~cdk_sagemaker_inference.METADATA_KEY`), and the
``AWS::SageMaker::EndpointConfig`` it points at. Every assertion fails with a message that names
each offending endpoint, and an assertion about "all endpoints" fails when there is none (a test
that passes on an empty stack proves nothing).
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._keys import METADATA_KEY
from ..assembly.resources import as_object, config_kind, linked_config_id
from .templates import TemplateSource, nested_stack_resources, nested_templates, template_dict

__all__ = [
    "EndpointSummary",
    "assert_all_endpoints_serverless",
    "assert_endpoint_kinds",
    "assert_safe_migration",
    "endpoints_of",
]

_ENDPOINT = "AWS::SageMaker::Endpoint"


@dataclass(frozen=True)
class EndpointSummary:
    """One ``AWS::SageMaker::Endpoint`` of a template and the endpoint config it uses."""

    logical_id: str
    """The endpoint's logical id in the template."""
    kind: str
    """``serverless``, ``realtime`` or ``async``: the kind stamped by this library, or, for an
    endpoint defined some other way, inferred from its config (``unknown`` without one)."""
    stamped: bool
    """True when the kind comes from this library's Metadata stamp."""
    endpoint_name: Any
    """``EndpointName`` as the template has it: a string, an intrinsic, or None (CloudFormation
    chooses the name)."""
    config_logical_id: str | None
    """The logical id of the linked ``AWS::SageMaker::EndpointConfig``, or None when it is not in
    the template."""
    config: Mapping[str, Any] = field(default_factory=dict)
    """The linked endpoint config's ``Properties`` (empty when it is not in the template)."""

    @property
    def production_variants(self) -> list[Mapping[str, Any]]:
        """The config's ``ProductionVariants`` (empty list when there are none)."""
        variants = self.config.get("ProductionVariants") or []
        return [v for v in variants if isinstance(v, Mapping)]

    @property
    def display_name(self) -> str:
        """The endpoint's name where the template fixes it, else its logical id (for messages)."""
        if isinstance(self.endpoint_name, str):
            return f"{self.endpoint_name} ({self.logical_id})"
        return self.logical_id


def endpoints_of(template: TemplateSource) -> list[EndpointSummary]:
    """Every endpoint of ``template`` with its kind, name and linked config, by logical id.

    A ``Stack``'s nested stacks are read too (their endpoints' logical ids are prefixed with the nested
    stack's path, ``Child/Endpoint1234``), and so are those a normalised template or snapshot holds under
    ``NestedStackTemplates``; any other template dict or file with nested stacks is refused, since their
    templates are not in it (pass the ``Stack``).

    :param template: a template dict, ``Stack``, assertions ``Template`` or template file path.
        No default.
    :raises TypeError: when ``template`` is not one of those, or not a template.
    :raises ValueError: for a template dict or file that has nested stacks and not their templates.
    """
    found: list[EndpointSummary] = []
    for prefix, body in _templates_of(template):
        resources = body.get("Resources") or {}
        for logical_id in sorted(resources):
            resource = resources[logical_id]
            if not isinstance(resource, Mapping) or resource.get("Type") != _ENDPOINT:
                continue
            props = as_object(resource.get("Properties"))
            config_id = linked_config_id(props.get("EndpointConfigName"), resources)
            config_resource = as_object(resources.get(config_id)) if config_id else None
            config = as_object(config_resource.get("Properties")) if config_resource else None
            stamp = as_object(as_object(resource.get("Metadata")).get(METADATA_KEY)).get("kind")
            found.append(EndpointSummary(
                logical_id=f"{prefix}{logical_id}",
                kind=str(stamp) if stamp else (config_kind(config) or "unknown"),
                stamped=bool(stamp),
                endpoint_name=props.get("EndpointName"),
                config_logical_id=config_id if config_resource else None,
                config=config or {},
            ))
    return found


def _templates_of(source: TemplateSource) -> list[tuple[str, Mapping[str, Any]]]:
    """(logical-id prefix, template) of ``source`` and, for a ``Stack``, of each of its nested stacks."""
    if isinstance(source, str | os.PathLike) and Path(source).is_dir():
        raise TypeError(f"{os.fspath(source)} is a directory: pass a template file, a Stack or a template dict "
                        "(assert_safe_migration takes two cloud assembly directories)")
    template = template_dict(source)
    if not isinstance(template.get("Resources") or {}, Mapping):
        raise TypeError(f"not a template: Resources is a {type(template.get('Resources')).__name__}, not an object")
    found: list[tuple[str, Mapping[str, Any]]] = [("", template)]
    nested = nested_templates(source)
    if nested is None:
        stacks = nested_stack_resources(template)
        if stacks:
            raise ValueError(f"the template has nested stacks ({', '.join(stacks)}) whose templates are "
                             "not in it: pass the Stack (or its normalised template or snapshot, which holds "
                             "them), whose nested stacks are read too")
        return found
    return found + [(f"{path}/", nested_template) for path, nested_template in nested]


def assert_all_endpoints_serverless(template: TemplateSource, *, max_concurrency: int | None = None,
                                    max_memory_size_mb: int | None = None) -> list[EndpointSummary]:
    """Assert that ``template`` has at least one endpoint and that every one is serverless.

    :param template: a template dict, ``Stack``, assertions ``Template`` or template file path.
        No default.
    :param max_concurrency: also assert every variant's ``MaxConcurrency`` is ≤ this.
        Default: None (not checked).
    :param max_memory_size_mb: also assert every variant's ``MemorySizeInMB`` is ≤ this.
        Default: None (not checked).
    :returns: the endpoints, for further assertions.
    :raises AssertionError: naming every endpoint that breaks a rule, or when there is no endpoint.
    """
    for name, limit in (("max_concurrency", max_concurrency), ("max_memory_size_mb", max_memory_size_mb)):
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int | float) or limit != limit):
            raise TypeError(f"{name} must be a number, got {limit!r}")
    endpoints = endpoints_of(template)
    if not endpoints:
        raise AssertionError("expected serverless endpoints, but the template has no AWS::SageMaker::Endpoint")
    problems: list[str] = []
    limits = {"MaxConcurrency": max_concurrency, "MemorySizeInMB": max_memory_size_mb}
    for endpoint in endpoints:
        if endpoint.kind != "serverless":
            problems.append(f"endpoint {endpoint.display_name} is {endpoint.kind}, not serverless")
            continue
        for variant in endpoint.production_variants:
            serverless = variant.get("ServerlessConfig") or {}
            for key, limit in limits.items():
                if limit is None:
                    continue
                value = serverless.get(key)
                where = f"endpoint {endpoint.display_name} variant {variant.get('VariantName')}"
                if not isinstance(value, int | float):
                    problems.append(f"{where}: {key} is {value!r}, which cannot be compared with {limit}")
                elif value > limit:
                    problems.append(f"{where}: {key} is {value}, above the allowed {limit}")
    if problems:
        raise AssertionError("not all endpoints are serverless within the limits:\n  " + "\n  ".join(problems))
    return endpoints


def assert_endpoint_kinds(template: TemplateSource, expected: Mapping[str, int]) -> list[EndpointSummary]:
    """Assert how many endpoints of each kind ``template`` has, e.g. ``{"serverless": 1, "realtime": 1}``.

    Kinds missing from ``expected`` must not occur.

    :param template: a template dict, ``Stack``, assertions ``Template`` or template file path.
        No default.
    :param expected: kind → count. No default.
    :returns: the endpoints, for further assertions.
    :raises AssertionError: listing the kinds found, with the endpoints of each.
    """
    if not isinstance(expected, Mapping) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in expected.items()):
        raise TypeError(f"expected must be a dict of kind to count, e.g. {{'serverless': 1}}, got {expected!r}")
    endpoints = endpoints_of(template)
    counts: dict[str, int] = {}
    for endpoint in endpoints:
        counts[endpoint.kind] = counts.get(endpoint.kind, 0) + 1
    wanted = {kind: count for kind, count in expected.items() if count}
    if counts != wanted:
        found = ", ".join(
            f"{kind}: {counts[kind]} ({', '.join(e.display_name for e in endpoints if e.kind == kind)})"
            for kind in sorted(counts)) or "no endpoints"
        raise AssertionError(f"expected endpoint kinds {dict(sorted(wanted.items()))}, found {found}")
    return endpoints


def assert_safe_migration(previous: TemplateSource, new: TemplateSource) -> None:
    """Assert that deploying ``new`` over ``previous`` makes no unsafe endpoint change.

    Runs the migration guard (:mod:`cdk_sagemaker_inference.guard`):
    instance-based → serverless, async removed, the instance type of an autoscaled variant
    changed or an autoscaled variant removed, an endpoint renamed (replaced) or removed, an autoscaled
    fleet reset by an update. A typical ``previous`` is the committed template of what is deployed
    (``cdk.out/<Stack>.template.json`` of the last release), and ``new`` the ``Stack``: both as ``cdk synth``
    writes them, so the guard sees what CloudFormation sees. A normalised template (the ``sagemaker_template``
    fixture, or a syrupy JSON snapshot file, which also holds a stack's nested stacks' templates) has its asset
    hashes replaced by placeholders: it cannot tell new model data from the same, so a change that depends on
    an asset is reported as unverified (a warning saying so), never passed as safe and never failed.

    :param previous: the template deployed now (dict, ``Stack``, assertions ``Template`` or a
        JSON file path), or a cloud assembly directory (then ``new`` is one too, and every stack is
        compared, nested stacks and stages included). No default.
    :param new: the template about to be deployed (same forms). No default.
    :raises AssertionError: with one paragraph per unsafe change: the endpoint, why SageMaker or
        CloudFormation refuses it, and the way out. A change the documentation leaves open
        (``unverified``) is a ``UserWarning``, not a failure, as in the ``guard`` command.
    """
    guard = importlib.import_module("cdk_sagemaker_inference.guard")
    if all(isinstance(t, str | os.PathLike) and Path(t).is_dir() for t in (previous, new)):
        # Two cloud assemblies: every stack, stage and nested stack, matched as the guard command matches them.
        assembly = importlib.import_module("cdk_sagemaker_inference.assembly")
        comparison = guard.compare_stacks(assembly.read_assembly(previous), assembly.read_assembly(new))
        findings = list(comparison.findings)
    else:
        before, after = dict(_templates_of(previous)), dict(_templates_of(new))
        findings = [f for prefix in sorted(set(before) | set(after))  # each nested stack with its counterpart
                    for f in guard.find_unsafe_changes(before.get(prefix, {}), after.get(prefix, {}))]
    # As the guard command and the synth-time guard: a change the documentation leaves open (unverified) is
    # reported, as a warning, and does not fail (found by a sweep: it failed here only).
    failing = [f for f in findings if getattr(f, "fails", True)]
    reported = [f for f in findings if not getattr(f, "fails", True)]
    if reported:
        warnings.warn("\n".join(str(f.render()) if hasattr(f, "render") else str(f) for f in reported),
                      UserWarning, stacklevel=2)
    if failing:
        paragraphs = [str(f.render()) if hasattr(f, "render") else str(f) for f in failing]
        raise AssertionError(f"{len(failing)} unsafe endpoint change{'s' if len(failing) != 1 else ''}:\n"
                             + "\n".join(paragraphs))
