//! UUID v4 text from 16 random bytes, for `Idempotency-Key`s, and the check
//! that a job id has the service's form (a UUID) before it goes in a URL.
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

/// Whether `s` is a UUID in its canonical text form (any version, either
/// case): 8-4-4-4-12 hex digits. The service's job ids are UUIDs, so
/// anything else (`.`, `..`, a path) is refused before a request is made.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && s.bytes().enumerate().all(|(i, b)| if matches!(i, 8 | 13 | 18 | 23) { b == b'-' } else { b.is_ascii_hexdigit() })
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
        assert!(is_uuid(&s));
    }

    #[test]
    fn only_canonical_uuids_are_job_ids() {
        assert!(is_uuid("0E3A4B2C-1D2E-4F5A-8B9C-0D1E2F3A4B5C"));
        for bad in [
            "",
            ".",
            "..",
            "../me",
            "%2e%2e",
            "0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5",
            "0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5g",
            "0e3a4b2c11d2e-4f5a-8b9c-0d1e2f3a4b5c",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }
}
