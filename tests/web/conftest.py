"""Fixtures of the front end's tests: the application over the session's store, its test
client, and the same application served by waitress on a loopback port (for real clients and
the browser)."""

from __future__ import annotations

import threading

import pytest

#: Short enough that the timeout test is quick, long enough for any honest query.
TEST_TIMEOUT = 3.0


@pytest.fixture(scope="session")
def app(store):
    from aiact_kg.web import create_app

    app = create_app({"STORE": store, "TESTING": True, "SPARQL_TIMEOUT": TEST_TIMEOUT, "SPARQL_WORKERS": 1,
                      "SPARQL_LIMIT": 1000})
    yield app
    pool = app.extensions.get("aiact_kg.pool")
    if pool is not None:
        pool.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(app):
    """The application under waitress on 127.0.0.1, as ``aiact-kg serve`` runs it: its base URL."""
    from aiact_kg.web import inline

    server = inline.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    host, port = server.effective_host, server.effective_port
    yield f"http://{host}:{port}"
    server.close()


@pytest.fixture(scope="session")
def index(store):
    """The Act as the linker knows it."""
    from aiact_kg import linker

    return linker.ActIndex.from_store(store)
