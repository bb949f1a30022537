"""Data capture of an endpoint's requests and responses to S3 (``DataCaptureConfig``)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..constraints import constraint
from ..errors import Problem
from ..tokens import is_unresolved
from ..typecheck import TypeChecks, props_class
from ..validation.checks import UNKNOWN_BUCKET_NAME, Checker, unknown_bucket_length
from ..validation.realtime import DataCaptureSpec, validate_data_capture
from ._base import acknowledge_all, nag_objects
from ._lazy import lazy_module
from ._memo import key_folder, objects_in, s3_url, stack_of

# Submodules only some props and methods use, imported on first use (see _lazy).
if TYPE_CHECKING:
    from aws_cdk import aws_kms as kms
else:
    kms = lazy_module("aws_cdk.aws_kms")

__all__ = ["CaptureMode", "DataCapture"]


class CaptureMode(enum.Enum):
    """What is captured (``CaptureOption.CaptureMode``)."""

    INPUT = "Input"
    OUTPUT = "Output"
    INPUT_AND_OUTPUT = "InputAndOutput"


@props_class
@dataclass(frozen=True, kw_only=True)
class DataCapture:
    """Capture a sample of an endpoint's requests and responses to S3 (for Model Monitor).

    The execution role of every model behind the endpoint may put objects under ``prefix`` (and
    use ``kms_key``, if given); nothing else in the bucket.
    """

    bucket: s3.IBucket
    """Where the captured data goes. No default. Use a bucket that blocks public access,
    enforces TLS and is encrypted."""
    prefix: str = "data-capture"
    """Key prefix in ``bucket`` (the destination is ``s3://<bucket>/<prefix>``, ≤ 512
    characters). Default: ``data-capture``."""
    sampling_percentage: int = 20
    """Share of requests captured, 0–100. Default: 20 (the SageMaker Python SDK's default;
    lower it for high-traffic endpoints)."""
    capture_modes: Sequence[CaptureMode] = (CaptureMode.INPUT, CaptureMode.OUTPUT)
    """What is captured (1–32 options). Default: input and output."""
    csv_content_types: Sequence[str] | None = None
    """Content types captured as CSV text, 1–10 (e.g. ``["text/csv"]``). Default: none
    (SageMaker base64-encodes what it does not recognise)."""
    json_content_types: Sequence[str] | None = None
    """Content types captured as JSON text, 1–10 (e.g. ``["application/json"]``). Default: none."""
    kms_key: kms.IKey | None = None
    """Key for S3 server-side encryption of the captured data. Default: the bucket's encryption."""
    enabled: bool = True
    """Capture on or off (off keeps the configuration). Default: True."""

    @property
    def normalised_prefix(self) -> str:
        """``prefix`` without leading or trailing slashes."""
        return self.prefix.strip("/") if isinstance(self.prefix, str) else self.prefix

    def problems(self, field: str = "data_capture") -> list[Problem]:
        """Type problems plus the problems of :func:`validate_data_capture`."""
        types = TypeChecks()
        types.required(f"{field}.bucket", self.bucket, s3.IBucket)
        types.optional(f"{field}.prefix", self.prefix, str)
        types.optional_sequence(f"{field}.capture_modes", self.capture_modes, CaptureMode)
        types.optional_sequence(f"{field}.csv_content_types", self.csv_content_types, str)
        types.optional_sequence(f"{field}.json_content_types", self.json_content_types, str)
        types.optional(f"{field}.kms_key", self.kms_key, kms.IKey)
        types.optional(f"{field}.enabled", self.enabled, bool)
        if types.problems:
            return list(types.problems)
        bucket_name = self.bucket.bucket_name
        shown = UNKNOWN_BUCKET_NAME if is_unresolved(bucket_name) else bucket_name
        spec = DataCaptureSpec(
            destination=f"s3://{shown}/{self.normalised_prefix}",
            sampling_percentage=self.sampling_percentage,
            capture_modes=tuple(m.value for m in self.capture_modes),
            csv_content_types=None if self.csv_content_types is None else tuple(self.csv_content_types),
            json_content_types=None if self.json_content_types is None else tuple(self.json_content_types),
        )
        return validate_data_capture(spec, field=field)

    def warnings(self, field: str = "data_capture") -> list[Problem]:
        """Advice once :meth:`problems` found none: a destination that fits only some names of a bucket named at
        deploy time (``props.s3-unknown-bucket-length``)."""
        lengths = Checker()
        if is_unresolved(self.bucket.bucket_name):
            unknown_bucket_length(lengths, f"{field}.prefix", self.normalised_prefix,
                                  constraint("datacapture.destination").max_length or 512,
                                  what="data capture destination")
        return lengths.problems

    def bind(self, scope: Construct, writers: Sequence[iam.IRole]) -> sagemaker.CfnEndpointConfig.DataCaptureConfigProperty:
        """Grant ``writers`` put access under the prefix (and the key), return the configuration."""
        prefix = self.normalised_prefix
        objects = objects_in(key_folder(prefix))  # the grant and the destination from one prefix
        for role in writers:
            self.bucket.grant_put(role, objects)
            if self.kms_key is not None:
                self.kms_key.grant_encrypt(role)
            findings: list[tuple[str, str | None, str]] = [
                ("AwsSolutions-IAM5", "Action::s3:Abort*", "aws-cdk-lib's put grant; scoped to the data capture prefix"),
                ("AwsSolutions-IAM5", nag_objects(stack_of(role), self.bucket, objects),
                 "SageMaker writes one object per capture file under the data capture prefix"),
            ]
            if self.kms_key is not None:
                findings += [("AwsSolutions-IAM5", f"Action::{action}",
                              "aws-cdk-lib's encrypt grant on the data capture key (SSE-KMS of captured data)")
                             for action in ("kms:GenerateDataKey*", "kms:ReEncrypt*")]
            acknowledge_all(role, findings)
        content_types = None
        if self.csv_content_types is not None or self.json_content_types is not None:
            content_types = sagemaker.CfnEndpointConfig.CaptureContentTypeHeaderProperty(
                csv_content_types=list(self.csv_content_types) if self.csv_content_types is not None else None,
                json_content_types=list(self.json_content_types) if self.json_content_types is not None else None,
            )
        return sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
            destination_s3_uri=s3_url(self.bucket, prefix),
            initial_sampling_percentage=self.sampling_percentage,
            capture_options=[sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode=m.value)
                             for m in self.capture_modes],
            capture_content_type_header=content_types,
            kms_key_id=self.kms_key.key_arn if self.kms_key is not None else None,
            enable_capture=self.enabled,
        )
