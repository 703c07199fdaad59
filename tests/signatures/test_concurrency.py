"""Concurrent signing on PostgreSQL: the unique constraint, not luck, keeps one signature per address."""

import threading

import pytest
from django.core import mail
from django.db import connection

from manifesto import services as text_services
from manifesto.models import Signature
from manifesto.signatures import selectors, services
from tests.factories import make_manifesto, make_user
from tests.services import on_postgresql, unavailable
from tests.signatures.conftest import person

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 200
# PostgreSQL here allows 100 connections, shared with other test runs: the 200 threads start
# together and queue for at most this many connections at once.
MAX_CONNECTIONS = 40


def test_200_concurrent_signatures_with_10_percent_duplicates_store_and_count_each_address_once():
    if not on_postgresql():
        unavailable("the concurrent signing test needs PostgreSQL (set DATABASE_URL)")
    organiser = make_user()
    manifesto = make_manifesto(organiser=organiser, sections=1, clauses=1)
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Final")
    campaign = services.open_campaign(actor=organiser, manifesto=manifesto, version=version)
    campaign = selectors.campaign_for(slug=manifesto.slug)

    unique = [f"signataire{n}@example.org" for n in range(THREADS - THREADS // 10)]
    variants = []
    for n in range(THREADS // 10):
        address = unique[n * 3]
        variants.append([address.upper(), f"  {address} ", address.capitalize(), f"\t{address.upper()}  "][n % 4])
    addresses = unique + variants
    assert len(addresses) == THREADS

    barrier = threading.Barrier(THREADS)
    connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
    errors = []

    def worker(address):
        try:
            barrier.wait(timeout=60)
            with connections:
                try:
                    services.sign(campaign=campaign, data=person(email=address), ip="203.0.113.10")
                finally:
                    connection.close()
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(error))

    threads = [threading.Thread(target=worker, args=(address,)) for address in addresses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert Signature.objects.filter(manifesto=manifesto).count() == len(unique)
    assert set(Signature.objects.filter(manifesto=manifesto).values_list("email", flat=True)) == set(unique)
    # Every submission got an email: a confirmation link, or a fresh one for the duplicate.
    assert len(mail.outbox) == THREADS

    for signature in Signature.objects.filter(manifesto=manifesto):
        token = services.new_token()
        Signature.objects.filter(pk=signature.pk).update(token_hash=services.hash_token(token))
        services.confirm(token=token)
    assert selectors.signature_count(manifesto.pk, fresh=True) == len(unique)
