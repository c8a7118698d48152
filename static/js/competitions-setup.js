// The set-up page's question picker: "加入" adds a found question's id to its round's field.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick]");
    if (!button) return;
    var list = button.closest("[data-pick-for]");
    var field = list && document.getElementById(list.dataset.pickFor);
    if (!field) return;
    var ids = field.value.split(/[,，\s]+/).filter(Boolean);
    if (ids.indexOf(button.dataset.pick) === -1) ids.push(button.dataset.pick);
    field.value = ids.join(",");
    button.disabled = true;
    var round = field.closest(".round-form");
    var pick = round && round.querySelector('input[type=radio][value="pick"]');
    if (pick) pick.checked = true;
  });
})();
