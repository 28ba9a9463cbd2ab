//! Taking the API key out of text that came from elsewhere: a server's
//! error message, a job's fields, an upstream answer a proxy passes back.
//! A server may echo the key in another form than the one it was sent in,
//! and the form must not matter, so a copy is found however it is spelled:
//! - each character as itself in any ASCII case, or percent-encoded
//!   (`%61`), or as a JSON escape (`\u0061`), mixed freely — what a page's
//!   `decodeURIComponent` or `JSON.parse` would turn back into the key;
//! - base64 (standard or URL-safe alphabet, at any of the three byte
//!   alignments, where every character that depends on the key alone is
//!   matched).
//!
//! Each copy becomes `***`. It works on bytes, so a body that is not UTF-8
//! is covered too; replacing whole ASCII runs keeps UTF-8 text valid.

/// The replacement of every copy of the key.
const MASK: &[u8] = b"***";
/// Base64 runs shorter than this are not looked for: too likely by chance.
const MIN_BASE64: usize = 8;

use crate::core::text::hex_digit as hex;

/// The byte a spelling at the start of `at` stands for, and its length: the
/// byte itself, `%HH` or `\u00HH`.
fn spelled(at: &[u8]) -> Option<(u8, usize)> {
    match at {
        [b'%', h, l, ..] => Some(((hex(*h)? << 4) | hex(*l)?, 3)),
        [b'\\', b'u', b'0', b'0', h, l, ..] => Some(((hex(*h)? << 4) | hex(*l)?, 6)),
        [b, ..] => Some((*b, 1)),
        [] => None,
    }
}

/// The length of the copy of `secret` that starts at `at`, if one does.
fn copy_at(at: &[u8], secret: &[u8]) -> Option<usize> {
    let mut used = 0;
    for &want in secret {
        let (got, len) = spelled(at.get(used..)?)?;
        let same = if want.is_ascii() { got.eq_ignore_ascii_case(&want) } else { got == want };
        if !same {
            return None;
        }
        used += len;
    }
    Some(used)
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The base64 characters (in `alphabet`) that depend on `secret` alone when
/// it starts `skip` bytes into a group of three.
fn base64_core(secret: &[u8], skip: usize, alphabet: &[u8; 64]) -> Vec<u8> {
    let mut bytes = vec![0u8; skip];
    bytes.extend_from_slice(secret);
    let whole = bytes.len() / 3 * 3;
    let mut out = Vec::with_capacity(whole / 3 * 4);
    for group in bytes.get(..whole).unwrap_or_default().chunks(3) {
        if let [a, b, c] = group {
            let n = (u32::from(*a) << 16) | (u32::from(*b) << 8) | u32::from(*c);
            for shift in [18, 12, 6, 0] {
                out.push(alphabet[((n >> shift) & 63) as usize]);
            }
        }
    }
    // The characters before the key's first full six bits mix in the bytes
    // before it: 0, 2 or 3 characters for 0, 1 or 2 bytes of alignment.
    let first = [0, 2, 3][skip.min(2)];
    out.get(first..).unwrap_or_default().to_vec()
}

/// `bytes` with every copy of `secret` replaced by `***`, or `None` when
/// there is none (nothing to copy then).
pub fn redact_bytes(bytes: &[u8], secret: &str) -> Option<Vec<u8>> {
    let secret = secret.as_bytes();
    if secret.is_empty() {
        return None;
    }
    let mut cores = Vec::new();
    for alphabet in [STANDARD, URL_SAFE] {
        for skip in 0..3 {
            let core = base64_core(secret, skip, alphabet);
            if core.len() >= MIN_BASE64 && !cores.contains(&core) {
                cores.push(core);
            }
        }
    }
    let mut out: Option<Vec<u8>> = None;
    let mut kept = 0;
    let mut i = 0;
    while i < bytes.len() {
        let rest = bytes.get(i..).unwrap_or_default();
        let found = copy_at(rest, secret).or_else(|| cores.iter().find(|c| rest.starts_with(c)).map(Vec::len));
        match found {
            Some(len) => {
                let buf = out.get_or_insert_with(|| Vec::with_capacity(bytes.len()));
                buf.extend_from_slice(bytes.get(kept..i).unwrap_or_default());
                buf.extend_from_slice(MASK);
                i += len;
                kept = i;
            }
            None => i += 1,
        }
    }
    let mut buf = out?;
    buf.extend_from_slice(bytes.get(kept..).unwrap_or_default());
    Some(buf)
}

/// Replaces every copy of `secret` in `text` with `***`.
pub fn redact_in(text: &mut String, secret: &str) {
    if let Some(bytes) = redact_bytes(text.as_bytes(), secret) {
        // Only whole copies of the key are replaced: each starts and ends on
        // a character boundary, so the text stays UTF-8.
        *text = String::from_utf8(bytes).unwrap_or_else(|_| String::from("***"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "afk_live_5Gq8ZtW2";

    fn redacted(text: &str) -> String {
        let mut t = text.to_string();
        redact_in(&mut t, KEY);
        t
    }

    fn base64(bytes: &[u8], alphabet: &[u8; 64]) -> String {
        let mut out = String::new();
        for group in bytes.chunks(3) {
            let n = group.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
            for (k, shift) in [18, 12, 6, 0].into_iter().enumerate() {
                out.push(if k <= group.len() { alphabet[((n >> shift) & 63) as usize] as char } else { '=' });
            }
        }
        out
    }

    #[test]
    fn every_spelling_of_the_key_is_masked() {
        let url: String = KEY.bytes().map(|b| format!("%{b:02X}")).collect();
        let json: String = KEY.bytes().map(|b| format!("\\u{:04x}", b)).collect();
        let mixed = String::from("AFK%5flive_\\u0035gQ8ZTw2");
        for echo in [KEY.to_string(), KEY.to_uppercase(), KEY.to_lowercase(), url, json, mixed] {
            assert_eq!(redacted(&format!("bad key {echo}!")), "bad key ***!", "{echo}");
        }
    }

    #[test]
    fn base64_copies_are_masked_at_every_alignment() {
        for alphabet in [STANDARD, URL_SAFE] {
            for prefix in ["", "x", "xy", "Bearer: "] {
                let encoded = base64(format!("{prefix}{KEY}").as_bytes(), alphabet);
                let out = redacted(&format!("token={encoded}"));
                assert!(out.contains("***"), "{prefix:?} {encoded} → {out}");
                // What is left cannot be decoded back into the key.
                assert!(out.len() < encoded.len() + 6, "{out}");
            }
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_searched_too() {
        let mut body = vec![0xff, 0xfe];
        body.extend_from_slice(KEY.as_bytes());
        body.push(0x80);
        assert_eq!(redact_bytes(&body, KEY), Some(vec![0xff, 0xfe, b'*', b'*', b'*', 0x80]));
    }

    #[test]
    fn text_without_the_key_is_left_alone_and_not_copied() {
        assert_eq!(redact_bytes(b"afk_live_5Gq8ZtW no", KEY), None);
        assert_eq!(redact_bytes(b"anything", ""), None);
        assert_eq!(redacted("é afk_live_5Gq8ZtW2 é"), "é *** é");
        let mut same = String::from("afk afk");
        redact_in(&mut same, "afk");
        assert_eq!(same, "*** ***");
    }
}
