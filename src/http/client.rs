//! The job flows — submit, get, wait — as sequences of HTTP exchanges and
//! sleeps, following the core's retry and poll policies.
//!
//! A job that was submitted is never lost: every error after the `202`
//! carries its `jobId` (and the last job seen), and an error before it
//! carries the submission's `idempotencyKey`. Every error leaves here with
//! the configured API key redacted from its text.

use crate::core::job::client_options::{ClientConfig, WaitConfig};
use crate::core::error::{Error, ErrorCode};
use crate::core::job::answer::{check_job, parse_accepted, parse_job, Accepted, Job, CANCELLED, COMPLETED, FAILED};
use crate::core::job::poll::PollSchedule;
use crate::core::request::assemble;
use crate::core::spec::JOBS_PATH;
use crate::core::text::cat;
use crate::core::value::Value;
use gloo_net::http::Method;
use web_sys::AbortSignal;

use super::fetch::{send, Incoming, Outgoing};
use super::timer::{aborted, is_aborted, now_ms, sleep, AbortListener, Timeout};

/// Sends with retries per the client's policy. POSTs are only ever sent
/// with an `Idempotency-Key` (see `submit`), so retrying them is safe.
async fn send_with_retries(config: &ClientConfig, req: &Outgoing<'_>, signal: Option<&AbortSignal>) -> Result<Incoming, Error> {
    let mut retry = 0;
    loop {
        match send(req, signal, config.request_timeout_ms).await {
            Ok(answer) => return Ok(answer),
            Err(e) => match config.retry.delay(retry, &e, js_sys::Math::random()) {
                Some(delay) => {
                    sleep(delay, signal).await?;
                    retry += 1;
                }
                None => return Err(e),
            },
        }
    }
}

fn read_headers(config: &ClientConfig) -> Vec<(&'static str, String)> {
    let mut headers = vec![("Accept", String::from("application/json"))];
    if let Some(key) = &config.send.api_key {
        headers.push(("X-API-Key", key.clone()));
    }
    headers
}

/// The key's text, for redaction.
fn secret(config: &ClientConfig) -> Option<&str> {
    config.send.api_key.as_deref()
}

/// Submits an already validated request body under `idempotency_key`.
pub(crate) async fn submit(
    config: &ClientConfig,
    request: &Value,
    idempotency_key: &str,
    signal: Option<&AbortSignal>,
) -> Result<Accepted, Error> {
    let mut send_options = config.send.clone();
    send_options.idempotency_key = Some(idempotency_key.to_string());
    let http = assemble(request, &send_options, idempotency_key);
    let out = Outgoing { method: Method::POST, url: &http.url, headers: &http.headers, body: Some(&http.body) };
    let result = match send_with_retries(config, &out, signal).await {
        Ok(answer) => parse_accepted(&answer.body).map_err(|e| Error::bad_response(e.0, Some(answer.status), answer.request_id)),
        Err(e) => Err(e),
    };
    result.map_err(|mut e| {
        e.idempotency_key = Some(idempotency_key.to_string());
        e.redact(secret(config))
    })
}

/// `GET /v2/jobs/{id}` with retries. `job_id` is a UUID (checked by the caller).
pub(crate) async fn get_job(config: &ClientConfig, job_id: &str, signal: Option<&AbortSignal>) -> Result<Job, Error> {
    let url = cat(&[&config.send.base_url, JOBS_PATH, job_id]);
    let headers = read_headers(config);
    let out = Outgoing { method: Method::GET, url: &url, headers: &headers, body: None };
    let result = match send_with_retries(config, &out, signal).await {
        Ok(answer) => match parse_job(&answer.body) {
            Ok(job) => match check_job(&job, job_id) {
                Ok(()) => Ok(job),
                Err(e) => {
                    let mut err = Error::bad_response(e.0, Some(answer.status), answer.request_id);
                    err.job = Some(Box::new(job));
                    Err(err)
                }
            },
            Err(e) => Err(Error::bad_response(e.0, Some(answer.status), answer.request_id)),
        },
        Err(e) => Err(e),
    };
    result.map_err(|e| e.with_job_id(job_id).redact(secret(config)))
}

/// Polls until the job completes (`Ok`), fails, is cancelled, the wait
/// times out, the signal aborts, or too many polls in a row fail. Calls
/// `on_update` whenever status or progress changes (from `initial`, when
/// the caller has already reported a state).
pub(crate) async fn wait_for_job(
    config: &ClientConfig,
    wait: WaitConfig,
    job_id: &str,
    signal: Option<&AbortSignal>,
    initial: Option<Job>,
    on_update: &dyn Fn(&Job),
) -> Result<Job, Error> {
    // A failed job's error text and body are the service's words: redacted too.
    let waited = async {
        // One controller for the whole wait: the caller's signal and the wait's
        // deadline both abort it, so the in-flight poll stops at once either way.
        let controller = web_sys::AbortController::new().map_err(|_| Error::new(ErrorCode::Network, "AbortController is not available"))?;
        let inner = controller.signal();
        let _deadline_timer = {
            let controller = controller.clone();
            Timeout::new(wait.timeout_ms, move || controller.abort())
        };
        let _listener = signal.map(|s| {
            let controller = controller.clone();
            AbortListener::new(s, move || controller.abort())
        });
        let started = now_ms();
        let mut schedule = PollSchedule::new(wait.poll, started);
        // A wait that did not start at the submit (waitForJob on its own, a
        // resumed wait) learns the job's age from its first answer.
        let mut dated = initial.is_some();
        // When the last poll went out: gaps are measured from there, so
        // request time counts against the schedule's bound.
        let mut sent = started;
        // Set after a failed poll: the wait before the next one.
        let mut after_failure: Option<f64> = None;
        let mut last: Option<Job> = initial;
        let mut failures_in_a_row = 0;
        let mut poll_config = config.clone();
        // Polls retry inside the wait's own loop, not per request.
        poll_config.retry.max_retries = 0;

        // The job an error carries: the one it is about (a refused answer,
        // a failed job), else the last state seen.
        let end = |mut e: Error, last: Option<Job>| {
            e.job_id = Some(job_id.to_string());
            if e.job.is_none() {
                e.job = last.map(Box::new);
            }
            e
        };
        let stopped = |last: Option<Job>| {
            if is_aborted(signal) {
                end(aborted(), last)
            } else {
                let message = cat(&["the job did not finish within the wait's timeoutMs; resume with waitForJob(\"", job_id, "\")"]);
                end(Error::new(ErrorCode::Timeout, message), last)
            }
        };

        loop {
            let delay = match after_failure.take() {
                Some(delay) => delay,
                None => schedule.next_delay_ms(now_ms(), js_sys::Math::random()),
            };
            // The deadline timer aborts `inner`, ending this sleep with TIMEOUT.
            if sleep((sent + delay - now_ms()).max(0.0), Some(&inner)).await.is_err() {
                return Err(stopped(last));
            }
            sent = now_ms();
            match get_job(&poll_config, job_id, Some(&inner)).await {
                Ok(job) => {
                    failures_in_a_row = 0;
                    if !dated {
                        dated = true;
                        let created = job.raw.get("createdAt").and_then(Value::as_str).and_then(crate::core::date::iso8601_ms);
                        if let Some(created) = created.filter(|c| *c < started) {
                            schedule = PollSchedule::new(wait.poll, created);
                        }
                    }
                    schedule.observe(now_ms(), job.progress);
                    let changed = last.as_ref().is_none_or(|prev| prev.status != job.status || prev.progress != job.progress);
                    if changed {
                        on_update(&job);
                    }
                    match job.status.as_str() {
                        COMPLETED => return Ok(job),
                        FAILED => {
                            let message = job.error.clone().unwrap_or_else(|| String::from("the job failed (its credits are refunded)"));
                            return Err(end(Error::new(ErrorCode::JobFailed, message), Some(job)));
                        }
                        CANCELLED => return Err(end(Error::new(ErrorCode::JobCancelled, "the job was cancelled"), Some(job))),
                        _ => last = Some(job),
                    }
                }
                Err(_) if is_aborted(Some(&inner)) => return Err(stopped(last)),
                Err(e) => {
                    failures_in_a_row += 1;
                    if !e.retryable || failures_in_a_row >= config.max_poll_failures {
                        return Err(end(e, last));
                    }
                    // Back off (or wait out Retry-After, instead of the step)
                    // and keep waiting — unless that would outlast the wait
                    // itself: then stop now with retryAfterMs and jobId, so
                    // the caller knows when to resume.
                    let remaining = started + wait.timeout_ms - now_ms();
                    let scheduled = schedule.next_delay_ms(now_ms(), js_sys::Math::random());
                    match config.retry.poll_delay_after_failure(failures_in_a_row, e.retry_after_ms, scheduled, remaining) {
                        // Once the job could be finished, the backoff keeps
                        // within the schedule's lag bound (a Retry-After is
                        // the service's to set, and is honoured as given).
                        Some(delay) if e.retry_after_ms.is_none() && now_ms() >= schedule.earliest_end_ms() => {
                            after_failure = Some(delay.min(wait.poll.max_gap_ms))
                        }
                        Some(delay) => after_failure = Some(delay),
                        None => return Err(end(e, last)),
                    }
                }
            }
        }
    };
    waited.await.map_err(|e| e.redact(secret(config)))
}
