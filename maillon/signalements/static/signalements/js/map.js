/* Problem reports' map (progressive enhancement): without JavaScript the address and the
   latitude/longitude fields work alone. With it, a map (Leaflet, vendored, loaded only when
   wanted) shows the report's point, or lets the citizen click the place: the click fills the
   latitude and longitude fields. Tiles: data-tiles (MAILLON_MAP_TILES_URL). No inline script. */
(function () {
  "use strict";

  function load(box, done) {
    if (window.L) { done(); return; }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = box.dataset.css;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = box.dataset.js;
    script.onload = done;
    document.head.appendChild(script);
  }

  function field(form, name) { return form ? form.querySelector("[name='" + name + "']") : null; }

  function draw(box) {
    var L = window.L;
    var canvas = box.querySelector("[data-map-canvas]");
    var attribution = box.querySelector("[data-map-attribution]");
    canvas.hidden = false;
    if (attribution) { attribution.hidden = false; }
    L.Icon.Default.imagePath = box.dataset.js.replace(/leaflet\.js(\?.*)?$/, "images/");
    var lat = parseFloat(box.dataset.lat), lng = parseFloat(box.dataset.lng), zoom = parseInt(box.dataset.zoom, 10);
    var map = L.map(canvas, { attributionControl: false, keyboard: !!box.dataset.pick }).setView([lat, lng], zoom);
    L.tileLayer(box.dataset.tiles, { maxZoom: 19 }).addTo(map);
    if (!box.dataset.pick) {
      L.marker([lat, lng], { keyboard: false }).addTo(map);
      return;
    }
    var form = box.closest("form");
    var latInput = field(form, "latitude"), lngInput = field(form, "longitude");
    var marker = null;
    function place(point) {
      if (marker) { marker.setLatLng(point); } else { marker = L.marker(point, { keyboard: false }).addTo(map); }
    }
    if (latInput && lngInput && latInput.value && lngInput.value) {
      var start = [parseFloat(latInput.value), parseFloat(lngInput.value)];
      if (!isNaN(start[0]) && !isNaN(start[1])) { place(start); map.setView(start, 17); }
    }
    map.on("click", function (event) {
      place(event.latlng);
      if (latInput && lngInput) {
        latInput.value = event.latlng.lat.toFixed(6);
        lngInput.value = event.latlng.lng.toFixed(6);
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-report-map]"), function (box) {
    box.hidden = false;
    if (box.dataset.autoload) {
      load(box, function () { draw(box); });
      return;
    }
    var button = box.querySelector("[data-map-open]");
    if (!button) { return; }
    button.addEventListener("click", function () {
      load(box, function () {
        draw(box);
        button.remove();  // its class would show it despite « hidden »
        box.querySelector("[data-map-canvas]").focus();
      });
    });
  });
}());
