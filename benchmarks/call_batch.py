#!/usr/bin/env python3
"""How much of a model's cost is jsii round trips: the library's model built in one call into node.

The alpha module builds a whole model (role, policy, grants, ``CfnModel``) in one jsii call; the
library makes about twenty (the role and its inline policy, its default policy, the grants, the
cdk-nag acknowledgments, the ``CfnModel``, its dependencies). This script answers whether a jsii
module of the library's own (construction moved into node, Python sending one call per model) would
bring a model to the alpha module's cost. It builds a benchmark-only jsii module, ``call_batch/``
(``CallBatch.run``: a list of aws-cdk-lib calls run in node, one round trip; compiled with the
``jsii`` compiler and bound with ``jsii-pacmak``, both pinned in ``call_batch/package.json``, in a
temporary directory) and times, side by side in one run:

* ``alpha``: ``aws_sagemaker_alpha.Model`` with a DLC image and model data in a bucket;
* ``library``: ``InferenceModel`` with the same image and data;
* ``library, one call``: the same resources as ``library`` (checked: the two stacks' templates are the
  same, resource for resource) from one ``CallBatch.run`` call per model, and the library's own
  validation of the model (``validate_model``, ``model_warnings``) in Python;
* ``one call, no extras``: as above without what the library adds to alpha's model: no inline
  policy (every statement in the default policy), no cdk-nag acknowledgments, no validation.

Each side of each repetition builds ``--n`` models in a fresh app after a warm-up app in the same
process, the sides alternating; times are construction + synth per model, medians over repetitions;
template validation is off (``CDK_VALIDATION=false``) as in ``synth_bench.py``.

    .venv/bin/python benchmarks/call_batch.py --n 100 --reps 5

Needs npm (``make setup`` puts Node 24 with npm first on PATH) and the package registry for the two
pinned npm packages, the first time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MODULE = HERE / "call_batch"
BUCKET, REPOSITORY, TAG = "bench-models", "pytorch-inference", "2.3.0-cpu-py311"


def build_module(workdir: Path) -> Path:
    """Compile ``call_batch/`` with jsii and bind it with jsii-pacmak in ``workdir``: the Python source root."""
    for name in ("package.json", "package-lock.json"):
        shutil.copy(MODULE / name, workdir / name)
    shutil.copytree(MODULE / "lib", workdir / "lib")
    (workdir / "README.md").write_text("Benchmark only.\n")
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("call_batch: npm is not on PATH (make setup puts Node 24 with npm in .venv/bin)")
    quiet = {"capture_output": True, "text": True, "cwd": workdir}
    for command in ([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                    [str(workdir / "node_modules/.bin/jsii"), "--silence-warnings=reserved-word"],
                    [str(workdir / "node_modules/.bin/jsii-pacmak"), "--targets", "python", "--code-only"]):
        done = subprocess.run(command, check=False, **quiet)  # type: ignore[call-overload]
        if done.returncode:
            raise SystemExit(f"call_batch: {' '.join(command[:2])} failed:\n{done.stdout}{done.stderr}")
    return workdir / "dist/python/src"


class Batch:
    """The ops of one ``CallBatch.run`` call; each method returns the ``{"$r": i}`` of its result."""

    def __init__(self) -> None:
        self.ops: list[list[Any]] = []

    def _add(self, op: list[Any]) -> dict[str, int]:
        self.ops.append(op)
        return {"$r": len(self.ops) - 1}

    def new(self, fqn: str, *args: Any, keep: bool = False) -> dict[str, int]:
        return self._add(["new", keep, fqn, list(args)])

    def call(self, target: Any, method: str, *args: Any, keep: bool = False) -> dict[str, int]:
        return self._add(["call", keep, target, method, list(args)])

    def get(self, target: Any, name: str, keep: bool = False) -> dict[str, int]:
        return self._add(["get", keep, target, name])

    def run(self) -> list[Any]:
        import jsii
        from cdk_sagemaker_inference_call_batch import CallBatch

        # jsii's low-level call (what the generated binding calls, minus its argument type check).
        result: list[Any] = jsii.sinvoke(CallBatch, "run", [self.ops])
        return result


class Sides:
    """The four ways of building model ``i`` in ``stack`` (``setup`` once per stack first)."""

    def __init__(self) -> None:
        from aws_cdk import aws_iam as iam

        self.principal = iam.ServicePrincipal("sagemaker.amazonaws.com")

    def setup(self, stack: Any) -> dict[str, Any]:
        """What every model of a stack shares; the library's first model creates the per-stack values."""
        from aws_cdk import aws_ecr as ecr
        from aws_cdk import aws_iam as iam
        from aws_cdk import aws_s3 as s3
        from aws_cdk import aws_sagemaker_alpha as alpha

        import cdk_sagemaker_inference as lib
        from cdk_sagemaker_inference.constructs import model as library_model

        bucket = s3.Bucket.from_bucket_name(stack, "Models", BUCKET)
        first = lib.InferenceModel(stack, "First", image=lib.ContainerImage.from_dlc(REPOSITORY, TAG),
                                   model_data=lib.ModelData.from_bucket(bucket, "first/model.tar.gz"))
        lib_image = lib.ContainerImage.from_dlc(REPOSITORY, TAG)
        # The statements the library writes into every default role of the stack (its log groups, metrics,
        # ECR login and this image's pull), as shared statement objects.
        (pull,) = lib_image._inline_grant(stack).statements  # type: ignore[union-attr]
        shared_json = [library_model._logs_statement(stack), library_model._METRICS, library_model._ECR_AUTH, pull]
        return {
            "bucket": bucket, "bucket_arn": bucket.bucket_arn, "first": first,
            "statements": [iam.PolicyStatement.from_json(statement) for statement in shared_json],
            "repository": ecr.Repository.from_repository_attributes(stack, "DlcRepository", repository_name=REPOSITORY,
                                                                   repository_arn=pull["Resource"]),
            "image_uri": first.resource.primary_container.image,  # type: ignore[union-attr]
            "spec": first.spec,
            "lib_image": lib_image,
            "alpha_image": alpha.ContainerImage.from_dlc(REPOSITORY, TAG),
        }

    def alpha(self, stack: Any, i: int, shared: dict[str, Any]) -> None:
        from aws_cdk import aws_sagemaker_alpha as alpha

        alpha.Model(stack, f"M{i}", containers=[alpha.ContainerDefinition(
            image=shared["alpha_image"], model_data=alpha.ModelData.from_bucket(shared["bucket"], key(i)))])

    def library(self, stack: Any, i: int, shared: dict[str, Any]) -> None:
        import cdk_sagemaker_inference as lib

        lib.InferenceModel(stack, f"M{i}", image=shared["lib_image"],
                           model_data=lib.ModelData.from_bucket(shared["bucket"], key(i)))

    def one_call(self, stack: Any, i: int, shared: dict[str, Any], *, extras: bool = True) -> None:
        from cdk_sagemaker_inference.constructs import _base, model
        from cdk_sagemaker_inference.validation.model import model_warnings, validate_model

        if extras:  # the library's rules, on the spec the library computed for the same configuration
            validate_model(shared["spec"])
            list(model_warnings(shared["spec"]))
        batch = Batch()
        scope = batch.new("constructs.Construct", stack, f"M{i}")
        logs, metrics, auth, pull = shared["statements"]
        arn = shared["bucket_arn"]
        role_props: dict[str, Any] = {
            "assumedBy": self.principal,
            "description": "SageMaker model execution role (least privilege, cdk-sagemaker-inference)"}
        if extras:  # the library's inline policy: log groups, statements on "*", the image pull and the data read
            read = batch.new("aws-cdk-lib.aws_iam.PolicyStatement", {
                "actions": list(model._BUCKET_READ_ACTIONS), "resources": [arn, f"{arn}/{key(i)}"]})
            document = batch.new("aws-cdk-lib.aws_iam.PolicyDocument",
                                 {"statements": [logs, metrics, auth, pull, read]})
            role_props["inlinePolicies"] = {_base.INLINE_POLICY: document}
        role = batch.new("aws-cdk-lib.aws_iam.Role", scope, "Role", role_props)
        if extras:  # as many acknowledgment entries, on the same constructs, as the library writes
            role_node = batch.get(role, "node")
            batch.call(batch.get(batch.get(role_node, "defaultChild"), "node"), "addMetadata",
                       "acknowledged", {f"Annotation::rule{n}": "x" * 80 for n in range(6)})
            batch.call(role_node, "addMetadata", "acknowledged", {f"Annotation::rule{n}": "x" * 80 for n in range(4)})
        else:  # every statement in the default policy, by aws-cdk-lib's grants, as alpha's model has them
            for statement in (logs, metrics, auth):
                batch.call(role, "addToPolicy", statement)
            batch.call(shared["repository"], "grant", role, *model._PULL_ACTIONS)
            batch.call(shared["bucket"], "grantRead", role, key(i))
        resource = batch.new("aws-cdk-lib.aws_sagemaker.CfnModel", scope, "Resource", {
            "executionRoleArn": batch.get(role, "roleArn"),
            "primaryContainer": {"image": shared["image_uri"], "modelDataUrl": f"s3://{BUCKET}/{key(i)}"}})
        if not extras:
            batch.call(batch.get(resource, "node"), "addDependency",
                       batch.call(batch.get(role, "node"), "tryFindChild", "DefaultPolicy"))
        batch.get(resource, "attrModelName", keep=True)
        batch.run()

    def no_extras(self, stack: Any, i: int, shared: dict[str, Any]) -> None:
        self.one_call(stack, i, shared, extras=False)


def key(i: int) -> str:
    return f"models/m{i}/model.tar.gz"


SIDES = ("alpha", "library", "one_call", "no_extras")
LABELS = {"alpha": "alpha `Model`", "library": "library `InferenceModel`",
          "one_call": "library, one call", "no_extras": "one call, no extras"}


def build(sides: Sides, side: str, n: int) -> Any:
    """An app with one stack of ``n`` models built by ``side`` (after the shared setup); its assembly."""
    from aws_cdk import App, Stack

    app = App()
    stack = Stack(app, "Models")
    shared = sides.setup(stack)
    make: Callable[[Any, int, dict[str, Any]], None] = getattr(sides, side)
    started = time.perf_counter()
    for i in range(n):
        make(stack, i, shared)
    assembly = app.synth()
    return assembly, time.perf_counter() - started


def same_resources(sides: Sides) -> None:
    """The library's and the one-call templates must be the same, or the comparison says nothing."""
    sys.path.insert(0, str(HERE))
    from bench_common import canonical_template

    templates = {side: canonical_template(build(sides, side, 3)[0].get_stack_by_name("Models").template)
                 for side in ("library", "one_call")}
    if templates["library"] != templates["one_call"]:
        library, one_call = (templates[side]["Resources"] for side in ("library", "one_call"))
        differing = {key: {"library": library.get(key), "one_call": one_call.get(key)}
                     for key in sorted({*library, *one_call}) if library.get(key) != one_call.get(key)}
        raise SystemExit("call_batch: the one-call model renders other resources than InferenceModel:\n"
                         + json.dumps(differing, indent=1, sort_keys=True)[:6000])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100, help="models per app (default 100)")
    parser.add_argument("--reps", type=int, default=5, help="repetitions (default 5)")
    args = parser.parse_args(argv)
    os.environ["CDK_VALIDATION"] = "false"
    with tempfile.TemporaryDirectory(prefix="call-batch-") as workdir:
        sys.path.insert(0, str(build_module(Path(workdir))))
        sides = Sides()
        same_resources(sides)
        for side in SIDES:  # warm-up: every module loaded, every code path run once
            build(sides, side, 2)
        times: dict[str, list[float]] = {side: [] for side in SIDES}
        for _ in range(args.reps):
            for side in SIDES:
                times[side].append(1000 * build(sides, side, args.n)[1] / args.n)
    alpha = statistics.median(times["alpha"])
    print(f"construction + synth per model, ms (median of {args.reps}, N = {args.n}, template validation off):\n")
    print("| side | ms per model | /alpha |\n|---|---:|---:|")
    for side in SIDES:
        median = statistics.median(times[side])
        print(f"| {LABELS[side]} | {median:.2f} | {median / alpha:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
