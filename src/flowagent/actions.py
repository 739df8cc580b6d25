"""User actions: `module:function` references in a flow, resolved at load time and run with a
timeout.

**Where an action may come from (the trust model, see docs/security.md).** A flow file is
configuration, so it may only name code its author ships with it or code the host opted into:

- the flow's own modules: a `.py` file beside the flow file (`my_actions:book` →
  `<flow dir>/my_actions.py`, `lib.booking:book` → `<flow dir>/lib/booking.py`), loaded under a
  private module name so two flows' `actions.py` never collide;
- modules the host allows: `load_flow(..., allow_modules=["myapp"])`, the
  `FLOWAGENT_ALLOW_MODULES` environment variable (comma-separated) or the CLI's
  `--allow-module`; allowing `myapp` allows its submodules too.

Anything else (`os:system`, `subprocess:run`, an installed package) is a load error naming the
state's line. `load_flow(..., import_actions=False)` checks the references without importing
anything (what `flowagent check`, `graph`, `test` and `simulate` do): each function is read
from its module's source (`check_action`), never run; such a flow's action states fail to the
fallback until real (or fake) functions are put in `CompiledFlow.actions`.

**How an action runs** (the whole contract: `action_contract`). It receives a copy of the
slots (`dict`) as its one positional argument and returns a mapping (or None; anything else
fails the action); a coroutine function is awaited. Its result is made JSON-safe and merged
into the conversation's results, readable in later prompts as `{{ result.key }}`. Any
exception — `SystemExit` included — or a timeout becomes an `ActionError`, which the engine
turns into a route to the fallback state: a failing action never ends the call abruptly. A
plain function runs in its own daemon thread, so no action waits for another's pool slot; a
call that outlives its timeout keeps its thread (and runs to its end: a thread cannot be
stopped) until it returns, and at most `MAX_OVERDUE_PER_ACTION` calls of one function may be
running past their timeout — past that, new calls fail at once rather than pile up threads.
An `async def` awaited by `handle_async` runs as a task on the caller's event loop, as asyncio
code expects (its HTTP sessions and clients belong to that loop): the turn stops waiting at
the timeout even if the task swallows its cancellation, and nothing it raises — `SystemExit`
and `KeyboardInterrupt` included — leaves the task. Blocking inside an `async def` holds the
loop, asyncio's rule for all coroutines; `flowagent check` warns about the usual blocking
calls there (write blocking code as a plain `def`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import hashlib
import importlib
import importlib.util
import inspect
import math
import os
import re
import sys
import threading
import types
from collections.abc import Callable, Coroutine, Generator, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flowagent.action_contract import (
    ActionCheck,
    check_function,
    check_source,
    module_source,
    oversized,
    unspeakable,
)
from flowagent.context import MAX_RESULT_DEPTH
from flowagent.errors import ActionError
from flowagent.redaction import described, safe_str

ActionFn = Callable[[dict[str, Any]], Any]

#: Environment variable listing modules (comma-separated) flows may take actions from.
ALLOW_ENV = "FLOWAGENT_ALLOW_MODULES"
#: Calls of one plain-function action that may still be running past their timeout (hung):
#: past that, new calls of it fail at once instead of starting more threads.
MAX_OVERDUE_PER_ACTION = 16


@dataclass(frozen=True, slots=True)
class ActionPolicy:
    """Which code a flow's actions may come from, and whether to import it now.

    `allow_modules`: dotted module names the host trusts besides the flow's own `.py` files
    (a name allows its submodules). `import_actions`: False checks every reference without
    importing anything.
    """

    allow_modules: tuple[str, ...] = ()
    import_actions: bool = True

    @classmethod
    def build(
        cls, allow_modules: Iterable[str] | None = None, import_actions: bool = True
    ) -> ActionPolicy:
        """A policy from explicit names plus those in `FLOWAGENT_ALLOW_MODULES`."""
        names = [*(allow_modules or ()), *os.environ.get(ALLOW_ENV, "").split(",")]
        cleaned = tuple(dict.fromkeys(n.strip() for n in names if n.strip()))
        return cls(cleaned, import_actions)

    def allows(self, module_name: str) -> bool:
        return any(
            module_name == name or module_name.startswith(name + ".") for name in self.allow_modules
        )


def resolve_action(ref: str, flow_dir: Path | None, policy: ActionPolicy | None = None) -> ActionFn:
    """The function `module:function` names, under `policy` (default: import the flow's own
    modules only). Raises LookupError with a readable reason."""
    policy = policy or ActionPolicy()
    module_name, _, func_name = ref.partition(":")
    own = _own_module_file(module_name, flow_dir)
    if own is None and not policy.allows(module_name):
        where = f" ({module_name}.py beside the flow)" if flow_dir is not None else ""
        raise LookupError(
            f"action module {module_name!r} is not allowed: a flow may call its own modules"
            f"{where}, and modules the host allows with load_flow(...,"
            f" allow_modules=[{module_name.partition('.')[0]!r}]), --allow-module or"
            f" {ALLOW_ENV}"
        )
    if not policy.import_actions:
        return _not_imported(ref)
    module = _load_file(module_name, own) if own is not None else _import(module_name)
    fn = getattr(module, func_name, None)
    if fn is None or not callable(fn):
        raise LookupError(f"module {module_name!r} has no function {func_name!r}")
    return fn  # type: ignore[no-any-return]


def check_action(
    ref: str, fn: ActionFn, flow_dir: Path | None, policy: ActionPolicy | None = None
) -> ActionCheck:
    """The calling contract of the action `ref` (resolved to `fn`) checked as far as `policy`
    allows: on the function itself when actions are imported, else on its module's source,
    read without running anything (see `action_contract`). Raises LookupError when the
    function is missing or cannot take the slots; an action that could not be checked comes
    back with `verified=False` and a note saying why."""
    policy = policy or ActionPolicy()
    if policy.import_actions:
        return check_function(ref, fn)
    module_name = ref.partition(":")[0]
    source = _own_module_file(module_name, flow_dir) or module_source(module_name)
    if source is None:
        return ActionCheck(
            False,
            None,
            f"{ref}: could not check that it exists without importing {module_name!r}"
            " (no source file found on this Python path)",
        )
    return check_source(ref, source)


def _own_module_file(module_name: str, flow_dir: Path | None) -> Path | None:
    if flow_dir is None:
        return None
    candidate = flow_dir.joinpath(*module_name.split(".")).with_suffix(".py")
    return candidate if candidate.is_file() else None


def _load_file(module_name: str, path: Path) -> Any:
    # A private module name per file, so two flows' `actions.py` never collide.
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
    key = f"flowagent_actions_{digest}_{module_name.replace('.', '_')}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, path)
    if spec is None or spec.loader is None:
        raise LookupError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as err:  # SystemExit at import time too: a load error, not an exit
        del sys.modules[key]
        raise LookupError(f"importing {path} failed: {err!r}") from err
    return module


def _import(module_name: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except BaseException as err:
        if isinstance(err, KeyboardInterrupt):
            raise
        raise LookupError(f"cannot import module {module_name!r}: {err!r}") from err


def _not_imported(ref: str) -> ActionFn:
    def not_imported(slots: dict[str, Any]) -> Any:
        raise ActionError(ref, "the flow was loaded without importing its actions")

    return not_imported


# --- running -----------------------------------------------------------------------------


class _Raised(Exception):
    """Carries what an action raised out of its thread (a BaseException too), so that the
    waiting side can tell it from a KeyboardInterrupt aimed at itself."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(type(error).__qualname__)
        self.error = error


class _Call:
    """One call of an action, running in its own daemon thread: `future` gets its normalised
    result (or `_Raised`). A coroutine runs on an event loop of its own in that thread, so
    `cancel()` can reach it from any thread; a plain function cannot be stopped."""

    __slots__ = ("_cancelled", "_lock", "_loop", "_task", "future", "overdue")

    def __init__(self) -> None:
        self.future: concurrent.futures.Future[dict[str, Any]] = concurrent.futures.Future()
        self.future.set_running_or_notify_cancel()  # nobody can cancel it: it is ours to finish
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Any] | None = None
        self._cancelled = False
        self.overdue = False  # still running past its timeout (counted in `_overdue`)

    def cancel(self) -> None:
        """Cancel a coroutine action at its next `await` (its timeout passed, or the turn was
        cancelled). It may swallow the cancellation: then its thread runs on, and no turn
        waits for it."""
        with self._lock:
            self._cancelled = True
            loop, task = self._loop, self._task
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):  # its loop closed: the action has ended
                loop.call_soon_threadsafe(task.cancel)

    async def awaited(self, awaitable: Any) -> Any:
        with self._lock:
            if self._cancelled:
                close = getattr(awaitable, "close", None)
                if callable(close):
                    close()  # never started: no "coroutine was never awaited" warning
                raise asyncio.CancelledError
            self._loop = asyncio.get_running_loop()
            self._task = asyncio.current_task()
        return await awaitable


_overdue: dict[Any, int] = {}
_overdue_lock = threading.Lock()


def _mark_overdue(fn: ActionFn, call: _Call) -> None:
    """Count `call` against its function's cap: its timeout passed and it runs on."""
    with _overdue_lock:
        if not call.future.done() and not call.overdue:
            call.overdue = True
            _overdue[fn] = _overdue.get(fn, 0) + 1


def _start(ref: str, fn: ActionFn, slots: dict[str, Any]) -> _Call:
    """Start `fn` in its own daemon thread: a plain function is called there; whatever its
    call returns that is awaitable (an `async def`'s coroutine) is run to its end on a new
    event loop there. Its result is normalised there too, so nothing the action made — a
    value whose `str()` raises, a result nested 100,000 deep — runs in the caller's thread.
    The thread runs in a copy of the caller's context (`contextvars`)."""
    with _overdue_lock:
        hung = _overdue.get(fn, 0)
    if hung >= MAX_OVERDUE_PER_ACTION:
        raise ActionError(ref, f"{hung} earlier calls are still running past their timeout")
    call = _Call()

    def work() -> None:
        try:
            result = fn(dict(slots))
            if inspect.isawaitable(result):
                result = asyncio.run(call.awaited(result))
            value = _normalise(ref, result)
        except BaseException as err:  # whatever the action raised, SystemExit too
            call.future.set_exception(_Raised(err))
        else:
            call.future.set_result(value)
        finally:
            with _overdue_lock:
                if call.overdue:
                    left = _overdue.get(fn, 1) - 1
                    if left:
                        _overdue[fn] = left
                    else:
                        _overdue.pop(fn, None)

    context = contextvars.copy_context()
    threading.Thread(
        target=context.run, args=(work,), name=f"flowagent-action {ref}", daemon=True
    ).start()
    return call


def _failure(ref: str, err: BaseException) -> ActionError:
    if isinstance(err, ActionError):
        return err
    if isinstance(err, asyncio.CancelledError):
        return ActionError(ref, "it was cancelled (not by its timeout)")
    return ActionError(ref, f"raised {described(err)}", safe_str(err))


def run_action(ref: str, fn: ActionFn, slots: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run an action from synchronous code, waiting at most `timeout` seconds. Raises
    ActionError on failure or timeout (a coroutine action is then cancelled)."""
    call = _start(ref, fn, slots)
    try:
        return call.future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        call.cancel()
        _mark_overdue(fn, call)
        raise ActionError(ref, f"timed out after {timeout:g}s") from None
    except _Raised as raised:
        raise _failure(ref, raised.error) from None
    except BaseException:  # e.g. Ctrl-C in the waiting thread: the action stops too
        call.cancel()
        raise


async def run_action_async(
    ref: str, fn: ActionFn, slots: dict[str, Any], timeout: float
) -> dict[str, Any]:
    """Run an action from async code: an `async def` as a task on this event loop, a plain
    function in its own thread. Either way the turn waits at most `timeout` seconds — a task
    that swallows its cancellation runs on, unwaited — and whatever the action raises
    (`SystemExit` too) is an ActionError. If this task is cancelled (a hang-up), the action is
    cancelled too and CancelledError propagates."""
    if inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
        getattr(fn, "__call__", None)  # noqa: B004 — an object whose __call__ is async
    ):
        return await _run_on_loop(ref, fn, slots, timeout)
    call = _start(ref, fn, slots)
    try:
        # wait_for cancels only the asyncio wrapper: the thread's future cannot be.
        return await asyncio.wait_for(asyncio.wrap_future(call.future), timeout)
    except TimeoutError:
        call.cancel()
        _mark_overdue(fn, call)
        raise ActionError(ref, f"timed out after {timeout:g}s") from None
    except _Raised as raised:
        raise _failure(ref, raised.error) from None
    except BaseException:  # the turn itself is cancelled (hang-up): the action is too
        call.cancel()
        raise


async def _run_on_loop(
    ref: str, fn: ActionFn, slots: dict[str, Any], timeout: float
) -> dict[str, Any]:
    """An `async def` action as a task on the running loop (see `run_action_async`)."""

    async def guarded() -> Any:
        try:
            return await fn(dict(slots))
        except asyncio.CancelledError:
            raise
        except BaseException as err:  # asyncio would re-raise SystemExit out of the loop
            raise _Raised(err) from None

    coro = guarded()
    try:
        # Its first step runs inline: an action that finishes without waiting for anything
        # (a cache hit, a computed reference) costs no trip through a busy event loop.
        first = coro.send(None)
    except StopIteration as finished:
        return _read_result(ref, finished.value)
    except _Raised as raised:
        raise _failure(ref, raised.error) from None
    except asyncio.CancelledError:
        raise ActionError(ref, "it was cancelled (not by its timeout)") from None
    task = asyncio.ensure_future(_finish(coro, first))
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
    except asyncio.CancelledError:  # the turn is cancelled (hang-up): the action is too
        task.cancel()
        raise
    if not done:
        task.cancel()  # asked; it may swallow it and run on, but nobody waits for it
        task.add_done_callback(_retrieve)
        raise ActionError(ref, f"timed out after {timeout:g}s")
    try:
        result = task.result()
    except _Raised as raised:
        raise _failure(ref, raised.error) from None
    except asyncio.CancelledError:
        raise ActionError(ref, "it was cancelled (not by its timeout)") from None
    return _read_result(ref, result)


def _read_result(ref: str, result: Any) -> dict[str, Any]:
    try:
        return _normalise(ref, result)
    except ActionError:
        raise
    except BaseException as err:  # reading the result raised (a str() that exits, a deep nest)
        raise _failure(ref, err) from None


async def _finish(coro: Coroutine[Any, Any, Any], pending: Any) -> Any:
    return await _carry_on(coro, pending)


@types.coroutine
def _carry_on(coro: Coroutine[Any, Any, Any], pending: Any) -> Generator[Any, Any, Any]:
    """The rest of a coroutine whose first step already ran and yielded `pending` (the future
    it waits for), to run as a task: what `yield from coro` would do from its second step."""
    while True:
        try:
            sent = yield pending
        except BaseException as exc:  # cancellation (or anything) thrown in: pass it on
            try:
                pending = coro.throw(exc)
            except StopIteration as finished:
                return finished.value
        else:
            try:
                pending = coro.send(sent)
            except StopIteration as finished:
                return finished.value


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Done callback of an abandoned action task: its outcome is read, so asyncio does not
    log "exception was never retrieved" for a call that already failed by its timeout."""
    if not task.cancelled():
        task.exception()


# --- results -----------------------------------------------------------------------------


def _normalise(ref: str, result: Any) -> dict[str, Any]:
    """An action's result as JSON-safe data: what goes into the context must always save.
    Raises ActionError for a result outside the contract: not a mapping (or None), too large
    (`oversized`), or holding a value with no text of its own (`unspeakable`)."""
    if result is None:
        return {}
    if not isinstance(result, Mapping):
        # Never the value itself in the reason: it is the booking's data (a name, a phone).
        raise ActionError(ref, f"it returned {type(result).__name__}, not a dict (or None)")
    big = oversized(result)
    if big is not None:
        raise ActionError(ref, f"its result {big}")
    bad = unspeakable(result)
    if bad is not None:
        raise ActionError(ref, f"its result {bad} has no text to speak or store")
    return {_clean_text(str(k)): json_safe(v) for k, v in result.items()}


def json_safe(value: Any, depth: int = 0) -> Any:
    """`value` as plain JSON data: strings without lone surrogates, finite numbers, lists and
    string-keyed dicts; anything else (a datetime, a set, an object) becomes its `str`."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return _clean_text(value)
    if depth < MAX_RESULT_DEPTH and isinstance(value, dict):
        return {_clean_text(str(k)): json_safe(v, depth + 1) for k, v in value.items()}
    if depth < MAX_RESULT_DEPTH and isinstance(value, list | tuple):
        return [json_safe(v, depth + 1) for v in value]
    return _clean_text(str(value))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean_text(text: str) -> str:
    """Lone surrogates (which UTF-8 cannot encode, so no store could save) → U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)
