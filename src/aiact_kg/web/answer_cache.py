"""The answers /sparql gave in the server process, kept for the next identical request.

The graph does not change while it is served, but for linked commentary loaded into it
(``Store.replace_graph``), which moves the store's ``generation`` on, and for a store the
application is switched to. An answer is kept under the exact query string of its request
and the result and graph types negotiated from its ``Accept`` header (a client that asks for
CSV never receives the JSON another was given; two spellings of one ``Accept`` share an
answer), and only while the store and its generation are those it was computed on. The cache
holds at most ``max_bytes`` of answers and keys, the least recently used dropped first; an
answer larger than ``largest`` bytes is not kept.

Only what the fast path answers is kept (:class:`.sparql.FastPath`): a query that passed the
checks of :mod:`.query_policy` and whose cost estimate let the server answer it itself. A
kept answer skips the engine and the serializer, never a check: the checks depend on the
query text alone, which is in the key.
"""

from __future__ import annotations

import threading

from ..bounded import BytesLRU

#: Bytes counted for an entry besides its answer and its key (the tuple, the list of headers).
ENTRY_OVERHEAD = 1024


class AnswerCache:
    """A least-recently-used map from (query string, types) to (body, headers), bounded in
    bytes and emptied when the store's generation moves on."""

    def __init__(self, max_bytes: int, largest: int | None = None):
        self.max_bytes = max(0, int(max_bytes))
        self.largest = min(self.max_bytes, largest if largest is not None else max(self.max_bytes // 8, 1))
        self._entries = BytesLRU()  # key -> ((body, headers), size)
        self._generation: object = None  # compared by equality only (see get)
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """Bytes held, as counted against max_bytes."""
        return self._entries.size

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple, generation) -> tuple[bytes, list] | None:
        """The answer kept for ``key`` if the store is still at ``generation`` (any value
        compared by equality: the store and its generation); another generation empties
        the cache and becomes its own."""
        with self._lock:
            if generation != self._generation:
                self._start(generation)
                return None
            return self._entries.take(key)

    def put(self, key: tuple, generation, data: bytes, headers: list) -> None:
        """Keep an answer computed on the store at ``generation``, read before the query ran
        and given to :meth:`get` first: an answer is kept only if the cache is still at that
        generation, so one computed while the store changed is never kept."""
        size = len(data) + sum(len(part) for part in key) + ENTRY_OVERHEAD
        if size > self.largest:
            return
        with self._lock:
            if generation != self._generation:  # the store changed since this request's get
                return
            self._entries.keep(key, (data, headers), size, self.max_bytes)

    def _start(self, generation) -> None:
        self._entries.clear()
        self._generation = generation
