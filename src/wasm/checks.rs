//! `validate`, `estimateCost` and `capabilities`: the synchronous checks a
//! page runs on every keystroke.

use crate::core::capabilities::CAPABILITIES_JSON;
use crate::core::error::Error;
use wasm_bindgen::prelude::*;

use super::read::{self, Purpose};
use super::write::to_js;

/// Checks a request body; answers for any value and never throws.
#[wasm_bindgen(js_name = validate, unchecked_return_type = "Report")]
pub fn validate(#[wasm_bindgen(unchecked_param_type = "unknown")] request: &JsValue) -> JsValue {
    to_js(&crate::core::validate(&read::request(request, Purpose::Check)))
}

/// Cost in credits of a request. Throws `HappyHorseError` (`INVALID_REQUEST`)
/// only when the resolution or duration is invalid or the request is not an
/// object; other problems do not stop an estimate.
#[wasm_bindgen(js_name = estimateCost, unchecked_return_type = "Estimate")]
pub fn estimate_cost(#[wasm_bindgen(unchecked_param_type = "unknown")] request: &JsValue) -> Result<JsValue, Error> {
    crate::core::estimate(&read::request(request, Purpose::Check)).map(|e| to_js(&e))
}

/// What Happy Horse 1.1 accepts and what it costs, for building controls:
/// a fresh object each call, parsed from the constant text (the caller may
/// change it without changing the next answer).
#[wasm_bindgen(js_name = capabilities, unchecked_return_type = "Capabilities")]
pub fn capabilities_js() -> JsValue {
    js_sys::JSON::parse(CAPABILITIES_JSON).unwrap_or(JsValue::NULL)
}
