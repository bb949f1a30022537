"""Regression tests for bugs the property tests found: each raised something other than a
ValidationError (or synthesized what SageMaker refuses) before its fix."""

from __future__ import annotations

from typing import Any

import pytest

from cdk_sagemaker_inference import ContainerImage, InferenceModel, ValidationError
from helpers import new_stack

IMAGE_URI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/infer:2.0-cpu-py311"


def refused(**props: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        InferenceModel(new_stack(), "Model", **props)
    return caught.value


def test_environment_key_of_the_wrong_type_is_a_validation_error() -> None:
    # Was: AttributeError 'int' object has no attribute 'encode' (the size total read key.encode()).
    error = refused(image=ContainerImage.from_uri(IMAGE_URI), environment={7: "v"})
    assert error.fields == ("environment[7]",)
    assert "is not a valid variable name" in str(error)
