//! `checkImage`: does an image URL load, is it JPG/PNG/BMP/WEBP, is it at
//! least 300 px on each side — checked in the browser as the user types.
//!
//! Browser-only (it needs `Image` when the file's server forbids reading
//! its bytes cross-origin). It first tries `fetch` and reads format and size
//! from the bytes (`core::image_probe`); failing that it loads an `<img>`
//! for the size alone. It never rejects: every outcome is a warning, since
//! the service fetches the URL itself and may succeed where the page cannot.

use crate::core::image_probe::{probe, warnings_for, ImageInfo};
use crate::core::issue::{IssueCode, Issue};
use crate::core::output;
use crate::http::fetch::fetch_bytes;
use crate::http::timer::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::convert::to_js;
use super::error::set;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "CheckImageOptions")]
    pub type CheckImageOptions;
}

const TIMEOUT_MS: f64 = 10_000.0;

/// Loads `url` in an `<img>`; `(width, height)` or `None` when it fails.
async fn image_size(url: &str) -> Option<(u32, u32)> {
    let img = web_sys::HtmlImageElement::new().ok()?;
    let mut slot: Option<(js_sys::Function, js_sys::Function)> = None;
    let promise = js_sys::Promise::new(&mut |resolve, reject| slot = Some((resolve, reject)));
    let (resolve, reject) = slot?;
    img.set_onload(Some(&resolve));
    img.set_onerror(Some(&reject));
    let _timer = Timeout::new(TIMEOUT_MS, move || {
        let _ = reject.call0(&JsValue::UNDEFINED);
    });
    img.set_src(url);
    let loaded = JsFuture::from(promise).await.is_ok();
    img.set_onload(None);
    img.set_onerror(None);
    loaded.then(|| (img.natural_width(), img.natural_height()))
}

/// Checks one image URL; resolves to `ImageCheck`. Browser-only.
#[wasm_bindgen(js_name = checkImage, unchecked_return_type = "Promise<ImageCheck>")]
pub fn check_image(#[wasm_bindgen(unchecked_param_type = "string")] url: JsValue, options: Option<CheckImageOptions>) -> js_sys::Promise {
    let url = super::error::string_arg(&url, "url");
    let index = options
        .map(JsValue::from)
        .and_then(|o| js_sys::Reflect::get(&o, &JsValue::from_str("index")).ok())
        .and_then(|i| i.as_f64())
        .filter(|i| i.fract() == 0.0 && *i >= 0.0 && *i < 1e6);
    let path = match index {
        Some(i) => crate::core::issue::index_path("happyhorse11Params.images", i as usize),
        None => String::new(),
    };
    future_to_promise(async move {
        let url = url?;
        let probed: Option<ImageInfo> = fetch_bytes(&url, TIMEOUT_MS).await.as_deref().and_then(probe);
        let (info, size) = match probed {
            Some(info) => (Some(info), Some((info.width, info.height))),
            None => (None, image_size(&url).await),
        };
        let warnings = match size {
            Some((w, h)) => warnings_for(info, w, h, &path),
            None => vec![Issue {
                path: path.clone(),
                code: IssueCode::ImageUnreadable,
                message: String::from(
                    "this image did not load here: check the URL (the service fetches it itself, so it may still work if it is public)",
                ),
            }],
        };
        let out: JsValue = js_sys::Object::new().into();
        set(&out, "url", &JsValue::from_str(&url));
        set(&out, "ok", &JsValue::from_bool(warnings.is_empty()));
        set(&out, "format", &info.map_or(JsValue::NULL, |i| JsValue::from_str(i.format)));
        set(&out, "width", &size.map_or(JsValue::NULL, |s| JsValue::from_f64(s.0.into())));
        set(&out, "height", &size.map_or(JsValue::NULL, |s| JsValue::from_f64(s.1.into())));
        set(&out, "warnings", &to_js(&output::issues(&warnings)));
        Ok(out)
    })
}
