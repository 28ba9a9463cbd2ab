//! Sleeping that an `AbortSignal` cuts short, and the clock.

use crate::core::error::{Error, ErrorCode};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(id: &JsValue);
}

/// The longest delay `setTimeout` can hold (2³¹−1 ms, about 24.8 days).
pub const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

pub fn aborted() -> Error {
    Error::new(ErrorCode::Aborted, "aborted by the caller's signal")
}

pub fn is_aborted(signal: Option<&AbortSignal>) -> bool {
    signal.is_some_and(AbortSignal::aborted)
}

/// Listens for `abort` on a signal until dropped.
pub struct AbortListener {
    signal: AbortSignal,
    callback: Closure<dyn FnMut()>,
}

impl AbortListener {
    pub fn new(signal: &AbortSignal, on_abort: impl FnMut() + 'static) -> AbortListener {
        let callback = Closure::<dyn FnMut()>::new(on_abort);
        let _ = signal.add_event_listener_with_callback("abort", callback.as_ref().unchecked_ref());
        AbortListener { signal: signal.clone(), callback }
    }
}

impl Drop for AbortListener {
    fn drop(&mut self) {
        let _ = self.signal.remove_event_listener_with_callback("abort", self.callback.as_ref().unchecked_ref());
    }
}

/// A pending `setTimeout`, cleared when dropped.
pub struct Timeout {
    id: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    pub fn new(ms: f64, on_fire: impl FnMut() + 'static) -> Timeout {
        let callback = Closure::<dyn FnMut()>::new(on_fire);
        // setTimeout holds a signed 32-bit delay: anything longer fires at
        // once. Longer waits are the caller's to split or refuse.
        let id = set_timeout(callback.as_ref().unchecked_ref(), ms.clamp(0.0, MAX_TIMER_MS));
        Timeout { id, _callback: callback }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}

/// Waits `ms`, or less when `signal` aborts (then `ABORTED`).
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<(), Error> {
    if is_aborted(signal) {
        return Err(aborted());
    }
    let mut resolve_slot: Option<js_sys::Function> = None;
    let promise = js_sys::Promise::new(&mut |resolve, _| resolve_slot = Some(resolve));
    let Some(resolve) = resolve_slot else {
        return Err(aborted());
    };
    let on_fire = resolve.clone();
    let _timer = Timeout::new(ms, move || {
        let _ = on_fire.call0(&JsValue::UNDEFINED);
    });
    let _listener = signal.map(|s| {
        AbortListener::new(s, move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        })
    });
    let _ = JsFuture::from(promise).await;
    if is_aborted(signal) {
        Err(aborted())
    } else {
        Ok(())
    }
}
