"""The migration guard at synth time, and acknowledgments of intended unsafe changes.

When the app is given a baseline (``cdk synth -c cdk-sagemaker-inference:baseline=<cdk.out or
template.json>``), every endpoint construct registers :class:`MigrationGuardPlugin` on its app.
aws-cdk-lib runs policy-validation plugins after the templates are written, so the guard sees the
final templates; unsafe changes fail the synth with the guard's report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import (
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    IStableAnyProducer,
    Lazy,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
    Stack,
    Stage,
    Validations,
)
from constructs import Construct, IConstruct

from ._version import __version__
from .migration import METADATA_KEY, UnsafeChange, find_unsafe_changes, load_templates

BASELINE_CONTEXT = "cdk-sagemaker-inference:baseline"
"""Context key naming a previous cloud assembly directory or template file."""

_REGISTERED = "cdk-sagemaker-inference:guard-registered"


@jsii.implements(IPolicyValidationPlugin)
class MigrationGuardPlugin:
    """A policy-validation plugin comparing each synthesized template with its baseline."""

    def __init__(self, baseline: str | Path) -> None:
        self._baseline = Path(baseline)

    @property
    def name(self) -> str:
        """Shown in the validation report."""
        return "cdk-sagemaker-inference-migration-guard"

    @property
    def version(self) -> str:
        """This library's version."""
        return __version__

    @property
    def rule_ids(self) -> list[str]:
        """The unsafe changes it reports."""
        return [change.value for change in UnsafeChange]

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        """Compare every template of the app with the baseline's template of the same stack."""
        try:
            baseline = load_templates(self._baseline)
        except (OSError, ValueError) as error:
            return PolicyValidationPluginReport(success=False, violations=[PolicyViolation(
                rule_name="baseline-unreadable",
                description=f"The baseline given with -c {BASELINE_CONTEXT}={self._baseline} cannot be read: {error}",
                violating_resources=[],
                fix="point the context value at a previous cdk.out directory or a template file",
            )])
        violations: list[PolicyViolation] = []
        for template_path in context.template_paths:
            path = Path(template_path)
            stack = path.name.removesuffix(".json").removesuffix(".template")
            previous = baseline.get(stack)
            if previous is None and len(baseline) == 1 and self._baseline.is_file():
                previous = next(iter(baseline.values()))
            if previous is None:
                continue
            new = json.loads(path.read_text())
            for finding in find_unsafe_changes(previous, new, stack=stack):
                violations.append(PolicyViolation(
                    rule_name=finding.change.value,
                    description=(f"endpoint {finding.endpoint}: {finding.kind_before} -> "
                                 f"{finding.kind_after or 'removed'}: {finding.why} "
                                 f"(rule {finding.rule}; source: {finding.source})"),
                    fix=finding.way_out,
                    violating_resources=[PolicyViolatingResource(
                        resource_logical_id=finding.logical_id, template_path=str(path), locations=["Properties"],
                    )],
                ))
        return PolicyValidationPluginReport(success=not violations, violations=violations,
                                            plugin_version=__version__)


def register_guard(scope: IConstruct) -> None:
    """Register the guard on the scope's app once, when a baseline is given by context."""
    baseline = scope.node.try_get_context(BASELINE_CONTEXT)
    if not baseline:
        return
    stage = Stage.of(scope)
    if stage is None or stage.node.try_find_child(_REGISTERED) is not None:
        return
    if not Path(str(baseline)).exists():
        from .errors import ValidationError
        from .validation.checks import Checker

        check = Checker()
        check.fail("props.required", f"context {BASELINE_CONTEXT}", str(baseline),
                   "names no cloud assembly directory or template file",
                   "point it at a previous cdk.out directory or a .template.json file, or drop the context value")
        raise ValidationError(scope.node.path, "migration guard", check.problems)
    Construct(stage, _REGISTERED)
    Validations.of(stage).add_plugins(MigrationGuardPlugin(str(baseline)))


@jsii.implements(IStableAnyProducer)
class _AcknowledgmentProducer:
    def __init__(self, entries: list[dict[str, str]]) -> None:
        self.entries = entries

    def produce(self) -> Any:
        return {"acknowledged": list(self.entries)}


def acknowledge_unsafe_change(endpoint: IConstruct | str, change: UnsafeChange, *, reason: str,
                              scope: IConstruct | None = None) -> None:
    """Record in the stack's template that an unsafe change is intended (a replacement or deletion).

    :param endpoint: the endpoint construct, or the logical id of an endpoint that no longer exists.
    :param change: ``ENDPOINT_NAME_CHANGED``, ``ENDPOINT_REMOVED`` or ``AUTOSCALED_INSTANCE_TYPE``;
        the refusals of SageMaker itself (instance-based → serverless, async removed) cannot be
        acknowledged: they need a new endpoint.
    :param reason: why, kept in the template for reviewers.
    :param scope: a construct in the stack, required when ``endpoint`` is a logical id.
    """
    from .errors import ValidationError
    from .validation.checks import Checker

    check = Checker()
    if not isinstance(change, UnsafeChange) or not change.acknowledgeable:
        check.fail("props.type", "change", change, "cannot be acknowledged: SageMaker itself refuses it",
                   "define a new endpoint (new construct id and endpoint_name) instead")
    if not isinstance(reason, str) or not reason.strip():
        check.fail("props.required", "reason", reason, "is required", "say why the change is intended")
    if isinstance(endpoint, str) and scope is None:
        check.fail("props.required", "scope", None, "is required when endpoint is a logical id",
                   "pass scope=<any construct in the stack>")
    owner: IConstruct = scope if scope is not None else endpoint  # type: ignore[assignment]
    if check.problems:
        path = owner.node.path if hasattr(owner, "node") else str(endpoint)
        raise ValidationError(path, "acknowledge_unsafe_change", check.problems)
    stack = Stack.of(owner)
    if isinstance(endpoint, str):
        logical_id = endpoint
    else:
        resource = getattr(endpoint, "resource", endpoint)
        logical_id = str(stack.resolve(stack.get_logical_id(resource)))  # type: ignore[arg-type]
    producer = _producer_of(stack)
    producer.entries.append({"endpoint": logical_id, "change": change.value, "reason": reason})


class _Acknowledgments(Construct):
    """One per stack: holds the acknowledgments rendered into the template's Metadata."""

    ID = "cdk-sagemaker-inference.Acknowledgments"

    def __init__(self, stack: Stack) -> None:
        super().__init__(stack, self.ID)
        self.producer = _AcknowledgmentProducer([])
        stack.add_metadata(METADATA_KEY, Lazy.any(self.producer))


def _producer_of(stack: Stack) -> _AcknowledgmentProducer:
    found = stack.node.try_find_child(_Acknowledgments.ID)
    holder = found if isinstance(found, _Acknowledgments) else _Acknowledgments(stack)
    return holder.producer


def baseline_templates(path: str | Path) -> Mapping[str, Mapping[str, Any]]:
    """The baseline's templates (re-exported for tools)."""
    return load_templates(path)
