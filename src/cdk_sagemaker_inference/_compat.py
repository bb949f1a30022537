"""What differs between the aws-cdk-lib releases the library supports (2.220.0 and newer).

* ``Validations`` (policy-validation plugins added after construction, acknowledgments that cdk-nag
  3 reads) exists from 2.252.0; before it, plugins are ``*Beta1`` types passed to ``App`` only.
* A failing plugin report makes ``app.synth()`` raise from 2.262.0; before, it only prints.

Features that need a newer release detect it here and degrade with one clear message naming the
version (see :func:`upgrade_message`), never with an ``ImportError`` and never silently.
"""

from __future__ import annotations

import functools
from importlib import metadata
from typing import Any

import aws_cdk

VALIDATIONS_SINCE = (2, 252, 0)
FAILING_PLUGINS_FAIL_SYNTH_SINCE = (2, 262, 0)


@functools.cache
def cdk_version() -> tuple[int, int, int]:
    """The installed aws-cdk-lib's version."""
    major, minor, patch, *_ = [*(int(p) for p in metadata.version("aws-cdk-lib").split(".")[:3] if p.isdigit()),
                               0, 0, 0]
    return major, minor, patch


@functools.cache
def cdk_nag_major() -> int | None:
    """The major version of the installed cdk-nag (read from its metadata, not imported), or None."""
    try:
        return int(metadata.version("cdk-nag").split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
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
