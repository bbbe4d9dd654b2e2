"""Answering the queries of /sparql: run, cap and serialize, in worker processes that can be
stopped, cannot reach the network, and share the graph.

A pyoxigraph query cannot be interrupted from its own thread, so on the embedded store every
/sparql query runs in one of a few worker processes. They share one copy of the graph: an
on-disk store written once from the built N-Triples files and opened read-only by each
worker. Each worker, before it reads a query:

- forbids itself the network (:func:`aiact_kg.sandbox.deny_network`): a ``SERVICE`` pattern,
  which the endpoint refuses anyway (:mod:`aiact_kg.web.query_policy`), could not open a connection;
- caps its address space (``RLIMIT_AS``), while the server watches its resident memory and
  stops it past ``memory`` bytes (503, "needed more than N MiB").

A query that runs past the timeout or the memory cap has its worker killed and replaced;
the request gets a 503 at once and the server keeps answering. A worker whose own memory
has grown by more than ``growth`` bytes since it opened the store is replaced once it has
answered: that growth is what RocksDB keeps of the blocks its queries read, which pyoxigraph
gives no setting to bound, and a fresh worker is ready in some 50 ms: no worker holds more
than ``growth`` beyond its start, whatever the queries read.

Queueing is fair: the pool keeps a lane of workers for *light* queries (by the cost class of
:mod:`aiact_kg.web.query_policy`), so a lookup is answered at once while heavy queries occupy the other
workers; a light query that runs long leaves the lane and a fresh light worker takes its
place. Each client (remote address) has at most ``per_client`` queries running or waiting,
and at most ``queue`` queries wait in all; beyond, the request is refused with 429 and
``Retry-After``. Stores that are not embedded (a SPARQL server, which has its own limits)
answer in the request's thread.

Answers carry at most ``limit`` rows or triples; pyoxigraph's own serializers write them
when the cost estimate of the query (:func:`aiact_kg.web.query_policy.estimate`) shows it
cannot return more rows than that, and booleans and graphs always
(:mod:`aiact_kg.query_engine`, what a worker runs).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pyoxigraph

from .query_engine import (  # noqa: F401 - the endpoint takes them from here
    ADDRESS_SPACE_MARGIN, GRAPH_FORMATS, RESULT_FORMATS, RESULT_TYPES, Answer, Channel, QueryFailed, answer,
    run_query, serialize_solutions)
from .sandbox import private_bytes, resident_bytes

# -- worker processes -----------------------------------------------------------------------------

#: A light query that runs longer than this leaves the light lane (a new light worker starts).
LIGHT_BUDGET = 0.5
_STORE_MARKER = "aiact-kg-query-store"
#: A shared store of an older graph that no worker opened for this long is removed.
STALE_STORE_SECONDS = 24 * 3600
#: A worker whose own memory grew by more than this since it was ready is replaced after its answer.
WORKER_GROWTH = 8 * 2 ** 20


def shared_store(files: list[str], folder: Path | None = None) -> Path:
    """The on-disk store the workers open read-only, written once per set of graph files."""
    from . import paths

    signature = "\n".join(f"{Path(f).resolve()} {Path(f).stat().st_size} {Path(f).stat().st_mtime_ns}"
                           for f in files)
    digest = hashlib.sha256(signature.encode()).hexdigest()[:16]
    root = Path(folder) if folder else paths.cache_dir()
    target = root / f"query-store-{digest}"
    if (target / _STORE_MARKER).is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".query-store-{digest}-", dir=root))
    try:
        store = pyoxigraph.Store(str(staging / "db"))
        for path in files:
            store.bulk_load(path=path, format=pyoxigraph.RdfFormat.N_TRIPLES)
        store.optimize()
        store.flush()
        del store
        (staging / "db" / _STORE_MARKER).write_text(signature)
        try:
            os.rename(staging / "db", target)
        except OSError:
            if not (target / _STORE_MARKER).is_file():  # not another process's finished copy
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for stale in root.glob("query-store-*"):  # stores of older graphs no worker has opened for a day
        if stale != target and stale.is_dir() and time.time() - stale.stat().st_mtime > STALE_STORE_SECONDS:
            shutil.rmtree(stale, ignore_errors=True)
    return target


#: What a worker's interpreter runs: the package's folder first on its path, nothing of the server imported.
_WORKER_CODE = ("import sys; sys.path.insert(0, sys.argv.pop(5)); "
                "from aiact_kg.query_engine import main; main()")


class _Process:
    """A worker process: a fresh interpreter (``-I``: no environment variables, no user
    site, no current folder on its path) that imports :mod:`aiact_kg.query_engine` only, and
    talks to the server over a socket pair. A fresh interpreter rather than multiprocessing's
    ``spawn``: that would also start a resource tracker process and import the server's main
    module and multiprocessing's machinery in every worker, some 10 MiB each for nothing."""

    def __init__(self, location: str, memory: int, lane: str):
        ours, theirs = socket.socketpair()
        try:
            self.popen = subprocess.Popen(
                [sys.executable, "-I", "-c", _WORKER_CODE, str(theirs.fileno()), location, str(memory),
                 f"aiact-kg-query-worker-{lane}", str(Path(__file__).resolve().parent.parent)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.conn = Channel(ours)

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def exitcode(self) -> int | None:
        return self.popen.poll()

    def kill(self) -> None:
        if self.popen.poll() is None:
            try:
                self.popen.kill()
            except ProcessLookupError:
                pass

    def join(self, seconds: float) -> None:
        try:
            self.popen.wait(seconds)
        except subprocess.TimeoutExpired:
            pass


class _Worker:
    def __init__(self, process: _Process, conn, lane: str):
        self.process = process
        self.conn = conn
        self.lane = lane
        #: Its own memory once it has opened the store (bytes; None until then or where unreadable).
        self.baseline: int | None = None
        self._stopping = threading.Lock()
        self._stopped = False

    def stop(self) -> None:
        """Kill the process and close its pipe, once: the pool closing and a query replacing
        its worker may both stop it at the same moment, and a pipe closed twice from two
        threads could close a descriptor the process has since given to another file."""
        with self._stopping:
            if self._stopped:
                return
            self._stopped = True
            try:
                self.process.kill()
                self.process.join(2)
            finally:
                self.conn.close()


class QueryPool:
    """Worker processes over one shared read-only store: ``size`` for any query and
    ``light`` more kept for light ones; one query at a time each."""

    def __init__(self, files, size: int = 2, timeout: float = 10.0, limit: int = 10_000,
                 memory: int = 512 * 1024 ** 2, light: int = 1, queue: int = 16, per_client: int = 4,
                 store_folder: Path | None = None, growth: int | None = WORKER_GROWTH):
        self.files = [str(f) for f in files]
        self.location = str(shared_store(self.files, store_folder))
        self.sizes = {"any": max(1, size), "light": max(0, light)}
        self.size = self.sizes["any"] + self.sizes["light"]
        self.timeout = timeout
        self.limit = limit
        self.memory = memory
        #: A worker grown by more than this many bytes is replaced after its answer (None: never).
        self.growth = growth
        #: How many workers were replaced for their growth.
        self.recycled = 0
        self.queue = max(0, queue)
        self.per_client = max(1, per_client)
        #: Why a worker could not confine itself ("" when every worker did).
        self.unconfined = ""
        self._cond = threading.Condition()
        self._idle: dict[str, list[_Worker]] = {"any": [], "light": []}
        self._members: dict[str, set[_Worker]] = {"any": set(), "light": set()}
        self._waiting = 0
        self._clients: Counter[str] = Counter()
        self._closed = False
        for lane, count in self.sizes.items():
            for _ in range(count):
                self._start(lane)

    # workers --------------------------------------------------------------------------------

    def _start(self, lane: str) -> None:
        if self._closed:
            return
        try:
            os.utime(self.location)  # in use: not a stale store
        except OSError:
            pass
        try:
            process = _Process(self.location, self.memory, lane)
        except OSError as exc:
            logging.getLogger(__name__).warning("a query worker could not start: %s", exc)
            return
        worker = _Worker(process, process.conn, lane)
        with self._cond:
            self._members[lane].add(worker)
        threading.Thread(target=self._await_ready, args=(worker,), daemon=True).start()

    def _await_ready(self, worker: _Worker) -> None:
        try:
            status, detail = worker.conn.recv() if worker.conn.poll(300) else ("failed", "no answer")
        except (EOFError, OSError):
            status, detail = "failed", "stopped"
        if status == "ready" and not self._closed:
            if detail and not self.unconfined:
                logging.getLogger(__name__).warning(
                    "the query workers cannot be kept off the network here (%s): SERVICE is still refused "
                    "on the parsed query", detail)
            if detail:
                self.unconfined = detail
            worker.baseline = private_bytes(worker.process.pid)
            self._release(worker)
        else:
            self._discard(worker)

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            if len(self._members[worker.lane]) > self.sizes[worker.lane] or self._closed:
                self._members[worker.lane].discard(worker)
                surplus = True
            else:
                self._idle[worker.lane].append(worker)
                surplus = False
            self._cond.notify_all()
        if surplus:
            worker.stop()

    def _discard(self, worker: _Worker) -> None:
        with self._cond:
            self._members[worker.lane].discard(worker)
            self._cond.notify_all()
        worker.stop()

    def _replace(self, worker: _Worker) -> None:
        lane = worker.lane
        self._discard(worker)
        with self._cond:
            missing = len(self._members[lane]) < self.sizes[lane]
        if missing:
            self._start(lane)

    def wait_ready(self, seconds: float = 120) -> bool:
        """Block until every worker has opened the store (for start-up and tests)."""
        deadline = time.monotonic() + seconds
        with self._cond:
            while sum(len(v) for v in self._idle.values()) < self.size:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
        return True

    # queries --------------------------------------------------------------------------------

    def _take(self, light: bool) -> _Worker | None:
        for lane in (("light", "any") if light else ("any",)):
            if self._idle[lane]:
                return self._idle[lane].pop()
        return None

    def query(self, text: str, results_type: str, graph_type: str, light: bool = False,
              client: str = "", most_rows: int | None = None) -> Answer:
        client = "" if light else client  # only heavy queries count against a client's share
        with self._cond:
            if client and self._clients[client] >= self.per_client:
                raise QueryFailed("client-busy", f"this client already has {self.per_client} heavy queries "
                                                 "running or waiting; wait for their answers")
            worker = self._take(light)
            if worker is None and self._waiting >= self.queue:
                raise QueryFailed("queue-full", f"{self._waiting} queries are already waiting for a worker")
            self._clients[client] += 1
            if worker is None:
                self._waiting += 1
                deadline = time.monotonic() + self.timeout
                try:
                    while worker is None:
                        remaining = deadline - time.monotonic()
                        if remaining <= 0 or self._closed:
                            self._clients[client] -= 1
                            raise QueryFailed("busy", f"every query worker stayed busy for {self.timeout:g} s; "
                                                      "try again")
                        self._cond.wait(remaining)
                        worker = self._take(light)
                finally:
                    self._waiting -= 1
        try:
            return self._run(worker, (text, results_type, graph_type, self.limit, most_rows))
        finally:
            with self._cond:
                self._clients[client] -= 1
                if self._clients[client] <= 0:
                    del self._clients[client]

    def _run(self, worker: _Worker, message: tuple) -> Answer:
        start = time.monotonic()
        deadline = start + self.timeout
        status, payload = "timeout", None
        try:
            worker.conn.send(message)
            while True:
                now = time.monotonic()
                if now >= deadline:
                    break
                if worker.conn.poll(min(0.02, deadline - now)):
                    status, payload = worker.conn.recv()
                    break
                if self.memory:
                    resident = resident_bytes(worker.process.pid)
                    if resident is not None and resident > self.memory:
                        status = "memory"
                        break
                if worker.lane == "light" and now - start > LIGHT_BUDGET:
                    self._promote(worker)
        except (EOFError, OSError, BrokenPipeError):
            status = "crashed"
        if status == "crashed" and worker.process.exitcode in (None, -6):
            worker.process.join(0.5)
            if worker.process.exitcode == -6:  # an allocation failed under RLIMIT_AS: Rust aborts
                status = "memory"
        if status in ("timeout", "crashed", "memory"):
            self._replace(worker)
            if status == "timeout":
                raise QueryFailed("timeout", f"the query ran longer than {self.timeout:g} s and was stopped")
            if status == "memory":
                raise QueryFailed("memory", f"the query needed more than {self.memory // 1024 ** 2} MiB of memory "
                                            "and was stopped")
            raise QueryFailed("error", "the query worker stopped unexpectedly; try again")
        if self._grown(worker):
            self.recycled += 1
            self._replace(worker)
        else:
            self._release(worker)
        if status == "ok":
            return payload
        raise QueryFailed(status, payload)

    def _grown(self, worker: _Worker) -> bool:
        if self.growth is None or worker.baseline is None:
            return False
        now = private_bytes(worker.process.pid)
        return now is not None and now - worker.baseline > self.growth

    def _promote(self, worker: _Worker) -> None:
        """A light query runs long: its worker joins the other lane, a new one takes its place."""
        with self._cond:
            self._members["light"].discard(worker)
            worker.lane = "any"
            self._members["any"].add(worker)
        self._start("light")

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers = [w for lane in self._members.values() for w in lane]
            for lane in self._members.values():
                lane.clear()
            self._cond.notify_all()
        for worker in workers:
            try:
                worker.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            worker.stop()
