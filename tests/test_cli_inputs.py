"""The commands that read an assembly, given templates of every odd shape: each answers "could not check"
(exit 2, with JSON when asked for) or reads the template; none crashes (a crash exited 1, which `guard` and
`preflight` use for a finding) and none prints what JSON cannot carry (NaN).

The walk starts from the example app's real templates and replaces one value at a time: every property of
every resource the commands read (SageMaker, Application Auto Scaling, Step Functions, EventBridge), every
object section of a template and every object attribute of a resource. A new resource type or property the
commands start to read is walked from the day its example exists.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment

from cdk_sagemaker_inference.cli import main
from helpers import CDK_CONTEXT

_READ_TYPES = ("AWS::SageMaker::", "AWS::ApplicationAutoScaling::", "AWS::StepFunctions::StateMachine",
               "AWS::Events::Rule")
_WRONG: tuple[tuple[str, Any], ...] = (("int", 5), ("str", "x"), ("list", [1]), ("object", {"k": [1]}),
                                       ("negative", -3), ("huge", 1e308))
_ODD_DEFINITIONS: tuple[tuple[str, Any], ...] = (
    ("States a list", {"States": [1]}), ("a state a list", {"States": {"A": [1]}}),
    ("Branches a number", {"States": {"A": {"Type": "Parallel", "Branches": 3}}}),
    ("Branches of strings", {"States": {"A": {"Type": "Parallel", "Branches": ["x"]}}}),
    ("a branch's States a list", {"States": {"A": {"Type": "Parallel", "Branches": [{"States": [1]}]}}}),
    ("an iterator's States a list", {"States": {"A": {"Type": "Map", "Iterator": {"States": [1]}}}}),
    ("Parameters a list", {"States": {"A": {"Resource": "arn:aws:states:::sagemaker:createTransformJob.sync",
                                            "Parameters": [1]}}}),
    ("TransformResources a list", {"States": {"A": {"Resource": "arn:aws:states:::sagemaker:createTransformJob.sync",
                                                    "Parameters": {"TransformResources": [1]}}}}),
    ("not JSON", "{"), ("a list", [1]),
)
_MANIFEST = {"version": "36.0.0", "artifacts": {"S": {
    "type": "aws:cloudformation:stack", "environment": "aws://123456789012/us-east-1",
    "properties": {"templateFile": "S.template.json"}, "displayName": "S"}}}


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    from stacks.async_stack import AsyncStack
    from stacks.batch_stack import BatchStack
    from stacks.components_stack import ComponentsStack
    from stacks.realtime_stack import RealtimeStack
    from stacks.serverless_stack import ServerlessStack

    app = App(outdir=str(tmp_path_factory.mktemp("examples")),
              context={**CDK_CONTEXT, "aws:cdk:enable-path-metadata": True})
    env = Environment(account="123456789012", region="us-east-1")
    names = {"ServerlessInference": ServerlessStack, "RealtimeInference": RealtimeStack, "AsyncInference": AsyncStack,
             "BatchInference": BatchStack, "ComponentInference": ComponentsStack}
    for name, cls in names.items():
        cls(app, name, env=env)
    directory = Path(app.synth().directory)
    return {name: json.loads((directory / f"{name}.template.json").read_text()) for name in names}


def _mutations(templates: dict[str, dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, template) with one value replaced; each (resource type, property path, kind of value) once."""
    seen: set[str] = set()
    for label, template in _all_mutations(templates):
        stack, where, kind = label.split(" ", 1)[0], label.split(" ", 1)[1].rsplit(" = ", 1)[0], label.rsplit(" = ", 1)[-1]
        logical_id = where.split(".", 1)[0].split(" ", 1)[0]
        resource = templates[stack]["Resources"].get(logical_id)
        key = f"{resource['Type'] if resource else stack} {where.split('.', 1)[-1] if resource else where} {kind}"
        if key not in seen:
            seen.add(key)
            yield label, template


def _all_mutations(templates: dict[str, dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for stack, template in templates.items():
        for section in ("Resources", "Mappings", "Metadata", "Conditions", "Parameters"):
            yield f"{stack} {section} = list", {**template, section: [1]}
        for logical_id, resource in template["Resources"].items():
            if not resource["Type"].startswith(_READ_TYPES):
                continue
            for attribute in ("Properties", "Metadata"):
                for label, value in (("list", [1]), ("str", "x")):
                    yield (f"{stack} {logical_id}.{attribute} = {label}",
                           _with(template, logical_id, {**resource, attribute: value}))
            properties = resource.get("Properties", {})
            for name, current in properties.items():
                for label, value in _WRONG:
                    yield (f"{stack} {logical_id}.Properties.{name} = {label}",
                           _with(template, logical_id, {**resource, "Properties": {**properties, name: value}}))
                # one level deeper: each field of an object property, or of a list property's first object
                inner = current[0] if isinstance(current, list) and current and isinstance(current[0], dict) else (
                    current if isinstance(current, dict) and not any(k.startswith("Fn::") for k in current) else None)
                for key in inner or {}:
                    for label, value in _WRONG[:4]:
                        changed = {**inner, key: value}  # type: ignore[dict-item]
                        new = [changed, *current[1:]] if isinstance(current, list) else changed
                        yield (f"{stack} {logical_id}.Properties.{name}.{key} = {label}",
                               _with(template, logical_id, {**resource, "Properties": {**properties, name: new}}))
            if resource["Type"] == "AWS::StepFunctions::StateMachine":  # the definition is a JSON string
                for label, definition in _ODD_DEFINITIONS:
                    yield (f"{stack} {logical_id} definition {label}", _with(template, logical_id, {
                        **resource, "Properties": {**properties, "DefinitionString": json.dumps(definition)}}))


def _with(template: dict[str, Any], logical_id: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {**template, "Resources": {**template["Resources"], logical_id: resource}}


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))  # raises only if the command crashed past its last line of defence
    return code, out.getvalue(), err.getvalue()


def test_every_odd_template_is_read_or_could_not_be_checked(templates: dict[str, dict[str, Any]],
                                                            tmp_path: Path) -> None:
    directory = tmp_path / "cdk.out"
    directory.mkdir()
    (directory / "manifest.json").write_text(json.dumps(_MANIFEST))
    walked, wrong, read, refused = 0, [], 0, 0
    for label, template in _mutations(templates):
        (directory / "S.template.json").write_text(json.dumps(template))
        # guard against itself: whatever the shape, no change is a finding, so 1 can only be a crash
        for argv in (("cost", str(directory), "--json"),
                     ("guard", "--assembly", str(directory), "--baseline", str(directory), "--json")):
            walked += 1
            code, out, err = _run(*argv)
            try:
                report = _strict_json(out)
            except ValueError as error:
                wrong.append(f"{argv[0]} {label}: stdout is not JSON ({error}): {out[:120]!r}")
                continue
            if code not in (0, 2) or "Traceback" in err:
                wrong.append(f"{argv[0]} {label}: exit {code}: {err.strip()[:200]}")
            elif "does not read" in str(report.get("error")):  # the last line of defence is not a reader
                wrong.append(f"{argv[0]} {label}: reached main's catch-all: {report['error'][:200]}")
            elif code == 2 and not report.get("error"):
                wrong.append(f"{argv[0]} {label}: exit 2 without an error in the JSON")
            read += code == 0
            refused += code == 2
    assert walked > 600, walked
    assert wrong == [], f"{len(wrong)} of {walked} runs:\n" + "\n".join(wrong[:30])
    assert read > 0 and refused > 0, (read, refused)


def test_preflight_reads_every_odd_template_or_could_not_check(templates: dict[str, dict[str, Any]], tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """preflight on every fifth odd template, its AWS calls refused at once (a closed loopback port): it reads
    the template's own checks (names, Region mappings) or could not check; it never crashes. A finding (1)
    may be real here (an odd Mappings section is a Region-mapping finding)."""
    for name, value in {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing", "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard",
                        "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")
                        }.items():
        monkeypatch.setenv(name, value)
    directory = tmp_path / "cdk.out"
    directory.mkdir()
    (directory / "manifest.json").write_text(json.dumps(_MANIFEST))
    walked, wrong = 0, []
    for index, (label, template) in enumerate(_mutations(templates)):
        if index % 5:
            continue
        walked += 1
        (directory / "S.template.json").write_text(json.dumps(template))
        code, out, err = _run("preflight", "--assembly", str(directory), "--json")
        try:
            report = _strict_json(out)
        except ValueError as error:
            wrong.append(f"{label}: stdout is not JSON ({error}): {out[:120]!r}")
            continue
        if "Traceback" in err or code not in (0, 1, 2) or (code == 2 and not (
                report.get("error") or report.get("stacks_unchecked"))):
            wrong.append(f"{label}: exit {code}: {err.strip()[:200]}")
        elif "does not read" in str(report.get("error")):
            wrong.append(f"{label}: reached main's catch-all: {report['error'][:200]}")
    assert walked > 40, walked
    assert wrong == [], f"{len(wrong)} of {walked} runs:\n" + "\n".join(wrong[:30])


def test_the_shapes_cloudformation_refuses_are_named(templates: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    """A section or an attribute that must be an object is reported as the template's problem, not as an
    input the command does not read (the last line of defence)."""
    directory = tmp_path / "cdk.out"
    directory.mkdir()
    (directory / "manifest.json").write_text(json.dumps(_MANIFEST))
    template = templates["RealtimeInference"]
    [endpoint] = [k for k, r in template["Resources"].items() if r["Type"] == "AWS::SageMaker::Endpoint"]
    cases = {
        "Metadata must be an object, got list": {**template, "Metadata": [1]},
        f"resource {endpoint}: Properties must be an object, got list": _with(
            template, endpoint, {**template["Resources"][endpoint], "Properties": [1]}),
        f"resource {endpoint}: DependsOn must be a logical id or a list of them": _with(
            template, endpoint, {**template["Resources"][endpoint], "DependsOn": 5}),
    }
    for text, case in cases.items():
        (directory / "S.template.json").write_text(json.dumps(case))
        for argv in (("cost", str(directory), "--json"),
                     ("guard", "--assembly", str(directory), "--baseline", str(directory), "--json")):
            code, out, _ = _run(*argv)
            assert code == 2 and text in _strict_json(out)["error"], (argv[0], text, out)


def test_an_input_no_check_anticipated_is_exit_2_with_where_it_was_met(
        templates: dict[str, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last line of defence, in `main`: an exception no reader anticipated (the walk above finds none today;
    one is injected here) is "could not check", exit 2, with the error and the line that met it, as JSON."""
    from cdk_sagemaker_inference.cost import cli as cost_cli

    def unanticipated(*_: Any, **__: Any) -> Any:
        raise TypeError("'int' object is not iterable")

    monkeypatch.setattr(cost_cli, "estimate", unanticipated)
    directory = tmp_path / "cdk.out"
    directory.mkdir()
    (directory / "manifest.json").write_text(json.dumps(_MANIFEST))
    (directory / "S.template.json").write_text(json.dumps(templates["BatchInference"]))
    code, out, err = _run("cost", str(directory), "--json")
    error = _strict_json(out)["error"]
    assert code == 2 and "an input has a shape this command does not read (TypeError" in error, out
    assert "cdk_sagemaker_inference/cost/cli.py:" in error and "could not finish" in err


@pytest.mark.parametrize("price", ["NaN", "Infinity", "-5", "1e400"])
def test_an_offer_file_price_that_is_not_a_price_is_refused(price: str, tmp_path: Path,
                                                           templates: dict[str, dict[str, Any]]) -> None:
    """Found by review: "NaN" became a NaN in the --json output (not JSON) and "$nan" in the table."""
    directory = tmp_path / "cdk.out"
    directory.mkdir()
    (directory / "manifest.json").write_text(json.dumps(_MANIFEST))
    (directory / "S.template.json").write_text(json.dumps(templates["RealtimeInference"]))
    offer = {"offerCode": "AmazonSageMaker", "products": {"SKU": {"attributes": {
        "usagetype": "USE1-Host:ml.m5.large", "regionCode": "us-east-1"}}},
        "terms": {"OnDemand": {"SKU": {"T": {"priceDimensions": {"D": {"unit": "Hrs", "pricePerUnit": {
            "USD": price}}}}}}}}
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(offer))
    code, out, _ = _run("cost", str(directory), "--prices", str(path), "--json")
    assert code == 2 and f"pricePerUnit.USD '{price}' is not a price" in _strict_json(out)["error"]


def test_a_deployed_yaml_template_is_named_as_such() -> None:
    """Found by review: a stack deployed from YAML (by hand, or before the app moved to the CDK) gave
    "JSONDecodeError: Expecting value" as the reason the guard could not check it."""
    from cdk_sagemaker_inference.assembly import StackKey
    from cdk_sagemaker_inference.guard.deployed import _read

    class Client:
        def get_template(self, **_: Any) -> dict[str, Any]:
            return {"TemplateBody": "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"}

    with pytest.raises(ValueError, match=r"the deployed template of S is not JSON \(a YAML template") as caught:
        _read(Client(), "S", StackKey("S", "123456789012", "us-east-1"), "S")
    assert "deploy the stack once with `cdk deploy`" in str(caught.value)


def test_a_count_the_service_refuses_is_unknown_not_a_figure(templates: dict[str, dict[str, Any]],
                                                             tmp_path: Path) -> None:
    """Found by review: InitialInstanceCount -3 gave a floor of -2,190 instance-hours and 10**30 a 31-digit one."""
    directory = tmp_path / "cdk.out"
    directory.mkdir()
    (directory / "manifest.json").write_text(json.dumps(_MANIFEST))
    template = templates["RealtimeInference"]
    [config] = [k for k, r in template["Resources"].items() if r["Type"] == "AWS::SageMaker::EndpointConfig"]
    for count in (-3, 10**30):
        resource = template["Resources"][config]
        variants = [{**v, "InitialInstanceCount": count} for v in resource["Properties"]["ProductionVariants"]]
        odd = {**resource, "Properties": {**resource["Properties"], "ProductionVariants": variants}}
        (directory / "S.template.json").write_text(json.dumps(_with(template, config, odd)))
        code, out, _ = _run("cost", str(directory), "--json")
        rows = _strict_json(out)["rows"]
        assert code == 0 and all((r["floor_instance_hours"] or 0) >= 0 for r in rows), rows
        assert all(len(str(r["ceiling_instance_hours"] or 0)) < 12 for r in rows), rows


@pytest.mark.parametrize("arguments", [
    ["advise", "--payload-mb", "2", "--processing-seconds", "5", "--latency", "interactive",
     "--traffic", "intermittent", "--json"],
    ["advise", "--payload-mb", "2", "--processing-seconds", "5", "--latency", "interactive",
     "--traffic", "intermittent"],
    ["cost", "--json", "{assembly}"],
])
def test_a_reader_that_goes_away_ends_the_command_quietly(arguments: list[str], tmp_path: Path) -> None:
    """`advise --json | head -1` printed two BrokenPipeError tracebacks and exited 1, which means "no option
    fits" (found by review). The pipe here is closed before the command writes, so every write fails."""
    import os
    import subprocess
    import sys

    from cdk_sagemaker_inference.cli import EXIT_BROKEN_PIPE

    application = App(outdir=str(tmp_path / "cdk.out"), context=CDK_CONTEXT)
    application.synth()
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cdk_sagemaker_inference",
             *(a.format(assembly=tmp_path / "cdk.out") for a in arguments)],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120, check=False,
            env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"})  # a buffered stdout, as users run
    finally:
        os.close(write_end)
    assert done.returncode == EXIT_BROKEN_PIPE == 141, done.stderr
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr


def test_an_output_that_cannot_be_written_is_said_as_such() -> None:
    """A full disk while writing the output was reported as an input of an odd shape (found by review)."""
    import os
    import subprocess
    import sys

    if not os.path.exists("/dev/full"):  # pragma: no cover - Linux has it
        pytest.fail("this test needs /dev/full")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "cdk_sagemaker_inference", "advise", "--payload-mb", "2",
             "--processing-seconds", "5", "--latency", "interactive", "--traffic", "intermittent", "--json"],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120, check=False,
            env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"})
    assert done.returncode == 2, done.stderr
    assert "could not write the output" in done.stderr and "No space left on device" in done.stderr
    assert "Traceback" not in done.stderr and "odd shape" not in done.stderr and "Exception ignored" not in done.stderr
