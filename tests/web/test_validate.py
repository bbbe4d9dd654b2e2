"""The Validate page exists exactly when the validation module does."""

from __future__ import annotations

from aiact_kg.web import validation_available


def test_validate_page_exists_only_with_the_validation_module(client):
    response = client.get("/validate")
    nav = client.get("/").get_data(as_text=True)
    if validation_available():
        assert response.status_code == 200 and 'name="description"' in response.get_data(as_text=True)
        assert 'href="/validate"' in nav
    else:
        assert response.status_code == 404
        assert 'href="/validate"' not in nav


def test_an_empty_description_is_a_bad_request(client):
    if validation_available():
        assert client.post("/validate", data={"description": ""}).status_code == 400
    else:
        assert client.post("/validate", data={"description": ""}).status_code in (404, 405)
