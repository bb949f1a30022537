"""Test helpers for cdk-sagemaker-inference.

:mod:`cdk_sagemaker_inference.testing.emulator` runs a local AWS emulator (moto server on a
free loopback port) and drives the real CDK CLI against it, so that ``make demo`` and the
deploy tests can ``cdk bootstrap`` / ``cdk deploy`` without an AWS account and read the
deployed SageMaker endpoint configurations back with boto3.
"""

__all__ = []
