"""The synth-time cost note of every endpoint, and the app's opt-in idle-floor budget.

At synth (a node validation, so every autoscaling target and schedule is known), each endpoint gets an
info annotation with its idle floor and ceiling in instance-hours per month and, where the package data
or an offer file named by context has a list price for the stack's Region, in USD. The figures come from
``cost.row_of``, the function the ``cost`` command uses, so the note and the command never disagree.

Budgets (context, opt-in): ``cdk-sagemaker-inference:max-idle-floor-instance-hours`` and
``cdk-sagemaker-inference:max-idle-floor-usd-month`` warn when an endpoint's floor is above them; with
``cdk-sagemaker-inference:budget-action`` = ``error`` the synth fails instead. A budget in USD with no
known price is reported as not checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jsii
from aws_cdk import Annotations, Stack
from constructs import IConstruct, IValidation

from ..cost import CostRow, figure, row_of
from ..cost.capacity import Capacity
from ..cost.prices import PriceError, PriceTable, read_offer_file, shipped_prices
from ..preflight.needs import Need, NeedTable, add_capacity
from ..tokens import is_unresolved
from ..typecheck import DETACH_HOOKS
from ._batch import Batch
from ._memo import annotations_of, memo, path_of, remembered, stack_environment, stack_of

if TYPE_CHECKING:
    from .endpoint import EndpointBase

PRICES_FILE_CONTEXT = "cdk-sagemaker-inference:prices-file"
"""Context key: an AWS Price List offer file (AmazonSageMaker) with newer prices than the package's."""
MAX_FLOOR_HOURS_CONTEXT = "cdk-sagemaker-inference:max-idle-floor-instance-hours"
MAX_FLOOR_USD_CONTEXT = "cdk-sagemaker-inference:max-idle-floor-usd-month"
BUDGET_ACTION_CONTEXT = "cdk-sagemaker-inference:budget-action"
"""``warn`` (default) or ``error``."""
_NOTE, _BUDGET, _PRICES, _QUOTA = "cost.idle-floor", "cost.budget", "cost.prices", "preflight.quota-needs"


def endpoints_of_app(root: IConstruct) -> list[EndpointBase]:
    """Every endpoint the app defines, in order (memo on the app's root; endpoints add themselves)."""
    def new() -> list[EndpointBase]:
        return []
    return memo(root, "endpoints", new)


def _prices(path: object) -> PriceTable | str:
    """The package's prices with the offer file ``path`` (the context value, if any) on top (a message when the file
    is unreadable)."""
    table = shipped_prices()
    if not path:
        return table
    try:
        return table.merged(read_offer_file(str(path)))
    except PriceError as error:
        return f"context {PRICES_FILE_CONTEXT}: {error}"


def _number_context(key: str, value: Any) -> float | str | None:
    """The context value ``value`` of ``key`` as a number ≥ 0 (None when unset, a message when it is not one)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"context {key} = {value!r} is not a number"
    return number if math.isfinite(number) and number >= 0 else f"context {key} = {value!r} is not a number ≥ 0"


@dataclass(frozen=True)
class _StackFacts:
    """What the notes read of a stack, asked of aws-cdk-lib once per stack."""

    name: str
    account: str | None
    region: str | None
    prices: PriceTable | str
    budgets: tuple[tuple[str, float | str | None], ...]
    action: str


def _facts(stack: Stack) -> _StackFacts:
    def read() -> _StackFacts:
        batch = Batch()  # the stack's name, environment and context values: one round trip per stack
        name = batch.get(batch.of(stack, "stackName"))
        node = batch.of(stack, "node")
        context = {key: batch.call(node, "tryGetContext", key) for key in _CONTEXT_KEYS}
        batch.run()
        account, region = stack_environment(stack)
        return _StackFacts(name.value, None if is_unresolved(account) else account,
                           None if is_unresolved(region) else region,
                           _prices(context[PRICES_FILE_CONTEXT].value),
                           tuple((key, _number_context(key, context[key].value)) for key in (MAX_FLOOR_HOURS_CONTEXT,
                                                                                             MAX_FLOOR_USD_CONTEXT)),
                           str(context[BUDGET_ACTION_CONTEXT].value or "warn").lower())
    return memo(stack, _StackFacts, read)


_CONTEXT_KEYS = (PRICES_FILE_CONTEXT, MAX_FLOOR_HOURS_CONTEXT, MAX_FLOOR_USD_CONTEXT, BUDGET_ACTION_CONTEXT)


def register(endpoint: EndpointBase, root: IConstruct, stage: IConstruct) -> None:
    """Add ``endpoint`` to the app's cost notes: one validation per ``Stage`` holding endpoints (added with
    its first endpoint), so a note costs no callback per endpoint.

    Per stage, not per app: aws-cdk-lib writes a Stage's assembly when it validates that stage (before the
    app's own validations run), so a note added by a validation on the app's root never reached the
    metadata of an endpoint inside a Stage (found by review)."""
    listed = endpoints_of_app(root)
    listed.append(endpoint)
    staged: list[EndpointBase] = memo(stage, "cost-endpoints", list)
    if not staged:
        stage.node.add_validation(CostNotes(root, staged))
    staged.append(endpoint)
    memo(endpoint, _LISTS, lambda: (listed, staged))


_LISTS = "cost-lists"


def _forget(construct: object) -> None:
    """An endpoint refused after it registered (a late check) leaves the cost notes and quota sums."""
    for listed in remembered(construct, _LISTS) or ():
        listed[:] = [endpoint for endpoint in listed if endpoint is not construct]


DETACH_HOOKS.append(_forget)


@jsii.implements(IValidation)
class CostNotes:
    """At synth, for every endpoint of a stage: its cost note (floor, ceiling, the app's quota needs for its
    types) and the app's budget."""

    def __init__(self, root: IConstruct, endpoints: list[EndpointBase]) -> None:
        self._root, self._endpoints = root, endpoints

    def validate(self) -> list[str]:
        failures: list[str] = []
        # The whole app's needs (stages may share an account and Region), counted once for every stage.
        endpoints = endpoints_of_app(self._root)  # a later synth of a grown app counts the new endpoints too
        needs = memo(self._root, ("app-needs", len(endpoints)), lambda: _app_needs(endpoints))
        batch = Batch()  # every endpoint's note: one jsii round trip
        for endpoint in self._endpoints:
            facts = _facts(stack_of(endpoint))
            prices = facts.prices
            if isinstance(prices, str):
                annotations_of(endpoint).add_warning_v2(f"cdk-sagemaker-inference:{_PRICES}", prices)
                prices = shipped_prices()
            path = path_of(endpoint)
            row = row_of(Capacity(facts.name, path, endpoint._cost_kind(), facts.region,
                                  endpoint._capacity_variants()), prices)
            lines = [f"[cdk-sagemaker-inference:{_NOTE}] {summary(row)}"]
            lines += [f"[cdk-sagemaker-inference:{_QUOTA}] the app {need.describe()}: `cdk-sagemaker-inference "
                      "preflight` compares it with the account's quota" for need in needs if path in need.paths]
            batch.call(batch.static(Annotations, "of", endpoint), "addInfo", "\n".join(lines))
            if any(limit is not None for _, limit in facts.budgets):
                batch.run()  # a budget's notes follow the endpoint's note
            failures += _budget(endpoint, path, facts, row)
        batch.run()
        return sorted(set(failures))  # a context value that is not a number: said once, not per endpoint


def _budget(endpoint: EndpointBase, path: str, facts: _StackFacts, row: CostRow) -> list[str]:
    failures: list[str] = []
    for (key, limit), floor, unit in zip(facts.budgets, (row.floor_instance_hours, row.floor_usd_month),
                                          ("instance-hours", "USD"), strict=True):
        if limit is None:
            continue
        if isinstance(limit, str):
            failures.append(limit)
            continue
        if floor is None:
            annotations_of(endpoint).add_info(
                f"[cdk-sagemaker-inference:{_BUDGET}] {key} not checked: the idle floor in {unit} is unknown "
                f"(no list price for this Region and type; pass an offer file with {PRICES_FILE_CONTEXT})")
            continue
        if floor > limit:
            message = (f"the idle floor is {figure(floor, money=unit == 'USD')} {unit} a month, above the app's "
                       f"budget {key} = {limit:g}: lower the minimum instances (or scale to zero), or raise the budget")
            if facts.action == "error":
                failures.append(f"[cdk-sagemaker-inference:{_BUDGET}] {path}: {message}")
            else:
                annotations_of(endpoint).add_warning_v2(f"cdk-sagemaker-inference:{_BUDGET}", message)
    return failures


def _app_needs(endpoints: list[EndpointBase]) -> list[Need]:
    """The endpoint quotas the whole app needs per environment, from every endpoint's capacity (the same
    ``preflight.needs.add_capacity`` the command uses on templates)."""
    table = NeedTable()
    for endpoint in endpoints:
        facts = _facts(stack_of(endpoint))
        capacity = Capacity(facts.name, path_of(endpoint), endpoint._cost_kind(), facts.region,
                            endpoint._capacity_variants(), rolling_batch=endpoint._rolling_batch())
        add_capacity(capacity, facts.account, facts.region, table)
    return [n for n in table.needs() if not n.per_endpoint]


def summary(row: CostRow) -> str:
    """One line: idle floor and ceiling, instance-hours and USD a month, and what drives them."""
    unknown = ("the stack has no Region: `cdk-sagemaker-inference cost --region <Region>` prices it" if row.region is None
               else "no list price known for this Region and type")
    usd = (f"; ≈ {figure(row.floor_usd_month, money=True)} to {figure(row.ceiling_usd_month, money=True)} a month at "
           f"on-demand list prices ({row.price_source})" if row.price_source else f"; USD unknown ({unknown})")
    return (f"idle floor {figure(row.floor_instance_hours)} instance-hours a month, ceiling "
            f"{figure(row.ceiling_instance_hours)} (730 hours a month){usd}. {'; '.join(row.drivers)}. "
            "`cdk-sagemaker-inference cost` shows the whole app.")
