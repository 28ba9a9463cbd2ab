//! Errors as JS sees them: instances of `HappyHorseError` (a real `Error`
//! subclass defined in `error.js`), with `code`, `retryable`, and where they
//! apply `issues`, `status`, `jobId`, `job`, `requestId` set on them.

use crate::core::output;
use crate::core::{Issue, Report};
use wasm_bindgen::prelude::*;

use super::convert::to_js;

#[wasm_bindgen(module = "/src/wasm/error.js")]
extern "C" {
    #[wasm_bindgen(js_name = HappyHorseError)]
    pub type HappyHorseError;

    #[wasm_bindgen(constructor, js_class = "HappyHorseError")]
    fn new(code: &str, message: &str) -> HappyHorseError;
}

/// Sets `field` on `target`; setting a property on an object we just made
/// cannot fail, so a failure is ignored rather than turned into a panic.
pub fn set(target: &JsValue, field: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(field), value);
}

/// A `HappyHorseError` with `code` and `message`.
pub fn error(code: &str, message: &str) -> JsValue {
    HappyHorseError::new(code, message).into()
}

/// `INVALID_REQUEST` carrying the report's errors as `issues`.
pub fn invalid_request(report: &Report) -> JsValue {
    let message = summary(&report.errors);
    let err = error("INVALID_REQUEST", &message);
    set(&err, "issues", &to_js(&output::issues(&report.errors)));
    err
}

/// The string in `value`, or an `INVALID_REQUEST` naming `path` — for
/// exports whose argument must be a string (a job id, a URL, a prompt),
/// so a number or `undefined` from JS gets a clear error, not garbage.
pub fn string_arg(value: &JsValue, path: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        let mut r = Report::default();
        r.push(path, crate::core::IssueCode::WrongType, crate::core::text::cat(&[path, " must be a string"]));
        invalid_request(&r)
    })
}

/// "prompt: the prompt is empty (and 2 more problems)".
fn summary(errors: &[Issue]) -> String {
    use crate::core::text::{cat, num};
    let Some(first) = errors.first() else {
        return String::from("the request is invalid");
    };
    let mut m = if first.path.is_empty() { first.message.clone() } else { cat(&[&first.path, ": ", &first.message]) };
    if errors.len() > 1 {
        let more = errors.len() - 1;
        m.push_str(&cat(&[" (and ", &num(more as u64), if more == 1 { " more problem)" } else { " more problems)" }]));
    }
    m
}
