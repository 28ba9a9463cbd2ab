//! The one async loop: it runs a [`Machine`] to its end, carrying out each
//! action — a request, a sleep, an update for `onUpdate`, a claim on a
//! recorded job — and feeding the machine what happened; after each step it
//! does what the machine asks of the store (save, then tell the other tabs;
//! or drop). Every `Client` call is this loop over a machine built for it,
//! so the package holds one async state machine for the job client, not one
//! per flow.

use crate::core::error::Error;
use crate::core::job::machine::{Action, Change, Input, Machine, Output};
use web_sys::AbortSignal;

use super::cancel::{Cancel, Why};
use super::clock::now_ms;
use super::journal::Journal;
use super::send::send;
use super::tabs::{News, Tabs};

/// Runs `machine` until it is done. `signal` is the caller's; `on_update`
/// gets each job the machine reports (what it throws is the caller's, and
/// never stops the wait); `journal` keeps a recorded job's record.
pub(crate) async fn drive(
    mut machine: Machine,
    signal: Option<AbortSignal>,
    on_update: impl Fn(&crate::core::job::answer::Job),
    journal: Option<&Journal>,
) -> Result<Output, Error> {
    let mut input = Input::Start;
    // Opened at the first claim; dropped (lock released) when the call ends.
    let mut tabs: Option<Tabs> = None;
    loop {
        let action = machine.step(input, now_ms(), js_sys::Math::random());
        match (journal, machine.take_change()) {
            (Some(journal), Some(Change::Save(record))) => {
                if let (Some(text), Some(tabs)) = (journal.save(&record), &tabs) {
                    tabs.share(&text);
                }
            }
            (Some(journal), Some(Change::Drop(key))) => journal.remove(&key),
            _ => {}
        }
        input = match action {
            // Wait up to `wait_ms` for this tab to hold the job's claim, or
            // for the holder to save a state of it. (In the loop, not an
            // `async fn`: each of those is a state machine of its own.)
            Action::Claim { key, wait_ms } => match (journal, Cancel::arm(signal.as_ref(), wait_ms)) {
                (Some(journal), Some(mut cancel)) => {
                    let tabs = tabs.get_or_insert_with(|| Tabs::open(&journal.claim_name(&key)));
                    match cancel.race(tabs.next()).await.map(|settled| tabs.news(settled)) {
                        Some(News::Claimed) => Input::Claimed(journal.read(&key)),
                        // What is not this job's record is ignored (the
                        // machine claims again).
                        Some(News::Heard(text)) => journal.parse(&text, &key).map_or(Input::Slept, Input::Heard),
                        Some(News::Nothing) => Input::Slept,
                        None => match cancel.why() {
                            Why::Aborted => Input::Aborted,
                            Why::TimedOut => Input::Slept,
                        },
                    }
                }
                (journal, _) => Input::Claimed(journal.and_then(|j| j.read(&key))),
            },
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
