"""Corrupt or unexpected input makes the guard say "could not check" (exit 2), never "unsafe" or "safe"."""

from __future__ import annotations

import io
import json
from argparse import Namespace
from pathlib import Path
from typing import Any

import pytest

from cdk_sagemaker_inference.guard.cli import EXIT_ERROR, run
from test_migration import REALTIME, write_assembly


def guard(assembly: Path, baseline: Path | None = None) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(Namespace(assembly=str(assembly), baseline=str(baseline) if baseline else None, stacks=None,
                         region=None, profile=None, include_acknowledged=False, json=False), out=out, err=err)
    return code, out.getvalue() + err.getvalue()


def corrupt(tmp_path: Path, change: Any) -> Path:
    assembly = write_assembly(tmp_path / "new", {"Svc": REALTIME})
    change(assembly)
    return assembly


def _manifest(assembly: Path) -> dict[str, Any]:
    return json.loads((assembly / "manifest.json").read_text())  # type: ignore[no-any-return]


CASES = {
    "manifest is a list": lambda a: (a / "manifest.json").write_text("[]"),
    "manifest is not JSON": lambda a: (a / "manifest.json").write_text("{not json"),
    "stack without templateFile": lambda a: (a / "manifest.json").write_text(json.dumps(
        {**_manifest(a), "artifacts": {"Svc": {"type": "aws:cloudformation:stack",
                                                "environment": "aws://unknown-account/unknown-region",
                                                "properties": {}}}})),
    "template is null": lambda a: (a / "Svc.template.json").write_text("null"),
    "a resource is a string": lambda a: (a / "Svc.template.json").write_text(json.dumps(
        {"Resources": {"Endpoint": "AWS::SageMaker::Endpoint"}})),
    "Resources is a list": lambda a: (a / "Svc.template.json").write_text(json.dumps({"Resources": []})),
    "template file missing": lambda a: (a / "Svc.template.json").unlink(),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_corrupt_assembly_is_exit_2_with_the_reason(case: str, tmp_path: Path) -> None:
    assembly = corrupt(tmp_path, CASES[case])
    code, text = guard(assembly, baseline=write_assembly(tmp_path / "old", {"Svc": REALTIME}))
    assert code == EXIT_ERROR, text
    assert "could not check" in text
    assert "Traceback" not in text


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_corrupt_baseline_is_exit_2_too(case: str, tmp_path: Path) -> None:
    baseline = write_assembly(tmp_path / "old", {"Svc": REALTIME})
    CASES[case](baseline)
    code, text = guard(write_assembly(tmp_path / "new", {"Svc": REALTIME}), baseline=baseline)
    assert code == EXIT_ERROR, text
    assert "could not check" in text


def test_a_baseline_file_that_is_not_json_is_named_as_such(tmp_path: Path) -> None:
    baseline = tmp_path / "Svc.template.json"
    baseline.write_text("not json")
    code, text = guard(write_assembly(tmp_path / "new", {"Svc": REALTIME}), baseline=baseline)
    assert code == EXIT_ERROR
    assert "cannot be read as a JSON template" in text and "deployed stacks" not in text


def test_a_missing_region_says_which_variable_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    code, text = guard(write_assembly(tmp_path / "new", {"Svc": REALTIME}))
    assert code == EXIT_ERROR
    assert "pass --region or set AWS_DEFAULT_REGION" in text


def test_a_baseline_that_is_the_assembly_itself_is_exit_2(tmp_path: Path) -> None:
    """guard --assembly cdk.out --baseline cdk.out compared an assembly with itself and said "safe"."""
    assembly = write_assembly(tmp_path / "new", {"Svc": REALTIME})
    for baseline in (assembly, assembly / "Svc.template.json"):
        code, text = guard(assembly, baseline=baseline)
        assert code == 2
        assert "is the assembly being checked" in text and "would answer 'safe' without comparing anything" in text


def test_a_missing_baseline_names_the_baseline(tmp_path: Path) -> None:
    """The message named --assembly for a wrong --baseline (found by review)."""
    code, text = guard(write_assembly(tmp_path / "new", {"Svc": REALTIME}), baseline=tmp_path / "nonexistent")
    assert code == 2
    assert "the baseline" in text and "neither a cloud assembly (no manifest.json) nor a template file" in text
    assert "--assembly" not in text


def test_a_stage_assembly_inside_the_baseline_is_exit_2(tmp_path: Path) -> None:
    """A stage's assembly sits inside its app's: guard --assembly cdk.out/assembly-Prod --baseline cdk.out
    compared the stage with itself."""
    outer = write_assembly(tmp_path / "app", {"Svc": REALTIME})
    inner = write_assembly(outer / "assembly-Prod", {"Svc": REALTIME})
    code, text = guard(inner, baseline=outer)
    assert code == 2 and "or holds it" in text
