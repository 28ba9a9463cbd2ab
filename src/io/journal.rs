//! Where a client's recorded jobs live: the caller's `store` (the `Storage`
//! methods, called through `store.js` so that nothing it does can throw
//! through wasm), with memory behind it. A store that fails — a full quota,
//! storage that private modes refuse, a method that throws, a record that
//! does not parse or comes from another version — never loses a job and
//! never fails a call: the record is kept in memory for as long as the page
//! lives, and the failure is reported once to `onStoreError` (a
//! `HappyHorseError` with code `STORAGE`) until the store works again.
//!
//! What a record holds, how it is written and read, and which records are
//! dropped are `core::job::record`'s decisions.

use crate::core::error::{Error, ErrorCode};
use crate::core::job::record::{claim_name, newest_first, storage_key, storage_prefix, to_drop, Record, Unreadable};
use crate::core::limits::{MAX_RECORD_UNITS, MAX_STORE_KEYS};
use crate::core::text::cat;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/io/store.js")]
extern "C" {
    #[wasm_bindgen(js_name = storeKeys)]
    fn store_keys(store: &JsValue, prefix: &str, max: u32, max_name: u32) -> JsValue;
    #[wasm_bindgen(js_name = storeGet)]
    fn store_get(store: &JsValue, key: &str, max: u32) -> JsValue;
    #[wasm_bindgen(js_name = storeSet)]
    fn store_set(store: &JsValue, key: &str, value: &str) -> JsValue;
    #[wasm_bindgen(js_name = storeRemove)]
    fn store_remove(store: &JsValue, key: &str) -> JsValue;
}

/// The message of what a store call failed with, if it failed.
fn failed(answer: &JsValue) -> Option<String> {
    answer.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message()))
}

pub(crate) struct Journal {
    store: JsValue,
    base_url: String,
    /// The API key: a record in which it appears is never stored.
    secret: Option<String>,
    on_error: Option<js_sys::Function>,
    /// Records whose latest state the store did not take.
    memory: RefCell<Vec<Record>>,
    /// Whether the last write failed (reported once until one succeeds).
    failing: Cell<bool>,
    /// Store keys already reported as unreadable.
    unreadable: RefCell<Vec<String>>,
}

impl Journal {
    pub(crate) fn new(store: JsValue, base_url: &str, secret: Option<&str>, on_error: Option<js_sys::Function>) -> Journal {
        Journal {
            store,
            base_url: base_url.into(),
            secret: secret.map(str::to_string),
            on_error,
            memory: RefCell::new(Vec::new()),
            failing: Cell::new(false),
            unreadable: RefCell::new(Vec::new()),
        }
    }

    /// The name under which other tabs coordinate on `key`'s job.
    pub(crate) fn claim_name(&self, key: &str) -> String {
        claim_name(&self.base_url, key)
    }

    fn report(&self, message: String) {
        if let Some(f) = &self.on_error {
            // The message may quote the store's own errors, or a key name.
            let error = JsValue::from(Error::new(ErrorCode::Storage, message).redact(self.secret.as_deref()));
            let _ = crate::wasm::guard::apply(f, &JsValue::UNDEFINED, &js_sys::Array::of1(&error));
        }
    }

    fn remember(&self, record: &Record) {
        let mut memory = self.memory.borrow_mut();
        memory.retain(|r| r.key != record.key);
        memory.push(record.clone());
    }

    /// Stores `record`; its text, for the other tabs (`None` when it cannot
    /// leave memory: the API key is in it).
    pub(crate) fn save(&self, record: &Record) -> Option<String> {
        let Some(text) = record.text(self.secret.as_deref()) else {
            self.remember(record);
            self.report(String::from("a job was kept in memory only: its record would contain the API key"));
            return None;
        };
        let key = storage_key(&self.base_url, &record.key);
        let mut outcome = failed(&store_set(&self.store, &key, &text));
        if outcome.is_some() {
            // Full, perhaps: make room by dropping finished jobs, once.
            for other in self.list_stored().iter().filter(|r| r.key != record.key && r.finished()) {
                let _ = store_remove(&self.store, &storage_key(&self.base_url, &other.key));
            }
            outcome = failed(&store_set(&self.store, &key, &text));
        }
        match outcome {
            None => {
                self.memory.borrow_mut().retain(|r| r.key != record.key);
                self.failing.set(false);
            }
            Some(why) => {
                self.remember(record);
                if !self.failing.replace(true) {
                    self.report(cat(&[
                        "the store did not take a job's record (",
                        &why,
                        "); the client keeps it in memory while the page lives",
                    ]));
                }
            }
        }
        Some(text)
    }

    /// Forgets the record of `key`, wherever it is.
    pub(crate) fn remove(&self, key: &str) {
        self.memory.borrow_mut().retain(|r| r.key != key);
        if let Some(why) = failed(&store_remove(&self.store, &storage_key(&self.base_url, key))) {
            self.report(cat(&["the store could not remove a job's record (", &why, ")"]));
        }
    }

    /// A record another tab sent about `key`.
    pub(crate) fn parse(&self, text: &str, key: &str) -> Option<Record> {
        Record::parse(text, &self.base_url, key).ok()
    }

    /// The record of `key` as it stands now.
    pub(crate) fn read(&self, key: &str) -> Option<Record> {
        if let Some(r) = self.memory.borrow().iter().find(|r| r.key == key) {
            return Some(r.clone());
        }
        self.read_stored(&storage_key(&self.base_url, key), key)
    }

    fn read_stored(&self, store_key: &str, key: &str) -> Option<Record> {
        let text = store_get(&self.store, store_key, MAX_RECORD_UNITS as u32);
        if let Some(why) = failed(&text) {
            self.unreadable(store_key, cat(&["the store could not read a job's record (", &why, ")"]));
            return None;
        }
        match Record::parse(&text.as_string()?, &self.base_url, key) {
            Ok(record) => Some(record),
            Err(Unreadable::OtherVersion) => {
                self.unreadable(store_key, cat(&["a job recorded by another version of happyhorse was left as it is: ", key]));
                None
            }
            Err(Unreadable::Malformed) => {
                self.unreadable(store_key, cat(&["a job's record could not be read and was left as it is: ", key]));
                None
            }
        }
    }

    fn unreadable(&self, store_key: &str, message: String) {
        let mut seen = self.unreadable.borrow_mut();
        if !seen.iter().any(|k| k == store_key) {
            seen.push(store_key.into());
            drop(seen);
            self.report(message);
        }
    }

    fn list_stored(&self) -> Vec<Record> {
        let prefix = storage_prefix(&self.base_url);
        let longest = crate::core::text::utf16_len(&prefix) + crate::core::spec::IDEMPOTENCY_KEY_MAX;
        let keys = store_keys(&self.store, &prefix, MAX_STORE_KEYS as u32, longest as u32);
        if let Some(why) = failed(&keys) {
            self.unreadable(&prefix, cat(&["the store could not list its keys (", &why, ")"]));
            return Vec::new();
        }
        let keys: js_sys::Array = keys.unchecked_into();
        keys.iter()
            .filter_map(|k| k.as_string())
            .filter_map(|k| {
                let name = k.get(prefix.len()..)?.to_string();
                self.read_stored(&k, &name)
            })
            .collect()
    }

    /// Every recorded job, newest first, after dropping what the record's
    /// rules drop at `now_ms`.
    pub(crate) fn list(&self, now_ms: f64) -> Vec<Record> {
        let mut records = self.list_stored();
        for r in self.memory.borrow().iter() {
            records.retain(|s| s.key != r.key);
            records.push(r.clone());
        }
        let dropped = to_drop(&records, now_ms);
        for key in &dropped {
            self.remove(key);
        }
        records.retain(|r| !dropped.contains(&r.key));
        // Newest first, by insertion (see `to_drop` on why not a sort).
        let mut sorted: Vec<Record> = Vec::with_capacity(records.len());
        for r in records {
            let at = sorted.iter().position(|s| newest_first(&r, s)).unwrap_or(sorted.len());
            sorted.insert(at, r);
        }
        sorted
    }
}
