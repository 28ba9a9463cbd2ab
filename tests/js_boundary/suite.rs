//! The boundary suite, shared by the Node and the Chromium runs: JS values
//! made by real JS code go through the exports, and results are read back
//! with JS operations.

use happyhorse::wasm::checks::{capabilities_js, estimate_cost, validate};
use happyhorse::wasm::request::build_request;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

/// Evaluates a JS expression (test-only; the package itself never evals).
fn js(expr: &str) -> JsValue {
    js_sys::Function::new_no_args(&format!("return ({expr});")).call0(&JsValue::NULL).expect(expr)
}

fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |acc, key| js_sys::Reflect::get(&acc, &JsValue::from_str(key)).unwrap())
}

fn stringify(v: &JsValue) -> String {
    js_sys::JSON::stringify(v).unwrap().as_string().unwrap()
}

fn error_codes(report: &JsValue) -> Vec<String> {
    js_sys::Array::from(&get(report, "errors")).iter().map(|i| get(&i, "code").as_string().unwrap()).collect()
}

#[wasm_bindgen_test]
fn validate_answers_any_value_without_throwing() {
    for expr in ["undefined", "42", "'x'", "null", "10n", "() => 1", "Symbol('s')", "[1,2]", "new Date(0)"] {
        let r = validate(&js(expr));
        assert_eq!(get(&r, "ok"), JsValue::FALSE, "{expr}");
        assert!(!error_codes(&r).is_empty(), "{expr}");
    }
    assert_eq!(error_codes(&validate(&js("undefined"))), ["NOT_AN_OBJECT"]);
    assert_eq!(error_codes(&validate(&js("42"))), ["NOT_AN_OBJECT"]);
    assert_eq!(error_codes(&validate(&js("'x'"))), ["NOT_AN_OBJECT"]);
    assert_eq!(get(&validate(&js("undefined")), "mode"), JsValue::NULL);
}

#[wasm_bindgen_test]
fn validate_survives_hostile_objects() {
    let cyclic = js("(() => { const o = { prompt: 'x' }; o.happyhorse11Params = o; return o; })()");
    assert_eq!(get(&validate(&cyclic), "ok"), JsValue::FALSE);
    let throwing = js("({ prompt: 'x', get happyhorse11Params() { throw new Error('boom'); } })");
    assert_eq!(error_codes(&validate(&throwing)), ["WRONG_TYPE"]);
    let proxy = js("new Proxy({}, { ownKeys() { throw new Error('no'); } })");
    assert_eq!(error_codes(&validate(&proxy)), ["NOT_AN_OBJECT"]);
    let huge = js("({ prompt: 'x', happyhorse11Params: { images: new Array(1e9) } })");
    assert_eq!(error_codes(&validate(&huge)), ["TOO_MANY_IMAGES"]);
    let big = js("({ prompt: 'x', happyhorse11Params: { seed: 1n } })");
    assert_eq!(error_codes(&validate(&big)), ["INVALID_SEED"]);
    let revoked = js("(() => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; })()");
    for _ in 0..2000 {
        assert_eq!(error_codes(&validate(&revoked)), ["NOT_AN_OBJECT"]);
    }
    let counted = js("(() => { const o = { n: 0 }; return { o, body: { get prompt() { o.n++; return 'x'; } } }; })()");
    validate(&get(&counted, "body"));
    assert_eq!(get(&counted, "o.n").as_f64(), Some(1.0), "a getter runs once per validate");
    let fraction = js("({ prompt: 'x', happyhorse11Params: { seed: 2022813349.9999998 } })");
    assert_eq!(error_codes(&validate(&fraction)), ["INVALID_SEED"]);
    // Still alive after all of that: the module did not abort.
    assert_eq!(get(&validate(&js("({ prompt: 'a horse' })")), "ok"), JsValue::TRUE);
}

#[wasm_bindgen_test]
fn valid_and_invalid_bodies() {
    let ok = validate(&js("({ prompt: '[Image 1] walks through the gate of [Image 2] at dusk', happyhorse11Params: { images: ['https://example.com/a.jpg', 'https://example.com/b.jpg'], duration: 10, resolution: '720p' } })"));
    assert_eq!(get(&ok, "ok"), JsValue::TRUE);
    assert_eq!(get(&ok, "mode").as_string().unwrap(), "reference-to-video");
    assert_eq!(stringify(&get(&ok, "warnings")), "[]");

    let bad = validate(&js("({ prompt: '', happyhorse11Params: { aspectRatio: '16:9', duration: 5.5 }, webhookUrl: undefined })"));
    assert_eq!(error_codes(&bad), ["PROMPT_EMPTY", "UNKNOWN_FIELD", "INVALID_DURATION"]);
    let paths: Vec<String> = js_sys::Array::from(&get(&bad, "errors")).iter().map(|i| get(&i, "path").as_string().unwrap()).collect();
    assert_eq!(paths, ["prompt", "happyhorse11Params.aspectRatio", "happyhorse11Params.duration"]);
}

#[wasm_bindgen_test]
fn build_request_throws_a_happyhorse_error_with_validates_issues() {
    let body = "({ prompt: '   ', happyhorse11Params: { images: Array(10).fill('https://example.com/a.jpg') } })";
    let err = JsValue::from(build_request(&js(body), None).unwrap_err());
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&err, "name").as_string().unwrap(), "HappyHorseError");
    assert_eq!(get(&err, "code").as_string().unwrap(), "INVALID_REQUEST");
    assert_eq!(get(&err, "retryable"), JsValue::FALSE);
    assert_eq!(stringify(&get(&err, "issues")), stringify(&get(&validate(&js(body)), "errors")));
    let message = get(&err, "message").as_string().unwrap();
    assert!(message.starts_with("prompt: "), "{message}");
    let stack = get(&err, "stack").as_string().unwrap_or_default();
    assert!(!stack.is_empty());
}

#[wasm_bindgen_test]
fn build_request_builds_the_wire_request() {
    let r = build_request(
        &js("({ prompt: 'a horse' })"),
        Some(js("({ baseUrl: 'https://proxy.example/apiframe/', idempotencyKey: 'k-1' })").into()),
    )
    .unwrap();
    assert_eq!(get(&r, "url").as_string().unwrap(), "https://proxy.example/apiframe/v2/videos/generate");
    assert_eq!(get(&r, "headers.Idempotency-Key").as_string().unwrap(), "k-1");
    assert!(get(&r, "headers.X-API-Key").is_undefined());
    assert_eq!(get(&r, "body").as_string().unwrap(), r#"{"model":"happyhorse-1.1","prompt":"a horse"}"#);
    let generated = build_request(&js("({ prompt: 'a horse' })"), None).unwrap();
    let key = get(&generated, "headers.Idempotency-Key").as_string().unwrap();
    assert_eq!(key.len(), 36);
    assert_eq!(&key[14..15], "4");
    let again = build_request(&js("({ prompt: 'a horse' })"), None).unwrap();
    assert_ne!(get(&again, "headers.Idempotency-Key").as_string().unwrap(), key);
}

#[wasm_bindgen_test]
fn estimate_and_capabilities() {
    let e = estimate_cost(&js("({ prompt: 'x', happyhorse11Params: { duration: 10, resolution: '1080p' } })")).unwrap();
    assert_eq!(get(&e, "credits").as_f64(), Some(310.0));
    let e = estimate_cost(&js("({ happyhorse11Params: { duration: 10, resolution: '720p' } })")).unwrap();
    assert_eq!(get(&e, "credits").as_f64(), Some(240.0));
    let err = JsValue::from(estimate_cost(&js("({ happyhorse11Params: { duration: '10' } })")).unwrap_err());
    assert_eq!(get(&err, "code").as_string().unwrap(), "INVALID_REQUEST");
    let caps = capabilities_js();
    assert_eq!(get(&caps, "creditsPerSecond.1080p").as_f64(), Some(31.0));
    assert_eq!(get(&caps, "images.max").as_f64(), Some(9.0));
    let _ = caps.dyn_ref::<js_sys::Object>().expect("a plain object");
}

/// A `store` as JS makes it: a Map behind the `Storage` methods, holding
/// one good record, one that does not parse, and one from another version.
fn map_store() -> JsValue {
    js(r#"(() => {
      const m = new Map();
      const s = { get length() { return m.size; }, key: (i) => [...m.keys()][i] ?? null,
        getItem: (k) => m.get(k) ?? null, setItem: (k, v) => { m.set(k, String(v)); }, removeItem: (k) => { m.delete(k); }, m };
      const p = 'happyhorse:https://api.example|';
      m.set(p + 'good', JSON.stringify({ v: 1, baseUrl: 'https://api.example', key: 'good', body: { model: 'happyhorse-1.1', prompt: 'horses' }, savedAt: 5,
        jobId: '0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c', job: { id: '0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c', status: 'PROCESSING', progress: 40 } }));
      m.set(p + 'broken', '{"v":1,');
      m.set(p + 'next', JSON.stringify({ v: 2 }));
      return s;
    })()"#)
}

#[wasm_bindgen_test]
fn a_store_lists_what_it_can_read_and_reports_the_rest() {
    use happyhorse::wasm::client::Client;
    let store = map_store();
    let reported = js("[]");
    let options = js("({ baseUrl: 'https://api.example' })");
    js_sys::Reflect::set(&options, &"store".into(), &store).unwrap();
    let push = js_sys::Reflect::get(&reported, &"push".into()).unwrap().dyn_into::<js_sys::Function>().unwrap().bind(&reported);
    js_sys::Reflect::set(&options, &"onStoreError".into(), &push).unwrap();
    let client = Client::new(Some(options.unchecked_into())).unwrap();
    let jobs = client.jobs();
    assert_eq!(jobs.length(), 1);
    let job = jobs.get(0);
    assert_eq!(get(&job, "idempotencyKey").as_string().as_deref(), Some("good"));
    assert_eq!(get(&job, "job.progress").as_f64(), Some(40.0));
    assert_eq!(get(&job, "finished"), JsValue::FALSE);
    assert_eq!(get(&job, "request.prompt").as_string().as_deref(), Some("horses"));
    let codes: Vec<String> = js_sys::Array::from(&reported).iter().map(|e| get(&e, "code").as_string().unwrap()).collect();
    assert_eq!(codes, ["STORAGE", "STORAGE"], "the broken and the other-version record, once each");
    assert!(js_sys::Array::from(&reported).iter().all(|e| e.is_instance_of::<js_sys::Error>()));
    assert_eq!(client.jobs().length(), 1);
    assert_eq!(js_sys::Array::from(&reported).length(), 2, "not reported again");
    assert!(client.forget("good"));
    assert_eq!(client.jobs().length(), 0);
    assert_eq!(get(&store, "m.size").as_f64(), Some(2.0), "the unreadable records are left as they are");
}

#[wasm_bindgen_test]
fn a_store_that_throws_or_is_not_one_never_throws_through_wasm() {
    use happyhorse::wasm::client::Client;
    let throwing = js(
        "({ get length() { throw new Error('denied'); }, key() { throw 1; }, getItem() { throw Symbol('s'); }, setItem() { throw null; }, removeItem() { throw new Proxy({}, {}); } })",
    );
    let options = js("({})");
    js_sys::Reflect::set(&options, &"store".into(), &throwing).unwrap();
    js_sys::Reflect::set(&options, &"onStoreError".into(), &js("() => { throw new Error('and the callback') }")).unwrap();
    let client = Client::new(Some(options.unchecked_into())).unwrap();
    assert_eq!(client.jobs().length(), 0);
    assert!(!client.forget("x"));
    for bad in ["({})", "'localStorage'", "new Proxy({}, { get() { throw new Error('trap'); } })"] {
        let options = js("({})");
        js_sys::Reflect::set(&options, &"store".into(), &js(bad)).unwrap();
        let e: JsValue = Client::new(Some(options.unchecked_into())).err().map(Into::into).expect(bad);
        assert_eq!(get(&e, "code").as_string().as_deref(), Some("INVALID_REQUEST"), "{bad}");
    }
    assert_eq!(get(&validate(&js("({ prompt: 'horses' })")), "ok"), JsValue::TRUE, "the module is intact");
}
