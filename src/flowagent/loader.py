"""Reading flow YAML safely, remembering where every value came from.

Two hazards of plain `yaml.safe_load` matter for voice flows: YAML 1.1 turns `yes`, `no`,
`on` and `off` into booleans (a synonym list `[yes, yeah]` would silently become `[True, ...]`),
and duplicate keys silently keep the last value. This loader keeps those words as strings,
refuses duplicate keys, and records the line of every mapping key and list item so that later
validation errors can name the exact line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from flowagent.errors import FlowDefinitionError, Problem

#: A location path into the loaded document: mapping keys and list indexes.
Loc = tuple[str | int, ...]


class _FlowYamlLoader(yaml.SafeLoader):
    """SafeLoader whose booleans are only `true`/`false` (YAML 1.2 style)."""


# Replace the YAML 1.1 bool resolver (yes/no/on/off/y/n) by a strict one.
_FlowYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_FlowYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# YAML 1.1 also reads `17:00` as the base-60 number 1020 (and `1:30.5` as 90.5): keep times
# like that as strings, as YAML 1.2 does, by matching numbers only without a `:` in them.
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_FlowYamlLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
        else (tag, re.compile(rf"(?!{_SEXAGESIMAL.pattern}){rx.pattern}", rx.flags))
        for tag, rx in resolvers
    ]
    for first, resolvers in _FlowYamlLoader.yaml_implicit_resolvers.items()
}


class LocatedDocument:
    """A parsed YAML document plus the (line, column) of every key path, 1-based."""

    def __init__(self, data: Any, lines: dict[Loc, tuple[int, int]], file: str) -> None:
        self.data = data
        self.lines = lines
        self.file = file

    def where(self, loc: Loc) -> tuple[int | None, int | None]:
        """The line and column of `loc`, or of its nearest located ancestor."""
        probe = tuple(loc)
        while True:
            found = self.lines.get(probe)
            if found is not None:
                return found
            if not probe:
                return (None, None)
            probe = probe[:-1]

    def problem(self, loc: Loc, message: str, hint: str | None = None) -> Problem:
        line, column = self.where(loc)
        return Problem(
            message=message,
            file=self.file,
            line=line,
            column=column,
            field=format_loc(loc),
            hint=hint,
        )


def format_loc(loc: Loc) -> str:
    """`("states", "GREETING", "next")` → `states.GREETING.next`; list indexes as `[0]`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _construct(
    node: yaml.Node,
    loader: _FlowYamlLoader,
    loc: Loc,
    lines: dict[Loc, tuple[int, int]],
    problems: list[Problem],
    file: str,
) -> Any:
    lines.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                key = str(key)
            if isinstance(key, bool | float):
                key = str(key).lower()
            child = (*loc, key)
            if key in result:
                problems.append(
                    Problem(
                        f"duplicate key {key!r} (the earlier value would be silently lost)",
                        file=file,
                        line=key_node.start_mark.line + 1,
                        column=key_node.start_mark.column + 1,
                        field=format_loc(child),
                    )
                )
            lines[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _construct(value_node, loader, child, lines, problems, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, loader, (*loc, i), lines, problems, file)
            for i, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, file: str = "<flow>") -> LocatedDocument:
    """Parse one YAML document into plain Python values with a line map.

    Raises FlowDefinitionError with the file and line of a syntax error or duplicate key.
    """
    try:
        loader = _FlowYamlLoader(text)
    except yaml.reader.ReaderError as err:  # an unprintable character, before any parsing
        line = text.count("\n", 0, max(0, err.position)) + 1
        raise FlowDefinitionError(
            [
                Problem(
                    f"character {err.character:#06x} is not allowed in YAML", file=file, line=line
                )
            ]
        ) from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise FlowDefinitionError(
            [
                Problem(
                    f"YAML syntax error: {err.problem or err}"
                    + (f" ({err.context})" if err.context else ""),
                    file=file,
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                    hint="check indentation and quoting around this line",
                )
            ]
        ) from None
    except yaml.YAMLError as err:
        raise FlowDefinitionError([Problem(f"YAML error: {err}", file=file)]) from None
    finally:
        loader.dispose()
    if node is None:
        raise FlowDefinitionError([Problem("the flow file is empty", file=file, line=1)])
    lines: dict[Loc, tuple[int, int]] = {}
    problems: list[Problem] = []
    try:
        data = _construct(node, loader, (), lines, problems, file)
    except yaml.MarkedYAMLError as err:  # e.g. an unknown tag such as `=` or `!!python/...`
        mark = err.problem_mark or err.context_mark
        raise FlowDefinitionError(
            [
                Problem(
                    f"YAML error: {err.problem or err}",
                    file=file,
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                )
            ]
        ) from None
    if problems:
        raise FlowDefinitionError(problems)
    return LocatedDocument(data, lines, file)


def read_yaml_file(path: str | Path) -> LocatedDocument:
    """Read and parse a flow file; a missing or unreadable file is a FlowDefinitionError."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FlowDefinitionError([Problem("no such file", file=str(p))]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise FlowDefinitionError([Problem(f"cannot read the file: {err}", file=str(p))]) from None
    return parse_yaml(text, str(p))
