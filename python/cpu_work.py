"""CPU work on threads and on a process pool: the Python side of lessons 01 and 04.

Counts the primes below the size by trial division, as lesson 01's cpu-work and lesson 04's primes
do: on one thread, on threads (threading), and on a process pool (ProcessPoolExecutor). Then the
articles' own example, the primes in range(1_000_000, 1_000_500).
Usage: python3 python/cpu_work.py [SIZE] [WORKERS]   (defaults: 200000, 2)
"""

import sys
import threading
from concurrent.futures import ProcessPoolExecutor

from _kit import fmt_time, int_arg, interleaved, machine_line, print_table

TASKS = 16


def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def count_primes(start, end):
    return sum(1 for n in range(start, end) if is_prime(n))


def chunks(size):
    step = -(-size // TASKS)
    return [(lo, min(lo + step, size)) for lo in range(0, size, step)]


def on_threads(size, workers):
    """Threads take the chunks in turn; under the GIL only one runs Python code at a time."""
    parts = chunks(size)
    counts = []
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if not parts:
                    return
                lo, hi = parts.pop()
            found = count_primes(lo, hi)
            with lock:
                counts.append(found)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts)


def on_processes(pool, size):
    parts = chunks(size)
    return sum(pool.map(count_primes, [p[0] for p in parts], [p[1] for p in parts]))


def main():
    size = int_arg(1, "SIZE", 200_000, 2, 100_000_000)
    workers = int_arg(2, "WORKERS", 2, 1, 256)
    print("CPU work in Python: one thread, threads, a process pool")
    print(machine_line())
    print()
    expected = count_primes(0, size)
    # The pool is started once, before timing, as lesson 04's "costs" pool is.
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pool.map(count_primes, [0] * workers, [1] * workers)
        results = {}

        def record(name, value):
            results.setdefault(name, set()).add(value)

        variants = [
            ("one thread", lambda: record("one thread", count_primes(0, size))),
            ("threads", lambda: record("threads", on_threads(size, workers))),
            ("process pool", lambda: record("process pool", on_processes(pool, size))),
        ]
        times = interleaved(variants, reps=3)
    agree = all(values == {expected} for values in results.values())
    print(f"Result\n  {'✓' if agree else '✗'} all 3 variants counted {expected} primes below {size}")
    base = min(times["one thread"])
    rows = []
    for name, _ in variants:
        best = min(times[name])
        n = 1 if name == "one thread" else workers
        rows.append([name, n, fmt_time(best), f"{base / best:.2f}x"])
    print()
    print_table("Measured (3 interleaved runs each; speedup from the minimum times)",
                ["variant", "workers", "min", "speedup"], rows)
    article = count_primes(1_000_000, 1_000_500)
    print()
    print(f"The articles' example: {article} primes in range(1_000_000, 1_000_500)")
    return 0 if agree else 1


if __name__ == "__main__":  # the guard a process pool needs: workers import this module
    sys.exit(main())
