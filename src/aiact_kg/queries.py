"""Named SPARQL queries: one file ``queries/NAME.rq`` each, loaded by name, run with bindings.

Each file starts with a comment: its title in English and French (``# title:``,
``# title-fr:``), what it answers in English and then in French (lines ``# fr: …``), its
bindings (``# bindings: ?a ?b``) and the provisions it concerns (``# provisions:``). Values
reach a query only as bindings (terms), never by string formatting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import paths
from .messages import LANGUAGES  # a query's title and description are in each

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?$")


class QueryNotFound(LookupError):
    pass


#: Header lines that are neither title nor description.
_META = ("bindings:", "provisions:", "concerns:")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    description: str
    #: Title and description by language ("en", "fr"); "" where the header gives none.
    titles: tuple[tuple[str, str], ...] = ()
    descriptions: tuple[tuple[str, str], ...] = ()

    def title(self, lang: str = "en") -> str:
        """The query's title in ``lang`` (English where that language has none)."""
        found = dict(self.titles)
        return found.get(lang) or found.get("en", "")

    def describe(self, lang: str = "en") -> str:
        """What the query answers, in ``lang`` (English where that language has none)."""
        found = dict(self.descriptions)
        return found.get(lang) or self.description

    @property
    def bindings(self) -> list[str]:
        """Variables the header declares as bindings (a ``# bindings: ?a ?b`` line)."""
        for line in self.text.splitlines():
            if line.lower().startswith("# bindings:"):
                return [v.lstrip("?$") for v in line.split(":", 1)[1].split() if v.startswith(("?", "$"))]
        return []


def _header(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """(title by language, description by language) from the comment the file starts with."""
    titles: dict[str, str] = {}
    lines: dict[str, list[str]] = {"en": [], "fr": []}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        key, _, value = body.partition(":")
        key = key.strip().lower()
        if key == "title":
            titles["en"] = value.strip()
        elif key.startswith("title-") and key[6:] in LANGUAGES:
            titles[key[6:]] = value.strip()
        elif key == "fr":
            lines["fr"].append(value.strip())
        elif not body.lower().startswith(_META):
            lines["en"].append(body)
    return titles, {lang: " ".join(found).strip() for lang, found in lines.items() if found}


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
    titles, descriptions = _header(text)
    return NamedQuery(name, text, descriptions.get("en", ""), tuple(titles.items()), tuple(descriptions.items()))


def names(folder: str = "") -> list[str]:
    """The named queries of ``queries/`` (or of a subfolder such as ``checks``)."""
    root = paths.QUERIES / folder if folder else paths.QUERIES
    prefix = f"{folder}/" if folder else ""
    return sorted(prefix + p.stem for p in root.glob("*.rq"))


def all_queries() -> list[NamedQuery]:
    return [load(name) for name in names()]
