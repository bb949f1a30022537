"""The hosting advisor: which of the four SageMaker inference options fits a workload, and why.

A pure decision function (:func:`recommend`: a :class:`Workload` in, a :class:`Recommendation`
out) plus rendering (:func:`render_text`, :func:`to_json`, :func:`snippet_for`). The CLI
(``cdk-sagemaker-inference advise``) only collects the inputs.

The documented per-invocation limits it decides on (each number comes from a row of the
constraint table, named in :data:`LIMITS`):

============== ================= ====================== ==============================
option         payload           processing time        constraint row
============== ================= ====================== ==============================
real-time      ≤ 6 MB            ≤ 60 s                 ``realtime.runtime-limits``
serverless     ≤ 4 MB            ≤ 60 s                 ``serverless.runtime-limits``
async          ≤ 1 GB            ≤ 1 h (3600 s)         ``async.runtime-limits``
batch          ≤ 100 MB records  ≤ 3600 s per batch     ``batch.timeout``
============== ================= ====================== ==============================

The decision, in order (each line is one branch, each tested):

Traffic ``batch`` (the whole dataset is available up front, nobody waits per request):

1. records within the batch-transform limits → **batch transform** (with a note when the
   latency asked for is ``interactive``: a transform job answers no single caller);
2. else within the async limits → **async** (queue each item as an async request);
3. else → **none fits**.

Traffic ``sustained`` or ``intermittent`` (requests arrive over time):

4. payload > 6 MB or processing > 60 s, within the async limits → **async** (with a note when
   the latency asked for is ``interactive``: there is no synchronous answer);
5. beyond the async limits too → **none fits**;
6. ``sustained`` → **real-time**;
7. ``intermittent`` within the serverless limits and no accelerator → **serverless**;
8. ``intermittent`` beyond serverless (payload > 4 MB, or a GPU/accelerator) and ``interactive``
   latency → **real-time**;
9. otherwise (``near-real-time`` or ``offline``) → **async** (scales to zero between bursts).

When the answer is real-time and the model needs an accelerator, the shape is **inference
components** (``InferenceComponentEndpoint`` + ``InferenceComponent``) if several models share the
hosting (``models`` > 1: each reserves its accelerators and copies on one fleet) or the traffic is
intermittent (the only real-time shape that scales to zero instances).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .constraints import SERVERLESS_MEMORY_TIERS, Constraint, constraint

__all__ = [
    "IMPLIED_CONSTRAINTS",
    "LIMITS",
    "HostingOption",
    "Latency",
    "Limit",
    "Recommendation",
    "Traffic",
    "Workload",
    "cost_of",
    "recommend",
    "render_text",
    "snippet_capacity",
    "snippet_for",
    "to_json",
]


class HostingOption(enum.Enum):
    """The four inference hosting options, each with its construct."""

    REALTIME = "realtime"
    SERVERLESS = "serverless"
    ASYNC = "async"
    BATCH = "batch"

    @property
    def construct(self) -> str:
        """The construct class that deploys this option."""
        return _CONSTRUCTS[self]

    @property
    def title(self) -> str:
        """A human name, e.g. ``real-time``."""
        return _TITLES[self]


_CONSTRUCTS = {
    HostingOption.REALTIME: "RealtimeEndpoint",
    HostingOption.SERVERLESS: "ServerlessEndpoint",
    HostingOption.ASYNC: "AsyncEndpoint",
    HostingOption.BATCH: "BatchTransformJob",
}
_TITLES = {
    HostingOption.REALTIME: "real-time",
    HostingOption.SERVERLESS: "serverless",
    HostingOption.ASYNC: "async",
    HostingOption.BATCH: "batch transform",
}


class Latency(enum.Enum):
    """How soon a result is needed."""

    INTERACTIVE = "interactive"
    """A caller waits for the response (milliseconds to seconds)."""
    NEAR_REAL_TIME = "near-real-time"
    """A caller can collect the result later (seconds to minutes: poll S3 or get an SNS message)."""
    OFFLINE = "offline"
    """Nobody waits (results within hours)."""


class Traffic(enum.Enum):
    """How requests arrive."""

    SUSTAINED = "sustained"
    """A steady stream of requests that keeps instances busy."""
    INTERMITTENT = "intermittent"
    """Bursts with idle periods between them, or unpredictable traffic."""
    BATCH = "batch"
    """A whole dataset, available up front, to process in one go (nightly jobs, backfills)."""


@dataclass(frozen=True)
class Limit:
    """The documented per-invocation limits of one hosting option."""

    max_payload_mb: float
    """Largest request/response payload (batch: largest mini-batch), in MB."""
    max_processing_seconds: float
    """Longest processing time of one invocation, in seconds."""
    constraint_id: str
    """The constraint-table row the numbers come from."""

    @property
    def row(self) -> Constraint:
        """The constraint-table row (rule text and source)."""
        return constraint(self.constraint_id)


LIMITS: Mapping[HostingOption, Limit] = {
    HostingOption.REALTIME: Limit(6, 60, "realtime.runtime-limits"),
    HostingOption.SERVERLESS: Limit(4, 60, "serverless.runtime-limits"),
    HostingOption.ASYNC: Limit(1024, 3600, "async.runtime-limits"),
    HostingOption.BATCH: Limit(100, 3600, "batch.timeout"),
}
"""Per-option limits the decision uses (payload in MB, processing in seconds)."""

IMPLIED_CONSTRAINTS: Mapping[HostingOption, tuple[str, ...]] = {
    HostingOption.REALTIME: (
        "realtime.runtime-limits", "realtime.instance-type", "realtime.single-instance",
        "autoscaling.min-capacity", "autoscaling.no-burstable", "migration.instance-to-serverless",
    ),
    HostingOption.SERVERLESS: (
        "serverless.runtime-limits", "serverless.memory", "serverless.max-concurrency",
        "serverless.no-gpu", "serverless.no-vpc", "serverless.no-network-isolation",
        "serverless.no-data-capture", "serverless.quota-concurrency", "migration.serverless-to-instance",
    ),
    HostingOption.ASYNC: (
        "async.runtime-limits", "async.output-path", "async.max-concurrent-invocations",
        "async.scale-to-zero", "async.no-marketplace", "migration.async-removed",
    ),
    HostingOption.BATCH: (
        "batch.timeout", "batch.max-payload", "batch.payload-times-concurrency", "batch.instance-count",
        "batch.invocation-timeout", "batch.no-cfn-resource",
    ),
}
"""Constraint-table rows that each option brings with it (shown with the recommendation)."""


@dataclass(frozen=True)
class Workload:
    """What the advisor decides on."""

    payload_mb: float
    """Size of one request or response payload (for batch: one record), in MB (> 0)."""
    processing_seconds: float
    """Time the model takes for one request (for batch: one mini-batch), in seconds (> 0)."""
    latency: Latency
    """How soon a result is needed."""
    traffic: Traffic
    """How requests arrive."""
    gpu: bool = False
    """Whether the model needs a GPU or another accelerator (Inferentia, Trainium, Gaudi). Default: False."""
    models: int = 1
    """How many models share the hosting (≥ 1). Default: 1."""

    def __post_init__(self) -> None:
        if not (isinstance(self.models, int) and self.models >= 1):
            raise ValueError(f"models must be a whole number ≥ 1, got {self.models}")
        if not self.payload_mb > 0:
            raise ValueError(f"payload_mb must be > 0 MB, got {self.payload_mb}")
        if not self.processing_seconds > 0:
            raise ValueError(f"processing_seconds must be > 0 s, got {self.processing_seconds}")


@dataclass(frozen=True)
class Recommendation:
    """The advisor's answer: the option (None when none fits), why, and what it implies."""

    workload: Workload
    """The inputs."""
    option: HostingOption | None
    """The recommended option, or None when no option accepts the workload as described."""
    reasons: tuple[str, ...]
    """Why this option (or why none fits)."""
    ruled_out: Mapping[HostingOption, str] = field(default_factory=dict)
    """Why each other option was not chosen."""
    notes: tuple[str, ...] = ()
    """What to watch for with the chosen option."""
    inference_components: bool = False
    """Real-time in the inference-component shape (``InferenceComponentEndpoint``)."""

    @property
    def constraints(self) -> tuple[Constraint, ...]:
        """The constraint-table rows the chosen option implies (empty when none fits)."""
        if self.option is None:
            return ()
        rows = IMPLIED_CONSTRAINTS[self.option] + (COMPONENT_CONSTRAINTS if self.inference_components else ())
        return tuple(constraint(c) for c in rows)

    @property
    def construct(self) -> str | None:
        """The construct to use (None when none fits)."""
        if self.option is None:
            return None
        return "InferenceComponentEndpoint" if self.inference_components else self.option.construct

    @property
    def snippet(self) -> str | None:
        """A construct snippet to paste into a stack, or None when none fits."""
        if self.option is None:
            return None
        if self.inference_components:
            return components_snippet(self.workload)
        return snippet_for(self.option, self.workload)


def _mb(value: float) -> str:
    if value >= 1024 and value % 1024 == 0:
        return f"{value / 1024:g} GB"
    return f"{value:g} MB"


def _limit_problems(option: HostingOption, workload: Workload) -> list[str]:
    """Why ``workload`` breaks ``option``'s documented limits (empty: it fits)."""
    limit = LIMITS[option]
    problems: list[str] = []
    if workload.payload_mb > limit.max_payload_mb:
        unit = "a mini-batch" if option is HostingOption.BATCH else "a payload"
        problems.append(f"{option.title} accepts {unit} of at most {_mb(limit.max_payload_mb)}; "
                        f"yours is {_mb(workload.payload_mb)}")
    if workload.processing_seconds > limit.max_processing_seconds:
        problems.append(f"{option.title} allows at most {limit.max_processing_seconds:g} s per invocation; "
                        f"yours takes {workload.processing_seconds:g} s")
    if option is HostingOption.SERVERLESS and workload.gpu:
        problems.append("serverless runs CPU images only (no GPU, Inferentia, Trainium or Gaudi)")
    return problems


def _fits(option: HostingOption, workload: Workload) -> bool:
    return not _limit_problems(option, workload)


def _limit_reason(option: HostingOption) -> str:
    limit = LIMITS[option]
    return (f"within the documented {option.title} limits ({_mb(limit.max_payload_mb)}, "
            f"{limit.max_processing_seconds:g} s; rule {limit.constraint_id}, source: {limit.row.source})")


def _context_reason(option: HostingOption, workload: Workload) -> str:
    """Why ``option`` loses although it fits the limits (the workload's traffic and latency)."""
    traffic, latency = workload.traffic, workload.latency
    if option is HostingOption.BATCH:
        return ("needs the whole dataset up front (traffic 'batch'); "
                "here requests arrive over time")
    if option is HostingOption.REALTIME:
        if traffic is Traffic.BATCH:
            return "an always-on endpoint is not needed for data that is available up front"
        return "instances run (and bill) through the idle periods of intermittent traffic"
    if option is HostingOption.SERVERLESS:
        if traffic is Traffic.BATCH:
            return "an endpoint invoked request by request is not needed for data that is available up front"
        return "sustained traffic keeps capacity busy: instances cost less per request and have no cold starts"
    if latency is Latency.INTERACTIVE:  # ASYNC
        return "a caller waits for the response: async answers through S3 and SNS, not in the response"
    if traffic is Traffic.BATCH:
        return "a transform job processes a whole dataset without queueing each item"
    return "a synchronous endpoint answers in the response, with no S3 round trip"


COMPONENT_CONSTRAINTS: tuple[str, ...] = ("component.fit", "component.fit-fleet", "component.scale-from-zero",
                                           "component.zero-instances-region")
"""Rows the inference-component shape adds to the real-time ones."""


def recommend(workload: Workload) -> Recommendation:
    """The hosting option for ``workload``, following the documented decision (module docstring).

    :param workload: payload size, processing time, latency need, traffic pattern, accelerator, number
        of models. No default.
    """
    chosen = _recommend(workload)
    if chosen.option is not HostingOption.REALTIME or not workload.gpu:
        return chosen
    reasons: list[str] = []
    if workload.models > 1:
        reasons.append(f"{workload.models} models need accelerators: as inference components they share one "
                       "fleet, each reserving its own accelerators, memory and copies, instead of a fleet each")
    if workload.traffic is Traffic.INTERMITTENT:
        reasons.append("intermittent traffic: inference components are the only real-time shape that scales to "
                       "zero instances (managed instance scaling minimum 0, copies minimum 0, a step policy that "
                       "wakes the component)")
    if not reasons:
        return chosen
    notes = ("at zero, the first request fails with NoCapacityInvocationFailures while an instance and a copy "
             "start (minutes); not every Region offers scaling to zero instances",) \
        if workload.traffic is Traffic.INTERMITTENT else ()
    return Recommendation(workload=workload, option=chosen.option, reasons=(*chosen.reasons, *reasons),
                          ruled_out=chosen.ruled_out, notes=(*chosen.notes, *notes), inference_components=True)


def _recommend(workload: Workload) -> Recommendation:
    if workload.traffic is Traffic.BATCH:
        if _fits(HostingOption.BATCH, workload):
            notes: tuple[str, ...] = ()
            if workload.latency is Latency.INTERACTIVE:
                notes = ("a transform job answers no single caller: if a caller waits for each result, "
                         "describe the traffic as sustained or intermittent instead",)
            return _chosen(workload, HostingOption.BATCH, (
                "the data is available up front: a transform job processes the whole dataset and stops, "
                "so nothing runs (or bills) between jobs",
                _limit_reason(HostingOption.BATCH),
            ), notes)
        if _fits(HostingOption.ASYNC, workload):
            return _chosen(workload, HostingOption.ASYNC, (
                *_limit_problems(HostingOption.BATCH, workload),
                "queue each item of the dataset as an async request instead; the endpoint scales to zero "
                "when the queue is empty",
                _limit_reason(HostingOption.ASYNC),
            ))
        return _none_fits(workload)

    if not _fits(HostingOption.REALTIME, workload):
        if _fits(HostingOption.ASYNC, workload):
            notes = ()
            if workload.latency is Latency.INTERACTIVE:
                notes = ("there is no synchronous answer at this size or duration: the caller polls the "
                         "output location or subscribes to the success topic",)
            return _chosen(workload, HostingOption.ASYNC, (
                *_limit_problems(HostingOption.REALTIME, workload),
                "async inference queues the request (payload in S3) and writes the result to S3",
                _limit_reason(HostingOption.ASYNC),
            ), notes)
        return _none_fits(workload)

    if workload.traffic is Traffic.SUSTAINED:
        return _chosen(workload, HostingOption.REALTIME, (
            "sustained traffic keeps instances busy: instance-based hosting has no cold starts and the "
            "lowest cost per request at a steady load; autoscale on InvocationsPerInstance",
            _limit_reason(HostingOption.REALTIME),
        ), ("use at least 2 instances for Availability Zone redundancy",))

    if _fits(HostingOption.SERVERLESS, workload):
        notes = ("the first request after an idle period waits for a cold start",)
        if workload.latency is Latency.INTERACTIVE:
            notes = ("a caller waits: set provisioned_concurrency to keep instances warm and avoid cold starts",)
        return _chosen(workload, HostingOption.SERVERLESS, (
            "intermittent traffic: serverless scales with requests and bills per use, nothing runs between "
            "bursts",
            _limit_reason(HostingOption.SERVERLESS),
        ), notes)

    serverless_out = _limit_problems(HostingOption.SERVERLESS, workload)
    if workload.latency is Latency.INTERACTIVE:
        return _chosen(workload, HostingOption.REALTIME, (
            *serverless_out,
            "a caller waits for the response, so a synchronous endpoint on instances: real-time "
            "(autoscaling keeps the instance count to the load, with at least one instance)",
            _limit_reason(HostingOption.REALTIME),
        ))
    return _chosen(workload, HostingOption.ASYNC, (
        *serverless_out,
        "nobody waits for the response: async inference on instances scales to zero between bursts of "
        "intermittent traffic (GPUs allowed)",
        _limit_reason(HostingOption.ASYNC),
    ))


def _chosen(workload: Workload, option: HostingOption, reasons: tuple[str, ...],
            notes: tuple[str, ...] = ()) -> Recommendation:
    ruled_out: dict[HostingOption, str] = {}
    for other in HostingOption:
        if other is option:
            continue
        problems = _limit_problems(other, workload)
        ruled_out[other] = "; ".join(problems) if problems else _context_reason(other, workload)
    return Recommendation(workload=workload, option=option, reasons=reasons, ruled_out=ruled_out, notes=notes)


def _none_fits(workload: Workload) -> Recommendation:
    ruled_out = {option: "; ".join(_limit_problems(option, workload)) or _context_reason(option, workload)
                 for option in HostingOption}
    return Recommendation(
        workload=workload, option=None,
        reasons=(f"no hosting option accepts {_mb(workload.payload_mb)} and "
                 f"{workload.processing_seconds:g} s per invocation: the largest are async "
                 f"({_mb(LIMITS[HostingOption.ASYNC].max_payload_mb)}, "
                 f"{LIMITS[HostingOption.ASYNC].max_processing_seconds:g} s) and batch transform "
                 f"({_mb(LIMITS[HostingOption.BATCH].max_payload_mb)} mini-batches, "
                 f"{LIMITS[HostingOption.BATCH].max_processing_seconds:g} s)",
                 "split the input into smaller records (batch transform splits by Line, RecordIO or "
                 "TFRecord), or shorten the processing of one request"),
        ruled_out=ruled_out)


# --------------------------------------------------------------------------- snippets
def _model_lines(workload: Workload) -> list[str]:
    tag = "2.3.0-gpu-py311" if workload.gpu else "2.3.0-cpu-py311"
    return [
        "# In your Stack's __init__ (self is the stack):",
        "model = InferenceModel(",
        '    self, "Model",',
        f'    image=ContainerImage.from_dlc("pytorch-inference", "{tag}"),',
        "    model_data=ModelData.from_bucket(",
        '        s3.Bucket.from_bucket_name(self, "ModelBucket", "my-model-bucket"), "model/model.tar.gz"),',
        ")",
    ]


def _instance_type(workload: Workload) -> str:
    return "InstanceType.G5_XLARGE" if workload.gpu else "InstanceType.M5_XLARGE"


def snippet_for(option: HostingOption, workload: Workload) -> str:
    """Python to paste into a stack's ``__init__``: the model and the construct for ``option``.

    Values come from the workload (instance family from ``gpu``, scale to zero for intermittent
    traffic, provisioned concurrency for interactive serverless) and the constraint table.

    :param option: the hosting option. No default.
    :param workload: the workload the snippet is for. No default.
    """
    names = ["ContainerImage", "InferenceModel", "ModelData", option.construct]
    body: list[str]
    if option is HostingOption.SERVERLESS:
        tiers = ", ".join(str(t) for t in SERVERLESS_MEMORY_TIERS)
        concurrency = constraint("serverless.max-concurrency")
        body = [
            "endpoint = ServerlessEndpoint(",
            '    self, "Endpoint",',
            "    model=model,",
            f"    memory_size_mb=2048,  # one of {tiers}: enough to hold the model",
            f"    max_concurrency=10,  # {concurrency.rule}; counts against the Region's serverless quota",
        ]
        if workload.latency is Latency.INTERACTIVE:
            body.append("    provisioned_concurrency=1,  # kept warm: no cold start for the first requests")
        body.append(")")
    elif option is HostingOption.REALTIME:
        names.append("InstanceType")
        body = [
            "endpoint = RealtimeEndpoint(",
            '    self, "Endpoint",',
            "    model=model,",
            f"    instance_type={_instance_type(workload)},",
            "    instance_count=2,  # two instances for Availability Zone redundancy",
            ")",
        ]
    elif option is HostingOption.ASYNC:
        names.append("InstanceType")
        minimum = 1 if workload.traffic is Traffic.SUSTAINED else 0
        comment = "always one instance up" if minimum else "scale to zero when the queue is empty"
        body = [
            "endpoint = AsyncEndpoint(",
            '    self, "Endpoint",',
            "    model=model,",
            f"    instance_type={_instance_type(workload)},",
            f"    min_instances={minimum},  # {comment}",
            ")",
        ]
    else:
        names += ["BatchTransformInput", "BatchTransformOutput", "InstanceType"]
        payload = min(int(LIMITS[HostingOption.BATCH].max_payload_mb), max(1, math.ceil(workload.payload_mb)))
        body = [
            'data = s3.Bucket.from_bucket_name(self, "DataBucket", "my-data-bucket")',
            "job = BatchTransformJob(",
            '    self, "Transform",',
            "    model=model,",
            f"    instance_type={_instance_type(workload)},",
            '    input=BatchTransformInput.from_prefix(data, "input/"),',
            '    output=BatchTransformOutput(bucket=data, prefix="output/"),',
            f"    max_payload_mb={payload},  # ≥ the largest record; {constraint('batch.max-payload').rule}",
            ")",
        ]
    line = f"from cdk_sagemaker_inference import {', '.join(sorted(names))}"
    if len(line) > 100:
        line = "\n".join(["from cdk_sagemaker_inference import (", *(f"    {n}," for n in sorted(names)), ")"])
    imports = ["from aws_cdk import aws_s3 as s3", "", line, ""]
    return "\n".join([*imports, *_model_lines(workload), *body]) + "\n"


def components_snippet(workload: Workload) -> str:
    """Python for the inference-component shape: an endpoint, and one component per model (scaled to
    zero for intermittent traffic).

    :param workload: the workload the snippet is for. No default.
    """
    zero = workload.traffic is Traffic.INTERMITTENT
    names = ["ComputeRequirements", "ContainerImage", "CopyScaling", "InferenceComponent",
             "InferenceComponentEndpoint", "InstanceType", "ManagedInstanceScaling", "ModelData"]
    lines = [
        "from aws_cdk import aws_s3 as s3", "",
        "from cdk_sagemaker_inference import (", *(f"    {n}," for n in names), ")", "",
        "# In your Stack's __init__ (self is the stack):",
        'bucket = s3.Bucket.from_bucket_name(self, "ModelBucket", "my-model-bucket")',
        "endpoint = InferenceComponentEndpoint(",
        '    self, "Endpoint",',
        '    instance_type=InstanceType.of("ml.g5.12xlarge"),  # 4 GPUs: room for several models',
        "    instance_count=1,",
        f"    managed_scaling=ManagedInstanceScaling(min_instances={0 if zero else 1}, max_instances=2),",
        ")",
    ]
    for index in range(min(workload.models, 3)):
        lines += [
            f'InferenceComponent(self, "Model{index}", endpoint=endpoint,',
            '    image=ContainerImage.from_dlc("djl-inference", "0.33.0-lmi15.0.0-cu128"),',
            f'    model_data=ModelData.from_bucket(bucket, "model{index}/model.tar.gz"),',
            "    compute=ComputeRequirements(min_memory_mb=8192, accelerator_devices=1),",
            f"    copy_scaling=CopyScaling(min_copies={0 if zero else 1}, max_copies=2, "
            "target_concurrent_requests_per_copy=4),",
            ")",
        ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- cost


def snippet_capacity(recommendation: Recommendation) -> tuple[str, tuple[Any, ...]] | None:
    """The kind and variant capacities of the recommendation's snippet (the values the snippet writes), as
    the ``cost`` command reads them from a template (None when none fits)."""
    from .assembly.resources import ScalingRange
    from .cost.capacity import VariantCapacity, instance_variant, serverless_variant

    option, workload = recommendation.option, recommendation.workload
    if option is None:
        return None
    instance = "ml.g5.xlarge" if workload.gpu else "ml.m5.xlarge"  # _instance_type's G5_XLARGE / M5_XLARGE
    if recommendation.inference_components:
        low = 0 if workload.traffic is Traffic.INTERMITTENT else 1
        return "inference-components", (instance_variant("AllTraffic", "ml.g5.12xlarge", 1,
                                                         scaling=ScalingRange(low, 2), managed=True),)
    if option is HostingOption.REALTIME:
        return "realtime", (instance_variant("AllTraffic", instance, 2, scaling=None),)
    if option is HostingOption.SERVERLESS:
        provisioned = 1 if workload.latency is Latency.INTERACTIVE else None
        return "serverless", (serverless_variant("AllTraffic", 2048, provisioned, None),)
    if option is HostingOption.ASYNC:
        low = 1 if workload.traffic is Traffic.SUSTAINED else 0
        return "async", (instance_variant("AllTraffic", instance, 1, scaling=ScalingRange(low, 2)),)
    return "batch", (VariantCapacity("transform", instance, 0, 1, drivers=(f"1 × {instance} per run",)),)


def cost_of(recommendation: Recommendation, *, region: str | None = None, requests_per_month: float | None = None,
            prices: Any = None, measured: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """What the snippet costs, computed by the ``cost`` command's own function (``cost.row_of``), so the
    advisor and the command never disagree: floor and ceiling instance-hours a month, USD where a list
    price is known for ``region``, and with ``requests_per_month`` the serverless compute and the break-even
    between serverless and real-time (the workload's processing time as the mean duration, 2048 MB).

    :param region: the Region of the prices. Default: unknown (no USD).
    :param requests_per_month: the expected traffic. Default: unknown.
    :param prices: a ``cost.prices.PriceTable``. Default: the package's prices.
    :param measured: what a recommendation job measured (its context entry's ``metrics`` with ``job`` and
        ``source``): the fleet is sized from its invocations a minute, and its cost per hour or per inference
        is reported as measured. Default: none.
    """
    from .cost import Usage, row_of
    from .cost.capacity import Capacity
    from .cost.prices import shipped_prices

    shape = snippet_capacity(recommendation)
    if shape is None:
        return None
    kind, variants = shape
    usage = None
    if requests_per_month is not None:
        usage = Usage(requests_per_month=requests_per_month,
                      mean_duration_ms=recommendation.workload.processing_seconds * 1000, serverless_memory_mb=2048)
    row = row_of(Capacity("advice", "snippet", kind, region, variants, measured=measured), prices or shipped_prices(),
                 usage)
    figures = {k: v for k, v in row.to_json().items() if k not in ("stack", "path", "variants")}
    return figures


# --------------------------------------------------------------------------- rendering
def to_json(recommendation: Recommendation) -> dict[str, Any]:
    """A JSON-serialisable dict of ``recommendation`` (the CLI's ``--json`` output).

    :param recommendation: what :func:`recommend` returned. No default.
    """
    option = recommendation.option
    workload = recommendation.workload
    return {
        "workload": {
            "payload_mb": workload.payload_mb,
            "processing_seconds": workload.processing_seconds,
            "latency": workload.latency.value,
            "traffic": workload.traffic.value,
            "gpu": workload.gpu,
            "models": workload.models,
        },
        "recommendation": option.value if option else None,
        "construct": recommendation.construct,
        "shape": ("inference-components" if recommendation.inference_components else "model") if option else None,
        "reasons": list(recommendation.reasons),
        "notes": list(recommendation.notes),
        "ruled_out": {o.value: why for o, why in recommendation.ruled_out.items()},
        "limits": {
            o.value: {"max_payload_mb": limit.max_payload_mb,
                      "max_processing_seconds": limit.max_processing_seconds,
                      "constraint": limit.constraint_id, "source": limit.row.source}
            for o, limit in LIMITS.items()
        },
        "constraints": [
            {"id": c.id, "subject": c.subject, "rule": c.rule, "source": c.source, "severity": c.severity.value}
            for c in recommendation.constraints
        ],
        "snippet": recommendation.snippet,
    }


def render_text(recommendation: Recommendation, cost: Mapping[str, Any] | None = None) -> str:
    """``recommendation`` for a terminal: option, reasons, ruled-out options, constraints, cost, snippet.

    :param recommendation: what :func:`recommend` returned. No default.
    :param cost: what :func:`cost_of` returned. Default: no cost section.
    """
    option = recommendation.option
    lines: list[str] = []
    if option is None:
        lines.append("No single hosting option fits this workload.")
    else:
        shape = ", inference components" if recommendation.inference_components else ""
        lines.append(f"Recommended: {recommendation.construct} ({option.title}{shape})")
    lines += ["", "Why:"] + [f"  - {r}" for r in recommendation.reasons]
    if recommendation.notes:
        lines += ["", "Watch for:"] + [f"  - {n}" for n in recommendation.notes]
    if recommendation.ruled_out:
        lines += ["", "Not chosen:"]
        lines += [f"  - {o.title}: {why}" for o, why in recommendation.ruled_out.items()]
    if recommendation.constraints:
        lines += ["", "Constraints this implies (checked at synth unless marked):"]
        for row in recommendation.constraints:
            mark = "" if row.severity.value == "error" else f" [{row.severity.value}]"
            lines.append(f"  - {row.id}{mark}: {row.subject}: {row.rule} (source: {row.source})")
    if cost is not None:
        from .cost import figure as _figure
        from .cost import usage_sentences

        lines += ["", "What the snippet costs (the figures `cdk-sagemaker-inference cost` computes; 730 hours a "
                  "month, on-demand list prices):"]
        lines.append(f"  - idle floor {_figure(cost['floor_instance_hours'])} instance-hours a month, ceiling "
                     f"{_figure(cost['ceiling_instance_hours'])}; USD {_figure(cost['floor_usd_month'], money=True)} "
                     f"to {_figure(cost['ceiling_usd_month'], money=True)} a month")
        lines += [f"  - {d}" for d in cost["drivers"]]
        lines += [f"  - {sentence}" for sentence in usage_sentences(cost.get("usage") or {})]
        lines += [f"  - {n}" for n in cost["notes"]]
    snippet = recommendation.snippet
    if snippet is not None:
        lines += ["", "Snippet:", ""] + [f"    {line}" if line else "" for line in snippet.splitlines()]
    return "\n".join(lines) + "\n"
