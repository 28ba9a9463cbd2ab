//! Reading a body with a ceiling: chunk by chunk from its stream, stopping
//! (and cancelling the download) as soon as it passes the limit, so a
//! hostile or broken server cannot make the module hold 160 MB. A job
//! answer is a few KB; the limit is `core::limits::MAX_BODY_BYTES`. Each
//! read is raced against the exchange's [`Cancel`], so a body that trickles
//! forever ends with the request's timeout.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, ReadableStreamReadResult};

use super::cancel::Cancel;

#[wasm_bindgen(module = "/src/wasm/guard.js")]
extern "C" {
    /// `stream.getReader()`, or `None` when it throws: someone else already
    /// locked or read the stream (a request body that `authorize` read).
    fn reader(stream: &web_sys::ReadableStream) -> Option<ReadableStreamDefaultReader>;
}

/// How a read ended.
pub(crate) enum Body {
    /// The whole body, no longer than the limit.
    Complete(Vec<u8>),
    /// It went past the limit: what was read (the first `limit` bytes, or
    /// none when `Content-Length` said so at once); the rest was cancelled.
    Over(Vec<u8>),
    /// The stream failed (reset, aborted, or the [`Cancel`] fired).
    Failed,
}

/// Reads a body stream (a response's, or an incoming request's) up to
/// `limit` bytes; a declared length (`Content-Length`) over the limit is
/// refused before a byte is read.
pub(crate) async fn read_stream(
    stream: Option<web_sys::ReadableStream>,
    declared: Option<u64>,
    limit: usize,
    mut cancel: Option<&mut Cancel>,
) -> Body {
    if declared.is_some_and(|n| n > limit as u64) {
        if let Some(stream) = &stream {
            settle(stream.cancel());
        }
        return Body::Over(Vec::new());
    }
    let Some(stream) = stream else {
        return Body::Complete(Vec::new());
    };
    let Some(reader) = reader(&stream) else {
        return Body::Failed;
    };
    let mut out = Vec::new();
    loop {
        let read = JsFuture::from(reader.read());
        let chunk = match cancel.as_deref_mut() {
            Some(cancel) => cancel.race(read).await,
            None => Some(read.await),
        };
        let Some(Ok(chunk)) = chunk else {
            settle(reader.cancel());
            return Body::Failed;
        };
        let chunk: ReadableStreamReadResult = chunk.unchecked_into();
        if chunk.get_done().unwrap_or(true) {
            return Body::Complete(out);
        }
        let Some(bytes) = chunk_bytes(chunk.get_value()) else {
            settle(reader.cancel());
            return Body::Failed;
        };
        let len = bytes.length() as usize;
        if out.len() + len > limit {
            let take = limit - out.len();
            out.extend_from_slice(&bytes.subarray(0, take as u32).to_vec());
            settle(reader.cancel());
            return Body::Over(out);
        }
        let at = out.len();
        out.resize(at + len, 0);
        bytes.copy_to(&mut out[at..]);
    }
}

/// A chunk's bytes, as a `Uint8Array` over its buffer, whatever realm made
/// it. Not `dyn_into` (`instanceof Uint8Array`): Vitest's jsdom environment
/// swaps the global `Uint8Array` for jsdom's while Node's fetch still makes
/// its chunks with Node's own, so every body read there "broke off".
/// `ArrayBuffer.isView` reads an internal slot, which any realm's view has.
fn chunk_bytes(value: JsValue) -> Option<js_sys::Uint8Array> {
    if !js_sys::ArrayBuffer::is_view(&value) {
        return None;
    }
    let view: js_sys::Uint8Array = value.unchecked_into();
    Some(js_sys::Uint8Array::new_with_byte_offset_and_length(&view.buffer(), view.byte_offset(), view.byte_length()))
}

/// Drops a body that will not be read, so its download stops.
pub(crate) fn cancel_stream(stream: Option<&web_sys::ReadableStream>) {
    if let Some(stream) = stream {
        settle(stream.cancel());
    }
}

/// Awaits `promise` in the background and ignores how it ends: a rejected
/// promise nobody handles is an `unhandledRejection`, which ends a default
/// Node process.
fn settle(promise: js_sys::Promise) {
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(promise).await;
    });
}
