"""`benchmarks/synth_bench.py --quick` runs and prints the table and the machine-readable last line.

It checks the output format only, never timings (a benchmark is not a test of speed).
"""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest

from helpers import ROOT


def test_quick_mode_prints_the_tables_and_the_machine_readable_lines() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "synth_bench.py"), "--quick", "--kinds", "serverless", "--ns", "1"],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("Measured ") and "cores" in lines[0] and "aws-cdk-lib" in lines[0]
    assert "template validation: off" in lines[0]
    assert "code cache (node's compiled aws-cdk-lib modules): filled before the runs" in lines[0]
    # The whole-process table: the three sides in both modes, paired ratios against alpha and L1.
    header = next(line for line in lines if line.startswith("| kind | N | process s"))
    assert "library/alpha" in header and "cdk synth s" in header
    (whole,) = [line for line in lines if line.startswith("| serverless | 1 |") and line.count("/") >= 4
                and "KiB" not in line and len(line.strip("|").split("|")) == 8]
    cells = [c.strip() for c in whole.strip("|").split("|")]
    for seconds, ratios in ((cells[2], cells[3:5]), (cells[5], cells[6:8])):
        assert re.fullmatch(r"\d+\.\d\d / \d+\.\d\d / \d+\.\d\d", seconds), whole
        assert all(re.fullmatch(r"\d+\.\d\d", r) for r in ratios), whole
    # The in-process table.
    header = next(line for line in lines if line.startswith("| kind | N | stacks"))
    assert "ratio" in header and "node peak MiB" in header and "Python peak MiB" in header
    (row,) = [line for line in lines if line.startswith("| serverless | 1 | 1 |")]
    cells = [c.strip() for c in row.strip("|").split("|")]
    # 6 resources per serverless endpoint: role (with its inline policy: logs, metrics, pull, read), model,
    # config, endpoint, scaling x2
    assert cells[3] == "6", row
    # paired ratio (ratio of medians), paired CPU ratio, alpha seconds and library/alpha
    assert re.fullmatch(r"\d+\.\d\d \(\d+\.\d\d\)", cells[7]) and re.fullmatch(r"\d+\.\d\d", cells[8]), row
    assert re.fullmatch(r"\d+\.\d\d", cells[13]) and re.fullmatch(r"\d+\.\d\d", cells[14]), row
    assert re.fullmatch(r"worst ratio: \d+\.\d\d \(serverless, N=1\)", lines[-2]), lines[-2]
    assert re.fullmatch(r"whole process: worst library/alpha \d+\.\d\d \(serverless, 1\); "
                        r"worst library/L1 \d+\.\d\d \(serverless, 1\)", lines[-1]), lines[-1]


def test_the_bucket_import_diagnostic_says_so_and_never_writes_the_readme() -> None:
    bench = [sys.executable, str(ROOT / "benchmarks" / "synth_bench.py"), "--kinds", "serverless", "--ns", "1",
             "--reps", "1", "--modes", "process", "--l1-imports-bucket"]
    done = subprocess.run([*bench, "--write-readme"], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          check=False)
    assert done.returncode == 2 and "the README's tables compare the apps as written" in done.stderr
    done = subprocess.run([*bench, "--no-code-cache"], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "The hand-written L1 app imports the models' bucket as the library app does" in done.stdout
    assert "code cache (node's compiled aws-cdk-lib modules): off (`--no-code-cache`" in done.stdout
    assert re.search(r"^\| serverless \| 1 \| \d+\.\d\d / \d+\.\d\d / \d+\.\d\d \|", done.stdout, re.M), done.stdout


def test_the_runner_names_the_library_code_cache_variable() -> None:
    """The runner pastes the variable (it does not import the library): a renamed one would leave every run cold."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth_bench

    from cdk_sagemaker_inference.constructs import _batch

    assert synth_bench.CODE_CACHE_ENV == _batch.CODE_CACHE_ENV


def test_the_ratio_pairs_the_two_runs_of_each_repetition() -> None:
    """A slow spell that hits one repetition's two runs moves their ratio, not the median ratio."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth_bench import paired_ratio

    library = [{"seconds": 2.0}, {"seconds": 6.0}, {"seconds": 2.2}]
    l1 = [{"seconds": 1.0}, {"seconds": 3.0}, {"seconds": 1.0}]  # repetition 2 ran on a slow machine
    assert paired_ratio(library, l1, "seconds") == 2.0  # ratios 2.0, 2.0, 2.2 (the medians' ratio: 2.2)


def test_without_the_bench_extra_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The alpha side comes from the `bench` extra: without it the run stops at once with the install
    command (exit 2), not with an ImportError in every worker."""
    import importlib.util

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth_bench

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "aws_cdk.aws_sagemaker_alpha" else real(name, *a))
    assert synth_bench.main(["--quick", "--kinds", "serverless"]) == 2
    assert "pip install -e '.[bench]'" in capsys.readouterr().err


def test_what_if_switches_each_extra_off_and_prints_the_table() -> None:
    """`benchmarks/what_if.py` (the cost of each of the library's extras): every switch still finds the
    internal it replaces (a rename or a new argument stops the run: the real-time endpoint's notes take a batch),
    and each kind's table has one row per configuration."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "what_if.py"), "--kinds", "serverless,realtime", "--n", "1",
         "--reps", "1"],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and "configuration" not in line]
    labels = [row.split("|")[1].strip() for row in rows]
    assert labels == 2 * ["library", "library, acks off", "library, notes off",
                          "library, limits off", "library, checks off", "library, all off", "alpha", "l1"]
    assert all(re.fullmatch(r"\d+\.\d", row.split("|")[2].strip()) for row in rows)


def test_l2_cost_checks_each_pair_renders_the_same_resources_and_prints_the_table() -> None:
    """`benchmarks/l2_cost.py` (what each kept L2 costs against the L1 it renders): both sides of every pair
    synthesize the same resources (the script stops otherwise), and the table has a row per pair."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "l2_cost.py"), "--n", "2", "--reps", "1"],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and "kept L2" not in line]
    assert [row.split("|")[1].strip().split(":")[0] for row in rows] == ["model execution role", "variant autoscaling"]
    assert all(re.fullmatch(r"[+-]\d+", row.split("|")[4].strip()) for row in rows)


def test_l2_cost_stops_when_a_pair_renders_different_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import l2_cost

    monkeypatch.setattr(l2_cost, "_DIMENSION", "sagemaker:variant:DesiredProvisionedConcurrency")
    real = l2_cost.scaling_l1

    def other_dimension(stack: Any, i: int, batch: Any) -> None:  # the L1 side keeps the instance count
        monkeypatch.setattr(l2_cost, "_DIMENSION", "sagemaker:variant:DesiredInstanceCount")
        try:
            real(stack, i, batch)
        finally:
            monkeypatch.setattr(l2_cost, "_DIMENSION", "sagemaker:variant:DesiredProvisionedConcurrency")

    monkeypatch.setitem(l2_cost.PAIRS, "scaling", (l2_cost.scaling_l2, other_dimension, "scaling"))
    with pytest.raises(SystemExit, match="render different resources"):
        l2_cost.check_same_resources("scaling")
