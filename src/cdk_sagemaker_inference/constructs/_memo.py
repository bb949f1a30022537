"""Answers that cost a jsii round trip and never change, asked once.

Every property read and method call on an aws-cdk-lib object crosses from Python into the node
process of the jsii kernel and back. ``benchmarks/synth_bench.py --profile <kind>`` counts these
round trips per call site: repeated ``Stack.of()``, ``node`` reads and
ARNs that are the same for every construct of a stack were a third of an endpoint's round trips.
The values memoised here cannot change once known:

* the stack of a construct (a construct never moves; one created in a scope has that scope's
  stack unless it is a stack itself, so :func:`adopt` links a new construct to its scope);
* values computed from a stack alone (``format_arn`` results, regional facts, account and
  Region) for that stack;
* a bucket's name and ARN (and what aws-cdk-lib derives from them by string concatenation: S3
  URLs and object ARNs, built here the way aws-cdk-lib builds them);
* immutable values (durations, a service principal) shared by every construct of the process.

Entries are keyed by the construct object (jsii keeps one Python proxy per node object, so object
identity is construct identity) in a ``WeakKeyDictionary``.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from aws_cdk import Annotations, Duration, Stack, Stage
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import IConstruct, Node

from ..tokens import is_unresolved, literal_prefix
from ._batch import Batch

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


def remembered(owner: Any, key: Hashable) -> Any:
    """What ``memo`` remembered for ``owner`` and ``key`` (None when nothing), without computing."""
    entries = _MEMO.get(owner)
    return entries.get(key) if entries is not None else None


def forget(owner: Any, key: Hashable) -> None:
    """Drop what ``memo`` remembered for ``owner`` and ``key``."""
    entries = _MEMO.get(owner)
    if entries is not None:
        entries.pop(key, None)


def adopt(child: IConstruct, scope: IConstruct) -> None:
    """Record that ``child`` (not a stack) was just created in ``scope``: it has ``scope``'s stack."""
    _entries(child)[_PARENT] = scope


def node_of(construct: IConstruct) -> Node:
    """``construct.node``, read once per construct."""
    return memo(construct, Node, lambda: construct.node)


def path_of(construct: IConstruct) -> str:
    """``construct.node.path``, asked once (or known from ``adopt_path`` without asking)."""
    return memo(construct, "path", lambda: construct.node.path)


def adopt_path(child: IConstruct, scope: IConstruct, construct_id: str) -> None:
    """Record the path of ``child``, just created as ``construct_id`` in ``scope``: the scope's path
    and the id (which constructs keeps as given, but for '/', which it replaces with '--'), so that
    reading it costs no round trip per construct."""
    if "\n" in construct_id:  # recent constructs releases store it as '--' too (their address separator)
        return  # asked of the node when needed
    memo(child, "path", lambda: "/".join(p for p in (path_of(scope), construct_id.replace("/", "--")) if p))


def annotations_of(construct: IConstruct) -> Annotations:
    """``Annotations.of(construct)``, asked once per construct."""
    return memo(construct, Annotations, lambda: Annotations.of(construct))


def stack_singleton(stack: Stack, construct_id: str, create: Callable[[Stack, str], T]) -> T:
    """The construct ``construct_id`` directly under ``stack``, created by ``create(stack, id)`` if missing.

    For imports that create no resource and are the same for every construct of the stack (a
    service-linked role, a public image repository): one import per stack instead of one per
    construct, as aws-cdk-lib does for its own singletons.
    """
    def find_or_create() -> T:
        found = stack.node.try_find_child(construct_id)
        return found if found is not None else create(stack, construct_id)  # type: ignore[return-value]

    return memo(stack, ("singleton", construct_id), find_or_create)


def stage_of(stack: Stack) -> IConstruct:
    """``Stage.of(stack)`` (the app or the ``Stage`` the stack is in; the root of a tree without an app),
    asked once per stack."""
    return memo(stack, "stage", lambda: Stage.of(stack) or stack.node.root)


def stack_environment(stack: Stack) -> tuple[str, str]:
    """``(stack.account, stack.region)`` (tokens in an environment-agnostic stack), asked in one round trip per
    stack."""
    def read() -> tuple[str, str]:
        batch = Batch()
        account, region = batch.get(batch.of(stack, "account")), batch.get(batch.of(stack, "region"))
        batch.run()
        return account.value, region.value

    return memo(stack, "environment", read)


def stack_of(scope: IConstruct) -> Stack:
    """``Stack.of(scope)``, asked of node at most once per scope (and once per chain of adopted scopes)."""
    entries = _entries(scope)
    stack: Stack | None = entries.get(_STACK)
    if stack is None:
        parent = entries.get(_PARENT)
        stack = stack_of(parent) if parent is not None else Stack.of(scope)
        entries[_STACK] = stack
    return stack


# -- values of an object that never change ---------------------------------------------------------
def bucket_name(bucket: s3.IBucket) -> str:
    """``bucket.bucket_name``, read once per bucket."""
    return memo(bucket, "bucket_name", lambda: bucket.bucket_name)


def bucket_arn(bucket: s3.IBucket) -> str:
    """``bucket.bucket_arn``, read once per bucket."""
    return memo(bucket, "bucket_arn", lambda: bucket.bucket_arn)


def s3_url(bucket: s3.IBucket, key: str) -> str:
    """``bucket.s3_url_for_object(key)`` without the round trip: aws-cdk-lib joins ``s3://``, the
    name and the key with one ``/`` between (``urlJoin`` in aws-s3's bucket.ts), so does this."""
    url = "s3://"
    for part in (bucket_name(bucket), key):
        url = f"{url.removesuffix('/')}/{part.removeprefix('/')}"
    return url


def object_key(key: str) -> str:
    """An object key as the template's URL names it: without leading ``/``.

    aws-cdk-lib's ``urlJoin`` drops a key's leading slashes from ``s3://`` URLs, so the grant on the
    object must drop them too: URL and grant come from this one normalisation.
    """
    return key if is_unresolved(key) else key.lstrip("/")


def key_folder(prefix: str) -> str:
    """A key prefix as a folder: ``""`` (the whole bucket) or ``"a/b/"`` (no leading, one trailing ``/``)."""
    if is_unresolved(prefix):
        return prefix
    stripped = prefix.strip("/")
    return f"{stripped}/" if stripped else ""


_IAM_SPECIAL = {"$": "${$}", "*": "${*}", "?": "${?}"}
"""What the IAM policy grammar reads specially in a resource ARN, and how it writes each as a literal."""


def iam_literal(key: str) -> str:
    """An S3 key (or prefix) as literal text of an IAM resource ARN: a '$' would start a policy variable
    (``${aws:username}``: the grant would match other keys than the ones SageMaker uses) and '*' and '?'
    would widen it, so each is written as the IAM User Guide's special-character variable (``${$}``,
    ``${*}``, ``${?}``). A string holding a token is left as it is, literal parts included: its value
    is not known, and a key built from a parameter should not hold these characters."""
    if is_unresolved(key) or not any(c in key for c in _IAM_SPECIAL):
        return key
    return "".join(_IAM_SPECIAL.get(c, c) for c in key)


def objects_in(folder: str) -> str:
    """The grant pattern of every object under :func:`key_folder` ``folder`` (``*`` for the whole bucket)."""
    return f"{iam_literal(folder)}*"


def arn_for_objects(bucket: s3.IBucket, pattern: str) -> str:
    """``bucket.arn_for_objects(pattern)`` without the round trip (``<bucket ARN>/<pattern>``, aws-s3's perms.ts)."""
    return f"{bucket_arn(bucket)}/{pattern}"


# -- immutable aws-cdk-lib values, created once per process ---------------------------------------
# A Duration or a JSONPath token is a value: sharing one object between constructs (and apps) of
# the same jsii kernel is what aws-cdk-lib's own constants (e.g. ``JsonPath.DISCARD``) do.
@functools.cache
def seconds(amount: int) -> Duration:
    """``Duration.seconds(amount)``."""
    return Duration.seconds(amount)


@functools.cache
def minutes(amount: int) -> Duration:
    """``Duration.minutes(amount)``."""
    return Duration.minutes(amount)


@functools.cache
def days(amount: int) -> Duration:
    """``Duration.days(amount)``."""
    return Duration.days(amount)


@functools.cache
def service_principal(service: str) -> iam.ServicePrincipal:
    """``iam.ServicePrincipal(service)`` (no options: the same principal everywhere)."""
    return iam.ServicePrincipal(service)


def with_literal_start(scope: IConstruct, value: Any) -> Any:
    """``value`` for validation: a token string (``Fn.join``, ``Fn.sub``, an import) is one opaque
    ``${Token[...]}``, so its literal text at deploy time is asked from the stack (one round trip, for
    opaque token strings only) and written around token markers: ``Fn.join("", ["my_", Aws.STACK_NAME])``
    is checked as ``my_${Token[...]}``, where ``tokens.literal_prefix`` and ``tokens.literal_parts`` read
    it. Any other value is returned as it is."""
    if not isinstance(value, str) or not is_unresolved(value) or literal_prefix(value):
        return value
    try:
        stack = stack_of(scope)
    except RuntimeError:  # a construct outside any stack (an import by ARN may live in the App): nothing to ask
        return value
    return _skeleton(stack.resolve(value), value)


_SUB_VARIABLE = re.compile(r"\$\{[^!}][^}]*\}")


def _skeleton(resolved: Any, marker: str) -> str:
    """The literal text of a resolved intrinsic with ``marker`` (a token) where a value is known only at
    deploy time: an ``Fn::Join``'s literal parts and delimiters, an ``Fn::Sub`` template's text."""
    if isinstance(resolved, str):
        return resolved
    if not isinstance(resolved, dict) or len(resolved) != 1:
        return marker
    join, sub = resolved.get("Fn::Join"), resolved.get("Fn::Sub")
    if isinstance(join, list) and len(join) == 2 and isinstance(join[0], str) and isinstance(join[1], list):
        return join[0].join(_skeleton(part, marker) for part in join[1])
    template = sub[0] if isinstance(sub, list) and sub else sub
    if isinstance(template, str):
        return _SUB_VARIABLE.sub(lambda _: marker, template).replace("${!", "${")
    return marker
