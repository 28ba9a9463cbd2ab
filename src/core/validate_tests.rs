//! Unit tests for every check and code of `validate`.

use super::validate;
use crate::core::issue::{Mode, Report};
use crate::core::testing::value;
use serde_json::{json, Value as Json};

fn check(v: Json) -> Report {
    validate(&value(&v))
}

/// `(path, code)` of every error.
fn errors(v: Json) -> Vec<(String, &'static str)> {
    check(v).errors.iter().map(|i| (i.path.to_string(), i.code.as_str())).collect()
}

fn warnings(v: Json) -> Vec<(String, &'static str)> {
    check(v).warnings.iter().map(|i| (i.path.to_string(), i.code.as_str())).collect()
}

fn e(path: &str, code: &'static str) -> (String, &'static str) {
    (path.to_string(), code)
}

fn with_params(params: Json) -> Json {
    json!({"prompt": "a horse", "happyhorse11Params": params})
}

const IMG: &str = "https://example.com/a.jpg";

fn images(n: usize) -> Json {
    Json::Array((0..n).map(|i| Json::String(format!("https://example.com/{i}.jpg"))).collect())
}

#[test]
fn provider_example_prompts_validate_clean() {
    let text = check(json!({"prompt": "A herd of horses thundering across desert dunes, dust trailing behind, golden hour"}));
    assert!(text.ok() && text.warnings.is_empty(), "{text:?}");
    assert_eq!(text.mode, Some(Mode::TextToVideo));

    let two = check(json!({"prompt": "[Image 1] walks through the gate of [Image 2] at dusk, cinematic tracking shot",
        "happyhorse11Params": {"images": ["https://example.com/knight.png", "https://example.com/castle.png"]}}));
    assert!(two.ok() && two.warnings.is_empty(), "{two:?}");
    assert_eq!(two.mode, Some(Mode::ReferenceToVideo));

    let one = check(json!({"prompt": "A product hero shot of [Image 1] rotating slowly on a reflective surface, studio lighting",
        "model": "happyhorse-1.1", "happyhorse11Params": {"images": ["https://example.com/product.webp"]}}));
    assert!(one.ok() && one.warnings.is_empty(), "{one:?}");
    assert_eq!(one.mode, Some(Mode::ImageToVideo));
}

#[test]
fn quick_start_body_is_valid_with_the_aspect_ratio_warning() {
    let r = check(json!({
        "model": "happyhorse-1.1",
        "prompt": "a cinematic sunrise over a futuristic cityscape, smooth camera push-in",
        "happyhorse11Params": {"images": ["https://example.com/input.jpg"], "resolution": "1080p", "aspect_ratio": "16:9", "seed": 1}
    }));
    assert!(r.ok(), "{r:?}");
    assert_eq!(r.warning_codes(), ["ASPECT_RATIO_IGNORED"]);
    assert_eq!(r.warnings[0].path, "happyhorse11Params.aspect_ratio");
}

#[test]
fn not_an_object() {
    for v in [json!(null), json!(42), json!("x"), json!([]), json!(true)] {
        let r = check(v);
        assert_eq!(r.error_codes(), ["NOT_AN_OBJECT"]);
        assert_eq!(r.errors[0].path, "");
        assert_eq!(r.mode, None);
    }
    let r = validate(&crate::core::Value::Undefined);
    assert!(r.errors[0].message.contains("undefined"));
}

#[test]
fn prompt_missing_empty_whitespace_wrong_type_and_too_long() {
    assert_eq!(errors(json!({})), [e("prompt", "PROMPT_MISSING")]);
    assert_eq!(errors(json!({"prompt": ""})), [e("prompt", "PROMPT_EMPTY")]);
    assert_eq!(errors(json!({"prompt": " \n\t "})), [e("prompt", "PROMPT_EMPTY")]);
    assert_eq!(errors(json!({"prompt": 5})), [e("prompt", "WRONG_TYPE")]);
    assert_eq!(errors(json!({"prompt": "a".repeat(2500)})), []);
    assert_eq!(errors(json!({"prompt": "a".repeat(2501)})), [e("prompt", "PROMPT_TOO_LONG")]);
}

#[test]
fn prompt_length_counts_utf16_code_units_like_the_service() {
    // U+1F40E (horse) is two UTF-16 units: 1250 of them are exactly 2500.
    assert!(check(json!({"prompt": "🐎".repeat(1250)})).ok());
    let r = check(json!({"prompt": format!("{}a", "🐎".repeat(1250))}));
    assert_eq!(r.error_codes(), ["PROMPT_TOO_LONG"]);
    assert!(r.errors[0].message.contains("2501"), "{}", r.errors[0].message);
    // "é" is one unit but two UTF-8 bytes: 2500 of them are fine.
    assert!(check(json!({"prompt": "é".repeat(2500)})).ok());
}

#[test]
fn model_must_be_happyhorse_1_1_when_given() {
    assert_eq!(errors(json!({"prompt": "x", "model": "happyhorse-1.1"})), []);
    assert_eq!(errors(json!({"prompt": "x", "model": "happyhorse-1.0"})), [e("model", "UNSUPPORTED_MODEL")]);
    assert_eq!(errors(json!({"prompt": "x", "model": null})), [e("model", "WRONG_TYPE")]);
}

#[test]
fn unknown_keys_with_did_you_mean() {
    let r = check(
        json!({"prompt": "x", "webhook_url": "https://example.com/h", "happyhorse11Params": {"aspectRatio": "16:9", "image": [IMG]}}),
    );
    let got: Vec<_> = r.errors.iter().map(|i| (i.path.as_str(), i.code.as_str(), i.message.as_str())).collect();
    assert_eq!(got[0].0, "webhook_url");
    assert!(got[0].2.contains("did you mean \"webhookUrl\""), "{}", got[0].2);
    assert_eq!(got[1].0, "happyhorse11Params.aspectRatio");
    assert!(got[1].2.contains("did you mean \"aspect_ratio\""), "{}", got[1].2);
    assert_eq!(got[2].0, "happyhorse11Params.image");
    assert!(got[2].2.contains("did you mean \"images\""), "{}", got[2].2);
    assert!(got.iter().all(|g| g.1 == "UNKNOWN_FIELD"));
}

#[test]
fn unknown_keys_at_the_wrong_level_say_where_they_belong() {
    let r = check(json!({"prompt": "x", "duration": 5, "happyhorse11Params": {"webhookUrl": "https://example.com"}}));
    assert_eq!(r.error_codes(), ["UNKNOWN_FIELD", "UNKNOWN_FIELD"]);
    assert!(r.errors[0].message.contains("happyhorse11Params.duration"), "{}", r.errors[0].message);
    assert!(r.errors[1].message.contains("top level"), "{}", r.errors[1].message);
    let r = check(json!({"prompt": "x", "zzzzzz": 1}));
    assert!(r.errors[0].message.contains("allowed here"), "{}", r.errors[0].message);
}

#[test]
fn params_must_be_an_object() {
    for bad in [json!(null), json!([]), json!("720p")] {
        assert_eq!(errors(json!({"prompt": "x", "happyhorse11Params": bad})), [e("happyhorse11Params", "WRONG_TYPE")]);
    }
    assert_eq!(errors(with_params(json!({}))), []);
}

#[test]
fn images_count_type_and_mode() {
    assert_eq!(errors(with_params(json!({"images": IMG}))), [e("happyhorse11Params.images", "WRONG_TYPE")]);
    assert_eq!(check(with_params(json!({"images": IMG}))).mode, None);
    assert_eq!(errors(with_params(json!({"images": [IMG, 5]}))), [e("happyhorse11Params.images[1]", "WRONG_TYPE")]);
    let mut prompt = String::new();
    for i in 1..=9 {
        prompt.push_str(&format!("[Image {i}] "));
    }
    let nine = check(json!({"prompt": prompt, "happyhorse11Params": {"images": images(9)}}));
    assert!(nine.ok() && nine.warnings.is_empty(), "{nine:?}");
    let ten = check(json!({"prompt": prompt, "happyhorse11Params": {"images": images(10)}}));
    assert_eq!(ten.error_codes(), ["TOO_MANY_IMAGES"]);
    assert_eq!(ten.errors[0].path, "happyhorse11Params.images");
    assert_eq!(check(with_params(json!({"images": []}))).mode, Some(Mode::TextToVideo));
}

#[test]
fn image_urls_must_be_absolute_and_fetchable() {
    let cases = [
        ("cat.jpg", "IMAGE_NOT_URL"),
        ("/images/cat.jpg", "IMAGE_NOT_URL"),
        ("https://example.com/my cat.jpg", "IMAGE_NOT_URL"),
        ("https:///cat.jpg", "IMAGE_NOT_URL"),
        ("blob:https://example.com/7d2c", "IMAGE_LOCAL_FILE"),
        ("file:///Users/me/cat.jpg", "IMAGE_LOCAL_FILE"),
    ];
    for (url, code) in cases {
        let r = check(json!({"prompt": "[Image 1] runs", "happyhorse11Params": {"images": [url]}}));
        assert_eq!(r.error_codes(), [code], "{url}");
        assert_eq!(r.errors[0].path, "happyhorse11Params.images[0]");
    }
    let r = check(json!({"prompt": "[Image 1] runs", "happyhorse11Params": {"images": ["file:///c.jpg"]}}));
    assert!(r.errors[0].message.contains("Upload"), "{}", r.errors[0].message);
}

#[test]
fn image_url_warnings() {
    let cases = [
        ("http://example.com/cat.jpg", "IMAGE_NOT_HTTPS"),
        ("data:image/png;base64,iVBORw0KGgo=", "IMAGE_NOT_HTTPS"),
        ("ftp://example.com/cat.jpg", "IMAGE_NOT_HTTPS"),
        ("http://localhost:3000/cat.jpg", "IMAGE_UNREACHABLE"),
        ("https://192.168.1.4/cat.jpg", "IMAGE_UNREACHABLE"),
    ];
    for (url, code) in cases {
        let r = check(json!({"prompt": "[Image 1] runs", "happyhorse11Params": {"images": [url]}}));
        assert!(r.ok(), "{url}: {r:?}");
        assert_eq!(r.warning_codes(), [code], "{url}");
    }
}

#[test]
fn duplicate_images_warn_at_the_copy() {
    let r = check(json!({"prompt": "[Image 1] meets [Image 2]", "happyhorse11Params": {"images": [IMG, IMG]}}));
    assert!(r.ok());
    assert_eq!(
        warnings(json!({"prompt": "[Image 1] meets [Image 2]", "happyhorse11Params": {"images": [IMG, IMG]}})),
        [e("happyhorse11Params.images[1]", "DUPLICATE_IMAGE")]
    );
}

#[test]
fn resolution_and_aspect_ratio_sets() {
    assert_eq!(errors(with_params(json!({"resolution": "720p", "aspect_ratio": "9:16"}))), []);
    assert_eq!(errors(with_params(json!({"resolution": "4k"}))), [e("happyhorse11Params.resolution", "INVALID_RESOLUTION")]);
    assert_eq!(errors(with_params(json!({"resolution": 1080}))), [e("happyhorse11Params.resolution", "INVALID_RESOLUTION")]);
    assert_eq!(errors(with_params(json!({"aspect_ratio": "21:9"}))), [e("happyhorse11Params.aspect_ratio", "INVALID_ASPECT_RATIO")]);
    let r = check(with_params(json!({"resolution": "4k"})));
    assert!(r.errors[0].message.contains("\"720p\" or \"1080p\""), "{}", r.errors[0].message);
}

#[test]
fn duration_is_a_whole_number_from_3_to_15() {
    for ok in [3, 5, 15] {
        assert_eq!(errors(with_params(json!({"duration": ok}))), [], "{ok}");
    }
    for bad in [json!(2), json!(16), json!(5.5), json!(-5), json!("5"), json!(null), json!(1e300)] {
        assert_eq!(errors(with_params(json!({"duration": bad.clone()}))), [e("happyhorse11Params.duration", "INVALID_DURATION")], "{bad}");
    }
    let msg = &check(with_params(json!({"duration": 16}))).errors[0].message;
    assert!(msg.contains("3 to 15") && msg.contains("got 16"), "{msg}");
}

#[test]
fn nan_duration_is_an_error() {
    let req = crate::core::Value::Object(vec![
        ("prompt".into(), crate::core::Value::String("x".into())),
        ("happyhorse11Params".into(), crate::core::Value::Object(vec![("duration".into(), crate::core::Value::Number(f64::NAN))])),
    ]);
    let r = validate(&req);
    assert_eq!(r.error_codes(), ["INVALID_DURATION"]);
    assert!(r.errors[0].message.contains("NaN"));
}

#[test]
fn seed_is_a_whole_number_in_the_31_bit_range() {
    for ok in [0u64, 1, 2147483647] {
        assert_eq!(errors(with_params(json!({"seed": ok}))), []);
    }
    for bad in [json!(-1), json!(2147483648u64), json!(0.5), json!("1")] {
        assert_eq!(errors(with_params(json!({"seed": bad.clone()}))), [e("happyhorse11Params.seed", "INVALID_SEED")], "{bad}");
    }
}

#[test]
fn image_references_out_of_range_and_without_images() {
    let two = json!([IMG, "https://example.com/b.jpg"]);
    assert_eq!(
        errors(json!({"prompt": "[Image 1] and [Image 3]", "happyhorse11Params": {"images": two.clone()}})),
        [e("prompt", "IMAGE_REFERENCE_OUT_OF_RANGE")]
    );
    assert_eq!(
        errors(json!({"prompt": "[Image 0] and [Image 1] and [Image 2]", "happyhorse11Params": {"images": two}})),
        [e("prompt", "IMAGE_REFERENCE_OUT_OF_RANGE")]
    );
    assert_eq!(errors(json!({"prompt": "[Image 1] gallops"})), [e("prompt", "IMAGE_REFERENCE_WITHOUT_IMAGES")]);
    assert_eq!(
        errors(json!({"prompt": "[Image 2] spins", "happyhorse11Params": {"images": [IMG]}})),
        [e("prompt", "IMAGE_REFERENCE_OUT_OF_RANGE")]
    );
    let msg =
        &check(json!({"prompt": "[Image 3]", "happyhorse11Params": {"images": [IMG, "https://example.com/b.jpg"]}})).errors[0].message;
    assert!(msg.contains("[Image 3]") && msg.contains("only 2 images"), "{msg}");
}

#[test]
fn unreferenced_images_warn_in_reference_mode_only() {
    let w = warnings(
        json!({"prompt": "[Image 1] runs", "happyhorse11Params": {"images": [IMG, "https://example.com/b.jpg", "https://example.com/c.jpg"]}}),
    );
    assert_eq!(w, [e("happyhorse11Params.images[1]", "IMAGE_NOT_REFERENCED"), e("happyhorse11Params.images[2]", "IMAGE_NOT_REFERENCED")]);
    assert_eq!(warnings(json!({"prompt": "it runs", "happyhorse11Params": {"images": [IMG]}})), []);
}

#[test]
fn near_miss_references_name_the_canonical_form() {
    let two = json!([IMG, "https://example.com/b.jpg"]);
    for (written, canonical) in
        [("[image 1]", "[Image 1]"), ("[Image1]", "[Image 1]"), ("(Image 1)", "[Image 1]"), ("Image 1", "[Image 1]")]
    {
        let r = check(json!({"prompt": format!("{written} meets [Image 2]"), "happyhorse11Params": {"images": two.clone()}}));
        assert!(r.ok(), "{written}: {r:?}");
        let near: Vec<_> = r.warnings.iter().filter(|i| i.code.as_str() == "IMAGE_REFERENCE_NEAR_MISS").collect();
        assert_eq!(near.len(), 1, "{written}: {r:?}");
        assert_eq!(near[0].path, "prompt");
        assert!(near[0].message.contains(canonical), "{}", near[0].message);
    }
    // A bare "Image 1" is ordinary prose outside reference mode.
    assert_eq!(warnings(json!({"prompt": "Image 1 of a series", "happyhorse11Params": {"images": [IMG]}})), []);
}

#[test]
fn aspect_ratio_ignored_only_with_exactly_one_image() {
    assert_eq!(warnings(with_params(json!({"aspect_ratio": "1:1"}))), []);
    assert_eq!(
        warnings(json!({"prompt": "it spins", "happyhorse11Params": {"aspect_ratio": "1:1", "images": [IMG]}})),
        [e("happyhorse11Params.aspect_ratio", "ASPECT_RATIO_IGNORED")]
    );
}

#[test]
fn webhook_url_checks() {
    assert_eq!(errors(json!({"prompt": "x", "webhookUrl": "https://example.com/hook"})), []);
    assert_eq!(warnings(json!({"prompt": "x", "webhookUrl": "https://example.com/hook"})), []);
    for bad in [json!("example.com/hook"), json!("ftp://example.com/hook"), json!("mailto:me@example.com"), json!("https://exa mple.com")] {
        assert_eq!(errors(json!({"prompt": "x", "webhookUrl": bad.clone()})), [e("webhookUrl", "INVALID_WEBHOOK_URL")], "{bad}");
    }
    assert_eq!(errors(json!({"prompt": "x", "webhookUrl": 7})), [e("webhookUrl", "WRONG_TYPE")]);
    assert_eq!(warnings(json!({"prompt": "x", "webhookUrl": "http://example.com/hook"})), [e("webhookUrl", "WEBHOOK_NOT_HTTPS")]);
    assert_eq!(
        warnings(json!({"prompt": "x", "webhookUrl": "http://localhost:8080/hook"})),
        [e("webhookUrl", "WEBHOOK_NOT_HTTPS"), e("webhookUrl", "WEBHOOK_UNREACHABLE")]
    );
    assert_eq!(warnings(json!({"prompt": "x", "webhookUrl": "https://10.0.0.5/hook"})), [e("webhookUrl", "WEBHOOK_UNREACHABLE")]);
}

#[test]
fn webhook_events_checks() {
    let base = |events: Json| json!({"prompt": "x", "webhookUrl": "https://example.com/h", "webhookEvents": events});
    assert_eq!(errors(base(json!(["progress", "completed", "failed"]))), []);
    assert_eq!(errors(base(json!([]))), [e("webhookEvents", "WEBHOOK_EVENTS_EMPTY")]);
    assert_eq!(errors(base(json!(["done"]))), [e("webhookEvents[0]", "INVALID_WEBHOOK_EVENT")]);
    assert_eq!(errors(base(json!("completed"))), [e("webhookEvents", "WRONG_TYPE")]);
    assert_eq!(warnings(json!({"prompt": "x", "webhookEvents": ["completed"]})), [e("webhookEvents", "WEBHOOK_EVENTS_WITHOUT_URL")]);
}

#[test]
fn every_finding_is_reported_not_just_the_first() {
    let r = check(
        json!({"prompt": "", "model": "sora-2", "happyhorse11Params": {"duration": 0, "seed": -1, "resolution": "8k", "images": images(10)}}),
    );
    assert_eq!(
        r.error_codes(),
        ["PROMPT_EMPTY", "UNSUPPORTED_MODEL", "TOO_MANY_IMAGES", "INVALID_RESOLUTION", "INVALID_DURATION", "INVALID_SEED"]
    );
}

#[test]
fn messages_and_paths_are_never_empty_except_the_root_path() {
    let r = check(
        json!({"prompt": "[image 1] [Image 4]", "x": 1, "happyhorse11Params": {"images": [IMG, "blob:x", IMG], "aspect_ratio": 1}, "webhookUrl": "http://127.0.0.1", "webhookEvents": []}),
    );
    for i in r.errors.iter().chain(&r.warnings) {
        assert!(!i.message.is_empty() && !i.path.is_empty(), "{i:?}");
    }
}
