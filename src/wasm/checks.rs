//! `validate` and `estimateCost`: the synchronous checks a page runs on
//! every keystroke.

use crate::core::{capabilities::capabilities, output, HAPPYHORSE_11};
use wasm_bindgen::prelude::*;

use super::convert::{from_js, to_js};
use super::error::invalid_request;

/// Checks a request body; answers for any value and never throws.
#[wasm_bindgen(js_name = validate, unchecked_return_type = "Report")]
pub fn validate(#[wasm_bindgen(unchecked_param_type = "unknown")] request: JsValue) -> JsValue {
    to_js(&output::report(&crate::core::validate(&from_js(&request))))
}

/// Cost in credits of a request. Throws `HappyHorseError` (`INVALID_REQUEST`)
/// only when the resolution or duration is invalid or the request is not an
/// object; other problems do not stop an estimate.
#[wasm_bindgen(js_name = estimateCost, unchecked_return_type = "Estimate")]
pub fn estimate_cost(#[wasm_bindgen(unchecked_param_type = "unknown")] request: JsValue) -> Result<JsValue, JsValue> {
    match crate::core::estimate(&from_js(&request)) {
        Ok(e) => Ok(to_js(&output::estimate(&e))),
        Err(report) => Err(invalid_request(&report)),
    }
}

/// What Happy Horse 1.1 accepts and what it costs, for building controls.
#[wasm_bindgen(js_name = capabilities, unchecked_return_type = "Capabilities")]
pub fn capabilities_js() -> JsValue {
    to_js(&capabilities(&HAPPYHORSE_11))
}
