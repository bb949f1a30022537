"""The package's one error type, and the problem records it carries.

Validation collects every problem of one construct, then raises once
(:class:`ValidationError`), so a user fixes all of them in one go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One broken rule: which field, the value given, what is allowed, how to fix it.

    ``constraint_id`` points at the row of :data:`cdk_sagemaker_inference.constraints.CONSTRAINTS`
    that the problem breaks; ``source`` is that row's source (API model, CloudFormation schema or
    developer guide page).
    """

    constraint_id: str
    field: str
    value: Any
    message: str
    allowed: str
    fix: str
    source: str

    def render(self) -> str:
        """One human-readable line (plus continuation lines) for an error or warning."""
        return (
            f"{self.field} = {_show(self.value)}: {self.message}\n"
            f"     allowed: {self.allowed}\n"
            f"     fix: {self.fix}\n"
            f"     rule {self.constraint_id} (source: {self.source})"
        )


def problems_of(*groups: list[Problem]) -> list[Problem]:
    """Concatenate problem lists, keeping order."""
    return [p for group in groups for p in group]


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


class ValidationError(ValueError):
    """A construct was given settings that SageMaker (or CloudFormation) would refuse.

    Raised when the construct is created (or at synth for app-wide rules), never after a
    deploy. ``problems`` lists every broken rule of the construct, ``path`` is the construct
    path (``Stack/Endpoint``; empty for a factory such as ``ModelData.from_bucket``, which has
    no construct yet: ``construct_type`` names it).
    """

    def __init__(self, path: str, construct_type: str, problems: Sequence[Problem]) -> None:
        self.path = path
        self.construct_type = construct_type
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        where = f" at '{path}'" if path else ""
        header = f"{construct_type}{where} has {count} invalid setting{'s' if count != 1 else ''}:"
        lines = [header]
        for number, problem in enumerate(self.problems, start=1):
            lines.append(f"  {number}. {problem.render()}")
        super().__init__("\n".join(lines))

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields named by the problems, in order."""
        return tuple(p.field for p in self.problems)
