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

// Character classes of RFC 3986, one bit each, looked up in one table: a
// URL is checked on every keystroke, nine at a time.
const UNRESERVED: u8 = 1;
const SUB_DELIM: u8 = 2;
const COLON: u8 = 4;
const AT: u8 = 8;
const SLASH: u8 = 16;
const QUESTION: u8 = 32;

const HOST: u8 = UNRESERVED | SUB_DELIM;
const USERINFO: u8 = HOST | COLON;
const PATH: u8 = HOST | COLON | AT | SLASH;
const QUERY: u8 = PATH | QUESTION;

const CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~') {
            UNRESERVED
        } else if matches!(c, b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=') {
            SUB_DELIM
        } else if c == b':' {
            COLON
        } else if c == b'@' {
            AT
        } else if c == b'/' {
            SLASH
        } else if c == b'?' {
            QUESTION
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Checks that `s` is made of bytes of the classes in `allowed` and
/// well-formed `%XX` escapes.
fn check_chars(s: &str, allowed: u8) -> Result<(), UriError> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let ok = bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return Err(UriError::BadCharacter('%'));
            }
            i += 3;
        } else if CLASS.get(usize::from(b)).is_some_and(|c| c & allowed != 0) {
            i += 1;
        } else {
            let c = s.get(i..).and_then(|rest| rest.chars().next()).unwrap_or('\u{FFFD}');
            return Err(UriError::BadCharacter(c));
        }
    }
    Ok(())
}

/// `s` split around the first `sep` (an ASCII byte, so both halves sit on
/// char boundaries); a byte scan, cheaper than a `char` pattern's searcher.
fn split_at_first(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == sep)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `s` split around the last `sep`.
fn split_at_last(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = s.bytes().rposition(|b| b == sep)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
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
    let (scheme, rest) = split_at_first(s, b':').ok_or(UriError::NotAbsolute)?;
    let scheme_ok = scheme.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return Err(UriError::NotAbsolute);
    }
    if rest.is_empty() {
        return Err(UriError::Empty);
    }
    let (rest, fragment) = match split_at_first(rest, b'#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (hier, query) = match split_at_first(rest, b'?') {
        Some((h, q)) => (h, Some(q)),
        None => (rest, None),
    };
    if let Some(q) = query {
        check_chars(q, QUERY)?;
    }
    if let Some(f) = fragment {
        check_chars(f, QUERY)?;
    }
    let mut host = None;
    if let Some(after) = hier.strip_prefix("//") {
        let (authority, path) = match after.bytes().position(|b| b == b'/') {
            Some(i) => after.split_at_checked(i).unwrap_or((after, "")),
            None => (after, ""),
        };
        host = Some(parse_authority(authority)?);
        check_chars(path, PATH)?;
    } else {
        if hier.is_empty() {
            return Err(UriError::Empty);
        }
        check_chars(hier, PATH)?;
    }
    Ok(Uri { scheme, host })
}

fn parse_authority(authority: &str) -> Result<&str, UriError> {
    let host_port = match split_at_last(authority, b'@') {
        Some((userinfo, host_port)) => {
            check_chars(userinfo, USERINFO)?;
            host_port
        }
        None => authority,
    };
    let (host, port) = if let Some(inner) = host_port.strip_prefix('[') {
        let (host, port) = split_at_first(inner, b']').ok_or(UriError::BadAuthority)?;
        if !valid_ipv6(host) {
            return Err(UriError::BadAuthority);
        }
        (host, port)
    } else {
        match host_port.bytes().rposition(|b| b == b':') {
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
        check_chars(host, HOST)?;
    }
    Ok(host)
}

/// Whether `host` names this machine or a private network, which a service
/// on the internet cannot reach: `localhost`, loopback, RFC 1918, link-local,
/// unspecified, IPv6 unique-local and link-local.
pub fn is_local_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    let ends_with = |suffix: &str| {
        host.len()
            .checked_sub(suffix.len())
            .and_then(|at| host.as_bytes().get(at..))
            .is_some_and(|t| t.eq_ignore_ascii_case(suffix.as_bytes()))
    };
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
