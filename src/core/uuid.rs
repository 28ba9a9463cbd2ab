//! UUID v4 text from 16 random bytes, for `Idempotency-Key`s.
//!
//! Hand-written (a dozen lines) rather than the `uuid` crate: on
//! wasm32-unknown-unknown that crate's randomness comes through `getrandom`,
//! whose wasm backend needs a `--cfg` flag in every downstream build. The
//! boundary layer passes bytes from `crypto.getRandomValues` instead.

/// Formats `bytes` as a version-4, RFC 4122 variant UUID.
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 0xf)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_version_and_variant_bits() {
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(uuid_v4([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let s = uuid_v4(*b"0123456789abcdef");
        assert_eq!(s.len(), 36);
        assert_eq!(&s[14..15], "4");
    }
}
