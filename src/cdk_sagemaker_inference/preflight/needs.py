"""What an app asks of each account and Region's SageMaker quotas: read from the synthesized templates,
no account needed (``cost`` prints it; ``preflight`` compares it with the quotas).

Per environment (account, Region), each line is one Service Quotas quota of the service code
``sagemaker``, by its name:

- ``<type> for endpoint usage``: the instances of that type across the app's endpoints at their ceiling
  (autoscaling or managed maximum, else the instance count; shadow variants count), and **during an
  update**, per endpoint, the instances the update adds beside the running fleet — a whole new fleet for
  a blue/green update (every update without a rolling policy), one batch for a rolling update;
- ``Number of instances across active endpoints`` and ``Maximum number of instances per endpoint``;
- ``<type> for transform job usage`` and ``Number of instances across all transform jobs``: a batch job's
  instances (one run at a time);
- ``Maximum total concurrency that can be allocated across all serverless endpoints`` (the sum of
  ``MaxConcurrency``) and ``Maximum number of serverless endpoints``.

Quota names as Service Quotas lists them for ``sagemaker`` (``ListServiceQuotas``); the per-type names
follow the ``<type> for endpoint usage`` / ``<type> for transform job usage`` pattern.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..assembly import StackTemplate
from ..cost.capacity import Capacity, capacities_of, update_extra

__all__ = ["ENDPOINT_TOTAL", "INSTANCES_PER_ENDPOINT", "SERVERLESS_CONCURRENCY", "SERVERLESS_ENDPOINTS",
           "TRANSFORM_TOTAL", "Need", "NeedTable", "add_capacity", "app_needs", "endpoint_quota", "transform_quota"]

ENDPOINT_TOTAL = "Number of instances across active endpoints"
INSTANCES_PER_ENDPOINT = "Maximum number of instances per endpoint"
TRANSFORM_TOTAL = "Number of instances across all transform jobs"
SERVERLESS_CONCURRENCY = "Maximum total concurrency that can be allocated across all serverless endpoints"
SERVERLESS_ENDPOINTS = "Maximum number of serverless endpoints"


def endpoint_quota(instance_type: str) -> str:
    """The Service Quotas name of an instance type's endpoint quota."""
    return f"{instance_type} for endpoint usage"


def transform_quota(instance_type: str) -> str:
    """The Service Quotas name of an instance type's transform job quota."""
    return f"{instance_type} for transform job usage"


@dataclass
class Need:
    """What the app needs of one quota in one environment."""

    quota_name: str
    account: str | None
    region: str | None
    steady: int = 0
    """At the app's ceiling, with no update running."""
    during_update: int = 0
    """While every endpoint updates at once (CloudFormation may update them in parallel)."""
    paths: list[str] = field(default_factory=list)
    """The construct paths that need it."""
    per_endpoint: bool = False
    """A per-endpoint quota (``steady`` is the largest endpoint's need)."""
    unknown: list[str] = field(default_factory=list)
    """The construct paths whose share is known only at deploy time (an instance count or type that is a
    token): not counted, so the figures are a lower bound and the quota is not checked for them."""

    @property
    def environment(self) -> str:
        return f"{self.account or 'the deploying account'}/{self.region or 'the configured Region'}"

    def to_json(self) -> dict[str, Any]:
        """The need as the commands' JSON reports print it."""
        return {"quota_name": self.quota_name, "account": self.account, "region": self.region, "needed": self.steady,
                "needed_during_update": self.during_update, "paths": self.paths, "not_counted": self.unknown}

    def describe(self) -> str:
        """E.g. ``needs up to 8 × ml.g5.xlarge for endpoint usage in eu-west-1 (12 during a blue/green update)``."""
        update = f" ({self.during_update} during an update)" if self.during_update != self.steady else ""
        unknown = (f"; not counted: {', '.join(self.unknown)} (an instance count or type known only at deploy "
                   "time)" if self.unknown else "")
        return f"needs {'at least' if self.unknown else 'up to'} {self.steady} of '{self.quota_name}' in " \
               f"{self.environment}{update}{unknown}"


class NeedTable:
    """The needs being added up: ``table(account, region, quota name, path)`` is the entry to add to."""

    def __init__(self) -> None:
        self._needs: dict[tuple[str | None, str | None, str], Need] = {}

    def __call__(self, account: str | None, region: str | None, name: str, path: str) -> Need:
        entry = self._needs.setdefault((account, region, name), Need(name, account, region))
        if path not in entry.paths:
            entry.paths.append(path)
        return entry

    def needs(self) -> list[Need]:
        """Sorted by environment and quota name."""
        return sorted(self._needs.values(), key=lambda n: (n.account or "", n.region or "", n.quota_name))


def app_needs(stacks: Iterable[StackTemplate], *,
              environment: tuple[str | None, str | None] | None = None) -> list[Need]:
    """Every quota the app's stacks (nested ones too) need, per environment, sorted by environment and name.

    :param environment: (account, Region) of every stack given, where the caller resolved them (an
        environment-agnostic stack deploys to the credentials' account). Default: each stack's own.
    """
    table = NeedTable()
    for top in stacks:
        account, region = environment or (top.key.account, top.key.region)
        for capacity in capacities_of(top):
            add_capacity(capacity, account, region, table)
    return table.needs()


def add_capacity(capacity: Capacity, account: str | None, region: str | None, need: NeedTable) -> None:
    """Add one endpoint's or job's capacity to the app's needs (also used by the synth-time note)."""
    path = capacity.path
    if capacity.kind == "batch":
        # The transform states of one state machine run one after another (one run at a time): the largest.
        per_type: dict[str, int] = {}
        for variant in capacity.variants:
            if variant.instance_type:
                per_type[variant.instance_type] = max(per_type.get(variant.instance_type, 0),
                                                      variant.ceiling_instances or 0)
                if variant.ceiling_instances is None:
                    _unknown(need(account, region, transform_quota(variant.instance_type), path), path)
        for instance_type, count in sorted(per_type.items()):
            _add(need(account, region, transform_quota(instance_type), path), count, count)
        total = max((v.ceiling_instances or 0 for v in capacity.variants), default=0)
        _add(need(account, region, TRANSFORM_TOTAL, path), total, total)
        if any(v.ceiling_instances is None or not v.instance_type for v in capacity.variants):
            _unknown(need(account, region, TRANSFORM_TOTAL, path), path)
        return
    serverless = [v for v in capacity.variants if v.memory_mb is not None]
    if serverless:
        _add(need(account, region, SERVERLESS_ENDPOINTS, path), 1, 1)
        concurrency = sum(v.max_concurrency or 0 for v in serverless)
        _add(need(account, region, SERVERLESS_CONCURRENCY, path), concurrency, concurrency)
        if any(v.max_concurrency is None for v in serverless):
            _unknown(need(account, region, SERVERLESS_CONCURRENCY, path), path)
    instance_based = [v for v in capacity.variants if v.memory_mb is None]
    for variant in instance_based:  # a token count or type: its share is known only at deploy time
        if variant.instance_type and variant.ceiling_instances is None:
            _unknown(need(account, region, endpoint_quota(variant.instance_type), path), path)
        if not variant.instance_type or variant.ceiling_instances is None:
            _unknown(need(account, region, ENDPOINT_TOTAL, path), path)
        if variant.ceiling_instances is None:
            largest = need(account, region, INSTANCES_PER_ENDPOINT, path)
            largest.per_endpoint = True
            _unknown(largest, path)
    total = 0
    for instance_type, ceiling in _by_type(capacity):
        extra = update_extra(ceiling, capacity.rolling_batch)
        _add(need(account, region, endpoint_quota(instance_type), path), ceiling, ceiling + extra)
        total += ceiling
    if total:
        extra = update_extra(total, capacity.rolling_batch)
        _add(need(account, region, ENDPOINT_TOTAL, path), total, total + extra)
        largest = need(account, region, INSTANCES_PER_ENDPOINT, path)
        largest.per_endpoint = True
        largest.steady = max(largest.steady, total)
        largest.during_update = max(largest.during_update, total)


def _by_type(capacity: Capacity) -> Sequence[tuple[str, int]]:
    totals: dict[str, int] = {}
    for variant in capacity.variants:
        if variant.instance_type and variant.ceiling_instances:
            totals[variant.instance_type] = totals.get(variant.instance_type, 0) + variant.ceiling_instances
    return sorted(totals.items())


def _unknown(entry: Need, path: str) -> None:
    if path not in entry.unknown:
        entry.unknown.append(path)


def _add(entry: Need, steady: int, during_update: int) -> None:
    entry.steady += steady
    entry.during_update += during_update
