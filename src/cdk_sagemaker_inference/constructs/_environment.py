"""Environment checks: what a construct is given must live in the construct's account and Region.

SageMaker finds a model by name in the endpoint's own Region and account ("Could not find model" otherwise),
and a KMS key works only in its own Region. Both are decided at synth where the stacks' Regions
and the key's ARN are literals; a value only known at deploy time is left alone.

Run by :func:`cdk_sagemaker_inference.typecheck.checked` for every construct, over every prop and
every field of a dataclass prop, so a model or key nested in ``variants[1]`` or
``output.kms_key`` is checked like a top-level one.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from typing import Any

from constructs import IConstruct

from ..errors import Problem
from ..tokens import is_unresolved
from ..typecheck import TypeChecks, jsii_interfaces
from ._memo import memo, stack_of, stage_of

_KMS_ARN = re.compile(r"^arn:aws[a-z\-]*:kms:([a-z0-9\-]+):\d{12}:(key|alias)/")


def environment_problems(scope: IConstruct, arguments: Mapping[str, Any]) -> list[Problem]:
    """Models in another Region or account than ``scope``'s stack, and KMS keys whose ARN names another Region."""
    from .model import InferenceModel  # the model module imports this one's users

    check = TypeChecks()
    region: str | None = None
    for field, leaf in _leaves(arguments):
        if isinstance(leaf, InferenceModel):
            region = region if region is not None else _region(stack_of(scope))
            theirs = _region(stack_of(leaf))
            if stack_of(leaf) is not stack_of(scope) and not _can_reference(stack_of(scope), stack_of(leaf)):
                check.fail("environment.model-stack", field, stack_of(leaf).node.path,
                           "the model's stack and this endpoint's stack cannot reference each other: "
                           + ("they are in different Stages (separate cloud assemblies)" if
                              stage_of(stack_of(scope)) is not stage_of(stack_of(leaf)) else
                              "one has a literal Region (env=...), the other is environment-agnostic"),
                           "define the model in the endpoint's stack, or give both stacks the same kind of env "
                           "(both pinned to one account and Region) in one Stage")
                continue
            if region and theirs and region != theirs:
                check.fail("environment.model-region", field, theirs,
                           f"the model is in a stack of Region {theirs}, this endpoint's stack is in {region}: "
                           "SageMaker looks the model up by name in the endpoint's Region",
                           "define the model in a stack of the endpoint's Region (one model per Region)")
                continue
            account, their_account = _account(stack_of(scope)), _account(stack_of(leaf))
            if account and their_account and account != their_account:
                check.fail("environment.model-region", field, their_account,
                           f"the model is in a stack of account {their_account}, this endpoint's stack is in "
                           f"{account}: SageMaker looks the model up by name in the endpoint's own account",
                           "define the model in a stack of the endpoint's account (one model per account)")
        elif _is_key(leaf):
            arn = leaf.key_arn
            match = None if is_unresolved(arn) else _KMS_ARN.match(arn)
            if match is None:
                continue
            region = region if region is not None else _region(stack_of(scope))
            if region and match.group(1) != region:
                check.fail("environment.kms-region", field, arn,
                           f"the key is in Region {match.group(1)}, this stack is in {region}: a KMS key can "
                           "only be used in its own Region",
                           "use a key of the stack's Region (or a replica of a multi-Region key there)")
    return check.problems


def _can_reference(consumer: Any, producer: Any) -> bool:
    """Whether aws-cdk-lib can reference ``producer``'s model from ``consumer`` (its refusals otherwise:
    NoCrossStageDependency, CrossRegionReferencesRequireExplicitRegion)."""
    return stage_of(consumer) is stage_of(producer) and bool(_region(consumer)) == bool(_region(producer))


def _is_key(value: Any) -> bool:
    """A KMS key (a jsii object that declares ``IKey``; plain Python objects are not)."""
    return "aws-cdk-lib.aws_kms.IKey" in (jsii_interfaces(value) or ())


def _region(stack: Any) -> str:
    """The stack's literal Region, or '' when it is environment-agnostic (asked once per stack)."""
    def read() -> str:
        region = stack.region
        return "" if is_unresolved(region) else str(region)

    return memo(stack, "literal-region", read)


def _account(stack: Any) -> str:
    """The stack's literal account, or '' when it is environment-agnostic (asked once per stack)."""
    def read() -> str:
        account = stack.account
        return "" if is_unresolved(account) else str(account)

    return memo(stack, "literal-account", read)


def _leaves(values: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(field path, value) of every prop, through dataclasses, lists and dicts."""
    for name, value in values.items():
        yield from _walk(f"{prefix}{name}", value)


def _walk(field: str, value: Any) -> Iterator[tuple[str, Any]]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _walk(f"{field}.{item.name}", getattr(value, item.name))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk(f"{field}[{index}]", item)
    elif value is not None and not isinstance(value, (str, int, float, bool, dict)):
        yield field, value
