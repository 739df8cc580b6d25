"""flowagent: explicit, deterministic conversation flows for voice agents.

>>> import flowagent
>>> flow = flowagent.load_flow("flows/appointment.yaml")
>>> conv = flow.new_conversation()
>>> conv.start().state
'GREETING'
"""

from __future__ import annotations

import logging

from flowagent.engine import Conversation
from flowagent.errors import (
    ActionError,
    ExtensionError,
    FlowagentError,
    FlowCheckError,
    FlowDefinitionError,
    Problem,
    SnapshotError,
)
from flowagent.fakes import FakeAction
from flowagent.flow import Flow, load_flow, load_flow_text
from flowagent.turn import Turn

__version__ = "0.1.0"

# A library logs; the application decides where logs go (stdlib convention).
logging.getLogger("flowagent").addHandler(logging.NullHandler())

__all__ = [
    "ActionError",
    "Conversation",
    "ExtensionError",
    "FakeAction",
    "Flow",
    "FlowCheckError",
    "FlowDefinitionError",
    "FlowagentError",
    "Problem",
    "SnapshotError",
    "Turn",
    "__version__",
    "load_flow",
    "load_flow_text",
]
