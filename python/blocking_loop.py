"""Blocking the event loop: the Python side of lesson 06 (a blocking call inside a coroutine).

A heartbeat task wants to wake every 10 ms on an asyncio loop; meanwhile another coroutine waits
200 ms three ways: time.sleep (blocks the loop), await asyncio.sleep, and
await asyncio.to_thread(time.sleep, ...). The heartbeat's worst lateness shows whether the loop was
free to run it.
Usage: python3 python/blocking_loop.py
"""

import asyncio
import sys
import time

from _kit import fmt_time, machine_line, print_table

TICK, WAIT = 0.010, 0.200


async def heartbeat(stop, lateness):
    due = time.perf_counter() + TICK
    while not stop.is_set():
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        lateness.append(time.perf_counter() - due)
        due += TICK


async def run(waiting):
    stop, lateness = asyncio.Event(), []
    beat = asyncio.create_task(heartbeat(stop, lateness))
    await asyncio.sleep(2 * TICK)  # let it beat a few times first
    start = time.perf_counter()
    await waiting()
    took = time.perf_counter() - start
    await asyncio.sleep(2 * TICK)
    stop.set()
    await beat
    return took, max(lateness)


async def blocking():
    time.sleep(WAIT)  # the whole loop stops: nothing else runs


async def awaiting():
    await asyncio.sleep(WAIT)


async def on_a_thread():
    await asyncio.to_thread(time.sleep, WAIT)


def main():
    print("Blocking the event loop in Python: a heartbeat every 10 ms beside a 200 ms wait")
    print(machine_line())
    print()
    rows = []
    for name, waiting in (("time.sleep", blocking), ("await asyncio.sleep", awaiting),
                          ("await asyncio.to_thread", on_a_thread)):
        took, worst = asyncio.run(run(waiting))
        rows.append([name, fmt_time(took), fmt_time(worst)])
    print_table("One run each: how long the wait took, and the heartbeat's worst lateness",
                ["the 200 ms wait", "took", "worst heartbeat lateness"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
