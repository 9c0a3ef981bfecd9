// The dashboard: figures from /dashboard.json drawn as SVG by this file (no chart library,
// no CDN), the overdue list from /supervision, refreshed when /events says something changed.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const levelColours = { red: '#C62828', orange: '#EF6C00', yellow: '#F9A825', blue: '#1565C0', none: '#CFD8DC' };
const statusColours = { registered: '#EF6C00', rectifying: '#1565C0', closed: '#2E7D32' };

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
const fmt = n => Number(n || 0).toLocaleString();

/// A neat upper bound for an axis.
function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function axis(g, x0, y0, width, height, max) {
  for (let i = 0; i <= 4; i++) {
    const y = y0 + height - (height * i) / 4;
    g.append(svg('line', { x1: x0, x2: x0 + width, y1: y, y2: y, stroke: '#ECEFF1' }));
    g.append(svg('text', { x: x0 - 4, y: y + 4, 'text-anchor': 'end' }, fmt((max * i) / 4)));
  }
}

/// Stacked columns: `rows` [{label, values: {key: n}}], `keys` bottom-up with colours.
function stacked(target, rows, keys, colours) {
  const W = 560, H = 240, L = 56, B = 34, T = 10;
  const width = W - L - 10, height = H - B - T;
  const max = niceMax(Math.max(1, ...rows.map(r => keys.reduce((s, k) => s + (r.values[k] || 0), 0))));
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
  axis(root, L, T, width, height, max);
  const step = width / Math.max(1, rows.length), bar = Math.min(48, step * 0.7);
  rows.forEach((r, i) => {
    let y = T + height;
    const x = L + i * step + (step - bar) / 2;
    for (const k of keys) {
      const h = (height * (r.values[k] || 0)) / max;
      if (h > 0) root.append(svg('rect', { x, y: y - h, width: bar, height: h, fill: colours[k], 'data-key': k, 'data-value': r.values[k] },
        svg('title', null, `${r.label} ${k}: ${fmt(r.values[k])}`)));
      y -= h;
    }
    root.append(svg('text', { x: x + bar / 2, y: T + height + 14, 'text-anchor': 'middle' }, r.label));
  });
  legend(root, keys, colours, L, H - 8);
  target.replaceChildren(root);
}

/// Lines over days: `rows` [{label, values}], one line per key.
function lines(target, rows, keys, colours) {
  const W = 560, H = 240, L = 56, B = 34, T = 10;
  const width = W - L - 10, height = H - B - T;
  const max = niceMax(Math.max(1, ...rows.flatMap(r => keys.map(k => r.values[k] || 0))));
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
  axis(root, L, T, width, height, max);
  const x = i => L + (width * i) / Math.max(1, rows.length - 1);
  const y = v => T + height - (height * v) / max;
  for (const k of keys) {
    const points = rows.map((r, i) => `${x(i).toFixed(1)},${y(r.values[k] || 0).toFixed(1)}`).join(' ');
    root.append(svg('polyline', { points, fill: 'none', stroke: colours[k], 'stroke-width': 2, 'data-key': k }));
  }
  rows.forEach((r, i) => { if (i % 7 === 0 || i === rows.length - 1) root.append(svg('text', { x: x(i), y: T + height + 14, 'text-anchor': 'middle' }, r.label.slice(5))); });
  legend(root, keys, colours, L, H - 8);
  target.replaceChildren(root);
}

/// Horizontal bars: [[label, n]].
function bars(target, entries, colour) {
  const W = 560, rowH = 22, L = 170, T = 6;
  const H = T * 2 + rowH * Math.max(1, entries.length);
  const max = niceMax(Math.max(1, ...entries.map(e => e[1])));
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
  entries.forEach(([label, n], i) => {
    const y = T + i * rowH;
    const w = ((W - L - 60) * n) / max;
    root.append(svg('text', { x: L - 6, y: y + 15, 'text-anchor': 'end' }, label));
    root.append(svg('rect', { x: L, y: y + 3, width: Math.max(0, w), height: rowH - 6, fill: colour, 'data-value': n }));
    root.append(svg('text', { x: L + w + 4, y: y + 15 }, fmt(n)));
  });
  if (!entries.length) root.append(svg('text', { x: 10, y: 20 }, 'none'));
  target.replaceChildren(root);
}

function legend(root, keys, colours, x, y) {
  let at = x;
  for (const k of keys) {
    root.append(svg('rect', { x: at, y: y - 9, width: 10, height: 10, fill: colours[k] }));
    root.append(svg('text', { x: at + 14, y }, k));
    at += 24 + k.length * 7;
  }
}

function number(label, value, alert) {
  return el('div', { class: alert ? 'number alert' : 'number', 'data-figure': label }, el('b', null, value), el('span', null, label));
}

async function load() {
  const d = await (await fetch('/dashboard.json')).json();
  document.getElementById('at').textContent = `as of ${d.at} · map ${d.map}`;
  const s = d.shelters || {};
  document.getElementById('numbers').replaceChildren(
    number('open hazards 未销号', fmt(d.open)),
    number('overdue 超期', fmt(d.overdue), d.overdue > 0),
    number('must be listed, no owner 应挂牌未挂牌', fmt(d.listing_missing), d.listing_missing > 0),
    number('shelter room now 避难场所余量', fmt(s.room)),
    number('shelter capacity (open) 容量', fmt(s.capacity)),
    number('full shelters 已满', fmt(s.full), s.full > 0));
  const colourKeys = ['red', 'orange', 'yellow', 'blue', 'none'];
  stacked(document.getElementById('chart-colours'), d.colours.map(c => ({ label: c.label, values: c })), colourKeys, levelColours);
  lines(document.getElementById('chart-statuses'), d.statuses.map(r => ({ label: r.day, values: r })), ['registered', 'rectifying', 'closed'], statusColours);
  bars(document.getElementById('chart-kinds'), Object.entries(d.open_by_kind || {}).slice(0, 12), '#455A64');
  bars(document.getElementById('chart-ages'), Object.entries(d.open_by_age || {}), '#8D6E63');
  const sup = await (await fetch('/supervision?overdue=true')).json();
  const body = document.querySelector('#overdue tbody');
  body.replaceChildren();
  for (const h of (sup.hazards || []).slice(0, 50)) {
    body.append(el('tr', null, el('td', null, h.id), el('td', null, h.name || ''), el('td', null, h.level || ''), el('td', null, h.grid_code || ''),
      el('td', null, h.subdistrict || ''), el('td', null, (h.due_date || '').slice(0, 10)), el('td', null, String(-(h.days_left || 0))), el('td', null, h.supervision_owner || '')));
  }
  if (!(sup.hazards || []).length) body.append(el('tr', null, el('td', { colspan: '8' }, 'no hazard is overdue')));
  document.documentElement.dataset.loaded = String(Number(document.documentElement.dataset.loaded || 0) + 1);
}

let again = null;
load().catch(e => { document.getElementById('at').textContent = String(e); });
OneMapLive.connect({ banner: document.getElementById('live-banner'), onChange: () => { clearTimeout(again); again = setTimeout(() => load().catch(() => {}), 500); } });
