//! Everything the fake remembers, behind one lock: settings, the service
//! clock, jobs, idempotency keys, queued faults and the request log — each
//! bounded.
//! The request log, the job table and the idempotency table keep the last
//! `max_entries` entries (10,000 unless `--max-entries` says otherwise) and
//! at most [`MAX_TABLE_BYTES`] of stored text each, evicting the oldest
//! first; the fault queue refuses new faults once it holds `max_entries`.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::time::Instant;

use crate::clock::{Rng, ServiceClock};
use crate::faults::Fault;
use crate::jobs::{Job, Settings};
use crate::log::Entry;

/// Entries each table keeps by default.
pub const DEFAULT_MAX_ENTRIES: usize = 10_000;
/// Bytes of stored text (bodies, headers) each table keeps at most: a job
/// body may be up to 1 MiB, and 10,000 of them would not fit in memory.
pub const MAX_TABLE_BYTES: usize = 64 << 20;

/// Fixed at start-up, from the command line.
#[derive(Clone, Debug)]
pub struct Config {
    /// When set, `X-API-Key` must equal it (401 otherwise); `afk_inactive`
    /// always gets 403. When unset any key, or none, is accepted.
    pub api_key: Option<String>,
    pub www: PathBuf,
    pub pkg: PathBuf,
    pub media: PathBuf,
}

/// A first-in, first-out list that keeps its newest `max_entries` items
/// and at most `max_bytes` of their (caller-estimated) weight.
#[derive(Debug)]
pub struct Fifo<T> {
    items: VecDeque<(T, usize)>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

impl<T> Fifo<T> {
    pub fn new(max_entries: usize, max_bytes: usize) -> Fifo<T> {
        Fifo { items: VecDeque::new(), bytes: 0, max_entries: max_entries.max(1), max_bytes }
    }

    /// Adds `item` and returns what fell off the front to make room.
    pub fn push(&mut self, item: T, weight: usize) -> Vec<T> {
        self.items.push_back((item, weight));
        self.bytes += weight;
        let mut evicted = Vec::new();
        while self.items.len() > self.max_entries || (self.bytes > self.max_bytes && self.items.len() > 1) {
            let Some((old, w)) = self.items.pop_front() else { break };
            self.bytes -= w;
            evicted.push(old);
        }
        evicted
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter().map(|(t, _)| t)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn clear(&mut self) {
        self.items.clear();
        self.bytes = 0;
    }
}

/// A map that forgets its oldest keys, bounded like [`Fifo`].
#[derive(Debug)]
pub struct BoundedMap<V> {
    map: HashMap<String, V>,
    order: Fifo<String>,
}

impl<V> BoundedMap<V> {
    pub fn new(max_entries: usize, max_bytes: usize) -> BoundedMap<V> {
        BoundedMap { map: HashMap::new(), order: Fifo::new(max_entries, max_bytes) }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key)
    }

    /// Inserts a key not already present (a job id, a first-seen
    /// idempotency key); a present key keeps its place and gets the value.
    pub fn insert(&mut self, key: String, value: V, weight: usize) {
        if let Some(slot) = self.map.get_mut(&key) {
            *slot = value;
            return;
        }
        self.map.insert(key.clone(), value);
        for old in self.order.push(key, weight) {
            self.map.remove(&old);
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn clear(&mut self) {
        self.map.clear();
        self.order.clear();
    }
}

pub struct State {
    pub settings: Settings,
    /// The one clock jobs age on and every date is read from; `reset`
    /// leaves it running.
    pub clock: ServiceClock,
    pub jobs: BoundedMap<Job>,
    /// Idempotency-Key → (body as sent, job id).
    pub idempotency: BoundedMap<(String, String)>,
    pub faults: Vec<Fault>,
    pub log: Fifo<Entry>,
    pub max_entries: usize,
    pub rng: Rng,
    pub started: Instant,
    pub requests: u64,
}

impl State {
    pub fn new(settings: Settings, clock: ServiceClock, seed: u64, max_entries: usize) -> State {
        State {
            settings,
            clock,
            jobs: BoundedMap::new(max_entries, MAX_TABLE_BYTES),
            idempotency: BoundedMap::new(max_entries, MAX_TABLE_BYTES),
            faults: Vec::new(),
            log: Fifo::new(max_entries, MAX_TABLE_BYTES),
            max_entries,
            rng: Rng(seed | 1),
            started: Instant::now(),
            requests: 0,
        }
    }

    pub fn reset(&mut self) {
        self.jobs.clear();
        self.idempotency.clear();
        self.faults.clear();
        self.log.clear();
    }

    pub fn next_request_id(&mut self) -> String {
        self.requests += 1;
        format!("req_{:06}", self.requests)
    }

    pub fn elapsed_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_keep_the_last_ten_thousand_by_default() {
        let mut s = State::new(Settings::default(), ServiceClock::new(1.0), 1, DEFAULT_MAX_ENTRIES);
        let body = serde_json::json!({"prompt": "x"});
        let entry = |i: usize| Entry { method: "GET".into(), path: format!("/v2/jobs/{i}"), headers: Vec::new(), t_ms: 0.0, status: 200 };
        for i in 0..DEFAULT_MAX_ENTRIES + 5 {
            let id = format!("key-{i}");
            s.idempotency.insert(id.clone(), ("{}".into(), id.clone()), 100);
            s.jobs.insert(id.clone(), Job::new(id.clone(), &body, &s.settings, 0.0, 0, String::new(), None), 100);
            s.log.push(entry(i), 100);
        }
        assert_eq!((s.idempotency.len(), s.jobs.len(), s.log.len()), (DEFAULT_MAX_ENTRIES, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_ENTRIES));
        assert!(s.idempotency.get("key-4").is_none() && s.jobs.get("key-4").is_none());
        assert!(s.idempotency.get("key-5").is_some() && s.jobs.get("key-5").is_some());
        assert_eq!(s.log.iter().next().map(|e| e.path.as_str()), Some("/v2/jobs/5"));
        assert_eq!(s.log.iter().last().map(|e| e.path.clone()), Some(format!("/v2/jobs/{}", DEFAULT_MAX_ENTRIES + 4)));
    }

    #[test]
    fn tables_are_bounded_in_bytes_too() {
        let mut m: BoundedMap<u32> = BoundedMap::new(100, 1000);
        for i in 0..10 {
            m.insert(format!("k{i}"), i, 300);
        }
        assert_eq!(m.len(), 3);
        assert!(m.get("k6").is_none() && m.get("k7").is_some() && m.get("k9").is_some());
        // An entry over the budget on its own is still kept, alone.
        m.insert("big".into(), 0, 5000);
        assert_eq!(m.len(), 1);
        // Re-inserting a present key replaces its value in place.
        m.insert("big".into(), 7, 5000);
        assert_eq!((m.len(), m.get("big")), (1, Some(&7)));
    }
}
