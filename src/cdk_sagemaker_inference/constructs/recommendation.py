"""A measured recommendation (Inference Recommender or an AI recommendation job) as construct settings.

``cdk-sagemaker-inference recommend import JOB`` stores the job's result in ``cdk.context.json``; synth
reads it offline with :meth:`Recommendation.from_context`. The settings go into the same constructs and
the same validation as hand-written ones, so a recommendation SageMaker would refuse is still refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import Duration
from constructs import Construct

from ..cost.capacity import MEASURED_KEY
from ..errors import ValidationError
from ..instance_types import InstanceType
from ..recommend.importer import context_key, entry_problems
from ..typecheck import TypeChecks, checked
from .model import InferenceModel
from .realtime import InstanceScaling, RealtimeEndpoint
from .serverless import ServerlessEndpoint

__all__ = ["Recommendation"]


class Recommendation:
    """A recommendation read from the app's context (written by ``cdk-sagemaker-inference recommend import``).

    Use :meth:`realtime_endpoint` or :meth:`serverless_endpoint` to build the endpoint it recommends (your
    props win where you give them); :attr:`environment` holds the environment parameters it measured (pass
    them to your ``InferenceModel``).
    """

    def __init__(self, job_name: str, entry: Mapping[str, Any]) -> None:
        """Use :meth:`from_context`."""
        self.job_name = job_name
        """The job the recommendation comes from."""
        self.source: str = str(entry.get("source"))
        """``inference-recommender`` or ``ai-recommendation``."""
        self.recommendation_id: str = str(entry.get("recommendation_id"))
        endpoint = entry.get("endpoint") or {}
        instance_type = endpoint.get("instance_type")
        self.instance_type: InstanceType | None = InstanceType.of(instance_type) if instance_type else None
        """The recommended instance type (None: a serverless recommendation)."""
        self.instance_count: int | None = endpoint.get("instance_count")
        """The recommended instance count."""
        serverless = endpoint.get("serverless") or {}
        self.memory_size_mb: int | None = serverless.get("memory_size_mb")
        """Serverless memory size (None: instance-based)."""
        self.max_concurrency: int | None = serverless.get("max_concurrency")
        self.provisioned_concurrency: int | None = serverless.get("provisioned_concurrency")
        self.environment: dict[str, str] = {str(k): str(v) for k, v in (endpoint.get("environment") or {}).items()}
        """Environment parameters the job measured with (for the model's container)."""
        scaling = entry.get("scaling") or {}
        self.scaling: InstanceScaling | None = None
        """The autoscaling SageMaker recommends for the imported traffic objective (None: none recommended)."""
        if scaling and scaling.get("min_capacity") is not None and scaling.get("max_capacity") is not None:
            def cooldown(field: str) -> Duration | None:
                # from_context checked the entry's shape (ENTRY_SHAPE): a whole number of seconds ≥ 0, or none
                return None if scaling.get(field) is None else Duration.seconds(scaling[field])

            self.scaling = InstanceScaling(min_capacity=scaling["min_capacity"], max_capacity=scaling["max_capacity"],
                                           target_invocations_per_instance=scaling.get("target_invocations_per_instance"),
                                           scale_in_cooldown=cooldown("scale_in_cooldown_seconds"),
                                           scale_out_cooldown=cooldown("scale_out_cooldown_seconds"))
        self.metrics: dict[str, Any] = dict(entry.get("metrics") or {})
        """What the job measured: ``cost_per_hour``, ``cost_per_inference``, ``max_invocations_per_minute``,
        ``model_latency_ms`` (Inference Recommender) or ``expected`` (an AI recommendation)."""

    @staticmethod
    @checked("Recommendation.from_context")
    def from_context(scope: Construct, job_name: str) -> Recommendation:
        """The recommendation of ``job_name`` in the context of ``scope`` (``cdk.context.json``).

        :param job_name: the job, as given to ``recommend import``. No default.
        """
        entry = scope.node.try_get_context(context_key(job_name))
        check = TypeChecks()
        if entry is None:
            check.fail("props.recommendation", "job_name", job_name,
                       f"no recommendation of job {job_name} in the app's context ({context_key(job_name)})",
                       f"run `cdk-sagemaker-inference recommend import {job_name}` in the app's directory (it writes "
                       "cdk.context.json), or pass the entry with App(context=...)")
        elif not isinstance(entry, Mapping) or not isinstance(entry.get("endpoint"), Mapping):
            check.fail("props.recommendation", "job_name", job_name,
                       f"the context entry {context_key(job_name)} is not a recommendation (no endpoint settings)",
                       f"import it again: `cdk-sagemaker-inference recommend import {job_name}`")
        else:
            endpoint = entry["endpoint"]
            if endpoint.get("instance_type") is None and not endpoint.get("serverless"):
                check.fail("props.recommendation", f"{job_name}.endpoint", dict(endpoint),
                           "has neither an instance type nor a serverless configuration",
                           f"import it again: `cdk-sagemaker-inference recommend import {job_name}`")
            for path, value, expected in entry_problems(entry):
                check.fail("props.recommendation", f"{job_name}.{path}", value, f"is not {expected}",
                           f"import it again: `cdk-sagemaker-inference recommend import {job_name}`")
        if check.problems:
            raise ValidationError(scope.node.path, "Recommendation", check.problems)
        return Recommendation(job_name, entry)

    # -- endpoints from the recommendation ----------------------------------------------------------
    def _measured(self) -> dict[str, Any]:
        return {"job": self.job_name, "source": self.source, "recommendation_id": self.recommendation_id,
                **{k: v for k, v in self.metrics.items() if v is not None}}

    @checked("Recommendation.realtime_endpoint")
    def realtime_endpoint(self, scope: Construct, construct_id: str, *, model: InferenceModel,
                          **props: Any) -> RealtimeEndpoint:
        """A :class:`RealtimeEndpoint` with the recommended instance type, count and autoscaling; ``props``
        (any other ``RealtimeEndpoint`` prop, or one of these) win. The measured figures are recorded in the
        endpoint's Metadata for the ``cost`` command.

        :param model: the model the job measured. No default.
        """
        settings: dict[str, Any] = {"instance_type": self.instance_type, "instance_count": self.instance_count,
                                    "autoscaling": self.scaling}
        if self.instance_type is None:
            raise ValidationError(f"{scope.node.path}/{construct_id}", "Recommendation", _problems(
                self.job_name, "the recommendation is serverless", "use serverless_endpoint(...)"))
        merged = {k: v for k, v in settings.items() if v is not None} | props
        endpoint = RealtimeEndpoint(scope, construct_id, model=model, **merged)
        endpoint.resource.add_metadata(MEASURED_KEY, self._measured())
        return endpoint

    @checked("Recommendation.serverless_endpoint")
    def serverless_endpoint(self, scope: Construct, construct_id: str, *, model: InferenceModel,
                            **props: Any) -> ServerlessEndpoint:
        """A :class:`ServerlessEndpoint` with the recommended memory size and concurrency; ``props`` win.

        :param model: the model the job measured. No default.
        """
        if self.memory_size_mb is None:
            raise ValidationError(f"{scope.node.path}/{construct_id}", "Recommendation", _problems(
                self.job_name, f"the recommendation is instance-based ({self.instance_type})",
                "use realtime_endpoint(...)"))
        settings = {"memory_size_mb": self.memory_size_mb, "max_concurrency": self.max_concurrency,
                    "provisioned_concurrency": self.provisioned_concurrency}
        merged = {k: v for k, v in settings.items() if v is not None} | props
        endpoint = ServerlessEndpoint(scope, construct_id, model=model, **merged)
        endpoint.resource.add_metadata(MEASURED_KEY, self._measured())
        return endpoint


def _problems(job: str, message: str, fix: str) -> list[Any]:
    check = TypeChecks()
    check.fail("props.recommendation", "job_name", job, message, fix)
    return check.problems
