"""Build the whole graph once, keep it in a cache, rebuild only when a source changed.

The graph is: the text (``textgraph``), the ontology and curated legal facts (``ontology/``)
with the French words of their English excerpts (``excerpts``), the validation shapes
(``shapes/``) and, once ``aiact-kg reason`` has run, the inferences of the reasoner. It is
written as sorted N-Triples, so the same sources always give the same file. The cache file is
named after a fingerprint of every source file, the code and the base IRI; it is written to a
temporary file and renamed, so a failed build never leaves a half-written graph as the
current one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pyoxigraph

from . import corpus, paths
from .provisions import CorpusError
from .vocab import DEFAULT_BASE

GRAPH_FILE = "graph-{fingerprint}.nt"
INFERRED_FILE = "inferred-{fingerprint}.nt"


class BuildError(Exception):
    """A source file cannot be used; the message names it."""


def configured_base(base: str | None = None) -> str:
    base = base or os.environ.get("AIACT_KG_BASE") or DEFAULT_BASE
    if not base.endswith(("/", "#")):
        base += "/"
    return base


def source_files() -> list[Path]:
    """Every file the graph is made from, in a stable order."""
    files = [paths.CORPUS / "SHA256SUMS"]
    files += sorted(paths.ONTOLOGY.glob("*.ttl"))
    files += sorted(paths.SHAPES.glob("*.ttl"))
    files += sorted(paths.QUERIES.glob("rules/*.rq"))
    files += sorted(Path(__file__).parent.glob("*.py"))
    return files


def fingerprint(base: str) -> str:
    digest = hashlib.sha256(base.encode())
    for path in source_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def rebase(data: bytes, base: str) -> bytes:
    """Curated files are written with the default base; move them to the configured one."""
    if base == DEFAULT_BASE:
        return data
    return data.replace(f"<{DEFAULT_BASE}reg/".encode(), f"<{base}reg/".encode())


def curated_triples(folder: Path, base: str) -> list[str]:
    """N-Triples lines of every Turtle file of a folder, each file checked as it is read."""
    lines: list[str] = []
    for path in sorted(folder.glob("*.ttl")):
        try:
            quads = pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
            data = pyoxigraph.serialize(_as_stored(_stable_blank_nodes(quads, path.stem)),
                                        format=pyoxigraph.RdfFormat.N_TRIPLES)
        except SyntaxError as exc:
            raise BuildError(f"{path}: {exc}") from None
        except OSError as exc:
            raise BuildError(f"{path}: cannot be read ({exc})") from None
        lines += rebase(data, base).decode("utf-8").splitlines()
    return lines


def derived_lines(curated: list[str]) -> list[str]:
    """N-Triples lines the build rules (``queries/rules/*.rq``, CONSTRUCT queries) draw from
    the curated facts: values written once, such as the dates of Article 113, reach every
    statement that depends on them."""
    from . import queries

    store = pyoxigraph.Store()
    store.bulk_load("\n".join(curated).encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    triples = []
    for name in queries.names("rules"):
        triples.extend(store.query(queries.load(name).text))
    data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    return data.decode("utf-8").splitlines()


def _stable_blank_nodes(quads, stem: str) -> list[pyoxigraph.Triple]:
    """The triples of one file with its blank nodes labelled in document order (the parser
    gives them fresh random labels), so the same file always gives the same lines."""
    prefix = "".join(ch for ch in stem if ch.isalnum())
    labels: dict[pyoxigraph.BlankNode, pyoxigraph.BlankNode] = {}

    def stable(term):
        if isinstance(term, pyoxigraph.BlankNode):
            if term not in labels:
                labels[term] = pyoxigraph.BlankNode(f"{prefix}b{len(labels)}")
            return labels[term]
        return term

    return [pyoxigraph.Triple(stable(q.subject), q.predicate, stable(q.object)) for q in quads]


def _as_stored(triples: list[pyoxigraph.Triple]) -> list[pyoxigraph.Triple]:
    """The triples as the store gives them back: it keeps numbers by value, so "35000000.0"
    becomes "35000000"; written so, the built file and any export of the store agree."""
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples)
    return [quad.triple for quad in store]


def excerpt_lines(curated: list[str], base: str) -> list[str]:
    """N-Triples lines of the French words of every curated English excerpt, found in the
    French official text (``aiact_kg.excerpts``)."""
    from .excerpts import excerpt_triples
    from .textgraph import act_iri

    english, french, _ = corpus.load()
    triples = pyoxigraph.parse("\n".join(curated).encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    found = excerpt_triples(triples, english, french, act_iri(base))
    return pyoxigraph.serialize(found, format=pyoxigraph.RdfFormat.N_TRIPLES).decode("utf-8").splitlines()


def text_lines(base: str) -> list[str]:
    from .recitals import related_recitals
    from .textgraph import TextGraph, definitions

    english, french, meta = corpus.load()
    graph = TextGraph(base, english, french, meta)
    links = related_recitals(english, definitions(english, french))
    data = pyoxigraph.serialize(graph.triples(links), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return data.decode("utf-8").splitlines()


def _write_atomically(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=".nt")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("\n".join(lines))
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def graph_path(base: str | None = None) -> Path:
    base = configured_base(base)
    return paths.cache_dir() / GRAPH_FILE.format(fingerprint=fingerprint(base))


def build(base: str | None = None, force: bool = False) -> Path:
    """The built graph as an N-Triples file; built now unless the cache is current."""
    base = configured_base(base)
    target = graph_path(base)
    if target.is_file() and not force:
        return target
    try:
        lines = set(text_lines(base))
        curated = curated_triples(paths.ONTOLOGY, base)
        lines.update(curated)
        lines.update(derived_lines(curated))
        lines.update(excerpt_lines(curated, base))
        lines.update(curated_triples(paths.SHAPES, base))
    except CorpusError as exc:
        raise BuildError(str(exc)) from None
    _write_atomically(target, sorted(line for line in lines if line))
    for stale in target.parent.glob("graph-*.nt"):
        if stale != target:
            stale.unlink(missing_ok=True)
    return target


def inferred_path(base: str | None = None) -> Path:
    base = configured_base(base)
    return paths.cache_dir() / INFERRED_FILE.format(fingerprint=fingerprint(base))


def write_inferred(lines: list[str], base: str | None = None) -> Path:
    """Keep the reasoner's inferences beside the graph they were drawn from."""
    target = inferred_path(base)
    _write_atomically(target, sorted(set(lines)))
    return target


def graph_files(base: str | None = None) -> list[Path]:
    """The files that make up the current graph: the build, and inferences if reasoned."""
    files = [build(base)]
    inferred = inferred_path(base)
    if inferred.is_file():
        files.append(inferred)
    return files
