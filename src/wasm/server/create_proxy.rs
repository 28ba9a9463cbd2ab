//! `createProxy`: the server half, so no key lives in a page. A WHATWG
//! handler `(request: Request) => Promise<Response>` (Cloudflare Workers,
//! Deno, Bun, Next.js route handlers, Node 18+) with a `.node(req, res)`
//! adapter for node:http and Express (`create_proxy.js`).
//!
//! The routing, origin, body, cap and header rules are
//! `server::proxy_policy`'s; this file reads the request, calls the owner's
//! `authorize` and `onSubmit`, maps upstream failures to 502/504, adds the
//! CORS headers the policy allowed, and writes the `Response`. Whatever
//! happens to a `Request` becomes a response in the service's error shape
//! (only a call with something other than a `Request` rejects), and no text
//! in it carries the key.

use super::upstream::forward;
use crate::core::cost::Estimate;
use crate::core::error::{Error, ErrorCode};
use crate::core::issue::{IssueCode, Report};
use crate::core::options::idempotency_key_ok;
use crate::core::redact::redact_bytes;
use crate::core::request::wire_body;
use crate::io::body::{read_stream, Body};
use crate::io::cancel::Cancel;
use crate::server::proxy_policy::{
    has_duplicate_keys, header_value_ok, host_allowed, invalid_body, is_cross_origin, origin_allowed, over_cap, parse_proxy_options, route,
    ProxyConfig, Refusal, Route, PASSED_BACK_HEADERS,
};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::wasm::error::bad_argument;
use crate::wasm::guard::apply;
use crate::wasm::read;
use crate::wasm::write::to_js;

#[wasm_bindgen(module = "/src/wasm/server/create_proxy.js")]
extern "C" {
    #[wasm_bindgen(js_name = proxyHandler)]
    fn proxy_handler(core: ProxyCore) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "ProxyOptions")]
    pub type ProxyOptions;
}

/// The configured proxy behind the handler (not part of the declared API:
/// JS gets the function `proxy.js` wraps around it).
#[wasm_bindgen(skip_typescript)]
pub struct ProxyCore {
    config: Rc<ProxyConfig>,
    authorize: Option<js_sys::Function>,
    on_submit: Option<js_sys::Function>,
}

/// The hooks read as functions from the options.
const HOOKS: [&str; 2] = ["authorize", "onSubmit"];

/// Creates the handler. Throws `HappyHorseError` (`INVALID_REQUEST`) when
/// `apiKey` is missing or an option is bad.
#[wasm_bindgen(js_name = createProxy, unchecked_return_type = "ProxyHandler")]
pub fn create_proxy(options: &ProxyOptions) -> Result<JsValue, Error> {
    let (value, kept) = read::options(Some(options), &HOOKS);
    let config = parse_proxy_options(&value)?;
    let mut hooks: [Option<js_sys::Function>; 2] = [None, None];
    for (at, js) in kept {
        if js.is_undefined() || js.is_null() {
            continue;
        }
        let path = if at == 0 { "options.authorize" } else { "options.onSubmit" };
        hooks[at] = Some(js.dyn_into().map_err(|_| bad_argument(path, IssueCode::InvalidOption, "must be a function"))?);
    }
    let [authorize, on_submit] = hooks;
    Ok(proxy_handler(ProxyCore { config: Rc::new(config), authorize, on_submit }))
}

#[wasm_bindgen]
impl ProxyCore {
    /// Answers one request; always resolves with a `Response`. `loopback`:
    /// the node:http adapter saw it arrive on a loopback address.
    #[wasm_bindgen(skip_typescript)]
    pub fn handle(&self, request: JsValue, loopback: bool) -> js_sys::Promise {
        let config = self.config.clone();
        let (authorize, on_submit) = (self.authorize.clone(), self.on_submit.clone());
        wasm_bindgen_futures::future_to_promise(async move {
            let Ok(request) = request.dyn_into::<web_sys::Request>() else {
                return Err(Error::new(ErrorCode::InvalidRequest, "the proxy handler takes a Request").into());
            };
            let answer = answer(&config, &request, loopback, authorize.as_ref(), on_submit.as_ref()).await;
            Ok(respond(answer).into())
        })
    }
}

/// What goes back: a status, a body, and headers.
struct Answer {
    status: u16,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Answer {
    fn refusal(r: Refusal) -> Answer {
        let mut headers = vec![("content-type", String::from("application/json"))];
        if let Some(allow) = r.allow {
            headers.push(("allow", allow.to_string()));
        }
        Answer { status: r.status, body: r.body.into_bytes(), headers }
    }
}

/// How a hook call failed.
enum HookFailed {
    /// It threw or rejected.
    Threw,
    /// It did not settle within `hookTimeoutMs`.
    TimedOut,
}

/// Calls a hook and awaits what it returns, for at most `timeout_ms`.
async fn call_hook(hook: &js_sys::Function, arg: &JsValue, timeout_ms: f64) -> Result<JsValue, HookFailed> {
    let out = apply(hook, &JsValue::UNDEFINED, &js_sys::Array::of1(arg)).map_err(|()| HookFailed::Threw)?;
    let settled = JsFuture::from(js_sys::Promise::resolve(&out));
    let mut cancel = Cancel::arm(None, timeout_ms).ok_or(HookFailed::TimedOut)?;
    match cancel.race(settled).await {
        Some(Ok(v)) => Ok(v),
        Some(Err(_)) => Err(HookFailed::Threw),
        None => Err(HookFailed::TimedOut),
    }
}

/// The answer when a hook did not settle in time.
fn hook_timed_out(name: &str) -> Answer {
    Answer::refusal(Refusal::new(503, &crate::core::text::cat(&["this server's ", name, " hook did not answer in time"])))
}

/// The argument of `onSubmit`.
#[derive(serde::Serialize)]
struct SubmitEvent<'a> {
    #[serde(with = "serde_wasm_bindgen::preserve")]
    request: JsValue,
    estimate: &'a Estimate,
    report: &'a Report,
}

async fn answer(
    config: &ProxyConfig,
    request: &web_sys::Request,
    loopback: bool,
    authorize: Option<&js_sys::Function>,
    on_submit: Option<&js_sys::Function>,
) -> Answer {
    let headers = request.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let origin = header("origin");
    let Ok(url) = web_sys::Url::new(&request.url()) else {
        return Answer::refusal(Refusal::new(400, "bad request URL"));
    };
    // The authority the browser addressed: its `Host` header (frameworks
    // may rebuild `request.url` with another host name, as Next.js does
    // with `localhost`), else the URL's.
    let own = header("host").filter(|h| !h.is_empty() && header_value_ok(h)).unwrap_or_else(|| url.host());
    if !host_allowed(config, &own, loopback) {
        // Before anything else, CORS included: a rebinding page learns nothing.
        return Answer::refusal(Refusal::new(403, "this host name is not served here (see createProxy's allowedHosts)"));
    }
    let origin_ok = origin_allowed(config, origin.as_deref(), &own);
    let cors = match &origin {
        Some(o) if origin_ok && is_cross_origin(Some(o), &own) => Some(o.clone()),
        _ => None,
    };
    let mut out = match route(config, &request.method(), &url.pathname(), origin_ok) {
        Route::Refuse(r) => Answer::refusal(r),
        Route::Preflight => Answer {
            status: 204,
            body: Vec::new(),
            headers: vec![
                ("access-control-allow-methods", String::from("GET, POST")),
                ("access-control-allow-headers", String::from("content-type, idempotency-key")),
                ("access-control-max-age", String::from("600")),
            ],
        },
        r => {
            let allowed = match authorize {
                None => Ok(true),
                Some(hook) => match call_hook(hook, request, config.hook_timeout_ms).await {
                    Ok(v) => Ok(v.is_truthy()),
                    Err(HookFailed::Threw) => Ok(false),
                    Err(HookFailed::TimedOut) => Err(()),
                },
            };
            match allowed {
                Ok(true) => pass(config, request, &headers, &r, on_submit).await,
                Ok(false) => Answer::refusal(Refusal::new(401, "not authorized")),
                Err(()) => hook_timed_out("authorize"),
            }
        }
    };
    if let Some(origin) = cors {
        out.headers.push(("access-control-allow-origin", origin));
        out.headers.push(("access-control-expose-headers", String::from("retry-after, x-request-id, date")));
    }
    out.headers.push(("vary", String::from("origin")));
    out
}

/// The request's `Content-Length`, when it has a readable one.
fn declared_length(headers: &web_sys::Headers) -> Option<u64> {
    headers.get("content-length").ok().flatten().and_then(|v| v.trim().parse().ok())
}

/// Checks and forwards one of the two routes.
async fn pass(
    config: &ProxyConfig,
    request: &web_sys::Request,
    headers: &web_sys::Headers,
    route: &Route,
    on_submit: Option<&js_sys::Function>,
) -> Answer {
    let mut body = None;
    let mut key = None;
    if *route == Route::Generate {
        let Some(mut cancel) = Cancel::arm(None, config.body_timeout_ms) else {
            return Answer::refusal(Refusal::new(500, "AbortController is not available"));
        };
        let bytes = match read_stream(request.body(), declared_length(headers), config.max_body_bytes, Some(&mut cancel)).await {
            Body::Complete(bytes) => bytes,
            Body::Over(_) => return Answer::refusal(Refusal::new(413, "the request body is too large")),
            Body::Failed if cancel.fired() => return Answer::refusal(Refusal::new(408, "the request body did not arrive in time")),
            Body::Failed => return Answer::refusal(Refusal::new(400, "the request body could not be read")),
        };
        let Some(value) = String::from_utf8(bytes).ok().and_then(|t| crate::core::json::parse(&t)) else {
            return Answer::refusal(Refusal::new(400, "the request body is not JSON"));
        };
        if has_duplicate_keys(&value) {
            return Answer::refusal(Refusal::new(400, "the request body has a key twice"));
        }
        let report = crate::core::validate(&value);
        if !report.ok() {
            return Answer::refusal(invalid_body(&report));
        }
        let estimate = match crate::core::cost::estimate_checked(&value, &report) {
            Ok(e) => e,
            Err(r) => return Answer::refusal(invalid_body(&r)),
        };
        if let Some(cap) = config.max_credits_per_job {
            if f64::from(estimate.credits) > cap {
                return Answer::refusal(over_cap(&estimate, cap));
            }
        }
        match headers.get("idempotency-key").ok().flatten() {
            Some(k) if idempotency_key_ok(&k) => key = Some(k),
            Some(_) => return Answer::refusal(Refusal::new(400, "Idempotency-Key must be 1 to 255 visible ASCII characters")),
            None => {}
        }
        if let Some(hook) = on_submit {
            let event = to_js(&SubmitEvent { request: AsRef::<JsValue>::as_ref(request).clone(), estimate: &estimate, report: &report });
            match call_hook(hook, &event, config.hook_timeout_ms).await {
                Ok(_) => {}
                Err(HookFailed::Threw) => return Answer::refusal(Refusal::new(403, "refused by this server")),
                Err(HookFailed::TimedOut) => return hook_timed_out("onSubmit"),
            }
        }
        body = Some(wire_body(&value).to_json());
    }
    match forward(config, route, body, key.as_deref()).await {
        Ok(raw) => {
            let mut headers = Vec::new();
            let passed = [raw.content_type, raw.retry_after, raw.request_id, raw.date];
            for (name, value) in PASSED_BACK_HEADERS.iter().zip(passed) {
                // A header that echoes the key, in any spelling, is not
                // passed on at all (its value has no other use to a page).
                if let Some(v) = value.filter(|v| header_value_ok(v) && redact_bytes(v.as_bytes(), &config.api_key).is_none()) {
                    headers.push((*name, v));
                }
            }
            // The service's words may echo the key, in any spelling and any
            // encoding of the body; a page never sees it.
            let body = redact_bytes(&raw.body, &config.api_key).unwrap_or(raw.body);
            Answer { status: raw.status, body, headers }
        }
        Err(e) if e.code == ErrorCode::Timeout => Answer::refusal(Refusal::new(504, "the upstream service did not answer in time")),
        Err(e) => {
            let message = match e.code {
                ErrorCode::BadResponse => {
                    "the upstream service gave an answer this proxy does not pass on (a redirect or an oversized body)"
                }
                _ => "the upstream service could not be reached",
            };
            Answer::refusal(Refusal::new(502, message))
        }
    }
}

/// The `Response` for `answer`; should building it fail (it cannot with
/// these values), a bare `500`.
fn respond(answer: Answer) -> web_sys::Response {
    let build = || -> Result<web_sys::Response, JsValue> {
        let headers = web_sys::Headers::new()?;
        for (name, value) in &answer.headers {
            headers.set(name, value)?;
        }
        let init = web_sys::ResponseInit::new();
        init.set_status(answer.status);
        init.set_headers(&headers);
        let mut body = answer.body;
        // A 204 may not have a body, not even an empty one.
        if answer.status == 204 {
            web_sys::Response::new_with_opt_u8_array_and_init(None, &init)
        } else {
            web_sys::Response::new_with_opt_u8_array_and_init(Some(&mut body), &init)
        }
    };
    build().unwrap_or_else(|_| web_sys::Response::new().unwrap_or_else(|_| JsValue::UNDEFINED.unchecked_into()))
}
