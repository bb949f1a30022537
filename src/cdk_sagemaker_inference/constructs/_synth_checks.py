"""Checks a token skipped when its construct was created, made again at synth with the token's value.

A token is skipped by the checks because its value is unknown when the construct is created. Most stay
unknown until deploy time (a parameter, a resource attribute: they resolve to ``Ref`` / ``Fn::GetAtt``), but
``Lazy.number(...)`` / ``Lazy.string(...)`` and tokens made of them resolve to a literal when the app is
synthesized, and that literal goes into the template unchecked. A construct whose creation skipped such
checks (:func:`~cdk_sagemaker_inference.validation.checks.deferring`) gets one validation (``node.add_validation``):
at synth it resolves each skipped value and, where it is now a literal, runs the same check; a broken rule
fails the synth with the construct path, the field and the message the construct would have raised.
Constructs given no token pay nothing. Only the checks of one value are recorded (``Checker.number``,
``positive``, ``one_of``, ``text`` and the props' number types); a rule between two props skips a token without
recording it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import jsii
from constructs import IConstruct, IValidation

from ..tokens import is_unresolved
from ..validation.checks import DeferredCheck
from ._memo import node_of, stack_of


def check_at_synth(construct: IConstruct, deferred: Sequence[DeferredCheck]) -> None:
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


@jsii.implements(IValidation)
class _SynthChecks:
    def __init__(self, construct: IConstruct, deferred: list[DeferredCheck]) -> None:
        self._construct, self._deferred = construct, deferred

    def validate(self) -> list[str]:
        stack = stack_of(self._construct)
        failures: list[str] = []
        for check in self._deferred:
            try:
                value = stack.resolve(check.value)
            except RuntimeError:  # a value only another stage or stack can resolve: aws-cdk-lib says so itself
                continue
            if not _literal(value):
                continue  # known only at deploy time
            checker = check.kind()
            getattr(checker, check.method)(check.constraint_id, check.field, value, **check.options)
            # aws-cdk-lib prefixes each failure with the construct's path.
            failures += [f"{problem.render()}\n     (the token given for {check.field} resolves to {value!r} at synth)"
                         for problem in checker.problems]
        return failures
