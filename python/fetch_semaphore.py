"""N URLs, several ways: the Python side of lesson 05's four-ways.

30 URLs on a local server (python/_server.py), each answered after 10 ms: a blocking loop
(urllib), a ThreadPoolExecutor with the blocking client, and asyncio tasks behind a Semaphore with
asyncio streams (stdlib only: no aiohttp), at limits of 5 and 15 in flight.
The ideal is ceil(N / limit) x delay.
Usage: python3 python/fetch_semaphore.py [URLS] [DELAY_MS]   (defaults: 30, 10)
"""

import asyncio
import math
import statistics
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from _kit import fmt_time, int_arg, interleaved, machine_line, print_table
from _server import Server


def get_blocking(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status == 200 and response.read() == b"ok"


async def get_async(url):
    host_port, path = url.removeprefix("http://").split("/", 1)
    host, port = host_port.split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    response = await reader.read()  # until the server closes
    writer.close()
    await writer.wait_closed()
    return response.startswith(b"HTTP/1.1 200") and response.endswith(b"ok")


async def with_semaphore(urls, limit):
    semaphore = asyncio.Semaphore(limit)

    async def one(url):
        async with semaphore:  # at most `limit` requests in flight
            return await get_async(url)

    return await asyncio.gather(*(one(u) for u in urls))


def main():
    n = int_arg(1, "URLS", 30, 1, 10_000)
    delay = int_arg(2, "DELAY_MS", 10, 0, 60_000)
    print("Fetching N URLs in Python: a loop, a thread pool, asyncio with a Semaphore")
    print(machine_line())
    print()
    with Server() as server:
        urls = [server.url(delay) for _ in range(n)]
        answered, most = {}, {}

        def way(name, fetch_all):
            def run():
                server.reset()
                answered.setdefault(name, []).append(sum(fetch_all()))
                most[name] = max(most.get(name, 0), server.most_in_flight)
            return name, run

        variants = [way("blocking loop", lambda: [get_blocking(u) for u in urls])]
        limits = {"blocking loop": 1}
        pools = []
        for limit in (5, 15):
            pool = ThreadPoolExecutor(max_workers=limit)
            pools.append(pool)
            variants.append(way(f"thread pool ({limit})",
                                lambda p=pool: list(p.map(get_blocking, urls))))
            variants.append(way(f"Semaphore ({limit})",
                                lambda l=limit: asyncio.run(with_semaphore(urls, l))))
            limits[f"thread pool ({limit})"] = limits[f"Semaphore ({limit})"] = limit
        times = interleaved(variants, reps=3)
        for pool in pools:
            pool.shutdown()  # its threads end here, before the server stops
    ok = all(all(a == n for a in answered[name]) for name, _ in variants)
    print(f"Result\n  {'✓' if ok else '✗'} every way: all {n} URLs answered 200, in every run")
    rows = []
    for name, _ in variants:
        ideal = math.ceil(n / limits[name]) * delay / 1000
        wall = statistics.median(times[name])
        rows.append([name, limits[name], fmt_time(wall), fmt_time(ideal),
                     f"{ideal / wall:.0%}", most[name]])
    print()
    print_table("Measured (3 interleaved runs each; wall time: the median; most in flight: "
                "at the server)",
                ["way", "limit", "wall time", "ideal", "ideal / wall", "most in flight"], rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
