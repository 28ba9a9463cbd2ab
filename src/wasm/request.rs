//! `buildRequest`: the exact request the package would send, for callers who
//! send it themselves (or show it, as the demo's "Copy request" does).

use crate::core::error::Error;
use crate::core::uuid::uuid_v4;
use wasm_bindgen::prelude::*;

use super::read::{self, Purpose};
use super::write::to_js;

#[wasm_bindgen]
extern "C" {
    /// The `BuildOptions` TypeScript type (declared in `types.rs`).
    #[wasm_bindgen(typescript_type = "BuildOptions")]
    pub type BuildOptions;
}

/// Validates and builds the submission; throws `HappyHorseError`
/// (`INVALID_REQUEST`, with `issues`) when the request or options are bad.
/// Without `idempotencyKey` a fresh UUID v4 is used.
#[wasm_bindgen(js_name = buildRequest, unchecked_return_type = "HttpRequest")]
pub fn build_request(
    #[wasm_bindgen(unchecked_param_type = "unknown")] request: &JsValue,
    options: Option<BuildOptions>,
) -> Result<JsValue, Error> {
    let (options, _) = read::options(options.as_deref(), &[]);
    let body = read::request(request, Purpose::Send);
    crate::core::build_request(&body, &options, &new_idempotency_key()).map(|r| to_js(&r))
}

/// A UUID v4 from `crypto.getRandomValues` (page, worker, Node 19+),
/// falling back to `Math.random` where WebCrypto is missing: the key must
/// be unique, not secret.
pub(crate) fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    if random_bytes(&mut bytes).is_none() {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    uuid_v4(bytes)
}

fn random_bytes(out: &mut [u8; 16]) -> Option<()> {
    let crypto = read::field(&js_sys::global(), "crypto");
    let get: js_sys::Function = read::field(&crypto, "getRandomValues").dyn_into().ok()?;
    let array = js_sys::Uint8Array::new_with_length(16);
    get.call1(&crypto, &array).ok()?;
    array.copy_to(out);
    Some(())
}
