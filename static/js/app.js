// The little JS the product needs: the phone menu, and countdowns driven by a server deadline.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-menu-toggle]");
    if (!toggle) return;
    var header = toggle.closest(".site-header");
    var open = header.classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // <span data-deadline="ISO-8601" data-server-now="ISO-8601"> counts down to the server's
  // deadline; the offset between server and device clocks is taken once at render time.
  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      if (!el.dataset.offset) {
        var serverNow = Date.parse(el.dataset.serverNow || new Date().toISOString());
        el.dataset.offset = String(serverNow - Date.now());
      }
      var remaining = Date.parse(el.dataset.deadline) - (Date.now() + Number(el.dataset.offset));
      var seconds = Math.max(0, Math.ceil(remaining / 1000));
      var m = Math.floor(seconds / 60), s = seconds % 60;
      el.textContent = (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
      el.classList.toggle("urgent", seconds <= 10);
      if (seconds === 0 && !el.dataset.expired) {
        el.dataset.expired = "1";
        el.dispatchEvent(new CustomEvent("deadline", { bubbles: true }));
      }
    });
  }
  setInterval(tick, 250);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
})();
