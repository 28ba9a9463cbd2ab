//! The pure half of webhook verification: reading the signature header and
//! comparing MACs in constant time. The HMAC itself is WebCrypto's (see
//! `wasm/server/verify_webhook.rs`): the provider signs the raw body with HMAC-SHA256,
//! keyed with the 32 bytes of SHA-256(API key). And the bound on what is
//! checked: anyone can post to a webhook URL.

use crate::core::text::hex_digit;

/// Largest webhook body `verifyWebhook` checks; a larger one is `false`
/// unread. The service's events are a few hundred bytes.
pub const MAX_WEBHOOK_BODY_BYTES: usize = 1 << 20;

/// The MAC bytes of `sha256=<hex>` or bare `<hex>` (any case); `None` when
/// it is not 64 hex digits.
pub fn parse_signature(header: &str) -> Option<[u8; 32]> {
    let h = header.trim();
    let hex = match h.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("sha256=") => h.get(7..).unwrap_or_default(),
        _ => h,
    };
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out[i] = (hex_digit(pair[0])? << 4) | hex_digit(pair[1])?;
    }
    Some(out)
}

/// Equality whose running time does not depend on where the inputs differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_prefixed_and_bare_hex() {
        let hex = "00ff".repeat(16);
        let want: Vec<u8> = [0x00u8, 0xff].repeat(16);
        assert_eq!(parse_signature(&format!("sha256={hex}")).unwrap().to_vec(), want);
        assert_eq!(parse_signature(&format!("SHA256={}", hex.to_uppercase())).unwrap().to_vec(), want);
        assert_eq!(parse_signature(&hex).unwrap().to_vec(), want);
        assert!(parse_signature("sha256=abc").is_none());
        assert!(parse_signature(&"zz".repeat(32)).is_none());
        assert!(parse_signature("sha256=é").is_none());
        assert!(parse_signature("").is_none());
    }

    #[test]
    fn compares_exactly() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
