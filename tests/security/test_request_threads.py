"""Heavy queries from many addresses cannot hold every request thread of ``aiact-kg serve``:
a light query, and a page, are still answered at once (the threads cover the queue)."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from aiact_kg.web import DEFAULTS, request_threads

ROOT = Path(__file__).resolve().parents[2]
ACT = "https://w3id.org/aiact-kg/reg/2024/1689"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # runs to the time limit
LIGHT = {  # one answered in the server process, one by the workers' light lane
    "in process": f"SELECT ?p ?o WHERE {{ <{ACT}/art_5> ?p ?o }}",
    "light lane": ("PREFIX eli: <http://data.europa.eu/eli/ontology#> SELECT ?p ?t WHERE { "
                   f"?p eli:is_part_of <{ACT}/art_5> OPTIONAL {{ ?p eli:title ?t }} }}"),
}
TIMEOUT = 4


def test_the_default_threads_outnumber_what_the_queries_can_hold():
    held = 2 + DEFAULTS["SPARQL_LIGHT_WORKERS"] + DEFAULTS["SPARQL_QUEUE"]
    assert request_threads(2) > held
    assert request_threads(5) == request_threads(2) + 3


def _ask(port: int, text: str, source: str, seconds: float = 60) -> tuple[int, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=seconds, source_address=(source, 0))
    start = time.perf_counter()
    try:
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": text}),
                           headers={"Accept": "application/sparql-results+json"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - start
    finally:
        connection.close()


@pytest.fixture(scope="module")
def served(graph_file):
    from servers import free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "aiact_kg.cli", "serve", "--port", str(port),
                                "--sparql-timeout", str(TIMEOUT)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
    deadline = time.monotonic() + 180
    try:
        while True:
            assert process.poll() is None, "aiact-kg serve stopped"
            try:
                if _ask(port, LIGHT["in process"], "127.0.0.1", 5)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "aiact-kg serve did not answer"
            time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        process.wait(30)


def test_heavy_queries_from_ten_addresses_leave_threads_for_light_ones(served):
    heavy: list = []
    threads = [threading.Thread(target=lambda source=f"127.0.0.{i}": heavy.append(_ask(served, HEAVY, source)))
               for i in range(2, 12)]  # ten clients: more than the eight threads serve had before
    for thread in threads:
        thread.start()
    time.sleep(1)  # all of them running or queued
    try:
        for name, text in LIGHT.items():
            status, seconds = _ask(served, text, "127.0.0.1")
            assert status == 200 and seconds < 1.5, (name, status, seconds)
        connection = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
        start = time.perf_counter()
        connection.request("GET", "/")
        assert connection.getresponse().status == 200 and time.perf_counter() - start < 1.5
        connection.close()
    finally:
        for thread in threads:
            thread.join(TIMEOUT * 4 + 30)
    assert len(heavy) == 10
    assert {status for status, _ in heavy} <= {429, 503}, heavy  # stopped at the limit, or not queued
