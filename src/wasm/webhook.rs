//! `verifyWebhook`: checks the provider's `X-Webhook-Signature` with
//! WebCrypto — HMAC-SHA256 of the raw body, keyed with SHA-256(API key) —
//! and compares in constant time. For servers (Node 18+, edge runtimes) and
//! service workers: a page never holds the API key.

use crate::core::issue::{IssueCode, Report};
use crate::core::signature::{constant_time_eq, parse_signature};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::error::{error, invalid_request};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "WebhookInput")]
    pub type WebhookInput;
}

fn get(target: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Calls `subtle[method](...args)` and awaits the promise.
async fn subtle_call(subtle: &JsValue, method: &str, args: &js_sys::Array) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = get(subtle, method).dyn_into()?;
    let promise: js_sys::Promise = js_sys::Reflect::apply(&f, subtle, args)?.dyn_into()?;
    JsFuture::from(promise).await
}

/// The raw body as bytes: a string is UTF-8 encoded; a `Uint8Array` or
/// `ArrayBuffer` is taken as is (use it when the framework gives bytes).
fn body_bytes(body: &JsValue) -> Option<js_sys::Uint8Array> {
    if let Some(s) = body.as_string() {
        let bytes = s.into_bytes();
        return Some(js_sys::Uint8Array::from(bytes.as_slice()));
    }
    if body.is_instance_of::<js_sys::Uint8Array>() {
        return body.clone().dyn_into().ok();
    }
    if body.is_instance_of::<js_sys::ArrayBuffer>() {
        return Some(js_sys::Uint8Array::new(body));
    }
    None
}

/// Resolves `true` when `signature` is the provider's signature of `body`
/// for `apiKey`; `false` for any mismatch or malformed signature. Rejects
/// (`INVALID_REQUEST`) only when an argument has the wrong type.
#[wasm_bindgen(js_name = verifyWebhook, unchecked_return_type = "Promise<boolean>")]
pub fn verify_webhook(input: WebhookInput) -> js_sys::Promise {
    let input: JsValue = input.into();
    future_to_promise(async move {
        let mut report = Report::default();
        let api_key = get(&input, "apiKey").as_string().filter(|k| !k.is_empty());
        if api_key.is_none() {
            report.push("apiKey", IssueCode::WrongType, "apiKey must be the non-empty API key string");
        }
        let body = body_bytes(&get(&input, "body"));
        if body.is_none() {
            report.push("body", IssueCode::WrongType, "body must be the raw request body: a string, Uint8Array or ArrayBuffer");
        }
        let signature = get(&input, "signature");
        if !signature.is_string() {
            report.push("signature", IssueCode::WrongType, "signature must be the X-Webhook-Signature header string");
        }
        let (Some(api_key), Some(body)) = (api_key, body) else {
            return Err(invalid_request(&report));
        };
        if !report.ok() {
            return Err(invalid_request(&report));
        }
        let Some(expected) = signature.as_string().as_deref().and_then(parse_signature) else {
            return Ok(JsValue::FALSE);
        };
        let subtle = get(&get(&js_sys::global(), "crypto"), "subtle");
        if subtle.is_undefined() {
            return Err(error("INVALID_REQUEST", "WebCrypto (crypto.subtle) is not available in this environment"));
        }
        let key_bytes = js_sys::Uint8Array::from(api_key.as_bytes());
        let key_hash = subtle_call(&subtle, "digest", &js_sys::Array::of2(&"SHA-256".into(), &key_bytes)).await?;
        let algorithm = js_sys::Object::new();
        super::error::set(&algorithm, "name", &"HMAC".into());
        super::error::set(&algorithm, "hash", &"SHA-256".into());
        let usages = js_sys::Array::of1(&"sign".into());
        let import_args = js_sys::Array::of5(&"raw".into(), &key_hash, &algorithm, &JsValue::FALSE, &usages);
        let key = subtle_call(&subtle, "importKey", &import_args).await?;
        let mac = subtle_call(&subtle, "sign", &js_sys::Array::of3(&"HMAC".into(), &key, &body)).await?;
        let mac = js_sys::Uint8Array::new(&mac).to_vec();
        Ok(JsValue::from_bool(constant_time_eq(&mac, &expected)))
    })
}
