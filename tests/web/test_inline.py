"""``aiact-kg serve`` gives a kept /sparql answer on waitress's main loop (:mod:`aiact_kg.web.inline`):
byte for byte what a request thread gives, in the order of a connection's requests, never
a stale answer, never anything the main loop would have to compute or wait for."""

from __future__ import annotations

import socket
import threading
import time
import urllib.parse
from types import SimpleNamespace

import pytest

from aiact_kg.web import create_app, inline, sparql

from test_sparql_in_process import SMALL, WORKER

JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def served(store):
    """The application under the server ``serve`` runs, and the threads that ran its kept answers."""
    app = create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 1, "SPARQL_LIMIT": 1000})
    assert sparql.statistics(app, wait=60) is not None
    server = inline.create_server(app, host="127.0.0.1", port=0, threads=4)
    loop = threading.Thread(target=server.run, daemon=True)
    loop.start()
    given_by: list[int] = []
    original = inline.KeptAnswerTask.get_environment

    def spied(task):
        given_by.append(threading.get_ident())
        return original(task)

    inline.KeptAnswerTask.get_environment = spied
    yield SimpleNamespace(app=app, port=server.effective_port, loop=loop, given_by=given_by)
    inline.KeptAnswerTask.get_environment = original
    server.close()
    found = app.extensions.get("aiact_kg.pool")
    if found is not None:
        found.close()


def target(text: str, path: str = "/sparql") -> str:
    return path + "?" + urllib.parse.urlencode({"query": text})


def raw(path: str, accept: str = JSON) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: {accept}\r\n\r\n".encode()


def read(sock_file) -> tuple[int, list[tuple[str, str]], bytes]:
    """One response from a connection: (status, headers but Date, body)."""
    status = int(sock_file.readline().split()[1])
    headers = []
    while (line := sock_file.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers.append((name, value.strip()))
    length = int(dict((k.lower(), v) for k, v in headers)["content-length"])  # every answer here has one
    body = sock_file.read(length)
    return status, [(k, v) for k, v in headers if k.lower() != "date"], body


def exchange(port: int, *requests: bytes) -> list[tuple[int, list, bytes]]:
    """Send ``requests`` at once on one connection (pipelined), read their answers in order."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"".join(requests))
        sock_file = sock.makefile("rb")
        return [read(sock_file) for _ in requests]


def test_a_kept_answer_is_given_by_the_main_loop_as_a_request_thread_gives_it(served):
    request = raw(target(SMALL["lookup"]))
    before = len(served.given_by)
    (first,) = exchange(served.port, request)  # computed and kept by a request thread
    assert len(served.given_by) == before
    (again,) = exchange(served.port, request)
    assert served.given_by[before:] == [served.loop.ident], "the second was given on the main loop"
    assert first[0] == again[0] == 200
    assert again == first
    assert b"art_6.par_1" in first[2] and b"eli/ontology#has_part" in first[2]
    assert dict(first[1])["Content-Type"].startswith(JSON) and "Content-Security-Policy" in dict(first[1])


def test_pipelined_requests_are_answered_in_their_order(served):
    kept_lookup, kept_count = raw(target(SMALL["lookup"])), raw(target(SMALL["count"]))
    exchange(served.port, kept_lookup, kept_count)  # both kept from now on
    alone = {name: exchange(served.port, request)[0] for name, request in
             [("lookup", kept_lookup), ("count", kept_count), ("page", raw("/reg/2024/1689/art_5", "text/html")),
              ("worker", raw(target(WORKER["optional"]))), ("french", raw(target(SMALL["lookup"], "/fr/sparql")))]}
    french = raw(target(SMALL["lookup"], "/fr/sparql"))
    before = len(served.given_by)
    answers = exchange(served.port, kept_lookup, kept_count, french, raw("/reg/2024/1689/art_5", "text/html"),
                       kept_count, raw(target(WORKER["optional"])), kept_lookup)
    assert [status for status, _, _ in answers] == [200] * 7
    expected = [alone[name] for name in ("lookup", "count", "french", "page", "count", "worker", "lookup")]
    assert [body for _, _, body in answers] == [body for _, _, body in expected]
    assert b"<html" in answers[3][2] and b'"n"' in answers[1][2] and b'"n"' in answers[4][2]
    # The main loop gave the first three, one after the other; the page went to a request
    # thread, which handed the connection's next requests on to the threads, in order.
    assert len(served.given_by) - before == 3


def test_no_kept_answer_once_the_store_has_changed(served, store, monkeypatch):
    text = SMALL["group by"]
    request = raw(target(text))
    first = exchange(served.port, request)[0]
    monkeypatch.setattr(store, "generation", store.generation + 10 ** 6)  # as a commentary load does
    before = len(served.given_by)
    again = exchange(served.port, request)[0]
    assert len(served.given_by) == before, "a request thread computed it anew"
    assert again == first


def test_a_client_that_does_not_read_holds_no_one_up(served):
    """Many kept answers asked and never read: the loop stops reading that connection and
    serves the others."""
    request = raw(target(SMALL["label search"]))
    exchange(served.port, request)
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as greedy:
        greedy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        greedy.sendall(request * 2000)
        time.sleep(0.2)
        started = time.perf_counter()
        status, _, body = exchange(served.port, raw(target(SMALL["count"])))[0]
        assert status == 200 and b'"n"' in body
        assert time.perf_counter() - started < 5


def fake_channel(command="GET", path="/sparql", query="query=x", accept=JSON, error=None, pending=0, url_prefix=""):
    adj = SimpleNamespace(outbuf_high_watermark=16 * 2 ** 20, url_prefix=url_prefix)
    request = SimpleNamespace(command=command, path=path, query=query, headers={"ACCEPT": accept}, error=error)
    return SimpleNamespace(requests=[request], adj=adj, server=SimpleNamespace(adj=adj), total_outbufs_len=pending,
                           loop_thread=threading.get_ident(), kept_answer=None)


class KeepsEverything:
    """A fast path that has an answer for every request it is asked of."""

    def __init__(self, size=100):
        self.asked = []
        self.size = size

    def kept(self, query_string, accept):
        self.asked.append((query_string, accept))
        return b"x" * self.size, [("Content-Length", str(self.size))]


@pytest.mark.parametrize("change, why", [
    ({"command": "POST"}, "a request with a body"),
    ({"command": "HEAD"}, "not a GET"),
    ({"path": "/search"}, "another page"),
    ({"path": "/de/sparql"}, "no such language"),
    ({"error": object()}, "a request waitress could not read"),
    ({"url_prefix": "/kg"}, "the application under a prefix sees another path"),
    ({"pending": 16 * 2 ** 20 - 1000}, "output waiting for a client that does not read"),
])
def test_the_main_loop_leaves_to_the_threads_what_it_may_not_answer(change, why):
    dispatcher = inline.InlineDispatcher(KeepsEverything())
    queued = []
    dispatcher.queue, dispatcher.queue_cv = queued, SimpleNamespace(notify=lambda: None)
    channel = fake_channel(**change)
    dispatcher.add_task(channel)
    assert channel.kept_answer is None and queued == [channel], why


def test_the_main_loop_takes_a_kept_answer_only_on_its_own_thread():
    dispatcher = inline.InlineDispatcher(KeepsEverything())
    queued = []
    dispatcher.queue, dispatcher.queue_cv = queued, SimpleNamespace(notify=lambda: None)
    for path in ("/sparql", "/fr/sparql", "//sparql"):
        channel = fake_channel(path=path)
        dispatcher.add_task(channel)
        assert channel.kept_answer is not None and queued == [], path
    channel = fake_channel()
    done = threading.Thread(target=dispatcher.add_task, args=(channel,))  # a request thread hands on
    done.start()
    done.join()
    assert channel.kept_answer is None and queued == [channel]
    assert dispatcher.fast_path.asked[0] == ("query=x", JSON)
