"""Breakdowns of opinions leave out groups small enough to single someone out."""


from manifesto.disclosure import publishable_groups


def voices(pour=0, contre=0, abstention=0):
    return {"pour": pour, "contre": contre, "abstention": abstention}


def test_groups_of_at_least_the_minimum_are_published_as_they_are():
    groups = {"association": voices(5, 1), "cooperative": voices(3, 3)}
    assert publishable_groups(groups, minimum=5) == groups


def test_a_small_group_is_left_out_with_enough_others_to_hide_it_from_subtraction():
    groups = {"association": voices(9, 1), "cooperative": voices(4, 2), "mutuelle": voices(1, 1)}
    # The mutuelle's two voices alone could be read off as totals minus the rest: the next
    # smallest group is left out with it, so the hidden part holds 8 voices.
    assert publishable_groups(groups, minimum=5) == {"association": voices(9, 1)}


def test_when_nothing_can_hide_a_small_group_no_breakdown_is_published():
    groups = {"association": voices(20), "fondation": voices(0, 1)}
    assert publishable_groups(groups, minimum=5) == {}


def test_the_minimum_comes_from_the_settings(settings):
    settings.MIN_PUBLISHED_GROUP = 2
    groups = {"association": voices(1, 1), "cooperative": voices(2), "": voices(0, 0, 2)}
    assert publishable_groups(groups) == groups
