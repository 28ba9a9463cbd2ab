//! Talking to the upstream in proxy mode. Plain `http://` upstreams (the
//! fake itself, in tests) use the built-in client; `https://` needs TLS,
//! which this fake does not link — put a TLS-terminating proxy in front, or
//! run the README's production proxy instead.

use crate::http::Response;

pub async fn send(method: &str, url: &str, headers: &[(String, String)], body: &[u8]) -> Result<Response, String> {
    if url.starts_with("https://") {
        return Err("https upstreams are not supported by the fake's built-in client".into());
    }
    crate::http::send(method, url, headers, body).await.map_err(|e| e.to_string())
}
