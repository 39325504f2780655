/*
 * Progress of a document rendered in the background (templates/documents/web/progress.html):
 * polls the JSON status every 2 seconds, moves the bar, and shows the download link when the file
 * is ready (or the retry link if it failed). No inline scripts: a strict Content-Security-Policy can apply.
 */
(function () {
  "use strict";

  function start(panel) {
    var url = panel.getAttribute("data-document-status-url");
    var message = panel.querySelector("[data-document-message]");
    var bar = panel.querySelector("[data-document-bar]");
    var ready = panel.querySelector("[data-document-ready]");
    var retry = panel.querySelector("[data-document-retry]");
    var retryLink = panel.querySelector("[data-document-retry-link]");
    var link = panel.querySelector("[data-document-link]");

    function show(status) {
      message.textContent = status.message;
      bar.value = status.percent;
      bar.textContent = status.percent + "%";
      if (status.file_url) {
        link.href = status.file_url;
        ready.hidden = false;
      }
      if (status.retry_url) {
        retryLink.href = status.retry_url;
        retry.hidden = false;
      }
      return status.state === "done" || status.state === "failed";
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (status) {
          if (status && show(status)) { return; }
          window.setTimeout(poll, 2000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }

    if (ready.hidden && retry.hidden) { window.setTimeout(poll, 1000); }
  }

  function onReady() {
    var panels = document.querySelectorAll("[data-document-status-url]");
    for (var i = 0; i < panels.length; i += 1) { start(panels[i]); }
  }

  if (document.readyState !== "loading") { onReady(); } else { document.addEventListener("DOMContentLoaded", onReady); }
}());
