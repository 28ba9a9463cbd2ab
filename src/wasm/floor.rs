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

/// The read half alone (answers the number of top-level keys read).
#[wasm_bindgen(js_name = floorRead)]
pub fn floor_read(request: &JsValue) -> u32 {
    match read::request(request, Purpose::Check) {
        crate::core::Value::Object(p) => p.len() as u32,
        _ => 0,
    }
}

/// The write half alone: a clean report.
#[wasm_bindgen(js_name = floorWrite)]
pub fn floor_write() -> JsValue {
    to_js(&Report { mode: Some(Mode::TextToVideo), ..Report::default() })
}

/// Nothing at all: the bare cost of calling an export.
#[wasm_bindgen(js_name = floorNothing)]
pub fn floor_nothing(_request: &JsValue) -> u32 {
    0
}
