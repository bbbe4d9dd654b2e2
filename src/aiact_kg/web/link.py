"""Link a text: paste commentary or upload it (.txt, .md, .html, .docx, .pdf) and read it back
with every citation of the AI Act as a link, the cited provisions in the Act's order, and the
citations that could not be linked, with why.

The linking is :mod:`aiact_kg.linker`; the Act as it knows it (:class:`~aiact_kg.linker.ActIndex`)
is built once per application from the named query ``linker-provisions``. The same result is
available as JSON, Turtle (Web Annotations) or plain text with the ``format`` field.
"""

from __future__ import annotations

import threading

from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import RequestEntityTooLarge

from .. import limits as input_limits, linker
from .graph import site

bp = Blueprint("link", __name__)

#: Largest upload or paste the page takes (``LINK_UPLOAD_LIMIT`` in the configuration).
UPLOAD_LIMIT = linker.MAX_BYTES
ACCEPT = ".txt,.md,.html,.htm,.docx,.pdf,text/plain,text/markdown,text/html,application/pdf"
MEDIA_TYPES = {"json": "application/json", "ttl": "text/turtle", "text": "text/plain"}
_LOCK = threading.Lock()


def act_index() -> linker.ActIndex:
    """The Act as the linker knows it, built on first use and kept with the application."""
    index = current_app.extensions.get("aiact_kg.linker")
    if index is None:
        with _LOCK:
            index = current_app.extensions.get("aiact_kg.linker")
            if index is None:
                index = linker.ActIndex.from_store(site().store)
                current_app.extensions["aiact_kg.linker"] = index
    return index


def upload_limit() -> int:
    return int(current_app.config.get("LINK_UPLOAD_LIMIT", UPLOAD_LIMIT))


def page_limits() -> input_limits.Limits:
    """Time and memory of one document (settings LINK_TIME_LIMIT and LINK_MEMORY_LIMIT)."""
    config = current_app.config
    return input_limits.WEB_LINK.but(max_bytes=upload_limit(), seconds=config.get("LINK_TIME_LIMIT"),
                                     memory=config.get("LINK_MEMORY_LIMIT"))


@bp.before_request
def _allow_documents():
    """Documents are larger than other forms: this page takes up to its own limit."""
    request.max_content_length = upload_limit() + 64 * 1024
    request.max_form_memory_size = upload_limit()


def _form(**values) -> dict:
    # "text_lang", not "lang": the layout reads "lang" as the language of the page's Act text.
    defaults = {"text": "", "text_lang": "auto", "default_act": "ai-act", "error": None, "doc": None,
                "limit_mb": upload_limit() // (1024 * 1024), "accept": ACCEPT}
    defaults.update(values)
    return defaults


@bp.get("/link")
def form():
    return render_template("link/form.html", **_form())


@bp.post("/link")
def link():
    try:
        upload = request.files.get("file")
        pasted = request.form.get("text", "")
        lang = request.form.get("lang", "auto")
        default_act = request.form.get("default_act", "ai-act").strip() or "ai-act"
        fmt = request.form.get("format", "page")
    except RequestEntityTooLarge:
        return render_template("link/form.html", **_form(
            error=f"The document is larger than the {upload_limit() // (1024 * 1024)} MB this page takes.")), 413
    if lang not in ("auto", "fr", "en"):
        lang = "auto"
    values = {"text": pasted if not (upload and upload.filename) else "", "text_lang": lang,
              "default_act": default_act}
    try:
        if upload is not None and upload.filename:
            data = upload.read(upload_limit() + 1)
            if len(data) > upload_limit():
                raise linker.DocumentError(f"the file is larger than the {upload_limit() // (1024 * 1024)} MB "
                                           "this page takes")
            name = upload.filename
            with input_limits.watch(page_limits(), "reading the document"):
                text = linker.read_source(data, name, upload_limit())
        else:
            name = ""
            text = linker.check_text(pasted)
            if len(text) > linker.MAX_CHARS:
                raise linker.DocumentError(f"the text has {len(text):,} characters; the page links texts of up to "
                                           f"{linker.MAX_CHARS:,}")
    except (linker.DocumentError, input_limits.LimitExceeded) as exc:
        return render_template("link/form.html", **_form(error=f"This cannot be linked: {exc}.", **values)), 400
    try:
        with input_limits.watch(page_limits(), "linking the text"):
            doc = linker.link_text(text, act_index(), None if lang == "auto" else lang, default_act, name=name)
    except input_limits.LimitExceeded as exc:
        return render_template("link/form.html", **_form(error=f"This was not linked: {exc}.", **values)), 503
    if fmt in MEDIA_TYPES:
        return Response(linker.render(doc, fmt), mimetype=MEDIA_TYPES[fmt])
    s = site()
    linked = Markup(linker.render_html_fragment(doc, href=lambda local: s.href(local, doc.lang), anchors=True))
    return render_template("link/form.html", **_form(doc=doc, linked=linked, provisions=doc.provisions(),
                                                     href=lambda local: s.href(local, doc.lang), **values))
