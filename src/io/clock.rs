//! The clock and the timer globals.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // `catch`: a runtime (or a test) may have no timers; that must not
    // throw through wasm.
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = clearTimeout)]
    fn clear_timeout_js(id: &JsValue) -> Result<(), JsValue>;
}

/// The longest delay `setTimeout` holds (2³¹−1 ms, about 24.8 days);
/// anything longer would fire at once. The machine sleeps again for the
/// rest of a longer wait.
const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// `setTimeout(handler, ms)` with `ms` clamped to what a timer holds;
/// `None` where there is no `setTimeout`.
pub(crate) fn timer(handler: &js_sys::Function, ms: f64) -> Option<JsValue> {
    if !crate::wasm::guard::get(&js_sys::global(), &JsValue::from_str("setTimeout")).is_ok_and(|f| f.is_function()) {
        return None;
    }
    set_timeout(handler, if ms.is_nan() { 0.0 } else { ms.clamp(0.0, MAX_TIMER_MS) }).ok()
}

/// `clearTimeout(id)`.
pub(crate) fn clear_timeout(id: &JsValue) {
    let _ = clear_timeout_js(id);
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> f64 {
    js_sys::Date::now()
}
