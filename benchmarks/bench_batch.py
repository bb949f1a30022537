"""Batch transform: a DLC model and a Step Functions state machine that runs the transform job
(``createTransformJob.sync``) on CSV lines, with its output bucket, outcome topic, log group and
least-privilege roles: 12 resources per job."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import Aws, RemovalPolicy, Stack, Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from bench_common import (
    ACCOUNT,
    BUCKET,
    PARTITION,
    REGION,
    REPOSITORY,
    TAG,
    Kind,
    dlc_image_uri,
    dlc_mapping,
    grant_policy,
    join,
    model_key,
    model_role,
    role_policies,
)

RECORDS = "bench-records"


def prefix(i: int) -> str:
    return f"bench-job{i}"


def library(stack: Stack, first: int, count: int) -> None:
    from cdk_sagemaker_inference import (
        AssembleWith,
        BatchStrategy,
        BatchTransformInput,
        BatchTransformJob,
        BatchTransformOutput,
        ContainerImage,
        InferenceModel,
        InstanceType,
        ModelData,
        SplitType,
    )

    bucket = s3.Bucket.from_bucket_name(stack, "Models", BUCKET)
    records = s3.Bucket.from_bucket_name(stack, "Records", RECORDS)
    image = ContainerImage.from_dlc(REPOSITORY, TAG)
    for i in range(first, first + count):
        model = InferenceModel(stack, f"Model{i}", image=image,
                               model_data=ModelData.from_bucket(bucket, model_key(i)))
        BatchTransformJob(
            stack, f"Job{i}", model=model, instance_type=InstanceType.M5_XLARGE, job_name_prefix=prefix(i),
            input=BatchTransformInput.from_prefix(records, f"incoming/j{i}/", content_type="text/csv",
                                                  split_type=SplitType.LINE),
            output=BatchTransformOutput(prefix="scored/", accept="text/csv", assemble_with=AssembleWith.LINE),
            batch_strategy=BatchStrategy.MULTI_RECORD, max_payload_mb=6, max_concurrent_transforms=4,
        )


def _retry(*errors: str, interval: int, **more: Any) -> dict[str, Any]:
    return {"ErrorEquals": list(errors), "IntervalSeconds": interval, "MaxAttempts": more.pop("attempts", 5),
            "BackoffRate": 2, **more}


def _notify(status: str, topic_arn: str, partition: str, extra: dict[str, str], **flow: Any) -> dict[str, Any]:
    verb = "succeeded" if status == "Succeeded" else "failed"
    return {**flow, "Retry": [_retry("States.TaskFailed", interval=2, attempts=3)], "Type": "Task", "ResultPath": None,
            "Resource": f"arn:{partition}:states:::sns:publish",
            "Parameters": {"TopicArn": topic_arn,
                           "Message": {"status": status, "jobName.$": "$.job.name", "inputLocation.$": "$.job.inputUri",
                                       "outputLocation.$": "$.job.outputLocation", "execution.$": "$$.Execution.Id",
                                       **extra},
                           "MessageAttributes": {"status": {"DataType": "String", "StringValue": status}},
                           "Subject.$": f"States.Format('Transform job {verb}: {{}}', $.job.name)"}}


def definition(name_prefix: str, input_uri: str, output_bucket: str, model_name: str, topic_arn: str,
               partition: str) -> dict[str, Any]:
    """The state machine's Amazon States Language, as a hand-writer would write it."""
    run_hash = "States.Hash(States.Format('{}/{}', $$.Execution.Id, $$.Execution.StartTime), 'MD5')"
    return {
        "StartAt": "NameJob",
        "States": {
            "NameJob": {"Type": "Pass",
                        "Comment": "Job name <prefix>-<MD5 of execution ARN and start time>; its output location",
                        "ResultPath": "$.job",
                        "Parameters": {
                            "name.$": f"States.Format('{name_prefix}-{{}}', {run_hash})",
                            "outputLocation.$":
                                f"States.Format('s3://{output_bucket}/scored/{name_prefix}-{{}}/', {run_hash})"},
                        "Next": "SelectInput"},
            "SelectInput": {"Type": "Choice",
                            "Comment": f"An execution input inputUri under {input_uri} replaces the configured input "
                                       "location for this run",
                            "Choices": [{"And": [{"Variable": "$.inputUri", "IsPresent": True},
                                                 {"Variable": "$.inputUri", "StringMatches": f"{input_uri}*"}],
                                         "Next": "UseGivenInput"},
                                        {"Variable": "$.inputUri", "IsPresent": True, "Next": "RejectInput"}],
                            "Default": "UseConfiguredInput"},
            "UseConfiguredInput": {"Type": "Pass", "Result": input_uri, "ResultPath": "$.job.inputUri",
                                   "Next": "TransformJob"},
            "TransformJob": {
                "Next": "NotifySuccess", "Type": "Task",
                "Resource": f"arn:{partition}:states:::sagemaker:createTransformJob.sync",
                "Parameters": {
                    "TransformJobName.$": "$.job.name", "ModelName": model_name,
                    "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                                       "S3Uri.$": "$.job.inputUri"}},
                                       "CompressionType": "None", "SplitType": "Line", "ContentType": "text/csv"},
                    "TransformOutput": {"S3OutputPath.$": "$.job.outputLocation", "AssembleWith": "Line",
                                        "Accept": "text/csv"},
                    "TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
                    "Tags": [{"Key": "cdk-sagemaker-inference:execution", "Value.$": "$$.Execution.Id"}],
                    "BatchStrategy": "MultiRecord", "MaxPayloadInMB": 6, "MaxConcurrentTransforms": 4},
                "ResultSelector": {"TransformJobArn.$": "$.TransformJobArn",
                                   "TransformJobStatus.$": "$.TransformJobStatus"},
                "ResultPath": "$.result",
                "Retry": [_retry("SageMaker.AmazonSageMakerException", "SageMaker.ThrottlingException", interval=5,
                                 JitterStrategy="FULL"),
                          _retry("SageMaker.ResourceLimitExceededException", interval=60, JitterStrategy="FULL")],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure"}]},
            "UseGivenInput": {"Type": "Pass", "ResultPath": "$.job.inputUri", "InputPath": "$.inputUri",
                              "Next": "TransformJob"},
            "NotifySuccess": _notify("Succeeded", topic_arn, partition,
                                     {"transformJobArn.$": "$.result.TransformJobArn"}, End=True),
            "NotifyFailure": _notify("Failed", topic_arn, partition,
                                     {"error.$": "$.error.Error", "cause.$": "$.error.Cause"}, Next="Failed"),
            "RejectInput": {"Type": "Pass",
                            "Parameters": {"job": {"name.$": "$.job.name", "outputLocation.$": "$.job.outputLocation",
                                                   "inputUri.$": "$.inputUri"},
                                           "error": {"Error": "InvalidInputUri",
                                                     "Cause": "The execution input's inputUri must be a string that "
                                                              f"starts with {input_uri}"}},
                            "Next": "NotifyFailure"},
            "Failed": {"Type": "Fail", "ErrorPath": "States.Format('BatchTransform.{}', $.error.Error)",
                       "CausePath": "$.error.Cause"},
        },
        "Comment": f"Runs SageMaker batch transform jobs {name_prefix}-* (cdk-sagemaker-inference)",
    }


STATES_ASSUME_ROLE_POLICY: dict[str, Any] = {
    "Statement": [{"Action": "sts:AssumeRole",
                   "Condition": {"ArnLike": {"aws:SourceArn": join("arn:", PARTITION, ":states:", REGION, ":", ACCOUNT,
                                                                   ":stateMachine:*")},
                                 "StringEquals": {"aws:SourceAccount": ACCOUNT}},
                   "Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}}],
    "Version": "2012-10-17",
}
STATES_UNSCOPED: list[dict[str, Any]] = [
    {"Action": ["logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups",
                "logs:DescribeResourcePolicies", "logs:GetLogDelivery", "logs:ListLogDeliveries",
                "logs:PutResourcePolicy", "logs:UpdateLogDelivery", "xray:GetSamplingRules",
                "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"],
     "Effect": "Allow", "Resource": "*"},
]
"""The state machine role's log delivery and X-Ray statements (on ``*``, in a policy of their own)."""


def l1(stack: Stack, first: int, count: int) -> None:
    dlc_mapping(stack)
    # Intrinsics in string-typed props travel as tokens: one per stack, as a hand-writer would hoist them.
    image_uri = Token.as_string(dlc_image_uri(REPOSITORY, TAG))
    partition = Aws.PARTITION
    for i in range(first, first + count):
        name_prefix, input_uri = prefix(i), f"s3://{RECORDS}/incoming/j{i}/"
        role = model_role(stack, f"Model{i}Role", model_key(i))
        bucket = s3.CfnBucket(
            stack, f"Job{i}OutputBucket",
            bucket_encryption=s3.CfnBucket.BucketEncryptionProperty(server_side_encryption_configuration=[
                s3.CfnBucket.ServerSideEncryptionRuleProperty(
                    server_side_encryption_by_default=s3.CfnBucket.ServerSideEncryptionByDefaultProperty(
                        sse_algorithm="AES256"))]),
            public_access_block_configuration=s3.CfnBucket.PublicAccessBlockConfigurationProperty(
                block_public_acls=True, block_public_policy=True, ignore_public_acls=True,
                restrict_public_buckets=True),
        )
        bucket.apply_removal_policy(RemovalPolicy.RETAIN)
        bucket_arn, bucket_ref = bucket.attr_arn, bucket.ref
        s3.CfnBucketPolicy(stack, f"Job{i}OutputBucketPolicy", bucket=bucket_ref, policy_document={
            "Statement": [{"Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                           "Effect": "Deny", "Principal": {"AWS": "*"},
                           "Resource": [bucket_arn, f"{bucket_arn}/*"]}],
            "Version": "2012-10-17"})
        statements = [
            {"Action": ["s3:GetBucket*", "s3:GetObject*", "s3:List*"], "Effect": "Allow",
             "Resource": [join("arn:", PARTITION, f":s3:::{RECORDS}"),
                          join("arn:", PARTITION, f":s3:::{RECORDS}/incoming/j{i}/*")]},
            {"Action": ["s3:Abort*", "s3:PutObject", "s3:PutObjectLegalHold", "s3:PutObjectRetention",
                        "s3:PutObjectTagging", "s3:PutObjectVersionTagging"],
             "Effect": "Allow", "Resource": f"{bucket_arn}/scored/{name_prefix}-*"},
        ]
        grant_policy(stack, f"Model{i}Role", role.ref, statements)
        model = sagemaker.CfnModel(
            stack, f"Model{i}", execution_role_arn=role.attr_arn,
            primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(
                image=image_uri, model_data_url=f"s3://{BUCKET}/{model_key(i)}"),
        )
        topic = sns.CfnTopic(stack, f"Job{i}Topic", display_name="SageMaker batch transform outcome")
        topic_ref = topic.ref
        sns.CfnTopicPolicy(stack, f"Job{i}TopicPolicy", topics=[topic_ref], policy_document={
            "Statement": [{"Action": "sns:Publish", "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                           "Effect": "Deny", "Principal": "*", "Resource": topic_ref,
                           "Sid": "AllowPublishThroughSSLOnly"}],
            "Version": "2012-10-17"})
        log_group = logs.CfnLogGroup(stack, f"Job{i}Logs", retention_in_days=365)
        log_group.apply_removal_policy(RemovalPolicy.RETAIN)
        states_role = iam.CfnRole(stack, f"Job{i}Role", assume_role_policy_document=STATES_ASSUME_ROLE_POLICY)
        states_policies = role_policies(stack, f"Job{i}Role", states_role.ref, [
            {"Action": "sns:Publish", "Effect": "Allow", "Resource": topic_ref},
            {"Action": ["sagemaker:AddTags", "sagemaker:CreateTransformJob", "sagemaker:DescribeTransformJob",
                        "sagemaker:ListTags", "sagemaker:StopTransformJob"], "Effect": "Allow",
             "Resource": join("arn:", PARTITION, ":sagemaker:", REGION, ":", ACCOUNT,
                              f":transform-job/{name_prefix}-*"), "Sid": "TransformJobs"},
            {"Action": "iam:PassRole", "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
             "Effect": "Allow", "Resource": role.attr_arn, "Sid": "PassModelRole"},
            {"Action": ["events:DescribeRule", "events:PutRule", "events:PutTargets"], "Effect": "Allow",
             "Resource": join("arn:", PARTITION, ":events:", REGION, ":", ACCOUNT,
                              ":rule/StepFunctionsGetEventsForSageMakerTransformJobsRule"), "Sid": "SyncEventsRule"},
        ], STATES_UNSCOPED)
        machine = sfn.CfnStateMachine(
            stack, f"Job{i}",
            # json.dumps keeps the nulls; the tokens in the text become an Fn::Join at synth.
            definition_string=json.dumps(definition(
                name_prefix, input_uri, bucket_ref, model.attr_model_name, topic_ref, partition),
                separators=(",", ":")),
            role_arn=states_role.attr_arn,
            logging_configuration=sfn.CfnStateMachine.LoggingConfigurationProperty(
                destinations=[sfn.CfnStateMachine.LogDestinationProperty(
                    cloud_watch_logs_log_group=sfn.CfnStateMachine.CloudWatchLogsLogGroupProperty(
                        log_group_arn=log_group.attr_arn))],
                include_execution_data=True, level="ALL"),
            tracing_configuration=sfn.CfnStateMachine.TracingConfigurationProperty(enabled=True),
        )
        machine.apply_removal_policy(RemovalPolicy.DESTROY)
        for states_policy in states_policies:
            machine.add_dependency(states_policy)
        machine.add_dependency(states_role)


KIND = Kind(name="batch", per_stack=30, library=library, l1=l1)
