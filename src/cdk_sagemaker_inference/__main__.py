"""``python -m cdk_sagemaker_inference``: the same command as ``cdk-sagemaker-inference``."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
