"""A compromise merged from several amendments credits every merged author and amendment:
in the article's history reason and in "D'où vient ce texte ?"."""

from deliberation import services
from deliberation.models import AmendmentKind
from deliberation.permissions import Actor
from manifesto import provenance
from tests.deliberation.conftest import make_participant


def propose(actor, session, clause, text):
    return services.propose_amendment(actor=actor, session=session, kind=AmendmentKind.MODIFY, clause=clause, text=text)


def merged_and_accepted(live_session, clause, as_facilitator):
    camille = Actor(participant=make_participant(live_session, "Camille"))
    yanis = Actor(participant=make_participant(live_session, "Yanis"))
    first = propose(camille, live_session, clause, clause.text + " Et solidaire.")
    second = propose(yanis, live_session, clause, clause.text + " Et durable.")
    compromise = services.merge_amendments(
        actor=as_facilitator, amendments=[first, second], text=clause.text + " Et solidaire, et durable."
    )
    services.accept_amendment(actor=as_facilitator, amendment=compromise)
    clause.refresh_from_db()
    return first, second, compromise


def test_history_reason_of_a_merged_compromise_names_every_amendment_and_author(live_session, clause, as_facilitator, facilitator):
    first, second, compromise = merged_and_accepted(live_session, clause, as_facilitator)
    reason = clause.history.first().history_change_reason
    assert f"n° {first.number} de Camille" in reason
    assert f"n° {second.number} de Yanis" in reason
    assert f"n° {compromise.number}" in reason
    assert "Agora de Lille" in reason
    # The facilitator who wrote the compromise is who decided, not its author.
    assert f"de {compromise.author_name}" not in reason.replace("de Camille", "").replace("de Yanis", "")


def test_provenance_credits_the_compromise_and_every_merged_amendment(live_session, clause, as_facilitator):
    first, second, compromise = merged_and_accepted(live_session, clause, as_facilitator)
    result = provenance.clause_provenance(clause)
    latest = next(origin for origin in result.origins if origin.revision == clause.revision)
    credited = {(source.label, source.author) for source in latest.sources}
    assert (f"Amendement n° {first.number}", "Camille") in credited
    assert (f"Amendement n° {second.number}", "Yanis") in credited
    assert f"Amendement n° {compromise.number}" in {label for label, _author in credited}
    notes = [source.note for source in latest.sources if source.author in ("Camille", "Yanis")]
    assert all(f"compromis n° {compromise.number}" in note for note in notes)


def test_provenance_page_shows_every_merged_author(client, live_session, clause, as_facilitator, manifesto):
    first, second, compromise = merged_and_accepted(live_session, clause, as_facilitator)
    page = client.get(f"/manifeste/{manifesto.slug}/article/{clause.number}/origine/").content.decode()
    assert "de Camille" in page and "de Yanis" in page
    assert f'href="{first.get_absolute_url()}"' in page and f'href="{second.get_absolute_url()}"' in page
    assert f"n° {first.number} de Camille et n° {second.number} de Yanis" in page  # the history reason, quoted
