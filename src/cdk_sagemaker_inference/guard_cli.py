"""``cdk-sagemaker-inference guard``: compare a cloud assembly with the deployed stacks.

A CI step before ``cdk deploy``::

    npx cdk synth
    cdk-sagemaker-inference guard --assembly cdk.out      # exit 1 on unsafe endpoint changes

The deployed templates come from CloudFormation ``GetTemplate`` (boto3, the usual credential
chain, ``AWS_ENDPOINT_URL`` honoured). A stack that is not deployed yet is fine (first deploy).

Exit codes: 0 no unsafe change, 1 unsafe changes found, 2 the check could not run (no
credentials, unreadable assembly, AWS error).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from .migration import compare_templates, load_templates, render_report

EXIT_OK, EXIT_UNSAFE, EXIT_ERROR = 0, 1, 2


def add_parser(subparsers: Any) -> None:
    """Add the ``guard`` subcommand to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "guard", help="refuse unsafe endpoint changes before cdk deploy",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assembly", default="cdk.out", help="cloud assembly directory (default: cdk.out)")
    parser.add_argument("--baseline", help="compare with this cloud assembly or template file instead of "
                        "the deployed stacks")
    parser.add_argument("--stack", action="append", dest="stacks", help="only these stacks (repeatable)")
    parser.add_argument("--region", help="AWS Region (default: from the environment or profile)")
    parser.add_argument("--profile", help="AWS profile (default: the usual credential chain)")
    parser.add_argument("--include-acknowledged", action="store_true",
                        help="also list acknowledged changes (they never fail the check)")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.set_defaults(handler=run)


def deployed_templates(stack_names: list[str], *, region: str | None = None,
                       profile: str | None = None) -> dict[str, dict[str, Any]]:
    """The deployed (original) template of each stack that exists; missing stacks are left out."""
    import boto3
    from botocore.exceptions import ClientError

    session = boto3.Session(profile_name=profile, region_name=region)
    client = session.client("cloudformation")
    found: dict[str, dict[str, Any]] = {}
    for name in stack_names:
        try:
            body = client.get_template(StackName=name, TemplateStage="Original")["TemplateBody"]
        except ClientError as error:
            message = str(error.response.get("Error", {}).get("Message", ""))
            if "does not exist" in message:
                continue
            raise
        found[name] = body if isinstance(body, dict) else json.loads(body)
    return found


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None,
        fetch: Callable[..., Mapping[str, Mapping[str, Any]]] | None = None) -> int:
    """Run the guard for parsed ``args``; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        new = load_templates(args.assembly)
    except (OSError, ValueError) as error:
        print(f"error: cannot read the cloud assembly {args.assembly!r}: {error}. Run `cdk synth` first.", file=err)
        return EXIT_ERROR
    if args.stacks:
        unknown = sorted(set(args.stacks) - set(new))
        if unknown:
            print(f"error: no stack named {', '.join(unknown)} in {args.assembly} "
                  f"(stacks: {', '.join(sorted(new))})", file=err)
            return EXIT_ERROR
        new = {name: template for name, template in new.items() if name in args.stacks}
    try:
        if args.baseline:
            previous: Mapping[str, Mapping[str, Any]] = load_templates(args.baseline)
        else:
            previous = (fetch or deployed_templates)(sorted(new), region=args.region, profile=args.profile)
    except Exception as error:
        print(f"error: cannot read the deployed stacks: {_explain(error)}", file=err)
        return EXIT_ERROR
    findings = compare_templates(previous, new, include_acknowledged=args.include_acknowledged)
    failing = [f for f in findings if not f.acknowledged]
    if args.json:
        json.dump({"stacks_compared": sorted(set(previous) & set(new)),
                   "stacks_new": sorted(set(new) - set(previous)),
                   "unsafe": [f.to_json() for f in findings]}, out, indent=2)
        out.write("\n")
    else:
        compared = sorted(set(previous) & set(new))
        first = sorted(set(new) - set(previous))
        print(f"compared {len(compared)} deployed stack(s): {', '.join(compared) or '-'}", file=out)
        if first:
            print(f"not deployed yet (nothing to compare): {', '.join(first)}", file=out)
        print(render_report(findings), file=out)
    return EXIT_UNSAFE if failing else EXIT_OK


def _explain(error: Exception) -> str:
    name = type(error).__name__
    if name in ("NoCredentialsError", "PartialCredentialsError"):
        return ("no AWS credentials found. Configure credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/"
                "AWS_SECRET_ACCESS_KEY, or an instance/role profile) for the account you deploy to.")
    if name == "NoRegionError":
        return "no AWS Region configured: pass --region or set AWS_REGION."
    if name == "ProfileNotFound":
        return str(error)
    return f"{name}: {error}"

