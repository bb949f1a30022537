"""Serverless: a DLC model from an S3 object behind a serverless endpoint with autoscaled
provisioned concurrency (the example app's configuration): 7 resources per endpoint."""

from __future__ import annotations

from aws_cdk import Stack, Token
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from bench_common import (
    ALPHA_MODEL_DIFFERENCES,
    AUTOSCALING_SERVICE_LINKED_ROLE,
    BUCKET,
    METADATA_KEY,
    REPOSITORY,
    TAG,
    Kind,
    dlc_image_uri,
    dlc_mapping,
    model_key,
    model_role,
)


def library(stack: Stack, first: int, count: int) -> None:
    from cdk_sagemaker_inference import (
        ContainerImage,
        InferenceModel,
        ModelData,
        ProvisionedConcurrencyScaling,
        ServerlessEndpoint,
    )

    bucket = s3.Bucket.from_bucket_name(stack, "Models", BUCKET)
    image = ContainerImage.from_dlc(REPOSITORY, TAG)
    for i in range(first, first + count):
        model = InferenceModel(stack, f"Model{i}", image=image,
                               model_data=ModelData.from_bucket(bucket, model_key(i)))
        ServerlessEndpoint(
            stack, f"Endpoint{i}", model=model, memory_size_mb=2048, max_concurrency=20,
            provisioned_concurrency=2,
            provisioned_concurrency_scaling=ProvisionedConcurrencyScaling(min_capacity=1, max_capacity=10),
        )


def l1(stack: Stack, first: int, count: int) -> None:
    dlc_mapping(stack)
    # Intrinsics in string-typed props travel as tokens: one per stack, as a hand-writer would hoist them.
    image_uri = Token.as_string(dlc_image_uri(REPOSITORY, TAG))
    autoscaling_role = Token.as_string(AUTOSCALING_SERVICE_LINKED_ROLE)
    stack_name = stack.stack_name
    for i in range(first, first + count):
        role = model_role(stack, f"Model{i}Role", model_key(i))
        model = sagemaker.CfnModel(
            stack, f"Model{i}", execution_role_arn=role.attr_arn,
            primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(
                image=image_uri,
                model_data_url=f"s3://{BUCKET}/{model_key(i)}",
            ),
        )
        config = sagemaker.CfnEndpointConfig(
            stack, f"Endpoint{i}Config",
            production_variants=[sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                variant_name="AllTraffic", model_name=model.attr_model_name,
                serverless_config=sagemaker.CfnEndpointConfig.ServerlessConfigProperty(
                    memory_size_in_mb=2048, max_concurrency=20, provisioned_concurrency=2),
            )],
        )
        endpoint = sagemaker.CfnEndpoint(stack, f"Endpoint{i}",
                                         endpoint_config_name=config.attr_endpoint_config_name)
        endpoint.add_metadata(METADATA_KEY, {"kind": "serverless"})
        target = appscaling.CfnScalableTarget(
            stack, f"Endpoint{i}Target", service_namespace="sagemaker",
            resource_id=f"endpoint/{endpoint.attr_endpoint_name}/variant/AllTraffic",
            scalable_dimension="sagemaker:variant:DesiredProvisionedConcurrency",
            min_capacity=1, max_capacity=10,
            role_arn=autoscaling_role,
        )
        appscaling.CfnScalingPolicy(
            stack, f"Endpoint{i}TargetPolicy", policy_name=f"{stack_name}-Endpoint{i}-Utilization",
            policy_type="TargetTrackingScaling", scaling_target_id=target.ref,
            target_tracking_scaling_policy_configuration=(
                appscaling.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty(
                    target_value=0.7,
                    predefined_metric_specification=appscaling.CfnScalingPolicy.PredefinedMetricSpecificationProperty(
                        predefined_metric_type="SageMakerVariantProvisionedConcurrencyUtilization"),
                )),
        )


def alpha(stack: Stack, first: int, count: int) -> None:
    from aws_cdk import aws_sagemaker_alpha as sagemaker_alpha

    bucket = s3.Bucket.from_bucket_name(stack, "Models", BUCKET)
    image = sagemaker_alpha.ContainerImage.from_dlc(REPOSITORY, TAG)
    # aws-cdk-lib's ScalableTarget makes a role of its own unless given one: the service-linked role
    # (the module's own scaling and the library use it), once per stack.
    autoscaling_role = iam.Role.from_role_arn(stack, "AutoScalingRole", Token.as_string(AUTOSCALING_SERVICE_LINKED_ROLE))
    for i in range(first, first + count):
        model = sagemaker_alpha.Model(stack, f"Model{i}", containers=[sagemaker_alpha.ContainerDefinition(
            image=image, model_data=sagemaker_alpha.ModelData.from_bucket(bucket, model_key(i)))])
        config = sagemaker_alpha.EndpointConfig(
            stack, f"Endpoint{i}Config", serverless_production_variant=sagemaker_alpha.ServerlessProductionVariantProps(
                model=model, variant_name="AllTraffic", memory_size_in_mb=2048, max_concurrency=20,
                provisioned_concurrency=2))
        endpoint = sagemaker_alpha.Endpoint(stack, f"Endpoint{i}", endpoint_config=config)
        # The module cannot scale provisioned concurrency: aws-cdk-lib's L2, as its user would write it.
        target = appscaling.ScalableTarget(
            stack, f"Endpoint{i}Target", service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
            resource_id=f"endpoint/{endpoint.endpoint_name}/variant/AllTraffic",
            role=autoscaling_role, scalable_dimension="sagemaker:variant:DesiredProvisionedConcurrency", min_capacity=1, max_capacity=10)
        target.scale_to_track_metric(
            "Utilization", target_value=0.7,
            predefined_metric=appscaling.PredefinedMetric.SAGEMAKER_VARIANT_PROVISIONED_CONCURRENCY_UTILIZATION)


KIND = Kind(
    name="serverless", per_stack=50, library=library, l1=l1, alpha=alpha,
    alpha_differences=(
        *ALPHA_MODEL_DIFFERENCES,
        "the endpoint carries no library metadata",
        "the module cannot scale provisioned concurrency: the scalable target and its policy are "
        "aws-cdk-lib's L2",
    ),
    alpha_type_delta={"AWS::IAM::Policy": 1},
)
