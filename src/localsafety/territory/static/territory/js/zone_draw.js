// Draw a contract zone: Leaflet.draw writes the drawn polygon as GeoJSON into the form's
// geometry textarea (named by data-geometry-field). The contract's municipalities load
// from data-context-src for reference. No inline script (CSP).
(function () {
  "use strict";

  function init(element) {
    var L = window.L;
    if (!L || !L.Control || !L.Control.Draw || element.getAttribute("data-map-ready")) { return; }
    element.setAttribute("data-map-ready", "true");
    var field = document.getElementById(element.getAttribute("data-geometry-field"));
    var status = document.querySelector("[data-zone-draw-status]");
    var map = L.map(element, { scrollWheelZoom: false });
    map.setView([39.6, -8.0], 6);
    var tileUrl = element.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        attribution: element.getAttribute("data-tile-attribution") || "", maxZoom: 19
      }).addTo(map);
    }
    var drawn = new L.FeatureGroup().addTo(map);
    var styles = window.LocalSafetyMap ? window.LocalSafetyMap.styleFor : function () { return {}; };
    var zoneStyle = { color: "#8a3b0b", weight: 2, fillOpacity: 0.3 };

    function say(text) { if (status) { status.textContent = text; } }

    function writeField() {
      if (!field) { return; }
      var layers = drawn.getLayers();
      if (!layers.length) { field.value = ""; return; }
      field.value = JSON.stringify(layers[0].toGeoJSON().geometry);
    }

    if (field && field.value.trim()) {
      try {
        L.geoJSON(JSON.parse(field.value), { style: zoneStyle }).eachLayer(function (layer) {
          drawn.addLayer(layer);
        });
        if (drawn.getBounds().isValid()) { map.fitBounds(drawn.getBounds()); }
      } catch (error) { say(element.getAttribute("data-invalid-message") || ""); }
    }

    var context = element.getAttribute("data-context-src");
    if (context) {
      fetch(context, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          var layer = L.geoJSON(data, { style: styles, interactive: false }).addTo(map);
          layer.bringToBack();
          if (!drawn.getLayers().length && layer.getBounds().isValid()) {
            map.fitBounds(layer.getBounds());
          }
        })
        .catch(function () { /* the drawing works without the context layer */ });
    }

    map.addControl(new L.Control.Draw({
      edit: { featureGroup: drawn, remove: true },
      draw: {
        polygon: { allowIntersection: false, showArea: false, shapeOptions: zoneStyle },
        rectangle: { shapeOptions: zoneStyle },
        polyline: false, circle: false, marker: false, circlemarker: false
      }
    }));
    map.on(L.Draw.Event.CREATED, function (event) {
      drawn.clearLayers();
      drawn.addLayer(event.layer);
      writeField();
      say(element.getAttribute("data-drawn-message") || "✓");
    });
    map.on(L.Draw.Event.EDITED, writeField);
    map.on(L.Draw.Event.DELETED, writeField);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-zone-draw]").forEach(init);
  });
})();
