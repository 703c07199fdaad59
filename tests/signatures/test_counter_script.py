"""static/js/signature-counter.js in Chromium, with a scripted websocket: frames that arrive out
of order never put an older count back on screen."""

import json
from pathlib import Path

import pytest

from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser]

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "signature-counter.js"

PAGE = """<!doctype html><html><body>
<div data-counter-ws="/ws/signatures/1/" data-counter-url="/counter.json" data-counter-version="100">
  <strong data-counter-count>7</strong>
  <span data-counter-label data-one="signature" data-many="signatures">signatures</span>
  <progress max="50" value="7" data-counter-progress></progress>
</div></body></html>"""

# A WebSocket that the test drives (window.socket.deliver(frame)); fetch answers nothing new.
FAKES = """
window.fetch = function () { return new Promise(function () {}); };
window.WebSocket = function (url) { window.socket = this; var self = this;
  setTimeout(function () { self.onopen && self.onopen(); }, 0);
  this.deliver = function (frame) { self.onmessage({data: JSON.stringify(frame)}); };
};
"""


def _frame(count, version=None):
    data = {"manifesto_id": 1, "count": count, "goal": 50}
    if version is not None:
        data["version"] = version
    return {"type": "signatures.count", "seq": None, "data": data}


def test_an_older_frame_never_replaces_a_newer_count():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content(PAGE)
            page.add_script_tag(content=FAKES)
            page.add_script_tag(content=SCRIPT.read_text())
            page.wait_for_function("() => window.socket !== undefined")
            count = page.locator("[data-counter-count]")

            def deliver(frame):
                page.evaluate(f"window.socket.deliver({json.dumps(frame)})")
                return count.text_content()

            assert deliver(_frame(5, version=90)) == "7"  # read before the server-rendered count
            assert deliver(_frame(12, version=300)) == "12"
            assert deliver(_frame(11, version=200)) == "12"  # late: a lower count read earlier
            assert deliver(_frame(10, version=400)) == "10"  # newer, lower (a withdrawal): shown
            assert page.locator("[data-counter-progress]").get_attribute("value") == "10"
            assert deliver(_frame(9)) == "9"  # an unversioned frame (older server) is shown as before
        finally:
            browser.close()
