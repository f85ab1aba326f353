// LocalSafety page behaviour. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";
  function focusErrorSummary() {
    var summary = document.querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
  }
  // Live filters: <form data-live-filters="#target"> is an ordinary GET form (it works without
  // JavaScript); with htmx, a change of a select or a submit asks for the target's fragment
  // once and swaps only the target (whatever sits outside it, such as a map, stays), then
  // pushes the filters' URL so the view can be shared and the back button brings it back.
  function filterUrl(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && value !== "") { params.append(name, value); }
    });
    var query = params.toString();
    return (form.getAttribute("action") || window.location.pathname) + (query ? "?" + query : "");
  }

  function fillForm(form, params) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "submit" || field.type === "button") { return; }
      var value = params.get(field.name) || "";
      if (field.tagName === "SELECT") {
        field.value = value;
        if (field.selectedIndex === -1) { field.selectedIndex = 0; }
      } else {
        field.value = value;
      }
    });
  }

  function wireLiveFilters(root) {
    root.querySelectorAll("form[data-live-filters]").forEach(function (form) {
      var target = document.querySelector(form.getAttribute("data-live-filters"));
      if (!window.htmx || !target || form.hasAttribute("data-live-ready")) { return; }
      form.setAttribute("data-live-ready", "true");
      var last = window.location.pathname + window.location.search;
      function load(url, push) {
        last = url;
        return window.htmx.ajax("GET", url, { target: target, swap: "innerHTML" }).then(function () {
          if (push && url === last) { window.history.pushState({ liveFilters: true }, "", url); }
          // The new count is announced: the swapped heading itself is not a live region.
          var status = document.querySelector("[data-live-status]");
          var heading = target.querySelector("h2");
          if (status && heading) { status.textContent = heading.textContent; }
        });
      }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        load(filterUrl(form), true);
      });
      form.querySelectorAll("select").forEach(function (select) {
        select.addEventListener("change", function () { load(filterUrl(form), true); });
      });
      // Pages of the results keep the map too.
      target.addEventListener("click", function (event) {
        var link = event.target.closest ? event.target.closest(".pagination a[href]") : null;
        if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
        event.preventDefault();
        var url = new URL(link.href, window.location.href);
        load(url.pathname + url.search, true);
      });
      window.history.replaceState({ liveFilters: true }, "", window.location.href);
      window.addEventListener("popstate", function (event) {
        if (!event.state || !event.state.liveFilters) { return; }
        fillForm(form, new URLSearchParams(window.location.search));
        load(window.location.pathname + window.location.search, false);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    wireLiveFilters(document);
  });
  // CSRF token for htmx requests, read from the cookie-free meta tag in forms.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
})();
