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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..assembly import AssemblyError, StackKey, StackTemplate
from .findings import Finding, compare_pairs


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


def compare_stacks(previous: Sequence[StackTemplate], new: Sequence[StackTemplate], *,
                   unchecked: Sequence[tuple[str, str]] = (), include_acknowledged: bool = False) -> Comparison:
    """Compare every stack of ``new`` (nested ones too) with the matching stack of ``previous``.

    Every previous stack counts for the endpoint names of its account and Region: one that no new stack
    matches is deleted with its top-level stack's update (a nested stack that left its parent, at any
    depth), or else kept as it is (see the module's docstring), its names still taken.
    """
    result = Comparison(unchecked=list(unchecked))
    unchecked_names = {name for name, _ in unchecked}
    previous_all = [s for top in previous for s in top.walk()]
    groups: dict[tuple[str | None, str | None], list[tuple[str, Mapping[str, Any] | None, Mapping[str, Any] | None]]]
    groups = defaultdict(list)
    kept: dict[tuple[str | None, str | None], list[tuple[str, Mapping[str, Any]]]] = defaultdict(list)
    matched: set[int] = set()
    for top in new:
        if top.display_name in unchecked_names:
            continue
        for stack in top.walk():
            old = next((p for p in previous_all if p.key.matches(stack.key)), None)
            if old is None:
                result.first_deploy.append(stack.display_name)
                groups[_environment(stack.key)].append((stack.display_name, None, stack.template))
                continue
            matched.add(id(old))
            result.compared.append(stack.display_name)
            groups[_environment(stack.key)].append((stack.display_name, old.template, stack.template))
    for top in previous:
        for old in top.walk():
            if id(old) in matched:
                continue
            if id(top) in matched:
                # Its top-level stack is updated and no longer holds it: it leaves with the update of the
                # deepest stack still in the app, and its endpoints are deleted.
                groups[_environment(old.key)].append((old.display_name, old.template, None))
            else:  # not deployed by this deploy: it stays, and so do its endpoints' names
                result.kept.append(_kept_name(old))
                kept[_environment(old.key)].append((_kept_name(old), old.template))
    for environment in [*groups, *(e for e in kept if e not in groups)]:
        result.findings += compare_pairs(groups.get(environment, []), kept=kept.get(environment, ()),
                                         include_acknowledged=include_acknowledged)
    return result


def _kept_name(stack: StackTemplate) -> str:
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
