"""The example app's stacks: one per hosting option (used by app.py and the deploy tests)."""
