//! fake-apiframe: a local stand-in for the Apiframe API's Happy Horse 1.1
//! routes, faithful to the provider's OpenAPI schema, for tests, benchmarks
//! and the demo page — and, with `--upstream`, a key-adding proxy.
//!
//! Usage: fake-apiframe [--port 8787] [--host 127.0.0.1] [--www www]
//!        [--pkg pkg] [--media fake-api/media] [--api-key KEY]
//!        [--time-scale 1] [--job-seconds 180] [--upstream URL]
//!        [--upstream-ca PEM]
//! Prints `fake-apiframe listening on http://HOST:PORT` once ready
//! (`--port 0` picks a free port).

mod api;
mod clock;
mod faults;
mod http;
mod jobs;
mod log;
mod proxy;
mod server;
mod state;
mod stream;
mod upstream;
mod webhooks;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use jobs::Settings;
use server::Server;
use state::{Config, State};

fn usage(msg: &str) -> ! {
    eprintln!("fake-apiframe: {msg}\nusage: fake-apiframe [--port N] [--host H] [--www DIR] [--pkg DIR] [--media DIR] [--api-key KEY] [--time-scale X] [--job-seconds S] [--upstream URL] [--upstream-ca PEM]");
    std::process::exit(2)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut port = 8787u16;
    let mut host = String::from("127.0.0.1");
    let mut settings = Settings::default();
    let mut upstream_ca: Option<PathBuf> = None;
    let mut config = Config {
        api_key: std::env::var("FAKE_API_KEY").ok().filter(|k| !k.is_empty()),
        www: PathBuf::from("www"),
        pkg: PathBuf::from("pkg"),
        media: PathBuf::from("fake-api/media"),
        upstream: None,
        upstream_key: std::env::var("APIFRAME_API_KEY").ok().filter(|k| !k.is_empty()),
        upstream_tls: upstream::tls_config(None).unwrap_or_else(|e| usage(&e)),
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--port" => port = value().parse().unwrap_or_else(|_| usage("--port takes a number")),
            "--host" => host = value(),
            "--www" => config.www = value().into(),
            "--pkg" => config.pkg = value().into(),
            "--media" => config.media = value().into(),
            "--api-key" => config.api_key = Some(value()),
            "--time-scale" => {
                settings.time_scale =
                    value().parse().ok().filter(|v: &f64| *v > 0.0).unwrap_or_else(|| usage("--time-scale takes a positive number"))
            }
            "--job-seconds" => {
                settings.job_seconds =
                    value().parse().ok().filter(|v: &f64| *v > 0.0).unwrap_or_else(|| usage("--job-seconds takes a positive number"))
            }
            "--upstream" => config.upstream = Some(value()),
            "--upstream-ca" => upstream_ca = Some(value().into()),
            "--help" | "-h" => usage("help"),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    if let Some(ca) = &upstream_ca {
        config.upstream_tls = upstream::tls_config(Some(ca)).unwrap_or_else(|e| usage(&e));
    }
    if config.upstream.is_some() && config.upstream_key.is_none() {
        eprintln!("fake-apiframe: proxy mode without APIFRAME_API_KEY in the environment: requests go upstream without a key");
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| usage(&e.to_string()));
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind((host.as_str(), port))
            .await
            .unwrap_or_else(|e| usage(&format!("cannot listen on {host}:{port}: {e}")));
        let addr = listener.local_addr().unwrap_or_else(|e| usage(&e.to_string()));
        let seed = clock::unix_ms() as u64;
        let server = Arc::new(Server { state: Arc::new(Mutex::new(State::new(settings, seed))), config });
        let mode = match &server.config.upstream {
            Some(u) => format!(" (proxy to {u})"),
            None => String::new(),
        };
        println!("fake-apiframe listening on http://{addr}{mode}");
        loop {
            if let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(server.clone().handle(stream));
            }
        }
    });
}
