//! `validate` and `estimateCost`: the synchronous checks a page runs on
//! every keystroke.

use crate::core::{capabilities::capabilities, output, Mode, HAPPYHORSE_11};
use wasm_bindgen::prelude::*;

use super::convert::{from_js, to_js};
use super::error::invalid_request;

#[wasm_bindgen(module = "/src/wasm/output.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeReport)]
    fn make_report(mode: u8, packed: &str) -> JsValue;
    #[wasm_bindgen(js_name = cleanReport)]
    fn clean_report(mode: u8) -> JsValue;
}

/// Checks a request body; answers for any value and never throws.
#[wasm_bindgen(js_name = validate, unchecked_return_type = "Report")]
pub fn validate(#[wasm_bindgen(unchecked_param_type = "unknown")] request: JsValue) -> JsValue {
    let r = crate::core::validate(&from_js(&request));
    // Index into MODES in output.js.
    let mode = match r.mode {
        None => 0,
        Some(Mode::TextToVideo) => 1,
        Some(Mode::ImageToVideo) => 2,
        Some(Mode::ReferenceToVideo) => 3,
    };
    if r.errors.is_empty() && r.warnings.is_empty() {
        return clean_report(mode);
    }
    let mut packed = output::pack_issues(&r.errors);
    packed.push('\u{3}');
    packed.push_str(&output::pack_issues(&r.warnings));
    make_report(mode, &packed)
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
