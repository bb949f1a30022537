"""The keys the library writes into templates and reads from an app's context, in a module of their own.

The constructs stamp every endpoint with :data:`METADATA_KEY` and look up :data:`BASELINE_CONTEXT`; the
migration guard (``guard.findings``, ``guard.plugin``) defines what they mean and re-exports them. Kept
apart so that building an endpoint does not import the guard: an app without a baseline never runs it
(``tests/test_import_cost.py`` checks that an endpoint's app runs code in every library module it loads).
"""

from __future__ import annotations

METADATA_KEY = "cdk-sagemaker-inference"
"""Template and resource Metadata key of this library (kind stamps, acknowledgments)."""

BASELINE_CONTEXT = "cdk-sagemaker-inference:baseline"
"""Context key naming a previous cloud assembly directory or template file."""
