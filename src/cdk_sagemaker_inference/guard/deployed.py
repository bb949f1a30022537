"""The deployed templates of an assembly's stacks, each read in its own account and Region.

As the CDK CLI does: a stack's Region comes from the assembly (``--region`` only overrides it, and
is needed for environment-agnostic stacks when no Region is configured); when the credentials'
account is not the stack's, the stack's bootstrap lookup role (from the assembly) is assumed.
Nested stacks are read through their parent's resources (``ListStackResources``, then
``GetTemplate`` on each nested stack's physical id). A stack that cannot be read is reported with
the reason ("could not check"), never skipped silently; a stack that does not exist is a first
deploy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..assembly import AssemblyError, StackKey, StackTemplate, check_template

SESSION_NAME = "cdk-sagemaker-inference-guard"
INSTALL_BOTO3 = "pip install boto3 (the guard reads the deployed stacks with it)"


class GuardSetupError(Exception):
    """The deployed stacks cannot be read at all (no boto3, no credentials): nothing was compared."""


@dataclass
class Deployed:
    """The deployed side of a comparison."""

    stacks: list[StackTemplate] = field(default_factory=list)
    unchecked: list[tuple[str, str]] = field(default_factory=list)


def partition_of(region: str) -> str:
    """The AWS partition of a Region (for the lookup role's ``${AWS::Partition}``)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso"):
        return "aws-iso-b" if region.startswith("us-isob") else "aws-iso"
    return "aws"


def deployed_stacks(new: Sequence[StackTemplate], *, region: str | None = None, profile: str | None = None,
                    session_factory: Callable[..., Any] | None = None) -> Deployed:
    """Read the deployed template of every stack of ``new`` (and of its nested stacks)."""
    try:
        import boto3
    except ImportError as error:  # boto3 is not needed to synthesize, only to read deployed stacks
        raise GuardSetupError(f"boto3 is not installed: {INSTALL_BOTO3}") from error
    factory = session_factory or boto3.Session
    try:
        base = factory(profile_name=profile)
    except Exception as error:
        raise GuardSetupError(explain(error)) from error
    reader = _Reader(base, factory)
    result = Deployed()
    for top in new:
        stack_region = region or top.key.region or base.region_name
        if not stack_region:
            result.unchecked.append((top.display_name,
                                     "the stack is environment-agnostic and no Region is configured: pass --region "
                                     "or set AWS_DEFAULT_REGION (or the profile's region)"))
            continue
        try:
            session = reader.session_for(top.key.account, stack_region, top.lookup_role_arn)
            found = _read(session.client("cloudformation"), top.key.stack_name, top.key, top.display_name)
        except GuardSetupError:
            raise
        except Exception as error:
            result.unchecked.append((top.display_name, f"cannot read it in {top.key.account or 'the credentials'} "
                                                       f"account, {stack_region}: {explain(error)}"))
            continue
        if found is not None:
            result.stacks.append(found)
    return result


class _Reader:
    """One session per account and Region; the caller's account asked once."""

    def __init__(self, base: Any, factory: Callable[..., Any]) -> None:
        self._base = base
        self._factory = factory
        self._sessions: dict[tuple[str | None, str], Any] = {}
        self._caller: str | None = None

    def caller_account(self) -> str:
        if self._caller is None:
            try:
                identity = self._base.client("sts").get_caller_identity()
            except Exception as error:
                raise GuardSetupError(explain(error)) from error
            self._caller = str(identity["Account"])
        return self._caller

    def session_for(self, account: str | None, region: str, lookup_role_arn: str | None) -> Any:
        key = (account, region)
        if key in self._sessions:
            return self._sessions[key]
        if account is None or account == self.caller_account():
            session = _Regional(self._base, region)
        else:
            if not lookup_role_arn:
                raise PermissionError(f"the credentials are for account {self.caller_account()}, the stack is in "
                                      f"{account}, and the assembly names no lookup role to assume")
            role = lookup_role_arn.replace("${AWS::Partition}", partition_of(region))
            try:
                credentials = self._base.client("sts", region_name=region).assume_role(
                    RoleArn=role, RoleSessionName=SESSION_NAME)["Credentials"]
            except Exception as error:
                raise PermissionError(f"cannot assume the lookup role {role} (bootstrap the account with "
                                      f"`cdk bootstrap aws://{account}/{region}` and trust this account): "
                                      f"{explain(error)}") from error
            session = self._factory(aws_access_key_id=credentials["AccessKeyId"],
                                    aws_secret_access_key=credentials["SecretAccessKey"],
                                    aws_session_token=credentials["SessionToken"], region_name=region)
        self._sessions[key] = session
        return session


class _Regional:
    """The base session's clients in one Region (``Session(region_name=…)`` would change a shared session)."""

    def __init__(self, base: Any, region: str) -> None:
        self._base, self._region = base, region

    def client(self, service: str) -> Any:
        return self._base.client(service, region_name=self._region)


def _read(client: Any, stack: str, key: StackKey, display_name: str) -> StackTemplate | None:
    """The deployed template of ``stack`` (a name or an ARN) with its nested stacks; None if it does not exist."""
    from botocore.exceptions import ClientError

    try:
        body = client.get_template(StackName=stack, TemplateStage="Original")["TemplateBody"]
    except ClientError as error:
        if "does not exist" in str(error.response.get("Error", {}).get("Message", "")):
            return None
        raise
    template = body if isinstance(body, dict) else json.loads(body)
    try:
        check_template(template, f"the deployed template of {display_name}")
    except AssemblyError as error:
        raise ValueError(str(error)) from error
    nested: list[StackTemplate] = []
    nested_ids = [logical_id for logical_id, resource in (template.get("Resources") or {}).items()
                  if resource.get("Type") == "AWS::CloudFormation::Stack"]
    if nested_ids:
        physical: dict[str, str] = {}
        for page in client.get_paginator("list_stack_resources").paginate(StackName=stack):
            for summary in page.get("StackResourceSummaries", []):
                if summary.get("ResourceType") == "AWS::CloudFormation::Stack" and summary.get("PhysicalResourceId"):
                    physical[summary["LogicalResourceId"]] = summary["PhysicalResourceId"]
        for logical_id in nested_ids:
            if logical_id not in physical:
                continue  # not created yet: nothing deployed to compare with
            child_key = StackKey(key.stack_name, key.account, key.region, (*key.nested, logical_id))
            child = _read(client, physical[logical_id], child_key, f"{display_name}/{logical_id}")
            if child is not None:
                nested.append(child)
    return StackTemplate(key=key, display_name=display_name, template=template, nested=tuple(nested))


def explain(error: BaseException) -> str:
    """What went wrong reading AWS, and what to do (credential and Region errors in words)."""
    name = type(error).__name__
    if name in ("NoCredentialsError", "PartialCredentialsError"):
        return ("no AWS credentials found. Configure credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/"
                "AWS_SECRET_ACCESS_KEY, or an instance/role profile) for the account you deploy to.")
    if name == "NoRegionError":
        return "no AWS Region configured: pass --region or set AWS_DEFAULT_REGION."
    if name in ("ProfileNotFound", "PermissionError"):
        return str(error)
    return f"{name}: {error}"
