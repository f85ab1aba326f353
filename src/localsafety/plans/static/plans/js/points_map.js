// A measure's points on a map: the form's textarea of "label; lat; lon" lines stays the field
// (it works without scripts); this script shows those lines as markers and rewrites them as
// points are placed (Leaflet.draw's marker tool), dragged or deleted. Lines it cannot read are
// kept as typed, for the server to name. Labels go into the page as text only. No inline
// script (CSP).
(function () {
  "use strict";

  function textElement(tag, text) {
    var element = document.createElement(tag);
    element.textContent = text;
    return element;
  }

  // "38,7569" or "38.7569" (decimal comma or point, typographic minus) as a number, else NaN.
  function parseNumber(text) {
    var cleaned = String(text).replace(/\s+/g, "").replace(/\u2212/g, "-").replace(/°/g, "");
    if (cleaned.indexOf(",") !== -1) {
      if (cleaned.indexOf(".") !== -1 || cleaned.split(",").length > 2) { return NaN; }
      cleaned = cleaned.replace(",", ".");
    }
    if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(cleaned)) { return NaN; }
    return parseFloat(cleaned);
  }

  // A line as {label, lat, lon}, or null (split from the right: a label may hold a ";").
  function parseLine(line) {
    var separator = line.indexOf(";") !== -1 ? ";" : "\t";
    var parts = line.split(separator);
    if (parts.length < 3) { return null; }
    var lon = parseNumber(parts.pop());
    var lat = parseNumber(parts.pop());
    var label = parts.join(separator).trim();
    if (!label || isNaN(lat) || isNaN(lon)) { return null; }
    return { label: label, lat: lat, lon: lon };
  }

  function rounded(value) { return Math.round(value * 1e6) / 1e6; }

  function init(element) {
    var L = window.L;
    if (!L || !L.Control || !L.Control.Draw || element.getAttribute("data-map-ready")) { return; }
    var field = document.getElementById(element.getAttribute("data-points-field"));
    if (!field) { return; }
    element.setAttribute("data-map-ready", "true");
    element.hidden = false;
    var container = element.parentNode;
    var help = container.querySelector("[data-points-help]");
    var status = container.querySelector("[data-points-status]");
    if (help) { help.hidden = false; }
    var map = L.map(element, { scrollWheelZoom: false });
    map.setView([39.6, -8.0], 6);
    var tileUrl = element.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        attribution: element.getAttribute("data-tile-attribution") || "", maxZoom: 19
      }).addTo(map);
    }
    var group = new L.FeatureGroup().addTo(map);
    var defaultLabel = element.getAttribute("data-default-label") || "Point";
    // One entry per line of the field: {text} as typed, or {label, marker} for a point.
    var lines = [];

    function say(text) { if (status) { status.textContent = text || ""; } }

    function markerFor(point) {
      var marker = L.marker([point.lat, point.lon], { title: point.label, alt: point.label });
      marker.bindTooltip(textElement("span", point.label));
      group.addLayer(marker);
      return marker;
    }

    function readField() {
      group.clearLayers();
      lines = field.value.split(/\r?\n/).map(function (text) {
        var point = text.trim() ? parseLine(text) : null;
        if (!point) { return { text: text }; }
        return { label: point.label, marker: markerFor(point) };
      });
    }

    function writeField() {
      field.value = lines.filter(function (entry) {
        return entry.marker ? group.hasLayer(entry.marker) : entry.text.trim() !== "";
      }).map(function (entry) {
        if (!entry.marker) { return entry.text; }
        var at = entry.marker.getLatLng();
        return entry.label + "; " + rounded(at.lat) + "; " + rounded(at.lng);
      }).join("\n");
    }

    readField();
    if (group.getLayers().length) {
      map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 15 });
    }

    map.addControl(new L.Control.Draw({
      edit: { featureGroup: group, remove: true },
      draw: {
        marker: true,
        polygon: false, polyline: false, rectangle: false, circle: false, circlemarker: false
      }
    }));
    map.on(L.Draw.Event.CREATED, function (event) {
      var count = lines.filter(function (entry) { return entry.marker; }).length;
      var label = defaultLabel + " " + (count + 1);
      var at = event.layer.getLatLng();
      lines = lines.filter(function (entry) { return entry.marker || entry.text.trim() !== ""; });
      lines.push({ label: label, marker: markerFor({ label: label, lat: at.lat, lon: at.lng }) });
      writeField();
      say(element.getAttribute("data-added-message"));
    });
    map.on(L.Draw.Event.EDITED, function () {
      writeField();
      say(element.getAttribute("data-changed-message"));
    });
    map.on(L.Draw.Event.DELETED, function () {
      writeField();
      say(element.getAttribute("data-changed-message"));
    });
    // Lines typed or renamed by hand: the markers follow when the field is left.
    field.addEventListener("change", readField);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-points-map]").forEach(init);
  });
})();
