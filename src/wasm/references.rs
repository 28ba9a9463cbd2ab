//! `findImageReferences`: the `[Image N]` mentions of a prompt, for a UI
//! that marks them valid or dangling as the user types (the same scan the
//! checks use, in `core::references`).

use crate::core::error::Error;
use crate::core::references::image_references;
use wasm_bindgen::prelude::*;

use crate::core::issue::IssueCode;
use crate::core::limits::MAX_STRING_UNITS;
use crate::core::text::{cat, num};

use super::error::{bad_argument, string_arg};
use super::write::to_js;

/// Every mention of an image in `prompt`, canonical or near miss, in order.
/// Throws `HappyHorseError` (`INVALID_REQUEST`) when `prompt` is not a string.
#[wasm_bindgen(js_name = findImageReferences, unchecked_return_type = "ImageReference[]")]
pub fn find_image_references(#[wasm_bindgen(unchecked_param_type = "string")] prompt: &JsValue) -> Result<JsValue, Error> {
    // Bounded like every string the package reads: far over any prompt the
    // service takes, and the scan's answer would be a list of millions.
    let units = if prompt.is_string() { prompt.unchecked_ref::<js_sys::JsString>().length() as usize } else { 0 };
    if units > MAX_STRING_UNITS {
        let message = cat(&[
            "the prompt is ",
            &num(units as u64),
            " characters long; findImageReferences reads at most ",
            &num(MAX_STRING_UNITS as u64),
        ]);
        return Err(bad_argument("prompt", IssueCode::PromptTooLong, message));
    }
    Ok(to_js(&image_references(&string_arg(prompt, "prompt")?)))
}
