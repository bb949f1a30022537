"""cdk-nag over every construct, default and fully featured: AwsSolutions has no unacknowledged
finding; every NIST 800-53 R5 finding is either closable with a documented option or reported as
open, and the README's compliance section says exactly that."""

from __future__ import annotations

import functools
import importlib.util

import pytest

from helpers import ROOT, nag_findings, new_app, new_stack
from nag_configs import CLOSABLE, CLOSABLE_IN_OTHER_PACKS, CONFIGURATIONS, FULL_CLOSES, OPEN

CASES = [(construct, config) for construct, configs in CONFIGURATIONS.items() for config in configs]


@functools.cache
def findings(construct: str, config: str, pack: str) -> tuple[str, ...]:
    app = new_app()
    stack = new_stack(app, f"{construct}{config.title()}")
    scopes = CONFIGURATIONS[construct][config](stack)
    return tuple(sorted({f for scope in scopes for f in nag_findings(scope, packs=(pack,))}))


def rule_of(finding: str) -> str:
    return finding.split(" at ", 1)[0]


@pytest.mark.parametrize(("construct", "config"), CASES)
def test_aws_solutions_has_no_unacknowledged_finding(construct: str, config: str) -> None:
    assert findings(construct, config, "AwsSolutions") == ()


@pytest.mark.parametrize(("construct", "config"), CASES)
def test_every_nist_finding_is_closable_or_reported(construct: str, config: str) -> None:
    unexplained = [f for f in findings(construct, config, "NIST")
                   if construct not in CLOSABLE.get(rule_of(f), {}) and construct not in OPEN.get(rule_of(f), {})]
    assert unexplained == []


@pytest.mark.parametrize("pack", ["NIST4", "HIPAA", "PCI"])
@pytest.mark.parametrize(("construct", "config"), CASES)
def test_every_other_compliance_pack_finding_is_a_nist_one_or_closable(construct: str, config: str, pack: str) -> None:
    """Found by review: the library acknowledged IAMNoInlinePolicy and a serverless endpoint config's KMS key for NIST
    800-53 R5 only, and HIPAA and PCI reported the identical rules with nothing a user could do. The packs run the
    same rules: each finding is the NIST R5 one of the same rule (closable or reported there), or closable."""
    unexplained = []
    for finding in findings(construct, config, pack):
        rule = rule_of(finding)
        same_in_nist = "NIST.800.53.R5-" + rule.split("-", 1)[1]
        explained = any(construct in table.get(key, {}) for table in (CLOSABLE, OPEN) for key in (rule, same_in_nist))
        if not explained and construct not in CLOSABLE_IN_OTHER_PACKS.get(rule, {}):
            unexplained.append(finding)
    assert unexplained == []


@pytest.mark.parametrize("construct", sorted(FULL_CLOSES))
def test_the_fully_featured_configuration_closes_what_its_options_close(construct: str) -> None:
    rules = {rule_of(f) for f in findings(construct, "full", "NIST")}
    assert rules.isdisjoint(FULL_CLOSES[construct]), rules & set(FULL_CLOSES[construct])


def test_readme_compliance_section_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("gen_nag_doc", ROOT / "scripts" / "gen_nag_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    readme = (ROOT / "README.md").read_text()
    assert module.updated(readme) == readme, "README.md's compliance section is stale: python scripts/gen_nag_doc.py"
    assert readme.index(module.BEGIN) < readme.index("## Develop")
