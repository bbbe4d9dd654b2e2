"""The dataset to download: the whole graph in Turtle, JSON-LD and N-Triples, with the version
of the text it holds, the project's version, each file's size and SHA-256 checksum
(``/download``, ``/download/aiact-kg.ttl``, ``/download/SHA256SUMS``).

Each file is the store's own export (as ``aiact-kg export`` writes it), made on first use and
written to a folder of temporary files of the process (removed when it exits): the server
keeps its size and checksum, not its 3 to 8 MB, and sends it from the disk. A file is made
again once the graph has changed (linked commentary loaded: the store's ``generation``).
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import os
import shutil
import tempfile
import threading
from importlib import metadata
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, send_file

from .graph import site

bp = Blueprint("download", __name__)

#: File name, media type and the format's name.
FILES = {
    "aiact-kg.ttl": ("text/turtle", "Turtle"),
    "aiact-kg.jsonld": ("application/ld+json", "JSON-LD"),
    "aiact-kg.nt": ("application/n-triples", "N-Triples"),
}
_lock = threading.Lock()


def exported(name: str) -> dict:
    """The file ``name`` of the dataset as the graph is now: its path, size and SHA-256 (made
    once for each state of the graph, then kept on disk)."""
    kept = current_app.extensions.setdefault("aiact_kg.downloads", {})
    store = site().store
    generation = (id(store), getattr(store, "generation", 0))
    with _lock:
        found = kept.get(name)
        if found is None or found["generation"] != generation:
            media_type, fmt = FILES[name]
            data = store.export(media_type)
            path = _folder() / "{}-{}-{}".format(*generation, name)  # one file per store and state
            part = path.with_name(path.name + ".part")
            part.write_bytes(data)
            os.replace(part, path)  # whole or absent, never half-written
            if found is not None and found["path"] != path:
                found["path"].unlink(missing_ok=True)
            kept[name] = found = {"name": name, "media_type": media_type, "format": fmt, "path": path,
                                  "generation": generation, "size": len(data),
                                  "sha256": hashlib.sha256(data).hexdigest()}
        return found


_made: list[Path] = []


def _folder() -> Path:
    """The process's folder of downloads, made on first use and removed at exit."""
    if not _made:
        folder = Path(tempfile.mkdtemp(prefix="aiact-kg-downloads-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _made.append(folder)
    return _made[0]


def project_version() -> str:
    try:
        return metadata.version("aiact-kg")
    except metadata.PackageNotFoundError:
        return "unknown"


@bp.get("/download")
def index():
    s = site()
    from .i18n import interface_lang

    act = s.shared("act", lang=interface_lang())
    act = act[0] if act else {}
    version = {"label": act["versionLabel"].value if "versionLabel" in act else None,
               "iri": act["version"].value if "version" in act else None}
    files = [exported(name) for name in FILES]
    return render_template("download/index.html", files=files, version=version, project=project_version(),
                           triples=s.fact("triples", s.store.count))


@bp.get("/download/SHA256SUMS")
def checksums():
    lines = "".join(f"{f['sha256']}  {f['name']}\n" for f in (exported(name) for name in FILES))
    return Response(lines, mimetype="text/plain")


@bp.get("/download/<name>")
def file(name: str):
    if name not in FILES:
        abort(404, description=f"No file {name!r}: the dataset is " + ", ".join(FILES) + ".")
    f = exported(name)
    response = send_file(f["path"], mimetype=f["media_type"], as_attachment=True, download_name=name,
                         etag=f["sha256"], conditional=True, max_age=0)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'  # quoted, as clients expect
    response.headers["Digest"] = "sha-256=" + base64.b64encode(bytes.fromhex(f["sha256"])).decode()
    return response
