"""The shared view helpers: form_page (a form that saves) and post_action (a button)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from coproduce.foundation.core import http
from coproduce.foundation.core.errors import NotFound, ServiceError


class NameForm(forms.Form):
    name = forms.CharField(error_messages={"required": "Enter a name"})


class Saved:
    pk = 7


class Recorder:
    """A stand-in service: records each call, then returns an object or raises."""

    def __init__(self, result=None, error: ServiceError | None = None):
        self.calls: list = []
        self.result = result if result is not None else Saved()
        self.error = error

    def __call__(self, *args):
        self.calls.append(args)
        if self.error is not None:
            raise self.error
        return self.result


@pytest.fixture
def rendered(monkeypatch):
    """Capture what the helpers render instead of loading a real template."""
    pages: list[dict] = []

    def fake_render(request, template, context, status=200):
        pages.append({"template": template, "context": context, "status": status})
        return HttpResponse(status=status)

    monkeypatch.setattr(http, "render", fake_render)
    return pages


def _request(method: str = "get", data: dict | None = None):
    factory = RequestFactory()
    request = factory.post("/x/", data or {}) if method == "post" else factory.get("/x/")
    request._messages = CookieStorage(request)
    return request


def _messages(request) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in request._messages]


def _form_page(request, save, **kwargs):
    options = {
        "success": "Saved.",
        "redirect_to": lambda obj: ("pipeline:plan_detail", obj.pk),
    }
    options.update(kwargs)
    return http.form_page(
        request,
        NameForm(request.POST or None),
        "some/page.html",
        {"extra": 1},
        save=save,
        **options,
    )


# --- form_page ------------------------------------------------------------------------


def test_form_page_get_shows_the_form_without_saving(rendered):
    save = Recorder()
    response = _form_page(_request(), save)
    assert response.status_code == 200
    assert save.calls == []
    [page] = rendered
    assert page["template"] == "some/page.html"
    assert isinstance(page["context"]["form"], NameForm)
    assert not page["context"]["form"].is_bound
    assert page["context"]["extra"] == 1


def test_form_page_valid_post_saves_once_says_so_and_redirects(rendered):
    request = _request("post", {"name": "Ada"})
    save = Recorder()
    response = _form_page(request, save)
    assert len(save.calls) == 1
    (form,) = save.calls[0]
    assert form.cleaned_data == {"name": "Ada"}
    assert response.status_code == 302
    assert response["Location"] == reverse("pipeline:plan_detail", args=[7])
    assert _messages(request) == [(constants.SUCCESS, "Saved.")]
    assert rendered == []


def test_form_page_success_and_redirect_can_use_the_saved_object(rendered):
    request = _request("post", {"name": "Ada"})
    response = _form_page(
        request, Recorder(), success=lambda obj: f"Item {obj.pk} saved.", redirect_to="/done/"
    )
    assert response["Location"] == "/done/"
    assert _messages(request) == [(constants.SUCCESS, "Item 7 saved.")]


def test_form_page_invalid_post_answers_400_and_does_not_save(rendered):
    request = _request("post", {"name": ""})
    save = Recorder()
    response = _form_page(request, save)
    assert response.status_code == 400
    assert save.calls == []
    assert rendered[0]["context"]["form"].errors["name"] == ["Enter a name"]
    assert _messages(request) == []


def test_form_page_service_error_goes_next_to_its_field(rendered):
    request = _request("post", {"name": "Ada"})
    save = Recorder(error=ServiceError("name_taken", "That name is taken", field="name"))
    response = _form_page(request, save)
    assert response.status_code == 400
    assert len(save.calls) == 1
    form = rendered[0]["context"]["form"]
    assert form.errors["name"] == ["That name is taken"]
    assert form.has_error("name", code="name_taken")
    assert _messages(request) == []


def test_form_page_service_error_without_a_field_goes_in_the_summary(rendered):
    request = _request("post", {"name": "Ada"})
    save = Recorder(error=ServiceError("closed", "It has closed"))
    response = _form_page(request, save)
    assert response.status_code == 400
    assert rendered[0]["context"]["form"].non_field_errors() == ["It has closed"]
    assert _messages(request) == []


def test_form_page_not_found_is_a_form_error_unless_asked_to_raise(rendered):
    request = _request("post", {"name": "Ada"})
    response = _form_page(request, Recorder(error=NotFound()))
    assert response.status_code == 400
    assert rendered[0]["context"]["form"].non_field_errors() == ["Not found."]
    with pytest.raises(NotFound):
        _form_page(
            _request("post", {"name": "Ada"}), Recorder(error=NotFound()), raise_not_found=True
        )


def test_form_page_context_function_runs_after_validation(rendered):
    request = _request("post", {"name": "Ada"})
    seen = []
    form = NameForm(request.POST)

    def context():
        seen.append(form.errors.as_data()["__all__"][0].code)
        return {"extra": 2}

    http.form_page(
        request,
        form,
        "some/page.html",
        context,
        save=Recorder(error=ServiceError("closed", "It has closed")),
        success="Saved.",
        redirect_to="/done/",
    )
    assert seen == ["closed"]
    assert rendered[0]["context"]["extra"] == 2


# --- post_action ----------------------------------------------------------------------


def test_post_action_success_says_so_and_redirects():
    request = _request("post")
    action = Recorder()
    response = http.post_action(
        request, action, success="Published.", redirect_to=("pipeline:plan_detail", 3)
    )
    assert len(action.calls) == 1
    assert response.status_code == 302
    assert response["Location"] == reverse("pipeline:plan_detail", args=[3])
    assert _messages(request) == [(constants.SUCCESS, "Published.")]


def test_post_action_success_message_can_use_the_result():
    request = _request("post")
    http.post_action(
        request, Recorder(), success=lambda obj: f"{obj.pk} done.", redirect_to="/back/"
    )
    assert _messages(request) == [(constants.SUCCESS, "7 done.")]


def test_post_action_service_error_becomes_an_error_message_and_still_redirects():
    request = _request("post")
    action = Recorder(error=ServiceError("not_ready", "It is not ready to publish"))
    response = http.post_action(request, action, success="Published.", redirect_to="/back/")
    assert len(action.calls) == 1
    assert response.status_code == 302
    assert response["Location"] == "/back/"
    assert _messages(request) == [(constants.ERROR, "It is not ready to publish")]


def test_post_action_not_found_raises_only_when_asked():
    request = _request("post")
    http.post_action(request, Recorder(error=NotFound()), success="Done.", redirect_to="/back/")
    assert _messages(request) == [(constants.ERROR, "Not found.")]
    with pytest.raises(NotFound):
        http.post_action(
            _request("post"),
            Recorder(error=NotFound()),
            success="Done.",
            redirect_to="/back/",
            raise_not_found=True,
        )
