"""Kill -9 durability: starts the real `onemap serve`, streams hazard reports from several
clients, kills the server with SIGKILL mid-stream, restarts it, and checks that every
acknowledged (201) report is there, and that SQLite's integrity check passes.

usage: kill9.py ONEMAP DATA.gpkg TOKENS.json LON LAT ROUNDS
Prints one JSON object per round and a summary line.
"""
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

onemap, data, tokens, lon, lat, rounds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
# The token: ONEMAP_TOKEN, or the first plain one of a version 1 file.
token = os.environ.get("ONEMAP_TOKEN") or json.load(open(tokens))["tokens"][0]["token"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start():
    port = free_port()
    proc = subprocess.Popen([onemap, "serve", "--data", data, "--tokens", tokens, "--port", str(port), "--log-level", "error"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


total_acked = total_lost = 0
for r in range(rounds):
    proc, port = start()
    acked, lock, stop = [], threading.Lock(), threading.Event()

    def client(n):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        i = 0
        while not stop.is_set():
            hid = f"K{r}-{n}-{i}"
            body = json.dumps({"type": "Feature", "id": hid, "geometry": {"type": "Point", "coordinates": [lon + 1e-6 * i, lat]},
                               "properties": {"name": "kill-9", "kind": "gas_station", "level": 3}})
            try:
                c.request("POST", "/collections/hazards/items", body, {"Authorization": "Bearer " + token, "Content-Type": "application/geo+json"})
                resp = c.getresponse()
                resp.read()
                if resp.status == 201:
                    with lock:
                        acked.append(hid)
            except (OSError, http.client.HTTPException):
                return  # the server is gone
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    while len(acked) < 40 + 10 * r:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)  # mid-stream: the clients are still sending
    proc.wait()
    stop.set()
    for t in threads:
        t.join()
    proc, port = start()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    lost = []
    for hid in acked:
        c.request("GET", "/collections/hazards/items/" + hid)
        resp = c.getresponse()
        resp.read()
        if resp.status != 200:
            lost.append(hid)
    proc.send_signal(signal.SIGTERM)
    proc.wait()
    db = sqlite3.connect(data)
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    logged = db.execute("SELECT count(*) FROM onemap_changes WHERE feature_id LIKE ?", (f"K{r}-%",)).fetchone()[0]
    db.close()
    total_acked += len(acked)
    total_lost += len(lost)
    print(json.dumps({"round": r + 1, "acknowledged": len(acked), "lost": len(lost), "logged": logged, "integrity": integrity}))
print(json.dumps({"rounds": rounds, "acknowledged": total_acked, "lost": total_lost}))
