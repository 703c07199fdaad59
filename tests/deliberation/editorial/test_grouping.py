"""Grouping the amendments of one article: overlap → conflict set, near-identical → one
duplicate group, disjoint → compatible and integrable together (pure functions, no database)."""

from deliberation.editorial import agreement
from deliberation.editorial.grouping import Proposal, action, combine, group_article, group_new_articles, passage

TEXT = "L'ESS place l'humain plutôt que le profit au cœur de l'économie, partout en France."


def proposal(number, text, *, agora="Agora de Lille", base=TEXT, kind="modify"):
    return Proposal(id=number, number=number, agora=agora, kind=kind, base_text=base, text=text)


def numbers(unit):
    return [p.number for p in unit.proposals]


def test_overlapping_changes_form_one_conflict_set():
    grouping = group_article(
        [
            proposal(1, "L'ESS place l'humain plutôt que le profit au cœur de l'économie, dans chaque territoire."),
            proposal(2, "L'ESS place l'humain plutôt que le profit au cœur de l'économie, en France et en Europe."),
            proposal(3, "L'ESS place l'humain avant le profit au cœur de l'économie, partout en France."),
        ],
        TEXT,
    )
    assert [[numbers(u) for u in s] for s in grouping.conflict_sets] == [[[1], [2]]]
    assert [numbers(u) for u in grouping.compatible] == [[3]]
    where = passage([u.lead for u in grouping.conflict_sets[0]], TEXT)
    assert where.where == "end" and "France" in where.quote


def test_near_identical_proposals_from_different_agoras_are_one_duplicate_group():
    grouping = group_article(
        [
            proposal(4, "L'ESS place l'humain le profit au cœur de l'économie, partout en France.", agora="Agora de Lille"),
            # Same deletion, cut differently (with the space after) and another agora.
            proposal(7, "L'ESS place l'humain  le profit au cœur de l'économie, partout en France.", agora="Agora de Nantes"),
            # The same wish, with a typo in the rest of the sentence left alone: still the same change.
            proposal(9, "L'ESS place l’humain le profit au cœur de l'économie, partout en France.", agora="Agora de Lyon"),
            proposal(12, "L'ESS place l'humain plutôt que le profit au cœur de l'économie, partout en Europe.", agora="Agora de Lyon"),
        ],
        TEXT,
    )
    groups = grouping.duplicate_groups
    assert [numbers(u) for u in groups] == [[4, 7, 9]]
    assert groups[0].agoras == ["Agora de Lille", "Agora de Lyon", "Agora de Nantes"]
    verb, removed, added = action(groups[0].lead)
    assert verb == "delete" and removed == "plutôt que" and added == ""
    assert not grouping.conflict_sets  # the deletion and the change at the end are disjoint


def test_different_wordings_of_the_same_passage_are_not_duplicates():
    grouping = group_article(
        [
            proposal(1, "L'ESS place l'humain avant le profit au cœur de l'économie, partout en France."),
            proposal(2, "L'ESS place l'humain après le profit au cœur de l'économie, partout en France."),
        ],
        TEXT,
    )
    assert grouping.duplicate_groups == []
    assert [[numbers(u) for u in s] for s in grouping.conflict_sets] == [[[1], [2]]]


def test_disjoint_changes_are_compatible_and_integrable_together():
    grouping = group_article(
        [
            proposal(1, "L'ESS place la personne plutôt que le profit au cœur de l'économie, partout en France."),
            proposal(2, "L'ESS place l'humain plutôt que le profit au cœur de l'économie, partout en France et outre-mer."),
        ],
        TEXT,
    )
    assert grouping.conflict_sets == []
    assert [numbers(u) for u in grouping.compatible] == [[1], [2]]
    assert combine([u.lead for u in grouping.compatible], TEXT) == (
        "L'ESS place la personne plutôt que le profit au cœur de l'économie, partout en France et outre-mer."
    )


def test_a_proposal_written_on_an_older_text_is_rebased_or_left_for_review():
    older = "L'ESS place l'humain plutôt que le profit au cœur de l'économie."
    rebased = proposal(1, "L'économie sociale place l'humain plutôt que le profit au cœur de l'économie.", base=older)
    overlapping = proposal(2, "L'ESS place l'humain plutôt que le profit au centre.", base=older)
    # The article gained ", partout en France" since: the first merges, the second touched the same words.
    grouping = group_article([rebased, overlapping], TEXT)
    assert [numbers(u) for u in grouping.compatible] == [[1]]
    assert grouping.compatible[0].lead.rebased.endswith("partout en France.")
    assert [c.proposal.number for c in grouping.stale] == [2]


def test_deletion_of_the_article_conflicts_with_every_rewording_and_deletions_are_duplicates():
    grouping = group_article(
        [
            proposal(1, "", kind="delete"),
            proposal(2, "", kind="delete", agora="Agora de Nantes"),
            proposal(3, "L'ESS place l'humain avant le profit au cœur de l'économie, partout en France."),
        ],
        TEXT,
    )
    assert [[numbers(u) for u in s] for s in grouping.conflict_sets] == [[[1, 2], [3]]]
    assert action(grouping.conflict_sets[0][0].lead)[0] == "delete_article"


def test_a_deleted_article_leaves_every_proposal_for_review():
    grouping = group_article([proposal(1, "Autre chose.")], None)
    assert [c.proposal.number for c in grouping.stale] == [1] and grouping.units == []


def test_new_articles_that_say_different_things_stay_apart():
    grouping = group_new_articles(
        [
            Proposal(1, 1, "Agora de Lille", "insert", "", "Les coopératives d'habitants doivent être soutenues par l'État."),
            Proposal(2, 2, "Agora de Lyon", "insert", "", "L'État doit soutenir les coopératives d'habitants."),
            Proposal(3, 3, "Agora de Lyon", "insert", "", "Les monnaies locales sont un outil de l'ESS."),
        ]
    )
    # Two wordings of one idea are for the editor to merge, not duplicates to answer at once.
    assert [numbers(u) for u in grouping.units] == [[1], [2], [3]]


def test_identical_new_articles_with_different_punctuation_are_one_group():
    grouping = group_new_articles(
        [
            Proposal(1, 1, "Agora de Lille", "insert", "", "Les monnaies locales sont un outil de l'ESS."),
            Proposal(2, 2, "Agora de Lyon", "insert", "", "les monnaies locales sont un outil de l’ESS"),
        ]
    )
    assert [numbers(u) for u in grouping.duplicate_groups] == [[1, 2]]


# ------------------------------------------------------------------------- agreement


def test_cross_family_score_is_the_lowest_share_of_pour_among_families_with_enough_voices():
    score = agreement.cross_family(
        {
            "association": {"pour": 40, "contre": 0, "abstention": 0},
            "cooperative": {"pour": 1, "contre": 3, "abstention": 0},
            "mutuelle": {"pour": 2, "contre": 0, "abstention": 0},  # two voices: not enough to count
            "": {"pour": 9, "contre": 0, "abstention": 0},  # undeclared: totals only
        }
    )
    assert score.percent == 25 and score.lowest.family == "cooperative"
    assert [f.family for f in score.counted] == ["cooperative", "association"]
    assert [f.family for f in score.too_few] == ["mutuelle"]
    assert score.sample == 44 and score.total_voices == 55


def test_no_score_when_fewer_than_two_families_have_enough_voices():
    score = agreement.cross_family({"association": {"pour": 40, "contre": 0, "abstention": 0}, "cooperative": {"pour": 2}})
    assert score.score is None and score.percent is None and score.total_voices == 42


def test_abstention_lowers_the_share():
    score = agreement.cross_family(
        {"association": {"pour": 3, "contre": 0, "abstention": 3}, "mutuelle": {"pour": 4, "contre": 0, "abstention": 0}}
    )
    assert score.percent == 50


def test_duplicate_groups_pool_their_voices():
    merged = agreement.merge_breakdowns(
        [{"association": {"pour": 2, "contre": 0, "abstention": 0}}, {"association": {"pour": 1, "contre": 1, "abstention": 0}}]
    )
    assert merged == {"association": {"pour": 3, "contre": 1, "abstention": 0}}
