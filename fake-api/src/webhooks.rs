//! Webhook delivery: the service's events, signed as the provider signs
//! them — `X-Webhook-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw
//! body keyed with the bytes of SHA-256(API key).

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub fn sign(api_key: &str, body: &[u8]) -> String {
    let key = Sha256::digest(api_key.as_bytes());
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("HMAC takes keys of any length");
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// The event body for `job_json` (a `Job` body).
pub fn event_body(event: &str, job_json: &Value) -> Value {
    json!({
        "event": event,
        "jobId": job_json["id"],
        "status": job_json["status"],
        "progress": job_json["progress"],
        "result": job_json["result"],
        "error": job_json["error"],
        "model": job_json["model"],
        "creditCost": job_json["creditCost"],
        "completedAt": job_json["completedAt"],
    })
}

/// POSTs one signed event; errors are reported, not retried (a fake).
pub async fn deliver(url: &str, api_key: &str, body: &Value) -> Result<u16, String> {
    let raw = body.to_string();
    let headers = vec![
        ("Content-Type".to_string(), "application/json".to_string()),
        ("X-Webhook-Signature".to_string(), sign(api_key, raw.as_bytes())),
    ];
    crate::http::send("POST", url, &headers, raw.as_bytes()).await.map(|r| r.status).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_an_independent_computation() {
        // From Node's crypto: createHmac('sha256', createHash('sha256').update('afk_test').digest())
        //   .update('{"a":1}').digest('hex')
        assert_eq!(sign("afk_test", br#"{"a":1}"#), "sha256=e87367b2ce92e59148884c5bf1c32134abf3e782e727da40018efc3b1650c566");
    }
}
