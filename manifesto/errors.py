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


def refuse_if_forbidden(error: ServiceError) -> None:
    """A refusal (who may not, or not now) becomes the site's 403 page with its sentence.

    Views call it first where they catch a ServiceError: bad input is answered on the form,
    a refusal the same way on every page (HTTP 403, templates/403.html).
    """
    if isinstance(error, PermissionDenied):
        from django.core.exceptions import PermissionDenied as HttpForbidden

        raise HttpForbidden(str(error.message))


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


class CampaignClosed(ServiceError):
    code = "closed"
    default_message = _("La signature de ce manifeste n'est pas ouverte : les signatures ne sont plus recueillies.")


class InvalidToken(ServiceError):
    """Unknown, expired or already-used link: one message for all, so a link reveals nothing."""

    code = "invalid_token"
    default_message = _(
        "Ce lien n'est pas ou plus valide : il a peut-être expiré. "
        "Vous pouvez demander un nouveau lien de confirmation."
    )


class RateLimited(ServiceError):
    code = "rate_limited"
    default_message = _(
        "Trop de demandes ont été envoyées depuis votre connexion. Réessayez un peu plus tard."
    )


class WrongStage(ServiceError):
    """The manifesto's current stage does not allow the action; the sentence names the stage and its dates."""

    code = "wrong_stage"
    default_message = _("Ce n'est pas possible à l'étape en cours du manifeste.")
