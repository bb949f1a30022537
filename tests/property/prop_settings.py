"""Example counts per construct: fixed in the ``ci`` profile (the whole property run stays under a
minute on two cores), ten times as many with ``fuzz``."""

from __future__ import annotations

import os

CI_EXAMPLES = {
    "ServerlessEndpoint": 60,
    "AsyncEndpoint": 70,
    "RealtimeEndpoint": 60,
    "BatchTransformJob": 50,
    "InferenceComponent": 60,
    "Cost": 15,
}
FUZZ_FACTOR = 10


def examples(construct: str) -> int:
    """max_examples for ``construct`` under the active profile."""
    count = CI_EXAMPLES[construct]
    return count * FUZZ_FACTOR if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "fuzz" else count
