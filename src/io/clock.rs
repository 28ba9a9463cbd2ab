//! The clock and the timer globals.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(crate) fn clear_timeout(id: &JsValue);
}

/// The longest delay `setTimeout` holds (2³¹−1 ms, about 24.8 days);
/// anything longer would fire at once. The machine sleeps again for the
/// rest of a longer wait.
const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// `setTimeout(handler, ms)` with `ms` clamped to what a timer holds.
pub(crate) fn timer(handler: &js_sys::Function, ms: f64) -> JsValue {
    set_timeout(handler, if ms.is_nan() { 0.0 } else { ms.clamp(0.0, MAX_TIMER_MS) })
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> f64 {
    js_sys::Date::now()
}
