//! One poller per recorded job across the tabs of an origin (see `tabs.js`
//! for the Web Lock and the BroadcastChannel): the I/O of the machine's
//! `Claim`. A [`Tabs`] asks for the job's lock when it is opened, and lets
//! it go (or stops asking) when dropped, at the end of the call.

use crate::core::limits::MAX_RECORD_UNITS;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/io/tabs.js")]
extern "C" {
    #[wasm_bindgen(js_name = open)]
    fn open_js(name: &str, max: u32) -> JsValue;
    #[wasm_bindgen(js_name = next)]
    fn next_js(t: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = heard)]
    fn heard_js(t: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = share)]
    fn share_js(t: &JsValue, text: &str);
    #[wasm_bindgen(js_name = close)]
    fn close_js(t: &JsValue);
}

/// What came first while claiming.
pub(crate) enum News {
    /// This tab holds the job's lock.
    Claimed,
    /// The holder saved this record (its text).
    Heard(String),
    /// A message that was not text.
    Nothing,
}

pub(crate) struct Tabs(JsValue);

impl Tabs {
    pub(crate) fn open(name: &str) -> Tabs {
        Tabs(open_js(name, MAX_RECORD_UNITS as u32))
    }

    /// Settles when there is news: the lock, or a record heard. A plain
    /// promise rather than an `async fn`: each of those is a state machine
    /// of its own in the wasm.
    pub(crate) fn next(&self) -> JsFuture {
        JsFuture::from(next_js(&self.0))
    }

    /// What `next` settled with.
    pub(crate) fn news(&self, settled: Result<JsValue, JsValue>) -> News {
        match settled.ok().and_then(|v| v.as_f64()) {
            Some(2.0) => heard_js(&self.0).as_string().map_or(News::Nothing, News::Heard),
            // Granted, or closed (which only `drop` does).
            _ => News::Claimed,
        }
    }

    /// Tells the other tabs what this one saved.
    pub(crate) fn share(&self, text: &str) {
        share_js(&self.0, text);
    }
}

impl Drop for Tabs {
    fn drop(&mut self) {
        close_js(&self.0);
    }
}
