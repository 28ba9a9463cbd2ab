//! Aborting, wired in one place. Every request, every sleep, and (on the
//! server) every hook call and request-body read runs under a [`Cancel`]:
//! one `AbortController` that the caller's signal and a timer both abort.
//! Where there is no `AbortController` or `setTimeout`, there is no
//! `Cancel` (callers answer `NETWORK`); the caller's signal is read through
//! the guard, since it may only look like an `AbortSignal`. `fetch` is handed its signal, so the download stops; and
//! every await is raced against it ([`Cancel::race`]), so the call ends on
//! time even when a runtime drops the link from a signal to the fetch it was
//! given. (Node 20's fetch follows a `Request`'s signal through a weak
//! reference: after a garbage collection the abort may never arrive. The
//! timer here holds the controller strongly, and the race does not depend on
//! fetch at all.)
//!
//! No wasm-bindgen `Closure` is made: the timer and the caller's signal call the
//! controller's own `abort`, bound to it.

use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::Poll;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use super::clock::{clear_timeout, timer};

/// Whether the caller's `signal` has aborted. Read through the guard: a
/// caller's object may only look like an `AbortSignal` (its getter then
/// throws), and a throw must not unwind through wasm.
pub(crate) fn is_aborted(signal: &AbortSignal) -> bool {
    crate::wasm::guard::get(signal, &JsValue::from_str("aborted")).is_ok_and(|v| v.is_truthy())
}

/// Why a cancelled operation ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Why {
    /// The caller's signal aborted.
    Aborted,
    /// The time given ran out.
    TimedOut,
}

pub(crate) struct Cancel {
    controller: AbortController,
    /// `controller.abort`, bound to it.
    abort: js_sys::Function,
    caller: Option<AbortSignal>,
    timer: JsValue,
    /// Settles when the controller aborts.
    fired: JsFuture,
    /// Resolves `fired`'s promise. Called on drop: a `JsFuture` frees its
    /// callbacks only when its promise settles, and one that never fired
    /// would otherwise hold them (and two externref slots) for good: about
    /// 131 B of wasm memory per exchange, found by review and measured.
    resolve: js_sys::Function,
}

impl Cancel {
    /// A controller aborted by `caller` (at once if it already is) or after
    /// `ms`. `None` where `AbortController` does not exist.
    pub(crate) fn arm(caller: Option<&AbortSignal>, ms: f64) -> Option<Cancel> {
        // Checked first: a constructor that is missing would throw, and a
        // caught throw costs an externref slot for good.
        if !crate::wasm::guard::get(&js_sys::global(), &JsValue::from_str("AbortController")).is_ok_and(|c| c.is_function()) {
            return None;
        }
        let controller = AbortController::new().ok()?;
        let abort: js_sys::Function = js_sys::Reflect::get(&controller, &JsValue::from_str("abort")).ok()?.dyn_into().ok()?;
        let abort = abort.bind0(&controller);
        let signal = controller.signal();
        let mut slot = None;
        let fired = js_sys::Promise::new(&mut |resolve, _| slot = Some(resolve));
        let resolve = slot?;
        signal.add_event_listener_with_callback("abort", &resolve).ok()?;
        let timer = timer(&abort, ms)?;
        if let Some(caller) = caller {
            let _ = caller.add_event_listener_with_callback("abort", &abort);
            if is_aborted(caller) {
                let _ = abort.call0(&JsValue::UNDEFINED);
            }
        }
        Some(Cancel { controller, abort, caller: caller.cloned(), timer, fired: JsFuture::from(fired), resolve })
    }

    /// The signal to hand to `fetch`.
    pub(crate) fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// Whether it fired (then [`Cancel::why`] says why).
    pub(crate) fn fired(&self) -> bool {
        self.controller.signal().aborted()
    }

    pub(crate) fn why(&self) -> Why {
        if self.caller.as_ref().is_some_and(is_aborted) {
            Why::Aborted
        } else {
            Why::TimedOut
        }
    }

    /// `work`'s output, or `None` once this fires first.
    pub(crate) async fn race<T>(&mut self, work: impl Future<Output = T>) -> Option<T> {
        if self.fired() {
            return None;
        }
        let mut work = pin!(work);
        let fired = &mut self.fired;
        poll_fn(|cx| {
            if let Poll::Ready(out) = work.as_mut().poll(cx) {
                return Poll::Ready(Some(out));
            }
            match Pin::new(&mut *fired).poll(cx) {
                Poll::Ready(_) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            }
        })
        .await
    }

    /// Waits until it fires: a sleep of the timer's length that the caller's
    /// signal cuts short.
    pub(crate) async fn until_fired(mut self) -> Why {
        if !self.fired() {
            let _ = (&mut self.fired).await;
        }
        self.why()
    }
}

impl Drop for Cancel {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let Some(caller) = &self.caller {
            let _ = caller.remove_event_listener_with_callback("abort", &self.abort);
        }
        let _ = self.resolve.call0(&JsValue::UNDEFINED);
    }
}
