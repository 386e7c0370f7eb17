// textback dashboard: live refresh of [data-live] parts when the server reports activity, and
// live segment counts under textareas that name an <output> in data-segments. Every page also
// works without this script.
(function () {
  "use strict";

  function refresh() {
    document.querySelectorAll("[data-live]").forEach(function (el) {
      fetch(el.getAttribute("data-live"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) { el.innerHTML = html; } })
        .catch(function () {});
    });
  }

  function listen() {
    var url = document.body.getAttribute("data-events");
    if (!url || !window.EventSource || !document.querySelector("[data-live]")) { return; }
    var timer = null;
    var source = new EventSource(url);
    // data-live on <html> shows whether updates arrive. Tests wait for "connected".
    source.addEventListener("open", function () { document.documentElement.setAttribute("data-live", "connected"); });
    source.addEventListener("error", function () { document.documentElement.setAttribute("data-live", "retrying"); });
    source.addEventListener("activity", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 200);
    });
  }

  function countSegments(area) {
    var out = document.getElementById(area.getAttribute("data-segments"));
    var url = area.getAttribute("data-count-url");
    var csrf = document.querySelector("meta[name=csrf-token]");
    if (!out || !url || !csrf) { return; }
    var timer = null;
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new URLSearchParams({ text: area.value, kind: area.getAttribute("data-kind") || "reply" });
        fetch(url, { method: "POST", credentials: "same-origin", body: body,
          headers: { "X-CSRF-Token": csrf.getAttribute("content") } })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (text) { if (text !== null) { out.textContent = text; } })
          .catch(function () {});
      }, 120);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    listen();
    document.querySelectorAll("textarea[data-segments]").forEach(countSegments);
  });
})();
