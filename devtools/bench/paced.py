"""A paced load generator for `make bench`: requests sent at a fixed rate, evenly spaced, each
timed from the moment it was due, not from the moment it went out.

wrk and locust close the loop: a connection sends its next request when the last one is
answered, so the latency they report at full load is mostly waiting in line (Little's law: the
connections divided by the rate). To ask what one member waits for while the server serves a
given rate, the requests must arrive at that rate whatever the answers do (an open loop), and a
request that could not go out on time must count its delay (else the generator hides the stall
it caused: "coordinated omission"). wrk's Lua `delay()` cannot do this (its latency includes the
pause) and `hey -q` sends all its workers' requests in the same instant.

    run("http://127.0.0.1:8000", ["/", "/events/"], rate=250, seconds=10, cookie="sessionid=...")

Each request opens its own connection (gunicorn's sync workers close it after each answer), sends
the session cookie if given, and reads the answer to the end. At most `limit` requests are in
flight; one that would go past it waits, and its wait counts. Python's asyncio sends a few
hundred requests a second on one core; run.py checks it against a do-nothing responder at the
same rate, so a report shows when the generator, not the server, was slow.
"""

import asyncio
import math
import time
import urllib.parse


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, math.ceil(share * len(sorted_values)) - 1))
    return sorted_values[index]


async def _fetch(host: str, port: int, path: str, cookie: str) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        head = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        writer.write((head + "\r\n").encode())
        await writer.drain()
        status_line = await reader.readline()
        length = None
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _sep, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if length is not None:
            await reader.readexactly(length)  # a server may keep the connection open
        else:
            while await reader.read(65536):  # to the end: we asked it to close
                pass
    finally:
        writer.close()
    parts = status_line.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


async def _run(
    base: str, paths: list[str], *, rate: float, seconds: float, cookie: str, limit: int
) -> dict:
    parts = urllib.parse.urlsplit(base)
    host, port = parts.hostname, parts.port or 80
    loop = asyncio.get_running_loop()
    slots = asyncio.Semaphore(limit)
    latencies: list[float] = []
    failures = {"status": 0, "socket": 0}
    count = max(1, int(rate * seconds))

    async def one(index: int, due: float) -> None:
        async with slots:
            try:
                status = await asyncio.wait_for(
                    _fetch(host, port, paths[index % len(paths)], cookie), timeout=30
                )
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                failures["socket"] += 1
                return
        latencies.append(loop.time() - due)  # from when it was due: a late start counts
        if status != 200:
            failures["status"] += 1

    started = loop.time() + 0.05
    tasks = []
    for index in range(count):
        due = started + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index, due)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - started
    ms = sorted(value * 1000 for value in latencies)
    return {
        "tool": f"paced (asyncio), {rate:.0f} requests a second offered",
        "offered_rps": round(rate, 1),
        "requests": len(ms),
        "rps": round(len(ms) / elapsed, 1),
        "median_ms": round(_percentile(ms, 0.50), 1),
        "p95_ms": round(_percentile(ms, 0.95), 1),
        "p99_ms": round(_percentile(ms, 0.99), 1),
        "max_ms": round(ms[-1], 1) if ms else 0.0,
        "failures": failures["status"] + failures["socket"],
        "seconds": round(elapsed, 1),
    }


def run(
    base: str,
    paths: list[str],
    *,
    rate: float,
    seconds: float,
    cookie: str = "",
    limit: int = 64,
) -> dict:
    """Send `rate` requests a second for `seconds` (cycling through `paths`); requests/s
    answered and the 50th/95th/99th percentile latency in ms, each from when it was due."""
    started = time.perf_counter()
    result = asyncio.run(_run(base, paths, rate=rate, seconds=seconds, cookie=cookie, limit=limit))
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result
