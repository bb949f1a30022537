"""Every prop of the public API, walked from its annotations, with values of the wrong kind.

Nothing here lists props by hand: each public construct, factory and method is called with a valid,
fully featured set of arguments (``BASELINES``), then once per argument (and per field of every
dataclass argument, and of the dataclasses inside lists) with each wrong value its annotation
implies: another Python type, NaN and ±Infinity, a whole number beyond 32 bits, a string token
where a number is needed, a ``Duration`` of a token in minutes, a dict where a dataclass is
needed. Each must end in a ``ValidationError`` naming that argument's path, raised before the
first jsii call, and the process must still synthesize afterwards. A prop added tomorrow is walked
without a change here; a public callable added without the check fails
``test_every_public_callable_checks_its_arguments``.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import inspect
import json
import math
import re
import sys
import typing
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aws_cdk import Aws, CfnParameter, Duration, Fn, Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from constructs import Construct

import cdk_sagemaker_inference as lib
import cdk_sagemaker_inference.constructs as constructs_module
from api_baselines import BASELINES, IDS
from api_baselines import model as _model
from cdk_sagemaker_inference import ValidationError
from cdk_sagemaker_inference.typecheck import (
    FRACTIONAL_DURATIONS,
    LITERAL_DURATIONS,
    METRIC_TEXT,
    TypeChecks,
    check_value,
    duration_unit,
    is_checked,
)
from helpers import new_stack, template_of

_NONE = type(None)


# ------------------------------------------------------------------------------ wrong values from a hint
def wrong_values(hint: Any, stack: Stack, field: str = "") -> Iterator[tuple[str, Any]]:
    """(label, value) pairs that do not fit ``hint`` (a prop named ``field``, or a dataclass field's path)."""
    path, field = field, field.rsplit(".", 1)[-1]  # the unit of a Duration by path, everything else by name
    origin = typing.get_origin(hint)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        members = [m for m in typing.get_args(hint) if m is not _NONE]
        yield "object", object()
        if not any(m in (int, float) for m in members):
            yield "int", 5
        if str not in members:
            yield "str", "x"
        else:
            yield from _named_text(field)
        if len(members) == 1 and members[0] is Duration:  # an optional Duration: its own wrong values too
            yield from ((label, value) for label, value in wrong_values(Duration, stack, path) if label != "int")
        return
    if origin in (list, tuple) or str(origin) == "<class 'collections.abc.Sequence'>":
        yield "str-for-list", "x"
        yield "object-item", [object()]
        return
    if str(origin) == "<class 'collections.abc.Mapping'>":
        yield "list-for-dict", ["x"]
        yield "object-value", {"K": object()}
        yield "token-key", {Fn.import_value("EdgeKey"): "x"}  # a template map's keys are literal strings
        return
    if hint is bool:
        yield from (("int", 1), ("str", "yes"))
    elif hint is int:
        yield from (("float", 1.5), ("nan", math.nan), ("inf", math.inf), ("int64", 2**40),
                    ("-int64", -(2**40)), ("bool", True), ("str", "1"), ("str-token", Fn.import_value("Edge")))
        if field == "evaluation_periods":  # 10,081 periods of a minute or more: beyond CloudWatch's 7 days
            yield "beyond-the-alarm-window", 10_081
    elif hint is float:
        yield from (("nan", math.nan), ("inf", math.inf), ("-inf", -math.inf), ("str", "1.0"),
                    ("str-token", Fn.import_value("Edge")), ("bool", False))
    elif hint is str:
        yield from (("int", 5), ("list", ["x"]), ("bytes", b"x"))
        yield from _named_text(field)
    elif hint is Duration:
        unit = duration_unit(path)
        token = CfnParameter(stack, f"Minutes{next(IDS)}", type="Number").value_as_number
        yield "int", 300
        if unit != "minutes":
            yield "minutes-token", Duration.minutes(token)
        if field in LITERAL_DURATIONS:  # converted at synth: no token at all
            yield from (("millis-token", Duration.millis(token)), ("seconds-token", Duration.seconds(token)))
        elif FRACTIONAL_DURATIONS.get(field) == "milliseconds":  # a token in seconds cannot be converted
            yield "seconds-token", Duration.seconds(token)
        elif unit == "milliseconds":  # an integer number of milliseconds in the template
            yield "fraction-of-a-milli", Duration.millis(1.5)
        elif field not in FRACTIONAL_DURATIONS:  # an integer number of seconds (or days) in the template
            yield "millis", Duration.millis(1500)
        if field not in FRACTIONAL_DURATIONS:  # the template's integer is 32-bit, in the field's own unit
            yield "beyond-int32", Duration.days(3_000_000_000 if unit == "days" else 30_000)
        if field == "period":  # a metric's period: 1, 5, 10, 30 s or a multiple of 60 (aws-cdk-lib's Metric)
            yield "seven-seconds", Duration.seconds(7)
    elif hint is datetime.datetime:
        yield from (("naive", datetime.datetime(2030, 1, 1, 8)), ("str", "2030-01-01T08:00:00Z"))
    elif isinstance(hint, type) and issubclass(hint, enum.Enum):
        yield "enum-value", next(iter(hint)).value
    elif dataclasses.is_dataclass(hint):
        yield "dict", {}
    elif isinstance(hint, type):
        yield from (("str", "arn:aws:s3:::x"), ("object", object()))


def _named_text(field: str) -> Iterator[tuple[str, Any]]:
    """Wrong strings for the props whose name says what they hold (metric text, a child's id, a variant)."""
    if field in METRIC_TEXT or field in ("construct_id", "variant_name"):
        yield "empty", ""
    if field == "construct_id":  # ids make logical ids and paths at synth: aws-cdk-lib fails the synth on a token
        yield "token", Fn.import_value("EdgeId")
    if field == "statistic":
        yield from (("unparseable", "Foo"), ("p101", "p101"))
    elif field == "metric_name":
        yield "too-long", "M" * 256
    elif field == "namespace":
        yield "colon-first", ":SageMaker"
    if field.endswith(("_name", "_name_prefix", "hostname")) and field not in _NAMES_OUT_OF_REACH:
        # A name whose literal text no token can fix, hidden in an opaque Fn::Join (asked of the stack).
        yield "joined-underscore", Fn.join("", ["bad_", Aws.STACK_NAME])


_NAMES_OUT_OF_REACH = {
    **{name: "a metric's text, checked by name (METRIC_TEXT)" for name in METRIC_TEXT},
    "repository_name": "an ECR repository name may hold '_'",
    "group_name": "given to a factory without a scope, so an opaque token cannot be asked of a stack; the "
                  "model checks the package's ARN, whose row (an ARN pattern) gets the literal-start check only",
}
"""Name props the joined-token case does not apply to, with the reason."""


def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    target = function.__init__ if inspect.isclass(function) else function  # type: ignore[misc]
    return typing.get_type_hints(inspect.unwrap(target))


@dataclasses.dataclass
class Case:
    field: str
    label: str
    kwargs: dict[str, Any]


def cases(function: Callable[..., Any], kwargs: dict[str, Any], stack: Stack) -> Iterator[Case]:
    """One wrong value at a time, for each argument and each field of its dataclasses."""
    hints = _hints(function) if getattr(function, "__name__", "") != "<lambda>" else {}
    for name, given in kwargs.items():
        hint = hints.get(name, type(given) if not isinstance(given, (list, dict)) else None)
        if hint is None:
            continue
        for label, wrong in wrong_values(hint, stack, name):
            yield Case(name, label, {**kwargs, name: wrong})
        for path, mutated in _dataclass_mutations(name, given, stack):
            yield Case(path[0], path[1], {**kwargs, name: mutated})


def _dataclass_mutations(field: str, value: Any, stack: Stack,
                         depth: int = 0) -> Iterator[tuple[tuple[str, str], Any]]:
    """((field path, label), new value) for every field of a dataclass value (and of list items)."""
    if depth > 3:
        return
    if isinstance(value, list) and value:
        for (path, mutated) in _dataclass_mutations(f"{field}[0]", value[0], stack, depth + 1):
            yield path, [mutated, *value[1:]]
        return
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return
    hints = typing.get_type_hints(type(value))
    for item in dataclasses.fields(value):
        current = getattr(value, item.name)
        for label, wrong in wrong_values(hints[item.name], stack, f"{field}.{item.name}"):
            yield (f"{field}.{item.name}", label), dataclasses.replace(value, **{item.name: wrong})
        for path, mutated in _dataclass_mutations(f"{field}.{item.name}", current, stack, depth + 1):
            yield path, dataclasses.replace(value, **{item.name: mutated})


def _call(function: Callable[..., Any], kwargs: dict[str, Any], stack: Stack) -> Any:
    if inspect.isclass(function):
        return function(stack, f"Edge{next(IDS)}", **kwargs)
    return function(**kwargs)


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_every_wrong_value_is_a_validation_error_naming_its_field(name: str) -> None:
    stack = new_stack()
    function, kwargs = BASELINES[name](stack)
    _call(function, kwargs, stack)  # the baseline itself is valid
    walked = 0
    failures: list[str] = []
    for case in cases(function, kwargs, stack):
        walked += 1
        try:
            _call(function, case.kwargs, stack)
        except ValidationError as error:
            if not any(f == case.field or f.startswith((f"{case.field}.", f"{case.field}[")) for f in error.fields):
                failures.append(f"{case.field} ({case.label}): the error names {error.fields}")
            continue
        except Exception as error:
            failures.append(f"{case.field} ({case.label}): {type(error).__name__}: {str(error)[:200]}")
            continue
        failures.append(f"{case.field} ({case.label}): accepted")
    assert walked > 0
    assert failures == [], f"{name}: {len(failures)} of {walked} wrong values not refused cleanly:\n" + "\n".join(
        failures[:40])
    # The process is still healthy: a fresh valid stack synthesizes (NaN used to break the jsii pipe).
    fresh = new_stack()
    function, kwargs = BASELINES["ServerlessEndpoint"](fresh)
    _call(function, kwargs, fresh)
    template_of(fresh).resource_count_is("AWS::SageMaker::Endpoint", 1)


def _public_callables() -> Iterator[tuple[str, Callable[..., Any]]]:
    for name in constructs_module.__all__:
        owner = getattr(constructs_module, name)
        if not inspect.isclass(owner) or issubclass(owner, enum.Enum) or (dataclasses.is_dataclass(owner) and not [
                m for m in vars(owner) if isinstance(vars(owner)[m], staticmethod)]):
            continue
        for attribute, value in vars(owner).items():
            function = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
            if not inspect.isfunction(function) or (attribute.startswith("_") and attribute != "__init__"):
                continue
            if attribute == "__init__" and dataclasses.is_dataclass(owner):
                continue  # generated; every construct checks its dataclass props field by field (walked above)
            parameters = [p for p in inspect.signature(function).parameters if p not in ("self", "cls")]
            if parameters:
                yield f"{name}.{attribute}", function


# Public callables that take only values the type checks cannot get wrong, with the reason.
_NOT_CHECKED = {
    "ContainerImage.__init__": "the base of the factories; users call the factories",
    "ContainerImage.bind": "called by InferenceModel with its own scope and role",
    "ModelData.__init__": "the base of the factories; users call the factories",
    "ModelData.bind": "called by InferenceModel with its own scope and role",
    "ModelPackage.__init__": "the base of the factories; users call the factories",
    "ModelPackage.bind": "called by InferenceModel with its own scope and role",
    "DataCapture.problems": "called by the endpoints, which check the DataCapture first",
    "DataCapture.bind": "called by the endpoints after validation",
    "EndpointBase.__init__": "the base class; its subclasses check their props",
    "IEndpoint.grant_invoke": "a Protocol",
    "IEndpoint.metric": "a Protocol",
    "IEndpoint.__init__": "a Protocol",
    "IInferenceComponent.grant_invoke": "a Protocol",
    "IInferenceComponent.metric": "a Protocol",
    "IInferenceComponent.__init__": "a Protocol",
    "AsyncS3Location.arn_for_objects": "takes no argument",
    "Recommendation.__init__": "built by Recommendation.from_context from a checked context entry",
}


def test_every_public_callable_checks_its_arguments() -> None:
    unchecked = [name for name, function in _public_callables()
                 if not is_checked(function) and name not in _NOT_CHECKED]
    assert unchecked == [], f"public callables without @checked: {unchecked}"


# Public callables the wrong-value walk does not start from, with the reason; everything else needs a
# baseline, so a new construct, factory or import is walked from the day it is added.
_NOT_WALKED = {
    **_NOT_CHECKED,
    "EndpointBase.grant_invoke": "walked as RealtimeEndpoint.grant_invoke",
    "RealtimeEndpoint.add_rollback_alarm": "takes alarms only (*alarms); its refusals are tested in test_realtime",
    "AsyncEndpoint.add_rollback_alarm": "takes alarms only (*alarms); its refusals are tested in test_async",
}
_METRIC_SHORTCUTS = "metric_"  # each passes a fixed name and an optional statistic to the walked metric()


def test_every_public_callable_has_a_wrong_value_baseline() -> None:
    missing = [name for name, _ in _public_callables()
               if name.removesuffix(".__init__") not in BASELINES and name not in _NOT_WALKED
               and not name.split(".")[-1].startswith(_METRIC_SHORTCUTS)]
    assert missing == [], f"public callables without a baseline in api_baselines.py: {missing}"


_IMPORTS_BY_NAME = sorted(name for name in BASELINES if re.fullmatch(r"\w+\.from_\w+_name", name))


def test_imports_by_name_are_found() -> None:
    assert {"Endpoint.from_endpoint_name", "InferenceComponent.from_component_name",
            "InferenceModel.from_model_name"} <= set(_IMPORTS_BY_NAME)


@pytest.mark.parametrize("name", _IMPORTS_BY_NAME)
def test_an_import_by_a_token_name_keeps_the_token_in_its_name_and_arn(name: str) -> None:
    # Found by review: lower-casing a name for its ARN also lower-cased a token's encoding, leaving
    # "${token[token.11]}" in the template. Every import by name, with a deploy-time name.
    stack = new_stack()
    function, kwargs = BASELINES[name](stack)
    field = name.split(".")[-1].removeprefix("from_")
    imported = _call(function, {**kwargs, field: Fn.import_value("SharedName")}, stack)
    handles = {attribute: json.dumps(stack.resolve(getattr(imported, attribute))) for attribute in dir(imported)
               if (attribute.endswith("_arn") or attribute == field) and isinstance(getattr(imported, attribute), str)}
    assert field in handles, f"{name}: {sorted(handles)}"
    for attribute, rendered in handles.items():
        assert "Fn::ImportValue" in rendered and "token[" not in rendered.lower(), f"{attribute}: {rendered}"


def test_lower_literals_keeps_token_encodings() -> None:
    from cdk_sagemaker_inference.tokens import lower_literals

    assert lower_literals("Ab-${Token[Name.1]}-Cd") == "ab-${Token[Name.1]}-cd"
    assert lower_literals("Plain-Name") == "plain-name"


def test_instance_type_of_refuses_a_non_string() -> None:
    with pytest.raises(ValidationError) as caught:
        lib.InstanceType.of(5)  # type: ignore[arg-type]
    assert caught.value.fields == ("name",)
    assert "InstanceType.of has 1 invalid setting" in str(caught.value)
    assert "name = 5: must be str, got int" in str(caught.value)


def test_a_misspelt_or_missing_prop_is_a_validation_error_with_the_closest_name() -> None:
    stack = new_stack()
    with pytest.raises(ValidationError) as caught:
        lib.ServerlessEndpoint(stack, "E", model=_model(stack), memory_size=2048,  # type: ignore[call-arg]
                               max_concurrency=5)
    text = str(caught.value)
    assert "memory_size = 2048: is not a prop of this construct" in text and "did you mean 'memory_size_mb'?" in text
    assert "memory_size_mb = None: is required" in text
    assert "fix: pass memory_size_mb=... (int): it has no default" in text


def _props_classes() -> list[str]:
    """Every public dataclass a user builds and passes as a prop (found, so a new one is covered)."""
    return [name for name in constructs_module.__all__
            if inspect.isclass(owner := getattr(constructs_module, name)) and dataclasses.is_dataclass(owner)
            and not issubclass(owner, enum.Enum)]


@pytest.mark.parametrize("name", _props_classes())
def test_a_props_class_reports_a_missing_or_misspelt_field_as_a_validation_error(name: str) -> None:
    """Building a props dataclass with a field missing or misspelt is a ValidationError naming the class
    and each field (with the closest field name), never Python's TypeError."""
    cls = getattr(constructs_module, name)
    fields = [f.name for f in dataclasses.fields(cls) if f.init]
    required = [f.name for f in dataclasses.fields(cls) if f.init and f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING]
    with pytest.raises(ValidationError) as raised:
        cls(not_a_field=1)
    assert raised.value.construct_type == name
    assert {p.field for p in raised.value.problems} == {"not_a_field", *required}
    assert all(p.constraint_id in ("props.type", "props.required") for p in raised.value.problems)
    with pytest.raises(ValidationError) as raised:
        cls(**{fields[0] + "s": 1})
    assert f"did you mean {fields[0]!r}?" in str(raised.value)


@pytest.mark.parametrize("name", _props_classes())
def test_a_props_class_given_values_by_position_says_so(name: str) -> None:
    """Values given by position where the props are keyword-only: one problem saying so, not 'is required'
    for props that were given (found by review: InstanceScaling(1, 3) reported both fields missing)."""
    cls = getattr(constructs_module, name)
    positional = [p for p in inspect.signature(cls).parameters.values()
                  if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    with pytest.raises(ValidationError) as raised:
        cls(*range(len(positional) + 1))
    (problem,) = raised.value.problems
    assert problem.constraint_id == "props.type" and "given by position" in problem.message


def test_a_props_subclass_from_a_module_outside_sys_modules_is_checked(tmp_path: Any) -> None:
    """A user's subclass of a props dataclass, in a module loaded without registering it in sys.modules
    (spec_from_file_location + exec_module): its fields resolve as typing.get_type_hints resolves them."""
    import importlib.util

    source = tmp_path / "team_settings.py"
    source.write_text("from dataclasses import dataclass\n"
                      "from cdk_sagemaker_inference import InstanceScaling\n"
                      "@dataclass(frozen=True, kw_only=True)\n"
                      "class TeamScaling(InstanceScaling):\n"
                      "    team: str = 'search'\n")
    spec = importlib.util.spec_from_file_location("team_settings", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert "team_settings" not in sys.modules
    stack = new_stack()
    lib.RealtimeEndpoint(stack, "E", variants=[lib.ProductionVariant(
        variant_name="A", model=_model(stack), instance_type=lib.InstanceType.M5_LARGE,
        autoscaling=module.TeamScaling(min_capacity=1, max_capacity=2, target_invocations_per_instance=10))])
    with pytest.raises(ValidationError) as raised:
        lib.RealtimeEndpoint(stack, "F", variants=[lib.ProductionVariant(
            variant_name="A", model=_model(stack, "M2"), instance_type=lib.InstanceType.M5_LARGE,
            autoscaling=module.TeamScaling(min_capacity=1, max_capacity=2, team=3))])
    assert "team" in str(raised.value)


def _scaled_endpoint(stack: Stack, cooldown: Duration) -> Any:
    return lib.RealtimeEndpoint(stack, f"E{next(IDS)}", variants=[lib.ProductionVariant(
        variant_name="A", model=_model(stack, f"M{next(IDS)}"), instance_type=lib.InstanceType.M5_LARGE,
        autoscaling=lib.InstanceScaling(min_capacity=1, max_capacity=2, target_invocations_per_instance=10,
                                        scale_in_cooldown=cooldown))])


def test_a_duration_becomes_whole_seconds_or_is_refused_with_the_field() -> None:
    """props.whole-seconds: Duration.millis(1500) as a cooldown used to escape as aws-cdk-lib's raw
    'CannotConvertedIntoWhole' (found by review in four props classes); whole seconds in any unit pass."""
    stack = new_stack()
    _scaled_endpoint(stack, Duration.minutes(2))
    template_of(stack).has_resource_properties("AWS::ApplicationAutoScaling::ScalingPolicy", {
        "TargetTrackingScalingPolicyConfiguration": {"ScaleInCooldown": 120}})
    with pytest.raises(ValidationError) as raised:
        _scaled_endpoint(stack, Duration.millis(1500))
    (problem,) = raised.value.problems
    assert problem.constraint_id == "props.whole-seconds"
    assert problem.field == "variants[0].autoscaling.scale_in_cooldown"
    assert "is not a whole number of seconds" in problem.message and "Duration.seconds(2)" in problem.fix


def test_a_millisecond_threshold_keeps_its_fraction_and_refuses_a_token_in_seconds() -> None:
    """alarm_p99_latency converts its threshold to microseconds at synth: 250 ms is fine, a token in any unit
    cannot be converted (seconds escaped as 'MustBeDurationSpecifiedDuration'; millis gave a nonsense
    threshold problem, found by review)."""
    stack = new_stack()
    endpoint = lib.RealtimeEndpoint(stack, "E", model=_model(stack), instance_type=lib.InstanceType.M5_LARGE)
    endpoint.alarm_p99_latency(threshold=Duration.millis(250))
    template_of(stack).has_resource_properties("AWS::CloudWatch::Alarm", {"Threshold": 250000})
    token = CfnParameter(stack, "Seconds", type="Number").value_as_number
    for duration in (Duration.seconds(token), Duration.millis(token)):  # scaled to microseconds at synth
        with pytest.raises(ValidationError) as raised:
            endpoint.alarm_p99_latency(threshold=duration)
        (problem,) = raised.value.problems
        assert problem.constraint_id == "props.token" and problem.field == "threshold"
        assert "which a token cannot be" in problem.message and problem.fix.startswith("pass a literal Duration")


def test_an_age_alarm_threshold_may_hold_a_fraction_of_a_second() -> None:
    """max_age becomes an alarm Threshold (a double): 1.5 s is what CloudWatch takes (review: the whole-seconds
    rule refused it)."""
    stack = new_stack()
    function, kwargs = BASELINES["AsyncEndpoint.add_oldest_request_age_alarm"](stack)
    function(**{**kwargs, "max_age": Duration.millis(1500)})
    thresholds = [r["Properties"]["Threshold"] for r in template_of(stack).to_json()["Resources"].values()
                  if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert 1.5 in thresholds


def _construct_creators() -> list[str]:
    """Every public callable of the baselines that creates a construct: the constructs and the factories
    taking ``(scope, construct_id, ...)``."""
    names = []
    for name in sorted(BASELINES):
        owner_name, _, attribute = name.partition(".")
        target = getattr(lib, owner_name, None)
        if target is None:
            continue
        if attribute:
            target = getattr(target, attribute, None)
            if target is None:
                continue
            target = inspect.unwrap(target)
            if list(inspect.signature(target).parameters)[:2] != ["scope", "construct_id"]:
                continue
        elif not (inspect.isclass(target) and issubclass(target, Construct)):
            continue
        names.append(name)
    return names


@pytest.mark.parametrize("name", _construct_creators())
def test_a_construct_in_an_odd_scope_or_with_an_odd_id_is_a_validation_error(name: str) -> None:
    """Found by review: a construct created in the App (not a Stack), in a Stage, with an id already
    taken, an empty id, or a scope/id of the wrong type failed with constructs' raw errors (or a
    TypeError) that named neither the construct nor the field."""
    from aws_cdk import Stage

    owner_name, _, attribute = name.partition(".")
    target = getattr(lib, owner_name)
    create = getattr(target, attribute) if attribute else target
    stack = new_stack()
    kwargs = BASELINES[name](stack)[1]
    create(stack, "Taken", **kwargs)  # valid
    app = stack.node.root
    other = new_stack(app, "Other")  # (a fixed endpoint name may be used once per stack)
    create(other, "Sl/ash", **BASELINES[name](other)[1])  # valid: constructs stores the id as 'Sl--ash'
    stage = Stage(app, f"Stage{next(IDS)}")
    third = new_stack(app, "Third")
    create(third, "Line\nbreak", **BASELINES[name](third)[1])  # valid: stored as 'Line--break' (found by a sweep)
    cases = [("scope", None, "A"), ("scope", "Test", "A"), ("construct_id", stack, ""),
             ("construct_id", stack, None), ("construct_id", stack, 5), ("construct_id", stack, "Taken"),
             ("construct_id", other, "Sl/ash"), ("construct_id", third, "Line\nbreak"),
             ("construct_id", stack, Fn.import_value("Id"))]
    if Construct(app, f"Probe{next(IDS)}\nId").node.id.endswith("--Id"):  # recent constructs releases (not 10.5)
        cases.append(("construct_id", third, "Line--break"))
    if name in _STACKLESS:  # an import that creates no resource: any construct may hold it
        create(app, f"InApp{next(IDS)}", **kwargs)
        create(stage, f"InStage{next(IDS)}", **kwargs)
    else:
        cases += [("scope", app, "A"), ("scope", stage, "A")]
    failures = []
    for field, scope, construct_id in cases:
        try:
            create(scope, construct_id, **kwargs)
        except ValidationError as error:
            if error.fields != (field,):  # one problem, on that field (the type check ran once)
                failures.append(f"{field} = {scope!r}/{construct_id!r}: names {error.fields}")
        except Exception as error:
            failures.append(f"{field} = {construct_id!r}: {type(error).__name__}: {str(error)[:120]}")
        else:
            failures.append(f"{field} = {construct_id!r}: accepted")
    assert failures == []


_STACKLESS = {"Endpoint.from_endpoint_arn": "an import by ARN: no resource, no stack needed"}


def test_a_misspelt_or_missing_prop_names_the_path_the_construct_would_have() -> None:
    """Review: when the arguments did not bind, the path became 'None' (it was read from keywords only)."""
    stack = new_stack()
    with pytest.raises(ValidationError) as raised:
        lib.InferenceModel(stack, "Typo", imagee=1)  # type: ignore[call-arg]
    assert raised.value.path == "Test/Typo"
    with pytest.raises(ValidationError) as raised:
        lib.Endpoint.from_endpoint_name(stack, "Imported")  # type: ignore[call-arg]
    assert raised.value.path == "Test/Imported" and raised.value.fields == ("endpoint_name",)


def test_a_schedule_time_needs_a_time_zone() -> None:
    """A naive datetime escaped as aws-cdk-lib's raw TypeError (found by review); an aware one renders."""
    stack = new_stack()

    def endpoint(start: datetime.datetime) -> Any:
        return lib.RealtimeEndpoint(stack, f"E{next(IDS)}", model=_model(stack, f"M{next(IDS)}"),
                                    instance_type=lib.InstanceType.M5_LARGE, autoscaling=lib.InstanceScaling(
                                        min_capacity=1, max_capacity=3, target_invocations_per_instance=10,
                                        schedules=[lib.ScheduledCapacity(
                                            schedule=appscaling.Schedule.cron(hour="8", minute="0"),
                                            min_capacity=2, start_time=start)]))

    endpoint(datetime.datetime(2030, 1, 1, 8, tzinfo=datetime.UTC))
    template_of(stack).has_resource_properties("AWS::ApplicationAutoScaling::ScalableTarget", {
        "ScheduledActions": [{"StartTime": "2030-01-01T08:00:00Z"}]})
    with pytest.raises(ValidationError) as raised:
        endpoint(datetime.datetime(2030, 1, 1, 8))
    (problem,) = raised.value.problems
    assert problem.field == "autoscaling.schedules[0].start_time"
    assert problem.message == "is a datetime without a time zone" and "tzinfo=datetime.UTC" in problem.fix


@pytest.mark.parametrize("period,problem", [
    (Duration.seconds(7), "props.metric-period"), (Duration.seconds(0), "props.metric-period"),
    (Duration.seconds(90), "props.metric-period"), ("token", "props.token"),
])
def test_a_metric_period_is_one_aws_cdk_lib_and_cloudwatch_take(period: Any, problem: str) -> None:
    """Found by review: a period of 7 s (or a token) escaped as aws-cdk-lib's raw "'period' must be 1, 5, 10,
    30, or a multiple of 60 seconds", and 0 s synthesized an alarm CloudWatch refuses (Period min 1)."""
    stack = new_stack()
    endpoint = lib.RealtimeEndpoint(stack, "E", model=_model(stack), instance_type=lib.InstanceType.M5_LARGE)
    for valid in (Duration.seconds(10), Duration.minutes(1), Duration.minutes(5)):
        assert endpoint.metric("Invocations", period=valid).period.to_seconds() == valid.to_seconds()
    if period == "token":
        period = Duration.seconds(CfnParameter(stack, "Period", type="Number").value_as_number)
    with pytest.raises(ValidationError) as raised:
        endpoint.metric("Invocations", period=period)
    (found,) = raised.value.problems
    assert (found.constraint_id, found.field) == (problem, "period")
    assert found.message == ("is not a metric period: 1, 5, 10 or 30 seconds, or a multiple of 60"
                             if problem == "props.metric-period" else
                             "is a Duration of a token: aws-cdk-lib checks a metric's period at synth, which a token "
                             "cannot be")


@pytest.mark.parametrize("kwargs,problem,text", [
    ({"statistic": "Foo"}, "props.metric-statistic", "statistic = 'Foo': is not a CloudWatch statistic"),
    ({"statistic": "p101"}, "props.metric-statistic", "statistic = 'p101': is not a CloudWatch statistic"),
    ({"statistic": "TM(90%:10)"}, "props.metric-statistic", "is not a CloudWatch statistic"),
    ({"statistic": ""}, "props.metric-statistic", "statistic = '': is not a CloudWatch statistic"),
    ({"metric_name": ""}, "props.metric-name", "metric_name = '': is empty"),
    ({"metric_name": "M" * 256}, "props.metric-name", "is 256 characters long: at most 255 are allowed"),
    ({"namespace": ":SageMaker"}, "props.metric-namespace", "namespace = ':SageMaker': does not match"),
    ({"variant_name": ""}, "name.endpoint", "variant_name = '': does not match"),
])
def test_a_metric_names_a_statistic_name_and_namespace_cloudwatch_takes(kwargs: dict[str, Any], problem: str,
                                                                        text: str) -> None:
    """Found by review: aws-cdk-lib's Metric renders a statistic it cannot parse ("Foo", "p101") unchanged as an
    ExtendedStatistic that CloudWatch refuses at deploy, replaces an empty one by Average without a word, and
    an empty variant name escaped as a raw RuntimeError."""
    stack = new_stack()
    endpoint = lib.RealtimeEndpoint(stack, "E", model=_model(stack), instance_type=lib.InstanceType.M5_LARGE)
    with pytest.raises(ValidationError) as raised:
        endpoint.metric(**{"metric_name": "Invocations", **kwargs})
    assert problem in [p.constraint_id for p in raised.value.problems] and text in str(raised.value), raised.value


@pytest.mark.parametrize("statistic,rendered", [
    ("Average", "Average"), ("avg", "Average"), ("n", "SampleCount"), ("p99.9", "p99.9"), ("tm90", "tm90"),
    ("TM(10%:90%)", "TM(10%:90%)"), ("pr(:300)", "PR(:300)"), ("IQM", "IQM"), ("wm(5%:)", "WM(5%:)"),
])
def test_every_statistic_form_aws_cdk_lib_parses_is_accepted(statistic: str, rendered: str) -> None:
    stack = new_stack()
    endpoint = lib.RealtimeEndpoint(stack, "E", model=_model(stack), instance_type=lib.InstanceType.M5_LARGE)
    endpoint.metric("ModelLatency", statistic=statistic).create_alarm(stack, "A", threshold=1, evaluation_periods=1)
    [alarm] = [r["Properties"] for r in template_of(stack).to_json()["Resources"].values()
               if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert rendered in (alarm.get("Statistic"), alarm.get("ExtendedStatistic")), alarm


def test_a_method_that_adds_a_child_refuses_an_empty_id() -> None:
    """Found by review: add_oldest_request_age_alarm(construct_id="") escaped as constructs' raw "Only root
    constructs may have an empty ID"; every method with a construct_id is now checked like a constructor."""
    from api_baselines import _async_endpoint

    endpoint = _async_endpoint(new_stack())
    for method in (endpoint.add_oldest_request_age_alarm, endpoint.add_invocation_failures_alarm):
        with pytest.raises(ValidationError) as raised:
            method(construct_id="")
        assert raised.value.fields == ("construct_id",) and "is empty" in str(raised.value)
    assert endpoint.add_invocation_failures_alarm(construct_id="Failures").node.id == "Failures"


def test_an_import_by_a_token_arn_may_live_outside_any_stack() -> None:
    """Recorded by the last review: Endpoint.from_endpoint_arn (stackless) with a token ARN in the App raised
    aws-cdk-lib's raw ShouldBeCreatedInStackScope; the literal-start check now has nothing to ask there."""
    from aws_cdk import App
    from aws_cdk import aws_iam as iam

    app = App()
    endpoint = lib.Endpoint.from_endpoint_arn(app, "Shared", Fn.import_value("EndpointArn"))
    stack = Stack(app, "Consumer")
    endpoint.grant_invoke(iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal()))
    policy = json.dumps(template_of(stack).to_json())
    assert "sagemaker:InvokeEndpoint" in policy and "Fn::ImportValue" in policy


def test_the_statistic_check_agrees_with_aws_cdk_libs_own_parser(tmp_path: Any) -> None:
    """`is_statistic` ports aws-cdk-lib's private parseStatistic (not exported). Oracle: the JavaScript of the
    installed aws-cdk-lib itself, run by node on thousands of generated strings: the port must agree on each."""
    import random
    import shutil
    import subprocess
    import tarfile
    from pathlib import Path

    import aws_cdk

    from cdk_sagemaker_inference.typecheck import is_statistic

    [tarball] = (Path(aws_cdk.__file__).parent / "_jsii").glob("aws-cdk-lib@*.jsii.tgz")
    (tmp_path / "private").mkdir()
    with tarfile.open(tarball) as archive:  # the parser and the Stats constants it reads, in their own layout
        for name in ("private/statistic.js", "stats.js"):
            member = archive.getmember(f"package/aws-cloudwatch/lib/{name}")
            (tmp_path / name).write_bytes(archive.extractfile(member).read())  # type: ignore[union-attr]
    (tmp_path / "parse.js").write_text(
        "const {parseStatistic} = require('./private/statistic.js');\n"
        "const inputs = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        # 'unparseable' (newer aws-cdk-lib) or 'generic' (the 2.220 floor): rendered unchanged as an ExtendedStatistic
        "console.log(JSON.stringify(inputs.map(s => !['unparseable', 'generic'].includes(parseStatistic(s).type))));\n")
    node = shutil.which("node")
    assert node is not None, "node is on the PATH the Makefile gives the tests"
    parts = ["p", "P", "tm", "TM", "wm", "tc", "TS", "pr", "PR", "iqm", "avg", "Average", "SUM", "n", "min",
             "samplecount", "(", ")", ":", "%", "10", "90", "99.9", ".", "-1", "100", "100.5", "abc", " ", "1e2",
             "inf", "Infinity", "0", "5%", "101%", "nan", "\uff10"]
    rng = random.Random(7)
    inputs = sorted({"".join(rng.choice(parts) for _ in range(rng.randint(1, 6))) for _ in range(6000)}
                    | {"Foo", "", "p101", "TM(10%:90%)", "TM(90%:10)", "PR(:300)", "TM(10abc:20)"})
    result = subprocess.run([node, "parse.js"], input=json.dumps(inputs), capture_output=True, text=True,
                            cwd=tmp_path, check=True, timeout=60)
    disagreements = [(s, js) for s, js in zip(inputs, json.loads(result.stdout), strict=True) if js != is_statistic(s)]
    assert len(inputs) > 4000 and disagreements == [], disagreements[:20]


def test_a_number_known_at_deploy_time_is_a_reference_in_an_alarms_description() -> None:
    """Found by a sweep: a threshold from a CfnParameter was printed with '{:g}', so the description read
    'more than -1.88815e+289% of invocations' (a token's encoding) instead of the parameter's value."""
    stack = new_stack()
    threshold = CfnParameter(stack, "Threshold", type="Number").value_as_number
    model = _model(stack)
    realtime = lib.RealtimeEndpoint(stack, "Rt", model=model, instance_type=lib.InstanceType.M5_LARGE,
                                    endpoint_name="orders")
    realtime.alarm_5xx_rate(threshold_percent=threshold)
    endpoint = lib.AsyncEndpoint(stack, "As", model=_model(stack, "AsyncModel"), instance_type=lib.InstanceType.M5_LARGE)
    endpoint.add_oldest_request_age_alarm(max_age=Duration.seconds(threshold))
    alarms = [r["Properties"] for r in template_of(stack).to_json()["Resources"].values()
              if r["Type"] == "AWS::CloudWatch::Alarm" and "AlarmDescription" in r["Properties"]]
    descriptions = [json.dumps(a["AlarmDescription"]) for a in alarms]
    assert len(descriptions) == 2 and all('{"Ref": "Threshold"}' in d for d in descriptions), descriptions
    assert not any("e+289" in d for d in descriptions)


def test_a_refused_construct_leaves_nothing_behind() -> None:
    """Found by a sweep: a construct refused by its checks stayed in the tree, and the endpoint name it had
    checked stayed taken, so the next construct with that name (or that id) was refused for a clash with a
    construct that does not exist."""
    stack = new_stack()
    model = _model(stack)
    with pytest.raises(ValidationError):
        lib.ServerlessEndpoint(stack, "Endpoint", model=model, memory_size_mb=1500, max_concurrency=5,
                               endpoint_name="shared")
    assert stack.node.try_find_child("Endpoint") is None
    lib.ServerlessEndpoint(stack, "Endpoint", model=model, memory_size_mb=2048, max_concurrency=5,
                           endpoint_name="shared")
    resources = template_of(stack).to_json()["Resources"].values()
    assert [r["Properties"]["EndpointName"] for r in resources if r["Type"] == "AWS::SageMaker::Endpoint"] == ["shared"]


def test_an_endpoint_refused_after_it_registered_leaves_the_cost_notes() -> None:
    """Found by review: a refusal raised once the endpoint existed (aws-cdk-lib's step-scaling intervals) left the
    endpoint in the app's cost notes and quota sums, so the next endpoint with its id was counted twice."""
    from aws_cdk import aws_applicationautoscaling as appscaling
    from aws_cdk import aws_cloudwatch as cloudwatch

    from cdk_sagemaker_inference.constructs._cost import endpoints_of_app

    stack = new_stack()
    model = _model(stack)
    metric = cloudwatch.Metric(namespace="Orders", metric_name="QueueDepth")
    bad_steps = lib.StepScaling(metric=metric, steps=[appscaling.ScalingInterval(change=1),
                                                      appscaling.ScalingInterval(change=-1)])
    with pytest.raises(ValidationError, match="aws-cdk-lib refuses the intervals"):
        lib.RealtimeEndpoint(stack, "Endpoint", model=model, instance_type=lib.InstanceType.M5_LARGE,
                             autoscaling=lib.InstanceScaling(min_capacity=1, max_capacity=2, step_scaling=bad_steps))
    lib.RealtimeEndpoint(stack, "Endpoint", model=model, instance_type=lib.InstanceType.M5_LARGE)
    assert [e.node.path for e in endpoints_of_app(stack.node.root)] == ["Test/Endpoint"]


@pytest.mark.parametrize("steps", [
    pytest.param([(None, 30, -1), (20, None, 1)], id="overlapping"),
    pytest.param([(None, None, 1), (None, None, -1)], id="unbounded"),
])
def test_an_endpoint_refused_for_its_step_intervals_leaves_the_app_as_it_was(
        steps: list[tuple[float | None, float | None, int]]) -> None:
    """Found by review: aws-cdk-lib's step-scaling interval rules refused the endpoint only once it existed, after
    the data-capture grant on its model's role, so the role kept a statement for an endpoint that is not there
    (and the field was not prefixed for a variant of ``variants=``). The rules are now asked while the props are
    checked: the app synthesizes to what it was before the call."""
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_s3 as s3

    def app(refused: bool) -> dict[str, Any]:
        stack = new_stack()
        model = _model(stack)
        bucket = s3.Bucket(stack, "Captures", enforce_ssl=True)
        if refused:
            metric = cloudwatch.Metric(namespace="Orders", metric_name="QueueDepth")
            scaling = lib.InstanceScaling(min_capacity=1, max_capacity=3, step_scaling=lib.StepScaling(
                metric=metric, steps=[appscaling.ScalingInterval(lower=low, upper=high, change=change)
                                      for low, high, change in steps]))
            with pytest.raises(ValidationError) as caught:
                lib.RealtimeEndpoint(stack, "Endpoint", variants=[lib.ProductionVariant(
                    variant_name="AllTraffic", model=model, instance_type=lib.InstanceType.M5_LARGE, autoscaling=scaling)],
                    data_capture=lib.DataCapture(bucket=bucket))
            assert caught.value.fields == ("variants[0].autoscaling.step_scaling.steps",)
            assert "aws-cdk-lib refuses the intervals" in str(caught.value)
            assert "rule autoscaling.step-intervals" in str(caught.value)
        return template_of(stack).to_json()

    assert app(refused=True) == app(refused=False)


def test_a_rollback_alarm_of_another_app_is_refused_before_anything_is_created() -> None:
    """Found by review: it was refused once the endpoint existed, after grants and cost registration."""
    from aws_cdk import aws_cloudwatch as cloudwatch

    stack = new_stack()
    elsewhere = new_stack()
    alarm = cloudwatch.Alarm(elsewhere, "Alarm", metric=cloudwatch.Metric(namespace="N", metric_name="M"),
                             threshold=1, evaluation_periods=1)
    with pytest.raises(ValidationError) as caught:
        lib.RealtimeEndpoint(stack, "Endpoint", model=_model(stack), instance_type=lib.InstanceType.M5_LARGE,
                             deployment=lib.DeploymentGuardrails.canary(percent=10, wait=Duration.minutes(5),
                                                                         rollback_alarms=[alarm]))
    assert caught.value.fields == ("deployment.rollback_alarms[0]",)
    assert "rule props.same-app" in str(caught.value) and "belongs to another App" in str(caught.value)
    assert stack.node.try_find_child("Endpoint") is None


def test_a_text_where_a_value_class_is_expected_is_told_how_to_make_one() -> None:
    """Found by review: ``instance_type="ml.m5.large"`` was told "pass InstanceType", which says what, not how.
    Every public class of the package with factories (``of``, ``from_*``) is named with them when a text (or
    another wrong value) is given where it is expected; a name given as text is shown in the call."""
    stack = new_stack()
    with pytest.raises(ValidationError) as caught:
        lib.RealtimeEndpoint(stack, "Endpoint", model=_model(stack), instance_type="ml.m5.large")
    error = caught.value
    assert "fix: pass InstanceType.of('ml.m5.large')" in str(error)
    classes = [getattr(lib, name) for name in lib.__all__ if isinstance(getattr(lib, name), type)]
    with_factories = {cls: sorted(name for name, member in vars(cls).items() if isinstance(member, (classmethod, staticmethod))
                                  and (name == "of" or name.startswith("from_"))) for cls in classes}
    with_factories = {cls: names for cls, names in with_factories.items() if names}
    assert {"InstanceType", "ContainerImage", "ModelData", "ModelPackage"} <= {c.__name__ for c in with_factories}
    for cls, names in with_factories.items():
        for given in ("text", 7):
            problems = TypeChecks()
            assert not check_value(problems, "field", given, cls)
            [problem] = problems.problems
            hint = (f"{cls.__name__}.of({given!r})" if "of" in names and isinstance(given, str)
                    else ", ".join(f"{cls.__name__}.{name}(...)" for name in names))
            assert hint in problem.fix, (cls, problem.fix)


def _lazy_number(value: float) -> Any:
    import jsii
    from aws_cdk import IStableNumberProducer, Lazy

    @jsii.implements(IStableNumberProducer)
    class Produce:
        def produce(self) -> float:
            return value

    return Lazy.number(Produce())


@pytest.mark.parametrize(("memory", "refused"), [(5000, True), (2048, False)])
def test_a_value_known_at_synth_is_checked_at_synth(memory: int, refused: bool) -> None:
    """Found by review: ``Lazy.number(...)`` is a token when the construct is created, so its checks skipped it,
    and it resolved to 5000 in the template (a memory size SageMaker refuses). A check a token skipped is made
    again at synth with the token's value; one known only at deploy time (a parameter) stays unchecked."""
    stack = new_stack()
    model = _model(stack)
    lib.ServerlessEndpoint(stack, "Endpoint", model=model, memory_size_mb=_lazy_number(memory), max_concurrency=5)
    parameter = CfnParameter(stack, "Memory", type="Number").value_as_number
    lib.ServerlessEndpoint(stack, "Deployed", model=model, memory_size_mb=parameter, max_concurrency=5)
    if not refused:
        config = [r for r in template_of(stack).to_json()["Resources"].values()
                  if r["Type"] == "AWS::SageMaker::EndpointConfig"]
        assert [c["Properties"]["ProductionVariants"][0]["ServerlessConfig"]["MemorySizeInMB"] for c in config] == [
            2048, {"Ref": "Memory"}]
        return
    with pytest.raises(RuntimeError) as caught:
        template_of(stack)
    text = str(caught.value)
    assert "[Test/Endpoint] memory_size_mb = 5000: 5000 is not allowed: must be one of 1024, 2048" in text
    assert "rule serverless.memory" in text and "(the token given for memory_size_mb resolves to 5000 at synth)" in text
    assert "Test/Deployed" not in text


def test_a_construct_given_no_token_adds_no_synth_time_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The synth-time checks cost nothing where there is nothing to check again (no validation is added)."""
    import cdk_sagemaker_inference.constructs._synth_checks as synth_checks
    from cdk_sagemaker_inference.validation.checks import DeferredValidation

    added: list[tuple[str, list[str]]] = []
    real = synth_checks.check_at_synth
    monkeypatch.setattr(synth_checks, "check_at_synth", lambda construct, deferred: (
        added.append((construct.node.path, [c.function.__name__ if isinstance(c, DeferredValidation) else c.field
                                            for c in deferred])), real(construct, deferred)))
    stack = new_stack()
    lib.ServerlessEndpoint(stack, "Endpoint", model=_model(stack), memory_size_mb=2048, max_concurrency=5)
    lib.ServerlessEndpoint(stack, "Lazy", model=_model(stack, "LazyModel"), memory_size_mb=_lazy_number(2048),
                           max_concurrency=5)
    # Its type check and its row's check, and the validator of its rules between props, all made again at synth.
    assert [(path, set(fields)) for path, fields in added] == [("Test/Lazy", {"memory_size_mb", "validate_serverless"})]


def _numbers(field: str, value: Any, depth: int = 0) -> Iterator[tuple[str, Callable[[Any], Any]]]:
    """(field path, a function putting a new number there) for every number in a prop (and its dataclasses)."""
    if isinstance(value, bool) or depth > 4:
        return
    if isinstance(value, (int, float)):
        yield field, lambda new: new
    elif isinstance(value, list) and value:
        for path, put in _numbers(f"{field}[0]", value[0], depth + 1):
            yield path, lambda new, put=put: [put(new), *value[1:]]
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            for path, put in _numbers(f"{field}.{item.name}", getattr(value, item.name), depth + 1):
                yield path, lambda new, put=put, name=item.name: dataclasses.replace(value, **{name: put(new)})


def _with_number(name: str, field: str, number: Any) -> tuple[Stack, Callable[..., Any], dict[str, Any]]:
    stack = new_stack()
    function, kwargs = BASELINES[name](stack)
    for key, given in kwargs.items():
        for path, put in _numbers(key, given):
            if path == field:
                return stack, function, {**kwargs, key: put(number)}
    raise AssertionError(field)


@pytest.mark.parametrize("name", sorted(name for name in BASELINES if inspect.isclass(BASELINES[name](new_stack())[0])))
def test_every_number_a_construct_refuses_is_refused_when_it_comes_from_a_lazy_value(name: str) -> None:
    """The walk that finds the next member of the Lazy class by itself: for every number of every construct's
    baseline (top-level props and their dataclasses), a literal the construct refuses is given as
    ``Lazy.number(...)`` instead: it must be refused when the construct is created or when the app is
    synthesized, naming the field. (Found by review: four target values and a recommender stopping condition
    were checked by code of their own that skipped tokens without recording the check for synth; then the rules
    between two props — provisioned ≤ max concurrency, min ≤ max capacity, a component's fit on its fleet — which
    the validators now make again at synth with the tokens' values.)"""
    function, kwargs = BASELINES[name](new_stack())
    fields = [path for key, given in kwargs.items() for path, _ in _numbers(key, given)]
    walked, failures = 0, []
    # Every candidate the construct refuses as a literal: out of range, a fraction, and values a rule between two
    # props refuses (3 and 100 above a maximum, a concurrency, a fleet's resources).
    for field, candidate in ((f, c) for f in fields for c in (-1, 0, 0.5, 10**7, 3, 100)):
        stack, function, given = _with_number(name, field, candidate)
        try:
            _call(function, given, stack)
            continue
        except ValidationError as error:
            if not any(f == field or f.startswith((f"{field}.", f"{field}[")) for f in error.fields):
                continue
            named = error.fields
        walked += 1
        stack, function, given = _with_number(name, field, _lazy_number(candidate))
        try:
            _call(function, given, stack)
        except ValidationError:
            continue
        try:
            template_of(stack)
        except RuntimeError as error:
            if not any(f"] {f} = " in str(error) for f in named):
                failures.append(f"{field} = Lazy({candidate}): the synth failed without naming {named}: {error}")
            continue
        failures.append(f"{field} = Lazy({candidate}): synthesized (the literal is refused naming {named})")
    assert failures == [], f"{name}: {len(failures)} of {walked}:\n" + "\n".join(failures)


def test_advice_a_validator_returns_stays_advice_when_it_runs_again_at_synth() -> None:
    """Found by the fuzz profile: a validator called again at synth (another prop was a token) returned its advice —
    an empty output prefix, a warning row (async.distinct-locations) — and the synth failed on it. Only refusals the
    tokens' values cause fail the synth; the advice stays the construct's warning."""
    from aws_cdk import aws_s3 as s3

    from helpers import warnings_of

    stack = new_stack()
    token = CfnParameter(stack, "InputPrefix", type="String").value_as_string
    lib.AsyncEndpoint(stack, "Endpoint", model=_model(stack), instance_type=lib.InstanceType.M5_LARGE,
                      bucket=s3.Bucket.from_bucket_name(stack, "Async", "my-async"), input_prefix=token,
                      output_location=lib.AsyncS3Location(
                          bucket=s3.Bucket.from_bucket_name(stack, "Results", "their-results"), prefix=""))
    template_of(stack)  # used to fail: "output_location.prefix = '': is empty ..." as a synth error
    assert any("output_location.prefix = '': is empty" in w for w in warnings_of(stack))
