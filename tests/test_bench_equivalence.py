"""The benchmark compares like with like: for every kind, the library app and the hand-written L1 app
synthesize the same resources with the same properties (logical ids and generated names aside)."""

from __future__ import annotations

import collections
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
    return bench_common.Kind(name=kind.name, per_stack=2, library=kind.library, l1=kind.l1)


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


def test_large_n_is_spread_so_that_no_stack_passes_80_percent_of_the_limits() -> None:
    assert list(bench_common.stack_ranges(5, 2)) == [(0, 0, 2), (1, 2, 2), (2, 4, 1)]
    for kind in KINDS.values():
        per_item = sum(counts for counts in _resources_per_item(kind).values())
        assert per_item * kind.per_stack <= 400, kind.name


def _resources_per_item(kind: Any) -> dict[str, int]:
    (template,) = templates(small(kind), "library", 1).values()
    return dict(collections.Counter(r["Type"] for r in template["Resources"].values()))
