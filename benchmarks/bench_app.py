#!/usr/bin/env python3
"""The app a user runs, for the whole-process and ``cdk synth`` measurements of ``synth_bench.py``.

``BENCH_KIND``, ``BENCH_SIDE`` (``library``, ``alpha`` or ``l1``) and ``BENCH_N`` in the
environment say what to build. Run as ``python bench_app.py`` (whole process: Python start,
imports, the jsii kernel, construction and synth) or as ``cdk synth --app "python bench_app.py"``
(the CLI's own start and its reading of the assembly on top). It imports only what its side uses:
the kind's module imports this library or aws-cdk's alpha module inside the side's builder.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_common


def main() -> None:
    kind = importlib.import_module(f"bench_{os.environ['BENCH_KIND']}").KIND
    # Without an outdir, App reads the CDK CLI's CDK_OUTDIR (or writes to a temporary directory).
    bench_common.build_app(kind, os.environ["BENCH_SIDE"], int(os.environ["BENCH_N"]),
                           os.environ.get("BENCH_OUTDIR") or None).synth()


if __name__ == "__main__":
    main()
