//! Test helpers shared by the core's unit tests.

use crate::core::value::Value;

/// Converts a `serde_json` literal into the core's value.
pub fn value(v: &serde_json::Value) -> Value {
    Value::from(v)
}
