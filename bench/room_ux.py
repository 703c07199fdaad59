#!/usr/bin/env python
"""The live room as people meet it, measured in Chromium on a fresh demo served by a real daphne.

Prints, beside a baseline of the same run (the browser loading a bare page from the same server):
- joining: taps and seconds from the join page opened with a code (the QR code's link) to seeing
  the focused article, on a phone (390×844, touch);
- proposing: seconds from tapping "Déposer l'amendement" on the phone to the amendment in the
  projector's list, and from the facilitator's "Projeter" to the amendment on the projector's
  screen;
- bytes of JavaScript + CSS each page loads (the phone's pages first);
- serious and critical axe-core violations per page (participant room, console, projector,
  moderation, signing), with the rules that failed.

    .venv/bin/python bench/room_ux.py
    .venv/bin/python bench/room_ux.py --axe-version 4.14.1 --json

axe-core comes from the npm registry's `axe-core` package (`npm pack`, fetched once into
~/.cache/coecrire-bench/, outside the repository); without npm the audit is skipped and says so.
Targets: ≤ 3 taps and ≤ 2 s to join, ≤ 1 s to the projector, ≤ 100 KB of
JS+CSS on the phone, 0 serious or critical violations. A script, not a test.
"""

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import daphne, manage, server_env  # noqa: E402
from tests.services import CHROMIUM_ARGS, chromium_path  # noqa: E402

CACHE = Path.home() / ".cache" / "coecrire-bench"
PASSWORD = "demo-coecrire"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}

# A live session of the demo agora, in the proposals phase with article 1 in focus; the second
# demo text opened to signature, so that the signing form is the real one.
SETUP = textwrap.dedent("""
    import json
    from django.contrib.auth import get_user_model
    from agora import services as agora_services
    from agora.models import Agora, Phase
    from manifesto.models import Manifesto
    from manifesto import services as text_services
    from manifesto.signatures import services as signature_services
    User = get_user_model()
    facilitator = User.objects.get(username="animateur")
    agora = Agora.objects.get(slug="agora-lille")
    clause = agora.manifesto.clauses.order_by("section__position", "position").first()
    session = agora_services.open_session(actor=facilitator, agora=agora)
    session = agora_services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
    session = agora_services.set_focus(actor=facilitator, session=session, clause_id=clause.pk)
    signing = ""
    try:
        organiser = User.objects.get(username="organisatrice")
        other = Manifesto.objects.exclude(pk=agora.manifesto_id).order_by("pk").first()
        version = text_services.freeze_version(actor=organiser, manifesto=other, label="Texte final")
        signature_services.open_campaign(actor=organiser, manifesto=other, version=version)
        signing = other.slug
    except Exception as exc:  # the signing page is then the "not open yet" one; said below
        signing = "!" + str(exc)
    print(json.dumps({"session": session.pk, "code": session.code, "clause": clause.number,
                      "slug": agora.manifesto.slug, "signing": signing}))
""")


def axe_source(version: str) -> str | None:
    """axe.min.js of the npm package `axe-core`, cached outside the repository."""
    target = CACHE / f"axe-core-{version}.min.js"
    if target.exists():
        return target.read_text(encoding="utf-8")
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            subprocess.run(["npm", "pack", f"axe-core@{version}", "--silent"], cwd=tmp, check=True,
                           capture_output=True, timeout=180)
        except (OSError, subprocess.SubprocessError) as exc:
            print(f"  (axe-core not fetched: {exc}; the audit is skipped)")
            return None
        tarball = next(Path(tmp).glob("axe-core-*.tgz"))
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/axe.min.js")
            target.write_bytes(member.read())
    return target.read_text(encoding="utf-8")


RESOURCE_BYTES = """() => performance.getEntriesByType('resource')
    .filter(e => /\\.(js|css)(\\?|$)/.test(new URL(e.name).pathname))
    .reduce((sum, e) => sum + (e.decodedBodySize || 0), 0)"""


def weight(page) -> int:
    """Bytes of JS and CSS the page loaded (decoded bodies, as the phone parses them)."""
    return page.evaluate(RESOURCE_BYTES)


def audit(page, axe: str | None) -> tuple[int | None, list[str]]:
    if axe is None:
        return None, []
    page.add_script_tag(content=axe)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    return len(serious), [f"{v['id']} ({v['impact']}, {len(v['nodes'])})" for v in serious]


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def measure(base: str, data: dict, axe: str | None) -> dict:
    from playwright.sync_api import sync_playwright

    figures: dict = {"pages": {}}
    session = data["session"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        # CSP bypassed only so that axe can be injected; the pages' own scripts are the same.
        phone_ctx = browser.new_context(locale="fr-FR", bypass_csp=True, **PHONE)
        phone = phone_ctx.new_page()

        # Baseline: the same browser loading a bare page (the health probe) from the same server.
        phone.goto(base + "/healthz")
        started = time.perf_counter()
        for _ in range(5):
            phone.goto(base + "/healthz")
        figures["baseline_page_s"] = (time.perf_counter() - started) / 5

        # Joining, as after scanning the QR code: the join page with its code.
        phone.goto(base + f"/agoras/rejoindre/{data['code']}/")
        phone.wait_for_load_state("load")
        join_bytes = weight(phone)
        join_serious, join_rules = audit(phone, axe)
        started = time.perf_counter()
        taps = 0
        phone.tap("#id_display_name")
        taps += 1
        phone.keyboard.type("Zoé")
        submitted = time.perf_counter()
        phone.tap("main form button[type=submit]")
        taps += 1
        phone.locator(".focus .focus-text").first.wait_for(state="visible", timeout=30_000)
        figures["join_s"] = time.perf_counter() - started
        figures["join_submit_to_article_s"] = time.perf_counter() - submitted
        figures["join_taps"] = taps
        phone.wait_for_selector("[data-live-state][data-state=online]", timeout=30_000)
        phone.wait_for_selector("[data-propose-form]", timeout=30_000)
        figures["pages"]["join (phone)"] = {"bytes": join_bytes, "serious": join_serious, "rules": join_rules}
        count, rules = audit(phone, axe)
        figures["pages"]["participant room (phone)"] = {"bytes": weight(phone), "serious": count, "rules": rules}

        # The projector, and the facilitator's laptop.
        staff_ctx = browser.new_context(locale="fr-FR", bypass_csp=True, **LAPTOP)
        console = staff_ctx.new_page()
        log_in(console, base, "animateur")
        projector = staff_ctx.new_page()
        projector.set_viewport_size(PROJECTOR["viewport"])
        projector.goto(base + f"/agoras/seance/{session}/projection/")
        projector.wait_for_selector("[data-live-state][data-state=online]", timeout=30_000)
        projector.wait_for_timeout(300)

        # Proposing: tap "Déposer l'amendement", until the projector lists it.
        form = phone.locator("[data-propose-form]")
        text = form.locator("[name=text]")
        text.fill(text.input_value().rstrip(".") + ", mesuré par le banc d'essai.")
        known = projector.evaluate("() => [...document.querySelectorAll('[data-amendment-id]')].map(e => e.dataset.amendmentId)")
        started = time.perf_counter()
        form.locator("button[type=submit]").tap()
        try:
            phone.wait_for_function(
                "known => [...document.querySelectorAll('[data-amendment-id]')].some(e => e.dataset.amendmentId && !known.includes(e.dataset.amendmentId))",
                arg=known, timeout=15_000,
            )
        except Exception:
            raise SystemExit(f"the phone's proposal was not filed: {phone.inner_text('[data-deliberation]')[:600]!r}") from None
        figures["propose_to_phone_s"] = time.perf_counter() - started
        try:
            projector.wait_for_function(
                "known => [...document.querySelectorAll('[data-amendment-id]')].some(e => e.dataset.amendmentId && !known.includes(e.dataset.amendmentId))",
                arg=known, timeout=10_000,
            )
        except Exception:
            raise SystemExit("the projector did not list the new amendment") from None
        figures["propose_to_projector_list_s"] = time.perf_counter() - started
        new_id = projector.evaluate(
            "known => [...document.querySelectorAll('[data-amendment-id]')].map(e => e.dataset.amendmentId).find(i => i && !known.includes(i))",
            known,
        )

        # The facilitator puts it on screen from the moderation queue (works without JavaScript).
        moderation = staff_ctx.new_page()
        moderation.goto(base + f"/deliberation/seances/{session}/moderation/")
        moderation.wait_for_load_state("load")
        project = moderation.locator(f"form[action$='/projeter/']:has(input[name=amendment_id][value='{new_id}']) button")
        shown = "() => { const b = document.querySelector('[data-projected]'); return b && !b.hidden ? b.querySelector('[data-projected-number]').textContent : ''; }"
        if project.count():
            before = projector.evaluate(shown)
            started = time.perf_counter()
            project.first.click()
            projector.wait_for_function(f"before => ({shown})() && ({shown})() !== before", arg=before, timeout=30_000)
            figures["project_to_screen_s"] = time.perf_counter() - started
        else:
            figures["project_to_screen_s"] = None
        moderation.goto(base + f"/deliberation/seances/{session}/moderation/")
        moderation.wait_for_load_state("load")
        count, rules = audit(moderation, axe)
        figures["pages"]["moderation (1366)"] = {"bytes": weight(moderation), "serious": count, "rules": rules}

        console.goto(base + f"/agoras/seance/{session}/animer/")
        console.wait_for_selector("[data-live-state][data-state=online]", timeout=30_000)
        console.wait_for_timeout(300)
        count, rules = audit(console, axe)
        figures["pages"]["console (1366)"] = {"bytes": weight(console), "serious": count, "rules": rules}

        projector.wait_for_timeout(300)
        count, rules = audit(projector, axe)
        figures["pages"]["projector (1920)"] = {"bytes": weight(projector), "serious": count, "rules": rules}

        # Signing, on a phone.
        signing = data["signing"]
        sign_ctx = browser.new_context(locale="fr-FR", bypass_csp=True, **PHONE)
        sign = sign_ctx.new_page()
        slug = signing if signing and not signing.startswith("!") else data["slug"]
        sign.goto(base + f"/signer/{slug}/")
        sign.wait_for_load_state("load")
        count, rules = audit(sign, axe)
        label = "signing (phone)" if slug == signing else "signing: not open (phone)"
        figures["pages"][label] = {"bytes": weight(sign), "serious": count, "rules": rules}
        if signing.startswith("!"):
            figures["signing_note"] = signing[1:]

        home_ctx = browser.new_context(locale="fr-FR", bypass_csp=True, **PHONE)
        home = home_ctx.new_page()
        home.goto(base + "/")
        home.wait_for_load_state("load")
        count, rules = audit(home, axe)
        figures["pages"]["home (phone)"] = {"bytes": weight(home), "serious": count, "rules": rules}
        browser.close()
    return figures


def report(figures: dict) -> None:
    def seconds(value):
        return "n/a" if value is None else f"{value:.2f} s"

    print(f"baseline: a bare page from the same server         {seconds(figures['baseline_page_s'])}")
    print(f"join: taps from the join page with a code           {figures['join_taps']}  (target ≤ 3)")
    print(f"join: seconds to the focused article                {seconds(figures['join_s'])}  (target ≤ 2 s)")
    print(f"join: of which submit → article shown               {seconds(figures.get('join_submit_to_article_s'))}")
    print(f"propose: tap → acknowledged on the phone          {seconds(figures.get('propose_to_phone_s'))}")
    print(f"propose: tap → listed on the projector              {seconds(figures['propose_to_projector_list_s'])}  (target ≤ 1 s)")
    print(f"project: facilitator's Projeter → on the projector  {seconds(figures['project_to_screen_s'])}  (target ≤ 1 s)")
    print("page                             JS+CSS bytes   serious/critical axe violations")
    for name, page in figures["pages"].items():
        serious = page.get("serious")
        shown = "—" if "serious" not in page else ("not run" if serious is None else str(serious))
        print(f"  {name:<30} {page['bytes']:>10,}   {shown}")
        for rule in page.get("rules", []):
            print(f"      {rule}")
    if figures.get("signing_note"):
        print(f"(the signing form could not be opened on the demo: {figures['signing_note']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--axe-version", default="4.14.1", help="axe-core version from the npm registry")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    axe = axe_source(args.axe_version)
    with tempfile.TemporaryDirectory() as tmp:
        env = server_env(SQLITE_PATH=str(Path(tmp) / "db.sqlite3"))
        manage("migrate", "--no-input", env=env)
        manage("load_demo", env=env)
        output = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP], env=env, cwd=ROOT,
            check=True, capture_output=True, text=True,
        ).stdout
        data = json.loads(output.strip().splitlines()[-1])
        with daphne(env) as base:
            figures = measure(base, data, axe)
    report(figures)
    if args.json:
        print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
