"""Bounded cost for every input: size, triples, time and memory, and what a parser may expand.

Each entry point that reads what a user gives (``aiact-kg validate``, the Validate page,
``aiact-kg link`` and the Link page, ``aiact-kg load``) has a :class:`Limits`; its defaults
are below and in SECURITY.md, each can be raised (a command-line flag, a setting of the
front end) and each error names the limit and how to raise it.

- :func:`check_rdf_xml` reads the DOCTYPE of an RDF/XML document *before* any parser does:
  external entities (``SYSTEM``, ``PUBLIC``), parameter entities and entities that refer to
  other entities (the "billion laughs") are refused, and the expansion of the simple ones
  that remain (``<!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">``, common in files written
  by ontology editors) is measured against the size limit. No DTD is ever fetched.
- :func:`check_json_ld` refuses a JSON-LD ``@context`` that names a document (``http:``,
  ``file:``…): contexts are never fetched; the local contexts of :data:`LOCAL_CONTEXTS` are
  put in place of their IRI.
- :func:`watch` bounds the time and the memory of a piece of work running in the current
  thread: past either, it raises :class:`LimitExceeded` in that thread.
"""

from __future__ import annotations

import ctypes
import json
import re
import threading
import time
from dataclasses import dataclass, replace

MiB = 1024 * 1024


class LimitExceeded(ValueError):
    """An input or a piece of work went past a limit; the message names it and how to raise it."""


@dataclass(frozen=True)
class Limits:
    """What one entry point accepts. ``None`` means no limit of that kind."""

    max_bytes: int | None
    max_triples: int | None
    seconds: float | None
    memory: int | None  # bytes the process may grow by while the work runs
    #: how to raise each limit, in the entry point's own words ("--max-triples", "VALIDATE_MAX_TRIPLES")
    raise_with: dict | None = None

    def how(self, name: str) -> str:
        return (self.raise_with or {}).get(name, name)

    def but(self, **changes) -> "Limits":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


#: ``aiact-kg validate``: generous, finite (validation costs about 1 ms and 40 KiB a triple).
CLI_VALIDATE = Limits(5 * MiB, 50_000, 300.0, 4096 * MiB,
                      {"max_bytes": "--max-bytes", "max_triples": "--max-triples",
                       "seconds": "--time-limit", "memory": "--memory-limit"})
#: The Validate page: a description at a time, answered within a request's patience.
WEB_VALIDATE = Limits(1 * MiB, 10_000, 20.0, 1024 * MiB,
                      {"max_bytes": "the VALIDATE_MAX_BYTES setting", "max_triples": "the VALIDATE_MAX_TRIPLES setting",
                       "seconds": "the VALIDATE_TIME_LIMIT setting", "memory": "the VALIDATE_MEMORY_LIMIT setting"})
#: ``aiact-kg link``.
CLI_LINK = Limits(10 * MiB, None, 300.0, 4096 * MiB,
                  {"max_bytes": "--max-bytes", "seconds": "--time-limit", "memory": "--memory-limit"})
#: The Link page.
WEB_LINK = Limits(10 * MiB, None, 30.0, 1024 * MiB,
                  {"max_bytes": "the LINK_UPLOAD_LIMIT setting", "seconds": "the LINK_TIME_LIMIT setting",
                   "memory": "the LINK_MEMORY_LIMIT setting"})
#: ``aiact-kg load``: the built graph, and what the reasoner added to it.
CLI_LOAD = Limits(2048 * MiB, 20_000_000, 3600.0, 8192 * MiB,
                  {"max_bytes": "--max-bytes", "max_triples": "--max-triples", "seconds": "--time-limit",
                   "memory": "--memory-limit"})

#: Unpacked size of a part of a Word document, and how much larger than packed it may be.
DOCX_PART_BYTES = 50 * MiB
DOCX_RATIO = 200
#: Entity declarations an RDF/XML document may make.
MAX_ENTITIES = 64


def size_error(size: int, limits: Limits, what: str = "the file") -> LimitExceeded:
    return LimitExceeded(f"{what} is {_bytes(size)}; inputs over {_bytes(limits.max_bytes)} are refused "
                         f"(raise the limit with {limits.how('max_bytes')})")


def check_size(size: int, limits: Limits, what: str = "the file") -> None:
    if limits.max_bytes is not None and size > limits.max_bytes:
        raise size_error(size, limits, what)


def triples_error(limits: Limits) -> LimitExceeded:
    return LimitExceeded(f"the description has more than {limits.max_triples:,} triples; larger ones are refused "
                         f"(raise the limit with {limits.how('max_triples')})")


def _bytes(n: int | None) -> str:
    if n is None:
        return "unlimited"
    if n >= MiB:
        return f"{n / MiB:.1f} MB".replace(".0 MB", " MB")
    return f"{n:,} bytes"


# -- RDF/XML ------------------------------------------------------------------------------------

_DOCTYPE = re.compile(rb"<!DOCTYPE\b")
_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[(?P<subset>.*?)\]\s*>", re.DOTALL)
_DECLARATION = re.compile(rb"<!(?P<kind>ENTITY|ELEMENT|ATTLIST|NOTATION)\b(?P<body>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
                          re.DOTALL)
_ENTITY = re.compile(rb"\s+(?P<percent>%\s+)?(?P<name>[^\s%\"']+)\s+(?P<rest>.*)", re.DOTALL)
_VALUE = re.compile(rb"\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)')\s*$", re.DOTALL)


def check_rdf_xml(data: bytes, limits: Limits) -> None:
    """Refuse, before parsing, the DTD content that would make a parser fetch or expand
    without bound; measure the expansion of what remains against ``limits.max_bytes``."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00<\x00" in data[:64] or b"<\x00!\x00" in data[:2048]:
        raise LimitExceeded("RDF/XML in UTF-16 is not read: save the file as UTF-8")
    doctypes = _DOCTYPE.findall(data)
    if not doctypes:
        if b"<!ENTITY" in data:
            raise LimitExceeded("the RDF/XML document declares an entity outside a DOCTYPE")
        return
    if len(doctypes) > 1:
        raise LimitExceeded("the RDF/XML document has more than one DOCTYPE")
    subset = _SUBSET.search(data)
    head = data[data.index(b"<!DOCTYPE"):]
    head = head[:head.index(b">") + 1] if subset is None and b">" in head else head
    if subset is None:
        if re.search(rb"\b(SYSTEM|PUBLIC)\b", head[:2048]):
            raise LimitExceeded("the RDF/XML document names an external DTD, which is never fetched: "
                                "remove the DOCTYPE line")
        return
    if re.search(rb"\b(SYSTEM|PUBLIC)\b", data[subset.start():subset.start("subset")]):
        raise LimitExceeded("the RDF/XML document names an external DTD, which is never fetched: "
                            "remove it from the DOCTYPE")
    body = subset.group("subset")
    values: dict[bytes, bytes] = {}
    rest = _DECLARATION.sub(b"", re.sub(rb"<!--.*?-->", b"", body, flags=re.DOTALL))
    if rest.strip():
        raise LimitExceeded("the RDF/XML document's DOCTYPE holds declarations that are not read "
                            "(parameter entity references or malformed declarations)")
    for declaration in _DECLARATION.finditer(body):
        if declaration.group("kind") != b"ENTITY":
            continue
        entity = _ENTITY.match(declaration.group("body"))
        if entity is None:
            raise LimitExceeded("the RDF/XML document has a malformed entity declaration")
        name = entity.group("name").decode("utf-8", "replace")
        if entity.group("percent"):
            raise LimitExceeded(f"the RDF/XML document declares the parameter entity %{name}; "
                                "parameter entities are refused")
        value = _VALUE.match(entity.group("rest"))
        if value is None:
            raise LimitExceeded(f"the RDF/XML document declares the external entity &{name};: "
                                "external entities are never fetched")
        text = value.group("dq") if value.group("dq") is not None else value.group("sq")
        if b"&" in text or b"%" in text:
            raise LimitExceeded(f"the entity &{name}; of the RDF/XML document refers to other entities; "
                                "nested entities are refused (they can expand without bound)")
        values[entity.group("name")] = text
    if len(values) > MAX_ENTITIES:
        raise LimitExceeded(f"the RDF/XML document declares {len(values)} entities; the limit is {MAX_ENTITIES}")
    if not values:
        return
    document = data[subset.end():]
    expanded = len(data)
    for match in re.finditer(rb"&([^\s&;#]+);", document):
        value = values.get(match.group(1))
        if value is not None:
            expanded += len(value) - len(match.group(0))
    if limits.max_bytes is not None and expanded > limits.max_bytes:
        raise LimitExceeded(f"the RDF/XML document's entities expand it to {_bytes(expanded)}; the limit is "
                            f"{_bytes(limits.max_bytes)} (raise it with {limits.how('max_bytes')})")


# -- JSON-LD ------------------------------------------------------------------------------------

#: Contexts that are put in place of their IRI (none is fetched). Empty: a context must be in
#: the file; give the product's own contexts here as they are published.
LOCAL_CONTEXTS: dict[str, dict] = {}


def check_json_ld(data: bytes) -> bytes:
    """Refuse a JSON-LD document whose ``@context`` (anywhere) names a document to load, or
    put the allow-listed local context in its place. Returns the document to parse."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return data  # the parser says what is wrong, with the line and column
    changed = False

    def visit(node, depth: int = 0):
        nonlocal changed
        if depth > 100:
            raise LimitExceeded("the JSON-LD document is nested more than 100 levels deep")
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if key in ("@context", "@import"):
                    node[key] = context(value)
                else:
                    visit(value, depth + 1)
        elif isinstance(node, list):
            for item in node:
                visit(item, depth + 1)

    def context(value):
        nonlocal changed
        if isinstance(value, str):
            if value in LOCAL_CONTEXTS:
                changed = True
                return LOCAL_CONTEXTS[value]
            raise LimitExceeded(f"the JSON-LD @context refers to a remote document, which is never fetched "
                                f"({value!r}): "
                                "put the context in the file itself")
        if isinstance(value, list):
            return [context(v) for v in value]
        if isinstance(value, dict):
            visit(value)
        return value

    visit(document)
    return json.dumps(document).encode("utf-8") if changed else data


# -- time and memory ------------------------------------------------------------------------------

def _resident() -> int | None:
    from .sandbox import resident_bytes

    import os

    return resident_bytes(os.getpid())


class watch:
    """``with watch(limits, "validating x.ttl"):`` — past ``limits.seconds`` or once the
    process has grown by more than ``limits.memory`` bytes, :class:`LimitExceeded` is raised
    in the thread that entered the block (at its next Python instruction)."""

    POLL = 0.05

    def __init__(self, limits: Limits, doing: str):
        self.limits = limits
        self.doing = doing
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._fired: str | None = None
        self._thread_id = threading.get_ident()

    def __enter__(self):
        if self.limits.seconds is None and self.limits.memory is None:
            return self
        self._thread_id = threading.get_ident()
        self._start = time.monotonic()
        self._baseline = _resident()
        threading.Thread(target=self._watch, daemon=True, name="aiact-kg-limits").start()
        return self

    def _watch(self) -> None:
        limits = self.limits
        while not self._done.wait(self.POLL):
            reason = None
            if limits.seconds is not None and time.monotonic() - self._start > limits.seconds:
                reason = (f"{self.doing} took longer than {limits.seconds:g} s, the limit "
                          f"(raise it with {limits.how('seconds')})")
            elif limits.memory is not None and self._baseline is not None:
                resident = _resident()
                if resident is not None and resident - self._baseline > limits.memory:
                    reason = (f"{self.doing} needed more than {_bytes(limits.memory)} of memory, the limit "
                              f"(raise it with {limits.how('memory')})")
            if reason:
                with self._lock:
                    if self._done.is_set():
                        return
                    self._fired = reason
                    _raise_in(self._thread_id, _Interrupted)
                return

    def __exit__(self, kind, value, traceback):
        try:
            with self._lock:
                self._done.set()
                fired = self._fired
        except _Interrupted:  # delivered just now, on the way out
            self._done.set()
            fired, kind = self._fired, _Interrupted
        if fired and kind is None:
            _raise_in(self._thread_id, None)  # not delivered yet: withdraw it
        if fired and (kind is None or issubclass(kind, (_Interrupted, MemoryError))):
            raise LimitExceeded(fired) from None
        return False


class _Interrupted(BaseException):
    """Raised in the watched thread; turned into LimitExceeded when the block exits."""


def _raise_in(thread_id: int, exception) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exception) if exception else None)


# -- command-line options -------------------------------------------------------------------------

def add_options(parser, defaults: Limits) -> None:
    """The flags that raise (or lower) an entry point's limits; 0 lifts one."""
    group = parser.add_argument_group("limits (0 lifts one)")
    if defaults.max_bytes is not None:
        group.add_argument("--max-bytes", type=_size, metavar="SIZE",
                           help=f"largest input file, e.g. 20MB (default {_bytes(defaults.max_bytes)})")
    if defaults.max_triples is not None:
        group.add_argument("--max-triples", type=int, metavar="N",
                           help=f"most triples (default {defaults.max_triples:,})")
    group.add_argument("--time-limit", type=float, metavar="SECONDS",
                       help=f"longest the work may take (default {defaults.seconds:g} s)")
    group.add_argument("--memory-limit", type=_size, metavar="SIZE",
                       help=f"most memory the work may add, e.g. 2GB (default {_bytes(defaults.memory)})")


def from_options(args, defaults: Limits) -> Limits:
    def pick(name, default):
        value = getattr(args, name, None)
        if value is None:
            return default
        if value < 0:
            from .cli import UsageError

            raise UsageError(f"--{name.replace('_', '-')}: expected a positive number, or 0 for no limit")
        return None if value == 0 else value

    return replace(defaults, max_bytes=pick("max_bytes", defaults.max_bytes),
                   max_triples=pick("max_triples", defaults.max_triples),
                   seconds=pick("time_limit", defaults.seconds), memory=pick("memory_limit", defaults.memory))


def _size(text: str) -> int:
    import argparse

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(|B|KB|K|MB|M|GB|G|KiB|MiB|GiB)\s*", text, re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a size such as 500KB, 20MB or 2GB")
    unit = match.group(2).upper().rstrip("B").rstrip("I") or ""
    return int(float(match.group(1)) * {"": 1, "K": 1024, "M": MiB, "G": 1024 * MiB}[unit])


# -- zip archives (.docx) -------------------------------------------------------------------------

def read_zip_part(archive, info, most: int = DOCX_PART_BYTES, ratio: int = DOCX_RATIO) -> bytes:
    """One member of a zip archive, refused when its declared or actual unpacked size is over
    ``most`` or its compression ratio over ``ratio`` (a zip bomb); read in pieces, so a
    member whose header lies about its size stops at the limit."""
    if info.file_size > most:
        raise LimitExceeded(f"the part {info.filename} is {_bytes(info.file_size)} once unpacked; the limit is "
                            f"{_bytes(most)}")
    if info.compress_size and info.file_size / info.compress_size > ratio and info.file_size > MiB:
        raise LimitExceeded(f"the part {info.filename} unpacks {info.file_size // max(1, info.compress_size)} times "
                            f"larger than it is packed (a zip bomb?); the limit is {ratio} times")
    pieces, total = [], 0
    with archive.open(info) as member:
        while True:
            piece = member.read(1024 * 1024)
            if not piece:
                break
            total += len(piece)
            if total > most:
                raise LimitExceeded(f"the part {info.filename} unpacks to more than {_bytes(most)}, the limit")
            pieces.append(piece)
    return b"".join(pieces)
