#!/usr/bin/env python3
"""Synth benchmark: this library against the same resources written by hand with L1 classes.

For each construct kind (one entry per kind: ``bench_<kind>.py`` with a library builder, an L1
builder and, for the kinds aws-cdk's ``aws_sagemaker_alpha`` module covers, an alpha builder; see
``bench_common.Kind``) and N items, it synthesizes (a) the app built with the library, (b) the same
endpoints with the alpha module and (c) the hand-written L1 app, side by side in one run, several
repetitions with the order rotating. Every measurement runs in a fresh Python process (with its own
jsii kernel), in three modes:

* whole process: ``python bench_app.py``, timed from start to exit by the runner: Python start,
  imports (each side imports only what it uses), the jsii kernel, construction and synth: what a
  user waits for;
* ``cdk synth``: the CDK CLI running ``bench_app.py`` (the CLI's start and its reading of the
  assembly on top);
* construction + synth, in process (the figures below), where peak memory is measured:

* time: wall time of app construction + ``app.synth()``, after one warm-up synth of a trivial
  app in the same process (aws-cdk-lib's first synth in a process loads its template validation
  rules, a fixed cost of several seconds that neither side controls; it is reported separately);
* Python peak RSS: ``resource.getrusage(RUSAGE_SELF).ru_maxrss``;
* node peak RSS: ``VmHWM`` (the kernel's high-water mark) of the jsii node process, read from
  ``/proc`` at the end of the run (the kernel is still alive, so ``RUSAGE_CHILDREN`` would not
  see it);
* template bytes and resources: summed over the stacks (large N is spread over several stacks
  so that no template passes 80% of CloudFormation's 500-resource or 1 MB limits).

aws-cdk-lib's template validation is off in every run (``CDK_VALIDATION=false``, what ``cdk synth
--no-validation`` sets): its fixed cost of several seconds per process is the same for every side.
``--validation`` turns it on. The library runs from bytecode, as an installed wheel does (pip
compiles at install): the runner compiles it first, whatever ``PYTHONDONTWRITEBYTECODE`` says.

It prints two Markdown tables (and with ``--write-readme`` writes them into README.md between the
``bench:begin``/``bench:end`` markers). The last two lines are ``worst ratio: <x.xx> (<kind>, N=<n>)``
(the largest in-process library/L1 ratio over the target sizes, N ≥ 50; every N in ``--quick``
mode) and ``whole process: worst library/alpha R (kind, N); worst library/L1 R (kind, N)`` (alpha:
every N; L1: realtime and serverless at N ≥ 10, every N in ``--quick`` mode).

    make bench                                   # full run, README table
    .venv/bin/python benchmarks/synth_bench.py --quick --kinds serverless
    .venv/bin/python benchmarks/synth_bench.py --profile serverless --n 50   # jsii round trips by call site
"""

from __future__ import annotations

import argparse
import collections
import compileall
import datetime
import gc
import glob
import importlib
import importlib.util
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
README = ROOT / "README.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
KIND_MODULES = ("bench_serverless", "bench_realtime", "bench_async", "bench_batch")
FULL_NS = (1, 10, 50, 200)
QUICK_NS = (1, 10)
TARGET_NS = (50, 200)
TARGET_RATIO = 1.25
TARGET_SCALING = 4.4
DEFAULT_REPS = 5
SMALL_N_REPS = 3
"""Repetitions below N = 50, where fixed costs dominate: fewer than at the larger sizes keeps a full ``make bench``
near 23 minutes, but N = 10 is a size of the whole-process library/L1 target, and one repetition made its verdict
one sample (two runs of the same code 20 minutes apart: 1.13 and 1.22)."""
MODES = ("process", "cdk", "inprocess")
"""Whole process, ``cdk synth``, construction + synth in process (see the module doc)."""
WORKER_TIMEOUT_S = 900
APP = HERE / "bench_app.py"
CDK_CLI = ROOT / "node_modules" / ".bin" / "cdk"
L1_TARGET_KINDS = ("realtime", "serverless")
"""The kinds whose whole-process library/L1 ratio at N ≥ 10 the last line reports (the target)."""
VALIDATION = False
"""aws-cdk-lib's template validation in the measured processes (``--validation``)."""
L1_BUCKET = False
"""The hand-written app also imports the models' bucket (``--l1-imports-bucket``, ``bench_common.L1_IMPORTS_BUCKET``)."""
CODE_CACHE = True
"""The library's code cache (node's compiled aws-cdk-lib modules, ``_batch.code_cache_dir``) in a directory of the run,
filled before the measurements by one library app of each kind (``prepare``) and used by every measurement and the
import table: what a user's synth finds after the first one on a machine. ``--no-code-cache``: off in every process (a first
synth, a CI machine without a kept cache)."""
CODE_CACHE_ENV = "CDK_SAGEMAKER_INFERENCE_CODE_CACHE"
"""``_batch.CODE_CACHE_ENV``, pasted: the runner does not import the library (``tests/test_bench_smoke.py`` checks it)."""
_CODE_CACHE_DIR = [""]

if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


# ----------------------------------------------------------------------------------- kinds
def kind_modules() -> dict[str, Any]:
    """name → module for every kind whose construct exists in the library (kinds land one by one)."""
    found: dict[str, Any] = {}
    for module_name in KIND_MODULES:
        if not (HERE / f"{module_name}.py").exists():
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:  # the construct has not landed yet
            print(f"skipping {module_name}: {error}", file=sys.stderr)
            continue
        found[module.KIND.name] = module
    return found


def kinds() -> dict[str, Any]:
    """name → ``bench_common.Kind``."""
    return {name: module.KIND for name, module in kind_modules().items()}


def sides_of(kind_name: str) -> tuple[str, ...]:
    """The sides measured for a kind: the library, the alpha module where it covers the kind, L1."""
    return ("library", "alpha", "l1") if kinds()[kind_name].alpha else ("library", "l1")


# ----------------------------------------------------------------------------------- worker
def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for path in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            children = [int(x) for x in Path(path).read_text().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def node_peak_rss_kib() -> int:
    """The high-water RSS of the jsii kernel: the largest ``VmHWM`` among the node executables this
    process started (jsii runs ``node jsii-runtime.js``, which runs the kernel in a child node
    process; a launcher script may sit in between)."""
    peaks = [_status_kib(pid, "VmHWM") for pid in _descendants(os.getpid()) if _is_node(pid)]
    return max(peaks, default=0)


def node_cpu_seconds() -> float:
    """CPU time (user + system) used so far by the node processes this process started."""
    ticks = 0
    for pid in _descendants(os.getpid()):
        if _is_node(pid):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def _is_node(pid: int) -> bool:
    try:
        return os.path.basename(os.readlink(f"/proc/{pid}/exe")).startswith("node")
    except OSError:
        return False


def _warm_up() -> float:
    """One synth of a trivial app: pays aws-cdk-lib's per-process first-synth setup outside the timing."""
    from aws_cdk import App, CfnResource, Stack

    started = time.perf_counter()
    outdir = tempfile.mkdtemp(prefix="bench-warmup-")
    try:
        app = App(outdir=outdir)
        CfnResource(Stack(app, "WarmUp"), "Handle", type="AWS::CloudFormation::WaitConditionHandle")
        app.synth()
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
    return time.perf_counter() - started


class CallCounter:
    """Counts jsii kernel round trips: every request the Python side sends to the node kernel
    (the kernel provider's create/get/set/invoke/... and callback completions), per kernel method,
    per member and per first call site outside jsii and aws-cdk-lib."""

    METHODS = ("create", "get", "set", "sget", "sset", "invoke", "sinvoke", "delete", "begin", "sbegin",
               "end", "callbacks", "complete", "sync_complete")
    SKIP = ("site-packages", sysconfig.get_paths()["stdlib"])  # jsii, aws-cdk-lib, typeguard, stdlib

    def __init__(self) -> None:
        self.by_method: collections.Counter[str] = collections.Counter()
        self.by_member: collections.Counter[str] = collections.Counter()
        self.by_site: collections.Counter[str] = collections.Counter()
        self.seconds_by_member: collections.Counter[str] = collections.Counter()
        self.total = 0

    def install(self) -> None:
        import jsii

        provider = jsii.kernel.provider
        for method in self.METHODS:
            original = getattr(provider, method, None)
            if original is not None:
                setattr(provider, method, self._wrap(method, original))

    def _wrap(self, method: str, original: Any) -> Any:
        counter = self

        def counted(request: Any = None, *args: Any, **kwargs: Any) -> Any:
            counter.total += 1
            counter.by_method[method] += 1
            member = (getattr(request, "property", None) or getattr(request, "method", None)
                      or getattr(request, "fqn", None) or "")
            counter.by_member[f"{method} {member}"] += 1
            frame = sys._getframe(1)
            while frame is not None and any(part in frame.f_code.co_filename for part in counter.SKIP):
                frame = frame.f_back  # type: ignore[assignment]
            if frame is not None:
                name = os.path.relpath(frame.f_code.co_filename, ROOT)
                counter.by_site[f"{name}:{frame.f_lineno} {frame.f_code.co_name}"] += 1
            started = time.perf_counter()
            try:
                return original(request, *args, **kwargs)
            finally:
                # Inclusive: a call's time includes the callbacks node makes into Python meanwhile.
                counter.seconds_by_member[f"{method} {member}"] += time.perf_counter() - started

        return counted


def run_worker(kind_name: str, side: str, n: int, *, count_calls: bool = False,
               pyinstrument: bool = False) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    from bench_common import build_app, dlc_accounts

    kind = kinds()[kind_name]
    warm_up_s = _warm_up()
    dlc_accounts()  # the hand-writer's pasted table: prepared outside the timing, used by both sides
    counter = CallCounter() if count_calls else None
    if counter:
        counter.install()
    profiler = None
    if pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
    outdir = tempfile.mkdtemp(prefix="bench-")
    try:
        gc.collect()
        if profiler:
            profiler.start()
        node_cpu_before = node_cpu_seconds()
        cpu_before = time.process_time()
        started = time.perf_counter()
        app = build_app(kind, side, n, outdir)
        built = time.perf_counter()
        app.synth()
        finished = time.perf_counter()
        python_cpu = time.process_time() - cpu_before
        node_cpu = node_cpu_seconds() - node_cpu_before
        if profiler:
            profiler.stop()
        templates = sorted(Path(outdir).glob("*.template.json"))
        sizes = [t.stat().st_size for t in templates]
        counts = [len(json.loads(t.read_text()).get("Resources", {})) for t in templates]
        types: collections.Counter[str] = collections.Counter()
        for template in templates:
            types.update(r["Type"] for r in json.loads(template.read_text()).get("Resources", {}).values())
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
    result: dict[str, Any] = {
        "kind": kind_name, "side": side, "n": n,
        "seconds": finished - started, "construct_seconds": built - started, "synth_seconds": finished - built,
        "warm_up_seconds": warm_up_s,
        "python_cpu_seconds": python_cpu, "node_cpu_seconds": node_cpu, "cpu_seconds": python_cpu + node_cpu,
        "python_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "node_peak_kib": node_peak_rss_kib(),
        "stacks": len(templates), "template_bytes": sum(sizes), "max_template_bytes": max(sizes, default=0),
        "resources": sum(counts), "max_stack_resources": max(counts, default=0), "types": dict(types),
    }
    if counter:
        result["jsii_calls"] = counter.total
        result["jsii_by_method"] = dict(counter.by_method.most_common())
        result["jsii_by_member"] = dict(counter.by_member.most_common(25))
        result["jsii_by_site"] = dict(counter.by_site.most_common(40))
        result["jsii_seconds_by_member"] = dict(counter.seconds_by_member.most_common(25))
    if profiler:
        result["pyinstrument"] = profiler.output_text(unicode=True, color=False, show_all=False)
    return result


# ----------------------------------------------------------------------------------- runner
def _environment() -> dict[str, str]:
    env = dict(os.environ)
    if not VALIDATION:
        env["CDK_VALIDATION"] = "false"  # aws-cdk-lib's built-in template validation: see the module doc
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode, as an installed wheel has (``prepare``)
    bin_dir = os.path.dirname(sys.executable)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")  # Node 24 from the venv first (jsii)
    env.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
    env.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
    if L1_BUCKET:
        from bench_common import L1_IMPORTS_BUCKET

        env[L1_IMPORTS_BUCKET] = "1"
    env[CODE_CACHE_ENV] = _CODE_CACHE_DIR[0] or "off"  # (empty: --no-code-cache, or outside a run)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE), env.get("PYTHONPATH", "")) if p)
    return env


def measure(kind: str, side: str, n: int, *, extra: Sequence[str] = ()) -> dict[str, Any]:
    """Run one measurement in a fresh subprocess."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, side, str(n), *extra]
    done = subprocess.run(command, capture_output=True, text=True, env=_environment(), cwd=ROOT,
                          timeout=WORKER_TIMEOUT_S, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"worker {kind}/{side}/N={n} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def prepare(workdir: str) -> str:
    """Before any measurement: bytecode for the library and the benchmark modules (pip compiles an
    installed wheel; an editable checkout under ``PYTHONDONTWRITEBYTECODE`` would compile every
    module in every process), the DLC table the hand-written apps paste, written once to a file
    (``bench_common.DLC_ACCOUNTS_FILE``), and the library's code cache (:data:`CODE_CACHE`), filled by
    one library app of each kind (each loads modules of its own). Returns the DLC file's path."""
    compileall.compile_dir(str(ROOT / "src"), quiet=1)
    compileall.compile_dir(str(HERE), quiet=1, maxlevels=0)
    from bench_common import dlc_accounts

    path = Path(workdir) / "dlc-accounts.json"
    path.write_text(json.dumps(dlc_accounts()))
    if _CODE_CACHE_DIR[0]:
        for kind in kinds():
            measure_app(kind, "library", 1, "process", str(path))
        if not any(Path(_CODE_CACHE_DIR[0]).iterdir()):
            raise RuntimeError("the library apps wrote no code cache")
    return str(path)


def measure_app(kind: str, side: str, n: int, mode: str, dlc_file: str) -> dict[str, Any]:
    """One whole-process (``python bench_app.py``) or ``cdk synth`` run, timed from start to exit."""
    env = _environment()
    env.update(BENCH_KIND=kind, BENCH_SIDE=side, BENCH_N=str(n), BENCH_DLC_ACCOUNTS_FILE=dlc_file)
    workdir = tempfile.mkdtemp(prefix="bench-app-")
    outdir = os.path.join(workdir, "cdk.out")
    if mode == "process":
        env["BENCH_OUTDIR"] = outdir
        command = [sys.executable, str(APP)]
    else:
        command = [str(CDK_CLI), "synth", "--app", f"{shlex.quote(sys.executable)} {shlex.quote(str(APP))}",
                   "--output", outdir, "--quiet", "--no-notices"]
        command += [] if VALIDATION else ["--no-validation"]
    try:
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=workdir,
                              timeout=WORKER_TIMEOUT_S, check=False)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"{mode} {kind}/{side}/N={n} failed ({done.returncode}):\n{done.stderr[-4000:]}")
        templates = sorted(Path(outdir).glob("*.template.json"))
        resources = sum(len(json.loads(t.read_text()).get("Resources", {})) for t in templates)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {"kind": kind, "side": side, "n": n, "mode": mode, "seconds": seconds, "resources": resources}


FULL_REPS_FROM = 10
"""The smallest N measured with every repetition: the whole-process targets hold from N = 10 (library/L1), so N = 10 is
measured as often as the sizes above it; below it (N = 1), ``small_reps``."""


def reps_for(n: int, reps: int, small_reps: int) -> int:
    """Repetitions at size ``n``: all of them from :data:`FULL_REPS_FROM` on, ``small_reps`` below."""
    return reps if n >= FULL_REPS_FROM else min(reps, small_reps)


def run_benchmark(kind_names: Sequence[str], ns: Sequence[int], reps: int, small_reps: int,
                  modes: Sequence[str] = MODES) -> dict[tuple[str, str, int, str], list[dict[str, Any]]]:
    """Every (mode, kind, N, side) ``reps`` times (``small_reps`` below N=10); within a repetition
    the sides of one (kind, N) run back to back in every mode, in an order that rotates between
    repetitions and sizes."""
    results: dict[tuple[str, str, int, str], list[dict[str, Any]]] = collections.defaultdict(list)
    total = sum(len(modes) * len(sides_of(kind)) * reps_for(n, reps, small_reps) for kind in kind_names for n in ns)
    done = 0
    started = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix="bench-")
    try:
        dlc_file = prepare(workdir)
        for rep in range(reps):
            for kind in kind_names:
                sides = sides_of(kind)
                for index, n in enumerate(ns):
                    if rep >= reps_for(n, reps, small_reps):
                        continue
                    shift = (rep + index) % len(sides)
                    for mode in modes:
                        for side in sides[shift:] + sides[:shift]:
                            result = (measure(kind, side, n) if mode == "inprocess"
                                      else measure_app(kind, side, n, mode, dlc_file))
                            results[(mode, kind, n, side)].append(result)
                            done += 1
                            print(f"[{done}/{total} {time.perf_counter() - started:6.0f}s] rep {rep + 1} {mode:<9} "
                                  f"{kind:<10} N={n:<4} {side:<7} {result['seconds']:7.2f}s  "
                                  f"{result['resources']} resources", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def median(results: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in results))


def paired_ratio(lib: list[dict[str, Any]], l1: list[dict[str, Any]], key: str) -> float:
    """Median over repetitions of library / L1 within the same repetition.

    The two runs of a repetition are seconds apart, so a slow spell of the machine (other load, CPU
    steal on a VM) slows both; the ratio of the two medians mixes runs minutes apart.
    """
    ratios = [a[key] / b[key] if b[key] else float("inf") for a, b in zip(lib, l1, strict=True)]
    return float(statistics.median(ratios))


def machine_line() -> str:
    cpu = "unknown CPU"
    memory_gib = 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    from importlib.metadata import version

    node = subprocess.run(["node", "--version"], capture_output=True, text=True, env=_environment(),
                          check=False).stdout.strip() or "unknown"
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    return (f"{date}; {os.cpu_count()} cores ({cpu}), {memory_gib:.0f} GiB RAM; {platform.system()}; "
            f"Python {platform.python_version()}, aws-cdk-lib {version('aws-cdk-lib')}, "
            f"jsii {version('jsii')}, Node {node}")


def _mib(kib: float) -> str:
    return f"{kib / 1024:.0f}"


def _ratio_cell(results: dict[tuple[str, str, int, str], list[dict[str, Any]]], mode: str, kind: str, n: int,
                other: str) -> tuple[str, float | None]:
    """The paired library/``other`` ratio of ``mode`` as a cell, and its value (None where not measured)."""
    lib, them = results.get((mode, kind, n, "library")), results.get((mode, kind, n, other))
    if not lib or not them:
        return "–", None
    ratio = paired_ratio(lib, them, "seconds")
    return f"{ratio:.2f}", ratio


def _seconds_cell(results: dict[tuple[str, str, int, str], list[dict[str, Any]]], mode: str, kind: str, n: int,
                  side: str) -> str:
    runs = results.get((mode, kind, n, side))
    return f"{median(runs, 'seconds'):.2f}" if runs else "–"


IMPORTS = ("InferenceModel", "RealtimeEndpoint", "ServerlessEndpoint", "AsyncEndpoint", "InferenceComponentEndpoint",
           "BatchTransformJob", "InferenceRecommenderJob")
"""The constructs whose import cost the README states (``--imports``)."""
IMPORT_REPS = 7


def _process_seconds(code: str) -> float:
    """Wall time of ``python -c code`` from start to exit."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_environment(),
                          cwd=ROOT, timeout=WORKER_TIMEOUT_S, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"python -c {code!r} failed:\n{done.stderr[-2000:]}")
    return seconds


def import_costs(reps: int = IMPORT_REPS) -> list[str]:
    """A Markdown table: the whole-process time of importing each construct (median of ``reps``
    processes, interleaved), beside ``import aws_cdk`` alone and aws-cdk's alpha module."""
    compileall.compile_dir(str(ROOT / "src"), quiet=1)
    cases = {"`import aws_cdk` (the floor every app pays)": "import aws_cdk",
             "`import aws_cdk.aws_sagemaker_alpha`": "import aws_cdk.aws_sagemaker_alpha"}
    cases.update({f"`from cdk_sagemaker_inference import {name}`": f"from cdk_sagemaker_inference import {name}"
                  for name in IMPORTS})
    times: dict[str, list[float]] = collections.defaultdict(list)
    for _ in range(reps):
        for label, code in cases.items():
            times[label].append(_process_seconds(code))
    floor = statistics.median(times[next(iter(cases))])
    lines = [f"**Import cost** (`python -c '<import>'` from start to exit, median of {reps} processes, bytecode "
             "compiled): what importing a construct adds to every `cdk synth`, beside aws-cdk-lib itself.", "",
             "| import | s | beyond `import aws_cdk` s |", "|---|---:|---:|"]
    for label in cases:
        seconds = statistics.median(times[label])
        lines.append(f"| {label} | {seconds:.2f} | {seconds - floor:+.2f} |")
    return lines


def report(results: dict[tuple[str, str, int, str], list[dict[str, Any]]], kind_names: Sequence[str],
           ns: Sequence[int], reps: int, small_reps: int, quick: bool,
           modes: Sequence[str] = MODES) -> tuple[str, list[str]]:
    """The Markdown report and its machine-readable last lines (``worst ratio: …`` for the in-process
    mode, ``whole process: …`` for the whole-process mode)."""
    counts = sorted({reps_for(n, reps, small_reps) for n in ns}, reverse=True)
    repetitions = (f"{counts[0]} repetition{'s' if counts[0] != 1 else ''}" if len(counts) == 1 else
                   f"{counts[0]} repetitions at N ≥ {FULL_REPS_FROM}, {counts[1]} below")
    validation = "on" if VALIDATION else "off (`CDK_VALIDATION=false`, `cdk synth --no-validation`)"
    cache = ("filled before the runs, as after a first synth on the machine" if CODE_CACHE else
             "off (`--no-code-cache`: a first synth, a CI machine that keeps no cache)")
    lines = [f"Measured {machine_line()}. aws-cdk-lib's template validation: {validation}. The library's code cache "
             f"(node's compiled aws-cdk-lib modules): {cache}.", ""]
    if L1_BUCKET:
        lines[-1:] = ["The hand-written L1 app imports the models' bucket as the library app does (`--l1-imports-bucket`).", ""]
    last: list[str] = []
    if "process" in modes or "cdk" in modes:
        lines += _whole_process_table(results, kind_names, ns, repetitions, modes)
        differences = alpha_differences(kind_names)
        lines += ["", *differences] if differences else []
        if "process" in modes:
            last.append(_whole_process_line(results, kind_names, ns, quick))
    if "inprocess" in modes:
        table, worst_line = _in_process_table(results, kind_names, ns, repetitions, quick)
        lines += ["", *table]
        last.insert(0, worst_line)
    return "\n".join(lines), last


def _whole_process_table(results: dict[tuple[str, str, int, str], list[dict[str, Any]]], kind_names: Sequence[str],
                         ns: Sequence[int], repetitions: str, modes: Sequence[str]) -> list[str]:
    lines = [f"**Whole process** (what a user waits for). Median of {repetitions}, each side in a fresh process, "
             "the sides of one size back to back in a rotating order. *process* = wall time of `python app.py` "
             "from start to exit (Python start, imports, jsii kernel, construction, synth); *cdk synth* = "
             "`cdk synth --app 'python app.py'` from start to exit. Ratios are paired: the median over "
             "repetitions of library / other within one repetition. alpha = the same endpoints with aws-cdk's "
             "`aws_sagemaker_alpha` (– where the module has no such endpoint).", "",
             "| kind | N | process s (library / alpha / L1) | library/alpha | library/L1 "
             "| cdk synth s (library / alpha / L1) | library/alpha | library/L1 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for kind in kind_names:
        for n in ns:
            cells = [kind, str(n)]
            for mode in ("process", "cdk"):
                if mode not in modes:
                    cells += ["–", "–", "–"]
                    continue
                cells.append(" / ".join(_seconds_cell(results, mode, kind, n, side) for side in ("library", "alpha", "l1")))
                cells += [_ratio_cell(results, mode, kind, n, "alpha")[0], _ratio_cell(results, mode, kind, n, "l1")[0]]
            lines.append("| " + " | ".join(cells) + " |")
    if 50 in ns and 200 in ns and "process" in modes:
        lines += ["", "| kind | whole process time(200)/time(50): library | alpha | L1 |", "|---|---:|---:|---:|"]
        for kind in kind_names:
            def scaling(side: str, kind: str = kind) -> str:
                big, small = results.get(("process", kind, 200, side)), results.get(("process", kind, 50, side))
                return f"{median(big, 'seconds') / median(small, 'seconds'):.2f}" if big and small else "–"
            lines.append(f"| {kind} | {scaling('library')} | {scaling('alpha')} | {scaling('l1')} |")
    return lines


def alpha_differences(kind_names: Sequence[str]) -> list[str]:
    """What each kind's alpha app renders differently from the library's (``Kind.alpha_differences``,
    whose resource counts ``tests/test_bench_equivalence.py`` checks)."""
    lines: list[str] = []
    for name in kind_names:
        kind = kinds()[name]
        if kind.alpha is None:
            continue
        lines += [f"- {name}: " + "; ".join(kind.alpha_differences) + "."]
    return (["What the alpha apps render differently from the library's (the library app and the hand-written "
             "L1 app render the same resources, `tests/test_bench_equivalence.py`):", "", *lines] if lines else [])


def _whole_process_line(results: dict[tuple[str, str, int, str], list[dict[str, Any]]], kind_names: Sequence[str],
                        ns: Sequence[int], quick: bool) -> str:
    """``whole process: worst library/alpha R (kind, N); worst library/L1 R (kind, N)``: alpha over
    every kind and N it covers, L1 over the target kinds at N ≥ 10 (every kind and N in quick mode)."""
    def worst(other: str, pairs: list[tuple[str, int]]) -> str:
        found = [(ratio, kind, n) for kind, n in pairs
                 if (ratio := _ratio_cell(results, "process", kind, n, other)[1]) is not None]
        if not found:
            return "n/a"
        ratio, kind, n = max(found)
        return f"{ratio:.2f} ({kind}, {n})"

    every = [(kind, n) for kind in kind_names for n in ns]
    targets = every if quick else [(kind, n) for kind, n in every if kind in L1_TARGET_KINDS and n >= 10]
    return f"whole process: worst library/alpha {worst('alpha', every)}; worst library/L1 {worst('l1', targets)}"


def _in_process_table(results: dict[tuple[str, str, int, str], list[dict[str, Any]]], kind_names: Sequence[str],
                      ns: Sequence[int], repetitions: str, quick: bool) -> tuple[list[str], str]:
    lines = [f"**Construction + synth, in process.** Median of {repetitions}, each in a fresh process, library and "
             "L1 interleaved. Time = wall time of "
             "app construction + `app.synth()` (after a warm-up synth in the same process). Ratio = median over "
             "repetitions of library / L1 within one repetition (its two runs are seconds apart, so a slow "
             "spell of the machine slows both; the two medians' ratio, which mixes runs minutes apart, is in "
             "brackets); CPU = Python + node CPU time of the same span, ratio paired likewise.", "",
             "| kind | N | stacks | resources | template KiB (lib / L1) | library s | L1 s | ratio | CPU ratio "
             "| construct s (lib / L1) | synth s (lib / L1) | Python peak MiB (lib / L1) | node peak MiB (lib / L1) "
             "| alpha s | library/alpha |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    worst: tuple[float, str, int] | None = None
    mismatches: list[str] = []
    warm_ups: list[float] = []
    for kind in kind_names:
        for n in ns:
            lib, l1 = results[("inprocess", kind, n, "library")], results[("inprocess", kind, n, "l1")]
            warm_ups += [r["warm_up_seconds"] for r in lib + l1]
            t_lib, t_l1 = median(lib, "seconds"), median(l1, "seconds")
            ratio = paired_ratio(lib, l1, "seconds")
            ratio_of_medians = t_lib / t_l1 if t_l1 else float("inf")
            if lib[0]["types"] != l1[0]["types"]:
                mismatches.append(f"{kind} N={n}: library {lib[0]['types']} != L1 {l1[0]['types']}")
            if (quick or n in TARGET_NS) and (worst is None or ratio > worst[0]):
                worst = (ratio, kind, n)
            lines.append(
                f"| {kind} | {n} | {lib[0]['stacks']} | {lib[0]['resources']} "
                f"| {lib[0]['template_bytes'] / 1024:.0f} / {l1[0]['template_bytes'] / 1024:.0f} "
                f"| {t_lib:.2f} | {t_l1:.2f} | {ratio:.2f} ({ratio_of_medians:.2f}) "
                f"| {paired_ratio(lib, l1, 'cpu_seconds'):.2f} "
                f"| {median(lib, 'construct_seconds'):.2f} / {median(l1, 'construct_seconds'):.2f} "
                f"| {median(lib, 'synth_seconds'):.2f} / {median(l1, 'synth_seconds'):.2f} "
                f"| {_mib(median(lib, 'python_peak_kib'))} / {_mib(median(l1, 'python_peak_kib'))} "
                f"| {_mib(median(lib, 'node_peak_kib'))} / {_mib(median(l1, 'node_peak_kib'))} "
                f"| {_seconds_cell(results, 'inprocess', kind, n, 'alpha')} "
                f"| {_ratio_cell(results, 'inprocess', kind, n, 'alpha')[0]} |")
    scaling = [(kind, median(results[("inprocess", kind, 200, "library")], "seconds")
                / median(results[("inprocess", kind, 50, "library")], "seconds"),
                median(results[("inprocess", kind, 200, "l1")], "seconds")
                / median(results[("inprocess", kind, 50, "l1")], "seconds"))
               for kind in kind_names if 50 in ns and 200 in ns]
    if scaling:
        lines += ["", "| kind | time(200)/time(50) library | L1 |", "|---|---:|---:|"]
        lines += [f"| {kind} | {lib:.2f} | {l1:.2f} |" for kind, lib, l1 in scaling]
    lines += ["", f"Not in the times: Python start and imports, and the warm-up synth (median "
              f"{statistics.median(warm_ups):.1f} s per process, the same for both sides)."]
    if mismatches:
        lines += ["", "**Resource types differ between library and L1:** " + "; ".join(mismatches)]
    assert worst is not None
    return lines, f"worst ratio: {worst[0]:.2f} ({worst[1]}, N={worst[2]})"


def write_readme(table: str, last_lines: Sequence[str]) -> None:
    """Replace what is between the markers (adding a Performance section before ``## Develop`` if absent)."""
    text = README.read_text()
    block = f"{BEGIN}\n{table}\n\n" + "\n".join(f"`{line}`  " for line in last_lines).rstrip() + f"\n{END}"
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, text, count=1, flags=re.S)
    else:
        section = f"## Performance\n\n{block}\n\n"
        text = text.replace("## Develop", section + "## Develop", 1) if "## Develop" in text else text + "\n" + section
    README.write_text(text)


def profile(kind: str, n: int, pyinstrument: bool) -> None:
    """jsii round trips per side (by kernel method and by call site), optionally a pyinstrument profile."""
    extra = ["--count-calls"] + (["--pyinstrument"] if pyinstrument else [])
    for side in sides_of(kind):
        result = measure(kind, side, n, extra=extra)
        print(f"== {kind} N={n} {side}: {result['seconds']:.2f} s instrumented "
              f"(construct {result['construct_seconds']:.2f} s, synth {result['synth_seconds']:.2f} s), "
              f"{result['resources']} resources, {result['jsii_calls']} jsii round trips "
              f"({result['jsii_calls'] / n:.1f} per item)")
        print("   by method: " + ", ".join(f"{k} {v}" for k, v in result["jsii_by_method"].items()))
        print("   by member:")
        for member, count in result["jsii_by_member"].items():
            print(f"   {count:7d}  {member}")
        print("   time in the call, by member (ms, inclusive):")
        for member, seconds in result["jsii_seconds_by_member"].items():
            print(f"   {seconds * 1000:9.1f}  {member}")
        print("   by call site:")
        for site, count in result["jsii_by_site"].items():
            print(f"   {count:7d}  {site}")
        if "pyinstrument" in result:
            print(result["pyinstrument"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="N in {1, 10}, one repetition (smoke test)")
    parser.add_argument("--kinds", help="comma-separated kinds (default: every kind that exists)")
    parser.add_argument("--ns", help=f"comma-separated N (default: {','.join(map(str, FULL_NS))})")
    parser.add_argument("--reps", type=int, help=f"repetitions (default: {DEFAULT_REPS}; 1 with --quick)")
    parser.add_argument("--small-reps", type=int, default=SMALL_N_REPS,
                        help=f"repetitions below N={FULL_REPS_FROM} (default: {SMALL_N_REPS})")
    parser.add_argument("--write-readme", action="store_true", help="write the table into README.md")
    parser.add_argument("--profile", metavar="KIND", help="count jsii round trips of both sides of KIND")
    parser.add_argument("--n", type=int, default=50, help="N for --profile (default 50)")
    parser.add_argument("--pyinstrument", action="store_true", help="with --profile: also a pyinstrument profile")
    parser.add_argument("--modes", default=",".join(MODES),
                        help=f"comma-separated measurement modes (default: {','.join(MODES)})")
    parser.add_argument("--imports", action="store_true",
                        help="also measure the import cost of each construct (a table of its own)")
    parser.add_argument("--validation", action="store_true",
                        help="leave aws-cdk-lib's template validation on in the measured processes")
    parser.add_argument("--l1-imports-bucket", action="store_true",
                        help="the hand-written app also imports the models' bucket (s3.Bucket.from_bucket_name), as "
                             "the library app does for ModelData.from_bucket: how much of the gap that import is")
    parser.add_argument("--no-code-cache", action="store_true",
                        help="turn the library's code cache off in every process (a first synth on a machine)")
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "SIDE", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--count-calls", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    global VALIDATION, L1_BUCKET, CODE_CACHE
    VALIDATION = args.validation
    L1_BUCKET = args.l1_imports_bucket
    CODE_CACHE = not args.no_code_cache
    if L1_BUCKET and args.write_readme:
        parser.error("--l1-imports-bucket measures a diagnostic: the README's tables compare the apps as written")

    if args.worker:
        kind, side, n = args.worker
        print(json.dumps(run_worker(kind, side, int(n), count_calls=args.count_calls,
                                    pyinstrument=args.pyinstrument)))
        return 0
    available = list(kinds())
    if importlib.util.find_spec("aws_cdk.aws_sagemaker_alpha") is None:
        print("synth_bench: aws-cdk's aws_sagemaker_alpha module (the alpha side) is not installed; "
              "install the bench extra: pip install -e '.[bench]' (make setup does)", file=sys.stderr)
        return 2
    if args.profile:
        profile(args.profile, args.n, args.pyinstrument)
        return 0
    kind_names = args.kinds.split(",") if args.kinds else available
    unknown = [k for k in kind_names if k not in available]
    if unknown:
        parser.error(f"unknown or not yet available kinds {unknown}; available: {available}")
    ns = tuple(int(x) for x in args.ns.split(",")) if args.ns else (QUICK_NS if args.quick else FULL_NS)
    reps = args.reps or (1 if args.quick else DEFAULT_REPS)
    modes = [m for m in MODES if m in args.modes.split(",")]
    if not modes or set(args.modes.split(",")) - set(MODES):
        parser.error(f"--modes takes some of {','.join(MODES)}")
    with tempfile.TemporaryDirectory(prefix="bench-code-cache-") as cache:  # (made closed to others)
        _CODE_CACHE_DIR[0] = cache if CODE_CACHE else ""  # filled by prepare, used up to the import table
        try:
            results = run_benchmark(kind_names, ns, reps, args.small_reps, modes)
            table, last_lines = report(results, kind_names, ns, reps, args.small_reps,
                                       quick=args.quick or not set(TARGET_NS) & set(ns), modes=modes)
            if args.imports:
                table += "\n\n" + "\n".join(import_costs())
        finally:
            _CODE_CACHE_DIR[0] = ""
    print(table)
    if args.write_readme:
        write_readme(table, last_lines)
        print(f"\nwrote the tables into {README.name}")
    print("\n".join(last_lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
