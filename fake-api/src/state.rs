//! Everything the fake remembers, behind one lock: settings, jobs,
//! idempotency keys, queued faults and the request log.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use crate::clock::Rng;
use crate::faults::Fault;
use crate::jobs::{Job, Settings};
use crate::log::Entry;

/// Fixed at start-up, from the command line.
#[derive(Clone, Debug)]
pub struct Config {
    /// When set, `X-API-Key` must equal it (401 otherwise); `afk_inactive`
    /// always gets 403. When unset any key, or none, is accepted.
    pub api_key: Option<String>,
    pub www: PathBuf,
    pub pkg: PathBuf,
    pub media: PathBuf,
    /// Proxy mode: forward `/v2/*` here, adding `upstream_key`.
    pub upstream: Option<String>,
    pub upstream_key: Option<String>,
    /// TLS settings for an `https://` upstream.
    pub upstream_tls: std::sync::Arc<rustls::ClientConfig>,
}

pub struct State {
    pub settings: Settings,
    pub jobs: HashMap<String, Job>,
    /// Idempotency-Key → (body as sent, job id).
    pub idempotency: HashMap<String, (String, String)>,
    pub faults: Vec<Fault>,
    pub log: Vec<Entry>,
    pub rng: Rng,
    pub started: Instant,
    pub requests: u64,
}

impl State {
    pub fn new(settings: Settings, seed: u64) -> State {
        State {
            settings,
            jobs: HashMap::new(),
            idempotency: HashMap::new(),
            faults: Vec::new(),
            log: Vec::new(),
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
