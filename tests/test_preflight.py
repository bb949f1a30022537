"""Preflight: the app's quota needs from the templates (hand-computed), and the account checks against
botocore ``Stubber`` responses (the emulator implements Service Quotas for no SageMaker quota, so quota
checks are tested here; against the emulator they are "not checked"). Each stub checks the request, so
the tests also prove which read-only calls preflight makes."""

from __future__ import annotations

import datetime
import io
import json
from argparse import Namespace
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_s3 as s3
from botocore.exceptions import NoCredentialsError, NoRegionError
from botocore.stub import Stubber

from cdk_sagemaker_inference import (
    AsyncEndpoint,
    BatchTransformInput,
    BatchTransformJob,
    BatchTransformOutput,
    ContainerImage,
    DeploymentGuardrails,
    InferenceModel,
    InstanceScaling,
    InstanceType,
    ModelData,
    RealtimeEndpoint,
    ServerlessEndpoint,
)
from cdk_sagemaker_inference.assembly import read_assembly
from cdk_sagemaker_inference.preflight.checks import (
    Reference,
    check_references,
    check_region_mappings,
    references_of,
)
from cdk_sagemaker_inference.preflight.cli import run
from cdk_sagemaker_inference.preflight.needs import app_needs
from helpers import CDK_CONTEXT

ACCOUNT = "123456789012"
ENV = Environment(account=ACCOUNT, region="us-east-1")
IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/model:1"
NOW = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)


def app(tmp_path: Path) -> App:
    return App(outdir=str(tmp_path / "cdk.out"), context={**CDK_CONTEXT, "aws:cdk:enable-path-metadata": True})


def model(stack: Stack, construct_id: str = "Model") -> InferenceModel:
    bucket = stack.node.try_find_child("Models") or s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    return InferenceModel(stack, construct_id, image=ContainerImage.from_uri(IMAGE),
                          model_data=ModelData.from_bucket(bucket, "m/model.tar.gz"))  # type: ignore[arg-type]


def orders_app(tmp_path: Path) -> Path:
    """A real-time endpoint on ml.g5.xlarge, 2–3 instances, blue/green updates, a fixed name."""
    application = app(tmp_path)
    stack = Stack(application, "Orders", env=ENV)
    RealtimeEndpoint(stack, "Endpoint", model=model(stack), instance_type=InstanceType.of("ml.g5.xlarge"),
                     instance_count=2, endpoint_name="orders",
                     autoscaling=InstanceScaling(min_capacity=2, max_capacity=3, target_invocations_per_instance=50))
    return Path(application.synth().directory)


# -- needs, no account --------------------------------------------------------------------------------------------
def test_needs_at_the_ceiling_and_during_blue_green_and_rolling_updates(tmp_path: Path) -> None:
    application = app(tmp_path)
    stack = Stack(application, "Needs", env=ENV)
    g5 = InstanceType.of("ml.g5.xlarge")
    RealtimeEndpoint(stack, "BlueGreen", model=model(stack), instance_type=g5, instance_count=2,
                     autoscaling=InstanceScaling(min_capacity=2, max_capacity=4, target_invocations_per_instance=50))
    RealtimeEndpoint(stack, "Rolling", model=model(stack, "M2"), instance_type=g5, instance_count=4,
                     deployment=DeploymentGuardrails.rolling(batch_instances=1, wait=_minutes(1)))
    AsyncEndpoint(stack, "Queue", model=model(stack, "M3"), instance_type=g5, min_instances=0, max_instances=3)
    ServerlessEndpoint(stack, "S1", model=model(stack, "M4"), memory_size_mb=2048, max_concurrency=20)
    ServerlessEndpoint(stack, "S2", model=model(stack, "M5"), memory_size_mb=2048, max_concurrency=30)
    bucket = s3.Bucket.from_bucket_name(stack, "Data", "my-data")
    BatchTransformJob(stack, "Job", model=model(stack, "M6"), instance_type=InstanceType.of("ml.m5.xlarge"),
                      instance_count=3, input=BatchTransformInput(bucket=bucket, key="in/"),
                      output=BatchTransformOutput(bucket=bucket, prefix="out/"))
    needs = {n.quota_name: n for n in app_needs(read_assembly(application.synth().directory))}
    g5_need = needs["ml.g5.xlarge for endpoint usage"]
    # ceilings 4 + 4 + 3 = 11; an update adds a whole fleet for blue/green (4, 3) and one batch for rolling (1)
    assert (g5_need.steady, g5_need.during_update) == (11, 11 + 4 + 1 + 3)
    assert (needs["Number of instances across active endpoints"].steady,
            needs["Maximum number of instances per endpoint"].steady) == (11, 4)
    assert needs["Maximum total concurrency that can be allocated across all serverless endpoints"].steady == 50
    assert needs["Maximum number of serverless endpoints"].steady == 2
    assert needs["ml.m5.xlarge for transform job usage"].steady == 3
    assert needs["Number of instances across all transform jobs"].steady == 3
    assert g5_need.describe() == ("needs up to 11 of 'ml.g5.xlarge for endpoint usage' in 123456789012/us-east-1 "
                                  "(19 during an update)")


def test_a_count_known_only_at_deploy_time_is_not_counted_and_says_so(tmp_path: Path) -> None:
    """Found by review: an instance count from a CfnParameter counted as nothing, so preflight passed without
    a word ("needs up to 0 of ..." for a batch job). Now the need is a lower bound that names what it leaves
    out, and the quota is "not checked" for it."""
    from aws_cdk import CfnParameter

    application = app(tmp_path)
    stack = Stack(application, "Tokens", env=ENV)
    count = CfnParameter(stack, "Count", type="Number", default=2).value_as_number
    RealtimeEndpoint(stack, "Known", model=model(stack), instance_type=InstanceType.M5_LARGE, instance_count=2)
    RealtimeEndpoint(stack, "Deferred", model=model(stack, "M2"), instance_type=InstanceType.M5_LARGE,
                     instance_count=count)
    ServerlessEndpoint(stack, "Serverless", model=model(stack, "M4"), memory_size_mb=2048, max_concurrency=count)
    bucket = s3.Bucket.from_bucket_name(stack, "Data", "my-data")
    BatchTransformJob(stack, "Job", model=model(stack, "M3"), instance_type=InstanceType.of("ml.m5.xlarge"),
                      instance_count=count, input=BatchTransformInput(bucket=bucket, key="in/"),
                      output=BatchTransformOutput(bucket=bucket, prefix="out/"))
    needs = {n.quota_name: n for n in app_needs(read_assembly(application.synth().directory))}
    m5 = needs["ml.m5.large for endpoint usage"]
    assert (m5.steady, m5.unknown) == (2, ["Tokens/Deferred"])
    assert m5.describe() == ("needs at least 2 of 'ml.m5.large for endpoint usage' in 123456789012/us-east-1 (4 during "
                             "an update); not "
                             "counted: Tokens/Deferred (an instance count or type known only at deploy time)")
    assert needs["Number of instances across all transform jobs"].unknown == ["Tokens/Job"]
    assert needs["Maximum number of instances per endpoint"].unknown == ["Tokens/Deferred"]
    assert m5.to_json()["not_counted"] == ["Tokens/Deferred"]
    concurrency = needs["Maximum total concurrency that can be allocated across all serverless endpoints"]
    assert (concurrency.steady, concurrency.unknown) == (0, ["Tokens/Serverless"])
    session = StubSession()
    _quotas(session, {"ml.m5.large for endpoint usage": (10.0, "L-M5"),
                      "Number of instances across active endpoints": (20.0, "L-T"),
                      "Maximum number of instances per endpoint": (10.0, "L-P"),
                      "ml.m5.xlarge for transform job usage": (10.0, "L-X"),
                      "Number of instances across all transform jobs": (10.0, "L-J"),
                      "Maximum total concurrency that can be allocated across all serverless endpoints": (10.0, "L-C"),
                      "Maximum number of serverless endpoints": (10.0, "L-S")})
    session.stub("sagemaker").add_response("list_endpoints", {"Endpoints": []})
    from cdk_sagemaker_inference.preflight.checks import check_quotas

    findings = check_quotas(list(needs.values()), session, set(), "Tokens")
    not_checked = sorted(f.to_json()["what"] for f in findings)
    assert "'ml.m5.large for endpoint usage': not checked for Tokens/Deferred: an instance count or type known only " \
           "at deploy time" in not_checked, not_checked
    assert all(f.to_json()["severity"] != "error" for f in findings), findings


def _minutes(value: int) -> Any:
    from aws_cdk import Duration

    return Duration.minutes(value)


def test_references_skip_cdk_assets_and_find_literals(tmp_path: Path) -> None:
    application = app(tmp_path)
    stack = Stack(application, "Refs", env=ENV)
    RealtimeEndpoint(stack, "Endpoint", model=model(stack), instance_type=InstanceType.M5_LARGE, instance_count=2)
    asset = InferenceModel(stack, "FromAsset", image=ContainerImage.from_uri(IMAGE),
                           model_data=ModelData.from_asset(str(Path(__file__).parents[1] / "stacks" / "assets" /
                                                               "model.tar.gz")))
    RealtimeEndpoint(stack, "Assets", model=asset, instance_type=InstanceType.M5_LARGE, instance_count=2)
    [top] = read_assembly(application.synth().directory)
    found = {(r.kind, r.value) for r in references_of(top)}
    assert ("artifact", "s3://my-models/m/model.tar.gz") in found and ("image", IMAGE) in found
    assert not any(kind == "artifact" and "cdk-" in value for kind, value in found)  # the asset: uploaded by cdk


def test_references_pair_a_package_with_its_inference_specification(tmp_path: Path) -> None:
    from cdk_sagemaker_inference import ModelPackage

    application = app(tmp_path)
    stack = Stack(application, "Refs", env=ENV)
    InferenceModel(stack, "Named", model_package=ModelPackage.from_registry_version_arn(
        REGISTRY, inference_specification="gpu"))
    InferenceModel(stack, "Main", model_package=ModelPackage.from_registry_version_arn(REGISTRY))
    [top] = read_assembly(application.synth().directory)
    found = [(r.kind, r.value, r.path) for r in references_of(top) if r.kind == "inference-specification"]
    assert found == [("inference-specification", f"{REGISTRY} gpu", "Refs/Named")]


# -- the account, stubbed -----------------------------------------------------------------------------------------
class StubSession:
    """A ``boto3.Session`` stand-in: one stubbed botocore client per service (``stub(service)``)."""

    def __init__(self, **_: Any) -> None:
        self.clients: dict[str, Any] = {}
        self.stubs: dict[str, Stubber] = {}
        self.region_name = "us-east-1"

    def client(self, service: str, region_name: str | None = None) -> Any:
        if service not in self.clients:
            client = botocore.session.get_session().create_client(
                service, region_name=region_name or "us-east-1", aws_access_key_id="testing",
                aws_secret_access_key="testing")
            self.clients[service] = client
            self.stubs[service] = Stubber(client)
            self.stubs[service].activate()
        return self.clients[service]

    def stub(self, service: str) -> Stubber:
        self.client(service)
        return self.stubs[service]

    def verify(self) -> None:
        for stubber in self.stubs.values():
            stubber.assert_no_pending_responses()


def _identity(session: StubSession) -> None:
    session.stub("sts").add_response("get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/ci", "UserId": "AIDAEXAMPLE"})


def _first_deploy(session: StubSession, stack: str) -> None:
    session.stub("cloudformation").add_client_error(
        "list_stack_resources", "ValidationError", f"Stack with id {stack} does not exist",
        expected_params={"StackName": stack})


def _quotas(session: StubSession, quotas: dict[str, tuple[float, str]]) -> None:
    session.stub("service-quotas").add_response("list_service_quotas", {"Quotas": [
        {"QuotaName": name, "Value": value, "QuotaCode": code, "ServiceCode": "sagemaker"}
        for name, (value, code) in quotas.items()]}, expected_params={"ServiceCode": "sagemaker"})


def _another_endpoint(session: StubSession, instance_type: str, count: int) -> None:
    sagemaker = session.stub("sagemaker")
    sagemaker.add_response("list_endpoints", {"Endpoints": [{
        "EndpointName": "theirs", "EndpointArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint/theirs",
        "CreationTime": NOW, "LastModifiedTime": NOW, "EndpointStatus": "InService"}]})
    sagemaker.add_response("describe_endpoint", {
        "EndpointName": "theirs", "EndpointArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint/theirs",
        "EndpointConfigName": "theirs-config", "EndpointStatus": "InService", "CreationTime": NOW,
        "LastModifiedTime": NOW, "ProductionVariants": [{"VariantName": "AllTraffic", "CurrentInstanceCount": count}]},
        expected_params={"EndpointName": "theirs"})
    sagemaker.add_response("describe_endpoint_config", {
        "EndpointConfigName": "theirs-config",
        "EndpointConfigArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint-config/theirs-config",
        "CreationTime": NOW, "ProductionVariants": [{"VariantName": "AllTraffic", "InstanceType": instance_type,
                                                     "ModelName": "theirs", "InitialInstanceCount": count}]},
        expected_params={"EndpointConfigName": "theirs-config"})


def preflight(assembly: Path, session: StubSession, *, strict: bool = False) -> tuple[int, dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    code = run(Namespace(assembly=str(assembly), region=None, profile=None, strict=strict, json=True), out=out,
               err=err, session_factory=lambda **_: session)
    return code, json.loads(out.getvalue())


G5_QUOTAS = {"ml.g5.xlarge for endpoint usage": (4.0, "L-1928E07B"),
             "Number of instances across active endpoints": (20.0, "L-7A3DF611"),
             "Maximum number of instances per endpoint": (10.0, "L-ED8DEE9B")}


def test_a_blue_green_update_beyond_the_quota_a_missing_artifact_and_a_taken_name_fail(tmp_path: Path) -> None:
    session = StubSession()
    _identity(session)
    _first_deploy(session, "Orders")
    _quotas(session, G5_QUOTAS)
    _another_endpoint(session, "ml.g5.xlarge", 1)
    session.stub("s3").add_client_error("head_object", "404", "Not Found", http_status_code=404,
                                        expected_params={"Bucket": "my-models", "Key": "m/model.tar.gz"})
    session.stub("ecr").add_response("describe_images", {"imageDetails": [{"imageTags": ["1"]}]}, expected_params={
        "registryId": ACCOUNT, "repositoryName": "model", "imageIds": [{"imageTag": "1"}]})
    session.stub("sagemaker").add_response("describe_endpoint", {
        "EndpointName": "orders", "EndpointArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint/orders",
        "EndpointStatus": "InService", "CreationTime": NOW, "LastModifiedTime": NOW},
        expected_params={"EndpointName": "orders"})
    code, report = preflight(orders_app(tmp_path), session)
    session.verify()
    assert code == 1
    by_check = {f["check"]: f for f in report["findings"]}
    quota = by_check["quota"]
    # ceiling 3, during a blue/green update 6; the quota 4 minus the other endpoint's 1 leaves 3
    assert quota["details"] == {"quota_name": "ml.g5.xlarge for endpoint usage", "quota_code": "L-1928E07B",
                                "quota": 4.0, "used_by_others": 1, "needed": 3, "needed_during_update": 6}
    assert "an update needs 6" in quota["what"] and "--quota-code L-1928E07B --desired-value 7" in quota["fix"]
    assert "s3://my-models/m/model.tar.gz does not exist" in by_check["artifact"]["what"]
    assert "'orders' exists already" in by_check["name"]["what"] and by_check["name"]["path"] == "Orders/Endpoint"
    assert "image" not in by_check  # the image exists


def _everything_present(session: StubSession) -> StubSession:
    """The answers of an account where the orders app fits: a first deploy, quota enough, artifacts present."""
    _identity(session)
    _first_deploy(session, "Orders")
    _quotas(session, {**G5_QUOTAS, "ml.g5.xlarge for endpoint usage": (10.0, "L-1928E07B")})
    session.stub("sagemaker").add_response("list_endpoints", {"Endpoints": []})
    session.stub("s3").add_response("head_object", {"ContentLength": 10})
    session.stub("ecr").add_response("describe_images", {"imageDetails": [{"imageTags": ["1"]}]})
    session.stub("sagemaker").add_client_error("describe_endpoint", "ValidationException",
                                               "Could not find endpoint \"orders\".")
    return session


def test_enough_quota_and_everything_present_is_exit_0(tmp_path: Path) -> None:
    session = _everything_present(StubSession())
    code, report = preflight(orders_app(tmp_path), session)
    session.verify()
    assert (code, report["findings"]) == (0, [])
    assert {n["quota_name"]: n["needed_during_update"] for n in report["needs"]}["ml.g5.xlarge for endpoint usage"] == 6


class NoRegionSession(StubSession):
    """Credentials without a configured Region: a client asked for without a Region fails as boto3's does."""

    def __init__(self, **_: Any) -> None:
        super().__init__()
        self.region_name = None

    def client(self, service: str, region_name: str | None = None) -> Any:
        if region_name is None:
            raise NoRegionError()
        return super().client(service, region_name)

    def stub(self, service: str) -> Stubber:
        super().client(service, "us-east-1")  # the test's own set-up, not the command's call
        return self.stubs[service]


def test_stacks_pinned_to_a_region_need_no_region_configured(tmp_path: Path) -> None:
    """Found by review: the credentials' account was asked of STS without a Region, so a multi-Region CI job
    had to configure one (or pass --region) although every stack names its own."""
    session = _everything_present(NoRegionSession())
    code, report = preflight(orders_app(tmp_path), session)
    session.verify()
    assert (code, report["findings"]) == (0, [])


def test_the_apps_own_deployed_endpoint_is_neither_counted_twice_nor_a_taken_name(tmp_path: Path) -> None:
    session = StubSession()
    _identity(session)
    session.stub("cloudformation").add_response("list_stack_resources", {"StackResourceSummaries": [{
        "LogicalResourceId": "EndpointEEF1FD8F", "ResourceType": "AWS::SageMaker::Endpoint",
        "PhysicalResourceId": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint/orders",
        "LastUpdatedTimestamp": NOW, "ResourceStatus": "CREATE_COMPLETE"}]})
    _quotas(session, {**G5_QUOTAS, "ml.g5.xlarge for endpoint usage": (6.0, "L-1928E07B")})
    session.stub("sagemaker").add_response("list_endpoints", {"Endpoints": [{
        "EndpointName": "orders", "EndpointArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint/orders",
        "CreationTime": NOW, "LastModifiedTime": NOW, "EndpointStatus": "InService"}]})
    session.stub("s3").add_response("head_object", {"ContentLength": 10})
    session.stub("ecr").add_response("describe_images", {"imageDetails": [{"imageTags": ["1"]}]})
    code, report = preflight(orders_app(tmp_path), session)
    session.verify()  # no DescribeEndpoint: the app's own endpoint is skipped for both
    assert (code, report["findings"]) == (0, [])


def test_a_type_the_region_does_not_offer_is_reported_as_such(tmp_path: Path) -> None:
    session = StubSession()
    _identity(session)
    _first_deploy(session, "Orders")
    _quotas(session, {k: v for k, v in G5_QUOTAS.items() if "g5" not in k})
    session.stub("sagemaker").add_response("list_endpoints", {"Endpoints": []})
    session.stub("service-quotas").add_response("list_aws_default_service_quotas", {"Quotas": []})
    session.stub("s3").add_response("head_object", {"ContentLength": 10})
    session.stub("ecr").add_response("describe_images", {"imageDetails": [{"imageTags": ["1"]}]})
    session.stub("sagemaker").add_client_error("describe_endpoint", "ValidationException", "Could not find endpoint")
    code, report = preflight(orders_app(tmp_path), session)
    assert code == 1
    assert any("not offered there" in f["what"] for f in report["findings"])


def test_without_service_quotas_the_quotas_are_not_checked_and_strict_makes_that_exit_2(tmp_path: Path) -> None:
    def emulator() -> StubSession:
        session = StubSession()
        _identity(session)
        _first_deploy(session, "Orders")
        session.stub("service-quotas").add_client_error("list_service_quotas", "InternalFailure",
                                                        "the emulator does not implement this", http_status_code=500)
        session.stub("s3").add_response("head_object", {"ContentLength": 10})
        session.stub("ecr").add_response("describe_images", {"imageDetails": [{"imageTags": ["1"]}]})
        session.stub("sagemaker").add_client_error("describe_endpoint", "ValidationException", "Could not find")
        return session

    assembly = orders_app(tmp_path)
    code, report = preflight(assembly, emulator())
    assert code == 0
    assert [f["severity"] for f in report["findings"]] == ["not-checked"]
    assert "Service Quotas (sagemaker): not checked" in report["findings"][0]["what"]
    assert preflight(assembly, emulator(), strict=True)[0] == 2


def test_no_credentials_is_exit_2_with_what_to_do(tmp_path: Path) -> None:
    class NoCredentials(StubSession):
        def client(self, service: str, region_name: str | None = None) -> Any:
            client = super().client(service, region_name)
            if service == "sts":
                def fail(**_: Any) -> None:
                    raise NoCredentialsError()
                client.get_caller_identity = fail
            return client

    out, err = io.StringIO(), io.StringIO()
    code = run(Namespace(assembly=str(orders_app(tmp_path)), region=None, profile=None, strict=False, json=False),
               out=out, err=err, session_factory=lambda **_: NoCredentials())
    assert code == 2 and "no AWS credentials found" in err.getvalue()


def test_an_unreadable_assembly_is_exit_2(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run(Namespace(assembly=str(tmp_path), region=None, profile=None, strict=False, json=False), out=out,
               err=err, session_factory=lambda **_: StubSession())
    assert code == 2 and "not a cloud assembly" in err.getvalue()


# -- each reference kind --------------------------------------------------------------------------------------
REGISTRY = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package/churn/3"


@pytest.mark.parametrize(("kind", "value", "service", "operation", "response", "severity", "text"), [
    ("model-package", REGISTRY, "sagemaker", "describe_model_package",
     {"ModelPackageName": "churn", "ModelPackageArn": REGISTRY, "CreationTime": NOW, "ModelPackageStatus": "Completed",
      "ModelPackageStatusDetails": {"ValidationStatuses": []}, "ModelApprovalStatus": "PendingManualApproval"}, "warning", "must be set to Approved"),
    ("model-package", REGISTRY, "sagemaker", "describe_model_package",
     {"ModelPackageName": "churn", "ModelPackageArn": REGISTRY, "CreationTime": NOW, "ModelPackageStatus": "Completed",
      "ModelPackageStatusDetails": {"ValidationStatuses": []}, "ModelApprovalStatus": "Approved"}, None, ""),
    ("model-package", REGISTRY, "sagemaker", "describe_model_package",
     ("ValidationException", "ModelPackage arn:... does not exist."), "error", "does not exist"),
    ("inference-specification", f"{REGISTRY} gpu", "sagemaker", "describe_model_package",
     {"ModelPackageName": "churn", "ModelPackageArn": REGISTRY, "CreationTime": NOW, "ModelPackageStatus": "Completed",
      "ModelPackageStatusDetails": {"ValidationStatuses": []},
      "AdditionalInferenceSpecifications": [{"Name": "cpu", "Containers": [{"Image": "i"}]}]}, "error",
     "has no inference specification named 'gpu' (its additional inference specifications: 'cpu')"),
    ("inference-specification", f"{REGISTRY} cpu", "sagemaker", "describe_model_package",
     {"ModelPackageName": "churn", "ModelPackageArn": REGISTRY, "CreationTime": NOW, "ModelPackageStatus": "Completed",
      "ModelPackageStatusDetails": {"ValidationStatuses": []},
      "AdditionalInferenceSpecifications": [{"Name": "cpu", "Containers": [{"Image": "i"}]}]}, None, ""),
    # An unversioned package of the target account is described (found by a sweep: such packages had no factory).
    ("model-package", f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package/churn-scorer", "sagemaker",
     "describe_model_package", ("ValidationException", "ModelPackage arn:... does not exist."), "error",
     "does not exist"),
    ("model-package", f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package/churn-scorer", "sagemaker",
     "describe_model_package", {"ModelPackageName": "churn-scorer", "ModelPackageArn": REGISTRY, "CreationTime": NOW,
                                "ModelPackageStatus": "Completed",
                                "ModelPackageStatusDetails": {"ValidationStatuses": []}}, None, ""),
    ("kms-key", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "kms", "describe_key",
     {"KeyMetadata": {"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "KeyState": "Disabled"}}, "error",
     "is Disabled"),
    ("kms-key", "alias/gone", "kms", "describe_key", ("NotFoundException", "Alias alias/gone is not found."),
     "error", "does not exist"),
    ("topic", f"arn:aws:sns:us-east-1:{ACCOUNT}:done", "sns", "get_topic_attributes",
     ("NotFound", "Topic does not exist"), "error", "does not exist"),
    ("subnet", "subnet-0123456789abcdef0", "ec2", "describe_subnets",
     ("InvalidSubnetID.NotFound", "The subnet ID does not exist"), "error", "does not exist"),
    ("security-group", "sg-0123456789abcdef0", "ec2", "describe_security_groups", {"SecurityGroups": []}, None, ""),
    ("artifact-prefix", "s3://my-models/llm/", "s3", "list_objects_v2", {"KeyCount": 0}, "error", "no object under"),
    ("artifact", "s3://their-models/m.tar.gz", "s3", "head_object", ("403", "Forbidden"), "not-checked",
     "access denied"),
    ("image", f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/model@sha256:abc", "ecr", "describe_images",
     ("ImageNotFoundException", "The image with imageId does not exist"), "error", "does not exist"),
])
def test_each_reference_kind(kind: str, value: str, service: str, operation: str, response: Any,
                             severity: str | None, text: str) -> None:
    session = StubSession()
    if isinstance(response, tuple):
        session.stub(service).add_client_error(operation, response[0], response[1])
    else:
        session.stub(service).add_response(operation, response)
    findings = check_references([Reference(kind, value, "App/Endpoint")], session, ACCOUNT, "us-east-1", "App")
    session.verify()
    assert [f.severity for f in findings] == ([severity] if severity else [])
    if severity:
        assert text in findings[0].what and findings[0].path == "App/Endpoint"


def test_images_of_other_accounts_and_marketplace_packages_are_not_read() -> None:
    session = StubSession()
    references = [Reference("image", "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3", "A/M"),
                  Reference("model-package", "arn:aws:sagemaker:us-east-1:865070037744:model-package/seller-1", "A/M"),
                  Reference("image", f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/model:1", "A/M")]
    assert check_references(references, session, ACCOUNT, "us-east-1", "A") == []
    assert session.clients == {}  # nothing called


def test_preflight_is_a_console_command() -> None:
    from cdk_sagemaker_inference.cli import build_parser

    parsed = build_parser().parse_args(["preflight", "--assembly", "x", "--strict", "--json"])
    assert (parsed.assembly, parsed.strict, parsed.json) == ("x", True, True)





def test_every_endpoint_notes_the_apps_quota_needs_for_its_types(tmp_path: Path) -> None:
    from helpers import infos_of

    application = app(tmp_path)
    first = Stack(application, "First", env=ENV)
    second = Stack(application, "Second", env=ENV)
    g5 = InstanceType.of("ml.g5.xlarge")
    RealtimeEndpoint(first, "A", model=model(first), instance_type=g5, instance_count=2)
    RealtimeEndpoint(second, "B", model=model(second), instance_type=g5, instance_count=3,
                     deployment=DeploymentGuardrails.rolling(batch_instances=1, wait=_minutes(1)))
    notes = [i for i in infos_of(second) if "preflight.quota-needs" in i]
    # both stacks share an environment: 2 + 3 instances; an update adds 2 (blue/green) + 1 (a rolling batch)
    assert any("the app needs up to 5 of 'ml.g5.xlarge for endpoint usage' in 123456789012/us-east-1 "
               "(8 during an update)" in n for n in notes), notes


def test_when_default_quotas_cannot_be_read_a_missing_quota_is_not_checked_not_refused(tmp_path: Path) -> None:
    session = StubSession()
    _identity(session)
    _first_deploy(session, "Orders")
    _quotas(session, {k: v for k, v in G5_QUOTAS.items() if "g5" not in k})
    session.stub("sagemaker").add_response("list_endpoints", {"Endpoints": []})
    session.stub("service-quotas").add_client_error("list_aws_default_service_quotas", "AccessDeniedException",
                                                    "not allowed")
    session.stub("s3").add_response("head_object", {"ContentLength": 10})
    session.stub("ecr").add_response("describe_images", {"imageDetails": [{"imageTags": ["1"]}]})
    session.stub("sagemaker").add_client_error("describe_endpoint", "ValidationException", "Could not find endpoint")
    code, report = preflight(orders_app(tmp_path), session)
    assert code == 0
    assert [(f["severity"], f["check"]) for f in report["findings"]] == [("not-checked", "quota")]
    assert "access denied" in report["findings"][0]["what"]


def test_environment_agnostic_stacks_count_with_the_credentials_account(tmp_path: Path) -> None:
    """An agnostic stack and a stack pinned to the same account and Region share their quota needs."""
    application = app(tmp_path)
    pinned = Stack(application, "Pinned", env=ENV)
    agnostic = Stack(application, "Agnostic")
    g5 = InstanceType.of("ml.g5.xlarge")
    RealtimeEndpoint(pinned, "A", model=model(pinned), instance_type=g5, instance_count=2)
    RealtimeEndpoint(agnostic, "B", model=model(agnostic), instance_type=g5, instance_count=2)
    session = StubSession()
    _identity(session)
    for _ in range(2):  # both stacks are first deploys (in the assembly's order)
        session.stub("cloudformation").add_client_error("list_stack_resources", "ValidationError",
                                                        "Stack with id X does not exist")
    _quotas(session, {**G5_QUOTAS, "ml.g5.xlarge for endpoint usage": (3.0, "L-1928E07B")})
    session.stub("sagemaker").add_response("list_endpoints", {"Endpoints": []})
    session.stub("s3").add_response("head_object", {"ContentLength": 10})
    session.stub("ecr").add_response("describe_images", {"imageDetails": [{"imageTags": ["1"]}]})
    out = io.StringIO()
    code = run(Namespace(assembly=str(application.synth().directory), region="us-east-1", profile=None, strict=False,
                         json=True), out=out, err=io.StringIO(), session_factory=lambda **_: session)
    report = json.loads(out.getvalue())
    quota = [f for f in report["findings"] if f["check"] == "quota"]
    assert code == 1 and quota[0]["details"]["needed"] == 4, report  # 2 + 2 against a quota of 3


# -- a Region the template's mappings do not list ------------------------------------------------------------------
def dlc_app(tmp_path: Path) -> Path:
    """An environment-agnostic stack with a DLC image: the registry account is a Region mapping lookup."""
    application = app(tmp_path)
    stack = Stack(application, "Dlc")
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    ServerlessEndpoint(stack, "Endpoint", model=InferenceModel(
        stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
        model_data=ModelData.from_bucket(bucket, "m/model.tar.gz")), memory_size_mb=2048, max_concurrency=5)
    return Path(application.synth().directory)


def test_a_region_the_dlc_mapping_does_not_list_is_an_error_from_the_template_alone(tmp_path: Path) -> None:
    """Found by review: in il-central-1 (a Region aws-cdk-lib's region-info has no DLC account for) the
    environment-agnostic template synthesizes and then fails to deploy at Fn::FindInMap."""
    [top] = read_assembly(str(dlc_app(tmp_path)))
    assert check_region_mappings(top, "us-east-1") == []
    (finding,) = check_region_mappings(top, "il-central-1")
    assert (finding.severity, finding.check, finding.path) == ("error", "region-mapping", "Dlc/Model")
    assert finding.what.startswith("the mapping DlcRepositoryAccount") and "has no entry for il-central-1" in finding.what
    assert "Fn::FindInMap fails" in finding.what and "account_id=" in finding.fix
    # The command reports it even when the account cannot be read (no stubbed CloudFormation answer here).
    session = StubSession()
    _identity(session)
    out = io.StringIO()
    code = run(Namespace(assembly=str(tmp_path / "cdk.out"), region="il-central-1", profile=None, strict=False,
                         json=True), out=out, err=io.StringIO(), session_factory=lambda **_: session)
    report = json.loads(out.getvalue())
    assert code == 1 and [f["check"] for f in report["findings"]] == ["region-mapping"]
