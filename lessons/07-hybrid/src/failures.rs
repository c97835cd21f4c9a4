//! Experiment 3: a photo the server never delivers. It is tried [`ATTEMPTS`] times, then
//! reported by name, and every other photo is still made, in every way: no way may drop a photo
//! silently, and none may wait forever for the one that never comes.

use std::sync::Arc;

use lesson_kit::{Measured, Section, phrase};
use local_server::LocalServer;

use crate::download::ATTEMPTS;
use crate::run::{Shared, measured};
use crate::six_ways::{WAYS, run_way};
use crate::{Setup, batch, batch_checksum, photo_name};

/// The photo that fails: the third.
pub const BROKEN: usize = 2;
/// The batch of this experiment holds at most this many photos: enough to show the others made.
pub const MOST: usize = 8;

/// Runs every way once on a batch whose third photo answers `503` every time.
pub fn failures(setup: &Setup, server: &LocalServer) -> Section {
    let size = setup.photos.clamp(BROKEN + 1, MOST);
    let mut photos = batch(&server.base_url(), size, setup.delay);
    photos[BROKEN].url = server.url("/status/503");
    let broken = photos[BROKEN].name.clone();
    let n = photos.len();
    let mut section = Section::new("failures", "A photo that never comes").about(&format!(
        "A batch of {n} photos like those above (at most {MOST}), but {broken} is answered with 503 Service Unavailable every time. Each way tries it \
         {ATTEMPTS} times, then names it, and makes every other thumbnail."
    ));
    let ctx = Arc::new(Shared::new(
        photos,
        Setup {
            photos: n,
            ..setup.clone()
        },
    ));
    let mut sums = Vec::new();
    let mut all_held = true;
    for way in WAYS {
        let (outcome, _) = measured(&ctx, server, None, |c, r| run_way(way, c, r));
        let made = outcome.done.iter().filter(|(_, d)| d.is_ok()).count();
        let failed: Vec<&String> = outcome
            .done
            .iter()
            .filter_map(|(_, d)| d.as_ref().err())
            .collect();
        let named = failed.len() == 1 && failed[0].starts_with(&broken);
        sums.push(batch_checksum(&outcome.done));
        // The server counts the attempts: one per photo it delivered, ATTEMPTS for the broken one.
        let expected = (n - 1) as u64 + u64::from(ATTEMPTS);
        let held = made == n - 1 && named && outcome.done.len() == n;
        let tried = outcome.requests == expected;
        all_held &= held && tried;
        section.check(
            held && tried,
            phrase!(
                "{}: {} of {} thumbnails made; the server received {} requests ({} expected); \
                 reported: {}",
                way,
                made,
                n,
                outcome.requests,
                expected,
                failed
                    .first()
                    .map_or("nothing".to_string(), |f| f.to_string())
            ),
        );
    }
    let same = sums.windows(2).all(|w| w[0] == w[1]);
    section.check(
        same,
        phrase!(
            "the {} thumbnails made are identical in every way (checksum {})",
            n - 1,
            Measured::Machine(format!("{:016x}", sums[0]))
        ),
    );
    if all_held && same {
        section.verdict(phrase!(
            "A download that fails is an outcome to report, not a reason to stop: each way \
             tried {} {} times, ended with it named and made every other photo.",
            photo_name(BROKEN),
            ATTEMPTS
        ));
    }
    section
}
