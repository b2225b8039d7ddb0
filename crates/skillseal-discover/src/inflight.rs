//! A bound on the bytes of source the scan's workers hold at once.
//!
//! A file's scan holds its syntax tree and facts, about 25–30 bytes of
//! memory per byte of source for minified JavaScript (a 9 MB bundle peaks
//! at ~240 MB). Two such files on two workers at once doubled the scan's
//! peak RSS; with this bound, a file takes `min(size, cap)` of the cap
//! before it is read and gives it back when its scan is done, so files
//! larger than the cap run alone and small files run side by side as
//! before. Peak memory is then bounded by the cap, not by the number of
//! workers or files.

use std::sync::{Condvar, Mutex};

pub(crate) struct InFlight {
    cap: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// A share of the cap, given back on drop.
pub(crate) struct Permit<'a> {
    pool: &'a InFlight,
    n: u64,
}

impl InFlight {
    /// A bound of `cap` bytes (at least 1).
    pub(crate) fn new(cap: u64) -> InFlight {
        InFlight {
            cap: cap.max(1),
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Wait until `size` bytes (at most the cap) fit, and take them.
    ///
    /// Deadlock-free on a rayon pool as long as the holder calls back into
    /// no rayon work while it holds the permit (the engine runs on the
    /// calling thread alone).
    pub(crate) fn acquire(&self, size: u64) -> Permit<'_> {
        let n = size.min(self.cap);
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used + n > self.cap {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += n;
        Permit { pool: self, n }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut used = self.pool.used.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.n;
        drop(used);
        self.pool.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn never_more_than_the_cap_in_flight_and_big_items_run_alone() {
        let pool = InFlight::new(10);
        let now = AtomicU64::new(0);
        let peak = AtomicU64::new(0);
        let sizes = [1u64, 30, 4, 4, 4, 9, 2, 2, 50, 1, 6, 6];
        std::thread::scope(|s| {
            for chunk in sizes.chunks(3) {
                let (pool, now, peak) = (&pool, &now, &peak);
                s.spawn(move || {
                    for &size in chunk {
                        let _p = pool.acquire(size);
                        let n = size.min(10);
                        let v = now.fetch_add(n, Ordering::SeqCst) + n;
                        peak.fetch_max(v, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(2));
                        now.fetch_sub(n, Ordering::SeqCst);
                    }
                });
            }
        });
        assert!(peak.load(Ordering::SeqCst) <= 10);
        assert_eq!(*pool.used.lock().unwrap(), 0);
    }
}
