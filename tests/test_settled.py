"""``settled``: a string whose tokens are all fixed (pseudo parameters, regional facts the library asked for)
becomes one token of its resolved value (cheaper to resolve at synth); a user's token (a Lazy, a parameter) and a
reference to a resource keep their tokens (aws-cdk-lib must still see them)."""

from __future__ import annotations

import aws_cdk as cdk
import jsii
from aws_cdk import Aws, CfnParameter, IStringProducer, Lazy, Tokenization
from aws_cdk import aws_s3 as s3
from aws_cdk.region_info import FactName

from cdk_sagemaker_inference import ContainerImage, InferenceModel, ModelData
from cdk_sagemaker_inference.constructs._memo import fixed_token, settled


def _app_stack(env: cdk.Environment | None = None) -> tuple[cdk.App, cdk.Stack]:
    app = cdk.App()
    return app, cdk.Stack(app, "S", env=env)


def _one_token(value: str) -> bool:
    fragments = Tokenization.reverse_string(value)
    return fragments.length == 1 and fragments.first_token is not None and fragments.first_value is not None


def test_an_arn_of_pseudo_parameters_becomes_one_token_that_resolves_the_same() -> None:
    _, stack = _app_stack()
    arn = stack.format_arn(service="logs", resource="log-group", resource_name="/aws/sagemaker/*",
                           arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME)
    value = settled(stack, arn)
    assert value != arn and _one_token(value) and not _one_token(arn)
    assert stack.resolve(value) == stack.resolve(arn)
    assert settled(stack, arn) is value  # once per stack


def test_an_image_uri_with_a_regional_fact_mapping_resolves_the_same_and_keeps_the_mapping() -> None:
    app, stack = _app_stack()
    account = stack.regional_fact(FactName.DLC_REPOSITORY_ACCOUNT)
    uri = f"{account}.dkr.ecr.{Aws.REGION}.{Aws.URL_SUFFIX}/pytorch-inference:2.3.0-cpu-py311"
    assert settled(stack, uri) == uri  # a regional fact nobody recorded as fixed: kept
    fixed_token(stack, account)
    value = settled(stack, uri)
    assert _one_token(value)
    assert stack.resolve(value) == stack.resolve(uri)
    cdk.CfnOutput(stack, "Uri", value=value)
    template = app.synth().get_stack_by_name("S").template
    assert "Fn::FindInMap" in str(template["Outputs"]["Uri"]["Value"]) and template["Mappings"]


def test_a_reference_to_a_resource_or_a_parameter_keeps_its_tokens() -> None:
    _, stack = _app_stack()
    bucket = s3.Bucket(stack, "Data")
    parameter = CfnParameter(stack, "Prefix")
    for value in (bucket.bucket_arn, f"{bucket.bucket_arn}/models/*", f"arn:{Aws.PARTITION}:s3:::{parameter.value_as_string}"):
        assert settled(stack, value) == value


def test_a_reference_to_another_stacks_resource_keeps_its_tokens_and_its_export() -> None:
    app, producer = _app_stack()
    consumer = cdk.Stack(app, "Consumer")
    bucket = s3.Bucket(producer, "Data")
    arn = bucket.bucket_arn
    value = settled(consumer, arn)
    assert value == arn
    cdk.CfnOutput(consumer, "Arn", value=value)
    assert "Fn::ImportValue" in str(app.synth().get_stack_by_name("Consumer").template["Outputs"]["Arn"])


def test_a_literal_stays_and_an_env_pinned_arn_settles_to_what_it_resolves_to() -> None:
    _, stack = _app_stack(cdk.Environment(account="123456789012", region="us-east-1"))
    assert settled(stack, "arn:aws:s3:::bucket") == "arn:aws:s3:::bucket"
    arn = stack.format_arn(service="logs", resource="log-group", resource_name="x",
                           arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME)
    assert stack.resolve(settled(stack, arn)) == stack.resolve(arn) == {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":logs:us-east-1:123456789012:log-group:x"]]}
    assert settled(stack, f"{Aws.PARTITION}-literal") != f"{Aws.PARTITION}-literal"
    assert stack.resolve(settled(stack, f"{Aws.REGION}")) == {"Ref": "AWS::Region"}


def test_each_stack_settles_its_own_value() -> None:
    app, first = _app_stack()
    second = cdk.Stack(app, "Second")
    uris = {}
    for stack in (first, second):
        account = fixed_token(stack, stack.regional_fact(FactName.DLC_REPOSITORY_ACCOUNT))
        uris[stack.stack_name] = settled(stack, f"{account}.dkr.ecr.{Aws.REGION}.{Aws.URL_SUFFIX}/m:1")
        cdk.CfnOutput(stack, "Uri", value=uris[stack.stack_name])
    assert uris["S"] != uris["Second"]
    assembly = app.synth()
    for name in ("S", "Second"):  # each names a mapping its own template has
        template = assembly.get_stack_by_name(name).template
        mapping = template["Outputs"]["Uri"]["Value"]["Fn::Join"][1][0]["Fn::FindInMap"][0]
        assert mapping in template["Mappings"]


@jsii.implements(IStringProducer)
class _Producer:
    def __init__(self) -> None:
        self.value = "111111111111"

    def produce(self, context: object) -> str:
        return self.value


def test_a_users_token_is_never_settled_a_lazy_may_produce_another_value_later() -> None:
    app, stack = _app_stack()
    producer = _Producer()
    for lazy in (Lazy.string(producer), Lazy.uncached_string(producer)):
        arn = f"arn:{Aws.PARTITION}:ecr:{Aws.REGION}:{lazy}:repository/m"
        assert settled(stack, arn) == arn
    account = CfnParameter(stack, "Account").value_as_string
    assert settled(stack, f"{account}.dkr.ecr.{Aws.REGION}.{Aws.URL_SUFFIX}/m:1").startswith(account)
    pinned = cdk.Stack(app, "Pinned", env=cdk.Environment(account=Lazy.string(producer), region="us-east-1"))
    arn = pinned.format_arn(service="logs", resource="log-group", resource_name="x")
    assert settled(pinned, arn) == arn


def test_a_model_settles_its_dlc_image_but_not_one_in_a_users_account() -> None:
    _, stack = _app_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "models")
    model = InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
                           model_data=ModelData.from_bucket(bucket, "m/model.tar.gz"))
    image = model.resource.primary_container.image  # type: ignore[union-attr]
    assert _one_token(image)
    assert "Fn::FindInMap" in str(stack.resolve(image))
    account = CfnParameter(stack, "Account").value_as_string
    other = InferenceModel(stack, "Other", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311",
                                                                           account_id=account))
    assert other.resource.primary_container.image.startswith(account)  # type: ignore[union-attr]
