"""How the commands that read an assembly (guard, preflight, cost) print JSON and say they could not run."""

from __future__ import annotations

import json
from typing import Any, TextIO

__all__ = ["EXIT_COULD_NOT", "could_not", "unexpected", "write_json"]

EXIT_COULD_NOT = 2
"""Every command's exit code for "could not check" (an unreadable assembly, no credentials, ...)."""


def write_json(out: TextIO, data: Any) -> None:
    """``data`` as indented JSON and a newline, written whole or not at all. A NaN or an infinity raises
    ``ValueError`` (JSON has neither: a tool reading the report would fail on it)."""
    out.write(json.dumps(data, indent=2, default=str, allow_nan=False) + "\n")


def could_not(error: BaseException, *, command: str, what: str, as_json: bool, out: TextIO, err: TextIO) -> int:
    """Say why ``command`` could not ``what`` (on ``err``; as JSON on ``out`` with ``--json``); returns exit 2."""
    if as_json:
        write_json(out, {"error": str(error), "exit_code": EXIT_COULD_NOT})
    print(f"cdk-sagemaker-inference {command}: could not {what}: {error}", file=err)
    return EXIT_COULD_NOT


def unexpected(error: BaseException) -> str:
    """What to say when a command meets an input it does not understand (an exception it did not
    anticipate): the error and the innermost line of this package that raised it, to report."""
    import traceback
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename).resolve().is_relative_to(package)]
    where = (f" at {Path(frames[-1].filename).resolve().relative_to(package.parent).as_posix()}:{frames[-1].lineno}"
             if frames else "")
    return (f"an input has a shape this command does not read ({type(error).__name__}: {error}{where}): look "
            "for a value of the wrong kind in the template or file named; if the input deploys as it is, please "
            "report it")
