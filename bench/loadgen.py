"""Load generation shared by bench/load.py and bench/sparql.py: a server started as a separate
process on 127.0.0.1, and client threads with keep-alive connections whose every request is
timed. Every loop is bounded in requests and in seconds, and stops by itself."""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A server command on a free loopback port, waited for until ``ready_path`` answers."""

    def __init__(self, command: list[str], port: int, ready_path: str = "/", seconds: float = 180):
        self.port = port
        self.log = tempfile.TemporaryFile()  # not a pipe: a full pipe would stop the server
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=self.log,
                                        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"{command[0]} stopped: {self.log.read().decode(errors='replace')[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", ready_path)
                if connection.getresponse().status < 500:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{command[0]} did not answer within {seconds:g} s")

    def pids(self) -> list[int]:
        """The server's process and its children (the query workers), the children in the
        order they started. Each thread lists the children it started: a worker that replaces
        another is started by the request thread that saw the other one go."""
        children: set[int] = set()
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            try:
                children.update(int(p) for p in (task / "children").read_text().split())
            except (OSError, ValueError):
                pass
        return [self.process.pid, *sorted(children)]

    def resident_mib(self) -> float | None:
        """Resident memory of the server and its children (the query workers), MiB."""
        found = [resident(pid) for pid in self.pids()]
        return None if None in found else sum(r for r, _ in found)

    def proportional_mib(self) -> float | None:
        """Proportional set size of the server and its children, MiB: each page counted once
        across them (a library's pages shared by four processes count a quarter in each),
        where the sum of resident sizes counts shared pages once per process."""
        found = [resident(pid) for pid in self.pids()]
        return None if None in found else sum(p for _, p in found)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def resident(pid: int) -> tuple[float, float] | None:
    """(resident, proportional) memory of one process, MiB (Linux /proc)."""
    try:
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 ** 2
        pss = next(int(line.split()[1]) / 1024 for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
                   if line.startswith("Pss:"))
        return rss, pss
    except (OSError, ValueError, StopIteration):
        return None


def aiact_server(port: int, *extra: str) -> Process:
    command = [sys.executable, "-m", "aiact_kg.cli", "serve", "--port", str(port), *extra]
    return Process(command, port, "/")


@dataclass
class Tally:
    """Latencies (seconds) and status counts of one kind of request."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0  # no answer at all (connection refused, reset, timed out)

    def add(self, seconds: float, status: int | None) -> None:
        if status is None:
            self.failures += 1
            return
        self.latencies.append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def count(self) -> int:
        return len(self.latencies) + self.failures

    @property
    def errors(self) -> int:
        return self.failures + sum(n for status, n in self.statuses.items() if status >= 400)

    def percentile(self, p: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    @property
    def median(self) -> float | None:
        return statistics.median(self.latencies) if self.latencies else None


def run_clients(port: int, clients: int, seconds: float, pick: Callable[[int, int], tuple[str, str, str]],
                max_requests: int = 1_000_000, timeout: float = 30) -> tuple[dict[str, Tally], float]:
    """``clients`` threads, each asking ``pick(client, n)`` -> (kind, method, path) in turn
    until ``seconds`` have passed or ``max_requests`` were sent in all. Returns the tallies by
    kind and the wall time."""
    tallies: dict[str, Tally] = {}
    lock = threading.Lock()
    sent = [0]
    stop_at = time.monotonic() + seconds

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        n = 0
        while time.monotonic() < stop_at:
            with lock:
                if sent[0] >= max_requests:
                    break
                sent[0] += 1
            kind, method, path, headers = _request(pick(number, n))
            n += 1
            start = time.perf_counter()
            try:
                connection.request(method, path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                status = None
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            elapsed = time.perf_counter() - start
            with lock:
                tallies.setdefault(kind, Tally()).add(elapsed, status)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + timeout + 5)
    return tallies, time.perf_counter() - started


def _request(spec) -> tuple[str, str, str, dict]:
    kind, method, path, *rest = spec
    return kind, method, path, (rest[0] if rest else {"Accept": "*/*"})


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:.1f}"
