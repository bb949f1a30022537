"""The migration guard: SageMaker's one-way doors, checked before ``cdk deploy``.

* :mod:`.findings` — the verdict table: two templates in, findings out (pure Python);
* :mod:`.compare` — stacks of two assembly readings matched (names, environments, nested) and compared;
* :mod:`.deployed` — the deployed templates, each stack in its own account and Region;
* :mod:`.plugin` — the synth-time check (a policy-validation plugin) and acknowledgments;
* :mod:`.cli` — ``cdk-sagemaker-inference guard``.

Importing this package does not start aws-cdk-lib's jsii runtime (only :mod:`.plugin` does).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_COMPARE = ("Comparison", "compare_stacks", "compare_with_template")


def __getattr__(name: str) -> Any:
    """Each name from its module on first use: the constructs read ``findings`` (the metadata key)
    at import, and need not load ``compare`` and the assembly reader with it."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(".compare" if name in _COMPARE else ".findings", __name__), name)
    globals()[name] = value
    return value


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
