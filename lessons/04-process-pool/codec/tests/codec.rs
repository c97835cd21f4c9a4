//! The codec's functions, end to end. (Integration tests, so that the optimised library is
//! compiled once, not a second time as a unit-test crate.)

use fast_image_resize as fir;
use lesson_04_codec::{
    BAND_ROWS, Rgb, decode_jpeg, encode_jpeg, resize_lanczos, synthetic_photo,
    synthetic_photo_on_this_thread,
};

#[test]
fn photos_are_deterministic_and_differ_by_seed() {
    let a = synthetic_photo(1, 64, 48);
    assert_eq!(a, synthetic_photo(1, 64, 48));
    assert_ne!(a, synthetic_photo(2, 64, 48));
    assert_eq!(a, synthetic_photo_on_this_thread(1, 64, 48));
}

#[test]
fn decode_resize_encode_round_trip() {
    let jpeg = encode_jpeg(&synthetic_photo(3, 300, 200), 90);
    let photo = decode_jpeg(&jpeg).unwrap();
    assert_eq!((photo.width, photo.height), (300, 200));
    let small = resize_lanczos(&photo, 80, 53, &mut || {});
    assert_eq!(small.pixels.len(), 80 * 53 * 3);
    assert!(encode_jpeg(&small, 85).starts_with(&[0xFF, 0xD8]));
    assert!(decode_jpeg(b"not a jpeg").is_err());
}

/// The same resize in one call, for comparison.
fn resize_whole(photo: &Rgb, width: u32, height: u32) -> Vec<u8> {
    let source = fir::images::TypedImageRef::<fir::pixels::U8x3>::from_buffer(
        photo.width,
        photo.height,
        &photo.pixels,
    )
    .unwrap();
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    let mut resized =
        fir::images::TypedImage::<fir::pixels::U8x3>::from_buffer(width, height, &mut pixels)
            .unwrap();
    let lanczos = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize_typed(&source, &mut resized, &lanczos)
        .unwrap();
    pixels
}

#[test]
fn the_bands_join_without_a_seam() {
    let photo = synthetic_photo(4, 600, 400);
    let mut steps = 0;
    let banded = resize_lanczos(&photo, 240, 160, &mut || steps += 1);
    assert_eq!(steps, 160_u32.div_ceil(BAND_ROWS), "one step per band");
    let whole = resize_whole(&photo, 240, 160);
    // Each band's filter positions are computed from its own crop box, so a coefficient could
    // round differently in its last bit: a level at most, never a seam. (Here: none at all.)
    let worst = banded
        .pixels
        .iter()
        .zip(&whole)
        .map(|(a, b)| a.abs_diff(*b))
        .max()
        .unwrap();
    assert!(
        worst <= 2,
        "a band differs from the whole resize by {worst} levels"
    );
}
