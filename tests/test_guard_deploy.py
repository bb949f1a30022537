"""The guard command against deployed stacks, and the safe migration deployed, on moto server.

A small app (written into tmp_path) uses the public API; its context value ``kind`` picks the
endpoint class for the construct id ``Orders``. The real CDK CLI deploys it to moto server.
"""

from __future__ import annotations

import io
import shutil
import sys
import textwrap
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from cdk_sagemaker_inference.cli import main
from cdk_sagemaker_inference.testing.emulator import MotoServer, bootstrap, cdk, deploy
from helpers import ROOT

pytestmark = pytest.mark.deploy

APP = textwrap.dedent('''
    """Guard test app: the endpoint "Orders" is serverless or real-time (context value "kind")."""
    from aws_cdk import App, CfnOutput, DefaultStackSynthesizer, Environment, Stack

    from cdk_sagemaker_inference import (
        ContainerImage, InferenceModel, InstanceScaling, InstanceType, ModelData, RealtimeEndpoint, ServerlessEndpoint,
    )

    app = App()
    kind = app.node.try_get_context("kind")
    region = app.node.try_get_context("region")
    env = Environment(account="123456789012", region=region) if region else None
    for stack_name in app.node.try_get_context("stacks").split(","):
        stack = Stack(app, stack_name, env=env,
                      synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False))
        model = InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
                               model_data=ModelData.from_asset("model.tar.gz"))
        if kind == "serverless":
            endpoint = ServerlessEndpoint(stack, "Orders", model=model, endpoint_name="orders",
                                          memory_size_mb=2048, max_concurrency=5)
        else:
            scaled = app.node.try_get_context("scaled") == "true"
            retain = app.node.try_get_context("retain")
            endpoint = RealtimeEndpoint(
                stack, "Orders", model=model, endpoint_name="orders", instance_type=InstanceType.M5_LARGE,
                instance_count=int(app.node.try_get_context("count") or 2),
                autoscaling=InstanceScaling(min_capacity=2, max_capacity=6, target_invocations_per_instance=100)
                if scaled else None,
                retain_scaled_capacity=None if retain is None else retain == "true")
        CfnOutput(stack, "EndpointName", value=endpoint.endpoint_name)
    app.synth()
''')


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("guard-app")
    (directory / "app.py").write_text(APP)
    (directory / "cdk.json").write_text(f'{{"app": "{sys.executable} app.py"}}')
    shutil.copy(ROOT / "stacks" / "assets" / "model.tar.gz", directory / "model.tar.gz")
    return directory


@pytest.fixture(scope="module")
def server(app_dir: Path) -> Iterator[MotoServer]:
    with MotoServer() as running:
        bootstrap(running, app_dir)
        yield running


def synth(server: MotoServer, app_dir: Path, out: Path, **context: str) -> Path:
    args = ["synth", "--quiet", "--output", str(out)]
    for key, value in context.items():
        args += ["--context", f"{key}={value}"]
    cdk(args, app_dir=app_dir, env=server.env(), timeout=300)
    return out


def guard(server: MotoServer, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["guard", *args])
    return code, out.getvalue()


def endpoint_name(server: MotoServer, stack: str) -> str:
    (described,) = server.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    return next(o["OutputValue"] for o in described["Outputs"] if o["OutputKey"] == "EndpointName")


def test_guard_fails_before_deploy_when_realtime_becomes_serverless(
        server: MotoServer, app_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deploy(server, app_dir, context={"kind": "realtime", "stacks": "GuardRealtime"}, output_dir=tmp_path / "v1")
    flipped = synth(server, app_dir, tmp_path / "v2", kind="serverless", stacks="GuardRealtime")
    code, report = guard(server, monkeypatch, "--assembly", str(flipped))
    assert code == 1, report
    assert "compared 1 deployed stack(s): GuardRealtime" in report
    assert "[instance-to-serverless, refused] endpoint GuardRealtime/orders (Orders" in report
    assert "realtime -> serverless" in report
    assert "new construct id and a new endpoint_name" in report


def test_guard_passes_and_safe_migration_keeps_the_endpoint(
        server: MotoServer, app_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deploy(server, app_dir, context={"kind": "serverless", "stacks": "GuardMigrate"}, output_dir=tmp_path / "v1")
    before = endpoint_name(server, "GuardMigrate")
    migrated = synth(server, app_dir, tmp_path / "v2", kind="realtime", stacks="GuardMigrate")
    code, report = guard(server, monkeypatch, "--assembly", str(migrated))
    assert code == 0, report
    assert "no unsafe endpoint changes" in report
    deploy(server, app_dir, app=str(migrated), output_dir=tmp_path / "v2-deploy")
    assert endpoint_name(server, "GuardMigrate") == before
    described = server.client("sagemaker").describe_endpoint(EndpointName=before)
    assert described["EndpointName"] == before


def test_guard_first_deploy_is_fine(server: MotoServer, app_dir: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = synth(server, app_dir, tmp_path / "fresh", kind="serverless", stacks="NeverDeployed")
    code, report = guard(server, monkeypatch, "--assembly", str(fresh), "--json")
    assert code == 0, report
    assert '"stacks_new": [\n    "NeverDeployed"\n  ]' in report


def test_guard_reads_each_stack_in_its_own_region(server: MotoServer, app_dir: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A stack deployed in eu-west-1, checked from a runner whose default Region is us-east-1 (was:
    "not deployed yet", exit 0)."""
    bootstrap(server, app_dir, region="eu-west-1")
    deploy(server, app_dir, context={"kind": "realtime", "stacks": "GuardEu", "region": "eu-west-1"},
           output_dir=tmp_path / "v1")
    flipped = synth(server, app_dir, tmp_path / "v2", kind="serverless", stacks="GuardEu", region="eu-west-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    code, report = guard(server, monkeypatch, "--assembly", str(flipped))
    assert code == 1, report
    assert "compared 1 deployed stack(s): GuardEu" in report
    assert "[instance-to-serverless, refused] endpoint GuardEu/orders" in report
    # No Region configured at all (a multi-Region CI job): the pinned stack is read in its own Region. It
    # needed AWS_DEFAULT_REGION for the credentials' account (found by review).
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["guard", "--assembly", str(flipped)])
    assert code == 1 and "[instance-to-serverless, refused] endpoint GuardEu/orders" in out.getvalue()
    # The same stack name in us-east-1 is another stack: not deployed there.
    us = synth(server, app_dir, tmp_path / "v3", kind="serverless", stacks="GuardEu")
    code, report = guard(server, monkeypatch, "--assembly", str(us), "--region", "us-east-1")
    assert code == 0, report
    assert "not deployed yet (nothing to compare): GuardEu" in report


def test_guard_assumes_the_lookup_role_of_another_account(server: MotoServer, app_dir: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The credentials are for 123456789012, the stack is in 111111111111: the guard assumes the stack's
    lookup role (moto's STS hands out credentials of that account) and reads the stack there."""
    import json

    template = json.loads((synth(server, app_dir, tmp_path / "base", kind="realtime", stacks="GuardOther")
                           / "GuardOther.template.json").read_text())
    sts = server.client("sts")
    role = "arn:aws:iam::111111111111:role/cdk-hnb659fds-lookup-role-111111111111-us-east-1"
    credentials = sts.assume_role(RoleArn=role, RoleSessionName="test")["Credentials"]
    import boto3

    other = boto3.client("cloudformation", region_name="us-east-1", endpoint_url=server.endpoint_url,
                         aws_access_key_id=credentials["AccessKeyId"],
                         aws_secret_access_key=credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"])
    other.create_stack(StackName="GuardOther", TemplateBody=json.dumps(template),
                       Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"])
    flipped = tmp_path / "flipped"
    shutil.copytree(tmp_path / "base", flipped)
    manifest = json.loads((flipped / "manifest.json").read_text())
    stack = manifest["artifacts"]["GuardOther"]
    stack["environment"] = "aws://111111111111/us-east-1"
    stack["properties"]["lookupRole"] = {"arn": "arn:${AWS::Partition}:iam::111111111111:role/"
                                                "cdk-hnb659fds-lookup-role-111111111111-us-east-1"}
    (flipped / "manifest.json").write_text(json.dumps(manifest))
    serverless = json.loads((synth(server, app_dir, tmp_path / "sl", kind="serverless", stacks="GuardOther")
                             / "GuardOther.template.json").read_text())
    (flipped / "GuardOther.template.json").write_text(json.dumps(serverless))
    code, report = guard(server, monkeypatch, "--assembly", str(flipped))
    assert code == 1, report
    assert "compared 1 deployed stack(s): GuardOther" in report
    # Without a lookup role in the assembly, the other account cannot be read: exit 2, never "safe".
    del stack["properties"]["lookupRole"]
    (flipped / "manifest.json").write_text(json.dumps(manifest))
    code, report = guard(server, monkeypatch, "--assembly", str(flipped))
    assert code == 2, report
    assert "could not check GuardOther" in report and "names no lookup role" in report


def test_an_autoscaled_fleet_keeps_its_capacity_and_the_guard_says_what_an_update_would_do(
        server: MotoServer, app_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deployed with RetainAllVariantProperties, compared with the deployed template, updated in place.
    The emulator has no UpdateEndpoint capacity semantics (it neither retains nor resets counts):
    what the update does to the fleet is the guard's verdict, from the templates."""
    context = {"kind": "realtime", "scaled": "true", "stacks": "GuardScaled"}
    deploy(server, app_dir, context={**context, "count": "2"}, output_dir=tmp_path / "v1")
    before = endpoint_name(server, "GuardScaled")
    deployed = server.client("cloudformation").get_template(StackName="GuardScaled")["TemplateBody"]
    assert "RetainAllVariantProperties" in str(deployed)

    more = synth(server, app_dir, tmp_path / "count", **context, count="4")
    code, report = guard(server, monkeypatch, "--assembly", str(more))
    assert code == 1, report
    assert "[retained-count-change, unsafe]" in report and "AllTraffic (2 -> 4) is not applied" in report

    reset = synth(server, app_dir, tmp_path / "reset", **context, count="3", retain="false")
    code, report = guard(server, monkeypatch, "--assembly", str(reset))
    assert code == 1, report
    assert "[scaled-fleet-reset, unsafe]" in report and "restart at their initial instance count" in report

    deploy(server, app_dir, app=str(more), output_dir=tmp_path / "v2-deploy")  # the update goes through
    (stack,) = server.client("cloudformation").describe_stacks(StackName="GuardScaled")["Stacks"]
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    assert endpoint_name(server, "GuardScaled") == before
