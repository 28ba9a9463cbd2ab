//! Submitted bodies are judged by the provider's OpenAPI schema — over a
//! real socket to a real fake — and the fake will not start without it.

mod common;

use common::*;
use serde_json::{json, Value};

fn submit(fake: &Fake, body: &Value) -> Reply {
    fake.post("/v2/videos/generate", &body.to_string())
}

#[test]
fn the_contract_examples_are_accepted() {
    let fake = Fake::start(&[]);
    let bodies = [
        json!({"model": "happyhorse-1.1", "prompt": "A herd of horses thundering across desert dunes, dust trailing behind, golden hour"}),
        json!({"model": "happyhorse-1.1", "prompt": "[Image 1] walks through the gate of [Image 2] at dusk, cinematic tracking shot",
               "happyhorse11Params": {"images": ["https://example.com/gate.jpg", "https://example.com/horse.png"]}}),
        json!({"model": "happyhorse-1.1", "prompt": "A product hero shot of [Image 1] rotating slowly on a reflective surface, studio lighting",
               "happyhorse11Params": {"images": ["https://example.com/product.png"], "duration": 10, "resolution": "720p"}}),
        json!({"model": "happyhorse-1.1", "prompt": "a cinematic sunrise over a futuristic cityscape, smooth camera push-in",
               "happyhorse11Params": {"images": ["https://example.com/input.jpg"], "resolution": "1080p", "aspect_ratio": "16:9", "seed": 1}}),
        json!({"model": "happyhorse-1.1", "prompt": "a horse", "webhookUrl": "https://example.com/hook", "webhookEvents": ["progress", "completed", "failed"]}),
    ];
    for body in bodies {
        let r = submit(&fake, &body);
        assert_eq!(r.status, 202, "{body}: {}", String::from_utf8_lossy(&r.body));
        let job = fake.get(&format!("/v2/jobs/{}", r.json()["jobId"].as_str().unwrap())).json();
        assert_eq!(job["input"], body);
    }
}

#[test]
fn a_body_the_schema_rejects_gets_400_with_details_by_path() {
    let fake = Fake::start(&[]);
    let r = submit(
        &fake,
        &json!({
            "prompt": "",
            "webhookEvents": ["done"],
            "happyhorse11Params": {"duration": 2, "aspectRatio": "16:9", "images": ["not a url"], "seed": -1},
            "negative_prompt": "blurry",
        }),
    );
    assert_eq!(r.status, 400);
    assert!(r.header("x-request-id").is_some());
    let body = r.json();
    assert_eq!(body["error"], "Validation failed");
    let details = body["details"].as_object().unwrap();
    let first =
        |p: &str| details.get(p).and_then(|m| m[0].as_str()).unwrap_or_else(|| panic!("no details for {p}: {details:?}")).to_string();
    assert_eq!(first("model"), "Required");
    assert_eq!(first("prompt"), "String must contain at least 1 character(s)");
    assert_eq!(first("webhookEvents[0]"), "Invalid enum value. Expected 'progress' | 'completed' | 'failed', received 'done'");
    assert_eq!(first("happyhorse11Params.duration"), "Number must be greater than or equal to 3");
    assert_eq!(first("happyhorse11Params.seed"), "Number must be greater than or equal to 0");
    assert_eq!(first("happyhorse11Params.aspectRatio"), "Unrecognized key(s) in object: 'aspectRatio'");
    assert_eq!(first("happyhorse11Params.images[0]"), "Invalid url");
    assert_eq!(first("negative_prompt"), "Unrecognized key(s) in object: 'negative_prompt'");
    assert_eq!(details.len(), 8, "{details:?}");
    // Nothing was created or remembered.
    assert_eq!(fake.get("/__fake/log").json()[0]["status"], 400);

    let r = submit(
        &fake,
        &json!({"model": "happyhorse-1.1", "prompt": "x", "happyhorse11Params": {"images": vec!["https://example.com/a.jpg"; 10]}}),
    );
    assert_eq!(r.json()["details"]["happyhorse11Params.images"][0], "Array must contain at most 9 element(s)");
    let r = submit(&fake, &json!({"model": "happyhorse-1.1", "prompt": "🐎".repeat(1251)}));
    assert_eq!(r.json()["details"]["prompt"][0], "String must contain at most 2500 character(s)", "UTF-16 units, as the service counts");
    let r = fake.post("/v2/videos/generate", "{not json");
    assert_eq!((r.status, r.json()["error"].as_str()), (400, Some("Request body must be JSON")));
}

#[test]
fn acceptance_does_not_depend_on_the_packages_validator() {
    // The package refuses these by its stricter rules (contract §2); the
    // provider's schema does not, so neither does the fake.
    let fake = Fake::start(&[]);
    for body in [
        json!({"model": "happyhorse-1.1", "prompt": "[Image 2] runs"}),
        json!({"model": "happyhorse-1.1", "prompt": "x", "happyhorse11Params": {"images": ["blob:https://example.com/5f1c"]}}),
    ] {
        assert_eq!(submit(&fake, &body).status, 202, "{body}");
    }
}

#[test]
fn the_fake_will_not_start_without_the_spec() {
    let run =
        |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_fake-apiframe")).args(["--port", "0"]).args(args).output().unwrap();
    let out = run(&["--spec", "/nonexistent/apiframe-openapi.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/apiframe-openapi.json"));
    assert!(out.stdout.is_empty());

    let dir = std::env::temp_dir().join(format!("fake-apiframe-spec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let no_branch = dir.join("no-branch.json");
    std::fs::write(&no_branch, r#"{"components": {"schemas": {"GenerateVideoRequest": {"oneOf": []}}}}"#).unwrap();
    let out = run(&["--spec", no_branch.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("happyhorse-1.1"), "{}", String::from_utf8_lossy(&out.stderr));

    // A spec given explicitly is the one used.
    let tiny = dir.join("tiny.json");
    let schema = json!({"components": {"schemas": {"GenerateVideoRequest": {"oneOf": [{
        "type": "object", "required": ["model", "prompt"],
        "properties": {"model": {"enum": ["happyhorse-1.1"]}, "prompt": {"type": "string", "maxLength": 3}}}]}}}});
    std::fs::write(&tiny, schema.to_string()).unwrap();
    let fake = Fake::start(&["--spec", tiny.to_str().unwrap()]);
    assert_eq!(submit(&fake, &json!({"model": "happyhorse-1.1", "prompt": "abc"})).status, 202);
    assert_eq!(submit(&fake, &json!({"model": "happyhorse-1.1", "prompt": "abcd"})).status, 400);
    let _ = std::fs::remove_dir_all(&dir);
}
