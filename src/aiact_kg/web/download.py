"""The dataset to download: the whole graph in Turtle, JSON-LD and N-Triples, with the version
of the text it holds, the project's version, each file's size and SHA-256 checksum
(``/download``, ``/download/aiact-kg.ttl``, ``/download/SHA256SUMS``).

Each file is the store's own export (as ``aiact-kg export`` writes it), made once on first use
and kept: the graph does not change while it is served.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from importlib import metadata

from flask import Blueprint, Response, abort, current_app, render_template

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
    """The file ``name`` of the dataset: its bytes, size and SHA-256 (made once, then kept)."""
    kept = current_app.extensions.setdefault("aiact_kg.downloads", {})
    with _lock:
        if name not in kept:
            media_type, fmt = FILES[name]
            data = site().store.export(media_type)
            kept[name] = {"name": name, "media_type": media_type, "format": fmt, "data": data,
                          "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        return kept[name]


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
    response = Response(f["data"], mimetype=f["media_type"])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Digest"] = "sha-256=" + base64.b64encode(bytes.fromhex(f["sha256"])).decode()
    response.set_etag(f["sha256"])
    return response
