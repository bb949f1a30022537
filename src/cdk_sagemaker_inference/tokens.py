"""Recognise CDK tokens (unresolved values) without a round trip into the jsii kernel.

aws-cdk-lib encodes tokens in plain values: strings hold ``${Token[...]}``, string lists hold
an element ``#{Token[...]}`` and numbers are doubles whose two top bytes are ``0xFBFF``
(``packages/aws-cdk-lib/core/lib/private/encoding.ts``). ``Token.is_unresolved`` answers the
same question, but each call crosses into node; validation runs on every prop of every
construct, so it uses this pure check instead (``tests/test_tokens.py`` proves both agree).
"""

from __future__ import annotations

import re
import struct
from typing import Any

_STRING_MARKERS = ("${Token[", "#{Token[")
_NUMBER_MARKER = b"\xfb\xff"


def is_unresolved(value: Any) -> bool:
    """True when ``value`` is, or contains, a CDK token that resolves only at deploy time."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        return any(marker in value for marker in _STRING_MARKERS)
    if isinstance(value, float):
        return struct.pack(">d", value)[:2] == _NUMBER_MARKER
    if isinstance(value, int):
        return False
    if isinstance(value, (list, tuple)):
        return any(is_unresolved(item) for item in value)
    # Any other object (an IResolvable from jsii, a Lazy) is resolved by CDK at synth.
    return type(value).__module__.startswith(("aws_cdk", "jsii"))


def literal_prefix(value: str) -> str:
    """The text of a token string before its first token (``"x-"`` for ``"x-${Token[AWS.Region.9]}"``):
    whatever the tokens resolve to at deploy time, the value starts with it."""
    cut = min((value.find(marker) for marker in _STRING_MARKERS if marker in value), default=len(value))
    return value[:cut]


_TOKEN_TEXT = re.compile(r"[$#]\{Token\[[^\]]*\]\}")


def literal_parts(value: str) -> list[str]:
    """The literal text of a token string around its tokens: ``["my-", "-x"]`` for ``"my-${Token[A]}-x"``
    (the first part is before the first token, the last after the last one; either may be empty)."""
    return _TOKEN_TEXT.split(value)


def lower_literals(value: str) -> str:
    """``value.lower()`` for the literal text only: a token's encoding (``${Token[AWS.Region.9]}``) is
    its identity, and lower-casing it leaves a string that no longer resolves. SageMaker lower-cases
    names in ARNs; a token's value is left as it resolves."""
    if not is_unresolved(value):
        return value.lower()
    parts: list[str] = []
    last = 0
    for match in _TOKEN_TEXT.finditer(value):
        parts.append(value[last:match.start()].lower())
        parts.append(match.group())
        last = match.end()
    parts.append(value[last:].lower())
    return "".join(parts)


_PATTERN_META = frozenset("\\.^$*+?{}[]|()")


def pattern_prefix(pattern: str) -> str:
    """The literal text an anchored pattern requires first (``"arn:aws"`` for ``^arn:aws[a-z\\-]*:...``);
    empty when the pattern starts with a class, a group or anything else that is not literal."""
    body = pattern[1:] if pattern.startswith("^") else ""
    prefix: list[str] = []
    for char in body:
        if char in _PATTERN_META:
            # A quantifier applies to the character before it, which is then not required.
            return "".join(prefix[:-1] if char in "*?{" and prefix else prefix)
        prefix.append(char)
    return "".join(prefix)


def can_start_alike(value: str, required: str) -> bool:
    """Whether a token string whose literal prefix is ``literal_prefix(value)`` can still begin with
    ``required`` (one is a prefix of the other)."""
    given = literal_prefix(value)
    return given.startswith(required) or required.startswith(given)


def shown_number(value: float) -> str:
    """``value`` in a text the template holds (an alarm's description): as written, or for a number known at
    deploy time its token string, which the template resolves (``f"{token:g}"`` prints the token's encoding, a
    huge negative number)."""
    if is_unresolved(value):
        from aws_cdk import Tokenization

        return Tokenization.stringify_number(value)
    return f"{value:g}"
