"""The racy counter: the Python side of lesson 01's shared-counter.

10 threads each add 1 to a global counter 100_000 times, without a lock, many trials: once as the
articles write it (`counter += 1`), once with a function call between the read and the write.
CPython 3.10+ lets another thread in only at a few places (a function's start, a loop's backward
jump, after a call into C), so the first form loses no update; the call opens a switch point.
Usage: python3 python/counter.py [TRIALS]   (default 20)
"""

import sys
import threading

from _kit import int_arg, machine_line, print_table

THREADS, INCREMENTS = 10, 100_000
counter = 0


def plain():
    global counter
    for _ in range(INCREMENTS):
        counter += 1


def same(value):
    return value


def with_a_call():
    global counter
    for _ in range(INCREMENTS):
        counter = same(counter) + 1  # same()'s start is a switch point between read and write


def trial(work):
    global counter
    counter = 0
    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counter


def main():
    trials = int_arg(1, "TRIALS", 20, 1, 10_000)
    expected = THREADS * INCREMENTS
    print("A shared counter without a lock, in Python")
    print(machine_line())
    print(f"switch interval: {sys.getswitchinterval() * 1000:g} ms")
    print()
    rows = []
    for name, work in (("counter += 1", plain), ("a call in between", with_a_call)):
        ends = [trial(work) for _ in range(trials)]
        lossy = sum(1 for e in ends if e != expected)
        rows.append([name, trials, lossy, min(ends)])
    print_table(f"{THREADS} threads x {INCREMENTS} increments, expected {expected}",
                ["form", "trials", "trials with lost updates", "lowest count"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
