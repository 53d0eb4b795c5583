//! Budgets: a deadline, a cancel flag and a memory limit for one computation.
//!
//! Every command runs inside a [`Budget`] (`--timeout`, `--memory`); a library caller (or the
//! Python bindings) builds one and keeps its [`Budget::cancel_flag`] to stop a computation from
//! another thread. The engine's loops call [`check`], which is cheap (a few relaxed atomic loads:
//! the cancel flag, a flag a timer thread sets at the deadline, the memory in use). When the
//! budget is spent, [`check`] stops the computation and [`Budget::run`] returns
//! [`Interrupted`]: what was being computed ([`stage`]) and how far it got.
//!
//! Stopping unwinds the stack (`std::panic::resume_unwind`, which does not run the panic hook
//! and prints nothing) up to [`Budget::run`], which turns it into the error. The loops that
//! need a stop point are mostly inside infallible exact arithmetic (`&a * &b` on constants of
//! millions of bits, a series recurrence, an interval Taylor product): unwinding stops them
//! without making every arithmetic operation return a `Result`. No state is shared across the
//! stop (each computation owns its values), so nothing is left half-updated.
//!
//! The memory in use is the live heap counted by [`CountingAlloc`], which the `taylorgate`
//! binary installs as its global allocator; without it (a library caller with its own
//! allocator) the memory limit is not enforced and only the deadline and the flag are.
//!
//! Threads: the budget is installed for the current thread. Work sent to other threads takes
//! it along with [`current`] and [`Handle::enter`] (the parallel reductions of the series
//! layer do); `scan` gives each activation a child budget ([`Budget::with_parent`]).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Default deadline of a command (`--timeout`), in seconds.
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;
/// Default deadline of one activation in `scan` (`--timeout`), in seconds.
pub const DEFAULT_SCAN_TIMEOUT_SECS: u64 = 20;
/// Default memory limit of a command (`--memory`), in MiB of live heap.
pub const DEFAULT_MEMORY_MIB: u64 = 2048;

/// Why a computation stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The deadline passed (the budget's time-out).
    Timeout(Duration),
    /// The live heap passed the limit (bytes in use, limit).
    Memory {
        /// Bytes in use when the check saw it.
        used: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The cancel flag was set.
    Cancelled,
}

/// A computation stopped by its budget: why, and what it was doing (outermost stage first).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Interrupted {
    /// Why it stopped.
    pub reason: Reason,
    /// The stages in progress, outermost first, each with how far it got.
    pub stages: Vec<String>,
}

fn mib(bytes: usize) -> usize {
    bytes.div_ceil(1 << 20)
}

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            Reason::Timeout(d) => write!(
                f,
                "timeout after {} s (raise it with --timeout)",
                fmt_secs(*d)
            )?,
            Reason::Memory { used, limit } => write!(
                f,
                "memory limit of {} MiB reached ({} MiB in use; raise it with --memory)",
                mib(*limit),
                mib(*used)
            )?,
            Reason::Cancelled => write!(f, "cancelled")?,
        }
        if self.stages.is_empty() {
            Ok(())
        } else {
            write!(f, " while computing {}", self.stages.join(", within "))
        }
    }
}

fn fmt_secs(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        d.as_secs().to_string()
    } else {
        format!("{:.1}", d.as_secs_f64())
    }
}

/// The limits of one computation.
#[derive(Clone, Debug, Default)]
pub struct Budget {
    timeout: Option<Duration>,
    memory: Option<usize>,
    cancel: Arc<AtomicBool>,
    parent: Option<Handle>,
    progress: bool,
}

/// The budget in force, as installed for a thread.
#[derive(Debug)]
struct Shared {
    /// The time-out, and the flag its timer sets when it has passed.
    deadline: Option<(Duration, Arc<AtomicBool>)>,
    memory: Option<usize>,
    cancel: Arc<AtomicBool>,
    parent: Option<Arc<Shared>>,
}

impl Shared {
    fn exceeded(&self) -> Option<Reason> {
        if self.cancel.load(Ordering::Relaxed) {
            return Some(Reason::Cancelled);
        }
        if let Some((timeout, expired)) = &self.deadline {
            if expired.load(Ordering::Relaxed) {
                return Some(Reason::Timeout(*timeout));
            }
        }
        if let (Some(limit), Some(used)) = (self.memory, live_bytes()) {
            if used > limit {
                return Some(Reason::Memory { used, limit });
            }
        }
        self.parent.as_ref().and_then(|p| p.exceeded())
    }
}

/// The budget of the current thread, to take along into work on other threads.
#[derive(Clone, Debug)]
pub struct Handle {
    shared: Arc<Shared>,
    stages: Vec<String>,
}

impl Handle {
    /// Runs `f` on this thread under the budget (for work sent to other threads, such as a
    /// `rayon` task). A stop inside `f` unwinds to the [`Budget::run`] that owns the budget.
    pub fn enter<T>(&self, f: impl FnOnce() -> T) -> T {
        let _installed = Installed::new(Some(self.shared.clone()), self.stages.clone());
        f()
    }
}

/// Runs `f` under `handle` when there is one (see [`current`]).
pub fn within<T>(handle: &Option<Handle>, f: impl FnOnce() -> T) -> T {
    match handle {
        Some(h) => h.enter(f),
        None => f(),
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Shared>>> = const { RefCell::new(None) };
    static STAGES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Installs a budget and stages for the current thread; restores the previous ones when dropped
/// (also while unwinding).
struct Installed {
    previous: Option<Arc<Shared>>,
    stages: Vec<String>,
}

impl Installed {
    fn new(shared: Option<Arc<Shared>>, stages: Vec<String>) -> Installed {
        Installed {
            previous: CURRENT.with(|c| c.replace(shared)),
            stages: STAGES.with(|s| s.replace(stages)),
        }
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        CURRENT.with(|c| c.replace(self.previous.take()));
        STAGES.with(|s| s.replace(std::mem::take(&mut self.stages)));
    }
}

impl Budget {
    /// No deadline, no memory limit (only the cancel flag, and the limits of a parent).
    pub fn new() -> Budget {
        Budget::default()
    }

    /// Stop after `timeout` (counted from [`Budget::run`]).
    pub fn with_timeout(mut self, timeout: Duration) -> Budget {
        self.timeout = Some(timeout);
        self
    }

    /// Stop when the live heap passes `bytes` (enforced under [`CountingAlloc`]).
    pub fn with_memory(mut self, bytes: usize) -> Budget {
        self.memory = Some(bytes);
        self
    }

    /// Stop when `flag` is set (from any thread).
    pub fn with_cancel(mut self, flag: Arc<AtomicBool>) -> Budget {
        self.cancel = flag;
        self
    }

    /// Also obey the limits of `parent` (a budget taken from another thread with [`current`]).
    pub fn with_parent(mut self, parent: Option<Handle>) -> Budget {
        self.parent = parent;
        self
    }

    /// Show the stage in progress on stderr (an `indicatif` spinner) when the computation runs
    /// over a second and stderr is a terminal (never otherwise: tests and JSON are unaffected).
    pub fn with_progress(mut self, on: bool) -> Budget {
        self.progress = on;
        self
    }

    /// The flag that stops the computation when set.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }

    /// Runs `f` under this budget on the current thread (inside any budget already in force).
    pub fn run<T>(&self, f: impl FnOnce() -> T) -> Result<T, Interrupted> {
        let parent = self
            .parent
            .as_ref()
            .map(|h| h.shared.clone())
            .or_else(|| CURRENT.with(|c| c.borrow().clone()));
        let stages = match &self.parent {
            Some(h) => h.stages.clone(),
            None => STAGES.with(|s| s.borrow().clone()),
        };
        let timer = self.timeout.map(Timer::start);
        let shared = Arc::new(Shared {
            deadline: timer.as_ref().map(|t| (t.timeout, t.expired.clone())),
            memory: self.memory,
            cancel: self.cancel.clone(),
            parent,
        });
        let display = (self.progress && std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .then(Display::start)
            .flatten();
        let installed = Installed::new(Some(shared), stages);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        drop(installed);
        drop(display);
        drop(timer);
        match result {
            Ok(v) => Ok(v),
            Err(payload) => match payload.downcast::<Interrupted>() {
                Ok(i) => Err(*i),
                Err(other) => std::panic::resume_unwind(other),
            },
        }
    }
}

/// Whether a [`Display`] shows the stages (only then do stages publish their text).
static SHOWING: AtomicBool = AtomicBool::new(false);
/// The stages in progress, as the display shows them.
static STATUS: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

fn publish() {
    if SHOWING.load(Ordering::Relaxed) {
        let text = STAGES.with(|s| s.borrow().join(", within "));
        if let Ok(mut status) = STATUS.lock() {
            *status = text;
        }
    }
}

/// A thread that shows the stage in progress on stderr after a second, until dropped.
struct Display {
    done: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Display {
    fn start() -> Option<Display> {
        let (done, wait) = std::sync::mpsc::channel::<()>();
        SHOWING.store(true, Ordering::Relaxed);
        let thread = std::thread::Builder::new()
            .name("taylorgate-progress".into())
            .spawn(move || {
                use std::sync::mpsc::RecvTimeoutError::Timeout;
                if !matches!(wait.recv_timeout(Duration::from_secs(1)), Err(Timeout)) {
                    return;
                }
                let bar = indicatif::ProgressBar::with_draw_target(
                    None,
                    indicatif::ProgressDrawTarget::stderr(),
                );
                while let Err(Timeout) = wait.recv_timeout(Duration::from_millis(100)) {
                    let text = STATUS.lock().map(|s| s.clone()).unwrap_or_default();
                    bar.set_message(text);
                    bar.tick();
                }
                bar.finish_and_clear();
            })
            .ok()?;
        Some(Display {
            done: Some(done),
            thread: Some(thread),
        })
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        self.done.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        SHOWING.store(false, Ordering::Relaxed);
    }
}

/// A thread that sets `expired` at the deadline, unless dropped before.
struct Timer {
    timeout: Duration,
    expired: Arc<AtomicBool>,
    done: Option<std::sync::mpsc::Sender<()>>,
}

impl Timer {
    fn start(timeout: Duration) -> Timer {
        let expired = Arc::new(AtomicBool::new(false));
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let flag = expired.clone();
        let deadline = Instant::now() + timeout;
        let spawned = std::thread::Builder::new()
            .name("taylorgate-timer".into())
            .stack_size(64 << 10)
            .spawn(move || {
                // Returns early when the computation ends (the sender is dropped).
                let left = deadline.saturating_duration_since(Instant::now());
                if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(left) {
                    flag.store(true, Ordering::Relaxed);
                }
            });
        if spawned.is_err() {
            // No timer thread: the deadline cannot be watched; stop at once rather than never.
            expired.store(true, Ordering::Relaxed);
        }
        Timer {
            timeout,
            expired,
            done: Some(done),
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.done.take();
    }
}

/// The budget of the current thread, if any (to take into other threads with [`within`]).
pub fn current() -> Option<Handle> {
    CURRENT.with(|c| c.borrow().clone()).map(|shared| Handle {
        shared,
        stages: STAGES.with(|s| s.borrow().clone()),
    })
}

/// A stop point, cheap enough for inner loops (a few relaxed atomic loads). Stops the
/// computation (see the module documentation) when the budget of the current thread is spent.
pub fn check() {
    let reason = CURRENT.with(|c| c.borrow().as_ref().and_then(|s| s.exceeded()));
    if let Some(reason) = reason {
        let stages = STAGES.with(|s| s.borrow().clone());
        std::panic::resume_unwind(Box::new(Interrupted { reason, stages }));
    }
}

/// `x` as text of at most 60 characters (for stage names).
pub fn short(x: &impl fmt::Display) -> String {
    let s = x.to_string();
    match s.char_indices().nth(57) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s,
    }
}

/// What is being computed, shown when the budget stops it; ends when dropped.
pub struct Stage {
    depth: usize,
    what: String,
}

/// Starts a stage named `what` (e.g. "the Taylor coefficients of sin(x) at 0").
pub fn stage(what: impl Into<String>) -> Stage {
    let what = what.into();
    let depth = STAGES.with(|s| {
        let mut s = s.borrow_mut();
        s.push(what.clone());
        s.len()
    });
    publish();
    Stage { depth, what }
}

impl Stage {
    /// Records how far the stage got (`done` of `total` units, e.g. "coefficients") and
    /// checks the budget.
    pub fn progress(&self, done: usize, total: usize, unit: &str) {
        STAGES.with(|s| {
            if let Some(slot) = s.borrow_mut().get_mut(self.depth - 1) {
                *slot = format!("{} ({done} of {total} {unit} done)", self.what);
            }
        });
        publish();
        check();
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        STAGES.with(|s| s.borrow_mut().truncate(self.depth - 1));
        publish();
    }
}

static LIVE: AtomicUsize = AtomicUsize::new(0);
static COUNTING: AtomicBool = AtomicBool::new(false);

/// The live heap in bytes, when [`CountingAlloc`] is the global allocator.
pub fn live_bytes() -> Option<usize> {
    COUNTING
        .load(Ordering::Relaxed)
        .then(|| LIVE.load(Ordering::Relaxed))
}

/// The system allocator, counting the live heap for the memory limit of [`Budget`].
///
/// ```ignore
/// #[global_allocator]
/// static ALLOC: taylorgate::budget::CountingAlloc = taylorgate::budget::CountingAlloc;
/// ```
pub struct CountingAlloc;

// SAFETY: every call is forwarded to `System` unchanged; the counters are only bookkeeping.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on to `System`.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
            COUNTING.store(true, Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
            COUNTING.store(true, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spin() {
        loop {
            check();
        }
    }

    #[test]
    fn a_deadline_stops_a_loop_and_says_where() {
        let budget = Budget::new().with_timeout(Duration::from_millis(20));
        let err = budget
            .run(|| {
                let s = stage("the loop");
                s.progress(3, 10, "steps");
                spin()
            })
            .unwrap_err();
        assert_eq!(err.reason, Reason::Timeout(Duration::from_millis(20)));
        assert_eq!(
            err.to_string(),
            "timeout after 0.0 s (raise it with --timeout) while computing the loop (3 of 10 steps done)"
        );
        // The stage ended with the unwinding.
        assert!(STAGES.with(|s| s.borrow().is_empty()));
        assert!(CURRENT.with(|c| c.borrow().is_none()));
    }

    #[test]
    fn the_cancel_flag_stops_from_another_thread() {
        let budget = Budget::new();
        let flag = budget.cancel_flag();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(10));
            flag.store(true, Ordering::Relaxed);
        });
        let err = budget.run(spin).unwrap_err();
        assert_eq!(err.reason, Reason::Cancelled);
    }

    #[test]
    fn work_on_another_thread_obeys_the_budget_it_took_along() {
        let budget = Budget::new().with_timeout(Duration::from_millis(10));
        let err = budget
            .run(|| {
                let _s = stage("outer");
                let h = current();
                std::thread::scope(|scope| {
                    scope
                        .spawn(|| Budget::new().with_parent(h).run(spin).map_err(|i| i.stages))
                        .join()
                        .unwrap()
                })
            })
            .unwrap();
        assert_eq!(err.unwrap_err(), vec!["outer".to_string()]);
    }

    #[test]
    fn other_panics_pass_through() {
        let r = std::panic::catch_unwind(|| Budget::new().run(|| panic!("boom")));
        assert!(r.is_err());
    }

    #[test]
    fn without_a_budget_check_does_nothing() {
        for _ in 0..1000 {
            check();
        }
    }
}
