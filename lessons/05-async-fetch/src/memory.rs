//! Experiment 4: what one waiting request costs in memory, as a task and as a thread.
//!
//! A request that waits on the network is, in async Rust, a future stored in a task; in a thread
//! pool, a thread blocked in a system call. Both are measured the same way: the process's
//! resident memory (VmRSS, pages in RAM) and virtual size (VmSize, address space reserved) before
//! and after starting `n` of them, divided by `n`. Honestly: every task has been polled once (it
//! has run up to its first `.await`) and the runtime counts them alive before the measurement,
//! and every thread has started and is asleep.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use lesson_kit::process::{output_within, status_field};
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

/// VmRSS and VmSize of this process, in bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Footprint {
    pub resident: u64,
    pub virtual_size: u64,
}

/// Hands free heap memory back to the kernel first (glibc's `malloc_trim`), so that waiters
/// started after it fault in pages of their own instead of reusing chunks freed by earlier
/// experiments, which would hide their cost from VmRSS.
pub fn settled_footprint() -> Footprint {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers; it only releases free memory of malloc's own.
    unsafe {
        libc::malloc_trim(0);
    }
    footprint()
}

pub fn footprint() -> Footprint {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |field| status_field(&status, field).unwrap_or(0) * 1024;
    Footprint {
        resident: kib("VmRSS:"),
        virtual_size: kib("VmSize:"),
    }
}

/// What `n` waiters added to the process.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    pub started: usize,
    pub before: Footprint,
    pub after: Footprint,
    /// The future's own size (tasks) or the stack reserved (threads).
    pub each: u64,
}

impl Cost {
    pub fn resident_each(&self) -> u64 {
        self.after.resident.saturating_sub(self.before.resident) / self.started.max(1) as u64
    }
    pub fn virtual_each(&self) -> u64 {
        self.after
            .virtual_size
            .saturating_sub(self.before.virtual_size)
            / self.started.max(1) as u64
    }
}

// ANCHOR: sleeping_tasks
/// `n` tasks, each asleep for an hour in `sleep().await`, measured once every one has been polled.
pub fn sleeping_tasks(n: usize) -> Cost {
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    let polled = Arc::new(AtomicUsize::new(0));
    let before = settled_footprint();
    let mut each = 0;
    for _ in 0..n {
        let polled = Arc::clone(&polled);
        let sleeper = async move {
            polled.fetch_add(1, Relaxed); // the task has run up to its first await
            tokio::time::sleep(Duration::from_secs(3600)).await;
        };
        each = std::mem::size_of_val(&sleeper) as u64; // the future's state, its lower bound
        tokio.spawn(sleeper);
    }
    tokio.block_on(async {
        while polled.load(Relaxed) < n {
            tokio::task::yield_now().await; // lets the runtime poll the tasks
        }
    });
    let alive = tokio.metrics().num_alive_tasks();
    let after = footprint();
    drop(tokio); // cancels the sleepers: none outlives the measurement
    Cost {
        started: alive,
        before,
        after,
        each,
    }
}
// ANCHOR_END: sleeping_tasks

// ANCHOR: sleeping_threads
/// `n` threads with std's default stack, each asleep on a condition variable until released.
pub fn sleeping_threads(n: usize) -> Cost {
    let release = Arc::new((Mutex::new(false), Condvar::new()));
    let started = Arc::new(AtomicUsize::new(0));
    let before = settled_footprint();
    let mut threads = Vec::with_capacity(n);
    for _ in 0..n {
        let (release, started) = (Arc::clone(&release), Arc::clone(&started));
        let spawned = std::thread::Builder::new().spawn(move || {
            started.fetch_add(1, Relaxed);
            let (lock, wake) = &*release;
            let mut released = lock.lock().unwrap_or_else(|e| e.into_inner());
            while !*released {
                released = wake.wait(released).unwrap_or_else(|e| e.into_inner());
            }
        });
        match spawned {
            Ok(thread) => threads.push(thread),
            Err(_) => break, // the machine's limit: measure the threads that did start
        }
    }
    while started.load(Relaxed) < threads.len() {
        std::thread::sleep(Duration::from_millis(1));
    }
    let after = footprint();
    *release.0.lock().unwrap_or_else(|e| e.into_inner()) = true;
    release.1.notify_all();
    let started = threads.len();
    for thread in threads {
        let _ = thread.join(); // every thread ends before the function returns
    }
    Cost {
        started,
        before,
        after,
        each: 2 << 20,
    }
}
// ANCHOR_END: sleeping_threads

/// The option by which the lesson re-runs itself to measure one kind of waiter (hidden).
pub const CHILD_OPTION: &str = "--waiters-child";
/// How long one child may take: 10,000 tasks or 1,000 threads need well under a second.
pub const CHILD_DEADLINE: Duration = Duration::from_secs(60);

/// The child: starts `n` waiters of one kind in a process that has done nothing else, and
/// prints what they cost on one line, for [`in_a_fresh_process`] to read.
pub fn waiters_child(kind: &str, n: usize) {
    let cost = match kind {
        "tasks" => sleeping_tasks(n),
        _ => sleeping_threads(n),
    };
    let (before, after) = (cost.before, cost.after);
    println!(
        "{} {} {} {} {} {}",
        cost.started,
        before.resident,
        before.virtual_size,
        after.resident,
        after.virtual_size,
        cost.each
    );
}

/// Runs [`waiters_child`] in a new process of this same program, so that what ran earlier in
/// the lesson (arenas malloc made for other threads, the cache of stacks of threads that ended)
/// cannot change the figure: every measurement starts from the same fresh process.
pub fn in_a_fresh_process(kind: &str, n: usize) -> Result<Cost, String> {
    let exe = std::env::current_exe().map_err(|e| format!("the lesson's own path: {e}"))?;
    let count = if kind == "tasks" {
        "--tasks"
    } else {
        "--threads"
    };
    let mut child = Command::new(exe);
    child.args([CHILD_OPTION, kind, count, &n.to_string()]);
    let line = output_within(child, CHILD_DEADLINE)?;
    let numbers: Vec<u64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let [started, rss0, vm0, rss1, vm1, each] = numbers[..] else {
        return Err(format!(
            "the {kind} child printed {line:?}, not six numbers"
        ));
    };
    let footprint = |resident, virtual_size| Footprint {
        resident,
        virtual_size,
    };
    Ok(Cost {
        started: started as usize,
        before: footprint(rss0, vm0),
        after: footprint(rss1, vm1),
        each,
    })
}

/// Shows that a sleeping task costs a few hundred bytes and a sleeping thread tens of KiB of RAM
/// but megabytes of address space, measured.
pub fn memory_per_waiter(tasks: usize, threads: usize) -> Section {
    let mut section =
        Section::new("memory-per-waiter", "Memory per waiting request").about(&format!(
            "{tasks} tokio tasks asleep in sleep().await, then {threads} threads asleep on a \
             Condvar, each kind in a fresh process of its own (the lesson runs itself again): \
             that process's resident memory (VmRSS) and virtual size (VmSize) before and after, \
             divided by the count. size_of_val of the task's future is its lower bound."
        ));
    let measured = in_a_fresh_process("tasks", tasks).and_then(|task_cost| {
        in_a_fresh_process("threads", threads).map(|thread_cost| (task_cost, thread_cost))
    });
    let (task_cost, thread_cost) = match measured {
        Ok(costs) => costs,
        Err(why) => {
            section.check(false, why.as_str());
            return section;
        }
    };
    section.check(
        task_cost.started == tasks,
        phrase!(
            "the runtime counted {} tasks alive, each polled once, when memory was read",
            task_cost.started
        ),
    );
    section.check(
        thread_cost.started == threads,
        phrase!(
            "{} threads started and were asleep when memory was read",
            thread_cost.started
        ),
    );
    let stack = match std::env::var("RUST_MIN_STACK") {
        Ok(value) => format!("RUST_MIN_STACK={value}"),
        Err(_) => "2 MiB (std's default)".to_string(),
    };
    let mut table = Table::new(&[
        ("waiter", "waiting unit"),
        ("count", "count"),
        ("own_bytes", "future or stack"),
        ("rss_each_bytes", "VmRSS each"),
        ("vmsize_each_bytes", "VmSize each"),
    ]);
    table.row(vec![
        "tokio task".into(),
        task_cost.started.into(),
        Measured::Bytes(task_cost.each).into(),
        Measured::Bytes(task_cost.resident_each()).into(),
        Measured::Bytes(task_cost.virtual_each()).into(),
    ]);
    table.row(vec![
        "OS thread".into(),
        thread_cost.started.into(),
        stack.as_str().into(),
        Measured::Bytes(thread_cost.resident_each()).into(),
        Measured::Bytes(thread_cost.virtual_each()).into(),
    ]);
    section.table(
        "Memory added per waiting unit (after minus before, divided by the count)",
        table,
    );
    let ratio = thread_cost.resident_each() as f64 / task_cost.resident_each().max(1) as f64;
    let mostly_virtual = thread_cost.resident_each() < thread_cost.virtual_each() / 2;
    section.check(
        mostly_virtual && ratio > 1.0,
        phrase!(
            "a sleeping thread kept {} of the {} it added to the address space resident, and more \
             than a sleeping task",
            Measured::Bytes(thread_cost.resident_each()),
            Measured::Bytes(thread_cost.virtual_each())
        ),
    );
    section.verdict(phrase!(
        "A sleeping thread cost {} of resident memory, {} a sleeping task's {}. Its address \
         space grew by {} each: the stack it reserved, and whatever else a new thread maps. \
         Linux gives a mapping RAM only page by page as it is touched, so most of it is never \
         resident.",
        Measured::Bytes(thread_cost.resident_each()),
        Measured::Ratio(ratio),
        Measured::Bytes(task_cost.resident_each()),
        Measured::Bytes(thread_cost.virtual_each())
    ));
    section
}
