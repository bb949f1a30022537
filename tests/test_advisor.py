"""The hosting advisor: every branch of the documented decision, the JSON output, the snippets, the CLI."""

from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cdk_sagemaker_inference
from cdk_sagemaker_inference import CONSTRAINTS
from cdk_sagemaker_inference.advisor import (
    COMPONENT_CONSTRAINTS,
    IMPLIED_CONSTRAINTS,
    LIMITS,
    HostingOption,
    Latency,
    Recommendation,
    Traffic,
    Workload,
    recommend,
    render_text,
    snippet_for,
    to_json,
)
from cdk_sagemaker_inference.cli import EXIT_NO_FIT, EXIT_OK, EXIT_USAGE, build_parser, main, run_advise
from cdk_sagemaker_inference.constraints import constraint
from helpers import new_stack, template_of

R, S, A, B = HostingOption.REALTIME, HostingOption.SERVERLESS, HostingOption.ASYNC, HostingOption.BATCH
LIVE, NRT, OFF = Latency.INTERACTIVE, Latency.NEAR_REAL_TIME, Latency.OFFLINE
SUST, INT, BAT = Traffic.SUSTAINED, Traffic.INTERMITTENT, Traffic.BATCH


def advise(payload: float, seconds: float, latency: Latency, traffic: Traffic, gpu: bool = False) -> Recommendation:
    return recommend(Workload(payload_mb=payload, processing_seconds=seconds, latency=latency,
                              traffic=traffic, gpu=gpu))


# --------------------------------------------------------------------------- the documented limits
def test_limits_are_the_numbers_of_the_constraint_table_rows() -> None:
    expected_text = {R: ("6 MB", "60 s"), S: ("4 MB", "60 s"), A: ("1 GB", "3600"), B: ("100 MB", "3600 s")}
    for option, limit in LIMITS.items():
        for words in expected_text[option]:
            assert words in limit.row.rule, (option, words, limit.row.rule)
    assert (LIMITS[R].max_payload_mb, LIMITS[R].max_processing_seconds) == (6, 60)
    assert (LIMITS[S].max_payload_mb, LIMITS[S].max_processing_seconds) == (4, 60)
    assert (LIMITS[A].max_payload_mb, LIMITS[A].max_processing_seconds) == (1024, 3600)
    assert (LIMITS[B].max_payload_mb, LIMITS[B].max_processing_seconds) == (100, 3600)


def test_every_implied_constraint_is_a_row_of_the_table() -> None:
    ids = {c.id for c in CONSTRAINTS}
    for option, rows in IMPLIED_CONSTRAINTS.items():
        assert rows, option
        assert set(rows) <= ids, (option, set(rows) - ids)


# --------------------------------------------------------------------------- every branch
@pytest.mark.parametrize(("branch", "workload", "option"), [
    # traffic batch
    ("1 batch fits", (50, 600, OFF, BAT), B),
    ("1 batch fits at the limits", (100, 3600, NRT, BAT), B),
    ("2 record over 100 MB -> async", (500, 600, OFF, BAT), A),
    ("3 record over 1 GB", (2048, 60, OFF, BAT), None),
    ("3 mini-batch over an hour", (10, 4000, OFF, BAT), None),
    # online traffic beyond real-time limits
    ("4 payload over 6 MB -> async", (10, 5, NRT, INT), A),
    ("4 processing over 60 s -> async", (1, 300, OFF, SUST), A),
    ("4 at the async limits", (1024, 3600, NRT, SUST), A),
    ("5 payload over 1 GB", (1500, 5, NRT, INT), None),
    ("5 processing over an hour", (1, 3601, OFF, SUST), None),
    # within real-time limits
    ("6 sustained -> real-time", (1, 0.2, LIVE, SUST), R),
    ("6 sustained at the real-time limits", (6, 60, NRT, SUST), R),
    ("6 sustained with a GPU", (1, 1, LIVE, SUST, True), R),
    ("7 intermittent -> serverless", (1, 2, LIVE, INT), S),
    ("7 intermittent at the serverless limits", (4, 60, OFF, INT), S),
    ("8 intermittent 5 MB interactive -> real-time", (5, 2, LIVE, INT), R),
    ("8 intermittent GPU interactive -> real-time", (1, 2, LIVE, INT, True), R),
    ("9 intermittent 5 MB near-real-time -> async", (5, 2, NRT, INT), A),
    ("9 intermittent GPU offline -> async", (1, 2, OFF, INT, True), A),
])
def test_each_branch_of_the_decision(branch: str, workload: tuple[Any, ...], option: HostingOption | None) -> None:
    result = advise(*workload)
    assert result.option is option, branch
    assert result.reasons, branch
    if option is None:
        assert result.snippet is None and result.constraints == ()
        assert set(result.ruled_out) == set(HostingOption)
    else:
        assert set(result.ruled_out) == set(HostingOption) - {option}
        extra = list(COMPONENT_CONSTRAINTS) if result.inference_components else []
        assert [c.id for c in result.constraints] == list(IMPLIED_CONSTRAINTS[option]) + extra


def test_reasons_name_the_limit_that_rules_an_option_out() -> None:
    result = advise(10, 5, NRT, INT)
    assert "real-time accepts a payload of at most 6 MB; yours is 10 MB" in result.reasons
    assert result.ruled_out[S] == "serverless accepts a payload of at most 4 MB; yours is 10 MB"
    assert "at most 3600 s" not in " ".join(result.reasons)
    long = advise(1, 300, OFF, SUST)
    assert "real-time allows at most 60 s per invocation; yours takes 300 s" in long.reasons
    gpu = advise(1, 2, OFF, INT, True)
    assert gpu.ruled_out[S] == "serverless runs CPU images only (no GPU, Inferentia, Trainium or Gaudi)"
    assert any("CPU images only" in r for r in gpu.reasons)
    assert "async.runtime-limits" in " ".join(gpu.reasons)


def test_batch_record_too_large_names_the_mini_batch_limit() -> None:
    result = advise(500, 600, OFF, BAT)
    assert "batch transform accepts a mini-batch of at most 100 MB; yours is 500 MB" in result.reasons


def test_none_fits_says_how_to_get_out() -> None:
    result = advise(2048, 60, OFF, BAT)
    assert "no hosting option accepts 2 GB and 60 s per invocation" in result.reasons[0]
    assert "split the input into smaller records" in result.reasons[1]


def test_notes_for_interactive_callers() -> None:
    assert "provisioned_concurrency" in advise(1, 2, LIVE, INT).notes[0]
    assert "cold start" in advise(1, 2, NRT, INT).notes[0]
    assert "no synchronous answer" in advise(10, 5, LIVE, SUST).notes[0]
    assert "answers no single caller" in advise(50, 600, LIVE, BAT).notes[0]
    assert advise(50, 600, OFF, BAT).notes == ()
    assert "Availability Zone" in advise(1, 1, LIVE, SUST).notes[0]


def test_context_reasons_for_options_that_fit_but_lose() -> None:
    result = advise(1, 2, LIVE, INT)
    assert result.ruled_out[R] == "instances run (and bill) through the idle periods of intermittent traffic"
    assert result.ruled_out[B].startswith("needs the whole dataset up front")
    assert "answers through S3 and SNS" in result.ruled_out[A]
    sustained = advise(1, 2, OFF, SUST)
    assert "no cold starts" in sustained.ruled_out[S]
    batch = advise(1, 2, OFF, BAT)
    assert "available up front" in batch.ruled_out[R] and "available up front" in batch.ruled_out[S]
    assert "without queueing each item" in batch.ruled_out[A]


@pytest.mark.parametrize("bad", [{"payload_mb": 0}, {"payload_mb": -1}, {"processing_seconds": 0}])
def test_fails_when_a_workload_number_is_not_positive(bad: dict[str, float]) -> None:
    values: dict[str, Any] = {"payload_mb": 1, "processing_seconds": 1, "latency": LIVE, "traffic": INT, **bad}
    with pytest.raises(ValueError, match="must be > 0"):
        Workload(**values)


# --------------------------------------------------------------------------- snippets
SNIPPET_CASES = {
    S: [(1, 2, LIVE, INT), (1, 2, NRT, INT)],
    R: [(1, 1, LIVE, SUST), (1, 1, LIVE, SUST, True)],
    A: [(10, 5, NRT, INT), (10, 5, NRT, SUST, True)],
    B: [(50, 600, OFF, BAT)],
}


@pytest.mark.parametrize(("option", "workload"), [(o, w) for o, ws in SNIPPET_CASES.items() for w in ws])
def test_snippet_compiles_and_uses_the_public_api(option: HostingOption, workload: tuple[Any, ...]) -> None:
    snippet = advise(*workload).snippet
    assert snippet is not None and snippet == snippet_for(option, Workload(*workload[:4], gpu=len(workload) > 4))
    tree = ast.parse(compile(snippet, f"<{option.value} snippet>", "exec", ast.PyCF_ONLY_AST))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module == "cdk_sagemaker_inference" for alias in node.names}
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert option.construct in imported and option.construct in called
    used = {node.value.id for node in ast.walk(tree) if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)} | called
    assert imported <= used, imported - used  # no unused import in a paste-ready snippet


def test_snippets_follow_the_workload() -> None:
    assert "provisioned_concurrency=1" in snippet_for(S, Workload(1, 2, LIVE, INT))
    assert "provisioned_concurrency" not in snippet_for(S, Workload(1, 2, OFF, INT))
    assert "memory_size_mb=2048,  # one of 1024, 2048, 3072, 4096, 5120, 6144" in snippet_for(S, Workload(1, 2, OFF, INT))
    assert "InstanceType.G5_XLARGE" in snippet_for(R, Workload(1, 2, LIVE, SUST, gpu=True))
    assert '"2.3.0-gpu-py311"' in snippet_for(R, Workload(1, 2, LIVE, SUST, gpu=True))
    assert "InstanceType.M5_XLARGE" in snippet_for(R, Workload(1, 2, LIVE, SUST))
    assert "min_instances=0" in snippet_for(A, Workload(10, 5, NRT, INT))
    assert "min_instances=1" in snippet_for(A, Workload(10, 5, NRT, SUST))
    assert "max_payload_mb=50,  # ≥ the largest record; 0–100 MB" in snippet_for(B, Workload(49.2, 5, OFF, BAT))
    assert "max_payload_mb=1," in snippet_for(B, Workload(0.2, 5, OFF, BAT))


AVAILABLE = [o for o in HostingOption if o.construct in cdk_sagemaker_inference.__all__]


@pytest.mark.parametrize("option", AVAILABLE, ids=[o.value for o in AVAILABLE])
def test_snippet_synthesizes_with_the_construct_it_names(option: HostingOption) -> None:
    """Each snippet whose construct exists runs as-is inside a stack (ready to paste)."""
    stack = new_stack()
    namespace: dict[str, Any] = {"self": stack}
    exec(compile(snippet_for(option, Workload(*SNIPPET_CASES[option][0])), "<snippet>", "exec"), namespace)
    template = template_of(stack).to_json()
    types = {r["Type"] for r in template["Resources"].values()}
    assert "AWS::SageMaker::Model" in types


# --------------------------------------------------------------------------- rendering
def test_json_output_has_everything_a_tool_needs() -> None:
    data = to_json(advise(1, 2, LIVE, INT))
    assert json.loads(json.dumps(data)) == data
    assert data["recommendation"] == "serverless" and data["construct"] == "ServerlessEndpoint"
    assert data["workload"] == {"payload_mb": 1, "processing_seconds": 2, "latency": "interactive",
                                "traffic": "intermittent", "gpu": False, "models": 1}
    assert set(data["ruled_out"]) == {"realtime", "async", "batch"}
    assert data["limits"]["async"] == {"max_payload_mb": 1024, "max_processing_seconds": 3600,
                                       "constraint": "async.runtime-limits",
                                       "source": constraint("async.runtime-limits").source}
    assert [c["id"] for c in data["constraints"]] == list(IMPLIED_CONSTRAINTS[S])
    assert data["constraints"][1]["rule"] == constraint("serverless.memory").rule
    assert "ServerlessEndpoint(" in data["snippet"]


def test_json_output_when_none_fits() -> None:
    data = to_json(advise(2048, 60, OFF, BAT))
    assert data["recommendation"] is None and data["construct"] is None and data["snippet"] is None
    assert data["constraints"] == [] and set(data["ruled_out"]) == {"realtime", "serverless", "async", "batch"}


def test_text_output() -> None:
    text = render_text(advise(1, 1, LIVE, SUST))
    assert text.startswith("Recommended: RealtimeEndpoint (real-time)\n")
    assert "\nWhy:\n  - sustained traffic keeps instances busy" in text
    assert "  - serverless: sustained traffic keeps capacity busy" in text
    assert "  - realtime.runtime-limits [document]: invocations: 6 MB payload" in text
    assert "\n    endpoint = RealtimeEndpoint(\n" in text
    assert render_text(advise(2048, 60, OFF, BAT)).startswith("No single hosting option fits this workload.\n")


# --------------------------------------------------------------------------- the CLI
FLAGS = ["advise", "--payload-mb", "2", "--processing-seconds", "5", "--latency", "interactive",
         "--traffic", "intermittent"]


class Terminal(io.StringIO):
    """Standard input that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_cli_prints_the_recommendation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(FLAGS) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("Recommended: ServerlessEndpoint (serverless)")


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*FLAGS, "--json", "--gpu"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["recommendation"] == "realtime" and data["workload"]["gpu"] is True


def test_cli_exit_code_when_nothing_fits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["advise", "--payload-mb", "5000", "--processing-seconds", "5", "--latency", "offline",
                 "--traffic", "batch", "--json"]) == EXIT_NO_FIT
    assert json.loads(capsys.readouterr().out)["recommendation"] is None


@pytest.mark.parametrize("argv", [
    ["advise", "--payload-mb", "-3", "--processing-seconds", "5", "--latency", "offline", "--traffic", "batch"],
    ["advise", "--payload-mb", "abc", "--processing-seconds", "5", "--latency", "offline", "--traffic", "batch"],
    ["advise", "--payload-mb", "1", "--processing-seconds", "5", "--latency", "soon", "--traffic", "batch"],
    ["advise", "--payload-mb", "1", "--processing-seconds", "nan", "--latency", "offline", "--traffic", "batch"],
    ["frobnicate"],
    [],
])
def test_cli_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == EXIT_USAGE
    assert "error:" in capsys.readouterr().err


def test_cli_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == EXIT_OK
    assert capsys.readouterr().out.strip() == f"cdk-sagemaker-inference {cdk_sagemaker_inference.__version__}"
    assert main(["advise", "--help"]) == EXIT_OK
    assert "--traffic" in capsys.readouterr().out


def test_missing_flags_without_a_terminal_is_a_clear_error() -> None:
    args = build_parser().parse_args(["advise", "--payload-mb", "2", "--json"])
    err, out = io.StringIO(), io.StringIO()
    assert run_advise(args, stdin=io.StringIO(""), stdout=out, stderr=err) == EXIT_USAGE
    assert "missing --processing-seconds, --latency, --traffic (standard input is not a terminal" in err.getvalue()
    assert out.getvalue() == ""


def test_missing_flags_are_asked_for_on_a_terminal() -> None:
    args = build_parser().parse_args(["advise", "--json"])
    answers = Terminal("0\n2\nabc\n5\nsoonish\nInteractive\nsustained\n")
    err, out = io.StringIO(), io.StringIO()
    assert run_advise(args, stdin=answers, stdout=out, stderr=err) == EXIT_OK
    prompts = err.getvalue()
    assert "Payload of one request or response" in prompts and "expected a number > 0, got '0'" in prompts
    assert "expected a number, got 'abc'" in prompts
    assert "expected one of interactive, near-real-time, offline, got 'soonish'" in prompts
    data = json.loads(out.getvalue())
    assert data["workload"] == {"payload_mb": 2.0, "processing_seconds": 5.0, "latency": "interactive",
                                "traffic": "sustained", "gpu": False, "models": 1}
    assert data["recommendation"] == "realtime"


def test_end_of_input_while_asking_is_a_usage_error() -> None:
    args = build_parser().parse_args(["advise", "--payload-mb", "1", "--processing-seconds", "1"])
    err = io.StringIO()
    assert run_advise(args, stdin=Terminal("offline\n"), stdout=io.StringIO(), stderr=err) == EXIT_USAGE
    assert "no answer for traffic (end of input)" in err.getvalue()


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "cdk_sagemaker_inference", *FLAGS, "--json"],
                          capture_output=True, text=True, timeout=120, env=_env(), stdin=subprocess.DEVNULL)
    assert done.returncode == EXIT_OK, done.stderr
    assert json.loads(done.stdout)["construct"] == "ServerlessEndpoint"


def test_console_script_exit_code_without_a_terminal() -> None:
    script = Path(sys.executable).with_name("cdk-sagemaker-inference")
    assert script.exists(), "the console script is installed with the package (pip install -e .)"
    done = subprocess.run([str(script), "advise", "--payload-mb", "1"], capture_output=True, text=True,
                          timeout=120, env=_env(), stdin=subprocess.DEVNULL)
    assert done.returncode == EXIT_USAGE
    assert "missing --processing-seconds, --latency, --traffic" in done.stderr
