//! The JS-facing shapes of the core's answers (`Report`, `Issue`,
//! `Estimate`, `HttpRequest`), as [`Value`]s whose JSON is exactly what the
//! TypeScript declarations promise. One place decides every field name.

use crate::core::cost::Estimate;
use crate::core::issue::{Issue, Report};
use crate::core::request::HttpRequest;
use crate::core::value::Value;

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn obj(props: Vec<(&str, Value)>) -> Value {
    Value::Object(props.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

pub fn issue(i: &Issue) -> Value {
    obj(vec![("path", s(&i.path)), ("code", s(i.code.as_str())), ("message", s(&i.message))])
}

pub fn issues(list: &[Issue]) -> Value {
    Value::Array(list.iter().map(issue).collect())
}

pub fn report(r: &Report) -> Value {
    obj(vec![
        ("ok", Value::Bool(r.ok())),
        ("mode", r.mode.map_or(Value::Null, |m| s(m.as_str()))),
        ("errors", issues(&r.errors)),
        ("warnings", issues(&r.warnings)),
    ])
}

pub fn estimate(e: &Estimate) -> Value {
    obj(vec![
        ("credits", Value::Number(e.credits.into())),
        ("creditsPerSecond", Value::Number(e.credits_per_second.into())),
        ("seconds", Value::Number(e.seconds.into())),
        ("resolution", s(e.resolution)),
        ("assumedDuration", Value::Bool(e.assumed_duration)),
    ])
}

pub fn http_request(r: &HttpRequest) -> Value {
    obj(vec![
        ("method", s(r.method)),
        ("url", s(&r.url)),
        ("headers", Value::Object(r.headers.iter().map(|(k, v)| (k.to_string(), s(v))).collect())),
        ("body", s(&r.body)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::testing::value;
    use serde_json::json;

    #[test]
    fn report_shape_matches_the_contract() {
        let r = crate::core::validate(&value(&json!({"prompt": ""})));
        let js: serde_json::Value = serde_json::from_str(&report(&r).to_json()).unwrap();
        assert_eq!(
            js,
            json!({"ok": false, "mode": "text-to-video", "errors": [{"path": "prompt", "code": "PROMPT_EMPTY", "message": r.errors[0].message}], "warnings": []})
        );
    }

    #[test]
    fn estimate_and_request_shapes() {
        let e = crate::core::estimate(&value(&json!({"prompt": "x"}))).unwrap();
        let js: serde_json::Value = serde_json::from_str(&estimate(&e).to_json()).unwrap();
        assert_eq!(js, json!({"credits": 155, "creditsPerSecond": 31, "seconds": 5, "resolution": "1080p", "assumedDuration": true}));
        let r = crate::core::build_request(&value(&json!({"prompt": "x"})), &Value::Undefined, "k").unwrap();
        let js: serde_json::Value = serde_json::from_str(&http_request(&r).to_json()).unwrap();
        assert_eq!(js["headers"], json!({"Content-Type": "application/json", "Idempotency-Key": "k"}));
        assert_eq!(js["method"], "POST");
    }
}
