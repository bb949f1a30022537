"""What importing and using a construct loads: only the modules that construct needs.

Each case runs in a fresh Python process (``sys.modules`` of the test process holds everything):
import the construct as the README shows, build its default configuration, synthesize, then list
the aws-cdk-lib submodules and library modules loaded. A module that only an optional prop uses
(``aws_ec2`` for a VPC, the asset modules, ``importlib.metadata``) must stay unloaded until that prop
is passed; the benchmark (``make bench``) measures what each costs.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from helpers import ROOT

PROBE = textwrap.dedent("""
    import json, sys, tempfile
    from aws_cdk import App, Stack
    from aws_cdk import aws_s3 as s3
    import cdk_sagemaker_inference as lib

    app = App(outdir=tempfile.mkdtemp())
    stack = Stack(app, "Probe")
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "models")
    model = lib.InferenceModel(stack, "Model", image=lib.ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311"),
                               model_data=lib.ModelData.from_bucket(bucket, "model.tar.gz"){model_extra})
    {build}
    app.synth()
    print(json.dumps(sorted(sys.modules)))
""")

REALTIME = ("lib.RealtimeEndpoint(stack, 'Endpoint', variants=[lib.ProductionVariant(variant_name='A', model=model, "
            "instance_type=lib.InstanceType.M5_LARGE, autoscaling=lib.InstanceScaling(min_capacity=1, "
            "max_capacity=4, target_invocations_per_instance=100))])")
SERVERLESS = ("lib.ServerlessEndpoint(stack, 'Endpoint', model=model, memory_size_mb=2048, max_concurrency=5, "
              "provisioned_concurrency=1, provisioned_concurrency_scaling=lib.ProvisionedConcurrencyScaling("
              "min_capacity=1, max_capacity=2))")

COMPONENTS = ("endpoint = lib.InferenceComponentEndpoint(stack, 'Fleet', instance_type=lib.InstanceType.of('ml.g5.12xlarge'))"
              "; lib.InferenceComponent(stack, 'Llm', endpoint=endpoint, image="
              "lib.ContainerImage.from_dlc('pytorch-inference', '2.3.0-gpu-py311'), "
              "model_data=lib.ModelData.from_bucket(bucket, 'llm.tar.gz'), "
              "compute=lib.ComputeRequirements(min_memory_mb=16384, accelerator_devices=1, cpu_cores=2))")

NOT_LOADED = (
    "aws_cdk.aws_ec2",  # 0.1 s: only a model in a VPC
    "aws_cdk.aws_ecr_assets",  # only ContainerImage.from_asset
    "aws_cdk.aws_s3_assets",  # only ModelData.from_asset
    "aws_cdk.aws_kms",  # only kms_key props
    "aws_cdk.aws_sns",  # only async endpoints and jobs
    "aws_cdk.aws_stepfunctions",  # only jobs
    "aws_cdk.aws_logs",
    "cdk_sagemaker_inference.guard.compare",  # the guard command's (and a synth with a baseline)
    "cdk_sagemaker_inference.constructs.batch_transform",
    "cdk_sagemaker_inference.constructs.async_endpoint",
    "cdk_sagemaker_inference.constructs.recommender_job",
    "botocore",
)


BASELINE = textwrap.dedent("""
    import json, sys, tempfile
    from aws_cdk import App, Stack
    from aws_cdk import aws_applicationautoscaling, aws_iam, aws_s3, aws_sagemaker

    app = App(outdir=tempfile.mkdtemp())
    aws_s3.Bucket.from_bucket_name(Stack(app, "Probe"), "Models", "models")
    app.synth()
    print(json.dumps(sorted(sys.modules)))
""")
"""The same app without the library: what aws-cdk-lib itself loads for the modules the endpoints use
(older releases' bindings load more of their own, e.g. 2.220's ``aws_iam`` loads ``aws_ec2``)."""


def printed(code: str, **env: str) -> Any:
    """What ``code`` prints last (as JSON), run in a fresh Python process (with ``env`` added to the environment)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          check=False, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@functools.cache
def run(code: str) -> frozenset[str]:
    return frozenset(printed(code))


def loaded(build: str, model_extra: str = "") -> set[str]:
    """The modules the probe loads that the plain aws-cdk-lib app does not."""
    return run(PROBE.format(build=build, model_extra=model_extra)) - run(BASELINE)


NOT_LOADED_BY = {  # the rules of the other kinds (cdk_sagemaker_inference.validation loads a module on first use)
    # aws_ecr: a repository of your own, or a grant through the imported repository (an inference component's)
    "serverless": ("aws_cdk.aws_ecr", "cdk_sagemaker_inference.validation.realtime", "cdk_sagemaker_inference.validation.guardrails",
                   "cdk_sagemaker_inference.validation.async_inference", "cdk_sagemaker_inference.validation.batch"),
    "realtime": ("aws_cdk.aws_ecr", "cdk_sagemaker_inference.validation.serverless", "cdk_sagemaker_inference.validation.async_inference",
                 "cdk_sagemaker_inference.validation.batch"),
    "components": ("cdk_sagemaker_inference.validation.serverless", "cdk_sagemaker_inference.validation.batch"),
}


@pytest.mark.parametrize(("kind", "build"), [("realtime", REALTIME), ("serverless", SERVERLESS),
                                             ("components", COMPONENTS)], ids=["realtime", "serverless", "components"])
def test_a_default_endpoint_loads_no_module_it_does_not_use(kind: str, build: str) -> None:
    # A module the plain aws-cdk-lib app loads anyway is subtracted from every probe: listing it here checks nothing.
    assert sorted(m for m in (*NOT_LOADED, *NOT_LOADED_BY[kind]) if m in run(BASELINE)) == []
    modules = loaded(build)
    assert "cdk_sagemaker_inference.constructs.model" in modules  # the probe did build something
    assert sorted(m for m in (*NOT_LOADED, *NOT_LOADED_BY[kind]) if m in modules) == []


def test_a_prop_that_needs_a_lazy_module_loads_it_and_is_still_checked() -> None:
    """Passing a VPC loads aws_ec2 on first use; a wrong value for it is still refused by type."""
    vpc = (", vpc=__import__('aws_cdk.aws_ec2', fromlist=['Vpc']).Vpc.from_vpc_attributes(stack, 'Vpc', "
           "vpc_id='vpc-1', availability_zones=['a', 'b'], private_subnet_ids=['subnet-1', 'subnet-2'])")
    assert "aws_cdk.aws_ec2" in run(PROBE.format(build="", model_extra=vpc))
    wrong = PROBE.format(build="", model_extra=", vpc='vpc-1'")
    done = subprocess.run([sys.executable, "-c", wrong], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          check=False)  # not run(): it must fail
    assert done.returncode != 0
    assert "ValidationError" in done.stderr and "vpc" in done.stderr and "IVpc" in done.stderr, done.stderr[-2000:]


def test_the_validation_package_lists_and_loads_its_rules_on_first_use() -> None:
    """`cdk_sagemaker_inference.validation` loads a rule module when one of its names is first read; `dir()` and
    `__all__` list them all the same, and each name resolves."""
    before, listed, resolved = printed(textwrap.dedent("""
            import json, sys
            import cdk_sagemaker_inference.validation as validation
            before = sorted(m for m in sys.modules if m.startswith("cdk_sagemaker_inference.validation."))
            # (every name the package loads on first use is listed: __all__ and the lazy table are kept by hand)
            listed = set(validation.__all__) <= set(dir(validation)) and set(validation.__all__) == set(validation._MODULE_OF)
            resolved = all(callable(getattr(validation, name)) for name in validation.__all__)
            print(json.dumps([before, listed, resolved]))
        """))
    assert "cdk_sagemaker_inference.validation.batch" not in before
    assert "cdk_sagemaker_inference.validation.realtime" not in before
    assert listed and resolved


@pytest.mark.parametrize(("imports", "warmed"), [
    ("import aws_cdk\nimport cdk_sagemaker_inference", True),  # an app's order: the package root warms node
    ("import cdk_sagemaker_inference\nfrom cdk_sagemaker_inference import ServerlessEndpoint", True),  # its module
    ("import cdk_sagemaker_inference\nimport cdk_sagemaker_inference.constraints", False),  # no app, no node
], ids=["aws-cdk-lib first", "construct first", "no aws-cdk-lib"])
def test_node_is_warmed_once_when_the_app_runs_it_and_never_started_for_it(imports: str, warmed: bool) -> None:
    """With aws-cdk-lib imported, importing the package has node load what the constructs need (the kernel
    module loaded, one warm-up request); without it the package starts no node process of its own."""
    assert printed(imports + textwrap.dedent("""
        import json, sys
        batch = sys.modules.get("cdk_sagemaker_inference.constructs._batch")
        print(json.dumps(["aws_cdk" in sys.modules, batch is not None and batch._load.cache_info().currsize]))
    """)) == [warmed, 1 if warmed else False]


USAGE = textwrap.dedent("""
    import json, sys, tempfile
    sys.path.insert(0, {benchmarks!r})
    import bench_common, importlib
    from aws_cdk import App, Stack
    from aws_cdk import aws_s3 as s3
    import cdk_sagemaker_inference as lib

    ran = set()

    def profile(frame, event, arg):
        # A function of a module ran: not a module or class body (no CO_OPTIMIZED flag), not the code a
        # dataclass compiles while its class is created (a generated __init__ that runs counts).
        if event == "call" and frame.f_code.co_flags & 1 and frame.f_code.co_name != "__create_fn__":
            ran.add(frame.f_globals.get("__name__", ""))

    sys.setprofile(profile)
    {build}
    app.synth()
    sys.setprofile(None)
    # A package's __init__ loads with any of its modules: only modules are listed.
    loaded = sorted(name for name, module in sys.modules.items()
                    if name.startswith("cdk_sagemaker_inference") and not hasattr(module, "__path__"))
    print(json.dumps([loaded, sorted(ran)]))
""")
"""An app built and synthesized with a profile hook: which library modules it loads, and in which of them a
function ran."""

APPS = {  # the benchmark's app of each kind (``benchmarks/bench_<kind>.py``, two endpoints or jobs), and components
    **{kind: f"app = bench_common.build_app(importlib.import_module('bench_{kind}').KIND, 'library', 2, "
             "tempfile.mkdtemp())" for kind in ("realtime", "serverless", "async", "batch")},
    "components": "app = App(outdir=tempfile.mkdtemp()); stack = Stack(app, 'Probe'); "
                  "bucket = s3.Bucket.from_bucket_name(stack, 'Models', 'models'); " + COMPONENTS,
}

HOLDS_NO_CODE = {  # loaded for what they hold, not for code that runs
    "cdk_sagemaker_inference._jsii": "the kernel's jsii assembly, loaded by the import itself",
    "cdk_sagemaker_inference._keys": "the metadata and context keys",
    "cdk_sagemaker_inference._version": "the version string",
    "cdk_sagemaker_inference.constructs.data_capture": "DataCapture, the annotation of a RealtimeEndpoint prop "
                                                       "(typecheck resolves it from the module when a value is passed)",
}


@pytest.mark.parametrize("kind", list(APPS))
def test_every_library_module_an_app_loads_runs_code_for_it(kind: str) -> None:
    """A module whose code no construct of the app runs is import time (and dataclass creation) on every synth
    for nothing: rules of props the app does not pass (guardrails, alarms, schedules), the guard without a baseline,
    suggestions made only on errors. Each such module is imported where it is used; found by this test, not
    listed by hand (a new module that loads idle fails it)."""
    loaded, ran = printed(USAGE.format(benchmarks=str(ROOT / "benchmarks"), build=APPS[kind]), CDK_VALIDATION="false")
    assert "cdk_sagemaker_inference.constructs.model" in ran  # the hook saw the app's constructs
    idle = sorted(set(loaded) - set(ran) - set(HOLDS_NO_CODE))
    assert idle == [], f"a {kind} app loads these modules and runs none of their code: import them where used"


def test_the_guard_names_of_the_package_root_load_without_the_constructs() -> None:
    """``Finding``, ``UnsafeChange``, ``find_unsafe_changes``, ``BASELINE_CONTEXT`` and ``METADATA_KEY`` come from
    the guard and the keys module on first use: neither aws-cdk-lib nor the constructs load for them, and each is
    the object its home module defines."""
    assert printed(textwrap.dedent("""
        import json, sys
        import cdk_sagemaker_inference as lib
        names = ["Finding", "UnsafeChange", "find_unsafe_changes", "BASELINE_CONTEXT", "METADATA_KEY"]
        values = [getattr(lib, name) for name in names]
        light = ["aws_cdk" in sys.modules, "cdk_sagemaker_inference.constructs" in sys.modules]
        from cdk_sagemaker_inference.guard import findings, plugin
        same = [values[0] is findings.Finding, values[1] is findings.UnsafeChange,
                values[2] is findings.find_unsafe_changes, values[3] == plugin.BASELINE_CONTEXT,
                values[4] == findings.METADATA_KEY]
        print(json.dumps([light, same]))
    """)) == [[False, False], [True] * 5]
