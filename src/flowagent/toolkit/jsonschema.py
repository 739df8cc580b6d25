"""The JSON Schema of the flow format, for editors (VS Code's YAML extension reads the
`# yaml-language-server: $schema=...` header line of a flow file)."""

from __future__ import annotations

import json
from typing import Any

from flowagent.schema import FlowSpec


def flow_schema() -> dict[str, Any]:
    schema = FlowSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "flowagent flow"
    schema["$id"] = "https://flowagent.dev/flow.schema.json"
    return schema


def flow_schema_json() -> str:
    return json.dumps(flow_schema(), indent=2, ensure_ascii=False) + "\n"


def flowtest_schema_json() -> str:
    """The JSON Schema of conversation test files (`*.flowtest.yaml`)."""
    from flowagent.toolkit.testing.spec import flowtest_schema

    return json.dumps(flowtest_schema(), indent=2, ensure_ascii=False) + "\n"
