//! A work budget per file: the CPU time one thread may spend on one file,
//! and optionally a wall-clock deadline shared by a whole scan.
//!
//! Every loop whose work grows with the input (the tree-sitter parse, the
//! syntax-tree walks, markdown events, manifest keys, decoding, value
//! flows, rule matching) calls [`tick`], which reads the thread's CPU
//! clock every [`TICKS_PER_CHECK`] calls and reports when the budget is
//! spent; the loop then stops early. A file whose budget ran out is
//! reported as not fully scanned (fail-closed), never as clean.
//!
//! The state is per thread: each file is scanned on one thread from start
//! to end ([`crate::Engine::scan_file_within`] starts the budget and ends it
//! when it returns), and the tree-sitter parser that is interrupted is that
//! thread's own.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The CPU time one file may take by default.
pub const DEFAULT_FILE_CPU: Duration = Duration::from_secs(10);

/// How many [`tick`]s pass between two reads of the clock. A read is a
/// system call (about a microsecond); a tick is one syntax node or fact.
pub const TICKS_PER_CHECK: u32 = 1024;

/// How much work one file may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// CPU time of the scanning thread, for this file alone.
    pub cpu: Duration,
    /// A deadline on the wall clock (for a whole scan, as a server sets for
    /// one publish); `None` for none.
    pub until: Option<Instant>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            cpu: DEFAULT_FILE_CPU,
            until: None,
        }
    }
}

impl Budget {
    /// A budget of `cpu` per file and no deadline.
    pub fn per_file(cpu: Duration) -> Budget {
        Budget { cpu, until: None }
    }
}

#[derive(Clone, Copy)]
struct State {
    /// The thread CPU time at which the budget is spent.
    cpu_limit: Duration,
    until: Option<Instant>,
    ticks: u32,
    spent: bool,
}

thread_local! {
    static STATE: Cell<Option<State>> = const { Cell::new(None) };
}

/// The CPU time this thread has used.
fn thread_cpu() -> Duration {
    #[cfg(unix)]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
        Duration::new(
            u64::try_from(t.tv_sec).unwrap_or(0),
            u32::try_from(t.tv_nsec).unwrap_or(0),
        )
    }
    #[cfg(not(unix))]
    {
        // No portable per-thread CPU clock: count wall time from the first
        // read on this thread (an over-estimate, so still fail-closed).
        thread_local! {
            static ORIGIN: Instant = Instant::now();
        }
        ORIGIN.with(|o| o.elapsed())
    }
}

/// The budget for one file on this thread; ends when dropped.
pub(crate) struct Scope {
    previous: Option<State>,
}

/// Start `budget` for the file about to be scanned on this thread.
pub(crate) fn start(budget: Budget) -> Scope {
    let state = State {
        cpu_limit: thread_cpu().saturating_add(budget.cpu),
        until: budget.until,
        ticks: 0,
        spent: false,
    };
    Scope {
        previous: STATE.with(|s| s.replace(Some(state))),
    }
}

impl Scope {
    /// Whether the budget ran out at any point while this scope was open.
    pub(crate) fn spent(&self) -> bool {
        STATE.with(|s| s.get().is_some_and(|st| st.spent))
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        STATE.with(|s| s.set(self.previous));
    }
}

/// Count one unit of work; `true` once the budget is spent (and from then
/// on, for the rest of the file). Without an open [`Scope`] it never is.
#[inline]
pub(crate) fn tick() -> bool {
    STATE.with(|s| {
        let Some(mut st) = s.get() else {
            return false;
        };
        if st.spent {
            return true;
        }
        st.ticks += 1;
        if st.ticks >= TICKS_PER_CHECK {
            st.ticks = 0;
            st.spent = over(&st);
        }
        s.set(Some(st));
        st.spent
    })
}

/// Read the clocks now (for callers whose units of work are large).
pub(crate) fn check() -> bool {
    STATE.with(|s| {
        let Some(mut st) = s.get() else {
            return false;
        };
        if !st.spent {
            st.spent = over(&st);
            s.set(Some(st));
        }
        st.spent
    })
}

/// Whether the budget is already known to be spent (no clock read).
#[inline]
pub(crate) fn is_spent() -> bool {
    STATE.with(|s| s.get().is_some_and(|st| st.spent))
}

fn over(st: &State) -> bool {
    thread_cpu() >= st.cpu_limit || st.until.is_some_and(|u| Instant::now() >= u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_budget_is_spent_by_the_first_check_and_stays_spent() {
        let scope = start(Budget::per_file(Duration::ZERO));
        assert!(!is_spent());
        assert!(check());
        assert!(tick());
        assert!(scope.spent());
        drop(scope);
        // Outside a scope nothing is ever spent.
        assert!(!check());
        assert!(!tick());
    }

    #[test]
    fn ticks_read_the_clock_every_so_often() {
        let _scope = start(Budget::per_file(Duration::ZERO));
        let first_spent = (1..=TICKS_PER_CHECK * 2).find(|_| tick());
        assert_eq!(first_spent, Some(TICKS_PER_CHECK));
    }

    #[test]
    fn a_past_deadline_is_spent_whatever_the_cpu_budget() {
        let _scope = start(Budget {
            cpu: Duration::from_secs(3600),
            until: Some(Instant::now()),
        });
        assert!(check());
    }

    #[test]
    fn a_generous_budget_is_not_spent() {
        let scope = start(Budget::default());
        for _ in 0..TICKS_PER_CHECK * 4 {
            assert!(!tick());
        }
        assert!(!scope.spent());
    }
}
