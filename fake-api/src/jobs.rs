//! Jobs of the fake: created by a submit, they move QUEUED → PROCESSING
//! (progress rising along the job's curve, see `curves.rs`; linearly with
//! noise by default) → COMPLETED, FAILED or CANCELLED as the service clock
//! (`clock.rs`, `timeScale`× real time) runs: a job's age is the clock's
//! reading less its `createdAt`, nothing else, so a `timeScale` set while
//! it runs speeds or slows it from then on.
//!
//! Markers in the prompt steer one job (handy from the demo page):
//! `#fail`, `#cancel`, `#noprogress`, `#seconds=N` (virtual duration),
//! `#curve=NAME` (its progress curve: `linear`, `steps`, `fast-tail`,
//! `burst`, `none`, `stall99`, `backwards`, `late`; an unknown name leaves
//! the configured one), `#status=NAME` (report an unknown status while
//! processing), `#string-result` (a bare-string `result` instead of
//! `{videoUrl}`).

use serde_json::{json, Value};

use crate::clock::{iso8601, Rng};
use crate::curves::{seed_of, Curve, Shape};

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Completed,
    Failed,
    Cancelled,
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// Virtual seconds a job takes (queue included).
    pub job_seconds: f64,
    pub queue_seconds: f64,
    /// Progress noise, ± points.
    pub noise: f64,
    pub report_progress: bool,
    /// The progress curve of jobs whose prompt names none.
    pub progress_curve: Curve,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { job_seconds: 180.0, queue_seconds: 5.0, noise: 3.0, report_progress: true, progress_curve: Curve::Linear }
    }
}

#[derive(Clone, Debug)]
pub struct Webhook {
    pub url: String,
    pub events: Vec<String>,
    pub api_key: String,
}

#[derive(Clone, Debug)]
pub struct Job {
    pub id: String,
    /// `createdAt`, on the service clock (Unix milliseconds).
    pub created_ms: f64,
    /// Virtual seconds (service-clock seconds) it takes, queue included.
    pub seconds: f64,
    pub queue_seconds: f64,
    pub noise: f64,
    pub report_progress: bool,
    /// Its progress curve, drawn at submit from its prompt.
    pub shape: Shape,
    pub outcome: Outcome,
    pub odd_status: Option<String>,
    pub string_result: bool,
    pub credit_cost: u32,
    pub input: Value,
    pub webhook: Option<Webhook>,
    pub video_url: String,
}

/// Where a job is at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub status: String,
    pub progress: Option<u32>,
    pub finished: bool,
}

fn marker<'a>(prompt: &'a str, name: &str) -> Option<&'a str> {
    let tag = format!("#{name}");
    let at = prompt.find(&tag)?;
    let rest = &prompt[at + tag.len()..];
    Some(rest.strip_prefix('=').map_or("", |v| v.split(|c: char| c.is_whitespace()).next().unwrap_or("")))
}

impl Job {
    /// A job submitted when the service clock read `created_ms`.
    pub fn new(
        id: String,
        body: &Value,
        settings: &Settings,
        created_ms: f64,
        credit_cost: u32,
        video_url: String,
        webhook: Option<Webhook>,
    ) -> Job {
        let prompt = body.get("prompt").and_then(Value::as_str).unwrap_or("");
        let outcome = if marker(prompt, "fail").is_some() {
            Outcome::Failed
        } else if marker(prompt, "cancel").is_some() {
            Outcome::Cancelled
        } else {
            Outcome::Completed
        };
        let seconds = marker(prompt, "seconds").and_then(|s| s.parse::<f64>().ok()).filter(|s| *s > 0.0).unwrap_or(settings.job_seconds);
        let queue_seconds = settings.queue_seconds.min(seconds / 2.0);
        let curve = marker(prompt, "curve").and_then(Curve::parse).unwrap_or(settings.progress_curve);
        let shape = Shape::new(curve, seed_of(prompt), seconds - queue_seconds);
        Job {
            id,
            created_ms,
            seconds,
            queue_seconds,
            noise: settings.noise,
            // `none` reports nothing, done or not, like `#noprogress`.
            report_progress: settings.report_progress && marker(prompt, "noprogress").is_none() && curve != Curve::None,
            shape,
            outcome,
            odd_status: marker(prompt, "status").filter(|s| !s.is_empty()).map(str::to_string),
            string_result: marker(prompt, "string-result").is_some(),
            credit_cost,
            input: body.clone(),
            webhook,
            video_url,
        }
    }

    /// When it ends, on the service clock: its `completedAt`.
    pub fn end_ms(&self) -> f64 {
        self.created_ms + self.seconds * 1000.0
    }

    /// Where it is when the service clock reads `now_ms`.
    pub fn snapshot(&self, now_ms: f64, rng: &mut Rng) -> Snapshot {
        let v = (now_ms - self.created_ms) / 1000.0;
        if v >= self.seconds {
            let status = match self.outcome {
                Outcome::Completed => "COMPLETED",
                Outcome::Failed => "FAILED",
                Outcome::Cancelled => "CANCELLED",
            };
            let progress = (self.outcome == Outcome::Completed).then_some(100);
            return Snapshot { status: status.into(), progress: progress.filter(|_| self.report_progress), finished: true };
        }
        if v < self.queue_seconds {
            return Snapshot { status: "QUEUED".into(), progress: self.shape.queued().filter(|_| self.report_progress), finished: false };
        }
        let x = (v - self.queue_seconds) / (self.seconds - self.queue_seconds);
        let jitter = if self.shape.curve.noisy() { (rng.next_f64() * 2.0 - 1.0) * self.noise } else { 0.0 };
        let progress = self.shape.at(x, jitter).filter(|_| self.report_progress);
        let status = self.odd_status.clone().unwrap_or_else(|| "PROCESSING".into());
        Snapshot { status, progress, finished: false }
    }

    /// The `Job` body of `GET /v2/jobs/{id}`, per the provider's schema.
    pub fn to_json(&self, snap: &Snapshot) -> Value {
        let completed = snap.status == "COMPLETED";
        let result = if !completed {
            Value::Null
        } else if self.string_result {
            json!(self.video_url)
        } else {
            json!({ "videoUrl": self.video_url })
        };
        let completed_at = snap.finished.then(|| iso8601(self.end_ms()));
        json!({
            "id": self.id,
            "status": snap.status,
            "model": happyhorse::core::HAPPYHORSE_11.model,
            "progress": snap.progress,
            "error": (snap.status == "FAILED").then_some("The model could not render this prompt (fake failure); credits were refunded."),
            "creditCost": self.credit_cost,
            "webhookStatus": self.webhook.as_ref().map(|_| "pending"),
            "createdAt": iso8601(self.created_ms),
            "completedAt": completed_at,
            "result": result,
            "expired": false,
            "input": self.input,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// When the jobs below are created, on the service clock.
    const T0: f64 = 1_796_469_743_000.0;

    /// The service clock `secs` virtual seconds after `T0`.
    fn at(secs: f64) -> f64 {
        T0 + secs * 1000.0
    }

    fn job(prompt: &str) -> Job {
        Job::new("j".into(), &json!({"prompt": prompt}), &Settings::default(), T0, 155, "http://x/v.webm".into(), None)
    }

    #[test]
    fn moves_through_the_states() {
        let j = job("a horse");
        let mut rng = Rng(7);
        assert_eq!(j.snapshot(at(0.0), &mut rng).status, "QUEUED");
        let mid = j.snapshot(at(90.0), &mut rng);
        assert_eq!(mid.status, "PROCESSING");
        let p = mid.progress.unwrap();
        assert!((40..=60).contains(&p), "{p}");
        let end = j.snapshot(at(181.0), &mut rng);
        assert_eq!((end.status.as_str(), end.progress, end.finished), ("COMPLETED", Some(100), true));
        let body = j.to_json(&end);
        assert_eq!(body["result"]["videoUrl"], "http://x/v.webm");
        // Both dates on the service clock: created at T0, done 180 s later.
        assert_eq!(
            (body["createdAt"].as_str(), body["completedAt"].as_str()),
            (Some("2026-12-05T11:22:23.000Z"), Some("2026-12-05T11:25:23.000Z"))
        );
        assert_eq!(j.to_json(&mid)["completedAt"], Value::Null);
    }

    #[test]
    fn markers_steer_a_job() {
        let mut rng = Rng(7);
        let f = job("x #fail");
        let s = f.snapshot(at(1000.0), &mut rng);
        assert_eq!(s.status, "FAILED");
        assert!(f.to_json(&s)["error"].is_string());
        let c = job("x #cancel");
        assert_eq!(c.snapshot(at(1000.0), &mut rng).status, "CANCELLED");
        let n = job("x #noprogress #seconds=20 #status=UPSCALING #string-result");
        assert_eq!(n.seconds, 20.0);
        let s = n.snapshot(at(15.0), &mut rng);
        assert_eq!((s.status.as_str(), s.progress), ("UPSCALING", None));
        let done = n.snapshot(at(25.0), &mut rng);
        assert_eq!(n.to_json(&done)["result"], "http://x/v.webm");
    }

    #[test]
    fn the_curve_comes_from_the_settings_or_the_prompt() {
        let mut rng = Rng(7);
        // 180 s job, 5 s queued; `secs` virtual seconds after its creation.
        let seen = |j: &Job, secs: u64, rng: &mut Rng| j.snapshot(at(secs as f64), rng).progress;
        let settings = Settings { progress_curve: Curve::Stall99, ..Settings::default() };
        let s = Job::new("s".into(), &json!({"prompt": "a horse"}), &settings, T0, 0, String::new(), None);
        assert_eq!(s.shape.curve, Curve::Stall99);
        assert_eq!((seen(&s, 1, &mut rng), seen(&s, 100, &mut rng), seen(&s, 179, &mut rng)), (Some(0), Some(99), Some(99)));
        // A marker wins over the settings; an unknown name leaves them.
        let n = Job::new("n".into(), &json!({"prompt": "a horse #curve=none"}), &settings, T0, 0, String::new(), None);
        assert_eq!((seen(&n, 1, &mut rng), seen(&n, 100, &mut rng), seen(&n, 181, &mut rng)), (None, None, None));
        let l = job("a horse #curve=late");
        assert_eq!((seen(&l, 1, &mut rng), seen(&l, 50, &mut rng)), (None, None));
        assert!(seen(&l, 150, &mut rng).is_some_and(|p| (78..=86).contains(&p)));
        assert_eq!(seen(&l, 181, &mut rng), Some(100));
        assert_eq!(
            Job::new("u".into(), &json!({"prompt": "#curve=sideways"}), &settings, T0, 0, String::new(), None).shape.curve,
            Curve::Stall99
        );
        // The same prompt draws the same curve; the curve ignores `noise` when not noisy.
        let steps = Settings { noise: 30.0, ..settings };
        let a = Job::new("a".into(), &json!({"prompt": "p #curve=steps"}), &steps, T0, 0, String::new(), None);
        let b = Job::new("b".into(), &json!({"prompt": "p #curve=steps"}), &steps, T0, 0, String::new(), None);
        assert_eq!(a.shape, b.shape);
        let step = a.shape.k as u32;
        for secs in (6..180).step_by(7) {
            let (pa, pb) = (seen(&a, secs, &mut rng).unwrap(), seen(&b, secs, &mut rng).unwrap());
            assert!(pa == pb && pa % step == 0, "{secs}: {pa} {pb}");
        }
        // `reportProgress: false` still silences every curve.
        let quiet = Settings { report_progress: false, ..steps };
        let q = Job::new("q".into(), &json!({"prompt": "p #curve=fast-tail"}), &quiet, T0, 0, String::new(), None);
        assert_eq!((seen(&q, 1, &mut rng), seen(&q, 100, &mut rng), seen(&q, 181, &mut rng)), (None, None, None));
    }
}
