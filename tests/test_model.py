"""The model layer's own rules (the constraint table, area "Model", multi-container, VPC): pass and fail."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3

from cdk_sagemaker_inference import (
    ContainerDefinition,
    ContainerImage,
    ContainerMode,
    InferenceExecutionMode,
    InferenceModel,
    ModelData,
    ValidationError,
)
from helpers import new_stack, resources_of, template_of, warnings_of

IMAGE = ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311")


def refused(**props: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        InferenceModel(new_stack(), "Model", **props)
    return str(caught.value)


def test_accepts_fifteen_containers() -> None:
    model = InferenceModel(new_stack(), "Model", containers=[ContainerDefinition(image=IMAGE)] * 15)
    template_of(model.node.scope).resource_count_is("AWS::SageMaker::Model", 1)


def test_fails_when_model_has_sixteen_containers() -> None:
    text = refused(containers=[ContainerDefinition(image=IMAGE)] * 16)
    assert "containers = 16: has 16 entries: must have between 1 and 15" in text
    assert "multicontainer.count" in text


def test_fails_when_two_containers_are_multi_model() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "B", "my-models")
    many = ContainerDefinition(image=IMAGE, model_data=ModelData.from_bucket(bucket, "many/"),
                               mode=ContainerMode.MULTI_MODEL)
    with pytest.raises(ValidationError) as caught:
        InferenceModel(stack, "Model", containers=[many, many])
    assert "2 containers are MultiModel: a model may have at most one" in str(caught.value)


def test_fails_when_direct_invocation_has_no_hostnames() -> None:
    text = refused(containers=[ContainerDefinition(image=IMAGE), ContainerDefinition(image=IMAGE)],
                   inference_execution_mode=InferenceExecutionMode.DIRECT)
    assert "containers[0].container_hostname = None: Direct invocation needs a hostname" in text


def test_accepts_direct_invocation_with_unique_hostnames() -> None:
    InferenceModel(new_stack(), "Model", inference_execution_mode=InferenceExecutionMode.DIRECT, containers=[
        ContainerDefinition(image=IMAGE, container_hostname="a"), ContainerDefinition(image=IMAGE, container_hostname="b")])


@pytest.mark.parametrize("mode", [None, InferenceExecutionMode.SERIAL])
def test_fails_when_only_some_pipeline_containers_have_a_hostname(mode: Any) -> None:
    """botocore ContainerDefinition.ContainerHostname: once one container of a pipeline has a hostname, every
    one needs one (found by review: only Direct mode was checked)."""
    text = refused(containers=[ContainerDefinition(image=IMAGE, container_hostname="preprocess"),
                               ContainerDefinition(image=IMAGE)], inference_execution_mode=mode)
    assert ("containers[1].container_hostname = None: 1 of the 2 containers have a container_hostname: SageMaker "
            "needs one on every container of a pipeline once any has one") in text
    assert "rule multicontainer.pipeline-hostname" in text


@pytest.mark.parametrize("hostnames", [("preprocess", "predict"), (None, None)])
def test_accepts_a_pipeline_with_every_hostname_or_none(hostnames: tuple[str | None, str | None]) -> None:
    model = InferenceModel(new_stack(), "Model", containers=[
        ContainerDefinition(image=IMAGE, container_hostname=h) for h in hostnames])
    containers = template_of(model.node.scope).to_json()["Resources"]
    (rendered,) = [r["Properties"]["Containers"] for r in containers.values() if r["Type"] == "AWS::SageMaker::Model"]
    assert [c.get("ContainerHostname") for c in rendered] == list(hostnames)


def test_fails_when_hostnames_repeat() -> None:
    """A serial pipeline's repeated hostname was refused under the Direct-invocation rule (found by review)."""
    text = refused(containers=[ContainerDefinition(image=IMAGE, container_hostname="a"),
                               ContainerDefinition(image=IMAGE, container_hostname="a")])
    assert "container hostnames are not unique: a hostname identifies its container in the pipeline" in text
    assert "rule multicontainer.pipeline-hostname" in text
    direct = refused(containers=[ContainerDefinition(image=IMAGE, container_hostname="a"),
                                 ContainerDefinition(image=IMAGE, container_hostname="a")],
                     inference_execution_mode=InferenceExecutionMode.DIRECT)
    assert "(Direct invocation targets it)" in direct and "rule multicontainer.direct-hostname" in direct


def test_fails_when_an_environment_value_is_too_long() -> None:
    text = refused(image=IMAGE, environment={"BIG": "x" * 1025})
    assert "environment['BIG'] = '<1025 characters>': is longer than 1024 characters" in text


def test_accepts_an_environment_value_of_1024_characters() -> None:
    InferenceModel(new_stack(), "Model", image=IMAGE, environment={"BIG": "x" * 1024})


def test_fails_when_an_environment_key_is_invalid() -> None:
    text = refused(image=IMAGE, environment={"1BAD": "x"})
    assert "environment['1BAD'] = '1BAD': is not a valid variable name" in text


def test_fails_when_there_are_more_than_100_variables() -> None:
    text = refused(image=IMAGE, environment={f"V{i}": "x" for i in range(101)})
    assert "environment = 101: has 101 entries: must have at most 100" in text


def test_fails_when_all_environments_pass_32_kb() -> None:
    big = {f"V{i}": "x" * 1000 for i in range(20)}
    text = refused(containers=[ContainerDefinition(image=IMAGE, environment=big),
                               ContainerDefinition(image=IMAGE, environment=big)])
    assert "all containers' environment variables together exceed 32 KB" in text


def test_fails_when_model_data_is_not_a_tarball() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "B", "my-models")
    with pytest.raises(ValidationError) as caught:
        InferenceModel(stack, "Model", image=IMAGE, model_data=ModelData.from_bucket(bucket, "m/model.pt"))
    assert "a single model's data must be a .tar.gz archive" in str(caught.value)


def vpc_in(stack: Any) -> ec2.Vpc:
    return ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0, subnet_configuration=[
        ec2.SubnetConfiguration(name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)])


def test_accepts_five_security_groups() -> None:
    stack = new_stack()
    vpc = vpc_in(stack)
    groups = [ec2.SecurityGroup(stack, f"Sg{i}", vpc=vpc) for i in range(5)]
    InferenceModel(stack, "Model", image=IMAGE, vpc=vpc, security_groups=groups)


def test_fails_when_there_are_six_security_groups() -> None:
    stack = new_stack()
    vpc = vpc_in(stack)
    groups = [ec2.SecurityGroup(stack, f"Sg{i}", vpc=vpc) for i in range(6)]
    with pytest.raises(ValidationError) as caught:
        InferenceModel(stack, "Model", image=IMAGE, vpc=vpc, security_groups=groups)
    assert "security_groups = 6: has 6 entries: must have between 1 and 5" in str(caught.value)


def test_a_model_role_customized_by_the_platform_still_synthesizes() -> None:
    """iam.Role.customize_roles leaves the library's default role without a default policy: the model
    synthesizes, depending on the policies that exist (found by review)."""
    from aws_cdk import aws_iam as iam

    stack = new_stack()
    iam.Role.customize_roles(stack, use_precreated_roles={"Test/Model/Role": "platform-sagemaker-role"})
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
                   model_data=ModelData.from_bucket(bucket, "m/model.tar.gz"))
    template = template_of(stack).to_json()
    (model,) = resources_of(template, "AWS::SageMaker::Model").values()
    assert "platform-sagemaker-role" in json.dumps(model["Properties"]["ExecutionRoleArn"])
    assert not resources_of(template, "AWS::IAM::Role")


def test_a_dlc_image_in_a_region_aws_cdk_lib_has_no_account_for_says_pass_account_id() -> None:
    """model.dlc-account: from_dlc in an env-pinned stack in il-central-1 escaped as aws-cdk-lib's raw
    RegionFactNotFound (found by review); with account_id= it synthesizes, and a known Region needs none."""
    from aws_cdk import App, Environment, Stack

    known = Stack(App(), "Known", env=Environment(account="123456789012", region="eu-central-2"))
    InferenceModel(known, "Model", image=IMAGE)
    assert "380420809688.dkr.ecr." in json.dumps(template_of(known).to_json())
    unknown = Stack(App(), "Unknown", env=Environment(account="123456789012", region="il-central-1"))
    with pytest.raises(ValidationError) as raised:
        InferenceModel(unknown, "Model", image=IMAGE)
    (problem,) = raised.value.problems
    assert problem.constraint_id == "model.dlc-account" and problem.field == "image"
    assert "knows no Deep Learning Containers registry account for the stack's Region, il-central-1" in problem.message
    assert problem.value == "pytorch-inference:2.3.0-cpu-py311"  # the image, not the Region (review)
    assert "pass account_id= to ContainerImage.from_dlc" in problem.fix
    assert raised.value.path == "Unknown/Model"
    # The second container of a pipeline: the model's path and that container's field (review).
    with pytest.raises(ValidationError) as raised:
        InferenceModel(unknown, "Pipeline", containers=[
            ContainerDefinition(image=ContainerImage.from_uri("123456789012.dkr.ecr.il-central-1.amazonaws.com/x:1")),
            ContainerDefinition(image=IMAGE)])
    assert (raised.value.path, raised.value.fields) == ("Unknown/Pipeline", ("containers[1].image",))
    InferenceModel(unknown, "Pinned", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311",
                                                                   account_id="780543022126"))
    assert "780543022126.dkr.ecr." in json.dumps(template_of(unknown).to_json())


@pytest.mark.parametrize("kwargs,field,rule", [
    ({"repository_name": "pytorch-inference", "tag": ""}, "tag", "model.ecr-tag"),
    ({"repository_name": "pytorch-inference", "tag": "2.3 cpu"}, "tag", "model.ecr-tag"),
    ({"repository_name": "", "tag": "1"}, "repository_name", "model.ecr-repository"),
    ({"repository_name": "PyTorch", "tag": "1"}, "repository_name", "model.ecr-repository"),
    ({"repository_name": "pytorch-inference", "tag": "1", "account_id": "abc"}, "account_id", "model.ecr-account"),
])
def test_a_dlc_reference_follows_ecr_rules(kwargs: dict[str, Any], field: str, rule: str) -> None:
    """Found by review: an empty tag rendered '…/pytorch-inference:' and an upper-case or empty repository
    name or a non-numeric account passed, so CreateModel failed after the deploy had started."""
    with pytest.raises(ValidationError) as raised:
        ContainerImage.from_dlc(**kwargs)
    (problem,) = raised.value.problems
    assert (problem.field, problem.constraint_id) == (field, rule) and "does not match" in problem.message


def test_a_dlc_uri_beyond_255_characters_is_refused_by_the_factory() -> None:
    """Found by review: the factory checked the tag (≤ 300) but not the URI it makes, so the model refused it later
    and showed a placeholder account ('000000000000.dkr.ecr…') the user never gave."""
    host = len("000000000000.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:")
    ContainerImage.from_dlc("pytorch-inference", "x" * (255 - host))  # the longest that fits
    with pytest.raises(ValidationError) as raised:
        ContainerImage.from_dlc("pytorch-inference", "x" * (256 - host))
    (problem,) = raised.value.problems
    assert (problem.field, problem.constraint_id) == ("tag", "model.image")
    assert "would be at least 256 characters: a model's image has at most 255" in problem.message
    assert f"use a tag of at most {255 - host} characters" in problem.fix
    assert "ContainerImage.from_dlc" in str(raised.value) and "000000000000" not in str(raised.value)


@pytest.mark.parametrize("repository,tag", [("huggingface-pytorch-tgi-inference", "2.4.0-tgi3.0.1-gpu-py311-cu124"),
                                            ("sagemaker/tritonserver", "24.05-py3"), ("ab", "t" * 128)])
def test_a_dlc_reference_within_ecr_rules_renders(repository: str, tag: str) -> None:
    model = InferenceModel(new_stack(), "Model", image=ContainerImage.from_dlc(repository, tag,
                                                                              account_id="763104351884"))
    assert f"/{repository}:{tag}" in json.dumps(template_of(model.node.scope).to_json())


def test_an_ecr_repository_image_needs_a_tag() -> None:
    from aws_cdk import aws_ecr as ecr

    stack = new_stack()
    repository = ecr.Repository.from_repository_name(stack, "Repo", "team/model")
    with pytest.raises(ValidationError) as raised:
        ContainerImage.from_ecr_repository(repository, "")
    assert "tag = '': does not match" in str(raised.value) and "rule model.ecr-tag" in str(raised.value)
    InferenceModel(stack, "Model", image=ContainerImage.from_ecr_repository(repository, "v1"))


def test_a_digest_given_as_the_tag_pins_the_image_with_an_at_sign() -> None:
    """Found by review: ``from_ecr_repository(repository, "sha256:<hex>")`` rendered ``<uri>:sha256:<hex>``, which is
    neither of the forms CreateModel takes (registry/repository[:tag] or registry/repository[@digest]); a digest is
    now rendered with '@', as aws-cdk-lib's ``repository_uri_for_tag_or_digest`` does (and the DLC factory too)."""
    from aws_cdk import aws_ecr as ecr

    digest = "sha256:" + "a" * 64
    stack = new_stack()
    repository = ecr.Repository.from_repository_name(stack, "Repo", "team/model")
    InferenceModel(stack, "Ecr", image=ContainerImage.from_ecr_repository(repository, digest))
    InferenceModel(stack, "Dlc", image=ContainerImage.from_dlc("pytorch-inference", digest, account_id="763104351884"))
    images = [json.dumps(r["Properties"]["PrimaryContainer"]["Image"])
              for r in template_of(stack).to_json()["Resources"].values() if r["Type"] == "AWS::SageMaker::Model"]
    assert len(images) == 2 and all(f"/team/model@{digest}" in i or f"/pytorch-inference@{digest}" in i for i in images)
    assert not any(f":{digest}" in i for i in images), images


@pytest.mark.parametrize(("uri", "ok"), [
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/model:", False),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/model@", False),
    ("registry.internal:5000/team/model:", False),
    ("registry.internal:5000/team/model", True),  # a port, no tag: the latest image
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0", True),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/model@sha256:" + "a" * 64, True),
])
def test_from_uri_refuses_a_tag_or_digest_separator_with_nothing_after_it(uri: str, ok: bool) -> None:
    """Found by review: from_uri("…/model:") rendered an image reference CreateModel refuses, where from_dlc
    with an empty tag was refused (model.ecr-tag)."""
    if ok:
        assert ContainerImage.from_uri(uri) is not None
        return
    with pytest.raises(ValidationError) as caught:
        ContainerImage.from_uri(uri)
    assert "model.image-reference" in str(caught.value) and "names no" in str(caught.value)


def test_an_image_asset_is_checked_where_it_is_declared(tmp_path: Any) -> None:
    """Found by review: a misspelt DockerImageAsset prop (build_arg), a wrong type (file=5) or a Dockerfile
    named by file= that is not there escaped as raw TypeError/RuntimeError; a directory without a Dockerfile
    was called "no such file or directory"."""
    from aws_cdk import Stack

    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    with pytest.raises(ValidationError) as caught:
        ContainerImage.from_asset(str(tmp_path), build_arg={"A": "1"})
    assert "build_arg" in caught.value.fields and "did you mean 'build_args'?" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        ContainerImage.from_asset(str(tmp_path), file=5)
    assert caught.value.fields == ("file",) and "type of argument file must be" in str(caught.value)
    stack = Stack()
    (tmp_path / "empty").mkdir()
    cases = [(tmp_path, {"file": "Nope.Dockerfile"}, "no such Dockerfile in the image's directory"),
             (tmp_path / "empty", {}, "no such Dockerfile in the image's directory"),
             (tmp_path / "absent", {}, "no such directory (a local image asset)")]
    for index, (directory, props, text) in enumerate(cases):
        with pytest.raises(ValidationError) as caught:
            InferenceModel(stack, f"M{index}", image=ContainerImage.from_asset(str(directory), **props))
        assert caught.value.fields == ("image",) and text in str(caught.value), str(caught.value)
    with pytest.raises(ValidationError) as caught:
        InferenceModel(stack, "Dev", image=ContainerImage.from_asset(str(tmp_path)),
                       model_data=ModelData.from_asset("/dev/null"))
    assert "model_data" in caught.value.fields and "not a regular file" in str(caught.value)


def test_subnets_aws_cdk_lib_cannot_select_are_named_with_its_reason() -> None:
    """Found by review: subnets imported without an availability zone (or a subnet group the VPC lacks) were
    reported as "has 0 entries", and on an InferenceComponentEndpoint escaped as a raw RuntimeError."""
    from aws_cdk import App, Stack
    from aws_cdk import aws_ec2 as ec2

    from cdk_sagemaker_inference import InferenceComponentEndpoint, InstanceType

    stack = Stack(App(), "S")
    vpc = ec2.Vpc(stack, "V", max_azs=2)
    imported = ec2.SubnetSelection(subnets=[ec2.Subnet.from_subnet_id(stack, "A", "subnet-0a")])
    image = ContainerImage.from_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1")
    for build in (lambda: InferenceModel(stack, "M", image=image, vpc=vpc, vpc_subnets=imported),
                  lambda: InferenceComponentEndpoint(stack, "E", instance_type=InstanceType.of("ml.g5.12xlarge"),
                                                     vpc=vpc, vpc_subnets=imported),
                  lambda: InferenceModel(stack, "N", image=image, vpc=vpc,
                                         vpc_subnets=ec2.SubnetSelection(subnet_group_name="nope"))):
        with pytest.raises(ValidationError) as caught:
            build()
        assert caught.value.fields == ("vpc_subnets",) and "aws-cdk-lib cannot select these subnets" in str(caught.value)


def test_a_private_registry_with_credentials_renders_and_grants_the_invoke() -> None:
    """ImageConfig.RepositoryAuthConfig could not be expressed (found by review). The provider needs Vpc mode
    (CFN RepositoryAuthConfig: 'only if you specified Vpc'), and the role may invoke exactly that function."""
    from aws_cdk import aws_ec2 as ec2

    from cdk_sagemaker_inference import RepositoryAccessMode

    arn = "arn:aws:lambda:us-east-1:123456789012:function:registry-credentials"
    stack = new_stack()
    model = InferenceModel(stack, "Model", vpc=ec2.Vpc(stack, "Vpc", max_azs=2), containers=[ContainerDefinition(
        image=ContainerImage.from_uri("registry.example.com:5000/team/scorer:1"),
        repository_access_mode=RepositoryAccessMode.VPC, repository_credentials_provider_arn=arn)])
    template = template_of(stack).to_json()
    (resource,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::SageMaker::Model"]
    assert resource["Properties"]["PrimaryContainer"]["ImageConfig"] == {
        "RepositoryAccessMode": "Vpc", "RepositoryAuthConfig": {"RepositoryCredentialsProviderArn": arn}}
    statements = [s for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Policy"
                  for s in r["Properties"]["PolicyDocument"]["Statement"]]
    assert {"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": arn} in statements, model
    text = refused(containers=[ContainerDefinition(image=IMAGE, repository_credentials_provider_arn=arn)])
    assert "registry credentials apply to an image in a private Docker registry (repository_access_mode=VPC)" in text
    assert "rule model.image-config" in text
    text = refused(containers=[ContainerDefinition(image=IMAGE, repository_access_mode=RepositoryAccessMode.VPC,
                                                   repository_credentials_provider_arn="")])
    assert "must have 1–2048 characters" in text


def test_a_private_registry_needs_the_model_in_a_vpc() -> None:
    """model.private-registry-vpc: the developer guide's private-registry page ('must be configured to connect
    to the same VPC'); found by review, the library synthesized such a model without one."""
    from cdk_sagemaker_inference import RepositoryAccessMode

    text = refused(containers=[ContainerDefinition(image=ContainerImage.from_uri("registry.example.com:5000/s:1"),
                                                   repository_access_mode=RepositoryAccessMode.VPC)])
    assert "an image in a private Docker registry is pulled through the model's VPC, and this model has none" in text
    assert "rule model.private-registry-vpc" in text


def test_the_multi_model_cache_setting_renders_and_warns_where_it_has_nothing_to_cache() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Many", "my-models")
    InferenceModel(stack, "Model", containers=[ContainerDefinition(
        image=IMAGE, model_data=ModelData.from_bucket(bucket, "many/"), mode=ContainerMode.MULTI_MODEL,
        model_cache=False)])
    template = template_of(stack).to_json()
    (resource,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::SageMaker::Model"]
    assert resource["Properties"]["PrimaryContainer"]["MultiModelConfig"] == {"ModelCacheSetting": "Disabled"}
    assert not [w for w in warnings_of(stack) if "model.multi-model-cache" in w]
    single = new_stack()
    InferenceModel(single, "Model", containers=[ContainerDefinition(image=IMAGE, model_cache=True)])
    assert any("model.multi-model-cache" in w and "it has no models to cache" in w for w in warnings_of(single))


@pytest.mark.parametrize("kind", ["multi-model", "uncompressed"])
def test_a_prefix_of_model_data_is_acknowledged_for_cdk_nag(kind: str) -> None:
    """The read on every object under a multi-model or uncompressed prefix was left unacknowledged on the
    library's role (found by review; ModelPackage acknowledged its prefix)."""
    from cdk_sagemaker_inference import InstanceType, RealtimeEndpoint
    from helpers import nag_findings

    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Many", "my-models")
    data = (ModelData.from_bucket(bucket, "many/${x}/") if kind == "multi-model"
            else ModelData.from_uncompressed_prefix(bucket, "llm/${x}/"))
    model = InferenceModel(stack, "Model", containers=[ContainerDefinition(
        image=IMAGE, model_data=data, mode=ContainerMode.MULTI_MODEL if kind == "multi-model"
        else ContainerMode.SINGLE_MODEL)])
    RealtimeEndpoint(stack, "Endpoint", model=model, instance_type=InstanceType.M5_LARGE)
    assert [f for f in nag_findings(stack) if "IAM5" in f] == []
