//! `validateFloor` (feature `bench-floor`, never in the package): reads a
//! request exactly as `validate` does and answers a clean report without
//! checking anything. `bench/run` times it beside `validate` to show what
//! the JS↔wasm crossing alone costs.

use crate::core::issue::{Mode, Report};
use wasm_bindgen::prelude::*;

use super::read::{self, Purpose};
use super::write::to_js;

#[wasm_bindgen(js_name = validateFloor, unchecked_return_type = "Report")]
pub fn validate_floor(#[wasm_bindgen(unchecked_param_type = "unknown")] request: &JsValue) -> JsValue {
    let value = read::request(request, Purpose::Check);
    let mode = matches!(value, crate::core::Value::Object(_)).then_some(Mode::TextToVideo);
    to_js(&Report { mode, ..Report::default() })
}
