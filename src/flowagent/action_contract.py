"""The action calling contract, and where it is checked.

An action is a plain or `async` function named `module:function` in a flow:

    def book(slots: dict[str, Any]) -> dict[str, Any] | None: ...
    async def book(slots: dict[str, Any]) -> dict[str, Any] | None: ...

- **Arguments**: one positional argument, a copy of the filled slots (`{"date": "2026-11-27",
  "name": "Maria"}`: normalised JSON values, docs/slots/). A function that cannot be called
  that way (no parameter, a keyword-only one, two required ones) is a **load error**: checked
  on the function itself when the flow imports its actions, and read from the module's source
  (Python's `ast`, nothing runs) when it does not (`flowagent check`, `test`, `simulate`).
- **Return**: a mapping with text keys — its values readable as `{{ result.key }}` and by
  `when: {result: …}` — or None (no result). Values are stored as JSON data: a date, a
  Decimal or a UUID becomes its text. Anything else — a string, a number, a list, a value
  with no text of its own (its text would be a Python repr: `<object at 0x…>`, a generator,
  a set, bytes), a text over `MAX_RESULT_TEXT` characters or more than `MAX_RESULT_VALUES`
  values — fails the action (`ActionError`: the caller hears `messages.action_error`, the
  flow takes `on_error`), with a log line.
- **Results the flow reads**: the `{{ result.key }}` placeholders read on the path that always
  follows the action (up to the next action or a branch: `results_read`) must be there once
  it returns (its result merged over earlier actions'). A missing key fails the action the
  same way — the log names the key and the state that reads it — so no reply is spoken with
  a hole in it.
- **Time**: `timeout` (default `limits.action_timeout`). An async action is cancelled at its
  timeout. A plain function runs in its own thread and *cannot be stopped*: the caller hears
  the failure at the timeout, but the function runs on to the end, side effects included.
  Write work that must not happen late (a booking) as `async def`.
"""

from __future__ import annotations

import ast
import difflib
import importlib.machinery
import importlib.util
import inspect
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowagent.errors import ActionError

if TYPE_CHECKING:
    from flowagent.machine import Edge
    from flowagent.schema import FlowSpec

#: The events by which a state moves on when it has done its work (collect, confirm, say,
#: action): the path after an action that every successful call takes.
_PROGRESS = ("complete", "yes", "next", "success")


@dataclass(frozen=True, slots=True)
class ActionCheck:
    """What loading learned about one action's function.

    `verified`: it exists and can take the slots (False: it could not be checked — `note` says
    why). `is_async`: an `async def` (True), a plain function (False), or unknown (None)."""

    verified: bool
    is_async: bool | None = None
    note: str | None = None
    #: The keys every result has when each `return` is a dict literal with text keys (read
    #: from the source); None when the source does not say.
    returns: frozenset[str] | None = None
    #: Blocking calls written inside an `async def` ("time.sleep", "requests.get"): each
    #: holds the event loop, and every call on it, while it runs.
    blocking: tuple[str, ...] = ()


# --- arguments ---------------------------------------------------------------------------


def check_function(ref: str, fn: Callable[..., Any]) -> ActionCheck:
    """The contract checked on an imported function. Raises LookupError when it cannot take
    the slots as its one positional argument."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # some builtins and C functions have none to read
        return ActionCheck(True, inspect.iscoroutinefunction(fn))
    try:
        signature.bind({})
    except TypeError:
        name = getattr(fn, "__name__", ref.partition(":")[2])
        raise LookupError(_cannot_take(ref, f"{name}{signature}")) from None
    node = _source_node(fn)
    return ActionCheck(
        True,
        inspect.iscoroutinefunction(fn),
        returns=returned_keys(node) if node is not None else None,
        blocking=blocking_calls(node) if node is not None else (),
    )


def _source_node(fn: Callable[..., Any]) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, *_PARSE_FAILURES):
        return None
    node = tree.body[0] if tree.body else None
    return node if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else None


#: Calls that block the thread they run in: module → functions (None: any of its functions).
#: Inside an `async def` they hold the event loop (asyncio's "Developing with asyncio").
_BLOCKING: dict[str, frozenset[str] | None] = {
    "time": frozenset({"sleep"}),
    "requests": None,
    "urllib.request": frozenset({"urlopen"}),
    "subprocess": frozenset({"run", "call", "check_call", "check_output"}),
    "socket": frozenset({"create_connection", "getaddrinfo"}),
    "sqlite3": frozenset({"connect"}),
    "psycopg2": frozenset({"connect"}),
    "smtplib": frozenset({"SMTP", "SMTP_SSL"}),
}


def blocking_calls(func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    """The known blocking calls ("time.sleep", "requests.post") written in an `async def`'s
    own body, in order of appearance; () for a plain function, which runs in a thread."""
    if not isinstance(func, ast.AsyncFunctionDef):
        return ()
    found: list[str] = []
    for node in _own_nodes(func):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            module, _, attr = (name or "").rpartition(".")
            known = module in _BLOCKING
            if known and (_BLOCKING[module] is None or attr in (_BLOCKING[module] or ())):
                found.extend([] if name in found else [str(name)])
    return tuple(found)


def _dotted(node: ast.expr) -> str | None:
    """ "time.sleep" for the expression `time.sleep`; None for anything but dotted names."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def returned_keys(func: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str] | None:
    """The keys of the dict a function returns, when every `return` in its own body is a dict
    literal with text keys (or returns nothing) and it is no generator; else None."""
    keys: set[str] = set()
    found = False
    for node in _own_nodes(func):
        if isinstance(node, ast.Yield | ast.YieldFrom):
            return None
        if isinstance(node, ast.Return):
            value = node.value
            if value is None or (isinstance(value, ast.Constant) and value.value is None):
                continue
            if not isinstance(value, ast.Dict) or not all(
                isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys
            ):
                return None  # a variable, a call, a ** spread: the source does not say
            keys.update(str(k.value) for k in value.keys if isinstance(k, ast.Constant))
            found = True
    return frozenset(keys) if found else None


def _own_nodes(func: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of a function's own body, in source order, without those of the functions,
    lambdas and classes it defines (their returns and calls are not its own)."""
    stack: list[ast.AST] = list(reversed(func.body))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        yield node
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _cannot_take(ref: str, shown: str) -> str:
    return (
        f"action {ref!r}: {shown} cannot be called with the slots; an action takes one"
        " positional argument, the slots dict: def f(slots)"
    )


#: Largest module source read without importing it, in bytes (as a flow file: 256 KB).
#: Python's parser needs memory in proportion to a source's nesting (100,000 subscripts in a
#: 300 KB file take ~90 MB before it gives up), so a larger module is not read: its action is
#: reported as not checked, and `--import-actions` checks it by importing.
MAX_SOURCE_BYTES = 256 * 1024

#: What Python's parser raises on a source it cannot read, besides SyntaxError: ValueError
#: (a NUL byte), MemoryError (its own stack limit: 100,000 unary minus signs) and
#: RecursionError (a chain of 100,000 subscripts) — all from the parser, none from the code.
_PARSE_FAILURES = (SyntaxError, ValueError, MemoryError, RecursionError)


def check_source(ref: str, path: Path) -> ActionCheck:
    """The contract read from the module's source at `path` without running it. Raises
    LookupError when the module cannot be read or parsed (a syntax error, a NUL byte, nesting
    deeper than Python's parser allows), has no such name, or defines a function that cannot
    take the slots. A source over `MAX_SOURCE_BYTES` is not read: the action comes back not
    verified, with a note."""
    func = ref.partition(":")[2]
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_SOURCE_BYTES + 1)
        source = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise LookupError(f"cannot read {path}: {err}") from None
    if len(raw) > MAX_SOURCE_BYTES:
        return ActionCheck(
            False,
            None,
            f"{ref}: could not check that {func!r} exists: {path} is larger than"
            f" {MAX_SOURCE_BYTES // 1024} KB, more than is read without importing it",
        )
    try:
        tree = ast.parse(source, str(path))
    except SyntaxError as err:
        raise LookupError(f"{path}:{err.lineno}: the module does not parse: {err.msg}") from None
    except _PARSE_FAILURES as err:
        why = "its nesting is deeper than Python's parser allows"
        if isinstance(err, ValueError):
            why = "it holds a NUL character" if "null" in str(err) else str(err)
        raise LookupError(f"{path}: the module does not parse: {why}") from None
    binding: ast.AST | None = None
    dynamic = None
    for node in _module_level(tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "__getattr__":
            dynamic = "it defines a module __getattr__"
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            dynamic = f"it imports * from {node.module}"
        if func in _names_bound(node):
            binding = node
    module = ref.partition(":")[0]
    if binding is None:
        if dynamic:
            return ActionCheck(
                False, None, f"{ref}: could not check that {func!r} exists: {dynamic}"
            )
        raise LookupError(f"module {module!r} ({path}) has no function {func!r}")
    if isinstance(binding, ast.FunctionDef | ast.AsyncFunctionDef):
        is_async = isinstance(binding, ast.AsyncFunctionDef)
        if binding.decorator_list:  # a decorator may change what it takes and returns
            return ActionCheck(True, is_async)
        if not _takes_one(binding.args):
            raise LookupError(_cannot_take(ref, f"{func}({ast.unparse(binding.args)})"))
        return ActionCheck(
            True, is_async, returns=returned_keys(binding), blocking=blocking_calls(binding)
        )
    return ActionCheck(True, None)  # bound by an import or an assignment: exists, shape unknown


def _module_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements that run at module level, in order: inside `if`, `try` and `with` too."""
    out: list[ast.stmt] = []
    for node in body:
        out.append(node)
        if isinstance(node, ast.If | ast.With):
            out += _module_level(node.body)
            if isinstance(node, ast.If):
                out += _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                out += _module_level(block)
            for handler in node.handlers:
                out += _module_level(handler.body)
    return out


def _names_bound(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).partition(".")[0] for a in node.names}
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _takes_one(args: ast.arguments) -> bool:
    positional = [*args.posonlyargs, *args.args]
    required = len(positional) - len(args.defaults)
    kw_required = any(d is None for d in args.kw_defaults)
    return (bool(positional) or args.vararg is not None) and required <= 1 and not kw_required


def module_source(module_name: str) -> Path | None:
    """The source file of an installed module, found without importing it or its packages
    (their `__init__` never runs); None when there is none to read."""
    parts = module_name.split(".")
    try:
        spec = importlib.util.find_spec(parts[0])
        for i in range(1, len(parts)):
            if spec is None or not spec.submodule_search_locations:
                return None
            spec = importlib.machinery.PathFinder.find_spec(
                ".".join(parts[: i + 1]), list(spec.submodule_search_locations)
            )
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


# --- results -----------------------------------------------------------------------------


def results_read(spec: FlowSpec, edges: list[Edge]) -> dict[str, dict[str, str]]:
    """Per action state, the `result.key` names the flow reads on the path every successful
    call takes — through states that move on one way only, up to the next action — each with
    the first state that reads it. Keys read only past a branch (`transitions` with `when`)
    are not required: the branch may be the one that does not read them."""
    progress: dict[str, list[Edge]] = {}
    for e in edges:
        if e.event in _PROGRESS:
            progress.setdefault(e.source, []).append(e)
    reads = {name: _reads(spec, name) for name in spec.states}
    out: dict[str, dict[str, str]] = {}
    for name, st in spec.states.items():
        if not st.action:
            continue
        needed: dict[str, str] = {}
        current, seen = name, {name}
        while True:
            ways = progress.get(current, [])
            if len(ways) != 1 or ways[0].guard is not None:
                break
            current = ways[0].dest
            if current in seen or spec.states[current].action:
                break
            seen.add(current)
            for key in reads[current]:
                needed.setdefault(key, current)
        out[name] = needed
    return out


def _reads(spec: FlowSpec, state: str) -> list[str]:
    """The `result.key` names state `state` speaks: its own texts and, for a collect state,
    its slots' questions."""
    from flowagent.render import compile_template

    st = spec.states[state]
    texts = [st.say, st.prompt, st.help, *st.reprompts]
    for slot in st.slots:
        s = spec.slots.get(slot)
        if s is not None:
            texts += [s.prompt, s.help, s.ack, *s.reprompts]
    names: list[str] = []
    for text in texts:
        if text:
            names += [n[7:] for n in compile_template(text).names if n.startswith("result.")]
    return list(dict.fromkeys(names))


def missing_result(
    ref: str, needed: Mapping[str, str], earlier: Mapping[str, Any], returned: Mapping[str, Any]
) -> ActionError | None:
    """The failure of an action whose result (merged over `earlier` results) lacks a key the
    flow reads next (`needed`: key → the state that reads it), or None."""
    for key, reader in needed.items():
        if key not in returned and key not in earlier:
            names = [k for k in returned if _is_name(k)]
            others = len(returned) - len(names)
            shown = [repr(k) for k in names]
            if others:
                shown.append(f"{others} other key{'s' * (others > 1)}")  # not quoted: data?
            got = ", ".join(shown) or "nothing"
            close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
            return ActionError(
                ref,
                f"it returned no {key!r} (returned {got}), which {reader} reads as"
                f" {{{{ result.{key} }}}}" + (f" (did you mean {close[0]!r}?)" if close else ""),
            )
    return None


def _is_name(key: object) -> bool:
    """A result key that is a name an author writes (`reference`, `booking_id`): shown in a
    failure's reason. Any other key (`"+14155550123"`, `"Maria Lopez"`) may be the booking's
    data, and is never quoted in a log line."""
    return isinstance(key, str) and key.isascii() and key.isidentifier() and len(key) <= 40


def _key_text(key: object) -> str:
    return repr(key) if _is_name(key) else f"<a {type(key).__name__} key>"


def unspeakable(value: Any, depth: int = 0) -> str | None:
    """A value in an action's result that has no text of its own — its text would be a Python
    repr: `<object object at 0x…>`, `<generator object … at 0x…>`, `{1, 2, 3}`, `b'…'`,
    `Booking(ref='K')` — as a path and type; None when every value reads naturally.

    JSON values read naturally (text, numbers, booleans, None, lists, mappings), and so does
    a value whose class writes its own `__str__` (a date, a Decimal, a UUID, an Enum)."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            found = unspeakable(v, depth + 1) if depth < 16 else None
            if found:
                return f"[{_key_text(k)}]{found}" if depth else f"{_key_text(k)}{found}"
        return None
    if isinstance(value, list | tuple):
        for i, v in enumerate(value):
            found = unspeakable(v, depth + 1) if depth < 16 else None
            if found:
                return f"[{i}]{found}"
        return None
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return None
    kind = type(value)
    own = {name for cls in kind.__mro__[:-1] for name in vars(cls)}
    if "__str__" not in own or isinstance(value, bytes | bytearray | memoryview):
        return f" (of type {kind.__name__})"
    return None


#: Longest text in an action's result, in characters (a reference, a time, a sentence to read
#: back); a longer one fails the action rather than be spoken for minutes or stored per turn.
MAX_RESULT_TEXT = 10_000
#: Most values (mapping keys and values, list items) in an action's result.
MAX_RESULT_VALUES = 10_000


def oversized(result: Mapping[Any, Any]) -> str | None:
    """Why an action's result is too large to keep — a text longer than `MAX_RESULT_TEXT`
    characters (by path) or more than `MAX_RESULT_VALUES` values in all — or None. Walks the
    result without recursion and stops at the first excess."""
    stack: list[tuple[Any, str]] = [(result, "")]
    count = 0
    while stack:
        value, path = stack.pop()
        count += 1
        if count > MAX_RESULT_VALUES:
            return f"holds more than {MAX_RESULT_VALUES:,} values"
        if isinstance(value, str) and len(value) > MAX_RESULT_TEXT:
            return f"{path or 'text'} is {len(value):,} characters, more than {MAX_RESULT_TEXT:,}"
        if isinstance(value, Mapping):
            for k, v in value.items():
                if isinstance(k, str) and len(k) > MAX_RESULT_TEXT:
                    return f"has a key of {len(k):,} characters, more than {MAX_RESULT_TEXT:,}"
                key = _key_text(k)
                stack.append((v, f"{path}[{key}]" if path else key))
        elif isinstance(value, list | tuple):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(value))
    return None


def never_returned(
    reads: Mapping[str, Mapping[str, str]],
    checks: Mapping[str, ActionCheck],
    refs: Mapping[str, str],
) -> list[tuple[str, str, str, frozenset[str]]]:
    """(action state, key, reader, the keys its function returns) for each `{{ result.key }}`
    read after an action that no action of the flow can return — known when every action's
    source shows what it returns. Every successful call would then fail at that key."""
    known = [c.returns for c in checks.values()]
    if not known or any(r is None for r in known) or len(checks) != len(refs):
        return []
    every = set().union(*(r for r in known if r is not None))
    return [
        (state, key, reader, checks[state].returns or frozenset())
        for state, needed in reads.items()
        for key, reader in needed.items()
        if key not in every
    ]
