"""Validate a description of an AI system against the Act: paste it or upload it, and read the
report with a link to each cited provision.

The checking is :func:`aiact_kg.validation.validate_bytes`, over the graph the site serves.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request

from .. import validation
from .graph import site
from .obligations import parse_date

bp = Blueprint("validate", __name__)

MAX_DESCRIPTION = 1024 * 1024


@bp.get("/validate")
def form():
    return render_template("validate/form.html", report=None, text="", on=date.today().isoformat())


@bp.post("/validate")
def check():
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.read(MAX_DESCRIPTION + 1)
        filename = upload.filename
    else:
        data = request.form.get("description", "").encode("utf-8")
        filename = request.form.get("filename") or "description.ttl"
    if not data.strip():
        abort(400, description="Paste a description or choose a file to upload.")
    if len(data) > MAX_DESCRIPTION:
        abort(413, description="The description is larger than 1 MiB.")
    on = parse_date(request.form.get("on")) or date.today()
    allow = bool(request.form.get("allow_unknown_terms"))
    try:
        report = validation.validate_bytes(data, filename, on, store=site().store, allow_unknown_terms=allow)
    except validation.UnknownTermsError as exc:
        abort(400, description="The description uses terms its vocabularies do not define: "
                               + "; ".join(exc.lines()) + ". Correct them, or allow unknown terms to have them "
                               "reported as warnings.")
    except ValueError as exc:
        abort(400, description=f"The description cannot be read: {exc}")
    text = data.decode("utf-8", "replace") if upload is None or not upload.filename else ""
    return render_template("validate/form.html", report=report, text=text, on=on.isoformat())
