//! `findImageReferences`: the `[Image N]` mentions of a prompt, for a UI
//! that marks them valid or dangling as the user types (the same scan the
//! checks use, in `core::references`).

use crate::core::error::Error;
use crate::core::references::image_references;
use wasm_bindgen::prelude::*;

use super::error::string_arg;
use super::write::to_js;

/// Every mention of an image in `prompt`, canonical or near miss, in order.
/// Throws `HappyHorseError` (`INVALID_REQUEST`) when `prompt` is not a string.
#[wasm_bindgen(js_name = findImageReferences, unchecked_return_type = "ImageReference[]")]
pub fn find_image_references(#[wasm_bindgen(unchecked_param_type = "string")] prompt: &JsValue) -> Result<JsValue, Error> {
    Ok(to_js(&image_references(&string_arg(prompt, "prompt")?)))
}
