#!/usr/bin/env python3
"""The example app: one stack per hosting option, and a Model Registry version (`make synth`, `make demo`)."""

from aws_cdk import App

from stacks.async_stack import AsyncStack
from stacks.batch_stack import BatchStack
from stacks.common import synthesizer
from stacks.realtime_stack import RealtimeStack
from stacks.registry_stack import RegistryStack
from stacks.serverless_stack import ServerlessStack

app = App()
ServerlessStack(app, "ServerlessInference", synthesizer=synthesizer(app))
RealtimeStack(app, "RealtimeInference", synthesizer=synthesizer(app))
AsyncStack(app, "AsyncInference", synthesizer=synthesizer(app))
BatchStack(app, "BatchInference", synthesizer=synthesizer(app))
RegistryStack(app, "RegistryInference", synthesizer=synthesizer(app))
app.synth()
