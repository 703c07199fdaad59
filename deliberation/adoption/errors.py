"""Errors of the adoption vote: the ServiceError family, each with a translated sentence."""

from django.utils.translation import gettext_lazy as _

from manifesto.errors import InvalidInput, InvalidToken, PermissionDenied, ServiceError

__all__ = ["AlreadyVoted", "InvalidInput", "InvalidVoteLink", "PermissionDenied", "ServiceError", "VoteNotOpen", "WrongVersion"]


class InvalidVoteLink(InvalidToken):
    """Unknown, expired or used link: one sentence for all, so a link reveals nothing about the roll."""

    default_message = _(
        "Ce lien de vote n'est pas ou plus valide : il a peut-être déjà servi, expiré, ou le vote est clos."
    )


class AlreadyVoted(ServiceError):
    code = "already_voted"
    default_message = _("Votre vote a déjà été enregistré : on ne vote qu'une fois.")


class VoteNotOpen(ServiceError):
    code = "vote_not_open"
    default_message = _("Ce vote n'est pas ouvert.")


class WrongVersion(ServiceError):
    code = "wrong_version"
    default_message = _(
        "Le texte soumis au vote n'est pas celui que vous avez lu (empreinte différente) : rien n'a été enregistré. "
        "Rechargez la page et relisez le texte."
    )
