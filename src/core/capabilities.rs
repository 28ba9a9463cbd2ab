//! The model's capabilities as plain data, so a UI builds its controls from
//! the package instead of copying numbers. Built from [`crate::core::spec`].

use crate::core::spec::{ModelSpec, DEFAULT_BASE_URL, IDEMPOTENCY_KEY_MAX};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// What a model accepts and costs, shaped as the `Capabilities` TypeScript
/// type. Borrowed from the spec table: nothing here is a copy.
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

/// `{ "720p": 24, "1080p": 31 }`.
struct Prices(&'static ModelSpec);

impl Serialize for Prices {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.resolutions.len()))?;
        for r in self.0.resolutions {
            m.serialize_entry(r.name, &r.credits_per_second)?;
        }
        m.end()
    }
}

#[derive(serde::Serialize)]
struct Range3 {
    min: u32,
    max: u32,
    default: u32,
}

#[derive(serde::Serialize)]
struct Range2 {
    min: u32,
    max: u32,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Images {
    max: usize,
    formats: &'static [&'static str],
    min_side_px: u32,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Prompt {
    min_length: u32,
    max_length: usize,
    length_unit: &'static str,
}

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
        prompt: Prompt { min_length: 1, max_length: spec.prompt_max_utf16, length_unit: "utf16" },
        webhook_events: spec.webhook_events,
        idempotency_key_max_length: IDEMPOTENCY_KEY_MAX,
        default_base_url: DEFAULT_BASE_URL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::spec::HAPPYHORSE_11;

    #[test]
    fn capabilities_carry_the_spec_numbers() {
        let c: serde_json::Value = serde_json::to_value(capabilities(&HAPPYHORSE_11)).unwrap();
        assert_eq!(c["creditsPerSecond"]["1080p"], 31);
        assert_eq!(c["creditsPerSecond"]["720p"], 24);
        assert_eq!(c["duration"], serde_json::json!({"min": 3, "max": 15, "default": 5}));
        assert_eq!(c["images"]["max"], 9);
        assert_eq!(c["prompt"]["maxLength"], 2500);
        assert_eq!(c["aspectRatios"].as_array().unwrap().len(), 5);
        assert_eq!(c["webhookEvents"], serde_json::json!(["progress", "completed", "failed"]));
    }
}
