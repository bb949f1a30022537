"""InferenceComponent under generated props: a clean ValidationError or a template SageMaker accepts.

The oracle is botocore's ``CreateInferenceComponent`` input shape (ranges, patterns, required members),
CloudFormation's limits where they are stricter (16 environment variables), the fit of one copy on one
instance (EC2's published vCPUs, memory and GPUs of the sampled types, written here, not read from the
library's data), and the construct's own contract (a reservation is required; a copy count of at least 1
at creation; copy autoscaling min ≤ max with targets > 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_s3 as s3
from hypothesis import given, settings
from hypothesis import strategies as st
from prop_harness import Run, Verdict, building, only, verdict
from prop_model import Tok, Wrong, clean_examples, field_of, fill_tokens, plain, value
from prop_settings import examples

from cdk_sagemaker_inference import (
    ComputeRequirements,
    ContainerImage,
    CopyScaling,
    InferenceComponent,
    InferenceComponentEndpoint,
    InstanceType,
    ModelData,
)
from helpers import new_app, new_stack
from oracles import Problem, api_problems, input_shape, known

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:1"

# EC2's published figures (vCPUs, memory in MiB, GPUs) of the sampled instance types.
INSTANCES = {
    "ml.g5.xlarge": (4, 16384, 1),
    "ml.g5.12xlarge": (48, 196608, 4),
    "ml.m5.xlarge": (4, 16384, 0),
    "ml.c5.2xlarge": (8, 16384, 0),
}


@dataclass(frozen=True)
class Scaling:
    min_copies: Any
    max_copies: Any
    target: Any = 4


@dataclass(frozen=True)
class Example:
    instance_type: str
    cpu_cores: Any
    accelerators: Any
    min_memory_mb: Any
    max_memory_mb: Any = None
    copy_count: Any = 1
    scaling: Scaling | None = None
    download_timeout: Any = None
    health_timeout: Any = None
    component_name: Any = None
    environment: Any = None

    def has_tokens(self) -> bool:
        return "Tok(" in repr(self)

    def has_wrong_types(self) -> bool:
        return "Wrong(" in repr(self)


_names = st.from_regex(r"[a-zA-Z0-9](-?[a-zA-Z0-9]){0,20}", fullmatch=True)
_bad_names = st.sampled_from(("-start", "end-", "under_score", "a" * 64, "", "sp ace"))
_envs = st.sampled_from(({"OPTION_MODEL": "llama"}, {f"K{i}": "v" for i in range(16)}))
_bad_envs = st.sampled_from(({f"K{i}": "v" for i in range(17)}, {"1BAD": "v"}, {"K": "v" * 1025}))


@st.composite
def component_examples(draw: st.DrawFn) -> Example:
    with clean_examples(draw):
        instance_type = draw(st.sampled_from(sorted(INSTANCES)))
        cores = draw(field_of(st.none() | st.sampled_from((0.25, 0.5, 1, 2, 4)),
                              st.sampled_from((0.1, 0, -1, 8, 48, 64)), st.just(Tok("Number")),
                              st.sampled_from((math.nan, math.inf)), st.sampled_from((Wrong("2"), Wrong(True))),
                              weight=16))
        accelerators = draw(field_of(st.none() | st.just(1), st.sampled_from((0, 2, 4, 5, 0.5)),
                                     st.just(Tok("Number")), st.just(Wrong("1")), weight=16))
        memory = draw(field_of(st.sampled_from((128, 1024, 4096, 8192)),
                               st.sampled_from((127, 0, 16384, 16385, 196608, 200000, 2**40)),
                               st.just(Tok("Number")), st.sampled_from((None, Wrong(1024.5), Wrong("1024"))),
                               weight=16))
        maximum = draw(field_of(st.none() | st.just(16384), st.sampled_from((127, 2**40)), st.just(Wrong(2.5)),
                                weight=16))
        copies = draw(field_of(st.integers(1, 4), st.sampled_from((0, -1, 2**40)), st.just(Tok("Number")),
                               st.sampled_from((Wrong(1.5), Wrong(True))), weight=16))
        scaling = draw(field_of(
            st.none() | st.builds(Scaling, st.integers(0, 2), st.integers(2, 6)),
            st.builds(Scaling, st.integers(0, 6), st.integers(-1, 3), st.sampled_from((4, 0, -1.0, math.nan))),
            st.builds(Scaling, st.just(Wrong("1")), st.integers(1, 3)),
            weight=16))
        download = draw(field_of(st.none() | st.sampled_from((60, 600, 3600)), st.sampled_from((59, 3601, 0)),
                                 st.just(Wrong(600)), weight=16))
        health = draw(field_of(st.none() | st.sampled_from((60, 900)), st.sampled_from((30, 7200)), weight=16))
        name = draw(field_of(st.none() | _names, st.just("a" * 63), _bad_names, st.just(Tok()), st.just(Wrong(5)),
                             weight=16))
        environment = draw(field_of(st.none() | _envs, _bad_envs, weight=16))
        return Example(instance_type=instance_type, cpu_cores=cores, accelerators=accelerators, min_memory_mb=memory,
                       max_memory_mb=maximum, copy_count=copies, scaling=scaling, download_timeout=download,
                       health_timeout=health, component_name=name, environment=environment)


# --------------------------------------------------------------------------- building


def _seconds(given: Any) -> Any:
    return given if given is None or isinstance(given, Wrong) else Duration.seconds(given)


def build(example: Example, *, without_construct: bool = False) -> tuple[Any, Any]:
    app = new_app()
    stack = new_stack(app)
    fleet = InferenceComponentEndpoint(stack, "Fleet", instance_type=InstanceType.of(example.instance_type))
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    scaling = None
    if example.scaling is not None:
        scaling = CopyScaling(min_copies=plain(example.scaling.min_copies),
                              max_copies=plain(example.scaling.max_copies),
                              target_concurrent_requests_per_copy=plain(example.scaling.target))
    props = dict(  # every value (token parameters included) made before the construct under test
        endpoint=fleet, image=ContainerImage.from_uri(IMAGE),
        model_data=ModelData.from_bucket(bucket, "llm/model.tar.gz"), environment=plain(example.environment),
        compute=ComputeRequirements(
            cpu_cores=value(stack, plain(example.cpu_cores)),
            accelerator_devices=value(stack, plain(example.accelerators)),
            min_memory_mb=value(stack, plain(example.min_memory_mb)),
            max_memory_mb=plain(example.max_memory_mb)),
        copy_count=value(stack, plain(example.copy_count)), copy_scaling=scaling,
        model_data_download_timeout=plain(_seconds(example.download_timeout)),
        container_startup_health_check_timeout=_seconds(example.health_timeout),
        component_name=value(stack, plain(example.component_name)))
    building(app, stack)
    if without_construct:
        return app, stack
    InferenceComponent(stack, "Component", **props)
    return app, stack


# --------------------------------------------------------------------------- the oracle


def expected_request(example: Example) -> dict[str, Any]:
    """What SageMaker should be asked for (from the API reference, not from the library)."""
    compute = {key: given for key, given in (
        ("NumberOfCpuCoresRequired", example.cpu_cores), ("NumberOfAcceleratorDevicesRequired", example.accelerators),
        ("MinMemoryRequiredInMb", example.min_memory_mb), ("MaxMemoryRequiredInMb", example.max_memory_mb))
        if given is not None}
    startup = {key: given for key, given in (
        ("ModelDataDownloadTimeoutInSeconds", example.download_timeout),
        ("ContainerStartupHealthCheckTimeoutInSeconds", example.health_timeout)) if given is not None}
    container: dict[str, Any] = {"Image": IMAGE, "ArtifactUrl": "s3://my-models/llm/model.tar.gz"}
    if example.environment:
        container["Environment"] = example.environment
    specification: dict[str, Any] = {"Container": container, "ComputeResourceRequirements": compute}
    if startup:
        specification["StartupParameters"] = startup
    name = "ic-component" if example.component_name is None else example.component_name  # '' is a name given
    request = {"InferenceComponentName": name, "EndpointName": "e-endpoint",
               "VariantName": "AllTraffic", "Specification": specification,
               "RuntimeConfig": {"CopyCount": example.copy_count}}
    return fill_tokens(request, input_shape("CreateInferenceComponent"))  # type: ignore[no-any-return]


def _number(given: Any, *, integer: bool) -> bool:
    kinds = (int,) if integer else (int, float)
    return isinstance(given, kinds) and not isinstance(given, bool) and (integer or math.isfinite(given))


def contract_rules(example: Example) -> list[Problem]:
    """Python types (the construct refuses a bool or a string where a number goes, and a non-finite float),
    the 32-bit range of the API's integers, CloudFormation's environment limit, and the construct's rules."""
    problems: list[Problem] = []

    def fail(path: str, rule: str, source: str = "construct contract") -> None:
        problems.append(Problem(path, rule, source))

    for path, number, integer in (
            ("ComputeResourceRequirements.NumberOfCpuCoresRequired", example.cpu_cores, False),
            ("ComputeResourceRequirements.NumberOfAcceleratorDevicesRequired", example.accelerators, False),
            ("ComputeResourceRequirements.MinMemoryRequiredInMb", example.min_memory_mb, True),
            ("ComputeResourceRequirements.MaxMemoryRequiredInMb", example.max_memory_mb, True),
            ("RuntimeConfig.CopyCount", example.copy_count, True),
            ("StartupParameters.ModelDataDownloadTimeoutInSeconds", example.download_timeout, True)):
        if number is None or isinstance(number, Tok):
            continue
        if not _number(number, integer=integer):
            fail(path, "a finite number of the right type")
        elif integer and abs(number) >= 2**31:
            fail(path, "a 32-bit integer (botocore's integer shape)", "BC integer")
    if isinstance(example.component_name, Wrong):
        fail("InferenceComponentName", "a string")
    if example.min_memory_mb is None:
        fail("ComputeResourceRequirements.MinMemoryRequiredInMb", "required", "BC required member")
    if _number(example.copy_count, integer=True) and example.copy_count < 0:  # 0 is a warning
        fail("RuntimeConfig.CopyCount", "≥ 0 copies", "BC InferenceComponentCopyCount min 0")
    if example.environment is not None and len(example.environment) > 16:
        fail("Specification.Container.Environment", "≤ 16 variables", "CFN EnvironmentMap maxProperties")
    problems += fit_rules(example.instance_type, example.cpu_cores, example.accelerators, example.min_memory_mb)
    problems += scaling_rules(example.scaling)
    return problems


def fit_rules(instance_type: str, cores: Any, accelerators: Any, memory: Any) -> list[Problem]:
    """One copy runs on one instance: it cannot reserve more than one instance has (EC2's figures)."""
    vcpus, mib, gpus = INSTANCES[instance_type]
    problems = []
    for path, asked, have in (("NumberOfCpuCoresRequired", cores, vcpus),
                              ("NumberOfAcceleratorDevicesRequired", accelerators, gpus),
                              ("MinMemoryRequiredInMb", memory, mib)):
        if _number(asked, integer=False) and known(asked) and asked > have:
            problems.append(Problem(f"ComputeResourceRequirements.{path}", f"≤ {have} on {instance_type}",
                                    "fit on one instance"))
    return problems


def scaling_rules(scaling: Scaling | None) -> list[Problem]:
    if scaling is None:
        return []
    problems = []
    low, high, target = plain(scaling.min_copies), plain(scaling.max_copies), scaling.target
    if not _number(low, integer=True) or low < 0:
        problems.append(Problem("CopyScaling.MinCapacity", "a whole number ≥ 0", "construct contract"))
    if not _number(high, integer=True) or high < 1:
        problems.append(Problem("CopyScaling.MaxCapacity", "a whole number ≥ 1", "construct contract"))
    elif _number(low, integer=True) and low > high:
        problems.append(Problem("CopyScaling.MinCapacity", "min ≤ max", "Application Auto Scaling"))
    if not _number(target, integer=False) or target <= 0:
        problems.append(Problem("CopyScaling.TargetValue", "a finite target > 0", "construct contract"))
    return problems


_PROPS = (("CopyScaling", {"copy_scaling"}), ("NumberOfCpuCoresRequired", {"compute", "cpu_cores"}),
          ("NumberOfAcceleratorDevicesRequired", {"compute", "accelerator_devices"}),
          ("MinMemoryRequiredInMb", {"compute", "min_memory_mb"}), ("MaxMemoryRequiredInMb", {"compute", "max_memory_mb"}),
          ("CopyCount", {"copy_count"}), ("ModelDataDownloadTimeoutInSeconds", {"model_data_download_timeout"}),
          ("ContainerStartupHealthCheckTimeoutInSeconds", {"container_startup_health_check_timeout"}),
          ("InferenceComponentName", {"component_name"}), ("Environment", {"environment"}))


def props_of(problem: Problem) -> set[str]:
    return next((props for key, props in _PROPS if key in problem.path), {"compute"})


def oracle(example: Example) -> Verdict:
    problems = contract_rules(example)
    # botocore cannot take a Python value of the wrong type or a non-finite float: those the contract flags.
    flagged = {p.path.rsplit(".", 1)[-1] for p in problems}
    request = expected_request(_api_view(example))
    problems += [p for p in api_problems("CreateInferenceComponent", request)
                 if p.path.rsplit(".", 1)[-1] not in flagged]
    return verdict(problems, props_of)


def _api_view(example: Example) -> Example:
    """The example as the API would see it: values of a wrong type dropped (the contract reports them)."""
    def keep(given: Any, *, integer: bool) -> Any:
        return given if given is None or isinstance(given, Tok) or _number(given, integer=integer) else None
    return Example(
        instance_type=example.instance_type, cpu_cores=keep(example.cpu_cores, integer=False),
        accelerators=keep(example.accelerators, integer=False),
        min_memory_mb=keep(example.min_memory_mb, integer=True), max_memory_mb=keep(example.max_memory_mb, integer=True),
        copy_count=keep(example.copy_count, integer=True) if example.copy_count is not None else 1,
        download_timeout=keep(example.download_timeout, integer=True), health_timeout=example.health_timeout,
        component_name=example.component_name if not isinstance(example.component_name, Wrong) else None,
        environment=example.environment)


def template_rules(requests: list[Any]) -> list[Problem]:
    """The fit again, on what the template really asks for (the endpoint config's instance type)."""
    problems: list[Problem] = []
    types = [variant.get("InstanceType") for request in only(requests, "CreateEndpointConfig")
             for variant in request.params.get("ProductionVariants", [])]
    for request in only(requests, "CreateInferenceComponent"):
        compute = request.params.get("Specification", {}).get("ComputeResourceRequirements", {})
        for instance_type in types:
            problems += fit_rules(instance_type, compute.get("NumberOfCpuCoresRequired"),
                                  compute.get("NumberOfAcceleratorDevicesRequired"),
                                  compute.get("MinMemoryRequiredInMb"))
        if request.params.get("RuntimeConfig", {}).get("CopyCount", 1) < 0:
            problems.append(Problem("RuntimeConfig.CopyCount", "≥ 0 copies"))
    return problems


# --------------------------------------------------------------------------- the property


def test_inference_component_refuses_cleanly_or_synthesizes_what_sagemaker_accepts(property_report: Path) -> None:
    run = Run("InferenceComponent", property_report)

    @settings(max_examples=examples("InferenceComponent"))
    @given(component_examples())
    def check(example: Example) -> None:
        run.check(repr(example), oracle(example), partial(build, example), template_rules,
                  has_tokens=example.has_tokens(), has_wrong_types=example.has_wrong_types())

    check()
    run.finish()


def test_the_oracles_instance_figures_match_the_package_data() -> None:
    """The oracle's EC2 figures are written here; the library's come from its generated data. They agree."""
    from cdk_sagemaker_inference.instance_types import resources_of

    for name, (vcpus, mib, gpus) in INSTANCES.items():
        resources = resources_of(name)
        assert resources is not None and (resources.vcpu, resources.memory_mib, resources.accelerators) == (
            vcpus, mib, gpus), name


def test_known_good_and_bad_examples(property_report: Path) -> None:
    """The harness itself: a plain component is accepted; two GPUs on ml.g5.xlarge are refused by both."""
    good = Example(instance_type="ml.g5.xlarge", cpu_cores=2, accelerators=1, min_memory_mb=8192)
    bad = Example(instance_type="ml.g5.xlarge", cpu_cores=2, accelerators=2, min_memory_mb=8192)
    assert oracle(good).accepts, str(oracle(good))
    assert not oracle(bad).accepts
    run = Run("InferenceComponent-smoke", property_report / "smoke")
    assert run.check(repr(good), oracle(good), partial(build, good), template_rules) == "accepted"
    assert run.check(repr(bad), oracle(bad), partial(build, bad), template_rules) == "rejected"
    run._pending.clear()
    assert run.false_refusals == [] and run.unnamed == [] and run.template_problems == []


def test_each_reservation_alone_agrees_with_the_fit_oracle(property_report: Path) -> None:
    """One compute field at a time over every sampled type (a grid, not a draw): with the other fields valid,
    a refusal cannot hide behind another field's problem, so a dropped fit rule shows as a false acceptance."""
    run = Run("InferenceComponent-fit", property_report / "fit")
    base = {"cpu_cores": 1, "accelerators": None, "min_memory_mb": 1024}
    grid = {"cpu_cores": (0.25, 4, 4.5, 8, 48, 49), "accelerators": (1, 2, 4, 5),
            "min_memory_mb": (128, 16384, 16385, 196608, 196609)}
    for instance_type in INSTANCES:
        for field, values in grid.items():
            for asked in values:
                example = Example(instance_type=instance_type, **{**base, field: asked})
                run.check(repr(example), oracle(example), partial(build, example), template_rules)
    run.finish()
