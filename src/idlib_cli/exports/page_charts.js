// The overview timeline, the SVG map and the eras panel; see page.js for the shared helpers
// (make, svg, link, tint, setFilter, openEvent) and the data they draw.
// ---- overview timeline ----------------------------------------------------------------
function tickDates(lo, hi, maxTicks) {
  var spanMonths = (hi - lo) / 30.44;
  var months = [1, 2, 3, 6, 12, 24, 60, 120, 240].find(function (step) {
    return spanMonths / step <= maxTicks;
  }) || 240;
  var first = new Date(lo * DAY_MS);
  var index = Math.floor((first.getUTCFullYear() * 12 + first.getUTCMonth()) / months) * months;
  var out = [];
  for (; ; index += months) {
    var year = Math.floor(index / 12), day = Date.UTC(year, index % 12, 1) / DAY_MS;
    if (day >= hi) break;
    if (day >= lo) out.push({ day: day, label: months >= 12 ? String(year) : MONTHS[index % 12] + " " + year });
  }
  return out;
}

function drawOverview(shown) {
  var box = document.getElementById("overview");
  box.replaceChildren();
  var source = shown.length ? shown : EVENTS;
  if (!source.length) return;
  var lo = Math.min.apply(null, source.map(function (ev) { return ev.s; }));
  var hi = Math.max.apply(null, source.map(function (ev) { return ev.e; }));
  var pad = Math.max(2, (hi - lo) * 0.02);
  lo -= pad; hi += pad;
  var pct = function (d) { return ((d - lo) / (hi - lo)) * 100; };
  var track = box.appendChild(make("div", "track"));
  var axis = track.appendChild(make("div", "axis"));
  tickDates(lo, hi, Math.max(3, Math.floor(box.clientWidth / 75))).forEach(function (tick) {
    var node = axis.appendChild(make("span", "tick", tick.label));
    node.style.left = pct(tick.day) + "%";
  });
  drawEraBands(track, lo, hi, pct);
  drawMarks(track, shown, pct);
  box.appendChild(make("p", "legend", "Bars are spans; hatched bars are dates known only to the month, season or year (or approximate). Click a bar to open its event."));
}

function drawEraBands(track, lo, hi, pct) {
  var rows = [];
  var holder = track.appendChild(make("div", "eras"));
  ERAS.forEach(function (era, index) {
    if (era.e <= lo || era.s >= hi) return;
    var left = Math.max(0, pct(era.s)), right = Math.min(100, pct(era.e));
    var row = rows.findIndex(function (end) { return end <= left; });
    if (row < 0) { row = rows.length; rows.push(0); }
    rows[row] = right + 0.5;
    var band = holder.appendChild(make("div", "era", era.name));
    band.title = era.name + ": " + era.label;
    band.style.left = left + "%";
    band.style.width = Math.max(0.5, right - left) + "%";
    band.style.top = row * 21 + "px";
    band.addEventListener("click", function () { setFilter("era", String(index)); });
  });
  holder.style.height = rows.length * 21 + "px";
}

function drawMarks(track, shown, pct) {
  var lanes = [];
  var holder = track.appendChild(make("div", "lanes"));
  var maxLanes = 24;
  shown.slice().sort(function (a, b) { return a.s - b.s || a.e - b.e; }).forEach(function (ev) {
    var left = pct(ev.s), width = Math.max(0.4, pct(ev.e) - left);
    var lane = lanes.findIndex(function (end) { return end <= left; });
    if (lane < 0) { lane = lanes.length < maxLanes ? lanes.length : maxLanes - 1; }
    lanes[lane] = Math.max(lanes[lane] || 0, left + width + 0.15);
    var mark = holder.appendChild(make("button", "mark" + (ev.fuzzy ? " fuzzy" : "")));
    mark.type = "button";
    mark.tabIndex = -1;
    mark.title = ev.label + ": " + ev.title;
    mark.setAttribute("aria-label", ev.label + ": " + ev.title);
    mark.style.left = left + "%";
    mark.style.width = width + "%";
    mark.style.top = lane * 8 + "px";
    tint(mark, ev.type);
    mark.addEventListener("click", function () { openEvent(ev.id); });
  });
  holder.style.height = Math.max(1, lanes.length) * 8 + 4 + "px";
}

// ---- map --------------------------------------------------------------------------------
var PLACES = (function () {
  var found = {};
  EVENTS.forEach(function (ev) {
    if (!ev.place || typeof ev.place.lat !== "number" || typeof ev.place.lon !== "number") return;
    var entry = found[ev.place.key] || (found[ev.place.key] = { key: ev.place.key, name: ev.place.name, kind: ev.place.kind, lat: ev.place.lat, lon: ev.place.lon, total: 0 });
    entry.total += 1;
  });
  return Object.keys(found).map(function (key) { return found[key]; })
    .sort(function (a, b) { return b.total - a.total; });
})();

// The map frames the densest cluster: the place with the most events within a few degrees of
// it (a median of latitudes and one of longitudes can fall where no place is).
function busiest(places) {
  var best = places[0], bestSum = -1;
  places.forEach(function (p) {
    var sum = places.reduce(function (total, q) {
      return total + (Math.abs(q.lat - p.lat) <= 2.5 && Math.abs(q.lon - p.lon) <= 3 ? q.total : 0);
    }, 0);
    if (sum > bestSum) { best = p; bestSum = sum; }
  });
  return best;
}

function mapFrame(places) {
  var centre = busiest(places), midLat = centre.lat, midLon = centre.lon;
  var near = places.filter(function (p) { return Math.abs(p.lat - midLat) <= 2.5 && Math.abs(p.lon - midLon) <= 3; });
  var lats = near.map(function (p) { return p.lat; }), lons = near.map(function (p) { return p.lon; });
  var f = { minLat: Math.min.apply(null, lats), maxLat: Math.max.apply(null, lats), minLon: Math.min.apply(null, lons), maxLon: Math.max.apply(null, lons) };
  var padLat = Math.max(0.15, (f.maxLat - f.minLat) * 0.12), padLon = Math.max(0.15, (f.maxLon - f.minLon) * 0.12);
  f.minLat -= padLat; f.maxLat += padLat; f.minLon -= padLon; f.maxLon += padLon;
  f.kx = Math.cos(((f.minLat + f.maxLat) / 2) * Math.PI / 180);
  var w = (f.maxLon - f.minLon) * f.kx, h = f.maxLat - f.minLat;
  if (h < w * 0.6) { f.minLat -= (w * 0.6 - h) / 2; f.maxLat += (w * 0.6 - h) / 2; }
  if (w < h * 0.8) { var extra = (h * 0.8 - w) / f.kx / 2; f.minLon -= extra; f.maxLon += extra; }
  f.scale = 600 / ((f.maxLon - f.minLon) * f.kx);
  f.width = 600;
  f.height = Math.round((f.maxLat - f.minLat) * f.scale);
  f.near = near;
  return f;
}

function drawGrid(map, f) {
  var span = f.maxLon - f.minLon;
  var step = [0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10].find(function (s) { return span / s <= 6; }) || 10;
  for (var lon = Math.ceil(f.minLon / step) * step; lon <= f.maxLon; lon += step) {
    var x = (lon - f.minLon) * f.kx * f.scale;
    map.appendChild(svg("line", { "class": "grid", x1: x, x2: x, y1: 0, y2: f.height }));
    map.appendChild(svg("text", { "class": "gridlabel", x: x + 3, y: f.height - 4 })).textContent = Math.abs(+lon.toFixed(2)) + "°" + (lon < 0 ? "W" : "E");
  }
  for (var lat = Math.ceil(f.minLat / step) * step; lat <= f.maxLat; lat += step) {
    var y = (f.maxLat - lat) * f.scale;
    map.appendChild(svg("line", { "class": "grid", x1: 0, x2: f.width, y1: y, y2: y }));
    map.appendChild(svg("text", { "class": "gridlabel", x: 3, y: y - 3 })).textContent = Math.abs(+lat.toFixed(2)) + "°" + (lat < 0 ? "S" : "N");
  }
}

var spots = [];

function radius(count) { return count ? 4 + 2.2 * Math.sqrt(count) : 3; }

// Labels for the busiest places, skipping any that would overlap one already drawn.
function placeLabel(map, place, cx, cy, rank, placed) {
  if (rank >= 25) return;
  var box = { x: cx + radius(place.total) + 3, y: cy - 8, w: place.name.length * 6.6, h: 14 };
  var clash = placed.some(function (o) {
    return box.x < o.x + o.w && o.x < box.x + box.w && box.y < o.y + o.h && o.y < box.y + box.h;
  });
  if (clash) return;
  placed.push(box);
  map.appendChild(svg("text", { "class": "label", x: box.x, y: cy + 4 })).textContent = place.name;
}

function buildMap() {
  var map = document.getElementById("map");
  var box = document.getElementById("mapbox");
  if (!PLACES.length) {
    map.remove();
    box.appendChild(make("p", "empty", "No event in this export has map coordinates."));
    return;
  }
  var f = mapFrame(PLACES);
  map.setAttribute("viewBox", "0 0 " + f.width + " " + f.height);
  drawGrid(map, f);
  var placed = [];
  var labels = svg("g");  // appended after the circles, so names are drawn on top
  f.near.forEach(function (place, rank) {
    var cx = (place.lon - f.minLon) * f.kx * f.scale, cy = (f.maxLat - place.lat) * f.scale;
    var spot = map.appendChild(svg("circle", { "class": "spot", cx: cx, cy: cy, r: 5, tabindex: 0, role: "button" }));
    var tip = spot.appendChild(svg("title"));
    spot.addEventListener("click", function () { setFilter("place", state.place === place.key ? "" : place.key); });
    spot.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); spot.dispatchEvent(new MouseEvent("click")); } });
    placeLabel(labels, place, cx, cy, rank, placed);
    spots.push({ place: place, node: spot, tip: tip });
  });
  map.appendChild(labels);
  var far = PLACES.filter(function (p) { return f.near.indexOf(p) < 0; });
  var elsewhere = document.getElementById("elsewhere");
  if (far.length) elsewhere.appendChild(document.createTextNode("Elsewhere: "));
  far.forEach(function (place) {
    var button = elsewhere.appendChild(make("button", null, place.name));
    button.type = "button";
    button.addEventListener("click", function () { setFilter("place", state.place === place.key ? "" : place.key); });
    spots.push({ place: place, node: button, tip: null });
  });
}

function updateMap(shown) {
  var n = {};
  shown.forEach(function (ev) { if (ev.place) n[ev.place.key] = (n[ev.place.key] || 0) + 1; });
  spots.forEach(function (spot) {
    var count = n[spot.place.key] || 0;
    var text = spot.place.name + (spot.place.kind ? " (" + spot.place.kind + ")" : "") + ": " + count + (count === 1 ? " event" : " events");
    if (spot.tip) {
      spot.tip.textContent = text;
      spot.node.setAttribute("r", String(radius(count)));
      spot.node.setAttribute("class", "spot" + (count ? "" : " none") + (state.place === spot.place.key ? " chosen" : ""));
    } else {
      spot.node.textContent = spot.place.name + " (" + count + ")";
      spot.node.title = text;
    }
  });
}

// ---- eras ---------------------------------------------------------------------------------
function buildEras() {
  var box = document.getElementById("erabox");
  if (!ERAS.length) { box.remove(); return; }
  ERAS.forEach(function (era, index) {
    var item = box.appendChild(make("div", "era-item"));
    item.appendChild(make("strong", null, era.name));
    item.appendChild(document.createTextNode(" — " + era.label + " "));
    var button = item.appendChild(make("button", null, "show"));
    button.type = "button";
    button.addEventListener("click", function () { setFilter("era", String(index)); });
    if (era.description) item.appendChild(make("p", null, era.description));
    era.sources.forEach(function (src, i) {
      if (i) item.appendChild(document.createTextNode(" · "));
      item.appendChild(link(src.href, src.title || src.publisher || "source"));
    });
  });
}
