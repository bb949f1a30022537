"""Test helpers for cdk-sagemaker-inference.

:mod:`cdk_sagemaker_inference.testing.emulator` runs a local AWS emulator (moto server on a
free loopback port) and drives the real CDK CLI against it, so that ``make demo`` and the
deploy tests can ``cdk bootstrap`` / ``cdk deploy`` without an AWS account and read the
deployed SageMaker endpoint configurations back with boto3.

For users' snapshot tests (see ``docs/testing.md``): :func:`normalise_template` (what the
``sagemaker_template`` fixture of the pytest plugin :mod:`cdk_sagemaker_inference.testing.plugin`
returns), :func:`endpoints_of` and the assertions :func:`assert_all_endpoints_serverless`,
:func:`assert_endpoint_kinds` and :func:`assert_safe_migration` (the migration guard over a
previous and a new template).
"""

from .assertions import (
    EndpointSummary,
    assert_all_endpoints_serverless,
    assert_endpoint_kinds,
    assert_safe_migration,
    endpoints_of,
)
from .templates import TemplateSource, normalise_template, template_dict

__all__ = [
    "EndpointSummary",
    "TemplateSource",
    "assert_all_endpoints_serverless",
    "assert_endpoint_kinds",
    "assert_safe_migration",
    "endpoints_of",
    "normalise_template",
    "template_dict",
]
