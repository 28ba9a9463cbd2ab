//! One way in: any JS value becomes the core's [`Value`], read in Rust with
//! js-sys calls, so the rules never see a `JsValue` and JS never sees a
//! half-read request.
//!
//! Why it is built this way:
//! - **Nothing thrown in JS crosses a wasm frame.** Every call that runs
//!   user code (a getter, a Proxy trap, `toJSON`, `Array.isArray` on a
//!   revoked Proxy, `Number(v)` on a boxed number) goes through
//!   `wasm/guard.js`, whose functions catch and answer a sentinel instead
//!   (not wasm-bindgen's `catch`, which leaks a table slot per exception:
//!   see `guard.js`); what threw is read as a [`Value::Other`] the checks
//!   then name. An exception unwinding through wasm would leave the module's
//!   state corrupt for every later call.
//! - **The same body `JSON.stringify` would send.** Own enumerable string
//!   keys in order (`Object.keys`), each property read exactly once,
//!   `undefined` properties dropped, `toJSON(key)` called once where
//!   present (its result is not asked for `toJSON` again), numbers taken
//!   as the `f64` they are (no text round trip: `2022813349.9999998` stays a
//!   fraction and is refused). Boxed primitives (`new Number(5)`,
//!   `new String('x')`, `Object(true)`) are unboxed as `JSON.stringify`
//!   unboxes them (`Number(v)`, `String(v)`, guarded: user code may run);
//!   a boxed BigInt is refused, as `JSON.stringify` throws on it.
//! - **Bounded, whatever it is given**: at most [`MAX_VALUES`] values,
//!   [`MAX_DEPTH`] levels (cycles end there), arrays of at most
//!   [`MAX_ITEMS`] read, strings over [`MAX_STRING_UNITS`] never copied,
//!   [`MAX_TOTAL_UNITS`] copied in all. Shared sub-objects count once per
//!   place, so a DAG of 48 levels costs the budget, not 2⁴⁸ visits.
//! - **Strings copied only when a rule needs their text.** Copying a
//!   2,400-character prompt into wasm costs more than all the checks. When
//!   only validating, a prompt that starts with a visible ASCII character and
//!   has no "image" in it (a native regex test, no copy) is kept as its
//!   length: its only rule left is the length limit.
//! - Key strings made once (`toJSON`, `length`) and reused.

use crate::core::limits::{
    HUGE_ARRAY, MAX_DEPTH, MAX_ITEMS, MAX_STRING_UNITS, MAX_TOTAL_UNITS, MAX_VALUES, TOO_DEEP, TOO_MANY_KEYS, TOO_MANY_VALUES,
};
use crate::core::text::find_bytes;
use crate::core::value::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::guard::{apply, get, get_index_raw, get_raw, is_array, is_unreadable, keys as object_keys};

#[wasm_bindgen]
extern "C" {
    /// A JS string, asked whether it is well-formed UTF-16 (ES2024; where
    /// the method is missing the call throws, caught, and the string passes).
    type JsText;
    #[wasm_bindgen(catch, method, js_name = isWellFormed)]
    fn is_well_formed(this: &JsText) -> Result<bool, JsValue>;
    /// A `RegExp`, tested against a JS string without copying it into wasm.
    type Pattern;
    #[wasm_bindgen(method)]
    fn test(this: &Pattern, text: &JsValue) -> bool;
}

/// Strings made once per module instance.
struct Keys {
    to_json: JsValue,
    length: JsValue,
    /// `/image/i`: does a prompt hold anything the reference rules look at?
    image_word: Pattern,
}

thread_local! {
    static KEYS: Keys = Keys {
        to_json: JsValue::from_str("toJSON"),
        length: JsValue::from_str("length"),
        image_word: js_sys::RegExp::new("image", "i").unchecked_into(),
    };
}

/// Prompts shorter than this are copied even when validating: the copy is
/// cheaper than the two calls that would decide to skip it.
const LAZY_PROMPT_MIN_UNITS: u32 = 128;

/// What the value read is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Only checked (`validate`, `estimateCost`): the prompt may stay in JS.
    Check,
    /// Checked and sent: every string is copied, to build the body.
    Send,
}

/// Where in a request a value sits: the prompt is the one string that may
/// stay unread.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Top,
    Prompt,
    Elsewhere,
}

/// The key `toJSON` is called with: a property name, or an array index
/// (made into a string only if a `toJSON` is actually there).
enum Holder<'a> {
    /// The value itself (`JSON.stringify` calls its `toJSON` with `""`).
    Root,
    Key(&'a JsValue),
    Index(u32),
}

/// Reads a request body (the argument of `validate`, `buildRequest`,
/// `submit`…). Never throws, never panics.
pub(crate) fn request(v: &JsValue, purpose: Purpose) -> Value {
    let mut r = Reader::new(purpose == Purpose::Check);
    r.value(v, Holder::Root, 0, Place::Top)
}

/// Reads an options object: like a request, and also hands back the
/// values of `keep` (an `AbortSignal`, a callback) as the JS values they
/// are, read in the same single pass and left out of the [`Value`].
pub(crate) fn options(v: Option<&JsValue>, keep: &[&str]) -> (Value, Vec<(usize, JsValue)>) {
    let Some(v) = v.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return (Value::Undefined, Vec::new());
    };
    let mut r = Reader::new(false);
    r.keep = keep;
    let value = r.value(v, Holder::Root, 0, Place::Elsewhere);
    (value, r.kept)
}

/// A value that is neither a string nor an object. `unreadable` names what
/// the guard's sentinel stands for where `v` was read.
fn primitive(v: &JsValue, unreadable: &'static str) -> Value {
    if let Some(n) = v.as_f64() {
        return Value::Number(n);
    }
    if let Some(b) = v.as_bool() {
        return Value::Bool(b);
    }
    if v.is_undefined() {
        return Value::Undefined;
    }
    if v.is_null() {
        return Value::Null;
    }
    if v.is_function() {
        return Value::Other("a function");
    }
    if v.is_bigint() {
        return Value::Other("a BigInt");
    }
    if v.is_symbol() {
        return Value::Other(if is_unreadable(v) { unreadable } else { "a symbol" });
    }
    Value::Other("an unsupported value")
}

struct Reader<'k> {
    values_left: usize,
    units_left: usize,
    lazy_prompt: bool,
    /// Top-level keys whose JS values are handed back instead of read.
    keep: &'k [&'k str],
    kept: Vec<(usize, JsValue)>,
    /// The objects being read, outermost first.
    ancestors: Vec<JsValue>,
}

impl<'k> Reader<'k> {
    fn new(lazy_prompt: bool) -> Reader<'k> {
        Reader { values_left: MAX_VALUES, units_left: MAX_TOTAL_UNITS, lazy_prompt, keep: &[], kept: Vec::new(), ancestors: Vec::new() }
    }

    fn value(&mut self, v: &JsValue, holder: Holder<'_>, depth: usize, place: Place) -> Value {
        if self.values_left == 0 {
            return Value::Other(TOO_MANY_VALUES);
        }
        self.values_left -= 1;
        // Most values are strings: decided with one call. Objects are asked
        // for toJSON, as JSON.stringify asks them; the few calls spent on
        // each kind are counted, since every one crosses into JS.
        if v.is_string() {
            return self.string(v, place == Place::Prompt);
        }
        if !v.is_object() {
            return primitive(v, "an unreadable value (its getter threw)");
        }
        let to_json = KEYS.with(|k| get_raw(v, &k.to_json));
        if to_json.is_undefined() {
            return self.container(v, depth, place);
        }
        if !to_json.is_function() {
            if to_json.is_symbol() && is_unreadable(&to_json) {
                return Value::Other("an unreadable object (reading its toJSON threw)");
            }
            // A toJSON that is no function is ignored, as JSON.stringify ignores it.
            return self.container(v, depth, place);
        }
        let key = match holder {
            Holder::Root => JsValue::from_str(""),
            Holder::Key(k) => k.clone(),
            Holder::Index(i) => JsValue::from_str(&crate::core::text::num(i.into())),
        };
        match apply(&to_json, v, &js_sys::Array::of1(&key)) {
            // Its result is not asked for toJSON again.
            Ok(out) if out.is_string() => self.string(&out, place == Place::Prompt),
            Ok(out) if out.is_object() => self.container(&out, depth, place),
            Ok(out) => primitive(&out, "an object whose toJSON threw"),
            Err(()) => Value::Other("an object whose toJSON threw"),
        }
    }

    /// An object or an array. A cycle is named as such where it closes (as
    /// `JSON.stringify` refuses it there), so no getter on the way runs
    /// twice.
    fn container(&mut self, v: &JsValue, depth: usize, place: Place) -> Value {
        if depth >= MAX_DEPTH {
            return Value::Other(TOO_DEEP);
        }
        // One identity test per ancestor: a valid request has at most two.
        if self.ancestors.iter().any(|a| a == v) {
            return Value::Other("a cycle (an object that contains itself)");
        }
        self.ancestors.push(v.clone());
        let out = match is_array(v) {
            Ok(true) => self.array(v, depth),
            Ok(false) => self.object(v, depth, place),
            Err(_) => Value::Other("an unreadable object (a revoked Proxy?)"),
        };
        self.ancestors.pop();
        out
    }

    fn string(&mut self, v: &JsValue, may_stay: bool) -> Value {
        let s: &js_sys::JsString = v.unchecked_ref();
        let units = s.length();
        let len = units as usize;
        if len > MAX_STRING_UNITS || len > self.units_left {
            return Value::Unread { utf16_len: len };
        }
        if may_stay && self.lazy_prompt && units >= LAZY_PROMPT_MIN_UNITS {
            let first = s.char_code_at(0);
            // Visible ASCII first: not blank. No "image": no reference rule applies.
            if (33.0..127.0).contains(&first) && !KEYS.with(|k| k.image_word.test(v)) {
                return Value::Unread { utf16_len: len };
            }
        }
        self.units_left -= len;
        let text = v.as_string().unwrap_or_default();
        // The copy turns a lone surrogate into U+FFFD; a body must not carry
        // text other than what the caller wrote, so such a string is refused.
        if find_bytes(text.as_bytes(), "\u{fffd}".as_bytes()).is_some() && v.unchecked_ref::<JsText>().is_well_formed() == Ok(false) {
            return Value::Other("a string holding a lone UTF-16 surrogate (broken text)");
        }
        Value::String(text)
    }

    fn array(&mut self, v: &JsValue, depth: usize) -> Value {
        let Some(len) = KEYS.with(|k| get_raw(v, &k.length)).as_f64() else {
            return Value::Other("an unreadable array (its length could not be read)");
        };
        if len > MAX_ITEMS as f64 {
            return Value::Other(HUGE_ARRAY);
        }
        // A negative or fractional length (a Proxy's) reads like JS: none, or the floor.
        let len = len.max(0.0) as u32;
        if len as usize > self.values_left {
            return Value::Other(TOO_MANY_VALUES);
        }
        let mut items = Vec::with_capacity(len as usize);
        for i in 0..len {
            let item = get_index_raw(v, i);
            items.push(self.value(&item, Holder::Index(i), depth + 1, Place::Elsewhere));
        }
        Value::Array(items)
    }

    fn object(&mut self, v: &JsValue, depth: usize, place: Place) -> Value {
        let Some(keys) = object_keys(v) else {
            return Value::Other("an unreadable object (its keys could not be listed)");
        };
        let n = keys.length();
        if n as usize > self.values_left {
            return Value::Other(TOO_MANY_KEYS);
        }
        let mut props = Vec::with_capacity(n as usize);
        for i in 0..n {
            let key = keys.get(i);
            let Some(name) = key.as_string() else { continue };
            // A boxed primitive has no keys (Number, Boolean) or index keys
            // (String): JSON.stringify writes its value, and so do we.
            if i == 0 && name == "0" {
                if let Some(value) = boxed(v) {
                    return value;
                }
            }
            if depth == 0 && !self.keep.is_empty() {
                if let Some(at) = self.keep.iter().position(|k| *k == name) {
                    self.kept.push((at, get_raw(v, &key)));
                    continue;
                }
            }
            let item = get_raw(v, &key);
            // JSON.stringify drops undefined properties; so do we.
            if item.is_undefined() {
                continue;
            }
            // …and functions: a `toJSON` method is no field. (Any other
            // function is reported: it is surely a mistake.)
            if name == "toJSON" && item.is_function() {
                continue;
            }
            let at = match place {
                Place::Top if name == "prompt" => Place::Prompt,
                _ => Place::Elsewhere,
            };
            let item = self.value(&item, Holder::Key(&key), depth + 1, at);
            props.push((name, item));
        }
        if n == 0 {
            if let Some(value) = boxed(v) {
                return value;
            }
        }
        Value::Object(props)
    }
}

/// The value of a `Number`, `String`, `Boolean` or `BigInt` object, read as
/// `JSON.stringify` reads it (`Number(v)`, `String(v)`: user code may run,
/// so the calls catch); `None` for any other object.
fn boxed(v: &JsValue) -> Option<Value> {
    let global = js_sys::global();
    let call = |name: &str| -> Option<JsValue> {
        let f = get(&global, &JsValue::from_str(name)).ok()?;
        apply(&f, &JsValue::UNDEFINED, &js_sys::Array::of1(v)).ok()
    };
    if v.is_instance_of::<js_sys::Number>() {
        return Some(call("Number").and_then(|n| n.as_f64()).map_or(Value::Other("a Number object that could not be read"), Value::Number));
    }
    if v.is_instance_of::<js_sys::JsString>() {
        return Some(
            call("String").and_then(|s| s.as_string()).map_or(Value::Other("a String object that could not be read"), Value::String),
        );
    }
    if v.is_instance_of::<js_sys::Boolean>() {
        // Not Boolean(v), which is true for every object: its own value.
        let value_of = get(&global, &JsValue::from_str("Boolean"))
            .and_then(|b| get(&b, &JsValue::from_str("prototype")))
            .and_then(|p| get(&p, &JsValue::from_str("valueOf")));
        let own = value_of.ok().and_then(|f| apply(&f, v, &js_sys::Array::new()).ok()).and_then(|b| b.as_bool());
        return Some(own.map_or(Value::Other("a Boolean object that could not be read"), Value::Bool));
    }
    if v.is_instance_of::<js_sys::BigInt>() {
        return Some(Value::Other("a BigInt"));
    }
    None
}

/// Reads `key` of an object argument that is not a request (the input of
/// `verifyWebhook`, `checkImage`'s options): once, with any throw caught.
pub(crate) fn field(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() {
        return JsValue::UNDEFINED;
    }
    get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}
