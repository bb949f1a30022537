"""Each construct's generator draws every class of edge value the invariant is about.

The property runs count the classes they meet (``classes`` in the report, and a hypothesis
``event`` per class); this proves, without building anything, that 300 derandomized draws of each
generator contain every required class, so a generator edit cannot silently drop one.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from prop_harness import REQUIRED_CLASSES, value_classes
from test_props_async import async_examples
from test_props_batch import batch_examples
from test_props_components import component_examples
from test_props_realtime import realtime_examples
from test_props_serverless import serverless_examples

GENERATORS: dict[str, Any] = {
    "ServerlessEndpoint": serverless_examples, "RealtimeEndpoint": realtime_examples,
    "AsyncEndpoint": async_examples, "BatchTransformJob": batch_examples,
    "InferenceComponent": component_examples,
}


@pytest.mark.parametrize("construct", sorted(GENERATORS))
def test_the_generator_draws_every_required_class(construct: str) -> None:
    seen: Counter[str] = Counter()

    @settings(max_examples=300, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(GENERATORS[construct]())
    def draw(example: Any) -> None:
        seen.update(value_classes(repr(example)))

    draw()
    missing = [name for name in REQUIRED_CLASSES if not seen[name]]
    assert missing == [], f"{construct}: no {missing} in 300 draws ({dict(seen)})"


def test_value_classes_are_recognised() -> None:
    assert value_classes("X(weight=nan, count=1099511627776, name=Tok('String'), model=Wrong(5))") == [
        "token", "wrong Python type", "non-finite number", "integer beyond 32 bits"]
    assert value_classes("X(account='123456789012', count=2)") == []
