"""One reading of cloud assemblies for the guard, its synth-time plugin and the test assertions.

Stacks, stages, custom stack names, each stack's account, Region and lookup role come from
aws-cdk-lib's own reader (``aws_cdk.cx_api.CloudAssembly``), as the CDK CLI reads them. It does not
list nested stacks: their templates are file assets of the parent, so a nested stack resource's
``TemplateURL`` (``…/<hash>.json``) is matched with the stack's asset manifests
(``<stack>.assets.json``: hash → template file), recursively. A nested stack is keyed by its
parent's key and its logical id, so a baseline and a new assembly compare the same nested stack.

Anything that is not a well-formed assembly or template raises :class:`AssemblyError`, with what is
wrong, so a command can say "could not check" (exit 2) instead of guessing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .resources import construct_path

__all__ = ["AssemblyError", "StackKey", "StackTemplate", "check_baseline", "is_within", "nested_display_name", "read_assembly",
           "read_baseline", "read_template_file"]


class AssemblyError(Exception):
    """The assembly or a template cannot be read as one (the message says what and where)."""


@dataclass(frozen=True, order=True)
class StackKey:
    """What identifies a deployed stack: its name, account and Region, and for a nested stack the
    logical ids from the top-level stack down. ``None`` account/Region: environment-agnostic."""

    stack_name: str
    account: str | None = None
    region: str | None = None
    nested: tuple[str, ...] = ()

    def matches(self, other: StackKey) -> bool:
        """The same stack, where an environment-agnostic side matches any account or Region."""
        return (self.stack_name == other.stack_name and self.nested == other.nested
                and _same(self.account, other.account) and _same(self.region, other.region))


def _same(first: str | None, second: str | None) -> bool:
    return first is None or second is None or first == second


@dataclass(frozen=True)
class StackTemplate:
    """One stack of an assembly (or a nested stack of one), with its template."""

    key: StackKey
    display_name: str
    """How messages name it: the construct path (``Stage/Stack``) and, nested, ``…/NestedLogicalId``."""
    template: Mapping[str, Any]
    template_path: str | None = None
    lookup_role_arn: str | None = None
    """The CDK bootstrap lookup role of the stack's environment (``${AWS::Partition}`` left as is)."""
    nested: tuple[StackTemplate, ...] = field(default=(), repr=False)
    unreadable: tuple[str, ...] = ()
    """Logical ids of this template's nested stacks whose template is not in the assembly (read with
    ``unreadable=``): left out of ``nested``, so what they hold is not known."""

    def walk(self) -> Iterator[StackTemplate]:
        """This stack and its nested stacks, depth first."""
        yield self
        for child in self.nested:
            yield from child.walk()


def read_assembly(directory: str | Path, *, unreadable: list[tuple[str, str]] | None = None) -> list[StackTemplate]:
    """The top-level stacks of a cloud assembly (stages included), each with its nested stacks.

    A nested stack whose template is not in the assembly (a ``CfnStack`` with an external ``TemplateURL``)
    raises :class:`AssemblyError`, unless ``unreadable`` is given: then that nested stack is left out, and
    (the top-level stack's display name, the reason) is appended to ``unreadable``, so that a command may
    refuse only the stacks it needs whole (``guard --stack`` of another stack)."""
    location = Path(directory)
    if not (location / "manifest.json").is_file():
        raise AssemblyError(f"{location} is not a cloud assembly (no manifest.json): run `cdk synth` first, "
                            "or pass --assembly with the cdk.out directory")
    try:
        from aws_cdk import cx_api

        assembly = cx_api.CloudAssembly(str(location))
        artifacts = list(assembly.stacks_recursively)
    except Exception as error:  # jsii reports schema and file errors as RuntimeError/JSIIError
        raise AssemblyError(f"{location}/manifest.json cannot be read as a cloud assembly: "
                            f"{_first_line(error)}") from error
    stacks: list[StackTemplate] = []
    for artifact in artifacts:
        try:
            template_path = Path(artifact.template_full_path)
            template = _load(template_path)
            environment = artifact.environment
            account, region = _literal(environment.account), _literal(environment.region)
            lookup = artifact.lookup_role.arn if artifact.lookup_role is not None else None
            key = StackKey(artifact.stack_name, account, region)
            name = str(artifact.hierarchical_id)
            assets = _asset_templates(Path(artifact.assembly.directory))
        except AssemblyError:
            raise
        except Exception as error:
            raise AssemblyError(f"stack {getattr(artifact, 'id', '?')} of {location} cannot be read: "
                                f"{_first_line(error)}") from error
        problems: list[str] | None = [] if unreadable is not None else None
        nested, missing = _nested(key, name, template, assets, problems)
        stacks.append(StackTemplate(key=key, display_name=name, template=template, template_path=str(template_path),
                                    lookup_role_arn=lookup, nested=nested, unreadable=missing))
        if unreadable is not None and problems:
            unreadable += [(name, problem) for problem in problems]
    return stacks


def read_template_file(path: str | Path) -> Mapping[str, Any]:
    """One template file, checked to be a template (a JSON object whose Resources is an object)."""
    return _load(Path(path))


def read_baseline(path: str | Path, *, unreadable: list[tuple[str, str]] | None = None
                  ) -> list[StackTemplate] | Mapping[str, Any]:
    """A baseline: the stacks of a cloud assembly directory, or the template of a single file
    (``unreadable``: as in :func:`read_assembly`)."""
    location = Path(path)
    if location.is_file():
        return read_template_file(location)
    if not (location / "manifest.json").is_file():
        raise AssemblyError(f"the baseline {location} is neither a cloud assembly (no manifest.json) nor a template "
                            "file: give a previous cdk.out directory or a .template.json file")
    return read_assembly(location, unreadable=unreadable)


def nested_display_name(parent_name: str, logical_id: str, resource: Any) -> str:
    """How a nested stack is named to users: its construct path (``Eu/Serving/Batch``, from the nested stack
    resource's ``…/Batch.NestedStack/Batch.NestedStackResource`` path), else the parent's name and the
    resource's logical id."""
    path = construct_path(resource)
    if path is not None:
        scope, _, leaf = path.rpartition("/")
        construct_id = leaf.removesuffix(".NestedStackResource")
        if leaf != construct_id and scope.endswith(f"{construct_id}.NestedStack"):
            return scope.removesuffix(".NestedStack")
    return f"{parent_name}/{logical_id}"


def is_within(path: str | Path, directory: str | Path) -> bool:
    """``path`` is ``directory`` or inside it (both resolved): a baseline there is the assembly itself."""
    inner, outer = Path(path).resolve(), Path(directory).resolve()
    return inner == outer or outer in inner.parents


def check_baseline(baseline: str | Path, assembly: str | Path) -> None:
    """Refuse a ``--baseline`` that is the assembly being checked, part of it, or holds it (a stage's
    assembly sits inside its app's): comparing an assembly with itself answers "no change" for nothing."""
    if is_within(baseline, assembly) or is_within(assembly, baseline):
        raise AssemblyError(f"--baseline {baseline} is the assembly being checked ({assembly}) or holds it: "
                            "comparing it with itself would answer 'safe' without comparing anything; give the "
                            "previous cdk.out (copied before this synth), or, for guard, drop --baseline to compare "
                            "with the deployed stacks")


# ---------------------------------------------------------------------------------------------- private
_ASSET_URL = re.compile(r"([0-9a-f]{64})\.json$")


def _load(path: Path) -> Mapping[str, Any]:
    try:
        template = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AssemblyError(f"{path} cannot be read as a JSON template: {error}") from error
    check_template(template, str(path))
    return template  # type: ignore[no-any-return]


_OBJECT_SECTIONS = ("Metadata", "Parameters", "Mappings", "Conditions", "Resources", "Outputs")
"""Template sections that are objects (CloudFormation User Guide, template anatomy)."""
_OBJECT_ATTRIBUTES = ("Properties", "Metadata", "CreationPolicy", "UpdatePolicy")
"""Resource attributes that are objects (CloudFormation User Guide, resources section and resource attributes)."""


def check_template(template: Any, where: str) -> None:
    """A template has the shape CloudFormation requires of every template, so that the commands may read
    it without guessing: an object whose sections (``Resources``, ``Metadata``, ``Mappings``, …) are
    objects, every resource an object with a string ``Type``, its ``Properties`` and ``Metadata`` objects
    and its ``DependsOn`` a logical id or a list of them. CloudFormation refuses anything else."""
    if not isinstance(template, Mapping):
        raise AssemblyError(f"{where} is not a template: a JSON object is expected, got {type(template).__name__}")
    for section in _OBJECT_SECTIONS:
        value = template.get(section)
        if value is not None and not isinstance(value, Mapping):
            raise AssemblyError(f"{where}: {section} must be an object, got {type(value).__name__}")
    for logical_id, resource in (template.get("Resources") or {}).items():
        if not isinstance(resource, Mapping) or not isinstance(resource.get("Type"), str):
            raise AssemblyError(f"{where}: resource {logical_id} must be an object with a Type")
        for attribute in _OBJECT_ATTRIBUTES:
            value = resource.get(attribute)
            if value is not None and not isinstance(value, Mapping):
                raise AssemblyError(f"{where}: resource {logical_id}: {attribute} must be an object, "
                                    f"got {type(value).__name__}")
        depends = resource.get("DependsOn")
        if depends is not None and not (isinstance(depends, str) or (
                isinstance(depends, list) and all(isinstance(d, str) for d in depends))):
            raise AssemblyError(f"{where}: resource {logical_id}: DependsOn must be a logical id or a list of them")


def _literal(value: Any) -> str | None:
    text = str(value) if value is not None else ""
    return None if not text or text.startswith("unknown-") else text


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _asset_templates(directory: Path) -> dict[str, Path]:
    """Asset hash → file of every file asset of the assembly directory (nested templates among them)."""
    found: dict[str, Path] = {}
    for manifest in directory.glob("*.assets.json"):
        try:
            files = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
        except (OSError, ValueError, AttributeError) as error:
            raise AssemblyError(f"{manifest} cannot be read: {error}") from error
        for asset_hash, asset in (files or {}).items():
            source = (asset or {}).get("source", {}) if isinstance(asset, Mapping) else {}
            if isinstance(source, Mapping) and isinstance(source.get("path"), str):
                found[str(asset_hash)] = directory / source["path"]
    return found


def _nested(parent: StackKey, parent_name: str, template: Mapping[str, Any],
            assets: Mapping[str, Path], problems: list[str] | None = None
            ) -> tuple[tuple[StackTemplate, ...], tuple[str, ...]]:
    """The nested stacks of a template, recursively, and the logical ids of those whose template is not in the
    assembly: ``problems`` (when given) collects why instead of raising."""
    children: list[StackTemplate] = []
    missing: list[str] = []
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") != "AWS::CloudFormation::Stack":
            continue
        url = json.dumps((resource.get("Properties") or {}).get("TemplateURL"))
        match = _ASSET_URL.search(url.rstrip('"]}) '))
        path = assets.get(match.group(1)) if match else None
        if path is None:
            problem = (f"nested stack {logical_id} of {parent_name}: its template is not a file asset of the "
                       "assembly, so it cannot be compared")
            if problems is None:
                raise AssemblyError(problem)
            problems.append(problem)
            missing.append(str(logical_id))
            continue
        child_template = _load(path)
        key = StackKey(parent.stack_name, parent.account, parent.region, (*parent.nested, str(logical_id)))
        name = nested_display_name(parent_name, str(logical_id), resource)
        nested, unread = _nested(key, name, child_template, assets, problems)
        children.append(StackTemplate(key=key, display_name=name, template=child_template, template_path=str(path),
                                      nested=nested, unreadable=unread))
    return tuple(children), tuple(missing)
