"""Redis store (`pip install 'flowagent[redis]'`): one key per conversation, replaced by a
server-side compare-and-set (a Lua script: read the stored revision, `SET` only if the new
snapshot follows it); an optional TTL expires abandoned calls.

The client is built with the store's `timeout` as its socket and connect timeouts and without
redis-py's automatic retries (which multiply a timeout: a frozen server held each turn 5 s,
or over a minute with redis-py 5's retrying defaults). A failed save is caught up by the next.
"""

from __future__ import annotations

from typing import Any

from flowagent.errors import StoreConflict, StoreError
from flowagent.store.base import DEFAULT_TIMEOUT, decode_snapshot, encode_snapshot, revision_of

# KEYS[1] the key; ARGV: snapshot, revision, ttl seconds ("" for none).
# Returns {1} when written, {0, stored revision, stored writer} on a conflict. A stored value
# with no readable revision (not JSON, or written without one) counts as revision 0, which no
# save follows: a conversation that could not read it must not overwrite it.
_COMPARE_AND_SET = """
local new = tonumber(ARGV[2])
if new > 0 then
  local stored = redis.call('GET', KEYS[1])
  if stored then
    local ok, data = pcall(cjson.decode, stored)
    local revision, writer = 0, ''
    if ok and type(data) == 'table' then
      if type(data['revision']) == 'number' then revision = data['revision'] end
      if type(data['writer']) == 'string' then writer = data['writer'] end
    end
    if revision < 1 or revision ~= new - 1 then
      return {0, revision, writer}
    end
  end
end
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
return {1}
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

    def save(self, conversation_id: str, snapshot: dict[str, Any]) -> None:
        import redis

        text = encode_snapshot(snapshot)
        revision = revision_of(snapshot)
        ttl = "" if self.ttl is None else str(int(self.ttl))
        try:
            result = self._script(keys=[self.prefix + conversation_id], args=[text, revision, ttl])
        except redis.RedisError as err:
            raise self._error(f"cannot save {conversation_id!r}", err) from None
        if not result or int(result[0]) != 1:
            writer = result[2] if len(result) > 2 else b""
            raise StoreConflict(
                conversation_id,
                revision - 1,
                int(result[1]) if len(result) > 1 else 0,
                writer.decode() if isinstance(writer, bytes) else str(writer),
            )

    def load(self, conversation_id: str) -> dict[str, Any] | None:
        import redis

        try:
            raw = self._client.get(self.prefix + conversation_id)
        except redis.RedisError as err:
            raise self._error(f"cannot load {conversation_id!r}", err) from None
        if raw is None:
            return None
        return decode_snapshot(raw, conversation_id, self._where)

    def delete(self, conversation_id: str) -> None:
        import redis

        try:
            self._client.delete(self.prefix + conversation_id)
        except redis.RedisError as err:
            raise self._error(f"cannot delete {conversation_id!r}", err) from None

    def close(self) -> None:
        self._client.close()
