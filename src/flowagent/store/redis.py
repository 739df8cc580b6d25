"""Redis store (`pip install 'flowagent[redis]'`): one key per conversation, `SET` replaces
it atomically; an optional TTL expires abandoned calls."""

from __future__ import annotations

import json
from typing import Any

from flowagent.store.base import StoreError


class RedisStore:
    def __init__(
        self, client: Any, prefix: str = "flowagent:conv:", ttl: int | None = None
    ) -> None:
        self._client = client
        self.prefix = prefix
        self.ttl = ttl

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisStore:
        try:
            import redis
        except ImportError:
            raise StoreError(
                "the Redis store needs the redis package: pip install 'flowagent[redis]'"
            ) from None
        return cls(redis.Redis.from_url(url), **kwargs)

    def save(self, conversation_id: str, snapshot: dict[str, Any]) -> None:
        text = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))
        self._client.set(self.prefix + conversation_id, text, ex=self.ttl)

    def load(self, conversation_id: str) -> dict[str, Any] | None:
        raw = self._client.get(self.prefix + conversation_id)
        if raw is None:
            return None
        data: dict[str, Any] = json.loads(raw)
        return data

    def delete(self, conversation_id: str) -> None:
        self._client.delete(self.prefix + conversation_id)

    def close(self) -> None:
        self._client.close()
