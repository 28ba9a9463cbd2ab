//! Connections and routing: the accept loop (with the connection cap), one
//! request per connection read under the size and time limits, then the
//! API routes under `/v2/` (faults, CORS, the request log), the control
//! routes under `/__fake/` (same-origin only), and static files (the demo
//! page, the built package, the sample video).
//!
//! CORS: the `/v2/` routes reflect any `Origin` (a page on another port
//! calls them, as it would call its own backend). The control routes never
//! carry `Access-Control-Allow-*` headers and refuse with 403 any request
//! whose `Origin` is not the fake's own (`http://127.0.0.1:PORT`,
//! `http://localhost:PORT`), whose `Host` is not the fake's own address (a
//! DNS-rebinding page), or whose `Sec-Fetch-Site` says another site; every
//! preflight (`OPTIONS`) to them is refused too. Tools and Node tests, which
//! send no `Origin`, use them as before.
//!
//! Every answer — API, control, static, refusal, busy — carries a `Date`
//! read from the service clock (`clock.rs`), as the real service's answers
//! carry its own; the `/v2/` routes expose it to pages (CORS), since a
//! job's age is that `Date` less its `createdAt`. `GET`/`POST /__fake/config`
//! answer the clock's reading as `serviceNowMs` (and its pace as
//! `timeScale`), so a bench can set its own clock by it; `POST` may set it
//! (`serviceNowMs`, a jump) as well as the pace (`timeScale`, from then on).

use serde_json::{json, Value};
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::api;
use crate::clock::{imf_fixdate, MAX_UNIX_MS};
use crate::curves::Curve;
use crate::faults::{self, Kind};
use crate::http::{read_body, read_chunked, read_head, write_response, IdleWriter, ReadError, Request, Response};
use crate::jobs::{Job, Outcome};
use crate::limits::{busy_answer, Admission, Limits, Slots};
use crate::log::{entry_json, mask_key, Entry};
use crate::schema::Schema;
use crate::state::{Config, State};
use crate::stream::Streamed;

/// Jobs whose webhooks may be pending at once; later ones send none.
const MAX_WEBHOOK_JOBS: usize = 256;
/// After refusing a request early, how long its remaining bytes are read
/// and dropped, so the client sees the answer rather than a reset.
const LINGER: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 4 << 20;

pub struct Server {
    pub state: Arc<Mutex<State>>,
    pub config: Config,
    pub limits: Limits,
    pub slots: Slots,
    pub own: Own,
    pub schema: Schema,
    webhook_jobs: Arc<Semaphore>,
}

/// The fake's own origins and `Host` values, from the address it listens on.
pub struct Own {
    origins: Vec<String>,
    hosts: Vec<String>,
}

impl Own {
    pub fn for_addr(addr: SocketAddr) -> Own {
        let ip = match addr.ip() {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        };
        let hosts = vec![format!("{ip}:{}", addr.port()), format!("localhost:{}", addr.port())];
        Own { origins: hosts.iter().map(|h| format!("http://{h}")).collect(), hosts }
    }
}

fn cors(mut r: Response, req: &Request) -> Response {
    let origin = req.header("origin").unwrap_or("*").to_string();
    r.headers.push(("Access-Control-Allow-Origin".into(), origin));
    r.headers.push(("Vary".into(), "Origin".into()));
    r.headers.push(("Access-Control-Allow-Methods".into(), "GET, POST, OPTIONS".into()));
    r.headers.push(("Access-Control-Allow-Headers".into(), "Content-Type, X-API-Key, Idempotency-Key, Accept".into()));
    r.headers.push(("Access-Control-Expose-Headers".into(), "x-request-id, retry-after, x-debug, date".into()));
    r.headers.push(("Access-Control-Max-Age".into(), "600".into()));
    r
}

fn logged_headers(req: &Request) -> Vec<(String, String)> {
    req.headers.iter().map(|(k, v)| if k == "x-api-key" { (k.clone(), mask_key(v)) } else { (k.clone(), v.clone()) }).collect()
}

fn is_control(path: &str) -> bool {
    path == "/__fake" || path.starts_with("/__fake/")
}

impl Server {
    pub fn new(state: State, config: Config, limits: Limits, own: Own, schema: Schema) -> Server {
        Server {
            state: Arc::new(Mutex::new(state)),
            config,
            slots: Slots::new(limits.max_connections),
            limits,
            own,
            schema,
            webhook_jobs: Arc::new(Semaphore::new(MAX_WEBHOOK_JOBS)),
        }
    }

    /// Accepts connections forever, each in its own task once it has a place.
    pub async fn serve(self: Arc<Self>, listener: TcpListener) {
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, most likely: let some close.
                    eprintln!("fake-apiframe: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            match self.slots.admit().await {
                Some(place) => {
                    tokio::spawn(self.clone().connection(stream, place));
                }
                None => {
                    let _ = stream.try_write(&busy_answer(&self.date()));
                }
            }
        }
    }

    async fn connection(self: Arc<Self>, mut stream: TcpStream, place: Admission) {
        let Admission { id, permit: _permit, evicted } = place;
        let mut buf = Vec::new();
        let deadline = tokio::time::Instant::now() + self.limits.head_timeout;
        let head = tokio::select! {
            biased;
            _ = evicted => None,
            r = tokio::time::timeout_at(deadline, read_head(&mut stream, &mut buf)) => Some(r),
        };
        self.slots.busy(id);
        let head = match head {
            // Closed to make room for a newer connection.
            None => return,
            Some(Err(_)) => {
                if !buf.is_empty() {
                    let why = format!("The request head must arrive within {} ms", self.limits.head_timeout.as_millis());
                    self.refuse(stream, 408, &why).await;
                }
                return;
            }
            Some(Ok(Err(ReadError::Closed))) => return,
            Some(Ok(Err(ReadError::Refuse(status, why)))) => return self.refuse(stream, status, &why).await,
            Some(Ok(Ok(head))) => head,
        };
        let idle = self.limits.idle_timeout;
        if head.expect_continue && head.content_length > head.rest.len() {
            let sent = tokio::time::timeout(idle, stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")).await;
            if !matches!(sent, Ok(Ok(()))) {
                return;
            }
        }
        let mut req = head.request;
        req.body = match tokio::time::timeout(idle, async {
            if head.chunked {
                read_chunked(&mut stream, head.rest).await
            } else {
                read_body(&mut stream, head.rest, head.content_length).await
            }
        })
        .await
        {
            Ok(Ok(body)) => body,
            // A chunked body past the limit or malformed: say so.
            Ok(Err(ReadError::Refuse(status, why))) => return self.refuse(stream, status, &why).await,
            Ok(Err(_)) => return,
            Err(_) => {
                let why = format!("The request body must arrive within {} ms of its head", idle.as_millis());
                return self.refuse(stream, 408, &why).await;
            }
        };
        let mut out = IdleWriter::new(stream, idle);
        self.handle(&mut out, req).await;
    }

    /// Answers `status` to a request that was not read whole, then closes
    /// gently: what the client still sends is read and dropped for a moment.
    async fn refuse(&self, stream: TcpStream, status: u16, why: &str) {
        let mut out = IdleWriter::new(stream, self.limits.idle_timeout.min(LINGER * 5));
        if write_response(&mut out, &self.dated(api::error(status, why))).await.is_err() {
            return;
        }
        let mut stream = out.into_inner();
        let _ = stream.shutdown().await;
        let _ = tokio::time::timeout(LINGER, async {
            let mut sink = [0u8; 16 * 1024];
            let mut total = 0;
            while total < LINGER_BYTES {
                match stream.read(&mut sink).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => total += n,
                }
            }
        })
        .await;
    }

    async fn handle(&self, out: &mut IdleWriter<TcpStream>, req: Request) {
        let origin = req.header("host").map(|h| format!("http://{h}")).unwrap_or_default();
        if is_control(&req.path) {
            let r = match self.foreign(&req) {
                Some(why) => api::error(403, why),
                None if req.method == "OPTIONS" => api::error(403, "The control routes (/__fake/*) take no cross-origin requests"),
                None => self.control(req.path.trim_start_matches("/__fake").trim_start_matches('/'), &req),
            };
            let _ = write_response(out, &self.dated(r)).await;
        } else if req.path.starts_with("/v2/") {
            if req.method == "OPTIONS" {
                let _ = write_response(out, &self.dated(cors(Response::new(204, "text/plain", ""), &req))).await;
            } else {
                self.api(out, req, &origin).await;
            }
        } else if req.method == "OPTIONS" {
            let _ = write_response(out, &self.dated(Response::new(204, "text/plain", "").header("Allow", "GET"))).await;
        } else {
            let _ = write_response(out, &self.dated(self.static_file(&req.path))).await;
        }
    }

    /// The service clock's now as a `Date` header value.
    fn date(&self) -> String {
        imf_fixdate(self.state.lock().expect("state lock").clock.now_ms())
    }

    /// `r` with the `Date` every answer carries, read as it is about to go.
    fn dated(&self, r: Response) -> Response {
        r.header("Date", &self.date())
    }

    /// Why a request to the control routes is not the fake's own, if it is not.
    fn foreign(&self, req: &Request) -> Option<&'static str> {
        let own = |list: &[String], v: &str| list.iter().any(|o| o.eq_ignore_ascii_case(v));
        if req.headers_named("origin").any(|o| !own(&self.own.origins, o)) {
            return Some("The control routes (/__fake/*) answer only to the fake's own origin");
        }
        if req.headers_named("host").any(|h| !own(&self.own.hosts, h)) {
            return Some("The control routes (/__fake/*) answer only to the fake's own address as Host");
        }
        if req.headers_named("sec-fetch-site").any(|s| !matches!(s, "same-origin" | "none")) {
            return Some("The control routes (/__fake/*) answer only to the fake's own pages");
        }
        None
    }

    async fn api(&self, out: &mut IdleWriter<TcpStream>, req: Request, origin: &str) {
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
            Some(Kind::WrongId) => Some(Response::json(
                ok_status,
                &json!({"id": "00000000-0000-4000-8000-000000000000", "status": "PROCESSING", "progress": 10, "result": null, "error": null}),
            )),
            Some(Kind::NoUrl) => {
                let id = req.path.strip_prefix("/v2/jobs/").unwrap_or("");
                Some(Response::json(
                    ok_status,
                    &json!({"id": id, "status": "COMPLETED", "progress": 100, "result": null, "error": null, "expired": false}),
                ))
            }
            Some(Kind::NonJson) => Some(Response::new(ok_status, "text/html", "<html>502 Bad Gateway from an upstream proxy</html>")),
            Some(Kind::DropAfter) => {
                drop_after = true;
                None
            }
            Some(Kind::Redirect { status, location }) => {
                Some(Response::json(status, &json!({"error": "moved", "location": location})).header("Location", &location))
            }
            Some(Kind::EchoKey { status, form }) => {
                let text = format!("invalid API key: {}", form.spell(req.header("x-api-key").unwrap_or("")));
                // Written as is: a JSON escape must reach the client as an escape.
                let body = format!("{{\"error\":\"{}\"}}", text.replace('"', ""));
                Some(Response::new(status, "application/json", body).header("x-debug", &text))
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
        let response = response.unwrap_or_else(|| self.serve_api(&req, route, origin));
        let response = self.dated(cors(response.header("x-request-id", &request_id), &req));
        self.log(&req, if drop_after { 0 } else { response.status });
        if drop_after {
            return;
        }
        let _ = match streamed {
            Some(body) => crate::stream::send(out, &response, &body).await,
            None => write_response(out, &response).await,
        };
    }

    fn serve_api(&self, req: &Request, route: &str, origin: &str) -> Response {
        if let Some(denied) = api::check_key(&self.config, req) {
            return denied;
        }
        match (req.method.as_str(), route) {
            ("POST", "generate") => {
                let (response, job) = api::submit(&self.state, &self.schema, req, origin);
                if let Some(job) = job.filter(|j| j.webhook.is_some()) {
                    match self.webhook_jobs.clone().try_acquire_owned() {
                        Ok(permit) => {
                            let state = self.state.clone();
                            tokio::spawn(async move {
                                send_webhooks(state, job).await;
                                drop(permit);
                            });
                        }
                        Err(_) => {
                            eprintln!("fake-apiframe: {MAX_WEBHOOK_JOBS} jobs already have webhooks pending: job {} sends none", job.id)
                        }
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
        let headers = logged_headers(req);
        let weight = 64 + req.method.len() + req.path.len() + headers.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
        let mut s = self.state.lock().expect("state lock");
        let t_ms = s.elapsed_ms();
        s.log.push(Entry { method: req.method.clone(), path: req.path.clone(), headers, t_ms, status }, weight);
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
                Ok(_) if s.faults.len() >= s.max_entries => api::error(400, "The fault queue is full"),
                Ok(f) => {
                    s.faults.push(f);
                    Response::json(200, &json!({"ok": true, "queued": s.faults.len()}))
                }
                Err(e) => api::error(400, &e),
            },
            ("POST", "config") => {
                // An unknown curve or a bad `serviceNowMs` changes nothing
                // (not even the other fields).
                let curve = match body.get("progressCurve") {
                    None => None,
                    Some(v) => match v.as_str().and_then(Curve::parse) {
                        Some(c) => Some(c),
                        None => return api::error(400, &format!("progressCurve must be one of {}, not {v}", Curve::names())),
                    },
                };
                let service_now = match body.get("serviceNowMs") {
                    None => None,
                    Some(v) => match v.as_f64().filter(|ms| (0.0..=MAX_UNIX_MS).contains(ms)) {
                        Some(ms) => Some(ms),
                        None => {
                            return api::error(
                                400,
                                &format!("serviceNowMs must be a Unix time in milliseconds, 0 to {MAX_UNIX_MS}, not {v}"),
                            )
                        }
                    },
                };
                // Both clock changes take effect at this one moment.
                let t = std::time::Instant::now();
                if let Some(ms) = service_now {
                    s.clock.set(ms, t);
                }
                if let Some(v) = body.get("timeScale").and_then(Value::as_f64).filter(|v| *v > 0.0) {
                    s.clock.set_scale(v, t);
                }
                let st = &mut s.settings;
                if let Some(c) = curve {
                    st.progress_curve = c;
                }
                let num = |k: &str| body.get(k).and_then(Value::as_f64);
                if let Some(v) = num("jobSeconds").filter(|v| *v > 0.0) {
                    st.job_seconds = v;
                }
                if let Some(v) = num("queueSeconds").filter(|v| *v >= 0.0) {
                    st.queue_seconds = v;
                }
                if let Some(v) = num("noise").filter(|v| *v >= 0.0) {
                    st.noise = v;
                }
                if let Some(v) = body.get("reportProgress").and_then(Value::as_bool) {
                    st.report_progress = v;
                }
                Response::json(200, &config_json(&s))
            }
            ("GET", "config") => Response::json(200, &config_json(&s)),
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

/// The answer of `GET`/`POST /__fake/config`: the settings, the service
/// clock's pace and its reading now (whole Unix milliseconds).
fn config_json(s: &State) -> Value {
    let st = &s.settings;
    json!({
        "jobSeconds": st.job_seconds,
        "queueSeconds": st.queue_seconds,
        "timeScale": s.clock.scale(),
        "noise": st.noise,
        "reportProgress": st.report_progress,
        "progressCurve": st.progress_curve.name(),
        "serviceNowMs": s.clock.now_ms().floor() as i64,
    })
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

/// The longest a pending webhook sleeps before it looks at the service
/// clock again: a `timeScale` set meanwhile moves its moment.
const WEBHOOK_NAP: Duration = Duration::from_millis(100);

/// Sends the job's webhook events at their moments on the service clock:
/// `progress` at 25, 50 and 75 % of its processing, then `completed` or
/// `failed` just after its end.
async fn send_webhooks(state: Arc<Mutex<State>>, job: Job) {
    let Some(hook) = job.webhook.clone() else { return };
    let (start, end) = (job.created_ms + job.queue_seconds * 1000.0, job.end_ms());
    let mut moments: Vec<(f64, &str)> = Vec::new();
    if hook.events.iter().any(|e| e == "progress") && job.report_progress {
        for f in [0.25, 0.5, 0.75] {
            moments.push((start + (end - start) * f, "progress"));
        }
    }
    // 10 virtual ms after the end, so the event reads it ended.
    match job.outcome {
        Outcome::Completed if hook.events.iter().any(|e| e == "completed") => moments.push((end + 10.0, "completed")),
        Outcome::Failed if hook.events.iter().any(|e| e == "failed") => moments.push((end + 10.0, "failed")),
        _ => {}
    }
    for (at, event) in moments {
        loop {
            let left = state.lock().expect("state lock").clock.real_until(at, std::time::Instant::now());
            match left {
                // A `#seconds=1e30` job never reaches its moments.
                None => return,
                Some(left) if left.is_zero() => break,
                Some(left) => tokio::time::sleep(left.min(WEBHOOK_NAP)).await,
            }
        }
        let body = {
            let mut s = state.lock().expect("state lock");
            let now = s.clock.now_ms();
            let snap = job.snapshot(now, &mut s.rng);
            crate::webhooks::event_body(event, &job.to_json(&snap))
        };
        if let Err(e) = crate::webhooks::deliver(&hook.url, &hook.api_key, &body).await {
            eprintln!("fake-apiframe: webhook to {} not delivered: {e}", hook.url);
        }
    }
}
