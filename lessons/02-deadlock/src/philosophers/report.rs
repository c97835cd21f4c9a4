//! Experiment 3's report: the naive dinner's deadlock, then the fixed dinners side by side.

use std::time::Duration;

use lesson_kit::table::Table as TextTable;
use lesson_kit::{Measured, Section, phrase};

use super::{
    Dine, Dinner, EATING, dine_both_or_none, dine_both_or_none_fair, dine_left_first,
    dine_lower_first_fair, dine_lower_fork_first, dinner, eating_at_once_on_average,
    most_eating_at_once, neighbours_eating_together,
};
use crate::watchdog::Stuck;

/// The dinners that cannot deadlock, in the order the chapter presents them.
pub const FIXED_DINNERS: [(&str, Dine); 4] = [
    ("lower fork first", dine_lower_fork_first),
    ("lower first, fair unlock", dine_lower_first_fair),
    ("both forks or none", dine_both_or_none),
    ("both or none, fair unlock", dine_both_or_none_fair),
];

/// Every run of one fixed dinner, and the run with the median time.
struct Runs {
    name: &'static str,
    dinners: Vec<Dinner>,
}

impl Runs {
    fn median(&self) -> &Dinner {
        let mut order: Vec<&Dinner> = self.dinners.iter().collect();
        order.sort_by_key(|d| d.elapsed);
        order[(order.len() - 1) / 2]
    }

    fn spread(&self) -> (Measured, Measured) {
        let times = self.dinners.iter().map(|d| d.elapsed);
        let fastest = times.clone().min().unwrap_or_default();
        (
            Measured::Time(fastest),
            Measured::Time(times.max().unwrap_or_default()),
        )
    }
}

/// The naive dinner deadlocks: the check and the watchdog's words.
fn report_the_deadlock(section: &mut Section, naive: &Dinner) {
    let naive_meals: usize = naive.meals.iter().sum();
    match &naive.stuck {
        Some(stuck @ Stuck::Deadlock { after, .. }) => {
            section.check(
                true,
                phrase!(
                    "left fork first: deadlocked, found by the watchdog after {}, with {} meals eaten",
                    Measured::Time(*after),
                    Measured::Count(naive_meals as u64)
                ),
            );
            section.listing("What the watchdog reported:", &stuck.lines().join("\n"));
        }
        _ => section.check(
            false,
            "left fork first: expected a deadlock with the window forced open, and saw none",
        ),
    }
}

/// Runs the naive dinner once and each fixed dinner `reps` times, interleaved, and shows how many
/// philosophers ate at once.
pub fn dining_philosophers(seats: usize, meals: usize, reps: usize) -> Section {
    let mut section = Section::new("philosophers", "The dining philosophers").about(&format!(
        "{seats} philosophers round a table, {seats} forks, one between each pair; each must eat \
         {meals} meals of {}, and needs both forks beside it for each. First every philosopher \
         picks up the left fork, then the right. Then four dinners that cannot deadlock: lower \
         fork first; both forks or none; each of them again with forks put down by a fair \
         unlock. The window is forced open: at the start, each waits until all hold a fork or wait for one.",
        lesson_kit::value::format_duration(EATING)
    ));
    report_the_deadlock(&mut section, &dinner(seats, meals, EATING, dine_left_first));

    let mut runs: Vec<Runs> = FIXED_DINNERS
        .iter()
        .map(|&(name, _)| Runs {
            name,
            dinners: Vec::new(),
        })
        .collect();
    for _ in 0..reps.max(1) {
        for (runs, &(_, dine)) in runs.iter_mut().zip(&FIXED_DINNERS) {
            runs.dinners.push(dinner(seats, meals, EATING, dine));
        }
    }
    let all = || runs.iter().flat_map(|r| &r.dinners);
    section.check(
        all().all(|d| d.stuck.is_none() && d.meals.iter().all(|&m| m == meals)),
        phrase!(
            "the four fixed dinners, {} runs each: no deadlock; all {} philosophers ate all {} \
             meals in every run",
            reps.max(1),
            seats,
            meals
        ),
    );
    let most_possible = seats / 2;
    let overlapping: usize = all()
        .map(|d| neighbours_eating_together(&d.timeline, seats))
        .sum();
    let most_seen = all()
        .map(|d| most_eating_at_once(&d.timeline))
        .max()
        .unwrap_or(0);
    section.check(
        overlapping == 0 && most_seen <= most_possible,
        phrase!(
            "no two neighbours ever ate at the same moment (they share a fork), and never more \
             than {} of {} philosophers at once, as {} forks allow",
            most_possible,
            seats,
            seats
        ),
    );

    let shortest = EATING * (seats * meals).div_ceil(most_possible.max(1)) as u32;
    let mut table = TextTable::new(&[
        ("dinner", "dinner"),
        ("median_s", "median"),
        ("fastest_s", "fastest"),
        ("slowest_s", "slowest"),
        ("vs_shortest", "vs shortest"),
        ("most_at_once", "most at once"),
        ("average_at_once", "average at once"),
        ("furthest_behind", "furthest behind"),
        ("longest_wait_s", "longest wait"),
    ]);
    for r in &runs {
        let median = r.median();
        let (fastest, slowest) = r.spread();
        let most = r
            .dinners
            .iter()
            .map(|d| most_eating_at_once(&d.timeline))
            .max();
        table.row(vec![
            r.name.into(),
            Measured::Time(median.elapsed).into(),
            fastest.into(),
            slowest.into(),
            Measured::Ratio(median.elapsed.as_secs_f64() / shortest.as_secs_f64()).into(),
            Measured::Count(most.unwrap_or(0) as u64).into(),
            average_at_once(median).into(),
            Measured::Count(
                median
                    .when_first_finished
                    .iter()
                    .min()
                    .copied()
                    .unwrap_or(0) as u64,
            )
            .into(),
            Measured::Time(
                median
                    .longest_wait
                    .iter()
                    .max()
                    .copied()
                    .unwrap_or_default(),
            )
            .into(),
        ]);
    }
    section.table(
        &format!(
            "Measured ({} interleaved runs each; the median run's figures; shortest possible: \
             {} meals, {} at a time, {})",
            reps.max(1),
            seats * meals,
            most_possible,
            lesson_kit::value::format_duration(shortest)
        ),
        table,
    );
    verdicts(&mut section, &runs, meals, shortest);
    // The first dinner and the last, each in its median run: before and after both fixes.
    for (r, name) in [
        (&runs[0], "lower-first-timeline"),
        (&runs[3], "both-or-none-fair-timeline"),
    ] {
        let mut timeline = r.median().timeline.clone();
        timeline.name = name.into();
        timeline.title = format!(
            "{}: each row a philosopher, a bar while it eats",
            capitalise(r.name)
        );
        section.timeline(timeline);
    }
    section
}

/// How many ate at once on average, as a plain number ("1.57"): it is a count of philosophers.
fn average_at_once(dinner: &Dinner) -> Measured {
    Measured::Varies(format!("{:.2}", eating_at_once_on_average(dinner)))
}

fn capitalise(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// What the figures say, in words that hold for the figures printed.
fn verdicts(section: &mut Section, runs: &[Runs], meals: usize, shortest: Duration) {
    let average = |r: &Runs| average_at_once(r.median());
    let vs_shortest =
        |r: &Runs| Measured::Ratio(r.median().elapsed.as_secs_f64() / shortest.as_secs_f64());
    let furthest_behind = |r: &Runs| {
        let behind = r.median().when_first_finished.iter().min().copied();
        Measured::Count(behind.unwrap_or(0) as u64)
    };
    section.verdict(
        "Left fork first: every philosopher held one fork and waited for the next one's, right \
         round the table. Lower fork first: the last philosopher reaches for fork 0 before its \
         left fork, so the cycle cannot close.",
    );
    section.verdict(phrase!(
        "Lower fork first: {} philosophers ate at once on average, and the dinner took {} the \
         shortest possible. A waiting philosopher holds one fork while it waits for the other, \
         so the table waits in a chain behind one eater; and a plain unlock lets the eater take \
         its forks straight back: when the first philosopher had eaten its {} meals, the one \
         furthest behind had eaten {}.",
        average(&runs[0]),
        vs_shortest(&runs[0]),
        meals,
        furthest_behind(&runs[0])
    ));
    section.verdict(phrase!(
        "Fair unlock: {} at once on average, {} the shortest possible; the one furthest behind \
         had eaten {}. Each fork goes to the neighbour that waits for it, so the eater cannot \
         take it straight back; but a waiting philosopher still holds one fork.",
        average(&runs[1]),
        vs_shortest(&runs[1]),
        furthest_behind(&runs[1])
    ));
    section.verdict(phrase!(
        "Both forks or none: {} at once on average, {} the shortest possible; the one furthest \
         behind had eaten {}. Nobody waits holding a fork, so an eater blocks only its two \
         neighbours, not the table behind them; the plain unlock still lets it eat on.",
        average(&runs[2]),
        vs_shortest(&runs[2]),
        furthest_behind(&runs[2])
    ));
    section.verdict(phrase!(
        "Both or none with a fair unlock: {} at once on average, {} the shortest possible; the \
         one furthest behind had eaten {}. Each fix removes one of the two causes.",
        average(&runs[3]),
        vs_shortest(&runs[3]),
        furthest_behind(&runs[3])
    ));
    let mut by_time: Vec<&Runs> = runs.iter().collect();
    by_time.sort_by_key(|r| r.median().elapsed);
    let order: Vec<&str> = by_time.iter().map(|r| r.name).collect();
    section.verdict(phrase!(
        "Shortest dinner first, by the median run: {}.",
        Measured::Varies(order.join(", "))
    ));
}
