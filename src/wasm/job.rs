//! JS shapes of the client's answers: `Job`, `Accepted`, and the
//! `HappyHorseError` a failed call rejects with.

use crate::core::failure::Failure;
use crate::core::job::{Accepted, Job};
use crate::core::output;
use crate::http::client::ClientError;
use wasm_bindgen::prelude::*;

use super::convert::to_js;
use super::error::{error, set};

fn num_or_null(n: Option<f64>) -> JsValue {
    n.map_or(JsValue::NULL, JsValue::from_f64)
}

/// `{ jobId, status, progress, videoUrls, error?, creditCost?, expired, raw }`.
pub fn job_to_js(job: &Job, raw: &JsValue) -> JsValue {
    let o: JsValue = js_sys::Object::new().into();
    set(&o, "jobId", &JsValue::from_str(&job.job_id));
    set(&o, "status", &JsValue::from_str(&job.status));
    set(&o, "progress", &num_or_null(job.progress));
    let urls: js_sys::Array = job.video_urls.iter().map(|u| JsValue::from_str(u)).collect();
    set(&o, "videoUrls", &urls);
    if let Some(e) = &job.error {
        set(&o, "error", &JsValue::from_str(e));
    }
    if let Some(c) = job.credit_cost {
        set(&o, "creditCost", &JsValue::from_f64(c));
    }
    set(&o, "expired", &JsValue::from_bool(job.expired));
    set(&o, "raw", raw);
    o
}

pub fn accepted_to_js(a: &Accepted) -> JsValue {
    let o: JsValue = js_sys::Object::new().into();
    set(&o, "jobId", &JsValue::from_str(&a.job_id));
    set(&o, "status", &JsValue::from_str(&a.status));
    o
}

/// A `HappyHorseError` for `failure`.
pub fn failure_to_js(failure: &Failure) -> JsValue {
    let e = error(failure.code.as_str(), &failure.message);
    set(&e, "retryable", &JsValue::from_bool(failure.retryable));
    if let Some(s) = failure.status {
        set(&e, "status", &JsValue::from_f64(s.into()));
    }
    if !failure.issues.is_empty() {
        set(&e, "issues", &to_js(&output::issues(&failure.issues)));
    }
    if let Some(id) = &failure.request_id {
        set(&e, "requestId", &JsValue::from_str(id));
    }
    for (field, value) in [
        ("retryAfterMs", failure.retry_after_ms),
        ("creditsRequired", failure.credits_required),
        ("creditsAvailable", failure.credits_available),
    ] {
        if let Some(v) = value {
            set(&e, field, &JsValue::from_f64(v));
        }
    }
    e
}

/// A `HappyHorseError` that also carries the job, when there is one.
pub fn client_error_to_js(err: &ClientError) -> JsValue {
    let e = failure_to_js(&err.failure);
    if let Some(id) = &err.job_id {
        set(&e, "jobId", &JsValue::from_str(id));
    }
    if let Some((job, raw)) = &err.job {
        set(&e, "job", &job_to_js(job, raw));
    }
    if let Some(key) = &err.idempotency_key {
        set(&e, "idempotencyKey", &JsValue::from_str(key));
    }
    e
}
