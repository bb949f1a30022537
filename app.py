#!/usr/bin/env python3
"""The example app: one stack per hosting option, a Model Registry version and inference components
(`make synth`, `make demo`)."""

from aws_cdk import App

from stacks.async_stack import AsyncStack
from stacks.batch_stack import BatchStack
from stacks.common import EMULATOR_CONTEXT, synthesizer
from stacks.components_stack import ComponentsStack
from stacks.realtime_stack import RealtimeStack
from stacks.registry_stack import RegistryStack
from stacks.serverless_stack import ServerlessStack

app = App()
ServerlessStack(app, "ServerlessInference", synthesizer=synthesizer(app))
RealtimeStack(app, "RealtimeInference", synthesizer=synthesizer(app))
AsyncStack(app, "AsyncInference", synthesizer=synthesizer(app))
BatchStack(app, "BatchInference", synthesizer=synthesizer(app))
RegistryStack(app, "RegistryInference", synthesizer=synthesizer(app))
# The emulator models no inference components (and refuses a variant without a model): this stack is
# synthesized and checked everywhere, and left out of the app when it is deployed to the emulator.
if str(app.node.try_get_context(EMULATOR_CONTEXT)).lower() != "true":
    ComponentsStack(app, "ComponentInference", synthesizer=synthesizer(app))
app.synth()
