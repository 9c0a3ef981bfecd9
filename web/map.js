// The OneMap web map: the one-map tiles (over their own roads and boundaries, or the risk
// layers alone), hazards, shelters and facilities as toggleable layers, the
// legend, and a click that lists the nearest shelters and the hazards within 500 m.
//
// Everything that comes from the data (names, kinds, statuses) is put on the page as DOM
// text, never as HTML: a hazard named <img src=x onerror=…> shows as those characters.
// The page is served with Content-Security-Policy script-src 'self', so no inline script
// would run either.
'use strict';

const map = L.map('map', { zoomControl: true });
const colours = { 1: '#C62828', 2: '#EF6C00', 3: '#F9A825', 4: '#1565C0' };


function hazardPopup(f) {
  const p = f.properties || {};
  return el('div', { class: 'answer' }, el('b', null, text(p.name) || text(f.id)), el('br'),
    `${text(p.kind)} · level ${text(p.level) || '?'} · ${text(p.status)}`);
}

function shelterPopup(f) {
  const p = f.properties || {};
  return el('div', { class: 'answer' }, el('b', null, text(p.name) || text(f.id)), el('br'),
    `class ${text(p.shelter_class) || '?'} · capacity ${text(p.capacity) || '?'} · occupancy ${text(p.occupancy) || '0'} · ${text(p.status) || 'status unknown'}`);
}

// Shelter symbols by status, as the tiles draw them (from /riskmap/legend; until it
// answers, every shelter is drawn grey, never as open).
let shelterSymbols = {};
function shelterColour(status) {
  const s = shelterSymbols[status || 'open'] || shelterSymbols.open;
  return s ? s.colour_hex : '#9E9E9E';
}

function shelterIcon(f) {
  const status = text((f.properties || {}).status) || 'unknown';
  const box = el('div', { class: `shelter-icon shelter-${status.replace(/[^a-z_]/g, '')}`, style: { background: shelterColour(status) } });
  return L.divIcon({ className: '', html: box });
}

/// A shelter's status and room as a commander reads them.
function shelterState(p) {
  const room = p.room_persons === undefined || p.room_persons === null ? '?' : Number(p.room_persons).toLocaleString();
  return `${text(p.status) || 'status unknown'} · room ${room}`;
}

// Two ways to see the tiles (a radio in the layer switch): the one map over its own
// base — the data's roads by class and administrative boundaries, drawn in the tiles so
// the map reads on an intranet with no base map — or the risk layers alone.
const attribution = 'OneMap 四色安全风险分布图';
const riskTiles = L.tileLayer('/tiles/{z}/{x}/{y}{r}.png', { maxZoom: 20, detectRetina: false, attribution }).addTo(map);
const riskOnlyTiles = L.tileLayer('/tiles/{z}/{x}/{y}{r}.png?layers=risk', { maxZoom: 20, detectRetina: false, attribution });
const boundary = L.geoJSON(null, { style: { color: '#37474F', weight: 2, fill: false } }).addTo(map);
const hazards = L.geoJSON(null, {
  pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 5, color: '#fff', weight: 1, fillColor: colours[f.properties.level] || '#555', fillOpacity: 1 }),
  style: f => ({ color: colours[f.properties.level] || '#555', weight: 3 }),
  onEachFeature: (f, layer) => layer.bindPopup(() => hazardPopup(f)),
});
const shelters = L.geoJSON(null, {
  pointToLayer: (f, ll) => L.marker(ll, { icon: shelterIcon(f) }),
  style: f => { const c = shelterColour(text((f.properties || {}).status)); return { color: c, fillColor: c, weight: 2 }; },
  onEachFeature: (f, layer) => layer.bindPopup(() => shelterPopup(f)),
}).addTo(map);
// Facility symbols by kind, as the tiles draw them (from /riskmap/legend).
let facilitySymbols = {};
function facilityIcon(f) {
  const kind = text((f.properties || {}).kind);
  const s = facilitySymbols[kind] || facilitySymbols.other;
  const box = el('div', { class: `facility-icon facility-${kind.replace(/[^a-z_]/g, '')}`, style: { background: s ? text(s.colour_hex) : '#424242' } });
  return L.divIcon({ className: '', html: box });
}
function facilityPopup(f) {
  const p = f.properties || {};
  const kind = facilitySymbols[text(p.kind)];
  return el('div', { class: 'answer' }, el('b', null, text(p.name) || text(f.id)), el('br'),
    `${kind ? text(kind.label) : text(p.kind) || 'kind unknown'} · ${text(p.status) || 'status unknown'}` +
    (p.headcount !== undefined && p.headcount !== null ? ` · ${text(p.headcount)} staff` : ''));
}
const facilities = L.geoJSON(null, {
  pointToLayer: (f, ll) => L.marker(ll, { icon: facilityIcon(f) }),
  onEachFeature: (f, layer) => layer.bindPopup(() => facilityPopup(f)),
});
const layerSwitch = L.control.layers(
  { '一张图 one map (roads, boundaries)': riskTiles, '仅风险 risk only': riskOnlyTiles },
  { '隐患 hazards (zoom ≥ 13)': hazards, '避难场所 shelters': shelters, '设施 facilities': facilities, '边界 boundary': boundary },
  { collapsed: false }).addTo(map);

async function json(url) { const r = await fetch(url); if (!r.ok) throw new Error(`${url}: ${r.status}`); return r.json(); }

json('/tiles.json').then(t => {
  const [w, s, e, n] = t.bounds;
  map.fitBounds([[s, w], [n, e]]);
}).catch(() => map.setView([0, 0], 2));
json('/collections/admin_units/items?level=district&limit=10').then(d => boundary.addData(d)).catch(() => {});
const legendAnswer = json('/riskmap/legend');
legendAnswer.then(l => {
  for (const s of l.shelters || []) shelterSymbols[s.status] = s;
  for (const s of l.facilities || []) facilitySymbols[s.kind] = s;
}).catch(() => {})
  .finally(() => {
    json('/collections/shelters/items?limit=10000').then(d => shelters.addData(d)).catch(() => {});
    // Fetched when first switched on: a city has thousands.
    let facilitiesLoaded = false;
    const loadFacilities = () => {
      if (facilitiesLoaded || !map.hasLayer(facilities)) return;
      facilitiesLoaded = true;
      json('/collections/facilities/items?limit=10000').then(d => facilities.addData(d)).catch(() => { facilitiesLoaded = false; });
    };
    map.on('overlayadd', loadFacilities);
    loadFacilities();
  });

let hazardLoads = 0;
async function loadHazards() {
  const mine = ++hazardLoads;
  if (!map.hasLayer(hazards)) return;
  if (map.getZoom() < 13) { hazards.clearLayers(); return; }
  const b = map.getBounds();
  const box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(v => v.toFixed(6)).join(',');
  const found = await json(`/collections/hazards/items?bbox=${box}&limit=2000`);
  if (mine !== hazardLoads) return;
  hazards.clearLayers();
  hazards.addData(found);
}
map.on('moveend overlayadd', loadHazards);

const legend = L.control({ position: 'bottomright' });
legend.onAdd = () => { const div = L.DomUtil.create('div', 'legend'); div.id = 'legend'; div.textContent = 'legend…'; return div; };
legend.addTo(map);
legendAnswer.then(l => {
  const box = document.getElementById('legend');
  box.replaceChildren(el('b', null, '四色安全风险分布图'));
  for (const e of l.levels) {
    const label = e.level_name ? `${text(e.level_name)} ${text(e.colour)}` : '无 none';
    box.append(el('br'), el('i', { style: { background: text(e.colour_hex) || '#fff' } }),
      `${label} · ${text(e.areas)} ${text(l.unit)} · ${Number(e.residents || 0).toLocaleString()} residents`);
  }
  box.append(el('br'), el('b', null, '避难场所 shelters'));
  for (const s of l.shelters || []) {
    box.append(el('br'), el('i', { class: 'shelter-swatch', style: { background: text(s.colour_hex) } }), text(s.label));
  }
  // The base is in the tiles of the one-map view only.
  const base = el('span', { id: 'legend-base' }, el('br'), el('b', null, '底图 base: roads, boundaries'));
  for (const r of ((l.base || {}).roads || []).slice(0, 4)) {
    base.append(el('br'), el('i', { class: 'line-swatch', style: { background: text(r.colour_hex) } }), `${text(r.road_class)} (zoom ≥ ${text(r.min_zoom)})`);
  }
  for (const b of ((l.base || {}).boundaries || []).slice(0, 3)) {
    base.append(el('br'), el('i', { class: 'line-swatch dashed', style: { borderColor: text(b.colour_hex) } }), `${text(b.level)} boundary`);
  }
  box.append(base);
  const showBase = () => { base.style.display = map.hasLayer(riskTiles) ? '' : 'none'; };
  map.on('baselayerchange', showBase);
  showBase();
}).catch(() => {});

const metres = d => d >= 1000 ? (d / 1000).toFixed(2) + ' km' : Math.round(d) + ' m';

map.on('click', async ev => {
  // The new-incident tool takes the click as the incident's place.
  if (typeof tool !== 'undefined' && tool.active) { choose(ev.latlng, null); return; }
  const { lat, lng } = ev.latlng;
  const q = `lon=${lng.toFixed(6)}&lat=${lat.toFixed(6)}`;
  const popup = L.popup().setLatLng(ev.latlng).setContent('…').openOn(map);
  try {
    // The server's defaults are the safe ones: open shelters with room, open hazards.
    const [near, within] = await Promise.all([json(`/query/nearest-shelter?${q}&k=3`), json(`/query/within?layer=hazards&${q}&radius=500&limit=50`)]);
    const shelterList = el('ol', { class: 'shelters' }, ...near.features.map(f =>
      el('li', null, `${text(f.properties.name) || text(f.id)} · ${metres(f.properties.distance_m)} · ${shelterState(f.properties)}`)));
    const hazardList = el('ol', { class: 'hazards' }, ...within.features.map(f =>
      el('li', { style: { color: colours[f.properties.level] || '#333' } },
        `${text(f.properties.name) || text(f.id)} · ${metres(f.properties.distance_m)} · ${text(f.properties.status) || 'status unknown'}`)));
    popup.setContent(el('div', { class: 'answer' },
      el('h4', null, '最近开放且有余位的避难场所 nearest open shelters with room'),
      near.features.length ? shelterList : el('p', null, 'none open with room'),
      el('h4', null, `500 m 内未销号隐患 open hazards within 500 m: ${text(within.numberReturned)}`), hazardList));
  } catch (e) { popup.setContent(el('div', null, String(e))); }
});

// ---------------------------------------------------------------------------------------
// Incidents: the layer of open incidents (their place and zones, with the briefing link),
// and the "new incident" tool — click a point or a hazard, choose the kind, see the zones
// and the figures. Creating needs a commander's, planner's or admin's token, kept for this
// browser tab only (sessionStorage).
const zoneColours = { isolation: '#C62828', evacuation: '#EF6C00', red: '#C62828', orange: '#EF6C00', yellow: '#F9A825', impact: '#C62828' };
const incidents = L.featureGroup().addTo(map);
layerSwitch.addOverlay(incidents, '事件 incidents');

function incidentPopup(detail) {
  const p = detail.properties || {};
  const link = el('a', { href: `/incidents/${encodeURIComponent(detail.id)}/briefing`, target: '_blank', class: 'briefing-link' }, '简报 briefing');
  return el('div', { class: 'answer incident' }, el('b', null, text(p.title) || text(detail.id)), el('br'),
    `${text(detail.id)} · ${text(p.kind)} · ${text(p.status)} · zones ${(p.zones || []).map(text).join(', ')}`, el('br'), link);
}

/// Draws one incident (its place and zones) on the incidents layer; returns its layers.
function drawIncident(detail) {
  const group = L.featureGroup();
  const zones = ((detail.zones || {}).features || []).slice().reverse();
  for (const z of zones) {
    const c = zoneColours[text(z.id)] || '#6A1B9A';
    L.geoJSON(z, { style: { color: c, weight: 2, fillColor: c, fillOpacity: 0.12, dashArray: '6 4' } }).addTo(group);
  }
  L.geoJSON({ type: 'Feature', geometry: detail.geometry, properties: {} }, {
    pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 8, color: '#000', weight: 3, fillColor: '#fff', fillOpacity: 1 }),
    style: { color: '#000', weight: 3 },
  }).addTo(group);
  group.bindPopup(() => incidentPopup(detail));
  group.incidentID = detail.id;
  group.addTo(incidents);
  return group;
}

// Loads may overlap (the live feed asks again while one is under way): only the newest
// draws, so nothing is drawn twice.
let incidentLoads = 0;
async function loadIncidents() {
  const mine = ++incidentLoads;
  const list = await json('/incidents');
  const open = (list.features || []).filter(f => (f.properties || {}).status !== 'closed');
  const details = await Promise.all(open.map(f => json(`/incidents/${encodeURIComponent(f.id)}`)));
  if (mine !== incidentLoads) return;
  incidents.clearLayers();
  for (const detail of details) drawIncident(detail);
}
loadIncidents().catch(() => {});

const tool = { active: false, place: null, hazard: null, marker: null };
const panel = L.control({ position: 'topleft' });
panel.onAdd = () => {
  const box = L.DomUtil.create('div', 'incident-panel');
  box.id = 'incident-panel';
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);
  const start = el('button', { id: 'incident-start', type: 'button' }, '新事件 new incident');
  const form = el('div', { id: 'incident-form', style: { display: 'none' } },
    el('div', { id: 'incident-where' }, '点击地图或隐患 click a point or a hazard'),
    el('label', null, '类型 kind ', el('select', { id: 'incident-kind' })), el('br'),
    el('label', null, '令牌 token ', el('input', { id: 'incident-token', type: 'password', size: '18', autocomplete: 'off' })), el('br'),
    el('button', { id: 'incident-create', type: 'button', disabled: 'disabled' }, '创建 create'),
    el('button', { id: 'incident-cancel', type: 'button' }, '取消 cancel'),
    el('div', { id: 'incident-message', class: 'message' }));
  const figures = el('div', { id: 'incident-figures' });
  box.append(start, form, figures);
  return box;
};
panel.addTo(map);

const $ = id => document.getElementById(id);
$('incident-token').value = sessionStorage.getItem('onemap.token') || '';
json('/incident-kinds').then(k => {
  for (const kind of k.kinds || []) $('incident-kind').append(el('option', { value: text(kind.kind) }, text(kind.label)));
}).catch(() => {});

function setTool(active) {
  tool.active = active;
  tool.place = null;
  tool.hazard = null;
  if (tool.marker) { tool.marker.remove(); tool.marker = null; }
  $('incident-form').style.display = active ? '' : 'none';
  $('incident-start').style.display = active ? 'none' : '';
  $('incident-create').disabled = true;
  $('incident-where').textContent = '点击地图或隐患 click a point or a hazard';
  $('incident-message').textContent = '';
  map.getContainer().style.cursor = active ? 'crosshair' : '';
}
$('incident-start').addEventListener('click', () => setTool(true));
$('incident-cancel').addEventListener('click', () => setTool(false));

/// The tool's choice of place: a point, or a hazard (whose geometry becomes the place).
function choose(latlng, hazard) {
  tool.place = latlng;
  tool.hazard = hazard || null;
  if (tool.marker) tool.marker.remove();
  tool.marker = L.circleMarker(latlng, { radius: 9, color: '#000', weight: 2, dashArray: '3 3', fill: false }).addTo(map);
  $('incident-where').textContent = hazard
    ? `隐患 hazard ${text(hazard.id)} · ${text((hazard.properties || {}).name)}`
    : `${latlng.lng.toFixed(5)}, ${latlng.lat.toFixed(5)}`;
  $('incident-create').disabled = false;
}

hazards.on('click', ev => {
  if (!tool.active) return;
  ev.originalEvent && L.DomEvent.stop(ev.originalEvent);
  setTimeout(() => map.closePopup());
  choose(ev.latlng, ev.layer.feature);
});
// A click on an incident already drawn (its zones cover the map there) is a place too.
incidents.on('click', ev => {
  if (!tool.active) return;
  ev.originalEvent && L.DomEvent.stop(ev.originalEvent);
  setTimeout(() => map.closePopup());
  choose(ev.latlng, null);
});

function showFigures(id, b) {
  const box = $('incident-figures');
  const zones = (b.zones || []).map(z => el('li', null,
    `${text(z.zone)}: ${Number(z.residents || 0).toLocaleString()} residents · ${(z.key_targets_inside || []).length} key targets · ${(z.hazards_inside || []).length} hazards · ${(z.shelters_inside || []).length} shelters inside`));
  const fire = ((b.reach || {}).fire_stations || []).map(f => `${text(f.name)} ${text(f.minutes)} min`).join(', ');
  const ev = b.evacuation || {};
  box.replaceChildren(
    el('b', null, `${text(id)}`), el('ul', { class: 'zones' }, ...zones),
    el('div', { class: 'fire' }, `消防 fire: ${fire || 'none reached'}`),
    el('div', { class: 'evacuation' }, `疏散 evacuation: ${Number(ev.placed || 0).toLocaleString()} placed of ${Number(ev.persons || 0).toLocaleString()}`),
    el('div', { class: 'notify' }, `通知 notify: ${(b.notify || []).length} contacts`),
    el('a', { href: `/incidents/${encodeURIComponent(id)}/briefing`, target: '_blank', id: 'incident-briefing' }, '简报 briefing'), ' · ',
    el('a', { href: `/incidents/${encodeURIComponent(id)}/notify.csv`, id: 'incident-notify' }, 'notify.csv'));
}

$('incident-create').addEventListener('click', async () => {
  const token = $('incident-token').value.trim();
  sessionStorage.setItem('onemap.token', token);
  const body = { kind: $('incident-kind').value };
  if (tool.hazard) body.hazard = String(tool.hazard.id);
  else body.location = { type: 'Point', coordinates: [Number(tool.place.lng.toFixed(7)), Number(tool.place.lat.toFixed(7))] };
  $('incident-message').textContent = '…';
  try {
    const r = await fetch('/incidents', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const answer = await r.json();
    if (!r.ok) { $('incident-message').textContent = `${r.status}: ${text(answer.detail) || text(answer.title)}`; return; }
    setTool(false);
    const drawn = drawIncident(answer);
    map.fitBounds(drawn.getBounds(), { maxZoom: 15 });
    showFigures(answer.id, await json(`/incidents/${encodeURIComponent(answer.id)}/briefing?format=json`));
  } catch (e) { $('incident-message').textContent = String(e); }
});

// The live one map: a change anywhere (a grid worker's report, a commander's incident)
// reloads the tiles it touched, redraws the features it changed and says so in a banner.
const liveBanner = L.control({ position: 'topright' });
liveBanner.onAdd = () => { const div = L.DomUtil.create('div', 'live-banner'); div.id = 'live-banner'; div.style.display = 'none'; return div; };
liveBanner.addTo(map);
function redrawShelter(feature) {
  shelters.eachLayer(layer => { if (layer.feature && layer.feature.id === feature.id) shelters.removeLayer(layer); });
  shelters.addData(feature);
}
OneMapLive.connect({
  tileLayers: [riskTiles, riskOnlyTiles],
  banner: document.getElementById('live-banner'),
  onChange: change => {
    if (change.layer === 'hazards' || change.layer === 'edits') loadHazards().catch(() => {});
    if (change.layer === 'shelters' && change.feature && change.operation !== 'attach') redrawShelter(change.feature);
    if (change.layer === 'incidents' || change.layer === 'incident_reports') loadIncidents().catch(() => {});
  },
  onReset: () => { loadHazards().catch(() => {}); loadIncidents().catch(() => {}); },
});
