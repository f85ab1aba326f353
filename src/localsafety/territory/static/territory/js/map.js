// LocalSafety maps: every element with [data-map] becomes a Leaflet map. CSP-safe: no inline
// script; data comes from data-* attributes, a URL or a <script type="application/json">.
//
//   data-geojson-src="URL"            features to load (GeoJSON FeatureCollection)
//   data-geojson-script="ELEMENT_ID"  or: id of a json_script element holding the collection
//   data-tile-url / data-tile-attribution   optional base map (none when empty)
//   data-empty-message="..."           shown when no feature has a geometry
//   data-background-src="URL"          optional grey, non-interactive context layer drawn
//                                      underneath (e.g. every municipal boundary)
//   data-highlight-src="ELEMENT_ID"    or: draw, over the background, the background's own
//                                      features named in that element's data-highlight
//                                      attribute ({"<properties.id>": {category, label, url}});
//                                      redrawn when htmx swaps the element in again, so a
//                                      filter never fetches the boundaries twice
//
// Polygons are coloured by feature.properties.category (municipality / neighbourhood /
// citizen); anything else gets a grey outline. Each feature's name links to properties.url.
//
// Names, titles and codes are people's input: they go into the page as text (textContent, DOM
// nodes handed to Leaflet), never as HTML strings. Leaflet writes a string tooltip or popup
// with innerHTML, so a zone named <img src=x onerror=...> would become an element.
// core/tests/test_scripts.py refuses HTML sinks in the project's scripts.
(function () {
  "use strict";

  var COLOURS = {
    municipality: "#0b4f8a", neighbourhood: "#8a3b0b", citizen: "#14662e",
    hot: "#b2182b", cold: "#2166ac"  // analysis grids: Gi* hot and cold spots
  };
  var GREY = "#5a6570";

  function styleFor(feature) {
    var category = feature && feature.properties ? feature.properties.category : null;
    var colour = COLOURS[category];
    if (colour) {
      return { color: colour, weight: 2, fillColor: colour, fillOpacity: 0.3 };
    }
    return { color: GREY, weight: 1.5, fillColor: GREY, fillOpacity: 0.05 };
  }

  // An element holding ``text`` as text.
  function textElement(tag, text) {
    var element = document.createElement(tag);
    element.textContent = text;
    return element;
  }

  // Only the site's own paths are linked ("/contracts/1/"), never javascript: or other hosts.
  function isLocalPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" &&
      url.indexOf("\\") === -1;
  }

  function popupContent(feature) {
    var props = feature.properties || {};
    var wrapper = document.createElement("div");
    var name = String(props.name || props.code || "");
    if (isLocalPath(props.url)) {
      var link = document.createElement("a");
      link.href = props.url;
      link.textContent = name;
      wrapper.appendChild(link);
    } else {
      var strong = document.createElement("strong");
      strong.textContent = name;
      wrapper.appendChild(strong);
    }
    if (props.label) {
      var extra = document.createElement("div");
      extra.textContent = String(props.label);
      wrapper.appendChild(extra);
    }
    return wrapper;
  }

  function showEmpty(element, map) {
    var message = element.getAttribute("data-empty-message");
    if (!message) { return; }
    var note = document.createElement("p");
    note.className = "map-empty";
    note.setAttribute("role", "note");
    note.textContent = message;
    element.appendChild(note);
    if (map) { map.setView([39.6, -8.0], 6); }
  }

  function hasGeometry(data) {
    if (!data) { return false; }
    if (data.type === "FeatureCollection") {
      return (data.features || []).some(function (f) { return f && f.geometry; });
    }
    if (data.type === "Feature") { return Boolean(data.geometry); }
    return Boolean(data.type && data.coordinates);
  }

  function featureLayer(data) {
    return window.L.geoJSON(data, {
      style: styleFor,
      pointToLayer: function (feature, latlng) {
        var style = styleFor(feature);
        style.radius = 6;
        style.fillOpacity = 0.8;
        return window.L.circleMarker(latlng, style);
      },
      onEachFeature: function (feature, featureLayer) {
        var name = feature.properties && (feature.properties.name || feature.properties.code);
        if (name) {
          featureLayer.bindTooltip(textElement("span", String(name)), { sticky: true });
        }
        featureLayer.bindPopup(popupContent(feature));
      }
    });
  }

  function render(element, map, data) {
    if (!hasGeometry(data)) { showEmpty(element, map); return; }
    var layer = featureLayer(data).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12], maxZoom: 15 }); }
    element.dispatchEvent(new CustomEvent("localsafety:map-loaded", { detail: { layer: layer } }));
  }

  function readScript(id) {
    var script = id ? document.getElementById(id) : null;
    if (!script) { return null; }
    try { return JSON.parse(script.textContent); } catch (error) { return null; }
  }

  // The highlight: the background's features named by the source element, restyled by the
  // properties it gives them. Nothing is fetched: the geometries are already in memory.
  function readHighlight(element) {
    var source = document.getElementById(element.getAttribute("data-highlight-src"));
    if (!source) { return null; }
    try { return JSON.parse(source.getAttribute("data-highlight") || "{}"); } catch (error) { return null; }
  }

  function drawHighlight(element) {
    var map = element.localsafetyMap;
    var boundaries = element.localsafetyBoundaries;
    var highlight = readHighlight(element);
    if (!map || !boundaries || !highlight) { return; }
    if (element.localsafetyHighlight) { map.removeLayer(element.localsafetyHighlight); }
    var features = [];
    (boundaries.features || []).forEach(function (feature) {
      var id = feature && feature.properties ? String(feature.properties.id) : "";
      var extra = Object.prototype.hasOwnProperty.call(highlight, id) ? highlight[id] : null;
      if (!extra || !feature.geometry) { return; }
      var properties = { name: feature.properties.name, code: feature.properties.code };
      ["category", "label", "url"].forEach(function (key) { properties[key] = extra[key]; });
      features.push({ type: "Feature", geometry: feature.geometry, properties: properties });
    });
    var layer = featureLayer({ type: "FeatureCollection", features: features }).addTo(map);
    element.localsafetyHighlight = layer;
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12], maxZoom: 12 });
    } else {
      map.setView([39.6, -8.0], 6);
    }
    element.dispatchEvent(new CustomEvent("localsafety:map-loaded", { detail: { layer: layer } }));
  }

  function initMap(element) {
    if (element.getAttribute("data-map-ready") || !window.L) { return; }
    element.setAttribute("data-map-ready", "true");
    var map = window.L.map(element, { scrollWheelZoom: false, attributionControl: true });
    var tileUrl = element.getAttribute("data-tile-url");
    if (tileUrl) {
      window.L.tileLayer(tileUrl, {
        attribution: element.getAttribute("data-tile-attribution") || "",
        maxZoom: 19
      }).addTo(map);
    }
    element.localsafetyMap = map;
    var background = element.getAttribute("data-background-src");
    if (background) {
      map.createPane("context");
      map.getPane("context").style.zIndex = 350;
      var highlighted = element.hasAttribute("data-highlight-src");
      fetch(background, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (highlighted && !hasGeometry(data)) { showEmpty(element, map); return; }
          if (!data) { return; }
          window.L.geoJSON(data, {
            pane: "context",
            interactive: false,
            style: { color: "#8a96a3", weight: 0.6, fillColor: "#ffffff", fillOpacity: 0.6 }
          }).addTo(map);
          if (highlighted) {
            element.localsafetyBoundaries = data;
            drawHighlight(element);
          }
        })
        .catch(function () {
          // The context layer is optional, unless it is what the highlight is drawn from.
          if (highlighted) { showEmpty(element, map); }
        });
    }
    var src = element.getAttribute("data-geojson-src");
    var scriptId = element.getAttribute("data-geojson-script");
    if (src) {
      fetch(src, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) { render(element, map, data); })
        .catch(function () { showEmpty(element, map); });
    } else if (!element.hasAttribute("data-highlight-src")) {
      render(element, map, readScript(scriptId));
    }
  }

  function initAll(root) {
    (root || document).querySelectorAll("[data-map]").forEach(initMap);
  }

  window.LocalSafetyMap = { init: initAll, styleFor: styleFor };
  document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) {
    initAll(event.target);
    // A swapped fragment may carry a map's new highlight (the overview's filters).
    document.querySelectorAll("[data-map][data-highlight-src]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-highlight-src"));
      if (source && event.target.contains(source)) { drawHighlight(element); }
    });
  });
})();
