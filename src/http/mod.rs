//! The network layer: `fetch`, timers and abort signals, found on the
//! global object so it runs on a page, in a Web Worker and in Node 18+ (no
//! `window` needed). It carries out what the core decides (retry and poll
//! policy) and knows nothing of the JS-facing shapes.

pub mod client;
pub mod fetch;
pub mod timer;
