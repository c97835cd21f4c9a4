//! The exercise's kitchen: cooks who each need several tools at once, in a resource graph the
//! chapter did not show. Cook `me` needs the tools `tools_for(me)` lists, all in hand, to cook a
//! dish. The recipes are chosen by the judge: a ring through the tools in a random order, so the
//! order in which the recipes list the tools closes a cycle right round the kitchen.
//!
//! Tools are handed out through lesson 02's wait-for graph, so the watchdog finds a deadlock and
//! calls the dinner off. The opening window is held open: a cook who has just taken a tool waits
//! until every cook holds a tool, waits for a taken one, or is blocked in a lock of its own. A
//! cook that merely sleeps does not close the window, so starting late cannot slip past it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use lesson_02_deadlock::watchdog::{Cancelled, Held, Lock, WaitForGraph, watched};
use serde::{Deserialize, Serialize};

/// The longest the window stays open: only a cook that never reaches for a tool (it sleeps, or
/// waits somewhere the check cannot see) keeps it open this long. Shorter than the watchdog's
/// `STALL` (1 s), so that such a cook is reported as late rather than as a stall.
pub const WINDOW_LIMIT: Duration = Duration::from_millis(800);

/// A tool in a cook's hand. It goes back on the rack when dropped.
pub struct Tool<'a> {
    held: Held<'a, ()>,
    /// Dishes the cook had cooked when it took this tool.
    taken_after: usize,
}

impl Tool<'_> {
    pub fn number(&self) -> usize {
        self.held.lock()
    }
}

/// What one dinner in the kitchen showed, sent from the answer's process to the judge.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Served {
    /// Dishes each cook cooked.
    pub dishes: Vec<usize>,
    /// Per cook, each dish as (start, end) in microseconds since the dinner began.
    pub spans: Vec<Vec<(u64, u64)>>,
    /// The watchdog's report in words, if the dinner got stuck.
    pub stuck: Option<Vec<String>>,
    pub deadlock: bool,
    pub elapsed_us: u64,
    /// Cooks that had not reached for a tool when the window gave up waiting for them.
    pub never_reached: Vec<usize>,
    /// A cook that kept a tool from one dish to the next: (cook, tool).
    pub kept: Option<(usize, usize)>,
}

/// The tools, the recipes and what each cook did.
pub struct Kitchen {
    graph: WaitForGraph,
    tools: Vec<Lock<()>>,
    needs: Vec<Vec<usize>>,
    cooking: Duration,
    opened: Instant,
    spans: Vec<Mutex<Vec<(u64, u64)>>>,
    kept: Mutex<Option<(usize, usize)>>,
    opening_over: AtomicBool,
    never_reached: Mutex<Vec<usize>>,
    /// Each cook's thread, for telling a cook blocked in a lock from one asleep.
    threads: Vec<AtomicUsize>,
}

impl Kitchen {
    /// How many cooks there are.
    pub fn cooks(&self) -> usize {
        self.needs.len()
    }

    /// The tools cook `me` needs for a dish, in the order its recipe lists them.
    pub fn tools_for(&self, me: usize) -> &[usize] {
        &self.needs[me]
    }

    /// Cook `me` takes tool `tool`, waiting while another cook has it. `Err(Cancelled)` means
    /// the watchdog found the kitchen deadlocked and called the dinner off.
    pub fn take(&self, me: usize, tool: usize) -> Result<Tool<'_>, Cancelled> {
        let held = self.graph.lock(me, &self.tools[tool])?;
        self.hold_the_window_open();
        Ok(self.tool(me, held))
    }

    /// Like `take`, but gives up after `timeout`: `Ok(None)` if the tool was not free in time.
    pub fn try_take(
        &self,
        me: usize,
        tool: usize,
        timeout: Duration,
    ) -> Result<Option<Tool<'_>>, Cancelled> {
        let held = self.graph.try_lock_for(me, &self.tools[tool], timeout)?;
        Ok(held.map(|held| {
            self.hold_the_window_open();
            self.tool(me, held)
        }))
    }

    fn tool<'a>(&'a self, me: usize, held: Held<'a, ()>) -> Tool<'a> {
        let taken_after = self.spans[me]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len();
        Tool { held, taken_after }
    }

    /// Cook `me` cooks one dish with `tools`, which must be exactly the tools its recipe lists.
    pub fn cook(&self, me: usize, tools: &[Tool]) {
        let mut have: Vec<usize> = tools.iter().map(Tool::number).collect();
        have.sort_unstable();
        let mut need = self.needs[me].clone();
        need.sort_unstable();
        assert_eq!(
            have, need,
            "cook {me} tried to cook with tools {have:?}; its recipe needs tools {need:?}"
        );
        let done = self.spans[me]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len();
        if let Some(kept) = tools.iter().find(|t| t.taken_after < done) {
            let mut first = self.kept.lock().unwrap_or_else(|p| p.into_inner());
            first.get_or_insert((me, kept.number()));
        }
        let started = self.opened.elapsed();
        thread::sleep(self.cooking);
        let ended = self.opened.elapsed();
        self.spans[me]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((started.as_micros() as u64, ended.as_micros() as u64));
        self.graph.made_progress(me);
    }

    /// At the start, a cook who has just taken a tool waits until no cook can slip through.
    fn hold_the_window_open(&self) {
        let deadline = Instant::now() + WINDOW_LIMIT;
        while !self.opening_over.load(Ordering::Acquire) {
            if self.graph.is_cancelled() || self.no_one_can_slip_through() {
                self.opening_over.store(true, Ordering::Release);
            } else if Instant::now() >= deadline {
                let late: Vec<usize> = (0..self.cooks())
                    .filter(|&c| !self.graph.holds_or_waits(c) && !self.out_of_the_way(c))
                    .collect();
                *self.never_reached.lock().unwrap_or_else(|p| p.into_inner()) = late;
                self.opening_over.store(true, Ordering::Release);
            } else {
                thread::sleep(Duration::from_micros(50));
            }
        }
    }

    fn no_one_can_slip_through(&self) -> bool {
        self.graph.everyone_holds_or_waits()
            || (0..self.cooks()).all(|c| self.graph.holds_or_waits(c) || self.out_of_the_way(c))
    }

    /// Cook `c` cannot slip through: it is blocked in a lock the graph cannot see (a Mutex, a
    /// Condvar, a channel of the answer's own), that is, inside the futex system call as
    /// `/proc/self/task/TID/syscall` shows it, or its thread has ended. A thread asleep in
    /// `thread::sleep` is in clock_nanosleep instead.
    fn out_of_the_way(&self, c: usize) -> bool {
        let tid = self.threads[c].load(Ordering::Acquire);
        if tid == 0 {
            return false;
        }
        let task = format!("/proc/self/task/{tid}");
        if !std::path::Path::new(&task).exists() {
            return true;
        }
        // The file exists on kernels built with CONFIG_HAVE_ARCH_TRACEHOOK (proc_pid_syscall(5),
        // since Linux 2.6.27). Without it every cook counts as awake, and the window waits
        // for the limit.
        match std::fs::read_to_string(format!("{task}/syscall")) {
            Err(_) => false,
            Ok(s) => s
                .split_whitespace()
                .next()
                .and_then(|call| call.parse::<i64>().ok())
                .is_some_and(|call| call == libc::SYS_futex),
        }
    }
}

/// A cook's dinner: `cook(kitchen, me, dishes)` cooks `dishes` dishes as cook `me`.
pub type Cook = fn(&Kitchen, usize, usize) -> Result<(), Cancelled>;

/// The id of the calling thread, from /proc (no unsafe needed).
fn this_thread() -> usize {
    std::fs::read_link("/proc/thread-self")
        .ok()
        .and_then(|p| p.file_name()?.to_str()?.parse().ok())
        .unwrap_or(0)
}

/// One dinner: every cook on its own thread running `cook`, under the watchdog. Every thread is
/// joined before this returns, whether the dinner finished or was called off.
pub fn dinner(needs: Vec<Vec<usize>>, dishes: usize, cooking: Duration, cook: Cook) -> Served {
    let cooks = needs.len();
    let tools = needs.iter().flatten().max().map_or(0, |&t| t + 1);
    let kitchen = Kitchen {
        graph: WaitForGraph::new(
            (0..cooks).map(|c| format!("cook {c}")),
            (0..tools).map(|t| format!("tool {t}")),
        ),
        tools: (0..tools).map(|t| Lock::new(t, ())).collect(),
        needs,
        cooking,
        opened: Instant::now(),
        spans: (0..cooks).map(|_| Mutex::new(Vec::new())).collect(),
        kept: Mutex::new(None),
        opening_over: AtomicBool::new(false),
        never_reached: Mutex::new(Vec::new()),
        threads: (0..cooks).map(|_| AtomicUsize::new(0)).collect(),
    };
    let (_, stuck) = watched(&kitchen.graph, || {
        thread::scope(|s| {
            let cooks: Vec<_> = (0..cooks)
                .map(|me| {
                    let kitchen = &kitchen;
                    s.spawn(move || {
                        kitchen.threads[me].store(this_thread(), Ordering::Release);
                        cook(kitchen, me, dishes)
                    })
                })
                .collect();
            for cook in cooks {
                if let Err(panic) = cook.join() {
                    std::panic::resume_unwind(panic);
                }
            }
        })
    });
    let elapsed_us = kitchen.opened.elapsed().as_micros() as u64;
    let spans: Vec<Vec<(u64, u64)>> = kitchen
        .spans
        .into_iter()
        .map(|s| s.into_inner().unwrap_or_else(|p| p.into_inner()))
        .collect();
    Served {
        dishes: spans.iter().map(Vec::len).collect(),
        spans,
        deadlock: stuck.as_ref().is_some_and(|s| s.is_deadlock()),
        stuck: stuck.map(|s| s.lines()),
        elapsed_us,
        never_reached: kitchen
            .never_reached
            .into_inner()
            .unwrap_or_else(|p| p.into_inner()),
        kept: kitchen.kept.into_inner().unwrap_or_else(|p| p.into_inner()),
    }
}
