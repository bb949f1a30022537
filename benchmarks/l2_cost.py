#!/usr/bin/env python3
"""What each aws-cdk-lib L2 the constructs keep on purpose costs against the L1 resources it renders.

The library's real-time and serverless endpoints build on two L2s a hand-written L1 app does not have,
and expose both (``model.role``, ``endpoint.scalable_target``): grants, metrics and users' own policies
need them. This script builds the same resources both ways, many times over, and times them:

* ``role``: a model's execution role as the library makes it, ``iam.Role`` assumed by SageMaker with its
  inline policy from ``PolicyDocument.from_json`` (logs, metrics, the ECR authorization token, the image
  pull and the model data read), against ``iam.CfnRole`` with the same policy pasted as JSON;
* ``scaling``: a variant's autoscaling, ``ScalableTarget`` (on the imported service-linked role) and
  ``scale_to_track_metric`` (invocations per instance), against ``CfnScalableTarget`` and
  ``CfnScalingPolicy``.

Before timing, each pair is synthesized once and the two templates are compared (logical ids and
generated names aside, as ``tests/test_bench_equivalence.py`` compares whole apps): a pair that no longer
renders the same resources stops the run. Both sides make each item in one jsii round trip, as the
library makes them (``constructs/_batch.py``), so construction compares node's work, not the number of
calls. Each side runs in a fresh process: construction of N items (median over repetitions), then the synth of that app repeated (``app.synth(force=True)``) with the
fastest taken, after a warm-up app in the same process; aws-cdk-lib's template validation is off. The
table gives microseconds per item and the L2's cost over the L1's.

    .venv/bin/python benchmarks/l2_cost.py --n 200 --reps 5
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_common  # noqa: E402  (the benchmark's own modules, beside this script)
from aws_cdk import App, Stack, Token  # noqa: E402
from aws_cdk import aws_applicationautoscaling as appscaling  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402

from cdk_sagemaker_inference.constructs._batch import Batch, struct  # noqa: E402

PER_STACK = 50
SYNTH_REPEATS = 5


@functools.cache
def _token(intrinsic: str) -> str:
    """The intrinsic (JSON text) as a token string, made once per process (the library asks each ARN once per
    stack or bucket: ``constructs/_memo.py``)."""
    return Token.as_string(json.loads(intrinsic))


def _as_token_strings(value: Any) -> Any:
    """``value`` with each intrinsic (``Ref``, ``Fn::*``) as a token string, the form ``PolicyDocument.from_json``
    takes (and what the library's statements hold: ``stack.format_arn`` and bucket ARNs are token strings)."""
    if isinstance(value, dict):
        if any(key == "Ref" or key.startswith("Fn::") for key in value):
            return _token(json.dumps(value, sort_keys=True))
        return {key: _as_token_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_token_strings(item) for item in value]
    return value


def _l2_policy(i: int) -> dict[str, Any]:
    """:func:`_policy` as the library writes it: the model object's ARN is the bucket's ARN (a token string) and
    the key, joined in Python."""
    policy = _policy(0)
    statements = _as_token_strings(policy["Statement"])
    bucket = _as_token_strings(bench_common.join("arn:", bench_common.PARTITION, f":s3:::{bench_common.BUCKET}"))
    statements[-1]["Resource"] = [bucket, f"{bucket}/{bench_common.model_key(i)}"]
    return {**policy, "Statement": statements}


def _policy(i: int) -> dict[str, Any]:
    return {"Statement": [*bench_common.MODEL_ROLE_INLINE, *bench_common.model_role_statements(
        bench_common.REPOSITORY, bench_common.BUCKET, bench_common.model_key(i))], "Version": "2012-10-17"}


_SAGEMAKER = iam.ServicePrincipal("sagemaker.amazonaws.com")


def role_l2(stack: Stack, i: int, batch: Batch) -> None:
    document = batch.static(iam.PolicyDocument, "fromJson", _l2_policy(i))
    batch.new(iam.Role, stack, f"Role{i}", props=iam.RoleProps, assumed_by=_SAGEMAKER,
              description=bench_common.MODEL_ROLE_DESCRIPTION, inline_policies={"SageMakerExecution": document})


def role_l1(stack: Stack, i: int, batch: Batch) -> None:
    batch.new(iam.CfnRole, stack, f"Role{i}", props=iam.CfnRoleProps,
              assume_role_policy_document=bench_common.SAGEMAKER_ASSUME_ROLE_POLICY,
              description=bench_common.MODEL_ROLE_DESCRIPTION,
              policies=[struct(iam.CfnRole.PolicyProperty, policy_name="SageMakerExecution", policy_document=_policy(i))])


def _service_linked_role(stack: Stack) -> iam.IRole:
    found = stack.node.try_find_child("AutoScalingRole")
    if found is not None:
        return found  # type: ignore[return-value]
    return iam.Role.from_role_arn(stack, "AutoScalingRole",
                                  Token.as_string(bench_common.AUTOSCALING_SERVICE_LINKED_ROLE), mutable=False)


_DIMENSION = "sagemaker:variant:DesiredInstanceCount"


def scaling_l2(stack: Stack, i: int, batch: Batch) -> None:
    target = batch.new(appscaling.ScalableTarget, stack, f"Target{i}", props=appscaling.ScalableTargetProps,
                       service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
                       resource_id=f"endpoint/endpoint-{i}/variant/AllTraffic", scalable_dimension=_DIMENSION,
                       min_capacity=1, max_capacity=4, role=_service_linked_role(stack))
    batch.call(target, "scaleToTrackMetric", "Invocations", props=appscaling.BasicTargetTrackingScalingPolicyProps,
               target_value=200, predefined_metric=appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE)


def scaling_l1(stack: Stack, i: int, batch: Batch) -> None:
    target = batch.new(appscaling.CfnScalableTarget, stack, f"Target{i}", props=appscaling.CfnScalableTargetProps,
                       service_namespace="sagemaker", resource_id=f"endpoint/endpoint-{i}/variant/AllTraffic",
                       scalable_dimension=_DIMENSION, min_capacity=1, max_capacity=4,
                       role_arn=_service_linked_role(stack).role_arn)
    batch.new(appscaling.CfnScalingPolicy, stack, f"Target{i}Invocations", props=appscaling.CfnScalingPolicyProps,
              policy_name=f"Target{i}Invocations", policy_type="TargetTrackingScaling",
              scaling_target_id=target.attr("ref"),
              target_tracking_scaling_policy_configuration=struct(
                  appscaling.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty, target_value=200,
                  predefined_metric_specification=struct(
                      appscaling.CfnScalingPolicy.PredefinedMetricSpecificationProperty,
                      predefined_metric_type="SageMakerVariantInvocationsPerInstance")))


PAIRS: dict[str, tuple[Callable[[Stack, int, Batch], None], Callable[[Stack, int, Batch], None], str]] = {
    "role": (role_l2, role_l1, "model execution role: iam.Role + inline PolicyDocument vs iam.CfnRole"),
    "scaling": (scaling_l2, scaling_l1,
                "variant autoscaling: ScalableTarget + scale_to_track_metric vs CfnScalableTarget + CfnScalingPolicy"),
}


def build(pair: str, side: str, n: int) -> App:
    """An app of ``n`` items of ``pair`` built by ``side`` (``l2`` or ``l1``)."""
    make = PAIRS[pair][0 if side == "l2" else 1]
    app = App(context=bench_common.cdk_context())
    for index, first, count in bench_common.stack_ranges(n, PER_STACK):
        stack = Stack(app, f"Pair{index}")
        if pair == "role":  # the image pull names the Region's DLC account through the stack's mapping
            bench_common.dlc_mapping(stack)
        for i in range(first, first + count):  # one round trip per item, as the library makes them
            batch = Batch()
            make(stack, i, batch)
            batch.run()
    return app


def templates(pair: str, side: str, n: int) -> list[dict[str, Any]]:
    """The canonical templates of the app (``bench_common.canonical_template``), one per stack."""
    assembly = build(pair, side, n).synth()
    return [bench_common.canonical_template(stack.template) for stack in assembly.stacks]


def check_same_resources(pair: str) -> None:
    """Stop when the two sides of ``pair`` no longer render the same resources."""
    l2, l1 = templates(pair, "l2", 2), templates(pair, "l1", 2)
    if l2 != l1:
        raise SystemExit(f"l2_cost: the two sides of {pair!r} render different resources:\n"
                         f"L2: {json.dumps(l2, sort_keys=True)}\nL1: {json.dumps(l1, sort_keys=True)}")


def worker(pair: str, side: str, n: int) -> dict[str, float]:
    """One measurement in this (fresh) process: construction and fastest synth, microseconds per item."""
    build(pair, side, 2).synth()  # loads the modules the side uses
    started = time.perf_counter()
    app = build(pair, side, n)
    construction = time.perf_counter() - started
    synths = []
    for _ in range(SYNTH_REPEATS):
        started = time.perf_counter()
        app.synth(force=True)
        synths.append(time.perf_counter() - started)
    return {"construction_us": 1e6 * construction / n, "synth_us": 1e6 * min(synths) / n}


def measure(pair: str, n: int, reps: int) -> dict[str, list[dict[str, float]]]:
    """Both sides of ``pair``, ``reps`` times each, alternating, each in a fresh process."""
    results: dict[str, list[dict[str, float]]] = {"l2": [], "l1": []}
    environment = {**os.environ, "CDK_VALIDATION": "false"}
    for _ in range(reps):
        for side in ("l2", "l1"):
            done = subprocess.run([sys.executable, __file__, "--worker", pair, side, str(n)],
                                  capture_output=True, text=True, check=True, env=environment)
            results[side].append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


def table(results: dict[str, dict[str, list[dict[str, float]]]], n: int, reps: int) -> list[str]:
    """Markdown: per pair, construction and synth in microseconds per item, each side and the difference."""
    lines = [f"N={n} items per app, median of {reps} processes (synth: the fastest of {SYNTH_REPEATS} in each):", "",
             "| kept L2 (vs the L1 it renders) | construction µs L2 / L1 | synth µs L2 / L1 | L2 − L1 µs per item |",
             "|---|---:|---:|---:|"]
    for pair, sides in results.items():
        figures = {side: {key: statistics.median(run[key] for run in runs) for key in ("construction_us", "synth_us")}
                   for side, runs in sides.items()}
        l2, l1 = figures["l2"], figures["l1"]
        extra = l2["construction_us"] + l2["synth_us"] - l1["construction_us"] - l1["synth_us"]
        lines.append(f"| {PAIRS[pair][2]} | {l2['construction_us']:.0f} / {l1['construction_us']:.0f} | "
                     f"{l2['synth_us']:.0f} / {l1['synth_us']:.0f} | {extra:+.0f} |")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", default=",".join(PAIRS), help=f"comma-separated, of {','.join(PAIRS)}")
    parser.add_argument("--n", type=int, default=200, help="items per app (default 200)")
    parser.add_argument("--reps", type=int, default=5, help="processes per side (default 5)")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        pair, side, n = args.worker
        print(json.dumps(worker(pair, side, int(n))))
        return 0
    pairs = args.pairs.split(",")
    unknown = [pair for pair in pairs if pair not in PAIRS]
    if unknown:
        parser.error(f"unknown pair {', '.join(unknown)} (known: {', '.join(PAIRS)})")
    for pair in pairs:
        check_same_resources(pair)
    print("\n".join(table({pair: measure(pair, args.n, args.reps) for pair in pairs}, args.n, args.reps)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
