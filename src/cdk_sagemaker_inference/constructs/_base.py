"""Private helpers shared by the constructs: prop type checks, nag acknowledgments."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from constructs import Construct, IConstruct

from ..errors import ValidationError
from ..tokens import is_unresolved
from ..validation.checks import Checker
from ._memo import bucket_arn, memo, node_of


def _type_name(expected: Any) -> str:
    if isinstance(expected, tuple):
        return " or ".join(_type_name(e) for e in expected)
    return getattr(expected, "__name__", str(expected))


def _is_instance(value: Any, expected: Any) -> bool:
    """isinstance that also accepts jsii interfaces (a proxy of another class implementing them)."""
    if isinstance(value, bool) and expected in (int, float):
        return False
    if expected is float:
        expected = (int, float)
    names = expected if isinstance(expected, tuple) else (expected,)
    try:
        if isinstance(value, expected):
            return True
    except TypeError:  # a jsii interface (a Protocol isinstance cannot check): compare declared interfaces
        wanted = {getattr(e, "__jsii_type__", None) for e in names} - {None}
        if isinstance(value, _PLAIN_VALUES):
            return False  # a str/number/dict never implements a jsii interface (e.g. an ARN for an IKey)
        declared_all = _jsii_interfaces(value)
        if not wanted or declared_all is None:
            return True  # a typing construct, or an object jsii lists no interfaces for
        return bool(wanted & declared_all)
    interfaces = getattr(type(value), "__jsii_ifaces__", None) or getattr(value, "__jsii_ifaces__", None)
    if interfaces:
        wanted = {getattr(e, "__jsii_type__", None) for e in names} - {None}
        declared = {getattr(i, "__jsii_type__", None) for i in interfaces}
        return bool(wanted & declared)
    return False


_PLAIN_VALUES = (str, bytes, int, float, bool, list, tuple, dict, set, frozenset)


def _jsii_interfaces(value: Any) -> set[str] | None:
    """The jsii interfaces ``value`` implements, with the interfaces they extend (None: unknown)."""
    delegates = getattr(value, "_delegates", None) if type(value).__name__ == "InterfaceDynamicProxy" else None
    found: set[str] = set()
    known = False
    for item in delegates or [value]:
        for klass in type(item).__mro__:
            own = klass.__dict__.get("__jsii_type__", None)
            if isinstance(own, str):  # a class, or the proxy class of an interface (_IKeyProxy)
                known = True
                found.add(own)
            for interface in klass.__dict__.get("__jsii_ifaces__", None) or ():
                known = True
                for base in getattr(interface, "__mro__", (interface,)):
                    name = getattr(base, "__jsii_type__", None)
                    if isinstance(name, str):
                        found.add(name)
    return found if known else None


class TypeChecks(Checker):
    """Wrong Python types become problems of the one ValidationError, never a jsii traceback."""

    def optional(self, field: str, value: Any, expected: Any) -> bool:
        """``value`` is None or of type ``expected``."""
        if value is None or _is_instance(value, expected):
            return True
        self.fail("props.type", field, value,
                  f"must be {_type_name(expected)}, got {type(value).__name__}",
                  f"pass a {_type_name(expected)}")
        return False

    def required(self, field: str, value: Any, expected: Any) -> bool:
        """``value`` is given and of type ``expected``."""
        if value is None:
            self.fail("props.required", field, None, "is required", f"pass a {_type_name(expected)}")
            return False
        return self.optional(field, value, expected)

    def optional_sequence(self, field: str, value: Any, expected: Any) -> bool:
        """``value`` is None or a list/tuple of ``expected``."""
        if value is None:
            return True
        if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
            self.fail("props.type", field, value, f"must be a list of {_type_name(expected)}",
                      f"pass a list, e.g. [{_type_name(expected)}(...)]")
            return False
        ok = True
        for index, item in enumerate(value):
            ok = self.optional(f"{field}[{index}]", item, expected) and ok
        return ok

    def optional_mapping(self, field: str, value: Any) -> bool:
        """``value`` is None or a mapping."""
        if value is None or isinstance(value, Mapping):
            return True
        self.fail("props.type", field, value, f"must be a dict, got {type(value).__name__}",
                  "pass a dict of names to string values")
        return False

    def conflict(self, field: str, message: str) -> None:
        """Record props that are missing or cannot be combined."""
        self.fail("props.required", field, None, message, message)

    def raise_if_any(self, where: str | IConstruct, construct_type: str) -> None:
        """Raise the collected problems (if any) as one ValidationError.

        ``where`` is the construct path, or the construct itself: its path is then read (a jsii
        round trip) only when there is something to raise.
        """
        if self.problems:
            path = where if isinstance(where, str) else where.node.path
            raise ValidationError(path, construct_type, self.problems)


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
    """
    if not findings:
        return
    entry = {f"{_ANNOTATION_NAMESPACE}{rule}[{finding}]" if finding else f"{_ANNOTATION_NAMESPACE}{rule}": reason
             for rule, finding, reason in findings}
    node_of(scope).add_metadata(_acknowledged_rules_key(), entry, stack_trace=False)


@functools.cache
def _acknowledged_rules_key() -> str:
    """``Validations.ACKNOWLEDGED_RULES_METADATA_KEY`` (a static read: a round trip, asked once)."""
    return str(Validations.ACKNOWLEDGED_RULES_METADATA_KEY)


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
    return f"Resource::{arn}/{nag_flatten(stack.resolve(pattern)) if is_unresolved(pattern) else pattern}"
