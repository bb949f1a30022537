"""The instance types validation reads ship with the package, generated from botocore's model."""

from __future__ import annotations

import subprocess
import sys

from cdk_sagemaker_inference.instance_types import (
    instance_type_data,
    known_realtime_types,
    known_transform_types,
)
from helpers import ROOT


def test_the_data_names_its_source_and_date() -> None:
    data = instance_type_data()
    assert data["source"].startswith("botocore ") and "service-2" in data["source"]
    assert len(data["generated"]) == 10
    assert "ml.m5.large" in known_realtime_types() and "ml.m5.xlarge" in known_transform_types()


def test_no_drift_against_the_installed_botocore() -> None:
    """Reports the types that differ (and the command that regenerates the file) when botocore moves on."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_instance_types.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_synthesizing_does_not_import_botocore() -> None:
    """Synth results must not depend on the installed botocore: the constructs never import it."""
    code = ("import sys; import cdk_sagemaker_inference as lib; from aws_cdk import App, Stack; "
            "app = App(); stack = Stack(app, 'S'); "
            "m = lib.InferenceModel(stack, 'M', image=lib.ContainerImage.from_uri('123456789012.dkr.ecr.us-east-1."
            "amazonaws.com/m:1')); "
            "lib.RealtimeEndpoint(stack, 'E', model=m, instance_type=lib.InstanceType.M5_LARGE, instance_count=2); "
            "app.synth(); print('botocore' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "False"
