"""Helpers shared by the constructs: cdk-nag acknowledgments (both cdk-nag lines), synth notes, removal
policy, grants on model roles of other stacks, SNS topics."""

from __future__ import annotations

import functools
import json
import typing
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from aws_cdk import CfnResource, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct, IConstruct, IDependable

from .._compat import VALIDATIONS, acknowledged_rules_metadata_key, cdk_nag_major
from ..errors import Problem
from ..tokens import is_unresolved
from ..typecheck import TypeChecks, checked
from ._lazy import lazy_module
from ._memo import annotations_of, bucket_arn, forget, memo, node_of, remembered, stack_of

# Submodules only some props and methods use, imported on first use (see _lazy).
if TYPE_CHECKING:
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_sns as sns
else:
    kms = lazy_module("aws_cdk.aws_kms")
    sns = lazy_module("aws_cdk.aws_sns")


def add_statement(role: iam.IRole, statement: iam.PolicyStatement) -> None:
    """``role.add_to_principal_policy(statement)``, without reading its result.

    ``add_to_principal_policy`` returns a struct, which jsii copies field by field (two more round
    trips); a ``Role`` of this app has ``add_to_policy``, which returns a bool and does the same.
    """
    if isinstance(role, iam.Role):
        role.add_to_policy(statement)
    else:
        role.add_to_principal_policy(statement)


def create_topic(scope: Construct, construct_id: str, *, master_key: kms.IKey | None, display_name: str,
                 unencrypted_reason: str) -> sns.Topic:
    """A topic that enforces TLS, encrypted with ``master_key`` (or the unencrypted topic acknowledged
    as cdk-nag AwsSolutions-SNS2 with ``unencrypted_reason``); its key is remembered for :func:`topic_key`."""
    topic = sns.Topic(scope, construct_id, enforce_ssl=True, master_key=master_key, display_name=display_name)
    memo(topic, _TOPIC_KEY, lambda: master_key)
    if master_key is None:
        acknowledge(topic, "AwsSolutions-SNS2", None, unencrypted_reason)
    return topic


def topic_key(topic: sns.ITopic) -> kms.IKey | None:
    """The KMS key of ``topic`` (known without a round trip for a topic from :func:`create_topic`)."""
    return memo(topic, _TOPIC_KEY, lambda: getattr(topic, "master_key", None))


_TOPIC_KEY = "master_key"


def acknowledge(scope: IConstruct, rule: str, finding: str | None, reason: str) -> None:
    """Acknowledge a cdk-nag finding on ``scope`` (and its children), with the reason."""
    acknowledge_all(scope, [(rule, finding, reason)])


@checked("acknowledge_nag_finding")
def acknowledge_nag_finding(scope: IConstruct, rule: str, *, reason: str, finding: str | None = None) -> None:
    """Acknowledge a cdk-nag finding on ``scope`` and its children, for cdk-nag 2 and 3 alike.

    The library acknowledges its own findings this way; use it for yours so that one line serves
    both cdk-nag 2 (``Aspects``, resource metadata) and cdk-nag 3 (``Validations``).

    :param scope: the construct the finding is on (or above it). No default.
    :param rule: e.g. ``"AwsSolutions-S1"``. No default.
    :param reason: why it is acceptable (at least 10 characters, as cdk-nag asks). No default.
    :param finding: the finding within the rule, e.g. ``"Resource::*"`` (cdk-nag's ``applies_to``).
        Default: every finding of the rule.
    """
    if len(reason.strip()) < 10:
        check = TypeChecks()
        check.fail("props.required", "reason", reason, "is shorter than 10 characters",
                   "say why the finding is acceptable (cdk-nag requires a reason of 10 or more characters)")
        check.raise_if_any(scope, "acknowledge_nag_finding")
    acknowledge_all(scope, [(rule, finding, reason)])


def acknowledge_all(scope: IConstruct, findings: Sequence[tuple[str, str | None, str]]) -> None:
    """Acknowledge several ``(rule, finding, reason)`` on ``scope`` (and its children).

    This writes what ``Validations.of(scope).acknowledge(...)`` records and cdk-nag v3 reads: an
    entry under the documented metadata key ``Validations.ACKNOWLEDGED_RULES_METADATA_KEY``
    mapping ``Annotation::<rule>[<finding>]`` to the reason (cdk-nag walks up from each resource
    through its ancestors). ``acknowledge`` itself costs, per rule, a captured stack trace and a
    walk of the scope's subtree that removes annotation warnings of that id: ~0.5 ms each, 7 ms
    of a batch transform job (``benchmarks/synth_bench.py --profile batch``). The ids here are
    cdk-nag findings, which are never annotation warnings, so that walk has nothing to remove;
    one entry per scope, without a stack trace, records the same acknowledgments in one call.

    Where cdk-nag 2 is installed (it runs as an aspect and reads only the ``cdk_nag`` metadata of each
    CloudFormation resource), the same acknowledgments are also written there, as
    ``NagSuppressions.add_resource_suppressions(scope, ..., apply_to_children=True)`` writes them: on
    every ``CfnResource`` under ``scope``, merged with what is there, each finding as ``applies_to``.
    """
    if not findings:
        return
    entry = {f"{_ANNOTATION_NAMESPACE}{rule}[{finding}]" if finding else f"{_ANNOTATION_NAMESPACE}{rule}": reason
             for rule, finding, reason in findings}
    key = _acknowledged_rules_key()
    if key is not None:
        node_of(scope).add_metadata(key, entry)  # constructs records no stack trace by default
    if cdk_nag_major() == 2:
        _suppress_for_cdk_nag_2(scope, findings)


_NAG2_METADATA = "cdk_nag"


def _suppress_for_cdk_nag_2(scope: IConstruct, findings: Sequence[tuple[str, str | None, str]]) -> None:
    """cdk-nag 2's resource suppressions (``rules_to_suppress`` entries: id, reason, applies_to)."""
    wanted = [{"id": rule, "reason": reason, **({"applies_to": [finding]} if finding else {})}
              for rule, finding, reason in findings]
    for child in node_of(scope).find_all():
        if not isinstance(child, CfnResource):
            continue
        existing = child.get_metadata(_NAG2_METADATA) or {}
        rules = list(existing.get("rules_to_suppress", []))
        rules += [entry for entry in wanted if entry not in rules]
        child.add_metadata(_NAG2_METADATA, {**existing, "rules_to_suppress": rules})


@functools.cache
def _acknowledged_rules_key() -> str | None:
    """``Validations.ACKNOWLEDGED_RULES_METADATA_KEY`` (a static read: a round trip, asked once); None
    before aws-cdk-lib 2.252, which cdk-nag 3 does not run on either."""
    return acknowledged_rules_metadata_key()


_ANNOTATION_NAMESPACE = "Annotation::"
"""How aws-cdk-lib qualifies an acknowledged id without a namespace of its own (it is an annotation id)."""


def nag_flatten(node: Any) -> str:
    """cdk-nag's ``flattenCfnReference``: how its findings (so their acknowledgments) name a resolved value
    (``<Logical.Arn>``, ``<AWS::Partition>``, joined parts)."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node.replace("${", "<").replace("}", ">")
    if isinstance(node, dict):
        if "Fn::Join" in node:
            delimiter, items = node["Fn::Join"]
            return str(delimiter).join(nag_flatten(item) for item in items)
        if "Fn::Sub" in node:
            return nag_flatten(node["Fn::Sub"])
        if "Fn::GetAtt" in node:
            resource, attribute = node["Fn::GetAtt"]
            return f"<{nag_flatten(resource)}.{nag_flatten(attribute)}>"
        if "Fn::ImportValue" in node:
            return nag_flatten(node["Fn::ImportValue"])
        if "Ref" in node:
            return f"<{nag_flatten(node['Ref'])}>"
    return json.dumps(node, separators=(",", ":"))


def nag_objects(stack: Stack, bucket: s3.IBucket, pattern: str) -> str:
    """cdk-nag's ``Resource::`` finding for a grant on ``bucket.arn_for_objects(pattern)`` in ``stack``.

    An object ARN is ``<bucket ARN>/<pattern>`` and aws-cdk-lib joins tokens with an empty
    delimiter, so it renders as the bucket ARN's rendering followed by ``/<pattern>``: the bucket's
    part is resolved once per bucket and stack.
    """
    arn = memo(bucket, ("nag-arn", stack), lambda: nag_flatten(stack.resolve(bucket_arn(bucket))))
    # A literal pattern is flattened too: cdk-nag writes its '${' and '}' (IAM's ${*}, a key's braces) as '<' '>'.
    return f"Resource::{arn}/{nag_flatten(stack.resolve(pattern) if is_unresolved(pattern) else pattern)}"


def _texts(value: object) -> Iterable[str]:
    """Every string in a plain structure (strings, mappings, lists): what a definition holds literally."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, typing.Mapping):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)


def acknowledge_literal_placeholders(scope: IConstruct, *values: object) -> None:
    """Acknowledge aws-cdk-lib's template check E1029 on ``scope`` when a text the user gave holds '${'
    (``values``: strings, or plain structures of them such as a task's Parameters).

    CloudFormation substitutes ``${…}`` only inside ``Fn::Sub``: in the strings the constructs write (an S3
    key in a state machine's definition, an environment value) it is literal text, as the user meant it.
    aws-cdk-lib's template validation (cfn-lint's E1029, "an embedded parameter outside of an Fn::Sub") fails
    the synth on it; the acknowledgment says why it is intended, and only where such a text was given."""
    if VALIDATIONS is None or not any("${" in t and not is_unresolved(t) for t in _texts(values)):
        return  # before aws-cdk-lib 2.252 there is no template validation to acknowledge
    from aws_cdk import Acknowledgment  # type: ignore[attr-defined,unused-ignore]  # 2.252 and newer

    VALIDATIONS.of(scope).acknowledge(Acknowledgment(
        id="CloudFormation-Validate::E1029",
        reason="a '${' in a key, prefix or value the user gave is literal text: CloudFormation substitutes only "
               "inside Fn::Sub"))


ADVICE = frozenset({"migration.autoscaled-instance-type", "component.fit-unknown", "cost.idle-floor",
                    "preflight.quota-needs"})
"""Rows whose synth-time note is advice for later, not something wrong now: info, not a warning (so
``cdk synth --strict``, which fails on warnings, passes a normal autoscaled configuration)."""


def annotate(scope: IConstruct, problem: Problem) -> None:
    """A synth-time note for ``problem``: info for :data:`ADVICE` rows, otherwise a warning with the id
    ``cdk-sagemaker-inference:<rule>`` (acknowledge one with ``Annotations.of(scope).acknowledge_warning``)."""
    if problem.constraint_id in ADVICE:
        annotations_of(scope).add_info(f"[cdk-sagemaker-inference:{problem.constraint_id}] {problem.render()}")
    else:
        annotations_of(scope).add_warning_v2(f"cdk-sagemaker-inference:{problem.constraint_id}", problem.render())


T = TypeVar("T", bound=IConstruct)


def with_notes(problems: Iterable[Problem], scope: T) -> T:
    """``scope``, with a synth-time note (:func:`annotate`) for each of ``problems``."""
    for problem in problems:
        annotate(scope, problem)
    return scope


def unique_child_id(scope: IConstruct, base: str) -> str:
    """``base``, or ``base2``, ``base3``, … : the first id no child of ``scope`` has (a method that creates a
    construct, such as an alarm, may be called more than once)."""
    candidate, index = base, 2
    while node_of(scope).try_find_child(candidate) is not None:
        candidate, index = f"{base}{index}", index + 1
    return candidate


class RemovalPolicyMixin:
    """``apply_removal_policy`` for the library's constructs (endpoints, models, batch jobs)."""

    @checked("apply_removal_policy")
    def apply_removal_policy(self, policy: RemovalPolicy) -> None:
        """What CloudFormation does with this construct's resources when they leave the stack (or are
        replaced): ``policy`` on every resource the construct created (an endpoint with its config and
        what it made for them, such as an async endpoint's bucket and topics, alarms and scalable
        targets; a model with its default role; a batch job's state machine, roles, bucket, topic and
        log group), as ``apply_removal_policy`` of aws-cdk-lib's resource constructs does. Not called:
        aws-cdk-lib's defaults (created buckets and log groups are retained, the rest deleted).

        :param policy: ``RemovalPolicy.RETAIN``, ``DESTROY`` or ``RETAIN_ON_UPDATE_OR_DELETE`` (``SNAPSHOT`` is
            for volumes and databases, none of which a construct here creates). No default.
        """
        if policy == RemovalPolicy.SNAPSHOT:
            check = TypeChecks()
            check.fail("props.removal-policy", "policy", "RemovalPolicy.SNAPSHOT",
                       "CloudFormation snapshots only volumes and databases, none of which this construct creates",
                       "use RemovalPolicy.RETAIN (keep the resources) or RemovalPolicy.DESTROY")
            check.raise_if_any(typing.cast(IConstruct, self), type(self).__name__)
        apply_removal_policy_to(typing.cast(IConstruct, self), policy)


def apply_removal_policy_to(scope: IConstruct, policy: RemovalPolicy) -> None:
    """``policy`` on every CloudFormation resource ``scope`` created (its children, their children, …),
    as aws-cdk-lib's ``Resource.apply_removal_policy`` does for its one resource."""
    for child in node_of(scope).find_all():
        if isinstance(child, CfnResource):
            child.apply_removal_policy(policy)


def role_for_grants(consumer: Construct, role: iam.IRole) -> iam.IRole:
    """The role on which ``consumer`` grants what SageMaker does with a model's role.

    A role of another stack would receive statements naming resources of ``consumer``'s stack, so
    that stack would depend on the consumer's while the consumer's depends on it for the model: a
    dependency cycle. Grants on a role of another stack go into a policy of the consumer's stack
    instead: aws-cdk-lib's imported mutable role (``Role.from_role_arn``) creates that policy, in
    the importing scope, attached to the role by name.
    """
    if stack_of(role) is stack_of(consumer):
        return role
    imported: dict[int, iam.IRole] = memo(consumer, "roles-for-grants", dict)
    if id(role) not in imported:
        imported[id(role)] = iam.Role.from_role_arn(consumer, f"ModelRoleGrants{len(imported) or ''}",
                                                    role.role_arn, mutable=True)
    return imported[id(role)]


UNSCOPED_POLICY = "UnscopedActions"
"""Construct id of the policy that holds a library-made role's statements on resource ``*``."""


def create_unscoped_policy(role: iam.Role, statements: Sequence[iam.PolicyStatement], reason: str) -> iam.Policy:
    """The policy, beside ``role``'s default policy, for the statements the library must grant on ``*``.

    cdk-nag reports a statement on resource ``*`` as ``AwsSolutions-IAM5[Resource::*]``, one finding
    id for every such statement of a policy. Acknowledged on the role, it would also hide a wildcard
    statement the user adds later (``role.add_to_policy`` writes to the default policy): so the
    library's own ``*`` statements live in this policy, and only this policy is acknowledged.
    """
    policy = iam.Policy(role, UNSCOPED_POLICY, roles=[role], statements=list(statements))
    acknowledge_all(policy, [("AwsSolutions-IAM5", "Resource::*", reason)])
    memo(role, UNSCOPED_POLICY, lambda: policy)  # found again without a round trip (add_unscoped_statement)
    return policy


_LIBRARY_POLICIES = "library-policies"


def remember_policies(role: iam.IRole, *policies: IDependable) -> None:
    """Record the policies of a library-made role that will hold every grant (its default policy, which
    exists from the start, and its unscoped policy): ``policies_of`` then answers without round trips."""
    memo(role, _LIBRARY_POLICIES, lambda: list(policies))


_LIBRARY_ROLE = "library-role"


def mark_library_role(role: iam.Role) -> None:
    """Record that the library made ``role`` (a role without an unscoped policy of its own)."""
    memo(role, _LIBRARY_ROLE, lambda: True)


def is_library_role(grantee: iam.IGrantable) -> bool:
    """Whether ``grantee`` is a role the library made (it has an unscoped policy, or will have one, or
    was marked): the library may acknowledge findings of its own grants there, never on a role of the
    user's."""
    return isinstance(grantee, Construct) and any(remembered(grantee, key) is not None
                                                  for key in (UNSCOPED_POLICY, _PENDING_UNSCOPED, _LIBRARY_ROLE))


_PENDING_UNSCOPED = "pending-unscoped-statements"


def defer_unscoped_policy(role: iam.Role, statements: Sequence[iam.PolicyStatement]) -> None:
    """Collect the ``*`` statements of a role the library is still building (``add_unscoped_statement``
    appends to them) until ``create_pending_unscoped_policy``: the policy is then created with all of
    them, one call instead of one per statement (each a jsii round trip)."""
    memo(role, _PENDING_UNSCOPED, lambda: list(statements))


def create_pending_unscoped_policy(role: iam.Role, reason: str) -> iam.Policy:
    """The unscoped policy of ``role`` with the statements collected since ``defer_unscoped_policy``."""
    pending: list[iam.PolicyStatement] = remembered(role, _PENDING_UNSCOPED)
    policy = create_unscoped_policy(role, pending, reason)
    forget(role, _PENDING_UNSCOPED)
    return policy


def add_unscoped_statement(grantee: iam.IGrantable, statement: iam.PolicyStatement) -> None:
    """Grant ``statement`` (on resource ``*``): into the unscoped policy of a library-made role (or the
    statements it will be created with), else (a role of the user's) where aws-cdk-lib's grants put
    it, unacknowledged."""
    pending = remembered(grantee, _PENDING_UNSCOPED)
    if pending is not None:
        if statement not in pending:
            pending.append(statement)
        return
    policy = remembered(grantee, UNSCOPED_POLICY)
    if isinstance(policy, iam.Policy):
        policy.add_statements(statement)
    else:
        grantee.grant_principal.add_to_principal_policy(statement)


def policies_of(role: iam.IRole) -> list[IDependable]:
    """The policies the library's grants went into (``DefaultPolicy`` of a role, ``Policy`` of an import,
    the unscoped policy of a library-made role)."""
    known = remembered(role, _LIBRARY_POLICIES)
    if known is not None:
        return list(known)
    found: list[IDependable] = []
    for name in ("DefaultPolicy", "Policy", UNSCOPED_POLICY):
        child = node_of(role).try_find_child(name)
        if child is not None:
            found.append(child)
    return found
