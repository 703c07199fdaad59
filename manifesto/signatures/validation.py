"""Checks on what a signatory types: names, SIREN, email. Pure functions, no database."""

import hashlib
import hmac
import re
import unicodedata

import email_validator

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# A name that starts with one of these would be read as a formula by a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@")
URL_PATTERN = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.|\b[\w-]+\.(?:com|fr|org|net|info|io|eu|biz|xyz|ru|cn|co|me|ly|gl|be|ch|de|uk|app|site|online|top)\b)",
    re.IGNORECASE,
)


def clean_name(value: str, *, field_label: str, required: bool = True, max_length: int = 100) -> str:
    """Collapse spaces, refuse URLs, control characters and formula-like starts."""
    value = unicodedata.normalize("NFC", value or "")
    if any(unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs"} for char in value):
        raise ValidationError(
            _("Le champ « %(field)s » contient des caractères de contrôle : retirez-les.") % {"field": field_label}
        )
    value = " ".join(value.split())
    if not value:
        if required:
            raise ValidationError(_("Le champ « %(field)s » est obligatoire.") % {"field": field_label})
        return ""
    if len(value) > max_length:
        raise ValidationError(
            _("Le champ « %(field)s » ne peut pas dépasser %(max)d caractères.") % {"field": field_label, "max": max_length}
        )
    if value.startswith(FORMULA_PREFIXES):
        raise ValidationError(
            _("Le champ « %(field)s » ne peut pas commencer par =, +, - ou @.") % {"field": field_label}
        )
    if URL_PATTERN.search(value):
        raise ValidationError(
            _("Le champ « %(field)s » ne peut pas contenir d'adresse web.") % {"field": field_label}
        )
    return value


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2 == 1:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def clean_siren(value: str) -> str:
    """'' when empty; else the 9 digits, checked with their Luhn check digit."""
    digits = re.sub(r"[\s.\u00a0\u202f]", "", value or "")
    if not digits:
        return ""
    if not (len(digits) == 9 and digits.isascii() and digits.isdigit()):
        raise ValidationError(_("Un numéro SIREN compte exactement 9 chiffres."))
    if not luhn_valid(digits):
        raise ValidationError(_("Ce numéro SIREN n'est pas valide : vérifiez les chiffres (la clé de contrôle ne correspond pas)."))
    return digits


def normalise_email(value: str) -> str:
    """One form per mailbox, so that one mailbox is counted once (documented in the README).

    Unicode NFC, surrounding spaces removed, lower-case (we never send to a case-sensitive local
    part), and the domain in its ASCII (IDNA) form: `x@exämple.org` and `x@xn--exmple-cua.org`
    are the same mailbox, the one our emails go to. `+tags` are kept: they may be real mailboxes.
    A string that is not an address is returned lower-cased and trimmed (lookups then find nothing).
    """
    email = unicodedata.normalize("NFC", value or "").strip().lower()
    try:
        parsed = email_validator.validate_email(email, check_deliverability=False, allow_smtputf8=True)
    except email_validator.EmailNotValidError:
        return email
    return f"{parsed.local_part}@{parsed.ascii_domain}".lower()


def email_digest(email: str) -> str:
    """HMAC-SHA256 of the normalised address under EMAIL_DIGEST_KEY: kept after erasure, unreadable."""
    from django.conf import settings

    key = settings.EMAIL_DIGEST_KEY.encode()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def normalise_domain(value: str) -> str:
    """A domain typed by an organiser (`@exämple.org`, `EXÄMPLE.org`) in the form addresses are stored in."""
    domain = unicodedata.normalize("NFC", value or "").strip().lower().lstrip("@")
    try:
        return domain.encode("idna").decode("ascii") if domain else ""
    except UnicodeError:
        return domain


def clean_email(value: str) -> str:
    email = unicodedata.normalize("NFC", value or "").strip()
    if not email:
        raise ValidationError(_("L'adresse électronique est obligatoire."))
    try:
        email_validator.validate_email(email, check_deliverability=False, allow_smtputf8=True)
        validate_email(normalise_email(email))
    except (email_validator.EmailNotValidError, ValidationError):
        raise ValidationError(_("Cette adresse électronique n'est pas valide.")) from None
    return normalise_email(email)


def organisation_key(*, siren: str, name: str) -> str:
    """The same organisation signed for by several people is listed once: by SIREN, else by name."""
    if siren:
        return f"siren:{siren}"
    folded = unicodedata.normalize("NFKD", name).casefold()
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    return "name:" + " ".join(re.sub(r"[^\w]+", " ", folded).split())[:200]
