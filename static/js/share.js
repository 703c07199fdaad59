// The share block (templates/sharing/_share.html), enhanced: a "copy link" button, and the
// Mastodon form going straight to the instance's share page. Without JavaScript the link is in
// a read-only field to copy by hand, and the form opens a page with the link to follow.
(function () {
  "use strict";
  document.querySelectorAll("[data-share]").forEach(function (block) {
    var field = block.querySelector("[data-share-url]");
    var button = block.querySelector("[data-share-copy]");
    var status = block.querySelector("[data-share-status]");

    function say(key) { if (status) status.textContent = status.dataset[key] || ""; }

    function fallback() {
      field.focus();
      field.select();
      try { return document.execCommand("copy"); } catch (e) { return false; }
    }

    if (field && button) {
      button.hidden = false;
      field.addEventListener("focus", function () { field.select(); });
      button.addEventListener("click", function () {
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(
            function () { say("copied"); },
            function () { say(fallback() ? "copied" : "failed"); }
          );
        } else {
          say(fallback() ? "copied" : "failed");
        }
      });
    }

    var mastodon = block.querySelector("[data-share-mastodon]");
    if (mastodon) {
      mastodon.addEventListener("submit", function (event) {
        var raw = (mastodon.elements.instance.value || "").trim().toLowerCase()
          .replace(/^https?:\/\//, "").replace(/\/+$/, "");
        if (raw.indexOf("@") !== -1 && raw.indexOf("/") === -1) raw = raw.slice(raw.lastIndexOf("@") + 1);
        // The same check as the server's (manifesto/sharing/links.py); anything else goes to it for its sentence.
        if (!/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(raw)) return;
        event.preventDefault();
        window.location.href = "https://" + raw + "/share?text=" + encodeURIComponent(mastodon.dataset.shareText);
      });
    }
  });
})();
