//! The service clock over the wire: every answer's `Date`, `createdAt` and
//! `completedAt` come from it, so `Date − createdAt` is a job's age in the
//! time its progress runs on; `/__fake/config` reports (`serviceNowMs`)
//! and sets it, and a new `timeScale` never sends it back.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::Duration;

/// Sat, 05 Dec 2026 11:22:23.000 GMT.
const T: i64 = 1_796_469_743_000;

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Days since 1970-01-01 (Howard Hinnant's days-from-civil).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// Unix ms of an IMF-fixdate (`Sat, 05 Dec 2026 11:22:23 GMT`), checking
/// its shape on the way (the weekday too).
fn imf_ms(date: &str) -> i64 {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let parts: Vec<&str> = date.split(' ').collect();
    assert!(date.len() == 29 && parts.len() == 6 && parts[5] == "GMT", "not an IMF-fixdate: {date:?}");
    let month = MONTHS.iter().position(|m| *m == parts[2]).unwrap_or_else(|| panic!("{date:?}")) as i64 + 1;
    let days = days_from_civil(parts[3].parse().unwrap(), month, parts[1].parse().unwrap());
    assert_eq!(parts[0], format!("{},", WEEKDAYS[days.rem_euclid(7) as usize]), "{date:?}");
    let hms: Vec<i64> = parts[4].split(':').map(|x| x.parse().unwrap()).collect();
    (days * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2]) * 1000
}

/// Unix ms of a `createdAt`-style `2026-12-05T11:22:23.000Z`.
fn iso_ms(iso: &str) -> i64 {
    let n: Vec<i64> = iso.trim_end_matches('Z').split(['-', 'T', ':', '.']).map(|x| x.parse().unwrap()).collect();
    assert_eq!(n.len(), 7, "{iso:?}");
    ((days_from_civil(n[0], n[1], n[2]) * 86_400 + n[3] * 3600 + n[4] * 60 + n[5]) * 1000) + n[6]
}

fn config(fake: &Fake, body: &str) -> Value {
    let r = fake.post("/__fake/config", body);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

fn submit(fake: &Fake, prompt: &str) -> String {
    let r = fake.post("/v2/videos/generate", &json!({"model": "happyhorse-1.1", "prompt": prompt}).to_string());
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.body));
    r.json()["jobId"].as_str().unwrap().to_string()
}

#[test]
fn every_answer_is_dated_by_the_service_clock() {
    let fake = Fake::start(&[]);
    config(&fake, &format!(r#"{{"serviceNowMs": {T}}}"#));
    let origin = [("Origin", "http://localhost:5173")];
    let replies = [
        fake.get("/__fake/config"),
        fake.get(&format!("/v2/jobs/{ANY_UUID}")),
        fake.get("/v2/jobs/not-a-uuid"),
        fake.call("OPTIONS", "/v2/videos/generate", &origin, ""),
        fake.post("/v2/videos/generate", &horse("")),
        fake.get("/no-such-file.txt"),
        fake.call("GET", "/__fake/config", &origin, ""),
        fake.raw(b"GET / HTTP/1.1\r\nHost: x\r\nX-A: b\0c\r\n\r\n"),
    ];
    for r in &replies {
        let date = r.header("date").unwrap_or_else(|| panic!("{} without a Date: {:?}", r.status, r.headers));
        let at = imf_ms(date);
        // At 1×, a second or two after T (and not the wall clock's today).
        assert!((T..T + 5_000).contains(&at), "{date}");
    }
    assert_eq!(replies.map(|r| r.status), [200, 404, 400, 204, 202, 404, 403, 400]);
    // Pages may read it: the API routes expose it.
    let api = fake.call("GET", &format!("/v2/jobs/{ANY_UUID}"), &origin, "");
    let exposed = api.header("access-control-expose-headers").unwrap();
    assert!(exposed.split(',').any(|h| h.trim().eq_ignore_ascii_case("date")), "{exposed}");
}

#[test]
fn date_less_created_at_is_the_jobs_age_in_its_own_time() {
    let fake = Fake::start(&[]);
    // 100 virtual seconds (5 queued) in one real second; no noise.
    let c = config(&fake, &format!(r#"{{"serviceNowMs": {T}, "timeScale": 100, "jobSeconds": 100, "queueSeconds": 5, "noise": 0}}"#));
    assert_eq!(c["timeScale"], json!(100.0));
    assert!((T..T + 1_000).contains(&c["serviceNowMs"].as_i64().unwrap()), "{c}");
    let id = submit(&fake, "a horse");
    std::thread::sleep(Duration::from_millis(400));
    let r = fake.get(&format!("/v2/jobs/{id}"));
    let job = r.json();
    let created = iso_ms(job["createdAt"].as_str().unwrap());
    assert!((T..T + 2_000).contains(&created), "created on the service clock: {job}");
    let age = imf_ms(r.header("date").unwrap()) - created;
    // 400 real ms at 100×: about 40 s (the Date drops its milliseconds).
    assert!((38_000..50_000).contains(&age), "{age}");
    // …and the progress read in that same answer is that age's: linear
    // 0→99 over the 95 s after the queue, so (age − 5) / 95 · 99 or so.
    let progress = job["progress"].as_f64().unwrap();
    let expected = (age as f64 / 1000.0 - 5.0) / 95.0 * 99.0;
    assert!((progress - expected).abs() <= 3.0, "progress {progress} at {age} ms, expected ~{expected:.0}");
    std::thread::sleep(Duration::from_millis(700));
    let done = fake.get(&format!("/v2/jobs/{id}")).json();
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(iso_ms(done["completedAt"].as_str().unwrap()) - created, 100_000, "{done}");
}

#[test]
fn a_new_time_scale_never_sends_the_clock_back_and_paces_running_jobs() {
    let fake = Fake::start(&[]);
    let now = |c: &Value| c["serviceNowMs"].as_i64().unwrap();
    let fast = config(&fake, r#"{"timeScale": 1000, "jobSeconds": 100, "queueSeconds": 0, "noise": 0}"#);
    let id = submit(&fake, "a horse");
    std::thread::sleep(Duration::from_millis(30));
    // Slowed to 1× about 30 virtual seconds into the job.
    let slow = config(&fake, r#"{"timeScale": 1}"#);
    assert!(now(&slow) >= now(&fast) + 25_000, "{fast} {slow}");
    let p1 = fake.get(&format!("/v2/jobs/{id}")).json()["progress"].as_i64().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let later = fake.get("/__fake/config").json();
    // 300 real ms at 1×: the clock moved about 0.3 s, and so did the job.
    assert!((now(&slow)..now(&slow) + 2_000).contains(&now(&later)), "{slow} {later}");
    let p2 = fake.get(&format!("/v2/jobs/{id}")).json()["progress"].as_i64().unwrap();
    assert!((25..60).contains(&p1) && p2 - p1 <= 1, "{p1} then {p2}");
    // Back up to speed: on from where it was, never back.
    let again = config(&fake, r#"{"timeScale": 1000}"#);
    assert!(now(&again) >= now(&later), "{later} {again}");
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(fake.get(&format!("/v2/jobs/{id}")).json()["status"], "COMPLETED");
    // A reset forgets jobs, not the time.
    assert_eq!(fake.post("/__fake/reset", "{}").status, 200);
    assert!(now(&fake.get("/__fake/config").json()) >= now(&again) + 100_000);
}

#[test]
fn service_now_ms_is_checked_and_a_bad_one_changes_nothing() {
    let fake = Fake::start(&[]);
    for bad in [r#"-1"#, r#""soon""#, r#"null"#, r#"1e300"#, r#"253402300800000"#] {
        let r = fake.post("/__fake/config", &format!(r#"{{"serviceNowMs": {bad}, "timeScale": 7}}"#));
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.json()["error"].as_str().unwrap().contains("serviceNowMs"), "{bad}");
    }
    let c = fake.get("/__fake/config").json();
    assert_eq!(c["timeScale"], json!(1.0));
    // At 1× from the wall clock at start-up: within a few seconds of it.
    let wall = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    assert!((c["serviceNowMs"].as_i64().unwrap() - wall).abs() < 5_000, "{c}");
    // The latest date it writes is accepted; so is going back in time.
    assert_eq!(config(&fake, r#"{"serviceNowMs": 253402300799999}"#)["serviceNowMs"], json!(253_402_300_799_999i64));
    assert_eq!(imf_ms(fake.get("/__fake/config").header("date").unwrap()), 253_402_300_799_000);
    assert!((T..T + 1_000).contains(&config(&fake, &format!(r#"{{"serviceNowMs": {T}}}"#))["serviceNowMs"].as_i64().unwrap()));
}
