//! Short-lived memory of answers the database gave: read responses
//! (skill metadata, listings, resolves) and token lookups.
//!
//! Every state-changing request this process serves empties it at once, so
//! a process never serves its own stale data. A change made by another
//! process sharing the database (or by `skillseal-registry token create`)
//! is seen within [`TTL`]: the price of not asking the database on every
//! read, which is what keeps reads in the tens of thousands per second.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long an answer is reused when nothing changed in this process.
pub const TTL: Duration = Duration::from_secs(1);

/// Entries kept before the map is emptied (a crude bound, never reached
/// by honest traffic within one TTL).
const MAX_ENTRIES: usize = 8192;

pub struct Cache<V> {
    generation: AtomicU64,
    entries: Mutex<HashMap<String, (u64, Instant, V)>>,
}

impl<V: Clone> Default for Cache<V> {
    fn default() -> Self {
        Cache {
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> Cache<V> {
    /// Taken before the database is asked: an answer computed while a
    /// change landed is stored under the old generation and never served.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn get(&self, key: &str) -> Option<V> {
        let now = self.generation();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(g, at, _)| *g == now && at.elapsed() < TTL)
            .map(|(_, _, v)| v.clone())
    }

    pub fn put(&self, key: String, generation: u64, value: V) {
        if generation != self.generation() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, (generation, Instant::now(), value));
    }

    /// Something changed: nothing remembered so far is served again.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_or_time_retires_an_answer() {
        let c: Cache<u32> = Cache::default();
        let g = c.generation();
        c.put("a".into(), g, 1);
        assert_eq!(c.get("a"), Some(1));
        // An answer computed across a change is never stored.
        let before = c.generation();
        c.invalidate();
        assert_eq!(c.get("a"), None);
        c.put("b".into(), before, 2);
        assert_eq!(c.get("b"), None);
        let g = c.generation();
        c.put("c".into(), g, 3);
        std::thread::sleep(TTL + Duration::from_millis(50));
        assert_eq!(c.get("c"), None);
    }
}
