//! A panic, in words: what a caught panic or a panic hook says, for a report or a check.
//!
//! `panic!("...")` carries its message as a `&'static str` or a `String`, whichever the macro
//! built; `std::panic::panic_any` can carry any value. A thread's `join()` and `catch_unwind`
//! hand back that payload as `Box<dyn Any + Send>`; this module turns it into text, once for
//! every lesson and check. (A lesson with its own payload type, like lesson 03's malformed item,
//! looks for that type first and hands the rest here.)

use std::any::Any;
use std::panic::PanicHookInfo;

/// What a panic said: its message when it carries text, `a panic without a message` otherwise.
pub fn message(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "a panic without a message"
    }
}

/// What a panic hook saw, with where: `index out of bounds ... at src/exercise.rs:12`.
pub fn message_with_location(info: &PanicHookInfo<'_>) -> String {
    let at = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    format!("{}{at}", message(info.payload()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_a_formatted_message_and_any_other_value() {
        let literal: Box<dyn Any + Send> = Box::new("boom");
        assert_eq!(message(literal.as_ref()), "boom");
        let formatted: Box<dyn Any + Send> = Box::new(format!("item {}", 7));
        assert_eq!(message(formatted.as_ref()), "item 7");
        let other: Box<dyn Any + Send> = Box::new(42_u8);
        assert_eq!(message(other.as_ref()), "a panic without a message");
    }

    #[test]
    fn a_joined_thread_that_panicked() {
        let n = 3;
        let payload =
            std::thread::spawn(move || panic!("worker {n} failed (expected by this test)"))
                .join()
                .expect_err("the thread panicked");
        assert_eq!(
            message(payload.as_ref()),
            "worker 3 failed (expected by this test)"
        );
    }
}
