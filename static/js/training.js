// The lesson page: save the reading position (the section being read) as the person scrolls or
// pages, and send a heartbeat while the page is visible. The server counts study time from when
// these requests arrive; nothing here measures time.
(function () {
  "use strict";
  var HEARTBEAT_MS = 30000;

  function start() {
    var body = document.querySelector("[data-lesson-body]");
    if (!body) return;
    var url = body.dataset.positionUrl;
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    var heads = Array.prototype.slice.call(body.querySelectorAll("h2[data-section]"));
    var saved = body.dataset.section || "";
    var pager = document.querySelector("[data-section-pager]");
    var titleEl = pager && pager.querySelector("[data-current-title]");
    var timer = null;
    var moved = false; // opening the page alone never moves the saved position

    // Flaky phone networks: one request at a time, so position saves reach the server in the
    // order they were made (a slow save can never overwrite a later one). A save that fails stays
    // pending and goes again with the next heartbeat or when the phone is back online. Requests
    // carry no time: a retry or a duplicate only tells the server "still here", and the server
    // counts gaps between arrivals, so nothing is counted twice.
    var inFlight = false;
    var pending = null; // the section the server has not confirmed yet, or null
    var beatDue = false;

    function post(fields) {
      var data = new FormData();
      Object.keys(fields).forEach(function (key) { data.append(key, fields[key]); });
      return fetch(url, { method: "POST", body: data, headers: headers, credentials: "same-origin", keepalive: true })
        .then(function (response) { return response.ok || response.status === 400; }); // 400: refused, do not retry
    }

    function flush() {
      if (inFlight || (pending === null && !beatDue)) return;
      var section = pending;
      beatDue = false;
      inFlight = true;
      post(section === null ? {} : { section: section })
        .then(function (done) { if (done && pending === section) pending = null; }, function () { /* offline */ })
        .then(function () {
          inFlight = false;
          if (pending !== null && pending !== section) flush(); // the reader moved on meanwhile
        });
    }

    function savePosition(section) { pending = section; flush(); }

    // The section being read: the last h2 in the top third of the screen. (The end-of-lesson
    // card below the text leaves room for the last heading to get there.)
    function currentIndex() {
      var line = window.innerHeight / 3;
      var index = -1;
      for (var i = 0; i < heads.length; i++) {
        if (heads[i].getBoundingClientRect().top <= line) index = i; else break;
      }
      return index;
    }

    function check() {
      var index = currentIndex();
      var section = index >= 0 ? heads[index].dataset.section : "";
      if (section !== saved) {
        saved = section;
        body.dataset.section = section;
        savePosition(section);
      }
      if (titleEl && heads.length) titleEl.textContent = heads[Math.max(index, 0)].textContent;
    }

    window.addEventListener("scroll", function () {
      moved = true;
      clearTimeout(timer);
      timer = setTimeout(check, 300);
    }, { passive: true });

    if (pager) {
      pager.addEventListener("click", function (event) {
        var button = event.target.closest("[data-go]");
        if (!button) return;
        var target = Math.min(heads.length - 1, Math.max(0, currentIndex() + Number(button.dataset.go)));
        heads[target].scrollIntoView({ behavior: "smooth", block: "start" });
      });
    }

    setInterval(function () {
      if (document.visibilityState === "visible") { beatDue = true; flush(); }
    }, HEARTBEAT_MS);
    window.addEventListener("online", flush);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && moved) { clearTimeout(timer); check(); }
    });
    if (titleEl && heads.length) titleEl.textContent = heads[Math.max(currentIndex(), 0)].textContent;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
