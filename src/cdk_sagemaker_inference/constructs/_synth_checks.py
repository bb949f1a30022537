"""Checks a token skipped when its construct was created, made again at synth with the token's value.

A token is skipped by the checks because its value is unknown when the construct is created. Most stay
unknown until deploy time (a parameter, a resource attribute: they resolve to ``Ref`` / ``Fn::GetAtt``), but
``Lazy.number(...)`` / ``Lazy.string(...)`` and tokens made of them resolve to a literal when the app is
synthesized, and that literal goes into the template unchecked. A construct whose creation skipped such
checks (:func:`~cdk_sagemaker_inference.validation.checks.deferring`) gets one validation (``node.add_validation``):
at synth it resolves each skipped value and, where it is now a literal, runs the same check; a broken rule
fails the synth with the construct path, the field and the message the construct would have raised.
Constructs given no token pay nothing. The checks of one value are recorded (``Checker.number``, ``positive``,
``one_of``, ``text`` and the props' number types), and so is every call of a validator
(:func:`~cdk_sagemaker_inference.validation.checks.revalidated`) that got a token, for its rules between two
values, which skip a token without recording it: the validator is called again with the resolved values.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import jsii
from aws_cdk import Stack
from constructs import IConstruct, IValidation

from ..constraints import Severity, constraint
from ..tokens import is_unresolved
from ..validation.checks import Deferred, DeferredValidation, holds_token
from ._memo import node_of, stack_of


def check_at_synth(construct: IConstruct, deferred: Sequence[Deferred]) -> None:
    """Run ``deferred`` again at synth for ``construct`` (nothing when there is none)."""
    if deferred:
        node_of(construct).add_validation(_SynthChecks(construct, list(deferred)))


def _literal(value: Any) -> bool:
    """A value the template holds as it is (not an intrinsic function, not still a token)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return math.isfinite(value) and not is_unresolved(value)
    return isinstance(value, str) and not is_unresolved(value)


def _resolved(stack: Stack, value: Any, depth: int = 0) -> Any:
    """``value`` with every token that resolves to a literal replaced by it (plain values, lists, tuples, dicts and
    dataclasses of them; anything else as it is)."""
    if depth > 6:
        return value
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        if not is_unresolved(value):
            return value
        try:
            now = stack.resolve(value)
        except RuntimeError:
            return value
        return now if _literal(now) else value
    if isinstance(value, (list, tuple)):
        return type(value)(_resolved(stack, item, depth + 1) for item in value)
    if isinstance(value, dict):
        return {key: _resolved(stack, item, depth + 1) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and holds_token(value):
        try:
            return dataclasses.replace(value, **{f.name: _resolved(stack, getattr(value, f.name), depth + 1)
                                                 for f in dataclasses.fields(value) if f.init})
        except (TypeError, ValueError):
            return value
    return value


@jsii.implements(IValidation)
class _SynthChecks:
    def __init__(self, construct: IConstruct, deferred: list[Deferred]) -> None:
        self._construct, self._deferred = construct, deferred

    def validate(self) -> list[str]:
        stack = stack_of(self._construct)
        found: list[tuple[str, str]] = []
        # The recorded checks of one value first: their note names the field and the value.
        for check in sorted(self._deferred, key=lambda c: isinstance(c, DeferredValidation)):
            if isinstance(check, DeferredValidation):
                # The validator again, with the tokens known now: what it finds now and did not when the construct
                # was created comes from a token's value. Only refusals fail the synth: a validator also returns
                # advice (a warning row), which the construct notes (found by the fuzz profile: an empty output
                # prefix, a warning, failed the synth once another prop was a token). The problems of one value are
                # the same text as the recorded checks' and are listed once below.
                problems = check.function(*_resolved(stack, check.args), **_resolved(stack, check.kwargs))
                found += [(problem.render(), "a token given resolves to a literal at synth") for problem in problems
                          if problem.render() not in check.initial
                          and constraint(problem.constraint_id).severity is Severity.ERROR]
                continue
            try:
                value = stack.resolve(check.value)
            except RuntimeError:  # a value only another stage or stack can resolve: aws-cdk-lib says so itself
                continue
            if not _literal(value):
                continue  # known only at deploy time
            checker = check.kind()
            getattr(checker, check.method)(check.constraint_id, check.field, value, **check.options)
            found += [(problem.render(), f"the token given for {check.field} resolves to {value!r} at synth")
                      for problem in checker.problems if constraint(problem.constraint_id).severity is Severity.ERROR]
        # One line per problem (the recorded check's note first); aws-cdk-lib prefixes each with the construct's path.
        noted: dict[str, str] = {}
        for text, note in found:
            noted.setdefault(text, note)
        return [f"{text}\n     ({note})" for text, note in noted.items()]

