//! Just enough URL syntax for the checks: is a string an absolute URI as
//! RFC 3986 defines it (what the provider's schema means by `format: uri`),
//! what is its scheme, and what host does it name.
//!
//! Hand-written rather than the `url` crate on purpose: that crate follows
//! the WHATWG parser, which *accepts* strings the provider's schema rejects
//! (spaces, non-ASCII) by percent-encoding them, and its IDNA tables would
//! add tens of kilobytes to the wasm for a check this small.

/// An absolute URI split into the parts the checks look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uri<'a> {
    /// The scheme as written, without the colon (compare it with
    /// [`Uri::is`], which ignores case).
    pub scheme: &'a str,
    /// The host of an authority (`//host`), without port or brackets;
    /// `None` when the URI has no authority.
    pub host: Option<&'a str>,
}

impl Uri<'_> {
    /// Whether the scheme is `name` (ASCII, any case).
    pub fn is(&self, name: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(name)
    }

    /// Whether this is an http(s) URL with a non-empty host.
    pub fn is_web(&self) -> bool {
        (self.is("http") || self.is("https")) && self.host.is_some_and(|h| !h.is_empty())
    }
}

/// Why a string is not an absolute URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UriError {
    /// No `scheme:` in front: a relative reference or plain text.
    NotAbsolute,
    /// A character RFC 3986 does not allow there (a space, non-ASCII, a bad
    /// `%` escape, `<`, `"`…): the service's schema rejects it.
    BadCharacter(char),
    /// Nothing after `scheme:`.
    Empty,
    /// `//` with a malformed host or port.
    BadAuthority,
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn is_sub_delim(b: u8) -> bool {
    matches!(b, b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=')
}

/// Checks that `s` is made of `allowed` bytes and well-formed `%XX` escapes.
fn check_chars(s: &str, allowed: impl Fn(u8) -> bool) -> Result<(), UriError> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let ok = bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return Err(UriError::BadCharacter('%'));
            }
            i += 3;
        } else if b.is_ascii() && allowed(b) {
            i += 1;
        } else {
            let c = s.get(i..).and_then(|rest| rest.chars().next()).unwrap_or('\u{FFFD}');
            return Err(UriError::BadCharacter(c));
        }
    }
    Ok(())
}

fn pchar(b: u8) -> bool {
    is_unreserved(b) || is_sub_delim(b) || b == b':' || b == b'@'
}

fn path_char(b: u8) -> bool {
    pchar(b) || b == b'/'
}

fn query_char(b: u8) -> bool {
    pchar(b) || b == b'/' || b == b'?'
}

fn valid_ipv6(s: &str) -> bool {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
        return false;
    }
    let compressed = s.as_bytes().windows(2).filter(|w| w == b"::").count();
    if compressed > 1 {
        return false;
    }
    let groups: Vec<&str> = s.split(':').collect();
    let last_is_v4 = groups.last().is_some_and(|g| g.contains('.'));
    let mut count = 0;
    for (i, g) in groups.iter().enumerate() {
        if g.is_empty() {
            continue;
        }
        if i == groups.len() - 1 && last_is_v4 {
            if parse_ipv4(g).is_none() {
                return false;
            }
            count += 2;
        } else if g.len() > 4 || g.contains('.') {
            return false;
        } else {
            count += 1;
        }
    }
    if compressed == 1 {
        count < 8
    } else {
        count == 8 && !s.starts_with(':') && !s.ends_with(':')
    }
}

/// The four octets of a dotted-quad IPv4 address, if `s` is one.
pub fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split('.');
    for slot in out.iter_mut() {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = part.bytes().fold(0, |acc, b| acc * 10 + u32::from(b - b'0'));
        *slot = u8::try_from(n).ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(out)
}

/// Parses `s` as an absolute URI (RFC 3986 `absolute-URI` with an optional
/// fragment).
pub fn parse(s: &str) -> Result<Uri<'_>, UriError> {
    // split_once rather than index slicing throughout: no slice-boundary
    // panic paths (and their formatting code) in the wasm.
    let (scheme, rest) = s.split_once(':').ok_or(UriError::NotAbsolute)?;
    let scheme_ok = scheme.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return Err(UriError::NotAbsolute);
    }
    if rest.is_empty() {
        return Err(UriError::Empty);
    }
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (hier, query) = match rest.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (rest, None),
    };
    if let Some(q) = query {
        check_chars(q, query_char)?;
    }
    if let Some(f) = fragment {
        check_chars(f, query_char)?;
    }
    let mut host = None;
    if let Some(after) = hier.strip_prefix("//") {
        let (authority, path) = match after.find('/') {
            Some(i) => after.split_at_checked(i).unwrap_or((after, "")),
            None => (after, ""),
        };
        host = Some(parse_authority(authority)?);
        check_chars(path, path_char)?;
    } else {
        if hier.is_empty() {
            return Err(UriError::Empty);
        }
        check_chars(hier, path_char)?;
    }
    Ok(Uri { scheme, host })
}

fn parse_authority(authority: &str) -> Result<&str, UriError> {
    let host_port = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => {
            check_chars(userinfo, |b| is_unreserved(b) || is_sub_delim(b) || b == b':')?;
            host_port
        }
        None => authority,
    };
    let (host, port) = if let Some(inner) = host_port.strip_prefix('[') {
        let (host, port) = inner.split_once(']').ok_or(UriError::BadAuthority)?;
        if !valid_ipv6(host) {
            return Err(UriError::BadAuthority);
        }
        (host, port)
    } else {
        match host_port.rfind(':') {
            Some(i) => host_port.split_at_checked(i).unwrap_or((host_port, "")),
            None => (host_port, ""),
        }
    };
    if !port.is_empty() {
        let digits = port.strip_prefix(':').ok_or(UriError::BadAuthority)?;
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(UriError::BadAuthority);
        }
    }
    if !host_port.starts_with('[') {
        check_chars(host, |b| is_unreserved(b) || is_sub_delim(b))?;
    }
    Ok(host)
}

/// Whether `host` names this machine or a private network, which a service
/// on the internet cannot reach: `localhost`, loopback, RFC 1918, link-local,
/// unspecified, IPv6 unique-local and link-local.
pub fn is_local_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    let ends_with =
        |suffix: &str| host.len() >= suffix.len() && host.as_bytes()[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes());
    if host.eq_ignore_ascii_case("localhost") || ends_with(".localhost") || ends_with(".local") {
        return true;
    }
    if !host.contains(':') && !host.starts_with(|c: char| c.is_ascii_digit()) {
        return false; // a name, not an address: the common case, no allocation
    }
    let lower = host.to_ascii_lowercase();
    if let Some([a, b, _, _]) = parse_ipv4(&lower) {
        return a == 127 || a == 10 || a == 0 || (a == 172 && (16..=31).contains(&b)) || (a == 192 && b == 168) || (a == 169 && b == 254);
    }
    if lower.contains(':') {
        return lower == "::1"
            || lower == "::"
            || lower.starts_with("fc")
            || lower.starts_with("fd")
            || lower.starts_with("fe8")
            || lower.starts_with("fe9")
            || lower.starts_with("fea")
            || lower.starts_with("feb")
            || lower.starts_with("::ffff:127.");
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_absolute_uris() {
        for s in [
            "https://example.com/input.jpg",
            "http://user:pw@example.com:8080/a/b?x=1&y=%20#frag",
            "https://[::1]:3000/x",
            "https://[2001:db8::7]/",
            "data:image/png;base64,iVBORw0KGgo=",
            "blob:https://example.com/5f1c",
            "file:///home/me/cat.png",
            "https://example.com",
        ] {
            assert!(parse(s).is_ok(), "{s}");
        }
        let u = parse("HTTPS://Example.com:443/x").unwrap();
        assert!(u.is("https") && u.is_web());
        assert_eq!(u.host, Some("Example.com"));
        assert_eq!(parse("data:x").unwrap().host, None);
    }

    #[test]
    fn rejects_what_rfc_3986_rejects() {
        assert_eq!(parse("example.com/cat.jpg"), Err(UriError::NotAbsolute));
        assert_eq!(parse("/cat.jpg"), Err(UriError::NotAbsolute));
        assert_eq!(parse("1http://x"), Err(UriError::NotAbsolute));
        assert_eq!(parse("https:"), Err(UriError::Empty));
        assert_eq!(parse("https://example.com/a b.jpg"), Err(UriError::BadCharacter(' ')));
        assert_eq!(parse("https://example.com/café.jpg"), Err(UriError::BadCharacter('é')));
        assert_eq!(parse("https://example.com/%zz"), Err(UriError::BadCharacter('%')));
        assert_eq!(parse("https://example.com:80a/"), Err(UriError::BadAuthority));
        assert_eq!(parse("https://[::g]/"), Err(UriError::BadAuthority));
        assert_eq!(parse("https://[1:2:3:4:5:6:7:8:9]/"), Err(UriError::BadAuthority));
        assert_eq!(parse("https://exa<mple.com/"), Err(UriError::BadCharacter('<')));
    }

    #[test]
    fn knows_local_and_private_hosts() {
        for h in [
            "LocalHost",
            "API.LOCALHOST.",
            "localhost",
            "api.localhost",
            "127.0.0.1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.10",
            "169.254.1.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "0.0.0.0",
            "printer.local",
        ] {
            assert!(is_local_host(h), "{h}");
        }
        for h in ["example.com", "8.8.8.8", "172.32.0.1", "2001:db8::1", "192.169.0.1"] {
            assert!(!is_local_host(h), "{h}");
        }
    }
}
