// Choosers that fit their size (issue 8, point 7). Everything here only enhances forms that
// work without JavaScript: the filter box is hidden until this file shows it, and the
// municipality's "List its parishes" button is pressed for you when the choice changes.
(function () {
  "use strict";
  // Lower case without accents, as the server's search keys (core/text.py).
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  function wireFilters(root) {
    root.querySelectorAll("[data-filterable]").forEach(function (box) {
      var input = box.querySelector("[data-choice-filter]");
      if (!input || input.dataset.wired) { return; }
      input.dataset.wired = "1";
      input.hidden = false;
      input.addEventListener("input", function () {
        var wanted = fold(input.value);
        box.querySelectorAll("label").forEach(function (label) {
          var row = label.parentElement;
          row.hidden = wanted !== "" && fold(label.textContent).indexOf(wanted) === -1;
        });
      });
    });
  }
  function wireRefresh(root) {
    root.querySelectorAll("select[data-refresh-on-change]").forEach(function (select) {
      if (select.dataset.wired) { return; }
      select.dataset.wired = "1";
      select.addEventListener("change", function () {
        var button = document.getElementById(select.id + "_refresh");
        if (button) { button.click(); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { wireFilters(document); wireRefresh(document); });
  document.addEventListener("htmx:afterSwap", function (event) { wireFilters(event.target); wireRefresh(event.target); });
})();
