//! `checkImage`: does an image URL load, is it in a format the model takes,
//! is it large enough (`spec.rs` has both) — checked in the browser as the
//! user types.
//!
//! Browser-only (it needs `Image` when the file's server forbids reading
//! its bytes cross-origin). It first tries `fetch` and reads format and size
//! from the bytes (`core::image_probe`); failing that it loads an `<img>`
//! for the size alone. It never rejects: every outcome is a warning, since
//! the service fetches the URL itself and may succeed where the page cannot.

use crate::core::error::Error;
use crate::core::image_probe::{image_check, probe};
use crate::io::clock::{clear_timeout, timer};
use crate::io::send::fetch_prefix;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::error::string_arg;
use super::read::field;
use super::write::{promise, to_js};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "CheckImageOptions")]
    pub type CheckImageOptions;
}

const TIMEOUT_MS: f64 = 10_000.0;
/// Enough of the file for every header `core::image_probe` reads (a JPEG's
/// size can sit after its metadata).
const PREFIX_BYTES: usize = 256 * 1024;

/// Loads `url` in an `<img>`; `(width, height)` or `None` when it fails.
async fn image_size(url: &str) -> Option<(u32, u32)> {
    let img = web_sys::HtmlImageElement::new().ok()?;
    let mut slot: Option<(js_sys::Function, js_sys::Function)> = None;
    let promise = js_sys::Promise::new(&mut |resolve, reject| slot = Some((resolve, reject)));
    let (resolve, reject) = slot?;
    img.set_onload(Some(&resolve));
    img.set_onerror(Some(&reject));
    let timer = timer(&reject, TIMEOUT_MS)?;
    img.set_src(url);
    let loaded = JsFuture::from(promise).await.is_ok();
    clear_timeout(&timer);
    img.set_onload(None);
    img.set_onerror(None);
    loaded.then(|| (img.natural_width(), img.natural_height()))
}

/// Checks one image URL; resolves to `ImageCheck`. Browser-only.
#[wasm_bindgen(js_name = checkImage, unchecked_return_type = "Promise<ImageCheck>")]
pub fn check_image(#[wasm_bindgen(unchecked_param_type = "string")] url: &JsValue, options: Option<CheckImageOptions>) -> js_sys::Promise {
    let url = string_arg(url, "url");
    let index =
        options.as_deref().map(|o| field(o, "index")).and_then(|i| i.as_f64()).filter(|i| i.fract() == 0.0 && *i >= 0.0 && *i < 1e6);
    let path = match index {
        Some(i) => crate::core::issue::index_path(&crate::core::spec::HAPPYHORSE_11.param_path("images"), i as usize),
        None => String::new(),
    };
    promise(async move {
        let url = url?;
        let info = fetch_prefix(&url, PREFIX_BYTES, TIMEOUT_MS).await.as_deref().and_then(probe);
        let size = match info {
            Some(info) => Some((info.width, info.height)),
            None => image_size(&url).await,
        };
        Ok::<_, Error>(to_js(&image_check(url, info, size, &path)))
    })
}
