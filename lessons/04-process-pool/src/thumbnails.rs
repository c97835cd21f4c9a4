//! The third job of the articles: a batch of thumbnails.
//!
//! The Python articles open a folder of photos with Pillow, shrink each to fit 800x800 with a
//! Lanczos filter and save it as a JPEG. Here the photos are made by the program (deterministic
//! synthetic pictures, so every run and every machine works on the same bytes), encoded as JPEG
//! once beforehand and held in memory; the job is then exactly the articles': decode, resize,
//! encode, with the `image` crate for JPEG and `fast_image_resize` for the Lanczos filter (see
//! `lesson-04-codec` for why those calls live in a crate of their own).

use lesson_04_codec::{decode_jpeg, encode_jpeg, resize_lanczos, synthetic_photo};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The size of the source photos: 6 megapixels, like a phone photo scaled down. A debug build
/// makes them a quarter of that, 1500x1000, so that its tour stays short: the codec crates are
/// optimised even there (see the workspace's `Cargo.toml`), and 3000x2000 photos took most of
/// its 13 s. Decoding, resizing and encoding them is the same job, a quarter of the pixels.
pub const PHOTO_WIDTH: u32 = if cfg!(debug_assertions) { 1500 } else { 3000 };
pub const PHOTO_HEIGHT: u32 = if cfg!(debug_assertions) { 1000 } else { 2000 };
/// Thumbnails fit in this square, keeping the photo's proportions.
pub const THUMBNAIL_BOX: u32 = 800;
/// JPEG quality of the thumbnails, as in the articles.
pub const THUMBNAIL_QUALITY: u8 = 85;
/// JPEG quality of the source photos: a camera's "fine".
const PHOTO_QUALITY: u8 = 92;

/// A finished thumbnail: its size and its JPEG bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thumbnail {
    pub width: u32,
    pub height: u32,
    #[serde(with = "serde_bytes")]
    pub jpeg: Vec<u8>,
}

/// The photos of the batch, as JPEG files held in memory: the job's input, made beforehand.
pub fn photo_batch(count: usize) -> Vec<Vec<u8>> {
    (0..count as u64)
        .into_par_iter()
        .map(|seed| {
            encode_jpeg(
                &synthetic_photo(seed, PHOTO_WIDTH, PHOTO_HEIGHT),
                PHOTO_QUALITY,
            )
        })
        .collect()
}

/// The size that fits in `bound` x `bound` with the proportions of `width` x `height`.
pub fn fit(width: u32, height: u32, bound: u32) -> (u32, u32) {
    let scale = f64::from(bound) / f64::from(width.max(height));
    if scale >= 1.0 {
        return (width, height);
    }
    let scaled = |side: u32| ((f64::from(side) * scale).round() as u32).max(1);
    (scaled(width), scaled(height))
}

// ANCHOR: thumbnail
/// The job of one task: decode the JPEG, shrink it to fit the box with a Lanczos filter, encode
/// it as a JPEG again. Bytes in, bytes out: it runs the same in any thread or process. `step` is
/// called between the stages and after each band of resized rows (the GIL simulator's chance to
/// switch threads; a no-op everywhere else).
pub fn thumbnail(jpeg: &[u8], step: &mut dyn FnMut()) -> Result<Thumbnail, String> {
    thumbnail_in(jpeg, THUMBNAIL_BOX, step)
}
// ANCHOR_END: thumbnail

/// The same job with a box of `bound` x `bound` (lesson 07 makes small thumbnails of the local
/// server's photos, which are smaller than the articles' box).
pub fn thumbnail_in(jpeg: &[u8], bound: u32, step: &mut dyn FnMut()) -> Result<Thumbnail, String> {
    let photo = decode_jpeg(jpeg)?;
    step();
    let (width, height) = fit(photo.width, photo.height, bound);
    let small = resize_lanczos(&photo, width, height, step);
    Ok(Thumbnail {
        width,
        height,
        jpeg: encode_jpeg(&small, THUMBNAIL_QUALITY),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_the_box_keeping_proportions() {
        assert_eq!(fit(3000, 2000, 800), (800, 533));
        assert_eq!(fit(2000, 3000, 800), (533, 800));
        assert_eq!(fit(640, 480, 800), (640, 480));
    }

    #[test]
    fn a_thumbnail_fits_the_box() {
        let photo = encode_jpeg(&synthetic_photo(3, 1200, 900), 90);
        let thumb = thumbnail(&photo, &mut || {}).unwrap();
        assert_eq!((thumb.width, thumb.height), (800, 600));
        assert!(
            thumb.jpeg.starts_with(&[0xFF, 0xD8]),
            "a JPEG starts with SOI"
        );
        assert!(thumbnail(b"not a jpeg", &mut || {}).is_err());
    }
}
