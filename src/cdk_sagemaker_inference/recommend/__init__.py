"""Recommendation jobs into the app: ``recommend import`` (boto3) writes the app's context; synth reads it
with ``Recommendation.from_context`` (no AWS call at synth)."""
