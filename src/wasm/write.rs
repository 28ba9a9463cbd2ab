//! One way out: every answer that crosses to JS is a core type deriving
//! `Serialize`, sent with serde-wasm-bindgen's JSON-compatible serializer
//! (plain objects, `null` for absent values, numbers never BigInts), so JS
//! gets ordinary objects and the `.d.ts` describes exactly those types.
//! Outputs only: inputs are read by `read.rs`, since serde's `Deserialize`
//! would link some 20 KB gzipped of float parsing and error text.

use serde::Serialize;
use wasm_bindgen::JsValue;

/// `value` as a plain JS value. Serializing the package's own types cannot
/// fail (no maps with non-string keys, no 64-bit integers); were it to, the
/// answer would be `null` rather than a panic.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

/// A `Promise` for an async export: resolves with the value, rejects with
/// the error as a `HappyHorseError`. The future is boxed so that
/// `future_to_promise` is instantiated once for all exports, not once per
/// export (each instance costs about 2.5 KB of wasm).
pub(crate) fn promise<F>(work: F) -> js_sys::Promise
where
    F: std::future::Future<Output = Result<JsValue, crate::core::error::Error>> + 'static,
{
    run(Box::pin(work))
}

type Work = std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, crate::core::error::Error>>>>;

fn run(work: Work) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move { work.await.map_err(JsValue::from) })
}
