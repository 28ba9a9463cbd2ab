//! The request log a test reads (`GET /__fake/log`): what the client really
//! sent. The API key is masked before it is stored.

use serde_json::{json, Value};

#[derive(Clone, Debug)]
pub struct Entry {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// Milliseconds since the server started.
    pub t_ms: f64,
    pub status: u16,
}

/// `afk_live_abcdef` → `afk_…(15 chars)`: enough to tell keys apart, never
/// the key.
pub fn mask_key(key: &str) -> String {
    let prefix: String = key.chars().take(4).collect();
    format!("{prefix}…({} chars)", key.chars().count())
}

pub fn entry_json(e: &Entry) -> Value {
    let headers: serde_json::Map<String, Value> = e.headers.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    json!({ "method": e.method, "path": e.path, "headers": headers, "t": e.t_ms, "status": e.status })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keys() {
        assert_eq!(mask_key("afk_live_secret"), "afk_…(15 chars)");
        assert!(!mask_key("afk_live_secret").contains("secret"));
    }
}
