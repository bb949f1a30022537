"""On-demand list prices from AWS Price List offer files (service code ``AmazonSageMaker``).

An offer file (the Price List Bulk API's ``…/offers/v1.0/aws/AmazonSageMaker/current/<region>/index.json``)
holds ``products`` (sku → ``productFamily`` and ``attributes``) and ``terms.OnDemand`` (sku → offer term →
``priceDimensions`` with ``unit`` and ``pricePerUnit.USD``), as the AWS Billing user guide's "Reading the
service price list file" documents. SageMaker's usage types name what is billed: ``<prefix>-Host:<type>``
(real-time hosting), ``AsyncInf:<type>`` (asynchronous inference), ``Tsform:<type>`` (batch transform),
``ServerlessInf:Mem-<N>GB`` (serverless compute per second) and ``ProvisionedConcurrency:Mem-<N>GB``
(provisioned concurrency per second). No maintained Python library reads these files, so this module does
(a few lines of JSON walking).

The package ships no prices: no offer file could be read where it was built, and a figure without a
source and date is not shipped. ``scripts/gen_instance_types.py --prices FILE`` writes the prices of
offer files into the package data; ``cost --prices FILE`` reads one directly. A price a table does not
have is unknown, never guessed.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["PriceError", "PriceTable", "parse_offer_file", "read_offer_file", "shipped_prices"]

_USAGE = (
    ("hosting", re.compile(r"(?:^|-)Host:(ml\.[\w.-]+)$"), "hr"),
    ("async", re.compile(r"(?:^|-)AsyncInf:(ml\.[\w.-]+)$"), "hr"),
    ("batch", re.compile(r"(?:^|-)Tsform:(ml\.[\w.-]+)$"), "hr"),
    ("serverless", re.compile(r"(?:^|-)ServerlessInf:Mem-(\d+)GB$"), "second"),
    ("provisioned", re.compile(r"(?:^|-)ProvisionedConcurrency:Mem-(\d+)GB$"), "second"),
)


class PriceError(Exception):
    """An offer file that cannot be read as one (the message says what and where)."""


@dataclass(frozen=True)
class PriceTable:
    """USD prices per Region: instance-hours per use (``hosting``, ``async``, ``batch``: type → USD per
    hour) and serverless seconds per memory size (``serverless``, ``provisioned``: GB → USD per second)."""

    regions: Mapping[str, Mapping[str, Mapping[str, float]]] = field(default_factory=dict)
    source: str | None = None
    """Where the figures come from, with the offer's version and publication date (None: no prices)."""

    def hourly(self, region: str | None, use: str, instance_type: str | None) -> float | None:
        """USD per instance-hour, or None (unknown)."""
        if region is None or instance_type is None:
            return None
        return self.regions.get(region, {}).get(use, {}).get(instance_type)

    def per_second(self, region: str | None, use: str, memory_mb: int | None) -> float | None:
        """USD per second of a serverless memory size (``serverless`` or ``provisioned``), or None."""
        if region is None or memory_mb is None or memory_mb % 1024:
            return None
        return self.regions.get(region, {}).get(use, {}).get(str(memory_mb // 1024))

    def merged(self, other: PriceTable) -> PriceTable:
        """This table with ``other``'s prices on top (a newer offer file wins)."""
        regions: dict[str, dict[str, dict[str, float]]] = {
            r: {u: dict(p) for u, p in uses.items()} for r, uses in self.regions.items()}
        for region, uses in other.regions.items():
            for use, prices in uses.items():
                regions.setdefault(region, {}).setdefault(use, {}).update(prices)
        sources = [s for s in (other.source, self.source) if s]
        return PriceTable(regions, "; ".join(sources) or None)


def parse_offer_file(offer: Any, where: str = "offer file") -> PriceTable:
    """The SageMaker inference prices of one parsed offer file."""
    if not isinstance(offer, Mapping) or not isinstance(offer.get("products"), Mapping):
        raise PriceError(f"{where} is not a Price List offer file (no products object)")
    if offer.get("offerCode") not in (None, "AmazonSageMaker"):
        raise PriceError(f"{where} is the offer file of {offer.get('offerCode')}, not AmazonSageMaker")
    terms = offer.get("terms") or {}
    if not isinstance(terms, Mapping):
        raise PriceError(f"{where}: terms is not an object")
    on_demand = terms.get("OnDemand") or {}
    if not isinstance(on_demand, Mapping):
        raise PriceError(f"{where}: terms.OnDemand is not an object")
    regions: dict[str, dict[str, dict[str, float]]] = {}
    for sku, product in offer["products"].items():
        attributes = (product or {}).get("attributes") if isinstance(product, Mapping) else None
        if not isinstance(attributes, Mapping):
            continue
        usage_type, region = str(attributes.get("usagetype", "")), attributes.get("regionCode")
        for use, pattern, unit in _USAGE:
            match = pattern.search(usage_type)
            if match is None or not isinstance(region, str):
                continue
            price = _on_demand_price(on_demand.get(sku), unit, f"{where}: sku {sku}")
            if price is not None:
                regions.setdefault(region, {}).setdefault(use, {})[match.group(1)] = price
    label = (f"AWS Price List offer file AmazonSageMaker version {offer.get('version', '?')}, published "
             f"{offer.get('publicationDate', '?')}")
    return PriceTable(regions, label if regions else None)


def _on_demand_price(terms: Any, unit: str, where: str) -> float | None:
    """The one on-demand price per ``unit`` of a sku (None: no such term, or tiered prices)."""
    if not isinstance(terms, Mapping):
        return None
    prices: list[float] = []
    for term in terms.values():
        dimensions = term.get("priceDimensions") if isinstance(term, Mapping) else None
        if not isinstance(dimensions, Mapping):
            raise PriceError(f"{where}: an OnDemand term has no priceDimensions object")
        for dimension in dimensions.values():
            if not isinstance(dimension, Mapping) or not str(dimension.get("unit", "")).lower().startswith(unit):
                continue
            per_unit = dimension.get("pricePerUnit")
            text = per_unit.get("USD") if isinstance(per_unit, Mapping) else None
            try:
                price = float(str(text))
            except ValueError:
                raise PriceError(f"{where}: pricePerUnit.USD {text!r} is not a number") from None
            if not math.isfinite(price) or price < 0:
                raise PriceError(f"{where}: pricePerUnit.USD {text!r} is not a price (a finite number ≥ 0)")
            prices.append(price)
    return prices[0] if len(set(prices)) == 1 else None


def read_offer_file(path: str | Path) -> PriceTable:
    """Read and parse one offer file (``PriceError`` when it is not one)."""
    try:
        offer = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PriceError(f"{path} cannot be read as JSON: {error}") from error
    return parse_offer_file(offer, str(path))


def shipped_prices() -> PriceTable:
    """The prices in the package data (``prices`` of ``data/instance_types.json``; empty when none)."""
    from ..instance_types import instance_type_data

    block = instance_type_data().get("prices") or {}
    return PriceTable(block.get("regions") or {}, block.get("source"))
