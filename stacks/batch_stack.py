"""Nightly batch scoring of CSV records, each prediction joined to its input line."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_sagemaker_inference import (
    AssembleWith,
    BatchStrategy,
    BatchTransformInput,
    BatchTransformJob,
    BatchTransformOutput,
    ContainerImage,
    DataProcessing,
    InferenceModel,
    InstanceType,
    JoinSource,
    ModelData,
    SplitType,
    acknowledge_nag_finding,
)

from .common import MODEL_ARTIFACT, access_logs_bucket, secure_bucket


class BatchStack(Stack):
    """Every night at 02:00 UTC, the CSV records under ``incoming/`` of the records bucket are
    scored on one ml.m5.xlarge instance. The model sees each line without its first column (the
    record id); the results bucket receives, under a new ``scored/<job name>/`` prefix per run,
    the id and the score of every line. An SNS topic announces each run's outcome, and an alarm
    fires when a run fails. Operators may also start a run at any time."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        access_logs = access_logs_bucket(self)
        records = secure_bucket(self, "Records", access_logs=access_logs, log_prefix="records/")
        model = InferenceModel(
            self, "Model",
            image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311-ubuntu20.04-sagemaker"),
            model_data=ModelData.from_asset(MODEL_ARTIFACT),
            environment={"SAGEMAKER_PROGRAM": "inference.py", "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code"},
        )
        self.job = BatchTransformJob(
            self, "NightlyScoring",
            model=model,
            instance_type=InstanceType.M5_XLARGE,
            input=BatchTransformInput.from_prefix(records, "incoming/", content_type="text/csv",
                                                  split_type=SplitType.LINE),
            output=BatchTransformOutput(prefix="scored/", accept="text/csv", assemble_with=AssembleWith.LINE,
                                        server_access_logs_bucket=access_logs,
                                        server_access_logs_prefix="results/"),
            batch_strategy=BatchStrategy.MULTI_RECORD,
            max_payload_mb=6,
            max_concurrent_transforms=4,
            invocation_timeout=Duration.minutes(5),
            invocation_max_retries=1,
            # The model gets each line without its id; the result is the input line joined with
            # the prediction, of which the id (first column) and the score (last) are kept.
            data_processing=DataProcessing(input_filter="$[1:]", output_filter="$[0,-1]",
                                           join_source=JoinSource.INPUT),
            job_name_prefix="nightly-scoring",
            schedule=events.Schedule.cron(minute="0", hour="2"),
            alarm_on_failure=True,
        )
        # Operators start extra runs (optionally with {"inputUri": "s3://<records>/incoming/<day>/"});
        # reporting reads the results. Nothing more.
        operator = iam.Role(self, "OperatorRole", assumed_by=iam.AccountRootPrincipal(),
                            description="Starts batch scoring runs on demand")
        self.job.grant_start_execution(operator)
        reporting = iam.Role(self, "ReportingRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                             description="Reads the batch scoring results")
        self.job.grant_read_output(reporting)
        results = self.get_logical_id(self.job.output_bucket.node.default_child)  # type: ignore[arg-type]
        for finding in ("Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*",
                        f"Resource::<{results}.Arn>/scored/*"):
            acknowledge_nag_finding(
                reporting, "AwsSolutions-IAM5", finding=finding,
                reason="The role's only policy is grant_read_output: aws-cdk-lib's read grant on the results prefix",
            )
        CfnOutput(self, "StateMachineArn", value=self.job.state_machine_arn)
        CfnOutput(self, "InputLocation", value=self.job.input_uri)
        CfnOutput(self, "OutputBucket", value=self.job.output_bucket.bucket_name)
        CfnOutput(self, "TopicArn", value=self.job.topic.topic_arn)
