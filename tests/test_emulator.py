"""The emulator harness works end to end: moto server, the real CDK CLI, boto3 read-back.

A throwaway CDK app (S3 bucket, a local file asset, SageMaker model + serverless endpoint
config + endpoint) is generated in ``tmp_path`` and deployed to moto server on loopback.
"""

from __future__ import annotations

import json
import socket
import sys
import textwrap
from pathlib import Path

import pytest

from cdk_sagemaker_inference.testing.emulator import (
    EMULATOR_CONTEXT_KEY,
    CdkCliError,
    MotoServer,
    bootstrap_and_deploy,
    cdk,
    describe_deployment,
    format_deployment,
)

STACK = "EmulatorHarnessTest"

APP_PY = textwrap.dedent(
    f'''
    """Throwaway app for tests/test_emulator.py."""
    from pathlib import Path

    import aws_cdk as cdk
    from aws_cdk import aws_iam as iam, aws_s3 as s3, aws_s3_assets as s3_assets, aws_sagemaker as sm

    app = cdk.App()
    assert app.node.try_get_context("{EMULATOR_CONTEXT_KEY}") == "true", "context not passed"
    stack = cdk.Stack(
        app, "{STACK}",
        synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )
    s3.Bucket(stack, "Data")
    model_data = s3_assets.Asset(stack, "ModelData", path=str(Path(__file__).parent / "model.tar.gz"))
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    model_data.grant_read(role)
    model = sm.CfnModel(
        stack, "Model",
        execution_role_arn=role.role_arn,
        primary_container=sm.CfnModel.ContainerDefinitionProperty(
            image="763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-cpu-py310",
            model_data_url=model_data.s3_object_url,
        ),
    )
    config = sm.CfnEndpointConfig(
        stack, "Config",
        production_variants=[
            sm.CfnEndpointConfig.ProductionVariantProperty(
                variant_name="AllTraffic",
                model_name=model.attr_model_name,
                serverless_config=sm.CfnEndpointConfig.ServerlessConfigProperty(
                    memory_size_in_mb=2048, max_concurrency=5
                ),
            )
        ],
    )
    sm.CfnEndpoint(stack, "Endpoint", endpoint_config_name=config.attr_endpoint_config_name)
    cdk.CfnOutput(stack, "ModelDataUrl", value=model_data.s3_object_url)
    app.synth()
    '''
)


def _write_app(app_dir: Path) -> None:
    app_dir.mkdir(parents=True, exist_ok=True)
    (app_dir / "app.py").write_text(APP_PY, encoding="utf-8")
    (app_dir / "model.tar.gz").write_bytes(b"not really a model, but a file asset all the same\n")
    (app_dir / "cdk.json").write_text(json.dumps({"app": f'"{sys.executable}" app.py'}), encoding="utf-8")


def _port_is_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.deploy
def test_deploys_throwaway_app_and_reads_back_serverless_config(tmp_path: Path) -> None:
    app_dir = tmp_path / "app"
    _write_app(app_dir)
    with MotoServer() as server:
        bootstrap_and_deploy(
            server,
            app_dir,
            context={EMULATOR_CONTEXT_KEY: "true"},
            output_dir=tmp_path / "cdk.out",
        )

        # The endpoint config, straight from the SageMaker API.
        sagemaker = server.client("sagemaker")
        [summary] = sagemaker.list_endpoints()["Endpoints"]
        endpoint = sagemaker.describe_endpoint(EndpointName=summary["EndpointName"])
        config = sagemaker.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
        [variant] = config["ProductionVariants"]
        assert variant["ServerlessConfig"] == {"MemorySizeInMB": 2048, "MaxConcurrency": 5}

        # The file asset was published to the emulated staging bucket.
        deployment = describe_deployment(server)
        stacks = {s["name"]: s for s in deployment["stacks"]}
        assert stacks["CDKToolkit"]["status"] == "CREATE_COMPLETE"
        assert stacks[STACK]["status"] == "CREATE_COMPLETE"
        bucket, key = stacks[STACK]["outputs"]["ModelDataUrl"].removeprefix("s3://").split("/", 1)
        body = server.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
        assert body.startswith(b"not really a model")

        # describe_deployment / format_deployment see the same thing.
        [described] = deployment["endpoints"]
        assert described["config_found"]
        assert described["variants"][0]["ServerlessConfig"]["MemorySizeInMB"] == 2048
        assert described["async_inference_config"] is None
        assert any(b.startswith("cdk-hnb659fds-assets-") for b in deployment["buckets"])
        report = format_deployment(deployment)
        assert "serverless 2048 MB, max concurrency 5" in report
        assert f"{STACK}  CREATE_COMPLETE" in report


def test_server_stops_and_port_closes_after_the_context(tmp_path: Path) -> None:
    with MotoServer() as server:
        port = server.port
        assert server.endpoint_url == f"http://localhost:{port}"
        assert _port_is_open(port)
        assert server.client("s3").list_buckets()["Buckets"] == []
        log_path = server.log_path
        assert log_path.is_file()
    assert not server.running
    assert not _port_is_open(port)
    assert not log_path.exists()


def test_env_targets_the_server_with_dummy_credentials_only() -> None:
    base = {
        "PATH": "/usr/bin",
        "AWS_PROFILE": "production",
        "AWS_SESSION_TOKEN": "real-token",
        "AWS_ACCESS_KEY_ID": "AKIAREALKEY",
        "HTTPS_PROXY": "http://proxy.invalid:3128",
    }
    with MotoServer() as server:
        env = server.env(base)
        assert env["AWS_ACCESS_KEY_ID"] == env["AWS_SECRET_ACCESS_KEY"] == "testing"
        assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
        assert env["AWS_ENDPOINT_URL"] == f"http://localhost:{server.port}"
        assert env["CDK_DISABLE_CLI_TELEMETRY"] == "true"
        assert env["AWS_EC2_METADATA_DISABLED"] == "true"
        assert env["PATH"] == "/usr/bin"
        for gone in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "HTTPS_PROXY"):
            assert gone not in env


def test_failing_cli_command_raises_with_the_output_tail(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text(
        json.dumps({"app": f'"{sys.executable}" -c "import sys; sys.exit(\'boom-from-the-app\')"'}),
        encoding="utf-8",
    )
    with MotoServer() as server, pytest.raises(CdkCliError) as caught:
        cdk(["synth", "--quiet"], app_dir=tmp_path, env=server.env(), timeout=120)
    assert caught.value.returncode not in (0, None)
    assert "cdk synth --quiet" in str(caught.value)
    assert "boom-from-the-app" in str(caught.value)
