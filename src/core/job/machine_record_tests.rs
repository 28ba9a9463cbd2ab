//! Recorded jobs driven directly: what is saved and when, resuming after a
//! reload (a lost submit answer is sent again under its key and body; a job
//! with an id is only polled), following the tab that holds the claim, and
//! ages read on the service's clock whatever the page's clock says.

use super::*;
use crate::core::job::answer::parse_job;

const BASE: &str = "https://api.example";
const DAY: f64 = 86_400_000.0;

fn recorded(options: serde_json::Value) -> ClientConfig {
    let mut c = config(options);
    c.keep = true;
    c
}

fn generate(config: ClientConfig) -> Machine {
    let wait = config.wait;
    Machine::new(config, Task::Submit { body: body(), idempotency_key: String::from("key-1"), then_wait: Some(wait) })
}

fn saved(changes: &[Change]) -> Vec<&Record> {
    changes.iter().filter_map(|c| if let Change::Save(r) = c { Some(r) } else { None }).collect()
}

/// A service whose job runs `polls` GETs, then completes.
fn service(polls: usize) -> impl FnMut(usize, f64) -> Reply {
    move |i, _| match i {
        0 => accepted(),
        i if i <= polls => reply(200, job("PROCESSING", Some(10.0 * i as f64))),
        _ => reply(200, job("COMPLETED", Some(100.0))),
    }
}

#[test]
fn a_recorded_job_is_saved_before_its_submit_and_at_each_state() {
    let run = drive(generate(recorded(json!({ "baseUrl": BASE, "apiKey": KEY }))), 100.0, None, service(2));
    assert!(run.result.is_ok());
    let saves = saved(&run.changes);
    // First the submission alone (before the POST), then the accepted job,
    // each state, and the end.
    assert_eq!((saves[0].job_id.as_deref(), saves[0].key.as_str(), saves[0].base_url.as_str()), (None, "key-1", BASE));
    assert_eq!(saves[0].body.get("model").and_then(Value::as_str), Some("happyhorse-1.1"));
    assert_eq!(saves[0].saved_at, T0, "saved when the submit was about to be sent");
    let statuses: Vec<String> = saves[1..].iter().map(|r| r.last().unwrap().status).collect();
    assert_eq!(statuses, ["QUEUED", "PROCESSING", "PROCESSING", "COMPLETED"]);
    assert!(saves.last().unwrap().finished() && saves[1].job_id.as_deref() == Some(JOB));
    assert!(saves.iter().all(|r| r.text(Some(KEY)).is_some()), "the key is in no record");
}

#[test]
fn a_refused_submission_drops_its_record_and_a_lost_one_keeps_it() {
    let refused = drive(generate(recorded(json!({}))), 10.0, None, |_, _| reply(400, json!({ "error": "Validation failed" })));
    assert!(matches!(refused.changes.last(), Some(Change::Drop(k)) if k == "key-1"));
    let lost = drive(generate(recorded(json!({ "maxRetries": 0 }))), 10.0, None, |_, _| Reply::Network("reset".into()));
    assert_eq!(lost.result.unwrap_err().code, ErrorCode::Network);
    assert!(matches!(lost.changes.as_slice(), [Change::Save(r)] if r.job_id.is_none()), "{:?}", lost.changes);
    // An answer that came but cannot be read may still have made a job.
    let unread = drive(generate(recorded(json!({}))), 10.0, None, |_, _| reply(202, json!({ "status": "QUEUED" })));
    assert!(!unread.changes.iter().any(|c| matches!(c, Change::Drop(_))));
}

#[test]
fn a_reload_sends_a_lost_submission_again_with_the_same_key_and_body() {
    let config = recorded(json!({ "baseUrl": BASE }));
    let first = drive(generate(config.clone()), 10.0, None, |_, _| Reply::TimedOut);
    let record = saved(&first.changes)[0].clone();
    let wait = config.wait;
    let resumed = drive(Machine::new(config, Task::Resume { record, wait }), 10.0, None, service(1));
    assert_eq!(resumed.result.unwrap(), Output::Job(parse_job(&value(&job("COMPLETED", Some(100.0)))).unwrap()));
    let (before, again) = (&first.sent[0].1, &resumed.sent[0].1);
    assert_eq!((again.method, header(again, "Idempotency-Key"), &again.body), ("POST", Some("key-1"), &before.body));
    assert_eq!(resumed.updates[0].job_id, JOB, "the first update names the job at once");
}

#[test]
fn a_replayed_submission_of_a_finished_job_polls_at_once() {
    let config = recorded(json!({ "baseUrl": BASE }));
    let record = Record::new(BASE, "key-1", body(), T0 - 60_000.0);
    let wait = config.wait;
    let run = drive(Machine::new(config, Task::Resume { record, wait }), 10.0, None, |i, _| match i {
        0 => reply(202, json!({ "jobId": JOB, "status": "COMPLETED" })),
        _ => reply(200, job("COMPLETED", Some(100.0))),
    });
    assert!(run.result.is_ok());
    assert_eq!(run.sent.len(), 2);
    assert_eq!(run.sent[1].0 - run.sent[0].0, 10.0, "the poll follows the answer at once");
}

#[test]
fn a_reload_waits_on_a_job_it_has_an_id_for_without_submitting() {
    let config = recorded(json!({ "baseUrl": BASE }));
    let mut record = Record::new(BASE, "key-1", body(), T0 - 60_000.0);
    record.observe(&parse_job(&value(&job("PROCESSING", Some(40.0)))).unwrap(), T0 - 30_000.0);
    let wait = config.wait;
    let run = drive(Machine::new(config, Task::Resume { record, wait }), 10.0, None, |_, _| reply(200, job("COMPLETED", Some(100.0))));
    assert!(run.result.is_ok());
    assert!(run.sent.iter().all(|(_, r)| r.method == "GET"));
    assert_eq!(run.updates.len(), 1, "the recorded state is not reported again; the new one is");
}

#[test]
fn a_submission_recorded_too_long_ago_is_not_sent_again() {
    let config = recorded(json!({ "baseUrl": BASE }));
    let wait = config.wait;
    let record = Record::new(BASE, "key-1", body(), T0 - DAY);
    let run = drive(Machine::new(config, Task::Resume { record, wait }), 10.0, None, service(1));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.idempotency_key.as_deref(), run.sent.len()), (ErrorCode::Conflict, Some("key-1"), 0));
}

#[test]
fn a_resend_keeps_its_first_date_and_a_record_from_the_future_is_not_sent() {
    let config = recorded(json!({ "baseUrl": BASE, "maxRetries": 0 }));
    let wait = config.wait;
    // Resent at 22 h and lost again: still dated 22 h ago, so an hour later
    // it is not sent a third time.
    let record = Record::new(BASE, "key-1", body(), T0 - 22.0 * 3_600_000.0);
    let run = drive(Machine::new(config.clone(), Task::Resume { record, wait }), 10.0, None, |_, _| Reply::TimedOut);
    assert_eq!(run.sent.len(), 1);
    assert_eq!(saved(&run.changes)[0].saved_at, T0 - 22.0 * 3_600_000.0);
    for at in [T0 + 2.0 * DAY, f64::MAX] {
        let record = Record::new(BASE, "key-1", body(), at);
        let run = drive(Machine::new(config.clone(), Task::Resume { record, wait }), 10.0, None, service(1));
        assert_eq!((run.result.unwrap_err().code, run.sent.len()), (ErrorCode::Conflict, 0));
    }
}

#[test]
fn a_stored_body_that_fails_validation_is_not_sent() {
    let config = recorded(json!({ "baseUrl": BASE, "apiKey": KEY }));
    let wait = config.wait;
    let record = Record::new(BASE, "key-1", value(&json!({ "model": "happyhorse-1.1" })), T0);
    let run = drive(Machine::new(config, Task::Resume { record, wait }), 10.0, None, service(1));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.idempotency_key.as_deref(), run.sent.len()), (ErrorCode::InvalidRequest, Some("key-1"), 0));
}

/// Drives a machine whose claims are answered from `claims` in turn (see
/// `drive_claims`), with `service` for anything it sends.
fn follow(machine: Machine, claims: Vec<Input>, mut service: impl FnMut(usize) -> Reply) -> Run {
    drive_claims(machine, 0.0, None, claims, move |i, _| service(i))
}

fn heard(status: &str, progress: f64) -> Input {
    let mut r = Record::new(BASE, "key-1", body(), T0);
    r.observe(&parse_job(&value(&job(status, Some(progress)))).unwrap(), T0);
    Input::Heard(r)
}

#[test]
fn a_second_tab_hears_the_job_to_its_end_without_a_request() {
    let config = recorded(json!({ "baseUrl": BASE }));
    let claims = vec![heard("QUEUED", 0.0), heard("PROCESSING", 50.0), heard("PROCESSING", 50.0), heard("COMPLETED", 100.0)];
    let run = follow(generate(config), claims, |_| panic!("a follower sends nothing"));
    assert!(matches!(run.result, Ok(Output::Job(ref j)) if j.status == "COMPLETED"));
    let seen: Vec<_> = run.updates.iter().map(|j| (j.status.as_str(), j.progress)).collect();
    assert_eq!(seen, [("QUEUED", Some(0.0)), ("PROCESSING", Some(50.0)), ("COMPLETED", Some(100.0))]);
    assert!(run.changes.is_empty(), "only the tab that holds the claim saves");
    let failed = follow(generate(recorded(json!({}))), vec![heard("FAILED", 0.0)], |_| panic!("no request"));
    assert_eq!(failed.result.unwrap_err().job_id.as_deref(), Some(JOB));
}

#[test]
fn when_the_polling_tab_closes_the_next_takes_over_by_polling() {
    let mut stored = Record::new(BASE, "key-1", body(), T0);
    stored.observe(&parse_job(&value(&job("PROCESSING", Some(60.0)))).unwrap(), T0);
    let claims = vec![heard("PROCESSING", 30.0), Input::Claimed(Some(stored))];
    let run = follow(generate(recorded(json!({ "baseUrl": BASE }))), claims, |_| reply(200, job("COMPLETED", Some(100.0))));
    assert!(run.result.is_ok());
    assert!(run.sent.iter().all(|(_, r)| r.method == "GET" && r.url.ends_with(JOB)), "never a second submit");
    assert!(saved(&run.changes).last().unwrap().finished(), "the new holder records the end");
}

#[test]
fn a_follower_times_out_with_the_job_id_to_resume() {
    let config = recorded(json!({ "waitTimeoutMs": 60_000 }));
    let run = follow(generate(config), vec![heard("PROCESSING", 10.0), Input::Slept], |_| panic!("no request"));
    let e = run.result.unwrap_err();
    assert_eq!((e.code, e.job_id.as_deref(), e.idempotency_key.as_deref()), (ErrorCode::Timeout, Some(JOB), Some("key-1")));
    assert_eq!(run.ended, T0 + 60_000.0);
}

/// A wait on a job the service created 100 s ago, answered with the
/// service's `Date`, on a page whose clock is `offset` ms off: when it polls.
fn polls_with_page_clock_off(offset: f64) -> Vec<f64> {
    const SERVICE_T0: f64 = 1_800_000_000_000.0;
    let created = SERVICE_T0 - 100_000.0;
    let iso = |ms: f64| {
        let s = (ms / 1000.0) as i64;
        let (d, r) = (s.div_euclid(86_400), s.rem_euclid(86_400));
        let (y, m, day) = civil(d);
        format!("{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.000Z", r / 3600, r % 3600 / 60, r % 60)
    };
    let http = |ms: f64| {
        let s = (ms / 1000.0) as i64;
        let (d, r) = (s.div_euclid(86_400), s.rem_euclid(86_400));
        let (y, m, day) = civil(d);
        const M: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        format!("Thu, {day:02} {} {y} {:02}:{:02}:{:02} GMT", M[m as usize - 1], r / 3600, r % 3600 / 60, r % 60)
    };
    let mut machine = waiting(json!({}));
    let mut now = T0 + offset;
    let (mut input, mut sent) = (Input::Start, Vec::new());
    loop {
        input = match machine.step(input, now, 0.5) {
            Action::Send(_) => {
                let elapsed = now - T0 - offset;
                sent.push(elapsed);
                let service_now = SERVICE_T0 + elapsed;
                // Linear progress: done 200 s after creation.
                let p = ((service_now - created) / 2_000.0).min(100.0);
                let mut body = job(if p >= 100.0 { "COMPLETED" } else { "PROCESSING" }, Some(p.floor()));
                body["createdAt"] = json!(iso(created));
                now += 200.0;
                Input::Replied(Reply::Answer(Answer {
                    status: 200,
                    date: Some(http(service_now)),
                    body: body.to_string().into_bytes(),
                    ..Answer::default()
                }))
            }
            Action::Sleep(ms) => {
                now += ms;
                Input::Slept
            }
            Action::Update(_) => Input::Reported,
            Action::Done(result) => {
                assert!(result.is_ok());
                return sent;
            }
            Action::Claim { .. } => unreachable!(),
        }
    }
}

fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[test]
fn a_jobs_age_is_read_on_the_services_clock_whatever_the_pages_says() {
    let truth = polls_with_page_clock_off(0.0);
    assert_eq!(polls_with_page_clock_off(600_000.0), truth, "page clock 10 min fast");
    assert_eq!(polls_with_page_clock_off(-600_000.0), truth, "page clock 10 min slow");
    // The age was used: a job 100 s into a 200 s run is not polled like a
    // new one (whose first 45 s see at most a handful of polls).
    assert!(truth.len() <= 12, "{truth:?}");
}
