"""The public API is what the docs say it is: each curated `__all__` is exactly its row in
docs/architecture.md ("The public API"), and every `flowagent` import or name in README.md and
docs/ works where the docs put it."""

from __future__ import annotations

import importlib
import re
from types import ModuleType

import pytest
from tests.conftest import ROOT

ARCHITECTURE = ROOT / "docs" / "architecture.md"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
SRC = ROOT / "src" / "flowagent"

_FROM_IMPORT = re.compile(r"from (flowagent(?:\.\w+)*) import (\([\w,\s]+\)|[\w, ]+)")
_DOTTED = re.compile(r"(?<![\w./-])(flowagent(?:\.\w+)+)")
_LOGGER = re.compile(r"getLogger\(\"([\w.]+)\"\)")


def public_rows() -> dict[str, set[str]]:
    """The table of "The public API": module → the names its row lists."""
    section = ARCHITECTURE.read_text(encoding="utf-8").split("\n## The public API\n", 1)[1]
    rows: dict[str, set[str]] = {}
    for line in section.split("\n## ", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].startswith("`flowagent"):
            rows[cells[0].strip("`")] = set(re.findall(r"`([^`]+)`", cells[1]))
    return rows


def doc_references() -> list[tuple[str, str, str]]:
    """(where, module, name) for every `from flowagent… import name` and every dotted
    `flowagent.a.b` in the docs (name "" for a dotted name: resolved as a whole)."""
    found: list[tuple[str, str, str]] = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for m in _FROM_IMPORT.finditer(text):
            for item in m.group(2).strip("()").split(","):
                name = item.split(" as ")[0].strip()
                if name:
                    found.append((where, m.group(1), name))
        for m in _DOTTED.finditer(_FROM_IMPORT.sub("", text)):
            found.append((where, m.group(1).rstrip("."), ""))
    return found


def loggers() -> set[str]:
    """Logger names the package logs under (the docs name them as `flowagent.engine`)."""
    return {name for path in SRC.rglob("*.py") for name in _LOGGER.findall(path.read_text("utf-8"))}


def resolve(dotted: str) -> object:
    """The module or attribute `dotted` names; ImportError/AttributeError when none."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            found = getattr(found, attr)
        return found
    raise ImportError(dotted)


ROWS = public_rows()
REFERENCES = doc_references()
LOGGERS = loggers()


def test_the_public_api_table_covers_the_packages_the_docs_import_from() -> None:
    """The table has the package itself and its subpackages with a curated `__all__`."""
    assert set(ROWS) == {
        "flowagent",
        "flowagent.slots",
        "flowagent.store",
        "flowagent.livekit",
        "flowagent.testing",
    }


@pytest.mark.parametrize("module", sorted(ROWS))
def test_each_curated_all_is_exactly_its_row(module: str) -> None:
    """A name added to `__all__` is documented, and a documented name is exported."""
    exported = set(importlib.import_module(module).__all__)
    assert exported == ROWS[module], (
        f"{module}.__all__ and docs/architecture.md differ: only in __all__ "
        f"{sorted(exported - ROWS[module])}, only in the docs {sorted(ROWS[module] - exported)}"
    )


@pytest.mark.parametrize("module", sorted(ROWS))
def test_every_name_in_a_curated_all_is_importable(module: str) -> None:
    """`from module import *` works: no name in `__all__` is missing."""
    imported = importlib.import_module(module)
    assert [n for n in imported.__all__ if not hasattr(imported, n)] == []


def test_every_flowagent_import_in_the_docs_works() -> None:
    """Each `from flowagent… import name` and each dotted `flowagent.…` name in README.md and
    docs/ is a module or an attribute where the docs put it (or a logger the code uses)."""
    broken = []
    for where, module, name in REFERENCES:
        dotted = f"{module}.{name}" if name else module
        try:
            resolve(dotted)
        except (ImportError, AttributeError):
            if name or dotted not in LOGGERS:
                broken.append(f"{where}: {dotted}")
    assert not broken


def test_names_the_docs_take_from_a_curated_package_are_in_its_all() -> None:
    """What the docs import from `flowagent`, `flowagent.slots`, … is public there, not a
    name that happens to be imported (a submodule, like `from flowagent import slots`, is
    fine)."""
    private = []
    for where, dotted, attr in REFERENCES:
        if not attr and dotted in LOGGERS:
            continue  # "logged under `flowagent.events`"
        module, name = (dotted, attr) if attr else dotted.rpartition(".")[::2]
        found = getattr(importlib.import_module(module), name, None) if module in ROWS else None
        if module in ROWS and name not in ROWS[module] and not isinstance(found, ModuleType):
            private.append(f"{where}: {module}.{name}")
    assert not private


def test_the_docs_references_are_found() -> None:
    """The reader sees the imports the docs are known to make."""
    assert ("docs/testing.md", "flowagent.testing", "fake_actions") in REFERENCES
    assert any(m == "flowagent.load_flow" for _, m, n in REFERENCES if not n)
