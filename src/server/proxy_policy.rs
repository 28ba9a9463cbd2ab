//! The server half's policy (`createProxy`): what a request from a page may
//! reach upstream with the owner's key, and what it gets instead. Pure: the
//! wasm layer feeds it the method, path, `Host`, `Origin` and body (and
//! whether node:http took the connection on loopback), and carries out its
//! answer. It also owns the options' checks and defaults, the time limits
//! among them.
//!
//! Only two routes ever reach the service: `POST {basePath}/v2/videos/generate`
//! (after the body is parsed, validated and priced, and re-serialized, so
//! what was checked is byte for byte what is sent) and
//! `GET {basePath}/v2/jobs/{uuid}`. Everything else is answered here, in the
//! service's own error shape `{ error, details? }`. Cross-origin callers are
//! refused unless their `Origin` is listed; an arbitrary origin is never
//! reflected. A host name no DNS answer should stand behind is refused
//! before anything else ([`host_allowed`]: the DNS-rebinding defence).

use crate::core::cost::Estimate;
use crate::core::error::Error;
use crate::core::issue::{IssueCode, Report};
use crate::core::options::read_send_options;
use crate::core::spec::{DEFAULT_BASE_URL, GENERATE_PATH, JOBS_PATH};
use crate::core::text::{cat, find_bytes, num, Text};
use crate::core::uuid::is_uuid;
use crate::core::value::Value;

/// Default limit of a submitted body: twice the largest valid request (the
/// longest prompt, all in 3-byte characters, and the most images, each a
/// 2,000-byte URL), as a test below checks.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
/// The largest `maxBodyBytes` accepted.
pub const MAX_MAX_BODY_BYTES: usize = 1024 * 1024;
/// Default limit of one upstream exchange.
pub const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;
/// Default limit of one call of `authorize` or `onSubmit`: an owner's hook
/// that never settles must not hold a request forever.
pub const DEFAULT_HOOK_TIMEOUT_MS: f64 = 10_000.0;
/// Default limit of reading a submitted body (64 KiB at most): a caller that
/// trickles it is cut long before Node's 300 s default.
pub const DEFAULT_BODY_TIMEOUT_MS: f64 = 10_000.0;
/// The largest of the time options.
const MAX_TIMEOUT_MS: f64 = 600_000.0;

/// A `createProxy` configuration, checked.
#[derive(Clone, PartialEq)]
pub struct ProxyConfig {
    pub api_key: String,
    /// Origin (and optional path prefix) of the service, no trailing slash.
    pub upstream: String,
    /// Where the proxy is mounted: `""` or a path like `/api/apiframe`.
    pub base_path: String,
    pub max_credits_per_job: Option<f64>,
    /// Exact origins (`https://app.example`) allowed to call cross-origin.
    pub allowed_origins: Vec<String>,
    pub max_body_bytes: usize,
    pub timeout_ms: f64,
    /// Host names (no port) the proxy answers for; `.example.com` also
    /// allows its subdomains. `None`: see [`host_allowed`].
    pub allowed_hosts: Option<Vec<String>>,
    pub hook_timeout_ms: f64,
    pub body_timeout_ms: f64,
}

impl core::fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("api_key", &"***")
            .field("upstream", &self.upstream)
            .field("base_path", &self.base_path)
            .finish()
    }
}

fn option_error(report: &mut Report, key: &str, message: impl Into<Text>) {
    report.push(cat(&["options.", key]), IssueCode::InvalidOption, message);
}

/// Reads `createProxy`'s options. `apiKey` is required. A bad option is
/// `INVALID_REQUEST` with an issue per problem, each with its path.
pub fn parse_proxy_options(options: &Value) -> Result<ProxyConfig, Error> {
    let mut report = Report::default();
    if !matches!(options, Value::Object(_)) {
        report.push("options", IssueCode::InvalidOption, "createProxy needs an options object with at least { apiKey }");
        return Err(Error::invalid(report));
    }
    let (api_key, upstream) = key_and_upstream(options, &mut report);
    let config = ProxyConfig {
        api_key: api_key.unwrap_or_default(),
        upstream: upstream.unwrap_or_default(),
        base_path: base_path_option(options, &mut report),
        max_credits_per_job: credits_option(options, &mut report),
        allowed_origins: list_option(options, "allowedOrigins", &mut report, |o| is_origin(o).then(|| o.to_string()), ORIGINS_WANTED)
            .unwrap_or_default(),
        max_body_bytes: body_bytes_option(options, &mut report),
        timeout_ms: time_option(options, "timeoutMs", DEFAULT_TIMEOUT_MS, &mut report),
        allowed_hosts: list_option(
            options,
            "allowedHosts",
            &mut report,
            |h| is_host_name(h.strip_prefix('.').unwrap_or(h)).then(|| h.to_ascii_lowercase()),
            HOSTS_WANTED,
        ),
        hook_timeout_ms: time_option(options, "hookTimeoutMs", DEFAULT_HOOK_TIMEOUT_MS, &mut report),
        body_timeout_ms: time_option(options, "bodyTimeoutMs", DEFAULT_BODY_TIMEOUT_MS, &mut report),
    };
    if report.ok() {
        Ok(config)
    } else {
        Err(Error::invalid(report))
    }
}

/// `apiKey` and `upstream`, checked as the client checks `apiKey` and
/// `baseUrl` (the upstream must be absolute).
fn key_and_upstream(options: &Value, report: &mut Report) -> (Option<String>, Option<String>) {
    let mut as_send = Vec::new();
    if let Some(k) = options.get("apiKey") {
        as_send.push((String::from("apiKey"), k.clone()));
    }
    if let Some(u) = options.get("upstream") {
        as_send.push((String::from("baseUrl"), u.clone()));
    }
    let send = match read_send_options(&Value::Object(as_send)) {
        Ok(send) => send,
        Err(r) => {
            for mut issue in r.errors {
                if issue.path == "options.baseUrl" {
                    issue.path = Text::Literal("options.upstream");
                }
                report.errors.push(issue);
            }
            return (None, None);
        }
    };
    if send.api_key.is_none() {
        option_error(
            report,
            "apiKey",
            "apiKey is required: the proxy adds it to every request it forwards (read it from the environment, never from the page)",
        );
    }
    if send.base_url.starts_with('/') {
        option_error(report, "upstream", "upstream must be an absolute http(s) URL such as https://api.apiframe.ai");
    }
    let upstream = if options.get("upstream").is_some() { send.base_url } else { DEFAULT_BASE_URL.to_string() };
    (send.api_key, Some(upstream))
}

fn base_path_option(options: &Value, report: &mut Report) -> String {
    match options.get("basePath") {
        None | Some(Value::Undefined | Value::Null) => String::new(),
        Some(Value::String(p)) if p.is_empty() || p == "/" => String::new(),
        Some(Value::String(p)) if is_plain_path(p) => p.trim_end_matches('/').to_string(),
        Some(_) => {
            option_error(report, "basePath", "basePath must be a path like /api/apiframe (letters, digits, - _ . / only, no .. or //)");
            String::new()
        }
    }
}

fn credits_option(options: &Value, report: &mut Report) -> Option<f64> {
    match options.get("maxCreditsPerJob") {
        None | Some(Value::Undefined | Value::Null) => None,
        Some(Value::Number(n)) if n.is_finite() && *n >= 0.0 => Some(*n),
        Some(_) => {
            option_error(report, "maxCreditsPerJob", "maxCreditsPerJob must be a number of credits, 0 or more");
            None
        }
    }
}

fn body_bytes_option(options: &Value, report: &mut Report) -> usize {
    match options.get("maxBodyBytes") {
        None | Some(Value::Undefined | Value::Null) => DEFAULT_MAX_BODY_BYTES,
        Some(Value::Number(n)) if n.fract() == 0.0 && *n >= 1.0 && *n <= MAX_MAX_BODY_BYTES as f64 => *n as usize,
        Some(_) => {
            option_error(
                report,
                "maxBodyBytes",
                cat(&["maxBodyBytes must be a whole number of bytes from 1 to ", &num(MAX_MAX_BODY_BYTES as u64)]),
            );
            DEFAULT_MAX_BODY_BYTES
        }
    }
}

/// What `allowedOrigins` and `allowedHosts` must be: (one item, the whole).
const ORIGINS_WANTED: (&str, &str) = (
    "allowedOrigins must list exact origins like https://app.example (scheme, host and port only; no wildcards)",
    "allowedOrigins must be an array of origins like https://app.example",
);
const HOSTS_WANTED: (&str, &str) = (
    "allowedHosts must list host names like app.example or .app.example (no scheme, no port)",
    "allowedHosts must be an array of host names like app.example",
);

/// A list of strings, each kept as `item` makes it (`None`: refused, with
/// `wanted.0`); `None` when absent, or not an array (refused, `wanted.1`).
fn list_option(
    options: &Value,
    key: &str,
    report: &mut Report,
    item: impl Fn(&str) -> Option<String>,
    wanted: (&'static str, &'static str),
) -> Option<Vec<String>> {
    match options.get(key) {
        None | Some(Value::Undefined | Value::Null) => None,
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for v in items {
                match v.as_str().and_then(&item) {
                    Some(kept) => out.push(kept),
                    None => option_error(report, key, wanted.0),
                }
            }
            Some(out)
        }
        Some(_) => {
            option_error(report, key, wanted.1);
            None
        }
    }
}

/// A time option in whole milliseconds from 1 to 600 000.
fn time_option(options: &Value, key: &'static str, default: f64, report: &mut Report) -> f64 {
    match options.get(key) {
        None | Some(Value::Undefined | Value::Null) => default,
        Some(Value::Number(n)) if n.fract() == 0.0 && *n >= 1.0 && *n <= MAX_TIMEOUT_MS => *n,
        Some(_) => {
            option_error(report, key, cat(&[key, " must be a whole number of milliseconds from 1 to 600000"]));
            default
        }
    }
}

/// `app.example`: letters, digits, `-` and `.`, at most 253.
fn is_host_name(h: &str) -> bool {
    !h.is_empty() && h.len() <= 253 && h.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
}

/// The host name of an authority (`host:port`, `[v6]:port`), lower-cased.
fn host_of(authority: &str) -> String {
    let host = match authority.strip_prefix('[') {
        Some(v6) => return v6.split(']').next().map(|h| cat(&["[", h, "]"])).unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host.to_ascii_lowercase()
}

/// A host no DNS answer can stand behind: an IP literal, or `localhost` and
/// its subdomains (which browsers resolve to loopback themselves).
fn is_literal_or_localhost(host: &str) -> bool {
    host.starts_with('[')
        || (!host.is_empty() && host.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        || host == "localhost"
        || host.ends_with(".localhost")
}

/// Whether the proxy answers a request addressed to `own_authority` (its
/// `Host`). The defence against DNS rebinding: a page on `evil.example`
/// whose name is made to point at 127.0.0.1 reaches a proxy on the owner's
/// machine with `Host: evil.example`, and its `Origin` then looks
/// same-origin. IP literals and `localhost` are always answered (no DNS
/// answer stands behind them). Other names:
/// - when `allowedHosts` is set, only those;
/// - else, when the request came in on a loopback address (`loopback`: the
///   node:http adapter knows its socket), none: a proxy on loopback is a
///   developer's, and only a rebinding page would name it otherwise;
/// - else all. A public proxy is reachable straight, with no browser and
///   no rebinding, so the name adds nothing there (`authorize` and the
///   origin check guard it); and a WHATWG handler cannot see its socket
///   (frameworks such as Next.js rebuild the URL), so a development server
///   reached through one should set `allowedHosts`.
pub fn host_allowed(config: &ProxyConfig, own_authority: &str, loopback: bool) -> bool {
    let host = host_of(own_authority);
    if is_literal_or_localhost(&host) {
        return true;
    }
    match &config.allowed_hosts {
        Some(list) => list.iter().any(|h| *h == host || (h.starts_with('.') && (host.ends_with(h.as_str()) || h.get(1..) == Some(&host)))),
        None => !loopback,
    }
}

/// `/a/b-c_d.e`: no `..`, no `//`, no escapes.
fn is_plain_path(p: &str) -> bool {
    p.starts_with('/')
        && find_bytes(p.as_bytes(), b"//").is_none()
        && !p.split('/').any(|seg| seg == ".." || seg == ".")
        && p.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.'))
}

/// What follows `https://` or `http://` in an origin (its host and port),
/// or `None` for any other scheme.
fn authority(origin: &str) -> Option<&str> {
    origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"))
}

/// `scheme://host[:port]` with nothing after it.
fn is_origin(o: &str) -> bool {
    let Some(rest) = authority(o) else { return false };
    !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

/// What to do with one incoming request.
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    /// Validate, price and forward the body to `POST /v2/videos/generate`.
    Generate,
    /// Forward to `GET /v2/jobs/{id}`.
    Job(String),
    /// A CORS preflight from an allowed origin: answer `204` with its headers.
    Preflight,
    /// Answer locally.
    Refuse(Refusal),
}

/// A local answer, in the service's error shape: what the proxy says to
/// its caller (a status and a body), not a failure of the package, so not
/// an [`Error`].
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub status: u16,
    /// JSON text.
    pub body: String,
    /// The `Allow` header of a `405`.
    pub allow: Option<&'static str>,
}

impl Refusal {
    pub fn new(status: u16, error: &str) -> Refusal {
        let body = Value::Object(vec![(String::from("error"), Value::String(error.to_string()))]).to_json();
        Refusal { status, body, allow: None }
    }
}

/// Whether `origin` (an `Origin` header, if any) may call: same-origin
/// requests and listed origins only. Same-origin means the `Origin`'s
/// host and port are the request's own (`own_authority`: its `Host`
/// header, else its URL's): behind a TLS-terminating load balancer the
/// proxy sees `http:` while the page's origin is `https:`. Only browsers
/// send `Origin`, and a cross-site page's is its own site, which never
/// matches (a browser sets `Host` and `Origin` itself).
pub fn origin_allowed(config: &ProxyConfig, origin: Option<&str>, own_authority: &str) -> bool {
    match origin {
        None => true,
        Some(o) => {
            authority(o).is_some_and(|a| !a.is_empty() && a.eq_ignore_ascii_case(own_authority))
                || config.allowed_origins.iter().any(|a| a == o)
        }
    }
}

/// Whether the caller is on another origin (so CORS headers are due).
pub fn is_cross_origin(origin: Option<&str>, own_authority: &str) -> bool {
    origin.is_some_and(|o| !authority(o).is_some_and(|a| a.eq_ignore_ascii_case(own_authority)))
}

/// Decides what `method path` gets. `path` is the URL's path, as received
/// (already normalised by the URL parser; no query).
pub fn route(config: &ProxyConfig, method: &str, path: &str, origin_ok: bool) -> Route {
    if !origin_ok {
        return Route::Refuse(Refusal::new(403, "this origin may not call this API (see createProxy's allowedOrigins)"));
    }
    let Some(rest) = path.strip_prefix(config.base_path.as_str()) else {
        return Route::Refuse(Refusal::new(404, "not found"));
    };
    let (route, allow) = if rest == GENERATE_PATH {
        (Route::Generate, "POST")
    } else if let Some(id) = rest.strip_prefix(JOBS_PATH).filter(|id| is_uuid(id)) {
        (Route::Job(id.to_string()), "GET")
    } else {
        return Route::Refuse(Refusal::new(404, "not found: this proxy forwards only POST /v2/videos/generate and GET /v2/jobs/{id}"));
    };
    match method {
        "OPTIONS" => Route::Preflight,
        m if m == allow => route,
        "HEAD" if allow == "GET" => route,
        _ => Route::Refuse(Refusal { allow: Some(allow), ..Refusal::new(405, "method not allowed") }),
    }
}

/// The local `400` for an invalid body: `{ error, details: { path: [messages] } }`.
pub fn invalid_body(report: &Report) -> Refusal {
    let mut details: Vec<(String, Value)> = Vec::new();
    for issue in &report.errors {
        let message = Value::String(String::from(issue.message.as_str()));
        match details.iter_mut().find(|(p, _)| issue.path == p.as_str()) {
            Some((_, Value::Array(list))) => list.push(message),
            _ => details.push((String::from(issue.path.as_str()), Value::Array(vec![message]))),
        }
    }
    let body = Value::Object(vec![
        (String::from("error"), Value::String(String::from("Validation failed"))),
        (String::from("details"), Value::Object(details)),
    ]);
    Refusal { status: 400, body: body.to_json(), allow: None }
}

/// The local `402` for a job over the owner's cap.
pub fn over_cap(estimate: &Estimate, cap: f64) -> Refusal {
    let cap = cap.max(0.0) as u64;
    let body = Value::Object(vec![
        (
            String::from("error"),
            Value::String(cat(&[
                "this request would cost ",
                &num(estimate.credits.into()),
                " credits; this server allows at most ",
                &num(cap),
                " per job",
            ])),
        ),
        (String::from("creditsRequired"), Value::Number(estimate.credits.into())),
        (String::from("maxCreditsPerJob"), Value::Number(cap as f64)),
    ]);
    Refusal { status: 402, body: body.to_json(), allow: None }
}

/// Whether any object in `v` has a key twice: JSON parsers disagree on
/// which copy wins, so such a body is refused rather than re-sent.
pub fn has_duplicate_keys(v: &Value) -> bool {
    match v {
        Value::Object(props) => {
            props.iter().enumerate().any(|(i, (k, _))| props.iter().take(i).any(|(earlier, _)| earlier == k))
                || props.iter().any(|(_, v)| has_duplicate_keys(v))
        }
        Value::Array(items) => items.iter().any(has_duplicate_keys),
        _ => false,
    }
}

/// Response headers passed back to the caller. `date` is the service's:
/// the client dates a job's age by it against `createdAt` (both on the
/// service's clock), so the proxy's own clock must not stand in for it.
pub const PASSED_BACK_HEADERS: &[&str] = &["content-type", "retry-after", "x-request-id", "date"];

/// Whether a header value may be forwarded: visible ASCII and inner spaces
/// only (no CR, LF or NUL).
pub fn header_value_ok(v: &str) -> bool {
    v.len() <= 1024 && v.bytes().all(|b| (0x20..0x7f).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::testing::value;
    use serde_json::json;

    fn config() -> ProxyConfig {
        parse_proxy_options(&value(&json!({"apiKey": "afk_k", "basePath": "/api/apiframe/"}))).unwrap()
    }

    const ID: &str = "0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c";

    #[test]
    fn a_rebinding_host_name_is_refused_on_loopback_unless_listed() {
        let open = config();
        for own in ["127.0.0.1:8787", "localhost:3000", "app.localhost", "[::1]:8080", "10.0.0.5"] {
            assert!(host_allowed(&open, own, true), "{own}");
        }
        assert!(!host_allowed(&open, "evil.example:8787", true), "the rebinding shape on loopback");
        assert!(host_allowed(&open, "app.example", false), "a public proxy answers its own name");
        let listed = parse_proxy_options(&value(&json!({"apiKey": "afk_k", "allowedHosts": ["App.Example", ".dev.example"]}))).unwrap();
        for own in ["app.example", "APP.example:443", "dev.example", "a.dev.example:5173", "localhost"] {
            assert!(host_allowed(&listed, own, true) && host_allowed(&listed, own, false), "{own}");
        }
        for own in ["evil.example", "app.example.evil", "xdev.example", "evil.example:443"] {
            assert!(!host_allowed(&listed, own, false), "{own}");
        }
    }

    #[test]
    fn host_and_time_options_are_checked() {
        for bad in [
            json!({"allowedHosts": "app.example"}),
            json!({"allowedHosts": ["https://app.example"]}),
            json!({"hookTimeoutMs": 0}),
            json!({"bodyTimeoutMs": 1.5}),
        ] {
            let mut o = bad.clone();
            o["apiKey"] = json!("afk_k");
            assert!(parse_proxy_options(&value(&o)).is_err(), "{bad}");
        }
        let c = config();
        assert_eq!((c.allowed_hosts, c.hook_timeout_ms, c.body_timeout_ms), (None, 10_000.0, 10_000.0));
    }

    #[test]
    fn the_default_body_limit_holds_twice_the_largest_valid_request() {
        let spec = &crate::core::spec::HAPPYHORSE_11;
        let url = cat(&["https://cdn.example/", &"a".repeat(2_000 - 20)]);
        let request = json!({
            "prompt": "\u{4e2d}".repeat(spec.prompt_max_utf16),
            "happyhorse11Params": { "images": vec![url; spec.images_max], "resolution": "1080p", "duration": spec.duration_max, "seed": spec.seed_max },
            "webhookUrl": "https://hooks.example/happyhorse",
            "webhookEvents": spec.webhook_events,
        });
        assert!(crate::core::validate(&value(&request)).ok());
        let body = crate::core::request::wire_body(&value(&request)).to_json();
        assert!(body.len() * 2 <= DEFAULT_MAX_BODY_BYTES, "{} bytes", body.len());
    }

    #[test]
    fn options_need_a_key_and_have_defaults() {
        let r = parse_proxy_options(&value(&json!({}))).unwrap_err();
        assert_eq!(r.issues[0].path, "options.apiKey");
        let c = config();
        assert_eq!(
            (c.upstream.as_str(), c.base_path.as_str(), c.max_body_bytes, c.timeout_ms),
            ("https://api.apiframe.ai", "/api/apiframe", 65536, 30000.0)
        );
        assert!(c.allowed_origins.is_empty());
        assert!(!format!("{c:?}").contains("afk_k"));
        for bad in [
            json!({"apiKey": "k", "upstream": "/relative"}),
            json!({"apiKey": "k", "upstream": "http://u:p@h"}),
            json!({"apiKey": "k", "basePath": "/a/../b"}),
            json!({"apiKey": "k", "allowedOrigins": ["*"]}),
            json!({"apiKey": "k", "maxBodyBytes": 0}),
        ] {
            assert!(parse_proxy_options(&value(&bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_two_routes_reach_upstream() {
        let c = config();
        assert_eq!(route(&c, "POST", "/api/apiframe/v2/videos/generate", true), Route::Generate);
        assert_eq!(route(&c, "GET", &cat(&["/api/apiframe/v2/jobs/", ID]), true), Route::Job(ID.to_string()));
        for (method, path, status) in [
            ("GET", "/api/apiframe/v2/me", 404),
            ("POST", "/api/apiframe/v2/images/generate", 404),
            ("DELETE", "/api/apiframe/v2/assets/abc", 404),
            ("GET", "/api/apiframe/v2/jobs/..", 404),
            ("GET", "/api/apiframe/v2/jobs/", 404),
            ("GET", "/v2/videos/generate", 404),
            ("GET", "/api/apiframe/v2/videos/generate", 405),
            ("DELETE", &cat(&["/api/apiframe/v2/jobs/", ID]), 405),
        ] {
            match route(&c, method, path, true) {
                Route::Refuse(r) => assert_eq!(r.status, status, "{method} {path}"),
                other => panic!("{method} {path}: {other:?}"),
            }
        }
        assert!(matches!(route(&c, "POST", "/api/apiframe/v2/videos/generate", false), Route::Refuse(Refusal { status: 403, .. })));
    }

    #[test]
    fn origins_are_never_reflected_unless_listed() {
        let mut c = config();
        assert!(origin_allowed(&c, None, "localhost:3000"));
        assert!(origin_allowed(&c, Some("http://localhost:3000"), "localhost:3000"));
        assert!(origin_allowed(&c, Some("https://localhost:3000"), "localhost:3000"));
        assert!(!origin_allowed(&c, Some("https://evil.example"), "localhost:3000"));
        assert!(!origin_allowed(&c, Some("null"), "localhost:3000"));
        assert!(!is_cross_origin(Some("https://localhost:3000"), "localhost:3000"));
        assert!(is_cross_origin(Some("https://app.example"), "localhost:3000"));
        c.allowed_origins.push(String::from("https://app.example"));
        assert!(origin_allowed(&c, Some("https://app.example"), "localhost:3000"));
    }

    #[test]
    fn refusals_use_the_service_shape() {
        let mut r = Report::default();
        r.push("prompt", IssueCode::PromptEmpty, "empty");
        r.push("prompt", IssueCode::PromptTooLong, "long");
        let body: serde_json::Value = serde_json::from_str(&invalid_body(&r).body).unwrap();
        assert_eq!(body, json!({"error": "Validation failed", "details": {"prompt": ["empty", "long"]}}));
        let e = crate::core::estimate(&value(&json!({"prompt": "x", "happyhorse11Params": {"duration": 10}}))).unwrap();
        let body: serde_json::Value = serde_json::from_str(&over_cap(&e, 200.0).body).unwrap();
        assert_eq!((body["creditsRequired"].as_u64(), body["maxCreditsPerJob"].as_u64()), (Some(310), Some(200)));
    }

    #[test]
    fn duplicate_keys_are_found_at_any_depth() {
        let v = crate::core::json::parse(r#"{"prompt":"a","happyhorse11Params":{"duration":5,"duration":15}}"#).unwrap();
        assert!(has_duplicate_keys(&v));
        assert!(!has_duplicate_keys(&crate::core::json::parse(r#"{"prompt":"a"}"#).unwrap()));
        assert!(!header_value_ok("a\r\nSet-Cookie: x"));
    }
}
