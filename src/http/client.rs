//! The job flows — submit, get, wait, generate — as sequences of HTTP
//! exchanges and sleeps, following the core's retry and poll policies.
//!
//! A job that was submitted is never lost: every failure after the `202`
//! carries its `jobId` (and the last job seen).

use crate::core::client_options::{ClientConfig, WaitConfig};
use crate::core::failure::{ErrorCode, Failure};
use crate::core::job::{parse_accepted, parse_job, Accepted, Job, CANCELLED, COMPLETED, FAILED};
use crate::core::poll::PollSchedule;
use crate::core::request::assemble;
use crate::core::spec::JOBS_PATH;
use crate::core::text::cat;
use crate::core::value::Value;
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use super::fetch::{send, Incoming, Outgoing};
use super::timer::{aborted, is_aborted, now_ms, sleep, Timeout};

/// A failure, with the job it concerns when one exists.
pub struct ClientError {
    pub failure: Failure,
    pub job_id: Option<String>,
    /// The last job seen, with its body as received.
    pub job: Option<(Job, JsValue)>,
    /// The submission's key, when the submit itself failed: the job may
    /// exist even though its id never arrived (a lost answer, an abort), and
    /// submitting again with this key returns it instead of a second job.
    pub idempotency_key: Option<String>,
}

impl From<Failure> for ClientError {
    fn from(failure: Failure) -> Self {
        ClientError { failure, job_id: None, job: None, idempotency_key: None }
    }
}

/// Sends with retries per the client's policy. POSTs are only ever sent
/// with an `Idempotency-Key` (see `submit`), so retrying them is safe.
async fn send_with_retries(config: &ClientConfig, req: &Outgoing<'_>, signal: Option<&AbortSignal>) -> Result<Incoming, Failure> {
    let mut retry = 0;
    loop {
        match send(req, signal, config.request_timeout_ms).await {
            Ok(answer) => return Ok(answer),
            Err(failure) => match config.retry.delay(retry, &failure, js_sys::Math::random()) {
                Some(delay) => {
                    sleep(delay, signal).await?;
                    retry += 1;
                }
                None => return Err(failure),
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

/// Submits an already validated request body under `idempotency_key`.
pub async fn submit(
    config: &ClientConfig,
    request: &Value,
    idempotency_key: &str,
    signal: Option<&AbortSignal>,
) -> Result<Accepted, ClientError> {
    let mut send_options = config.send.clone();
    send_options.idempotency_key = Some(idempotency_key.to_string());
    let http = assemble(request, &send_options, idempotency_key);
    let out = Outgoing { method: http.method, url: &http.url, headers: &http.headers, body: Some(&http.body) };
    let with_key = |failure: Failure| ClientError { idempotency_key: Some(idempotency_key.to_string()), ..ClientError::from(failure) };
    let answer = send_with_retries(config, &out, signal).await.map_err(with_key)?;
    parse_accepted(&answer.body).map_err(|e| {
        let mut f = Failure::new(ErrorCode::BadResponse, e.0);
        f.status = Some(answer.status);
        f.request_id = answer.request_id;
        with_key(f)
    })
}

/// `GET /v2/jobs/{id}` with retries.
pub async fn get_job(config: &ClientConfig, job_id: &str, signal: Option<&AbortSignal>) -> Result<(Job, JsValue), ClientError> {
    let url = cat(&[&config.send.base_url, JOBS_PATH, &encode_path_segment(job_id)]);
    let headers = read_headers(config);
    let out = Outgoing { method: "GET", url: &url, headers: &headers, body: None };
    let with_id = |failure: Failure| ClientError { job_id: Some(job_id.to_string()), ..ClientError::from(failure) };
    let answer = send_with_retries(config, &out, signal).await.map_err(with_id)?;
    match parse_job(&answer.body) {
        Ok(job) => Ok((job, answer.body_js)),
        Err(e) => {
            let mut f = Failure::new(ErrorCode::BadResponse, e.0);
            f.status = Some(answer.status);
            f.request_id = answer.request_id;
            Err(with_id(f))
        }
    }
}

/// Percent-encodes everything but unreserved characters, so a job id can
/// never change the path it is put into.
fn encode_path_segment(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
    }
    out
}

/// Polls until the job completes (`Ok`), fails, is cancelled, the wait
/// times out, the signal aborts, or too many polls in a row fail. Calls
/// `on_update` whenever status or progress changes (from `initial`, when
/// the caller has already reported a state).
pub async fn wait_for_job(
    config: &ClientConfig,
    wait: WaitConfig,
    job_id: &str,
    signal: Option<&AbortSignal>,
    initial: Option<(Job, JsValue)>,
    on_update: &dyn Fn(&Job, &JsValue),
) -> Result<(Job, JsValue), ClientError> {
    // One controller for the whole wait: the caller's signal and the wait's
    // deadline both abort it, so the in-flight poll stops at once either way.
    let controller = web_sys::AbortController::new().map_err(|_| Failure::new(ErrorCode::Network, "AbortController is not available"))?;
    let inner = controller.signal();
    let _deadline_timer = {
        let controller = controller.clone();
        Timeout::new(wait.timeout_ms, move || controller.abort())
    };
    let _listener = signal.map(|s| {
        let controller = controller.clone();
        super::timer::AbortListener::new(s, move || controller.abort())
    });
    let mut schedule = PollSchedule::new(wait.poll, now_ms());
    let mut last: Option<(Job, JsValue)> = initial;
    let mut failures_in_a_row = 0;
    let mut poll_config = config.clone();
    // Polls retry inside the wait's own loop, not per request.
    poll_config.retry.max_retries = 0;

    let end = |failure: Failure, last: Option<(Job, JsValue)>| ClientError {
        job_id: Some(job_id.to_string()),
        job: last,
        ..ClientError::from(failure)
    };
    let stopped = |last: Option<(Job, JsValue)>| {
        if is_aborted(signal) {
            end(aborted(), last)
        } else {
            end(
                Failure::new(
                    ErrorCode::Timeout,
                    cat(&["the job did not finish within the wait's timeoutMs; resume with waitForJob(\"", job_id, "\")"]),
                ),
                last,
            )
        }
    };

    loop {
        let delay = schedule.next_delay_ms(now_ms(), js_sys::Math::random());
        let delay = if failures_in_a_row > 0 {
            // Back off after failures, honouring Retry-After, but keep waiting.
            delay.max(config.retry.step_ms(failures_in_a_row))
        } else {
            delay
        };
        // The deadline timer aborts `inner`, ending this sleep with TIMEOUT.
        if sleep(delay, Some(&inner)).await.is_err() {
            return Err(stopped(last));
        }
        match get_job(&poll_config, job_id, Some(&inner)).await {
            Ok((job, raw)) => {
                failures_in_a_row = 0;
                schedule.observe(now_ms(), job.progress);
                let changed = last.as_ref().is_none_or(|(prev, _)| prev.status != job.status || prev.progress != job.progress);
                if changed {
                    on_update(&job, &raw);
                }
                match job.status.as_str() {
                    COMPLETED => return Ok((job, raw)),
                    FAILED => {
                        let message = job.error.clone().unwrap_or_else(|| String::from("the job failed (its credits are refunded)"));
                        return Err(end(Failure::new(ErrorCode::JobFailed, message), Some((job, raw))));
                    }
                    CANCELLED => return Err(end(Failure::new(ErrorCode::JobCancelled, "the job was cancelled"), Some((job, raw)))),
                    _ => last = Some((job, raw)),
                }
            }
            Err(_) if is_aborted(Some(&inner)) => return Err(stopped(last)),
            Err(e) => {
                let transient = e.failure.retryable;
                failures_in_a_row += 1;
                if !transient || failures_in_a_row >= config.max_poll_failures {
                    return Err(end(e.failure, last));
                }
                if let Some(ra) = e.failure.retry_after_ms {
                    if sleep(ra, Some(&inner)).await.is_err() {
                        return Err(stopped(last));
                    }
                }
            }
        }
    }
}
