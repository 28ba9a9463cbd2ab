//! Converting between JS values and the core's [`Value`].
//!
//! Inbound, any JS value is accepted. The fast path is one crossing:
//! `input.js` serialises the value as JSON (marking BigInts, functions,
//! symbols, undefined items, NaN and huge arrays) and
//! `core::json` reads it. When that throws (a cycle, a throwing getter, a
//! Proxy, extreme nesting) the value is walked field by field instead, with
//! the same limits: cycles and nesting cut at a depth limit, huge arrays at
//! a length limit, unreadable parts named as such — never an exception
//! unwinding through wasm; the limits are `core::json`'s (and `input.js`
//! repeats them). Outbound, answers travel as one JSON text parsed by
//! `JSON.parse` (a `Report`, the hot one, as a packed string for
//! `output.js`): a single crossing, and plain objects on the JS side.

use crate::core::json::{HUGE_ARRAY, MAX_DEPTH, MAX_ITEMS};
use crate::core::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(v: &JsValue) -> Result<js_sys::Array, JsValue>;
}

#[wasm_bindgen(module = "/src/wasm/input.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = toJson)]
    fn to_json_bytes(v: &JsValue) -> Result<Vec<u8>, JsValue>;
}

/// Reads `v` into a [`Value`]. Never throws, never panics.
pub fn from_js(v: &JsValue) -> Value {
    let parsed = to_json_bytes(v).ok().and_then(|bytes| String::from_utf8(bytes).ok()).and_then(|text| crate::core::json::parse(&text));
    parsed.unwrap_or_else(|| read(v, 0))
}

fn read(v: &JsValue, depth: usize) -> Value {
    if let Some(s) = v.as_string() {
        return Value::String(s);
    }
    if let Some(n) = v.as_f64() {
        return Value::Number(n);
    }
    if let Some(b) = v.as_bool() {
        return Value::Bool(b);
    }
    if v.is_undefined() {
        return Value::Undefined;
    }
    if v.is_null() {
        return Value::Null;
    }
    if v.is_bigint() {
        return Value::Other("a BigInt");
    }
    if v.is_function() {
        return Value::Other("a function");
    }
    if v.is_symbol() {
        return Value::Other("a symbol");
    }
    if !v.is_object() {
        return Value::Other("an unsupported value");
    }
    if depth >= MAX_DEPTH {
        return Value::Other("a value nested too deeply (or a cycle)");
    }
    if js_sys::Array::is_array(v) {
        return read_array(v, depth);
    }
    let Ok(keys) = object_keys(v) else {
        return Value::Other("an unreadable object");
    };
    let mut props = Vec::with_capacity(keys.length() as usize);
    for key in keys.iter() {
        let Some(name) = key.as_string() else { continue };
        let Ok(item) = js_sys::Reflect::get(v, &key) else {
            props.push((name, Value::Other("an unreadable value")));
            continue;
        };
        // JSON.stringify drops undefined properties; so do we.
        if !item.is_undefined() {
            props.push((name, read(&item, depth + 1)));
        }
    }
    Value::Object(props)
}

fn read_array(v: &JsValue, depth: usize) -> Value {
    let len = js_sys::Reflect::get(v, &JsValue::from_str("length")).ok().and_then(|l| l.as_f64()).unwrap_or(0.0);
    if len > MAX_ITEMS as f64 {
        return Value::Other(HUGE_ARRAY);
    }
    let len = len as u32;
    let mut items = Vec::with_capacity(len as usize);
    for i in 0..len {
        match js_sys::Reflect::get_u32(v, i) {
            Ok(item) => items.push(read(&item, depth + 1)),
            Err(_) => items.push(Value::Other("an unreadable value")),
        }
    }
    Value::Array(items)
}

/// Turns a core answer into a plain JS value.
pub fn to_js(v: &Value) -> JsValue {
    // The JSON text comes from our own writer, so parsing cannot fail; on the
    // impossible failure answer `null` rather than panic.
    js_sys::JSON::parse(&v.to_json()).unwrap_or(JsValue::NULL)
}
