"""One mailbox counts once: IDNA-normalised addresses, a digest that survives erasure, a search that reveals nothing hidden."""

import importlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import mail

from manifesto.models import Signature, SignatureKind, SignatureState
from manifesto.signatures import selectors, services
from manifesto.signatures.validation import clean_email, email_digest, normalise_domain, normalise_email
from tests.signatures.conftest import manage_link, organisation, person


def test_unicode_and_punycode_domains_are_one_mailbox():
    assert normalise_email(" X@Exämple.ORG ") == "x@xn--exmple-cua.org"
    assert normalise_email("x@xn--exmple-cua.org") == "x@xn--exmple-cua.org"
    assert normalise_email("a+tag@example.com") == "a+tag@example.com"  # +tags are distinct mailboxes
    assert clean_email("x@exämple.org") == "x@xn--exmple-cua.org"
    assert normalise_domain("@EXÄMPLE.org") == "xn--exmple-cua.org"
    assert email_digest("X@exämple.org") == email_digest("x@xn--exmple-cua.org")


def test_signing_with_both_spellings_of_a_domain_counts_once(campaign, signed, sign):
    signed(campaign, person(email="x@exämple.org"))
    message = sign(campaign, person(email="x@xn--exmple-cua.org"))
    assert Signature.objects.count() == 1
    assert message.to == ["x@xn--exmple-cua.org"]
    assert "déjà" in message.subject.lower() or "déjà" in message.body.lower()
    assert selectors.signature_count(campaign.manifesto_id) == 1


def test_bulk_invalidation_by_unicode_domain_matches_every_spelling(campaign, signed, organiser):
    signed(campaign, person(email="a@exämple.org"))
    signed(campaign, person(email="b@xn--exmple-cua.org"))
    signed(campaign, person(email="c@example.org"))
    result = services.bulk_invalidate(actor=organiser, manifesto=campaign.manifesto, email_domain="Exämple.org")
    assert (result.matched, result.were_counted) == (2, 2)
    assert selectors.signature_count(campaign.manifesto_id) == 1


def test_erased_then_signed_again_counts_once_and_nothing_readable_remains(campaign, signed, sign, django_db_blocker):
    signature, message, _receipt = signed(campaign, person(email="camille@example.org", last_name="Dupont-Erase"))
    signature_id, token = manage_link(message)
    services.erase(signature_id=signature_id, token=token)
    erased = Signature.objects.get(pk=signature.pk)
    assert erased.email is None and erased.email_digest == email_digest("camille@example.org")

    before = len(mail.outbox)
    sign(campaign, person(email="Camille@Example.org", last_name="Dupont-Erase"))
    assert Signature.objects.count() == 1
    assert len(mail.outbox) == before  # no row can be written to, and the reply is the same as for anyone
    assert selectors.signature_count(campaign.manifesto_id) == 1

    dump = "\n".join(str(row) for row in Signature.objects.values_list())
    assert "camille" not in dump.lower() and "Dupont-Erase" not in dump


def test_data_migration_normalises_and_reports_the_same_mailbox_counted_twice(campaign, capsys):
    common = {"manifesto_id": campaign.manifesto_id, "version_id": campaign.version_id, "territory": "59",
              "kind": SignatureKind.PERSON, "first_name": "X", "last_name": "Y"}
    first = Signature.objects.create(email="x@exämple.org", state=SignatureState.CONFIRMED, **common)
    second = Signature.objects.create(email="x@xn--exmple-cua.org", state=SignatureState.CONFIRMED, **common)
    other = Signature.objects.create(email="z@example.org", state=SignatureState.PENDING, **common)
    migration = importlib.import_module("manifesto.migrations.0003_signature_email_digest")

    migration.normalise_existing(apps, None)

    rows = {row.pk: row for row in Signature.objects.all()}
    assert rows[first.pk].email == "x@xn--exmple-cua.org" and rows[first.pk].state == SignatureState.CONFIRMED
    assert rows[second.pk].email is None and rows[second.pk].state == SignatureState.INVALIDATED
    assert rows[other.pk].email_digest == email_digest("z@example.org")
    assert f"#{second.pk}" in capsys.readouterr().out


def test_public_search_matches_only_what_the_list_displays(campaign, signed):
    signed(campaign, organisation(first_name="Hortense", last_name="Secretname", email="h@example.org",
                                  organisation_name="Coopérative Visible"))
    signed(campaign, person(first_name="Paul", last_name="Public", role="Trésorier", email="p@example.org"))

    def found(query):
        return [row.display_name for row in selectors.public_list(manifesto_id=campaign.manifesto_id, query=query)]

    assert found("Secretname") == [] and found("Hortense") == []
    assert found("Visible") == ["Coopérative Visible"]
    assert found("Public") == ["Paul Public"] and found("Trésorier") == ["Paul Public"]


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path):
    """The README's production exports, with real values for its placeholders, pass `check --deploy`."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Production", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    for line in block.splitlines():
        if line.startswith("export "):
            for name, value in re.findall(r"(\w+)=(\S+)", line.split("#", 1)[0]):
                env[name] = value
    placeholders = {name for name, value in env.items() if "…" in value}
    assert placeholders <= {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_DIGEST_KEY"}, placeholders
    env.update(SECRET_KEY=secrets.token_urlsafe(50), EMAIL_DIGEST_KEY=secrets.token_urlsafe(32))
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/test"
    env["REDIS_URL"] = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
