// Lesson admin: refresh the preview from the Markdown being typed (the server sanitizes it).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("id_body_markdown");
    var preview = document.querySelector("[data-preview]");
    if (!source || !preview) return;
    var token = document.querySelector("[name=csrfmiddlewaretoken]");
    var timer = null;
    source.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var data = new FormData();
        data.append("body_markdown", source.value);
        fetch(preview.dataset.previewUrl, {
          method: "POST", body: data, credentials: "same-origin",
          headers: { "X-CSRFToken": token ? token.value : "" },
        }).then(function (response) {
          return response.ok ? response.text() : Promise.reject(response.status);
        }).then(function (html) {
          preview.innerHTML = html;
        }).catch(function () { /* keep the last preview */ });
      }, 500);
    });
  });
})();
