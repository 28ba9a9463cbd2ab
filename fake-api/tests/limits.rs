//! The fake's limits, against a real fake on 127.0.0.1 over real sockets:
//! sizes, time-outs, the connection cap, header injection, the control
//! routes' origin rule and the bounded tables. Time-outs are shortened by
//! flags so that every test ends within a few seconds.

mod common;

use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[test]
fn request_heads_over_16_kib_get_431() {
    let fake = Fake::start(&[]);
    let pad = "a".repeat(17 * 1024);
    let r = fake.call("GET", "/__fake/config", &[("X-Pad", &pad)], "");
    assert_eq!(r.status, 431);
    assert!(r.json()["error"].as_str().unwrap().contains("16 KiB"));
    // Many small headers count together.
    let many: Vec<(String, String)> = (0..400).map(|i| (format!("X-H{i}"), "b".repeat(40))).collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(fake.call("GET", "/__fake/config", &many, "").status, 431);
    // Just under the limit is fine.
    let pad = "a".repeat(15 * 1024);
    assert_eq!(fake.call("GET", "/__fake/config", &[("X-Pad", &pad)], "").status, 200);
}

#[test]
fn bodies_over_1_mib_get_413() {
    let fake = Fake::start(&[]);
    let too_big = "a".repeat((1 << 20) + 1);
    let r = fake.call("POST", "/v2/videos/generate", &[("Content-Type", "application/json")], &too_big);
    assert_eq!(r.status, 413);
    // Refused on the announced length alone, before any body is read.
    let mut s = fake.connect();
    write!(s, "POST /v2/videos/generate HTTP/1.1\r\nHost: {}\r\nContent-Length: 5000000000\r\n\r\n", fake.addr).unwrap();
    assert_eq!(read_reply(&mut s).status, 413);
    // Exactly 1 MiB is read (and then judged: not JSON).
    let r = fake.call("POST", "/v2/videos/generate", &[], &"a".repeat(1 << 20));
    assert_eq!((r.status, r.json()["error"].as_str()), (400, Some("Request body must be JSON")));
    // Chunked bodies are read to the same limit: 1 MiB + 1 in two chunks is refused.
    let mut s = fake.connect();
    write!(s, "POST /v2/videos/generate HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n", fake.addr).unwrap();
    s.write_all(&vec![b'a'; 1 << 20]).unwrap();
    write!(s, "\r\n1\r\na\r\n0\r\n\r\n").unwrap();
    assert_eq!(read_reply(&mut s).status, 413);
    // Any other transfer coding is not read.
    let mut s = fake.connect();
    write!(s, "POST /v2/videos/generate HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", fake.addr).unwrap();
    assert_eq!(read_reply(&mut s).status, 501);
    let log = fake.get("/__fake/log").json();
    assert_eq!(log.as_array().unwrap().len(), 1, "refused requests reach no route: {log}");
    assert_eq!(log[0]["status"], 400);
    // A chunked body within the limit is read like any other.
    let mut s = fake.connect();
    write!(s, "POST /v2/videos/generate HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", fake.addr)
        .unwrap();
    assert_eq!(read_reply(&mut s).status, 400, "read, then judged: not JSON");
}

/// Reads in another thread while `drip` runs; returns what came back and when.
fn answer_while(mut s: TcpStream, drip: impl FnOnce(&mut TcpStream, &dyn Fn() -> bool)) -> (Vec<u8>, Duration) {
    let started = Instant::now();
    let mut reader = s.try_clone().unwrap();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = done.clone();
    let t = std::thread::spawn(move || {
        let mut raw = Vec::new();
        let _ = reader.read_to_end(&mut raw);
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
        (raw, started.elapsed())
    });
    drip(&mut s, &|| done.load(std::sync::atomic::Ordering::SeqCst));
    t.join().unwrap()
}

#[test]
fn a_slow_loris_head_times_out() {
    let fake = Fake::start(&["--head-timeout-ms", "600"]);
    let s = fake.connect();
    let (raw, took) = answer_while(s, |s, done| {
        let _ = write!(s, "GET /__fake/config HTTP/1.1\r\nHost: {}\r\n", fake.addr);
        // One header byte every 50 ms: progress, but never a whole head.
        let until = Instant::now() + Duration::from_secs(4);
        while !done() && Instant::now() < until {
            if s.write_all(b"X").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let r = parse_reply(&raw).expect("an answer");
    assert_eq!(r.status, 408);
    assert!(took >= Duration::from_millis(550) && took < Duration::from_millis(2500), "closed after {took:?}");
}

#[test]
fn a_connection_that_says_nothing_is_closed_silently_at_the_head_timeout() {
    let fake = Fake::start(&["--head-timeout-ms", "500"]);
    let mut s = fake.connect();
    let started = Instant::now();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let took = started.elapsed();
    assert!(raw.is_empty(), "{raw:?}");
    assert!(took >= Duration::from_millis(450) && took < Duration::from_millis(2500), "closed after {took:?}");
}

#[test]
fn a_stalled_body_is_cut_off_at_the_idle_timeout() {
    let fake = Fake::start(&["--idle-timeout-ms", "500"]);
    let mut s = fake.connect();
    let started = Instant::now();
    write!(s, "POST /v2/videos/generate HTTP/1.1\r\nHost: {}\r\nContent-Length: 100\r\n\r\n{{\"prompt\"", fake.addr).unwrap();
    let r = read_reply(&mut s);
    let took = started.elapsed();
    assert_eq!(r.status, 408);
    assert!(took >= Duration::from_millis(450) && took < Duration::from_millis(2500), "closed after {took:?}");
}

#[test]
fn a_client_that_stops_reading_is_cut_off_at_the_idle_timeout() {
    let fake = Fake::start(&["--idle-timeout-ms", "400"]);
    assert_eq!(fake.post("/__fake/faults", r#"{"route": "jobs", "kind": "huge"}"#).status, 200);
    let mut s = fake.connect();
    s.write_all(&request(&fake.addr, "GET", &format!("/v2/jobs/{ANY_UUID}"), &[], "")).unwrap();
    // Read nothing while the socket buffers fill and the fake's writes stall.
    std::thread::sleep(Duration::from_millis(1500));
    let (mut total, mut chunk) = (0usize, vec![0u8; 1 << 16]);
    let started = Instant::now();
    loop {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
        assert!(started.elapsed() < Duration::from_secs(5), "still streaming after {total} bytes");
    }
    assert!(total > 0 && total < 64 << 20, "read {total} bytes of a 160 MiB answer before the fake hung up");
    // The fake itself is fine.
    assert_eq!(fake.get("/__fake/config").status, 200);
}

#[test]
fn idle_connections_make_room_for_real_requests() {
    let fake = Fake::start(&["--max-connections", "4", "--head-timeout-ms", "8000"]);
    let mut idle: Vec<TcpStream> = (0..4).map(|_| fake.connect()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    assert_eq!(fake.get("/__fake/config").status, 200);
    assert!(started.elapsed() < Duration::from_secs(2), "served after {:?}", started.elapsed());
    // The oldest idle connection was closed to make room.
    idle[0].set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(idle[0].read(&mut buf).unwrap(), 0);
    // Every request gets through while idle sockets keep coming.
    for _ in 0..6 {
        idle.push(fake.connect());
        assert_eq!(fake.get("/__fake/config").status, 200);
    }
}

#[test]
fn when_every_connection_does_real_work_a_newcomer_gets_503() {
    let fake = Fake::start(&["--max-connections", "3"]);
    assert_eq!(fake.post("/__fake/faults", r#"{"kind": "slow", "delayMs": 2000, "count": 3}"#).status, 200);
    let addr = fake.addr;
    let busy: Vec<_> = (0..3)
        .map(|_| {
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(addr).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                s.write_all(&request(&addr, "GET", &format!("/v2/jobs/{ANY_UUID}"), &[], "")).unwrap();
                read_reply(&mut s).status
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let mut s = fake.connect();
    let r = read_reply(&mut s);
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert!(r.header("date").is_some_and(|d| d.ends_with(" GMT")), "dated like every answer: {:?}", r.headers);
    assert!(started.elapsed() < Duration::from_millis(1500));
    for t in busy {
        assert_eq!(t.join().unwrap(), 404, "the slow requests are answered in full");
    }
    assert_eq!(fake.get("/__fake/config").status, 200, "places are free again");
}

#[test]
fn line_breaks_in_echoed_fault_values_are_refused() {
    let fake = Fake::start(&[]);
    for fault in [
        r#"{"kind": "status", "status": 429, "retryAfter": "1\r\nSet-Cookie: session=stolen"}"#,
        r#"{"kind": "status", "status": 429, "retryAfter": "1\nSet-Cookie: session=stolen"}"#,
        r#"{"kind": "status", "status": 429, "retryAfter": "1\u0000"}"#,
        r#"{"kind": "redirect", "location": "http://127.0.0.1:9/\r\nSet-Cookie: session=stolen"}"#,
    ] {
        let r = fake.post("/__fake/faults", fault);
        assert_eq!(r.status, 400, "{fault}");
    }
    // Nothing was queued: later answers are plain, with no injected header.
    let r = fake.get(&format!("/v2/jobs/{ANY_UUID}"));
    assert_eq!(r.status, 404);
    assert!(r.header("set-cookie").is_none() && r.header("retry-after").is_none(), "{:?}", r.headers);
    // A one-line value is echoed as given.
    assert_eq!(fake.post("/__fake/faults", r#"{"kind": "status", "status": 429, "retryAfter": "2"}"#).status, 200);
    let r = fake.get(&format!("/v2/jobs/{ANY_UUID}"));
    assert_eq!((r.status, r.header("retry-after")), (429, Some("2")));
    // Request headers with control characters are refused outright, so an
    // echoed key cannot carry one either.
    let r = fake.raw(format!("GET /v2/jobs/{ANY_UUID} HTTP/1.1\r\nHost: {}\r\nX-API-Key: a\rSet-Cookie: b\r\n\r\n", fake.addr).as_bytes());
    assert_eq!(r.status, 400);
}

#[test]
fn control_routes_answer_only_to_the_fakes_own_origin() {
    let fake = Fake::start(&[]);
    let own = fake.origin();
    let localhost = format!("http://localhost:{}", fake.addr.port());
    let other_port = format!("http://127.0.0.1:{}", fake.addr.port() as u32 % 65535 + 1);
    let foreign_host = format!("evil.example:{}", fake.addr.port());
    for (method, path, headers) in [
        ("GET", "/__fake/log", vec![("Origin", "http://evil.example")]),
        ("POST", "/__fake/reset", vec![("Origin", other_port.as_str())]),
        ("POST", "/__fake/faults", vec![("Origin", "null")]),
        ("GET", "/__fake/log", vec![("Host", foreign_host.as_str())]),
        ("GET", "/__fake/log", vec![("Sec-Fetch-Site", "cross-site")]),
        ("GET", "/__fake/log", vec![("Sec-Fetch-Site", "same-site")]),
        ("OPTIONS", "/__fake/faults", vec![("Origin", "http://evil.example"), ("Access-Control-Request-Method", "POST")]),
        ("OPTIONS", "/__fake/log", vec![]),
    ] {
        let r = fake.call(method, path, &headers, r#"{"kind": "drop"}"#);
        assert_eq!(r.status, 403, "{method} {path} {headers:?}");
        assert!(!r.has_cors(), "{method} {path}: {:?}", r.headers);
    }
    // The refused POST queued no fault: the API answers normally.
    assert_eq!(fake.get(&format!("/v2/jobs/{ANY_UUID}")).status, 404);
    // Same origin (as a page the fake serves would send it), or none at all
    // (Node, curl): served, still without CORS headers.
    for headers in [vec![], vec![("Origin", own.as_str())], vec![("Origin", localhost.as_str())], vec![("Sec-Fetch-Site", "same-origin")]] {
        let r = fake.call("GET", "/__fake/config", &headers, "");
        assert_eq!(r.status, 200, "{headers:?}");
        assert!(!r.has_cors(), "{:?}", r.headers);
    }
    // The API keeps its CORS for pages on other origins.
    let r = fake.call("GET", &format!("/v2/jobs/{ANY_UUID}"), &[("Origin", "http://127.0.0.1:5173")], "");
    assert_eq!(r.header("access-control-allow-origin"), Some("http://127.0.0.1:5173"));
    let r =
        fake.call("OPTIONS", "/v2/videos/generate", &[("Origin", "http://127.0.0.1:5173"), ("Access-Control-Request-Method", "POST")], "");
    assert_eq!((r.status, r.header("access-control-allow-origin")), (204, Some("http://127.0.0.1:5173")));
}

#[test]
fn the_log_jobs_and_idempotency_keys_keep_only_the_newest_entries() {
    let fake = Fake::start(&["--max-entries", "5"]);
    let mut ids = Vec::new();
    for i in 0..8 {
        let key = format!("key-{i}");
        let r = fake.call("POST", "/v2/videos/generate", &[("Idempotency-Key", &key)], &horse(&format!(" #{i}")));
        assert_eq!(r.status, 202);
        ids.push(r.json()["jobId"].as_str().unwrap().to_string());
    }
    let log = fake.get("/__fake/log").json();
    assert_eq!(log.as_array().unwrap().len(), 5);
    // Jobs: the three oldest are gone, the newest are there.
    assert_eq!(fake.get(&format!("/v2/jobs/{}", ids[2])).status, 404);
    assert_eq!(fake.get(&format!("/v2/jobs/{}", ids[3])).status, 200);
    assert_eq!(fake.get(&format!("/v2/jobs/{}", ids[7])).status, 200);
    // Idempotency: a forgotten key takes a new body; a remembered one does not.
    let other = horse(" (changed)");
    assert_eq!(fake.call("POST", "/v2/videos/generate", &[("Idempotency-Key", "key-0")], &other).status, 202);
    assert_eq!(fake.call("POST", "/v2/videos/generate", &[("Idempotency-Key", "key-7")], &other).status, 409);
    // The log holds the five newest requests, oldest first.
    let log = fake.get("/__fake/log").json();
    let seen: Vec<(String, u64)> =
        log.as_array().unwrap().iter().map(|e| (e["method"].as_str().unwrap().to_string(), e["status"].as_u64().unwrap())).collect();
    let want: Vec<(String, u64)> =
        [("GET", 404), ("GET", 200), ("GET", 200), ("POST", 202), ("POST", 409)].iter().map(|(m, s)| (m.to_string(), *s)).collect();
    assert_eq!(seen, want);
    // The fault queue refuses past the same bound.
    for _ in 0..5 {
        assert_eq!(fake.post("/__fake/faults", r#"{"route": "jobs", "kind": "malformed"}"#).status, 200);
    }
    assert_eq!(fake.post("/__fake/faults", r#"{"route": "jobs", "kind": "malformed"}"#).status, 400);
}

#[test]
fn it_listens_on_loopback_only() {
    let fake = Fake::start(&[]);
    assert!(fake.addr.ip().is_loopback());
    for host in ["0.0.0.0", "::", "192.168.1.10", "example.com"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fake-apiframe")).args(["--port", "0", "--host", host]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "--host {host}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--host"), "{err}");
        assert!(out.stdout.is_empty(), "never listened: {}", String::from_utf8_lossy(&out.stdout));
    }
}
