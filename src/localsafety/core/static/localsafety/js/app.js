// LocalSafety page behaviour. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";
  function focusErrorSummary() {
    var summary = document.querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
  }
  // Forms that submit on change (filters) also keep a submit button for keyboard and no-JS use.
  function wireAutoSubmit(root) {
    root.querySelectorAll("form[data-autosubmit] select").forEach(function (el) {
      el.addEventListener("change", function () {
        if (window.htmx && el.form.getAttribute("hx-get")) { window.htmx.trigger(el.form, "submit"); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    wireAutoSubmit(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) { wireAutoSubmit(event.target); });
  // CSRF token for htmx requests, read from the cookie-free meta tag in forms.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
})();
