//! The job machine driven directly, with no wasm: a virtual clock, a
//! scripted or simulated service, and the faults of the client scenarios
//! (lost answers, 429 and `Retry-After`, 5xx, redirects, echoed keys,
//! aborts, timeouts), checked on what the machine sent and when.

use super::*;
use crate::core::job::client_options::parse_client_options;
use crate::core::job::exchange::Answer;
use crate::core::testing::value;
use serde_json::json;

const T0: f64 = 1_760_000_000_000.0;
const JOB: &str = "0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c";
const KEY: &str = "afk_machine_secret";

fn config(options: serde_json::Value) -> ClientConfig {
    parse_client_options(&value(&options)).expect("valid options")
}

fn body() -> Value {
    value(&json!({ "prompt": "A herd of horses thundering across desert dunes" }))
}

fn reply(status: u16, body: serde_json::Value) -> Reply {
    Reply::Answer(Answer { status, body: body.to_string().into_bytes(), request_id: Some(String::from("req-1")), ..Answer::default() })
}

fn job(status: &str, progress: Option<f64>) -> serde_json::Value {
    let mut j = json!({ "id": JOB, "status": status, "progress": progress, "createdAt": "2025-10-09T08:53:20.000Z" });
    if status == "COMPLETED" {
        j["result"] = json!({ "videoUrl": "https://cdn.example/v.mp4" });
    }
    j
}

/// What a run of the machine did.
struct Run {
    result: Result<Output, Error>,
    /// `(sent at, request)` for every request.
    sent: Vec<(f64, Outgoing)>,
    updates: Vec<Job>,
    /// What the store was told, in order (a recorded job's).
    changes: Vec<Change>,
    /// The virtual time the call ended.
    ended: f64,
}

/// Drives `machine` as `crate::io::drive` does, on a virtual clock: each
/// request takes `latency` ms and is answered by `service(request index,
/// time sent)`, unless it outlasts its timeout; the caller aborts at
/// `abort_at`. A claim is this tab's at once, with nothing stored.
fn drive(machine: Machine, latency: f64, abort_at: Option<f64>, service: impl FnMut(usize, f64) -> Reply) -> Run {
    drive_claims(machine, latency, abort_at, Vec::new(), service)
}

/// [`drive`], with each claim answered by the next of `claims` (then
/// `Claimed(None)`); a `Slept` among them lets the claim's wait run out.
fn drive_claims(
    mut machine: Machine,
    latency: f64,
    abort_at: Option<f64>,
    mut claims: Vec<Input>,
    mut service: impl FnMut(usize, f64) -> Reply,
) -> Run {
    claims.reverse();
    let mut now = T0;
    let mut input = Input::Start;
    let (mut sent, mut updates, mut changes) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..100_000 {
        let action = machine.step(input, now, 0.5);
        changes.extend(machine.take_change());
        input = match action {
            Action::Claim { wait_ms, .. } => match claims.pop() {
                Some(Input::Slept) => {
                    now += wait_ms;
                    Input::Slept
                }
                Some(next) => next,
                None => Input::Claimed(None),
            },
            Action::Send(request) => {
                let at = now;
                let took = latency.min(request.timeout_ms);
                let answer = service(sent.len(), at);
                sent.push((at, request.clone()));
                match abort_at.filter(|t| *t < at + took) {
                    Some(t) => {
                        now = t.max(at);
                        Input::Replied(Reply::Aborted)
                    }
                    None if latency > request.timeout_ms => {
                        now += request.timeout_ms;
                        Input::Replied(Reply::TimedOut)
                    }
                    None => {
                        now += took;
                        Input::Replied(answer)
                    }
                }
            }
            Action::Sleep(ms) => {
                assert!(ms.is_finite() && ms >= 0.0, "sleep {ms}");
                match abort_at.filter(|t| *t < now + ms) {
                    Some(t) => {
                        now = t.max(now);
                        Input::Aborted
                    }
                    None => {
                        now += ms;
                        Input::Slept
                    }
                }
            }
            Action::Update(job) => {
                updates.push(job);
                Input::Reported
            }
            Action::Done(result) => return Run { result, sent, updates, changes, ended: now },
        }
    }
    panic!("the machine never finished");
}

fn submit(options: serde_json::Value) -> Machine {
    let task = Task::Submit { body: body(), idempotency_key: String::from("key-1"), then_wait: None };
    Machine::new(config(options), task)
}

fn waiting(options: serde_json::Value) -> Machine {
    let config = config(options);
    let wait = config.wait;
    Machine::new(config, Task::Wait { job_id: JOB.into(), wait, record: None })
}

fn header<'a>(request: &'a Outgoing, name: &str) -> Option<&'a str> {
    request.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn accepted() -> Reply {
    reply(202, json!({ "jobId": JOB, "status": "QUEUED" }))
}

#[test]
fn a_lost_answer_is_sent_again_under_the_same_key_and_body() {
    let run = drive(submit(json!({ "apiKey": KEY })), 100.0, None, |i, _| if i == 0 { Reply::Network("reset".into()) } else { accepted() });
    assert_eq!(run.result, Ok(Output::Accepted(Accepted { job_id: JOB.into(), status: "QUEUED".into() })));
    assert_eq!(run.sent.len(), 2);
    let (a, b) = (&run.sent[0].1, &run.sent[1].1);
    assert_eq!((header(a, "Idempotency-Key"), header(b, "Idempotency-Key")), (Some("key-1"), Some("key-1")));
    assert_eq!(a.body, b.body);
    assert!(a.body.as_deref().unwrap().starts_with(r#"{"model":"happyhorse-1.1","prompt""#));
    assert_eq!((a.method, header(a, "X-API-Key"), header(a, "Content-Type")), ("POST", Some(KEY), Some("application/json")));
    // Equal jitter from the first step (500 ms): 375 ms with random 0.5.
    assert_eq!(run.sent[1].0 - run.sent[0].0, 100.0 + 375.0);
}

#[test]
fn a_refused_submit_is_not_retried_and_names_its_key() {
    let details = json!({ "error": "Validation failed", "details": { "prompt": ["too long"] } });
    let run = drive(submit(json!({})), 50.0, None, |_, _| reply(400, details.clone()));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.status, e.idempotency_key.as_deref(), run.sent.len()), (ErrorCode::InvalidRequest, Some(400), Some("key-1"), 1));
    assert_eq!((e.issues[0].path.as_str(), e.issues[0].message.as_str()), ("prompt", "too long"));
    assert_eq!(header(&run.sent[0].1, "X-API-Key"), None, "no key header without apiKey");
}

#[test]
fn retry_after_replaces_the_backoff_and_a_long_one_is_not_waited_out() {
    let mut throttled =
        Answer { status: 429, retry_after: Some("2".into()), body: br#"{"error":"slow down"}"#.to_vec(), ..Answer::default() };
    let run = drive(submit(json!({})), 0.0, None, |i, _| if i == 0 { Reply::Answer(throttled.clone()) } else { accepted() });
    assert!(run.result.is_ok());
    assert_eq!(run.sent[1].0 - run.sent[0].0, 2_000.0);

    throttled.retry_after = Some("120".into());
    let run = drive(submit(json!({})), 0.0, None, |_, _| Reply::Answer(throttled.clone()));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.retry_after_ms, run.sent.len()), (ErrorCode::RateLimited, Some(120_000.0), 1));
}

#[test]
fn server_errors_are_retried_max_retries_times() {
    let run = drive(submit(json!({ "maxRetries": 2 })), 10.0, None, |_, _| reply(503, json!({ "error": "busy" })));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.message.as_str(), run.sent.len()), (ErrorCode::ServerError, "busy", 3));
    assert_eq!(e.idempotency_key.as_deref(), Some("key-1"));
}

#[test]
fn redirects_and_oversized_answers_end_the_call_at_once() {
    for bad in [Reply::Redirect { status: 307, request_id: None }, Reply::TooLarge { status: 200, request_id: None }] {
        let run = drive(submit(json!({})), 10.0, None, |_, _| bad.clone());
        assert_eq!((run.result.unwrap_err().code, run.sent.len()), (ErrorCode::BadResponse, 1));
    }
}

#[test]
fn the_key_never_leaves_in_an_error() {
    let echo = json!({ "error": format!("key {KEY} is not valid"), "details": { KEY: [KEY] } });
    let run = drive(submit(json!({ "apiKey": KEY })), 10.0, None, |_, _| reply(401, echo.clone()));
    let e = run.result.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized);
    assert_eq!(e.message, "key *** is not valid");
    assert!(e.issues.iter().all(|i| !i.path.as_str().contains(KEY) && !i.message.as_str().contains(KEY)));

    let failed = json!({ "id": JOB, "status": "FAILED", "error": format!("bad {KEY}"), "echo": KEY });
    let run = drive(waiting(json!({ "apiKey": KEY })), 10.0, None, |_, _| reply(200, failed.clone()));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (ErrorCode::JobFailed, "bad ***"));
    let job = e.job.as_deref().unwrap();
    assert_eq!((job.error.as_deref(), job.raw.get("echo").and_then(Value::as_str)), (Some("bad ***"), Some("***")));
}

#[test]
fn an_aborted_submit_names_its_key_and_sends_nothing_more() {
    let run = drive(submit(json!({})), 1_000.0, Some(T0 + 500.0), |_, _| accepted());
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.idempotency_key.as_deref(), run.sent.len(), run.ended), (ErrorCode::Aborted, Some("key-1"), 1, T0 + 500.0));
}

#[test]
fn generate_reports_the_accepted_job_first_then_each_change() {
    let config = config(json!({ "apiKey": KEY }));
    let wait = config.wait;
    let task = Task::Submit { body: body(), idempotency_key: String::from("key-1"), then_wait: Some(wait) };
    let run = drive(Machine::new(config, task), 200.0, None, |i, _| match i {
        0 => accepted(),
        1 | 2 => reply(200, job("PROCESSING", Some(10.0))),
        3 => reply(200, job("PROCESSING", Some(60.0))),
        _ => reply(200, job("COMPLETED", Some(100.0))),
    });
    let Ok(Output::Job(done)) = run.result else { panic!("{:?}", run.result) };
    assert_eq!((done.status.as_str(), done.video_urls.as_slice()), ("COMPLETED", &[String::from("https://cdn.example/v.mp4")][..]));
    let seen: Vec<(&str, Option<f64>)> = run.updates.iter().map(|j| (j.status.as_str(), j.progress)).collect();
    assert_eq!(seen, [("QUEUED", None), ("PROCESSING", Some(10.0)), ("PROCESSING", Some(60.0)), ("COMPLETED", Some(100.0))]);
    for (_, poll) in &run.sent[1..] {
        assert_eq!((poll.method, poll.body.as_deref()), ("GET", None));
        assert_eq!(poll.url, format!("https://api.apiframe.ai/v2/jobs/{JOB}"));
        assert_eq!((header(poll, "X-API-Key"), header(poll, "Accept")), (Some(KEY), Some("application/json")));
    }
    // The first poll comes 2 s after the submit's answer.
    assert_eq!(run.sent[1].0 - (run.sent[0].0 + 200.0), 2_000.0);
}

#[test]
fn a_wait_times_out_at_its_deadline_with_the_job_id_and_last_state() {
    let run = drive(waiting(json!({ "waitTimeoutMs": 20_000 })), 100.0, None, |_, _| reply(200, job("PROCESSING", Some(5.0))));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.job_id.as_deref()), (ErrorCode::Timeout, Some(JOB)));
    assert!(e.message.contains("resume with waitForJob"), "{}", e.message);
    assert_eq!(e.job.as_deref().unwrap().progress, Some(5.0));
    assert_eq!(run.ended, T0 + 20_000.0);
}

#[test]
fn a_poll_that_hangs_past_the_deadline_ends_at_the_deadline() {
    let run =
        drive(waiting(json!({ "waitTimeoutMs": 5_000, "timeoutMs": 30_000 })), 60_000.0, None, |_, _| reply(200, job("QUEUED", None)));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.job_id.as_deref(), run.ended), (ErrorCode::Timeout, Some(JOB), T0 + 5_000.0));
    assert!(e.message.contains("wait's timeoutMs"), "the wait's timeout, not the request's: {}", e.message);
}

#[test]
fn an_aborted_wait_keeps_the_job_id() {
    let run = drive(waiting(json!({})), 100.0, Some(T0 + 7_000.0), |_, _| reply(200, job("PROCESSING", Some(20.0))));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.job_id.as_deref(), run.ended), (ErrorCode::Aborted, Some(JOB), T0 + 7_000.0));
    assert_eq!(e.job.as_deref().unwrap().progress, Some(20.0));
}

#[test]
fn transient_poll_failures_never_end_a_wait_but_max_poll_failures_in_a_row_do() {
    let run = drive(waiting(json!({})), 100.0, None, |i, _| match i {
        0 | 2 | 4 => reply(503, json!({})),
        1 | 3 => Reply::Network("reset".into()),
        _ => reply(200, job("COMPLETED", Some(100.0))),
    });
    assert!(run.result.is_err(), "five in a row end it");
    assert_eq!((run.result.as_ref().unwrap_err().code, run.sent.len()), (ErrorCode::ServerError, 5));

    let run = drive(waiting(json!({})), 100.0, None, |i, _| match i % 2 {
        0 if i < 10 => reply(503, json!({})),
        _ if i < 10 => reply(200, job("PROCESSING", Some(i as f64))),
        _ => reply(200, job("COMPLETED", Some(100.0))),
    });
    assert!(matches!(run.result, Ok(Output::Job(_))), "{:?}", run.result);
    assert_eq!(run.sent.len(), 11);
}

#[test]
fn a_retry_after_past_the_deadline_ends_the_wait_with_when_to_come_back() {
    let throttled = Answer { status: 429, retry_after: Some("30".into()), ..Answer::default() };
    let run = drive(waiting(json!({ "waitTimeoutMs": 20_000 })), 100.0, None, |_, _| Reply::Answer(throttled.clone()));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.retry_after_ms, e.job_id.as_deref(), run.sent.len()), (ErrorCode::RateLimited, Some(30_000.0), Some(JOB), 1));
}

#[test]
fn answers_about_another_job_or_without_a_video_are_refused_with_the_job() {
    let other = json!({ "id": "11111111-2222-4333-8444-555555555555", "status": "QUEUED" });
    let run = drive(waiting(json!({})), 100.0, None, |_, _| reply(200, other.clone()));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.job_id.as_deref()), (ErrorCode::BadResponse, Some(JOB)));
    assert_eq!(e.job.as_deref().unwrap().job_id, "11111111-2222-4333-8444-555555555555");

    let empty = json!({ "id": JOB, "status": "COMPLETED" });
    let run = drive(waiting(json!({})), 100.0, None, |_, _| reply(200, empty.clone()));
    assert_eq!(run.result.unwrap_err().code, ErrorCode::BadResponse);
}

#[test]
fn failed_and_cancelled_jobs_end_the_wait_with_the_job() {
    for (status, code) in [("FAILED", ErrorCode::JobFailed), ("CANCELLED", ErrorCode::JobCancelled)] {
        let run = drive(waiting(json!({})), 100.0, None, |_, _| reply(200, job(status, None)));
        let e = run.result.unwrap_err();
        assert_eq!((e.code, e.job_id.as_deref(), e.job.as_ref().map(|j| j.status.clone())), (code, Some(JOB), Some(status.to_string())));
        assert_eq!(run.updates.len(), 1, "the final state is reported before the wait ends");
    }
}

#[test]
fn get_retries_then_reads_the_job() {
    let machine = Machine::new(config(json!({})), Task::Get { job_id: JOB.into() });
    let run = drive(machine, 100.0, None, |i, _| if i == 0 { reply(502, json!({})) } else { reply(200, job("QUEUED", None)) });
    let Ok(Output::Job(j)) = run.result else { panic!() };
    assert_eq!((j.job_id.as_str(), run.sent.len()), (JOB, 2));

    let machine = Machine::new(config(json!({})), Task::Get { job_id: JOB.into() });
    let run = drive(machine, 100.0, None, |_, _| reply(404, json!({ "error": "Job not found" })));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.job_id.as_deref(), run.sent.len()), (ErrorCode::NotFound, Some(JOB), 1));
}

#[test]
fn a_fixed_interval_is_measured_from_each_send() {
    let run = drive(waiting(json!({ "pollIntervalMs": 3_000 })), 400.0, None, |i, _| {
        if i < 3 {
            reply(200, job("PROCESSING", Some(i as f64 * 30.0)))
        } else {
            reply(200, job("COMPLETED", Some(100.0)))
        }
    });
    assert!(run.result.is_ok());
    let gaps: Vec<f64> = run.sent.windows(2).map(|w| w[1].0 - w[0].0).collect();
    assert_eq!(gaps, [3_000.0, 3_000.0, 3_000.0]);
}

#[test]
fn nothing_is_asked_after_done() {
    let mut machine = submit(json!({}));
    assert!(matches!(machine.step(Input::Start, T0, 0.5), Action::Send(_)));
    assert!(matches!(machine.step(Input::Replied(accepted()), T0, 0.5), Action::Done(Ok(_))));
    assert!(matches!(machine.step(Input::Slept, T0, 0.5), Action::Done(Err(_))));
}

/// Linear progress through the whole machine (request time included): the
/// schedule's promises hold end to end.
#[test]
fn linear_jobs_are_seen_within_5s_in_about_a_dozen_requests() {
    let mut lags = Vec::new();
    let mut requests = 0;
    let jobs = 40;
    for i in 0..jobs {
        let length = 60_000.0 + 6_000.0 * i as f64;
        let run = drive(waiting(json!({})), 300.0, None, |_, at| {
            let t = at - T0;
            if t >= length {
                reply(200, job("COMPLETED", Some(100.0)))
            } else {
                reply(200, job("PROCESSING", Some((t / length * 100.0).floor())))
            }
        });
        assert!(run.result.is_ok(), "{:?}", run.result);
        requests += run.sent.len();
        lags.push(run.sent.last().unwrap().0 - (T0 + length));
    }
    lags.sort_by(f64::total_cmp);
    let p95 = lags[(lags.len() * 95).div_ceil(100) - 1];
    let per_job = requests as f64 / jobs as f64;
    assert!(p95 <= 5_000.0, "p95 lag {p95}");
    assert!(per_job <= 12.5, "{per_job} requests per job");
}

#[test]
fn a_failure_whose_backoff_passes_the_deadline_waits_it_out_and_ends_with_timeout() {
    // A 3 s wait, the first poll at 2 s answered 503: the backoff would pass
    // the deadline, so the wait ends at the deadline with TIMEOUT (what a
    // caller resumes on), not at once with SERVER_ERROR.
    let run = drive(waiting(json!({ "waitTimeoutMs": 3_000 })), 10.0, None, |_, _| reply(503, json!({ "error": "busy" })));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.job_id.as_deref(), run.ended), (ErrorCode::Timeout, Some(JOB), T0 + 3_000.0));
}

#[test]
fn a_submit_answer_that_is_not_a_uuid_is_refused_with_the_key_and_never_polled() {
    let config = config(json!({ "apiKey": KEY }));
    let wait = config.wait;
    let task = Task::Submit { body: body(), idempotency_key: String::from("key-1"), then_wait: Some(wait) };
    let run = drive(Machine::new(config, task), 10.0, None, |_, _| reply(202, json!({ "jobId": "../../admin/delete?all=1#" })));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.idempotency_key.as_deref(), run.sent.len()), (ErrorCode::BadResponse, Some("key-1"), 1));
}

#[test]
fn a_key_echoed_in_any_field_of_the_job_is_masked_in_the_error() {
    let other = json!({ "id": KEY, "status": KEY, "result": { "videoUrl": format!("https://x.example/{KEY}") } });
    let run = drive(waiting(json!({ "apiKey": KEY })), 10.0, None, |_, _| reply(200, other.clone()));
    let e = run.result.unwrap_err();
    let job = e.job.as_deref().unwrap();
    assert_eq!((job.job_id.as_str(), job.status.as_str()), ("***", "***"));
    assert_eq!(job.video_urls, ["https://x.example/***"]);
    assert!(!format!("{e:?}").contains(KEY));
}

#[path = "machine_record_tests.rs"]
mod record;
