"""How long a search takes, through the whole page: the query read, the index searched, the
results ranked, paged and counted by facet, and the page rendered.

The same queries (plain words, a word in French, a quoted phrase, a prefix, a long query, a
narrowed and a paged search, the JSON answer) are requested in turn, round after round,
through Flask's test client in this process, with the page cache off and the index's cache of
matched queries emptied before each request (a page 2 or a facet of a query just made is
faster). Prints p50 and p95 per query and over all of them; then, in the same process, the
index alone (:meth:`Index.search` without the page) for the same queries, so that the share
of the page's time spent searching is a ratio measured under the same load.

    python bench/search.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

QUERIES = {
    "deployer": {"q": "deployer"},
    "déployeur (French)": {"q": "déployeur"},
    "risk management system": {"q": "risk management system"},
    '"high-risk AI system" (phrase)': {"q": '"high-risk AI system"'},
    "deploy* (prefix)": {"q": "deploy*"},
    "long query": {"q": "obligations of deployers of high-risk AI systems in the workplace"},
    "phrase, English, chapter III": {"q": '"high-risk AI system" provider', "lang": "en", "chapter": "cpt_III"},
    "phrase, page 3": {"q": '"high-risk AI system"', "page": "3"},
    "JSON, page 2": {"q": "transparency", "page": "2", "format": "json"},
}


def percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, int(len(values) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="requests of each query (default 30)")
    args = parser.parse_args()
    from aiact_kg.web import create_app
    from aiact_kg.web import search

    app = create_app({"PAGE_CACHE": False})
    client = app.test_client()
    for params in QUERIES.values():  # warm-up: templates compiled
        response = client.get("/search", query_string=params)
        if response.status_code != 200:
            raise SystemExit(f"{params}: HTTP {response.status_code}")
    pages: dict[str, list[float]] = {name: [] for name in QUERIES}
    alone: dict[str, list[float]] = {name: [] for name in QUERIES}
    index = search.index(app)
    forget = getattr(getattr(index, "match", None), "cache_clear", lambda: None)
    with app.test_request_context():
        for _ in range(args.rounds):
            for name, params in QUERIES.items():
                forget()
                start = time.perf_counter()
                client.get("/search", query_string=params).get_data()
                pages[name].append((time.perf_counter() - start) * 1000)
                forget()
                start = time.perf_counter()
                index.search(params["q"])
                alone[name].append((time.perf_counter() - start) * 1000)
    print(f"{'search (page, uncached)':34} {'p50 ms':>8} {'p95 ms':>8} {'index p50':>10}")
    for name in QUERIES:
        p50, p95 = percentiles(pages[name])
        print(f"{name:34} {p50:8.2f} {p95:8.2f} {percentiles(alone[name])[0]:10.2f}")
    every = [v for values in pages.values() for v in values]
    index_all = [v for values in alone.values() for v in values]
    p50, p95 = percentiles(every)
    share = percentiles(index_all)[0] / p50
    print(f"{'all queries':34} {p50:8.2f} {p95:8.2f} {percentiles(index_all)[0]:10.2f}")
    print(f"index alone / whole page, p50: {share:.2f}")


if __name__ == "__main__":
    main()
