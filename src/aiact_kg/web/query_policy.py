"""What /sparql accepts, decided on the parsed query, never on a pattern over its text.

A request's query goes through three steps before any engine sees it:

1. **Canonical text.** Comments are removed and bare carriage returns become line feeds, with
   the terminals of the SPARQL 1.1 grammar (https://www.w3.org/TR/sparql11-query/#sparqlGrammar,
   §19.8): a comment runs from ``#`` outside an IRI, a string or a local-name escape (``\\#``,
   PN_LOCAL_ESC) to the end of the line, *marked by CR or LF* (§19.4). The canonical text is
   what is parsed below **and** what the engine runs, so the check and the engine read the
   same characters: a keyword cannot hide from one in a comment the other does not see.
2. **Parse.** The canonical text is parsed into its syntax tree (rdflib's SPARQL 1.1
   grammar). An update (``INSERT``, ``LOAD``…) is refused with 403; so is a query whose tree
   holds a ``SERVICE`` pattern (federated query reaches other servers) and, on a remote store,
   a dataset clause (``FROM``, ``FROM NAMED``: some servers fetch the graphs it names). Text
   that does not parse is refused with 400: the engine never runs a query the check could
   not read.
3. **Cost class.** The algebra of the query says whether it is *light* (every basic graph
   pattern connected, no unbounded path between two variables, no sort or grouping over the
   whole graph) or *heavy*; the worker pool keeps a lane for light queries
   (:mod:`aiact_kg.query_workers`).

The engine cannot reach the network in any case: the worker processes that run the queries
of the embedded store are sandboxed (:mod:`aiact_kg.sandbox`), so this check is one of two
independent guards.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

#: Decisions kept per exact query text (clients repeat their queries).
CACHE_SIZE = 2048

READ_ONLY = ("This endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE…) "
             "are refused.")
NO_SERVICE = "SERVICE is refused: queries run on this graph only and never reach other servers."
NO_DATASET = ("FROM and FROM NAMED are refused on this endpoint: the query runs on the graph of the Act, "
              "and a server could fetch the graphs such a clause names.")


class Refused(Exception):
    """The query is not accepted: ``status`` 400 (does not parse) or 403 (not allowed)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Decision:
    text: str  # the canonical text: what the engine runs
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    light: bool
    dataset: bool  # has FROM or FROM NAMED


def canonical(text: str) -> str:
    """The query without comments, bare CRs as LFs; IRIs, strings and escapes kept verbatim."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = _string_end(text, i)
            out.append(text[i:j])
            i = j
        elif c == "<":
            j = _iri_end(text, i)
            out.append(text[i:j])
            i = j
        elif c == "\\":
            out.append(text[i:i + 2])  # PN_LOCAL_ESC: "\#" is part of a local name
            i += 2
        elif c == "#":
            while i < n and text[i] not in "\r\n":
                i += 1
            out.append(" ")
        elif c == "\r":
            out.append("\n")
            i += 2 if text.startswith("\r\n", i) else 1
        else:
            j = i + 1
            while j < n and text[j] not in "\"'<\\#\r":
                j += 1
            out.append(text[i:j])
            i = j
    return "".join(out)


def _string_end(text: str, i: int) -> int:
    """Where the string starting at ``i`` ends (STRING_LITERAL1/2, STRING_LITERAL_LONG1/2);
    the end of the text for an unterminated one (then the query does not parse)."""
    quote = text[i]
    long = text.startswith(quote * 3, i)
    j = i + (3 if long else 1)
    n = len(text)
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
        elif long and text.startswith(quote * 3, j):
            k = j + 3
            while k < n and text[k] == quote and k - j < 5:  # '''a'''' ends with the last three
                k += 1
            return k
        elif not long and c == quote:
            return j + 1
        elif not long and c in "\r\n":
            return j  # a short string cannot span lines: not a string, a syntax error follows
        else:
            j += 1
    return n


_IRI_EXCLUDED = set('<>"{}|^`\\') | {chr(c) for c in range(0x21)}


def _iri_end(text: str, i: int) -> int:
    """The end of an IRIREF at ``i``, or ``i + 1`` when ``<`` is an operator."""
    j = i + 1
    while j < len(text) and text[j] not in _IRI_EXCLUDED:
        j += 1
    return j + 1 if j < len(text) and text[j] == ">" else i + 1


_cache: OrderedDict[tuple[str, bool], Decision | Refused] = OrderedDict()
_lock = threading.Lock()
_parser_lock = threading.Lock()  # rdflib's parser is not thread-safe


def decide(text: str, remote: bool = False) -> Decision:
    """The decision for one query text; raises :class:`Refused`."""
    key = (text, remote)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
    if found is None:
        try:
            found = _decide(text, remote)
        except Refused as exc:
            found = exc
        with _lock:
            _cache[key] = found
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    if isinstance(found, Refused):
        raise found
    return found


def _decide(text: str, remote: bool) -> Decision:
    from pyparsing import ParseException
    from rdflib.plugins.sparql import algebra
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    clean = canonical(text)
    with _parser_lock:
        try:
            tree = parseQuery(clean)
        except ParseException as exc:
            try:
                parseUpdate(clean)
            except ParseException:
                raise Refused(400, f"line {exc.lineno}, column {exc.col}: {exc.msg}") from None
            except Exception:  # noqa: BLE001 - whatever else the parser raises: not accepted
                raise Refused(400, f"line {exc.lineno}, column {exc.col}: {exc.msg}") from None
            raise Refused(403, READ_ONLY) from None
        except RecursionError:
            raise Refused(400, "the query is nested too deeply to be read") from None
        except Exception as exc:  # noqa: BLE001 - rdflib raises others for some bad input
            raise Refused(400, str(exc)[:300]) from None
    if _holds(tree, "ServiceGraphPattern"):
        raise Refused(403, NO_SERVICE)
    query = tree[1]
    dataset = "datasetClause" in query.keys()
    if dataset and remote:
        raise Refused(403, NO_DATASET)
    form = query.name.replace("Query", "").upper()
    try:
        with _parser_lock:
            translated = algebra.translateQuery(tree)
        light = _light(translated.algebra)
    except Exception:  # noqa: BLE001 - a query rdflib cannot translate is not known to be light
        light = False
    return Decision(clean, form, light, dataset)


try:
    from pyparsing import ParseResults as _ParseResults
except ImportError:  # pragma: no cover - rdflib depends on pyparsing
    _ParseResults = list
_SEQUENCES = (list, tuple, _ParseResults)


class _TooDeep(Exception):
    """A tree deeper than any honest query."""


def _nodes(node, depth: int = 0):
    """Every node of a syntax tree or an algebra, parents first."""
    if depth > 200:
        raise _TooDeep
    yield node
    if isinstance(node, dict):
        children = node.values()
    elif isinstance(node, _SEQUENCES):
        children = node
    else:
        return
    for child in children:
        yield from _nodes(child, depth + 1)


def _holds(node, name: str) -> bool:
    """Whether the tree holds a node named ``name`` anywhere (a too deep one is taken to)."""
    try:
        return any(getattr(n, "name", None) == name for n in _nodes(node))
    except _TooDeep:
        return True


# -- cost class ---------------------------------------------------------------------------------

_BLOCKING = ("OrderBy", "Group", "AggregateJoin")


def _light(algebra) -> bool:
    """No cartesian product, no unbounded path between variables, no sort or grouping of an
    unconstrained pattern; a LIMIT of at most 1,000 without sort or grouping makes any query
    light (it is answered lazily and stops after the first rows)."""
    from rdflib.term import Variable

    heavy = limited = False
    try:
        for n in _nodes(algebra):
            name = getattr(n, "name", None)
            if name == "Slice" and isinstance(_field(n, "length"), int) and n["length"] <= 1000 and not any(
                    _holds(n.p, blocking) for blocking in _BLOCKING):
                limited = True
            elif name == "BGP":
                triples = _field(n, "triples") or []
                heavy = heavy or not _connected(triples, Variable) or any(_unbounded_path(t, Variable) for t in triples)
                heavy = heavy or (len(triples) > 1 and any(_open(t, Variable) for t in triples))  # whole-graph join
            elif name in _BLOCKING and _open_pattern(n, Variable):
                heavy = True
    except _TooDeep:
        return False
    return limited or not heavy


def _open(triple, variable_type) -> bool:
    return all(isinstance(x, variable_type) for x in triple)


def _field(node, key: str):
    """A field of an rdflib algebra node, None when absent (its ``get`` answers the key's name)."""
    return dict.get(node, key) if isinstance(node, dict) else None


def _connected(triples, variable_type) -> bool:
    """Whether the triple patterns of a basic graph pattern share variables all along."""
    if len(triples) < 2:
        return True
    groups = [{x for x in t if isinstance(x, variable_type)} for t in triples]
    joined = set(groups[0])
    pending = groups[1:]
    while pending:
        linked = [g for g in pending if g & joined or not g]
        if not linked:
            return False
        for g in linked:
            joined |= g
            pending.remove(g)
    return True


def _unbounded_path(triple, variable_type) -> bool:
    from rdflib.paths import MulPath, Path

    s, p, o = triple
    if not isinstance(p, Path):
        return False
    unbounded = isinstance(p, MulPath) and p.mod in ("*", "+")
    if not unbounded:
        unbounded = any(isinstance(x, MulPath) and x.mod in ("*", "+") for x in getattr(p, "args", []))
    return unbounded and isinstance(s, variable_type) and isinstance(o, variable_type)


def _open_pattern(node, variable_type) -> bool:
    """Whether a sort or grouping reads a triple pattern of three variables."""
    try:
        return any(getattr(n, "name", None) == "BGP" and any(_open(t, variable_type) for t in _field(n, "triples") or [])
                   for n in _nodes(node))
    except _TooDeep:
        return True
