"""The authoring toolkit: what tells an author, before a caller hears it, that a flow is sound.

- `check`: static analysis beyond schema validation (`flowagent check`), with
  `termination`, the proof that every conversation ends;
- `graph`: the flow as a Mermaid or Graphviz diagram (`flowagent graph`);
- `jsonschema`: JSON Schemas of flow and test files for editors (`flowagent schema`);
- `simulate`: generated callers run against a flow (`flowagent simulate`);
- `testing/`: conversation test files (`flowagent test`, the pytest plugin); their public
  names are importable from `flowagent.testing`.

The engine imports none of it (docs/architecture.md).
"""
