//! The text of findings: [`Text`] (a message or path, literal or built)
//! and the helpers that build messages, kept free of `core::fmt` so the
//! release wasm does not link the formatting machinery.

use crate::core::value::push_u64;

/// A message or path: a literal of the binary, or text built at run time.
///
/// Why two kinds: a literal is serialized as serde serializes the name of
/// an enum's unit variant (a `&'static str`), and serde-wasm-bindgen keeps
/// the JS string it makes for such a name, keyed by address. Sending a
/// string to JS otherwise costs a `TextDecoder` call — about 250 ns in
/// Chromium whatever the length, measured with a page probe — three per
/// issue: most of what an invalid body cost. Only literals are kept, so
/// that cache is bounded by the binary, not by what callers send.
///
/// Both kinds come out as the plain string in self-describing formats
/// (serde-wasm-bindgen, serde_json), the only ones this crate writes; a
/// format that writes unit variants by index (bincode, postcard) would not
/// keep a literal's text.
#[derive(Clone, Debug, Eq)]
pub enum Text {
    Literal(&'static str),
    Built(String),
}

impl Text {
    pub fn as_str(&self) -> &str {
        match self {
            Text::Literal(s) => s,
            Text::Built(s) => s,
        }
    }

    /// The text as a `String` to edit (a literal is copied first).
    pub fn to_mut(&mut self) -> &mut String {
        if let Text::Literal(s) = *self {
            *self = Text::Built(String::from(s));
        }
        match self {
            Text::Built(s) => s,
            Text::Literal(_) => unreachable!(),
        }
    }
}

impl core::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&'static str> for Text {
    fn from(s: &'static str) -> Text {
        Text::Literal(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::Built(s)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// For tests and logs; release code never formats (it would link `core::fmt`).
impl core::fmt::Display for Text {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Text::Literal(name) => s.serialize_unit_variant("Text", 0, name),
            Text::Built(text) => s.serialize_str(text),
        }
    }
}

/// Where `needle` first occurs in `haystack`, searched by bytes (an empty
/// needle is at 0). Why not `str::contains` / `str::find` with a `&str`:
/// core's two-way searcher links a slicing panic's message, which formats
/// a `char` with the Unicode printable tables — about 5 KB of gzipped wasm
/// (`tests/node/size-guard.test.mjs` keeps it out). A window is compared
/// only when its first byte matches, so wasm does not call `memcmp` at
/// every position. A match of valid UTF-8 inside valid UTF-8 always sits on
/// char boundaries.
pub fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let Some(first) = needle.first() else { return Some(0) };
    haystack.windows(needle.len()).position(|w| w.first() == Some(first) && w == needle)
}

/// The value of one hex digit, either case.
pub(crate) fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Concatenates `parts`.
pub fn cat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// The eight bytes of `chunk` as a little-endian word (for SWAR scans);
/// shorter chunks are zero-padded.
#[inline(always)]
pub fn word(chunk: &[u8]) -> u64 {
    match <[u8; 8]>::try_from(chunk) {
        Ok(w) => u64::from_le_bytes(w),
        Err(_) => chunk.iter().rev().fold(0, |acc, &b| acc << 8 | u64::from(b)),
    }
}

/// Length of `s` in UTF-16 code units (JS `length`), without decoding:
/// every byte that starts a character counts one, and a 4-byte character
/// (outside the BMP) one more.
pub fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        return s.len(); // word-at-a-time check: the common case is fast
    }
    let continuation = s.bytes().filter(|b| b & 0xc0 == 0x80).count();
    let astral = s.bytes().filter(|&b| b >= 0xf0).count();
    s.len() - continuation + astral
}

/// `"value"` with quotes, for naming user input in messages. Long input is
/// cut (on a character boundary) so a message stays readable.
pub fn quoted(value: &str) -> String {
    const MAX: usize = 60;
    let mut s = String::from("\"");
    if value.len() > MAX {
        let mut end = MAX;
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        s.push_str(value.get(..end).unwrap_or_default());
        s.push('…');
    } else {
        s.push_str(value);
    }
    s.push('"');
    s
}

/// Decimal text of `n`.
pub fn num(n: u64) -> String {
    let mut s = String::new();
    push_u64(n, &mut s);
    s
}

/// `"a", "b" or "c"` — a set of allowed values for a message.
pub fn one_of(values: &[&str]) -> String {
    let mut s = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            s.push_str(if i + 1 == values.len() { " or " } else { ", " });
        }
        s.push('"');
        s.push_str(v);
        s.push('"');
    }
    s
}

/// Levenshtein distance of two short byte strings, on the stack: inputs
/// longer than 64 bytes count as far apart.
pub fn edit_distance_bytes(a: &[u8], b: &[u8]) -> usize {
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut prev = [0usize; 65];
    let mut cur = [0usize; 65];
    for (j, slot) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *slot = j;
    }
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bytes_like_str_find() {
        for (hay, needle) in [("a//b//", "//"), ("/", "//"), ("", "x"), ("abc", ""), ("é\u{fffd}x", "\u{fffd}"), ("k3yk3y", "k3y")] {
            assert_eq!(find_bytes(hay.as_bytes(), needle.as_bytes()), hay.find(needle), "{hay:?} {needle:?}");
        }
    }

    #[test]
    fn text_is_a_plain_string_to_any_serializer() {
        let literal = Text::from("prompt");
        let built = Text::from(cat(&["pro", "mpt"]));
        assert_eq!(literal, built);
        assert_eq!(serde_json::to_string(&literal).unwrap(), "\"prompt\"");
        assert_eq!(serde_json::to_string(&built).unwrap(), "\"prompt\"");
        let mut edited = literal.clone();
        edited.to_mut().push('!');
        assert_eq!((edited.as_str(), literal.as_str()), ("prompt!", "prompt"));
    }

    #[test]
    fn helpers_format_without_fmt() {
        assert_eq!(cat(&["a", "b", "c"]), "abc");
        assert_eq!(num(2500), "2500");
        assert_eq!(one_of(&["720p", "1080p"]), "\"720p\" or \"1080p\"");
        assert_eq!(one_of(&["a", "b", "c"]), "\"a\", \"b\" or \"c\"");
        assert_eq!(quoted("x"), "\"x\"");
        let long = "é".repeat(100);
        assert!(quoted(&long).ends_with("…\""));
    }

    #[test]
    fn word_reads_little_endian() {
        assert_eq!(word(b"\x01\x02\x03\x04\x05\x06\x07\x08"), 0x0807_0605_0403_0201);
        assert_eq!(word(b"\x01\x02"), 0x0201);
    }

    #[test]
    fn utf16_len_matches_encode_utf16() {
        for s in ["", "abc", "é", "🐎", "a🐎é中\u{10ffff}"] {
            assert_eq!(utf16_len(s), s.encode_utf16().count(), "{s}");
        }
    }

    fn edit_distance(a: &str, b: &str) -> usize {
        edit_distance_bytes(a.as_bytes(), b.as_bytes())
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("image", "images"), 1);
        assert_eq!(edit_distance("resolutoin", "resolution"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance(&"x".repeat(65), "x"), usize::MAX);
    }
}
