"""The pytest plugin of cdk-sagemaker-inference (entry point ``pytest11``: loaded automatically).

Fixtures:

- ``sagemaker_template``: a function that turns a stack (or template) into the normalised
  template dict of :func:`~cdk_sagemaker_inference.testing.templates.normalise_template`, ready to
  compare with a snapshot.
- ``sagemaker_snapshot``: syrupy's ``snapshot`` with the JSON extension (readable, sorted JSON
  snapshot files). Needs syrupy (``pip install "cdk-sagemaker-inference[testing]"``).

A snapshot test then reads::

    def test_stack_snapshot(sagemaker_template, sagemaker_snapshot):
        assert sagemaker_template(MyStack(App(), "MyStack")) == sagemaker_snapshot

The assertion helpers (``endpoints_of``, ``assert_all_endpoints_serverless``,
``assert_endpoint_kinds``, ``assert_safe_migration``) are plain functions in
:mod:`cdk_sagemaker_inference.testing`. Disable the plugin with ``-p no:cdk_sagemaker_inference``.
"""

from __future__ import annotations

from typing import Any, Protocol

import pytest

from .templates import TemplateSource, normalise_template

__all__ = ["TemplateNormaliser", "sagemaker_snapshot", "sagemaker_template"]


class TemplateNormaliser(Protocol):
    """The type of the ``sagemaker_template`` fixture (the signature of ``normalise_template``)."""

    def __call__(self, source: TemplateSource, *, drop_bootstrap_version: bool = True,
                 drop_cdk_metadata: bool = True) -> dict[str, Any]:
        """The normalised template of ``source`` (a Stack, an assertions Template, a dict or a file)."""
        ...


@pytest.fixture
def sagemaker_template() -> TemplateNormaliser:
    """A function: stack (or template) → normalised template dict for a JSON snapshot.

    Asset hashes become ``<asset-hash>``, the bootstrap qualifier in asset bucket and repository
    names ``<qualifier>``, and the bootstrap-version parameter/rule and ``CDKMetadata`` are removed.
    """
    return normalise_template


@pytest.fixture
def sagemaker_snapshot(request: pytest.FixtureRequest) -> Any:
    """syrupy's ``snapshot`` fixture with the JSON extension (``JSONSnapshotExtension``)."""
    try:
        from syrupy.extensions.json import JSONSnapshotExtension
    except ImportError:  # pragma: no cover - depends on the user's environment
        pytest.fail("the sagemaker_snapshot fixture needs syrupy: "
                    "pip install \"cdk-sagemaker-inference[testing]\" (or syrupy>=4)", pytrace=False)
    snapshot = request.getfixturevalue("snapshot")
    return snapshot.with_defaults(extension_class=JSONSnapshotExtension)
