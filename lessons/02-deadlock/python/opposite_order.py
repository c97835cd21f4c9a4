"""The articles' two functions, run once each and run in a loop, under CPython's GIL.

    python3 lessons/02-deadlock/python/opposite_order.py

A trial that has not finished after 5 s counts as deadlocked; its threads are daemons, left
behind for the interpreter to drop at exit (Python cannot free a thread stuck in acquire()).
"""

import sys
import threading


def trial(rounds):
    lock_a, lock_b = threading.Lock(), threading.Lock()

    def a_to_b():
        for _ in range(rounds):
            with lock_a:
                with lock_b:
                    pass

    def b_to_a():
        for _ in range(rounds):
            with lock_b:
                with lock_a:
                    pass

    threads = [threading.Thread(target=f, daemon=True) for f in (a_to_b, b_to_a)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    return any(t.is_alive() for t in threads)


if __name__ == "__main__":
    print(f"CPython {sys.version.split()[0]}")
    once = sum(trial(1) for _ in range(2000))
    print(f"each function once: {once} of 2000 trials deadlocked")
    looped = sum(trial(200_000) for _ in range(5))
    print(f"each function 200,000 times in a loop: {looped} of 5 trials deadlocked")
