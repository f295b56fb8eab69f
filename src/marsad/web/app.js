// marsad dashboard: map (SVG, Web Mercator), timeline, filters, table, detail and review.
// Plain JavaScript, no libraries, no network access beyond this server's /api.
// Background map tiles are OFF unless the user sets an XYZ URL template (kept in localStorage).
"use strict";

const TYPES = {
  "Battles": "#d6443c",
  "Explosions/Remote violence": "#ef8a17",
  "Violence against civilians": "#7b3fa0",
  "Protests": "#2b8a3e",
  "Riots": "#1c7ed6",
  "Strategic developments": "#5c677d",
};
const ROLES = ["trigger", "actor1", "actor2", "location", "date", "fatalities", "attribution"];
const FETCH_LIMIT = 5000;
const PAGE = 100;
const TILE_KEY = "marsad.tileUrl";

const $ = (sel) => document.querySelector(sel);
const SVGNS = document.getElementById("map").namespaceURI; // an inline <svg> in HTML is in the SVG namespace
const EMPTY_DETAIL = document.querySelector("#detail .empty").cloneNode(true); // the hint shown with no selection

const state = {
  events: [], total: 0, range: null, page: 0, selected: null,
  view: null, // {k, tx, ty}: screen = world * k + t; world is the 256-px Web Mercator square
  tileUrl: localStorage.getItem(TILE_KEY) || "",
};

// ------------------------------------------------------------------ helpers

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === "class") e.className = v; else e.setAttribute(k, v === true ? "" : v);
  }
  if (text != null) e.textContent = text;
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
}

function toast(message, isError) {
  const t = $("#toast");
  t.textContent = message;
  t.className = "toast" + (isError ? " error" : "");
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, isError ? 6000 : 2500);
}

async function api(path, options) {
  const res = await fetch(path, options);
  let body = null;
  try { body = await res.json(); } catch (_) { body = null; }
  if (!res.ok) {
    const err = body && body.error ? `[${body.error.code}] ${body.error.message}` : `HTTP ${res.status}`;
    throw new Error(err);
  }
  return { body, headers: res.headers };
}

function post(path, payload) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload || {}) });
}

const colour = (type) => TYPES[type] || "#94a3b8";
const radius = (f) => Math.min(24, 3.5 + 2.3 * Math.sqrt(Math.max(0, f || 0)));
const actorName = (a) => (a ? a.name || a.name_ar || a.mention || "?" : "");
const placeName = (p) => (p ? p.name || p.name_ar || "" : "");

// ------------------------------------------------------------------ filters

function filterQuery() {
  const f = new FormData($("#filters"));
  const q = new URLSearchParams();
  for (const key of ["since", "until", "type", "actor", "country", "text", "review"]) {
    const v = (f.get(key) || "").trim();
    if (v) q.set(key, v);
  }
  if (f.get("merged")) q.set("merged", "true");
  if (f.get("nobg")) q.set("background", "false");
  return q;
}

function datesInOrder() {
  // "From" after "To" selects nothing: say so in the words of the form (the API's message names CLI options).
  const f = new FormData($("#filters"));
  const since = f.get("since"), until = f.get("until");
  if (since && until && since > until) {
    toast(`"From" (${since}) is after "To" (${until}); swap them`, true);
    return false;
  }
  return true;
}

function updateExportLinks(q) {
  for (const [id, fmt] of [["#exp-csv", "acled-csv"], ["#exp-geojson", "geojson"], ["#exp-jsonl", "jsonl"]]) {
    const p = new URLSearchParams(q);
    p.set("format", fmt);
    $(id).href = "/api/export?" + p.toString();
  }
}

function legend() {
  const box = $("#legend");
  box.textContent = "";
  box.append(el("h2", null, "Event types"));
  for (const [t, c] of Object.entries(TYPES)) {
    const row = el("div");
    const d = el("span", { class: "dot" });
    d.style.background = c;
    row.append(d, document.createTextNode(t));
    box.append(row);
  }
  box.append(el("div", { class: "muted" }, "circle size: fatalities"));
}

// ------------------------------------------------------------------ data

async function loadStats() {
  try {
    const { body } = await api("/api/stats");
    const s = $("#stats");
    s.textContent = "";
    for (const [k, label] of [["documents", "articles"], ["events", "events"], ["merged_events", "merged"], ["reports", "reports"]]) {
      const span = el("span");
      span.append(el("b", null, String(body[k] ?? 0)), document.createTextNode(label));
      s.append(span);
    }
  } catch (err) { toast(err.message, true); }
}

let eventsRequest = 0; // the latest /api/events request: an older answer arriving late is dropped

async function loadEvents(keepView) {
  const q = filterQuery();
  updateExportLinks(q);
  q.set("limit", String(FETCH_LIMIT));
  const mine = ++eventsRequest;
  try {
    const { body, headers } = await api("/api/events?" + q.toString());
    if (mine !== eventsRequest) return;
    state.events = body;
    state.total = Number(headers.get("X-Total-Count") || body.length);
    state.page = 0;
    if (state.range && !visibleEvents().length) state.range = null;
    if (!keepView || !state.view) fitView();
    renderAll();
  } catch (err) { toast(err.message, true); }
}

function visibleEvents() {
  const r = state.range;
  return r ? state.events.filter((e) => e.date && e.date >= r.since && e.date <= r.until) : state.events;
}

function renderAll() {
  renderMap();
  renderTimeline();
  renderTable();
}

// ------------------------------------------------------------------ map

function project(lon, lat) {
  const la = Math.max(-85.05, Math.min(85.05, lat)) * Math.PI / 180;
  return [(lon + 180) / 360 * 256, (1 - Math.log(Math.tan(Math.PI / 4 + la / 2)) / Math.PI) / 2 * 256];
}

function unproject(x, y) {
  const lon = x / 256 * 360 - 180;
  const n = Math.PI - 2 * Math.PI * y / 256;
  return [lon, 180 / Math.PI * Math.atan(Math.sinh(n))];
}

function mapSize() {
  const r = $("#map").getBoundingClientRect();
  return [Math.max(100, r.width), Math.max(100, r.height)];
}

function fitView() {
  const [w, h] = mapSize();
  const pts = visibleEvents().filter((e) => e.location).map((e) => project(e.location.longitude, e.location.latitude));
  let x0, y0, x1, y1;
  if (pts.length) {
    // the middle 96% of the points when there are many, so that a few far-off places do not shrink the rest
    const xs = pts.map((p) => p[0]).sort((a, b) => a - b), ys = pts.map((p) => p[1]).sort((a, b) => a - b);
    const cut = pts.length >= 25 ? Math.floor(pts.length * 0.02) : 0;
    [x0, x1, y0, y1] = [xs[cut], xs[xs.length - 1 - cut], ys[cut], ys[ys.length - 1 - cut]];
  } else { // the Middle East and North Africa
    [x0, y0] = project(-10, 42); [x1, y1] = project(60, 10);
  }
  const pad = 1.0; // at least ~1.4 degrees around a lone point
  x0 -= pad; x1 += pad; y0 -= pad; y1 += pad;
  const k = Math.max(w / 256, Math.min(w / (x1 - x0), h / (y1 - y0), 2 ** 16)) * 0.9;
  state.view = { k, tx: w / 2 - (x0 + x1) / 2 * k, ty: h / 2 - (y0 + y1) / 2 * k };
}

function gridStep(k) {
  const degPx = k * 256 / 360; // screen pixels per degree of longitude
  for (const s of [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30]) if (s * degPx >= 70) return s;
  return 30;
}

function renderMap() {
  const m = $("#map");
  const [w, h] = mapSize();
  m.setAttribute("viewBox", `0 0 ${w} ${h}`);
  m.textContent = "";
  const { k, tx, ty } = state.view;
  const sx = (x) => x * k + tx;
  const sy = (y) => y * k + ty;
  m.append(svg("rect", { class: "world", x: sx(0), y: sy(0), width: 256 * k, height: 256 * k }));

  if (state.tileUrl) drawTiles(m, w, h);

  // graticule
  const step = gridStep(k);
  const [lonA, latA] = unproject(-tx / k, -ty / k);
  const [lonB, latB] = unproject((w - tx) / k, (h - ty) / k);
  const g = svg("g");
  const fmt = (v, pos, neg) => `${Math.abs(+v.toFixed(2))}°${v >= 0 ? pos : neg}`;
  for (let lon = Math.ceil(Math.max(-180, lonA) / step) * step; lon <= Math.min(180, lonB); lon += step) {
    const x = sx(project(lon, 0)[0]);
    g.append(svg("line", { class: "grid", x1: x, y1: 0, x2: x, y2: h }));
    if (x > 2 && x < w - 40) g.append(svg("text", { class: "grid-label", x: x + 3, y: h - 4 }, fmt(lon, "E", "W")));
  }
  for (let lat = Math.ceil(Math.max(-85, latB) / step) * step; lat <= Math.min(85, latA); lat += step) {
    const y = sy(project(0, lat)[1]);
    g.append(svg("line", { class: "grid", x1: 0, y1: y, x2: w, y2: y }));
    if (y > 16 && y < h - 18) g.append(svg("text", { class: "grid-label", x: 4, y: y - 3 }, fmt(lat, "N", "S")));
  }
  m.append(g);

  // events: largest first so that small ones stay clickable; labels for the largest places
  const evs = visibleEvents().filter((e) => e.location).slice().sort((a, b) => (b.fatalities || 0) - (a.fatalities || 0));
  const layer = svg("g");
  const labels = svg("g");
  const labelled = new Set();
  const boxes = [];
  const free = (b) => boxes.every((o) => b[2] < o[0] || b[0] > o[2] || b[3] < o[1] || b[1] > o[3]);
  // events at one place are set on a small ring around it, so that none hides another
  const at = (e) => `${e.location.latitude.toFixed(4)},${e.location.longitude.toFixed(4)}`;
  const groups = new Map();
  for (const e of evs) {
    const g = groups.get(at(e)) || { n: 0, r: 0, seen: 0 };
    g.n += 1;
    g.r = Math.max(g.r, radius(e.fatalities));
    groups.set(at(e), g);
  }
  for (const e of evs) {
    const [wx, wy] = project(e.location.longitude, e.location.latitude);
    let x = sx(wx), y = sy(wy);
    const grp = groups.get(at(e));
    if (grp.n > 1) {
      const angle = 2 * Math.PI * grp.seen++ / grp.n - Math.PI / 2, d = Math.min(16, 3 + grp.r);
      x += d * Math.cos(angle);
      y += d * Math.sin(angle);
    }
    if (x < -30 || y < -30 || x > w + 30 || y > h + 30) continue;
    const c = svg("circle", { class: "ev" + (e.id === state.selected ? " sel" : ""), cx: x, cy: y, r: radius(e.fatalities), fill: colour(e.event_type) });
    c.append(svg("title", {}, `#${e.id} ${e.sub_event_type} — ${placeName(e.location)} ${e.date || ""}, ${e.fatalities} killed`));
    c.addEventListener("click", (ev) => { ev.stopPropagation(); selectEvent(e.id); });
    layer.append(c);
    const name = placeName(e.location);
    if (name && !labelled.has(name) && labelled.size < 16) {
      const lx = x + radius(e.fatalities) + 3;
      const box = [lx - 2, y - 8, lx + name.length * 6.3 + 2, y + 6];
      if (free(box)) {
        labelled.add(name);
        boxes.push(box);
        labels.append(svg("text", { class: "place-label", x: lx, y: y + 4 }, name));
      }
    }
  }
  m.append(layer, labels);
  const placed = evs.length;
  const missing = visibleEvents().length - placed;
  $("#map-note").textContent = `${placed} events on the map` + (missing ? `, ${missing} without a place` : "") +
    (state.tileUrl ? " · tiles: user setting" : "");
}

function drawTiles(m, w, h) {
  const { k, tx, ty } = state.view;
  const z = Math.max(0, Math.min(19, Math.round(Math.log2(k))));
  const n = 2 ** z;
  const size = 256 * k / n;
  const g = svg("g");
  for (let i = Math.floor(-tx / size); i <= Math.floor((w - tx) / size); i++) {
    for (let j = Math.max(0, Math.floor(-ty / size)); j <= Math.min(n - 1, Math.floor((h - ty) / size)); j++) {
      const x = ((i % n) + n) % n;
      const href = state.tileUrl.replace("{z}", z).replace("{x}", x).replace("{y}", j);
      g.append(svg("image", { href, x: i * size + tx, y: j * size + ty, width: size + 0.5, height: size + 0.5 }));
    }
  }
  m.append(g);
}

let redrawPending = false;
function redraw() {
  if (redrawPending) return;
  redrawPending = true;
  requestAnimationFrame(() => { redrawPending = false; renderMap(); });
}

function zoomAt(factor, cx, cy) {
  const v = state.view;
  const [w] = mapSize();
  const k = Math.max(w / 512, Math.min(2 ** 20, v.k * factor));
  const f = k / v.k;
  state.view = { k, tx: cx - (cx - v.tx) * f, ty: cy - (cy - v.ty) * f };
  redraw();
}

function setupMap() {
  const m = $("#map");
  let drag = null;
  m.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const r = m.getBoundingClientRect();
    zoomAt(Math.pow(1.0018, -ev.deltaY), ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });
  m.addEventListener("mousedown", (ev) => {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, y: ev.clientY, tx: state.view.tx, ty: state.view.ty };
    m.classList.add("dragging");
  });
  window.addEventListener("mousemove", (ev) => {
    if (!drag) return;
    state.view = { k: state.view.k, tx: drag.tx + ev.clientX - drag.x, ty: drag.ty + ev.clientY - drag.y };
    redraw();
  });
  window.addEventListener("mouseup", () => { drag = null; m.classList.remove("dragging"); });
  const centre = () => { const [w, h] = mapSize(); return [w / 2, h / 2]; };
  $("#zoom-in").addEventListener("click", () => zoomAt(1.6, ...centre()));
  $("#zoom-out").addEventListener("click", () => zoomAt(1 / 1.6, ...centre()));
  $("#zoom-fit").addEventListener("click", () => { fitView(); redraw(); });
  $("#tiles").addEventListener("click", () => {
    const v = prompt("Background tiles: an XYZ URL template with {z}, {x} and {y} (leave empty for none).\n" +
      "Tiles are fetched from that server by your browser; marsad itself needs no network.", state.tileUrl);
    if (v === null) return;
    state.tileUrl = v.trim();
    if (state.tileUrl) localStorage.setItem(TILE_KEY, state.tileUrl); else localStorage.removeItem(TILE_KEY);
    redraw();
  });
  window.addEventListener("resize", () => { redraw(); redrawTimeline(); });
}

let timelinePending = false;
function redrawTimeline() {
  if (timelinePending) return;
  timelinePending = true;
  requestAnimationFrame(() => { timelinePending = false; renderTimeline(); });
}

// ------------------------------------------------------------------ timeline

function binning(days, width) {
  // Bars of one day while they fit (>= 3 px each), else of one week, else of one month.
  const DAY = 86400000;
  const t0 = Date.parse(days[0]), t1 = Date.parse(days[days.length - 1]);
  const span = Math.round((t1 - t0) / DAY) + 1;
  const iso = (t) => new Date(t).toISOString().slice(0, 10);
  if (span <= width / 3) {
    return { unit: "day", n: span, key: (d) => d, index: (d) => Math.round((Date.parse(d) - t0) / DAY), end: (k) => k };
  }
  const monday = (d) => { const t = Date.parse(d); return iso(t - ((new Date(t).getUTCDay() + 6) % 7) * DAY); };
  const w0 = Date.parse(monday(days[0]));
  const weeks = Math.round((Date.parse(monday(days[days.length - 1])) - w0) / (7 * DAY)) + 1;
  if (weeks <= width / 3) {
    return { unit: "week", n: weeks, key: monday, index: (k) => Math.round((Date.parse(k) - w0) / (7 * DAY)),
      end: (k) => iso(Date.parse(k) + 6 * DAY) };
  }
  const ym = (d) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
  const m0 = ym(days[0]);
  return { unit: "month", n: ym(days[days.length - 1]) - m0 + 1, key: (d) => d.slice(0, 7) + "-01",
    index: (k) => ym(k) - m0,
    end: (k) => { const y = Number(k.slice(0, 4)), m = Number(k.slice(5, 7)); return iso(Date.UTC(y, m, 0)); } };
}

function renderTimeline() {
  const t = $("#timeline");
  const r = t.getBoundingClientRect();
  const w = r.width || 200, h = r.height || 80; // the drawing's units are the element's own pixels
  t.setAttribute("viewBox", `0 0 ${w} ${h}`);
  t.textContent = "";
  const dated = state.events.filter((e) => e.date).map((e) => e.date).sort();
  const left = 28, right = 10, top = 8, bottom = 18;
  if (!dated.length) {
    $("#timeline-title").textContent = "Events per day";
    $("#day-note").textContent = "";
    t.append(svg("text", { x: 12, y: h / 2 }, "no dated events"));
    return;
  }
  const bins = binning([...new Set(dated)], w - left - right);
  const counts = new Map();
  for (const d of dated) { const k = bins.key(d); counts.set(k, (counts.get(k) || 0) + 1); }
  $("#timeline-title").textContent = `Events per ${bins.unit}`;
  const note = $("#day-note");
  note.textContent = state.range ? `showing ${state.range.label} only — click the bar again to show all` :
    `click a bar to show that ${bins.unit}`;
  note.title = note.textContent; // the whole hint where the card is too narrow for it
  const bw = (w - left - right) / bins.n;
  const max = Math.max(...counts.values());
  const y = (v) => h - bottom - (h - top - bottom) * v / max;
  t.append(svg("line", { class: "axis", x1: left, y1: h - bottom + 0.5, x2: w - right, y2: h - bottom + 0.5 }));
  t.append(svg("text", { x: 2, y: top + 8 }, String(max)));
  t.append(svg("text", { x: 2, y: h - bottom }, "0"));
  for (const [k, c] of counts) {
    const i = bins.index(k);
    const end = bins.end(k);
    const label = bins.unit === "day" ? k : bins.unit === "month" ? k.slice(0, 7) : `${k} – ${end}`;
    const sel = state.range && state.range.since === k && state.range.until === end;
    const bar = svg("rect", { class: "bar" + (sel ? " sel" : ""), x: left + i * bw + Math.min(1, bw * 0.1),
      y: y(c), width: Math.max(1.5, bw - Math.min(2, bw * 0.2)), height: h - bottom - y(c) });
    bar.append(svg("title", {}, `${label}: ${c} event${c === 1 ? "" : "s"}`));
    bar.addEventListener("click", () => {
      state.range = sel ? null : { since: k, until: end, label };
      state.page = 0;
      renderAll();
    });
    t.append(bar);
  }
  const ticks = Math.min(bins.n, Math.max(2, Math.floor((w - left - right) / 90)));
  const keys = [...counts.keys()].sort();
  const firstKey = keys[0];
  for (let j = 0; j < ticks; j++) {
    const i = Math.round(j * (bins.n - 1) / Math.max(1, ticks - 1));
    const x = left + (i + 0.5) * bw;
    // the label of bin i: step from the first bin by i units
    let d;
    if (bins.unit === "month") {
      const m = Number(firstKey.slice(0, 4)) * 12 + Number(firstKey.slice(5, 7)) - 1 + i;
      d = `${Math.floor(m / 12)}-${String(m % 12 + 1).padStart(2, "0")}`;
    } else {
      d = new Date(Date.parse(firstKey) + i * (bins.unit === "week" ? 7 : 1) * 86400000).toISOString().slice(0, 10);
    }
    const half = d.length * 3; // about half the label's width at 10 px
    t.append(svg("text", { x: Math.max(left + half, Math.min(w - right - half, x)), y: h - 4, "text-anchor": "middle" }, d));
  }
}

// ------------------------------------------------------------------ table

function renderTable() {
  const evs = visibleEvents();
  const pages = Math.max(1, Math.ceil(evs.length / PAGE));
  state.page = Math.min(state.page, pages - 1);
  const tbody = $("#events tbody");
  tbody.textContent = "";
  for (const e of evs.slice(state.page * PAGE, (state.page + 1) * PAGE)) {
    const tr = el("tr", { class: e.id === state.selected ? "sel" : null, "data-id": e.id, tabindex: "0",
      "aria-current": e.id === state.selected ? "true" : null });
    const type = el("td");
    const dot = el("span", { class: "dot" });
    dot.style.background = colour(e.event_type);
    type.append(dot, document.createTextNode(" " + e.sub_event_type));
    const actors = el("td");
    const a1 = actorName(e.actor1), a2 = actorName(e.actor2);
    actors.append(document.createTextNode(a1 || "—"));
    if (a2) actors.append(el("div", { class: "sub" }, "vs " + a2));
    const loc = el("td");
    loc.append(document.createTextNode(placeName(e.location) || "—"));
    if (e.location && e.location.country) loc.append(el("span", { class: "sub" }, " " + e.location.country));
    const review = el("td");
    review.append(el("span", { class: "badge " + e.review_state }, e.review_state === "unreviewed" ? "to review" : e.review_state));
    tr.append(el("td", { class: "num" }, String(e.id)), el("td", { class: "nw" }, e.date || "?"), type, actors, loc,
      el("td", { class: "num" }, String(e.fatalities)), el("td", { class: "num" }, String(e.n_sources)), review);
    tr.addEventListener("click", () => selectEvent(e.id));
    tr.addEventListener("keydown", (ev) => rowKey(ev, tr, e.id));
    tbody.append(tr);
  }
  if (!evs.length) {
    const td = el("td", { colspan: "8", class: "muted" }, state.total || state.range ? "No event matches these filters." :
      "No events yet: ingest articles with `marsad ingest FILES` or POST them to /api/documents.");
    const tr = el("tr");
    tr.append(td);
    tbody.append(tr);
  }
  const more = state.total > state.events.length ? ` (first ${state.events.length} of ${state.total} loaded; narrow the filters)` : "";
  $("#count").textContent = `${evs.length} shown` + (state.range ? ` in ${state.range.label}` : "") + more;
  $("#page").textContent = `${state.page + 1} / ${pages}`;
  $("#prev").disabled = state.page === 0;
  $("#next").disabled = state.page >= pages - 1;
}

function rowKey(ev, tr, id) {
  // Enter or Space opens the event; the arrow keys, Home and End move the focus between rows.
  const rows = [...tr.parentNode.querySelectorAll("tr[data-id]")];
  const i = rows.indexOf(tr);
  const to = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: rows.length - 1 }[ev.key];
  if (ev.key === "Enter" || ev.key === " ") {
    ev.preventDefault();
    selectEvent(id);
  } else if (to != null && rows[to]) {
    ev.preventDefault();
    rows[to].focus();
  }
}

// ------------------------------------------------------------------ detail and review

function codeUnitOffsets(text) {
  // Evidence offsets count code points (Python str indices); JavaScript strings index UTF-16 code units,
  // which differ after any character outside the BMP (an emoji, a rare CJK or math letter).
  // Returns [map: code point offset -> code unit offset, number of code points].
  if (!/[\uD800-\uDFFF]/.test(text)) return [(i) => i, text.length];
  const units = [0];
  for (const ch of text) units.push(units[units.length - 1] + ch.length);
  return [(i) => units[i], units.length - 1];
}

function highlighted(text, evidence) {
  // Split the text at every span boundary; a piece covered by spans is a <mark> naming their roles.
  const [unit, length] = codeUnitOffsets(text);
  const ok = evidence.filter((s) => s.start >= 0 && s.end <= length && s.start < s.end)
    .map((s) => ({ role: s.role, start: unit(s.start), end: unit(s.end) }));
  const cuts = new Set([0, text.length]);
  for (const s of ok) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const frag = document.createDocumentFragment();
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const piece = text.slice(a, b);
    const roles = [...new Set(ok.filter((s) => s.start <= a && s.end >= b).map((s) => s.role))];
    if (!roles.length) { frag.append(document.createTextNode(piece)); continue; }
    frag.append(el("mark", { class: `ev r-${roles[0]}` + (roles.length > 1 ? " multi" : ""), title: roles.join(", ") }, piece));
  }
  return frag;
}

function kv(dl, key, value, rtl) {
  if (value == null || value === "") return;
  dl.append(el("dt", {}, key));
  const dd = el("dd", rtl ? { dir: "auto" } : {});
  if (value instanceof Node) dd.append(value); else dd.textContent = String(value);
  dl.append(dd);
}

function actorLine(a) {
  if (!a) return null;
  const s = el("span");
  s.append(document.createTextNode(a.name || ""));
  if (a.name_ar && a.name_ar !== a.name) s.append(document.createTextNode(" · "), el("span", { dir: "rtl", lang: "ar" }, a.name_ar));
  return s;
}

async function selectEvent(id) {
  state.selected = id;
  history.replaceState(null, "", "#event=" + id);
  renderMap();
  for (const tr of document.querySelectorAll("#events tbody tr[data-id]")) {
    tr.classList.toggle("sel", Number(tr.dataset.id) === id);
    if (Number(tr.dataset.id) === id) tr.setAttribute("aria-current", "true"); else tr.removeAttribute("aria-current");
  }
  const box = $("#detail");
  let e;
  try { e = (await api(`/api/events/${id}`)).body; } catch (err) {
    toast(err.message, true);
    if (state.selected === id) { // nothing to show: back to no selection
      state.selected = null;
      history.replaceState(null, "", location.pathname + location.search);
      box.replaceChildren(EMPTY_DETAIL.cloneNode(true));
      renderMap();
    }
    return;
  }
  if (state.selected !== id) return;
  box.textContent = "";
  const head = el("div");
  const dot = el("span", { class: "dot" });
  dot.style.background = colour(e.event_type);
  const h2 = el("h2");
  h2.append(dot, document.createTextNode(` ${e.sub_event_type}`));
  head.append(h2, el("div", { class: "muted" }, `${e.event_type} · event #${e.id} · `),
  );
  head.lastChild.append(el("span", { class: "badge " + e.review_state }, e.review_state === "unreviewed" ? "to review" : e.review_state));
  box.append(head);

  const dl = el("dl", { class: "kv" });
  kv(dl, "date", e.date ? `${e.date}` + (e.time_precision ? ` (precision ${e.time_precision})` : "") : "unknown");
  kv(dl, "actor 1", actorLine(e.actor1) || "—");
  kv(dl, "actor 2", actorLine(e.actor2) || "—");
  if (e.location) {
    const loc = e.location;
    const s = el("span");
    s.append(document.createTextNode(loc.name || ""));
    if (loc.name_ar) s.append(document.createTextNode(" · "), el("span", { dir: "rtl", lang: "ar" }, loc.name_ar));
    const admin = [loc.admin1, loc.admin2].filter(Boolean).join(", ");
    s.append(el("div", { class: "muted" }, `${loc.country || "?"}${admin ? " · " + admin : ""} · ${loc.latitude.toFixed(3)}, ${loc.longitude.toFixed(3)} · precision ${loc.geo_precision}`));
    kv(dl, "place", s);
  } else kv(dl, "place", "unknown");
  kv(dl, "fatalities", String(e.fatalities) + (e.n_sources > 1 ? " (lowest toll of the sources)" : ""));
  if (e.injuries != null) kv(dl, "injuries", String(e.injuries));
  kv(dl, "confidence", e.confidence != null ? String(e.confidence) : "");
  if (e.notes) kv(dl, "notes", e.notes, true);
  box.append(dl);

  // review
  const rv = el("div", { class: "review" });
  const note = el("input", { type: "text", placeholder: "review note (optional)" });
  const row = el("div", { class: "row" });
  const act = async (state_) => {
    try {
      await post(`/api/events/${id}/review`, { state: state_, note: note.value || null });
      toast(`event #${id}: ${state_}`);
      await loadEvents(true);
      await selectEvent(id);
    } catch (err) { toast(err.message, true); }
  };
  const bAcc = el("button", { type: "button", class: "accept" }, "✓ Accept");
  const bRej = el("button", { type: "button", class: "reject" }, "✗ Reject");
  const bNeed = el("button", { type: "button" }, "Needs review");
  bAcc.addEventListener("click", () => act("accepted"));
  bRej.addEventListener("click", () => act("rejected"));
  bNeed.addEventListener("click", () => act("needs-review"));
  row.append(bAcc, bRej, bNeed);
  if (e.n_sources > 1) {
    const bUn = el("button", { type: "button", title: "split every source but the first into events of their own" }, "Unmerge");
    bUn.addEventListener("click", async () => {
      if (!confirm(`Split the ${e.n_sources - 1} later source(s) of event #${id} into events of their own?`)) return;
      try {
        const { body } = await post(`/api/events/${id}/unmerge`, {});
        toast(`event #${id}: split into ${[id, ...body.new_event_ids].map((x) => "#" + x).join(", ")}`);
        await loadStats();
        await loadEvents(true);
        await selectEvent(id);
      } catch (err) { toast(err.message, true); }
    });
    row.append(bUn);
  }
  rv.append(note, row);
  box.append(rv);

  // sources with the article text
  box.append(el("h3", {}, `${e.n_sources} source${e.n_sources === 1 ? "" : "s"}`));
  const legendRow = el("div", { class: "roles" });
  for (const r of ROLES) legendRow.append(el("mark", { class: `ev r-${r}` }, r));
  box.append(legendRow);
  for (const [i, s] of e.sources.entries()) {
    const card = el("div", { class: "source" });
    card.append(el("div", { class: "meta" }, `[${s.source_id}] ${s.outlet || "unknown outlet"} · ${s.published || "no date"} · ${s.doc_id} · reported ${s.fatalities} killed`));
    if (i > 0 && s.merge_reason) card.append(el("div", { class: "reason" }, "merged because: " + s.merge_reason));
    const art = el("div", { class: "article", dir: "rtl", lang: "ar" }, "loading the article…");
    card.append(art);
    box.append(card);
    api(`/api/documents/${s.document_id}`).then(({ body }) => {
      art.textContent = "";
      if (body.title) art.append(el("span", { class: "title" }, body.title));
      art.append(highlighted(body.text, s.evidence));
      const first = art.querySelector("mark");
      if (first) art.scrollTop = Math.max(0, first.offsetTop - art.offsetTop - 40);
    }).catch((err) => { art.textContent = err.message; });
  }
  if (e.history && e.history.length) {
    box.append(el("h3", {}, "history"));
    const ul = el("ul", { class: "history" });
    for (const h of e.history) ul.append(el("li", {}, `${h.at} ${h.action}: ${h.detail || ""}`));
    box.append(ul);
  }
}

// ------------------------------------------------------------------ start

function setup() {
  legend();
  setupMap();
  $("#filters").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!datesInOrder()) return;
    state.range = null;
    loadEvents(false);
  });
  $("#clear-filters").addEventListener("click", () => { $("#filters").reset(); state.range = null; loadEvents(false); });
  $("#prev").addEventListener("click", () => { state.page -= 1; renderTable(); });
  $("#next").addEventListener("click", () => { state.page += 1; renderTable(); });
  loadStats();
  const fromHash = () => {
    const m = /event=(\d+)/.exec(location.hash);
    if (m && Number(m[1]) !== state.selected) selectEvent(Number(m[1]));
  };
  loadEvents(false).then(fromHash);
  window.addEventListener("hashchange", fromHash); // a #event= link followed on the open page
}

setup();
