"""Pure validation: values in, problems out (no aws-cdk-lib).

Each function takes plain data (see :mod:`cdk_sagemaker_inference.specs`) and returns the
problems found, reading its limits from :mod:`cdk_sagemaker_inference.constraints`.
"""

from .async_inference import validate_async_inference, validate_async_model
from .batch import validate_batch_model, validate_batch_transform
from .checks import Checker
from .guardrails import validate_guardrails
from .model import validate_model
from .realtime import validate_data_capture, validate_variants
from .serverless import validate_serverless, validate_serverless_model

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
