// The live one map, shared by /map and /field: listens to /events (Server-Sent Events)
// and, for every change, reloads just the tiles the change touched, hands the change to
// the page (to redraw features) and says what changed in a banner. No page reload.
//
// EventSource reconnects by itself and sends the last change number it saw
// (Last-Event-ID), so the server replays what was missed while the connection was down.
'use strict';

window.OneMapLive = (function () {
  let stamp = 0;

  /// Adds the change stamp to a tile URL template, so tiles loaded from now on are fresh.
  function stamped(template) {
    const bare = template.replace(/([?&])v=[^&]*&?/, "$1").replace(/[?&]$/, '');
    return bare + (bare.includes('?') ? '&' : '?') + 'v=' + stamp;
  }

  /// Reloads the loaded tiles of `layer` that lie in the change's tile ranges.
  function refreshTiles(layer, tiles) {
    if (!layer._url) return 0;
    layer.setUrl(stamped(layer._url), true);
    if (!tiles || !layer._map || !layer._tiles) return 0;
    const ranges = {};
    for (const r of tiles.ranges || []) ranges[r.z] = r;
    let reloaded = 0;
    for (const key of Object.keys(layer._tiles)) {
      const tile = layer._tiles[key];
      const c = tile.coords, r = ranges[c.z];
      if (!r || c.x < r.x[0] || c.x > r.x[1] || c.y < r.y[0] || c.y > r.y[1]) continue;
      tile.el.src = layer.getTileUrl(c);
      reloaded += 1;
    }
    return reloaded;
  }

  function describe(change) {
    const p = (change.feature && change.feature.properties) || {};
    const name = p.name || p.title || change.id;
    const what = { create: '新增 new', update: '更新 changed', delete: '删除 removed', attach: '照片 photo added to' }[change.operation] || change.operation;
    const recoloured = (change.areas || []).length;
    return `${what} ${change.layer} ${name}` + (p.status ? ` (${p.status})` : '') +
      (recoloured ? ` · ${recoloured} area${recoloured > 1 ? 's' : ''} recoloured` : '');
  }

  /// Connects; `options`: tileLayers (Leaflet tile layers), onChange(change), onReset(),
  /// banner (an element to write into). Returns the EventSource.
  function connect(options) {
    const layers = options.tileLayers || [];
    const banner = options.banner;
    let hide = null;
    function say(text) {
      if (!banner) return;
      banner.textContent = text;
      banner.style.display = '';
      clearTimeout(hide);
      hide = setTimeout(() => { banner.style.display = 'none'; }, 8000);
    }
    const source = new EventSource('/events');
    source.addEventListener('hello', ev => {
      const hello = JSON.parse(ev.data);
      if (!stamp) stamp = hello.change;
      document.documentElement.dataset.liveChange = String(stamp);
    });
    source.addEventListener('change', ev => {
      const change = JSON.parse(ev.data);
      stamp = Math.max(stamp, change.change);
      let reloaded = 0;
      for (const layer of layers) reloaded += refreshTiles(layer, change.tiles);
      document.documentElement.dataset.liveChange = String(stamp);
      document.documentElement.dataset.liveTilesReloaded = String(Number(document.documentElement.dataset.liveTilesReloaded || 0) + reloaded);
      say(describe(change));
      if (options.onChange) options.onChange(change);
    });
    source.addEventListener('edits', ev => {
      const edits = JSON.parse(ev.data);
      stamp += 0.001;  // not numbered: a new stamp still, so tiles are fetched again
      stamp = Math.round(stamp * 1000) / 1000;
      for (const layer of layers) refreshTiles(layer, edits.tiles);
      say(`${(edits.features || []).length} feature(s) changed elsewhere`);
      if (options.onChange) options.onChange({ layer: 'edits', features: edits.features || [] });
    });
    source.addEventListener('reset', () => {
      for (const layer of layers) { layer.setUrl(stamped(layer._url), false); }
      say('much changed while offline: map reloaded');
      if (options.onReset) options.onReset();
    });
    source.onerror = () => { if (banner) document.documentElement.dataset.liveState = 'reconnecting'; };
    source.onopen = () => { document.documentElement.dataset.liveState = 'open'; };
    return source;
  }

  return { connect, describe };
})();
