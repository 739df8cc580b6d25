"""Reading flow YAML safely, remembering where every value came from.

Two hazards of plain `yaml.safe_load` matter for voice flows: YAML 1.1 turns `yes`, `no`,
`on` and `off` into booleans (a synonym list `[yes, yeah]` would silently become `[True, ...]`),
and duplicate keys silently keep the last value. This loader keeps those words as strings,
refuses duplicate keys, and records the line of every mapping key and list item so that later
validation errors can name the exact line.

A flow file is also input that may be hostile (downloaded, generated, fuzzed), so reading one
is bounded: only a regular file is read (a device such as `/dev/zero`, a FIFO or a directory is
refused before it is opened for reading), at most `MAX_FLOW_BYTES`, nesting at most `MAX_DEPTH`
levels, at most `MAX_VALUES` values as written and once aliases are expanded (a ~1 KB "billion
laughs" file expands to 387 million), keys are plain scalars, and a value PyYAML cannot build (a
5,000-digit number, a 13th month) is an error at its line.

The limits are checked on libyaml's event stream first (PyYAML's C parser, flat, ~1 µs an
event) and the document is then composed by the C parser too, so a file at the size limit is
refused (or loaded) in tens of milliseconds rather than the seconds PyYAML's pure-Python parser
takes; without libyaml the pure-Python parser counts the same limits as it composes.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from flowagent.errors import FlowDefinitionError, Problem

#: A location path into the loaded document: mapping keys and list indexes.
Loc = tuple[str | int, ...]

#: Largest flow file read, in bytes (the reference flow is ~6 KB).
MAX_FLOW_BYTES = 256 * 1024
#: Deepest nesting of mappings and lists (a flow needs about 6).
MAX_DEPTH = 40
#: Most values (scalars, lists, mappings) a file may hold, as written and once aliases are
#: expanded (the reference flow holds ~400; a flow with long choice lists a few thousand).
MAX_VALUES = 20_000
#: Half of a UTF-16 surrogate pair: YAML's "\ud800" escape makes one, no encoder takes it.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Whether PyYAML has its C parser (libyaml); it does in the wheels PyPI ships.
_HAVE_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))


class _LimitError(yaml.MarkedYAMLError):
    """A resource limit of the loader, raised at the mark where it was crossed."""


class _FlowYamlLoader(yaml.SafeLoader):
    """SafeLoader whose booleans are only `true`/`false` (YAML 1.2 style), and which refuses
    nesting deeper than `MAX_DEPTH`: in the scanner for `[`/`{` (whose look-ahead is quadratic
    in the nesting) and in the composer for indented blocks (it recurses once per level)."""

    _depth = 0

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        if self.flow_level >= MAX_DEPTH:
            raise _LimitError(
                problem=f"nesting deeper than {MAX_DEPTH} levels", problem_mark=self.get_mark()
            )
        super().fetch_flow_collection_start(TokenClass)

    _nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        self._nodes += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _LimitError(
                    problem=f"nesting deeper than {MAX_DEPTH} levels", problem_mark=mark
                )
            if self._nodes > MAX_VALUES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _LimitError(problem=_too_many_values(), problem_mark=mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


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


class _FlowYamlCLoader(yaml.CSafeLoader if _HAVE_LIBYAML else yaml.SafeLoader):  # type: ignore[misc]
    """The same document model composed by libyaml (C): used once `_prescan` has checked the
    event stream against the limits, so its (recursive, C) composer never meets a deep file."""

    yaml_implicit_resolvers = _FlowYamlLoader.yaml_implicit_resolvers


def _too_many_values() -> str:
    return (
        f"the file holds more than {MAX_VALUES:,} values (a flow needs a few hundred;"
        " aliases that repeat each other?)"
    )


def _prescan(text: str) -> None:
    """Walk libyaml's event stream (flat: no recursion, C speed) and raise `_LimitError` at
    the first node past `MAX_DEPTH` levels or `MAX_VALUES` nodes as written; a syntax error
    is raised as libyaml reports it (a `MarkedYAMLError` with its mark)."""
    loader = yaml.CSafeLoader(text)
    depth = nodes = 0
    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    nodes_kinds = (yaml.ScalarEvent, yaml.AliasEvent, *starts)
    try:
        while loader.check_event():
            event: Any = loader.get_event()
            mark: Any = event.start_mark  # libyaml's own Mark type, read the same way
            if isinstance(event, nodes_kinds):
                nodes += 1
                if depth + 1 > MAX_DEPTH:
                    raise _LimitError(
                        problem=f"nesting deeper than {MAX_DEPTH} levels", problem_mark=mark
                    )
                if nodes > MAX_VALUES:
                    raise _LimitError(problem=_too_many_values(), problem_mark=mark)
                if isinstance(event, starts):
                    depth += 1
            elif isinstance(event, ends):
                depth -= 1
    finally:
        loader.dispose()


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


class _Builder:
    """Turns the composed node graph into plain values with a line map, within the limits.

    Aliases make the graph a DAG (or, with an alias inside its own anchor, a cycle): each
    visit is counted, so expansion is bounded by `MAX_VALUES` and depth by `MAX_DEPTH`.
    """

    def __init__(self, loader: _FlowYamlLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.lines: dict[Loc, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.values = 0
        # The key being built: an aliased node's own mark is its anchor's, far from the use.
        self.key_mark: yaml.Mark | None = None

    def build(self, node: yaml.Node, loc: Loc, depth: int = 0) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            raise _LimitError(
                problem=f"the file holds more than {MAX_VALUES:,} values once its aliases are"
                " expanded (aliases that repeat each other?)",
                problem_mark=self.key_mark or node.start_mark,
            )
        if depth > MAX_DEPTH:
            raise _LimitError(
                problem=f"nesting deeper than {MAX_DEPTH} levels (an alias inside its own anchor?)",
                problem_mark=self.key_mark or node.start_mark,
            )
        self.lines.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                raise _LimitError(
                    problem="a key must be plain text, not a list or a mapping",
                    problem_mark=key_node.start_mark,
                )
            key = self._scalar(key_node)
            if not isinstance(key, str | int | float | bool):
                key = str(key)
            if isinstance(key, bool | float):
                key = str(key).lower()
            child = (*loc, key)
            if key in result:
                self.problems.append(
                    Problem(
                        f"duplicate key {key!r} (the earlier value would be silently lost)",
                        file=self.file,
                        line=where[0],
                        column=where[1],
                        field=format_loc(child),
                    )
                )
            self.lines[child] = where
            outer, self.key_mark = self.key_mark, key_node.start_mark
            result[key] = self.build(value_node, child, depth + 1)
            self.key_mark = outer
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError:
            raise
        except Exception as err:  # int("9" * 5000), date(2026, 13, 45), ...: PyYAML's own errors
            problem = f"cannot read the value {_preview(node)}: {err}"
            if isinstance(err, ValueError) and "digits" in str(err):
                problem = f"the number {_preview(node)} is too long"
            raise _LimitError(
                problem=problem + " (quote it if it is meant as text)",
                problem_mark=node.start_mark,
            ) from None
        lone = _SURROGATE.search(value) if isinstance(value, str) else None
        if lone is not None:
            # A "\ud800" escape: half of a UTF-16 pair, which no UTF-8 output (a terminal, a
            # log, a TTS request) can carry; the value itself is not quoted, for that reason.
            raise _LimitError(
                problem=f"the text holds a lone surrogate (U+{ord(lone[0]):04X}), which is not"
                " a character (half of a UTF-16 pair?)",
                problem_mark=node.start_mark,
            )
        return value


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand past `MAX_VALUES` values, or that contains
    itself, before building anything: sizes are memoised per node, so this costs one visit per
    node as written (a billion-laughs file is rejected in microseconds)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node, key_mark: yaml.Mark | None) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in open_nodes:
            raise _LimitError(
                problem="an alias refers to the mapping or list it is inside of",
                problem_mark=key_mark or node.start_mark,
            )
        total = 1
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            open_nodes.add(id(node))
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    total += size(key_node, key_node.start_mark)
                    total += size(value_node, key_node.start_mark)
            else:
                for item in node.value:
                    total += size(item, key_mark)
            open_nodes.discard(id(node))
        if total > MAX_VALUES:
            raise _LimitError(
                problem=f"the file holds more than {MAX_VALUES:,} values once its aliases are"
                " expanded (aliases that repeat each other?)",
                problem_mark=key_mark or node.start_mark,
            )
        sizes[id(node)] = total
        return total

    size(root, None)


def _preview(node: yaml.Node) -> str:
    text = str(getattr(node, "value", ""))
    return repr(text if len(text) <= 24 else text[:20] + "…")


def parse_yaml(text: str, file: str = "<flow>", what: str = "flow file") -> LocatedDocument:
    """Parse one YAML document into plain Python values with a line map. `what` names the
    kind of file in messages ("the test file is empty").

    Raises FlowDefinitionError with the file and line of a syntax error (a tab in the
    indentation named as such), a duplicate key or a crossed limit (size, nesting, alias
    expansion, an unreadable value).
    """
    if len(text) > MAX_FLOW_BYTES:
        raise FlowDefinitionError([_too_large(len(text), file)])
    try:
        yaml.reader.Reader(text)  # refuses unprintable characters, before any parsing
    except yaml.reader.ReaderError as err:
        line = text.count("\n", 0, max(0, err.position)) + 1
        raise FlowDefinitionError(
            [
                Problem(
                    f"character {err.character:#06x} is not allowed in YAML", file=file, line=line
                )
            ]
        ) from None
    loader: yaml.SafeLoader
    loader = _FlowYamlCLoader(text) if _HAVE_LIBYAML else _FlowYamlLoader(text)
    try:
        if _HAVE_LIBYAML:
            _prescan(text)
        node = loader.get_single_node()
    except _LimitError as err:
        raise FlowDefinitionError([_limit_problem(err, file)]) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        tab = _indenting_tab(text, mark.line if mark else None)
        if tab is not None:
            raise FlowDefinitionError(
                [
                    Problem(
                        f"tab character at {tab[0]}:{tab[1]}; YAML indents with spaces",
                        file=file,
                        line=tab[0],
                        column=tab[1],
                        hint="replace the tab with spaces",
                    )
                ]
            ) from None
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
        raise FlowDefinitionError([Problem(f"the {what} is empty", file=file, line=1)])
    builder = _Builder(loader, file)
    try:
        _check_expansion(node)
        data = builder.build(node, ())
    except _LimitError as err:
        raise FlowDefinitionError([_limit_problem(err, file)]) from None
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
    if builder.problems:
        raise FlowDefinitionError(builder.problems)
    return LocatedDocument(data, builder.lines, file)


def _indenting_tab(text: str, error_line: int | None) -> tuple[int, int] | None:
    """(line, column), 1-based, of the first tab in the indentation of a line up to the one
    after `error_line` (0-based) — what YAML reports as a bare syntax error there."""
    last = None if error_line is None else error_line + 2
    for number, line in enumerate(text.splitlines()[:last], start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            return number, indent.index("\t") + 1
    return None


def _limit_problem(err: _LimitError, file: str) -> Problem:
    mark = err.problem_mark
    return Problem(
        str(err.problem),
        file=file,
        line=mark.line + 1 if mark else 1,
        column=mark.column + 1 if mark else None,
    )


def _too_large(size: int, file: str, limit: int = MAX_FLOW_BYTES) -> Problem:
    return Problem(
        f"the file is too large ({size:,} bytes; a flow file may have at most {limit:,})",
        file=file,
        line=1,
        hint="split long choice lists into a generated file, or check this is a flow file",
    )


def read_yaml_file(path: str | Path, what: str = "flow file") -> LocatedDocument:
    """Read and parse a flow file (or another kind of file: `what`, for messages). A missing,
    unreadable or oversized file, or one that is not a regular file (a directory, a device
    such as `/dev/zero`, a FIFO, a socket), is a FlowDefinitionError naming it."""
    p = Path(path)
    return parse_yaml(read_text_bounded(p, MAX_FLOW_BYTES, what), str(p), what)


def read_text_bounded(path: Path, limit: int, what: str = "flow file") -> str:
    """The UTF-8 text of the regular file `path`, of at most `limit` bytes. Never reads more
    than `limit + 1` bytes and never blocks: a FIFO is opened non-blocking and refused, like a
    directory or a device, before anything is read. Raises FlowDefinitionError."""
    name = str(path)
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise FlowDefinitionError([Problem("no such file", file=name)]) from None
    except IsADirectoryError:
        raise FlowDefinitionError([_not_regular("a directory", name, what)]) from None
    except OSError as err:
        raise FlowDefinitionError(
            [Problem(f"cannot read the file: {_reason(err)}", file=name)]
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FlowDefinitionError([_not_regular(_file_kind(info.st_mode), name, what)])
        if info.st_size > limit:
            raise FlowDefinitionError([_too_large(info.st_size, name, limit)])
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as err:
        raise FlowDefinitionError(
            [Problem(f"cannot read the file: {_reason(err)}", file=name)]
        ) from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while we looked (or its size was not what it said)
        raise FlowDefinitionError([_too_large(len(data), name, limit)])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise FlowDefinitionError(
            [
                Problem(
                    f"cannot read the file: not UTF-8 text ({err.reason} at byte {err.start})",
                    file=name,
                    line=data.count(b"\n", 0, err.start) + 1,
                )
            ]
        ) from None


def _reason(err: OSError) -> str:
    return err.strerror or str(err)


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _not_regular(kind: str, file: str, what: str) -> Problem:
    return Problem(
        f"this is {kind}, not a {what}" if kind.startswith("a ") else f"this is {kind}",
        file=file,
        hint="give the path of a regular .yaml file",
    )
