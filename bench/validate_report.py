"""What the Validate page's answers cost beside the validation itself.

For each description of ``examples/`` (and ``examples/airo/``), posted to the page through
Flask's test client in one process: the median time of the page (validation and rendering),
of each download (JSON, standalone HTML, PDF: each validates the posted description again)
and, as the baseline measured in the same run, of the validation alone
(``validation.validate_bytes`` over the same store); with each one's ratio to the baseline.

    python bench/validate_report.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

ON = "2026-09-01"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs over every example (default 3)")
    args = parser.parse_args()

    from aiact_kg import build, paths, validation
    from aiact_kg.store import EmbeddedStore
    from aiact_kg.web import create_app

    store = EmbeddedStore(files=[build.build()])
    app = create_app({"STORE": store, "SPARQL_WORKERS": 0, "PAGE_CACHE": True})
    client = app.test_client()
    examples = sorted(paths.EXAMPLES.glob("*.ttl")) + sorted((paths.EXAMPLES / "airo").glob("*.ttl"))
    texts = [path.read_text(encoding="utf-8") for path in examples]
    times: dict[str, list[float]] = {"validation alone": [], "page": [], "JSON": [], "HTML": [], "PDF": []}

    def timed(name, work):
        start = time.perf_counter()
        result = work()
        times[name].append(time.perf_counter() - start)
        return result

    for text in texts:  # warm: the engine, the labels, the fonts
        client.post("/validate/report", data={"description": text, "on": ON, "download": "pdf",
                                              "allow_unknown_terms": "on"})
    for _ in range(args.repeat):
        for text in texts:
            form = {"description": text, "on": ON, "allow_unknown_terms": "on"}
            timed("validation alone", lambda: validation.validate_bytes(
                text.encode("utf-8"), "description", date.fromisoformat(ON), store=store, allow_unknown_terms=True))
            assert timed("page", lambda: client.post("/validate", data=form)).status_code == 200
            for name, kind in (("JSON", "json"), ("HTML", "html"), ("PDF", "pdf")):
                response = timed(name, lambda: client.post("/validate/report", data={**form, "download": kind}))
                assert response.status_code == 200, response.status_code
    baseline = statistics.median(times["validation alone"])
    print(f"{len(texts)} descriptions x {args.repeat} runs; median per description")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<17} {median * 1000:8.1f} ms   {median / baseline:5.2f} x the validation alone")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
