"""Personal data kept no longer than needed: the periods of docs/privacy.md, applied daily.

`python manage.py apply_retention` (cron, daily) runs every rule; each period counts from the
end of what the data served: a signature campaign's close, an agora's end, a live session's close.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agora.models import Participant, Registration
from deliberation.erasure import erase_locked
from manifesto.signatures import services as signature_services
from manifesto.signatures.services import months_before


@dataclass(frozen=True)
class RetentionReport:
    signatures_anonymised: int
    pending_signatures_deleted: int
    registrations_deleted: int
    participants_erased: int
    voter_rolls_deleted: int = 0
    invitations_deleted: int = 0

    def lines(self) -> list[str]:
        return [
            f"signatures anonymised: {self.signatures_anonymised}",
            f"unconfirmed signatures deleted: {self.pending_signatures_deleted}",
            f"agora registrations deleted: {self.registrations_deleted}",
            f"live-session participants erased: {self.participants_erased}",
            f"adoption-vote voters deleted: {self.voter_rolls_deleted}",
            f"closed invitations deleted: {self.invitations_deleted}",
        ]


def apply_retention(*, now=None) -> RetentionReport:
    now = now or timezone.now()
    signatures = signature_services.anonymise_expired(now=now)
    registrations_cutoff = months_before(now, settings.REGISTRATION_RETENTION_MONTHS)
    registrations, _detail = Registration.objects.filter(agora__ends_at__lte=registrations_cutoff).delete()
    participants_cutoff = months_before(now, settings.PARTICIPANT_RETENTION_MONTHS)
    erased = 0
    due = Participant.objects.filter(session__closed_at__lte=participants_cutoff, erased_at__isnull=True)
    for participant_id in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            participant = Participant.objects.select_for_update().select_related("session__agora").get(pk=participant_id)
            erase_locked(participant)
            erased += 1
    from deliberation.adoption.services import delete_expired_rolls

    voters = delete_expired_rolls(now=now)
    from manifesto.people.services import delete_closed_invitations

    invitations = delete_closed_invitations(now=now)
    return RetentionReport(
        voter_rolls_deleted=voters,
        invitations_deleted=invitations,
        signatures_anonymised=signatures.anonymised,
        pending_signatures_deleted=signatures.deleted_pending,
        registrations_deleted=registrations,
        participants_erased=erased,
    )
