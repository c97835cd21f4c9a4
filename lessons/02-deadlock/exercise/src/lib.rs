//! Lesson 02's exercise: the kitchen the answer cooks in, the judge of its check, and the
//! requests the judge sends to the answer.
//!
//! Students edit `src/exercise.rs` and run `cargo run -p lesson-02-exercise`. The model solution
//! is `src/solution.rs` (`--features solution`). A teacher checks a class with
//! `cargo run -p lesson-kit --bin check-exercise -- lesson-02 submissions/`.
//!
//! This library never contains the answer: `main.rs` compiles it, and calls it only in the
//! contained answer runner (see `lesson_kit::exercise`).

pub mod check;
pub mod kitchen;

use serde::{Deserialize, Serialize};

/// What the judge asks the answer runner to do: one dinner in a kitchen with these recipes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    /// Per cook, the tools its recipe lists, in the recipe's order.
    pub needs: Vec<Vec<usize>>,
    pub dishes: usize,
    pub cooking_us: u64,
}

/// In the answer runner: serves the judge's dinners with `cook`, then exits. Elsewhere: returns.
pub fn serve_if_runner(cook: kitchen::Cook) {
    lesson_kit::exercise::runner::serve_if_runner(move |r: Request| {
        kitchen::dinner(
            r.needs,
            r.dishes,
            std::time::Duration::from_micros(r.cooking_us),
            cook,
        )
    });
}
