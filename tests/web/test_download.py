"""The dataset downloaded from the site: three formats, each with its size and SHA-256, the
same triples as the store holds."""

from __future__ import annotations

import hashlib
import re

import pyoxigraph
import pytest


def test_download_page_lists_three_formats_with_version_and_checksums(client):
    page = client.get("/download").get_data(as_text=True)
    for name in ("aiact-kg.ttl", "aiact-kg.jsonld", "aiact-kg.nt"):
        assert f'href="/download/{name}"' in page
    assert "As published in the Official Journal on 12 July 2024" in page
    assert len(re.findall(r'<code class="checksum">[0-9a-f]{64}</code>', page)) == 3


@pytest.mark.parametrize("name, fmt", [("aiact-kg.ttl", pyoxigraph.RdfFormat.TURTLE),
                                       ("aiact-kg.nt", pyoxigraph.RdfFormat.N_TRIPLES),
                                       ("aiact-kg.jsonld", pyoxigraph.RdfFormat.JSON_LD)])
def test_downloaded_file_matches_its_checksum_and_holds_the_graph(client, store, name, fmt):
    response = client.get(f"/download/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    sums = dict(line.split("  ")[::-1] for line in client.get("/download/SHA256SUMS").get_data(as_text=True).splitlines())
    assert hashlib.sha256(response.data).hexdigest() == sums[name]
    triples = list(pyoxigraph.parse(response.data, format=fmt))
    assert len(triples) == store.count()


def test_unknown_download_is_a_404_that_names_the_files(client):
    response = client.get("/download/aiact-kg.xls")
    assert response.status_code == 404
    assert "aiact-kg.ttl" in response.get_data(as_text=True)


def test_french_download_page(client):
    page = client.get("/fr/download").get_data(as_text=True)
    assert "Télécharger les données" in page and 'href="/fr/download/aiact-kg.nt"' in page


def test_a_download_is_sent_from_the_disk_and_answers_a_conditional_request(app, client):
    first = client.get("/download/aiact-kg.nt")
    kept = app.extensions["aiact_kg.downloads"]["aiact-kg.nt"]
    assert "data" not in kept and kept["path"].stat().st_size == kept["size"] == len(first.data)
    assert not list(kept["path"].parent.glob("*.part"))
    again = client.get("/download/aiact-kg.nt", headers={"If-None-Match": f'"{kept["sha256"]}"'})
    assert again.status_code == 304 and not again.data
    part = client.get("/download/aiact-kg.nt", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.data == first.data[:100]


def test_a_download_is_made_again_once_the_graph_has_changed(app, client, store, monkeypatch):
    client.get("/download/aiact-kg.ttl")
    before = dict(app.extensions["aiact_kg.downloads"]["aiact-kg.ttl"])
    monkeypatch.setattr(store, "generation", store.generation + 10 ** 6)  # as a commentary load does
    client.get("/download/aiact-kg.ttl")
    after = app.extensions["aiact_kg.downloads"]["aiact-kg.ttl"]
    assert after["generation"] != before["generation"] and after["path"] != before["path"]
    assert after["path"].exists() and not before["path"].exists(), "the older file is removed"
