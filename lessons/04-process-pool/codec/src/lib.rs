//! Lesson 04's image work: making synthetic photos, decoding JPEG, resizing with a Lanczos filter,
//! encoding JPEG. Four plain functions on bytes.
//!
//! Why a crate of its own: the lesson's default run is a debug build, and unoptimised image code is
//! some 20x slower. Cargo can optimise chosen dependencies in the debug profile, but the generic
//! code of `image` and `fast_image_resize` is compiled in the crate that *calls* it. So the calls
//! live here, and the workspace's `Cargo.toml` optimises this crate and the codec crates, while
//! the lessons themselves stay in the plain debug profile.

use std::io::Cursor;

use fast_image_resize as fir;
use fir::images::{TypedImage, TypedImageRef};
use fir::pixels::U8x3;
use image::ImageFormat;
use image::codecs::jpeg::JpegEncoder;
use lesson_mix::splitmix64;
use rayon::prelude::*;

/// A picture as 8-bit RGB triples, row after row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgb {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// Decodes a JPEG file held in memory.
pub fn decode_jpeg(jpeg: &[u8]) -> Result<Rgb, String> {
    let photo = image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg)
        .map_err(|e| format!("not a JPEG: {e}"))?
        .into_rgb8();
    Ok(Rgb {
        width: photo.width(),
        height: photo.height(),
        pixels: photo.into_raw(),
    })
}

/// Destination rows resized per call in [`resize_lanczos`]: one band.
pub const BAND_ROWS: u32 = 32;

/// Resizes to exactly `width` x `height` with a Lanczos-3 filter, as Pillow's `Image.LANCZOS`.
/// `fast_image_resize` does it with the CPU's vector instructions (SSE4.1, AVX2, Neon). The typed
/// call compiles its code for RGB pixels only, not for every pixel format it knows.
///
/// The rows are made in bands of [`BAND_ROWS`], with `step` called after each, so that the GIL
/// simulator can switch threads inside this long computation. Each band reads the source rows
/// its filter needs, even outside the band (`fast_image_resize` clamps its window to the whole
/// image, not to the crop box), so the bands join without a seam.
pub fn resize_lanczos(photo: &Rgb, width: u32, height: u32, step: &mut dyn FnMut()) -> Rgb {
    let source = TypedImageRef::<U8x3>::from_buffer(photo.width, photo.height, &photo.pixels)
        .expect("an RGB buffer of width x height x 3 bytes");
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    let scale = f64::from(photo.height) / f64::from(height);
    let mut resizer = fir::Resizer::new();
    let row_bytes = width as usize * 3;
    for (band, rows) in pixels
        .chunks_mut(BAND_ROWS as usize * row_bytes)
        .enumerate()
    {
        let top = band as u32 * BAND_ROWS;
        let band_height = (rows.len() / row_bytes) as u32;
        let mut resized = TypedImage::<U8x3>::from_buffer(width, band_height, rows)
            .expect("a buffer of one band");
        let lanczos = fir::ResizeOptions::new()
            .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3))
            .crop(
                0.0,
                f64::from(top) * scale,
                f64::from(photo.width),
                (f64::from(band_height) * scale)
                    .min(f64::from(photo.height) - f64::from(top) * scale),
            );
        resizer
            .resize_typed(&source, &mut resized, &lanczos)
            .expect("RGB to RGB, both non-empty");
        step();
    }
    Rgb {
        width,
        height,
        pixels,
    }
}

/// Encodes as a baseline JPEG at `quality` (1 to 100).
pub fn encode_jpeg(photo: &Rgb, quality: u8) -> Vec<u8> {
    let mut jpeg = Cursor::new(Vec::new());
    JpegEncoder::new_with_quality(&mut jpeg, quality)
        .encode(
            &photo.pixels,
            photo.width,
            photo.height,
            image::ExtendedColorType::Rgb8,
        )
        .expect("encoding a valid RGB buffer into memory cannot fail");
    jpeg.into_inner()
}

/// A photo-like picture: a sky-to-ground gradient, a few soft discs and fine grain, the same for
/// the same `seed` on every machine. The grain matters: it gives the JPEG codec as much detail to
/// work on as a real photo has (a smooth gradient would compress to almost nothing).
pub fn synthetic_photo(seed: u64, width: u32, height: u32) -> Rgb {
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    pixels
        .par_chunks_mut(width as usize * 3)
        .enumerate()
        .for_each(|(y, row)| photo_row(seed, y as u32, row, width, height));
    Rgb {
        width,
        height,
        pixels,
    }
}

/// The same picture, drawn on the calling thread alone: for a caller that must not start rayon's
/// global pool, whose threads are never joined (the local server of lessons 05-07).
pub fn synthetic_photo_on_this_thread(seed: u64, width: u32, height: u32) -> Rgb {
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    pixels
        .chunks_mut(width as usize * 3)
        .enumerate()
        .for_each(|(y, row)| photo_row(seed, y as u32, row, width, height));
    Rgb {
        width,
        height,
        pixels,
    }
}

/// Row `y` of the picture: the smooth picture plus grain.
fn photo_row(seed: u64, y: u32, row: &mut [u8], width: u32, height: u32) {
    for (x, rgb) in row.chunks_exact_mut(3).enumerate() {
        let x = x as u32;
        let base = smooth_pixel(seed, x, y, width, height);
        let grain = splitmix64(seed ^ (u64::from(y) << 32 | u64::from(x)));
        for (channel, value) in rgb.iter_mut().enumerate() {
            // +-8 levels, from independent bits of one hash per pixel.
            let noise = (grain >> (8 * channel) & 15) as i8 - 8;
            *value = base[channel].saturating_add_signed(noise);
        }
    }
}

/// The picture without grain.
fn smooth_pixel(seed: u64, x: u32, y: u32, width: u32, height: u32) -> [u8; 3] {
    let (fx, fy) = (
        i64::from(x) * 256 / i64::from(width),
        i64::from(y) * 256 / i64::from(height),
    );
    let mut rgb = [40 + fy / 2, 90 + fx / 3, 200 - fy / 2];
    for (disc, channel) in rgb.iter_mut().enumerate() {
        let h = splitmix64(seed.wrapping_mul(31).wrapping_add(disc as u64));
        let (cx, cy) = ((h % 256) as i64, (h >> 8 & 255) as i64);
        let radius = 30 + (h >> 16 & 63) as i64;
        let d2 = (fx - cx) * (fx - cx) + (fy - cy) * (fy - cy);
        if d2 < radius * radius {
            // Brighter towards the centre: a soft edge, as light falls off.
            *channel += 120 * (radius * radius - d2) / (radius * radius);
        }
    }
    rgb.map(|c| c.clamp(0, 255) as u8)
}
