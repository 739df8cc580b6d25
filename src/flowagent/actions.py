"""User actions: `module:function` references in a flow, resolved at load time and run with a
timeout. A module is imported normally, or else loaded from a `.py` file next to the flow file
(`my_actions:book` → `<flow dir>/my_actions.py`), so a flow and its actions can live together.

An action receives a copy of the slots (`dict`) and returns a dict (or None); a coroutine
function is awaited. Its result is stored under the state's name and readable in later prompts
as `{{ result.key }}`. Any exception or a timeout becomes an `ActionError`, which the engine
turns into a route to the fallback state — a failing action never ends the call abruptly.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import importlib
import importlib.util
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flowagent.errors import ActionError

ActionFn = Callable[[dict[str, Any]], Any]

_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="flowagent-action")


def resolve_action(ref: str, flow_dir: Path | None) -> ActionFn:
    """Import `module:function`. Raises LookupError with a readable reason."""
    module_name, _, func_name = ref.partition(":")
    module = _import(module_name, flow_dir)
    fn = getattr(module, func_name, None)
    if fn is None or not callable(fn):
        raise LookupError(f"module {module_name!r} has no function {func_name!r}")
    return fn  # type: ignore[no-any-return]


def _import(module_name: str, flow_dir: Path | None) -> Any:
    if flow_dir is not None:
        candidate = flow_dir.joinpath(*module_name.split(".")).with_suffix(".py")
        if candidate.is_file():
            # A private module name per file, so two flows' `actions.py` never collide.
            digest = hashlib.sha1(str(candidate.resolve()).encode()).hexdigest()[:12]
            key = f"flowagent_actions_{digest}_{module_name.replace('.', '_')}"
            if key in sys.modules:
                return sys.modules[key]
            spec = importlib.util.spec_from_file_location(key, candidate)
            if spec is None or spec.loader is None:
                raise LookupError(f"cannot load {candidate}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[key] = module
            try:
                spec.loader.exec_module(module)
            except Exception as err:
                del sys.modules[key]
                raise LookupError(f"importing {candidate} failed: {err!r}") from err
            return module
    try:
        return importlib.import_module(module_name)
    except ImportError as err:
        where = f" (looked for {module_name}.py beside the flow too)" if flow_dir else ""
        raise LookupError(f"cannot import module {module_name!r}{where}: {err}") from err


def _normalise(ref: str, result: Any) -> dict[str, Any]:
    if result is None:
        return {}
    if isinstance(result, dict):
        return {str(k): v for k, v in result.items()}
    return {"value": result}


def run_action(ref: str, fn: ActionFn, slots: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run an action from synchronous code. Raises ActionError on failure or timeout."""
    if inspect.iscoroutinefunction(fn):
        future = _POOL.submit(asyncio.run, _await_with_timeout(fn, slots, timeout))
    else:
        future = _POOL.submit(fn, dict(slots))
    try:
        return _normalise(ref, future.result(timeout=timeout))
    except (TimeoutError, concurrent.futures.TimeoutError):
        raise ActionError(ref, f"timed out after {timeout:g}s") from None
    except ActionError:
        raise
    except Exception as err:
        raise ActionError(ref, f"{type(err).__name__}: {err}") from err


async def _await_with_timeout(fn: ActionFn, slots: dict[str, Any], timeout: float) -> Any:
    return await asyncio.wait_for(fn(dict(slots)), timeout)


async def run_action_async(
    ref: str, fn: ActionFn, slots: dict[str, Any], timeout: float
) -> dict[str, Any]:
    """Run an action from async code: a coroutine function is awaited on this loop, a plain
    function runs in a worker thread. Raises ActionError on failure or timeout."""
    try:
        if inspect.iscoroutinefunction(fn):
            # `asyncio.timeout` awaits the coroutine inline (no extra task): an action that
            # finishes without blocking costs no trip through a busy event loop.
            async with asyncio.timeout(timeout):
                result = await fn(dict(slots))
        else:
            result = await asyncio.wait_for(asyncio.to_thread(fn, dict(slots)), timeout)
    except TimeoutError:
        raise ActionError(ref, f"timed out after {timeout:g}s") from None
    except Exception as err:
        raise ActionError(ref, f"{type(err).__name__}: {err}") from err
    return _normalise(ref, result)
