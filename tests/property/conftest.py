"""Hypothesis profiles of the property tests: ``ci`` (default: derandomized, fixed example counts)
and ``fuzz`` (``make fuzz``: random, ten times the examples). Pick one with HYPOTHESIS_PROFILE."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile("ci", derandomize=True, database=None, deadline=None, max_examples=50,
                          suppress_health_check=_SLOW, print_blob=True)
settings.register_profile("fuzz", derandomize=False, database=None, deadline=None, max_examples=500,
                          suppress_health_check=_SLOW, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def property_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where each construct's counts are written (read back by the terminal summary)."""
    return tmp_path_factory.getbasetemp() / "property-report"
