"""The ontology reference page."""

from __future__ import annotations


def test_ontology_reference_lists_classes_and_properties_in_both_languages(client):
    page = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="Article"' in page and 'id="explainedBy"' in page
    assert "considérant" in page
    assert 'href="/reg/2024/1689/enc_1"' in page  # aiact:Article dct:source act:enc_1
