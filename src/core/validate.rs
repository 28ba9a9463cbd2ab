//! Every check of contract §2, applied to any value: errors for what the
//! service would reject or could never do, warnings for what will run but
//! probably not as intended. Limits come from [`crate::core::spec`].
//!
//! Code choice, for UI authors: a field with a set or range of values
//! (`resolution`, `aspect_ratio`, `duration`, `seed`, `webhookEvents[i]`)
//! reports any bad value — wrong type included — under its own `INVALID_*`
//! code; `WRONG_TYPE` is for structural slips (a prompt that is not a
//! string, `images` that is not an array, …).

use crate::core::issue::{index_path, join_path, IssueCode, Mode, Report};
use crate::core::references::{self, Reference};
use crate::core::spec::{ModelSpec, HAPPYHORSE_11};
use crate::core::text::{cat, edit_distance_bytes, num, one_of, quoted, utf16_len, Text};
use crate::core::url::{self, UriError};
use crate::core::value::Value;

/// Checks `request` against Happy Horse 1.1. Answers for any value.
pub fn validate(request: &Value) -> Report {
    Checker { spec: &HAPPYHORSE_11, report: Report::default() }.run(request)
}

/// Where a finding is: its path is made only when there is something to
/// report there (a literal for the spec's parameters, built for an item).
#[derive(Clone, Copy)]
enum Field<'a> {
    /// A key of the parameter block.
    Param(&'a str),
    Item(&'a str, usize),
}

impl Field<'_> {
    fn path(self, spec: &ModelSpec) -> Text {
        match self {
            Field::Param(key) => spec.param_path(key),
            Field::Item(list, i) => index_path(list, i).into(),
        }
    }
}

struct Checker {
    spec: &'static ModelSpec,
    report: Report,
}

impl Checker {
    fn run(mut self, request: &Value) -> Report {
        let Value::Object(props) = request else {
            self.report.push(
                "",
                IssueCode::NotAnObject,
                cat(&["the request must be an object like { prompt: \"…\" }, got ", request.kind()]),
            );
            return self.report;
        };
        self.unknown_keys(props, "", self.spec.top_level_keys, self.spec.param_keys);
        let prompt = self.prompt(request.get("prompt"));
        self.model(request.get("model"));
        let params_key = self.spec.params_key;
        let mut image_count = Some(0);
        if let Some(params) = request.get(params_key) {
            image_count = self.params(params);
        }
        self.report.mode = image_count.map(Mode::for_image_count);
        self.webhook_url(request.get("webhookUrl"));
        self.webhook_events(request.get("webhookEvents"), request.get("webhookUrl").is_some());
        if let (Some(prompt), Some(count)) = (prompt, image_count) {
            self.references(prompt, count);
        }
        self.report
    }

    fn wrong_type(&mut self, path: impl Into<Text>, expected: &str, got: &Value) {
        self.report.push(path, IssueCode::WrongType, cat(&["expected ", expected, ", got ", got.kind()]));
    }

    /// Flags keys not in `allowed`, with a did-you-mean for slips and for
    /// keys that belong at the other level (`other_level`).
    fn unknown_keys(&mut self, props: &[(String, Value)], at: &str, allowed: &[&str], other_level: &[&str]) {
        for (key, _) in props {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let mut message = cat(&["unknown field ", &quoted(key)]);
            if let Some(near) = closest(key, allowed) {
                message.push_str(&cat(&["; did you mean \"", near, "\"?"]));
            } else if let Some(near) = closest(key, other_level) {
                let place = if at.is_empty() { join_path(self.spec.params_key, near) } else { near.to_string() };
                message.push_str(&cat(&[
                    "; did you mean \"",
                    &place,
                    "\"? It belongs ",
                    if at.is_empty() { "inside " } else { "at the top level, not inside " },
                    self.spec.params_key,
                ]));
            } else {
                message.push_str(&cat(&["; allowed here: ", &one_of(allowed)]));
            }
            self.report.push(join_path(at, key), IssueCode::UnknownField, message);
        }
    }

    fn prompt<'v>(&mut self, prompt: Option<&'v Value>) -> Option<&'v str> {
        let Some(value) = prompt else {
            self.report.push("prompt", IssueCode::PromptMissing, "a prompt is required: describe the video to generate");
            return None;
        };
        let text = match value {
            Value::String(text) => text,
            Value::Unread { utf16_len } => {
                // Not copied: it starts with a visible character and names no
                // image, or it is far over the limit. Only its length matters.
                self.prompt_length(*utf16_len);
                return None;
            }
            _ => {
                self.wrong_type("prompt", "a string", value);
                return None;
            }
        };
        if utf16_len(text.trim()) < self.spec.prompt_min_utf16 {
            self.report.push("prompt", IssueCode::PromptEmpty, "the prompt is empty: describe the video to generate");
        }
        self.prompt_length(utf16_len(text));
        Some(text)
    }

    fn prompt_length(&mut self, units: usize) {
        if units > self.spec.prompt_max_utf16 {
            self.report.push(
                "prompt",
                IssueCode::PromptTooLong,
                cat(&[
                    "the prompt is ",
                    &num(units as u64),
                    " characters long; the limit is ",
                    &num(self.spec.prompt_max_utf16 as u64),
                    " (counted as UTF-16 code units, like JavaScript's length)",
                ]),
            );
        }
    }

    fn model(&mut self, model: Option<&Value>) {
        match model {
            None => {}
            Some(Value::String(m)) if m == self.spec.model => {}
            Some(Value::Unread { .. }) => self.report.push(
                "model",
                IssueCode::UnsupportedModel,
                cat(&["model must be \"", self.spec.model, "\" (or leave model out)"]),
            ),
            Some(Value::String(m)) => self.report.push(
                "model",
                IssueCode::UnsupportedModel,
                cat(&["model ", &quoted(m), " is not supported: this package speaks only \"", self.spec.model, "\" (or leave model out)"]),
            ),
            Some(other) => self.wrong_type("model", cat(&["the string \"", self.spec.model, "\""]).as_str(), other),
        }
    }

    /// Checks the parameter block; returns the image count when it is known.
    fn params(&mut self, params: &Value) -> Option<usize> {
        let at = self.spec.params_key;
        let Value::Object(props) = params else {
            self.wrong_type(at, "an object", params);
            return Some(0);
        };
        self.unknown_keys(props, at, self.spec.param_keys, self.spec.top_level_keys);
        let count = match params.get("images") {
            None => Some(0),
            Some(images) => self.images(images),
        };
        if let Some(v) = params.get("resolution") {
            if v.as_str().is_none_or(|r| self.spec.resolution(r).is_none()) {
                let names: Vec<&str> = self.spec.resolutions.iter().map(|r| r.name).collect();
                self.one_of_set(Field::Param("resolution"), v, &names, IssueCode::InvalidResolution);
            }
        }
        if let Some(v) = params.get("aspect_ratio") {
            self.one_of_set(Field::Param("aspect_ratio"), v, self.spec.aspect_ratios, IssueCode::InvalidAspectRatio);
            if count == Some(1) {
                self.report.push(
                    self.spec.param_path("aspect_ratio"),
                    IssueCode::AspectRatioIgnored,
                    "aspect_ratio is ignored when animating a single image: the video keeps the image's own shape",
                );
            }
        }
        if let Some(v) = params.get("duration") {
            let (min, max) = (self.spec.duration_min, self.spec.duration_max);
            self.integer_in(
                Field::Param("duration"),
                v,
                min,
                max,
                IssueCode::InvalidDuration,
                "duration must be a whole number of seconds from ",
            );
        }
        if let Some(v) = params.get("seed") {
            let (min, max) = (self.spec.seed_min, self.spec.seed_max);
            self.integer_in(Field::Param("seed"), v, min, max, IssueCode::InvalidSeed, "seed must be a whole number from ");
        }
        count
    }

    fn one_of_set(&mut self, at: Field<'_>, v: &Value, allowed: &[&str], code: IssueCode) {
        if v.as_str().is_some_and(|s| allowed.contains(&s)) {
            return;
        }
        let got = match v {
            Value::String(s) => quoted(s),
            Value::Unread { utf16_len } => too_long(*utf16_len),
            other => other.kind().to_string(),
        };
        self.report.push(at.path(self.spec), code, cat(&["expected ", &one_of(allowed), ", got ", &got]));
    }

    fn integer_in(&mut self, at: Field<'_>, v: &Value, min: u32, max: u32, code: IssueCode, lead: &str) {
        let ok = matches!(v, Value::Number(n) if n.fract() == 0.0 && *n >= f64::from(min) && *n <= f64::from(max));
        if !ok {
            let got = match v {
                Value::Number(n) if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 => {
                    let mut s = if *n < 0.0 { String::from("-") } else { String::new() };
                    s.push_str(&num(n.abs() as u64));
                    s
                }
                Value::Number(n) if n.is_finite() => String::from("a fraction"),
                other => other.kind().to_string(),
            };
            self.report.push(at.path(self.spec), code, cat(&[lead, &num(min.into()), " to ", &num(max.into()), ", got ", &got]));
        }
    }

    /// Checks `images`; returns the count when it is an array.
    fn images(&mut self, images: &Value) -> Option<usize> {
        let path = self.spec.param_path("images");
        let items = match images {
            Value::Array(items) => items,
            Value::Other(what) if *what == crate::core::limits::HUGE_ARRAY => {
                let message = cat(&["at most ", &num(self.spec.images_max as u64), " images are allowed, got ", what]);
                self.report.push(path, IssueCode::TooManyImages, message);
                return None;
            }
            _ => {
                self.wrong_type(path, "an array of image URLs", images);
                return None;
            }
        };
        if items.len() > self.spec.images_max {
            self.report.push(
                path.clone(),
                IssueCode::TooManyImages,
                cat(&["at most ", &num(self.spec.images_max as u64), " images are allowed, got ", &num(items.len() as u64)]),
            );
        }
        for (i, item) in items.iter().enumerate() {
            let s = match item {
                Value::String(s) => s,
                Value::Unread { utf16_len } => {
                    let message = cat(&["this URL is ", &too_long(*utf16_len), "; no server fetches a URL that long"]);
                    self.report.push(index_path(&path, i), IssueCode::ImageNotUrl, message);
                    continue;
                }
                _ => {
                    self.wrong_type(index_path(&path, i), "an image URL string", item);
                    continue;
                }
            };
            self.image_url(&path, i, s);
            if items[..i].iter().any(|earlier| earlier.as_str() == Some(s)) {
                self.report.push(
                    index_path(&path, i),
                    IssueCode::DuplicateImage,
                    "this image URL appears more than once; each copy counts as a separate image",
                );
            }
        }
        Some(items.len())
    }

    /// Checks image `i` of the list at `list_path`; its own path is only
    /// built when there is something to say.
    fn image_url(&mut self, list_path: &str, i: usize, s: &str) {
        let uri = match url::parse(s) {
            Ok(uri) if uri.is("https") && uri.is_web() && !uri.host.is_some_and(url::is_local_host) => return,
            Ok(uri) => uri,
            Err(e) => {
                self.report.push(index_path(list_path, i), IssueCode::ImageNotUrl, uri_error_message(s, e, "image"));
                return;
            }
        };
        let path = index_path(list_path, i);
        let http = uri.is("http") || uri.is("https");
        if uri.is("blob") || uri.is("file") {
            self.report.push(
                path,
                IssueCode::ImageLocalFile,
                cat(&[
                    "a ",
                    uri.scheme,
                    ": URL points at a file on this device; the service can never fetch it. Upload the image and use its https:// URL",
                ]),
            );
        } else if http && !uri.is_web() {
            self.report.push(
                path,
                IssueCode::ImageNotUrl,
                cat(&[&quoted(s), " has no host; use a full address like https://example.com/image.jpg"]),
            );
        } else if http && uri.host.is_some_and(url::is_local_host) {
            self.report.push(
                path,
                IssueCode::ImageUnreachable,
                "this image is on localhost or a private network; the service cannot fetch it from the internet",
            );
        } else if uri.is("http") {
            self.report.push(
                path,
                IssueCode::ImageNotHttps,
                "this image URL is plain http:; the service may refuse to fetch it. Use https:",
            );
        } else if !http {
            self.report.push(
                path,
                IssueCode::ImageNotHttps,
                cat(&[
                    "a ",
                    uri.scheme,
                    ": URL is not a web address; the service may not fetch it. Upload the image and use its https:// URL",
                ]),
            );
        }
    }

    fn webhook_url(&mut self, v: Option<&Value>) {
        let Some(v) = v else { return };
        let s = match v {
            Value::String(s) => s,
            Value::Unread { utf16_len } => {
                let message = cat(&["webhookUrl is ", &too_long(*utf16_len), "; no server accepts a URL that long"]);
                self.report.push("webhookUrl", IssueCode::InvalidWebhookUrl, message);
                return;
            }
            _ => {
                self.wrong_type("webhookUrl", "a URL string", v);
                return;
            }
        };
        let uri = match url::parse(s) {
            Ok(uri) => uri,
            Err(e) => {
                self.report.push("webhookUrl", IssueCode::InvalidWebhookUrl, uri_error_message(s, e, "webhook"));
                return;
            }
        };
        let host = match uri.host {
            Some(host) if uri.is_web() => host,
            _ => {
                self.report.push(
                    "webhookUrl",
                    IssueCode::InvalidWebhookUrl,
                    "webhookUrl must be an absolute http(s) URL like https://example.com/hooks/video",
                );
                return;
            }
        };
        if uri.is("http") {
            self.report.push(
                "webhookUrl",
                IssueCode::WebhookNotHttps,
                "webhookUrl is plain http:; job events would travel unencrypted. Use https:",
            );
        }
        if url::is_local_host(host) {
            self.report.push(
                "webhookUrl",
                IssueCode::WebhookUnreachable,
                "webhookUrl points at localhost or a private network; the service cannot reach it from the internet",
            );
        }
    }

    fn webhook_events(&mut self, v: Option<&Value>, has_url: bool) {
        let Some(v) = v else { return };
        let Value::Array(events) = v else {
            self.wrong_type("webhookEvents", "an array of event names", v);
            return;
        };
        if events.is_empty() {
            self.report.push(
                "webhookEvents",
                IssueCode::WebhookEventsEmpty,
                cat(&["name at least one event: ", &one_of(self.spec.webhook_events), "; or leave webhookEvents out"]),
            );
        }
        for (i, e) in events.iter().enumerate() {
            self.one_of_set(Field::Item("webhookEvents", i), e, self.spec.webhook_events, IssueCode::InvalidWebhookEvent);
        }
        if !has_url {
            self.report.push("webhookEvents", IssueCode::WebhookEventsWithoutUrl, "webhookEvents has no effect without a webhookUrl");
        }
    }

    fn references(&mut self, prompt: &str, image_count: usize) {
        let mode = Mode::for_image_count(image_count);
        let refs = references::scan(prompt);
        let mut referenced = vec![false; image_count];
        for r in &refs {
            if !r.canonical {
                if r.bracketed || mode == Mode::ReferenceToVideo {
                    self.near_miss(r);
                }
                continue;
            }
            if image_count == 0 {
                self.report.push(
                    "prompt",
                    IssueCode::ImageReferenceWithoutImages,
                    cat(&["the prompt refers to ", r.text, " but the request has no images; add images or remove the reference"]),
                );
            } else if r.number == 0 || r.number as usize > image_count {
                self.report.push(
                    "prompt",
                    IssueCode::ImageReferenceOutOfRange,
                    cat(&[
                        "the prompt refers to ",
                        r.text,
                        " but there ",
                        if image_count == 1 { "is only 1 image" } else { "are only " },
                        &if image_count == 1 { String::new() } else { cat(&[&num(image_count as u64), " images"]) },
                        "; references run from [Image 1] to [Image ",
                        &num(image_count as u64),
                        "]",
                    ]),
                );
            } else {
                referenced[r.number as usize - 1] = true;
            }
        }
        if mode == Mode::ReferenceToVideo {
            let images_path = join_path(self.spec.params_key, "images");
            for (i, seen) in referenced.iter().enumerate() {
                if !*seen && i < self.spec.images_max {
                    let label = cat(&["[Image ", &num(i as u64 + 1), "]"]);
                    self.report.push(
                        index_path(&images_path, i),
                        IssueCode::ImageNotReferenced,
                        cat(&["the prompt never mentions ", &label, "; say how it should appear, e.g. \"", &label, " walks in\""]),
                    );
                }
            }
        }
    }

    fn near_miss(&mut self, r: &Reference) {
        let canonical = cat(&["[Image ", &num(r.number.into()), "]"]);
        self.report.push(
            "prompt",
            IssueCode::ImageReferenceNearMiss,
            cat(&[&quoted(r.text), " looks like an image reference; the model only understands the exact form ", &canonical]),
        );
    }
}

/// The allowed key nearest to `key`: same letters ignoring case, `_` and
/// `-`, or one or two edits away.
fn closest<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    // ASCII case folding only: keys are ASCII, and Unicode case tables would
    // cost kilobytes of wasm. Squashed into stack buffers: no allocation.
    fn squash<'b>(s: &str, buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
        let mut n = 0;
        for b in s.bytes().filter(|b| *b != b'_' && *b != b'-') {
            *buf.get_mut(n)? = b.to_ascii_lowercase();
            n += 1;
        }
        buf.get(..n)
    }
    let mut kb = [0u8; 64];
    let k = squash(key, &mut kb)?;
    let mut best: Option<(usize, &'a str)> = None;
    for a in allowed {
        let mut ab = [0u8; 64];
        let Some(sq) = squash(a, &mut ab) else { continue };
        if sq.len().abs_diff(k.len()) > 2 {
            continue;
        }
        let d = edit_distance_bytes(k, sq);
        if d <= 2 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, a));
        }
    }
    best.map(|(_, a)| a)
}

/// "a string of 70000 characters".
fn too_long(units: usize) -> String {
    cat(&["a string of ", &num(units as u64), " characters"])
}

fn uri_error_message(s: &str, e: UriError, what: &str) -> String {
    match e {
        UriError::NotAbsolute => cat(&[&quoted(s), " is not an absolute URL; the ", what, " URL must start with https://"]),
        UriError::Empty => cat(&[&quoted(s), " is not a complete URL"]),
        UriError::BadAuthority => cat(&[&quoted(s), " has a malformed host or port"]),
        UriError::BadCharacter(c) => {
            let mut shown = String::new();
            if c == ' ' {
                shown.push_str("a space")
            } else {
                shown.push('"');
                shown.push(c);
                shown.push('"')
            }
            cat(&[&quoted(s), " contains ", &shown, ", which a URL cannot hold; percent-encode it (e.g. with encodeURI)"])
        }
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
