"""How the commands that read an assembly (guard, preflight, cost) print JSON and say they could not run."""

from __future__ import annotations

import json
from typing import Any, TextIO

__all__ = ["EXIT_COULD_NOT", "could_not", "write_json"]

EXIT_COULD_NOT = 2
"""Every command's exit code for "could not check" (an unreadable assembly, no credentials, ...)."""


def write_json(out: TextIO, data: Any) -> None:
    """``data`` as indented JSON and a newline."""
    json.dump(data, out, indent=2, default=str)
    out.write("\n")


def could_not(error: BaseException, *, command: str, what: str, as_json: bool, out: TextIO, err: TextIO) -> int:
    """Say why ``command`` could not ``what`` (on ``err``; as JSON on ``out`` with ``--json``); returns exit 2."""
    if as_json:
        write_json(out, {"error": str(error), "exit_code": EXIT_COULD_NOT})
    print(f"cdk-sagemaker-inference {command}: could not {what}: {error}", file=err)
    return EXIT_COULD_NOT
