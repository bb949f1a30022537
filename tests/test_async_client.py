"""The async client helper against moto (in process: ``mock_aws``, no network at all).

moto's ``invoke_endpoint_async`` answers with an output and a failure location in a bucket of its
own and writes the queued result there at once (a success by default, or whatever was queued
through its ``set_sagemaker_async_result`` API); the client must find it through the locations
the API returned, exactly as with SageMaker.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.moto_api._internal.models import moto_api_backend

from cdk_sagemaker_inference.client import (
    AsyncInferenceClient,
    AsyncInferenceTimeoutError,
    AsyncInvocation,
    parse_s3_uri,
)

REGION = "us-east-1"
ACCOUNT = "123456789012"
BUCKET = "async-io"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        runtime = boto3.client("sagemaker-runtime", region_name=REGION)
        yield {"s3": s3, "runtime": runtime}


def client_for(aws: dict[str, Any], **kwargs: Any) -> AsyncInferenceClient:
    return AsyncInferenceClient("orders-async", f"s3://{BUCKET}/input", sagemaker_runtime=aws["runtime"],
                                s3=aws["s3"], **kwargs)


def queue_result(data: str, *, failure: bool) -> None:
    moto_api_backend.set_sagemaker_async_result(is_failure=failure, data=data, account_id=ACCOUNT, region=REGION)


def test_upload_puts_the_payload_under_the_input_prefix(aws: dict[str, Any]) -> None:
    client = client_for(aws)
    uri = client.upload('{"x": 1}', name="req-1.json")
    assert uri == f"s3://{BUCKET}/input/req-1.json"
    stored = aws["s3"].get_object(Bucket=BUCKET, Key="input/req-1.json")
    assert stored["Body"].read() == b'{"x": 1}'
    assert stored["ContentType"] == "application/json"


def test_invoke_and_wait_returns_the_output(aws: dict[str, Any]) -> None:
    queue_result(json.dumps({"label": "cat"}), failure=False)
    client = client_for(aws)
    result = client.invoke_and_wait(b'{"image": "..."}', timeout=5, poll_interval=0.01)
    assert result.succeeded
    assert json.loads(result.text) == {"label": "cat"}
    assert result.location == result.invocation.output_location
    assert result.invocation.input_location.startswith(f"s3://{BUCKET}/input/")
    # The payload really went to S3 before the invocation.
    bucket, key = parse_s3_uri(result.invocation.input_location)
    assert aws["s3"].get_object(Bucket=bucket, Key=key)["Body"].read() == b'{"image": "..."}'


def test_wait_reports_a_failure_from_the_failure_location(aws: dict[str, Any]) -> None:
    queue_result("model raised ValueError", failure=True)
    client = client_for(aws)
    invocation = client.invoke("{}", inference_id="req-42")
    assert invocation.inference_id == "req-42"
    result = client.wait(invocation, timeout=5, poll_interval=0.01)
    assert not result.succeeded
    assert result.location == invocation.failure_location
    assert result.text == "model raised ValueError"


def test_wait_times_out_when_no_result_appears(aws: dict[str, Any]) -> None:
    client = client_for(aws)
    invocation = AsyncInvocation(inference_id="lost", input_location=f"s3://{BUCKET}/input/x",
                                 output_location=f"s3://{BUCKET}/output/lost.out",
                                 failure_location=f"s3://{BUCKET}/failure/lost-error.out")
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    client = client_for(aws, sleep=sleep, clock=lambda: now[0])
    with pytest.raises(AsyncInferenceTimeoutError) as caught:
        client.wait(invocation, timeout=12, poll_interval=5)
    assert sleeps == [5, 5, 2]  # bounded: never sleeps past the deadline
    assert "no result for inference lost after 12 s" in str(caught.value)
    assert caught.value.invocation is invocation


def test_wait_finds_a_result_that_appears_later(aws: dict[str, Any]) -> None:
    invocation = AsyncInvocation(inference_id="late", input_location=f"s3://{BUCKET}/input/x",
                                 output_location=f"s3://{BUCKET}/output/late.out", failure_location=None)
    polls: list[float] = []

    def sleep(seconds: float) -> None:
        polls.append(seconds)
        if len(polls) == 2:
            aws["s3"].put_object(Bucket=BUCKET, Key="output/late.out", Body=b"done")

    client = client_for(aws, sleep=sleep)
    result = client.wait(invocation, timeout=60, poll_interval=1)
    assert (result.succeeded, result.body, len(polls)) == (True, b"done", 2)


def test_invoke_passes_the_documented_options(aws: dict[str, Any]) -> None:
    calls: list[dict[str, Any]] = []

    class Runtime:
        def invoke_endpoint_async(self, **params: Any) -> dict[str, Any]:
            calls.append(params)
            return {"InferenceId": "i-1", "OutputLocation": "s3://b/o/i-1.out"}

    client = AsyncInferenceClient("orders-async", f"s3://{BUCKET}/input/", sagemaker_runtime=Runtime(), s3=aws["s3"])
    invocation = client.invoke(b"x", content_type="text/csv", accept="application/json",
                               request_ttl_seconds=600, invocation_timeout_seconds=1200, name="a.csv")
    assert calls == [{"EndpointName": "orders-async", "InputLocation": f"s3://{BUCKET}/input/a.csv",
                      "ContentType": "text/csv", "Accept": "application/json", "RequestTTLSeconds": 600,
                      "InvocationTimeoutSeconds": 1200}]
    assert invocation.failure_location is None


@pytest.mark.parametrize("option,value,bounds", [
    ("request_ttl_seconds", 59, "between 60 and 21600"),
    ("request_ttl_seconds", 21601, "between 60 and 21600"),
    ("invocation_timeout_seconds", 0, "between 1 and 3600"),
    ("invocation_timeout_seconds", 3601, "between 1 and 3600"),
    ("invocation_timeout_seconds", 1.5, "between 1 and 3600"),
])
def test_fails_when_runtime_limits_are_out_of_range(aws: dict[str, Any], option: str, value: Any,
                                                    bounds: str) -> None:
    client = client_for(aws)
    with pytest.raises(ValueError) as caught:
        client.invoke_location(f"s3://{BUCKET}/input/x", **{option: value})
    assert f"{option} = {value!r}" in str(caught.value)
    assert bounds in str(caught.value) and "async.runtime-limits" in str(caught.value)


@pytest.mark.parametrize("uri", ["input", "https://bucket/input", "s3:///input", 42])
def test_fails_when_input_location_is_not_an_s3_uri(uri: Any) -> None:
    with pytest.raises(ValueError) as caught:
        AsyncInferenceClient("orders-async", uri, sagemaker_runtime=object(), s3=object())
    assert repr(uri) in str(caught.value)


def test_fails_when_wait_is_unbounded(aws: dict[str, Any]) -> None:
    client = client_for(aws)
    invocation = AsyncInvocation("i", f"s3://{BUCKET}/input/x", f"s3://{BUCKET}/o", None)
    with pytest.raises(ValueError, match="timeout and poll_interval must be > 0"):
        client.wait(invocation, timeout=0)


def test_other_s3_errors_are_not_swallowed(aws: dict[str, Any]) -> None:
    client = client_for(aws)
    invocation = AsyncInvocation("i", f"s3://{BUCKET}/input/x", "s3://no-such-bucket-anywhere/o", None)
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        client.wait(invocation, timeout=1, poll_interval=0.01)
    assert caught.value.response["Error"]["Code"] == "NoSuchBucket"
