"""Test helpers: apps with cdk.json's feature flags, normalised templates, cfn-lint and cdk-nag.

Normalisation happens here, once, for every snapshot (asset hashes, container-asset URIs).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aws_cdk import App, DefaultStackSynthesizer, Stack
from aws_cdk.assertions import Template
from constructs import IConstruct

from cdk_sagemaker_inference.testing import normalise_template

ROOT = Path(__file__).resolve().parents[1]
CDK_CONTEXT: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text())["context"]


def new_app(**context: Any) -> App:
    """An App with the same feature flags as `cdk synth` (cdk.json's context) plus ``context``."""
    return App(context={**CDK_CONTEXT, **context})


def new_stack(app: App | None = None, construct_id: str = "Test", **kwargs: Any) -> Stack:
    """A stack without the bootstrap-version rule (stable snapshots, deployable to moto)."""
    return Stack(app or new_app(), construct_id,
                 synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False), **kwargs)


def template_of(stack: Stack) -> Template:
    """The synthesized template of ``stack`` (assertions API)."""
    return Template.from_stack(stack)


def normalise(template: dict[str, Any]) -> dict[str, Any]:
    """Rewrite what changes without the construct's output changing: asset hashes, asset URIs and the
    bootstrap-version check (the package's own normalisation, shared with users' snapshot tests)."""
    return normalise_template(template)


def snapshot_of(stack: Stack) -> dict[str, Any]:
    """The normalised template of ``stack``, ready for ``snapshot_json``."""
    return normalise(template_of(stack).to_json())


def resources_of(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Logical id → resource of one type."""
    return {k: v for k, v in template.get("Resources", {}).items() if v["Type"] == resource_type}


@functools.cache
def _cfnlint() -> Any:
    import cfnlint.api

    return cfnlint.api


def cfn_lint_errors(template: dict[str, Any]) -> list[str]:
    """cfn-lint's errors (not warnings or informational findings) for ``template`` in us-east-1."""
    api = _cfnlint()
    matches = api.lint(json.dumps(template), config=api.ManualArgs(regions=["us-east-1"]))
    return [f"{m.rule.id} {m.message} ({'/'.join(str(p) for p in m.path)})"
            for m in matches if m.rule.id.startswith("E")]


def cfn_lint_warnings(template: dict[str, Any]) -> list[str]:
    """cfn-lint's warnings for ``template`` (reported, not failing)."""
    api = _cfnlint()
    matches = api.lint(json.dumps(template), config=api.ManualArgs(regions=["us-east-1"]))
    return [f"{m.rule.id} {m.message}" for m in matches if m.rule.id.startswith("W")]


def acknowledge_nag(scope: IConstruct, rule: str, reason: str) -> None:
    """A test's own cdk-nag acknowledgment, in the form the installed aws-cdk-lib and cdk-nag read
    (``Validations`` from aws-cdk-lib 2.252; cdk-nag 2's resource suppressions before)."""
    import aws_cdk

    if hasattr(aws_cdk, "Validations"):
        aws_cdk.Validations.of(scope).acknowledge(aws_cdk.Acknowledgment(id=rule, reason=reason))
    else:
        import cdk_nag

        cdk_nag.NagSuppressions.add_resource_suppressions(scope, [{"id": rule, "reason": reason}], True)


def nag_findings(scope: IConstruct, packs: Iterable[str] = ("AwsSolutions",)) -> list[str]:
    """Unacknowledged cdk-nag findings (v3 API) under ``scope``: ``rule at construct-path``."""
    import cdk_nag

    checks = {"AwsSolutions": cdk_nag.AwsSolutionsChecks, "NIST": cdk_nag.NIST80053R5Checks,
              "NIST4": cdk_nag.NIST80053R4Checks, "HIPAA": cdk_nag.HIPAASecurityChecks,
              "PCI": cdk_nag.PCIDSS321Checks, "Serverless": cdk_nag.ServerlessChecks}
    if not hasattr(cdk_nag.AwsSolutionsChecks(), "validate_scope"):
        return _nag2_findings(scope, [checks[pack] for pack in packs])
    found: list[str] = []
    for pack in packs:
        report = checks[pack]().validate_scope(scope)
        for violation in report.violations:
            for resource in violation.violating_resources:
                found.append(f"{violation.rule_name} at {resource.construct_path}")
    return sorted(found)


def infos_of(stack: Stack) -> list[str]:
    """Synth info annotations on ``stack`` and its children, as text."""
    from aws_cdk.assertions import Annotations, Match

    return [str(m.entry.data) for m in Annotations.from_stack(stack).find_info("*", Match.any_value())]


def _nag2_findings(scope: IConstruct, packs: list[Any]) -> list[str]:
    """cdk-nag 2: the packs run as aspects at synth and report unsuppressed findings as annotations."""
    from aws_cdk import Aspects, Stack
    from aws_cdk.assertions import Annotations, Match

    # A nested stack is no artifact of its own: its annotations are in its parent's.
    stacks = [c for c in scope.node.find_all() if isinstance(c, Stack) and not c.nested] or [Stack.of(scope)]
    for pack in packs:
        Aspects.of(scope).add(pack())
    found: list[str] = []
    for stack in stacks:
        annotations = Annotations.from_stack(stack)
        for level in (annotations.find_error, annotations.find_warning):
            for message in level("*", Match.string_like_regexp(
                    r"^(AwsSolutions|NIST\.800\.53\.R[45]|HIPAA\.Security|PCI\.DSS\.321|Serverless)-")):
                # "AwsSolutions-IAM5[Resource::*]: The IAM entity ..." at "/Stack/Path": as v3 names them
                rule = str(message.entry.data).split(": ", 1)[0]
                found.append(f"{rule} at {message.id.lstrip('/')}")
    return sorted(found)


def warnings_of(stack: Stack) -> list[str]:
    """Synth warnings (annotations) on ``stack`` and its children, as text."""
    from aws_cdk.assertions import Annotations, Match

    found = Annotations.from_stack(stack).find_warning("*", Match.any_value())
    return [str(m.entry.data) for m in found]
