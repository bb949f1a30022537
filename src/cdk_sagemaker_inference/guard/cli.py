"""cdk-sagemaker-inference guard: compare a cloud assembly with the deployed stacks.

A CI step before cdk deploy:

    npx cdk synth
    cdk-sagemaker-inference guard --assembly cdk.out      # exit 1 on unsafe endpoint changes

Every stack (stages and nested stacks included) is read in its own account and Region, as the
CDK CLI reads it: the Region from the assembly (--region gives environment-agnostic stacks one, as
in preflight and cost; else the configured Region), and the stack's
bootstrap lookup role assumed when the credentials are for another account. A stack that is not
deployed yet is a first deploy. --baseline compares with a previous cloud assembly (or one
template file, for an app of one stack) instead.

A stack the deploy does not update keeps its endpoints and their names: a baseline stack that is not
in the new assembly (renamed, a new stack_name) or not selected with --stack, and, against the
deployed stacks, the deployed versions of the app's unselected stacks of a selected stack's account
and Region. A new endpoint under one of those names is refused (endpoint-name-reused).

Exit codes: 0 nothing unsafe, 1 an unsafe change (the report says which, why and the way out),
2 the check could not run or could not compare a stack (no credentials, an unreadable assembly,
a role that cannot be assumed): the guard never answers "safe" for what it did not compare.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TextIO

from ..assembly import AssemblyError, StackTemplate, check_baseline, read_assembly, read_baseline
from ..assembly.reports import EXIT_COULD_NOT, could_not, write_json
from ..cost import cost_changes
from .compare import Comparison, compare_stacks, compare_with_template
from .deployed import Deployed, GuardSetupError, deployed_stacks
from .findings import render_report

EXIT_OK, EXIT_UNSAFE, EXIT_ERROR = 0, 1, EXIT_COULD_NOT


def add_parser(subparsers: Any) -> None:
    """Add the ``guard`` subcommand to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "guard", help="refuse unsafe endpoint changes before cdk deploy",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assembly", default="cdk.out", help="cloud assembly directory (default: cdk.out)")
    parser.add_argument("--baseline", help="compare with this cloud assembly directory (or, for an app of one "
                        "stack, this template file) instead of the deployed stacks")
    parser.add_argument("--stack", action="append", dest="stacks",
                        help="only these stacks: stack name or construct path (repeatable); a nested stack's "
                        "path selects its top-level stack, which deploys it. The endpoint names the other stacks "
                        "hold still count: a selected stack may not take one")
    parser.add_argument("--region", help="the Region of environment-agnostic stacks (default: the configured "
                        "one); a stack with a Region in the assembly is read there")
    parser.add_argument("--profile", help="AWS profile (default: the usual credential chain)")
    parser.add_argument("--include-acknowledged", action="store_true",
                        help="also list acknowledged changes (they never fail the check)")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None,
        fetch: Callable[..., Deployed] | None = None) -> int:
    """Run the guard for parsed ``args``; returns the exit code.

    ``fetch`` (for tests) replaces :func:`deployed_stacks`.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        unreadable: list[tuple[str, str]] = []
        stacks = read_assembly(args.assembly, unreadable=unreadable)
        new = _select(stacks, args.stacks)
        _refuse_unreadable(unreadable, new, stacks)
        selected = {id(s) for s in new}
        comparison, previous = _compare(args, new, [s for s in stacks if id(s) not in selected],
                                        fetch or deployed_stacks)
    except (AssemblyError, GuardSetupError) as error:
        return could_not(error, command="guard", what="check", as_json=args.json, out=out, err=err)
    try:  # information beside the verdicts: it never changes the guard's answer
        costs = cost_changes(previous, [s for s in new if s.display_name not in dict(comparison.unchecked)],
                             region=args.region)  # as `cost --baseline --region` counts them
    except Exception as error:
        costs = [{"text": f"cost changes not computed: {type(error).__name__}: {error}"}]
    if args.json:
        write_json(out, {**comparison.to_json(), "cost_changes": costs})
    else:
        _print(comparison, out, "baseline" if args.baseline else "deployed")
        for change in costs:  # what `cost --baseline` prints: information, never a verdict
            print(f"cost: {change['text']}", file=out)
    return comparison.exit_code()


def _select(stacks: list[StackTemplate], wanted: list[str] | None) -> list[StackTemplate]:
    """The top-level stacks ``wanted`` names: by stack name or construct path; a nested stack's construct path
    (as the report names it) selects its top-level stack, which deploys it."""
    if not wanted:
        return stacks
    names = {name for top in stacks for s in top.walk() for name in (s.key.stack_name, s.display_name)}
    unknown = sorted(set(wanted) - names)
    if unknown:
        raise AssemblyError(f"no stack named {', '.join(unknown)} in the assembly "
                            f"(stacks: {', '.join(sorted(s.display_name for top in stacks for s in top.walk()))}): "
                            "give a stack name or a construct path from this list")
    return [top for top in stacks
            if any(s.key.stack_name in wanted or s.display_name in wanted for s in top.walk())]


def _refuse_unreadable(unreadable: list[tuple[str, str]], selected: list[StackTemplate],
                       stacks: list[StackTemplate]) -> None:
    """Raise for a nested stack that cannot be read in ``stacks`` (the assembly or the baseline) when it
    belongs to a selected stack: that stack cannot be compared whole. One of an unselected stack is left
    out (the stack is only read for the endpoint names it holds)."""
    by_name = {s.display_name: s for s in stacks}
    for name, problem in unreadable:
        stack = by_name.get(name)
        if stack is None or any(stack.key.matches(s.key) for s in selected):
            raise AssemblyError(problem)


def _compare(args: argparse.Namespace, new: list[StackTemplate], others: list[StackTemplate],
             fetch: Callable[..., Deployed]) -> tuple[Comparison, list[StackTemplate]]:
    """The comparison, and the previous stacks it compared with (for the cost change lines).

    ``others``: the assembly's stacks not selected with --stack. The deploy leaves them as they are, so the
    endpoint names their deployed versions hold stay taken: a baseline has them all; against the deployed
    stacks, those in a selected stack's account and Region are read too (the same session, read-only).
    """
    if args.baseline:
        check_baseline(args.baseline, args.assembly)
        unreadable: list[tuple[str, str]] = []
        baseline = read_baseline(args.baseline, unreadable=unreadable)
        if isinstance(baseline, list):
            _refuse_unreadable(unreadable, new, baseline)
            return compare_stacks(baseline, new, include_acknowledged=args.include_acknowledged), baseline
        stacks = [s for top in new for s in top.walk()]
        previous = [StackTemplate(key=stacks[0].key, display_name=stacks[0].display_name, template=baseline)
                    ] if len(stacks) == 1 else []
        return compare_with_template(baseline, new, include_acknowledged=args.include_acknowledged), previous
    environments = {(s.key.account, s.key.region) for s in new}
    neighbours = [s for s in others if (s.key.account, s.key.region) in environments]
    deployed = fetch([*new, *neighbours], region=args.region, profile=args.profile)
    neighbour_names = {s.display_name for s in neighbours}
    unchecked = [(name, reason if name not in neighbour_names else
                  f"not selected, but read for the endpoint names it holds (a selected stack must not reuse one): "
                  f"{reason}") for name, reason in deployed.unchecked]
    return compare_stacks(deployed.stacks, new, unchecked=unchecked,
                          include_acknowledged=args.include_acknowledged), list(deployed.stacks)


def _print(comparison: Comparison, out: TextIO, against: str) -> None:
    """The report; ``against``: ``deployed`` (the account's stacks) or ``baseline`` (``--baseline``)."""
    print(f"compared {len(comparison.compared)} {against} stack(s): {', '.join(comparison.compared) or '-'}", file=out)
    if comparison.first_deploy:
        new = "not deployed yet" if against == "deployed" else "not in the baseline"
        print(f"{new} (nothing to compare): {', '.join(comparison.first_deploy)}", file=out)
    if comparison.kept:
        print(f"left as they are (not in the new assembly, or not selected: not compared, the endpoint names they "
              f"hold stay taken): {', '.join(comparison.kept)}", file=out)
    for stack, reason in comparison.unchecked:
        print(f"could not check {stack}: {reason}", file=out)
    if comparison.findings or not comparison.unchecked:  # "no unsafe changes" only when every stack was read
        print(render_report(comparison.findings), file=out)
    if comparison.unchecked and not comparison.failing:
        print("incomplete: the stacks above were not compared, so the guard cannot say the changes are safe "
              "(exit 2).", file=out)
