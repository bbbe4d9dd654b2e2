"""Real SPARQL 1.1 servers for the tests, each on loopback with a temporary database.

- Oxigraph server (PyPI package ``oxigraph``, a test extra): ``oxigraph serve --location DIR
  --bind 127.0.0.1:PORT``; query ``/query``, update ``/update``, Graph Store ``/store``.
- Virtuoso Open Source 7 (Debian package ``virtuoso-opensource``, installed by
  ``.ci/virtuoso.sh`` when ``virtuoso-t`` is missing): a private ``virtuoso-t`` with its own
  ``virtuoso.ini``; query ``/sparql``, update ``/sparql-auth`` and Graph Store
  ``/sparql-graph-crud-auth``, both behind HTTP Digest authentication as user ``dba``.

A server that cannot be installed or started makes its tests FAIL with the installer's or
the server's own output: they never pass or skip silently. The start functions are plain
Python (``bench/scale.py`` uses them too); the fixtures below wrap them. Test modules load
the fixtures with ``pytest_plugins = ["servers"]``, so each server starts once per session.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
VIRTUOSO_INSTALLER = REPOSITORY / ".ci" / "virtuoso.sh"


class ServerUnavailable(RuntimeError):
    """A server could not be installed or started; the message carries its output."""


@dataclass
class Server:
    name: str
    query_url: str
    update_url: str
    store_url: str
    process: subprocess.Popen
    folder: Path
    log: Path
    user: str | None = None
    password: str | None = None
    owns_folder: bool = True
    extra: dict = field(default_factory=dict)

    def store(self, **options):
        """A ``RemoteStore`` on this server (Graph Store Protocol for loading unless
        ``store_endpoint=None`` is given)."""
        from aiact_kg.remote import RemoteStore

        settings = dict(update_endpoint=self.update_url, store_endpoint=self.store_url,
                        user=self.user, password=self.password)
        settings.update(options)
        return RemoteStore(self.query_url, **settings)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.owns_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def output(self, limit: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-limit:]
        except OSError:
            return "(no output)"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    query = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    request = urllib.request.Request(url, data=query, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait(server: Server, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerUnavailable(f"{server.name} exited with status {server.process.returncode}:\n{server.output()}")
        if _answers(server.query_url):
            return
        time.sleep(0.2)
    server.stop()
    raise ServerUnavailable(f"{server.name} did not answer at {server.query_url} within {seconds:.0f} s:\n{server.output()}")


# -- Oxigraph server ------------------------------------------------------------------------------

def oxigraph_executable() -> str:
    found = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if not found:
        raise ServerUnavailable("the Oxigraph server is missing: pip install 'oxigraph>=0.5,<0.6' (a test extra)")
    return found


def start_oxigraph(timeout_s: int | None = None, folder: Path | None = None) -> Server:
    """``oxigraph serve`` on a free loopback port with a temporary data directory."""
    executable = oxigraph_executable()
    owns = folder is None
    folder = Path(folder or tempfile.mkdtemp(prefix="aiact-kg-oxigraph-"))
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "server.log"
    for _ in range(3):  # a port taken between choosing and binding: choose again
        port = free_port()
        command = [executable, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"]
        if timeout_s:
            command += ["--timeout-s", str(timeout_s)]
        with open(log, "ab") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        server = Server("Oxigraph server", f"{base}/query", f"{base}/update", f"{base}/store", process, folder, log,
                        owns_folder=owns)
        try:
            _wait(server, 30)
            return server
        except ServerUnavailable as exc:
            error = exc
            if process.poll() is None:
                server.stop()
    raise error


# -- Virtuoso Open Source 7 -------------------------------------------------------------------------

_VIRTUOSO_INI = """\
; A private Virtuoso for the tests: loopback only, a temporary database.
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:{sql_port}
DisableUnixSocket    = 1
DisableTcpSocket     = 0
CaseMode             = 2
DirsAllowed          = ., {folder}
NumberOfBuffers      = 20000
MaxDirtyBuffers      = 15000
ThreadsPerQuery      = 2
MaxClientConnections = 10
CheckpointInterval   = 60

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {folder}
ServerThreads        = 8
MaxClientConnections = 8
MaxKeepAlives        = 8
KeepAliveTimeout     = 10
Charset              = UTF-8
EnabledGzipContent   = 0

[SPARQL]
ResultSetMaxRows           = 1000000
MaxSortedTopRows           = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 120
"""


def ensure_virtuoso() -> tuple[str, str]:
    """``virtuoso-t`` and ``isql-vt``, installing Debian's virtuoso-opensource if missing."""
    if not shutil.which("virtuoso-t"):
        try:
            run = subprocess.run(["bash", str(VIRTUOSO_INSTALLER)], capture_output=True, text=True, timeout=1200,
                                 env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ServerUnavailable(f"Virtuoso could not be installed: {VIRTUOSO_INSTALLER} failed: {exc}") from None
        if run.returncode != 0 or not shutil.which("virtuoso-t"):
            raise ServerUnavailable(
                f"Virtuoso could not be installed: {VIRTUOSO_INSTALLER} exited with status {run.returncode}\n"
                f"--- its output ---\n{(run.stdout + run.stderr)[-6000:]}")
    isql = shutil.which("isql-vt") or shutil.which("isql")
    if not isql:
        raise ServerUnavailable("virtuoso-t is installed but its SQL client isql-vt is not on PATH")
    return shutil.which("virtuoso-t"), isql


def start_virtuoso(folder: Path | None = None) -> Server:
    """A private ``virtuoso-t`` on free loopback ports with a fresh database; the ``dba``
    password is set to a random one, given to the tests (never printed)."""
    virtuoso, isql = ensure_virtuoso()
    owns = folder is None
    folder = Path(folder or tempfile.mkdtemp(prefix="aiact-kg-virtuoso-"))
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "server.log"
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    (folder / "virtuoso.ini").write_text(_VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port))
    with open(log, "ab") as out:
        process = subprocess.Popen([virtuoso, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                                   cwd=folder, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    server = Server("Virtuoso", f"{base}/sparql", f"{base}/sparql-auth", f"{base}/sparql-graph-crud-auth",
                    process, folder, log, user="dba", owns_folder=owns, extra={"sql_port": sql_port})
    try:
        _wait(server, 180)
    except ServerUnavailable as exc:
        raise ServerUnavailable(f"{exc}\n--- virtuoso.log ---\n{_tail(folder / 'virtuoso.log')}") from None
    password = "p" + secrets.token_hex(16)  # an SQL identifier: a letter first
    script = f"SET PASSWORD dba {password};\ncheckpoint;\n"
    try:
        run = subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba"], input=script, capture_output=True,
                             text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        server.stop()
        raise ServerUnavailable(f"Virtuoso started but its dba password could not be set: {exc}") from None
    if run.returncode != 0 or "Error" in run.stdout + run.stderr:
        server.stop()
        said = (run.stdout + run.stderr).replace(password, "********")
        raise ServerUnavailable(f"Virtuoso started but its dba password could not be set:\n{said}")
    server.password = password
    return server


def _tail(path: Path, limit: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-limit:]
    except OSError:
        return "(none)"


# -- fixtures -------------------------------------------------------------------------------------

def _started(start, **options) -> Server:
    try:
        return start(**options)
    except ServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def oxigraph_server():
    server = _started(start_oxigraph)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server():
    server = _started(start_virtuoso)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def oxigraph_store(oxigraph_server, graph_file):
    """The built graph loaded into Oxigraph server through the Graph Store Protocol."""
    store = oxigraph_server.store()
    store.load([graph_file])
    return store


@pytest.fixture(scope="session")
def virtuoso_store(virtuoso_server, graph_file):
    """The built graph loaded into Virtuoso through its Graph Store endpoint, with Digest auth."""
    store = virtuoso_server.store()
    store.load([graph_file])
    return store
