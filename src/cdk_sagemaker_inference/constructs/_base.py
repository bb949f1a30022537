"""Helpers shared by the constructs: cdk-nag acknowledgments (both cdk-nag lines), synth notes, removal
policy, grants on model roles of other stacks, SNS topics."""

from __future__ import annotations

import functools
import json
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import jsii
from aws_cdk import Annotations, CfnResource, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct, IConstruct, IDependable, IValidation

from .._compat import VALIDATIONS, acknowledged_rules_metadata_key, cdk_nag_major
from ..errors import Problem
from ..tokens import is_unresolved
from ..typecheck import TypeChecks, checked
from ._batch import Batch, Ref, ambient
from ._lazy import lazy_module
from ._memo import (
    adopt,
    annotations_of,
    bucket_arn,
    forget,
    memo,
    node_of,
    remembered,
    service_principal,
    stack_of,
)

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


def acknowledge(scope: IConstruct | Ref, rule: str, finding: str | None, reason: str, *,
                batch: Batch | None = None) -> None:
    """Acknowledge a cdk-nag finding on ``scope`` (and its children), with the reason (``batch``: see
    :func:`acknowledge_all`)."""
    acknowledge_all(scope, [(rule, finding, reason)], batch=batch)


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


def acknowledge_all(scope: IConstruct | Ref, findings: Sequence[tuple[str, str | None, str]], *,
                    standing: bool = False, batch: Batch | None = None) -> None:
    """Acknowledge several ``(rule, finding, reason)`` on ``scope`` (and its children).

    ``standing``: the acknowledgments also hold for resources created under ``scope`` later (a role's
    default policy created by an endpoint's grants). cdk-nag 3 reads them from ``scope``'s metadata, so
    they do; for cdk-nag 2 they are written again with every later ``acknowledge_all`` on ``scope`` (and
    :func:`renew_standing_acknowledgments`). Default: False.

    ``batch``: queue the metadata write there (``scope`` may then be a result of the batch, absent: nothing is
    written). Default: the batch of the construct being created (:func:`ambient`: the entry is written when its
    constructor returns; the order of metadata of another key does not matter), else at once.

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
    if any(isinstance(finding, _CrossStackFinding) for _, finding, _ in findings) or cdk_nag_major() == 2:
        # Both need the construct itself: what is queued before is made first.
        scope = scope.value if isinstance(scope, Ref) else scope
        if scope is None:
            return
    if not isinstance(scope, Ref):  # (a result of a batch has no cross-stack finding: resolved above)
        _acknowledge_at_synth(scope, findings)
    findings = list(_in_every_compliance_pack(findings))
    entry = {f"{_ANNOTATION_NAMESPACE}{rule}[{finding}]" if finding else f"{_ANNOTATION_NAMESPACE}{rule}": reason
             for rule, finding, reason in findings}
    key = _acknowledged_rules_key()
    batch = batch if batch is not None else ambient()
    if key is not None:
        if batch is not None:  # constructs records no stack trace by default
            batch.call(batch.of(scope, "node?"), "addMetadata", key, batch.constant(entry), optional=True)
        else:
            node_of(typing.cast(IConstruct, scope)).add_metadata(key, entry)
    if cdk_nag_major() == 2:
        assert not isinstance(scope, Ref)
        earlier: list[tuple[str, str | None, str]] = remembered(scope, _STANDING) or []
        _suppress_for_cdk_nag_2(scope, [*findings, *earlier])
        if standing:
            standing_findings: list[tuple[str, str | None, str]] = memo(scope, _STANDING, list)
            standing_findings.extend(findings)


COMPLIANCE_PACKS = ("NIST.800.53.R5", "NIST.800.53.R4", "HIPAA.Security", "PCI.DSS.321")
"""cdk-nag's compliance packs (its ``packName`` s). They run the same rule functions under their own prefix: a
rule acknowledged in one, for a reason about what the rule checks, is acknowledged in every pack that has it."""

_SHARED_RULES = frozenset({"IAMNoInlinePolicy", "SageMakerEndpointConfigurationKMSKeyConfigured"})
"""The compliance rules the library acknowledges; every pack of :data:`COMPLIANCE_PACKS` has each (cdk-nag 2 and 3:
``lib/packs/*.js``)."""


def _in_every_compliance_pack(findings: Sequence[tuple[str, str | None, str]]
                              ) -> Iterable[tuple[str, str | None, str]]:
    """``findings``, with a compliance rule of :data:`_SHARED_RULES` repeated for every pack (found by review: the
    NIST acknowledgment left the identical HIPAA and PCI findings open, with nothing a user could do)."""
    seen: set[tuple[str, str | None]] = set()
    for rule, finding, reason in findings:
        pack, _, name = rule.partition("-")
        rules = [f"{other}-{name}" for other in COMPLIANCE_PACKS] if pack in COMPLIANCE_PACKS and name in \
            _SHARED_RULES else [rule]
        for each in rules:
            if (each, finding) not in seen:
                seen.add((each, finding))
                yield each, finding, reason


_NAG2_METADATA = "cdk_nag"
_STANDING = "standing-acknowledgments"


def renew_standing_acknowledgments(scope: IConstruct) -> None:
    """After the library's grants may have created resources under ``scope`` (a role's default policy,
    created by a later grant): where cdk-nag 2 is installed, write ``scope``'s standing acknowledgments on
    them too (cdk-nag 2 reads suppressions from each resource only; cdk-nag 3 reads them from ``scope``)."""
    if cdk_nag_major() == 2:
        standing: list[tuple[str, str | None, str]] | None = remembered(scope, _STANDING)
        if standing:
            _suppress_for_cdk_nag_2(scope, standing)


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
    part is resolved once per bucket and stack. A bucket of another stack renders in ``stack``'s template
    as the reference aws-cdk-lib makes for it when the app is synthesized (an export's ``Fn::ImportValue``,
    a weak reference's ``Fn::GetStackOutput``, a nested stack's parameter): the finding is then a
    :class:`_CrossStackFinding`, which :func:`acknowledge_all` acknowledges again at synth as it renders then.
    """
    # A literal pattern is flattened too: cdk-nag writes its '${' and '}' (IAM's ${*}, a key's braces) as '<' '>'.
    objects = nag_flatten(stack.resolve(pattern) if is_unresolved(pattern) else pattern)
    arn = memo(bucket, ("nag-arn", stack), lambda: nag_flatten(stack.resolve(bucket_arn(bucket))))
    finding = f"Resource::{arn}/{objects}"
    # Only a reference can be to another stack (an imported bucket's ARN is literal text): asked of node only then.
    if "<" in arn and isinstance(bucket, Construct) and stack_of(bucket) is not stack:
        return _CrossStackFinding(finding, lambda: f"Resource::{nag_flatten(stack.resolve(bucket_arn(bucket)))}/{objects}")
    return finding


class _CrossStackFinding(str):
    """A finding whose resource is a reference to another stack: as it renders when the construct is created (what
    cdk-nag 2 sees, in the aspects that run before references are resolved), and ``render()`` at synth (what
    cdk-nag 3 sees in the synthesized template)."""

    render: Callable[[], str]

    def __new__(cls, text: str, render: Callable[[], str]) -> _CrossStackFinding:
        made = super().__new__(cls, text)
        made.render = render
        return made


@jsii.implements(IValidation)
class _SynthTimeAcknowledgments:
    """Acknowledges, once references are resolved (node validations run after aws-cdk-lib prepares the app),
    the cross-stack findings of a scope as the synthesized template names them."""

    def __init__(self, scope: IConstruct) -> None:
        self._scope = scope
        self.findings: list[tuple[str, _CrossStackFinding, str]] = []

    def validate(self) -> list[str]:
        late = [(rule, now, reason) for rule, finding, reason in self.findings if (now := finding.render()) != finding]
        if late:
            acknowledge_all(self._scope, late)
        return []


def _acknowledge_at_synth(scope: IConstruct, findings: Sequence[tuple[str, str | None, str]]) -> None:
    cross = [(rule, finding, reason) for rule, finding, reason in findings if isinstance(finding, _CrossStackFinding)]
    if not cross:
        return
    def register() -> _SynthTimeAcknowledgments:
        validation = _SynthTimeAcknowledgments(scope)
        node_of(scope).add_validation(validation)
        return validation
    memo(scope, _SynthTimeAcknowledgments, register).findings.extend(cross)


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


def annotate(scope: IConstruct, problem: Problem, batch: Batch | None = None) -> None:
    """A synth-time note for ``problem``: info for :data:`ADVICE` rows, otherwise a warning with the id
    ``cdk-sagemaker-inference:<rule>`` (acknowledge one with ``Annotations.of(scope).acknowledge_warning``);
    queued in ``batch`` if given."""
    info = problem.constraint_id in ADVICE
    args: tuple[str, ...] = ((f"[cdk-sagemaker-inference:{problem.constraint_id}] {problem.render()}",) if info
                             else (f"cdk-sagemaker-inference:{problem.constraint_id}", problem.render()))
    if batch is not None:
        batch.call(batch.static(Annotations, "of", scope), "addInfo" if info else "addWarningV2", *args)
    elif info:
        annotations_of(scope).add_info(*args)
    else:
        annotations_of(scope).add_warning_v2(*args)


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
        construct_id = f"ModelRoleGrants{len(imported) or ''}"
        references = node_of(consumer).try_get_context(_CROSS_STACK_REFERENCES)
        if isinstance(role, iam.Role) and references in ("weak", "both"):
            # A weak reference ("both": weak, while the exports stay) is an Fn::GetStackOutput, which
            # CloudFormation's Fn::Split does not list among the functions it takes (cfn-lint E1017):
            # from_role_arn splits the ARN for the role's name, so a role of this app (this account: the
            # environment checks) is imported by its name. Strong references keep the ARN import, whose export an
            # app already deployed depends on; under "both" that export is kept too (exported explicitly, under
            # the name aws-cdk-lib gives it), so a consumer deployed with it does not block the role's stack.
            grants = iam.Role.from_role_name(consumer, construct_id, role.role_name, mutable=True)
            if references == "both":
                stack_of(role).export_value(role.role_arn)
        else:
            grants = iam.Role.from_role_arn(consumer, construct_id, role.role_arn, mutable=True)
        acknowledge_all(grants, [("NIST.800.53.R5-IAMNoInlinePolicy", None,
                                  "the grants an endpoint makes on a model role of another stack: a policy of the "
                                  "endpoint's stack attached to that role, scoped to the endpoint's locations")],
                        standing=True)
        imported[id(role)] = grants
    return imported[id(role)]


_CROSS_STACK_REFERENCES = "@aws-cdk/core:defaultCrossStackReferences"
"""aws-cdk-lib's feature flag for how a reference to another stack renders ("weak": Fn::GetStackOutput)."""


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
    """Record the policies of a library-made role that hold every grant (its default policy, once it exists):
    ``policies_of`` then answers without round trips."""
    forget(role, _LIBRARY_POLICIES)
    memo(role, _LIBRARY_POLICIES, lambda: list(policies))


_LIBRARY_ROLE = "library-role"


def mark_library_role(role: iam.Role) -> None:
    """Record that the library made ``role`` (a role without an unscoped policy of its own)."""
    memo(role, _LIBRARY_ROLE, lambda: True)


def is_library_role(grantee: iam.IGrantable) -> bool:
    """Whether ``grantee`` is a role the library made (an execution role with its inline policy, a role with
    an unscoped policy, or one that was marked): the library may acknowledge findings of its own grants there,
    never on a role of the user's."""
    return isinstance(grantee, Construct) and any(remembered(grantee, key) is not None
                                                  for key in (UNSCOPED_POLICY, _INLINE_DOCUMENT, _LIBRARY_ROLE))


INLINE_POLICY = "SageMakerExecution"
"""Name of the inline policy of a library-made execution role (its statements on ``*``, its log groups)."""

_INLINE_DOCUMENT = "inline-policy-document"
_INLINE_STATEMENTS = "inline-policy-statements"
_ROLE_RESOURCE = "role-resource"


def create_execution_role(scope: Construct, construct_id: str, *, description: str,
                          statements: Sequence[Mapping[str, Any]], names: Mapping[str, Mapping[str, Any]],
                          batch: Batch) -> Ref:
    """A SageMaker execution role the library makes, with ``statements`` (IAM JSON: what it needs on ``*``,
    its log groups, the grants known when it is created) in an inline policy of the role resource itself
    (:data:`INLINE_POLICY`); ``names``: the statements among them that :func:`add_unscoped_statement` may be
    asked to add again, by name.

    The role resource is the only place :func:`acknowledge_execution_role` acknowledges
    ``AwsSolutions-IAM5[Resource::*]``: later grants (aws-cdk-lib's and the user's alike) go to the role's
    default policy, a resource of its own, so a ``*`` statement added later is still reported. The role
    holds them inline rather than in policy resources beside it: fewer resources and jsii round trips per
    model (``benchmarks/synth_bench.py --profile realtime``), and SageMaker never sees the role without them.
    Later statements on ``*`` are added to the same document.

    Queued in ``batch``, with the role's resource (``role_resource`` knows it once the batch has run): the role
    is the batch's result.
    """
    document = batch.static(iam.PolicyDocument, "fromJson", {"Version": "2012-10-17", "Statement": list(statements)})
    role = batch.new(iam.Role, scope, construct_id, props=iam.RoleProps,
                     assumed_by=service_principal("sagemaker.amazonaws.com"), description=description,
                     inline_policies={INLINE_POLICY: document})
    resource = batch.get(role.attr("node", "defaultChild?"))

    def remember() -> None:
        made = role.value
        memo(made, _INLINE_DOCUMENT, lambda: document.value)
        memo(made, _INLINE_STATEMENTS, lambda: set(names))
        memo(made, _ROLE_RESOURCE, lambda: resource.value)
        adopt(made, scope)  # its stack is the scope's: known without asking
    batch.after(remember)
    return role


def role_resource(role: iam.Role) -> CfnResource | None:
    """The ``AWS::IAM::Role`` resource of ``role`` (None under ``iam.Role.customize_roles``, which
    synthesizes no role), read once."""
    return memo(role, _ROLE_RESOURCE, lambda: typing.cast("CfnResource | None", node_of(role).default_child))


def acknowledge_execution_role(role: Ref, findings: Sequence[tuple[str, str | None, str]], *, batch: Batch) -> None:
    """Acknowledge ``findings`` on the role resource of a role from :func:`create_execution_role` only (its
    inline policy), not on its default policy, where grants and the user's statements go. Under
    ``iam.Role.customize_roles`` the role is not synthesized and its inline policy is a policy construct of
    its own (recorded in the policy report, checked by cdk-nag): the findings are acknowledged there.
    ``role``: a role :func:`create_execution_role` queued in ``batch``, where the acknowledgments are queued too."""
    if cdk_nag_major() == 2:  # reads the resources' metadata: the role is made first
        made = typing.cast(iam.Role, role.value)
        resource = role_resource(made)
        target = resource if resource is not None else node_of(made).try_find_child(INLINE_POLICY)
        if target is not None:
            acknowledge_all(target, findings)
        return
    # One of the two exists: the role resource, or (under customize_roles, no resource) the policy construct.
    acknowledge_all(role.attr("node", "defaultChild?"), findings, batch=batch)
    acknowledge_all(batch.call(batch.of(role, "node"), "tryFindChild", INLINE_POLICY), findings, batch=batch)


def add_unscoped_statement(grantee: iam.IGrantable, name: str, statement: Mapping[str, Any]) -> None:
    """Grant ``statement`` (IAM JSON, on resource ``*``; ``name`` tells it apart): into the inline policy of a
    library-made execution role (once), or the unscoped policy of another library-made role, else (a role of
    the user's) where aws-cdk-lib's grants put it, unacknowledged."""
    document = remembered(grantee, _INLINE_DOCUMENT)
    held: set[str] | None = remembered(grantee, _INLINE_STATEMENTS)
    if held is not None and name in held:
        return
    # One statement object per stack and name, shared by the policies that hold it (a policy document only
    # reads a statement, and freezes it when the template is written).
    made = (memo(stack_of(grantee), ("unscoped-statement", name), lambda: iam.PolicyStatement.from_json(statement))
            if isinstance(grantee, Construct) else iam.PolicyStatement.from_json(statement))
    if isinstance(document, iam.PolicyDocument) and held is not None:
        held.add(name)
        if role_resource(typing.cast(iam.Role, grantee)) is not None:
            document.add_statements(made)
            return
        # Under iam.Role.customize_roles the role copied its inline policy when it was created: a later
        # statement goes where the role records it (its policy report), as aws-cdk-lib's grants do.
    policy = remembered(grantee, UNSCOPED_POLICY)
    if isinstance(policy, iam.Policy):
        policy.add_statements(made)
    else:
        grantee.grant_principal.add_to_principal_policy(made)


def policies_of(role: iam.IRole) -> list[IDependable]:
    """The policies the library's grants went into (``DefaultPolicy`` of a role, ``Policy`` of an import,
    the unscoped policy of a library-made role; an execution role's inline policy is part of the role)."""
    known = remembered(role, _LIBRARY_POLICIES)
    if known:
        return list(known)
    if remembered(role, _INLINE_DOCUMENT) is not None:
        default_policy = node_of(role).try_find_child("DefaultPolicy")
        if default_policy is None:
            return []
        remember_policies(role, default_policy)  # its grants only ever go to its default policy, which stays
        return [default_policy]
    # A role's default policy, a library role's unscoped policy, or the policy aws-cdk-lib's imported mutable
    # role creates for grants ("Policy", or "Policy<unique id>" under the importedRoleStackSafeDefaultPolicyName
    # flag): every policy construct under the role.
    return [child for child in node_of(role).children if isinstance(child, iam.Policy)]
