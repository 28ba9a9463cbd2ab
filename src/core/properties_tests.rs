//! Property tests: arbitrary values and strings through every entry point
//! of the core. Never a panic, always an answer, and the answers agree
//! with each other.
#![cfg(not(target_arch = "wasm32"))]

use crate::core::{build_request, estimate, references, url, validate, Value};
use proptest::prelude::*;

/// Strings that hit the interesting cases more often than uniform noise.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\[\\(\\{]?[Ii][Mm][Aa][Gg][Ee] ?[0-9]{0,3}[\\]\\)\\}]? ?.{0,8}",
        "(https?|blob|file|data|ftp)://[a-z0-9.\\[\\]:@%/ ?#é-]{0,30}",
        Just("720p".to_string()),
        Just("16:9".to_string()),
        Just("completed".to_string()),
        Just(String::new()),
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![any::<f64>(), (-5i64..20).prop_map(|n| n as f64), Just(f64::NAN), Just(2147483647.0), Just(2147483648.0)]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Undefined),
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::Number),
        text().prop_map(Value::String),
        Just(Value::Other("a BigInt")),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "prompt",
            "model",
            "happyhorse11Params",
            "webhookUrl",
            "webhookEvents",
            "images",
            "resolution",
            "aspect_ratio",
            "duration",
            "seed",
            "aspectRatio"
        ])
        .prop_map(String::from),
        any::<String>(),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 64, 10, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..12).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8).prop_map(Value::Object),
        ]
    })
}

/// Values shaped like requests, so the deeper checks run too.
fn request_like() -> impl Strategy<Value = Value> {
    let params = (
        prop::option::of(prop::collection::vec(prop_oneof![text().prop_map(Value::String), leaf()], 0..12).prop_map(Value::Array)),
        prop::option::of(leaf()),
        prop::option::of(leaf()),
        prop::option::of(leaf()),
        prop::option::of(leaf()),
    )
        .prop_map(|(images, resolution, aspect, duration, seed)| {
            let mut p = Vec::new();
            for (k, v) in [("images", images), ("resolution", resolution), ("aspect_ratio", aspect), ("duration", duration), ("seed", seed)]
            {
                if let Some(v) = v {
                    p.push((k.to_string(), v));
                }
            }
            Value::Object(p)
        });
    (text(), prop::option::of(params), prop::option::of(leaf()), prop::option::of(any_value())).prop_map(
        |(prompt, params, webhook, extra)| {
            let mut o = vec![("prompt".to_string(), Value::String(prompt))];
            if let Some(p) = params {
                o.push(("happyhorse11Params".to_string(), p));
            }
            if let Some(w) = webhook {
                o.push(("webhookUrl".to_string(), w));
            }
            if let Some(x) = extra {
                o.push(("webhookEvents".to_string(), x));
            }
            Value::Object(o)
        },
    )
}

fn check_all(v: &Value) {
    let report = validate(v);
    assert_eq!(report.ok(), report.errors.is_empty());
    for issue in report.errors.iter().chain(&report.warnings) {
        assert!(!issue.message.is_empty());
        assert_eq!(issue.code.is_error(), report.errors.contains(issue));
    }
    match estimate(v) {
        Ok(e) => assert_eq!(e.credits, e.credits_per_second * e.seconds),
        Err(e) => assert!(!e.issues.is_empty() && e.code == crate::core::ErrorCode::InvalidRequest),
    }
    let built = build_request(v, &Value::Undefined, "00000000-0000-4000-8000-000000000000");
    assert_eq!(built.is_ok(), report.ok(), "build and validate disagree on {v:?}");
    if let Ok(r) = built {
        assert!(r.body.contains("\"model\":\"happyhorse-1.1\""));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn any_value_gets_an_answer(v in any_value()) {
        check_all(&v);
    }

    #[test]
    fn request_like_values_get_consistent_answers(v in request_like()) {
        check_all(&v);
    }

    #[test]
    fn any_string_as_prompt_image_or_webhook(s in any::<String>(), t in text()) {
        for candidate in [&s, &t] {
            let _ = url::parse(candidate);
            let _ = references::scan(candidate);
            let v = Value::Object(vec![
                ("prompt".into(), Value::String(candidate.clone())),
                ("happyhorse11Params".into(), Value::Object(vec![("images".into(), Value::Array(vec![Value::String(candidate.clone())]))])),
                ("webhookUrl".into(), Value::String(candidate.clone())),
            ]);
            check_all(&v);
        }
    }

    #[test]
    fn any_options_get_an_answer(opts in any_value(), key in any::<String>()) {
        let req = Value::Object(vec![("prompt".into(), Value::String("a horse".into()))]);
        let _ = build_request(&req, &opts, &key);
        let _ = crate::core::parse_send_options(&opts);
    }
}

proptest! {
    #[test]
    fn any_bytes_probe_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..64), prefix in prop::sample::select(vec![&b"\x89PNG\r\n\x1a\n"[..], b"GIF8", b"BM", b"RIFF\0\0\0\0WEBPVP8X", b"RIFF\0\0\0\0WEBPVP8L", b"RIFF\0\0\0\0WEBPVP8 ", &[0xff, 0xd8][..], b""])) {
        let mut data = prefix.to_vec();
        data.extend_from_slice(&bytes);
        let _ = crate::core::image_probe::probe(&data);
    }
}

fn json_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[\\[\\]{}\":,0-9a-z\\\\u.eE+ -]{0,40}", any_value().prop_map(|v| v.to_json()),]
}

proptest! {
    #[test]
    fn any_text_through_the_json_reader(text in json_text()) {
        if let Some(v) = crate::core::json::parse(&text) {
            check_all(&v);
        }
    }

    #[test]
    fn json_written_by_the_core_reads_back(v in any_value()) {
        // Our writer turns Undefined/Other/non-integers into null, so compare
        // the texts: reading then writing again must be a fixed point.
        let text = v.to_json();
        let back = crate::core::json::parse(&text).expect("our own JSON parses");
        prop_assert_eq!(back.to_json(), text);
    }
}
