"""Run one generated example against the library and the oracles; count and report outcomes.

Every example ends in exactly one of:

* **rejected**: the construct raised ``ValidationError`` naming a field the oracles flagged;
* **accepted**: the construct built, the app synthesized, every SageMaker request of the
  template passes botocore's ``ParamValidator``, the service model's limits and the documented
  cross-field rules, and the template passes cfn-lint (checked in ``finish``, one linter for the
  whole run).

Anything else is a failure: any other exception (a bug, raised at once so hypothesis shrinks
it), a rejection of a configuration the oracles accept (a false refusal), an acceptance of one
they reject, a ``ValidationError`` that names none of the offending fields, or a rejection that
left something behind: the app, synthesized after the refusal, must be what the same example
builds without the construct under test (template and synth-time notes), so a grant on a model's
role, a registration or a note made before a late refusal is found by every generated example.
"""

from __future__ import annotations

import json
import os
import re
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aws_cdk import App, Stack
from hypothesis import event
from prop_cfn import Request, cfn_lint_errors, sagemaker_requests

from cdk_sagemaker_inference import ValidationError
from cdk_sagemaker_inference.constructs._batch import immediate_calls
from oracles import Problem, api_problems

LIBRARY_ROOT = "cdk_sagemaker_inference"


_BUILT: list[tuple[App, Stack]] = []


def building(app: App, stack: Stack) -> None:
    """Called by an example's build once its app and stack exist, before the construct under test: the
    harness synthesizes that app again when the construct refuses."""
    _BUILT[:] = [(app, stack)]


def _synthesized(app: App, stack: Stack) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """The stack's template and its synth-time notes (path, level, text; without stack traces)."""
    artifact = app.synth().get_stack_artifact(stack.artifact_id)
    notes = sorted((path, entry.type, json.dumps(entry.data, sort_keys=True, default=str))
                   for path, entries in artifact.manifest.metadata.items() for entry in entries
                   if entry.type in ("aws:cdk:info", "aws:cdk:warning", "aws:cdk:error")) \
        if artifact.manifest.metadata else []
    return artifact.template, notes


class LibraryBugError(AssertionError):
    """The library did something other than accept cleanly or refuse with a ValidationError."""


@dataclass(frozen=True)
class Verdict:
    """What the oracles say about an example: problems, and the props each one points at."""

    problems: tuple[tuple[Problem, frozenset[str]], ...] = ()

    @property
    def accepts(self) -> bool:
        return not self.problems

    @property
    def props(self) -> set[str]:
        return {p for _, props in self.problems for p in props}

    def __str__(self) -> str:
        return "; ".join(f"{problem} -> {sorted(props)}" for problem, props in self.problems) or "accepts"


def verdict(problems: Iterable[Problem], props_of: Callable[[Problem], set[str]]) -> Verdict:
    return Verdict(tuple((p, frozenset(props_of(p))) for p in problems))


_WORD = re.compile(r"[a-z_]+")


def field_words(text: str) -> set[str]:
    """The identifiers in a field path (``variants[1].model.mode`` → variants, model, mode)."""
    without_keys = re.sub(r"\[[^\]]*\]", " ", text)
    return {w for w in _WORD.findall(without_keys.lower()) if w != "_"}


def names_a_flagged_field(error: ValidationError, flagged: set[str]) -> bool:
    words: set[str] = set()
    for name in error.fields:
        words |= field_words(name)
    return bool(words & {f.lower() for f in flagged})


@dataclass
class Run:
    """Counts and pending lint of one construct's property test."""

    construct: str
    report_dir: Path
    examples: int = 0
    accepted: int = 0
    rejected: int = 0
    false_refusals: list[str] = field(default_factory=list)
    false_acceptances: list[str] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)
    left_behind: list[str] = field(default_factory=list)
    batch_order: list[str] = field(default_factory=list)
    template_problems: list[str] = field(default_factory=list)
    classes: dict[str, int] = field(default_factory=dict)
    tokens: int = 0
    wrong_types: int = 0
    requests: int = 0
    linted: int = 0
    bugs: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: {"build": 0.0, "synth": 0.0, "check": 0.0,
                                                               "lint": 0.0})
    _pending: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def check(self, description: str, oracle: Verdict, build: Callable[[], tuple[App, Stack]],
              template_rules: Callable[[list[Request]], list[Problem]], *, has_tokens: bool = False,
              has_wrong_types: bool = False, allow_unknown_instance_type: bool = False) -> str:
        """Build the example, compare with the oracle; returns "accepted" or "rejected".

        ``build()`` builds the example; ``build(without_construct=True)`` the same app without the construct under
        test (what a refusal must leave), and it calls :func:`building` before the construct."""
        self.examples += 1
        _BUILT.clear()  # a refusal before the build reached building() has no app to compare
        for name in value_classes(description):
            event(f"class: {name}")  # hypothesis statistics; the report below lists the counts too
            self.classes[name] = self.classes.get(name, 0) + 1
        description = shorten(description)
        self.tokens += has_tokens
        self.wrong_types += has_wrong_types
        started = time.perf_counter()
        try:
            try:
                app, stack = build()
            finally:
                self.seconds["build"] += time.perf_counter() - started
        except ValidationError as error:
            self.rejected += 1
            if oracle.accepts:
                self.false_refusals.append(f"{description}\n    library: {error}")
            elif not names_a_flagged_field(error, oracle.props):
                self.unnamed.append(f"{description}\n    oracle: {oracle}\n    library fields: {error.fields}")
            self._check_nothing_left(description, build)
            return "rejected"
        except TypeError as error:
            if has_wrong_types and _raised_by_library(error) and field_words(str(error)) & oracle.props:
                self.rejected += 1
                return "rejected"
            return self._bug(f"{type(error).__name__} instead of a ValidationError for {description}", error)
        except Exception as error:
            return self._bug(f"{type(error).__name__} instead of a ValidationError for {description}", error)

        self.accepted += 1
        if not oracle.accepts:
            self.false_acceptances.append(f"{description}\n    oracle: {oracle}")
            return "accepted"
        started = time.perf_counter()
        try:
            template = app.synth().get_stack_artifact(stack.artifact_id).template
        except Exception as error:
            return self._bug(f"synth failed with {type(error).__name__} for {description}", error)
        finally:
            self.seconds["synth"] += time.perf_counter() - started
        started = time.perf_counter()
        requests = sagemaker_requests(template)
        self.requests += len(requests)
        problems = [f"{r.operation} {r.logical_id}: {p}" for r in requests
                    for p in api_problems(r.operation, r.params)
                    if not (allow_unknown_instance_type and p.path.endswith("InstanceType") and "enum" in p.rule)]
        problems += [str(p) for p in template_rules(requests)]
        if problems:
            self.template_problems.append(f"{description}\n    " + "\n    ".join(problems))
        self._pending.append((description, template))
        self._check_batch_order(description, app, template, build)
        self.seconds["check"] += time.perf_counter() - started
        return "accepted"

    def _check_batch_order(self, description: str, app: App, template: dict[str, Any],
                           build: Callable[..., tuple[App, Stack]]) -> None:
        """The example built with every batched jsii call made at once (``immediate_calls``) has the same construct
        tree, in the same order, and the same template text: batching changed nothing but the round trips."""
        with immediate_calls():
            other_app, other_stack = build()
        other = other_app.synth().get_stack_artifact(other_stack.artifact_id).template
        tree = [c.node.path for c in app.node.find_all()]
        other_tree = [c.node.path for c in other_app.node.find_all()]
        if tree != other_tree or json.dumps(template) != json.dumps(other):
            first = next((f"{a} / {b}" for a, b in zip(tree, other_tree, strict=False) if a != b), "(templates)")
            self.batch_order.append(f"{description}\n    batched / immediate: first difference {first}")

    def _check_nothing_left(self, description: str, build: Callable[..., tuple[App, Stack]]) -> None:
        """The refused example's app synthesizes to what the example builds without the construct under test."""
        if not _BUILT:
            return  # refused before its app existed
        app, stack = _BUILT.pop()
        started = time.perf_counter()
        try:
            try:
                expected = _synthesized(*build(without_construct=True))
            except ValidationError:
                return  # refused by a value built before the construct (a prop class): the construct never ran
            except Exception as error:  # e.g. a stack with no resource left, which template validation refuses
                expected = ({"synth failed": str(error).splitlines()[0]}, [])
            try:
                left = _synthesized(app, stack)
            except Exception as error:
                left = ({"synth failed": str(error).splitlines()[0]}, [])
            if left != expected:
                added = sorted(set(left[0].get("Resources", {})) ^ set(expected[0].get("Resources", {})))
                changed = sorted(k for k, v in left[0].get("Resources", {}).items()
                                 if k in expected[0].get("Resources", {}) and expected[0]["Resources"][k] != v)
                notes = sorted(set(left[1]) ^ set(expected[1]))
                sections = sorted(k for k in set(left[0]) | set(expected[0]) if left[0].get(k) != expected[0].get(k))
                self.left_behind.append(f"{description}\n    template sections differing: {sections}; resources added or "
                                        f"missing: {added}; changed: {changed}; notes differing: {notes[:3]}")
        finally:
            self.seconds["check"] += time.perf_counter() - started

    def _bug(self, message: str, error: BaseException) -> str:
        """Raise at once (hypothesis shrinks it), or with PROPERTY_COLLECT_BUGS=1 collect and go on."""
        if os.environ.get("PROPERTY_COLLECT_BUGS") == "1":
            self.bugs.append(f"{message}\n    {type(error).__name__}: {str(error)[:300]}")
            return "bug"
        raise LibraryBugError(f"{message}:\n{_short_traceback(error)}") from error

    def finish(self) -> dict[str, Any]:
        """Lint every accepted template, write the report, assert agreement."""
        started = time.perf_counter()
        for description, template in self._pending:
            errors = cfn_lint_errors(template)
            self.linted += 1
            if errors:
                self.template_problems.append(f"{description}\n    cfn-lint: " + "\n    ".join(errors))
        self._pending.clear()
        self.seconds["lint"] += time.perf_counter() - started
        report = self.report()
        self.report_dir.mkdir(parents=True, exist_ok=True)
        (self.report_dir / f"{self.construct}.json").write_text(json.dumps(report, indent=2))
        failures = {
            "false refusals (library rejects what the oracles accept)": self.false_refusals,
            "false acceptances (library accepts what the oracles reject)": self.false_acceptances,
            "ValidationErrors naming none of the offending fields": self.unnamed,
            "refusals that left something behind (the app differs from the example without the construct)":
                self.left_behind,
            "accepted examples whose batched build differs from the call-by-call one (tree order or template)":
                self.batch_order,
            "other exceptions (bugs)": self.bugs,
            "accepted templates that fail botocore, the service model, the cross-field rules or cfn-lint":
                self.template_problems,
        }
        message = "\n".join(f"{title}: {len(items)}\n  " + "\n  ".join(items[:5])
                            for title, items in failures.items() if items)
        assert not message, f"{self.construct}: {report}\n{message}"
        assert self.accepted > 0 and self.rejected > 0, f"{self.construct}: both outcomes must occur: {report}"
        return report

    def report(self) -> dict[str, Any]:
        return {
            "construct": self.construct,
            "examples": self.examples,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "disagreements": len(self.false_refusals) + len(self.false_acceptances) + len(self.unnamed),
            "false_refusals": len(self.false_refusals),
            "false_acceptances": len(self.false_acceptances),
            "unnamed_fields": len(self.unnamed),
            "left_behind": len(self.left_behind),
            "batch_order_differences": len(self.batch_order),
            "template_problems": len(self.template_problems),
            "classes": dict(sorted(self.classes.items())),
            "with_tokens": self.tokens,
            "with_wrong_types": self.wrong_types,
            "api_requests_validated": self.requests,
            "templates_linted": self.linted,
            "seconds": {k: round(v, 1) for k, v in self.seconds.items()},
        }


VALUE_CLASSES: dict[str, re.Pattern[str]] = {
    "token": re.compile(r"Tok\("),
    "wrong Python type": re.compile(r"Wrong\("),
    "non-finite number": re.compile(r"[=(,] ?-?(nan|inf)\b"),
    "integer beyond 32 bits": re.compile(r"[=(,] ?-?\d{10,}\b(?!')"),
    "empty string": re.compile(r"=''"),
    "edge-length string": re.compile(r"(.)\1{60,}"),
}
"""The value classes of edge values in a generated example (counted per run; ``test_value_classes.py``
proves that each construct's generator draws every required class)."""
REQUIRED_CLASSES = ("token", "wrong Python type", "non-finite number", "integer beyond 32 bits")


def value_classes(description: str) -> list[str]:
    """The classes of edge values an example's description shows."""
    return [name for name, pattern in VALUE_CLASSES.items() if pattern.search(description)]


def shorten(text: str) -> str:
    """Long runs of one character (generated edge lengths) as ``x×400``."""
    return re.sub(r"(.)\1{19,}", lambda m: f"{m.group(1)}×{len(m.group(0))}", text)


def _raised_by_library(error: BaseException) -> bool:
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and LIBRARY_ROOT in frames[-1].filename


def _short_traceback(error: BaseException) -> str:
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    text = "".join(lines)
    return text[-3000:]


def models_by_name(requests: Iterable[Request]) -> dict[str, Mapping[str, Any]]:
    """CreateModel requests by ModelName (as the variants name them)."""
    return {r.params["ModelName"]: r.params for r in requests if r.operation == "CreateModel"}


def only(requests: Iterable[Request], operation: str) -> list[Request]:
    return [r for r in requests if r.operation == operation]
