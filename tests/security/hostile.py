"""Hostile content for the pages-in-Chromium checks: script-like strings in every field people type.

`SEED` runs in a server's database (manage.py shell -c) after the demo is loaded; it goes
through the services, as people would. Each payload carries `data-xss`: if a page ever turns one
into an element, `[data-xss]` finds it, whatever the Content-Security-Policy blocks.
"""

PAYLOADS = [
    '<img src=x onerror=window.pwned=1 data-xss>',
    '"><svg onload=window.pwned=1 data-xss>',
    "</script><b data-xss>x</b>",
    "'-alert(1)-'<i data-xss>",
]

SEED = r'''
import datetime, json
from django.contrib.auth import get_user_model
from django.utils import timezone
from agora import services as agora_services
from agora.models import Phase
from deliberation import services
from deliberation.permissions import Actor
from manifesto import services as text_services
from manifesto.models import Manifesto, SignatureCampaign
from manifesto.signatures import services as signatures
from manifesto.signatures.services import SignatureInput

P = PAYLOADS
User = get_user_model()
organiser, facilitator = User.objects.get(username="organisatrice"), User.objects.get(username="animateur")
manifesto = Manifesto.objects.filter(organisers=organiser).order_by("pk").first()
start = timezone.now() + datetime.timedelta(days=2)
agora = agora_services.create_agora(
    actor=organiser, manifesto=manifesto, title="Agora " + P[0], slug="agora-hostile", starts_at=start,
    ends_at=start + datetime.timedelta(hours=2), venue=P[1], host_organisation=P[2], description=P[3],
    facilitators=[facilitator])
agora_services.register(agora=agora, name=P[0], email="hostile@example.org", organisation=P[1], consent=True)
session = agora_services.open_session(actor=facilitator, agora=agora)
session = agora_services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
someone = Actor(participant=agora_services.join(session=session, display_name=P[0][:60], organisation=P[1]))
clause = manifesto.clauses.order_by("number").first()
agora_services.set_focus(actor=facilitator, session=session, clause_id=clause.pk)
amendment = services.propose_amendment(actor=someone, session=session, kind="modify", clause=clause,
                                       text=clause.text + " " + P[1], justification=P[2])
services.propose_amendment(actor=someone, session=session, kind="insert", section=clause.section, text=P[3],
                           justification=P[0])
services.add_comment(actor=someone, amendment=amendment, stance="pour", text=P[3])
agora_services.raise_hand(participant=someone.participant)
campaign = SignatureCampaign.objects.filter(manifesto=manifesto, closed_at__isnull=True).first()
if campaign is None:
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label=P[0])
    campaign = signatures.open_campaign(actor=organiser, manifesto=manifesto, version=version, goal=10)
for kind, fields in (("person", {"first_name": P[2][:100], "last_name": P[0][:100], "role": P[3]}),
                     ("organisation", {"first_name": "A", "last_name": "B", "organisation_name": P[1],
                                       "family": "cooperative", "organisation_key": "name:hostile", "entitled": True})):
    signatures.sign(campaign=campaign, data=SignatureInput(kind=kind, email=f"{kind}-hostile@example.org",
                    territory="59", consent_public=True, **fields), ip="192.0.2.1")
from manifesto.models import Signature
for signature in Signature.objects.filter(email__contains="-hostile@"):
    token = signatures.new_token()
    Signature.objects.filter(pk=signature.pk).update(token_hash=signatures.hash_token(token))
    signatures.confirm(token=token)
print(json.dumps({"code": session.code, "session": session.pk, "agora": agora.slug}))
'''
