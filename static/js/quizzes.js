// Exams: when the server's deadline is reached, lock the answers and reload; the server finalizes.
(function () {
  "use strict";
  document.addEventListener("deadline", function (event) {
    if (!event.target.hasAttribute("data-reload-at-deadline")) return;
    var form = document.getElementById("exam-form");
    if (form) form.querySelectorAll("input, button").forEach(function (el) { el.disabled = true; });
    // A moment later than zero, so the request never reaches the server just before its deadline.
    setTimeout(function () { window.location.reload(); }, 1200);
  });
})();
