"""Saving and loading conversations without ever holding a turn longer than the store allows.

Every store call runs on a small pool of daemon threads that belongs to the store, so a
locked, frozen or unreachable store costs a turn at most the store's `timeout` (default
`DEFAULT_TIMEOUT`), and never blocks an event loop: `handle_async` awaits the save.

One `ConversationWriter` per conversation keeps its saves in order and bounded:

- at most one save of a conversation is in flight; a newer snapshot waiting behind it replaces
  an older one (each snapshot is the whole conversation, so the newest is all that matters) —
  a store outage holds one snapshot per call in memory, not one per turn;
- a turn waits for its snapshot (or a newer one) until the timeout: healthy stores keep
  save-before-reply; a slow one answers with `Turn.saved = False`, and the next good save
  catches up;
- each save is a compare-and-set on the conversation's revision: a second writer on the same
  id gets a `StoreConflict` (reported, never a silent overwrite). A write that landed after
  its turn stopped waiting is recognised by the writer's token and is not mistaken for one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import math
import queue
import threading
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flowagent.errors import StoreConflict, StoreError
from flowagent.store.base import DEFAULT_TIMEOUT, ConversationStore

log = logging.getLogger("flowagent.store")

#: Threads per store. Each conversation uses at most one at a time.
POOL_THREADS = 8
#: An idle pool thread exits after this many seconds.
IDLE_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class StoreResult:
    """How a store call went. `reason`: None when it succeeded, else `"timeout"` (no answer
    within the timeout; it may still succeed later), `"conflict"` (another writer) or
    `"error"` (the store failed). `detail` is the store's message (no personal data)."""

    operation: str  # "save" | "load"
    reason: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.reason is None


def store_timeout(store: ConversationStore) -> float:
    """The store's `timeout` attribute in seconds, or `DEFAULT_TIMEOUT`."""
    value = getattr(store, "timeout", None)
    if isinstance(value, int | float) and math.isfinite(value) and value > 0:
        return float(value)
    return DEFAULT_TIMEOUT


class _Pool:
    """A few long-lived daemon threads for one store (daemon: a hung store call never holds
    up interpreter exit). Threads start on demand and exit after `IDLE_SECONDS` idle."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._idle = 0  # threads waiting for a task
        self._queued = 0  # tasks not yet taken

    def submit(self, task: Callable[[], None]) -> None:
        with self._lock:
            self._queued += 1
            start = self._queued > self._idle and self._threads < POOL_THREADS
            if start:
                self._threads += 1
        self._tasks.put(task)
        if start:
            threading.Thread(target=self._work, name=self._name, daemon=True).start()

    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            try:
                task = self._tasks.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    self._idle -= 1
                    if self._queued == 0:
                        self._threads -= 1
                        return
                continue
            with self._lock:
                self._idle -= 1
                self._queued -= 1
            try:
                task()
            except BaseException:  # a task reports its own errors; never lose the thread
                log.exception("store task failed")


_pools: weakref.WeakKeyDictionary[Any, _Pool] = weakref.WeakKeyDictionary()
_shared_pool = _Pool("flowagent-store")
_pools_lock = threading.Lock()


def _pool_for(store: ConversationStore) -> _Pool:
    """The store's own pool, so that one hung store never delays another's saves."""
    with _pools_lock:
        try:
            pool = _pools.get(store)
            if pool is None:
                pool = _pools[store] = _Pool(f"flowagent-store {type(store).__name__}")
        except TypeError:  # a store that cannot be weakly referenced shares one pool
            return _shared_pool
        return pool


def _describe(err: BaseException) -> str:
    return str(err) if isinstance(err, StoreError) else f"{type(err).__name__}: {err}"


class ConversationWriter:
    """Saves one conversation in order, bounded by the store's timeout; see the module
    docstring. `revision` is the stored revision the conversation continues from (0 for a
    new one)."""

    def __init__(self, store: ConversationStore, conversation_id: str, revision: int = 0) -> None:
        self.store = store
        self.conversation_id = conversation_id
        self.revision = revision  # the last revision known to be stored
        self.token = uuid.uuid4().hex[:12]  # tells this writer's own records from others'
        self.timeout = store_timeout(store)
        self._pool = _pool_for(store)
        self._lock = threading.Lock()
        self._pending: tuple[dict[str, Any], list[concurrent.futures.Future[StoreResult]]] | None
        self._pending = None
        self._busy = False
        self._abandoned: set[concurrent.futures.Future[StoreResult]] = set()
        self._late: list[StoreResult] = []

    # --- submitting and waiting ------------------------------------------------------------
    def submit(self, snapshot: dict[str, Any]) -> concurrent.futures.Future[StoreResult]:
        """Queue `snapshot`; the future resolves when it (or a newer snapshot) is stored or
        fails. Never blocks."""
        future: concurrent.futures.Future[StoreResult] = concurrent.futures.Future()
        future.set_running_or_notify_cancel()
        with self._lock:
            waiting = self._pending[1] if self._pending is not None else []
            self._pending = (snapshot, [*waiting, future])
            start = not self._busy
            self._busy = True
        if start:
            self._pool.submit(self._drain)
        return future

    def save(
        self, snapshot: dict[str, Any], wait: bool = True, timeout: float | None = None
    ) -> StoreResult:
        """Store `snapshot`, waiting at most `timeout` (default: the store's; not at all with
        `wait=False`)."""
        future = self.submit(snapshot)
        if not wait:
            return self._give_up(future, "timeout", "not waited for")
        try:
            return future.result(timeout=self.timeout if timeout is None else timeout)
        except concurrent.futures.TimeoutError:
            return self._give_up(future)

    async def save_async(self, snapshot: dict[str, Any]) -> StoreResult:
        """`save` for event loops: the loop keeps running while the store works."""
        future = self.submit(snapshot)
        wrapped = asyncio.wrap_future(future)
        done, _ = await asyncio.wait({wrapped}, timeout=self.timeout)
        if done:
            return wrapped.result()
        wrapped.cancel()  # only the asyncio side: the save itself goes on
        return self._give_up(future)

    def _give_up(
        self,
        future: concurrent.futures.Future[StoreResult],
        reason: str = "timeout",
        detail: str | None = None,
    ) -> StoreResult:
        with self._lock:
            if future.done():
                return future.result()
            self._abandoned.add(future)
        return StoreResult(
            "save", reason, detail or f"the store did not answer within {self.timeout:g} s"
        )

    def take_late(self) -> list[StoreResult]:
        """Failures of saves that finished after their turn stopped waiting."""
        with self._lock:
            late, self._late = self._late, []
        return late

    # --- the work ----------------------------------------------------------------------------
    def _drain(self) -> None:
        while True:
            with self._lock:
                if self._pending is None:
                    self._busy = False
                    return
                snapshot, futures = self._pending
                self._pending = None
            result = self._write(snapshot)
            with self._lock:
                unseen = False
                for future in futures:
                    future.set_result(result)
                    if future in self._abandoned:
                        self._abandoned.discard(future)
                        unseen = True
                if unseen and not result.ok:
                    self._late.append(result)
                    log.warning(
                        "conversation not saved: %s",
                        result.detail,
                        extra={
                            "conversation_id": self.conversation_id,
                            "operation": "save",
                            "reason": result.reason,
                        },
                    )

    def _write(self, snapshot: dict[str, Any]) -> StoreResult:
        for _ in range(2):
            data = {**snapshot, "revision": self.revision + 1, "writer": self.token}
            try:
                self.store.save(self.conversation_id, data)
            except StoreConflict as err:
                if err.writer == self.token and err.found > self.revision:
                    # Our own earlier save landed after its turn gave up on it: go on from it.
                    self.revision = err.found
                    continue
                return StoreResult("save", "conflict", str(err))
            except BaseException as err:  # any store failure is reported, never raised
                return StoreResult("save", "error", _describe(err))
            self.revision += 1
            return StoreResult("save")
        return StoreResult("save", "conflict", "the stored revision keeps moving")


def load_bounded(
    store: ConversationStore, conversation_id: str
) -> tuple[dict[str, Any] | None, StoreResult]:
    """`store.load(conversation_id)`, waiting at most the store's timeout. Never raises: a
    failure or a timeout comes back as the result's `reason` with no data."""
    future = _load_future(store, conversation_id)
    try:
        return future.result(timeout=store_timeout(store))
    except concurrent.futures.TimeoutError:
        timeout = store_timeout(store)
        return None, StoreResult(
            "load", "timeout", f"the store did not answer within {timeout:g} s"
        )


async def load_bounded_async(
    store: ConversationStore, conversation_id: str
) -> tuple[dict[str, Any] | None, StoreResult]:
    """`load_bounded` for event loops."""
    wrapped = asyncio.wrap_future(_load_future(store, conversation_id))
    done, _ = await asyncio.wait({wrapped}, timeout=store_timeout(store))
    if done:
        return wrapped.result()
    wrapped.cancel()
    timeout = store_timeout(store)
    return None, StoreResult("load", "timeout", f"the store did not answer within {timeout:g} s")


def _load_future(
    store: ConversationStore, conversation_id: str
) -> concurrent.futures.Future[tuple[dict[str, Any] | None, StoreResult]]:
    future: concurrent.futures.Future[tuple[dict[str, Any] | None, StoreResult]]
    future = concurrent.futures.Future()
    future.set_running_or_notify_cancel()

    def load() -> None:
        try:
            data = store.load(conversation_id)
        except BaseException as err:  # reported, never raised
            future.set_result((None, StoreResult("load", "error", _describe(err))))
        else:
            future.set_result((data, StoreResult("load")))

    _pool_for(store).submit(load)
    return future
