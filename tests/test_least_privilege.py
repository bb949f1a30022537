"""Least privilege: every IAM policy the example app and each construct's default configuration
synthesize grants on named resources, except the actions AWS only grants on ``*``; no role the
library creates carries a managed policy."""

from __future__ import annotations

import ast
import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3

from cdk_sagemaker_inference import (
    AsyncEndpoint,
    BatchTransformInput,
    BatchTransformJob,
    ContainerImage,
    InferenceModel,
    InstanceType,
    ModelData,
    RealtimeEndpoint,
    ServerlessEndpoint,
)
from helpers import CDK_CONTEXT, ROOT, new_app, new_stack

# Actions that have no resource-level permissions: IAM only accepts them on "*".
# Each with the reason it is granted at all.
STAR_ONLY_ACTIONS: dict[str, str] = {
    "cloudwatch:PutMetricData": "no resource-level permissions (scoped with a cloudwatch:namespace condition "
                                "instead); SageMaker containers publish their metrics with it",
    "ecr:GetAuthorizationToken": "account-wide registry login token; pulling an image needs it, the layer "
                                 "actions themselves are scoped to the repository",
    "xray:PutTraceSegments": "X-Ray has no resource-level permissions (Step Functions tracing)",
    "xray:PutTelemetryRecords": "X-Ray has no resource-level permissions (Step Functions tracing)",
    "xray:GetSamplingRules": "X-Ray has no resource-level permissions (Step Functions tracing)",
    "xray:GetSamplingTargets": "X-Ray has no resource-level permissions (Step Functions tracing)",
    "logs:CreateLogDelivery": "CloudWatch Logs vended-log delivery for Step Functions: no resource-level "
                              "permissions (the Step Functions logging documentation grants it on *)",
    "logs:GetLogDelivery": "vended-log delivery for Step Functions logging, no resource-level permissions",
    "logs:UpdateLogDelivery": "vended-log delivery for Step Functions logging, no resource-level permissions",
    "logs:DeleteLogDelivery": "vended-log delivery for Step Functions logging, no resource-level permissions",
    "logs:ListLogDeliveries": "vended-log delivery for Step Functions logging, no resource-level permissions",
    "logs:PutResourcePolicy": "vended-log delivery for Step Functions logging: the log group's resource "
                              "policy is account-wide",
    "logs:DescribeResourcePolicies": "vended-log delivery for Step Functions logging, account-wide",
    "logs:DescribeLogGroups": "vended-log delivery for Step Functions logging: lists log groups, account-wide",
    "ec2:CreateNetworkInterface": "SageMaker in a VPC: the ENI does not exist yet, so no ARN to scope to",
    "ec2:CreateNetworkInterfacePermission": "SageMaker in a VPC: permission on ENIs created at run time",
    "ec2:DeleteNetworkInterface": "SageMaker in a VPC: ENIs created at run time",
    "ec2:DeleteNetworkInterfacePermission": "SageMaker in a VPC: ENIs created at run time",
    "ec2:DescribeNetworkInterfaces": "EC2 Describe* actions have no resource-level permissions",
    "ec2:DescribeVpcs": "EC2 Describe* actions have no resource-level permissions",
    "ec2:DescribeDhcpOptions": "EC2 Describe* actions have no resource-level permissions",
    "ec2:DescribeSubnets": "EC2 Describe* actions have no resource-level permissions",
    "ec2:DescribeSecurityGroups": "EC2 Describe* actions have no resource-level permissions",
}


@dataclass(frozen=True)
class Grant:
    """One Allow statement found in a template."""

    stack: str
    logical_id: str
    actions: tuple[str, ...]
    resources: tuple[Any, ...]


# --------------------------------------------------------------------------- what is audited


def example_app() -> App:
    """The example app, built exactly as app.py builds it (its source, without the final synth).

    cdk.json's context reaches the app the way the CDK CLI passes it (CDK_CONTEXT_JSON).
    """
    if str(ROOT) not in sys.path:  # app.py imports the stacks package from the repository root
        sys.path.insert(0, str(ROOT))
    tree = ast.parse((ROOT / "app.py").read_text())
    tree.body = [node for node in tree.body
                 if not (isinstance(node, ast.Expr) and ast.unparse(node) == "app.synth()")]
    namespace: dict[str, Any] = {"__name__": "example_app"}
    previous = os.environ.get("CDK_CONTEXT_JSON")
    os.environ["CDK_CONTEXT_JSON"] = json.dumps(CDK_CONTEXT)
    try:
        exec(compile(tree, str(ROOT / "app.py"), "exec"), namespace)
    finally:
        if previous is None:
            os.environ.pop("CDK_CONTEXT_JSON", None)
        else:
            os.environ["CDK_CONTEXT_JSON"] = previous
    app = namespace["app"]
    assert isinstance(app, App)
    return app


def _model(stack: Stack) -> InferenceModel:
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    return InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
                          model_data=ModelData.from_bucket(bucket, "m/model.tar.gz"))


def _serverless(stack: Stack) -> None:
    ServerlessEndpoint(stack, "Endpoint", model=_model(stack), memory_size_mb=2048, max_concurrency=5)


def _realtime(stack: Stack) -> None:
    RealtimeEndpoint(stack, "Endpoint", model=_model(stack), instance_type=InstanceType.M5_LARGE, instance_count=2)


def _async(stack: Stack) -> None:
    AsyncEndpoint(stack, "Endpoint", model=_model(stack), instance_type=InstanceType.M5_LARGE)


def _realtime_in_vpc(stack: Stack) -> None:
    vpc = ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id="vpc-0123456789abcdef0",
                                      availability_zones=["us-east-1a", "us-east-1b"],
                                      private_subnet_ids=["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"])
    model = InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
                           vpc=vpc)
    RealtimeEndpoint(stack, "Endpoint", model=model, instance_type=InstanceType.M5_LARGE, instance_count=2)


def _batch(stack: Stack) -> None:
    records = s3.Bucket.from_bucket_name(stack, "Records", "my-records")
    BatchTransformJob(stack, "Job", model=_model(stack), instance_type=InstanceType.M5_XLARGE,
                      input=BatchTransformInput.from_prefix(records, "incoming/"))


DEFAULTS: dict[str, Callable[[Stack], None]] = {
    "ServerlessEndpoint": _serverless,
    "RealtimeEndpoint": _realtime,
    "AsyncEndpoint": _async,
    "BatchTransformJob": _batch,
    "RealtimeEndpoint in a VPC": _realtime_in_vpc,
}


APP = "the example app"


@functools.cache
def templates(name: str) -> tuple[tuple[str, dict[str, Any]], ...]:
    """(stack, template) of the example app (``APP``) or of one construct's default configuration."""
    if name == APP:
        return tuple((a.stack_name, a.template) for a in example_app().synth().stacks)
    app = new_app()
    stack = new_stack(app, "Default" + "".join(c for c in name if c.isalnum()))
    DEFAULTS[name](stack)
    return ((stack.stack_name, app.synth().get_stack_artifact(stack.artifact_id).template),)


AUDITED = [APP, *DEFAULTS]


# --------------------------------------------------------------------------- the walk


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def grants_of(stack: str, template: dict[str, Any]) -> Iterator[Grant]:
    """Allow statements of AWS::IAM::Policy, AWS::IAM::ManagedPolicy and inline role/user/group policies."""
    for logical_id, resource in template.get("Resources", {}).items():
        kind, props = resource.get("Type"), resource.get("Properties", {})
        documents: list[Any] = []
        if kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            documents.append(props.get("PolicyDocument", {}))
        if kind in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
            documents += [p.get("PolicyDocument", {}) for p in props.get("Policies", [])]
        for document in documents:
            for statement in _as_list(document.get("Statement", [])):
                if statement.get("Effect") != "Allow":
                    continue
                yield Grant(stack, logical_id, tuple(_as_list(statement.get("Action", []))),
                            tuple(_as_list(statement.get("Resource", []))))


def managed_policies_of(template: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") == "AWS::IAM::Role":
            for arn in resource.get("Properties", {}).get("ManagedPolicyArns", []):
                yield logical_id, arn


@pytest.mark.parametrize("name", AUDITED)
def test_star_resources_only_for_actions_aws_grants_on_star(name: str) -> None:
    offending = []
    for stack, template in templates(name):
        for grant in grants_of(stack, template):
            if "*" not in grant.resources:
                continue
            scoped = [a for a in grant.actions if a not in STAR_ONLY_ACTIONS]
            if scoped:
                offending.append(f"{stack}/{grant.logical_id}: {scoped} on Resource '*'")
    assert offending == [], f"Resource '*' for actions that can be scoped to resources: {offending}"


# The one managed policy a library role carries, and why: the developer guide's Inference Recommender
# prerequisites name it for the job role, and the models, endpoint configs and endpoints the job creates are
# named by the service (no documented scheme to scope an inline policy to).
DOCUMENTED_MANAGED_POLICIES = {"AmazonSageMakerFullAccess": "JobRole"}


@pytest.mark.parametrize("name", AUDITED)
def test_no_managed_policy_on_any_role(name: str) -> None:
    # Every role in these templates is created by the library or by the example app, which follows
    # the same rule: inline least-privilege policies only, but for the documented exception above.
    attached = []
    for stack, template in templates(name):
        for logical_id, arn in managed_policies_of(template):
            policy = json.dumps(arn).rsplit("/", 1)[-1].strip('"]}')
            if DOCUMENTED_MANAGED_POLICIES.get(policy, "\0") not in logical_id:
                attached.append((stack, logical_id, policy))
    assert attached == []


@pytest.mark.parametrize("name", AUDITED)
def test_no_wildcard_actions(name: str) -> None:
    for stack, template in templates(name):
        for grant in grants_of(stack, template):
            assert not any(a == "*" or a.endswith(":*") for a in grant.actions), grant


def test_the_audit_sees_policies() -> None:
    for name in AUDITED:
        found = [g for stack, template in templates(name) for g in grants_of(stack, template)]
        assert found, f"{name}: no IAM policy found (the walk is broken?)"
    assert len(templates(APP)) >= 4, "the example app has a stack per hosting option"


def test_the_star_list_is_explained_and_used() -> None:
    used = {a for name in AUDITED for stack, template in templates(name) for g in grants_of(stack, template)
            if "*" in g.resources for a in g.actions}
    assert used, "no action on '*' at all: the allow-list can shrink"
    assert used <= set(STAR_ONLY_ACTIONS)
    assert all(len(reason) > 20 for reason in STAR_ONLY_ACTIONS.values())
