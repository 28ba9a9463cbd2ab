//! fake-apiframe: a local stand-in for the Apiframe API's Happy Horse 1.1
//! routes, faithful to the provider's OpenAPI schema, for tests, benchmarks
//! and the demo page. It talks to nobody but this machine.
//!
//! Usage: fake-apiframe [--port 8787] [--host 127.0.0.1] [--www www]
//!        [--pkg pkg] [--media fake-api/media] [--api-key KEY]
//!        [--time-scale 1] [--job-seconds 180] [--spec PATH]
//!        [--max-connections 512] [--max-entries 10000]
//!        [--head-timeout-ms 10000] [--idle-timeout-ms 30000]
//! Prints `fake-apiframe listening on http://HOST:PORT` once ready
//! (`--port 0` picks a free port).
//!
//! Safe to leave running on a developer's machine:
//! - it binds loopback only (`--host` must be 127.0.0.0/8, `::1` or
//!   `localhost`; anything else is refused at start);
//! - the control routes (`/__fake/*`: log, reset, faults, config) answer
//!   only to the fake's own origin, never cross-origin (see `server.rs`);
//! - it never writes a header line with CR, LF or NUL in it (`http.rs`);
//! - requests are bounded: 16 KiB of request line and headers (431), 1 MiB
//!   of body (413), the head within `--head-timeout-ms`, no stall longer
//!   than `--idle-timeout-ms`, at most `--max-connections` open at once,
//!   idle ones closed first to make room (`limits.rs`);
//! - what it remembers is bounded: the request log, jobs and idempotency
//!   keys keep the newest `--max-entries` each (`state.rs`);
//! - webhooks go only to loopback addresses (`webhooks.rs`).
//!
//! Submitted bodies are checked against the `happyhorse-1.1` branch of
//! `GenerateVideoRequest` in the provider's OpenAPI document (`--spec`, by
//! default `../shared/apiframe-openapi.json` beside the repository), with a
//! JSON Schema validator — not with the package's own `validate`, so the
//! fake can catch what the package gets wrong (`schema.rs`). The start
//! fails, loudly, when the document is missing or has no such branch.

mod api;
mod clock;
mod curves;
mod faults;
mod http;
mod jobs;
mod limits;
mod log;
mod schema;
mod server;
mod state;
mod stream;
mod webhooks;

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use jobs::Settings;
use limits::Limits;
use schema::Schema;
use server::{Own, Server};
use state::{Config, State, DEFAULT_MAX_ENTRIES};

const USAGE: &str = "usage: fake-apiframe [--port N] [--host 127.0.0.1|::1|localhost] [--www DIR] [--pkg DIR] [--media DIR] \
[--api-key KEY] [--time-scale X] [--job-seconds S] [--spec OPENAPI.json] [--max-connections N] [--max-entries N] \
[--head-timeout-ms MS] [--idle-timeout-ms MS]";

fn usage(msg: &str) -> ! {
    eprintln!("fake-apiframe: {msg}\n{USAGE}");
    std::process::exit(2)
}

/// The loopback address `host` names; anything else is refused.
fn loopback(host: &str) -> Result<IpAddr, String> {
    let ip = if host.eq_ignore_ascii_case("localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        host.trim_start_matches('[').trim_end_matches(']').parse().map_err(|_| format!("--host {host:?} is not an IP address"))?
    };
    if ip.is_loopback() {
        Ok(ip)
    } else {
        Err(format!("--host {host} is not a loopback address: the fake listens only on 127.0.0.0/8 or ::1"))
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut port = 8787u16;
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut settings = Settings::default();
    let mut time_scale = 1.0;
    let mut limits = Limits::default();
    let mut max_entries = DEFAULT_MAX_ENTRIES;
    let mut spec: Option<PathBuf> = None;
    let mut config = Config {
        api_key: std::env::var("FAKE_API_KEY").ok().filter(|k| !k.is_empty()),
        www: PathBuf::from("www"),
        pkg: PathBuf::from("pkg"),
        media: PathBuf::from("fake-api/media"),
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        let positive = |v: String, what: &str| {
            v.parse::<f64>().ok().filter(|v| *v > 0.0).unwrap_or_else(|| usage(&format!("{what} takes a positive number")))
        };
        let count = |v: String, what: &str| {
            v.parse::<u64>().ok().filter(|v| *v > 0).unwrap_or_else(|| usage(&format!("{what} takes a positive whole number")))
        };
        match flag.as_str() {
            "--port" => port = value().parse().unwrap_or_else(|_| usage("--port takes a number")),
            "--host" => host = loopback(&value()).unwrap_or_else(|e| usage(&e)),
            "--www" => config.www = value().into(),
            "--pkg" => config.pkg = value().into(),
            "--media" => config.media = value().into(),
            "--api-key" => config.api_key = Some(value()),
            "--time-scale" => time_scale = positive(value(), "--time-scale"),
            "--job-seconds" => settings.job_seconds = positive(value(), "--job-seconds"),
            "--spec" => spec = Some(value().into()),
            "--max-connections" => limits.max_connections = count(value(), "--max-connections") as usize,
            "--max-entries" => max_entries = count(value(), "--max-entries") as usize,
            "--head-timeout-ms" => limits.head_timeout = Duration::from_millis(count(value(), "--head-timeout-ms")),
            "--idle-timeout-ms" => limits.idle_timeout = Duration::from_millis(count(value(), "--idle-timeout-ms")),
            "--help" | "-h" => usage("help"),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let spec = spec.unwrap_or_else(|| {
        let tried = schema::default_spec_paths();
        tried.iter().find(|p| p.is_file()).cloned().unwrap_or_else(|| {
            let list: Vec<String> = tried.iter().map(|p| p.display().to_string()).collect();
            usage(&format!("cannot find the provider's OpenAPI spec (tried {}): pass --spec PATH", list.join(", ")))
        })
    });
    let schema = Schema::load(&spec).unwrap_or_else(|e| usage(&e));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| usage(&e.to_string()));
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind((host, port)).await.unwrap_or_else(|e| usage(&format!("cannot listen on {host}:{port}: {e}")));
        let addr = listener.local_addr().unwrap_or_else(|e| usage(&e.to_string()));
        let seed = clock::unix_ms() as u64;
        let state = State::new(settings, clock::ServiceClock::new(time_scale), seed, max_entries);
        let server = Arc::new(Server::new(state, config, limits, Own::for_addr(addr), schema));
        println!("fake-apiframe listening on http://{addr}");
        server.serve(listener).await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listens_on_loopback_only() {
        assert_eq!(loopback("127.0.0.1"), Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert_eq!(loopback("localhost"), Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert!(loopback("::1").is_ok() && loopback("[::1]").is_ok() && loopback("127.0.0.2").is_ok());
        for refused in ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "8.8.8.8", "::ffff:127.0.0.1", "example.com", ""] {
            assert!(loopback(refused).is_err(), "{refused}");
        }
    }
}
