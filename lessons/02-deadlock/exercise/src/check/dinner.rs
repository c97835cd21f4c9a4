//! What one dinner showed, judged: every dish served, no deadlock, and how many cooks cooked at
//! once, from the dinner's own timeline.

use std::time::Duration;

use lesson_kit::value::format_duration;

use super::{DINNER_LIMIT, Judged};
use crate::kitchen::{Served, WINDOW_LIMIT};

/// What is wrong with one dinner, in a student's words.
pub(super) fn judge(served: &Served, dishes: usize) -> Result<(), Judged> {
    let wrong = |why: String| Err(Judged::Wrong(why));
    match (&served.stuck, served.deadlock) {
        (Some(lines), true) => {
            return wrong(format!(
                "deadlock: {}. Each waits for a tool the next one holds, so none can cook again",
                lines.join("; ")
            ));
        }
        (Some(lines), false) => return wrong(lines.join("; ")),
        _ => {}
    }
    for (cook, &cooked) in served.dishes.iter().enumerate() {
        if cooked == 0 {
            return wrong(format!(
                "cook {cook} cooked 0 of {dishes} dishes: it starved while the others cooked"
            ));
        }
        if cooked != dishes {
            return wrong(format!(
                "cook {cook} cooked {cooked} dishes; it should cook exactly {dishes}"
            ));
        }
    }
    if let Some((cook, tool)) = served.kept {
        return wrong(format!(
            "cook {cook} kept tool {tool} in hand from one dish to the next: every other cook \
             whose recipe needs tool {tool} waits until cook {cook} has cooked its whole dinner. \
             Put every tool back after each dish"
        ));
    }
    if let Some(&late) = served.never_reached.first() {
        return wrong(format!(
            "cook {late} reached for no tool in the first {} while another cook held one: it \
             slept or started late. A late start only makes the cycle rarer; the check holds \
             the opening window until every cook holds or waits for a tool",
            format_duration(WINDOW_LIMIT)
        ));
    }
    let elapsed = Duration::from_micros(served.elapsed_us);
    if elapsed > DINNER_LIMIT {
        return wrong(format!(
            "the dinner took {}, more than the {} allowed: do cooks wait longer than they need to?",
            format_duration(elapsed),
            format_duration(DINNER_LIMIT)
        ));
    }
    Ok(())
}

/// The most dishes cooking at the same moment, from the dinner's own timeline.
pub(super) fn most_at_once(spans: &[Vec<(u64, u64)>]) -> usize {
    let mut events: Vec<(u64, i32)> = spans
        .iter()
        .flatten()
        .flat_map(|&(start, end)| [(start, 1), (end, -1)])
        .collect();
    // An end sorts before a start at the same instant: touching dishes do not overlap.
    events.sort_unstable();
    let (mut now, mut most) = (0i32, 0i32);
    for (_, change) in events {
        now += change;
        most = most.max(now);
    }
    most as usize
}

/// Dishes cooking at once on average, from the first dish's start to the last one's end.
pub(super) fn average_at_once(spans: &[Vec<(u64, u64)>]) -> f64 {
    let dishes = spans.iter().flatten();
    let busy: u64 = dishes.clone().map(|&(start, end)| end - start).sum();
    let first = dishes.clone().map(|d| d.0).min().unwrap_or(0);
    let last = dishes.map(|d| d.1).max().unwrap_or(0);
    busy as f64 / (last - first).max(1) as f64
}
