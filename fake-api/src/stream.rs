//! Answers too big or too slow to hold: the `huge` and `endless` faults.
//! Their bodies are written piece by piece as the client reads them, so the
//! fake's memory stays flat (one 64 KiB filler) however many bytes it sends
//! or however long it trickles; both stop when the client hangs up (a write
//! fails).

use std::time::Duration;
use tokio::io::AsyncWrite;

use crate::http::{write_head, write_last_chunk, write_piece, Framing, Response};

const FILLER_LEN: usize = 64 * 1024;
const SUFFIX: &[u8] = b"\"}";

/// A body that is streamed rather than held.
#[derive(Clone, Debug, PartialEq)]
pub enum Streamed {
    /// `prefix` (a job JSON opened on a `"padding":"` string), `x` padding,
    /// `"}`: well-formed JSON of exactly `bytes` bytes (cut short when
    /// `bytes` is smaller than the frame itself).
    Huge { prefix: String, bytes: u64, chunked: bool },
    /// One space every `interval_ms`, chunked, never finished.
    Endless { interval_ms: u64 },
}

/// The pieces of a `huge` body, in order, together exactly `bytes` long.
pub fn huge_pieces<'a>(prefix: &'a [u8], filler: &'a [u8], bytes: u64) -> impl Iterator<Item = &'a [u8]> + 'a {
    let pad = bytes.saturating_sub((prefix.len() + SUFFIX.len()) as u64);
    let (whole, rest) = (pad / filler.len() as u64, (pad % filler.len() as u64) as usize);
    let mut left = bytes;
    std::iter::once(prefix)
        .chain(std::iter::repeat_n(filler, whole as usize))
        .chain([&filler[..rest], SUFFIX])
        .map(move |piece| {
            let n = (piece.len() as u64).min(left) as usize;
            left -= n as u64;
            &piece[..n]
        })
        .filter(|piece| !piece.is_empty())
}

/// Writes `head` (status and headers, no body) and then the streamed body;
/// returns when it is all sent or the client has gone.
pub async fn send<W: AsyncWrite + Unpin>(w: &mut W, head: &Response, body: &Streamed) -> std::io::Result<()> {
    match body {
        Streamed::Huge { prefix, bytes, chunked } => {
            write_head(w, head, if *chunked { Framing::Chunked } else { Framing::Length(*bytes) }).await?;
            let filler = vec![b'x'; FILLER_LEN];
            for piece in huge_pieces(prefix.as_bytes(), &filler, *bytes) {
                write_piece(w, piece, *chunked).await?;
            }
            if *chunked {
                write_last_chunk(w).await?;
            }
            Ok(())
        }
        Streamed::Endless { interval_ms } => {
            write_head(w, head, Framing::Chunked).await?;
            loop {
                tokio::time::sleep(Duration::from_millis(*interval_ms)).await;
                write_piece(w, b" ", true).await?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(prefix: &str, filler_len: usize, bytes: u64) -> Vec<u8> {
        let filler = vec![b'x'; filler_len];
        huge_pieces(prefix.as_bytes(), &filler, bytes).flatten().copied().collect()
    }

    #[test]
    fn a_huge_body_is_well_formed_json_of_exactly_the_size_asked() {
        let prefix = r#"{"id":"abc","status":"PROCESSING","padding":""#;
        for bytes in [prefix.len() as u64 + 2, 100, 1000, 4096, 4097, 10 * 4096 + 3] {
            let b = body(prefix, 4096, bytes);
            assert_eq!(b.len() as u64, bytes);
            let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
            assert_eq!(v["id"], "abc");
            assert_eq!(v["padding"].as_str().unwrap().len() as u64, bytes - prefix.len() as u64 - 2);
        }
    }

    #[test]
    fn a_size_below_the_frame_cuts_it_short() {
        let prefix = r#"{"id":"abc","padding":""#;
        for bytes in [0, 1, 5, prefix.len() as u64 + 1] {
            let b = body(prefix, 16, bytes);
            assert_eq!(b.len() as u64, bytes);
            assert_eq!(&b[..], &format!("{prefix}\"}}").as_bytes()[..bytes as usize]);
        }
    }

    #[tokio::test]
    async fn chunked_framing_carries_the_same_bytes() {
        let head = Response::new(200, "application/json", "");
        let prefix = r#"{"padding":""#.to_string();
        let mut out = Vec::new();
        send(&mut out, &head, &Streamed::Huge { prefix: prefix.clone(), bytes: 70_000, chunked: true }).await.unwrap();
        let text = String::from_utf8(out).unwrap();
        let (head_text, chunked) = text.split_once("\r\n\r\n").unwrap();
        assert!(head_text.contains("Transfer-Encoding: chunked") && !head_text.contains("Content-Length"));
        let plain = crate::http::dechunk(chunked.as_bytes()).unwrap();
        assert_eq!(plain, body(&prefix, FILLER_LEN, 70_000));

        let mut out = Vec::new();
        send(&mut out, &head, &Streamed::Huge { prefix: prefix.clone(), bytes: 70_000, chunked: false }).await.unwrap();
        let text = String::from_utf8(out).unwrap();
        let (head_text, plain) = text.split_once("\r\n\r\n").unwrap();
        assert!(head_text.contains("Content-Length: 70000") && !head_text.contains("chunked"));
        assert_eq!(plain.as_bytes(), body(&prefix, FILLER_LEN, 70_000));
    }
}
