"""The migration guard: SageMaker's one-way doors, checked before ``cdk deploy``.

* :mod:`.findings` — the verdict table: two templates in, findings out (pure Python);
* :mod:`.compare` — stacks of two assembly readings matched (names, environments, nested) and compared;
* :mod:`.deployed` — the deployed templates, each stack in its own account and Region;
* :mod:`.plugin` — the synth-time check (a policy-validation plugin) and acknowledgments;
* :mod:`.cli` — ``cdk-sagemaker-inference guard``.

Importing this package does not start aws-cdk-lib's jsii runtime (only :mod:`.plugin` does).
"""

from .compare import Comparison, compare_stacks, compare_with_template
from .findings import (
    METADATA_KEY,
    Acknowledgment,
    EndpointState,
    Finding,
    UnsafeChange,
    Verdict,
    compare_pairs,
    endpoints_of,
    find_unsafe_changes,
    render_report,
)

__all__ = [
    "METADATA_KEY",
    "Acknowledgment",
    "Comparison",
    "EndpointState",
    "Finding",
    "UnsafeChange",
    "Verdict",
    "compare_pairs",
    "compare_stacks",
    "compare_with_template",
    "endpoints_of",
    "find_unsafe_changes",
    "render_report",
]
