"""AsyncEndpoint: a model behind an asynchronous endpoint (S3 in and out, SNS notifications, scale to zero)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..assembly.resources import ScalingRange, known_int
from ..constraints import constraint
from ..cost.capacity import VariantCapacity, instance_variant
from ..errors import Problem, ValidationError, problems_of
from ..instance_types import InstanceType, known_realtime_types
from ..tokens import is_unresolved, shown_number
from ..typecheck import TypeChecks, checked, duration_amount, duration_in, props_class
from ..validation.async_inference import (
    LocationSpec,
    async_warnings,
    validate_async_inference,
    validate_async_locations,
    validate_async_model,
    validate_async_scaling,
    validate_expiration,
    validate_prefix_lengths,
)
from ..validation.checks import UNKNOWN_BUCKET_NAME, Checker, unknown_bucket_length
from ..validation.instances import (
    check_inference_ami,
    check_instance_type,
    check_volume_size,
    inference_ami_cuda_warning,
    volume_key_nvme_warning,
)
from ._base import (
    acknowledge,
    acknowledge_all,
    add_statement,
    annotate,
    create_topic,
    nag_objects,
    policies_of,
    role_for_grants,
    topic_key,
    with_notes,
)
from ._batch import Batch, struct
from ._environment import environment_problems
from ._memo import (
    adopt,
    arn_for_objects,
    days,
    key_folder,
    memo,
    minutes,
    objects_in,
    s3_url,
    seconds,
    stack_of,
    with_literal_start,
)
from ._scaling import INSTANCE_COUNT, variant_scalable_target
from .endpoint import EndpointBase, EndpointKind
from .guardrails import (
    DeploymentGuardrails,
    RollbackAlarms,
    guardrails_problems,
    guardrails_warnings,
    render_deployment_config,
)
from .model import InferenceModel

__all__ = ["AsyncEndpoint", "AsyncS3Location", "IncludeInferenceResponseIn"]

_CONSTRUCT = "AsyncEndpoint"
_ALARM_PERIOD_SECONDS = 300  # the opt-in alarms watch the endpoint's metrics at their default period, 5 minutes
DEFAULT_INPUT_PREFIX = "input"
DEFAULT_OUTPUT_PREFIX = "output"
DEFAULT_FAILURE_PREFIX = "failure"
DEFAULT_MAX_INSTANCES = 2
DEFAULT_TARGET_BACKLOG_PER_INSTANCE = 5.0
DEFAULT_SCALE_IN_COOLDOWN_S = 600
DEFAULT_SCALE_OUT_COOLDOWN_S = 300
DEFAULT_SCALE_FROM_ZERO_COOLDOWN_S = 300
_MAX_LIFECYCLE_RULE_ID = 255  # S3 LifecycleRule ID (CloudFormation AWS::S3::Bucket Rule.Id maxLength)


class IncludeInferenceResponseIn(enum.Enum):
    """Which notification carries the inference response (``IncludeInferenceResponseIn``).

    SageMaker includes the response only when it is at most 128 KB.
    """

    SUCCESS_NOTIFICATION_TOPIC = "SUCCESS_NOTIFICATION_TOPIC"
    """The success notification includes the response (needs a success topic)."""
    ERROR_NOTIFICATION_TOPIC = "ERROR_NOTIFICATION_TOPIC"
    """The error notification includes the response (needs an error topic)."""


@props_class
@dataclass(frozen=True)
class AsyncS3Location:
    """An S3 location of an async endpoint: a bucket and a key prefix (without leading/trailing ``/``)."""

    bucket: s3.IBucket
    """The bucket. No default."""
    prefix: str
    """The key prefix, e.g. ``"input"``: objects live under ``<prefix>/``. No default."""

    @property
    def s3_uri(self) -> str:
        """``s3://<bucket>/<prefix>`` (a token when the bucket name is one)."""
        return s3_url(self.bucket, self.prefix)

    @checked("AsyncS3Location.uri_for")
    def uri_for(self, name: str) -> str:
        """``s3://<bucket>/<prefix>/<name>``."""
        return s3_url(self.bucket, f"{self.prefix}/{name}")

    def arn_for_objects(self) -> str:
        """The ARN pattern of every object under the prefix: ``arn:...:s3:::<bucket>/<prefix>/*``."""
        return arn_for_objects(self.bucket, objects_in(key_folder(self.prefix)))


class AsyncEndpoint(RollbackAlarms, EndpointBase):
    """A SageMaker asynchronous endpoint: requests are queued, read from S3, answered in S3.

    One instance-based production variant with ``AsyncInferenceConfig``: an input location
    callers upload payloads to, output and failure locations SageMaker writes to, optional SNS
    success and error topics, and optional backlog autoscaling that can scale to zero
    (``min_instances=0``) with the recipe of the SageMaker Developer Guide
    (``async-inference-autoscale``): target tracking on ``ApproximateBacklogSizePerInstance`` plus
    a step-scaling policy fired by a ``HasBacklogWithoutCapacity`` alarm, so that the first
    request wakes an endpoint that is at zero.

    The model's execution role gets exactly what SageMaker does with it: ``s3:GetObject`` on the
    input location, ``s3:PutObject`` on the output and failure locations, ``sns:Publish`` on the
    topics and use of the keys involved. (A role you imported as immutable gets nothing: grant
    those yourself.)

    Children: ``Config`` (the endpoint config), ``Resource`` (the endpoint), ``Bucket`` and
    ``SuccessTopic``/``ErrorTopic`` when created, ``ScalableTarget`` and
    ``HasBacklogWithoutCapacityAlarm`` when autoscaled.
    """

    kind = EndpointKind.ASYNC

    @checked("AsyncEndpoint", environment=environment_problems)
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        model: InferenceModel,
        instance_type: InstanceType,
        initial_instance_count: int = 1,
        allow_unknown_instance_type: bool = False,
        endpoint_name: str | None = None,
        variant_name: str = "AllTraffic",
        model_data_download_timeout: Duration | None = None,
        container_startup_health_check_timeout: Duration | None = None,
        bucket: s3.IBucket | None = None,
        input_prefix: str | None = None,
        output_prefix: str | None = None,
        failure_prefix: str | None = None,
        input_location: AsyncS3Location | None = None,
        output_location: AsyncS3Location | None = None,
        failure_location: AsyncS3Location | None = None,
        kms_key: kms.IKey | None = None,
        input_expiration: Duration | None = None,
        output_expiration: Duration | None = None,
        server_access_logs_bucket: s3.IBucket | None = None,
        server_access_logs_prefix: str | None = None,
        success_topic: sns.ITopic | None = None,
        error_topic: sns.ITopic | None = None,
        create_topics: bool = True,
        topic_kms_key: kms.IKey | None = None,
        include_inference_response_in: Sequence[IncludeInferenceResponseIn] | None = None,
        max_concurrent_invocations_per_instance: int | None = None,
        min_instances: int | None = None,
        max_instances: int = DEFAULT_MAX_INSTANCES,
        target_backlog_per_instance: float = DEFAULT_TARGET_BACKLOG_PER_INSTANCE,
        scale_in_cooldown: Duration | None = None,
        scale_out_cooldown: Duration | None = None,
        scale_from_zero_cooldown: Duration | None = None,
        retain_scaled_capacity: bool | None = None,
        inference_ami_version: str | None = None,
        deployment: DeploymentGuardrails | None = None,
        volume_kms_key: kms.IKey | None = None,
        volume_size_gb: int | None = None,
    ) -> None:
        """Define an asynchronous endpoint.

        :param model: the model to host (see :class:`InferenceModel`). Refused: AWS Marketplace
            packages, multi-model containers and ``InferenceExecutionMode.DIRECT`` (InvokeEndpointAsync
            can target neither a model nor a container); a serial inference pipeline is fine. No default.
        :param instance_type: the ML instance type, e.g. ``InstanceType.M5_XLARGE``. No default. Must be
            a ``ProductionVariantInstanceType`` of the package's instance-type data (see
            ``allow_unknown_instance_type``); burstable ``ml.t*`` types cannot be autoscaled.
        :param initial_instance_count: instances at creation (≥ 1, also with ``min_instances=0``:
            autoscaling then scales in to zero when there is no backlog). Default: 1.
        :param allow_unknown_instance_type: accept an instance type the package's instance-type data does not
            list (a brand-new type). Default: False.
        :param endpoint_name: the endpoint's physical name (1–63 letters, digits, hyphens).
            Default: chosen by CloudFormation. Changing it later replaces the endpoint.
        :param variant_name: the production variant's name. Default: ``AllTraffic``.
        :param inference_ami_version: the AMI the instances run, e.g. ``"al2-ami-sagemaker-inference-gpu-3-1"``
            (a GPU AMI only on GPU types, the Neuron AMI only on ml.inf2/ml.trn*). Default: SageMaker's
            default AMI for the type.
        :param model_data_download_timeout: 60–3600 seconds. Default: SageMaker's default.
        :param container_startup_health_check_timeout: 60–3600 seconds. Default: SageMaker's default.
        :param bucket: the bucket of the input, output and failure locations. Default: a bucket is
            created (public access blocked, TLS enforced, encrypted with ``kms_key`` or S3-managed keys).
        :param input_prefix: key prefix callers upload payloads under. Default: ``"input"``.
            Cannot be combined with ``input_location``.
        :param output_prefix: key prefix SageMaker writes responses under. Default: ``"output"``.
            Cannot be combined with ``output_location``.
        :param failure_prefix: key prefix SageMaker writes failures under. Default: ``"failure"``.
            Cannot be combined with ``failure_location``.
        :param input_location: the input location in a bucket of your own. Default: ``bucket`` +
            ``input_prefix``. The three locations must not overlap within one bucket.
        :param output_location: the output location (``S3OutputPath``). Default: ``bucket`` + ``output_prefix``.
        :param failure_location: the failure location (``S3FailurePath``). Default: ``bucket`` +
            ``failure_prefix``.
        :param kms_key: the key SageMaker encrypts outputs with (``OutputConfig.KmsKeyId``); also the
            created bucket's encryption key and, by default, the created topics' key. The execution
            role and ``grant_invoke`` grantees may use it. Default: none (S3-managed encryption).
        :param input_expiration: delete input objects this long after upload (whole days). Only for
            the created bucket. Default: kept.
        :param output_expiration: delete output and failure objects this long after they are
            written (whole days). Only for the created bucket. Default: kept.
        :param server_access_logs_bucket: where the created bucket logs server access. Default: no
            access logging (payloads are transient; acknowledged as cdk-nag AwsSolutions-S1).
        :param server_access_logs_prefix: key prefix of the access logs. Default: none. Needs
            ``server_access_logs_bucket``.
        :param success_topic: SNS topic notified when an inference succeeds. Default: created when
            ``create_topics`` (TLS enforced, encrypted with ``topic_kms_key``).
        :param error_topic: SNS topic notified when an inference fails. Default: created when
            ``create_topics``.
        :param create_topics: create the topics not passed in. Default: True. With False and no
            topic, SageMaker sends no notification.
        :param topic_kms_key: the key of the created topics. Default: ``kms_key`` (none: SNS topics
            without server-side encryption; notifications carry ids and S3 locations).
        :param include_inference_response_in: the notifications that carry the response (≤ 128 KB);
            each needs its topic. Default: none.
        :param max_concurrent_invocations_per_instance: concurrent requests SageMaker sends to one
            instance (1–1000). Default: SageMaker chooses.
        :param min_instances: turn on backlog autoscaling with this floor. ``0`` scales to zero with
            the documented recipe (a scale-out step fired by a HasBacklogWithoutCapacity alarm wakes
            the endpoint); ``≥ 1`` is target tracking on the backlog only. Default: no autoscaling
            (``initial_instance_count`` instances, always on).
        :param max_instances: the autoscaling ceiling (≥ 1, ≥ ``min_instances``). Default: 2.
            Only with ``min_instances``.
        :param target_backlog_per_instance: target of ApproximateBacklogSizePerInstance (queued
            requests per instance, > 0). Default: 5 (the developer guide's example).
        :param scale_in_cooldown: target tracking scale-in cooldown. Default: 10 minutes (the
            developer guide's example).
        :param scale_out_cooldown: target tracking scale-out cooldown. Default: 5 minutes.
        :param scale_from_zero_cooldown: cooldown of the step policy that wakes the endpoint at zero.
            Default: 5 minutes (the documented recipe).
        :param retain_scaled_capacity: whether an update keeps each variant's running instance count
            (the endpoint's ``RetainAllVariantProperties``, weights and data capture excluded so that
            their changes apply). Without it, every deploy that changes the endpoint config sets each
            variant back to its initial count, whatever autoscaling scaled it to. Default: True when
            autoscaled (``min_instances``), else False. With it, a changed initial count is not applied either (the migration
            guard reports it): move the autoscaling bounds, or deploy once with False.
        :param deployment: how updates roll out (blue/green or rolling) and which alarms roll them back, as
            for :class:`RealtimeEndpoint` (deployment guardrails apply to asynchronous endpoints too; instance
            counts in a size are checked against ``min_instances`` or ``initial_instance_count``). Default:
            SageMaker's (blue/green, all at once, no alarms).
        :param volume_kms_key: encrypts the instances' ML storage volumes (the endpoint config's ``KmsKeyId``;
            ``kms_key`` encrypts the outputs). Default: AWS managed encryption.
        :param volume_size_gb: the variant's ML storage volume, 1–512 GB (not on types with local NVMe
            storage). Default: SageMaker's.
        """
        super().__init__(scope, construct_id)
        # Types (also inside the AsyncS3Location props) were checked by @checked: conflicts remain.
        types = TypeChecks()
        for field, prefix, location in (("input_prefix", input_prefix, input_location),
                                        ("output_prefix", output_prefix, output_location),
                                        ("failure_prefix", failure_prefix, failure_location)):
            if prefix is not None and location is not None:
                types.conflict(field, f"pass either {field} or {field.replace('_prefix', '_location')}, not both")
        if server_access_logs_prefix is not None and server_access_logs_bucket is None:
            types.conflict("server_access_logs_prefix", "server_access_logs_prefix needs server_access_logs_bucket")
        types.raise_if_any(self, _CONSTRUCT)

        creates_bucket = bucket is None and None in (input_location, output_location, failure_location)
        if not creates_bucket and server_access_logs_bucket is not None:
            types.conflict("server_access_logs_bucket",
                           "server access logging is set on the bucket the construct creates; "
                           "configure logging on your own bucket instead")
        types.raise_if_any(self, _CONSTRUCT)

        # -- plain values for the pure validators ------------------------------------------
        self.model = model
        self.instance_type = instance_type
        self.variant_name = variant_name
        self.deployment = deployment
        """The deployment guardrails, if any."""
        self._endpoint_name_literal = endpoint_name if isinstance(endpoint_name, str) and not is_unresolved(
            endpoint_name) else None
        self.kms_key = kms_key
        """The key of the outputs (``OutputConfig.KmsKeyId``), if any."""
        self.bucket: s3.IBucket | None = None
        """The bucket the construct created (None when you passed the buckets)."""
        placeholder = _PlaceholderBucket()
        default_bucket: s3.IBucket | _PlaceholderBucket = bucket or placeholder
        specs = (
            ("input_location", input_location, input_prefix, DEFAULT_INPUT_PREFIX),
            ("output_location", output_location, output_prefix, DEFAULT_OUTPUT_PREFIX),
            ("failure_location", failure_location, failure_prefix, DEFAULT_FAILURE_PREFIX),
        )
        planned: list[tuple[str, s3.IBucket | _PlaceholderBucket, str]] = []
        for field, location, prefix, default in specs:
            if location is not None:
                planned.append((field, location.bucket, _normalise(location.prefix)))
            else:
                planned.append((field, default_bucket, _normalise(prefix if prefix is not None else default)))
        location_specs = [
            LocationSpec(field=field, bucket=_bucket_id(b), prefix=prefix, uri=f"s3://{_bucket_shown(b)}/{prefix}")
            for field, b, prefix in planned
        ]
        # Output and failure paths in a bucket named at deploy time: advice when only some names fit.
        lengths = Checker()
        for (field, b, prefix), (_, location, _, _) in zip(planned, specs, strict=True):
            name = None if isinstance(b, _PlaceholderBucket) else b.bucket_name
            if field != "input_location" and (name is None or is_unresolved(name)):
                unknown_bucket_length(lengths, f"{field}.prefix" if location is not None else
                                      field.replace("_location", "_prefix"), prefix,
                                      constraint("async.output-path").max_length or 512, what=field.replace("_", " "))
        include = [i.value for i in include_inference_response_in or ()]
        check = TypeChecks()
        self._check_endpoint_name(check, endpoint_name)
        check.text("name.endpoint", "variant_name", with_literal_start(self, variant_name))
        type_ok = check_instance_type(check, "realtime.instance-type", "instance_type", instance_type.name,
                                      known_realtime_types(), allow_unknown=allow_unknown_instance_type)
        check_inference_ami(check, "inference_ami_version", with_literal_start(self, inference_ami_version),
                            instance_type.name if type_ok else None)
        check_volume_size(check, "volume_size_gb", volume_size_gb, instance_type.name if type_ok else None)
        if initial_instance_count is None:
            check.fail("realtime.instance-count", "initial_instance_count", None, "is required",
                       "pass initial_instance_count ≥ 1 (autoscaling with min_instances=0 still starts at ≥ 1)")
        check.number("realtime.instance-count", "initial_instance_count", initial_instance_count,
                     fix="use 1 or more instances; to scale to zero set min_instances=0 (autoscaling scales in)")
        check.number("realtime.model-download-timeout", "model_data_download_timeout",
                     _whole(_seconds(model_data_download_timeout)), fix="use whole seconds between 60 and 3600")
        check.number("realtime.startup-health-timeout", "container_startup_health_check_timeout",
                     _whole(_seconds(container_startup_health_check_timeout)),
                     fix="use whole seconds between 60 and 3600")
        if min_instances is None:
            for field, given in (("max_instances", max_instances != DEFAULT_MAX_INSTANCES),
                                 ("target_backlog_per_instance",
                                  target_backlog_per_instance != DEFAULT_TARGET_BACKLOG_PER_INSTANCE),
                                 ("scale_in_cooldown", scale_in_cooldown is not None),
                                 ("scale_out_cooldown", scale_out_cooldown is not None),
                                 ("scale_from_zero_cooldown", scale_from_zero_cooldown is not None)):
                if given:
                    check.conflict(field, f"{field} configures autoscaling, which needs min_instances "
                                   "(0 to scale to zero)")
        elif min_instances != 0 and not is_unresolved(min_instances) and scale_from_zero_cooldown is not None:
            check.conflict("scale_from_zero_cooldown",
                           "scale_from_zero_cooldown configures the wake-up policy of min_instances=0")
        input_days = duration_in(check, "input_expiration", input_expiration, "days")
        output_days = duration_in(check, "output_expiration", output_expiration, "days")
        # The instance counts an update can start at (guardrail sizes in instances are shares of that count).
        instance_floors = [min_instances if min_instances is not None else initial_instance_count]
        instance_ceilings = [max_instances if min_instances is not None else None]  # None: not autoscaled
        problems: list[Problem] = problems_of(
            check.problems,
            validate_prefix_lengths({
                _location_field(kind, given_prefix, given_location): spec.prefix
                for (kind, given_prefix, given_location), spec in zip(
                    (("input", input_prefix, input_location), ("output", output_prefix, output_location),
                     ("failure", failure_prefix, failure_location)), location_specs, strict=True)}),
            validate_async_model(model.spec),
            validate_async_inference(
                output_path=location_specs[1].uri,
                failure_path=location_specs[2].uri,
                # The messages name the prop the user set (output_prefix, or output_location.prefix).
                output_field=_location_field("output", output_prefix, output_location),
                failure_field=_location_field("failure", failure_prefix, failure_location),
                kms_key_id=kms_key.key_arn if kms_key is not None else None,
                max_concurrent_invocations_per_instance=max_concurrent_invocations_per_instance,
                success_topic_arn=success_topic.topic_arn if success_topic is not None else None,
                error_topic_arn=error_topic.topic_arn if error_topic is not None else None,
                creates_success_topic=success_topic is None and create_topics,
                creates_error_topic=error_topic is None and create_topics,
                include_inference_response_in=include,
            ),
            validate_expiration("input_expiration", input_days, bucket_created=creates_bucket),
            validate_expiration("output_expiration", output_days, bucket_created=creates_bucket),
            validate_async_scaling(
                min_instances=min_instances,
                max_instances=max_instances,
                target_backlog_per_instance=target_backlog_per_instance,
                cooldowns={"scale_in_cooldown": _seconds(scale_in_cooldown),
                           "scale_out_cooldown": _seconds(scale_out_cooldown),
                           "scale_from_zero_cooldown": _seconds(scale_from_zero_cooldown)},
                instance_type=instance_type.name,
            ),
            guardrails_problems(deployment, production_variants=1, instance_floors=instance_floors,
                                instance_ceilings=instance_ceilings, owner=self) if deployment is not None else [],
        )
        if problems:
            raise ValidationError(self.node.path, _CONSTRUCT, problems)

        # -- S3 ------------------------------------------------------------------------------
        if creates_bucket:
            self.bucket = self._create_bucket(
                kms_key=kms_key,
                prefixes={field: prefix for field, b, prefix in planned if b is placeholder},
                input_expiration=input_expiration, output_expiration=output_expiration,
                logs_bucket=server_access_logs_bucket, logs_prefix=server_access_logs_prefix,
            )
        resolved = [AsyncS3Location(bucket=b if not isinstance(b, _PlaceholderBucket) else _created(self.bucket),
                                    prefix=prefix)
                    for _field, b, prefix in planned]
        self.input_location, self.output_location, self.failure_location = resolved
        """Where callers upload payloads / SageMaker writes responses / SageMaker writes failures."""

        # -- SNS -----------------------------------------------------------------------------
        master_key = topic_kms_key or kms_key
        self.success_topic: sns.ITopic | None = success_topic or (
            self._create_topic("SuccessTopic", "succeeded", master_key) if create_topics else None)
        """The topic notified on success (None: no success notification)."""
        self.error_topic: sns.ITopic | None = error_topic or (
            self._create_topic("ErrorTopic", "failed", master_key) if create_topics else None)
        """The topic notified on failure (None: no error notification)."""

        # -- the execution role may read inputs, write outputs, publish notifications ---------
        role = role_for_grants(self, model.role)
        self._grant_execution_role(role)

        # -- endpoint config and endpoint ----------------------------------------------------
        notification: dict[str, Any] | None = None
        if self.success_topic or self.error_topic:
            notification = struct(
                sagemaker.CfnEndpointConfig.AsyncInferenceNotificationConfigProperty,
                success_topic=self.success_topic.topic_arn if self.success_topic else None,
                error_topic=self.error_topic.topic_arn if self.error_topic else None,
                include_inference_response_in=include or None,
            )
        # The config, what it depends on and the endpoint: one jsii round trip (see _batch).
        batch = Batch()
        config = batch.new(
            sagemaker.CfnEndpointConfig, self, "Config", props=sagemaker.CfnEndpointConfigProps,
            production_variants=[struct(
                sagemaker.CfnEndpointConfig.ProductionVariantProperty,
                variant_name=variant_name,
                model_name=model.model_name,
                instance_type=instance_type.name,
                initial_instance_count=initial_instance_count,
                initial_variant_weight=1,
                model_data_download_timeout_in_seconds=_int_seconds(model_data_download_timeout),
                container_startup_health_check_timeout_in_seconds=_int_seconds(
                    container_startup_health_check_timeout),
                inference_ami_version=inference_ami_version,
                volume_size_in_gb=volume_size_gb,
            )],
            kms_key_id=volume_kms_key.key_arn if volume_kms_key is not None else None,
            async_inference_config=struct(
                sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty,
                output_config=struct(
                    sagemaker.CfnEndpointConfig.AsyncInferenceOutputConfigProperty,
                    s3_output_path=self.output_location.s3_uri,
                    s3_failure_path=self.failure_location.s3_uri,
                    kms_key_id=kms_key.key_arn if kms_key is not None else None,
                    notification_config=notification,
                ),
                client_config=(
                    struct(sagemaker.CfnEndpointConfig.AsyncInferenceClientConfigProperty,
                           max_concurrent_invocations_per_instance=max_concurrent_invocations_per_instance)
                    if max_concurrent_invocations_per_instance is not None else None
                ),
            ),
        )
        # SageMaker uses the role's permissions as soon as the endpoint runs: create them first.
        policies = policies_of(model.role)
        if role is not model.role:  # grants went into a policy of this stack (role_for_grants)
            policies += policies_of(role)
        for policy in policies:
            batch.call(batch.of(config, "node"), "addDependency", policy)
        self._capacity = (initial_instance_count, None if min_instances is None else
                          ScalingRange(known_int(min_instances), known_int(max_instances)))
        self._create_endpoint(config, endpoint_name=endpoint_name, retain_counts=(
            retain_scaled_capacity if retain_scaled_capacity is not None else min_instances is not None),
            deployment_config=render_deployment_config(deployment) if deployment is not None else None,
            batch=batch)
        if deployment is not None and deployment.rollback_alarms:
            self.add_rollback_alarm(*deployment.rollback_alarms)

        # -- autoscaling ---------------------------------------------------------------------
        self.scalable_target: appscaling.ScalableTarget | None = None
        """The scalable target (``sagemaker:variant:DesiredInstanceCount``) when autoscaled."""
        self.backlog_scaling_policy: appscaling.TargetTrackingScalingPolicy | None = None
        """Target tracking on ApproximateBacklogSizePerInstance when autoscaled."""
        self.scale_from_zero_policy: appscaling.StepScalingAction | None = None
        """The step policy (+1 instance) that wakes the endpoint at zero (``min_instances=0``)."""
        self.has_backlog_without_capacity_alarm: cloudwatch.Alarm | None = None
        """The alarm on HasBacklogWithoutCapacity that fires the step policy (``min_instances=0``)."""
        # Overlapping locations work (SageMaker accepts them) but widen the grants: advice, not a refusal.
        cuda = Checker()
        inference_ami_cuda_warning(cuda, "inference_ami_version", inference_ami_version,
                                   model.spec.containers)
        if volume_kms_key is not None:
            volume_key_nvme_warning(cuda, "instance_type", instance_type.name, "volume_kms_key")
        if deployment is not None:
            # The real-time rules load with guardrails only.
            from ..validation.realtime import guardrail_exclusions

            guardrail_exclusions(cuda, variant_name, instance_type.name, marketplace=False)
            cuda.problems.extend(guardrails_warnings(deployment, instance_floors=instance_floors,
                                                     instance_ceilings=instance_ceilings))
        for problem in cuda.problems + lengths.problems + validate_async_locations(location_specs) + (
                async_warnings(instance_type=instance_type.name, autoscaled=True) if min_instances is not None else []):
            annotate(self, problem)
        if min_instances is not None:
            self._autoscale(
                min_instances=min_instances, max_instances=max_instances,
                target_backlog_per_instance=target_backlog_per_instance,
                scale_in_cooldown=scale_in_cooldown or seconds(DEFAULT_SCALE_IN_COOLDOWN_S),
                scale_out_cooldown=scale_out_cooldown or seconds(DEFAULT_SCALE_OUT_COOLDOWN_S),
                scale_from_zero_cooldown=scale_from_zero_cooldown or seconds(DEFAULT_SCALE_FROM_ZERO_COOLDOWN_S),
            )

    @checked("AsyncEndpoint.add_rollback_alarm")
    def add_rollback_alarm(self, *alarms: cloudwatch.IAlarm) -> None:
        """Roll deployments back when any of ``alarms`` fires (at most 10 in total).

        Needs ``deployment``. An alarm on this endpoint's own metrics (``add_oldest_request_age_alarm()``,
        …) needs a fixed ``endpoint_name``: otherwise the alarm needs the endpoint's generated name and
        the endpoint needs the alarm, a dependency cycle.
        """
        self._add_rollback_alarms(alarms, _CONSTRUCT)

    # -- resources ---------------------------------------------------------------------------
    def _capacity_variants(self) -> tuple[VariantCapacity, ...]:
        count, scaling = self._capacity
        return (instance_variant(self.variant_name, self.instance_type.name, known_int(count), scaling=scaling),)

    def _create_bucket(self, *, kms_key: kms.IKey | None, prefixes: dict[str, str],
                       input_expiration: Duration | None, output_expiration: Duration | None,
                       logs_bucket: s3.IBucket | None, logs_prefix: str | None) -> s3.Bucket:
        rules: list[s3.LifecycleRule] = []
        for field, prefix in prefixes.items():
            expiration = input_expiration if field == "input_location" else output_expiration
            if expiration is not None:
                rule_id = f"expire-{prefix.replace('/', '-')}"
                if is_unresolved(prefix) or len(rule_id) > _MAX_LIFECYCLE_RULE_ID:
                    rule_id = f"expire-{field.removesuffix('_location')}"  # a rule id is 1–255 characters
                rules.append(s3.LifecycleRule(id=rule_id, prefix=key_folder(prefix) or None,
                                              expiration=expiration,
                                              abort_incomplete_multipart_upload_after=days(1)))
        created = s3.Bucket(
            self, "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            encryption=s3.BucketEncryption.KMS if kms_key is not None else s3.BucketEncryption.S3_MANAGED,
            encryption_key=kms_key,
            bucket_key_enabled=True if kms_key is not None else None,
            lifecycle_rules=rules or None,
            server_access_logs_bucket=logs_bucket,
            server_access_logs_prefix=logs_prefix,
        )
        adopt(created, self)  # in this construct's stack: asked of node never (nag_objects, grants)
        if logs_bucket is None:
            acknowledge(created, "AwsSolutions-S1", None,
                        "The bucket holds transient async inference payloads and results, written and read by "
                        "the endpoint's own role and grant_invoke callers (CloudTrail data events cover audits); "
                        "pass server_access_logs_bucket to log server access")
        return created

    def _create_topic(self, construct_id: str, outcome: str, master_key: kms.IKey | None) -> sns.Topic:
        return create_topic(self, construct_id, master_key=master_key,
                            display_name=f"SageMaker async inference {outcome}",
                            unencrypted_reason="Notifications carry the inference id and S3 locations (the response "
                            "only with include_inference_response_in); pass topic_kms_key or kms_key to encrypt "
                            "the topic")

    def _locations(self) -> tuple[AsyncS3Location, AsyncS3Location, AsyncS3Location]:
        return self.input_location, self.output_location, self.failure_location

    def _keys(self) -> list[kms.IKey]:
        keys: list[kms.IKey] = []
        for candidate in [self.kms_key, *(_encryption_key(loc.bucket) for loc in self._locations())]:
            if candidate is not None and all(candidate is not k for k in keys):
                keys.append(candidate)
        return keys

    def _grant_execution_role(self, role: iam.IRole) -> None:
        """Exactly what SageMaker does with the role: get inputs, put outputs/failures, use the keys, publish."""
        inputs = [self.input_location.arn_for_objects()]
        outputs = [self.output_location.arn_for_objects(), self.failure_location.arn_for_objects()]
        # No Sid: one role may serve several endpoints, and Sids must be unique within a policy (IAM UG
        # reference_policies_elements_sid), so a fixed Sid per endpoint would fail at deploy.
        add_statement(role, iam.PolicyStatement(actions=["s3:GetObject"], resources=inputs))
        add_statement(role, iam.PolicyStatement(actions=["s3:PutObject", "s3:AbortMultipartUpload"],
                                                resources=outputs))
        for key in self._keys():
            key.grant(role, "kms:Decrypt", "kms:GenerateDataKey")
        for topic in (self.success_topic, self.error_topic):
            if topic is not None:
                topic.grant_publish(role)
        findings = self._wildcard_findings(
            "SageMaker names async request and result objects at run time "
            "(<prefix>/<inference id>.out): the grant is scoped to the prefix")
        if any(topic is not None and topic_key(topic) is not None for topic in (self.success_topic, self.error_topic)):
            findings.append(("AwsSolutions-IAM5", "Action::kms:GenerateDataKey*",
                             "aws-cdk-lib's grant_publish on a KMS-encrypted topic, scoped to the topic's key"))
        acknowledge_all(role, findings)

    def _wildcard_findings(self, reason: str) -> list[tuple[str, str | None, str]]:
        """cdk-nag's IAM5 finding for each location's ``<bucket ARN>/<prefix>/*`` grant, with ``reason``."""
        stack = stack_of(self)
        return [("AwsSolutions-IAM5", nag_objects(stack, location.bucket, objects_in(key_folder(location.prefix))), reason)
                for location in self._locations()]

    def _autoscale(self, *, min_instances: int, max_instances: int, target_backlog_per_instance: float,
                   scale_in_cooldown: Duration, scale_out_cooldown: Duration,
                   scale_from_zero_cooldown: Duration) -> None:
        batch = Batch()  # the target, its policies and the wake-up alarm: one jsii round trip (see _batch)
        target = variant_scalable_target(
            self, "ScalableTarget", endpoint=self, variant_name=self.variant_name,
            dimension=INSTANCE_COUNT, min_capacity=min_instances, max_capacity=max_instances, batch=batch,
        )
        tracking = batch.call(
            target, "scaleToTrackMetric", "BacklogPerInstanceTracking",
            props=appscaling.BasicTargetTrackingScalingPolicyProps,
            target_value=target_backlog_per_instance,
            custom_metric=self.metric_approximate_backlog_size_per_instance(),
            scale_in_cooldown=scale_in_cooldown,
            scale_out_cooldown=scale_out_cooldown,
        )
        if min_instances != 0 and not is_unresolved(min_instances):
            batch.run()  # (a floor known only at deploy time gets the wake-up policy: idle while instances run)
            self.scalable_target, self.backlog_scaling_policy = target.value, tracking.value
            return
        # Target tracking alone starts from zero only once the backlog passes the target; the step
        # policy adds the first instance as soon as a request waits without capacity.
        step = batch.new(
            appscaling.StepScalingAction, target, "ScaleOutFromZero", props=appscaling.StepScalingActionProps,
            scaling_target=target,
            adjustment_type=appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
            cooldown=scale_from_zero_cooldown,
            metric_aggregation_type=appscaling.MetricAggregationType.AVERAGE,
        )
        batch.call(step, "addAdjustment", props=appscaling.AdjustmentTier, adjustment=1, lower_bound=0)
        alarm = batch.new(
            cloudwatch.Alarm, self, "HasBacklogWithoutCapacityAlarm", props=cloudwatch.AlarmProps,
            metric=self.metric_has_backlog_without_capacity(period=minutes(1)),
            threshold=1,
            evaluation_periods=2,
            datapoints_to_alarm=2,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.MISSING,
            alarm_description="Requests wait while the async endpoint has no instance: add one "
                              "(SageMaker scale-from-zero recipe)",
        )
        batch.call(alarm, "addAlarmAction", batch.new(cloudwatch_actions.ApplicationScalingAction, step))
        batch.run()
        self.scalable_target, self.backlog_scaling_policy = target.value, tracking.value
        self.scale_from_zero_policy = step.value
        self.has_backlog_without_capacity_alarm = alarm.value

    # -- grants ------------------------------------------------------------------------------
    @checked("AsyncEndpoint.grant_invoke")
    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to invoke this endpoint asynchronously.

        Grants ``sagemaker:InvokeEndpointAsync`` on the endpoint, ``s3:PutObject`` on the input
        location, ``s3:GetObject`` on the output and failure locations, and ``kms:Decrypt`` /
        ``kms:GenerateDataKey`` on the keys involved. The prefix-scoped S3 wildcards are
        acknowledged (cdk-nag AwsSolutions-IAM5) on ``grantee`` with that reason.
        """
        grant = iam.Grant.add_to_principal(grantee=grantee, actions=["sagemaker:InvokeEndpointAsync"],
                                           resource_arns=[self.endpoint_arn])
        inputs = [self.input_location.arn_for_objects()]
        outputs = [self.output_location.arn_for_objects(), self.failure_location.arn_for_objects()]
        grant = grant.combine(iam.Grant.add_to_principal(
            grantee=grantee, actions=["s3:PutObject", "s3:AbortMultipartUpload"], resource_arns=inputs))
        grant = grant.combine(iam.Grant.add_to_principal(grantee=grantee, actions=["s3:GetObject"],
                                                         resource_arns=outputs))
        for key in self._keys():
            grant = grant.combine(key.grant(grantee, "kms:Decrypt", "kms:GenerateDataKey"))
        if isinstance(grantee, Construct):
            acknowledge_all(grantee, self._wildcard_findings(
                "async requests and results are objects named per request under the endpoint's input, output "
                "and failure prefixes"))
        return grant

    # -- metrics (AWS/SageMaker, EndpointName) -----------------------------------------------
    @checked("AsyncEndpoint.metric_approximate_backlog_size")
    def metric_approximate_backlog_size(self, *, statistic: str = "Average",
                                        period: Duration | None = None) -> cloudwatch.Metric:
        """ApproximateBacklogSize: requests queued (default statistic Average, period 5 minutes)."""
        return self.metric("ApproximateBacklogSize", statistic=statistic, period=period)

    @checked("AsyncEndpoint.metric_approximate_backlog_size_per_instance")
    def metric_approximate_backlog_size_per_instance(self, *, statistic: str = "Average",
                                                     period: Duration | None = None) -> cloudwatch.Metric:
        """ApproximateBacklogSizePerInstance: queued requests per instance (default Average)."""
        return self.metric("ApproximateBacklogSizePerInstance", statistic=statistic, period=period)

    @checked("AsyncEndpoint.metric_approximate_age_of_oldest_request")
    def metric_approximate_age_of_oldest_request(self, *, statistic: str = "Maximum",
                                                 period: Duration | None = None) -> cloudwatch.Metric:
        """ApproximateAgeOfOldestRequest in seconds (default statistic Maximum)."""
        return self.metric("ApproximateAgeOfOldestRequest", statistic=statistic, period=period)

    @checked("AsyncEndpoint.metric_has_backlog_without_capacity")
    def metric_has_backlog_without_capacity(self, *, statistic: str = "Average",
                                            period: Duration | None = None) -> cloudwatch.Metric:
        """HasBacklogWithoutCapacity: 1 while requests wait and no instance runs (default Average)."""
        return self.metric("HasBacklogWithoutCapacity", statistic=statistic, period=period)

    @checked("AsyncEndpoint.metric_invocations_processed")
    def metric_invocations_processed(self, *, statistic: str = "Sum",
                                     period: Duration | None = None) -> cloudwatch.Metric:
        """InvocationsProcessed: async requests processed (default statistic Sum)."""
        return self.metric("InvocationsProcessed", statistic=statistic, period=period)

    @checked("AsyncEndpoint.metric_invocation_failures")
    def metric_invocation_failures(self, *, statistic: str = "Sum",
                                   period: Duration | None = None) -> cloudwatch.Metric:
        """InvocationFailures: async requests that failed (default statistic Sum)."""
        return self.metric("InvocationFailures", statistic=statistic, period=period)

    @checked("AsyncEndpoint.metric_time_in_backlog")
    def metric_time_in_backlog(self, *, statistic: str = "Average",
                               period: Duration | None = None) -> cloudwatch.Metric:
        """TimeInBacklog in milliseconds: time queued before processing (default Average)."""
        return self.metric("TimeInBacklog", statistic=statistic, period=period)

    @checked("AsyncEndpoint.metric_total_processing_time")
    def metric_total_processing_time(self, *, statistic: str = "Average",
                                     period: Duration | None = None) -> cloudwatch.Metric:
        """TotalProcessingTime in milliseconds: from request to response upload (default Average)."""
        return self.metric("TotalProcessingTime", statistic=statistic, period=period)

    @checked("AsyncEndpoint.metric_notification_failures")
    def metric_notification_failures(self, *, statistic: str = "Sum",
                                     period: Duration | None = None) -> cloudwatch.Metric:
        """NotificationFailures: SNS notifications that could not be published (default Sum)."""
        return self.metric("NotificationFailures", statistic=statistic, period=period)

    @checked("AsyncEndpoint.metric_model_latency")
    def metric_model_latency(self, *, statistic: str = "Average",
                             period: Duration | None = None) -> cloudwatch.Metric:
        """ModelLatency in microseconds (EndpointName + VariantName; default statistic Average)."""
        return self.metric("ModelLatency", variant_name=self.variant_name, statistic=statistic, period=period)

    # -- opt-in alarms -----------------------------------------------------------------------
    @checked("AsyncEndpoint.add_oldest_request_age_alarm")
    def add_oldest_request_age_alarm(self, *, max_age: Duration | None = None, evaluation_periods: int = 3,
                                     construct_id: str = "OldestRequestAgeAlarm") -> cloudwatch.Alarm:
        """An alarm when the oldest queued request is older than ``max_age``.

        :param max_age: > 0 (fractions of a second are kept: the alarm threshold is in seconds). Default: 30 minutes.
        :param evaluation_periods: consecutive 5-minute periods (Maximum statistic; at most 288, one day).
            Default: 3.
        :param construct_id: the alarm's construct id. Default: ``OldestRequestAgeAlarm``.
        """
        from ..validation.alarms import check_alarm  # the alarm rules load with the first alarm

        types, advice = TypeChecks(), []
        seconds: float = 1800
        if types.optional("max_age", max_age, Duration):
            seconds = duration_amount(max_age, "seconds") if max_age is not None else seconds
            advice = check_alarm(types, threshold=seconds, evaluation_periods=evaluation_periods, comparison=">",
                                 period_seconds=_ALARM_PERIOD_SECONDS, threshold_field="max_age")
        self._check_alarm_id(types, construct_id)  # every problem in one error
        types.raise_if_any(self, _CONSTRUCT)
        return with_notes(advice, cloudwatch.Alarm(
            self, construct_id,
            metric=self.metric_approximate_age_of_oldest_request(),
            threshold=seconds,
            evaluation_periods=evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=f"The oldest request of async endpoint {self.node.path} waits longer than "
                              f"{shown_number(seconds)} seconds",
        ))

    @checked("AsyncEndpoint.add_invocation_failures_alarm")
    def add_invocation_failures_alarm(self, *, threshold: int = 1, evaluation_periods: int = 1,
                                      construct_id: str = "InvocationFailuresAlarm") -> cloudwatch.Alarm:
        """An alarm when at least ``threshold`` async requests fail within 5 minutes (Sum).

        :param threshold: failures per 5-minute period (≤ 0 fires whenever there is data: a warning). Default: 1.
        :param evaluation_periods: consecutive periods (at most 288: CloudWatch evaluates one day). Default: 1.
        :param construct_id: the alarm's construct id. Default: ``InvocationFailuresAlarm``.
        """
        from ..validation.alarms import check_alarm

        types = TypeChecks()
        advice = check_alarm(types, threshold=threshold, evaluation_periods=evaluation_periods, comparison=">=",
                             period_seconds=_ALARM_PERIOD_SECONDS)
        self._check_alarm_id(types, construct_id)  # every problem in one error
        types.raise_if_any(self, _CONSTRUCT)
        return with_notes(advice, cloudwatch.Alarm(
            self, construct_id,
            metric=self.metric_invocation_failures(),
            threshold=threshold,
            evaluation_periods=evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=f"Async endpoint {self.node.path}: inference requests fail",
        ))

    def _check_alarm_id(self, types: TypeChecks, construct_id: str) -> None:
        # @checked has refused an id that is not a non-empty string: what is left is one already taken.
        if self.node.try_find_child(construct_id):
            types.fail("props.type", "construct_id", construct_id,
                       f"is already the id of another construct in {self.node.path}",
                       "pass a construct_id not used by another child of the endpoint")


# -- helpers -----------------------------------------------------------------------------------
class _PlaceholderBucket:
    """Stands for the bucket the construct will create, until validation has passed."""

    bucket_name = "<created bucket>"


def _bucket_id(bucket: Any) -> str:
    if isinstance(bucket, _PlaceholderBucket):
        return "<created>"
    name = bucket.bucket_name
    return str(bucket.node.path) if is_unresolved(name) else str(name)


def _bucket_shown(bucket: Any) -> str:
    if isinstance(bucket, _PlaceholderBucket):
        return UNKNOWN_BUCKET_NAME
    name = bucket.bucket_name
    return UNKNOWN_BUCKET_NAME if is_unresolved(name) else str(name)


def _created(bucket: s3.IBucket | None) -> s3.IBucket:
    assert bucket is not None, "the construct creates its bucket before it is used"
    return bucket


def _location_field(kind: str, prefix: str | None, location: AsyncS3Location | None) -> str:
    if prefix is not None:
        return f"{kind}_prefix"
    return f"{kind}_location.prefix" if location is not None else f"{kind}_location"


def _normalise(prefix: str) -> str:
    return prefix if is_unresolved(prefix) else prefix.strip("/")


def _seconds(duration: Duration | None) -> float | None:
    return None if duration is None else duration_amount(duration, "seconds")


def _whole(seconds: float | None) -> float | int | None:
    """Whole seconds as an int (so integer checks pass), anything else unchanged."""
    if seconds is None or is_unresolved(seconds) or not float(seconds).is_integer():
        return seconds
    return int(seconds)


def _int_seconds(duration: Duration | None) -> int | None:
    seconds = _seconds(duration)
    if seconds is None:
        return None
    return seconds if is_unresolved(seconds) else int(seconds)  # type: ignore[return-value]


def _encryption_key(bucket: s3.IBucket) -> kms.IKey | None:
    return memo(bucket, "encryption_key", lambda: bucket.encryption_key)


