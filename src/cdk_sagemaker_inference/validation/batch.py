"""Batch transform rules (the constraint table, area "Batch transform"), plus the job-name scheme.

Job names: a transform job's name must be unique in the account and Region forever, so every
execution of a :class:`~cdk_sagemaker_inference.BatchTransformJob` state machine names its job
``<prefix>-<md5>``, where ``md5`` is the 32 hex digits of the MD5 hash of the execution's ARN and
start time (``States.Hash`` in the state machine). The name is derived from the execution (the
same execution always computes the same name), never from the caller-chosen execution name
directly (it may hold up to 80 characters such as ``_`` that a job name cannot), and adding the
start time keeps it unique even when an execution name is reused after its history expired.
The prefix is therefore at most 63 - 1 - 32 = 30 characters.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from ..constraints import ENV_KEY_PATTERN, constraint
from ..errors import Problem
from ..specs import ModelSpec
from ..tokens import is_unresolved
from .checks import Checker, revalidated
from .instances import check_instance_type

JOB_NAME_MAX_LENGTH = 63
"""TransformJobName: at most 63 characters."""
JOB_NAME_HASH_LENGTH = 32
"""Hex digits of MD5, the part of the job name that differs per execution."""
MAX_JOB_NAME_PREFIX_LENGTH = JOB_NAME_MAX_LENGTH - 1 - JOB_NAME_HASH_LENGTH
"""30: the prefix, a hyphen and the hash fill 63 characters."""
S3_AVOID_CHARACTERS = "\\{}^%`[]\"'<>~#|"
"""Characters the S3 user guide advises against in keys; several also break intrinsic strings."""
JSON_CONTENT_TYPES = ("application/json", "application/jsonlines", "application/x-jsonlines")
CSV_CONTENT_TYPES = ("text/csv",)


def job_name_for(prefix: str, digest: str) -> str:
    """The job name an execution computes: ``<prefix>-<digest>`` (the state machine's expression)."""
    return f"{prefix}-{digest}"


def default_job_name_prefix(construct_id: str, unique: str) -> str:
    """A valid prefix from a construct id (any characters) and a unique hex string (``node.addr``).

    Letters and digits of the id are kept (lower-cased, other characters become '-'), cut to
    21 characters, and followed by '-' and 8 characters of ``unique``: at most 30 characters.
    """
    cleaned = re.sub(r"[^a-z0-9]+", "-", construct_id.lower()).strip("-")[:21].strip("-")
    return f"{cleaned or 'transform'}-{unique[:8].lower()}"


def validate_job_name_prefix(check: Checker, prefix: object) -> None:
    """The prefix makes valid job names: the row's pattern, and ≤ 30 characters (room for the hash)."""
    field = "job_name_prefix"
    if prefix is None or is_unresolved(prefix):
        return
    if not check.text("batch.job-name", field, prefix,
                      fix=f"use 1–{MAX_JOB_NAME_PREFIX_LENGTH} letters, digits and hyphens, starting and "
                      "ending with a letter or digit"):
        return
    assert isinstance(prefix, str)
    if len(prefix) > MAX_JOB_NAME_PREFIX_LENGTH:
        check.fail("batch.job-name", field, prefix,
                   f"is {len(prefix)} characters long: each run's job name is the prefix, '-' and a "
                   f"{JOB_NAME_HASH_LENGTH}-character hash, so the prefix may have at most "
                   f"{MAX_JOB_NAME_PREFIX_LENGTH} characters",
                   f"shorten it to {MAX_JOB_NAME_PREFIX_LENGTH} characters or fewer")


def check_s3_key(check: Checker, field: str, key: object) -> bool:
    """An S3 key or prefix is a string: S3 takes any UTF-8 key, and the job's state machine escapes what
    its intrinsic functions and patterns treat specially, so the characters S3 advises against are advice
    (:func:`s3_key_advice`), not a refusal."""
    if key is None or is_unresolved(key):
        return True
    if not isinstance(key, str):
        check.fail("props.type", field, key, f"must be a string, got {type(key).__name__}",
                   "pass the key or prefix as a string, e.g. 'input/'")
        return False
    return True


def s3_key_advice(field: str, key: object) -> list[Problem]:
    """Warnings for a key or prefix with characters the S3 guide advises against, or a leading '/'."""
    check = Checker()
    if not isinstance(key, str) or is_unresolved(key):
        return []
    # Control characters only: letters beyond ASCII (é, ü, 中) are valid UTF-8 key characters.
    bad = sorted({c for c in key if c in S3_AVOID_CHARACTERS or ord(c) < 32 or 127 <= ord(c) <= 159})
    if bad:
        pattern = (" A '\\' in the input location also goes into the Step Functions StringMatches pattern that checks "
                   "an execution's inputUri, whose handling of a backslash is not documented: a given inputUri under "
                   "this prefix may be refused when the job runs (the configured input always works)."
                   if "\\" in bad and field in ("input.key", "input.data_prefix") else "")
        check.fail("batch.s3-key-characters", field, key,
                   f"contains {' '.join(repr(c) for c in bad)}, which the S3 guide advises against in keys (tools, "
                   f"URLs and shells may need them escaped); SageMaker and the job's state machine take them.{pattern}",
                   "if you can, use letters, digits and ! - _ . * ( ) / in keys and prefixes")
    if key.startswith("/"):
        check.fail("batch.s3-key-characters", field, key,
                   "starts with '/': the keys begin with a slash (s3://bucket//...), which S3 allows but "
                   "is rarely meant", f"drop the leading slash, {key.lstrip('/')!r}, unless the keys do begin "
                   "with one")
    return check.problems


def batch_strategy_advice(batch_strategy: object, split_type: object) -> list[Problem]:
    """A batch strategy without records to split (``batch.batch-strategy-split``): SageMaker runs it, each file
    being one record (the API reference: "to enable the batch strategy, you must set the SplitType property"),
    so a warning, not a refusal."""
    check = Checker()
    if batch_strategy in ("MultiRecord", "SingleRecord") and split_type == "None":
        check.fail("batch.batch-strategy-split", "batch_strategy", batch_strategy,
                   f"{batch_strategy} batches records, but input.split_type is None: each file is one record, so the "
                   "strategy has no effect (a MultiRecord job with images or whole documents works this way)",
                   "set input split_type to SplitType.LINE (CSV, JSON Lines), RECORD_IO or TF_RECORD to batch "
                   "records, or drop batch_strategy")
    return check.problems


@revalidated
def validate_batch_transform(
    *,
    instance_type: object,
    known_instance_types: Collection[str],
    allow_unknown_instance_type: bool = False,
    instance_count: object = 1,
    volume_kms_key: bool = False,
    local_nvme: bool = False,
    data_type: object = "S3Prefix",
    content_type: object = None,
    compression: object = "None",
    split_type: object = "None",
    accept: object = None,
    assemble_with: object = "None",
    batch_strategy: object = None,
    max_payload_mb: object = None,
    max_concurrent_transforms: object = None,
    environment: Mapping[Any, Any] | None = None,
    invocation_timeout_seconds: object = None,
    invocation_max_retries: object = None,
    input_filter: object = None,
    output_filter: object = None,
    join_source: object = None,
) -> list[Problem]:
    """Problems of a transform job's own settings (enum values as their API strings)."""
    check = Checker()
    # -- resources
    check_instance_type(check, "batch.instance-type", "instance_type", instance_type, known_instance_types,
                        allow_unknown=allow_unknown_instance_type)
    check.number("batch.instance-count", "instance_count", instance_count)
    if volume_kms_key and local_nvme:
        check.fail("batch.volume-kms-local-storage", "volume_kms_key", str(instance_type),
                   f"{instance_type} has local NVMe instance storage, which the hardware encrypts: "
                   "CreateTransformJob refuses a VolumeKmsKeyId for it",
                   "drop volume_kms_key, or pick an instance type without local storage (e.g. ml.m5.xlarge)")
    # -- input and output
    check.one_of("batch.s3-data-type", "input.data_type", data_type)
    check.one_of("batch.compression", "input.compression", compression)
    check.one_of("batch.split-type", "input.split_type", split_type)
    for field, media_type in (("input.content_type", content_type), ("output.accept", accept)):
        check.text("batch.content-types", field, media_type,
                   fix="use a media type of at most 256 characters on one line, e.g. text/csv (no line break)")
    check.one_of("batch.assemble-with", "output.assemble_with", assemble_with)
    # -- batching
    if batch_strategy is not None:
        check.one_of("batch.batch-strategy", "batch_strategy", batch_strategy)
    payload_ok = check.number("batch.max-payload", "max_payload_mb", max_payload_mb)
    concurrency_ok = check.number("batch.max-concurrent-transforms", "max_concurrent_transforms",
                                  max_concurrent_transforms)
    if (payload_ok and concurrency_ok and _known_int(max_payload_mb) and _known_int(max_concurrent_transforms)):
        assert isinstance(max_payload_mb, int) and isinstance(max_concurrent_transforms, int)
        product = max_payload_mb * max_concurrent_transforms
        limit = int(constraint("batch.payload-times-concurrency").maximum or 100)
        if product > limit:
            check.fail("batch.payload-times-concurrency", "max_payload_mb × max_concurrent_transforms",
                       f"{max_payload_mb} × {max_concurrent_transforms}",
                       f"{max_payload_mb} MB × {max_concurrent_transforms} concurrent transforms = {product} MB, "
                       f"above {limit} MB",
                       f"lower max_concurrent_transforms to {max(limit // max(max_payload_mb, 1), 1)} or less, "
                       "or lower max_payload_mb")
    _check_environment(check, environment)
    check.number("batch.invocation-timeout", "invocation_timeout", invocation_timeout_seconds,
                 fix="use a Duration between 1 second and 1 hour, in whole seconds")
    check.number("batch.invocation-retries", "invocation_max_retries", invocation_max_retries)
    # -- data processing
    for field, value in (("data_processing.input_filter", input_filter),
                         ("data_processing.output_filter", output_filter)):
        if check.text("batch.filters", field, value) and isinstance(value, str) and not is_unresolved(value) \
                and not value.startswith("$"):
            check.fail("batch.filters", field, value, "is not a JSONPath expression (it must start with '$')",
                       "use e.g. '$[1:]' (CSV: drop the first column) or '$.features' (JSON)")
    check.one_of("batch.join-source", "data_processing.join_source", join_source)
    if join_source == "Input":
        _check_join(check, content_type, split_type, assemble_with)
    return check.problems


def _check_environment(check: Checker, environment: Mapping[Any, Any] | None) -> None:
    if environment is None:
        return
    check.count("batch.environment", "environment", environment, fix="pass at most 16 variables")
    row = constraint("batch.environment")
    for key, value in environment.items():
        field = f"environment[{key!r}]"
        if not is_unresolved(key) and (not isinstance(key, str) or not re.fullmatch(ENV_KEY_PATTERN, key)
                                       or len(key) > 1024):
            check.fail("batch.environment", field, key, f"is not a valid variable name ({ENV_KEY_PATTERN})",
                       "use letters, digits and '_', not starting with a digit (≤ 1024 characters)")
        if not isinstance(value, str):
            check.fail("batch.environment", field, value, f"values must be strings, got {type(value).__name__}",
                       "convert the value to a string, e.g. str(value)")
        elif not is_unresolved(value) and row.max_length is not None and len(value) > row.max_length:
            check.fail("batch.environment", field, f"<{len(value)} characters>",
                       f"is longer than {row.max_length} characters", "shorten the value or load it from S3")


def _media_type(content_type: object) -> str | None:
    if not isinstance(content_type, str) or is_unresolved(content_type):
        return None
    return content_type.split(";", 1)[0].strip().lower()


def _check_join(check: Checker, content_type: object, split_type: object, assemble_with: object) -> None:
    media = _media_type(content_type)
    if media is None:
        return  # unknown (unset or a token): SageMaker checks it when the job starts
    if media in CSV_CONTENT_TYPES:
        if split_type != "Line":
            check.fail("batch.join-csv", "input.split_type", split_type,
                       "joining CSV input to its output needs split_type Line",
                       "set input split_type=SplitType.LINE")
        if assemble_with != "Line":
            check.fail("batch.join-csv", "output.assemble_with", assemble_with,
                       "joining CSV input to its output needs assemble_with Line",
                       "set output assemble_with=AssembleWith.LINE")
    elif media not in JSON_CONTENT_TYPES:
        check.fail("batch.join-csv", "data_processing.join_source", "Input",
                   f"input.content_type {content_type!r} cannot be joined: only JSON and CSV input can",
                   "drop join_source, or use text/csv or application/json(lines) input")


def _known_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and not is_unresolved(value)


@revalidated
def validate_batch_model(model: ModelSpec) -> list[Problem]:
    """Problems of a model that batch transform cannot run."""
    check = Checker()
    multi = len(model.containers) > 1
    for index, container in enumerate(model.containers):
        where = f"model.containers[{index}]" if multi else "model"
        if container.model_data_uncompressed:
            check.fail("batch.no-uncompressed-model", f"{where}.model_data", container.model_data_url,
                       "uncompressed model data (ModelDataSource) cannot be used with batch transform",
                       "package the model as model.tar.gz (ModelData.from_bucket/from_asset)")
    return check.problems


@revalidated
def validate_schedule_expression(expression: object, *, scheduler: bool) -> list[Problem]:
    """An EventBridge rule (``scheduler=False``) or EventBridge Scheduler schedule expression."""
    check = Checker()
    field = "schedule"
    if expression is None or is_unresolved(expression):
        return check.problems
    if not isinstance(expression, str):
        check.fail("batch.schedule", field, expression, f"must be a string, got {type(expression).__name__}",
                   "build it with events.Schedule or scheduler.ScheduleExpression")
        return check.problems
    from .schedules import check_schedule  # the schedule rules load with the first schedule

    check_schedule(check, "batch.schedule", field, expression, at=scheduler, rate_unit_agrees=True)
    return check.problems


@revalidated
def validate_new_input_trigger(
    *,
    input_bucket: object,
    input_prefix: object,
    output_bucket: object,
    output_prefix: object,
    capture_bucket: object = None,
    capture_prefix: object = None,
    key_suffix: object = None,
) -> list[Problem]:
    """A run started by new input must not write where new input starts a run (an endless loop).

    ``*_bucket`` are the buckets' names (a literal, or the name token of a bucket of this app): the
    same bucket imported twice has the same name, so it is compared by name, not by object.
    """
    check = Checker()
    if key_suffix is not None:
        if not isinstance(key_suffix, str) or not key_suffix or is_unresolved(key_suffix):
            if not is_unresolved(key_suffix):
                check.fail("batch.on-new-input", "on_new_input.key_suffix", key_suffix,
                           "must be a non-empty string", "pass e.g. '.csv', or None for every object")
        else:
            check_s3_key(check, "on_new_input.key_suffix", key_suffix)
    for field, bucket, prefix in (("output", output_bucket, output_prefix),
                                  ("data_capture", capture_bucket, capture_prefix)):
        if bucket is None or bucket != input_bucket:
            continue
        if not all(isinstance(p, str) and not is_unresolved(p) for p in (prefix, input_prefix)):
            continue
        assert isinstance(prefix, str) and isinstance(input_prefix, str)
        if prefix.startswith(input_prefix) or input_prefix.startswith(prefix):
            check.fail("batch.on-new-input", f"{field}.prefix", prefix,
                       f"writes into the input location (prefix {input_prefix!r}) that on_new_input watches: "
                       "each run's results would start another run",
                       "write to another bucket or to a prefix outside the input prefix")
    return check.problems

