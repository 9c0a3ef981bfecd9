#!/usr/bin/env python3
"""Replicas over one PostGIS database under trouble (RELIABILITY.md, issue 19).

Usage: reliability_replicas.py ONEMAP_BINARY WORK_FOLDER   (tools/reliability-replicas.sh runs it)

Starts a private PostgreSQL cluster (tools/postgres-cluster.sh), loads the Kangbashi demo into
it, and runs two replicas of `onemap serve --data postgres://…`. Then:
1. concurrent edits across replicas: pairs of simultaneous PATCHes of one hazard, one on each
   replica, one setting `level`, the other `impact_distance_m`; both values must be there
   afterwards on both replicas;
2. the database stopped mid-stream: writes with idempotency keys alternate between the
   replicas; the database is stopped at once (pg_ctl -m immediate) and started again in the
   middle; refused writes are sent again with their keys; every acknowledged write must be in
   the database once, and both replicas must hold it;
3. a replica killed with SIGKILL while the other takes writes: restarted, it must be caught up
   (lag 0, the same hazards as the database) before it answers.
Prints one JSON object per part.
"""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

BIN, WORK = sys.argv[1], sys.argv[2]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLUSTER = os.path.join(WORK, "pg")


def run(*args, check=True):
    result = subprocess.run(list(args), capture_output=True, text=True, cwd=ROOT)
    if check and result.returncode != 0:
        raise SystemExit(f"{args}: {result.stderr}")
    return result


def psql(sql):
    return run("psql", "-h", CLUSTER, "-p", PORT, "-U", "onemap", "-d", "rel", "-At", "-c", sql).stdout.strip()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def request(base, method, path, body=None, headers=None):
    r = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(r, timeout=30) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)
    except Exception as e:  # connection refused, reset
        return 0, str(e).encode(), {}


class Replica:
    def __init__(self, name):
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.start()

    def start(self):
        log = open(os.path.join(WORK, f"{self.name}.log"), "w")
        self.process = subprocess.Popen([BIN, "serve", "--data", URL, "--port", str(self.port), "--tokens", os.path.join(WORK, "tokens.json"),
                                         "--cache-directory", os.path.join(WORK, self.name), "--log-level", "warning"], stdout=log, stderr=log, cwd=ROOT)
        deadline = time.time() + 120
        while time.time() < deadline:
            if request(self.base, "GET", "/health")[0] == 200:
                return
            time.sleep(0.1)
        raise SystemExit(f"{self.name} did not start")

    def health(self):
        status, body, _ = request(self.base, "GET", "/health")
        return json.loads(body) if status == 200 else {}

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        self.process.terminate()
        self.process.wait()


def wait_applied(replica, number, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if replica.health().get("change", -1) >= number:
            return True
        time.sleep(0.05)
    return False


os.makedirs(WORK, exist_ok=True)
named = run("bash", os.path.join(ROOT, "tools/postgres-cluster.sh"), "start", CLUSTER).stdout.strip().splitlines()[-1]
PORT = named.rsplit(":", 1)[1]
URL = f"postgres://onemap@localhost:{PORT}/rel?host={CLUSTER}"
try:
    run("psql", "-h", CLUSTER, "-p", PORT, "-U", "onemap", "-d", "postgres", "-qc", "CREATE DATABASE rel")
    demo = os.path.join(WORK, "demo.gpkg")
    run(BIN, "demo", "--out", demo, "--quiet")
    run(BIN, "db", "init", URL)
    for layer in ["admin_units", "grids", "hazards", "shelters", "facilities", "roads"]:
        run(BIN, "import", demo, "--layer", layer, "--source-layer", layer, "--into", URL, "--quiet")
    token = run(BIN, "tokens", "add", "--file", os.path.join(WORK, "tokens.json"), "--name", "planner", "--role", "planner").stdout.split()[0]
    auth = {"Authorization": f"Bearer {token}"}
    a, b = Replica("a"), Replica("b")
    hazards = [f["id"] for f in json.loads(request(a.base, "GET", "/collections/hazards/items?limit=400")[1])["features"]]

    # 1. Concurrent edits across replicas.
    pairs, lost, answered = 300, 0, {}
    for n in range(pairs):
        hazard = hazards[n % len(hazards)]
        level, distance = random.choice([1, 2, 3]), round(random.uniform(10, 900), 1)
        outcomes = {}

        def patch(replica, members, key):
            outcomes[key] = request(replica.base, "PATCH", f"/collections/hazards/items/{hazard}", json.dumps(members).encode(),
                                    dict(auth, **{"Content-Type": "application/merge-patch+json"}))[0]
        threads = [threading.Thread(target=patch, args=(a, {"level": level}, "a")), threading.Thread(target=patch, args=(b, {"impact_distance_m": distance}, "b"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for status in outcomes.values():
            answered[status] = answered.get(status, 0) + 1
        newest = b.health().get("store_change", 0)
        for replica in (a, b):
            wait_applied(replica, newest)
            properties = json.loads(request(replica.base, "GET", f"/collections/hazards/items/{hazard}")[1])["properties"]
            if properties.get("level") != level or properties.get("impact_distance_m") != distance:
                lost += 1
    print(json.dumps({"part": "concurrent PATCH pairs across two replicas", "pairs": pairs, "answers": answered, "pairs_with_a_change_lost": lost}))

    # 2. The database stopped mid-stream.
    rounds, acknowledged_total, lost_total, duplicates_total, refused_total = 5, 0, 0, 0, 0
    for r in range(rounds):
        acknowledged, refused = set(), []
        for i in range(40):
            if i == 15:
                run("bash", os.path.join(ROOT, "tools/postgres-cluster.sh"), "pause", CLUSTER)
            if i == 30:
                run("bash", os.path.join(ROOT, "tools/postgres-cluster.sh"), "resume", CLUSTER)
            ident = f"O{r}-{i}"
            body = json.dumps({"type": "Feature", "id": ident, "geometry": {"type": "Point", "coordinates": [109.78 + i * 1e-4, 39.61 + r * 1e-3]},
                               "properties": {"kind": "fire", "level": 3}}).encode()
            status = request((a if i % 2 == 0 else b).base, "POST", "/collections/hazards/items", body,
                             dict(auth, **{"Content-Type": "application/geo+json", "Idempotency-Key": f"key-{ident}"}))[0]
            if status == 201:
                acknowledged.add(ident)
            else:
                refused.append((ident, body))
        refused_total += len(refused)
        for ident, body in refused:
            for _ in range(20):
                status = request(a.base, "POST", "/collections/hazards/items", body,
                                 dict(auth, **{"Content-Type": "application/geo+json", "Idempotency-Key": f"key-{ident}"}))[0]
                if status in (200, 201):
                    acknowledged.add(ident)
                    break
                time.sleep(0.5)
        stored = psql(f"SELECT id FROM hazards WHERE id LIKE 'O{r}-%'").split()
        logged = int(psql(f"SELECT count(*) FROM onemap_changes WHERE feature_id LIKE 'O{r}-%'"))
        acknowledged_total += len(acknowledged)
        lost_total += len(acknowledged - set(stored))
        duplicates_total += logged - len(set(stored))
        newest = int(psql("SELECT max(fid) FROM onemap_changes"))
        for replica in (a, b):
            if not wait_applied(replica, newest):
                lost_total += 1000
    print(json.dumps({"part": "database stopped mid-stream", "rounds": rounds, "writes_refused_while_down": refused_total,
                      "acknowledged": acknowledged_total, "lost": lost_total, "stored_twice": duplicates_total}))

    # 3. A replica killed while the other takes writes.
    rounds, behind = 3, 0
    for r in range(rounds):
        stop = threading.Event()

        def stream():
            i = 0
            while not stop.is_set():
                body = json.dumps({"type": "Feature", "id": f"K{r}-{i}", "geometry": {"type": "Point", "coordinates": [109.79 + i * 1e-5, 39.62]},
                                   "properties": {"kind": "mine", "level": 4}}).encode()
                request(a.base, "POST", "/collections/hazards/items", body, dict(auth, **{"Content-Type": "application/geo+json"}))
                i += 1
        writer = threading.Thread(target=stream)
        writer.start()
        time.sleep(1.0)
        b.kill9()
        time.sleep(1.0)
        b.start()
        time.sleep(0.5)
        stop.set()
        writer.join()
        newest = int(psql("SELECT max(fid) FROM onemap_changes"))
        if not wait_applied(b, newest):
            behind += 1
        count = int(psql("SELECT count(*) FROM hazards"))
        if b.health().get("features", {}).get("hazards") != count or a.health().get("features", {}).get("hazards") != count:
            behind += 1
    print(json.dumps({"part": "replica killed with SIGKILL while the other writes", "rounds": rounds, "rounds_not_caught_up": behind,
                      "changes_in_log": int(psql("SELECT max(fid) FROM onemap_changes"))}))
    a.stop()
    b.stop()
finally:
    run("bash", os.path.join(ROOT, "tools/postgres-cluster.sh"), "stop", CLUSTER, check=False)
