"""The ``cdk-sagemaker-inference`` command (also ``python -m cdk_sagemaker_inference``).

Subcommands:

``advise``
    Recommend a hosting option (real-time, serverless, async, batch transform) for a workload::

        cdk-sagemaker-inference advise --payload-mb 2 --processing-seconds 5 \\
            --latency interactive --traffic intermittent [--gpu] [--models N] [--json]

    Missing flags are asked for when standard input is a terminal; otherwise the command stops
    with an error that names them. Exit codes: 0 a recommendation, 1 no option fits the
    workload, 2 a usage error.

``guard``
    Refuse unsafe endpoint changes (instance-based -> serverless, async removed, ...) before
    ``cdk deploy``, comparing a cloud assembly with the deployed stacks::

        cdk-sagemaker-inference guard --assembly cdk.out [--json]

    Exit codes: 0 safe, 1 unsafe changes, 2 the check could not run.

``preflight``
    What synth cannot know, checked read-only in the target account before ``cdk deploy``: quotas,
    artifacts, images, registry versions, keys, topics, subnets, names already taken::

        cdk-sagemaker-inference preflight --assembly cdk.out [--json] [--strict]

    Exit codes: 0 nothing would fail, 1 something would, 2 could not check.

``cost``
    What each endpoint and batch job costs at rest (the floor) and at most (the ceiling), per month,
    before deploy; ``--baseline`` prints what a change does::

        cdk-sagemaker-inference cost cdk.out [--region R] [--prices OFFER.json] [--usage U.json] [--json]

    Exit codes: 0 the estimate, 2 the assembly, prices or usage could not be read.

``recommend import``
    A completed Inference Recommender or AI recommendation job into ``cdk.context.json``, read at synth
    by ``Recommendation.from_context``::

        cdk-sagemaker-inference recommend import JOB [--recommendation ID] [--json]

    Exit codes: 0 imported, 2 could not.

Each subcommand is one ``add_parser(subparsers)`` function that adds its parser and sets
``handler`` (a function of the parsed arguments returning the exit code); :data:`COMMANDS`
lists them, so a new subcommand is one function plus one entry.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from ._version import __version__
from .advisor import Latency, Traffic, Workload, cost_of, recommend, render_text, to_json
from .assembly.reports import could_not, unexpected
from .cost import cli as cost_cli
from .guard import cli as guard_cli
from .preflight import cli as preflight_cli
from .recommend import cli as recommend_cli

__all__ = ["COMMANDS", "EXIT_BROKEN_PIPE", "EXIT_NO_FIT", "EXIT_OK", "EXIT_USAGE", "add_advise_parser", "build_parser", "main"]

EXIT_OK = 0
"""A recommendation (or another subcommand's success)."""
EXIT_NO_FIT = 1
"""``advise``: no hosting option accepts the workload as described."""
EXIT_USAGE = 2
"""Wrong or missing arguments (argparse's convention)."""
EXIT_BROKEN_PIPE = 128 + 13
"""The reader of the output went away (``… | head``): the status of a process ended by SIGPIPE, which
says nothing of the command's answer, as 0, 1 and 2 do."""

_ADVISE_INPUTS: tuple[tuple[str, str, str], ...] = (
    ("payload_mb", "--payload-mb", "Payload of one request or response (batch: one record), in MB"),
    ("processing_seconds", "--processing-seconds", "Processing time of one request (batch: one mini-batch), in s"),
    ("latency", "--latency", "How soon is a result needed? " + " / ".join(m.value for m in Latency)),
    ("traffic", "--traffic", "How do requests arrive? " + " / ".join(m.value for m in Traffic)),
)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def add_advise_parser(subparsers: Any) -> None:
    """Add the ``advise`` subcommand to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "advise", help="recommend a hosting option for a workload",
        description="Recommend real-time, serverless, async or batch transform hosting from the documented "
                    "limits (6 MB / 60 s real-time, 4 MB / 60 s serverless, 1 GB / 1 h async, 100 MB "
                    "mini-batches for batch transform), with the constraints it implies and a construct "
                    "snippet. Missing flags are asked for when standard input is a terminal.",
        epilog="exit codes: 0 a recommendation, 1 no option fits, 2 usage error")
    parser.add_argument("--payload-mb", type=_positive, metavar="MB",
                        help="size of one request or response payload (batch: one record), in MB")
    parser.add_argument("--processing-seconds", type=_positive, metavar="SECONDS",
                        help="processing time of one request (batch: one mini-batch), in seconds")
    parser.add_argument("--latency", choices=[m.value for m in Latency],
                        help="interactive: a caller waits for the response; near-real-time: the result "
                             "is collected later (seconds to minutes); offline: nobody waits")
    parser.add_argument("--traffic", choices=[m.value for m in Traffic],
                        help="sustained: a steady stream; intermittent: bursts with idle periods; batch: a "
                             "whole dataset available up front")
    parser.add_argument("--gpu", action="store_true",
                        help="the model needs a GPU or another accelerator (Inferentia, Trainium, Gaudi)")
    parser.add_argument("--models", type=_whole, default=1, metavar="N",
                        help="how many models share the hosting (default 1); several accelerated models on "
                             "real-time hosting are recommended as inference components")
    parser.add_argument("--region", help="the Region whose list prices the cost figures use (default: no USD)")
    parser.add_argument("--requests-per-month", type=_positive, metavar="N",
                        help="expected requests a month: adds serverless compute and the serverless/real-time "
                             "break-even to the cost figures")
    parser.add_argument("--recommendation", metavar="JOB",
                        help="use what this imported recommendation job measured (recommend import JOB): the fleet "
                             "from its invocations a minute, its cost per hour and per inference")
    parser.add_argument("--context-file", default="cdk.context.json",
                        help="where recommend import wrote the job (default: cdk.context.json)")
    parser.add_argument("--json", action="store_true", help="print the recommendation as JSON (for tools)")
    parser.set_defaults(handler=run_advise)


def _whole(text: str) -> int:
    """A whole number ≥ 1 (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, got {text!r}")
    return value


COMMANDS: tuple[Callable[[Any], None], ...] = (add_advise_parser, guard_cli.add_parser, preflight_cli.add_parser,
                                                cost_cli.add_parser, recommend_cli.add_parser)
"""The subcommands' ``add_parser`` functions, in help order."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="cdk-sagemaker-inference",
        description="Tools for cdk-sagemaker-inference: typed AWS CDK constructs for SageMaker inference.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add_parser in COMMANDS:
        add_parser(subparsers)
    return parser


def _parse_answer(dest: str, text: str) -> Any:
    if dest in ("payload_mb", "processing_seconds"):
        return _positive(text)
    choices = Latency if dest == "latency" else Traffic
    try:
        return choices(text.strip().lower()).value
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected one of {', '.join(m.value for m in choices)}, got {text.strip()!r}") from None


def _ask(dest: str, question: str, stdin: TextIO, prompt_out: TextIO) -> Any:
    """Ask until a valid answer; EOF stops with a usage error."""
    while True:
        prompt_out.write(f"{question}: ")
        prompt_out.flush()
        line = stdin.readline()
        if not line:
            raise _UsageError(f"no answer for {dest.replace('_', '-')} (end of input)")
        try:
            return _parse_answer(dest, line.strip())
        except argparse.ArgumentTypeError as error:
            prompt_out.write(f"  {error}\n")


class _UsageError(Exception):
    """A usage error found after parsing (missing flags without a terminal)."""


def run_advise(args: argparse.Namespace, *, stdin: TextIO | None = None, stdout: TextIO | None = None,
               stderr: TextIO | None = None) -> int:
    """Run ``advise`` for parsed ``args``; returns the exit code.

    :param args: the parsed arguments. No default.
    :param stdin: where answers to prompts come from. Default: ``sys.stdin``.
    :param stdout: where the recommendation goes. Default: ``sys.stdout``.
    :param stderr: where prompts and errors go. Default: ``sys.stderr``.
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    missing = [(dest, flag, question) for dest, flag, question in _ADVISE_INPUTS if getattr(args, dest) is None]
    try:
        if missing:
            if not stdin.isatty():
                flags = ", ".join(flag for _, flag, _ in missing)
                raise _UsageError(f"missing {flags} (standard input is not a terminal, so there is no one to ask; "
                             f"pass every flag, e.g. --payload-mb 2 --processing-seconds 5 "
                             f"--latency interactive --traffic intermittent)")
            for dest, _flag, question in missing:
                setattr(args, dest, _ask(dest, question, stdin, stderr))
    except _UsageError as error:
        print(f"cdk-sagemaker-inference advise: error: {error}", file=stderr)
        return EXIT_USAGE
    workload = Workload(payload_mb=args.payload_mb, processing_seconds=args.processing_seconds,
                        latency=Latency(args.latency), traffic=Traffic(args.traffic), gpu=bool(args.gpu),
                        models=getattr(args, "models", 1) or 1)
    try:
        measured = _measured(getattr(args, "recommendation", None), getattr(args, "context_file", "cdk.context.json"))
    except _UsageError as error:
        print(f"cdk-sagemaker-inference advise: error: {error}", file=stderr)
        return EXIT_USAGE
    recommendation = recommend(workload)
    cost = cost_of(recommendation, region=getattr(args, "region", None),
                   requests_per_month=getattr(args, "requests_per_month", None), measured=measured)
    if args.json:
        json.dump({**to_json(recommendation), "cost": cost}, stdout, indent=2)
        stdout.write("\n")
    else:
        stdout.write(render_text(recommendation, cost))
    return EXIT_OK if recommendation.option is not None else EXIT_NO_FIT


def _measured(job: str | None, context_file: str) -> dict[str, Any] | None:
    """The measured figures of an imported recommendation job (None without ``job``)."""
    if job is None:
        return None
    from pathlib import Path

    from .recommend.importer import RecommendationImportError, context_key, entry_problems, read_context

    if not Path(context_file).exists():
        raise _UsageError(f"cannot read {context_file}: it does not exist")
    try:
        entry = read_context(context_file).get(context_key(job))
    except RecommendationImportError as error:
        raise _UsageError(str(error)) from error
    if not isinstance(entry, dict):
        raise _UsageError(f"no recommendation of job {job} in {context_file}: run `cdk-sagemaker-inference "
                          f"recommend import {job}` first")
    wrong = entry_problems(entry)
    if wrong:
        raise _UsageError(f"the recommendation of job {job} in {context_file} was edited: "
                          + "; ".join(f"{path} = {value!r} is not {expected}" for path, value, expected in wrong)
                          + f"; import it again: `cdk-sagemaker-inference recommend import {job}`")
    return {"job": job, "source": entry.get("source"), "recommendation_id": entry.get("recommendation_id"),
            **(entry.get("metrics") or {})}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (``sys.exit(main())`` in the console script).

    :param argv: the arguments without the program name. Default: ``sys.argv[1:]``.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version (0) and usage errors (2)
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        code = handler(args)
        sys.stdout.flush()  # a closed pipe or a full disk fails here, not at the interpreter's final flush
        return code
    except BrokenPipeError:
        # What Python's documentation advises for SIGPIPE: send what is still buffered to devnull, so that
        # neither this handler nor the interpreter's final flush prints a traceback on the closed pipe.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as error:
        if not _is_stdout_error(error):
            return _could_not_finish(args, error)
        print(f"could not write the output: {error}", file=sys.stderr)  # not an input's fault
        _silence_stdout()
        return EXIT_USAGE
    except Exception as error:
        return _could_not_finish(args, error)


def _could_not_finish(args: argparse.Namespace, error: Exception) -> int:
    # Exit 1 is a finding (guard: unsafe, preflight: would fail): an input the command cannot read
    # is "could not check" (2), with JSON when asked for, never a traceback.
    command = " ".join(str(part) for part in (args.command, getattr(args, "action", None)) if part)
    return could_not(RuntimeError(unexpected(error)), command=command, what="finish",
                     as_json=bool(getattr(args, "json", False)), out=sys.stdout, err=sys.stderr)


def _is_stdout_error(error: OSError) -> bool:
    """An error of writing the standard output (no file named: an ENOSPC or EIO on the stream itself)."""
    return error.filename is None and error.errno in (errno.ENOSPC, errno.EIO, errno.EINVAL)


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
