"""ServerlessEndpoint: every serverless constraint passes and fails with a message that says why."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import CfnParameter
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match

from cdk_sagemaker_inference import (
    METADATA_KEY,
    Accelerator,
    ContainerDefinition,
    ContainerImage,
    ContainerMode,
    Endpoint,
    InferenceModel,
    ModelData,
    ModelPackage,
    ProvisionedConcurrencyScaling,
    RepositoryAccessMode,
    ServerlessEndpoint,
    ValidationError,
)
from helpers import (
    cfn_lint_errors,
    nag_findings,
    new_app,
    new_stack,
    resources_of,
    snapshot_of,
    template_of,
    warnings_of,
)
from template_invariants import policy_documents

CPU_IMAGE = ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311")


def model_in(stack: Any, **kwargs: Any) -> InferenceModel:
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    props: dict[str, Any] = {"image": CPU_IMAGE, "model_data": ModelData.from_bucket(bucket, "m/model.tar.gz")}
    props.update(kwargs)
    return InferenceModel(stack, "Model", **props)


def serverless(stack: Any = None, model: InferenceModel | None = None, **kwargs: Any) -> ServerlessEndpoint:
    stack = stack or new_stack()
    props: dict[str, Any] = {"memory_size_mb": 2048, "max_concurrency": 10}
    props.update(kwargs)
    return ServerlessEndpoint(stack, "Endpoint", model=model or model_in(stack), **props)


def refused(**kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        serverless(**kwargs)
    return caught.value


# --------------------------------------------------------------------------- memory tiers
@pytest.mark.parametrize("memory", [1024, 2048, 3072, 4096, 5120, 6144])
def test_accepts_each_memory_tier(memory: int) -> None:
    endpoint = serverless(memory_size_mb=memory)
    template_of(endpoint.node.scope).has_resource_properties("AWS::SageMaker::EndpointConfig", {
        "ProductionVariants": [Match.object_like({"ServerlessConfig": Match.object_like({"MemorySizeInMB": memory})})]
    })


@pytest.mark.parametrize("memory", [1500, 512, 8192, 1023, 6145, 0])
def test_fails_when_memory_is_not_a_tier(memory: int) -> None:
    error = refused(memory_size_mb=memory)
    assert error.fields == ("memory_size_mb",)
    text = str(error)
    assert f"memory_size_mb = {memory}" in text
    assert "one of 1024, 2048, 3072, 4096, 5120, 6144 MB" in text
    assert "Test/Endpoint" in text
    assert "serverless.memory" in text and "DG:serverless-endpoints" in text


def test_fails_when_memory_is_a_string() -> None:
    error = refused(memory_size_mb="2048")
    assert "memory_size_mb = '2048': must be a whole number, got str" in str(error)


def test_fails_when_memory_is_missing() -> None:
    error = refused(memory_size_mb=None)
    assert "memory_size_mb = None: is required" in str(error)


# --------------------------------------------------------------------------- concurrency
@pytest.mark.parametrize("concurrency", [1, 200])
def test_accepts_max_concurrency_at_the_edges(concurrency: int) -> None:
    serverless(max_concurrency=concurrency)


@pytest.mark.parametrize("concurrency", [0, 201, -5])
def test_fails_when_max_concurrency_is_out_of_range(concurrency: int) -> None:
    error = refused(max_concurrency=concurrency)
    assert error.fields == ("max_concurrency",)
    assert "must be between 1 and 200" in str(error)
    assert "serverless.max-concurrency" in str(error)


def test_fails_when_max_concurrency_is_a_float() -> None:
    error = refused(max_concurrency=2.5)
    assert "max_concurrency = 2.5: must be a whole number, got float" in str(error)


def test_fails_when_max_concurrency_is_missing() -> None:
    error = refused(max_concurrency=None)
    assert "max_concurrency = None: is required" in str(error)


@pytest.mark.parametrize("provisioned", [1, 10])
def test_accepts_provisioned_concurrency_up_to_max(provisioned: int) -> None:
    endpoint = serverless(max_concurrency=10, provisioned_concurrency=provisioned)
    template_of(endpoint.node.scope).has_resource_properties("AWS::SageMaker::EndpointConfig", {
        "ProductionVariants": [Match.object_like({
            "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 10, "ProvisionedConcurrency": provisioned}
        })]
    })


@pytest.mark.parametrize("provisioned", [0, 201])
def test_fails_when_provisioned_concurrency_is_out_of_range(provisioned: int) -> None:
    error = refused(max_concurrency=200, provisioned_concurrency=provisioned)
    assert error.fields == ("provisioned_concurrency",)
    assert "must be between 1 and 200" in str(error)


def test_fails_when_provisioned_concurrency_exceeds_max() -> None:
    error = refused(max_concurrency=5, provisioned_concurrency=6)
    text = str(error)
    assert "provisioned_concurrency = 6: is greater than max_concurrency (5)" in text
    assert "serverless.provisioned-le-max" in text


def test_collects_every_problem_in_one_error() -> None:
    error = refused(memory_size_mb=1500, max_concurrency=0, endpoint_name="bad_name!")
    assert set(error.fields) == {"memory_size_mb", "max_concurrency", "endpoint_name"}
    assert "has 3 invalid settings" in str(error)


def test_skips_unresolved_tokens() -> None:
    stack = new_stack()
    memory = CfnParameter(stack, "Memory", type="Number").value_as_number
    concurrency = CfnParameter(stack, "Concurrency", type="Number").value_as_number
    name = CfnParameter(stack, "Name").value_as_string
    serverless(stack, memory_size_mb=memory, max_concurrency=concurrency, endpoint_name=name)
    template_of(stack).has_resource_properties("AWS::SageMaker::Endpoint", {"EndpointName": {"Ref": "Name"}})


# --------------------------------------------------------------------------- names
@pytest.mark.parametrize("name", ["a", "my-endpoint-1", "A" * 63])
def test_accepts_valid_endpoint_names(name: str) -> None:
    endpoint = serverless(endpoint_name=name)
    template_of(endpoint.node.scope).has_resource_properties("AWS::SageMaker::Endpoint", {"EndpointName": name})


@pytest.mark.parametrize("name", ["", "-start", "end-", "under_score", "A" * 64, "sp ace"])
def test_fails_when_endpoint_name_is_invalid(name: str) -> None:
    error = refused(endpoint_name=name)
    assert error.fields == ("endpoint_name",)
    assert "name.endpoint" in str(error)


def test_fails_when_variant_name_is_invalid() -> None:
    error = refused(variant_name="all_traffic")
    assert error.fields == ("variant_name",)


# --------------------------------------------------------------------------- model exclusions
def test_fails_when_model_has_a_vpc() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0, subnet_configuration=[
        ec2.SubnetConfiguration(name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)])
    error = refused(stack=stack, model=model_in(stack, vpc=vpc))
    text = str(error)
    assert error.fields == ("model.vpc",)
    assert "serverless endpoints cannot run in a VPC" in text
    assert "RealtimeEndpoint" in text


def test_fails_when_model_has_network_isolation() -> None:
    stack = new_stack()
    error = refused(stack=stack, model=model_in(stack, network_isolation=True))
    assert error.fields == ("model.network_isolation",)
    assert "network isolation" in str(error)


@pytest.mark.parametrize("accelerator", [Accelerator.GPU, Accelerator.NEURON, Accelerator.GAUDI])
def test_fails_when_the_image_is_declared_accelerated(accelerator: Accelerator) -> None:
    """serverless.no-gpu: the user's own word that the image needs an accelerator serverless lacks."""
    stack = new_stack()
    image = ContainerImage.from_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/custom-llm:1.0",
                                    accelerator=accelerator)
    error = refused(stack=stack, model=model_in(stack, image=image))
    assert error.fields == ("model.image",)
    (problem,) = error.problems
    assert problem.constraint_id == "serverless.no-gpu"
    assert (f"is declared a {accelerator.value.upper()} image (accelerator=Accelerator.{accelerator.name}): "
            "serverless endpoints run on CPU only") in str(error)
    assert problem.value == "123456789012.dkr.ecr.us-east-1.amazonaws.com/custom-llm:1.0"


@pytest.mark.parametrize("image,kind", [
    (ContainerImage.from_dlc("pytorch-inference", "2.3.0-gpu-py311-cu121-ubuntu22.04-sagemaker"), "GPU"),
    (ContainerImage.from_dlc("pytorch-inference-neuronx", "1.13.1-neuronx-py310-sdk2.18.0-ubuntu20.04"), "NEURON"),
    (ContainerImage.from_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/scorer:2.1.2-inf2-py310"), "NEURON"),
    (ContainerImage.from_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/scorer:1.0-cu124"), "GPU"),
])
def test_an_image_whose_tag_reads_as_accelerated_is_a_warning(image: ContainerImage, kind: str) -> None:
    """serverless.accelerated-tag: SageMaker never reads an image's name, and a '-gpu-' build may run on CPU
    (found by review: a guess from the name was refused). The warning says how to silence it."""
    stack = new_stack()
    serverless(stack, model=model_in(stack, image=image))
    (warning,) = [w for w in warnings_of(stack) if "serverless.accelerated-tag" in w]
    assert f"its tag reads as a {kind} build, and serverless endpoints run on CPU only" in warning
    assert "accelerator=Accelerator.NONE" in warning
    # Declared CPU: no warning.
    declared = new_stack()
    uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/scorer:2.3.0-gpu-py311"
    serverless(declared, model=model_in(declared, image=ContainerImage.from_uri(uri, accelerator=Accelerator.NONE)))
    assert not [w for w in warnings_of(declared) if "accelerated-tag" in w]


@pytest.mark.parametrize("uri", [
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/bert-inf:latest",   # 'inf' in the repository name
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/ml/trn-scorer:2",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/gpu-free@sha256:" + "a" * 64,
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/infer:2.0-cpu-py311",
    "registry.example.com:5000/x-gpu-y",  # a registry port is not a tag
])
def test_a_repository_name_says_nothing_of_the_build(uri: str) -> None:
    """Only the tag is read (as from_ecr_repository and from_dlc always did): 'bert-inf' is an inference image."""
    stack = new_stack()
    serverless(stack, model=model_in(stack, image=ContainerImage.from_uri(uri)))
    assert not [w for w in warnings_of(stack) if "serverless." in w]


def test_fails_when_model_has_several_containers() -> None:
    stack = new_stack()
    model = model_in(stack, image=None, model_data=None,
                     containers=[ContainerDefinition(image=CPU_IMAGE), ContainerDefinition(image=CPU_IMAGE)])
    error = refused(stack=stack, model=model)
    assert "model.containers" in error.fields
    assert "inference pipelines are not supported" in str(error)


def test_fails_when_container_is_multi_model() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "B", "models")
    model = InferenceModel(stack, "Model", containers=[ContainerDefinition(
        image=CPU_IMAGE, model_data=ModelData.from_bucket(bucket, "many/"), mode=ContainerMode.MULTI_MODEL)])
    error = refused(stack=stack, model=model)
    assert error.fields == ("model.mode",)
    assert "multi-model endpoints" in str(error)


def test_fails_when_image_comes_from_a_private_registry() -> None:
    stack = new_stack()
    model = InferenceModel(stack, "Model", vpc=ec2.Vpc(stack, "Vpc", max_azs=2), containers=[ContainerDefinition(
        image=ContainerImage.from_uri("registry.example.internal/model:1"),
        repository_access_mode=RepositoryAccessMode.VPC)])  # a private registry needs the model's VPC
    error = refused(stack=stack, model=model)
    assert error.fields == ("model.vpc", "model.repository_access_mode")
    assert "cannot pull from a private Docker registry" in str(error)


def test_fails_when_model_is_a_marketplace_package() -> None:
    stack = new_stack()
    model = InferenceModel(stack, "Model", containers=[ContainerDefinition(
        model_package=ModelPackage.from_marketplace("arn:aws:sagemaker:us-east-1:865070037744:model-package/some-package"))], network_isolation=True)
    error = refused(stack=stack, model=model)
    # Marketplace needs network isolation, which serverless refuses too: both are named.
    assert error.fields == ("model.network_isolation", "model.model_package")
    assert "serverless.no-marketplace" in str(error) and "Marketplace" in str(error)


def test_fails_when_model_data_is_uncompressed() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "B", "models")
    model = model_in(stack, model_data=ModelData.from_uncompressed_prefix(bucket, "llm/"))
    error = refused(stack=stack, model=model)
    assert error.fields == ("model.model_data",)
    assert "ModelDataSource" in str(error)


def test_fails_when_model_is_not_a_model() -> None:
    with pytest.raises(ValidationError) as caught:
        ServerlessEndpoint(new_stack(), "Endpoint", model="my-model", memory_size_mb=2048,  # type: ignore[arg-type]
                           max_concurrency=1)
    assert "model = 'my-model': must be InferenceModel, got str" in str(caught.value)


def test_fails_when_model_is_missing() -> None:
    with pytest.raises(ValidationError) as caught:
        ServerlessEndpoint(new_stack(), "Endpoint", model=None, memory_size_mb=2048,  # type: ignore[arg-type]
                           max_concurrency=1)
    assert "model = None: is required" in str(caught.value)


# --------------------------------------------------------------------------- provisioned-concurrency autoscaling
def test_autoscales_provisioned_concurrency() -> None:
    endpoint = serverless(max_concurrency=20, provisioned_concurrency=2,
                          provisioned_concurrency_scaling=ProvisionedConcurrencyScaling(min_capacity=1, max_capacity=20))
    template = template_of(endpoint.node.scope)
    template.has_resource_properties("AWS::ApplicationAutoScaling::ScalableTarget", {
        "ScalableDimension": "sagemaker:variant:DesiredProvisionedConcurrency",
        "ServiceNamespace": "sagemaker", "MinCapacity": 1, "MaxCapacity": 20,
        "RoleARN": Match.object_like({"Fn::Join": Match.array_with([Match.array_with([
            Match.string_like_regexp("AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint")])])}),
    })
    template.has_resource_properties("AWS::ApplicationAutoScaling::ScalingPolicy", {
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": Match.object_like({
            "TargetValue": 0.7,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "SageMakerVariantProvisionedConcurrencyUtilization"},
        }),
    })


@pytest.mark.parametrize("low,high,message", [
    (0, 5, "must be between 1 and 200"),
    (6, 5, "is greater than max_capacity (5)"),
    (1, 30, "is greater than max_concurrency (20)"),
])
def test_fails_when_autoscaling_capacity_is_wrong(low: int, high: int, message: str) -> None:
    error = refused(max_concurrency=20, provisioned_concurrency=2,
                    provisioned_concurrency_scaling=ProvisionedConcurrencyScaling(min_capacity=low, max_capacity=high))
    assert message in str(error)
    assert all(f.startswith("provisioned_concurrency_scaling") for f in error.fields)


def test_fails_when_autoscaling_without_provisioned_concurrency() -> None:
    error = refused(provisioned_concurrency_scaling=ProvisionedConcurrencyScaling(min_capacity=1, max_capacity=5))
    assert "set provisioned_concurrency" in str(error)


def test_fails_when_target_utilization_is_a_percentage() -> None:
    error = refused(provisioned_concurrency=2, provisioned_concurrency_scaling=ProvisionedConcurrencyScaling(
        min_capacity=1, max_capacity=5, target_utilization=70))
    assert "provisioned_concurrency_scaling.target_utilization = 70" in str(error)
    assert "between 0.01 and 1" in str(error)
    # Its own row (found by review: the allowed line was the capacity rule's, 1 ≤ min ≤ max ≤ max_concurrency).
    assert "allowed: a fraction from 0.01 to 1 of the provisioned concurrency in use" in str(error)
    assert "rule serverless.target-utilization" in str(error)


def test_accepts_a_target_utilization_fraction() -> None:
    stack = new_stack()
    ServerlessEndpoint(stack, "Endpoint", model=model_in(stack), memory_size_mb=2048, max_concurrency=10,
                       provisioned_concurrency=2, provisioned_concurrency_scaling=ProvisionedConcurrencyScaling(
                           min_capacity=1, max_capacity=5, target_utilization=0.5))
    template_of(stack).has_resource_properties("AWS::ApplicationAutoScaling::ScalingPolicy", {
        "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 0.5}})


# --------------------------------------------------------------------------- quotas (soft: warnings)
def test_warns_when_total_concurrency_passes_the_quota() -> None:
    stack = new_stack()
    model = model_in(stack)
    ServerlessEndpoint(stack, "A", model=model, memory_size_mb=1024, max_concurrency=150)
    ServerlessEndpoint(stack, "B", model=model, memory_size_mb=1024, max_concurrency=100)
    warnings = warnings_of(stack)
    assert any("total max_concurrency of 250, above the quota of 200" in w for w in warnings), warnings


def test_does_not_warn_within_the_quota() -> None:
    stack = new_stack()
    model = model_in(stack)
    ServerlessEndpoint(stack, "A", model=model, memory_size_mb=1024, max_concurrency=100)
    ServerlessEndpoint(stack, "B", model=model, memory_size_mb=1024, max_concurrency=100)
    assert not [w for w in warnings_of(stack) if "quota" in w]


def test_quota_is_raised_by_context() -> None:
    stack = new_stack(new_app(**{"cdk-sagemaker-inference:serverless-concurrency-quota": 1000}))
    model = model_in(stack)
    ServerlessEndpoint(stack, "A", model=model, memory_size_mb=1024, max_concurrency=200)
    ServerlessEndpoint(stack, "B", model=model, memory_size_mb=1024, max_concurrency=200)
    assert not [w for w in warnings_of(stack) if "quota" in w]


def test_warns_when_endpoint_count_passes_the_quota() -> None:
    stack = new_stack(new_app(**{"cdk-sagemaker-inference:serverless-endpoint-quota": 2}))
    model = model_in(stack)
    for name in "ABC":
        ServerlessEndpoint(stack, name, model=model, memory_size_mb=1024, max_concurrency=1)
    assert any("3 serverless endpoints" in w and "quota of 2" in w for w in warnings_of(stack))


# --------------------------------------------------------------------------- template, grants, metrics
def test_stamps_kind_and_leaves_names_to_cloudformation() -> None:
    endpoint = serverless()
    template = template_of(endpoint.node.scope).to_json()
    (endpoint_resource,) = resources_of(template, "AWS::SageMaker::Endpoint").values()
    assert endpoint_resource["Metadata"][METADATA_KEY] == {"kind": "serverless"}
    (config,) = resources_of(template, "AWS::SageMaker::EndpointConfig").values()
    (model,) = resources_of(template, "AWS::SageMaker::Model").values()
    assert "EndpointConfigName" not in config["Properties"]
    assert "ModelName" not in model["Properties"]


def test_default_role_is_least_privilege() -> None:
    endpoint = serverless()
    template = template_of(endpoint.node.scope).to_json()
    roles = resources_of(template, "AWS::IAM::Role")
    assert all("ManagedPolicyArns" not in r["Properties"] for r in roles.values())
    text = str([statements for _, statements, _ in policy_documents(template["Resources"])])
    for action in ("ecr:BatchGetImage", "s3:GetObject*", "logs:PutLogEvents", "cloudwatch:PutMetricData"):
        assert action in text
    assert "sagemaker:*" not in text and "AmazonSageMakerFullAccess" not in str(template)


def test_grant_invoke_allows_exactly_invoke_on_the_endpoint() -> None:
    stack = new_stack()
    endpoint = serverless(stack)
    role = iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    endpoint.grant_invoke(role)
    template_of(stack).has_resource_properties("AWS::IAM::Policy", {
        "Roles": [{"Ref": Match.string_like_regexp("Caller")}],
        "PolicyDocument": {"Statement": [{
            "Action": ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"],
            "Effect": "Allow",
            "Resource": {"Ref": Match.string_like_regexp("Endpoint")},
        }], "Version": "2012-10-17"},
    })


def test_metrics_use_official_names_statistics_and_dimensions() -> None:
    endpoint = serverless()
    stack = endpoint.node.scope
    cases = {
        endpoint.metric_invocations(): ("Invocations", "Sum", "AWS/SageMaker"),
        endpoint.metric_invocation_4xx_errors(): ("Invocation4XXErrors", "Sum", "AWS/SageMaker"),
        endpoint.metric_invocation_5xx_errors(): ("Invocation5XXErrors", "Sum", "AWS/SageMaker"),
        endpoint.metric_model_latency(): ("ModelLatency", "Average", "AWS/SageMaker"),
        endpoint.metric_overhead_latency(): ("OverheadLatency", "Average", "AWS/SageMaker"),
        endpoint.metric_model_setup_time(): ("ModelSetupTime", "Average", "AWS/SageMaker"),
        endpoint.metric_memory_utilization(): ("MemoryUtilization", "Average", "/aws/sagemaker/Endpoints"),
        endpoint.metric_provisioned_concurrency_utilization():
            ("ServerlessProvisionedConcurrencyUtilization", "Average", "AWS/SageMaker"),
    }
    for metric, (name, statistic, namespace) in cases.items():
        assert (metric.metric_name, metric.statistic, metric.namespace) == (name, statistic, namespace)
        assert set(metric.dimensions) == {"EndpointName", "VariantName"}
        assert stack.resolve(metric.dimensions["VariantName"]) == "AllTraffic"
    assert endpoint.metric_model_latency("p99").statistic == "p99"


def test_imported_endpoint_can_be_granted_and_monitored() -> None:
    stack = new_stack(construct_id="Consumer", env={"account": "123456789012", "region": "eu-west-1"})
    imported = Endpoint.from_endpoint_name(stack, "Shared", "team-a-endpoint")
    role = iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    imported.grant_invoke(role)
    assert stack.resolve(imported.endpoint_arn) == "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/team-a-endpoint"
    assert imported.metric("Invocations").dimensions == {"EndpointName": "team-a-endpoint"}
    by_arn = Endpoint.from_endpoint_arn(stack, "ByArn",
                                        "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/other")
    assert by_arn.endpoint_name == "other"


# --------------------------------------------------------------------------- snapshot, lint, nag
def test_snapshot_default(snapshot_json: Any) -> None:
    endpoint = serverless(endpoint_name="orders")
    stack = endpoint.node.scope
    template = template_of(stack)
    template.resource_count_is("AWS::SageMaker::Endpoint", 1)
    template.resource_count_is("AWS::ApplicationAutoScaling::ScalableTarget", 0)
    template.has_resource_properties("AWS::SageMaker::EndpointConfig", {"ProductionVariants": [{
        "ModelName": Match.any_value(), "VariantName": "AllTraffic",
        "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 10}}]})
    assert snapshot_of(stack) == snapshot_json


def test_snapshot_with_provisioned_concurrency_scaling(snapshot_json: Any) -> None:
    endpoint = serverless(memory_size_mb=6144, max_concurrency=50, provisioned_concurrency=5,
                          provisioned_concurrency_scaling=ProvisionedConcurrencyScaling(min_capacity=2, max_capacity=50))
    stack = endpoint.node.scope
    template_of(stack).resource_count_is("AWS::ApplicationAutoScaling::ScalingPolicy", 1)
    assert snapshot_of(stack) == snapshot_json


def test_templates_pass_cfn_lint() -> None:
    for kwargs in ({}, {"provisioned_concurrency": 2, "provisioned_concurrency_scaling":
                        ProvisionedConcurrencyScaling(min_capacity=1, max_capacity=10)}):
        endpoint = serverless(**kwargs)
        assert cfn_lint_errors(template_of(endpoint.node.scope).to_json()) == []


def test_defaults_pass_cdk_nag_aws_solutions() -> None:
    endpoint = serverless()
    assert nag_findings(endpoint.node.root) == []


def test_fails_when_local_model_data_is_missing(tmp_path: Any) -> None:
    stack = new_stack()
    with pytest.raises(ValidationError) as caught:
        InferenceModel(stack, "Model", image=CPU_IMAGE, model_data=ModelData.from_asset(str(tmp_path / "nope.tar.gz")))
    assert "model_data = " in str(caught.value) and "no such file or directory" in str(caught.value)


def test_fails_when_a_dlc_image_uri_is_too_long() -> None:
    with pytest.raises(ValidationError) as caught:  # refused by the factory, naming the tag
        ContainerImage.from_dlc("pytorch-inference", "t" * 200)
    assert "tag = " in str(caught.value) and "a model's image has at most 255" in str(caught.value)
    stack = new_stack()  # a URI the factory cannot measure (the model's image is checked as the model sees it)
    with pytest.raises(ValidationError) as caught:
        InferenceModel(stack, "Model", image=ContainerImage.from_uri(f"{'1' * 12}.dkr.ecr.us-east-1.amazonaws.com/"
                                                                     f"{'r' * 200}:{'t' * 50}"))
    assert "image = " in str(caught.value) and "at most 255 are allowed" in str(caught.value)


def test_accepts_a_dlc_image_uri_that_fits() -> None:
    InferenceModel(new_stack(), "Model", image=ContainerImage.from_dlc("pytorch-inference", "t" * 150))
