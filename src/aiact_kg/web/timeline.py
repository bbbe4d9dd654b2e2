"""The timeline of Article 113: when the Act entered into force and when each part applies, and
"what applies on DATE" (``/timeline?date=2026-08-02``).

The dates are the act's (``act``) and the application dates the graph records
(``application-dates``: individuals of ``aiact:ApplicationDate``), with the obligations that
apply from each (``obligations``). Nothing is derived here from the wording of Article 113.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from .browse import act_dates
from .graph import site
from .i18n import gettext as _, interface_lang
from .obligations import KIND_WORDS, kind_counts, obligation_rows, parse_date

bp = Blueprint("timeline", __name__)


@bp.get("/timeline")
def timeline():
    on = parse_date(request.args.get("date"))
    s = site()
    lang = interface_lang()
    act = s.shared("act", lang=lang)
    act = act[0] if act else {}
    dates = act_dates(s, lang)
    events = []
    if "document" in act:
        events.append({"date": act["document"].value, "label": _("Adopted (signed in Brussels)"), "source": None})
    if "publication" in act:
        events.append({"date": act["publication"].value, "label": _("Published in the Official Journal"), "source": None})
    if "inForce" in act:
        events.append({"date": act["inForce"].value, "label": _("Entry into force"), "source": "art_113"})
    for d in dates:
        events.append({"date": d["date"], "label": d["label"] or _("Application date"), "source": s.local_id(d["source"] or ""),
                       "concerns": [s.local_id(c) or c for c in d["concerns"]]})
    events.sort(key=lambda e: e["date"])
    applying, obligations = None, []
    if on is not None:
        applying = [e for e in events if e["date"] <= on.isoformat()]
        obligations = [o for o in obligation_rows(lang) if o["applicable_from"] and o["applicable_from"] <= on.isoformat()]
    return render_template("timeline/timeline.html", events=events, on=on, applying=applying,
                           obligations=obligations, kinds=kind_counts(obligations, lang), kind_words=KIND_WORDS[lang],
                           has_application_dates=bool(dates), site=s)
