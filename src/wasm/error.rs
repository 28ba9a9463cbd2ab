//! Errors as JS sees them: the core's one [`Error`] becomes an instance of
//! `HappyHorseError` (a real `Error` subclass defined in `error.js`, since a
//! Rust struct cannot extend `Error`), with `code`, `retryable`, and where
//! they apply `issues`, `status`, `jobId`, `job`, `requestId`,
//! `idempotencyKey`, `retryAfterMs` and the credit figures.

use crate::core::error::Error;
use crate::core::issue::{Issue, IssueCode, Report};
use crate::core::job::answer::Job;
use crate::core::text::Text;
use wasm_bindgen::prelude::*;

use super::write::to_js;

#[wasm_bindgen(module = "/src/wasm/error.js")]
extern "C" {
    #[wasm_bindgen(js_name = HappyHorseError)]
    type HappyHorseError;

    #[wasm_bindgen(constructor, js_class = "HappyHorseError")]
    fn new(code: &str, message: &str, fields: &JsValue) -> HappyHorseError;
}

/// The fields set on the instance besides `code` and `message`.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Fields<'a> {
    retryable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "<[Issue]>::is_empty")]
    issues: &'a [Issue],
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credits_required: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credits_available: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    job: Option<&'a Job>,
    #[serde(skip_serializing_if = "Option::is_none")]
    idempotency_key: Option<&'a str>,
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        let fields = Fields {
            retryable: e.retryable,
            status: e.status,
            issues: &e.issues,
            request_id: e.request_id.as_deref(),
            retry_after_ms: e.retry_after_ms,
            credits_required: e.credits_required,
            credits_available: e.credits_available,
            job_id: e.job_id.as_deref(),
            job: e.job.as_deref(),
            idempotency_key: e.idempotency_key.as_deref(),
        };
        HappyHorseError::new(e.code.as_str(), &e.message, &to_js(&fields)).into()
    }
}

/// An `INVALID_REQUEST` for one bad argument or option at `path`.
pub(crate) fn bad_argument(path: &'static str, code: IssueCode, message: impl Into<Text>) -> Error {
    let mut r = Report::default();
    r.push(path, code, message);
    Error::invalid(r)
}

/// The string in `value`, or an `INVALID_REQUEST` naming `path` — for
/// exports whose argument must be a string (a job id, a URL, a prompt),
/// so a number or `undefined` from JS gets a clear error, not garbage.
pub(crate) fn string_arg(value: &JsValue, path: &'static str) -> Result<String, Error> {
    value.as_string().ok_or_else(|| bad_argument(path, IssueCode::WrongType, crate::core::text::cat(&[path, " must be a string"])))
}
