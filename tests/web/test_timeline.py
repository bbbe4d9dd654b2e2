"""The timeline of Article 113 and what applies on a date."""

from __future__ import annotations


def test_timeline_shows_the_dates_of_the_act(client):
    page = client.get("/timeline").get_data(as_text=True)
    assert '<time datetime="2024-07-12">' in page and '<time datetime="2024-08-01">' in page
    assert "Entry into force" in page


def test_what_applies_on_a_date(client):
    page = client.get("/timeline?date=2024-09-01").get_data(as_text=True)
    assert "On <time" in page and "Entry into force (since" in page


def test_before_entry_into_force_nothing_applies(client):
    page = client.get("/timeline?date=2024-01-01").get_data(as_text=True)
    assert "Nothing of the Act had taken effect yet" in page


def test_a_bad_date_is_a_bad_request(client):
    response = client.get("/timeline?date=tomorrow")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.get_data(as_text=True)
