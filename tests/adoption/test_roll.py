"""The voters' roll: bad rows reported by line, nothing imported unless the organiser confirms."""

import pytest

from deliberation.adoption import services
from deliberation.adoption.models import Voter
from deliberation.adoption.roll import parse_roll, small_weight_classes
from tests.adoption.conftest import rules
from tests.factories import make_agora

BAD = """nom;courriel;organisation;poids
Alice Martin;alice@example.org;Coopérative du Val;2
;bruno@example.org;Mutuelle;1
Chloé Roux;pas-une-adresse;Association;1
Denis Morel;denis@example.org;=HYPERLINK("x");1
Emma Blanc;ALICE@example.org ;;1
Farid Saïd;farid@example.org;SCOP Lumière;zéro
Gaëlle Noir;gaelle@example.org;;

Hugo Vert;hugo@example.org;Fondation Verte;0
"""


def test_parse_reports_each_bad_row_with_its_line_number():
    report = parse_roll(BAD)
    assert [row.email for row in report.rows] == ["alice@example.org", "gaelle@example.org"]
    assert [row.weight for row in report.rows] == [2, 1]
    lines = dict(report.errors)
    assert sorted(lines) == [3, 4, 5, 6, 7, 10]
    assert "nom" in lines[3]
    assert "adresse" in lines[4].lower()
    assert "=" in lines[5]
    assert "ligne 2" in lines[6]  # the same address, differently written, as line 2
    assert "zéro" in lines[7]
    assert "0" in lines[10]


def test_parse_refuses_a_file_without_the_required_columns():
    report = parse_roll("prénom,adresse\nAlice,alice@example.org\n")
    assert report.rows == []
    assert report.errors[0][0] == 1 and "nom" in report.errors[0][1] and "email" in report.errors[0][1]


def test_small_weight_classes_are_the_weights_held_by_fewer_than_three_voters():
    assert small_weight_classes([1, 1, 1, 5, 5, 12]) == [5, 12]


@pytest.mark.django_db
def test_import_with_bad_rows_imports_nothing_until_the_organiser_confirms(organiser, manifesto, version):
    vote = services.create_vote(actor=organiser, manifesto=manifesto, version=version, rules=rules())
    result = services.import_roll(actor=organiser, vote=vote, csv_text=BAD)
    assert result.imported == 0 and len(result.report.errors) == 6
    assert Voter.objects.filter(vote=vote).count() == 0

    result = services.import_roll(actor=organiser, vote=vote, csv_text=BAD, accept_valid_rows=True)
    assert result.imported == 2
    assert set(Voter.objects.filter(vote=vote).values_list("email", "weight")) == {("alice@example.org", 2), ("gaelle@example.org", 1)}

    # A second import reports the addresses already on the roll, by line.
    again = services.import_roll(actor=organiser, vote=vote, csv_text="nom,email\nAlice,alice@example.org\n")
    assert again.imported == 0 and again.report.errors[0][0] == 2


@pytest.mark.django_db
def test_outsider_cannot_import_a_roll(organiser, outsider, manifesto, version):
    vote = services.create_vote(actor=organiser, manifesto=manifesto, version=version, rules=rules())
    with pytest.raises(services.PermissionDenied):
        services.import_roll(actor=outsider, vote=vote, csv_text="nom,email\nA,a@example.org\n")
    assert not Voter.objects.filter(vote=vote).exists()


@pytest.mark.django_db
def test_registrants_of_chosen_agoras_join_the_roll_once_each(organiser, manifesto, version):
    from agora.models import Registration

    lille, lyon, other = make_agora(manifesto=manifesto), make_agora(manifesto=manifesto, title="Agora de Lyon"), make_agora(manifesto=manifesto, title="Agora de Nantes")
    Registration.objects.create(agora=lille, name="Inès", email="ines@example.org", consent=True)
    Registration.objects.create(agora=lyon, name="Inès", email="INES@example.org", consent=True)
    Registration.objects.create(agora=lyon, name="Jules", email="jules@example.org", consent=True)
    Registration.objects.create(agora=other, name="Karl", email="karl@example.org", consent=True)
    vote = services.create_vote(actor=organiser, manifesto=manifesto, version=version, rules=rules())
    assert services.add_agora_registrants(actor=organiser, vote=vote, agoras=[lille, lyon]) == 2
    assert sorted(Voter.objects.filter(vote=vote).values_list("email", flat=True)) == ["ines@example.org", "jules@example.org"]
    assert vote.agoras.count() == 2
