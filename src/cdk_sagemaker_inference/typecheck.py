"""Every public construct, factory and method checks its arguments against its own annotations.

One place turns a wrong Python type, a non-finite or out-of-range number, a string token where a
number is needed, or a token ``Duration`` that cannot be converted into a problem of the one
:class:`~cdk_sagemaker_inference.errors.ValidationError`, **before the first jsii call**: jsii
would otherwise fail with a raw ``TypeError``, or, for ``nan``/``inf``, write JSON the node process
cannot read and leave the whole process unusable (every later call raises ``BrokenPipeError``).

The annotations are the API reference (mypy strict checks them), so the checks cannot drift from
the documented types: a prop added tomorrow is checked without new code. Dataclass props
(``ProductionVariant``, ``InstanceScaling``, …) are checked field by field with the dataclass's own
annotations, so a wrong cooldown inside ``variants[0].autoscaling`` is reported with that path.

Written by hand because no maintained library does this for jsii objects: ``typeguard`` (which
jsii bundles) raises ``TypeError`` on the first mismatch and cannot check that a proxy implements
a jsii interface, and neither it nor pydantic knows CDK tokens.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import datetime
import enum
import functools
import inspect
import math
import re
import sys
import types
import typing
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import ValidationError
from .tokens import is_unresolved
from .validation.checks import Checker, defer

if TYPE_CHECKING:
    from constructs import IConstruct

F = TypeVar("F", bound=Callable[..., Any])


def _type_name(expected: Any) -> str:
    if isinstance(expected, tuple):
        return " or ".join(_type_name(e) for e in expected)
    return getattr(expected, "__name__", str(expected))


def is_instance(value: Any, expected: Any) -> bool:
    """isinstance that also accepts jsii interfaces (a proxy of another class implementing them)."""
    if isinstance(value, bool) and expected in (int, float):
        return False
    if expected is float:
        expected = (int, float)
    names = expected if isinstance(expected, tuple) else (expected,)
    try:
        if isinstance(value, expected):
            return True
    except TypeError:  # a jsii interface (a Protocol isinstance cannot check): compare declared interfaces
        wanted = {getattr(e, "__jsii_type__", None) for e in names} - {None}
        if isinstance(value, _PLAIN_VALUES):
            return False  # a str/number/dict never implements a jsii interface (e.g. an ARN for an IKey)
        declared_all = jsii_interfaces(value)
        if not wanted:
            return True  # a typing construct that names no jsii interface
        if declared_all is None:
            return False  # a plain Python object implements no jsii interface (it would fail in the kernel)
        return bool(wanted & declared_all)
    interfaces = getattr(type(value), "__jsii_ifaces__", None) or getattr(value, "__jsii_ifaces__", None)
    if interfaces:
        wanted = {getattr(e, "__jsii_type__", None) for e in names} - {None}
        declared = {getattr(i, "__jsii_type__", None) for i in interfaces}
        return bool(wanted & declared)
    return False


_PLAIN_VALUES = (str, bytes, int, float, bool, list, tuple, dict, set, frozenset)


def jsii_interfaces(value: Any) -> set[str] | None:
    """The jsii interfaces ``value`` implements, with the interfaces they extend (None: unknown)."""
    delegates = getattr(value, "_delegates", None) if type(value).__name__ == "InterfaceDynamicProxy" else None
    found: set[str] = set()
    known = False
    for item in delegates or [value]:
        for klass in type(item).__mro__:
            own = klass.__dict__.get("__jsii_type__", None)
            if isinstance(own, str):  # a class, or the proxy class of an interface (_IKeyProxy)
                known = True
                found.add(own)
            for interface in klass.__dict__.get("__jsii_ifaces__", None) or ():
                known = True
                for base in getattr(interface, "__mro__", (interface,)):
                    name = getattr(base, "__jsii_type__", None)
                    if isinstance(name, str):
                        found.add(name)
    return found if known else None


class TypeChecks(Checker):
    """Wrong Python types become problems of the one ValidationError, never a jsii traceback."""

    def typed_number(self, constraint_id: str, field: str, value: Any, *, integer: bool) -> bool:
        """:func:`check_number` as a check method (``constraint_id`` unused: the check names its rows), so that a
        number token's check can be made again at synth."""
        return check_number(self, field, value, integer=integer)

    def optional(self, field: str, value: Any, expected: Any) -> bool:
        """``value`` is None or of type ``expected``."""
        if value is None or is_instance(value, expected):
            return True
        self.fail("props.type", field, value,
                  f"must be {_type_name(expected)}, got {type(value).__name__}",
                  f"pass a {_type_name(expected)}")
        return False

    def required(self, field: str, value: Any, expected: Any) -> bool:
        """``value`` is given and of type ``expected``."""
        if value is None:
            self.fail("props.required", field, None, "is required", f"pass a {_type_name(expected)}")
            return False
        return self.optional(field, value, expected)

    def optional_sequence(self, field: str, value: Any, expected: Any) -> bool:
        """``value`` is None or a list/tuple of ``expected``."""
        if value is None:
            return True
        if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
            self.fail("props.type", field, value, f"must be a list of {_type_name(expected)}",
                      f"pass a list, e.g. [{_type_name(expected)}(...)]")
            return False
        ok = True
        for index, item in enumerate(value):
            ok = self.optional(f"{field}[{index}]", item, expected) and ok
        return ok

    def optional_mapping(self, field: str, value: Any) -> bool:
        """``value`` is None or a mapping."""
        if value is None or isinstance(value, Mapping):
            return True
        self.fail("props.type", field, value, f"must be a dict, got {type(value).__name__}",
                  "pass a dict of names to string values")
        return False

    def conflict(self, field: str, message: str, fix: str | None = None) -> None:
        """Record props that are missing or cannot be combined (``fix``: how to; default: the message, which then
        says what to do)."""
        self.fail("props.required", field, None, message, fix or message)

    def raise_if_any(self, where: str | IConstruct, construct_type: str) -> None:
        """Raise the collected problems (if any) as one ValidationError.

        ``where`` is the construct path, or the construct itself: its path is then read (a jsii
        round trip) only when there is something to raise.
        """
        if self.problems:
            path = where if isinstance(where, str) else where.node.path
            raise ValidationError(path, construct_type, self.problems)


INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
_NONE = type(None)
_CHECKED = "__cdk_sagemaker_inference_checked__"


def check_value(types_: TypeChecks, field: str, value: Any, hint: Any) -> bool:
    """Record a problem when ``value`` does not fit ``hint``; True when it fits."""
    if hint is Any or hint is object:
        return True
    origin = typing.get_origin(hint)
    if value is None and not ((origin is typing.Union or origin is types.UnionType)
                              and _NONE in typing.get_args(hint)):
        types_.fail("props.required", field, None, "is required", f"pass {_expected(hint)}")
        return False
    if origin is typing.Union or origin is types.UnionType:
        return _check_union(types_, field, value, typing.get_args(hint))
    if origin is typing.Literal:
        if value in typing.get_args(hint):
            return True
        return _wrong(types_, field, value, " or ".join(repr(a) for a in typing.get_args(hint)))
    if origin in (collections.abc.Sequence, list, tuple, collections.abc.Iterable):
        return _check_sequence(types_, field, value, typing.get_args(hint))
    if origin in (collections.abc.Mapping, dict):
        return _check_mapping(types_, field, value, typing.get_args(hint))
    if origin is collections.abc.Callable or hint is collections.abc.Callable:
        return callable(value) or _wrong(types_, field, value, "a callable")
    if hint is _NONE:
        return value is None or _wrong(types_, field, value, "None")
    if hint is bool:
        return isinstance(value, bool) or _wrong(types_, field, value, "bool")
    if hint is int or hint is float:
        return check_number(types_, field, value, integer=hint is int)
    if hint is str:
        if not isinstance(value, str):
            return _wrong(types_, field, value, "str")
        leaf = _leaf(field)
        return leaf not in METRIC_TEXT or check_metric_text(types_, field, value, leaf)
    if not isinstance(hint, type):
        return True  # a TypeVar or a typing construct this API does not use: nothing to check
    if not is_instance(value, hint):
        return _wrong(types_, field, value, _type_name(hint), _made_by(hint, value))
    if getattr(hint, "__jsii_type__", None) == "aws-cdk-lib.Duration":
        return check_duration(types_, field, value)
    if hint is datetime.datetime and value.tzinfo is None:
        # A naive time means a different instant on every machine; aws-cdk-lib refuses it (a raw TypeError).
        types_.fail("props.type", field, value.isoformat(), "is a datetime without a time zone",
                    "pass an aware datetime, e.g. datetime.datetime(2030, 1, 1, 8, tzinfo=datetime.UTC)")
        return False
    if dataclasses.is_dataclass(hint) and not isinstance(value, enum.Enum):
        return check_dataclass(types_, field, value)
    return True


def check_number(types_: TypeChecks, field: str, value: Any, *, integer: bool) -> bool:
    """A number the template can carry: the right kind, finite, and (whole numbers) 32-bit."""
    kind = "a whole number" if integer else "a number"
    if isinstance(value, str) and is_unresolved(value):
        types_.fail("props.token", field, value,
                    f"is a string token where {kind} is needed",
                    "wrap the token with Token.as_number(...) (e.g. Token.as_number(Fn.import_value('x'))), "
                    "or pass a literal number")
        return False
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _wrong(types_, field, value, kind)
    if is_unresolved(value):
        # A number token (CfnParameter.value_as_number, Token.as_number): the template carries it. One known at synth
        # (Lazy.number) is checked then (the same check, with its value).
        defer(TypeChecks, "typed_number", "props.type", field, value, integer=integer)
        return True
    if (isinstance(value, float) and not math.isfinite(value)) or (
            not integer and isinstance(value, int) and abs(value) > sys.float_info.max):  # no double holds it
        shown = repr(value) if isinstance(value, float) else f"a {value.bit_length()}-bit integer"
        types_.fail("props.finite", field, value if isinstance(value, float) else shown, f"{shown} is not a finite number",
                    f"pass {kind} (a CloudFormation template is JSON, which has no NaN or Infinity)")
        return False
    if integer and not isinstance(value, int):
        return _wrong(types_, field, value, kind)
    if integer and not INT32_MIN <= value <= INT32_MAX:
        types_.fail("props.int32", field, value,
                    f"{value} does not fit the API's integer type ({INT32_MIN} to {INT32_MAX})",
                    "use a value in the documented range of this prop")
        return False
    return True


FRACTIONAL_DURATIONS: dict[str, str] = {"threshold": "milliseconds", "max_age": "seconds"}
"""Duration props (by field name) that may hold a fraction of their unit, with the unit aws-cdk-lib and the
API read them in: ``alarm_p99_latency(threshold=...)`` (ModelLatency, in microseconds) and an async
endpoint's ``add_oldest_request_age_alarm(max_age=...)`` (an alarm ``Threshold``, a double)."""
DURATION_UNITS: dict[str, str] = {
    "p95_latency_threshold": "milliseconds",  # ModelLatencyThreshold.ValueInMilliseconds
    "managed_scaling.scale_in_cooldown": "minutes",  # ProductionVariantManagedInstanceScaling ScaleInPolicy.CooldownInMinutes
    "input_expiration": "days", "output_expiration": "days",  # S3 LifecycleRule ExpirationInDays
}
"""Duration props that become an integer of another unit than seconds, by field name or by ``prop.field``
where a field name means different units in different props. Every Duration of this API in neither table
becomes an integer number of seconds in the template (cooldowns, metric periods, timeouts, waits). The
integer must fit the API's 32-bit integer in its own unit; whole days are the expiration rule's to check."""


LITERAL_DURATIONS = frozenset({"threshold"})
"""Duration props the library scales at synth (the p99 latency threshold becomes microseconds): a token
cannot be carried, since CloudFormation has no arithmetic."""


def duration_unit(field: str) -> str:
    """The unit the template carries the Duration prop ``field`` in (see :data:`DURATION_UNITS`)."""
    names = _names(field)
    for key in (".".join(names[-2:]), names[-1]):
        if key in FRACTIONAL_DURATIONS:
            return FRACTIONAL_DURATIONS[key]
        if key in DURATION_UNITS:
            return DURATION_UNITS[key]
    return "seconds"


def _names(field: str) -> list[str]:
    """The names of a field path: ``variants[0].autoscaling.scale_in_cooldown`` → ``variants``, ``autoscaling``,
    ``scale_in_cooldown``."""
    return re.sub(r"\[[^]]*\]", "", field).split(".")


def _leaf(field: str) -> str:
    """The last name of a field path: ``variants[0].autoscaling.scale_in_cooldown`` → ``scale_in_cooldown``."""
    return _names(field)[-1]


_AMOUNTS: weakref.WeakKeyDictionary[Any, dict[str, float]] = weakref.WeakKeyDictionary()


def duration_amount(duration: Any, unit: str) -> float:
    """``duration.to_<unit>(integral=False)``, asked of aws-cdk-lib once per Duration and unit (a Duration never
    changes; the checks and the constructs read the same one several times). Raises what aws-cdk-lib raises (a
    token in another unit: RuntimeError), remembering nothing then."""
    amounts = _AMOUNTS.get(duration)
    if amounts is None:
        amounts = _AMOUNTS[duration] = {}
    if unit not in amounts:
        amounts[unit] = getattr(duration, f"to_{unit}")(integral=False)
    return amounts[unit]


def check_duration(types_: TypeChecks, field: str, value: Any) -> bool:
    """A Duration the template can carry in the unit of its field (whole seconds for all but
    :data:`FRACTIONAL_DURATIONS`), asked of aws-cdk-lib in one call.

    * A token Duration is accepted where aws-cdk-lib can render it in that unit
      (``Duration.seconds(token)``): ``Duration.minutes(token)`` cannot be converted to seconds without
      knowing the token's value, so aws-cdk-lib would throw from deep inside a later call. The props of
      :data:`LITERAL_DURATIONS` take no token at all.
    * A literal of a whole-seconds field must be whole seconds: the API fields are integers
      (``ScaleInCooldown``, ``Cooldown``, ``Period``, ``*InSeconds``), and aws-cdk-lib's ``to_seconds()``
      throws ``CannotConvertedIntoWhole`` for ``Duration.millis(1500)``.
    """
    leaf = _leaf(field)
    unit = duration_unit(field)
    factory = "millis" if unit == "milliseconds" else unit
    try:
        amount = duration_amount(value, unit)
    except RuntimeError:  # a token in another unit (jsii raises aws-cdk-lib's errors as RuntimeError)
        amount = None
    if amount is None or is_unresolved(amount):
        if leaf in LITERAL_DURATIONS:
            types_.fail("props.token", field, value.to_string(),
                        "is a Duration of a token: the library converts this value at synth, which a token "
                        "cannot be (CloudFormation has no arithmetic)",
                        f"pass a literal Duration, e.g. Duration.{factory}(500)")
            return False
        if leaf == "period":  # aws-cdk-lib's Metric checks the period at synth (a raw error for a token)
            types_.fail("props.token", field, value.to_string(),
                        "is a Duration of a token: aws-cdk-lib checks a metric's period at synth, which a token "
                        "cannot be", "pass a literal Duration, e.g. Duration.minutes(5)")
            return False
        if amount is None:
            types_.fail("props.token", field, value.to_string(),
                        f"is a Duration of a token in a unit other than {unit}, which cannot be converted at synth",
                        f"use Duration.{factory}(token) (the template then carries the token), or a literal Duration")
            return False
        return True
    if leaf not in FRACTIONAL_DURATIONS and unit != "days" and amount != math.floor(amount):
        types_.fail("props.whole-seconds", field, f"{amount:g} {unit}",
                    f"is not a whole number of {unit}: the template carries this field as an integer number of {unit}",
                    f"use a whole number of {unit}, e.g. Duration.{factory}({max(1, round(amount))})")
        return False
    if leaf not in FRACTIONAL_DURATIONS and amount > INT32_MAX:
        types_.fail("props.int32", field, f"{amount:g} {unit}",
                    f"is {amount:g} {unit}, more than the API's integer type holds ({INT32_MAX})",
                    "use a value in the documented range of this prop")
        return False
    if leaf == "period" and not (amount in (1, 5, 10, 30) or (amount >= 60 and amount % 60 == 0)):
        # aws-cdk-lib's Metric refuses any other period with a raw error; CloudWatch refuses 0.
        types_.fail("props.metric-period", field, f"{amount:g} seconds",
                    "is not a metric period: 1, 5, 10 or 30 seconds, or a multiple of 60",
                    "use Duration.minutes(1) (or 1, 5, 10, 30 seconds for high-resolution metrics)")
        return False
    return True


METRIC_TEXT: dict[str, str] = {"statistic": "props.metric-statistic", "metric_name": "props.metric-name",
                               "namespace": "props.metric-namespace"}
"""String props (by field name) of the metric methods, checked where aws-cdk-lib's ``Metric`` would pass them
to the template unchecked (or, for an empty statistic, silently replace it by Average)."""
_SIMPLE_STATISTICS = frozenset({"average", "avg", "minimum", "min", "maximum", "max", "samplecount", "n", "sum"})
_SINGLE_STATISTIC = re.compile(r"(p|tm|wm|tc|ts)([0-9]+(?:\.[0-9]+)?)", re.IGNORECASE)  # JS \d: ASCII digits
_PAIR_STATISTIC = re.compile(r"(PR|TM|WM|TC|TS)\(([^)]+)\)", re.IGNORECASE)
_JS_FLOAT = re.compile(r"[+-]?(?:Infinity|[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)")


def _js_parse_float(text: str) -> float:
    """JavaScript's ``parseFloat``: the longest number at the start (after white space), else NaN."""
    match = _JS_FLOAT.match(text.lstrip(" \t\n\r\v\f\u00a0\ufeff"))
    if match is None:
        return math.nan
    number = match.group(0)
    return float(number.replace("Infinity", "inf"))


def _pair_bound(text: str) -> tuple[float | None, bool] | None:
    """One side of ``TM(10%:90%)``: (value or None when empty, is a percent); None when malformed."""
    text = text.strip()
    if not text:
        return None, False
    value = _js_parse_float(text.removesuffix("%"))
    percent = text.endswith("%")
    return None if math.isnan(value) or value < 0 or (percent and value > 100) else (value, percent)


def is_statistic(statistic: str) -> bool:
    """Whether aws-cdk-lib's ``Metric`` can tell ``statistic`` apart as a CloudWatch statistic.

    A port of aws-cdk-lib's private ``parseStatistic`` (aws-cloudwatch/lib/private/statistic), which is not
    exported: a simple statistic (any case, or avg/min/max/n), IQM, ``p``/``tm``/``wm``/``tc``/``ts`` with
    0–100, or ``PR``/``TM``/``WM``/``TC``/``TS`` with a range. What it cannot parse, aws-cdk-lib renders
    unchanged as an ``ExtendedStatistic``, which CloudWatch refuses at deploy.
    """
    if statistic.lower() in _SIMPLE_STATISTICS or statistic.lower() == "iqm":
        return True
    single = _SINGLE_STATISTIC.fullmatch(statistic)
    if single:
        return 0 <= float(single.group(2)) <= 100
    pair = _PAIR_STATISTIC.fullmatch(statistic)
    if not pair or ":" not in pair.group(2):
        return False
    parts = pair.group(2).split(":")
    lower, upper = _pair_bound(parts[0]), _pair_bound(parts[1])
    if lower is None or upper is None or (lower[0] is None and upper[0] is None):
        return False
    return lower[0] is None or upper[0] is None or lower[1] == upper[1]


def check_metric_text(types_: TypeChecks, field: str, value: str, leaf: str) -> bool:
    """A metric's statistic, name or namespace (:data:`METRIC_TEXT`)."""
    constraint_id = METRIC_TEXT[leaf]
    if leaf == "statistic":
        # A token is rendered as an ExtendedStatistic, which deploys when it resolves to one (e.g. "p99").
        if is_unresolved(value) or is_statistic(value):
            return True
        types_.fail(constraint_id, field, value, "is not a CloudWatch statistic",
                    'use Sum, Average, Minimum, Maximum, SampleCount, or an extended statistic such as "p99", '
                    '"tm90", "TM(10%:90%)" or "IQM"')
        return False
    if not value:
        types_.fail(constraint_id, field, value, "is empty", f"pass the metric's {leaf.replace('_', ' ')}")
        return False
    return types_.text(constraint_id, field, value)


def duration_in(types_: TypeChecks, field: str, duration: Any, unit: str) -> float | None:
    """``duration`` in ``unit`` (``seconds``, ``minutes``, ``days``), or a ``props.token`` problem when it is a
    token Duration that aws-cdk-lib cannot convert to that unit (e.g. ``Duration.seconds(token)`` in days)."""
    if duration is None:
        return None
    try:
        return duration_amount(duration, unit)
    except RuntimeError:  # jsii raises aws-cdk-lib's errors as RuntimeError
        types_.fail("props.token", field, duration.to_string(),
                    f"is a Duration of a token that cannot be converted to {unit} at synth",
                    f"use Duration.{unit}(token) (the template then carries the token), or a literal Duration")
        return None


def check_dataclass(types_: TypeChecks, field: str, value: Any) -> bool:
    """Each field of a dataclass prop against the dataclass's annotations."""
    ok = True
    owner = type(value)
    for item in dataclasses.fields(value):
        given = getattr(value, item.name)
        if given is None and _allows_none(owner, item.name):
            continue
        hint = _hint(owner, item.name)  # type: ignore[arg-type]
        if hint is not _MISSING:
            ok = check_value(types_, f"{field}.{item.name}", given, hint) and ok
    return ok


def _check_union(types_: TypeChecks, field: str, value: Any, members: tuple[Any, ...]) -> bool:
    if value is None and _NONE in members:
        return True
    candidates = [m for m in members if m is not _NONE]
    if len(candidates) == 1:
        return check_value(types_, field, value, candidates[0])
    for candidate in candidates:
        if check_value(TypeChecks(), field, value, candidate):
            return True
    # None of them fits: report the member whose own check went deepest, else the union.
    for candidate in candidates:
        if isinstance(candidate, type) and is_instance(value, candidate):
            return check_value(types_, field, value, candidate)
    made_by = next((f for f in (_made_by(m, value) for m in candidates) if f), None)
    return _wrong(types_, field, value, " or ".join(_type_name(m) for m in candidates), made_by)


def _check_sequence(types_: TypeChecks, field: str, value: Any, args: tuple[Any, ...]) -> bool:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
        return _wrong(types_, field, value, "a list")
    if is_unresolved(value) and all(isinstance(item, str) for item in value):
        return True  # a list token (e.g. Fn.split) resolves at deploy time
    item_hint = args[0] if args else Any
    ok = True
    for index, item in enumerate(value):
        ok = check_value(types_, f"{field}[{index}]", item, item_hint) and ok
    return ok


def _check_mapping(types_: TypeChecks, field: str, value: Any, args: tuple[Any, ...]) -> bool:
    if not isinstance(value, Mapping):
        return _wrong(types_, field, value, "a dict")
    key_hint, item_hint = args if len(args) == 2 else (Any, Any)
    ok = True
    for key, item in value.items():
        if isinstance(key, str) and is_unresolved(key):
            # A template map's keys are literal JSON strings: no intrinsic function can produce one
            # (aws-cdk-lib fails the synth with KeyMustResolveToString).
            types_.fail("props.token", f"{field}[{key!r}]", key, "is a token used as a key: a key must be known at synth",
                        "use a literal name as the key (a token may be the value)")
            ok = False
            continue
        ok = check_value(types_, f"{field}[{key!r}]", key, key_hint) and ok
        ok = check_value(types_, f"{field}[{key!r}]", item, item_hint) and ok
    return ok


def _expected(hint: Any) -> str:
    """How a message names what ``hint`` allows."""
    if hint is int:
        return "a whole number"
    if hint is float:
        return "a number"
    origin = typing.get_origin(hint)
    if origin in (collections.abc.Sequence, list, tuple):
        return "a list"
    if origin in (collections.abc.Mapping, dict):
        return "a dict"
    if origin is typing.Union or origin is types.UnionType:
        return " or ".join(_expected(a) for a in typing.get_args(hint) if a is not _NONE)
    return _type_name(hint)


def _wrong(types_: TypeChecks, field: str, value: Any, expected: str, made_by: str | None = None) -> bool:
    types_.fail("props.type", field, value, f"must be {expected}, got {type(value).__name__}",
                f"pass {made_by or expected}")
    return False


def _made_by(hint: Any, value: Any) -> str | None:
    """How to make a ``hint`` (a class of this package) from what was given: ``InstanceType.of('ml.m5.large')``
    for a name given as text, else the class's factories (``ModelData.from_bucket``, ...). None for a class
    without factories, or another package's class (aws-cdk-lib's messages name its own)."""
    if not isinstance(hint, type) or not hint.__module__.startswith(__package__ or "cdk_sagemaker_inference"):
        return None
    factories = sorted(name for name, member in vars(hint).items()
                       if isinstance(member, (classmethod, staticmethod)) and (name == "of" or name.startswith("from_")))
    if not factories:
        return None
    if isinstance(value, str) and "of" in factories:
        return f"{hint.__name__}.of({value!r})"
    return f"a {hint.__name__} made by " + ", ".join(f"{hint.__name__}.{name}(...)" for name in factories)


_MISSING = object()
"""``_hint`` of a name without an annotation."""
_NONE_ALLOWED = re.compile(r"^(?:Optional\[.*\]|.*\|\s*None|None\s*\|.*)$", re.S)
"""An annotation text that admits None at its top level (``X | None``, ``None | X``, ``Optional[X]``)."""


class _Annotations:
    """An object holding one annotation, for ``typing.get_type_hints`` to resolve on its own."""

    def __init__(self, annotations: dict[str, Any]) -> None:
        self.__annotations__ = annotations


@functools.cache
def _raw(owner: Any, name: str) -> tuple[Any, dict[str, Any], dict[str, Any] | None]:
    """The annotation of ``name`` as written (a string under ``from __future__ import annotations``),
    with the namespaces it resolves in; ``_MISSING`` when ``owner`` does not annotate ``name``."""
    if isinstance(owner, type):
        for base in owner.__mro__:
            annotations = inspect.get_annotations(base)
            if name in annotations:
                module = sys.modules.get(base.__module__)  # None for a module loaded outside sys.modules
                return annotations[name], getattr(module, "__dict__", {}), dict(vars(base))
        return _MISSING, {}, None
    function = inspect.unwrap(owner)
    return function.__annotations__.get(name, _MISSING), function.__globals__, None


def _allows_none(owner: Any, name: str) -> bool:
    """Whether the annotation of ``name`` admits None, read from its text (without resolving it)."""
    annotation = _raw(owner, name)[0]
    return annotation is None or (isinstance(annotation, str) and bool(_NONE_ALLOWED.match(annotation.strip())))


@functools.cache
def _hint(owner: Any, name: str) -> Any:  # owner: a function or a class (hashable)
    """The resolved annotation of one parameter or field, resolved on first need.

    One at a time, not ``typing.get_type_hints(owner)`` at once: an annotation names an aws-cdk-lib
    module (``ec2.IVpc | None``) that the library imports on first use (``_lazy``), and resolving it
    would import that module in every app, also those that never pass the prop (``aws_ec2`` alone
    takes 0.1 s to import). The checks ask for it only when a value is given.
    """
    annotation, globalns, localns = _raw(owner, name)
    if annotation is _MISSING:
        return _MISSING
    return typing.get_type_hints(_Annotations({name: annotation}), globalns, localns)[name]


# ---------------------------------------------------------------------------------------------- the decorator
def checked(construct_type: str, *,
            environment: Callable[[Any, Mapping[str, Any]], list[Any]] | None = None,
            stackless: bool = False) -> Callable[[F], F]:
    """Check a public callable's arguments against its annotations before it runs.

    * ``__init__(self, scope, construct_id, ...)`` of a construct: the error names the path the
      construct would have (``scope path/construct_id``);
    * a method of a construct: the construct's path;
    * a static factory: ``construct_type`` (e.g. ``ModelData.from_bucket``) stands for the path.

    A missing or misspelt keyword is a ``props.required``/``props.type`` problem too (with the closest
    prop name), not Python's ``TypeError``. ``environment`` (constructs only): a check of the props
    against the scope's account and Region, run when the types are right. A construct, or a factory
    taking ``(scope, construct_id, ...)``, also has its scope checked (a construct inside a Stack, unless
    ``stackless``: an import that creates no resource) and its id (a non-empty string not taken).
    """
    def decorate(function: F) -> F:
        signature = inspect.signature(function)
        names = list(signature.parameters)
        is_construct_init = function.__name__ == "__init__" and names[1:3] == ["scope", "construct_id"]
        # A construct's __init__, or a factory that creates one (``from_endpoint_name(scope, construct_id, ...)``).
        creates_construct = is_construct_init or names[:2] == ["scope", "construct_id"]
        scope_at = 1 if is_construct_init else 0  # where scope and construct_id are given by position
        is_method = bool(names) and names[0] == "self"
        skip = {"self", "cls", "scope", "construct_id"} if creates_construct else {"self", "cls", "construct_id"}

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not is_construct_init:
                return checked_call(*args, **kwargs)
            from .constructs._batch import construct_batch
            from .validation.checks import deferring

            # deferring: the checks its tokens skipped (its props' and its own), made again at synth;
            # construct_batch: its acknowledgments, written in one jsii round trip when it returns.
            with deferring() as deferred, construct_batch():
                checked_call(*args, **kwargs)
            if deferred:
                from .constructs._synth_checks import check_at_synth

                check_at_synth(args[0], deferred)
            return None

        def checked_call(*args: Any, **kwargs: Any) -> Any:
            problems = TypeChecks()
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as error:
                _binding_problem(problems, signature, args, kwargs, error)
                bound = None
            if bound is not None and creates_construct:
                _check_scope(problems, bound.arguments.get("scope"), bound.arguments.get("construct_id"),
                             needs_stack=not stackless)
            elif bound is not None and "construct_id" in signature.parameters:  # a method that adds a child
                _check_id(problems, bound.arguments.get("construct_id", signature.parameters["construct_id"].default))
            if bound is not None:
                for name, given in bound.arguments.items():
                    parameter = signature.parameters[name]
                    if name in skip or parameter.kind is inspect.Parameter.VAR_KEYWORD:
                        continue  # VAR_KEYWORD: passed through to aws-cdk-lib, which documents them
                    if given is None and _allows_none(function, name):
                        continue
                    hint = _hint(function, name)
                    if hint is _MISSING:
                        continue
                    if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                        for index, item in enumerate(given):
                            check_value(problems, f"{name}[{index}]", item, hint)
                        continue
                    check_value(problems, name, given, hint)
                if environment is not None and is_construct_init and not problems.problems:
                    problems.problems += environment(bound.arguments["scope"], {
                        k: v for k, v in bound.arguments.items() if k not in skip})
            if problems.problems:
                raise ValidationError(_path(creates_construct, is_method, args, kwargs, bound, scope_at),
                                      construct_type, problems.problems)
            if not creates_construct:
                return function(*args, **kwargs)
            try:
                return function(*args, **kwargs)
            except RuntimeError as error:  # jsii raises constructs' errors as RuntimeError
                assert bound is not None
                _raise_if_id_taken(error, bound.arguments["scope"], bound.arguments["construct_id"], construct_type)
                raise
            except ValidationError:
                if is_construct_init and bound is not None:
                    _detach(args[0], bound.arguments["scope"])
                raise

        setattr(wrapper, _CHECKED, True)
        return typing.cast(F, wrapper)

    return decorate


C = TypeVar("C", bound=type)


def props_class(cls: C) -> C:
    """A props dataclass whose constructor reports a missing, unknown or misspelt field as a
    ``ValidationError`` naming the class (``props.required``, ``props.type`` with the closest field
    name), as the constructs do, instead of Python's ``TypeError``.

    Only the binding is checked here: the fields' types are checked where the props are used, so
    that the error names the construct path (``Stack/Endpoint: variants[0].instance_type``).
    """
    init = vars(cls)["__init__"]  # the dataclass's own
    signature = inspect.signature(init)

    @functools.wraps(init)
    def checked_init(*args: Any, **kwargs: Any) -> None:
        try:
            signature.bind(*args, **kwargs)
        except TypeError as error:
            problems = TypeChecks()
            _binding_problem(problems, signature, args, kwargs, error)
            raise ValidationError("", cls.__name__, problems.problems) from None
        init(*args, **kwargs)

    setattr(cls, "__init__", checked_init)  # noqa: B010 (mypy refuses assigning __init__ on a class)
    setattr(cls, _CHECKED, True)
    return cls


def is_checked(function: Any) -> bool:
    """Whether ``function`` checks its arguments (the API walk in the tests asks this of every callable)."""
    return bool(getattr(function, _CHECKED, False))


def _binding_problem(problems: TypeChecks, signature: inspect.Signature, args: tuple[Any, ...],
                     kwargs: Mapping[str, Any], error: TypeError) -> None:
    accepted = [n for n, p in signature.parameters.items() if n not in ("self", "cls")
                and p.kind is not inspect.Parameter.VAR_KEYWORD]
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())
    unknown = [] if takes_any else [k for k in kwargs if k not in signature.parameters]
    for name in unknown:
        import difflib  # only a refusal suggests a close match: an app that passes never loads it

        close = difflib.get_close_matches(name, accepted, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"the props are: {', '.join(accepted)}"
        problems.fail("props.type", name, kwargs[name], "is not a prop of this construct", hint)
    missing = [n for n, p in signature.parameters.items() if p.default is inspect.Parameter.empty
               and p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
               and n not in kwargs and n not in ("self", "cls")]
    positional = [n for n, p in signature.parameters.items()
                  if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    takes_varargs = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in signature.parameters.values())
    if len(args) > len(positional) and not takes_varargs:
        # Values given by position to keyword-only props: they were given, in the wrong form.
        extra = len(args) - len(positional)
        problems.fail("props.type", "arguments", None,
                      f"{extra} value{'s' if extra != 1 else ''} given by position; these props are keyword-only",
                      "pass each prop by name" + (", e.g. " + ", ".join(f"{n}=..." for n in missing[:3]) if missing else ""))
        return
    for name in missing:
        if name in positional[:len(args)]:
            continue
        annotation = signature.parameters[name].annotation
        kind = "" if annotation is inspect.Parameter.empty else f" ({getattr(annotation, '__name__', annotation)})"
        problems.fail("props.required", name, None, "is required", f"pass {name}=...{kind}: it has no default")
    if not problems.problems:
        problems.fail("props.type", "arguments", None, str(error), "pass the props by keyword, as documented")


def _check_scope(problems: TypeChecks, scope: Any, construct_id: Any, *, needs_stack: bool = True) -> None:
    """A construct's scope is a construct inside a Stack (every construct here creates CloudFormation
    resources) and its id a non-empty string: otherwise constructs/aws-cdk-lib fail with errors that name
    neither (``ShouldBeCreatedInStackScope``, ``Only root constructs may have an empty ID``, a ``TypeError``)."""
    from constructs import Construct  # typecheck loads no jsii module until a construct is made

    if not isinstance(scope, Construct):
        problems.fail("props.type", "scope", scope, f"must be a construct, got {type(scope).__name__}",
                      "pass the Stack (or a construct inside a Stack) to create it in")
        return
    if not _check_id(problems, construct_id) or not needs_stack:  # an import that creates no resource and needs no stack (from_endpoint_arn)
        return
    from .constructs._memo import stack_of  # a construct module: loaded on first use

    try:
        stack_of(scope)
    except RuntimeError:
        problems.fail("props.type", "scope", scope.node.path or "the app",
                      "is not inside a Stack (the construct's resources, account and Region are its stack's)",
                      "create it in a Stack, or in a construct inside one")


def _check_id(problems: TypeChecks, construct_id: Any) -> bool:
    """A construct id is a non-empty string (constructs: ``Only root constructs may have an empty ID``)."""
    if not isinstance(construct_id, str):
        problems.fail("props.type", "construct_id", construct_id, f"must be str, got {type(construct_id).__name__}",
                      "pass a string id, unique among the scope's children")
        return False
    if not construct_id:
        problems.fail("props.required", "construct_id", construct_id, "is empty (only an App may have an empty id)",
                      "pass a non-empty id, unique among the scope's children")
        return False
    if is_unresolved(construct_id):  # aws-cdk-lib fails the synth on it (ID components may not include tokens)
        problems.fail("props.type", "construct_id", construct_id,
                      "is a token: a construct id is part of logical ids and paths, which are fixed at synth time",
                      "pass a literal string id")
        return False
    return True


DETACH_HOOKS: list[Callable[[Any], None]] = []
"""Called with a construct ``_detach`` took out of the tree: the library's registries (cost notes) forget it."""


def _detach(construct: Any, scope: Any) -> None:
    """Take a construct its own checks refused out of its scope, with what it had created under it: nothing of
    it synthesizes, its id is free again, and the names it checked are not taken by it (a caller that catches
    the ValidationError, such as a test or a notebook, goes on with the tree as it was). constructs' own
    ``try_remove_child``; a construct refused before it joined the tree has nothing to remove."""
    try:
        child_id = construct.node.id
    except Exception:  # refused before super().__init__: not in the tree
        return
    if scope.node.try_find_child(child_id) is construct:
        scope.node.try_remove_child(child_id)
        for hook in DETACH_HOOKS:
            hook(construct)


_ID_TAKEN = re.compile(r"There is already a Construct with name '(.*)' in \S+ \[(.*)\]", re.DOTALL)


def _raise_if_id_taken(error: RuntimeError, scope: Any, construct_id: str, construct_type: str) -> None:
    """``There is already a Construct with name '<id>' in <type> [<scope id>]`` from constructs, for the id the
    user chose in the scope the user chose: a ValidationError naming ``construct_id`` (asked of the scope only
    when creating the construct failed). constructs stores an id with '/' as '--'."""
    # constructs stores some characters of an id otherwise ('/' and a line break as '--'): the stored id is read
    # from the message and must be a child of this scope (else it is a duplicate among another construct's children).
    match = _ID_TAKEN.fullmatch(str(error))
    if match is None:
        return
    stored, scope_id = match.group(1), scope.node.id
    if (scope_id and match.group(2) != scope_id) or scope.node.try_find_child(stored) is None:
        return  # a duplicate among the children of another construct: not the user's id
    path = scope.node.path
    problems = TypeChecks()
    problems.fail("props.type", "construct_id", construct_id,
                  f"is already the id of another construct in {path or 'the app'}",
                  "choose an id not used by another child of the same scope")
    raise ValidationError(f"{path}/{stored}" if path else stored, construct_type, problems.problems) from None


def _path(creates_construct: bool, is_method: bool, args: tuple[Any, ...], kwargs: Mapping[str, Any],
          bound: inspect.BoundArguments | None = None, scope_at: int = 0) -> str:
    """The construct path for the error (read only when there is something to raise)."""
    try:
        if creates_construct:
            if bound is not None:
                scope, construct_id = bound.arguments.get("scope"), bound.arguments.get("construct_id")
            else:  # the arguments did not bind (a misspelt prop): by position, else by name
                given = list(args[scope_at:scope_at + 2])
                scope = given[0] if given else kwargs.get("scope")
                construct_id = given[1] if len(given) > 1 else kwargs.get("construct_id")
            parent = scope.node.path if scope is not None and hasattr(scope, "node") else ""
            return f"{parent}/{construct_id}" if parent else str(construct_id)
        owner = args[0] if args and is_method else None
        node = getattr(owner, "node", None)
        if node is not None:
            return str(node.path)
    except Exception:  # the path is for the message only; the problems are what matter
        pass
    return ""
