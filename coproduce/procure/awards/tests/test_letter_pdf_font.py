"""Letter PDFs print every name as written (DejaVu Sans), or fall back to Helvetica."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from coproduce.procure.awards.letters import latin1
from coproduce.procure.awards.models import AssessmentLetter

from .helpers import build, pdf_parts
from .test_services import decide

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("letter_font")]

NAME = "Łukasz’s Café — Ŵ"
REASONS = "The “best” value — and people’s own words."


def decided_with_a_unicode_name(commissioner):
    built = build(commissioner)
    organisation = built.bids[1].lead_organisation
    organisation.name = NAME
    organisation.save(update_fields=["name"])
    decision = decide(commissioner, built, reasons=REASONS)
    return built, AssessmentLetter.objects.get(decision=decision, bid=built.bids[1])


def test_the_letter_font_is_installed_here():
    assert (Path(settings.LETTER_FONT_DIR) / "DejaVuSans.ttf").is_file()


def test_pdf_letter_prints_polish_and_welsh_names_and_curly_quotes_intact(commissioner):
    _, letter = decided_with_a_unicode_name(commissioner)
    parts = pdf_parts(letter.pdf)
    assert {base.split("+")[-1] for base, _ in parts.fonts.values()} == {
        "DejaVuSansBook",
        "DejaVuSansBold",
    }
    assert all(cmap for _, cmap in parts.fonts.values())  # embedded, with a ToUnicode map
    assert f"To: {NAME} (bid {letter.bid.reference})" in parts.text
    assert REASONS in parts.text
    assert "Total 81.07" in parts.text


def test_pdf_letter_falls_back_to_helvetica_with_a_warning_when_the_font_is_missing(
    commissioner, tmp_path, caplog
):
    with override_settings(LETTER_FONT_DIR=str(tmp_path)), caplog.at_level(logging.WARNING):
        _, letter = decided_with_a_unicode_name(commissioner)
    assert any(
        "fonts-dejavu-core" in r.getMessage() and r.levelno == logging.WARNING
        for r in caplog.records
    )
    parts = pdf_parts(letter.pdf)
    assert {base for base, _ in parts.fonts.values()} == {"Helvetica", "Helvetica-Bold"}
    assert NAME not in parts.text
    assert f"To: {latin1(NAME)} (bid" in parts.text
    assert latin1(NAME) == "?ukasz's Café - ?"
    assert "Total 81.07" in parts.text


def test_only_one_of_the_two_font_files_is_not_enough(commissioner, tmp_path, caplog):
    (tmp_path / "DejaVuSans.ttf").symlink_to(Path(settings.LETTER_FONT_DIR) / "DejaVuSans.ttf")
    with override_settings(LETTER_FONT_DIR=str(tmp_path)), caplog.at_level(logging.WARNING):
        _, letter = decided_with_a_unicode_name(commissioner)
    fonts = {base for base, _ in pdf_parts(letter.pdf).fonts.values()}
    assert fonts == {"Helvetica", "Helvetica-Bold"}
    assert any("fonts-dejavu-core" in r.getMessage() for r in caplog.records)
