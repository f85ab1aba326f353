// Swagger UI's own markup, mended where a stylesheet cannot reach (axe: scrollable-region-
// focusable, select-name): code examples that scroll sideways take keyboard focus, and the
// value lists of "Try it out" are named after their parameter. Runs as the UI renders.
(function () {
  "use strict";
  function mend(root) {
    root.querySelectorAll("pre.microlight:not([tabindex])").forEach(function (pre) {
      pre.setAttribute("tabindex", "0");
    });
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      var row = select.closest("tr[data-param-name]");
      select.setAttribute("aria-label", row.getAttribute("data-param-name"));
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("swagger-ui");
    if (!root) { return; }
    mend(root);
    new MutationObserver(function () { mend(root); }).observe(root, { childList: true, subtree: true });
  });
})();
