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
# See book/CONVENTIONS.md for how a chapter shows them.
# Usage: book/record.sh [lesson-NN-topic ...]   (all lessons by default)
set -euo pipefail
cd "$(dirname "$0")/.."

lessons=("$@")
if [ ${#lessons[@]} -eq 0 ]; then
  for manifest in lessons/*/Cargo.toml; do
    lessons+=("$(sed -n 's/^name *= *"\(lesson-[0-9][0-9]-[^"]*\)".*/\1/p' "$manifest" | head -n 1)")
  done
fi

for lesson in "${lessons[@]}"; do
  echo "recording $lesson" >&2
  rm -rf "book/src/recorded/$lesson"
  cargo run --release --quiet -p "$lesson" -- --workers 2 --record "book/src/recorded/$lesson" > /dev/null
done
