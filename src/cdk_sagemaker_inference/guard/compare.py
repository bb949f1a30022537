"""Match the stacks of two readings (a baseline or the deployed stacks, and the new assembly) and compare.

Stacks are matched by :class:`~cdk_sagemaker_inference.assembly.StackKey` (stack name, account,
Region and, for nested stacks, the logical ids from the top-level stack), never by file name, so
custom ``stack_name``\\ s, stages and nested stacks are all compared. The stacks of one account and
Region are compared together, so an endpoint name that moves between them is caught.

What the deploy does to a previous stack that no new stack matches decides whether its endpoint names
stay taken: a nested stack whose top-level stack is still in the app leaves with its parent's update
(at any depth), so its endpoints are deleted (``endpoint-removed``); a top-level stack that is not in
the new assembly (renamed, a new ``stack_name``, removed from the app) or not selected (``--stack``),
and its nested stacks, are *kept*: ``cdk deploy`` neither updates nor deletes them, so every endpoint
name they hold stays taken and an endpoint created under one of them is ``endpoint-name-reused``.
:func:`match_stacks` is that one rule; ``cost --baseline`` and the guard's ``cost:`` lines use it too (a
kept stack's endpoints keep billing).

A nested stack that leaves takes its template, so the acknowledgments of its endpoints' deletion are
read from its nearest ancestor still in the app and from its top-level stack. A model of a parent stack
that a nested stack's endpoint config names through a parameter of the nested stack resource is compared
as that model (:func:`resolved_templates`), as a model of the config's own template is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..assembly import AssemblyError, StackKey, StackTemplate
from .findings import Finding, compare_pairs, cross_environment_names, models_passed, with_passed_models


@dataclass
class Comparison:
    """What was compared, what could not be, and the findings."""

    findings: list[Finding] = field(default_factory=list)
    compared: list[str] = field(default_factory=list)
    """Stacks compared with their previous template (display names)."""
    first_deploy: list[str] = field(default_factory=list)
    """Stacks with no previous template: nothing to compare (a first deploy)."""
    kept: list[str] = field(default_factory=list)
    """Previous stacks this deploy leaves as they are (not in the new assembly, or not selected): not
    compared, but the endpoint names they hold stay taken (display names, with the stack name where it
    differs)."""
    unchecked: list[tuple[str, str]] = field(default_factory=list)
    """(stack, reason) of stacks that could not be compared: the check is incomplete."""

    @property
    def failing(self) -> list[Finding]:
        """The findings that fail the check."""
        return [f for f in self.findings if f.fails]

    def exit_code(self) -> int:
        """1 when a finding fails, else 2 when something could not be checked, else 0."""
        if self.failing:
            return 1
        return 2 if self.unchecked else 0

    def to_json(self) -> dict[str, Any]:
        """The JSON report (``--json``)."""
        return {"stacks_compared": self.compared, "stacks_new": self.first_deploy,
                "stacks_kept": self.kept,
                "stacks_unchecked": [{"stack": s, "reason": r} for s, r in self.unchecked],
                "findings": [f.to_json() for f in self.findings],
                "unsafe": [f.to_json() for f in self.findings if f.fails],
                "exit_code": self.exit_code()}


@dataclass
class StackMatch:
    """How the stacks of a previous reading and a new assembly pair up, and what the deploy does to the
    previous stacks that no new stack matches (see the module's docstring). The guard compares by it, and
    ``cost --baseline`` and the guard's ``cost:`` lines count by it, so both always agree."""

    pairs: list[tuple[StackTemplate | None, StackTemplate]] = field(default_factory=list)
    """(previous or None for a first deploy, new) for every stack of the new assembly, nested ones too."""
    leaving: list[StackTemplate] = field(default_factory=list)
    """Previous stacks deleted with the update of their top-level stack (a nested stack that left it)."""
    kept: list[StackTemplate] = field(default_factory=list)
    """Previous stacks the deploy leaves as they are: their endpoints stay, names and bills."""
    unknown: list[StackTemplate] = field(default_factory=list)
    """Previous nested stacks whose new counterpart could not be read (``StackTemplate.unreadable``): what
    the deploy does to them is not known."""
    surviving: dict[int, list[StackTemplate]] = field(default_factory=dict)
    """id() of a leaving stack -> the new stacks that record acknowledgments for it: its nearest ancestor
    still in the app, then its top-level stack."""


def match_stacks(previous: Sequence[StackTemplate], new: Sequence[StackTemplate]) -> StackMatch:
    """Pair every stack of ``new`` (nested ones too) with the previous stack of the same
    :class:`~cdk_sagemaker_inference.assembly.StackKey`, and sort the previous stacks left over into those
    that leave with their top-level stack's update (at any depth) and those the deploy keeps."""
    match = StackMatch()
    previous_all = [s for top in previous for s in top.walk()]
    matched: dict[int, StackTemplate] = {}  # id() of a previous stack -> the new top-level stack of its match
    for top in new:
        for stack in top.walk():
            old = next((p for p in previous_all if p.key.matches(stack.key)), None)
            if old is not None:
                matched[id(old)] = top
            match.pairs.append((old, stack))
    for top in previous:
        counterpart = matched.get(id(top))
        for old in top.walk():
            if id(old) in matched:
                continue
            if counterpart is None:  # not deployed by this deploy: it stays, and so do its endpoints
                match.kept.append(old)
                continue
            # Its top-level stack is updated and no longer holds it: it leaves with the update of the
            # deepest stack still in the app (its nearest ancestor there), and its endpoints are deleted.
            in_new = {s.key.nested: s for s in counterpart.walk()}
            ancestors = [in_new[old.key.nested[:depth]] for depth in range(len(old.key.nested) - 1, -1, -1)
                         if old.key.nested[:depth] in in_new]
            if any(old.key.nested[len(a.key.nested)] in a.unreadable for a in ancestors[:1]):
                match.unknown.append(old)  # it may still be there: its new template could not be read
                continue
            match.leaving.append(old)
            match.surviving[id(old)] = [ancestors[0]] + ([ancestors[-1]] if len(ancestors) > 1 else [])
    return match


def compare_stacks(previous: Sequence[StackTemplate], new: Sequence[StackTemplate], *,
                   unchecked: Sequence[tuple[str, str]] = (), include_acknowledged: bool = False) -> Comparison:
    """Compare every stack of ``new`` (nested ones too) with the matching stack of ``previous``.

    Every previous stack counts for the endpoint names of its account and Region: one that no new stack
    matches is deleted with its top-level stack's update (a nested stack that left its parent, at any
    depth), or else kept as it is (see the module's docstring), its names still taken. A deleted nested
    stack's endpoints are acknowledged in its nearest ancestor still in the app or in its top-level stack
    (its own template is gone). A nested stack's endpoint config that names a model of its parent, passed
    as a parameter of the nested stack resource, is compared with that model (see :func:`resolved_templates`).
    """
    result = Comparison(unchecked=list(unchecked))
    unchecked_names = {name for name, _ in unchecked}
    match = match_stacks(previous, [top for top in new if top.display_name not in unchecked_names])
    before, after = resolved_templates(previous), resolved_templates(new)
    groups: dict[tuple[str | None, str | None], list[tuple[str, Mapping[str, Any] | None, Mapping[str, Any] | None]]]
    groups = defaultdict(list)
    kept: dict[tuple[str | None, str | None], list[tuple[str, Mapping[str, Any]]]] = defaultdict(list)
    acknowledged_in: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for old, stack in match.pairs:
        if old is None:
            result.first_deploy.append(stack.display_name)
        else:
            result.compared.append(stack.display_name)
        groups[_environment(stack.key)].append(
            (stack.display_name, None if old is None else before[id(old)], after[id(stack)]))
    for old in match.leaving:
        groups[_environment(old.key)].append((old.display_name, before[id(old)], None))
        acknowledged_in[old.display_name] = [(s.display_name, s.template) for s in match.surviving[id(old)]]
    for old in match.kept:
        result.kept.append(kept_name(old))
        kept[_environment(old.key)].append((kept_name(old), before[id(old)]))
    for old in match.unknown:  # its new template could not be read: its endpoint names may still be taken
        kept[_environment(old.key)].append((old.display_name, before[id(old)]))
    for environment in [*groups, *(e for e in kept if e not in groups)]:
        result.findings += compare_pairs(groups.get(environment, []), kept=kept.get(environment, ()),
                                         include_acknowledged=include_acknowledged, acknowledged_in=acknowledged_in)
    result.findings += cross_environment_names(groups, kept)
    return result


def resolved_templates(stacks: Sequence[StackTemplate]) -> dict[int, Mapping[str, Any]]:
    """id() of every stack (nested ones too) -> its template as the guard compares it: in a nested stack,
    each parameter that the parent's ``AWS::CloudFormation::Stack`` resource passes from a model of the
    parent (``Fn::GetAtt``/``Ref``, or a parameter the parent was itself passed one with, at any depth) is
    read as that model. Every model property is create-only, so new model data replaces the model under a
    new name, the nested stack's parameter changes, and the endpoint config that names it is replaced, though
    the nested template reads the same."""
    found: dict[int, Mapping[str, Any]] = {}

    def visit(stack: StackTemplate, passed: Mapping[str, Any]) -> None:
        found[id(stack)] = with_passed_models(stack.template, passed) if passed else stack.template
        for child in stack.nested:
            visit(child, models_passed(stack.template, child.key.nested[-1], passed))

    for top in stacks:
        visit(top, {})
    return found


def kept_name(stack: StackTemplate) -> str:
    """A kept stack as messages name it: its construct path, and its stack name where that differs (a
    stack renamed with ``stack_name`` keeps its construct path)."""
    if stack.key.nested or stack.display_name == stack.key.stack_name:
        return stack.display_name
    return f"{stack.display_name} (deployed as {stack.key.stack_name})"


def compare_with_template(previous: Mapping[str, Any], new: Sequence[StackTemplate], *,
                          include_acknowledged: bool = False) -> Comparison:
    """A single-template baseline: compared only with an app of exactly one stack (else it is ambiguous)."""
    stacks = [s for top in new for s in top.walk()]
    if len(stacks) != 1:
        raise AssemblyError(
            f"a single template file is ambiguous for an app of {len(stacks)} stacks "
            f"({', '.join(s.display_name for s in stacks)}): pass a cloud assembly directory as the baseline"
            + ("" if any(s.nested for s in new) else ", or select one stack with --stack")
            + (" (a stack with nested stacks has a template per nested stack: only a cloud assembly holds them "
               "all)" if any(s.nested for s in new) else ""))
    (stack,) = stacks
    old = StackTemplate(key=stack.key, display_name=stack.display_name, template=previous)
    return compare_stacks([old], new, include_acknowledged=include_acknowledged)


def _environment(key: StackKey) -> tuple[str | None, str | None]:
    return key.account, key.region
