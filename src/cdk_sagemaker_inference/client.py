"""A small boto3 client for asynchronous endpoints: upload, invoke, wait for the result.

The flow of an :class:`AsyncEndpoint` at run time::

    client = AsyncInferenceClient("orders-async", input_location="s3://my-bucket/input")
    result = client.invoke_and_wait(b'{"text": "hello"}', timeout=600)
    if result.succeeded:
        print(result.body)

``invoke`` uploads the payload under the endpoint's input location and calls
``InvokeEndpointAsync``; SageMaker answers at once with the output and failure locations, and
``wait`` polls those two objects (bounded by ``timeout``) until one of them exists.

The caller needs what :meth:`AsyncEndpoint.grant_invoke` grants: ``s3:PutObject`` on the input
location, ``sagemaker:InvokeEndpointAsync`` and ``s3:GetObject`` on the output and failure
locations. Without ``s3:ListBucket`` S3 answers 403 (not 404) for an object that does not
exist yet, so both count as "not there yet".
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AsyncInferenceClient",
    "AsyncInferenceTimeoutError",
    "AsyncInvocation",
    "AsyncResult",
    "parse_s3_uri",
]

# DG:async-inference; BCR InvokeEndpointAsyncInput (constraint row async.runtime-limits).
_REQUEST_TTL_SECONDS = (60, 21600)
_INVOCATION_TIMEOUT_SECONDS = (1, 3600)
_ABSENT = frozenset({"404", "NoSuchKey", "NotFound", "403", "AccessDenied"})


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """``("bucket", "key/prefix")`` of ``s3://bucket/key/prefix`` (``ValueError`` for anything else)."""
    if not isinstance(uri, str) or not uri.startswith("s3://"):
        raise ValueError(f"not an S3 URI (s3://bucket/key): {uri!r}")
    bucket, _, key = uri[len("s3://"):].partition("/")
    if not bucket:
        raise ValueError(f"the S3 URI has no bucket: {uri!r}")
    return bucket, key


@dataclass(frozen=True)
class AsyncInvocation:
    """An accepted asynchronous request: where its result will appear."""

    inference_id: str
    """The id SageMaker (or the caller) gave the request."""
    input_location: str
    """The payload's S3 URI."""
    output_location: str
    """Where SageMaker writes the response (``s3://...``)."""
    failure_location: str | None
    """Where SageMaker writes an error (None when the endpoint has no failure path)."""


@dataclass(frozen=True)
class AsyncResult:
    """The outcome of an asynchronous request."""

    invocation: AsyncInvocation
    """The request."""
    succeeded: bool
    """True when the output object appeared, False when the failure object did."""
    location: str
    """The S3 URI of the object that appeared."""
    body: bytes
    """That object's content (the response, or SageMaker's error description)."""

    @property
    def text(self) -> str:
        """``body`` decoded as UTF-8."""
        return self.body.decode("utf-8")


class AsyncInferenceTimeoutError(TimeoutError):
    """Neither the output nor the failure object appeared within the timeout."""

    def __init__(self, invocation: AsyncInvocation, timeout: float) -> None:
        self.invocation = invocation
        self.timeout = timeout
        super().__init__(
            f"no result for inference {invocation.inference_id} after {timeout:g} s: neither "
            f"{invocation.output_location} nor {invocation.failure_location} exists. The request may still "
            "be queued (the endpoint may be scaling out from zero), or the caller may lack s3:GetObject "
            "on those locations."
        )


class AsyncInferenceClient:
    """Invoke one asynchronous endpoint: upload to its input location, invoke, wait.

    :param endpoint_name: the endpoint's name (``AsyncEndpoint.endpoint_name`` at deploy time).
    :param input_location: the endpoint's input location, ``s3://bucket/prefix``
        (``AsyncEndpoint.input_location.s3_uri``, e.g. passed in an environment variable).
    :param sagemaker_runtime: a boto3 ``sagemaker-runtime`` client. Default: one from ``session``.
    :param s3: a boto3 ``s3`` client. Default: one from ``session``.
    :param session: the boto3 session for the default clients. Default: ``boto3.Session()``.
    :param sleep: how to wait between polls. Default: ``time.sleep``.
    :param clock: a monotonic clock in seconds. Default: ``time.monotonic``.
    """

    def __init__(self, endpoint_name: str, input_location: str, *, sagemaker_runtime: Any = None,
                 s3: Any = None, session: Any = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not isinstance(endpoint_name, str) or not endpoint_name:
            raise ValueError(f"endpoint_name must be a non-empty string, got {endpoint_name!r}")
        self.input_bucket, prefix = parse_s3_uri(input_location)
        self.input_prefix = prefix.strip("/")
        self.endpoint_name = endpoint_name
        if sagemaker_runtime is None or s3 is None:
            import boto3

            session = session or boto3.Session()
        self._runtime = sagemaker_runtime or session.client("sagemaker-runtime")
        self._s3 = s3 or session.client("s3")
        self._sleep = sleep
        self._clock = clock

    # -- steps -------------------------------------------------------------------------------
    def upload(self, payload: bytes | str, *, name: str | None = None,
               content_type: str = "application/json") -> str:
        """Put ``payload`` under the input location; return its S3 URI.

        :param name: the object name under the prefix. Default: a random UUID.
        :param content_type: the object's Content-Type. Default: ``application/json``.
        """
        body = payload.encode("utf-8") if isinstance(payload, str) else payload
        if not isinstance(body, (bytes, bytearray)):
            raise TypeError(f"payload must be bytes or str, got {type(payload).__name__}")
        object_name = name or str(uuid.uuid4())
        key = f"{self.input_prefix}/{object_name}" if self.input_prefix else object_name
        self._s3.put_object(Bucket=self.input_bucket, Key=key, Body=bytes(body), ContentType=content_type)
        return f"s3://{self.input_bucket}/{key}"

    def invoke_location(self, input_location: str, *, content_type: str | None = None,
                        accept: str | None = None, inference_id: str | None = None,
                        custom_attributes: str | None = None, request_ttl_seconds: int | None = None,
                        invocation_timeout_seconds: int | None = None) -> AsyncInvocation:
        """Call ``InvokeEndpointAsync`` for a payload already in S3.

        :param request_ttl_seconds: how long the request may wait in the queue (60–21600).
            Default: SageMaker's default (6 hours).
        :param invocation_timeout_seconds: how long the container may take (1–3600).
            Default: SageMaker's default (900 s).
        """
        parse_s3_uri(input_location)
        _check_range("request_ttl_seconds", request_ttl_seconds, _REQUEST_TTL_SECONDS)
        _check_range("invocation_timeout_seconds", invocation_timeout_seconds, _INVOCATION_TIMEOUT_SECONDS)
        params: dict[str, Any] = {"EndpointName": self.endpoint_name, "InputLocation": input_location}
        optional = {"ContentType": content_type, "Accept": accept, "InferenceId": inference_id,
                    "CustomAttributes": custom_attributes, "RequestTTLSeconds": request_ttl_seconds,
                    "InvocationTimeoutSeconds": invocation_timeout_seconds}
        params.update({k: v for k, v in optional.items() if v is not None})
        response = self._runtime.invoke_endpoint_async(**params)
        return AsyncInvocation(
            inference_id=response["InferenceId"],
            input_location=input_location,
            output_location=response["OutputLocation"],
            failure_location=response.get("FailureLocation"),
        )

    def invoke(self, payload: bytes | str, *, content_type: str = "application/json",
               accept: str | None = None, inference_id: str | None = None, name: str | None = None,
               custom_attributes: str | None = None, request_ttl_seconds: int | None = None,
               invocation_timeout_seconds: int | None = None) -> AsyncInvocation:
        """Upload ``payload`` to the input location and invoke the endpoint with it.

        :param content_type: the payload's MIME type. Default: ``application/json``.
        :param name: the object name under the input prefix. Default: a random UUID.
        """
        location = self.upload(payload, name=name, content_type=content_type)
        return self.invoke_location(location, content_type=content_type, accept=accept,
                                    inference_id=inference_id, custom_attributes=custom_attributes,
                                    request_ttl_seconds=request_ttl_seconds,
                                    invocation_timeout_seconds=invocation_timeout_seconds)

    def wait(self, invocation: AsyncInvocation, *, timeout: float = 900.0,
             poll_interval: float = 5.0) -> AsyncResult:
        """Poll the output and failure locations until one exists, for at most ``timeout`` seconds.

        :param timeout: seconds to wait in all (> 0). Default: 900 (SageMaker's default
            invocation timeout; an endpoint waking from zero can take longer).
        :param poll_interval: seconds between polls (> 0). Default: 5.
        :raises AsyncInferenceTimeoutError: when neither object appeared in time.
        """
        if not timeout > 0 or not poll_interval > 0:
            raise ValueError(f"timeout and poll_interval must be > 0, got {timeout!r} and {poll_interval!r}")
        deadline = self._clock() + timeout
        while True:
            found = self._fetch(invocation.output_location)
            if found is not None:
                return AsyncResult(invocation, True, invocation.output_location, found)
            if invocation.failure_location:
                found = self._fetch(invocation.failure_location)
                if found is not None:
                    return AsyncResult(invocation, False, invocation.failure_location, found)
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise AsyncInferenceTimeoutError(invocation, timeout)
            self._sleep(min(poll_interval, remaining))

    def invoke_and_wait(self, payload: bytes | str, *, timeout: float = 900.0, poll_interval: float = 5.0,
                        **invoke_options: Any) -> AsyncResult:
        """:meth:`invoke` then :meth:`wait` (``invoke_options`` go to :meth:`invoke`)."""
        return self.wait(self.invoke(payload, **invoke_options), timeout=timeout, poll_interval=poll_interval)

    # -- internals ---------------------------------------------------------------------------
    def _fetch(self, uri: str) -> bytes | None:
        from botocore.exceptions import ClientError

        bucket, key = parse_s3_uri(uri)
        try:
            response = self._s3.get_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code")) in _ABSENT:
                return None
            raise
        body: bytes = response["Body"].read()
        return body


def _check_range(field: str, value: int | None, bounds: tuple[int, int]) -> None:
    if value is None:
        return
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{field} = {value!r}: must be a whole number between {low} and {high} "
                         "(rule async.runtime-limits, source: DG:async-inference; BCR InvokeEndpointAsyncInput)")
