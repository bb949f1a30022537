"""What an app's endpoints and batch jobs cost, before deploy: capacity figures from the templates
(exact) and list prices where a dated price is known (``unknown`` otherwise).

``estimate(stacks, prices)`` gives one :class:`CostRow` per endpoint and batch transform job; the
``cost`` command prints them, and ``--baseline`` the change (:func:`cost_changes`, with the guard's
pairing of stacks). Figures: 730 hours per month (the AWS
Pricing Calculator's), on-demand list prices, no Savings Plans, no free tier, no data transfer, no
storage.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..assembly import StackTemplate
from .capacity import (
    HOURS_PER_MONTH,
    RUN_HOURS_NOTE,
    RUNS_NOTE,
    RUNS_UNCOUNTED_NOTE,
    SECONDS_PER_MONTH,
    Capacity,
    VariantCapacity,
    capacities_of,
)
from .prices import PriceTable

__all__ = [
    "HOURS_PER_MONTH",
    "CostRow",
    "Usage",
    "changes_between",
    "cost_changes",
    "estimate",
    "figure",
    "row_of",
    "usage_figures",
    "usage_sentences",
]

_USE = {"realtime": "hosting", "inference-components": "hosting", "async": "async", "batch": "batch"}


@dataclass(frozen=True)
class Usage:
    """What a usage file says about one endpoint or job (every field optional)."""

    requests_per_month: float | None = None
    mean_duration_ms: float | None = None
    """Mean processing time of one request (serverless bills it per millisecond of the memory size)."""
    payload_kb: float | None = None
    """Mean request plus response size: the data the endpoint processes."""
    throughput_per_instance: float | None = None
    """Requests per second one instance sustains (a load test's figure): sizes the real-time fleet."""
    instance_type: str | None = None
    """For a serverless endpoint: the real-time instance type to compare with."""
    serverless_memory_mb: int | None = None
    """For an instance-based endpoint: the serverless memory size to compare with."""
    runs_per_month: float | None = None
    run_hours: float | None = None


@dataclass(frozen=True)
class CostRow:
    """One endpoint or batch transform job: capacity at the floor and the ceiling, and its price."""

    stack: str
    path: str
    kind: str
    region: str | None
    floor_instance_hours: float | None
    ceiling_instance_hours: float | None
    floor_usd_month: float | None
    ceiling_usd_month: float | None
    price_source: str | None
    drivers: tuple[str, ...]
    notes: tuple[str, ...]
    variants: tuple[dict[str, Any], ...] = ()
    measured: dict[str, Any] | None = None
    """What a recommendation job measured (job, cost per hour and per inference, invocations a minute)."""
    usage: dict[str, Any] | None = None
    """With a usage file: data processed, the fleet the traffic needs, serverless compute and the break-even
    between serverless and real-time for that traffic (None where an input or a price is missing)."""

    def to_json(self) -> dict[str, Any]:
        return {key: list(value) if isinstance(value, tuple) else value for key, value in self.__dict__.items()}


def _sum(values: Iterable[float | None]) -> float | None:
    items = list(values)
    if any(v is None for v in items):
        return None
    total = float(sum(v for v in items if v is not None))
    return round(total, 6) if math.isfinite(total) or math.isnan(total) else None  # NaN: a missing price


def _figure(value: Any) -> Any:
    """A figure, or None where inputs that are each valid multiply beyond any number (no ``inf`` in a report)."""
    return None if isinstance(value, float) and math.isinf(value) else value


def _variant_usd(capacity: Capacity, variant: VariantCapacity, prices: PriceTable, usage: Usage | None,
                 ) -> tuple[float | None, float | None, float | None, float | None, bool]:
    """(floor hours, ceiling hours, floor USD, ceiling USD, priced) of one variant per month."""
    if capacity.kind == "batch":
        runs = usage.runs_per_month if usage and usage.runs_per_month is not None else capacity.runs_per_month
        hours = usage.run_hours if usage else None
        ceiling = None if runs is None or hours is None or variant.ceiling_instances is None else (
            variant.ceiling_instances * hours * runs)
        price = prices.hourly(capacity.region, "batch", variant.instance_type)
        return 0.0, ceiling, 0.0, None if ceiling is None or price is None else ceiling * price, price is not None
    if variant.memory_mb is not None:  # serverless: no instances; provisioned concurrency bills while set
        per_second = prices.per_second(capacity.region, "provisioned", variant.memory_mb)
        low = 0.0 if not variant.floor_provisioned else None
        high = 0.0 if not variant.ceiling_provisioned else None
        if per_second is not None:
            low = (variant.floor_provisioned or 0) * SECONDS_PER_MONTH * per_second
            high = (variant.ceiling_provisioned or 0) * SECONDS_PER_MONTH * per_second
        # The ceiling is what the requests cost: without a usage file it is unknown (billed per request).
        requests = _serverless_requests(capacity, variant, prices, usage)
        high = None if high is None or requests is None else high + requests
        # Priced when the Region has the price the floor is made of: provisioned concurrency's when it is set
        # (the request price only adds to a ceiling that needs a usage file), else the request price (the floor
        # is then $0 whatever it is, but the row does not claim a source it does not have).
        priced = (per_second is not None if variant.ceiling_provisioned else
                  prices.per_second(capacity.region, "serverless", variant.memory_mb) is not None)
        return 0.0, 0.0, low, high, priced
    price = prices.hourly(capacity.region, _USE.get(capacity.kind, "hosting"), variant.instance_type)
    floor, ceiling = variant.floor_instance_hours, variant.ceiling_instance_hours
    return (floor, ceiling, None if price is None or floor is None else floor * price,
            None if price is None or ceiling is None else ceiling * price, price is not None)


def _serverless_requests(capacity: Capacity, variant: VariantCapacity, prices: PriceTable,
                         usage: Usage | None) -> float | None:
    """USD per month of serverless compute for the usage's requests (None without usage or a price)."""
    if usage is None or usage.requests_per_month is None or usage.mean_duration_ms is None:
        return None
    per_second = prices.per_second(capacity.region, "serverless", variant.memory_mb)
    return None if per_second is None else usage.requests_per_month * usage.mean_duration_ms / 1000 * per_second


def estimate(stacks: Iterable[StackTemplate], prices: PriceTable, *, region: str | None = None,
             usage: Mapping[str, Usage] | None = None) -> list[CostRow]:
    """One row per endpoint and batch transform job of ``stacks`` (nested stacks included).

    :param region: the Region of environment-agnostic stacks. Default: unknown (no price).
    :param usage: construct path → usage. Default: none.
    """
    rows: list[CostRow] = []
    for stack in stacks:
        for capacity in capacities_of(stack):
            if capacity.region is None and region is not None:
                capacity = dataclasses.replace(capacity, region=region)
            rows.append(row_of(capacity, prices, (usage or {}).get(capacity.path)))
    return rows


def row_of(capacity: Capacity, prices: PriceTable, usage: Usage | None = None) -> CostRow:
    """The cost row of one endpoint or job (the ``cost`` command's, and the constructs' synth-time note)."""
    figures = [_variant_usd(capacity, v, prices, usage) for v in capacity.variants]
    priced = bool(figures) and all(f[4] for f in figures)
    runs_given = usage is not None and usage.runs_per_month is not None
    answered = {RUN_HOURS_NOTE: usage is not None and usage.run_hours is not None,
                RUNS_NOTE: runs_given, RUNS_UNCOUNTED_NOTE: runs_given}
    notes = [note for note in capacity.notes if not answered.get(note)]  # what the usage file answered
    if capacity.kind == "serverless" and (usage is None or usage.requests_per_month is None
                                          or usage.mean_duration_ms is None):
        notes.append("billed per request: the ceiling needs requests_per_month and mean_duration_ms in a usage file")
    if any(v.ceiling_provisioned for v in capacity.variants) and usage is not None and usage.requests_per_month:
        notes.append("requests are priced at the on-demand serverless rate; those served by provisioned concurrency "
                     "are billed at its own inference rate, so this is an upper bound")
    if capacity.region is None:
        notes.append("environment-agnostic stack: pass --region for prices")
    elif not priced:
        notes.append(f"no list price known for {capacity.region} and this instance type or memory size")
    measured = dict(capacity.measured) if capacity.measured else None
    if measured:
        figures_text = ", ".join(f"{label} {measured[key]}" for key, label in (
            ("cost_per_hour", "$/hour"), ("cost_per_inference", "$/inference"),
            ("max_invocations_per_minute", "max invocations/minute"), ("model_latency_ms", "latency ms"))
            if measured.get(key) is not None)
        notes.append(f"measured by {measured.get('source')} job {measured.get('job')} (recommendation "
                     f"{measured.get('recommendation_id')}): {figures_text or 'no figures'}")
    return CostRow(
        stack=capacity.stack, path=capacity.path, kind=capacity.kind, region=capacity.region,
        floor_instance_hours=_sum(f[0] for f in figures) if figures else None,
        ceiling_instance_hours=_sum(f[1] for f in figures) if figures else None,
        floor_usd_month=_sum(f[2] for f in figures) if priced else None,
        ceiling_usd_month=_sum(f[3] for f in figures) if priced else None,
        price_source=prices.source if priced and prices.source else None,
        drivers=tuple(d for v in capacity.variants for d in v.drivers), notes=tuple(notes),
        variants=tuple({"name": v.name, "instance_type": v.instance_type, "shadow": v.shadow,
                        "floor_instances": v.floor_instances, "ceiling_instances": v.ceiling_instances,
                        "memory_mb": v.memory_mb, "floor_provisioned_concurrency": v.floor_provisioned,
                        "ceiling_provisioned_concurrency": v.ceiling_provisioned,
                        "floor_provisioned_gb_seconds": v.provisioned_gb_seconds(v.floor_provisioned),
                        "ceiling_provisioned_gb_seconds": v.provisioned_gb_seconds(v.ceiling_provisioned)}
                       for v in capacity.variants),
        measured=measured, usage=None if usage is None else usage_figures(capacity, usage, prices))


def usage_figures(capacity: Capacity, usage: Usage, prices: PriceTable) -> dict[str, Any]:
    """What the traffic of a usage file implies for one endpoint (None where an input or a price is missing)."""
    requests, duration = usage.requests_per_month, usage.mean_duration_ms
    serverless = next((v for v in capacity.variants if v.memory_mb is not None), None)
    instance = next((v for v in capacity.variants if v.instance_type is not None), None)
    instance_type = instance.instance_type if instance is not None else usage.instance_type
    memory = serverless.memory_mb if serverless is not None else usage.serverless_memory_mb
    measured = capacity.measured or {}
    throughput, throughput_source = usage.throughput_per_instance, "usage file"
    if not throughput and isinstance(measured.get("max_invocations_per_minute"), (int, float)):
        throughput, throughput_source = measured["max_invocations_per_minute"] / 60, f"measured by job {measured.get('job')}"
    fleet = None
    if requests is not None and throughput:
        needed = requests / SECONDS_PER_MONTH / throughput
        fleet = max(1, math.ceil(needed)) if math.isfinite(needed) else None  # beyond any fleet: no figure
    hourly = prices.hourly(capacity.region, _USE.get(capacity.kind, "hosting"), instance_type)
    fleet_usd = None if fleet is None or hourly is None else fleet * HOURS_PER_MONTH * hourly
    per_second = prices.per_second(capacity.region, "serverless", memory)
    per_request = None if per_second is None or duration is None else duration / 1000 * per_second
    per_request_source = "list price"
    if serverless is not None and isinstance(measured.get("cost_per_inference"), (int, float)):
        per_request, per_request_source = float(measured["cost_per_inference"]), f"measured by job {measured.get('job')}"
    serverless_usd = None if per_request is None or requests is None else requests * per_request
    # Real-time costs its fleet whatever the traffic, serverless costs per request: below this many requests a
    # month serverless is cheaper. The fleet: the one the traffic needs, else the endpoint's idle floor (all
    # variants), else (an endpoint that scales to zero, or a serverless one) one instance.
    use = _USE.get(capacity.kind, "hosting")
    floor_usd = _sum(None if v.floor_instances is None else
                     v.floor_instances * HOURS_PER_MONTH * (prices.hourly(capacity.region, use, v.instance_type) or math.nan)
                     for v in capacity.variants if v.instance_type is not None)
    realtime_usd = fleet_usd
    if realtime_usd is None and floor_usd is not None and not math.isnan(floor_usd) and floor_usd > 0:
        realtime_usd = floor_usd
    if realtime_usd is None and hourly is not None:
        realtime_usd = HOURS_PER_MONTH * hourly
    return {key: _figure(value) for key, value in {
        "data_processed_gb": None if requests is None or usage.payload_kb is None else requests * usage.payload_kb / 1e6,
        "fleet_needed": fleet, "fleet_instance_type": instance_type, "fleet_usd_month": fleet_usd,
        "throughput_per_instance": throughput, "throughput_source": throughput_source if throughput else None,
        "measured_fleet_usd_month": None if fleet is None or not isinstance(measured.get("cost_per_hour"), (int, float))
        else fleet * HOURS_PER_MONTH * float(measured["cost_per_hour"]),
        "serverless_cost_source": per_request_source if per_request is not None else None,
        "serverless_memory_mb": memory, "serverless_compute_usd_month": serverless_usd,
        "break_even_requests_per_month": None if realtime_usd is None or not per_request else realtime_usd / per_request,
    }.items()}


def usage_sentences(usage: Mapping[str, Any]) -> list[str]:
    """What a row's ``usage`` figures say, one sentence each (the ``cost`` table and ``advise`` print these)."""
    sentences = []
    if usage.get("fleet_needed") is not None:
        sentences.append(f"the traffic needs {usage['fleet_needed']} instance(s) at {usage['throughput_per_instance']:g} "
                         f"requests a second each ({usage['throughput_source']}): "
                         f"{figure(usage.get('fleet_usd_month'), money=True)} a month at list prices")
    if usage.get("measured_fleet_usd_month") is not None:
        sentences.append(f"that fleet costs {figure(usage['measured_fleet_usd_month'], money=True)} a month at the "
                         "measured cost per hour")
    if usage.get("serverless_compute_usd_month") is not None:
        sentences.append(f"serverless compute for that traffic: "
                         f"{figure(usage['serverless_compute_usd_month'], money=True)} a month "
                         f"({usage['serverless_cost_source']})")
    if usage.get("break_even_requests_per_month") is not None:
        sentences.append(f"below {figure(usage['break_even_requests_per_month'])} requests a month serverless costs "
                         "less than the real-time fleet")
    if usage.get("data_processed_gb") is not None:
        sentences.append(f"{usage['data_processed_gb']:,.1f} GB processed a month")
    return sentences


def changes_between(before: Sequence[CostRow], after: Sequence[CostRow]) -> list[dict[str, Any]]:
    """Per construct path whose floor or ceiling changes: both figures, and a sentence such as
    ``RealtimeStack/Endpoint: idle floor 0 → 1,460 instance-hours (≈ $0.00 → $1,460.00/month); ceiling …``.
    (Rows of one stack before and after; :func:`cost_changes` pairs the stacks of two readings.)"""
    old = {r.path: r for r in before}
    new = {r.path: r for r in after}
    return [change for path in sorted(old.keys() | new.keys())
            if (change := _change(path, old.get(path), new.get(path))) is not None]


_FIGURES = ("floor_instance_hours", "ceiling_instance_hours", "floor_usd_month", "ceiling_usd_month")


def _change(path: str, first: CostRow | None, second: CostRow | None, *, always: bool = False
            ) -> dict[str, Any] | None:
    """The change of one row (None: no figure changes, unless ``always``)."""
    pairs = {key: (getattr(first, key) if first else 0.0, getattr(second, key) if second else 0.0) for key in _FIGURES}
    if not always and all(a == b for a, b in pairs.values()):
        return None
    hours = pairs["floor_instance_hours"]
    money = pairs["floor_usd_month"]
    usd = ("" if money[1] is None or money[0] is None else
           f" (≈ {figure(money[0], money=True)} → {figure(money[1], money=True)}/month)")
    ceiling = pairs["ceiling_instance_hours"]
    text = (f"{path}: idle floor {figure(hours[0])} → {figure(hours[1])} instance-hours{usd}; ceiling "
            f"{figure(ceiling[0])} → {figure(ceiling[1])}")
    return {"path": path, **{k: {"before": a, "after": b} for k, (a, b) in pairs.items()}, "text": text}


def figure(value: float | None, *, money: bool = False) -> str:
    """A figure as every report writes it: ``1,460``, ``$1,460.00``, or ``unknown``."""
    if value is None:
        return "unknown"
    return f"${value:,.2f}" if money else f"{value:,.0f}"


def cost_changes(previous: Sequence[StackTemplate], new: Sequence[StackTemplate],
                 prices: PriceTable | None = None, *, region: str | None = None,
                 usage: Mapping[str, Usage] | None = None) -> list[dict[str, Any]]:
    """What a deploy of ``new`` over ``previous`` does to the figures, the stacks paired as the guard pairs them
    (:func:`~cdk_sagemaker_inference.guard.compare.match_stacks`: stack name, account, Region, nested logical
    ids): an endpoint new to a stack starts from 0; one whose stack leaves with its top-level stack's update
    goes to 0; a stack the deploy leaves as it is (renamed, a new ``stack_name``, not selected) keeps its
    endpoints and their bill, said on a line of its own (``kept``). ``guard`` prints these beside its
    verdicts, ``cost --baseline`` under its table."""
    from ..guard.compare import kept_name, match_stacks
    from .prices import shipped_prices

    table = prices or shipped_prices()

    def rows(stack: StackTemplate) -> dict[str, CostRow]:  # one stack's rows, by path within the stack
        prefix = f"{stack.display_name}/"
        return {row.path.removeprefix(prefix): row for row in estimate(
            [dataclasses.replace(stack, nested=())], table, region=region, usage=usage)}

    match = match_stacks(previous, new)
    changes: list[dict[str, Any]] = []
    for old, stack in match.pairs:
        first, second = rows(old) if old is not None else {}, rows(stack)
        for key in sorted(first.keys() | second.keys()):
            change = _change((second.get(key) or first[key]).path, first.get(key), second.get(key))
            if change is not None:
                changes.append({**change, "stack": stack.display_name})
    for old in match.leaving:
        for row in rows(old).values():
            change = _change(row.path, row, None)
            if change is not None:
                changes.append({**change, "stack": old.display_name})
    for old in match.kept:
        for row in rows(old).values():
            change = _change(row.path, row, row, always=True) or {}
            usd = ("" if row.floor_usd_month is None else f" (≈ {figure(row.floor_usd_month, money=True)}/month)")
            change["text"] = (
                f"{row.path} (stack {kept_name(old)}): unchanged, idle floor {figure(row.floor_instance_hours)} "
                f"instance-hours{usd}; ceiling {figure(row.ceiling_instance_hours)}: this deploy leaves the stack as it "
                "is (no longer in the app under that stack name, or not selected) and cdk deploy never deletes a "
                "stack, so the endpoint stays deployed and keeps billing until the stack is destroyed")
            changes.append({**change, "stack": kept_name(old), "kept": True})
    return changes
