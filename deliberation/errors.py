"""Errors of deliberation services: the same family as manifesto's, with the three texts of a conflict."""

from django.utils.translation import gettext_lazy as _

from manifesto.errors import ClauseConflict, InvalidInput, PermissionDenied, ServiceError

__all__ = [
    "AmendmentClosed",
    "AmendmentConflict",
    "ClauseConflict",
    "InvalidInput",
    "NotFound",
    "PermissionDenied",
    "ServiceError",
    "WrongPhase",
]


class WrongPhase(PermissionDenied):
    code = "wrong_phase"
    default_message = _("Ce n'est pas le moment : la phase en cours de la séance ne le permet pas.")


class AmendmentClosed(ServiceError):
    code = "amendment_closed"
    default_message = _("Cet amendement n'est plus en discussion.")


class AmendmentConflict(ClauseConflict):
    """The clause changed since the amendment's base and the changes overlap: nothing was written.

    Carries the three texts so the facilitator can write the merged text, and the revision that
    merged text must be written against.
    """

    default_message = _(
        "L'article a été modifié depuis que cet amendement a été écrit, et les modifications se "
        "chevauchent : rien n'a été écrit. Comparez les trois textes et écrivez le texte fusionné."
    )

    def __init__(self, message=None, *, clause, base: str, current: str, proposed: str):
        self.base, self.current, self.proposed = base, current, proposed
        self.current_revision = clause.revision
        super().__init__(message, clause=clause)


class NotFound(ServiceError):
    code = "not_found"
    default_message = _("Cet amendement est introuvable.")
