//! The `Client` class: converts arguments, reads per-call options (signal,
//! onUpdate, idempotency key, wait settings), builds the job machine for the
//! call (`core::job::machine`) and runs it with the one loop
//! (`io::drive`), through one `Promise` maker for every async method. With a
//! `store`, it also lists, resumes and forgets recorded jobs (the records
//! are `core::job::record`'s, their storage `io::journal`'s).

use crate::core::error::Error;
use crate::core::issue::{IssueCode, Report};
use crate::core::job::answer::Job;
use crate::core::job::client_options::{parse_client_options, parse_wait_options, ClientConfig};
use crate::core::job::machine::{Machine, Task};
use crate::core::job::record::{Record, StoredJob};
use crate::core::options::read_send_options;
use crate::core::uuid::is_uuid;
use crate::core::value::Value;
use crate::io::drive::drive;
use crate::io::journal::Journal;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::error::{bad_argument, string_arg};
use super::read::{self, Purpose};
use super::request::new_idempotency_key;
use super::write::{promise, to_js};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "ClientOptions")]
    pub type ClientOptions;
    #[wasm_bindgen(typescript_type = "SubmitOptions")]
    pub type SubmitOptions;
    #[wasm_bindgen(typescript_type = "GetJobOptions")]
    pub type GetJobOptions;
    #[wasm_bindgen(typescript_type = "WaitOptions")]
    pub type WaitOptions;
    #[wasm_bindgen(typescript_type = "GenerateOptions")]
    pub type GenerateOptions;
    #[wasm_bindgen(typescript_type = "ResumeOptions")]
    pub type ResumeOptions;
}

/// Runs Happy Horse jobs over `fetch`: submit, poll, retry, cancel.
#[wasm_bindgen(js_name = Client)]
pub struct Client {
    config: Rc<ClientConfig>,
    /// Where jobs are recorded, when the client was given a `store`.
    journal: Option<Rc<Journal>>,
}

/// A call's options: plain settings, and the JS objects kept as they are.
#[derive(Clone)]
struct CallOptions {
    value: Value,
    signal: Option<AbortSignal>,
    on_update: Option<js_sys::Function>,
}

/// The option keys read as JS objects rather than as values.
const KEPT: [&str; 2] = ["signal", "onUpdate"];

fn read_call_options(options: Option<&JsValue>) -> Result<CallOptions, Error> {
    let (value, kept) = read::options(options, &KEPT);
    let mut call = CallOptions { value, signal: None, on_update: None };
    for (at, js) in kept {
        if js.is_undefined() || js.is_null() {
            continue;
        }
        match at {
            0 => {
                // A real AbortSignal: `instanceof` alone passes an object
                // that only has its prototype, whose getters then throw.
                let genuine = super::guard::get(&js, &JsValue::from_str("aborted")).is_ok_and(|a| a.as_bool().is_some());
                let signal = js.dyn_into::<AbortSignal>().ok().filter(|_| genuine).ok_or_else(|| {
                    bad_argument(
                        "options.signal",
                        IssueCode::InvalidOption,
                        "signal must be an AbortSignal (from new AbortController().signal)",
                    )
                })?;
                call.signal = Some(signal);
            }
            _ => {
                let f = js
                    .dyn_into::<js_sys::Function>()
                    .map_err(|_| bad_argument("options.onUpdate", IssueCode::InvalidOption, "onUpdate must be a function"))?;
                call.on_update = Some(f);
            }
        }
    }
    Ok(call)
}

/// The job id argument: a string in the service's form (a UUID), checked
/// before any request, so `.`, `..` or a path can never change the URL.
fn job_id_arg(value: &JsValue) -> Result<String, Error> {
    let id = string_arg(value, "jobId")?;
    if !is_uuid(&id) {
        return Err(bad_argument(
            "jobId",
            IssueCode::InvalidJobId,
            "jobId must be the id the service gave the job: a UUID like 0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c",
        ));
    }
    Ok(id)
}

/// Calls `onUpdate(job)`; an exception thrown by it is the caller's and
/// must not stop the wait, so it is swallowed (the guarded call catches it).
fn notify(on_update: Option<&js_sys::Function>, job: &Job) {
    if let Some(f) = on_update {
        let _ = super::guard::apply(f, &JsValue::UNDEFINED, &js_sys::Array::of1(&to_js(job)));
    }
}

/// The store option: an object with the `Storage` methods.
fn store_option(js: JsValue) -> Result<JsValue, Error> {
    let has = |name: &str| super::guard::get(&js, &JsValue::from_str(name)).is_ok_and(|f| f.is_function());
    if js.is_object() && ["getItem", "setItem", "removeItem", "key"].iter().all(|m| has(m)) {
        return Ok(js);
    }
    Err(bad_argument(
        "options.store",
        IssueCode::InvalidOption,
        "store must have the methods of Storage (getItem, setItem, removeItem, key, length): localStorage, sessionStorage, or an object like them",
    ))
}

impl Client {
    /// The promise of a call: the machine for `task` run to its end, or the
    /// error found before anything was sent.
    fn run(&self, prepared: Result<(Task, CallOptions), Error>) -> js_sys::Promise {
        let started = prepared.map(|(task, call)| (Machine::new((*self.config).clone(), task), call));
        let journal = self.journal.clone();
        promise(async move {
            let (machine, call) = started?;
            let output = drive(machine, call.signal, |job| notify(call.on_update.as_ref(), job), journal.as_deref()).await?;
            Ok(to_js(&output))
        })
    }

    /// Every recorded job, newest first.
    fn records(&self) -> Vec<Record> {
        self.journal.as_ref().map(|j| j.list(crate::io::clock::now_ms())).unwrap_or_default()
    }

    /// The settings of a resumed job's wait.
    fn resume_options(&self, options: Option<&JsValue>) -> Result<(crate::core::job::client_options::WaitConfig, CallOptions), Error> {
        let call = read_call_options(options)?;
        let wait = parse_wait_options(&call.value, self.config.wait)?;
        Ok((wait, call))
    }
}

#[wasm_bindgen(js_class = Client)]
impl Client {
    /// `new Client({ apiKey?, baseUrl?, maxRetries?, timeoutMs?, waitTimeoutMs?, pollIntervalMs?, maxPollFailures?, store?, onStoreError? })`.
    /// Throws `HappyHorseError` (`INVALID_REQUEST`) for bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<ClientOptions>) -> Result<Client, Error> {
        let (value, kept) = read::options(options.as_deref(), &["store", "onStoreError"]);
        let mut config = parse_client_options(&value)?;
        // An idempotency key belongs to one submission, never to a client.
        config.send.idempotency_key = None;
        let (mut store, mut on_error) = (None, None);
        for (at, js) in kept.into_iter().filter(|(_, js)| !js.is_undefined() && !js.is_null()) {
            match at {
                0 => store = Some(store_option(js)?),
                _ => {
                    on_error =
                        Some(js.dyn_into::<js_sys::Function>().map_err(|_| {
                            bad_argument("options.onStoreError", IssueCode::InvalidOption, "onStoreError must be a function")
                        })?)
                }
            }
        }
        config.keep = store.is_some();
        let journal = store.map(|s| Rc::new(Journal::new(s, &config.send.base_url, config.send.api_key.as_deref(), on_error)));
        Ok(Client { config: Rc::new(config), journal })
    }

    /// The jobs this client recorded (with a `store`), newest first, each
    /// with its last known state. Finished ones past their result's
    /// lifetime, or beyond the newest 20, are dropped on the way.
    #[wasm_bindgen(unchecked_return_type = "StoredJob[]")]
    pub fn jobs(&self) -> js_sys::Array {
        self.records().iter().map(|r| to_js(&StoredJob::from(r))).collect()
    }

    /// Carries the recorded job `idempotencyKey` to its end, as
    /// `waitForJob` does: a submission whose answer never came is sent again
    /// with the same key and body (the service answers with the same job),
    /// a job with an id is waited on. Rejects with `NOT_FOUND` when no job
    /// is recorded under that key.
    #[wasm_bindgen(unchecked_return_type = "Promise<Job>")]
    pub fn resume(
        &self,
        #[wasm_bindgen(js_name = idempotencyKey, unchecked_param_type = "string")] key: &JsValue,
        options: Option<ResumeOptions>,
    ) -> js_sys::Promise {
        let prepared = string_arg(key, "idempotencyKey").and_then(|key| {
            let record = self.journal.as_ref().and_then(|j| j.read(&key)).ok_or_else(|| {
                Error::new(crate::core::error::ErrorCode::NotFound, "no job is recorded under this idempotencyKey (see client.jobs())")
            })?;
            let (wait, call) = self.resume_options(options.as_deref())?;
            Ok((Task::Resume { record, wait }, call))
        });
        self.run(prepared)
    }

    /// Resumes every unfinished recorded job: `{ idempotencyKey, jobId, done }`
    /// for each, `done` settling as `resume` does.
    #[wasm_bindgen(js_name = resumeAll, unchecked_return_type = "ResumedJob[]")]
    pub fn resume_all(&self, options: Option<ResumeOptions>) -> Result<js_sys::Array, Error> {
        let (wait, call) = self.resume_options(options.as_deref())?;
        let out = js_sys::Array::new();
        for record in self.records().into_iter().filter(|r| !r.finished()) {
            let entry = js_sys::Object::new();
            let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&entry, &JsValue::from_str(k), v);
            let _ = set("idempotencyKey", &JsValue::from_str(&record.key));
            let _ = set("jobId", &record.job_id.as_deref().map_or(JsValue::NULL, JsValue::from_str));
            let _ = set("done", &self.run(Ok((Task::Resume { record, wait }, call.clone()))));
            out.push(&entry);
        }
        Ok(out)
    }

    /// Drops the record of `idempotencyKey`; whether there was one.
    pub fn forget(&self, #[wasm_bindgen(js_name = idempotencyKey)] key: &str) -> bool {
        let Some(journal) = &self.journal else { return false };
        let found = journal.read(key).is_some();
        journal.remove(key);
        found
    }

    /// Validates and submits a request; resolves to `{ jobId, status }`.
    /// Retries (network errors, 408, 429, 5xx) reuse one `Idempotency-Key`,
    /// so at most one job is created.
    #[wasm_bindgen(unchecked_return_type = "Promise<Accepted>")]
    pub fn submit(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VideoRequest")] request: &JsValue,
        options: Option<SubmitOptions>,
    ) -> js_sys::Promise {
        let prepared = prepare_submit(request, options.as_deref())
            .map(|(body, idempotency_key, call)| (Task::Submit { body, idempotency_key, then_wait: None }, call));
        self.run(prepared)
    }

    /// The job's current state.
    #[wasm_bindgen(js_name = getJob, unchecked_return_type = "Promise<Job>")]
    pub fn get_job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: &JsValue,
        options: Option<GetJobOptions>,
    ) -> js_sys::Promise {
        let prepared = read_call_options(options.as_deref()).and_then(|call| Ok((Task::Get { job_id: job_id_arg(job_id)? }, call)));
        self.run(prepared)
    }

    /// Polls until the job is COMPLETED (resolves with it) or rejects with
    /// `JOB_FAILED`, `JOB_CANCELLED`, `TIMEOUT` (with `jobId`: call again
    /// to resume), `ABORTED`, or the code of the last of too many failed
    /// polls in a row.
    #[wasm_bindgen(js_name = waitForJob, unchecked_return_type = "Promise<Job>")]
    pub fn wait_for_job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: &JsValue,
        options: Option<WaitOptions>,
    ) -> js_sys::Promise {
        let job_id = job_id_arg(job_id);
        let prepared = read_call_options(options.as_deref()).and_then(|call| {
            let wait = parse_wait_options(&call.value, self.config.wait)?;
            let job_id = job_id?;
            // A job this client recorded is waited on as its record: saved,
            // and polled by one tab.
            let record = self.records().into_iter().find(|r| r.job_id.as_deref().is_some_and(|id| id.eq_ignore_ascii_case(&job_id)));
            Ok((Task::Wait { job_id, wait, record }, call))
        });
        self.run(prepared)
    }

    /// Submits, then waits: `submit` + `waitForJob` in one call. `onUpdate`
    /// first reports the accepted job, so its `jobId` is known at once.
    #[wasm_bindgen(unchecked_return_type = "Promise<Job>")]
    pub fn generate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VideoRequest")] request: &JsValue,
        options: Option<GenerateOptions>,
    ) -> js_sys::Promise {
        let prepared = prepare_submit(request, options.as_deref()).and_then(|(body, idempotency_key, call)| {
            let wait = parse_wait_options(&call.value, self.config.wait)?;
            Ok((Task::Submit { body, idempotency_key, then_wait: Some(wait) }, call))
        });
        self.run(prepared)
    }
}

/// Validates the request and reads submit options; the key is the caller's
/// or a fresh UUID v4.
fn prepare_submit(request: &JsValue, options: Option<&JsValue>) -> Result<(Value, String, CallOptions), Error> {
    let body = read::request(request, Purpose::Send);
    let report = crate::core::validate(&body);
    let call = read_call_options(options)?;
    let key_options = match &call.value {
        Value::Object(props) => Value::Object(props.iter().filter(|(k, _)| k == "idempotencyKey").cloned().collect()),
        _ => Value::Undefined,
    };
    let key = read_send_options(&key_options);
    if !report.ok() || key.is_err() {
        let mut errors = report.errors;
        if let Err(r) = &key {
            errors.extend(r.errors.iter().cloned());
        }
        return Err(Error::invalid(Report { mode: report.mode, errors, warnings: report.warnings }));
    }
    let key = key.ok().and_then(|k| k.idempotency_key).unwrap_or_else(new_idempotency_key);
    Ok((body, key, call))
}
