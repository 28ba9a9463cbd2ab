//! The model-spec table: every limit, enum, default and price of Happy
//! Horse 1.1 in one place, as data.
//!
//! Checks, cost estimation, the capabilities export and the fake server all
//! read these values; no other file repeats a number from the contract.
//! Source: the `happyhorse-1.1` branch of `GenerateVideoRequest` in the
//! provider's OpenAPI spec, and its published prices.

/// One output resolution and what a second of it costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolution {
    pub name: &'static str,
    pub credits_per_second: u32,
}

/// Everything the package knows about one model.
#[derive(Debug)]
pub struct ModelSpec {
    /// The wire value of `model`.
    pub model: &'static str,
    /// The key of the model's parameter block.
    pub params_key: &'static str,
    /// The shortest prompt (after nothing but whitespace is refused).
    pub prompt_min_utf16: usize,
    pub prompt_max_utf16: usize,
    pub images_max: usize,
    pub image_formats: &'static [&'static str],
    pub image_min_side_px: u32,
    pub resolutions: &'static [Resolution],
    pub default_resolution: &'static str,
    pub aspect_ratios: &'static [&'static str],
    pub default_aspect_ratio: &'static str,
    pub duration_min: u32,
    pub duration_max: u32,
    pub duration_default: u32,
    pub seed_min: u32,
    pub seed_max: u32,
    pub webhook_events: &'static [&'static str],
    /// Keys allowed at the top level of the body.
    pub top_level_keys: &'static [&'static str],
    /// Keys allowed inside the parameter block.
    pub param_keys: &'static [&'static str],
    /// `params_key.key` for each of `param_keys`, in the same order: the
    /// paths of issues about them, as literals (see `core::text::Text`).
    pub param_paths: &'static [&'static str],
}

impl ModelSpec {
    /// The path of parameter `key`: a literal for the known keys.
    pub fn param_path(&self, key: &str) -> crate::core::text::Text {
        match self.param_keys.iter().position(|k| *k == key).and_then(|i| self.param_paths.get(i)) {
            Some(path) => crate::core::text::Text::Literal(path),
            None => crate::core::issue::join_path(self.params_key, key).into(),
        }
    }

    pub fn resolution(&self, name: &str) -> Option<Resolution> {
        self.resolutions.iter().copied().find(|r| r.name == name)
    }
}

/// Happy Horse 1.1, the one model this package speaks.
pub const HAPPYHORSE_11: ModelSpec = ModelSpec {
    model: "happyhorse-1.1",
    params_key: "happyhorse11Params",
    prompt_min_utf16: 1,
    prompt_max_utf16: 2500,
    images_max: 9,
    image_formats: &["jpg", "png", "bmp", "webp"],
    image_min_side_px: 300,
    resolutions: &[Resolution { name: "720p", credits_per_second: 24 }, Resolution { name: "1080p", credits_per_second: 31 }],
    default_resolution: "1080p",
    aspect_ratios: &["16:9", "9:16", "1:1", "4:3", "3:4"],
    default_aspect_ratio: "16:9",
    duration_min: 3,
    duration_max: 15,
    duration_default: 5,
    seed_min: 0,
    seed_max: 2_147_483_647,
    webhook_events: &["progress", "completed", "failed"],
    top_level_keys: &["prompt", "model", "happyhorse11Params", "webhookUrl", "webhookEvents"],
    param_keys: &["images", "resolution", "aspect_ratio", "duration", "seed"],
    param_paths: &[
        "happyhorse11Params.images",
        "happyhorse11Params.resolution",
        "happyhorse11Params.aspect_ratio",
        "happyhorse11Params.duration",
        "happyhorse11Params.seed",
    ],
};

/// The service's production origin.
pub const DEFAULT_BASE_URL: &str = "https://api.apiframe.ai";
/// Path of the submit endpoint.
pub const GENERATE_PATH: &str = "/v2/videos/generate";
/// Path prefix of the job endpoint (`/v2/jobs/{id}`).
pub const JOBS_PATH: &str = "/v2/jobs/";
/// `Idempotency-Key` may be at most this many characters.
pub const IDEMPOTENCY_KEY_MAX: usize = 255;
/// How long the service answers a replayed `Idempotency-Key` with the
/// original job; after that the same key may make a new one.
pub const IDEMPOTENCY_WINDOW_MS: f64 = 86_400_000.0;
/// The `Client`'s defaults and bounds: ours, not the service's, but numbers
/// of the JS contract all the same (the `.d.ts` states them).
pub const CLIENT_MAX_RETRIES_DEFAULT: u32 = 2;
pub const CLIENT_MAX_RETRIES_LIMIT: u32 = 10;
pub const CLIENT_TIMEOUT_MS_DEFAULT: f64 = 30_000.0;
pub const CLIENT_WAIT_TIMEOUT_MS_DEFAULT: f64 = 600_000.0;
pub const CLIENT_MAX_POLL_FAILURES_DEFAULT: u32 = 5;

/// How long the service keeps a finished job's files: it purges them 24 h
/// after completion (the job then answers `expired: true`).
pub const RESULT_LIFETIME_MS: f64 = 86_400_000.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_paths_are_the_joined_keys() {
        let s = &HAPPYHORSE_11;
        assert_eq!(s.param_paths.len(), s.param_keys.len());
        for key in s.param_keys {
            let path = s.param_path(key);
            assert!(matches!(path, crate::core::text::Text::Literal(_)), "{key}");
            assert_eq!(path, crate::core::issue::join_path(s.params_key, key).as_str());
        }
        assert_eq!(s.param_path("other"), "happyhorse11Params.other");
    }

    #[test]
    fn prices_match_the_published_rates() {
        assert_eq!(HAPPYHORSE_11.resolution("720p").unwrap().credits_per_second, 24);
        assert_eq!(HAPPYHORSE_11.resolution("1080p").unwrap().credits_per_second, 31);
        assert!(HAPPYHORSE_11.resolution("4k").is_none());
    }

    #[test]
    fn defaults_are_members_of_their_sets() {
        let s = &HAPPYHORSE_11;
        assert!(s.resolution(s.default_resolution).is_some());
        assert!(s.aspect_ratios.contains(&s.default_aspect_ratio));
        assert!((s.duration_min..=s.duration_max).contains(&s.duration_default));
        assert!(s.top_level_keys.contains(&s.params_key));
    }
}
