//! Just enough HTTP/1.1 for a local fake: read one request, write one
//! response, close (`Connection: close`, so every connection carries one
//! request). Hand-written (over tokio's TCP) rather than a framework because
//! the fake must misbehave on purpose — drop a connection after doing the
//! work, stall, send broken bodies — which frameworks hide.
//!
//! What it accepts is bounded: the request line and headers together at most
//! [`MAX_HEAD`] bytes (431 past that), a body of at most [`MAX_BODY`] bytes
//! announced by `Content-Length` or sent chunked (413 past that),
//! and no control characters in any header. What it writes is checked at the
//! one place a head is written ([`write_head`]): a header name or value with
//! CR, LF, NUL or another control character is never sent — the answer
//! becomes a 500 instead — so no value a test passes in (a fault's
//! `retryAfter`, a redirect's `location`) can add headers of its own.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, Sleep};

/// Request line and headers, blank line included.
pub const MAX_HEAD: usize = 16 * 1024;
/// Request body.
pub const MAX_BODY: usize = 1 << 20;

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path without the query string (which the fake ignores).
    pub path: String,
    /// Lower-cased names, in order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of the header `name` (lower case), in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        named(&self.headers, name)
    }
}

fn named<'a>(headers: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
}

impl Request {}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response { status, headers: vec![("Content-Type".into(), content_type.into())], body: body.into() }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Response {
        Response::new(status, "application/json", value.to_string())
    }

    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// A request head, read and checked; its body is still to come.
#[derive(Debug)]
pub struct Head {
    /// With an empty body.
    pub request: Request,
    pub content_length: usize,
    /// `Transfer-Encoding: chunked` (Next.js's patched fetch streams a
    /// `Request`'s body this way): decoded, to the same 1 MiB.
    pub chunked: bool,
    /// `Expect: 100-continue`: the client waits for a `100` before its body.
    pub expect_continue: bool,
    /// Bytes read past the head: the start of the body.
    pub rest: Vec<u8>,
}

/// Why no request could be read.
#[derive(Debug, PartialEq)]
pub enum ReadError {
    /// The connection closed (or failed) first: nobody to answer.
    Closed,
    /// Answer `status` with this message, then close.
    Refuse(u16, String),
}

fn refuse(status: u16, message: &str) -> ReadError {
    ReadError::Refuse(status, message.to_string())
}

/// Reads a request head into `buf` (kept by the caller, so that after a
/// timeout it can tell a silent connection from a slow one) and checks it.
pub async fn read_head<R: AsyncRead + Unpin>(r: &mut R, buf: &mut Vec<u8>) -> Result<Head, ReadError> {
    let mut chunk = [0u8; 4096];
    let mut searched = 0;
    loop {
        if let Some(end) = find_blank_line(buf, searched) {
            if end + 4 > MAX_HEAD {
                return Err(too_large_head());
            }
            let rest = buf[end + 4..].to_vec();
            return parse_head(&buf[..end], rest);
        }
        if buf.len() >= MAX_HEAD {
            return Err(too_large_head());
        }
        searched = buf.len().saturating_sub(3);
        let room = (MAX_HEAD - buf.len()).min(chunk.len());
        let n = r.read(&mut chunk[..room]).await.map_err(|_| ReadError::Closed)?;
        if n == 0 {
            return Err(ReadError::Closed);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn too_large_head() -> ReadError {
    refuse(431, "Request line and headers must fit in 16 KiB")
}

fn find_blank_line(buf: &[u8], from: usize) -> Option<usize> {
    buf.get(from..)?.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + from)
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A header value may hold visible characters, spaces and tabs: no CR, LF,
/// NUL or other control character.
pub fn is_field_value(s: &str) -> bool {
    s.chars().all(|c| c == '\t' || !c.is_control())
}

fn parse_head(head: &[u8], rest: Vec<u8>) -> Result<Head, ReadError> {
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split("\r\n");
    let line = lines.next().unwrap_or("");
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts[..] else { return Err(refuse(400, "Malformed request line")) };
    if !is_token(method)
        || target.is_empty()
        || !target.bytes().all(|b| b.is_ascii_graphic())
        || !matches!(version, "HTTP/1.0" | "HTTP/1.1")
    {
        return Err(refuse(400, "Malformed request line"));
    }
    let mut headers = Vec::new();
    for h in lines {
        if h.starts_with([' ', '\t']) {
            return Err(refuse(400, "Folded header lines are not accepted"));
        }
        let Some((k, v)) = h.split_once(':') else { return Err(refuse(400, "Malformed header line")) };
        let v = v.trim_matches([' ', '\t']);
        if !is_token(k) || !is_field_value(v) {
            return Err(refuse(400, "Malformed header line (control characters are not accepted)"));
        }
        headers.push((k.to_ascii_lowercase(), v.to_string()));
    }
    let named = |n: &'static str| named(&headers, n);
    let encodings: Vec<&str> = named("transfer-encoding").collect();
    let chunked = match encodings.as_slice() {
        [] => false,
        [one] if one.eq_ignore_ascii_case("chunked") => true,
        _ => return Err(refuse(501, "Only Transfer-Encoding: chunked is supported")),
    };
    if chunked && named("content-length").next().is_some() {
        return Err(refuse(400, "Content-Length and Transfer-Encoding together"));
    }
    let mut content_length: Option<u64> = None;
    for v in named("content-length") {
        let n = Some(v).filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())).and_then(|v| v.parse::<u64>().ok());
        match (n, content_length) {
            (None, _) => return Err(refuse(400, "Malformed Content-Length")),
            (Some(n), Some(seen)) if n != seen => return Err(refuse(400, "Conflicting Content-Length headers")),
            (Some(n), _) => content_length = Some(n),
        }
    }
    let content_length = content_length.unwrap_or(0);
    if content_length > MAX_BODY as u64 {
        return Err(refuse(413, "Request body must be at most 1 MiB"));
    }
    let expect_continue = named("expect").any(|v| v.eq_ignore_ascii_case("100-continue"));
    let path = target.split_once('?').map_or(target, |(p, _)| p).to_string();
    let request = Request { method: method.to_string(), path, headers, body: Vec::new() };
    Ok(Head { request, content_length: content_length as usize, chunked, expect_continue, rest })
}

/// A chunked body: `rest` and what is still to come, decoded, at most
/// 1 MiB (413 past it).
pub async fn read_chunked<R: AsyncRead + Unpin>(r: &mut R, rest: Vec<u8>) -> Result<Vec<u8>, ReadError> {
    let mut buf = rest;
    let mut at = 0;
    let mut body = Vec::new();
    // Makes `buf[at..]` hold at least `n` bytes.
    async fn fill<R: AsyncRead + Unpin>(r: &mut R, buf: &mut Vec<u8>, at: usize, n: usize) -> Result<(), ReadError> {
        let mut chunk = [0u8; 8192];
        while buf.len() - at < n {
            let got = r.read(&mut chunk).await.map_err(|_| ReadError::Closed)?;
            if got == 0 {
                return Err(ReadError::Closed);
            }
            buf.extend_from_slice(&chunk[..got]);
        }
        Ok(())
    }
    loop {
        // The size line: hex digits, optional extensions, CRLF (at most 1 KiB).
        let line_end = loop {
            if let Some(i) = buf[at..].windows(2).position(|w| w == b"\r\n") {
                break at + i;
            }
            if buf.len() - at > 1024 {
                return Err(refuse(400, "Malformed chunk size line"));
            }
            let have = buf.len() - at;
            fill(r, &mut buf, at, have + 1).await?;
        };
        let line = String::from_utf8_lossy(&buf[at..line_end]).to_string();
        let hex = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(hex, 16).map_err(|_| refuse(400, "Malformed chunk size"))?;
        at = line_end + 2;
        if size == 0 {
            // Trailers (ignored) up to the blank line.
            loop {
                fill(r, &mut buf, at, 2).await?;
                if buf[at..].starts_with(b"\r\n") {
                    return Ok(body);
                }
                match buf[at..].windows(2).position(|w| w == b"\r\n") {
                    Some(i) => at += i + 2,
                    None if buf.len() - at > 16 * 1024 => return Err(refuse(400, "Trailers too large")),
                    None => {
                        let have = buf.len() - at;
                        fill(r, &mut buf, at, have + 1).await?;
                    }
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(refuse(413, "Request body must be at most 1 MiB"));
        }
        fill(r, &mut buf, at, size + 2).await?;
        body.extend_from_slice(&buf[at..at + size]);
        if &buf[at + size..at + size + 2] != b"\r\n" {
            return Err(refuse(400, "Malformed chunk"));
        }
        at += size + 2;
        // Keep the buffer small: drop what was consumed.
        buf.drain(..at);
        at = 0;
    }
}

/// The body announced by the head: `rest` and what is still to come.
pub async fn read_body<R: AsyncRead + Unpin>(r: &mut R, mut rest: Vec<u8>, len: usize) -> Result<Vec<u8>, ReadError> {
    rest.truncate(len);
    let have = rest.len();
    rest.resize(len, 0);
    r.read_exact(&mut rest[have..]).await.map_err(|_| ReadError::Closed)?;
    Ok(rest)
}

pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// How a response's body is delimited.
pub enum Framing {
    Length(u64),
    /// Chunked transfer encoding: no length up front (streamed bodies).
    Chunked,
}

/// The status line and `r`'s headers (not its body), framed by `framing`.
///
/// The one place a head is written. A header that is not a token name with
/// a clean value is never sent: the client gets a 500 saying so, and the
/// caller an error (so it sends no body after it); that 500 keeps `r`'s
/// `Date` (every answer carries one) when it is clean.
pub async fn write_head<W: AsyncWrite + Unpin>(w: &mut W, r: &Response, framing: Framing) -> io::Result<()> {
    if let Some((k, _)) = r.headers.iter().find(|(k, v)| !is_token(k) || !is_field_value(v)) {
        eprintln!("fake-apiframe: refused to write the header {k:?}: names must be tokens, values free of control characters");
        let body = serde_json::json!({
            "error": format!("fake-apiframe refused to write the header {k:?}: a header may not contain CR, LF, NUL or other control characters")
        })
        .to_string();
        let date = named(&r.headers, "Date").find(|v| is_field_value(v)).map(|v| format!("Date: {v}\r\n")).unwrap_or_default();
        let head = format!(
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n{date}Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        w.write_all(head.as_bytes()).await?;
        w.write_all(body.as_bytes()).await?;
        w.flush().await?;
        return Err(io::Error::new(io::ErrorKind::InvalidData, "refused to write a header with control characters"));
    }
    let mut head = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    for (k, v) in &r.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    match framing {
        Framing::Length(n) => head.push_str(&format!("Content-Length: {n}\r\n")),
        Framing::Chunked => head.push_str("Transfer-Encoding: chunked\r\n"),
    }
    head.push_str("Connection: close\r\n\r\n");
    w.write_all(head.as_bytes()).await?;
    w.flush().await
}

/// One piece of a streamed body: as it is, or as one chunk.
pub async fn write_piece<W: AsyncWrite + Unpin>(w: &mut W, data: &[u8], chunked: bool) -> io::Result<()> {
    if chunked {
        w.write_all(format!("{:x}\r\n", data.len()).as_bytes()).await?;
        w.write_all(data).await?;
        w.write_all(b"\r\n").await?;
    } else {
        w.write_all(data).await?;
    }
    w.flush().await
}

/// The empty chunk that ends a chunked body.
pub async fn write_last_chunk<W: AsyncWrite + Unpin>(w: &mut W) -> io::Result<()> {
    w.write_all(b"0\r\n\r\n").await?;
    w.flush().await
}

pub async fn write_response<W: AsyncWrite + Unpin>(w: &mut W, r: &Response) -> io::Result<()> {
    write_head(w, r, Framing::Length(r.body.len() as u64)).await?;
    w.write_all(&r.body).await?;
    w.flush().await
}

/// A writer that gives up when the client stops reading: any write (or
/// flush) that makes no progress for `idle` fails with `TimedOut`, so a
/// stalled reader cannot hold a connection — and its slot — forever.
pub struct IdleWriter<W> {
    inner: W,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
    armed: bool,
}

impl<W> IdleWriter<W> {
    pub fn new(inner: W, idle: Duration) -> IdleWriter<W> {
        IdleWriter { inner, idle, timer: Box::pin(tokio::time::sleep(idle)), armed: false }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }

    /// `Some(error)` once the current stall has lasted `idle`.
    fn stalled(&mut self, cx: &mut Context<'_>) -> Option<io::Error> {
        if !self.armed {
            self.armed = true;
            let at = Instant::now() + self.idle;
            self.timer.as_mut().reset(at);
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Some(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading")),
            Poll::Pending => None,
        }
    }

    fn settle<T>(&mut self, cx: &mut Context<'_>, p: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        match p {
            Poll::Ready(r) => {
                self.armed = false;
                Poll::Ready(r)
            }
            Poll::Pending => match self.stalled(cx) {
                Some(e) => Poll::Ready(Err(e)),
                None => Poll::Pending,
            },
        }
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for IdleWriter<W> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let p = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.settle(cx, p)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let p = Pin::new(&mut this.inner).poll_flush(cx);
        this.settle(cx, p)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let p = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.settle(cx, p)
    }
}

/// `(authority, path)` of an absolute URL after its scheme.
pub fn split_url(rest: &str) -> (&str, &str) {
    match rest.find(['/', '?', '#']) {
        Some(i) if rest.as_bytes()[i] == b'/' => rest.split_at(i),
        Some(i) => (&rest[..i], "/"),
        None => (rest, "/"),
    }
}

#[cfg(test)]
pub(crate) fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn head_of(raw: &[u8]) -> Result<Head, ReadError> {
        let mut buf = Vec::new();
        read_head(&mut &raw[..], &mut buf).await
    }

    #[tokio::test]
    async fn reads_a_head_and_keeps_the_start_of_the_body() {
        let h =
            head_of(b"POST /v2/videos/generate?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nX-Api-Key:  k \r\n\r\nab").await.unwrap();
        assert_eq!((h.request.method.as_str(), h.request.path.as_str()), ("POST", "/v2/videos/generate"));
        assert_eq!(h.request.header("x-api-key"), Some("k"));
        assert_eq!((h.content_length, h.rest.as_slice()), (5, &b"ab"[..]));
        let body = read_body(&mut &b"cde"[..], h.rest, 5).await.unwrap();
        assert_eq!(body, b"abcde");
    }

    #[tokio::test]
    async fn reads_chunked_bodies_to_the_same_limit() {
        let h = head_of(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nab").await.unwrap();
        assert!(h.chunked);
        let body = read_chunked(&mut &b"c\r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n"[..], h.rest).await.unwrap();
        assert_eq!(body, b"abc0123456789");
        let mut big = Vec::new();
        for _ in 0..17 {
            big.extend_from_slice(b"10000\r\n");
            big.extend_from_slice(&[b'x'; 0x10000]);
            big.extend_from_slice(b"\r\n");
        }
        assert!(matches!(read_chunked(&mut &big[..], Vec::new()).await, Err(ReadError::Refuse(413, _))));
        assert!(matches!(read_chunked(&mut &b"zz\r\n"[..], Vec::new()).await, Err(ReadError::Refuse(400, _))));
    }

    #[tokio::test]
    async fn refuses_what_it_should_not_read() {
        let status = |r: Result<Head, ReadError>| match r {
            Err(ReadError::Refuse(s, _)) => s,
            other => panic!("{other:?}"),
        };
        let pad = "a".repeat(MAX_HEAD);
        assert_eq!(status(head_of(format!("GET / HTTP/1.1\r\nX: {pad}\r\n\r\n").as_bytes()).await), 431);
        assert_eq!(status(head_of(b"POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n").await), 413);
        assert!(head_of(b"POST / HTTP/1.1\r\nContent-Length: 1048576\r\n\r\n").await.is_ok());
        assert_eq!(status(head_of(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").await), 501);
        assert_eq!(status(head_of(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n").await), 400);
        assert_eq!(status(head_of(b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").await), 400);
        assert_eq!(status(head_of(b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").await), 400);
        assert_eq!(status(head_of(b"GET / HTTP/1.1\r\nX: a\rb\r\n\r\n").await), 400);
        assert_eq!(status(head_of(b"GET / HTTP/1.1\r\nX: a\0b\r\n\r\n").await), 400);
        assert_eq!(status(head_of(b"GET / HTTP/1.1\r\n folded\r\n\r\n").await), 400);
        assert_eq!(status(head_of(b"GET /a b HTTP/1.1\r\n\r\n").await), 400);
        assert_eq!(head_of(b"GET / HTTP/1.1\r\nHost: a\r\n").await.unwrap_err(), ReadError::Closed);
    }

    #[tokio::test]
    async fn a_header_with_a_line_break_is_never_written() {
        for bad in ["1\r\nSet-Cookie: a=b", "1\nx", "1\rx", "a\0b"] {
            let r = Response::new(429, "application/json", "{}").header("Retry-After", bad).header("Date", "Sat, 05 Dec 2026 11:22:23 GMT");
            let mut out = Vec::new();
            assert!(write_response(&mut out, &r).await.is_err());
            let text = String::from_utf8(out).unwrap();
            let (head, _) = text.split_once("\r\n\r\n").unwrap();
            assert!(head.starts_with("HTTP/1.1 500 "), "{text}");
            assert!(!head.contains("Set-Cookie") && !head.contains("Retry-After"), "{text}");
            // The refusal is still dated, by the answer it replaces.
            assert!(head.contains("\r\nDate: Sat, 05 Dec 2026 11:22:23 GMT\r\n"), "{text}");
        }
        let bad_name = Response::new(200, "text/plain", "").header("X-A\r\nB", "1");
        assert!(write_response(&mut Vec::new(), &bad_name).await.is_err());
        let ok = Response::new(429, "application/json", "{}").header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
        let mut out = Vec::new();
        write_response(&mut out, &ok).await.unwrap();
        assert!(String::from_utf8(out).unwrap().contains("\r\nRetry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n"));
    }

    #[test]
    fn splits_urls() {
        assert_eq!(split_url("127.0.0.1:9/hook?a=1"), ("127.0.0.1:9", "/hook?a=1"));
        assert_eq!(split_url("127.0.0.1:9"), ("127.0.0.1:9", "/"));
        assert_eq!(split_url("127.0.0.1:9?a"), ("127.0.0.1:9", "/"));
    }
}
