//! What each consumer worked on, and when: the timeline of experiment 1, and the check drawn
//! from it ("never more than one consumer working at a time").
//!
//! A consumer keeps its own log while it works, with no lock, and hands it to the shared
//! [`Recorder`] once, when it is done. Items worked back to back make one span of work, so that a
//! timeline records stretches of work, not single operations.

use std::time::{Duration, Instant};

use lesson_kit::timeline::{Recorder, Timeline};

use crate::items::work;

/// Items worked less than this apart belong to one span. Half an item's work in experiment 1, so
/// that if another consumer took the lock and worked in between, the gap is longer and the spans
/// stay apart.
const GAP: Duration = Duration::from_micros(10);

/// One consumer's working time, handed to the recorder when it is dropped.
pub struct WorkLog<'a> {
    recorder: &'a Recorder,
    row: usize,
    spans: Vec<(Instant, Instant)>,
}

impl<'a> WorkLog<'a> {
    pub fn new(recorder: &'a Recorder, row: usize) -> WorkLog<'a> {
        WorkLog {
            recorder,
            row,
            spans: Vec::new(),
        }
    }

    /// Does an item's work (see [`work`]) for `cost`, and logs when.
    pub fn work(&mut self, item: u64, cost: Duration) -> u64 {
        let start = Instant::now();
        let result = work(item, cost);
        extend(&mut self.spans, start, Instant::now());
        result
    }
}

/// Adds the work from `start` to `end`, as a span of its own or as the end of the last one.
fn extend(spans: &mut Vec<(Instant, Instant)>, start: Instant, end: Instant) {
    match spans.last_mut() {
        Some(last) if start.saturating_duration_since(last.1) < GAP => last.1 = end,
        _ => spans.push((start, end)),
    }
}

impl Drop for WorkLog<'_> {
    fn drop(&mut self) {
        for &(start, end) in &self.spans {
            self.recorder.span(self.row, start, end);
        }
    }
}

/// The most spans of `timeline` open at the same moment: how many consumers worked at once.
pub fn most_at_once(timeline: &Timeline) -> usize {
    let mut events: Vec<(Duration, i32)> = Vec::new();
    for span in &timeline.spans {
        events.push((span.start, 1));
        events.push((span.end, -1));
    }
    // At equal times an end comes first: back-to-back spans do not overlap.
    events.sort();
    let (mut open, mut most) = (0i32, 0i32);
    for (_, change) in events {
        open += change;
        most = most.max(open);
    }
    most as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_close_together_make_one_span() {
        let t = Instant::now();
        let us = |n: u64| t + Duration::from_micros(n);
        let mut spans = Vec::new();
        extend(&mut spans, us(0), us(20));
        extend(&mut spans, us(21), us(41)); // 1 µs later: the same span
        extend(&mut spans, us(70), us(90)); // 29 µs later: someone else may have worked
        assert_eq!(spans, vec![(us(0), us(41)), (us(70), us(90))]);
    }

    #[test]
    fn overlapping_spans_are_counted() {
        let recorder = Recorder::new();
        let t = Instant::now();
        let ms = |n: u64| t + Duration::from_millis(n);
        recorder.span(0, ms(0), ms(10));
        recorder.span(1, ms(5), ms(15));
        recorder.span(1, ms(15), ms(20)); // back to back with its own: no overlap
        recorder.span(0, ms(20), ms(30)); // starts where the other ends
        let timeline = recorder.finish("t", "", vec![]);
        assert_eq!(most_at_once(&timeline), 2);
    }
}
