"""Eligibility registers: one eligible person, one vote, across codes, residency and paper."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.understand.participatory_budgeting.models import (
    Ballot,
    Phase,
    RegisterEntry,
    VotingCode,
)
from coproduce.understand.participatory_budgeting.selectors import register_status
from coproduce.understand.participatory_budgeting.services import (
    Verification,
    ballot_cast,
    batch_confirm,
    batch_enter,
    codes_issue,
    counted_ballots,
    round_change_phase,
)
from coproduce.understand.participatory_budgeting.services_register import (
    RegisterInvalid,
    register_upload,
)

from .factories import codes, make_round, refs

pytestmark = pytest.mark.django_db

# The test round's districts are RV1 and RV2; voting closes on 31 March 2027; minimum age 16.
REGISTER = (
    "\ufeffReference,Postcode,Date of birth\r\n"
    "EL-0001,RV1 3DP,17/05/1980\r\n"
    "\r\n"
    "EL-0002,rv2 4ab,1991-02-03\r\n"
    "EL-0003,RV1 9ZZ,01/01/1950\r\n"
)
ALICE = Verification(postcode="RV1 3DP", date_of_birth=dt.date(1980, 5, 17))


def _upload(actor, round_, text=REGISTER, **kwargs):
    return register_upload(actor=actor, round_=round_, data=text.encode(), **kwargs)


def _cast(round_, verification, choice=None):
    return ballot_cast(
        round_=round_, choices={choice or refs(round_)[0]: 1}, verification=verification
    )


def _refused(round_, verification, code):
    with pytest.raises(ServiceError) as exc:
        _cast(round_, verification)
    assert exc.value.code == code
    return exc.value


def test_a_register_keeps_only_keyed_hashes_never_a_postcode_birth_date_or_reference(
    commissioner,
):
    round_ = make_round(commissioner)
    upload = _upload(commissioner, round_)
    assert (upload.entries, upload.added, upload.removed) == (3, 3, 0)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {RegisterEntry._meta.db_table}")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row).upper()
    for plain in ["EL-000", "RV1", "RV2", "3DP", "1980", "17/05", "05-17", "1991", "1950"]:
        assert plain not in stored
    assert RegisterEntry.objects.count() == 3
    event = AuditEvent.objects.get(verb="budgeting.register.uploaded")
    assert event.changes["entries"] == 3
    assert "RV1" not in str(event.changes)


def test_register_problems_are_listed_with_their_line_numbers_and_nothing_is_stored(
    commissioner,
):
    round_ = make_round(commissioner)
    text = (
        "\ufeffName,Postcode,DOB\n"  # line 1: BOM and other header names
        "Ann Example,RV1 3DP,17/05/1980\n"
        "\n"  # line 3: blank, skipped
        "Bob Example,RV1 3DP,31/02/1980\n"  # 4: not a real date
        "Cat Example,RV1 3DQ,29361\n"  # 5: a spreadsheet date number
        "Dan Example,RV1 3DR,1/2/80\n"  # 6: two-digit year
        "Eve Example,,01/01/1970\n"  # 7: no postcode
        "ann example,RV1 4AA,01/01/1971\n"  # 8: same name as line 2
        "Fay Example,rv13dp,17/05/1980\n"  # 9: same postcode and birth date as line 2
        "Gus Example,ZZ9 9ZZ,01/01/1972\n"  # 10: outside the round's districts
        "Hal Example,RV2 1AA,01/01/2015\n"  # 11: under 16 when voting closes
        "Ivy Example,RV2 1AB\n"  # 12: a column missing
    )
    with pytest.raises(RegisterInvalid) as exc:
        _upload(commissioner, round_, text)
    assert exc.value.code == "register_invalid"
    lines = [p.split(":")[0] for p in exc.value.problems]
    assert lines == [f"Line {n}" for n in (4, 5, 6, 7, 8, 9, 10, 11, 12)]
    assert "spreadsheet date number" in exc.value.problems[1]
    assert "year in full" in exc.value.problems[2]
    assert "same name or reference as line 2" in exc.value.problems[4]
    assert "same postcode and date of birth as line 2" in exc.value.problems[5]
    assert RegisterEntry.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="budgeting.register.uploaded").exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Reference,Town\nEL-1,Riverside\n", "Missing: postcode, date of birth"),
        (b"", "The file is empty"),
        (b"\n\n", "The file is empty"),
        (b"Reference,Postcode,Date of birth\n", "no people in it"),
        (b"PK\x03\x04 workbook", "spreadsheet workbook"),
    ],
)
def test_a_register_without_the_needed_columns_or_people_is_refused(commissioner, data, expected):
    round_ = make_round(commissioner)
    with pytest.raises(RegisterInvalid) as exc:
        register_upload(actor=commissioner, round_=round_, data=data)
    assert expected in exc.value.problems[0]


def test_a_semicolon_csv_saved_by_excel_in_windows_1252_is_read(commissioner):
    round_ = make_round(commissioner)
    data = "Name;Postcode;Date of birth\r\nZoë Ñandú;RV1 3DP;17/05/1980\r\n".encode("cp1252")
    assert register_upload(actor=commissioner, round_=round_, data=data).entries == 1


def test_one_person_cannot_cast_six_counted_ballots_with_a_register(commissioner):
    """The probe: one code plus five invented birth dates gave six counted ballots."""
    round_ = make_round(commissioner)
    upload = _upload(commissioner, round_, make_codes=True)
    alice_code = next(code for ref, _, code in upload.codes if ref == "EL-0001")
    _cast(round_, Verification(code=alice_code))
    for day in range(1, 6):
        _refused(
            round_,
            Verification(postcode="RV1 3DP", date_of_birth=dt.date(1980, 1, day)),
            "not_registered",
        )
    # Her real postcode and date of birth are the same person as her code.
    _refused(round_, ALICE, "already_voted")
    assert counted_ballots(round_).count() == 1


def test_each_register_entry_votes_once_across_code_residency_and_paper(commissioner):
    round_ = make_round(commissioner)
    upload = _upload(commissioner, round_, make_codes=True)
    assert len(upload.codes) == 3 and VotingCode.objects.filter(entry__isnull=False).count() == 3
    alice_code = next(code for ref, _, code in upload.codes if ref == "EL-0001")
    receipt = _cast(round_, ALICE)
    _refused(round_, Verification(code=alice_code), "already_voted")
    a = refs(round_)[0]
    with pytest.raises(ServiceError) as exc:
        batch_enter(actor=commissioner, round_=round_, text=f"RV1 3DP | 17/05/1980 | {a}")
    assert exc.value.code == "already_voted"
    assert "Line 1" in exc.value.message
    # She may change her vote by any channel with her receipt; still one current ballot.
    ballot_cast(
        round_=round_,
        choices={refs(round_)[1]: 1},
        verification=Verification(code=alice_code, previous_receipt=receipt),
    )
    assert counted_ballots(round_).count() == 1


def test_a_paper_ballot_entered_against_the_register_uses_up_that_persons_vote(commissioner):
    round_ = make_round(commissioner)
    _upload(commissioner, round_)
    a = refs(round_)[0]
    batch = batch_enter(actor=commissioner, round_=round_, text=f"rv2 4ab | 03/02/1991 | {a}")
    assert batch.ballots.get().unmatched is False
    _refused(
        round_,
        Verification(postcode="RV2 4AB", date_of_birth=dt.date(1991, 2, 3)),
        "already_voted",
    )
    with pytest.raises(ServiceError) as exc:
        batch_enter(actor=commissioner, round_=round_, text=f"RV9 1AA | 01/01/1970 | {a}\n{a}")
    assert exc.value.code == "not_registered"


def test_unmatched_paper_ballots_count_only_if_the_confirming_officer_accepts_them(
    commissioner,
):
    round_ = make_round(commissioner)
    _upload(commissioner, round_)
    a = refs(round_)[0]
    other = UserFactory(role="commissioner")
    first = batch_enter(actor=commissioner, round_=round_, text=f"{a}\n{a}")
    second = batch_enter(actor=commissioner, round_=round_, text=f"{a}\nRV1 3DP|17/05/1980|{a}")
    assert first.ballots.filter(unmatched=True).count() == 2
    batch_confirm(actor=other, batch=first)
    batch_confirm(actor=other, batch=second, accept_unmatched=True)
    # First batch: both unmatched, not accepted. Second: one matched, one accepted.
    assert counted_ballots(round_).count() == 2
    event = AuditEvent.objects.filter(verb="budgeting.batch.confirmed").order_by("pk").first()
    assert event.changes["unmatched"] == 2 and event.changes["unmatched_accepted"] is False


def test_a_paper_line_with_a_postcode_is_refused_in_a_round_without_a_register(commissioner):
    round_ = make_round(commissioner)
    with pytest.raises(ServiceError) as exc:
        batch_enter(
            actor=commissioner, round_=round_, text=f"RV1 3DP | 17/05/1980 | {refs(round_)[0]}"
        )
    assert exc.value.code == "no_register"


def test_replacing_the_register_keeps_who_already_voted(commissioner):
    round_ = make_round(commissioner)
    _upload(commissioner, round_)
    _cast(round_, ALICE)
    bob = Verification(postcode="RV2 4AB", date_of_birth=dt.date(1991, 2, 3))
    # Alice is left out and Bob's postcode is corrected; Cara is new.
    upload = _upload(
        commissioner,
        round_,
        "Reference,Postcode,Date of birth\n"
        "EL-0002,RV2 4AD,03/02/1991\n"
        "EL-0003,RV1 9ZZ,01/01/1950\n"
        "EL-0004,RV1 1AA,02/02/1962\n",
    )
    assert (upload.entries, upload.added, upload.removed) == (3, 1, 1)
    # Alice's vote still counts, and she cannot vote as someone new.
    assert counted_ballots(round_).count() == 1
    _refused(round_, ALICE, "not_registered")
    # Bob's old details no longer match; his corrected ones do.
    _refused(round_, bob, "not_registered")
    _cast(round_, Verification(postcode="RV2 4AD", date_of_birth=dt.date(1991, 2, 3)))
    # Putting Alice back (same reference) finds the person who already voted.
    _upload(commissioner, round_, REGISTER)
    _refused(round_, ALICE, "already_voted")
    assert counted_ballots(round_).count() == 2


def test_people_removed_before_voting_lose_their_codes(commissioner):
    round_ = make_round(commissioner)
    upload = _upload(commissioner, round_, make_codes=True)
    cara_code = next(code for ref, _, code in upload.codes if ref == "EL-0003")
    _upload(commissioner, round_, "\n".join(REGISTER.splitlines()[:4]))
    _refused(round_, Verification(code=cara_code), "unknown_code")
    # Uploading again with make_codes makes codes only for people who have none.
    again = _upload(commissioner, round_, REGISTER, make_codes=True)
    assert [ref for ref, _, _ in again.codes] == ["EL-0003"]


def test_codes_belong_to_register_entries_once_a_round_has_a_register(commissioner):
    round_ = make_round(commissioner)
    _upload(commissioner, round_)
    round_.refresh_from_db()
    with pytest.raises(ServiceError) as exc:
        codes_issue(actor=commissioner, round_=round_, count=5)
    assert exc.value.code == "register_codes_only"
    loose = make_round(commissioner)
    codes(commissioner, loose, 2)
    with pytest.raises(ServiceError) as exc:
        _upload(commissioner, loose)
    assert exc.value.code == "codes_without_register"


def test_residents_and_providers_cannot_upload_or_see_a_register(commissioner, resident, provider):
    round_ = make_round(commissioner)
    for person in (resident, provider):
        with pytest.raises(NotFound):
            _upload(person, round_)
        with pytest.raises(NotFound):
            register_status(user=person, round_=round_)
    assert RegisterEntry.objects.count() == 0


def test_register_status_shows_who_voted_only_after_voting_closes(commissioner):
    round_ = make_round(commissioner)
    _upload(commissioner, round_)
    round_.refresh_from_db()
    _cast(round_, ALICE)
    status = register_status(user=commissioner, round_=round_)
    assert (status.entries, status.voted) == (3, None)
    round_ = round_change_phase(actor=commissioner, round_=round_, to_phase=Phase.RESULTS)
    assert register_status(user=commissioner, round_=round_).voted == 1
    with pytest.raises(ServiceError) as exc:
        _upload(commissioner, round_)
    assert exc.value.code == "round_closed"


def test_a_ballot_against_a_round_closed_since_the_page_was_read_is_refused(commissioner):
    round_ = make_round(commissioner)
    stale = type(round_).objects.get(pk=round_.pk)
    round_change_phase(actor=commissioner, round_=round_, to_phase=Phase.RESULTS)
    assert stale.phase == Phase.VOTING
    _refused(stale, ALICE, "round_closed")
    assert Ballot.objects.count() == 0
