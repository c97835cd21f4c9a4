//! The wire between the pool and its workers: length-prefixed frames over a pipe.
//!
//! A pipe carries bytes, not messages. So each message is serialised with postcard (a compact
//! binary format for serde) and sent as a frame: its length as 4 little-endian bytes, then the
//! bytes. The reader reads the length, then exactly that many bytes, and knows where the next
//! message starts. Python's `multiprocessing` does the same with pickle.
//!
//! A reader must not trust the other side: a worker that prints a stray line to stdout, or dies
//! halfway through a frame, sends bytes that are not a frame. Each such case is a [`FrameError`]
//! that says what arrived, and the pool treats that worker as crashed.

use std::io::{self, Read, Write};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The largest frame a reader accepts: a 6-megapixel JPEG fits many times over, while a length
/// made of four stray text bytes ("Hell" is 1.8 GB) does not.
pub const MAX_FRAME: usize = 64 << 20;

// ANCHOR: write_frame
/// Sends one message: its length, then its postcard bytes. Returns the bytes written.
pub fn write_frame(out: &mut impl Write, message: &impl Serialize) -> io::Result<usize> {
    let body = postcard::to_stdvec(message).map_err(io::Error::other)?;
    out.write_all(&(body.len() as u32).to_le_bytes())?;
    out.write_all(&body)?;
    out.flush()?;
    Ok(4 + body.len())
}
// ANCHOR_END: write_frame

/// Why the bytes that arrived are not a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// The pipe broke (or closed) in the middle of a frame.
    Cut(String),
    /// The length prefix is beyond [`MAX_FRAME`]: these bytes were never a frame.
    TooLong {
        announced: u32,
        first_bytes: [u8; 4],
    },
    /// A frame of the right length whose bytes are not the expected message.
    Undecodable(String),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Cut(why) => write!(f, "the pipe closed in the middle of a frame ({why})"),
            FrameError::TooLong {
                announced,
                first_bytes,
            } => write!(
                f,
                "a frame of {announced} bytes was announced (at most {MAX_FRAME} allowed); \
                 the bytes were {:?}: text on stdout is not a frame",
                String::from_utf8_lossy(first_bytes)
            ),
            FrameError::Undecodable(why) => {
                write!(f, "a frame that is not a valid message ({why})")
            }
        }
    }
}

// ANCHOR: read_frame
/// Receives one message; `Ok(None)` when the pipe was closed cleanly between two frames.
pub fn read_frame<T: DeserializeOwned>(input: &mut impl Read) -> Result<Option<T>, FrameError> {
    let mut prefix = [0u8; 4];
    // Clean end or torn frame: only a pipe that closes before the first byte of the length
    // ended cleanly; one that closes after one, two or three of its bytes cut a frame.
    let mut got = 0;
    while got < prefix.len() {
        match input.read(&mut prefix[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => {
                return Err(FrameError::Cut(format!(
                    "after {got} of the 4 length bytes"
                )));
            }
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FrameError::Cut(e.to_string())),
        }
    }
    let announced = u32::from_le_bytes(prefix);
    if announced as usize > MAX_FRAME {
        return Err(FrameError::TooLong {
            announced,
            first_bytes: prefix,
        });
    }
    let mut body = vec![0u8; announced as usize];
    input
        .read_exact(&mut body)
        .map_err(|e| FrameError::Cut(e.to_string()))?;
    postcard::from_bytes(&body)
        .map(Some)
        .map_err(|e| FrameError::Undecodable(e.to_string()))
}
// ANCHOR_END: read_frame

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_end_cleanly() {
        let mut pipe = Vec::new();
        write_frame(&mut pipe, &(7u64, "seven".to_string())).unwrap();
        write_frame(&mut pipe, &(8u64, "eight".to_string())).unwrap();
        let mut reader = &pipe[..];
        assert_eq!(
            read_frame(&mut reader),
            Ok(Some((7u64, "seven".to_string())))
        );
        assert_eq!(
            read_frame(&mut reader),
            Ok(Some((8u64, "eight".to_string())))
        );
        assert_eq!(read_frame::<(u64, String)>(&mut reader), Ok(None));
    }

    #[test]
    fn text_on_the_pipe_is_not_a_frame() {
        let error = read_frame::<u64>(&mut &b"Hello from a stray println!\n"[..]).unwrap_err();
        assert!(matches!(error, FrameError::TooLong { .. }), "{error}");
        assert!(error.to_string().contains("\"Hell\""), "{error}");
    }

    #[test]
    fn a_cut_frame_and_a_wrong_message_are_errors() {
        let mut pipe = Vec::new();
        write_frame(&mut pipe, &"a long enough message".to_string()).unwrap();
        let cut = read_frame::<String>(&mut &pipe[..10]).unwrap_err();
        assert!(matches!(cut, FrameError::Cut(_)), "{cut}");
        let mut wrong = Vec::new();
        write_frame(&mut wrong, &vec![0xFFu8; 3]).unwrap();
        let error = read_frame::<(bool, bool)>(&mut &wrong[..]).unwrap_err();
        assert!(matches!(error, FrameError::Undecodable(_)), "{error}");
    }

    #[test]
    fn a_pipe_cut_inside_the_length_is_a_torn_frame_not_a_clean_end() {
        let mut pipe = Vec::new();
        write_frame(&mut pipe, &7u64).unwrap();
        for cut in 1..4 {
            let torn = read_frame::<u64>(&mut &pipe[..cut]).unwrap_err();
            assert!(
                matches!(torn, FrameError::Cut(_)),
                "cut after {cut}: {torn}"
            );
            assert!(
                torn.to_string().contains(&format!("after {cut} of the 4")),
                "{torn}"
            );
        }
        assert_eq!(read_frame::<u64>(&mut &pipe[..0]), Ok(None));
    }
}
