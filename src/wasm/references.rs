//! `findImageReferences`: the `[Image N]` mentions of a prompt, for a UI
//! that marks them valid or dangling as the user types (the same scan the
//! checks use, in `core::references`).

use crate::core::references::scan;
use wasm_bindgen::prelude::*;

use super::error::set;

/// Every mention of an image in `prompt`, canonical or near miss, in order.
/// Throws `HappyHorseError` (`INVALID_REQUEST`) when `prompt` is not a string.
#[wasm_bindgen(js_name = findImageReferences, unchecked_return_type = "ImageReference[]")]
pub fn find_image_references(#[wasm_bindgen(unchecked_param_type = "string")] prompt: JsValue) -> Result<JsValue, JsValue> {
    let prompt = &super::error::string_arg(&prompt, "prompt")?;
    let out = js_sys::Array::new();
    let mut utf16_at = 0usize;
    let mut byte_at = 0usize;
    for r in scan(prompt) {
        // Offsets in UTF-16 units, as JS strings index.
        utf16_at += prompt.get(byte_at..r.start).map_or(0, |s| s.encode_utf16().count());
        byte_at = r.start;
        let o: JsValue = js_sys::Object::new().into();
        set(&o, "text", &JsValue::from_str(&r.text));
        set(&o, "number", &JsValue::from_f64(r.number.into()));
        set(&o, "canonical", &JsValue::from_bool(r.canonical));
        set(&o, "bracketed", &JsValue::from_bool(r.bracketed));
        set(&o, "index", &JsValue::from_f64(utf16_at as f64));
        out.push(&o);
    }
    Ok(out.into())
}
