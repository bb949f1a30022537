"""aws-cdk-lib submodules imported on first use.

Importing an aws-cdk-lib submodule in Python loads its jsii bindings: ``aws_ec2`` alone takes about
0.1 s (``python -X importtime``), more than the rest of what a real-time endpoint needs together. A
module that only a few props use (a VPC, security groups) is bound through :func:`lazy_module`: the
name is there at import, the submodule loads when an attribute is first read. ``typecheck`` resolves
an annotation only when a value is passed for it, so ``vpc: ec2.IVpc | None = None`` costs nothing
in an app without a VPC.

Written here because neither the standard library nor aws-cdk-lib offers a lazy module object
(``importlib.util.LazyLoader`` defers execution of a module found by a finder, but aws-cdk-lib's
submodules are already-initialised packages whose import is what costs; a proxy that imports on
attribute access is the smallest thing that works).
"""

from __future__ import annotations

import importlib
import types
from typing import Any


class _LazyModule(types.ModuleType):
    """A stand-in that imports ``name`` on first attribute access and forwards to it."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__loaded: types.ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("_LazyModule__"):
            raise AttributeError(attribute)
        module = self.__loaded
        if module is None:
            module = self.__loaded = importlib.import_module(self.__name__)
        return getattr(module, attribute)


def lazy_module(name: str) -> Any:
    """``name`` (an importable module), imported when one of its attributes is first read."""
    return _LazyModule(name)
