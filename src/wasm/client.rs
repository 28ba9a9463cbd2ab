//! The `Client` class: converts arguments, reads per-call options (signal,
//! onUpdate, idempotency key, wait settings), builds the job machine for the
//! call (`core::job::machine`) and runs it with the one loop
//! (`io::drive`), through one `Promise` maker for all four methods.

use crate::core::error::Error;
use crate::core::issue::{IssueCode, Report};
use crate::core::job::answer::Job;
use crate::core::job::client_options::{parse_client_options, parse_wait_options, ClientConfig};
use crate::core::job::machine::{Machine, Task};
use crate::core::options::parse_send_options;
use crate::core::uuid::is_uuid;
use crate::core::value::Value;
use crate::io::drive::drive;
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
}

/// Runs Happy Horse jobs over `fetch`: submit, poll, retry, cancel.
#[wasm_bindgen(js_name = Client)]
pub struct Client {
    config: Rc<ClientConfig>,
}

/// A call's options: plain settings, and the JS objects kept as they are.
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

/// The promise of a call: the machine for `task` run to its end, or the
/// error found before anything was sent.
fn run(config: &ClientConfig, prepared: Result<(Task, CallOptions), Error>) -> js_sys::Promise {
    let started = prepared.map(|(task, call)| (Machine::new(config.clone(), task), call));
    promise(async move {
        let (machine, call) = started?;
        let output = drive(machine, call.signal, |job| notify(call.on_update.as_ref(), job)).await?;
        Ok(to_js(&output))
    })
}

#[wasm_bindgen(js_class = Client)]
impl Client {
    /// `new Client({ apiKey?, baseUrl?, maxRetries?, timeoutMs?, waitTimeoutMs?, pollIntervalMs?, maxPollFailures? })`.
    /// Throws `HappyHorseError` (`INVALID_REQUEST`) for bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<ClientOptions>) -> Result<Client, Error> {
        let (value, _) = read::options(options.as_deref(), &[]);
        let mut config = parse_client_options(&value).map_err(Error::invalid)?;
        // An idempotency key belongs to one submission, never to a client.
        config.send.idempotency_key = None;
        Ok(Client { config: Rc::new(config) })
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
        run(&self.config, prepared)
    }

    /// The job's current state.
    #[wasm_bindgen(js_name = getJob, unchecked_return_type = "Promise<Job>")]
    pub fn get_job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: &JsValue,
        options: Option<GetJobOptions>,
    ) -> js_sys::Promise {
        let prepared = read_call_options(options.as_deref()).and_then(|call| Ok((Task::Get { job_id: job_id_arg(job_id)? }, call)));
        run(&self.config, prepared)
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
            let wait = parse_wait_options(&call.value, self.config.wait).map_err(Error::invalid)?;
            Ok((Task::Wait { job_id: job_id?, wait }, call))
        });
        run(&self.config, prepared)
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
            let wait = parse_wait_options(&call.value, self.config.wait).map_err(Error::invalid)?;
            Ok((Task::Submit { body, idempotency_key, then_wait: Some(wait) }, call))
        });
        run(&self.config, prepared)
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
    let key = parse_send_options(&key_options);
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
