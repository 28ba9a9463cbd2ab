//! Builds the exact HTTP request for a submission: method, URL, headers
//! and JSON body. Pure: the caller supplies the fallback idempotency key,
//! so tests are deterministic and the wasm layer brings the randomness.

use crate::core::error::Error;
use crate::core::issue::Report;
use crate::core::options::{read_send_options, SendOptions};
use crate::core::spec::{GENERATE_PATH, HAPPYHORSE_11};
use crate::core::text::cat;
use crate::core::validate::validate;
use crate::core::value::Value;

/// A request ready for `fetch`.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    /// In sending order; `X-API-Key` only when a key was given.
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

/// `{ method, url, headers: { name: value }, body }` (the `HttpRequest`
/// TypeScript type).
impl serde::Serialize for HttpRequest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Headers<'a>(&'a [(&'static str, String)]);
        impl serde::Serialize for Headers<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.iter().map(|(k, v)| (*k, v)))
            }
        }
        let mut r = s.serialize_struct("HttpRequest", 4)?;
        r.serialize_field("method", self.method)?;
        r.serialize_field("url", &self.url)?;
        r.serialize_field("headers", &Headers(&self.headers))?;
        r.serialize_field("body", &self.body)?;
        r.end()
    }
}

impl core::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let headers: Vec<(&str, &str)> =
            self.headers.iter().map(|(k, v)| (*k, if *k == "X-API-Key" { "***" } else { v.as_str() })).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

/// Validates `request` and `options` and builds the submission. Every
/// request built carries `model` and an `Idempotency-Key` (the caller's, or
/// `fallback_key`), so resending the same `HttpRequest` can never create a
/// second job.
pub fn build_request(request: &Value, options: &Value, fallback_key: &str) -> Result<HttpRequest, Error> {
    let report = validate(request);
    let opts = read_send_options(options);
    match (report.ok(), opts) {
        (true, Ok(opts)) => Ok(assemble(request, &opts, fallback_key)),
        (_, opts) => {
            let mut errors = report.errors;
            if let Err(r) = opts {
                errors.extend(r.errors);
            }
            Err(Error::invalid(Report { mode: report.mode, errors, warnings: report.warnings }))
        }
    }
}

/// Builds the request from an already validated body and options.
pub(crate) fn assemble(request: &Value, opts: &SendOptions, fallback_key: &str) -> HttpRequest {
    let key = opts.idempotency_key.as_deref().unwrap_or(fallback_key);
    HttpRequest {
        method: "POST",
        url: cat(&[&opts.base_url, GENERATE_PATH]),
        headers: service_headers(opts.api_key.as_deref(), true, Some(key)),
        body: wire_body(request).to_json(),
    }
}

/// The headers of every request sent to the service, or to a proxy in front
/// of it, in sending order: the one place they are written, for
/// `buildRequest`, the client's submits and polls, and `createProxy`'s
/// upstream calls. A submission (`submit`) carries a JSON body; the client
/// always gives it an idempotency key, a proxy passes on the caller's if
/// any. `X-API-Key` only when there is a key.
pub(crate) fn service_headers(api_key: Option<&str>, submit: bool, idempotency_key: Option<&str>) -> Vec<(&'static str, String)> {
    let mut headers = vec![("Accept", String::from("application/json"))];
    if submit {
        headers.push(("Content-Type", String::from("application/json")));
    }
    if let Some(key) = api_key {
        headers.push(("X-API-Key", key.to_string()));
    }
    if let Some(key) = idempotency_key {
        headers.push(("Idempotency-Key", key.to_string()));
    }
    headers
}

/// The body as sent: the caller's fields in their order, with `model`
/// added in front when it was left out.
pub(crate) fn wire_body(request: &Value) -> Value {
    match request {
        Value::Object(props) if request.get("model").is_none() => {
            let mut with_model = Vec::with_capacity(props.len() + 1);
            with_model.push((String::from("model"), Value::String(HAPPYHORSE_11.model.to_string())));
            with_model.extend(props.iter().cloned());
            Value::Object(with_model)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::testing::value;
    use serde_json::json;

    fn build(req: serde_json::Value, opts: serde_json::Value) -> Result<HttpRequest, Error> {
        build_request(&value(&req), &value(&opts), "fallback-key")
    }

    #[test]
    fn builds_url_headers_and_body_with_model() {
        let r = build(json!({"prompt": "a horse", "happyhorse11Params": {"duration": 10}}), json!({"apiKey": "afk_test"})).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "https://api.apiframe.ai/v2/videos/generate");
        assert_eq!(
            r.headers,
            vec![
                ("Accept", "application/json".into()),
                ("Content-Type", "application/json".into()),
                ("X-API-Key", "afk_test".into()),
                ("Idempotency-Key", "fallback-key".into())
            ]
        );
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body, json!({"model": "happyhorse-1.1", "prompt": "a horse", "happyhorse11Params": {"duration": 10}}));
    }

    #[test]
    fn a_poll_asks_for_json_and_carries_no_body_headers() {
        assert_eq!(service_headers(None, false, None), vec![("Accept", String::from("application/json"))]);
        let proxied = service_headers(Some("afk"), true, None);
        assert_eq!(proxied.iter().map(|(k, _)| *k).collect::<Vec<_>>(), ["Accept", "Content-Type", "X-API-Key"]);
    }

    #[test]
    fn no_key_no_key_header_and_callers_idempotency_key_wins() {
        let r = build(json!({"prompt": "x", "model": "happyhorse-1.1"}), json!({"baseUrl": "/api", "idempotencyKey": "mine"})).unwrap();
        assert_eq!(r.url, "/api/v2/videos/generate");
        assert!(r.headers.iter().all(|(k, _)| *k != "X-API-Key"));
        assert!(r.headers.contains(&("Idempotency-Key", "mine".into())));
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body, json!({"prompt": "x", "model": "happyhorse-1.1"}));
        // The caller's field order is kept and `model` is not added twice.
        let ordered =
            Value::Object(vec![("prompt".into(), Value::String("x".into())), ("model".into(), Value::String("happyhorse-1.1".into()))]);
        assert_eq!(wire_body(&ordered).to_json(), r#"{"prompt":"x","model":"happyhorse-1.1"}"#);
    }

    #[test]
    fn refuses_invalid_requests_with_validates_errors_and_option_errors() {
        let req = json!({"prompt": "", "happyhorse11Params": {"duration": 99}});
        let err = build(req.clone(), json!({"idempotencyKey": "k".repeat(300)})).unwrap_err();
        let expected = validate(&value(&req));
        assert_eq!(&err.issues[..2], &expected.errors[..]);
        assert_eq!(err.issues[2].code.as_str(), "IDEMPOTENCY_KEY_TOO_LONG");
    }

    #[test]
    fn debug_masks_the_api_key() {
        let r = build(json!({"prompt": "x"}), json!({"apiKey": "afk_secret_123"})).unwrap();
        let shown = format!("{r:?}");
        assert!(!shown.contains("afk_secret_123"));
        assert!(shown.contains("***"));
    }
}
