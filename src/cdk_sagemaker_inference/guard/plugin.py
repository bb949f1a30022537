"""The migration guard at synth time, and acknowledgments of intended unsafe changes.

When the app is given a baseline (``cdk synth -c cdk-sagemaker-inference:baseline=<cdk.out or
template.json>``), every endpoint construct registers :class:`MigrationGuardPlugin` on its app.
aws-cdk-lib runs policy-validation plugins after the templates are written, so the guard sees the
final templates; unsafe changes fail the synth with the guard's report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsii
from aws_cdk import (
    IStableAnyProducer,
    Lazy,
    Stack,
    Stage,
)
from constructs import Construct, IConstruct

from .._compat import (
    FAILING_PLUGINS_FAIL_SYNTH_SINCE,
    PLUGIN_INTERFACE,
    PLUGIN_REPORT,
    VIOLATING_RESOURCE,
    VIOLATION,
    add_plugin,
    failing_plugins_fail_synth,
    upgrade_message,
)
from .._keys import BASELINE_CONTEXT as BASELINE_CONTEXT
from .._keys import METADATA_KEY
from .._version import __version__
from ..assembly import AssemblyError, is_within, read_assembly, read_baseline
from .findings import UnsafeChange, Verdict

_REGISTERED = "cdk-sagemaker-inference:guard-registered"


@jsii.implements(PLUGIN_INTERFACE)
class MigrationGuardPlugin:
    """A policy-validation plugin comparing each synthesized template with its baseline.

    The templates are read with the assembly reader the ``guard`` command uses (stacks matched by
    stack name, account, Region and nested logical ids), so custom stack names, stages and nested
    stacks are compared. SageMaker's own refusals are reported as ``fatal`` violations, which
    aws-cdk-lib's ``Validations.acknowledge`` cannot suppress; acknowledge an intended replacement
    or deletion with :func:`acknowledge_unsafe_change` instead.
    """

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
        """The changes it reports."""
        return [change.value for change in UnsafeChange]

    def validate(self, context: Any) -> Any:
        """Compare every stack of the synthesized assembly with the baseline's stack of the same key."""
        # Imported here: only an app with a baseline compares (the constructs import this module).
        from .compare import compare_stacks, compare_with_template

        paths = {str(Path(p).resolve()) for p in context.template_paths}
        try:
            new = [s for s in read_assembly(_assembly_root(context.template_paths))
                   if any(str(Path(t.template_path or "").resolve()) in paths for t in s.walk())]
            baseline = read_baseline(self._baseline)
            comparison = (compare_stacks(baseline, new) if isinstance(baseline, list)
                          else compare_with_template(baseline, new))
        except AssemblyError as error:
            return PLUGIN_REPORT(success=False, violations=[VIOLATION(
                rule_name="baseline-not-comparable",
                description=f"The baseline given with -c {BASELINE_CONTEXT}={self._baseline} cannot be compared: "
                            f"{error}",
                violating_resources=[], severity="fatal",
                fix="point the context value at a previous cdk.out directory (or, for an app of one stack, its "
                    "template file)",
            )])
        by_name = {s.display_name: s for top in new for s in top.walk()}
        violations: list[Any] = []
        for finding in comparison.findings:
            stack = by_name.get(finding.stack)
            violations.append(VIOLATION(
                rule_name=finding.change.value,
                description=(f"endpoint {finding.stack}/{finding.endpoint}: {finding.kind_before} -> "
                             f"{finding.kind_after or 'removed'}: {finding.why} "
                             f"(rule {finding.rule}; source: {finding.source})"),
                fix=finding.way_out,
                severity=_SEVERITY[finding.verdict],
                violating_resources=[VIOLATING_RESOURCE(
                    resource_logical_id=finding.logical_id,
                    template_path=str(stack.template_path if stack and stack.template_path else ""),
                    locations=["Properties"],
                )],
            ))
        return PLUGIN_REPORT(success=not comparison.failing, violations=violations,
                                            plugin_version=__version__)


_SEVERITY = {Verdict.REFUSED: "fatal", Verdict.UNSAFE: "error", Verdict.UNVERIFIED: "warning"}


def _assembly_root(template_paths: list[str]) -> Path:
    """The cloud assembly directory holding the templates (a stage's assembly sits inside its parent's)."""
    directory = Path(template_paths[0]).resolve().parent if template_paths else Path(".")
    while (directory.parent / "manifest.json").is_file():
        directory = directory.parent
    return directory


def register_guard(scope: IConstruct) -> None:
    """Register the guard on the scope's app once, when a baseline is given by context."""
    baseline = scope.node.try_get_context(BASELINE_CONTEXT)
    if not baseline:
        return
    stage = Stage.of(scope)
    if stage is None or stage.node.try_find_child(_REGISTERED) is not None:
        return
    if not Path(str(baseline)).exists():
        from ..errors import ValidationError
        from ..validation.checks import Checker

        check = Checker()
        check.fail("props.required", f"context {BASELINE_CONTEXT}", str(baseline),
                   "names no cloud assembly directory or template file",
                   "point it at a previous cdk.out directory or a .template.json file, or drop the context value")
        raise ValidationError(scope.node.path, "migration guard", check.problems)
    root = scope.node.root
    outdir = Path(root.outdir).resolve() if isinstance(root, Stage) else None
    if outdir is not None and is_within(str(baseline), outdir):
        # The app writes its templates there before the guard reads the baseline: it would compare the
        # new templates with themselves and answer "safe" (found by review).
        from ..errors import ValidationError
        from ..validation.checks import Checker

        check = Checker()
        check.fail("props.required", f"context {BASELINE_CONTEXT}", str(baseline),
                   f"is this synth's own output directory ({outdir}): the new templates overwrite the baseline "
                   "before the guard reads it, so nothing would be compared",
                   "copy the previous assembly elsewhere first (cp -r cdk.out cdk.out.baseline, then -c "
                   f"{BASELINE_CONTEXT}=cdk.out.baseline), or synth into another directory (cdk synth -o cdk.new)")
        raise ValidationError(scope.node.path, "migration guard", check.problems)
    if not failing_plugins_fail_synth():
        # A guard that reports but does not stop the deploy would be a silent "safe": refuse the request.
        from ..errors import ValidationError
        from ..validation.checks import Checker

        check = Checker()
        check.fail("props.required", f"context {BASELINE_CONTEXT}", str(baseline),
                   upgrade_message("The synth-time migration guard", FAILING_PLUGINS_FAIL_SYNTH_SINCE),
                   "upgrade aws-cdk-lib, or drop the context value and run `cdk-sagemaker-inference guard "
                   "--baseline <previous cdk.out>` after `cdk synth` (the same check, as a command)")
        raise ValidationError(scope.node.path, "migration guard", check.problems)
    Construct(stage, _REGISTERED)
    add_plugin(stage, MigrationGuardPlugin(str(baseline)))


@jsii.implements(IStableAnyProducer)
class _AcknowledgmentProducer:
    def __init__(self, entries: list[dict[str, str]]) -> None:
        self.entries = entries

    def produce(self) -> Any:
        return {"acknowledged": list(self.entries)}


def acknowledge_unsafe_change(endpoint: IConstruct | str, change: UnsafeChange, *, reason: str,
                              previous_name: str | None = None, endpoint_name: str | None = None,
                              scope: IConstruct | None = None) -> None:
    """Record in the stack's template that an unsafe change is intended (a replacement or deletion).

    The acknowledgment holds for the names it is given for only, so one left in code after a cutover
    does not let the next rename or deletion pass.

    :param endpoint: the endpoint construct, or the logical id of an endpoint that no longer exists.
        No default.
    :param change: ``ENDPOINT_NAME_CHANGED`` or ``ENDPOINT_REMOVED``. The refusals of SageMaker itself
        (instance-based → serverless, async removed, an autoscaled variant's instance type, a name
        reused by a new endpoint) cannot be acknowledged: they need a new endpoint. No default.
    :param reason: why, kept in the template for reviewers. No default.
    :param previous_name: ``ENDPOINT_NAME_CHANGED``: the name being replaced (required for it).
        Default: none.
    :param endpoint_name: ``ENDPOINT_REMOVED`` of a logical id: the removed endpoint's fixed name, if it
        had one. Default: the construct's ``endpoint_name`` (the new name, for a name change).
    :param scope: a construct in the stack, required when ``endpoint`` is a logical id. Default: none.
    """
    from ..errors import ValidationError
    from ..validation.checks import Checker

    check = Checker()
    if not isinstance(change, UnsafeChange) or not change.acknowledgeable:
        check.fail("props.type", "change", change, "cannot be acknowledged: SageMaker itself refuses it",
                   "define a new endpoint (new construct id and endpoint_name) instead")
    if not isinstance(reason, str) or not reason.strip():
        check.fail("props.required", "reason", reason, "is required", "say why the change is intended")
    if isinstance(endpoint, str) and scope is None:
        check.fail("props.required", "scope", None, "is required when endpoint is a logical id",
                   "pass scope=<any construct in the stack>")
    if change is UnsafeChange.ENDPOINT_NAME_CHANGED and not isinstance(previous_name, str):
        check.fail("props.required", "previous_name", previous_name,
                   "is required for ENDPOINT_NAME_CHANGED: the acknowledgment holds for that name only",
                   "pass previous_name='<the name deployed today>'")
    for field, value in (("previous_name", previous_name), ("endpoint_name", endpoint_name)):
        if value is not None and not isinstance(value, str):
            check.fail("props.type", field, value, f"must be str, got {type(value).__name__}", "pass the name")
    owner: IConstruct = scope if scope is not None else endpoint  # type: ignore[assignment]
    if check.problems:
        path = owner.node.path if hasattr(owner, "node") else str(endpoint)
        raise ValidationError(path, "acknowledge_unsafe_change", check.problems)
    stack = Stack.of(owner)
    if isinstance(endpoint, str):
        logical_id = endpoint
        name = endpoint_name
    else:
        resource = getattr(endpoint, "resource", endpoint)
        logical_id = str(stack.resolve(stack.get_logical_id(resource)))  # type: ignore[arg-type]
        given = getattr(resource, "endpoint_name", None)
        name = endpoint_name if endpoint_name is not None else given if isinstance(given, str) else None
    entry = {"endpoint": logical_id, "change": change.value, "reason": reason}
    if previous_name is not None:
        entry["previous_name"] = previous_name
    if name is not None:
        entry["endpoint_name"] = name
    _producer_of(stack).entries.append(entry)


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


