//! One HTTP exchange with the global `fetch`, reported as facts ([`Reply`]) for the
//! machine to judge: the request goes out with `redirect: "manual"` (a
//! redirect would carry `X-API-Key`, the body and the idempotency key to
//! wherever `Location` points) and `cache: "no-store"` (a job's state must
//! come from the service), under a [`Cancel`] for the caller's signal and
//! the request's timeout; the body is read up to `MAX_BODY_BYTES`.
//! Only our own controller's signal is handed to `fetch`. The request is
//! built with web-sys, not gloo-net: gloo-net cost the page build 4.3 KB
//! gzipped for what is here a dozen lines (the measurement is in
//! Cargo.toml).

use crate::core::job::exchange::{Answer, Outgoing, Reply};
use crate::core::limits::MAX_BODY_BYTES;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestCache, RequestInit, RequestRedirect, ResponseType};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (checked to exist first, see [`fetch_available`]).
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_request(request: &web_sys::Request) -> js_sys::Promise;
}

use super::body::{cancel_body, read_stream, Body};
use super::cancel::{Cancel, Why};

/// Whether a global `fetch` exists: it is called without a `catch`, so
/// its absence must be found before, not by an exception through wasm.
fn fetch_available() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("fetch")).is_ok_and(|f| f.is_function())
}

/// The message of what fetch rejected with.
fn detail(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| String::from("fetch failed"))
}

/// `new Request(url, init)` for `out` under `signal`.
fn request(
    url: &str,
    method: &str,
    headers: &[(&'static str, String)],
    body: Option<&str>,
    signal: &AbortSignal,
    manual: bool,
) -> Result<web_sys::Request, JsValue> {
    let init = RequestInit::new();
    init.set_method(method);
    if manual {
        init.set_redirect(RequestRedirect::Manual);
        init.set_cache(RequestCache::NoStore);
    }
    init.set_signal(Some(signal));
    let h = web_sys::Headers::new()?;
    for (name, value) in headers {
        h.set(name, value)?;
    }
    init.set_headers(&h);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    web_sys::Request::new_with_str_and_init(url, &init)
}

fn stopped(cancel: &Cancel) -> Reply {
    match cancel.why() {
        Why::Aborted => Reply::Aborted,
        Why::TimedOut => Reply::TimedOut,
    }
}

/// A request started under `cancel`: its `Response`, or how it failed.
async fn start(out: &Outgoing, cancel: &mut Cancel) -> Result<web_sys::Response, Reply> {
    if !fetch_available() {
        return Err(Reply::Network(String::from("fetch is not available here: the client needs a browser, a worker or Node 18+")));
    }
    let request =
        request(&out.url, out.method, &out.headers, out.body.as_deref(), &cancel.signal(), true).map_err(|e| Reply::Network(detail(&e)))?;
    match cancel.race(JsFuture::from(fetch_request(&request))).await {
        Some(Ok(response)) => {
            response.dyn_into().map_err(|_| Reply::Network(String::from("fetch answered with something other than a Response")))
        }
        Some(Err(_)) | None if cancel.fired() => Err(stopped(cancel)),
        Some(Err(e)) => Err(Reply::Network(detail(&e))),
        None => Err(stopped(cancel)),
    }
}

/// Sends `out` and reads the answer, whatever its status.
pub(crate) async fn send(out: &Outgoing, caller: Option<&AbortSignal>) -> Reply {
    if caller.is_some_and(AbortSignal::aborted) {
        return Reply::Aborted;
    }
    let Some(mut cancel) = Cancel::arm(caller, out.timeout_ms) else {
        return Reply::Network(String::from("AbortController is not available"));
    };
    let response = match start(out, &mut cancel).await {
        Ok(response) => response,
        Err(reply) => return reply,
    };
    let status = response.status();
    let headers = response.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let request_id = header("x-request-id");
    if response.type_() == ResponseType::Opaqueredirect || (300..400).contains(&status) {
        cancel_body(&response);
        return Reply::Redirect { status, request_id };
    }
    match read_stream(response.body(), &headers, MAX_BODY_BYTES, Some(&mut cancel)).await {
        Body::Complete(body) => {
            Reply::Answer(Answer { status, request_id, retry_after: header("retry-after"), content_type: header("content-type"), body })
        }
        Body::Over(_) => Reply::TooLarge { status, request_id },
        Body::Failed if cancel.fired() => stopped(&cancel),
        Body::Failed => Reply::Network(String::from("the answer's body broke off")),
    }
}

/// Up to `limit` leading bytes at `url` (a plain GET, CORS mode), or `None`
/// on any failure: network, CORS refusal, non-2xx status, timeout.
pub(crate) async fn fetch_prefix(url: &str, limit: usize, timeout_ms: f64) -> Option<Vec<u8>> {
    if !fetch_available() {
        return None;
    }
    let mut cancel = Cancel::arm(None, timeout_ms)?;
    let request = request(url, "GET", &[], None, &cancel.signal(), false).ok()?;
    let response: web_sys::Response = cancel.race(JsFuture::from(fetch_request(&request))).await?.ok()?.dyn_into().ok()?;
    if !response.ok() {
        cancel_body(&response);
        return None;
    }
    match read_stream(response.body(), &response.headers(), limit, Some(&mut cancel)).await {
        Body::Complete(bytes) | Body::Over(bytes) => Some(bytes),
        Body::Failed => None,
    }
}
