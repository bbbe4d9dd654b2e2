"""How long each kind of page takes to render from the store, with the page cache off.

Every page kind the site serves (an article, Article 3 with its 68 definitions, an article side
by side in both languages, a French article, a recital, an annex, a chapter, the glossary, the
obligations and actor pages, the timeline, a search) is requested in turn, alternating kinds
round after round, through Flask's test client in this process, with ``PAGE_CACHE`` off: each
request renders from the embedded store. Prints p50 and p95 per kind, against the targets of
p50 <= 10 ms (side by side <= 20 ms).

Then the cold start: a fresh Python process imports the application, opens the store and
answers its first page; the time from process start to that first answer (target <= 1 s).

Then memory: a fresh process with the site as served (page cache on, the embedded store),
its resident memory after start and after 10,000 requests over every article, recital and
page kind above (target: flat within 10 %). Measured in-process through the test client, so
it counts the application and its store, not the waitress threads or the /sparql workers.

    python bench/pages.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))

PAGES = {
    "article (Article 26)": "/reg/2024/1689/art_26",
    "Article 3 (definitions)": "/reg/2024/1689/art_3",
    "Article 3 side by side": "/reg/2024/1689/art_3?lang=both",
    "article side by side (Article 26)": "/reg/2024/1689/art_26?lang=both",
    "French article (Article 5)": "/reg/2024/1689/art_5?lang=fr",
    "recital 53": "/reg/2024/1689/rct_53",
    "Annex III": "/reg/2024/1689/anx_III",
    "chapter III": "/reg/2024/1689/cpt_III",
    "home": "/",
    "glossary": "/definitions",
    "obligations": "/obligations",
    "actor (Deployer)": "/actors/Deployer",
    "timeline": "/timeline",
    "search (deployer)": "/search?q=deployer",
    "search (phrase)": "/search?q=%22high-risk+AI+system%22",
}
SIDE_BY_SIDE = {"Article 3 side by side", "article side by side (Article 26)"}

COLD_START = """
import time, sys
sys.path.insert(0, {src!r})
from aiact_kg.web import create_app
app = create_app({{"PAGE_CACHE": False}})
response = app.test_client().get("/reg/2024/1689/art_5")
assert response.status_code == 200, response.status_code
print(time.perf_counter())
"""

MEMORY = """
import sys
sys.path.insert(0, {src!r})
from aiact_kg.web import create_app

def rss():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS")) / 1024

app = create_app()
client = app.test_client()
client.get("/")
before = rss()
paths = {paths!r} + [f"/reg/2024/1689/art_{{n}}" for n in range(1, 114)] + \
    [f"/reg/2024/1689/rct_{{n}}" for n in range(1, 181)]
for i in range({requests}):
    client.get(paths[i % len(paths)]).get_data()
print(before, rss())
"""


def measure(rounds: int) -> dict[str, list[float]]:
    from aiact_kg.web import create_app

    app = create_app({"PAGE_CACHE": False})
    client = app.test_client()
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    for name, path in PAGES.items():  # one warm-up request each (templates compiled, queries parsed)
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    for _ in range(rounds):
        for name, path in PAGES.items():
            start = time.perf_counter()
            client.get(path).get_data()
            times[name].append((time.perf_counter() - start) * 1000)
    return times


def cold_start() -> float:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", COLD_START.format(src=str(SRC))], capture_output=True,
                         text=True, check=True).stdout
    # perf_counter is system-wide monotonic on Linux: the child's clock is comparable to ours
    return float(out.strip().splitlines()[-1]) - start


def memory(requests: int) -> tuple[float, float]:
    code = MEMORY.format(src=str(SRC), paths=list(PAGES.values()), requests=requests)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    before, after = out.split()
    return float(before), float(after)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="requests of each page kind (default 15)")
    parser.add_argument("--requests", type=int, default=10_000, help="requests of the memory run (default 10000)")
    args = parser.parse_args()
    times = measure(args.rounds)
    print(f"{'page (uncached)':38} {'p50 ms':>8} {'p95 ms':>8}  target")
    met = True
    for name, values in times.items():
        values.sort()
        p50 = statistics.median(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        target = 20 if name in SIDE_BY_SIDE else 10
        ok = p50 <= target
        met &= ok
        print(f"{name:38} {p50:8.2f} {p95:8.2f}  <= {target} ms {'met' if ok else 'NOT met'}")
    seconds = cold_start()
    print(f"{'first page after a cold start':38} {seconds * 1000:8.0f} ms  <= 1000 ms "
          f"{'met' if seconds <= 1 else 'NOT met'}")
    before, after = memory(args.requests)
    growth = (after - before) / before * 100
    print(f"{'memory after start':38} {before:8.0f} MiB")
    print(f"{f'memory after {args.requests:,} requests':38} {after:8.0f} MiB  {growth:+.1f} %, "
          f"within 10 %: {'met' if abs(growth) <= 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
