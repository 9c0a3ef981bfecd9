/// The web map at `/map`: Leaflet (served from Debian's libjs-leaflet, no CDN), the
/// one-map tiles, hazards and shelters as toggleable layers, the legend, and a click that
/// lists the nearest shelters and the hazards within 500 m.
enum WebMapPage {
    static let html = #"""
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OneMap 一张图 · four-colour risk map</title>
<link rel="stylesheet" href="/static/leaflet/leaflet.css">
<style>
  html, body, #map { height: 100%; margin: 0; font-family: "Noto Sans CJK SC", sans-serif; }
  #map { background: #f4f3ef; }
  .legend { background: rgba(255,255,255,.95); padding: 8px 10px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3); font-size: 13px; line-height: 20px; }
  .legend i { display: inline-block; width: 18px; height: 12px; margin-right: 6px; border: 1px solid #666; vertical-align: middle; opacity: .7; }
  .answer { font-size: 13px; max-height: 260px; overflow-y: auto; }
  .answer h4 { margin: 6px 0 2px; }
  .answer ol { margin: 0; padding-left: 18px; }
</style>
</head>
<body>
<div id="map"></div>
<script src="/static/leaflet/leaflet.js"></script>
<script>
const map = L.map('map', { zoomControl: true });
const colours = { 1: '#C62828', 2: '#EF6C00', 3: '#F9A825', 4: '#1565C0' };
const riskTiles = L.tileLayer('/tiles/{z}/{x}/{y}{r}.png', { maxZoom: 20, detectRetina: false, attribution: 'OneMap 四色安全风险分布图' }).addTo(map);
const boundary = L.geoJSON(null, { style: { color: '#37474F', weight: 2, fill: false } }).addTo(map);
const hazards = L.geoJSON(null, {
  pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 5, color: '#fff', weight: 1, fillColor: colours[f.properties.level] || '#555', fillOpacity: 1 }),
  style: f => ({ color: colours[f.properties.level] || '#555', weight: 3 }),
  onEachFeature: (f, layer) => layer.bindPopup(`<b>${f.properties.name || f.id}</b><br>${f.properties.kind || ''} · level ${f.properties.level || '?'} · ${f.properties.status || ''}`)
});
const shelters = L.geoJSON(null, {
  pointToLayer: (f, ll) => L.marker(ll, { icon: L.divIcon({ className: '', html: '<div style="width:12px;height:12px;background:#2E7D32;border:2px solid #fff"></div>' }) }),
  style: { color: '#2E7D32', weight: 2 },
  onEachFeature: (f, layer) => layer.bindPopup(`<b>${f.properties.name || f.id}</b><br>class ${f.properties.shelter_class || '?'} · capacity ${f.properties.capacity ?? '?'} · ${f.properties.status || ''}`)
}).addTo(map);
L.control.layers(null, { '四色风险图 risk map': riskTiles, '隐患 hazards (zoom ≥ 13)': hazards, '避难场所 shelters': shelters, '边界 boundary': boundary }, { collapsed: false }).addTo(map);

async function json(url) { const r = await fetch(url); if (!r.ok) throw new Error(`${url}: ${r.status}`); return r.json(); }

json('/tiles.json').then(t => {
  const [w, s, e, n] = t.bounds;
  map.fitBounds([[s, w], [n, e]]);
}).catch(() => map.setView([0, 0], 2));
json('/collections/admin_units/items?level=district&limit=10').then(d => boundary.addData(d)).catch(() => {});
json('/collections/shelters/items?limit=10000').then(d => shelters.addData(d)).catch(() => {});

async function loadHazards() {
  if (!map.hasLayer(hazards)) return;
  hazards.clearLayers();
  if (map.getZoom() < 13) return;
  const b = map.getBounds();
  const box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(v => v.toFixed(6)).join(',');
  hazards.addData(await json(`/collections/hazards/items?bbox=${box}&limit=2000`));
}
map.on('moveend overlayadd', loadHazards);

const legend = L.control({ position: 'bottomright' });
legend.onAdd = () => { const div = L.DomUtil.create('div', 'legend'); div.id = 'legend'; div.textContent = 'legend…'; return div; };
legend.addTo(map);
json('/riskmap/legend').then(l => {
  document.getElementById('legend').innerHTML = `<b>四色安全风险分布图</b><br>` + l.levels.map(e =>
    `<i style="background:${e.colour_hex || '#fff'}"></i>${e.level_name ? e.level_name + ' ' + e.colour : '无 none'} · ${e.areas} ${l.unit} · ${e.residents.toLocaleString()} residents`).join('<br>');
});

map.on('click', async ev => {
  const { lat, lng } = ev.latlng;
  const q = `lon=${lng.toFixed(6)}&lat=${lat.toFixed(6)}`;
  const popup = L.popup().setLatLng(ev.latlng).setContent('…').openOn(map);
  try {
    const [near, within] = await Promise.all([json(`/query/nearest-shelter?${q}&k=3`), json(`/query/within?layer=hazards&${q}&radius=500&limit=50`)]);
    const m = d => d >= 1000 ? (d / 1000).toFixed(2) + ' km' : Math.round(d) + ' m';
    popup.setContent(`<div class="answer"><h4>最近避难场所 nearest shelters</h4><ol>` +
      near.features.map(f => `<li>${f.properties.name || f.id} · ${m(f.properties.distance_m)} · room ${f.properties.room_persons ?? '?'}</li>`).join('') +
      `</ol><h4>500 m 内隐患 hazards within 500 m: ${within.numberReturned}</h4><ol>` +
      within.features.map(f => `<li style="color:${colours[f.properties.level] || '#333'}">${f.properties.name || f.id} · ${m(f.properties.distance_m)}</li>`).join('') +
      `</ol></div>`);
  } catch (e) { popup.setContent(String(e)); }
});
</script>
</body>
</html>
"""#
}
