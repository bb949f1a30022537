"""What the library does on every supported aws-cdk-lib: the newest pinned one and the floor (2.220).

The same tests run in both venvs (`make test` runs this file in `.venv-floor` too); each asserts what
the installed release must give, so neither branch is a skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_cdk import App

import cdk_sagemaker_inference as lib
from cdk_sagemaker_inference._compat import (
    FAILING_PLUGINS_FAIL_SYNTH_SINCE,
    VALIDATIONS_SINCE,
    _distribution_version,
    cdk_version,
    failing_plugins_fail_synth,
    has_validations,
)
from helpers import CDK_CONTEXT, new_stack, warnings_of
from test_api_edges import _model


def test_the_installed_release_is_supported() -> None:
    assert cdk_version() >= (2, 220, 0)
    assert has_validations() == (cdk_version() >= VALIDATIONS_SINCE)


def test_constructs_synthesize_and_validate_on_this_release() -> None:
    stack = new_stack()
    model = _model(stack)
    lib.ServerlessEndpoint(stack, "E", model=model, memory_size_mb=2048, max_concurrency=5)
    with pytest.raises(lib.ValidationError, match="must be between 1 and 200"):
        lib.ServerlessEndpoint(stack, "Bad", model=model, memory_size_mb=2048, max_concurrency=500)


def test_the_template_size_check_or_one_warning_naming_the_version() -> None:
    app = App(context=CDK_CONTEXT)
    stacks = [new_stack(app, f"S{i}") for i in range(2)]
    for stack in stacks:
        lib.ServerlessEndpoint(stack, "E", model=_model(stack), memory_size_mb=2048, max_concurrency=5)
    app.synth()
    version_warnings = [w for s in stacks for w in warnings_of(s) if "aws-cdk-lib-version" in w or
                        "needs aws-cdk-lib" in w]
    if has_validations():
        assert version_warnings == []
    else:  # one warning for the whole app (on the app), none on the stacks
        assert version_warnings == []
        found = [m for m in app.node.metadata if "needs aws-cdk-lib" in str(m.data)]
        assert len(found) == 1 and "2.252.0 or newer (installed: 2.220.0)" in str(found[0].data)


def test_the_synth_time_guard_runs_or_refuses_with_the_version(tmp_path: Path) -> None:
    baseline = tmp_path / "base"
    app = App(outdir=str(baseline), context=CDK_CONTEXT)
    stack = new_stack(app, "Svc")
    lib.ServerlessEndpoint(stack, "E", model=_model(stack), memory_size_mb=2048, max_concurrency=5,
                           endpoint_name="orders")
    app.synth()
    app = App(outdir=str(tmp_path / "new"), context={**CDK_CONTEXT, lib.BASELINE_CONTEXT: str(baseline)})
    stack = new_stack(app, "Svc")
    if failing_plugins_fail_synth():
        lib.ServerlessEndpoint(stack, "E", model=_model(stack), memory_size_mb=2048, max_concurrency=5,
                               endpoint_name="orders")
        assert app.synth().get_stack_by_name("Svc").template["Resources"]
    else:
        with pytest.raises(lib.ValidationError) as caught:
            _model(stack)
        needed = ".".join(map(str, FAILING_PLUGINS_FAIL_SYNTH_SINCE))
        assert f"The synth-time migration guard needs aws-cdk-lib {needed} or newer" in str(caught.value)
        assert "cdk-sagemaker-inference guard --baseline" in str(caught.value)


def test_the_python_classifiers_are_the_versions_a_test_runs_on() -> None:
    """requires-python's floor runs `make test`; the Makefile's OTHER_PYTHONS run `make pythons`: the
    classifiers list exactly these (a version added to one and not the other fails here)."""
    import re
    import sys
    import tomllib

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    classified = {c.rsplit(" :: ", 1)[1] for c in project["classifiers"]
                  if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)}
    others = re.search(r"^OTHER_PYTHONS \?= (.+)$", (root / "Makefile").read_text(), re.M)
    assert others is not None
    floor = project["requires-python"].removeprefix(">=")
    assert classified == {floor, *others.group(1).split()}
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in classified


@pytest.mark.parametrize(("package", "distribution"), [("aws_cdk", "aws-cdk-lib"), ("cdk_nag", "cdk-nag"),
                                                        ("constructs", "constructs")])
def test_versions_read_from_the_jsii_packages_are_the_installed_distributions(package: str, distribution: str) -> None:
    from importlib import metadata

    assert _distribution_version(package, distribution) == metadata.version(distribution)


def test_a_package_without_a_jsii_tarball_falls_back_to_its_metadata_and_a_missing_one_is_none() -> None:
    from importlib import metadata

    assert _distribution_version("pytest", "pytest") == metadata.version("pytest")
    assert _distribution_version("no_such_package_here", "no-such-package-here") is None


def test_what_node_loads_ahead_is_on_this_release() -> None:
    """The warm-up's types and files exist here: node skips a name it cannot load (the constructs load their
    modules anyway), so a renamed one would only cost time, silently, without this test."""
    import importlib

    from cdk_sagemaker_inference.constructs import _batch

    file, facts_type = _batch.REGION_FACTS
    for fqn in (facts_type, *_batch.FIRST_TYPES, *_batch.WARM_TYPES):
        assembly, *path, name = fqn.split(".")
        assert assembly == "aws-cdk-lib"
        assert hasattr(importlib.import_module(".".join(["aws_cdk", *path])), name), fqn
    assert _batch._Kernel.warm([[file, *_batch.METADATA_TABLES]], "") == []
