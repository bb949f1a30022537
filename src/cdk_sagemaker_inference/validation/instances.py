"""Instance-type rules shared by real-time, async and batch transform."""

from __future__ import annotations

import difflib
from collections.abc import Collection

from ..instance_types import family_of, is_burstable
from ..tokens import is_unresolved
from .checks import Checker


def check_instance_type(check: Checker, constraint_id: str, field: str, name: object,
                        known: Collection[str], *, allow_unknown: bool = False) -> bool:
    """``name`` is one of ``known`` (botocore's enum) unless ``allow_unknown``. True when it passed."""
    if name is None or is_unresolved(name):
        return True
    if not isinstance(name, str):
        check.fail(constraint_id, field, name, f"must be an InstanceType or a string, got {type(name).__name__}",
                   'pass InstanceType.of("ml.m5.large") or a constant such as InstanceType.M5_LARGE')
        return False
    if name in known:
        return True
    if allow_unknown:
        # A type newer than the package's instance-type data still has the form ml.<family>.<size>.
        if family_of(name) is not None:
            return True
        check.fail(constraint_id, field, name,
                   "is not an ML instance type name (ml.<family>.<size>), which allow_unknown_instance_type "
                   "still requires", "use the ml.<family>.<size> form, e.g. ml.m5.large")
        return False
    close = difflib.get_close_matches(name, sorted(known), n=3)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    check.fail(constraint_id, field, name,
               "is not an instance type of SageMaker's model (the package's instance-type data)",
               f"{hint}use a listed ml.* type; for a type newer than this release of the library "
               "pass allow_unknown_instance_type=True")
    return False


def check_autoscaling_instance_type(check: Checker, field: str, name: object) -> bool:
    """Autoscaling is refused on burstable ``ml.t*`` types. True when it passed."""
    if isinstance(name, str) and not is_unresolved(name) and is_burstable(name):
        check.fail("autoscaling.no-burstable", field, name,
                   "autoscaling is not supported on burstable ml.t* instance types",
                   "use a non-burstable type such as ml.m5.large or ml.c6i.large, or drop autoscaling")
        return False
    return True
