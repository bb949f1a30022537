"""The benchmark compares like with like: for every kind, the library app and the hand-written L1 app
synthesize the same resources with the same properties (logical ids and generated names aside)."""

from __future__ import annotations

import collections
import dataclasses
import sys
from typing import Any

import pytest

from helpers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_common
import synth_bench

KINDS = synth_bench.kinds()


def templates(kind: Any, side: str, n: int) -> dict[str, dict[str, Any]]:
    assembly = bench_common.build_app(kind, side, n).synth()
    return {stack.stack_name: stack.template for stack in assembly.stacks}


def small(kind: Any) -> Any:
    """The kind with two items per stack, so that N=3 spreads over two stacks."""
    return dataclasses.replace(kind, per_stack=2)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_both_sides_synthesize_the_same_resource_types_and_counts_per_stack(name: str) -> None:
    kind = small(KINDS[name])
    library, l1 = templates(kind, "library", 3), templates(kind, "l1", 3)
    assert sorted(library) == sorted(l1) and len(library) == 2

    def counts(template: dict[str, Any]) -> collections.Counter[str]:
        return collections.Counter(r["Type"] for r in template["Resources"].values())

    for stack in library:
        assert counts(library[stack]) == counts(l1[stack]), stack


@pytest.mark.parametrize("name", sorted(KINDS))
def test_both_sides_synthesize_the_same_properties(name: str) -> None:
    kind = small(KINDS[name])
    library, l1 = templates(kind, "library", 2), templates(kind, "l1", 2)
    for stack in library:
        assert bench_common.canonical_template(library[stack]) == bench_common.canonical_template(l1[stack])


@pytest.mark.parametrize("name", sorted(KINDS))
def test_the_l1_app_that_imports_the_bucket_still_renders_the_same_templates(name: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """``synth_bench.py --l1-imports-bucket`` (a diagnostic): the import adds no resource, and is there."""
    kind = small(KINDS[name])
    plain = templates(kind, "l1", 2)
    monkeypatch.setenv(bench_common.L1_IMPORTS_BUCKET, "1")
    app = bench_common.build_app(kind, "l1", 2)
    assert all(stack.node.try_find_child("Models") is not None for stack in app.node.children)
    with_import = {stack.stack_name: stack.template for stack in app.synth().stacks}
    assert with_import == plain


def test_large_n_is_spread_so_that_no_stack_passes_80_percent_of_the_limits() -> None:
    assert list(bench_common.stack_ranges(5, 2)) == [(0, 0, 2), (1, 2, 2), (2, 4, 1)]
    for kind in KINDS.values():
        per_item = sum(counts for counts in _resources_per_item(kind).values())
        assert per_item * kind.per_stack <= 400, kind.name


def _resources_per_item(kind: Any) -> dict[str, int]:
    (template,) = templates(small(kind), "library", 1).values()
    return dict(collections.Counter(r["Type"] for r in template["Resources"].values()))


ALPHA_KINDS = sorted(name for name, kind in KINDS.items() if kind.alpha is not None)


def test_the_peer_is_measured_for_the_kinds_the_alpha_module_covers() -> None:
    """aws-cdk's aws_sagemaker_alpha has real-time and serverless endpoints (no async inference, no
    batch transform): those two kinds have an alpha side, and each says what it renders differently."""
    assert ALPHA_KINDS == ["realtime", "serverless"]
    for name in ALPHA_KINDS:
        assert KINDS[name].alpha_differences, name


@pytest.mark.parametrize("name", ALPHA_KINDS)
def test_the_alpha_app_has_the_library_resources_but_the_stated_differences(name: str) -> None:
    """The same endpoints (models, configs, endpoints, scaling), with the resource types the kind's
    ``alpha_type_delta`` states: the stated differences are the measured ones."""
    kind = small(KINDS[name])
    library, alpha = templates(kind, "library", 3), templates(kind, "alpha", 3)
    assert sorted(library) == sorted(alpha)
    for stack in library:
        items = sum(1 for r in library[stack]["Resources"].values() if r["Type"] == "AWS::SageMaker::Endpoint")
        want = collections.Counter(r["Type"] for r in library[stack]["Resources"].values())
        for resource_type, delta in kind.alpha_type_delta.items():
            want[resource_type] += delta * items
        got = collections.Counter(r["Type"] for r in alpha[stack]["Resources"].values())
        assert +got == +want, stack


@pytest.mark.parametrize("name", ALPHA_KINDS)
def test_the_alpha_app_role_is_the_modules_default_and_the_library_role_is_scoped(name: str) -> None:
    """The first stated difference, checked on the templates: alpha's model role carries
    AmazonSageMakerFullAccess; the library's carries no managed policy."""
    kind = small(KINDS[name])
    for side, managed in (("alpha", True), ("library", False)):
        for template in templates(kind, side, 1).values():
            roles = [r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
            assert roles and all(("AmazonSageMakerFullAccess" in str(r["Properties"].get("ManagedPolicyArns")))
                                 is managed for r in roles), side


def test_the_pasted_metadata_key_is_the_librarys() -> None:
    from cdk_sagemaker_inference import METADATA_KEY

    assert bench_common.METADATA_KEY == METADATA_KEY
