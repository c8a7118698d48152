// Exams: when the server's deadline is reached, lock the answers and reload; the server finalizes.
(function () {
  "use strict";
  document.addEventListener("deadline", function (event) {
    if (!event.target.hasAttribute("data-reload-at-deadline")) return;
    var form = document.getElementById("exam-form");
    if (form) {
      form.dataset.timeUp = "1";
      form.querySelectorAll("input, button").forEach(function (el) { el.disabled = true; });
    }
    // A moment later than zero, so the request never reaches the server just before its deadline.
    setTimeout(function () { window.location.reload(); }, 1200);
  });

  // Handing in with questions left blank asks once: a mis-tap on 交卷 should not end the exam.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "exam-form" || form.dataset.timeUp) return;
    var blank = 0;
    form.querySelectorAll("fieldset.question").forEach(function (question) {
      var texts = Array.prototype.slice.call(question.querySelectorAll("input[type=text]"));
      var filled = question.querySelector("input:checked") || texts.some(function (input) { return input.value.trim(); });
      if (!filled) blank += 1;
    });
    if (blank && !window.confirm(form.dataset.confirmBlank.replace("%(n)s", blank))) event.preventDefault();
  });
})();
