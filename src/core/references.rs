//! Finds `[Image N]` references in a prompt, and the near misses a person
//! types when they mean one (`[image 1]`, `[Image1]`, `(Image 1)`, or a bare
//! `Image 1`).
//!
//! The scan is a single pass over the bytes, looking for the word "image"
//! in any case; no regex engine is linked into the wasm for it.

/// One mention of an image in the prompt, borrowing its text from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reference<'a> {
    /// The number written, saturated at `u32::MAX` for absurd inputs.
    pub number: u32,
    /// Exactly `[Image N]` (capital I, one space, no leading zero).
    pub canonical: bool,
    /// Written inside `[]`, `()` or `{}` rather than as bare words.
    pub bracketed: bool,
    /// The text as written, for messages.
    pub text: &'a str,
    /// Byte offset in the prompt.
    pub start: usize,
}

/// A mention as a UI needs it (the `ImageReference` TypeScript type): where
/// it is in JS string terms.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ImageReference {
    pub text: String,
    pub number: u32,
    pub canonical: bool,
    pub bracketed: bool,
    /// Offset in the prompt in UTF-16 units (a JS string index).
    pub index: usize,
}

/// Every mention in `prompt`, with UTF-16 offsets, in order.
pub fn image_references(prompt: &str) -> Vec<ImageReference> {
    let mut utf16_at = 0usize;
    let mut byte_at = 0usize;
    scan(prompt)
        .into_iter()
        .map(|r| {
            utf16_at += prompt.get(byte_at..r.start).map_or(0, crate::core::text::utf16_len);
            byte_at = r.start;
            ImageReference { text: r.text.to_string(), number: r.number, canonical: r.canonical, bracketed: r.bracketed, index: utf16_at }
        })
        .collect()
}

/// Index of the first `i` or `I`, eight bytes at a time (SWAR): a prompt
/// is scanned on every keystroke, and most of it holds no "image".
fn find_i(b: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        // Folding case with | 0x20 maps 'I' to 'i'; a zero byte after the
        // XOR marks a match.
        let x = (crate::core::text::word(chunk) | 0x2020_2020_2020_2020) ^ (LO * u64::from(b'i'));
        if (x.wrapping_sub(LO) & !x & HI) != 0 {
            break;
        }
        at += 8;
    }
    b[at..].iter().position(|c| c | 0x20 == b'i').map(|p| at + p)
}

/// All mentions of `image <digits>` in `prompt`, bracketed or not, in order.
pub(crate) fn scan(prompt: &str) -> Vec<Reference<'_>> {
    let bytes = prompt.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 5 <= bytes.len() {
        // Jump to the next 'i' or 'I': most of a prompt is skipped here.
        match find_i(&bytes[i..bytes.len() - 4]) {
            Some(skip) => i += skip,
            None => break,
        }
        if !bytes[i..i + 5].eq_ignore_ascii_case(b"image") {
            i += 1;
            continue;
        }
        let word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let mut j = i + 5;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        let spaces = j - (i + 5);
        let digits_start = j;
        let mut number: u32 = 0;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            number = number.saturating_mul(10).saturating_add(u32::from(bytes[j] - b'0'));
            j += 1;
        }
        let digits = j - digits_start;
        if !word_start || digits == 0 || spaces > 3 || bytes.get(j).is_some_and(u8::is_ascii_alphanumeric) {
            i += 5;
            continue;
        }
        let open = if i > 0 { Some(bytes[i - 1]) } else { None };
        let close = bytes.get(j).copied();
        let bracketed = matches!((open, close), (Some(b'['), Some(b']')) | (Some(b'('), Some(b')')) | (Some(b'{'), Some(b'}')));
        let (start, end) = if bracketed { (i - 1, j + 1) } else { (i, j) };
        let canonical =
            bracketed && open == Some(b'[') && &bytes[i..i + 5] == b"Image" && spaces == 1 && !(digits > 1 && bytes[digits_start] == b'0');
        found.push(Reference { number, canonical, bracketed, text: prompt.get(start..end).unwrap_or_default(), start });
        i = end;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(prompt: &str) -> Vec<(u32, bool, bool, String)> {
        scan(prompt).into_iter().map(|r| (r.number, r.canonical, r.bracketed, r.text.to_string())).collect()
    }

    #[test]
    fn finds_canonical_references() {
        assert_eq!(
            summary("[Image 1] walks through the gate of [Image 2] at dusk"),
            vec![(1, true, true, "[Image 1]".into()), (2, true, true, "[Image 2]".into())]
        );
    }

    #[test]
    fn finds_near_misses() {
        assert_eq!(
            summary("[image 1], [Image1], (Image 2), {IMAGE 3}, Image 4 and [Image 05]"),
            vec![
                (1, false, true, "[image 1]".into()),
                (1, false, true, "[Image1]".into()),
                (2, false, true, "(Image 2)".into()),
                (3, false, true, "{IMAGE 3}".into()),
                (4, false, false, "Image 4".into()),
                (5, false, true, "[Image 05]".into()),
            ]
        );
    }

    #[test]
    fn ignores_words_that_only_contain_image() {
        assert!(scan("an imagery of horses, image quality, myimage1, Image 2x").is_empty());
        assert!(scan("").is_empty());
        assert!(scan("imag").is_empty());
    }

    #[test]
    fn find_i_matches_a_plain_search() {
        let text = "xxxxxxxxxxxxxxxxIxxxxxxxxxi";
        for start in 0..text.len() {
            let b = &text.as_bytes()[start..];
            assert_eq!(find_i(b), b.iter().position(|c| c | 0x20 == b'i'), "{start}");
        }
        assert_eq!(find_i(b"xxxxxxxxxxxxxxxxxxxxxxx"), None);
        // 'I' | 0x20 == 'i', but so does 0x49 only: other bytes must not match.
        assert_eq!(find_i(&[0x49u8 ^ 0x80; 20]), None);
    }

    #[test]
    fn offsets_are_utf16_indexes() {
        let r = image_references("🐎é [Image 1] and (image 2)");
        assert_eq!(r.iter().map(|r| r.index).collect::<Vec<_>>(), [4, 18]);
        assert_eq!((r[1].number, r[1].canonical, r[1].bracketed), (2, false, true));
    }

    #[test]
    fn saturates_huge_numbers_and_survives_multibyte_text() {
        let r = scan("é[Image 99999999999999999999]ü");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].number, u32::MAX);
        assert_eq!(r[0].start, 2);
    }
}
