"""Errors raised by manifesto services; each carries a translated sentence for the person."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    code = "invalid"
    default_message = _("Cette action n'a pas pu être effectuée.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class PermissionDenied(ServiceError):
    code = "forbidden"
    default_message = _("Vous n'avez pas le droit de faire cela.")


class InvalidInput(ServiceError):
    code = "invalid"


class ClauseConflict(ServiceError):
    """The clause changed since the editor read it; nothing was written."""

    code = "conflict"
    default_message = _(
        "Quelqu'un d'autre a modifié cet article pendant que vous l'éditiez. "
        "Votre texte n'a pas été enregistré : relisez la nouvelle version et recommencez."
    )

    def __init__(self, message=None, *, clause=None):
        self.clause = clause
        super().__init__(message)
