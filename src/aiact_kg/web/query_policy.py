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
4. **Cost estimate.** A query made of one basic graph pattern under filters, projections,
   grouping, ordering and slices only (no OPTIONAL, UNION, MINUS, GRAPH, VALUES, subquery,
   EXISTS, property path or dataset clause) keeps its triple patterns (:class:`Shape`).
   :func:`estimate` bounds the bindings its evaluation can make and the rows it can return
   from the statistics of the graph (:class:`Statistics`: triples per predicate, most per
   subject and per object): the product of the patterns' largest fan-outs, joined in the
   cheapest order. A query whose bound is small (:data:`IN_PROCESS_WORK`) cannot run long or
   grow large, and the endpoint answers it in the server process without a round trip to a
   worker; every other query goes to a worker, with its timeout and memory cap.

The engine cannot reach the network in any case: the worker processes that run the queries
of the embedded store are sandboxed (:mod:`aiact_kg.sandbox`), so this check is one of two
independent guards. A query answered in the server process has no sandbox around it; its
second guard is lexical and independent of the parser: a query whose text holds the letters
``service`` anywhere, in any case, before or after decoding ``\\u`` escapes, is never
answered in the server process (:func:`_may_reach_out`), whatever its syntax tree says.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass

from ..bounded import BytesLRU

#: Most memory the decisions kept per exact query text may take, bytes (clients repeat their
#: queries): some 2,000 queries of a few lines (1 kB each); a query may be 100,000 characters
#: long, so a bound in queries would not bound the memory.
CACHE_BYTES = 2 * 1024 ** 2

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
class Shape:
    """What the cost estimate reads off a query of one basic graph pattern: its triple
    patterns (a variable or blank node as ``None``, an IRI as its string, a literal as
    :data:`LITERAL`) and the most rows its modifiers let through (LIMIT, an aggregate
    without GROUP BY, ASK), None when they do not bound them."""

    patterns: tuple[tuple, ...]
    variables: tuple[tuple, ...]  # each pattern's variable names (None where a term is fixed)
    most_rows: int | None


@dataclass(frozen=True)
class Decision:
    text: str  # the canonical text: what the engine runs
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    light: bool
    dataset: bool  # has FROM or FROM NAMED
    shape: Shape | None = None  # set when the cost can be estimated (see estimate)


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


_cache = BytesLRU()  # (text, remote) -> (Decision or Refused, its size in bytes)
_lock = threading.Lock()
_parser_lock = threading.Lock()  # rdflib's parser is not thread-safe


def decide(text: str, remote: bool = False) -> Decision:
    """The decision for one query text; raises :class:`Refused`."""
    key = (text, remote)
    with _lock:
        found = _cache.take(key)
    if found is None:
        try:
            found = _decide(text, remote)
        except Refused as exc:
            found = exc
        size = decision_size(text, found)
        with _lock:
            _cache.keep(key, found, size, CACHE_BYTES)
    if isinstance(found, Refused):
        raise found
    return found


def decision_size(text: str, found) -> int:
    """What keeping a decision costs, bytes, about: the query's text as the key, its canonical
    text, the triple patterns of its shape, or the message of a refusal."""
    size = sys.getsizeof(text) + 400
    if isinstance(found, Refused):
        return size + sys.getsizeof(str(found))
    if found.text is not text:
        size += sys.getsizeof(found.text)
    if found.shape is not None:
        size += 300 * len(found.shape.patterns)
    return size


def cached_bytes() -> int:
    """What the decisions kept take now, bytes (as :func:`decision_size` counts them)."""
    return _cache.size


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
        return Decision(clean, form, False, dataset)
    shape = None
    if light and not dataset and not _may_reach_out(clean):
        try:
            shape = _shape(translated.algebra)
        except _TooDeep:
            shape = None
    return Decision(clean, form, light, dataset, shape)


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


# -- cost estimate --------------------------------------------------------------------------------

#: Most bindings (summed over the join steps) a query answered in the server process may make
#: by the estimate: about 30 ms of evaluation at worst.
IN_PROCESS_WORK = 50_000
LITERAL = "literal"

#: Operators a shape may hold besides its one BGP; expressions (filters, BIND, aggregates,
#: order conditions) are read by their names below.
_SHAPE_OPERATORS = {"SelectQuery", "AskQuery", "ConstructQuery", "Project", "Distinct", "Reduced", "Slice",
                    "Filter", "Extend", "OrderBy", "Group", "AggregateJoin", "BGP"}
_EXPRESSIONS = {"Function", "UnaryNot", "UnaryMinus", "UnaryPlus", "OrderCondition"}
_NOT_EXPRESSIONS = {"Builtin_EXISTS", "Builtin_NOTEXISTS"}  # a graph pattern inside an expression


def _may_reach_out(text: str) -> bool:
    """Whether the text spells ``service`` anywhere (any case, escapes decoded or not): such
    a query is only ever run by a sandboxed worker."""
    import re

    if "service" in text.lower():
        return True
    decoded = re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
                     lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), text)
    return "service" in decoded.lower()


def _shape(algebra) -> Shape | None:
    """The shape of a query of one basic graph pattern, or None."""
    from rdflib.term import BNode, Literal as RdfLiteral, URIRef, Variable

    bgps, most = [], None
    for n in _nodes(algebra):
        name = getattr(n, "name", None)
        if name is None:
            continue
        if name in _NOT_EXPRESSIONS:
            return None
        if name not in _SHAPE_OPERATORS and not (name in _EXPRESSIONS or name.startswith(("Builtin_", "Aggregate_"))
                                                 or name.endswith("Expression")):
            return None
        if name == "BGP":
            bgps.append(n)
        elif name == "AskQuery":
            most = 1
        elif name == "Slice" and isinstance(_field(n, "length"), int):
            most = n["length"] if most is None else min(most, n["length"])
        elif name == "AggregateJoin":
            group = _field(n, "p")
            if getattr(group, "name", None) == "Group" and not _field(group, "expr"):
                most = 1 if most is None else min(most, 1)
    if len(bgps) != 1:
        return None
    patterns, variables = [], []
    for triple in _field(bgps[0], "triples") or []:
        terms, names = [], []
        for term in triple:
            if isinstance(term, (Variable, BNode)):
                terms.append(None)
                names.append(str(term) if isinstance(term, Variable) else "_:" + str(term))
            elif isinstance(term, URIRef):
                terms.append(str(term))
                names.append(None)
            elif isinstance(term, RdfLiteral):
                terms.append(LITERAL)
                names.append(None)
            else:  # a property path
                return None
        patterns.append(tuple(terms))
        variables.append(tuple(names))
    return Shape(tuple(patterns), tuple(variables), most)


@dataclass(frozen=True)
class Statistics:
    """What the estimate knows of a graph: triples in all, the most triples of one subject
    and of one object, and per predicate its triples and the most of one subject and of one
    object."""

    triples: int
    most_per_subject: int
    most_per_object: int
    predicates: dict  # IRI -> (triples, most per subject, most per object)

    @classmethod
    def of(cls, store) -> "Statistics":
        """Read off a pyoxigraph store (three aggregate queries; 0.3 s for the Act's graph)."""
        def number(term) -> int:
            return int(term.value) if term is not None else 0

        predicates = {}
        for row in store.query("SELECT ?p (SUM(?n) AS ?t) (MAX(?n) AS ?m) WHERE { { SELECT ?p ?s (COUNT(*) AS ?n) "
                               "WHERE { ?s ?p ?o } GROUP BY ?p ?s } } GROUP BY ?p"):
            predicates[row["p"].value] = [number(row["t"]), number(row["m"]), 0]
        for row in store.query("SELECT ?p (MAX(?n) AS ?m) WHERE { { SELECT ?p ?o (COUNT(*) AS ?n) "
                               "WHERE { ?s ?p ?o } GROUP BY ?p ?o } } GROUP BY ?p"):
            if row["p"].value in predicates:
                predicates[row["p"].value][2] = number(row["m"])
        most = {}
        for position in ("s", "o"):
            rows = list(store.query(f"SELECT (MAX(?n) AS ?m) WHERE {{ {{ SELECT ?{position} (COUNT(*) AS ?n) "
                                    f"WHERE {{ ?s ?p ?o }} GROUP BY ?{position} }} }}"))
            most[position] = number(rows[0]["m"]) if rows else 0
        return cls(sum(v[0] for v in predicates.values()), most["s"], most["o"],
                   {p: tuple(v) for p, v in predicates.items()})

    def fan_out(self, pattern: tuple, bound: tuple) -> int:
        """The most triples one triple pattern matches, its positions ``bound`` (fixed terms
        or variables bound by earlier patterns)."""
        s, p, o = bound
        if pattern[1] is not None:
            # a predicate the graph does not use may still be one rdflib read differently: the largest
            counts = self.predicates.get(pattern[1]) or max(self.predicates.values(), default=(0, 0, 0))
            if s and o:
                return min(1, counts[0])
            return counts[1] if s else counts[2] if o else counts[0]
        if s and o:
            return min(self.most_per_subject, self.most_per_object)
        return self.most_per_subject if s else self.most_per_object if o else self.triples


def estimate(shape: Shape, statistics: Statistics) -> tuple[int, int]:
    """(bindings made, rows returned) at most: the patterns joined greedily, each next the one
    with the smallest fan-out given the variables bound so far; each step makes at most the
    rows so far times that fan-out."""
    pending = list(range(len(shape.patterns)))
    bound_names: set = set()
    rows, work = 1, 0
    while pending:
        best = None
        for index in pending:
            pattern, names = shape.patterns[index], shape.variables[index]
            bound = tuple(term is not None or name in bound_names
                          for term, name in zip(pattern, names))
            fan = statistics.fan_out(pattern, bound)
            if best is None or fan < best[0]:
                best = (fan, index)
        fan, index = best
        pending.remove(index)
        bound_names.update(name for name in shape.variables[index] if name)
        rows *= fan
        work += rows
        if work > 10 ** 12:
            break
    if shape.most_rows is not None:
        rows = min(rows, shape.most_rows)
    return work, rows
