//! The one async loop: it runs a [`Machine`] to its end, carrying out each
//! action — a request, a sleep, an update for `onUpdate` — and feeding the
//! machine what happened. Every `Client` call is this loop over a machine
//! built for it, so the package holds one async state machine for the job
//! client, not one per flow.

use crate::core::error::Error;
use crate::core::job::machine::{Action, Input, Machine, Output};
use web_sys::AbortSignal;

use super::cancel::{Cancel, Why};
use super::clock::now_ms;
use super::send::send;

/// Runs `machine` until it is done. `signal` is the caller's; `on_update`
/// gets each job the machine reports (what it throws is the caller's, and
/// never stops the wait).
pub(crate) async fn drive(
    mut machine: Machine,
    signal: Option<AbortSignal>,
    on_update: impl Fn(&crate::core::job::answer::Job),
) -> Result<Output, Error> {
    let mut input = Input::Start;
    loop {
        input = match machine.step(input, now_ms(), js_sys::Math::random()) {
            Action::Send(out) => Input::Replied(send(&out, signal.as_ref()).await),
            Action::Sleep(ms) => match Cancel::arm(signal.as_ref(), ms) {
                Some(cancel) => match cancel.until_fired().await {
                    Why::TimedOut => Input::Slept,
                    Why::Aborted => Input::Aborted,
                },
                // No timers or AbortController here: every request fails
                // the same way (NETWORK), and the machine's retries and
                // poll failures are bounded, so not sleeping ends the call.
                None => Input::Slept,
            },
            Action::Update(job) => {
                on_update(&job);
                Input::Reported
            }
            Action::Done(result) => return result,
        }
    }
}
