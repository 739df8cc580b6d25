"""Slot-type registry: maps the `type:` names used in YAML to extractor instances.

Built-in types are imported lazily on first use, so importing flowagent stays fast. Users add
or override types with the `register` decorator; a flow then names them like any built-in.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import TypeVar

from flowagent.errors import ExtensionError
from flowagent.slots.base import Extractor

E = TypeVar("E", bound=type[Extractor])

# Module (under flowagent.slots) that defines each built-in type.
_BUILTINS: dict[str, str] = {
    "date": "date",
    "time": "time",
    "datetime": "datetime",
    "phone": "phone",
    "email": "email",
    "name": "name",
    "choice": "choice",
    "yesno": "yesno",
    "number": "number",
    "text": "text",
}

_registry: dict[str, Extractor] = {}
_lock = threading.Lock()


def register(type_name: str, *, replace: bool = False) -> Callable[[E], E]:
    """Class decorator: register an `Extractor` subclass under `type_name`.

    Registering a name that already exists raises unless `replace=True` (overriding a built-in
    on purpose is allowed, by accident is not).
    """

    def decorate(cls: E) -> E:
        if not (isinstance(cls, type) and issubclass(cls, Extractor)):
            raise ExtensionError(f"slot type {type_name!r}: {cls!r} is not an Extractor subclass")
        with _lock:
            if type_name in _registry and not replace and type(_registry[type_name]) is not cls:
                raise ExtensionError(
                    f"slot type {type_name!r} is already registered; pass replace=True to override"
                )
            cls.type_name = type_name
            _registry[type_name] = cls()
        return cls

    return decorate


def get_extractor(type_name: str) -> Extractor:
    """The extractor registered for `type_name`. Raises ExtensionError if there is none."""
    found = _registry.get(type_name)
    if found is not None:
        return found
    module = _BUILTINS.get(type_name)
    if module is not None:
        importlib.import_module(f"flowagent.slots.{module}")
        found = _registry.get(type_name)
        if found is not None:
            return found
    raise ExtensionError(
        f"unknown slot type {type_name!r}; known types: {', '.join(sorted(known_types()))}"
    )


def known_types() -> set[str]:
    """Every slot type name that can be used in a flow."""
    return set(_BUILTINS) | set(_registry)
