// The grid worker's page (网格巡查): sign in with a token, see the grid and its colour,
// find hazards near you, register one (with photos) and move it through its lifecycle.
//
// Offline first: every report and step goes into a queue on the device (IndexedDB) with a
// client-made id, sent as the Idempotency-Key, and is sent when the connection allows —
// so a report sent twice (the answer was lost) is stored once. A step the server refuses
// on sync (the hazard changed meanwhile: 412; out of the grid: 403; …) stays in the list
// as refused, in words, until the worker dismisses it: nothing is dropped silently.
//
// Data from the server goes on the page as text, never as HTML.
'use strict';

const $ = id => document.getElementById(id);
const colours = { 1: '#C62828', 2: '#EF6C00', 3: '#F9A825', 4: '#1565C0' };
const levelNames = { 1: '重大 red', 2: '较大 orange', 3: '一般 yellow', 4: '低 blue' };
const kinds = [
  ['gas_station', '加油站 gas station'], ['hazardous_chemical', '危化品 hazardous chemicals'], ['pipeline', '管线 pipeline'],
  ['construction_site', '工地 construction site'], ['crowded_place', '人员密集场所 crowded place'], ['waterlogging', '内涝点 waterlogging'],
  ['geological', '地质灾害 geological'], ['forest_fire', '森林火险 forest fire'], ['mine', '矿山 mine'], ['tailings_pond', '尾矿库 tailings pond'],
  ['fire', '消防隐患 fire safety'], ['other', '其他 other'],
];


/// A random id (RFC 4122 v4) that works without a secure context (plain http on an intranet).
function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map(x => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// MARK: the queue on the device

const db = new Promise((resolve, reject) => {
  const open = indexedDB.open('onemap-field', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('queue', { keyPath: 'key' });
  open.onsuccess = () => resolve(open.result);
  open.onerror = () => reject(open.error);
});

async function store(mode, work) {
  const d = await db;
  return new Promise((resolve, reject) => {
    const tx = d.transaction('queue', mode);
    const result = work(tx.objectStore('queue'));
    tx.oncomplete = () => resolve(result && 'result' in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
  });
}
const queuePut = item => store('readwrite', s => s.put(item));
const queueDelete = key => store('readwrite', s => s.delete(key));
const queueAll = () => store('readonly', s => s.getAll());

// MARK: signing in

let token = localStorage.getItem('onemap.field.token') || '';
let me = null;

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {}, token ? { Authorization: `Bearer ${token}` } : {});
  return fetch(path, Object.assign({}, options, { headers }));
}

async function problem(r) {
  try { const p = await r.json(); return text(p.detail) || text(p.title) || `HTTP ${r.status}`; } catch (e) { return `HTTP ${r.status}`; }
}

async function signIn(given) {
  token = given;
  $('signin-message').textContent = '…';
  let r;
  try { r = await api('/me'); } catch (e) {
    if (me) return;  // offline with a stored sign-in: keep working
    $('signin-message').textContent = 'no connection: sign in once online'; return;
  }
  if (!r.ok) {
    $('signin-message').textContent = r.status === 401 ? 'this token is not known (or was revoked)' : await problem(r);
    token = ''; localStorage.removeItem('onemap.field.token'); return;
  }
  me = await r.json();
  localStorage.setItem('onemap.field.token', token);
  localStorage.setItem('onemap.field.me', JSON.stringify(me));
  showWork();
}

function signOut() {
  token = ''; me = null;
  localStorage.removeItem('onemap.field.token');
  localStorage.removeItem('onemap.field.me');
  $('work').hidden = true; $('signin').hidden = false; $('token').value = '';
}

// MARK: the map

let fmap = null, gridLayer = null, hazardLayer = null, placeMarker = null, tiles = null;
let place = null;       // {lat, lng}: where a report goes
let picking = false;

function showWork() {
  $('signin').hidden = true; $('work').hidden = false;
  const who = `${text(me.name)} · ${text(me.role)}` + (me.grid_code ? ` · 网格 grid ${text(me.grid_code)}` : '');
  $('who').textContent = who;
  const info = $('grid-info');
  info.replaceChildren();
  if (!fmap) {
    fmap = L.map('fmap', { zoomControl: true });
    tiles = L.tileLayer('/tiles/{z}/{x}/{y}.png', { maxZoom: 20, attribution: 'OneMap' }).addTo(fmap);
    hazardLayer = L.geoJSON(null, {
      pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 7, color: '#fff', weight: 2, fillColor: colours[f.properties.level] || '#555', fillOpacity: 1 }),
      onEachFeature: (f, layer) => layer.on('click', () => showDetail(f.id)),
    }).addTo(fmap);
    fmap.on('click', ev => { if (picking) { setPlace(ev.latlng, 'tapped point'); picking = false; $('pick').disabled = false; } });
    OneMapLive.connect({ tileLayers: [tiles], banner: $('live-banner'), onChange: change => {
      if (change.layer === 'hazards' && place) findNear().catch(() => {});
      if (change.layer === 'hazards' && detailID && change.id === detailID) showDetail(detailID).catch(() => {});
    } });
  }
  if (gridLayer) gridLayer.remove();
  if (me.grid) {
    const p = me.grid.properties || {};
    const colour = text(p.risk_colour) || '#607D8B';
    gridLayer = L.geoJSON(me.grid, { style: { color: colour, weight: 3, fillColor: colour, fillOpacity: 0.12 } }).addTo(fmap);
    fmap.fitBounds(gridLayer.getBounds());
    info.append(el('span', { class: 'grid-swatch', style: { background: colour } }),
      `${text(p.name) || text(me.grid_code)} · ${text(p.risk_level) || 'no open hazard'}`);
    const reasons = Array.isArray(p.reasons) ? p.reasons : [];
    if (reasons.length) {
      const list = el('ul', { id: 'grid-reasons' });
      for (const r of reasons.slice(0, 8)) {
        list.append(el('li', null, `${text(r.name) || text(r.source)} · ${text(r.level)}` + (r.distance_m > 0 ? ` · ${Math.round(r.distance_m)} m away` : ' · inside')));
      }
      if (reasons.length > 8) list.append(el('li', null, `… and ${reasons.length - 8} more`));
      info.append(list);
    }
  } else {
    fetch('/tiles.json').then(r => r.json()).then(t => { const [w, s, e, n] = t.bounds; fmap.fitBounds([[s, w], [n, e]]); }).catch(() => fmap.setView([39.6, 109.8], 12));
  }
  refreshQueue();
}

function setPlace(latlng, how) {
  place = { lat: latlng.lat, lng: latlng.lng };
  if (placeMarker) placeMarker.remove();
  placeMarker = L.marker(latlng).addTo(fmap);
  $('where').textContent = `${how}: ${place.lat.toFixed(6)}, ${place.lng.toFixed(6)}`;
}

function locate() {
  if (!navigator.geolocation) { $('where').textContent = 'this browser gives no position: tap a point'; return; }
  $('where').textContent = 'locating…';
  navigator.geolocation.getCurrentPosition(
    pos => { setPlace(L.latLng(pos.coords.latitude, pos.coords.longitude), `my position (±${Math.round(pos.coords.accuracy)} m)`); fmap.setView([pos.coords.latitude, pos.coords.longitude], 16); findNear().catch(() => {}); },
    err => { $('where').textContent = `no position (${err.message}): tap a point`; },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
}

function metres(a, b) {
  const r = 6371008.8, rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad, dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(h));
}

/// Hazards within the radius, open ones first, then nearest.
async function findNear() {
  if (!place) { $('where').textContent = 'first your position or a tapped point'; return; }
  const radius = Number($('radius').value);
  const r = await fetch(`/query/within?layer=hazards&status=any&lon=${place.lng.toFixed(7)}&lat=${place.lat.toFixed(7)}&radius=${radius}&limit=200`);
  const list = $('near-list');
  if (!r.ok) { list.replaceChildren(el('li', { class: 'refused' }, await problem(r))); return; }
  const answer = await r.json();
  const rows = (answer.features || []).map(f => {
    const c = f.geometry && f.geometry.type === 'Point' ? f.geometry.coordinates : null;
    return { f, d: c ? metres(place, { lat: c[1], lng: c[0] }) : 0 };
  });
  rows.sort((a, b) => ((a.f.properties.status === 'closed') - (b.f.properties.status === 'closed')) || a.d - b.d);
  hazardLayer.clearLayers();
  hazardLayer.addData({ type: 'FeatureCollection', features: rows.map(r => r.f) });
  list.replaceChildren();
  if (!rows.length) list.append(el('li', null, `no hazards within ${radius} m`));
  for (const { f, d } of rows) {
    const p = f.properties || {};
    const item = el('li', { class: p.status === 'closed' ? 'closed' : '', 'data-id': text(f.id) },
      el('span', { class: 'badge', style: { background: colours[p.level] || '#9E9E9E' } }),
      `${text(p.name) || text(f.id)} · ${Math.round(d)} m · ${text(p.status)}`);
    item.addEventListener('click', () => showDetail(f.id));
    list.append(item);
  }
}

// MARK: one hazard

let detailID = null, detailVersion = null;

async function showDetail(id) {
  detailID = id;
  $('detail').hidden = false;
  $('detail-message').textContent = '';
  $('detail-message').className = 'message';
  let r;
  try { r = await fetch(`/collections/hazards/items/${encodeURIComponent(id)}`); } catch (e) { $('detail-message').textContent = 'offline: showing nothing new'; return; }
  if (!r.ok) { $('detail-message').textContent = await problem(r); return; }
  detailVersion = (r.headers.get('ETag') || '').replace(/"/g, '');
  const f = await r.json();
  const p = f.properties || {};
  $('detail-title').textContent = text(p.name) || text(f.id);
  $('detail-body').replaceChildren(el('div', null, `${text(p.kind)} · ${levelNames[p.level] || 'level not assessed'} · ${text(p.status)}`),
    el('div', { class: 'hint' }, `reported ${text(p.reported_at)} by ${text(p.reported_by)}` + (p.due_date ? ` · due ${text(p.due_date)}` : '')));
  $('step-rectifying').disabled = p.status !== 'registered';
  $('step-closed').disabled = p.status !== 'rectifying';
  const media = $('detail-media');
  media.replaceChildren();
  try {
    const m = await (await fetch(`/collections/hazards/items/${encodeURIComponent(id)}/media`)).json();
    for (const photo of m.photos || []) media.append(el('img', { src: text(photo.href).replace(/^https?:\/\/[^/]+/, ''), alt: `photo ${text(photo.position)}` }));
  } catch (e) { /* offline */ }
}

async function queueStep(status) {
  if (!detailID) return;
  const patch = { status };
  if (status === 'closed') {
    const note = $('close-note').value.trim();
    if (!note) { $('detail-message').textContent = 'say how it was rectified before closing it'; return; }
    patch.rectification_note = note;
  }
  await queuePut({ key: newKey(), kind: 'step', id: detailID, ifMatch: detailVersion, patch, created: new Date().toISOString(), state: 'pending',
                   label: `${status} ${detailID}` });
  $('close-note').value = '';
  $('detail-message').className = 'message ok';
  $('detail-message').textContent = navigator.onLine ? 'sending…' : 'saved on this phone; sent when online';
  sync();
}

async function queuePhotos(id, files) {
  if (!files.length) return;
  await queuePut({ key: newKey(), kind: 'photos', id, photos: [...files], created: new Date().toISOString(), state: 'pending', label: `${files.length} photo(s) for ${id}` });
  sync();
}

// MARK: registering

async function register() {
  const msg = $('h-message');
  msg.className = 'message';
  if (!place) { msg.textContent = 'first your position or a tapped point'; return; }
  const name = $('h-name').value.trim();
  if (!name) { msg.textContent = 'give the hazard a name'; return; }
  const properties = { name, kind: $('h-kind').value };
  if ($('h-level').value) properties.level = Number($('h-level').value);
  const description = $('h-description').value.trim();
  if (description) properties.description = description;
  const feature = { type: 'Feature', geometry: { type: 'Point', coordinates: [Number(place.lng.toFixed(7)), Number(place.lat.toFixed(7))] }, properties };
  await queuePut({ key: newKey(), kind: 'register', feature, photos: [...$('h-photos').files], created: new Date().toISOString(), state: 'pending', label: `register ${name}` });
  $('h-name').value = ''; $('h-description').value = ''; $('h-photos').value = '';
  msg.className = 'message ok';
  msg.textContent = navigator.onLine ? 'sending…' : 'saved on this phone; sent when online';
  sync();
}

// MARK: sending

let syncing = false;

/// Sends what waits, oldest first. A network failure stops the round (tried again when
/// online or in 10 s); a refusal marks the item refused with the server's words.
async function sync() {
  if (syncing || !token) return;
  syncing = true;
  try {
    const items = (await queueAll()).filter(i => i.state === 'pending').sort((a, b) => a.created.localeCompare(b.created));
    for (const item of items) {
      let outcome;
      try { outcome = await send(item); } catch (e) { break; }  // no connection: keep it
      if (outcome.ok) {
        await queueDelete(item.key);
        if (item.kind === 'register' && outcome.id) { $('h-message').className = 'message ok'; $('h-message').textContent = `registered ${outcome.id}`; }
        if (item.kind === 'step' && item.id === detailID) showDetail(detailID).catch(() => {});
      } else if (outcome.retry) {
        break;
      } else {
        item.state = 'refused';
        item.message = outcome.message;
        await queuePut(item);
      }
    }
  } finally {
    syncing = false;
    refreshQueue();
  }
}

async function sendPhotos(id, photos, key) {
  for (let i = 0; i < photos.length; i++) {
    const r = await api(`/collections/hazards/items/${encodeURIComponent(id)}/media`, {
      method: 'POST', headers: { 'Content-Type': photos[i].type || 'image/jpeg', 'Idempotency-Key': `${key}-photo-${i}` }, body: photos[i] });
    if (!r.ok) return { ok: false, retry: r.status >= 500 || r.status === 429, message: `photo ${i + 1}: ${await problem(r)}` };
  }
  return { ok: true };
}

async function send(item) {
  if (item.kind === 'register') {
    const r = await api('/collections/hazards/items', { method: 'POST', headers: { 'Content-Type': 'application/geo+json', 'Idempotency-Key': item.key }, body: JSON.stringify(item.feature) });
    if (!r.ok) return { ok: false, retry: r.status >= 500 || r.status === 429, message: await problem(r) };
    const created = await r.json();
    const photos = await sendPhotos(created.id, item.photos || [], item.key);
    return photos.ok ? { ok: true, id: created.id } : photos;
  }
  if (item.kind === 'step') {
    const headers = { 'Content-Type': 'application/merge-patch+json', 'Idempotency-Key': item.key };
    if (item.ifMatch) headers['If-Match'] = `"${item.ifMatch}"`;
    const r = await api(`/collections/hazards/items/${encodeURIComponent(item.id)}`, { method: 'PATCH', headers, body: JSON.stringify(item.patch) });
    if (r.ok) return { ok: true };
    let message = await problem(r);
    if (r.status === 412) message = `the hazard changed on the server after you saw it (now version ${(r.headers.get('ETag') || '').replace(/"/g, '')}); open it again and redo the step. ${message}`;
    return { ok: false, retry: r.status >= 500 || r.status === 429, message };
  }
  if (item.kind === 'photos') return sendPhotos(item.id, item.photos || [], item.key);
  return { ok: false, retry: false, message: 'unknown item' };
}

async function refreshQueue() {
  const items = await queueAll();
  const pending = items.filter(i => i.state === 'pending').length;
  const badge = $('pending');
  badge.textContent = `${pending} 待发送 pending`;
  badge.dataset.count = String(pending);
  badge.className = pending ? 'pending some' : 'pending';
  const list = $('queue-list');
  list.replaceChildren();
  for (const item of items.sort((a, b) => a.created.localeCompare(b.created))) {
    const li = el('li', { class: item.state, 'data-key': item.key }, `${item.state === 'refused' ? '被拒 refused' : '待发送 waiting'}: ${text(item.label)}`);
    if (item.state === 'refused') {
      li.append(el('div', { class: 'message refusal' }, text(item.message)));
      const dismiss = el('button', { type: 'button', class: 'small' }, '知道了 dismiss');
      dismiss.addEventListener('click', async () => { await queueDelete(item.key); refreshQueue(); });
      li.append(dismiss);
    }
    list.append(li);
  }
  if (!items.length) list.append(el('li', null, 'nothing waiting'));
}

function showNet() {
  const net = $('net');
  net.textContent = navigator.onLine ? '在线 online' : '离线 offline';
  net.className = navigator.onLine ? 'net' : 'net offline';
}

// MARK: wiring

const kindSelect = $('h-kind');
for (const [value, label] of kinds) kindSelect.append(el('option', { value }, label));
$('signin-go').addEventListener('click', () => signIn($('token').value.trim()));
$('signout').addEventListener('click', signOut);
$('locate').addEventListener('click', locate);
$('pick').addEventListener('click', () => { picking = true; $('pick').disabled = true; $('where').textContent = 'tap the map'; });
$('near').addEventListener('click', () => findNear().catch(e => { $('near-list').replaceChildren(el('li', { class: 'refused' }, `offline? ${e}`)); }));
$('h-register').addEventListener('click', () => register().catch(e => { $('h-message').textContent = String(e); }));
$('step-rectifying').addEventListener('click', () => queueStep('rectifying'));
$('step-closed').addEventListener('click', () => queueStep('closed'));
$('detail-photo-send').addEventListener('click', async () => { await queuePhotos(detailID, $('detail-photos').files); $('detail-photos').value = ''; });
window.addEventListener('online', () => { showNet(); sync(); });
window.addEventListener('offline', showNet);
setInterval(() => { if (navigator.onLine) sync(); }, 10000);
showNet();

if (token) {
  const stored = localStorage.getItem('onemap.field.me');
  if (stored) { try { me = JSON.parse(stored); showWork(); } catch (e) { /* ask again */ } }
  signIn(token).then(sync);
}
