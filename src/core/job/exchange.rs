//! One HTTP exchange as the job machine sees it: the request it asks the
//! I/O layer to send ([`Outgoing`]), what came back ([`Reply`]), and what
//! that means ([`Reply::judge`]). The I/O layer only reports facts (a
//! status, four headers, the bytes, or how it failed); every decision
//! about them (a redirect is refused, an oversized body is a bad answer, a
//! status is an error code, a body must be JSON) is made here, where native
//! tests reach it.

use crate::core::error::{from_status, Error, ErrorCode};
use crate::core::job::retry::parse_retry_after;
use crate::core::json;
use crate::core::limits::MAX_BODY_BYTES;
use crate::core::text::{cat, num};
use crate::core::value::Value;

/// A request to send: `fetch` never follows its redirects, and the I/O
/// layer gives up on it after `timeout_ms`.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    /// `"GET"` or `"POST"`.
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
    pub timeout_ms: f64,
}

/// An answer as received, whatever its status: the headers the package
/// reads, and the body (at most `MAX_BODY_BYTES`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub request_id: Option<String>,
    pub retry_after: Option<String>,
    pub content_type: Option<String>,
    /// The `Date` header: the service's clock when it answered (readable
    /// cross-origin only where the service exposes it).
    pub date: Option<String>,
    pub body: Vec<u8>,
}

/// What the I/O layer observed.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Answer(Answer),
    /// A 3xx, or the opaque redirect a browser reports as status 0. Never
    /// followed: it would carry `X-API-Key`, the body and the idempotency key
    /// wherever `Location` points.
    Redirect {
        status: u16,
        request_id: Option<String>,
    },
    /// The body went past `MAX_BODY_BYTES`; the rest was cancelled.
    TooLarge {
        status: u16,
        request_id: Option<String>,
    },
    /// `fetch` rejected, or the body broke off (the detail, for the message).
    Network(String),
    /// No complete answer within the request's `timeout_ms`.
    TimedOut,
    /// The caller's signal aborted it.
    Aborted,
}

/// A 2xx answer whose body is JSON.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Incoming {
    pub status: u16,
    pub body: Value,
    pub request_id: Option<String>,
    /// The answer's `Date`, as Unix ms of the service's clock.
    pub date_ms: Option<f64>,
}

/// The error of an aborted call.
pub(crate) fn aborted() -> Error {
    Error::new(ErrorCode::Aborted, "aborted by the caller's signal")
}

impl Reply {
    /// The answer whatever its status (what a proxy passes back), or the
    /// error this reply is. `timeout_ms` is the request's, for the message.
    pub fn answer(self, timeout_ms: f64) -> Result<Answer, Error> {
        match self {
            Reply::Answer(answer) => Ok(answer),
            Reply::Redirect { status, request_id } => {
                let shown = if status == 0 { String::new() } else { cat(&[" (", &num(status.into()), ")"]) };
                let mut e = Error::bad_response(
                    cat(&[
                        "the service answered with a redirect",
                        &shown,
                        "; redirects are never followed, so the API key and the request never go to another address. Check baseUrl",
                    ]),
                    (status != 0).then_some(status),
                    request_id,
                );
                e.retryable = false;
                Err(e)
            }
            Reply::TooLarge { status, request_id } => {
                let mut e = Error::bad_response(
                    cat(&[
                        "the answer is larger than ",
                        &num(MAX_BODY_BYTES as u64),
                        " bytes; a job answer is a few KB, so it was not read",
                    ]),
                    Some(status),
                    request_id,
                );
                e.retryable = false;
                Err(e)
            }
            Reply::Network(detail) => {
                Err(Error::new(ErrorCode::Network, cat(&["network error (offline, DNS, CORS or a dropped connection): ", &detail])))
            }
            Reply::TimedOut => Err(Error::new(ErrorCode::Timeout, cat(&["no complete answer within ", &num(timeout_ms as u64), " ms"]))),
            Reply::Aborted => Err(aborted()),
        }
    }

    /// What the client makes of the reply: a 2xx JSON body, or the error
    /// (a non-2xx status with the service's words; a body that is not JSON;
    /// any failure above). A `Retry-After` date is read against the answer's
    /// `Date` (both the service's clock), and against `now_ms` only when
    /// there is none.
    pub(crate) fn judge(self, timeout_ms: f64, now_ms: f64) -> Result<Incoming, Error> {
        let answer = self.answer(timeout_ms)?;
        let Answer { status, request_id, retry_after, date, body, .. } = answer;
        let date_ms = date.and_then(|d| crate::core::date::http_date_ms(d.trim()));
        // Not UTF-8 is not JSON either (no lossy decoding linked for it).
        let body = String::from_utf8(body).ok().and_then(|text| json::parse(&text));
        if !(200..300).contains(&status) {
            let retry_after_ms = retry_after.and_then(|v| parse_retry_after(&v, date_ms.unwrap_or(now_ms)));
            return Err(from_status(status, body.as_ref().unwrap_or(&Value::Undefined), request_id, retry_after_ms));
        }
        match body {
            Some(body) => Ok(Incoming { status, body, request_id, date_ms }),
            None => Err(Error::bad_response(
                cat(&["the service answered ", &num(status.into()), " with a body that is not JSON"]),
                Some(status),
                request_id,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Reply {
        Reply::Answer(Answer { status, body: body.as_bytes().to_vec(), request_id: Some("r-1".into()), ..Answer::default() })
    }

    #[test]
    fn a_2xx_json_answer_is_incoming() {
        let ok = answer(202, r#"{"jobId":"j","status":"QUEUED"}"#).judge(1000.0, 0.0).unwrap();
        assert_eq!((ok.status, ok.request_id.as_deref()), (202, Some("r-1")));
        assert_eq!(ok.body.get("jobId").and_then(Value::as_str), Some("j"));
    }

    #[test]
    fn statuses_become_codes_with_retry_after() {
        let mut r = Answer { status: 429, retry_after: Some("3".into()), body: br#"{"error":"slow down"}"#.to_vec(), ..Answer::default() };
        let e = Reply::Answer(r.clone()).judge(1000.0, 0.0).unwrap_err();
        assert_eq!((e.code, e.retry_after_ms, e.message.as_str(), e.retryable), (ErrorCode::RateLimited, Some(3000.0), "slow down", true));
        r.status = 404;
        r.body = b"<html>".to_vec();
        assert_eq!(Reply::Answer(r).judge(1000.0, 0.0).unwrap_err().code, ErrorCode::NotFound);
    }

    #[test]
    fn dates_are_the_services_clock() {
        let date = Some(String::from("Sat, 05 Dec 2026 11:00:00 GMT"));
        let ok = Reply::Answer(Answer { status: 200, date: date.clone(), body: b"{}".to_vec(), ..Answer::default() });
        assert_eq!(ok.judge(1.0, 0.0).unwrap().date_ms, crate::core::date::http_date_ms("Sat, 05 Dec 2026 11:00:00 GMT"));
        // A Retry-After date 30 s after the answer's Date waits 30 s, whatever
        // the page's clock says (here: an hour behind).
        let later = Answer { status: 503, date, retry_after: Some("Sat, 05 Dec 2026 11:00:30 GMT".into()), ..Answer::default() };
        let page = crate::core::date::http_date_ms("Sat, 05 Dec 2026 10:00:00 GMT").unwrap();
        assert_eq!(Reply::Answer(later).judge(1.0, page).unwrap_err().retry_after_ms, Some(30_000.0));
    }

    #[test]
    fn bodies_that_are_not_json_or_utf8_are_bad_responses() {
        assert_eq!(answer(200, "<html>").judge(1000.0, 0.0).unwrap_err().code, ErrorCode::BadResponse);
        let bytes = Reply::Answer(Answer { status: 200, body: vec![0xff, b'{', b'}'], ..Answer::default() });
        assert_eq!(bytes.judge(1000.0, 0.0).unwrap_err().code, ErrorCode::BadResponse);
    }

    #[test]
    fn redirects_and_oversized_bodies_are_never_retried() {
        for reply in [
            Reply::Redirect { status: 302, request_id: None },
            Reply::Redirect { status: 0, request_id: None },
            Reply::TooLarge { status: 200, request_id: None },
        ] {
            let e = reply.judge(1000.0, 0.0).unwrap_err();
            assert_eq!((e.code, e.retryable), (ErrorCode::BadResponse, false));
        }
        let e = Reply::Redirect { status: 307, request_id: None }.judge(1.0, 0.0).unwrap_err();
        assert!(e.message.contains("(307)") && e.message.contains("never followed"), "{}", e.message);
    }

    #[test]
    fn failures_name_what_happened() {
        let t = Reply::TimedOut.judge(2500.0, 0.0).unwrap_err();
        assert_eq!((t.code, t.message.as_str(), t.retryable), (ErrorCode::Timeout, "no complete answer within 2500 ms", true));
        assert_eq!(Reply::Aborted.judge(1.0, 0.0).unwrap_err().code, ErrorCode::Aborted);
        let n = Reply::Network("reset".into()).judge(1.0, 0.0).unwrap_err();
        assert!(n.code == ErrorCode::Network && n.message.ends_with(": reset"));
    }
}
