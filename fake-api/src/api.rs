//! The two routes of the service the package uses, as the provider's
//! schema describes them: `POST /v2/videos/generate` (bodies checked
//! against that schema, see `schema.rs`) and `GET /v2/jobs/{id}`, with its
//! error envelopes. Credit costs come from the package's `estimate`.

use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

use crate::http::{Request, Response};
use crate::jobs::{Job, Webhook};
use crate::schema::Schema;
use crate::state::{Config, State};

pub fn error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "error": message }))
}

/// 401/403 per the configured key, or `None` when the request may pass.
pub fn check_key(config: &Config, req: &Request) -> Option<Response> {
    let key = req.header("x-api-key");
    if key == Some("afk_inactive") {
        return Some(error(403, "API key is inactive"));
    }
    match (&config.api_key, key) {
        (None, _) => None,
        (Some(want), Some(got)) if want == got => None,
        (Some(_), None) => Some(error(401, "Missing API key: pass it as the X-API-Key header")),
        (Some(_), Some(_)) => Some(error(401, "Invalid API key")),
    }
}

/// `POST /v2/videos/generate`: a body the provider's schema accepts becomes
/// a job (or, under a known `Idempotency-Key`, the job it made before).
pub fn submit(state: &Arc<Mutex<State>>, schema: &Schema, req: &Request, origin: &str) -> (Response, Option<Job>) {
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return (error(400, "Request body must be JSON"), None);
    };
    if let Some(details) = schema.check(&body) {
        return (Response::json(400, &crate::schema::rejection(details)), None);
    }
    let raw_body = String::from_utf8_lossy(&req.body).to_string();
    let mut s = state.lock().expect("state lock");
    let key = req.header("idempotency-key").map(str::to_string);
    if let Some(k) = &key {
        // Counted as the client counts it, in UTF-16 units (a JS string's
        // length); for the visible ASCII a header carries, that is chars too.
        if k.encode_utf16().count() > happyhorse::core::spec::IDEMPOTENCY_KEY_MAX {
            return (
                Response::json(
                    400,
                    &json!({"error": "Validation failed", "details": {"Idempotency-Key": [format!("String must contain at most {} character(s)", happyhorse::core::spec::IDEMPOTENCY_KEY_MAX)]}}),
                ),
                None,
            );
        }
        if let Some((seen_body, job_id)) = s.idempotency.get(k).cloned() {
            if seen_body != raw_body {
                return (error(409, "Idempotency-Key was already used with a different request body"), None);
            }
            let now = s.clock.now_ms();
            let State { jobs, rng, .. } = &mut *s;
            let status = jobs.get(&job_id).map(|j| j.snapshot(now, rng).status).unwrap_or_else(|| "QUEUED".into());
            return (Response::json(202, &json!({ "jobId": job_id, "status": status })), None);
        }
    }
    let credits = happyhorse::core::estimate(&happyhorse::core::Value::from(&body)).map(|e| e.credits).unwrap_or(0);
    let webhook = body.get("webhookUrl").and_then(Value::as_str).map(|url| Webhook {
        url: url.to_string(),
        events: body
            .get("webhookEvents")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_else(|| vec!["completed".into(), "failed".into()]),
        api_key: req.header("x-api-key").unwrap_or("").to_string(),
    });
    let id = s.rng.uuid();
    let settings = s.settings.clone();
    let created = s.clock.now_ms();
    let job = Job::new(id.clone(), &body, &settings, created, credits, format!("{origin}/media/sample.webm"), webhook);
    let weight = raw_body.len() + 512;
    s.jobs.insert(id.clone(), job.clone(), weight);
    if let Some(k) = key {
        let weight = weight + k.len();
        s.idempotency.insert(k, (raw_body, id.clone()), weight);
    }
    (Response::json(202, &json!({ "jobId": id, "status": "QUEUED" })), Some(job))
}

fn looks_like_uuid(id: &str) -> bool {
    id.len() == 36 && id.bytes().enumerate().all(|(i, b)| if matches!(i, 8 | 13 | 18 | 23) { b == b'-' } else { b.is_ascii_hexdigit() })
}

pub fn get_job(state: &Arc<Mutex<State>>, id: &str) -> Response {
    if !looks_like_uuid(id) {
        return error(400, "Invalid job id: expected a UUID");
    }
    let mut s = state.lock().expect("state lock");
    let now = s.clock.now_ms();
    let State { jobs, rng, .. } = &mut *s;
    match jobs.get(id) {
        Some(job) => {
            let snap = job.snapshot(now, rng);
            Response::json(200, &job.to_json(&snap))
        }
        None => error(404, "Job not found"),
    }
}

/// Default bodies for injected error statuses, per the provider's schema.
pub fn fault_body(status: u16) -> Value {
    match status {
        400 => json!({"error": "Validation failed", "details": {"prompt": ["Injected validation failure"]}}),
        401 => json!({"error": "Invalid API key"}),
        402 => json!({"error": "Insufficient credits", "creditsRequired": 310, "creditsAvailable": 12}),
        403 => json!({"error": "API key is inactive"}),
        404 => json!({"error": "Job not found"}),
        409 => json!({"error": "Idempotency-Key was already used with a different request body"}),
        429 => json!({"error": "Rate limit exceeded"}),
        _ => json!({"error": "Service temporarily unavailable"}),
    }
}
