"""``kill -9`` during ``aiact-kg load``, then a reload: the named graph is the previous one
until the new one is complete, then the new one whole; no triple is lost or doubled; what the
killed load left on the server is dropped by the next load."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

pytest_plugins = ["servers"]

GRAPH = "https://example.org/test-graph/interrupted-load"
LOADING = "urn:aiact-kg:loading:"


def graphs_on(store) -> dict[str, int]:
    rows = store._query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", None, in_graph=False)
    return {row["g"].value: int(row["n"].value) for row in rows}


def lines_of(path) -> int:
    return sum(1 for line in path.open("rb") if line.strip())


def load_command(server, *extra) -> list[str]:
    return [sys.executable, "-m", "aiact_kg.cli", "load", "--endpoint", server.query_url,
            "--update-endpoint", server.update_url, "--graph", GRAPH, *extra]


@pytest.mark.parametrize("killed_at", [20, 60, 90])
def test_kill_9_during_a_load_leaves_the_previous_graph_then_a_reload_is_exact(oxigraph_server, graph_file, tmp_path,
                                                                               killed_at):
    store = oxigraph_server.store(graph=GRAPH, store_endpoint=None)
    previous = tmp_path / "previous.nt"
    previous.write_bytes(b"".join(graph_file.read_bytes().splitlines(keepends=True)[:500]))
    try:
        store.load([previous])
        assert store.count() == 500
        process = subprocess.Popen(load_command(oxigraph_server, "--chunk", "1000"), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=dict(os.environ))
        deadline = time.monotonic() + 120
        for line in process.stderr:  # "loading [###...]  21% 8000/37944 triples"
            progress = re.search(rb"(\d+)/(\d+) triples", line)
            if progress and int(progress.group(1)) * 100 >= killed_at * int(progress.group(2)):
                break
            assert time.monotonic() < deadline
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        assert process.returncode == -signal.SIGKILL
        graphs = graphs_on(store)
        assert graphs[GRAPH] == 500  # the previous graph, whole: nothing of the killed load in it
        assert any(g.startswith(LOADING) for g in graphs)  # the killed load's temporary graph
        done = subprocess.run(load_command(oxigraph_server, "--quiet"), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        graphs = graphs_on(store)
        assert graphs[GRAPH] == lines_of(graph_file) == store.count()
        assert not [g for g in graphs if g.startswith(LOADING)]
        rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
        assert int(rows[0]["n"].value) == lines_of(graph_file)
    finally:
        store._drop_quietly(GRAPH)
        for graph in graphs_on(store):
            if graph.startswith(LOADING):
                store._drop_quietly(graph)
