//! The I/O that carries out the job machine's actions (wasm only): one
//! loop ([`drive`]) that sends requests with `fetch`, reads their bodies
//! with a cap, sleeps, reports updates, keeps recorded jobs in the caller's
//! store ([`journal`]) and claims them across tabs ([`tabs`]). It decides nothing: what to send,
//! how long to wait and what an answer means are `crate::core::job`'s. The
//! globals it uses (`fetch`, `setTimeout`, `AbortController`) exist on a
//! page, in a worker, in Node 18+ and in edge runtimes, so no `window` is
//! needed.

pub(crate) mod body;
pub(crate) mod cancel;
pub(crate) mod clock;
pub(crate) mod drive;
pub(crate) mod journal;
pub(crate) mod send;
pub(crate) mod tabs;
