"""A normal (non-editable) install carries the data folders and finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (found,) = out.glob("aiact_kg-*.whl")
    return found


def test_the_wheel_carries_the_corpus_ontology_queries_and_web_folders(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "aiact_kg/_data/corpus/eu-ai-act-2024-1689/SHA256SUMS" in names
    assert "aiact_kg/_data/corpus/README.md" in names
    assert "aiact_kg/_data/ontology/text.ttl" in names
    assert "aiact_kg/_data/queries/checks/dangling-citation-violation.rq" in names
    assert "aiact_kg/_data/shapes/classification.ttl" in names
    assert "aiact_kg/_data/web/messages.json" in names and "aiact_kg/_data/web/templates/layout.html" in names
    assert "aiact_kg/_data/web/static/vendor/codemirror/codemirror.min.js" in names
    assert not [name for name in names if name.startswith("aiact_kg/_data/web/editor/")], "the editor's recipe stays out"


def test_an_installed_package_finds_its_data_through_one_module(wheel, tmp_path):
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    probe = (
        "from aiact_kg import paths, corpus, queries; "
        "corpus.verify(); "
        "print(paths.DATA); print(len(queries.names('checks')))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    data, checks = run.stdout.split()
    assert Path(data) == target / "aiact_kg" / "_data"
    assert int(checks) >= 5
