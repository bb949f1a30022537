"""cdk-sagemaker-inference preflight: what synth cannot know, checked in the target account before cdk deploy.

    npx cdk synth
    cdk-sagemaker-inference guard --assembly cdk.out
    cdk-sagemaker-inference preflight --assembly cdk.out      # exit 1 when the account cannot take the app
    npx cdk deploy --all

Every stack is read in its own account and Region (the lookup role for another account), as guard does.
Read-only calls only. Checked: SageMaker quotas (Service Quotas, service code sagemaker) against what the
app needs at its ceiling and during blue/green updates, minus what the Region's other endpoints use;
model artifacts in S3 that are not CDK assets; images in the account's ECR; Model Registry versions
(exist; approved, else a warning); KMS keys (exist, enabled); SNS topics, subnets and security groups
named in the templates; fixed endpoint, config, model and component names already taken outside the app.

Exit codes: 0 nothing would fail, 1 something would (each finding says what, where and the way out), 2
could not check (no boto3, no credentials, a stack whose account cannot be read, an unreadable assembly).
A single check that could not run (its API not offered by an emulator or a partition, or access to one
object denied) is "not checked" and changes the exit code only with --strict.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TextIO

from ..assembly import AssemblyError, StackTemplate, read_assembly
from ..assembly.reports import EXIT_COULD_NOT, could_not, write_json
from ..assembly.sessions import SessionError, Sessions, explain
from .checks import (
    ERROR,
    NOT_CHECKED,
    WARNING,
    Finding,
    check_names,
    check_quotas,
    check_references,
    check_region_mappings,
    references_of,
)
from .needs import Need, app_needs

EXIT_OK, EXIT_FINDING, EXIT_ERROR = 0, 1, EXIT_COULD_NOT
SESSION_NAME = "cdk-sagemaker-inference-preflight"
INSTALL_BOTO3 = "pip install boto3 (preflight reads the account with it)"
_OWNED_TYPES = ("AWS::SageMaker::Endpoint", "AWS::SageMaker::EndpointConfig", "AWS::SageMaker::Model",
                "AWS::SageMaker::InferenceComponent")


class PreflightSetupError(Exception):
    """Nothing can be checked (no boto3, no credentials)."""


def add_parser(subparsers: Any) -> None:
    """Add the ``preflight`` subcommand to an argparse subparsers object."""
    parser = subparsers.add_parser("preflight", help="check the target account can take the app, before cdk deploy",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assembly", default="cdk.out", help="cloud assembly directory (default: cdk.out)")
    parser.add_argument("--region", help="the Region of environment-agnostic stacks (default: the configured one)")
    parser.add_argument("--profile", help="AWS profile (default: the usual credential chain)")
    parser.add_argument("--strict", action="store_true", help="a check that could not run is exit 2")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None,
        session_factory: Callable[..., Any] | None = None) -> int:
    """Run preflight for parsed ``args``; returns the exit code. ``session_factory`` (tests) replaces
    ``boto3.Session``."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        stacks = read_assembly(args.assembly)
        findings, needs, unchecked = preflight(stacks, region=args.region, profile=args.profile,
                                               session_factory=session_factory)
    except (AssemblyError, PreflightSetupError) as error:
        return could_not(error, command="preflight", what="check", as_json=args.json, out=out, err=err)
    code = exit_code(findings, unchecked, strict=args.strict)
    if args.json:
        write_json(out, {"findings": [f.to_json() for f in findings],
                         "needs": [n.to_json() for n in needs],
                         "stacks_unchecked": [{"stack": s, "reason": r} for s, r in unchecked], "exit_code": code})
    else:
        for need in needs:
            print(f"app {need.describe()}", file=out)
        for stack, reason in unchecked:
            print(f"could not check {stack}: {reason}", file=out)
        for finding in findings:
            print(finding.render(), file=out)
        errors = sum(f.severity == ERROR for f in findings)
        print(f"{errors} finding(s) that would fail the deploy, {sum(f.severity == WARNING for f in findings)} "
              f"warning(s), {sum(f.severity == NOT_CHECKED for f in findings)} not checked", file=out)
    return code


def exit_code(findings: list[Finding], unchecked: list[tuple[str, str]], *, strict: bool) -> int:
    if any(f.severity == ERROR for f in findings):
        return EXIT_FINDING
    if unchecked or (strict and any(f.severity == NOT_CHECKED for f in findings)):
        return EXIT_ERROR
    return EXIT_OK


def preflight(stacks: list[StackTemplate], *, region: str | None = None, profile: str | None = None,
              session_factory: Callable[..., Any] | None = None,
              ) -> tuple[list[Finding], list[Need], list[tuple[str, str]]]:
    """(findings, the app's quota needs, stacks that could not be checked with the reason)."""
    try:
        import boto3
    except ImportError as error:  # boto3 is not needed to synthesize, only to read the account
        raise PreflightSetupError(f"boto3 is not installed: {INSTALL_BOTO3}") from error
    factory = session_factory or boto3.Session
    try:
        sessions = Sessions(factory(profile_name=profile), factory, SESSION_NAME)
    except Exception as error:
        raise PreflightSetupError(explain(error)) from error
    environments: dict[tuple[str | None, str], list[StackTemplate]] = defaultdict(list)
    unchecked: list[tuple[str, str]] = []
    for stack in stacks:
        stack_region = stack.key.region or region or sessions.default_region  # --region: agnostic stacks only
        if not stack_region:
            unchecked.append((stack.display_name, "the stack is environment-agnostic and no Region is configured: "
                                                  "pass --region or set AWS_DEFAULT_REGION"))
            continue
        account = stack.key.account
        if account is None:  # deploys to the credentials' account: its needs add up with that account's stacks
            try:
                account = sessions.caller_account(stack_region)
            except SessionError as error:
                raise PreflightSetupError(str(error)) from error
        environments[(account, stack_region)].append(stack)
    findings: list[Finding] = []
    needs: list[Need] = []
    for (account, stack_region), members in environments.items():
        env_needs = app_needs(members, environment=(account, stack_region))
        needs += env_needs
        label = ", ".join(s.display_name for s in members)
        findings += [f for member in members for nested in member.walk()  # the templates alone
                     for f in check_region_mappings(nested, stack_region)]
        try:
            session = sessions.session_for(members[0].key.account, stack_region, members[0].lookup_role_arn)
            owned = _owned(session.client("cloudformation"), members)
        except SessionError as error:
            raise PreflightSetupError(str(error)) from error
        except Exception as error:
            unchecked.append((label, f"cannot read {account or 'the credentials'} account, {stack_region}: "
                                     f"{explain(error)}"))
            continue
        findings += check_quotas(env_needs, session, owned, label)
        for member in members:
            for nested in member.walk():
                findings += check_references(references_of(nested), session, account, stack_region,
                                             nested.display_name)
                findings += check_names(nested, session, owned)
    return findings, needs, unchecked


def _owned(cloudformation: Any, stacks: list[StackTemplate]) -> set[str]:
    """Lower-case physical names of the SageMaker resources the app's deployed stacks own (nested too)."""
    from botocore.exceptions import ClientError

    owned: set[str] = set()

    def read(stack: str) -> None:
        try:
            pages = list(cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack))
        except ClientError as error:
            if "does not exist" in str(error):
                return  # a first deploy: nothing is the app's yet
            raise
        for page in pages:
            for summary in page.get("StackResourceSummaries", []):
                physical = str(summary.get("PhysicalResourceId") or "")
                if summary.get("ResourceType") in _OWNED_TYPES and physical:
                    owned.add(physical.rsplit("/", 1)[-1].lower())
                elif summary.get("ResourceType") == "AWS::CloudFormation::Stack" and physical:
                    read(physical)

    for stack in stacks:
        read(stack.key.stack_name)
    return owned
