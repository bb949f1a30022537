"""Warn at synth when a stack holding this library's constructs nears CloudFormation's limits.

CloudFormation refuses a stack with more than 500 resources or a template larger than 1 MB (a
template body uploaded to S3, which is how ``cdk deploy`` passes large templates). A platform
stack that grows by a dozen resources per endpoint reaches the first limit at a few dozen
endpoints, so the endpoint constructs call :func:`watch_stack_limits`, which warns once a stack
passes 80% of either limit, naming the limit, so that users split stacks before a deploy fails.

How it is measured (cheap and exact, once per stack per synth, nothing per construct):

* **Resources** (``cdk-sagemaker-inference:stack-resource-limit``, an annotation warning on the
  stack): a validation (``node.add_validation``) counts the stack's ``CfnResource`` s at synth, in
  node (``node.find_all()`` and aws-cdk-lib's ``CfnResource.isCfnResource`` in one batch: the
  constructs are never sent to Python); resources of nested stacks belong to their own template
  and are not counted (a stack holding nested stacks is counted in Python, construct by construct).
  The limit is the context value ``@aws-cdk/core:stackResourceLimit`` when set (0 turns the check
  off, as it does aws-cdk-lib's own), else 500.
* **Template size** (``cdk-sagemaker-inference:stack-template-size``, a warning in the synth's
  validation report): the size is only known once the template is rendered, after the
  validation phase (estimating it earlier would mean resolving every resource a second time,
  about as expensive as the synth itself), so a policy-validation plugin registered once per
  stage reads the size of each written template of a watched stack. It reports with severity
  ``warning`` and never fails the synth (unless the app asks for strict validation). Like
  aws-cdk-lib's own template validation, it is off when template validation is switched off
  (``CDK_VALIDATION=false``, which ``cdk synth --no-validation`` sets): registering any plugin
  makes aws-cdk-lib build its validation report over the whole construct tree, a cost (about 7% of
  a synth) that users who switch validation off for speed should not pay for this check.

Both limits are documented in the AWS CloudFormation User Guide, ``cloudformation-limits``
(Resources: 500 per stack; Template body size in an Amazon S3 object: 1 MB).
"""

from __future__ import annotations

import json
import os
import typing
import weakref
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import (
    Annotations,
    CfnResource,
    Stack,
    Stage,
)
from constructs import IValidation

from ._compat import (
    PLUGIN_INTERFACE,
    PLUGIN_REPORT,
    VALIDATIONS_SINCE,
    VIOLATING_RESOURCE,
    VIOLATION,
    add_plugin,
    upgrade_message,
)
from ._version import __version__

__all__ = [
    "RESOURCE_LIMIT",
    "RESOURCE_WARNING",
    "SIZE_WARNING",
    "TEMPLATE_SIZE_LIMIT",
    "WARN_FRACTION",
    "StackLimitsPlugin",
    "watch_stack_limits",
]

RESOURCE_LIMIT = 500
"""CloudFormation's resources per stack (aws-cdk-lib refuses to synthesize more)."""
TEMPLATE_SIZE_LIMIT = 1_000_000
"""CloudFormation's template body size in an S3 object, in bytes (1 MB, as aws-cdk-lib counts it)."""
WARN_FRACTION = 0.8
"""Warn once a stack passes this fraction of a limit."""
RESOURCE_WARNING = "cdk-sagemaker-inference:stack-resource-limit"
SIZE_WARNING = "cdk-sagemaker-inference:stack-template-size"
RESOURCE_LIMIT_CONTEXT = "@aws-cdk/core:stackResourceLimit"
"""aws-cdk-lib's own context key for the resource limit (0 disables its check and ours)."""
SOURCE = "AWS CloudFormation User Guide, cloudformation-limits (quotas)"

_WATCHED: weakref.WeakSet[Stack] = weakref.WeakSet()
_PLUGINS: weakref.WeakKeyDictionary[Stage, StackLimitsPlugin] = weakref.WeakKeyDictionary()


def watch_stack_limits(stack: Stack) -> None:
    """Warn at synth when ``stack`` passes 80% of CloudFormation's resource or template size limit.

    Idempotent: the checks are registered once per stack, however many constructs call it; a call
    for a stack already watched costs no jsii round trip.
    """
    if stack in _WATCHED:
        return
    _WATCHED.add(stack)
    stack.node.add_validation(_ResourceCount(stack))
    if not template_validation_enabled():
        return
    stage = Stage.of(stack)
    if stage is None:  # pragma: no cover - every stack is in an app
        return
    plugin = _PLUGINS.get(stage)
    if plugin is None:
        plugin = _PLUGINS[stage] = StackLimitsPlugin()
        if not add_plugin(stage, plugin):
            Annotations.of(stage).add_warning_v2(
                "cdk-sagemaker-inference:aws-cdk-lib-version",
                upgrade_message("The template-size check (80% of CloudFormation's 1 MB)", VALIDATIONS_SINCE))
    plugin.watch(stack.template_file, stack.node.path)


def template_validation_enabled() -> bool:
    """aws-cdk-lib's switch for template validation (the jsii node process inherits this environment)."""
    return os.environ.get("CDK_VALIDATION") != "false"


def resource_limit(stack: Stack) -> int:
    """The resource limit in force for ``stack`` (aws-cdk-lib's context value, else 500)."""
    return _limit(stack.node.try_get_context(RESOURCE_LIMIT_CONTEXT))


def _limit(value: Any) -> int:
    try:
        return int(value) if value is not None else RESOURCE_LIMIT
    except (TypeError, ValueError):
        return RESOURCE_LIMIT


def count_resources(stack: Stack) -> int:
    """The ``CfnResource`` s that ``stack``'s own template will hold (nested stacks excluded)."""
    return _limit_and_count(stack, even_when_off=True)[1]


def _limit_and_count(stack: Stack, *, even_when_off: bool = False) -> tuple[int, int]:
    """:func:`resource_limit` and :func:`count_resources`, counted in node: one round trip, no proxy per construct.
    A stack holding nested stacks is counted construct by construct, unless the limit is 0 (the check off) and
    not ``even_when_off`` (then the count is 0)."""
    from .constructs._batch import Batch

    batch = Batch()
    node = batch.of(stack, "node")
    limit = batch.call(node, "tryGetContext", RESOURCE_LIMIT_CONTEXT)
    found = batch.call(node, "findAll", local=True)
    resources, stacks = batch.count(found, CfnResource, "isCfnResource"), batch.count(found, Stack, "isStack")
    batch.run()
    limit_value = _limit(limit.value)
    if stacks.value == 1:  # the stack itself is the only stack found unless it holds nested stacks
        return limit_value, typing.cast(int, resources.value)
    # Nested stacks' resources are theirs: counted construct by construct, unless the check is off.
    return limit_value, _count_in_python(stack) if limit_value > 0 or even_when_off else 0


def _count_in_python(stack: Stack) -> int:
    """:func:`count_resources` for a stack holding nested stacks (their resources are theirs)."""
    found = stack.node.find_all()
    nested: set[int] = set()
    for construct in found:
        if construct is not stack and isinstance(construct, Stack):
            nested.update(id(c) for c in construct.node.find_all())
    return sum(1 for c in found if isinstance(c, CfnResource) and id(c) not in nested)


@jsii.implements(IValidation)
class _ResourceCount:
    """Counts the stack's resources when the app is validated (a warning, never an error)."""

    def __init__(self, stack: Stack) -> None:
        self._stack = stack

    def validate(self) -> list[str]:
        stack = self._stack
        limit, count = _limit_and_count(stack)
        if limit <= 0:
            return []
        if count > WARN_FRACTION * limit:
            verb = "exceeds" if count > limit else "has passed 80% of"
            Annotations.of(stack).add_warning_v2(
                RESOURCE_WARNING,
                f"Stack {stack.node.path} has {count} resources: it {verb} CloudFormation's limit of "
                f"{limit} resources per stack ({count * 100 // limit}%). Split it (for example one stack per "
                f"group of endpoints, sharing buckets and roles by reference) before CloudFormation refuses "
                f"it. Source: {SOURCE}.",
            )
        return []


@jsii.implements(PLUGIN_INTERFACE)
class StackLimitsPlugin:
    """Reads the size of each written template of the watched stacks (exact, after synthesis)."""

    def __init__(self) -> None:
        self._stacks: dict[str, str] = {}

    def watch(self, template_file: str, path: str) -> None:
        """Check the template written as ``template_file`` (the stack at construct ``path``)."""
        self._stacks[os.path.basename(template_file)] = path

    @property
    def name(self) -> str:
        """Shown in the validation report."""
        return "cdk-sagemaker-inference-stack-limits"

    @property
    def version(self) -> str:
        """This library's version."""
        return __version__

    @property
    def rule_ids(self) -> list[str]:
        """The one rule it reports."""
        return [SIZE_WARNING]

    def validate(self, context: Any) -> Any:
        """A warning for each watched template above 80% of 1 MB; the report always succeeds."""
        violations: list[Any] = []
        for template_path in context.template_paths:
            path = self._stacks.get(os.path.basename(template_path))
            if path is None:
                continue
            size = os.path.getsize(template_path)
            if size > WARN_FRACTION * TEMPLATE_SIZE_LIMIT:
                violations.append(self._violation(template_path, path, size))
        return PLUGIN_REPORT(success=True, violations=violations, plugin_version=__version__)

    @staticmethod
    def _violation(template_path: str, stack_path: str, size: int) -> Any:
        verb = "exceeds" if size > TEMPLATE_SIZE_LIMIT else "has passed 80% of"
        largest = _largest_resource(template_path)
        return VIOLATION(
            rule_name=SIZE_WARNING,
            severity="warning",
            description=(f"The template of stack {stack_path} is {size:,} bytes: it {verb} CloudFormation's "
                         f"template size limit of 1 MB ({TEMPLATE_SIZE_LIMIT:,} bytes for a template body in "
                         f"S3; {size * 100 // TEMPLATE_SIZE_LIMIT}%). Source: {SOURCE}."),
            fix="split the stack (for example one stack per group of endpoints), or set "
                "suppressTemplateIndentation on the stack to drop the indentation",
            violating_resources=[VIOLATING_RESOURCE(
                template_path=template_path, resource_logical_id=largest, locations=["Properties"])]
            if largest else [VIOLATING_RESOURCE(template_path=template_path, locations=[])],
        )


def _largest_resource(template_path: str) -> str | None:
    """The logical id of the largest resource of a template (where splitting helps most)."""
    try:
        resources: dict[str, Any] = json.loads(Path(template_path).read_text()).get("Resources", {})
    except (OSError, ValueError):
        return None
    sizes = {logical_id: len(json.dumps(body)) for logical_id, body in resources.items()}
    return max(sizes, key=sizes.__getitem__) if sizes else None
