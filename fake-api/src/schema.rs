//! The check a submitted body must pass, taken from the provider's own
//! OpenAPI document (`--spec`, by default `../shared/apiframe-openapi.json`
//! beside the repository): the `oneOf` branch of
//! `components.schemas.GenerateVideoRequest` whose `model` is
//! `happyhorse-1.1`, with local `$ref`s inlined, compiled by a JSON Schema
//! validator (boon, draft 2020-12 as OpenAPI 3.1 uses, `format` asserted).
//!
//! Deliberately not the package's `validate`: the fake judges bodies
//! independently, so a bug in the package's checks shows up as a disagreement
//! instead of being agreed with.
//!
//! One departure from plain JSON Schema, as the service behaves: string
//! lengths are counted in UTF-16 code units (the service's validator is Zod,
//! JavaScript's `length`), where JSON Schema counts code points. Rejections
//! come back in the service's shape, `{ error: "Validation failed", details:
//! { "<json path>": ["message"] } }`, with Zod's wording and the package's
//! path style (`happyhorse11Params.images[3]`).

use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

pub const MODEL: &str = "happyhorse-1.1";
/// Where the compiled branch lives for the validator (never fetched).
const LOCATION: &str = "https://fake-apiframe.invalid/generate-video-happyhorse-1.1.json";
/// `$ref`s nested deeper than this are taken for a cycle.
const MAX_REF_DEPTH: usize = 32;

pub struct Schema {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
    /// The branch as compiled.
    #[cfg_attr(not(test), allow(dead_code))]
    pub branch: Value,
}

/// Where to look for the spec when `--spec` is not given: beside the
/// repository this binary was built from, then beside the current directory
/// (the repository root, when run from there).
pub fn default_spec_paths() -> Vec<PathBuf> {
    vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/apiframe-openapi.json"), PathBuf::from("../shared/apiframe-openapi.json")]
}

impl Schema {
    pub fn load(path: &Path) -> Result<Schema, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the provider's OpenAPI spec {}: {e}", path.display()))?;
        let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
        Schema::from_openapi(&doc).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn from_openapi(doc: &Value) -> Result<Schema, String> {
        let request = doc.pointer("/components/schemas/GenerateVideoRequest").ok_or("no components.schemas.GenerateVideoRequest")?;
        let request = inline(doc, request, 0)?;
        let branches = ["oneOf", "anyOf"]
            .iter()
            .find_map(|k| request.get(*k).and_then(Value::as_array))
            .ok_or("GenerateVideoRequest has no oneOf branches")?;
        let branch = branches.iter().find(|b| names_model(b)).ok_or_else(|| format!("GenerateVideoRequest has no branch for {MODEL}"))?;
        Schema::compile(branch.clone())
    }

    fn compile(branch: Value) -> Result<Schema, String> {
        let mut compiler = boon::Compiler::new();
        compiler.set_default_draft(boon::Draft::V2020_12);
        compiler.enable_format_assertions();
        compiler.add_resource(LOCATION, branch.clone()).map_err(|e| format!("{e:#}"))?;
        let mut schemas = boon::Schemas::new();
        let index = compiler.compile(LOCATION, &mut schemas).map_err(|e| format!("the {MODEL} branch does not compile: {e:#}"))?;
        Ok(Schema { schemas, index, branch })
    }

    /// `None` when `body` passes; else the service's `details`, keyed by path.
    pub fn check(&self, body: &Value) -> Option<Map<String, Value>> {
        let counted = utf16_view(body);
        let Err(error) = self.schemas.validate(&counted, self.index) else { return None };
        let mut details = Map::new();
        collect(&error, body, &mut details);
        if details.is_empty() {
            details.insert("(root)".into(), json!([error.to_string()]));
        }
        Some(details)
    }
}

/// The service's 400 for `details`.
pub fn rejection(details: Map<String, Value>) -> Value {
    json!({ "error": "Validation failed", "details": details })
}

/// Whether a branch's `model` admits `happyhorse-1.1`.
fn names_model(branch: &Value) -> bool {
    let Some(model) = branch.pointer("/properties/model") else { return false };
    model.get("const").and_then(Value::as_str) == Some(MODEL)
        || model.get("enum").and_then(Value::as_array).is_some_and(|e| e.iter().any(|v| v.as_str() == Some(MODEL)))
}

/// `v` with every local `$ref` (`#/...`) replaced by what it points to
/// (kept beside any sibling keywords through `allOf`).
fn inline(doc: &Value, v: &Value, depth: usize) -> Result<Value, String> {
    if depth > MAX_REF_DEPTH {
        return Err("$ref nesting too deep (a cycle?)".into());
    }
    match v {
        Value::Object(o) => {
            if let Some(r) = o.get("$ref") {
                let r = r.as_str().ok_or("$ref must be a string")?;
                let pointer = r
                    .strip_prefix('#')
                    .filter(|p| p.is_empty() || p.starts_with('/'))
                    .ok_or_else(|| format!("unsupported $ref {r:?}: only local refs"))?;
                let target = doc.pointer(&percent_decode(pointer)).ok_or_else(|| format!("$ref {r:?} points nowhere"))?;
                let target = inline(doc, target, depth + 1)?;
                let siblings: Map<String, Value> = o.iter().filter(|(k, _)| *k != "$ref").map(|(k, v)| (k.clone(), v.clone())).collect();
                if siblings.is_empty() {
                    return Ok(target);
                }
                let mut merged = Map::new();
                for (k, v) in siblings {
                    merged.insert(k, inline(doc, &v, depth + 1)?);
                }
                merged.insert("allOf".into(), json!([target]));
                return Ok(Value::Object(merged));
            }
            let mut out = Map::new();
            for (k, v) in o {
                out.insert(k.clone(), inline(doc, v, depth)?);
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => items.iter().map(|i| inline(doc, i, depth)).collect::<Result<Vec<_>, _>>().map(Value::Array),
        other => Ok(other.clone()),
    }
}

fn percent_decode(s: &str) -> String {
    let (bytes, mut out, mut i) = (s.as_bytes(), Vec::with_capacity(s.len()), 0);
    let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
    while i < bytes.len() {
        if let (b'%', Some(h), Some(l)) = (bytes[i], hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `v` as the service measures it: each character outside the Basic
/// Multilingual Plane (two UTF-16 code units) stands as two, so that
/// `minLength`/`maxLength` count UTF-16 units. Keys are left alone.
fn utf16_view(v: &Value) -> Value {
    match v {
        Value::String(s) if s.chars().any(|c| c.len_utf16() == 2) => Value::String(
            s.chars().flat_map(|c| std::iter::repeat_n(if c.len_utf16() == 2 { '\u{FFFD}' } else { c }, c.len_utf16())).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(utf16_view).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), utf16_view(v))).collect()),
        other => other.clone(),
    }
}

/// `prompt`, `happyhorse11Params.images[3]`, `["odd key"]`; `(root)` for
/// the body itself.
fn path_text<'a>(tokens: impl IntoIterator<Item = Token<'a>>) -> String {
    let mut out = String::new();
    for t in tokens {
        match t {
            Token::Key(k) if is_identifier(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Token::Key(k) => out.push_str(&format!("[{}]", Value::from(k))),
            Token::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        "(root)".into()
    } else {
        out
    }
}

#[derive(Clone, Copy)]
enum Token<'a> {
    Key(&'a str),
    Index(usize),
}

fn is_identifier(k: &str) -> bool {
    let mut chars = k.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn tokens<'a>(loc: &'a boon::InstanceLocation<'_>) -> Vec<Token<'a>> {
    loc.tokens
        .iter()
        .map(|t| match t {
            boon::InstanceToken::Prop(p) => Token::Key(p.as_ref()),
            boon::InstanceToken::Item(i) => Token::Index(*i),
        })
        .collect()
}

/// The value at `path` in the body as sent (not its UTF-16 view).
fn value_at<'v>(body: &'v Value, path: &[Token]) -> Option<&'v Value> {
    path.iter().try_fold(body, |v, t| match t {
        Token::Key(k) => v.get(*k),
        Token::Index(i) => v.get(*i),
    })
}

fn add(details: &mut Map<String, Value>, path: String, message: String) {
    let list = details.entry(path).or_insert_with(|| json!([]));
    if let Value::Array(items) = list {
        if !items.iter().any(|m| m.as_str() == Some(&message)) {
            items.push(Value::String(message));
        }
    }
}

/// A value as an error message quotes it: short, never the whole input.
fn shown(v: Option<&Value>) -> String {
    let text = match v {
        Some(Value::String(s)) => format!("'{s}'"),
        Some(other) => other.to_string(),
        None => "undefined".into(),
    };
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

fn type_name(v: Option<&Value>) -> &'static str {
    match v {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

/// The leaves of a validation error, as the service words them (Zod).
fn collect(e: &boon::ValidationError, body: &Value, details: &mut Map<String, Value>) {
    if !e.causes.is_empty() {
        for c in &e.causes {
            collect(c, body, details);
        }
        return;
    }
    use boon::ErrorKind as K;
    let at = tokens(&e.instance_location);
    let here = || path_text(at.iter().copied());
    let child = |k: &str| path_text(at.iter().copied().chain([Token::Key(k)]));
    let value = value_at(body, &at);
    match &e.kind {
        K::Required { want } => want.iter().for_each(|k| add(details, child(k), "Required".into())),
        K::AdditionalProperties { got } => got.iter().for_each(|k| add(details, child(k), format!("Unrecognized key(s) in object: '{k}'"))),
        kind => {
            let message = match kind {
                K::Type { want, .. } => {
                    if want.contains(boon::Type::Integer) && value.is_some_and(Value::is_number) {
                        "Expected integer, received float".to_string()
                    } else {
                        let want: Vec<String> = want.iter().map(|t| t.to_string()).collect();
                        format!("Expected {}, received {}", want.join(" | "), type_name(value))
                    }
                }
                K::Enum { want } => {
                    let want: Vec<String> = want.iter().map(|w| shown(Some(w))).collect();
                    format!("Invalid enum value. Expected {}, received {}", want.join(" | "), shown(value))
                }
                K::Const { want } => format!("Invalid literal value, expected {}", shown(Some(want))),
                K::Format { want: "uri" | "uri-reference" | "iri", .. } => "Invalid url".to_string(),
                K::Format { want, .. } => format!("Invalid {want}"),
                K::MinLength { want, .. } => format!("String must contain at least {want} character(s)"),
                K::MaxLength { want, .. } => format!("String must contain at most {want} character(s)"),
                K::MinItems { want, .. } => format!("Array must contain at least {want} element(s)"),
                K::MaxItems { want, .. } => format!("Array must contain at most {want} element(s)"),
                K::Minimum { want, .. } => format!("Number must be greater than or equal to {want}"),
                K::Maximum { want, .. } => format!("Number must be less than or equal to {want}"),
                K::ExclusiveMinimum { want, .. } => format!("Number must be greater than {want}"),
                K::ExclusiveMaximum { want, .. } => format!("Number must be less than {want}"),
                K::MultipleOf { want, .. } => format!("Number must be a multiple of {want}"),
                K::FalseSchema => "Not allowed".to_string(),
                other => other.to_string(),
            };
            add(details, here(), message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(v: Value) -> Option<Map<String, Value>> {
        schema().check(&v)
    }

    fn schema() -> &'static Schema {
        static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
        S.get_or_init(|| {
            let path = default_spec_paths().into_iter().find(|p| p.exists()).expect("the provider's OpenAPI spec beside the repository");
            Schema::load(&path).unwrap()
        })
    }

    #[test]
    fn finds_the_happyhorse_branch() {
        let b = &schema().branch;
        assert_eq!(b.pointer("/properties/model/enum/0"), Some(&json!(MODEL)));
        assert_eq!(b.pointer("/properties/prompt/maxLength"), Some(&json!(2500)));
        assert_eq!(b.pointer("/properties/happyhorse11Params/properties/images/maxItems"), Some(&json!(9)));
    }

    #[test]
    fn the_contract_examples_pass() {
        for prompt in [
            "A herd of horses thundering across desert dunes, dust trailing behind, golden hour",
            "[Image 1] walks through the gate of [Image 2] at dusk, cinematic tracking shot",
            "A product hero shot of [Image 1] rotating slowly on a reflective surface, studio lighting",
        ] {
            let images = prompt.matches("[Image ").count();
            let images: Vec<String> = (0..images).map(|i| format!("https://example.com/{i}.jpg")).collect();
            assert_eq!(details(json!({"model": MODEL, "prompt": prompt, "happyhorse11Params": {"images": images}})), None, "{prompt}");
        }
        let quick = json!({
            "model": MODEL,
            "prompt": "a cinematic sunrise over a futuristic cityscape, smooth camera push-in",
            "happyhorse11Params": {"images": ["https://example.com/input.jpg"], "resolution": "1080p", "aspect_ratio": "16:9", "seed": 1},
        });
        assert_eq!(details(quick), None);
    }

    #[test]
    fn rejections_are_keyed_by_path_with_zod_wording() {
        let d = details(json!({
            "prompt": "",
            "webhookEvents": [],
            "happyhorse11Params": {"duration": 16, "seed": 1.5, "aspectRatio": "16:9", "resolution": "4k", "images": ["not a url", 7]},
        }))
        .unwrap();
        let msgs = |p: &str| d.get(p).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>());
        assert_eq!(msgs("model"), Some(vec!["Required"]));
        assert_eq!(msgs("prompt"), Some(vec!["String must contain at least 1 character(s)"]));
        assert_eq!(msgs("webhookEvents"), Some(vec!["Array must contain at least 1 element(s)"]));
        assert_eq!(msgs("happyhorse11Params.duration"), Some(vec!["Number must be less than or equal to 15"]));
        assert_eq!(msgs("happyhorse11Params.seed"), Some(vec!["Expected integer, received float"]));
        assert_eq!(msgs("happyhorse11Params.aspectRatio"), Some(vec!["Unrecognized key(s) in object: 'aspectRatio'"]));
        assert_eq!(msgs("happyhorse11Params.resolution"), Some(vec!["Invalid enum value. Expected '720p' | '1080p', received '4k'"]));
        assert_eq!(msgs("happyhorse11Params.images[0]"), Some(vec!["Invalid url"]));
        assert_eq!(msgs("happyhorse11Params.images[1]"), Some(vec!["Expected string, received number"]));
        assert_eq!(d.len(), 9, "{d:?}");
        assert_eq!(details(json!([1])).unwrap().get("(root)").unwrap()[0], "Expected object, received array");
        let wrong_model = details(json!({"model": "sora-2", "prompt": "x"})).unwrap();
        assert_eq!(wrong_model["model"][0], "Invalid enum value. Expected 'happyhorse-1.1', received 'sora-2'");
    }

    #[test]
    fn prompt_length_is_counted_in_utf16_units() {
        let body = |p: String| json!({"model": MODEL, "prompt": p});
        assert_eq!(details(body("🐎".repeat(1250))), None);
        assert_eq!(details(body("a".repeat(2500))), None);
        assert_eq!(details(body("é".repeat(2500))), None);
        assert!(details(body("🐎".repeat(1251))).unwrap().contains_key("prompt"));
        assert!(details(body("a".repeat(2501))).unwrap().contains_key("prompt"));
    }

    #[test]
    fn judges_by_the_schema_not_by_the_package() {
        // The package refuses these (contract §2's stricter rules); the
        // provider's schema, and so the fake, accepts them.
        for body in [
            json!({"model": MODEL, "prompt": "[Image 3] runs"}),
            json!({"model": MODEL, "prompt": "   "}),
            json!({"model": MODEL, "prompt": "x", "happyhorse11Params": {"images": ["blob:https://example.com/5f1c"]}}),
        ] {
            assert_eq!(details(body.clone()), None, "{body}");
        }
    }

    #[test]
    fn inlines_local_refs_and_finds_the_branch_behind_them() {
        let doc = json!({"components": {"schemas": {
            "Prompt": {"type": "string", "maxLength": 3},
            "HH": {"type": "object", "additionalProperties": false, "required": ["model"], "properties": {
                "model": {"enum": [MODEL]}, "prompt": {"$ref": "#/components/schemas/Prompt", "description": "kept"}}},
            "GenerateVideoRequest": {"oneOf": [{"properties": {"model": {"const": "other"}}}, {"$ref": "#/components/schemas/HH"}]},
        }}});
        let s = Schema::from_openapi(&doc).unwrap();
        assert_eq!(s.check(&json!({"model": MODEL, "prompt": "abc"})), None);
        assert!(s.check(&json!({"model": MODEL, "prompt": "abcd"})).unwrap().contains_key("prompt"));
        let cyclic = json!({"components": {"schemas": {"A": {"$ref": "#/components/schemas/A"}, "GenerateVideoRequest": {"$ref": "#/components/schemas/A"}}}});
        assert!(Schema::from_openapi(&cyclic).is_err());
        assert!(Schema::from_openapi(&json!({})).is_err());
        let remote = json!({"components": {"schemas": {"GenerateVideoRequest": {"$ref": "https://example.com/s.json"}}}});
        assert!(Schema::from_openapi(&remote).err().unwrap().contains("only local refs"));
    }
}
