"""Preflight: what synth cannot know (quotas, artifacts, images, registry versions, keys, names), checked
read-only in the target account before ``cdk deploy``; and the app's quota needs, read from the templates.

``preflight.needs.app_needs`` needs no account; ``preflight.cli.preflight`` reads it with boto3.
"""
