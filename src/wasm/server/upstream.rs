//! The proxy's one upstream exchange: the two routes `createProxy` forwards,
//! sent with the owner's key over the same wire as the client (gloo-net, no
//! redirects, a capped body, a timeout).

use crate::core::error::Error;
use crate::server::proxy_policy::{ProxyConfig, Route};
use crate::core::spec::{GENERATE_PATH, JOBS_PATH};
use crate::core::text::cat;
use gloo_net::http::Method;

use crate::http::fetch::{exchange, Outgoing, Raw};

/// Sends `route` upstream: `body` is the validated, re-serialized request
/// of a submit; `idempotency_key` the caller's, already checked.
pub(crate) async fn forward(
    config: &ProxyConfig,
    route: &Route,
    body: Option<&str>,
    idempotency_key: Option<String>,
) -> Result<Raw, Error> {
    let mut headers = vec![("Accept", String::from("application/json")), ("X-API-Key", config.api_key.clone())];
    let (method, url) = match route {
        Route::Job(id) => (Method::GET, cat(&[&config.upstream, JOBS_PATH, id])),
        _ => {
            headers.push(("Content-Type", String::from("application/json")));
            if let Some(key) = idempotency_key {
                headers.push(("Idempotency-Key", key));
            }
            (Method::POST, cat(&[&config.upstream, GENERATE_PATH]))
        }
    };
    let out = Outgoing { method, url: &url, headers: &headers, body };
    exchange(&out, None, config.timeout_ms).await.map_err(|e| e.redact(Some(&config.api_key)))
}
