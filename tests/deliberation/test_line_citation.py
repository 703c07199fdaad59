"""An amendment cites the lines it touches in the current text ("article 4, l. 12–14")."""

from deliberation import selectors, services
from deliberation.permissions import Actor
from manifesto import selectors as text_selectors
from manifesto import services as text_services

LONG = " ".join(f"mot{i:02d}" for i in range(60))  # several lines of 80 characters


def test_a_modification_cites_its_lines_and_its_page_shows_them(client, organiser, live_session, participant, clause):
    clause = text_services.edit_clause(actor=organiser, clause=clause, text=LONG, expected_revision=clause.revision)
    amendment = services.propose_amendment(
        actor=Actor(participant=participant), session=live_session, kind="modify", clause=clause,
        text=LONG.replace("mot30", "MOT30"),
    )
    block = text_selectors.current_numbering(clause.manifesto).clause(clause.number)
    line = next(line.number for line in block.lines if "mot30" in line.text)
    assert block.first < line  # the change is not on the article's first line
    citation = selectors.line_citation(amendment)
    assert citation == f"article {clause.number}, l. {line}"
    page = client.get(amendment.get_absolute_url()).content.decode()
    assert citation in page and "?lignes=1#article-" in page


def test_a_deletion_cites_the_whole_article_and_an_insertion_the_line_it_follows(live_session, participant, clause):
    actor = Actor(participant=participant)
    deletion = services.propose_amendment(actor=actor, session=live_session, kind="delete", clause=clause, text="")
    block = text_selectors.current_numbering(clause.manifesto).clause(clause.number)
    expected = f"l. {block.first}" if block.first == block.last else f"l. {block.first}–{block.last}"
    assert selectors.line_citation(deletion) == f"article {clause.number}, {expected}"
    insertion = services.propose_amendment(actor=actor, session=live_session, kind="insert", clause=clause, text="Un nouvel article.")
    assert selectors.line_citation(insertion) == f"après l’article {clause.number}, l. {block.last}"
