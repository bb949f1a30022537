"""The guard's verdicts under their first name: :mod:`cdk_sagemaker_inference.guard.findings`.

Kept so that code written against 0.1 (``from cdk_sagemaker_inference.migration import ...``) keeps
working; new code imports from :mod:`cdk_sagemaker_inference.guard`.
"""

from .guard.findings import (
    METADATA_KEY,
    Acknowledgment,
    EndpointState,
    Finding,
    UnsafeChange,
    VariantState,
    Verdict,
    acknowledgments_of,
    compare_pairs,
    config_kind,
    endpoints_of,
    find_unsafe_changes,
    linked_config_id,
    render_report,
)

__all__ = [
    "METADATA_KEY",
    "Acknowledgment",
    "EndpointState",
    "Finding",
    "UnsafeChange",
    "VariantState",
    "Verdict",
    "acknowledgments_of",
    "compare_pairs",
    "config_kind",
    "endpoints_of",
    "find_unsafe_changes",
    "linked_config_id",
    "render_report",
]
