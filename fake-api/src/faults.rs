//! Faults a test switches on: `POST /__fake/faults` queues one; the next
//! matching request(s) get it instead of (or after) the normal answer.
//!
//! `{"route": "generate"|"jobs"|"any", "kind": ..., "count": 1, ...}` with
//! kinds:
//! - `status`: answer `status` (e.g. 429, 402, 500, 503) with `body` or a
//!   fitting error envelope, and `retryAfter` as `Retry-After` when given;
//! - `drop`: close the connection without answering, doing nothing;
//! - `drop-after`: do the work (a submit creates its job), then close the
//!   connection without answering — "the answer was lost";
//! - `slow`: wait `delayMs`, then answer normally;
//! - `malformed`: answer 200/202 with a JSON body of the wrong shape;
//! - `nonjson`: answer 200/202 with a body that is not JSON.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Status { status: u16, body: Option<Value>, retry_after: Option<String> },
    Drop,
    DropAfter,
    Slow { delay_ms: u64 },
    Malformed,
    NonJson,
}

#[derive(Clone, Debug)]
pub struct Fault {
    pub route: String,
    pub kind: Kind,
    pub remaining: u32,
}

pub fn parse(v: &Value) -> Result<Fault, String> {
    let route = v.get("route").and_then(Value::as_str).unwrap_or("any").to_string();
    if !matches!(route.as_str(), "generate" | "jobs" | "any") {
        return Err(format!("route must be generate, jobs or any, got {route}"));
    }
    let count = v.get("count").and_then(Value::as_u64).unwrap_or(1).max(1) as u32;
    let kind = match v.get("kind").and_then(Value::as_str).unwrap_or("") {
        "status" => Kind::Status {
            status: v.get("status").and_then(Value::as_u64).filter(|s| (100..600).contains(s)).ok_or("status needs a status code")? as u16,
            body: v.get("body").cloned(),
            retry_after: v.get("retryAfter").map(|r| r.as_str().map_or_else(|| r.to_string(), str::to_string)),
        },
        "drop" => Kind::Drop,
        "drop-after" => Kind::DropAfter,
        "slow" => Kind::Slow { delay_ms: v.get("delayMs").and_then(Value::as_u64).unwrap_or(1000) },
        "malformed" => Kind::Malformed,
        "nonjson" => Kind::NonJson,
        other => return Err(format!("unknown fault kind {other:?}")),
    };
    Ok(Fault { route, kind, remaining: count })
}

/// Takes the first queued fault for `route`, if any.
pub fn take(queue: &mut Vec<Fault>, route: &str) -> Option<Kind> {
    let i = queue.iter().position(|f| f.route == route || f.route == "any")?;
    let kind = queue[i].kind.clone();
    queue[i].remaining -= 1;
    if queue[i].remaining == 0 {
        queue.remove(i);
    }
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queued_faults_are_consumed_in_order() {
        let mut q = vec![
            parse(&json!({"route": "jobs", "kind": "status", "status": 503, "count": 2})).unwrap(),
            parse(&json!({"kind": "drop"})).unwrap(),
        ];
        assert_eq!(take(&mut q, "generate"), Some(Kind::Drop));
        assert!(matches!(take(&mut q, "jobs"), Some(Kind::Status { status: 503, .. })));
        assert!(matches!(take(&mut q, "jobs"), Some(Kind::Status { status: 503, .. })));
        assert_eq!(take(&mut q, "jobs"), None);
        assert!(parse(&json!({"kind": "boom"})).is_err());
        let r = parse(&json!({"kind": "status", "status": 429, "retryAfter": 1})).unwrap();
        assert!(matches!(r.kind, Kind::Status { retry_after: Some(ref s), .. } if s == "1"));
    }
}
