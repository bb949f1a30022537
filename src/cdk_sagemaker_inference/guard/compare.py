"""Match the stacks of two readings (a baseline or the deployed stacks, and the new assembly) and compare.

Stacks are matched by :class:`~cdk_sagemaker_inference.assembly.StackKey` (stack name, account,
Region and, for nested stacks, the logical ids from the top-level stack), never by file name, so
custom ``stack_name``\\ s, stages and nested stacks are all compared. The stacks of one account and
Region are compared together, so an endpoint name that moves between them is caught.
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
                "stacks_unchecked": [{"stack": s, "reason": r} for s, r in self.unchecked],
                "findings": [f.to_json() for f in self.findings],
                "unsafe": [f.to_json() for f in self.findings if f.fails],
                "exit_code": self.exit_code()}


def compare_stacks(previous: Sequence[StackTemplate], new: Sequence[StackTemplate], *,
                   unchecked: Sequence[tuple[str, str]] = (), include_acknowledged: bool = False) -> Comparison:
    """Compare every stack of ``new`` (nested ones too) with the matching stack of ``previous``."""
    result = Comparison(unchecked=list(unchecked))
    unchecked_names = {name for name, _ in unchecked}
    previous_all = [s for top in previous for s in top.walk()]
    groups: dict[tuple[str | None, str | None], list[tuple[str, Mapping[str, Any] | None, Mapping[str, Any] | None]]]
    groups = defaultdict(list)
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
    # A nested stack that left its parent is deleted with the parent's update: its endpoints too.
    compared_parents = {p.key for top in previous for p in top.walk() if id(p) in matched}
    for old in previous_all:
        parent = StackKey(old.key.stack_name, old.key.account, old.key.region, old.key.nested[:-1])
        if old.key.nested and id(old) not in matched and parent in compared_parents:
            groups[_environment(old.key)].append((old.display_name, old.template, None))
    for pairs in groups.values():
        result.findings += compare_pairs(pairs, include_acknowledged=include_acknowledged)
    return result


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
