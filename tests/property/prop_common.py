"""Generated values shared by the endpoint property tests: names, instance types, durations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration, Stack
from hypothesis import strategies as st
from prop_model import Tok, Wrong, field_of, plain, value

from cdk_sagemaker_inference import InstanceType
from oracles import Problem, UnknownInt, api_problems, known

names = st.from_regex(r"[a-zA-Z0-9](-?[a-zA-Z0-9]){0,20}", fullmatch=True)
bad_names = st.sampled_from(("-start", "end-", "under_score", "a" * 64, "", "sp ace"))

endpoint_names = field_of(st.none() | names, st.just("a" * 63), bad_names, st.just(Tok()), st.just(Wrong(5)),
                          weight=6)
variant_names = field_of(st.just("AllTraffic") | names, bad_names, st.sampled_from((Wrong(7), None)), weight=8)

REALTIME_TYPES = ("ml.m5.large", "ml.m5.xlarge", "ml.c6i.large", "ml.g5.xlarge", "ml.g4dn.xlarge", "ml.inf2.xlarge",
                  "ml.m5d.large", "ml.r6i.large")


@dataclass(frozen=True)
class Type:
    """``InstanceType.of(name)``, or the bare string (a wrong type)."""

    name: Any
    bare: bool = False

    def build(self) -> Any:
        return plain(self.name) if self.bare else InstanceType.of(self.name)

    def api(self) -> Any:
        return Wrong(self.name) if self.bare else self.name


instance_types = field_of(
    st.sampled_from(REALTIME_TYPES).map(Type),
    st.sampled_from(("ml.t2.medium", "ml.inf1.xlarge", "ml.p4d.24xlarge")).map(Type),
    st.sampled_from(("ml.x9.huge", "m5.large", "ml.m5.large ")).map(Type),
    st.just(Type("ml.m5.large", bare=True)),
    weight=8,
)


@dataclass(frozen=True)
class Seconds:
    """A ``Duration``: ``Duration.seconds(n)``, ``Duration.millis(ms)`` or a token number of seconds."""

    amount: Any
    millis: bool = False

    def build(self, stack: Stack) -> Duration:
        if self.millis:
            return Duration.millis(self.amount)
        return Duration.seconds(value(stack, self.amount))

    def api(self) -> Any:
        """Seconds as the API gets them (a fraction of a second stays a float: not an integer)."""
        if isinstance(self.amount, Tok):
            return self.amount
        seconds = self.amount / 1000 if self.millis else self.amount
        return int(seconds) if float(seconds).is_integer() else seconds


def durations(low: int, high: int) -> st.SearchStrategy[Any]:
    """Mostly whole seconds within [low, high]; edges, outside, fractions, tokens, wrong types."""
    return field_of(
        st.none() | st.integers(low, high).map(Seconds),
        st.sampled_from((low, high)).map(Seconds),
        st.sampled_from((low - 1, high + 1, 0)).map(Seconds),
        st.sampled_from((Seconds(low * 1000 + 500, millis=True), Seconds(low * 1000, millis=True))),
        st.just(Seconds(Tok("Number"))),
        st.just(Wrong(low)),
        weight=6,
    )


def build_duration(stack: Stack, given: Any) -> Any:
    if isinstance(given, Seconds):
        return given.build(stack)
    return plain(given)


def api_duration(given: Any) -> Any:
    if isinstance(given, Seconds):
        return given.api()
    return given


def allow_unknown_type(problems: list[Problem], allowed: bool, instance_type: Any) -> list[Problem]:
    """``allow_unknown_instance_type=True`` is the user's word that an ``ml.*`` type exists: drop the
    enum problem for it (a well-formed name only)."""
    if not allowed or not isinstance(instance_type, str):
        return problems
    import re

    well_formed = re.fullmatch(r"ml\.[a-z0-9\-]+\.[a-z0-9\-]+", instance_type) is not None
    return [p for p in problems if not (well_formed and p.path.endswith("InstanceType") and "enum" in p.rule)]


def whole(value_: Any) -> bool:
    return isinstance(value_, int) and not isinstance(value_, bool)


def scalable_target_problems(low: Any, high: Any) -> list[Problem]:
    """RegisterScalableTarget's own parameter validation (Application Auto Scaling model)."""
    params = {"ServiceNamespace": "sagemaker", "ResourceId": "endpoint/e/variant/v",
              "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
              "MinCapacity": low if known(low) else UnknownInt(1), "MaxCapacity": high}
    return [Problem(f"ScalableTarget.{p.path}", p.rule, p.source)
            for p in api_problems("RegisterScalableTarget", params, service="application-autoscaling")]
