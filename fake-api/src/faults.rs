//! Faults a test switches on: `POST /__fake/faults` queues one; the next
//! matching request(s) get it instead of (or after) the normal answer.
//!
//! `{"route": "generate"|"jobs"|"any", "kind": ..., "count": 1, ...}` with
//! kinds:
//! - `status`: answer `status` (e.g. 429, 402, 500, 503) with `body` or a
//!   fitting error envelope, and `retryAfter` as `Retry-After` when given
//!   (any one-line text or number: a value with CR, LF, NUL or another
//!   control character is refused with 400, never written as a header);
//! - `drop`: close the connection without answering, doing nothing;
//! - `drop-after`: do the work (a submit creates its job), then close the
//!   connection without answering — "the answer was lost";
//! - `slow`: wait `delayMs`, then answer normally;
//! - `malformed`: answer 200/202 with a JSON body of the wrong shape;
//! - `wrong-id` (jobs): answer 200 with a job whose `id` is another job's;
//! - `no-url` (jobs): answer 200 with the asked job COMPLETED, `result: null`
//!   and `expired: false`;
//! - `nonjson`: answer 200/202 with a body that is not JSON.
//!
//! Hostile kinds, for what a client must survive from a server it does not
//! control (a compromised host, a misconfigured proxy):
//! - `redirect`: answer `status` (301, 302, 303, 307 or 308; default 307)
//!   with `Location: <location>` (required, one line; usually another origin) and a
//!   small JSON body — a client that follows it hands its key, body and
//!   Idempotency-Key to whoever the server names;
//! - `huge`: answer 200/202 with a well-formed job JSON padded to `bytes`
//!   bytes (default 160 MiB), with `Content-Length`, or with chunked
//!   transfer encoding and no length when `chunked: true` — a client that
//!   reads a whole body before looking at its size runs out of memory;
//! - `endless`: send 200/202 and its headers, then one space of (chunked)
//!   body every `intervalMs` (default 100) until the client hangs up — only
//!   a timeout that covers reading the body ends it;
//! - `echo-key`: answer `status` (default 401) with
//!   `{"error": "invalid API key: <the X-API-Key received>"}` and the same
//!   text in an `x-debug` header — a client that quotes server text in its
//!   errors leaks the key into logs. `form` spells the key another way a
//!   reader could undo: `plain` (default), `upper`, `lower`, `percent`
//!   (every byte `%XX`), `json-escape` (every character `\u00XX` in the JSON
//!   text), `base64` or `base64url`.
//!
//! `huge` and `endless` are streamed (see `stream.rs`): the fake's memory
//! stays flat whatever their size or duration.

use serde_json::Value;

use crate::http::is_field_value;

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Status {
        status: u16,
        body: Option<Value>,
        retry_after: Option<String>,
    },
    Drop,
    DropAfter,
    Slow {
        delay_ms: u64,
    },
    Malformed,
    NonJson,
    Redirect {
        status: u16,
        location: String,
    },
    Huge {
        bytes: u64,
        chunked: bool,
    },
    Endless {
        interval_ms: u64,
    },
    EchoKey {
        status: u16,
        form: EchoForm,
    },
    /// A job answer about another job than the one asked for.
    WrongId,
    /// A COMPLETED job answer that names no video (and is not `expired`).
    NoUrl,
}

/// How `echo-key` spells the key it received.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EchoForm {
    Plain,
    Upper,
    Lower,
    Percent,
    JsonEscape,
    Base64,
    Base64Url,
}

impl EchoForm {
    fn parse(name: &str) -> Option<EchoForm> {
        Some(match name {
            "plain" => EchoForm::Plain,
            "upper" => EchoForm::Upper,
            "lower" => EchoForm::Lower,
            "percent" => EchoForm::Percent,
            "json-escape" => EchoForm::JsonEscape,
            "base64" => EchoForm::Base64,
            "base64url" => EchoForm::Base64Url,
            _ => return None,
        })
    }

    /// `key` spelled this way (JSON escapes are spelled out in the text,
    /// so the body is written as is, not re-serialized).
    pub fn spell(self, key: &str) -> String {
        const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let base64 = |alphabet: &[u8; 64]| {
            let mut out = String::new();
            for group in key.as_bytes().chunks(3) {
                let n = group.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
                for (k, shift) in [18, 12, 6, 0].into_iter().enumerate() {
                    if k <= group.len() {
                        out.push(alphabet[((n >> shift) & 63) as usize] as char);
                    }
                }
            }
            out
        };
        match self {
            EchoForm::Plain => key.to_string(),
            EchoForm::Upper => key.to_uppercase(),
            EchoForm::Lower => key.to_lowercase(),
            EchoForm::Percent => key.bytes().map(|b| format!("%{b:02X}")).collect(),
            EchoForm::JsonEscape => key.chars().map(|c| format!("\\u{:04x}", c as u32)).collect(),
            EchoForm::Base64 => base64(STD),
            EchoForm::Base64Url => base64(URL),
        }
    }
}

/// 160 MiB: far past any sane cap on a JSON answer.
pub const HUGE_DEFAULT_BYTES: u64 = 160 << 20;

#[derive(Clone, Debug)]
pub struct Fault {
    pub route: String,
    pub kind: Kind,
    pub remaining: u32,
}

pub fn parse(v: &Value) -> Result<Fault, String> {
    let route = v.get("route").and_then(Value::as_str).unwrap_or("any").to_string();
    if !matches!(route.as_str(), "generate" | "jobs" | "any") {
        return Err(format!("route must be generate, jobs or any, got {route}"));
    }
    let count = v.get("count").and_then(Value::as_u64).unwrap_or(1).max(1) as u32;
    let kind = match v.get("kind").and_then(Value::as_str).unwrap_or("") {
        "status" => Kind::Status {
            status: v.get("status").and_then(Value::as_u64).filter(|s| (100..600).contains(s)).ok_or("status needs a status code")? as u16,
            body: v.get("body").cloned(),
            retry_after: match v.get("retryAfter").map(|r| r.as_str().map_or_else(|| r.to_string(), str::to_string)) {
                Some(r) if !is_field_value(&r) => {
                    return Err("retryAfter must be one line: no CR, LF, NUL or other control characters".into())
                }
                r => r,
            },
        },
        "drop" => Kind::Drop,
        "drop-after" => Kind::DropAfter,
        "slow" => Kind::Slow { delay_ms: v.get("delayMs").and_then(Value::as_u64).unwrap_or(1000) },
        "malformed" => Kind::Malformed,
        "wrong-id" => Kind::WrongId,
        "no-url" => Kind::NoUrl,
        "nonjson" => Kind::NonJson,
        "redirect" => Kind::Redirect {
            status: match v.get("status").map(Value::as_u64) {
                None => 307,
                Some(Some(s @ (301 | 302 | 303 | 307 | 308))) => s as u16,
                Some(_) => return Err("redirect status must be 301, 302, 303, 307 or 308".into()),
            },
            location: v
                .get("location")
                .and_then(Value::as_str)
                .filter(|l| !l.is_empty() && is_field_value(l))
                .ok_or("redirect needs a location (one line: no CR, LF, NUL or other control characters)")?
                .to_string(),
        },
        "huge" => Kind::Huge {
            bytes: v.get("bytes").and_then(Value::as_u64).unwrap_or(HUGE_DEFAULT_BYTES),
            chunked: v.get("chunked").and_then(Value::as_bool).unwrap_or(false),
        },
        "endless" => Kind::Endless { interval_ms: v.get("intervalMs").and_then(Value::as_u64).unwrap_or(100).max(1) },
        "echo-key" => Kind::EchoKey {
            status: v
                .get("status")
                .map_or(Some(401), Value::as_u64)
                .filter(|s| (100..600).contains(s))
                .ok_or("echo-key status must be a status code")? as u16,
            form: v
                .get("form")
                .map_or(Some("plain"), Value::as_str)
                .and_then(EchoForm::parse)
                .ok_or("echo-key form must be plain, upper, lower, percent, json-escape, base64 or base64url")?,
        },
        other => return Err(format!("unknown fault kind {other:?}")),
    };
    Ok(Fault { route, kind, remaining: count })
}

/// Takes the first queued fault for `route`, if any.
pub fn take(queue: &mut Vec<Fault>, route: &str) -> Option<Kind> {
    let i = queue.iter().position(|f| f.route == route || f.route == "any")?;
    let kind = queue[i].kind.clone();
    queue[i].remaining -= 1;
    if queue[i].remaining == 0 {
        queue.remove(i);
    }
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queued_faults_are_consumed_in_order() {
        let mut q = vec![
            parse(&json!({"route": "jobs", "kind": "status", "status": 503, "count": 2})).unwrap(),
            parse(&json!({"kind": "drop"})).unwrap(),
        ];
        assert_eq!(take(&mut q, "generate"), Some(Kind::Drop));
        assert!(matches!(take(&mut q, "jobs"), Some(Kind::Status { status: 503, .. })));
        assert!(matches!(take(&mut q, "jobs"), Some(Kind::Status { status: 503, .. })));
        assert_eq!(take(&mut q, "jobs"), None);
        assert!(parse(&json!({"kind": "boom"})).is_err());
        let r = parse(&json!({"kind": "status", "status": 429, "retryAfter": 1})).unwrap();
        assert!(matches!(r.kind, Kind::Status { retry_after: Some(ref s), .. } if s == "1"));
    }

    #[test]
    fn redirect_needs_a_redirect_status_and_a_one_line_location() {
        let kind = |v: Value| parse(&v).map(|f| f.kind);
        let to = "http://127.0.0.1:9/v2/videos/generate";
        assert_eq!(kind(json!({"kind": "redirect", "location": to})), Ok(Kind::Redirect { status: 307, location: to.into() }));
        for status in [301, 302, 303, 307, 308] {
            assert_eq!(
                kind(json!({"kind": "redirect", "status": status, "location": to})),
                Ok(Kind::Redirect { status, location: to.into() })
            );
        }
        for bad in
            [json!({"kind": "redirect", "status": 200, "location": to}), json!({"kind": "redirect", "status": "307", "location": to})]
        {
            assert!(kind(bad).unwrap_err().contains("301, 302, 303, 307 or 308"));
        }
        assert!(kind(json!({"kind": "redirect"})).is_err());
        assert!(kind(json!({"kind": "redirect", "location": ""})).is_err());
        assert!(kind(json!({"kind": "redirect", "location": "http://x/\r\nSet-Cookie: a=b"})).is_err());
        assert!(kind(json!({"kind": "redirect", "location": "http://x/\0"})).is_err());
    }

    #[test]
    fn retry_after_must_be_one_line() {
        let kind = |v: Value| parse(&v).map(|f| f.kind);
        for bad in ["1\r\nSet-Cookie: a=b", "1\n", "1\r", "1\u{0}", "\u{7f}"] {
            let e = kind(json!({"kind": "status", "status": 429, "retryAfter": bad})).unwrap_err();
            assert!(e.contains("retryAfter"), "{e}");
        }
        for good in [json!("120"), json!("Wed, 21 Oct 2015 07:28:00 GMT"), json!(-1), json!("soon\tish")] {
            assert!(kind(json!({"kind": "status", "status": 429, "retryAfter": good})).is_ok());
        }
    }

    #[test]
    fn huge_endless_and_echo_key_defaults_and_options() {
        let kind = |v: Value| parse(&v).map(|f| f.kind);
        assert_eq!(kind(json!({"kind": "huge"})), Ok(Kind::Huge { bytes: 160 * 1024 * 1024, chunked: false }));
        assert_eq!(kind(json!({"kind": "huge", "bytes": 2048, "chunked": true})), Ok(Kind::Huge { bytes: 2048, chunked: true }));
        assert_eq!(kind(json!({"kind": "endless"})), Ok(Kind::Endless { interval_ms: 100 }));
        assert_eq!(kind(json!({"kind": "endless", "intervalMs": 0})), Ok(Kind::Endless { interval_ms: 1 }));
        assert_eq!(kind(json!({"kind": "echo-key"})), Ok(Kind::EchoKey { status: 401, form: EchoForm::Plain }));
        assert_eq!(kind(json!({"kind": "echo-key", "status": 403})), Ok(Kind::EchoKey { status: 403, form: EchoForm::Plain }));
        assert_eq!(kind(json!({"kind": "echo-key", "form": "base64url"})), Ok(Kind::EchoKey { status: 401, form: EchoForm::Base64Url }));
        assert!(kind(json!({"kind": "echo-key", "form": "rot13"})).is_err());
        assert_eq!(EchoForm::Percent.spell("afk"), "%61%66%6B");
        assert_eq!(EchoForm::JsonEscape.spell("a"), "\\u0061");
        assert_eq!(EchoForm::Base64.spell("afk_k"), "YWZrX2s");
        assert!(kind(json!({"kind": "echo-key", "status": 42})).is_err());
        assert!(kind(json!({"kind": "echo-key", "status": "401"})).is_err());
        let f = parse(&json!({"route": "jobs", "kind": "huge", "count": 2})).unwrap();
        assert_eq!((f.route.as_str(), f.remaining), ("jobs", 2));
    }
}
