"""The translated words of static/js/deliberation.js, given to the page as JSON (json_script)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from deliberation.services import MAX_COMMENT_LENGTH, MAX_JUSTIFICATION_LENGTH
from manifesto.services import MAX_CLAUSE_LENGTH


def abstentions(count) -> str:
    """ "1 abstention", "2 abstentions": the one word of a tally that takes the plural."""
    count = int(count or 0)
    # French takes the singular for 0 and 1 (« 0 abstention »); with French as the source language
    # there is no French catalogue to say so, and the English words are the same for every count.
    return ngettext("%(count)d abstention", "%(count)d abstentions", 1 if count == 0 else count) % {"count": count}


def _outcome_words() -> dict:
    number = {"number": "%s"}
    return {
        "pending": pgettext("outcome", "en attente"),
        "deferred": _("en attente — reporté par le collectif de rédaction"),
        "integrated": pgettext("outcome", "intégré"),
        "integratedAt": _("intégré — article %(number)s") % number,
        "integrated_modified": pgettext("outcome", "intégré modifié"),
        "integrated_modifiedAt": _("intégré modifié — voir article %(number)s") % number,
        "merged": pgettext("outcome", "fusionné"),
        "mergedWith": _("fusionné avec n° %(number)s") % number,
        "duplicate": pgettext("outcome", "doublon"),
        "duplicateOf": _("doublon de n° %(number)s") % number,
        "set_aside": pgettext("outcome", "écarté"),
        "set_asideBecause": _("écarté — %(reason)s") % {"reason": "%s"},
        "not_retained": pgettext("outcome", "non retenu par l'agora"),
        "not_retainedBecause": _("non retenu par l'agora — %(reason)s") % {"reason": "%s"},
    }


def answer_of(data: dict) -> str:
    """An amendment's answer from its payload (selectors.public_data), in the active language: the
    payload's `answer` is in the site's language. static/js/live.js (answerText) says the same."""
    words, code = _outcome_words(), data.get("outcome")
    if code == "pending" and data.get("deferred"):
        return words["deferred"]
    if code in ("integrated", "integrated_modified") and data.get("outcome_clause_number") is not None:
        return words[code + "At"].replace("%s", str(data["outcome_clause_number"]))
    if code in ("merged", "duplicate") and data.get("outcome_related_number") is not None:
        return words["mergedWith" if code == "merged" else "duplicateOf"].replace("%s", str(data["outcome_related_number"]))
    if code in ("set_aside", "not_retained") and data.get("outcome_reason"):
        return words[code + "Because"].replace("%s", data["outcome_reason"])
    return words.get(code) or data.get("answer", "")


def js_words(agora=None) -> dict:
    """The words, and whether the agora's manifesto is in collective mode (the labels of moderation
    change: a facilitator retains an amendment for the collective rather than adopting it; the notes
    name the agora: "Retenu par l'Agora de Lille — transmis au collectif de rédaction")."""
    from deliberation.models import PositionKind
    from deliberation.outcomes import position_note_for

    words = _common_words()
    if agora is not None and agora.manifesto.decided_by_collective:
        words.update(
            retainedNote=position_note_for(PositionKind.RETAINED, agora.title),
            notRetainedNote=position_note_for(PositionKind.NOT_RETAINED, agora.title),
            duplicateNote=position_note_for(PositionKind.DUPLICATE, agora.title),
            mergedNote=position_note_for(PositionKind.MERGED, agora.title),
            hiddenPositionNote=position_note_for(PositionKind.HIDDEN, agora.title),
        )
        words.update(
            collective=True,
            # Only the collective's integration makes an amendment "accepted" here: a room never adopts.
            accepted=_("Intégré par le collectif de rédaction"),
            acceptedNews=_("Amendement n° %s intégré par le collectif de rédaction"),
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
        "delete": pgettext("nature d'un amendement", "Suppression"),
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
        # The answer in this page's language, from the amendment's outcome code and its parts
        # (an event's `answer` is in the site's language): %s is the number or the reason.
        "outcomes": _outcome_words(),
        "draftTitle": _("Votre proposition n'a pas été déposée"),
        "draftWaiting": _("Votre proposition attend la réponse du serveur…"),
        "draftKept": _("Votre texte est gardé ici, et reviendra dans le formulaire à la prochaine phase de propositions."),
        "draftKeptToCopy": _("Votre texte reste ici pour que vous puissiez le copier : il ne peut plus être déposé dans cette séance."),
        "draftForget": _("Effacer ce brouillon"),
        "pendingSend": _("En attente d'envoi : votre proposition partira au retour du réseau."),
        "proposalsClosed": _("La phase a changé : les propositions sont closes."),
        "textFrozen": _("Le texte est figé : il ne peut plus être modifié."),
        "stageClosed": _("Les amendements ne sont pas ouverts à cette étape du processus."),
        "sessionClosed": _("La séance est close."),
        "counter": _("%s / %s caractères"),
        "tooLong": _("Ce texte compte %s caractères, pour %s au plus : raccourcissez-le. Rien n'a été envoyé ; votre texte reste ici."),
        # The limits the services enforce (deliberation.services, manifesto.services).
        "maxText": MAX_CLAUSE_LENGTH,
        "maxWhy": MAX_JUSTIFICATION_LENGTH,
        "maxComment": MAX_COMMENT_LENGTH,
    }
