//! One HTTP exchange with the global `fetch`, reported as facts ([`Reply`])
//! for the machine to judge: the request goes out with `redirect: "manual"`
//! (a redirect would carry `X-API-Key`, the body and the idempotency key to
//! wherever `Location` points) and `cache: "no-store"` (a job's state must
//! come from the service), under a [`Cancel`] for the caller's signal and
//! the request's timeout; the body is read up to `MAX_BODY_BYTES`.
//!
//! The request is built, sent and its answer read through `wasm/guard.js`,
//! whose calls never throw: `fetch` may be a caller's replacement, and a throw
//! through wasm would corrupt the module. Not gloo-net: it cost the page
//! build 4.3 KB gzipped for what is here a dozen lines (the measurement is
//! in Cargo.toml).

use crate::core::job::exchange::{Answer, Outgoing, Reply};
use crate::core::limits::MAX_BODY_BYTES;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use super::body::{cancel_stream, read_stream, Body};
use super::cancel::{Cancel, Why};

#[wasm_bindgen(module = "/src/wasm/guard.js")]
extern "C" {
    /// `new Request(url, init)`, or the error that stopped it.
    fn request(url: &str, method: &str, headers: &js_sys::Array, body: &JsValue, signal: &AbortSignal, exact: bool) -> JsValue;
    /// `fetch(request)`, always a promise.
    #[wasm_bindgen(js_name = send)]
    fn fetch_js(request: &JsValue) -> js_sys::Promise;
    /// `[status, type, body, x-request-id, retry-after, content-type,
    /// content-length, date]`, or `undefined` for what is not a `Response`.
    fn parts(response: &JsValue) -> JsValue;
}

/// What the package reads of an answer.
struct Parts {
    status: u16,
    redirected: bool,
    body: Option<web_sys::ReadableStream>,
    request_id: Option<String>,
    retry_after: Option<String>,
    content_type: Option<String>,
    content_length: Option<u64>,
    date: Option<String>,
}

impl Parts {
    fn of(response: &JsValue) -> Option<Parts> {
        let p: js_sys::Array = parts(response).dyn_into().ok()?;
        let text = |i| p.get(i).as_string();
        Some(Parts {
            status: p.get(0).as_f64().map_or(0, |s| s as u16),
            redirected: text(1).as_deref() == Some("opaqueredirect"),
            body: p.get(2).dyn_into().ok(),
            request_id: text(3),
            retry_after: text(4),
            content_type: text(5),
            content_length: text(6).and_then(|v| v.trim().parse().ok()),
            date: text(7),
        })
    }
}

/// The message of what fetch rejected with.
fn detail(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| String::from("fetch failed"))
}

/// Builds a request under `cancel`, for [`start`].
fn build(
    url: &str,
    method: &str,
    headers: &[(&'static str, String)],
    body: Option<&str>,
    cancel: &Cancel,
    exact: bool,
) -> Result<JsValue, Reply> {
    let pairs = js_sys::Array::new();
    for (name, value) in headers {
        pairs.push(&js_sys::Array::of2(&JsValue::from_str(name), &JsValue::from_str(value)));
    }
    let body = body.map_or(JsValue::UNDEFINED, JsValue::from_str);
    let request = request(url, method, &pairs, &body, &cancel.signal(), exact);
    match request.is_instance_of::<js_sys::Error>() {
        true => Err(Reply::Network(detail(&request))),
        false => Ok(request),
    }
}

/// Sends `request` (which the caller keeps until the exchange is over)
/// under `cancel`; its answer's parts, or how it failed.
async fn start(request: &JsValue, cancel: &mut Cancel) -> Result<Parts, Reply> {
    match cancel.race(JsFuture::from(fetch_js(request))).await {
        Some(Ok(response)) => {
            Parts::of(&response).ok_or_else(|| Reply::Network(String::from("fetch answered with something other than a Response")))
        }
        Some(Err(_)) | None if cancel.fired() => Err(stopped(cancel)),
        Some(Err(e)) => Err(Reply::Network(detail(&e))),
        None => Err(stopped(cancel)),
    }
}

fn stopped(cancel: &Cancel) -> Reply {
    match cancel.why() {
        Why::Aborted => Reply::Aborted,
        Why::TimedOut => Reply::TimedOut,
    }
}

/// Sends `out` and reads the answer, whatever its status.
pub(crate) async fn send(out: &Outgoing, caller: Option<&AbortSignal>) -> Reply {
    if caller.is_some_and(super::cancel::is_aborted) {
        return Reply::Aborted;
    }
    let Some(mut cancel) = Cancel::arm(caller, out.timeout_ms) else {
        return Reply::Network(String::from("AbortController or setTimeout is not available here"));
    };
    let request = match build(&out.url, out.method, &out.headers, out.body.as_deref(), &cancel, true) {
        Ok(request) => request,
        Err(reply) => return reply,
    };
    let answer = match start(&request, &mut cancel).await {
        Ok(answer) => answer,
        Err(reply) => return reply,
    };
    let Parts { status, redirected, body, request_id, retry_after, content_type, content_length, date } = answer;
    if redirected || (300..400).contains(&status) {
        cancel_stream(body.as_ref());
        return Reply::Redirect { status, request_id };
    }
    match read_stream(body, content_length, MAX_BODY_BYTES, Some(&mut cancel)).await {
        Body::Complete(body) => Reply::Answer(Answer { status, request_id, retry_after, content_type, date, body }),
        Body::Over(_) => Reply::TooLarge { status, request_id },
        Body::Failed if cancel.fired() => stopped(&cancel),
        Body::Failed => Reply::Network(String::from("the answer's body broke off")),
    }
}

/// Up to `limit` leading bytes at `url` (a plain GET, CORS mode), or `None`
/// on any failure: network, CORS refusal, non-2xx status, timeout.
pub(crate) async fn fetch_prefix(url: &str, limit: usize, timeout_ms: f64) -> Option<Vec<u8>> {
    let mut cancel = Cancel::arm(None, timeout_ms)?;
    let request = build(url, "GET", &[], None, &cancel, false).ok()?;
    let answer = start(&request, &mut cancel).await.ok()?;
    if !(200..300).contains(&answer.status) {
        cancel_stream(answer.body.as_ref());
        return None;
    }
    match read_stream(answer.body, answer.content_length, limit, Some(&mut cancel)).await {
        Body::Complete(bytes) | Body::Over(bytes) => Some(bytes),
        Body::Failed => None,
    }
}
