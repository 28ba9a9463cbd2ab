//! A small JSON reader into [`Value`], for the service's answers (a job, an
//! error envelope) once the fetch layer has read at most
//! [`crate::core::limits::MAX_BODY_BYTES`] of them. Nesting deeper than
//! [`MAX_DEPTH`] is cut to an `Other`, so a hostile server cannot exhaust
//! the wasm stack. Hand-written rather than serde_json: serde's
//! `Deserialize` machinery would add tens of kilobytes of wasm for a reader
//! this small. Numbers are read well enough for what answers carry
//! (progress, credit counts), not correctly rounded in the last bit.

use crate::core::limits::MAX_DEPTH;
use crate::core::value::Value;

/// Parses `text`; `None` when it is not JSON.
pub fn parse(text: &str) -> Option<Value> {
    let mut p = Parser { src: text, b: text.as_bytes(), i: 0 };
    let v = p.value(0)?;
    p.ws();
    (p.i == p.b.len()).then_some(v)
}

struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    i: usize,
}

/// Index of the first byte in `b` that ends a plain run inside a JSON
/// string — `"`, `\\` or a control character — eight bytes at a time
/// (SWAR): strings (a job's URLs, the request it echoes with its prompt)
/// are most of an answer's bytes.
fn plain_run(b: &[u8]) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(LO) & !x & HI != 0;
    let mut at = 0;
    for chunk in b.chunks_exact(8) {
        let x = crate::core::text::word(chunk);
        let below_space = x.wrapping_sub(LO * 0x20) & !x & HI != 0;
        if has_zero(x ^ (LO * u64::from(b'"'))) || has_zero(x ^ (LO * u64::from(b'\\'))) || below_space {
            break;
        }
        at += 8;
    }
    at + b[at..].iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20).unwrap_or(b.len() - at)
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &[u8], v: Value) -> Option<Value> {
        if self.b.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Some(v)
        } else {
            None
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        self.ws();
        let first = *self.b.get(self.i)?;
        if depth >= MAX_DEPTH && (first == b'{' || first == b'[') {
            self.skip()?;
            return Some(Value::Other("a value nested too deeply"));
        }
        match first {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Value::String),
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'n' => self.literal(b"null", Value::Null),
            _ => self.number(),
        }
    }

    /// Skips a well-formed value without building it (past the depth limit).
    fn skip(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            self.ws();
            match *self.b.get(self.i)? {
                b'{' | b'[' => {
                    depth += 1;
                    self.i += 1;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                }
                b'"' => {
                    self.string()?;
                }
                b',' | b':' => self.i += 1,
                _ => {
                    let start = self.i;
                    while matches!(self.b.get(self.i), Some(c) if !matches!(c, b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t')) {
                        self.i += 1;
                    }
                    if self.i == start {
                        return None;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<Value> {
        self.i += 1;
        let mut props = Vec::new();
        if !self.eat(b'}') {
            loop {
                self.ws();
                let key = self.string()?;
                if !self.eat(b':') {
                    return None;
                }
                let v = self.value(depth + 1)?;
                props.push((key, v));
                if self.eat(b',') {
                    continue;
                }
                if self.eat(b'}') {
                    break;
                }
                return None;
            }
        }
        Some(Value::Object(props))
    }

    fn array(&mut self, depth: usize) -> Option<Value> {
        self.i += 1;
        let mut items = Vec::new();
        if !self.eat(b']') {
            loop {
                items.push(self.value(depth + 1)?);
                if self.eat(b',') {
                    continue;
                }
                if self.eat(b']') {
                    break;
                }
                return None;
            }
        }
        Some(Value::Array(items))
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.b.get(self.i..self.i + 4)?;
        let mut n = 0;
        for &d in digits {
            n = n * 16 + (d as char).to_digit(16)?;
        }
        self.i += 4;
        Some(n)
    }

    fn string(&mut self) -> Option<String> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            self.i += plain_run(self.b.get(self.i..)?);
            // Runs end only at ASCII bytes, so this slice is on char
            // boundaries (and `get` checks that in O(1)).
            out.push_str(self.src.get(start..self.i)?);
            match *self.b.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let esc = *self.b.get(self.i)?;
                    self.i += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xd800..0xdc00).contains(&hi) && self.b.get(self.i..self.i + 2) == Some(b"\\u") {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    char::from_u32(0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00))
                                } else {
                                    self.i = save;
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            // A lone surrogate becomes U+FFFD, as TextEncoder makes it.
                            out.push(c.unwrap_or('\u{fffd}'));
                        }
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
    }

    /// A JSON number. Integers up to 2^53 come out exact; other values to
    /// within an ulp or so, which is all the checks need (is it whole, is
    /// it in range). Hand-written: `str::parse::<f64>` links ~10 KB of
    /// correctly-rounding tables into the wasm.
    fn number(&mut self) -> Option<Value> {
        let negative = self.b.get(self.i) == Some(&b'-');
        if negative {
            self.i += 1;
        }
        let mut mantissa: u64 = 0;
        let mut exponent: i32 = 0;
        let mut digits = 0;
        while let Some(d) = self.b.get(self.i).filter(|c| c.is_ascii_digit()) {
            if mantissa < 1_000_000_000_000_000_000 {
                mantissa = mantissa * 10 + u64::from(d - b'0');
            } else {
                exponent += 1;
            }
            digits += 1;
            self.i += 1;
        }
        if digits == 0 {
            return None;
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            let mut fraction_digits = 0;
            while let Some(d) = self.b.get(self.i).filter(|c| c.is_ascii_digit()) {
                if mantissa < 1_000_000_000_000_000_000 {
                    mantissa = mantissa * 10 + u64::from(d - b'0');
                    exponent -= 1;
                }
                fraction_digits += 1;
                self.i += 1;
            }
            if fraction_digits == 0 {
                return None;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            let sign = match self.b.get(self.i) {
                Some(b'-') => {
                    self.i += 1;
                    -1
                }
                Some(b'+') => {
                    self.i += 1;
                    1
                }
                _ => 1,
            };
            let mut e: i32 = 0;
            let mut exp_digits = 0;
            while let Some(d) = self.b.get(self.i).filter(|c| c.is_ascii_digit()) {
                e = e.saturating_mul(10).saturating_add(i32::from(d - b'0'));
                exp_digits += 1;
                self.i += 1;
            }
            if exp_digits == 0 {
                return None;
            }
            exponent = exponent.saturating_add(sign * e);
        }
        let magnitude = if exponent >= 0 {
            mantissa as f64 * 10f64.powi(exponent.min(400))
        } else {
            // Divide rather than multiply by 10^-n: 0.5 and 5.5 stay exact.
            mantissa as f64 / 10f64.powi((-exponent).min(400))
        };
        Some(Value::Number(if negative { -magnitude } else { magnitude }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_json_like_serde_does() {
        let text = r#" {"prompt":"a \"horse\"\n\u00e9\ud83d\udc0e","n":[1,-2.5,3e2,true,false,null],"o":{}} "#;
        fn sorted(v: Value) -> Value {
            match v {
                Value::Object(mut props) => {
                    props.sort_by(|a, b| a.0.cmp(&b.0));
                    Value::Object(props.into_iter().map(|(k, v)| (k, sorted(v))).collect())
                }
                Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
                other => other,
            }
        }
        let ours = sorted(parse(text).unwrap());
        let theirs = crate::core::testing::value(&serde_json::from_str(text).unwrap());
        assert_eq!(ours, theirs);
    }

    #[test]
    fn numbers_read_as_the_checks_need_them() {
        let n = |t: &str| match parse(t) {
            Some(Value::Number(n)) => n,
            other => panic!("{t}: {other:?}"),
        };
        for (text, want) in [
            ("0", 0.0),
            ("-0", 0.0),
            ("5", 5.0),
            ("15", 15.0),
            ("2147483647", 2147483647.0),
            ("2147483648", 2147483648.0),
            ("9007199254740991", 9007199254740991.0),
            ("5.5", 5.5),
            ("-1", -1.0),
            ("0.5", 0.5),
            ("1e3", 1000.0),
            ("1E+2", 100.0),
            ("25e-1", 2.5),
        ] {
            assert_eq!(n(text), want, "{text}");
        }
        assert!(n("1e300") > 1e299);
        assert!(n("1e999").is_infinite());
        assert_eq!(n("0.1") * 10.0, 1.0);
        assert!(n("3.0000001").fract() != 0.0);
        for bad in ["1.", ".5", "1e", "--1", "1e+"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(parse(r#""a\ud800b""#), Some(Value::String("a\u{fffd}b".into())));
    }

    #[test]
    fn plain_run_stops_where_a_byte_loop_stops() {
        let text = "abcdefghijklmnopq\"rs\\tu\u{1}vé🐎wxyz0123456789";
        for start in 0..text.len() {
            let b = &text.as_bytes()[start..];
            let slow = b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20).unwrap_or(b.len());
            assert_eq!(plain_run(b), slow, "{start}");
        }
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "1 2", "{\"a\":1,}", "\"\\x\"", "-"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn cuts_deep_nesting() {
        let deep = "[".repeat(5000) + &"]".repeat(5000);
        let mut v = parse(&deep).unwrap();
        let mut depth = 0;
        while let Value::Array(mut items) = v {
            depth += 1;
            v = items.pop().unwrap();
        }
        assert_eq!(v, Value::Other("a value nested too deeply"));
        assert_eq!(depth, MAX_DEPTH);
    }
}
