"""The node side of the batched aws-cdk-lib calls (kernel/ → src/cdk_sagemaker_inference/_jsii) and the
Python ``Batch`` that drives it."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from cdk_sagemaker_inference.constructs._batch import _ASSEMBLY_NAME, _ASSEMBLY_VERSION, Batch

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


def test_keyword_arguments_are_named_by_their_struct() -> None:
    _, stack = _stack()
    batch = Batch()
    with pytest.raises(TypeError, match="RoleProps has no field asumed_by"):
        batch.new(iam.Role, stack, "Role", props=iam.RoleProps, asumed_by=iam.AccountRootPrincipal())
    with pytest.raises(TypeError, match="props="):
        batch.new(iam.Role, stack, "Role", assumed_by=iam.AccountRootPrincipal())
