//! The model's capabilities as plain data, so a UI builds its controls from
//! the package instead of copying numbers.
//!
//! The answer never changes, so it ships as a constant: the JSON text
//! [`CAPABILITIES_JSON`] (`capabilities.json` beside this file), which
//! `capabilities()` hands to `JSON.parse`. Serializing the struct below
//! field by field in wasm cost about 4 KB of code; the text costs its bytes.
//! The struct is built from [`crate::core::spec`] and is the text's source:
//! a test keeps the two equal, and `UPDATE_CAPABILITIES=1 cargo test
//! capabilities` rewrites the file after a change to the spec.

/// The capabilities of Happy Horse 1.1 as JSON (the `Capabilities`
/// TypeScript type).
pub const CAPABILITIES_JSON: &str = include_str!("capabilities.json");

#[cfg(test)]
use crate::core::spec::{ModelSpec, DEFAULT_BASE_URL, IDEMPOTENCY_KEY_MAX};
#[cfg(test)]
use serde::ser::{Serialize, SerializeMap, Serializer};

/// What a model accepts and costs, shaped as the `Capabilities` TypeScript
/// type. Borrowed from the spec table: nothing here is a copy.
#[cfg(test)]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    model: &'static str,
    params_key: &'static str,
    modes: [&'static str; 3],
    resolutions: Vec<&'static str>,
    default_resolution: &'static str,
    credits_per_second: Prices,
    aspect_ratios: &'static [&'static str],
    default_aspect_ratio: &'static str,
    duration: Range3,
    seed: Range2,
    images: Images,
    prompt: Prompt,
    webhook_events: &'static [&'static str],
    idempotency_key_max_length: usize,
    default_base_url: &'static str,
}

#[cfg(test)]
/// `{ "720p": 24, "1080p": 31 }`.
struct Prices(&'static ModelSpec);

#[cfg(test)]
impl Serialize for Prices {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.resolutions.len()))?;
        for r in self.0.resolutions {
            m.serialize_entry(r.name, &r.credits_per_second)?;
        }
        m.end()
    }
}

#[cfg(test)]
#[derive(serde::Serialize)]
struct Range3 {
    min: u32,
    max: u32,
    default: u32,
}

#[cfg(test)]
#[derive(serde::Serialize)]
struct Range2 {
    min: u32,
    max: u32,
}

#[cfg(test)]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Images {
    max: usize,
    formats: &'static [&'static str],
    min_side_px: u32,
}

#[cfg(test)]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Prompt {
    min_length: usize,
    max_length: usize,
    length_unit: &'static str,
}

#[cfg(test)]
/// The capabilities of `spec`.
pub fn capabilities(spec: &'static ModelSpec) -> Capabilities {
    use crate::core::issue::Mode;
    Capabilities {
        model: spec.model,
        params_key: spec.params_key,
        modes: [Mode::TextToVideo.as_str(), Mode::ImageToVideo.as_str(), Mode::ReferenceToVideo.as_str()],
        resolutions: spec.resolutions.iter().map(|r| r.name).collect(),
        default_resolution: spec.default_resolution,
        credits_per_second: Prices(spec),
        aspect_ratios: spec.aspect_ratios,
        default_aspect_ratio: spec.default_aspect_ratio,
        duration: Range3 { min: spec.duration_min, max: spec.duration_max, default: spec.duration_default },
        seed: Range2 { min: spec.seed_min, max: spec.seed_max },
        images: Images { max: spec.images_max, formats: spec.image_formats, min_side_px: spec.image_min_side_px },
        prompt: Prompt { min_length: spec.prompt_min_utf16, max_length: spec.prompt_max_utf16, length_unit: "utf16" },
        webhook_events: spec.webhook_events,
        idempotency_key_max_length: IDEMPOTENCY_KEY_MAX,
        default_base_url: DEFAULT_BASE_URL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::spec::HAPPYHORSE_11;

    /// The shipped text is the spec's capabilities, byte for byte.
    #[test]
    fn capabilities_json_is_made_from_the_spec() {
        let made = serde_json::to_string(&capabilities(&HAPPYHORSE_11)).unwrap();
        if std::env::var_os("UPDATE_CAPABILITIES").is_some() {
            std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/src/core/capabilities.json"), &made).unwrap();
        }
        assert_eq!(CAPABILITIES_JSON, made, "src/core/capabilities.json is stale: run UPDATE_CAPABILITIES=1 cargo test capabilities");
    }

    #[test]
    fn capabilities_carry_the_spec_numbers() {
        let c: serde_json::Value = serde_json::from_str(CAPABILITIES_JSON).unwrap();
        assert_eq!(c["creditsPerSecond"]["1080p"], 31);
        assert_eq!(c["creditsPerSecond"]["720p"], 24);
        assert_eq!(c["duration"], serde_json::json!({"min": 3, "max": 15, "default": 5}));
        assert_eq!(c["images"]["max"], 9);
        assert_eq!(c["prompt"]["maxLength"], 2500);
        assert_eq!(c["aspectRatios"].as_array().unwrap().len(), 5);
        assert_eq!(c["webhookEvents"], serde_json::json!(["progress", "completed", "failed"]));
    }
}
