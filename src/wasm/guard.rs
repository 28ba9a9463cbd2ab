//! Calls into JS that may run user code, each answering a value instead of
//! throwing (see `guard.js` for why this is not wasm-bindgen's `catch`:
//! in 0.2.130 each exception caught that way leaks a table slot).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wasm/guard.js")]
extern "C" {
    fn unreadable() -> JsValue;
    /// `Reflect.get(target, key)`, or the sentinel when it threw: for the
    /// reader, which classifies every value anyway (see [`is_unreadable`]).
    #[wasm_bindgen(js_name = get)]
    pub(crate) fn get_raw(target: &JsValue, key: &JsValue) -> JsValue;
    /// `Reflect.get(target, index)`, or the sentinel.
    #[wasm_bindgen(js_name = getIndex)]
    pub(crate) fn get_index_raw(target: &JsValue, index: u32) -> JsValue;
    /// `Object.keys`; `None` when it threw.
    pub(crate) fn keys(target: &JsValue) -> Option<js_sys::Array>;
    #[wasm_bindgen(js_name = isArray)]
    fn is_array_js(value: &JsValue) -> u32;
    #[wasm_bindgen(js_name = apply)]
    fn apply_js(f: &JsValue, this: &JsValue, args: &js_sys::Array) -> JsValue;
}

thread_local! {
    static UNREADABLE: JsValue = unreadable();
}

/// Whether `v` is what a guarded call answers when it threw (a value from
/// [`get_raw`] or [`get_index_raw`], say). Only a symbol can be, so the
/// comparison is made only for symbols.
pub(crate) fn is_unreadable(v: &JsValue) -> bool {
    v.is_symbol() && UNREADABLE.with(|u| u == v)
}

fn checked(v: JsValue) -> Result<JsValue, ()> {
    if is_unreadable(&v) {
        Err(())
    } else {
        Ok(v)
    }
}

/// `Reflect.get(target, key)`; `Err` when a getter or trap threw.
pub(crate) fn get(target: &JsValue, key: &JsValue) -> Result<JsValue, ()> {
    checked(get_raw(target, key))
}

/// `Array.isArray(value)`; `Err` for a revoked Proxy.
pub(crate) fn is_array(value: &JsValue) -> Result<bool, ()> {
    match is_array_js(value) {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(()),
    }
}

/// `Reflect.apply(f, this, args)`; `Err` when it threw (or `f` is no function).
pub(crate) fn apply(f: &JsValue, this: &JsValue, args: &js_sys::Array) -> Result<JsValue, ()> {
    checked(apply_js(f, this, args))
}
