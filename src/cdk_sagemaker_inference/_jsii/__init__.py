"""The node side of the batched aws-cdk-lib calls (built from kernel/ by ``make kernel``), loaded by jsii."""
