//! A JSON-like value the core checks, independent of where it came from.
//!
//! The wasm boundary converts any JS value into this (including the kinds
//! JSON has no room for, kept as [`Value::Other`] so checks can name them);
//! native callers build it by hand or, with the `json` feature, from
//! `serde_json::Value`. The core never sees a `JsValue`.

/// One value of a request, as received.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// JS `undefined` (object properties holding it are dropped on
    /// conversion, as `JSON.stringify` drops them).
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// A string whose text was not copied out of JS: longer than
    /// [`crate::core::limits::MAX_STRING_UNITS`], or a prompt whose checks
    /// need only its length (the wasm boundary's fast path: it starts with a
    /// visible character and holds no "image"). The length is in UTF-16
    /// units.
    Unread {
        utf16_len: usize,
    },
    Array(Vec<Value>),
    /// Properties in their original order.
    Object(Vec<(String, Value)>),
    /// Anything JSON cannot carry, named for messages: `"a function"`,
    /// `"a BigInt"`, `"a symbol"`, or what could not be read, such as
    /// `"a cycle (an object that contains itself)"`.
    Other(&'static str),
}

impl Value {
    /// Property `key` of an object; `None` for absent keys and non-objects.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(props) => props.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The article-led name of this value's kind, used in error messages
    /// ("expected a string, got a number").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(n) if n.is_nan() => "NaN",
            Value::Number(_) => "a number",
            Value::String(_) | Value::Unread { .. } => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
            Value::Other(what) => what,
        }
    }

    /// Compact JSON text of this value. Undefined and [`Value::Other`] become
    /// `null` and non-finite numbers `null`, as `JSON.stringify` does.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_json(self, &mut out);
        out
    }
}

fn write_json(value: &Value, out: &mut String) {
    match value {
        // Never reached for a body that is sent: the boundary copies every
        // string when it builds one.
        Value::Undefined | Value::Null | Value::Other(_) | Value::Unread { .. } => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(*n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(props) => {
            out.push('{');
            for (i, (key, item)) in props.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
    }
}

/// Writes a number the way `JSON.stringify` does for the numbers this
/// package ever serialises: integers. Every number in a valid request body
/// (`duration`, `seed`) and in every answer (credits, limits) is a whole
/// number, so fractions are written as `null` rather than linking float
/// formatting (several KB of wasm) for a path no valid input reaches.
fn write_number(n: f64, out: &mut String) {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        if n < 0.0 {
            out.push('-');
        }
        push_u64(n.abs() as u64, out);
    } else {
        out.push_str("null");
    }
}

/// Writes `n` in decimal without `core::fmt`.
pub fn push_u64(mut n: u64, out: &mut String) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(d as char);
    }
}

fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let b = c as u32 as usize;
                out.push_str("\\u00");
                out.push(HEX[b >> 4] as char);
                out.push(HEX[b & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// As JSON-compatible data (for `Job.raw`: a body as the service sent it);
/// kinds JSON has no room for become `null`.
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Undefined | Value::Null | Value::Other(_) | Value::Unread { .. } => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) if n.is_finite() => s.serialize_f64(*n),
            Value::Number(_) => s.serialize_unit(),
            Value::String(v) => s.serialize_str(v),
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(props) => {
                let mut map = s.serialize_map(Some(props.len()))?;
                for (k, v) in props {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(any(test, feature = "json"))]
impl From<&serde_json::Value> for Value {
    fn from(v: &serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::Array(a.iter().map(Value::from).collect()),
            serde_json::Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), Value::from(v))).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(props: &[(&str, Value)]) -> Value {
        Value::Object(props.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn json_text_escapes_and_orders_like_json_stringify() {
        let v = obj(&[
            ("b", Value::String("say \"hi\"\n\u{1}é".into())),
            ("a", Value::Array(vec![Value::Number(5.0), Value::Number(-3.0), Value::Bool(true), Value::Null])),
            ("d", Value::Number(f64::NAN)),
        ]);
        assert_eq!(v.to_json(), r#"{"b":"say \"hi\"\n\u0001é","a":[5,-3,true,null],"d":null}"#);
        let back: serde_json::Value = serde_json::from_str(&v.to_json()).unwrap();
        assert_eq!(back["b"], "say \"hi\"\n\u{1}é");
    }

    #[test]
    fn fractions_are_not_serialised() {
        assert_eq!(Value::Number(0.5).to_json(), "null");
        assert_eq!(Value::Number(f64::INFINITY).to_json(), "null");
    }

    #[test]
    fn integers_print_exactly() {
        for n in [0u64, 7, 10, 2147483647, 9_007_199_254_740_991] {
            assert_eq!(crate::core::text::num(n), n.to_string());
            assert_eq!(Value::Number(n as f64).to_json(), n.to_string());
        }
    }

    #[test]
    fn get_finds_properties_only_on_objects() {
        let v = obj(&[("prompt", Value::String("x".into()))]);
        assert_eq!(v.get("prompt").and_then(Value::as_str), Some("x"));
        assert_eq!(v.get("model"), None);
        assert_eq!(Value::Array(vec![]).get("prompt"), None);
    }
}
