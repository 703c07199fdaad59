"""'D'où vient ce texte ?': every word of an article credited to the revision and amendment that brought it."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation import services
from deliberation.models import AmendmentKind
from manifesto import provenance
from manifesto import services as text_services
from manifesto.models import Clause


def propose(actor, session, clause, text, kind=AmendmentKind.MODIFY):
    return services.propose_amendment(actor=actor, session=session, kind=kind, clause=clause, text=text)


def words_by_origin(result) -> dict[str, str]:
    """{label of the origin: its words joined} — what a reader of the page sees."""
    labels = {}
    for origin in result.origins:
        labels[origin.revision] = " + ".join(s.label for s in origin.sources) or ("draft" if origin.first else "edit")
    seen: dict[str, list[str]] = {}
    for passage in result.passages:
        seen.setdefault(labels[passage.revision], []).append(passage.text.strip())
    return {label: " | ".join(texts) for label, texts in seen.items()}


def test_each_word_is_credited_to_the_amendment_that_brought_it(
    as_participant, as_facilitator, live_session, clause, facilitator, organiser
):
    text_services.edit_clause(
        actor=organiser, clause=clause, text="Nous voulons une économie juste et durable.", expected_revision=1
    )
    clause.refresh_from_db()
    first = propose(as_participant, live_session, clause, "Nous voulons une économie juste, solidaire et durable.")
    services.accept_amendment(actor=as_facilitator, amendment=first)
    clause.refresh_from_db()
    second = propose(as_participant, live_session, clause, "Nous exigeons une économie juste, solidaire et durable.")
    services.accept_amendment(actor=as_facilitator, amendment=second)
    clause.refresh_from_db()

    result = provenance.clause_provenance(clause)

    assert clause.revision == 4
    assert words_by_origin(result) == {
        "edit": "Nous | une économie juste, | et durable.",
        "Amendement n° 1": "solidaire",
        "Amendement n° 2": "exigeons",
    }
    by_label = {o.sources[0].label: o for o in result.origins if o.sources}
    assert by_label["Amendement n° 2"].sources[0].origin == "Agora de Lille"
    assert by_label["Amendement n° 2"].sources[0].url == second.get_absolute_url()
    assert by_label["Amendement n° 2"].step.user == facilitator.get_full_name()
    assert by_label["Amendement n° 1"].words == 1
    # The draft's words all went: revision 1 is not an origin any more.
    assert [o.revision for o in result.origins] == [2, 3, 4]


def test_words_of_the_original_draft_are_credited_to_it(as_participant, as_facilitator, live_session, clause):
    original = clause.text
    amendment = propose(as_participant, live_session, clause, original.replace("première rédaction", "rédaction commune"))
    services.accept_amendment(actor=as_facilitator, amendment=amendment)
    clause.refresh_from_db()
    result = provenance.clause_provenance(clause)
    origins = words_by_origin(result)
    assert origins["draft"].startswith("Texte de l'article 1.1,")
    assert origins["Amendement n° 1"] == "commune."  # the full stop stays with the word before it
    # "première" was replaced: the draft's "rédaction" survives, credited to the draft.
    assert "rédaction" in origins["draft"]


def test_a_merged_acceptance_credits_only_the_amendments_own_words(
    as_participant, as_facilitator, live_session, clause, organiser
):
    text_services.edit_clause(actor=organiser, clause=clause, text="Un texte court sur la coopération.", expected_revision=1)
    clause.refresh_from_db()
    late = propose(as_participant, live_session, clause, "Un texte court sur la coopération locale.")
    text_services.edit_clause(actor=organiser, clause=clause, text="Un texte bref sur la coopération.", expected_revision=2)
    clause.refresh_from_db()
    services.accept_amendment(actor=as_facilitator, amendment=late)
    clause.refresh_from_db()
    assert clause.text == "Un texte bref sur la coopération locale."
    result = provenance.clause_provenance(clause)
    origins = words_by_origin(result)
    assert origins["Amendement n° 1"] == "locale."
    source = next(o for o in result.origins if o.sources).sources[0]
    assert source.note  # "fusionné avec les modifications faites depuis"


def test_an_inserted_article_is_credited_to_its_amendment(as_participant, as_facilitator, live_session, clause):
    amendment = propose(as_participant, live_session, clause, "Un article venu de la salle.", kind=AmendmentKind.INSERT)
    new = services.accept_amendment(actor=as_facilitator, amendment=amendment).clause
    result = provenance.clause_provenance(Clause.objects.get(pk=new.pk))
    assert words_by_origin(result) == {"Amendement n° 1": "Un article venu de la salle."}


def test_a_new_revision_replaces_the_cached_attribution(as_participant, as_facilitator, live_session, clause, organiser):
    before = provenance.clause_provenance(clause)
    assert words_by_origin(before) == {"draft": clause.text}
    amendment = propose(as_participant, live_session, clause, clause.text + " Et solidaire.")
    services.accept_amendment(actor=as_facilitator, amendment=amendment)
    clause.refresh_from_db()
    after = provenance.clause_provenance(clause)
    assert words_by_origin(after)["Amendement n° 1"] == "Et solidaire."
    # Computed from the previous revision's cached result: only the new revision's row is read.
    cache.delete(provenance._key(clause, clause.revision))
    with CaptureQueriesContext(connection) as queries:
        again = provenance.clause_provenance(clause, with_sources=False)
    assert len(queries) == 1
    assert [p.text for p in again.passages] == [p.text for p in after.passages]


def test_queries_do_not_grow_with_history(as_participant, as_facilitator, live_session, clause, organiser,
                                         empty_cache):
    def count_for(clause) -> int:
        provenance.clause_provenance(clause)  # fill the cache
        with CaptureQueriesContext(connection) as queries:
            provenance.clause_provenance(clause)
        return len(queries)

    short = count_for(clause)
    for n in range(12):
        amendment = propose(as_participant, live_session, clause, f"{clause.text} Ajout {n}.")
        services.accept_amendment(actor=as_facilitator, amendment=amendment)
        clause.refresh_from_db()
    long = count_for(clause)
    # The sources, in one query per registered source (amendments, contributions); the attribution from the cache.
    assert short == long == len(provenance._resolvers)
    empty_cache()
    with CaptureQueriesContext(connection) as queries:
        result = provenance.clause_provenance(clause)
    assert len(queries) == 1 + len(provenance._resolvers)  # history once, each source once
    assert len([o for o in result.origins if o.sources]) == 12


def test_the_page_shows_origins_with_links(client, as_participant, as_facilitator, live_session, clause, manifesto, agora):
    amendment = propose(as_participant, live_session, clause, clause.text + " <b>Et solidaire.</b>")
    services.accept_amendment(actor=as_facilitator, amendment=amendment)
    response = client.get(f"/manifeste/{manifesto.slug}/article/{clause.number}/origine/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "&lt;/b&gt;" in page and "<b>" not in page
    assert f'href="{amendment.get_absolute_url()}"' in page
    assert "Agora de Lille" in page
    assert "Rédaction initiale" in page
    assert "?revision=2#revision-2" in page
    # Origins are told by numbers after each passage, not by colour alone.
    assert 'href="#origine-1"' in page and 'href="#origine-2"' in page
    reading = client.get(f"/manifeste/{manifesto.slug}/").content.decode()
    assert f"/manifeste/{manifesto.slug}/article/{clause.number}/origine/" in reading


def test_unknown_article_has_no_provenance(client, manifesto):
    assert client.get(f"/manifeste/{manifesto.slug}/article/999/origine/").status_code == 404


def test_the_page_follows_a_new_revision_and_a_later_answer(client, as_participant, as_facilitator, live_session, clause, manifesto):
    url = f"/manifeste/{manifesto.slug}/article/{clause.number}/origine/"
    first = propose(as_participant, live_session, clause, clause.text + " Premier ajout.")
    services.accept_amendment(actor=as_facilitator, amendment=first)
    assert "Premier ajout." in client.get(url).content.decode()
    clause.refresh_from_db()
    second = propose(as_participant, live_session, clause, clause.text + " Second ajout.")
    services.accept_amendment(actor=as_facilitator, amendment=second)
    page = client.get(url).content.decode()
    assert "Second ajout." in page and f'href="{second.get_absolute_url()}"' in page
    # What a source says can change without a new revision (a later answer): the page follows.
    from deliberation.models import Amendment

    Amendment.objects.filter(pk=second.pk).update(applied_with_merge=True)
    assert "fusionné avec les modifications faites depuis" in client.get(url).content.decode()
