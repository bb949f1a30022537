"""BatchTransformJob: SageMaker batch transform as a deployable, repeatable Step Functions pipeline.

CloudFormation has no transform-job resource, so the construct deploys a state machine that runs
one transform job per execution (``arn:aws:states:::sagemaker:createTransformJob.sync``), on
demand, on a schedule or when input lands in S3, and reports the outcome on an SNS topic::

    NameJob ─► SelectInput ─┬─ UseGivenInput ──────┐
                            ├─ UseConfiguredInput ─┴─► TransformJob ─► NotifySuccess
                            └─ RejectInput ─────────────────┐    │ (catch: any error)
                                                            └────┴─► NotifyFailure ─► Failed

``NameJob`` names the job ``<job_name_prefix>-<MD5 of the execution ARN and start time>`` (see
:mod:`cdk_sagemaker_inference.validation.batch`) and, unless told otherwise, its output location
``s3://<bucket>/<prefix><job name>/``. An execution input ``{"inputUri": "s3://..."}`` transforms
other data under the configured input location (``on_new_input`` uses it for the new object).
"""

from __future__ import annotations

import base64
import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import jsii
from aws_cdk import Annotations, ArnFormat, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as events_targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct, IValidation

from ..errors import ValidationError, problems_of
from ..instance_types import InstanceType, has_local_nvme, known_transform_types
from ..stack_limits import watch_stack_limits
from ..tokens import is_unresolved, lower_literals
from ..typecheck import TypeChecks, checked, duration_amount, props_class
from ..validation.batch import (
    JOB_NAME_HASH_LENGTH,
    batch_strategy_advice,
    check_s3_key,
    default_job_name_prefix,
    s3_key_advice,
    validate_batch_model,
    validate_batch_transform,
    validate_job_name_prefix,
    validate_new_input_trigger,
    validate_schedule_expression,
)
from ..validation.checks import Checker, check_s3_uri
from ._base import (
    RemovalPolicyMixin,
    acknowledge,
    acknowledge_all,
    acknowledge_literal_placeholders,
    annotate,
    create_topic,
    create_unscoped_policy,
    nag_flatten,
    nag_objects,
    role_for_grants,
    topic_key,
    with_notes,
)
from ._batch import Batch, Ref
from ._environment import environment_problems
from ._lazy import lazy_module
from ._memo import adopt, bucket_name, iam_literal, memo, minutes, objects_in, seconds, stack_of
from .model import InferenceModel

# Only dead_letter_queue uses it: imported on first use (see _lazy).
if TYPE_CHECKING:
    from aws_cdk import aws_sqs as sqs
else:
    sqs = lazy_module("aws_cdk.aws_sqs")

__all__ = [
    "AssembleWith",
    "BatchDataCapture",
    "BatchStrategy",
    "BatchTransformInput",
    "BatchTransformJob",
    "BatchTransformOutput",
    "CompressionType",
    "DataProcessing",
    "JoinSource",
    "NewInputTrigger",
    "SplitType",
    "TransformDataType",
]

TRANSFORM_RESOURCE = "sagemaker:createTransformJob.sync"
"""The Step Functions integration the state machine runs (Run a Job: waits for the job to end)."""
SYNC_EVENTS_RULE = "StepFunctionsGetEventsForSageMakerTransformJobsRule"
"""The EventBridge rule Step Functions manages in the account to learn when transform jobs end."""
EXECUTION_TAG_KEY = "cdk-sagemaker-inference:execution"
"""Tag on every transform job: the ARN of the execution that started it."""
INPUT_URI_FIELD = "inputUri"
"""Execution input field that points one run at other data under the configured input location."""


class CompressionType(enum.Enum):
    """Compression of the input objects (``TransformInput.CompressionType``)."""

    NONE = "None"
    GZIP = "Gzip"


class SplitType(enum.Enum):
    """How SageMaker splits input objects into records (``TransformInput.SplitType``)."""

    NONE = "None"
    """Each object is one record."""
    LINE = "Line"
    """One record per line (CSV, JSON Lines)."""
    RECORD_IO = "RecordIO"
    TF_RECORD = "TFRecord"


class AssembleWith(enum.Enum):
    """How results are written into output objects (``TransformOutput.AssembleWith``)."""

    NONE = "None"
    """Results concatenated as they are."""
    LINE = "Line"
    """A newline after every result."""


class BatchStrategy(enum.Enum):
    """Records per request to the container (``BatchStrategy``); needs a split type other than NONE."""

    MULTI_RECORD = "MultiRecord"
    """As many records as fit into ``max_payload_mb``."""
    SINGLE_RECORD = "SingleRecord"
    """One record per request."""


class JoinSource(enum.Enum):
    """Whether to join each input record to its result (``DataProcessing.JoinSource``)."""

    NONE = "None"
    INPUT = "Input"


class TransformDataType(enum.Enum):
    """What the input location names (``TransformS3DataSource.S3DataType``)."""

    S3_PREFIX = "S3Prefix"
    """Every object whose key starts with the prefix."""
    MANIFEST_FILE = "ManifestFile"
    """A manifest object that lists the objects to transform."""


@props_class
@dataclass(frozen=True, kw_only=True)
class BatchTransformInput:
    """Where the records are and how to read them. Use :meth:`from_prefix` or :meth:`from_manifest`."""

    bucket: s3.IBucket
    """The input bucket (the model's role gets read access to the input location). No default."""
    key: str = ""
    """The key prefix (``S3_PREFIX``) or the manifest's key (``MANIFEST_FILE``). Default: ``""``
    (the whole bucket)."""
    data_type: TransformDataType = TransformDataType.S3_PREFIX
    """Default: ``S3_PREFIX``."""
    content_type: str | None = None
    """MIME type of the input (≤ 256 characters), e.g. ``text/csv``. Default: none (the container's
    default). Joining input to output (``JoinSource.INPUT``) works for CSV and JSON only."""
    compression: CompressionType = CompressionType.NONE
    """Default: ``NONE``."""
    split_type: SplitType = SplitType.NONE
    """Default: ``NONE`` (one record per object). ``batch_strategy`` needs another split type, and
    joining CSV input needs ``LINE``."""
    data_prefix: str | None = None
    """``MANIFEST_FILE`` only: the key prefix of the objects the manifest lists (the model's role
    may read under it, and an execution's ``inputUri`` may name another manifest under it).
    Default: the manifest's folder."""

    @staticmethod
    @checked("BatchTransformInput.from_prefix")
    def from_prefix(bucket: s3.IBucket, prefix: str = "", *, content_type: str | None = None,
                    compression: CompressionType = CompressionType.NONE,
                    split_type: SplitType = SplitType.NONE) -> BatchTransformInput:
        """Every object under ``prefix`` in ``bucket`` (``prefix`` default: the whole bucket)."""
        return BatchTransformInput(bucket=bucket, key=prefix, data_type=TransformDataType.S3_PREFIX,
                                   content_type=content_type, compression=compression, split_type=split_type)

    @staticmethod
    @checked("BatchTransformInput.from_manifest")
    def from_manifest(bucket: s3.IBucket, manifest_key: str, *, data_prefix: str | None = None,
                      content_type: str | None = None, compression: CompressionType = CompressionType.NONE,
                      split_type: SplitType = SplitType.NONE) -> BatchTransformInput:
        """The objects listed by the manifest at ``manifest_key`` (``data_prefix``: see the field)."""
        return BatchTransformInput(bucket=bucket, key=manifest_key, data_type=TransformDataType.MANIFEST_FILE,
                                   content_type=content_type, compression=compression, split_type=split_type,
                                   data_prefix=data_prefix)

    @property
    def readable_prefix(self) -> str:
        """The key prefix the model's role may read, and under which ``inputUri`` overrides may point."""
        if self.data_type is TransformDataType.MANIFEST_FILE:
            if self.data_prefix is not None:
                return self.data_prefix
            return self.key.rsplit("/", 1)[0] + "/" if "/" in self.key else ""
        return self.key


@props_class
@dataclass(frozen=True, kw_only=True)
class BatchTransformOutput:
    """Where results go and how they are written."""

    bucket: s3.IBucket | None = None
    """The output bucket. Default: a bucket the construct creates (public access blocked, TLS
    enforced, encrypted with ``kms_key`` or S3-managed keys)."""
    prefix: str = ""
    """Key prefix of the results; a ``/`` is appended when missing. Default: ``""``."""
    per_run_prefix: bool = True
    """Each run writes under ``<prefix><job name>/``. Default: True. With False every run writes to
    ``<prefix>`` (a later run's objects replace an earlier run's of the same name)."""
    accept: str | None = None
    """MIME type of the results (≤ 256 characters). Default: none (the container's default)."""
    assemble_with: AssembleWith = AssembleWith.NONE
    """Default: ``NONE``. Joining CSV input to its output needs ``LINE``."""
    kms_key: kms.IKey | None = None
    """Key SageMaker encrypts the results with (the model's role may use it; a created bucket uses
    it as its default key). Default: the bucket's default encryption."""
    server_access_logs_bucket: s3.IBucket | None = None
    """Server access logs of a bucket the construct creates. Default: none (the cdk-nag finding is
    acknowledged: results are read by granted roles only and CloudTrail data events cover audits)."""
    server_access_logs_prefix: str | None = None
    """Default: none (the root of ``server_access_logs_bucket``)."""


@props_class
@dataclass(frozen=True, kw_only=True)
class DataProcessing:
    """Filter records before and after inference, and join results to their input (``DataProcessing``)."""

    input_filter: str | None = None
    """JSONPath (≤ 63 characters) selecting what is sent to the model, e.g. ``$[1:]``. Default: all."""
    output_filter: str | None = None
    """JSONPath (≤ 63 characters) selecting what is written, e.g. ``$[0,-1]``. Default: all."""
    join_source: JoinSource = JoinSource.NONE
    """Default: ``NONE``. ``INPUT`` joins each result to its input record: CSV and JSON only, and
    CSV needs ``split_type`` LINE and ``assemble_with`` LINE."""


@props_class
@dataclass(frozen=True, kw_only=True)
class BatchDataCapture:
    """Capture the job's inputs and outputs for Model Monitor (``DataCaptureConfig``)."""

    bucket: s3.IBucket
    """Where captured data goes (the model's role may write under ``prefix``). No default."""
    prefix: str = ""
    """Key prefix; a ``/`` is appended when missing. Default: ``""``."""
    kms_key: kms.IKey | None = None
    """Key for the captured data. Default: the bucket's default encryption."""
    generate_inference_id: bool = False
    """Add an inference id to each captured record (for ground-truth merges). Default: False."""


@props_class
@dataclass(frozen=True, kw_only=True)
class NewInputTrigger:
    """Start a run when an object is created in the input location (S3 → EventBridge → Step Functions).

    The input bucket must send its events to EventBridge: for a bucket of this app set
    ``s3.Bucket(..., event_bridge_enabled=True)`` (a synth warning says when it is off); for a
    bucket the app does not own, its owner enables "Amazon EventBridge" in the bucket's event
    notifications. Prefix input: each new object under the prefix starts a run over that object
    alone (one job per object: use ``key_suffix`` to react to a marker object only). Manifest
    input: writing the manifest object starts a run over the manifest.
    """

    key_suffix: str | None = None
    """Only objects whose key ends with this start a run (prefix input only). Default: every object."""


def _normalise_prefix(prefix: str) -> str:
    if not isinstance(prefix, str) or is_unresolved(prefix) or not prefix or prefix.endswith("/"):
        return prefix
    return prefix + "/"


class BatchTransformJob(Construct, RemovalPolicyMixin):
    """A SageMaker batch transform job, run by a Step Functions state machine on demand, on a
    schedule or when input arrives, with its outcome published to an SNS topic.

    Each execution runs one transform job with a fresh, valid name (``job_name_prefix`` plus a
    hash of the execution) that writes to its own output prefix. The state machine's role may
    create, describe and stop only this construct's jobs, pass only the model's role, and publish
    only to its topic; the model's role gets read access to the input and write access to the
    output (and data capture) locations.

    aws-cdk-lib's ``SageMakerCreateTransformJob`` task is not used: it cannot render
    ``DataProcessing`` or ``DataCaptureConfig``, and it creates a role with
    ``AmazonSageMakerFullAccess`` by default. The task is a ``CustomState`` with the full
    ``CreateTransformJob`` parameter set instead.
    """

    @checked("BatchTransformJob", environment=environment_problems)
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        model: InferenceModel,
        instance_type: InstanceType | str,
        input: BatchTransformInput,
        output: BatchTransformOutput | None = None,
        instance_count: int = 1,
        volume_kms_key: kms.IKey | None = None,
        batch_strategy: BatchStrategy | None = None,
        max_payload_mb: int | None = None,
        max_concurrent_transforms: int | None = None,
        environment: Mapping[str, str] | None = None,
        invocation_timeout: Duration | None = None,
        invocation_max_retries: int | None = None,
        data_processing: DataProcessing | None = None,
        data_capture: BatchDataCapture | None = None,
        job_name_prefix: str | None = None,
        schedule: events.Schedule | scheduler.ScheduleExpression | None = None,
        on_new_input: NewInputTrigger | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        topic: sns.ITopic | None = None,
        topic_kms_key: kms.IKey | None = None,
        alarm_on_failure: bool = False,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        log_kms_key: kms.IKey | None = None,
        allow_unknown_instance_type: bool = False,
    ) -> None:
        """Define a batch transform pipeline.

        :param model: the model to run (see :class:`InferenceModel`); its data must be a
            ``model.tar.gz`` (uncompressed model data cannot be used with batch transform). No default.
        :param instance_type: an ``ml.*`` type of botocore's ``TransformInstanceType``. No default.
        :param input: where the records are (:meth:`BatchTransformInput.from_prefix` or
            :meth:`BatchTransformInput.from_manifest`). No default.
        :param output: where results go. Default: a secure bucket created by the construct, each
            run under its own ``<job name>/`` prefix.
        :param instance_count: 1–100. Default: 1.
        :param volume_kms_key: encrypts the instances' storage volume; refused on instance types
            with local NVMe storage (which the hardware encrypts). Default: none.
        :param batch_strategy: records per request; needs ``input.split_type`` other than NONE.
            Default: none (SageMaker's default).
        :param max_payload_mb: 0–100 MB per request, and ``max_payload_mb × max_concurrent_transforms
            ≤ 100``. Default: none (SageMaker's default, 6 MB, or the container's).
        :param max_concurrent_transforms: parallel requests per instance, ≥ 0 (see
            ``max_payload_mb``). Default: none (SageMaker's default or the container's).
        :param environment: container environment for the job (≤ 16 entries, values ≤ 10240
            characters). Default: none.
        :param invocation_timeout: per-request timeout, 1 s – 1 h in whole seconds. Default: none
            (SageMaker's default, 600 s).
        :param invocation_max_retries: retries per failed request, 0–3. Default: none (SageMaker's
            default, 3).
        :param data_processing: input/output filters and the input join. Default: none.
        :param data_capture: capture inputs and outputs. Default: none.
        :param job_name_prefix: 1–30 letters, digits and hyphens starting every job name; the
            state machine may manage only jobs with this prefix. Default: derived from the
            construct id and path (unique in the app).
        :param schedule: run on a schedule: an ``aws_events.Schedule`` (an EventBridge rule) or an
            ``aws_scheduler.ScheduleExpression`` (EventBridge Scheduler, with time zones).
            Default: no schedule.
        :param on_new_input: run when input arrives (see :class:`NewInputTrigger`). Default: no.
        :param dead_letter_queue: where EventBridge (``schedule``, ``on_new_input``) or EventBridge Scheduler puts
            a start of the state machine it could not deliver after its retries (the targets' ``DeadLetterConfig``;
            aws-cdk-lib lets the service send to a queue of this stack). Default: none (an undelivered start is
            dropped: cdk-nag's ``Serverless-EventBusDLQ`` reports the rules).
        :param topic: where outcomes are published. Default: a topic created with TLS enforced
            (encrypted with ``topic_kms_key`` when given).
        :param topic_kms_key: key of the created topic. Default: none. Not with ``topic``.
        :param alarm_on_failure: create ``failure_alarm`` (ExecutionsFailed ≥ 1 in 5 minutes).
            Default: False.
        :param log_retention: retention of the state machine's log group. Default: one year.
        :param log_kms_key: encrypts the state machine's log group. A key of this app gets the key
            policy statement CloudWatch Logs needs; the policy of an imported key must allow the
            ``logs.<region>.amazonaws.com`` principal itself. Default: none (CloudWatch Logs'
            own encryption).
        :param allow_unknown_instance_type: accept an instance type the package's instance-type data does
            not list. Default: False.
        """
        super().__init__(scope, construct_id)
        watch_stack_limits(stack_of(scope))
        output = output if output is not None else BatchTransformOutput()
        self._check_conflicts(job_name_prefix, topic, topic_kms_key)
        processing = data_processing or DataProcessing()
        type_name = instance_type.name if isinstance(instance_type, InstanceType) else instance_type
        prefix = job_name_prefix if job_name_prefix is not None else default_job_name_prefix(
            construct_id, self.node.addr)
        output_prefix = _normalise_prefix(output.prefix)
        capture_prefix = _normalise_prefix(data_capture.prefix) if data_capture is not None else None
        timeout_seconds = _seconds(invocation_timeout)

        check = TypeChecks()
        validate_job_name_prefix(check, job_name_prefix)
        self._check_locations(check, input, output, output_prefix, data_capture, capture_prefix, prefix)
        if schedule is not None:
            check.problems += validate_schedule_expression(
                schedule.expression_string, scheduler=isinstance(schedule, scheduler.ScheduleExpression))
        if on_new_input is not None:
            effective_output = f"{output_prefix}{prefix}-" if output.per_run_prefix else output_prefix
            check.problems += validate_new_input_trigger(
                input_bucket=bucket_name(input.bucket), input_prefix=input.readable_prefix
                if input.data_type is TransformDataType.S3_PREFIX else input.key,
                output_bucket=bucket_name(output.bucket) if output.bucket is not None else None,
                output_prefix=effective_output,
                capture_bucket=bucket_name(data_capture.bucket) if data_capture else None,
                capture_prefix=capture_prefix,
                key_suffix=on_new_input.key_suffix)
            if on_new_input.key_suffix is not None and input.data_type is TransformDataType.MANIFEST_FILE:
                check.fail("batch.on-new-input", "on_new_input.key_suffix", on_new_input.key_suffix,
                           "applies to prefix input only: a manifest run starts when the manifest is written",
                           "drop key_suffix, or use BatchTransformInput.from_prefix")
        problems = problems_of(
            validate_batch_transform(
                instance_type=type_name,
                known_instance_types=known_transform_types(),
                allow_unknown_instance_type=allow_unknown_instance_type,
                instance_count=instance_count,
                volume_kms_key=volume_kms_key is not None,
                local_nvme=isinstance(type_name, str) and has_local_nvme(type_name),
                data_type=input.data_type.value,
                content_type=input.content_type,
                compression=input.compression.value,
                split_type=input.split_type.value,
                accept=output.accept,
                assemble_with=output.assemble_with.value,
                batch_strategy=batch_strategy.value if batch_strategy is not None else None,
                max_payload_mb=max_payload_mb,
                max_concurrent_transforms=max_concurrent_transforms,
                environment=environment,
                invocation_timeout_seconds=timeout_seconds,
                invocation_max_retries=invocation_max_retries,
                input_filter=processing.input_filter,
                output_filter=processing.output_filter,
                join_source=processing.join_source.value,
            ),
            validate_batch_model(model.spec),
            check.problems,
        )
        if problems:
            raise ValidationError(self.node.path, "BatchTransformJob", problems)
        with_notes(batch_strategy_advice(batch_strategy.value if batch_strategy is not None else None,
                                         input.split_type.value), self)

        self.model = model
        """The model every run transforms with."""
        self.job_name_prefix: str = prefix
        """Every job name of this construct starts with ``<job_name_prefix>-``."""
        self.input = input
        """The configured input."""
        self.output_bucket: s3.IBucket = output.bucket or self._create_output_bucket(output)
        """Where results go (created by the construct unless ``output.bucket`` was given)."""
        self.output_prefix: str = output_prefix
        """Key prefix of results (each run adds ``<job name>/`` unless ``per_run_prefix=False``)."""
        self._per_run_prefix = output.per_run_prefix
        self.input_uri: str = f"s3://{bucket_name(input.bucket)}/{input.key}"
        """The configured input location (an execution's ``inputUri`` may point under it)."""
        self.topic: sns.ITopic = topic or self._create_topic(topic_kms_key)
        """Where every run's outcome is published (message attribute ``status``: Succeeded/Failed)."""

        parameters = self._transform_parameters(
            instance_type=str(type_name), instance_count=instance_count, volume_kms_key=volume_kms_key,
            output=output, batch_strategy=batch_strategy, max_payload_mb=max_payload_mb,
            max_concurrent_transforms=max_concurrent_transforms, environment=environment,
            timeout_seconds=timeout_seconds, invocation_max_retries=invocation_max_retries,
            processing=data_processing, data_capture=data_capture, capture_prefix=capture_prefix)
        self.log_group = self._create_log_group(log_retention, log_kms_key)
        """The state machine's execution log (level ALL, with execution data)."""
        # The states and the state machine: one jsii round trip (see _batch).
        batch = Batch()
        state_machine = batch.new(
            sfn.StateMachine, self, "Resource", props=sfn.StateMachineProps,
            definition_body=batch.static(sfn.DefinitionBody, "fromChainable", self._definition(parameters, batch)),
            comment=f"Runs SageMaker batch transform jobs {prefix}-* (cdk-sagemaker-inference)",
        )
        batch.run()
        self.state_machine: sfn.StateMachine = state_machine.value
        """The state machine: start it to run a transform job."""
        acknowledge_literal_placeholders(self.state_machine, parameters, self.input.key, self.input.readable_prefix,
                                         self.output_prefix)
        self._enable_logs_and_tracing()
        self.state_machine_arn: str = self.state_machine.state_machine_arn
        self._grant_state_machine(volume_kms_key)
        self._grant_model_role(output, volume_kms_key, data_capture, capture_prefix)

        self.schedule_rule: events.Rule | None = None
        """The EventBridge rule of an ``aws_events.Schedule`` (None otherwise)."""
        self.schedule: scheduler.Schedule | None = None
        """The EventBridge Scheduler schedule of a ``ScheduleExpression`` (None otherwise)."""
        if isinstance(schedule, scheduler.ScheduleExpression):
            self.schedule = scheduler.Schedule(
                self, "Schedule", schedule=schedule,
                target=scheduler_targets.StepFunctionsStartExecution(self.state_machine,
                                                                      dead_letter_queue=dead_letter_queue),
                description=f"Runs the batch transform {self.node.path}")
        elif schedule is not None:
            self.schedule_rule = events.Rule(
                self, "ScheduleRule", schedule=schedule,
                targets=[events_targets.SfnStateMachine(self.state_machine, dead_letter_queue=dead_letter_queue)],
                description=f"Runs the batch transform {self.node.path}")
        self.new_input_rule: events.Rule | None = None
        """The EventBridge rule of ``on_new_input`` (None otherwise)."""
        if on_new_input is not None:
            self.new_input_rule = self._on_new_input(on_new_input, dead_letter_queue)
        self.failure_alarm: cloudwatch.Alarm | None = None
        """Alarm on failed executions (with ``alarm_on_failure=True``); add actions to it."""
        if alarm_on_failure:
            self.failure_alarm = cloudwatch.Alarm(
                self, "FailedExecutionsAlarm",
                metric=self.metric_executions_failed(),
                threshold=1, evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=f"A batch transform run of {self.node.path} failed (see the topic's message)",
            )
        self._acknowledge_state_machine()

    # -- validation helpers ----------------------------------------------------------------------
    def _check_conflicts(self, job_name_prefix: str | None, topic: sns.ITopic | None,
                         topic_kms_key: kms.IKey | None) -> None:
        """What ``@checked`` (types, numbers) cannot see: props that exclude each other, literals needed."""
        types = TypeChecks()
        if job_name_prefix is not None and is_unresolved(job_name_prefix):
            types.conflict("job_name_prefix", "job_name_prefix must be a literal string: it is part of the "
                           "IAM resource ARNs of the state machine's role")
        if topic is not None and topic_kms_key is not None:
            types.conflict("topic_kms_key", "topic_kms_key applies to the topic the construct creates: "
                           "drop it when passing topic")
        types.raise_if_any(self, "BatchTransformJob")

    def _check_locations(self, check: TypeChecks, input: BatchTransformInput,
                         output: BatchTransformOutput, output_prefix: str, data_capture: BatchDataCapture | None,
                         capture_prefix: str | None, job_prefix: str) -> None:
        lengths = Checker()  # advice: locations that fit only some names of a bucket named at deploy time
        if check_s3_key(check, "input.key", input.key):
            check_s3_uri(check, "batch.output-path", "input.key", bucket_name(input.bucket), input.key,
                         what="input location", warnings=lengths)
        if input.data_type is TransformDataType.MANIFEST_FILE:
            if input.key == "" or input.key.endswith("/"):
                check.fail("batch.s3-data-type", "input.key", input.key, "a manifest input names an object",
                           "pass the manifest's key, e.g. 'manifests/2024-06-01.manifest'")
            check_s3_key(check, "input.data_prefix", input.data_prefix)
        elif input.data_prefix is not None:
            check.conflict("input.data_prefix", "data_prefix applies to manifest input only "
                           "(BatchTransformInput.from_manifest)")
        run_suffix = len(job_prefix) + 1 + JOB_NAME_HASH_LENGTH + 1 if output.per_run_prefix else 0
        output_bucket = bucket_name(output.bucket) if output.bucket is not None else None
        if check_s3_key(check, "output.prefix", output.prefix):
            # No bucket given (None): the job writes to the bucket it creates, named by CloudFormation.
            check_s3_uri(check, "batch.output-path", "output.prefix", output_bucket, output_prefix,
                         extra_length=run_suffix, what="output location", warnings=lengths)
        if data_capture is not None and check_s3_key(check, "data_capture.prefix", data_capture.prefix):
            check_s3_uri(check, "batch.output-path", "data_capture.prefix", bucket_name(data_capture.bucket),
                         capture_prefix, what="data capture destination", warnings=lengths)
        with_notes(lengths.problems + [advice for field, key in (
            ("input.key", input.key), ("input.data_prefix", input.data_prefix), ("output.prefix", output.prefix),
            ("data_capture.prefix", data_capture.prefix if data_capture is not None else None))
            for advice in s3_key_advice(field, key)], self)

    # -- resources -------------------------------------------------------------------------------
    def _create_output_bucket(self, output: BatchTransformOutput) -> s3.Bucket:
        bucket = s3.Bucket(
            self, "OutputBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            encryption=s3.BucketEncryption.KMS if output.kms_key is not None else s3.BucketEncryption.S3_MANAGED,
            encryption_key=output.kms_key,
            bucket_key_enabled=True if output.kms_key is not None else None,
            server_access_logs_bucket=output.server_access_logs_bucket,
            server_access_logs_prefix=output.server_access_logs_prefix,
        )
        adopt(bucket, self)  # in this construct's stack: asked of node never (nag_objects, grants)
        if output.server_access_logs_bucket is None:
            acknowledge(bucket, "AwsSolutions-S1", None,
                        "Batch transform results are written by the model's role and read by roles granted "
                        "with grant_read_output (CloudTrail data events cover audits); pass "
                        "output=BatchTransformOutput(server_access_logs_bucket=...) to log server access")
        return bucket

    def _create_topic(self, master_key: kms.IKey | None) -> sns.Topic:
        return create_topic(self, "Topic", master_key=master_key, display_name="SageMaker batch transform outcome",
                            unencrypted_reason="Outcome messages carry job names, S3 locations and error messages, "
                            "no records; pass topic_kms_key to encrypt the topic")

    # -- the state machine -------------------------------------------------------------------------
    def _create_log_group(self, retention: logs.RetentionDays, key: kms.IKey | None) -> logs.LogGroup:
        return create_log_group(self, retention, key)

    def _enable_logs_and_tracing(self) -> None:
        enable_logs_and_tracing(self.state_machine, self.log_group)

    def _job_expressions(self, batch: Batch) -> tuple[str | Ref, str | Ref]:
        """The ``NameJob`` expressions: the job name and the output location of a run.

        A prefix with a character the ASL reserves in intrinsic literals (' { } \\) is an argument of
        ``States.Format``, passed by :func:`_intrinsic_literal`, so any key S3 takes goes through unchanged;
        any other prefix stays readable in the template. The bucket's name needs no escaping ([a-z0-9.-])."""
        jp = sfn.JsonPath
        digest = _run_digest()
        name = batch.static(jp, "format", f"{self.job_name_prefix}-{{}}", digest)
        bucket = bucket_name(self.output_bucket)
        base = f"s3://{bucket}/{self.output_prefix}"
        if not self._per_run_prefix:
            return name, base  # a plain JSON string: nothing is parsed
        if _INTRINSIC_RESERVED & set(self.output_prefix):
            return name, batch.static(jp, "format", "s3://{}/{}{}-{}/", bucket, _intrinsic_literal(self.output_prefix),
                                      self.job_name_prefix, digest)
        return name, batch.static(jp, "format", f"{base}{self.job_name_prefix}-{{}}/", digest)

    def _definition(self, parameters: Mapping[str, Any], batch: Batch) -> Ref:
        """The states of a run, queued in ``batch``: the chain that starts with ``NameJob``."""
        name, location = self._job_expressions(batch)
        name_job = batch.new(sfn.Pass, self, "NameJob", props=sfn.PassProps,
                             parameters={"name": name, "outputLocation": location}, result_path="$.job",
                             comment="Job name <prefix>-<MD5 of execution ARN and start time>; its output location")
        allowed = f"s3://{bucket_name(self.input.bucket)}/{self.input.readable_prefix}"
        given = f"$.{INPUT_URI_FIELD}"
        select = batch.new(sfn.Choice, self, "SelectInput", props=sfn.ChoiceProps,
                           comment=f"An execution input {INPUT_URI_FIELD} under {allowed} replaces the configured "
                           "input location for this run")
        use_given = batch.new(sfn.Pass, self, "UseGivenInput", props=sfn.PassProps, input_path=given,
                              result_path="$.job.inputUri")
        use_configured = batch.new(sfn.Pass, self, "UseConfiguredInput", props=sfn.PassProps,
                                   result=batch.static(sfn.Result, "fromString", self.input_uri),
                                   result_path="$.job.inputUri")
        reject = batch.new(sfn.Pass, self, "RejectInput", props=sfn.PassProps, parameters={
            "job": {"name": _at("$.job.name"), "outputLocation": _at("$.job.outputLocation"),
                    "inputUri": _at(given)},
            "error": {"Error": "InvalidInputUri",
                      "Cause": f"The execution input's {INPUT_URI_FIELD} must be a string that starts with {allowed}"},
        })
        transform = batch.new(sfn.CustomState, self, "TransformJob", props=sfn.CustomStateProps, state_json={
            "Type": "Task",
            "Resource": f"arn:{_partition(stack_of(self))}:states:::{TRANSFORM_RESOURCE}",
            "Parameters": dict(parameters),
            "ResultSelector": {"TransformJobArn.$": "$.TransformJobArn",
                               "TransformJobStatus.$": "$.TransformJobStatus"},
            "ResultPath": "$.result",
        })
        # SageMaker's throttling errors reach Step Functions as the generic AmazonSageMakerException
        # (ThrottlingException is not a modelled SageMaker error); a full instance quota as
        # ResourceLimitExceededException. Both are worth a few retries; anything else is caught.
        batch.call(transform, "addRetry", props=sfn.RetryProps,
                   errors=["SageMaker.AmazonSageMakerException", "SageMaker.ThrottlingException"],
                   interval=seconds(5), max_attempts=5, backoff_rate=2, jitter_strategy=sfn.JitterType.FULL)
        batch.call(transform, "addRetry", props=sfn.RetryProps, errors=["SageMaker.ResourceLimitExceededException"],
                   interval=seconds(60), max_attempts=5, backoff_rate=2, jitter_strategy=sfn.JitterType.FULL)
        (success_subject, success_message), (failure_subject, failure_message) = _outcome_messages()
        notify_success = batch.new(
            tasks.SnsPublish, self, "NotifySuccess", props=tasks.SnsPublishProps, topic=self.topic,
            subject=success_subject, message=success_message,
            message_attributes={"status": tasks.MessageAttribute(value="Succeeded")},
            result_path=_constant("DISCARD"),
        )
        notify_failure = batch.new(
            tasks.SnsPublish, self, "NotifyFailure", props=tasks.SnsPublishProps, topic=self.topic,
            subject=failure_subject, message=failure_message,
            message_attributes={"status": tasks.MessageAttribute(value="Failed")},
            result_path=_constant("DISCARD"),
        )
        for publish in (notify_success, notify_failure):
            batch.call(publish, "addRetry", props=sfn.RetryProps, errors=[_constant("TASKS_FAILED")],
                       interval=seconds(2), max_attempts=3, backoff_rate=2)
        # A Fail state may not raise an error named States.* (a caught States.TaskFailed is one):
        # the execution's error is the caught one, prefixed with BatchTransform.
        failed = batch.new(sfn.Fail, self, "Failed", props=sfn.FailProps, error_path=_failed_error_path(),
                           cause_path="$.error.Cause")
        batch.call(transform, "addCatch", notify_failure, props=sfn.CatchProps, errors=[_constant("ALL")],
                   result_path="$.error")
        batch.call(select, "when", batch.static(sfn.Condition, "and", _given_present(), batch.static(
            sfn.Condition, "stringMatches", given, _wildcard(allowed) + "*")), use_given)
        batch.call(select, "when", _given_present(), reject)
        batch.call(select, "otherwise", use_configured)
        for state, following in ((use_given, transform), (use_configured, transform), (reject, notify_failure),
                                 (transform, notify_success), (notify_failure, failed)):
            batch.call(state, "next", following)
        return batch.call(name_job, "next", select)

    def _transform_parameters(self, *, instance_type: str, instance_count: int, volume_kms_key: kms.IKey | None,
                              output: BatchTransformOutput, batch_strategy: BatchStrategy | None,
                              max_payload_mb: int | None, max_concurrent_transforms: int | None,
                              environment: Mapping[str, str] | None, timeout_seconds: object,
                              invocation_max_retries: int | None, processing: DataProcessing | None,
                              data_capture: BatchDataCapture | None, capture_prefix: str | None) -> dict[str, Any]:
        """CreateTransformJob's request, every field the API has but ExperimentConfig."""
        transform_input: dict[str, Any] = {
            "DataSource": {"S3DataSource": {"S3DataType": self.input.data_type.value, "S3Uri.$": "$.job.inputUri"}},
            "CompressionType": self.input.compression.value,
            "SplitType": self.input.split_type.value,
        }
        if self.input.content_type is not None:
            transform_input["ContentType"] = self.input.content_type
        transform_output: dict[str, Any] = {"S3OutputPath.$": "$.job.outputLocation",
                                            "AssembleWith": output.assemble_with.value}
        if output.accept is not None:
            transform_output["Accept"] = output.accept
        if output.kms_key is not None:
            transform_output["KmsKeyId"] = output.kms_key.key_arn
        resources: dict[str, Any] = {"InstanceType": instance_type, "InstanceCount": instance_count}
        if volume_kms_key is not None:
            resources["VolumeKmsKeyId"] = volume_kms_key.key_arn
        parameters: dict[str, Any] = {
            "TransformJobName.$": "$.job.name",
            "ModelName": self.model.model_name,
            "TransformInput": transform_input,
            "TransformOutput": transform_output,
            "TransformResources": resources,
            "Tags": [{"Key": EXECUTION_TAG_KEY, "Value.$": "$$.Execution.Id"}],
        }
        if batch_strategy is not None:
            parameters["BatchStrategy"] = batch_strategy.value
        if max_payload_mb is not None:
            parameters["MaxPayloadInMB"] = max_payload_mb
        if max_concurrent_transforms is not None:
            parameters["MaxConcurrentTransforms"] = max_concurrent_transforms
        if environment:
            parameters["Environment"] = dict(environment)
        client: dict[str, Any] = {}
        if timeout_seconds is not None:
            client["InvocationsTimeoutInSeconds"] = timeout_seconds
        if invocation_max_retries is not None:
            client["InvocationsMaxRetries"] = invocation_max_retries
        if client:
            parameters["ModelClientConfig"] = client
        if processing is not None:
            rendered: dict[str, Any] = {"JoinSource": processing.join_source.value}
            if processing.input_filter is not None:
                rendered["InputFilter"] = processing.input_filter
            if processing.output_filter is not None:
                rendered["OutputFilter"] = processing.output_filter
            parameters["DataProcessing"] = rendered
        if data_capture is not None:
            capture: dict[str, Any] = {
                "DestinationS3Uri": f"s3://{bucket_name(data_capture.bucket)}/{capture_prefix}",
                "GenerateInferenceId": data_capture.generate_inference_id,
            }
            if data_capture.kms_key is not None:
                capture["KmsKeyId"] = data_capture.kms_key.key_arn
            parameters["DataCaptureConfig"] = capture
        return parameters

    # -- permissions ---------------------------------------------------------------------------------
    def _grant_state_machine(self, volume_kms_key: kms.IKey | None) -> None:
        stack = stack_of(self)
        jobs_name = f"{lower_literals(self.job_name_prefix)}-*"
        # format_arn joins its parts into a string: the stack's one ARN with a placeholder name, then
        # the name, gives the same string (and its nag rendering) without two round trips per job.
        jobs_template, jobs_nag_template = memo(stack, "transform-job-arn", lambda: _arn_template(
            stack, service="sagemaker", resource="transform-job"))
        jobs = jobs_template.replace(_PLACEHOLDER, jobs_name)
        sm = self.state_machine
        sm.add_to_role_policy(iam.PolicyStatement(
            sid="TransformJobs",
            actions=["sagemaker:CreateTransformJob", "sagemaker:DescribeTransformJob",
                     "sagemaker:StopTransformJob", "sagemaker:AddTags", "sagemaker:ListTags"],
            resources=[jobs]))
        sm.add_to_role_policy(iam.PolicyStatement(
            sid="PassModelRole", actions=["iam:PassRole"], resources=[self.model.role.role_arn],
            conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}))
        # The same for every job of the stack (a policy only reads the statements it holds).
        sm.add_to_role_policy(memo(stack, SYNC_EVENTS_RULE, lambda: iam.PolicyStatement(
            sid="SyncEventsRule", actions=["events:PutTargets", "events:PutRule", "events:DescribeRule"],
            resources=[stack.format_arn(service="events", resource="rule", resource_name=SYNC_EVENTS_RULE)])))
        if volume_kms_key is not None:
            sm.add_to_role_policy(iam.PolicyStatement(
                sid="VolumeKeyGrants", actions=["kms:CreateGrant", "kms:DescribeKey"],
                resources=[volume_kms_key.key_arn],
                conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}}))
        master_key = topic_key(self.topic)
        if master_key is not None:
            sm.add_to_role_policy(iam.PolicyStatement(
                sid="TopicKey", actions=["kms:GenerateDataKey", "kms:Decrypt"], resources=[master_key.key_arn]))
        self._nag_jobs_finding = "Resource::" + jobs_nag_template.replace(_PLACEHOLDER, jobs_name)

    def _acknowledge_state_machine(self) -> None:
        """On the state machine, whose subtree is its roles (with the policies these findings are about;
        the events role of a trigger too) and the AWS::StepFunctions::StateMachine: cdk-nag 3 reads
        acknowledgments up the tree; cdk-nag 2 reads them on each resource, written once every
        resource exists, so the last step of the constructor."""
        acknowledge_all(self.state_machine, [
            ("AwsSolutions-IAM5", self._nag_jobs_finding,
             "each run creates a transform job with a new name: the role may manage only jobs whose "
             "name starts with this construct's job_name_prefix"),
            ("NIST.800.53.R5-IAMNoInlinePolicy", None,
             "The state machine's roles have inline policies scoped to this construct's jobs, model role, "
             "topic and keys: a customer-managed policy could be attached to other principals"),
        ])

    def _grant_model_role(self, output: BatchTransformOutput, volume_kms_key: kms.IKey | None,
                          data_capture: BatchDataCapture | None, capture_prefix: str | None) -> None:
        """What SageMaker does with the model's role in a transform job: read input, write results."""
        role = role_for_grants(self, self.model.role)
        readable = self.input.readable_prefix
        patterns: list[tuple[s3.IBucket, str]] = []
        if self.input.data_type is TransformDataType.MANIFEST_FILE:
            self.input.bucket.grant_read(role, iam_literal(self.input.key))
            patterns.append((self.input.bucket, iam_literal(self.input.key)))
        self.input.bucket.grant_read(role, objects_in(readable))
        patterns.append((self.input.bucket, objects_in(readable)))
        written = (f"{iam_literal(self.output_prefix)}{self.job_name_prefix}-*" if self._per_run_prefix
                   else objects_in(self.output_prefix))
        self.output_bucket.grant_put(role, written)
        patterns.append((self.output_bucket, written))
        keys = [output.kms_key, volume_kms_key]
        if data_capture is not None:
            data_capture.bucket.grant_put(role, objects_in(capture_prefix or ""))
            patterns.append((data_capture.bucket, objects_in(capture_prefix or "")))
            keys.append(data_capture.kms_key)
        granted: list[kms.IKey] = []
        for key in keys:
            if key is not None and all(key is not k for k in granted):
                key.grant_encrypt_decrypt(role)
                granted.append(key)
        stack = stack_of(self)
        acknowledge_all(role, [
            *(("AwsSolutions-IAM5", nag_objects(stack, bucket, pattern),
               "the transform job reads every input object under the input prefix and writes one "
               "result object per input object under the run's output prefix") for bucket, pattern in patterns),
            *(("AwsSolutions-IAM5", f"Action::{action}",
               "aws-cdk-lib's read/put/encrypt grants, scoped to the transform job's locations and keys")
              for action in ("s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:Abort*", "kms:ReEncrypt*",
                             "kms:GenerateDataKey*")),
        ])

    # -- triggers ------------------------------------------------------------------------------------
    def _on_new_input(self, trigger: NewInputTrigger, dead_letter_queue: sqs.IQueue | None) -> events.Rule:
        bucket = self.input.bucket
        detail: dict[str, Any] = {"bucket": {"name": [bucket_name(bucket)]}}
        target_input: events.RuleTargetInput | None = None
        if self.input.data_type is TransformDataType.MANIFEST_FILE:
            detail["object"] = {"key": [self.input.key]}
        else:
            prefix, suffix = self.input.key, trigger.key_suffix
            if prefix and suffix:
                detail["object"] = {"key": [{"wildcard": f"{_wildcard(prefix)}*{_wildcard(suffix)}"}]}
            elif suffix:
                detail["object"] = {"key": [{"suffix": suffix}]}
            elif prefix:
                detail["object"] = {"key": [{"prefix": prefix}]}
            field = events.EventField.from_path
            target_input = events.RuleTargetInput.from_object(
                {INPUT_URI_FIELD: f"s3://{field('$.detail.bucket.name')}/{field('$.detail.object.key')}"})
        rule = events.Rule(
            self, "NewInputRule",
            description=f"Runs the batch transform {self.node.path} when input arrives",
            event_pattern=events.EventPattern(source=["aws.s3"], detail_type=["Object Created"], detail=detail),
            targets=[events_targets.SfnStateMachine(self.state_machine, input=target_input,
                                                    dead_letter_queue=dead_letter_queue)],
        )
        if isinstance(bucket, s3.Bucket):
            self.node.add_validation(_EventBridgeEnabled(self, bucket))
        return rule

    # -- grants and metrics ------------------------------------------------------------------------
    @checked("BatchTransformJob.grant_start_execution")
    def grant_start_execution(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to start runs (``states:StartExecution`` on this state machine)."""
        return self.state_machine.grant_start_execution(grantee)

    @checked("BatchTransformJob.grant_read_output")
    def grant_read_output(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to read results (objects under the output prefix, and its KMS key)."""
        return self.output_bucket.grant_read(grantee, objects_in(self.output_prefix))

    @checked("BatchTransformJob.metric")
    def metric(self, metric_name: str, *, statistic: str = "Sum", period: Duration | None = None) -> cloudwatch.Metric:
        """Any ``AWS/States`` metric of the state machine (``StateMachineArn`` dimension).

        :param metric_name: the official metric name, e.g. ``"ExecutionsTimedOut"``.
        :param statistic: Default: ``Sum``.
        :param period: Default: 5 minutes.
        """
        return self.state_machine.metric(metric_name, statistic=statistic, period=period or minutes(5))

    @checked("BatchTransformJob.metric_executions_succeeded")
    def metric_executions_succeeded(self, period: Duration | None = None) -> cloudwatch.Metric:
        """ExecutionsSucceeded (Sum): runs whose transform job completed and was announced."""
        return self.metric("ExecutionsSucceeded", period=period)

    @checked("BatchTransformJob.metric_executions_failed")
    def metric_executions_failed(self, period: Duration | None = None) -> cloudwatch.Metric:
        """ExecutionsFailed (Sum): runs that ended in the ``Failed`` state (or failed to publish)."""
        return self.metric("ExecutionsFailed", period=period)

    @checked("BatchTransformJob.metric_execution_time")
    def metric_execution_time(self, statistic: str = "Average", period: Duration | None = None) -> cloudwatch.Metric:
        """ExecutionTime in milliseconds (default statistic Average): the run, job included."""
        return self.metric("ExecutionTime", statistic=statistic, period=period)


def _seconds(duration: Duration | None) -> object:
    if duration is None:
        return None
    seconds = duration_amount(duration, "seconds")
    if isinstance(seconds, float) and seconds.is_integer() and not is_unresolved(seconds):
        return int(seconds)
    return seconds


_INTRINSIC_RESERVED = frozenset("'{}\\")
"""What the ASL reserves in the string literals of intrinsic functions (each escaped with a backslash)."""


def _intrinsic_literal(text: str) -> str:
    """``text`` as an argument of a Step Functions intrinsic function.

    aws-cdk-lib's ``JsonPath`` quotes a literal argument and escapes ' and \\ but not the braces (it
    cannot know the string is not meant as a format template), a backslash added here would be escaped
    again, and moto's interpreter reads an escaped quote differently from the guide. A text with any
    reserved character therefore goes in base64 (an alphabet nothing escapes), decoded when the state
    runs by ``States.Base64Decode``; any other text stays readable."""
    if _INTRINSIC_RESERVED & set(text):
        return sfn.JsonPath.base64_decode(base64.b64encode(text.encode("utf-8")).decode("ascii"))
    return text


def _wildcard(text: str) -> str:
    """Escape ``*`` for Step Functions ``StringMatches`` and EventBridge ``wildcard`` patterns ("The wildcard
    character is escaped by using the standard \\\\ (Ex: "\\\\*"). No characters other than "*" have any special
    meaning during matching": the Step Functions guide, Choice rules). How a backslash before another
    character matches is not documented: the S3 advice on a key with '\\' says so."""
    return text.replace("*", "\\*")


# -- values every job shares: created once per process (see _memo) --------------------------------
@functools.cache
def _at(path: str) -> str:
    """``JsonPath.string_at(path)``: a token for ``path``, the same for every state that reads it."""
    return sfn.JsonPath.string_at(path)


@functools.cache
def _constant(name: str) -> str:
    """``JsonPath.DISCARD`` or ``Errors.TASKS_FAILED`` / ``Errors.ALL``."""
    return str(sfn.JsonPath.DISCARD if name == "DISCARD" else getattr(sfn.Errors, name))


@functools.cache
def _run_digest() -> str:
    """MD5 of ``<execution ARN>/<start time>``: what makes each run's job name unique."""
    jp = sfn.JsonPath
    return jp.hash(jp.format("{}/{}", jp.execution_id, _at("$$.Execution.StartTime")), "MD5")


@functools.cache
def _outcome_messages() -> tuple[tuple[str, sfn.TaskInput], tuple[str, sfn.TaskInput]]:
    """(subject, message) of the success and the failure notification."""
    jp = sfn.JsonPath
    common = {"jobName": _at("$.job.name"), "inputLocation": _at("$.job.inputUri"),
              "outputLocation": _at("$.job.outputLocation"), "execution": jp.execution_id}
    success = (jp.format("Transform job succeeded: {}", _at("$.job.name")), sfn.TaskInput.from_object(
        {"status": "Succeeded", **common, "transformJobArn": _at("$.result.TransformJobArn")}))
    failure = (jp.format("Transform job failed: {}", _at("$.job.name")), sfn.TaskInput.from_object(
        {"status": "Failed", **common, "error": _at("$.error.Error"), "cause": _at("$.error.Cause")}))
    return success, failure


@functools.cache
def _failed_error_path() -> str:
    return sfn.JsonPath.format("BatchTransform.{}", _at("$.error.Error"))


@functools.cache
def _given_present() -> sfn.Condition:
    """The execution input names an input location."""
    return sfn.Condition.is_present(f"$.{INPUT_URI_FIELD}")


_PLACEHOLDER = "CDK-SAGEMAKER-INFERENCE-NAME"


def _arn_template(stack: Stack, *, service: str, resource: str) -> tuple[str, str]:
    """``stack.format_arn(...)`` with a placeholder resource name, and its cdk-nag rendering."""
    arn = stack.format_arn(service=service, resource=resource, resource_name=_PLACEHOLDER)
    return arn, nag_flatten(stack.resolve(arn))


def _partition(stack: Stack) -> str:
    return memo(stack, "partition", lambda: stack.partition)


@jsii.implements(IValidation)
class _EventBridgeEnabled:
    """At synth: warn when an input bucket of this app does not send events to EventBridge."""

    def __init__(self, job: BatchTransformJob, bucket: s3.Bucket) -> None:
        self._job, self._bucket = job, bucket

    def validate(self) -> list[str]:
        cfn = self._bucket.node.default_child
        configured = isinstance(cfn, s3.CfnBucket) and cfn.notification_configuration is not None
        if self._bucket.node.try_find_child("Notifications") is None and not configured:
            Annotations.of(self._job).add_warning_v2(
                "cdk-sagemaker-inference:batch-input-eventbridge",
                f"on_new_input listens for S3 events of {self._bucket.node.path}, which does not send events "
                "to EventBridge: create it with event_bridge_enabled=True (rule batch.on-new-input)")
        return []


def create_log_group(scope: Construct, retention: logs.RetentionDays, key: kms.IKey | None) -> logs.LogGroup:
    """The log group ``Logs`` of a state machine, encrypted with ``key`` when given (then with the key policy
    statement CloudWatch Logs needs, or a warning for an imported key)."""
    group = logs.LogGroup(scope, "Logs", retention=retention, encryption_key=key)
    if key is not None:
        # The key policy CloudWatch Logs documents for an encrypted log group (aws-cdk-lib's LogGroup
        # does not add it), limited to log groups of this account and Region.
        stack = stack_of(scope)
        added = key.add_to_resource_policy(iam.PolicyStatement(
            sid="CloudWatchLogsEncryption",
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            resources=["*"],
            conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                service="logs", resource="log-group", resource_name="*", arn_format=ArnFormat.COLON_RESOURCE_NAME)}},
        ))
        if not added.statement_added:  # an imported key: its policy is not the app's to change
            check = Checker()
            check.fail("batch.log-kms-key-policy", "log_kms_key", key.key_arn,
                       "is an imported key: the library cannot add the statement CloudWatch Logs needs, and "
                       "creating the log group fails without it",
                       "add the statement to the key's policy for the principal logs."
                       f"{'<region>' if is_unresolved(stack.region) else stack.region}.amazonaws.com, "
                       "then acknowledge this warning")
            annotate(scope, check.problems[0])
    return group


def enable_logs_and_tracing(state_machine: sfn.StateMachine, log_group: logs.ILogGroup) -> None:
    """Level-ALL logs to ``log_group`` and X-Ray tracing, as ``StateMachine(logs=..., tracing_enabled=True)``
    configures them, with their two statements on resource ``*`` in the role's unscoped policy
    (aws-cdk-lib would add them to the default policy, where a user's statements go too)."""
    cfn = cast(sfn.CfnStateMachine, state_machine.node.default_child)
    cfn.logging_configuration = sfn.CfnStateMachine.LoggingConfigurationProperty(
        destinations=[sfn.CfnStateMachine.LogDestinationProperty(
            cloud_watch_logs_log_group=sfn.CfnStateMachine.CloudWatchLogsLogGroupProperty(
                log_group_arn=log_group.log_group_arn))],
        include_execution_data=True, level="ALL")
    cfn.tracing_configuration = sfn.CfnStateMachine.TracingConfigurationProperty(enabled=True)
    policy = create_unscoped_policy(cast(iam.Role, state_machine.role), [
        # https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy
        iam.PolicyStatement(actions=["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                                     "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                                     "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
                            resources=["*"]),
        # https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html
        iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords",
                                     "xray:GetSamplingRules", "xray:GetSamplingTargets"],
                            resources=["*"]),
    ], "X-Ray tracing and CloudWatch Logs delivery support no resource-level permissions")
    # Step Functions checks the log delivery permissions when the state machine is created.
    cfn.node.add_dependency(policy)
