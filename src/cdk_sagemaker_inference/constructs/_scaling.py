"""Application Auto Scaling of an endpoint variant (shared by the endpoint constructs)."""

from __future__ import annotations

import functools
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_iam as iam
from constructs import Construct

from ._batch import Batch, Ref
from ._memo import stack_of, stack_singleton
from .endpoint import EndpointBase

INSTANCE_COUNT = "sagemaker:variant:DesiredInstanceCount"
PROVISIONED_CONCURRENCY = "sagemaker:variant:DesiredProvisionedConcurrency"
COPY_COUNT = "sagemaker:inference-component:DesiredCopyCount"
_SERVICE_LINKED_ROLE = (
    "aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"
)


def variant_scalable_target(
    scope: Construct,
    construct_id: str,
    *,
    endpoint: EndpointBase,
    variant_name: str,
    dimension: str,
    min_capacity: int,
    max_capacity: int,
    batch: Batch,
) -> Ref:
    """A scalable target on ``endpoint/<name>/variant/<variant>``.

    It uses Application Auto Scaling's service-linked role for SageMaker (created by the service
    on first use), not a new role without permissions, which is what ``ScalableTarget`` would
    create by default. Its resource ID names the endpoint through ``Fn::GetAtt``, so CloudFormation
    registers the target (and its policies, which ``Ref`` it) after the endpoint exists and removes
    them before the endpoint: no ``DependsOn`` is needed. Queued in ``batch``.
    """
    name = endpoint._endpoint_name_for(batch)
    resource_id = (batch.concat("endpoint/", name, f"/variant/{variant_name}") if isinstance(name, Ref)
                   else f"endpoint/{name}/variant/{variant_name}")
    return batch.new(appscaling.ScalableTarget, scope, construct_id, props=appscaling.ScalableTargetProps,
                     **_target_props(scope, resource_id=resource_id, dimension=dimension, min_capacity=min_capacity,
                                     max_capacity=max_capacity))


def sagemaker_scalable_target(scope: Construct, construct_id: str, *, resource_id: str, dimension: str,
                              min_capacity: int, max_capacity: int) -> appscaling.ScalableTarget:
    """A SageMaker scalable target (a variant, or ``inference-component/<name>``) on Application Auto
    Scaling's service-linked role (see :func:`variant_scalable_target`)."""
    return appscaling.ScalableTarget(scope, construct_id, **_target_props(
        scope, resource_id=resource_id, dimension=dimension, min_capacity=min_capacity, max_capacity=max_capacity))


def _target_props(scope: Construct, *, resource_id: str | Ref, dimension: str, min_capacity: int,
                  max_capacity: int) -> dict[str, Any]:
    role = stack_singleton(stack_of(scope), "SageMakerAutoScalingServiceLinkedRole", _import_service_linked_role)
    return dict(
        service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
        resource_id=resource_id,
        scalable_dimension=dimension,
        min_capacity=min_capacity,
        max_capacity=max_capacity,
        role=role,
    )


def _import_service_linked_role(stack: Stack, construct_id: str) -> iam.IRole:
    """Application Auto Scaling's service-linked role for SageMaker, imported (immutable) in ``stack``."""
    arn = stack.format_arn(service="iam", region="", resource="role", resource_name=_SERVICE_LINKED_ROLE)
    return iam.Role.from_role_arn(stack, construct_id, arn, mutable=False)


@functools.cache
def _scratch() -> tuple[Stack, iam.IRole]:
    """The scratch stack of :func:`step_intervals_refusal` and the role its targets take, made once per process."""
    from aws_cdk import App

    # Never synthesized: under the CDK CLI (CDK_OUTDIR set) an App asks to synthesize itself into the user's cloud
    # assembly when node is about to exit, unless auto_synth=False (the jsii host exits before that fires today,
    # which nothing promises).
    scratch = Stack(App(auto_synth=False), "StepIntervals")
    return scratch, iam.Role.from_role_arn(scratch, "Role", "arn:aws:iam::123456789012:role/scratch", mutable=False)


def step_intervals_refusal(steps: list[appscaling.ScalingInterval], metric: object,
                           adjustment_type: appscaling.AdjustmentType) -> str | None:
    """aws-cdk-lib's refusal of step-scaling ``steps`` (bounds it cannot determine, overlaps), or None.

    Asked of aws-cdk-lib's own ``scale_on_metric`` on a scalable target in a scratch stack that is never
    synthesized (its interval rules are not exported, and writing them again here could drift from them): so an
    endpoint learns of the refusal while it checks its props, before it grants anything on a model's role or
    registers anything — a refusal then leaves the app as it was. Only step-scaling configurations pay for it, and
    the scratch target is removed again, so the scratch stack does not grow.
    """
    scratch, role = _scratch()
    target = appscaling.ScalableTarget(
        scratch, "Target", service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
        resource_id="endpoint/scratch/variant/scratch", scalable_dimension=INSTANCE_COUNT, min_capacity=1,
        max_capacity=2, role=role)
    try:
        target.scale_on_metric("StepScaling", metric=metric, scaling_steps=steps,  # type: ignore[arg-type]
                               adjustment_type=adjustment_type)
    except RuntimeError as error:
        return str(error).splitlines()[0].removeprefix("Error: ")
    finally:
        scratch.node.try_remove_child("Target")
    return None
