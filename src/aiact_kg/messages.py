"""The product's words in the reader's language, for the command line and the web alike.

Messages are written in English, with ``{name}`` fields; ``web/messages.json`` gives each its
French (one catalogue for the templates, the pages' code and the validator). A message the
catalogue lacks is given in English.
"""

from __future__ import annotations

import json
from functools import lru_cache

from . import paths

#: The languages the product speaks; English is the one every message is written in.
LANGUAGES = ("en", "fr")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Language code to {English message: translation}, from ``web/messages.json``."""
    with open(paths.WEB / "messages.json", encoding="utf-8") as f:
        data = json.load(f)
    return {code: messages for code, messages in data.items() if not code.startswith("_")}


def say(lang: str, message: str, **values) -> str:
    """``message`` in ``lang`` (English where the catalogue has no translation), its
    ``{name}`` fields filled from ``values``."""
    text = catalogue().get(lang, {}).get(message, message) if lang != "en" else message
    return text.format(**values) if values else text
