// idlib HTML export: the page's data, filters and event list (page_charts.js draws the overview
// timeline, the map and the eras; html.py joins both inside one function and calls init()).
// Every piece of store text goes into the page through textContent (never innerHTML), and
// only http(s) URLs become links; the page loads nothing from anywhere.
var DATA = JSON.parse(document.getElementById("idlib-data").textContent);
var EVENTS = DATA.events;
var ERAS = DATA.eras;
var DAY_MS = 86400000;
var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
var PALETTE = ["#2458a6", "#c0392b", "#16803c", "#8e44ad", "#d35400", "#00838f", "#6d4c41",
  "#b8860b", "#ad1457", "#455a64", "#558b2f", "#5e35b1", "#00695c", "#ef6c00", "#37474f"];
var SVG_NS = "http://www.w3.org/2000/svg";
var state = { q: "", actor: "", type: "", place: "", era: "" };
var byId = {};

function make(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function svg(tag, attrs) {
  var node = document.createElementNS(SVG_NS, tag);
  Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
  return node;
}

function safeHref(url) {
  if (typeof url !== "string" || !/^https?:\/\/[^\s]/i.test(url)) return null;
  var parsed;
  try { parsed = new URL(url); } catch (error) { return null; }
  return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
}

function link(url, text) {
  var href = safeHref(url);
  if (!href) return make("span", null, text);
  var anchor = make("a", null, text);
  anchor.href = href;
  anchor.rel = "noopener noreferrer";
  anchor.target = "_blank";
  return anchor;
}

function fold(text) {
  return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ");
}

function counts(keyOf) {
  var found = {};
  EVENTS.forEach(function (ev) {
    keyOf(ev).forEach(function (pair) {
      var entry = found[pair[0]] || (found[pair[0]] = { key: pair[0], label: pair[1], n: 0 });
      entry.n += 1;
    });
  });
  return Object.keys(found).map(function (key) { return found[key]; })
    .sort(function (a, b) { return a.label.localeCompare(b.label); });
}

var TYPES = counts(function (ev) { return [[ev.type, ev.type]]; });
var COLOR = {};
TYPES.forEach(function (entry, index) { COLOR[entry.key] = PALETTE[index % PALETTE.length]; });

function tint(node, type) { node.style.setProperty("--c", COLOR[type] || "#777"); }

// ---- filters -------------------------------------------------------------------------
function fillSelect(id, entries) {
  var select = document.getElementById(id);
  entries.forEach(function (entry) {
    select.appendChild(new Option(entry.label + " (" + entry.n + ")", entry.key));
  });
  select.addEventListener("change", function () { state[id] = select.value; apply(); });
}

function matches(ev) {
  if (state.type && ev.type !== state.type) return false;
  if (state.actor && !ev.actors.some(function (a) { return a.id === state.actor; })) return false;
  if (state.place && !(ev.place && ev.place.key === state.place)) return false;
  if (state.era) {
    var era = ERAS[Number(state.era)];
    if (!(ev.s < era.e && era.s < ev.e)) return false;
  }
  var words = fold(state.q).split(" ").filter(Boolean);
  return words.every(function (word) { return ev.hay.indexOf(" " + word) >= 0; });
}

function setFilter(name, value) {
  state[name] = value;
  document.getElementById(name).value = value;
  apply();
}

// ---- event list ----------------------------------------------------------------------
function section(parent, heading, items) {
  if (!items.length) return;
  parent.appendChild(make("h3", null, heading));
  var list = make(heading === "Sources" ? "ol" : "ul");
  items.forEach(function (item) { list.appendChild(item); });
  parent.appendChild(list);
}

function eventBody(ev) {
  var body = make("div", "body");
  body.appendChild(make("p", "summary", ev.summary));
  if (ev.fuzzy) body.appendChild(make("p", null, "Date: " + ev.label + " (" + ev.fuzzy + ")."));
  if (ev.date_note) body.appendChild(make("p", null, "About the date: " + ev.date_note));
  if (ev.note) body.appendChild(make("p", null, "Note: " + ev.note));
  section(body, "Figures", ev.figures.map(function (fig) {
    var item = make("li", null, fig.text + " ");
    if (safeHref(fig.href)) item.appendChild(link(fig.href, "(source)"));
    return item;
  }));
  section(body, "Actors", ev.actors.map(function (a) {
    return make("li", null, a.name + (a.role ? " (" + a.role + ")" : ""));
  }));
  if (ev.place) {
    body.appendChild(make("h3", null, "Place"));
    body.appendChild(make("p", null, ev.place.name + (ev.place.kind ? " (" + ev.place.kind + ")" : "")));
  }
  section(body, "Sources", ev.sources.map(function (src) {
    var item = make("li");
    item.appendChild(link(src.href, src.title || src.url || "untitled"));
    var where = [src.publisher, src.published].filter(Boolean).join(", ");
    item.appendChild(document.createTextNode(where ? " — " + where : ""));
    if (!safeHref(src.href) && src.url) item.appendChild(make("span", "empty", " (not a web link: " + src.url + ")"));
    return item;
  }));
  if (ev.tags.length) body.appendChild(make("p", "meta", "Tags: " + ev.tags.join(", ")));
  body.appendChild(make("p", "id", ev.id));
  return body;
}

function eventCard(ev) {
  var article = make("article", "event");
  article.id = "ev-" + ev.id;
  tint(article, ev.type);
  var details = make("details");
  var summary = make("summary");
  summary.appendChild(make("span", "date", ev.label));
  if (ev.fuzzy) summary.appendChild(make("span", "fuzzy", ev.fuzzy));
  summary.appendChild(make("span", "title", ev.title));
  var meta = make("span", "meta");
  var chip = make("span", "chip", ev.type);
  tint(chip, ev.type);
  meta.appendChild(chip);
  var who = ev.actors.map(function (a) { return a.name; }).join(", ");
  meta.appendChild(document.createTextNode([who, ev.place && ev.place.name].filter(Boolean).join(" · ")));
  summary.appendChild(meta);
  details.appendChild(summary);
  details.appendChild(eventBody(ev));
  article.appendChild(details);
  return article;
}

function buildList() {
  var list = document.getElementById("list");
  var year = null;
  EVENTS.forEach(function (ev) {
    var evYear = new Date(ev.s * DAY_MS).getUTCFullYear();
    if (evYear !== year) {
      year = evYear;
      ev.yearHeading = list.appendChild(make("h2", "year", String(year)));
    }
    ev.card = list.appendChild(eventCard(ev));
  });
  list.appendChild(make("p", "empty", EVENTS.length ? "No event matches these filters." : "No events."))
    .id = "none";
}

function openEvent(id) {
  var ev = byId[id];
  if (!ev) return;
  ev.card.querySelector("details").open = true;
  ev.card.scrollIntoView({ block: "center" });
  ev.card.classList.add("flash");
  window.setTimeout(function () { ev.card.classList.remove("flash"); }, 1500);
}

// ---- apply --------------------------------------------------------------------------------
function apply() {
  var shown = EVENTS.filter(matches);
  var visible = {};
  EVENTS.forEach(function (ev) { ev.card.hidden = true; });
  shown.forEach(function (ev) { ev.card.hidden = false; visible[ev.id] = true; });
  EVENTS.forEach(function (ev) {
    if (ev.yearHeading) ev.yearHeading.hidden = true;
  });
  var heading = null;
  EVENTS.forEach(function (ev) {
    if (ev.yearHeading) heading = ev.yearHeading;
    if (visible[ev.id] && heading) heading.hidden = false;
  });
  document.getElementById("none").hidden = shown.length > 0;
  document.getElementById("count").textContent = shown.length === EVENTS.length
    ? "Showing all " + EVENTS.length + " events." : "Showing " + shown.length + " of " + EVENTS.length + " events.";
  document.body.setAttribute("data-shown", String(shown.length));
  drawOverview(shown);
  updateMap(shown);
}

function init() {
  EVENTS.forEach(function (ev) {
    byId[ev.id] = ev;
    ev.hay = " " + fold([ev.title, ev.summary, ev.type, ev.place && ev.place.name, ev.tags.join(" "),
      ev.actors.map(function (a) { return a.name; }).join(" ")].join(" ")) + " ";
  });
  fillSelect("actor", counts(function (ev) { return ev.actors.map(function (a) { return [a.id, a.name]; }); }));
  fillSelect("type", TYPES);
  fillSelect("place", counts(function (ev) { return ev.place ? [[ev.place.key, ev.place.name]] : []; }));
  fillSelect("era", ERAS.map(function (era, index) { return { key: String(index), label: era.name, n: EVENTS.filter(function (ev) { return ev.s < era.e && era.s < ev.e; }).length }; }));
  var query = document.getElementById("q");
  query.addEventListener("input", function () { state.q = query.value; apply(); });
  document.getElementById("reset").addEventListener("click", function () {
    query.value = "";
    ["actor", "type", "place", "era"].forEach(function (name) { document.getElementById(name).value = ""; });
    state = { q: "", actor: "", type: "", place: "", era: "" };
    apply();
  });
  buildList();
  buildMap();
  buildEras();
  if (window.matchMedia("(max-width: 820px)").matches) {
    // On a phone the panels come before the list: start them folded.
    document.getElementById("mapbox").open = false;
    if (document.getElementById("erabox")) document.getElementById("erabox").open = false;
  }
  apply();
  window.addEventListener("resize", function () { drawOverview(EVENTS.filter(matches)); });
  if (location.hash.indexOf("#ev-") === 0) openEvent(decodeURIComponent(location.hash.slice(4)));
  document.body.setAttribute("data-ready", "1");
}
