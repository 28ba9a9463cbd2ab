//! Settings of a `Client` and of one wait, read from any value with the same
//! care as requests: a bad option is an `INVALID_OPTION` issue with a path.
//!
//! Client options: `apiKey`, `baseUrl` (see [`crate::core::options`]),
//! `maxRetries`, `timeoutMs` (each HTTP request), `waitTimeoutMs` (default
//! limit of a wait), `pollIntervalMs` (fixed poll interval instead of the
//! adaptive schedule), `maxPollFailures` (consecutive failed polls that end
//! a wait); their defaults and bounds are `spec.rs`'s `CLIENT_*`. Wait
//! options: `timeoutMs` and `pollIntervalMs`, overriding the client's.

use crate::core::error::Error;
use crate::core::issue::{IssueCode, Report};
use crate::core::job::poll::PollConfig;
use crate::core::job::retry::RetryPolicy;
use crate::core::options::{read_send_options, SendOptions};
use crate::core::spec::{
    CLIENT_MAX_POLL_FAILURES_DEFAULT, CLIENT_MAX_RETRIES_LIMIT, CLIENT_TIMEOUT_MS_DEFAULT, CLIENT_WAIT_TIMEOUT_MS_DEFAULT,
};
use crate::core::text::{cat, num};
use crate::core::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct ClientConfig {
    pub send: SendOptions,
    pub retry: RetryPolicy,
    pub request_timeout_ms: f64,
    pub wait: WaitConfig,
    pub max_poll_failures: u32,
    /// Whether jobs are recorded (the client was given a `store`): the
    /// option itself is a JS object, read by the boundary.
    pub keep: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WaitConfig {
    pub timeout_ms: f64,
    pub poll: PollConfig,
}

/// Reads a whole number option in `min..=max`.
fn number_option(options: &Value, key: &str, min: f64, max: f64, report: &mut Report) -> Option<f64> {
    match options.get(key) {
        None | Some(Value::Undefined | Value::Null) => None,
        Some(Value::Number(n)) if n.fract() == 0.0 && *n >= min && *n <= max => Some(*n),
        Some(other) => {
            let got = match other {
                Value::Number(_) => "a number out of range",
                v => v.kind(),
            };
            report.push(
                cat(&["options.", key]),
                IssueCode::InvalidOption,
                cat(&[key, " must be a whole number from ", &num(min as u64), " to ", &num(max as u64), ", got ", got]),
            );
            None
        }
    }
}

const DAY_MS: f64 = 86_400_000.0;

pub fn parse_client_options(options: &Value) -> Result<ClientConfig, Error> {
    let (send, mut report) = match read_send_options(options) {
        Ok(s) => (s, Report::default()),
        Err(r) => (SendOptions::default(), r),
    };
    let mut config = ClientConfig {
        send,
        retry: RetryPolicy::default(),
        request_timeout_ms: CLIENT_TIMEOUT_MS_DEFAULT,
        wait: WaitConfig { timeout_ms: CLIENT_WAIT_TIMEOUT_MS_DEFAULT, poll: PollConfig::default() },
        max_poll_failures: CLIENT_MAX_POLL_FAILURES_DEFAULT,
        keep: false,
    };
    if let Some(n) = number_option(options, "maxRetries", 0.0, f64::from(CLIENT_MAX_RETRIES_LIMIT), &mut report) {
        config.retry.max_retries = n as u32;
    }
    if let Some(n) = number_option(options, "timeoutMs", 1.0, DAY_MS, &mut report) {
        config.request_timeout_ms = n;
    }
    if let Some(n) = number_option(options, "waitTimeoutMs", 1.0, DAY_MS, &mut report) {
        config.wait.timeout_ms = n;
    }
    if let Some(n) = number_option(options, "pollIntervalMs", 1.0, DAY_MS, &mut report) {
        config.wait.poll.fixed_interval_ms = Some(n);
    }
    if let Some(n) = number_option(options, "maxPollFailures", 1.0, 100.0, &mut report) {
        config.max_poll_failures = n as u32;
    }
    if report.ok() {
        Ok(config)
    } else {
        Err(Error::invalid(report))
    }
}

/// The settings of one wait: the client's, overridden by `options`.
pub fn parse_wait_options(options: &Value, defaults: WaitConfig) -> Result<WaitConfig, Error> {
    let mut report = Report::default();
    let mut wait = defaults;
    if !matches!(options, Value::Undefined | Value::Null | Value::Object(_)) {
        report.push("options", IssueCode::InvalidOption, cat(&["options must be an object, got ", options.kind()]));
        return Err(Error::invalid(report));
    }
    if let Some(n) = number_option(options, "timeoutMs", 1.0, DAY_MS, &mut report) {
        wait.timeout_ms = n;
    }
    if let Some(n) = number_option(options, "pollIntervalMs", 1.0, DAY_MS, &mut report) {
        wait.poll.fixed_interval_ms = Some(n);
    }
    if report.ok() {
        Ok(wait)
    } else {
        Err(Error::invalid(report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::testing::value;
    use serde_json::json;

    #[test]
    fn defaults() {
        let c = parse_client_options(&Value::Undefined).unwrap();
        assert_eq!(c.retry.max_retries, 2);
        assert_eq!(c.request_timeout_ms, 30_000.0);
        assert_eq!(c.wait.timeout_ms, 600_000.0);
        assert_eq!(c.wait.poll.fixed_interval_ms, None);
        assert_eq!(c.send.base_url, "https://api.apiframe.ai");
    }

    #[test]
    fn reads_every_option() {
        let c = parse_client_options(&value(&json!({"apiKey": "afk_x", "baseUrl": "/api", "maxRetries": 0, "timeoutMs": 5000, "waitTimeoutMs": 9000, "pollIntervalMs": 100, "maxPollFailures": 3}))).unwrap();
        assert_eq!(
            (c.retry.max_retries, c.request_timeout_ms, c.wait.timeout_ms, c.wait.poll.fixed_interval_ms, c.max_poll_failures),
            (0, 5000.0, 9000.0, Some(100.0), 3)
        );
        assert_eq!(c.send.base_url, "/api");
        let w = parse_wait_options(&value(&json!({"timeoutMs": 50})), c.wait).unwrap();
        assert_eq!((w.timeout_ms, w.poll.fixed_interval_ms), (50.0, Some(100.0)));
    }

    #[test]
    fn bad_options_have_paths() {
        let r = parse_client_options(&value(&json!({"maxRetries": -1, "timeoutMs": "5", "baseUrl": 3}))).unwrap_err();
        let paths: Vec<_> = r.issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["options.baseUrl", "options.maxRetries", "options.timeoutMs"]);
        assert!(parse_wait_options(&value(&json!({"pollIntervalMs": 0.5})), parse_client_options(&Value::Undefined).unwrap().wait).is_err());
        assert!(parse_wait_options(&value(&json!(5)), parse_client_options(&Value::Undefined).unwrap().wait).is_err());
    }
}
