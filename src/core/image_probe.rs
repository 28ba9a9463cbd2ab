//! What an image file is, read from its first bytes: format and pixel size
//! for the formats the model takes (`spec.image_formats`) and GIF (to name
//! it when refusing it). Then the warnings `checkImage` gives: the service
//! needs one of those formats, at least `spec.image_min_side_px` on each
//! side.

use crate::core::issue::{Issue, IssueCode};
use crate::core::spec::HAPPYHORSE_11;
use crate::core::text::{cat, num, Text};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    /// "jpg", "png", "bmp", "webp", "gif".
    pub format: &'static str,
    pub width: u32,
    pub height: u32,
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?])))
}

fn le16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?])))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([*b.get(at)?, *b.get(at + 1)?, *b.get(at + 2)?, *b.get(at + 3)?]))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes([*b.get(at)?, *b.get(at + 1)?, *b.get(at + 2)?, *b.get(at + 3)?]))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes([*b.get(at)?, *b.get(at + 1)?, *b.get(at + 2)?, 0]))
}

/// Format and size from the file's leading bytes; `None` when unrecognised.
pub fn probe(b: &[u8]) -> Option<ImageInfo> {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(ImageInfo { format: "png", width: be32(b, 16)?, height: be32(b, 20)? });
    }
    if b.starts_with(b"GIF8") {
        return Some(ImageInfo { format: "gif", width: le16(b, 6)?, height: le16(b, 8)? });
    }
    if b.starts_with(b"BM") {
        let height = le32(b, 22)? as i32;
        return Some(ImageInfo { format: "bmp", width: le32(b, 18)?, height: height.unsigned_abs() });
    }
    if b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP") {
        return webp(b);
    }
    if b.starts_with(&[0xff, 0xd8]) {
        return jpeg(b);
    }
    None
}

fn webp(b: &[u8]) -> Option<ImageInfo> {
    let (width, height) = match b.get(12..16)? {
        b"VP8 " => (le16(b, 26)? & 0x3fff, le16(b, 28)? & 0x3fff),
        b"VP8L" => {
            let bits = le32(b, 21)?;
            ((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1)
        }
        b"VP8X" => (le24(b, 24)? + 1, le24(b, 27)? + 1),
        _ => return None,
    };
    Some(ImageInfo { format: "webp", width, height })
}

/// Walks JPEG segments to the first start-of-frame marker.
fn jpeg(b: &[u8]) -> Option<ImageInfo> {
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xff {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xff {
            i += 1;
            continue;
        }
        let len = be16(b, i + 2)? as usize;
        let is_sof = matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
        if is_sof {
            return Some(ImageInfo { format: "jpg", width: be16(b, i + 7)?, height: be16(b, i + 5)? });
        }
        i += 2 + len;
    }
    None
}

/// The answer of `checkImage` (the `ImageCheck` TypeScript type).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ImageCheck {
    pub url: String,
    /// `true` when there is no warning.
    pub ok: bool,
    pub format: Option<&'static str>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub warnings: Vec<Issue>,
}

/// What the browser learnt of `url`: its format (when the bytes could be
/// read) and its size (when it loaded at all), judged for the model.
pub fn image_check(url: String, info: Option<ImageInfo>, size: Option<(u32, u32)>, path: &str) -> ImageCheck {
    let warnings = match size {
        Some((w, h)) => warnings_for(info, w, h, path),
        None => vec![Issue {
            path: Text::Built(path.to_string()),
            code: IssueCode::ImageUnreadable,
            message: Text::Literal(
                "this image did not load here: check the URL (the service fetches it itself, so it may still work if it is public)",
            ),
        }],
    };
    ImageCheck {
        url,
        ok: warnings.is_empty(),
        format: info.map(|i| i.format),
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
        warnings,
    }
}

/// Warnings for an image the browser could read.
/// The formats the model takes, for messages: uppercased, joined with
/// commas and a last "or".
fn formats() -> String {
    let formats = HAPPYHORSE_11.image_formats;
    let mut out = String::new();
    for (i, f) in formats.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == formats.len() { " or " } else { ", " });
        }
        out.push_str(&f.to_ascii_uppercase());
    }
    out
}

pub fn warnings_for(info: Option<ImageInfo>, width: u32, height: u32, path: &str) -> Vec<Issue> {
    let spec = &HAPPYHORSE_11;
    let mut out = Vec::new();
    let mut warn = |code, message: String| out.push(Issue { path: Text::Built(path.to_string()), code, message: Text::Built(message) });
    match info {
        Some(i) if !spec.image_formats.contains(&i.format) => warn(
            IssueCode::ImageUnsupportedFormat,
            cat(&["this image is ", &i.format.to_ascii_uppercase(), "; the model takes ", &formats()]),
        ),
        Some(_) => {}
        None => warn(
            IssueCode::ImageFormatUnverified,
            cat(&[
                "the image loads, but its server does not let this page read the file, so its format (",
                &formats(),
                " needed) is unchecked",
            ]),
        ),
    }
    let min = spec.image_min_side_px;
    if width < min || height < min {
        warn(
            IssueCode::ImageTooSmall,
            cat(&[
                "this image is ",
                &num(width.into()),
                "×",
                &num(height.into()),
                " px; the model needs at least ",
                &num(min.into()),
                " px on each side",
            ]),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b
    }

    #[test]
    fn reads_png_gif_bmp() {
        assert_eq!(probe(&png(640, 360)), Some(ImageInfo { format: "png", width: 640, height: 360 }));
        assert_eq!(probe(b"GIF89a\x40\x01\xf0\x00"), Some(ImageInfo { format: "gif", width: 320, height: 240 }));
        let mut bmp = vec![b'B', b'M'];
        bmp.resize(26, 0);
        bmp[18..22].copy_from_slice(&400u32.to_le_bytes());
        bmp[22..26].copy_from_slice(&(-300i32).to_le_bytes());
        assert_eq!(probe(&bmp), Some(ImageInfo { format: "bmp", width: 400, height: 300 }));
    }

    #[test]
    fn reads_jpeg_sof_after_other_segments() {
        let mut j = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0];
        j.extend_from_slice(&[0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x2c, 0x02, 0x58]);
        assert_eq!(probe(&j), Some(ImageInfo { format: "jpg", width: 600, height: 300 }));
    }

    #[test]
    fn reads_webp_variants() {
        let mut x = b"RIFF\0\0\0\0WEBPVP8X".to_vec();
        x.resize(30, 0);
        x[24..27].copy_from_slice(&[0x7f, 0x02, 0x00]); // 640
        x[27..30].copy_from_slice(&[0x67, 0x01, 0x00]); // 360
        assert_eq!(probe(&x), Some(ImageInfo { format: "webp", width: 640, height: 360 }));
    }

    #[test]
    fn unknown_or_truncated_bytes_are_none() {
        assert_eq!(probe(b""), None);
        assert_eq!(probe(b"<html>"), None);
        assert_eq!(probe(&png(1, 1)[..18]), None);
        assert_eq!(probe(&[0xff, 0xd8, 0xff]), None);
    }

    #[test]
    fn warnings_name_format_and_size() {
        let path = "happyhorse11Params.images[0]";
        assert!(warnings_for(probe(&png(640, 360)), 640, 360, path).is_empty());
        let w = warnings_for(probe(&png(200, 360)), 200, 360, path);
        assert_eq!(w.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(), ["IMAGE_TOO_SMALL"]);
        assert!(w[0].message.contains("200×360"));
        let w = warnings_for(probe(b"GIF89a\x40\x01\xf0\x01"), 320, 496, path);
        assert_eq!(w[0].code.as_str(), "IMAGE_UNSUPPORTED_FORMAT");
        assert_eq!(warnings_for(None, 800, 800, path)[0].code.as_str(), "IMAGE_FORMAT_UNVERIFIED");
    }
}
