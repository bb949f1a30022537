"""cdk-sagemaker-inference cost: what each endpoint and batch job costs at rest and at most, per month.

    npx cdk synth
    cdk-sagemaker-inference cost cdk.out [--region us-east-1] [--prices offer.json] [--json]
    cdk-sagemaker-inference cost --baseline previous-cdk.out      # what the change does

Instance-hours per month at the floor (autoscaling/managed minimum, 0 when the endpoint scales to zero,
the instance count when nothing scales) and at the ceiling (the maximum), at 730 hours per month (the
AWS Pricing Calculator's month). USD from on-demand list prices where a dated price is known (the
package data, or --prices: an AWS Price List offer file for AmazonSageMaker), else "unknown". No
Savings Plans, no free tier, no storage, no data transfer.

--usage FILE (JSON, in the spirit of Infracost's usage file: construct path → requests_per_month,
mean_duration_ms, payload_kb, throughput_per_instance, instance_type, serverless_memory_mb, runs_per_month,
run_hours) adds what the traffic implies: serverless compute, data processed, the real-time fleet the
traffic needs, the break-even between serverless and real-time, and a batch job's instance-hours.

--baseline pairs the stacks as guard does (stack name, account, Region, nested stacks' logical ids), so
its lines are guard's "cost:" lines: a stack the deploy leaves as it is (a new construct id or
stack_name makes a new stack; cdk deploy never deletes the old one) keeps its endpoints and their bill.

A nested stack whose template is not in the assembly (a CfnStack with an external template_url) is
listed as "not estimated" with the reason; the other stacks are estimated.

Exit codes: 0 the estimate (unknown prices and stacks not estimated included), 2 could not read the
assembly, prices or usage, or nothing could be estimated (no endpoint or job read, and a nested stack
not read).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from ..assembly import AssemblyError, StackTemplate, check_baseline, read_assembly, read_baseline
from ..assembly.reports import EXIT_COULD_NOT, could_not, write_json
from ..preflight.needs import Need, app_needs
from . import CostRow, Usage, cost_changes, estimate, figure, usage_sentences
from .prices import PriceError, PriceTable, read_offer_file, shipped_prices

EXIT_OK, EXIT_ERROR = 0, EXIT_COULD_NOT


def add_parser(subparsers: Any) -> None:
    """Add the ``cost`` subcommand to an argparse subparsers object."""
    parser = subparsers.add_parser("cost", help="what each endpoint and batch job costs, before deploy",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", nargs="?", help="cloud assembly directory (the same as --assembly)")
    parser.add_argument("--assembly", default="cdk.out", help="cloud assembly directory (default: cdk.out)")
    parser.add_argument("--baseline", help="a previous cloud assembly: print what the change does to the figures")
    parser.add_argument("--prices", action="append", default=[], metavar="FILE",
                        help="an AWS Price List offer file for AmazonSageMaker (repeatable; newer than the "
                             "package's prices)")
    parser.add_argument("--usage", metavar="FILE", help="a JSON usage file (construct path → requests_per_month, "
                        "mean_duration_ms, runs_per_month, run_hours)")
    parser.add_argument("--region", help="the Region of environment-agnostic stacks (default: unknown)")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.set_defaults(handler=run)


class UsageError(Exception):
    """A usage file that cannot be read as one."""


_USAGE_FIELDS = ("requests_per_month", "mean_duration_ms", "payload_kb", "throughput_per_instance",
                 "runs_per_month", "run_hours")
_USAGE_TEXT = {"instance_type": str, "serverless_memory_mb": int}


def read_usage(path: str) -> dict[str, Usage]:
    """Construct path → :class:`Usage` from a JSON object; every value a finite number ≥ 0."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UsageError(f"{path} cannot be read as JSON: {error}") from error
    if not isinstance(data, Mapping):
        raise UsageError(f"{path}: a JSON object of construct path → usage is expected")
    usage: dict[str, Usage] = {}
    for construct_path, fields in data.items():
        allowed = (*_USAGE_FIELDS, *_USAGE_TEXT)
        if not isinstance(fields, Mapping) or set(fields) - set(allowed):
            raise UsageError(f"{path}: {construct_path}: an object with {', '.join(allowed)} is expected")
        for name, value in fields.items():
            if name in _USAGE_TEXT:
                if isinstance(value, bool) or not isinstance(value, _USAGE_TEXT[name]):
                    raise UsageError(f"{path}: {construct_path}.{name} = {value!r}: a "
                                     f"{_USAGE_TEXT[name].__name__} is expected")
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise UsageError(f"{path}: {construct_path}.{name} = {value!r}: a finite number ≥ 0 is expected")
        values: dict[str, Any] = {k: v if k in _USAGE_TEXT else float(v) for k, v in fields.items()}
        usage[str(construct_path)] = Usage(**values)
    return usage


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``cost`` for parsed ``args``; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        prices = shipped_prices()
        for path in args.prices:
            prices = prices.merged(read_offer_file(path))
        usage = read_usage(args.usage) if args.usage else None
        stacks = read_assembly(args.directory or args.assembly, unreadable=[])
        rows = estimate(stacks, prices, region=args.region, usage=usage)
        not_estimated = unread_nested(stacks)
        needs = app_needs(stacks)
        for need in needs:
            need.region = need.region or args.region
        changes = None
        baseline_not_estimated: list[tuple[str, str]] = []
        if args.baseline:
            check_baseline(args.baseline, args.directory or args.assembly)
            previous = read_baseline(args.baseline, unreadable=[])
            if not isinstance(previous, list):
                raise AssemblyError(f"--baseline {args.baseline} is a template file: cost compares two cloud "
                                    "assemblies (give the previous cdk.out directory)")
            baseline_not_estimated = unread_nested(previous)
            # The guard's pairing of stacks (its "cost:" lines are these), not construct paths.
            changes = cost_changes(previous, stacks, prices, region=args.region, usage=usage)
    except (AssemblyError, PriceError, UsageError) as error:
        return could_not(error, command="cost", what="estimate", as_json=args.json, out=out, err=err)
    if not_estimated and not rows:
        return could_not(AssemblyError("no endpoint or batch job could be estimated, and " + "; ".join(
            f"{stack} is not: {reason}" for stack, reason in not_estimated)), command="cost", what="estimate",
            as_json=args.json, out=out, err=err)
    # A usage entry that names no endpoint or job of the app (a typo, a renamed construct) is said, not dropped.
    unmatched = sorted(set(usage or {}) - {row.path for row in rows})
    for path in unmatched:
        print(f"cdk-sagemaker-inference cost: warning: the usage file names {path}, which is no endpoint or job "
              f"of the app (its construct paths: {', '.join(sorted(r.path for r in rows)) or 'none'})", file=err)
    if args.json:
        report: dict[str, Any] = {
            "hours_per_month": 730, "price_source": prices.source, "rows": [r.to_json() for r in rows],
            "quota_needs": [n.to_json() for n in needs], "usage_unmatched": unmatched,
            "not_estimated": [{"stack": stack, "reason": reason} for stack, reason in not_estimated]}
        if changes is not None:
            report["changes"] = changes
            report["baseline_not_estimated"] = [{"stack": stack, "reason": reason}
                                                for stack, reason in baseline_not_estimated]
        write_json(out, report)
    else:
        out.write(render_table(rows, prices))
        for stack, reason in not_estimated:
            print(f"not estimated: {stack}: {reason}", file=out)
        for stack, reason in baseline_not_estimated:
            print(f"not estimated in the baseline: {stack}: {reason}", file=out)
        out.write(render_usage(rows))
        out.write(render_needs(needs))
        for line in changes or []:
            print(line["text"], file=out)
    return EXIT_OK


def unread_nested(stacks: list[StackTemplate]) -> list[tuple[str, str]]:
    """(nested stack, reason) of every nested stack whose template is not in the assembly: what it holds is not
    estimated (read with ``read_assembly(..., unreadable=...)``, which leaves them out)."""
    return [(f"{stack.display_name}/{logical_id}",
             "its template is not a file asset of the assembly (a CfnStack with an external template_url): the "
             "endpoints and batch jobs it holds are not counted; estimate that template's own app, if it is one")
            for top in stacks for stack in top.walk() for logical_id in stack.unreadable]


def render_usage(rows: list[CostRow]) -> str:
    """What the usage file's traffic implies, one line per row that has usage (empty without)."""
    lines = []
    for row in rows:
        usage = row.usage
        if not usage:
            continue
        parts = usage_sentences(usage)
        lines.append(f"  {row.path}: {'; '.join(parts) or 'no figure (an input or a price is missing)'}")
    return "\n".join(["", "With the usage file:", *lines]) + "\n" if lines else ""


def render_needs(needs: list[Need]) -> str:
    """The app's quota needs, one line each (empty without needs)."""
    if not needs:
        return ""
    lines = ["", "Quota needs (checked against the account by `cdk-sagemaker-inference preflight`):"]
    return "\n".join(lines + [f"  {need.describe()}" for need in needs]) + "\n"


def render_table(rows: list[CostRow], prices: PriceTable) -> str:
    """The rows as a fixed-width table, then what the figures assume."""
    header = ("Stack", "Construct path", "Kind", "Region", "Floor h/mo", "Ceiling h/mo", "Floor $/mo",
              "Ceiling $/mo", "What drives it")
    table = [header] + [(r.stack, r.path, r.kind, r.region or "unknown", figure(r.floor_instance_hours),
                         figure(r.ceiling_instance_hours), figure(r.floor_usd_month, money=True),
                         figure(r.ceiling_usd_month, money=True), "; ".join(r.drivers)) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line[:-1], widths, strict=True)) + "  " + line[-1]
             for line in table]
    notes = sorted({f"{r.path}: {note}" for r in rows for note in r.notes})
    lines += ["", "Instance-hours per month at 730 hours per month (the AWS Pricing Calculator's month); on-demand "
              "list prices, no Savings Plans, no free tier, no storage or data transfer.",
              f"Prices: {prices.source or 'none known (pass --prices with an AWS Price List offer file)'}."]
    lines += notes
    return "\n".join(lines) + "\n"
