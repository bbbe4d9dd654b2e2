"""The build: cache, determinism, round trips, base IRI, and bad corpus input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from aiact_kg import build, corpus, paths
from aiact_kg.provisions import CorpusError


def test_build_is_deterministic_same_input_same_sorted_ntriples(graph_file, tmp_path, monkeypatch):
    monkeypatch.setenv("AIACT_KG_CACHE", str(tmp_path))
    corpus.load.cache_clear()
    again = build.build(force=True)
    assert again.read_bytes() == graph_file.read_bytes()
    lines = again.read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)


def test_the_cache_is_reused_when_no_source_changed(graph_file):
    before = graph_file.stat().st_mtime_ns
    assert build.build() == graph_file
    assert graph_file.stat().st_mtime_ns == before


@pytest.mark.parametrize("fmt, rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("xml", "xml"), ("jsonld", "json-ld")])
def test_export_then_parse_round_trip_is_isomorphic(store, graph_file, fmt, rdflib_format):
    from aiact_kg.cli import EXPORT_FORMATS

    original = rdflib.Graph().parse(graph_file, format="nt")
    exported = rdflib.Graph().parse(data=store.export(EXPORT_FORMATS[fmt]), format=rdflib_format)
    assert len(exported) == len(original)
    assert isomorphic(original, exported)


def test_a_configured_base_moves_every_minted_iri(tmp_path, monkeypatch):
    monkeypatch.setenv("AIACT_KG_CACHE", str(tmp_path))
    path = build.build(base="http://example.org/kg/")
    text = path.read_text(encoding="utf-8")
    assert "<http://example.org/kg/reg/2024/1689/art_5>" in text
    assert "<https://w3id.org/aiact-kg/reg/" not in text


@pytest.fixture
def corpus_copy(tmp_path):
    copy = tmp_path / "corpus"
    shutil.copytree(paths.CORPUS, copy)
    return copy


def test_an_altered_corpus_file_stops_the_build_naming_the_file(corpus_copy):
    target = corpus_copy / "en/formex/L_202401689EN.012701.fmx.xml"
    target.write_bytes(target.read_bytes().replace(b"Biometrics", b"Biometrix"))
    with pytest.raises(CorpusError, match=r"L_202401689EN\.012701\.fmx\.xml: checksum mismatch"):
        corpus.verify(corpus_copy)


def test_a_truncated_corpus_file_stops_the_build_naming_the_file(corpus_copy):
    target = corpus_copy / "en/formex/L_202401689EN.000101.fmx.xml"
    target.write_bytes(target.read_bytes()[:1000])
    with pytest.raises(CorpusError, match=r"L_202401689EN\.000101\.fmx\.xml: checksum mismatch"):
        corpus.verify(corpus_copy)


def test_a_missing_corpus_file_stops_the_build_naming_the_file(corpus_copy):
    (corpus_copy / "fr/html/L_202401689FR.000101.fmx.xml.html").unlink()
    with pytest.raises(CorpusError, match=r"L_202401689FR\.000101\.fmx\.xml\.html: missing"):
        corpus.verify(corpus_copy)


def test_a_malformed_formex_file_names_file_line_and_column(corpus_copy):
    from aiact_kg import formex

    target = corpus_copy / "en/formex/L_202401689EN.013201.fmx.xml"
    target.write_text("<ANNEX><TITLE></ANNEX>")
    with pytest.raises(CorpusError, match=r"L_202401689EN\.013201\.fmx\.xml: line 1, column \d+"):
        formex.parse(corpus_copy / "en/formex")


def test_a_failed_build_leaves_no_graph_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("AIACT_KG_CACHE", str(tmp_path))

    def broken(base):
        raise CorpusError("corpus/x.xml: checksum mismatch")

    monkeypatch.setattr(build, "text_lines", broken)
    with pytest.raises(build.BuildError, match="checksum mismatch"):
        build.build(force=True)
    assert list(Path(tmp_path).iterdir()) == []
