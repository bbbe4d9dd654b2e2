"""The jump box reads a query with the linker's citation parser."""

import pytest


@pytest.mark.parametrize("query, local_id", [
    ("cons. 53", "rct_53"),
    ("art. 6, §2", "art_6.par_2"),
    ("Article 3(4)", "art_3.pnt_4"),
    ("annexe III, pt 4, a)", "anx_III.pnt_4.pnt_a"),
])
def test_a_citation_typed_in_search_jumps_to_the_provision(client, query, local_id):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "/reg/2024/1689/" in location and location.endswith(local_id)


def test_article_114_says_the_act_has_113_articles(client):
    response = client.get("/search", query_string={"q": "Article 114"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "has no Article 114" in page and "113 articles" in page
