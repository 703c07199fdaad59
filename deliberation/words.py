"""The translated words of static/js/deliberation.js, given to the page as JSON (json_script)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def js_words(manifesto=None) -> dict:
    """The words, and whether the manifesto is in collective mode (the labels of moderation change:
    a facilitator retains an amendment for the collective rather than adopting it)."""
    words = _common_words()
    if manifesto is not None and manifesto.decided_by_collective:
        words.update(
            collective=True,
            accept=_("Retenir (position de l'agora)"),
            reject=_("Ne pas retenir"),
            modeNote=_(
                "Dans ce manifeste, les décisions de l'animation sont les positions de l'agora : "
                "elles sont transmises au collectif de rédaction, qui seul modifie le texte."
            ),
        )
    return words


def _common_words() -> dict:
    return {
        "collective": False,
        "title": _("Amendements"),
        "amendment": _("Amendement n° %s"),
        "article": _("Article %s"),
        "endOfSection": _("Nouveaux articles — %s"),
        "open": _("En discussion"),
        "accepted": _("Adopté"),
        "rejected": _("Rejeté"),
        "duplicate": _("Doublon"),
        "merged": _("Fusionné"),
        "withdrawn": _("Retiré"),
        "hidden": _("Masqué"),
        "review": _("à revoir"),
        "modify": _("Nouvelle rédaction"),
        "delete": _("Suppression"),
        "insert": _("Nouvel article"),
        "by": _("par %s"),
        "totals": _("Pour : %s · Contre : %s · Abstention : %s"),
        "pour": _("Pour"),
        "contre": _("Contre"),
        "abstention": _("Abstention"),
        "comment": _("Commenter"),
        "commentLabel": _("Votre commentaire"),
        "stance": _("Sens"),
        "withdraw": pgettext("amendement", "Retirer"),
        "accept": _("Adopter"),
        "reject": _("Rejeter"),
        "hide": _("Masquer"),
        "reopen": _("Rouvrir"),
        "reason": _("Motif"),
        "propose": _("Proposer un amendement"),
        "kind": _("Nature"),
        "where": _("Article"),
        "after": _("Après l'article %s"),
        "atEnd": _("À la fin de la partie « %s »"),
        "text": _("Texte proposé"),
        "justification": _("Exposé des motifs"),
        "preview": _("Aperçu des changements"),
        "submit": _("Déposer l'amendement"),
        "proposed": _("Votre amendement n° %s est déposé."),
        "newAmendment": _("Nouvel amendement n° %s sur l'article %s"),
        "acceptedNews": _("Amendement n° %s adopté"),
        "hiddenNote": _("Masqué par l'animation ; visible seulement par son auteur·rice et les animateur·rices."),
        "none": _("Aucun amendement pour l'instant."),
        "conflictLink": _("Résoudre le conflit"),
        "deleted": _("(article supprimé)"),
        "merged_note": _("Fusionné avec les modifications faites entre-temps."),
        "retained": _("Retenu par l'agora"),
        "answer": _("Suite donnée : %s"),
        "retainedNote": _("Retenu par %s — transmis au collectif de rédaction"),
        "notRetainedNote": _("Non retenu par %s"),
        "duplicateNote": _("Doublon selon %s — transmis au collectif de rédaction"),
        "mergedNote": _("Fusionné dans un compromis par %s"),
        "hiddenPositionNote": _("Masqué par %s"),
    }
