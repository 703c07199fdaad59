"""Public answers: outcomes on every page, the agora report, the progress per agora, long reasons."""

from html import unescape

import pytest
from django.urls import reverse

from agora.models import Phase
from deliberation import outcomes, services
from deliberation.answers import selectors as answers
from deliberation.models import AmendmentKind, Outcome
from deliberation.permissions import Actor
from manifesto.history import MAX_REASON_LENGTH
from manifesto.models import DecisionMode
from tests.deliberation.conftest import make_participant, set_phase


def propose(actor, session, clause, text="Une économie au service de toutes et tous."):
    return services.propose_amendment(actor=actor, session=session, kind=AmendmentKind.MODIFY, clause=clause, text=text)


@pytest.fixture
def collective_manifesto(manifesto):
    manifesto.decision_mode = DecisionMode.COLLECTIVE
    manifesto.save(update_fields=["decision_mode"])
    return manifesto


def answer(amendment, outcome, **fields):
    amendment.refresh_from_db()
    outcomes.give_outcome(amendment, user=None, outcome=outcome, final=True, **fields)
    amendment.save()
    return amendment


# ------------------------------------------------------------------ history reasons fit their column


def test_long_reasons_are_shortened_with_an_ellipsis(as_participant, as_facilitator, live_session, clause, agora):
    """On PostgreSQL (CI) a reason over 100 characters raised DataError; now it is shortened."""
    long_reason = "Ce motif est long parce que l'agora a beaucoup débattu, " * 8
    amendment = propose(as_participant, live_session, clause)
    services.reject_amendment(actor=as_facilitator, amendment=amendment, reason=long_reason[:490])
    stored = amendment.history.first().history_change_reason
    assert len(stored) == MAX_REASON_LENGTH and stored.endswith("…") and stored.startswith("Rejeté : Ce motif est long")
    amendment.refresh_from_db()
    assert amendment.decision_reason == long_reason[:490].strip()  # the full reason is kept on the amendment

    other = propose(as_participant, live_session, clause, "Autre rédaction.")
    services.hide_amendment(actor=as_facilitator, amendment=other, reason=long_reason[:490])
    assert len(other.history.first().history_change_reason) == MAX_REASON_LENGTH


def test_accept_credited_to_a_long_agora_title_fits(as_participant, as_facilitator, live_session, clause, agora):
    agora.title = "Agora régionale de l'économie sociale et solidaire des Hauts-de-France, " * 2
    agora.title = agora.title[:200]
    agora.save()
    amendment = propose(as_participant, live_session, clause)
    services.accept_amendment(actor=as_facilitator, amendment=amendment)
    clause.refresh_from_db()
    reason = clause.history.first().history_change_reason
    assert len(reason) == MAX_REASON_LENGTH and reason.startswith("Amendement n° 1 d'Amina (Agora régionale") and reason.endswith("…")


def test_track_keeps_short_reasons_and_names_signed_in_users_only(facilitator):
    from django.contrib.auth.models import AnonymousUser

    from manifesto.history import track

    class Row:
        pass

    assert track(Row(), actor=facilitator, reason="Relecture")._change_reason == "Relecture"
    assert track(Row(), actor=Actor(user=facilitator), reason="x")._history_user == facilitator
    assert track(Row(), actor=AnonymousUser(), reason="x")._history_user is None
    assert track(Row(), actor=None, reason=None)._change_reason == ""
    assert len(track(Row(), actor=None, reason="é" * 101)._change_reason) == MAX_REASON_LENGTH


# ------------------------------------------------------------------ outcomes in words and on pages


def test_every_outcome_reads_as_a_public_answer(as_participant, live_session, clause, collective_manifesto):
    a = propose(as_participant, live_session, clause, "Première.")
    b = propose(as_participant, live_session, clause, "Deuxième.")
    assert outcomes.answer(a) == "en attente"
    answer(a, Outcome.INTEGRATED_MODIFIED, clause=clause)
    assert outcomes.answer(a) == f"intégré modifié — voir article {clause.number}"
    answer(b, Outcome.DUPLICATE, related=a)
    assert outcomes.answer(b) == f"doublon de n° {a.number}"
    answer(b, Outcome.MERGED, related=a)
    assert outcomes.answer(b) == f"fusionné avec n° {a.number}"
    answer(b, Outcome.SET_ASIDE, reason="Déjà couvert par l'article 2")
    assert outcomes.answer(b) == "écarté — Déjà couvert par l'article 2"
    answer(b, Outcome.NOT_RETAINED)
    assert outcomes.answer(b) == "non retenu par l'agora"


def test_outcome_shows_on_the_permalink_and_in_lists(client, as_participant, as_facilitator, live_session, clause, collective_manifesto):
    retained = propose(as_participant, live_session, clause, "Retenue.")
    services.accept_amendment(actor=as_facilitator, amendment=retained)
    answered = propose(as_participant, live_session, clause, "Écartée.")
    answer(answered, Outcome.SET_ASIDE, reason="Contraire au préambule")
    merged = propose(as_participant, live_session, clause, "Fusionnée.")
    answer(merged, Outcome.MERGED, related=retained)

    page = unescape(client.get(retained.get_absolute_url()).content.decode())
    assert "Retenu par l'Agora de Lille — transmis au collectif de rédaction" in page
    assert "en attente" in page
    page = unescape(client.get(answered.get_absolute_url()).content.decode())
    assert "écarté — Contraire au préambule" in page
    session_list = unescape(client.get(reverse("deliberation:session", args=[live_session.pk])).content.decode())
    clause_page = unescape(client.get(clause.get_absolute_url()).content.decode())
    for page in (session_list, clause_page):
        assert "écarté — Contraire au préambule" in page
        assert f"fusionné avec n° {retained.number}" in page
        assert f'href="{retained.get_absolute_url()}"' in page
        assert "Retenu par l'Agora de Lille — transmis au collectif de rédaction" in page


def test_hidden_reason_stays_off_the_public_answer(client, as_participant, live_session, clause, facilitator):
    amendment = propose(as_participant, live_session, clause)
    services.hide_amendment(actor=Actor(user=facilitator), amendment=amendment, reason="Propos injurieux")
    client.force_login(facilitator)
    assert "écarté — Propos injurieux" in unescape(client.get(amendment.get_absolute_url()).content.decode())
    amendment.refresh_from_db()
    assert outcomes.answer(amendment) == "écarté"


# ------------------------------------------------------------------ agora report and progress


def test_agora_report_counts_with_real_plurals(client, as_participant, as_facilitator, live_session, clause, agora, collective_manifesto):
    made = [propose(as_participant, live_session, clause, f"Rédaction {n}.") for n in range(7)]
    answer(made[0], Outcome.INTEGRATED, clause=clause)
    answer(made[1], Outcome.INTEGRATED_MODIFIED, clause=clause)
    answer(made[2], Outcome.MERGED, related=made[0])
    answer(made[3], Outcome.SET_ASIDE, reason="Hors sujet")
    services.reject_amendment(actor=as_facilitator, amendment=made[4], reason="Trop vague")
    services.withdraw_amendment(actor=as_participant, amendment=made[5])
    set_phase(live_session, Phase.SUPPORTS)
    voter = make_participant(live_session, "Mutualiste", ess_family="mutuelle")
    services.set_support(actor=Actor(participant=voter), amendment=made[6], value="pour")
    services.accept_amendment(actor=as_facilitator, amendment=made[6])

    counts = answers.agora_counts(agora)
    assert counts.summary() == (
        "6 propositions : 2 intégrées, 1 fusionnée, 1 écartée avec motif, 1 non retenue par l'agora, 1 en attente"
        " (et 1 retirée par son auteur·rice)"
    )
    assert (counts.total, counts.answered, counts.percent) == (6, 4, 67)

    response = client.get(reverse("deliberation_answers:report", args=[agora.slug]))
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert counts.summary() in page
    assert "Mutuelle" in page and "Coopérative" in page  # participants by family (Amina is in a coop)
    assert "Non retenu par l'agora — Trop vague" in page
    assert "1 / 0 / 0" in page  # the frozen tally of the retained amendment
    assert "Amina" not in page.split("bilan-participants")[1].split("bilan-propositions")[0]  # counts only


def test_report_lists_hidden_proposals_only_to_moderators(client, as_participant, facilitator, live_session, clause, agora):
    amendment = propose(as_participant, live_session, clause)
    services.hide_amendment(actor=Actor(user=facilitator), amendment=amendment, reason="Injurieux")
    url = reverse("deliberation_answers:report", args=[agora.slug])
    assert f'data-report-amendment="{amendment.number}"' not in unescape(client.get(url).content.decode())
    assert "1 proposition : 1 écartée avec motif" in unescape(client.get(url).content.decode())
    client.force_login(facilitator)
    assert f'data-report-amendment="{amendment.number}"' in unescape(client.get(url).content.decode())


def test_progress_per_agora_on_the_reading_page_and_as_json(client, as_participant, as_facilitator, live_session, clause, agora, manifesto, collective_manifesto):
    first = propose(as_participant, live_session, clause, "Une.")
    propose(as_participant, live_session, clause, "Deux.")
    answer(first, Outcome.SET_ASIDE, reason="Non")
    page = unescape(client.get(manifesto.get_absolute_url()).content.decode())
    assert "1 proposition sur 2 a reçu sa réponse" in page
    assert reverse("deliberation_answers:report", args=[agora.slug]) in page

    url = reverse("deliberation_answers:progress", args=[manifesto.slug])
    data = client.get(url).json()
    assert data["changed"] and data["agoras"][0]["answered"] == 1 and data["agoras"][0]["total"] == 2
    seq = data["seq"]
    assert client.get(url, {"depuis": seq}).json() == {"seq": seq, "changed": False}
    services.accept_amendment(actor=as_facilitator, amendment=first.__class__.objects.get(number=2, manifesto=manifesto))
    data = client.get(url, {"depuis": seq}).json()
    assert data["changed"] and data["seq"] > seq
