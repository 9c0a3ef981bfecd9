"""Reliability figures for RELIABILITY.md, against a running OneMap server on the demo.

usage: attack.py BASE_URL PLANNER_TOKEN ONEMAP TOKENS_FILE SERVER_PID

The grid worker's token is made here (`onemap tokens add`, then SIGHUP to the server) for
a grid that holds a shelter, so that every write route has a case inside the grid.

Runs, in order, and prints one JSON object per part:
  bad-requests  hand-made malformed requests (raw sockets): status classes, 5xx, deaths
  patch-pairs   300 pairs of simultaneous PATCHes of different properties: lost changes
  authz         every write route x caller kind: expected vs got
The server must stay up throughout: its pid is checked after every request.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import threading
import urllib.parse

base, planner, onemap, tokens_file, pid = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
worker = grid = None
host, port = urllib.parse.urlparse(base).hostname, urllib.parse.urlparse(base).port


def alive():
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def raw(data, read_timeout=5.0):
    """Sends bytes as they are; answers the status code (0: closed without an answer)."""
    s = socket.create_connection((host, port), timeout=read_timeout)
    try:
        s.sendall(data)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        chunks = b""
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            chunks += chunk
            if len(chunks) > 1 << 16:
                break
        line = chunks.split(b"\r\n", 1)[0].split(b" ")
        return int(line[1]) if len(line) > 1 and line[1].isdigit() else 0
    except (ConnectionResetError, BrokenPipeError):
        return 0
    finally:
        s.close()


def request(method, path, body=None, token=None, headers=None):
    c = http.client.HTTPConnection(host, port, timeout=120)
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    if body is not None and "Content-Type" not in h:
        h["Content-Type"] = "application/json"
    c.request(method, path, body if body is None or isinstance(body, bytes) else json.dumps(body), h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data, dict(r.getheaders())


def http_request(method, path, body=b"", headers=()):
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n".encode()
    for h in headers:
        head += h.encode() + b"\r\n"
    if body and not any(h.lower().startswith("content-length") or h.lower().startswith("transfer-encoding") for h in headers):
        head += f"Content-Length: {len(body)}\r\n".encode()
    return head + b"\r\n" + body


def bad_requests():
    cases = []  # (category, bytes)
    q = "/query/nearest-shelter?lon=109.78&lat=39.6"
    numbers = ["", "nan", "NaN", "inf", "-inf", "1e400", "-1e400", "1e308", "9223372036854775807", "9223372036854775808",
               "-9223372036854775809", "99999999999999999999999", "0x10", "1,5", "%00", "%FF", "%", "%G1", "--1", "+", "1e", ".", "٣"]
    for name in ["lon", "lat", "k", "min_room", "max_distance"]:
        for v in numbers:
            cases.append(("numbers: NaN, overflow, junk", http_request("GET", f"/query/nearest-shelter?lon=109.78&lat=39.6&{name}={v}")))
    for path in ["/collections/hazards/items", "/query/within?layer=hazards&lon=109.78&lat=39.6&radius=100"]:
        for v in ["", "%", "%ZZ", "a%00b", "1,,2", ",", "x" * 5000]:
            for col in ["status", "level", "name", "grid_code"]:
                cases.append(("empty, repeated, bad filters", http_request("GET", f"{path}{'&' if '?' in path else '?'}{col}={v}")))
        for extra in ["offset=9223372036854775807", "offset=-1", "limit=0", "limit=-5", "limit=1e9", "bbox=1,2,3", "bbox=nan,0,1,1",
                      "bbox=1,1,0,0", "bbox=-181,0,0,0", "datetime=yesterday", "datetime=2026-13-01T00:00:00Z", "datetime=a/b/c",
                      "crs=EPSG:3857", "f=xml", "level=1&level=2", "unknown=1", "=1", "&&&", "bbox=" + ",".join(["1"] * 1000)]:
            cases.append(("empty, repeated, bad filters", http_request("GET", f"{path}{'&' if '?' in path else '?'}{extra}")))
    for body in [b'{"from":[109.66,39.65],"k":1e300}', b'{"from":[109.66,39.65],"k":-1e300}', b'{"from":[109.66,39.65],"k":1e400}',
                 b'{"from":[109.66,39.65],"min_room":1e300}', b'{"from":[109.66,39.65],"k":1.5}', b'{"from":[109.66,39.65],"k":"3"}',
                 b'{"from":[1e400,0]}', b'{"from":[0]}', b'{"from":"x"}', b'{"from":[109.66,39.65]} trailing', b'{"from":[109.66,39.65],"from":[1,1]}',
                 b'{"from":[109.66,39.65],"zone":{"type":"Polygon","coordinates":[[[0,0]]]}}', b'{"from":[109.66,39.65],"zone":{"type":"Point"}}',
                 b'{"from":[109.66,39.65],"centre":[1,1]}', b'{"from":[109.66,39.65],"radius":1e9,"centre":[1,1]}', b"[", b"{", b"null", b"[]",
                 b'"x"', b"\xff\xfe", b'{"a":' * 5000, b"[" * 100000, b'{"from":[109.66,39.65],"unknown":1}', b""]:
        for path in ["/evacuate", "/evacuation-plan", "/route"]:
            cases.append(("JSON bodies: huge numbers, trailing, deep", http_request("POST", path, body, ["Content-Type: application/json"])))
    for path in ["/static/leaflet/../../../../etc/passwd", "/static/leaflet/..%2F..%2Fetc%2Fpasswd", "/static/leaflet/%2e%2e/%2e%2e/etc/passwd",
                 "/static/onemap/../../Package.swift", "/static/leaflet/.hidden", "/collections/..%2F..%2Fetc/items", "/tiles/1/1/..%2F1.png",
                 "/static/leaflet/" + "a/" * 500, "//etc/passwd", "/%00", "/collections/hazards/items/%00", "/collections/hazards/items/%C0%AF",
                 "/collections/hazards/items/" + "x" * 10000]:
        cases.append(("traversal and odd paths", http_request("GET", path)))
    for z, x, y in [("40", "0", "0"), ("-1", "0", "0"), ("3", "8", "0"), ("99999999999999999999", "0", "0"), ("3", "1", "1@3x"),
                    ("3", "1", "+1"), ("3", "1", "%31"), ("a", "b", "c"), ("3", "1", "1e2"), ("20", "1048576", "0")]:
        cases.append(("tile paths", http_request("GET", f"/tiles/{z}/{x}/{y}.png")))
    chunked = ["Transfer-Encoding: chunked", "Content-Type: application/json"]
    for body in [b"zz\r\n{}\r\n0\r\n\r\n", b"FFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n", b"-1\r\n{}\r\n0\r\n\r\n", b"2\r\n{}", b"2\r\n{}XX0\r\n\r\n",
                 b"1;ext=\x00\r\n{\r\n0\r\n\r\n", b"100000000\r\n", b"0\r\nbad trailer\r\n\r\n"]:
        for path in ["/evacuate", "/collections/hazards/items/H1"]:
            cases.append(("bad chunking and framing", http_request("POST" if path == "/evacuate" else "PATCH", path, body, chunked)))
    for head in [b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", b"POST /evacuate HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                 b"POST /evacuate HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
                 b"POST /evacuate HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}{}{}",
                 b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
                 b"GET / HTTP/1.1\r\n" + b"X-Long: " + b"a" * 200000 + b"\r\n\r\n", b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 5000 + b"\r\n",
                 b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\n\r\n", b""]:
        cases.append(("malformed request heads", head))
    big = b'{"type":"Feature","geometry":{"type":"LineString","coordinates":[' + b",".join([b"[109.78,39.6]"] * 200000) + b"]},\"properties\":{}}"
    for path, method in [("/collections/hazards/items", "POST"), ("/evacuate", "POST"), ("/plan/shelters", "POST")]:
        cases.append(("huge bodies", http_request(method, path, big, ["Content-Type: application/json", "Authorization: Bearer " + planner])))
    for auth in ["Bearer", "Bearer ", "Basic YTpi", "bearer x", "Bearer " + "x" * 100000, "Bearer \u00e9".encode("utf-8").decode("latin-1")]:
        cases.append(("bad authorization", http_request("PATCH", "/collections/hazards/items/H1", b"{}", ["Content-Type: application/json", "Authorization: " + auth])))
    for body in [b'{"type":"Feature","geometry":{"type":"Point","coordinates":[1e400,0]},"properties":{}}',
                 b'{"type":"Feature","geometry":{"type":"Point","coordinates":[]},"properties":{}}', b'{"type":"Feature","geometry":null}',
                 b'{"type":"Feature","id":"","geometry":{"type":"Point","coordinates":[109.78,39.6]},"properties":{}}',
                 b'{"type":"Feature","id":"a/b","geometry":{"type":"Point","coordinates":[109.78,39.6]},"properties":{}}',
                 b'{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]},"properties":{}}',
                 b'{"type":"FeatureCollection","features":[]}', b'{"type":"Feature","geometry":{"type":"Point","coordinates":[109.78,39.6]},"properties":{"reported_by":"me"}}']:
        for ctype in ["application/geo+json", "text/plain"]:
            cases.append(("write bodies", http_request("POST", "/collections/hazards/items", body, ["Content-Type: " + ctype, "Authorization: Bearer " + planner])))
    # Every declared query parameter of every operation in /api, each with values that are
    # wrong for its type or range (the others valid), so each check is reached.
    api = json.loads(request("GET", "/api")[1])
    valid = {"lon": "109.78", "lat": "39.60", "layer": "hazards", "radius": "300", "from": "109.78,39.60", "to": "109.79,39.61"}
    for path, operations in api["paths"].items():
        for method, op in operations.items():
            if method != "get" or "{" in path or path.startswith("/plan/"):
                continue
            params = [p for p in op.get("parameters", []) if p["in"] == "query"]
            for p in params:
                schema = p["schema"]
                kind = schema.get("type")
                if kind == "integer":
                    bad = ["", "x", "1.5", "1e3", "99999999999999999999", "-99999999999999999999", "nan"]
                    if "maximum" in schema: bad.append(str(int(schema["maximum"]) + 1))
                    bad.append(str(int(schema.get("minimum", 0)) - 1))
                elif kind == "number":
                    bad = ["", "nan", "inf", "-inf", "1e400", "0x1p3", "1,5"]
                    if "maximum" in schema: bad.append(repr(schema["maximum"] * 10 + 1))
                elif kind == "boolean":
                    bad = ["", "maybe", "2"]
                elif "enum" in schema:
                    bad = ["", "not-a-choice", "%ZZ", schema["enum"][0].upper() + "x"]
                elif kind == "array":
                    bad = ["", ",", "a,,b", "1,2,3,4,5,6,7,8,9,nan"]
                else:
                    bad = ["", "%ZZ", "%C0%AF"]
                for v in bad:
                    others = "&".join(f"{q['name']}={valid.get(q['name'], '1')}" for q in params if q["required"] and q["name"] != p["name"])
                    query = "&".join(x for x in [others, f"{p['name']}={v}"] if x)
                    cases.append(("every declared parameter, wrong for its type or range", http_request("GET", f"{path}?{query}")))
            cases.append(("every declared parameter, wrong for its type or range", http_request("GET", f"{path}?unknown=1")))
    tally, fives, deaths, by_category = {}, 0, 0, {}
    for category, data in cases:
        status = raw(data)
        klass = f"{status // 100}xx" if status else "closed"
        if status < 400:
            print(f"{status or 'closed'}: {category}: {data[:160]!r}", file=sys.stderr)
        tally[klass] = tally.get(klass, 0) + 1
        cat = by_category.setdefault(category, {"sent": 0, "5xx": 0})
        cat["sent"] += 1
        if 500 <= status < 600:
            fives += 1
            cat["5xx"] += 1
            print(f"5xx: {category}: {data[:200]!r}", file=sys.stderr)
        if not alive():
            deaths += 1
            print(f"DEATH after {category}: {data[:200]!r}", file=sys.stderr)
            break
    return {"part": "bad-requests", "sent": len(cases), "answers": tally, "5xx": fives, "deaths": deaths, "categories": by_category}


def hazards(limit=200):
    status, data, _ = request("GET", f"/collections/hazards/items?limit={limit}")
    return json.loads(data)["features"]


def patch_pairs(pairs=300):
    lost = refused = 0
    features = [f for f in hazards(1000) if f["properties"].get("status") != "closed"]
    for i in range(pairs):
        f = features[i % len(features)]
        hid = urllib.parse.quote(str(f["id"]), safe="")
        old = f["properties"]
        level = 1 + (i % 4)
        distance = 100 + i
        results = [None, None]

        def go(slot, body):
            results[slot] = request("PATCH", f"/collections/hazards/items/{hid}", body, planner)[0]

        a = threading.Thread(target=go, args=(0, {"level": level}))
        b = threading.Thread(target=go, args=(1, {"impact_distance_m": distance}))
        a.start(); b.start(); a.join(); b.join()
        if results != [200, 200]:
            refused += 1
            continue
        now = json.loads(request("GET", f"/collections/hazards/items/{hid}")[1])["properties"]
        if now.get("level") != level or now.get("impact_distance_m") != distance:
            lost += 1
    return {"part": "patch-pairs", "pairs": pairs, "both_acknowledged": pairs - refused, "lost": lost, "alive": alive()}


def grids():
    return json.loads(request("GET", "/collections/grids/items?limit=10000")[1])["features"]


def inside(point, polygon):
    x, y = point
    hit = False
    for ring in polygon:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                hit = not hit
    return hit


def rings(geometry):
    return geometry["coordinates"] if geometry["type"] == "Polygon" else geometry["coordinates"][0]


def interior_point(geometry):
    ring = rings(geometry)[0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    for fx in [0.5, 0.4, 0.6, 0.3, 0.7]:
        for fy in [0.5, 0.4, 0.6, 0.3, 0.7]:
            p = (min(xs) + fx * (max(xs) - min(xs)), min(ys) + fy * (max(ys) - min(ys)))
            if inside(p, rings(geometry)):
                return p
    raise SystemExit("no interior point")


def authz():
    global worker, grid
    cells = {g["properties"]["code"]: g for g in grids()}
    shelters = json.loads(request("GET", "/collections/shelters/items?limit=10000")[1])["features"]
    # The worker's grid: one that holds a shelter.
    grid = next(code for code, g in sorted(cells.items()) for s in shelters
                if s["geometry"]["type"] == "Point" and inside(s["geometry"]["coordinates"], rings(g["geometry"])))
    worker = subprocess.run([onemap, "tokens", "add", "--file", tokens_file, "--name", "张网格员", "--role", "grid_worker", "--grid", grid],
                            capture_output=True, text=True, check=True).stdout.strip()
    os.kill(pid, signal.SIGHUP)
    time.sleep(1)
    mine = cells[grid]
    here = interior_point(mine["geometry"])
    # The nearest other grid's interior point, for 'outside' and 'straddling'.
    others = sorted((c for c in cells if c != grid), key=lambda c: sum((a - b) ** 2 for a, b in zip(interior_point(cells[c]["geometry"]), here)))
    there = interior_point(cells[others[0]]["geometry"])
    n = [0]

    def feature(coords_type, coords, props=None):
        n[0] += 1
        return {"type": "Feature", "id": f"AZ-{os.getpid()}-{n[0]}", "geometry": {"type": coords_type, "coordinates": coords},
                "properties": dict({"name": "authz", "kind": "gas_station", "level": 3}, **(props or {}))}

    def new_hazard(at, status="registered"):
        f = feature("Point", list(at))
        s, data, _ = request("POST", "/collections/hazards/items", f, planner, {"Content-Type": "application/geo+json"})
        assert s == 201, (s, data)
        hid = f["id"]
        for step in (["rectifying", "closed"] if status == "closed" else []):
            assert request("PATCH", f"/collections/hazards/items/{hid}", {"status": step}, planner)[0] == 200
        return hid

    def shelter_at(inside_mine):
        for s in shelters:
            g = s["geometry"]
            if g["type"] == "Point" and inside(g["coordinates"], rings(mine["geometry"])) == inside_mine:
                return urllib.parse.quote(str(s["id"]), safe="")
        return None

    callers = {"no token": None, "bad token": "om_00000000000000000000000000000000", "worker in grid": worker,
               "worker outside": worker, "worker straddling": worker, "worker reopening": worker, "planner": planner}
    rows = []

    def post(caller, token):
        if caller in ("worker outside",):
            body = feature("Point", list(there))
        elif caller == "worker straddling":
            body = feature("LineString", [list(here), list(there)])
        elif caller == "worker reopening":
            body = feature("Point", list(here), {"status": "closed"})
        else:
            body = feature("Point", list(here))
        return request("POST", "/collections/hazards/items", body, token, {"Content-Type": "application/geo+json"})[0]

    def patch_hazard(caller, token):
        if caller == "worker outside":
            hid, body = new_hazard(there), {"level": 2}
        elif caller == "worker straddling":
            hid, body = new_hazard(here), {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [list(here), list(there)]}, "properties": {}}
        elif caller == "worker reopening":
            hid, body = new_hazard(here, "closed"), {"status": "registered"}
        else:
            hid, body = new_hazard(here), {"status": "rectifying"}
        return request("PATCH", f"/collections/hazards/items/{hid}", body, token)[0]

    def patch_shelter(caller, token):
        sid = shelter_at(caller not in ("worker outside",))
        if sid is None:
            return None
        if caller == "worker straddling":
            body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(there)}, "properties": {}}
        elif caller == "worker reopening":
            body = {"status": "open"}
        else:
            body = {"occupancy": 10}
        return request("PATCH", f"/collections/shelters/items/{sid}", body, token)[0]

    expected = {
        "POST hazards": {"no token": 401, "bad token": 401, "worker in grid": 201, "worker outside": 403, "worker straddling": 403,
                         "worker reopening": 422, "planner": 201},
        "PATCH hazard": {"no token": 401, "bad token": 401, "worker in grid": 200, "worker outside": 403, "worker straddling": 403,
                         "worker reopening": 422, "planner": 200},
        "PATCH shelter": {"no token": 401, "bad token": 401, "worker in grid": 200, "worker outside": 403, "worker straddling": 422,
                          "worker reopening": 200, "planner": 200},
    }
    for route, call in [("POST hazards", post), ("PATCH hazard", patch_hazard), ("PATCH shelter", patch_shelter)]:
        for caller, token in callers.items():
            if route == "PATCH shelter" and caller == "worker reopening":
                continue  # shelters have no lifecycle to reopen
            got = call(caller, token)
            rows.append({"route": route, "caller": caller, "expected": expected[route][caller], "got": got})
    # A planner may reopen what a worker may not.
    hid = new_hazard(here, "closed")
    rows.append({"route": "PATCH hazard", "caller": "planner reopening", "expected": 200,
                 "got": request("PATCH", f"/collections/hazards/items/{hid}", {"status": "registered"}, planner)[0]})
    return {"part": "authz", "grid": grid, "rows": rows, "mismatches": sum(r["expected"] != r["got"] for r in rows), "alive": alive()}


for part in [bad_requests, patch_pairs, authz]:
    print(json.dumps(part(), ensure_ascii=False), flush=True)
