//! `verifyWebhook`: checks the provider's `X-Webhook-Signature` with
//! WebCrypto — HMAC-SHA256 of the raw body, keyed with SHA-256(API key) —
//! and compares in constant time. For servers (Node 18+, edge runtimes) and
//! service workers: a page never holds the API key.
//!
//! Anyone can post to a webhook URL, so the input is bounded before any work:
//! the signature's form is checked first (a malformed one is `false` with the
//! body untouched), a body over `MAX_WEBHOOK_BODY_BYTES` is `false` without
//! being read, and the body never enters wasm memory (a string is encoded
//! to UTF-8 in JS and handed to WebCrypto as it is).

use crate::core::error::Error;
use crate::core::issue::{IssueCode, Report};
use crate::server::webhook_signature::MAX_WEBHOOK_BODY_BYTES;
use crate::server::webhook_signature::{constant_time_eq, parse_signature};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::wasm::guard::apply;
use crate::wasm::read::field;
use crate::wasm::write::promise;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "WebhookInput")]
    pub type WebhookInput;
}

#[wasm_bindgen(module = "/src/wasm/server/encode.js")]
extern "C" {
    fn utf8(text: &js_sys::JsString) -> js_sys::Uint8Array;
}

/// The longest signature header read: `sha256=` and 64 hex digits, with room
/// for spaces around them.
const MAX_SIGNATURE_UNITS: u32 = 128;
/// The longest API key read.
const MAX_KEY_UNITS: u32 = 1024;

/// Calls `subtle[method](...args)` and awaits the promise; any throw or
/// rejection is a `false`-worthy failure, never an exception through wasm.
async fn subtle_call(subtle: &JsValue, method: &str, args: &js_sys::Array) -> Result<JsValue, JsValue> {
    let out = apply(&field(subtle, method), subtle, args).map_err(|()| JsValue::UNDEFINED)?;
    let promise: js_sys::Promise = out.dyn_into()?;
    JsFuture::from(promise).await
}

/// A string argument of at most `max` UTF-16 units, copied; `Err(true)` for a
/// longer string (never copied), `Err(false)` for anything else.
fn bounded_string(v: &JsValue, max: u32) -> Result<String, bool> {
    match v.dyn_ref::<js_sys::JsString>() {
        Some(s) if s.length() <= max => Ok(String::from(s)),
        Some(_) => Err(true),
        None => Err(false),
    }
}

/// The raw body as bytes, outside wasm memory: a string is UTF-8 encoded in
/// JS; a `Uint8Array` or `ArrayBuffer` is taken as is (use it when the
/// framework gives bytes). `Err(true)` when it is over the limit (a string
/// is judged by its length first, never encoded when that is too long),
/// `Err(false)` for another type.
fn body_bytes(body: &JsValue) -> Result<js_sys::Uint8Array, bool> {
    let limit = MAX_WEBHOOK_BODY_BYTES as u32;
    let bytes = if let Some(s) = body.dyn_ref::<js_sys::JsString>() {
        // UTF-8 takes at least one byte per UTF-16 unit.
        if s.length() > limit {
            return Err(true);
        }
        utf8(s)
    } else if body.is_instance_of::<js_sys::Uint8Array>() {
        body.clone().unchecked_into()
    } else if let Some(buffer) = body.dyn_ref::<js_sys::ArrayBuffer>() {
        if buffer.byte_length() > limit {
            return Err(true);
        }
        js_sys::Uint8Array::new(body)
    } else {
        return Err(false);
    };
    if bytes.byte_length() > limit {
        return Err(true);
    }
    Ok(bytes)
}

/// Resolves `true` when `signature` is the provider's signature of `body`
/// for `apiKey`; `false` for any mismatch, a malformed signature, or a body
/// over `MAX_WEBHOOK_BODY_BYTES` (1 MiB: a real webhook is a few hundred
/// bytes). Rejects (`INVALID_REQUEST`) only when an argument has the wrong
/// type.
#[wasm_bindgen(js_name = verifyWebhook, unchecked_return_type = "Promise<boolean>")]
pub fn verify_webhook(input: &WebhookInput) -> js_sys::Promise {
    let api_key = bounded_string(&field(input, "apiKey"), MAX_KEY_UNITS).ok().filter(|k| !k.is_empty());
    let signature = bounded_string(&field(input, "signature"), MAX_SIGNATURE_UNITS);
    // The body is looked at only once the signature has the right form.
    let expected = signature.as_ref().ok().and_then(|s| parse_signature(s));
    let body = field(input, "body");
    let body = match expected {
        Some(_) => body_bytes(&body),
        None if body.is_string() || body.is_instance_of::<js_sys::Uint8Array>() || body.is_instance_of::<js_sys::ArrayBuffer>() => {
            Err(true)
        }
        None => Err(false),
    };
    promise(async move {
        let mut report = Report::default();
        if api_key.is_none() {
            report.push("apiKey", IssueCode::WrongType, "apiKey must be the non-empty API key string");
        }
        if matches!(body, Err(false)) {
            report.push("body", IssueCode::WrongType, "body must be the raw request body: a string, Uint8Array or ArrayBuffer");
        }
        if matches!(signature, Err(false)) {
            report.push("signature", IssueCode::WrongType, "signature must be the X-Webhook-Signature header string");
        }
        if !report.errors.is_empty() {
            return Err(Error::invalid(report));
        }
        let (Some(api_key), Some(expected), Ok(body)) = (api_key, expected, body) else {
            // A malformed or over-long signature, or a body over the limit.
            return Ok(JsValue::FALSE);
        };
        let subtle = field(&field(&js_sys::global(), "crypto"), "subtle");
        if !subtle.is_object() {
            return Err(Error::new(crate::core::ErrorCode::Unsupported, "WebCrypto (crypto.subtle) is not available in this environment"));
        }
        let mac = async {
            let key_bytes = js_sys::Uint8Array::from(api_key.as_bytes());
            let key_hash = subtle_call(&subtle, "digest", &js_sys::Array::of2(&"SHA-256".into(), &key_bytes)).await?;
            let algorithm = crate::wasm::write::to_js(&Hmac { name: "HMAC", hash: "SHA-256" });
            let usages = js_sys::Array::of1(&"sign".into());
            let import_args = js_sys::Array::of5(&"raw".into(), &key_hash, &algorithm, &JsValue::FALSE, &usages);
            let key = subtle_call(&subtle, "importKey", &import_args).await?;
            let mac = subtle_call(&subtle, "sign", &js_sys::Array::of3(&"HMAC".into(), &key, &body)).await?;
            Ok::<_, JsValue>(js_sys::Uint8Array::new(&mac).to_vec())
        };
        match mac.await {
            Ok(mac) => Ok(JsValue::from_bool(constant_time_eq(&mac, &expected))),
            Err(_) => Err(Error::new(crate::core::ErrorCode::Unsupported, "WebCrypto could not compute the signature")),
        }
    })
}

/// WebCrypto's `{ name: "HMAC", hash: "SHA-256" }`.
#[derive(serde::Serialize)]
struct Hmac {
    name: &'static str,
    hash: &'static str,
}
