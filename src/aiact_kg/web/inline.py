"""``aiact-kg serve``'s HTTP server: waitress, with kept /sparql answers given on its main loop.

waitress reads every request on one thread (its main loop) and hands each to a request thread,
which runs the application, writes the answer and wakes the main loop through a pipe to send
what is left. For a /sparql query whose answer the server keeps (:mod:`.answer_cache`) the
application has nothing to do but copy that answer: the hand-over, the second thread's turn
at the interpreter and the wake-up cost ten times more than the copy. So here the main loop,
when a request it has just read is a GET of /sparql whose answer is kept at that moment,
takes that answer and writes it itself, through waitress's own task (the same status line,
headers and body as a request thread would write, in the order of the connection's
requests). Every other request goes to the request threads as before: a page, a query not
seen before, a query for a worker, a request with a body.

The main loop never waits in this path: the answer is taken from memory before anything is
written (it is never computed there), and a connection whose unsent output is already large
(a client that does not read) is served by a request thread, which may wait for it.
"""

from __future__ import annotations

import threading

from waitress.channel import HTTPChannel
from waitress.server import create_server as _waitress_server
from waitress.task import ThreadedTaskDispatcher, WSGITask

from ..messages import LANGUAGES
from .sparql import KEPT_ANSWER

#: Paths of the endpoint as a request names them (``/fr/sparql`` is /sparql in French).
ENDPOINT_PATHS = frozenset(["/sparql"] + [f"/{code}/sparql" for code in LANGUAGES])


class KeptAnswerTask(WSGITask):
    """waitress's task for one request, carrying the answer the main loop took for it: the
    application (:class:`.sparql.FastPath`) finds it in the environ and gives it as is."""

    def __init__(self, channel, request):
        super().__init__(channel, request)
        self.answer, channel.kept_answer = channel.kept_answer, None

    def get_environment(self):
        environ = super().get_environment()
        environ[KEPT_ANSWER] = self.answer
        return environ


class InlineChannel(HTTPChannel):
    """A connection whose requests with a kept answer are served on the main loop, as soon as
    they are read (:meth:`received`); the others as waitress serves them."""

    kept_answer: tuple[bytes, list] | None = None

    def __init__(self, server, sock, addr, adj, map=None):
        super().__init__(server, sock, addr, adj, map)
        self.loop_thread = threading.get_ident()  # connections are accepted on the main loop

    @property
    def task_class(self):
        return KeptAnswerTask if self.kept_answer is not None else WSGITask

    def received(self, data):
        done = super().received(data)
        # The dispatcher took an answer for the first request waiting: serve it here; serving
        # it hands the next request on (and may take its answer too).
        while self.kept_answer is not None and self.requests:
            self.service()
        self.kept_answer = None
        return done


class InlineDispatcher(ThreadedTaskDispatcher):
    """waitress's pool of request threads, but a connection's next request whose answer is
    kept, found while the main loop reads it, is left to the main loop (:class:`InlineChannel`)."""

    def __init__(self, fast_path):
        super().__init__()
        self.fast_path = fast_path

    def add_task(self, channel):
        if getattr(channel, "loop_thread", None) == threading.get_ident():
            answer = self._kept(channel)
            if answer is not None:
                channel.kept_answer = answer
                return
        super().add_task(channel)

    def _kept(self, channel):
        request = channel.requests[0]
        if request.error or request.command != "GET" or channel.server.adj.url_prefix:
            return None
        path = "/" + request.path.lstrip("/")
        if path not in ENDPOINT_PATHS:
            return None
        answer = self.fast_path.kept(request.query, request.headers.get("ACCEPT"))
        if answer is None:
            return None
        # Writing must not wait for the client to read: leave room for the answer and its
        # headers below the level at which waitress makes a writer wait.
        room = channel.adj.outbuf_high_watermark - channel.total_outbufs_len - 65536
        return answer if len(answer[0]) < room else None


def create_server(app, **options):
    """waitress's server for ``app`` (with ``options``, waitress's settings), whose kept
    /sparql answers are given on the main loop."""
    fast_path = app.extensions["aiact_kg.fast_path"]
    dispatcher = InlineDispatcher(fast_path)
    dispatcher.set_thread_count(options.get("threads", 4))
    server = _waitress_server(app, _dispatcher=dispatcher, **options)
    for listener in _listeners(server):
        listener.channel_class = InlineChannel
    return server


def _listeners(server):
    """The listening servers of what waitress made (one, or one per address)."""
    from waitress.server import BaseWSGIServer

    if isinstance(server, BaseWSGIServer):
        return [server]
    return [s for s in server.map.values() if isinstance(s, BaseWSGIServer)]


def serve(app, **options) -> None:
    """Serve ``app`` until interrupted (``aiact-kg serve``)."""
    create_server(app, **options).run()
