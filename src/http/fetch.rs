//! One HTTP exchange over the global `fetch`: sends, enforces the
//! per-request timeout, follows the caller's abort signal, reads the body,
//! and classifies what went wrong (network, timeout, abort, HTTP status).

use crate::core::failure::{from_status, ErrorCode, Failure};
use crate::core::json;
use crate::core::retry::parse_retry_after;
use crate::core::text::{cat, num};
use crate::core::value::Value;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestInit, Response};

use super::timer::{aborted, is_aborted, now_ms, AbortListener, Timeout};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Result<js_sys::Promise, JsValue>;
}

/// What to send.
pub struct Outgoing<'a> {
    pub method: &'static str,
    pub url: &'a str,
    pub headers: &'a [(&'static str, String)],
    pub body: Option<&'a str>,
}

/// A 2xx answer whose body parsed as JSON.
pub struct Incoming {
    pub status: u16,
    pub body: Value,
    /// The parsed body as JS, kept as received (for `job.raw`).
    pub body_js: JsValue,
    pub request_id: Option<String>,
}

/// Sends `req`; a non-2xx status, a body that is not JSON, a network error,
/// the timeout and the caller's abort all come back as a [`Failure`].
pub async fn send(req: &Outgoing<'_>, signal: Option<&AbortSignal>, timeout_ms: f64) -> Result<Incoming, Failure> {
    if is_aborted(signal) {
        return Err(aborted());
    }
    let controller = AbortController::new().map_err(|_| Failure::new(ErrorCode::Network, "AbortController is not available"))?;
    let timed_out = Rc::new(Cell::new(false));
    let _timer = {
        let (controller, timed_out) = (controller.clone(), timed_out.clone());
        Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let _listener = signal.map(|s| {
        let controller = controller.clone();
        AbortListener::new(s, move || controller.abort())
    });

    let init = RequestInit::new();
    init.set_method(req.method);
    let headers = js_sys::Object::new();
    for (k, v) in req.headers {
        let _ = js_sys::Reflect::set(&headers, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    init.set_headers(&headers);
    if let Some(body) = req.body {
        init.set_body(&JsValue::from_str(body));
    }
    init.set_signal(Some(&controller.signal()));

    let classify = |e: JsValue| -> Failure {
        if is_aborted(signal) {
            aborted()
        } else if timed_out.get() {
            Failure::new(ErrorCode::Timeout, cat(&["no answer within ", &num(timeout_ms as u64), " ms"]))
        } else {
            let detail = js_sys::Reflect::get(&e, &JsValue::from_str("message")).ok().and_then(|m| m.as_string()).unwrap_or_default();
            Failure::new(ErrorCode::Network, cat(&["network error (offline, DNS, CORS or a dropped connection): ", &detail]))
        }
    };

    let promise = global_fetch(req.url, &init).map_err(&classify)?;
    let response: Response = JsFuture::from(promise).await.map_err(&classify)?.unchecked_into();
    let status = response.status();
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let request_id = header("x-request-id");
    let retry_after_ms = header("retry-after").and_then(|v| parse_retry_after(&v, now_ms()));
    let text_promise = response.text().map_err(&classify)?;
    let text = JsFuture::from(text_promise).await.map_err(&classify)?.as_string().unwrap_or_default();
    // The text is parsed twice, once per side: `JSON.parse` keeps the body as
    // received for `job.raw`, the core's reader gives the value the core
    // checks — no second trip of the parsed object back into wasm.
    let body_js = js_sys::JSON::parse(&text).ok();
    let body = body_js.as_ref().and_then(|_| json::parse(&text)).unwrap_or(Value::Undefined);

    if !(200..300).contains(&status) {
        return Err(from_status(status, &body, request_id, retry_after_ms));
    }
    match body_js {
        Some(body_js) => Ok(Incoming { status, body, body_js, request_id }),
        None => {
            let mut f =
                Failure::new(ErrorCode::BadResponse, cat(&["the service answered ", &num(status.into()), " with a body that is not JSON"]));
            f.status = Some(status);
            f.request_id = request_id;
            Err(f)
        }
    }
}

/// The bytes at `url` (a plain GET, CORS mode), or `None` on any failure:
/// network, CORS refusal, non-2xx status, timeout.
pub async fn fetch_bytes(url: &str, timeout_ms: f64) -> Option<Vec<u8>> {
    let controller = AbortController::new().ok()?;
    let _timer = {
        let controller = controller.clone();
        Timeout::new(timeout_ms, move || controller.abort())
    };
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_signal(Some(&controller.signal()));
    let response: Response = JsFuture::from(global_fetch(url, &init).ok()?).await.ok()?.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}
