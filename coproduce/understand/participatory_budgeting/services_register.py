"""Writes for eligibility registers: uploading (or replacing) a round's register, and making
one printed voting code for each person on it. Each is one transaction with its audit row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from coproduce.foundation.accounts.models import User
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.validation import require_perm

from .eligibility import MAX_PROBLEMS_SHOWN, RegisterRow, parse_register
from .models import Phase, RegisterEntry, Round, VotingCode
from .selectors import normalise_code
from .services import _hmac, _new_code


class RegisterInvalid(ServiceError):
    """A register file with problems; ``problems`` lists each with its line number."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > len(shown):
            shown.append(f"… and {len(problems) - len(shown):,} more problems.")
        super().__init__(
            "register_invalid",
            "The register has problems. Nothing was changed. Fix them and upload it again.",
            field="file",
        )
        self.problems = shown


@dataclass
class RegisterUpload:
    """What an upload did. ``codes`` (reference, postcode, code) is shown once, never kept."""

    entries: int
    added: int
    removed: int
    codes: list[tuple[str, str, str]] = field(default_factory=list)


def _match(
    rows: list[RegisterRow], existing: list[RegisterEntry]
) -> tuple[dict[int, RegisterEntry], list[str]]:
    """Pair each row with the entry it already is (same reference, else same postcode and
    date of birth); a row that points at two different entries is a problem."""
    by_reference = {e.reference_key: e for e in existing}
    by_person = {e.person_key: e for e in existing}
    matched: dict[int, RegisterEntry] = {}
    problems = []
    for row in rows:
        a, b = by_reference.get(row.reference_key), by_person.get(row.person_key)
        if a is not None and b is not None and a.pk != b.pk:
            problems.append(
                f"Line {row.line}: the reference belongs to one person already on the register "
                "and the postcode and date of birth to another. Check this line."
            )
        elif a is not None or b is not None:
            matched[row.line] = a or b
    return matched, problems


def register_upload(
    *, actor: User, round_: Round, data: bytes, make_codes: bool = False
) -> RegisterUpload:
    """Upload a round's eligibility register, or replace it; optionally make voting codes.

    Validates every line first (``RegisterInvalid`` lists the problems; nothing changes).
    A replacement keeps who already voted: a person still listed keeps their entry (and
    their vote, code and receipt); a person no longer listed is removed, unless they have
    voted, in which case the entry stays (``in_register`` False) so their ballot still
    belongs to them and they cannot be added again as someone new. Only keyed hashes are
    stored. With ``make_codes``, every listed person without a code gets one, returned
    once with their reference and postcode for printing letters.
    """
    require_perm(actor, "budgeting.manage_round", round_)
    if round_.phase == Phase.RESULTS:
        raise ServiceError(
            "round_closed", "Voting has closed, so the register cannot change.", field="file"
        )
    if make_codes and not round_.allow_codes:
        raise ServiceError(
            "codes_not_used", "This round does not use voting codes.", field="make_codes"
        )
    today = timezone.localdate()
    rows, problems = parse_register(
        data,
        round_reference=round_.reference,
        districts=round_.postcode_list,
        min_age=round_.min_age,
        age_on_date=round_.voting_closes_on,
        today=today,
    )
    if problems:
        raise RegisterInvalid(problems)
    now = timezone.now()
    with transaction.atomic():
        # FOR UPDATE: ballots lock the round too, so none is half-stored
        # while the register changes under it.
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.phase == Phase.RESULTS:
            raise ServiceError(
                "round_closed", "Voting has closed, so the register cannot change.", field="file"
            )
        if locked.codes.filter(entry__isnull=True).exists():
            raise ServiceError(
                "codes_without_register",
                "This round already has printed codes that belong to nobody on a register, "
                "so a register could not stop one person voting twice. Use a new round.",
                field="file",
            )
        existing = list(RegisterEntry.objects.filter(round=locked).select_related("voter"))
        matched, problems = _match(rows, existing)
        if problems:
            raise RegisterInvalid(problems)
        kept_ids = {e.pk for e in matched.values()}
        removed = [e for e in existing if e.pk not in kept_ids and e.in_register]
        gone_unvoted = [e.pk for e in existing if e.pk not in kept_ids and not _has_voter(e)]
        RegisterEntry.objects.filter(pk__in=gone_unvoted).delete()  # their codes go too
        RegisterEntry.objects.filter(round=locked, pk__in=[e.pk for e in existing]).exclude(
            pk__in=kept_ids
        ).update(in_register=False)
        changed = []
        for row in rows:
            entry = matched.get(row.line)
            if entry is None:
                continue
            if (entry.person_key, entry.reference_key, entry.in_register) != (
                row.person_key,
                row.reference_key,
                True,
            ):
                entry.person_key, entry.reference_key = row.person_key, row.reference_key
                entry.in_register = True
                changed.append(entry)
        RegisterEntry.objects.bulk_update(changed, ["person_key", "reference_key", "in_register"])
        new = RegisterEntry.objects.bulk_create(
            [
                RegisterEntry(
                    round=locked,
                    person_key=row.person_key,
                    reference_key=row.reference_key,
                    added_at=now,
                )
                for row in rows
                if row.line not in matched
            ]
        )
        new_by_line = dict(zip([r.line for r in rows if r.line not in matched], new, strict=True))
        codes = _make_codes(locked, rows, {**matched, **new_by_line}, now) if make_codes else []
        locked.register_uploaded_at = now
        locked.save(update_fields=["register_uploaded_at", "updated_at"])
        audit_record(
            actor=actor,
            verb="budgeting.register.uploaded",
            target=locked,
            changes={
                "entries": len(rows),
                "added": len(new),
                "removed": len(removed),
                "codes_issued": len(codes),
            },
        )
    return RegisterUpload(entries=len(rows), added=len(new), removed=len(removed), codes=codes)


def _has_voter(entry: RegisterEntry) -> bool:
    try:
        return entry.voter is not None
    except RegisterEntry.voter.RelatedObjectDoesNotExist:
        return False


def _make_codes(
    round_: Round, rows: list[RegisterRow], entries: dict[int, RegisterEntry], now
) -> list[tuple[str, str, str]]:
    """One new code for every listed person who has none; (reference, postcode, code)."""
    with_code = set(
        VotingCode.objects.filter(round=round_, entry__isnull=False).values_list(
            "entry_id", flat=True
        )
    )
    taken = set(VotingCode.objects.filter(round=round_).values_list("code_hash", flat=True))
    out, made = [], []
    for row in rows:
        entry = entries[row.line]
        if entry.pk in with_code:
            continue
        code = _new_code()
        digest = _hmac(round_, normalise_code(code))
        while digest in taken:
            code = _new_code()
            digest = _hmac(round_, normalise_code(code))
        taken.add(digest)
        made.append(VotingCode(round=round_, code_hash=digest, issued_at=now, entry=entry))
        out.append((row.reference, f"{row.postcode[:-3]} {row.postcode[-3:]}", code))
    VotingCode.objects.bulk_create(made)
    return out
