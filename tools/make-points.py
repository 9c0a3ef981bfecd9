#!/usr/bin/env python3
"""Writes N hazard points as newline-delimited GeoJSON, deterministic (seeded), for the
import benchmark: python3 tools/make-points.py 1000000 > points.geojsonl"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
rng = random.Random(20251123)
kinds = ["gas_station", "construction_site", "crowded_place", "waterlogging", "geological"]
out = sys.stdout
for i in range(n):
    # Chifeng's extent, roughly: 116.3–120.9 E, 41.3–45.4 N.
    lon = 116.3 + rng.random() * 4.6
    lat = 41.3 + rng.random() * 4.1
    out.write('{"type":"Feature","id":"H-%07d","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},'
              '"properties":{"kind":"%s","level":%d,"impact_distance_m":%d,"status":"registered"}}\n'
              % (i, lon, lat, kinds[i % 5], 1 + i % 4, 30 + i % 200))
