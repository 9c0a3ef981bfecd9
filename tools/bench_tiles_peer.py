#!/usr/bin/env python3
"""The peer of OneMap's tile renderer: MapServer 8 (`map2img`, Debian's mapserver-bin)
drawing the same one map from the same GeoPackage with an equivalent style
(tools/peer-mapserver/onemap.map.in), on tiles chosen the way OneMap's benchmark chooses
them: centred on randomly picked hazards.

Two figures per zoom: a whole `map2img` run per tile (start, parse the mapfile, open the
GeoPackage, draw, write: what a MapServer CGI request costs), and the drawing alone,
from `-c 11` (draw eleven times in one run) less a single draw, divided by ten.

Usage: bench_tiles_peer.py DATA.gpkg [tiles per zoom]   (run `onemap risk build` first)
"""
import math
import os
import random
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
R = 6378137.0


def hazard_points(db, count, seed=14):
    rng = random.Random(seed)
    top = db.execute("SELECT max(fid) FROM hazards").fetchone()[0]
    points = []
    while len(points) < count:
        blob = db.execute("SELECT geom FROM hazards WHERE fid = ?", (rng.randint(1, top),)).fetchone()
        if not blob:
            continue
        blob = blob[0]
        envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 0x07]
        wkb = blob[8 + envelope:]
        order = "<" if wkb[0] == 1 else ">"
        if struct.unpack(order + "I", wkb[1:5])[0] != 1:
            continue  # points only: their tile is unambiguous
        points.append(struct.unpack(order + "dd", wkb[5:21]))
    return points


def tile_of(lon, lat, z):
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def extent(z, x, y):
    size = 2 * math.pi * R / 2 ** z
    minx = -math.pi * R + x * size
    maxy = math.pi * R - y * size
    return minx, maxy - size, minx + size, maxy


# The zooms of OneMap's cold-tile benchmark (RiskTiles): BENCH_ZOOMS=8,9,10 to choose.
ZOOMS = tuple(int(z) for z in os.environ.get("BENCH_ZOOMS", "8,9,10,11,12,13,14,16").split(","))


def run(mapfile, z, x, y, out, draws):
    args = ["map2img", "-m", mapfile, "-o", out, "-s", "256", "256", "-e", *map(str, extent(z, x, y))]
    if draws > 1:
        args += ["-c", str(draws)]
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main(path, per_zoom):
    db = sqlite3.connect(path)
    version = db.execute("SELECT max(version) FROM risk_versions").fetchone()[0]
    work = tempfile.mkdtemp(prefix="onemap-mapserver-")
    with open(os.path.join(HERE, "peer-mapserver", "fonts.txt.in")) as f:
        fonts = f.read().replace("@CJK@", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    fontset = os.path.join(work, "fonts.txt")
    with open(fontset, "w") as f:
        f.write(fonts)
    with open(os.path.join(HERE, "peer-mapserver", "onemap.map.in")) as f:
        mapfile_text = f.read().replace("@DATA@", os.path.abspath(path)).replace("@VERSION@", str(version)).replace("@FONTSET@", fontset)
    mapfile = os.path.join(work, "onemap.map")
    with open(mapfile, "w") as f:
        f.write(mapfile_text)
    points = hazard_points(db, per_zoom)
    out = os.path.join(work, "tile.png")
    print(f"peer: {subprocess.run(['map2img', '-v'], capture_output=True, text=True).stdout.split(' OUTPUT')[0]}, "
          f"{os.path.basename(path)} risk version {version}, {per_zoom} tiles per zoom centred on random hazards")
    for z in ZOOMS:
        whole, drawn = [], []
        for lon, lat in points:
            x, y = tile_of(lon, lat, z)
            one = run(mapfile, z, x, y, out, 1)
            eleven = run(mapfile, z, x, y, out, 11)
            whole.append(one)
            drawn.append(max(0.0, (eleven - one) / 10))
        size = os.path.getsize(out)
        q = lambda v, p: sorted(v)[min(len(v) - 1, int(p * len(v)))] * 1000
        print(f"  z{z}: map2img run per tile p50 {q(whole, .5):.1f} ms (p99 {q(whole, .99):.1f}); "
              f"drawing alone p50 {q(drawn, .5):.1f} ms, p99 {q(drawn, .99):.1f} ms (last tile {size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100)
