//! Every number of the contract lives in `src/core/spec.rs`; the texts
//! that repeat one for their readers — the `.d.ts`, the demo page, both
//! READMEs, the capabilities JSON — are held equal to it here, so a change
//! to the spec fails this test until each copy says the same.

use happyhorse::core::spec::*;

const DTS: &str = include_str!("../src/wasm/types.rs");
const PAGE: &str = include_str!("../www/index.html");
const README: &str = include_str!("../README.md");
const NPM_README: &str = include_str!("../npm/README.md");

fn quoted_union(items: &[&str]) -> String {
    items.iter().map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(" | ")
}

fn expect(text: &str, file: &str, phrases: &[String]) {
    for p in phrases {
        assert!(text.contains(p.as_str()), "{file} should say {p:?} (from src/core/spec.rs)");
    }
}

#[test]
fn the_dts_says_what_the_spec_says() {
    let s = &HAPPYHORSE_11;
    let resolutions: Vec<&str> = s.resolutions.iter().map(|r| r.name).collect();
    expect(
        DTS,
        "src/wasm/types.rs",
        &[
            format!("export type ResolutionName = {};", quoted_union(&resolutions)),
            format!("export type AspectRatio = {};", quoted_union(s.aspect_ratios)),
            format!("export type WebhookEvent = {};", quoted_union(s.webhook_events)),
            format!("2–{}: reference-to-video", s.images_max),
            format!("Whole seconds, {}–{}; default {}.", s.duration_min, s.duration_max, s.duration_default),
            format!("{}–{}; the same seed", s.seed_min, s.seed_max),
            format!("model?: \"{}\"", s.model),
            format!("paramsKey: \"{}\"", s.params_key),
            format!("At most {IDEMPOTENCY_KEY_MAX} characters; a fresh UUID v4 when left out. Reused on every retry."),
            format!("At most {IDEMPOTENCY_KEY_MAX} characters; a fresh UUID v4 when left out. */"),
            format!("({} h after completion)", RESULT_LIFETIME_MS / 3_600_000.0),
            format!("0–{CLIENT_MAX_RETRIES_LIMIT}, default {CLIENT_MAX_RETRIES_DEFAULT}."),
            format!("Limit of each HTTP request in ms; default {CLIENT_TIMEOUT_MS_DEFAULT}."),
            format!("in ms; default {CLIENT_WAIT_TIMEOUT_MS_DEFAULT} ({} min).", CLIENT_WAIT_TIMEOUT_MS_DEFAULT / 60_000.0),
            format!("Failed polls in a row that end a wait; default {CLIENT_MAX_POLL_FAILURES_DEFAULT}."),
        ],
    );
}

#[test]
fn the_demo_page_says_what_the_spec_says() {
    let s = &HAPPYHORSE_11;
    let default_price = s.resolution(s.default_resolution).unwrap().credits_per_second * s.duration_default;
    expect(
        PAGE,
        "www/index.html",
        &[
            format!("0 / {}</span>", s.prompt_max_utf16),
            format!("2–{} = reference-to-video", s.images_max),
            format!("<strong id=\"cost\">{default_price}</strong>"),
        ],
    );
}

#[test]
fn the_readmes_say_what_the_spec_says() {
    let s = &HAPPYHORSE_11;
    let rows = [
        format!("over {} UTF-16 code units", s.prompt_max_utf16),
        format!("not a whole number {}–{} (fractions", s.duration_min, s.duration_max),
        format!("not a whole number {}–{} |", s.seed_min, s.seed_max),
        format!("over {IDEMPOTENCY_KEY_MAX} characters"),
        format!("reference mode (2–{} images)", s.images_max),
    ];
    expect(README, "README.md", &rows);
    expect(NPM_README, "npm/README.md", &rows);
    let formats: Vec<String> = s.image_formats.iter().map(|f| f.to_ascii_uppercase()).collect();
    expect(README, "README.md", &[format!("is it {}, at least {} px a side", formats.join("/"), s.image_min_side_px)]);
}
