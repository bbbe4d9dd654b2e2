"""The ``aiact-kg`` command.

Every command that talks to a store takes the same options: ``--store PATH`` for the embedded
store on disk (in memory by default) or ``--endpoint URL`` (with ``--update-endpoint``,
``--store-endpoint``, ``--user`` and ``--password-env``) for a SPARQL 1.1 server. Errors are
one line naming the problem, with exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from . import __version__

EXPORT_FORMATS = {"nt": "application/n-triples", "ttl": "text/turtle", "jsonld": "application/ld+json", "xml": "application/rdf+xml"}


class UsageError(Exception):
    """Bad input from the user; the message says what was expected."""


def _store_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("store")
    group.add_argument("--store", metavar="PATH", help="embedded store on disk at PATH (default: in memory)")
    group.add_argument("--endpoint", metavar="QUERY_URL", help="SPARQL 1.1 query endpoint of a server holding the graph")
    group.add_argument("--update-endpoint", metavar="URL", help="SPARQL 1.1 update endpoint (default: the query URL)")
    group.add_argument("--store-endpoint", metavar="URL", help="Graph Store HTTP Protocol endpoint")
    group.add_argument("--graph", metavar="IRI", help="named graph holding the AI Act graph on the server")
    group.add_argument("--user", metavar="NAME", help="user name for HTTP basic authentication")
    group.add_argument("--password-env", metavar="VAR", help="environment variable holding the password")
    group.add_argument("--base", metavar="IRI", help="base of the IRIs we mint (default https://w3id.org/aiact-kg/ or $AIACT_KG_BASE)")


def open_store_from(args: argparse.Namespace):
    from .store import open_store

    if args.store and args.endpoint:
        raise UsageError("give --store PATH or --endpoint URL, not both")
    options = {"base": args.base}
    if args.endpoint:
        password = None
        if args.password_env:
            password = os.environ.get(args.password_env)
            if password is None:
                raise UsageError(f"--password-env {args.password_env}: that environment variable is not set")
        options.update(update_endpoint=args.update_endpoint, store_endpoint=args.store_endpoint,
                       graph=args.graph, user=args.user, password=password)
    return open_store(args.store, args.endpoint, **options)


def _write_output(data: bytes, output: str | None) -> None:
    """Write to stdout, or atomically to a file (never a half-written file)."""
    if not output or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = Path(output)
    handle, temporary = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# -- commands ------------------------------------------------------------------------------

def cmd_build(args: argparse.Namespace) -> int:
    import time

    from . import build

    start = time.perf_counter()
    path = build.build(args.base, force=args.force)
    lines = sum(1 for _ in path.open("rb"))
    print(f"graph: {path} ({lines} triples, {time.perf_counter() - start:.2f} s)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    store = open_store_from(args)
    data = store.export(EXPORT_FORMATS[args.format])
    _write_output(data, args.output)
    return 0


def _parse_binding(text: str):
    from pyoxigraph import NamedNode

    name, sep, value = text.partition("=")
    if not sep or not name:
        raise UsageError(f"--bind {text!r}: expected NAME=VALUE (VALUE in <…> for an IRI)")
    if value.startswith("<") and value.endswith(">"):
        return name.lstrip("?"), NamedNode(value[1:-1])
    return name.lstrip("?"), value


def cmd_query(args: argparse.Namespace) -> int:
    from . import queries

    if args.name:
        text = queries.load(args.name).text
    elif args.expression:
        text = args.expression
    elif args.file:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{args.file}: cannot be read ({exc.strerror})") from None
        except UnicodeDecodeError as exc:
            raise UsageError(f"{args.file}: not a SPARQL query in UTF-8 (byte {exc.start} cannot be read)") from None
    else:
        raise UsageError("give a query: FILE.rq, --name NAME or -e TEXT")
    bindings = dict(_parse_binding(b) for b in args.bind)
    store = open_store_from(args)
    if args.format == "table":
        rows = store.select(text, bindings)
        print(render_table(rows))
        return 0
    media = {"json": "application/sparql-results+json", "csv": "text/csv"}[args.format]
    data, _ = store.protocol(text, media, bindings)
    _write_output(data, None)
    return 0


def render_table(rows: list[dict]) -> str:
    if not rows:
        return "(no results)"
    names: list[str] = []
    for row in rows:
        for name in row:
            if name not in names:
                names.append(name)
    cells = [[_cell(row.get(name)) for name in names] for row in rows]
    widths = [min(60, max(len(name), *(len(c[i]) for c in cells))) for i, name in enumerate(names)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(names, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for c in cells:
        lines.append("  ".join(value[:w].ljust(w) for value, w in zip(c, widths)))
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines)


def _cell(term) -> str:
    if term is None:
        return ""
    text = term.value.replace("\n", " ")
    language = getattr(term, "language", None)
    return f"{text}@{language}" if language else text


# -- entry point -----------------------------------------------------------------------------

COMMANDS = {}


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="aiact-kg", description="The EU AI Act (Regulation (EU) 2024/1689) as a knowledge graph.")
    main_parser.add_argument("--version", action="version", version=f"aiact-kg {__version__}")
    sub = main_parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("build", help="build the graph from the official text and the ontology (cached)")
    p.add_argument("--force", action="store_true", help="rebuild even if the cache is current")
    p.add_argument("--base", metavar="IRI", help="base of the IRIs we mint")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("export", help="write the whole graph in an RDF format")
    p.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="ttl")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    _store_options(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("query", help="run a SPARQL query: a file, a named query or an expression")
    p.add_argument("file", nargs="?", metavar="FILE.rq")
    p.add_argument("--name", help="a named query of queries/ (see --list)")
    p.add_argument("-e", "--expression", metavar="TEXT", help="the query text")
    p.add_argument("--bind", action="append", default=[], metavar="NAME=VALUE",
                   help="bind a variable (VALUE in <…> for an IRI); repeatable")
    p.add_argument("--format", choices=["json", "csv", "table"], default="table")
    _store_options(p)
    p.set_defaults(func=cmd_query)

    for register in _extensions():
        register(sub, _store_options)
    return main_parser


def _extensions():
    """Commands of the other features, each registered by its own module."""
    import importlib

    for module in ("reasoner", "validation", "web", "remote", "linker", "coverage"):
        try:
            mod = importlib.import_module(f"aiact_kg.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"aiact_kg.{module}":
                raise
            continue
        if hasattr(mod, "register_command"):
            yield mod.register_command


def main(argv: list[str] | None = None) -> int:
    from .build import BuildError
    from .provisions import CorpusError
    from .queries import QueryNotFound
    from .store import StoreError

    args = parser().parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help()
        return 2
    try:
        return args.func(args)
    except (UsageError, BuildError, CorpusError, QueryNotFound, StoreError) as exc:
        print(f"aiact-kg: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
