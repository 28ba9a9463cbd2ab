//! The proxy's one upstream exchange: the two routes `createProxy` forwards,
//! sent with the owner's key over the same wire as the client (`io::send`: no
//! redirects, a capped body, a timeout).

use crate::core::error::Error;
use crate::core::job::exchange::{Answer, Outgoing};
use crate::core::request::service_headers;
use crate::core::spec::{GENERATE_PATH, JOBS_PATH};
use crate::core::text::cat;
use crate::io::send::send;
use crate::server::proxy_policy::{ProxyConfig, Route};

/// Sends `route` upstream: `body` is the validated, re-serialized request
/// of a submit; `idempotency_key` the caller's, already checked. The answer
/// whatever its status, or the error (a redirect, an oversized body, the
/// network, the timeout), with the key redacted.
pub(crate) async fn forward(
    config: &ProxyConfig,
    route: &Route,
    body: Option<String>,
    idempotency_key: Option<&str>,
) -> Result<Answer, Error> {
    let submit = !matches!(route, Route::Job(_));
    let url = match route {
        Route::Job(id) => cat(&[&config.upstream, JOBS_PATH, id]),
        _ => cat(&[&config.upstream, GENERATE_PATH]),
    };
    let out = Outgoing {
        method: if submit { "POST" } else { "GET" },
        url,
        headers: service_headers(Some(&config.api_key), submit, idempotency_key),
        body,
        timeout_ms: config.timeout_ms,
    };
    send(&out, None).await.answer(config.timeout_ms).map_err(|e| e.redact(Some(&config.api_key)))
}
