"""Shared settings of the example stacks."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import App, DefaultStackSynthesizer, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_sagemaker_inference import acknowledge_nag_finding

MODEL_ARTIFACT = str(Path(__file__).parent / "assets" / "model.tar.gz")
"""A small local model.tar.gz, uploaded by `cdk deploy` as a file asset."""

EMULATOR_CONTEXT = "cdk-sagemaker-inference:emulator"


def synthesizer(app: App) -> DefaultStackSynthesizer:
    """The default synthesizer; without the bootstrap-version rule when deploying to the emulator.

    The rule's SSM parameter breaks stack updates on moto server (moto replaces the parameter on every update).
    """
    emulator = str(app.node.try_get_context(EMULATOR_CONTEXT)).lower() == "true"
    return DefaultStackSynthesizer(generate_bootstrap_version_rule=not emulator)


def access_logs_bucket(scope: Construct, construct_id: str = "AccessLogs") -> s3.Bucket:
    """A private, encrypted, TLS-only bucket that receives the other buckets' server access logs."""
    bucket = s3.Bucket(
        scope, construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        removal_policy=RemovalPolicy.RETAIN,
    )
    acknowledge_nag_finding(
        bucket, "AwsSolutions-S1",
        reason="This bucket receives the other buckets' server access logs; logging its own writes "
               "would only log the logging",
    )
    return bucket


def secure_bucket(scope: Construct, construct_id: str, *, access_logs: s3.IBucket, log_prefix: str) -> s3.Bucket:
    """A private, encrypted, TLS-only bucket whose server access logs go to ``access_logs``."""
    return s3.Bucket(
        scope, construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        server_access_logs_bucket=access_logs,
        server_access_logs_prefix=log_prefix,
        removal_policy=RemovalPolicy.RETAIN,
    )
