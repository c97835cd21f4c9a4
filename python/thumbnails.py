"""A batch of thumbnails with Pillow: the Python side of lesson 04's thumbnails.

Makes 6 photos of 3000x2000 (JPEG), then shrinks each to fit 800x800 with a Lanczos filter and
encodes it at quality 85: on one thread, on 2 threads, on a pool of 2 processes. Pillow releases
the GIL inside its C code (decode, resize, encode), so threads speed this up.
Needs Pillow (`pip install Pillow`); without it the program says so and does nothing.
Usage: python3 python/thumbnails.py [PHOTOS] [WORKERS]   (defaults: 6, 2)
"""

import io
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from _kit import fmt_time, int_arg, interleaved, machine_line, print_table

try:
    from PIL import Image
except ImportError:
    Image = None


def photo(seed):
    """A 3000x2000 JPEG with detail to compress: a gradient with noise, different per seed."""
    noise = Image.effect_noise((3000, 2000), 40 + seed).convert("RGB")
    gradient = Image.linear_gradient("L").resize((3000, 2000)).convert("RGB")
    out = io.BytesIO()
    Image.blend(noise, gradient, 0.5).save(out, "JPEG", quality=90)
    return out.getvalue()


def thumbnail(jpeg):
    img = Image.open(io.BytesIO(jpeg))
    img.thumbnail((800, 800), Image.LANCZOS)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return len(out.getvalue())


def main():
    photos = int_arg(1, "PHOTOS", 6, 1, 1000)
    workers = int_arg(2, "WORKERS", 2, 1, 256)
    print("Thumbnails in Python (Pillow): one thread, threads, a process pool")
    print(machine_line())
    if Image is None:
        print("Pillow is not installed (pip install Pillow): nothing measured, skipped.")
        return 0
    print()
    jpegs = [photo(seed) for seed in range(photos)]
    sizes = {}
    with ThreadPoolExecutor(workers) as threads, ProcessPoolExecutor(workers) as processes:
        processes.submit(int).result()  # start the pool before timing
        variants = [
            ("one thread", lambda: sizes.setdefault("one thread", set()).add(
                tuple(map(thumbnail, jpegs)))),
            ("threads", lambda: sizes.setdefault("threads", set()).add(
                tuple(threads.map(thumbnail, jpegs)))),
            ("process pool", lambda: sizes.setdefault("process pool", set()).add(
                tuple(processes.map(thumbnail, jpegs)))),
        ]
        times = interleaved(variants, reps=3)
    agree = len({s for v in sizes.values() for s in v}) == 1
    print(f"Result\n  {'✓' if agree else '✗'} all 3 variants made the same {photos} thumbnails")
    base = min(times["one thread"])
    rows = [[name, 1 if name == "one thread" else workers, fmt_time(min(times[name])),
             f"{base / min(times[name]):.2f}x"] for name, _ in variants]
    print()
    print_table("Measured (3 interleaved runs each; speedup from the minimum times)",
                ["variant", "workers", "min", "speedup"], rows)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
