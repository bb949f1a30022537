"""The two readings of an endpoint's capacity agree, whatever the props: the constructs' own figures (the
synth-time note, ``_capacity_variants``) and the template reader (the ``cost`` command, ``capacities_of``).

One generated app per example holds a real-time endpoint (1–3 variants, fixed or autoscaled, with scheduled
capacity, an optional shadow variant, blue/green or rolling updates), an async endpoint (fixed or scaled,
to zero or not), a serverless endpoint (with or without provisioned concurrency, fixed or scaled) and an
inference-component endpoint (fixed or managed scaling). A divergence between the two readings is the class
of bug this finds: a prop that changes the template's capacity but not the note's (or the reverse).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration, Environment, Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from hypothesis import given, settings
from hypothesis import strategies as st
from prop_settings import examples

from api_baselines import model
from cdk_sagemaker_inference import (
    AsyncEndpoint,
    DeploymentGuardrails,
    InferenceComponentEndpoint,
    InstanceScaling,
    InstanceType,
    ManagedInstanceScaling,
    ProductionVariant,
    ProvisionedConcurrencyScaling,
    RealtimeEndpoint,
    ScheduledCapacity,
    ServerlessEndpoint,
)
from cdk_sagemaker_inference.assembly import read_assembly
from cdk_sagemaker_inference.constructs._cost import endpoints_of_app
from cdk_sagemaker_inference.constructs._memo import path_of
from cdk_sagemaker_inference.cost.capacity import capacities_of
from cdk_sagemaker_inference.preflight.needs import app_needs
from helpers import new_app

TYPES = ("ml.m5.large", "ml.c5.xlarge", "ml.g5.xlarge")


@dataclass(frozen=True)
class Variant:
    instance_type: str
    count: int
    scaling: tuple[int, int, int | None, int | None] | None  # min, max, scheduled min, scheduled max


@dataclass(frozen=True)
class App:
    variants: tuple[Variant, ...]
    shadow: Variant | None
    rolling: int | None
    async_scaling: tuple[int, int] | None
    provisioned: int | None
    provisioned_scaling: tuple[int, int] | None
    managed: tuple[int, int] | None


@st.composite
def variants(draw: st.DrawFn) -> Variant:
    low = draw(st.integers(1, 3))
    high = draw(st.integers(low, 6))
    scaling = draw(st.none() | st.just((low, high, draw(st.none() | st.integers(1, low)),
                                        draw(st.none() | st.integers(high, 8)))))
    return Variant(draw(st.sampled_from(TYPES)), draw(st.integers(low, high)) if scaling else draw(st.integers(1, 4)),
                   scaling)


@st.composite
def apps(draw: st.DrawFn) -> App:
    count = draw(st.integers(1, 3))
    chosen = tuple(draw(variants()) for _ in range(count))
    shadow = draw(st.none() | variants()) if count == 1 else None
    rolling = draw(st.none() | st.integers(1, 2)) if count == 1 and shadow is None else None
    if rolling is not None:  # a rolling batch is 5–50 % of the instances (DeploymentGuardrails.rolling)
        only = chosen[0]
        fleet = only.scaling[0] if only.scaling else only.count
        rolling = rolling if fleet >= 2 * rolling else None
    async_low = draw(st.integers(0, 2))
    provisioned = draw(st.none() | st.integers(1, 5))
    managed_low = draw(st.integers(0, 2))
    return App(
        variants=chosen, shadow=shadow, rolling=rolling,
        async_scaling=draw(st.none() | st.just((async_low, draw(st.integers(max(1, async_low), 5))))),
        provisioned=provisioned,
        provisioned_scaling=draw(st.none() | st.just((1, draw(st.integers(provisioned, 10))))) if provisioned else None,
        managed=draw(st.none() | st.just((managed_low, draw(st.integers(max(1, managed_low), 4))))))


def _variant(stack: Stack, variant: Variant, name: str) -> ProductionVariant:
    scaling = None
    if variant.scaling:
        low, high, scheduled_low, scheduled_high = variant.scaling
        schedules = []
        if scheduled_low is not None:
            schedules.append(ScheduledCapacity(schedule=appscaling.Schedule.cron(hour="0", minute="0"),
                                               min_capacity=scheduled_low))
        if scheduled_high is not None:
            schedules.append(ScheduledCapacity(schedule=appscaling.Schedule.cron(hour="8", minute="0"),
                                               max_capacity=scheduled_high))
        scaling = InstanceScaling(min_capacity=low, max_capacity=high, target_invocations_per_instance=100,
                                  schedules=schedules)
    return ProductionVariant(variant_name=name, model=model(stack, f"{name}Model"),
                             instance_type=InstanceType.of(variant.instance_type), instance_count=variant.count,
                             autoscaling=scaling)


def build(example: App) -> Any:
    application = new_app(**{"aws:cdk:enable-path-metadata": True})
    stack = Stack(application, "Costs", env=Environment(account="123456789012", region="us-east-1"))
    deployment = (DeploymentGuardrails.rolling(batch_instances=example.rolling, wait=Duration.minutes(1))
                  if example.rolling else None)
    RealtimeEndpoint(stack, "Realtime", variants=[_variant(stack, v, f"V{i}") for i, v in enumerate(example.variants)],
                     shadow_variant=_variant(stack, example.shadow, "Shadow") if example.shadow else None,
                     deployment=deployment)
    async_props: dict[str, Any] = {}
    if example.async_scaling:
        async_props = {"min_instances": example.async_scaling[0], "max_instances": example.async_scaling[1]}
    AsyncEndpoint(stack, "Async", model=model(stack, "AsyncModel"), instance_type=InstanceType.M5_LARGE,
                  **async_props)
    ServerlessEndpoint(stack, "Serverless", model=model(stack, "ServerlessModel"), memory_size_mb=2048,
                       max_concurrency=10, provisioned_concurrency=example.provisioned,
                       provisioned_concurrency_scaling=ProvisionedConcurrencyScaling(
                           min_capacity=example.provisioned_scaling[0], max_capacity=example.provisioned_scaling[1])
                       if example.provisioned_scaling else None)
    InferenceComponentEndpoint(stack, "Components", instance_type=InstanceType.of("ml.g5.12xlarge"), instance_count=1,
                               managed_scaling=ManagedInstanceScaling(min_instances=example.managed[0],
                                                                      max_instances=example.managed[1])
                               if example.managed else None)
    return application, stack


def _figures(variant: Any) -> tuple[Any, ...]:
    return (variant.name, variant.instance_type, variant.floor_instances, variant.ceiling_instances, variant.shadow,
            variant.memory_mb, variant.floor_provisioned, variant.ceiling_provisioned, variant.max_concurrency)


@dataclass
class Tally:
    examples: int = 0
    endpoints: int = 0


def test_the_synth_note_and_the_cost_command_read_the_same_capacity() -> None:
    tally = Tally()

    @settings(max_examples=examples("Cost"))
    @given(apps())
    def check(example: App) -> None:
        application, _stack = build(example)
        assembly = application.synth()
        from_template = {c.path: c for top in read_assembly(assembly.directory) for c in capacities_of(top)}
        endpoints = endpoints_of_app(application.node.root)
        assert len(endpoints) == 4
        for endpoint in endpoints:
            path = path_of(endpoint)
            template_side = from_template[path]
            assert [_figures(v) for v in endpoint._capacity_variants()] == [
                _figures(v) for v in template_side.variants], f"{path}: {example}"
            assert endpoint._rolling_batch() == template_side.rolling_batch, f"{path}: {example}"
            tally.endpoints += 1
        # and the quota needs the note states are the command's
        command_needs = {(n.quota_name, n.steady, n.during_update) for n in app_needs(read_assembly(assembly.directory))
                         if not n.per_endpoint}
        noted = " ".join(str(m.entry.data) for s in assembly.stacks for m in s.messages)
        for name, steady, during in command_needs:
            update = f" ({during} during an update)" if during != steady else ""
            assert f"needs up to {steady} of '{name}' in 123456789012/us-east-1{update}" in noted, (name, example)
        tally.examples += 1

    check()
    assert tally.examples > 0 and tally.endpoints == 4 * tally.examples
