"""Read a completed recommendation job with boto3 into the plain entry the app's context stores.

Inference Recommender (``DescribeInferenceRecommendationsJob``; with ``GetScalingConfigurationRecommendation``
for real-time recommendations) and AI recommendation jobs (``DescribeAIRecommendationJob``). The entry holds
what synth needs, so synth stays offline and deterministic, the way the CDK caches its lookups in
``cdk.context.json``: the endpoint settings, the scaling settings and the measured metrics.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "CONTEXT_PREFIX",
    "ENTRY_SHAPE",
    "RecommendationImportError",
    "context_key",
    "entry_problems",
    "import_ai_job",
    "import_recommender_job",
    "read_context",
    "write_context",
]

CONTEXT_PREFIX = "cdk-sagemaker-inference:recommendation:"


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "mapping": (lambda v: isinstance(v, Mapping), "an object"),
    "text": (lambda v: isinstance(v, str), "a string"),
    "whole": (_whole, "a whole number"),
    "number": (_number, "a finite number"),
    "amount": (lambda v: _number(v) and v >= 0, "a finite number ≥ 0"),
    "seconds": (lambda v: _whole(v) and v >= 0, "a whole number of seconds ≥ 0"),
    "values": (lambda v: isinstance(v, Mapping) and all(isinstance(x, str) or _number(x) for x in v.values()),
               "an object of names to strings or numbers"),
}
ENTRY_SHAPE: tuple[tuple[str, str], ...] = (
    ("endpoint", "mapping"),
    ("endpoint.instance_type", "text"),
    ("endpoint.instance_count", "whole"),
    ("endpoint.serverless", "mapping"),
    ("endpoint.serverless.memory_size_mb", "whole"),
    ("endpoint.serverless.max_concurrency", "whole"),
    ("endpoint.serverless.provisioned_concurrency", "whole"),
    ("endpoint.environment", "values"),
    ("scaling", "mapping"),
    ("scaling.min_capacity", "whole"),
    ("scaling.max_capacity", "whole"),
    ("scaling.target_invocations_per_instance", "number"),
    ("scaling.scale_in_cooldown_seconds", "seconds"),
    ("scaling.scale_out_cooldown_seconds", "seconds"),
    ("metrics", "mapping"),
    ("metrics.cost_per_hour", "amount"),
    ("metrics.cost_per_inference", "amount"),
    ("metrics.max_invocations_per_minute", "amount"),
    ("metrics.model_latency_ms", "amount"),
)
"""Every field of a context entry that the library reads (``Recommendation`` at synth, ``advise
--recommendation``), and the kind :func:`import_recommender_job` / :func:`import_ai_job` write there; each
may be null. One table for both readers: a hand-edited entry that does not fit is refused before any value
is used."""


def entry_problems(entry: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """(field path, value, what it should be) for every field of ``entry`` that does not fit :data:`ENTRY_SHAPE`."""
    found: list[tuple[str, Any, str]] = []
    for path, kind in ENTRY_SHAPE:
        parent: Any = entry
        *parents, key = path.split(".")
        for name in parents:
            parent = parent.get(name) if isinstance(parent, Mapping) else None
        value = parent.get(key) if isinstance(parent, Mapping) else None
        fits, expected = _KINDS[kind]
        if value is not None and not fits(value):
            found.append((path, value, expected))
    return found


def context_key(job_name: str) -> str:
    """The context key of a job's entry (``cdk-sagemaker-inference:recommendation:<job>``)."""
    return CONTEXT_PREFIX + job_name


class RecommendationImportError(Exception):
    """The job cannot be imported (running, failed, without recommendations, not found): the message says why."""


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime.datetime) else (str(value) if value else None)


def import_recommender_job(client: Any, job_name: str, *, recommendation_id: str | None = None,
                           min_invocations_per_minute: int | None = None,
                           max_invocations_per_minute: int | None = None) -> dict[str, Any]:
    """The entry of an Inference Recommender job: the recommendation ``recommendation_id`` (default: the one
    with the lowest measured cost per inference), and for an instance-based one the scaling SageMaker
    recommends for the traffic objective (``Min``/``MaxInvocationsPerMinute``)."""
    job = client.describe_inference_recommendations_job(JobName=job_name)
    status = job.get("Status")
    if status != "COMPLETED":
        reason = f": {job['FailureReason']}" if job.get("FailureReason") else ""
        hint = ("wait until it completes (DescribeInferenceRecommendationsJob Status COMPLETED), then import again"
                if status in ("PENDING", "IN_PROGRESS") else "run a new job")
        raise RecommendationImportError(f"job {job_name} is {status}{reason}: {hint}")
    recommendations = job.get("InferenceRecommendations") or []
    if not recommendations:
        raise RecommendationImportError(f"job {job_name} completed without recommendations (nothing met its stopping "
                           "conditions): widen the endpoint configurations or the latency threshold and run it again")
    chosen = _choose(recommendations, recommendation_id, job_name)
    configuration = chosen.get("EndpointConfiguration") or {}
    metrics = chosen.get("Metrics") or {}
    serverless = configuration.get("ServerlessConfig")
    entry: dict[str, Any] = {
        "source": "inference-recommender", "job": job_name, "job_arn": job.get("JobArn"),
        "job_type": job.get("JobType"), "completed": _iso(job.get("CompletionTime")),
        "recommendation_id": chosen.get("RecommendationId"),
        "endpoint": {
            "instance_type": configuration.get("InstanceType"),
            "instance_count": configuration.get("InitialInstanceCount"),
            "serverless": None if not serverless else {
                "memory_size_mb": serverless.get("MemorySizeInMB"), "max_concurrency": serverless.get("MaxConcurrency"),
                "provisioned_concurrency": serverless.get("ProvisionedConcurrency")},
            "environment": {p["Key"]: p["Value"] for p in
                            (chosen.get("ModelConfiguration") or {}).get("EnvironmentParameters") or []},
        },
        "metrics": {"cost_per_hour": metrics.get("CostPerHour"), "cost_per_inference": metrics.get("CostPerInference"),
                    "max_invocations_per_minute": metrics.get("MaxInvocations"),
                    "model_latency_ms": metrics.get("ModelLatency")},
        "scaling": None,
    }
    if not serverless and chosen.get("RecommendationId"):
        entry["scaling"] = _scaling(client, job_name, str(chosen["RecommendationId"]), min_invocations_per_minute,
                                    max_invocations_per_minute)
    return entry


def _choose(recommendations: list[Mapping[str, Any]], recommendation_id: str | None, job: str) -> Mapping[str, Any]:
    if recommendation_id is not None:
        for recommendation in recommendations:
            if recommendation.get("RecommendationId") == recommendation_id:
                return recommendation
        ids = ", ".join(str(r.get("RecommendationId")) for r in recommendations)
        raise RecommendationImportError(f"job {job} has no recommendation {recommendation_id} (it has: {ids})")
    def cost(recommendation: Mapping[str, Any]) -> float:
        value = (recommendation.get("Metrics") or {}).get("CostPerInference")
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else float("inf")

    return min(recommendations, key=cost)


def _scaling(client: Any, job: str, recommendation_id: str, low: int | None, high: int | None) -> dict[str, Any] | None:
    request: dict[str, Any] = {"InferenceRecommendationsJobName": job, "RecommendationId": recommendation_id}
    if low is not None or high is not None:
        request["ScalingPolicyObjective"] = {k: v for k, v in (("MinInvocationsPerMinute", low),
                                                               ("MaxInvocationsPerMinute", high)) if v is not None}
    answer = client.get_scaling_configuration_recommendation(**request)
    dynamic = answer.get("DynamicScalingConfiguration") or {}
    targets = [p.get("TargetTracking") or {} for p in dynamic.get("ScalingPolicies") or []]
    target = next((t.get("TargetValue") for t in targets if "InvocationsPerInstance" in json.dumps(
        t.get("MetricSpecification") or {})), None)
    if not dynamic:
        return None
    return {"min_capacity": dynamic.get("MinCapacity"), "max_capacity": dynamic.get("MaxCapacity"),
            "scale_in_cooldown_seconds": dynamic.get("ScaleInCooldown"),
            "scale_out_cooldown_seconds": dynamic.get("ScaleOutCooldown"),
            "target_invocations_per_instance": target,
            "objective": request.get("ScalingPolicyObjective")}


def import_ai_job(client: Any, job_name: str, *, recommendation_index: int = 0) -> dict[str, Any]:
    """The entry of an AI recommendation job (``DescribeAIRecommendationJob``): the deployment configuration of
    one recommendation (default: the first SageMaker lists) and its expected performance."""
    job = client.describe_ai_recommendation_job(AIRecommendationJobName=job_name)
    status = job.get("AIRecommendationJobStatus")
    if status != "Completed":
        reason = f": {job['FailureReason']}" if job.get("FailureReason") else ""
        raise RecommendationImportError(f"job {job_name} is {status}{reason}: "
                           + ("wait until it completes, then import again" if status == "InProgress" else
                              "run a new job"))
    recommendations = job.get("Recommendations") or []
    if not recommendations:
        raise RecommendationImportError(f"job {job_name} completed without recommendations")
    if not 0 <= recommendation_index < len(recommendations):
        raise RecommendationImportError(f"job {job_name} has {len(recommendations)} recommendation(s): no index "
                           f"{recommendation_index}")
    chosen = recommendations[recommendation_index]
    deployment = chosen.get("DeploymentConfiguration") or {}
    return {
        "source": "ai-recommendation", "job": job_name, "job_arn": job.get("AIRecommendationJobArn"),
        "completed": _iso(job.get("EndTime")), "recommendation_id": str(recommendation_index),
        "endpoint": {"instance_type": deployment.get("InstanceType"), "instance_count": deployment.get("InstanceCount"),
                     "copies_per_instance": deployment.get("CopyCountPerInstance"),
                     "image_uri": deployment.get("ImageUri"), "serverless": None,
                     "environment": dict(deployment.get("EnvironmentVariables") or {})},
        "metrics": {"expected": [{k: p.get(k) for k in ("Metric", "Stat", "Value", "Unit")}
                                 for p in chosen.get("ExpectedPerformance") or []]},
        "scaling": None,
    }


def read_context(path: str | Path) -> dict[str, Any]:
    """The JSON context file (empty when missing); ``RecommendationImportError`` when it cannot be one."""
    location = Path(path)
    if not location.exists():
        return {}
    try:
        loaded = json.loads(location.read_text(encoding="utf-8") or "{}")
    except OSError as error:
        raise RecommendationImportError(f"cannot read the context file {location}: {error}") from error
    except ValueError as error:
        raise RecommendationImportError(f"{location} is not JSON ({error}): fix or remove it") from error
    if not isinstance(loaded, dict):
        raise RecommendationImportError(f"{location} is not a JSON object")
    return loaded


def write_context(path: str | Path, key: str, entry: Mapping[str, Any]) -> None:
    """Merge ``{key: entry}`` into the JSON context file (created when missing; other keys kept)."""
    location = Path(path)
    current = read_context(location)
    current[key] = entry
    try:
        location.write_text(json.dumps(current, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    except OSError as error:
        raise RecommendationImportError(f"cannot write {location}: {error}") from error
