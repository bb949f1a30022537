"""What differs between the aws-cdk-lib releases the library supports (2.220.0 and newer).

* ``Validations`` (policy-validation plugins added after construction, acknowledgments that cdk-nag
  3 reads) exists from 2.252.0; before it, plugins are ``*Beta1`` types passed to ``App`` only.
* A failing plugin report makes ``app.synth()`` raise from 2.262.0; before, it only prints.

Features that need a newer release detect it here and degrade with one clear message naming the
version (see :func:`upgrade_message`), never with an ``ImportError`` and never silently.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path
from typing import Any

import aws_cdk

VALIDATIONS_SINCE = (2, 252, 0)
FAILING_PLUGINS_FAIL_SYNTH_SINCE = (2, 262, 0)


def _distribution_version(package: str, distribution: str) -> str | None:
    """The version of the jsii package ``package`` (its distribution ``distribution``), without importing it: the
    assembly tarball jsii-pacmak ships in it, ``<package>/_jsii/<distribution>@<version>.jsii.tgz``, names it.
    Read by hand, with ``importlib.metadata`` as the fallback, because ``metadata.version`` scans the entries of
    ``sys.path`` for the distribution's metadata, and every app's first model asks for both versions. Exactly one
    tarball is expected; otherwise the metadata answers."""
    spec = importlib.util.find_spec(package)
    locations = (spec.submodule_search_locations or []) if spec is not None else []
    versions = {found.group(1) for location in locations
                for tarball in (Path(location) / "_jsii").glob(f"{distribution}@*.jsii.tgz")
                if (found := re.fullmatch(rf"{re.escape(distribution)}@(.+)\.jsii\.tgz", tarball.name))}
    if len(versions) == 1:
        return versions.pop()
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


@functools.cache
def cdk_version() -> tuple[int, int, int]:
    """The installed aws-cdk-lib's version."""
    version = _distribution_version("aws_cdk", "aws-cdk-lib") or "0.0.0"
    major, minor, patch, *_ = [*(int(p) for p in version.split(".")[:3] if p.isdigit()), 0, 0, 0]
    return major, minor, patch


@functools.cache
def cdk_nag_major() -> int | None:
    """The major version of the installed cdk-nag (read from its package, not imported), or None."""
    version = _distribution_version("cdk_nag", "cdk-nag")
    try:
        return int(version.split(".")[0]) if version else None
    except ValueError:
        return None


def _named(*names: str) -> Any:
    for name in names:
        found = getattr(aws_cdk, name, None)
        if found is not None:
            return found
    raise AttributeError(f"aws-cdk-lib {'.'.join(map(str, cdk_version()))} has none of {names}")


VALIDATIONS: Any = getattr(aws_cdk, "Validations", None)
"""``aws_cdk.Validations`` (2.252.0 and newer), else None."""
PLUGIN_INTERFACE: Any = _named("IPolicyValidationPlugin", "IPolicyValidationPluginBeta1")
PLUGIN_REPORT: Any = _named("PolicyValidationPluginReport", "PolicyValidationPluginReportBeta1")
VIOLATION: Any = _named("PolicyViolation", "PolicyViolationBeta1")
VIOLATING_RESOURCE: Any = _named("PolicyViolatingResource", "PolicyViolatingResourceBeta1")


def has_validations() -> bool:
    """Whether plugins can be added to a stage after it was created (``Validations``)."""
    return VALIDATIONS is not None


def failing_plugins_fail_synth() -> bool:
    """Whether a failing plugin report makes ``app.synth()`` raise."""
    return cdk_version() >= FAILING_PLUGINS_FAIL_SYNTH_SINCE


def add_plugin(stage: Any, plugin: Any) -> bool:
    """Add a policy-validation plugin to ``stage``; False where this aws-cdk-lib cannot."""
    if VALIDATIONS is None:
        return False
    VALIDATIONS.of(stage).add_plugins(plugin)
    return True


def acknowledged_rules_metadata_key() -> str | None:
    """``Validations.ACKNOWLEDGED_RULES_METADATA_KEY`` (what cdk-nag 3 reads), or None before 2.252."""
    return None if VALIDATIONS is None else str(VALIDATIONS.ACKNOWLEDGED_RULES_METADATA_KEY)


def upgrade_message(feature: str, since: tuple[int, int, int]) -> str:
    """``feature`` needs aws-cdk-lib ``since``: the installed version and what to do."""
    have, need = ".".join(map(str, cdk_version())), ".".join(map(str, since))
    return f"{feature} needs aws-cdk-lib {need} or newer (installed: {have}): upgrade aws-cdk-lib to {need} or later"
