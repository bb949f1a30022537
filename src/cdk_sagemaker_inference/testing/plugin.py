"""The pytest plugin of cdk-sagemaker-inference (entry point ``pytest11``: loaded automatically).

Fixtures:

- ``sagemaker_app``: a function that creates an ``App`` with the feature flags of the project's
  ``cdk.json`` (the ``context`` that ``cdk synth`` applies), so a snapshot equals what ``cdk synth``
  deploys. Feature flags are read when constructs are created: build the stack in this app.
- ``sagemaker_template``: a function that turns a stack (or template) into the normalised
  template dict of :func:`~cdk_sagemaker_inference.testing.templates.normalise_template`, ready to
  compare with a snapshot.
- ``sagemaker_snapshot``: syrupy's ``snapshot`` with the JSON extension (readable, sorted JSON
  snapshot files). Needs syrupy (``pip install "cdk-sagemaker-inference[testing]"``).

A snapshot test then reads::

    def test_stack_snapshot(sagemaker_app, sagemaker_template, sagemaker_snapshot):
        assert sagemaker_template(MyStack(sagemaker_app(), "MyStack")) == sagemaker_snapshot

The assertion helpers (``endpoints_of``, ``assert_all_endpoints_serverless``,
``assert_endpoint_kinds``, ``assert_safe_migration``) are plain functions in
:mod:`cdk_sagemaker_inference.testing`. Disable the plugin with ``-p no:cdk_sagemaker_inference``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import pytest

from .templates import TemplateSource, normalise_template

__all__ = ["TemplateNormaliser", "cdk_json_context", "sagemaker_app", "sagemaker_snapshot", "sagemaker_template"]


class TemplateNormaliser(Protocol):
    """The type of the ``sagemaker_template`` fixture (the signature of ``normalise_template``)."""

    def __call__(self, source: TemplateSource, *, drop_bootstrap_version: bool = True,
                 drop_cdk_metadata: bool = True) -> dict[str, Any]:
        """The normalised template of ``source`` (a Stack, an assertions Template, a dict or a file)."""
        ...


def cdk_json_context(start: Path) -> dict[str, Any]:
    """The ``context`` of the nearest ``cdk.json`` at or above ``start`` (empty when there is none)."""
    for directory in (start, *start.parents):
        candidate = directory / "cdk.json"
        if candidate.is_file():
            context = json.loads(candidate.read_text(encoding="utf-8")).get("context", {})
            return dict(context) if isinstance(context, dict) else {}
    return {}


@pytest.fixture(scope="session")
def sagemaker_app(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """A function ``(**context) -> aws_cdk.App`` whose context is the project's ``cdk.json`` context
    (found from pytest's root directory upwards) plus ``context``: the feature flags ``cdk synth``
    uses, so the template under test is the one that deploys."""
    base = cdk_json_context(Path(request.config.rootpath))

    def new_app(**context: Any) -> Any:
        from aws_cdk import App  # imported on use: loading the plugin must not start the jsii runtime

        return App(context={**base, **context})

    return new_app


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
