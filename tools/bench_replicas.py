#!/usr/bin/env python3
"""Write-to-visible latency between two OneMap replicas over one PostGIS database
(BENCHMARKS.md, issue 19).

Usage: bench_replicas.py BASE_A BASE_B PLANNER_TOKEN [WRITES]

WRITES (default 1,000) notes on hazards are PATCHed on replica A, one at a time. Two
listeners of the live feed (/events), one on A and one on B, record when each change
arrives. For each write: from the moment A acknowledged it (its 200) to the event on B
(another replica has applied it: its index, map and tile caches), and the same from just
before the PATCH was sent. A's own event is the same-run ceiling: what a write costs to
show on the replica that took it, with no database notification or second read between.
Prints one JSON object.
"""
import asyncio
import json
import random
import sys
import time

from benchkit import pct, request

A, B, TOKEN = sys.argv[1], sys.argv[2], sys.argv[3]
WRITES = int(sys.argv[4]) if len(sys.argv) > 4 else 1000




async def listen(base, seen, ready):
    host, port = base.split("//")[1].split(":")[0], int(base.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET /events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    ready.set()
    buffer = b""
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                return
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                for line in block.split(b"\n"):
                    start = line.find(b"visible-")
                    if line.startswith(b"data: ") and start >= 0:
                        mark = line[start:line.find(b'"', start)].decode()
                        seen.setdefault(mark, time.perf_counter())
    finally:
        writer.close()


async def main():
    status, body = request(A, "GET", "/collections/hazards/items?limit=50")
    hazards = [f["id"] for f in json.loads(body)["features"]]
    on_a, on_b = {}, {}
    ready_a, ready_b = asyncio.Event(), asyncio.Event()
    tasks = [asyncio.create_task(listen(A, on_a, ready_a)), asyncio.create_task(listen(B, on_b, ready_b))]
    await ready_a.wait()
    await ready_b.wait()
    await asyncio.sleep(1.0)
    loop = asyncio.get_running_loop()
    from_ack, from_send, own, missing = [], [], [], 0
    for n in range(WRITES):
        mark = f"visible-{n}-{random.randrange(1 << 30)}"
        payload = json.dumps({"remark": mark}).encode()
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        sent = time.perf_counter()
        status, text = await loop.run_in_executor(None, lambda: request(A, "PATCH", f"/collections/hazards/items/{hazards[n % len(hazards)]}", payload, headers))
        acked = time.perf_counter()
        if status != 200:
            raise SystemExit(f"PATCH: {status} {text[:300]}")
        deadline = time.perf_counter() + 10
        while (mark not in on_b or mark not in on_a) and time.perf_counter() < deadline:
            await asyncio.sleep(0.0002)
        if mark not in on_b:
            missing += 1
            continue
        from_ack.append(on_b[mark] - acked)
        from_send.append(on_b[mark] - sent)
        if mark in on_a:
            own.append(on_a[mark] - sent)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    ms = lambda v: round(v * 1000, 2)
    print(json.dumps({
        "writes": WRITES, "not_seen_on_b_within_10_s": missing,
        "ack_on_a_to_visible_on_b_p50_ms": ms(pct(from_ack, 50)), "ack_on_a_to_visible_on_b_p99_ms": ms(pct(from_ack, 99)),
        "send_to_visible_on_b_p50_ms": ms(pct(from_send, 50)), "send_to_visible_on_b_p99_ms": ms(pct(from_send, 99)),
        "ceiling_send_to_visible_on_a_p50_ms": ms(pct(own, 50)), "ceiling_send_to_visible_on_a_p99_ms": ms(pct(own, 99)),
    }))


asyncio.run(main())
