"""One test per class of edge a reviewer found, with the exact message (the walks in
``test_api_edges.py`` and ``property/test_value_edges.py`` look for the next member of each class)."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from aws_cdk import Aws, CfnParameter, Duration, Environment, Fn, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

import cdk_sagemaker_inference as lib
from cdk_sagemaker_inference import ValidationError
from helpers import new_app, new_stack, resources_of, template_of, warnings_of
from template_invariants import check_template, policy_documents

IMAGE = lib.ContainerImage.from_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1")
ENV_US = Environment(account="123456789012", region="us-east-1")
ENV_EU = Environment(account="123456789012", region="eu-west-1")


def model(stack: Stack, construct_id: str = "Model", key: str = "m/model.tar.gz", **props: Any) -> lib.InferenceModel:
    bucket = s3.Bucket.from_bucket_name(stack, f"{construct_id}Bucket", "my-models")
    props.setdefault("model_data", lib.ModelData.from_bucket(bucket, key))
    return lib.InferenceModel(stack, construct_id, image=IMAGE, **props)


def refused(build: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        build()
    return caught.value


def still_synthesizes() -> None:
    """The jsii process is healthy after the refusal (NaN used to break its pipe for good)."""
    stack = new_stack()
    lib.ServerlessEndpoint(stack, "After", model=model(stack), memory_size_mb=2048, max_concurrency=5)
    template_of(stack).resource_count_is("AWS::SageMaker::Endpoint", 1)


# ------------------------------------------------------------------ 1. non-finite and out-of-range numbers
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_weight_is_refused_before_jsii_and_the_process_survives(value: float) -> None:
    stack = new_stack()
    variant = lib.ProductionVariant(variant_name="A", model=model(stack), instance_type=lib.InstanceType.M5_LARGE,
                                    instance_count=2, initial_weight=value)
    error = refused(lambda: lib.RealtimeEndpoint(stack, "E", variants=[variant]))
    assert error.fields == ("variants[0].initial_weight",)
    assert f"variants[0].initial_weight = {value!r}: {value!r} is not a finite number" in str(error)
    assert "rule props.finite (source: RFC 8259" in str(error)
    still_synthesizes()


def test_capacity_beyond_32_bits_is_refused() -> None:
    stack = new_stack()
    scaling = lib.InstanceScaling(min_capacity=1, max_capacity=2**40, target_invocations_per_instance=5)
    error = refused(lambda: lib.RealtimeEndpoint(stack, "E", model=model(stack), instance_type=lib.InstanceType.M5_LARGE,
                                                 instance_count=2, autoscaling=scaling))
    assert ("autoscaling.max_capacity = 1099511627776: 1099511627776 does not fit the API's integer type "
            "(-2147483648 to 2147483647)") in str(error)


def test_a_number_at_the_32_bit_edge_passes_the_type_check() -> None:
    stack = new_stack()
    with pytest.raises(ValidationError) as caught:  # the construct's own range rule then applies
        lib.ServerlessEndpoint(stack, "E", model=model(stack), memory_size_mb=2048, max_concurrency=2**31 - 1)
    assert caught.value.fields == ("max_concurrency",)
    assert "must be between 1 and 200" in str(caught.value)


# ------------------------------------------------------------------ 2. wrong Python types
def test_a_bucket_name_for_a_bucket_is_a_validation_error() -> None:
    error = refused(lambda: lib.ModelData.from_bucket("my-models", "m.tar.gz"))  # type: ignore[arg-type]
    assert str(error).startswith("ModelData.from_bucket has 1 invalid setting:")
    assert "bucket = 'my-models': must be IBucket, got str" in str(error)


def test_a_string_for_a_subnet_selection_is_a_validation_error() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2)
    error = refused(lambda: model(stack, vpc=vpc, vpc_subnets="private"))
    assert "InferenceModel at 'Test/Model'" in str(error)
    assert "vpc_subnets = 'private': must be SubnetSelection, got str" in str(error)


def test_a_number_for_a_cooldown_is_a_validation_error() -> None:
    stack = new_stack()
    scaling = lib.InstanceScaling(min_capacity=1, max_capacity=2, target_invocations_per_instance=5,
                                  scale_in_cooldown=300)  # type: ignore[arg-type]
    error = refused(lambda: lib.RealtimeEndpoint(stack, "E", model=model(stack), instance_type=lib.InstanceType.M5_LARGE,
                                                 instance_count=2, autoscaling=scaling))
    assert "autoscaling.scale_in_cooldown = 300: must be Duration, got int" in str(error)


def test_a_string_token_for_a_number_says_how_to_convert_it() -> None:
    stack = new_stack()
    error = refused(lambda: lib.ServerlessEndpoint(stack, "E", model=model(stack), memory_size_mb=Fn.import_value("Mem"),
                                                   max_concurrency=5))
    assert "memory_size_mb = '${Token[" in str(error)
    assert "is a string token where a whole number is needed" in str(error)
    assert "wrap the token with Token.as_number(...)" in str(error)


# ------------------------------------------------------------------ 3. tokens
def test_a_duration_of_a_token_in_minutes_is_refused_with_the_way_out() -> None:
    stack = new_stack()
    minutes = CfnParameter(stack, "Minutes", type="Number").value_as_number
    error = refused(lambda: lib.RealtimeEndpoint(stack, "E", model=model(stack), instance_type=lib.InstanceType.M5_LARGE,
                                                 instance_count=2,
                                                 model_data_download_timeout=Duration.minutes(minutes)))
    assert error.fields == ("model_data_download_timeout",)
    assert "is a Duration of a token in a unit other than seconds" in str(error)
    assert "use Duration.seconds(token)" in str(error)


def test_a_duration_of_a_token_in_seconds_is_carried_by_the_template() -> None:
    stack = new_stack()
    seconds = CfnParameter(stack, "Seconds", type="Number").value_as_number
    lib.RealtimeEndpoint(stack, "E", model=model(stack), instance_type=lib.InstanceType.M5_LARGE, instance_count=2,
                         model_data_download_timeout=Duration.seconds(seconds))
    (config,) = resources_of(template_of(stack).to_json(), "AWS::SageMaker::EndpointConfig").values()
    variant = config["Properties"]["ProductionVariants"][0]
    assert variant["ModelDataDownloadTimeoutInSeconds"] == {"Ref": "Seconds"}


def test_a_token_expiration_must_be_given_in_days() -> None:
    stack = new_stack()
    seconds = CfnParameter(stack, "Seconds", type="Number").value_as_number
    error = refused(lambda: lib.AsyncEndpoint(stack, "E", model=model(stack), instance_type=lib.InstanceType.M5_LARGE,
                                              input_expiration=Duration.seconds(seconds)))
    assert "input_expiration = " in str(error)
    assert "a token in a unit other than days" in str(error) and "use Duration.days(token)" in str(error)


def test_a_token_variant_name_with_autoscaling_synthesizes() -> None:
    stack = new_stack()
    name = CfnParameter(stack, "Variant").value_as_string
    endpoint = lib.RealtimeEndpoint(
        stack, "E", model=model(stack), instance_type=lib.InstanceType.M5_LARGE, instance_count=2, variant_name=name,
        autoscaling=lib.InstanceScaling(min_capacity=2, max_capacity=4, target_invocations_per_instance=100))
    endpoint.alarm_5xx_rate()
    template = template_of(stack)
    template.resource_count_is("AWS::ApplicationAutoScaling::ScalableTarget", 1)
    assert endpoint.node.try_find_child("Variant0Scaling") is not None
    assert endpoint.node.try_find_child("Variant05xxRateAlarm") is not None


# ------------------------------------------------------------------ 4. false refusals
def test_an_image_asset_is_accepted(tmp_path: Any) -> None:
    (tmp_path / "Dockerfile").write_text("FROM public.ecr.aws/docker/library/python:3.12-slim\n")
    stack = new_stack()
    lib.InferenceModel(stack, "Model", image=lib.ContainerImage.from_asset(str(tmp_path)))
    template_of(stack).resource_count_is("AWS::SageMaker::Model", 1)


def test_async_output_and_failure_at_the_bucket_root_are_accepted_with_a_warning() -> None:
    stack = new_stack()
    results = s3.Bucket.from_bucket_name(stack, "Results", "my-results")
    lib.AsyncEndpoint(stack, "E", model=model(stack), instance_type=lib.InstanceType.M5_LARGE,
                      output_location=lib.AsyncS3Location(results, ""),
                      failure_location=lib.AsyncS3Location(results, ""))
    warnings = [w for w in warnings_of(stack) if "async.distinct-locations" in w]
    assert any("output_location.prefix = '': is empty: the location would be the whole bucket" in w for w in warnings)
    findings = check_template(template_of(stack).to_json())
    assert findings.problems == [] and findings.locations_compared == 3


def test_latin_1_letters_in_keys_are_accepted_everywhere() -> None:
    stack = new_stack()
    records = s3.Bucket.from_bucket_name(stack, "Records", "my-records")
    lib.BatchTransformJob(stack, "Job", model=model(stack, key="données/model.tar.gz"),
                          instance_type=lib.InstanceType.of("ml.m5.xlarge"),
                          input=lib.BatchTransformInput.from_prefix(records, "entrées/"),
                          output=lib.BatchTransformOutput(bucket=records, prefix="résultats/"))
    template_of(stack).resource_count_is("AWS::StepFunctions::StateMachine", 1)


# ------------------------------------------------------------------ 5. grants match their locations
@pytest.mark.parametrize("prefix,url,grant", [
    ("", "s3://my-capture/", "my-capture/*"),
    ("/", "s3://my-capture/", "my-capture/*"),
    ("/capture/", "s3://my-capture/capture", "my-capture/capture/*"),
])
def test_data_capture_destination_and_grant_come_from_one_prefix(prefix: str, url: str, grant: str) -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Capture", "my-capture")
    lib.RealtimeEndpoint(stack, "E", model=model(stack), instance_type=lib.InstanceType.M5_LARGE, instance_count=2,
                         data_capture=lib.DataCapture(bucket=bucket, prefix=prefix))
    template = template_of(stack).to_json()
    (config,) = resources_of(template, "AWS::SageMaker::EndpointConfig").values()
    assert config["Properties"]["DataCaptureConfig"]["DestinationS3Uri"] == url
    assert grant in str(template) and "my-capture//" not in str(template)
    assert check_template(template).problems == []


@pytest.mark.parametrize("build,url,pattern", [
    (lambda b: lib.ModelData.from_bucket(b, "/m/model.tar.gz"), "s3://my-models/m/model.tar.gz", "m/model.tar.gz"),
    (lambda b: lib.ModelData.from_uncompressed_prefix(b, ""), "s3://my-models/", "*"),
    (lambda b: lib.ModelData.from_uncompressed_prefix(b, "/llm"), "s3://my-models/llm/", "llm/*"),
])
def test_model_data_url_and_grant_come_from_one_key(build: Any, url: str, pattern: str) -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "B", "my-models")
    lib.InferenceModel(stack, "Model", image=IMAGE, model_data=build(bucket))
    template = template_of(stack).to_json()
    assert url in str(template) and f":s3:::my-models/{pattern}" in str(template)
    findings = check_template(template)
    assert findings.problems == [] and findings.locations_compared == 1


def test_a_multi_model_prefix_is_granted_as_a_prefix() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "B", "my-models")
    lib.InferenceModel(stack, "Model", containers=[lib.ContainerDefinition(
        image=IMAGE, model_data=lib.ModelData.from_bucket(bucket, "many/"), mode=lib.ContainerMode.MULTI_MODEL)])
    template = template_of(stack).to_json()
    assert ":s3:::my-models/many/*" in str(template)
    assert check_template(template).problems == []


# ------------------------------------------------------------------ 6. templates that would fail at deploy
def test_one_model_behind_two_async_endpoints_has_no_duplicate_sid() -> None:
    stack = new_stack()
    shared = model(stack)
    io = s3.Bucket.from_bucket_name(stack, "Io", "my-io")
    for name in ("First", "Second"):
        lib.AsyncEndpoint(stack, name, model=shared, instance_type=lib.InstanceType.M5_LARGE, bucket=io,
                          input_prefix=f"{name}/in", output_prefix=f"{name}/out", failure_prefix=f"{name}/failed")
    findings = check_template(template_of(stack).to_json())
    assert findings.problems == [] and findings.locations_compared == 5  # model data, 2 × (output, failure)


def test_the_same_endpoint_name_twice_in_one_environment_is_refused_case_insensitively() -> None:
    app = new_app()
    first, second = new_stack(app, "First", env=ENV_US), new_stack(app, "Second", env=ENV_US)
    lib.ServerlessEndpoint(first, "E", model=model(first), memory_size_mb=2048, max_concurrency=5,
                           endpoint_name="scoring")
    error = refused(lambda: lib.ServerlessEndpoint(second, "E", model=model(second), memory_size_mb=2048,
                                                   max_concurrency=5, endpoint_name="Scoring"))
    assert ("endpoint_name = 'Scoring': the endpoint First/E of this app already has this name in the same "
            "account and Region (names are compared case-insensitively)") in str(error)
    assert "rule name.endpoint-unique" in str(error)


def test_the_same_endpoint_name_in_two_regions_or_agnostic_stacks_is_accepted() -> None:
    app = new_app()
    us, eu = new_stack(app, "Us", env=ENV_US), new_stack(app, "Eu", env=ENV_EU)
    for stack in (us, eu):
        lib.ServerlessEndpoint(stack, "E", model=model(stack), memory_size_mb=2048, max_concurrency=5,
                               endpoint_name="scoring")
    agnostic = new_stack(app, "Agnostic")
    lib.ServerlessEndpoint(agnostic, "E", model=model(agnostic), memory_size_mb=2048, max_concurrency=5,
                           endpoint_name="scoring")
    (warning, *_) = [w for w in warnings_of(agnostic) if "name.endpoint-unique" in w]
    assert "endpoint_name 'scoring' is also used by Us/E" in warning


def test_a_model_in_another_region_is_refused() -> None:
    app = new_app()
    us, eu = new_stack(app, "Us", env=ENV_US), new_stack(app, "Eu", env=ENV_EU)
    shared = model(us)
    error = refused(lambda: lib.ServerlessEndpoint(eu, "E", model=shared, memory_size_mb=2048, max_concurrency=5))
    assert ("model = 'us-east-1': the model is in a stack of Region us-east-1, this endpoint's stack is in eu-west-1"
            in str(error))


@pytest.mark.parametrize("kind", ["serverless", "batch"])
def test_a_model_in_another_account_is_refused(kind: str) -> None:
    """Found by review: only the Region was compared; a model of another account became a cross-account
    Fn::GetStackOutput and the endpoint config (or transform job) failed at deploy."""
    app = new_app()
    here = new_stack(app, "Here", env=ENV_US)
    there = new_stack(app, "There", env=Environment(account="210987654321", region=ENV_US.region))
    shared = model(there)
    if kind == "serverless":
        error = refused(lambda: lib.ServerlessEndpoint(here, "E", model=shared, memory_size_mb=2048,
                                                       max_concurrency=5))
    else:
        records = s3.Bucket(here, "Records", enforce_ssl=True)
        error = refused(lambda: lib.BatchTransformJob(here, "Job", model=shared,
                                                      instance_type=lib.InstanceType.of("ml.m5.xlarge"),
                                                      input=lib.BatchTransformInput.from_prefix(records, "in/")))
    assert ("model = '210987654321': the model is in a stack of account 210987654321, this endpoint's stack is in "
            f"{ENV_US.account}: SageMaker looks the model up by name in the endpoint's own account") in str(error)
    assert "rule environment.model-region" in str(error)


@pytest.mark.parametrize("kind", ["async", "batch", "capture"])
def test_a_model_in_another_stack_of_the_same_environment_synthesizes(kind: str) -> None:
    app = new_app()
    models, endpoints = new_stack(app, "Models", env=ENV_US), new_stack(app, "Endpoints", env=ENV_US)
    shared = model(models)
    if kind == "async":
        lib.AsyncEndpoint(endpoints, "E", model=shared, instance_type=lib.InstanceType.M5_LARGE)
    elif kind == "batch":
        records = s3.Bucket(endpoints, "Records", enforce_ssl=True)
        lib.BatchTransformJob(endpoints, "Job", model=shared, instance_type=lib.InstanceType.of("ml.m5.xlarge"),
                              input=lib.BatchTransformInput.from_prefix(records, "in/"))
    else:
        capture = s3.Bucket(endpoints, "Capture", enforce_ssl=True)
        lib.RealtimeEndpoint(endpoints, "E", model=shared, instance_type=lib.InstanceType.M5_LARGE, instance_count=2,
                             data_capture=lib.DataCapture(bucket=capture))
    assembly = app.synth()  # used to fail: "'Endpoints' depends on 'Models' ... (dependency cycle)"
    template = assembly.get_stack_artifact(endpoints.artifact_id).template
    policies = resources_of(template, "AWS::IAM::Policy")
    (grants,) = [logical_id for logical_id in policies if "ModelRoleGrants" in logical_id]
    # SageMaker uses the grants as soon as the endpoint runs (a review found the config waited for nothing:
    # aws-cdk-lib names the import's policy "Policy<unique id>" under importedRoleStackSafeDefaultPolicyName).
    if kind != "batch":  # a batch job's grants are used when a run starts, not at deploy time
        config = next(b for b in template["Resources"].values() if b["Type"] == "AWS::SageMaker::EndpointConfig")
        assert grants in config["DependsOn"]
    from helpers import nag_findings

    assert [f for f in nag_findings(endpoints, packs=("AwsSolutions", "NIST")) if "ModelRoleGrants" in f] == []
    models_template = assembly.get_stack_artifact(models.artifact_id).template
    assert "Fn::ImportValue" not in str(models_template), "the models stack must not depend on the endpoints"


def test_a_kms_key_of_another_region_is_refused() -> None:
    stack = new_stack(env=ENV_US)
    key = kms.Key.from_key_arn(stack, "Key", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    error = refused(lambda: lib.RealtimeEndpoint(stack, "E", model=model(stack), instance_type=lib.InstanceType.M5_LARGE,
                                                 instance_count=2, kms_key=key))
    assert "the key is in Region eu-west-1, this stack is in us-east-1" in str(error)
    assert error.fields == ("kms_key",)


def test_a_kms_key_nested_in_a_dataclass_is_checked_too() -> None:
    stack = new_stack(env=ENV_US)
    key = kms.Key.from_key_arn(stack, "Key", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    capture = s3.Bucket.from_bucket_name(stack, "Capture", "my-capture")
    error = refused(lambda: lib.RealtimeEndpoint(stack, "E", model=model(stack), instance_type=lib.InstanceType.M5_LARGE,
                                                 instance_count=2,
                                                 data_capture=lib.DataCapture(bucket=capture, kms_key=key)))
    assert error.fields == ("data_capture.kms_key",)


def test_volume_size_on_a_local_nvme_type_is_refused() -> None:
    stack = new_stack()
    error = refused(lambda: lib.RealtimeEndpoint(stack, "E", model=model(stack),
                                                 instance_type=lib.InstanceType.of("ml.m5d.large"), instance_count=2,
                                                 volume_size_gb=30))
    assert ("volume_size_gb = 30: ml.m5d.large has local NVMe storage and gets no EBS volume, so it takes no volume "
            "size") in str(error)


def test_uncompressed_data_on_a_multi_model_container_is_refused() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "B", "my-models")
    error = refused(lambda: lib.InferenceModel(stack, "Model", containers=[lib.ContainerDefinition(
        image=IMAGE, model_data=lib.ModelData.from_uncompressed_prefix(bucket, "many/"),
        mode=lib.ContainerMode.MULTI_MODEL)]))
    assert "a multi-model container cannot use uncompressed model data (ModelDataSource)" in str(error)


@pytest.mark.parametrize("field,definition,message", [
    ("containers[0].container_hostname", {"container_hostname": "bad host!"}, "does not match"),
    ("containers[0].model_package", {"model_package": lib.ModelPackage.from_registry_version_arn("pkg-")},
     "does not match"),
])
def test_hostnames_and_package_names_follow_their_patterns(field: str, definition: dict[str, Any],
                                                           message: str) -> None:
    stack = new_stack()
    # A hostname on one container of a pipeline needs one on each (multicontainer.pipeline-hostname).
    other = {"container_hostname": "second"} if "container_hostname" in definition else {}
    error = refused(lambda: lib.InferenceModel(stack, "Model", containers=[
        lib.ContainerDefinition(image=IMAGE, **definition), lib.ContainerDefinition(image=IMAGE, **other)]))
    assert set(error.fields) == {field} and message in str(error)


# ------------------------------------------------------------------ 7. input that used to be ignored
def test_security_groups_without_a_vpc_are_refused() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2)
    group = ec2.SecurityGroup(stack, "Sg", vpc=vpc)
    error = refused(lambda: model(stack, security_groups=[group]))
    assert "security_groups needs vpc: without it the model runs in no VPC and security_groups would be ignored" in str(
        error)


def test_on_new_input_compares_buckets_by_name_not_by_object() -> None:
    stack = new_stack()
    watched = s3.Bucket.from_bucket_name(stack, "Watched", "my-data")
    same = s3.Bucket.from_bucket_name(stack, "SameAgain", "my-data")
    error = refused(lambda: lib.BatchTransformJob(
        stack, "Job", model=model(stack), instance_type=lib.InstanceType.of("ml.m5.xlarge"),
        input=lib.BatchTransformInput.from_prefix(watched, "data/"),
        output=lib.BatchTransformOutput(bucket=same, prefix="data/results/"), on_new_input=lib.NewInputTrigger()))
    assert error.fields == ("output.prefix",)
    assert "batch.on-new-input" in str(error)


# ------------------------------------------------------------------ removal policy (as aws-cdk-lib's constructs have)
@pytest.mark.parametrize("kind", ["async", "model", "batch"])
def test_apply_removal_policy_reaches_every_resource_the_construct_created(kind: str) -> None:
    from aws_cdk import RemovalPolicy

    stack = new_stack()
    shared = model(stack)
    if kind == "async":
        construct: Any = lib.AsyncEndpoint(stack, "E", model=shared, instance_type=lib.InstanceType.M5_LARGE,
                                           min_instances=0)
    elif kind == "model":
        construct = shared
    else:
        records = s3.Bucket.from_bucket_name(stack, "Records", "my-records")
        construct = lib.BatchTransformJob(stack, "Job", model=shared, instance_type=lib.InstanceType.of("ml.m5.xlarge"),
                                          input=lib.BatchTransformInput.from_prefix(records, "in/"))
    construct.apply_removal_policy(RemovalPolicy.RETAIN)
    from aws_cdk import CfnResource

    own = [stack.resolve(stack.get_logical_id(c)) for c in construct.node.find_all() if isinstance(c, CfnResource)]
    resources = template_of(stack).to_json()["Resources"]
    assert len(own) >= 2  # a model: its role (with its inline policy) and the model
    assert {resources[logical_id].get("DeletionPolicy") for logical_id in own} == {"Retain"}
    others = [k for k in resources if k not in own]
    assert all(resources[k].get("DeletionPolicy") != "Retain" or resources[k]["Type"] == "AWS::S3::Bucket"
               for k in others)


# ------------------------------------------------------------------ cdk-nag 2 and 3, env-agnostic and env-pinned
@pytest.mark.parametrize("env", [None, ENV_US], ids=["env-agnostic", "env-pinned"])
def test_the_library_leaves_no_cdk_nag_finding_in_either_environment_form(env: Environment | None) -> None:
    """cdk-nag 3 in the pinned venv, cdk-nag 2 in the compatibility venv (`make compat`): the same test.
    The env-pinned form used to leave AwsSolutions-IAM5 on every default model role (the
    acknowledgment named the log-group ARN with <AWS::Region>:<AWS::AccountId>)."""
    from helpers import nag_findings

    stack = new_stack(env=env) if env else new_stack()
    lib.ServerlessEndpoint(stack, "E", model=model(stack), memory_size_mb=2048, max_concurrency=5)
    assert nag_findings(stack) == []


def _batch_job(stack: Stack, **props: Any) -> lib.BatchTransformJob:
    records = s3.Bucket.from_bucket_name(stack, "Records", "my-records")
    return lib.BatchTransformJob(stack, "Job", model=model(stack), instance_type="ml.m5.xlarge",
                                 input=lib.BatchTransformInput.from_prefix(records, "in/"), **props)


@pytest.mark.parametrize("role_of", ["model role", "state machine role"])
def test_a_wildcard_the_user_adds_to_a_library_role_is_still_reported(role_of: str) -> None:
    """The library's own statements on resource "*" sit in the model role's inline policy and the state
    machine role's UnscopedActions policy, the only places "Resource::*" is acknowledged: a "*" statement
    added later (to the default policy) is reported, by cdk-nag 3 here and cdk-nag 2 on the floor."""
    from aws_cdk import aws_iam as iam

    from helpers import nag_findings

    stack = new_stack()
    job = _batch_job(stack)
    assert nag_findings(stack) == []
    statement = iam.PolicyStatement(actions=["sqs:SendMessage"], resources=["*"])
    if role_of == "model role":
        job.model.role.add_to_principal_policy(statement)
        where = "Test/Model/Role/DefaultPolicy/Resource"
    else:
        job.state_machine.add_to_role_policy(statement)
        where = "Test/Job/Resource/Role/DefaultPolicy/Resource"
    assert nag_findings(stack) == [f"AwsSolutions-IAM5[Resource::*] at {where}"]


def test_the_library_keeps_its_unscoped_statements_apart_and_creates_them_first() -> None:
    """Every statement on "*" of a library-made role is apart from the grants made later: a model's execution
    role holds them in its own inline policy (so they exist with the role), the state machine's role in its
    UnscopedActions policy, which the state machine waits for (Step Functions checks log delivery)."""
    stack = new_stack()
    _batch_job(stack, log_kms_key=kms.Key(stack, "LogKey", enable_key_rotation=True))
    resources = template_of(stack).to_json()["Resources"]
    holding_stars = {where for where, statements, _ in policy_documents(resources)
                     if any(s["Resource"] == "*" for s in statements)}
    model_role = next(k for k, b in resources.items() if b["Type"] == "AWS::IAM::Role" and k.startswith("ModelRole"))
    unscoped = {k for k in resources if "UnscopedActions" in k}
    assert len(unscoped) == 1
    assert holding_stars == {f"{model_role}.SageMakerExecution", *unscoped}
    depends = next(b for b in resources.values() if b["Type"] == "AWS::StepFunctions::StateMachine")["DependsOn"]
    assert any("UnscopedActions" in d for d in depends), depends
    # The model's data read is in its role's inline policy too (its image is a URI: nothing to grant): it
    # waits for no policy resource (the job's grants on its role, in the default policy, are used when the
    # job runs).
    inline_actions = {a for s in _inline_statements(resources, "ModelRole") for a in
                      ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert "s3:GetObject*" in inline_actions
    assert "DependsOn" not in next(b for b in resources.values() if b["Type"] == "AWS::SageMaker::Model")


def _inline_statements(resources: dict[str, Any], role_prefix: str) -> list[dict[str, Any]]:
    (role,) = [b for k, b in resources.items() if b["Type"] == "AWS::IAM::Role" and k.startswith(role_prefix)]
    return [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]


def test_a_vpc_model_role_has_its_network_interface_statement_inline_and_nothing_else_on_star() -> None:
    """The statements on "*" a model role needs are known when the role is created (the VPC, whether an image
    comes from ECR): they are in the role resource itself, once, and no policy resource has one."""
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    lib.InferenceModel(stack, "Model", vpc=vpc, image=lib.ContainerImage.from_uri("registry.example.com/team/m:1"))
    lib.InferenceModel(stack, "Dlc", image=lib.ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"))
    resources = template_of(stack).to_json()["Resources"]
    on_star = {"Model": _inline_statements(resources, "ModelRole"), "Dlc": _inline_statements(resources, "DlcRole")}
    sids_or_actions = {name: sorted(s.get("Sid") or s["Action"] for s in statements if s["Resource"] == "*")
                       for name, statements in on_star.items()}
    assert sids_or_actions == {"Model": ["EndpointMetrics", "VpcNetworkInterfaces"],  # from_uri: no ECR login
                               "Dlc": ["EndpointMetrics", "ecr:GetAuthorizationToken"]}
    assert not [where for where, statements, _ in policy_documents(resources)
                if "." not in where and any(s["Resource"] == "*" for s in statements)]
    # A from_uri model without data grants nothing: no default policy, and the model waits for nothing else.
    assert "DependsOn" not in next(b for k, b in resources.items() if k.startswith("Model")
                                   and b["Type"] == "AWS::SageMaker::Model")
    assert check_template(template_of(stack).to_json()).problems == []


@pytest.mark.parametrize("mode", ["object", "multi-model prefix", "uncompressed prefix"])
def test_the_grants_a_default_role_holds_inline_are_what_aws_cdk_libs_grants_write(mode: str) -> None:
    """A default role holds the pull of a DLC image and the read of model data in an imported bucket in its own
    inline policy, written by the library instead of aws-cdk-lib's grants (one resource and several jsii
    calls less per model): the statements must be the ones aws-cdk-lib's grant and grant_read write for the
    same repository, bucket and key (checked on every aws-cdk-lib release the tests run on), and the prefix's
    cdk-nag finding is acknowledged on the role."""
    from aws_cdk import aws_ecr as ecr
    from aws_cdk.region_info import FactName

    from helpers import nag_findings

    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    image = lib.ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311")
    if mode == "object":
        data, pattern = lib.ModelData.from_bucket(bucket, "m/model.tar.gz"), "m/model.tar.gz"
        props: dict[str, Any] = {"image": image, "model_data": data}
    elif mode == "multi-model prefix":
        data, pattern = lib.ModelData.from_bucket(bucket, "models/"), "models/*"
        props = {"containers": [lib.ContainerDefinition(image=image, model_data=data,
                                                        mode=lib.ContainerMode.MULTI_MODEL)]}
    else:
        data, pattern = lib.ModelData.from_uncompressed_prefix(bucket, "llm/"), "llm/*"
        props = {"image": image, "model_data": data}
    lib.InferenceModel(stack, "Model", **props)
    # aws-cdk-lib's grants, for the same repository, bucket and key, on a role of the test's own.
    theirs = iam.Role(stack, "Theirs", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    repository = ecr.Repository.from_repository_attributes(
        stack, "Repository", repository_name="pytorch-inference",
        repository_arn=stack.format_arn(service="ecr", account=stack.regional_fact(FactName.DLC_REPOSITORY_ACCOUNT),
                                        resource="repository", resource_name="pytorch-inference"))
    repository.grant(theirs, "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage")
    bucket.grant_read(theirs, pattern)
    resources = template_of(stack).to_json()["Resources"]
    ours = [s for s in _inline_statements(resources, "ModelRole")
            if s.get("Sid") not in ("EndpointLogs", "EndpointMetrics") and s["Resource"] != "*"]
    (their_policy,) = [b for k, b in resources.items() if k.startswith("TheirsDefaultPolicy")]
    assert ours == their_policy["Properties"]["PolicyDocument"]["Statement"]
    assert not [k for k in resources if k.startswith("ModelRoleDefaultPolicy")]
    assert [f for f in nag_findings(stack) if "/Model/" in f] == []


@pytest.mark.parametrize("bucket_of", ["this app", "an imported bucket with a key"])
def test_grants_aws_cdk_lib_must_write_stay_its_own(bucket_of: str) -> None:
    """A bucket of this app (a grant may also change its policy) or with a KMS key (the grant also decrypts):
    aws-cdk-lib's grant_read writes the role's default policy, as for any role, and the model waits for it."""
    stack = new_stack()
    if bucket_of == "this app":
        bucket: s3.IBucket = s3.Bucket(stack, "Models", enforce_ssl=True)
    else:
        key = kms.Key(stack, "Key", enable_key_rotation=True)
        bucket = s3.Bucket.from_bucket_attributes(stack, "Models", bucket_name="my-models", encryption_key=key)
    lib.InferenceModel(stack, "Model", image=IMAGE, model_data=lib.ModelData.from_bucket(bucket, "m/model.tar.gz"))
    resources = template_of(stack).to_json()["Resources"]
    (policy_id,) = [k for k in resources if k.startswith("ModelRoleDefaultPolicy")]
    text = json.dumps(resources[policy_id])
    assert "s3:GetObject*" in text and ("kms:Decrypt" in text) == (bucket_of != "this app")
    assert "s3:GetObject*" not in json.dumps(_inline_statements(resources, "ModelRole"))
    model_body = next(b for b in resources.values() if b["Type"] == "AWS::SageMaker::Model")
    assert model_body["DependsOn"] == [policy_id]
    from helpers import nag_findings

    assert [f for f in nag_findings(stack) if "/Model/" in f] == []


@pytest.mark.parametrize("consumer", ["model", "component endpoint", "recommender job"])
@pytest.mark.parametrize("owner", ["model", "component endpoint"])
def test_a_library_role_passed_to_another_construct_stays_cdk_nag_clean(owner: str, consumer: str) -> None:
    """Every construct that takes a role (role=, job_role=) and is given a role the library made grants into
    that role's default policy, which may not exist before (found by review for a model: four findings on it,
    the role-level acknowledgments had been put off until a library grant that never came)."""
    from api_baselines import _recommender_job
    from helpers import nag_findings

    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    dlc = lib.ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311")
    if owner == "model":
        role = lib.InferenceModel(stack, "A", image=dlc, model_data=lib.ModelData.from_bucket(bucket, "a/m.tar.gz")).role
    else:
        role = lib.InferenceComponentEndpoint(stack, "A", instance_type=lib.InstanceType.of("ml.g5.12xlarge")).role
    if consumer == "model":
        lib.InferenceModel(stack, "B", image=dlc, model_data=lib.ModelData.from_bucket(bucket, "b/m.tar.gz"), role=role)
    elif consumer == "component endpoint":
        endpoint = lib.InferenceComponentEndpoint(stack, "B", instance_type=lib.InstanceType.of("ml.g5.12xlarge"),
                                                  role=role)
        lib.InferenceComponent(stack, "C", endpoint=endpoint, image=dlc,
                               model_data=lib.ModelData.from_bucket(bucket, "c/m.tar.gz"),
                               compute=lib.ComputeRequirements(min_memory_mb=16384, accelerator_devices=1, cpu_cores=2))
    else:
        job, props = _recommender_job(stack)
        job(stack, "B", **props, job_role=role)
    resources = template_of(stack).to_json()["Resources"]
    (policy_id,) = [k for k in resources if k.startswith("ARoleDefaultPolicy")]
    if consumer == "model":  # the model waits for the grants it needs to start
        assert next(b for k, b in resources.items() if k.startswith("B") and b["Type"] == "AWS::SageMaker::Model")[
            "DependsOn"] == [policy_id]
    assert [f for f in nag_findings(stack, packs=("AwsSolutions", "NIST")) if "/A/Role" in f] == []


def test_roles_customized_by_the_platform_record_every_statement_and_raise_no_finding() -> None:
    """Under iam.Role.customize_roles a role is not synthesized: its policies are written to the policy report
    for the platform team. The statement a component adds later (ecr:GetAuthorizationToken) must be there
    too, and the execution role's inline policy, a policy construct of its own there, is acknowledged (found
    by review: the statement was lost, and cdk-nag reported eight findings)."""
    import pathlib
    import tempfile

    from aws_cdk import App, DefaultStackSynthesizer

    from helpers import CDK_CONTEXT, nag_findings

    with tempfile.TemporaryDirectory() as out:
        app = App(outdir=out, context=CDK_CONTEXT)
        stack = Stack(app, "Test", synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False))
        iam.Role.customize_roles(stack, use_precreated_roles={"Test/Endpoint/Role": "platform-endpoint-role",
                                                              "Test/Model/Role": "platform-model-role"})
        bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
        dlc = lib.ContainerImage.from_dlc("pytorch-inference", "2.3.0-gpu-py311")
        lib.InferenceModel(stack, "Model", image=dlc, model_data=lib.ModelData.from_bucket(bucket, "m/model.tar.gz"))
        endpoint = lib.InferenceComponentEndpoint(stack, "Endpoint", instance_type=lib.InstanceType.of("ml.g5.12xlarge"))
        lib.InferenceComponent(stack, "A", endpoint=endpoint, image=dlc,
                               model_data=lib.ModelData.from_bucket(bucket, "a/model.tar.gz"),
                               compute=lib.ComputeRequirements(min_memory_mb=16384, accelerator_devices=1, cpu_cores=2))
        findings = nag_findings(stack, packs=("AwsSolutions", "NIST"))  # cdk-nag 2 synthesizes the app here
        app.synth()
        report = json.loads((pathlib.Path(out) / "iam-policy-report.json").read_text())
        assert not resources_of(template_of(stack).to_json(), "AWS::IAM::Role")
    statements = {role["roleName"]: json.dumps(role["identityPolicyStatements"]) for role in report["roles"]}
    assert set(statements) == {"platform-endpoint-role", "platform-model-role"}
    for role_name, text in statements.items():
        assert "ecr:GetAuthorizationToken" in text and "ecr:BatchGetImage" in text and "s3:GetObject*" in text, role_name
    assert [f for f in findings if "Role" in f] == []


@pytest.mark.parametrize("account", ["210987654321", "a token"])
def test_a_bucket_of_another_account_goes_through_aws_cdk_libs_grant(account: str) -> None:
    """grant_read also adds to the bucket's policy when the bucket's account is not the role's (a literal
    other account, or a literal against a token): the library writes the read into the role itself only for a
    bucket of the role's account (the review's case: from_cfn_bucket in another account)."""
    stack = new_stack(env=ENV_US)
    bucket = s3.Bucket.from_bucket_attributes(
        stack, "Models", bucket_name="my-models",
        account="210987654321" if account != "a token" else CfnParameter(stack, "Account").value_as_string)
    lib.InferenceModel(stack, "Model", image=IMAGE, model_data=lib.ModelData.from_bucket(bucket, "m/model.tar.gz"))
    resources = template_of(stack).to_json()["Resources"]
    assert [k for k in resources if k.startswith("ModelRoleDefaultPolicy")]
    assert "s3:GetObject*" not in json.dumps(_inline_statements(resources, "ModelRole"))
    same = new_stack(new_app(), env=ENV_US)
    lib.InferenceModel(same, "Model", image=IMAGE, model_data=lib.ModelData.from_bucket(
        s3.Bucket.from_bucket_attributes(same, "Models", bucket_name="my-models", account=ENV_US.account),
        "m/model.tar.gz"))
    assert "s3:GetObject*" in json.dumps(_inline_statements(template_of(same).to_json()["Resources"], "ModelRole"))


def test_components_add_the_ecr_login_to_the_endpoint_role_once() -> None:
    """A component endpoint's role is created before its components: the first component that pulls from ECR
    adds ecr:GetAuthorizationToken to the role's inline policy, the second finds it there."""
    stack = new_stack()
    endpoint = lib.InferenceComponentEndpoint(stack, "Endpoint", instance_type=lib.InstanceType.of("ml.g5.12xlarge"))
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    for name in ("A", "B"):
        lib.InferenceComponent(stack, name, endpoint=endpoint,
                               image=lib.ContainerImage.from_dlc("pytorch-inference", "2.3.0-gpu-py311"),
                               model_data=lib.ModelData.from_bucket(bucket, f"{name}/model.tar.gz"),
                               compute=lib.ComputeRequirements(min_memory_mb=16384, accelerator_devices=1,
                                                               cpu_cores=2))
    resources = template_of(stack).to_json()["Resources"]
    actions = [s["Action"] for s in _inline_statements(resources, "EndpointRole")]
    assert actions.count("ecr:GetAuthorizationToken") == 1, actions
    from helpers import nag_findings

    assert nag_findings(stack) == []


def test_grants_made_after_the_model_role_is_finished_keep_its_acknowledgments() -> None:
    """A model that grants nothing (an image by URI, no data) has no default policy when it is finished; an
    async endpoint's grants create it later. The role's standing acknowledgments (NIST's no-inline-policy, the
    read grant's actions) cover it for cdk-nag 3 (they are on the role) and cdk-nag 2 (written again on it)."""
    from helpers import nag_findings

    stack = new_stack()
    model = lib.InferenceModel(stack, "Model", image=lib.ContainerImage.from_uri("registry.example.com/team/m:1"))
    lib.AsyncEndpoint(stack, "Async", model=model, instance_type=lib.InstanceType.M5_LARGE,
                      initial_instance_count=1)
    resources = template_of(stack).to_json()["Resources"]
    assert any(k.startswith("ModelRoleDefaultPolicy") for k in resources)
    assert [f for f in nag_findings(stack, packs=("AwsSolutions", "NIST")) if "/Model/Role/" in f] == []


def test_the_batch_log_group_takes_a_key_and_the_key_lets_cloudwatch_logs_use_it() -> None:
    stack = new_stack()
    key = kms.Key(stack, "LogKey", enable_key_rotation=True)
    _batch_job(stack, log_kms_key=key)
    template = template_of(stack)
    group = next(iter(template.find_resources("AWS::Logs::LogGroup").values()))
    assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [stack.get_logical_id(key.node.default_child), "Arn"]}
    statements = next(iter(template.find_resources("AWS::KMS::Key").values()))["Properties"]["KeyPolicy"]["Statement"]
    logs = next(s for s in statements if s.get("Sid") == "CloudWatchLogsEncryption")
    assert logs["Principal"] == {"Service": {"Fn::Join": ["", ["logs.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}}
    assert "kms:GenerateDataKey*" in logs["Action"] and "kms:EncryptionContext:aws:logs:arn" in logs["Condition"]["ArnLike"]
    assert warnings_of(stack) == []


def test_an_imported_log_key_warns_that_its_policy_must_allow_cloudwatch_logs() -> None:
    stack = new_stack()
    key = kms.Key.from_key_arn(stack, "LogKey", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    _batch_job(stack, log_kms_key=key)
    found = [w for w in warnings_of(stack) if "batch.log-kms-key-policy" in w]
    assert len(found) == 1
    assert "log_kms_key" in found[0] and "imported key" in found[0] and "logs.us-east-1.amazonaws.com" not in found[0]
    assert "add the statement to the key's policy" in found[0]
    assert "CloudWatch Logs User Guide" in found[0]


@pytest.mark.parametrize("factory,value,field,message", [
    ("from_endpoint_arn", "my-endpoint", "endpoint_arn", "does not match ^arn:aws"),
    ("from_endpoint_arn", "arn:aws:s3:::bucket/x", "endpoint_arn", "does not match ^arn:aws"),
    ("from_endpoint_arn", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/my_endpoint", "endpoint_arn",
     "'my_endpoint': does not match"),
    ("from_endpoint_name", "", "endpoint_name", "does not match"),
    ("from_endpoint_name", "a_b c", "endpoint_name", "does not match"),
])
def test_an_imported_endpoint_name_or_arn_follows_the_service_pattern(factory: str, value: str, field: str,
                                                                      message: str) -> None:
    """Found by review: a plain name to from_endpoint_arn failed with aws-cdk-lib's raw ArnsMustStartWithArn,
    an empty name only later in metric(), and any other string was accepted (a grant on nothing)."""
    stack = new_stack()
    error = refused(lambda: getattr(lib.Endpoint, factory)(stack, "Imported", value))
    assert error.fields == (field,) and message in str(error) and error.path == "Test/Imported"


@pytest.mark.parametrize("factory,value", [
    ("from_endpoint_name", "orders-v2"),
    ("from_endpoint_arn", "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/orders-v2"),
    ("from_endpoint_arn", "arn:aws-cn:sagemaker:cn-north-1:123456789012:endpoint/orders-v2"),
])
def test_an_imported_endpoint_grants_invoke_on_its_arn(factory: str, value: str) -> None:
    stack = new_stack(env=ENV_US)
    imported = getattr(lib.Endpoint, factory)(stack, "Imported", value)
    assert imported.endpoint_name == "orders-v2"
    role = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    imported.grant_invoke(role)
    assert "endpoint/orders-v2" in json.dumps(template_of(stack).to_json())


@pytest.mark.parametrize(("make", "text"), [
    (lambda: Fn.join("", ["my_endpoint_", Aws.STACK_NAME]), "has '_' in its literal text"),
    (lambda: Fn.sub("bad_${AWS::StackName}"), "has '_' in its literal text"),
    (lambda: "bad_" + Aws.STACK_NAME, "has '_' in its literal text"),
    (lambda: Fn.join("_", ["orders", Aws.STACK_NAME]), "has '_' in its literal text"),
    (lambda: Aws.STACK_NAME + "-", "ends with '-'"),
    (lambda: "-x" + Aws.STACK_NAME, "starts with '-'"),
    (lambda: Fn.join("", ["a" * 64, Aws.STACK_NAME]), "has 64 literal characters besides its tokens"),
])
def test_a_token_name_whose_literal_text_cannot_be_a_name_is_refused(make: Any, text: str) -> None:
    """Found by review: only a token's literal start was compared with the pattern's literal start (empty for
    names), so Fn.join("", ["my_endpoint_", Aws.STACK_NAME]) synthesized an EndpointName no value can fix. The
    literal text of Fn::Join and Fn::Sub (asked of the stack) is now checked around the tokens."""
    for field in ("endpoint_name", "variant_name"):
        stack = new_stack()
        with pytest.raises(ValidationError) as caught:
            lib.ServerlessEndpoint(stack, "E", model=model(stack), memory_size_mb=2048, max_concurrency=5,
                                   **{field: make()})
        error = caught.value
        assert error.fields == (field,) and text in str(error) and "whatever its tokens resolve to" in str(error)


@pytest.mark.parametrize("make", [
    lambda: Fn.join("-", ["orders", Aws.STACK_NAME]), lambda: "orders-" + Aws.STACK_NAME,
    lambda: Fn.sub("orders-${AWS::StackName}-v2"), lambda: Fn.import_value("EndpointName"),
    lambda: Fn.join("", ["a" * 62, Aws.STACK_NAME]),
])
def test_a_token_name_that_can_resolve_to_a_name_synthesizes(make: Any) -> None:
    stack = new_stack()
    lib.ServerlessEndpoint(stack, "E", model=model(stack), memory_size_mb=2048, max_concurrency=5,
                           endpoint_name=make(), variant_name=make())
    assert template_of(stack).to_json()


def test_a_name_in_a_nested_stack_and_its_environment_agnostic_parent_is_refused() -> None:
    """Found by review: the same endpoint_name in an env-agnostic stack and its NestedStack was a warning ("if both
    deploy to the same account and Region"); a nested stack always deploys with its parent."""
    from aws_cdk import App, NestedStack

    parent = Stack(App(), "Parent")
    child = NestedStack(parent, "Child")
    lib.ServerlessEndpoint(parent, "E", model=model(parent), memory_size_mb=2048, max_concurrency=5,
                           endpoint_name="churn")
    with pytest.raises(ValidationError) as caught:
        lib.ServerlessEndpoint(child, "E", model=model(child), memory_size_mb=2048, max_concurrency=5,
                               endpoint_name="churn")
    assert "name.endpoint-unique" in str(caught.value) and "Parent/E" in str(caught.value)


def test_a_model_another_stack_cannot_reference_is_named_at_construction() -> None:
    """Found by review: a model in an env-pinned stack used by an environment-agnostic stack (or across Stages)
    failed at synth with aws-cdk-lib's raw CrossRegionReferencesRequireExplicitRegion / NoCrossStageDependency."""
    from aws_cdk import App, Stage

    app = App()
    pinned = Stack(app, "Pinned", env=Environment(account="111122223333", region="us-east-1"))
    shared = model(pinned)
    for index, consumer in enumerate((Stack(app, "Agnostic"), Stack(Stage(app, "Prod"), "Other", env=Environment(
            account="111122223333", region="us-east-1")))):
        with pytest.raises(ValidationError) as caught:
            lib.ServerlessEndpoint(consumer, f"E{index}", model=shared, memory_size_mb=2048, max_concurrency=5)
        assert caught.value.fields == ("model",) and "environment.model-stack" in str(caught.value)
        assert ("different Stages" if index else "one has a literal Region") in str(caught.value)
    same = Stack(app, "Same", env=Environment(account="111122223333", region="us-east-1"))
    lib.ServerlessEndpoint(same, "E", model=shared, memory_size_mb=2048, max_concurrency=5)
    app.synth()


def _token_bucket_location(kind: str, key_length: int) -> Any:
    """Build one construct whose S3 location is a bucket named at deploy time plus a key of ``key_length``."""
    stack = new_stack()
    bucket = s3.Bucket(stack, "Bucket")  # its name is a token
    key = "k" * key_length
    if kind == "model_data":
        return lib.InferenceModel(stack, "M", image=IMAGE,
                                  model_data=lib.ModelData.from_bucket(bucket, key[:-7] + ".tar.gz"))
    if kind == "async_output":
        return lib.AsyncEndpoint(stack, "E", model=model(stack), instance_type=lib.InstanceType.M5_LARGE,
                                 bucket=bucket, output_prefix=key)
    if kind == "data_capture":
        return lib.RealtimeEndpoint(stack, "E", model=model(stack), instance_type=lib.InstanceType.M5_LARGE,
                                    data_capture=lib.DataCapture(bucket=bucket, prefix=key))
    if kind == "batch_input":
        return lib.BatchTransformJob(stack, "Job", model=model(stack), instance_type=lib.InstanceType.of("ml.m5.xlarge"),
                                     input=lib.BatchTransformInput.from_prefix(bucket, key))
    raise AssertionError(kind)


@pytest.mark.parametrize(("kind", "limit", "field"), [
    ("model_data", 1024, "model_data"), ("async_output", 512, "output_prefix"),
    ("data_capture", 512, "data_capture.prefix"), ("batch_input", 1024, "input.key")])
def test_a_location_that_fits_only_short_names_of_a_deploy_time_bucket_is_a_warning(kind: str, limit: int,
                                                                                   field: str) -> None:
    """Found by a sweep: with the bucket named at deploy time (created here: CloudFormation names it, up to 63
    characters), a key that fits S3's shortest bucket name was accepted silently, and the deploy failed for a
    longer name. Refused only when no name fits (the test above); a warning when only some do."""
    def warnings(key_length: int) -> list[str]:
        construct = _token_bucket_location(kind, key_length)
        return [w for w in warnings_of(Stack.of(construct)) if "props.s3-unknown-bucket-length" in w]

    room = 20  # the longest bucket name the key leaves room for
    (warning,) = warnings(limit - len("s3:///") - room)
    assert f"{field} = " in warning and f"only if the bucket's name has at most {room} characters" in warning
    assert "shorten" in warning and f"by {63 - room} characters" in warning
    assert warnings(limit - len("s3:///") - 63) == []  # every bucket name fits


@pytest.mark.parametrize(("kind", "limit"), [("model_data", 1024), ("async_output", 512), ("data_capture", 512)])
def test_a_location_in_a_bucket_named_at_deploy_time_fits_the_shortest_bucket_name(kind: str, limit: int) -> None:
    """Found by the final read of the change: model data, async locations and data capture measured a token
    bucket as 'bucket' (6 characters), where batch and the recommender used S3's shortest name (3): a key that
    fits a 3-character bucket was refused. One placeholder, UNKNOWN_BUCKET_NAME, serves every location."""
    fits = limit - len("s3://abc/")  # S3's shortest bucket name
    _token_bucket_location(kind, fits)
    with pytest.raises(ValidationError, match=f"{limit + 1}|at most {limit}"):
        _token_bucket_location(kind, fits + 1)


def _plugin_or_aspect_findings(app: Any, stacks: list[Stack]) -> list[str]:
    """AwsSolutions findings as cdk-nag reports them where users run it: cdk-nag 3 as aws-cdk-lib's validation plugin on
    the synthesized templates (references resolved), cdk-nag 2 as aspects (``helpers.nag_findings``)."""
    import aws_cdk
    import cdk_nag

    from helpers import nag_findings

    if not hasattr(aws_cdk, "Validations"):
        return sorted({f for stack in stacks for f in nag_findings(stack)})
    aws_cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app))
    try:
        app.synth()
    except RuntimeError as error:
        return re.findall(r"Acknowledge with '([^']+)'", str(error))
    return []


@pytest.mark.parametrize("layout", ["another-stack", "parent-of-a-nested-stack", "strong-references"])
def test_grants_on_a_bucket_of_another_stack_are_acknowledged_as_the_template_names_it(layout: str) -> None:
    """Found by review: the library acknowledged its grants on a bucket as ``<Bucket.Arn>/<prefix>``, resolved when the
    construct was created; in the synthesized template a bucket of another stack is an export's ``Fn::ImportValue``, a
    weak reference's ``Fn::GetStackOutput`` (cdk.json's default) or a nested stack's parameter, so cdk-nag 3 reported
    the grants (and its validation plugin failed the synth). They are acknowledged again at synth as they render."""
    from aws_cdk import NestedStack

    from helpers import acknowledge_nag, new_app

    app = new_app(**({"@aws-cdk/core:defaultCrossStackReferences": "strong"} if layout == "strong-references" else {}))
    data = new_stack(app, "Data", env=ENV_US)
    serving: Stack = (NestedStack(data, "Serving") if layout == "parent-of-a-nested-stack"
                      else new_stack(app, "Serving", env=ENV_US))
    buckets = {name: s3.Bucket(data, name, enforce_ssl=True) for name in ("Weights", "Capture", "Payloads", "Records")}
    acknowledge_nag(data, "AwsSolutions-S1", "the test's own buckets: server access logs are not what is tested")
    weights = lib.InferenceModel(serving, "Llm", image=IMAGE,
                                 model_data=lib.ModelData.from_uncompressed_prefix(buckets["Weights"], "llama/"))
    lib.RealtimeEndpoint(serving, "Endpoint", model=weights, instance_type=lib.InstanceType.M5_LARGE, instance_count=2,
                         data_capture=lib.DataCapture(bucket=buckets["Capture"], prefix="capture"))
    lib.AsyncEndpoint(serving, "Async", model=model(serving, "AsyncModel"), instance_type=lib.InstanceType.M5_LARGE,
                      bucket=buckets["Payloads"])
    lib.BatchTransformJob(serving, "Job", model=model(serving, "JobModel"), instance_type=lib.InstanceType.of("ml.m5.xlarge"),
                          input=lib.BatchTransformInput.from_prefix(buckets["Records"], "incoming/"))
    # A nested stack's annotations are in its parent's artifact.
    assert _plugin_or_aspect_findings(app, [data] if isinstance(serving, NestedStack) else [data, serving]) == []


@pytest.mark.parametrize("references", ["weak", "both", "strong"])
def test_grants_on_a_model_role_of_another_stack_lint_clean_with_either_kind_of_reference(references: str) -> None:
    """Found by review: with weak cross-stack references (cdk.json's default, ``Fn::GetStackOutput``) the imported
    model role's name was split out of its ARN, and Fn::Split does not take Fn::GetStackOutput (cfn-lint E1017). A role
    of the app is imported by its name there; strong references keep the ARN import (an export already deployed)."""
    from helpers import cfn_lint_errors, new_app

    app = new_app(**{"@aws-cdk/core:defaultCrossStackReferences": references})
    models, endpoints = new_stack(app, "Models", env=ENV_US), new_stack(app, "Endpoints", env=ENV_US)
    lib.AsyncEndpoint(endpoints, "E", model=model(models), instance_type=lib.InstanceType.M5_LARGE)
    template = app.synth().get_stack_artifact(endpoints.artifact_id).template
    (policy,) = [r for logical_id, r in resources_of(template, "AWS::IAM::Policy").items() if "ModelRoleGrants" in logical_id]
    assert cfn_lint_errors(template) == []
    assert ("Fn::Split" in json.dumps(policy["Properties"]["Roles"])) is (references == "strong")
    # Where exports are made (strong, both), the role ARN's export stays: a consumer deployed with it keeps working.
    models_template = app.synth().get_stack_artifact(models.artifact_id).template
    arn_exports = [o for o in models_template.get("Outputs", {}).values()
                   if "Export" in o and "Arn" in json.dumps(o["Value"]) and "ModelRole" in json.dumps(o["Value"])]
    if references != "weak":
        assert len(arn_exports) == 1, models_template.get("Outputs")
