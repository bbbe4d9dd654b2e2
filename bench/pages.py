"""How long each kind of page takes to render from the store, with the page cache off; against
a baseline revision of the code in the same run, whose pages must be the same HTML.

Every page kind the site serves (an article, Article 3 with its 68 definitions, an article side
by side in both languages, a French article, a paragraph, a recital, an annex, a chapter, a
section, the glossary, the obligations, actors and actor pages, a statement, the timeline, the
coverage, the ontology reference, the downloads, a search) is requested in turn, alternating kinds round after
round, through Flask's test client, with ``PAGE_CACHE`` off: each request renders from the
embedded store. What the site keeps between requests is data about the graph (the terms'
index, the text and links of the Act, the tables every page shares), never a rendered page.
Prints p50 and p90 per kind (wall clock; and the p50 of the thread's CPU time, which other
processes on the machine disturb less), against the targets of p50 <= 10 ms (side by side
<= 20 ms).

With ``--baseline REV`` (a git revision, e.g. ``main``), the code of that revision is taken
out of git into a temporary folder and measured in the same run: the two take turns, one
process each per turn, and the table gives the ratio of their p50s. Each also writes every
page of the sample in the English and the French interface, and the run says whether the two
revisions give the same HTML (the first differing line of each page that differs otherwise).

Then the cold start: a fresh Python process imports the application, opens the store and
answers its first page; the time from process start to that first answer (target <= 1 s),
the median of three, each revision in turn.

Then memory: a fresh process with the site as served (page cache on, the embedded store),
its resident memory after start and after 10,000 requests over every article, recital and
page kind above (target: flat within 10 %). Measured in-process through the test client, so
it counts the application and its store, not the waitress threads or the /sparql workers.

    python bench/pages.py [--rounds N] [--baseline REV] [--requests N]
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

PAGES = {
    "article (Article 26)": "/reg/2024/1689/art_26",
    "Article 3 (definitions)": "/reg/2024/1689/art_3",
    "Article 3 side by side": "/reg/2024/1689/art_3?lang=both",
    "article side by side (Article 26)": "/reg/2024/1689/art_26?lang=both",
    "French article (Article 5)": "/reg/2024/1689/art_5?lang=fr",
    "paragraph (Article 5(1))": "/reg/2024/1689/art_5.par_1",
    "recital 53": "/reg/2024/1689/rct_53",
    "Annex III": "/reg/2024/1689/anx_III",
    "chapter III": "/reg/2024/1689/cpt_III",
    "section (chapter III, section 2)": "/reg/2024/1689/cpt_III.sct_2",
    "footnote": "/reg/2024/1689/ftn_1",
    "home": "/",
    "glossary": "/definitions",
    "obligations": "/obligations",
    "actors": "/actors",
    "actor (Deployer)": "/actors/Deployer",
    "statement (Article 26(1))": "/reg/2024/1689/obligation/art_26.par_1",
    "timeline": "/timeline",
    "coverage": "/coverage",
    "ontology": "/ontology",
    "download": "/download",
    "search (deployer)": "/search?q=deployer",
    "search (phrase)": "/search?q=%22high-risk+AI+system%22",
}
SIDE_BY_SIDE = {"Article 3 side by side", "article side by side (Article 26)"}
#: Pages written in both interfaces for the comparison, besides the measured ones.
EXTRA_PAGES = ["/reg/2024/1689/art_6", "/reg/2024/1689/art_50?lang=both", "/reg/2024/1689/anx_I?lang=fr",
               "/reg/2024/1689/rct_1?lang=both", "/reg/2024/1689/art_99", "/reg/2024/1689/cit_1",
               "/reg/2024/1689/enc_1", "/reg/2024/1689/art_113", "/actors/Provider?lang=fr",
               "/obligations?role=Provider&kind=Obligation", "/search?q=d%C3%A9ployeur&lang=fr",
               "/definitions?order=alpha", "/coverage?lang=fr"]

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


# -- one revision, in its own process -----------------------------------------------------------

def worker(src: str, rounds: int, dump: str | None) -> None:
    """Measure every page kind of the code under ``src`` and print the times as JSON."""
    sys.path.insert(0, src)
    from aiact_kg.web import create_app

    app = create_app({"PAGE_CACHE": False})
    client = app.test_client()
    if dump:
        write_pages(client, Path(dump))
    for name, path in PAGES.items():  # one warm-up request each (templates compiled, queries parsed)
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    try:  # the facts of the Act's text, read in the background after the first page
        from aiact_kg.web import printed

        printed.prepare_text_facts(app.extensions["aiact_kg"]).wait(120)
    except (ImportError, AttributeError):  # a revision without them
        pass
    wall: dict[str, list[float]] = {name: [] for name in PAGES}
    cpu: dict[str, list[float]] = {name: [] for name in PAGES}
    first: dict[str, list[float]] = {name: [] for name in PAGES}
    site = app.extensions["aiact_kg"]
    for _ in range(rounds):
        for name, path in PAGES.items():
            start, start_cpu = time.perf_counter(), time.thread_time()
            client.get(path).get_data()
            cpu[name].append((time.thread_time() - start_cpu) * 1000)
            wall[name].append((time.perf_counter() - start) * 1000)
    for _ in range(rounds):  # last: each request empties what the ones before it kept
        for name, path in PAGES.items():  # as if no page had shown these lines since the start
            for kept in ("reference_links", "fragments"):
                if kept in vars(site):
                    getattr(site, kept).clear()
            start_cpu = time.thread_time()
            client.get(path).get_data()
            first[name].append((time.thread_time() - start_cpu) * 1000)
    print(json.dumps({"wall": wall, "cpu": cpu, "first": first}))


def write_pages(client, folder: Path) -> None:
    """Every page of the sample, in the English and the French interface, one file each."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in list(PAGES.values()) + EXTRA_PAGES:
        for interface in ("", "/fr"):
            response = client.get(interface + path)
            name = (interface + path).strip("/").replace("/", "_").replace("?", "__") or "home"
            (folder / f"{name}.html").write_bytes(f"HTTP {response.status_code}\n".encode() + response.get_data())


def run_worker(src: Path, rounds: int, dump: Path | None) -> dict:
    command = [sys.executable, __file__, "--worker", str(src), "--rounds", str(rounds)]
    if dump:
        command += ["--dump", str(dump)]
    done = subprocess.run(command, capture_output=True, text=True, env=_env(src))
    if done.returncode:
        raise SystemExit(f"measuring {src} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _env(src: Path) -> dict:
    """The baseline builds its graph once into a cache of its own, beside its code (a build
    removes the cache's graphs of other fingerprints, and the code is part of the
    fingerprint); this checkout uses its usual cache."""
    if src == SRC:
        return dict(os.environ)
    return {**os.environ, "AIACT_KG_CACHE": str(src.parent / ".cache")}


def checkout(revision: str, folder: Path) -> Path:
    """The files of a git revision, written under ``folder`` (nothing of this checkout changes)."""
    archive = folder / "revision.tar"
    with open(archive, "wb") as out:
        done = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision], stdout=out,
                              stderr=subprocess.PIPE, text=False)
    if done.returncode:
        raise SystemExit(f"--baseline {revision}: git archive failed: {done.stderr.decode().strip()}")
    tree = folder / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


#: The checksums of the downloads: the store's export names blank nodes afresh in each process.
_CHECKSUM = re.compile(r'<code class="checksum">[0-9a-f]{64}</code>')


def compare(ours: Path, theirs: Path) -> list[str]:
    """The pages whose HTML differs between two folders written by :func:`write_pages`, each
    with its first differing line (the downloads' checksums left out: see ``_CHECKSUM``)."""
    out = []
    for page in sorted(ours.iterdir()):
        other = theirs / page.name
        if not other.is_file():
            out.append(f"{page.name}: missing in the baseline")
            continue
        mine, base = (_CHECKSUM.sub("<code class=\"checksum\">…</code>", path.read_text()).splitlines()
                      for path in (page, other))
        if mine != base:
            diff = [line for line in difflib.unified_diff(base, mine, lineterm="", n=0)
                    if line[:1] in "+-" and not line.startswith(("+++", "---"))]
            out.append(f"{page.name}: {len(diff)} lines differ, first: {diff[0][:160] if diff else ''}")
    return out


# -- cold start and memory ------------------------------------------------------------------------

def cold_start(src: Path) -> float:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", COLD_START.format(src=str(src))], capture_output=True,
                         text=True, check=True, env=_env(src)).stdout
    # perf_counter is system-wide monotonic on Linux: the child's clock is comparable to ours
    return float(out.strip().splitlines()[-1]) - start


def memory(requests: int) -> tuple[float, float]:
    code = MEMORY.format(src=str(SRC), paths=list(PAGES.values()), requests=requests)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    before, after = out.split()
    return float(before), float(after)


# -- the report -----------------------------------------------------------------------------------

def p50(values: list[float]) -> float:
    return statistics.median(values)


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="requests of each page kind (default 15)")
    parser.add_argument("--baseline", metavar="REV", help="a git revision to measure in the same run (e.g. main)")
    parser.add_argument("--turns", type=int, default=3, help="turns each revision takes with --baseline (default 3)")
    parser.add_argument("--requests", type=int, default=10_000, help="requests of the memory run (default 10000)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.rounds, args.dump)
        return
    with tempfile.TemporaryDirectory(prefix="pages-bench-") as scratch:
        folder = Path(scratch)
        base_src = checkout(args.baseline, folder) / "src" if args.baseline else None
        turns = max(1, args.turns) if base_src else 1
        per_turn = max(1, args.rounds // turns)
        ours: dict[str, dict[str, list[float]]] = {"wall": {}, "cpu": {}, "first": {}}
        theirs: dict[str, dict[str, list[float]]] = {"wall": {}, "cpu": {}, "first": {}}
        for turn in range(turns):
            for src, into, dump in ((SRC, ours, folder / "ours"), (base_src, theirs, folder / "theirs")):
                if src is None:
                    continue
                result = run_worker(src, per_turn, dump if turn == 0 and base_src else None)
                for clock in ("wall", "cpu", "first"):
                    for name, values in result[clock].items():
                        into[clock].setdefault(name, []).extend(values)
        report(ours, theirs if base_src else None, args.baseline)
        if base_src:
            differing = compare(folder / "ours", folder / "theirs")
            pages = len(list((folder / "ours").iterdir()))
            if differing:
                print(f"HTML: {len(differing)} of {pages} pages differ from {args.baseline}:")
                for line in differing:
                    print("  " + line)
            else:
                print(f"HTML: the {pages} pages of the sample (English and French interface) are the same as "
                      f"{args.baseline}'s, byte for byte (the downloads' checksums apart)")
        starts = {"ours": [], "theirs": []}
        for _ in range(3):
            starts["ours"].append(cold_start(SRC))
            if base_src:
                starts["theirs"].append(cold_start(base_src))
        seconds = p50(starts["ours"])
        line = (f"{'first page after a cold start':38} {seconds * 1000:8.0f} ms  <= 1000 ms "
                f"{'met' if seconds <= 1 else 'NOT met'}")
        if base_src:
            line += f"   baseline {p50(starts['theirs']) * 1000:.0f} ms, ratio {p50(starts['theirs']) / seconds:.1f}x"
        print(line)
    if args.requests:
        before, after = memory(args.requests)
        growth = (after - before) / before * 100
        print(f"{'memory after start':38} {before:8.0f} MiB")
        print(f"{f'memory after {args.requests:,} requests':38} {after:8.0f} MiB  {growth:+.1f} %, "
              f"within 10 %: {'met' if abs(growth) <= 10 else 'NOT met'}")


def report(ours: dict, theirs: dict | None, baseline: str | None) -> None:
    head = f"{'page (uncached)':38} {'p50 ms':>8} {'p90 ms':>8} {'cpu p50':>8} {'1st view':>8}  {'target':<9}"
    if theirs:
        head += f" {'before p50':>10} {'cpu':>7} {'faster':>7}"
    print(head)
    for name in PAGES:
        wall, cpu, first = ours["wall"][name], ours["cpu"][name], ours["first"][name]
        target = 20 if name in SIDE_BY_SIDE else 10
        verdict = "met" if p50(wall) <= target else "NOT met"
        line = (f"{name:38} {p50(wall):8.2f} {p90(wall):8.2f} {p50(cpu):8.2f} {p50(first):8.2f}"
                f"  <= {target:<2} ms {verdict:7}")
        if theirs:
            before, before_cpu = theirs["wall"][name], theirs["cpu"][name]
            line += f" {p50(before):10.2f} {p50(before_cpu):7.2f} {p50(before_cpu) / p50(cpu):6.1f}x"
        print(line)
    print("(1st view: the CPU p50 of the page with the reference links and the kept fragments emptied before "
          "it, as for a page no one has asked since the start)")
    if theirs:
        print(f"(before: {baseline} measured in the same run, turn about; 'faster' is the ratio of the CPU p50s)")


if __name__ == "__main__":
    main()
