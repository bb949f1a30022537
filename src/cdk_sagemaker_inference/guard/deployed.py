"""The deployed templates of an assembly's stacks, each read in its own account and Region.

As the CDK CLI does: a stack's Region comes from the assembly (``--region`` gives environment-agnostic
stacks one, else the configured Region; a stack pinned to a Region is read there, with no Region
configured at all); when the credentials' account is not the stack's, the stack's bootstrap lookup role (from the assembly) is assumed.
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

from ..assembly import AssemblyError, StackKey, StackTemplate, check_template, nested_display_name
from ..assembly.sessions import SessionError, Sessions, explain

SESSION_NAME = "cdk-sagemaker-inference-guard"
INSTALL_BOTO3 = "pip install boto3 (the guard reads the deployed stacks with it)"


class GuardSetupError(Exception):
    """The deployed stacks cannot be read at all (no boto3, no credentials): nothing was compared."""


@dataclass
class Deployed:
    """The deployed side of a comparison."""

    stacks: list[StackTemplate] = field(default_factory=list)
    unchecked: list[tuple[str, str]] = field(default_factory=list)


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
    reader = Sessions(base, factory, SESSION_NAME)
    result = Deployed()
    for top in new:
        stack_region = top.key.region or region or base.region_name  # --region: agnostic stacks only
        if not stack_region:
            result.unchecked.append((top.display_name,
                                     "the stack is environment-agnostic and no Region is configured: pass --region "
                                     "or set AWS_DEFAULT_REGION (or the profile's region)"))
            continue
        try:
            session = reader.session_for(top.key.account, stack_region, top.lookup_role_arn)
            found = _read(session.client("cloudformation"), top.key.stack_name, top.key, top.display_name)
        except (GuardSetupError, SessionError) as error:
            raise GuardSetupError(str(error)) from error
        except Exception as error:
            result.unchecked.append((top.display_name, f"cannot read it in {top.key.account or 'the credentials'} "
                                                       f"account, {stack_region}: {explain(error)}"))
            continue
        if found is not None:
            result.stacks.append(found)
    return result


def _read(client: Any, stack: str, key: StackKey, display_name: str) -> StackTemplate | None:
    """The deployed template of ``stack`` (a name or an ARN) with its nested stacks; None if it does not exist."""
    from botocore.exceptions import ClientError

    try:
        body = client.get_template(StackName=stack, TemplateStage="Original")["TemplateBody"]
    except ClientError as error:
        if "does not exist" in str(error.response.get("Error", {}).get("Message", "")):
            return None
        raise
    try:
        template = body if isinstance(body, dict) else json.loads(body)
    except ValueError:
        raise ValueError(f"the deployed template of {display_name} is not JSON (a YAML template, deployed by hand "
                         "or before the app was migrated to the CDK?): the guard compares JSON templates, so deploy "
                         "the stack once with `cdk deploy`, then run the guard again") from None
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
            child = _read(client, physical[logical_id], child_key,
                          nested_display_name(display_name, logical_id, template["Resources"][logical_id]))
            if child is not None:
                nested.append(child)
    return StackTemplate(key=key, display_name=display_name, template=template, nested=tuple(nested))


