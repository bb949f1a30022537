"""Small pure checks that turn a value and a constraint row into problems.

Each check reads its limits from the constraint table, so the number in the message is the
number that was checked. An unresolved CDK token is skipped when the construct is created; while a
construct is being created (:func:`deferring`) the check is also recorded, so that a token aws-cdk-lib
resolves to a literal at synth (``Lazy.number(...)``, ``Lazy.string(...)``) is checked then
(``constructs/_synth_checks.py``); one known only at deploy time (a parameter, an attribute) stays unchecked.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import math
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Any, TypeVar

from ..constraints import Constraint, constraint
from ..errors import Problem
from ..tokens import can_start_alike, is_unresolved, literal_parts, literal_prefix, pattern_prefix


def _fmt(number: float | None) -> str:
    if number is None:
        return "?"
    return str(int(number)) if float(number).is_integer() else str(number)


@dataclasses.dataclass(frozen=True)
class DeferredCheck:
    """A check a token skipped: ``kind().<method>(constraint_id, field, <resolved value>, **options)``."""

    kind: type[Checker]
    method: str
    constraint_id: str
    field: str
    value: Any
    options: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class DeferredValidation:
    """A validator (:func:`revalidated`) called with a token among its arguments: called again at synth with the
    tokens that then resolve to literals replaced by them, for its rules between values (``a ≤ b``), which skip a
    token without recording a check."""

    function: Callable[..., list[Problem]]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    initial: frozenset[str] = frozenset()
    """The problems (rendered) it found when the construct was created: the construct raised or noted those."""


Deferred = DeferredCheck | DeferredValidation

_DEFERRED: contextvars.ContextVar[list[Deferred] | None] = contextvars.ContextVar("deferred_checks", default=None)


@contextlib.contextmanager
def deferring() -> Iterator[list[Deferred]]:
    """Record, while the block runs, the checks tokens skipped (one construct's creation; a construct created
    inside it records its own)."""
    recorded: list[Deferred] = []
    token = _DEFERRED.set(recorded)
    try:
        yield recorded
    finally:
        _DEFERRED.reset(token)


F = TypeVar("F", bound=Callable[..., list[Problem]])


def revalidated(function: F) -> F:
    """A pure validator (plain values in, problems out) whose call is made again at synth when one of its arguments
    holds a token while a construct is created (:func:`deferring`): its rules between two values skip a token
    without recording anything, and a Lazy value resolves to a literal at synth."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> list[Problem]:
        found = function(*args, **kwargs)
        recorded = _DEFERRED.get()
        if recorded is not None and holds_token((args, kwargs)):
            recorded.append(DeferredValidation(function, args, dict(kwargs), frozenset(p.render() for p in found)))
        return found

    return typing.cast(F, wrapper)


def holds_token(value: Any, depth: int = 0) -> bool:
    """Whether a plain value (strings, numbers, lists, tuples, dicts, dataclasses of them) holds a token."""
    if depth > 6:
        return False
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return is_unresolved(value)
    if isinstance(value, (list, tuple)):
        return any(holds_token(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return any(holds_token(item, depth + 1) for item in value.values())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(holds_token(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    return False


def defer(kind: type[Checker], method: str, constraint_id: str, field: str, value: Any, **options: Any) -> None:
    """Record ``kind().<method>(constraint_id, field, value, **options)`` for synth (while :func:`deferring`)."""
    recorded = _DEFERRED.get()
    if recorded is not None:
        recorded.append(DeferredCheck(kind, method, constraint_id, field, value, options))


class Checker:
    """Collects problems; the construct raises them together as one ValidationError."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    # -- the one place problems are made --------------------------------------------------
    def fail(self, constraint_id: str, field: str, value: Any, message: str, fix: str) -> None:
        """Record that ``field`` (given ``value``) breaks the rule ``constraint_id``."""
        row = constraint(constraint_id)
        self.problems.append(
            Problem(
                constraint_id=row.id,
                field=field,
                value=value,
                message=message,
                allowed=row.rule,
                fix=fix,
                source=row.source,
            )
        )

    # -- typed checks ----------------------------------------------------------------------
    def number(
        self,
        constraint_id: str,
        field: str,
        value: Any,
        *,
        fix: str | None = None,
        integer: bool = True,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> bool:
        """Check a number's type and range (limits default to the row's). True when it passed."""
        if value is None:
            return True
        if is_unresolved(value):
            defer(type(self), "number", constraint_id, field, value, fix=fix, integer=integer, minimum=minimum, maximum=maximum)
            return True
        row = constraint(constraint_id)
        low = row.minimum if minimum is None else minimum
        high = row.maximum if maximum is None else maximum
        unit = f" {row.unit}" if row.unit else ""
        valid_type = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not valid_type:
            kind = "a whole number" if integer else "a number"
            self.fail(constraint_id, field, value, f"must be {kind}, got {type(value).__name__}",
                      fix or f"pass {kind} ({row.rule})")
            return False
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = _bounds(low, high)
            self.fail(constraint_id, field, value, f"{_fmt(value)}{unit} is out of range: must be {bounds}{unit}",
                      fix or f"use a value {bounds}{unit}")
            return False
        return True

    def positive(self, constraint_id: str, field: str, value: Any, *, fix: str, type_fix: str | None = None,
                 out_of_range: str = "{value} is not > 0") -> bool:
        """Check a number > 0 (a target value: the row's rule). ``out_of_range`` words the message
        (``{value}`` is the value given). True when it passed."""
        if value is None:
            return True
        if is_unresolved(value):
            defer(type(self), "positive", constraint_id, field, value, fix=fix, type_fix=type_fix,
                  out_of_range=out_of_range)
            return True
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(constraint_id, field, value, f"must be a number, got {type(value).__name__}", type_fix or fix)
            return False
        if not math.isfinite(value) or value <= 0:
            self.fail(constraint_id, field, value, out_of_range.format(value=value), fix)
            return False
        return True

    def one_of(self, constraint_id: str, field: str, value: Any, *, fix: str | None = None,
               allowed: Iterable[Any] | None = None) -> bool:
        """Check that ``value`` is in the row's allowed set (or ``allowed``); a token string whose literal
        start no allowed value shares is refused too (no resolution can make it allowed)."""
        if value is None:
            return True
        row = constraint(constraint_id)
        choices = tuple(allowed if allowed is not None else (row.allowed or ()))
        if is_unresolved(value):
            defer(type(self), "one_of", constraint_id, field, value, fix=fix, allowed=choices)
            return self._token_start(constraint_id, field, value, [str(c) for c in choices], fix)
        if isinstance(value, bool) or value not in choices:
            shown = ", ".join(str(c) for c in choices)
            unit = f" {row.unit}" if row.unit else ""
            self.fail(constraint_id, field, value, f"{value!r} is not allowed: must be one of {shown}{unit}",
                      fix or f"use one of {shown}{unit}")
            return False
        return True

    def text(self, constraint_id: str, field: str, value: Any, *, fix: str | None = None,
             pattern: bool = True) -> bool:
        """Check a string's type, length (row's max_length) and pattern (row's, anchored). Of a token
        string, the literal start is checked against the literal start the pattern requires."""
        if value is None:
            return True
        row = constraint(constraint_id)
        if is_unresolved(value):
            defer(type(self), "text", constraint_id, field, value, fix=fix, pattern=pattern)
            required = pattern_prefix(row.pattern) if pattern and row.pattern else ""
            return (self._token_start(constraint_id, field, value, [required] if required else [], fix)
                    and (not pattern or self._token_literals(constraint_id, field, value, fix)))
        if not isinstance(value, str):
            self.fail(constraint_id, field, value, f"must be a string, got {type(value).__name__}",
                      fix or f"pass a string ({row.rule})")
            return False
        if row.max_length is not None and len(value) > row.max_length:
            self.fail(constraint_id, field, value,
                      f"is {len(value)} characters long: at most {row.max_length} are allowed",
                      fix or f"shorten it to {row.max_length} characters or fewer")
            return False
        if pattern and row.pattern is not None and not re.fullmatch(row.pattern, value):
            self.fail(constraint_id, field, value, f"does not match {row.pattern}",
                      fix or f"use {row.rule}")
            return False
        return True

    def _token_start(self, constraint_id: str, field: str, value: Any, starts: list[str], fix: str | None) -> bool:
        """A token string must be able to begin like one of ``starts`` (no check when ``starts`` is empty)."""
        if not isinstance(value, str) or not starts or any(can_start_alike(value, start) for start in starts):
            return True
        row = constraint(constraint_id)
        self.fail(constraint_id, field, value,
                  f"starts with {literal_prefix(value)!r} before its first token: whatever the token resolves to "
                  f"at deploy time, the value cannot be {row.rule}", fix or f"use {row.rule}")
        return False

    def _token_literals(self, constraint_id: str, field: str, value: Any, fix: str | None) -> bool:
        """The literal text around a token string's tokens, against a name-like row (a pattern of character
        classes that "a" matches: names, job prefixes, tags): a character the pattern never holds, a first or
        last character it cannot start or end with, or more literal characters than the row allows cannot
        become valid, whatever the tokens resolve to."""
        row = constraint(constraint_id)
        pattern = row.pattern
        if not isinstance(value, str) or pattern is None or "arn:" in pattern or not re.fullmatch(pattern, "a"):
            return True
        parts = literal_parts(value)
        literal = "".join(parts)
        why = ""
        if row.max_length is not None and len(literal) > row.max_length:
            why = f"has {len(literal)} literal characters besides its tokens: at most {row.max_length} are allowed"
        elif bad := sorted({c for c in literal if not _can_hold(pattern, c)}):
            why = f"has {', '.join(repr(c) for c in bad)} in its literal text"
        elif parts[0] and not any(re.fullmatch(pattern, probe) for probe in (parts[0][0], parts[0][0] + "a")):
            why = f"starts with {parts[0][0]!r}"
        elif parts[-1] and not any(re.fullmatch(pattern, probe) for probe in (parts[-1][-1], "a" + parts[-1][-1])):
            why = f"ends with {parts[-1][-1]!r}"
        if not why:
            return True
        self.fail(constraint_id, field, value, f"{why}: whatever its tokens resolve to at deploy time, the value "
                  f"cannot be {row.rule}", fix or f"use {row.rule}")
        return False

    def count(self, constraint_id: str, field: str, items: Sized | None, *, fix: str | None = None,
              minimum: float | None = None, maximum: float | None = None) -> bool:
        """Check the number of entries of a collection (limits default to the row's)."""
        if items is None or is_unresolved(items):
            return True
        row = constraint(constraint_id)
        low = row.minimum if minimum is None else minimum
        high = row.maximum if maximum is None else maximum
        size = len(items)
        if (low is not None and size < low) or (high is not None and size > high):
            self.fail(constraint_id, field, size, f"has {size} entries: must have {_bounds(low, high)}",
                      fix or f"give {_bounds(low, high)} entries")
            return False
        return True


BUCKET_NAME_MIN_LENGTH = 3
"""The shortest S3 bucket name (S3 bucket naming rules: 3 to 63 characters)."""
UNKNOWN_BUCKET_NAME = "<?>"
"""What a validated S3 URI holds for a bucket named only at deploy time (or created by the construct): S3's
shortest name length, so no length check refuses a URI that some bucket makes fit, and no bucket's real name,
so a message that shows the URI does not name a bucket the user never gave."""


def key_in_unknown_bucket(url: object) -> str | None:
    """The key of a validation URL whose bucket is the placeholder (named at deploy time), else None."""
    placeholder = f"s3://{UNKNOWN_BUCKET_NAME}/"
    return url.removeprefix(placeholder) if isinstance(url, str) and url.startswith(placeholder) else None


BUCKET_NAME_MAX_LENGTH = 63
"""The longest S3 bucket name, and the longest CloudFormation generates for a bucket without a name."""


def unknown_bucket_length(warnings: Checker, field: str, key: object, limit: int, *, extra_length: int = 0,
                          what: str = "location") -> None:
    """A warning (``props.s3-unknown-bucket-length``) when ``s3://<bucket>/<key>`` in a bucket named only at
    deploy time fits ``limit`` with a short bucket name but not with S3's longest: what SageMaker does then
    depends on the name, so it is advice, never a refusal (a key no bucket name fits is refused elsewhere)."""
    if not isinstance(key, str) or is_unresolved(key):
        return
    room = limit - len("s3:///") - len(key) - extra_length  # the longest bucket name that fits
    if not BUCKET_NAME_MIN_LENGTH <= room < BUCKET_NAME_MAX_LENGTH:
        return
    added = f" plus {extra_length} characters each run appends" if extra_length else ""
    warnings.fail("props.s3-unknown-bucket-length", field, key if len(key) <= 60 else f"{key[:40]}… ({len(key)} "
                  "characters)",
                  f"the {what} s3://<bucket>/…{added} fits its {limit}-character limit only if the bucket's name has "
                  f"at most {room} characters, and the name is known only at deploy time (a bucket the construct "
                  f"creates gets one from CloudFormation, up to {BUCKET_NAME_MAX_LENGTH} characters)",
                  f"shorten {field} by {BUCKET_NAME_MAX_LENGTH - room} characters (then every bucket name fits), or "
                  "use a bucket whose name is a literal")


def check_s3_uri(check: Checker, constraint_id: str, field: str, bucket_name: object, key: object, *,
                 extra_length: int = 0, what: str = "location", warnings: Checker | None = None) -> bool:
    """``s3://<bucket>/<key>`` (plus ``extra_length`` characters that each run appends) within the row's
    length. A bucket whose name is a token counts as the shortest name S3 allows, so only a key too long
    for any bucket is refused (what SageMaker accepts is never refused); ``warnings`` gets
    :func:`unknown_bucket_length`'s advice when only some names fit. True when it fits."""
    if not isinstance(key, str) or is_unresolved(key):
        return True
    resolved = isinstance(bucket_name, str) and not is_unresolved(bucket_name)
    total = len(f"s3://{bucket_name if resolved else UNKNOWN_BUCKET_NAME}/{key}") + extra_length
    limit = constraint(constraint_id).max_length or 1024
    if total <= limit:
        if not resolved and warnings is not None:
            unknown_bucket_length(warnings, field, key, limit, extra_length=extra_length, what=what)
        return True
    shown = f"s3://{bucket_name}/…" if resolved else "s3://<bucket>/…"
    added = f" plus {extra_length} characters each run appends" if extra_length else ""
    assumed = "" if resolved else f" even with the shortest bucket name ({BUCKET_NAME_MIN_LENGTH} characters)"
    check.fail(constraint_id, field, key if len(key) <= 60 else f"{key[:40]}… ({len(key)} characters)",
               f"the {what} {shown}{added} would be {total} characters long{assumed}: at most {limit} are allowed",
               f"shorten {field} to {max(0, len(key) - (total - limit))} characters or fewer")
    return False


def _can_hold(pattern: str, char: str) -> bool:
    """Whether some value of a name-like ``pattern`` holds ``char`` (alone, or between letters)."""
    return any(re.fullmatch(pattern, probe) for probe in (char, "a" + char, char + "a", "a" + char + "a"))


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"between {_fmt(low)} and {_fmt(high)}"
    if low is not None:
        return f"at least {_fmt(low)}"
    return f"at most {_fmt(high)}"


def describe(row: Constraint) -> str:
    """The rule in one line, for docs: ``rule (source)``."""
    return f"{row.rule} ({row.source})"
