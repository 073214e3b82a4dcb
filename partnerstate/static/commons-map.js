/* The register's map: Leaflet (served from xstatic-leaflet) with the published
 * commons from the GeoJSON endpoint, clustered by Leaflet.markercluster (from
 * xstatic-leaflet-markercluster) when it is loaded, or a single record's point. Everything it
 * needs is in data- attributes of #commons-map; the page works without it. */
(function () {
  "use strict";
  var element = document.getElementById("commons-map");
  if (!element || typeof L === "undefined") {
    return;
  }
  var data = element.dataset;
  // The container is dir="ltr" (Leaflet's stylesheet is written in physical left/right
  // and breaks inside a right-to-left page); the page's own direction still decides on
  // which side the controls sit, mirrored, and the direction of the popups' text.
  var pageDirection = document.documentElement.dir === "rtl" ? "rtl" : "ltr";
  var rtl = pageDirection === "rtl";
  var map = L.map(element, { scrollWheelZoom: false, zoomControl: false, attributionControl: false });
  L.control.zoom({
    position: rtl ? "topright" : "topleft",
    zoomInTitle: data.zoomIn || "Zoom in",
    zoomOutTitle: data.zoomOut || "Zoom out"
  }).addTo(map);
  L.control.attribution({ position: rtl ? "bottomleft" : "bottomright" }).addTo(map);
  L.tileLayer(data.tileUrl, { attribution: data.attribution, maxZoom: 19 }).addTo(map);

  // Popups are built as DOM nodes with textContent, never from HTML strings, so a
  // commons' name cannot inject markup.
  function popup(name, url, detail) {
    var box = document.createElement("div");
    box.dir = pageDirection;
    var title = document.createElement(url ? "a" : "span");
    title.className = "map-popup-title";
    title.textContent = name;
    if (url) {
      title.href = url;
    }
    box.appendChild(title);
    if (detail) {
      var text = document.createElement("p");
      text.textContent = detail;
      box.appendChild(text);
    }
    return box;
  }

  if (data.lat && data.lon) {
    var point = [parseFloat(data.lat), parseFloat(data.lon)];
    map.setView(point, 16);
    L.marker(point, { title: data.name, alt: data.name }).addTo(map).bindPopup(popup(data.name));
    return;
  }

  map.setView([0, 0], 2);
  // The browser revalidates with the ETag: an unchanged register costs a 304.
  fetch(data.geojson, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("GeoJSON request failed: " + response.status);
      }
      return response.json();
    })
    .then(function (collection) {
      var layer = L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          var name = feature.properties.name;
          return L.marker(latlng, { title: name, alt: name });
        },
        onEachFeature: function (feature, marker) {
          var p = feature.properties;
          marker.bindPopup(popup(p.name, p.url, [p.category_label, p.district].filter(Boolean).join(" · ")));
        }
      });
      // Thousands of markers freeze a phone: clusters draw one icon per group, and
      // chunked loading adds the markers without blocking the page.
      var shown = typeof L.markerClusterGroup === "function"
        ? L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false })
        : L.featureGroup();
      shown.addLayer(layer).addTo(map);
      if (collection.features.length) {
        map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 16 });
      }
    })
    .catch(function () {
      element.hidden = true;
    });
})();
