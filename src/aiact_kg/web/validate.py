"""Validate a description of an AI system against the Act: paste it or upload it, in any format
``aiact-kg validate`` reads, and read the report with a link to each cited provision, class
and obligation, labelled in the page's language; download the report as JSON, as a
standalone HTML page or as a short PDF.

The reading and the checking are :func:`aiact_kg.validation.validate_bytes` (the command's
own code), over the graph the site serves; the format is the one chosen or the one
:func:`aiact_kg.validation.detect_format` finds.

A description that cannot be read comes back in the form, with the line the parser names
marked in a numbered excerpt under it.

A downloaded report is made from the description posted again: the page's download buttons
submit the same form, with the description the report was made from (an uploaded file is
put in the text area once read). Nothing a user submits is kept on the server, and the same
description, format, date and options give the same report, whose header names the
description's SHA-256, the text version and the product version it was checked against.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shlex
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import PurePath

from flask import Blueprint, Response, abort, current_app, render_template, request
from markupsafe import Markup
from pyoxigraph import NamedNode
from werkzeug.exceptions import RequestEntityTooLarge

from .. import limits as input_limits
from ..vocab import ONTOLOGY_NS
from . import i18n
from .graph import site

bp = Blueprint("validate", __name__)

MAX_DESCRIPTION = input_limits.WEB_VALIDATE.max_bytes
#: What a request may carry besides the description (the other fields of the form).
FORM_MARGIN = 64 * 1024
#: The formats offered, in the order of the form; "auto" finds it as the command does.
FORMAT_CHOICES = [("auto", "Detect the format"), ("turtle", "Turtle"), ("jsonld", "JSON-LD"),
                  ("rdfxml", "RDF/XML"), ("ntriples", "N-Triples")]


def _validation():
    """:mod:`aiact_kg.validation`, with its SHACL engine: loaded by the first check, not at start."""
    from .. import validation

    return validation


def suffix_of(fmt) -> str:
    """The file ending the command reads as a format."""
    return next(suffix for suffix, f in _validation().FORMATS.items() if f == fmt)
DOWNLOADS = {"json": "application/json", "html": "text/html", "pdf": "application/pdf"}
#: Lines shown around each line an error names.
EXCERPT_CONTEXT = 3
#: Error lines marked in the excerpt (an unknown-terms error can name many).
EXCERPT_ERRORS = 5


def page_limits() -> input_limits.Limits:
    """The page's limits, as the settings VALIDATE_MAX_BYTES, VALIDATE_MAX_TRIPLES,
    VALIDATE_TIME_LIMIT and VALIDATE_MEMORY_LIMIT give them."""
    config = current_app.config
    return input_limits.WEB_VALIDATE.but(max_bytes=config.get("VALIDATE_MAX_BYTES"),
                                         max_triples=config.get("VALIDATE_MAX_TRIPLES"),
                                         seconds=config.get("VALIDATE_TIME_LIMIT"),
                                         memory=config.get("VALIDATE_MEMORY_LIMIT"))


# -- what was submitted -------------------------------------------------------------------------

@dataclass
class Submission:
    """A description as posted, and how it is to be read."""

    data: bytes
    name: str  # names it in messages and in the report: the uploaded file's name, or "description"
    format_key: str  # as chosen: "auto" or a key of validation.FORMAT_KEYS
    on: date
    allow_unknown_terms: bool
    uploaded: bool

    @property
    def fmt(self):
        if self.format_key in _validation().FORMAT_KEYS:
            return _validation().FORMAT_KEYS[self.format_key]
        return _validation().detect_format(self.data, self.name)

    @property
    def format_name(self) -> str:
        return _validation().FORMAT_NAMES[self.fmt]

    @property
    def used_key(self) -> str:
        """The format's key as the form offers it (what a resubmission must choose)."""
        return next(key for key, fmt in _validation().FORMAT_KEYS.items() if fmt == self.fmt)

    @property
    def text(self) -> str:
        """The description as text for the form, or "" when it is not UTF-8."""
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def command(self) -> str:
        """The command that validates the same description from a file: named as uploaded when
        its name gives its format, else ``description`` with the format's ending."""
        name = self.name
        if _validation().FORMATS.get(PurePath(name).suffix.lower()) != self.fmt:
            name = "description" + suffix_of(self.fmt)
        options = " --allow-unknown-terms" if self.allow_unknown_terms else ""
        return f"aiact-kg validate --on {self.on.isoformat()}{options} {shlex.quote(PurePath(name).name)}"


@dataclass
class Problem:
    """Why a description was not validated: the status, the message in the reader's language,
    and the lines of the description it names."""

    status: int
    message: str
    lines: list[int] = field(default_factory=list)


def read_submission(limits: input_limits.Limits) -> tuple[Submission, Problem | None]:
    """The posted description, with the problem of a field other than the description (an
    unknown format or date, which keeps the text in the form); a 4xx naming what is wrong
    when there is no description to keep (too large, empty)."""
    if limits.max_bytes is not None:
        request.max_content_length = limits.max_bytes + FORM_MARGIN
    try:
        form, upload = request.form, request.files.get("file")
    except RequestEntityTooLarge:
        size = request.content_length or 0
        abort(413, description=f"The description cannot be read: {input_limits.size_error(size, limits, 'it')}.")
    if upload is not None and upload.filename:
        data = upload.read(limits.max_bytes + 1 if limits.max_bytes is not None else -1)
        name, uploaded = upload.filename, True
    else:
        # a browser sends a text area's lines ended CR LF (HTML's rule): read as typed, LF
        data = form.get("description", "").replace("\r\n", "\n").encode("utf-8")
        name, uploaded = form.get("filename") or "description", False
    if not data.strip():
        abort(400, description="Paste a description or choose a file to upload.")
    if limits.max_bytes is not None and len(data) > limits.max_bytes:
        abort(413, description=f"The description cannot be read: {input_limits.size_error(len(data), limits, 'it')}.")
    submission = Submission(data, name, "auto", date.today(), bool(form.get("allow_unknown_terms")), uploaded)
    format_key = form.get("format") or "auto"
    if format_key != "auto" and format_key not in _validation().FORMAT_KEYS:
        return submission, Problem(400, i18n.translate(f"Unknown format {format_key!r}: choose one of "
                                                       + ", ".join(["auto", *_validation().FORMAT_KEYS]) + "."))
    submission.format_key = format_key
    text = form.get("on") or ""
    if text:
        try:
            submission.on = date.fromisoformat(text)
        except ValueError:
            return submission, Problem(400, i18n.translate(
                f"Not a date: {text!r}; write it as YYYY-MM-DD (e.g. 2026-08-02)."))
    return submission, None


def run(submission: Submission, limits: input_limits.Limits) -> validation.Report | Problem:
    """The report of a description, in the interface's language, or the problem that kept it
    from being validated."""
    _ = i18n.gettext
    lang = i18n.interface_lang()
    try:
        with input_limits.watch(limits, "validating the description"):
            return _validation().validate_bytes(submission.data, submission.name, submission.on, store=site().store,
                                             limits=limits, allow_unknown_terms=submission.allow_unknown_terms,
                                             fmt=submission.fmt, lang=lang)
    except input_limits.LimitExceeded as exc:
        return Problem(503, _("The description was not validated: {reason}.", reason=str(exc)))
    except _validation().UnknownTermsError as exc:
        lines = sorted({t.line for t in exc.terms if t.line})
        named = "; ".join(_("line {line}: {term}", line=t.line, term=t.text(lang)) if t.line else t.text(lang)
                          for t in exc.terms)
        return Problem(400, _("The description uses terms its vocabularies do not define: {terms}. Correct them, "
                              "or allow unknown terms to have them reported as warnings.", terms=named), lines)
    except _validation().InputError as exc:
        if exc.line is None:
            return Problem(400, _("The description cannot be read: {reason}", reason=exc.reason))
        where = (_("line {line}, column {column}", line=exc.line, column=exc.column) if exc.column
                 else _("line {line}", line=exc.line))
        return Problem(400, _("The description cannot be read at {where}: {reason}", where=where, reason=exc.reason),
                       [exc.line])


def excerpt(text: str, lines: list[int]) -> list[dict]:
    """The numbered lines around each line an error names, those lines marked; a gap between
    two windows is a row with ``gap``."""
    rows = [row.removesuffix("\r") for row in text.split("\n")]  # lines as the parsers count them
    if rows and rows[-1] == "":
        rows.pop()
    marked = [n for n in lines if 1 <= n <= len(rows) + 1][:EXCERPT_ERRORS]
    shown = sorted({n for line in marked for n in range(max(1, line - EXCERPT_CONTEXT),
                                                        min(len(rows), line + EXCERPT_CONTEXT) + 1)})
    out, previous = [], None
    for number in shown:
        if previous is not None and number != previous + 1:
            out.append({"gap": True})
        line = rows[number - 1]
        out.append({"number": number, "text": line if len(line) <= 300 else line[:300] + "…",
                    "error": number in marked, "gap": False})
        previous = number
    if any(n == len(rows) + 1 for n in marked):  # the parser names the line after the last
        out.append({"number": len(rows) + 1, "text": "", "error": True, "gap": False})
    return out


# -- labels and links in the page's language -----------------------------------------------------

class Labels:
    """The label and the page of each IRI a report cites, in one language: a provision by its
    citation ("Article 9(1)", "article 9, paragraphe 1"), a term of the ontology and an
    obligation by its label in the graph (English where it has none in the language), each
    linked to its page on this site; ``root`` makes the links absolute (a downloaded report)."""

    def __init__(self, lang: str, root: str = ""):
        self.lang, self.root = lang, root.rstrip("/")

    def label(self, iri: str | None) -> str:
        if not iri:
            return ""
        s = site()
        local = s.local_id(iri)
        if local:
            return s.label(local, self.lang)
        return s.cached(("report-label", iri, self.lang), lambda: self._graph_label(iri))

    def _graph_label(self, iri: str) -> str:
        s = site()
        for lang in dict.fromkeys((self.lang, "en")):
            rows = s.run("validation-labels", resource=NamedNode(iri), lang=lang)
            if rows:
                return rows[0]["label"].value
        return _validation()._local_name(iri)

    def href(self, iri: str | None) -> str | None:
        """The page of an IRI on this site, or None for what has none (a node of the description)."""
        if not iri or iri.startswith("_:"):
            return None
        s = site()
        local = s.local_id(iri)
        if local:
            path = s.href(local, self.lang)
        elif iri.startswith(ONTOLOGY_NS):
            path = i18n.ui_path("/ontology#" + iri[len(ONTOLOGY_NS):])
        else:
            path = s.path_of(iri)
            if path is None:
                return None
            path = i18n.ui_path(path)
        return self.root + path

    def link(self, iri: str | None) -> Markup:
        """``<a href="…">label</a>``, or the label alone for an IRI without a page."""
        href = self.href(iri)
        if href is None:
            return Markup("<span title=\"{}\">{}</span>").format(iri or "", self.label(iri))
        return Markup('<a href="{}" title="{}">{}</a>').format(href, iri, self.label(iri))

    def links(self, iris) -> Markup:
        return Markup(", ").join(self.link(i) for i in iris)

    def table(self, report: validation.Report) -> dict[str, dict]:
        """Every IRI the report cites, with its label and absolute page."""
        iris: set[str] = set()
        for finding in report.results:
            iris.update(finding.provisions)
            iris.update(i for i in (finding.obligation, finding.path) if i)
        for entry in report.classification:
            iris.update(entry.provisions + entry.points + entry.missing_kinds)
            for tier in entry.tiers + entry.classes:
                iris.add(tier.iri)
                iris.update(tier.provisions)
            for role in entry.roles:
                iris.add(role.role)
                iris.update(role.provisions)
            for evidence in entry.evidence:
                iris.add(evidence.provision)
        return {iri: {"label": self.label(iri), "href": self.href(iri)} for iri in sorted(iris)}


def node_names(report: validation.Report) -> dict[str, str]:
    """The description's systems, models and organisations by node, with the label the
    description gives them (what a finding's focus is shown as)."""
    names = {role.organisation: role.label for entry in report.classification for role in entry.roles}
    names.update({entry.node: entry.label for entry in report.classification})
    return names


# -- the report as a document ---------------------------------------------------------------------

def checked_against() -> dict:
    """The text and product a report was made with: the Act, its version, the product's version."""
    from .download import project_version

    s = site()
    lang = i18n.interface_lang()

    def act(language):
        rows = s.run("act", lang=language)
        return rows[0] if rows else {}

    row, english = act(lang), act("en")

    def value(name):
        found = row.get(name) or english.get(name)
        return found.value if found is not None else None

    return {"act": value("label"), "eli": value("eli"), "version": value("version"),
            "version_label": value("versionLabel"), "product_version": project_version(),
            "triples": s.cached(("store-triples",), s.store.count)}


def metadata(submission: Submission, report: validation.Report) -> dict:
    return {"description": {"name": submission.name, "sha256": submission.sha256, "bytes": len(submission.data),
                            "format": report.format or submission.format_name, "triples": report.triples},
            "applied_on": submission.on.isoformat(), "allow_unknown_terms": submission.allow_unknown_terms,
            "command": submission.command,
            "checked_against": checked_against(),
            "generated": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "language": i18n.interface_lang()}


def render_form(submission: Submission | None = None, report=None, problem: Problem | None = None,
                status: int = 200):
    text = submission.text if submission is not None else ""
    # An uploaded description is read as the format found for its file name: the form
    # resubmits its text under that format.
    format_key = "auto"
    if submission is not None:
        format_key = submission.used_key if submission.uploaded and text else submission.format_key
    return render_template(
        "validate/form.html", report=report, text=text, problem=problem,
        excerpt=excerpt(text, problem.lines) if problem is not None and problem.lines and text else [],
        error_line=problem.lines[0] if problem is not None and problem.lines and text else None,
        on=(submission.on if submission is not None else date.today()).isoformat(),
        format_key=format_key, formats=FORMAT_CHOICES,
        filename=submission.name if submission is not None and submission.name != "description" else "",
        allow_unknown_terms=submission.allow_unknown_terms if submission is not None else False,
        labels=Labels(i18n.interface_lang()), names=node_names(report) if report is not None else {},
        meta=metadata(submission, report) if report is not None else None,
        max_size=input_limits._bytes(page_limits().max_bytes)), status


@bp.get("/validate")
def form():
    return render_form()


@bp.post("/validate")
def check():
    from .. import validation  # with its SHACL engine, loaded by the first check, not at start

    limits = page_limits()
    submission, problem = read_submission(limits)
    outcome = problem or run(submission, limits)
    if isinstance(outcome, Problem):
        return render_form(submission, problem=outcome, status=outcome.status)
    return render_form(submission, report=outcome)


@bp.post("/validate/report")
def download():
    """The report of the posted description as a file: ``download`` is json, html or pdf."""
    limits = page_limits()
    submission, problem = read_submission(limits)  # first: it reads the form within the page's limits
    kind = request.form.get("download", "")
    if kind not in DOWNLOADS:
        abort(400, description=f"Unknown format {kind!r}: choose one of " + ", ".join(DOWNLOADS) + ".")
    outcome = problem or run(submission, limits)
    if isinstance(outcome, Problem):
        return render_form(submission, problem=outcome, status=outcome.status)
    labels = Labels(i18n.interface_lang(), root=request.host_url)
    meta = metadata(submission, outcome)
    if kind == "json":
        document = {**meta, "report": outcome.as_dict(), "labels": labels.table(outcome)}
        body = json.dumps(document, indent=2, ensure_ascii=False)
    elif kind == "html":
        body = render_template("validate/document.html", report=outcome, labels=labels, meta=meta,
                               names=node_names(outcome), style=DOCUMENT_STYLE)
    else:
        from .report_pdf import render_pdf

        body = render_pdf(outcome, labels, meta, node_names(outcome))
    response = Response(body, mimetype=DOWNLOADS[kind])
    stem = "aiact-validation-" + submission.sha256[:12]
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    if kind == "html":
        # a document of its own: its one inline style allowed by its hash, no script at all
        digest = hashlib.sha256(DOCUMENT_STYLE.encode("utf-8")).digest()
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'sha256-" + base64.b64encode(digest).decode() + "'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    return response


#: The style of a downloaded HTML report, inline so the file reads on its own.
DOCUMENT_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 1.6rem; } h3 { font-size: 1.05rem; }
dl.report-meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.report-meta dt { font-weight: 600; } dl.report-meta dd { margin: 0; overflow-wrap: anywhere; }
.verdict.conforms { color: #1d5e20; } .verdict.fails { color: #8a1c1c; } .verdict { font-weight: 600; }
.report-results li { margin-bottom: .6rem; } .severity { font-weight: 600; }
.report-results li > span { display: block; } code { font-size: .9em; overflow-wrap: anywhere; }
a { color: #0b4f8a; }
"""
