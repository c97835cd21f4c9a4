"""What the Python programs share: the machine line, timing, and a table like the lessons' tables."""

import os
import platform
import sys
import time


def machine_line():
    """The interpreter and machine the numbers come from, and whether this build has a GIL."""
    gil = "with the GIL"
    is_enabled = getattr(sys, "_is_gil_enabled", None)  # 3.13+; free-threaded builds can disable it
    if is_enabled is not None and not is_enabled():
        gil = "free-threaded, GIL disabled"
    # Other programs compete for the cores: the load average says how busy the machine was.
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} "
            f"{platform.python_version()} ({gil}); load average {load:.1f} at the start")


def interleaved(variants, reps):
    """Runs each variant `reps` times, one rep of each in turn; returns {name: [seconds, ...]}."""
    times = {name: [] for name, _ in variants}
    for _ in range(reps):
        for name, run in variants:
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def fmt_time(seconds):
    """Three significant digits and a unit, as the lessons print times."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            value = seconds / scale
            decimals = 0 if value >= 100 else 1 if value >= 10 else 2
            return f"{value:.{decimals}f} {unit}"
    return f"{seconds * 1e9:.0f} ns"


def print_table(caption, headers, rows):
    """A table with right-aligned columns (the first left-aligned), as the lessons print them."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells):
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:])]
        return "  " + "  ".join([first, *rest])

    print(caption)
    print(line(headers))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))


def int_arg(position, name, default, low, high):
    """The command line's argument at `position` as an int in low..=high, or `default` when it is
    absent. A bad value gets one line naming it and what is allowed, and exit code 2, as the
    lessons do."""
    if len(sys.argv) <= position:
        return default
    text = sys.argv[position]
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        print(f"{name} must be a whole number from {low} to {high}, not {text!r}", file=sys.stderr)
        sys.exit(2)
    return value
