//! How much the fake lets one client take: time and connections.
//!
//! - A connection must deliver its complete request head within
//!   `head_timeout` (10 s) of being accepted — a slow-loris trickle or a
//!   socket that never speaks is closed then (with a 408 if it said
//!   anything).
//! - After the head, nothing may stall for `idle_timeout` (30 s): the body
//!   must arrive within it, and every write of the answer must make progress
//!   within it (a client that stops reading is cut off). Every connection
//!   carries one request (`Connection: close`), so there are no idle
//!   keep-alive connections to expire: this is the whole of its idle time.
//! - At most `max_connections` (512) connections are open at once. When all
//!   are taken, the oldest connection still waiting for its request head is
//!   closed to make room, so idle sockets cannot starve real requests; only
//!   when every connection is doing real work is a newcomer refused (503).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

#[derive(Clone, Debug)]
pub struct Limits {
    pub head_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { head_timeout: Duration::from_secs(10), idle_timeout: Duration::from_secs(30), max_connections: 512 }
    }
}

/// The places for open connections, and who may be closed to free one.
pub struct Slots {
    permits: Arc<Semaphore>,
    /// Connections still waiting for their request head, oldest first.
    waiting: Mutex<BTreeMap<u64, oneshot::Sender<()>>>,
    next_id: Mutex<u64>,
}

/// A connection's place: held until the connection ends.
pub struct Admission {
    pub id: u64,
    pub permit: OwnedSemaphorePermit,
    /// Fires when the connection is closed to make room for a newer one.
    pub evicted: oneshot::Receiver<()>,
}

impl Slots {
    pub fn new(max_connections: usize) -> Slots {
        Slots { permits: Arc::new(Semaphore::new(max_connections.max(1))), waiting: Mutex::new(BTreeMap::new()), next_id: Mutex::new(0) }
    }

    /// A place for a newly accepted connection: a free one, or one freed by
    /// closing the oldest connection still waiting for its head. `None`
    /// when every open connection is doing real work.
    pub async fn admit(&self) -> Option<Admission> {
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                let victim = self.waiting.lock().expect("slots lock").pop_first();
                let (_, evict) = victim?;
                let _ = evict.send(());
                tokio::time::timeout(Duration::from_secs(1), self.permits.clone().acquire_owned()).await.ok()?.ok()?
            }
        };
        let id = {
            let mut next = self.next_id.lock().expect("slots lock");
            *next += 1;
            *next
        };
        let (tx, evicted) = oneshot::channel();
        self.waiting.lock().expect("slots lock").insert(id, tx);
        Some(Admission { id, permit, evicted })
    }

    /// The connection has its head (or is done): it is no longer idle.
    pub fn busy(&self, id: u64) {
        self.waiting.lock().expect("slots lock").remove(&id);
    }
}

/// What a refused newcomer is told, written without waiting on it;
/// `date` is the `Date` header's value (every answer carries one).
pub fn busy_answer(date: &str) -> Vec<u8> {
    const BODY: &str = r#"{"error":"Too many open connections to the fake API"}"#;
    format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nDate: {date}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{BODY}",
        BODY.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_answer_is_well_formed() {
        let answer = busy_answer("Sat, 05 Dec 2026 11:22:23 GMT");
        let text = std::str::from_utf8(&answer).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("\r\nDate: Sat, 05 Dec 2026 11:22:23 GMT\r\n") && head.contains("\r\nContent-Length: 53\r\n"), "{head}");
        assert_eq!(body.len(), 53);
        serde_json::from_str::<serde_json::Value>(body).unwrap();
    }

    #[tokio::test]
    async fn the_oldest_idle_connection_makes_room() {
        let slots = Slots::new(2);
        let mut a = slots.admit().await.unwrap();
        let b = slots.admit().await.unwrap();
        slots.busy(b.id);
        let (a_id, a_permit) = (a.id, a.permit);
        let evicted = tokio::spawn(async move {
            let fired = (&mut a.evicted).await.is_ok();
            drop(a_permit);
            fired
        });
        let c = slots.admit().await.expect("room made by closing the idle one");
        assert!(evicted.await.unwrap());
        assert!(c.id > a_id);
        // Both places now do real work: a newcomer is refused.
        slots.busy(c.id);
        assert!(slots.admit().await.is_none());
    }
}
