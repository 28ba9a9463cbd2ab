//! Reading the service's answers about jobs: `JobAccepted` from a submit
//! and `Job` from a poll, normalised for callers (`id` → `jobId`, video
//! URLs out of whatever shape `result` has).
//!
//! Unknown statuses pass through unchanged, so a status the service adds
//! later reaches `onUpdate` instead of failing the wait. A submit's `jobId`
//! must be a UUID (it becomes the path of every poll), and `Job::redact`
//! masks the key in every text a job carries.

use crate::core::value::Value;

/// The job states the package acts on (the service also reports PROCESSING,
/// which, like any status it adds later, passes through as it is).
pub const QUEUED: &str = "QUEUED";
pub const COMPLETED: &str = "COMPLETED";
pub const FAILED: &str = "FAILED";
pub const CANCELLED: &str = "CANCELLED";

/// The answer of a submit (`202`), as `{ jobId, status }`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Accepted {
    pub job_id: String,
    pub status: String,
}

/// A job as the client reports it (the `Job` TypeScript type).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub job_id: String,
    pub status: String,
    /// 0–100, or `None` when the service does not say.
    pub progress: Option<f64>,
    pub video_urls: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit_cost: Option<f64>,
    /// The service purged the result's files (24 h after completion): its
    /// URLs may 404.
    pub expired: bool,
    /// The body as received, for fields this package does not model.
    pub raw: Value,
}

impl Job {
    /// The job as a submit's answer describes it: its id and status, nothing
    /// known yet of progress or result.
    pub fn accepted(a: &Accepted) -> Job {
        Job {
            job_id: a.job_id.clone(),
            status: a.status.clone(),
            progress: None,
            video_urls: Vec::new(),
            error: None,
            credit_cost: None,
            expired: false,
            raw: Value::Object(vec![
                (String::from("jobId"), Value::String(a.job_id.clone())),
                (String::from("status"), Value::String(a.status.clone())),
            ]),
        }
    }

    /// Replaces `secret` wherever the service's text could carry it.
    pub fn redact(&mut self, secret: &str) {
        use crate::core::redact::redact_in;
        redact_in(&mut self.job_id, secret);
        redact_in(&mut self.status, secret);
        for url in &mut self.video_urls {
            redact_in(url, secret);
        }
        if let Some(e) = &mut self.error {
            redact_in(e, secret);
        }
        redact_value(&mut self.raw, secret);
    }

    /// Whether the job will not change any more.
    pub fn is_final(&self) -> bool {
        matches!(self.status.as_str(), COMPLETED | FAILED | CANCELLED)
    }
}

fn redact_value(v: &mut Value, secret: &str) {
    match v {
        Value::String(s) => crate::core::redact::redact_in(s, secret),
        Value::Array(items) => items.iter_mut().for_each(|i| redact_value(i, secret)),
        Value::Object(props) => props.iter_mut().for_each(|(k, i)| {
            crate::core::redact::redact_in(k, secret);
            redact_value(i, secret)
        }),
        _ => {}
    }
}

/// Why an answer could not be read.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BadResponse(pub &'static str);

fn non_empty_string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string)
}

pub(crate) fn parse_accepted(body: &Value) -> Result<Accepted, BadResponse> {
    if !matches!(body, Value::Object(_)) {
        return Err(BadResponse("the submit answer is not a JSON object"));
    }
    let job_id = non_empty_string(body.get("jobId")).ok_or(BadResponse("the submit answer has no jobId"))?;
    // The id goes into the URL of every poll, sent with the key, and into
    // errors for the caller to resume with: it must be the service's form.
    if !crate::core::uuid::is_uuid(&job_id) {
        return Err(BadResponse("the submit answer's jobId is not a UUID, as the service's ids are"));
    }
    let status = non_empty_string(body.get("status")).unwrap_or_else(|| QUEUED.to_string());
    Ok(Accepted { job_id, status })
}

pub(crate) fn parse_job(body: &Value) -> Result<Job, BadResponse> {
    if !matches!(body, Value::Object(_)) {
        return Err(BadResponse("the job answer is not a JSON object"));
    }
    let job_id =
        non_empty_string(body.get("id")).or_else(|| non_empty_string(body.get("jobId"))).ok_or(BadResponse("the job answer has no id"))?;
    let status = non_empty_string(body.get("status")).ok_or(BadResponse("the job answer has no status"))?;
    let progress = match body.get("progress") {
        Some(Value::Number(p)) if p.is_finite() => Some(p.clamp(0.0, 100.0)),
        _ => None,
    };
    let credit_cost = match body.get("creditCost") {
        Some(Value::Number(c)) if c.is_finite() => Some(*c),
        _ => None,
    };
    Ok(Job {
        job_id,
        status,
        progress,
        video_urls: video_urls(body.get("result")),
        error: non_empty_string(body.get("error")),
        credit_cost,
        expired: matches!(body.get("expired"), Some(Value::Bool(true))),
        raw: body.clone(),
    })
}

/// Whether `job`, read from `GET /v2/jobs/{asked}`, is an answer the client
/// can trust: it is about the job asked for (ids compared without case),
/// and a COMPLETED job that is not `expired` names its video.
pub(crate) fn check_job(job: &Job, asked: &str) -> Result<(), BadResponse> {
    if !job.job_id.eq_ignore_ascii_case(asked) {
        return Err(BadResponse("the service answered about another job than the one asked for"));
    }
    if job.status == COMPLETED && job.video_urls.is_empty() && !job.expired {
        return Err(BadResponse("the job is COMPLETED but the answer names no video URL"));
    }
    Ok(())
}

/// Video URLs from a `result` of any shape seen: a bare string,
/// `{videoUrl}`, `{videoUrls: [...]}`, `{url}`, or an array of those.
pub(crate) fn video_urls(result: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(r) = result {
        collect_urls(r, &mut out, 0);
    }
    out
}

fn collect_urls(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 3 {
        return;
    }
    match v {
        // Only an http(s) URL is a video's: a `javascript:` or `data:` one
        // (from a hostile answer, or a record another tab posted) would run
        // or render in the page that links it.
        Value::String(s) if crate::core::url::parse(s).is_ok_and(|u| u.is_web()) && !out.contains(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| collect_urls(i, out, depth + 1)),
        Value::Object(_) => {
            for key in ["videoUrl", "videoUrls", "url", "urls", "video"] {
                if let Some(inner) = v.get(key) {
                    collect_urls(inner, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::testing::value;
    use serde_json::json;

    #[test]
    fn reads_a_completed_job_with_either_result_shape() {
        for result in [
            json!("https://cdn.example/v.mp4"),
            json!({"videoUrl": "https://cdn.example/v.mp4"}),
            json!([{"url": "https://cdn.example/v.mp4"}]),
        ] {
            let j = parse_job(&value(
                &json!({"id": "j1", "status": "COMPLETED", "progress": 100, "result": result, "creditCost": 155, "error": null}),
            ))
            .unwrap();
            assert_eq!(j.job_id, "j1");
            assert_eq!(j.video_urls, ["https://cdn.example/v.mp4"]);
            assert_eq!(j.credit_cost, Some(155.0));
            assert!(j.is_final());
            assert_eq!(j.error, None);
        }
    }

    #[test]
    fn progress_null_and_unknown_status_pass_through() {
        let j = parse_job(&value(&json!({"id": "j", "status": "UPSCALING", "progress": null}))).unwrap();
        assert_eq!((j.status.as_str(), j.progress, j.is_final()), ("UPSCALING", None, false));
        let j = parse_job(&value(&json!({"id": "j", "status": "PROCESSING", "progress": 140}))).unwrap();
        assert_eq!(j.progress, Some(100.0));
    }

    #[test]
    fn malformed_answers_are_bad_responses() {
        assert!(parse_job(&value(&json!([1]))).is_err());
        assert!(parse_job(&value(&json!({"status": "QUEUED"}))).is_err());
        assert!(parse_job(&value(&json!({"id": "x"}))).is_err());
        assert!(parse_accepted(&value(&json!({"status": "QUEUED"}))).is_err());
        const ID: &str = "0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c";
        let a = parse_accepted(&value(&json!({ "jobId": ID }))).unwrap();
        assert_eq!((a.job_id.as_str(), a.status.as_str()), (ID, "QUEUED"));
        // The id becomes a URL path sent with the key: never anything else.
        for bad in ["j9", "../../admin/delete?all=1#", "0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c/.."] {
            assert!(parse_accepted(&value(&json!({ "jobId": bad }))).is_err(), "{bad}");
        }
    }

    #[test]
    fn expired_results_are_flagged() {
        let j =
            parse_job(&value(&json!({"id": "j", "status": "COMPLETED", "result": "https://cdn.example/v.mp4", "expired": true}))).unwrap();
        assert!(j.expired);
        assert!(!parse_job(&value(&json!({"id": "j", "status": "COMPLETED"}))).unwrap().expired);
    }

    #[test]
    fn answers_about_another_job_or_a_videoless_completion_are_refused() {
        let j = parse_job(&value(&json!({"id": "AB", "status": "COMPLETED", "result": "https://cdn.example/v.mp4"}))).unwrap();
        assert!(check_job(&j, "ab").is_ok());
        assert!(check_job(&j, "cd").is_err());
        let bare = parse_job(&value(&json!({"id": "ab", "status": "COMPLETED", "result": null}))).unwrap();
        assert!(check_job(&bare, "ab").is_err());
        let purged = parse_job(&value(&json!({"id": "ab", "status": "COMPLETED", "expired": true}))).unwrap();
        assert!(check_job(&purged, "ab").is_ok());
        let running = parse_job(&value(&json!({"id": "ab", "status": "PROCESSING"}))).unwrap();
        assert!(check_job(&running, "ab").is_ok());
    }

    #[test]
    fn failed_job_keeps_its_error() {
        let j = parse_job(&value(&json!({"id": "j", "status": "FAILED", "error": "content policy"}))).unwrap();
        assert_eq!(j.error.as_deref(), Some("content policy"));
    }
}
