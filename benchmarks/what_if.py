#!/usr/bin/env python3
"""What the library's own extras cost per endpoint: the same app with each of them switched off.

Not a product mode: each configuration runs in a fresh process that replaces one of the library's
internals before the app is built (the switch names below), so the figures say how much of the gap to
aws-cdk's alpha module and to hand-written L1 each extra explains, and how much is left with all of them
off (the L2 objects, grants and scalable targets the constructs build call by call). Switches:

* ``acks``: no cdk-nag acknowledgments (``acknowledge_all`` does nothing);
* ``notes``: no synth-time notes (no cost note, no advice infos);
* ``limits``: no stack-limit check;
* ``checks``: no per-value type checks (``typecheck.check_value`` accepts everything; the binding of the
  arguments, the scope check and the environment checks still run);
* ``all``: every switch above.

Each configuration is measured as construction + synth of N items after a warm-up app in the same
process (as ``synth_bench.py``'s in-process mode), template validation off, repetitions alternating
between configurations; the table gives the median per item and its ratio to the alpha app (and to
L1).

    .venv/bin/python benchmarks/what_if.py --kinds realtime,serverless --n 100 --reps 3
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SWITCHES = ("acks", "notes", "limits", "checks")
CONFIGURATIONS = ("", "acks", "notes", "limits", "checks", "all")


def switch_off(switches: set[str]) -> None:
    """Replace the library's internals named by ``switches`` in this process."""
    import pkgutil

    import cdk_sagemaker_inference.constructs as package
    from cdk_sagemaker_inference import typecheck
    from cdk_sagemaker_inference.constructs import _base, _cost

    modules = [importlib.import_module(f"{package.__name__}.{m.name}") for m in pkgutil.iter_modules(package.__path__)]

    def replace(name: str, value: Any) -> None:  # in every module that imported the name
        holders = [module for module in modules if hasattr(module, name)]
        if not holders:  # the library renamed it: say so rather than measure nothing
            raise SystemExit(f"what_if: no construct module has {name!r} any more; update the switch")
        for module in holders:
            setattr(module, name, value)

    if "acks" in switches:
        replace("acknowledge_all", lambda scope, findings, **options: None)
        replace("acknowledge_execution_role", lambda role, findings, **options: None)
    if "notes" in switches:
        annotate = _base.annotate
        replace("annotate", lambda scope, problem, batch=None: None if problem.constraint_id in _base.ADVICE
                else annotate(scope, problem, batch))
        _cost.CostNotes.validate = lambda self: []  # type: ignore[method-assign]
    if "limits" in switches:
        replace("watch_stack_limits", lambda stack: None)
    if "checks" in switches:
        typecheck.check_value = lambda *args, **kwargs: True  # type: ignore[assignment]


def worker(kind_name: str, side: str, n: int, configuration: str) -> dict[str, Any]:
    """One measurement in this (fresh) process: ms per item of construction + synth."""
    sys.path.insert(0, str(HERE))
    import bench_common

    kind = importlib.import_module(f"bench_{kind_name}").KIND
    switches = set(SWITCHES) if configuration == "all" else {configuration} - {""}
    if side == "library":
        switch_off(switches)
    with tempfile.TemporaryDirectory(prefix="what-if-") as outdir:
        bench_common.build_app(kind, side, 1, f"{outdir}/warm").synth()  # loads the modules both sides use
        started = time.perf_counter()
        bench_common.build_app(kind, side, n, f"{outdir}/app").synth()
        seconds = time.perf_counter() - started
    return {"ms_per_item": 1000 * seconds / n}


def measure(kind_name: str, n: int, reps: int) -> dict[str, list[float]]:
    """Every configuration of the library, alpha and L1, ``reps`` times, alternating."""
    runs = [("library", c) for c in CONFIGURATIONS] + [("alpha", ""), ("l1", "")]
    results: dict[str, list[float]] = {}
    environment = {**os.environ, "CDK_VALIDATION": "false"}
    for _ in range(reps):
        for side, configuration in runs:
            done = subprocess.run([sys.executable, __file__, "--worker", kind_name, side, str(n), configuration],
                                  capture_output=True, text=True, check=True, env=environment)
            figure = json.loads(done.stdout.strip().splitlines()[-1])["ms_per_item"]
            results.setdefault(f"{side}:{configuration}", []).append(figure)
    return results


def table(kind_name: str, n: int, results: dict[str, list[float]]) -> list[str]:
    """Markdown rows: configuration, ms per item (median), ratio to alpha and to L1."""
    alpha = statistics.median(results["alpha:"])
    l1 = statistics.median(results["l1:"])
    lines = [f"{kind_name}, N={n}, construction + synth per item (median of {len(results['l1:'])}):", "",
             "| configuration | ms per item | /alpha | /L1 |", "|---|---:|---:|---:|"]
    for key, values in results.items():
        side, configuration = key.split(":")
        label = side if side != "library" else f"library, {configuration} off" if configuration else "library"
        median = statistics.median(values)
        lines.append(f"| {label} | {median:.1f} | {median / alpha:.2f} | {median / l1:.2f} |")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", default="realtime,serverless", help="kinds with an alpha side")
    parser.add_argument("--n", type=int, default=100, help="items per app (default 100)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind_name, side, n, configuration = args.worker
        print(json.dumps(worker(kind_name, side, int(n), configuration)))
        return 0
    if importlib.util.find_spec("aws_cdk.aws_sagemaker_alpha") is None:
        print("what_if: aws-cdk's aws_sagemaker_alpha module (the alpha side) is not installed; install the bench "
              "extra: pip install -e '.[bench]' (make setup does)", file=sys.stderr)
        return 2
    for kind_name in args.kinds.split(","):
        print("\n".join(table(kind_name, args.n, measure(kind_name, args.n, args.reps))))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
