//! Webhook delivery: the service's events, signed as the provider signs
//! them — `X-Webhook-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw
//! body keyed with the bytes of SHA-256(API key).
//!
//! The fake delivers only to this machine: a `webhookUrl` must be plain
//! `http://` and name a loopback address (`127.0.0.0/8`, `[::1]`, or a name
//! such as `localhost` that resolves to one). Anything else is skipped with
//! a note on stderr, so a page that can reach the fake cannot make it send
//! requests into the network around it. Each delivery is bounded in time
//! and in how much of the answer is read.

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::http::{is_field_value, split_url};

/// A whole delivery: connect, send, read the status line.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// Of the receiver's answer, only the status line is read, within this much.
const ANSWER_BYTES: usize = 8 * 1024;

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
    let headers = [("Content-Type", "application/json".to_string()), ("X-Webhook-Signature", sign(api_key, raw.as_bytes()))];
    match tokio::time::timeout(DELIVERY_TIMEOUT, post(url, &headers, raw.as_bytes())).await {
        Ok(r) => r,
        Err(_) => Err(format!("no answer within {} s", DELIVERY_TIMEOUT.as_secs())),
    }
}

/// Where `url` may be delivered: its host's first loopback address.
pub async fn loopback_target(url: &str) -> Result<(SocketAddr, &str, &str), String> {
    let rest = url.strip_prefix("http://").ok_or("only http:// webhook URLs are delivered (the fake has no TLS)")?;
    let (authority, path) = split_url(rest);
    if authority.is_empty() || authority.contains('@') || !is_field_value(authority) || !is_field_value(path) || path.contains(' ') {
        return Err("not a deliverable http:// URL".into());
    }
    let with_port = if authority.ends_with(']') || !authority.contains(':') { format!("{authority}:80") } else { authority.to_string() };
    let addrs = tokio::net::lookup_host(with_port).await.map_err(|e| format!("cannot resolve {authority}: {e}"))?;
    let mut addrs = addrs.collect::<Vec<_>>().into_iter();
    let addr = addrs
        .find(|a| a.ip().is_loopback())
        .ok_or_else(|| format!("{authority} is not a loopback address: the fake delivers webhooks only to this machine"))?;
    Ok((addr, authority, path))
}

async fn post(url: &str, headers: &[(&str, String)], body: &[u8]) -> Result<u16, String> {
    let (addr, authority, path) = loopback_target(url).await?;
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    stream.write_all(head.as_bytes()).await.map_err(|e| e.to_string())?;
    stream.write_all(body).await.map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    let mut chunk = [0u8; 1024];
    while !answer.windows(2).any(|w| w == b"\r\n") && answer.len() < ANSWER_BYTES {
        let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&chunk[..n]);
    }
    let line = String::from_utf8_lossy(&answer);
    line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| "malformed HTTP answer".to_string())
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

    #[tokio::test]
    async fn delivers_only_to_loopback() {
        let ok = loopback_target("http://127.0.0.1:9/hook").await.unwrap();
        assert_eq!((ok.0.port(), ok.1, ok.2), (9, "127.0.0.1:9", "/hook"));
        assert!(loopback_target("http://[::1]:9/h").await.is_ok());
        assert_eq!(loopback_target("http://127.0.0.1/h").await.unwrap().0.port(), 80);
        for refused in [
            "http://10.0.0.1:9/h",
            "http://192.168.1.1/h",
            "http://8.8.8.8/h",
            "http://[2001:db8::1]:9/h",
            "https://127.0.0.1:9/h",
            "http://user@127.0.0.1:9/h",
            "http://127.0.0.1:9/a\r\nX: y",
            "ftp://127.0.0.1/h",
        ] {
            assert!(loopback_target(refused).await.is_err(), "{refused}");
        }
    }
}
