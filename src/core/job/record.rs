//! A job as the page keeps it, so that a reload cannot lose a paid job: the
//! submission (its `Idempotency-Key` and body, recorded before it is sent),
//! the job id once the service accepts it, and the last state seen. Credits
//! are spent at the submit; with this record a submission whose answer never
//! came is sent again with the same key and body (the service answers with
//! the same job, so there is no second charge), and a job with an id is
//! waited on.
//!
//! This file decides the record's text (one JSON object per job, stored
//! under [`storage_key`]), how a stored text is read back (a record from
//! another version or one that does not parse is [`Unreadable`], never
//! guessed at), and which records are dropped ([`to_drop`]). The API key is
//! never part of a record: [`Record::text`] refuses a record in which it
//! appears in any form. Where it is stored, and what happens when storing
//! fails, is the I/O layer's (`crate::io::journal`).

use crate::core::job::answer::{parse_job, Job, CANCELLED, COMPLETED, FAILED};
use crate::core::limits::MAX_FINISHED_RECORDS;
use crate::core::spec::RESULT_LIFETIME_MS;
use crate::core::text::cat;
use crate::core::value::Value;

/// The record format this build writes and reads.
pub const RECORD_VERSION: f64 = 1.0;

/// The store key of a job recorded by a client of `base_url`: records are
/// namespaced by `baseUrl`, so clients of two services never see each
/// other's jobs.
pub fn storage_key(base_url: &str, idempotency_key: &str) -> String {
    cat(&[&storage_prefix(base_url), idempotency_key])
}

/// The name under which the tabs of an origin coordinate on a recorded job
/// (its Web Lock and BroadcastChannel). Unlike a store key it carries the
/// `baseUrl`'s length: `baseUrl` `/api` with key `x|k` and `/api|x` with key
/// `k` would otherwise share a lock, and one job could hold up the other.
pub fn claim_name(base_url: &str, idempotency_key: &str) -> String {
    cat(&["happyhorse:", &crate::core::text::num(base_url.len() as u64), ":", base_url, "|", idempotency_key])
}

/// What every store key of `base_url`'s records begins with.
pub(crate) fn storage_prefix(base_url: &str) -> String {
    cat(&["happyhorse:", base_url, "|"])
}

/// One recorded job.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The `baseUrl` of the client that recorded it.
    pub base_url: String,
    /// The submission's `Idempotency-Key`: the record's name.
    pub key: String,
    /// The body that was (or is about to be) sent, as the service gets it.
    pub body: Value,
    /// Set once the service accepted the submission.
    pub job_id: Option<String>,
    /// The last answer about the job, as the service gave it (read with
    /// [`parse_job`]).
    pub job: Option<Value>,
    /// The page's clock at the last save. Only ever compared with the same
    /// page clock (to drop old finished records), never with the service's.
    pub saved_at: f64,
}

/// Why a stored text is not a record this build can use.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unreadable {
    /// Not JSON, or not the shape of a record.
    Malformed,
    /// Written by another version of the package (kept for it, untouched).
    OtherVersion,
}

impl Record {
    /// A submission about to be sent.
    pub fn new(base_url: &str, key: &str, body: Value, now_ms: f64) -> Record {
        Record { base_url: base_url.into(), key: key.into(), body, job_id: None, job: None, saved_at: now_ms }
    }

    /// The last state seen, if any.
    pub fn last(&self) -> Option<Job> {
        self.job.as_ref().and_then(|raw| parse_job(raw).ok())
    }

    /// Whether the job has ended (its last state is final).
    pub fn finished(&self) -> bool {
        self.last().is_some_and(|j| matches!(j.status.as_str(), COMPLETED | FAILED | CANCELLED))
    }

    /// Records `job` as the last state seen.
    pub fn observe(&mut self, job: &Job, now_ms: f64) {
        if self.job_id.is_none() {
            self.job_id = Some(job.job_id.clone());
        }
        let mut raw = job.raw.clone();
        // The record's writer keeps whole numbers only (see `Value::to_json`):
        // a progress of 42.5 is kept as 43 rather than lost.
        if let (Value::Object(props), Some(p)) = (&mut raw, job.progress) {
            for (k, v) in props.iter_mut() {
                if k == "progress" {
                    *v = Value::Number(p.round());
                }
            }
        }
        self.job = Some(raw);
        self.saved_at = now_ms;
    }

    /// What is stored: the record as JSON, or `None` when `secret` (the API
    /// key) appears in it in any form a reader could undo (then it is kept
    /// in memory only).
    pub fn text(&self, secret: Option<&str>) -> Option<String> {
        let mut props = vec![
            (String::from("v"), Value::Number(RECORD_VERSION)),
            (String::from("baseUrl"), Value::String(self.base_url.clone())),
            (String::from("key"), Value::String(self.key.clone())),
            (String::from("body"), self.body.clone()),
            (String::from("savedAt"), Value::Number(self.saved_at.floor())),
        ];
        if let Some(id) = &self.job_id {
            props.push((String::from("jobId"), Value::String(id.clone())));
        }
        if let Some(job) = &self.job {
            props.push((String::from("job"), job.clone()));
        }
        let record = Value::Object(props);
        let text = record.to_json();
        match secret {
            // Looked for in the text and in each string as it reads back:
            // JSON's own escapes (`\"`, `\\`) would otherwise hide a key
            // that holds those characters, or a `\u0061` spelling in a field.
            Some(s) if !s.is_empty() => {
                (crate::core::redact::redact_bytes(text.as_bytes(), s).is_none() && !holds(&record, s)).then_some(text)
            }
            _ => Some(text),
        }
    }

    /// Reads a stored text. A record is only taken for the client that
    /// asks (`base_url`), under the name it is stored as (`key`).
    pub fn parse(text: &str, base_url: &str, key: &str) -> Result<Record, Unreadable> {
        let v = crate::core::json::parse(text).ok_or(Unreadable::Malformed)?;
        match v.get("v") {
            Some(Value::Number(n)) if *n == RECORD_VERSION => {}
            Some(Value::Number(_)) => return Err(Unreadable::OtherVersion),
            _ => return Err(Unreadable::Malformed),
        }
        let text_of = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        // A key the client could not have sent (empty, a line break) is
        // not one it recorded.
        if text_of("baseUrl").as_deref() != Some(base_url)
            || text_of("key").as_deref() != Some(key)
            || !crate::core::options::idempotency_key_ok(key)
        {
            return Err(Unreadable::Malformed);
        }
        let body = match v.get("body") {
            Some(b @ Value::Object(_)) => b.clone(),
            _ => return Err(Unreadable::Malformed),
        };
        let job_id = match v.get("jobId") {
            None => None,
            Some(Value::String(id)) if crate::core::uuid::is_uuid(id) => Some(id.clone()),
            Some(_) => return Err(Unreadable::Malformed),
        };
        let job = match v.get("job") {
            None => None,
            Some(raw) => {
                // The state must be a job answer about this job.
                let parsed = parse_job(raw).map_err(|_| Unreadable::Malformed)?;
                if job_id.as_deref().is_none_or(|id| !parsed.job_id.eq_ignore_ascii_case(id)) {
                    return Err(Unreadable::Malformed);
                }
                Some(raw.clone())
            }
        };
        let saved_at = match v.get("savedAt") {
            Some(Value::Number(n)) if n.is_finite() => *n,
            _ => return Err(Unreadable::Malformed),
        };
        Ok(Record { base_url: base_url.into(), key: key.into(), body, job_id, job, saved_at })
    }

    /// The same record as it stands in the store now, after another tab may
    /// have moved it on: what that tab learned (the job id, a later or final
    /// state) is kept; nothing known here is lost.
    pub fn merge(&mut self, stored: &Record) {
        if self.job_id.is_none() {
            self.job_id.clone_from(&stored.job_id);
        }
        if self.job_id != stored.job_id || stored.job.is_none() {
            return;
        }
        if self.job.is_none() || (stored.finished() && !self.finished()) || (!self.finished() && stored.saved_at >= self.saved_at) {
            self.job.clone_from(&stored.job);
            self.saved_at = self.saved_at.max(stored.saved_at);
        }
    }
}

/// Whether any string in `v` (a property name or a value) holds `secret`
/// in a form [`crate::core::redact`] finds.
fn holds(v: &Value, secret: &str) -> bool {
    let found = |s: &str| crate::core::redact::redact_bytes(s.as_bytes(), secret).is_some();
    match v {
        Value::String(s) => found(s),
        Value::Array(items) => items.iter().any(|i| holds(i, secret)),
        Value::Object(props) => props.iter().any(|(k, v)| found(k) || holds(v, secret)),
        _ => false,
    }
}

/// A record as `client.jobs()` reports it (the `StoredJob` TypeScript type).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredJob {
    pub idempotency_key: String,
    pub job_id: Option<String>,
    pub request: Value,
    pub job: Option<Job>,
    pub finished: bool,
    pub saved_at: f64,
}

impl From<&Record> for StoredJob {
    fn from(r: &Record) -> StoredJob {
        StoredJob {
            idempotency_key: r.key.clone(),
            job_id: r.job_id.clone(),
            request: r.body.clone(),
            job: r.last(),
            finished: r.finished(),
            saved_at: r.saved_at,
        }
    }
}

/// Which of `records` to drop at `now_ms` (page clock, as their `saved_at`):
/// finished ones whose result the service has purged
/// ([`RESULT_LIFETIME_MS`] after it was seen), and finished ones beyond the
/// newest [`MAX_FINISHED_RECORDS`]. An unfinished job is never dropped: only
/// its end, a refusal of its submission or the caller's `forget` removes it.
pub fn to_drop(records: &[Record], now_ms: f64) -> Vec<String> {
    let finished: Vec<&Record> = records.iter().filter(|r| r.finished()).collect();
    finished
        .iter()
        .filter(|r| {
            // Its rank among the finished, newest first (ties by key). Counted
            // rather than sorted: a sort links some 7 KB of wasm, and a store
            // holds at most a few dozen records once this has run.
            let newer = finished.iter().filter(|o| newest_first(o, r)).count();
            newer >= MAX_FINISHED_RECORDS || now_ms - r.saved_at > RESULT_LIFETIME_MS || r.last().is_some_and(|j| j.expired)
        })
        .map(|r| r.key.clone())
        .collect()
}

/// Whether `a` comes before `b` when records are listed newest first.
pub fn newest_first(a: &Record, b: &Record) -> bool {
    a.saved_at > b.saved_at || (a.saved_at == b.saved_at && a.key < b.key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::testing::value;
    use serde_json::json;

    const ID: &str = "0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c";
    const BASE: &str = "https://api.example";

    fn record() -> Record {
        Record::new(BASE, "key-1", value(&json!({"model": "happyhorse-1.1", "prompt": "horses"})), 1_000.0)
    }

    fn job(status: &str, progress: f64) -> Job {
        parse_job(&value(&json!({"id": ID, "status": status, "progress": progress, "result": "https://cdn.example/v.mp4"}))).unwrap()
    }

    #[test]
    fn claim_names_of_two_clients_never_meet() {
        assert_ne!(claim_name("/api", "x|k"), claim_name("/api|x", "k"));
        assert_eq!(claim_name("/api", "k"), "happyhorse:4:/api|k");
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let mut r = record();
        let text = r.text(None).unwrap();
        assert_eq!(Record::parse(&text, BASE, "key-1"), Ok(r.clone()));
        r.observe(&job("PROCESSING", 42.5), 2_000.0);
        let back = Record::parse(&r.text(Some("afk_secret")).unwrap(), BASE, "key-1").unwrap();
        assert_eq!(back.job_id.as_deref(), Some(ID));
        assert_eq!(back.last().unwrap().progress, Some(43.0));
        assert_eq!((back.saved_at, back.finished()), (2_000.0, false));
    }

    #[test]
    fn the_api_key_is_never_in_a_stored_text() {
        let mut r = record();
        r.body = value(&json!({"prompt": "my key is afk_secret"}));
        assert_eq!(r.text(Some("afk_secret")), None);
        // Spelt another way a reader could undo, too.
        r.body = value(&json!({"prompt": "my key is YWZrX3NlY3JldA=="}));
        assert_eq!(r.text(Some("afk_secret")), None);
        assert!(r.text(Some("afk_other")).is_some());
        // A key with characters JSON escapes, and a field that spells it
        // with JSON escapes of its own (escaped again in the text).
        r.body = value(&json!({"prompt": "it is afk_a\"b\\c"}));
        assert_eq!(r.text(Some("afk_a\"b\\c")), None);
        r.body = value(&json!({"prompt": "\\u0061\\u0066\\u006b_secret"}));
        assert_eq!(r.text(Some("afk_secret")), None);
    }

    #[test]
    fn other_versions_and_broken_texts_are_unreadable() {
        let text = record().text(None).unwrap();
        assert_eq!(Record::parse(&text.replace("\"v\":1", "\"v\":2"), BASE, "key-1"), Err(Unreadable::OtherVersion));
        for bad in ["", "{", "[]", "{\"v\":\"1\"}", &text.replace("\"savedAt\"", "\"saved\""), &text[..text.len() - 1]] {
            assert_eq!(Record::parse(bad, BASE, "key-1"), Err(Unreadable::Malformed), "{bad}");
        }
        // Another client's record, or one stored under another name.
        assert_eq!(Record::parse(&text, "https://other.example", "key-1"), Err(Unreadable::Malformed));
        assert_eq!(Record::parse(&text, BASE, "key-2"), Err(Unreadable::Malformed));
        // A job id that is not the service's form, or a state about another job.
        let mut r = record();
        r.job_id = Some("../admin".into());
        assert_eq!(Record::parse(&r.text(None).unwrap(), BASE, "key-1"), Err(Unreadable::Malformed));
        let mut r = record();
        r.observe(&job("QUEUED", 0.0), 1.0);
        r.job_id = Some("1e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c".into());
        assert_eq!(Record::parse(&r.text(None).unwrap(), BASE, "key-1"), Err(Unreadable::Malformed));
    }

    #[test]
    fn merging_keeps_what_another_tab_learned() {
        let mut mine = record();
        let mut stored = record();
        stored.observe(&job("PROCESSING", 30.0), 5_000.0);
        mine.merge(&stored);
        assert_eq!((mine.job_id.as_deref(), mine.last().unwrap().progress), (Some(ID), Some(30.0)));
        // A final state wins over a later one that is not.
        let mut done = record();
        done.observe(&job("COMPLETED", 100.0), 6_000.0);
        let mut later = mine.clone();
        later.observe(&job("PROCESSING", 50.0), 9_000.0);
        mine.merge(&done);
        mine.merge(&later);
        assert!(mine.finished());
    }

    #[test]
    fn finished_records_are_dropped_when_purged_or_too_many() {
        let mut records: Vec<Record> = (0..MAX_FINISHED_RECORDS + 3)
            .map(|i| {
                let mut r = record();
                r.key = cat(&["k", &crate::core::text::num(i as u64)]);
                r.observe(&job("COMPLETED", 100.0), 1_000.0 + i as f64);
                r
            })
            .collect();
        let mut open = record();
        open.key = "open".into();
        open.saved_at = 0.0;
        records.push(open);
        let dropped = to_drop(&records, 2_000.0);
        assert_eq!(dropped, ["k0", "k1", "k2"]);
        let dropped = to_drop(&records, 2_000.0 + RESULT_LIFETIME_MS);
        assert_eq!(dropped.len(), MAX_FINISHED_RECORDS + 3, "every finished one is past its lifetime; the open one stays");
        assert!(!dropped.iter().any(|k| k == "open"));
    }
}
