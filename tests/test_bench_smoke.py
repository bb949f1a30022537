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
        assert cells[3] == str(7 * int(cells[1])), row  # 7 resources per serverless endpoint
        assert re.fullmatch(r"\d+\.\d\d", cells[7]) and re.fullmatch(r"\d+\.\d\d", cells[8]), row  # ratios
    assert re.fullmatch(r"worst ratio: \d+\.\d\d \(serverless, N=(1|10)\)", lines[-1]), lines[-1]
