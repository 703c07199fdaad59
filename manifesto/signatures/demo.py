"""Demo signatures for a proclaimed text, so that its signatories' list, charts and PDF show a
campaign: people and organisations of every ESS family, from a dozen départements, confirmed
over the campaign's first day.

Signed and confirmed through the services, as a signatory would (the confirmation token is
issued here, as the email task would, since nobody reads the demo's emails). Only the
confirmation times are then spread over the hours since the text was proclaimed: the demo
runs in a few seconds, a campaign does not. Idempotent: nothing is added once it has signatures.
"""

import datetime

from django.utils import timezone

from manifesto.models import Signature, SignatureCampaign, SignatureKind
from manifesto.signatures import selectors, services
from manifesto.signatures.services import SignatureInput
from manifesto.signatures.validation import organisation_key

# (first name, last name, role, département), people signing for themselves.
PEOPLE = [
    ("Camille", "Laurent", "sociétaire", "59"), ("Dominique", "Perrin", "bénévole", "59"),
    ("Inès", "Haddad", "directrice de mutuelle", "69"), ("Jules", "Fontaine", "gérant de SCIC", "44"),
    ("Léa", "Moreau", "", "59"), ("Malik", "Benali", "", "75"), ("Nora", "Girard", "", "13"),
    ("Paul", "Lemoine", "cycliste urbain", "69"), ("Sophie", "Marchand", "", "33"),
    ("Yacine", "Cherif", "élu local", "59"), ("Claire", "Dubois", "", "44"), ("Hugo", "Roux", "", "75"),
    ("Amina", "Diallo", "éducatrice", "69"), ("Louis", "Garnier", "", "35"), ("Emma", "Faure", "", "59"),
    ("Théo", "Blanc", "", "44"), ("Sarah", "Lopez", "", "13"), ("Nathan", "Mercier", "", "69"),
    ("Julie", "Bonnet", "", "75"), ("Karim", "Mansouri", "", "59"), ("Lucie", "Fabre", "", "33"),
    ("Antoine", "Guerin", "", "67"), ("Manon", "Chevalier", "", "44"), ("Omar", "Ziani", "", "69"),
    ("Zoé", "Picard", "", "59"), ("Adrien", "Colin", "", "29"), ("Chloé", "Vidal", "", "75"),
    ("Rémi", "Barbier", "", "13"),
]
# (organisation, family, département, SIREN): organisations signing through someone entitled.
ORGANISATIONS = [
    ("Association Quartiers Solidaires", "association", "59", "784671695"),
    ("Réseau des associations de Loire-Atlantique", "association", "44", "775672272"),
    ("Association Vélo-Cité", "association", "69", "552100554"),
    ("Les Restos du Partage", "association", "75", "542065479"),
    ("Association Jardins de Cocagne du Nord", "association", "59", "632012100"),
    ("Association Lire et Faire Lire 13", "association", "13", "499254570"),
    ("Coopérative Les Tisserands", "cooperative", "59", "401800457"),
    ("SCIC Énergie Partagée", "cooperative", "44", "380129866"),
    ("Fédération des coopératives du Nord", "cooperative", "59", "775665019"),
    ("Coopérative d'activité Rhône-Alpes", "cooperative", "69", "319410189"),
    ("SCOP Imprimerie de l'Estuaire", "cooperative", "33", "443061841"),
    ("Mutuelle des Monts", "mutuelle", "69", "775659923"),
    ("Union des mutuelles du Rhône", "mutuelle", "69", "780004099"),
    ("Mutuelle Familiale de l'Ouest", "mutuelle", "35", "302494539"),
    ("Mutuelle Solidaire du Nord", "mutuelle", "59", "542107651"),
    ("Mutuelle des Cheminots", "mutuelle", "75", "775685365"),
    ("Fondation Terre Commune", "fondation", "75", "449046010"),
    ("Fondation pour le Logement Digne", "fondation", "13", "327733184"),
    ("Entreprise d'insertion Le Relais", "entreprise_sociale", "59", "420938757"),
    ("Régie de quartier de Lille-Sud", "entreprise_sociale", "59", "390233890"),
    ("Fondation Solidarités Urbaines", "fondation", "69", "318620331"),
    ("Fondation de l'Économie Circulaire", "fondation", "44", "410342889"),
    ("Fondation Nord Entraide", "fondation", "59", "339484775"),
    ("ESAT Les Ateliers du Rhône", "entreprise_sociale", "69", "775688922"),
    ("Entreprise adaptée Atlantique", "entreprise_sociale", "44", "352789655"),
    ("Recyclerie des Calanques", "entreprise_sociale", "13", "501112367"),
]
SPREAD_HOURS = 22


def _inputs():
    """People and organisations interleaved (about three people for two organisations), as they come."""
    people, organisations = list(_people()), list(_organisations())
    while people or organisations:
        for source, count in ((people, 3), (organisations, 2)):
            for _ in range(count):
                if source:
                    yield source.pop(0)


def _people():
    for first, last, role, territory in PEOPLE:
        email = f"{first}.{last}@example.org".lower().replace("é", "e").replace("è", "e").replace("ë", "e").replace("ï", "i").replace("ô", "o")
        yield SignatureInput(kind=SignatureKind.PERSON, email=email, territory=territory, first_name=first,
                             last_name=last, role=role, consent_public=True)


def _organisations():
    for name, family, territory, siren in ORGANISATIONS:
        yield SignatureInput(kind=SignatureKind.ORGANISATION, email=f"contact-{siren}@example.org", territory=territory,
                             first_name="Contact", last_name="Signataire", organisation_name=name, family=family,
                             siren=siren, organisation_key=organisation_key(siren=siren, name=name), entitled=True,
                             consent_public=True)


def load(manifesto) -> int:
    """Sign `manifesto` (open to signature) for the demo; returns how many signatures it has."""
    campaign = SignatureCampaign.objects.select_related("manifesto").filter(manifesto=manifesto).first()
    if campaign is None or not selectors.campaign_is_open(campaign):
        return 0
    existing = Signature.objects.filter(manifesto=manifesto)
    if existing.exists():
        return existing.count()
    for i, data in enumerate(_inputs()):
        # One address of the documentation range each: the demo is not a burst from one network.
        services.sign(campaign=campaign, data=data, ip=f"198.51.{100 + i // 200}.{i % 200 + 1}")
    pending = list(Signature.objects.filter(manifesto=manifesto).order_by("pk").values_list("pk", flat=True))
    for pk in pending:
        services.confirm(token=services.issue_link_token(pk, states=("pending",)))
    # The campaign's first hours, quicker at the launch and again in the evening.
    now = timezone.now()
    for i, pk in enumerate(pending):
        hours_ago = SPREAD_HOURS * (1 - (i / len(pending)) ** 0.6)
        at = now - datetime.timedelta(hours=hours_ago)
        Signature.objects.filter(pk=pk).update(created_at=at - datetime.timedelta(minutes=3), confirmed_at=at)
    campaign.starts_at = min(campaign.starts_at, now - datetime.timedelta(hours=SPREAD_HOURS + 1))
    campaign.save(update_fields=["starts_at"])
    return len(pending)
