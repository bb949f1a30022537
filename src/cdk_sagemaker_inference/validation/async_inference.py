"""Asynchronous inference rules (the constraint table, area "Async").

Plain values in, problems out: the ``AsyncEndpoint`` construct translates its typed props
(buckets, topics, keys, durations) into strings and numbers before calling these.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import Problem
from ..specs import ModelSpec
from ..tokens import is_unresolved
from .checks import Checker, revalidated
from .instances import check_autoscaling_instance_type

__all__ = [
    "INCLUDE_RESPONSE_TOPIC_FIELDS",
    "LocationSpec",
    "async_warnings",
    "validate_async_inference",
    "validate_async_locations",
    "validate_async_model",
    "validate_async_scaling",
    "validate_expiration",
    "validate_prefix_lengths",
]

INCLUDE_RESPONSE_TOPIC_FIELDS: Mapping[str, str] = {
    "SUCCESS_NOTIFICATION_TOPIC": "success_topic",
    "ERROR_NOTIFICATION_TOPIC": "error_topic",
}
"""Each ``IncludeInferenceResponseIn`` value and the topic prop it needs."""


@dataclass(frozen=True)
class LocationSpec:
    """One S3 location of an async endpoint, as validation sees it."""

    field: str
    """The prop that set it, e.g. ``"output_location"``."""
    bucket: str
    """Identifies the bucket (its name, or a stable id when the name is a token)."""
    prefix: str
    """The key prefix, without leading or trailing ``/``."""
    uri: str
    """The S3 URI rendered into the endpoint config (a placeholder stands for a token bucket name)."""


@revalidated
def validate_async_inference(
    *,
    output_path: object,
    failure_path: object,
    output_field: str = "output_location",
    failure_field: str = "failure_location",
    kms_key_id: object = None,
    max_concurrent_invocations_per_instance: object = None,
    success_topic_arn: object = None,
    error_topic_arn: object = None,
    creates_success_topic: bool = False,
    creates_error_topic: bool = False,
    include_inference_response_in: Sequence[object] = (),
) -> list[Problem]:
    """Problems of an ``AsyncInferenceConfig`` (output config, notifications, client config).

    A topic the construct creates has no ARN yet: ``creates_*_topic`` says it will exist.
    """
    check = Checker()
    for field, path in ((output_field, output_path), (failure_field, failure_path)):
        if path is None:
            check.fail("async.output-path", field, None, "is required",
                       "pass an S3 location (or let the construct create its bucket)")
            continue
        check.text("async.output-path", field, path,
                   fix="use s3://bucket/prefix with at most 512 characters in all (shorten the prefix)")
    check.text("async.kms-key-id", "kms_key", kms_key_id, fix="pass a KMS key whose ARN has at most 2048 characters")
    check.number("async.max-concurrent-invocations", "max_concurrent_invocations_per_instance",
                 max_concurrent_invocations_per_instance,
                 fix="use 1–1000, or leave it unset to let SageMaker choose")
    for field, arn in (("success_topic", success_topic_arn), ("error_topic", error_topic_arn)):
        check.text("async.notification-topics", field, arn,
                   fix="pass an sns.ITopic of this partition (arn:aws:sns:<region>:<12-digit account>:<name>)")
    topics = {"success_topic": success_topic_arn is not None or creates_success_topic,
              "error_topic": error_topic_arn is not None or creates_error_topic}
    seen: set[object] = set()
    for index, value in enumerate(include_inference_response_in):
        field = f"include_inference_response_in[{index}]"
        if not check.one_of("async.include-response", field, value,
                            fix="use IncludeInferenceResponseIn.SUCCESS_NOTIFICATION_TOPIC or ERROR_NOTIFICATION_TOPIC"):
            continue
        if value in seen:
            check.fail("async.include-response", field, value, "is listed twice", "list each topic type once")
            continue
        seen.add(value)
        needed = INCLUDE_RESPONSE_TOPIC_FIELDS[str(value)]
        if not topics[needed]:
            check.fail("async.include-response", field, value,
                       f"includes the response in the {needed.replace('_', ' ')}, but there is no {needed}",
                       f"pass {needed} (or keep create_topics=True), or drop {value} from "
                       "include_inference_response_in")
    return check.problems


_MAX_KEY_BYTES = 1024
"""An S3 object key: at most 1,024 bytes of UTF-8 (S3 User Guide, object keys)."""


@revalidated
def validate_prefix_lengths(prefixes: Mapping[str, str]) -> list[Problem]:
    """Each location's prefix (by the prop that set it) leaves room for an object key under it (a refusal,
    unlike the overlap advice)."""
    check = Checker()
    for field, prefix in prefixes.items():
        if is_unresolved(prefix):
            continue
        size = len(prefix.encode("utf-8"))
        if size + 2 > _MAX_KEY_BYTES:  # the prefix, '/' and one character
            check.fail("async.prefix-length", field, f"{prefix[:40]}…",
                       f"is {size} bytes long: no object key fits under it (an S3 key is at most {_MAX_KEY_BYTES} "
                       "bytes)", "use a prefix of at most 1,022 bytes")
    return check.problems


@revalidated
def validate_async_locations(locations: Sequence[LocationSpec]) -> list[Problem]:
    """Each location has a prefix, and locations in one bucket do not overlap."""
    check = Checker()
    for location in locations:
        if is_unresolved(location.prefix):
            continue
        if not location.prefix:
            check.fail("async.distinct-locations", f"{location.field}.prefix", location.prefix,
                       "is empty: the location would be the whole bucket",
                       "give each location its own prefix, e.g. 'input', 'output', 'failure'")

    for index, first in enumerate(locations):
        for second in locations[index + 1:]:
            if first.bucket != second.bucket or not first.prefix or not second.prefix:
                continue
            if is_unresolved(first.prefix) or is_unresolved(second.prefix):
                continue
            if _overlaps(first.prefix, second.prefix):
                check.fail("async.distinct-locations", f"{second.field}.prefix", second.prefix,
                           f"overlaps {first.field}.prefix ({first.prefix!r}) in the same bucket",
                           "use prefixes that do not contain each other, e.g. 'input', 'output', 'failure'")
    return check.problems


def _overlaps(first: str, second: str) -> bool:
    a, b = first.strip("/") + "/", second.strip("/") + "/"
    return a.startswith(b) or b.startswith(a)


@revalidated
def validate_async_scaling(
    *,
    min_instances: object,
    max_instances: object,
    target_backlog_per_instance: object,
    cooldowns: Mapping[str, object],
    instance_type: object,
) -> list[Problem]:
    """Problems of the backlog autoscaling (``min_instances`` None: no autoscaling, nothing to check)."""
    check = Checker()
    if min_instances is None:
        return check.problems
    if max_instances is None:
        check.fail("async.autoscaling-settings", "max_instances", None, "is required with min_instances",
                   "pass max_instances ≥ 1 (default 2)")
    if target_backlog_per_instance is None:
        check.fail("async.autoscaling-settings", "target_backlog_per_instance", None,
                   "is required with min_instances", "pass a number > 0 (default 5)")
    min_ok = check.number("async.scale-to-zero", "min_instances", min_instances,
                          fix="use 0 to scale to zero, or a positive number of instances")
    max_ok = check.number("async.autoscaling-settings", "max_instances", max_instances,
                          fix="use a whole number of instances ≥ 1")
    if (min_ok and max_ok and isinstance(min_instances, int) and isinstance(max_instances, int)
            and not is_unresolved(min_instances) and not is_unresolved(max_instances)
            and min_instances > max_instances):
        check.fail("async.scale-to-zero", "min_instances", min_instances,
                   f"is greater than max_instances ({max_instances})",
                   f"lower min_instances to {max_instances} or less, or raise max_instances")
    check.positive("async.autoscaling-settings", "target_backlog_per_instance", target_backlog_per_instance,
                   out_of_range="{value} is out of range: must be greater than 0", type_fix="pass a number > 0, e.g. 5",
                   fix="use the number of queued requests one instance should have, e.g. 5")
    for field, seconds in cooldowns.items():
        _check_whole(check, "async.autoscaling-settings", field, seconds, minimum=0, unit="seconds",
                     fix="use Duration.seconds(n) or Duration.minutes(n) with whole seconds ≥ 0")
    check_autoscaling_instance_type(check, "instance_type", instance_type)
    return check.problems


@revalidated
def validate_expiration(field: str, days: object, *, bucket_created: bool) -> list[Problem]:
    """A lifecycle expiration (in days) of the construct's own bucket."""
    check = Checker()
    if days is None:
        return check.problems
    if not bucket_created:
        check.fail("async.bucket-expiration", field, days,
                   "expires objects in a bucket you passed in: the construct only manages its own bucket",
                   f"drop {field} and add a lifecycle rule to your bucket, or let the construct create the bucket")
        return check.problems
    _check_whole(check, "async.bucket-expiration", field, days, minimum=1, unit="days",
                 fix="use Duration.days(n) with n ≥ 1")
    return check.problems


def async_warnings(*, instance_type: object, autoscaled: bool) -> list[Problem]:
    """Advice (synth warnings, not errors) for an async endpoint."""
    check = Checker()
    if autoscaled:
        check.fail("migration.autoscaled-instance-type", "instance_type", instance_type,
                   "the variant is autoscaled: an update that changes its instance type fails while it is "
                   "registered with Application Auto Scaling",
                   "to change the type later: deploy once without min_instances (deregisters it), then change "
                   "the type, then set min_instances again")
    return check.problems


@revalidated
def validate_async_model(model: ModelSpec) -> list[Problem]:
    """Problems of a model that an async endpoint cannot run."""
    check = Checker()
    multi = len(model.containers) > 1
    for index, container in enumerate(model.containers):
        where = f"model.containers[{index}]" if multi else "model"
        if container.marketplace:
            check.fail("async.no-marketplace", f"{where}.model_package", True,
                       "asynchronous inference does not support AWS Marketplace model packages",
                       "host the Marketplace package on a RealtimeEndpoint, or use your own image")
        if container.mode == "MultiModel":
            check.fail("async.no-multi-model", f"{where}.mode", "MultiModel",
                       "an async endpoint cannot host a multi-model container: InvokeEndpointAsync cannot pick "
                       "a target model", "use a SingleModel container (one model per async endpoint), or a "
                       "RealtimeEndpoint for multi-model hosting")
    if multi and model.inference_execution_mode == "Direct":
        check.fail("async.no-direct-invocation", "model.inference_execution_mode", "Direct",
                   "an async endpoint cannot invoke one container of a multi-container model: "
                   "InvokeEndpointAsync cannot pick a target container",
                   "use InferenceExecutionMode.SERIAL (an inference pipeline), or a RealtimeEndpoint for "
                   "Direct invocation")
    return check.problems


def _check_whole(check: Checker, constraint_id: str, field: str, value: object, *, minimum: float,
                 unit: str, fix: str) -> None:
    if value is None or is_unresolved(value):
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        check.fail(constraint_id, field, value, f"must be a number of {unit}, got {type(value).__name__}", fix)
        return
    if not math.isfinite(value) or value != int(value):
        check.fail(constraint_id, field, f"{value} {unit}", f"is not a whole number of {unit}", fix)
        return
    if value < minimum:
        check.fail(constraint_id, field, f"{int(value)} {unit}",
                   f"{int(value)} {unit} is out of range: must be at least {int(minimum)} {unit}", fix)
