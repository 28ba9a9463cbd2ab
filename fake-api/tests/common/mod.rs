//! A real fake on 127.0.0.1 (the binary cargo built for these tests, on a
//! free port) and raw-socket helpers to talk to it: no HTTP client in
//! between, so the tests see exactly what goes over the wire.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const ANY_UUID: &str = "00000000-0000-4000-8000-000000000000";

pub struct Fake {
    child: Child,
    pub addr: SocketAddr,
}

impl Fake {
    pub fn start(args: &[&str]) -> Fake {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fake-apiframe"))
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start fake-apiframe");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(10)).expect("the fake says where it listens");
        let at = line.trim().strip_prefix("fake-apiframe listening on http://").unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        Fake { child, addr: at.parse().unwrap() }
    }

    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A connection with 5 s read and write timeouts: no test hangs.
    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
        s
    }

    /// Sends `raw` as is and reads the whole answer.
    pub fn raw(&self, raw: &[u8]) -> Reply {
        let mut s = self.connect();
        s.write_all(raw).unwrap();
        read_reply(&mut s)
    }

    /// One request; `Host` is added unless given in `headers`.
    pub fn call(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        self.raw(&request(&self.addr, method, path, headers, body))
    }

    pub fn get(&self, path: &str) -> Reply {
        self.call("GET", path, &[], "")
    }

    pub fn post(&self, path: &str, body: &str) -> Reply {
        self.call("POST", path, &[("Content-Type", "application/json")], body)
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn request(addr: &SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()));
    let mut raw = head.into_bytes();
    raw.extend_from_slice(body.as_bytes());
    raw
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// Lower-cased names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn has_cors(&self) -> bool {
        self.headers.iter().any(|(k, _)| k.starts_with("access-control-"))
    }
}

/// Reads until the server closes (every answer is `Connection: close`).
pub fn read_reply(s: &mut TcpStream) -> Reply {
    let mut raw = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset && !raw.is_empty() => break,
            Err(e) => panic!("reading the answer: {e} (after {} bytes)", raw.len()),
        }
    }
    parse_reply(&raw).unwrap_or_else(|| panic!("not an HTTP answer: {:?}", String::from_utf8_lossy(&raw)))
}

pub fn parse_reply(raw: &[u8]) -> Option<Reply> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines.map(|l| l.split_once(':').unwrap()).map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string())).collect();
    Some(Reply { status, headers, body: raw[split + 4..].to_vec() })
}

/// A body the provider's schema accepts.
pub fn horse(extra: &str) -> String {
    format!(r#"{{"model":"happyhorse-1.1","prompt":"A herd of horses thundering across desert dunes{extra}"}}"#)
}
