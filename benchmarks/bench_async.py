"""Async: a DLC model behind an async endpoint with its own bucket (lifecycle rules), success and
error topics and scale to zero (the documented recipe): 15 resources per endpoint."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from bench_common import (
    AUTOSCALING_SERVICE_LINKED_ROLE,
    BUCKET,
    METADATA_KEY,
    REPOSITORY,
    TAG,
    Kind,
    dlc_image_uri,
    dlc_mapping,
    grant_policy,
    model_key,
    model_role,
    retained_endpoint,
)


def library(stack: Stack, first: int, count: int) -> None:
    from cdk_sagemaker_inference import (
        AsyncEndpoint,
        ContainerImage,
        IncludeInferenceResponseIn,
        InferenceModel,
        InstanceType,
        ModelData,
    )

    bucket = s3.Bucket.from_bucket_name(stack, "Models", BUCKET)
    image = ContainerImage.from_dlc(REPOSITORY, TAG)
    for i in range(first, first + count):
        model = InferenceModel(stack, f"Model{i}", image=image,
                               model_data=ModelData.from_bucket(bucket, model_key(i)))
        AsyncEndpoint(
            stack, f"Endpoint{i}", model=model, instance_type=InstanceType.M5_XLARGE,
            max_concurrent_invocations_per_instance=4,
            include_inference_response_in=[IncludeInferenceResponseIn.SUCCESS_NOTIFICATION_TOPIC],
            input_expiration=Duration.days(7), output_expiration=Duration.days(30),
            min_instances=0, max_instances=4,
        )


def _expire(rule_id: str, prefix: str, days: int) -> s3.CfnBucket.RuleProperty:
    return s3.CfnBucket.RuleProperty(
        id=rule_id, prefix=prefix, status="Enabled", expiration_in_days=days,
        abort_incomplete_multipart_upload=s3.CfnBucket.AbortIncompleteMultipartUploadProperty(days_after_initiation=1),
    )


def _tls_only_topic_policy(topic_ref: str) -> dict[str, Any]:
    return {"Statement": [{"Action": "sns:Publish", "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                           "Effect": "Deny", "Principal": "*", "Resource": topic_ref,
                           "Sid": "AllowPublishThroughSSLOnly"}],
            "Version": "2012-10-17"}


def l1(stack: Stack, first: int, count: int) -> None:
    dlc_mapping(stack)
    # Intrinsics in string-typed props travel as tokens: one per stack, as a hand-writer would hoist them.
    image_uri = Token.as_string(dlc_image_uri(REPOSITORY, TAG))
    autoscaling_role = Token.as_string(AUTOSCALING_SERVICE_LINKED_ROLE)
    stack_name = stack.stack_name
    for i in range(first, first + count):
        role = model_role(stack, f"Model{i}Role", model_key(i))
        bucket = s3.CfnBucket(
            stack, f"Endpoint{i}Bucket",
            bucket_encryption=s3.CfnBucket.BucketEncryptionProperty(server_side_encryption_configuration=[
                s3.CfnBucket.ServerSideEncryptionRuleProperty(
                    server_side_encryption_by_default=s3.CfnBucket.ServerSideEncryptionByDefaultProperty(
                        sse_algorithm="AES256"))]),
            lifecycle_configuration=s3.CfnBucket.LifecycleConfigurationProperty(rules=[
                _expire("expire-input", "input/", 7), _expire("expire-output", "output/", 30),
                _expire("expire-failure", "failure/", 30)]),
            public_access_block_configuration=s3.CfnBucket.PublicAccessBlockConfigurationProperty(
                block_public_acls=True, block_public_policy=True, ignore_public_acls=True,
                restrict_public_buckets=True),
        )
        bucket.apply_removal_policy(RemovalPolicy.RETAIN)
        bucket_arn, bucket_ref = bucket.attr_arn, bucket.ref
        s3.CfnBucketPolicy(stack, f"Endpoint{i}BucketPolicy", bucket=bucket_ref, policy_document={
            "Statement": [{"Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                           "Effect": "Deny", "Principal": {"AWS": "*"},
                           "Resource": [bucket_arn, f"{bucket_arn}/*"]}],
            "Version": "2012-10-17"})
        topics: dict[str, str] = {}
        for name, display in (("Success", "succeeded"), ("Error", "failed")):
            topic = sns.CfnTopic(stack, f"Endpoint{i}{name}Topic", display_name=f"SageMaker async inference {display}")
            topics[name] = topic.ref
            sns.CfnTopicPolicy(stack, f"Endpoint{i}{name}TopicPolicy", topics=[topic.ref],
                               policy_document=_tls_only_topic_policy(topic.ref))
        statements = [
            {"Action": "s3:GetObject", "Effect": "Allow", "Resource": f"{bucket_arn}/input/*"},
            {"Action": ["s3:AbortMultipartUpload", "s3:PutObject"], "Effect": "Allow",
             "Resource": [f"{bucket_arn}/failure/*", f"{bucket_arn}/output/*"]},
            {"Action": "sns:Publish", "Effect": "Allow", "Resource": [topics["Error"], topics["Success"]]},
        ]
        policy = grant_policy(stack, f"Model{i}Role", role.ref, statements)
        model = sagemaker.CfnModel(
            stack, f"Model{i}", execution_role_arn=role.attr_arn,
            primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(
                image=image_uri, model_data_url=f"s3://{BUCKET}/{model_key(i)}"),
        )
        config = sagemaker.CfnEndpointConfig(
            stack, f"Endpoint{i}Config",
            async_inference_config=sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty(
                client_config=sagemaker.CfnEndpointConfig.AsyncInferenceClientConfigProperty(
                    max_concurrent_invocations_per_instance=4),
                output_config=sagemaker.CfnEndpointConfig.AsyncInferenceOutputConfigProperty(
                    notification_config=sagemaker.CfnEndpointConfig.AsyncInferenceNotificationConfigProperty(
                        error_topic=topics["Error"], success_topic=topics["Success"],
                        include_inference_response_in=["SUCCESS_NOTIFICATION_TOPIC"]),
                    s3_failure_path=f"s3://{bucket_ref}/failure", s3_output_path=f"s3://{bucket_ref}/output"),
            ),
            production_variants=[sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                initial_instance_count=1, initial_variant_weight=1, instance_type="ml.m5.xlarge",
                model_name=model.attr_model_name, variant_name="AllTraffic")],
        )
        config.add_dependency(policy)
        endpoint = retained_endpoint(stack, f"Endpoint{i}", config.attr_endpoint_config_name)
        endpoint.add_metadata(METADATA_KEY, {"kind": "async"})
        endpoint_name = endpoint.attr_endpoint_name
        target = appscaling.CfnScalableTarget(
            stack, f"Endpoint{i}ScalableTarget", service_namespace="sagemaker",
            resource_id=f"endpoint/{endpoint_name}/variant/AllTraffic",
            scalable_dimension="sagemaker:variant:DesiredInstanceCount", min_capacity=0, max_capacity=4,
            role_arn=autoscaling_role,
        )
        dimension = [appscaling.CfnScalingPolicy.MetricDimensionProperty(name="EndpointName", value=endpoint_name)]
        appscaling.CfnScalingPolicy(
            stack, f"Endpoint{i}BacklogTracking", policy_name=f"{stack_name}-Endpoint{i}-Backlog",
            policy_type="TargetTrackingScaling", scaling_target_id=target.ref,
            target_tracking_scaling_policy_configuration=(
                appscaling.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty(
                    customized_metric_specification=appscaling.CfnScalingPolicy.CustomizedMetricSpecificationProperty(
                        dimensions=dimension, metric_name="ApproximateBacklogSizePerInstance",
                        namespace="AWS/SageMaker", statistic="Average"),
                    scale_in_cooldown=600, scale_out_cooldown=300, target_value=5)),
        )
        step = appscaling.CfnScalingPolicy(
            stack, f"Endpoint{i}ScaleOutFromZero", policy_name=f"{stack_name}-Endpoint{i}-FromZero",
            policy_type="StepScaling", scaling_target_id=target.ref,
            step_scaling_policy_configuration=appscaling.CfnScalingPolicy.StepScalingPolicyConfigurationProperty(
                adjustment_type="ChangeInCapacity", cooldown=300, metric_aggregation_type="Average",
                step_adjustments=[appscaling.CfnScalingPolicy.StepAdjustmentProperty(
                    metric_interval_lower_bound=0, scaling_adjustment=1)]),
        )
        cloudwatch.CfnAlarm(
            stack, f"Endpoint{i}HasBacklogWithoutCapacityAlarm", alarm_actions=[step.ref],
            alarm_description="Requests wait while the async endpoint has no instance: add one "
                              "(SageMaker scale-from-zero recipe)",
            comparison_operator="GreaterThanOrEqualToThreshold", datapoints_to_alarm=2, evaluation_periods=2,
            dimensions=[cloudwatch.CfnAlarm.DimensionProperty(name="EndpointName", value=endpoint_name)],
            metric_name="HasBacklogWithoutCapacity", namespace="AWS/SageMaker", period=60, statistic="Average",
            threshold=1, treat_missing_data="missing",
        )


KIND = Kind(name="async", per_stack=25, library=library, l1=l1)
