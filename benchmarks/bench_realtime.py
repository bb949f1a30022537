"""Real-time: an A/B test, two DLC models on two weighted ml.m5.large variants (90/10), each
autoscaled on invocations per instance: 12 resources per endpoint."""

from __future__ import annotations

from aws_cdk import Stack, Token
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from bench_common import (
    AUTOSCALING_SERVICE_LINKED_ROLE,
    BUCKET,
    MODEL_ROLE_DESCRIPTION,
    MODEL_ROLE_UNSCOPED,
    REPOSITORY,
    SAGEMAKER_ASSUME_ROLE_POLICY,
    TAG,
    Kind,
    dlc_image_uri,
    dlc_mapping,
    model_role_statements,
    retained_endpoint,
    role_policies,
)

from cdk_sagemaker_inference import (
    METADATA_KEY,
    ContainerImage,
    InferenceModel,
    InstanceScaling,
    InstanceType,
    ModelData,
    ProductionVariant,
    RealtimeEndpoint,
)

VARIANTS = (("Current", "A", 0.9, 6), ("Challenger", "B", 0.1, 4))
"""(variant name, model suffix, initial weight, max capacity)."""


def model_key(i: int, suffix: str) -> str:
    return f"models/m{i}/{suffix.lower()}.tar.gz"


def library(stack: Stack, first: int, count: int) -> None:
    bucket = s3.Bucket.from_bucket_name(stack, "Models", BUCKET)
    image = ContainerImage.from_dlc(REPOSITORY, TAG)
    for i in range(first, first + count):
        variants = []
        for name, suffix, weight, maximum in VARIANTS:
            model = InferenceModel(stack, f"Model{i}{suffix}", image=image,
                                   model_data=ModelData.from_bucket(bucket, model_key(i, suffix)))
            variants.append(ProductionVariant(
                variant_name=name, model=model, instance_type=InstanceType.M5_LARGE, instance_count=2,
                initial_weight=weight,
                autoscaling=InstanceScaling(min_capacity=2, max_capacity=maximum, target_invocations_per_instance=200),
            ))
        RealtimeEndpoint(stack, f"Endpoint{i}", variants=variants)


def l1(stack: Stack, first: int, count: int) -> None:
    dlc_mapping(stack)
    # Intrinsics in string-typed props travel as tokens: one per stack, as a hand-writer would hoist them.
    image_uri = Token.as_string(dlc_image_uri(REPOSITORY, TAG))
    autoscaling_role = Token.as_string(AUTOSCALING_SERVICE_LINKED_ROLE)
    stack_name = stack.stack_name
    for i in range(first, first + count):
        production_variants = []
        for name, suffix, weight, _ in VARIANTS:
            role = iam.CfnRole(stack, f"Model{i}{suffix}Role", assume_role_policy_document=SAGEMAKER_ASSUME_ROLE_POLICY,
                               description=MODEL_ROLE_DESCRIPTION)
            policies = role_policies(stack, f"Model{i}{suffix}Role", role.ref,
                                     model_role_statements(REPOSITORY, BUCKET, model_key(i, suffix)),
                                     MODEL_ROLE_UNSCOPED)
            model = sagemaker.CfnModel(
                stack, f"Model{i}{suffix}", execution_role_arn=role.attr_arn,
                primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(
                    image=image_uri, model_data_url=f"s3://{BUCKET}/{model_key(i, suffix)}"),
            )
            for policy in policies:
                model.add_dependency(policy)
            production_variants.append(sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                initial_instance_count=2, initial_variant_weight=weight, instance_type="ml.m5.large",
                model_name=model.attr_model_name, variant_name=name))
        config = sagemaker.CfnEndpointConfig(stack, f"Endpoint{i}Config", production_variants=production_variants)
        endpoint = retained_endpoint(stack, f"Endpoint{i}", config.attr_endpoint_config_name)
        endpoint.add_metadata(METADATA_KEY, {"kind": "realtime"})
        endpoint_name = endpoint.attr_endpoint_name
        for name, _, _, maximum in VARIANTS:
            target = appscaling.CfnScalableTarget(
                stack, f"Endpoint{i}{name}Scaling", service_namespace="sagemaker",
                resource_id=f"endpoint/{endpoint_name}/variant/{name}",
                scalable_dimension="sagemaker:variant:DesiredInstanceCount", min_capacity=2, max_capacity=maximum,
                role_arn=autoscaling_role,
            )
            appscaling.CfnScalingPolicy(
                stack, f"Endpoint{i}{name}ScalingPolicy", policy_name=f"{stack_name}-Endpoint{i}-{name}",
                policy_type="TargetTrackingScaling", scaling_target_id=target.ref,
                target_tracking_scaling_policy_configuration=(
                    appscaling.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty(
                        target_value=200,
                        predefined_metric_specification=appscaling.CfnScalingPolicy.PredefinedMetricSpecificationProperty(
                            predefined_metric_type="SageMakerVariantInvocationsPerInstance"),
                    )),
            )


KIND = Kind(name="realtime", per_stack=28, library=library, l1=l1)
