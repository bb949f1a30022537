"""Pure validation: values in, problems out (no aws-cdk-lib).

Each function takes plain data (see :mod:`cdk_sagemaker_inference.specs`) and returns the
problems found, reading its limits from :mod:`cdk_sagemaker_inference.constraints`. The modules
load on first use (an app of serverless endpoints never loads the real-time, async and batch rules:
``python -X importtime``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .async_inference import validate_async_inference, validate_async_model
    from .batch import validate_batch_model, validate_batch_transform
    from .checks import Checker
    from .guardrails import validate_guardrails
    from .model import validate_model
    from .realtime import validate_data_capture, validate_variants
    from .serverless import validate_serverless, validate_serverless_model

_MODULE_OF = {
    "Checker": "checks",
    "validate_async_inference": "async_inference",
    "validate_async_model": "async_inference",
    "validate_batch_model": "batch",
    "validate_batch_transform": "batch",
    "validate_data_capture": "realtime",
    "validate_guardrails": "guardrails",
    "validate_model": "model",
    "validate_serverless": "serverless",
    "validate_serverless_model": "serverless",
    "validate_variants": "realtime",
}

__all__ = [
    "Checker",
    "validate_async_inference",
    "validate_async_model",
    "validate_batch_model",
    "validate_batch_transform",
    "validate_data_capture",
    "validate_guardrails",
    "validate_model",
    "validate_serverless",
    "validate_serverless_model",
    "validate_variants",
]


def __getattr__(name: str) -> Any:
    """Import the module of ``name`` on first use."""
    module_name = _MODULE_OF.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the ones loaded on first use included."""
    return sorted({*globals(), *__all__})
