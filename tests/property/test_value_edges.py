"""Odd strings and tokens in every string, number and duration prop, judged by independent oracles.

For each construct baseline (``api_baselines.BASELINES``) and each string-, number- or
``Duration``-typed argument or dataclass field (found from the annotations, so new props are
walked without a change here), the value is replaced by

* an odd string: empty, ``/``, leading and trailing slashes, a space, Latin-1 and CJK letters,
  a control character, 1,100 characters;
* a token of each kind: a ``CfnParameter`` string or number, an intrinsic (``Fn.join`` with
  ``Aws.REGION``), ``Fn.import_value``, ``Token.as_number`` of an import, ``Duration.seconds`` of a
  number token. (``Lazy`` producers written in Python are not tried: the jsii kernel of this
  aws-cdk-lib calls ``produce`` without its context, whatever the library does.)

The invariant: a ``ValidationError`` naming that field, or an app that synthesizes (aws-cdk-lib's
own template validation runs at synth) whose SageMaker requests pass botocore's validator and
the service model's limits, whose IAM policies have unique ``Sid`` values and whose S3 grants cover
the locations the template names. Under ``HYPOTHESIS_PROFILE=fuzz`` (``make fuzz``) every odd
string and every token kind is tried on every field; ``make test`` tries a fixed rotation that
still uses each value class at least once per construct.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import typing
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Aws, CfnParameter, Duration, Fn, Stack, Token
from prop_cfn import sagemaker_requests

from api_baselines import BASELINES, IDS
from cdk_sagemaker_inference import ValidationError
from helpers import new_app, new_stack
from oracles import api_problems
from template_invariants import check_template

FUZZ = os.environ.get("HYPOTHESIS_PROFILE", "ci") == "fuzz"
ODD_STRINGS: dict[str, str] = {
    "empty": "", "slash": "/", "slashes": "/lead/trail/", "space": " x", "latin-1": "données",
    "cjk": "模型", "control": "a\tb", "long": "x" * 1100,
    "iam": "run${x}/*?/",  # what IAM reads specially in a resource ARN (a policy variable, wildcards)
}
_NONE = type(None)


def _string_tokens(stack: Stack) -> dict[str, str]:
    return {
        "parameter-string": CfnParameter(stack, f"S{next(IDS)}", type="String").value_as_string,
        "intrinsic-join": Fn.join("-", ["x", Aws.REGION]),
        "import-value": Fn.import_value("EdgeString"),
    }


def _number_tokens(stack: Stack) -> dict[str, float]:
    return {
        "parameter-number": CfnParameter(stack, f"N{next(IDS)}", type="Number").value_as_number,
        "as-number-import": Token.as_number(Fn.import_value("EdgeNumber")),
    }


def _scalar(hint: Any) -> Any:
    """The scalar type a hint stands for (``str | None`` → str), or None."""
    origin = typing.get_origin(hint)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        members = [m for m in typing.get_args(hint) if m is not _NONE]
        return members[0] if len(members) == 1 and members[0] in (str, int, float, Duration) else None
    return hint if hint in (str, int, float, Duration) else None


def _fields(kwargs: dict[str, Any], hints: dict[str, Any]) -> Iterator[tuple[str, Any, Callable[[Any], dict[str, Any]]]]:
    """(field path, scalar type, rebuild(value) → kwargs) for every scalar argument and dataclass field."""
    for name, given in kwargs.items():
        scalar = _scalar(hints.get(name))
        if scalar is not None:
            yield name, scalar, lambda value, name=name: {**kwargs, name: value}
        for path, kind, replace in _dataclass_fields(name, given):
            yield path, kind, lambda value, name=name, replace=replace: {**kwargs, name: replace(value)}


def _dataclass_fields(field: str, value: Any) -> Iterator[tuple[str, Any, Callable[[Any], Any]]]:
    if isinstance(value, list) and value:
        for path, kind, replace in _dataclass_fields(f"{field}[0]", value[0]):
            yield path, kind, lambda new, replace=replace: [replace(new), *value[1:]]
        return
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return
    hints = typing.get_type_hints(type(value))
    for item in dataclasses.fields(value):
        scalar = _scalar(hints[item.name])
        if scalar is not None:
            yield f"{field}.{item.name}", scalar, lambda new, name=item.name: dataclasses.replace(value, **{name: new})
        for path, kind, replace in _dataclass_fields(f"{field}.{item.name}", getattr(value, item.name)):
            yield path, kind, lambda new, name=item.name, replace=replace: dataclasses.replace(
                value, **{name: replace(new)})


def _values(kind: Any, stack: Stack, index: int) -> list[tuple[str, Any]]:
    """The value classes tried on a field of ``kind`` (all under fuzz, a rotation of two otherwise)."""
    if kind is str:
        options = [*((f"odd:{k}", v) for k, v in ODD_STRINGS.items()),
                   *((f"token:{k}", v) for k, v in _string_tokens(stack).items())]
    elif kind in (int, float):
        options = [(f"token:{k}", v) for k, v in _number_tokens(stack).items()]
    else:
        options = [("token:duration-seconds", Duration.seconds(_number_tokens(stack)["parameter-number"]))]
    if FUZZ or len(options) <= 2:
        return options
    return [options[index % len(options)], options[(index + 3) % len(options)]]


@dataclasses.dataclass
class Tally:
    examples: int = 0
    accepted: int = 0
    rejected: int = 0
    classes: Counter[str] = dataclasses.field(default_factory=Counter)
    failures: list[str] = dataclasses.field(default_factory=list)


def _judge(name: str, field: str, label: str, build: Callable[[Stack], None], tally: Tally) -> None:
    app = new_app()
    stack = new_stack(app)
    tally.examples += 1
    tally.classes[label.split(":")[0] + ":" + label.split(":")[1]] += 1
    try:
        build(stack)
    except ValidationError as error:
        tally.rejected += 1
        leaf = field.rsplit(".", 1)[-1]
        named = any(f == field or f.startswith((f"{field}.", f"{field}[")) or field.startswith(f"{f}.")
                    for f in error.fields)
        if not named and leaf not in str(error):  # a cross-field rule may name the other field, but says this one
            tally.failures.append(f"{name} {field} ({label}): the error names {error.fields}")
        return
    except Exception as error:
        tally.failures.append(f"{name} {field} ({label}): {type(error).__name__}: {str(error)[:300]}")
        return
    try:
        template = app.synth().get_stack_artifact(stack.artifact_id).template
    except Exception as error:
        tally.failures.append(f"{name} {field} ({label}): accepted, then synth failed: {str(error)[:400]}")
        return
    tally.accepted += 1
    try:
        requests = sagemaker_requests(template)
    except Exception as error:
        tally.failures.append(f"{name} {field} ({label}): the oracle cannot read the template: {error!r}")
        return
    problems = [f"{r.operation}: {p}" for r in requests for p in api_problems(r.operation, r.params)]
    problems += check_template(template).problems
    if problems:
        tally.failures.append(f"{name} {field} ({label}): accepted, but " + "; ".join(problems[:3]))


CONSTRUCTS = sorted(name for name in BASELINES if "." not in name)


@pytest.mark.parametrize("name", CONSTRUCTS)
def test_odd_strings_and_tokens_are_refused_or_synthesize_a_valid_template(
        name: str, property_report: Path) -> None:
    probe = new_stack()
    function, kwargs = BASELINES[name](probe)
    hints = typing.get_type_hints(inspect.unwrap(function.__init__))  # type: ignore[misc]
    tally = Tally()
    for index, (field, kind, _rebuild) in enumerate(list(_fields(kwargs, hints))):
        for label, _value in _values(kind, probe, index):
            def build(stack: Stack, field: str = field, label: str = label, index: int = index) -> None:
                fresh_function, fresh_kwargs = BASELINES[name](stack)
                for path, fresh_kind, rebuild in _fields(fresh_kwargs, hints):
                    if path == field:
                        value = dict(_values(fresh_kind, stack, index))[label]
                        fresh_function(stack, f"Edge{next(IDS)}", **rebuild(value))
                        return
                raise AssertionError(f"{field} not found again")
            _judge(name, field, label, build, tally)
    report = {"construct": f"edges:{name}", "examples": tally.examples, "accepted": tally.accepted,
              "rejected": tally.rejected, "disagreements": len(tally.failures), "templates_linted": 0,
              "classes": dict(sorted(tally.classes.items()))}
    property_report.mkdir(parents=True, exist_ok=True)
    (property_report / f"edges-{name.replace('(', '-').replace(')', '').replace(' ', '-')}.json").write_text(
        json.dumps(report))
    assert tally.examples > 0
    assert tally.failures == [], f"{name}: {len(tally.failures)} of {tally.examples}:\n" + "\n".join(
        tally.failures[:25])
