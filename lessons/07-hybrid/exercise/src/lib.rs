//! Lesson 07's exercise: the types the answer works with, the judge of its check, and the answer
//! runner's side of a batch.
//!
//! Students edit `src/exercise.rs` and run `cargo run -p lesson-07-exercise`. The model solution
//! is `src/solution.rs` (`--features solution`). A teacher checks a class with
//! `cargo run -p lesson-kit --bin check-exercise -- lesson-07 submissions/`.
//!
//! This library never contains the answer: `main.rs` compiles it, and calls it only in the
//! contained answer runner (see `lesson_kit::exercise`). The answer can hold a photo only as a
//! [`Photo`], which only [`download`] makes and only [`make_thumbnail`] or a drop ends: the runner
//! counts them alive, so the peak number of photos in memory is measured, never reported. The
//! judge starts the local server and measures the batch's time against its own ideal.

pub mod check;
pub mod photos;
pub mod run;
mod spans;

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

pub use photos::{Failed, Photo, Thumbnail, download, make_thumbnail};
pub use run::BatchSeen;

/// What the judge asks the answer runner to do: make a thumbnail of every photo in `urls` with
/// the answer, at most `max_photos` photos in memory at once, requests timing out after
/// `timeout_ms`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub urls: Vec<String>,
    pub max_photos: usize,
    pub timeout_ms: u64,
}

/// One result per URL: its thumbnail, or why its photo could not be downloaded.
pub type Results = Vec<Result<Thumbnail, Failed>>;

/// The function the exercise asks for, its future boxed so the runner can hold it.
pub type Thumbnails =
    fn(reqwest::Client, Vec<String>, usize) -> Pin<Box<dyn Future<Output = Results>>>;

/// The answer, as the runner calls it.
#[derive(Clone, Copy)]
pub struct Answer {
    pub thumbnails: Thumbnails,
}

/// In the answer runner: serves the judge's requests with `answer`, then exits. Elsewhere:
/// returns.
pub fn serve_if_runner(answer: Answer) {
    lesson_kit::exercise::runner::serve_if_runner(move |request: Request| {
        run::run(answer, &request)
    });
}
