// Leaflet's and Leaflet.draw's own words in the page's language (issue 8, point 5). The page
// carries them in <script type="application/json" id="leaflet-strings"> ({% leaflet_strings %});
// this file runs after leaflet.js and before any map is made.
(function () {
  "use strict";
  var L = window.L;
  var script = document.getElementById("leaflet-strings");
  if (!L || !script) { return; }
  var strings;
  try { strings = JSON.parse(script.textContent); } catch (error) { return; }
  // Leaflet.draw puts its strings into the page as HTML: ours are text, so escape them.
  function escape(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function merge(target, source) {
    Object.keys(source).forEach(function (key) {
      var value = source[key];
      if (value && typeof value === "object") {
        if (!target[key] || typeof target[key] !== "object") { target[key] = {}; }
        merge(target[key], value);
      } else {
        target[key] = escape(value);
      }
    });
  }
  L.Control.Zoom.prototype.options.zoomInTitle = strings.zoomIn;
  L.Control.Zoom.prototype.options.zoomOutTitle = strings.zoomOut;
  L.Control.Attribution.prototype.options.prefix =
    '<a href="https://leafletjs.com" title="' + escape(strings.libraryTitle) + '">Leaflet</a>';
  L.Map.addInitHook(function () {
    this.on("popupopen", function (event) {
      var element = event.popup.getElement();
      var button = element ? element.querySelector(".leaflet-popup-close-button") : null;
      if (button) { button.setAttribute("aria-label", strings.closePopup); }
    });
  });
  // Leaflet.draw loads after this file (zone pages); its maps are made on DOMContentLoaded,
  // after this listener, which was added first.
  document.addEventListener("DOMContentLoaded", function () {
    if (L.drawLocal && strings.drawLocal) { merge(L.drawLocal, strings.drawLocal); }
  });
})();
