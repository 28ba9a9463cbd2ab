//! One HTTP exchange, sent with gloo-net: builds the request, enforces the
//! per-request timeout, follows the caller's abort signal, reads at most
//! `MAX_BODY_BYTES` of the answer, and classifies what went wrong (network,
//! timeout, abort, redirect, an oversized or non-JSON body, an HTTP status).
//!
//! Redirects are never followed (`redirect: "manual"`): a redirected
//! request would carry `X-API-Key`, the body and the idempotency key to
//! wherever the `Location` points. A redirect rejects with `BAD_RESPONSE`.
//! Only our own `AbortController`'s signal is handed to `fetch`, so its
//! rejections are always `Error`s (gloo-net assumes so).

use crate::core::error::{from_status, Error, ErrorCode};
use crate::core::json;
use crate::core::limits::MAX_BODY_BYTES;
use crate::core::job::retry::parse_retry_after;
use crate::core::text::{cat, num};
use crate::core::value::Value;
use gloo_net::http::{Method, RequestBuilder};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal, RequestCache, RequestRedirect, ResponseType};

use super::body::{cancel_body, read_body, Body};
use super::timer::{aborted, is_aborted, now_ms, AbortListener, Timeout};

/// What to send.
pub(crate) struct Outgoing<'a> {
    pub method: Method,
    pub url: &'a str,
    pub headers: &'a [(&'static str, String)],
    pub body: Option<&'a str>,
}

/// A 2xx answer whose body parsed as JSON.
pub(crate) struct Incoming {
    pub status: u16,
    pub body: Value,
    pub request_id: Option<String>,
}

/// An answer as received: any status, its headers, and its body (at most
/// `MAX_BODY_BYTES`).
pub(crate) struct Raw {
    pub status: u16,
    pub headers: web_sys::Headers,
    pub bytes: Vec<u8>,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).ok().flatten()
    }
}

/// Whether a global `fetch` exists: gloo-net calls it without a `catch`, so
/// its absence must be found before, not by an exception through wasm.
fn fetch_available() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("fetch")).is_ok_and(|f| f.is_function())
}

/// The message of what fetch rejected with.
fn detail(e: gloo_net::Error) -> String {
    match e {
        gloo_net::Error::JsError(e) => e.message,
        gloo_net::Error::GlooError(m) => m,
    }
}

/// Sends `req` and reads the answer, whatever its status. A redirect, a
/// body over `MAX_BODY_BYTES`, a network error, the timeout and the
/// caller's abort come back as an [`Error`].
pub(crate) async fn exchange(req: &Outgoing<'_>, signal: Option<&AbortSignal>, timeout_ms: f64) -> Result<Raw, Error> {
    if is_aborted(signal) {
        return Err(aborted());
    }
    if !fetch_available() {
        return Err(Error::new(ErrorCode::Network, "fetch is not available here: the client needs a browser, a worker or Node 18+"));
    }
    let controller = AbortController::new().map_err(|_| Error::new(ErrorCode::Network, "AbortController is not available"))?;
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
    let failed = |message: String| -> Error {
        if is_aborted(signal) {
            aborted()
        } else if timed_out.get() {
            Error::new(ErrorCode::Timeout, cat(&["no complete answer within ", &num(timeout_ms as u64), " ms"]))
        } else {
            Error::new(ErrorCode::Network, cat(&["network error (offline, DNS, CORS or a dropped connection): ", &message]))
        }
    };

    let mut builder = RequestBuilder::new(req.url)
        .method(req.method.clone())
        .redirect(RequestRedirect::Manual)
        // A job's state must come from the service, never from an HTTP cache
        // (Chromium may otherwise answer a repeated poll from its cache).
        .cache(RequestCache::NoStore)
        .abort_signal(Some(&controller.signal()));
    for (name, value) in req.headers {
        builder = builder.header(name, value);
    }
    let request = match req.body {
        Some(body) => builder.body(body),
        None => builder.build(),
    }
    .map_err(|e| failed(detail(e)))?;
    let response: web_sys::Response = request.send().await.map_err(|e| failed(detail(e)))?.into();

    let status = response.status();
    let headers = response.headers();
    let request_id = headers.get("x-request-id").ok().flatten();
    if response.type_() == ResponseType::Opaqueredirect || (300..400).contains(&status) {
        cancel_body(&response);
        let mut e = Error::bad_response(
            cat(&[
                "the service answered with a redirect",
                &if status == 0 { String::new() } else { cat(&[" (", &num(status.into()), ")"]) },
                "; redirects are never followed, so the API key and the request never go to another address. Check baseUrl",
            ]),
            (status != 0).then_some(status),
            request_id,
        );
        e.retryable = false;
        return Err(e);
    }
    match read_body(&response, MAX_BODY_BYTES).await {
        Body::Complete(bytes) => Ok(Raw { status, headers, bytes }),
        Body::Over(_) => {
            let mut e = Error::bad_response(
                cat(&["the answer is larger than ", &num(MAX_BODY_BYTES as u64), " bytes; a job answer is a few KB, so it was not read"]),
                Some(status),
                request_id,
            );
            e.retryable = false;
            Err(e)
        }
        Body::Failed => Err(failed(String::from("the answer's body broke off"))),
    }
}

/// Sends `req`; a non-2xx status, a redirect, a body that is too large or
/// not JSON, a network error, the timeout and the caller's abort all come
/// back as an [`Error`].
pub(crate) async fn send(req: &Outgoing<'_>, signal: Option<&AbortSignal>, timeout_ms: f64) -> Result<Incoming, Error> {
    let raw = exchange(req, signal, timeout_ms).await?;
    let request_id = raw.header("x-request-id");
    let retry_after_ms = raw.header("retry-after").and_then(|v| parse_retry_after(&v, now_ms()));
    let status = raw.status;
    // Not UTF-8 is not JSON either (no lossy decoding linked for it).
    let body = String::from_utf8(raw.bytes).ok().and_then(|text| json::parse(&text));
    if !(200..300).contains(&status) {
        return Err(from_status(status, body.as_ref().unwrap_or(&Value::Undefined), request_id, retry_after_ms));
    }
    match body {
        Some(body) => Ok(Incoming { status, body, request_id }),
        None => Err(Error::bad_response(
            cat(&["the service answered ", &num(status.into()), " with a body that is not JSON"]),
            Some(status),
            request_id,
        )),
    }
}

/// Up to `limit` leading bytes at `url` (a plain GET, CORS mode), or `None`
/// on any failure: network, CORS refusal, non-2xx status, timeout.
pub(crate) async fn fetch_prefix(url: &str, limit: usize, timeout_ms: f64) -> Option<Vec<u8>> {
    if !fetch_available() {
        return None;
    }
    let controller = AbortController::new().ok()?;
    let _timer = {
        let controller = controller.clone();
        Timeout::new(timeout_ms, move || controller.abort())
    };
    let request = RequestBuilder::new(url).abort_signal(Some(&controller.signal())).build().ok()?;
    let response: web_sys::Response = request.send().await.ok()?.into();
    if !response.ok() {
        cancel_body(&response);
        return None;
    }
    match read_body(&response, limit).await {
        Body::Complete(bytes) | Body::Over(bytes) => Some(bytes),
        Body::Failed => None,
    }
}
