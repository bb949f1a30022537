"""The constraint table: well-formed, used by validation, and the README shows it as it is."""

from __future__ import annotations

import re
import subprocess
import sys

from cdk_sagemaker_inference.constraints import BY_ID, CONSTRAINTS, Area, Severity, by_area, constraint
from helpers import ROOT


def test_ids_are_unique_and_every_row_has_a_source() -> None:
    assert len(BY_ID) == len(CONSTRAINTS)
    for row in CONSTRAINTS:
        assert row.source.strip(), row.id
        assert row.rule.strip(), row.id
        if row.pattern:
            re.compile(row.pattern)
            assert row.pattern.startswith("^") and row.pattern.endswith("$"), f"{row.id}: anchor the pattern"


def test_every_area_of_constraints_md_is_covered() -> None:
    for area in Area:
        assert by_area(area), area


def test_soft_limits_are_warnings() -> None:
    assert constraint("serverless.quota-concurrency").severity is Severity.WARNING
    assert constraint("serverless.quota-endpoints").severity is Severity.WARNING
    assert constraint("realtime.single-instance").severity is Severity.WARNING


def test_serverless_limits_match_botocore() -> None:
    import botocore.loaders

    shapes = botocore.loaders.Loader().load_service_model("sagemaker", "service-2")["shapes"]
    for row_id, shape in [("serverless.max-concurrency", "ServerlessMaxConcurrency"),
                          ("serverless.provisioned-concurrency", "ServerlessProvisionedConcurrency"),
                          ("serverless.memory", "ServerlessMemorySizeInMB")]:
        row = constraint(row_id)
        assert (row.minimum, row.maximum) == (shapes[shape]["min"], shapes[shape]["max"]), row_id
    assert constraint("name.endpoint").max_length == shapes["EndpointName"]["max"]
    assert constraint("name.endpoint").pattern == "^" + shapes["EndpointName"]["pattern"] + "$"
    assert constraint("name.model").pattern == "^" + shapes["ModelName"]["pattern"] + "$"


def test_readme_constraint_table_is_current() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_constraints_doc.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_refused_or_warned_rule_is_enforced_by_the_library() -> None:
    """A row marked "refused" or "warning" that no code uses would be a claim without a check."""
    sources = "\n".join(p.read_text() for p in (ROOT / "src").rglob("*.py") if p.name != "constraints.py")
    unused = [c.id for c in CONSTRAINTS
              if c.severity in (Severity.ERROR, Severity.WARNING) and f'"{c.id}"' not in sources]
    assert unused == [], f"rows with nothing enforcing them: {unused} (implement them, or mark them BY_DESIGN/DOCUMENT)"
