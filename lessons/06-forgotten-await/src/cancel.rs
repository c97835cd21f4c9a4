//! Experiment 6: cancellation.
//!
//! A future is cancelled by dropping it: `timeout` drops its future when the time is up, and
//! `select!` drops every branch but the one that finished first. The future stops at the `.await`
//! it was waiting at and never runs another line, so whatever it did before that `.await` stays
//! done and whatever came after never happens. Two writes with an `.await` between them can be
//! cut in half. A closure on `spawn_blocking` is the opposite: it runs on a thread, has no
//! `.await` to stop at, and cannot be cancelled; a timeout around it stops only the waiting.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::time::{sleep, timeout};

use crate::current_thread;

/// How long the audit log takes to accept a record; the timeout is far shorter, so that the
/// timeout fires first even when the machine keeps this thread waiting for a core.
pub const AUDIT: Duration = Duration::from_secs(1);
pub const DEADLINE: Duration = Duration::from_millis(10);

// ANCHOR: transfer
/// Not cancel-safe: the debit is written, then the task waits; cut there, the credit never is.
pub async fn transfer(accounts: &Mutex<[i64; 2]>, amount: i64) {
    accounts.lock().unwrap()[0] -= amount;
    sleep(AUDIT).await; // the audit log: the future may be dropped here
    accounts.lock().unwrap()[1] += amount;
}

/// Cancel-safe: the waiting comes first, and both writes happen with no `.await` between them.
pub async fn transfer_safely(accounts: &Mutex<[i64; 2]>, amount: i64) {
    sleep(AUDIT).await; // cut here, nothing has been written
    let mut accounts = accounts.lock().unwrap();
    accounts[0] -= amount;
    accounts[1] += amount;
}
// ANCHOR_END: transfer

/// Runs a transfer of 30 from 100 under a timeout shorter than the audit; the accounts after it.
pub fn cut_transfer(safe: bool) -> (bool, [i64; 2]) {
    let accounts = Mutex::new([100, 100]);
    let timed_out = current_thread().block_on(async {
        let result = if safe {
            timeout(DEADLINE, transfer_safely(&accounts, 30)).await
        } else {
            timeout(DEADLINE, transfer(&accounts, 30)).await
        };
        result.is_err()
    });
    (timed_out, accounts.into_inner().unwrap())
}

/// The pieces the writer sends, with pauses between: lines cut across pieces.
const PIECES: [&str; 4] = ["alpha\nbra", "vo\ncharlie\ndel", "ta\necho\n", "foxtrot\n"];

/// The lines the writer sends.
pub const LINES: [&str; 6] = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
/// The reader's other branch: a status tick, faster than the writer's pauses.
pub const TICK: Duration = Duration::from_millis(5);

/// Writes [`PIECES`] with a pause after each, then closes the pipe.
async fn write_in_pieces(mut writer: DuplexStream) {
    for piece in PIECES {
        writer
            .write_all(piece.as_bytes())
            .await
            .expect("the pipe is open");
        sleep(TICK * 3).await; // the rest of the line comes later
    }
}

// ANCHOR: reader
/// `read_line` in a `select!` against a tick. Not cancel-safe (tokio 1.54's docs): when the tick
/// wins, the dropped call takes the part of a line it had read with it.
pub async fn read_line_in_select() -> Vec<String> {
    let (writer, reader) = tokio::io::duplex(64);
    let writing = tokio::spawn(write_in_pieces(writer));
    let (mut reader, mut got) = (BufReader::new(reader), Vec::new());
    loop {
        let mut line = String::new();
        tokio::select! {
            biased; // branches in order, so that a due tick always wins and the run repeats
            _ = sleep(TICK) => {} // a status tick; the read in progress is dropped
            read = reader.read_line(&mut line) => match read {
                Ok(0) | Err(_) => break,
                Ok(_) => got.push(line.trim_end().to_string()),
            },
        }
    }
    writing.await.expect("the writer ends");
    got
}

/// The same with `Lines::next_line`, cancel-safe: a partial line stays in `lines` for the next
/// call.
pub async fn next_line_in_select() -> Vec<String> {
    let (writer, reader) = tokio::io::duplex(64);
    let writing = tokio::spawn(write_in_pieces(writer));
    let (mut lines, mut got) = (BufReader::new(reader).lines(), Vec::new());
    loop {
        tokio::select! {
            biased;
            _ = sleep(TICK) => {} // the call in progress is dropped; its bytes stay in `lines`
            line = lines.next_line() => match line {
                Ok(Some(line)) => got.push(line),
                Ok(None) | Err(_) => break,
            },
        }
    }
    writing.await.expect("the writer ends");
    got
}
// ANCHOR_END: reader

// ANCHOR: blocking
/// A timeout around `spawn_blocking`: when it fires, the work goes on. Returns whether the
/// timeout fired, when, and when the work itself finished, both from the start.
pub fn timeout_around_spawn_blocking(work: Duration) -> (bool, Duration, Duration) {
    current_thread().block_on(async {
        let started = Instant::now();
        let mut handle = tokio::task::spawn_blocking(move || {
            std::thread::sleep(work); // no .await in here: nothing can stop it
            started.elapsed()
        });
        let timed_out = timeout(work / 4, &mut handle).await.is_err();
        let gave_up = started.elapsed();
        // Wait for it anyway: the work cannot be cancelled, and must not outlive main.
        let finished = handle.await.expect("the blocking work returns");
        (timed_out, gave_up, finished)
    })
}
// ANCHOR_END: blocking

/// Shows a transfer cut between its two writes, a line reader that loses data in `select!`, the
/// cancel-safe versions, and a timeout that does not stop `spawn_blocking`.
pub fn cancellation() -> Section {
    let mut section = Section::new("cancellation", "Cancellation stops at an .await").about(&format!(
        "A transfer of 30 between two accounts of 100 waits {} ms for an audit log between its two \
         writes, under a {} ms timeout; then six lines arrive in pieces at a reader in a select! \
         against a {} ms tick; then a timeout is put around spawn_blocking.",
        AUDIT.as_millis(),
        DEADLINE.as_millis(),
        TICK.as_millis()
    ));
    for (safe, name) in [(false, "transfer"), (true, "transfer_safely")] {
        let (timed_out, [a, b]) = cut_transfer(safe);
        let held = if a + b == 200 {
            "the total is still 200"
        } else {
            "30 vanished"
        };
        section.check(
            timed_out && (a + b == 200) == safe,
            phrase!("{}: timed out, accounts {} and {}: {}", name, a, b, held),
        );
    }
    let runtime = current_thread();
    let expected: Vec<String> = LINES.iter().map(|l| l.to_string()).collect();
    let lossy = runtime.block_on(read_line_in_select());
    let safe = runtime.block_on(next_line_in_select());
    section.check(
        lossy != expected,
        phrase!("read_line in select!: got {}", lossy.join(" ")),
    );
    section.check(
        safe == expected,
        phrase!("next_line in select!: got {}", safe.join(" ")),
    );
    let work = Duration::from_millis(200);
    let (timed_out, gave_up, finished) = timeout_around_spawn_blocking(work);
    section.check(
        timed_out && finished >= work,
        phrase!(
            "spawn_blocking: the timeout fired after {}, the work finished after {}; the lesson \
             waited for it before going on",
            Measured::Time(gave_up),
            Measured::Time(finished)
        ),
    );
    let mut table = Table::new(&[
        ("what", "cancelled at .await"),
        ("cut", "half done"),
        ("safe", "cancel-safe way"),
    ]);
    table.row(vec![
        "two writes, .await between".into(),
        "first write only".into(),
        "await first, then write both".into(),
    ]);
    table.row(vec![
        "read_line in select!".into(),
        "part of a line lost".into(),
        "Lines::next_line".into(),
    ]);
    table.row(vec![
        "spawn_blocking".into(),
        "never cut: runs on".into(),
        "await the handle".into(),
    ]);
    section.table("Summary", table);
    section.verdict(
        "A cancelled future keeps what it did before its last .await and loses the rest. Put the \
         .await before the writes, or use a method documented as cancel-safe. spawn_blocking \
         cannot be cancelled at all: a timeout only stops the waiting.",
    );
    section
}
