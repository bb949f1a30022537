"""What it costs: capacity figures against hand-computed values for every kind, prices from an offer
file (a hand-made fixture in the AWS Price List format), the cost command (table, --json, --usage,
--baseline, exit codes), the synth-time note and the opt-in budgets.

Every expected figure below is computed by hand from the props in the test (730 hours a month), not
read back from the library."""

from __future__ import annotations

import io
import json
from argparse import Namespace
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_applicationautoscaling as appscaling

from api_baselines import model as cpu_model
from cdk_sagemaker_inference import (
    AsyncEndpoint,
    ComputeRequirements,
    ContainerImage,
    CopyScaling,
    InferenceComponent,
    InferenceComponentEndpoint,
    InstanceScaling,
    InstanceType,
    ManagedInstanceScaling,
    ModelData,
    ProductionVariant,
    ProvisionedConcurrencyScaling,
    RealtimeEndpoint,
    ScheduledCapacity,
    ServerlessEndpoint,
)
from cdk_sagemaker_inference.cli import main
from cdk_sagemaker_inference.cost import Usage, estimate
from cdk_sagemaker_inference.cost.capacity import runs_per_month
from cdk_sagemaker_inference.cost.cli import run
from cdk_sagemaker_inference.cost.prices import PriceError, PriceTable, parse_offer_file, read_offer_file
from helpers import CDK_CONTEXT, ROOT, infos_of, warnings_of

OFFER = ROOT / "tests" / "data" / "offer-AmazonSageMaker-handmade.json"
ENV = Environment(account="123456789012", region="us-east-1")
H = 730  # hours a month


def app(tmp_path: Path, **context: Any) -> App:
    """An app as `cdk synth` runs it: construct paths in the template metadata (what ``cost`` names rows by)."""
    return App(outdir=str(tmp_path / "cdk.out"),
               context={**CDK_CONTEXT, "aws:cdk:enable-path-metadata": True, **context})


def stack(application: App, name: str = "Costs") -> Stack:
    return Stack(application, name, env=ENV)


def rows_of(application: App, prices: PriceTable | None = None, **kwargs: Any) -> dict[str, Any]:
    from cdk_sagemaker_inference.assembly import read_assembly

    assembly = application.synth()
    return {row.path: row for row in estimate(read_assembly(assembly.directory), prices or read_offer_file(OFFER),
                                              **kwargs)}


# -- capacity figures, one kind at a time -----------------------------------------------------------------------
def test_a_fixed_count_realtime_endpoint_costs_the_same_at_floor_and_ceiling(tmp_path: Path) -> None:
    application = app(tmp_path)
    s = stack(application)
    RealtimeEndpoint(s, "Fixed", model=cpu_model(s), instance_type=InstanceType.M5_LARGE, instance_count=2)
    row = rows_of(application)["Costs/Fixed"]
    assert (row.floor_instance_hours, row.ceiling_instance_hours) == (2 * H, 2 * H)
    assert (row.floor_usd_month, row.ceiling_usd_month) == (2 * H * 1.0, 2 * H * 1.0)  # fixture: $1.00/h
    assert row.price_source is not None and "20260101000000" in row.price_source


def test_autoscaling_floor_ceiling_and_a_scheduled_minimum_below_the_floor(tmp_path: Path) -> None:
    application = app(tmp_path)
    s = stack(application)
    night = ScheduledCapacity(schedule=appscaling.Schedule.cron(hour="0", minute="0"), min_capacity=1)
    peak = ScheduledCapacity(schedule=appscaling.Schedule.cron(hour="8", minute="0"), max_capacity=8)
    RealtimeEndpoint(s, "Scaled", model=cpu_model(s), instance_type=InstanceType.M5_LARGE, instance_count=2,
                     autoscaling=InstanceScaling(min_capacity=2, max_capacity=5, target_invocations_per_instance=100,
                                                 schedules=[night, peak]))
    row = rows_of(application)["Costs/Scaled"]
    assert (row.floor_instance_hours, row.ceiling_instance_hours) == (1 * H, 8 * H)


def test_a_shadow_variant_counts(tmp_path: Path) -> None:
    application = app(tmp_path)
    s = stack(application)
    model = cpu_model(s)
    RealtimeEndpoint(s, "Shadowed", variants=[ProductionVariant(variant_name="Live", model=model,
                                                                 instance_type=InstanceType.M5_LARGE, instance_count=2)],
                     shadow_variant=ProductionVariant(variant_name="Candidate", model=model,
                                                      instance_type=InstanceType.M5_LARGE, instance_count=1))
    row = rows_of(application)["Costs/Shadowed"]
    assert row.floor_instance_hours == 3 * H
    assert [v["shadow"] for v in row.variants] == [False, True]


def test_an_async_endpoint_that_scales_to_zero_has_no_floor(tmp_path: Path) -> None:
    application = app(tmp_path)
    s = stack(application)
    AsyncEndpoint(s, "Queue", model=cpu_model(s), instance_type=InstanceType.of("ml.g4dn.xlarge"), min_instances=0,
                  max_instances=3)
    row = rows_of(application)["Costs/Queue"]
    assert (row.floor_instance_hours, row.ceiling_instance_hours) == (0, 3 * H)
    assert (row.floor_usd_month, row.ceiling_usd_month) == (0, 3 * H * 2.0)  # fixture: AsyncInf $2.00/h
    assert "scales to zero" in " ".join(row.drivers)


def test_serverless_without_and_with_provisioned_concurrency(tmp_path: Path) -> None:
    application = app(tmp_path)
    s = stack(application)
    ServerlessEndpoint(s, "OnDemand", model=cpu_model(s), memory_size_mb=2048, max_concurrency=5)
    ServerlessEndpoint(s, "Warm", model=cpu_model(s, "WarmModel"), memory_size_mb=2048, max_concurrency=20,
                       provisioned_concurrency=2)
    ServerlessEndpoint(s, "Scaled", model=cpu_model(s, "ScaledModel"), memory_size_mb=2048, max_concurrency=20,
                       provisioned_concurrency=2,
                       provisioned_concurrency_scaling=ProvisionedConcurrencyScaling(min_capacity=1, max_capacity=10))
    rows = rows_of(application)
    on_demand, warm, scaled = rows["Costs/OnDemand"], rows["Costs/Warm"], rows["Costs/Scaled"]
    assert (on_demand.floor_instance_hours, on_demand.floor_usd_month, on_demand.ceiling_usd_month) == (0, 0, None)
    assert any("billed per request" in n for n in on_demand.notes)
    seconds = H * 3600
    assert warm.variants[0]["floor_provisioned_gb_seconds"] == 2 * 2 * seconds
    assert warm.floor_usd_month == pytest.approx(2 * seconds * 0.00001)  # fixture: Mem-2GB $0.00001/s
    assert (scaled.variants[0]["floor_provisioned_concurrency"], scaled.variants[0]["ceiling_provisioned_concurrency"]
            ) == (1, 10)
    assert scaled.floor_usd_month == pytest.approx(1 * seconds * 0.00001)
    # Found by a sweep: without the Region's per-request price, the provisioned floor (made of the provisioned price
    # alone) was dropped as unpriced; the on-demand floor has no source then.
    from dataclasses import replace

    full = read_offer_file(OFFER)
    no_requests = replace(full, regions={r: {u: p for u, p in uses.items() if u != "serverless"}
                                         for r, uses in full.regions.items()})
    rows = rows_of(application, no_requests)
    assert rows["Costs/Warm"].floor_usd_month == pytest.approx(2 * seconds * 0.00001)
    assert rows["Costs/OnDemand"].floor_usd_month is None


def test_inference_components_use_the_managed_instance_range(tmp_path: Path) -> None:
    application = app(tmp_path)
    s = stack(application)
    fleet = InferenceComponentEndpoint(s, "Fleet", instance_type=InstanceType.of("ml.g5.12xlarge"),
                                       managed_scaling=ManagedInstanceScaling(min_instances=0, max_instances=2))
    from aws_cdk import aws_s3 as s3

    InferenceComponent(s, "Llm", endpoint=fleet, image=ContainerImage.from_uri(
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:1"), model_data=ModelData.from_bucket(
        s3.Bucket.from_bucket_name(s, "B", "my-models"), "llm.tar.gz"),
        compute=ComputeRequirements(min_memory_mb=16384, accelerator_devices=1),
        copy_scaling=CopyScaling(min_copies=0, max_copies=2, target_concurrent_requests_per_copy=4))
    row = rows_of(application)["Costs/Fleet"]
    assert (row.kind, row.floor_instance_hours, row.ceiling_instance_hours) == ("inference-components", 0, 2 * H)
    assert row.ceiling_usd_month == 2 * H * 10.0  # fixture: ml.g5.12xlarge hosting $10.00/h


def _batch_job(s: Stack, construct_id: str, **props: Any) -> None:
    """A transform job of ``s`` on ml.m5.xlarge, input in/ and output out/ of one imported bucket."""
    from aws_cdk import aws_s3 as s3

    from cdk_sagemaker_inference import BatchTransformInput, BatchTransformJob, BatchTransformOutput

    bucket = s.node.try_find_child("Data") or s3.Bucket.from_bucket_name(s, "Data", "my-data")
    BatchTransformJob(s, construct_id, model=cpu_model(s, f"{construct_id}Model"),
                      instance_type=InstanceType.of("ml.m5.xlarge"),
                      input=BatchTransformInput(bucket=bucket, key="in/"),  # type: ignore[arg-type]
                      output=BatchTransformOutput(bucket=bucket, prefix="out/"), **props)  # type: ignore[arg-type]


def test_a_scheduled_batch_job_has_no_floor_and_its_runs_per_month(tmp_path: Path) -> None:
    from aws_cdk import aws_events as events

    application = app(tmp_path)
    _batch_job(stack(application), "Nightly", instance_count=2, schedule=events.Schedule.cron(hour="2", minute="0"))
    row = rows_of(application)["Costs/Nightly"]
    assert (row.kind, row.floor_instance_hours, row.ceiling_instance_hours) == ("batch", 0, None)
    assert any("run_hours" in n for n in row.notes)
    with_usage = rows_of(application, usage={"Costs/Nightly": Usage(run_hours=1.5)})["Costs/Nightly"]
    runs = H / 24  # a daily cron: 30.4 runs a month
    assert with_usage.ceiling_instance_hours == pytest.approx(2 * 1.5 * runs)
    assert with_usage.ceiling_usd_month == pytest.approx(2 * 1.5 * runs * 3.0)  # fixture: Tsform $3.00/h
    # The note that asked for run_hours goes once the usage file gives them (it stayed: found by review).
    assert not any("run_hours" in n for n in with_usage.notes)


def test_an_unscheduled_jobs_notes_go_once_the_usage_file_answers_them(tmp_path: Path) -> None:
    application = app(tmp_path)
    _batch_job(stack(application), "OnDemand")
    bare = rows_of(application)["Costs/OnDemand"]
    assert [n.split(":")[0] for n in bare.notes[:2]] == ["hours per run", "runs on demand (or on new input)"]
    half = rows_of(application, usage={"Costs/OnDemand": Usage(run_hours=2)})["Costs/OnDemand"]
    assert any("runs per month come from a usage file" in n for n in half.notes)
    assert not any("run_hours" in n for n in half.notes)
    full = rows_of(application, usage={"Costs/OnDemand": Usage(run_hours=2, runs_per_month=10)})["Costs/OnDemand"]
    assert not any("usage file" in n for n in full.notes)
    assert full.ceiling_instance_hours == 20


@pytest.mark.parametrize(("expression", "runs"), [
    ("rate(1 day)", H / 24), ("rate(6 hours)", H / 6), ("rate(30 minutes)", H * 2), ("cron(0 2 * * ? *)", H / 24),
    ("cron(0 * * * ? *)", H), ("cron(0 2 ? * MON *)", H / (24 * 7)), ("cron(0 2 1 * ? *)", 1),
    ("at(2026-01-01T00:00:00)", None),
    # Lists, ranges and steps are counted (found by a sweep: common schedules were unknown).
    ("cron(0/5 2 * * ? *)", 12 * H / 24), ("cron(0 8,20 ? * MON-FRI *)", 2 * 5 * H / (24 * 7)),
    ("cron(0 8 ? * 2-6 *)", 5 * H / (24 * 7)), ("cron(0 0 1,15 * ? *)", 2), ("cron(0/15 * * * ? *)", 4 * H),
    ("cron(0 0 1 1,4,7,10 ? *)", 4 / 12), ("cron(0 0 1 JAN-MAR ? *)", 3 / 12), ("cron(30 9-17/2 ? * * *)", 5 * H / 24),
    # Not counted (never a guess): the last day, weekdays nearest, the n-th weekday, days not in every month, a year.
    ("cron(0 0 L * ? *)", None), ("cron(0 0 15W * ? *)", None), ("cron(0 0 ? * 2#1 *)", None),
    ("cron(0 0 30 * ? *)", None), ("cron(0 0 * * ? 2027)", None), ("cron(0 0/0 * * ? *)", None),
    ("cron(0 25 * * ? *)", None)])
def test_runs_per_month_of_a_schedule(expression: str, runs: float | None) -> None:
    assert runs_per_month(expression) == (pytest.approx(runs) if runs is not None else None)


def test_unknown_region_or_type_is_unknown_never_guessed(tmp_path: Path) -> None:
    application = app(tmp_path)
    s = Stack(application, "Elsewhere", env=Environment(account="123456789012", region="ap-south-2"))
    RealtimeEndpoint(s, "Fixed", model=cpu_model(s), instance_type=InstanceType.M5_LARGE, instance_count=1)
    row = rows_of(application)["Elsewhere/Fixed"]
    assert (row.floor_instance_hours, row.floor_usd_month, row.price_source) == (H, None, None)
    assert any("no list price known for ap-south-2" in n for n in row.notes)


# -- prices ---------------------------------------------------------------------------------------------------------
def test_the_offer_file_parser_reads_each_use_and_ignores_training_and_notebooks() -> None:
    table = read_offer_file(OFFER)
    assert table.hourly("us-east-1", "hosting", "ml.m5.large") == 1.0
    assert table.hourly("eu-west-1", "hosting", "ml.m5.large") == 1.5
    assert table.hourly("us-east-1", "batch", "ml.m5.xlarge") == 3.0
    assert table.hourly("us-east-1", "async", "ml.g4dn.xlarge") == 2.0
    assert table.per_second("us-east-1", "serverless", 2048) == 0.0001
    assert table.per_second("us-east-1", "provisioned", 2048) == 0.00001
    assert table.hourly("us-east-1", "hosting", "ml.g4dn.xlarge") is None  # only its AsyncInf price is there
    assert table.per_second("us-east-1", "serverless", 1500) is None


@pytest.mark.parametrize(("offer", "text"), [
    ([], "not a Price List offer file"),
    ({"offerCode": "AmazonEC2", "products": {}}, "of AmazonEC2"),
    ({"products": {"X": {"attributes": {"usagetype": "USE1-Host:ml.m5.large", "regionCode": "us-east-1"}}},
      "terms": {"OnDemand": {"X": {"T": {"priceDimensions": {"D": {"unit": "Hrs", "pricePerUnit": {"USD": "n/a"}}}}}}}},
     "is not a number"),
])
def test_a_file_that_is_not_an_offer_file_is_refused_with_the_reason(offer: Any, text: str) -> None:
    with pytest.raises(PriceError, match=text):
        parse_offer_file(offer)


def test_the_generator_writes_the_offer_files_prices_with_their_source() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_instance_types", ROOT / "scripts" / "gen_instance_types.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    block = module.read_prices(["--prices", str(OFFER)])
    assert block["regions"]["us-east-1"]["hosting"]["ml.m5.large"] == 1.0
    assert "published 2026-01-01" in block["source"]
    assert module.read_prices([]) is None


def test_the_fixture_is_marked_hand_made() -> None:
    assert "HAND-MADE" in json.loads(OFFER.read_text())["disclaimer"]


def test_the_package_ships_no_undated_prices() -> None:
    from cdk_sagemaker_inference.cost.prices import shipped_prices

    shipped = shipped_prices()
    assert (shipped.source is None) == (not shipped.regions)  # a price never without its source


# -- the command ------------------------------------------------------------------------------------------------
def example_assembly(tmp_path: Path) -> Path:
    """The example app's stacks (those the README table shows), in us-east-1."""
    from stacks.async_stack import AsyncStack
    from stacks.batch_stack import BatchStack
    from stacks.components_stack import ComponentsStack
    from stacks.realtime_stack import RealtimeStack
    from stacks.serverless_stack import ServerlessStack

    application = app(tmp_path)
    for cls, name in ((ServerlessStack, "ServerlessInference"), (RealtimeStack, "RealtimeInference"),
                      (AsyncStack, "AsyncInference"), (BatchStack, "BatchInference"),
                      (ComponentsStack, "ComponentInference")):
        cls(application, name, env=ENV)
    return Path(application.synth().directory)


def cost(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    parsed = {"directory": None, "assembly": "cdk.out", "baseline": None, "prices": [], "usage": None,
              "region": None, "json": False}
    key = None
    for item in argv:
        if item.startswith("--"):
            key = item[2:]
            if key == "json":
                parsed["json"] = True
                key = None
            continue
        if key is None:
            parsed["directory"] = item
        elif key == "prices":
            parsed["prices"].append(item)
        else:
            parsed[key] = item
        key = None
    code = run(Namespace(**parsed), out=out, err=err)
    return code, out.getvalue() + err.getvalue()


@pytest.fixture(scope="module")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example_assembly(tmp_path_factory.mktemp("example"))


def test_the_json_rows_of_the_example_app_match_the_templates(assembly: Path) -> None:
    code, text = cost(str(assembly), "--prices", str(OFFER), "--json")
    assert code == 0
    rows = {r["path"]: r for r in json.loads(text)["rows"]}
    # From the example stacks' props: real-time Current 2–6 and Challenger 2–4 × ml.m5.large; async 0–4 ×
    # ml.g4dn.xlarge; components 0–2 × ml.g5.12xlarge; serverless provisioned concurrency 1–10; batch 1 per run.
    expected = {"RealtimeInference/Endpoint": (4 * H, 10 * H), "AsyncInference/Endpoint": (0, 4 * H),
                "ComponentInference/Endpoint": (0, 2 * H), "ServerlessInference/Endpoint": (0, 0),
                "BatchInference/NightlyScoring": (0, None)}
    assert {p: (r["floor_instance_hours"], r["ceiling_instance_hours"]) for p, r in rows.items()} == expected
    for row in rows.values():
        assert {"stack", "path", "kind", "region", "floor_instance_hours", "ceiling_instance_hours",
                "floor_usd_month", "ceiling_usd_month", "price_source"} <= set(row)
    assert rows["RealtimeInference/Endpoint"]["floor_usd_month"] == 4 * H * 1.0


def test_the_table_says_unknown_and_what_the_figures_assume(assembly: Path) -> None:
    code, text = cost(str(assembly))
    assert code == 0
    assert "RealtimeInference/Endpoint" in text and "2,920" in text and "unknown" in text
    assert "730 hours per month" in text and "no Savings Plans" in text


def test_the_console_script_takes_the_directory_positionally(assembly: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", str(assembly), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"]


def test_usage_adds_serverless_compute_the_fleet_and_the_break_even(assembly: Path, tmp_path: Path) -> None:
    usage = tmp_path / "usage.json"
    usage.write_text(json.dumps({
        "ServerlessInference/Endpoint": {"requests_per_month": 1_000_000, "mean_duration_ms": 500, "payload_kb": 10,
                                         "instance_type": "ml.m5.large", "throughput_per_instance": 0.5},
        "RealtimeInference/Endpoint": {"requests_per_month": 1_000_000, "mean_duration_ms": 500,
                                       "serverless_memory_mb": 2048}}))
    code, text = cost(str(assembly), "--prices", str(OFFER), "--usage", str(usage), "--json")
    assert code == 0
    rows = {r["path"]: r for r in json.loads(text)["rows"]}
    serverless = rows["ServerlessInference/Endpoint"]["usage"]
    compute = 1_000_000 * 0.5 * 0.0001  # requests × seconds × $/s of 2 GB
    assert serverless["serverless_compute_usd_month"] == pytest.approx(compute)
    assert serverless["data_processed_gb"] == pytest.approx(10.0)  # 1e6 × 10 KB
    assert serverless["fleet_needed"] == 1  # 0.38 requests/s, 0.5 per instance
    assert serverless["break_even_requests_per_month"] == pytest.approx(H * 1.0 / (0.5 * 0.0001))
    realtime = rows["RealtimeInference/Endpoint"]["usage"]
    assert realtime["break_even_requests_per_month"] == pytest.approx(4 * H * 1.0 / (0.5 * 0.0001))
    assert rows["ServerlessInference/Endpoint"]["ceiling_usd_month"] == pytest.approx(10 * H * 3600 * 0.00001 + compute)


def test_a_usage_entry_for_no_endpoint_is_said_and_an_absurd_one_gives_no_figure(assembly: Path,
                                                                                 tmp_path: Path) -> None:
    """Found by review: a misspelt construct path in the usage file was dropped without a word, and a
    throughput of 1e-300 requests a second raised a raw OverflowError."""
    usage = tmp_path / "usage.json"
    usage.write_text(json.dumps({
        "ServerlessInference/Endpiont": {"requests_per_month": 10},
        "RealtimeInference/Endpoint": {"requests_per_month": 1e20, "throughput_per_instance": 1e-300},
        "ServerlessInference/Endpoint": {"requests_per_month": 1e308, "payload_kb": 1e308, "mean_duration_ms": 1e308},
        "BatchInference/NightlyScoring": {"runs_per_month": 1e308, "run_hours": 1e308}}))
    out, err = io.StringIO(), io.StringIO()
    code = run(Namespace(directory=str(assembly), assembly="cdk.out", baseline=None, prices=[], usage=str(usage),
                         region=None, json=True), out=out, err=err)
    report = json.loads(out.getvalue())
    assert code == 0 and report["usage_unmatched"] == ["ServerlessInference/Endpiont"]
    assert "the usage file names ServerlessInference/Endpiont, which is no endpoint or job of the app" in err.getvalue()
    rows = {r["path"]: r for r in report["rows"]}
    assert rows["RealtimeInference/Endpoint"]["usage"]["fleet_needed"] is None
    serverless = rows["ServerlessInference/Endpoint"]
    assert serverless["usage"]["data_processed_gb"] is None and serverless["ceiling_usd_month"] is None
    assert [r["ceiling_instance_hours"] for p, r in rows.items() if p.startswith("BatchInference/")] == [None]


def test_baseline_prints_what_the_change_does(tmp_path: Path) -> None:
    def build(count: int, out: str) -> Path:
        application = app(tmp_path / out)
        s = stack(application, "RealtimeStack")
        RealtimeEndpoint(s, "Endpoint", model=cpu_model(s), instance_type=InstanceType.M5_LARGE, instance_count=count)
        return Path(application.synth().directory)

    before, after = build(1, "before"), build(2, "after")
    code, text = cost(str(after), "--baseline", str(before), "--prices", str(OFFER))
    assert code == 0
    assert "RealtimeStack/Endpoint: idle floor 730 → 1,460 instance-hours (≈ $730.00 → $1,460.00/month)" in text


@pytest.mark.parametrize("case", ["assembly", "usage", "prices"])
def test_unreadable_input_is_exit_2_with_the_reason(case: str, assembly: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    if case == "assembly":
        code, text = cost(str(tmp_path))
        assert "not a cloud assembly" in text
    elif case == "usage":
        code, text = cost(str(assembly), "--usage", str(broken))
        assert "cannot be read as JSON" in text
    else:
        code, text = cost(str(assembly), "--prices", str(broken))
        assert "cannot be read as JSON" in text
    assert code == 2


@pytest.mark.parametrize(("usage", "text"), [
    ({"X": {"requests_per_month": -1}}, "a finite number ≥ 0"),
    ({"X": {"requests": 5}}, "an object with requests_per_month"),
    ({"X": {"instance_type": 5}}, "a str is expected"),
    ([1], "a JSON object of construct path"),
])
def test_a_wrong_usage_file_is_exit_2_naming_the_field(usage: Any, text: str, assembly: Path, tmp_path: Path) -> None:
    path = tmp_path / "usage.json"
    path.write_text(json.dumps(usage))
    code, out = cost(str(assembly), "--usage", str(path))
    assert code == 2 and text in out


# -- the synth-time note and budgets -----------------------------------------------------------------------------
@pytest.mark.parametrize(("copies", "floor"), [
    ({"copy_scaling": CopyScaling(min_copies=1, max_copies=4, target_concurrent_requests_per_copy=4)}, H),
    ({"copy_count": 1}, H),
    ({"copy_scaling": CopyScaling(min_copies=0, max_copies=4, target_concurrent_requests_per_copy=4)}, 0),
])
def test_managed_scaling_to_zero_keeps_an_instance_for_a_component_that_keeps_a_copy(
        tmp_path: Path, copies: dict[str, Any], floor: float) -> None:
    """Found by a sweep: the floor was 0 "(scales to zero)" whenever the managed minimum was 0, although instances
    reach 0 only when every component's copies can. The note and the command agree."""
    from aws_cdk import aws_s3 as s3

    application = app(tmp_path, **{"cdk-sagemaker-inference:prices-file": str(OFFER)})
    s = stack(application)
    fleet = InferenceComponentEndpoint(s, "Fleet", instance_type=InstanceType.of("ml.g5.12xlarge"),
                                       managed_scaling=ManagedInstanceScaling(min_instances=0, max_instances=3))
    bucket = s3.Bucket.from_bucket_name(s, "B", "my-models")
    image = ContainerImage.from_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:1")
    compute = ComputeRequirements(min_memory_mb=16384, accelerator_devices=1)
    InferenceComponent(s, "Zero", endpoint=fleet, image=image, model_data=ModelData.from_bucket(bucket, "a.tar.gz"),
                       compute=compute, copy_scaling=CopyScaling(min_copies=0, max_copies=2,
                                                                 target_concurrent_requests_per_copy=4))
    InferenceComponent(s, "Other", endpoint=fleet, image=image, model_data=ModelData.from_bucket(bucket, "b.tar.gz"),
                       compute=compute, **copies)
    row = rows_of(application)["Costs/Fleet"]
    assert row.floor_instance_hours == floor
    assert ("one instance stays: a component on it never scales to zero copies" in " ".join(row.drivers)) == bool(floor)
    (note,) = [i for i in infos_of(s) if "cost.idle-floor" in i]
    assert (f"idle floor {floor:,.0f} instance-hours a month" in note) if floor else ("idle floor 0" in note), note


def _fixed(application: App) -> Stack:
    s = stack(application)
    _fixed_in(s)
    return s


def test_every_endpoint_notes_its_floor_as_the_cost_command_computes_it(tmp_path: Path) -> None:
    application = app(tmp_path, **{"cdk-sagemaker-inference:prices-file": str(OFFER)})
    s = _fixed(application)
    notes = [i for i in infos_of(s) if "cost.idle-floor" in i]
    assert len(notes) == 1
    assert "idle floor 1,460 instance-hours a month, ceiling 2,190" in notes[0]
    assert "≈ $1,460.00 to $2,190.00 a month" in notes[0]


def test_the_note_of_an_environment_agnostic_endpoint_says_how_to_price_it(tmp_path: Path) -> None:
    """Found by review: it said "no list price known for this Region and type" of a stack without a Region, whose
    type has a price; the command says to pass --region, and so does the note now."""
    application = app(tmp_path, **{"cdk-sagemaker-inference:prices-file": str(OFFER)})
    agnostic = Stack(application, "Agnostic")
    _fixed_in(agnostic)
    [note] = [i for i in infos_of(agnostic) if "cost.idle-floor" in i]
    assert "USD unknown (the stack has no Region: `cdk-sagemaker-inference cost --region <Region>` prices it)" in note
    pinned = [i for i in infos_of(_fixed(app(tmp_path / "pinned"))) if "cost.idle-floor" in i]
    assert "no Region" not in pinned[0]


def test_the_note_and_the_command_agree_on_the_example_app(assembly: Path) -> None:
    from aws_cdk import cx_api

    code, text = cost(str(assembly), "--json")
    assert code == 0
    rows = {r["path"]: r for r in json.loads(text)["rows"]}
    artifacts = cx_api.CloudAssembly(str(assembly)).stacks
    noted = 0
    for artifact in artifacts:
        for message in artifact.messages:
            if "cost.idle-floor" in str(message.entry.data):
                path = message.id.lstrip("/")
                row = rows[path]
                hours = f"{row['floor_instance_hours']:,.0f}"
                assert f"idle floor {hours} instance-hours" in str(message.entry.data), path
                noted += 1
    assert noted == 4  # the endpoints (the batch job has no endpoint note)


def test_notes_and_quota_warnings_reach_endpoints_inside_stages(tmp_path: Path) -> None:
    """Found by review: a validation on the app's root runs after aws-cdk-lib has written each Stage's
    assembly, so endpoints inside Stages (the common platform layout) had no cost note, quota-needs note or
    serverless quota warning in the synthesized metadata. Read from the written assembly, as the CLI does."""
    from aws_cdk import Stage, cx_api

    application = app(tmp_path, **{"cdk-sagemaker-inference:serverless-endpoint-quota": 1})
    for name, region in (("Eu", "eu-west-1"), ("Us", "us-east-1")):
        stage = Stage(application, name, env=Environment(account="123456789012", region=region))
        s = Stack(stage, "Serving")
        _fixed_in(s)
        for index in range(2):
            ServerlessEndpoint(s, f"Scoring{index}", model=cpu_model(s, f"M{index}"), memory_size_mb=2048,
                               max_concurrency=5)
    top = _fixed(application)  # and one endpoint outside any Stage
    assembly = application.synth()
    messages: dict[str, list[str]] = {}
    for nested in [assembly, *(cx_api.CloudAssembly(str(Path(assembly.directory) / d)) for d in
                               ("assembly-Eu", "assembly-Us"))]:
        for artifact in nested.stacks:
            for message in artifact.messages:
                messages.setdefault(message.id.lstrip("/"), []).append(str(message.entry.data))
    for path in ("Eu/Serving/Fixed", "Us/Serving/Fixed", "Eu/Serving/Scoring0", f"{top.node.path}/Fixed"):
        assert any("cost.idle-floor" in m for m in messages.get(path, [])), (path, messages.get(path))
    assert any("preflight.quota-needs" in m and "eu-west-1" in m for m in messages["Eu/Serving/Fixed"])
    for stage_name in ("Eu", "Us"):  # one quota warning per account and Region, on its last endpoint
        assert sum("serverless endpoints in account 123456789012" in m
                   for m in messages[f"{stage_name}/Serving/Scoring1"]) == 1
        assert not any("serverless endpoints in" in m for m in messages[f"{stage_name}/Serving/Scoring0"])


def _fixed_in(s: Stack) -> None:
    RealtimeEndpoint(s, "Fixed", model=cpu_model(s), instance_type=InstanceType.M5_LARGE, instance_count=2,
                     autoscaling=InstanceScaling(min_capacity=2, max_capacity=3, target_invocations_per_instance=50))


def test_a_floor_above_the_budget_warns_and_fails_when_asked(tmp_path: Path) -> None:
    application = app(tmp_path / "warn", **{"cdk-sagemaker-inference:max-idle-floor-instance-hours": 1000})
    s = _fixed(application)
    assert any("above the app's budget" in w and "1,460" in w for w in warnings_of(s))
    strict = app(tmp_path / "error", **{"cdk-sagemaker-inference:max-idle-floor-instance-hours": 1000,
                                        "cdk-sagemaker-inference:budget-action": "error"})
    _fixed(strict)
    with pytest.raises(Exception, match="above the app's budget"):
        strict.synth()
    within = app(tmp_path / "within", **{"cdk-sagemaker-inference:max-idle-floor-instance-hours": 1460})
    assert not any("budget" in w for w in warnings_of(_fixed(within)))


def test_a_usd_budget_without_a_price_is_not_checked_and_says_so(tmp_path: Path) -> None:
    application = app(tmp_path, **{"cdk-sagemaker-inference:max-idle-floor-usd-month": 10})
    s = _fixed(application)
    assert any("not checked" in i for i in infos_of(s))
    assert not any("budget" in w for w in warnings_of(s))


def test_a_budget_that_is_not_a_number_fails_synth_naming_the_key(tmp_path: Path) -> None:
    application = app(tmp_path, **{"cdk-sagemaker-inference:max-idle-floor-instance-hours": "lots"})
    _fixed(application)
    with pytest.raises(Exception, match="max-idle-floor-instance-hours = 'lots' is not a number"):
        application.synth()


def test_an_unreadable_prices_file_in_context_warns(tmp_path: Path) -> None:
    broken = tmp_path / "offer.json"
    broken.write_text("[]")
    application = app(tmp_path, **{"cdk-sagemaker-inference:prices-file": str(broken)})
    s = _fixed(application)
    assert any("not a Price List offer file" in w for w in warnings_of(s))



# -- the advisor uses the same figures ----------------------------------------------------------------------------
ADVICE_CASES = {
    "realtime": (1, 0.2, "interactive", "sustained", False, 1),
    "realtime-gpu-components": (1, 0.2, "interactive", "intermittent", True, 3),
    "serverless-interactive": (1, 0.2, "interactive", "intermittent", False, 1),
    "async-to-zero": (50, 300, "near-real-time", "intermittent", False, 1),
    "async-always-on": (50, 300, "near-real-time", "sustained", False, 1),
    "batch": (5, 30, "offline", "batch", False, 1),
}


@pytest.mark.parametrize("case", sorted(ADVICE_CASES))
def test_the_advisors_figures_are_what_cost_reads_from_its_synthesized_snippet(case: str, tmp_path: Path) -> None:
    from cdk_sagemaker_inference.advisor import Latency, Traffic, Workload, cost_of, recommend

    payload, seconds, latency, traffic, gpu, models = ADVICE_CASES[case]
    recommendation = recommend(Workload(payload, seconds, Latency(latency), Traffic(traffic), gpu=gpu, models=models))
    prices = read_offer_file(OFFER)
    advised = cost_of(recommendation, region="us-east-1", prices=prices)
    application = app(tmp_path)
    s = stack(application, "Advice")
    snippet = recommendation.snippet
    assert snippet is not None and advised is not None
    exec(compile(snippet, "<snippet>", "exec"), {"self": s})  # the snippet exactly as the advisor prints it
    [row] = rows_of(application, prices).values()
    assert (advised["kind"], advised["floor_instance_hours"], advised["ceiling_instance_hours"],
            advised["floor_usd_month"], advised["ceiling_usd_month"]) == (
        row.kind, row.floor_instance_hours, row.ceiling_instance_hours, row.floor_usd_month, row.ceiling_usd_month)


def test_advise_prints_the_cost_section(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["advise", "--payload-mb", "1", "--processing-seconds", "0.5", "--latency", "interactive",
                 "--traffic", "sustained", "--requests-per-month", "1000000"])
    out = capsys.readouterr().out
    assert code == 0
    assert "idle floor 1,460 instance-hours a month" in out  # the snippet's 2 × ml.m5.xlarge, 730 h each
    assert main(["advise", "--payload-mb", "1", "--processing-seconds", "0.5", "--latency", "interactive",
                 "--traffic", "sustained", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cost"]["floor_instance_hours"] == 1460


def test_the_readme_cost_table_is_what_the_command_prints() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_cost_doc.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_scheduler_schedule_counts_its_runs(tmp_path: Path) -> None:
    from aws_cdk import Duration
    from aws_cdk import aws_scheduler as scheduler

    application = app(tmp_path)
    _batch_job(stack(application), "Hourly", schedule=scheduler.ScheduleExpression.rate(Duration.hours(6)))
    row = rows_of(application, usage={"Costs/Hourly": Usage(run_hours=1)})["Costs/Hourly"]
    assert row.ceiling_instance_hours == pytest.approx(H / 6)  # 1 instance × 1 h × 121.7 runs


def test_odd_templates_are_read_not_crashed_on(tmp_path: Path) -> None:
    from cdk_sagemaker_inference.assembly import StackKey, StackTemplate
    from cdk_sagemaker_inference.cost.capacity import capacities_of

    template = {"Resources": {
        "Endpoint": {"Type": "AWS::SageMaker::Endpoint", "Properties": "oops", "Metadata": ["x"]},
        "Machine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": {"Fn::Join": ["", [
            '{"States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::sagemaker:createTransformJob.sync",'
            '"Parameters":{"TransformResources":{"InstanceType":"ml.m5.xlarge","InstanceCount":', {"Ref": "Count"},
            '}}}}}']]}}},
        "Jsonata": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": json.dumps({
            "States": {"Run": {"Resource": "arn:aws:states:::sagemaker:createTransformJob", "Arguments": "{% $x %}"}}})}},
    }}
    found = capacities_of(StackTemplate(StackKey("Odd"), "Odd", template))
    by_path = {c.path: c for c in found}
    assert by_path["Odd/Endpoint"].variants == ()
    # a deploy-time instance count: the job is still listed, its count unknown
    assert by_path["Odd/Machine"].variants[0].ceiling_instances is None
    assert "deploy-time number" in by_path["Odd/Machine"].variants[0].drivers[0]


def test_a_rolling_batch_never_adds_more_than_the_fleet() -> None:
    from cdk_sagemaker_inference.cost.capacity import update_extra

    assert update_extra(2, ("INSTANCE_COUNT", 5)) == 2
    assert update_extra(10, ("CAPACITY_PERCENT", 25)) == 3
    assert update_extra(4, None) == 4


def test_the_table_prints_what_the_usage_file_implies(assembly: Path, tmp_path: Path) -> None:
    usage = tmp_path / "usage.json"
    usage.write_text(json.dumps({"RealtimeInference/Endpoint": {
        "requests_per_month": 1_000_000, "mean_duration_ms": 500, "serverless_memory_mb": 2048,
        "throughput_per_instance": 5}}))
    code, text = cost(str(assembly), "--prices", str(OFFER), "--usage", str(usage))
    assert code == 0
    # 1e6 requests a month is 0.38 a second: one instance at $1.00/h × 730 h; serverless 1e6 × 0.5 s × $0.0001/s
    assert ("RealtimeInference/Endpoint: the traffic needs 1 instance(s) at 5 requests a second each (usage file): "
            "$730.00 a month at list prices; serverless compute for that traffic: $50.00 a month (list price)") in text


def test_an_endpoint_path_known_without_asking_node_is_nodes_path() -> None:
    """The cost note names endpoints by path, computed from the scope's path and the id (no round
    trip per endpoint): it must be what constructs computes, in a stage, a nested scope and for an id
    with '/' (which constructs replaces with '--')."""
    from aws_cdk import Stage
    from constructs import Construct

    from cdk_sagemaker_inference.constructs._memo import path_of

    stack = Stack(Stage(App(), "Prod"), "Inference")
    model = cpu_model(stack)
    endpoints = [ServerlessEndpoint(scope, construct_id, model=model, memory_size_mb=2048, max_concurrency=5)
                 for scope, construct_id in ((stack, "Plain"), (Construct(stack, "Group/A"), "In/Group"))]
    assert [path_of(e) for e in endpoints] == [e.node.path for e in endpoints]
    assert [path_of(e) for e in endpoints] == ["Prod/Inference/Plain", "Prod/Inference/Group--A/In--Group"]


def test_a_baseline_that_is_the_assembly_or_not_an_assembly_is_exit_2(assembly: Path, tmp_path: Path) -> None:
    """As guard's (found by review): `cost --baseline cdk.out` against cdk.out reported "no change", a stage's
    assembly inside the baseline too, and a wrong --baseline was named as --assembly."""
    for baseline in (assembly, assembly / "RealtimeInference.template.json"):
        code, text = cost(str(assembly), "--baseline", str(baseline))
        assert code == 2 and "is the assembly being checked" in text, text
    missing = tmp_path / "nowhere"
    code, text = cost(str(assembly), "--baseline", str(missing))
    assert code == 2 and "the baseline" in text and "--assembly" not in text
    stage = tmp_path / "app"  # a stage's assembly inside the baseline: the same assembly
    import shutil
    shutil.copytree(assembly, stage / "assembly-Prod")
    (stage / "manifest.json").write_text((assembly / "manifest.json").read_text())
    code, text = cost(str(stage / "assembly-Prod"), "--baseline", str(stage))
    assert code == 2 and "or holds it" in text, text
    template = tmp_path / "one.template.json"
    template.write_text((assembly / "RealtimeInference.template.json").read_text())
    code, text = cost(str(assembly), "--baseline", str(template))
    assert code == 2 and "cost compares two cloud assemblies" in text


def test_a_schedule_whose_runs_cannot_be_counted_asks_for_runs_per_month(tmp_path: Path) -> None:
    """Found by review: a step or one-time schedule left the ceiling unknown with no note asking for the
    figure; the note goes once the usage file gives it. A serverless row's note goes only when both
    figures it asks for are given."""
    from aws_cdk import aws_events as events

    application = app(tmp_path)
    s = stack(application)
    _batch_job(s, "Stepped", schedule=events.Schedule.expression("cron(0 0 L * ? *)"))  # the last day: not counted
    ServerlessEndpoint(s, "OnDemand", model=cpu_model(s, "M2"), memory_size_mb=2048, max_concurrency=5)
    bare = rows_of(application)
    assert any("the schedule's expression cannot be counted" in n for n in bare["Costs/Stepped"].notes)
    given = rows_of(application, usage={"Costs/Stepped": Usage(run_hours=1, runs_per_month=10),
                                        "Costs/OnDemand": Usage(requests_per_month=1000)})
    assert not any("usage file" in n for n in given["Costs/Stepped"].notes)
    assert any("needs requests_per_month and mean_duration_ms" in n for n in given["Costs/OnDemand"].notes)


# ------------------------------------------------------------ --baseline pairs stacks as guard does (found by review)
@pytest.mark.parametrize(("before", "after"), [(("Orders", None), ("OrdersV2", None)),
                                               (("Orders", "orders"), ("Orders", "orders-v2"))],
                         ids=["construct-id", "stack-name"])
def test_baseline_keeps_the_bill_of_a_stack_the_deploy_leaves(before: tuple[str, str | None],
                                                              after: tuple[str, str | None], tmp_path: Path) -> None:
    """`cost --baseline` matched rows by construct path: a new stack_name was "no change", a new construct id a
    saving (730 → 0 and 0 → 730), though cdk deploy never deletes the old stack and guard's `cost:` lines said
    otherwise. Both now pair stacks by the guard's rule: the new endpoint adds its cost, the old one keeps its."""
    from cdk_sagemaker_inference.guard.cli import run as guard

    def build(construct_id: str, stack_name: str | None, out: str) -> Path:
        application = app(tmp_path / out)
        s = Stack(application, construct_id, stack_name=stack_name, env=ENV)
        RealtimeEndpoint(s, "Endpoint", model=cpu_model(s), endpoint_name="orders", instance_type=InstanceType.M5_LARGE,
                         instance_count=1)
        return Path(application.synth().directory)

    old, new = build(*before, "before"), build(*after, "after")
    code, text = cost(str(new), "--baseline", str(old), "--prices", str(OFFER))
    assert code == 0, text
    assert f"{after[0]}/Endpoint: idle floor 0 → 730 instance-hours (≈ $0.00 → $730.00/month); ceiling 0 → 730" in text
    kept = "Orders" if before[1] is None else "Orders (deployed as orders)"
    assert (f"Orders/Endpoint (stack {kept}): unchanged, idle floor 730 instance-hours (≈ $730.00/month); ceiling 730: "
            "this deploy leaves the stack as it is") in text and "keeps billing" in text
    assert "730 → 0" not in text
    code, text = cost(str(new), "--baseline", str(old), "--prices", str(OFFER), "--json")
    changes = json.loads(text)["changes"]
    assert [(c["stack"], c["floor_instance_hours"], c.get("kept", False)) for c in changes] == [
        (after[0], {"before": 0.0, "after": 730.0}, False), (kept, {"before": 730.0, "after": 730.0}, True)]
    out = io.StringIO()  # guard's cost lines are the same lines (without --prices: the package's prices)
    guard(Namespace(assembly=str(new), baseline=str(old), stacks=None, region=None, profile=None,
                    include_acknowledged=False, json=True), out=out, err=io.StringIO())
    code, text = cost(str(new), "--baseline", str(old), "--json")
    assert json.loads(out.getvalue())["cost_changes"] == json.loads(text)["changes"]


# ----------------------------------------------------- a nested stack with an external template (found by review)
def test_a_nested_stack_with_an_external_template_is_listed_not_estimated(tmp_path: Path) -> None:
    """One CfnStack with an external template_url made `cost` exit 2 for the whole app."""
    from aws_cdk import CfnStack

    def build(out: str, endpoint: bool, count: int = 1) -> Path:
        application = app(tmp_path / out)
        network = stack(application, "Network")
        CfnStack(network, "Vendor", template_url="https://s3.amazonaws.com/vendor-templates/vpc.template")
        if endpoint:
            s = stack(application, "Serving")
            RealtimeEndpoint(s, "Endpoint", model=cpu_model(s), instance_type=InstanceType.M5_LARGE,
                             instance_count=count)
        return Path(application.synth().directory)

    assembly = build("app", endpoint=True)
    code, text = cost(str(assembly), "--prices", str(OFFER))
    assert code == 0, text
    assert "Serving/Endpoint" in text and "not estimated: Network/Vendor: its template is not a file asset" in text
    code, text = cost(str(assembly), "--json")
    report = json.loads(text)
    assert code == 0 and [r["path"] for r in report["rows"]] == ["Serving/Endpoint"]
    assert [n["stack"] for n in report["not_estimated"]] == ["Network/Vendor"]
    code, text = cost(str(build("after", endpoint=True, count=2)), "--baseline", str(assembly))
    assert code == 0, text
    assert "Serving/Endpoint: idle floor 730 → 1,460 instance-hours" in text
    assert "not estimated in the baseline: Network/Vendor" in text
    code, text = cost(str(build("nothing", endpoint=False)))  # nothing read, something not read: not "$0"
    assert code == 2 and "could not estimate: no endpoint or batch job could be estimated" in text, text
    assert "Network/Vendor is not" in text


@pytest.mark.parametrize(("managed_min", "copies", "gpus", "floor_instances"), [
    (0, {"copy_count": 3}, 4, 3),  # 3 copies × 4 GPUs on 4-GPU instances: 3 instances, not 1
    (1, {"copy_scaling": CopyScaling(min_copies=2, max_copies=4, target_concurrent_requests_per_copy=4)}, 4, 2),
    (1, {"copy_count": 3}, 1, 1),  # 3 one-GPU copies fit one instance: the managed minimum holds
])
def test_the_floor_holds_the_instances_the_fewest_copies_need(tmp_path: Path, managed_min: int, copies: dict[str, Any],
                                                            gpus: int, floor_instances: int) -> None:
    """Found by review: a component that keeps copies raised a floor of 0 only to 1, whatever its copies need (three
    4-GPU copies need three 4-GPU instances). The floor is the fewest instances that hold the fewest copies (per
    resource: the copies' total over one instance's), in the note and the command alike."""
    from aws_cdk import aws_s3 as s3

    application = app(tmp_path, **{"cdk-sagemaker-inference:prices-file": str(OFFER)})
    s = stack(application)
    fleet = InferenceComponentEndpoint(s, "Fleet", instance_type=InstanceType.of("ml.g5.12xlarge"), instance_count=2,
                                       managed_scaling=ManagedInstanceScaling(min_instances=managed_min, max_instances=4))
    image = ContainerImage.from_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:1")
    InferenceComponent(s, "Llm", endpoint=fleet, image=image,
                       model_data=ModelData.from_bucket(s3.Bucket.from_bucket_name(s, "B", "my-models"), "a.tar.gz"),
                       compute=ComputeRequirements(min_memory_mb=16384, accelerator_devices=gpus, cpu_cores=4), **copies)
    row = rows_of(application)["Costs/Fleet"]
    assert row.floor_instance_hours == floor_instances * H
    (note,) = [i for i in infos_of(s) if "cost.idle-floor" in i]
    assert f"idle floor {floor_instances * H:,.0f} instance-hours a month" in note, note
    if floor_instances > 1 and floor_instances > managed_min:
        assert f"({floor_instances} instances stay: the components' fewest copies need them)" in " ".join(row.drivers)
