//! Proxy mode (`--upstream URL`): forwards `/v2/*` to the real service (or
//! any upstream, http or https), adding `X-API-Key` from the server's
//! environment, so the key never reaches the page. The pattern the README recommends for
//! production, in miniature.

use crate::http::{Request, Response};

/// Headers passed on from the page; everything else stays behind.
const FORWARDED: &[&str] = &["content-type", "idempotency-key", "accept"];
/// Headers passed back to the page.
const RETURNED: &[&str] = &["content-type", "retry-after", "x-request-id"];

pub async fn forward(tls: &std::sync::Arc<rustls::ClientConfig>, upstream: &str, key: Option<&str>, req: &Request) -> Response {
    let url = format!("{}{}{}{}", upstream.trim_end_matches('/'), req.path, if req.query.is_empty() { "" } else { "?" }, req.query);
    let mut headers: Vec<(String, String)> = req.headers.iter().filter(|(k, _)| FORWARDED.contains(&k.as_str())).cloned().collect();
    if let Some(k) = key {
        headers.push(("X-API-Key".into(), k.to_string()));
    }
    match crate::upstream::send(tls, &req.method, &url, &headers, &req.body).await {
        Ok(r) => {
            let mut out = Response { status: r.status, headers: Vec::new(), body: r.body };
            for (k, v) in r.headers {
                if RETURNED.contains(&k.as_str()) {
                    out.headers.push((k, v));
                }
            }
            out
        }
        Err(e) => Response::json(502, &serde_json::json!({"error": format!("upstream unreachable: {e}")})),
    }
}
