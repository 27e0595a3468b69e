"""Malformed input to the API is a 4xx with a message, never a server error (issue 12)."""

from __future__ import annotations

import json

import pytest

PAGED = ["/api/projects", "/api/opportunities", "/api/forward-plan", "/api/events"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGED)
@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "abc", "0"])
def test_a_page_number_out_of_range_is_a_validation_error(client, url, page):
    """``?page=99999999999999999999`` reached the database as a 64-bit overflow."""
    response = client.get(url, {"page": page})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGED)
def test_the_largest_page_number_is_an_empty_page(client, url):
    response = client.get(url, {"page": "1000000", "page_size": "1000"})
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.django_db
def test_a_nul_in_a_query_parameter_is_refused_with_a_message(client):
    response = client.get("/api/opportunities", {"q": "day\x00care"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "null_character",
        "message": "Remove the null character (\\u0000): text cannot contain it.",
        "field": "q",
    }


@pytest.mark.django_db
def test_a_nul_in_json_text_is_refused_before_reaching_the_database(client, commissioner):
    """On PostgreSQL a NUL in API text was a server error (text cannot hold U+0000)."""
    client.force_login(commissioner)
    body = json.dumps({"title": "Day\x00care", "nested": [{"ok": "x"}, {"bad": "\x00"}]})
    response = client.post("/api/projects", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "null_character"
    assert response.json()["field"] == "title"
    escaped_backslash = json.dumps({"title": "a \\u0000 written out"})
    assert (
        client.post("/api/projects", escaped_backslash, content_type="application/json").json()[
            "code"
        ]
        != "null_character"
    )
