//! What the answer printed: the first few KiB of its stdout and stderr, kept to quote, and how
//! many bytes it printed in all. The pipes are read by threads of their own, so an answer that
//! prints without end never blocks on a full pipe.

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::Sandbox;

/// At most this much of what the answer prints is kept to quote.
const KEPT_OUTPUT: usize = 4096;

/// What the answer printed so far: the first [`KEPT_OUTPUT`] bytes, and how many in all.
#[derive(Default)]
pub(super) struct Printed {
    text: String,
    bytes: usize,
}

impl Sandbox {
    /// What the answer printed on its stdout and stderr (the first few KiB), and how much.
    pub fn printed(&self) -> String {
        let printed = self.printed.lock().unwrap_or_else(|p| p.into_inner());
        if printed.bytes > printed.text.len() {
            format!("{}… ({} bytes in all)", printed.text, printed.bytes)
        } else {
            printed.text.clone()
        }
    }
}

/// Keeps the first [`KEPT_OUTPUT`] bytes of what the answer prints, counts the rest, and marks
/// the pipe closed.
pub(super) fn keep_output(
    pipe: Option<impl Read + Send + 'static>,
    printed: &Arc<Mutex<Printed>>,
    open: &Arc<AtomicUsize>,
) {
    let (printed, open) = (printed.clone(), open.clone());
    std::thread::spawn(move || {
        if let Some(mut pipe) = pipe {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let mut printed = printed.lock().unwrap_or_else(|p| p.into_inner());
                printed.bytes += n;
                let room = KEPT_OUTPUT.saturating_sub(printed.text.len());
                let text = String::from_utf8_lossy(&buffer[..n.min(room)]).to_string();
                printed.text.push_str(&text);
            }
        }
        open.fetch_sub(1, Ordering::Release);
    });
}
