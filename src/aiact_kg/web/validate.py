"""Validate a description of an AI system against the Act: paste it or upload it, and read the
report with a link to each cited provision.

The checking is :func:`aiact_kg.validation.validate_bytes`, over the graph the site serves.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request

from .. import limits as input_limits
from .graph import site
from .obligations import parse_date

bp = Blueprint("validate", __name__)

MAX_DESCRIPTION = input_limits.WEB_VALIDATE.max_bytes


def page_limits() -> input_limits.Limits:
    """The page's limits, as the settings VALIDATE_MAX_BYTES, VALIDATE_MAX_TRIPLES,
    VALIDATE_TIME_LIMIT and VALIDATE_MEMORY_LIMIT give them."""
    config = current_app.config
    return input_limits.WEB_VALIDATE.but(max_bytes=config.get("VALIDATE_MAX_BYTES"),
                                         max_triples=config.get("VALIDATE_MAX_TRIPLES"),
                                         seconds=config.get("VALIDATE_TIME_LIMIT"),
                                         memory=config.get("VALIDATE_MEMORY_LIMIT"))


@bp.get("/validate")
def form():
    return render_template("validate/form.html", report=None, text="", on=date.today().isoformat())


@bp.post("/validate")
def check():
    from .. import validation  # with its SHACL engine, loaded by the first check, not at start

    limits = page_limits()
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.read(limits.max_bytes + 1)
        filename = upload.filename
    else:
        data = request.form.get("description", "").encode("utf-8")
        filename = request.form.get("filename") or "description.ttl"
    if not data.strip():
        abort(400, description="Paste a description or choose a file to upload.")
    if len(data) > limits.max_bytes:
        abort(413, description=f"The description cannot be read: {input_limits.size_error(len(data), limits, 'it')}.")
    on = parse_date(request.form.get("on")) or date.today()
    allow = bool(request.form.get("allow_unknown_terms"))
    try:
        with input_limits.watch(limits, "validating the description"):
            report = validation.validate_bytes(data, filename, on, store=site().store, limits=limits,
                                               allow_unknown_terms=allow)
    except input_limits.LimitExceeded as exc:
        abort(503, description=f"The description was not validated: {exc}.")
    except validation.UnknownTermsError as exc:
        abort(400, description="The description uses terms its vocabularies do not define: "
                               + "; ".join(exc.lines()) + ". Correct them, or allow unknown terms to have them "
                               "reported as warnings.")
    except ValueError as exc:
        abort(400, description=f"The description cannot be read: {exc}")
    text = data.decode("utf-8", "replace") if upload is None or not upload.filename else ""
    return render_template("validate/form.html", report=report, text=text, on=on.isoformat())
