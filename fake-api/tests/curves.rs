//! Progress curves over the wire: `progressCurve` in `POST /__fake/config`
//! (checked, echoed) and `#curve=NAME` in a prompt steer what
//! `GET /v2/jobs/{id}` reports.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn submit(fake: &Fake, prompt: &str) -> (String, Instant) {
    let r = fake.post("/v2/videos/generate", &json!({"model": "happyhorse-1.1", "prompt": prompt}).to_string());
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.body));
    (r.json()["jobId"].as_str().unwrap().to_string(), Instant::now())
}

fn progress(fake: &Fake, id: &str) -> Value {
    fake.get(&format!("/v2/jobs/{id}")).json()["progress"].clone()
}

#[test]
fn the_curve_is_configured_checked_and_echoed() {
    let fake = Fake::start(&[]);
    assert_eq!(fake.get("/__fake/config").json()["progressCurve"], "linear");
    let r = fake.post("/__fake/config", r#"{"progressCurve": "steps", "noise": 0}"#);
    assert_eq!((r.status, r.json()["progressCurve"].clone(), r.json()["noise"].clone()), (200, json!("steps"), json!(0.0)));
    // An unknown curve is refused, and nothing else in that body applies.
    for bad in
        [r#"{"progressCurve": "wobbly", "noise": 9}"#, r#"{"progressCurve": 3, "noise": 9}"#, r#"{"progressCurve": null, "noise": 9}"#]
    {
        let r = fake.post("/__fake/config", bad);
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.json()["error"].as_str().unwrap().contains("linear, steps, fast-tail, burst, none, stall99, backwards, late"));
    }
    let now = fake.get("/__fake/config").json();
    assert_eq!((now["progressCurve"].clone(), now["noise"].clone()), (json!("steps"), json!(0.0)));
}

#[test]
fn jobs_follow_the_configured_curve_or_their_marker() {
    let fake = Fake::start(&[]);
    // 100 virtual seconds, 10 of them queued, in 1 real second.
    let r = fake.post("/__fake/config", r#"{"timeScale": 100, "jobSeconds": 100, "queueSeconds": 10, "progressCurve": "stall99"}"#);
    assert_eq!(r.status, 200);
    let (stall, t0) = submit(&fake, "a horse");
    let (none, _) = submit(&fake, "a horse #curve=none");
    let (late, _) = submit(&fake, "a horse #curve=late");
    assert_eq!((progress(&fake, &stall), progress(&fake, &none), progress(&fake, &late)), (json!(0), Value::Null, Value::Null));
    // Stall99 reaches 99 by half the processing time at the latest.
    std::thread::sleep((t0 + Duration::from_millis(600)).saturating_duration_since(Instant::now()));
    assert_eq!(progress(&fake, &stall), json!(99));
    assert_eq!(progress(&fake, &none), Value::Null);
    let p = progress(&fake, &late).as_u64().expect("late reports after the first third");
    assert!((50..=80).contains(&p), "{p}");
    std::thread::sleep((t0 + Duration::from_millis(1100)).saturating_duration_since(Instant::now()));
    let done = |id: &str| {
        let j = fake.get(&format!("/v2/jobs/{id}")).json();
        (j["status"].clone(), j["progress"].clone())
    };
    assert_eq!(done(&stall), (json!("COMPLETED"), json!(100)));
    assert_eq!(done(&none), (json!("COMPLETED"), Value::Null));
    assert_eq!(done(&late), (json!("COMPLETED"), json!(100)));
}
