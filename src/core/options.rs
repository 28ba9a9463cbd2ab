//! Options a caller passes with a request (`apiKey`, `baseUrl`,
//! `idempotencyKey`), read from any value and checked like the request, so
//! a bad option is an issue with a path instead of a failed `fetch` later.
//!
//! The API key is a secret: no message, `Debug` output or issue ever
//! contains it.

use crate::core::error::Error;
use crate::core::issue::{IssueCode, Report};
use crate::core::spec::{DEFAULT_BASE_URL, IDEMPOTENCY_KEY_MAX};
use crate::core::text::{cat, find_bytes, num, utf16_len};
use crate::core::url;
use crate::core::value::Value;

/// Where and how to send requests.
#[derive(Clone, PartialEq, Default)]
pub struct SendOptions {
    /// Sent as `X-API-Key` when set. Usually unset in a page, whose own
    /// backend (at `base_url`) adds the key.
    pub api_key: Option<String>,
    /// Origin (and optional path prefix) without a trailing slash:
    /// `https://api.apiframe.ai`, `https://example.com/apiframe`, or a
    /// same-origin path such as `/api/apiframe`.
    pub base_url: String,
    pub idempotency_key: Option<String>,
}

impl core::fmt::Debug for SendOptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SendOptions")
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("base_url", &self.base_url)
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

/// Length in UTF-16 units of a string value, copied or not.
fn string_units(v: &Value) -> usize {
    match v {
        Value::String(s) => utf16_len(s),
        Value::Unread { utf16_len } => *utf16_len,
        _ => 0,
    }
}

/// Characters allowed in a header value we send: visible ASCII and inner
/// spaces (anything else makes `fetch` throw).
fn header_safe(s: &str) -> bool {
    !s.starts_with(' ') && !s.ends_with(' ') && s.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Whether `k` is an `Idempotency-Key` the service takes: 1 to 255 UTF-16
/// units of visible ASCII (what the client sends, and what `createProxy`
/// passes on).
pub(crate) fn idempotency_key_ok(k: &str) -> bool {
    !k.is_empty() && utf16_len(k) <= IDEMPOTENCY_KEY_MAX && header_safe(k)
}

/// Reads the send options from `options` (`undefined`/`null` mean none);
/// unknown keys are left alone so one options object can also carry the
/// client's own settings. A bad option is `INVALID_REQUEST` with an issue
/// per problem.
pub fn parse_send_options(options: &Value) -> Result<SendOptions, Error> {
    read_send_options(options).map_err(Error::invalid)
}

/// [`parse_send_options`], its problems as a report, for callers that
/// gather them with others (a client's options, a request and its key).
pub(crate) fn read_send_options(options: &Value) -> Result<SendOptions, Report> {
    let mut report = Report::default();
    let mut out = SendOptions { base_url: DEFAULT_BASE_URL.to_string(), ..SendOptions::default() };
    match options {
        Value::Undefined | Value::Null | Value::Object(_) => {}
        other => {
            report.push("options", IssueCode::InvalidOption, cat(&["options must be an object, got ", other.kind()]));
            return Err(report);
        }
    }
    match options.get("apiKey") {
        None | Some(Value::Undefined | Value::Null) => {}
        Some(Value::String(k)) if k.is_empty() => {}
        Some(Value::String(k)) if header_safe(k) => out.api_key = Some(k.clone()),
        Some(Value::Unread { .. }) => report.push("options.apiKey", IssueCode::InvalidOption, "the API key is far too long to be one"),
        Some(Value::String(_)) => report.push(
            "options.apiKey",
            IssueCode::InvalidOption,
            "the API key contains characters an HTTP header cannot carry (check for a stray newline or quote)",
        ),
        Some(other) => report.push("options.apiKey", IssueCode::InvalidOption, cat(&["apiKey must be a string, got ", other.kind()])),
    }
    match options.get("baseUrl") {
        None | Some(Value::Undefined | Value::Null) => {}
        Some(Value::String(b)) => match check_base_url(b) {
            Some(base) => out.base_url = base,
            // Credentials in a URL are never quoted back: messages end up in logs.
            None if has_userinfo(b) => report.push(
                "options.baseUrl",
                IssueCode::InvalidOption,
                "baseUrl must not carry credentials (a user name or password before an @): they would travel with every request. Send the key as apiKey, or let your backend add it",
            ),
            None => report.push(
                "options.baseUrl",
                IssueCode::InvalidOption,
                cat(&[
                    "baseUrl must be an http(s) URL such as https://api.apiframe.ai, or a path on this site such as /api; got ",
                    &crate::core::text::quoted(b),
                ]),
            ),
        },
        Some(Value::Unread { .. }) => report.push("options.baseUrl", IssueCode::InvalidOption, "baseUrl is far too long to be a URL"),
        Some(other) => report.push("options.baseUrl", IssueCode::InvalidOption, cat(&["baseUrl must be a string, got ", other.kind()])),
    }
    match options.get("idempotencyKey") {
        None | Some(Value::Undefined | Value::Null) => {}
        // Counted in UTF-16 units, like every length the service checks.
        Some(v @ (Value::String(_) | Value::Unread { .. })) if string_units(v) > IDEMPOTENCY_KEY_MAX => report.push(
            "options.idempotencyKey",
            IssueCode::IdempotencyKeyTooLong,
            cat(&[
                "the idempotency key is ",
                &num(string_units(v) as u64),
                " characters long; the service allows at most ",
                &num(IDEMPOTENCY_KEY_MAX as u64),
            ]),
        ),
        Some(Value::String(k)) if idempotency_key_ok(k) => out.idempotency_key = Some(k.clone()),
        Some(Value::String(_)) => report.push(
            "options.idempotencyKey",
            IssueCode::InvalidOption,
            "the idempotency key must be non-empty visible ASCII (a UUID is ideal)",
        ),
        Some(other) => {
            report.push("options.idempotencyKey", IssueCode::InvalidOption, cat(&["idempotencyKey must be a string, got ", other.kind()]))
        }
    }
    if report.ok() {
        Ok(out)
    } else {
        Err(report)
    }
}

/// The base URL without trailing slashes, if it is an absolute http(s) URL
/// with a host and no credentials, or a same-origin absolute path.
fn check_base_url(b: &str) -> Option<String> {
    let trimmed = b.trim_end_matches('/');
    if b.starts_with('/') && !b.starts_with("//") {
        return (header_safe(b) && !b.contains('?') && !b.contains('#')).then(|| trimmed.to_string());
    }
    let uri = url::parse(b).ok()?;
    (uri.is_web() && !has_userinfo(b) && !b.contains('?') && !b.contains('#')).then(|| trimmed.to_string())
}

/// Whether the authority of `b` (between `//` and the next `/`) has an `@`.
fn has_userinfo(b: &str) -> bool {
    let bytes = b.as_bytes();
    let Some(start) = find_bytes(bytes, b"//") else { return false };
    bytes.iter().skip(start + 2).take_while(|c| !matches!(c, b'/' | b'?' | b'#')).any(|c| *c == b'@')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::testing::value;
    use serde_json::json;

    #[test]
    fn defaults_to_the_production_origin_without_a_key() {
        let o = read_send_options(&Value::Undefined).unwrap();
        assert_eq!(o.base_url, "https://api.apiframe.ai");
        assert_eq!(o.api_key, None);
        assert_eq!(read_send_options(&value(&json!({"apiKey": ""}))).unwrap().api_key, None);
    }

    #[test]
    fn accepts_proxies_and_trims_slashes() {
        for (given, kept) in [
            ("https://example.com/apiframe/", "https://example.com/apiframe"),
            ("/api/", "/api"),
            ("http://127.0.0.1:8787", "http://127.0.0.1:8787"),
        ] {
            assert_eq!(read_send_options(&value(&json!({"baseUrl": given}))).unwrap().base_url, kept);
        }
        for bad in ["ftp://x", "api.apiframe.ai", "//evil.example", "https://x/?a=1", "", "/api?x=1"] {
            let r = read_send_options(&value(&json!({"baseUrl": bad}))).unwrap_err();
            assert_eq!(r.errors[0].path, "options.baseUrl", "{bad}");
        }
    }

    #[test]
    fn idempotency_key_over_255_is_an_error() {
        let r = read_send_options(&value(&json!({"idempotencyKey": "k".repeat(256)}))).unwrap_err();
        assert_eq!(r.error_codes(), ["IDEMPOTENCY_KEY_TOO_LONG"]);
        assert!(read_send_options(&value(&json!({"idempotencyKey": "k".repeat(255)}))).is_ok());
        let r = read_send_options(&value(&json!({"idempotencyKey": "a\nb"}))).unwrap_err();
        assert_eq!(r.error_codes(), ["INVALID_OPTION"]);
    }

    #[test]
    fn credentials_in_base_url_are_refused_and_never_echoed() {
        for bad in ["http://user:s3cr3t@127.0.0.1:8787", "https://s3cr3t@api.apiframe.ai/x", "https://u:s3cr3t@h"] {
            let r = read_send_options(&value(&json!({"baseUrl": bad}))).unwrap_err();
            assert_eq!(r.errors[0].path, "options.baseUrl");
            assert!(!r.errors[0].message.contains("s3cr3t"), "{}", r.errors[0].message);
        }
        assert!(read_send_options(&value(&json!({"baseUrl": "https://h/a@b"}))).is_ok());
    }

    #[test]
    fn the_key_never_shows_in_errors_or_debug() {
        let secret = "afk_live_secret\n";
        let r = read_send_options(&value(&json!({"apiKey": secret}))).unwrap_err();
        assert!(!r.errors[0].message.contains("afk_live_secret"));
        let o = read_send_options(&value(&json!({"apiKey": "afk_live_secret"}))).unwrap();
        assert!(!format!("{o:?}").contains("afk_live_secret"));
    }

    #[test]
    fn wrong_types_name_the_option() {
        let r = read_send_options(&value(&json!({"apiKey": 5, "baseUrl": [], "idempotencyKey": true}))).unwrap_err();
        let paths: Vec<_> = r.errors.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["options.apiKey", "options.baseUrl", "options.idempotencyKey"]);
        assert_eq!(read_send_options(&value(&json!(3))).unwrap_err().errors[0].path, "options");
    }
}
