"""Downloads feeding CPU work: the Python side of lesson 07 (asyncio + ProcessPoolExecutor).

N "photos" on a local server (python/_server.py), each answered after 12 ms, at most 4 downloads
in flight; each photo is then processed by pure-Python CPU work (a checksum over its bytes, many
rounds) standing in for a thumbnail. Three ways:
  - CPU in the coroutine: the work runs on the event loop's thread, right after each download;
  - two phases (the articles' design): asyncio.gather every download, then hand every photo to a
    ProcessPoolExecutor through loop.run_in_executor;
  - streaming: each photo goes to the pool as soon as it is in, at most MAX_HELD photos in memory.
A heartbeat task wants to wake every 10 ms: its worst lateness shows whether the loop was free.
The ideal: downloads and CPU overlapped, max(downloads alone, CPU alone / workers); for the two
phases, their sum.
Usage: python3 python/hybrid_pipeline.py [PHOTOS] [WORKERS]   (defaults: 32, 2)
"""

import asyncio
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from _kit import fmt_time, int_arg, interleaved, machine_line, print_table
from _server import Server, photo

DELAY_MS, IN_FLIGHT, MAX_HELD, ROUNDS, TICK = 12, 4, 6, 8, 0.010


def make_thumbnail(data):
    """The CPU work: pure Python, so it holds the GIL the whole time it runs."""
    h = 0
    for _ in range(ROUNDS):
        for byte in data:
            h = (h * 31 + byte) & 0xFFFFFFFF
    return h


async def download(url, in_flight):
    async with in_flight:  # at most IN_FLIGHT requests at once
        host_port, path = url.removeprefix("http://").split("/", 1)
        host, port = host_port.split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(f"GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        response = await reader.read()  # until the server closes
        writer.close()
        await writer.wait_closed()
    return response.split(b"\r\n\r\n", 1)[1]


class Held:
    """Counts the photos in memory: from the end of a download to the end of its CPU work."""

    def __init__(self):
        self.now = self.most = 0

    def add(self):
        self.now += 1
        self.most = max(self.most, self.now)

    def done(self):
        self.now -= 1


async def cpu_in_the_coroutine(urls, pool, held):
    in_flight = asyncio.Semaphore(IN_FLIGHT)

    async def one(url):
        data = await download(url, in_flight)
        held.add()
        result = make_thumbnail(data)  # the loop runs nothing else meanwhile
        held.done()
        return result

    return await asyncio.gather(*(one(u) for u in urls))


async def two_phases(urls, pool, held):
    in_flight = asyncio.Semaphore(IN_FLIGHT)

    async def fetch(url):
        data = await download(url, in_flight)
        held.add()
        return data

    photos = await asyncio.gather(*(fetch(u) for u in urls))  # phase 1: every photo in memory
    loop = asyncio.get_running_loop()
    results = await asyncio.gather(*(loop.run_in_executor(pool, make_thumbnail, p)
                                     for p in photos))  # phase 2
    for _ in photos:
        held.done()
    return results


async def streaming(urls, pool, held):
    in_flight, room = asyncio.Semaphore(IN_FLIGHT), asyncio.Semaphore(MAX_HELD)
    loop = asyncio.get_running_loop()

    async def one(url):
        async with room:  # a photo may be downloaded only while fewer than MAX_HELD are held
            data = await download(url, in_flight)
            held.add()
            result = await loop.run_in_executor(pool, make_thumbnail, data)
            held.done()
            return result

    return await asyncio.gather(*(one(u) for u in urls))


async def heartbeat(stop, lateness):
    due = time.perf_counter() + TICK
    while not stop.is_set():
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        lateness.append(time.perf_counter() - due)
        due += TICK


async def watched(way, urls, pool, held):
    """Runs one way beside a heartbeat; returns its results and the heartbeat's worst lateness."""
    stop, lateness = asyncio.Event(), []
    beat = asyncio.create_task(heartbeat(stop, lateness))
    results = await way(urls, pool, held)
    stop.set()
    await beat
    return results, max(lateness, default=0.0)


def main():
    n = int_arg(1, "PHOTOS", 32, 1, 10_000)
    workers = int_arg(2, "WORKERS", 2, 1, 64)
    print("Downloads feeding CPU work in Python: asyncio and a ProcessPoolExecutor, three ways")
    print(machine_line())
    print()
    expected = [make_thumbnail(photo(i)) for i in range(n)]
    ways = {"CPU in the coroutine": cpu_in_the_coroutine, "two phases": two_phases,
            "streaming": streaming}
    results, lags, most_held = {}, {}, {}
    with Server() as server, ProcessPoolExecutor(max_workers=workers) as pool:
        urls = [server.photo_url(i, DELAY_MS) for i in range(n)]
        list(pool.map(make_thumbnail, [b"x"] * 4 * workers))  # start the workers before timing

        def way(name):
            def run():
                held = Held()
                got, lag = asyncio.run(watched(ways[name], urls, pool, held))
                results.setdefault(name, []).append(got)
                lags[name] = max(lags.get(name, 0.0), lag)
                most_held[name] = max(most_held.get(name, 0), held.most)
            return name, run

        def downloads_alone():
            async def all_of_them():
                in_flight = asyncio.Semaphore(IN_FLIGHT)
                return await asyncio.gather(*(download(u, in_flight) for u in urls))
            asyncio.run(all_of_them())

        def cpu_alone():
            for i in range(n):
                make_thumbnail(photo(i))

        costs = interleaved([("downloads", downloads_alone), ("cpu", cpu_alone)], reps=3)
        times = interleaved([way(name) for name in ways], reps=3)
    ok = all(got == expected for runs in results.values() for got in runs)
    print("Result")
    print(f"  {'✓' if ok else '✗'} every way made the same {n} checksums as one process alone,"
          " in every run")
    download_time, cpu_time = min(costs["downloads"]), min(costs["cpu"])
    cores = min(workers, os.cpu_count() or 1)
    overlapped = max(download_time, cpu_time / cores)
    both = download_time + cpu_time / cores
    print(f"  Measured costs: the downloads alone take {fmt_time(download_time)}, the CPU work"
          f" {fmt_time(cpu_time)} on one process ({fmt_time(cpu_time / n)} a photo);\n    on {cores}"
          f" workers the ideal is {fmt_time(overlapped)} overlapped, {fmt_time(both)} as two"
          " phases.")
    print()
    rows, walls = [], {}
    for name in ways:
        walls[name] = statistics.median(times[name])
        ideal = both if name == "two phases" else overlapped
        rows.append([name, fmt_time(walls[name]), fmt_time(ideal),
                     f"{ideal / walls[name]:.0%}", fmt_time(lags[name]), most_held[name]])
    print_table("Measured (3 interleaved runs each; wall time is the median, lag and photos held"
                " the worst run)",
                ["way", "wall time", "ideal", "ideal / wall", "worst lag", "photos held"], rows)
    print()
    print("Verdict")
    print(f"  The two phases took {walls['two phases'] / walls['streaming']:.2f}x the streaming"
          f" way's time and held {most_held['two phases']} photos at once, against"
          f" {most_held['streaming']}.")
    print(f"  CPU in the coroutine: the heartbeat was up to {fmt_time(lags['CPU in the coroutine'])}"
          f" late (the streaming way: {fmt_time(lags['streaming'])}):\n    the loop ran nothing else"
          " while a photo was processed.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
