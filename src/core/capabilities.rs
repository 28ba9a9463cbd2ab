//! The model's capabilities as plain data, so a UI builds its controls from
//! the package instead of copying numbers. Built from [`crate::core::spec`].

use crate::core::spec::{ModelSpec, DEFAULT_BASE_URL, IDEMPOTENCY_KEY_MAX};
use crate::core::value::Value;

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn n(v: impl Into<f64>) -> Value {
    Value::Number(v.into())
}

fn list(items: &[&str]) -> Value {
    Value::Array(items.iter().map(|i| s(i)).collect())
}

fn obj(props: Vec<(&str, Value)>) -> Value {
    Value::Object(props.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// The capabilities of `spec`, shaped as the `Capabilities` TypeScript type.
pub fn capabilities(spec: &ModelSpec) -> Value {
    let prices = spec.resolutions.iter().map(|r| (r.name, n(r.credits_per_second))).collect();
    obj(vec![
        ("model", s(spec.model)),
        ("paramsKey", s(spec.params_key)),
        ("modes", list(&["text-to-video", "image-to-video", "reference-to-video"])),
        ("resolutions", Value::Array(spec.resolutions.iter().map(|r| s(r.name)).collect())),
        ("defaultResolution", s(spec.default_resolution)),
        ("creditsPerSecond", obj(prices)),
        ("aspectRatios", list(spec.aspect_ratios)),
        ("defaultAspectRatio", s(spec.default_aspect_ratio)),
        ("duration", obj(vec![("min", n(spec.duration_min)), ("max", n(spec.duration_max)), ("default", n(spec.duration_default))])),
        ("seed", obj(vec![("min", n(spec.seed_min)), ("max", n(spec.seed_max))])),
        (
            "images",
            obj(vec![("max", n(spec.images_max as u32)), ("formats", list(spec.image_formats)), ("minSidePx", n(spec.image_min_side_px))]),
        ),
        ("prompt", obj(vec![("minLength", n(1)), ("maxLength", n(spec.prompt_max_utf16 as u32)), ("lengthUnit", s("utf16"))])),
        ("webhookEvents", list(spec.webhook_events)),
        ("idempotencyKeyMaxLength", n(IDEMPOTENCY_KEY_MAX as u32)),
        ("defaultBaseUrl", s(DEFAULT_BASE_URL)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::spec::HAPPYHORSE_11;

    #[test]
    fn capabilities_carry_the_spec_numbers() {
        let c: serde_json::Value = serde_json::from_str(&capabilities(&HAPPYHORSE_11).to_json()).unwrap();
        assert_eq!(c["creditsPerSecond"]["1080p"], 31);
        assert_eq!(c["creditsPerSecond"]["720p"], 24);
        assert_eq!(c["duration"], serde_json::json!({"min": 3, "max": 15, "default": 5}));
        assert_eq!(c["images"]["max"], 9);
        assert_eq!(c["prompt"]["maxLength"], 2500);
        assert_eq!(c["aspectRatios"].as_array().unwrap().len(), 5);
        assert_eq!(c["webhookEvents"], serde_json::json!(["progress", "completed", "failed"]));
    }
}
