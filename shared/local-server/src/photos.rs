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
