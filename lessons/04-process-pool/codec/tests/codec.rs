//! The codec's functions, end to end. (Integration tests, so that the optimised library is
//! compiled once, not a second time as a unit-test crate.)

use lesson_04_codec::{
    decode_jpeg, encode_jpeg, resize_lanczos, synthetic_photo, synthetic_photo_on_this_thread,
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
    let small = resize_lanczos(&photo, 80, 53);
    assert_eq!(small.pixels.len(), 80 * 53 * 3);
    assert!(encode_jpeg(&small, 85).starts_with(&[0xFF, 0xD8]));
    assert!(decode_jpeg(b"not a jpeg").is_err());
}
