"""Recognise CDK tokens (unresolved values) without a round trip into the jsii kernel.

aws-cdk-lib encodes tokens in plain values: strings hold ``${Token[...]}``, string lists hold
an element ``#{Token[...]}`` and numbers are doubles whose two top bytes are ``0xFBFF``
(``packages/aws-cdk-lib/core/lib/private/encoding.ts``). ``Token.is_unresolved`` answers the
same question, but each call crosses into node; validation runs on every prop of every
construct, so it uses this pure check instead (``tests/test_tokens.py`` proves both agree).
"""

from __future__ import annotations

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
