"""ServerlessEndpoint under generated props: a clean ValidationError or a template SageMaker accepts."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from prop_harness import Run, Verdict, building, models_by_name, only, verdict
from prop_model import (
    Model,
    Tok,
    Wrong,
    clean_examples,
    cpu_images,
    field_of,
    fill_tokens,
    model_props,
    models,
    plain,
    value,
)
from prop_settings import examples

from cdk_sagemaker_inference import ProvisionedConcurrencyScaling, ServerlessEndpoint
from helpers import new_app, new_stack
from oracles import (
    Problem,
    api_problems,
    autoscaling_rules,
    input_shape,
    known,
    model_rules,
    serverless_rules,
)

TIERS = (1024, 2048, 3072, 4096, 5120, 6144)


@dataclass(frozen=True)
class Scaling:
    min_capacity: Any
    max_capacity: Any
    target_utilization: Any = 0.7


@dataclass(frozen=True)
class Example:
    model: Any
    memory_size_mb: Any
    max_concurrency: Any
    provisioned_concurrency: Any = None
    scaling: Scaling | None = None
    endpoint_name: Any = None
    variant_name: Any = "AllTraffic"

    def has_tokens(self) -> bool:
        return any(isinstance(v, Tok) for v in (self.memory_size_mb, self.max_concurrency,
                                                self.provisioned_concurrency, self.endpoint_name))

    def has_wrong_types(self) -> bool:
        return "Wrong(" in repr(self)


_names = st.from_regex(r"[a-zA-Z0-9](-?[a-zA-Z0-9]){0,20}", fullmatch=True)
_bad_names = st.sampled_from(("-start", "end-", "under_score", "a" * 64, "", "sp ace"))
_integers = st.integers


@st.composite
def serverless_examples(draw: st.DrawFn) -> Example:
    with clean_examples(draw):
        model = draw(field_of(models(cpu_images), models(), st.sampled_from((Wrong("my-model"), None)), weight=5))
        memory = draw(field_of(st.sampled_from(TIERS), st.sampled_from((1023, 1025, 1500, 6145, 0, 8192, 512)),
                               st.just(Tok("Number")), st.sampled_from((Wrong("2048"), Wrong(2048.0), None)), weight=6))
        maximum = draw(field_of(_integers(1, 200), st.sampled_from((1, 200)), st.sampled_from((0, 201, -1)),
                                st.just(2**40),
                                st.just(Tok("Number")), st.sampled_from((Wrong(2.5), Wrong("10"), Wrong(True), None)),
                                weight=6))
        provisioned = draw(field_of(st.none() | _integers(1, 20), st.sampled_from((1, 200, 0, 201)),
                                    st.just(Tok("Number")), st.just(Wrong(1.5)), weight=5))
        scaling = draw(field_of(
            st.none(),
            st.builds(Scaling, _integers(0, 25), _integers(0, 210),
                      st.sampled_from((0.7, 0.5, 1.0, 0.01, 0.0, 1.01, 1.5, -0.1, Wrong("0.7")))),
            st.builds(Scaling, _integers(1, 5), _integers(5, 10), st.sampled_from((math.nan, math.inf))),
            st.builds(Scaling, st.just(Wrong("1")), _integers(1, 5)),
            weight=6))
        name = draw(field_of(st.none() | _names, st.just("a" * 63), _bad_names, st.just(Tok()), st.just(Wrong(5)),
                             weight=6))
        variant = draw(field_of(st.just("AllTraffic") | _names, _bad_names, st.sampled_from((Wrong(7), None)),
                                weight=8))
        return Example(model=model, memory_size_mb=memory, max_concurrency=maximum, provisioned_concurrency=provisioned,
                       scaling=scaling, endpoint_name=name, variant_name=variant)


# --------------------------------------------------------------------------- building


def build(example: Example, *, without_construct: bool = False) -> tuple[Any, Any]:
    app = new_app()
    stack = new_stack(app)
    model = example.model.build(stack) if isinstance(example.model, Model) else plain(example.model)
    scaling = None
    if example.scaling is not None:
        scaling = ProvisionedConcurrencyScaling(
            min_capacity=plain(example.scaling.min_capacity), max_capacity=plain(example.scaling.max_capacity),
            target_utilization=plain(example.scaling.target_utilization))
    kwargs: dict[str, Any] = {
        "model": model,
        "memory_size_mb": value(stack, plain(example.memory_size_mb)),
        "max_concurrency": value(stack, plain(example.max_concurrency)),
        "provisioned_concurrency": value(stack, plain(example.provisioned_concurrency)),
        "provisioned_concurrency_scaling": scaling,
        "endpoint_name": value(stack, plain(example.endpoint_name)),
        "variant_name": plain(example.variant_name),
    }
    building(app, stack)
    if without_construct:
        return app, stack
    ServerlessEndpoint(stack, "Endpoint", **kwargs)
    return app, stack


# --------------------------------------------------------------------------- the oracle


def expected_requests(example: Example) -> dict[str, dict[str, Any]]:
    """What SageMaker should be asked for (from the API reference, not from the library)."""
    serverless: dict[str, Any] = {"MemorySizeInMB": example.memory_size_mb,
                                  "MaxConcurrency": example.max_concurrency}
    if example.provisioned_concurrency is not None:
        serverless["ProvisionedConcurrency"] = example.provisioned_concurrency
    serverless = {k: v for k, v in serverless.items() if v is not None}
    variant: dict[str, Any] = {"ModelName": "m-model", "ServerlessConfig": serverless}
    if example.variant_name is not None:
        variant["VariantName"] = example.variant_name
    requests = {
        "CreateEndpointConfig": {"EndpointConfigName": "c-config", "ProductionVariants": [variant]},
        "CreateEndpoint": {"EndpointName": "e-endpoint" if example.endpoint_name is None
                           else example.endpoint_name, "EndpointConfigName": "c-config"},
    }
    if isinstance(example.model, Model):
        requests["CreateModel"] = example.model.request()
    return {operation: fill_tokens(params, input_shape(operation)) for operation, params in requests.items()}


def props_of(problem: Problem) -> set[str]:
    path = problem.path
    for key, props in (("ProvisionedConcurrencyScaling", {"provisioned_concurrency_scaling"}),
                       ("MemorySizeInMB", {"memory_size_mb"}), ("MaxConcurrency", {"max_concurrency"}),
                       ("ProvisionedConcurrency", {"provisioned_concurrency"}),
                       ("VariantName", {"variant_name"}), ("EndpointName", {"endpoint_name"}),
                       ("model", {"model"})):
        if key in path:
            return props
    if problem.source.startswith("BC CreateModel") or path.startswith(("PrimaryContainer", "Containers", "Vpc",
                                                                        "EnableNetwork", "Environment")):
        return model_props(path) | {"model"}
    return {"model"}


def oracle(example: Example) -> Verdict:
    problems: list[Problem] = []
    if not isinstance(example.model, Model):
        problems.append(Problem("model", "a model (InferenceModel) is required", "construct contract"))
    requests = expected_requests(example)
    for operation, params in requests.items():
        problems += api_problems(operation, params)
    models = {}
    if "CreateModel" in requests:
        models = {"m-model": requests["CreateModel"]}
        problems += model_rules(requests["CreateModel"])
    facts = {"m-model": example.model.facts()} if isinstance(example.model, Model) else {}
    problems += serverless_rules(requests["CreateEndpointConfig"], models, facts)
    problems += scaling_rules(example)
    return verdict(problems, props_of)


def scaling_rules(example: Example) -> list[Problem]:
    """Provisioned-concurrency autoscaling: 1 ≤ min ≤ max ≤ max concurrency; the construct's contract:
    it needs provisioned_concurrency, and target_utilization is a fraction (0.01–1)."""
    scaling = example.scaling
    if scaling is None:
        return []
    path = "ProvisionedConcurrencyScaling"
    ceiling = plain(example.max_concurrency)
    ceiling = ceiling if isinstance(ceiling, int) and not isinstance(ceiling, bool) else None
    problems = autoscaling_rules(path, plain(scaling.min_capacity), plain(scaling.max_capacity), floor=1,
                                 ceiling=ceiling)
    high = plain(scaling.max_capacity)
    if isinstance(high, int) and high > 200:
        problems.append(Problem(f"{path}.MaxCapacity", "provisioned concurrency 1–200"))
    if example.provisioned_concurrency is None:
        problems.append(Problem(path, "autoscaling needs provisioned_concurrency", "construct contract"))
    target = plain(scaling.target_utilization)
    if isinstance(target, bool) or not isinstance(target, (int, float)) or not 0.01 <= target <= 1:
        problems.append(Problem(f"{path}.TargetValue", "a utilization fraction 0.01–1", "construct contract"))
    return problems


def template_rules(requests: list[Any]) -> list[Problem]:
    """The cross-field rules again, on what the template really asks for."""
    models = models_by_name(requests)
    problems: list[Problem] = []
    for request in only(requests, "CreateModel"):
        problems += model_rules(request.params)
    for request in only(requests, "CreateEndpointConfig"):
        problems += serverless_rules(request.params, models)
        variants = request.params.get("ProductionVariants", [])
        if len(variants) != 1 or "ServerlessConfig" not in variants[0]:
            problems.append(Problem("ProductionVariants", "one serverless variant"))
    return problems


# --------------------------------------------------------------------------- the property


def test_serverless_endpoint_refuses_cleanly_or_synthesizes_what_sagemaker_accepts(property_report: Path) -> None:
    run = Run("ServerlessEndpoint", property_report)

    @settings(max_examples=examples("ServerlessEndpoint"))
    @given(serverless_examples())
    def check(example: Example) -> None:
        run.check(repr(example), oracle(example), partial(build, example), template_rules,
                  has_tokens=example.has_tokens(), has_wrong_types=example.has_wrong_types())

    check()
    run.finish()


def test_known_good_example_is_accepted(property_report: Path) -> None:
    """The harness itself: a plain serverless endpoint is accepted by the oracle and the library."""
    from prop_model import CPU_IMAGES, Container, Data

    example = Example(model=Model((Container(image=CPU_IMAGES[0], data=Data("bucket")),)), memory_size_mb=2048,
                      max_concurrency=10)
    assert oracle(example).accepts, str(oracle(example))
    run = Run("ServerlessEndpoint-smoke", property_report / "smoke")
    assert run.check(repr(example), oracle(example), partial(build, example), template_rules) == "accepted"
    assert run.check("bad memory", oracle(replace(example, memory_size_mb=1500)),
                     partial(build, replace(example, memory_size_mb=1500)), template_rules) == "rejected"
    for description, template in run._pending:
        assert known(description)
        assert template["Resources"]
    run._pending.clear()
    assert run.false_refusals == [] and run.unnamed == [] and run.template_problems == []
