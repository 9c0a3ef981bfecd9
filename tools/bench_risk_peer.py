#!/usr/bin/env python3
"""The peer of OneMap's risk build, on the same GeoPackage: Shapely 2 and pyproj, the way
a GIS analyst would do it in Python.

Hazards and grid cells are projected to the UTM zone of the data's centre (a local
projected CRS: zone 50N, EPSG:32650, for Chifeng), each open hazard is buffered by its impact distance in metres,
an STRtree of the cells answers which buffers meet which cells, and every cell takes the
most severe level among them. The result is compared cell by cell with the latest risk
map version OneMap stored in the same file (run `onemap risk build` first).

Usage: bench_risk_peer.py DATA.gpkg
"""
import sqlite3
import sys
import time

import numpy as np
import shapely
from pyproj import Transformer


def wkb_of(blob):
    """The WKB inside a GeoPackage geometry blob (skip the header and its envelope)."""
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 0x07]
    return blob[8 + envelope:]


def main(path):
    db = sqlite3.connect(path)
    started = time.perf_counter()
    grids = db.execute("SELECT id, geom FROM grids ORDER BY id").fetchall()
    hazards = db.execute("SELECT id, geom, level, status, impact_distance_m FROM hazards").fetchall()
    grid_ids = [g[0] for g in grids]
    grid_geoms = shapely.from_wkb([wkb_of(g[1]) for g in grids])
    open_rows = [h for h in hazards if h[3] != "closed" and h[2] is not None]
    hazard_geoms = shapely.from_wkb([wkb_of(h[1]) for h in open_rows])
    levels = np.array([h[2] for h in open_rows], dtype=np.int64)
    impacts = np.array([h[4] or 0.0 for h in open_rows], dtype=np.float64)
    read = time.perf_counter() - started

    started = time.perf_counter()
    centre = shapely.centroid(shapely.union_all(shapely.envelope(grid_geoms)))
    zone = int((centre.x + 180) // 6) + 1
    to_utm = Transformer.from_crs("EPSG:4326", f"EPSG:{32600 + zone}", always_xy=True)
    project = lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1]))
    grids_m = shapely.transform(grid_geoms, project)
    hazards_m = shapely.transform(hazard_geoms, project)
    projected = time.perf_counter() - started

    started = time.perf_counter()
    reach = np.where(impacts > 0, shapely.buffer(hazards_m, impacts, quad_segs=8), hazards_m)
    buffered = time.perf_counter() - started

    started = time.perf_counter()
    tree = shapely.STRtree(grids_m)
    source_index, grid_index = tree.query(reach, predicate="intersects")
    best = np.full(len(grids), 99, dtype=np.int64)
    np.minimum.at(best, grid_index, levels[source_index])
    joined = time.perf_counter() - started
    total = projected + buffered + joined

    print(f"peer (Shapely {shapely.__version__}, pyproj, UTM zone {zone}N): {len(open_rows)} open hazards × {len(grids)} grids")
    print(f"  read {read:.2f} s; project {projected:.2f} s, buffer {buffered:.2f} s, STRtree join + most severe {joined:.2f} s: "
          f"build {total:.2f} s without reading")
    counts = {lvl: int((best == lvl).sum()) for lvl in (1, 2, 3, 4)}
    print(f"  cells per level: {counts[1]} red, {counts[2]} orange, {counts[3]} yellow, {counts[4]} blue, {int((best == 99).sum())} none")

    version = db.execute("SELECT max(version) FROM risk_versions").fetchone()[0] if db.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'risk_versions'").fetchone()[0] else None
    if version is None:
        print("  (no OneMap version in the file to compare with)")
        return
    rows = db.execute("SELECT area_id, coalesce(risk_level, 99), source_count FROM risk_areas WHERE version = ?", (version,)).fetchall()
    onemap = {gid: lvl for gid, lvl, _ in rows}
    differ = [gid for gid, lvl in zip(grid_ids, best) if onemap.get(gid) != int(lvl)]
    print(f"  agreement with OneMap version {version}: {len(grids) - len(differ)} of {len(grids)} cells have the same level"
          + (f"; differing: {differ[:10]}" if differ else ""))
    # A stronger check than the level: how many open hazards reach each cell. The peer's
    # buffers are planar polygons in UTM (scale error and 8 segments a quadrant), so
    # hazards within centimetres of the reach may count on one side only.
    reaching = np.bincount(grid_index, minlength=len(grids))
    counts = {gid: n for gid, _, n in rows}
    same = sum(1 for gid, n in zip(grid_ids, reaching) if counts.get(gid) == int(n))
    print(f"  hazards reaching each cell: same count in {same} of {len(grids)} cells; "
          f"{int(reaching.sum())} hazard–cell pairs (peer) vs {sum(counts.values())} (OneMap)")


if __name__ == "__main__":
    main(sys.argv[1])
