"""Models from the SageMaker Model Registry (a versioned model package) and from AWS Marketplace:
every hosting option takes a registry version; only Marketplace packages carry Marketplace's rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import Environment, Stack
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from cdk_sagemaker_inference import (
    AsyncEndpoint,
    BatchTransformInput,
    BatchTransformJob,
    InferenceModel,
    InstanceType,
    ModelPackage,
    ProductionVariant,
    RealtimeEndpoint,
    ServerlessEndpoint,
    ValidationError,
)
from helpers import cfn_lint_errors, nag_findings, new_stack, resources_of, template_of

VERSION_ARN = "arn:aws:sagemaker:us-east-1:111122223333:model-package/churn-model/3"
MARKETPLACE_ARN = "arn:aws:sagemaker:us-east-1:865070037744:model-package/some-package"


def registry_model(stack: Stack, construct_id: str = "Model", **props: Any) -> InferenceModel:
    return InferenceModel(stack, construct_id, model_package=ModelPackage.from_registry_version_arn(VERSION_ARN),
                          **props)


def container_of(stack: Stack) -> dict[str, Any]:
    [model] = resources_of(template_of(stack).to_json(), "AWS::SageMaker::Model").values()
    return dict(model["Properties"]["PrimaryContainer"])


def refused(build: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        build()
    return caught.value


# ------------------------------------------------------------------ every hosting option takes a version
def test_a_registry_version_deploys_to_a_serverless_endpoint() -> None:
    stack = new_stack()
    ServerlessEndpoint(stack, "Endpoint", model=registry_model(stack), memory_size_mb=2048, max_concurrency=5)
    assert container_of(stack) == {"ModelPackageName": VERSION_ARN}
    assert cfn_lint_errors(template_of(stack).to_json()) == []
    assert nag_findings(stack) == []


def test_a_registry_version_serves_realtime_with_a_shadow_variant() -> None:
    stack = new_stack()
    RealtimeEndpoint(stack, "Endpoint", variants=[ProductionVariant(
        variant_name="Current", model=registry_model(stack, "Current"), instance_type=InstanceType.M5_LARGE)],
        shadow_variant=ProductionVariant(variant_name="Shadow", model=registry_model(stack, "Candidate"),
                                         instance_type=InstanceType.M5_LARGE))
    models = resources_of(template_of(stack).to_json(), "AWS::SageMaker::Model").values()
    assert [m["Properties"]["PrimaryContainer"] for m in models] == [{"ModelPackageName": VERSION_ARN}] * 2


def test_a_registry_version_serves_async_and_batch_transform() -> None:
    stack = new_stack()
    AsyncEndpoint(stack, "Async", model=registry_model(stack, "AsyncModel"), instance_type=InstanceType.M5_LARGE)
    records = s3.Bucket.from_bucket_name(stack, "Records", "my-records")
    BatchTransformJob(stack, "Job", model=registry_model(stack, "BatchModel"), instance_type="ml.m5.xlarge",
                      input=BatchTransformInput.from_prefix(records, "in/"))
    models = resources_of(template_of(stack).to_json(), "AWS::SageMaker::Model").values()
    assert [m["Properties"]["PrimaryContainer"] for m in models] == [{"ModelPackageName": VERSION_ARN}] * 2


def test_group_and_version_build_the_arn_in_the_stacks_account_and_region() -> None:
    stack = new_stack(env=Environment(account="444455556666", region="eu-west-1"))
    InferenceModel(stack, "Model", model_package=ModelPackage.from_registry_version("churn-model", 7))
    assert container_of(stack)["ModelPackageName"] == "arn:aws:sagemaker:eu-west-1:444455556666:model-package/churn-model/7"


def test_a_central_registry_in_another_account_is_named_by_its_account() -> None:
    stack = new_stack()
    InferenceModel(stack, "Model", model_package=ModelPackage.from_registry_version(
        "churn-model", 7, account="111122223333"))
    arn = json.dumps(container_of(stack)["ModelPackageName"])
    assert ":111122223333:model-package/churn-model/7" in arn and "AWS::Region" in arn


# ------------------------------------------------------------------ grants for the version's artifacts
def test_the_default_role_gets_the_versions_artifacts_images_and_key() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Artifacts", "central-models")
    repository = ecr.Repository.from_repository_name(stack, "Images", "churn-inference")
    key = kms.Key.from_key_arn(stack, "Key", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    InferenceModel(stack, "Model", model_package=ModelPackage.from_registry_version_arn(
        VERSION_ARN, artifact_bucket=bucket, artifact_prefix="churn/", image_repositories=[repository], kms_key=key))
    policies = json.dumps(resources_of(template_of(stack).to_json(), "AWS::IAM::Policy"))
    assert ":s3:::central-models/churn/*" in policies and ":s3:::central-models/*" not in policies
    assert "ecr:BatchGetImage" in policies and "repository/churn-inference" in policies
    assert "kms:Decrypt" in policies and "key/1234abcd-12ab-34cd-56ef-1234567890ab" in policies
    assert nag_findings(stack) == []


def test_without_grant_props_the_role_gets_nothing_for_the_package() -> None:
    stack = new_stack()
    registry_model(stack)
    policies = json.dumps([p["Properties"]["PolicyDocument"]  # documents only: cdk-nag 2 writes its metadata
                           for p in resources_of(template_of(stack).to_json(), "AWS::IAM::Policy").values()])
    assert "s3:" not in policies and "kms:" not in policies and "ecr:BatchGetImage" not in policies


# ------------------------------------------------------------------ Marketplace rules apply to Marketplace only
def test_marketplace_exclusions_do_not_apply_to_a_registry_version() -> None:
    stack = new_stack()
    AsyncEndpoint(stack, "Async", model=registry_model(stack), instance_type=InstanceType.M5_LARGE)


def test_a_marketplace_package_needs_network_isolation() -> None:
    stack = new_stack()
    error = refused(lambda: InferenceModel(stack, "Model", model_package=ModelPackage.from_marketplace(MARKETPLACE_ARN)))
    assert error.fields == ("network_isolation",)
    text = str(error)
    assert "network_isolation = False: a model from an AWS Marketplace package must run with network isolation" in text
    assert "fix: pass network_isolation=True" in text and "mkt-algo-model-internet-free" in text


def test_a_marketplace_package_with_network_isolation_is_accepted() -> None:
    stack = new_stack()
    InferenceModel(stack, "Model", model_package=ModelPackage.from_marketplace(MARKETPLACE_ARN), network_isolation=True)
    assert container_of(stack) == {"ModelPackageName": MARKETPLACE_ARN}


# ------------------------------------------------------------------ ARN shapes
@pytest.mark.parametrize("arn", [
    "arn:aws:sagemaker:us-east-1:111122223333:model-package-group/churn-model",  # a group, not a version
    "arn:aws:sagemaker:us-east-1:111122223333:model-package/churn-model",  # no version
    "churn-model/3",  # not an ARN
])
def test_a_registry_version_arn_must_name_a_version(arn: str) -> None:
    stack = new_stack()
    error = refused(lambda: InferenceModel(stack, "Model",
                                           model_package=ModelPackage.from_registry_version_arn(arn)))
    text = str(error)
    assert "model_package = " in text and "rule model.registry-version" in text
    assert "model-package/<group>/<version>" in text and "ModelPackage.from_registry_version" in text


def test_a_group_name_out_of_pattern_is_refused() -> None:
    stack = new_stack()
    error = refused(lambda: InferenceModel(stack, "Model",
                                           model_package=ModelPackage.from_registry_version("churn_model", 1)))
    assert "rule model.registry-version" in str(error)


def test_a_marketplace_arn_must_be_a_model_package_arn() -> None:
    stack = new_stack()
    error = refused(lambda: InferenceModel(
        stack, "Model", network_isolation=True,
        model_package=ModelPackage.from_marketplace("arn:aws:sagemaker:us-east-1:865070037744:algorithm/some-algo")))
    assert "rule model.model-package-arn" in str(error) and "model-package/<name>" in str(error)


def test_a_model_needs_an_image_or_a_package() -> None:
    error = refused(lambda: InferenceModel(new_stack(), "Model"))
    assert "a model needs an image (or a model_package, or containers=[...])" in str(error)


def test_a_package_and_containers_do_not_mix() -> None:
    from cdk_sagemaker_inference import ContainerDefinition

    stack = new_stack()
    package = ModelPackage.from_registry_version_arn(VERSION_ARN)
    error = refused(lambda: InferenceModel(stack, "Model", model_package=package,
                                           containers=[ContainerDefinition(model_package=package)]))
    assert "pass either containers=[...] or image/model_data/environment/model_package" in str(error)


# ------------------------------------------------------------------ models that exist already
ROLE_ARN = "arn:aws:iam::111122223333:role/existing-model-role"


def imported_role(stack: Stack) -> Any:
    from aws_cdk import aws_iam as iam

    return iam.Role.from_role_arn(stack, "ModelRole", ROLE_ARN)


def test_a_batch_job_runs_an_existing_model_by_name() -> None:
    stack = new_stack()
    model = InferenceModel.from_model_name(stack, "Existing", "churn-model-2024-06", role=imported_role(stack))
    records = s3.Bucket.from_bucket_name(stack, "Records", "my-records")
    BatchTransformJob(stack, "Job", model=model, instance_type="ml.m5.xlarge",
                      input=BatchTransformInput.from_prefix(records, "in/"))
    template = template_of(stack).to_json()
    assert resources_of(template, "AWS::SageMaker::Model") == {}
    [machine] = resources_of(template, "AWS::StepFunctions::StateMachine").values()
    assert "churn-model-2024-06" in json.dumps(machine["Properties"]["DefinitionString"])
    policies = json.dumps([p["Properties"]["PolicyDocument"] for p in resources_of(template, "AWS::IAM::Policy").values()])
    assert "iam:PassRole" in policies and ROLE_ARN in policies  # the job passes the model's role
    assert ":s3:::my-records/in/*" in policies  # and that role reads the input (a policy of this stack)
    assert cfn_lint_errors(template) == []


def test_an_existing_model_by_arn_serves_an_endpoint() -> None:
    stack = new_stack()
    model = InferenceModel.from_model_arn(
        stack, "Existing", "arn:aws:sagemaker:us-east-1:111122223333:model/churn-model-2024-06", role=imported_role(stack))
    assert model.model_name == "churn-model-2024-06"
    ServerlessEndpoint(stack, "Endpoint", model=model, memory_size_mb=2048, max_concurrency=5)
    [config] = resources_of(template_of(stack).to_json(), "AWS::SageMaker::EndpointConfig").values()
    assert config["Properties"]["ProductionVariants"][0]["ModelName"] == "churn-model-2024-06"


def test_a_token_arn_names_the_model_at_deploy_time() -> None:
    from aws_cdk import CfnParameter

    stack = new_stack()
    arn = CfnParameter(stack, "ModelArn").value_as_string
    model = InferenceModel.from_model_arn(stack, "Existing", arn, role=imported_role(stack))
    assert stack.resolve(model.model_name) == {"Fn::Select": [1, {"Fn::Split": [":model/", {"Ref": "ModelArn"}]}]}


def test_an_existing_model_name_out_of_pattern_is_refused() -> None:
    stack = new_stack()
    error = refused(lambda: InferenceModel.from_model_name(stack, "Existing", "churn_model", role=imported_role(stack)))
    assert error.fields == ("model_name",) and "rule model.imported-name" in str(error)


def test_an_existing_model_arn_of_another_resource_is_refused() -> None:
    stack = new_stack()
    error = refused(lambda: InferenceModel.from_model_arn(
        stack, "Existing", "arn:aws:sagemaker:us-east-1:111122223333:endpoint/churn", role=imported_role(stack)))
    assert error.fields == ("model_arn",) and "rule model.imported-arn" in str(error)
    assert "from_model_name" in str(error)


# ------------------------------------------------------------------ an endpoint on an existing endpoint config
def test_an_endpoint_on_an_existing_config() -> None:
    from aws_cdk import RemovalPolicy
    from aws_cdk import aws_iam as iam

    from cdk_sagemaker_inference import Endpoint, find_unsafe_changes

    stack = new_stack()
    endpoint = Endpoint.on_endpoint_config(stack, "Recommended", "churn-recommended-config", endpoint_name="churn")
    caller = iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    endpoint.grant_invoke(caller)
    endpoint.apply_removal_policy(RemovalPolicy.RETAIN)  # type: ignore[attr-defined]
    template = template_of(stack).to_json()
    [resource] = resources_of(template, "AWS::SageMaker::Endpoint").values()
    assert resource["Properties"] == {"EndpointConfigName": "churn-recommended-config", "EndpointName": "churn"}
    assert resource["DeletionPolicy"] == "Retain"
    assert "sagemaker:InvokeEndpoint" in json.dumps(resources_of(template, "AWS::IAM::Policy"))
    assert cfn_lint_errors(template) == []
    # The guard sees the endpoint (kind unknown) and its name: a rename is still reported.
    renamed = new_stack()
    Endpoint.on_endpoint_config(renamed, "Recommended", "churn-recommended-config", endpoint_name="churn-v2")
    [finding] = find_unsafe_changes(template, template_of(renamed).to_json())
    assert finding.change.value == "endpoint-name-changed" and finding.kind_before == "unknown"


@pytest.mark.parametrize(("field", "props"), [
    ("endpoint_config_name", {"endpoint_config_name": "bad_config"}),
    ("endpoint_name", {"endpoint_config_name": "ok", "endpoint_name": "-bad"}),
])
def test_an_existing_config_name_out_of_pattern_is_refused(field: str, props: dict[str, Any]) -> None:
    from cdk_sagemaker_inference import Endpoint

    stack = new_stack()
    error = refused(lambda: Endpoint.on_endpoint_config(stack, "E", **props))
    assert error.fields == (field,) and "rule name.endpoint" in str(error)


# ------------------------------------------------------------------ found by review
def test_a_token_registry_version_renders_and_version_zero_is_refused() -> None:
    from aws_cdk import CfnParameter

    stack = new_stack()
    version = CfnParameter(stack, "Version", type="Number").value_as_number
    InferenceModel(stack, "Model", model_package=ModelPackage.from_registry_version("churn-model", version))
    arn = json.dumps(container_of(stack)["ModelPackageName"])
    assert "model-package/churn-model/" in arn and '{"Ref": "Version"}' in arn
    zero = new_stack()
    error = refused(lambda: InferenceModel(zero, "Model", model_package=ModelPackage.from_registry_version_arn(
        "arn:aws:sagemaker:us-east-1:111122223333:model-package/g/0")))
    assert "names version 0: registry versions start at 1" in str(error)


def test_an_existing_model_arn_without_a_name_is_refused() -> None:
    stack = new_stack()
    error = refused(lambda: InferenceModel.from_model_arn(
        stack, "Existing", "arn:aws:sagemaker:us-east-1:111122223333:model/", role=imported_role(stack)))
    assert error.fields == ("model_arn",) and "rule model.imported-name" in str(error)


def test_data_capture_waits_for_the_policy_of_an_imported_models_role() -> None:
    from aws_cdk import aws_iam as iam

    from cdk_sagemaker_inference import DataCapture

    stack = new_stack()
    role = iam.Role(stack, "UserRole", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    model = InferenceModel.from_model_name(stack, "Existing", "churn-model", role=role)
    capture = s3.Bucket.from_bucket_name(stack, "Capture", "capture-bucket")
    RealtimeEndpoint(stack, "Endpoint", model=model, instance_type=InstanceType.M5_LARGE, instance_count=2,
                     data_capture=DataCapture(bucket=capture))
    template = template_of(stack).to_json()
    [config] = resources_of(template, "AWS::SageMaker::EndpointConfig").values()
    [policy_id] = [k for k in resources_of(template, "AWS::IAM::Policy") if k.startswith("UserRoleDefaultPolicy")]
    assert policy_id in config.get("DependsOn", [])


def test_two_endpoints_on_existing_configs_may_not_share_a_name() -> None:
    from cdk_sagemaker_inference import Endpoint

    stack = new_stack()
    Endpoint.on_endpoint_config(stack, "A", "config-a", endpoint_name="orders")
    error = refused(lambda: Endpoint.on_endpoint_config(stack, "B", "config-b", endpoint_name="Orders"))
    assert "rule name.endpoint-unique" in str(error)


@pytest.mark.parametrize("where", [{"account": ""}, {"region": ""}, {"account": "12345"}])
def test_an_empty_or_malformed_registry_account_or_region_is_refused(where: dict[str, str]) -> None:
    """Found by review: account="" rendered arn:…:sagemaker:::model-package/churn/3 (validation had checked a
    placeholder account instead of the empty one)."""
    with pytest.raises(ValidationError) as caught:
        ModelPackage.from_registry_version("churn", 3, **where)
    # Refused by the factory, naming its argument (found by a sweep: the model named model_package and showed an
    # ARN with a placeholder account the user never wrote).
    (field, value), = where.items()
    assert caught.value.fields == (field,) and "ModelPackage.from_registry_version" in str(caught.value)
    assert f"{field} = {value!r}: is not " in str(caught.value) and "rule model.registry-version" in str(caught.value)


@pytest.mark.parametrize(("args", "field", "text"), [
    (("", 3), "group_name", "is not 1–63 letters, digits and hyphens"),
    (("churn_model", 3), "group_name", "is not 1–63 letters"),
    (("a" * 64, 3), "group_name", "is not 1–63 letters"),
    (("churn", 0), "version", "is not a version: registry versions are 1 to 999,999,999"),
    (("churn", 1_000_000_000), "version", "is not a version"),
])
def test_a_registry_group_or_version_out_of_pattern_is_refused_by_the_factory(args: tuple[str, int], field: str,
                                                                                text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ModelPackage.from_registry_version(*args)
    assert caught.value.fields == (field,) and text in str(caught.value)
    ModelPackage.from_registry_version("a" * 63, 999_999_999)  # the longest group, the highest version


def test_removal_policy_snapshot_is_refused_with_the_policies_that_apply() -> None:
    """Found by review: SNAPSHOT rendered DeletionPolicy Snapshot on models, endpoints and roles; CloudFormation
    snapshots only volumes and databases."""
    from aws_cdk import App, RemovalPolicy, Stack

    stack = Stack(App(), "S")
    model = InferenceModel(stack, "M", model_package=ModelPackage.from_registry_version("churn", 3))
    with pytest.raises(ValidationError) as caught:
        model.apply_removal_policy(RemovalPolicy.SNAPSHOT)
    assert caught.value.fields == ("policy",) and "props.removal-policy" in str(caught.value)
    model.apply_removal_policy(RemovalPolicy.RETAIN)


# ------------------------------------------------------------------ inference specification (model.inference-specification)
@pytest.mark.parametrize("factory", [
    lambda name: ModelPackage.from_registry_version_arn(VERSION_ARN, inference_specification=name),
    lambda name: ModelPackage.from_registry_version("churn-model", 3, inference_specification=name),
])
@pytest.mark.parametrize("name", ["gpu-small", "A", "a" + "-b" * 31])
def test_a_registry_version_runs_a_named_inference_specification(factory: Any, name: str) -> None:
    stack = new_stack()
    InferenceModel(stack, "Model", model_package=factory(name))
    assert container_of(stack)["InferenceSpecificationName"] == name
    assert cfn_lint_errors(template_of(stack).to_json()) == []


def test_a_marketplace_package_runs_a_named_inference_specification() -> None:
    stack = new_stack()
    InferenceModel(stack, "Model", network_isolation=True,
                   model_package=ModelPackage.from_marketplace(MARKETPLACE_ARN, inference_specification="inf2"))
    assert container_of(stack) == {"ModelPackageName": MARKETPLACE_ARN, "InferenceSpecificationName": "inf2"}


def test_without_an_inference_specification_the_main_one_runs() -> None:
    stack = new_stack()
    registry_model(stack)
    assert "InferenceSpecificationName" not in container_of(stack)


@pytest.mark.parametrize("name", ["gpu_small", "-gpu", "gpu-", "a" * 64, ""])
@pytest.mark.parametrize("factory", ["from_registry_version_arn", "from_registry_version", "from_marketplace"])
def test_an_inference_specification_name_out_of_pattern_is_refused(name: str, factory: str) -> None:
    arguments = {"from_registry_version_arn": (VERSION_ARN,), "from_registry_version": ("churn", 3),
                 "from_marketplace": (MARKETPLACE_ARN,)}[factory]
    error = refused(lambda: getattr(ModelPackage, factory)(*arguments, inference_specification=name))
    text = str(error)
    assert error.fields == ("inference_specification",), text
    assert "rule model.inference-specification" in text and f"ModelPackage.{factory}" in text
    assert "AdditionalInferenceSpecifications" in text  # the fix says where the names are


def test_an_inference_specification_of_the_wrong_type_names_the_factory() -> None:
    with pytest.raises(ValidationError) as caught:
        ModelPackage.from_registry_version_arn(VERSION_ARN, inference_specification=7)  # type: ignore[arg-type]
    assert "inference_specification" in str(caught.value) and "from_registry_version_arn" in str(caught.value)


# ------------------------------------------------------------------ unversioned packages of your own (found by a sweep)
UNVERSIONED_ARN = "arn:aws:sagemaker:us-east-1:111122223333:model-package/churn-scorer"


def test_an_unversioned_package_serves_without_marketplaces_rules() -> None:
    """An unversioned model package (CreateModelPackage with a ModelPackageName, no group) could only be passed as
    a Marketplace package, which needs network isolation and refuses serverless, async and shadow variants."""
    stack = new_stack()
    model = InferenceModel(stack, "Model", model_package=ModelPackage.from_unversioned(UNVERSIONED_ARN))
    ServerlessEndpoint(stack, "Endpoint", model=model, memory_size_mb=2048, max_concurrency=5)
    AsyncEndpoint(stack, "Async", model=InferenceModel(stack, "AsyncModel", model_package=ModelPackage.from_unversioned(
        UNVERSIONED_ARN)), instance_type=InstanceType.M5_LARGE)
    assert container_of_model(stack, "Model") == {"ModelPackageName": UNVERSIONED_ARN}
    assert cfn_lint_errors(template_of(stack).to_json()) == []


def test_an_unversioned_package_by_name_is_in_the_stacks_account_and_region() -> None:
    stack = new_stack(env=Environment(account="444455556666", region="eu-west-1"))
    InferenceModel(stack, "Model", model_package=ModelPackage.from_unversioned("churn-scorer",
                                                                               inference_specification="cpu"))
    assert container_of(stack) == {
        "ModelPackageName": "arn:aws:sagemaker:eu-west-1:444455556666:model-package/churn-scorer",
        "InferenceSpecificationName": "cpu"}


@pytest.mark.parametrize(("argument", "field", "text"), [
    ("churn_scorer", "name_or_arn", "is not a model package name"),
    ("-churn", "name_or_arn", "is not a model package name"),
    ("a" * 64, "name_or_arn", "is not a model package name"),
])
def test_an_unversioned_package_name_out_of_pattern_is_refused_by_the_factory(argument: str, field: str,
                                                                               text: str) -> None:
    error = refused(lambda: ModelPackage.from_unversioned(argument))
    assert error.fields == (field,) and text in str(error) and "ModelPackage.from_unversioned" in str(error)
    assert "rule model.unversioned-package" in str(error) and "allowed: an unversioned package's ARN" in str(error)


@pytest.mark.parametrize("arn", [f"{UNVERSIONED_ARN}/3", "arn:aws:sagemaker:us-east-1:111122223333:model/churn",
                                 "arn:aws:sagemaker:us-east-1:1111:model-package/churn"])
def test_an_unversioned_package_arn_of_another_shape_is_refused(arn: str) -> None:
    error = refused(lambda: InferenceModel(new_stack(), "Model", model_package=ModelPackage.from_unversioned(arn)))
    assert set(error.fields) == {"model_package"} and "rule model.unversioned-package" in str(error)
    assert "ModelPackage.from_registry_version_arn" in str(error)  # where a versioned ARN goes


def container_of_model(stack: Stack, construct_id: str) -> dict[str, Any]:
    model = stack.node.find_child(construct_id)
    resource = template_of(stack).to_json()["Resources"][stack.get_logical_id(model.node.default_child)]
    return dict(resource["Properties"]["PrimaryContainer"])
