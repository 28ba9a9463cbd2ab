//! The `Client` class: converts arguments, reads per-call options (signal,
//! onUpdate, idempotency key, wait settings) and hands the work to
//! `crate::http::client`.

use crate::core::client_options::{parse_client_options, parse_wait_options, ClientConfig};
use crate::core::issue::{IssueCode, Report};
use crate::core::job::Job;
use crate::core::options::parse_send_options;
use crate::core::value::Value;
use crate::http::client::{self as flows, ClientError};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use super::convert::from_js;
use super::error::{invalid_request, string_arg};
use super::job::{accepted_to_js, client_error_to_js, job_to_js};
use super::request::new_idempotency_key;

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

/// What a call's options object carries besides plain settings.
struct CallOptions {
    value: Value,
    signal: Option<AbortSignal>,
    on_update: Option<js_sys::Function>,
}

fn option_issue(path: &str, message: &str) -> JsValue {
    let mut r = Report::default();
    r.push(path, IssueCode::InvalidOption, message);
    invalid_request(&r)
}

fn read_call_options(options: Option<JsValue>) -> Result<CallOptions, JsValue> {
    let Some(js) = options.filter(|o| !o.is_undefined() && !o.is_null()) else {
        return Ok(CallOptions { value: Value::Undefined, signal: None, on_update: None });
    };
    let field = |name: &str| js_sys::Reflect::get(&js, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined() && !v.is_null());
    let signal = match field("signal") {
        None => None,
        Some(s) => Some(
            s.dyn_into::<AbortSignal>()
                .map_err(|_| option_issue("options.signal", "signal must be an AbortSignal (from new AbortController().signal)"))?,
        ),
    };
    let on_update = match field("onUpdate") {
        None => None,
        Some(f) => Some(f.dyn_into::<js_sys::Function>().map_err(|_| option_issue("options.onUpdate", "onUpdate must be a function"))?),
    };
    Ok(CallOptions { value: from_js(&js), signal, on_update })
}

fn reject(e: ClientError) -> JsValue {
    client_error_to_js(&e)
}

/// Calls `onUpdate(job)`; an exception thrown by it is the caller's and
/// must not stop the wait, so it is swallowed.
fn notifier(on_update: Option<js_sys::Function>) -> impl Fn(&Job, &JsValue) {
    move |job, raw| {
        if let Some(f) = &on_update {
            let _ = f.call1(&JsValue::UNDEFINED, &job_to_js(job, raw));
        }
    }
}

#[wasm_bindgen(js_class = Client)]
impl Client {
    /// `new Client({ apiKey?, baseUrl?, maxRetries?, timeoutMs?, waitTimeoutMs?, pollIntervalMs?, maxPollFailures? })`.
    /// Throws `HappyHorseError` (`INVALID_REQUEST`) for bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<ClientOptions>) -> Result<Client, JsValue> {
        let value = options.map_or(Value::Undefined, |o| from_js(&o));
        let mut config = parse_client_options(&value).map_err(|r| invalid_request(&r))?;
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
        #[wasm_bindgen(unchecked_param_type = "VideoRequest")] request: JsValue,
        options: Option<SubmitOptions>,
    ) -> js_sys::Promise {
        let config = self.config.clone();
        let prepared = prepare_submit(&request, options.map(Into::into));
        future_to_promise(async move {
            let (body, key, call) = prepared?;
            let accepted = flows::submit(&config, &body, &key, call.signal.as_ref()).await.map_err(reject)?;
            Ok(accepted_to_js(&accepted))
        })
    }

    /// The job's current state.
    #[wasm_bindgen(js_name = getJob, unchecked_return_type = "Promise<Job>")]
    pub fn get_job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        options: Option<GetJobOptions>,
    ) -> js_sys::Promise {
        let config = self.config.clone();
        let call = read_call_options(options.map(Into::into));
        let job_id = string_arg(&job_id, "jobId");
        future_to_promise(async move {
            let call = call?;
            let job_id = job_id?;
            let (job, raw) = flows::get_job(&config, &job_id, call.signal.as_ref()).await.map_err(reject)?;
            Ok(job_to_js(&job, &raw))
        })
    }

    /// Polls until the job is COMPLETED (resolves with it) or rejects with
    /// `JOB_FAILED`, `JOB_CANCELLED`, `TIMEOUT` (with `jobId`: call again
    /// to resume), `ABORTED`, or the code of the last of too many failed
    /// polls in a row.
    #[wasm_bindgen(js_name = waitForJob, unchecked_return_type = "Promise<Job>")]
    pub fn wait_for_job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        options: Option<WaitOptions>,
    ) -> js_sys::Promise {
        let config = self.config.clone();
        let job_id = string_arg(&job_id, "jobId");
        let prepared = read_call_options(options.map(Into::into)).and_then(|call| {
            let wait = parse_wait_options(&call.value, config.wait).map_err(|r| invalid_request(&r))?;
            Ok((call, wait))
        });
        future_to_promise(async move {
            let (call, wait) = prepared?;
            let job_id = job_id?;
            let notify = notifier(call.on_update);
            let (job, raw) = flows::wait_for_job(&config, wait, &job_id, call.signal.as_ref(), None, &notify).await.map_err(reject)?;
            Ok(job_to_js(&job, &raw))
        })
    }

    /// Submits, then waits: `submit` + `waitForJob` in one call. `onUpdate`
    /// first reports the accepted job, so its `jobId` is known at once.
    #[wasm_bindgen(unchecked_return_type = "Promise<Job>")]
    pub fn generate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VideoRequest")] request: JsValue,
        options: Option<GenerateOptions>,
    ) -> js_sys::Promise {
        let config = self.config.clone();
        let prepared = prepare_submit(&request, options.map(Into::into)).and_then(|(body, key, call)| {
            let wait = parse_wait_options(&call.value, config.wait).map_err(|r| invalid_request(&r))?;
            Ok((body, key, call, wait))
        });
        future_to_promise(async move {
            let (body, key, call, wait) = prepared?;
            let signal = call.signal.as_ref();
            let accepted = flows::submit(&config, &body, &key, signal).await.map_err(reject)?;
            let notify = notifier(call.on_update.clone());
            let first = Job::accepted(&accepted);
            let first_raw = super::job::accepted_to_js(&accepted);
            notify(&first, &first_raw);
            let (job, raw) =
                flows::wait_for_job(&config, wait, &accepted.job_id, signal, Some((first, first_raw)), &notify).await.map_err(reject)?;
            Ok(job_to_js(&job, &raw))
        })
    }
}

/// Validates the request and reads submit options; the key is the caller's
/// or a fresh UUID v4.
fn prepare_submit(request: &JsValue, options: Option<JsValue>) -> Result<(Value, String, CallOptions), JsValue> {
    let body = from_js(request);
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
        return Err(invalid_request(&Report { mode: report.mode, errors, warnings: report.warnings }));
    }
    let key = key.ok().and_then(|k| k.idempotency_key).unwrap_or_else(new_idempotency_key);
    Ok((body, key, call))
}
