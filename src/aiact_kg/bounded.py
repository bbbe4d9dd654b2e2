"""A map bounded in bytes, the least recently used entry dropped first: what the server keeps
between requests (rendered pages, /sparql's answers, the decisions on query texts) is bounded
by the memory it takes, not by a count of entries, since one entry may be a hundred times
another.

The caller says what an entry costs and under which bound it is kept, and holds its own lock:
each cache decides under that lock what else goes with keeping (a store's generation, say).
"""

from __future__ import annotations

from collections import OrderedDict


class BytesLRU(OrderedDict):
    """key -> (value, its size in bytes), in the order of use; :attr:`size` is the sum of the
    sizes held."""

    def __init__(self):
        super().__init__()
        self.size = 0

    def take(self, key):
        """The value kept for ``key``, now the most recently used, or None."""
        entry = self.get(key)
        if entry is None:
            return None
        self.move_to_end(key)
        return entry[0]

    def keep(self, key, value, size: int, bound: int) -> bool:
        """Keep ``value`` under ``key`` as costing ``size`` bytes, then drop the least recently
        used entries until the whole holds at most ``bound``; an entry larger than ``bound`` is
        not kept (False)."""
        if size > bound:
            return False
        previous = self.pop(key, None)
        if previous is not None:  # computed twice at once: counted once
            self.size -= previous[1]
        self[key] = (value, size)
        self.size += size
        while self.size > bound:
            _, (_, dropped) = self.popitem(last=False)
            self.size -= dropped
        return True

    def clear(self) -> None:
        super().clear()
        self.size = 0
