//! Connection handling and routing: API routes (with faults, CORS, the
//! request log), the control routes under `/__fake/`, and static files
//! (the demo page, the built package, the sample video).

use serde_json::{json, Value};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::BufReader;
use tokio::net::TcpStream;

use crate::api;
use crate::faults::{self, Kind};
use crate::http::{read_request, write_response, Request, Response};
use crate::jobs::{Job, Outcome};
use crate::log::{entry_json, mask_key, Entry};
use crate::state::{Config, State};
use crate::stream::Streamed;

pub struct Server {
    pub state: Arc<Mutex<State>>,
    pub config: Config,
}

fn cors(mut r: Response, req: &Request) -> Response {
    let origin = req.header("origin").unwrap_or("*").to_string();
    r.headers.push(("Access-Control-Allow-Origin".into(), origin));
    r.headers.push(("Vary".into(), "Origin".into()));
    r.headers.push(("Access-Control-Allow-Methods".into(), "GET, POST, OPTIONS".into()));
    r.headers.push(("Access-Control-Allow-Headers".into(), "Content-Type, X-API-Key, Idempotency-Key, Accept".into()));
    r.headers.push(("Access-Control-Expose-Headers".into(), "x-request-id, retry-after, x-debug".into()));
    r.headers.push(("Access-Control-Max-Age".into(), "600".into()));
    r
}

fn logged_headers(req: &Request) -> Vec<(String, String)> {
    req.headers.iter().map(|(k, v)| if k == "x-api-key" { (k.clone(), mask_key(v)) } else { (k.clone(), v.clone()) }).collect()
}

impl Server {
    pub async fn handle(self: Arc<Self>, stream: TcpStream) {
        let mut stream = BufReader::new(stream);
        let Some(req) = read_request(&mut stream).await else { return };
        let origin = req.header("host").map(|h| format!("http://{h}")).unwrap_or_default();
        if req.method == "OPTIONS" {
            let _ = write_response(&mut stream, &cors(Response::new(204, "text/plain", ""), &req)).await;
            return;
        }
        if req.path.starts_with("/v2/") {
            self.api(stream, req, &origin).await;
        } else if let Some(control) = req.path.strip_prefix("/__fake/") {
            let r = self.control(control, &req);
            let _ = write_response(&mut stream, &cors(r, &req)).await;
        } else {
            let r = self.static_file(&req.path);
            let _ = write_response(&mut stream, &r).await;
        }
    }

    async fn api(&self, mut stream: BufReader<TcpStream>, req: Request, origin: &str) {
        let route = if req.path == "/v2/videos/generate" { "generate" } else { "jobs" };
        let (fault, request_id) = {
            let mut s = self.state.lock().expect("state lock");
            (faults::take(&mut s.faults, route), s.next_request_id())
        };
        let ok_status = if route == "generate" { 202 } else { 200 };
        let mut drop_after = false;
        let mut streamed = None;
        let response = match fault {
            Some(Kind::Drop) => {
                self.log(&req, 0);
                return;
            }
            Some(Kind::Slow { delay_ms }) => {
                tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                None
            }
            Some(Kind::Status { status, body, retry_after }) => {
                let mut r = Response::json(status, &body.unwrap_or_else(|| api::fault_body(status)));
                if let Some(ra) = retry_after {
                    r = r.header("Retry-After", &ra);
                }
                Some(r)
            }
            Some(Kind::Malformed) => Some(Response::json(ok_status, &json!({"unexpected": "shape", "data": [1, 2, 3]}))),
            Some(Kind::NonJson) => Some(Response::new(ok_status, "text/html", "<html>502 Bad Gateway from an upstream proxy</html>")),
            Some(Kind::DropAfter) => {
                drop_after = true;
                None
            }
            Some(Kind::Redirect { status, location }) => {
                Some(Response::json(status, &json!({"error": "moved", "location": location})).header("Location", &location))
            }
            Some(Kind::EchoKey { status }) => {
                let text = format!("invalid API key: {}", req.header("x-api-key").unwrap_or(""));
                Some(Response::json(status, &json!({ "error": text })).header("x-debug", &text))
            }
            Some(Kind::Huge { bytes, chunked }) => {
                streamed = Some(Streamed::Huge { prefix: huge_prefix(&req, route), bytes, chunked });
                Some(Response::new(ok_status, "application/json", ""))
            }
            Some(Kind::Endless { interval_ms }) => {
                streamed = Some(Streamed::Endless { interval_ms });
                Some(Response::new(ok_status, "application/json", ""))
            }
            None => None,
        };
        let response = match response {
            Some(r) => r,
            None => match &self.config.upstream {
                Some(upstream) => {
                    crate::proxy::forward(&self.config.upstream_tls, upstream, self.config.upstream_key.as_deref(), &req).await
                }
                None => self.serve_api(&req, route, origin),
            },
        };
        // The upstream's request id, in proxy mode, is the one support can use.
        let response = if response.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("x-request-id")) {
            response
        } else {
            response.header("x-request-id", &request_id)
        };
        let response = cors(response, &req);
        self.log(&req, if drop_after { 0 } else { response.status });
        if drop_after {
            return;
        }
        let _ = match streamed {
            Some(body) => crate::stream::send(stream.get_mut(), &response, &body).await,
            None => write_response(&mut stream, &response).await,
        };
    }

    fn serve_api(&self, req: &Request, route: &str, origin: &str) -> Response {
        if let Some(denied) = api::check_key(&self.config, req) {
            return denied;
        }
        match (req.method.as_str(), route) {
            ("POST", "generate") => {
                let (response, job) = api::submit(&self.state, req, origin);
                if let Some(job) = job {
                    if job.webhook.is_some() {
                        tokio::spawn(send_webhooks(self.state.clone(), job));
                    }
                }
                response
            }
            ("GET", "jobs") => match req.path.strip_prefix("/v2/jobs/") {
                Some(id) if !id.is_empty() && !id.contains('/') => api::get_job(&self.state, id),
                _ => api::error(404, "Not found"),
            },
            _ => api::error(404, "Not found"),
        }
    }

    fn log(&self, req: &Request, status: u16) {
        let mut s = self.state.lock().expect("state lock");
        let t_ms = s.elapsed_ms();
        s.log.push(Entry { method: req.method.clone(), path: req.path.clone(), headers: logged_headers(req), t_ms, status });
    }

    fn control(&self, what: &str, req: &Request) -> Response {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let mut s = self.state.lock().expect("state lock");
        match (req.method.as_str(), what) {
            ("GET", "log") => Response::json(200, &Value::Array(s.log.iter().map(entry_json).collect())),
            ("POST", "reset") => {
                s.reset();
                Response::json(200, &json!({"ok": true}))
            }
            ("POST", "faults") => match faults::parse(&body) {
                Ok(f) => {
                    s.faults.push(f);
                    Response::json(200, &json!({"ok": true, "queued": s.faults.len()}))
                }
                Err(e) => api::error(400, &e),
            },
            ("POST", "config") => {
                let st = &mut s.settings;
                let num = |k: &str| body.get(k).and_then(Value::as_f64);
                if let Some(v) = num("jobSeconds").filter(|v| *v > 0.0) {
                    st.job_seconds = v;
                }
                if let Some(v) = num("queueSeconds").filter(|v| *v >= 0.0) {
                    st.queue_seconds = v;
                }
                if let Some(v) = num("timeScale").filter(|v| *v > 0.0) {
                    st.time_scale = v;
                }
                if let Some(v) = num("noise").filter(|v| *v >= 0.0) {
                    st.noise = v;
                }
                if let Some(v) = body.get("reportProgress").and_then(Value::as_bool) {
                    st.report_progress = v;
                }
                Response::json(200, &settings_json(st))
            }
            ("GET", "config") => Response::json(200, &settings_json(&s.settings)),
            _ => api::error(404, "unknown control route"),
        }
    }

    fn static_file(&self, path: &str) -> Response {
        let (root, rel) = if let Some(rest) = path.strip_prefix("/pkg/") {
            (&self.config.pkg, rest)
        } else if let Some(rest) = path.strip_prefix("/media/") {
            (&self.config.media, rest)
        } else {
            (&self.config.www, path.trim_start_matches('/'))
        };
        let rel = if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_string() };
        let Some(file) = safe_join(root, &rel) else {
            return Response::new(403, "text/plain", "forbidden");
        };
        match std::fs::read(&file) {
            Ok(bytes) => Response::new(200, content_type(&file), bytes).header("Cache-Control", "no-cache"),
            Err(_) => Response::new(404, "text/plain", "not found"),
        }
    }
}

/// The start of a `huge` answer: the route's JSON shape, opened on a
/// `"padding":"` string that the stream fills and closes.
fn huge_prefix(req: &Request, route: &str) -> String {
    if route == "generate" {
        r#"{"jobId":"00000000-0000-4000-8000-000000000000","status":"QUEUED","padding":""#.to_string()
    } else {
        let id = req.path.strip_prefix("/v2/jobs/").unwrap_or("");
        format!(r#"{{"id":{},"status":"PROCESSING","progress":50,"padding":""#, Value::from(id))
    }
}

fn settings_json(s: &crate::jobs::Settings) -> Value {
    json!({"jobSeconds": s.job_seconds, "queueSeconds": s.queue_seconds, "timeScale": s.time_scale, "noise": s.noise, "reportProgress": s.report_progress})
}

/// `root/rel`, refusing `..` and absolute parts.
fn safe_join(root: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(root.join(rel))
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript",
        "css" => "text/css",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "webm" => "video/webm",
        "mp4" => "video/mp4",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ts" => "text/plain",
        _ => "application/octet-stream",
    }
}

/// Sends the job's webhook events at their moments: `progress` at 25, 50
/// and 75 %, then `completed` or `failed`.
async fn send_webhooks(state: Arc<Mutex<State>>, job: Job) {
    let Some(hook) = job.webhook.clone() else { return };
    let real = job.real_seconds();
    let mut moments: Vec<(f64, &str)> = Vec::new();
    if hook.events.iter().any(|e| e == "progress") && job.report_progress {
        let processing = job.queue_seconds / job.time_scale;
        for f in [0.25, 0.5, 0.75] {
            moments.push((processing + (real - processing) * f, "progress"));
        }
    }
    match job.outcome {
        Outcome::Completed if hook.events.iter().any(|e| e == "completed") => moments.push((real + 0.01, "completed")),
        Outcome::Failed if hook.events.iter().any(|e| e == "failed") => moments.push((real + 0.01, "failed")),
        _ => {}
    }
    for (at, event) in moments {
        let wait = (job.started + Duration::from_secs_f64(at)).saturating_duration_since(std::time::Instant::now());
        tokio::time::sleep(wait).await;
        let body = {
            let mut s = state.lock().expect("state lock");
            let snap = job.snapshot(std::time::Instant::now(), &mut s.rng);
            crate::webhooks::event_body(event, &job.to_json(&snap))
        };
        if let Err(e) = crate::webhooks::deliver(&hook.url, &hook.api_key, &body).await {
            eprintln!("fake-apiframe: webhook to {} failed: {e}", hook.url);
        }
    }
}
