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

/// Bytes of keys and values kept before the map is emptied, so that many
/// distinct large requests cannot make it grow without bound.
const MAX_BYTES: usize = 64 << 20;

/// What an entry costs, in bytes (roughly).
pub trait Weight {
    fn weight(&self) -> usize;
}

impl Weight for String {
    fn weight(&self) -> usize {
        self.len()
    }
}

impl Weight for (axum::http::StatusCode, axum::body::Bytes) {
    fn weight(&self) -> usize {
        self.1.len()
    }
}

impl Weight for crate::auth::Caller {
    fn weight(&self) -> usize {
        self.token_id.len() + self.name.len() + 64 * self.scopes.len()
    }
}

struct Entries<V> {
    map: HashMap<String, (u64, Instant, V)>,
    bytes: usize,
}

pub struct Cache<V> {
    generation: AtomicU64,
    entries: Mutex<Entries<V>>,
}

impl<V: Clone + Weight> Default for Cache<V> {
    fn default() -> Self {
        Cache {
            generation: AtomicU64::new(0),
            entries: Mutex::new(Entries {
                map: HashMap::new(),
                bytes: 0,
            }),
        }
    }
}

impl<V: Clone + Weight> Cache<V> {
    /// Taken before the database is asked: an answer computed while a
    /// change landed is stored under the old generation and never served.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn get(&self, key: &str) -> Option<V> {
        let now = self.generation();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .map
            .get(key)
            .filter(|(g, at, _)| *g == now && at.elapsed() < TTL)
            .map(|(_, _, v)| v.clone())
    }

    pub fn put(&self, key: String, generation: u64, value: V) {
        if generation != self.generation() {
            return;
        }
        let weight = key.len() + value.weight();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.map.len() >= MAX_ENTRIES || entries.bytes + weight > MAX_BYTES {
            entries.map.clear();
            entries.bytes = 0;
        }
        entries.bytes += weight;
        if let Some((_, _, old)) = entries.map.insert(key, (generation, Instant::now(), value)) {
            entries.bytes -= old.weight().min(entries.bytes);
        }
    }

    /// Something changed: nothing remembered so far is served again.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.map.clear();
        entries.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_or_time_retires_an_answer() {
        let c: Cache<String> = Cache::default();
        let g = c.generation();
        c.put("a".into(), g, "1".into());
        assert_eq!(c.get("a").as_deref(), Some("1"));
        // An answer computed across a change is never stored.
        let before = c.generation();
        c.invalidate();
        assert_eq!(c.get("a"), None);
        c.put("b".into(), before, "2".into());
        assert_eq!(c.get("b"), None);
        let g = c.generation();
        c.put("c".into(), g, "3".into());
        std::thread::sleep(TTL + Duration::from_millis(50));
        assert_eq!(c.get("c"), None);
    }

    #[test]
    fn large_answers_are_bounded_in_total() {
        let c: Cache<String> = Cache::default();
        let big = "x".repeat(MAX_BYTES / 4);
        for i in 0..10 {
            let g = c.generation();
            c.put(format!("k{i}"), g, big.clone());
            let entries = c.entries.lock().unwrap();
            assert!(entries.bytes <= MAX_BYTES, "{}", entries.bytes);
            assert!(entries.map.len() <= 4);
        }
    }
}
