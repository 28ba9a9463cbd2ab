//! The JS-facing shapes of the core's answers (`Issue`, `Estimate`,
//! `HttpRequest`), as [`Value`]s whose JSON is exactly what the TypeScript
//! declarations promise, and the packed form of a `Report`'s issues that
//! `wasm/output.js` unpacks (`tests/node/types.test.mjs` pins both shapes
//! to the declarations).

use crate::core::cost::Estimate;
use crate::core::issue::Issue;
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

/// Issues packed for `wasm/output.js`: `path \u{1} code \u{1} message`,
/// joined by `\u{2}` (`\u{3}` separates errors from warnings; none can occur in a path, a code or a message we
/// write; user text quoted in messages has them replaced).
pub fn pack_issues(list: &[Issue]) -> String {
    let mut out = String::new();
    for (n, i) in list.iter().enumerate() {
        if n > 0 {
            out.push('\u{2}');
        }
        for (k, part) in [i.path.as_str(), i.code.as_str(), i.message.as_str()].into_iter().enumerate() {
            if k > 0 {
                out.push('\u{1}');
            }
            if part.bytes().any(|b| matches!(b, 1..=3)) {
                out.extend(part.chars().map(|c| if matches!(c, '\u{1}' | '\u{2}' | '\u{3}') { '\u{fffd}' } else { c }));
            } else {
                out.push_str(part); // the common case: one copy, no per-char work
            }
        }
    }
    out
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
    fn packed_issues_split_back_into_fields() {
        let r = crate::core::validate(&value(&json!({"prompt": "\u{1}\u{2}", "x": 1})));
        let packed = pack_issues(&r.errors);
        let issues: Vec<Vec<&str>> = packed.split('\u{2}').map(|i| i.split('\u{1}').collect()).collect();
        assert_eq!(issues.len(), r.errors.len());
        assert!(issues.iter().all(|i| i.len() == 3));
        assert_eq!(issues[0], [r.errors[0].path.as_str(), r.errors[0].code.as_str(), r.errors[0].message.as_str()]);
        assert_eq!(pack_issues(&[]), "");
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
