#!/usr/bin/env bash
# Regenerates every recorded run and figure of the book: each lesson, built in release mode, run
# with the options of its snapshot test (--workers 2), writing into book/src/recorded/<lesson>/:
#   <experiment>.txt     what one experiment printed, shown in its chapter right after its text
#   opening.txt          the lesson's opening lines (the machine it ran on)
#   output.txt           everything the lesson printed, shown in its chapter as a collapsed log
#   output.redacted.txt  the same with measured numbers redacted; the workspace tests compare it
#                        with the lesson's snapshot, and every <experiment>.txt with output.txt,
#                        so the book cannot drift from the code
#   *.svg                the timelines and speedup charts
# Then the Python programs of python/ into book/src/recorded/python/ (when python3 is here), and
# the course pages' figures and lists of wrong answers (book/figures.txt, tests/src/course.rs).
# See book/CONVENTIONS.md for how a chapter shows them.
# Usage: book/record.sh [lesson-NN-topic ...]   (all lessons and python/ by default)
#        book/record.sh python                 (only the Python programs)
set -euo pipefail
cd "$(dirname "$0")/.."

lessons=()
python=no
if [ $# -eq 0 ]; then
  python=yes
  for manifest in lessons/*/Cargo.toml; do
    lessons+=("$(sed -n 's/^name *= *"\(lesson-[0-9][0-9]-[^"]*\)".*/\1/p' "$manifest" | head -n 1)")
  done
fi
for argument in "$@"; do
  if [ "$argument" = python ]; then python=yes; else lessons+=("$argument"); fi
done

for lesson in "${lessons[@]}"; do
  echo "recording $lesson" >&2
  rm -rf "book/src/recorded/$lesson"
  cargo run --release --quiet -p "$lesson" -- --workers 2 --record "book/src/recorded/$lesson" > /dev/null
done

# The Python side (python/README.md), beside the Rust runs, so a reader can compare both on one
# machine. Nothing else depends on Python; without python3 the recordings already made stay.
if [ "$python" = yes ]; then
  if command -v python3 > /dev/null; then
    mkdir -p book/src/recorded/python
    for program in python/[a-z]*.py; do
      echo "recording $program ($(python3 --version))" >&2
      python3 "$program" > "book/src/recorded/python/$(basename "$program" .py).txt"
    done
    # A lesson's own Python script (lessons/NN-topic/python/x.py) as NN-topic-x.txt.
    for program in lessons/*/python/[a-z]*.py; do
      lesson="$(basename "$(dirname "$(dirname "$program")")")"
      echo "recording $program (about a minute)" >&2
      python3 "$program" > "book/src/recorded/python/$lesson-$(basename "$program" .py).txt"
    done
  else
    echo "python3 not found: the Python runs in book/src/recorded/python/ were not re-recorded" >&2
  fi
fi

# The course pages' figures and lists of wrong answers, from the recordings as they are now.
cargo run --quiet -p workspace-checks --bin course-pages
