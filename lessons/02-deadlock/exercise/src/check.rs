//! The check a teacher runs: every philosopher eats every meal, at tables of any size, and not one
//! dinner in many deadlocks while the window is forced open. Every failure says what went wrong
//! at the table, in words.

use std::time::Duration;

use lesson_02_deadlock::philosophers::{Dine, Dinner, dinner};
use lesson_02_deadlock::watchdog::Stuck;
use lesson_kit::exercise::Checklist;
use lesson_kit::value::format_duration;

/// The function the exercise asks for.
#[derive(Clone, Copy)]
pub struct Answer {
    pub dine: Dine,
}

/// The checklist's own limit: only an answer that hangs outside the watchdog's sight reaches it.
const LIMIT: Duration = Duration::from_secs(60);
/// The time a dinner may take. A correct one takes a small fraction of it.
pub const DINNER_LIMIT: Duration = Duration::from_secs(5);
/// Dinners with the window forced open: a fix that deadlocks one dinner in ten fails with near
/// certainty ((9/10)^200 is about one in 10^9).
pub const TRIALS: usize = 200;
/// A short meal, so that many dinners fit in the check.
const QUICK_MEAL: Duration = Duration::from_micros(50);

/// What is wrong with a dinner, in a student's words, or `Ok` if nothing is.
fn judge(dinner: &Dinner, meals: usize) -> Result<(), String> {
    match &dinner.stuck {
        Some(stuck @ Stuck::Deadlock { .. }) => {
            return Err(format!(
                "deadlock: {}. Each waits for a fork the next one holds, so none can eat again",
                stuck.lines().join("; ")
            ));
        }
        Some(stuck @ Stuck::NoProgress { .. }) => return Err(stuck.lines().join("; ")),
        None => {}
    }
    for (philosopher, &ate) in dinner.meals.iter().enumerate() {
        if ate == 0 {
            return Err(format!(
                "philosopher {philosopher} ate 0 of {meals} meals: it starved while the others ate"
            ));
        }
        if ate != meals {
            return Err(format!(
                "philosopher {philosopher} ate {ate} meals; it should eat exactly {meals}"
            ));
        }
    }
    if dinner.elapsed > DINNER_LIMIT {
        return Err(format!(
            "the dinner took {}, more than the {} allowed: do philosophers wait longer than they need to?",
            format_duration(dinner.elapsed),
            format_duration(DINNER_LIMIT)
        ));
    }
    Ok(())
}

/// Five philosophers, twenty meals each, a millisecond a meal.
fn everyone_eats(answer: Answer) -> Result<String, String> {
    let (seats, meals) = (5, 20);
    let dinner = dinner(seats, meals, Duration::from_millis(1), answer.dine);
    judge(&dinner, meals)?;
    Ok(format!(
        "{seats} philosophers ate all {meals} meals each, in {}",
        format_duration(dinner.elapsed)
    ))
}

/// Tables of other sizes: a fix that only works for five philosophers is no fix.
fn any_table_size(answer: Answer) -> Result<String, String> {
    let sizes = [2, 3, 4, 7, 12];
    for seats in sizes {
        let dinner = dinner(seats, 5, QUICK_MEAL, answer.dine);
        judge(&dinner, 5).map_err(|e| format!("at a table of {seats}: {e}"))?;
    }
    Ok(format!("tables of {sizes:?} philosophers all finished"))
}

/// Many dinners with the window forced open: a fix that deadlocks only sometimes fails here.
fn never_deadlocks(answer: Answer) -> Result<String, String> {
    for trial in 1..=TRIALS {
        let dinner = dinner(5, 3, QUICK_MEAL, answer.dine);
        judge(&dinner, 3).map_err(|e| {
            format!(
                "dinner {trial} of {TRIALS}: {e}. A fix that fails only now and then is still \
                 wrong: the window forced open here is what, one day, happens by chance"
            )
        })?;
    }
    Ok(format!(
        "{TRIALS} dinners with the window forced open, none deadlocked"
    ))
}

/// Runs every check on `answer`.
pub fn check(answer: Answer) -> Checklist {
    let mut checklist = Checklist::new();
    checklist.check("every philosopher eats", LIMIT, move || {
        everyone_eats(answer)
    });
    checklist.check("any table size", LIMIT, move || any_table_size(answer));
    checklist.check("no deadlock in many dinners", LIMIT, move || {
        never_deadlocks(answer)
    });
    checklist
}
