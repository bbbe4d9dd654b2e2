"""Validate a description of an AI system against the Act: paste it or upload it, and read the
report with a link to each cited provision.

The checking is :func:`aiact_kg.validation.validate_bytes`; this page is registered only when
that module exists (see :func:`aiact_kg.web.validation_available`).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request

from .. import validation
from .graph import site
from .obligations import parse_date
from .resources import link_of

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
    try:
        report = validation.validate_bytes(data, filename, on, store=site().store)
    except ValueError as exc:
        abort(400, description=f"The description cannot be read: {exc}")
    text = data.decode("utf-8", "replace") if upload is None or not upload.filename else ""
    return render_template("validate/form.html", report=report, text=text, on=on.isoformat(), link=link_of,
                           view=report_view(report))


def report_view(report) -> dict:
    """What the template shows of a report: whether it conforms, and each result with its
    message, focus, severity and the provisions it cites."""
    def field(obj, *names, default=None):
        for name in names:
            value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
            if value is not None:
                return value
        return default

    results = []
    for result in field(report, "results", "violations", default=[]) or []:
        sources = field(result, "sources", "provisions", "source", default=[]) or []
        if isinstance(sources, str):
            sources = [sources]
        results.append({"message": str(field(result, "message", default="")),
                        "severity": str(field(result, "severity", default="")).rsplit("#", 1)[-1],
                        "focus": str(field(result, "focus", "focus_node", default="") or ""),
                        "path": str(field(result, "path", default="") or ""),
                        "sources": [str(s) for s in sources]})
    for result, source in zip(results, field(report, "results", "violations", default=[]) or []):
        result["obligation"] = str(field(source, "obligation", default="") or "")
        applicable = field(source, "applicable_from", default=None)
        result["applicable_from"] = applicable.isoformat() if hasattr(applicable, "isoformat") else str(applicable or "")
    classification = []
    for entry in field(report, "classification", default=[]) or []:
        classification.append({
            "label": str(field(entry, "label", default="")), "node": str(field(entry, "node", default="")),
            "minimal": bool(field(entry, "minimal", default=False)),
            "tiers": [str(field(t, "label", default="")) for t in field(entry, "tiers", default=[]) or []],
            "classes": [{"label": str(field(c, "label", default="")), "sources": list(field(c, "provisions", default=[]))}
                        for c in field(entry, "classes", default=[]) or []],
            "provisions": list(field(entry, "provisions", default=[]) or []),
            "roles": [{"label": str(field(r, "label", default="")), "role": str(field(r, "role_label", default="")),
                       "sources": list(field(r, "provisions", default=[]))} for r in field(entry, "roles", default=[]) or []],
        })
    return {"conforms": bool(field(report, "conforms", default=not results)), "results": results,
            "classification": classification, "warnings": [str(w) for w in field(report, "warnings", default=[]) or []],
            "text": str(field(report, "text", default="") or "")}
