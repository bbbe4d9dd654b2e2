"""The interface in the reader's language: English on ``/en/…``, French on ``/fr/…``.

One mechanism: templates write their words in English through ``_("…")`` and the message
catalogue ``web/messages.json`` gives each its French. Every page is served at its usual path
(English, or French when the text asked for is French: ``?lang=fr``) and under ``/en`` and
``/fr``; a page under ``/fr`` shows the Act's French text unless another language is asked for.

The prefix is taken off before Flask routes the request (:class:`LanguagePrefix`), so every
blueprint serves both languages without knowing of them.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from flask import has_request_context, request

from .. import messages

LANGUAGES = messages.LANGUAGES
ENVIRON_KEY = "aiact_kg.interface"
#: The interface's language once worked out for a request (a page asks it for every message).
_CHOSEN_KEY = "aiact_kg.interface.chosen"
#: The language of the path's prefix of the request being answered (None at the usual paths,
#: and outside a request), set by :class:`LanguagePrefix` for the time of the request: the
#: links of a page ask it hundreds of times, and a context variable answers without going
#: through Flask's request proxy (the environ keeps it too, under :data:`ENVIRON_KEY`).
_PREFIX: ContextVar = ContextVar("aiact_kg.interface.prefix", default=None)


class LanguagePrefix:
    """WSGI middleware: ``/fr/definitions`` is served as ``/definitions`` in French."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        for code in LANGUAGES:
            prefix = f"/{code}"
            if path == prefix or path.startswith(prefix + "/"):
                environ[ENVIRON_KEY] = code
                environ["PATH_INFO"] = path[len(prefix):] or "/"
                break
        token = _PREFIX.set(environ.get(ENVIRON_KEY))
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            _PREFIX.reset(token)


def catalogue() -> dict[str, dict[str, str]]:
    """Language code to {English message: translation}, from ``web/messages.json``
    (:func:`aiact_kg.messages.catalogue`: the command line's words are there too)."""
    return messages.catalogue()


def prefixed() -> str | None:
    """The language the path's prefix names, or None for a page at its usual path."""
    return _PREFIX.get()


def interface_lang() -> str:
    """The interface's language: the path's prefix, else French for French text, else English."""
    if not has_request_context():
        return "en"
    environ = request.environ
    chosen = environ.get(_CHOSEN_KEY)
    if chosen is None:
        chosen = environ[_CHOSEN_KEY] = prefixed() or ("fr" if request.args.get("lang") == "fr" else "en")
    return chosen


def gettext(message: str, **values) -> str:
    """``message`` in the interface's language, with ``{name}`` fields filled from ``values``."""
    return messages.say(interface_lang(), message, **values)


def translate(text: str, lang: str | None = None) -> str:
    """A message made in English with its values already in it (an error's description, such
    as "Unknown language 'de': choose en, fr or both.") in the interface's language (or in
    ``lang``): the catalogue's message with ``{name}`` fields that matches it whole, its values
    carried over (each translated in turn when it is a message too: "This cannot be linked:
    the text is empty."); the text itself when none matches."""
    lang = lang or interface_lang()
    if lang == "en" or not text:
        return text
    messages = catalogue().get(lang, {})
    if text in messages:
        return messages[text]
    for pattern, translation in _patterns(lang):
        found = pattern.fullmatch(text)
        if found:
            return translation.format(**{name: translate(value, lang) for name, value in found.groupdict().items()})
    return text


def answer_lang() -> str:
    """The language of a text answer to a program (the SPARQL endpoint's errors): the
    interface's when the path's prefix or ``?lang=`` names it, else the best of the client's
    ``Accept-Language``, else English (a client that sends no language)."""
    if prefixed() or request.args.get("lang") in LANGUAGES:
        return interface_lang()
    return request.accept_languages.best_match(LANGUAGES, default="en")


_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
}


def colon() -> str:
    """The colon between a label and what it introduces, as the interface's language sets it:
    French puts a no-break space before it ("Préambule : …")."""
    return "\u00a0: " if interface_lang() == "fr" else ": "


def quoted(text: str) -> str:
    """``text`` between the quotation marks of the interface's language: “…” in English,
    « … » with no-break spaces inside in French."""
    return f"«\u00a0{text}\u00a0»" if interface_lang() == "fr" else f"“{text}”"


def long_date(value) -> str:
    """A date as the Official Journal writes it in the interface's language: "2 August 2026",
    "2 août 2026", "1er août 2024" (French writes the first of a month as an ordinal). Takes a
    :class:`datetime.date` or an ISO date ("2026-08-02"); anything else is given back as it is."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if not isinstance(value, date):
        return "" if value is None else str(value)
    lang = interface_lang()
    day = "1er" if lang == "fr" and value.day == 1 else str(value.day)
    return f"{day} {_MONTHS.get(lang, _MONTHS['en'])[value.month - 1]} {value.year}"


@lru_cache(maxsize=4)
def _patterns(lang: str) -> list[tuple[re.Pattern, str]]:
    """The catalogue's messages with fields, as patterns whose groups are the fields."""
    out = []
    for message, translation in catalogue().get(lang, {}).items():
        if "{" not in message:
            continue
        parts = re.split(r"\{(\w+)\}", message)
        regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
        try:
            fixed = sum(len(part) for part in parts[::2])  # the message's own words, not its fields
            out.append((fixed, re.compile(regex, re.DOTALL), translation))
        except re.error:  # a field named twice: such a message is only filled, never matched
            continue
    # the message with the most fixed words first: "choose one of {kinds}" before "choose {choices}"
    out.sort(key=lambda item: -item[0])
    return [(pattern, translation) for _, pattern, translation in out]


def ui_path(path: str) -> str:
    """A path of this site as the reader's interface reaches it (``/fr/timeline`` in French)."""
    lang = prefixed()
    if not lang or not path.startswith("/") or path.split("/", 2)[1] in LANGUAGES:
        return path  # no prefix to add, or one there already
    return f"/{lang}{path}"


def lang_query(lang: str, separator: str = "?") -> str:
    """The ``lang`` parameter a link needs to show the text in ``lang``: none when the path's
    prefix (or, at the usual paths, English) already gives it."""
    return f"{separator}lang={lang}" if lang in LANGUAGES and lang != (prefixed() or "en") else ""


def switch_url(lang: str) -> str:
    """This page in the other interface: the same path and parameters, under ``/en`` or ``/fr``;
    the text follows the interface unless it is shown side by side."""
    args = request.args.to_dict()
    if args.get("lang") in LANGUAGES:
        args.pop("lang")
    query = urlencode(args)
    return f"/{lang}{request.path}" + (f"?{query}" if query else "")
