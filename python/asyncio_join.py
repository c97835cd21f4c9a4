"""The asyncio producer-consumer that hangs in join(): the Python side of lesson 03's shutdown.

As the articles write it: a consumer that takes the None pill puts it back for the others and
returns, calling task_done() for the items only; queue.join() then waits for the pills'
task_done() forever. A timeout turns the hang into a report. Then with task_done() for each pill.
Usage: python3 python/asyncio_join.py
"""

import asyncio
import sys

from _kit import machine_line, print_table

ITEMS, CONSUMERS, PATIENCE = 1000, 2, 1.0


async def consumer(queue, done, pill_marked):
    while True:
        item = await queue.get()
        if item is None:
            if pill_marked:
                queue.task_done()
            else:
                await queue.put(None)  # the articles' way: the pill goes back, never marked done
            return
        done.append(item)
        queue.task_done()


async def pipeline(pill_marked):
    queue, done = asyncio.Queue(maxsize=16), []
    consumers = [asyncio.create_task(consumer(queue, done, pill_marked)) for _ in range(CONSUMERS)]
    for item in range(ITEMS):
        await queue.put(item)
    for _ in consumers:
        await queue.put(None)
    try:
        await asyncio.wait_for(queue.join(), PATIENCE)
        hung = False
    except asyncio.TimeoutError:
        hung = True
    await asyncio.gather(*consumers)  # they have all returned: nothing is left running
    return len(done), hung


def main():
    print(f"asyncio producer-consumer: {ITEMS} items, {CONSUMERS} consumers, None pills, join()")
    print(machine_line())
    print()
    rows = []
    for name, marked in (("pills not marked done", False), ("pills marked done", True)):
        consumed, hung = asyncio.run(pipeline(marked))
        waited = f"yes: still waiting after {PATIENCE:g} s" if hung else "no"
        rows.append([name, consumed, waited])
    print_table("join() waits for one task_done() per put(), pills included",
                ["way", "consumed", "join() hung"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
