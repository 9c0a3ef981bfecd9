#!/usr/bin/env python3
"""The live feed's fan-out and a photo upload, timed on this machine, with a ceiling in
the same run (BENCHMARKS.md, issue 17).

Usage: bench_events.py BASE PLANNER_TOKEN [SUBSCRIBERS] [CHANGES]

1. SUBSCRIBERS (default 500) Server-Sent Events clients connect to BASE/events (plain
   asyncio sockets: one process, no client library in the way). CHANGES (default 100)
   notes on a hazard are PATCHed one at a time (each a real write: the file, the change
   log, the live map); for each, the time from just before the
   PATCH is sent until each subscriber has the event is recorded: p50 and p99 over every
   delivery, and p50/p99 of the time until the last subscriber of a change has it.
2. The ceiling, same clients, same machine: a minimal asyncio SSE server in this process
   that writes each event to every socket as it is made (no HTTP routing, no storage, no
   change log) — what fan-out costs with nothing else to do.
3. A 5 MB photo (a PNG of random pixels, incompressible) POSTed to a hazard 10 times:
   p50 and max; the ceiling is the same bytes POSTed over loopback to an asyncio server
   that reads and discards them.
Prints one JSON object.
"""
import asyncio
import json
import os
import random
import statistics
import struct
import sys
import time
import urllib.request
import zlib

import benchkit
from benchkit import pct

BASE, TOKEN = sys.argv[1], sys.argv[2]
SUBSCRIBERS = int(sys.argv[3]) if len(sys.argv) > 3 else 500
CHANGES = int(sys.argv[4]) if len(sys.argv) > 4 else 100
HOST, PORT = BASE.split("//")[1].split(":")[0], int(BASE.rsplit(":", 1)[1])


def request(method, path, body=None, headers=None):
    return benchkit.request(BASE, method, path, body, headers)


async def subscriber(host, port, path, seen, ready, index):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    buffer = b""
    ready.release()
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                return
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                for line in block.split(b"\n"):
                    if line.startswith(b"data: ") and b"bench-" in line:
                        text = line[6:].decode()
                        start = text.find("bench-")
                        if start >= 0:
                            mark = text[start:text.find('"', start)]
                            seen.setdefault(mark, {})[index] = time.perf_counter()
    finally:
        writer.close()


async def fan_out(host, port, path, send_change):
    seen = {}
    ready = asyncio.Semaphore(0)
    tasks = [asyncio.create_task(subscriber(host, port, path, seen, ready, i)) for i in range(SUBSCRIBERS)]
    for _ in range(SUBSCRIBERS):
        await ready.acquire()
    await asyncio.sleep(1.0)  # every subscription registered
    deliveries, lasts = [], []
    for n in range(CHANGES):
        mark = f"bench-{n}-{random.randrange(1 << 30)}"
        started = time.perf_counter()
        await send_change(mark)
        deadline = time.perf_counter() + 30
        while len(seen.get(mark, {})) < SUBSCRIBERS and time.perf_counter() < deadline:
            await asyncio.sleep(0.001)
        got = seen.get(mark, {})
        times = [t - started for t in got.values()]
        deliveries += times
        lasts.append(max(times) if len(got) == SUBSCRIBERS else float("inf"))
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    complete = sum(1 for x in lasts if x != float("inf"))
    return {
        "subscribers": SUBSCRIBERS, "changes": CHANGES, "changes_delivered_to_all": complete,
        "delivery_p50_ms": round(pct(deliveries, 50) * 1000, 2), "delivery_p99_ms": round(pct(deliveries, 99) * 1000, 2),
        "last_subscriber_p50_ms": round(pct(lasts, 50) * 1000, 2), "last_subscriber_p99_ms": round(pct(lasts, 99) * 1000, 2),
    }


async def onemap_fan_out():
    status, body = request("GET", "/collections/hazards/items?limit=1")
    hazard = json.loads(body)["features"][0]["id"]
    loop = asyncio.get_running_loop()

    async def change(mark):
        # A planner's note on a hazard: a real write (file, change log, live map), and the
        # note rides in the event's feature, so each subscriber can tell this change.
        payload = json.dumps({"remark": mark}).encode()
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", "Idempotency-Key": mark}
        status, text = await loop.run_in_executor(None, lambda: request("PATCH", f"/collections/hazards/items/{hazard}", payload, headers))
        if status != 200:
            raise SystemExit(f"PATCH: {status} {text[:300]}")
    return await fan_out(HOST, PORT, "/events", change)


async def ceiling_fan_out():
    """A minimal SSE server: each change written to every socket, nothing else."""
    clients = []

    async def handle(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n")
        await writer.drain()
        clients.append(writer)
        try:
            await reader.read()
        finally:
            clients.remove(writer)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    event = json.loads(json.dumps({"change": 1, "layer": "shelters", "id": "S-0001", "operation": "update", "feature": {"type": "Feature"}}))

    async def change(mark):
        event["mark"] = mark
        data = ("id: 1\nevent: change\ndata: " + json.dumps(event) + "\n\n").encode()
        for w in list(clients):
            w.write(data)
    result = await fan_out("127.0.0.1", port, "/events", change)
    server.close()
    return result


def png_of_random_pixels(megabytes):
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    rows = b"".join(b"\x00" + os.urandom(side * 3) for _ in range(side))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


async def discard_server():
    async def handle(reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1])
        while length > 0:
            length -= len(await reader.read(min(length, 1 << 20)))
        writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def upload_times(url, photo, headers, runs=10):
    times = []
    for n in range(runs):
        h = dict(headers)
        h["Idempotency-Key"] = f"bench-photo-{random.randrange(1 << 40)}"
        r = urllib.request.Request(url, data=photo, method="POST", headers=h)
        started = time.perf_counter()
        with urllib.request.urlopen(r, timeout=120) as resp:
            resp.read()
            assert resp.status == 201, resp.status
        times.append(time.perf_counter() - started)
    return times


def main():
    result = {"onemap": asyncio.run(onemap_fan_out()), "ceiling_asyncio_sse": asyncio.run(ceiling_fan_out())}
    photo = png_of_random_pixels(5)
    status, body = request("GET", "/collections/hazards/items?limit=1")
    hazard = json.loads(body)["features"][0]["id"]
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "image/png"}
    times = upload_times(f"{BASE}/collections/hazards/items/{hazard}/media", photo, headers)

    async def ceiling():
        server, port = await discard_server()
        loop = asyncio.get_running_loop()
        t = await loop.run_in_executor(None, lambda: upload_times(f"http://127.0.0.1:{port}/", photo, headers))
        server.close()
        return t
    floor = asyncio.run(ceiling())
    result["photo"] = {
        "bytes": len(photo), "runs": len(times),
        "onemap_p50_ms": round(statistics.median(times) * 1000, 1), "onemap_max_ms": round(max(times) * 1000, 1),
        "ceiling_discard_p50_ms": round(statistics.median(floor) * 1000, 1),
    }
    print(json.dumps(result))


main()
