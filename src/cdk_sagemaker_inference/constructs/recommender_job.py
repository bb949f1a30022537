"""An Inference Recommender job run by a Step Functions state machine (``InferenceRecommenderJob``).

Each execution starts ``CreateInferenceRecommendationsJob`` for a Model Registry version (the AWS SDK
integration ``arn:aws:states:::aws-sdk:sagemaker:createInferenceRecommendationsJob``; SDK integrations have
no ``.sync``), polls ``DescribeInferenceRecommendationsJob`` every ``poll_interval`` until the job is
COMPLETED, FAILED or STOPPED (bounded by the state machine's ``timeout``), and publishes the outcome to an
SNS topic, as the batch transform construct does. Import the result with ``cdk-sagemaker-inference recommend
import <job>``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from ..errors import ValidationError
from ..instance_types import InstanceType, known_realtime_types
from ..tokens import is_unresolved
from ..typecheck import TypeChecks, checked, duration_in, props_class
from ..validation.checks import Checker, check_s3_uri
from ..validation.instances import check_instance_type
from ..validation.model import check_registry_version
from ._base import (
    acknowledge_all,
    acknowledge_literal_placeholders,
    create_topic,
    mark_library_role,
    nag_flatten,
    renew_standing_acknowledgments,
    with_notes,
)
from ._memo import bucket_name, iam_literal, objects_in, stack_of, with_literal_start
from .batch_transform import create_log_group, enable_logs_and_tracing
from .components import IInferenceComponent
from .endpoint import IEndpoint
from .model import ModelPackage

__all__ = ["AIBenchmarkJob", "InferenceRecommenderJob", "LoadPhase", "LoadStairs", "RecommendationJobType"]

class RecommendationJobType(enum.Enum):
    """``JobType``: a Default job (instance recommendations, about 45 minutes) or an Advanced load test."""

    DEFAULT = "Default"
    ADVANCED = "Advanced"


@props_class
@dataclass(frozen=True, kw_only=True)
class LoadPhase:
    """One phase of an Advanced job's traffic pattern (``TrafficPattern.Phases``)."""

    initial_users: int
    """Concurrent users at the start of the phase, 1–3 (API_Phase). No default."""
    spawn_rate: int
    """Users added per minute (≥ 0). No default."""
    duration: Duration
    """120–3600 s for custom load tests (API_Phase); all phases together within the job duration. No default."""


@props_class
@dataclass(frozen=True, kw_only=True)
class LoadStairs:
    """A stairs traffic pattern (``TrafficPattern.Stairs``): users added in equal steps."""

    duration: Duration
    """How long the whole pattern runs (≥ 1 s). No default."""
    number_of_steps: int
    """How many steps (≥ 1). No default."""
    users_per_step: int
    """Users added at each step, 1–3 (API Stairs.UsersPerStep). No default."""


class InferenceRecommenderJob(Construct):
    """A state machine that runs an Inference Recommender job on a Model Registry version and reports the
    outcome to SNS. Start an execution (``grant_start_execution``) to run one job; its name is
    ``<job_name_prefix>-<uuid>``.

    The job's own role (``job_role``) is what SageMaker uses to create the models, endpoint configs and
    endpoints it load-tests: the developer guide documents the ``AmazonSageMakerFullAccess`` managed policy
    for it, and the names of what the job creates are chosen by the service (prefixed with the job name,
    truncated at 40 characters, by an undocumented scheme), so they cannot be scoped; the role also reads the
    sample payload. The state machine's role is scoped to this construct's jobs and passes only the job role.
    """

    log_group: logs.LogGroup
    """The state machine's execution log (level ALL, with execution data)."""
    state_machine: sfn.StateMachine
    """The state machine: start an execution to run one job."""

    @checked("InferenceRecommenderJob")
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        model_package: ModelPackage,
        payload_bucket: s3.IBucket,
        payload_key: str,
        content_types: Sequence[str],
        job_type: RecommendationJobType = RecommendationJobType.DEFAULT,
        instance_types: Sequence[InstanceType] = (),
        phases: Sequence[LoadPhase] = (),
        stairs: LoadStairs | None = None,
        max_invocations: int | None = None,
        p95_latency_threshold: Duration | None = None,
        job_duration: Duration | None = None,
        job_role: iam.IRole | None = None,
        topic: sns.ITopic | None = None,
        topic_kms_key: kms.IKey | None = None,
        poll_interval: Duration | None = None,
        timeout: Duration | None = None,
        job_name_prefix: str | None = None,
        allow_unknown_instance_type: bool = False,
        log_kms_key: kms.IKey | None = None,
    ) -> None:
        """Define the job's state machine.

        :param model_package: a Model Registry version (``ModelPackage.from_registry_version``). No default.
        :param payload_bucket: the bucket of the sample payload. No default.
        :param payload_key: the sample payload: one ``.tar.gz`` of request files. No default.
        :param content_types: the payload's content types (e.g. ``["text/csv"]``). No default.
        :param job_type: Default or Advanced. Default: ``DEFAULT``.
        :param instance_types: endpoint configurations to compare (1–10; required for Advanced). Default: none
            (SageMaker chooses).
        :param phases: the load test's traffic phases (Advanced jobs: phases or stairs). Default: none.
        :param stairs: a stairs traffic pattern instead of phases. Default: none.
        :param max_invocations: stop after this many invocations a minute. Default: none.
        :param p95_latency_threshold: stop when P95 model latency exceeds it. Default: none.
        :param job_duration: the job's maximum duration, ≤ 18,000 s. Default: SageMaker's.
        :param job_role: the role SageMaker uses for the job. Default: one is created.
        :param topic: where each outcome is published. Default: one is created (encrypted with
            ``topic_kms_key`` when given).
        :param topic_kms_key: the created topic's key. Default: none.
        :param poll_interval: how often the job's status is read. Default: 5 minutes.
        :param timeout: the state machine's timeout (bounds the poll). Default: 6 hours.
        :param job_name_prefix: ≤ 27 letters, digits and hyphens. Default: from the construct path.
        :param allow_unknown_instance_type: accept an instance type the package's instance-type data does not
            list (a type newer than this release). Default: False.
        :param log_kms_key: encrypts the state machine's log group. A key of this app gets the key policy
            statement CloudWatch Logs needs; an imported key is warned about. Default: none (CloudWatch Logs'
            own encryption).
        """
        super().__init__(scope, construct_id)
        check = TypeChecks()
        if model_package.marketplace:
            check.fail("recommender.model-package", "model_package", model_package.validation_arn,
                       "is an AWS Marketplace package: Inference Recommender takes a versioned model package "
                       "(ModelPackageVersionArn)", "pass ModelPackage.from_registry_version(group, version)")
        else:
            check_registry_version(check, "model_package", model_package.validation_arn)
        lengths = Checker()
        check_s3_uri(check, "recommender.payload-url", "payload_key", bucket_name(payload_bucket), payload_key,
                     what="sample payload", warnings=lengths)
        with_notes(lengths.problems, self)
        for index, content_type in enumerate(content_types):
            check.text("recommender.content-types", f"content_types[{index}]", content_type,
                       fix="use a media type of at most 256 characters on one line, e.g. text/csv (no line break)")
        if isinstance(payload_key, str) and not is_unresolved(payload_key) and not payload_key.endswith(".tar.gz"):
            check.fail("recommender.payload", "payload_key", payload_key, "is not a .tar.gz archive",
                       "archive the sample request files into one .tar.gz and pass its key")
        check.count("recommender.endpoint-configurations", "instance_types", tuple(instance_types), minimum=0,
                    fix="compare at most 10 instance types in one job")
        for index, instance_type in enumerate(instance_types):
            if not check_instance_type(check, "realtime.instance-type", f"instance_types[{index}]", instance_type.name,
                                       known_realtime_types(), allow_unknown=allow_unknown_instance_type):
                continue
            if instance_type.name.startswith("ml.t2."):
                check.fail("recommender.endpoint-configurations", f"instance_types[{index}]", instance_type.name,
                           "is a burstable ml.t2 type, which Inference Recommender does not load-test",
                           "pick a non-burstable instance type")
        seconds = duration_in(check, "job_duration", job_duration, "seconds")
        check.number("recommender.job-duration", "job_duration", seconds, fix="use at most Duration.hours(5)")
        total = 0.0
        for index, phase in enumerate(phases):
            check.number("recommender.phase", f"phases[{index}].initial_users", phase.initial_users,
                         minimum=1, maximum=3, fix="start each phase with 1 to 3 users")
            check.number("recommender.phase", f"phases[{index}].spawn_rate", phase.spawn_rate, minimum=0,
                         fix="use a spawn rate ≥ 0")
            phase_seconds = duration_in(check, f"phases[{index}].duration", phase.duration, "seconds")
            total += phase_seconds if phase_seconds is not None and not is_unresolved(phase_seconds) else 0
            check.number("recommender.phase-duration", f"phases[{index}].duration", phase_seconds,
                         fix="use Duration.seconds(120) to Duration.hours(1)")
        if seconds is not None and not is_unresolved(seconds) and phases and total > seconds:
            check.fail("recommender.phase-duration", "phases", f"{total:g} s",
                       f"the phases take {total:g} s, longer than job_duration ({seconds:g} s)",
                       "shorten the phases or raise job_duration")
        if stairs is not None:
            if phases:
                check.conflict("stairs", "give phases or stairs, not both")
            check.number("recommender.stairs", "stairs.users_per_step", stairs.users_per_step, minimum=1, maximum=3,
                         fix="add 1 to 3 users per step")
            check.number("recommender.stairs", "stairs.number_of_steps", stairs.number_of_steps, minimum=1,
                         maximum=float("inf"), fix="use at least 1 step")
            check.number("recommender.stairs", "stairs.duration",
                         duration_in(check, "stairs.duration", stairs.duration, "seconds"), minimum=1,
                         maximum=float("inf"), integer=False, fix="run the stairs for at least a second")
        if job_type is RecommendationJobType.ADVANCED:
            for field, given in (("instance_types", instance_types), ("phases", phases or stairs)):
                if not given:
                    check.fail("recommender.advanced", field, None, f"an Advanced job needs {field}"
                               + (" (or stairs)" if field == "phases" else ""),
                               f"pass {field}=..., or use job_type=RecommendationJobType.DEFAULT")
            if max_invocations is None and p95_latency_threshold is None:
                check.fail("recommender.advanced", "max_invocations", None,
                           "an Advanced job needs stopping conditions",
                           "pass max_invocations=... and/or p95_latency_threshold=...")
        latency_ms = duration_in(check, "p95_latency_threshold", p95_latency_threshold, "milliseconds")
        check.text("recommender.job-name-prefix", "job_name_prefix", with_literal_start(self, job_name_prefix),
                   fix="use at most 27 letters, digits and hyphens (the job name adds a 37-character run id)")
        if check.problems:
            raise ValidationError(self.node.path, "InferenceRecommenderJob", check.problems)

        prefix = job_name_prefix or _default_prefix(self)
        self.job_name_prefix = prefix
        """Every job this state machine starts is named ``<prefix>-<uuid>``."""
        self.job_role: iam.IRole = job_role or self._create_job_role()
        """The role SageMaker uses for the job."""
        package_arn = model_package.bind(self, self.job_role)
        # Only the one object (grant_read would add s3:GetBucket*/List* wildcards the job does not need).
        iam.Grant.add_to_principal(grantee=self.job_role, actions=["s3:GetObject"],
                                   resource_arns=[payload_bucket.arn_for_objects(iam_literal(payload_key))])
        if job_role is None:  # after the grants: cdk-nag 2 reads acknowledgments on the policy they create
            self._acknowledge_job_role(self.job_role)
        else:  # a role the library made for a model may have had no default policy before these grants
            renew_standing_acknowledgments(job_role)
        self.topic: sns.ITopic = topic or create_topic(
            self, "Topic", master_key=topic_kms_key, display_name="SageMaker Inference Recommender outcome",
            unencrypted_reason="Outcome messages carry job names and error messages; pass topic_kms_key to "
            "encrypt the topic")
        input_config: dict[str, Any] = {
            "ModelPackageVersionArn": package_arn,
            "ContainerConfig": {"PayloadConfig": {
                "SamplePayloadUrl": f"s3://{bucket_name(payload_bucket)}/{payload_key}",
                "SupportedContentTypes": list(content_types)}},
        }
        if seconds is not None:
            input_config["JobDurationInSeconds"] = _whole(seconds)
        if instance_types:
            input_config["EndpointConfigurations"] = [{"InstanceType": t.name} for t in instance_types]
        if stairs is not None:
            input_config["TrafficPattern"] = {"TrafficType": "STAIRS", "Stairs": {
                "DurationInSeconds": _whole(stairs.duration.to_seconds()), "NumberOfSteps": stairs.number_of_steps,
                "UsersPerStep": stairs.users_per_step}}
        if phases:
            input_config["TrafficPattern"] = {"TrafficType": "PHASES", "Phases": [
                {"InitialNumberOfUsers": p.initial_users, "SpawnRate": p.spawn_rate,
                 "DurationInSeconds": _whole(p.duration.to_seconds())} for p in phases]}
        stopping: dict[str, Any] = {}
        if max_invocations is not None:
            stopping["MaxInvocations"] = max_invocations
        if latency_ms is not None:
            stopping["ModelLatencyThresholds"] = [{"Percentile": "P95", "ValueInMilliseconds": _whole(latency_ms)}]
        self.log_group, self.state_machine = _job_state_machine(
            self, self._definition(prefix, job_type, input_config, stopping, poll_interval or Duration.minutes(5)),
            timeout=timeout, prefix=prefix, resource="inference-recommendations-job", what="Inference Recommender",
            job_role=self.job_role, log_kms_key=log_kms_key)
        acknowledge_literal_placeholders(self.state_machine, input_config)

    def _create_job_role(self) -> iam.Role:
        role = iam.Role(self, "JobRole", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
                        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSageMakerFullAccess")],
                        description="Inference Recommender job role (cdk-sagemaker-inference)")
        mark_library_role(role)
        return role

    @staticmethod
    def _acknowledge_job_role(role: iam.IRole) -> None:
        acknowledge_all(role, [
            ("AwsSolutions-IAM4", "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSageMakerFullAccess",
             "the developer guide's Inference Recommender prerequisites name this managed policy: the job creates "
             "models, endpoint configs and endpoints whose names the service chooses"),
            *(("AwsSolutions-IAM5", f"Action::{action}", "aws-cdk-lib's read grant of the model package's "
               "artifacts (bucket and prefix given to ModelPackage)") for action in
              ("s3:GetObject*", "s3:GetBucket*", "s3:List*")),
            ("NIST.800.53.R5-IAMNoInlinePolicy", None,
             "The job role's inline policy reads only the sample payload and the package's artifacts"),
        ])

    def _definition(self, prefix: str, job_type: RecommendationJobType, input_config: dict[str, Any],
                    stopping: dict[str, Any], poll: Duration) -> sfn.IChainable:
        stack = stack_of(self)
        jobs = stack.format_arn(service="sagemaker", resource="inference-recommendations-job",
                                resource_name=f"{prefix}-*")
        name = sfn.Pass(self, "NameJob", parameters={"name": sfn.JsonPath.format("{}-{}", prefix, sfn.JsonPath.uuid())})
        create_parameters: dict[str, Any] = {"JobName": sfn.JsonPath.string_at("$.name"), "JobType": job_type.value,
                                             "RoleArn": self.job_role.role_arn, "InputConfig": input_config}
        if stopping:
            create_parameters["StoppingConditions"] = stopping
        create = tasks.CallAwsService(
            self, "CreateJob", service="sagemaker", action="createInferenceRecommendationsJob",
            iam_action="sagemaker:CreateInferenceRecommendationsJob", iam_resources=[jobs],
            parameters=create_parameters, result_path=sfn.JsonPath.DISCARD)
        wait = sfn.Wait(self, "WaitForJob", time=sfn.WaitTime.duration(poll))
        describe = tasks.CallAwsService(
            self, "DescribeJob", service="sagemaker", action="describeInferenceRecommendationsJob",
            iam_action="sagemaker:DescribeInferenceRecommendationsJob", iam_resources=[jobs],
            parameters={"JobName": sfn.JsonPath.string_at("$.name")},
            result_selector={"status": sfn.JsonPath.string_at("$.Status")}, result_path="$.job")
        return _poll_and_report(self, name, create, wait, describe, self.topic, "Inference Recommender job",
                                completed="COMPLETED", failed=("FAILED", "STOPPED"))

    @checked("InferenceRecommenderJob.grant_start_execution")
    def grant_start_execution(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to start a job (``states:StartExecution``)."""
        return self.state_machine.grant_start_execution(grantee)


class AIBenchmarkJob(Construct):
    """A state machine that runs an AI benchmark job (``CreateAIBenchmarkJob``) against an endpoint (and,
    optionally, its inference components) with an AI workload configuration, polls it to Completed, Failed
    or Stopped, and reports the outcome to SNS.

    The job's role is yours to pass: the service model documents no permissions for it. The construct grants
    it what the job evidently does with the given resources (invoke the endpoint, write results under the
    output prefix); anything the workload configuration needs beyond that is not documented, so it is not
    guessed.
    """

    log_group: logs.LogGroup
    """The state machine's execution log (level ALL, with execution data)."""
    state_machine: sfn.StateMachine
    """The state machine: start an execution to run one job."""

    @checked("AIBenchmarkJob")
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint: IEndpoint,
        workload_config: str,
        role: iam.IRole,
        output_bucket: s3.IBucket,
        output_prefix: str = "",
        inference_components: Sequence[IInferenceComponent] = (),
        topic: sns.ITopic | None = None,
        topic_kms_key: kms.IKey | None = None,
        poll_interval: Duration | None = None,
        timeout: Duration | None = None,
        job_name_prefix: str | None = None,
        log_kms_key: kms.IKey | None = None,
    ) -> None:
        """Define the benchmark's state machine.

        :param endpoint: the endpoint to benchmark. No default.
        :param workload_config: the AI workload configuration's name or ARN (``AIWorkloadConfigIdentifier``).
            No default.
        :param role: the role SageMaker uses for the job. No default.
        :param output_bucket: where the results go. No default.
        :param output_prefix: the results' key prefix. Default: the bucket's root.
        :param inference_components: components of the endpoint to benchmark. Default: the endpoint.
        :param topic: where each outcome is published. Default: one is created.
        :param topic_kms_key: the created topic's key. Default: none.
        :param poll_interval: how often the job's status is read. Default: 5 minutes.
        :param timeout: the state machine's timeout (bounds the poll). Default: 6 hours.
        :param job_name_prefix: ≤ 26 letters, digits and hyphens. Default: from the construct path.
        :param log_kms_key: encrypts the state machine's log group. A key of this app gets the key policy
            statement CloudWatch Logs needs; an imported key is warned about. Default: none (CloudWatch Logs'
            own encryption).
        """
        super().__init__(scope, construct_id)
        check = TypeChecks()
        check.text("benchmark.workload-config", "workload_config", with_literal_start(self, workload_config),
                   fix="pass the AI workload configuration's name (or ARN)")
        check.text("benchmark.job-name-prefix", "job_name_prefix", with_literal_start(self, job_name_prefix),
                   fix="use at most 26 letters, digits and hyphens (the job name adds a 37-character run id)")
        if isinstance(output_prefix, str):
            lengths = Checker()
            check_s3_uri(check, "benchmark.output-location", "output_prefix", bucket_name(output_bucket),
                         output_prefix.strip("/"), what="results location", warnings=lengths)
            with_notes(lengths.problems, self)
        if check.problems:
            raise ValidationError(self.node.path, "AIBenchmarkJob", check.problems)
        prefix = job_name_prefix or _default_prefix(self, 26)
        self.job_name_prefix = prefix
        """Every job this state machine starts is named ``<prefix>-<uuid>``."""
        self.role = role
        endpoint.grant_invoke(role)
        prefix_path = output_prefix.strip("/")
        # Writes under the prefix only (grant_put would add s3:Abort* too).
        iam.Grant.add_to_principal(grantee=role, actions=["s3:PutObject"], resource_arns=[
            output_bucket.arn_for_objects(objects_in(f"{prefix_path}/" if prefix_path else ""))])
        renew_standing_acknowledgments(role)  # a role the library made for a model: its default policy may be new
        self.topic: sns.ITopic = topic or create_topic(
            self, "Topic", master_key=topic_kms_key, display_name="SageMaker AI benchmark outcome",
            unencrypted_reason="Outcome messages carry job names; pass topic_kms_key to encrypt the topic")
        target: dict[str, Any] = {"Identifier": endpoint.endpoint_name}
        if inference_components:
            target["InferenceComponents"] = [{"Identifier": c.component_name} for c in inference_components]
        location = f"s3://{bucket_name(output_bucket)}/{prefix_path}" if prefix_path else \
            f"s3://{bucket_name(output_bucket)}"
        stack = stack_of(self)
        jobs = stack.format_arn(service="sagemaker", resource="ai-benchmark-job", resource_name=f"{prefix}-*")
        name = sfn.Pass(self, "NameJob", parameters={"name": sfn.JsonPath.format("{}-{}", prefix, sfn.JsonPath.uuid())})
        create = tasks.CallAwsService(
            self, "CreateJob", service="sagemaker", action="createAIBenchmarkJob",
            iam_action="sagemaker:CreateAIBenchmarkJob", iam_resources=[jobs],
            parameters={"AIBenchmarkJobName": sfn.JsonPath.string_at("$.name"),
                        "BenchmarkTarget": {"Endpoint": target}, "OutputConfig": {"S3OutputLocation": location},
                        "AIWorkloadConfigIdentifier": workload_config, "RoleArn": role.role_arn},
            result_path=sfn.JsonPath.DISCARD)
        wait = sfn.Wait(self, "WaitForJob", time=sfn.WaitTime.duration(poll_interval or Duration.minutes(5)))
        describe = tasks.CallAwsService(
            self, "DescribeJob", service="sagemaker", action="describeAIBenchmarkJob",
            iam_action="sagemaker:DescribeAIBenchmarkJob", iam_resources=[jobs],
            parameters={"AIBenchmarkJobName": sfn.JsonPath.string_at("$.name")},
            result_selector={"status": sfn.JsonPath.string_at("$.AIBenchmarkJobStatus")}, result_path="$.job")
        self.log_group, self.state_machine = _job_state_machine(
            self, _poll_and_report(self, name, create, wait, describe, self.topic, "AI benchmark job",
                                   completed="Completed", failed=("Failed", "Stopped")),
            timeout=timeout, prefix=prefix, resource="ai-benchmark-job", what="AI benchmark", job_role=role,
            log_kms_key=log_kms_key)
        acknowledge_literal_placeholders(self.state_machine, output_prefix, workload_config)

    @checked("AIBenchmarkJob.grant_start_execution")
    def grant_start_execution(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to start a benchmark (``states:StartExecution``)."""
        return self.state_machine.grant_start_execution(grantee)


def _whole(value: float) -> float | int:
    """A whole number for the API (a number token stays the token: the template carries it)."""
    return value if is_unresolved(value) else round(value)


def _default_prefix(scope: Construct, length: int = 27) -> str:
    from aws_cdk import Names

    return Names.unique_resource_name(scope, max_length=length, separator="-").strip("-")[:length] or "job"


def _job_state_machine(scope: Construct, definition: sfn.IChainable, *, timeout: Duration | None, prefix: str,
                       resource: str, what: str, job_role: iam.IRole,
                       log_kms_key: kms.IKey | None) -> tuple[logs.LogGroup, sfn.StateMachine]:
    """The state machine of a job construct: level-ALL logs and X-Ray, the ``timeout`` that bounds its poll
    (default 6 hours), ``iam:PassRole`` on the job role only, and the acknowledgment of its one wildcard (the
    jobs named ``<prefix>-*``, a new name per run)."""
    log_group = create_log_group(scope, logs.RetentionDays.ONE_YEAR, log_kms_key)
    state_machine = sfn.StateMachine(
        scope, "Resource", definition_body=sfn.DefinitionBody.from_chainable(definition),
        timeout=timeout or Duration.hours(6), comment=f"Runs SageMaker {what} jobs {prefix}-* (cdk-sagemaker-inference)")
    enable_logs_and_tracing(state_machine, log_group)
    job_role.grant_pass_role(state_machine.role)
    stack = stack_of(scope)
    jobs = stack.format_arn(service="sagemaker", resource=resource, resource_name=f"{prefix}-*")
    acknowledge_all(state_machine, [
        ("AwsSolutions-IAM5", f"Resource::{nag_flatten(stack.resolve(jobs))}",
         f"the state machine may manage only {what} jobs whose name starts with this construct's job_name_prefix: "
         "each run creates a job with a new name"),
        ("NIST.800.53.R5-IAMNoInlinePolicy", None,
         "The state machine's role has inline policies scoped to this construct's jobs, job role and topic: a "
         "customer-managed policy could be attached to other principals"),
    ])
    return log_group, state_machine


def _poll_and_report(scope: Construct, name: sfn.Pass, create: sfn.IChainable, wait: sfn.Wait,
                     describe: tasks.CallAwsService, topic: sns.ITopic, what: str, *, completed: str,
                     failed: tuple[str, ...]) -> sfn.IChainable:
    """name → create → wait → describe → status: ``completed`` publishes success, ``failed`` publishes failure
    and fails the execution, anything else waits again (the state machine's timeout bounds the loop)."""
    succeeded = tasks.SnsPublish(
        scope, "NotifySuccess", topic=topic, subject=f"{what} completed", message=sfn.TaskInput.from_json_path_at("$.name"),
        message_attributes={"status": tasks.MessageAttribute(value="Succeeded")},
        result_path=sfn.JsonPath.DISCARD).next(sfn.Succeed(scope, "Done"))
    failure = tasks.SnsPublish(
        scope, "NotifyFailure", topic=topic, subject=f"{what} failed", message=sfn.TaskInput.from_json_path_at("$.name"),
        message_attributes={"status": tasks.MessageAttribute(value="Failed")},
        result_path=sfn.JsonPath.DISCARD).next(sfn.Fail(scope, "Failed", error="JobFailed",
                                                        cause=f"the {what} failed or stopped"))
    status = sfn.Choice(scope, "JobStatus")
    status.when(sfn.Condition.string_equals("$.job.status", completed), succeeded)
    status.when(sfn.Condition.or_(*(sfn.Condition.string_equals("$.job.status", s) for s in failed)), failure)
    status.otherwise(wait)
    return name.next(create).next(wait).next(describe).next(status)
