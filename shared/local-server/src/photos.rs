//! The photos of `/image/{id}`: lesson 04's synthetic photos, encoded as JPEG once per process,
//! when the first server starts, so that serving one costs a copy of a pointer and no CPU, and a
//! test suite that starts many servers pays for them once.

use std::sync::OnceLock;

use hyper::body::Bytes;

/// How many different photos the server holds; `/image/{id}` serves photo `id % PHOTOS`.
pub const PHOTOS: u64 = 8;
/// Their size in pixels: small enough to encode in a few milliseconds, large enough to be a real download.
pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 480;
const QUALITY: u8 = 85;

/// The size of the large photos of `/photo/{id}/{ms}` (lesson 07's CPU work needs photos big
/// enough that a thumbnail takes several milliseconds).
pub const LARGE_WIDTH: u32 = 1280;
pub const LARGE_HEIGHT: u32 = 960;

/// The large photos, made on the first call: on the first request of `/photo`, not when the
/// server starts, so that the lessons and tests that never ask for one never pay for them.
pub fn large() -> &'static [Bytes] {
    static LARGE_MADE: OnceLock<Vec<Bytes>> = OnceLock::new();
    LARGE_MADE.get_or_init(|| {
        (0..PHOTOS)
            .map(|seed| {
                let photo = lesson_04_codec::synthetic_photo_on_this_thread(
                    seed,
                    LARGE_WIDTH,
                    LARGE_HEIGHT,
                );
                Bytes::from(lesson_04_codec::encode_jpeg(&photo, QUALITY))
            })
            .collect()
    })
}

/// The photos, made on the first call.
pub fn all() -> &'static [Bytes] {
    static PHOTOS_MADE: OnceLock<Vec<Bytes>> = OnceLock::new();
    PHOTOS_MADE.get_or_init(encode_all)
}

/// Makes and encodes the photos on the calling thread alone: the codec's parallel version would
/// start rayon's global pool, whose threads are never joined and would outlive the server.
fn encode_all() -> Vec<Bytes> {
    (0..PHOTOS)
        .map(|seed| {
            let photo = lesson_04_codec::synthetic_photo_on_this_thread(seed, WIDTH, HEIGHT);
            Bytes::from(lesson_04_codec::encode_jpeg(&photo, QUALITY))
        })
        .collect()
}
