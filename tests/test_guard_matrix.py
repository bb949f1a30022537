"""The guard's transition table: every stack layout × every change × every way the guard runs.

Layouts: a plain stack, a custom ``stack_name``, a stack in a ``Stage``, an endpoint in a
``NestedStack``, a two-stack app, and a stack pinned to eu-west-1. Changes: the rows of the verdict
table plus the safe migrations. Each (layout, change) is synthesized twice (before, after) and judged
by the ``guard --baseline`` command, by ``assert_safe_migration`` on the two assemblies, and by the
synth-time plugin (a third synth with the baseline in context). All three must agree with the
expected verdict; the table is written to the terminal summary.
"""

from __future__ import annotations

import io
import json
from argparse import Namespace
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, DefaultStackSynthesizer, Environment, NestedStack, Stack, Stage, Tags
from aws_cdk import aws_s3 as s3
from constructs import Construct

import cdk_sagemaker_inference as lib
from cdk_sagemaker_inference.assembly import StackTemplate, read_assembly
from cdk_sagemaker_inference.guard.cli import run
from cdk_sagemaker_inference.guard.deployed import Deployed
from cdk_sagemaker_inference.testing import assert_safe_migration
from helpers import CDK_CONTEXT

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1"


def _scope(app: App, layout: str) -> tuple[Construct, str]:
    """Where the endpoint goes for a layout, and the stack name the report shows."""
    synthesizer = DefaultStackSynthesizer(generate_bootstrap_version_rule=False)
    if layout == "plain":
        return Stack(app, "Svc", synthesizer=synthesizer), "Svc"
    if layout == "custom-name":
        return Stack(app, "Svc", stack_name="svc-prod", synthesizer=synthesizer), "Svc"
    if layout == "stage":
        return Stack(Stage(app, "Prod"), "Svc", synthesizer=synthesizer), "Prod/Svc"
    if layout == "nested":
        parent = Stack(app, "Svc", synthesizer=synthesizer)
        s3.Bucket(parent, "Marker", enforce_ssl=True)
        return NestedStack(parent, "Inner"), "Svc/Inner"
    if layout == "two-stacks":
        other = Stack(app, "Other", synthesizer=synthesizer)
        s3.Bucket(other, "Marker", enforce_ssl=True)
        return Stack(app, "Svc", synthesizer=synthesizer), "Svc"
    if layout == "eu-west-1":
        return Stack(app, "Svc", env=Environment(account="123456789012", region="eu-west-1"),
                     synthesizer=synthesizer), "Svc"
    raise AssertionError(layout)


def _endpoint(scope: Construct, spec: dict[str, Any]) -> None:
    bucket = s3.Bucket.from_bucket_name(scope, "Models", "my-models")
    model = lib.InferenceModel(scope, "Model", image=lib.ContainerImage.from_uri(IMAGE),
                               model_data=lib.ModelData.from_bucket(bucket, "m/model.tar.gz"))
    kind, construct_id, name = spec["kind"], spec.get("id", "Orders"), spec.get("name", "orders")
    if kind == "none":
        s3.Bucket(scope, "Placeholder", enforce_ssl=True)
    elif kind == "serverless":
        scaled = {"provisioned_concurrency": 1, "provisioned_concurrency_scaling": lib.ProvisionedConcurrencyScaling(
            min_capacity=1, max_capacity=5)} if spec.get("scaled") else {}
        lib.ServerlessEndpoint(scope, construct_id, model=model, endpoint_name=name, memory_size_mb=2048,
                               max_concurrency=5, **scaled)
    elif kind == "async":
        lib.AsyncEndpoint(scope, construct_id, model=model, endpoint_name=name, instance_type=lib.InstanceType.M5_LARGE)
    elif kind == "components":
        endpoint = lib.InferenceComponentEndpoint(scope, construct_id, endpoint_name=name, instance_count=2,
                                                  instance_type=lib.InstanceType.M5_LARGE)
        lib.InferenceComponent(scope, "Component", endpoint=endpoint, image=lib.ContainerImage.from_uri(IMAGE),
                               model_data=lib.ModelData.from_bucket(bucket, "m/model.tar.gz"),
                               compute=lib.ComputeRequirements(min_memory_mb=1024, cpu_cores=1))
    else:
        scaling = lib.InstanceScaling(min_capacity=2, max_capacity=4, target_invocations_per_instance=100) \
            if spec.get("autoscaled") else None
        if spec.get("tagged"):
            Tags.of(model).add("owner", "ml-team")
        kept = {} if spec.get("retain", True) else {"retain_scaled_capacity": False}
        if "variants" in spec or "shadow_type" in spec:
            def variant(variant_name: str, instance_type: str = "ml.m5.large") -> lib.ProductionVariant:
                return lib.ProductionVariant(variant_name=variant_name, model=model, instance_count=2,
                                             instance_type=lib.InstanceType.of(instance_type), autoscaling=scaling)
            shadow = variant("Shadow", spec["shadow_type"]) if "shadow_type" in spec else None
            lib.RealtimeEndpoint(scope, construct_id, endpoint_name=name, shadow_variant=shadow, **kept,
                                 variants=[variant(v) for v in spec.get("variants", ["AllTraffic"])])
            return
        lib.RealtimeEndpoint(scope, construct_id, model=model, endpoint_name=name, instance_count=2,
                             instance_type=lib.InstanceType.of(spec.get("type", "ml.m5.large")), autoscaling=scaling,
                             **kept)


# (name, before, after, expected exit code / verdict words)
CHANGES: list[tuple[str, dict[str, Any], dict[str, Any], int, str]] = [
    ("unchanged", {"kind": "realtime"}, {"kind": "realtime"}, 0, "safe"),
    ("serverless -> realtime", {"kind": "serverless"}, {"kind": "realtime"}, 0, "safe"),
    # Unverified (reported, never failing) in all three (found by a sweep: assert_safe_migration failed on it).
    ("scaled serverless -> realtime", {"kind": "serverless", "scaled": True}, {"kind": "realtime"}, 0,
     "serverless-scaled-to-instance"),
    ("realtime -> serverless", {"kind": "realtime"}, {"kind": "serverless"}, 1, "instance-to-serverless"),
    ("async -> realtime", {"kind": "async"}, {"kind": "realtime"}, 1, "async-removed"),
    ("autoscaled type change", {"kind": "realtime", "autoscaled": True},
     {"kind": "realtime", "autoscaled": True, "type": "ml.c5.large"}, 1, "autoscaled-instance-type"),
    ("endpoint name changed", {"kind": "realtime"}, {"kind": "realtime", "name": "orders-v2"}, 1,
     "endpoint-name-changed"),
    ("construct id renamed", {"kind": "realtime"}, {"kind": "realtime", "id": "Renamed"}, 1, "endpoint-name-reused"),
    ("endpoint removed", {"kind": "realtime"}, {"kind": "none"}, 1, "endpoint-removed"),
    # Found by review: a tag is updated in place (no new config, no fleet reset); an autoscaled variant removed
    # or a shadow variant's type changed is refused; a shape change is unverified whatever the kinds.
    ("tags on a reset fleet", {"kind": "realtime", "autoscaled": True, "retain": False},
     {"kind": "realtime", "autoscaled": True, "retain": False, "tagged": True}, 0, "safe"),
    ("autoscaled variant removed", {"kind": "realtime", "autoscaled": True, "variants": ["A", "B"]},
     {"kind": "realtime", "autoscaled": True, "variants": ["A"]}, 1, "autoscaled-variant-removed"),
    ("autoscaled shadow type", {"kind": "realtime", "autoscaled": True, "shadow_type": "ml.m5.large"},
     {"kind": "realtime", "autoscaled": True, "shadow_type": "ml.m5.xlarge"}, 1, "autoscaled-instance-type"),
    ("serverless -> components", {"kind": "serverless"}, {"kind": "components"}, 0, "endpoint-shape-changed"),
]
LAYOUTS = ["plain", "custom-name", "stage", "nested", "two-stacks", "eu-west-1"]

_RESULTS: list[tuple[str, str, str, str]] = []


def _synth(directory: Path, layout: str, spec: dict[str, Any], **context: str) -> Path:
    app = App(outdir=str(directory), context={**CDK_CONTEXT, **context})
    scope, _ = _scope(app, layout)
    _endpoint(scope, spec)
    app.synth()
    return directory


def _cli(before: Path, after: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = run(Namespace(assembly=str(after), baseline=str(before), stacks=None, region=None, profile=None,
                         include_acknowledged=False, json=True), out=out, err=io.StringIO())
    findings = json.loads(out.getvalue()).get("findings", [])
    return code, ",".join(sorted({f["finding"] for f in findings}))


def _api(before: Path, after: Path) -> tuple[int, str]:
    try:
        assert_safe_migration(str(before), str(after))
    except AssertionError as error:
        return 1, str(error)
    return 0, ""


def _plugin(directory: Path, layout: str, spec: dict[str, Any], before: Path) -> tuple[int, str]:
    try:
        _synth(directory, layout, spec, **{lib.BASELINE_CONTEXT: str(before)})
    except RuntimeError as error:  # aws-cdk-lib raises the failed validation as a jsii RuntimeError
        return 1, str(error)
    return 0, ""


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("change", "before", "after", "expected", "words"), CHANGES,
                         ids=[c[0] for c in CHANGES])
def test_transition(layout: str, change: str, before: dict[str, Any], after: dict[str, Any], expected: int,
                    words: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    old = _synth(tmp_path / "before", layout, before)
    new = _synth(tmp_path / "after", layout, after)
    cli_code, cli_findings = _cli(old, new)
    api_code, api_text = _api(old, new)
    plugin_code, plugin_text = _plugin(tmp_path / "plugin", layout, after, old)
    plugin_text += capfd.readouterr().err
    verdicts = {"cli": cli_code, "assert_safe_migration": api_code, "synth plugin": plugin_code}
    _RESULTS.append((layout, change, words, " ".join(f"{k}={v}" for k, v in verdicts.items())))
    assert verdicts == dict.fromkeys(verdicts, expected), (layout, change, cli_findings, api_text[:400],
                                                           plugin_text[-600:])
    if expected:
        assert words in cli_findings and words in api_text and words in plugin_text
    elif words != "safe":  # unverified: reported, failing none (the plugin's warning reaches stderr late)
        assert words in cli_findings, (layout, change, cli_findings)
    else:
        assert cli_findings == "", (layout, change, cli_findings)


def test_a_single_template_baseline_is_ambiguous_for_a_multi_stack_app(tmp_path: Path) -> None:
    old = _synth(tmp_path / "before", "two-stacks", {"kind": "realtime"})
    new = _synth(tmp_path / "after", "two-stacks", {"kind": "realtime"})
    err = io.StringIO()
    code = run(Namespace(assembly=str(new), baseline=str(old / "Svc.template.json"), stacks=None, region=None,
                         profile=None, include_acknowledged=False, json=False), out=io.StringIO(), err=err)
    assert code == 2
    assert "a single template file is ambiguous for an app of 2 stacks" in err.getvalue()
    # With --stack, the single template is compared with that stack alone.
    out = io.StringIO()
    code = run(Namespace(assembly=str(new), baseline=str(old / "Svc.template.json"), stacks=["Svc"], region=None,
                         profile=None, include_acknowledged=False, json=False), out=out, err=io.StringIO())
    assert code == 0, out.getvalue()


def test_a_refusal_at_synth_cannot_be_acknowledged_with_validations(tmp_path: Path) -> None:
    from aws_cdk import Acknowledgment, Validations

    old = _synth(tmp_path / "before", "plain", {"kind": "realtime"})
    app = App(outdir=str(tmp_path / "after"), context={**CDK_CONTEXT, lib.BASELINE_CONTEXT: str(old)})
    scope, _ = _scope(app, "plain")
    _endpoint(scope, {"kind": "serverless"})
    Validations.of(app).acknowledge(Acknowledgment(
        id="cdk-sagemaker-inference-migration-guard::instance-to-serverless", reason="trying to skip the guard"))
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()


def pytest_terminal_summary_lines() -> list[str]:
    """The transition table (layout × change × expected × verdicts), for the note and the summary."""
    return [f"{layout:<12} {change:<24} {words:<26} {verdicts}" for layout, change, words, verdicts in _RESULTS]


@pytest.fixture(scope="module", autouse=True)
def _write_table(tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield
    report = tmp_path_factory.getbasetemp() / "guard-matrix.txt"
    report.write_text("\n".join(pytest_terminal_summary_lines()) + "\n")



def test_validations_acknowledge_does_suppress_an_unsafe_change_so_the_refusal_test_above_means_something(
        tmp_path: Path) -> None:
    """The same acknowledgment id form suppresses an acknowledgeable (``error``) finding: the refusal above
    fails because refusals are ``fatal``, not because the id is wrong."""
    from aws_cdk import Acknowledgment, Validations

    old = _synth(tmp_path / "before", "plain", {"kind": "realtime"})
    app = App(outdir=str(tmp_path / "after"), context={**CDK_CONTEXT, lib.BASELINE_CONTEXT: str(old)})
    scope, _ = _scope(app, "plain")
    _endpoint(scope, {"kind": "realtime", "name": "orders-v2"})
    Validations.of(app).acknowledge(Acknowledgment(
        id="cdk-sagemaker-inference-migration-guard::endpoint-name-changed", reason="planned"))
    assert app.synth().get_stack_by_name("Svc").template["Resources"]


def test_findings_name_a_nested_endpoint_by_its_construct_path(tmp_path: Path) -> None:
    """Found by review: a nested stack was named by its resource's logical id
    (`Eu/Serving/NestedNestedStackNestedNestedStackResourceDEFDAA4D/eu-orders`) and the finding gave no
    construct path. As `cdk synth` writes them (path metadata on), both now read as construct paths."""
    def synth(directory: Path, kind: str) -> Path:
        app = App(outdir=str(directory), context={**CDK_CONTEXT, "aws:cdk:enable-path-metadata": True})
        serving = Stack(Stage(app, "Eu"), "Serving", stack_name="platform-eu-serving",
                        synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False))
        _endpoint(NestedStack(serving, "Nested"), {"kind": kind, "name": "eu-orders"})
        app.synth()
        return directory

    old, new = synth(tmp_path / "old", "realtime"), synth(tmp_path / "new", "serverless")
    out = io.StringIO()
    code = run(Namespace(assembly=str(new), baseline=str(old), stacks=None, region=None, profile=None,
                         include_acknowledged=False, json=False), out=out, err=io.StringIO())
    text = out.getvalue()
    assert code == 1
    assert "compared 2 baseline stack(s): Eu/Serving, Eu/Serving/Nested" in text  # not "deployed"
    assert "endpoint Eu/Serving/Nested/eu-orders (Orders" in text and "NestedStackResource" not in text
    assert "    construct: Eu/Serving/Nested/Orders\n" in text
    out = io.StringIO()
    run(Namespace(assembly=str(new), baseline=str(old), stacks=["platform-eu-serving"], region=None, profile=None,
                  include_acknowledged=False, json=True), out=out, err=io.StringIO())
    (finding,) = json.loads(out.getvalue())["findings"]
    assert (finding["stack"], finding["path"]) == ("Eu/Serving/Nested", "Eu/Serving/Nested/Orders")


# ------------------------------------------------------------------ stacks the deploy does not update (found by review)
def _guard(new: Path, baseline: Path | None, stacks: list[str] | None = None, fetch: Any = None) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(Namespace(assembly=str(new), baseline=str(baseline) if baseline else None, stacks=stacks,
                         region=None, profile=None, include_acknowledged=False, json=False), out=out, err=err,
               fetch=fetch)
    return code, out.getvalue() + err.getvalue()


_ENV = Environment(account="123456789012", region="us-east-1")


def _stacks(directory: Path, layout: dict[str, tuple[str | None, bool]]) -> Path:
    """An app of top-level stacks: construct id -> (stack_name, holds the endpoint ``orders``)."""
    app = App(outdir=str(directory), context=CDK_CONTEXT)
    for construct_id, (stack_name, holds) in layout.items():
        stack = Stack(app, construct_id, stack_name=stack_name, env=_ENV,
                      synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False))
        _endpoint(stack, {"kind": "realtime" if holds else "none"})
    app.synth()
    return directory


@pytest.mark.parametrize(("before", "after"), [
    ({"Orders": (None, True)}, {"OrdersV2": (None, True)}),  # a new construct id: a new stack
    ({"Orders": ("orders", True)}, {"Orders": ("orders-v2", True)}),  # only the stack_name changes
], ids=["construct-id", "stack-name"])
def test_a_renamed_stack_still_holds_its_endpoint_name(before: dict[str, tuple[str | None, bool]],
                                                       after: dict[str, tuple[str | None, bool]],
                                                       tmp_path: Path) -> None:
    """`cdk deploy` never deletes the old stack, so its endpoint keeps the name and CreateEndpoint refuses the
    new one: the guard said "not in the baseline ... no unsafe endpoint changes", exit 0."""
    old, new = _stacks(tmp_path / "old", before), _stacks(tmp_path / "new", after)
    code, text = _guard(new, old)
    assert code == 1, text
    assert "[endpoint-name-reused, refused] endpoint " in text and "cdk deploy never deletes a stack" in text
    assert "left as they are (not in the new assembly, or not selected" in text
    assert "`cdk destroy` the stack if it left the app" in text
    assert _api(old, new)[0] == 1


def test_a_stack_not_selected_still_holds_its_endpoint_names(tmp_path: Path) -> None:
    """The endpoint moves from A to B; `guard --stack B` compared B alone and said safe (without --stack the
    move was refused). A is not deployed by `cdk deploy B`: its endpoint keeps the name."""
    old = _stacks(tmp_path / "old", {"A": (None, True), "B": (None, False)})
    new = _stacks(tmp_path / "new", {"A": (None, False), "B": (None, True)})
    code, text = _guard(new, old, ["B"])
    assert code == 1, text
    assert "endpoint-name-reused" in text and "left as they are" in text and ": A\n" in text
    # Against the deployed stacks: the deployed version of A (same account and Region) is read as well.
    deployed = {s.key.stack_name: s for s in read_assembly(old)}
    read: list[str] = []

    def fetch(stacks: list[StackTemplate], **_: Any) -> Deployed:
        read.extend(s.display_name for s in stacks)
        return Deployed(stacks=[deployed[s.key.stack_name] for s in stacks])

    code, text = _guard(new, None, ["B"], fetch=fetch)
    assert code == 1, text
    assert read == ["B", "A"] and "endpoint-name-reused" in text
    # A deployed A that cannot be read leaves the check incomplete (exit 2), and says why it was read.
    code, text = _guard(new, None, ["B"], fetch=lambda stacks, **_: Deployed(
        stacks=[deployed["B"]], unchecked=[("A", "AccessDenied")]))
    assert code == 2, text
    assert "could not check A: not selected, but read for the endpoint names it holds" in text


def test_a_nested_stacks_construct_path_selects_its_top_level_stack(tmp_path: Path) -> None:
    """`--stack Eu/Serving/Batch` (as the report names a nested stack) was "no stack named ...", exit 2."""
    def synth(directory: Path, kind: str) -> Path:
        app = App(outdir=str(directory), context={**CDK_CONTEXT, "aws:cdk:enable-path-metadata": True})
        for stage, region in (("Eu", "eu-west-1"), ("Us", "us-east-1")):
            serving = Stack(Stage(app, stage, env=Environment(account="123456789012", region=region)), "Serving",
                            stack_name="serving", synthesizer=DefaultStackSynthesizer(
                                generate_bootstrap_version_rule=False))
            s3.Bucket(serving, "Marker", enforce_ssl=True)
            _endpoint(NestedStack(serving, "Batch"), {"kind": kind, "name": f"{stage.lower()}-orders"})
        app.synth()
        return directory

    old, new = synth(tmp_path / "old", "realtime"), synth(tmp_path / "new", "serverless")
    code, text = _guard(new, old, ["Eu/Serving/Batch"])
    assert code == 1, text
    assert "compared 2 baseline stack(s): Eu/Serving, Eu/Serving/Batch" in text
    assert "endpoint Eu/Serving/Batch/eu-orders" in text and "us-orders" not in text
    code, text = _guard(new, old, ["Eu/Serving/Nope"])
    assert code == 2 and "no stack named Eu/Serving/Nope" in text and "Eu/Serving/Batch" in text


@pytest.mark.parametrize(("after", "words"), [("none", "endpoint-removed"), ("parent", "endpoint-name-reused")])
def test_a_nested_stack_of_a_nested_stack_leaves_with_its_parent(after: str, words: str, tmp_path: Path) -> None:
    """Parent/Outer/Inner held the endpoint; Outer removed (or the endpoint moved to Parent) was "safe": only a
    nested stack whose direct parent was compared counted as deleted."""
    def synth(directory: Path, shape: str) -> Path:
        app = App(outdir=str(directory), context={**CDK_CONTEXT, "aws:cdk:enable-path-metadata": True})
        parent = Stack(app, "Parent", env=_ENV, synthesizer=DefaultStackSynthesizer(
            generate_bootstrap_version_rule=False))
        s3.Bucket(parent, "Marker", enforce_ssl=True)
        if shape == "deep":
            _endpoint(NestedStack(NestedStack(parent, "Outer"), "Inner"), {"kind": "realtime"})
        elif shape == "parent":
            _endpoint(parent, {"kind": "realtime"})
        app.synth()
        return directory

    old, new = synth(tmp_path / "old", "deep"), synth(tmp_path / "new", after)
    code, text = _guard(new, old)
    assert code == 1, text
    assert "[endpoint-removed, unsafe] endpoint Parent/Outer/Inner/orders" in text
    assert words in text and "left as they are" not in text
    assert _api(old, new)[0] == 1


def test_a_stack_not_selected_with_an_external_nested_template_does_not_stop_the_check(tmp_path: Path) -> None:
    """`guard --stack S` was exit 2 because another stack holds a CfnStack with an external template_url."""
    from aws_cdk import CfnStack

    def synth(directory: Path, kind: str) -> Path:
        app = App(outdir=str(directory), context=CDK_CONTEXT)
        synthesizer = DefaultStackSynthesizer(generate_bootstrap_version_rule=False)
        network = Stack(app, "Network", env=_ENV, synthesizer=synthesizer)
        CfnStack(network, "Vendor", template_url="https://s3.amazonaws.com/vendor-templates/vpc.template")
        _endpoint(Stack(app, "S", env=_ENV, synthesizer=synthesizer), {"kind": kind})
        app.synth()
        return directory

    old, new = synth(tmp_path / "old", "realtime"), synth(tmp_path / "new", "serverless")
    code, text = _guard(new, old, ["S"])
    assert code == 1, text
    assert "compared 1 baseline stack(s): S" in text and "instance-to-serverless" in text
    for stacks in (["Network"], None):  # the stack that holds it cannot be compared whole
        code, text = _guard(new, old, stacks)
        assert code == 2, text
        assert "nested stack Vendor of Network: its template is not a file asset of the assembly" in text


# ------------------------------------------------------------------ a model of the parent stack (found by review)
@pytest.mark.parametrize("layout", ["same", "nested", "nested-twice"])
def test_a_nested_endpoint_of_a_parent_model_is_replaced_with_the_model(layout: str, tmp_path: Path) -> None:
    """New model data replaces the model under a new name; a nested stack's config that names it through the
    nested stack's parameter (``referencetoParent...ModelName``) is replaced with it, and the update resets the
    autoscaled fleet. With the model in the parent stack the guard said "no unsafe endpoint changes", exit 0
    (the nested template reads the same), while the same change in one stack was scaled-fleet-reset."""
    def synth(directory: Path, version: int) -> Path:
        app = App(outdir=str(directory), context={**CDK_CONTEXT, "aws:cdk:enable-path-metadata": True})
        parent = Stack(app, "Parent", env=_ENV, synthesizer=DefaultStackSynthesizer(
            generate_bootstrap_version_rule=False))
        host: Construct = parent
        if layout != "same":
            host = NestedStack(parent, "Serving")
        if layout == "nested-twice":
            host = NestedStack(host, "Inner")
        bucket = s3.Bucket.from_bucket_name(parent, "Models", "my-models")
        model = lib.InferenceModel(parent, "Model", image=lib.ContainerImage.from_uri(IMAGE),
                                   model_data=lib.ModelData.from_bucket(bucket, f"m/model-{version}.tar.gz"))
        lib.RealtimeEndpoint(host, "Orders", model=model, endpoint_name="orders", instance_count=2,
                             instance_type=lib.InstanceType.M5_LARGE, retain_scaled_capacity=False,
                             autoscaling=lib.InstanceScaling(min_capacity=2, max_capacity=4,
                                                             target_invocations_per_instance=100))
        app.synth()
        return directory

    old, same, new = synth(tmp_path / "old", 1), synth(tmp_path / "same", 1), synth(tmp_path / "new", 2)
    code, text = _guard(new, old)
    assert code == 1, text
    assert "[scaled-fleet-reset, unsafe] endpoint Parent/" in text and "orders (Orders" in text
    assert _cli(old, new) == (1, "scaled-fleet-reset")
    assert _api(old, new)[0] == 1
    assert _guard(same, old)[0] == 0  # the same model: no update


# ------------------------------------------------- acknowledging an endpoint of a nested stack that leaves (found by review)
@pytest.mark.parametrize(("removed", "holder"), [("Outer", "Parent"), ("Inner", "Outer"), ("Inner", "Parent")])
def test_an_endpoint_of_a_nested_stack_that_leaves_is_acknowledged_in_a_stack_that_stays(
        removed: str, holder: str, tmp_path: Path) -> None:
    """The finding said "acknowledgeable: yes", but an acknowledgment could only be read from the nested stack's
    own new template, which leaves the app with it: none was ever honoured. Now the nearest stack still in the
    app (or the top-level stack) records it, and the finding says which stack and how."""
    def synth(directory: Path, shape: str, acknowledge: bool = False) -> Path:
        app = App(outdir=str(directory), context={**CDK_CONTEXT, "aws:cdk:enable-path-metadata": True})
        parent = Stack(app, "Parent", env=_ENV, synthesizer=DefaultStackSynthesizer(
            generate_bootstrap_version_rule=False))
        s3.Bucket(parent, "Marker", enforce_ssl=True)
        stacks: dict[str, Construct] = {"Parent": parent}
        if shape != "without-outer":
            stacks["Outer"] = NestedStack(parent, "Outer")
            s3.Bucket(stacks["Outer"], "Marker", enforce_ssl=True)
        if shape == "deep":
            _endpoint(NestedStack(stacks["Outer"], "Inner"), {"kind": "realtime"})
        if acknowledge:
            lib.acknowledge_unsafe_change("OrdersA9B65338", lib.UnsafeChange.ENDPOINT_REMOVED, scope=stacks[holder],
                                          endpoint_name="orders", reason="retired with its nested stack")
        app.synth()
        return directory

    shape = "without-outer" if removed == "Outer" else "without-inner"
    old = synth(tmp_path / "old", "deep")
    logical_id = next(iter(lib.guard.endpoints_of(json.loads(next(
        p for p in old.glob("*.nested.template.json") if "Inner" in p.name).read_text()))))
    assert logical_id == "OrdersA9B65338"
    code, text = _guard(synth(tmp_path / "new", shape), old)
    assert code == 1, text
    assert "[endpoint-removed, unsafe] endpoint Parent/Outer/Inner/orders (OrdersA9B65338)" in text
    nearest = "Parent" if removed == "Outer" else "Parent/Outer"
    assert (f"acknowledgeable: yes, when intended, in stack {nearest} (the template of Parent/Outer/Inner leaves the "
            f"app with it): acknowledge_unsafe_change('OrdersA9B65338', UnsafeChange.ENDPOINT_REMOVED, "
            f"scope=<a construct of {nearest}>, endpoint_name='orders', reason=...)") in text
    acknowledged = synth(tmp_path / "acknowledged", shape, acknowledge=True)
    code, text = _guard(acknowledged, old)
    assert code == 0, text
    assert _api(old, acknowledged)[0] == 0
    out = io.StringIO()
    run(Namespace(assembly=str(acknowledged), baseline=str(old), stacks=None, region=None, profile=None,
                  include_acknowledged=True, json=True), out=out, err=io.StringIO())
    (finding,) = json.loads(out.getvalue())["findings"]
    assert finding["acknowledged"] == "retired with its nested stack" and not finding["fails"]


def _environments(directory: Path, layout: dict[str, tuple[Environment | None, bool]]) -> Path:
    """An app of top-level stacks: construct id -> (env or None for environment-agnostic, holds ``orders``)."""
    app = App(outdir=str(directory), context=CDK_CONTEXT)
    for construct_id, (env, holds) in layout.items():
        stack = Stack(app, construct_id, env=env, synthesizer=DefaultStackSynthesizer(
            generate_bootstrap_version_rule=False))
        _endpoint(stack, {"kind": "realtime" if holds else "none"})
    app.synth()
    return directory


_OTHER_ACCOUNT = Environment(account="210987654321", region="us-east-1")


@pytest.mark.parametrize(("before", "after", "reported"), [
    ({"Pinned": (_ENV, True), "Agnostic": (None, False)}, {"Pinned": (_ENV, False), "Agnostic": (None, True)}, True),
    ({"Pinned": (_ENV, False), "Agnostic": (None, True)}, {"Pinned": (_ENV, True), "Agnostic": (None, False)}, True),
    # Both pinned to different accounts: two environments, no shared name.
    ({"Pinned": (_ENV, True), "Other": (_OTHER_ACCOUNT, False)},
     {"Pinned": (_ENV, False), "Other": (_OTHER_ACCOUNT, True)}, False),
], ids=["pinned-to-agnostic", "agnostic-to-pinned", "two-accounts"])
def test_a_name_moving_between_an_agnostic_and_a_pinned_stack_is_reported_unverified(
        before: dict[str, tuple[Environment | None, bool]], after: dict[str, tuple[Environment | None, bool]],
        reported: bool, tmp_path: Path) -> None:
    """Found by review: an endpoint name moving between a stack without an account or Region and a pinned one
    passed silently (names were compared per environment only); both may deploy to one account and Region,
    where CreateEndpoint refuses the name. The guard cannot tell, so it says so (unverified, not failing)."""
    old, new = _environments(tmp_path / "old", before), _environments(tmp_path / "new", after)
    code, text = _guard(new, old)
    # The one failing finding is the removal from the old stack (acknowledgeable); the unverified one never fails.
    assert code == 1 and "1 failing" in text and "[endpoint-removed, unsafe]" in text, text
    assert ("[endpoint-name-maybe-reused, unverified]" in text) is reported, text
    if reported:
        assert "so the guard cannot tell whether they are one account and Region" in text
        assert "pin the account and Region of both stacks" in text
