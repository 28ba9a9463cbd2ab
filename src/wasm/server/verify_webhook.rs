//! `verifyWebhook`: checks the provider's `X-Webhook-Signature` with
//! WebCrypto — HMAC-SHA256 of the raw body, keyed with SHA-256(API key) —
//! and compares in constant time. For servers (Node 18+, edge runtimes) and
//! service workers: a page never holds the API key.

use crate::core::error::Error;
use crate::core::issue::{IssueCode, Report};
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

/// Calls `subtle[method](...args)` and awaits the promise; any throw or
/// rejection is a `false`-worthy failure, never an exception through wasm.
async fn subtle_call(subtle: &JsValue, method: &str, args: &js_sys::Array) -> Result<JsValue, JsValue> {
    let out = apply(&field(subtle, method), subtle, args).map_err(|()| JsValue::UNDEFINED)?;
    let promise: js_sys::Promise = out.dyn_into()?;
    JsFuture::from(promise).await
}

/// The raw body as bytes: a string is UTF-8 encoded; a `Uint8Array` or
/// `ArrayBuffer` is taken as is (use it when the framework gives bytes).
fn body_bytes(body: &JsValue) -> Option<js_sys::Uint8Array> {
    if let Some(s) = body.as_string() {
        return Some(js_sys::Uint8Array::from(s.as_bytes()));
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
pub fn verify_webhook(input: &WebhookInput) -> js_sys::Promise {
    let api_key = field(input, "apiKey").as_string().filter(|k| !k.is_empty());
    let body = body_bytes(&field(input, "body"));
    let signature = field(input, "signature").as_string();
    promise(async move {
        let mut report = Report::default();
        if api_key.is_none() {
            report.push("apiKey", IssueCode::WrongType, "apiKey must be the non-empty API key string");
        }
        if body.is_none() {
            report.push("body", IssueCode::WrongType, "body must be the raw request body: a string, Uint8Array or ArrayBuffer");
        }
        if signature.is_none() {
            report.push("signature", IssueCode::WrongType, "signature must be the X-Webhook-Signature header string");
        }
        let (Some(api_key), Some(body), Some(signature)) = (api_key, body, signature) else {
            return Err(Error::invalid(report));
        };
        let Some(expected) = parse_signature(&signature) else {
            return Ok(JsValue::FALSE);
        };
        let subtle = field(&field(&js_sys::global(), "crypto"), "subtle");
        if !subtle.is_object() {
            return Err(Error::new(
                crate::core::ErrorCode::InvalidRequest,
                "WebCrypto (crypto.subtle) is not available in this environment",
            ));
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
            Err(_) => Err(Error::new(crate::core::ErrorCode::InvalidRequest, "WebCrypto could not compute the signature")),
        }
    })
}

/// WebCrypto's `{ name: "HMAC", hash: "SHA-256" }`.
#[derive(serde::Serialize)]
struct Hmac {
    name: &'static str,
    hash: &'static str,
}
