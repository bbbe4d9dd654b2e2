"""Fixtures of the hostile-input suite: a listener on loopback that records every connection
made to it (no probe may cause one), and the front end configured as it is served, with
limits small enough for quick tests."""

from __future__ import annotations

import socket
import threading

import pytest


class Listener:
    """A TCP socket on 127.0.0.1 that accepts and records connections; it answers each with
    ``reply`` (an HTTP response holding a secret an attacker would like to read back)."""

    SECRET = "internal-secret-4f1d9c"

    def __init__(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections: list[bytes] = []
        self.reply = (b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\nConnection: close\r\n"
                      b"Content-Length: 60\r\n\r\n<html><body>" + self.SECRET.encode() + b" admin page</body></html>  ")
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            if self._stop:
                connection.close()
                return
            connection.settimeout(2)
            try:
                data = connection.recv(65536)
            except OSError:
                data = b""
            self.connections.append(data)
            try:
                connection.sendall(self.reply)
            except OSError:
                pass
            connection.close()

    def close(self) -> None:
        self._stop = True
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except OSError:
            pass
        self.socket.close()
        self._thread.join(2)


@pytest.fixture(scope="session")
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def quiet_listener(listener):
    """The listener, asserted to have received nothing during the test."""
    before = len(listener.connections)
    yield listener
    assert listener.connections[before:] == [], "a probe made a connection to the listener"


#: Small limits so that each case is quick.
TIMEOUT = 4.0
MEMORY = 256 * 1024 * 1024


@pytest.fixture(scope="session")
def secure_app(store):
    from aiact_kg.web import create_app

    app = create_app({"STORE": store, "TESTING": True, "SPARQL_TIMEOUT": TIMEOUT, "SPARQL_WORKERS": 2,
                      "SPARQL_LIGHT_WORKERS": 1, "SPARQL_MEMORY": MEMORY, "SPARQL_LIMIT": 1000,
                      "SPARQL_QUEUE": 4, "SPARQL_PER_CLIENT": 2})
    yield app
    pool = app.extensions.get("aiact_kg.pool")
    if pool is not None:
        pool.close()


@pytest.fixture
def client(secure_app):
    return secure_app.test_client()


@pytest.fixture(scope="session")
def workers(secure_app):
    from aiact_kg.web import sparql

    with secure_app.app_context():
        pool = sparql.pool()
    assert pool.wait_ready(60)
    return pool
