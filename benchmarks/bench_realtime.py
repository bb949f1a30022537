"""Real-time: an A/B test, two DLC models on two weighted ml.m5.large variants (90/10), each
autoscaled on invocations per instance: 12 resources per endpoint (each model: its role, default policy and model)."""

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
    model_role,
    retained_endpoint,
)

VARIANTS = (("Current", "A", 0.9, 6), ("Challenger", "B", 0.1, 4))
"""(variant name, model suffix, initial weight, max capacity)."""


def model_key(i: int, suffix: str) -> str:
    return f"models/m{i}/{suffix.lower()}.tar.gz"


def library(stack: Stack, first: int, count: int) -> None:
    from cdk_sagemaker_inference import (
        ContainerImage,
        InferenceModel,
        InstanceScaling,
        InstanceType,
        ModelData,
        ProductionVariant,
        RealtimeEndpoint,
    )

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
            role = model_role(stack, f"Model{i}{suffix}Role", model_key(i, suffix))
            model = sagemaker.CfnModel(
                stack, f"Model{i}{suffix}", execution_role_arn=role.attr_arn,
                primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(
                    image=image_uri, model_data_url=f"s3://{BUCKET}/{model_key(i, suffix)}"),
            )
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


def alpha(stack: Stack, first: int, count: int) -> None:
    from aws_cdk import aws_sagemaker_alpha as sagemaker_alpha

    bucket = s3.Bucket.from_bucket_name(stack, "Models", BUCKET)
    image = sagemaker_alpha.ContainerImage.from_dlc(REPOSITORY, TAG)
    # aws-cdk-lib's ScalableTarget makes a role of its own unless given one: the service-linked role
    # (the module's own scaling and the library use it), once per stack.
    autoscaling_role = iam.Role.from_role_arn(stack, "AutoScalingRole", Token.as_string(AUTOSCALING_SERVICE_LINKED_ROLE))
    for i in range(first, first + count):
        variants = []
        for name, suffix, weight, _ in VARIANTS:
            model = sagemaker_alpha.Model(stack, f"Model{i}{suffix}", containers=[sagemaker_alpha.ContainerDefinition(
                image=image, model_data=sagemaker_alpha.ModelData.from_bucket(bucket, model_key(i, suffix)))])
            variants.append(sagemaker_alpha.InstanceProductionVariantProps(
                model=model, variant_name=name, instance_type=sagemaker_alpha.InstanceType.M5_LARGE,
                initial_instance_count=2, initial_variant_weight=weight))
        config = sagemaker_alpha.EndpointConfig(stack, f"Endpoint{i}Config", instance_production_variants=variants)
        endpoint = sagemaker_alpha.Endpoint(stack, f"Endpoint{i}", endpoint_config=config)
        (first_name, _, _, first_max), (second_name, _, _, second_max) = VARIANTS
        scaling = endpoint.find_instance_production_variant(first_name).auto_scale_instance_count(
            min_capacity=2, max_capacity=first_max)
        # The module's target value is max_requests_per_second × 60 × safety_factor: 200 a minute.
        scaling.scale_on_invocations("Invocations", max_requests_per_second=10, safety_factor=1 / 3)
        # A second autoscaled variant fails in the module (both would add the construct 'ScalingRole'
        # to the endpoint): aws-cdk-lib's L2, as its user would write it.
        target = appscaling.ScalableTarget(
            stack, f"Endpoint{i}{second_name}Scaling", service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
            resource_id=f"endpoint/{endpoint.endpoint_name}/variant/{second_name}",
            role=autoscaling_role, scalable_dimension="sagemaker:variant:DesiredInstanceCount", min_capacity=2, max_capacity=second_max)
        target.scale_to_track_metric(
            "Invocations", target_value=200,
            predefined_metric=appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE)


KIND = Kind(
    name="realtime", per_stack=28, library=library, l1=l1, alpha=alpha,
    alpha_differences=(
        *ALPHA_MODEL_DIFFERENCES,
        "the endpoint keeps no running instance counts on update (no RetainAllVariantProperties) and "
        "carries no library metadata",
        "the module autoscales one variant per endpoint (a second fails: both would add the construct "
        "'ScalingRole' to the endpoint), so the second variant's scalable target and policy are "
        "aws-cdk-lib's L2",
    ),
    alpha_type_delta={"AWS::IAM::Policy": 2},
)
