"""The migration guard as a pure function: unsafe changes found, safe ones never flagged."""

from __future__ import annotations

import copy
import io
import json
from argparse import Namespace
from pathlib import Path
from typing import Any

import pytest

from cdk_sagemaker_inference.assembly import AssemblyError, StackTemplate, read_assembly, read_baseline
from cdk_sagemaker_inference.guard.cli import EXIT_ERROR, EXIT_OK, EXIT_UNSAFE, run
from cdk_sagemaker_inference.guard.deployed import Deployed
from cdk_sagemaker_inference.migration import (
    METADATA_KEY,
    UnsafeChange,
    endpoints_of,
    find_unsafe_changes,
    render_report,
)


def variant(name: str = "AllTraffic", *, instance_type: str | None = "ml.m5.large",
            serverless: bool = False) -> dict[str, Any]:
    if serverless:
        return {"VariantName": name, "ModelName": {"Fn::GetAtt": ["Model", "ModelName"]},
                "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}
    return {"VariantName": name, "ModelName": {"Fn::GetAtt": ["Model", "ModelName"]},
            "InstanceType": instance_type, "InitialInstanceCount": 2}


def template(*variants: dict[str, Any], kind: str, name: Any = None, is_async: bool = False,
             autoscaled: tuple[str, ...] = (), logical_id: str = "Endpoint", retain: bool | None = None) -> dict[str, Any]:
    """An endpoint as the library writes it: autoscaled endpoints retain instance counts unless ``retain=False``."""
    config: dict[str, Any] = {"ProductionVariants": list(variants)}
    if is_async:
        config["AsyncInferenceConfig"] = {"OutputConfig": {"S3OutputPath": "s3://b/out/"}}
    endpoint_props: dict[str, Any] = {"EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]}}
    if name is not None:
        endpoint_props["EndpointName"] = name
    if retain if retain is not None else bool(autoscaled):
        endpoint_props["RetainAllVariantProperties"] = True
        endpoint_props["ExcludeRetainedVariantProperties"] = [
            {"VariantPropertyType": "DesiredWeight"}, {"VariantPropertyType": "DataCaptureConfig"}]
    resources: dict[str, Any] = {
        "Model": {"Type": "AWS::SageMaker::Model", "Properties": {}},
        "Config": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": config},
        logical_id: {"Type": "AWS::SageMaker::Endpoint", "Properties": endpoint_props,
                     "Metadata": {METADATA_KEY: {"kind": kind}}},
    }
    for index, variant_name in enumerate(autoscaled):
        resources[f"Target{index}"] = {"Type": "AWS::ApplicationAutoScaling::ScalableTarget", "Properties": {
            "ScalableDimension": "sagemaker:variant:DesiredInstanceCount", "ServiceNamespace": "sagemaker",
            "MinCapacity": 1, "MaxCapacity": 4,
            "ResourceId": {"Fn::Join": ["", ["endpoint/", {"Fn::GetAtt": [logical_id, "EndpointName"]},
                                             f"/variant/{variant_name}"]]}}}
    return {"Resources": resources}


REALTIME = template(variant(), kind="realtime", name="orders")
SERVERLESS = template(variant(serverless=True), kind="serverless", name="orders")
ASYNC = template(variant(), kind="async", name="orders", is_async=True)


def changes(previous: dict[str, Any], new: dict[str, Any]) -> list[UnsafeChange]:
    return [f.change for f in find_unsafe_changes(previous, new, stack="Svc")]


# --------------------------------------------------------------------------- safe: no false alarms
@pytest.mark.parametrize("tpl", [REALTIME, SERVERLESS, ASYNC], ids=["realtime", "serverless", "async"])
def test_unchanged_template_is_safe(tpl: dict[str, Any]) -> None:
    assert changes(tpl, copy.deepcopy(tpl)) == []


def test_serverless_to_realtime_is_safe() -> None:
    assert changes(SERVERLESS, REALTIME) == []


def test_serverless_to_async_is_safe() -> None:
    assert changes(SERVERLESS, ASYNC) == []


def test_realtime_to_async_is_safe() -> None:
    assert changes(REALTIME, ASYNC) == []


def test_instance_type_change_without_autoscaling_is_safe() -> None:
    after = template(variant(instance_type="ml.c6i.xlarge"), kind="realtime", name="orders")
    assert changes(REALTIME, after) == []


def test_new_endpoint_is_safe() -> None:
    assert changes({"Resources": {}}, REALTIME) == []


# --------------------------------------------------------------------------- unsafe
def test_finds_instance_based_to_serverless() -> None:
    (finding,) = find_unsafe_changes(REALTIME, SERVERLESS, stack="Svc")
    assert finding.change is UnsafeChange.INSTANCE_TO_SERVERLESS
    assert (finding.kind_before, finding.kind_after) == ("realtime", "serverless")
    assert finding.endpoint == "orders (Endpoint)"
    text = finding.render()
    assert "SageMaker rejects" in text and "new construct id and a new endpoint_name" in text
    assert "migration.instance-to-serverless" in text and "DG:serverless-endpoints" in text


def test_finds_async_to_serverless_as_both_refusals() -> None:
    assert changes(ASYNC, SERVERLESS) == [UnsafeChange.INSTANCE_TO_SERVERLESS, UnsafeChange.ASYNC_REMOVED]


def test_finds_async_removed() -> None:
    (finding,) = find_unsafe_changes(ASYNC, REALTIME)
    assert finding.change is UnsafeChange.ASYNC_REMOVED
    assert "cannot be removed" in finding.why


def test_finds_instance_type_change_on_autoscaled_variant() -> None:
    before = template(variant(), kind="realtime", name="orders", autoscaled=("AllTraffic",))
    after = template(variant(instance_type="ml.c6i.xlarge"), kind="realtime", name="orders",
                     autoscaled=("AllTraffic",))
    (finding,) = find_unsafe_changes(before, after)
    assert finding.change is UnsafeChange.AUTOSCALED_INSTANCE_TYPE
    assert "ml.m5.large -> ml.c6i.xlarge" in finding.why


def test_autoscaling_on_another_variant_does_not_flag() -> None:
    before = template(variant("A"), variant("B"), kind="realtime", autoscaled=("B",))
    after = template(variant("A", instance_type="ml.c6i.xlarge"), variant("B"), kind="realtime", autoscaled=("B",))
    assert changes(before, after) == []


def test_finds_literal_resource_id_autoscaling() -> None:
    before = template(variant(), kind="realtime", name="orders")
    before["Resources"]["Target"] = {"Type": "AWS::ApplicationAutoScaling::ScalableTarget", "Properties": {
        "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
        "ResourceId": "endpoint/orders/variant/AllTraffic"}}
    after = copy.deepcopy(before)
    after["Resources"]["Config"]["Properties"]["ProductionVariants"][0]["InstanceType"] = "ml.m5.xlarge"
    # A hand-written endpoint without retention: the update also resets the scaled fleet.
    assert changes(before, after) == [UnsafeChange.AUTOSCALED_INSTANCE_TYPE, UnsafeChange.SCALED_FLEET_RESET]


def test_finds_endpoint_name_changed() -> None:
    after = template(variant(), kind="realtime", name="orders-v2")
    (finding,) = find_unsafe_changes(REALTIME, after)
    assert finding.change is UnsafeChange.ENDPOINT_NAME_CHANGED
    assert "'orders' -> 'orders-v2'" in finding.why


def test_finds_endpoint_name_dropped() -> None:
    assert changes(REALTIME, template(variant(), kind="realtime")) == [UnsafeChange.ENDPOINT_NAME_CHANGED]


def test_finds_endpoint_removed() -> None:
    (finding,) = find_unsafe_changes(REALTIME, {"Resources": {}})
    assert finding.change is UnsafeChange.ENDPOINT_REMOVED
    assert finding.kind_after is None and "removed" in finding.render()


def test_construct_id_change_with_the_same_name_is_a_refused_name_reuse() -> None:
    """CloudFormation creates the new endpoint before deleting the old one: CreateEndpoint refuses the name."""
    after = template(variant(), kind="realtime", name="orders", logical_id="Renamed")
    assert changes(REALTIME, after) == [UnsafeChange.ENDPOINT_REMOVED, UnsafeChange.ENDPOINT_NAME_REUSED]
    reused = find_unsafe_changes(REALTIME, after)[1]
    assert reused.fails and not reused.change.acknowledgeable and reused.logical_id == "Renamed"
    # Even when the removal is acknowledged, the reuse still fails.
    acked = acknowledged(after, "endpoint-removed")
    assert changes(REALTIME, acked) == [UnsafeChange.ENDPOINT_NAME_REUSED]


def test_a_case_only_rename_of_the_construct_is_a_name_reuse_too() -> None:
    after = template(variant(), kind="realtime", name="ORDERS", logical_id="Renamed")
    assert UnsafeChange.ENDPOINT_NAME_REUSED in changes(REALTIME, after)


def _two(first: str | None, second: str | None, *, second_id: str = "Other") -> dict[str, Any]:
    """Two fixed-name endpoints in one template (the second one left out when ``second`` is None)."""
    out = template(variant(), kind="realtime", name=first)
    if second is not None:
        other = template(variant(), kind="realtime", name=second, logical_id=second_id)
        out["Resources"][second_id] = other["Resources"][second_id]
    return out


@pytest.mark.parametrize(("before", "after", "case"), [
    (template(variant(), kind="realtime", name="orders"), template(variant(), kind="realtime", name="Orders"),
     "a case-only rename of the same endpoint (its replacement is created while 'orders' exists)"),
    (_two("orders-a", "orders-b"), _two("orders-b", "orders-a"), "two endpoints swap names"),
    (_two("orders-a", "orders-b"), _two("orders-b", None), "an endpoint takes the name of one removed in the deploy"),
])
def test_a_replaced_endpoint_taking_a_held_name_is_a_refused_reuse(before: dict[str, Any], after: dict[str, Any],
                                                                  case: str) -> None:
    """Found by a sweep: these were an acknowledgeable endpoint-name-changed (exit 0 once acknowledged), but
    CloudFormation creates a replacement before it deletes or renames the endpoint holding the name, and
    CreateEndpoint refuses a name that exists (case-insensitively)."""
    found = find_unsafe_changes(before, after, stack="Svc")
    reused = [f for f in found if f.change is UnsafeChange.ENDPOINT_NAME_REUSED]
    assert reused and all(f.fails and not f.change.acknowledgeable for f in reused), case
    assert "is held by Svc/" in reused[0].why and "compared case-insensitively" in reused[0].why, reused[0].why
    # Acknowledging every name change does not make it pass.
    acked = acknowledged(after, "endpoint-name-changed")
    assert any(f.change is UnsafeChange.ENDPOINT_NAME_REUSED for f in find_unsafe_changes(before, acked))


def test_a_rename_to_a_name_nobody_holds_stays_an_acknowledgeable_change() -> None:
    after = _two("orders-c", "orders-b")
    assert changes(_two("orders-a", "orders-b"), after) == [UnsafeChange.ENDPOINT_NAME_CHANGED]


def test_construct_id_change_without_a_fixed_name_is_a_removal_only() -> None:
    before = template(variant(), kind="realtime")
    after = template(variant(), kind="realtime", logical_id="Renamed")
    assert changes(before, after) == [UnsafeChange.ENDPOINT_REMOVED]


def test_an_acknowledgment_holds_for_the_names_it_was_given_for_only() -> None:
    """An acknowledgment left in code after the orders -> orders-v2 cutover does not let orders-v2 -> v3 pass."""
    v2 = template(variant(), kind="realtime", name="orders-v2")
    v3 = acknowledged(template(variant(), kind="realtime", name="orders-v3"), "endpoint-name-changed",
                      previous_name="orders", endpoint_name="orders-v2")
    assert changes(v2, v3) == [UnsafeChange.ENDPOINT_NAME_CHANGED]


def test_an_autoscaled_instance_type_change_cannot_be_acknowledged() -> None:
    before = template(variant(), kind="realtime", name="orders", autoscaled=("AllTraffic",))
    after = acknowledged(template(variant(instance_type="ml.c5.large"), kind="realtime", name="orders",
                                  autoscaled=("AllTraffic",)), "autoscaled-instance-type")
    (finding,) = find_unsafe_changes(before, after)
    assert finding.change is UnsafeChange.AUTOSCALED_INSTANCE_TYPE and finding.fails


def test_serverless_with_autoscaled_provisioned_concurrency_to_realtime_is_unverified_not_safe() -> None:
    before = copy.deepcopy(SERVERLESS)
    before["Resources"]["Target"] = {"Type": "AWS::ApplicationAutoScaling::ScalableTarget", "Properties": {
        "ScalableDimension": "sagemaker:variant:DesiredProvisionedConcurrency",
        "ResourceId": {"Fn::Join": ["", ["endpoint/", {"Fn::GetAtt": ["Endpoint", "EndpointName"]},
                                         "/variant/AllTraffic"]]}}}
    (finding,) = find_unsafe_changes(before, REALTIME)
    assert finding.change is UnsafeChange.SERVERLESS_SCALED_TO_INSTANCE
    assert finding.verdict.value == "unverified" and not finding.fails
    assert "[serverless-scaled-to-instance, unverified]" in finding.render()
    # assert_safe_migration reports it as a warning and passes, as the guard command and the synth-time guard do.
    from cdk_sagemaker_inference.testing import assert_safe_migration

    with pytest.warns(UserWarning, match=r"serverless-scaled-to-instance, unverified"):
        assert_safe_migration(before, REALTIME)


# --------------------------------------------------------------------------- acknowledgments
def acknowledged(tpl: dict[str, Any], change: str, logical_id: str = "Endpoint", **names: str) -> dict[str, Any]:
    out = copy.deepcopy(tpl)
    out["Metadata"] = {METADATA_KEY: {"acknowledged": [
        {"endpoint": logical_id, "change": change, "reason": "planned cut-over", **names}]}}
    return out


def test_acknowledged_name_change_passes_and_is_listed_on_request() -> None:
    after = acknowledged(template(variant(), kind="realtime", name="orders-v2"), "endpoint-name-changed",
                         previous_name="orders", endpoint_name="orders-v2")
    assert find_unsafe_changes(REALTIME, after) == []
    (listed,) = find_unsafe_changes(REALTIME, after, include_acknowledged=True)
    assert listed.acknowledged == "planned cut-over"


def test_acknowledged_removal_passes() -> None:
    assert find_unsafe_changes(REALTIME, acknowledged({"Resources": {}}, "endpoint-removed")) == []


def test_service_refusals_cannot_be_acknowledged() -> None:
    after = acknowledged(SERVERLESS, "instance-to-serverless")
    assert changes(REALTIME, after) == [UnsafeChange.INSTANCE_TO_SERVERLESS]


# --------------------------------------------------------------------------- inference without metadata
def test_kind_comes_from_the_config_when_metadata_is_missing() -> None:
    tpl = copy.deepcopy(SERVERLESS)
    del tpl["Resources"]["Endpoint"]["Metadata"]
    assert endpoints_of(tpl)["Endpoint"].kind == "serverless"
    hand_written = copy.deepcopy(REALTIME)
    del hand_written["Resources"]["Endpoint"]["Metadata"]
    assert changes(hand_written, tpl) == [UnsafeChange.INSTANCE_TO_SERVERLESS]


def test_config_referenced_by_literal_name() -> None:
    tpl = copy.deepcopy(REALTIME)
    tpl["Resources"]["Config"]["Properties"]["EndpointConfigName"] = "cfg"
    tpl["Resources"]["Endpoint"]["Properties"]["EndpointConfigName"] = "cfg"
    assert endpoints_of(tpl)["Endpoint"].variants["AllTraffic"].instance_type == "ml.m5.large"


def test_report_all_clear() -> None:
    assert render_report([]) == "cdk-sagemaker-inference migration guard: no unsafe endpoint changes."


# --------------------------------------------------------------------------- assemblies and the command
def write_assembly(directory: Path, templates: dict[str, dict[str, Any]]) -> Path:
    """A minimal cloud assembly as the CDK writes it (stack artifacts only)."""
    directory.mkdir(parents=True)
    artifacts: dict[str, Any] = {}
    for name, tpl in templates.items():
        (directory / f"{name}.template.json").write_text(json.dumps(tpl))
        artifacts[name] = {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
                           "properties": {"templateFile": f"{name}.template.json", "stackName": name}}
    (directory / "manifest.json").write_text(json.dumps({"version": "48.0.0", "artifacts": artifacts}))
    return directory


def args(**overrides: Any) -> Namespace:
    values: dict[str, Any] = {"assembly": "cdk.out", "baseline": None, "stacks": None, "region": None,
                              "profile": None, "include_acknowledged": False, "json": False}
    values.update(overrides)
    return Namespace(**values)


def deployed(templates: dict[str, dict[str, Any]]) -> Any:
    """A fetch that finds these deployed templates (by stack name) for the stacks of the assembly."""
    def fetch(new: list[StackTemplate], **_: Any) -> Deployed:
        return Deployed(stacks=[StackTemplate(key=s.key, display_name=s.display_name, template=templates[s.key.stack_name])
                                for s in new if s.key.stack_name in templates])
    return fetch


def test_assembly_and_template_file_are_read(tmp_path: Path) -> None:
    assembly = write_assembly(tmp_path / "out", {"Svc": REALTIME})
    (stack,) = read_assembly(assembly)
    assert (stack.key.stack_name, stack.display_name, stack.template) == ("Svc", "Svc", REALTIME)
    assert read_baseline(assembly / "Svc.template.json") == REALTIME
    with pytest.raises(AssemblyError, match="is not a cloud assembly"):
        read_assembly(tmp_path)


def test_command_fails_on_unsafe_change(tmp_path: Path) -> None:
    new = write_assembly(tmp_path / "new", {"Svc": SERVERLESS, "Fresh": REALTIME})
    out = io.StringIO()
    code = run(args(assembly=str(new)), out=out, fetch=deployed({"Svc": REALTIME}))
    assert code == EXIT_UNSAFE
    text = out.getvalue()
    assert "[instance-to-serverless, refused] endpoint Svc/orders (Endpoint): realtime -> serverless" in text
    assert "acknowledgeable: no (refused at deploy)" in text
    assert "not deployed yet (nothing to compare): Fresh" in text


def test_command_passes_on_safe_migration_with_json(tmp_path: Path) -> None:
    new = write_assembly(tmp_path / "new", {"Svc": REALTIME})
    out = io.StringIO()
    assert run(args(assembly=str(new), json=True), out=out, fetch=deployed({"Svc": SERVERLESS})) == EXIT_OK
    report = json.loads(out.getvalue())
    costs = report.pop("cost_changes")
    assert report == {"stacks_compared": ["Svc"], "stacks_new": [], "stacks_kept": [], "stacks_unchecked": [],
                      "findings": [], "unsafe": [], "exit_code": 0}
    # What the move does to the bill, as `cost --baseline` says it: serverless has no idle floor, the real-time
    # endpoint's 2 instances run 730 hours each a month.
    assert [c["floor_instance_hours"] for c in costs] == [{"before": 0.0, "after": 2 * 730.0}]


def test_the_guards_text_report_shows_the_cost_change(tmp_path: Path) -> None:
    new = write_assembly(tmp_path / "new", {"Svc": REALTIME})
    out = io.StringIO()
    assert run(args(assembly=str(new)), out=out, fetch=deployed({"Svc": SERVERLESS})) == EXIT_OK
    assert "cost: Svc/Endpoint: idle floor 0 → 1,460 instance-hours" in out.getvalue()


def test_command_compares_with_a_baseline_assembly(tmp_path: Path) -> None:
    new = write_assembly(tmp_path / "new", {"Svc": SERVERLESS})
    old = write_assembly(tmp_path / "old", {"Svc": ASYNC})
    out = io.StringIO()
    assert run(args(assembly=str(new), baseline=str(old), json=True), out=out) == EXIT_UNSAFE
    report = json.loads(out.getvalue())
    assert [u["change"] for u in report["unsafe"]] == ["instance-to-serverless", "async-removed"]
    assert {(u["stack"], u["rule"], u["acknowledgeable"]) for u in report["unsafe"]} == {
        ("Svc", "migration.instance-to-serverless", False), ("Svc", "migration.async-removed", False)}
    assert all(u["way_out"] for u in report["unsafe"])


def test_command_explains_missing_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    new = write_assembly(tmp_path / "new", {"Svc": REALTIME})
    out = io.StringIO()
    assert run(args(assembly=str(new)), out=out) == EXIT_ERROR
    assert "could not check Svc" in out.getvalue() and "no AWS credentials found" in out.getvalue()


def test_command_explains_a_missing_assembly(tmp_path: Path) -> None:
    err = io.StringIO()
    assert run(args(assembly=str(tmp_path / "nope")), err=err) == EXIT_ERROR
    assert "run `cdk synth` first" in err.getvalue()


def test_command_refuses_unknown_stack_filter(tmp_path: Path) -> None:
    new = write_assembly(tmp_path / "new", {"Svc": REALTIME})
    err = io.StringIO()
    assert run(args(assembly=str(new), stacks=["Other"]), err=err) == EXIT_ERROR
    assert "no stack named Other" in err.getvalue()


# ------------------------------------------------------------------ capacity across updates
def test_an_update_that_resets_an_autoscaled_fleet_is_unsafe() -> None:
    before = template(variant(), kind="realtime", name="orders", autoscaled=("AllTraffic",), retain=False)
    after = template(variant(instance_type=None) | {"InstanceType": "ml.m5.large", "ModelDataDownloadTimeoutInSeconds": 600},
                     kind="realtime", name="orders", autoscaled=("AllTraffic",), retain=False)
    (finding,) = find_unsafe_changes(before, after, stack="Svc")
    assert finding.change is UnsafeChange.SCALED_FLEET_RESET and finding.fails
    assert "restart at their initial instance count" in finding.why and "AllTraffic" in finding.why
    assert "retain_scaled_capacity" in finding.way_out and finding.rule == "migration.scaled-fleet-reset"
    assert "RetainAllVariantProperties" in finding.source


def test_retaining_the_counts_keeps_an_update_safe() -> None:
    before = template(variant(), kind="realtime", name="orders", autoscaled=("AllTraffic",))
    after = template(variant() | {"ModelDataDownloadTimeoutInSeconds": 600}, kind="realtime", name="orders",
                     autoscaled=("AllTraffic",))
    assert changes(before, after) == []


def test_no_update_no_reset() -> None:
    same = template(variant(), kind="realtime", name="orders", autoscaled=("AllTraffic",), retain=False)
    assert changes(same, copy.deepcopy(same)) == []


def test_a_count_change_that_retention_keeps_from_applying_is_reported() -> None:
    before = template(variant(), kind="realtime", name="orders", autoscaled=("AllTraffic",))
    after = template(variant() | {"InitialInstanceCount": 4}, kind="realtime", name="orders", autoscaled=("AllTraffic",))
    (finding,) = find_unsafe_changes(before, after, stack="Svc")
    assert finding.change is UnsafeChange.RETAINED_COUNT_CHANGE and finding.fails
    assert "AllTraffic (2 -> 4) is not applied" in finding.why
    assert "retain_scaled_capacity=False" in finding.way_out


def test_a_weight_change_applies_while_counts_are_retained() -> None:
    before = template(variant("A"), variant("B"), kind="realtime", name="orders", autoscaled=("A",))
    after = template(variant("A") | {"InitialVariantWeight": 3}, variant("B"), kind="realtime", name="orders",
                     autoscaled=("A",))
    assert changes(before, after) == []


def test_excluding_the_count_from_retention_is_not_retention() -> None:
    before = template(variant(), kind="realtime", name="orders", autoscaled=("AllTraffic",))
    after = copy.deepcopy(before)
    after["Resources"]["Endpoint"]["Properties"]["ExcludeRetainedVariantProperties"].append(
        {"VariantPropertyType": "DesiredInstanceCount"})
    after["Resources"]["Config"]["Properties"]["ProductionVariants"][0]["InitialInstanceCount"] = 3
    assert changes(before, after) == [UnsafeChange.SCALED_FLEET_RESET]


def test_a_fleet_reset_can_be_acknowledged() -> None:
    before = template(variant(), kind="realtime", name="orders", autoscaled=("AllTraffic",), retain=False)
    after = template(variant() | {"InitialInstanceCount": 3}, kind="realtime", name="orders",
                     autoscaled=("AllTraffic",), retain=False)
    after["Metadata"] = {METADATA_KEY: {"acknowledged": [
        {"endpoint": "Endpoint", "change": "scaled-fleet-reset", "reason": "night-time deploy at low traffic"}]}}
    assert changes(before, after) == []
    [found] = find_unsafe_changes(before, after, include_acknowledged=True)
    assert found.acknowledged == "night-time deploy at low traffic" and not found.fails


# ------------------------------------------------------------------ what replaces a config: tags do not (D1)
def _tagged(tpl: dict[str, Any], *logical_ids: str) -> dict[str, Any]:
    tagged = copy.deepcopy(tpl)
    for logical_id in logical_ids:
        tagged["Resources"][logical_id]["Properties"]["Tags"] = [{"Key": "owner", "Value": "ml-team"}]
    return tagged


@pytest.mark.parametrize("tagged", [("Model",), ("Config",), ("Model", "Config")], ids=["model", "config", "both"])
def test_a_tag_is_updated_in_place_so_it_never_resets_an_autoscaled_fleet(tagged: tuple[str, ...]) -> None:
    """Tags are not create-only on AWS::SageMaker::Model or EndpointConfig: CloudFormation updates them in place,
    the config keeps its name and the endpoint is not updated (found by review: reported scaled-fleet-reset)."""
    before = template(variant(), kind="realtime", name="orders", autoscaled=("AllTraffic",), retain=False)
    before["Resources"]["Model"]["Properties"] = {"PrimaryContainer": {"Image": "img:1"}}
    assert changes(before, _tagged(before, *tagged)) == []
    # A create-only property of the model still replaces it, the config with it, and resets the fleet.
    new_model = _tagged(before, *tagged)
    new_model["Resources"]["Model"]["Properties"]["PrimaryContainer"] = {"Image": "img:2"}
    assert changes(before, new_model) == [UnsafeChange.SCALED_FLEET_RESET]


def test_what_is_updated_in_place_is_what_the_cloudformation_schemas_say() -> None:
    """UPDATED_IN_PLACE is each schema's properties minus createOnlyProperties and readOnlyProperties."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    from cdk_sagemaker_inference.guard.findings import UPDATED_IN_PLACE

    assert set(UPDATED_IN_PLACE) == {"AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig"}
    for resource_type, in_place in UPDATED_IN_PLACE.items():
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
        fixed = {p.removeprefix("/properties/") for p in
                 [*schema.get("createOnlyProperties", []), *schema.get("readOnlyProperties", [])]}
        assert in_place == set(schema["properties"]) - fixed, resource_type


# ------------------------------------------------------------------ an autoscaled variant removed (D2)
def test_removing_an_autoscaled_variant_is_refused_and_names_its_source() -> None:
    """migration.autoscaled-variant-removed, failing: DG:endpoint-scaling-update, deregister first (found by
    review: it passed)."""
    before = template(variant("A"), variant("B"), kind="realtime", name="orders", autoscaled=("A", "B"))
    after = template(variant("A"), kind="realtime", name="orders", autoscaled=("A",))
    (finding,) = find_unsafe_changes(before, after, stack="Svc")
    assert finding.change is UnsafeChange.AUTOSCALED_VARIANT_REMOVED and finding.fails
    assert finding.verdict.value == "refused" and not finding.change.acknowledgeable
    assert finding.rule == "migration.autoscaled-variant-removed"
    assert finding.source.startswith("DG:endpoint-scaling-update")
    assert "variant B is registered with Application Auto Scaling" in finding.why
    assert "deregistered before an update that removes the variant" in finding.why
    assert "deploy once without autoscaling on that variant" in finding.way_out
    text = finding.render()
    assert "[autoscaled-variant-removed, refused]" in text and "DG:endpoint-scaling-update" in text
    assert "acknowledgeable: no" in text


def test_renaming_an_autoscaled_variant_is_a_removal_too() -> None:
    before = template(variant("A"), variant("B"), kind="realtime", name="orders", autoscaled=("A", "B"))
    after = template(variant("A"), variant("C"), kind="realtime", name="orders", autoscaled=("A", "C"))
    assert changes(before, after) == [UnsafeChange.AUTOSCALED_VARIANT_REMOVED]


def test_removing_a_variant_without_autoscaling_is_safe() -> None:
    """migration.autoscaled-variant-removed, passing: the way out (autoscaling off first) then the removal."""
    before = template(variant("A"), variant("B"), kind="realtime", name="orders", autoscaled=("A",))
    after = template(variant("A"), kind="realtime", name="orders", autoscaled=("A",))
    assert changes(before, after) == []
    scaled = template(variant("A"), variant("B"), kind="realtime", name="orders", autoscaled=("A", "B"))
    assert changes(scaled, before) == []  # first deploy of the way out: B's target is deregistered, B stays


def test_an_acknowledgment_does_not_let_an_autoscaled_variant_removal_pass() -> None:
    before = template(variant("A"), variant("B"), kind="realtime", name="orders", autoscaled=("A", "B"))
    after = acknowledged(template(variant("A"), kind="realtime", name="orders", autoscaled=("A",)),
                         "autoscaled-variant-removed")
    assert changes(before, after) == [UnsafeChange.AUTOSCALED_VARIANT_REMOVED]


# ------------------------------------------------------------------ shadow variants (D4)
def _with_shadow(tpl: dict[str, Any], shadow: dict[str, Any], *, scaled: bool = True) -> dict[str, Any]:
    out = copy.deepcopy(tpl)
    out["Resources"]["Config"]["Properties"]["ShadowProductionVariants"] = [shadow]
    if scaled:
        out["Resources"]["ShadowTarget"] = {"Type": "AWS::ApplicationAutoScaling::ScalableTarget", "Properties": {
            "ScalableDimension": "sagemaker:variant:DesiredInstanceCount", "ServiceNamespace": "sagemaker",
            "MinCapacity": 2, "MaxCapacity": 6,
            "ResourceId": {"Fn::Join": ["", ["endpoint/", {"Fn::GetAtt": ["Endpoint", "EndpointName"]},
                                             f"/variant/{shadow['VariantName']}"]]}}}
    return out


def test_an_autoscaled_shadow_variants_instance_type_change_is_refused() -> None:
    """The developer guide: an update that changes the instance type of any autoscaled model fails (found by
    review: the shadow variants were not read)."""
    retained = template(variant(), kind="realtime", name="orders", retain=True)
    before = _with_shadow(retained, variant("Shadow"))
    after = _with_shadow(retained, variant("Shadow", instance_type="ml.m5.xlarge"))
    (finding,) = find_unsafe_changes(before, after, stack="Svc")
    assert finding.change is UnsafeChange.AUTOSCALED_INSTANCE_TYPE and finding.fails
    assert "shadow variant Shadow is registered" in finding.why and "ml.m5.large -> ml.m5.xlarge" in finding.why
    assert endpoints_of(after)["Endpoint"].variants["Shadow"].shadow


def test_a_shadow_variants_count_and_fleet_reset_are_seen() -> None:
    retained = template(variant(), kind="realtime", name="orders", retain=True)
    before = _with_shadow(retained, variant("Shadow"))
    after = _with_shadow(retained, variant("Shadow") | {"InitialInstanceCount": 4})
    (finding,) = find_unsafe_changes(before, after)
    assert finding.change is UnsafeChange.RETAINED_COUNT_CHANGE and "Shadow (shadow) (2 -> 4)" in finding.why
    reset = template(variant(), kind="realtime", name="orders", retain=False)
    before = _with_shadow(reset, variant("Shadow"))
    after = _with_shadow(reset, variant("Shadow") | {"ModelDataDownloadTimeoutInSeconds": 600})
    (finding,) = find_unsafe_changes(before, after)
    assert finding.change is UnsafeChange.SCALED_FLEET_RESET and "Shadow (shadow)" in finding.why


def test_removing_an_autoscaled_shadow_variant_is_refused() -> None:
    before = _with_shadow(REALTIME, variant("Shadow"))
    assert changes(before, REALTIME) == [UnsafeChange.AUTOSCALED_VARIANT_REMOVED]
    assert changes(_with_shadow(REALTIME, variant("Shadow"), scaled=False), REALTIME) == []


# ------------------------------------------------------------------ the shape, whatever the kinds (D5)
def _components_endpoint(name: str = "orders") -> dict[str, Any]:
    """An inference-component endpoint and one component on it."""
    return {"Resources": {
        "Config": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": {
            "ExecutionRoleArn": "arn:aws:iam::123456789012:role/r",
            "ProductionVariants": [{"VariantName": "AllTraffic", "InstanceType": "ml.m5.large",
                                    "InitialInstanceCount": 2}]}},
        "Endpoint": {"Type": "AWS::SageMaker::Endpoint", "Properties": {
            "EndpointName": name, "EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]}}},
        "Component": {"Type": "AWS::SageMaker::InferenceComponent", "Properties": {
            "EndpointName": {"Fn::GetAtt": ["Endpoint", "EndpointName"]}, "VariantName": "AllTraffic",
            "Specification": {"ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024}}}}}}


@pytest.mark.parametrize(("before", "after", "expected"), [
    (SERVERLESS, _components_endpoint(), [UnsafeChange.ENDPOINT_SHAPE_CHANGED]),
    (_components_endpoint(), ASYNC, [UnsafeChange.ENDPOINT_SHAPE_CHANGED, UnsafeChange.COMPONENT_REMOVED]),
    (ASYNC, _components_endpoint(), [UnsafeChange.ASYNC_REMOVED, UnsafeChange.ENDPOINT_SHAPE_CHANGED]),
    (_components_endpoint(), SERVERLESS, [UnsafeChange.INSTANCE_TO_SERVERLESS, UnsafeChange.ENDPOINT_SHAPE_CHANGED,
                                          UnsafeChange.COMPONENT_REMOVED]),
], ids=["serverless->components", "components->async", "async->components", "components->serverless"])
def test_a_shape_change_is_unverified_whatever_the_kinds(before: dict[str, Any], after: dict[str, Any],
                                                         expected: list[UnsafeChange]) -> None:
    """Found by review: the rule held only when both kinds were realtime (serverless -> components passed)."""
    assert changes(before, after) == expected
    shape = next(f for f in find_unsafe_changes(before, after) if f.change is UnsafeChange.ENDPOINT_SHAPE_CHANGED)
    assert shape.verdict.value == "unverified" and not shape.fails and shape.rule == "migration.component-shape"


# ------------------------------------------------------------------ normalised templates (D3)
RAW_URL = "s3://cdk-hnb659fds-assets-123456789012-us-east-1/" + "ab" * 32 + ".tar.gz"
NORMALISED_URL = "s3://cdk-<qualifier>-assets-123456789012-us-east-1/<asset-hash>.tar.gz"


def _model_data(url: str, **endpoint: Any) -> dict[str, Any]:
    tpl = template(variant(), kind="realtime", name="orders", autoscaled=("AllTraffic",), retain=False, **endpoint)
    tpl["Resources"]["Model"]["Properties"] = {"PrimaryContainer": {"Image": "img:1", "ModelDataUrl": url}}
    return tpl


@pytest.mark.parametrize(("before", "after"), [
    (_model_data(RAW_URL), _model_data(NORMALISED_URL)),
    (_model_data(NORMALISED_URL), _model_data(RAW_URL)),
    (_model_data(NORMALISED_URL), _model_data(NORMALISED_URL)),
], ids=["raw->normalised", "normalised->raw", "normalised->normalised"])
def test_a_placeholder_of_a_normalised_template_is_unknown_never_safe_never_unsafe(
        before: dict[str, Any], after: dict[str, Any]) -> None:
    """A normalised template cannot tell new model data from the same: the fleet reset that depends on it is
    unverified (found by review: a false scaled-fleet-reset raw vs normalised, and a real one hidden between two
    normalised templates)."""
    (finding,) = find_unsafe_changes(before, after)
    assert finding.change is UnsafeChange.SCALED_FLEET_RESET
    assert finding.verdict.value == "unverified" and not finding.fails
    assert finding.unverified and "normalised" in finding.unverified
    assert "[scaled-fleet-reset, unverified]" in finding.render() and finding.to_json()["verdict"] == "unverified"


def test_a_change_a_placeholder_does_not_hide_is_still_known() -> None:
    after = _model_data(NORMALISED_URL)
    after["Resources"]["Model"]["Properties"]["PrimaryContainer"]["Image"] = "img:2"
    (finding,) = find_unsafe_changes(_model_data(RAW_URL), after)
    assert finding.change is UnsafeChange.SCALED_FLEET_RESET and finding.fails and finding.unverified is None
    # Raw templates compare exactly, as the guard command reads them.
    assert changes(_model_data(RAW_URL), _model_data(RAW_URL)) == []
    assert changes(_model_data(RAW_URL), _model_data(RAW_URL.replace("ab", "cd"))) == [UnsafeChange.SCALED_FLEET_RESET]


_AUTOSCALED = template(variant(), kind="realtime", name="orders", autoscaled=("AllTraffic",))


@pytest.mark.parametrize(("before", "after", "what"), [
    (_AUTOSCALED, template(variant(instance_type="ml.m5.xlarge"), kind="realtime", name="orders-v2",
                           autoscaled=("AllTraffic",)), "an autoscaled variant's new instance type"),
    (_AUTOSCALED, template(variant("Main"), kind="realtime", name="orders-v2", autoscaled=("Main",)),
     "an autoscaled variant renamed"),
    (_AUTOSCALED, template(variant(serverless=True), kind="serverless", name="orders-v2"), "instance-based to serverless"),
    (ASYNC, template(variant(), kind="realtime", name="orders-v2"), "async configuration removed"),
])
def test_a_replaced_endpoint_is_no_update_and_only_its_replacement_is_reported(before: dict[str, Any],
                                                                             after: dict[str, Any], what: str) -> None:
    """Found by review: with a new endpoint_name CloudFormation replaces the endpoint (EndpointName is its only
    create-only property) and no UpdateEndpoint runs, yet the update rules were checked too: a new instance type of
    an autoscaled variant was refused, and a refusal cannot be acknowledged. Only the replacement is reported."""
    findings = find_unsafe_changes(before, after, stack="Svc")
    assert [f.change for f in findings] == [UnsafeChange.ENDPOINT_NAME_CHANGED], what
    assert findings[0].verdict.value == "unsafe" and "replaces the endpoint" in findings[0].why
