"""The testing toolkit for users: normalisation, endpoint assertions, the migration check, the pytest plugin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, DefaultStackSynthesizer, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk.assertions import Template

from cdk_sagemaker_inference import (
    METADATA_KEY,
    ContainerImage,
    InferenceModel,
    InstanceType,
    ModelData,
    RealtimeEndpoint,
    ServerlessEndpoint,
)
from cdk_sagemaker_inference.testing import (
    assert_all_endpoints_serverless,
    assert_endpoint_kinds,
    assert_safe_migration,
    endpoints_of,
    normalise_template,
    template_dict,
)
from cdk_sagemaker_inference.testing.plugin import sagemaker_template
from helpers import CDK_CONTEXT, new_stack

pytest_plugins = ["pytester"]

HASH = "a" * 64


def model_in(stack: Stack) -> InferenceModel:
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    return InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
                          model_data=ModelData.from_bucket(bucket, "m/model.tar.gz"))


def serverless_stack(max_concurrency: int = 10, **kwargs: Any) -> Stack:
    stack = new_stack()
    ServerlessEndpoint(stack, "Endpoint", model=model_in(stack), memory_size_mb=2048,
                       max_concurrency=max_concurrency, **kwargs)
    return stack


def realtime_stack(**kwargs: Any) -> Stack:
    stack = new_stack()
    RealtimeEndpoint(stack, "Endpoint", model=model_in(stack), instance_type=InstanceType.M5_LARGE,
                     instance_count=2, **kwargs)
    return stack


# --------------------------------------------------------------------------- normalisation
def test_normalise_rewrites_hashes_qualifiers_and_drops_the_bootstrap_check() -> None:
    template = {
        "Parameters": {"BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>"}, "Keep": {"Type": "String"}},
        "Rules": {"CheckBootstrapVersion": {"Assertions": []}},
        "Conditions": {"CDKMetadataAvailable": {"Fn::Equals": ["a", "a"]}},
        "Resources": {
            "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:xyz"}},
            "Model": {"Type": "AWS::SageMaker::Model", "Properties": {
                "Url": f"s3://cdk-hnb659fds-assets-123456789012-us-east-1/{HASH}.tar.gz",
                "Image": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/cdk-hnb659fds-container-assets-123456789012-us-east-1:{HASH}",
            }},
        },
    }
    before = json.dumps(template, sort_keys=True)
    result = normalise_template(template)
    assert json.dumps(template, sort_keys=True) == before  # the input is left alone
    assert result == {
        "Parameters": {"Keep": {"Type": "String"}},
        "Resources": {"Model": {"Type": "AWS::SageMaker::Model", "Properties": {
            "Url": "s3://cdk-<qualifier>-assets-123456789012-us-east-1/<asset-hash>.tar.gz",
            "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/"
                     "cdk-<qualifier>-container-assets-123456789012-us-east-1:<asset-hash>",
        }}},
    }
    kept = normalise_template(template, drop_bootstrap_version=False, drop_cdk_metadata=False)
    assert "CheckBootstrapVersion" in kept["Rules"] and "CDKMetadata" in kept["Resources"]
    assert "CDKMetadataAvailable" in kept["Conditions"] and "BootstrapVersion" in kept["Parameters"]


def test_normalise_a_stack_with_the_default_synthesizer() -> None:
    stack = Stack(App(context=CDK_CONTEXT), "WithRule")  # bootstrap-version rule on (the CDK default)
    ServerlessEndpoint(stack, "Endpoint", model=model_in(stack), memory_size_mb=2048, max_concurrency=5)
    raw = Template.from_stack(stack).to_json()
    assert "CheckBootstrapVersion" in raw["Rules"] and "BootstrapVersion" in raw["Parameters"]
    result = normalise_template(stack)
    assert "Rules" not in result and "BootstrapVersion" not in result.get("Parameters", {})
    assert result["Resources"].keys() == raw["Resources"].keys()


def test_template_dict_accepts_every_source(tmp_path: Path) -> None:
    stack = serverless_stack()
    from_stack = template_dict(stack)
    assert template_dict(Template.from_stack(stack)) == from_stack
    path = tmp_path / "Stack.template.json"
    path.write_text(json.dumps(from_stack))
    assert template_dict(path) == from_stack == template_dict(str(path))
    copy = template_dict(from_stack)
    copy["Resources"].clear()
    assert from_stack["Resources"]
    with pytest.raises(TypeError, match="expected a template dict, a Stack, an assertions Template or a file path"):
        template_dict(42)  # type: ignore[arg-type]


def test_sagemaker_template_fixture_is_the_normalisation() -> None:
    fixture = sagemaker_template.__wrapped__()  # type: ignore[attr-defined]
    stack = serverless_stack()
    assert fixture(stack) == normalise_template(stack)


# --------------------------------------------------------------------------- endpoints_of
def test_endpoints_of_reads_the_kind_stamp_and_the_linked_config() -> None:
    [endpoint] = endpoints_of(serverless_stack(endpoint_name="scoring"))
    assert endpoint.kind == "serverless" and endpoint.stamped
    assert endpoint.endpoint_name == "scoring" and endpoint.display_name == f"scoring ({endpoint.logical_id})"
    assert endpoint.config_logical_id is not None and endpoint.config_logical_id.startswith("EndpointConfig")
    assert endpoint.production_variants[0]["ServerlessConfig"] == {"MaxConcurrency": 10, "MemorySizeInMB": 2048}
    [realtime] = endpoints_of(realtime_stack())
    assert realtime.kind == "realtime" and realtime.stamped and realtime.endpoint_name is None
    assert realtime.display_name == realtime.logical_id
    assert realtime.production_variants[0]["InstanceType"] == "ml.m5.large"


def test_endpoints_of_infers_the_kind_of_endpoints_defined_without_this_library() -> None:
    template = {"Resources": {
        "Async": {"Type": "AWS::SageMaker::Endpoint", "Properties": {"EndpointConfigName": {"Ref": "AsyncConfig"}}},
        "AsyncConfig": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": {
            "ProductionVariants": [{"VariantName": "A", "InstanceType": "ml.m5.large"}],
            "AsyncInferenceConfig": {"OutputConfig": {"S3OutputPath": "s3://b/o"}}}},
        "Fixed": {"Type": "AWS::SageMaker::Endpoint", "Properties": {"EndpointConfigName": "fixed-config"}},
        "FixedConfig": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": {
            "EndpointConfigName": "fixed-config", "ProductionVariants": [{"VariantName": "A", "InstanceType": "ml.c5.large"}]}},
        "Lost": {"Type": "AWS::SageMaker::Endpoint", "Properties": {"EndpointConfigName": "elsewhere"}},
        "Serverless": {"Type": "AWS::SageMaker::Endpoint",
                       "Properties": {"EndpointConfigName": {"Fn::GetAtt": ["SlsConfig", "EndpointConfigName"]}}},
        "SlsConfig": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": {
            "ProductionVariants": [{"VariantName": "A", "ServerlessConfig": {"MaxConcurrency": 1, "MemorySizeInMB": 1024}}]}},
    }}
    found = {e.logical_id: e for e in endpoints_of(template)}
    assert {k: (e.kind, e.stamped, e.config_logical_id) for k, e in found.items()} == {
        "Async": ("async", False, "AsyncConfig"),
        "Fixed": ("realtime", False, "FixedConfig"),
        "Lost": ("unknown", False, None),
        "Serverless": ("serverless", False, "SlsConfig"),
    }
    assert found["Lost"].config == {} and found["Lost"].production_variants == []


def test_the_stamp_wins_over_inference() -> None:
    stack = new_stack()
    config = sagemaker.CfnEndpointConfig(stack, "Config", production_variants=[
        sagemaker.CfnEndpointConfig.ProductionVariantProperty(variant_name="A", model_name="m",
                                                               instance_type="ml.m5.large",
                                                               initial_instance_count=1)])
    endpoint = sagemaker.CfnEndpoint(stack, "Endpoint", endpoint_config_name=config.attr_endpoint_config_name)
    endpoint.add_metadata(METADATA_KEY, {"kind": "async"})
    [found] = endpoints_of(stack)
    assert (found.kind, found.stamped) == ("async", True)


# --------------------------------------------------------------------------- assertions
def test_all_serverless_passes_within_the_limits() -> None:
    endpoints = assert_all_endpoints_serverless(serverless_stack(max_concurrency=20), max_concurrency=20,
                                                max_memory_size_mb=2048)
    assert [e.kind for e in endpoints] == ["serverless"]


def test_fails_when_an_endpoint_is_not_serverless() -> None:
    stack = realtime_stack()
    with pytest.raises(AssertionError, match=r"endpoint Endpoint\w+ is realtime, not serverless"):
        assert_all_endpoints_serverless(stack)


def test_fails_when_concurrency_or_memory_is_above_the_limit() -> None:
    stack = serverless_stack(max_concurrency=50)
    with pytest.raises(AssertionError) as caught:
        assert_all_endpoints_serverless(stack, max_concurrency=20, max_memory_size_mb=1024)
    text = str(caught.value)
    assert "variant AllTraffic: MaxConcurrency is 50, above the allowed 20" in text
    assert "variant AllTraffic: MemorySizeInMB is 2048, above the allowed 1024" in text


def test_fails_when_there_is_no_endpoint() -> None:
    with pytest.raises(AssertionError, match="the template has no AWS::SageMaker::Endpoint"):
        assert_all_endpoints_serverless({"Resources": {}})


def test_fails_when_a_limit_cannot_be_compared() -> None:
    template = template_dict(serverless_stack())
    config = next(r for r in template["Resources"].values() if r["Type"] == "AWS::SageMaker::EndpointConfig")
    config["Properties"]["ProductionVariants"][0]["ServerlessConfig"]["MaxConcurrency"] = {"Ref": "Concurrency"}
    with pytest.raises(AssertionError, match=r"MaxConcurrency is \{'Ref': 'Concurrency'\}, which cannot be compared"):
        assert_all_endpoints_serverless(template, max_concurrency=10)


def test_endpoint_kinds() -> None:
    stack = new_stack()
    model = model_in(stack)
    ServerlessEndpoint(stack, "A", model=model, memory_size_mb=1024, max_concurrency=1)
    RealtimeEndpoint(stack, "B", model=model, instance_type=InstanceType.M5_LARGE, instance_count=2)
    assert len(assert_endpoint_kinds(stack, {"serverless": 1, "realtime": 1, "async": 0})) == 2
    with pytest.raises(AssertionError, match=r"expected endpoint kinds \{'serverless': 2\}, found realtime: 1 "
                                             r"\(B\w+\), serverless: 1 \(A\w+\)"):
        assert_endpoint_kinds(stack, {"serverless": 2})
    with pytest.raises(AssertionError, match="found no endpoints"):
        assert_endpoint_kinds({"Resources": {}}, {"realtime": 1})


def test_safe_migration_serverless_to_realtime() -> None:
    assert_safe_migration(serverless_stack(endpoint_name="scoring"), realtime_stack(endpoint_name="scoring"))


def test_fails_when_a_migration_is_unsafe(tmp_path: Path) -> None:
    previous = tmp_path / "previous.json"
    previous.write_text(json.dumps(normalise_template(realtime_stack(endpoint_name="scoring"))))
    with pytest.raises(AssertionError) as caught:
        assert_safe_migration(previous, serverless_stack(endpoint_name="scoring"))
    text = str(caught.value)
    assert text.startswith("1 unsafe endpoint change:\n")
    assert "[instance-to-serverless, refused] endpoint scoring" in text and "realtime -> serverless" in text


def test_fails_when_the_endpoint_name_changes() -> None:
    with pytest.raises(AssertionError, match=r"\[endpoint-name-changed, unsafe\]"):
        assert_safe_migration(serverless_stack(endpoint_name="scoring"), serverless_stack(endpoint_name="scoring-2"))


# --------------------------------------------------------------------------- the plugin, as pytest loads it
USER_TEST = '''
from aws_cdk import App, DefaultStackSynthesizer, Stack
from aws_cdk import aws_s3 as s3
from cdk_sagemaker_inference import ContainerImage, InferenceModel, ModelData, ServerlessEndpoint
from cdk_sagemaker_inference.testing import assert_all_endpoints_serverless

CONCURRENCY = {concurrency}


def build():
    stack = Stack(App(), "Platform")
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    model = InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
                           model_data=ModelData.from_bucket(bucket, "m/model.tar.gz"))
    ServerlessEndpoint(stack, "Endpoint", model=model, memory_size_mb=2048, max_concurrency=CONCURRENCY)
    return stack


def test_snapshot(sagemaker_template, sagemaker_snapshot):
    template = sagemaker_template(build())
    assert "Rules" not in template
    assert template == sagemaker_snapshot


def test_limits():
    assert_all_endpoints_serverless(build(), max_concurrency=10)
'''


def test_plugin_is_registered_through_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TEST.format(concurrency=5))
    first = pytester.runpytest_inprocess("--snapshot-update", "-p", "no:cacheprovider")
    first.assert_outcomes(passed=2)
    snapshot_files = list(pytester.path.glob("__snapshots__/test_user/*.json"))
    assert [p.name for p in snapshot_files] == ["test_snapshot.json"]
    stored = json.loads(snapshot_files[0].read_text())
    assert stored["Resources"] and "CheckBootstrapVersion" not in json.dumps(stored)
    again = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    again.assert_outcomes(passed=2)

    pytester.makepyfile(test_user=USER_TEST.format(concurrency=15))
    changed = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    changed.assert_outcomes(failed=2)
    changed.stdout.fnmatch_lines(["*MaxConcurrency is 15, above the allowed 10*"])


def test_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_off="def test_off(sagemaker_template):\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cdk_sagemaker_inference", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'sagemaker_template' not found*"])


def test_normalisation_leaves_a_stack_without_assets_or_bootstrap_rule_as_it_is() -> None:
    """Nothing to rewrite: no asset, no bootstrap rule, no CDKMetadata (the repo's own test stacks)."""
    stack = Stack(App(context=CDK_CONTEXT), "NoRule",
                  synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False))
    ServerlessEndpoint(stack, "Endpoint", model=model_in(stack), memory_size_mb=2048, max_concurrency=5)
    raw = Template.from_stack(stack).to_json()
    assert normalise_template(stack) == json.loads(json.dumps(raw, sort_keys=True))


def test_sagemaker_app_applies_the_cdk_json_context_of_the_project(tmp_path: Path) -> None:
    from cdk_sagemaker_inference.testing.plugin import cdk_json_context

    (tmp_path / "cdk.json").write_text(json.dumps({"app": "python app.py", "context": {"@aws-cdk/x:flag": True}}))
    nested = tmp_path / "tests" / "unit"
    nested.mkdir(parents=True)
    assert cdk_json_context(nested) == {"@aws-cdk/x:flag": True}
    assert cdk_json_context(Path("/")) == {}


def test_sagemaker_app_fixture_gives_this_repos_feature_flags(sagemaker_app: Any) -> None:
    app = sagemaker_app(extra="value")
    assert app.node.try_get_context("extra") == "value"
    flag = next(iter(CDK_CONTEXT))
    assert app.node.try_get_context(flag) == CDK_CONTEXT[flag]


def _nested_app(serverless: bool) -> Any:
    from aws_cdk import App, NestedStack, Stack

    from cdk_sagemaker_inference import (
        ContainerImage,
        InferenceModel,
        InstanceType,
        RealtimeEndpoint,
        ServerlessEndpoint,
    )

    image = ContainerImage.from_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1")
    parent = Stack(App(), "P")
    child = NestedStack(parent, "N")
    ServerlessEndpoint(parent, "Front", model=InferenceModel(parent, "FM", image=image), memory_size_mb=2048,
                       max_concurrency=5)
    model = InferenceModel(child, "M", image=image)
    if serverless:
        ServerlessEndpoint(child, "E", model=model, memory_size_mb=2048, max_concurrency=5)
    else:
        RealtimeEndpoint(child, "E", model=model, instance_type=InstanceType.M5_LARGE)
    return parent


def test_a_stacks_nested_stacks_are_read_by_every_assertion() -> None:
    """Found by review: the assertions read only the parent's template, so a real-time endpoint in a nested
    stack passed assert_all_endpoints_serverless and a serverless migration inside it passed
    assert_safe_migration."""
    old, new = _nested_app(serverless=False), _nested_app(serverless=True)
    with pytest.raises(AssertionError, match=r"N/E\w+ is realtime, not serverless"):
        assert_all_endpoints_serverless(old)
    assert_endpoint_kinds(old, {"serverless": 1, "realtime": 1})
    with pytest.raises(AssertionError, match="1 unsafe endpoint change"):
        assert_safe_migration(old, new)
    assert_all_endpoints_serverless(new)
    with pytest.raises(ValueError, match="the template has nested stacks"):
        endpoints_of(template_dict(old))


def test_a_snapshot_of_a_stack_holds_its_nested_stacks_templates() -> None:
    """Found by review: a nested stack resource holds only the asset URL of its template, whose hash the
    normalisation rewrites, so a snapshot did not change when an endpoint inside it went serverless ->
    real-time. The nested templates are in the snapshot now, by path, at every level."""
    from aws_cdk import NestedStack

    old, new = _nested_app(serverless=True), _nested_app(serverless=False)
    deeper = NestedStack(old.node.find_child("N"), "Deeper")
    InferenceModel(deeper, "M", image=ContainerImage.from_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"))
    before, after = normalise_template(old), normalise_template(new)
    assert sorted(before["NestedStackTemplates"]) == ["N", "N/Deeper"]
    assert sorted(after["NestedStackTemplates"]) == ["N"]
    assert before["Resources"].keys() == after["Resources"].keys()  # the parent alone did not tell them apart
    kinds = {json.dumps(t["NestedStackTemplates"]["N"]).count("ServerlessConfig") for t in (before, after)}
    assert kinds == {0, 1}
    assert normalise_template(old) == before  # stable
    assert "<asset-hash>" in json.dumps(before["Resources"])  # the nested template URL's hash is rewritten
    # A template dict or file with nested stacks and no templates would be a blind snapshot: refused.
    with pytest.raises(ValueError, match="whose templates are not in it, so a snapshot of it would not change"):
        normalise_template(template_dict(old))
    assert normalise_template(before) == before  # a snapshot with its nested templates reads back


def test_the_assertions_read_a_normalised_template_and_a_committed_snapshot_with_nested_stacks(
        tmp_path: Path) -> None:
    """The README's flow: the snapshot dict goes on to the assertions, and a committed snapshot of the
    release deployed now is the baseline of assert_safe_migration (found by review: a stack with nested
    stacks had no committed-baseline form; every file or dict was refused)."""
    old, new = _nested_app(serverless=False), _nested_app(serverless=True)
    previous = tmp_path / "previous.json"
    previous.write_text(json.dumps(normalise_template(old)))
    with pytest.raises(AssertionError, match=r"N/E\w+ is realtime, not serverless"):
        assert_all_endpoints_serverless(normalise_template(old))
    assert_all_endpoints_serverless(normalise_template(new))
    with pytest.raises(AssertionError, match="1 unsafe endpoint change"):
        assert_safe_migration(str(previous), new)
    assert_safe_migration(normalise_template(new), new)


@pytest.mark.parametrize(("call", "error"), [
    (lambda t: assert_endpoint_kinds(t, ["serverless"]), "expected must be a dict of kind to count"),
    (lambda t: assert_endpoint_kinds(t, None), "expected must be a dict of kind to count"),
    (lambda t: assert_all_endpoints_serverless(t, max_concurrency="50"), "max_concurrency must be a number"),
    (lambda t: assert_all_endpoints_serverless(t, max_concurrency=float("nan")), "max_concurrency must be a number"),
    (lambda t: endpoints_of({"Resources": [{"Type": "AWS::SageMaker::Endpoint"}]}), "not a template"),
    (lambda t: endpoints_of("."), "is a directory"),
])
def test_a_wrong_argument_is_a_type_error_naming_it(call: Any, error: str) -> None:
    """Found by review: raw AttributeError/TypeError/IsADirectoryError, or a NaN limit that passed everything."""
    with pytest.raises(TypeError, match=error):
        call({"Resources": {}})


def test_odd_resources_in_a_template_dict_are_read_not_crashed_on() -> None:
    template = {"Resources": {"X": None, "E": {"Type": "AWS::SageMaker::Endpoint", "Metadata": "x",
                                               "Properties": {"EndpointConfigName": "c"}}}}
    [endpoint] = endpoints_of(template)
    assert endpoint.kind == "unknown"


# --------------------------------------------------------------------------- normalised templates in the guard
def _asset_release(directory: Path, data: Path) -> tuple[Stack, Path]:
    """An autoscaled endpoint that resets on update, its model data an asset; synthesized as `cdk synth` does."""
    from cdk_sagemaker_inference import InstanceScaling

    app = App(outdir=str(directory), context=CDK_CONTEXT)
    stack = Stack(app, "Svc", synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False))
    model = InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
                           model_data=ModelData.from_asset(str(data)))
    RealtimeEndpoint(stack, "Endpoint", model=model, endpoint_name="scoring", instance_type=InstanceType.M5_LARGE,
                     instance_count=2, retain_scaled_capacity=False,
                     autoscaling=InstanceScaling(min_capacity=2, max_capacity=6, target_invocations_per_instance=100))
    app.synth()
    return stack, directory / "Svc.template.json"


@pytest.fixture
def releases(tmp_path: Path) -> dict[str, tuple[Stack, Path]]:
    (tmp_path / "a.tar.gz").write_bytes(b"model a")
    (tmp_path / "b.tar.gz").write_bytes(b"model b")
    return {"before": _asset_release(tmp_path / "before", tmp_path / "a.tar.gz"),
            "same": _asset_release(tmp_path / "same", tmp_path / "a.tar.gz"),
            "new-data": _asset_release(tmp_path / "new-data", tmp_path / "b.tar.gz")}


def test_the_readme_pattern_a_cdk_synth_baseline_and_the_stack_sees_new_model_data(
        releases: dict[str, tuple[Stack, Path]], recwarn: pytest.WarningsRecorder) -> None:
    """As the README: the committed `cdk synth` template of the release against the Stack, both with their
    asset hashes: the same app passes without a word, new model data is the fleet reset the guard command
    reports."""
    baseline = releases["before"][1]
    assert_safe_migration(baseline, releases["same"][0])
    assert not [w for w in recwarn if "unverified" in str(w.message)]
    with pytest.raises(AssertionError, match=r"scaled-fleet-reset, unsafe"):
        assert_safe_migration(baseline, releases["new-data"][0])


@pytest.mark.parametrize(("previous", "new"), [
    ("raw", "same"),  # a committed cdk synth template against sagemaker_template(stack): no change at all
    ("normalised", "new-data"),  # a committed snapshot against sagemaker_template(stack): new model data
    ("raw", "new-data"),
], ids=["raw-vs-normalised-unchanged", "normalised-vs-normalised-new-data", "raw-vs-normalised-new-data"])
def test_a_normalised_template_makes_an_asset_dependent_change_unverified_never_safe_never_unsafe(
        releases: dict[str, tuple[Stack, Path]], previous: str, new: str) -> None:
    """Found by review: raw vs normalised reported a false scaled-fleet-reset, and two normalised templates hid
    new model data. A placeholder cannot say whether the asset changed: the helper warns (unverified)."""
    baseline: Any = releases["before"][1]
    if previous == "normalised":
        baseline = normalise_template(baseline)
    with pytest.warns(UserWarning, match=r"(?s)scaled-fleet-reset, unverified.*normalised for snapshots"):
        assert_safe_migration(baseline, normalise_template(releases[new][0]))
