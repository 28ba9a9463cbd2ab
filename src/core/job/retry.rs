//! When to try a call again and how long to wait first: exponential backoff
//! with jitter, honouring `Retry-After`. Pure: the caller passes the clock
//! reading and a random number, so tests are exact.
//!
//! Defaults: 2 retries (3 attempts), 500 ms doubling to at most 8 s, each
//! delay drawn from [½, 1] of its step ("equal jitter": never hammering,
//! never in lockstep with other clients). A `Retry-After` above 60 s is not
//! waited out: the call fails with `RATE_LIMITED`/`SERVER_ERROR` and the
//! error's `retryAfterMs` says when to come back.

use crate::core::error::Error;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    pub base_delay_ms: f64,
    pub max_delay_ms: f64,
    /// The longest `Retry-After` the client waits out by itself.
    pub max_retry_after_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: crate::core::spec::CLIENT_MAX_RETRIES_DEFAULT,
            base_delay_ms: 500.0,
            max_delay_ms: 8_000.0,
            max_retry_after_ms: 60_000.0,
        }
    }
}

impl RetryPolicy {
    /// The backoff step after `n` failures: `base_delay_ms` doubling, at
    /// most `max_delay_ms` (before jitter).
    pub(crate) fn step_ms(&self, n: u32) -> f64 {
        (self.base_delay_ms * 2f64.powi(n.min(30) as i32)).min(self.max_delay_ms)
    }

    /// The wait before retry number `retry` (0 for the first retry) after
    /// `failure`, or `None` when the call should fail now. `random` is in
    /// [0, 1).
    pub(crate) fn delay(&self, retry: u32, failure: &Error, random: f64) -> Option<f64> {
        if !failure.retryable || retry >= self.max_retries {
            return None;
        }
        let backoff = self.step_ms(retry) * (0.5 + 0.5 * random.clamp(0.0, 1.0));
        match failure.retry_after_ms {
            Some(ra) if ra > self.max_retry_after_ms => None,
            Some(ra) => Some(ra.max(backoff.min(ra + 1_000.0))),
            None => Some(backoff),
        }
    }
}

impl RetryPolicy {
    /// The wait before the next poll after `failures` failed polls in a row:
    /// the service's `Retry-After` when it sent one — in place of the
    /// backoff step, never on top of it — else the backoff step (at least
    /// `scheduled`, the schedule's own next gap). `None` when that wait is
    /// longer than what is left of the wait (`remaining_ms`) or than
    /// `max_retry_after_ms`: the wait should end now and say when to come
    /// back, rather than sleep past its own deadline.
    pub(crate) fn poll_delay_after_failure(
        &self,
        failures: u32,
        retry_after_ms: Option<f64>,
        scheduled: f64,
        remaining_ms: f64,
    ) -> Option<f64> {
        let delay = match retry_after_ms {
            Some(ra) => ra.max(0.0),
            None => scheduled.max(self.step_ms(failures)),
        };
        (delay <= remaining_ms && delay <= self.max_retry_after_ms).then_some(delay)
    }
}

/// Milliseconds to wait from a `Retry-After` value: delta-seconds (`"3"`,
/// fractions tolerated) or an HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`),
/// relative to `now_ms` (Unix milliseconds). Past dates mean 0.
pub(crate) fn parse_retry_after(value: &str, now_ms: f64) -> Option<f64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let mut whole = 0f64;
        let mut frac = 0f64;
        let mut scale = 1f64;
        let mut seen_dot = false;
        for b in v.bytes() {
            if b == b'.' {
                if seen_dot {
                    return None;
                }
                seen_dot = true;
            } else if seen_dot {
                scale /= 10.0;
                frac += f64::from(b - b'0') * scale;
            } else {
                whole = whole * 10.0 + f64::from(b - b'0');
            }
        }
        // 400 digits make Infinity: no use as a wait, and `null` in JSON.
        return Some((whole + frac) * 1000.0).filter(|ms| ms.is_finite());
    }
    crate::core::date::http_date_ms(v).map(|t| (t - now_ms).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::{from_status, ErrorCode};
    use crate::core::value::Value;

    fn failure(status: u16, retry_after_ms: Option<f64>) -> Error {
        from_status(status, &Value::Undefined, None, retry_after_ms)
    }

    #[test]
    fn a_retry_after_replaces_the_backoff_and_a_long_one_ends_the_wait() {
        let p = RetryPolicy::default();
        assert_eq!(p.poll_delay_after_failure(3, Some(1_000.0), 4_000.0, 600_000.0), Some(1_000.0), "not 1 s + the 2 s step");
        assert_eq!(p.poll_delay_after_failure(1, None, 300.0, 600_000.0), Some(1_000.0));
        assert_eq!(p.poll_delay_after_failure(1, None, 5_000.0, 600_000.0), Some(5_000.0));
        assert_eq!(p.poll_delay_after_failure(1, Some(3_000_000_000.0), 2_000.0, 600_000.0), None, "longer than setTimeout holds");
        assert_eq!(p.poll_delay_after_failure(1, Some(30_000.0), 2_000.0, 10_000.0), None, "past the wait's deadline");
        assert_eq!(p.poll_delay_after_failure(1, Some(90_000.0), 2_000.0, 600_000.0), None, "over the 60 s cap");
    }

    #[test]
    fn backs_off_exponentially_with_jitter_and_gives_up() {
        let p = RetryPolicy::default();
        let f = failure(503, None);
        assert_eq!(p.delay(0, &f, 0.0), Some(250.0));
        assert_eq!(p.delay(0, &f, 1.0), Some(500.0));
        assert_eq!(p.delay(1, &f, 1.0), Some(1000.0));
        assert_eq!(p.delay(2, &f, 1.0), None);
        let long = RetryPolicy { max_retries: 10, ..p };
        assert_eq!(long.delay(9, &f, 1.0), Some(8000.0));
    }

    #[test]
    fn never_retries_other_4xx() {
        let p = RetryPolicy::default();
        for status in [400, 401, 402, 403, 404, 409] {
            assert_eq!(p.delay(0, &failure(status, None), 0.5), None, "{status}");
        }
        assert!(p.delay(0, &failure(408, None), 0.5).is_some());
        assert!(p.delay(0, &Error::new(ErrorCode::Network, "x"), 0.5).is_some());
        assert!(p.delay(0, &Error::new(ErrorCode::Aborted, "x"), 0.5).is_none());
    }

    #[test]
    fn honours_retry_after_but_not_forever() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(0, &failure(429, Some(2000.0)), 0.0), Some(2000.0));
        assert_eq!(p.delay(0, &failure(429, Some(0.0)), 1.0), Some(500.0));
        assert_eq!(p.delay(0, &failure(429, Some(120_000.0)), 0.5), None);
    }

    #[test]
    fn parses_retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("3", 0.0), Some(3000.0));
        assert_eq!(parse_retry_after(" 0.5 ", 0.0), Some(500.0));
        let now = crate::core::date::days_from_civil(1994, 11, 6) as f64 * 86_400_000.0 + (8 * 3600 + 49 * 60 + 30) as f64 * 1000.0;
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(7000.0));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 60_000.0), Some(0.0));
        assert_eq!(parse_retry_after("soon", 0.0), None);
        assert_eq!(parse_retry_after("1.2.3", 0.0), None);
        assert_eq!(crate::core::date::days_from_civil(1970, 1, 1), 0);
        assert_eq!(crate::core::date::days_from_civil(2000, 3, 1), 11_017);
    }
}
