"""CloudFormation's stack limits: a stack with these constructs warns past 80% of 500 resources or 1 MB."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import CfnResource, NestedStack, Stack
from aws_cdk import aws_s3 as s3

from cdk_sagemaker_inference import (
    ContainerImage,
    InferenceModel,
    ModelData,
    ServerlessEndpoint,
    stack_limits,
)
from cdk_sagemaker_inference.stack_limits import (
    RESOURCE_WARNING,
    SIZE_WARNING,
    StackLimitsPlugin,
    _count_in_python,
    count_resources,
    watch_stack_limits,
)
from helpers import new_app, new_stack, template_of, warnings_of
from nag_configs import CONFIGURATIONS


def endpoint_in(stack: Stack, construct_id: str = "Endpoint") -> ServerlessEndpoint:
    bucket = s3.Bucket.from_bucket_name(stack, f"{construct_id}Models", "my-models")
    model = InferenceModel(stack, f"{construct_id}Model",
                           image=ContainerImage.from_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"),
                           model_data=ModelData.from_bucket(bucket, "m/model.tar.gz"))
    return ServerlessEndpoint(stack, construct_id, model=model, memory_size_mb=2048, max_concurrency=5)


def handles(scope: Any, count: int, prefix: str = "Handle") -> None:
    for i in range(count):
        CfnResource(scope, f"{prefix}{i}", type="AWS::CloudFormation::WaitConditionHandle")


def limit_warnings(stack: Stack) -> list[str]:
    return [w for w in warnings_of(stack) if RESOURCE_WARNING in w]


def test_a_small_stack_does_not_warn() -> None:
    stack = new_stack()
    endpoint_in(stack)
    assert limit_warnings(stack) == []


def test_a_stack_past_400_resources_warns_and_names_the_limit() -> None:
    stack = new_stack()
    endpoint_in(stack)
    handles(stack, 400)
    resources = len(template_of(stack).to_json()["Resources"])
    assert resources > 400
    found = limit_warnings(stack)
    assert len(found) == 1
    assert f"has {resources} resources" in found[0]
    assert "CloudFormation's limit of 500 resources per stack" in found[0]
    assert "Split it" in found[0] and "cloudformation-limits" in found[0]


def test_exactly_80_percent_does_not_warn() -> None:
    stack = new_stack()
    endpoint_in(stack)  # role, its two policies, model, endpoint config, endpoint
    handles(stack, 400 - count_resources(stack))
    assert len(template_of(stack).to_json()["Resources"]) == 400
    assert limit_warnings(stack) == []


def test_the_limit_follows_aws_cdk_libs_context_value() -> None:
    stack = new_stack(new_app(**{"@aws-cdk/core:stackResourceLimit": 4}))  # the endpoint has 4
    endpoint_in(stack)
    found = limit_warnings(stack)
    assert len(found) == 1 and "limit of 4 resources" in found[0]
    off = new_stack(new_app(**{"@aws-cdk/core:stackResourceLimit": 0}))
    endpoint_in(off)
    handles(off, 450)
    assert limit_warnings(off) == []


def test_registered_once_per_stack_however_many_endpoints() -> None:
    stack = new_stack()
    endpoint_in(stack, "A")
    endpoint_in(stack, "B")
    watch_stack_limits(stack)
    handles(stack, 400)
    assert len(limit_warnings(stack)) == 1


def test_resources_of_a_nested_stack_count_for_the_nested_template_only() -> None:
    stack = new_stack()
    endpoint_in(stack)
    own = count_resources(stack)
    nested = NestedStack(stack, "Nested")
    handles(nested, 450)
    assert count_resources(stack) == own + 1  # the endpoint's and the nested stack's AWS::CloudFormation::Stack
    assert count_resources(nested) == 450
    assert limit_warnings(stack) == []


@pytest.mark.parametrize("name", sorted(f"{kind} {config}" for kind, configs in CONFIGURATIONS.items() for config in configs))
def test_the_count_made_in_node_is_the_templates_resources(name: str) -> None:
    # count_resources counts in node (findAll and CfnResource.isCfnResource, kept there): for every nag
    # configuration it is what the template holds and what counting construct by construct in Python finds.
    kind, config = name.split(" ", 1)
    stack = new_stack()
    CONFIGURATIONS[kind][config](stack)
    counted = count_resources(stack)
    assert counted == _count_in_python(stack)
    resources = template_of(stack).to_json()["Resources"]
    assert counted == sum(1 for r in resources.values() if r["Type"] != "AWS::CDK::Metadata") > 0


def test_a_template_past_800_kb_is_reported_as_a_warning_naming_the_limit() -> None:
    app = new_app()
    stack = new_stack(app, "Big")
    endpoint_in(stack)
    for i in range(9):
        CfnResource(stack, f"Parameter{i}", type="AWS::SSM::Parameter",
                    properties={"Type": "String", "Value": "x" * 95_000})
    assembly = app.synth()  # a warning never fails the synth
    size = Path(assembly.directory, "Big.template.json").stat().st_size
    assert 800_000 < size < 1_000_000
    report = json.loads(Path(assembly.directory, "validation-report.json").read_text())
    ours = [r for r in report["pluginReports"] if r["pluginName"] == "cdk-sagemaker-inference-stack-limits"]
    assert len(ours) == 1 and ours[0]["conclusion"] == "success"
    (violation,) = ours[0]["violations"]
    assert violation["ruleName"] == SIZE_WARNING and violation["severity"] == "warning"
    assert f"{size:,} bytes" in violation["description"]
    assert "template size limit of 1 MB" in violation["description"]


def test_the_plugin_ignores_small_templates_and_stacks_it_does_not_watch(tmp_path: Path) -> None:
    small, unwatched = tmp_path / "Small.template.json", tmp_path / "Other.template.json"
    small.write_text(json.dumps({"Resources": {}}))
    unwatched.write_text(json.dumps({"Resources": {"R": {"Type": "X", "Properties": {"V": "x" * 900_000}}}}))
    plugin = StackLimitsPlugin()
    plugin.watch("Small.template.json", "Small")

    class Context:
        template_paths = [str(small), str(unwatched)]

    report = plugin.validate(Context())  # type: ignore[arg-type]
    assert report.success and list(report.violations) == []
    plugin.watch("Other.template.json", "Other")
    report = plugin.validate(Context())  # type: ignore[arg-type]
    assert [v.rule_name for v in report.violations] == [SIZE_WARNING]
    assert report.violations[0].violating_resources[0].resource_logical_id == "R"


def test_the_template_size_check_follows_aws_cdk_libs_validation_switch(monkeypatch: Any) -> None:
    monkeypatch.setenv("CDK_VALIDATION", "false")  # what `cdk synth --no-validation` sets
    assert not stack_limits.template_validation_enabled()
    app = new_app()
    stack = new_stack(app, "Quiet")
    endpoint_in(stack)
    assert app not in stack_limits._PLUGINS  # no plugin, so no validation report is built for this check
    handles(stack, 400)
    assert len(limit_warnings(stack)) == 1  # the resource count is checked all the same
    monkeypatch.delenv("CDK_VALIDATION")
    assert stack_limits.template_validation_enabled()
