"""The layers of docs/architecture.md hold: every module of src/flowagent is on the map, no
import goes up a layer, and no imports form a cycle. Imports are read with `ast`, so those
under `TYPE_CHECKING` and inside functions count as much as the ones at the top."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

SRC = ROOT / "src"
PACKAGE = SRC / "flowagent"
MAP = ROOT / "docs" / "architecture.md"


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the flowagent module imported
    line: int


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(known: dict[str, Path]) -> list[Import]:
    """Every import of a flowagent module by a flowagent module. `from a import b` is an
    import of the module `a.b` when there is one, else of `a`; relative imports count."""
    out: list[Import] = []
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    targets.append(candidate if candidate in known else base)
            out += [
                Import(name, target, node.lineno)
                for target in targets
                if target in known and target != name
            ]
    return out


def declared_layers() -> list[tuple[str, list[str]]]:
    """The layer table of docs/architecture.md, top layer first: (layer, module patterns)."""
    text = MAP.read_text(encoding="utf-8")
    section = text.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    layers = []
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] not in ("layer", "") and not set(cells[0]) <= {"-"}:
            layers.append((cells[0], re.findall(r"`([^`]+)`", cells[1])))
    return layers


def layer_of(module: str, layers: list[tuple[str, list[str]]]) -> list[int]:
    """The rank (0 = lowest) of every layer whose patterns take `module`: `name` is
    `flowagent.name`, `name/` is the package `flowagent.name` and its modules, and
    `flowagent` is the package itself."""
    ranks = []
    for rank, (_, patterns) in enumerate(reversed(layers)):
        for pattern in patterns:
            full = "flowagent" if pattern == "flowagent" else f"flowagent.{pattern.rstrip('/')}"
            if module == full or (pattern.endswith("/") and module.startswith(full + ".")):
                ranks.append(rank)
    return ranks


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


KNOWN = modules()
IMPORTS = imports(KNOWN)
LAYERS = declared_layers()


def test_the_map_names_its_layers_top_first() -> None:
    """The table parses into the layers the document describes, adapters on top."""
    names = [name for name, _ in LAYERS]
    assert names[0] == "adapters"
    assert names[-1] == "base"
    assert len(names) == len(set(names))


def test_every_module_is_in_exactly_one_layer() -> None:
    """A new module must be placed on the map; no module is on it twice."""
    misplaced = {m: layer_of(m, LAYERS) for m in KNOWN if len(layer_of(m, LAYERS)) != 1}
    assert not misplaced, f"modules not in exactly one layer of {MAP.name}: {misplaced}"


def test_every_pattern_on_the_map_names_a_module() -> None:
    """The map does not keep modules that are gone."""
    stale = [
        pattern
        for _, patterns in LAYERS
        for pattern in patterns
        if not any(
            pattern in ("flowagent", f"{m.removeprefix('flowagent.')}/")
            or m == f"flowagent.{pattern}"
            for m in KNOWN
        )
    ]
    assert not stale


def test_no_module_imports_from_a_higher_layer() -> None:
    """Imports go down the layers or stay in one, never up."""
    names = [name for name, _ in reversed(LAYERS)]
    upward = [
        f"{KNOWN[i.source].relative_to(ROOT)}:{i.line}: {i.source} ({names[src]}) imports "
        f"{i.target} ({names[dst]})"
        for i in IMPORTS
        for src, dst in [(layer_of(i.source, LAYERS)[0], layer_of(i.target, LAYERS)[0])]
        if dst > src
    ]
    assert not upward, "\n".join(upward)


def test_no_imports_form_a_cycle() -> None:
    """Not even through TYPE_CHECKING or function-level imports."""
    graph: dict[str, set[str]] = {m: set() for m in KNOWN}
    for i in IMPORTS:
        graph[i.source].add(i.target)
    found = cycles(graph)
    assert not found, "import cycles: " + "; ".join(" ↔ ".join(c) for c in found)


def test_the_import_reader_sees_type_checking_and_function_imports() -> None:
    """The reader the layer tests rely on finds the imports that do not run at import time."""
    found = {(i.source, i.target) for i in IMPORTS}
    assert ("flowagent.scope", "flowagent.compiled") in found  # under TYPE_CHECKING only
    assert ("flowagent.cli", "flowagent.toolkit.check") in found  # inside a function
    assert ("flowagent.states.collect", "flowagent.pieces") in found  # `from flowagent import m`


def test_cycles_are_found_where_there_are_some() -> None:
    """The cycle finder reports a loop through three modules and nothing in a chain."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
