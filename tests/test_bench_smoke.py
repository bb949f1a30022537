"""`benchmarks/synth_bench.py --quick` runs and prints the table and the machine-readable last line.

It checks the output format only, never timings (a benchmark is not a test of speed).
"""

from __future__ import annotations

import re
import subprocess
import sys

from helpers import ROOT


def test_quick_mode_prints_the_table_and_the_worst_ratio_line() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "synth_bench.py"), "--quick", "--kinds", "serverless"],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("Measured ") and "cores" in lines[0] and "aws-cdk-lib" in lines[0]
    header = next(line for line in lines if line.startswith("| kind | N |"))
    assert "ratio" in header and "node peak MiB" in header and "Python peak MiB" in header
    rows = [line for line in lines if line.startswith("| serverless |")]
    assert [row.split("|")[2].strip() for row in rows] == ["1", "10"]
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        # 8 resources per serverless endpoint: role, its two policies, model, config, endpoint, scaling x2
        assert cells[3] == str(8 * int(cells[1])), row
        # paired ratio (ratio of medians), paired CPU ratio
        assert re.fullmatch(r"\d+\.\d\d \(\d+\.\d\d\)", cells[7]) and re.fullmatch(r"\d+\.\d\d", cells[8]), row
    assert re.fullmatch(r"worst ratio: \d+\.\d\d \(serverless, N=(1|10)\)", lines[-1]), lines[-1]


def test_the_ratio_pairs_the_two_runs_of_each_repetition() -> None:
    """A slow spell that hits one repetition's two runs moves their ratio, not the median ratio."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth_bench import paired_ratio

    library = [{"seconds": 2.0}, {"seconds": 6.0}, {"seconds": 2.2}]
    l1 = [{"seconds": 1.0}, {"seconds": 3.0}, {"seconds": 1.0}]  # repetition 2 ran on a slow machine
    assert paired_ratio(library, l1, "seconds") == 2.0  # ratios 2.0, 2.0, 2.2 (the medians' ratio: 2.2)
