#!/usr/bin/env python3
"""Peers for OneMap's spatial-core benchmarks: the same GeoPackage, the same 10,000 query
points (data/generated/query-points.csv, written by the Swift benchmark), answered with
Shapely 2 STRtree, SciPy cKDTree and NumPy brute force, single-threaded.

Prints per-query throughput and p99 latency for a per-query loop (comparable with the
Swift benchmark, which times one query per iteration) and, where the library has one, the
throughput of its vectorised bulk call over all points (no per-query latency there).

Semantics differ where the libraries cannot do what OneMap does, and the table says so:
cKDTree ranks by 3-D chord (ECEF), not geodesic distance; polygon shelters are reduced to
their centroids for cKDTree; Shapely's bbox test is planar on lon/lat, like OneMap's.
"""
import csv
import math
import sqlite3
import struct
import sys
import time

import numpy as np
import shapely
from scipy.spatial import cKDTree

A = 6378137.0
F = 1 / 298.257223563
E2 = F * (2 - F)


def gpkg_wkb(blob):
    """The WKB inside a GeoPackage geometry blob (header, optional envelope)."""
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 7]
    return bytes(blob[8 + envelope:])


def ecef(lon, lat):
    lam, phi = np.radians(lon), np.radians(lat)
    n = A / np.sqrt(1 - E2 * np.sin(phi) ** 2)
    return np.column_stack((n * np.cos(phi) * np.cos(lam), n * np.cos(phi) * np.sin(lam), n * (1 - E2) * np.sin(phi)))


def haversine(lon1, lat1, lon2, lat2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(h))


def timed_loop(name, queries, run, note=""):
    latencies = []
    started = time.perf_counter()
    for q in queries:
        t0 = time.perf_counter_ns()
        run(q)
        latencies.append(time.perf_counter_ns() - t0)
    elapsed = time.perf_counter() - started
    p99 = np.percentile(latencies, 99) / 1000
    print(f"| {name} | loop | {len(queries) / elapsed:,.0f} | {p99:,.1f} | {note} |")


def timed_bulk(name, count, run, note=""):
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    print(f"| {name} | bulk | {count / elapsed:,.0f} | – | {note} |")


def main(gpkg, points_csv):
    db = sqlite3.connect(gpkg)
    t0 = time.perf_counter()
    hazards = shapely.from_wkb([gpkg_wkb(b) for (b,) in db.execute("SELECT geom FROM hazards ORDER BY fid")])
    shelters = shapely.from_wkb([gpkg_wkb(b) for (b,) in db.execute("SELECT geom FROM shelters ORDER BY fid")])
    grid_rows = sorted(db.execute("SELECT code, geom FROM grids"))
    grids = shapely.from_wkb([gpkg_wkb(b) for _, b in grid_rows])
    print(f"loaded {len(hazards)} hazards, {len(shelters)} shelters, {len(grids)} grids in {time.perf_counter() - t0:.1f} s",
          file=sys.stderr)
    with open(points_csv) as f:
        points = np.array([(float(r["lon"]), float(r["lat"])) for r in csv.DictReader(f)])
    n = len(points)

    print(f"Shapely {shapely.__version__}, SciPy {__import__('scipy').__version__}, NumPy {np.__version__}, "
          f"Python {sys.version.split()[0]}; {n} query points\n")
    print("| query | mode | queries/s | p99 µs | note |")
    print("|---|---|---:|---:|---|")

    # Index builds.
    hazard_xy = shapely.get_coordinates(shapely.centroid(hazards))
    t = time.perf_counter(); tree = shapely.STRtree(hazards); build_str = time.perf_counter() - t
    t = time.perf_counter(); kd_hazards = cKDTree(ecef(hazard_xy[:, 0], hazard_xy[:, 1])); build_kd = time.perf_counter() - t
    print(f"| build over 1M hazards: STRtree | – | {build_str * 1000:,.0f} ms | – | |")
    print(f"| build over 1M hazards: cKDTree (ECEF) | – | {build_kd * 1000:,.0f} ms | – | centroids |")

    shelter_xy = shapely.get_coordinates(shapely.centroid(shelters))
    kd_shelters = cKDTree(ecef(shelter_xy[:, 0], shelter_xy[:, 1]))
    q_ecef = ecef(points[:, 0], points[:, 1])

    timed_loop("nearest shelters k=5: cKDTree", q_ecef, lambda q: kd_shelters.query(q, k=5), "chord order, centroids")
    timed_bulk("nearest shelters k=5: cKDTree", n, lambda: kd_shelters.query(q_ecef, k=5), "chord order, centroids")
    timed_bulk("nearest shelters k=5: cKDTree, workers=-1 (every core)", n, lambda: kd_shelters.query(q_ecef, k=5, workers=-1), "chord order, centroids")
    timed_loop("nearest shelters k=5: NumPy brute force", points[:2000],
               lambda q: np.argpartition(haversine(q[0], q[1], shelter_xy[:, 0], shelter_xy[:, 1]), 5)[:5],
               "haversine, centroids")
    shelter_tree = shapely.STRtree(shelters)
    point_geoms = shapely.points(points)
    timed_bulk("nearest shelter k=1: STRtree.query_nearest", n, lambda: shelter_tree.query_nearest(point_geoms),
               "planar degrees, k=1 only")

    timed_loop("radius 1 km: cKDTree.query_ball_point", q_ecef, lambda q: kd_hazards.query_ball_point(q, 1000.0),
               "chord ≤ 1 km, centroids")
    timed_bulk("radius 1 km: cKDTree.query_ball_point, workers=-1 (every core)", n, lambda: kd_hazards.query_ball_point(q_ecef, 1000.0, workers=-1),
               "chord ≤ 1 km, centroids, unsorted, no distances")
    timed_bulk("radius 1 km: cKDTree.query_ball_point", n, lambda: kd_hazards.query_ball_point(q_ecef, 1000.0),
               "chord ≤ 1 km, centroids")
    timed_loop("radius 1 km: NumPy brute force", points[:200],
               lambda q: np.flatnonzero(haversine(q[0], q[1], hazard_xy[:, 0], hazard_xy[:, 1]) <= 1000.0),
               "haversine, centroids")

    boxes = shapely.box(points[:, 0] - 0.006, points[:, 1] - 0.0045, points[:, 0] + 0.006, points[:, 1] + 0.0045)
    timed_loop("bbox 1 km × 1 km: STRtree.query(predicate=intersects)", boxes,
               lambda b: tree.query(b, predicate="intersects"), "exact, like OneMap")
    timed_bulk("bbox 1 km × 1 km: STRtree.query(predicate=intersects)", n,
               lambda: tree.query(boxes, predicate="intersects"), "exact, like OneMap")

    cycle = [grids[i % len(grids)] for i in range(2000)]
    timed_loop("polygon-in-grid: STRtree.query(predicate=contains)", cycle,
               lambda g: tree.query(g, predicate="contains"), "GEOS prepared, like OneMap")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "data/generated/chifeng.gpkg",
         sys.argv[2] if len(sys.argv) > 2 else "data/generated/query-points.csv")
