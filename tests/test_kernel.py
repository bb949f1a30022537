"""The node side of the batched aws-cdk-lib calls (kernel/ → src/cdk_sagemaker_inference/_jsii) and the
Python ``Batch`` that drives it."""

from __future__ import annotations

import hashlib
import importlib.resources
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import aws_cdk as cdk
import jsii.errors
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from cdk_sagemaker_inference import (
    ContainerImage,
    InferenceModel,
    InstanceScaling,
    InstanceType,
    ProductionVariant,
    RealtimeEndpoint,
    RepositoryAccessMode,
)
from cdk_sagemaker_inference.constructs import _batch
from cdk_sagemaker_inference.constructs._batch import (
    _ASSEMBLY_NAME,
    _ASSEMBLY_VERSION,
    Batch,
    NotMadeError,
    _Kernel,
    immediate_calls,
)

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "src" / "cdk_sagemaker_inference" / "_jsii" / f"{_ASSEMBLY_NAME}@{_ASSEMBLY_VERSION}.jsii.tgz"


def _members(tgz: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(tgz)) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}  # type: ignore[union-attr]


def test_the_shipped_kernel_is_what_kernel_sources_build(tmp_path: Path) -> None:
    """The committed tarball is built from kernel/ by the pinned jsii compiler (make kernel); an edit of
    kernel/ts without a rebuild fails here."""
    jsii_compiler = ROOT / "node_modules" / ".bin" / "jsii"
    assert jsii_compiler.exists(), "run make setup: the jsii compiler comes from package.json"
    source = tmp_path / "kernel"
    shutil.copytree(ROOT / "kernel", source, ignore=shutil.ignore_patterns("lib", "dist", ".jsii", "tsconfig.json",
                                                                          "*.tsbuildinfo"))
    subprocess.run([str(jsii_compiler), "--silence-warnings=reserved-word"], cwd=source, check=True,
                   capture_output=True)
    subprocess.run(["npm", "pack", "--silent", "--pack-destination", str(tmp_path)], cwd=source, check=True,
                   capture_output=True)
    built = _members((tmp_path / f"{_ASSEMBLY_NAME}-{_ASSEMBLY_VERSION}.tgz").read_bytes())
    shipped = _members(SHIPPED.read_bytes())
    assert sorted(built) == sorted(shipped) == sorted(
        ["package/.jsii", "package/README.md", "package/lib/index.d.ts", "package/lib/index.js", "package/package.json"])
    for name in built:
        assert built[name] == shipped[name], f"{name} differs: run make kernel"


def _stack() -> tuple[cdk.App, cdk.Stack]:
    app = cdk.App()
    return app, cdk.Stack(app, "S")


def test_calls_run_in_order_in_one_round_trip_and_results_are_the_objects() -> None:
    app, stack = _stack()
    batch = Batch()
    document = batch.static(iam.PolicyDocument, "fromJson", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    role = batch.new(iam.Role, stack, "Role", props=iam.RoleProps,
                     assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"), inline_policies={"P": document})
    model = batch.new(sagemaker.CfnModel, stack, "Model", props=sagemaker.CfnModelProps,
                      execution_role_arn=role.attr("roleArn"),
                      primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(image="img"))
    name = batch.get(model.attr("attrModelName"))
    joined = batch.concat("model/", name, "/x")
    assert batch.pending and stack.node.try_find_child("Role") is None  # nothing made yet
    batch.run()
    assert not batch.pending
    assert isinstance(role.value, iam.Role) and isinstance(model.value, sagemaker.CfnModel)
    # One Python proxy per object, as for objects Python creates.
    assert stack.node.find_child("Role") is role.value and stack.node.find_child("Model") is model.value
    assert cdk.Token.is_unresolved(name.value) and joined.value.startswith("model/")
    assert [c.node.id for c in stack.node.children] == ["Role", "Model"]
    template = app.synth().get_stack_by_name("S").template["Resources"]
    assert template["Model"]["Properties"]["ExecutionRoleArn"] == {"Fn::GetAtt": [stack.get_logical_id(
        role.value.node.default_child), "Arn"]}
    assert template[stack.get_logical_id(role.value.node.default_child)]["Properties"]["Policies"][0][
        "PolicyName"] == "P"


def test_an_object_returned_twice_in_one_batch_is_one_python_object() -> None:
    """jsii makes a new proxy for each return of an unregistered node object (a review found three proxies for one
    construct returned three times: ``find_child`` gave the last, ``value`` the first)."""
    _, stack = _stack()
    batch = Batch()
    made = batch.new(Construct, stack, "Made")
    again = batch.call(batch.of(stack, "node"), "findChild", "Made")
    once_more = batch.get(made.attr("node", "scope"))
    batch.run()
    assert made.value is again.value is stack.node.find_child("Made")
    assert once_more.value is stack  # (registered by Python before: the same object)


def test_a_result_is_an_argument_after_its_batch_ran_and_value_runs_the_batch() -> None:
    _, stack = _stack()
    batch = Batch()
    scope = batch.new(Construct, stack, "Scope")
    assert isinstance(scope.value, Construct)  # reading it ran the batch
    assert not batch.pending
    child = batch.new(Construct, scope, "Child")  # a result of the earlier run, as an argument
    path = batch.get(child.attr("node", "path"))
    assert path.value == "S/Scope/Child"
    assert scope.attr("node", "id").value == "Scope"  # a path of a result that ran: one more get


def test_a_local_result_stays_in_node_and_count_applies_a_static_predicate_there() -> None:
    _, stack = _stack()
    for i in range(3):
        cdk.CfnResource(stack, f"Handle{i}", type="AWS::CloudFormation::WaitConditionHandle")
    Construct(stack, "Plain")
    batch = Batch()
    found = batch.call(batch.of(stack, "node"), "findAll", local=True)
    resources = batch.count(found, cdk.CfnResource, "isCfnResource")
    stacks = batch.count(found, cdk.Stack, "isStack")
    assert (resources.value, stacks.value) == (3, 1)
    with pytest.raises(NotMadeError, match="kept in node"):
        found.value  # noqa: B018  (never sent back)
    with immediate_calls():  # call by call, the list is sent back and passed again: the same counts
        batch = Batch()
        found = batch.call(batch.of(stack, "node"), "findAll", local=True)
        assert batch.count(found, cdk.CfnResource, "isCfnResource").value == 3
        assert batch.count(found, cdk.Stack, "isStack").value == 1
        with pytest.raises(NotMadeError, match="kept in node"):  # not readable either: code that reads it fails
            found.value  # noqa: B018  (in the tests too)
    batch = Batch()  # after a failing call: what was made is kept, a local result stays unreadable
    found = batch.call(batch.of(stack, "node"), "findAll", local=True)
    batch.new(Construct, stack, "Plain")  # already there: fails
    with pytest.raises(RuntimeError, match="There is already a Construct with name 'Plain'"):
        batch.run()
    with pytest.raises(NotMadeError, match="kept in node"):
        found.value  # noqa: B018


def test_an_optional_call_on_an_absent_target_does_nothing_and_after_runs_once_made() -> None:
    _, stack = _stack()
    batch = Batch()
    seen: list[str] = []
    construct = batch.new(Construct, stack, "Plain")
    batch.call(construct.attr("node", "defaultChild?"), "addMetadata", "k", "v", optional=True)
    batch.after(lambda: seen.append(construct.value.node.id))
    assert seen == []
    batch.run()
    assert seen == ["Plain"]
    batch.after(lambda: seen.append("at once"))  # nothing queued: called at once
    assert seen == ["Plain", "at once"]


def test_a_failing_call_raises_its_error_and_the_calls_before_it_were_made() -> None:
    _, stack = _stack()
    batch = Batch()
    batch.new(Construct, stack, "Same")
    batch.new(Construct, stack, "Same")
    with pytest.raises(RuntimeError, match="There is already a Construct with name 'Same'"):  # as a direct call
        batch.run()
    assert stack.node.try_find_child("Same") is not None


VALUES: list[tuple[str, object]] = [
    ("text with a token", "arn:${Token[AWS.Partition.1]}:x"), ("whole number", 3), ("big number", 2**53),
    ("float", 2.5), ("negative zero", -0.0), ("true", True), ("false", False), ("empty text", ""),
    ("unicode", "modèle ✓ \u2028"), ("list", [1, "a", [True, {"k": "v"}]]), ("tuple", ("a", 1)),
    ("mapping with None", {"kept": 1, "dropped": None, "nested": {"x": None, "y": [None, 2]}}),
    ("empty mapping", {}), ("empty list", []),
]


@pytest.mark.parametrize(("label", "value"), VALUES, ids=[label for label, _ in VALUES])
def test_a_plain_value_reaches_node_as_jsii_sends_it_and_comes_back_alike(label: str, value: object) -> None:
    """The calls go to node as JSON text (objects beside it) and plain results come back as JSON text: what node
    receives and what Python reads back are what jsii's own serializers make of the value, call by call."""
    _, stack = _stack()
    # jsii's own serializers, both ways (jsii itself cannot send a tuple: a batch sends it as a list, as before)
    stack.node.set_context("direct", list(value) if isinstance(value, tuple) else value)
    batch = Batch()
    batch.call(batch.of(stack, "node"), "setContext", "batched", value)
    read = batch.call(batch.of(stack, "node"), "tryGetContext", "batched")
    batch.run()
    assert read.value == stack.node.try_get_context("direct") == stack.node.try_get_context("batched")
    assert type(read.value) is type(stack.node.try_get_context("direct"))


def test_objects_enums_and_structs_go_beside_the_text_and_keep_their_identity() -> None:
    _, stack = _stack()
    duration = cdk.Duration.hours(2)
    batch = Batch()
    batch.call(batch.of(stack, "node"), "setContext", "objects", [duration, {"d": duration}])
    statement = batch.new(iam.PolicyStatement, props=iam.PolicyStatementProps, effect=iam.Effect.DENY,
                          actions=["s3:GetObject"], resources=["*"], conditions={"Bool": {"aws:SecureTransport": "false"}})
    role = batch.new(iam.Role, stack, "Role", props=iam.RoleProps, assumed_by=iam.ServicePrincipal(
        "sagemaker.amazonaws.com", conditions=None), max_session_duration=duration)
    batch.call(role, "addToPolicy", statement)
    seconds = batch.call(duration, "toSeconds")
    both = batch.call(batch.of(stack, "node"), "tryGetContext", "absent")
    nodes = batch.get(batch.of(stack, "node", "children"))
    batch.run()
    assert seconds.value == 7200 and both.value is None
    assert statement.value.effect == iam.Effect.DENY and role.value.node.id == "Role"
    assert stack.node.find_child("Role") is role.value  # one proxy, as for an object Python made
    stored = stack.node.try_get_context("objects")
    assert stored[0].to_seconds() == 7200 and stored[1]["d"].to_seconds() == 7200
    assert [child.node.id for child in nodes.value] == ["Role"]  # a list result: an object of its own
    policy = role.value.node.find_child("DefaultPolicy").node.default_child
    statements = stack.resolve(policy.policy_document)["Statement"]
    assert statements[0]["Effect"] == "Deny" and statements[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_a_none_argument_is_an_absent_one_as_jsii_sends_it() -> None:
    """Token.asString(value, options = {}) reads options.displayHint: a None sent as null would fail there."""
    _, stack = _stack()
    batch = Batch()
    token = batch.static(cdk.Token, "asString", {"Ref": "Thing"}, None)
    batch.run()
    assert stack.resolve(token.value) == stack.resolve(cdk.Token.as_string({"Ref": "Thing"})) == {"Ref": "Thing"}


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_number_is_refused_before_anything_is_sent(number: float) -> None:
    """jsii cannot carry one either: its kernel stops on it."""
    _, stack = _stack()
    batch = Batch()
    batch.new(Construct, stack, "First")
    batch.call(batch.of(stack, "node"), "setContext", "k", {"deep": [number]})
    with pytest.raises(ValueError, match="these arguments cannot be passed to aws-cdk-lib: Out of range float"):
        batch.run()
    assert stack.node.try_find_child("First") is None and batch.pending  # nothing was sent
    stack.node.set_context("after", 1)  # the kernel still runs
    assert stack.node.try_get_context("after") == 1


@pytest.mark.parametrize("refused", ["__proto__ key", "function"])
def test_a_run_refused_before_any_call_made_nothing_not_what_the_previous_run_made(refused: str) -> None:
    """Node reads the text before it makes a call (a ``__proto__`` key stops it there), and jsii refuses some
    arguments before sending them (a function): neither run made anything, and its results and its callbacks
    must not see what the run before it made (a review found them reading the previous run's results)."""
    _, stack = _stack()
    earlier = Batch()
    earlier.new(Construct, stack, "Earlier")
    earlier.run()
    batch = Batch()
    seen: list[str] = []
    first = batch.new(Construct, stack, "First")
    batch.after(lambda: seen.append(first.value.node.id))
    value: object = {"__proto__": {"polluted": True}} if refused == "__proto__ key" else (lambda: 1)
    batch.call(batch.of(stack, "node"), "setContext", "k", value)
    with pytest.raises((RuntimeError, jsii.errors.JSIIError)):
        batch.run()
    with pytest.raises(NotMadeError, match="an earlier call of its batch failed"):
        first.value  # noqa: B018
    assert seen == [] and stack.node.try_find_child("First") is None


@pytest.mark.parametrize("name", ["length", -1, 1.5, 7])
def test_node_takes_a_held_value_only_by_an_index_the_batch_sent(name: object) -> None:
    """(The placeholder key is namespaced: only a batch writes it. A name that is not an index of the held values
    is refused, never read as a property of the list: a review read `held.length` back.)"""
    from cdk_sagemaker_inference.constructs._batch import _HELD, _Kernel

    with pytest.raises(RuntimeError, match=f"no held value {name}"):
        _Kernel.run_text(json.dumps([["get", {_HELD: name}]]), [], [0], 10**6)


def test_a_mapping_key_node_would_take_for_the_prototype_is_refused_as_jsii_refuses_it() -> None:
    _, stack = _stack()
    with pytest.raises(RuntimeError, match="__proto__"):
        stack.node.set_context("direct", {"__proto__": {"polluted": True}})
    batch = Batch()
    batch.call(batch.of(stack, "node"), "setContext", "batched", {"__proto__": {"polluted": True}})
    with pytest.raises(RuntimeError, match="__proto__"):
        batch.run()
    assert stack.node.try_get_context("batched") is None


def test_keyword_arguments_are_named_by_their_struct() -> None:
    _, stack = _stack()
    batch = Batch()
    with pytest.raises(TypeError, match="RoleProps has no field asumed_by"):
        batch.new(iam.Role, stack, "Role", props=iam.RoleProps, asumed_by=iam.AccountRootPrincipal())
    with pytest.raises(TypeError, match="props="):
        batch.new(iam.Role, stack, "Role", assumed_by=iam.AccountRootPrincipal())


# -- batched builds make what call-by-call builds make, in the same order ----------------------------------------
def _extra_models(stack: cdk.Stack, tmp: Path) -> None:
    """Models whose binds create constructs, or read the role, between what a model batches."""
    from cdk_sagemaker_inference import (
        ContainerDefinition,
        ContainerImage,
        InferenceModel,
        ModelData,
        ModelPackage,
    )

    (tmp / "Dockerfile").write_text("FROM scratch\n")
    (tmp / "model.tar.gz").write_bytes(b"")
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    dlc = ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311")
    InferenceModel(stack, "Assets", image=ContainerImage.from_asset(str(tmp)),
                   model_data=ModelData.from_asset(str(tmp / "model.tar.gz")))
    InferenceModel(stack, "Pipeline", containers=[
        ContainerDefinition(image=dlc, model_data=ModelData.from_bucket(bucket, "a/model.tar.gz")),
        ContainerDefinition(image=ContainerImage.from_ecr_repository(
            ecr.Repository.from_repository_name(stack, "Repo", "mine"), "v1"))])
    InferenceModel(stack, "Package", model_package=ModelPackage.from_registry_version("churn", 3))
    InferenceModel(stack, "Credentials", containers=[ContainerDefinition(
        image=ContainerImage.from_uri("registry.example.com/team/model:1"),
        repository_access_mode=RepositoryAccessMode.VPC,
        repository_credentials_provider_arn="arn:aws:lambda:us-east-1:123456789012:function:creds")],
        vpc=ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id="vpc-1", availability_zones=["us-east-1a"],
                                        private_subnet_ids=["subnet-1"]))


def _customized_roles(stack: cdk.Stack, tmp: Path) -> None:
    from cdk_sagemaker_inference import ServerlessEndpoint

    iam.Role.customize_roles(stack, use_precreated_roles={"S/Model/Role": "platform-sagemaker-role"})
    model = InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"))
    ServerlessEndpoint(stack, "Endpoint", model=model, memory_size_mb=2048, max_concurrency=5)


def _corpus() -> dict[str, Callable[[cdk.Stack, Path], object]]:
    from nag_configs import CONFIGURATIONS

    def configuration(build: Callable[[cdk.Stack], object]) -> Callable[[cdk.Stack, Path], object]:
        return lambda stack, tmp: build(stack)

    corpus: dict[str, Callable[[cdk.Stack, Path], object]] = {
        f"{construct} {name}": configuration(build)
        for construct, configs in CONFIGURATIONS.items() for name, build in configs.items()}
    corpus["models whose binds create constructs"] = _extra_models
    corpus["customized roles"] = _customized_roles
    return corpus


_TOKEN = re.compile(r"\$\{Token\[[^\]]*\]\}")


def _built(build: Callable[[cdk.Stack, Path], object], tmp: Path) -> tuple[list[str], str, str]:
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=cdk.Environment(account="123456789012", region="us-east-1"))
    build(stack, tmp)
    template = app.synth().get_stack_artifact(stack.artifact_id).template
    # Every construct's own metadata, in order (notes, cdk-nag acknowledgments of both lines, the library's
    # entries): the manifest has only some of it. Token numbers differ between two builds of one process.
    metadata = [(c.node.path, e.type, _TOKEN.sub("${Token}", json.dumps(e.data, sort_keys=True, default=str)))
                for c in app.node.find_all() for e in c.node.metadata
                if e.type not in ("aws:cdk:logicalId", "aws:cdk:creationStack")]
    assert metadata, "no construct metadata read: the comparison would check nothing"
    return [c.node.path for c in app.node.find_all()], json.dumps(template), json.dumps(metadata)


@pytest.mark.parametrize("name", sorted(_corpus()))
def test_a_batched_build_makes_what_a_call_by_call_build_makes_in_the_same_order(name: str, tmp_path: Path) -> None:
    """Every queued call made at once (``immediate_calls``) gives the order the code reads: the batched build must
    give the same construct tree (in order), template text and synth-time notes. A direct call made while calls
    are queued before it (a construct created before the queued ones that come first) fails here."""
    build = _corpus()[name]
    batched = _built(build, tmp_path)
    with immediate_calls():
        immediate = _built(build, tmp_path)
    assert batched[0] == immediate[0], next(f"{a} / {b}" for a, b in zip(batched[0], immediate[0], strict=False)
                                            if a != b)
    assert batched[1] == immediate[1]
    assert batched[2] == immediate[2]


def test_a_metric_made_while_the_endpoint_is_queued_names_the_endpoint() -> None:
    """A real-time endpoint queues its scaling with the endpoint; a CPU-utilization target's metric is made in
    between and must name the endpoint (found by the README example: an empty EndpointName dimension)."""

    app, stack = _stack()
    model = InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"))
    endpoint = RealtimeEndpoint(stack, "Endpoint", variants=[ProductionVariant(
        variant_name="AllTraffic", model=model, instance_type=InstanceType.of("ml.m5.large"),
        autoscaling=InstanceScaling(min_capacity=1, max_capacity=2, target_cpu_utilization=50))])
    policies = [r for r in app.synth().get_stack_by_name("S").template["Resources"].values()
                if r["Type"] == "AWS::ApplicationAutoScaling::ScalingPolicy"]
    (policy,) = policies
    dimensions = policy["Properties"]["TargetTrackingScalingPolicyConfiguration"]["CustomizedMetricSpecification"][
        "Dimensions"]
    assert {"Name": "EndpointName", "Value": {"Fn::GetAtt": [stack.get_logical_id(endpoint.resource),
                                                             "EndpointName"]}} in dimensions


def test_after_a_failing_call_what_was_made_is_kept_and_what_was_not_says_so() -> None:
    """As call by call: the calls before the failing one were made and their results are the objects; a result
    after it raises NotMadeError naming the failure; the callbacks ran with what was made (found by review: a
    failed run left an internal sentinel as every result, and its callbacks queued for a later run)."""
    from cdk_sagemaker_inference.constructs._batch import NotMadeError

    _, stack = _stack()
    batch = Batch()
    seen: list[object] = []
    first = batch.new(Construct, stack, "First")
    batch.new(Construct, stack, "First")  # fails: the id is taken
    after = batch.new(Construct, stack, "After")
    batch.after(lambda: seen.append(first.value))
    batch.after(lambda: seen.append(after.value))  # reads a result that was not made: stops there
    with pytest.raises(RuntimeError, match="There is already a Construct with name 'First'"):
        batch.run()
    assert first.value is stack.node.find_child("First") and seen == [first.value]
    with pytest.raises(NotMadeError, match="an earlier call of its batch failed"):
        after.value  # noqa: B018
    assert stack.node.try_find_child("After") is None
    later = batch.new(Construct, stack, "Later")  # the batch goes on
    batch.run()
    assert later.value.node.path == "S/Later" and seen == [first.value]


def test_an_endpoint_whose_batch_fails_after_the_endpoint_keeps_what_was_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """An aws-cdk-lib error late in an endpoint's batch (after the endpoint, in its scaling) leaves, caught, the
    endpoint as call by call did: its resource, config and name are the objects made (found by review: they raised
    AttributeError and the name was empty)."""

    original = RealtimeEndpoint._autoscale

    def failing(self: RealtimeEndpoint, variant_name: str, scaling: InstanceScaling, batch: Batch) -> object:
        target = original(self, variant_name, scaling, batch)
        batch.call(target, "noSuchMethod")  # fails in node, as an aws-cdk-lib refusal would
        return target

    monkeypatch.setattr(RealtimeEndpoint, "_autoscale", failing)
    _, stack = _stack()
    model = InferenceModel(stack, "M", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"))
    with pytest.raises(RuntimeError, match=r"noSuchMethod|not a function"):
        RealtimeEndpoint(stack, "E", variants=[ProductionVariant(
            variant_name="AllTraffic", model=model, instance_type=InstanceType.of("ml.m5.large"),
            autoscaling=InstanceScaling(min_capacity=1, max_capacity=2, target_invocations_per_instance=100))])
    endpoint = stack.node.find_child("E")
    assert isinstance(endpoint, RealtimeEndpoint)
    assert endpoint.resource is endpoint.node.find_child("Resource")
    assert endpoint.endpoint_config is endpoint.node.find_child("Config")
    assert cdk.Token.is_unresolved(endpoint.endpoint_name)


def test_the_execution_role_has_its_resource_or_its_inline_policy_construct_never_both() -> None:
    """acknowledge_execution_role writes on both (in one batch, without asking which exists): one of them must be
    absent, with and without iam.Role.customize_roles."""

    for customized in (False, True):
        _, stack = _stack()
        if customized:
            iam.Role.customize_roles(stack, use_precreated_roles={"S/M/Role": "platform-role"})
        model = InferenceModel(stack, "M", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"))
        role = model.role.node
        present = (role.default_child is not None, role.try_find_child("SageMakerExecution") is not None)
        assert present == ((False, True) if customized else (True, False))


def test_a_warm_up_skips_what_does_not_exist_and_the_calls_after_it_work() -> None:
    """Node loads the queued groups between later requests; a load that fails is skipped without the rest of its
    group (a missing file is named in the answer), and the requests after the loads get their answers as before."""
    tables = list(_batch.METADATA_TABLES)
    groups = [["aws-cdk-lib.aws_nothing.Nothing", "core/lib/no-such-file.js", "no-such-assembly.Thing",
               "aws-cdk-lib.aws_s3.Bucket"], tables, ["aws-cdk-lib.aws_iam.Role"]]
    assert _Kernel.warm(groups, "") == ["core/lib/no-such-file.js"]
    _, stack = _stack()
    for index in range(len(groups) + 3):  # (one queued group runs after each answer)
        batch = Batch()
        bucket = batch.static(s3.Bucket, "fromBucketName", stack, f"B{index}", f"bucket-{index}")
        name = batch.get(bucket.attr("bucketName"))
        batch.run()
        assert bucket.value.bucket_name == name.value == f"bucket-{index}"


@pytest.mark.parametrize(("context", "tables"), [
    (None, True),  # (not run by the CLI: the App's context cannot be read yet; a cdk init app collects)
    ('{"@aws-cdk/core:enableAdditionalMetadataCollection": true}', True),
    ('{"@aws-cdk/core:enableAdditionalMetadataCollection": "true"}', True),  # (cdk synth -c key=true)
    ('{"@aws-cdk/core:enableAdditionalMetadataCollection": false}', False),
    ('{"other": true}', False),
    ("not json", False),
    ("[true]", False),
], ids=["no context", "on", "on as a string", "off", "unset", "unreadable", "not an object"])
def test_the_metadata_tables_are_warmed_unless_the_cli_context_collects_no_metadata(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, context: str | None, tables: bool) -> None:
    asked: list[tuple[list[list[str]], str]] = []
    monkeypatch.setattr(_Kernel, "warm", lambda groups, cache_dir: asked.append((groups, cache_dir)) or [])
    monkeypatch.setenv(_batch.CODE_CACHE_ENV, str(tmp_path / "v8"))
    if context is None:
        monkeypatch.delenv("CDK_CONTEXT_JSON", raising=False)
    else:
        monkeypatch.setenv("CDK_CONTEXT_JSON", context)
    assert _batch.warm() == []
    first = [*_batch.REGION_FACTS, *(_batch.METADATA_TABLES if tables else ()), *_batch.FIRST_TYPES]
    assert asked == [([first, *([fqn] for fqn in _batch.WARM_TYPES)], str(tmp_path / "v8"))]


def test_the_code_cache_directory_is_the_users_own_and_can_be_turned_off(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
    """V8 runs what a code cache holds: the directory is made closed to others, and one that another user owns or
    could write to is not used (no cache, nothing else changes); ``off`` and node's own switch turn it off."""
    for name in (_batch.CODE_CACHE_ENV, "NODE_DISABLE_COMPILE_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    default = tmp_path / "xdg" / "cdk-sagemaker-inference" / "v8"
    assert _batch.code_cache_dir() == str(default)
    assert default.stat().st_mode & 0o777 == 0o700
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path / "home"))
    assert _batch.code_cache_dir() == str(tmp_path / "home" / ".cache" / "cdk-sagemaker-inference" / "v8")
    chosen = tmp_path / "chosen" / "deep"
    monkeypatch.setenv(_batch.CODE_CACHE_ENV, str(chosen))
    assert _batch.code_cache_dir() == str(chosen) and chosen.is_dir()
    for off in ("off", "OFF"):
        monkeypatch.setenv(_batch.CODE_CACHE_ENV, off)
        assert _batch.code_cache_dir() == ""
    monkeypatch.setenv(_batch.CODE_CACHE_ENV, str(chosen))
    monkeypatch.setenv("NODE_DISABLE_COMPILE_CACHE", "1")
    assert _batch.code_cache_dir() == ""
    monkeypatch.delenv("NODE_DISABLE_COMPILE_CACHE")
    chosen.chmod(0o770)  # others of the group could write a cache V8 would run
    assert _batch.code_cache_dir() == ""
    chosen.chmod(0o700)
    monkeypatch.setattr(os, "getuid", lambda: chosen.stat().st_uid + 1)  # another user's directory
    assert _batch.code_cache_dir() == ""
    monkeypatch.undo()
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    monkeypatch.setenv(_batch.CODE_CACHE_ENV, str(a_file))
    assert _batch.code_cache_dir() == ""
    monkeypatch.setenv(_batch.CODE_CACHE_ENV, str(a_file / "below"))  # cannot be made
    assert _batch.code_cache_dir() == ""
    monkeypatch.delenv(_batch.CODE_CACHE_ENV)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: (_ for _ in ()).throw(RuntimeError("no home"))))
    assert _batch.code_cache_dir() == ""


_CACHED_APP = """
import sys
import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from cdk_sagemaker_inference import ContainerImage, InferenceModel, InstanceType, ModelData, RealtimeEndpoint

app = cdk.App(outdir=sys.argv[1])
stack = cdk.Stack(app, "Cached")
models = s3.Bucket.from_bucket_name(stack, "Models", "models")
model = InferenceModel(stack, "Model", image=ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
                       model_data=ModelData.from_bucket(models, "m/model.tar.gz"))
RealtimeEndpoint(stack, "Endpoint", model=model, instance_type=InstanceType.of("ml.m5.large"))
app.synth()
"""


_SYNTH_FILE = "core/lib/private/synthesis.js"
"""A file of aws-cdk-lib node loads for the app's synth (after the warm-up), whose functions run only then."""

_COMPILED_ONLY = """
const vm = require('vm');
const source = require('fs').readFileSync(0, 'utf8');
const script = new vm.Script('(function (exports, require, module, __filename, __dirname) { ' + source + '\\n});');
process.stdout.write(JSON.stringify({version: process.version, arch: process.arch,
                                     compiledOnly: script.createCachedData().length}));
"""
"""What node's code cache of a file holds when it is made before the file runs (as node's own compile cache makes it)."""


def _aws_cdk_lib_sources(paths: set[str]) -> dict[str, bytes]:
    """Files of the aws-cdk-lib package jsii loads into node, read from the tarball the Python package ships."""
    tarball = next(item for item in importlib.resources.files("aws_cdk._jsii").iterdir()
                   if item.name.endswith(".jsii.tgz"))
    found: dict[str, bytes] = {}
    with tarball.open("rb") as stream, tarfile.open(fileobj=stream, mode="r:gz") as archive:
        for member in archive:
            name = member.name.removeprefix("package/")
            if name in paths and (extracted := archive.extractfile(member)) is not None:
                found[name] = extracted.read()
                if len(found) == len(paths):
                    break
    return found


def test_node_compiles_aws_cdk_lib_with_a_code_cache_it_writes_once_at_exit(tmp_path: Path) -> None:
    """The first app writes, when node exits, the code cache of every aws-cdk-lib file node loaded after the
    warm-up began (the region facts, the metadata tables, the file of the synth among them), keyed by node and
    content, with the functions compiled while the app ran; later apps use it (nothing is written again), one
    that V8 refuses (here: garbage) is replaced, and the template is the same with and without a cache."""
    cache = tmp_path / "v8"
    cache.mkdir(mode=0o700)
    app = tmp_path / "app.py"
    app.write_text(_CACHED_APP)

    def synth(name: str, setting: str) -> dict[str, object]:
        env = {**os.environ, _batch.CODE_CACHE_ENV: setting,
               "CDK_CONTEXT_JSON": '{"@aws-cdk/core:enableAdditionalMetadataCollection": true}'}
        done = subprocess.run([sys.executable, str(app), str(tmp_path / name)], capture_output=True, text=True,
                              env=env, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        template: dict[str, object] = json.loads((tmp_path / name / "Cached.template.json").read_text())
        return template

    def written() -> dict[str, tuple[int, bytes]]:
        return {file.name: (file.stat().st_mtime_ns, file.read_bytes()) for file in cache.iterdir()}

    template = synth("first", str(cache))
    first = written()
    assert all(re.fullmatch(r"[0-9a-f]{64}\.v8", name) for name in first), sorted(first)
    assert all((cache / name).stat().st_mode & 0o777 == 0o600 for name in first)
    sources = _aws_cdk_lib_sources({_batch.REGION_FACTS[0], *_batch.METADATA_TABLES, _SYNTH_FILE})
    node = shutil.which(os.environ.get("JSII_NODE", "node"))
    assert node is not None
    facts = json.loads(subprocess.run([node, "-e", _COMPILED_ONLY], input=sources[_SYNTH_FILE], capture_output=True,
                                      check=True, timeout=60).stdout)

    def key(path: str) -> str:
        return hashlib.sha256(f"{facts['version']} {facts['arch']}\0".encode() + sources[path]).hexdigest() + ".v8"

    assert {key(path) for path in sources} <= first.keys(), "a file loaded after the warm-up began has no cache"
    assert len(first) > 50  # (every module of aws-cdk-lib the app loaded: iam, s3, sagemaker, the synthesis...)
    # Made at exit, after the synth ran: it holds the functions node compiled then (made before, it would not).
    assert len(first[key(_SYNTH_FILE)][1]) > facts["compiledOnly"] * 1.5, (len(first[key(_SYNTH_FILE)][1]), facts)
    assert synth("second", str(cache)) == template
    assert written() == first  # used, not written again
    largest = max(first, key=lambda name: len(first[name][1]))
    garbage = b"not a code cache" * 64
    (cache / largest).write_bytes(garbage)
    assert synth("third", str(cache)) == template
    third = written()
    assert third.keys() == first.keys() and third[largest][1] != garbage  # refused and written again
    assert synth("off", "off") == template
    assert synth("fifth", str(cache)) == template
    assert written() == third  # the one written again is used
