"""The home page lists the latest published projects."""

from __future__ import annotations

from coproduce.foundation.commissioning.tests.factories import make_project


def test_home_lists_published_projects_only(client, published_project, commissioner):
    make_project(actor=commissioner, title="Secret draft")
    body = client.get("/").content.decode()
    assert published_project.title in body
    assert "Secret draft" not in body
