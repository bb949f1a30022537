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
    from aws_cdk import App, CfnOutput, DefaultStackSynthesizer, Stack

    from cdk_sagemaker_inference import (
        ContainerImage, InferenceModel, InstanceType, ModelData, RealtimeEndpoint, ServerlessEndpoint,
    )

    app = App()
    kind = app.node.try_get_context("kind")
    for stack_name in app.node.try_get_context("stacks").split(","):
        stack = Stack(app, stack_name, synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False))
        model = InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
                               model_data=ModelData.from_asset("model.tar.gz"))
        if kind == "serverless":
            endpoint = ServerlessEndpoint(stack, "Orders", model=model, endpoint_name="orders",
                                          memory_size_mb=2048, max_concurrency=5)
        else:
            endpoint = RealtimeEndpoint(stack, "Orders", model=model, endpoint_name="orders",
                                        instance_type=InstanceType.M5_LARGE, instance_count=2)
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
    assert "[instance-to-serverless] endpoint GuardRealtime/orders (Orders" in report
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
