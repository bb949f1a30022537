"""Answers that cost a jsii round trip and never change, asked once.

Every property read and method call on an aws-cdk-lib object crosses from Python into the node
process of the jsii kernel and back. ``benchmarks/synth_bench.py --profile <kind>`` counts these
round trips per call site: repeated ``Stack.of()``, ``Validations.of()``, ``node`` reads and
ARNs that are the same for every construct of a stack were a third of an endpoint's round trips.
The values memoised here cannot change once known:

* the stack of a construct (a construct never moves; one created in a scope has that scope's
  stack unless it is a stack itself, so :func:`adopt` links a new construct to its scope);
* values computed from a stack alone (``format_arn`` results, regional facts, account and
  Region) for that stack;
* ``Validations.of(scope)`` for a scope.

Entries are keyed by the construct object (jsii keeps one Python proxy per node object, so object
identity is construct identity) in a ``WeakKeyDictionary``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from aws_cdk import Stack, Validations
from constructs import IConstruct

T = TypeVar("T")

_MEMO: weakref.WeakKeyDictionary[Any, dict[Hashable, Any]] = weakref.WeakKeyDictionary()
_STACK = "stack"
_PARENT = "parent"


def _entries(owner: Any) -> dict[Hashable, Any]:
    entries = _MEMO.get(owner)
    if entries is None:
        entries = _MEMO[owner] = {}
    return entries


def memo(owner: Any, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``owner`` and ``key``; later calls return the first answer."""
    entries = _entries(owner)
    if key not in entries:
        entries[key] = compute()
    value: T = entries[key]
    return value


def adopt(child: IConstruct, scope: IConstruct) -> None:
    """Record that ``child`` (not a stack) was just created in ``scope``: it has ``scope``'s stack."""
    _entries(child)[_PARENT] = scope


def stack_of(scope: IConstruct) -> Stack:
    """``Stack.of(scope)``, asked of node at most once per scope (and once per chain of adopted scopes)."""
    entries = _entries(scope)
    stack: Stack | None = entries.get(_STACK)
    if stack is None:
        parent = entries.get(_PARENT)
        stack = stack_of(parent) if parent is not None else Stack.of(scope)
        entries[_STACK] = stack
    return stack


def validations_of(scope: IConstruct) -> Validations:
    """``Validations.of(scope)``, once per scope."""
    return memo(scope, Validations, lambda: Validations.of(scope))
