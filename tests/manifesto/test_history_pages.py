"""Histories at scale: paginated, a constant number of queries, diffs computed once per pair."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from manifesto import selectors, services


def edit_many(organiser, clause, times: int) -> None:
    for n in range(times):
        clause.refresh_from_db()
        services.edit_clause(actor=organiser, clause=clause, text=f"Rédaction n° {n} de l'article.", expected_revision=clause.revision)


def test_clause_history_is_paginated_newest_first(client, organiser, manifesto, clause):
    edit_many(organiser, clause, 7)
    first = selectors.clause_history_page(manifesto=manifesto, number=clause.number, per_page=3)
    assert [entry.revision for entry in first.entries] == [8, 7, 6]
    assert first.page.paginator.num_pages == 3
    last = selectors.clause_history_page(manifesto=manifesto, number=clause.number, page=3, per_page=3)
    assert [entry.kind for entry in last.entries] == ["changed", "created"]
    assert last.entries[-1].text.startswith("Texte de l'article")
    # Asking for a revision opens the page that shows it.
    assert selectors.clause_history_page(manifesto=manifesto, number=clause.number, revision=4, per_page=3).page.number == 2


def test_clause_page_links_pages_and_anchors_revisions(client, organiser, manifesto, clause, settings):
    edit_many(organiser, clause, 60)
    url = f"/manifeste/{manifesto.slug}/article/{clause.number}/"
    page = client.get(url).content.decode()
    assert page.count('class="history-entry"') == selectors.HISTORY_PAGE_SIZE
    assert 'rel="next"' in page and 'id="revision-61"' in page and 'start="61"' in page
    older = client.get(url + "?page=2").content.decode()
    assert 'id="revision-1"' in older and "Création" in older
    assert 'id="revision-3"' in client.get(url + "?revision=3").content.decode()
    assert client.get(url + "?page=999").status_code == 200  # the last page, not an error


def test_page_queries_do_not_grow_with_history(client, organiser, manifesto, clause):
    def queries(url):
        client.get(url)  # warm the caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    clause_url = f"/manifeste/{manifesto.slug}/article/{clause.number}/"
    history_url = f"/manifeste/{manifesto.slug}/historique/"
    short = queries(clause_url), queries(history_url)
    edit_many(organiser, clause, 70)
    assert (queries(clause_url), queries(history_url)) == short


def test_whole_history_is_paginated(client, organiser, manifesto, clause):
    edit_many(organiser, clause, 55)
    result = selectors.history_page(manifesto=manifesto)
    assert len(result.entries) == selectors.HISTORY_PAGE_SIZE
    assert result.entries[0].number == clause.number and result.entries[0].revision == 56
    # 55 edits + 6 clause creations.
    assert result.page.paginator.count == 61
    second = client.get(f"/manifeste/{manifesto.slug}/historique/?page=2").content.decode()
    assert second.count('class="history-entry"') == 11


def test_a_new_revision_shows_at_once(client, organiser, manifesto, clause):
    url = f"/manifeste/{manifesto.slug}/article/{clause.number}/"
    client.get(url)
    services.edit_clause(actor=organiser, clause=clause, text="Une toute nouvelle rédaction.", expected_revision=1)
    page = client.get(url).content.decode()
    assert "toute nouvelle" in page and 'id="revision-2"' in page


def test_diffs_are_computed_once_per_pair(monkeypatch, organiser, manifesto, clause):
    from manifesto import diff

    edit_many(organiser, clause, 3)
    calls = []
    real = diff.render_diff
    monkeypatch.setattr(diff, "render_diff", lambda old, new: calls.append(1) or real(old, new))
    selectors.clause_history_page(manifesto=manifesto, number=clause.number)
    assert len(calls) == 3
    selectors.clause_history_page(manifesto=manifesto, number=clause.number)
    assert len(calls) == 3
