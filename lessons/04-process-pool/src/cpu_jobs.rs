//! Experiments 1 to 3: the CPU jobs of the Python articles, each run the four ways of
//! [`four_ways`](crate::four_ways), which this module re-exports.

use lesson_kit::measure::{Runs, agreed_result};
use lesson_kit::speedup::{Comparison, Judgement, compare};
use lesson_kit::{Measured, Phrase, Section, phrase};

pub use crate::four_ways::*;
use crate::jobs::{Output, Task, checksum, prime_tasks, sieve_count, square_tasks};
use crate::thumbnails::{THUMBNAIL_BOX, THUMBNAIL_QUALITY};

/// The table, verdicts and chart of a job's runs.
/// `memory_bound`: threads decoding and encoding photos share the memory bus, so from run to run
/// they land on either side of 70% of the ideal as well as of 90%; their words then vary from
/// "a partial speedup" up (a run with no real speedup still reads as one).
fn report_speedups(
    section: &mut Section,
    measured: &JobRuns,
    setup: Setup,
    chart_title: String,
    memory_bound: bool,
) {
    let runs = &measured.runs;
    let comparison = compare(
        runs,
        setup.workers,
        &measured.capacity,
        "workers",
        chart_title,
    );
    section.capacity(&comparison.capacity);
    let others = runs
        .iter()
        .zip(&measured.ways)
        .zip(&comparison.speedups)
        .skip(1);
    for ((r, way), speedup) in others {
        let variant = format!("{} ({})", r.name, setup.workers);
        let memory_bound_partial = memory_bound && speedup.judgement() == Judgement::Partial;
        if *way == Way::Gil(GilUse::Held) {
            // About one thread's speed; a little under it when taking turns costs extra.
            section.verdict(speedup.verdict_no_gain_expected(&variant, "sequential"));
        } else if *way == Way::ProcessPool || memory_bound_partial {
            // With a few tasks per worker, the pool's start-up and warm-up put it near the edge
            // between "most of the ideal" and "close to the ideal"; photo threads sharing the
            // memory bus land either side of 70% too. Their words depend on the run.
            section.verdict(phrase!(
                "{}: {} the speed of sequential, {} of the {} this machine allows: {}.",
                variant,
                Measured::Ratio(speedup.ratio),
                Measured::Share(speedup.efficiency()),
                Measured::Machine(lesson_kit::capacity::format_ideal(speedup.ideal)),
                Measured::Varies(speedup.judgement().words().to_string())
            ));
        } else {
            // By their median runs, threads reach 80% to 100% of the ideal from run to run.
            section.verdict(speedup.verdict_near_90_percent(&variant, "sequential"));
        }
    }
    section.table(&Comparison::caption(setup.reps), comparison.table);
    section.chart(comparison.chart);
}

/// The agreement check: every run of every variant produced the same outputs.
fn check_agreement(section: &mut Section, runs: &[Runs<u64>], what: Phrase) {
    match agreed_result(runs) {
        Ok(_) => {
            let mut line = phrase!("all {} variants agree, in every run: ", runs.len());
            line.segments.extend(what.segments);
            section.check(true, line);
        }
        Err(disagreement) => section.check(false, phrase!("variants disagree: {}", disagreement)),
    }
}

/// The range whose primes the articles' process pool counts.
pub const ARTICLES_RANGE: std::ops::Range<u64> = 1_000_000..1_000_500;

// ANCHOR: articles_range
/// The articles' example as they run it, on a process pool, one task per worker; and the same
/// count by a sieve of Eratosthenes, which shares no code with the trial division.
pub fn articles_range(setup: Setup) -> (u64, u64) {
    let (start, len) = (
        ARTICLES_RANGE.start,
        ARTICLES_RANGE.end - ARTICLES_RANGE.start,
    );
    let tasks: Vec<Task> = prime_tasks(len, setup.workers as u64)
        .into_iter()
        .map(|task| match task {
            Task::CountPrimes { start: a, end: b } => Task::CountPrimes {
                start: start + a,
                end: start + b,
            },
            other => other,
        })
        .collect();
    let (outputs, _) = with_process_pool(&tasks, setup.program, setup.workers);
    let on_pool = outputs
        .iter()
        .map(|o| match o {
            Output::Count(c) => *c,
            _ => 0,
        })
        .sum();
    (on_pool, sieve_count(ARTICLES_RANGE))
}
// ANCHOR_END: articles_range

/// Experiment 1: count the primes below `limit`, in 16 tasks.
pub fn primes(limit: u64, setup: Setup) -> Section {
    let mut section = Section::new("primes", "Counting primes").about(
        "Count the primes below the size by trial division, in 16 tasks: one after another, on \
         rayon's threads, on threads under a simulated GIL (Python's threads), and on a pool of \
         worker processes (Python's multiprocessing), start-up included.",
    );
    let tasks = prime_tasks(limit, 16);
    let measured = measure_job(&tasks, setup, false);
    let primes: u64 = measured
        .outputs
        .iter()
        .map(|o| match o {
            Output::Count(c) => *c,
            _ => 0,
        })
        .sum();
    let checksum = checksum(&measured.outputs);
    check_agreement(
        &mut section,
        &measured.runs,
        phrase!(
            "{} primes below {} (checksum {})",
            primes,
            limit,
            format!("{checksum:016x}")
        ),
    );
    let (on_pool, by_sieve) = articles_range(setup);
    section.check(
        on_pool == by_sieve,
        phrase!(
            "the articles' own example, the primes in range({}, {}): {} on the process pool, {} by \
             a sieve of Eratosthenes (another method, to check it)",
            ARTICLES_RANGE.start,
            ARTICLES_RANGE.end,
            on_pool,
            by_sieve
        ),
    );
    report_speedups(
        &mut section,
        &measured,
        setup,
        format!("Primes below {limit}: speedup over one thread"),
        false,
    );
    section.verdict(
        "Why: rayon and the processes computed side by side; under the GIL the threads took turns. \
         The processes also paid for starting and for every message.",
    );
    if let Some(t) = measured.gil_timeline {
        section.timeline(t);
    }
    if let Some(t) = measured.pool_timeline {
        section.timeline(t);
    }
    section
}

/// Experiment 2: the articles' sum of squares, `tasks` times over about `n` numbers.
pub fn squares(n: u64, tasks: u64, setup: Setup) -> Section {
    let mut section = Section::new("squares", "Sums of squares").about(
        "The articles' favourite: sum(i * i for i in range(n)) for several n near the size, one \
         task each. The same four ways; pure computation, tiny messages.",
    );
    let batch = square_tasks(n, tasks);
    let measured = measure_job(&batch, setup, false);
    let first = match measured.outputs.first() {
        Some(Output::Sum(s)) => *s,
        _ => 0,
    };
    let checksum = checksum(&measured.outputs);
    check_agreement(
        &mut section,
        &measured.runs,
        phrase!(
            "{} sums; the first, below {}, is {} (checksum {})",
            tasks,
            n,
            first.to_string(),
            format!("{checksum:016x}")
        ),
    );
    report_speedups(
        &mut section,
        &measured,
        setup,
        format!("{tasks} sums of squares: speedup over one thread"),
        false,
    );
    section
}

/// Experiment 3: thumbnails of `photos` (JPEG files in memory); `why` says why that many.
pub fn thumbnails(photos: &[Vec<u8>], why: &str, setup: Setup) -> Section {
    // The same words in both builds: the book's recorded run (release) must match the snapshot
    // of the default run (debug).
    let mut section = Section::new("thumbnails", "A batch of thumbnails").about(
        "Decode each JPEG photo (3000x2000; 1500x1000 in a debug build, to keep its tour short), \
         shrink it to fit 800x800 with a Lanczos filter, encode it at quality 85. Pillow releases \
         the GIL inside its C code, so Python's threads do speed this job up: a fifth variant \
         releases the simulated GIL around each task.",
    );
    let tasks: Vec<Task> = photos
        .iter()
        .map(|jpeg| Task::Thumbnail { jpeg: jpeg.clone() })
        .collect();
    // How many photos depends on the build (see `main.rs`): a fact of this run, not a constant.
    section.result(phrase!(
        "{} photos: {}",
        Measured::Machine(photos.len().to_string()),
        Measured::Machine(why.to_string())
    ));
    let measured = measure_job(&tasks, setup, true);
    let thumbs: Vec<_> = measured
        .outputs
        .iter()
        .filter_map(|o| match o {
            Output::Thumbnail(t) => Some(t),
            _ => None,
        })
        .collect();
    let bytes: usize = thumbs.iter().map(|t| t.jpeg.len()).sum();
    let size = thumbs.first().map_or((0, 0), |t| (t.width, t.height));
    let checksum = checksum(&measured.outputs);
    // The JPEG bytes depend on which vector instructions the CPU has, so they are a fact about
    // this machine: the same in every variant and run here, perhaps not elsewhere.
    check_agreement(
        &mut section,
        &measured.runs,
        phrase!(
            "{} thumbnails of {}x{} fitting {}x{} at quality {}, {} of JPEG (checksum {})",
            Measured::Machine(thumbs.len().to_string()),
            size.0,
            size.1,
            THUMBNAIL_BOX,
            THUMBNAIL_BOX,
            u32::from(THUMBNAIL_QUALITY),
            Measured::Machine(format!("{bytes} bytes")),
            Measured::Machine(format!("{checksum:016x}"))
        ),
    );
    let per_image = measured.runs[0].min_wall() / photos.len().max(1) as u32;
    section.result(phrase!(
        "one thumbnail on one thread: {} per photo",
        Measured::Time(per_image)
    ));
    report_speedups(
        &mut section,
        &measured,
        setup,
        "Thumbnails: speedup over one thread".to_string(),
        true,
    );
    if let Some(t) = measured.pool_timeline {
        section.timeline(t);
    }
    section
}
