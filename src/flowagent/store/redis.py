"""Redis store (`pip install 'flowagent[redis]'`): one key per conversation, replaced by a
server-side compare-and-set; an optional TTL expires abandoned calls.

A conversation is a Redis hash at `prefix + id`: `snapshot` (the JSON text), `revision` and
`writer`. The compare-and-set (a Lua script) reads only the small `revision` and `writer`
fields, so a save costs the same whatever the snapshot's size, and never decodes JSON inside
Redis (which would stall every client of the server while it ran). A record is at most
`MAX_RECORD_BYTES`: larger snapshots are not sent, and a larger value found at a key — written
by something else — is neither read nor overwritten (a `StoreError` saying its size). A plain
string at the key is a record written before hashes: its revision is read from its JSON (it
is bounded, so that costs at most a few milliseconds once) and the next save makes it a hash.

The client is built with the store's `timeout` as its socket and connect timeouts and without
redis-py's automatic retries (which multiply a timeout: a frozen server held each turn 5 s,
or over a minute with redis-py 5's retrying defaults). A failed save is caught up by the next.
"""

from __future__ import annotations

from typing import Any

from flowagent.errors import StoreConflict, StoreError
from flowagent.store.base import (
    DEFAULT_TIMEOUT,
    MAX_RECORD_BYTES,
    decode_snapshot,
    encode_snapshot,
    revision_of,
)

# KEYS[1] the key; ARGV: snapshot, revision, ttl seconds ("" for none), writer, size limit.
# Returns {1} when written; {0, stored revision, stored writer} on a conflict; {-1, size} for
# a stored value too large to read; {-2, type} for a key that holds no conversation. A stored
# value with no readable revision (not JSON, or written without one) counts as revision 0,
# which no save follows: a conversation that could not read it must not overwrite it.
_COMPARE_AND_SET = """
local new = tonumber(ARGV[2])
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind ~= 'none' and kind ~= 'hash' and kind ~= 'string' then
  return {-2, kind}
end
if new > 0 and kind ~= 'none' then
  local revision, writer = 0, ''
  if kind == 'hash' then
    local meta = redis.call('HMGET', KEYS[1], 'revision', 'writer')
    revision = tonumber(meta[1]) or 0
    writer = meta[2] or ''
  else
    local size = redis.call('STRLEN', KEYS[1])
    if size > tonumber(ARGV[5]) then
      return {-1, size}
    end
    local ok, data = pcall(cjson.decode, redis.call('GET', KEYS[1]))
    if ok and type(data) == 'table' then
      if type(data['revision']) == 'number' then revision = data['revision'] end
      if type(data['writer']) == 'string' then writer = data['writer'] end
    end
  end
  if revision < 1 or revision ~= new - 1 then
    return {0, revision, writer}
  end
end
if kind == 'string' then
  redis.call('DEL', KEYS[1])
end
redis.call('HSET', KEYS[1], 'snapshot', ARGV[1], 'revision', ARGV[2], 'writer', ARGV[4])
if ARGV[3] ~= '' then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
else
  redis.call('PERSIST', KEYS[1])
end
return {1}
"""

# KEYS[1] the key; ARGV[1] the size limit. Returns nil when there is no record, {1, snapshot,
# revision, writer} (a hash) or {1, snapshot} (a string written before hashes), {-1, size}
# when the stored snapshot is too large to read, {-2, type} for a key of another type.
_LOAD = """
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind == 'none' then
  return nil
end
local size
if kind == 'hash' then
  size = redis.call('HSTRLEN', KEYS[1], 'snapshot')
elseif kind == 'string' then
  size = redis.call('STRLEN', KEYS[1])
else
  return {-2, kind}
end
if size > tonumber(ARGV[1]) then
  return {-1, size}
end
if kind == 'hash' then
  local fields = redis.call('HMGET', KEYS[1], 'snapshot', 'revision', 'writer')
  return {1, fields[1] or '', fields[2] or '0', fields[3] or ''}
end
return {1, redis.call('GET', KEYS[1])}
"""


class RedisStore:
    """Conversations under `prefix + id`. `client` is a `redis.Redis`; `from_url` builds one
    with bounded timeouts. Every failure is a StoreError naming the server."""

    def __init__(
        self,
        client: Any,
        prefix: str = "flowagent:conv:",
        ttl: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self._client = client
        self.prefix = prefix
        self.ttl = ttl
        self.timeout = timeout
        self._script = client.register_script(_COMPARE_AND_SET)
        self._load = client.register_script(_LOAD)
        kwargs = getattr(getattr(client, "connection_pool", None), "connection_kwargs", {})
        self._where = f"redis store {kwargs.get('host', '?')}:{kwargs.get('port', '?')}"

    @classmethod
    def from_url(cls, url: str, timeout: float = DEFAULT_TIMEOUT, **kwargs: Any) -> RedisStore:
        try:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry
        except ImportError:
            raise StoreError(
                "the Redis store needs the redis package: pip install 'flowagent[redis]'"
            ) from None
        client = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
        )
        return cls(client, timeout=timeout, **kwargs)

    def _error(self, doing: str, err: Exception) -> StoreError:
        return StoreError(f"{self._where} is unavailable: {doing}: {err}")

    def _refused(self, conversation_id: str, doing: str, result: Any) -> StoreError:
        """The error for a script's answer about a key holding no usable record."""
        found = _text(result[1]) if len(result) > 1 else "?"
        if int(result[0]) == -1:
            why = f"its stored value is {int(found):,} bytes, more than {MAX_RECORD_BYTES:,}"
        else:
            why = f"the key holds a Redis {found}, not a conversation"
        return StoreError(f"{self._where}: cannot {doing} {conversation_id!r}: {why}")

    def save(self, conversation_id: str, snapshot: dict[str, Any]) -> None:
        import redis

        text = encode_snapshot(snapshot)
        revision = revision_of(snapshot)
        ttl = "" if self.ttl is None else str(int(self.ttl))
        writer = str(snapshot.get("writer", ""))
        try:
            result = self._script(
                keys=[self.prefix + conversation_id],
                args=[text, revision, ttl, writer, MAX_RECORD_BYTES],
            )
        except redis.RedisError as err:
            raise self._error(f"cannot save {conversation_id!r}", err) from None
        if result and int(result[0]) < 0:
            raise self._refused(conversation_id, "save", result)
        if not result or int(result[0]) != 1:
            raise StoreConflict(
                conversation_id,
                revision - 1,
                int(result[1]) if len(result) > 1 else 0,
                _text(result[2]) if len(result) > 2 else "",
            )

    def load(self, conversation_id: str) -> dict[str, Any] | None:
        import redis

        try:
            result = self._load(keys=[self.prefix + conversation_id], args=[MAX_RECORD_BYTES])
        except redis.RedisError as err:
            raise self._error(f"cannot load {conversation_id!r}", err) from None
        if result is None:
            return None
        if int(result[0]) < 0:
            raise self._refused(conversation_id, "load", result)
        data = decode_snapshot(result[1], conversation_id, self._where)
        if len(result) > 2:  # the hash's revision is the authority, as a SQLite row's
            revision = int(_text(result[2]) or 0)
            if revision:
                data["revision"], data["writer"] = revision, _text(result[3])
        return data

    def delete(self, conversation_id: str) -> None:
        import redis

        try:
            self._client.delete(self.prefix + conversation_id)
        except redis.RedisError as err:
            raise self._error(f"cannot delete {conversation_id!r}", err) from None

    def close(self) -> None:
        self._client.close()


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
