"""Named SPARQL queries: one file ``queries/NAME.rq`` each, loaded by name, run with bindings.

Each file starts with a comment saying what it answers, its bindings and the provisions it
concerns. Values reach a query only as bindings (terms), never by string formatting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import paths

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?$")


class QueryNotFound(LookupError):
    pass


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    description: str

    @property
    def bindings(self) -> list[str]:
        """Variables the header declares as bindings (a ``# bindings: ?a ?b`` line)."""
        for line in self.text.splitlines():
            if line.lower().startswith("# bindings:"):
                return [v.lstrip("?$") for v in line.split(":", 1)[1].split() if v.startswith(("?", "$"))]
        return []


def _describe(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if body.lower().startswith(("bindings:", "provisions:")):
            continue
        lines.append(body)
    return " ".join(lines).strip()


def path_of(name: str) -> Path:
    if not _NAME.match(name):
        raise QueryNotFound(f"{name!r} is not a query name (letters, digits and dashes; 'checks/NAME' for checks)")
    return paths.QUERIES / f"{name}.rq"


@lru_cache(maxsize=None)
def load(name: str) -> NamedQuery:
    path = path_of(name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryNotFound(f"no named query {name!r} (looked for {path})") from None
    return NamedQuery(name, text, _describe(text))


def names(folder: str = "") -> list[str]:
    """The named queries of ``queries/`` (or of a subfolder such as ``checks``)."""
    root = paths.QUERIES / folder if folder else paths.QUERIES
    prefix = f"{folder}/" if folder else ""
    return sorted(prefix + p.stem for p in root.glob("*.rq"))


def all_queries() -> list[NamedQuery]:
    return [load(name) for name in names()]
