//! The judge: every cook cooks every dish, in kitchens of any shape, cooks really cook at once
//! where the recipes allow it, and not one dinner in many deadlocks while the window is forced
//! open. The dinners run in the contained answer runner; what they showed comes back as raw
//! observations, and every verdict is decided here. Each check starts its own runner, so one
//! fault fails one check.
//!
//! - [`dinner`]: what one dinner showed, judged: every dish served, no deadlock, how many cooked
//!   at once.

mod dinner;

use std::time::Duration;

use lesson_kit::exercise::{Checklist, Contained, Dice, Judged, Limits, Sandbox};
use lesson_kit::value::format_duration;

use crate::Request;
use crate::kitchen::Served;
use dinner::{average_at_once, judge, most_at_once};

/// The time a dinner may take. A correct one takes a small fraction of it.
pub const DINNER_LIMIT: Duration = Duration::from_secs(5);
/// Dinners with the window forced open: a fix that deadlocks one dinner in ten fails with near
/// certainty ((9/10)^100 is about one in 38 000).
pub const TRIALS: usize = 100;

/// `cargo run -p lesson-02-exercise`, or a teacher's check of one file: prints the checklist and
/// exits with the verdict's code.
pub fn main(name: &str) -> ! {
    println!("Checking {name} against lesson 02's exercise");
    let mut judge = Judge::new();
    let checklist = judge.check();
    println!("The answer ran contained: {}.", judge.runner.files);
    print!("{}", judge.runner.notes);
    checklist.print_and_exit()
}

/// Recipes for `cooks` cooks over as many tools, `each` tools a recipe: a ring through the
/// tools in a random order, each recipe listing its tools along the ring. Taken in the listed
/// order, every cook can hold its first tool and wait for the next cook's.
fn ring(dice: &mut Dice, cooks: usize, each: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..cooks).collect();
    for i in (1..cooks).rev() {
        order.swap(i, dice.below(i + 1));
    }
    (0..cooks)
        .map(|c| (0..each).map(|k| order[(c + k) % cooks]).collect())
        .collect()
}

/// Runs the checks in turn, each with a fresh runner, and keeps what the answer printed.
pub struct Judge {
    dice: Dice,
    /// Each check's runner, what protects the files, and what the answer printed.
    pub runner: Contained,
}

impl Default for Judge {
    fn default() -> Self {
        Judge::new()
    }
}

impl Judge {
    pub fn new() -> Judge {
        Judge {
            dice: Dice::new(),
            runner: Contained::new(),
        }
    }

    pub fn check(&mut self) -> Checklist {
        let mut checklist = Checklist::new();
        let checks: [(&str, Check); 4] = [
            ("every cook cooks", Judge::everyone_cooks),
            ("kitchens of any shape", Judge::any_shape),
            ("cooks cook at once", Judge::cook_at_once),
            ("no deadlock in many dinners", Judge::never_deadlocks),
        ];
        for (name, check) in checks {
            let result = self.contained(name, check);
            checklist.record(name, result);
        }
        checklist
    }

    /// Runs one check in a fresh runner and turns its faults into the check's failure.
    fn contained(&mut self, name: &str, check: Check) -> Result<String, String> {
        // The check needs the judge (its dice) while the runner runs it.
        let mut runner = std::mem::take(&mut self.runner);
        let result = runner.check(name, limits(), |sandbox| check(self, sandbox));
        self.runner = runner;
        result
    }

    /// Seven cooks, three tools a recipe, ten dishes each, a millisecond a dish.
    fn everyone_cooks(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let (cooks, dishes) = (7, 10);
        let served = ask(sandbox, ring(&mut self.dice, cooks, 3), dishes, 1_000)?;
        judge(&served, dishes)?;
        Ok(format!(
            "{cooks} cooks cooked all {dishes} dishes each, in {}",
            format_duration(Duration::from_micros(served.elapsed_us))
        ))
    }

    /// Other numbers of cooks and of tools a recipe: a fix for one shape only is no fix.
    fn any_shape(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let shapes = [(3, 3), (4, 2), (5, 3), (8, 4), (12, 3), (6, 5)];
        for (cooks, each) in shapes {
            let served = ask(sandbox, ring(&mut self.dice, cooks, each), 5, 100)?;
            judge(&served, 5).map_err(|e| {
                Judged::Wrong(format!("{cooks} cooks with {each} tools each: {}", e))
            })?;
        }
        Ok("kitchens of 3 to 12 cooks, 2 to 5 tools a recipe, all finished".to_string())
    }

    /// Nine cooks, three tools each: the recipes let three cook at once. The answer's own
    /// timeline must show at least two dishes cooking at the same time.
    fn cook_at_once(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let (cooks, each, dishes) = (9, 3, 12);
        let allowed = cooks / each;
        for _ in 0..3 {
            let served = ask(sandbox, ring(&mut self.dice, cooks, each), dishes, 2_000)?;
            judge(&served, dishes)?;
            let most = most_at_once(&served.spans);
            let average = average_at_once(&served.spans);
            if most >= 2 {
                return Ok(format!(
                    "up to {most} cooks cooked at once (the recipes allow {allowed}), \
                     {average:.2} on average"
                ));
            }
        }
        Err(Judged::Wrong(format!(
            "in 3 dinners no two cooks ever cooked at once, although the recipes allow \
             {allowed}: is one lock held around each whole dish or dinner? That prevents the \
             deadlock by giving up concurrency"
        )))
    }

    /// Many dinners with the window forced open: a fix that deadlocks only sometimes fails here.
    fn never_deadlocks(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        for trial in 1..=TRIALS {
            let cooks = 5 + self.dice.below(3);
            let served = ask(sandbox, ring(&mut self.dice, cooks, 3), 3, 50)?;
            judge(&served, 3).map_err(|e| {
                Judged::Wrong(format!(
                    "dinner {trial} of {TRIALS}: {}. A fix that fails only now and then is still \
                     wrong: the window forced open here is what, one day, happens by chance",
                    e
                ))
            })?;
        }
        Ok(format!(
            "{TRIALS} dinners of 5 to 7 cooks with the window forced open, none deadlocked"
        ))
    }
}

type Check = fn(&mut Judge, &mut Sandbox) -> Result<String, Judged>;

fn ask(
    sandbox: &mut Sandbox,
    needs: Vec<Vec<usize>>,
    dishes: usize,
    cooking_us: u64,
) -> Result<Served, Judged> {
    let request = Request {
        needs,
        dishes,
        cooking_us,
    };
    Ok(sandbox.ask(&request).map_err(Judged::Fault)?.reply)
}

/// A dinner needs a dozen threads, little memory and seconds of CPU.
fn limits() -> Limits {
    Limits {
        reply_within: Duration::from_secs(10),
        ..Limits::default()
    }
}
