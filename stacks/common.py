"""Shared settings of the example stacks."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import App, DefaultStackSynthesizer

MODEL_ARTIFACT = str(Path(__file__).parent / "assets" / "model.tar.gz")
"""A small local model.tar.gz, uploaded by `cdk deploy` as a file asset."""

EMULATOR_CONTEXT = "cdk-sagemaker-inference:emulator"


def synthesizer(app: App) -> DefaultStackSynthesizer:
    """The default synthesizer; without the bootstrap-version rule when deploying to the emulator.

    The rule's SSM parameter breaks stack updates on moto server (see DESIGN.md).
    """
    emulator = str(app.node.try_get_context(EMULATOR_CONTEXT)).lower() == "true"
    return DefaultStackSynthesizer(generate_bootstrap_version_rule=not emulator)
